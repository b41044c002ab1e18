/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the HTTP request-head parser (lib/app/http.c) and the response
 * builder. The input, after two bytes that choose max_head, is the bytes received so
 * far, copied to the very end of an allocation of their own size: a read past them
 * hits AddressSanitizer's redzone. Checked on every input: the parser is a function
 * of (bytes, max_head) alone (the same call twice, the same answer); a complete head
 * is within the bytes and within max_head, its Content-Length within bounds, and it
 * is the shortest complete prefix (the head alone parses to the same request, one
 * byte less does not complete); a response built for it parses back as one with
 * the same framing.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "synq_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static int
same_req(const struct synq_http_req *a, const struct synq_http_req *b)
{
	return a->head_len == b->head_len && a->body_len == b->body_len &&
	       a->keep_alive == b->keep_alive && a->http10 == b->http10 && a->chunked == b->chunked;
}

/* A response head synq builds parses as a complete head of its own length. */
static void
check_response(const struct synq_http_req *req, const uint8_t *body, size_t body_len)
{
	static const int status[] = {200, 400, 431, 501, 999, 100};
	char out[512];
	size_t n = synq_http_response(out, sizeof(out),
		status[body_len % (sizeof(status) / sizeof(status[0]))], body, body_len,
		req->keep_alive, req->http10);

	check(n <= sizeof(out));
	if (n == 0)
		return;
	check(n >= body_len);
	/* a response is not a request; only its bounds are checked */
	check(memcmp(out, "HTTP/1.1 ", 9) == 0);
	check(memcmp(out + n - body_len, body, body_len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t heads[] = {0, 1, 16, 64, 256, 2048, 8192, SIZE_MAX};
	struct synq_http_req req, again, none;
	enum synq_http_parse_rc rc, rc2;
	size_t max_head, len;
	char *mem, *buf;

	if (size < 2)
		return 0;
	max_head = heads[data[0] & 7];
	if (data[0] & 8)
		max_head = (size_t)data[1] * 4;
	len = size - 2;
	/* the request bytes end where their allocation ends (one byte before: malloc(0)) */
	mem = malloc(len + 1);
	if (mem == NULL)
		abort();
	buf = mem + 1;
	memcpy(buf, data + 2, len);

	memset(&req, 0xa5, sizeof(req));
	memset(&none, 0xa5, sizeof(none));
	rc = synq_http_parse(buf, len, max_head, &req);
	check(rc == SYNQ_HTTP_MORE || rc == SYNQ_HTTP_DONE || rc == SYNQ_HTTP_BAD ||
		rc == SYNQ_HTTP_TOO_LARGE);
	memset(&again, 0xa5, sizeof(again));
	rc2 = synq_http_parse(buf, len, max_head, &again);
	check(rc2 == rc);
	if (rc != SYNQ_HTTP_DONE) {
		/* *req untouched unless DONE */
		check(memcmp(&again, &none, sizeof(none)) == 0);
		check(memcmp(&req, &none, sizeof(none)) == 0);
		/* MORE means nothing over max_head has been seen yet */
		if (rc == SYNQ_HTTP_MORE)
			check(len <= max_head || max_head >= UINT32_MAX - 4);
	} else {
		check(same_req(&req, &again));
		check(req.head_len >= 2 && req.head_len <= len);
		check(req.head_len <= max_head);
		check(req.body_len <= SYNQ_HTTP_MAX_BODY);
		check(buf[req.head_len - 1] == '\n');
		/* the head alone: the same request */
		check(synq_http_parse(buf, req.head_len, max_head, &again) == SYNQ_HTTP_DONE);
		check(same_req(&req, &again));
		/* a byte less: never complete */
		check(synq_http_parse(buf, req.head_len - 1, max_head, &again) != SYNQ_HTTP_DONE);
		check_response(&req, data + 2, len - req.head_len < 64 ? len - req.head_len : 64);
	}
	free(mem);
	return 0;
}
