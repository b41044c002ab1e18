/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The statistics document (the shape of synq_stats_json(): {counters, lcores:
 * [{lcore, role, counters}], listeners: [...], ports: [...], mempools: [...]}) put
 * back together from telemetry, for synqctl metrics. Telemetry keys its dicts by
 * name; the document's lists carry the name inside each entry. What telemetry does
 * not carry is left out: the document's time, uptime, tsc_hz, and each listener's
 * backends (they are in /synq/backends, keyed "<listener>/<backend>": put back
 * under their listener here).
 */

#include <stdlib.h>
#include <string.h>

#include "synqctl.h"

/* {name: {...}} -> [{key: name, ...}] */
static json_t *
list_of(json_t *dict, const char *key)
{
	json_t *arr = json_array();
	const char *name;
	json_t *v;

	json_object_foreach (dict, name, v) {
		json_t *o = json_deep_copy(v);

		if (!json_is_object(o)) {
			json_decref(o);
			continue;
		}
		if (key != NULL)
			json_object_set_new(o, key, json_string(name));
		json_array_append_new(arr, o);
	}
	return arr;
}

static int
add_lcores(struct ctl *c, json_t *doc)
{
	json_t *ids, *roles = NULL, *lcores = json_array();
	size_t i;
	json_t *id;

	json_object_set_new(doc, "lcores", lcores);
	if (ctl_query(c, "/synq/lcores", NULL, &ids) != 0)
		return -1;
	/* older synqs have no roles: the lcores go without */
	if (ctl_has(c, "/synq/lcore_roles") == 1 &&
		ctl_query(c, "/synq/lcore_roles", NULL, &roles) != 0) {
		json_decref(ids);
		return -1;
	}
	json_array_foreach (ids, i, id) {
		char param[24], key[24];
		json_t *ctrs, *o;
		const char *role;

		snprintf(param, sizeof(param), "%" JSON_INTEGER_FORMAT, json_integer_value(id));
		if (ctl_query(c, "/synq/lcore_stats", param, &ctrs) != 0) {
			json_decref(ids);
			json_decref(roles);
			return -1;
		}
		snprintf(key, sizeof(key), "%s", param);
		role = json_string_value(json_object_get(roles, key));
		o = json_pack("{s:I, s:s, s:o}", "lcore", json_integer_value(id), "role",
			role != NULL ? role : "", "counters", ctrs);
		json_array_append_new(lcores, o);
	}
	json_decref(ids);
	json_decref(roles);
	return 0;
}

/* Each listener of /synq/listeners with its backends from /synq/backends. */
static int
add_listeners(struct ctl *c, json_t *doc)
{
	json_t *ls, *bs = NULL, *arr = json_array();
	const char *lkey, *bkey;
	json_t *l, *b;

	json_object_set_new(doc, "listeners", arr);
	if (ctl_query(c, "/synq/listeners", NULL, &ls) != 0 ||
		ctl_query(c, "/synq/backends", NULL, &bs) != 0) {
		json_decref(ls);
		return -1;
	}
	json_object_foreach (ls, lkey, l) {
		json_t *o = json_deep_copy(l), *backends = json_array();
		size_t n = strlen(lkey);

		json_object_foreach (bs, bkey, b) {
			if (strncmp(bkey, lkey, n) == 0 && bkey[n] == '/')
				json_array_append(backends, b);
		}
		if (json_array_size(backends) != 0)
			json_object_set(o, "backends", backends);
		json_decref(backends);
		json_array_append_new(arr, o);
	}
	json_decref(ls);
	json_decref(bs);
	return 0;
}

json_t *
ctl_stats_doc(struct ctl *c)
{
	json_t *doc = json_object();
	json_t *v;

	if (ctl_query(c, "/synq/stats", NULL, &v) != 0)
		goto fail;
	json_object_set_new(doc, "counters", v);
	if (add_lcores(c, doc) != 0 || add_listeners(c, doc) != 0)
		goto fail;
	if (ctl_query(c, "/synq/ports", NULL, &v) != 0)
		goto fail;
	json_object_set_new(doc, "ports", list_of(v, "name"));
	json_decref(v);
	if (ctl_query(c, "/synq/mempools", NULL, &v) != 0)
		goto fail;
	json_object_set_new(doc, "mempools", list_of(v, "name"));
	json_decref(v);
	return doc;
fail:
	json_decref(doc);
	return NULL;
}
