/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq [EAL args] -- [--config FILE] [--stats-file PATH] [--stats-interval-ms N]
 *                    [--duration S] [--dump-config] [--list-counters]
 *
 * Parse the arguments, load the config (before EAL, so a bad config starts nothing),
 * start EAL and the ports, launch the lcores, dump stats at the end.
 */

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>

#include "synq_args.h"
#include "synq_config.h"
#include "synq_listener.h"
#include "synq_port.h"
#include "synq_stats.h"
#include "synq_worker.h"

struct app_args {
	const char *config;
	const char *stats_file;
	long stats_interval_ms; /* -1 = from the config */
	double duration_s;
	bool dump_config;
	bool list_counters;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL args] -- [options]\n"
		"  --config FILE           JSON configuration (default: the built-in one,\n"
		"                          config/default.json)\n"
		"  --stats-file PATH       write the stats JSON there every interval (atomically)\n"
		"  --stats-interval-ms N   stats interval; 0 = only at exit (default: config)\n"
		"  --duration S            stop after S seconds (default: run until SIGINT/SIGTERM)\n"
		"  --dump-config           print the effective configuration and exit\n"
		"  --list-counters         print every counter and what it counts, and exit\n"
		"  --help, --version\n"
		"Every DPDK process on a shared machine should get --no-pci and its own\n"
		"--file-prefix among its EAL args; see docs/deploy.md.\n",
		prog);
}

static int
parse_number(const char *opt, const char *s, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(*out) || *out < 0 || *out > max) {
		fprintf(stderr, "synq: %s: \"%s\" is not a number 0..%g\n", opt, s, max);
		return -EINVAL;
	}
	return 0;
}

