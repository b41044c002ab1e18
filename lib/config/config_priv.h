/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_CONFIG_PRIV_H
#define SYNQ_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_common.h>

#include "synq_config.h"

/*
 * One name of an enum as the config file spells it. A table lists the values of one
 * enum in the order error messages name them and ends with {NULL, 0}. The parser looks
 * names up in it and the printers (synq_role_name(), ...) values, so the file, the
 * error messages and --dump-config cannot spell a name two ways.
 */
struct config_enum_name {
	const char *name;
	int value;
};

extern const struct config_enum_name config_roles[];	    /* enum synq_role */
extern const struct config_enum_name config_queue_models[]; /* enum synq_queue_model */
extern const struct config_enum_name config_apps[];	    /* enum synq_app */
extern const struct config_enum_name config_balances[];    /* enum synq_balance */

/* Set *@p value to the value @p name has in @p table: 0, or -ENOENT (also for NULL). */
int config_enum_by_name(const struct config_enum_name *table, const char *name, int *value);

/* The name @p value has in @p table, or "?" when no entry has that value. */
const char *config_enum_by_value(const struct config_enum_name *table, int value);

/*
 * Write the names of @p table into @p buf (@p len > 0) as an error message lists them:
 * "linux" or "bsd"; "worker", "app" or "both". Names that do not fit are left out
 * whole. Returns @p buf.
 */
const char *config_enum_list(const struct config_enum_name *table, char *buf, size_t len);

/*
 * The readers of JSON values, in config.c, for config.c and config_tcp.c. A key path
 * names where a value sits ("lcores[0].rx[1]"); @p key, when not NULL, is appended to
 * it in the message. Each reader returns 0, or -EINVAL with the error line written by
 * config_fail(); a reader of an optional key leaves the field, holding its default,
 * alone when the key is absent.
 */

#define CONFIG_KEY_PATH_LEN 128

/* The parse in progress: where its one error line goes. */
struct config_parse {
	char *err;
	size_t errlen;
};

/*
 * Write "config error: <path>.<key>: <val> <fmt...>" as the error (@p val NULL: no value
 * shown) and return -EINVAL.
 */
int config_fail(struct config_parse *p, const char *path, const char *key, const json_t *val,
	const char *fmt, ...) __rte_format_printf(5, 6);

/* "an object", "a string", ...: what @p v is, for messages. */
const char *config_type_name(const json_t *v);

/* Reject keys of @p obj that are not in @p known (NULL-terminated): typos must not pass. */
int config_check_keys(struct config_parse *p, const json_t *obj, const char *path,
	const char *const *known);

/* An optional integer @p min..@p max; CONFIG_GET_UINT() stores it in a field of any type. */
int config_get_uint(struct config_parse *p, const json_t *obj, const char *path, const char *key,
	uint64_t min, uint64_t max, uint64_t *out);

#define CONFIG_GET_UINT(p, obj, path, key, min, max, field)                                        \
	({                                                                                         \
		uint64_t v_ = (field);                                                             \
		int rc_ = config_get_uint(p, obj, path, key, min, max, &v_);                       \
		(field) = (__typeof__(field))v_;                                                   \
		rc_;                                                                               \
	})

/* An optional boolean: true or false, nothing else (no 0 or 1). */
int config_get_bool(
	struct config_parse *p, const json_t *obj, const char *path, const char *key, bool *out);

/*
 * An optional enum, given by its name in @p table; @p what is what a value is ("a role"),
 * for the message. CONFIG_GET_ENUM() stores it in a field of the enum's type.
 */
int config_get_enum(struct config_parse *p, const json_t *obj, const char *path, const char *key,
	const struct config_enum_name *table, const char *what, int *out);

#define CONFIG_GET_ENUM(p, obj, path, key, table, what, field)                                     \
	({                                                                                         \
		int v_ = (int)(field);                                                             \
		int rc_ = config_get_enum(p, obj, path, key, table, what, &v_);                    \
		(field) = (__typeof__(field))v_;                                                   \
		rc_;                                                                               \
	})

/* @p v is a string; @p what is what it should be ("a file path"). */
int config_want_string(struct config_parse *p, const json_t *v, const char *path,
	const char *key, const char *what);

/* @p v is an object. */
int config_want_object(struct config_parse *p, const json_t *v, const char *path,
	const char *key);

/* @p v is an array of @p min..@p max items. */
int config_want_array(struct config_parse *p, const json_t *v, const char *path,
	const char *key, size_t min, size_t max);

