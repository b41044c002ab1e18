/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live reload and cookie secret rotation (issue 15), HAProxy's and nginx's reload
 * without their second process: no connection is dropped because nothing that holds
 * one is rebuilt.
 *
 * Who does what. SIGHUP's handler only sets a flag; a telemetry handler (DPDK's
 * telemetry thread) posts its request in a slot and waits, bounded, for the reply.
 * The main lcore takes both at its control duty (control_tick()), and does the work:
 * it reads the file again, validates it whole (synq_config_load()), compares it with
 * the config in force (synq_config_reload_diff(): what cannot change live is
 * refused), checks that what it adds fits in what was sized at start, and only then
 * changes anything. Listeners are shared by every lcore and change by single word
 * stores (lib/listener: removed, backlog, syncookies, abort_on_overflow; an added
 * one is published by a release store of their count). The cookie secret is each
 * worker's own (struct synq_cookie_ctx, no locks): the main lcore writes the new one
 * in rt->secret_next, then moves rt->secret_gen on (release); each worker sees the
 * generation move in its loop, between bursts (one relaxed load a pass), rotates its
 * own context and says so in its own secret_gen. A next rotation is published only
 * once every worker took the last, so secret_next is never rewritten while a worker
 * may read it.
 *
 * The request slot and the signal flag are static: a telemetry handler that waits
 * while synq stops touches nothing synq_runtime_free() frees.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "synq_cookie.h"
#include "synq_worker.h"
#include "worker_priv.h"

#define RTE_LOGTYPE_SYNQ_RELOAD RTE_LOGTYPE_USER2

/* How long a telemetry request waits for the main lcore, and for the workers' rotation. */
#define REQUEST_WAIT_MS 5000
#define ROTATION_WAIT_MS 1000
#define MESSAGE_LEN 384

enum request_kind { REQ_NONE, REQ_RELOAD, REQ_ROTATE };

/* The one request in flight and its reply; telemetry requests take turns (lock). */
static struct {
	pthread_mutex_t lock; /* one telemetry request at a time */
	/*
	 * the request: its number << 2 | its kind, posted (release) by the handler, taken
	 * (exchanged for 0) by the main lcore; done: the number of the request whose reply
	 * is there (release). A handler that gave up waiting never takes a later one's
	 * reply for its own, nor a later one its.
	 */
	atomic_uint ask;
	atomic_uint done;
	unsigned int asked;   /* the number of the last request (handlers, under lock) */
	unsigned int serving; /* the number of the request the main lcore serves */
	atomic_bool sighup;   /* SIGHUP: a reload, its reply logged only */
	/* the reply: written by the main lcore before done, read by the handler after */
	bool ok;
	char message[MESSAGE_LEN];
	unsigned int added, removed, retuned;
	uint32_t generation;
	/* a rotation waits for the workers before its reply: the main lcore's own state */
	bool rotation_pending;
	bool reply_pending;
} req = {.lock = PTHREAD_MUTEX_INITIALIZER};

void
synq_runtime_reload_signal(void)
{
	atomic_store_explicit(&req.sighup, true, memory_order_relaxed);
}

/* The reply's message, also logged: on stderr, where SIGHUP's reply goes. */
static void say(bool ok, const char *fmt, ...) __rte_format_printf(2, 3);

static void
say(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req.message, sizeof(req.message), fmt, ap);
	va_end(ap);
	req.ok = ok;
	fprintf(stderr, "synq: %s\n", req.message);
}

/* The wall-clock time (UTC) cookie window @p w starts, for the messages. */
static void
window_time(uint32_t w, char *buf, size_t len)
{
	time_t t = (time_t)w * SYNQ_COOKIE_WINDOW_S;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S UTC", &tm);
}

/* Whether every worker took generation @p gen; else the first that did not, in @p lag. */
static bool
workers_have(const struct synq_runtime *rt, uint32_t gen, unsigned int *lag)
{
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		const struct synq_worker *w = rt->lcore[l];

		if (w == NULL || w->tcp == NULL)
			continue;
		if (atomic_load_explicit(&w->secret_gen, memory_order_acquire) != gen) {
			*lag = l;
			return false;
		}
	}
	return true;
}

/*
 * Publish @p secret to the workers as the next generation. Refused while a worker has
 * not taken the last one (its secret_next may still be read).
 */
