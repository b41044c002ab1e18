/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_HTTP_H
#define SYNQ_HTTP_H

/**
 * @file
 * A minimal HTTP/1.1 request-head parser and response builder (RFC 9112, kept small).
 *
 * The parser keeps no state between calls: the caller hands it the bytes received so
 * far and calls again, from the start, when more arrive. It reads only buf[0..len),
 * never allocates and needs nothing but libc, so it can be fuzzed on its own.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest Content-Length accepted (2^40); a larger one is malformed. */
#define SYNQ_HTTP_MAX_BODY (UINT64_C(1) << 40)

/** What a complete request head says. */
struct synq_http_req {
	uint32_t head_len; /* bytes of the request head, request line to the blank line inclusive */
	uint64_t body_len; /* Content-Length, 0 when absent */
	bool keep_alive;   /* the connection stays open after the response */
	bool http10;	   /* the request said HTTP/1.0 */
	/* Transfer-Encoding was present (not supported by synq: caller answers 501 and closes) */
	bool chunked;
	/* the request line's method, buf[0..method_len), and target, buf[target_off..
	 * target_off + target_len), both within head_len */
	uint32_t method_len;
	uint32_t target_off;
	uint32_t target_len;
};

/** Result of synq_http_parse(). */
enum synq_http_parse_rc {
	SYNQ_HTTP_MORE = 0,	  /* no complete head yet: call again with more bytes */
	SYNQ_HTTP_DONE = 1,	  /* a complete head; *req filled */
	SYNQ_HTTP_BAD = -1,	  /* malformed: answer 400 and close */
	SYNQ_HTTP_TOO_LARGE = -2, /* no blank line within max_head bytes: answer 431 and close */
};

/**
 * Parse the request head at the start of buf[0..len).
 *
 * The request line must be "<method> <target> HTTP/1.0|HTTP/1.1"; lines end with CRLF
 * or a bare LF; the head ends at the first empty line. Connection ("close",
 * "keep-alive"), Content-Length and Transfer-Encoding are interpreted, every other
 * field is only checked for syntax. Lines are checked as they complete, so a
 * malformed head can be reported before its end has arrived.
 *
 * @param buf       the bytes received so far (need not be NUL-terminated)
 * @param len       number of bytes in buf
 * @param max_head  largest head accepted, blank line included (larger than
 *                  UINT32_MAX - 4 counts as UINT32_MAX - 4); at most max_head + 4
 *                  bytes of buf are read
 * @param req       filled on SYNQ_HTTP_DONE only, left untouched otherwise
 * @return SYNQ_HTTP_DONE, SYNQ_HTTP_MORE, SYNQ_HTTP_BAD or SYNQ_HTTP_TOO_LARGE
 */
enum synq_http_parse_rc synq_http_parse(
	const char *buf, size_t len, size_t max_head, struct synq_http_req *req);

/**
 * Write a whole response (status line, headers, body) into out[0..cap).
 *
 * Reasons: 200 "OK", 400 "Bad Request", 408 "Request Timeout", 431 "Request Header
 * Fields Too Large", 501 "Not Implemented", 503 "Service Unavailable", any other
 * code "Error". Headers, in this order:
 * "HTTP/1.1 <code> <reason>", "Server: synq", "Content-Type: text/plain",
 * "Content-Length: <body_len>", then "Connection: close" when !keep_alive, or
 * "Connection: keep-alive" when keep_alive && http10 (HTTP/1.1 keeps alive by
 * default), then the empty line and the body bytes. out is not NUL-terminated.
 *
 * @param out         where the response goes
 * @param cap         bytes available at out
 * @param status      status code, 100..999
 * @param body        body bytes (may be NULL when body_len is 0)
 * @param body_len    number of body bytes
 * @param keep_alive  the connection stays open after this response
 * @param http10      the request was HTTP/1.0
 * @return the response length, or 0 when cap is too small or status is out of range
 *         (out may then hold a partial response)
 */
size_t synq_http_response(char *out, size_t cap, int status, const void *body, size_t body_len,
	bool keep_alive, bool http10);

#endif /* SYNQ_HTTP_H */
