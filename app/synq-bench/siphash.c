/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq-siphash-bench: ns a hash of synq_siphash24_many() for each implementation
 * this CPU runs (scalar, avx2, avx512), at the hot paths' lengths (12: a 4-tuple, 22:
 * the IPv4 cookie MAC input), in bursts of 32 messages; and ns a cookie of
 * synq_cookie_make() and _check() against synq_cookie_make_burst() and _check_burst()
 * (--cookies). Instructions a hash come from callgrind on the timed functions only
 * (docs/syncookies.md, "Hashes in lanes"):
 *
 *   valgrind --tool=callgrind --toggle-collect='timed_*' synq-siphash-bench --impl avx2
 *     --len 22 --rounds 1000
 *
 * (valgrind runs no AVX-512). No EAL: nothing here touches DPDK's runtime.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>

#include "synq_cookie.h"
#include "synq_siphash.h"

#define BURST 32

static uint64_t sink;

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A burst hashed rounds times; noinline so that callgrind can toggle on it. */
static __rte_noinline void
timed_many(const struct synq_sipkey *k, const uint8_t *msgs, size_t len, unsigned int rounds)
{
	uint64_t out[BURST];

	for (unsigned int r = 0; r < rounds; r++) {
		synq_siphash24_many(k, 0, msgs, 24, len, BURST, out);
		sink += out[r % BURST];
	}
}

static __rte_noinline void
timed_make(struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *req, unsigned int rounds)
{
	for (unsigned int r = 0; r < rounds; r++)
		for (unsigned int i = 0; i < BURST; i++) {
			struct synq_cookie_flow f = {
				.family = 4, .sport = req[i].sport, .dport = req[i].dport};
			struct synq_cookie_opts kept;

			memcpy(f.saddr, req[i].saddr, 4);
			memcpy(f.daddr, req[i].daddr, 4);
			sink += synq_cookie_make(
				ctx, &f, req[i].client_isn, &req[i].opts, 1000, &kept);
		}
}

static __rte_noinline void
timed_make_burst(struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *req, unsigned int rounds)
{
	for (unsigned int r = 0; r < rounds; r++) {
		synq_cookie_make_burst(ctx, req, BURST, 1000);
		sink += req[r % BURST].cookie;
	}
}

/* the burst's cookies checked (all valid, one window): one at a time, or a burst */
static __rte_noinline void
timed_check(struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *req, unsigned int rounds)
{
	for (unsigned int r = 0; r < rounds; r++)
		for (unsigned int i = 0; i < BURST; i++) {
			struct synq_cookie_flow f = {
				.family = 4, .sport = req[i].sport, .dport = req[i].dport};
			struct synq_cookie_opts out;

			memcpy(f.saddr, req[i].saddr, 4);
			memcpy(f.daddr, req[i].daddr, 4);
			sink += synq_cookie_check(
				ctx, &f, req[i].client_isn, req[i].cookie, 1001, &out);
		}
}

static __rte_noinline void
timed_check_burst(struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *req, unsigned int rounds)
{
	for (unsigned int r = 0; r < rounds; r++)
		sink += synq_cookie_check_burst(ctx, req, BURST, 1001);
}

static void
usage(void)
{
	fprintf(stderr, "usage: synq-siphash-bench [--impl scalar|avx2|avx512] [--len N] "
			"[--rounds N] [--cookies]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {{"impl", required_argument, NULL, 'i'},
		{"len", required_argument, NULL, 'l'}, {"rounds", required_argument, NULL, 'r'},
		{"cookies", no_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	static const enum synq_sip_impl all[] = {SYNQ_SIP_SCALAR, SYNQ_SIP_AVX2, SYNQ_SIP_AVX512};
	static const uint8_t secret[16] = "0123456789abcdef";
	struct synq_cookie_req4 req[BURST];
	uint8_t msgs[BURST * 24];
	struct synq_sipkey k = {0x0706050403020100u, 0x0f0e0d0c0b0a0908u};
	unsigned int rounds = 200000, only = 0;
	size_t lens[2] = {12, 22}, nlens = 2;
	bool cookies = false;
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			for (only = 0; only < RTE_DIM(all); only++)
				if (strcmp(optarg, synq_siphash_impl_name(all[only])) == 0)
					break;
			if (only == RTE_DIM(all))
				usage();
			only++;
			break;
		case 'l':
			lens[0] = strtoul(optarg, NULL, 0);
			nlens = 1;
			if (lens[0] > 24)
				usage();
			break;
		case 'r':
			rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'c':
			cookies = true;
			break;
		default:
			usage();
		}
	}
	for (unsigned int i = 0; i < sizeof(msgs); i++)
		msgs[i] = (uint8_t)(i * 131 + 7);
	for (unsigned int i = 0; i < BURST; i++) {
		memcpy(&req[i], msgs + i * 24, 16);
		req[i].opts = (struct synq_cookie_opts){.mss = 1460, .wscale = 7, .sack = true};
	}
	for (unsigned int m = 0; m < RTE_DIM(all); m++) {
		if ((only && only - 1 != m) || !synq_siphash_impl_available(all[m]))
			continue;
		synq_siphash_select(all[m]);
		for (unsigned int l = 0; l < nlens; l++) {
			double t = now_ns();

			timed_many(&k, msgs, lens[l], rounds);
			t = now_ns() - t;
			printf("%-7s len %2zu: %6.2f ns a hash\n", synq_siphash_impl_name(all[m]),
				lens[l], t / ((double)rounds * BURST));
		}
		if (cookies) {
			struct synq_cookie_ctx ctx;
			double t;

			synq_cookie_init(&ctx, secret);
			t = now_ns();
			if (all[m] == SYNQ_SIP_SCALAR)
				timed_make(&ctx, req, rounds);
			else
				timed_make_burst(&ctx, req, rounds);
			t = now_ns() - t;
			printf("%-7s cookie make%s: %6.2f ns a cookie\n",
				synq_siphash_impl_name(all[m]),
				all[m] == SYNQ_SIP_SCALAR ? "" : "_burst",
				t / ((double)rounds * BURST));
			t = now_ns();
			if (all[m] == SYNQ_SIP_SCALAR)
				timed_check(&ctx, req, rounds);
			else
				timed_check_burst(&ctx, req, rounds);
			t = now_ns() - t;
			printf("%-7s cookie check%s: %6.2f ns a cookie\n",
				synq_siphash_impl_name(all[m]),
				all[m] == SYNQ_SIP_SCALAR ? "" : "_burst",
				t / ((double)rounds * BURST));
		}
	}
	return sink == 42; /* keeps the hashes from being optimised out */
}
