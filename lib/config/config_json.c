/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct synq_config -> JSON: the effective configuration, every default filled in, as
 * --dump-config prints it. It uses the file's own keys and forms, so the dump parses
 * back into the same struct (tests/unit/test_config.c checks it), the cookie secret
 * excepted: it is shown as SYNQ_COOKIE_SECRET_SHOWN, never itself.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "synq_config.h"

/*
 * An address of @p family (4: the first 4 bytes) with "/len" unless @p plen is the
 * family's full length: a bare address is a host address, as the file says it.
 */
static json_t *
prefix_json(uint8_t family, const void *addr, unsigned int plen)
{
	char buf[INET6_ADDRSTRLEN + 4];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, INET6_ADDRSTRLEN);
	if (plen != (family == 4 ? 32u : 128u))
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u", plen);
	return json_string(buf);
}

/* issue 13, routes: each with the port its next hop is on, named */
static json_t *
routes_json(const struct synq_config *cfg)
{
	json_t *a = json_array();
	char buf[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < cfg->nb_routes; i++) {
		const struct synq_config_route *r = &cfg->routes[i];
		char pfx[INET6_ADDRSTRLEN + 4];

		inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->prefix, pfx, INET6_ADDRSTRLEN);
		snprintf(pfx + strlen(pfx), sizeof(pfx) - strlen(pfx), "/%u", r->plen);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "prefix", pfx, "via",
			inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->via, buf, sizeof(buf)),
			"port", cfg->ports[r->port].name));
	}
	return a;
}

/* issue 13, proxy: a proxy listener's keys, into its object @p o */
/* A listener's "allow" prefixes, as the config file gives them. */
static json_t *
allow_json(const struct synq_config_listener *l)
{
	json_t *allow = json_array();

	for (unsigned int k = 0; k < l->nb_allow; k++) {
		char buf[INET6_ADDRSTRLEN], px[INET6_ADDRSTRLEN + 4];

		inet_ntop(l->allow[k].family == 4 ? AF_INET : AF_INET6, l->allow[k].addr, buf,
			sizeof(buf));
		snprintf(px, sizeof(px), "%s/%u", buf, l->allow[k].plen);
		json_array_append_new(allow, json_string(px));
	}
	return allow;
}

static void
proxy_json(json_t *o, const struct synq_config_proxy *px)
{
	json_t *a = json_array();
	char buf[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < px->nb_backends; i++) {
		const struct synq_config_backend *b = &px->backends[i];

		json_array_append_new(a, json_pack("{s:s, s:i, s:i}", "address",
			inet_ntop(b->family == 4 ? AF_INET : AF_INET6, b->addr, buf, sizeof(buf)),
			"port", (int)b->port, "weight", (int)b->weight));
	}
	json_object_set_new(o, "backends", a);
	json_object_set_new(o, "balance", json_string(synq_balance_name(px->balance)));
	json_object_set_new(o, "proxy_protocol", json_integer(px->proxy_protocol));
	json_object_set_new(o, "connect_timeout_ms", json_integer(px->connect_timeout_ms));
	json_object_set_new(o, "health_check", json_pack("{s:I, s:I, s:i, s:i}", "interval_ms",
		(json_int_t)px->check_interval_ms, "timeout_ms", (json_int_t)px->check_timeout_ms,
		"rise", (int)px->check_rise, "fall", (int)px->check_fall));
}

/* The knobs; with @p cfg, the global ones too (somaxconn, the secret). */
static json_t *
tcp_json(const struct synq_config_tcp *t, const struct synq_config *cfg)
{
	json_t *o = json_object();

	json_object_set_new(o, "syncookies", json_integer(t->syncookies));
	json_object_set_new(o, "max_syn_backlog", json_integer(t->max_syn_backlog));
	json_object_set_new(o, "abort_on_overflow", json_integer(t->abort_on_overflow));
	json_object_set_new(o, "synack_retries", json_integer(t->synack_retries));
	json_object_set_new(o, "syn_retries", json_integer(t->syn_retries));
	json_object_set_new(o, "queue_model", json_string(synq_queue_model_name(t->queue_model)));
	json_object_set_new(o, "window_scale", json_integer(t->window_scale));
	json_object_set_new(o, "max_flows", json_integer(t->max_flows));
	json_object_set_new(o, "rcv_buf", json_integer(t->rcv_buf));
	json_object_set_new(o, "snd_buf", json_integer(t->snd_buf));
	json_object_set_new(o, "idle_timeout_ms", json_integer(t->idle_timeout_ms));
	json_object_set_new(o, "first_byte_timeout_ms", json_integer(t->first_byte_timeout_ms));
	json_object_set_new(o, "fin_timeout_ms", json_integer(t->fin_timeout_ms));
	json_object_set_new(o, "max_orphans", json_integer(t->max_orphans));
	json_object_set_new(o, "orphan_timeout_ms", json_integer(t->orphan_timeout_ms));
	json_object_set_new(o, "unaccepted_mem", json_integer(t->unaccepted_mem));
	if (cfg != NULL) {
		json_object_set_new(o, "somaxconn", json_integer(t->somaxconn));
		json_object_set_new(o, "challenge_ack_limit", json_integer(t->challenge_ack_limit));
		json_object_set_new(o, "local_ports", json_sprintf("%u-%u",
			(unsigned int)t->local_port_lo, (unsigned int)t->local_port_hi));
		json_object_set_new(o, "tw_reuse", json_boolean(t->tw_reuse));
		/*
		 * The secret is never shown: the dump goes to terminals, logs and bug
		 * reports, and whoever reads it could forge cookies (docs/syncookies.md).
		 * The placeholder does not parse back as a secret: the parser says so.
		 */
		json_object_set_new(o, "cookie_secret", cfg->cookie_secret_set
				? json_string(SYNQ_COOKIE_SECRET_SHOWN) : json_null());
	}
	return o;
}

