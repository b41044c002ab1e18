/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TEST_HARNESS_H
#define SYNQ_TEST_HARNESS_H

/**
 * @file
 * The functional tests' harness: EAL (--no-pci --no-huge), one port made of rte_rings
 * that the test owns on both ends, the real ports, listeners and runtime (as
 * app/synq/main.c builds them), the test's own application lcore, and the worker's
 * poll and tick in between. Frames are built with the tests' frame library
 * (tests/lib/synq_frame.h) and enqueued on the port's rx ring; replies are read from
 * its tx ring and checked byte by byte with the same library's parser and its own
 * one's-complement sum, never with DPDK's or synq's.
 *
 * One harness a process: each test file is its own executable, sets the harness up
 * in its group setup and tears it down in its group teardown; the objects below are
 * that harness's. The helpers assert with cmocka: call them from tests only, on the
 * main lcore, which is the worker too (lcore 0) and the application lcore
 * (HARNESS_APP_LCORE).
 *
 * Every test uses its own client address (flow4() / flow6() with the test's number:
 * 198.18.<n>.2 or 2001:2::<n>:2) and leaves no half-open entry and no connection
 * behind, so that the table and ring counts one test relies on are not the previous
 * test's leftovers.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "synq_app.h"
#include "synq_config.h"
#include "synq_frame.h"
#include "synq_port.h"
#include "synq_session.h"
#include "synq_stats.h"
#include "synq_tcp.h"
#include "synq_tcp_opts.h"
#include "synq_worker.h"

/** Rx queues (rings) the ring port can have. */
#define HARNESS_MAX_RXQ 4
/** The lcore id the tests play the application lcore as. */
#define HARNESS_APP_LCORE 1

/** Listener indices: the order of "listeners" in the default config (harness.c). */
#define L80 0 /* linux, backlog 2, syncookies 1, max_syn_backlog 4 */
#define L81 1 /* backlog 2, abort_on_overflow 1 */
#define L82 2 /* syncookies 2 */
#define L83 3 /* bsd, backlog 2 */
#define L84 4 /* backlog 0, abort_on_overflow 0 */
#define L85 5 /* the data path: rcv_buf 8192, window_scale 0 */

/** The tests' short names for the frame library's constants. */
#define ETH_LEN SYNQ_FRAME_ETH_LEN
#define IP4_LEN SYNQ_FRAME_IP4_LEN
#define IP6_LEN SYNQ_FRAME_IP6_LEN
#define TCP_LEN SYNQ_FRAME_TCP_LEN
#define ETH_MIN SYNQ_FRAME_MIN

#define F_FIN SYNQ_FRAME_FIN
#define F_SYN SYNQ_FRAME_SYN
#define F_RST SYNQ_FRAME_RST
#define F_PSH SYNQ_FRAME_PSH
#define F_ACK SYNQ_FRAME_ACK

/** What a test file's harness differs in; zero is the TCP tests' harness. */
struct harness_conf {
	/* the test's name: argv[0] and the file prefix's stem (synq-<name>-<pid>);
	 * NULL: "func" */
	const char *name;
	/* the synq config (JSON); NULL: the six listeners L80..L85 above. Its port is
	 * the ring port, "net_ring_func", polled on lcore 0 */
	const char *config;
	/* rx queues of the ring port, one ring each, as the config's rx_queues; 0: 1 */
	unsigned int rx_queues;
	/* a second ring device, "net_ring_func_one" (one queue pair), left out of the
	 * config: for configs that must fail to start */
	bool spare_port;
	/* tx queues of the ring port, one ring each (one a polling lcore); 0: 1 */
	unsigned int tx_queues;
	/* EAL's -l list; NULL: "0". At most two lcores: "0,1" for a second worker */
	const char *lcores;
	/* keep the config's ports[].ipv6_dad: false turns duplicate address detection
	 * off on every port, so that the IPv6 addresses answer from the start */
	bool ipv6_dad;
	/* the worker's send_routed is fake_send_routed() (below), not the runtime's: the
	 * test plays the hosts synq connects to (backends, active open's peers) */
	bool fake_routed;
};

/*
 * The harness's objects, made by harness_setup(). Tests read them; only the harness
 * and the code under test write them.
 */
extern struct synq_ports ports;
extern struct synq_runtime rt;
extern struct synq_app_lcore app;		  /* the test's application lcore */
extern struct rte_ring *rx_ring[HARNESS_MAX_RXQ]; /* the ring port's: the test enqueues */
extern struct rte_ring *tx_ring[HARNESS_MAX_RXQ]; /* the test dequeues what was sent */
extern struct rte_mempool *frames;		  /* for the frames the test builds */
extern const struct rte_ether_addr peer_mac;	  /* the clients' next hop */
extern struct rte_ether_addr our_mac;		  /* the ring PMD's own: it cannot change it */
extern const uint8_t our_ip4[4];		  /* 198.18.0.1 */
extern const uint8_t our_ip6[16];		  /* 2001:2::1 */

