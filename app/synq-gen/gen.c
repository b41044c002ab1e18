/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq-gen [EAL args] -- [options]: a load generator for synq, on a real NIC or on a
 * virtual link (net_memif between two processes on one machine).
 *
 * New packets, mixed by shares (--mix): spoofed SYNs from random sources (syn),
 * handshake clients (handshake), forged ACKs (ack) and RSTs (rst), at --rate new
 * packets a second or as fast as the port takes them. Handshake clients complete
 * the three-way handshake without per-flow state (see gen_tx.c) and then close with
 * a RST or a FIN, or not at all (--close). One lcore, the main one, does tx and rx
 * in bursts of 32. At the end: a summary, and the same figures as JSON (--json).
 *
 * synq-gen --pcap-out FILE --pcap-count N [--pcap-kind syn|ack|rst|mix]: write N SYNs
 * (or forged ACKs, RSTs, or a mix of the three) with unique 4-tuples as a pcap file and
 * exit; no EAL.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "gen.h"
#include "synq_args.h"

/* Pool: descriptors of both rings, the replies of a burst, caches; fits --no-huge -m 64. */
#define NB_MBUFS 8191
#define MBUF_CACHE 256
#define NB_DESC 1024
#define LINK_WAIT_MS 5000
#define ARP_TRIES 10
#define ARP_INTERVAL_MS 200
/* Replies waiting for room in the tx queue: those of a few bursts. */
#define PENDING_MAX (4 * GEN_BURST)
/* With --rate, catch up at most this much of a stall (s): no burst of thousands after. */
#define RATE_CATCHUP_S 0.001
/*
 * A loop iteration takes a few microseconds; one that starts this late means the
 * generator lost its core (another process, an interrupt): its figures are then off.
 */
#define STALL_US 200

static const char *const mode_names[GEN_NB_MODES] = {"syn", "handshake", "ack", "rst"};

static atomic_bool stop;

static void
on_signal(int sig __rte_unused)
{
	atomic_store_explicit(&stop, true, memory_order_relaxed);
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: synq-gen [EAL args] -- [options]\n"
		"       synq-gen --pcap-out FILE --pcap-count N [--pcap-kind syn|ack|rst|mix] [options]\n"
		"  --port NAME            ethdev to use (default: the only one)\n"
		"  --dst IP               target address (default 198.18.0.1)\n"
		"  --dport N              target port (default 80)\n"
		"  --dst-mac MAC          target MAC (default: resolved by ARP)\n"
		"  --src-mac MAC          our MAC (default: the port's, or " GEN_DEFAULT_MAC ")\n"
		"  --vlan N               802.1Q tag (default: untagged)\n"
		"  --mix SPEC             shares of new packets (default syn=99,handshake=1):\n"
		"                         syn: spoofed SYN flood; handshake: clients that\n"
		"                         complete the handshake; ack: forged ACKs;\n"
		"                         rst: RST flood\n"
		"  --rate PPS             new packets a second, 0 = as fast as possible\n"
		"                         (default 0)\n"
		"  --duration S           seconds of traffic (default 10)\n"
		"  --drain-ms N           keep answering SYN-ACKs this long after (default 200)\n"
		"  --src-range CIDR       flood sources (default 198.18.128.0/17)\n"
		"  --client-range CIDR    handshake client sources (default 198.19.0.0/16)\n"
		"  --close rst|fin|none   how clients end a completed handshake (default rst)\n"
		"  --json PATH            write the figures there as JSON\n"
		"  --seed N               random seed (default: drawn at random)\n"
		"  --no-offload           compute checksums in software even if the NIC can\n"
		"  --quiet                no per-second lines\n"
		"  --pcap-out FILE        write a pcap of --pcap-count frames and exit (no EAL)\n"
		"  --pcap-count N         frames in the pcap (default 1000)\n"
		"  --pcap-kind KIND       syn, ack (forged ACKs), rst, or mix (of 4 frames: 2 SYNs,\n"
		"                         a forged ACK, a RST), from --src-range (default syn)\n"
		"  --help, --version\n"
		"Every DPDK process on a shared machine should get --no-pci and its own\n"
		"--file-prefix among its EAL args.\n");
}

static int
parse_double(const char *opt, const char *s, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(*out) || *out < min || *out > max) {
		fprintf(stderr, "synq-gen: %s: \"%s\" is not a number %g..%g\n", opt, s, min, max);
		return -EINVAL;
	}
	return 0;
}

static int
parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || *out < min || *out > max) {
		fprintf(stderr, "synq-gen: %s: \"%s\" is not an integer %lu..%lu\n", opt, s,
			(unsigned long)min, (unsigned long)max);
		return -EINVAL;
	}
	return 0;
}

static int
parse_ip(const char *opt, const char *s, uint32_t *out)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1) {
		fprintf(stderr, "synq-gen: %s: \"%s\" is not an IPv4 address\n", opt, s);
		return -EINVAL;
	}
	*out = rte_be_to_cpu_32(in.s_addr);
	return 0;
}

