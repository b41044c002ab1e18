/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl nstat's history: the counters of the last call, so that the next one shows
 * what moved since (iproute2 nstat keeps /tmp/.nstat.u<uid>). One file a user and a
 * synq --file-prefix; it records synq's pid, so that a restarted synq (counters from
 * zero) is not compared with the last one's. Pure functions: tests/unit/test_synqctl.c.
 */

#ifndef NSTAT_HIST_H
#define NSTAT_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** Entries a history file may hold: synq has ~220 counters; the rest is ignored. */
#define HIST_MAX 1024
#define HIST_NAME_LEN 64

struct hist_ent {
	char name[HIST_NAME_LEN];
	uint64_t value;
};

struct hist {
	long pid;    /**< the synq that counted them */
	double time; /**< CLOCK_REALTIME seconds of the call */
	size_t nb;
	struct hist_ent e[HIST_MAX];
};

/**
 * The history's path: $SYNQCTL_HISTORY if set, else /tmp/.synqctl.<prefix>.u<uid>.
 */
void hist_path(char *buf, size_t len, const char *prefix, uid_t uid);

/**
 * Read @p path into @p h. A missing file is an empty history (0). A file that is a
 * symbolic link (never followed: O_NOFOLLOW), not a regular file, not the caller's or
 * writable by others, or not a history, is refused: -1 with why in @p err, @p h empty.
 */
int hist_load(const char *path, struct hist *h, char *err, size_t len);

/**
 * Write @p h to @p path atomically: a new file beside it (mkstemp: O_EXCL, mode
 * 0600) renamed over it, so a reader never sees half a file and a symbolic link at
 * @p path is replaced, not followed. -1 with why in @p err.
 */
int hist_save(const char *path, const struct hist *h, char *err, size_t len);

/** The value of @p name, or NULL. */
const uint64_t *hist_get(const struct hist *h, const char *name);

/** Append @p name = @p value; false when full. */
bool hist_add(struct hist *h, const char *name, uint64_t value);

/** The counters this synqctl knows: help text of @p name, or NULL. */
const char *ctl_counter_desc(const char *name);

/** Whether @p name is a gauge (its help text starts "gauge:"): shown as is, not a delta. */
bool ctl_counter_is_gauge(const char *name);

#endif /* NSTAT_HIST_H */