/*
 * The start of a test's config: the ring port (one queue, 128 descriptors each way)
 * polled by lcore 0 as @p role ("worker", or "both": its own application lcore), the
 * object left open: the test goes on with its "mempool", "listeners" and the rest.
 */
#define HARNESS_PORT_CONFIG(role)                                                                  \
	"{ \"ports\": [ { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1\"],"                \
	"    \"ipv6\": [\"2001:2::1\"], \"rx_desc\": 128, \"tx_desc\": 128 } ],"                   \
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"" role "\","                                  \
	"    \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 } ] } ],"

/*
 * The TCP tests' config (harness_conf.config NULL) up to its last listener, L80..L85,
 * the list open: a test that needs more listeners adds "," and its own, and closes it.
 */
#define HARNESS_TCP_CONFIG                                                                         \
	HARNESS_PORT_CONFIG("worker")                                                              \
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"                                       \
	"  \"listeners\": ["                                                                       \
	"    { \"port\": 80, \"backlog\": 2, \"app\": \"hold\", \"queue_model\": \"linux\","       \
	"      \"syncookies\": 1, \"max_syn_backlog\": 4 },"                                       \
	"    { \"port\": 81, \"backlog\": 2, \"abort_on_overflow\": 1 },"                          \
	"    { \"port\": 82, \"syncookies\": 2 },"                                                 \
	"    { \"port\": 83, \"queue_model\": \"bsd\", \"backlog\": 2 },"                          \
	"    { \"port\": 84, \"backlog\": 0, \"abort_on_overflow\": 0 },"                          \
	"    { \"port\": 85, \"rcv_buf\": 8192, \"window_scale\": 0 }"

/*
 * Start EAL, the ring port, config, ports, runtime and the application lcore for the
 * test @p hc describes (NULL: the TCP tests'). Once, from a cmocka group setup.
 * Returns 0, or -1 with the reason on stderr.
 */
int harness_setup(const struct harness_conf *hc);

/* Undo harness_setup(), EAL's runtime directory included. Always 0. */
int harness_teardown(void);

/*
 * A test file's cmocka group setup() and teardown(): harness_setup() with the
 * struct harness_conf of the designated initializers given (.name, .config, ...), and
 * harness_teardown(). At file scope, followed by ";".
 */
#define HARNESS_SETUP(...)                                                                         \
	static int setup(void **state __rte_unused)                                                \
	{                                                                                          \
		static const struct harness_conf hc = {__VA_ARGS__};                               \
                                                                                                   \
		return harness_setup(&hc);                                                         \
	}                                                                                          \
                                                                                                   \
	static int teardown(void **state __rte_unused)                                             \
	{                                                                                          \
		return harness_teardown();                                                         \
	}                                                                                          \
                                                                                                   \
	static int setup(void **state)

/* The one worker (lcore 0). */
struct synq_worker *worker(void);

/** What fake_send_routed() keeps at most; past it, it refuses (-ENOBUFS). */
#define HARNESS_ROUTED_MAX 256

/*
 * What fake_send_routed() kept: the packets synq originated (its connections to
 * backends, health checks, active opens), IP header first, in the order sent. The
 * test frees them with routed_clear().
 */
extern struct rte_mbuf *routed[HARNESS_ROUTED_MAX];
extern unsigned int nb_routed;

/*
 * What fake_send_routed() answers: 0 sent, 1 queued (lib/net's next hop unresolved),
 * < 0 refused (the packet freed). 0 unless a test sets it; it sets it back.
 */
extern int routed_rc;

/*
 * A send_routed (synq_tcp_worker_set_send()) that sends nothing: it keeps @p m in
 * routed[] and answers routed_rc; with routed[] full, or routed_rc < 0, it frees @p m
 * and refuses (-ENOBUFS, or routed_rc). harness_conf.fake_routed installs it.
 */
int fake_send_routed(
	void *arg, struct rte_mbuf *m, uint8_t family, const uint8_t *dst, uint16_t port_id);

/* Free what routed[] holds; nb_routed back to 0. */
void routed_clear(void);

/* Counters: every test compares against a snapshot, so the order of tests is free. */
struct snap {
	uint64_t v[SYNQ_CTR_MAX];
};

/* Take a snapshot of the worker's counters. */
void snap_take(struct snap *s);

