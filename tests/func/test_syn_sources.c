/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /synq/syn_sources through DPDK telemetry's own socket, as synqctl and
 * dpdk-telemetry.py read it: the merged reply of four workers' windows parses, and
 * its largest form (N = 50, the longest IPv6 addresses, counts and rates of many
 * digits) fits telemetry's 16 KB reply whole, every list 50 long.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_eal.h>

#include "runtime_dir.h"
#include "synq_srcsketch.h"
#include "synq_stats.h"

#define WORKERS 4

static struct synq_srcsketch sk[WORKERS];
static char prefix[64];

/*
 * The worst a window holds for the reply's length: every counter taken, by keys that
 * print longest (IPv6 addresses of eight 4-digit groups, each in a /48 of its own;
 * IPv4 ones each in a /24 of its own), counts near 2^32, a window of 1 ms.
 */
static void
fill_worst(struct synq_srcsketch *s, unsigned int w)
{
	struct synq_sketch_ss *a = &s->live.ss[SYNQ_SKETCH_ADDR];
	struct synq_sketch_ss *p6 = &s->live.ss[SYNQ_SKETCH_V6_48];
	struct synq_sketch_ss *p4 = &s->live.ss[SYNQ_SKETCH_V4_24];

	for (uint32_t i = 0; i < SYNQ_SKETCH_SLOTS; i++) {
		memset(a->key[i].b, 0xfe, 16);
		a->key[i].b[0] = (uint8_t)(0xa0 + w);
		a->key[i].b[5] = (uint8_t)(0x10 + i);
		a->count[i] = UINT32_MAX - i;
		p6->key[i] = a->key[i];
		memset(p6->key[i].b + 6, 0, 10);
		p6->count[i] = UINT32_MAX - i;
		memset(p4->key[i].b, 0, 16);
		p4->key[i].b[10] = p4->key[i].b[11] = 0xff;
		p4->key[i].b[12] = (uint8_t)(100 + w);
		p4->key[i].b[13] = 200;
		p4->key[i].b[14] = (uint8_t)(100 + i);
		p4->count[i] = UINT32_MAX - i;
	}
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++)
		s->live.ss[t].n = SYNQ_SKETCH_SLOTS;
	s->live.syns = UINT64_C(1) << 40;
	s->live.sample = 1;
	s->start_tsc = rte_rdtsc();
	/* a window of 1 ms: rates of many digits */
	synq_srcsketch_rotate(s, s->start_tsc + s->hz_ms);
}

/* Ask telemetry's socket @p cmd; the reply's text into @p buf, its length returned. */
static ssize_t
tel_query(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n;

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	n = read(fd, buf, len); /* the greeting: version, pid, max_output_len */
	assert_true(n > 0);
	assert_true(write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd));
	n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	return n;
}

static void
test_worst_reply_fits(void **state __rte_unused)
{
	static char buf[65536];
	static const char *const lists[] = {"addr", "addr_syns", "addr_rate", "addr_share_ppm",
		"v4_24", "v4_24_syns", "v4_24_rate", "v4_24_share_ppm", "v6_48", "v6_48_syns",
		"v6_48_rate", "v6_48_share_ppm"};
	json_error_t jerr;
	json_t *doc, *r;
	ssize_t n;

	for (unsigned int w = 0; w < WORKERS; w++)
		fill_worst(&sk[w], w);
	n = tel_query("/synq/syn_sources,50", buf, sizeof(buf));
	print_message("/synq/syn_sources,50 at its largest: %zd bytes\n", n);
	assert_true(n < 16384);
	doc = json_loads(buf, 0, &jerr);
	assert_non_null(doc);
	r = json_object_get(doc, "/synq/syn_sources");
	assert_true(json_is_object(r));
	for (unsigned int i = 0; i < RTE_DIM(lists); i++) {
		json_t *a = json_object_get(r, lists[i]);

		assert_true(json_is_array(a));
		assert_int_equal(json_array_size(a), 50);
	}
	assert_int_equal(json_integer_value(json_object_get(r, "syns")), (json_int_t)WORKERS << 40);
	assert_int_equal(json_integer_value(json_object_get(r, "window_ms")), 1);
	/* the longest address, of eight groups */
	assert_int_equal(
		strlen(json_string_value(json_array_get(json_object_get(r, "addr"), 0))), 39);
	json_decref(doc);
}

/* A small window through the socket: the numbers as the schema has them. */
static void
test_reply_values(void **state __rte_unused)
{
	static char buf[65536];
	json_error_t jerr;
	json_t *doc, *r;

	for (unsigned int w = 0; w < WORKERS; w++) {
		assert_int_equal(synq_srcsketch_init(&sk[w], rte_get_tsc_hz(), rte_rdtsc()), 0);
		/* 198.18.0.7 sends 300 SYNs over the workers, 100 others one each */
		for (uint32_t i = 0; i < 75; i++)
			synq_srcsketch_feed4(&sk[w], htonl(0xc6120007));
		for (uint32_t i = 0; i < 25; i++)
			synq_srcsketch_feed4(&sk[w], htonl(0xc6120100 + w * 25 + i));
		synq_srcsketch_rotate(&sk[w], sk[w].start_tsc + sk[w].hz_ms * 1000);
	}
	tel_query("/synq/syn_sources,3", buf, sizeof(buf));
	doc = json_loads(buf, 0, &jerr);
	assert_non_null(doc);
	r = json_object_get(doc, "/synq/syn_sources");
	assert_int_equal(json_integer_value(json_object_get(r, "syns")), 400);
	assert_int_equal(json_integer_value(json_object_get(r, "rate")), 400);
	assert_int_equal(json_integer_value(json_object_get(r, "window_ms")), 1000);
	assert_int_equal(json_integer_value(json_object_get(r, "error")), 0);
	assert_int_equal(json_integer_value(json_object_get(r, "sample")), 1);
	print_message(
		"distinct: %lld\n", (long long)json_integer_value(json_object_get(r, "distinct")));
	assert_true(labs((long)json_integer_value(json_object_get(r, "distinct")) - 101) <= 3);
	assert_int_equal(json_array_size(json_object_get(r, "addr")), 3);
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(r, "addr"), 0)), "198.18.0.7");
	assert_int_equal(
		json_integer_value(json_array_get(json_object_get(r, "addr_syns"), 0)), 300);
	assert_int_equal(
		json_integer_value(json_array_get(json_object_get(r, "addr_share_ppm"), 0)),
		750000);
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(r, "v4_24"), 0)), "198.18.0.0/24");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(r, "v4_24"), 1)), "198.18.1.0/24");
	assert_int_equal(json_array_size(json_object_get(r, "v6_48")), 0);
	json_decref(doc);
}

static int
setup(void **state __rte_unused)
{
	char *eal[] = {"test_syn_sources", "--no-pci", "--no-huge", "-m", "64", "--file-prefix",
		prefix, "-l", "0", "--log-level", "*:error", NULL};

	snprintf(prefix, sizeof(prefix), "t-syn-sources-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		return -1;
	synq_stats_reset();
	for (unsigned int w = 0; w < WORKERS; w++)
		if (synq_srcsketch_init(&sk[w], rte_get_tsc_hz(), rte_rdtsc()) != 0 ||
			synq_stats_sketch_register(w, &sk[w]) != 0)
			return -1;
	return synq_stats_telemetry_init();
}

static int
teardown(void **state __rte_unused)
{
	synq_stats_close();
	rte_eal_cleanup();
	runtime_dir_remove(prefix);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worst_reply_fits),
		cmocka_unit_test(test_reply_values),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
