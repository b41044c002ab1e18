/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port's gate, and the grace period that lets a memif peer leave.
 *
 * Why: DPDK 22.11's net_memif unmaps a port's shared memory in the EAL interrupt thread
 * when the peer leaves (memif_disconnect -> memif_free_regions: munmap, then rte_free of
 * the region structs), while a worker may be inside rx or tx burst on the port: the
 * driver checks its "connected" flag once at the entry of a burst, then reads the ring
 * and copies into the buffers of the regions. A burst already past the check when the
 * interrupt thread unmaps faults (SIGSEGV in librte_net_memif, issue 12). The link goes
 * down before the unmap, but nothing makes the unmap wait for bursts in flight.
 *
 * What: each memif port ("guarded") has a gate the workers look at before every rx and
 * tx burst on it; the gate of any other port stays open. The workers report a quiescent
 * state (DPDK's QSBR) once per pass of their loop, outside any burst. synq's munmap()
 * (app/synq/unmap.c) calls synq_ports_unmap_guard() first: from the interrupt thread,
 * while a memif port is started, it closes the gate of every memif port whose link is
 * down and waits until every online worker has passed a quiescent state. memif_disconnect
 * (memif_socket.c) sets the link down in that same thread before it unmaps, so the port
 * being unmapped is always among them, and the read is ordered before the unmap by
 * program order; a memif port whose peer stays (link up) is left alone, and an munmap
 * of the interrupt thread with no memif link down returns at once. Then no burst is in
 * flight on the port and none will start (the gate is closed), so the unmap and the
 * rte_free that follows it are safe. A worker opens a gate again when the port's link
 * is up (memif sets it up last, once the new peer's regions are mapped).
 *
 * Not covered: memif_disconnect closes the queues' interrupt eventfds before it
 * unmaps, so a tx burst already past the gate may, with a peer in interrupt mode (ring
 * flag MASK_INT clear), write() 8 bytes to a descriptor number the process has since
 * reused. DPDK peers (synq-gen, Pktgen, testpmd) poll and set MASK_INT, so eth_memif_tx
 * does not write(); a libmemif or VPP peer in interrupt mode could.
 *
 * The gate is a counter: even open, odd closed. Closing always makes a new odd value, and
 * a worker opens with a compare-and-swap from the odd value it saw before it read the
 * link, so a close that came after that read wins and the worker's open fails.
 *
 * The link poll (synq_port_link_check, from the tick of the worker that reads the
 * port's rx queue 0, every SYNQ_LINK_POLL_MS) looks at memif ports only: memif's
 * link_update reads memory (rte_eth_memif.c, primary process), while other drivers'
 * may make system calls (ioctls, admin queue, RTNL) that have no place on the packet
 * path; and a port of another kind whose link reads down (a net_tap whose interface
 * moved to another namespace) must go on receiving and sending. A memif port whose
 * link is down has its gate closed: tx stops and resumes when the link comes back,
 * what was not sent is counted (SynqDropTxLinkDown). A link that cannot be read
 * (error) leaves the gate as it is.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>

#include "synq_port.h"

#define RTE_LOGTYPE_SYNQ_PORT RTE_LOGTYPE_USER1
#define LINK_LOG(level, fmt, ...) RTE_LOG(level, SYNQ_PORT, "port: " fmt "\n", ##__VA_ARGS__)

/*
 * The ports the guard closes, set while a memif port is started: read by the interrupt
 * thread (in munmap), written by the main lcore (start, stop).
 */
static _Atomic(struct synq_ports *) guarded;

/* One QSBR variable for the process, thread ids are lcore ids; allocated once, never
 * freed: the interrupt thread may be inside the guard while the ports stop. */
static struct rte_rcu_qsbr *qsbr;

void
synq_ports_guard_arm(struct synq_ports *ps)
{
	bool memif = false;

	for (unsigned int i = 0; i < ps->nb; i++)
		memif |= ps->port[i].guarded;
	atomic_store_explicit(&guarded, memif ? ps : NULL, memory_order_release);
}

int
synq_ports_guard_init(struct synq_ports *ps)
{
	if (qsbr == NULL) {
		size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);

		qsbr = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(sz, RTE_CACHE_LINE_SIZE));
		if (qsbr == NULL)
			return -ENOMEM;
	}
	/* no worker is online yet: nothing can be reading it */
	if (rte_rcu_qsbr_init(qsbr, RTE_MAX_LCORE) != 0)
		return -EINVAL;
	ps->qsbr = qsbr;
	for (unsigned int i = 0; i < ps->nb; i++) {
		struct rte_eth_dev_info info;

		atomic_store_explicit(&ps->port[i].gate, 0, memory_order_relaxed);
		ps->port[i].guarded = rte_eth_dev_info_get(ps->port[i].port_id, &info) == 0 &&
				      info.driver_name != NULL &&
				      strcmp(info.driver_name, "net_memif") == 0;
	}
	synq_ports_guard_arm(ps);
	return 0;
}

void
synq_ports_guard_fini(struct synq_ports *ps)
{
	struct synq_ports *expected = ps;

	/* a guard already running goes on with ps, which outlives the ports (main.c) */
	atomic_compare_exchange_strong(&guarded, &expected, NULL);
}

/* A new odd value: closed, and unlike any value a worker may have seen before. */
static void
gate_close(_Atomic uint32_t *gate)
{
	uint32_t old = atomic_load_explicit(gate, memory_order_relaxed);

	while (!atomic_compare_exchange_weak(gate, &old, (old + 2) | 1))
		;
}

/* The link of port @p p reads down (an error reads as up: nothing to wait for). */
static bool
link_down(const struct synq_port *p)
{
	struct rte_eth_link link;

	return rte_eth_link_get_nowait(p->port_id, &link) == 0 &&
	       link.link_status == RTE_ETH_LINK_DOWN;
}

void
synq_ports_unmap_guard(void)
{
	struct synq_ports *ps = atomic_load_explicit(&guarded, memory_order_acquire);
	unsigned int closed = 0;
	uint64_t token;

	if (ps == NULL || !rte_thread_is_intr())
		return;
	/*
	 * memif_disconnect set the leaving port's link down in this thread before this
	 * munmap: a port whose link is up is not the one unmapped, its gate stays open.
	 */
	for (unsigned int i = 0; i < ps->nb; i++)
		if (ps->port[i].guarded && link_down(&ps->port[i])) {
			gate_close(&ps->port[i].gate);
			closed++;
		}
	if (closed == 0)
		return;
	/* release: a worker that reports this token saw the gates closed (QSBR's pairing) */
	token = rte_rcu_qsbr_start(ps->qsbr);
	rte_rcu_qsbr_check(ps->qsbr, token, true);
	LINK_LOG(DEBUG, "memif memory unmapped after the workers' grace period");
}

void
synq_ports_online(struct synq_ports *ps, unsigned int lcore_id)
{
	if (ps == NULL || ps->qsbr == NULL)
		return;
	rte_rcu_qsbr_thread_register(ps->qsbr, lcore_id);
	rte_rcu_qsbr_thread_online(ps->qsbr, lcore_id);
}

void
synq_ports_offline(struct synq_ports *ps, unsigned int lcore_id)
{
	if (ps == NULL || ps->qsbr == NULL)
		return;
	rte_rcu_qsbr_thread_offline(ps->qsbr, lcore_id);
	rte_rcu_qsbr_thread_unregister(ps->qsbr, lcore_id);
}

int
synq_port_link_check(struct synq_port *p)
{
	uint32_t seen;
	struct rte_eth_link link;
	bool up;

	if (!p->guarded)
		return 0;
	seen = atomic_load_explicit(&p->gate, memory_order_acquire);
	if (rte_eth_link_get_nowait(p->port_id, &link) != 0)
		return 0; /* unknown: the gate stays as it is */
	up = link.link_status == RTE_ETH_LINK_UP;
	if ((seen & 1) == 0) {
		if (up)
			return 0;
		gate_close(&p->gate);
		return -1;
	}
	if (!up)
		return 0;
	/* fails if the gate was closed again since it was read: that close wins */
	return atomic_compare_exchange_strong(&p->gate, &seen, seen + 1) ? 1 : 0;
}