static int
publish_secret(struct synq_runtime *rt, const uint8_t *secret)
{
	uint32_t gen = atomic_load_explicit(&rt->secret_gen, memory_order_relaxed);
	unsigned int lag;

	if (!workers_have(rt, gen, &lag)) {
		say(false, "cookie secret not rotated: lcore %u has not taken generation %u yet",
			lag, gen);
		return -EBUSY;
	}
	memcpy(rt->secret_next, secret, sizeof(rt->secret_next));
	memcpy(rt->cookie_secret, secret, sizeof(rt->cookie_secret));
	atomic_store_explicit(&rt->secret_gen, gen + 1, memory_order_release);
	rt->secret_due_tsc = rte_rdtsc() + rte_get_tsc_hz() * ROTATION_WAIT_MS / 1000;
	req.generation = gen + 1;
	req.rotation_pending = true;
	synq_counter_inc(rt->control_ctr, SYNQ_CTR_SECRET_ROTATIONS);
	return 0;
}

void
worker_secret_take(struct synq_worker *w)
{
	struct synq_runtime *rt = w->rt;
	uint32_t gen = atomic_load_explicit(&rt->secret_gen, memory_order_acquire);

	if (w->tcp != NULL)
		synq_tcp_worker_rotate_secret(w->tcp, rt->secret_next);
	atomic_store_explicit(&w->secret_gen, gen, memory_order_release);
}

/* The sessions every listener slot may hold (removed ones drain in theirs). */
static uint64_t
sessions_needed(const struct synq_listeners *ls)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < ls->nb; i++)
		n += ls->l[i].backlog + 1 +
		     (uint64_t)ls->nb_workers * synq_listener_flows(&ls->l[i]);
	return n;
}

/* A draining slot of the same address and port as @p cl, or -1. */
static int
draining_slot(const struct synq_runtime *rt, const struct synq_config_listener *cl)
{
	const struct synq_listeners *ls = &rt->listeners;

	for (unsigned int i = 0; i < ls->nb; i++) {
		const struct synq_listener *l = &ls->l[i];

		if (atomic_load_explicit(&l->removed, memory_order_relaxed) &&
			l->family == cl->family && l->any == cl->any &&
			rte_be_to_cpu_16(l->port_be) == cl->port &&
			(cl->any || memcmp(l->addr, cl->addr, sizeof(l->addr)) == 0))
			return (int)i;
	}
	return -1;
}

/*
 * Whether the reload to @p nc fits in what synq made at start: a slot for each added
 * listener (a draining one of the same address and port taken back, if its settings
 * are the same), each retuned backlog within its accept ring, and the session pool
 * for every slot. Nothing changes here. @p slot_of gets each new listener's slot (-1:
 * a new slot).
 */
static int
reload_fits(struct synq_runtime *rt, const struct synq_config *nc, const struct synq_config_diff *d,
	int *slot_of, char *err, size_t errlen)
{
	struct synq_listeners *ls = &rt->listeners;
	unsigned int fresh = 0;
	uint64_t need = sessions_needed(ls);

	for (unsigned int n = 0; n < nc->nb_listeners; n++) {
		const struct synq_config_listener *cl = &nc->listeners[n];
		const struct synq_listener *l;
		int s = d->from_old[n] >= 0 ? rt->live_slot[d->from_old[n]] : draining_slot(rt, cl);

		slot_of[n] = s;
		if (s < 0) {
			fresh++;
			need += cl->backlog + 1 + (uint64_t)ls->nb_workers * cl->tcp.max_flows;
			continue;
		}
		l = &ls->l[s];
		if (d->from_old[n] < 0 && synq_config_listener_fixed_diff(l->conf, cl) != NULL) {
			snprintf(err, errlen,
				"listeners[%u] was removed and still drains its "
				"connections with other settings (%s): add it as it was, or "
				"restart",
				n, synq_config_listener_fixed_diff(l->conf, cl));
			return -EBUSY;
		}
		if (cl->backlog > synq_listener_backlog_max(l)) {
			snprintf(err, errlen,
				"listeners[%u].backlog %u is more than the %u its "
				"accept ring was made for at start: a restart is needed",
				n, cl->backlog, synq_listener_backlog_max(l));
			return -ENOSPC;
		}
		need += cl->backlog > l->backlog ? cl->backlog - l->backlog : 0;
	}
	if (ls->nb + fresh > SYNQ_MAX_LISTENERS) {
		snprintf(err, errlen,
			"no free listener slot for %u more (%u, removed listeners "
			"that drain included): a restart is needed",
			fresh, SYNQ_MAX_LISTENERS);
		return -ENOSPC;
	}
	if (need > rt->sessions.nb) {
		snprintf(err, errlen,
			"the listeners would need %" PRIu64 " sessions, the pool "
			"made at start holds %u: a restart is needed",
			need, rt->sessions.nb);
		return -ENOSPC;
	}
	return 0;
}

