/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl ss: listeners (/synq/listeners) and connections (/synq/conns, paged by its
 * offset) in the columns of iproute2's ss: State, Recv-Q, Send-Q, Local Address:Port,
 * Peer Address:Port, Process. The widths follow ss's rule: each column as wide as
 * its longest cell (a column's width counting the one-space delimiter before it);
 * on a terminal the rest of the screen's width shared among the columns.
 */

#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ss_filter.h"
#include "synqctl.h"

enum {
	COL_STATE,
	COL_RECVQ,
	COL_SENDQ,
	COL_ADDR,
	COL_SERV,
	COL_RADDR,
	COL_RSERV,
	COL_PROC,
	COL_EXT,
	COL_MAX
};

static const struct {
	const char *head;
	bool right;
	const char *ldelim;
} cols[COL_MAX] = {
	{"State", false, ""},
	{"Recv-Q", false, " "},
	{"Send-Q", false, " "},
	{"Local Address:", true, " "},
	{"Port", false, ""},
	{"Peer Address:", true, " "},
	{"Port", false, ""},
	{"Process", false, ""},
	{"", false, ""},
};

struct row {
	char cell[COL_MAX][64];
	char *info; /**< -i's line, or NULL */
};

struct ss_opts {
	bool listen, all, numeric, info, no_header;
	struct ss_filter filter;
};

struct table {
	struct row *rows;
	size_t nb, cap;
};

static struct row *
table_add(struct table *t)
{
	if (t->nb == t->cap) {
		size_t cap = t->cap != 0 ? 2 * t->cap : 64;
		struct row *r = realloc(t->rows, cap * sizeof(*r));

		if (r == NULL)
			return NULL;
		t->rows = r;
		t->cap = cap;
	}
	memset(&t->rows[t->nb], 0, sizeof(t->rows[0]));
	return &t->rows[t->nb++];
}

static void
print_row(const struct row *r, const int *width)
{
	for (int c = 0; c < COL_MAX; c++) {
		int len = (int)strlen(r->cell[c]);
		int printed = c == 0 ? 0 : printf("%s", cols[c].ldelim);

		if (width[c] == 0)
			continue;
		if (cols[c].right && width[c] - len - printed > 0)
			printed += printf("%*s", width[c] - len - printed, "");
		printed += printf("%s", r->cell[c]);
		if (!cols[c].right && width[c] - printed > 0)
			printf("%*s", width[c] - printed, "");
	}
	putchar('\n');
	if (r->info != NULL)
		printf("\t%s\n", r->info);
}

/* ss's render_calc_width(): content widths, then a terminal's spare columns shared. */
static void
table_print(const struct table *t, bool header)
{
	struct row head;
	int width[COL_MAX];
	int total = 0;
	struct winsize ws;

	memset(&head, 0, sizeof(head));
	for (int c = 0; c < COL_MAX; c++) {
		int max = (int)strlen(cols[c].head);

		snprintf(head.cell[c], sizeof(head.cell[c]), "%s", cols[c].head);
		for (size_t i = 0; i < t->nb; i++) {
			int len = (int)strlen(t->rows[i].cell[c]);

			max = len > max ? len : max;
		}
		width[c] = c != 0 && max != 0 ? max + (int)strlen(cols[c].ldelim) : max;
		total += width[c];
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		ws.ws_col > total) {
		int pad = ws.ws_col - total;
		int rem = pad % COL_MAX;

		/* as ss: each column its share, the remainder from the last column back */
		for (int c = COL_MAX - 1; c >= 0; c--) {
			width[c] += pad / COL_MAX;
			if (rem > 0) {
				width[c]++;
				rem--;
			}
		}
	}
	if (header)
		print_row(&head, width);
	for (size_t i = 0; i < t->nb; i++)
		print_row(&t->rows[i], width);
}

/* "198.18.0.1:" / "[2001:2::1]:" / "*:" and the port, as ss prints them. */
static void
fill_addr(char *addr, char *serv, size_t len, const char *a, int family, long port, bool numeric)
{
	struct servent *se = NULL;

	if (family == 6)
		snprintf(addr, len, "[%s]:", a);
	else
		snprintf(addr, len, "%s:", a);
	if (port < 0) {
		snprintf(serv, len, "*");
		return;
	}
	if (!numeric)
		se = getservbyport(htons((uint16_t)port), "tcp");
	if (se != NULL)
		snprintf(serv, len, "%s", se->s_name);
	else
		snprintf(serv, len, "%ld", port);
}

static int
add_listeners(struct ctl *c, const struct ss_opts *o, struct table *t)
{
	json_t *d;
	const char *key;
	json_t *l;

	if (ctl_query(c, "/synq/listeners", NULL, &d) != 0)
		return -1;
	json_object_foreach (d, key, l) {
		const char *a = json_string_value(json_object_get(l, "address"));
		struct ss_sock s = {.state = SS_LISTEN};
		struct row *r;

		if (a == NULL)
			continue;
		s.lport = (uint16_t)ctl_num(l, "port", 0);
		s.family = strcmp(a, "*") == 0 ? 0 : ss_parse_addr(a, s.laddr);
		if (!ss_filter_match(&o->filter, &s) || (r = table_add(t)) == NULL)
			continue;
		snprintf(r->cell[COL_STATE], 64, "LISTEN");
		snprintf(r->cell[COL_RECVQ], 64, "%.0f", ctl_num(l, "recv_q", 0));
		snprintf(r->cell[COL_SENDQ], 64, "%.0f", ctl_num(l, "send_q", 0));
		fill_addr(
			r->cell[COL_ADDR], r->cell[COL_SERV], 64, a, s.family, s.lport, o->numeric);
		fill_addr(r->cell[COL_RADDR], r->cell[COL_RSERV], 64,
			s.family == 0	? "*"
			: s.family == 4 ? "0.0.0.0"
					: "::",
			s.family, -1, true);
	}
	json_decref(d);
	return 0;
}

/* ss -i's second line, in ss's spelling and order, from what the connection has. */
static char *
info_line(const json_t *k)
{
	char buf[512];
	size_t n = 0;
	double rtt = ctl_num(k, "rtt_us", -1), mss = ctl_num(k, "mss", -1);
	double cwnd = ctl_num(k, "cwnd", -1);

#define OUT(...)                                                                                   \
	do {                                                                                       \
		if (n < sizeof(buf))                                                               \
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, __VA_ARGS__);              \
	} while (0)
#define FIELD(key, fmt)                                                                            \
	do {                                                                                       \
		if (json_is_number(json_object_get(k, key)))                                       \
			OUT(" " fmt, ctl_num(k, key, 0));                                          \
	} while (0)
	FIELD("rto_ms", "rto:%g");
	if (rtt >= 0)
		OUT(" rtt:%g/%g", rtt / 1000, ctl_num(k, "rttvar_us", 0) / 1000);
	FIELD("mss", "mss:%.0f");
	FIELD("cwnd", "cwnd:%.0f");
	FIELD("ssthresh", "ssthresh:%.0f");
	FIELD("bytes_acked", "bytes_acked:%.0f");
	FIELD("bytes_received", "bytes_received:%.0f");
	FIELD("segs_out", "segs_out:%.0f");
	FIELD("segs_in", "segs_in:%.0f");
	/* ss: the congestion window's worth a round trip */
	if (rtt > 0 && mss > 0 && cwnd > 0)
		OUT(" send %.0fbps", cwnd * mss * 8 * 1e6 / rtt);
	if (ctl_num(k, "retrans", 0) > 0)
		OUT(" retrans:0/%.0f", ctl_num(k, "retrans", 0));
	FIELD("snd_wnd", "snd_wnd:%.0f");
	FIELD("rcv_wnd", "rcv_wnd:%.0f");
#undef FIELD
#undef OUT
	return n == 0 ? NULL : strdup(buf); /* "\t rto:..." as ss: each item after a space */
}

