/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_PROM_H
#define SYNQ_PROM_H

/**
 * @file
 * synq's statistics in the Prometheus text exposition format, version 0.0.4: the
 * document of synq_stats_json() (or one built the same way from telemetry, as
 * `synqctl metrics` does) turned into metric families. Needs jansson and libc only,
 * so that a client links it without DPDK (the static library synq_prom).
 *
 * Names (docs/operations.md, "Metrics"): a counter's nstat name in snake_case with
 * the prefix synq_ ("TcpPassiveOpens" -> synq_tcp_passive_opens_total, the Synq of
 * synq's own dropped: "SynqRxFrames" -> synq_rx_frames_total), _total for counters,
 * nothing for gauges (a description that starts "gauge:"); the nstat name stays in
 * the help text. One series per lcore (labels lcore, role), none summed: a sum is
 * PromQL's job, and a family holding the sum beside its parts would count twice.
 */

#include <stdio.h>

#include <jansson.h>

/** The Content-Type of what synq_prom_write() writes (an HTTP header's value). */
#define SYNQ_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/**
 * Write @p doc as metric families to @p f: every counter of synq_counters.def with
 * its HELP and TYPE, per lcore; synq_info, synq_uptime_seconds; the listeners'
 * gauges and their backends' statistics (labels listener, app, backend); the ports'
 * device statistics (label port) and the mbuf pools' (label pool). What @p doc lacks
 * is left out; a member of an unexpected type is skipped.
 *
 * @return 0, -EIO when writing failed, -ENOMEM.
 */
int synq_prom_write(FILE *f, const json_t *doc);

/**
 * The metric name of counter @p nstat_name (CamelCase, nstat's) into @p out: "synq_"
 * and the name in snake_case, "_total" when @p counter. An upper-case letter starts a
 * word after a lower-case letter or a digit, or before two lower-case letters
 * ("TcpExtTCPReqQFullDrop" -> tcp_ext_tcp_req_q_full_drop, "Icmp6OutMLDv2Reports" ->
 * icmp6_out_mldv2_reports).
 *
 * @return the length, or 0 when @p len is too small.
 */
size_t synq_prom_name(const char *nstat_name, int counter, char *out, size_t len);

#endif /* SYNQ_PROM_H */
