/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl top: what synq does under a flood, refreshed every -d seconds (1): SYNs
 * received, SYN-ACKs sent, cookies sent and validated, handshakes completed, each
 * drop counter that moved, as rates a second over the last interval; the listeners'
 * queues; the flood's top sources (/synq/syn_sources: addresses, IPv4 /24 and IPv6
 * /48 prefixes). On a terminal each refresh clears the screen; otherwise the blocks
 * follow one another (logs, tests). -n ends after that many refreshes.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nstat_hist.h"
#include "synqctl.h"

/* the figures of the first block, by counter name */
static const struct {
	const char *label;
	const char *name;
} headline[] = {
	{"SYNs received", "SynqSynRecv"},
	{"SYN-ACKs sent", "SynqSynAcksSent"},
	{"cookies sent", "TcpExtSyncookiesSent"},
	{"cookies validated", "TcpExtSyncookiesRecv"},
	{"cookies failed", "TcpExtSyncookiesFailed"},
	{"handshakes done", "TcpPassiveOpens"},
	{"accepted by apps", "SynqAppAccepted"},
	{"half-open now", "SynqSynTableEntries"},
	{"established now", "TcpCurrEstab"},
};

struct top_state {
	struct hist prev, cur;
	double prev_t, cur_t;
	bool sources; /**< synq has /synq/syn_sources */
};

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
sample(struct ctl *c, struct hist *h, double *t)
{
	json_t *d;
	const char *name;
	json_t *v;

	if (ctl_query(c, "/synq/stats", NULL, &d) != 0)
		return -1;
	*t = mono_s();
	h->nb = 0;
	json_object_foreach (d, name, v) {
		hist_add(h, name, json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0);
	}
	json_decref(d);
	return 0;
}

/* what moved a second: a gauge's level as it is */
static bool
rate_of(const struct top_state *s, const char *name, double *rate)
{
	const uint64_t *now = hist_get(&s->cur, name);
	const uint64_t *before = hist_get(&s->prev, name);
	double dt = s->cur_t - s->prev_t;

	if (now == NULL)
		return false;
	if (ctl_counter_is_gauge(name))
		*rate = (double)*now;
	else
		*rate = before != NULL && *now >= *before && dt > 0 ? (*now - *before) / dt : 0;
	return true;
}

/*
 * A counter of something refused, lost or not sent, by its name. Two "Full" counters
 * count work done all the same: SYNs answered with a cookie (TcpExtTCPReqQFullDoCookies)
 * and connections accepted with the replay memory full (SynqEstabTableFull).
 */
static bool
is_drop(const char *name)
{
	if (strstr(name, "DoCookies") != NULL || strcmp(name, "SynqEstabTableFull") == 0)
		return false;
	return strstr(name, "Drop") != NULL || strstr(name, "Overflow") != NULL ||
	       strstr(name, "Full") != NULL || strstr(name, "Failed") != NULL ||
	       strstr(name, "Limited") != NULL;
}

static void
print_rates(const struct top_state *s)
{
	double r;
	bool any = false;

	printf("per second\n");
	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++) {
		bool gauge = ctl_counter_is_gauge(headline[i].name);

		if (rate_of(s, headline[i].name, &r))
			printf("  %-18s %14.0f%s\n", headline[i].label, r, gauge ? " (now)" : "/s");
		else
			printf("  %-18s %14s\n", headline[i].label, "-");
	}
	printf("drops that moved\n");
	for (size_t i = 0; i < s->cur.nb; i++) {
		const char *name = s->cur.e[i].name;

		if (!is_drop(name) || ctl_counter_is_gauge(name) || !rate_of(s, name, &r) || r <= 0)
			continue;
		printf("  %-30s %10.0f/s\n", name, r);
		any = true;
	}
	if (!any)
		printf("  none\n");
}

static void
print_listeners(struct ctl *c)
{
	json_t *d;
	const char *key;
	json_t *l;

	if (ctl_query(c, "/synq/listeners", NULL, &d) != 0)
		return;
	printf("listeners            %8s %8s  %s\n", "Recv-Q", "Send-Q", "app");
	json_object_foreach (d, key, l) {
		const char *a = json_string_value(json_object_get(l, "address"));
		const char *app = json_string_value(json_object_get(l, "app"));
		char addr[80];

		snprintf(addr, sizeof(addr),
			strchr(a != NULL ? a : "", ':') ? "[%s]:%.0f" : "%s:%.0f",
			a != NULL ? a : "?", ctl_num(l, "port", 0));
		printf("  %-18s %8.0f %8.0f  %s\n", addr, ctl_num(l, "recv_q", 0),
			ctl_num(l, "send_q", 0), app != NULL ? app : "");
	}
	json_decref(d);
}