static void
add_conn(const json_t *k, const struct ss_opts *o, uint32_t states, struct table *t)
{
	const char *st = json_string_value(json_object_get(k, "state"));
	const char *la = json_string_value(json_object_get(k, "local"));
	const char *ra = json_string_value(json_object_get(k, "remote"));
	struct ss_sock s = {0};
	struct row *r;

	if (st == NULL || la == NULL || ra == NULL)
		return;
	s.state = ss_state_of(st);
	s.lport = (uint16_t)ctl_num(k, "lport", 0);
	s.rport = (uint16_t)ctl_num(k, "rport", 0);
	s.family = ss_parse_addr(la, s.laddr);
	ss_parse_addr(ra, s.raddr);
	/* a state synqctl does not know shows with "state all" only */
	if ((s.state < 0 && states != SS_ALL) || (s.state > 0 && !(states & (1u << s.state))))
		return;
	if (!ss_filter_match(&o->filter, &s) || (r = table_add(t)) == NULL)
		return;
	snprintf(r->cell[COL_STATE], 64, "%s", st);
	snprintf(r->cell[COL_RECVQ], 64, "%.0f", ctl_num(k, "recv_q", 0));
	snprintf(r->cell[COL_SENDQ], 64, "%.0f", ctl_num(k, "send_q", 0));
	fill_addr(r->cell[COL_ADDR], r->cell[COL_SERV], 64, la, s.family, s.lport, o->numeric);
	fill_addr(r->cell[COL_RADDR], r->cell[COL_RSERV], 64, ra, s.family, s.rport, o->numeric);
	if (o->info)
		r->info = info_line(k);
}

