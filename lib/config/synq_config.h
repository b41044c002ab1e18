/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_CONFIG_H
#define SYNQ_CONFIG_H

/**
 * @file
 * synq's configuration: one JSON file parsed into one validated struct. The schema
 * and every default are documented in docs/configuration.md. Parsing needs no EAL;
 * binding names to EAL lcores and ethdev ports happens later, in the port and worker
 * modules. Control plane only; nothing here is thread safe.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <rte_ether.h>

#define SYNQ_MAX_PORTS 16
#define SYNQ_MAX_ADDRS 8	    /* per address family per port */
#define SYNQ_MAX_LCORES 64	    /* lcores named in one config */
#define SYNQ_MAX_RXQ_PER_LCORE 16   /* (port, queue) pairs one worker polls */
#define SYNQ_MAX_RXQ 64		    /* rx queues of one port */
#define SYNQ_PORT_NAME_LEN 64
#define SYNQ_CONFIG_ERR_LEN 512
#define SYNQ_MAX_LISTENERS 32
/* issue 13, routes: entries of the top-level "routes" (docs/configuration.md) */
#define SYNQ_MAX_ROUTES 64
#define SYNQ_SOMAXCONN_MAX (1u << 20)
#define SYNQ_MAX_SYN_BACKLOG_MAX (1u << 24)
#define SYNQ_COOKIE_SECRET_LEN 16   /* bytes of tcp.cookie_secret: 128 bits */
/* icmp.echo_per_s and icmp.echo_burst: Linux's icmp_msgs_per_sec and icmp_msgs_burst */
#define SYNQ_ICMP_ECHO_PER_S_DEFAULT 1000
#define SYNQ_ICMP_ECHO_PER_S_MAX 1000000
#define SYNQ_ICMP_ECHO_BURST_DEFAULT 50
#define SYNQ_ICMP_ECHO_BURST_MAX 100000
/* What --dump-config shows for a configured cookie secret: never the secret itself */
#define SYNQ_COOKIE_SECRET_SHOWN "<set>"

enum synq_role {
	SYNQ_ROLE_WORKER, /* polls rx queues, owns TCP state */
	SYNQ_ROLE_APP,	  /* runs applications on accepted connections */
	SYNQ_ROLE_BOTH,	  /* one lcore does both, for small machines */
};

/* How the listen queues are counted (docs/configuration.md, `queue_model`). */
enum synq_queue_model {
	SYNQ_QUEUE_LINUX, /* SYN queue and accept queue apart; accept admits backlog + 1 */
	SYNQ_QUEUE_BSD,	  /* one queue of half-open and established, exactly backlog */
};

/*
 * When a SYN is answered with a cookie (docs/configuration.md, `syncookies`). The values
 * are Linux's net.ipv4.tcp_syncookies, and the config file gives them as those integers.
 */
enum synq_syncookies {
	SYNQ_SYNCOOKIES_NEVER = 0,     /* a full SYN table drops SYNs */
	SYNQ_SYNCOOKIES_WHEN_FULL = 1, /* when the listener's share of the SYN table is full */
	SYNQ_SYNCOOKIES_ALWAYS = 2,    /* every SYN: no SYN table entry at all */
};

/* What a listener does with the connections it accepts. */
enum synq_app {
	SYNQ_APP_HOLD,	/* never accepts: the accept ring fills, as listen-not-accept */
	SYNQ_APP_RESET, /* accepts, then aborts with a RST */
	SYNQ_APP_CLOSE, /* accepts, then closes with a FIN and finishes the exchange */
	SYNQ_APP_ECHO,	/* sends back every byte it receives */
	SYNQ_APP_HTTP,	/* answers every HTTP/1.1 request with a configured 200 response */
	SYNQ_APP_PROXY, /* issue 13: relays each connection to a backend (builtin_proxy.c) */
	SYNQ_APP_METRICS, /* issue 15: GET /metrics, synq's statistics for Prometheus */
};

/** Prefixes of a listener's "allow" list (issue 15). */
#define SYNQ_MAX_ALLOW 16

/** A source prefix: @c plen leading bits of @c addr (IPv4 in its first 4 bytes). */
struct synq_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t plen;	/* 0..32 or 0..128; the bits past it are zero */
	uint8_t addr[16];
};

