/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus formatter (lib/stats/prom.c), built here from its source with
 * jansson and libc alone, as synqctl links it: names, escaping, one HELP and TYPE a
 * family with its samples together, labels.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "prom.c"

/* A metric name as the format says: [a-zA-Z_:][a-zA-Z0-9_:]*. */
static bool
valid_name(const char *s, size_t n)
{
	if (n == 0 || is_digit(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower(s[i]) && !is_upper(s[i]) && !is_digit(s[i]) && s[i] != '_' &&
			s[i] != ':')
			return false;
	return true;
}

static void
test_names(void **state)
{
	char a[128], b[128];

	(void)state;
	assert_true(synq_prom_name("TcpPassiveOpens", 1, a, sizeof(a)) > 0);
	assert_string_equal(a, "synq_tcp_passive_opens_total");
	synq_prom_name("SynqRxFrames", 1, a, sizeof(a));
	assert_string_equal(a, "synq_rx_frames_total");
	synq_prom_name("TcpExtTCPReqQFullDrop", 1, a, sizeof(a));
	assert_string_equal(a, "synq_tcp_ext_tcp_req_q_full_drop_total");
	synq_prom_name("Icmp6OutMLDv2Reports", 1, a, sizeof(a));
	assert_string_equal(a, "synq_icmp6_out_mldv2_reports_total");
	synq_prom_name("IpExtInCsumErrors", 1, a, sizeof(a));
	assert_string_equal(a, "synq_ip_ext_in_csum_errors_total");
	synq_prom_name("TcpCurrEstab", 0, a, sizeof(a));
	assert_string_equal(a, "synq_tcp_curr_estab");
	/* too small: nothing, never a cut name */
	assert_int_equal(synq_prom_name("TcpPassiveOpens", 1, a, 10), 0);

	/* every counter's name valid and unique */
	for (size_t i = 0; i < NB(counters); i++) {
		size_t n = synq_prom_name(counters[i].name, 1, a, sizeof(a));

		assert_true(valid_name(a, n));
		for (size_t j = 0; j < i; j++) {
			synq_prom_name(counters[j].name, 1, b, sizeof(b));
			assert_string_not_equal(a, b);
		}
	}
}

static char *
render(const json_t *doc, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(synq_prom_write(f, doc), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
test_escaping(void **state)
{
	char buf[LABELS_MAX] = "";
	char *help = NULL;
	size_t len;
	FILE *f = open_memstream(&help, &len);

	(void)state;
	label_add(buf, sizeof(buf), "a", "x\"y\\z\nw");
	label_add(buf, sizeof(buf), "b", "plain");
	assert_string_equal(buf, "a=\"x\\\"y\\\\z\\nw\",b=\"plain\"");
	/* a value too long is cut, its quote still closed */
	{
		char small[16] = "";

		label_add(small, sizeof(small), "k", "\"\"\"\"\"\"\"\"\"\"");
		assert_true(strlen(small) < sizeof(small));
		assert_int_equal(small[strlen(small) - 1], '"');
	}
	/* HELP escapes a backslash and a line feed, not a double quote */
	put_help(f, "a\\b\nc\"d");
	fclose(f);
	assert_string_equal(help, "a\\\\b\\nc\"d");
	free(help);
}

/* A document as synq_stats_json() makes it: two lcores, listeners, ports, pools. */
static json_t *
sample_doc(void)
{
	json_t *c1 = json_object(), *c2 = json_object(), *sum = json_object();

	for (size_t i = 0; i < NB(counters); i++) {
		json_object_set_new(c1, counters[i].name, json_integer((json_int_t)i));
		json_object_set_new(c2, counters[i].name, json_integer(1000 + (json_int_t)i));
		json_object_set_new(sum, counters[i].name, json_integer(1000 + 2 * (json_int_t)i));
	}
	/* a uint64_t past 2^63 as the document carries it */
	json_object_set_new(c2, "TcpPassiveOpens", json_integer((json_int_t)UINT64_MAX));
	return json_pack("{s:s, s:f, s:o, s:[{s:i, s:s, s:o}, {s:i, s:s, s:o}],"
			 " s:[{s:s, s:i, s:i, s:i, s:s, s:i},"
			 "    {s:s, s:i, s:i, s:i, s:s, s:i, s:[{s:s, s:i, s:s, s:i, s:i}]}],"
			 " s:[{s:i, s:s, s:i, s:i}], s:[{s:s, s:i, s:i}]}",
		"version", "0.1.0", "uptime_s", 12.5, "counters", sum, "lcores", "lcore", 0, "role",
		"main", "counters", c1, "lcore", 1, "role", "worker", "counters", c2, "listeners",
		"address", "198.18.0.2", "port", 8000, "recv_q", 3, "send_q", 128, "app", "a\"b",
		"mem_held", 4096, "address", "2001:db8::1", "port", 80, "recv_q", 0, "send_q", 64,
		"app", "proxy", "mem_held", 0, "backends", "address", "198.18.1.1", "port", 9000,
		"state", "down", "active", 2, "connect_us_p99", 1500, "ports", "port", 0, "name",
		"p0", "ipackets", 10, "imissed", 1, "mempools", "name", "pool0", "size", 4096,
		"in_use", 100);
}

/* The family a sample line belongs to: its name up to '{' or ' '. */
static size_t
sample_name(const char *line, char *out, size_t len)
{
	size_t n = strcspn(line, "{ ");

	assert_true(n < len);
	memcpy(out, line, n);
	out[n] = '\0';
	return n;
}

static void
test_families(void **state)
{
	json_t *doc = sample_doc();
	size_t len, nb_types = 0;
	char *text = render(doc, &len);
	char current[128] = "";
	char(*seen)[128] = calloc(1024, sizeof(*seen));

	(void)state;
	assert_non_null(seen);
	assert_int_equal(text[len - 1], '\n');
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char name[128];

		if (strncmp(line, "# HELP ", 7) == 0) {
			sample_name(line + 7, name, sizeof(name));
			/* HELP first, its family new */
			for (size_t i = 0; i < nb_types; i++)
				assert_string_not_equal(seen[i], name);
			snprintf(current, sizeof(current), "%s", name);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			size_t n = sample_name(line + 7, name, sizeof(name));

			assert_string_equal(name, current);
			assert_true(strcmp(line + 8 + n, "counter") == 0 ||
				    strcmp(line + 8 + n, "gauge") == 0);
			/* _total for counters only */
			assert_int_equal(strcmp(line + 8 + n, "counter") == 0,
				n > 6 && strcmp(name + n - 6, "_total") == 0);
			assert_true(nb_types < 1024);
			snprintf(seen[nb_types++], sizeof(seen[0]), "%s", name);
			continue;
		}
		/* a sample: of the family whose header came last, its lines together */
		sample_name(line, name, sizeof(name));
		assert_true(valid_name(name, strlen(name)));
		assert_string_equal(name, current);
	}
	/* every counter, the info, uptime, 3 listener, 3 backend (up, active, p99),
	 * 2 port and 2 pool families: only what the document has */
	assert_int_equal(nb_types, NB(counters) + 2 + 3 + 3 + 2 + 2);
	free(seen);
	free(text);
	json_decref(doc);
}

static void
test_samples(void **state)
{
	json_t *doc = sample_doc();
	size_t len;
	char *text = render(doc, &len);

	(void)state;
	assert_non_null(strstr(text, "\nsynq_info{version=\"0.1.0\"} 1\n"));
	assert_non_null(strstr(text, "\nsynq_uptime_seconds 12.5\n"));
	/* per lcore, never summed; a uint64_t past 2^63 unsigned */
	assert_non_null(strstr(text, "# HELP synq_tcp_passive_opens_total TcpPassiveOpens: "));
	assert_non_null(strstr(text, "# TYPE synq_tcp_passive_opens_total counter\n"
				     "synq_tcp_passive_opens_total{lcore=\"0\",role=\"main\"} "));
	assert_non_null(strstr(text, "synq_tcp_passive_opens_total{lcore=\"1\",role=\"worker\"} "
				     "18446744073709551615\n"));
	assert_null(strstr(text, "\nsynq_tcp_passive_opens_total "));
	/* a gauge: no _total, its "gauge:" out of the help */
	assert_non_null(strstr(text, "# TYPE synq_tcp_curr_estab gauge\n"));
	assert_null(strstr(text, "TcpCurrEstab: gauge:"));
	/* listeners, an IPv6 address in brackets, a label value escaped */
	assert_non_null(strstr(
		text, "synq_listener_recv_q{listener=\"198.18.0.2:8000\",app=\"a\\\"b\"} 3\n"));
	assert_non_null(strstr(
		text, "synq_listener_send_q{listener=\"[2001:db8::1]:80\",app=\"proxy\"} 64\n"));
	assert_non_null(strstr(text, "synq_backend_up{listener=\"[2001:db8::1]:80\","
				     "backend=\"198.18.1.1:9000\"} 0\n"));
	assert_non_null(strstr(text, "synq_backend_connect_p99_seconds{listener=\"[2001:db8::1]:"
				     "80\",backend=\"198.18.1.1:9000\"} 0.0015"));
	assert_non_null(strstr(text, "synq_port_rx_missed_total{port=\"p0\"} 1\n"));
	assert_non_null(strstr(text, "synq_mempool_in_use{pool=\"pool0\"} 100\n"));
	free(text);

	/* without lcores (a client that read only the sums): unlabelled sums */
	json_object_del(doc, "lcores");
	text = render(doc, &len);
	assert_non_null(strstr(text, "\nsynq_tcp_passive_opens_total "));
	free(text);
	json_decref(doc);

	/* an empty document: nothing, and no error */
	doc = json_object();
	text = render(doc, &len);
	assert_int_equal(len, 0);
	free(text);
	json_decref(doc);
}

/*
 * What one render costs (the metrics app renders at most once a second an app lcore,
 * on that lcore): a document of 3 lcores and 4 listeners, 200 times; printed for
 * docs/security.md, bounded loosely so that a slow machine still passes.
 */
static void
test_render_cost(void **state)
{
	json_t *doc = sample_doc();
	json_t *lcores = json_object_get(doc, "lcores");
	struct timespec t0, t1;
	size_t len = 0;
	double us;

	(void)state;
	json_array_append(lcores, json_array_get(lcores, 1));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < 200; k++)
		free(render(doc, &len));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 200e3;
	printf("# one render of 3 lcores: %zu bytes in %.0f us\n", len, us);
	assert_true(us < 50000);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_render_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