static int
parse_cidr(const char *opt, const char *s, struct gen_range *r)
{
	char buf[INET_ADDRSTRLEN + 4];
	char *slash;
	struct in_addr a;
	uint64_t len;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		goto bad;
	*slash = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		goto bad;
	errno = 0;
	len = strtoull(slash + 1, NULL, 10);
	if (slash[1] < '0' || slash[1] > '9' || len > 32 || errno != 0)
		goto bad;
	r->size = (uint32_t)(UINT64_C(1) << (32 - len));
	/* a /0 would need 2^32 addresses: cap it at a /1, more than anyone needs */
	if (len == 0)
		r->size = UINT32_C(1) << 31;
	r->base = rte_be_to_cpu_32(a.s_addr) & ~(r->size - 1);
	return 0;
bad:
	fprintf(stderr, "synq-gen: %s: \"%s\" is not an IPv4 prefix (a.b.c.d/len)\n", opt, s);
	return -EINVAL;
}

/* "syn=99,handshake=1,ack=0,rst=0": names not given get 0. */
static int
parse_mix(const char *s, unsigned int mix[GEN_NB_MODES])
{
	char buf[256];
	char *save = NULL;
	unsigned int total = 0;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	memset(mix, 0, sizeof(unsigned int) * GEN_NB_MODES);
	for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		unsigned int i;
		uint64_t v;

		if (eq == NULL)
			goto bad;
		*eq = '\0';
		for (i = 0; i < GEN_NB_MODES; i++)
			if (strcmp(tok, mode_names[i]) == 0)
				break;
		if (i == GEN_NB_MODES || parse_u64("--mix", eq + 1, 0, 1000000, &v) != 0)
			goto bad;
		mix[i] = (unsigned int)v;
		total += (unsigned int)v;
	}
	if (total == 0)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "synq-gen: --mix: \"%s\" is not a list of name=share with names syn, "
		"handshake, ack, rst (shares 0..1000000, not all 0)\n", s);
	return -EINVAL;
}

static int
parse_mac(const char *opt, const char *s, struct rte_ether_addr *mac)
{
	if (rte_ether_unformat_addr(s, mac) != 0 || !rte_is_unicast_ether_addr(mac) ||
		rte_is_zero_ether_addr(mac)) {
		fprintf(stderr, "synq-gen: %s: \"%s\" is not a unicast MAC address\n", opt, s);
		return -EINVAL;
	}
	return 0;
}

/* Not RTE_IPV4(): in DPDK 22.11 it shifts an int into the sign bit for a >= 128. */
static uint32_t
ipv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static void
args_default(struct gen_args *a)
{
	memset(a, 0, sizeof(*a));
	a->dst = ipv4(198, 18, 0, 1);
	a->dport = 80;
	a->mix[GEN_SYN] = 99;
	a->mix[GEN_HANDSHAKE] = 1;
	a->duration_s = 10;
	a->drain_ms = 200;
	a->flood = (struct gen_range){ipv4(198, 18, 128, 0), 1u << 15};
	a->clients = (struct gen_range){ipv4(198, 19, 0, 0), 1u << 16};
	a->close = GEN_CLOSE_RST;
	a->pcap_count = 1000;
	a->pcap_kind = GEN_SYN;
}

static bool
ranges_overlap(const struct gen_range *x, const struct gen_range *y)
{
	return x->base - y->base < y->size || y->base - x->base < x->size;
}

enum {
	OPT_PORT = 256, OPT_SRC_MAC, OPT_DST_MAC, OPT_DST, OPT_DPORT, OPT_VLAN, OPT_MIX,
	OPT_RATE, OPT_DURATION, OPT_DRAIN, OPT_SRC_RANGE, OPT_CLIENT_RANGE, OPT_CLOSE,
	OPT_JSON, OPT_SEED, OPT_NO_OFFLOAD, OPT_QUIET, OPT_PCAP_OUT, OPT_PCAP_COUNT,
	OPT_PCAP_KIND, OPT_HELP, OPT_VERSION
};

/* The names an option with a fixed set of values takes, and what each stands for. */
struct name_value {
	const char *name;
	int value;
};

static const struct name_value close_names[] = {
	{"rst", GEN_CLOSE_RST}, {"fin", GEN_CLOSE_FIN}, {"none", GEN_CLOSE_NONE}, {NULL, 0},
};
static const struct name_value pcap_kind_names[] = {
	{"syn", GEN_SYN}, {"ack", GEN_ACK}, {"rst", GEN_RST}, {"mix", GEN_PCAP_MIX}, {NULL, 0},
};

/* The name of @p value in @p names. */
static const char *
name_of(const struct name_value *names, int value)
{
	for (const struct name_value *n = names; n->name != NULL; n++)
		if (n->value == value)
			return n->name;
	return "?";
}

/* @p arg as one of @p names; else an error naming @p opt and every name it takes. */
static int
parse_name(const char *opt, const char *arg, const struct name_value *names, int *value)
{
	for (const struct name_value *n = names; n->name != NULL; n++)
		if (strcmp(arg, n->name) == 0) {
			*value = n->value;
			return 0;
		}
	fprintf(stderr, "synq-gen: %s: \"%s\", expected", opt, arg);
	for (const struct name_value *n = names; n->name != NULL; n++)
		fprintf(stderr, "%s %s", n == names ? "" : n[1].name == NULL ? " or" : ",", n->name);
	fputc('\n', stderr);
	return -EINVAL;
}

