/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TEST_FAKE_MBUF_H
#define SYNQ_TEST_FAKE_MBUF_H

/*
 * A single-segment mbuf over a plain buffer, without EAL or a mempool: enough for
 * rte_pktmbuf_mtod() and the length fields the packet handler reads. Never hand one
 * to rte_pktmbuf_free().
 */

#include <string.h>

#include <rte_mbuf.h>

#define FAKE_MBUF_ROOM 2048
#define FAKE_MBUF_HEADROOM RTE_PKTMBUF_HEADROOM

struct fake_mbuf {
	struct rte_mbuf m;
	uint8_t buf[FAKE_MBUF_HEADROOM + FAKE_MBUF_ROOM];
};

/* Reset @p f to hold a copy of the @p len bytes at @p frame; returns its mbuf. */
static inline struct rte_mbuf *
fake_mbuf_set(struct fake_mbuf *f, const void *frame, uint16_t len)
{
	memset(f, 0, sizeof(*f));
	f->m.buf_addr = f->buf;
	f->m.buf_len = sizeof(f->buf);
	f->m.data_off = FAKE_MBUF_HEADROOM;
	f->m.nb_segs = 1;
	rte_mbuf_refcnt_set(&f->m, 1);
	f->m.data_len = len;
	f->m.pkt_len = len;
	memcpy(f->buf + FAKE_MBUF_HEADROOM, frame, len);
	return &f->m;
}

/* The frame's bytes. */
static inline uint8_t *
fake_mbuf_data(struct fake_mbuf *f)
{
	return rte_pktmbuf_mtod(&f->m, uint8_t *);
}

#endif /* SYNQ_TEST_FAKE_MBUF_H */
