/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker carries the proxy's connection to a backend (lib/app/proxy_worker.c,
 * issue 13), from parsed configs as synq builds them: the client's worker when it may
 * connect from the backend's port, else the worker of that port's queue 0; on a port
 * of several queues without RSS, only a worker whose first queue of the port is 0
 * may; and the start check (synq_app_proxy_check()) that refuses a backend whose port
 * no worker may connect from, naming the listener, the backend and the port.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proxy_priv.h"
#include "synq_config.h"
#include "synq_route.h"

static struct synq_config cfg;
static struct synq_route_table rt;
static struct proxy_workers pw;
static char err[SYNQ_CONFIG_ERR_LEN];

#define PA 0 /* port "a", 198.18.0.1/24: the clients' */
#define PB 1 /* port "b", 198.18.1.1/24, a default route behind it: the backends' */

/*
 * Parse the two ports (b with @p b_queues rx queues), the lcores @p lcores, one proxy
 * listener with a backend on b's subnet and one behind the router; build the routes.
 */
static void
build(unsigned int b_queues, const char *lcores)
{
	char text[4096];

	snprintf(text, sizeof(text),
		"{\"ports\":[{\"name\":\"a\",\"ipv4\":[\"198.18.0.1/24\"]},"
		"{\"name\":\"b\",\"ipv4\":[\"198.18.1.1/24\"],\"rx_queues\":%u}],"
		"\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.1.254\"}],"
		"\"lcores\":[%s],"
		"\"listeners\":[{\"port\":90,\"app\":\"proxy\",\"backends\":["
		"{\"address\":\"198.18.1.2\",\"port\":80},"
		"{\"address\":\"203.0.113.5\",\"port\":80}]}]}",
		b_queues, lcores);
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s: %s", text, err);
	assert_int_equal(synq_route_build(&rt, &cfg), 0);
}

/* One port a worker: a client of lcore 0 goes to lcore 1 for b, stays for a. */
static void
test_one_port_each(void **state __rte_unused)
{
	build(1, "{\"lcore\":0,\"role\":\"both\",\"rx\":[{\"port\":\"a\"}]},"
		 "{\"lcore\":1,\"rx\":[{\"port\":\"b\"}]}");
	proxy_workers_build(&pw, &cfg, 0);
	assert_int_equal(proxy_worker_of(&pw, 0, PB), 1);
	assert_int_equal(proxy_worker_of(&pw, 0, PA), 0);
	assert_int_equal(proxy_worker_of(&pw, 1, PB), 1);
	assert_int_equal(proxy_worker_of(&pw, 1, PA), 0);
	/* an lcore that polls nothing (the app's), or none at all: the port's */
	assert_int_equal(proxy_worker_of(&pw, 7, PB), 1);
	assert_int_equal(proxy_worker_of(&pw, PROXY_NO_WORKER, PB), 1);
	/* a port that does not exist: none */
	assert_int_equal(proxy_worker_of(&pw, 0, SYNQ_MAX_PORTS), PROXY_NO_WORKER);
	assert_int_equal(proxy_worker_of(&pw, 0, 5), PROXY_NO_WORKER);
	assert_int_equal(synq_app_proxy_check(&cfg, &rt, 0, err, sizeof(err)), 0);
	/* no config (an embedding without routes): no worker anywhere */
	proxy_workers_build(&pw, NULL, 0);
	assert_int_equal(proxy_worker_of(&pw, 0, PA), PROXY_NO_WORKER);
}

/*
 * Port b of two queues: lcore 0 polls its queue 1, lcore 1 its queue 0. Without RSS a
 * reply to lcore 0's connection could not be steered to queue 1: lcore 1 carries it;
 * with RSS known lcore 0 keeps it.
 */
static void
test_rss_known(void **state __rte_unused)
{
	build(2, "{\"lcore\":0,\"role\":\"both\",\"rx\":[{\"port\":\"a\"},"
		 "{\"port\":\"b\",\"queue\":1}]},"
		 "{\"lcore\":1,\"rx\":[{\"port\":\"b\",\"queue\":0}]}");
	proxy_workers_build(&pw, &cfg, 0);
	assert_int_equal(proxy_worker_of(&pw, 0, PB), 1);
	assert_int_equal(proxy_worker_of(&pw, 1, PB), 1);
	proxy_workers_build(&pw, &cfg, 1u << PB);
	assert_int_equal(proxy_worker_of(&pw, 0, PB), 0);
	assert_int_equal(proxy_worker_of(&pw, 1, PB), 1);
	/* a worker that does not poll b at all still goes to queue 0's */
	assert_int_equal(proxy_worker_of(&pw, 3, PB), 1);
}

/*
 * Port b of two queues, its queue 0's worker listing queue 1 first: without RSS the
 * transport would open from queue 1 and fail, so no worker may; the start check
 * names the listener, the backend and the port. With RSS known it passes.
 */
static void
test_check_refuses(void **state __rte_unused)
{
	build(2,
		"{\"lcore\":0,\"role\":\"both\",\"rx\":[{\"port\":\"a\"}]},"
		"{\"lcore\":1,\"rx\":[{\"port\":\"b\",\"queue\":1},{\"port\":\"b\",\"queue\":0}]}");
	proxy_workers_build(&pw, &cfg, 0);
	assert_int_equal(proxy_worker_of(&pw, 0, PB), PROXY_NO_WORKER);
	assert_int_equal(proxy_worker_of(&pw, 1, PB), PROXY_NO_WORKER);
	assert_int_equal(proxy_worker_of(&pw, 0, PA), 0);
	assert_int_equal(synq_app_proxy_check(&cfg, &rt, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "config error: listeners[0].backends[0].address: "
				    "198.18.1.2 is reached through port \"b\""));
	assert_non_null(strstr(err, "lists queue 0 of \"b\" before"));
	assert_int_equal(synq_app_proxy_check(&cfg, &rt, 1u << PB, err, sizeof(err)), 0);
	proxy_workers_build(&pw, &cfg, 1u << PB);
	assert_int_equal(proxy_worker_of(&pw, 0, PB), 1);

	/* the backend behind the router leaves from b too */
	build(1, "{\"lcore\":0,\"role\":\"both\",\"rx\":[{\"port\":\"a\"}]},"
		 "{\"lcore\":1,\"rx\":[{\"port\":\"b\"}]}");
	cfg.listeners[0].proxy.backends[0] = cfg.listeners[0].proxy.backends[1];
	cfg.listeners[0].proxy.nb_backends = 1;
	cfg.lcores[1].rx[0].queue = 1; /* forged: b's only queue polled as another */
	assert_int_equal(synq_app_proxy_check(&cfg, &rt, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "203.0.113.5 is reached through port \"b\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_port_each),
		cmocka_unit_test(test_rss_known),
		cmocka_unit_test(test_check_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
