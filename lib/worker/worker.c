/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's poll loop. Per burst: rx, handle, tx on the worker's own queue of the
 * same port, free what was dropped. No locks, no allocation beyond the pool, no
 * logging: what goes wrong is counted.
 */

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "synq_net.h"
#include "worker_priv.h"

/* @return false if the port's gate was closed: nothing went to the device. */
static bool
send_burst(struct synq_worker *w, const struct synq_worker_rxq *rq, struct rte_mbuf **pkts,
	uint16_t n)
{
	uint16_t sent;

	if (n == 0)
		return true;
	if (unlikely(!synq_port_gate_open(&rq->port->gate))) {
		/* a memif link is down or its peer is leaving: the port's memory may be gone */
		synq_counter_add(w->ctr, SYNQ_CTR_DROP_TX_LINK_DOWN, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return false;
	}
	sent = rte_eth_tx_burst(rq->port_id, rq->txq, pkts, n);
	synq_counter_add(w->ctr, SYNQ_CTR_TX_FRAMES, sent);
	if (sent < n) {
		synq_counter_add(w->ctr, SYNQ_CTR_DROP_TX_FULL, n - sent);
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
	return true;
}

/* Frames the TCP engine built, each for the tx queue of its own rx queue's port. */
static void
send_out(struct synq_worker *w, struct rte_mbuf **out, const uint8_t *rxq, unsigned int n)
{
	unsigned int i = 0;

	while (i < n) {
		unsigned int j = i + 1;

		while (j < n && rxq[j] == rxq[i])
			j++;
		send_burst(w, &w->rxq[rxq[i]], &out[i], (uint16_t)(j - i));
		i = j;
	}
}

/* Bursts of output one poll sends at most, before it looks at the rx queues again. */
#define OUTPUT_ROUNDS 8

/* Everything connections have to send now: after input, commands and timers. */
static void
flush_output(struct synq_worker *w)
{
	struct rte_mbuf *out[SYNQ_BURST];
	uint8_t rxq[SYNQ_BURST];

	/* a bounded number of rounds: the rx queues wait meanwhile */
	for (unsigned int round = 0; round < OUTPUT_ROUNDS && synq_tcp_output_pending(w->tcp);
		round++) {
		unsigned int n = synq_tcp_output(w->tcp, w->ctr, out, rxq, SYNQ_BURST);

		send_out(w, out, rxq, n);
		if (n < SYNQ_BURST)
			break;
	}
}

/* What applications asked: attach, send, close, abort, window. */
static void
drain_commands(struct synq_worker *w)
{
	struct synq_session_msg msg[SYNQ_BURST];
	unsigned int n = rte_ring_dequeue_burst_elem(w->cmd, msg, sizeof(msg[0]), SYNQ_BURST,
		NULL);

	for (unsigned int i = 0; i < n; i++)
		synq_tcp_command(w->tcp, w->ctr, &msg[i]);
}

void
worker_resolver_tx(void *arg, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct synq_worker *w = arg;

	/* the resolver sends only on ports with an iface, the ones this worker polls */
	send_burst(w, &w->rxq[w->port_rxq[port]], pkts, n);
}

int
synq_worker_send_routed(void *arg, struct rte_mbuf *m, uint8_t family, const uint8_t *dst,
	uint16_t port_id)
{
	struct synq_worker *w = arg;
	const struct synq_iface *via = NULL;
	int rc;

	for (unsigned int i = 0; i < w->nb_rxq && via == NULL; i++)
		if (w->rxq[i].port_id == port_id)
			via = w->rxq[i].iface;
	if (via == NULL) {
		synq_counter_inc(w->ctr, SYNQ_CTR_ROUTE_NO_TXQ);
		rte_pktmbuf_free(m);
		return -ENXIO;
	}
	rc = synq_net_send_routed_via(&w->res, m, family, dst, via);
	return rc > 0 ? 0 : rc; /* queued: taken all the same */
}

/*
 * What the ARP and ND messages of one burst from rx queue @p i said: applied to this
 * worker's table, then posted to every other worker of the port (RSS puts ARP on one
 * queue and spreads ND by its addresses, so the answer to one worker's solicitation
 * often lands on another). A full ring drops the facts it has no room for,
 * counted: the other worker's entry then solicits again (its answers take the same
 * ring: one kept full makes it fail).
 */
static void
neigh_facts(struct synq_worker *w, unsigned int i)
{
	uint16_t port = w->rxq[i].cfg_port;
	unsigned int n = w->net.nb_facts;

	w->net.nb_facts = 0;
	for (unsigned int k = 0; k < n; k++) {
		w->net.facts[k].port = port;
		synq_net_resolve_fact(&w->res, &w->net.facts[k]);
	}
	for (unsigned int p = 0; p < w->nb_peers; p++) {
		unsigned int done;

		if (!(w->peer[p].ports & (1u << port)))
			continue;
		done = rte_ring_enqueue_burst_elem(
			w->peer[p].facts, w->net.facts, sizeof(w->net.facts[0]), n, NULL);
		synq_counter_add(w->ctr, SYNQ_CTR_NEIGH_FACTS_POSTED, done);
		synq_counter_add(w->ctr, SYNQ_CTR_NEIGH_FACT_RING_FULL, n - done);
	}
}

/* What other workers posted: a burst at most a poll, applied as if received here. */
static void
drain_facts(struct synq_worker *w)
{
	struct synq_neigh_fact f[SYNQ_BURST];
	unsigned int n = rte_ring_dequeue_burst_elem(w->facts, f, sizeof(f[0]), SYNQ_BURST, NULL);

	for (unsigned int k = 0; k < n; k++)
		synq_net_resolve_fact(&w->res, &f[k]);
}

/* Handle @p n frames of the worker's rx queue number @p i; send the replies. */
static void
handle_burst(struct synq_worker *w, unsigned int i, struct rte_mbuf **rx, uint16_t n)
{
	const struct synq_worker_rxq *rq = &w->rxq[i];
	struct rte_mbuf *tx[SYNQ_BURST + 1];
	struct rte_mbuf *drop[SYNQ_BURST + 1];
	uint16_t nb_tx, nb_drop;

	nb_tx = synq_net_input(rq->iface, w->ctr, &w->net, w->tcp, (uint8_t)i, rx, n, tx, drop,
		&nb_drop);
	send_burst(w, rq, tx, nb_tx);
	if (nb_drop != 0)
		rte_pktmbuf_free_bulk(drop, nb_drop);
	if (w->net.nb_facts != 0 && w->neigh != NULL)
		neigh_facts(w, i);
}

unsigned int
synq_worker_poll(struct synq_worker *w)
{
	/* one more than a burst: the reorder stage may put a frame back in */
	struct rte_mbuf *rx[SYNQ_BURST + 1];
	unsigned int total = 0;
	uint64_t start = rte_rdtsc();

	synq_net_clock(&w->net, start);
	if (w->tcp != NULL) {
		synq_tcp_clock(w->tcp, start);
		drain_commands(w);
	}
	if (w->neigh != NULL) {
		synq_net_resolve_clock(&w->res, start / w->tsc_per_ms);
		drain_facts(w);
	}
	for (unsigned int i = 0; i < w->nb_rxq; i++) {
		uint16_t n;

		if (unlikely(!synq_port_gate_open(&w->rxq[i].port->gate)))
			continue;
		n = rte_eth_rx_burst(w->rxq[i].port_id, w->rxq[i].queue, rx, SYNQ_BURST);
		if (n == 0)
			continue;
		total += n;
		if (w->reorder.permille != 0)
			n = worker_reorder(&w->reorder, w->ctr, w->rxq[i].iface, (uint8_t)i, rx, n,
				start);
		handle_burst(w, i, rx, n);
	}
	if (w->tcp != NULL && synq_tcp_output_pending(w->tcp))
		flush_output(w);
	if (total != 0)
		synq_counter_add(w->ctr, SYNQ_CTR_BUSY_CYCLES, rte_rdtsc() - start);
	return total;
}

/*
 * IPv6 as a host (lib/net/mld.c): with the port's first announcement, its MLD report
 * and the probes of duplicate address detection; then their timers, from the tick.
 * Only from the worker of the port's rx queue 0.
 */
static void
host6_start(struct synq_worker *w, const struct synq_worker_rxq *rq, uint64_t now_tsc)
{
	struct rte_mbuf *pkts[SYNQ_NET_HOST6_MAX_FRAMES];
	unsigned int n =
		synq_net_host6_start(rq->iface, w->ctr, now_tsc, rte_get_tsc_hz(), w->pool, pkts);

	send_burst(w, rq, pkts, (uint16_t)n);
}

static void
host6_tick(struct synq_worker *w, uint64_t now_tsc)
{
	for (unsigned int i = 0; i < w->nb_rxq; i++) {
		const struct synq_worker_rxq *rq = &w->rxq[i];
		struct rte_mbuf *pkts[SYNQ_NET_HOST6_MAX_FRAMES];
		unsigned int n;

		if (rq->queue != 0)
			continue;
		n = synq_net_host6_tick(
			rq->iface, w->ctr, now_tsc, rte_get_tsc_hz(), w->pool, pkts);
		send_burst(w, rq, pkts, (uint16_t)n);
	}
}

/* The announcements of the worker's ports, on its clock @p now_tsc. */
static void
announce(struct synq_worker *w, uint64_t now_tsc)
{
	for (unsigned int i = 0; i < w->nb_rxq; i++) {
		const struct synq_worker_rxq *rq = &w->rxq[i];
		struct rte_mbuf *pkts[SYNQ_MAX_ADDRS];
		uint16_t n = 0;

		if (rq->queue != 0)
			continue;
		for (unsigned int a = 0; a < rq->iface->nb_ipv4; a++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);

			if (m == NULL)
				break;
			if (synq_net_build_garp(rq->iface, a, m) != 0) {
				rte_pktmbuf_free(m);
				continue;
			}
			pkts[n++] = m;
		}
		/* counted once past the gate: none while a memif link is down */
		if (send_burst(w, rq, pkts, n))
			synq_counter_add(w->ctr, SYNQ_CTR_ARP_OUT_GRATUITOUS, n);
		host6_start(w, rq, now_tsc);
	}
}

void
synq_worker_announce(struct synq_worker *w)
{
	announce(w, rte_rdtsc());
}

/* RFC 5227 2.3: SYNQ_ANNOUNCE_NUM announcements, ANNOUNCE_INTERVAL seconds apart. */
#define ANNOUNCE_INTERVAL_S 2
/* How often to look at a link that is still down. */
#define LINK_POLL_DIV 10

/* Is the link of @p rq's port up (and its gate open)? */
static bool
link_up(const struct synq_worker_rxq *rq)
{
	struct rte_eth_link link;

	/* a memif port's gate opens up to SYNQ_LINK_POLL_MS after its link */
	return synq_port_gate_open(&rq->port->gate) &&
	       rte_eth_link_get_nowait(rq->port_id, &link) == 0 &&
	       link.link_status == RTE_ETH_LINK_UP;
}

static bool
links_up(const struct synq_worker *w)
{
	for (unsigned int i = 0; i < w->nb_rxq; i++)
		if (w->rxq[i].queue == 0 && !link_up(&w->rxq[i]))
			return false;
	return true;
}

/*
 * While some port of the worker waits for its link, the ports whose link is up start
 * IPv6 on their own: their addresses must not stay tentative, unanswered, for as long
 * as another port's link is down (a memif peer that never comes).
 */
static void
host6_start_up(struct synq_worker *w, uint64_t now_tsc)
{
	for (unsigned int i = 0; i < w->nb_rxq; i++) {
		const struct synq_worker_rxq *rq = &w->rxq[i];

		if (rq->queue == 0 && link_up(rq))
			host6_start(w, rq, now_tsc);
	}
}

/* SYN-ACK retransmissions leave on the tx queue of the port they belong to. */
static void
tcp_timers(struct synq_worker *w)
{
	struct rte_mbuf *out[SYNQ_BURST];
	uint8_t rxq[SYNQ_BURST];
	unsigned int n = synq_tcp_timers(w->tcp, w->ctr, out, rxq, SYNQ_BURST);

	send_out(w, out, rxq, n);
	if (synq_tcp_output_pending(w->tcp))
		flush_output(w);
}

/*
 * Tx stops on a memif port whose link is down and resumes once it is up
 * (lib/port/link.c). Each port is polled by one worker, the one reading its rx queue 0;
 * ports of other kinds are not polled at all (synq_port_link_check returns at once).
 */
static void
check_links(struct synq_worker *w, uint64_t now_tsc)
{
	w->link_tsc = now_tsc + rte_get_tsc_hz() * SYNQ_LINK_POLL_MS / 1000;
	for (unsigned int i = 0; i < w->nb_rxq; i++)
		if (w->rxq[i].queue == 0 && synq_port_link_check(w->rxq[i].port) > 0)
			synq_counter_inc(w->ctr, SYNQ_CTR_PORT_LINK_RESUMED);
}

void
synq_worker_tick(struct synq_worker *w, uint64_t now_tsc)
{
	struct rte_mbuf *held;
	uint8_t rxq;

	if (now_tsc >= w->link_tsc)
		check_links(w, now_tsc);
	/* test.reorder_permille: a held segment that no later frame came to release */
	if (w->reorder.held != NULL &&
		(held = worker_reorder_due(&w->reorder, now_tsc, &rxq)) != NULL) {
		handle_burst(w, rxq, &held, 1);
		if (synq_tcp_output_pending(w->tcp))
			flush_output(w);
	}
	if (w->tcp != NULL)
		tcp_timers(w);
	if (w->neigh != NULL) {
		synq_net_resolve_clock(&w->res, now_tsc / w->tsc_per_ms);
		synq_net_resolve_timers(&w->res);
	}
	host6_tick(w, now_tsc);
	if (w->announces_left == 0 || now_tsc < w->announce_tsc)
		return;
	if (!links_up(w)) {
		host6_start_up(w, now_tsc);
		w->announce_tsc = now_tsc + rte_get_tsc_hz() / LINK_POLL_DIV;
		return;
	}
	announce(w, now_tsc);
	w->announces_left--;
	w->announce_tsc = now_tsc + rte_get_tsc_hz() * ANNOUNCE_INTERVAL_S;
}
