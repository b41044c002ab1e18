/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tests' frames; the interface and its rules are in synq_frame.h.
 *
 * The sum is the plain RFC 1071 loop, a word at a time, with no unrolling or wide
 * reads: slow, obviously right, and sharing nothing with the optimised sums it is
 * there to check.
 */

#include <errno.h>
#include <string.h>

#include "synq_frame.h"

uint32_t
synq_frame_cksum_add(uint32_t acc, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	return acc;
}

uint16_t
synq_frame_cksum_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

uint16_t
synq_frame_cksum(const uint8_t *p, size_t len)
{
	return synq_frame_cksum_fold(synq_frame_cksum_add(0, p, len));
}

uint32_t
synq_frame_phdr4(const uint8_t *ip, uint8_t proto, uint16_t l4_len)
{
	/* source and destination at 12..19, then zero, protocol, length */
	return synq_frame_cksum_add(0, ip + 12, 8) + proto + l4_len;
}

uint32_t
synq_frame_phdr6(const uint8_t *ip6, uint8_t proto, uint32_t l4_len)
{
	/* source and destination at 8..39, the 32-bit length, 24 zero bits, next header */
	return synq_frame_cksum_add(0, ip6 + 8, 32) + (l4_len >> 16) + (l4_len & 0xffff) + proto;
}

size_t
synq_frame_put_eth(uint8_t *buf, size_t cap, const struct synq_frame_eth *eth, uint16_t type)
{
	size_t len = SYNQ_FRAME_ETH_LEN + (eth->tagged ? SYNQ_FRAME_VLAN_LEN : 0);

	if (cap < len)
		return 0;
	memcpy(buf, eth->dst, 6);
	memcpy(buf + 6, eth->src, 6);
	if (eth->tagged) {
		synq_bytes_put16(buf + 12, SYNQ_FRAME_ET_VLAN);
		synq_bytes_put16(buf + 14, eth->tci);
	}
	synq_bytes_put16(buf + len - 2, type);
	return len;
}

static size_t
ip_hlen(uint8_t family)
{
	return family == 4 ? SYNQ_FRAME_IP4_LEN : family == 6 ? SYNQ_FRAME_IP6_LEN : 0;
}

size_t
synq_frame_put_ip(
	uint8_t *buf, size_t cap, const struct synq_frame_ip *ip, uint8_t proto, size_t payload_len)
{
	size_t hlen = ip_hlen(ip->family);

	/* IPv4's total length counts the header; IPv6's payload length does not */
	if (hlen == 0 || cap < hlen || payload_len > UINT16_MAX - (ip->family == 4 ? hlen : 0))
		return 0;
	if (ip->family == 4) {
		buf[0] = 0x45;
		buf[1] = ip->tos;
		synq_bytes_put16(buf + 2, (uint16_t)(hlen + payload_len));
		synq_bytes_put16(buf + 4, ip->id);
		synq_bytes_put16(buf + 6, ip->frag);
		buf[8] = ip->ttl;
		buf[9] = proto;
		synq_bytes_put16(buf + 10, 0);
		memcpy(buf + 12, ip->src, 4);
		memcpy(buf + 16, ip->dst, 4);
		synq_bytes_put16(buf + 10, synq_frame_cksum(buf, hlen));
	} else {
		/* version 6, traffic class and flow label: 4, 8 and 20 bits */
		synq_bytes_put32(buf, 6u << 28 | (uint32_t)ip->tos << 20 | (ip->flow & 0xfffff));
		synq_bytes_put16(buf + 4, (uint16_t)payload_len);
		buf[6] = proto;
		buf[7] = ip->ttl;
		memcpy(buf + 8, ip->src, 16);
		memcpy(buf + 24, ip->dst, 16);
	}
	return hlen;
}

void
synq_frame_fix_ip4(uint8_t *ip)
{
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;

	if (hlen < SYNQ_FRAME_IP4_LEN)
		hlen = SYNQ_FRAME_IP4_LEN;
	synq_bytes_put16(ip + 10, 0);
	synq_bytes_put16(ip + 10, synq_frame_cksum(ip, hlen));
}

size_t
synq_frame_tcp_len(const struct synq_frame_tcp *t)
{
	size_t len = SYNQ_FRAME_ETH_LEN + (t->eth.tagged ? SYNQ_FRAME_VLAN_LEN : 0) +
		     ip_hlen(t->ip.family) + SYNQ_FRAME_TCP_LEN + t->opt_len + t->data_len;

	return len < SYNQ_FRAME_MIN ? SYNQ_FRAME_MIN : len;
}

