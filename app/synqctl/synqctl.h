/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl: a client of a running synq's DPDK telemetry socket (never an EAL of its
 * own). main.c holds the table of commands, tel.c the socket, one file a command or
 * a group of them.
 */

#ifndef SYNQCTL_H
#define SYNQCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/** Seconds synqctl waits to connect, to send and for each reply: never hangs. */
#define CTL_TIMEOUT_S 5

/** One synqctl run: the synq it talks to and its telemetry connection. */
struct ctl {
	const char *prefix; /**< synq's EAL --file-prefix ("rte" by default) */
	bool json;	    /**< --json: print each raw reply instead of the output */
	int fd;		    /**< the socket once connected, else -1 */
	long pid;	    /**< synq's pid, from the greeting (0 if none) */
	size_t max_len;	    /**< the longest reply, from the greeting */
	char *buf;	    /**< the reply buffer, max_len + 1 */
	char path[PATH_MAX];
};

/**
 * Ask synq @p cmd (e.g. "/synq/stats") with @p params (NULL for none) and return the
 * reply's value in @p out (a new reference, never JSON null). On a failure prints
 * what is wrong on stderr, naming the command, and returns -1; synq without the
 * command says so. With --json the raw reply is printed on stdout too.
 */
int ctl_query(struct ctl *c, const char *cmd, const char *params, json_t **out);

/** Whether synq registers @p cmd (1), not (0), or -1 on failure (printed). */
int ctl_has(struct ctl *c, const char *cmd);

/** The socket's path for @p prefix as DPDK's EAL makes it, in @p path. */
void ctl_socket_path(const char *prefix, char *path, size_t len);

void ctl_close(struct ctl *c);

/** A JSON number member as a double, @p dflt when missing or not a number. */
double ctl_num(const json_t *o, const char *key, double dflt);

/**
 * The statistics document as synq_stats_json() makes it, from telemetry: counters,
 * lcores (with roles), listeners (with backends), ports, mempools. NULL on a failure
 * (printed).
 */
json_t *ctl_stats_doc(struct ctl *c);

/* The commands: argc/argv start at the command's name; return the exit status. */
int cmd_ss(struct ctl *c, int argc, char **argv);
int cmd_nstat(struct ctl *c, int argc, char **argv);
int cmd_top(struct ctl *c, int argc, char **argv);
int cmd_reload(struct ctl *c, int argc, char **argv);
int cmd_rotate_secret(struct ctl *c, int argc, char **argv);
int cmd_backends(struct ctl *c, int argc, char **argv);
int cmd_metrics(struct ctl *c, int argc, char **argv);

#endif /* SYNQCTL_H */
