/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl's pure parts: ss's filter words (parsed, matched, a bad word named) and
 * nstat's history file (round trip, mode 0600, a symbolic link or another's file
 * never read, a link at the name replaced rather than followed).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nstat_hist.h"
#include "ss_filter.h"

static int
parse(const char *words, struct ss_filter *f, char *err)
{
	char buf[256];
	char *argv[32];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (char *w = strtok(buf, " "); w != NULL && argc < 32; w = strtok(NULL, " "))
		argv[argc++] = w;
	return ss_filter_parse(argc, argv, f, err, 256);
}

static struct ss_sock
sock4(int state, const char *l, uint16_t lport, const char *r, uint16_t rport)
{
	struct ss_sock s = {.state = state, .family = 4, .lport = lport, .rport = rport};

	inet_pton(AF_INET, l, s.laddr);
	inet_pton(AF_INET, r, s.raddr);
	return s;
}

static void
test_filter_ports(void **state)
{
	struct ss_filter f;
	char err[256];
	struct ss_sock s = sock4(SS_ESTAB, "198.18.0.1", 80, "198.18.0.2", 40000);

	(void)state;
	assert_int_equal(parse("sport = :80", &f, err), 0);
	assert_true(ss_filter_match(&f, &s));
	assert_int_equal(parse("sport :81", &f, err), 0);
	assert_false(ss_filter_match(&f, &s));
	assert_int_equal(parse("dport >= :32768 and sport eq :80", &f, err), 0);
	assert_true(ss_filter_match(&f, &s));
	assert_int_equal(parse("dport lt :32768", &f, err), 0);
	assert_false(ss_filter_match(&f, &s));
	assert_int_equal(parse("dport != :40000", &f, err), 0);
	assert_false(ss_filter_match(&f, &s));
}

static void
test_filter_addrs(void **state)
{
	struct ss_filter f;
	char err[256];
	struct ss_sock s = sock4(SS_ESTAB, "198.18.0.1", 80, "198.18.0.2", 40000);
	struct ss_sock s6 = {.state = SS_ESTAB, .family = 6, .lport = 80};

	(void)state;
	inet_pton(AF_INET6, "2001:2::1", s6.laddr);
	assert_int_equal(parse("src 198.18.0.0/24 dst 198.18.0.2", &f, err), 0);
	assert_true(ss_filter_match(&f, &s));
	assert_false(ss_filter_match(&f, &s6));
	assert_int_equal(parse("dst 198.18.0.4/31", &f, err), 0);
	assert_false(ss_filter_match(&f, &s));
	assert_int_equal(parse("dst 198.18.0.4/29", &f, err), 0);
	assert_true(ss_filter_match(&f, &s));
	assert_int_equal(parse("src 198.18.0.1:80", &f, err), 0);
	assert_true(ss_filter_match(&f, &s));
	assert_int_equal(parse("src 198.18.0.1:81", &f, err), 0);
	assert_false(ss_filter_match(&f, &s));
	assert_int_equal(parse("src 2001:2::/48", &f, err), 0);
	assert_true(ss_filter_match(&f, &s6));
	assert_false(ss_filter_match(&f, &s));
	assert_int_equal(parse("src [2001:2::1]:80", &f, err), 0);
	assert_true(ss_filter_match(&f, &s6));
	assert_int_equal(parse("src :80", &f, err), 0);
	assert_true(ss_filter_match(&f, &s));
	assert_true(ss_filter_match(&f, &s6));
}

static void
test_filter_states(void **state)
{
	struct ss_filter f;
	char err[256];

	(void)state;
	assert_int_equal(parse("", &f, err), 0);
	assert_int_equal(ss_filter_states(&f, SS_CONN), SS_CONN);
	assert_false(SS_CONN & (1u << SS_TIME_WAIT));
	assert_false(SS_CONN & (1u << SS_LISTEN));
	assert_int_equal(parse("state established state time-wait", &f, err), 0);
	assert_int_equal(ss_filter_states(&f, SS_CONN), (1u << SS_ESTAB) | (1u << SS_TIME_WAIT));
	assert_int_equal(parse("state all exclude listening", &f, err), 0);
	assert_int_equal(ss_filter_states(&f, SS_CONN), SS_ALL & ~(1u << SS_LISTEN));
	assert_string_equal(ss_state_name(SS_FIN_WAIT1), "FIN-WAIT-1");
	assert_int_equal(ss_state_of("CLOSE-WAIT"), SS_CLOSE_WAIT);
	assert_int_equal(ss_state_of("ESTABLISHED"), -1);
}