/* One option @p c with its argument @p arg; 0, 1 to exit successfully, or -errno. */
static int
parse_one(int c, const char *arg, struct gen_args *a)
{
	uint64_t v;
	int rc = 0, e;

	switch (c) {
	case OPT_PORT:
		a->port = arg;
		break;
	case OPT_SRC_MAC:
		rc = parse_mac("--src-mac", arg, &a->src_mac);
		a->has_src_mac = true;
		break;
	case OPT_DST_MAC:
		rc = parse_mac("--dst-mac", arg, &a->dst_mac);
		a->has_dst_mac = true;
		break;
	case OPT_DST:
		return parse_ip("--dst", arg, &a->dst);
	case OPT_DPORT:
		rc = parse_u64("--dport", arg, 1, 65535, &v);
		a->dport = (uint16_t)v;
		break;
	case OPT_VLAN:
		rc = parse_u64("--vlan", arg, 0, 4094, &v);
		a->vlan = (uint16_t)v;
		break;
	case OPT_MIX:
		return parse_mix(arg, a->mix);
	case OPT_RATE:
		return parse_double("--rate", arg, 0, 1e10, &a->rate);
	case OPT_DURATION:
		return parse_double("--duration", arg, 0.001, 1e7, &a->duration_s);
	case OPT_DRAIN:
		rc = parse_u64("--drain-ms", arg, 0, 600000, &v);
		a->drain_ms = (unsigned int)v;
		break;
	case OPT_SRC_RANGE:
		return parse_cidr("--src-range", arg, &a->flood);
	case OPT_CLIENT_RANGE:
		return parse_cidr("--client-range", arg, &a->clients);
	case OPT_CLOSE:
		rc = parse_name("--close", arg, close_names, &e);
		a->close = rc == 0 ? (enum gen_close)e : a->close;
		break;
	case OPT_JSON:
		a->json = arg;
		break;
	case OPT_SEED:
		return parse_u64("--seed", arg, 0, UINT64_MAX, &a->seed);
	case OPT_NO_OFFLOAD:
		a->no_offload = true;
		break;
	case OPT_QUIET:
		a->quiet = true;
		break;
	case OPT_PCAP_OUT:
		a->pcap_out = arg;
		break;
	case OPT_PCAP_COUNT:
		return parse_u64("--pcap-count", arg, 1, UINT64_C(1) << 32, &a->pcap_count);
	case OPT_PCAP_KIND:
		rc = parse_name("--pcap-kind", arg, pcap_kind_names, &e);
		a->pcap_kind = rc == 0 ? (enum gen_mode)e : a->pcap_kind;
		break;
	case OPT_HELP:
		usage(stdout);
		return 1;
	case OPT_VERSION:
		printf("synq-gen %s\n", SYNQ_VERSION);
		return 1;
	default:
		usage(stderr);
		return -EINVAL;
	}
	return rc;
}

/* Options after "--"; returns 0, 1 to exit successfully, or a negative errno. */
static int
parse_args(int argc, char **argv, struct gen_args *a)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, OPT_PORT},
		{"src-mac", required_argument, NULL, OPT_SRC_MAC},
		{"dst-mac", required_argument, NULL, OPT_DST_MAC},
		{"dst", required_argument, NULL, OPT_DST},
		{"dport", required_argument, NULL, OPT_DPORT},
		{"vlan", required_argument, NULL, OPT_VLAN},
		{"mix", required_argument, NULL, OPT_MIX},
		{"rate", required_argument, NULL, OPT_RATE},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"drain-ms", required_argument, NULL, OPT_DRAIN},
		{"src-range", required_argument, NULL, OPT_SRC_RANGE},
		{"client-range", required_argument, NULL, OPT_CLIENT_RANGE},
		{"close", required_argument, NULL, OPT_CLOSE},
		{"json", required_argument, NULL, OPT_JSON},
		{"seed", required_argument, NULL, OPT_SEED},
		{"no-offload", no_argument, NULL, OPT_NO_OFFLOAD},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"pcap-out", required_argument, NULL, OPT_PCAP_OUT},
		{"pcap-count", required_argument, NULL, OPT_PCAP_COUNT},
		{"pcap-kind", required_argument, NULL, OPT_PCAP_KIND},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		rc = parse_one(c, optarg, a);
	if (rc != 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "synq-gen: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	/* the two kinds of SYN-ACK are told apart by their destination */
	if (ranges_overlap(&a->flood, &a->clients)) {
		fprintf(stderr, "synq-gen: --src-range and --client-range overlap: SYN-ACKs to "
			"clients could not be told from SYN-ACKs to flood sources\n");
		return -EINVAL;
	}
	if (a->dst - a->flood.base < a->flood.size || a->dst - a->clients.base < a->clients.size) {
		fprintf(stderr, "synq-gen: --dst is inside --src-range or --client-range\n");
		return -EINVAL;
	}
	return 0;
}

