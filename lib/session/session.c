/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The session pool (synq_session.h).
 */

#include <errno.h>
#include <string.h>

#include "synq_mem.h"
#include "synq_session.h"

int
synq_sessions_create(struct synq_sessions *ss, uint32_t nb, int socket)
{
	memset(ss, 0, sizeof(*ss));
	ss->eal_mem = synq_mem_eal();
	if (nb == 0)
		return 0; /* no listener: nothing to accept */
	ss->s = synq_mem_alloc("synq_sessions", (size_t)nb * sizeof(*ss->s), socket, ss->eal_mem);
	ss->free = synq_mem_ring("synq_session_free", nb, socket, ss->eal_mem);
	if (ss->s == NULL || ss->free == NULL) {
		synq_sessions_free(ss);
		return -ENOMEM;
	}
	ss->nb = nb;
	for (uint32_t i = 0; i < nb; i++)
		rte_ring_enqueue(ss->free, &ss->s[i]);
	return 0;
}

void
synq_sessions_free(struct synq_sessions *ss)
{
	synq_mem_free(ss->free, ss->eal_mem);
	synq_mem_free(ss->s, ss->eal_mem);
	memset(ss, 0, sizeof(*ss));
}

void
synq_session_free(struct synq_sessions *ss, struct synq_session *s)
{
	/* before the ring publishes it: whoever takes it sees the new generation */
	atomic_store_explicit(&s->gen, (uint16_t)(synq_session_gen(s) + 1), memory_order_relaxed);
	rte_ring_enqueue(ss->free, s);
}
