/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash-2-4 in lanes (synq_siphash24_many(), _words()) and the choice of
 * implementation.
 *
 * SipHash's rounds are 64-bit adds, xors and rotations, the same for every message:
 * N messages run as N lanes of one vector with no change to the function. AVX2 has no
 * 64-bit rotation (two shifts and an or; the rotations by 16 and 32 are byte and
 * dword shuffles), AVX-512F has one (vprolq) and twice the lanes. In
 * synq_siphash24_many() the message words come in with 64-bit gathers, so the
 * messages may be fields of an array of structures; the keys too when each message
 * has its own (a burst of cookie ACKs mixes two windows, two keys). The hot paths
 * give synq_siphash24_words() the words already laid out for the lanes: plain loads.
 *
 * The code for each width is compiled with __attribute__((target)), not with a global
 * -m flag: the build runs on any x86-64, and the width in use is chosen once, when the
 * program starts, from rte_cpu_get_flag_enabled(). Other CPUs have the scalar loop.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_siphash.h"

#if defined(RTE_ARCH_X86_64) && (defined(__GNUC__) || defined(__clang__))
#define SIPX_HAVE_X86 1
#include <cpuid.h>
#include <immintrin.h>
#include <rte_cpuflags.h>
#endif

typedef void(sip_many_fn)(const struct synq_sipkey *keys, unsigned int key_step, const void *msgs,
	size_t stride, size_t len, unsigned int n, uint64_t *out);
typedef void(sip_words_fn)(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,
	size_t wstride, unsigned int nw, unsigned int n, uint64_t *out);

/* synq_siphash24() with its length a constant for the hot paths' lengths. */
static inline __attribute__((always_inline)) void
scalar_run(const struct synq_sipkey *keys, unsigned int key_step, const uint8_t *msgs,
	size_t stride, size_t len, unsigned int n, uint64_t *out)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = synq_siphash24(&keys[i * key_step], msgs + i * stride, len);
}

static void
scalar_many(const struct synq_sipkey *keys, unsigned int key_step, const void *msgs, size_t stride,
	size_t len, unsigned int n, uint64_t *out)
{
	if (len == 22)
		scalar_run(keys, key_step, msgs, stride, 22, n, out);
	else if (len == 12)
		scalar_run(keys, key_step, msgs, stride, 12, n, out);
	else
		scalar_run(keys, key_step, msgs, stride, len, n, out);
}

/* synq_siphash24_words(), one message after the other: the reference for the lanes. */
static inline __attribute__((always_inline)) void
scalar_words_run(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,
	size_t wstride, unsigned int nw, unsigned int n, uint64_t *out)
{
	for (unsigned int i = 0; i < n; i++) {
		struct synq_sip_state s = synq_sip_init(&key[sel != NULL && sel[i] != 0]);

		for (unsigned int j = 0; j < nw; j++)
			synq_sip_word(&s, w[j * wstride + i]);
		out[i] = synq_sip_final(&s);
	}
}

static void
scalar_words(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w, size_t wstride,
	unsigned int nw, unsigned int n, uint64_t *out)
{
	if (nw == 3)
		scalar_words_run(key, sel, w, wstride, 3, n, out);
	else if (nw == 2)
		scalar_words_run(key, sel, w, wstride, 2, n, out);
	else
		scalar_words_run(key, sel, w, wstride, nw, n, out);
}

#ifdef SIPX_HAVE_X86

/* AVX2: 4 lanes */
#define SIPX_FN(x) avx2_##x
#define SIPX_TARGET __attribute__((target("avx2")))
#define SIPX_LANES 4
#define SIPX_V __m256i
#define SIPX_ADD(a, b) _mm256_add_epi64(a, b)
#define SIPX_XOR(a, b) _mm256_xor_si256(a, b)
#define SIPX_OR(a, b) _mm256_or_si256(a, b)
#define SIPX_ROTL(x, b) _mm256_or_si256(_mm256_slli_epi64(x, b), _mm256_srli_epi64(x, 64 - (b)))
#define SIPX_ROTL32(x) _mm256_shuffle_epi32(x, 0xb1)
/* rotation by 16 bits: byte i of a lane takes byte i - 2 (mod 8) */
#define SIPX_ROTL16(x)                                                                             \
	_mm256_shuffle_epi8(x, _mm256_setr_epi8(6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12,  \
				       13, 6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9, 10, 11, 12, 13))