/* Options of our own: given alone (no "--"), no EAL is started. */
static const char *const our_options[] = {"--port", "--src-mac", "--dst-mac", "--dst", "--dport",
		"--vlan", "--mix", "--rate", "--duration", "--drain-ms", "--src-range",
		"--client-range", "--close", "--json", "--seed", "--no-offload", "--quiet",
		"--pcap-out", "--pcap-count", "--pcap-kind", "--help", "--version", NULL};

static uint64_t
ms_to_tsc(double ms)
{
	return (uint64_t)(ms * (double)rte_get_tsc_hz() / 1000.0);
}

/* The port: one rx and one tx queue, checksum offload if the NIC has it. */
static int
port_start(struct gen_ctx *c)
{
	const struct gen_args *a = c->a;
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t nb_rxd = NB_DESC, nb_txd = NB_DESC;
	uint64_t want = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	uint64_t deadline;
	int socket, rc;

	if (a->port != NULL) {
		if (rte_eth_dev_get_port_by_name(a->port, &c->port_id) != 0) {
			fprintf(stderr, "synq-gen: --port %s: no such ethdev (EAL has %u)\n",
				a->port, rte_eth_dev_count_avail());
			return -ENODEV;
		}
	} else {
		if (rte_eth_dev_count_avail() != 1) {
			fprintf(stderr, "synq-gen: %u ethdevs: name one with --port\n",
				rte_eth_dev_count_avail());
			return -ENODEV;
		}
		uint16_t pid;

		RTE_ETH_FOREACH_DEV(pid) {
			c->port_id = pid;
			break;
		}
	}
	rc = rte_eth_dev_info_get(c->port_id, &info);
	if (rc != 0)
		return rc;
	socket = rte_eth_dev_socket_id(c->port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	c->pool = rte_pktmbuf_pool_create("synq_gen", NB_MBUFS, MBUF_CACHE, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (c->pool == NULL) {
		fprintf(stderr, "synq-gen: mbuf pool: %s\n", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	c->offload = !a->no_offload && (info.tx_offload_capa & want) == want;
	if (c->offload)
		conf.txmode.offloads = want;
	rc = rte_eth_dev_configure(c->port_id, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(c->port_id, &nb_rxd, &nb_txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(c->port_id, 0, nb_rxd, (unsigned int)socket, NULL,
			c->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(c->port_id, 0, nb_txd, (unsigned int)socket, NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(c->port_id);
	if (rc != 0) {
		fprintf(stderr, "synq-gen: port %u: cannot start: %s\n", c->port_id, strerror(-rc));
		return rc;
	}
	/* replies come to --src-mac, which the NIC may not know as its own */
	if (a->has_src_mac)
		rte_eth_promiscuous_enable(c->port_id);
	if (a->has_src_mac) {
		c->l2.src = a->src_mac;
	} else if (rte_eth_macaddr_get(c->port_id, &mac) == 0 && rte_is_unicast_ether_addr(&mac) &&
		!rte_is_zero_ether_addr(&mac)) {
		c->l2.src = mac;
	} else {
		rte_ether_unformat_addr(GEN_DEFAULT_MAC, &c->l2.src);
	}
	c->l2.vlan = a->vlan;

	/* memif: up once the server accepted us; a NIC: once autonegotiation is done */
	deadline = rte_rdtsc() + ms_to_tsc(LINK_WAIT_MS);
	for (;;) {
		struct rte_eth_link link;

		if (rte_eth_link_get_nowait(c->port_id, &link) == 0 && link.link_status)
			break;
		if (rte_rdtsc() > deadline || atomic_load_explicit(&stop, memory_order_relaxed)) {
			fprintf(stderr, "synq-gen: port %u: link still down after %d ms (a memif "
				"server must be up before its client)\n", c->port_id, LINK_WAIT_MS);
			return -ENOLINK;
		}
		rte_delay_ms(10);
	}
	return 0;
}

static void
port_stop(struct gen_ctx *c)
{
	rte_eth_dev_stop(c->port_id);
	rte_eth_dev_close(c->port_id);
}

/* Send one ARP request for --dst, from the first client address. */
static void
arp_request(struct gen_ctx *c)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
	uint16_t l2_len = gen_l2_len(&c->l2);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(eth, 0, GEN_FRAME_MIN);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = c->l2.src;
	if (c->l2.vlan != 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(c->l2.vlan);
		vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_ARP);
	} else {
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	}
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, l2_len);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = c->l2.src;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(c->a->clients.base +
		(c->a->clients.size > 1 ? 1 : 0));
	arp->arp_data.arp_tip = rte_cpu_to_be_32(c->a->dst);
	m->data_len = GEN_FRAME_MIN;
	m->pkt_len = GEN_FRAME_MIN;
	if (rte_eth_tx_burst(c->port_id, 0, &m, 1) != 1)
		rte_pktmbuf_free(m);
}

/* An ARP reply from --dst, or its gratuitous announcement: its MAC. */
static bool
arp_answer(const struct gen_ctx *c, const struct rte_mbuf *m, struct rte_ether_addr *mac)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t off = sizeof(*eth);
	const struct rte_arp_hdr *arp;
	uint16_t type;

	if (m->data_len < off)
		return false;
	type = eth->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
		m->data_len >= off + sizeof(struct rte_vlan_hdr)) {
		type = ((const struct rte_vlan_hdr *)(eth + 1))->eth_proto;
		off += sizeof(struct rte_vlan_hdr);
	}
	if (type != RTE_BE16(RTE_ETHER_TYPE_ARP) || m->data_len < off + sizeof(*arp))
		return false;
	arp = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, off);
	if (arp->arp_data.arp_sip != rte_cpu_to_be_32(c->a->dst) ||
		!rte_is_unicast_ether_addr(&arp->arp_data.arp_sha))
		return false;
	*mac = arp->arp_data.arp_sha;
	return true;
}

static int
arp_resolve(struct gen_ctx *c)
{
	struct rte_mbuf *rx[GEN_BURST];
	char ip[INET_ADDRSTRLEN];
	uint32_t be = rte_cpu_to_be_32(c->a->dst);

	for (int i = 0; i < ARP_TRIES && !atomic_load_explicit(&stop, memory_order_relaxed); i++) {
		uint64_t until = rte_rdtsc() + ms_to_tsc(ARP_INTERVAL_MS);
		bool found = false;

		arp_request(c);
		while (!found && rte_rdtsc() < until) {
			uint16_t n = rte_eth_rx_burst(c->port_id, 0, rx, GEN_BURST);

			for (uint16_t k = 0; k < n; k++)
				found = found || arp_answer(c, rx[k], &c->l2.dst);
			rte_pktmbuf_free_bulk(rx, n);
			if (n == 0)
				rte_delay_us_block(50);
		}
		if (found)
			return 0;
	}
	inet_ntop(AF_INET, &be, ip, sizeof(ip));
	fprintf(stderr, "synq-gen: no ARP reply from %s after %d tries: give --dst-mac\n", ip,
		ARP_TRIES);
	return -EHOSTUNREACH;
}

/* Count the replies the tx queue took, by kind. */
static void
count_replies(struct gen_ctx *c, const uint8_t *kinds, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++) {
		if (kinds[i] == GEN_REPLY_ACK)
			c->st.acks_sent++;
		else if (kinds[i] == GEN_REPLY_CLOSE)
			c->st.closes_sent++;
		else
			c->st.fin_replies++;
	}
}

/*
 * Replies the tx queue has no room for yet. They go before any new packet: a client
 * whose final ACK the generator itself dropped would measure the generator.
 */
struct pending {
	struct rte_mbuf *m[PENDING_MAX];
	uint8_t kinds[PENDING_MAX];
	unsigned int n;
};

/* Send what is pending, in order (a client's RST must follow its ACK). */
static void
pending_flush(struct gen_ctx *c, struct pending *p)
{
	unsigned int k;

	if (p->n == 0)
		return;
	k = rte_eth_tx_burst(c->port_id, 0, p->m, (uint16_t)p->n);
	count_replies(c, p->kinds, 0, k);
	if (k != 0 && k < p->n) {
		memmove(p->m, p->m + k, (p->n - k) * sizeof(p->m[0]));
		memmove(p->kinds, p->kinds + k, p->n - k);
	}
	p->n -= k;
}

/* The figures of one second, for the progress line. */
static void
progress(const struct gen_ctx *c, struct gen_stats *last, double t, double dt)
{
	const struct gen_stats *s = &c->st;
	uint64_t off = 0, last_off = 0;

	for (unsigned int i = 0; i < GEN_NB_MODES; i++) {
		off += s->offered[i];
		last_off += last->offered[i];
	}
	printf("%6.1f s  offered %9.0f pps  SYN-ACKs %9.0f/s (clients %8.0f/s)  handshakes "
		"%8.0f/s  failures %lu\n", t, (double)(off - last_off) / dt,
		(double)(s->synacks_legit + s->synacks_flood - last->synacks_legit -
			last->synacks_flood) / dt,
		(double)(s->synacks_legit - last->synacks_legit) / dt,
		(double)(s->acks_sent - last->acks_sent) / dt,
		(unsigned long)(s->synack_bad_ack + s->rst_to_syn + s->rst_to_ack));
	fflush(stdout);
	*last = *s;
}

/* TSval of TSC time @p tsc (low 32 bits: latencies are differences modulo 2^32) */
static inline uint32_t
ts_of(const struct gen_ctx *c, uint64_t tsc)
{
	return (uint32_t)((tsc - c->tsc0) * GEN_TS_PER_US / c->hz_us);
}

/*
 * The run: until --duration, rx (replies first: they complete handshakes already
 * under way), then as many new packets as the rate allows, up to a burst; then
 * --drain-ms more of rx only, so that SYN-ACKs in flight are still answered.
 */
static void
run(struct gen_ctx *c, double *send_s)
{
	const struct gen_args *a = c->a;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t send_end, end, next_report, last_report;
	double sched = 0; /* new packets sent or given up so far */
	struct gen_stats last = {0};
	struct pending pend = {.n = 0};
	struct rte_mbuf *rx[GEN_BURST];
	struct rte_mbuf *tx[GEN_BURST];
	uint8_t modes[GEN_BURST];
	uint64_t now, prev, sent_until;

	c->tsc0 = rte_rdtsc();
	send_end = c->tsc0 + (uint64_t)(a->duration_s * (double)hz);
	end = send_end + ms_to_tsc(a->drain_ms);
	next_report = c->tsc0 + hz;
	last_report = c->tsc0;
	sent_until = c->tsc0;
	prev = c->tsc0;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		uint32_t now_ts;
		uint16_t n;
		unsigned int want = GEN_BURST;

		now = rte_rdtsc();
		if (now >= end)
			break;
		sent_until = RTE_MIN(now, send_end);
		now_ts = ts_of(c, now);
		if (now - prev > STALL_US * c->hz_us) {
			uint64_t us = (now - prev) / c->hz_us;

			c->st.stalls++;
			c->st.stall_us += us;
			c->st.stall_max_us = RTE_MAX(c->st.stall_max_us, us);
		}
		prev = now;

		/* a frame makes at most two replies; while they have no room, rx waits */
		pending_flush(c, &pend);
		n = rte_eth_rx_burst(c->port_id, 0, rx,
			(uint16_t)RTE_MIN((PENDING_MAX - pend.n) / 2, (unsigned int)GEN_BURST));
		if (n != 0) {
			pend.n += gen_rx(c, rx, n, pend.m + pend.n, pend.kinds + pend.n, now_ts);
			pending_flush(c, &pend);
		}

		if (now < send_end && pend.n == 0) {
			/* the TSval of the SYNs: now, not before the replies were handled */
			now = rte_rdtsc();
			now_ts = ts_of(c, now);
			if (a->rate > 0) {
				double due = (double)(now - c->tsc0) * a->rate / (double)hz;
				double cap = RTE_MAX(a->rate * RATE_CATCHUP_S, (double)GEN_BURST);

				if (due - sched > cap)
					sched = due - cap;
				want = due > sched ?
					(unsigned int)RTE_MIN(due - sched, (double)GEN_BURST) : 0;
			}
			if (want != 0 && rte_pktmbuf_alloc_bulk(c->pool, tx, want) == 0) {
				unsigned int k;

				gen_tx_new(c, tx, modes, want, now_ts);
				k = rte_eth_tx_burst(c->port_id, 0, tx, (uint16_t)want);
				for (unsigned int i = 0; i < k; i++)
					c->st.offered[modes[i]]++;
				if (k < want) {
					c->st.tx_full += want - k;
					rte_pktmbuf_free_bulk(tx + k, want - k);
				}
				sched += want;
			} else if (want != 0) {
				c->st.alloc_failed++;
			}
		}

		if (!a->quiet && now >= next_report) {
			progress(c, &last, (double)(now - c->tsc0) / (double)hz,
				(double)(now - last_report) / (double)hz);
			last_report = now;
			next_report += hz;
		}
	}
	if (pend.n != 0) {
		c->st.reply_dropped += pend.n;
		rte_pktmbuf_free_bulk(pend.m, pend.n);
		pend.n = 0;
	}
	*send_s = (double)(sent_until - c->tsc0) / (double)hz;
	if (*send_s <= 0)
		*send_s = 1e-9;
}

