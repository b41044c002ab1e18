/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_LISTENER_H
#define SYNQ_LISTENER_H

/**
 * @file
 * Listeners at run time: the addresses and ports synq accepts connections on, their
 * TCP knobs, and each one's accept queue (lib/session). The lookup is for every lcore;
 * everything else is read-only once synq_listeners_create() has run, but for the
 * accept queues' own lock-free state.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "synq_accept.h"
#include "synq_config.h"

/** Log-scaled buckets of a backend's connect times: [2^i, 2^(i+1)) us, the last open. */
#define SYNQ_CONNECT_HIST 24

/** A backend's health (synq_listener.be_state): its checks took it down. */
#define SYNQ_BACKEND_DOWN 1u

/**
 * One app lcore's statistics of one backend of a proxy listener (issue 13). The app
 * lcore writes its own (relaxed atomic stores, as the counters), the stats reader sums
 * them over lcores (relaxed loads). No allocation per connection.
 */
struct synq_backend_stats {
	uint64_t active;	/* connections to it open now (tries included) */
	uint64_t connects;	/* connections opened to it, every try */
	uint64_t connected;	/* of those, CONNECTED */
	uint64_t failed;	/* REFUSED, TIMEDOUT or CONNECT_FAILED */
	uint64_t timeouts;	/* aborted at connect_timeout_ms while connecting to it */
	uint64_t bytes_to;	/* relayed to it from clients */
	uint64_t bytes_from;	/* relayed from it to clients */
	uint64_t checks_ok;	/* health checks CONNECTED */
	uint64_t checks_failed; /* health checks refused, failed or timed out */
	uint64_t connect_us[SYNQ_CONNECT_HIST]; /* connect to CONNECTED, microseconds */
};

/** One listener at run time. */
struct synq_listener {
	/*
	 * read-only after start but for a reload's (synq_listener_retune(), _remove()):
	 * the lookup reads the first line
	 */
	uint8_t family; /* 4, 6, 0 = both */
	bool any;
	uint16_t port_be; /* network order */
	/*
	 * issue 15: a reload removed it: the lookups still find it, for its connections
	 * (established, half-open, queued), which drain in its slot; a SYN to it is one to
	 * no listener (synq_tcp_input_parsed())
	 */
	atomic_bool removed;
	uint8_t addr[16];
	uint32_t backlog;   /* send_q */
	uint32_t syn_share; /* half-open entries per worker: ceil(max_syn_backlog / workers) */
	enum synq_app app;
	/* issue 15: conf->allow's prefixes (0: every source); read with the lookup */
	uint8_t nb_allow;
	struct synq_config_tcp tcp;
	const struct synq_config_listener *conf; /* the rest (http_body): apps, control plane */
	struct synq_accept_queue accept;
	/* truesize its connections hold: each worker adds its change from its timers */
	_Atomic uint64_t mem_held;
	/*
	 * app "proxy" (issue 13): each backend's health, 0 up or SYNQ_BACKEND_DOWN (its
	 * checker app lcore: rw, every app lcore: ro); the app lcore that runs this
	 * listener's health checks, its lcore id + 1 (0: none yet; the first app lcore
	 * that polls it takes it, once); per-backend statistics, one row of nb_backends
	 * per lcore id (each app lcore writes its own row), NULL for other apps.
	 */
	_Atomic uint32_t be_state[SYNQ_MAX_BACKENDS];
	_Atomic uint32_t checker;
	struct synq_backend_stats *be_stats;
};

struct synq_listeners {
	struct synq_listener l[SYNQ_MAX_LISTENERS];
	unsigned int nb;
	unsigned int nb_workers;    /* workers that share each listener's SYN backlog */
	bool eal_mem;		    /* the accept queues' memory is EAL's, else the C library's */
	uint32_t http_head_buffers; /* config http.head_buffers: per application lcore */
};

/**
 * Check that every listener of @p cfg has an application synq can run (every app
 * the config parses runs today: a hook for one configured ahead of its code). Control
 * plane, no EAL needed; synq_listeners_create() checks it first too.
 *
 * @return 0, or -ENOTSUP with @p err naming the listener.
 */
int synq_listeners_check(const struct synq_config *cfg, char *err, size_t errlen);

/**
 * Create the listeners of @p cfg, with an accept queue each on @p socket. @p cfg must
 * outlive them. @p nb_workers is how many workers share each listener's SYN backlog.
 * Control plane; with EAL up the memory is EAL's, else plain (tests and fuzzing run
 * without EAL).
 *
 * @return 0 or a negative errno with @p err set.
 */
int synq_listeners_create(struct synq_listeners *ls, const struct synq_config *cfg,
	unsigned int nb_workers, int socket, char *err, size_t errlen);