/*
 * In config_tcp.c. The "tcp" object, defaults and all, into cfg->tcp and the cookie
 * secret; then the listeners, which inherit cfg->tcp and must find their addresses on
 * the ports and, but for "hold", an lcore that runs applications.
 */
int config_parse_tcp(struct config_parse *p, const json_t *root, struct synq_config *cfg);
int config_parse_listeners(struct config_parse *p, const json_t *root, struct synq_config *cfg);

/*
 * In config_route.c (issue 13, routes). A port's "ipv4" and "ipv6" arrays, each entry
 * an address with an optional prefix length, into @p cp; then, once every port is
 * read, the subnets (one port each) and the top-level "routes".
 */
int config_parse_addresses(struct config_parse *p, const json_t *port, const char *path,
	struct synq_config_port *cp);
int config_parse_routes(struct config_parse *p, const json_t *root, struct synq_config *cfg);

/*
 * Listener @p l's "allow" (issue 15): 1..SYNQ_MAX_ALLOW source prefixes, network
 * addresses ("198.18.0.0/24", "::1/128"; a bare address is a host). Required for app
 * "metrics" (after its "app"), optional for the others; absent, every source.
 */
int config_parse_allow(struct config_parse *p, const json_t *lj, const char *path,
	struct synq_config_listener *l);

/* Whether @p addr (of @p family, 4 or 6) is an address of some port. */
bool config_addr_is_ours(const struct synq_config *cfg, uint8_t family, const uint8_t *addr);

/*
 * Whether synq can send to @p addr: a port's subnet or some route's prefix holds it
 * (what lib/net's lookup finds, the table being built from the same config).
 */
bool config_addr_reachable(const struct synq_config *cfg, uint8_t family, const uint8_t *addr);

/* Whether a port's subnet holds @p addr: synq resolves it itself, no router between. */
bool config_addr_onlink(const struct synq_config *cfg, uint8_t family, const uint8_t *addr);

/*
 * The port whose subnet has @p addr as its network or broadcast address (IPv4, a
 * subnet of /30 or wider) or its subnet-router anycast address (IPv6, /126 or wider),
 * with *@p ai the address index; -1 when none: such an address is no one host.
 */
int config_addr_subnet_special(const struct synq_config *cfg, uint8_t family,
	const uint8_t *addr, unsigned int *ai);

/*
 * In config_proxy.c (issue 13, proxy). Listener @p l's "backends", "balance",
 * "proxy_protocol", "connect_timeout_ms" and "health_check", defaults and all: required
 * (backends) for app "proxy", refused for any other app. After the ports, whose
 * addresses no backend may have.
 */
int config_parse_proxy(struct config_parse *p, const json_t *lj, const char *path,
	const struct synq_config *cfg, struct synq_config_listener *l);

/*
 * Once every listener is read (@p listeners the "listeners" array): the next hops to
 * resolve, the routes' and the on-link backends', at most SYNQ_MAX_NEXT_HOPS distinct.
 */
int config_check_next_hops(struct config_parse *p, const json_t *listeners,
	const struct synq_config *cfg);

/*
 * What an IPv6 address is, from its 16 bytes in network order: the IN6_IS_ADDR_ macros
 * read a struct in6_addr by 32-bit words, and the config's addresses are byte arrays
 * at any alignment.
 */
static inline bool
config_in6_zero_to(const uint8_t *a, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i] != 0)
			return false;
	return true;
}

static inline bool
config_in6_unspecified(const uint8_t *a)
{
	return config_in6_zero_to(a, 16);
}

static inline bool
config_in6_loopback(const uint8_t *a)
{
	return config_in6_zero_to(a, 15) && a[15] == 1;
}

static inline bool
config_in6_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

static inline bool
config_in6_linklocal(const uint8_t *a)
{
	return synq_in6_linklocal(a);
}

static inline bool
config_in6_v4mapped(const uint8_t *a)
{
	return config_in6_zero_to(a, 10) && a[10] == 0xff && a[11] == 0xff;
}

/* ::a.b.c.d (RFC 4291 2.5.5.1), not :: nor ::1 */
static inline bool
config_in6_v4compat(const uint8_t *a)
{
	return config_in6_zero_to(a, 12) && (!config_in6_zero_to(a + 12, 3) || a[15] > 1);
}

#endif /* SYNQ_CONFIG_PRIV_H */
