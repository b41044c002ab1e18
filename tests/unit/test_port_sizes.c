/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The queues' sizes and the pool's reserve a port takes (synq_port_size_queues(),
 * synq_port_reserve()): on net_af_xdp rx_desc rounded to a power of two, the rx queue
 * holding the fill ring's 2048 mbufs, the tx queue what the XDP socket's tx ring
 * (rx_desc entries, whatever tx_desc says) and its completion ring (2048) hold; on
 * any other device, the descriptors as the device takes them.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "synq_port.h"

static void
test_other_device(void **state __rte_unused)
{
	struct synq_port p = {.nb_rxq = 2, .nb_txq = 1, .nb_rxd = 1000, .nb_txd = 512};

	synq_port_size_queues(&p);
	assert_int_equal(p.nb_rxd, 1000);
	assert_int_equal(p.nb_txd, 512);
	assert_int_equal(p.nb_rx_held, 1000);
	assert_int_equal(p.nb_tx_held, 512);
	assert_int_equal(synq_port_reserve(&p, 0), 2 * 1000 + 512 + 64);
	assert_int_equal(synq_port_reserve(&p, 256), 2 * 1000 + 512 + 64 + 384);
}

static void
test_af_xdp(void **state __rte_unused)
{
	struct synq_port p = {
		.nb_rxq = 1, .nb_txq = 1, .nb_rxd = 1000, .nb_txd = 64, .af_xdp = true};

	synq_port_size_queues(&p);
	assert_int_equal(p.nb_rxd, 1024);
	assert_int_equal(p.nb_rx_held, 2048);
	/* the socket's tx ring has rx_desc entries, then the completion ring */
	assert_int_equal(p.nb_tx_held, 1024 + 2048);
	assert_int_equal(synq_port_reserve(&p, 0), 2048 + 1024 + 2048 + 64);

	/* the largest rx_desc the config takes: a power of two already */
	p = (struct synq_port){
		.nb_rxq = 1, .nb_txq = 2, .nb_rxd = 16384, .nb_txd = 1024, .af_xdp = true};
	synq_port_size_queues(&p);
	assert_int_equal(p.nb_rxd, 16384);
	assert_int_equal(p.nb_rx_held, 16384);
	assert_int_equal(p.nb_tx_held, 16384 + 2048);
	/* past 2^15 (a device's count): 2^15, a power of two that fits 16 bits */
	p = (struct synq_port){.nb_rxq = 1, .nb_txq = 1, .nb_rxd = 40000, .af_xdp = true};
	synq_port_size_queues(&p);
	assert_int_equal(p.nb_rxd, 32768);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_device),
		cmocka_unit_test(test_af_xdp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