/** Lcore @p lcore's statistics of backend @p be of proxy listener @p l. */
static inline struct synq_backend_stats *
synq_backend_stats_at(const struct synq_listener *l, unsigned int lcore, unsigned int be)
{
	return &l->be_stats[(size_t)lcore * l->conf->proxy.nb_backends + be];
}

/**
 * Whether listener @p l answers a client at @p addr (of @p family): its "allow" list
 * holds it, or it has none (issue 15). Any lcore.
 */
static inline bool
synq_listener_allows(const struct synq_listener *l, uint8_t family, const uint8_t *addr)
{
	if (l->nb_allow == 0)
		return true;
	for (unsigned int i = 0; i < l->nb_allow; i++)
		if (synq_prefix_match(&l->conf->allow[i], family, addr))
			return true;
	return false;
}

/**
 * issue 15, reload: make a listener of @p cl in the next free slot (its accept queue on
 * @p socket), then publish it to the lookups (a release store of ls->nb: its fields are
 * written before any lcore can find it). @p cl must outlive the listener. Control
 * lcore only; one at a time.
 *
 * @return its index, or a negative errno with @p err set (-ENOSPC: every slot taken,
 *   removed listeners that drain included).
 */
int synq_listener_add(struct synq_listeners *ls, const struct synq_config_listener *cl, int socket,
	char *err, size_t errlen);

/**
 * issue 15, reload: give @p l the backlog, syncookies and abort_on_overflow of @p cl,
 * and take it back from removal (a listener re-added while it drained). Each is one
 * aligned word an lcore reads afresh at each SYN or final ACK: it sees the old value
 * or the new, and a connection in progress keeps what it was admitted with. The
 * backlog is bounded by the accept ring made at start. Control lcore only.
 *
 * @return 0, or -ENOSPC with @p err set (nothing changed).
 */
int synq_listener_retune(
	struct synq_listener *l, const struct synq_config_listener *cl, char *err, size_t errlen);

/**
 * The largest backlog @p l can be retuned to: its accept ring's, made at start.
 */
uint32_t synq_listener_backlog_max(const struct synq_listener *l);

/** Free the accept queues. Control plane. */
void synq_listeners_free(struct synq_listeners *ls);

/**
 * Sessions the listeners can have out at once: every accept queue full, every
 * worker carrying each listener's max_flows, and a slack for those between a queue
 * and the pool. What the session pool is sized for.
 */
uint32_t synq_listeners_max_sessions(const struct synq_listeners *ls);

/**
 * Of two listeners a segment matches, @p l instead of @p best? A live one before one a
 * reload removed (issue 15), then an address before a wildcard. Each config has one
 * listener an address and port, but reloads make overlaps: 198.18.0.1:80 removed and
 * "*":80 added (the removed address hid the wildcard: its SYNs found the port closed
 * until a restart), "*" -> "0.0.0.0" -> "*" (the removed "0.0.0.0" won as the last
 * wildcard). A removed one is still found when nothing live matches: its handshakes
 * in progress complete. The removed flag is read only for a match.
 */
static inline bool
synq_listener_better(const struct synq_listener *l, const struct synq_listener *best)
{
	bool gone;

	if (best == NULL)
		return true; /* the one match of a port (every config's case): no load */
	gone = atomic_load_explicit(&l->removed, memory_order_relaxed);
	if (atomic_load_explicit(&best->removed, memory_order_relaxed) != gone)
		return !gone;
	return best->any && !l->any;
}

/**
 * The listeners an lcore may look up: ls->nb, whose release store by
 * synq_listener_add() published the slots below it. Any lcore.
 */
static inline unsigned int
synq_listeners_nb(const struct synq_listeners *ls)
{
	return __atomic_load_n(&ls->nb, __ATOMIC_ACQUIRE);
}

/** The listener for a segment to @p daddr port @p dport_be, or NULL. Any lcore. */
static inline struct synq_listener *
synq_listener_lookup(
	struct synq_listeners *ls, uint8_t family, const uint8_t *daddr, uint16_t dport_be)
{
	struct synq_listener *best = NULL;
	unsigned int nb = synq_listeners_nb(ls);

	for (unsigned int i = 0; i < nb; i++) {
		struct synq_listener *l = &ls->l[i];

		if (l->port_be != dport_be || (l->family != 0 && l->family != family))
			continue;
		if (!l->any && memcmp(l->addr, daddr, family == 4 ? 4 : 16) != 0)
			continue;
		if (!l->any && !atomic_load_explicit(&l->removed, memory_order_relaxed))
			return l;
		if (synq_listener_better(l, best))
			best = l;
	}
	return best;
}

/** The index of @p l. */
static inline unsigned int
synq_listener_index(const struct synq_listeners *ls, const struct synq_listener *l)
{
	return (unsigned int)(l - ls->l);
}

/**
 * synq_listener_lookup() of an IPv4 segment: its destination @p daddr (network order)
 * compared as the word the IP input read. Any lcore.
 */