#define SIPX_SRLI(x, b) _mm256_srli_epi64(x, (int)(b))
#define SIPX_SET1(x) _mm256_set1_epi64x((long long)(x))
#define SIPX_GATHER(base, idx)                                                                     \
	_mm256_i64gather_epi64((const long long *)(const void *)(base), idx, 1)
#define SIPX_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define SIPX_STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
/* b's lanes where s's are all ones, a's where zero (by each byte's top bit) */
#define SIPX_BLEND(a, b, s) _mm256_blendv_epi8(a, b, s)
/* unaligned 256-bit accesses are split in two for generic x86-64 tuning: aligned ones not */
#define SIPX_ALIGN 32
#define SIPX_LOADA(p) _mm256_load_si256((const __m256i *)(const void *)(p))
#define SIPX_STOREA(p, v) _mm256_store_si256((__m256i *)(void *)(p), v)
#include "siphash_lanes.h"
#undef SIPX_FN
#undef SIPX_TARGET
#undef SIPX_LANES
#undef SIPX_V
#undef SIPX_ADD
#undef SIPX_XOR
#undef SIPX_OR
#undef SIPX_ROTL
#undef SIPX_ROTL32
#undef SIPX_ROTL16
#undef SIPX_SRLI
#undef SIPX_SET1
#undef SIPX_GATHER
#undef SIPX_LOAD
#undef SIPX_STORE
#undef SIPX_BLEND
#undef SIPX_ALIGN
#undef SIPX_LOADA
#undef SIPX_STOREA

/* AVX-512F: 8 lanes, one instruction a rotation */
#define SIPX_FN(x) avx512_##x
#define SIPX_TARGET __attribute__((target("avx512f")))
#define SIPX_LANES 8
#define SIPX_V __m512i
#define SIPX_ADD(a, b) _mm512_add_epi64(a, b)
#define SIPX_XOR(a, b) _mm512_xor_si512(a, b)
#define SIPX_OR(a, b) _mm512_or_si512(a, b)
#define SIPX_ROTL(x, b) _mm512_rol_epi64(x, b)
#define SIPX_ROTL32(x) _mm512_rol_epi64(x, 32)
#define SIPX_ROTL16(x) _mm512_rol_epi64(x, 16)
#define SIPX_SRLI(x, b) _mm512_srli_epi64(x, (unsigned int)(b))
#define SIPX_SET1(x) _mm512_set1_epi64((long long)(x))
#define SIPX_GATHER(base, idx) _mm512_i64gather_epi64(idx, (const void *)(base), 1)
#define SIPX_LOAD(p) _mm512_loadu_si512((const void *)(p))
#define SIPX_STORE(p, v) _mm512_storeu_si512((void *)(p), v)
#define SIPX_BLEND(a, b, s) _mm512_mask_blend_epi64(_mm512_test_epi64_mask(s, s), a, b)
#define SIPX_ALIGN 64
#define SIPX_LOADA(p) _mm512_load_si512((const void *)(p))
#define SIPX_STOREA(p, v) _mm512_store_si512((void *)(p), v)
#include "siphash_lanes.h"

#endif /* SIPX_HAVE_X86 */

/*
 * XCR0's bits for the register states (Intel SDM vol. 1, 13.1 and 14.3, 15.2): the CPU's
 * flags (CPUID, all rte_cpu_get_flag_enabled() reads) say what it has, XCR0 what the OS
 * saves on a context switch. A kernel or hypervisor may leave AVX-512 (or AVX) off on a
 * CPU that has it: its instructions then fault (#UD), and a worker would die on its
 * first cookie burst.
 */
