/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What connections hold, by what it costs (docs/architecture.md, "Memory"): every
 * mbuf a connection keeps is charged its truesize (buffer and header, Linux's
 * skb->truesize), not its payload, for a 1-byte segment pins a 2 KiB buffer as a
 * 1448-byte one does.
 *
 *   per connection  rcv_mem: its receive queue, and what its application may still
 *                   hold of the segments it was handed; snd_mem: its send queue.
 *                   Receive limit tcp_mem_rcv_limit(); the send queue is bounded by
 *                   snd_buf bytes and collapsed on every send.
 *   per listener    rcv_mem of connections no application took yet (hold), against
 *                   tcp.unaccepted_mem.
 *   per worker      mem_held against mem_budget, its share of the pool beyond the
 *                   reserve of the rx/tx descriptors and lcore caches, so the NIC can
 *                   always refill: levels as Linux's tcp_mem (enum tcp_mem_level).
 *
 * What the application holds. It reports bytes consumed (rcv_unread goes down), not
 * buffers, and a consumed byte is dealt with (freed or sent, synq_app.h): so a buffer
 * is held until the application consumed past its last byte. Each delivery of a
 * buffer starts a run of rcv_held[] (the two oldest become one when all are in use),
 * and a run is let go once the bytes consumed pass its end: the consumed position is
 * the runs' bytes less rcv_unread, for every byte before the oldest run was consumed.
 * A partly consumed oldest run keeps what the buffers with its unconsumed bytes may
 * cost (run_trim()): the buffers that start there have min_len bytes at least, and
 * one more may begin before; none costs more than rcv_max_ts.
 * Never less than what the buffers with unconsumed bytes cost: each buffer is charged
 * to a run that ends at or after its last byte, so the run goes only once the buffer
 * is dealt with. Bytes copied into the receive queue's last buffer extend the newest
 * run (the one that holds that buffer); a collapse that frees buffers takes their
 * truesize from the oldest runs, which go first, so no charge goes earlier than the
 * freed buffers' own would have. An application that keeps a byte back is charged
 * about the buffers that hold the bytes it keeps and what came after, not everything
 * since it last consumed all.
 *
 * Small segments are collapsed (copied into the room of the buffer before them, as
 * Linux's tcp_collapse): on arrival into a receive queue, on SYNQ_CMD_SEND into the
 * send queue, and under pressure through a whole receive queue.
 */

#include <string.h>

#include "tcp_priv.h"

/* Can @p seg's bytes be copied into the room after @p tail's? */
static bool
fits(const struct rte_mbuf *tail, const struct rte_mbuf *seg)
{
	/* a shared or external buffer is not ours to write */
	return seg->next == NULL && RTE_MBUF_DIRECT(tail) && rte_mbuf_refcnt_read(tail) == 1 &&
		seg->data_len <= rte_pktmbuf_tailroom(tail);
}

bool
tcp_mem_append(struct rte_mbuf *tail, const struct rte_mbuf *seg)
{
	if (!fits(tail, seg))
		return false;
	memcpy(rte_pktmbuf_mtod_offset(tail, uint8_t *, tail->data_len),
		rte_pktmbuf_mtod(seg, const uint8_t *), seg->data_len);
	tail->data_len = (uint16_t)(tail->data_len + seg->data_len);
	tail->pkt_len = tail->data_len;
	return true;
}

void
tcp_mem_add(struct synq_tcp_worker *tw, struct tcp_conn *c, uint32_t *held, int64_t delta)
{
	/* a side begins to hold: no progress expected of it before now (tcp_mem_victim()) */
	if (delta > 0 && *held == 0)
		*(held == &c->rcv_mem ? &c->rcv_prog_ms : &c->snd_prog_ms) = tw->now_ms;
	*held = (uint32_t)((int64_t)*held + delta);
	tw->mem_held = (uint64_t)((int64_t)tw->mem_held + delta);
	tw->mem_of[c->listener] = (uint64_t)((int64_t)tw->mem_of[c->listener] + delta);
	if (held == &c->rcv_mem && !(c->wflags & WF_ATTACHED))
		tw->unaccepted_mem[c->listener] =
			(uint64_t)((int64_t)tw->unaccepted_mem[c->listener] + delta);
}

void
tcp_mem_release(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	tcp_mem_rcv_clear(tw, c);
	tcp_mem_add(tw, c, &c->snd_mem, -(int64_t)c->snd_mem);
}

void
tcp_mem_rcv_clear(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	tcp_mem_add(tw, c, &c->rcv_mem, -(int64_t)c->rcv_mem);
	c->rcv_held_nb = 0;
}

/* @p c's runs (beside the connection: struct tcp_conn has no room for them). */
static inline struct tcp_rcv_held *
runs(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	return tw->rcv_held[conn_idx(tw, c)];
}

void
tcp_mem_rcv_charge(struct synq_tcp_worker *tw, struct tcp_conn *c, uint32_t len,
	uint32_t truesize)
{
	struct tcp_rcv_held *r = runs(tw, c);

	/* bytes copied into the last buffer (no truesize) extend the newest run */
	if (c->rcv_held_nb == 0 || truesize != 0) {
		/* all in use: the two oldest become one (what it covers, it still charges) */
		if (c->rcv_held_nb == TCP_RCV_HELD) {
			r[0].len += r[1].len;
			r[0].mem += r[1].mem;
			r[0].min_len = RTE_MIN(r[0].min_len, r[1].min_len);
			memmove(&r[1], &r[2], (TCP_RCV_HELD - 2) * sizeof(r[0]));
			c->rcv_held_nb--;
		}
		r = &r[c->rcv_held_nb++];
		r->len = r->mem = 0;
		r->min_len = UINT32_MAX;
	} else {
		r = &r[c->rcv_held_nb - 1];
	}
	r->len += len;
	r->mem += truesize;
	if (truesize != 0) {
		r->min_len = RTE_MIN(r->min_len, len);
		tw->rcv_max_ts = RTE_MAX(tw->rcv_max_ts, truesize);
	}
	tcp_mem_add(tw, c, &c->rcv_mem, truesize);
}

/* @p freed of the receive queue's truesize went (collapse): from the oldest runs. */
static void
rcv_uncharge(struct synq_tcp_worker *tw, struct tcp_conn *c, uint32_t freed)
{
	struct tcp_rcv_held *r = runs(tw, c);

	freed = RTE_MIN(freed, c->rcv_mem); /* never below 0, whatever the runs say */
	tcp_mem_add(tw, c, &c->rcv_mem, -(int64_t)freed);
	for (unsigned int i = 0; i < c->rcv_held_nb && freed != 0; i++) {
		uint32_t d = RTE_MIN(freed, r[i].mem);

		r[i].mem -= d;
		freed -= d;
	}
}

uint32_t
tcp_mem_collapse_rcvq(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	struct rte_mbuf *t = c->rcvq;
	uint32_t freed = 0;

	while (t != NULL && t->next != NULL) {
		struct rte_mbuf *m = t->next;

		if (!tcp_mem_append(t, m)) {
			t = m;
			continue;
		}
		t->next = m->next;
		m->next = NULL;
		freed += tcp_truesize(m);
		rte_pktmbuf_free(m);
		synq_counter_inc(ctr, SYNQ_CTR_MEM_COLLAPSED);
	}
	c->rcvq_tail = t;
	rcv_uncharge(tw, c, freed);
	return freed;
}

void
tcp_mem_sndq_append(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct rte_mbuf *m)
{
	/* segment by segment: the queue is a list of segments, the chain's header goes */
	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		m->nb_segs = 1;
		m->pkt_len = m->data_len;
		if (c->sndq_tail != NULL && tcp_mem_append(c->sndq_tail, m)) {
			synq_counter_inc(ctr, SYNQ_CTR_MEM_COLLAPSED);
			rte_pktmbuf_free_seg(m);
		} else if (m->data_len == 0) {
			rte_pktmbuf_free_seg(m);
		} else {
			if (c->sndq_tail != NULL)
				c->sndq_tail->next = m;
			else
				c->sndq = m;
			c->sndq_tail = m;
			tcp_mem_add(tw, c, &c->snd_mem, tcp_truesize(m));
		}
		m = next;
	}
}