json_t *
synq_config_to_json(const struct synq_config *cfg)
{
	json_t *root = json_object();
	json_t *ports = json_array();
	json_t *lcores = json_array();
	json_t *listeners = json_array();
	char buf[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < cfg->nb_ports; i++) {
		const struct synq_config_port *cp = &cfg->ports[i];
		json_t *o = json_object();
		json_t *v4 = json_array();
		json_t *v6 = json_array();

		json_object_set_new(o, "name", json_string(cp->name));
		if (cp->mac_set) {
			rte_ether_format_addr(buf, sizeof(buf), &cp->mac);
			json_object_set_new(o, "mac", json_string(buf));
		} else {
			json_object_set_new(o, "mac", json_null());
		}
		json_object_set_new(o, "vlan", json_integer(cp->vlan));
		for (unsigned int a = 0; a < cp->nb_ipv4; a++)
			json_array_append_new(v4, prefix_json(4, &cp->ipv4[a], cp->ipv4_plen[a]));
		for (unsigned int a = 0; a < cp->nb_ipv6; a++)
			json_array_append_new(v6, prefix_json(6, cp->ipv6[a], cp->ipv6_plen[a]));
		json_object_set_new(o, "ipv4", v4);
		json_object_set_new(o, "ipv6", v6);
		json_object_set_new(o, "rx_queues", json_integer(cp->rx_queues));
		json_object_set_new(o, "rx_desc", json_integer(cp->rx_desc));
		json_object_set_new(o, "tx_desc", json_integer(cp->tx_desc));
		json_object_set_new(o, "promiscuous", json_boolean(cp->promiscuous));
		json_object_set_new(o, "ipv6_dad", json_boolean(cp->ipv6_dad));
		json_array_append_new(ports, o);
	}
	for (unsigned int i = 0; i < cfg->nb_lcores; i++) {
		const struct synq_config_lcore *cl = &cfg->lcores[i];
		json_t *o = json_object();
		json_t *rx = json_array();

		json_object_set_new(o, "lcore", json_integer(cl->lcore_id));
		json_object_set_new(o, "role", json_string(synq_role_name(cl->role)));
		for (unsigned int r = 0; r < cl->nb_rx; r++)
			json_array_append_new(rx, json_pack("{s:s, s:i}", "port",
				cfg->ports[cl->rx[r].port].name, "queue", cl->rx[r].queue));
		json_object_set_new(o, "rx", rx);
		json_array_append_new(lcores, o);
	}
	json_object_set_new(root, "ports", ports);
	json_object_set_new(root, "lcores", lcores);
	json_object_set_new(root, "routes", routes_json(cfg));
	json_object_set_new(root, "tcp", tcp_json(&cfg->tcp, cfg));
	for (unsigned int i = 0; i < cfg->nb_listeners; i++) {
		const struct synq_config_listener *l = &cfg->listeners[i];
		json_t *o = tcp_json(&l->tcp, NULL);

		if (l->family == 0)
			json_object_set_new(o, "address", json_string("*"));
		else
			json_object_set_new(o, "address", json_string(inet_ntop(l->family == 4 ?
				AF_INET : AF_INET6, l->addr, buf, sizeof(buf))));
		json_object_set_new(o, "port", json_integer(l->port));
		json_object_set_new(o, "backlog", json_integer(l->backlog_asked));
		json_object_set_new(o, "app", json_string(synq_app_name(l->app)));
		json_object_set_new(o, "http_body", json_string(l->http_body));
		json_object_set_new(o, "http_head_timeout_ms", json_integer(l->http_head_timeout_ms));
		json_object_set_new(o, "max_conns_per_source", json_integer(l->max_conns_per_source));
		json_object_set_new(o, "max_conns_per_prefix", json_integer(l->max_conns_per_prefix));
		if (l->nb_allow != 0)
			json_object_set_new(o, "allow", allow_json(l));
		if (l->app == SYNQ_APP_PROXY)
			proxy_json(o, &l->proxy);
		json_array_append_new(listeners, o);
	}
	json_object_set_new(root, "listeners", listeners);
	json_object_set_new(root, "http",
		json_pack("{s:i}", "head_buffers", (int)cfg->http_head_buffers));
	json_object_set_new(root, "mempool",
		json_pack("{s:i, s:i, s:i}", "mbufs", (int)cfg->mbufs, "cache", (int)cfg->mbuf_cache,
			"conn_share", (int)cfg->conn_share));
	json_object_set_new(root, "stats", json_pack("{s:i, s:s}", "interval_ms",
		(int)cfg->stats_interval_ms, "file", cfg->stats_file));
	json_object_set_new(root, "icmp", json_pack("{s:I, s:I}", "echo_per_s",
		(json_int_t)cfg->icmp_echo_per_s, "echo_burst", (json_int_t)cfg->icmp_echo_burst));
	json_object_set_new(root, "test", json_pack("{s:i}", "reorder_permille",
		(int)cfg->reorder_permille));
	return root;
}