/* The listeners this reload added before @p n, removed again: a failed reload's. */
static void
unadd(struct synq_runtime *rt, const int *slot_of, const uint8_t *slots, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		if (slot_of[k] < 0)
			atomic_store_explicit(
				&rt->listeners.l[slots[k]].removed, true, memory_order_relaxed);
}

/*
 * Apply the checked reload to @p nc: additions, then removals and retunes. An addition
 * is the one step that can fail (memory), so it comes first: on a failure, those this
 * reload added are removed again (they drain in their slots, as any removed listener,
 * and the same ones added later take them back) and nothing else changed, so the
 * config in force still describes every live listener. Applied in the other order, a
 * failure left listeners removed that rt->live still listed and added ones it did not
 * (live forever: no reload could remove them).
 */
static int
reload_apply(struct synq_runtime *rt, const struct synq_config *nc,
	const struct synq_config_diff *d, const int *slot_of, char *err, size_t errlen)
{
	struct synq_listeners *ls = &rt->listeners;
	uint8_t slots[SYNQ_MAX_LISTENERS];

	for (unsigned int n = 0; n < nc->nb_listeners; n++) {
		struct synq_config_listener *copy;
		int s;

		if (slot_of[n] >= 0)
			continue;
		copy = malloc(sizeof(*copy));
		if (copy == NULL) {
			unadd(rt, slot_of, slots, n);
			snprintf(err, errlen, "listeners[%u]: no memory for its settings", n);
			return -ENOMEM;
		}
		memcpy(copy, &nc->listeners[n], sizeof(*copy));
		s = synq_listener_add(ls, copy, SOCKET_ID_ANY, err, errlen);
		if (s < 0) {
			free(copy);
			unadd(rt, slot_of, slots, n);
			return s;
		}
		rt->slot_conf[s] = copy;
		slots[n] = (uint8_t)s;
	}
	for (unsigned int o = 0; o < rt->live->nb_listeners; o++)
		if (d->removed_old[o])
			atomic_store_explicit(
				&ls->l[rt->live_slot[o]].removed, true, memory_order_relaxed);
	for (unsigned int n = 0; n < nc->nb_listeners; n++) {
		int s = slot_of[n];

		if (s < 0)
			continue;
		/* kept or taken back: checked to fit (reload_fits()), cannot fail */
		if (synq_listener_retune(&ls->l[s], &nc->listeners[n], err, errlen) != 0)
			return -EIO;
		slots[n] = (uint8_t)s;
	}
	memcpy(rt->live_slot, slots, sizeof(slots));
	return 0;
}

/* A reload: the file read again, checked whole, applied. The reply in req. */
static void
do_reload(struct synq_runtime *rt)
{
	struct synq_config *nc;
	struct synq_config_diff d;
	int slot_of[SYNQ_MAX_LISTENERS];
	char err[SYNQ_CONFIG_ERR_LEN], when[32];
	int rc;

	req.added = req.removed = req.retuned = 0;
	req.generation = atomic_load_explicit(&rt->secret_gen, memory_order_relaxed);
	if (rt->config_path == NULL) {
		synq_counter_inc(rt->control_ctr, SYNQ_CTR_RELOADS_REFUSED);
		say(false, "reload refused: synq runs the built-in config (no --config), "
			   "nothing to read again");
		return;
	}
	nc = calloc(1, sizeof(*nc));
	if (nc == NULL) {
		synq_counter_inc(rt->control_ctr, SYNQ_CTR_RELOADS_REFUSED);
		say(false, "reload refused: no memory for the config");
		return;
	}
	rc = synq_config_load(rt->config_path, nc, err, sizeof(err));
	if (rc == 0) {
		/* stats: read at start only, and the command line may override them */
		nc->stats_interval_ms = rt->live->stats_interval_ms;
		memcpy(nc->stats_file, rt->live->stats_file, sizeof(nc->stats_file));
		rc = synq_config_reload_diff(rt->live, nc, &d, err, sizeof(err));
	}
	if (rc == 0)
		rc = reload_fits(rt, nc, &d, slot_of, err, sizeof(err));
	/* against the secret in use: a rotation since the start may have set it already */
	d.secret_changed =
		rc == 0 && nc->cookie_secret_set &&
		memcmp(nc->cookie_secret, rt->cookie_secret, sizeof(rt->cookie_secret)) != 0;
	if (rc == 0)
		rc = reload_apply(rt, nc, &d, slot_of, err, sizeof(err));
	if (rc != 0) {
		free(nc);
		synq_counter_inc(rt->control_ctr, SYNQ_CTR_RELOADS_REFUSED);
		say(false, "reload refused, nothing changed: %s", err);
		return;
	}
	free(rt->live);
	rt->live = nc;
	req.added = d.added;
	req.removed = d.removed;
	req.retuned = d.nb_retuned;
	synq_counter_inc(rt->control_ctr, SYNQ_CTR_RELOADS);
	if (d.secret_changed && publish_secret(rt, nc->cookie_secret) == 0) {
		window_time(synq_cookie_window((uint64_t)time(NULL)) + 1, when, sizeof(when));
		say(true,
			"reloaded %s: %u added, %u removed, %u retuned; cookie secret "
			"generation %u, in force from %s",
			rt->config_path, d.added, d.removed, d.nb_retuned, req.generation, when);
		return;
	}
	if (!d.secret_changed) {
		say(true, "reloaded %s: %u added, %u removed, %u retuned", rt->config_path, d.added,
			d.removed, d.nb_retuned);
		return;
	}
	/* the rotation refused (a worker late), the rest done: both said, not ok */
	snprintf(err, sizeof(err), "%s", req.message);
	say(false, "reloaded %s: %u added, %u removed, %u retuned; but %s", rt->config_path,
		d.added, d.removed, d.nb_retuned, err);
}

