/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 request heads (RFC 9112, kept small) and whole responses.
 *
 * The parser is stateless: each call starts again from buf[0]. A head is a few hundred
 * bytes, so rescanning it when a segment arrives costs less than keeping per-connection
 * parser state, and a stateless function is trivial to fuzz. Lines are checked as soon
 * as their end arrives, so garbage is refused without waiting for a blank line.
 */

#include <string.h>

#include "synq_http.h"

/* Longest method accepted: every method in use is far shorter. */
#define HTTP_MAX_METHOD 16

/* What the lines seen so far said; becomes a struct synq_http_req at the blank line. */
struct head_state {
	uint64_t content_length;
	bool has_length, has_te;	  /* Content-Length, Transfer-Encoding seen */
	bool conn_close, conn_keep_alive; /* Connection tokens seen */
	bool http10;
	size_t method_len;	       /* the request line's method: buf[0..method_len) */
	size_t target_off, target_len; /* its target: buf[target_off..+target_len) */
};

/* ASCII only: a locale must not change what a field name matches. */
static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* RFC 9110 5.6.2: the characters of a token (methods, field names). */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

#define is_ows(c) ((c) == ' ' || (c) == '\t')

/* p[0..n) equals the lower-case literal lit, ignoring ASCII case. */
static bool
span_is(const unsigned char *p, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != (unsigned char)lit[i])
			return false;
	return true;
}

/* "<method> SP <target> SP HTTP/1.x": single spaces, as RFC 9112 3 requires. */
static bool
parse_request_line(const unsigned char *p, size_t n, struct head_state *st)
{
	size_t i = 0, target;

	while (i < n && i <= HTTP_MAX_METHOD && is_tchar(p[i]))
		i++;
	if (i == 0 || i > HTTP_MAX_METHOD || i == n || p[i] != ' ')
		return false;
	target = ++i;
	while (i < n && p[i] > ' ' && p[i] < 0x7f)
		i++;
	if (i == target || i == n || p[i] != ' ')
		return false;
	st->method_len = target - 1;
	st->target_off = target;
	st->target_len = i - target;
	i++;
	if (n - i != 8 || memcmp(p + i, "HTTP/1.", 7) != 0)
		return false;
	if (p[i + 7] == '0')
		st->http10 = true;
	else if (p[i + 7] != '1')
		return false;
	return true;
}

/* A comma-separated list; only "close" and "keep-alive" mean anything to us. */
static void
parse_connection(const unsigned char *v, size_t n, struct head_state *st)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && is_ows(v[i]))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i++;
		while (end > start && is_ows(v[end - 1]))
			end--;
		if (span_is(v + start, end - start, "close"))
			st->conn_close = true;
		else if (span_is(v + start, end - start, "keep-alive"))
			st->conn_keep_alive = true;
	}
}

/*
 * Digits only: a sign, a list or a second differing value is how request smuggling
 * starts (RFC 9112 6.3), so all of them are malformed here rather than guessed at.
 */
static bool
parse_content_length(const unsigned char *v, size_t n, struct head_state *st)
{
	uint64_t x = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		/* x <= 2^40 here, so this cannot wrap */
		x = x * 10 + (uint64_t)(v[i] - '0');
		if (x > SYNQ_HTTP_MAX_BODY)
			return false;
	}
	if (st->has_length && st->content_length != x)
		return false;
	st->has_length = true;
	st->content_length = x;
	return true;
}

/* "name:" OWS value OWS; the line is not empty and holds no CR or LF. */
static bool
parse_field(const unsigned char *p, size_t n, struct head_state *st)
{
	size_t i = 0, vs, ve;

	/* Obsolete line folding: RFC 9112 5.2 lets a server refuse it, and we do. */
	if (is_ows(p[0]))
		return false;
	while (i < n && is_tchar(p[i]))
		i++;
	/* Whitespace before the colon is refused too (RFC 9112 5.1). */
	if (i == 0 || i == n || p[i] != ':')
		return false;
	vs = i + 1;
	while (vs < n && is_ows(p[vs]))
		vs++;
	ve = n;
	while (ve > vs && is_ows(p[ve - 1]))
		ve--;
	/* field-vchar, SP and HTAB; obs-text (0x80..0xff) is let through */
	for (size_t j = vs; j < ve; j++)
		if ((p[j] < ' ' && p[j] != '\t') || p[j] == 0x7f)
			return false;

	if (span_is(p, i, "connection"))
		parse_connection(p + vs, ve - vs, st);
	else if (span_is(p, i, "content-length"))
		return parse_content_length(p + vs, ve - vs, st);
	else if (span_is(p, i, "transfer-encoding"))
		st->has_te = true;
	return true;
}