size_t
synq_frame_build_tcp(uint8_t *buf, size_t cap, const struct synq_frame_tcp *t)
{
	size_t frame = synq_frame_tcp_len(t);
	size_t l4 = SYNQ_FRAME_TCP_LEN + t->opt_len + t->data_len;
	size_t l2, l3, end;
	uint8_t *ip, *th;
	uint32_t acc;

	/* every check before the first write: a frame that cannot be built leaves @p buf */
	l3 = ip_hlen(t->ip.family);
	if (t->opt_len % 4 != 0 || t->opt_len > SYNQ_FRAME_OPTS_MAX || l3 == 0 ||
		l4 > UINT16_MAX - (t->ip.family == 4 ? l3 : 0) || frame > cap)
		return 0;
	l2 = synq_frame_put_eth(
		buf, cap, &t->eth, t->ip.family == 4 ? SYNQ_FRAME_ET_IPV4 : SYNQ_FRAME_ET_IPV6);
	ip = buf + l2;
	synq_frame_put_ip(ip, cap - l2, &t->ip, SYNQ_FRAME_PROTO_TCP, l4);
	th = ip + l3;
	synq_bytes_put16(th, t->sport);
	synq_bytes_put16(th + 2, t->dport);
	synq_bytes_put32(th + 4, t->seq);
	synq_bytes_put32(th + 8, t->ack);
	th[12] = (uint8_t)(((SYNQ_FRAME_TCP_LEN + t->opt_len) / 4) << 4);
	th[13] = t->flags;
	synq_bytes_put16(th + 14, t->win);
	synq_bytes_put16(th + 16, 0);
	synq_bytes_put16(th + 18, t->urg);
	if (t->opt_len != 0)
		memcpy(th + SYNQ_FRAME_TCP_LEN, t->opt, t->opt_len);
	if (t->data_len != 0)
		memcpy(th + SYNQ_FRAME_TCP_LEN + t->opt_len, t->data, t->data_len);
	if (t->ip.family == 4)
		acc = synq_frame_phdr4(ip, SYNQ_FRAME_PROTO_TCP, (uint16_t)l4);
	else
		acc = synq_frame_phdr6(ip, SYNQ_FRAME_PROTO_TCP, (uint32_t)l4);
	synq_bytes_put16(th + 16, synq_frame_cksum_fold(synq_frame_cksum_add(acc, th, l4)));
	end = l2 + l3 + l4;
	memset(buf + end, 0, frame - end);
	return frame;
}

size_t
synq_frame_build_seg(uint8_t *buf, size_t cap, const struct synq_frame_peer *p, uint32_t seq,
	uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt, size_t opt_len,
	const uint8_t *data, size_t data_len)
{
	struct synq_frame_tcp t = {
		.ip = {.family = p->family,
			.src = p->addr,
			.dst = p->our_addr,
			.ttl = 64,
			.id = p->ip_id,
			.frag = SYNQ_FRAME_DF},
		.sport = p->port,
		.dport = p->our_port,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.win = win,
		.opt = opt,
		.opt_len = opt_len,
		.data = data,
		.data_len = data_len,
	};

	memcpy(t.eth.dst, p->our_mac, 6);
	memcpy(t.eth.src, p->mac, 6);
	return synq_frame_build_tcp(buf, cap, &t);
}

size_t
synq_frame_opts_syn(uint8_t *opt, uint16_t mss, uint8_t wscale, uint32_t tsval)
{
	/* Linux's tcp_options_write() order: every 32-bit field lands 4-byte aligned */
	opt[0] = 2; /* MSS, RFC 9293 3.2 */
	opt[1] = 4;
	synq_bytes_put16(opt + 2, mss);
	opt[4] = 4; /* SACK-permitted, RFC 2018 2 */
	opt[5] = 2;
	opt[6] = 8; /* timestamps, RFC 7323 3.2; TSecr 0 without an ACK */
	opt[7] = 10;
	synq_bytes_put32(opt + 8, tsval);
	synq_bytes_put32(opt + 12, 0);
	opt[16] = 1; /* NOP */
	opt[17] = 3; /* window scale, RFC 7323 2.2 */
	opt[18] = 3;
	opt[19] = wscale;
	return SYNQ_FRAME_SYN_OPTS_LEN;
}

size_t
synq_frame_opts_ack(uint8_t *opt, uint32_t tsval, uint32_t tsecr)
{
	/* RFC 7323 appendix A: two NOPs keep TSval and TSecr 32-bit aligned */
	opt[0] = 1;
	opt[1] = 1;
	opt[2] = 8;
	opt[3] = 10;
	synq_bytes_put32(opt + 4, tsval);
	synq_bytes_put32(opt + 8, tsecr);
	return SYNQ_FRAME_ACK_OPTS_LEN;
}

/* The IPv4 header at v->ip, with @p room bytes of frame from it. */
static int
parse_ip4(struct synq_frame_view *v, size_t room)
{
	const uint8_t *ip = v->ip;

	if (room < SYNQ_FRAME_IP4_LEN || ip[0] >> 4 != 4)
		return -EINVAL;
	v->ip_hlen = (uint16_t)((ip[0] & 0x0f) * 4);
	v->ip_len = synq_bytes_get16(ip + 2);
	if (v->ip_hlen < SYNQ_FRAME_IP4_LEN || v->ip_len < v->ip_hlen || v->ip_len > room)
		return -EINVAL;
	v->tos = ip[1];
	v->flow = 0;
	v->id = synq_bytes_get16(ip + 4);
	v->frag = synq_bytes_get16(ip + 6);
	v->ttl = ip[8];
	v->src = ip + 12;
	v->dst = ip + 16;
	v->ip_cksum_ok = synq_frame_cksum(ip, v->ip_hlen) == 0;
	/* MF or an offset: a piece of a segment, whose TCP header may not be here */
	if (ip[9] != SYNQ_FRAME_PROTO_TCP || (v->frag & 0x3fff) != 0)
		return -EPROTONOSUPPORT;
	return 0;
}

