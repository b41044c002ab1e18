/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ss(8)'s filter words, parsed and matched. synqctl takes the common subset: state
 * and exclude names (ss's, with its groups), port comparisons, address prefixes, all
 * conditions joined by "and". "or", "not" and parentheses are refused by name rather
 * than read another way.
 */

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ss_filter.h"

static const char *const state_names[SS_MAX] = {
	[SS_ESTAB] = "ESTAB",
	[SS_SYN_SENT] = "SYN-SENT",
	[SS_SYN_RECV] = "SYN-RECV",
	[SS_FIN_WAIT1] = "FIN-WAIT-1",
	[SS_FIN_WAIT2] = "FIN-WAIT-2",
	[SS_TIME_WAIT] = "TIME-WAIT",
	[SS_CLOSE] = "UNCONN",
	[SS_CLOSE_WAIT] = "CLOSE-WAIT",
	[SS_LAST_ACK] = "LAST-ACK",
	[SS_LISTEN] = "LISTEN",
	[SS_CLOSING] = "CLOSING",
};

/* the names "state" takes, as ss(8) lists them, with its groups */
static const struct {
	const char *name;
	uint32_t states;
} filter_states[] = {
	{"established", 1u << SS_ESTAB},
	{"syn-sent", 1u << SS_SYN_SENT},
	{"syn-recv", 1u << SS_SYN_RECV},
	{"fin-wait-1", 1u << SS_FIN_WAIT1},
	{"fin-wait-2", 1u << SS_FIN_WAIT2},
	{"time-wait", 1u << SS_TIME_WAIT},
	{"closed", 1u << SS_CLOSE},
	{"close-wait", 1u << SS_CLOSE_WAIT},
	{"last-ack", 1u << SS_LAST_ACK},
	{"listening", 1u << SS_LISTEN},
	{"listen", 1u << SS_LISTEN},
	{"closing", 1u << SS_CLOSING},
	{"all", SS_ALL},
	{"connected", SS_ALL & ~((1u << SS_LISTEN) | (1u << SS_CLOSE))},
	{"synchronized", SS_ALL & ~((1u << SS_LISTEN) | (1u << SS_CLOSE) | (1u << SS_SYN_SENT))},
	{"bucket", (1u << SS_SYN_RECV) | (1u << SS_TIME_WAIT)},
	{"big", SS_ALL & ~((1u << SS_SYN_RECV) | (1u << SS_TIME_WAIT))},
};

static const struct {
	const char *word;
	int op;
} ops[] = {
	{"=", SS_EQ},
	{"==", SS_EQ},
	{"eq", SS_EQ},
	{"!=", SS_NE},
	{"ne", SS_NE},
	{"neq", SS_NE},
	{"<", SS_LT},
	{"lt", SS_LT},
	{"<=", SS_LE},
	{"le", SS_LE},
	{">", SS_GT},
	{"gt", SS_GT},
	{">=", SS_GE},
	{"ge", SS_GE},
};

const char *
ss_state_name(int state)
{
	return state > 0 && state < SS_MAX ? state_names[state] : "UNKNOWN";
}

int
ss_state_of(const char *name)
{
	for (int s = 1; s < SS_MAX; s++)
		if (strcmp(state_names[s], name) == 0)
			return s;
	return -1;
}

int
ss_parse_addr(const char *s, uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return -1;
	if (s[0] == '[' && n > 2 && s[n - 1] == ']') {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, addr) == 1 ? 6 : -1;
	}
	if (inet_pton(AF_INET, s, addr) == 1)
		return 4;
	return inet_pton(AF_INET6, s, addr) == 1 ? 6 : -1;
}

/* ":80", "80" or ":http" (a service of /etc/services); -1 if none of them */
static long
parse_port(const char *s)
{
	struct servent *se;
	char *end;
	long p;

	if (*s == ':')
		s++;
	if (*s == '\0')
		return -1;
	p = strtol(s, &end, 10);
	if (*end == '\0')
		return p >= 0 && p <= 65535 ? p : -1;
	se = getservbyname(s, "tcp");
	return se != NULL ? ntohs((uint16_t)se->s_port) : -1;
}

/*
 * "ADDR", "ADDR/LEN", "ADDR:PORT", "[ADDR6]:PORT", "[ADDR6]/LEN" or ":PORT" into
 * @p c; 0, or -1 when it is none of them.
 */
static int
parse_prefix(const char *word, struct ss_cond *c)
{
	char buf[128];
	char *slash, *colon;
	int max;

	if (snprintf(buf, sizeof(buf), "%s", word) >= (int)sizeof(buf))
		return -1;
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	/* a port after an IPv4 address or a bracketed IPv6 one, or alone */
	colon = buf[0] == '[' ? strstr(buf, "]:") : strchr(buf, ':');
	if (colon != NULL && (buf[0] == '[' || strchr(colon + 1, ':') == NULL)) {
		long p;

		if (buf[0] == '[')
			colon++;
		p = parse_port(colon);
		if (p < 0 || slash != NULL)
			return -1;
		c->port = (uint16_t)p;
		c->has_port = true;
		*colon = '\0';
		if (buf[0] == '\0' || strcmp(buf, "*") == 0) {
			c->family = 0;
			return 0;
		}
	}
	c->family = ss_parse_addr(buf, c->addr);
	if (c->family < 0)
		return -1;
	max = c->family == 4 ? 32 : 128;
	c->plen = (unsigned int)max;
	if (slash != NULL) {
		char *end;
		long l = strtol(slash, &end, 10);

		if (*slash == '\0' || *end != '\0' || l < 0 || l > max)
			return -1;
		c->plen = (unsigned int)l;
	}
	return 0;
}

