/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The final ACK's data under the memory limits (issue 11): data that rides on the ACK
 * completing a handshake is admitted as any later segment's is, so that a host that
 * opens connections to a listener nobody accepts from (hold) and puts a byte on each
 * final ACK cannot hold more than tcp.unaccepted_mem, whatever the backlog.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

static const char config[] =
	HARNESS_PORT_CONFIG("both")
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32, \"conn_share\": 50 },"
	"  \"listeners\": ["
	"    { \"port\": 90, \"rcv_buf\": 65536, \"window_scale\": 0, \"backlog\": 4096 } ],"
	"  \"tcp\": { \"unaccepted_mem\": 65536 } }";

HARNESS_SETUP(.name = "tcp_mem_final", .config = config);

/*
 * 100 handshakes, a byte on each final ACK, nobody accepting: no more than 64 KiB
 * (28 buffers) is taken, the rest is refused and counted, and every connection is
 * promoted all the same (the client sends its byte again).
 */
static void
test_final_ack_data_under_unaccepted_mem(void **state __rte_unused)
{
	static const uint8_t one = 'x';
	struct snap s;

	snap_take(&s);
	for (unsigned int i = 0; i < 100; i++) {
		struct flow f = flow4(93, (uint16_t)(49000 + i), 90, 0x93000000 + i * 0x10000);
		struct rte_mbuf *out[4];
		unsigned int n;

		open_flow(&f);
		data_in(&f, f.isn + 1, &one, 1);
		n = poll_idle(out, RTE_DIM(out));
		rte_pktmbuf_free_bulk(out, n);
	}
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 100);
	assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) <= 65536);
	assert_true(delta(&s, SYNQ_CTR_TCP_UNACCEPTED_MEM_DROPS) >= 100 - 65536 / 2304);
	assert_int_equal(drain(0), 100);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_final_ack_data_under_unaccepted_mem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
