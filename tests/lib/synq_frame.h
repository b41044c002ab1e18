/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TEST_FRAME_H
#define SYNQ_TEST_FRAME_H

/**
 * @file
 * The frames of the tests and tools: Ethernet (with an optional 802.1Q tag), IPv4 or
 * IPv6 and TCP, built into a plain buffer and parsed back from one, so that the same
 * code serves fake mbufs, real rte_mbufs and the benchmark's templates.
 *
 * Everything here is independent of what it tests: fields are written byte by byte
 * (bytes.h), and checksums come from an RFC 1071 sum of its own, never from DPDK's
 * or lib/iface's (synq_cksum.h), so that a test can check synq's checksums with it.
 * Nothing here needs EAL or DPDK headers. Pure functions on the caller's memory:
 * thread safe.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

/** Header lengths, in bytes. */
#define SYNQ_FRAME_ETH_LEN 14
#define SYNQ_FRAME_VLAN_LEN 4
#define SYNQ_FRAME_IP4_LEN 20
#define SYNQ_FRAME_IP6_LEN 40
#define SYNQ_FRAME_TCP_LEN 20
/** Ethernet's minimum frame without the FCS: shorter frames arrive zero padded. */
#define SYNQ_FRAME_MIN 60
/** Largest TCP options area: data offset 15 words minus the 20-byte header. */
#define SYNQ_FRAME_OPTS_MAX 40

/** Ethertypes. */
#define SYNQ_FRAME_ET_IPV4 0x0800
#define SYNQ_FRAME_ET_ARP 0x0806
#define SYNQ_FRAME_ET_VLAN 0x8100
#define SYNQ_FRAME_ET_IPV6 0x86dd

/** IP protocol numbers. */
#define SYNQ_FRAME_PROTO_ICMP 1
#define SYNQ_FRAME_PROTO_TCP 6
#define SYNQ_FRAME_PROTO_UDP 17
#define SYNQ_FRAME_PROTO_ICMP6 58

/** IPv4 flags and fragment offset: don't fragment, as Linux sends TCP. */
#define SYNQ_FRAME_DF 0x4000

/** TCP flags (RFC 9293 3.1, RFC 3168 6.1). */
#define SYNQ_FRAME_FIN 0x01
#define SYNQ_FRAME_SYN 0x02
#define SYNQ_FRAME_RST 0x04
#define SYNQ_FRAME_PSH 0x08
#define SYNQ_FRAME_ACK 0x10
#define SYNQ_FRAME_URG 0x20
#define SYNQ_FRAME_ECE 0x40
#define SYNQ_FRAME_CWR 0x80

/** Lengths of the option layouts of synq_frame_opts_syn() and synq_frame_opts_ack(). */
#define SYNQ_FRAME_SYN_OPTS_LEN 20
#define SYNQ_FRAME_ACK_OPTS_LEN 12

/** An Ethernet header. */
struct synq_frame_eth {
	uint8_t dst[6];
	uint8_t src[6];
	bool tagged;  /* an 802.1Q tag after the addresses */
	uint16_t tci; /* the tag's priority, DEI and VLAN id, when tagged */
};

/** An IPv4 or IPv6 header; numbers in host order. */
struct synq_frame_ip {
	uint8_t family;	    /* 4 or 6 */
	const uint8_t *src; /* 4 or 16 bytes */
	const uint8_t *dst;
	uint8_t ttl;   /* TTL or hop limit */
	uint8_t tos;   /* TOS or traffic class */
	uint16_t id;   /* IPv4 identification */
	uint16_t frag; /* IPv4 flags and fragment offset, e.g. SYNQ_FRAME_DF */
	uint32_t flow; /* IPv6 flow label, 20 bits */
};

/** A whole TCP frame; numbers in host order. */
struct synq_frame_tcp {
	struct synq_frame_eth eth;
	struct synq_frame_ip ip;
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags; /* SYNQ_FRAME_SYN, ... */
	uint16_t win;
	uint16_t urg;
	const uint8_t *opt;
	size_t opt_len; /* a multiple of 4, at most SYNQ_FRAME_OPTS_MAX */
	const uint8_t *data;
	size_t data_len;
};