/* Options after "--"; returns 0, 1 to exit successfully, or a negative errno. */
static int
parse_args(int argc, char **argv, struct app_args *a)
{
	enum { OPT_CONFIG = 256, OPT_STATS_FILE, OPT_STATS_INTERVAL, OPT_DURATION,
		OPT_DUMP_CONFIG, OPT_LIST_COUNTERS, OPT_HELP, OPT_VERSION };
	static const struct option opts[] = {
		{"config", required_argument, NULL, OPT_CONFIG},
		{"stats-file", required_argument, NULL, OPT_STATS_FILE},
		{"stats-interval-ms", required_argument, NULL, OPT_STATS_INTERVAL},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
		{"list-counters", no_argument, NULL, OPT_LIST_COUNTERS},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	double v;
	int c;

	a->stats_interval_ms = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			a->config = optarg;
			break;
		case OPT_STATS_FILE:
			a->stats_file = optarg;
			break;
		case OPT_STATS_INTERVAL:
			if (parse_number("--stats-interval-ms", optarg, 3600000, &v) != 0)
				return -EINVAL;
			a->stats_interval_ms = (long)v;
			break;
		case OPT_DURATION:
			if (parse_number("--duration", optarg, 1e7, &v) != 0)
				return -EINVAL;
			a->duration_s = v;
			break;
		case OPT_DUMP_CONFIG:
			a->dump_config = true;
			break;
		case OPT_LIST_COUNTERS:
			a->list_counters = true;
			break;
		case OPT_HELP:
			usage(stdout, "synq");
			return 1;
		case OPT_VERSION:
			printf("synq %s\n", SYNQ_VERSION);
			return 1;
		default:
			usage(stderr, "synq");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "synq: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Options of our own: given alone (no "--"), no EAL is started. */
static const char *const our_options[] = {"--config", "--stats-file", "--stats-interval-ms",
		"--duration", "--dump-config", "--list-counters", "--help", "--version", NULL};

static json_t *
listeners_json(const void *arg)
{
	return synq_listeners_json(arg);
}

/*
 * dpdk-pdump, a secondary process of our --file-prefix, asks us over the EAL's
 * multi-process socket to copy our ports' rx and tx into its ring (docs/deploy.md,
 * "Capture"). Not fatal: without shared files (--in-memory) there is no socket.
 */
static void
capture_init(void)
{
	if (rte_pdump_init() != 0)
		fprintf(stderr, "synq: notice: dpdk-pdump cannot capture: %s\n",
			rte_strerror(rte_errno));
}

static void
on_signal(int sig __rte_unused)
{
	synq_runtime_stop();
}

/*
 * SIGHUP: a reload, done by the main lcore at its next control duty (issue 15). Set first
 * thing in main(): SIGHUP's default action kills, and a reload sent while EAL starts
 * (systemctl reload of a starting unit) would end synq. It only sets a flag, served once
 * the lcores run.
 */
static void
on_hup(int sig __rte_unused)
{
	synq_runtime_reload_signal();
}

int
main(int argc, char **argv)
{
	static struct synq_config cfg;
	static struct synq_ports ports;
	static struct synq_runtime rt;
	struct app_args args = {0};
	struct synq_run_opts run;
	char err[SYNQ_CONFIG_ERR_LEN];
	int eal_argc;
	int rc;

	/*
	 * EAL's arguments end at "--"; ours follow it. "synq --help" (ours with no
	 * "--") works too, but then there are no EAL arguments and synq will not
	 * start EAL: it would probe every PCI device of the machine.
	 */
	signal(SIGHUP, on_hup); /* first: its default kills, and a reload may come early */
	eal_argc = synq_args_eal_end(argc, argv, our_options);
	if (eal_argc < argc) {
		char *saved = argv[eal_argc];

		argv[eal_argc] = argv[0];
		rc = parse_args(argc - eal_argc, &argv[eal_argc], &args);
		argv[eal_argc] = saved;
		if (rc != 0)
			return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (args.list_counters) {
		for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
			printf("%s\t%s\n", synq_counter_name(i), synq_counter_desc(i));
		return EXIT_SUCCESS;
	}

	rc = args.config != NULL ? synq_config_load(args.config, &cfg, err, sizeof(err))
				 : synq_config_parse(synq_config_default_text(), &cfg, err,
					   sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "synq: %s\n", err);
		return EXIT_FAILURE;
	}
	if (args.stats_file != NULL)
		snprintf(cfg.stats_file, sizeof(cfg.stats_file), "%s", args.stats_file);
	if (args.stats_interval_ms >= 0)
		cfg.stats_interval_ms = (uint32_t)args.stats_interval_ms;
	/* listen(2) caps a backlog above somaxconn silently; synq says so */
	for (unsigned int i = 0; i < cfg.nb_listeners; i++)
		if (cfg.listeners[i].backlog_asked > 0 &&
			(uint32_t)cfg.listeners[i].backlog_asked > cfg.tcp.somaxconn)
			fprintf(stderr, "synq: notice: listeners[%u].backlog %d capped to "
				"tcp.somaxconn %u\n", i, cfg.listeners[i].backlog_asked,
				cfg.tcp.somaxconn);
	if (args.dump_config) {
		json_t *j = synq_config_to_json(&cfg);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		return EXIT_SUCCESS;
	}

	if (eal_argc == 0) {
		fprintf(stderr, "synq: no EAL arguments: synq [EAL args] -- [options], for "
				"example synq --no-pci --vdev net_af_packet0,iface=veth0 -l 0,1 -- "
				"--config synq.json\n");
		return EXIT_FAILURE;
	}
	/* A stats file that cannot be written is a config error, found now. */
	if (cfg.stats_file[0] != '\0') {
		rc = synq_stats_check_file(cfg.stats_file);
		if (rc != 0) {
			fprintf(stderr, "synq: config error: stats.file (or --stats-file): \"%s\" "
				"cannot be written (%s), expected a path in a writable directory\n",
				cfg.stats_file, strerror(-rc));
			return EXIT_FAILURE;
		}
	}

	if (rte_eal_init(eal_argc, argv) < 0)
		rte_exit(EXIT_FAILURE, "cannot start EAL: %s\n", rte_strerror(rte_errno));
	synq_stats_reset();
	capture_init();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	rc = synq_runtime_check(&cfg, err, sizeof(err));
	if (rc == 0)
		rc = synq_ports_start(&ports, &cfg, err, sizeof(err));
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	rc = synq_runtime_init(&rt, &cfg, &ports, err, sizeof(err));
	if (rc != 0) {
		synq_ports_stop(&ports);
		rte_exit(EXIT_FAILURE, "%s\n", err);
	}
	synq_stats_set_listeners(listeners_json, &rt.listeners);
	if (synq_runtime_reload_init(&rt, args.config) != 0) /* SIGHUP, /synq/reload */
		rte_exit(EXIT_FAILURE, "no memory for the reload's state\n");
	if (synq_stats_telemetry_init() != 0)
		fprintf(stderr, "synq: telemetry commands not registered\n");

	run = (struct synq_run_opts){
		.duration_s = args.duration_s,
		.stats_interval_ms = cfg.stats_interval_ms,
		.stats_file = cfg.stats_file[0] != '\0' ? cfg.stats_file : NULL,
	};
	rc = synq_runtime_run(&rt, &run);

	/* The final document, whole, while the ports can still be read. */
	json_t *doc = synq_stats_json();
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(doc);

	synq_stats_close(); /* telemetry stops reading before anything is freed */
	synq_runtime_free(&rt);
	synq_ports_stop(&ports);
	rte_pdump_uninit();
	rte_eal_cleanup();
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