/* How much counter @p id grew since snapshot @p s. */
uint64_t delta(const struct snap *s, enum synq_counter id);

/* Worker counter @p id after a tick (the gauges are refreshed by the timers). */
uint64_t gauge(enum synq_counter id);
/** Counter @p id of the application lcore the tests play (its own counters). */
uint64_t app_counter(enum synq_counter id);

/* Half-open entries in the worker's SYN table, all listeners together. */
uint32_t table_count(void);

/* Half-open entries of listener @p li on the worker. */
uint32_t halfopen(unsigned int li);

/* Whether the worker ever answered listener @p li with a cookie. */
bool cookie_sent(unsigned int li);

/* What the transport says of the connection of @p c (which must have one). */
struct synq_tcp_conn_info conn_info(const struct synq_session *c);

/* A client's view of one connection attempt. */
struct flow {
	uint8_t family;
	uint8_t caddr[16];
	uint8_t saddr[16];
	uint16_t cport; /* host order */
	uint16_t sport;
	uint32_t isn;	    /* the client's */
	uint32_t tsval;	    /* the client's TSval in its SYN */
	uint32_t our_isn;   /* from our SYN-ACK */
	uint32_t our_tsval; /* from our SYN-ACK */
};

/* Test @p test's IPv4 client 198.18.<test>.2, port @p cport, to our port @p sport. */
struct flow flow4(uint8_t test, uint16_t cport, uint16_t sport, uint32_t isn);

/* Test @p test's IPv6 client 2001:2::<test>:2, port @p cport, to our port @p sport. */
struct flow flow6(uint8_t test, uint16_t cport, uint16_t sport, uint32_t isn);

/*
 * A frame from the client of @p f: Ethernet to our MAC, IPv4 (DF, TTL 64) or IPv6,
 * TCP with the @p opt_len bytes of options at @p opt and @p data_len bytes of data,
 * zero padded to the Ethernet minimum as it would arrive from the wire.
 */
struct rte_mbuf *segment(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags,
	const uint8_t *opt, unsigned int opt_len, const uint8_t *data, unsigned int data_len);

/* segment() with the window field @p win (segment()'s is 64240). */
struct rte_mbuf *segment_win(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags,
	uint16_t win, const uint8_t *opt, unsigned int opt_len, const uint8_t *data,
	unsigned int data_len);

/* The SYN of @p f with Linux's options: MSS @p mss, SACK, timestamps, window scale. */
struct rte_mbuf *syn_frame_opts(const struct flow *f, uint16_t mss, uint8_t wscale);

/* syn_frame_opts() with MSS 1460 and window scale 7. */
struct rte_mbuf *syn_frame(const struct flow *f);

/* An ACK as Linux sends it once timestamps are on (NOP, NOP, timestamps), with data. */
struct rte_mbuf *ack_frame(const struct flow *f, uint32_t seq, uint32_t ack, const uint8_t *data,
	unsigned int data_len);

/* A bare RST with sequence number @p seq. */
struct rte_mbuf *rst_frame(const struct flow *f, uint32_t seq);

/*
 * Hand @p m to rx queue @p q (the tx ring must be empty), poll once, return the one
 * frame sent (or NULL); more than one fails the test.
 */
struct rte_mbuf *exchange_rxq(struct rte_mbuf *m, unsigned int q);

/* exchange_rxq() on rx queue 0. */
struct rte_mbuf *exchange(struct rte_mbuf *m);

/* Send @p m and expect no reply at all. */
void exchange_silent(struct rte_mbuf *m);

/*
 * Like exchange(), with a second poll: the ACK of data waits one poll for an answer
 * of the application (a delayed ACK of one poll). Exactly one frame must come out.
 */
struct rte_mbuf *exchange_ack(struct rte_mbuf *m);

/* Poll the worker without traffic: commands, output. The frames sent are returned. */
unsigned int poll_idle(struct rte_mbuf **out, unsigned int max);

/*
 * Poll twice (data, then its ACK one poll later), the built-in applications in between
 * when @p apps (else the events wait for the test); free what was sent. The ACK of the
 * last frame goes to @p ack (untouched if none); how many frames.
 */
unsigned int settle_ack(bool apps, uint32_t *ack);

/*
 * Enqueue, without a poll, @p data_len bytes of @p data at @p seq from the client of
 * @p f (ack_frame(), acknowledging our SYN-ACK) on rx queue 0.
 */
void data_in(const struct flow *f, uint32_t seq, const uint8_t *data, unsigned int data_len);

/*
 * Free every frame the worker sent, noting by client port (host order) the RSTs in
 * @p rsts and, in @p data_end, the sequence number after the last data byte.
 */