static void
test_filter_errors(void **state)
{
	static const struct {
		const char *words, *msg;
	} bad[] = {
		{"frobnicate", "bad filter word 'frobnicate'"},
		{"sport = :http2x", "bad port ':http2x' after 'sport'"},
		{"dport = :70000", "bad port ':70000' after 'dport'"},
		{"dport", "'dport' needs a port (:N)"},
		{"sport >", "'sport >' needs a port (:N)"},
		{"src 198.18.0.300", "bad address '198.18.0.300' after 'src'"},
		{"dst 198.18.0.0/33", "bad address '198.18.0.0/33' after 'dst'"},
		{"dst 198.18.0.1:80/24", "bad address '198.18.0.1:80/24' after 'dst'"},
		{"state establishd", "bad state 'establishd'"},
		{"state", "'state' needs a state name"},
		{"sport = :80 or dport = :80", "'or' is not supported"},
	};
	struct ss_filter f;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i].words, &f, err), -1);
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", bad[i].words, err, bad[i].msg);
	}
}

static char dir[] = "/tmp/test_synqctl.XXXXXX";

static void
test_hist_round_trip(void **state)
{
	struct hist *h = calloc(2, sizeof(*h));
	char path[256], err[256];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/h", dir);
	assert_int_equal(hist_load(path, &h[0], err, sizeof(err)), 0); /* none: empty */
	assert_int_equal(h[0].nb, 0);
	h[0].pid = 1234;
	h[0].time = 1700000000.25;
	assert_true(hist_add(&h[0], "TcpPassiveOpens", 7));
	assert_true(hist_add(&h[0], "SynqRxFrames", UINT64_MAX - 1));
	umask(0);
	assert_int_equal(hist_save(path, &h[0], err, sizeof(err)), 0);
	umask(022);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(hist_load(path, &h[1], err, sizeof(err)), 0);
	assert_int_equal(h[1].pid, 1234);
	assert_true(h[1].time > 1700000000.2 && h[1].time < 1700000000.3);
	assert_int_equal(h[1].nb, 2);
	assert_int_equal(*hist_get(&h[1], "TcpPassiveOpens"), 7);
	assert_true(*hist_get(&h[1], "SynqRxFrames") == UINT64_MAX - 1);
	assert_null(hist_get(&h[1], "TcpActiveOpens"));
	unlink(path);
	free(h);
}

static void
test_hist_refused(void **state)
{
	struct hist *h = calloc(1, sizeof(*h));
	char path[256], target[256], err[256];
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/h", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	f = fopen(target, "w");
	fprintf(f, "#synq pid=1 time=1\nTcpPassiveOpens 5\n");
	fclose(f);
	chmod(target, 0600);
	/* a symbolic link at the name: never read, and replaced by a save, not followed */
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(hist_load(path, h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(h->nb, 0);
	h->pid = 2;
	hist_add(h, "TcpPassiveOpens", 9);
	assert_int_equal(hist_save(path, h, err, sizeof(err)), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	f = fopen(target, "r");
	assert_non_null(fgets(err, sizeof(err), f));
	fclose(f);
	assert_string_equal(err, "#synq pid=1 time=1\n"); /* the target untouched */
	/* a file others may write is no history */
	chmod(path, 0622);
	assert_int_equal(hist_load(path, h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by others"));
	/* nor is a file that is not one */
	chmod(target, 0600);
	f = fopen(target, "w");
	fprintf(f, "hello\n");
	fclose(f);
	assert_int_equal(hist_load(target, h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a synqctl history"));
	unlink(path);
	unlink(target);
	free(h);
}

static void
test_gauges(void **state)
{
	(void)state;
	assert_true(ctl_counter_is_gauge("SynqSynTableEntries"));
	assert_true(ctl_counter_is_gauge("TcpCurrEstab"));
	assert_false(ctl_counter_is_gauge("TcpPassiveOpens"));
	assert_false(ctl_counter_is_gauge("NoSuchCounter"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_ports),
		cmocka_unit_test(test_filter_addrs),
		cmocka_unit_test(test_filter_states),
		cmocka_unit_test(test_filter_errors),
		cmocka_unit_test(test_hist_round_trip),
		cmocka_unit_test(test_hist_refused),
		cmocka_unit_test(test_gauges),
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
