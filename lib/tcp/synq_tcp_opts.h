/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_OPTS_H
#define SYNQ_TCP_OPTS_H

/**
 * @file
 * TCP options of a handshake (RFC 9293 3.2, RFC 7323, RFC 2018): parse what a SYN or
 * an ACK carries; write what a SYN-ACK answers, what a client's SYN offers, and the
 * timestamps of the segments after the handshake. Pure functions on plain buffers, no
 * EAL; thread safe.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "synq_bytes.h"

#define SYNQ_TCP_OPT_EOL 0
#define SYNQ_TCP_OPT_NOP 1
#define SYNQ_TCP_OPT_MSS 2
#define SYNQ_TCP_OPT_WSCALE 3
#define SYNQ_TCP_OPT_SACK_PERM 4
#define SYNQ_TCP_OPT_SACK 5
#define SYNQ_TCP_OPT_TS 8

/** Largest options area: data offset 15 words minus the 20-byte header. */
#define SYNQ_TCP_OPTS_MAX 40

/** wscale value meaning "no window scale option". */
#define SYNQ_TCP_NO_WSCALE 0xff
/** Largest shift a window scale may carry (RFC 7323 2.3); larger ones are clamped. */
#define SYNQ_TCP_WSCALE_MAX 14

/** What a segment's options say. */
struct synq_tcp_opts {
	uint16_t mss;	/* 0 = no MSS option */
	uint8_t wscale; /* 0..14, or SYNQ_TCP_NO_WSCALE */
	bool sack_perm; /* SACK-permitted present */
	bool ts;	/* timestamps present; then tsval and tsecr are set */
	uint32_t tsval; /* host byte order */
	uint32_t tsecr; /* host byte order */
};

/**
 * Parse the @p len bytes of options at @p opt (the bytes between the 20-byte header
 * and the data offset).
 *
 * Rules (RFC 9293 3.2): EOL ends the list; NOP is one byte; every other option has a
 * length byte >= 2 that must not run past @p len. MSS must have length 4, window scale
 * 3, SACK-permitted 2, timestamps 10; a known option with another length is malformed.
 * Unknown options are skipped by their length. A shift above 14 is clamped to 14
 * (RFC 7323 2.3). A repeated option: the last one counts. When there is no timestamps
 * option, tsval and tsecr are 0.
 *
 * synq_tcp_opts_parse() is this with the layouts Linux sends recognised inline first;
 * synq_tcp_opts_parse_general() is the list walk alone, the reference the shortcut is
 * held to: both give the same for every input.
 *
 * @return 0, or -EINVAL when the options are malformed (then @p out is undefined).
 */
int synq_tcp_opts_parse_general(const uint8_t *opt, unsigned int len, struct synq_tcp_opts *out);

static inline uint32_t
synq_tcp_opts_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The layouts Linux sends, nearly every SYN and ACK on the Internet (issue 14): the
 * SYN's MSS, SACK-permitted, timestamps, NOP, window scale (20 bytes), and the ACK's
 * NOP, NOP, timestamps (12 bytes). Each is known by its fixed bytes, compared as
 * words under masks that leave the values out: one test a layout, no option walked.
 * Everything else, a one-byte change to either included, goes to the list walk.
 */