/*
 * What the oldest run @p r still needs once all but its last @p rest bytes are
 * consumed (rest < r->len): the buffers with a byte among them are those charged to it
 * that start there, min_len bytes each at least, and one that began before, each
 * rcv_max_ts at most. Never more than it has.
 */
static uint32_t
run_trim(const struct synq_tcp_worker *tw, const struct tcp_rcv_held *r, uint32_t rest)
{
	uint64_t need;

	if (r->min_len == 0 || r->min_len == UINT32_MAX)
		return r->mem;
	need = ((uint64_t)(rest + r->min_len - 1) / r->min_len + 1) * tw->rcv_max_ts;
	return (uint32_t)RTE_MIN(need, (uint64_t)r->mem);
}

void
tcp_mem_rcv_sync(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	uint32_t unread, total = 0, freed = 0, mem;
	struct tcp_rcv_held *r;
	unsigned int k = 0;

	if (c->rcv_held_nb == 0)
		return;
	r = runs(tw, c);
	unread = atomic_load_explicit(&conn_session(tw, c)->rcv_unread, memory_order_relaxed);
	for (unsigned int i = 0; i < c->rcv_held_nb; i++)
		total += r[i].len;
	/* consumed (total - unread) past the oldest run's end: its buffers are dealt with */
	while (k < c->rcv_held_nb && unread <= total - r[k].len) {
		total -= r[k].len;
		freed += r[k].mem;
		k++;
	}
	c->rcv_held_nb = (uint8_t)(c->rcv_held_nb - k);
	if (k != 0)
		memmove(&r[0], &r[k], c->rcv_held_nb * sizeof(r[0]));
	/* partly consumed, the oldest: what its unconsumed bytes' buffers may cost */
	if (c->rcv_held_nb != 0 && unread - (total - r[0].len) < r[0].len) {
		r[0].len = unread - (total - r[0].len);
		mem = run_trim(tw, &r[0], r[0].len);
		freed += r[0].mem - mem;
		r[0].mem = mem;
	}
	freed = RTE_MIN(freed, c->rcv_mem);
	if (freed == 0)
		return;
	c->rcv_prog_ms = tw->now_ms;
	tcp_mem_add(tw, c, &c->rcv_mem, -(int64_t)freed);
}

