/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS in software: the Toeplitz hash, the redirection table, and the choice of a local
 * port whose reply lands on a given rx queue.
 *
 * Toeplitz (Microsoft's "Verifying the RSS Hash Calculation"; Intel 82599 datasheet
 * 7.1.2.8): for each bit i of the input, most significant bit of byte 0 first, that is
 * set, XOR the 32 key bits starting at bit i into the result. Each input bit
 * contributes independently of the others, hence the per-byte tables of the local
 * port's contribution (struct synq_rss.dport_hash): 2 families x 2 bytes x 256 entries
 * x 4 bytes = 4 KiB a port, built once at start.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "synq_rss.h"

/* Input bytes of the TCP 4-tuple: two addresses, two ports. */
#define TUPLE4_LEN (2 * 4 + 4)
#define TUPLE6_LEN (2 * 16 + 4)

/* Key bit @p bit (0: most significant bit of key[0]); past the key's end, zero. */
static uint32_t
key_bit(const uint8_t *key, unsigned int key_len, unsigned int bit)
{
	if (bit >= 8 * key_len)
		return 0;
	return (key[bit >> 3] >> (7 - (bit & 7))) & 1;
}

/* The 32 key bits from bit @p pos: what input bit @p pos XORs into the hash. */
static uint32_t
key_window(const uint8_t *key, unsigned int key_len, unsigned int pos)
{
	uint32_t w = 0;

	for (unsigned int i = 0; i < 32; i++)
		w = w << 1 | key_bit(key, key_len, pos + i);
	return w;
}

/* Key byte @p i; past the key's end, zero. */
static uint64_t
key_byte(const uint8_t *key, unsigned int key_len, unsigned int i)
{
	return i < key_len ? key[i] : 0;
}

/*
 * A byte at a time: with k the 40 key bits from bit 8i (key bytes i..i+4), bit b of
 * input byte i (0: least significant) selects key bits 8i + 7 - b .. 8i + 38 - b,
 * which is k >> (b + 1). Only the set bits cost anything.
 */
uint32_t
synq_rss_toeplitz(const uint8_t *key, unsigned int key_len, const uint8_t *in, unsigned int len)
{
	uint64_t k = 0;
	uint32_t h = 0;

	for (unsigned int m = 0; m < 4; m++)
		k = k << 8 | key_byte(key, key_len, m);
	for (unsigned int i = 0; i < len; i++) {
		unsigned int x = in[i];

		k = (k << 8 | key_byte(key, key_len, i + 4)) & UINT64_C(0xffffffffff);
		for (; x != 0; x &= x - 1)
			h ^= (uint32_t)(k >> (__builtin_ctz(x) + 1));
	}
	return h;
}

/* The table of one byte of the local port: the byte sits at input byte @p at. */
static void
dport_table(uint32_t t[256], const uint8_t *key, unsigned int key_len, unsigned int at)
{
	uint32_t w[8]; /* w[b]: what bit b (0 = least significant) of the byte adds */

	for (unsigned int b = 0; b < 8; b++)
		w[b] = key_window(key, key_len, 8 * at + 7 - b);
	t[0] = 0;
	for (unsigned int x = 1; x < 256; x++)
		t[x] = t[x & (x - 1)] ^ w[__builtin_ctz(x)];
}

void
synq_rss_init_none(struct synq_rss *rss)
{
	memset(rss, 0, sizeof(*rss));
	rss->nb_queues = 1;
}

int
synq_rss_init(struct synq_rss *rss, const uint8_t *key, unsigned int key_len, const uint16_t *reta,
	unsigned int reta_size, uint16_t nb_queues)
{
	if (key_len < SYNQ_RSS_KEY_MIN || key_len > SYNQ_RSS_KEY_MAX || nb_queues == 0 ||
		reta_size == 0 || reta_size > SYNQ_RSS_RETA_MAX || (reta_size & (reta_size - 1)))
		return -EINVAL;
	for (unsigned int i = 0; i < reta_size; i++)
		if (reta[i] >= nb_queues)
			return -EINVAL;
	synq_rss_init_none(rss);
	rss->key_len = (uint8_t)key_len;
	memcpy(rss->key, key, key_len);
	rss->reta_size = reta_size;
	rss->nb_queues = nb_queues;
	memcpy(rss->reta, reta, reta_size * sizeof(reta[0]));
	/* the destination port is the last two bytes of the input */
	dport_table(rss->dport_hash[0][0], key, key_len, TUPLE4_LEN - 2);
	dport_table(rss->dport_hash[0][1], key, key_len, TUPLE4_LEN - 1);
	dport_table(rss->dport_hash[1][0], key, key_len, TUPLE6_LEN - 2);
	dport_table(rss->dport_hash[1][1], key, key_len, TUPLE6_LEN - 1);
	return 0;
}

uint32_t
synq_rss_hash_base(const struct synq_rss *rss, int family, const uint8_t *src, const uint8_t *dst,
	uint16_t sport)
{
	uint8_t in[TUPLE6_LEN];
	unsigned int alen = family == 6 ? 16 : 4;

	if (rss->reta_size == 0)
		return 0;
	/* source address, destination address, source port, destination port (zero) */
	memcpy(in, src, alen);
	memcpy(in + alen, dst, alen);
	memcpy(in + 2 * alen, &sport, 2);
	memset(in + 2 * alen + 2, 0, 2);
	return synq_rss_toeplitz(rss->key, rss->key_len, in, 2 * alen + 4);
}

uint32_t
synq_rss_hash(const struct synq_rss *rss, int family, const uint8_t *src, const uint8_t *dst,
	uint16_t sport, uint16_t dport)
{
	if (rss->reta_size == 0)
		return 0;
	return synq_rss_hash_port(rss, family, synq_rss_hash_base(rss, family, src, dst, sport),
		rte_be_to_cpu_16(dport));
}

bool
synq_rss_lands(const struct synq_rss *rss, int family, const uint8_t *src, const uint8_t *dst,
	uint16_t sport, uint16_t dport, uint16_t queue)
{
	return synq_rss_queue(rss, synq_rss_hash(rss, family, src, dst, sport, dport)) == queue;
}

void
synq_rss_ports_init(struct synq_rss_ports *it, const struct synq_rss *rss, int family,
	const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t lo, uint16_t hi,
	uint16_t start, uint16_t queue)
{
	it->rss = rss;
	it->family = (uint8_t)family;
	it->base = synq_rss_hash_base(rss, family, src, dst, sport);
	it->lo = lo;
	it->hi = hi;
	it->next = (start < lo || start > hi) ? lo : start;
	it->left = lo <= hi ? (uint32_t)(hi - lo) + 1 : 0;
	it->queue = queue;
	/* a queue the RETA never names gets nothing: no walk of the whole range for it */
	if (rss->reta_size != 0) {
		unsigned int i = 0;

		while (i < rss->reta_size && rss->reta[i] != queue)
			i++;
		if (i == rss->reta_size)
			it->left = 0;
	}
}

int
synq_rss_ports_next(struct synq_rss_ports *it)
{
	while (it->left > 0) {
		uint16_t p = it->next;

		it->next = p == it->hi ? it->lo : (uint16_t)(p + 1);
		it->left--;
		if (synq_rss_queue(it->rss, synq_rss_hash_port(it->rss, it->family, it->base, p)) ==
			it->queue)
			return p;
	}
	return -1;
}
