/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config's enums by name: one table each, read by the parser (name to value) and
 * by the printers (value to name). tcp.syncookies is an enum too but keeps Linux's
 * integers in the file, so it has no table.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_priv.h"

const struct config_enum_name config_roles[] = {
	{"worker", SYNQ_ROLE_WORKER},
	{"app", SYNQ_ROLE_APP},
	{"both", SYNQ_ROLE_BOTH},
	{NULL, 0},
};

const struct config_enum_name config_queue_models[] = {
	{"linux", SYNQ_QUEUE_LINUX},
	{"bsd", SYNQ_QUEUE_BSD},
	{NULL, 0},
};

const struct config_enum_name config_apps[] = {
	{"hold", SYNQ_APP_HOLD},
	{"reset", SYNQ_APP_RESET},
	{"close", SYNQ_APP_CLOSE},
	{"echo", SYNQ_APP_ECHO},
	{"http", SYNQ_APP_HTTP},
	{"proxy", SYNQ_APP_PROXY},
	{"metrics", SYNQ_APP_METRICS},
	{NULL, 0},
};

const struct config_enum_name config_balances[] = {
	{"round_robin", SYNQ_BALANCE_ROUND_ROBIN},
	{"least_conn", SYNQ_BALANCE_LEAST_CONN},
	{"source_hash", SYNQ_BALANCE_SOURCE_HASH},
	{NULL, 0},
};

int
config_enum_by_name(const struct config_enum_name *table, const char *name, int *value)
{
	if (name == NULL)
		return -ENOENT;
	for (const struct config_enum_name *e = table; e->name != NULL; e++) {
		if (strcmp(e->name, name) == 0) {
			*value = e->value;
			return 0;
		}
	}
	return -ENOENT;
}

const char *
config_enum_by_value(const struct config_enum_name *table, int value)
{
	for (const struct config_enum_name *e = table; e->name != NULL; e++)
		if (e->value == value)
			return e->name;
	return "?";
}

const char *
config_enum_list(const struct config_enum_name *table, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct config_enum_name *e = table; e->name != NULL; e++) {
		const char *sep = e == table ? "" : e[1].name == NULL ? " or " : ", ";
		int n = snprintf(buf + off, len - off, "%s\"%s\"", sep, e->name);

		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0'; /* no part of a name: cut after the last whole one */
			break;
		}
		off += (size_t)n;
	}
	return buf;
}

const char *
synq_queue_model_name(enum synq_queue_model m)
{
	return config_enum_by_value(config_queue_models, (int)m);
}

const char *
synq_app_name(enum synq_app a)
{
	return config_enum_by_value(config_apps, (int)a);
}

const char *
synq_balance_name(enum synq_balance b)
{
	return config_enum_by_value(config_balances, (int)b);
}

const char *
synq_role_name(enum synq_role role)
{
	return config_enum_by_value(config_roles, (int)role);
}