/* Quantile @p p of @p h in microseconds; 0 is the minimum, 1 the maximum (exact). */
static double
lat_us(const struct gen_hist *h, double p)
{
	if (h->n == 0)
		return 0;
	if (p <= 0)
		return (double)h->min / GEN_TS_PER_US;
	if (p >= 1)
		return (double)h->max / GEN_TS_PER_US;
	return gen_hist_pct(h, p) / GEN_TS_PER_US;
}

static json_t *
report_json(const struct gen_ctx *c, double send_s, const char *port_name)
{
	const struct gen_args *a = c->a;
	const struct gen_stats *s = &c->st;
	json_t *offered = json_object(), *mix = json_object();
	uint64_t total = 0, failures = s->synack_bad_ack + s->rst_to_syn + s->rst_to_ack;
	char dst[INET_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE], dmac[RTE_ETHER_ADDR_FMT_SIZE];
	uint32_t be = rte_cpu_to_be_32(a->dst);

	inet_ntop(AF_INET, &be, dst, sizeof(dst));
	rte_ether_format_addr(mac, sizeof(mac), &c->l2.src);
	rte_ether_format_addr(dmac, sizeof(dmac), &c->l2.dst);
	for (unsigned int i = 0; i < GEN_NB_MODES; i++) {
		total += s->offered[i];
		json_object_set_new(offered, mode_names[i], json_pack("{s:I, s:f}", "packets",
			(json_int_t)s->offered[i], "pps", (double)s->offered[i] / send_s));
		json_object_set_new(mix, mode_names[i], json_integer(a->mix[i]));
	}
	json_object_set_new(offered, "total", json_pack("{s:I, s:f}", "packets",
		(json_int_t)total, "pps", (double)total / send_s));

	return json_pack("{s:{s:s, s:s, s:s, s:s, s:i, s:o, s:f, s:f, s:i, s:s, s:b},"
			 " s:f, s:o,"
			 " s:{s:I, s:I, s:I, s:I, s:I},"
			 " s:{s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I},"
			 " s:{s:I, s:f},"
			 " s:{s:I, s:f, s:f, s:f, s:f, s:f, s:f},"
			 " s:{s:I, s:I, s:I, s:I},"
			 " s:{s:I, s:I, s:I, s:I}}",
		"config",
			"port", port_name, "src_mac", mac, "dst_mac", dmac, "dst", dst,
			"dport", (int)a->dport, "mix", mix, "rate", a->rate,
			"duration_s", a->duration_s, "drain_ms", (int)a->drain_ms,
			"close", name_of(close_names, a->close), "checksum_offload", c->offload,
		"send_s", send_s,
		"offered", offered,
		"sent",
			"final_acks", (json_int_t)s->acks_sent,
			"closes", (json_int_t)s->closes_sent,
			"fin_replies", (json_int_t)s->fin_replies,
			"tx_full", (json_int_t)s->tx_full,
			"replies_dropped", (json_int_t)s->reply_dropped,
		"received",
			"packets", (json_int_t)s->rx_packets,
			"synacks", (json_int_t)(s->synacks_legit + s->synacks_flood),
			"synacks_clients", (json_int_t)s->synacks_legit,
			"synacks_per_s", (double)(s->synacks_legit + s->synacks_flood) / send_s,
			"synacks_clients_per_s", (double)s->synacks_legit / send_s,
			"synacks_flood", (json_int_t)s->synacks_flood,
			"synacks_flood_bad_ack", (json_int_t)s->synack_bad_ack_flood,
			"synacks_without_timestamp", (json_int_t)s->synack_no_ts,
			"rst_after_open", (json_int_t)s->rst_after_open,
			"rst_flood", (json_int_t)s->rst_flood,
			"fins", (json_int_t)s->fins,
			"other", (json_int_t)s->rx_other,
		"handshakes",
			"completed", (json_int_t)s->acks_sent,
			"per_s", (double)s->acks_sent / send_s,
		"latency_us",
			"samples", (json_int_t)c->lat.n,
			"p50", lat_us(&c->lat, 0.5),
			"p99", lat_us(&c->lat, 0.99),
			"p999", lat_us(&c->lat, 0.999),
			"min", lat_us(&c->lat, 0),
			"max", lat_us(&c->lat, 1),
			"mean", c->lat.n != 0 ?
				(double)c->lat.sum / (double)c->lat.n / GEN_TS_PER_US : 0.0,
		"failures",
			"total", (json_int_t)failures,
			"synack_bad_ack", (json_int_t)s->synack_bad_ack,
			"rst_to_syn", (json_int_t)s->rst_to_syn,
			"rst_to_ack", (json_int_t)s->rst_to_ack,
		"generator",
			"stalls", (json_int_t)s->stalls,
			"stall_ms", (json_int_t)(s->stall_us / 1000),
			"stall_max_us", (json_int_t)s->stall_max_us,
			"alloc_failed", (json_int_t)s->alloc_failed);
}

