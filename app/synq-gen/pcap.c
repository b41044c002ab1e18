/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --pcap-out FILE --pcap-count N: N SYNs (or forged ACKs, RSTs, a mix) with unique 4-tuples, in
 * the libpcap file format, for generators that replay a file (pktgen's pcap mode).
 * No EAL: the format is written here, the frames by gen_build().
 *
 * Format (libpcap's "savefile", native byte order, the magic tells readers which):
 * a 24-byte global header, then per frame a 16-byte record header and the frame.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "gen.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u /* microsecond timestamps */
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_SNAPLEN 65535
/* --pcap-kind mix: the kind of frame i is mix_kind[i % 4] */
static const enum gen_mode mix_kind[4] = {GEN_SYN, GEN_ACK, GEN_SYN, GEN_RST};

static const char *
kind_name(enum gen_mode k)
{
	switch (k) {
	case GEN_ACK:
		return "forged ACK";
	case GEN_RST:
		return "RST";
	case GEN_PCAP_MIX:
		return "mixed (SYN, ACK, SYN, RST)";
	default:
		return "SYN";
	}
}

/* Frames of at least 64 bytes: some replay tools and NICs refuse shorter ones. */
#define PCAP_FRAME_MIN 64

struct pcap_global {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t network;
};

struct pcap_record {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

/*
 * The @p i-th 4-tuple: unique for i < size * GEN_SPORT_SPAN. i picks an address
 * slot and a port slot; each goes through a bijection (an odd multiplier modulo the
 * power-of-two range size; a multiplier prime to GEN_SPORT_SPAN = 2^10 * 3^2 * 7
 * modulo it), so consecutive frames spread over the range as random sources would,
 * and RSS spreads them over queues.
 */
static void
tuple(const struct gen_range *r, uint64_t i, uint64_t off, uint32_t *saddr, uint16_t *sport)
{
	uint64_t slot = i % r->size;
	uint64_t block = i / r->size;

	*saddr = r->base + (uint32_t)((slot * UINT64_C(0x9e3779b1) + off) & (r->size - 1));
	*sport = (uint16_t)(GEN_SPORT_MIN + (block * 48271 + (off >> 32)) % GEN_SPORT_SPAN);
}

int
gen_pcap_write(const struct gen_args *a)
{
	struct gen_ctx c = {.a = a};
	struct pcap_global g = {
		.magic = PCAP_MAGIC_US,
		.version_major = 2,
		.version_minor = 4,
		.snaplen = PCAP_SNAPLEN,
		.network = PCAP_LINKTYPE_ETHERNET,
	};
	uint8_t frame[GEN_FRAME_MAX + PCAP_FRAME_MIN];
	uint8_t opt[40];
	struct timespec now;
	uint64_t seed = a->seed, off;
	FILE *f;
	int rc = 0;

	if (a->pcap_count > (uint64_t)a->flood.size * GEN_SPORT_SPAN) {
		fprintf(stderr, "synq-gen: --pcap-count %lu: --src-range has only %lu unique "
			"4-tuples\n", (unsigned long)a->pcap_count,
			(unsigned long)((uint64_t)a->flood.size * GEN_SPORT_SPAN));
		return -EINVAL;
	}
	if (seed == 0 && getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return -EIO;
	c.rng = seed;
	c.isn_key = gen_rand(&c.rng);
	off = gen_rand(&c.rng);
	c.l2.src = a->src_mac;
	c.l2.dst = a->dst_mac;
	c.l2.vlan = a->vlan;
	if (!a->has_src_mac)
		rte_ether_unformat_addr(GEN_DEFAULT_MAC, &c.l2.src);
	if (!a->has_dst_mac)
		rte_ether_unformat_addr(GEN_DEFAULT_DST_MAC, &c.l2.dst);

	f = fopen(a->pcap_out, "wb");
	if (f == NULL) {
		rc = -errno;
		fprintf(stderr, "synq-gen: %s: %s\n", a->pcap_out, strerror(errno));
		return rc;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (fwrite(&g, sizeof(g), 1, f) != 1)
		rc = -EIO;
	for (uint64_t i = 0; rc == 0 && i < a->pcap_count; i++) {
		/* one microsecond apart: replay tools that keep the timing send at 1 Mpps */
		uint64_t us = (uint64_t)now.tv_nsec / 1000 + i;
		struct pcap_record r;
		struct gen_seg s;
		uint32_t saddr;
		uint16_t sport;
		uint16_t len;

		tuple(&a->flood, i, off, &saddr, &sport);
		/* TSval: a counter, as a real client's clock would be */
		gen_flood_seg(&c, a->pcap_kind == GEN_PCAP_MIX ? mix_kind[i % 4] : a->pcap_kind,
			saddr, sport, (uint32_t)i + 1, &s, opt);
		len = gen_build(frame, &c.l2, &s, false);
		if (len < PCAP_FRAME_MIN) {
			memset(frame + len, 0, PCAP_FRAME_MIN - len);
			len = PCAP_FRAME_MIN;
		}
		r.ts_sec = (uint32_t)(now.tv_sec + (time_t)(us / 1000000));
		r.ts_usec = (uint32_t)(us % 1000000);
		r.incl_len = len;
		r.orig_len = len;
		if (fwrite(&r, sizeof(r), 1, f) != 1 || fwrite(frame, len, 1, f) != 1)
			rc = -EIO;
	}
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0) {
		fprintf(stderr, "synq-gen: %s: %s\n", a->pcap_out, strerror(-rc));
		return rc;
	}
	printf("synq-gen: wrote %lu %s frames to %s\n", (unsigned long)a->pcap_count,
		kind_name(a->pcap_kind), a->pcap_out);
	return 0;
}