/* A rotation: tcp.cookie_secret_file read again (a random secret without one). */
static void
do_rotate(struct synq_runtime *rt)
{
	uint8_t secret[SYNQ_COOKIE_SECRET_LEN];
	const char *file = rt->live->cookie_secret_file;
	char when[32];
	int rc;

	req.generation = atomic_load_explicit(&rt->secret_gen, memory_order_relaxed);
	if (file[0] == '\0' && rt->live->cookie_secret_set) {
		say(false, "secret not rotated: tcp.cookie_secret is in the config itself; "
			   "change it there and reload (nodes behind ECMP share it)");
		return;
	}
	if (file[0] != '\0') {
		rc = synq_config_read_secret(file, secret);
		if (rc != 0) {
			say(false, "secret not rotated: tcp.cookie_secret_file %s: %s", file,
				rc == -EINVAL ? "does not hold 32 hex digits" : strerror(-rc));
			return;
		}
		if (memcmp(secret, rt->cookie_secret, sizeof(secret)) == 0) {
			say(true, "secret not rotated: %s holds the secret in use (generation %u)",
				file, req.generation);
			return;
		}
	} else if (getrandom(secret, sizeof(secret), 0) != (ssize_t)sizeof(secret)) {
		say(false, "secret not rotated: no random secret drawn: %s", strerror(errno));
		return;
	}
	if (publish_secret(rt, secret) != 0)
		return;
	window_time(synq_cookie_window((uint64_t)time(NULL)) + 1, when, sizeof(when));
	say(true, "cookie secret generation %u%s, in force from %s", req.generation,
		file[0] != '\0' ? " read from tcp.cookie_secret_file"
				: " drawn at random (no tcp.cookie_secret_file: this node only)",
		when);
	memset(secret, 0, sizeof(secret));
}

/* A rotation published: done once every worker took it, or said late after a second. */
static bool
rotation_settled(struct synq_runtime *rt)
{
	uint32_t gen = atomic_load_explicit(&rt->secret_gen, memory_order_relaxed);
	unsigned int lag;
	size_t len;

	if (workers_have(rt, gen, &lag))
		return true;
	if (rte_rdtsc() < rt->secret_due_tsc)
		return false;
	len = strlen(req.message);
	snprintf(req.message + len, sizeof(req.message) - len, " (lcore %u has not taken it yet)",
		lag);
	fprintf(stderr, "synq: lcore %u has not taken cookie secret generation %u after %u ms\n",
		lag, gen, ROTATION_WAIT_MS);
	return true;
}