static void
report_print(const struct gen_ctx *c, double send_s, const char *port_name)
{
	const struct gen_args *a = c->a;
	const struct gen_stats *s = &c->st;
	uint64_t total = 0;
	char dst[INET_ADDRSTRLEN];
	uint32_t be = rte_cpu_to_be_32(a->dst);

	inet_ntop(AF_INET, &be, dst, sizeof(dst));
	for (unsigned int i = 0; i < GEN_NB_MODES; i++)
		total += s->offered[i];
	printf("synq-gen: %.2f s of traffic to %s:%u on %s (+%u ms drain), close %s\n", send_s,
		dst, a->dport, port_name, a->drain_ms, name_of(close_names, a->close));
	printf("  offered     %10.0f pps:", (double)total / send_s);
	for (unsigned int i = 0; i < GEN_NB_MODES; i++)
		printf(" %s %.0f", mode_names[i], (double)s->offered[i] / send_s);
	printf(" (tx queue full: %lu)\n", (unsigned long)s->tx_full);
	printf("  SYN-ACKs    %10.0f /s: clients %.0f/s, flood sources %.0f/s (%lu + %lu)\n",
		(double)(s->synacks_legit + s->synacks_flood) / send_s,
		(double)s->synacks_legit / send_s, (double)s->synacks_flood / send_s,
		(unsigned long)s->synacks_legit, (unsigned long)s->synacks_flood);
	printf("  handshakes  %10.0f /s: %lu final ACKs sent, %lu closes, %lu FINs answered\n",
		(double)s->acks_sent / send_s, (unsigned long)s->acks_sent,
		(unsigned long)s->closes_sent, (unsigned long)s->fin_replies);
	printf("  latency     SYN -> SYN-ACK p50 %.1f us, p99 %.1f us, p99.9 %.1f us "
		"(min %.1f, max %.1f, %lu samples)\n", lat_us(&c->lat, 0.5),
		lat_us(&c->lat, 0.99), lat_us(&c->lat, 0.999), lat_us(&c->lat, 0),
		lat_us(&c->lat, 1), (unsigned long)c->lat.n);
	printf("  failures    %lu: SYN-ACK with a wrong ack %lu, RST to a SYN %lu, RST to an "
		"ACK %lu\n", (unsigned long)(s->synack_bad_ack + s->rst_to_syn + s->rst_to_ack),
		(unsigned long)s->synack_bad_ack, (unsigned long)s->rst_to_syn,
		(unsigned long)s->rst_to_ack);
	printf("  also        RSTs after open %lu, RSTs to flood sources %lu, server FINs %lu, "
		"replies dropped %lu, other frames %lu\n", (unsigned long)s->rst_after_open,
		(unsigned long)s->rst_flood, (unsigned long)s->fins,
		(unsigned long)s->reply_dropped, (unsigned long)s->rx_other);
	/* a generator that lost its core offered less, and its latencies include the gap */
	printf("  generator   lost its core %lu times, %lu ms in all (longest %lu us); out of "
		"mbufs %lu times\n", (unsigned long)s->stalls, (unsigned long)(s->stall_us / 1000),
		(unsigned long)s->stall_max_us, (unsigned long)s->alloc_failed);
}

