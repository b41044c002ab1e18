/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the connection listing (issue 15 item 1): synq_tcp_conns_walk()
 * against the connections the test opened on the worker (addresses, ports, states,
 * queues, TIME-WAIT), /synq/conns read over EAL's real telemetry socket while the
 * test's main thread plays the worker's loop (synq_worker_serve()): every connection
 * once across the pages, each reply under telemetry's 16 KB even with its numbers and
 * addresses at their longest, and synq_worker_call() towards a worker that never
 * answers: the call times out, its request withdrawn, nothing runs late.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_eal.h>

#include "harness.h"

/* L86: many connections left unaccepted */
static const char config[] =
	HARNESS_TCP_CONFIG ","
			   "    { \"port\": 86, \"backlog\": 256, \"app\": \"hold\" } ] }";
#define L86 6

HARNESS_SETUP(.name = "conns", .config = config);

/* DPDK 22.11's telemetry reply buffer (MAX_OUTPUT_LEN in lib/telemetry). */
#define TEL_MAX_OUTPUT 16384

/* Every record of the worker's listing, from the start. */
static unsigned int
walk_all(struct synq_tcp_conn_rec *rec, unsigned int max)
{
	uint32_t pos = 0;
	unsigned int n = 0;

	while (pos != SYNQ_TCP_WALK_END && n < max)
		n += synq_tcp_conns_walk(worker()->tcp, &pos, 1000, rec + n, max - n);
	assert_int_equal(pos, SYNQ_TCP_WALK_END);
	return n;
}

/* The record of our port @p lport and the client's port @p rport, or NULL. */
static const struct synq_tcp_conn_rec *
find(const struct synq_tcp_conn_rec *rec, unsigned int n, uint16_t lport, uint16_t rport)
{
	const struct synq_tcp_conn_rec *hit = NULL;

	for (unsigned int i = 0; i < n; i++)
		if (rec[i].lport == lport && rec[i].rport == rport) {
			assert_null(hit); /* once */
			hit = &rec[i];
		}
	return hit;
}

/* @p r is the flow @p f's: family, both addresses and ports. */
static void
check_addrs(const struct synq_tcp_conn_rec *r, const struct flow *f)
{
	assert_non_null(r);
	assert_int_equal(r->family, f->family);
	assert_memory_equal(r->remote, f->caddr, f->family == 4 ? 4 : 16);
	assert_memory_equal(r->local, f->family == 4 ? our_ip4 : our_ip6, f->family == 4 ? 4 : 16);
	assert_int_equal(r->lport, f->sport);
	assert_int_equal(r->rport, f->cport);
}

/*
 * 1: the records are the connections: unaccepted ones ESTAB with nothing queued, one
 * with data unread (recv_q) and data unacknowledged (send_q), one closed by its
 * application (FIN-WAIT-1), one in TIME-WAIT (addresses only).
 */
