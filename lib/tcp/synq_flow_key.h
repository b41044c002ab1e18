/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_FLOW_KEY_H
#define SYNQ_FLOW_KEY_H

/**
 * @file
 * The key of a flow in a worker's tables (the SYN table, the flow table, the flow
 * memory): the client's address and port, our port, and which of our addresses and
 * of the worker's rx queues the flow uses. 24 bytes, compared as bytes but for the
 * padding: the bytes of an IPv4 address past its first 4 must be zero.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** Entries a worker's table may be created for at most (2^25 slots). */
#define SYNQ_FLOW_TABLE_MAX (UINT32_C(1) << 24)

struct synq_flow_key {
	uint8_t saddr[16]; /* the client's address; IPv4 in the first 4 bytes, the rest zero */
	uint16_t sport;	   /* the client's port, network order */
	uint16_t dport;	   /* ours, network order */
	uint8_t family;	   /* 4 or 6; 0 marks an empty table slot */
	uint8_t daddr_idx; /* which of the port's addresses the flow was sent to */
	uint8_t rxq_idx;   /* which of the worker's (port, queue) pairs it came from */
	uint8_t pad;	   /* never compared (0 in every table entry) */
};

_Static_assert(sizeof(struct synq_flow_key) == 24, "a flow key is 24 bytes, no hidden padding");

/** Whether @p a and @p b name the same flow: every byte before the padding. */
static inline bool
synq_flow_key_equal(const struct synq_flow_key *a, const struct synq_flow_key *b)
{
	return memcmp(a, b, offsetof(struct synq_flow_key, pad)) == 0;
}

#endif /* SYNQ_FLOW_KEY_H */