/**
 * What a TCP frame says, from synq_frame_parse_tcp(). Pointers are into the parsed
 * buffer; numbers are in host order.
 */
struct synq_frame_view {
	/* Ethernet */
	const uint8_t *dst_mac;
	const uint8_t *src_mac;
	bool tagged;	 /* an 802.1Q tag was there */
	uint16_t tci;	 /* its priority, DEI and VLAN id */
	uint16_t type;	 /* the ethertype after any tag */
	uint16_t l2_len; /* 14, or 18 with the tag */
	/* IP */
	uint8_t family; /* 4 or 6 */
	const uint8_t *ip;
	uint16_t ip_hlen;   /* IPv4: IHL * 4; IPv6: 40 */
	uint16_t ip_len;    /* the IP packet, header included, as its header says */
	const uint8_t *src; /* 4 or 16 bytes */
	const uint8_t *dst;
	uint8_t tos;	  /* TOS or traffic class */
	uint32_t flow;	  /* IPv6 flow label */
	uint16_t id;	  /* IPv4 identification */
	uint16_t frag;	  /* IPv4 flags and fragment offset */
	uint8_t ttl;	  /* TTL or hop limit */
	bool ip_cksum_ok; /* the IPv4 header checksum verifies; always true for IPv6 */
	/* TCP */
	const uint8_t *th;
	uint16_t tcp_len; /* header, options and data */
	uint16_t doff;	  /* header and options, in bytes */
	uint8_t reserved; /* the 4 reserved bits below the data offset */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;
	uint16_t win;
	uint16_t cksum; /* the checksum field as sent */
	uint16_t urg;
	bool tcp_cksum_ok; /* the TCP checksum verifies, pseudo-header included */
	const uint8_t *opt;
	uint16_t opt_len;
	const uint8_t *data;
	uint16_t data_len;
	/* after the IP packet */
	size_t pad_len; /* bytes of the frame past the IP packet */
	bool pad_zero;	/* all of them zero (true when there are none) */
};

/**
 * Add the @p len bytes at @p p to the RFC 1071 sum @p acc as big-endian 16-bit words,
 * an odd last byte padded with a zero. Only the last piece of a chained sum may have
 * an odd length. No folding: @p acc holds 65536 words of any value.
 */
uint32_t synq_frame_cksum_add(uint32_t acc, const uint8_t *p, size_t len);

/**
 * Fold @p acc to 16 bits with end-around carries and complement it: the value to
 * store in a checksum field (host order; write it with synq_bytes_put16()), or 0 when
 * @p acc covered a checksum field that is right.
 */
uint16_t synq_frame_cksum_fold(uint32_t acc);

/** synq_frame_cksum_fold() of the sum of the @p len bytes at @p p alone. */
uint16_t synq_frame_cksum(const uint8_t *p, size_t len);

/**
 * The sum of the IPv4 pseudo-header (RFC 9293 3.1): the addresses of the IPv4 header
 * at @p ip, a zero byte, @p proto and @p l4_len.
 */
uint32_t synq_frame_phdr4(const uint8_t *ip, uint8_t proto, uint16_t l4_len);

/**
 * The sum of the IPv6 pseudo-header (RFC 8200 8.1): the addresses of the IPv6 header
 * at @p ip6, the 32-bit @p l4_len, three zero bytes and @p proto.
 */
uint32_t synq_frame_phdr6(const uint8_t *ip6, uint8_t proto, uint32_t l4_len);

/**
 * Write the Ethernet header @p eth with ethertype @p type (after the tag, if any).
 *
 * @return its length (14 or 18), or 0 when @p cap is too small.
 */
size_t synq_frame_put_eth(
	uint8_t *buf, size_t cap, const struct synq_frame_eth *eth, uint16_t type);

/**
 * Write the IP header @p ip (IPv4: IHL 5, its checksum filled in) for @p payload_len
 * bytes of protocol @p proto that the caller writes after it.
 *
 * @return its length (20 or 40), or 0 when @p cap is too small, the family is not 4
 *   or 6, or the length does not fit the header's field.
 */