/* One of /synq/syn_sources' lists and its parallel arrays (_rate, _share_ppm). */
static void
print_list(const json_t *d, const char *key, const char *title)
{
	const json_t *names = json_object_get(d, key);
	char k[32];
	const json_t *rate, *share;

	snprintf(k, sizeof(k), "%s_rate", key);
	rate = json_object_get(d, k);
	snprintf(k, sizeof(k), "%s_share_ppm", key);
	share = json_object_get(d, k);
	if (json_array_size(names) == 0)
		return;
	printf("  %-40s %10s %7s\n", title, "SYNs/s", "share");
	for (size_t i = 0; i < json_array_size(names); i++) {
		const char *n = json_string_value(json_array_get(names, i));
		const json_t *r = json_array_get(rate, i), *p = json_array_get(share, i);

		printf("  %-40s %10.0f %6.1f%%\n", n != NULL ? n : "?",
			json_is_number(r) ? json_number_value(r) : 0,
			json_is_number(p) ? json_number_value(p) / 1e4 : 0);
	}
}

static void
print_sources(struct ctl *c, const struct top_state *s)
{
	json_t *d;

	if (!s->sources || ctl_query(c, "/synq/syn_sources", "10", &d) != 0) {
		printf("no SYN source data\n");
		return;
	}
	printf("SYN sources (last %.1f s): %.0f SYNs/s, ~%.0f distinct, counts within +-%.0f\n",
		ctl_num(d, "window_ms", 0) / 1000, ctl_num(d, "rate", 0), ctl_num(d, "distinct", 0),
		ctl_num(d, "error", 0));
	print_list(d, "addr", "top sources");
	print_list(d, "v4_24", "top IPv4 /24");
	print_list(d, "v6_48", "top IPv6 /48");
	json_decref(d);
}

static void
print_block(struct ctl *c, const struct top_state *s, double every)
{
	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (isatty(STDOUT_FILENO))
		printf("\033[H\033[2J");
	printf("synq --file-prefix %s, pid %ld, %s, every %g s\n", c->prefix, c->pid, when, every);
	print_rates(s);
	print_listeners(c);
	print_sources(c, s);
	printf("\n");
	fflush(stdout);
}

int
cmd_top(struct ctl *c, int argc, char **argv)
{
	struct top_state *s = calloc(1, sizeof(*s));
	double every = 1;
	long n = -1;
	int opt;
	int rc = EXIT_FAILURE;

	optind = 0;
	while (s != NULL && (opt = getopt(argc, argv, "+d:n:h")) != -1) {
		char *end;

		switch (opt) {
		case 'd':
			every = strtod(optarg, &end);
			if (*end != '\0' || every < 0.1 || every > 3600) {
				fprintf(stderr, "synqctl: top: bad -d '%s' (0.1 to 3600 s)\n",
					optarg);
				goto out;
			}
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1) {
				fprintf(stderr, "synqctl: top: bad -n '%s' (1 or more)\n", optarg);
				goto out;
			}
			break;
		case 'h':
			printf("usage: synqctl top [-d SECONDS] [-n ITERATIONS]\n");
			rc = EXIT_SUCCESS;
			goto out;
		default:
			goto out;
		}
	}
	if (s == NULL || sample(c, &s->cur, &s->cur_t) != 0)
		goto out;
	s->sources = ctl_has(c, "/synq/syn_sources") == 1;
	for (long i = 0; n < 0 || i < n; i++) {
		struct timespec ts = {(time_t)every, (long)((every - (time_t)every) * 1e9)};

		s->prev = s->cur;
		s->prev_t = s->cur_t;
		nanosleep(&ts, NULL);
		if (sample(c, &s->cur, &s->cur_t) != 0)
			goto out;
		if (c->json)
			continue;
		print_block(c, s, every);
	}
	rc = EXIT_SUCCESS;
out:
	free(s);
	return rc;
}