#define XCR0_SSE (UINT64_C(1) << 1)
#define XCR0_AVX (UINT64_C(1) << 2)
#define XCR0_AVX512 (UINT64_C(7) << 5) /* opmask, ZMM0-15's upper halves, ZMM16-31 */

bool
synq_siphash_xcr0_allows(enum synq_sip_impl impl, uint64_t xcr0)
{
	uint64_t need = 0;

	if (impl == SYNQ_SIP_AVX2)
		need = XCR0_SSE | XCR0_AVX;
	else if (impl == SYNQ_SIP_AVX512)
		need = XCR0_SSE | XCR0_AVX | XCR0_AVX512;
	return (xcr0 & need) == need;
}

#ifdef SIPX_HAVE_X86
/* XCR0, or 0 where the OS has not enabled XSAVE (then xgetbv itself faults). */
static uint64_t
xcr0_read(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & bit_OSXSAVE) == 0)
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}
#endif

static enum synq_sip_impl sip_impl = SYNQ_SIP_SCALAR;
static sip_many_fn *sip_many = scalar_many;
static sip_words_fn *sip_words = scalar_words;

bool
synq_siphash_impl_available(enum synq_sip_impl impl)
{
	switch (impl) {
	case SYNQ_SIP_AUTO:
	case SYNQ_SIP_SCALAR:
		return true;
#ifdef SIPX_HAVE_X86
	case SYNQ_SIP_AVX2:
		return rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0 &&
		       synq_siphash_xcr0_allows(impl, xcr0_read());
	case SYNQ_SIP_AVX512:
		return rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
		       synq_siphash_xcr0_allows(impl, xcr0_read());
#endif
	default:
		return false;
	}
}

enum synq_sip_impl
synq_siphash_select(enum synq_sip_impl impl)
{
	if (impl == SYNQ_SIP_AUTO) {
		impl = SYNQ_SIP_SCALAR;
		if (synq_siphash_impl_available(SYNQ_SIP_AVX512))
			impl = SYNQ_SIP_AVX512;
		else if (synq_siphash_impl_available(SYNQ_SIP_AVX2))
			impl = SYNQ_SIP_AVX2;
	}
	if (!synq_siphash_impl_available(impl))
		return sip_impl;
	switch (impl) {
#ifdef SIPX_HAVE_X86
	case SYNQ_SIP_AVX2:
		sip_many = avx2_many;
		sip_words = avx2_words;
		break;
	case SYNQ_SIP_AVX512:
		sip_many = avx512_many;
		sip_words = avx512_words;
		break;
#endif
	default:
		sip_many = scalar_many;
		sip_words = scalar_words;
		break;
	}
	sip_impl = impl;
	return sip_impl;
}

enum synq_sip_impl
synq_siphash_impl(void)
{
	return sip_impl;
}

const char *
synq_siphash_impl_name(enum synq_sip_impl impl)
{
	static const char *const names[] = {
		[SYNQ_SIP_AUTO] = "auto",
		[SYNQ_SIP_SCALAR] = "scalar",
		[SYNQ_SIP_AVX2] = "avx2",
		[SYNQ_SIP_AVX512] = "avx512",
	};

	return (unsigned int)impl < RTE_DIM(names) ? names[impl] : "?";
}

/* Chosen once, before main() and before any worker: the function pointer is only read. */
RTE_INIT(synq_siphash_init)
{
	synq_siphash_select(SYNQ_SIP_AUTO);
}

void
synq_siphash24_many(const struct synq_sipkey *keys, unsigned int key_step, const void *msgs,
	size_t stride, size_t len, unsigned int n, uint64_t *out)
{
	sip_many(keys, key_step, msgs, stride, len, n, out);
}

void
synq_siphash24_words(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,
	size_t wstride, unsigned int nw, unsigned int n, uint64_t *out)
{
	sip_words(key, sel, w, wstride, nw, n, out);
}
