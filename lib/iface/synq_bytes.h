/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bytes of a frame as native words, at any alignment, for the fast paths that compare
 * whole words with words of constant bytes under a mask (lib/net/input.c's parse,
 * lib/tcp's option shortcuts): one load each, where the compiler sees through memcpy.
 */

#ifndef SYNQ_BYTES_H
#define SYNQ_BYTES_H

#include <stdint.h>
#include <string.h>

/** The 8 bytes at @p p as one native word (any alignment). */
static inline uint64_t
synq_load64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/** The 4 bytes at @p p as one native word (any alignment). */
static inline uint32_t
synq_load32(const uint8_t *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/** Bytes in memory order as the native word a load of them gives (a constant). */
#define SYNQ_BYTES8(...) synq_load64((const uint8_t[8]){__VA_ARGS__})
#define SYNQ_BYTES4(...) synq_load32((const uint8_t[4]){__VA_ARGS__})

#endif /* SYNQ_BYTES_H */
