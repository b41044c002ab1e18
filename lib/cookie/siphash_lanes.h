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

/* A SipRound in two parts: the first reads v0 and v1 alone (synq_siphash24_words()) */
#define SIPX_ROUND_A(v0, v1)                                                                       \
	do {                                                                                       \
		v0 = SIPX_ADD(v0, v1);                                                             \
		v1 = SIPX_ROTL(v1, 13);                                                            \
		v1 = SIPX_XOR(v1, v0);                                                             \
		v0 = SIPX_ROTL32(v0);                                                              \
	} while (0)

#define SIPX_ROUND_B(v0, v1, v2, v3)                                                               \
	do {                                                                                       \
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

#define SIPX_ROUND(v0, v1, v2, v3)                                                                 \
	do {                                                                                       \
		SIPX_ROUND_A(v0, v1);                                                              \
		SIPX_ROUND_B(v0, v1, v2, v3);                                                      \
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

/*
 * synq_siphash24_words(): the messages as their words, transposed (word j of message i
 * at w[j * wstride + i], the last one SipHash's final block): one plain load a word
 * for all the lanes, no gather, no tail to assemble. The state before the first word
 * reads the key alone, SipHash's initialisation and the first half of its first
 * round (SIPX_ROUND_A): made once a call, for each of the two keys, and each group
 * of lanes starts from it (a blend of the two when @p sel picks a key per message).
 * The last round computes only what the result xors together: v0's last steps cancel
 * out of v0 ^ v3, v2's add out of v1 ^ v2. @p aligned: the rows, sel and out are
 * SIPX_ALIGN-aligned (whole-vector loads and stores, not split in halves).
 */
SIPX_TARGET static inline __attribute__((always_inline)) void
SIPX_FN(words_run)(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,
	size_t wstride, unsigned int nw, unsigned int n, uint64_t *out, bool aligned)
{
	SIPX_V a0 = SIPX_SET1(key[0].k0 ^ UINT64_C(0x736f6d6570736575));
	SIPX_V a1 = SIPX_SET1(key[0].k1 ^ UINT64_C(0x646f72616e646f6d));
	SIPX_V a2 = SIPX_SET1(key[0].k0 ^ UINT64_C(0x6c7967656e657261));
	SIPX_V a3 = SIPX_SET1(key[0].k1 ^ UINT64_C(0x7465646279746573));
	SIPX_V b0 = a0, b1 = a1, b2 = a2, b3 = a3;

	SIPX_ROUND_A(a0, a1);
	if (sel != NULL) {
		b0 = SIPX_SET1(key[1].k0 ^ UINT64_C(0x736f6d6570736575));
		b1 = SIPX_SET1(key[1].k1 ^ UINT64_C(0x646f72616e646f6d));
		b2 = SIPX_SET1(key[1].k0 ^ UINT64_C(0x6c7967656e657261));
		b3 = SIPX_SET1(key[1].k1 ^ UINT64_C(0x7465646279746573));
		SIPX_ROUND_A(b0, b1);
	}
	for (unsigned int i = 0; i < n; i += SIPX_LANES) {
		SIPX_V v0 = a0, v1 = a1, v2 = a2, v3 = a3;

		if (sel != NULL) {
			SIPX_V s = aligned ? SIPX_LOADA(sel + i) : SIPX_LOAD(sel + i);

			v0 = SIPX_BLEND(a0, b0, s);
			v1 = SIPX_BLEND(a1, b1, s);
			v2 = SIPX_BLEND(a2, b2, s);
			v3 = SIPX_BLEND(a3, b3, s);
		}
		for (unsigned int j = 0; j < nw; j++) {
			const uint64_t *wj = w + j * wstride + i;
			SIPX_V m = aligned ? SIPX_LOADA(wj) : SIPX_LOAD(wj);

			v3 = SIPX_XOR(v3, m);
			if (j == 0) /* its first half made before the loop */
				SIPX_ROUND_B(v0, v1, v2, v3);
			else
				SIPX_ROUND(v0, v1, v2, v3);
			SIPX_ROUND(v0, v1, v2, v3);
			v0 = SIPX_XOR(v0, m);
		}
		v2 = SIPX_XOR(v2, SIPX_SET1(0xff));
		SIPX_ROUND(v0, v1, v2, v3);
		SIPX_ROUND(v0, v1, v2, v3);
		SIPX_ROUND(v0, v1, v2, v3);
		/*
		 * The last round: v0 ^ v3 at its end is v3 rotated by 21 (v3 ^= v0 undone),
		 * v1 ^ v2 is v1 rotated by 17 (v1 ^= v2 undone) xor v2 rotated by 32
		 */
		v0 = SIPX_ADD(v0, v1);
		v1 = SIPX_ROTL(v1, 13);
		v1 = SIPX_XOR(v1, v0);
		v2 = SIPX_ADD(v2, v3);
		v3 = SIPX_ROTL16(v3);
		v3 = SIPX_XOR(v3, v2);
		v2 = SIPX_ADD(v2, v1);
		v0 = SIPX_XOR(SIPX_ROTL(v3, 21), SIPX_ROTL(v1, 17));
		v0 = SIPX_XOR(v0, SIPX_XOR(v2, SIPX_ROTL32(v2)));
		if (aligned)
			SIPX_STOREA(out + i, v0);
		else
			SIPX_STORE(out + i, v0);
	}
}

/*
 * The hot variants, each a function of its own: inlined in one, GCC merged the loops
 * of one key and of two into one, with register copies and a test in every group.
 */
#define SIPX_WORDS_VARIANT(name, nw_, sel_)                                                        \
	SIPX_TARGET static __attribute__((noinline)) void SIPX_FN(name)(                           \
		const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,             \
		size_t wstride, unsigned int n, uint64_t *out)                                     \
	{                                                                                          \
		(void)sel;                                                                         \
		SIPX_FN(words_run)(key, sel_, w, wstride, nw_, n, out, true);                      \
	}
SIPX_WORDS_VARIANT(words3, 3, NULL)
SIPX_WORDS_VARIANT(words3_sel, 3, sel)
SIPX_WORDS_VARIANT(words2, 2, NULL)
#undef SIPX_WORDS_VARIANT

/*
 * The entry point: 3 words (the IPv4 cookie: one key, or a key a message) and 2 (an IPv4
 * 4-tuple, one key) with code of their own, for arrays aligned to the vectors (those
 * of lib/cookie and lib/tcp are); anything else the generic loop.
 */
SIPX_TARGET static void
SIPX_FN(words)(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,
	size_t wstride, unsigned int nw, unsigned int n, uint64_t *out)
{
	bool aligned = (((uintptr_t)w | (uintptr_t)sel | (uintptr_t)out | (wstride * sizeof(*w))) &
			       (SIPX_ALIGN - 1)) == 0;

	if (nw == 3 && sel == NULL && aligned)
		SIPX_FN(words3)(key, NULL, w, wstride, n, out);
	else if (nw == 3 && aligned)
		SIPX_FN(words3_sel)(key, sel, w, wstride, n, out);
	else if (nw == 2 && sel == NULL && aligned)
		SIPX_FN(words2)(key, NULL, w, wstride, n, out);
	else
		SIPX_FN(words_run)(key, sel, w, wstride, nw, n, out, false);
}

#undef SIPX_ROUND
#undef SIPX_ROUND_A
#undef SIPX_ROUND_B
