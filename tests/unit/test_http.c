/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP request heads and responses: keep-alive rules, framing (Content-Length,
 * Transfer-Encoding), incremental and pipelined input, every class of malformed head,
 * the size bound, what real load generators send, and the exact response bytes.
 * Inputs are copied into buffers of their exact length so that ASan catches a read of
 * buf[len].
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "synq_http.h"

#define MAX_HEAD 8192

/* Parse the first len bytes of s from a heap copy holding exactly those bytes. */
static enum synq_http_parse_rc
parse_n(const char *s, size_t len, size_t max_head, struct synq_http_req *req)
{
	char *copy = malloc(len ? len : 1);
	enum synq_http_parse_rc rc;

	assert_non_null(copy);
	memcpy(copy, s, len);
	rc = synq_http_parse(copy, len, max_head, req);
	free(copy);
	return rc;
}

static enum synq_http_parse_rc
parse(const char *s, struct synq_http_req *req)
{
	return parse_n(s, strlen(s), MAX_HEAD, req);
}

/* s is a whole head: DONE, head_len its length, req returned for further checks. */
static struct synq_http_req
parse_done(const char *s)
{
	struct synq_http_req req;

	memset(&req, 0xa5, sizeof(req));
	if (parse(s, &req) != SYNQ_HTTP_DONE)
		fail_msg("\"%s\": got %d, want DONE", s, parse(s, &req));
	assert_int_equal(req.head_len, strlen(s));
	return req;
}

static void
expect_rc(const char *s, enum synq_http_parse_rc want)
{
	struct synq_http_req req;

	if (parse(s, &req) != (int)want)
		fail_msg("\"%s\": got %d, want %d", s, parse(s, &req), want);
}

static void
test_simple_get(void **state)
{
	const char *s = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n";
	struct synq_http_req req = parse_done(s);

	(void)state;
	assert_int_equal(req.head_len, 47);
	assert_true(req.keep_alive);
	assert_false(req.http10);
	assert_false(req.chunked);
	assert_int_equal(req.body_len, 0);
	/* no header field at all is fine */
	assert_true(parse_done("GET / HTTP/1.1\r\n\r\n").keep_alive);
}

static void
test_http10_default_close(void **state)
{
	struct synq_http_req req = parse_done("GET / HTTP/1.0\r\nHost: a\r\n\r\n");

	(void)state;
	assert_true(req.http10);
	assert_false(req.keep_alive);
}