static inline struct synq_listener *
synq_listener_lookup4(struct synq_listeners *ls, uint32_t daddr, uint16_t dport_be)
{
	struct synq_listener *best = NULL;
	unsigned int nb = synq_listeners_nb(ls);

	for (unsigned int i = 0; i < nb; i++) {
		struct synq_listener *l = &ls->l[i];
		uint32_t a;

		if (l->port_be != dport_be || (l->family != 0 && l->family != 4))
			continue;
		if (!l->any) {
			memcpy(&a, l->addr, sizeof(a));
			if (a != daddr)
				continue;
			if (!atomic_load_explicit(&l->removed, memory_order_relaxed))
				return l;
		}
		if (synq_listener_better(l, best))
			best = l;
	}
	return best;
}

/** synq_listener_ports.at[]: a port more than one listener may take (a scan decides). */
#define SYNQ_LISTENER_PORT_SEVERAL UINT8_MAX

_Static_assert(SYNQ_MAX_LISTENERS < SYNQ_LISTENER_PORT_SEVERAL,
	"a listener's index + 1 fits a byte of synq_listener_ports.at[] beside SEVERAL");

/**
 * A worker's index of the listeners by port, for IPv4 segments (issue 14): a port's
 * one IPv4 listener (every config's case) without a scan of the slots. Each worker
 * builds its own (synq_listener_ports_build()) when it first sees a number of
 * listeners, at start and after a reload publishes one more: a listener's family,
 * address and port never change in its slot, and slots are only appended (a removed
 * listener drains in its slot; a re-added one takes the same slot back), so the
 * index of nb listeners holds until ls->nb moves. Zeroed, it is that of no listener.
 */
struct synq_listener_ports {
	unsigned int nb; /* the ls->nb it was built for */
	/* by at[]'s value: NULL (0, SEVERAL) or &ls->l[i] (i + 1), no multiply a lookup */
	struct synq_listener *l[SYNQ_LISTENER_PORT_SEVERAL + 1];
	/* by port in network order: 0 none, i + 1 listener i alone, SEVERAL */
	uint8_t at[UINT16_MAX + 1];
};

/**
 * Build @p pi for the first @p nb listeners of @p ls (read after an acquire load of
 * ls->nb, as the lookups read them). The owning worker; once per change of ls->nb.
 */
void synq_listener_ports_build(
	struct synq_listener_ports *pi, struct synq_listeners *ls, unsigned int nb);

/**
 * synq_listener_lookup4() through the worker's index @p pi, and the listener's index
 * in *@p li: a port's one listener is the answer when its address matches, and is
 * the scan's answer then too (a single match is returned removed or not); a port of
 * several is scanned. The owning worker of @p pi.
 */
static inline struct synq_listener *
synq_listener_lookup4_ports(struct synq_listeners *ls, struct synq_listener_ports *pi,
	uint32_t daddr, uint16_t dport_be, unsigned int *li)
{
	unsigned int nb = synq_listeners_nb(ls);
	struct synq_listener *l;
	unsigned int i;
	uint32_t a;

	if (__builtin_expect(nb != pi->nb, 0))
		synq_listener_ports_build(pi, ls, nb);
	i = pi->at[dport_be];
	l = pi->l[i];
	if (l == NULL) {
		if (__builtin_expect(i != SYNQ_LISTENER_PORT_SEVERAL, 1))
			return NULL;
		l = synq_listener_lookup4(ls, daddr, dport_be);
		if (l != NULL)
			*li = synq_listener_index(ls, l);
		return l;
	}
	*li = i - 1;
	if (l->any)
		return l;
	memcpy(&a, l->addr, sizeof(a));
	return a == daddr ? l : NULL;
}

/**
 * Connections a worker may carry at once for @p l: its max_flows, twice for a proxy
 * listener (issue 13), whose every client connection brings one synq opens to a
 * backend under the same listener's settings, and with health checks one more per
 * backend (at most one check of each in flight): a client that holds all of its
 * max_flows with a backend connection each still leaves the checks their slots, so
 * that it cannot fail them (a backend down for everyone). On the worker that carries
 * other workers' backend connections (lib/app/proxy_worker.c) those can take the
 * checks' slots too: a check then finds the table full, which is no result (the
 * backend's state held, docs/security.md). Any lcore.
 */
static inline uint32_t
synq_listener_flows(const struct synq_listener *l)
{
	if (l->app != SYNQ_APP_PROXY)
		return l->tcp.max_flows;
	return 2 * l->tcp.max_flows +
	       (l->conf->proxy.health_check ? l->conf->proxy.nb_backends : 0);
}

/** Listeners as the stats document shows them: address, port, recv_q, send_q. */
json_t *synq_listeners_json(const struct synq_listeners *ls);

#endif /* SYNQ_LISTENER_H */