uint32_t
tcp_mem_rcv_limit(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	return conn_listener(tw, c)->tcp.rcv_buf * 2 + TCP_RCV_MEM_FLOOR;
}

uint32_t
tcp_mem_rcv_floor(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	if (tw->mem_level >= TCP_MEM_RESET)
		return 0;
	return RTE_MIN(tcp_mem_rcv_limit(tw, c), TCP_RCV_MEM_MIN);
}

void
tcp_mem_level(struct synq_tcp_worker *tw, struct synq_counters *ctr)
{
	uint64_t b = tw->mem_budget, h = tw->mem_held;
	uint8_t level = TCP_MEM_OK;

	if (h >= b)
		level = TCP_MEM_RESET;
	else if (h > b - b / 8)
		level = TCP_MEM_DROP;
	else if (h > b - b / 4)
		level = TCP_MEM_NO_OPEN;
	else if (h > b / 2)
		level = TCP_MEM_COLLAPSE;
	if (level > tw->mem_level)
		synq_counter_inc(ctr, SYNQ_CTR_MEM_PRESSURE_ENTERED);
	/*
	 * The pressure, from when data began to be dropped: not the last rise to the last,
	 * and not started over by a dip shorter than TCP_MEM_CALM_MS (else clients that
	 * leave and come back now and then would keep it from ever lasting long enough
	 * for the holder rule).
	 */
	if (level >= TCP_MEM_DROP) {
		if (!tw->mem_pressed) {
			tw->mem_pressed = true;
			tw->mem_reset_ms = tw->now_ms;
		}
		tw->mem_calming = false;
	} else if (tw->mem_pressed && !tw->mem_calming) {
		tw->mem_calming = true;
		tw->mem_calm_ms = tw->now_ms;
	} else if (tw->mem_pressed && tw->now_ms - tw->mem_calm_ms >= TCP_MEM_CALM_MS) {
		tw->mem_pressed = false;
	}
	tw->mem_level = level;
}

