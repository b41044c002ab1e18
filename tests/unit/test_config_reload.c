/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a reload changes (synq_config_reload_diff(), issue 15): listeners matched by
 * address and port, kept, retuned, added, removed; every change that only a restart
 * makes refused with the knob named; the cookie secret's change seen, from
 * tcp.cookie_secret_file too (synq_config_read_secret()).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "synq_config.h"

static struct synq_config a, b;
static struct synq_config_diff d;
static char err[SYNQ_CONFIG_ERR_LEN];

#define HEAD                                                                                       \
	"{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.0.1\"]}],"                                \
	"\"lcores\":[{\"lcore\":1,\"role\":\"both\",\"rx\":[{\"port\":\"p0\"}]}],"
#define L80 "{\"port\":80,\"backlog\":64,\"app\":\"echo\"}"
#define L81 "{\"port\":81,\"backlog\":64,\"app\":\"echo\"}"
#define L82 "{\"port\":82,\"backlog\":16,\"app\":\"close\"}"

static void
parse(const char *text, struct synq_config *c)
{
	if (synq_config_parse(text, c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* @p text_b against @p text_a: the diff's return code. */
static int
diff(const char *text_a, const char *text_b)
{
	parse(text_a, &a);
	parse(text_b, &b);
	err[0] = '\0';
	return synq_config_reload_diff(&a, &b, &d, err, sizeof(err));
}

/* The same file: nothing changes. */
static void
test_same(void **state __attribute__((unused)))
{
	assert_int_equal(diff(HEAD "\"listeners\":[" L80 "," L81 "]}",
				 HEAD "\"listeners\":[" L80 "," L81 "]}"),
		0);
	assert_int_equal(d.added + d.removed + d.nb_retuned, 0);
	assert_int_equal(d.from_old[0], 0);
	assert_int_equal(d.from_old[1], 1);
	assert_false(d.secret_changed);
}

/* Added, removed, moved in the list, retuned: matched by address and port. */
static void
test_listeners(void **state __attribute__((unused)))
{
	assert_int_equal(diff(HEAD "\"listeners\":[" L80 "," L81 "]}",
				 HEAD "\"listeners\":[" L82 "," L80 "]}"),
		0);
	assert_int_equal(d.added, 1);
	assert_int_equal(d.removed, 1);
	assert_int_equal(d.from_old[0], -1);
	assert_int_equal(d.from_old[1], 0);
	assert_false(d.removed_old[0]);
	assert_true(d.removed_old[1]);
	assert_int_equal(d.nb_retuned, 0);
	/* backlog, syncookies and abort_on_overflow retune */
	assert_int_equal(diff(HEAD "\"listeners\":[" L80 "]}",
				 HEAD "\"listeners\":[{\"port\":80,\"backlog\":32,\"app\":\"echo\","
				      "\"syncookies\":2,\"abort_on_overflow\":1}]}"),
		0);
	assert_int_equal(d.nb_retuned, 1);
	assert_true(d.retuned[0]);
	/* the global tcp.syncookies reaches the listeners that do not override it */
	assert_int_equal(diff(HEAD "\"tcp\":{\"syncookies\":1},\"listeners\":[" L80 "]}",
				 HEAD "\"tcp\":{\"syncookies\":2},\"listeners\":[" L80 "]}"),
		0);
	assert_int_equal(d.nb_retuned, 1);
}

/* Whatever synq sized at start: refused, the knob named. */
static void
test_refused(void **state __attribute__((unused)))
{
	static const struct {
		const char *b;
		const char *named;
	} cases[] = {
		{"{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.0.2\"]}],"
		 "\"lcores\":[{\"lcore\":1,\"role\":\"both\",\"rx\":[{\"port\":\"p0\"}]}],"
		 "\"listeners\":[" L80 "]}",
			"ports"},
		{"{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.0.1\"]}],"
		 "\"lcores\":[{\"lcore\":2,\"role\":\"both\",\"rx\":[{\"port\":\"p0\"}]}],"
		 "\"listeners\":[" L80 "]}",
			"lcores"},
		{HEAD "\"mempool\":{\"mbufs\":9000},\"listeners\":[" L80 "]}", "mempool"},
		{HEAD "\"listeners\":[{\"port\":80,\"backlog\":64,\"app\":\"close\"}]}",
			"listeners[0].app"},
		{HEAD "\"listeners\":[{\"port\":80,\"backlog\":64,\"app\":\"echo\","
		      "\"max_flows\":7}]}",
			"listeners[0].tcp"},
		{HEAD "\"listeners\":[{\"port\":80,\"backlog\":64,\"app\":\"echo\","
		      "\"queue_model\":\"bsd\"}]}",
			"listeners[0].queue_model"},
		{HEAD "\"tcp\":{\"max_syn_backlog\":999},\"listeners\":[" L80 "]}",
			"listeners[0].max_syn_backlog"},
		{HEAD "\"listeners\":[" L80 ",{\"port\":81,\"app\":\"http\"}]}",
			"listeners[1] (added): app"},
		{HEAD "\"listeners\":[" L80 ",{\"port\":81,\"app\":\"echo\","
		      "\"max_conns_per_source\":4}]}",
			"listeners[1] (added): max_conns_per_source"},
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (diff(HEAD "\"listeners\":[" L80 "]}", cases[i].b) != -EPERM)
			fail_msg("case %u: accepted", i);
		if (strstr(err, cases[i].named) == NULL ||
			strstr(err, "cannot change without a restart") == NULL)
			fail_msg("case %u: \"%s\" does not name %s", i, err, cases[i].named);
	}
}

/* A new secret, inline or in tcp.cookie_secret_file, is seen; the same one is not. */
static void
test_secret(void **state __attribute__((unused)))
{
	char path[] = "/tmp/synq_test_secret_XXXXXX";
	char text[512];
	uint8_t s[SYNQ_COOKIE_SECRET_LEN];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	fprintf(f, "00112233445566778899aabbccddeeff\n");
	fclose(f);
	snprintf(text, sizeof(text),
		HEAD "\"tcp\":{\"cookie_secret_file\":\"%s\"},"
		     "\"listeners\":[" L80 "]}",
		path);
	assert_int_equal(diff(HEAD "\"listeners\":[" L80 "]}", text), 0);
	assert_true(d.secret_changed);
	assert_string_equal(b.cookie_secret_file, path);
	assert_int_equal(synq_config_read_secret(path, s), 0);
	assert_memory_equal(s, b.cookie_secret, sizeof(s));
	assert_int_equal(diff(text, text), 0);
	assert_false(d.secret_changed);
	assert_int_equal(
		diff(text, HEAD "\"tcp\":{\"cookie_secret\":"
				"\"00112233445566778899aabbccddee00\"},\"listeners\":[" L80 "]}"),
		0);
	assert_true(d.secret_changed);
	/* a file that holds no secret: said, the output zeroed */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "not a secret\n");
	fclose(f);
	assert_int_equal(synq_config_read_secret(path, s), -EINVAL);
	unlink(path);
	assert_int_equal(synq_config_read_secret(path, s), -ENOENT);
}

/*
 * The secret file is read by the main lcore, between two passes of its loop: a FIFO
 * (or a device) there blocked it in open() until a writer came, its control duties and
 * packets with it; such a path is refused. A file with more than a secret and its line
 * end (a second secret pasted below the first, a comment) is refused, not read up to
 * its 79th byte: what follows is the operator's mistake, not white space.
 */
static void
test_secret_file_kind(void **state __attribute__((unused)))
{
	char dir[] = "/tmp/synq_test_secret_dir_XXXXXX";
	char path[sizeof(dir) + 16];
	uint8_t s[SYNQ_COOKIE_SECRET_LEN];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(synq_config_read_secret(path, s), -EINVAL);
	unlink(path);
	assert_int_equal(synq_config_read_secret(dir, s), -EINVAL);
	snprintf(path, sizeof(path), "%s/secret", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "00112233445566778899aabbccddeeff\r\n");
	fclose(f);
	/* CRLF is white space */
	assert_int_equal(synq_config_read_secret(path, s), 0);
	f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "%60s\n# rotated by hand\n", "");
	fclose(f);
	assert_int_equal(synq_config_read_secret(path, s), -EINVAL);
	unlink(path);
	rmdir(dir);
}

/*
 * tcp.somaxconn caps every backlog: what it changes is their backlogs, which retune
 * live (and past an accept ring's size are refused by the runtime, reload.c). It was
 * refused as "listeners[0].tcp (but syncookies and abort_on_overflow)", each
 * listener's copy of the "tcp" knobs compared whole, somaxconn in it.
 */
static void
test_somaxconn(void **state __attribute__((unused)))
{
	if (diff(HEAD "\"listeners\":[" L80 "," L82 "]}",
		    HEAD "\"tcp\":{\"somaxconn\":32},\"listeners\":[" L80 "," L82 "]}") != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(b.listeners[0].backlog, 32);
	assert_true(d.retuned[0]);
	assert_false(d.retuned[1]); /* backlog 16, under both */
	assert_int_equal(d.nb_retuned, 1);
	/* a listener's own backlog as it was: nothing to retune */
	assert_int_equal(diff(HEAD "\"listeners\":[" L82 "]}",
				 HEAD "\"tcp\":{\"somaxconn\":100},\"listeners\":[" L82 "]}"),
		0);
	assert_int_equal(d.nb_retuned, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_secret_file_kind),
		cmocka_unit_test(test_somaxconn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