void note_sent(uint32_t *data_end, unsigned int *rsts);

/* The one frame a poll without traffic sends (commands, timers done before). */
struct rte_mbuf *one_out(void);

/*
 * Check that @p r is a reply to the client of @p f: every byte of Ethernet and IP
 * (MACs and addresses swapped, TTL / hop limit 64, DF, checksums), the frame length
 * and its zero padding, the TCP ports, data offset, reserved bits, urgent pointer and
 * checksum. Returns what its TCP header says (pointers into @p r).
 */
struct synq_frame_view check_reply(const struct rte_mbuf *r, const struct flow *f);

/*
 * Check that @p r is a SYN-ACK to the SYN of @p f (Linux options: MSS, SACK, TS,
 * window scale) and record its ISN and TSval in @p f; its options go to @p o.
 */
void check_synack(const struct rte_mbuf *r, struct flow *f, struct synq_tcp_opts *o);

/* Check that @p r is a bare RST (RFC 9293 3.10.7: <SEQ=SEG.ACK><CTL=RST>) with @p seq. */
void check_rst(const struct rte_mbuf *r, const struct flow *f, uint32_t seq);

/* An ACK from us to @p f: our next sequence number @p seq, acknowledging @p ack; freed. */
void check_ack(struct rte_mbuf *r, const struct flow *f, uint32_t seq, uint32_t ack);

/* The 4-tuple, numbers and origin of @p c are those of @p f on listener @p li. */
void check_conn(const struct synq_session *c, const struct flow *f, unsigned int li);

/* SYN with @p mss and @p wscale, expect one SYN-ACK; its options go to @p o. */
void open_flow_opts(struct flow *f, uint16_t mss, uint8_t wscale, struct synq_tcp_opts *o);

/* open_flow_opts() with MSS 1460 and window scale 7. */
void open_flow(struct flow *f);

/* The right final ACK: no reply. */
void finish_flow(const struct flow *f);

/* Remove a half-open entry the way a client does: a RST with the exact number. */
void reset_flow(const struct flow *f);

/* A connection of @p f on listener @p li, accepted by the test and attached. */
struct synq_session *established(struct flow *f, unsigned int li);

/* The next event for the test's application lcore (the worker polled for it). */
bool next_event(struct synq_app_event *ev);

/* The next event is @p kind, about @p c. */
void expect_event(struct synq_session *c, uint16_t kind);

/* The next event is the @p len bytes at @p data, about @p c; its mbuf is freed. */
void expect_data_event(struct synq_session *c, const uint8_t *data, uint32_t len);

/*
 * The events of @p c up to the last, which must be @p last_but_one (0: none) then
 * CLOSED; then release @p c.
 */
void events_to_closed(struct synq_session *c, uint16_t last_but_one);

/* Have the application abort or close @p c (@p cmd); the one frame the worker sends. */
struct rte_mbuf *command(struct synq_session *c, uint16_t cmd);

/*
 * Done with @p c, as an application is: abort it (its RST is dropped here), take its
 * events to the last, release it.
 */
void conn_drop(struct synq_session *c);

/* Take exactly one connection from listener @p li; its events come to the test. */
struct synq_session *accept_one(unsigned int li);

/* Give back every connection on listener @p li; how many there were. */
unsigned int drain(unsigned int li);

/*
 * The tests that drive the built-in applications on the application lcore's clock
 * (the proxy's) and play the clients on the ring port: what app_pump() kept of the
 * frames sent out the ring port (towards the clients), at most HARNESS_CLI_MAX (the
 * rest freed), and the clock it gives the applications (ms; 1000 at the start, the
 * tests move it).
 */
#define HARNESS_CLI_MAX 256
extern struct rte_mbuf *cli[HARNESS_CLI_MAX];
extern unsigned int nb_cli;
extern uint64_t app_now_ms;

/* The built-in applications at app_now_ms and the worker, a few rounds; kept in cli[]. */
void app_pump(void);

/* @p m on rx queue 0, a poll of the worker, then app_pump(). */
void app_feed(struct rte_mbuf *m);

/* Free what routed[] and cli[] hold. */
void sent_clear(void);

/* A client's segment with timestamps (its SYN offered them): TSval one past its SYN's. */
struct rte_mbuf *ts_segment(const struct flow *f, uint32_t seq, uint32_t ack, uint8_t flags,
	const void *data, unsigned int len);

/* Test @p t's IPv4 client on our port @p port, port @p cport: its handshake done. */
struct flow proxy_client(uint8_t t, uint16_t cport, uint16_t port);

/* Free sessions of the pool now. */
unsigned int pool_free(void);

#endif /* SYNQ_TEST_HARNESS_H */