bool
tcp_mem_rcv_admit(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	uint32_t truesize)
{
	const struct synq_listener *l = conn_listener(tw, c);
	uint32_t limit = tcp_mem_rcv_limit(tw, c);
	bool unaccepted = !(c->wflags & WF_ATTACHED);

	tcp_mem_rcv_sync(tw, c);
	tcp_mem_level(tw, ctr);
	/* first what costs nothing but a copy: the receive queue's small segments */
	if (c->rcv_mem + truesize > limit || tw->mem_level >= TCP_MEM_COLLAPSE ||
		(unaccepted && tw->unaccepted_mem[c->listener] + truesize >
			l->tcp.unaccepted_mem))
		tcp_mem_collapse_rcvq(tw, ctr, c);
	if (c->rcv_mem + truesize > limit) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_RCV_MEM_DROPS);
		return false;
	}
	if (unaccepted && tw->unaccepted_mem[c->listener] + truesize > l->tcp.unaccepted_mem) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_UNACCEPTED_MEM_DROPS);
		return false;
	}
	/* past 7/8 of the budget, only what every connection may hold (not at the last) */
	if (tw->mem_held + truesize > tw->mem_budget - tw->mem_budget / 8 &&
		(tw->mem_held + truesize > tw->mem_budget ||
			c->rcv_mem + truesize > tcp_mem_rcv_floor(tw, c))) {
		synq_counter_inc(ctr, SYNQ_CTR_MEM_PRESSURE_DROPS);
		return false;
	}
	return true;
}

/* @p c's source: its /24 (IPv4, the family above the address) or its /64 (IPv6). */
static uint64_t
src_prefix(const struct tcp_conn *c)
{
	const uint8_t *a = c->key.saddr;
	uint64_t p = 0;

	if (c->key.family == 4)
		return (UINT64_C(4) << 32) | ((uint64_t)a[0] << 16) | ((uint64_t)a[1] << 8) | a[2];
	for (unsigned int i = 0; i < 8; i++)
		p = (p << 8) | a[i];
	return p;
}

