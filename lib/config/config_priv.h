/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_CONFIG_PRIV_H
#define SYNQ_CONFIG_PRIV_H

#include <stddef.h>

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

/* Set *@p value to the value @p name has in @p table: 0, or -ENOENT (also for NULL). */
int config_enum_by_name(const struct config_enum_name *table, const char *name, int *value);

/* The name @p value has in @p table, or "?" when no entry has that value. */
const char *config_enum_by_value(const struct config_enum_name *table, int value);

/*
 * Write the names of @p table into @p buf (@p len > 0) as an error message lists them:
 * "linux" or "bsd"; "worker", "app" or "both". Truncated to fit; returns @p buf.
 */
const char *config_enum_list(const struct config_enum_name *table, char *buf, size_t len);

#endif /* SYNQ_CONFIG_PRIV_H */