static void
test_http10_keep_alive(void **state)
{
	struct synq_http_req req = parse_done("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");

	(void)state;
	assert_true(req.http10);
	assert_true(req.keep_alive);
	/* "close" wins over "keep-alive", in one field or in two */
	assert_false(
		parse_done("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keep_alive);
	assert_false(parse_done("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
				"Connection: close\r\n\r\n")
			     .keep_alive);
}

static void
test_http11_close(void **state)
{
	struct synq_http_req req = parse_done("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");

	(void)state;
	assert_false(req.http10);
	assert_false(req.keep_alive);
	/* field name and token in any case, whitespace around the value */
	assert_false(parse_done("GET / HTTP/1.1\r\ncOnNeCtIoN:\t CLOSE \t\r\n\r\n").keep_alive);
	/* "Keep-Alive" on 1.1 changes nothing */
	assert_true(parse_done("GET / HTTP/1.1\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
}

static void
test_connection_token_list(void **state)
{
	(void)state;
	assert_true(
		parse_done("GET / HTTP/1.0\r\nConnection: keep-alive, Upgrade\r\n\r\n").keep_alive);
	assert_false(parse_done("GET / HTTP/1.1\r\nConnection: foo, CLOSE\r\n\r\n").keep_alive);
	assert_false(parse_done("GET / HTTP/1.1\r\nConnection: ,, close ,\r\n\r\n").keep_alive);
	assert_false(parse_done("GET / HTTP/1.1\r\nConnection: foo\r\nConnection: close\r\n\r\n")
			     .keep_alive);
	/* whole tokens only: these name neither "close" nor "keep-alive" */
	assert_true(parse_done("GET / HTTP/1.1\r\nConnection: closed, xclose\r\n\r\n").keep_alive);
	assert_false(parse_done("GET / HTTP/1.0\r\nConnection: keep-alive2\r\n\r\n").keep_alive);
	assert_false(parse_done("GET / HTTP/1.0\r\nConnection: keep alive\r\n\r\n").keep_alive);
	/* another field whose value says close is not Connection */
	assert_true(parse_done("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n").keep_alive);
	assert_true(parse_done("GET / HTTP/1.1\r\nConnectio: close\r\n\r\n").keep_alive);
}

static void
test_incremental(void **state)
{
	const char *s = "POST /upload HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n"
			"Content-Length: 12\r\nX-Empty:\r\n\r\n";
	size_t n = strlen(s);
	struct synq_http_req whole = parse_done(s), req, untouched;

	(void)state;
	for (size_t k = 0; k < n; k++) {
		memset(&req, 0x5a, sizeof(req));
		untouched = req;
		if (parse_n(s, k, MAX_HEAD, &req) != SYNQ_HTTP_MORE)
			fail_msg("prefix of %zu bytes: not MORE", k);
		/* nothing is written until the head is complete */
		assert_memory_equal(&req, &untouched, sizeof(req));
	}
	memset(&req, 0, sizeof(req));
	assert_int_equal(parse_n(s, n, MAX_HEAD, &req), SYNQ_HTTP_DONE);
	assert_int_equal(req.head_len, whole.head_len);
	assert_int_equal(req.body_len, 12);
	assert_true(req.keep_alive);
	assert_true(req.http10);
	assert_false(req.chunked);
}

static void
test_pipelined(void **state)
{
	const char *s = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
			"GET /b HTTP/1.1\r\nConnection: close\r\n\r\n"
			"GET /c";
	size_t n = strlen(s), off;
	struct synq_http_req req;

	(void)state;
	assert_int_equal(parse_n(s, n, MAX_HEAD, &req), SYNQ_HTTP_DONE);
	assert_int_equal(req.head_len, 39);
	assert_int_equal(req.body_len, 5);
	assert_true(req.keep_alive);
	off = req.head_len + req.body_len;
	assert_memory_equal(s + off, "GET /b", 6);

	assert_int_equal(parse_n(s + off, n - off, MAX_HEAD, &req), SYNQ_HTTP_DONE);
	assert_int_equal(req.head_len, 38);
	assert_int_equal(req.body_len, 0);
	assert_false(req.keep_alive);
	off += req.head_len;

	/* the third request has not fully arrived */
	assert_int_equal(parse_n(s + off, n - off, MAX_HEAD, &req), SYNQ_HTTP_MORE);
}

static void
test_content_length(void **state)
{
	(void)state;
	assert_int_equal(parse_done("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").body_len, 0);
	assert_int_equal(parse_done("POST / HTTP/1.1\r\nContent-Length: 42\r\n\r\n").body_len, 42);
	assert_int_equal(parse_done("POST / HTTP/1.1\r\ncontent-length:007 \r\n\r\n").body_len, 7);
	assert_int_equal(
		parse_done("POST / HTTP/1.1\r\nContent-Length: 1099511627776\r\n\r\n").body_len,
		SYNQ_HTTP_MAX_BODY);
	/* leading zeros do not count towards the bound */
	assert_int_equal(parse_done("POST / HTTP/1.1\r\nContent-Length: "
				    "000000000000000000000000000000001\r\n\r\n")
				 .body_len,
		1);
	/* repeated, equal: accepted */
	assert_int_equal(parse_done("POST / HTTP/1.1\r\nContent-Length: 9\r\nHost: a\r\n"
				    "Content-Length: 09\r\n\r\n")
				 .body_len,
		9);

	expect_rc("POST / HTTP/1.1\r\nContent-Length: 1099511627777\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: 18446744073709551617\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", SYNQ_HTTP_BAD);
	/* conflicting values: which one frames the body is exactly the smuggling question */
	expect_rc(
		"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc(
		"POST / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n", SYNQ_HTTP_BAD);
}

static void
test_bad_request_line(void **state)
{
	static const char *const bad[] = {
		"GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.2\r\n\r\n",
		"GET / HTTP/0.9\r\n\r\n",
		"GET / HTTP/1.10\r\n\r\n",
		"GET / http/1.1\r\n\r\n",
		"GET / HTTP/1\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",
		"GET /\r\n\r\n", /* HTTP/0.9: no version */
		"GET\r\n\r\n",
		"GET  / HTTP/1.1\r\n\r\n",
		"GET /  HTTP/1.1\r\n\r\n",
		" GET / HTTP/1.1\r\n\r\n",
		"GET\t/ HTTP/1.1\r\n\r\n",
		"GET /\tHTTP/1.1\r\n\r\n",
		"GET / x HTTP/1.1\r\n\r\n",
		"G(T / HTTP/1.1\r\n\r\n",
		"GET /a\x01 HTTP/1.1\r\n\r\n",
		"GET /a\x7f HTTP/1.1\r\n\r\n",
		"GET /\xc3\xa9 HTTP/1.1\r\n\r\n",
		"ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", /* 17-character method */
		"\r\nGET / HTTP/1.1\r\n\r\n",		/* empty line first */
		"\r\n",
		"\n",
	};
	struct synq_http_req req;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_rc(bad[i], SYNQ_HTTP_BAD);
	/* a NUL in the method, which strlen() would not see */
	assert_int_equal(parse_n("G\0T / HTTP/1.1\r\n\r\n", 18, MAX_HEAD, &req), SYNQ_HTTP_BAD);
	/* a bad request line is refused as soon as it ends */
	expect_rc("GET / HTTP/2.0\r\n", SYNQ_HTTP_BAD);
	/* the limits themselves are fine */
	parse_done("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n");
	parse_done("M-._~!#$%&'*+^`| * HTTP/1.1\r\n\r\n");
	parse_done("OPTIONS * HTTP/1.1\r\n\r\n");
	parse_done("GET http://a/b?c=d&e=%20#f HTTP/1.1\r\n\r\n");
}

static void
test_bare_lf(void **state)
{
	struct synq_http_req req = parse_done("GET / HTTP/1.0\nConnection: keep-alive\n\n");

	(void)state;
	assert_int_equal(req.head_len, 39);
	assert_true(req.keep_alive);
	assert_true(req.http10);
	/* mixed endings; a header ending in LF, the blank line in CRLF and vice versa */
	parse_done("GET / HTTP/1.1\r\nHost: a\n\r\n");
	parse_done("GET / HTTP/1.1\nHost: a\r\n\n");
	/* the head ends at the first empty line whatever its ending */
	assert_int_equal(
		parse_n("GET / HTTP/1.1\n\nHost: a\r\n\r\n", 27, MAX_HEAD, &req), SYNQ_HTTP_DONE);
	assert_int_equal(req.head_len, 16);
}

static void
test_lone_cr(void **state)
{
	(void)state;
	expect_rc("GET / HTTP/1.1\rHost: a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\n\r\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\n\r \r\n", SYNQ_HTTP_BAD);
	expect_rc("\r\r\n", SYNQ_HTTP_BAD);
	/* refused at once, without waiting for the line or the head to end */
	expect_rc("GET / HTTP/1.1\rX", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost: a\r\r", SYNQ_HTTP_BAD);
	/* a CR that is the last byte so far may still be followed by LF */
	expect_rc("GET / HTTP/1.1\r", SYNQ_HTTP_MORE);
	expect_rc("GET / HTTP/1.1\r\n\r", SYNQ_HTTP_MORE);
}

static void
test_obs_fold(void **state)
{
	(void)state;
	expect_rc("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost: a\r\n\tb\r\n\r\n", SYNQ_HTTP_BAD);
	/* folding right after the request line too */
	expect_rc("GET / HTTP/1.1\r\n Host: a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\n \n\n", SYNQ_HTTP_BAD);
}

static void
test_bad_field(void **state)
{
	struct synq_http_req req;

	(void)state;
	expect_rc("GET / HTTP/1.1\r\nHost a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\n: a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost : a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHo st: a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost: a\x01"
		  "b\r\n\r\n",
		SYNQ_HTTP_BAD);
	expect_rc("GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n", SYNQ_HTTP_BAD);
	assert_int_equal(
		parse_n("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29, MAX_HEAD, &req), SYNQ_HTTP_BAD);
	/* refused as soon as the line ends */
	expect_rc("GET / HTTP/1.1\r\nHost a\r\n", SYNQ_HTTP_BAD);
	/* empty values, tabs inside values, obs-text and a colon in the value are fine */
	parse_done("GET / HTTP/1.1\r\nX-A:\r\nX-B: \t \r\nX-C: a\tb c\r\n"
		   "X-D: caf\xc3\xa9\r\nHost: [::1]:80\r\n\r\n");
}

static void
test_too_large(void **state)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"; /* 27 bytes */
	struct synq_http_req req;
	char *big;

	(void)state;
	/* blank line found but beyond max_head */
	assert_int_equal(parse_n(s, 27, 26, &req), SYNQ_HTTP_TOO_LARGE);
	assert_int_equal(parse_n(s, 27, 24, &req), SYNQ_HTTP_TOO_LARGE);
	assert_int_equal(parse_n(s, 27, 27, &req), SYNQ_HTTP_DONE);
	assert_int_equal(req.head_len, 27);
	/* no blank line and more than max_head bytes already */
	assert_int_equal(parse_n(s, 21, 20, &req), SYNQ_HTTP_TOO_LARGE);
	assert_int_equal(parse_n(s, 20, 20, &req), SYNQ_HTTP_MORE);
	assert_int_equal(parse_n(s, 1, 0, &req), SYNQ_HTTP_TOO_LARGE);
	assert_int_equal(parse_n(s, 0, 0, &req), SYNQ_HTTP_MORE);
	/* an endless field */
	big = malloc(100000);
	assert_non_null(big);
	memcpy(big, s, 16);
	memset(big + 16, 'a', 100000 - 16);
	big[20] = ':';
	assert_int_equal(parse_n(big, 100000, MAX_HEAD, &req), SYNQ_HTTP_TOO_LARGE);
	assert_int_equal(parse_n(big, MAX_HEAD, MAX_HEAD, &req), SYNQ_HTTP_MORE);
	/*
	 * Nothing past max_head + 4 is looked at: a lone CR there (BAD if seen) and a
	 * valid end after it leave the answer TOO_LARGE.
	 */
	memcpy(big + MAX_HEAD + 4, "\rx\r\n\r\n", 6);
	assert_int_equal(parse_n(big, MAX_HEAD + 10, MAX_HEAD, &req), SYNQ_HTTP_TOO_LARGE);
	free(big);
	/* an unbounded max_head is bounded by head_len's 32 bits, not an overflow */
	assert_int_equal(parse_n(s, 27, SIZE_MAX, &req), SYNQ_HTTP_DONE);
	assert_int_equal(parse_n(s, 20, SIZE_MAX, &req), SYNQ_HTTP_MORE);
}

static void
test_transfer_encoding(void **state)
{
	struct synq_http_req req =
		parse_done("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");

	(void)state;
	assert_true(req.chunked);
	assert_int_equal(req.body_len, 0);
	assert_true(req.keep_alive);
	assert_true(parse_done("POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n").chunked);
	assert_true(parse_done("POST / HTTP/1.1\r\nTRANSFER-ENCODING:\r\n\r\n").chunked);
	assert_false(parse_done("POST / HTTP/1.1\r\nX-Transfer-Encoding: chunked\r\n\r\n").chunked);
	/* both framings at once, in either order */
	expect_rc("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
		SYNQ_HTTP_BAD);
	expect_rc("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
		SYNQ_HTTP_BAD);
}

static void
test_load_generators(void **state)
{
	struct synq_http_req req;

	(void)state;
	/* curl 7.88.1 */
	req = parse_done("GET / HTTP/1.1\r\nHost: 198.18.0.1\r\nUser-Agent: curl/7.88.1\r\n"
			 "Accept: */*\r\n\r\n");
	assert_true(req.keep_alive);
	assert_false(req.http10);
	assert_int_equal(req.body_len, 0);
	/* ab -k */
	req = parse_done("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 198.18.0.1\r\n"
			 "User-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n");
	assert_true(req.keep_alive);
	assert_true(req.http10);
	/* ab without -k */
	req = parse_done("GET / HTTP/1.0\r\nHost: 198.18.0.1\r\nUser-Agent: ApacheBench/2.3\r\n"
			 "Accept: */*\r\n\r\n");
	assert_false(req.keep_alive);
	assert_true(req.http10);
	/* wrk */
	req = parse_done("GET / HTTP/1.1\r\nHost: 198.18.0.1:80\r\n\r\n");
	assert_true(req.keep_alive);
	assert_false(req.http10);
	assert_false(req.chunked);
}

/* synq_http_response() gives exactly want, into a buffer of exactly that size. */
static void
expect_response(int status, const char *body, bool keep_alive, bool http10, const char *want)
{
	size_t n = strlen(want);
	char *out = malloc(n);

	assert_non_null(out);
	assert_int_equal(synq_http_response(
				 out, n, status, body, body ? strlen(body) : 0, keep_alive, http10),
		n);
	assert_memory_equal(out, want, n);
	free(out);
}

static void
test_response_keep_alive_11(void **state)
{
	(void)state;
	expect_response(200, "hello\n", true, false,
		"HTTP/1.1 200 OK\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 6\r\n\r\nhello\n");
}

static void
test_response_close(void **state)
{
	(void)state;
	expect_response(200, "hello\n", false, false,
		"HTTP/1.1 200 OK\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 6\r\nConnection: close\r\n\r\nhello\n");
	/* closing wins whatever the version */
	expect_response(200, "", false, true,
		"HTTP/1.1 200 OK\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n");
}

static void
test_response_keep_alive_10(void **state)
{
	(void)state;
	expect_response(200, "hello\n", true, true,
		"HTTP/1.1 200 OK\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 6\r\nConnection: keep-alive\r\n\r\nhello\n");
}

static void
test_response_errors(void **state)
{
	char big[2000];
	char out[4096];
	size_t n;

	(void)state;
	expect_response(400, NULL, false, false,
		"HTTP/1.1 400 Bad Request\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n");
	expect_response(431, "too large\n", false, true,
		"HTTP/1.1 431 Request Header Fields Too Large\r\nServer: synq\r\n"
		"Content-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n"
		"too large\n");
	expect_response(501, NULL, false, false,
		"HTTP/1.1 501 Not Implemented\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n");
	expect_response(503, NULL, true, false,
		"HTTP/1.1 503 Service Unavailable\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\n\r\n");
	expect_response(408, NULL, false, false,
		"HTTP/1.1 408 Request Timeout\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\nConnection: close\r\n\r\n");
	expect_response(504, NULL, true, false,
		"HTTP/1.1 504 Error\r\nServer: synq\r\nContent-Type: text/plain\r\n"
		"Content-Length: 0\r\n\r\n");
	/* a multi-digit length and a body with NULs are copied as they are */
	memset(big, 0, sizeof(big));
	n = synq_http_response(out, sizeof(out), 200, big, sizeof(big), true, false);
	assert_true(n > sizeof(big));
	assert_memory_equal(out + n - sizeof(big) - 24, "Content-Length: 2000\r\n\r\n", 24);
	assert_memory_equal(out + n - sizeof(big), big, sizeof(big));
	/* status codes that are not three digits */
	assert_int_equal(synq_http_response(out, sizeof(out), 99, NULL, 0, true, false), 0);
	assert_int_equal(synq_http_response(out, sizeof(out), 1000, NULL, 0, true, false), 0);
	assert_int_equal(synq_http_response(out, sizeof(out), -200, NULL, 0, true, false), 0);
}

static void
test_response_cap_too_small(void **state)
{
	char out[256];
	size_t n;

	(void)state;
	n = synq_http_response(out, sizeof(out), 200, "hello\n", 6, false, true);
	assert_true(n > 0);
	/* every cap short of n fails, and nothing is written at or past cap */
	for (size_t cap = 0; cap < n; cap++) {
		memset(out, '#', sizeof(out));
		if (synq_http_response(out, cap, 200, "hello\n", 6, false, true) != 0)
			fail_msg("cap %zu of %zu: not 0", cap, n);
		for (size_t i = cap; i < sizeof(out); i++)
			if (out[i] != '#')
				fail_msg("cap %zu: byte %zu written", cap, i);
	}
	assert_int_equal(synq_http_response(out, n, 200, "hello\n", 6, false, true), n);
	assert_int_equal(synq_http_response(NULL, 0, 200, NULL, 0, true, false), 0);
}

/*
 * Random heads made of HTTP-ish bytes: whatever the input, the answer is one of the
 * four and a DONE head lies within len and max_head (ASan watches the reads).
 */
static void
test_random_input(void **state)
{
	static const char alphabet[] = "GET / HTTP/1.01\r\n\r\n:: ,Content-Length0123456789"
				       "ConnectionkeepaliveCLOSETransfer-Encoding\t\x00\x7f\xff";
	uint64_t x = 0x9e3779b97f4a7c15u;
	unsigned int done = 0;
	char buf[96];

	(void)state;
	memcpy(buf, "GET / HTTP/1.1\r\n", 16);
	for (unsigned int iter = 0; iter < 200000; iter++) {
		struct synq_http_req req;
		size_t len, max_head;
		int rc;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = 16 + (size_t)(x % (sizeof(buf) - 15));
		max_head = (size_t)((x >> 8) % 100);
		for (size_t i = 16; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = alphabet[(x >> 32) % (sizeof(alphabet) - 1)];
		}
		/* sometimes a random request line too */
		rc = parse_n(buf + (iter % 3 == 0 ? 3 : 0), len - (iter % 3 == 0 ? 3 : 0), max_head,
			&req);
		assert_true(rc == SYNQ_HTTP_MORE || rc == SYNQ_HTTP_DONE || rc == SYNQ_HTTP_BAD ||
			    rc == SYNQ_HTTP_TOO_LARGE);
		if (rc == SYNQ_HTTP_DONE) {
			done++;
			assert_true(req.head_len <= len && req.head_len <= max_head);
			assert_true(req.body_len <= SYNQ_HTTP_MAX_BODY);
			assert_false(req.chunked && req.body_len != 0);
		}
	}
	print_message("random heads parsed DONE: %u of 200000\n", done);
	assert_true(done > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_http10_default_close),
		cmocka_unit_test(test_http10_keep_alive),
		cmocka_unit_test(test_http11_close),
		cmocka_unit_test(test_connection_token_list),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_bad_request_line),
		cmocka_unit_test(test_bare_lf),
		cmocka_unit_test(test_lone_cr),
		cmocka_unit_test(test_obs_fold),
		cmocka_unit_test(test_bad_field),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_transfer_encoding),
		cmocka_unit_test(test_load_generators),
		cmocka_unit_test(test_response_keep_alive_11),
		cmocka_unit_test(test_response_close),
		cmocka_unit_test(test_response_keep_alive_10),
		cmocka_unit_test(test_response_errors),
		cmocka_unit_test(test_response_cap_too_small),
		cmocka_unit_test(test_random_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