static int
parse_states(const char *word, uint32_t *states)
{
	for (size_t i = 0; i < sizeof(filter_states) / sizeof(filter_states[0]); i++)
		if (strcmp(word, filter_states[i].name) == 0) {
			*states |= filter_states[i].states;
			return 0;
		}
	return -1;
}

/* One condition's words from argv[*i]; 0 or -1 with @p err set. */
static int
parse_cond(int argc, char **argv, int *i, struct ss_filter *f, char *err, size_t len)
{
	const char *key = argv[*i];
	struct ss_cond *c = &f->cond[f->nb];
	bool port = strcmp(key, "sport") == 0 || strcmp(key, "dport") == 0;

	if (f->nb == SS_MAX_CONDS) {
		snprintf(err, len, "too many conditions at '%s' (at most %d)", key, SS_MAX_CONDS);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->what = strcmp(key, "sport") == 0   ? SS_SPORT
		  : strcmp(key, "dport") == 0 ? SS_DPORT
		  : strcmp(key, "src") == 0   ? SS_SRC
					      : SS_DST;
	if (++*i >= argc) {
		snprintf(err, len, "'%s' needs %s", key, port ? "a port (:N)" : "an address");
		return -1;
	}
	c->op = SS_EQ;
	for (size_t k = 0; port && k < sizeof(ops) / sizeof(ops[0]); k++)
		if (strcmp(argv[*i], ops[k].word) == 0) {
			c->op = ops[k].op;
			if (++*i >= argc) {
				snprintf(err, len, "'%s %s' needs a port (:N)", key, ops[k].word);
				return -1;
			}
			break;
		}
	if (port) {
		long p = parse_port(argv[*i]);

		if (p < 0) {
			snprintf(err, len, "bad port '%s' after '%s' (expected :N)", argv[*i], key);
			return -1;
		}
		c->port = (uint16_t)p;
	} else if (parse_prefix(argv[*i], c) != 0) {
		snprintf(err, len, "bad address '%s' after '%s' (expected ADDR[/LEN] or ADDR:PORT)",
			argv[*i], key);
		return -1;
	}
	f->nb++;
	return 0;
}

int
ss_filter_parse(int argc, char **argv, struct ss_filter *f, char *err, size_t len)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "and") == 0 || strcmp(w, "&&") == 0 || strcmp(w, "&") == 0)
			continue;
		if (strcmp(w, "state") == 0 || strcmp(w, "exclude") == 0 ||
			strcmp(w, "excl") == 0) {
			uint32_t *set = w[0] == 's' ? &f->states : &f->excluded;

			if (++i >= argc) {
				snprintf(err, len, "'%s' needs a state name", w);
				return -1;
			}
			if (parse_states(argv[i], set) != 0) {
				snprintf(err, len,
					"bad state '%s' (ss's names: established, "
					"listening, time-wait, ..., all, connected)",
					argv[i]);
				return -1;
			}
			continue;
		}
		if (strcmp(w, "sport") == 0 || strcmp(w, "dport") == 0 || strcmp(w, "src") == 0 ||
			strcmp(w, "dst") == 0) {
			if (parse_cond(argc, argv, &i, f, err, len) != 0)
				return -1;
			continue;
		}
		if (strcmp(w, "or") == 0 || strcmp(w, "not") == 0 || strcmp(w, "!") == 0 ||
			strcmp(w, "(") == 0 || strcmp(w, ")") == 0)
			snprintf(err, len, "'%s' is not supported: conditions are joined by 'and'",
				w);
		else
			snprintf(err, len, "bad filter word '%s'", w);
		return -1;
	}
	return 0;
}

uint32_t
ss_filter_states(const struct ss_filter *f, uint32_t dflt)
{
	return (f->states != 0 ? f->states : dflt) & ~f->excluded;
}

static bool
port_ok(int op, uint16_t have, uint16_t want)
{
	switch (op) {
	case SS_NE:
		return have != want;
	case SS_LT:
		return have < want;
	case SS_LE:
		return have <= want;
	case SS_GT:
		return have > want;
	case SS_GE:
		return have >= want;
	default:
		return have == want;
	}
}

static bool
prefix_ok(const struct ss_cond *c, int family, const uint8_t *addr)
{
	unsigned int full = c->plen / 8;
	unsigned int rest = c->plen % 8;

	if (family != c->family)
		return false;
	if (memcmp(addr, c->addr, full) != 0)
		return false;
	return rest == 0 || ((addr[full] ^ c->addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
ss_filter_match(const struct ss_filter *f, const struct ss_sock *s)
{
	for (unsigned int i = 0; i < f->nb; i++) {
		const struct ss_cond *c = &f->cond[i];
		bool local = c->what == SS_SPORT || c->what == SS_SRC;
		uint16_t port = local ? s->lport : s->rport;

		if (c->what == SS_SPORT || c->what == SS_DPORT) {
			if (!port_ok(c->op, port, c->port))
				return false;
			continue;
		}
		if (c->has_port && port != c->port)
			return false;
		if (c->family != 0 && !prefix_ok(c, s->family, local ? s->laddr : s->raddr))
			return false;
	}
	return true;
}