/*
 * One page of /synq/conns. A worker that did not answer within synq's bound (100 ms:
 * a busy or descheduled lcore) makes the reply {"error": ...}: the same page is asked
 * again, twice at most, 50 ms apart, before synqctl gives up saying so.
 */
static int
conns_page(struct ctl *c, const char *param, json_t **d)
{
	for (int attempt = 0;; attempt++) {
		const json_t *err;

		if (ctl_query(c, "/synq/conns", param, d) != 0)
			return -1;
		err = json_object_get(*d, "error");
		if (!json_is_string(err))
			return 0;
		if (attempt == 2 || strstr(json_string_value(err), "did not answer") == NULL) {
			fprintf(stderr, "synqctl: /synq/conns,%s: %s\n", param,
				json_string_value(err));
			json_decref(*d);
			*d = NULL;
			return -1;
		}
		json_decref(*d);
		usleep(50 * 1000);
	}
}

/*
 * Every page of /synq/conns: {"total", "offset", "next", "count", "syn_recv", "c0":
 * {conn}, ... "c<count-1>": {conn}} (telemetry holds no array of dicts). "next" is an
 * opaque cursor, -1 at the end; a page may be empty while it is not. A cursor that
 * comes back, or more pages than connections could fill, stops the walk: a synq that
 * answers wrong cannot keep synqctl looping.
 */
static int
add_conns(struct ctl *c, const struct ss_opts *o, uint32_t states, struct table *t)
{
	long cursor = 0;

	for (unsigned long page = 0;; page++) {
		char param[32];
		json_t *d;
		long next, count;

		snprintf(param, sizeof(param), "%ld", cursor);
		if (conns_page(c, param, &d) != 0)
			return -1;
		count = (long)ctl_num(d, "count", 0);
		for (long i = 0; i < count; i++) {
			char key[32];

			snprintf(key, sizeof(key), "c%ld", i);
			add_conn(json_object_get(d, key), o, states, t);
		}
		next = (long)ctl_num(d, "next", -1);
		if (next >= 0 &&
			(next == cursor || page > (unsigned long)ctl_num(d, "total", 0) + 1024)) {
			fprintf(stderr,
				"synqctl: /synq/conns,%ld: paging does not end (next %ld)\n",
				cursor, next);
			json_decref(d);
			return -1;
		}
		json_decref(d);
		if (next < 0)
			return 0;
		cursor = next;
	}
}

static int
parse_opts(int argc, char **argv, struct ss_opts *o)
{
	char err[256];
	int opt;

	optind = 0;
	while ((opt = getopt(argc, argv, "+lantiHh")) != -1) {
		switch (opt) {
		case 'l':
			o->listen = true;
			break;
		case 'a':
			o->all = true;
			break;
		case 'n':
			o->numeric = true;
			break;
		case 't':
			break; /* TCP is all synq has */
		case 'i':
			o->info = true;
			break;
		case 'H':
			o->no_header = true;
			break;
		case 'h':
			printf("usage: synqctl ss [-l] [-a] [-n] [-t] [-i] [-H] [state STATE] "
			       "[exclude STATE] [sport OP :N] [dport OP :N] [src ADDR[/LEN]] "
			       "[dst ADDR[/LEN]]\n");
			return 1;
		default:
			return -1;
		}
	}
	if (ss_filter_parse(argc - optind, argv + optind, &o->filter, err, sizeof(err)) != 0) {
		fprintf(stderr, "synqctl: ss: %s\n", err);
		return -1;
	}
	return 0;
}

int
cmd_ss(struct ctl *c, int argc, char **argv)
{
	struct ss_opts o = {0};
	struct table t = {0};
	uint32_t states;
	int rc = 0;

	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	states = ss_filter_states(&o.filter, o.all ? SS_ALL : o.listen ? 1u << SS_LISTEN : SS_CONN);
	if ((states & (1u << SS_LISTEN)) != 0)
		rc = add_listeners(c, &o, &t);
	if (rc == 0 && (states & ~(1u << SS_LISTEN)) != 0)
		rc = add_conns(c, &o, states, &t);
	if (rc == 0 && !c->json)
		table_print(&t, !o.no_header);
	for (size_t i = 0; i < t.nb; i++)
		free(t.rows[i].info);
	free(t.rows);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