size_t synq_frame_put_ip(uint8_t *buf, size_t cap, const struct synq_frame_ip *ip, uint8_t proto,
	size_t payload_len);

/**
 * Recompute the header checksum of the IPv4 header at @p ip over IHL * 4 bytes: for
 * a test that changed a field and wants the change, not the checksum, to be seen. An
 * IHL below 5 is summed over the 20 bytes of the fixed header.
 */
void synq_frame_fix_ip4(uint8_t *ip);

/** The length synq_frame_build_tcp() gives @p t, padding included. */
size_t synq_frame_tcp_len(const struct synq_frame_tcp *t);

/**
 * Write the frame @p t at @p buf: Ethernet, IP (as synq_frame_put_ip()), TCP with the
 * options and data of @p t, both checksums filled in, then zeros up to SYNQ_FRAME_MIN
 * bytes, as a short frame comes off the wire.
 *
 * @return the frame's length, or 0 when @p cap is too small (nothing is written
 *   then) or @p t is not a frame (options not a multiple of 4 or longer than 40, a
 *   family other than 4 or 6, an IP length over 65535).
 */
size_t synq_frame_build_tcp(uint8_t *buf, size_t cap, const struct synq_frame_tcp *t);

/**
 * The two ends of a TCP conversation as its peer (a client) sends to us: what
 * synq_frame_build_seg() puts around each segment. Addresses are not copied.
 */
struct synq_frame_peer {
	const uint8_t *mac;	/* the peer's: the frames' source */
	const uint8_t *our_mac; /* their destination */
	uint8_t family;		/* 4 or 6 */
	const uint8_t *addr;	/* the peer's, 4 or 16 bytes */
	const uint8_t *our_addr;
	uint16_t port; /* the peer's */
	uint16_t our_port;
	uint16_t ip_id; /* IPv4 identification */
};

/**
 * Write at @p buf the segment @p p sends, with the IP header of a Linux client (TTL
 * 64, DF), sequence number @p seq, acknowledgment number @p ack, @p flags, window
 * @p win, the @p opt_len bytes of options at @p opt and the @p data_len bytes at
 * @p data: one place for the frames of the functional tests, the fuzz targets and
 * synq-bench.
 *
 * @return as synq_frame_build_tcp(): the frame's length, or 0.
 */
size_t synq_frame_build_seg(uint8_t *buf, size_t cap, const struct synq_frame_peer *p, uint32_t seq,
	uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt, size_t opt_len,
	const uint8_t *data, size_t data_len);

/**
 * Write the options of a Linux SYN at @p opt: MSS @p mss, SACK-permitted, timestamps
 * (TSval @p tsval, TSecr 0), NOP, window scale @p wscale. Written byte by byte here,
 * not by lib/tcp's writers, so that tests of those are not circular.
 *
 * @return SYNQ_FRAME_SYN_OPTS_LEN.
 */
size_t synq_frame_opts_syn(uint8_t *opt, uint16_t mss, uint8_t wscale, uint32_t tsval);

/**
 * Write the options of a Linux ACK once timestamps are on at @p opt: NOP, NOP,
 * timestamps (@p tsval, @p tsecr).
 *
 * @return SYNQ_FRAME_ACK_OPTS_LEN.
 */
size_t synq_frame_opts_ack(uint8_t *opt, uint32_t tsval, uint32_t tsecr);

/**
 * Read the TCP frame of @p len bytes at @p frame into @p v, checking every length
 * before reading under it, and verifying both checksums with the sum above. The
 * result says what the frame holds; the caller asserts what it expects of it.
 *
 * @return 0; -EINVAL when a header is cut short or a length field lies (the Ethernet,
 *   IP or TCP header past the frame, an IP length past the frame or below its
 *   header, a data offset below 20 or past the segment, an IP version that is not
 *   the ethertype's); -EPROTONOSUPPORT when the frame is not TCP over IPv4 or IPv6
 *   (another ethertype or protocol, an IPv6 extension header, an IPv4 fragment).
 *   @p v is undefined then.
 */
int synq_frame_parse_tcp(const uint8_t *frame, size_t len, struct synq_frame_view *v);

#endif /* SYNQ_TEST_FRAME_H */