static int
write_json(const char *path, json_t *doc)
{
	if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(10)) != 0) {
		fprintf(stderr, "synq-gen: --json %s: cannot write\n", path);
		return -EIO;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct gen_ctx ctx;
	struct gen_args args;
	int eal_argc;
	char port_name[RTE_ETH_NAME_MAX_LEN] = "";
	double send_s = 0;
	json_t *doc;
	int rc;

	args_default(&args);
	/*
	 * EAL's arguments end at "--"; ours follow it. Ours alone (no "--") are for the
	 * modes without EAL: --pcap-out, --help, --version.
	 */
	eal_argc = synq_args_eal_end(argc, argv, our_options);
	if (eal_argc < argc) {
		char *saved = argv[eal_argc];

		argv[eal_argc] = argv[0];
		rc = parse_args(argc - eal_argc, &argv[eal_argc], &args);
		argv[eal_argc] = saved;
		if (rc != 0)
			return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (args.pcap_out != NULL)
		return gen_pcap_write(&args) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (eal_argc == 0) {
		fprintf(stderr, "synq-gen: no EAL arguments: synq-gen [EAL args] -- [options], "
			"for example synq-gen --no-pci --no-huge -m 256 --file-prefix gen -l 0 "
			"--vdev net_memif0,role=client,socket=/tmp/memif.sock -- "
			"--dst 198.18.0.1\n");
		return EXIT_FAILURE;
	}

	if (rte_eal_init(eal_argc, argv) < 0)
		rte_exit(EXIT_FAILURE, "cannot start EAL: %s\n", rte_strerror(rte_errno));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	ctx.a = &args;
	ctx.rng = args.seed;
	if (ctx.rng == 0 && getrandom(&ctx.rng, sizeof(ctx.rng), 0) != (ssize_t)sizeof(ctx.rng))
		rte_exit(EXIT_FAILURE, "getrandom failed\n");
	ctx.isn_key = gen_rand(&ctx.rng);
	/*
	 * Clients start at a random place in their 4-tuple space: a run right after
	 * another, against the same server, must not reuse the flows it remembers.
	 */
	ctx.next_client = gen_rand(&ctx.rng) % ((uint64_t)args.clients.size * GEN_SPORT_SPAN);
	ctx.hz_us = RTE_MAX(rte_get_tsc_hz() / 1000000, (uint64_t)1);
	gen_wrr_init(&ctx);

	rc = port_start(&ctx);
	if (rc != 0)
		rte_exit(EXIT_FAILURE, "synq-gen: port setup failed\n");
	rte_eth_dev_get_name_by_port(ctx.port_id, port_name);
	if (args.has_dst_mac)
		ctx.l2.dst = args.dst_mac;
	else
		rc = arp_resolve(&ctx);
	if (rc == 0) {
		char smac[RTE_ETHER_ADDR_FMT_SIZE], dmac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(smac, sizeof(smac), &ctx.l2.src);
		rte_ether_format_addr(dmac, sizeof(dmac), &ctx.l2.dst);
		printf("synq-gen: %s %s -> %s, checksums %s, lcore %u\n", port_name, smac, dmac,
			ctx.offload ? "offloaded" : "in software", rte_lcore_id());
		run(&ctx, &send_s);
		report_print(&ctx, send_s, port_name);
		if (args.json != NULL) {
			doc = report_json(&ctx, send_s, port_name);
			rc = doc != NULL ? write_json(args.json, doc) : -ENOMEM;
			json_decref(doc);
		}
	}
	port_stop(&ctx);
	rte_mempool_free(ctx.pool);
	rte_eal_cleanup();
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
