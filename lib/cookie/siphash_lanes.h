/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body of SipHash-2-4 in SIMD lanes, included by siphash_x.c once per vector
 * width: it defines SIPX_FN (the function's name), SIPX_TARGET (its target
 * attribute), SIPX_LANES, the vector type SIPX_V and the operations below on it. Not a
 * public header: the vector types exist only inside functions with their target.
 *
 * The state is SipHash's four words, each a vector with one lane per message; a
 * message word is gathered from the lanes' messages (index = the message's byte
 * offset, constant from one group of lanes to the next: only the base moves). The
 * last word of a message of 8 bytes or more is loaded as the 8 bytes that end the
 * message, shifted right past those already compressed: nothing past the message is
 * read, and no byte-by-byte tail. Shorter messages copy their bytes per lane.
 */

#define SIPX_ROUND(v0, v1, v2, v3)                                                                 \
	do {                                                                                       \
		v0 = SIPX_ADD(v0, v1);                                                             \
		v1 = SIPX_ROTL(v1, 13);                                                            \
		v1 = SIPX_XOR(v1, v0);                                                             \
		v0 = SIPX_ROTL32(v0);                                                              \
		v2 = SIPX_ADD(v2, v3);                                                             \
		v3 = SIPX_ROTL16(v3);                                                              \
		v3 = SIPX_XOR(v3, v2);                                                             \
		v0 = SIPX_ADD(v0, v3);                                                             \
		v3 = SIPX_ROTL(v3, 21);                                                            \
		v3 = SIPX_XOR(v3, v0);                                                             \
		v2 = SIPX_ADD(v2, v1);                                                             \
		v1 = SIPX_ROTL(v1, 17);                                                            \
		v1 = SIPX_XOR(v1, v2);                                                             \
		v2 = SIPX_ROTL32(v2);                                                              \
	} while (0)

/*
 * One group of SIPX_LANES hashes: messages at @p base + idx[lane], keys at
 * @p kbase + kidx[lane] (kidx unused when @p shared).
 */
SIPX_TARGET static inline __attribute__((always_inline)) SIPX_V
SIPX_FN(group)(
	const uint8_t *kbase, SIPX_V kidx, bool shared, const uint8_t *base, SIPX_V idx, size_t len)
{
	const struct synq_sipkey *sk = (const struct synq_sipkey *)(const void *)kbase;
	SIPX_V k0 = shared ? SIPX_SET1(sk->k0) : SIPX_GATHER(kbase, kidx);
	SIPX_V k1 = shared ? SIPX_SET1(sk->k1) : SIPX_GATHER(kbase + 8, kidx);
	SIPX_V v0 = SIPX_XOR(k0, SIPX_SET1(UINT64_C(0x736f6d6570736575)));
	SIPX_V v1 = SIPX_XOR(k1, SIPX_SET1(UINT64_C(0x646f72616e646f6d)));
	SIPX_V v2 = SIPX_XOR(k0, SIPX_SET1(UINT64_C(0x6c7967656e657261)));
	SIPX_V v3 = SIPX_XOR(k1, SIPX_SET1(UINT64_C(0x7465646279746573)));
	SIPX_V last = SIPX_SET1((uint64_t)len << 56);
	size_t off;

	for (off = 0; off + 8 <= len; off += 8) {
		SIPX_V m = SIPX_GATHER(base + off, idx);

		v3 = SIPX_XOR(v3, m);
		SIPX_ROUND(v0, v1, v2, v3);
		SIPX_ROUND(v0, v1, v2, v3);
		v0 = SIPX_XOR(v0, m);
	}
	if ((len & 7) != 0 && len >= 8) {
		/* the message's last 8 bytes, the compressed ones shifted out */
		SIPX_V t = SIPX_GATHER(base + len - 8, idx);

		last = SIPX_OR(last, SIPX_SRLI(t, 64 - 8 * (unsigned int)(len & 7)));
	} else if ((len & 7) != 0) {
		uint64_t t[SIPX_LANES] = {0};
		int64_t ix[SIPX_LANES];

		SIPX_STORE(ix, idx);
		for (unsigned int j = 0; j < SIPX_LANES; j++) {
			memcpy(&t[j], base + ix[j], len);
			t[j] = rte_le_to_cpu_64(t[j]);
		}
		last = SIPX_OR(last, SIPX_LOAD(t));
	}
	v3 = SIPX_XOR(v3, last);
	SIPX_ROUND(v0, v1, v2, v3);
	SIPX_ROUND(v0, v1, v2, v3);
	v0 = SIPX_XOR(v0, last);

	v2 = SIPX_XOR(v2, SIPX_SET1(0xff));
	SIPX_ROUND(v0, v1, v2, v3);
	SIPX_ROUND(v0, v1, v2, v3);
	SIPX_ROUND(v0, v1, v2, v3);
	SIPX_ROUND(v0, v1, v2, v3);
	return SIPX_XOR(SIPX_XOR(v0, v1), SIPX_XOR(v2, v3));
}

/* synq_siphash24_many() for one message length @p len (a constant where inlined). */
SIPX_TARGET static inline __attribute__((always_inline)) void
SIPX_FN(run)(const struct synq_sipkey *keys, unsigned int key_step, const uint8_t *msgs,
	size_t stride, size_t len, unsigned int n, uint64_t *out)
{
	const uint8_t *kb = (const uint8_t *)keys;
	size_t kstride = (size_t)key_step * sizeof(*keys); /* as scalar's keys[i * key_step] */
	int64_t ix[SIPX_LANES], kx[SIPX_LANES];
	unsigned int i = 0;
	SIPX_V idx, kidx;

	for (unsigned int j = 0; j < SIPX_LANES; j++) {
		ix[j] = (int64_t)(j * stride);
		kx[j] = (int64_t)(j * kstride);
	}
	idx = SIPX_LOAD(ix);
	kidx = SIPX_LOAD(kx);
	for (; i + SIPX_LANES <= n; i += SIPX_LANES)
		SIPX_STORE(out + i, SIPX_FN(group)(kb + i * kstride, kidx, key_step == 0,
					    msgs + i * stride, idx, len));
	if (i < n) {
		/* the lanes past the last message hash it again; their results are dropped */
		unsigned int left = n - i;
		uint64_t h[SIPX_LANES];

		for (unsigned int j = 0; j < SIPX_LANES; j++) {
			unsigned int l = j < left ? j : left - 1;

			ix[j] = (int64_t)(l * stride);
			kx[j] = (int64_t)(l * kstride);
		}
		SIPX_STORE(h, SIPX_FN(group)(kb + i * kstride, SIPX_LOAD(kx), key_step == 0,
				      msgs + i * stride, SIPX_LOAD(ix), len));
		memcpy(out + i, h, left * sizeof(*h));
	}
}

/* The entry point: the hot paths' lengths with code of their own, others generic. */
SIPX_TARGET static void
SIPX_FN(many)(const struct synq_sipkey *keys, unsigned int key_step, const void *msgs,
	size_t stride, size_t len, unsigned int n, uint64_t *out)
{
	if (len == 22)
		SIPX_FN(run)(keys, key_step, msgs, stride, 22, n, out);
	else if (len == 12)
		SIPX_FN(run)(keys, key_step, msgs, stride, 12, n, out);
	else
		SIPX_FN(run)(keys, key_step, msgs, stride, len, n, out);
}

#undef SIPX_ROUND
