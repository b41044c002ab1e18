/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_RSS_H
#define SYNQ_RSS_H

/**
 * @file
 * Which rx queue a port's RSS sends a TCP 4-tuple to, computed in software (the
 * Toeplitz hash of Microsoft's RSS, as NICs and DPDK's rte_softrss() compute it, then
 * the redirection table), and the choice of a local port for a connection synq opens
 * so that its replies land on the queue of the worker that opened it (the way mTCP and
 * F-Stack do it).
 *
 * The reply of a connection to a backend is hashed by the NIC as it arrives: source =
 * the backend's address and port, destination = ours. The hash input is the bytes, in
 * network order, of: source address, destination address, source port, destination
 * port (12 bytes for IPv4, 36 for IPv6). Toeplitz is linear over GF(2): the hash of
 * (fixed part, local port) is the hash of the fixed part with the port zero, XOR the
 * local port's own contribution, which depends only on the key and the family. So a
 * connection computes the fixed part once (synq_rss_hash_base(), ~100 to 300 shifts),
 * and each candidate port costs two table loads, an XOR and a redirection-table load.
 *
 * No EAL: the key and table come from lib/port (synq_port_rss_query()) or a test. A
 * struct synq_rss is written once at start and read-only afterwards: any number of
 * lcores may read it.
 */

#include <stdbool.h>
#include <stdint.h>

/** Longest RSS key taken (i40e's 52 bytes); the 36-byte IPv6 4-tuple uses 40 of them. */
#define SYNQ_RSS_KEY_MAX 52
/** Shortest: what the IPv6 4-tuple needs (36 bytes of input + 4). */
#define SYNQ_RSS_KEY_MIN 40
/** Largest redirection table taken (ice's 2048 entries). */
#define SYNQ_RSS_RETA_MAX 2048

/** A port's RSS as software sees it. Read-only once initialised. */
struct synq_rss {
	/* entries of reta[]: a power of two; 0: no RSS, every tuple lands on queue 0 */
	uint32_t reta_size;
	uint16_t nb_queues; /* the port's rx queues */
	uint8_t key_len;
	uint8_t key[SYNQ_RSS_KEY_MAX];
	uint16_t reta[SYNQ_RSS_RETA_MAX]; /* hash & (reta_size - 1) -> rx queue */
	/*
	 * The destination (local) port's contribution to the hash, per family (0: IPv4,
	 * 1: IPv6) and byte of the port (0: high, 1: low): hash(base, port) =
	 * base ^ dport_hash[f][0][port >> 8] ^ dport_hash[f][1][port & 0xff].
	 */
	uint32_t dport_hash[2][2][256];
};

/**
 * Set @p rss up for a port whose RSS uses @p key (@p key_len bytes, from
 * SYNQ_RSS_KEY_MIN to SYNQ_RSS_KEY_MAX) and the redirection table @p reta
 * (@p reta_size entries, a power of two up to SYNQ_RSS_RETA_MAX, each below
 * @p nb_queues).
 *
 * @return 0, or -EINVAL (a bad length or size, an entry naming no queue).
 */
int synq_rss_init(struct synq_rss *rss, const uint8_t *key, unsigned int key_len,
	const uint16_t *reta, unsigned int reta_size, uint16_t nb_queues);

/**
 * Set @p rss up for a port without RSS: every tuple lands on queue 0, which is right
 * for a port with one rx queue (and the only answer for one whose device cannot tell).
 */
void synq_rss_init_none(struct synq_rss *rss);

/**
 * The Toeplitz hash of @p len bytes of @p in under @p key (@p key_len >= @p len + 4):
 * bit i of the input (most significant bit of byte 0 first) selects key bits i..i+31.
 * What rte_softrss() computes from host-order words.
 */
uint32_t synq_rss_toeplitz(
	const uint8_t *key, unsigned int key_len, const uint8_t *in, unsigned int len);

/**
 * The hash of the reply 4-tuple (@p src = the peer, @p dst = us), ports in network
 * order; addresses are 16-byte arrays, an IPv4 one in the first 4 bytes. 0 when
 * @p rss has no RSS.
 */
uint32_t synq_rss_hash(const struct synq_rss *rss, int family, const uint8_t *src,
	const uint8_t *dst, uint16_t sport, uint16_t dport);

/** synq_rss_hash() with the destination port zero: the part a chooser computes once. */
uint32_t synq_rss_hash_base(const struct synq_rss *rss, int family, const uint8_t *src,
	const uint8_t *dst, uint16_t sport);

/** The hash of (@p base's fixed part, destination port @p port, host order). */
static inline uint32_t
synq_rss_hash_port(const struct synq_rss *rss, int family, uint32_t base, uint16_t port)
{
	const uint32_t(*t)[256] = rss->dport_hash[family == 6];

	return base ^ t[0][port >> 8] ^ t[1][port & 0xff];
}

/** The rx queue RSS sends a packet of hash @p hash to. */
static inline uint16_t
synq_rss_queue(const struct synq_rss *rss, uint32_t hash)
{
	return rss->reta_size == 0 ? 0 : rss->reta[hash & (rss->reta_size - 1)];
}

/** Whether the reply 4-tuple (as synq_rss_hash()) lands on rx queue @p queue. */
bool synq_rss_lands(const struct synq_rss *rss, int family, const uint8_t *src, const uint8_t *dst,
	uint16_t sport, uint16_t dport, uint16_t queue);

/**
 * A walk over the local ports of [lo, hi] (host order), once around from a start
 * point, that yields those whose reply lands on one queue. The caller rejects the ones
 * in use (or in TIME-WAIT) and asks for the next; one walk costs at most hi - lo + 1
 * steps of a few loads each, however many ports the caller refuses. A caller that
 * stops after refusing N ports bounds it to about N x nb_queues steps: when the ports
 * are nearly all taken, that is what keeps a connection attempt cheap.
 *
 * The start point is the caller's: a keyed hash of the connection's addresses plus a
 * counter (RFC 6056 section 3.3.3) keeps the local ports unpredictable to an off-path
 * attacker.
 */
struct synq_rss_ports {
	const struct synq_rss *rss;
	uint32_t base; /* synq_rss_hash_base() of the connection */
	uint16_t lo, hi;
	uint16_t next;	/* the next port to look at */
	uint32_t left;	/* ports not looked at yet */
	uint16_t queue; /* the worker's rx queue */
	uint8_t family;
};

/**
 * Start a walk for the connection to @p src : @p sport (the backend, @p sport in
 * network order) from our @p dst, over [@p lo, @p hi] from @p start (clamped into the
 * range), yielding ports whose reply lands on @p queue.
 */
void synq_rss_ports_init(struct synq_rss_ports *it, const struct synq_rss *rss, int family,
	const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t lo, uint16_t hi,
	uint16_t start, uint16_t queue);

/**
 * The next port of the walk (host order) whose reply lands on the walk's queue, or -1
 * when the whole range has been looked at.
 */
int synq_rss_ports_next(struct synq_rss_ports *it);

#endif /* SYNQ_RSS_H */