enum tcp_victim
tcp_mem_victim(struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	uint64_t held = (uint64_t)c->rcv_mem + c->snd_mem, est = UINT64_MAX;
	uint64_t p = src_prefix(c);
	uint8_t cur = tw->src_cur;
	uint32_t stall = c->rtx_ms != 0 ? TCP_MEM_STALL_RTX_MS : TCP_MEM_STALL_MS;
	bool stalled;

	/* TIME-WAIT holds at most its last ACK, to be sent: not a source's to weigh */
	if (held == 0 || c->state == SYNQ_TCP_TIME_WAIT)
		return TCP_VICTIM_NONE;
	/* this sweep's sums; the estimate from the last sweep's, never below its own */
	for (unsigned int r = 0; r < TCP_SRC_ROWS; r++) {
		uint32_t h = (uint32_t)((p * tw->src_mul[r]) >> (64 - TCP_SRC_BITS));

		/* the slots it begins to count, to clear them alone (a few, or all) */
		if (tw->src_mem[cur][r][h] == 0 && tw->src_nb_touched[cur] <= TCP_SRC_TOUCHED) {
			if (tw->src_nb_touched[cur] < TCP_SRC_TOUCHED)
				tw->src_touched[cur][tw->src_nb_touched[cur]] =
					(uint16_t)(r * TCP_SRC_SLOTS + h);
			tw->src_nb_touched[cur]++;
		}
		tw->src_mem[cur][r][h] += held;
		est = RTE_MIN(est, tw->src_mem[cur ^ 1][r][h]);
	}
	est = RTE_MAX(est, held);
	/* by the side that holds the most: a byte taken now and then moves no send queue */
	stalled = tw->now_ms - (c->snd_mem > c->rcv_mem ? c->snd_prog_ms : c->rcv_prog_ms) >=
		stall;
	if (stalled) {
		tw->victim_next[0] = RTE_MAX(tw->victim_next[0], est);
		tw->victim_sum_next[0] += held;
	}
	tw->victim_next[1] = RTE_MAX(tw->victim_next[1], est);
	tw->victim_sum_next[1] += held;
	/*
	 * Once the pressure (level 3 or 4) lasted as long as a holder takes to stall: at
	 * level 3 too, for received data is dropped before it reaches the last level, so a
	 * budget filled to within a segment (send queues nobody acknowledges) would stay
	 * there; and not at once at level 4, for the sums before the pressure say nothing
	 * of who fills the budget now (a larger holder that just began may yet stall).
	 */
	if (tw->mem_level < TCP_MEM_DROP || tw->now_ms - tw->mem_reset_ms < TCP_MEM_STALL_MS)
		return TCP_VICTIM_NONE;
	/*
	 * Stalled connections hold a quarter of it or more: they go first, of the sources
	 * holding at least half of the largest stalled one's. A host's many small
	 * connections weigh what they hold together, and one that moves is never reset
	 * for one that does not.
	 */
	if (tw->victim_sum[0] >= tw->victim_sum[1] / 4)
		return stalled && est >= tw->victim_max[0] / 2 ? TCP_VICTIM_STALLED
							       : TCP_VICTIM_NONE;
	/*
	 * Too little is stalled to make room (a few small decoys, or nothing), and the
	 * pressure lasted longer than a holder takes to stall (one that began with it and
	 * never moved was counted stalled by now): the largest sources, as above, moving
	 * or not.
	 */
	if (tw->now_ms - tw->mem_reset_ms >= TCP_MEM_HOLDER_MS &&
		est >= tw->victim_max[1] / 2)
		return TCP_VICTIM_HOLDER;
	return TCP_VICTIM_NONE;
}

void
tcp_mem_sweep_done(struct synq_tcp_worker *tw)
{
	memcpy(tw->victim_max, tw->victim_next, sizeof(tw->victim_max));
	memcpy(tw->victim_sum, tw->victim_sum_next, sizeof(tw->victim_sum));
	memset(tw->victim_next, 0, sizeof(tw->victim_next));
	memset(tw->victim_sum_next, 0, sizeof(tw->victim_sum_next));
	tw->src_cur ^= 1;
	/* a sweep of a small table ends every timers call: clear what it counted alone */
	if (tw->src_nb_touched[tw->src_cur] > TCP_SRC_TOUCHED) {
		memset(tw->src_mem[tw->src_cur], 0, sizeof(tw->src_mem[0]));
	} else {
		for (unsigned int i = 0; i < tw->src_nb_touched[tw->src_cur]; i++) {
			uint16_t t = tw->src_touched[tw->src_cur][i];

			tw->src_mem[tw->src_cur][t / TCP_SRC_SLOTS][t % TCP_SRC_SLOTS] = 0;
		}
	}
	tw->src_nb_touched[tw->src_cur] = 0;
}

void
tcp_mem_publish(struct synq_tcp_worker *tw)
{
	for (unsigned int i = 0; i < synq_listeners_nb(tw->listeners); i++) {
		int64_t d = (int64_t)(tw->mem_of[i] - tw->mem_shown[i]);

		if (d == 0)
			continue;
		atomic_fetch_add_explicit(&tw->listeners->l[i].mem_held, (uint64_t)d,
			memory_order_relaxed);
		tw->mem_shown[i] = tw->mem_of[i];
	}
}
