/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP options of a handshake; the interface and its rules are in synq_tcp_opts.h.
 *
 * The parser sees bytes from the network before anything about the segment has been
 * trusted, so every byte it reads is first checked to lie below @p len: the data
 * offset may claim more options than the sender filled in, and an option's length
 * byte may claim more than the list holds. Values are read byte by byte with shifts,
 * which is independent of host byte order and of the alignment of @p opt (options
 * start at any byte after a NOP).
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "synq_tcp_opts.h"

/* Option lengths, kind and length bytes included (RFC 9293 3.2, RFC 7323 2.2, 3.2). */
#define MSS_LEN 4
#define WSCALE_LEN 3
#define SACK_PERM_LEN 2
#define TS_LEN 10

static uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint8_t *
put4(uint8_t *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/*
 * RFC 7323 2.3: a shift above 14 would let the window exceed 2^30, which sequence
 * number comparisons cannot tell apart from an old segment; the receiver MUST use 14.
 */
static uint8_t
clamp_wscale(uint8_t shift)
{
	return shift > SYNQ_TCP_WSCALE_MAX ? SYNQ_TCP_WSCALE_MAX : shift;
}

/*
 * The layouts Linux sends (the SYN's MSS, SACK-permitted, timestamps, NOP, window
 * scale; the ACK's NOP, NOP, timestamps), as the writers below write them;
 * synq_tcp_opts_parse() recognises them inline (synq_tcp_opts.h).
 */
static const uint8_t linux_syn_head[8] = {SYNQ_TCP_OPT_MSS, MSS_LEN, 0, 0, SYNQ_TCP_OPT_SACK_PERM,
	SACK_PERM_LEN, SYNQ_TCP_OPT_TS, TS_LEN};
static const uint8_t linux_syn_tail[3] = {SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_WSCALE, WSCALE_LEN};
static const uint8_t linux_ack[4] = {SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_TS, TS_LEN};

int
synq_tcp_opts_parse_general(const uint8_t *opt, unsigned int len, struct synq_tcp_opts *out)
{
	unsigned int i = 0;

	out->mss = 0;
	out->wscale = SYNQ_TCP_NO_WSCALE;
	out->sack_perm = false;
	out->ts = false;
	out->tsval = 0;
	out->tsecr = 0;

	while (i < len) {
		uint8_t kind = opt[i];
		uint8_t olen;

		/* RFC 9293 3.2: EOL ends the list; what follows it is padding, not options. */
		if (kind == SYNQ_TCP_OPT_EOL)
			break;
		/* NOP has no length byte: it aligns the next option. */
		if (kind == SYNQ_TCP_OPT_NOP) {
			i++;
			continue;
		}
		/*
		 * Every other kind has a length byte counting kind and length, so a length
		 * below 2 could never advance (0 would loop forever). A kind in the last
		 * byte has no length byte to read: the list was cut.
		 */
		if (len - i < 2)
			return -EINVAL;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return -EINVAL;

		switch (kind) {
		case SYNQ_TCP_OPT_MSS:
			/* RFC 9293 3.2: kind 2, length 4, 16-bit MSS. */
			if (olen != MSS_LEN)
				return -EINVAL;
			out->mss = get_be16(&opt[i + 2]);
			break;
		case SYNQ_TCP_OPT_WSCALE:
			/* RFC 7323 2.2: kind 3, length 3, 8-bit shift count. */
			if (olen != WSCALE_LEN)
				return -EINVAL;
			out->wscale = clamp_wscale(opt[i + 2]);
			break;
		case SYNQ_TCP_OPT_SACK_PERM:
			/* RFC 2018 2: kind 4, length 2, no data. */
			if (olen != SACK_PERM_LEN)
				return -EINVAL;
			out->sack_perm = true;
			break;
		case SYNQ_TCP_OPT_TS:
			/* RFC 7323 3.2: kind 8, length 10, TSval then TSecr, 32 bits each. */
			if (olen != TS_LEN)
				return -EINVAL;
			out->ts = true;
			out->tsval = get_be32(&opt[i + 2]);
			out->tsecr = get_be32(&opt[i + 6]);
			break;
		default:
			/*
			 * Unknown kinds, and SACK blocks (kind 5), which a handshake does not
			 * use: RFC 9293 3.2 requires skipping an option we do not implement by
			 * its length, so that new options do not break old receivers.
			 */
			break;
		}
		i += olen;
	}
	return 0;
}

unsigned int
synq_tcp_opts_write_synack(uint8_t *buf, const struct synq_tcp_synack_opts *o)
{
	uint8_t *p = buf;

	/*
	 * Linux's order (tcp_options_write()), 4-byte aligned pieces so that no padding
	 * is left at the end: middleboxes and fingerprinting filters have seen this
	 * shape for decades. RFC 9293 3.2: MSS only in a SYN, always sent by us.
	 */
	*p++ = SYNQ_TCP_OPT_MSS;
	*p++ = MSS_LEN;
	p = put_be16(p, o->mss);

	if (o->ts) {
		/*
		 * RFC 7323 3.2: TSecr echoes the client's TSval. The 10-byte timestamps need
		 * two bytes before them to keep TSval and TSecr 32-bit aligned: SACK-permitted
		 * (RFC 2018 2) when we send it, else two NOPs.
		 */
		if (o->sack_perm) {
			*p++ = SYNQ_TCP_OPT_SACK_PERM;
			*p++ = SACK_PERM_LEN;
		} else {
			*p++ = SYNQ_TCP_OPT_NOP;
			*p++ = SYNQ_TCP_OPT_NOP;
		}
		*p++ = SYNQ_TCP_OPT_TS;
		*p++ = TS_LEN;
		p = put_be32(p, o->tsval);
		p = put_be32(p, o->tsecr);
	} else if (o->sack_perm) {
		p = put4(p, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_SACK_PERM,
			SACK_PERM_LEN);
	}

	/*
	 * RFC 7323 2.2: a SYN-ACK may carry window scale only if the SYN did, and scaling
	 * is on only if both sides send it; so a shift of 0 is still sent, to accept the
	 * client's. The leading NOP aligns what follows. A shift above 14 is never sent
	 * (RFC 7323 2.3).
	 */
	if (o->wscale != SYNQ_TCP_NO_WSCALE)
		p = put4(p, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_WSCALE, WSCALE_LEN,
			clamp_wscale(o->wscale));

	return (unsigned int)(p - buf);
}

unsigned int
synq_tcp_opts_write_syn(uint8_t *buf, uint16_t mss, uint8_t wscale, uint32_t tsval)
{
	/*
	 * Linux's SYN (tcp_options_write()): the bytes synq_tcp_opts_linux_syn()
	 * recognises, so that a SYN written here takes the parser's shortcut wherever it
	 * lands.
	 */
	memcpy(buf, linux_syn_head, sizeof(linux_syn_head));
	put_be16(buf + 2, mss);
	put_be32(buf + 8, tsval);
	put_be32(buf + 12, 0);
	memcpy(buf + 16, linux_syn_tail, sizeof(linux_syn_tail));
	buf[19] = clamp_wscale(wscale);
	return SYNQ_TCP_OPTS_SYN_LEN;
}

unsigned int
synq_tcp_opts_write_ts(uint8_t *buf, uint32_t tsval, uint32_t tsecr)
{
	memcpy(buf, linux_ack, sizeof(linux_ack));
	put_be32(buf + 4, tsval);
	put_be32(buf + 8, tsecr);
	return SYNQ_TCP_OPTS_TS_LEN;
}
