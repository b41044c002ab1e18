/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl reload, rotate-secret and backends: synq's control commands
 * (/synq/reload, /synq/rotate_secret: {"ok", "message", ...}) and the proxy
 * listeners' backends (/synq/backends) as a table.
 */

#include <stdlib.h>
#include <string.h>

#include "synqctl.h"

/* Call @p cmd, print its "message"; exit 1 on "ok": 0 (telemetry has no booleans). */
static int
control(struct ctl *c, int argc, char **argv, const char *cmd)
{
	const json_t *ok;
	const char *msg;
	json_t *d;
	bool good;

	if (argc > 1) {
		fprintf(stderr, "synqctl: %s takes no arguments\n", argv[0]);
		return EXIT_FAILURE;
	}
	if (ctl_query(c, cmd, NULL, &d) != 0)
		return EXIT_FAILURE;
	ok = json_object_get(d, "ok");
	msg = json_string_value(json_object_get(d, "message"));
	good = json_is_true(ok) || (json_is_integer(ok) && json_integer_value(ok) != 0);
	if (!c->json)
		fprintf(good ? stdout : stderr, "%s%s\n", good ? "" : "synqctl: ",
			msg != NULL ? msg
			: good	    ? "done"
				    : "failed");
	json_decref(d);
	return good ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
cmd_reload(struct ctl *c, int argc, char **argv)
{
	return control(c, argc, argv, "/synq/reload");
}

int
cmd_rotate_secret(struct ctl *c, int argc, char **argv)
{
	return control(c, argc, argv, "/synq/rotate_secret");
}

/* "198.18.0.1:80" / "[2001:2::1]:80" / "*:80" from an "address" and a "port" */
static void
endpoint(char *buf, size_t len, const json_t *o)
{
	const char *a = json_string_value(json_object_get(o, "address"));

	if (a == NULL)
		a = "?";
	snprintf(buf, len, strchr(a, ':') != NULL ? "[%s]:%.0f" : "%s:%.0f", a,
		ctl_num(o, "port", 0));
}

/*
 * /synq/backends' keys are "<listener>/<backend>" with every character but letters
 * and digits made '_' (telemetry's rule): the listener is found again by its key in
 * /synq/listeners, the backend by its own "address" and "port".
 */
int
cmd_backends(struct ctl *c, int argc, char **argv)
{
	json_t *ls = NULL, *bs = NULL;
	const char *key;
	json_t *b;

	if (argc > 1) {
		fprintf(stderr, "synqctl: %s takes no arguments\n", argv[0]);
		return EXIT_FAILURE;
	}
	if (ctl_query(c, "/synq/listeners", NULL, &ls) != 0 ||
		ctl_query(c, "/synq/backends", NULL, &bs) != 0) {
		json_decref(ls);
		return EXIT_FAILURE;
	}
	if (!c->json)
		printf("%-22s %-28s %-5s %6s %6s %10s %8s %8s %12s %12s %8s %8s %9s\n", "Listener",
			"Backend", "State", "Weight", "Active", "Conns", "Failed", "Timeouts",
			"BytesTo", "BytesFrom", "p50(us)", "p99(us)", "Checks");
	json_object_foreach (bs, key, b) {
		const char *slash = strchr(key, '/');
		char lname[80] = "?", bname[80], lkey[128];
		json_t *l;

		if (c->json)
			break;
		snprintf(lkey, sizeof(lkey), "%.*s", slash != NULL ? (int)(slash - key) : 0, key);
		l = json_object_get(ls, lkey);
		if (l != NULL)
			endpoint(lname, sizeof(lname), l);
		endpoint(bname, sizeof(bname), b);
		printf("%-22s %-28s %-5s %6.0f %6.0f %10.0f %8.0f %8.0f %12.0f %12.0f %8.0f %8.0f "
		       "%4.0f/%.0f\n",
			lname, bname, json_string_value(json_object_get(b, "state")) ?: "?",
			ctl_num(b, "weight", 0), ctl_num(b, "active", 0),
			ctl_num(b, "connections", 0), ctl_num(b, "connect_failed", 0),
			ctl_num(b, "connect_timeouts", 0), ctl_num(b, "bytes_to", 0),
			ctl_num(b, "bytes_from", 0), ctl_num(b, "connect_us_p50", 0),
			ctl_num(b, "connect_us_p99", 0), ctl_num(b, "checks_ok", 0),
			ctl_num(b, "checks_failed", 0));
	}
	json_decref(ls);
	json_decref(bs);
	return EXIT_SUCCESS;
}
