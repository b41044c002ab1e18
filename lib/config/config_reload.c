/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a reload changes (issue 15): the difference between the config synq runs and
 * the one it read again, and the refusal of every change that cannot be made live.
 *
 * The rule is HAProxy's and nginx's (a reload never drops a connection), within what
 * synq sizes at start. Ports, lcores, the pools, the routes and every knob a table,
 * a ring or a pool was sized with stay as they were made; the listeners are matched
 * by address and port and each one is kept, retuned, added or removed. A listener's
 * retunable knobs are those each SYN or final ACK reads again (backlog, syncookies,
 * abort_on_overflow); the rest of its settings were copied into its connections or
 * sized its worker's tables, and change only with a restart.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "synq_config.h"

/* One refusal: "<what> cannot change without a restart". */
static int
refuse(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s cannot change without a restart", what);
	return -EPERM;
}

/* The knobs outside the listeners that nothing reads again after start. */
static int
whole_config(const struct synq_config *a, const struct synq_config *b, char *err, size_t errlen)
{
	if (a->nb_ports != b->nb_ports || memcmp(a->ports, b->ports, sizeof(a->ports)) != 0)
		return refuse(err, errlen, "ports");
	if (a->nb_lcores != b->nb_lcores || memcmp(a->lcores, b->lcores, sizeof(a->lcores)) != 0)
		return refuse(err, errlen, "lcores");
	if (a->mbufs != b->mbufs || a->mbuf_cache != b->mbuf_cache)
		return refuse(err, errlen, "mempool (mbufs, mbuf_cache)");
	if (a->conn_share != b->conn_share)
		return refuse(err, errlen, "mempool.conn_share");
	if (a->nb_routes != b->nb_routes || memcmp(a->routes, b->routes, sizeof(a->routes)) != 0)
		return refuse(err, errlen, "routes");
	if (a->stats_interval_ms != b->stats_interval_ms ||
		strcmp(a->stats_file, b->stats_file) != 0)
		return refuse(err, errlen, "stats");
	if (a->icmp_echo_per_s != b->icmp_echo_per_s || a->icmp_echo_burst != b->icmp_echo_burst)
		return refuse(err, errlen, "icmp");
	if (a->http_head_buffers != b->http_head_buffers)
		return refuse(err, errlen, "http.head_buffers");
	if (a->reorder_permille != b->reorder_permille)
		return refuse(err, errlen, "test.reorder_permille");
	/* the "tcp" knobs no listener overrides: each worker's, set at start */
	if (a->tcp.challenge_ack_limit != b->tcp.challenge_ack_limit)
		return refuse(err, errlen, "tcp.challenge_ack_limit");
	if (a->tcp.local_port_lo != b->tcp.local_port_lo ||
		a->tcp.local_port_hi != b->tcp.local_port_hi || a->tcp.tw_reuse != b->tcp.tw_reuse)
		return refuse(err, errlen, "tcp.local_ports and tcp.tw_reuse");
	return 0;
}

/* The same listener: its family, address and port. */
static bool
same_key(const struct synq_config_listener *a, const struct synq_config_listener *b)
{
	return a->family == b->family && a->any == b->any && a->port == b->port &&
	       (a->any || memcmp(a->addr, b->addr, sizeof(a->addr)) == 0);
}

/* @p l with its retunable knobs cleared, for the comparison of the rest. */
static void
fixed_part(const struct synq_config_listener *l, struct synq_config_listener *out)
{
	memcpy(out, l, sizeof(*out));
	out->backlog = 0;
	out->backlog_asked = 0;
	out->tcp.syncookies = SYNQ_SYNCOOKIES_NEVER;
	/* what it changes is the backlog, which retunes */
	out->tcp.somaxconn = 0;
	out->tcp.abort_on_overflow = 0;
}

