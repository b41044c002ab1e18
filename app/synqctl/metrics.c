/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl metrics: synq's statistics in the Prometheus text format, from telemetry
 * (the document stats_doc.c puts back together, formatted by lib/stats/prom.c as
 * synq's own metrics app does), for node_exporter's textfile collector: -o FILE
 * writes FILE whole or not at all (a temporary file beside it, renamed), as the
 * collector asks, since it may read the directory at any moment.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synq_prom.h"
#include "synqctl.h"

/* @p doc into @p path through a new file beside it, 0644 (node_exporter's user reads it). */
static int
write_file(const char *path, const json_t *doc)
{
	char tmp[4096];
	FILE *f;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "synqctl: metrics: path too long: %s\n", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0644) != 0 || (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "synqctl: metrics: %s: %s\n", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	if (synq_prom_write(f, doc) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "synqctl: metrics: writing %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	return rc;
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
	else if (out != NULL)
		rc = write_file(out, doc);
	else
		rc = synq_prom_write(stdout, doc) == 0 && fflush(stdout) == 0 ? 0 : -1;
	json_decref(doc);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