enum synq_http_parse_rc
synq_http_parse(const char *buf, size_t len, size_t max_head, struct synq_http_req *req)
{
	const unsigned char *p = (const unsigned char *)buf;
	struct head_state st;
	size_t lim, line = 0;

	memset(&st, 0, sizeof(st));
	/* head_len is 32 bits, and max_head + 4 must not wrap a 32-bit size_t */
	if (max_head > UINT32_MAX - 4)
		max_head = UINT32_MAX - 4;
	/* A blank line ending past max_head is too large anyway: never look further. */
	lim = len < max_head + 4 ? len : max_head + 4;

	for (size_t i = 0; i < lim; i++) {
		size_t end;

		if (p[i] == '\r') {
			/* A CR as the last byte seen may still get its LF. */
			if (i + 1 < lim && p[i + 1] != '\n')
				return SYNQ_HTTP_BAD;
			continue;
		}
		if (p[i] != '\n')
			continue;
		/* Every CR met was followed by LF, so the line holds none but this one. */
		end = i;
		if (end > line && p[end - 1] == '\r')
			end--;
		if (end == line) {
			if (line == 0)
				return SYNQ_HTTP_BAD;
			if (i + 1 > max_head)
				return SYNQ_HTTP_TOO_LARGE;
			/* RFC 9112 6.1: both framings at once is a smuggling attempt. */
			if (st.has_length && st.has_te)
				return SYNQ_HTTP_BAD;
			req->head_len = (uint32_t)(i + 1);
			req->body_len = st.content_length;
			req->http10 = st.http10;
			req->chunked = st.has_te;
			req->method_len = (uint32_t)st.method_len;
			req->target_off = (uint32_t)st.target_off;
			req->target_len = (uint32_t)st.target_len;
			req->keep_alive =
				st.http10 ? st.conn_keep_alive && !st.conn_close : !st.conn_close;
			return SYNQ_HTTP_DONE;
		}
		if (line == 0 ? !parse_request_line(p, end, &st)
			      : !parse_field(p + line, end - line, &st))
			return SYNQ_HTTP_BAD;
		line = i + 1;
	}
	/* No blank line yet; any blank line still to come would end past len. */
	return len > max_head ? SYNQ_HTTP_TOO_LARGE : SYNQ_HTTP_MORE;
}

/* A bounded writer: once something does not fit, everything after is dropped. */
struct out_buf {
	char *p;
	size_t cap, len;
	bool full;
};

static void
put(struct out_buf *o, const void *src, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = true;
		return;
	}
	if (n != 0)
		memcpy(o->p + o->len, src, n);
	o->len += n;
}

#define PUT_LIT(o, lit) put(o, lit, sizeof(lit) - 1)

static void
put_uint(struct out_buf *o, uint64_t v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, digits + i, sizeof(digits) - i);
}

static const char *
reason(int status)
{
	return status == 200   ? "OK"
	       : status == 400 ? "Bad Request"
	       : status == 408 ? "Request Timeout"
	       : status == 431 ? "Request Header Fields Too Large"
	       : status == 501 ? "Not Implemented"
	       : status == 503 ? "Service Unavailable"
			       : "Error";
}

size_t
synq_http_response(char *out, size_t cap, int status, const void *body, size_t body_len,
	bool keep_alive, bool http10)
{
	struct out_buf o = {.p = out, .cap = cap, .len = 0, .full = false};

	/* RFC 9110 15: a status code is three digits */
	if (status < 100 || status > 999)
		return 0;
	PUT_LIT(&o, "HTTP/1.1 ");
	put_uint(&o, (uint64_t)status);
	PUT_LIT(&o, " ");
	put(&o, reason(status), strlen(reason(status)));
	PUT_LIT(&o, "\r\nServer: synq\r\nContent-Type: text/plain\r\nContent-Length: ");
	put_uint(&o, body_len);
	PUT_LIT(&o, "\r\n");
	/* HTTP/1.1 persists by default; a 1.0 client must be told (RFC 9112 9.3). */
	if (!keep_alive)
		PUT_LIT(&o, "Connection: close\r\n");
	else if (http10)
		PUT_LIT(&o, "Connection: keep-alive\r\n");
	PUT_LIT(&o, "\r\n");
	put(&o, body, body_len);
	return o.full ? 0 : o.len;
}
