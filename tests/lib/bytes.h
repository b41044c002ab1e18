/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TEST_BYTES_H
#define SYNQ_TEST_BYTES_H

/**
 * @file
 * Big-endian fields of the tests' frames, read and written byte by byte with shifts:
 * independent of the host's byte order and of alignment (TCP options put 32-bit
 * fields at any byte), and of DPDK's byte-order macros, which the code under test
 * uses. Thread safe.
 */

#include <stdint.h>

/** Write @p v at @p p, most significant byte first. */
static inline void
synq_bytes_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/** Write @p v at @p p, most significant byte first. */
static inline void
synq_bytes_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/** The big-endian 16-bit value at @p p. */
static inline uint16_t
synq_bytes_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/** The big-endian 32-bit value at @p p. */
static inline uint32_t
synq_bytes_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif /* SYNQ_TEST_BYTES_H */