const char *
synq_config_listener_fixed_diff(
	const struct synq_config_listener *a, const struct synq_config_listener *b)
{
	struct synq_config_listener fa, fb;

	fixed_part(a, &fa);
	fixed_part(b, &fb);
	if (fa.app != fb.app)
		return "app";
	if (strcmp(fa.http_body, fb.http_body) != 0)
		return "http_body";
	if (fa.http_head_timeout_ms != fb.http_head_timeout_ms)
		return "http_head_timeout_ms";
	if (fa.max_conns_per_source != fb.max_conns_per_source ||
		fa.max_conns_per_prefix != fb.max_conns_per_prefix)
		return "max_conns_per_source and max_conns_per_prefix";
	if (memcmp(&fa.proxy, &fb.proxy, sizeof(fa.proxy)) != 0)
		return "backends and the proxy's settings";
	if (fa.tcp.queue_model != fb.tcp.queue_model)
		return "queue_model";
	if (fa.tcp.max_syn_backlog != fb.tcp.max_syn_backlog)
		return "max_syn_backlog";
	if (memcmp(&fa.tcp, &fb.tcp, sizeof(fa.tcp)) != 0)
		return "tcp (but syncookies and abort_on_overflow)";
	if (fa.nb_allow != fb.nb_allow || memcmp(fa.allow, fb.allow, sizeof(fa.allow)) != 0)
		return "allow";
	/* what the cases above do not name (the structs were copied whole, padding too) */
	if (memcmp(&fa, &fb, sizeof(fa)) != 0)
		return "settings";
	return NULL;
}

/* Whether a listener can be added live: what its app and limits need was sized at start. */
static const char *
listener_addable(const struct synq_config_listener *l)
{
	if (l->app == SYNQ_APP_HTTP || l->app == SYNQ_APP_PROXY || l->app == SYNQ_APP_METRICS)
		return "app (http, proxy and metrics make their state at start)";
	if (l->max_conns_per_source != 0 || l->max_conns_per_prefix != 0)
		return "max_conns_per_source and max_conns_per_prefix (the table is sized at "
		       "start)";
	return NULL;
}

int
synq_config_reload_diff(const struct synq_config *old, const struct synq_config *new,
	struct synq_config_diff *d, char *err, size_t errlen)
{
	bool taken[SYNQ_MAX_LISTENERS] = {false};
	char what[192];
	int rc;

	memset(d, 0, sizeof(*d));
	rc = whole_config(old, new, err, errlen);
	if (rc != 0)
		return rc;
	for (unsigned int n = 0; n < new->nb_listeners; n++) {
		const struct synq_config_listener *nl = &new->listeners[n];
		const char *why;

		d->from_old[n] = -1;
		for (unsigned int o = 0; o < old->nb_listeners && d->from_old[n] < 0; o++)
			if (!taken[o] && same_key(&old->listeners[o], nl)) {
				taken[o] = true;
				d->from_old[n] = (int)o;
			}
		if (d->from_old[n] < 0) {
			why = listener_addable(nl);
			if (why != NULL) {
				snprintf(what, sizeof(what), "listeners[%u] (added): %s", n, why);
				return refuse(err, errlen, what);
			}
			d->added++;
			continue;
		}
		why = synq_config_listener_fixed_diff(&old->listeners[d->from_old[n]], nl);
		if (why != NULL) {
			snprintf(what, sizeof(what), "listeners[%u].%s", n, why);
			return refuse(err, errlen, what);
		}
		d->retuned[n] =
			old->listeners[d->from_old[n]].backlog != nl->backlog ||
			old->listeners[d->from_old[n]].tcp.syncookies != nl->tcp.syncookies ||
			old->listeners[d->from_old[n]].tcp.abort_on_overflow !=
				nl->tcp.abort_on_overflow;
		d->nb_retuned += d->retuned[n];
	}
	for (unsigned int o = 0; o < old->nb_listeners; o++) {
		d->removed_old[o] = !taken[o];
		d->removed += !taken[o];
	}
	d->secret_changed =
		new->cookie_secret_set &&
		(!old->cookie_secret_set || memcmp(old->cookie_secret, new->cookie_secret,
						    sizeof(old->cookie_secret)) != 0);
	return 0;
}
