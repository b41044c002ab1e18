/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_SIPHASH_H
#define SYNQ_SIPHASH_H

/**
 * @file
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012):
 * a keyed 64-bit PRF, fast on the short inputs of TCP 4-tuples. Pure functions,
 * thread safe. Checked against the reference vectors in tests/unit/test_cookie.c.
 */

#include <stddef.h>
#include <stdint.h>

/** A 128-bit SipHash key as two little-endian 64-bit words. */
struct synq_sipkey {
	uint64_t k0;
	uint64_t k1;
};

/** Load a key from its 16 bytes (k0 = bytes 0..7, k1 = bytes 8..15, little endian). */
struct synq_sipkey synq_sipkey_load(const uint8_t bytes[16]);

/** SipHash-2-4 of the @p len bytes at @p data under @p key. */
uint64_t synq_siphash24(const struct synq_sipkey *key, const void *data, size_t len);

#endif /* SYNQ_SIPHASH_H */