/** Whether @p addr, of @p family, is in prefix @p px. Any lcore. */
static inline bool
synq_prefix_match(const struct synq_prefix *px, uint8_t family, const uint8_t *addr)
{
	unsigned int full = px->plen / 8u, rest = px->plen % 8u;

	if (px->family != family || memcmp(px->addr, addr, full) != 0)
		return false;
	return rest == 0 || ((px->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/*
 * issue 13, proxy: the proxy app's configuration (listeners[].backends and the keys
 * beside it, docs/configuration.md). Parsed, checked and dumped; no runtime yet.
 */
#define SYNQ_MAX_BACKENDS 64	     /* backends of one listener */
#define SYNQ_BACKEND_WEIGHT_MAX 256
/*
 * Next hops synq resolves, over the whole config: each route's, and each backend on a
 * port's subnet. A worker's neighbour table (lib/net, SYNQ_NEIGH_MAX) holds this many:
 * health checks keep every backend's next hop in it for as long as synq runs.
 */
#define SYNQ_MAX_NEXT_HOPS 256

/**
 * Whether the IPv6 address @p a is link-local, fe80::/10 (RFC 4291 2.5.6): scoped to
 * a link, never sent to a router. The one test of it, for every module.
 */
static inline bool
synq_in6_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* How a proxy listener picks a backend (HAProxy's "balance"). */
enum synq_balance {
	SYNQ_BALANCE_ROUND_ROBIN, /* in turn, weighted */
	SYNQ_BALANCE_LEAST_CONN,  /* the fewest active connections for its weight */
	SYNQ_BALANCE_SOURCE_HASH, /* a hash of the client's address: the same one each time */
};

struct synq_config_backend {
	uint8_t family;	  /* 4 or 6 */
	uint8_t addr[16]; /* a unicast address not ours; IPv4 in the first 4 bytes */
	uint16_t port;	  /* host byte order, 1..65535 */
	uint16_t weight;  /* 1..SYNQ_BACKEND_WEIGHT_MAX */
};

struct synq_config_proxy {
	struct synq_config_backend backends[SYNQ_MAX_BACKENDS];
	unsigned int nb_backends; /* 1.. for app "proxy", else 0 */
	enum synq_balance balance;
	uint8_t proxy_protocol;	     /* 0 none, 1 or 2: the PROXY protocol version sent */
	uint32_t connect_timeout_ms; /* all tries of one client connection together */
	/* health checks: TCP connects (HAProxy's inter, timeout check, rise, fall) */
	bool health_check; /* a "health_check" object was given: the checks run */
	uint32_t check_interval_ms;
	uint32_t check_timeout_ms; /* < check_interval_ms */
	uint8_t check_rise;	   /* successes in a row that bring a backend up */
	uint8_t check_fall;	   /* failures in a row that take it down */
};

/** The largest request head the http app takes (bytes, blank line included). */
#define SYNQ_HTTP_HEAD_MAX 2048

/** The largest body of the http app's response (listeners[].http_body). */
#define SYNQ_HTTP_BODY_MAX 1024

/* The TCP knobs, with Linux's names (net.ipv4.tcp_* and net.core.somaxconn). */
struct synq_config_tcp {
	enum synq_syncookies syncookies; /* when a SYN gets a cookie */
	uint32_t somaxconn;	    /* upper bound of any backlog */
	uint32_t challenge_ack_limit; /* "tcp" only: a worker's challenge ACKs a second */
	uint32_t max_syn_backlog;   /* half-open entries of a listener, over all workers */
	uint8_t abort_on_overflow;  /* accept ring full on the final ACK: 0 drop, 1 RST */
	uint8_t synack_retries;	    /* SYN-ACK retransmissions before a half-open expires */
	enum synq_queue_model queue_model;
	uint8_t window_scale;	    /* the shift synq offers (when the client offers one) */
	/* the data path: per listener, per worker */
	uint32_t max_flows;	    /* connections a worker carries at once for the listener */
	uint32_t rcv_buf;	    /* bytes received not yet consumed by the app: the window */
	uint32_t snd_buf;	    /* bytes the app handed over not yet acknowledged */
	uint32_t idle_timeout_ms;   /* nothing received for this long: RST; 0 = never */
	uint32_t first_byte_timeout_ms; /* accepted, no byte yet after this long: RST; 0 = never */
	/* connections the application closed (orphans), per listener, per worker */
	uint32_t fin_timeout_ms;    /* FIN-WAIT-2 this long: RST; 0 = never */
	uint32_t max_orphans;	    /* orphans at once; a close past it evicts one (tcp_conn.c) */
	uint32_t orphan_timeout_ms; /* an orphan this long after the close: RST; 0 = never */
	/* memory (issue 11) */
	uint32_t unaccepted_mem;    /* truesize of data on connections not accepted, per worker */
	/* active open (issue 13) */
	uint8_t syn_retries;	    /* SYN retransmissions of a connection synq opens */
	uint16_t local_port_lo;	    /* "tcp" only: the local ports such connections use */
	uint16_t local_port_hi;
	bool tw_reuse; /* "tcp" only: such a connection may take over a TIME-WAIT (tcp_active.c) */
};

struct synq_config_listener {
	uint8_t family;	   /* 4 or 6; 0 for "*" (both) */
	bool any;	   /* wildcard address of its family */
	uint8_t addr[16];  /* when !any; IPv4 in the first 4 bytes */
	uint16_t port;	   /* host byte order */
	int32_t backlog_asked; /* as configured; -1 = somaxconn */
	uint32_t backlog;      /* in effect: capped to somaxconn */
	enum synq_app app;
	char http_body[SYNQ_HTTP_BODY_MAX + 1]; /* the http app's response body */
	/* issue 11, applications: a request head's deadline, per-source limits */
	uint32_t http_head_timeout_ms;	/* a head not complete this long after its first
					 * byte: 408 and a close; 0 = never */
	uint32_t max_conns_per_source;	/* connections from one address; 0 = no limit */
	uint32_t max_conns_per_prefix;	/* from one /24 (IPv4) or /64 (IPv6); 0 = no limit */
	/* issue 15: the sources it answers (none: every one); required for app metrics */
	struct synq_prefix allow[SYNQ_MAX_ALLOW];
	unsigned int nb_allow;
	struct synq_config_tcp tcp; /* "tcp" with this listener's overrides */
	struct synq_config_proxy proxy; /* app "proxy" only (issue 13) */
};

struct synq_config_port {
	char name[SYNQ_PORT_NAME_LEN]; /* ethdev name: "net_af_packet0", "0000:03:00.0" */
	struct rte_ether_addr mac;     /* valid when mac_set; else the device's own */
	bool mac_set;
	uint16_t vlan; /* 802.1Q id, 0 = untagged */
	uint32_t ipv4[SYNQ_MAX_ADDRS]; /* network byte order */
	unsigned int nb_ipv4;
	uint8_t ipv6[SYNQ_MAX_ADDRS][16];
	unsigned int nb_ipv6;
	/*
	 * issue 13, routes: the prefix length of each address, its on-link subnet ("/24"
	 * in the file); 32 and 128, a host address, when none is given. The addresses
	 * above stay what "is this ours" compares, never the subnet.
	 */
	uint8_t ipv4_plen[SYNQ_MAX_ADDRS];
	uint8_t ipv6_plen[SYNQ_MAX_ADDRS];
	uint16_t rx_queues;
	uint16_t rx_desc;
	uint16_t tx_desc;
	bool promiscuous;
	/* RFC 4862 5.4: the IPv6 addresses are tentative until one solicitation from ::
	 * went unanswered for a second (true, the default) or usable at once (false) */
	bool ipv6_dad;
};

/*
 * issue 13, routes: one entry of "routes". Its next hop is on the link of port @c port:
 * in the subnet of one of that port's addresses (or IPv6 link-local, with "port" given).
 */
struct synq_config_route {
	uint8_t family;	    /* 4 or 6 */
	uint8_t plen;	    /* prefix length: 0..32 or 0..128 */
	uint8_t prefix[16]; /* host bits zero; IPv4 in the first 4 bytes, network order */
	uint8_t via[16];    /* the next hop, a unicast address not ours; as prefix */
	uint16_t port;	    /* index into synq_config.ports: whose subnet holds via */
};

struct synq_config_rxq {
	uint16_t port; /* index into synq_config.ports */
	uint16_t queue;
};

struct synq_config_lcore {
	unsigned int lcore_id;
	enum synq_role role;
	struct synq_config_rxq rx[SYNQ_MAX_RXQ_PER_LCORE];
	unsigned int nb_rx;
};

struct synq_config {
	struct synq_config_port ports[SYNQ_MAX_PORTS];
	unsigned int nb_ports;
	struct synq_config_lcore lcores[SYNQ_MAX_LCORES];
	unsigned int nb_lcores;
	uint32_t mbufs;	     /* per NUMA socket pool, 0 = sized from the ports */
	uint32_t mbuf_cache; /* per-lcore mempool cache */
	uint8_t conn_share;  /* % of the pool beyond the rx/tx reserve connections may hold */
	uint32_t stats_interval_ms; /* 0 = no periodic dump */
	char stats_file[PATH_MAX];  /* "" = no file */
	struct synq_config_tcp tcp; /* defaults of every listener */
	uint8_t cookie_secret[SYNQ_COOKIE_SECRET_LEN]; /* valid when cookie_secret_set */
	bool cookie_secret_set;	    /* else synq draws one at start */
	/* tcp.cookie_secret_file, "" when none: the rotations read it again (issue 15) */
	char cookie_secret_file[PATH_MAX];
	struct synq_config_listener listeners[SYNQ_MAX_LISTENERS];
	unsigned int nb_listeners;
	uint16_t reorder_permille; /* test.reorder_permille: fault injection, 0 = off */
	uint32_t icmp_echo_per_s;  /* echo replies a worker sends a second; 0 = no limit */
	uint32_t icmp_echo_burst;  /* ... and at once, after a quiet spell */
	uint32_t http_head_buffers; /* http.head_buffers: partial request heads an app lcore
				     * keeps at once (SYNQ_HTTP_HEAD_MAX bytes each) */
	/* issue 13, routes: for what synq sends itself (lib/net/synq_route.h) */
	struct synq_config_route routes[SYNQ_MAX_ROUTES];
	unsigned int nb_routes;
};

/**
 * Parse the JSON text @p text into @p cfg, applying defaults and validating every
 * value. On error, writes one line naming the key path, the value and what was
 * expected into @p err.
 *
 * @return 0, or -EINVAL with @p err set.
 */
int synq_config_parse(const char *text, struct synq_config *cfg, char *err, size_t errlen);

/**
 * Read the file @p path and parse it as synq_config_parse() does; a missing or
 * unreadable file is an error naming the path.
 *
 * @return 0, or a negative errno with @p err set.
 */
int synq_config_load(const char *path, struct synq_config *cfg, char *err, size_t errlen);

/**
 * Read the secret a tcp.cookie_secret_file holds: 32 hex digits, white space after
 * them allowed (a newline), as the parser reads it. What a rotation reads again.
 *
 * @return 0 with @p secret set; -EINVAL when the file does not hold a secret (@p secret
 *   zeroed), or the negative errno of opening it.
 */
int synq_config_read_secret(const char *path, uint8_t secret[SYNQ_COOKIE_SECRET_LEN]);

/** What a reload changes (synq_config_reload_diff()). */
struct synq_config_diff {
	/* by listener of the new config: the old config's listener it is, or -1: added */
	int from_old[SYNQ_MAX_LISTENERS];
	/* by listener of the new config: backlog, syncookies or abort_on_overflow changed */
	bool retuned[SYNQ_MAX_LISTENERS];
	/* by listener of the old config: not in the new one */
	bool removed_old[SYNQ_MAX_LISTENERS];
	unsigned int added, removed, nb_retuned;
	bool secret_changed; /* the new config has a secret, not the old one's */
};

/**
 * Compare the config synq runs, @p old, with @p new, read again for a reload (issue
 * 15): listeners are matched by family, address and port (the first unmatched one of
 * each), and @p d says which are kept, retuned, added or removed. A listener's backlog,
 * syncookies and abort_on_overflow retune live; a change of anything else that synq
 * sized at start (ports, lcores, pools, routes, stats, a kept listener's other
 * settings), and an added listener that needs what is made at start (apps http and
 * proxy, per-source limits) is refused. Neither config is changed. Any thread.
 *
 * @return 0, or -EPERM with @p err "<what> cannot change without a restart".
 */
int synq_config_reload_diff(const struct synq_config *old, const struct synq_config *new,
	struct synq_config_diff *d, char *err, size_t errlen);

/**
 * Whether listener settings @p a and @p b differ in more than what a reload retunes
 * (backlog, syncookies, abort_on_overflow): NULL when not, else what differs first
 * ("app", "tcp (but syncookies and abort_on_overflow)", ...). Any thread.
 */
const char *synq_config_listener_fixed_diff(
	const struct synq_config_listener *a, const struct synq_config_listener *b);

/** The configuration synq runs without --config: config/default.json, built in. */
const char *synq_config_default_text(void);

/** The effective configuration, defaults included, as JSON; caller owns it. */
json_t *synq_config_to_json(const struct synq_config *cfg);

/**
 * The tx queue that lcore entry @p lcore_idx uses on port @p port_idx: workers that
 * poll a port each get their own tx queue on it, numbered in config order.
 *
 * @return the queue, or -1 when that lcore polls no queue of that port.
 */
int synq_config_txq(const struct synq_config *cfg, unsigned int lcore_idx, unsigned int port_idx);

/** How many tx queues port @p port_idx needs: one per lcore that polls it. */
unsigned int synq_config_nb_txq(const struct synq_config *cfg, unsigned int port_idx);

/**
 * The name the config gives queue model @p m (tcp.queue_model): "linux" or "bsd".
 *
 * @return the name, or "?" for a value the enum does not have.
 */
const char *synq_queue_model_name(enum synq_queue_model m);

/**
 * The name the config gives application @p a (listeners[].app): "hold", "reset",
 * "close", "echo", "http" or "proxy".
 *
 * @return the name, or "?" for a value the enum does not have.
 */
const char *synq_app_name(enum synq_app a);

/**
 * The name the config gives balance @p b (listeners[].balance): "round_robin",
 * "least_conn" or "source_hash".
 *
 * @return the name, or "?" for a value the enum does not have.
 */
const char *synq_balance_name(enum synq_balance b);

/**
 * The name the config gives @p role (lcores[].role): "worker", "app" or "both".
 *
 * @return the name, or "?" for a value the enum does not have.
 */
const char *synq_role_name(enum synq_role role);

#endif /* SYNQ_CONFIG_H */
