/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq-echo: the upper-case echo of docs/applications.md as a program of its own,
 * built out of tree against an installed synq (Makefile: pkg-config's libsynq).
 *
 *   synq-echo [EAL args] -- CONFIG [SECONDS]
 *
 * synq's runtime carries the ports and TCP as the synq binary does; upper_poll()
 * replaces the built-in applications on every app (or both) lcore, for every
 * listener of CONFIG (their "app" key is not looked at). It runs SECONDS (default:
 * until SIGINT or SIGTERM), then prints how many connections it accepted.
 */

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "synq_app.h"
#include "synq_config.h"
#include "synq_port.h"
#include "synq_stats.h"
#include "synq_worker.h"

/* One pass on an application lcore: accept, then answer every data event. */
static unsigned int
upper_poll(struct synq_app_lcore *a)
{
	struct synq_session *sessions[SYNQ_APP_BURST];
	struct synq_app_event ev[SYNQ_APP_BURST];
	unsigned int work = 0;
	uint16_t n;

	for (unsigned int i = 0; i < a->ls->nb; i++)
		work += synq_app_accept(a, &a->ls->l[i], sessions, SYNQ_APP_BURST);
	n = synq_app_recv_burst(a, ev, SYNQ_APP_BURST);
	for (uint16_t i = 0; i < n; i++) {
		struct synq_session *s = ev[i].s;
		struct rte_mbuf *m = ev[i].m;

		switch (ev[i].kind) {
		case SYNQ_EV_DATA: {
			uint32_t len = rte_pktmbuf_pkt_len(m);

			for (struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
				char *p = rte_pktmbuf_mtod(seg, char *);

				for (uint16_t k = 0; k < seg->data_len; k++)
					p[k] = (char)toupper((unsigned char)p[k]);
			}
			/* the same mbuf goes back; on -EAGAIN a real application keeps it */
			if (synq_app_send(a, s, m) != 0)
				rte_pktmbuf_free(m);
			synq_app_consumed(a, s, len);
			break;
		}
		case SYNQ_EV_PEER_CLOSED:
			synq_app_close(a, s);
			break;
		case SYNQ_EV_CLOSED:
			synq_app_release(a, s);
			break;
		default: /* SYNQ_EV_RESET: CLOSED follows */
			break;
		}
	}
	return work + n;
}

static void
on_signal(int sig)
{
	(void)sig;
	synq_runtime_stop();
}

int
main(int argc, char **argv)
{
	static struct synq_config cfg;
	static struct synq_ports ports;
	static struct synq_runtime rt;
	struct synq_run_opts run = {0};
	char err[SYNQ_CONFIG_ERR_LEN];
	int n, rc;

	/* EAL's arguments first: they end at "--", which rte_eal_init() consumes */
	n = rte_eal_init(argc, argv);
	if (n < 0)
		rte_exit(EXIT_FAILURE, "cannot start EAL: %s\n", rte_strerror(rte_errno));
	argc -= n;
	argv += n;
	if (argc < 2 || argc > 3)
		rte_exit(EXIT_FAILURE, "usage: synq-echo [EAL args] -- CONFIG [SECONDS]\n");
	if (argc == 3)
		run.duration_s = strtod(argv[2], NULL);
	if (synq_config_load(argv[1], &cfg, err, sizeof(err)) != 0)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	synq_stats_reset();
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
	rt.app_poll = upper_poll;
	printf("synq-echo: running\n");
	fflush(stdout);
	rc = synq_runtime_run(&rt, &run);

	json_t *doc = synq_stats_json();
	json_t *acc = json_object_get(json_object_get(doc, "counters"), "SynqAppAccepted");

	printf("synq-echo: %lld connections accepted\n", (long long)json_integer_value(acc));
	json_decref(doc);
	synq_stats_close();
	synq_runtime_free(&rt);
	synq_ports_stop(&ports);
	rte_eal_cleanup();
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
