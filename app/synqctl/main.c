/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl [--file-prefix P] [--json] COMMAND [args]: talks to the running synq whose
 * EAL --file-prefix is P over its DPDK telemetry socket. It never starts an EAL of
 * its own. A command is one line of the table below.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "synqctl.h"

struct ctl_cmd {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
	const char *usage;
};

static const struct ctl_cmd commands[] = {
	{"ss", cmd_ss,
		"ss [-l] [-a] [-n] [-t] [-i] [-H] [filters]  listeners and connections, as ss"},
	{"nstat", cmd_nstat, "nstat [-a] [-j] [-z] [-r] [-s] [pattern...]  counters, as nstat"},
	{"top", cmd_top, "top [-d SECONDS] [-n ITERATIONS]  live rates and the flood's sources"},
	{"reload", cmd_reload, "reload  re-read the config file and apply it"},
	{"rotate-secret", cmd_rotate_secret, "rotate-secret  rotate the cookie secret"},
	{"backends", cmd_backends, "backends  the proxy listeners' backends"},
	{"metrics", cmd_metrics,
		"metrics [-o FILE]  Prometheus text (node_exporter's textfile collector)"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: synqctl [--file-prefix P] [--json] COMMAND [args]\n"
		   "  --file-prefix P  the synq started with EAL --file-prefix P (default rte)\n"
		   "  --json           print the raw telemetry replies instead\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"file-prefix", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ctl c = {.prefix = "rte", .fd = -1};
	int opt;
	int rc;

	/* "+": stop at the command, whose own options follow it */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (*optarg == '\0' || strchr(optarg, '/') != NULL) {
				fprintf(stderr, "synqctl: bad --file-prefix '%s'\n", optarg);
				return EXIT_FAILURE;
			}
			c.prefix = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		/* the command's own getopt() starts over (optind 0: glibc reinitializes) */
		rc = commands[i].fn(&c, argc - optind, argv + optind);
		ctl_close(&c);
		return rc;
	}
	fprintf(stderr, "synqctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_FAILURE;
}