static void
test_records(void **state __rte_unused)
{
	static const char hello[] = "hello, listing";
	static uint8_t out_data[100];
	static struct synq_tcp_conn_rec rec[64];
	struct flow f1 = flow4(1, 50001, 86, 0x01000000);
	struct flow f2 = flow6(1, 50002, 86, 0x02000000);
	struct flow f3 = flow4(2, 50003, 86, 0x03000000);
	struct flow f4 = flow4(3, 50004, 86, 0x04000000);
	struct flow f5 = flow4(4, 50005, 86, 0x05000000);
	const struct synq_tcp_conn_rec *r;
	struct synq_session *c3, *c4, *c5;
	struct rte_mbuf *m;
	unsigned int n;
	uint32_t ack;

	/* f3: 14 bytes in, not consumed; 100 bytes out, not acknowledged */
	c3 = established(&f3, L86);
	data_in(&f3, f3.isn + 1, (const uint8_t *)hello, sizeof(hello) - 1);
	settle_ack(false, &ack);
	assert_int_equal(synq_app_send_copy(&app, c3, out_data, sizeof(out_data)), 0);
	assert_int_equal(settle_ack(false, &ack), 1); /* the data segment */
	/* f4: its application closed it, the FIN unacknowledged */
	c4 = established(&f4, L86);
	rte_pktmbuf_free(command(c4, SYNQ_CMD_CLOSE));
	/* f5: closed both ways, in TIME-WAIT */
	c5 = established(&f5, L86);
	rte_pktmbuf_free(command(c5, SYNQ_CMD_CLOSE));
	m = exchange(segment(&f5, f5.isn + 1, f5.our_isn + 2, F_ACK | F_FIN, NULL, 0, NULL, 0));
	rte_pktmbuf_free(m);
	/* f1, f2: left in the accept queue */
	open_flow(&f1);
	finish_flow(&f1);
	open_flow(&f2);
	finish_flow(&f2);

	n = walk_all(rec, RTE_DIM(rec));
	r = find(rec, n, 86, 50001);
	check_addrs(r, &f1);
	assert_int_equal(r->state, SYNQ_TCP_ESTABLISHED);
	assert_int_equal(r->listener, L86);
	assert_int_equal(r->recv_q, 0);
	assert_int_equal(r->send_q, 0);
	assert_int_equal(r->mss, 1460 - 12); /* timestamps on */
	assert_int_equal(r->cwnd, 10);	     /* RFC 6928 */
	assert_false(
		r->flags & (SYNQ_TCP_REC_SSTHRESH | SYNQ_TCP_REC_TIME_WAIT | SYNQ_TCP_REC_ACTIVE));
	assert_int_equal(r->rto_ms, 1000);
	r = find(rec, n, 86, 50002);
	check_addrs(r, &f2);
	assert_int_equal(r->state, SYNQ_TCP_ESTABLISHED);
	assert_int_equal(r->mss, 1440 - 12);
	r = find(rec, n, 86, 50003);
	check_addrs(r, &f3);
	assert_int_equal(r->state, SYNQ_TCP_ESTABLISHED);
	assert_int_equal(r->recv_q, sizeof(hello) - 1);
	assert_int_equal(r->send_q, sizeof(out_data));
	assert_true(r->rcv_wnd > 0);
	r = find(rec, n, 86, 50004);
	check_addrs(r, &f4);
	assert_int_equal(r->state, SYNQ_TCP_FIN_WAIT_1);
	r = find(rec, n, 86, 50005);
	check_addrs(r, &f5);
	assert_int_equal(r->state, SYNQ_TCP_TIME_WAIT);
	assert_true(r->flags & SYNQ_TCP_REC_TIME_WAIT);
	/* nothing of the SYN table (SYN-RECV) is listed: a half-open entry is not */
	{
		struct flow h = flow4(5, 50006, 86, 0x06000000);

		open_flow(&h);
		assert_int_equal(walk_all(rec, RTE_DIM(rec)), n);
		reset_flow(&h);
	}
	/* leave only f5's TIME-WAIT: every other connection reset */
	for (bool closed = false; !closed;) {
		struct synq_app_event ev;

		/* c3's data came first; c5's CLOSED last */
		assert_true(next_event(&ev));
		if (ev.kind == SYNQ_EV_DATA)
			rte_pktmbuf_free(ev.m);
		closed = ev.s == c5 && ev.kind == SYNQ_EV_CLOSED;
	}
	synq_app_release(&app, c5);
	conn_drop(c3);
	conn_drop(c4);
	assert_int_equal(drain(L86), 2);
	n = walk_all(rec, RTE_DIM(rec));
	assert_int_equal(n, 1);
	assert_int_equal(rec[0].state, SYNQ_TCP_TIME_WAIT);
	/* what one call of /synq/conns costs the worker, at most: its budget of slots */
	{
		uint64_t worst = 0;
		uint32_t pos = 0;

		while (pos != SYNQ_TCP_WALK_END) {
			uint64_t t0 = rte_rdtsc();

			synq_tcp_conns_walk(worker()->tcp, &pos, SYNQ_CONNS_SLOTS, rec, 1);
			worst = RTE_MAX(worst, rte_rdtsc() - t0);
		}
		print_message("a call of %u slots: %.1f us at most\n", SYNQ_CONNS_SLOTS,
			(double)worst * 1e6 / (double)rte_get_tsc_hz());
	}
}

/* Telemetry: a client of EAL's socket, the test's main thread playing the worker. */
static int tel_fd = -1;

