/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_BUILTIN_PRIV_H
#define SYNQ_BUILTIN_PRIV_H

/*
 * What the built-in applications share between builtin.c (dispatch, hold, reset,
 * close, echo) and builtin_http.c (http): the flags kept in a session's app_u64[0].
 */

#include "synq_app.h"
#include "synq_http.h"

#define AF_CLOSING 0x1	   /* we closed or aborted it: nothing more to send */
#define AF_DEAD 0x2	   /* reset: nothing more to send */
#define AF_BLOCKED 0x4	   /* echo: in a->blocked, waiting for snd_buf room */
#define AF_PEER_CLOSED 0x8 /* echo, http: close once what waits has gone out */
#define AF_STREAMING 0x10  /* metrics: a response goes out (builtin_metrics.c) */
#define AF_FLAGS 0xffu	   /* the flags; http keeps more in the bits above */

/*
 * Keep @p m, a data event's mbuf, after @p tail, the last one of a list of mbufs kept
 * unconsumed (echo's data waiting for room, http's paused input): a segment that fits
 * is copied into @p tail's room and freed, so that what waits costs about what its
 * bytes do, not a 2 KiB buffer per segment (1-byte segments, issue 11); else linked.
 * The worker still charges every buffer it handed over (tcp_mem.c) until the
 * application has consumed everything: that bounds what a collapse cannot save.
 *
 * @return the new last mbuf of the list.
 */
struct rte_mbuf *builtin_keep(struct rte_mbuf *tail, struct rte_mbuf *m);

/* The listener's response for http, built once per lcore: 0, or -ENOMEM. */
int builtin_http_prepare(struct synq_app_lcore *a, unsigned int li);

/* http: a data event (the mbuf is the app's). */
void builtin_http_data(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *m);

/* http: the client's FIN. */
void builtin_http_peer_closed(struct synq_app_lcore *a, struct synq_session *s);

/* http: drop what the session keeps (head buffer, unread input, its paused entry). */
void builtin_http_free(struct synq_app_lcore *a, struct synq_session *s);

/* http: paused sessions that have room again, and head deadlines at @p now_ms. */
void builtin_http_poll(struct synq_app_lcore *a, uint64_t now_ms);

/* http: deal with the input of @p s again (a metrics response has gone out). */
void builtin_http_resume(struct synq_app_lcore *a, struct synq_session *s);

/* http: a RST; what the session keeps goes. */
void builtin_http_abort(struct synq_app_lcore *a, struct synq_session *s);

/*
 * metrics (builtin_metrics.c), on the http app's request handling. The room a
 * response's head or a 404 takes at most (what http reserves in snd_buf).
 */
#define BUILTIN_METRICS_HEAD_MAX 256u

/* metrics: its state on @p a, made at the first poll that needs it; 0 or -ENOMEM. */
int builtin_metrics_prepare(struct synq_app_lcore *a);

/*
 * metrics: answer a complete request head at @p head: the text streams from the poll
 * on, or a 404. @return 0, an HTTP status to answer with an error and a close (503),
 * or -ENOBUFS (nothing could be sent: the node is out of memory).
 */
int builtin_metrics_answer(struct synq_app_lcore *a, struct synq_session *s, const char *head,
	const struct synq_http_req *req);

/* metrics: whether a response of @p s is going out (its input waits meanwhile). */
bool builtin_metrics_streaming(const struct synq_session *s);

/* metrics: the streams' next bytes, their ends and deadlines. */
void builtin_metrics_poll(struct synq_app_lcore *a);

/* metrics: drop the stream of @p s, if any (reset, closed). */
void builtin_metrics_free(struct synq_app_lcore *a, struct synq_session *s);

/* metrics: free its state (at synq_app_free()). */
void builtin_metrics_fini(struct synq_app_lcore *a);

/* proxy (builtin_proxy.c): its state for @p a's proxy listeners; 0 or -ENOMEM. */
int builtin_proxy_prepare(struct synq_app_lcore *a);

/* proxy: a session accepted on proxy listener @p l: its backend connection opened. */
void builtin_proxy_accepted(struct synq_app_lcore *a, struct synq_session *s);

/* proxy: an event of one of its sessions (client or backend side). */
void builtin_proxy_event(struct synq_app_lcore *a, const struct synq_app_event *ev);

/* proxy: the sides that wait for room, and the connects past their deadline. */
void builtin_proxy_poll(struct synq_app_lcore *a, uint64_t now_ms);

/* proxy: free its state (at synq_app_free()). */
void builtin_proxy_free(struct synq_app_lcore *a);

#endif /* SYNQ_BUILTIN_PRIV_H */