/* The IPv6 header at v->ip, with @p room bytes of frame from it. */
static int
parse_ip6(struct synq_frame_view *v, size_t room)
{
	const uint8_t *ip = v->ip;
	uint32_t vtf;

	if (room < SYNQ_FRAME_IP6_LEN)
		return -EINVAL;
	vtf = synq_bytes_get32(ip);
	if (vtf >> 28 != 6)
		return -EINVAL;
	v->ip_hlen = SYNQ_FRAME_IP6_LEN;
	if (synq_bytes_get16(ip + 4) > room - SYNQ_FRAME_IP6_LEN)
		return -EINVAL;
	v->ip_len = (uint16_t)(SYNQ_FRAME_IP6_LEN + synq_bytes_get16(ip + 4));
	v->tos = (uint8_t)(vtf >> 20);
	v->flow = vtf & 0xfffff;
	v->id = 0;
	v->frag = 0;
	v->ttl = ip[7];
	v->src = ip + 8;
	v->dst = ip + 24;
	v->ip_cksum_ok = true;
	/* an extension header would come before TCP: not followed here */
	if (ip[6] != SYNQ_FRAME_PROTO_TCP)
		return -EPROTONOSUPPORT;
	return 0;
}

int
synq_frame_parse_tcp(const uint8_t *frame, size_t len, struct synq_frame_view *v)
{
	const uint8_t *th;
	size_t end;
	uint32_t acc;
	int rc;

	memset(v, 0, sizeof(*v));
	if (len < SYNQ_FRAME_ETH_LEN)
		return -EINVAL;
	v->dst_mac = frame;
	v->src_mac = frame + 6;
	v->type = synq_bytes_get16(frame + 12);
	v->l2_len = SYNQ_FRAME_ETH_LEN;
	if (v->type == SYNQ_FRAME_ET_VLAN) {
		if (len < SYNQ_FRAME_ETH_LEN + SYNQ_FRAME_VLAN_LEN)
			return -EINVAL;
		v->tagged = true;
		v->tci = synq_bytes_get16(frame + 14);
		v->type = synq_bytes_get16(frame + 16);
		v->l2_len += SYNQ_FRAME_VLAN_LEN;
	}
	v->ip = frame + v->l2_len;
	if (v->type == SYNQ_FRAME_ET_IPV4) {
		v->family = 4;
		rc = parse_ip4(v, len - v->l2_len);
	} else if (v->type == SYNQ_FRAME_ET_IPV6) {
		v->family = 6;
		rc = parse_ip6(v, len - v->l2_len);
	} else {
		rc = -EPROTONOSUPPORT;
	}
	if (rc != 0)
		return rc;

	th = v->ip + v->ip_hlen;
	v->th = th;
	v->tcp_len = (uint16_t)(v->ip_len - v->ip_hlen);
	if (v->tcp_len < SYNQ_FRAME_TCP_LEN)
		return -EINVAL;
	v->doff = (uint16_t)((th[12] >> 4) * 4);
	if (v->doff < SYNQ_FRAME_TCP_LEN || v->doff > v->tcp_len)
		return -EINVAL;
	v->reserved = th[12] & 0x0f;
	v->sport = synq_bytes_get16(th);
	v->dport = synq_bytes_get16(th + 2);
	v->seq = synq_bytes_get32(th + 4);
	v->ack = synq_bytes_get32(th + 8);
	v->flags = th[13];
	v->win = synq_bytes_get16(th + 14);
	v->cksum = synq_bytes_get16(th + 16);
	v->urg = synq_bytes_get16(th + 18);
	v->opt = th + SYNQ_FRAME_TCP_LEN;
	v->opt_len = (uint16_t)(v->doff - SYNQ_FRAME_TCP_LEN);
	v->data = th + v->doff;
	v->data_len = (uint16_t)(v->tcp_len - v->doff);
	if (v->family == 4)
		acc = synq_frame_phdr4(v->ip, SYNQ_FRAME_PROTO_TCP, v->tcp_len);
	else
		acc = synq_frame_phdr6(v->ip, SYNQ_FRAME_PROTO_TCP, v->tcp_len);
	v->tcp_cksum_ok = synq_frame_cksum_fold(synq_frame_cksum_add(acc, th, v->tcp_len)) == 0;

	end = v->l2_len + (size_t)v->ip_len;
	v->pad_len = len - end;
	v->pad_zero = true;
	for (size_t i = end; i < len; i++)
		v->pad_zero = v->pad_zero && frame[i] == 0;
	return 0;
}