static inline bool
synq_tcp_opts_linux_syn(const uint8_t *opt, struct synq_tcp_opts *out)
{
	static const uint8_t head_want[8] = {
		SYNQ_TCP_OPT_MSS, 4, 0, 0, SYNQ_TCP_OPT_SACK_PERM, 2, SYNQ_TCP_OPT_TS, 10};
	static const uint8_t head_mask[8] = {0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t tail_want[4] = {SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_WSCALE, 3, 0};
	static const uint8_t tail_mask[4] = {0xff, 0xff, 0xff, 0};

	if (((synq_load64(opt) & synq_load64(head_mask)) ^
		    synq_load64(head_want)) != 0 ||
		((synq_load32(opt + 16) & synq_load32(tail_mask)) ^
			synq_load32(tail_want)) != 0)
		return false;
	out->mss = (uint16_t)(opt[2] << 8 | opt[3]);
	/* RFC 7323 2.3: a shift above 14 is taken as 14 */
	out->wscale = opt[19] > SYNQ_TCP_WSCALE_MAX ? SYNQ_TCP_WSCALE_MAX : opt[19];
	out->sack_perm = true;
	out->ts = true;
	out->tsval = synq_tcp_opts_be32(opt + 8);
	out->tsecr = synq_tcp_opts_be32(opt + 12);
	return true;
}

static inline bool
synq_tcp_opts_linux_ack(const uint8_t *opt, struct synq_tcp_opts *out)
{
	static const uint8_t want[4] = {SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_TS, 10};

	if (synq_load32(opt) != synq_load32(want))
		return false;
	out->mss = 0;
	out->wscale = SYNQ_TCP_NO_WSCALE;
	out->sack_perm = false;
	out->ts = true;
	out->tsval = synq_tcp_opts_be32(opt + 4);
	out->tsecr = synq_tcp_opts_be32(opt + 8);
	return true;
}

/** Parse the options at @p opt: see synq_tcp_opts_parse_general() for the rules. */
static inline int
synq_tcp_opts_parse(const uint8_t *opt, unsigned int len, struct synq_tcp_opts *out)
{
	if ((len == 20 && synq_tcp_opts_linux_syn(opt, out)) ||
		(len == 12 && synq_tcp_opts_linux_ack(opt, out)))
		return 0;
	return synq_tcp_opts_parse_general(opt, len, out);
}

/** What a SYN-ACK answers. */
struct synq_tcp_synack_opts {
	uint16_t mss;	/* our MSS, always sent */
	uint8_t wscale; /* our shift, or SYNQ_TCP_NO_WSCALE when the client sent none */
	bool sack_perm; /* only if the client offered it */
	bool ts;	/* only if the client offered it */
	uint32_t tsval; /* ours, host byte order */
	uint32_t tsecr; /* the client's tsval, host byte order */
};

/**
 * Write the SYN-ACK options @p o at @p buf (room for SYNQ_TCP_OPTS_MAX bytes), padded
 * with NOPs to a multiple of 4, in the order Linux uses so that middleboxes see a
 * familiar shape: MSS; then SACK-permitted + timestamps, or NOP NOP + timestamps, or
 * NOP NOP + SACK-permitted; then NOP + window scale.
 *
 * @return the number of bytes written (a multiple of 4, at most 20).
 */
unsigned int synq_tcp_opts_write_synack(uint8_t *buf, const struct synq_tcp_synack_opts *o);

/** Length of what synq_tcp_opts_write_syn() writes. */
#define SYNQ_TCP_OPTS_SYN_LEN 20
/** Length of what synq_tcp_opts_write_ts() writes. */
#define SYNQ_TCP_OPTS_TS_LEN 12

/**
 * Write the options of a client's SYN at @p buf (room for SYNQ_TCP_OPTS_SYN_LEN bytes)
 * in the layout Linux sends, that of nearly every SYN a server sees: MSS @p mss;
 * SACK-permitted and timestamps (TSval @p tsval, TSecr 0, as RFC 7323 3.2 asks of a
 * segment without ACK); NOP and window scale @p wscale. Every option is always
 * written; a shift above 14 is written as 14 (RFC 7323 2.3). TSval and TSecr land
 * 4-byte aligned, and synq_tcp_opts_parse() reads the layout on its fast path.
 *
 * @return SYNQ_TCP_OPTS_SYN_LEN.
 */
unsigned int synq_tcp_opts_write_syn(uint8_t *buf, uint16_t mss, uint8_t wscale, uint32_t tsval);

/**
 * Write the timestamps option of a segment after the handshake at @p buf (room for
 * SYNQ_TCP_OPTS_TS_LEN bytes), in the layout of RFC 7323 appendix A that Linux sends:
 * NOP, NOP, then TSval @p tsval and TSecr @p tsecr, 4-byte aligned. RFC 7323 3.2:
 * once the SYN and the SYN-ACK both carried timestamps, every segment but a RST does.
 *
 * @return SYNQ_TCP_OPTS_TS_LEN.
 */
unsigned int synq_tcp_opts_write_ts(uint8_t *buf, uint32_t tsval, uint32_t tsecr);

#endif /* SYNQ_TCP_OPTS_H */
