/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl metrics: synq's statistics in the Prometheus text format, from telemetry
 * (the document stats_doc.c puts back together, formatted by lib/stats/prom.c as
 * synq's own metrics app does), for node_exporter's textfile collector: -o FILE
 * writes FILE whole or not at all (a temporary file beside it, renamed), as the
 * collector asks, since it may read the directory at any moment.
 */

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "synq_prom.h"
#include "synqctl.h"

static int
write_prom(FILE *f, const void *doc)
{
	return synq_prom_write(f, doc);
}

int
cmd_metrics(struct ctl *c, int argc, char **argv)
{
	const char *out = NULL;
	json_t *doc;
	int opt, rc;

	optind = 0;
	while ((opt = getopt(argc, argv, "+o:h")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: synqctl metrics [-o FILE]\n");
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "synqctl: metrics: unexpected '%s'\n", argv[optind]);
		return EXIT_FAILURE;
	}
	doc = ctl_stats_doc(c);
	if (doc == NULL)
		return EXIT_FAILURE;
	if (c->json)
		rc = 0;
	else if (out != NULL) {
		char err[4200];

		/* 0644: node_exporter's user reads it */
		rc = ctl_write_atomic(out, 0644, write_prom, doc, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "synqctl: metrics: %s\n", err);
	} else
		rc = synq_prom_write(stdout, doc) == 0 && fflush(stdout) == 0 ? 0 : -1;
	json_decref(doc);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