void
worker_reload_control(struct synq_runtime *rt)
{
	unsigned int ask;
	int kind;

	if (rt->live == NULL)
		return;
	if (req.rotation_pending) {
		if (!rotation_settled(rt))
			return;
		req.rotation_pending = false;
		if (req.reply_pending) {
			req.reply_pending = false;
			atomic_store_explicit(&req.done, req.serving, memory_order_release);
		}
	}
	ask = atomic_exchange_explicit(&req.ask, 0, memory_order_acquire);
	if (ask != 0) {
		kind = (int)(ask & 3);
		req.serving = ask >> 2;
		if (kind == REQ_RELOAD)
			do_reload(rt);
		else
			do_rotate(rt);
		if (req.rotation_pending)
			req.reply_pending = true; /* the reply once the workers took it */
		else
			atomic_store_explicit(&req.done, req.serving, memory_order_release);
		return;
	}
	/*
	 * SIGHUP: a reload whose reply is only logged. Not while a telemetry request holds
	 * the slot (it reads the reply the reload would overwrite): the flag waits.
	 */
	if (atomic_load_explicit(&req.sighup, memory_order_relaxed) &&
		pthread_mutex_trylock(&req.lock) == 0) {
		atomic_store_explicit(&req.sighup, false, memory_order_relaxed);
		do_reload(rt);
		pthread_mutex_unlock(&req.lock);
	}
}

/* A telemetry request: posted, waited for (bounded), its reply as JSON. */
static json_t *
request(int kind)
{
	json_t *o = json_object();
	uint64_t waited_ms = 0;
	const struct timespec nap = {.tv_nsec = 1000 * 1000};
	unsigned int seq, ask;
	bool done;

	if (o == NULL)
		return NULL;
	pthread_mutex_lock(&req.lock);
	seq = ++req.asked & (UINT_MAX >> 2);
	if (seq == 0)
		seq = req.asked = 1;
	ask = seq << 2 | (unsigned int)kind;
	atomic_store_explicit(&req.ask, ask, memory_order_release);
	while (!(done = atomic_load_explicit(&req.done, memory_order_acquire) == seq) &&
		waited_ms < REQUEST_WAIT_MS && !synq_runtime_stopping()) {
		nanosleep(&nap, NULL);
		waited_ms++;
	}
	if (!done) {
		/* taken back if still there; if the main lcore took it, it is done unanswered */
		atomic_compare_exchange_strong(&req.ask, &ask, 0);
		json_object_set_new(o, "ok", json_integer(0));
		json_object_set_new(o, "message",
			json_string(synq_runtime_stopping()
					    ? "synq is stopping"
					    : "the main lcore did not answer in 5 s"));
	} else {
		json_object_set_new(o, "ok", json_integer(req.ok));
		json_object_set_new(o, "message", json_string(req.message));
		if (kind == REQ_RELOAD) {
			json_object_set_new(o, "added", json_integer(req.added));
			json_object_set_new(o, "removed", json_integer(req.removed));
			json_object_set_new(o, "retuned", json_integer(req.retuned));
		}
		json_object_set_new(o, "generation", json_integer(req.generation));
	}
	pthread_mutex_unlock(&req.lock);
	return o;
}

static json_t *
tel_reload(void)
{
	return request(REQ_RELOAD);
}

static json_t *
tel_rotate(void)
{
	return request(REQ_ROTATE);
}

int
synq_runtime_reload_init(struct synq_runtime *rt, const char *config_path)
{
	unsigned int main_id = rte_get_main_lcore();

	rt->config_path = config_path;
	rt->live = malloc(sizeof(*rt->live));
	if (rt->live == NULL)
		return -ENOMEM;
	memcpy(rt->live, rt->cfg, sizeof(*rt->live));
	for (unsigned int i = 0; i < SYNQ_MAX_LISTENERS; i++)
		rt->live_slot[i] = (uint8_t)i;
	/* the main lcore counts them: in its own counters, or ones made for it */
	if (rt->lcore[main_id] != NULL) {
		rt->control_ctr = rt->lcore[main_id]->ctr;
	} else {
		rt->own_ctr =
			rte_zmalloc("synq_counters", sizeof(*rt->own_ctr), RTE_CACHE_LINE_SIZE);
		if (rt->own_ctr == NULL ||
			synq_stats_lcore_register(main_id, rt->own_ctr, "control") != 0)
			return -ENOMEM;
		rt->control_ctr = rt->own_ctr;
	}
	synq_stats_set_control(tel_reload, tel_rotate);
	return 0;
}

void
worker_reload_free(struct synq_runtime *rt)
{
	synq_stats_set_control(NULL, NULL);
	free(rt->live);
	rt->live = NULL;
	for (unsigned int i = 0; i < SYNQ_MAX_LISTENERS; i++) {
		free(rt->slot_conf[i]);
		rt->slot_conf[i] = NULL;
	}
	rte_free(rt->own_ctr);
	rt->own_ctr = NULL;
}