static void
tel_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char info[1024];

	if (tel_fd >= 0)
		return;
	assert_int_equal(synq_stats_telemetry_init(), 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	tel_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(tel_fd >= 0);
	assert_int_equal(connect(tel_fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_true(recv(tel_fd, info, sizeof(info), 0) > 0); /* the server's hello */
}

/*
 * Send @p cmd; until its reply comes (5 s at most), serve the worker's requests when
 * @p serve, as its loop does between two bursts. The reply's "/synq/conns" value
 * (the caller owns the document in *@p doc), its length in *@p len.
 */
static json_t *
tel_query(const char *cmd, bool serve, json_t **doc, size_t *len)
{
	static char buf[2 * TEL_MAX_OUTPUT];
	const struct timespec nap = {.tv_nsec = 100000};
	ssize_t n = -1;

	assert_int_equal(send(tel_fd, cmd, strlen(cmd), 0), (ssize_t)strlen(cmd));
	for (unsigned int i = 0; i < 50000 && n <= 0; i++) {
		if (serve)
			synq_worker_serve(worker());
		n = recv(tel_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n <= 0)
			nanosleep(&nap, NULL);
	}
	assert_true(n > 0);
	buf[n] = '\0';
	*len = (size_t)n;
	*doc = json_loads(buf, 0, NULL);
	assert_non_null(*doc);
	return json_object_get(*doc, "/synq/conns");
}

/* Characters of @p v in decimal. */
static size_t
digits(json_int_t v)
{
	char s[32];

	return (size_t)snprintf(s, sizeof(s), "%" JSON_INTEGER_FORMAT, v);
}

/* The most digits the value of key @p key can have (struct synq_tcp_conn_rec's types). */
static size_t
max_digits(const char *key)
{
	if (strcmp(key, "lport") == 0 || strcmp(key, "rport") == 0 || strcmp(key, "mss") == 0)
		return 5; /* uint16_t */
	if (strcmp(key, "lcore") == 0 || strcmp(key, "retrans") == 0)
		return 3; /* below RTE_MAX_LCORE; uint8_t */
	return 10;	  /* uint32_t */
}

/*
 * How much longer connection @p c could be: every number at its type's most digits,
 * every address at 39 characters, the state at 10, the app at 8, the keys left out
 * (no RTT sample, no ssthresh) there.
 */
static size_t
worst_extra(json_t *c)
{
	static const char *const optional[] = {"rtt_us", "rttvar_us", "ssthresh"};
	const char *key;
	size_t extra = 0;
	json_t *v;

	json_object_foreach (c, key, v) {
		if (json_is_integer(v))
			extra += max_digits(key) - digits(json_integer_value(v));
		else if (strcmp(key, "local") == 0 || strcmp(key, "remote") == 0)
			extra += 39 - strlen(json_string_value(v));
		else if (strcmp(key, "state") == 0)
			extra += 10 - strlen(json_string_value(v));
		else if (strcmp(key, "app") == 0)
			extra += 8 - strlen(json_string_value(v));
	}
	for (unsigned int i = 0; i < RTE_DIM(optional); i++)
		if (json_object_get(c, optional[i]) == NULL)
			extra += strlen(optional[i]) + 4 + 10; /* ,"key":value */
	return extra;
}

#define MANY (2 * SYNQ_CONNS_PAGE + 5)

/*
 * 2: /synq/conns pages: every connection exactly once over the pages, "total" the
 * count, each page a full SYNQ_CONNS_PAGE until the last, and a full page of IPv6
 * connections under 16 KB even with every number and address at its longest and
 * SYNQ_MAX_LCORES workers in syn_recv_lcores.
 */
static void
test_pages(void **state __rte_unused)
{
	static bool seen[MANY];
	struct flow f[MANY];
	uint64_t cursor = 0;
	unsigned int listed = 0, pages = 0, tw = 0;
	size_t worst = 0;

	tel_connect();
	for (unsigned int i = 0; i < MANY; i++) {
		f[i] = flow6(20 + i % 4, (uint16_t)(51000 + i), 86, 0x20000000 + i);
		open_flow(&f[i]);
		finish_flow(&f[i]);
	}
	for (;;) {
		char cmd[64];
		json_t *doc, *p, *c;
		size_t len, extra = 0;
		json_int_t count, next;

		snprintf(cmd, sizeof(cmd), "/synq/conns,%" PRIu64, cursor);
		p = tel_query(cmd, true, &doc, &len);
		assert_true(json_is_object(p));
		assert_null(json_object_get(p, "error"));
		assert_int_equal(json_integer_value(json_object_get(p, "total")), MANY + 1);
		assert_int_equal(json_integer_value(json_object_get(p, "offset")), cursor);
		count = json_integer_value(json_object_get(p, "count"));
		next = json_integer_value(json_object_get(p, "next"));
		for (json_int_t k = 0; k < count; k++) {
			char name[32];
			const char *state;
			json_int_t rport;

			snprintf(name, sizeof(name), "c%" JSON_INTEGER_FORMAT, k);
			c = json_object_get(p, name);
			assert_true(json_is_object(c));
			state = json_string_value(json_object_get(c, "state"));
			rport = json_integer_value(json_object_get(c, "rport"));
			assert_int_equal(json_integer_value(json_object_get(c, "lport")), 86);
			assert_int_equal(json_integer_value(json_object_get(c, "lcore")), 0);
			if (strcmp(state, "TIME-WAIT") == 0) {
				tw++; /* test 1's */
				continue;
			}
			assert_string_equal(state, "ESTAB");
			assert_string_equal(json_string_value(json_object_get(c, "app")), "hold");
			assert_string_equal(
				json_string_value(json_object_get(c, "local")), "2001:2::1");
			assert_true(rport >= 51000 && rport < 51000 + MANY);
			assert_false(seen[rport - 51000]);
			seen[rport - 51000] = true;
			listed++;
			extra += worst_extra(c);
		}
		/* exactly the dicts counted: nothing silently dropped at the 16 KB limit */
		assert_int_equal(json_object_size(p), 6 + (size_t)count);
		if (count == SYNQ_CONNS_PAGE) {
			/*
			 * syn_recv_lcores of SYNQ_MAX_LCORES workers ("127":<10 digits>,), and
			 * total, syn_recv, offset and next at 20 digits
			 */
			extra += SYNQ_MAX_LCORES * 17 + 4 * 20;
			worst = RTE_MAX(worst, len + extra);
			print_message("page of %u: %zu bytes, %zu at worst\n", SYNQ_CONNS_PAGE, len,
				len + extra);
		}
		json_decref(doc);
		pages++;
		if (next == -1)
			break;
		assert_true(next > 0);
		cursor = (uint64_t)next;
		assert_true(pages < 100);
	}
	assert_int_equal(listed, MANY);
	assert_int_equal(tw, 1);
	assert_true(worst > 0);
	assert_true(worst < TEL_MAX_OUTPUT);
	/* a cursor that is not one */
	{
		json_t *doc;
		size_t len;

		assert_true(json_is_null(tel_query("/synq/conns,x1", true, &doc, &len)));
		json_decref(doc);
	}
	assert_int_equal(drain(L86), MANY);
}

/* What a test's call does on the worker: count its runs. */
static void
count_run(struct synq_worker *w, void *arg)
{
	assert_ptr_equal(w, worker());
	(*(unsigned int *)arg)++;
}

struct caller {
	unsigned int timeout_ms;
	unsigned int *runs;
	int rc;
	bool done;
};

/* A control thread's synq_worker_call() to lcore 0. */
static void *
caller_main(void *arg)
{
	struct caller *c = arg;

	c->rc = synq_runtime_calls_begin(&rt);
	if (c->rc == 0) {
		c->rc = synq_worker_call(&rt, 0, count_run, c->runs, c->timeout_ms);
		synq_runtime_calls_end(&rt);
	}
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * 3: a worker that never answers: the call fails in its time with -ETIMEDOUT, the
 * request withdrawn (the worker's next pass runs nothing, the slot is free); a
 * worker that serves is called; /synq/conns says which lcore did not answer and works
 * again afterwards.
 */
static void
test_timeout(void **state __rte_unused)
{
	unsigned int runs = 0;
	struct caller c = {.timeout_ms = 50, .runs = &runs};
	pthread_t t;
	json_t *doc, *p;
	size_t len;

	assert_int_equal(pthread_create(&t, NULL, caller_main, &c), 0);
	pthread_join(t, NULL);
	assert_int_equal(c.rc, -ETIMEDOUT);
	synq_worker_serve(worker());
	assert_int_equal(runs, 0);
	assert_int_equal(atomic_load(&worker()->call.state), SYNQ_CALL_IDLE);

	c = (struct caller){.timeout_ms = 5000, .runs = &runs};
	assert_int_equal(pthread_create(&t, NULL, caller_main, &c), 0);
	while (!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE))
		synq_worker_serve(worker());
	pthread_join(t, NULL);
	assert_int_equal(c.rc, 0);
	assert_int_equal(runs, 1);

	/* no such lcore; the caller's own lcore runs it at once */
	assert_int_equal(synq_runtime_calls_begin(&rt), 0);
	assert_int_equal(synq_worker_call(&rt, 7, count_run, &runs, 10), -ENOENT);
	assert_int_equal(synq_worker_call(&rt, 0, count_run, &runs, 10), 0);
	synq_runtime_calls_end(&rt);
	assert_int_equal(runs, 2);

	tel_connect();
	p = tel_query("/synq/conns", false, &doc, &len);
	assert_non_null(strstr(json_string_value(json_object_get(p, "error")), "lcore 0"));
	json_decref(doc);
	assert_int_equal(atomic_load(&worker()->call.state), SYNQ_CALL_IDLE);
	/* a page may be empty while next is not -1: the walk has a budget of slots */
	for (json_int_t next = 0; next != -1; json_decref(doc)) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "/synq/conns,%" JSON_INTEGER_FORMAT, next);
		p = tel_query(cmd, true, &doc, &len);
		assert_null(json_object_get(p, "error"));
		next = json_integer_value(json_object_get(p, "next"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_timeout),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);

	if (tel_fd >= 0)
		close(tel_fd);
	return rc;
}
