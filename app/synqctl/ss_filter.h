/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synqctl ss's filters, as ss(8) spells them: "state STATE", "exclude STATE",
 * "sport OP :PORT", "dport OP :PORT", "src ADDR[/LEN]", "dst ADDR[/LEN]", joined by
 * "and" (or nothing). Pure functions: tests/unit/test_synqctl.c.
 */

#ifndef SS_FILTER_H
#define SS_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** ss's TCP states, in ss's order; ss_state_name() gives the column's spelling. */
enum ss_state {
	SS_ESTAB = 1,
	SS_SYN_SENT,
	SS_SYN_RECV,
	SS_FIN_WAIT1,
	SS_FIN_WAIT2,
	SS_TIME_WAIT,
	SS_CLOSE,
	SS_CLOSE_WAIT,
	SS_LAST_ACK,
	SS_LISTEN,
	SS_CLOSING,
	SS_MAX
};

#define SS_ALL (((1u << SS_MAX) - 1) & ~1u)
/** ss's default: connections, not listeners, closed, TIME-WAIT or SYN-RECV ones */
#define SS_CONN                                                                                    \
	(SS_ALL & ~((1u << SS_LISTEN) | (1u << SS_CLOSE) | (1u << SS_TIME_WAIT) |                  \
			  (1u << SS_SYN_RECV)))

/** A socket as the filters see it: family 0 is a listener on any address. */
struct ss_sock {
	int state;
	int family; /**< 4, 6, or 0 ("*") */
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
};

#define SS_MAX_CONDS 16

struct ss_cond {
	enum { SS_SPORT, SS_DPORT, SS_SRC, SS_DST } what;
	enum { SS_EQ, SS_NE, SS_LT, SS_LE, SS_GT, SS_GE } op;
	uint16_t port;
	bool has_port; /**< src/dst ADDR:PORT */
	int family;    /**< 4 or 6; 0: any address (":PORT" alone) */
	uint8_t addr[16];
	unsigned int plen;
};

struct ss_filter {
	uint32_t states; /**< bit (1 << state) each state shown; 0 until a state word */
	uint32_t excluded;
	unsigned int nb;
	struct ss_cond cond[SS_MAX_CONDS];
};

/**
 * Parse @p argc words of @p argv into @p f. On an error returns -1 with a message in
 * @p err naming the bad word.
 */
int ss_filter_parse(int argc, char **argv, struct ss_filter *f, char *err, size_t len);

/** The states to show: the filter's, else @p dflt, less the excluded ones. */
uint32_t ss_filter_states(const struct ss_filter *f, uint32_t dflt);

/** Whether @p s passes every condition of @p f (states aside). */
bool ss_filter_match(const struct ss_filter *f, const struct ss_sock *s);

/** ss's column spelling of @p state ("ESTAB", "LISTEN", ...). */
const char *ss_state_name(int state);

/** The state of @p name in ss's spelling, or -1. */
int ss_state_of(const char *name);

/** Parse "198.18.0.1", "2001:2::1" or "[2001:2::1]" into @p addr: family or -1. */
int ss_parse_addr(const char *s, uint8_t addr[16]);

#endif /* SS_FILTER_H */
