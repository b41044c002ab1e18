/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl nstat: synq's counters (/synq/stats) as iproute2's nstat prints the
 * kernel's: a "#synq" line, then "Name value rate" aligned, what moved since the last
 * call (the history file, nstat_hist.c), zeros hidden. -a absolute values, -z zeros
 * too, -r the history reset (values from zero), -s the history not updated, -j JSON
 * ({"synq": {"Name": value}}), patterns as shell globs on the names. Gauges (help
 * text "gauge: ...") are levels: shown as they are, never as a delta. The rate
 * column is the change a second since the history's call (nstat's is its daemon's
 * average, 0.0 without one).
 */

#include <fnmatch.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nstat_hist.h"
#include "synqctl.h"

struct nstat_opts {
	bool abs, json, zeros, reset, no_update;
	int nb_pat;
	char **pat;
};

static bool
wanted(const struct nstat_opts *o, const char *name)
{
	if (o->nb_pat == 0)
		return true;
	for (int i = 0; i < o->nb_pat; i++)
		if (fnmatch(o->pat[i], name, 0) == 0)
			return true;
	return false;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print the counters of @p d against @p old (empty when none) and fill @p cur. */
static void
show(const struct nstat_opts *o, json_t *d, const struct hist *old, struct hist *cur)
{
	json_t *out = json_object();
	double dt = old->nb != 0 && cur->time > old->time ? cur->time - old->time : 0;
	const char *name;
	json_t *v;

	if (!o->json)
		printf("#synq\n");
	json_object_foreach (d, name, v) {
		uint64_t val = json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
		const uint64_t *prev = hist_get(old, name);
		bool gauge = ctl_counter_is_gauge(name);
		uint64_t shown = val;
		double rate = 0;

		hist_add(cur, name, val);
		if (!wanted(o, name))
			continue;
		/* a counter below its history: synq restarted in between, show it whole */
		if (!gauge && prev != NULL && *prev <= val) {
			if (!o->abs)
				shown = val - *prev;
			rate = dt > 0 ? (double)(val - *prev) / dt : 0;
		}
		if (shown == 0 && !o->zeros)
			continue;
		if (o->json)
			json_object_set_new(out, name, json_integer((json_int_t)shown));
		else
			printf("%-32s%-16llu%6.1f\n", name, (unsigned long long)shown, rate);
	}
	if (o->json) {
		json_t *doc = json_pack("{s:o}", "synq", out);
		char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);

		printf("%s\n", s != NULL ? s : "{}");
		free(s);
		json_decref(doc);
	} else {
		json_decref(out);
	}
}

static int
parse_opts(int argc, char **argv, struct nstat_opts *o)
{
	int opt;

	optind = 0;
	while ((opt = getopt(argc, argv, "+ajzrsh")) != -1) {
		switch (opt) {
		case 'a':
			o->abs = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'z':
			o->zeros = true;
			break;
		case 'r':
			o->reset = true;
			break;
		case 's':
			o->no_update = true;
			break;
		case 'h':
			printf("usage: synqctl nstat [-a] [-j] [-z] [-r] [-s] [pattern...]\n");
			return 1;
		default:
			return -1;
		}
	}
	o->nb_pat = argc - optind;
	o->pat = argv + optind;
	return 0;
}

int
cmd_nstat(struct ctl *c, int argc, char **argv)
{
	struct nstat_opts o = {0};
	struct hist *old = calloc(1, sizeof(*old));
	struct hist *cur = calloc(1, sizeof(*cur));
	char path[4096], err[512];
	json_t *d = NULL;
	int rc = parse_opts(argc, argv, &o);

	if (rc != 0 || old == NULL || cur == NULL) {
		free(old);
		free(cur);
		return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	hist_path(path, sizeof(path), c->prefix, geteuid());
	if (ctl_query(c, "/synq/stats", NULL, &d) != 0) {
		rc = -1;
		goto out;
	}
	cur->pid = c->pid;
	cur->time = now_s();
	if (!o.reset && hist_load(path, old, err, sizeof(err)) != 0)
		fprintf(stderr, "synqctl: nstat: history ignored: %s\n", err);
	/* another synq's counters (a restart, a reused prefix) are no base for deltas */
	if (old->pid != cur->pid)
		old->nb = 0;
	if (c->json)
		goto out; /* the raw reply only: the history is left as it was */
	show(&o, d, old, cur);
	if (!o.no_update && hist_save(path, cur, err, sizeof(err)) != 0)
		fprintf(stderr, "synqctl: nstat: history not saved: %s\n", err);
out:
	json_decref(d);
	free(old);
	free(cur);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
