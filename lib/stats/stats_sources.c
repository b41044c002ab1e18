/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /synq/syn_sources[,N]: who is flooding. Every worker's last published window of
 * its SYN sources' sketch (synq_srcsketch.h), merged here on the telemetry thread:
 * SYNs summed, HLL registers their maximum, equal keys' counts summed.
 *
 * DPDK 22.11 telemetry carries no floating point, one level of containers below
 * the reply's dict, and dict keys of letters, digits, '_' and '/'. So the reply is a
 * flat dict: numbers as integers (a share in parts per million, a rate per second),
 * each list as parallel arrays, entry i of "addr" is entry i of "addr_syns",
 * "addr_rate" and "addr_share_ppm" (docs/architecture.md has the schema).
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "stats_priv.h"
#include "synq_srcsketch.h"

/*
 * The top N of each list: three lists of N entries, each of an address of up to 45
 * characters and three numbers, in telemetry's 16 KB reply: at N 50 the largest reply
 * is 8.8 KB (tests/func/test_syn_sources.c checks the worst case against the limit).
 */
#define SOURCES_N_DEFAULT 10
#define SOURCES_N_MAX 50

static const char *const kind_name[SYNQ_SKETCH_KINDS] = {
	[SYNQ_SKETCH_ADDR] = "addr",
	[SYNQ_SKETCH_V4_24] = "v4_24",
	[SYNQ_SKETCH_V6_48] = "v6_48",
};

/* Each published window, merged; NULL without memory (or with the registry closed). */
static struct synq_sketch_view *
sources_view(void)
{
	struct synq_sketch_view *v = NULL;
	struct synq_sketch_epoch *e = malloc(sizeof(*e));
	unsigned int nb = 0;

	if (e == NULL)
		return NULL;
	pthread_mutex_lock(&stats_registry.lock);
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		nb += stats_registry.sketch[l] != NULL;
	if (stats_registry.live)
		v = synq_sketch_view_create(nb);
	for (unsigned int l = 0; v != NULL && l < RTE_MAX_LCORE; l++) {
		if (stats_registry.sketch[l] == NULL)
			continue;
		synq_srcsketch_read(stats_registry.sketch[l], e);
		synq_sketch_view_add(v, e);
	}
	pthread_mutex_unlock(&stats_registry.lock);
	free(e);
	if (v != NULL)
		synq_sketch_view_finish(v);
	return v;
}

/* One list as four parallel arrays; false when telemetry refused one (then freed). */
static bool
sources_list(struct rte_tel_data *d, const struct synq_sketch_view *v, enum synq_sketch_kind t,
	unsigned int top, uint64_t window_ms)
{
	static const char *const col[] = {"", "_syns", "_rate", "_share_ppm"};
	struct rte_tel_data *a[RTE_DIM(col)];
	unsigned int n = RTE_MIN(top, v->n[t]);
	bool ok = true;

	for (unsigned int c = 0; c < RTE_DIM(col); c++) {
		a[c] = rte_tel_data_alloc();
		if (a[c] != NULL)
			rte_tel_data_start_array(
				a[c], c == 0 ? RTE_TEL_STRING_VAL : RTE_TEL_U64_VAL);
		else
			ok = false;
	}
	for (unsigned int i = 0; ok && i < n; i++) {
		const struct synq_sketch_item *it = &v->items[t][i];
		char s[64];

		rte_tel_data_add_array_string(a[0], synq_sketch_key_str(t, &it->key, s, sizeof(s)));
		rte_tel_data_add_array_u64(a[1], it->count);
		rte_tel_data_add_array_u64(a[2], it->count * 1000 / window_ms);
		rte_tel_data_add_array_u64(a[3], v->syns != 0 ? it->count * 1000000 / v->syns : 0);
	}
	for (unsigned int c = 0; c < RTE_DIM(col); c++) {
		char name[32];

		snprintf(name, sizeof(name), "%s%s", kind_name[t], col[c]);
		if (a[c] != NULL &&
			(!ok || rte_tel_data_add_dict_container(d, name, a[c], 0) != 0)) {
			rte_tel_data_free(a[c]); /* refused: still ours */
			ok = false;
		}
	}
	return ok;
}

int
stats_tel_syn_sources(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	unsigned long top = SOURCES_N_DEFAULT;
	struct synq_sketch_view *v;
	uint64_t window_ms, err = 0;

	if (params != NULL && *params != '\0') {
		char *end;

		top = strtoul(params, &end, 10);
		if (*end != '\0' || top == 0 || top > SOURCES_N_MAX)
			return -EINVAL;
	}
	v = sources_view();
	if (v == NULL)
		return -EAGAIN;
	window_ms = RTE_MAX(v->window_ms, (uint64_t)1);
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++)
		err = RTE_MAX(err, v->error[t]);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "window_ms", v->window_ms);
	rte_tel_data_add_dict_u64(d, "syns", v->syns);
	rte_tel_data_add_dict_u64(d, "rate", v->syns * 1000 / window_ms);
	rte_tel_data_add_dict_u64(d, "distinct", synq_sketch_hll_estimate(v->hll));
	rte_tel_data_add_dict_u64(d, "error", err);
	rte_tel_data_add_dict_u64(d, "sample", v->sample);
	for (unsigned int t = 0; t < SYNQ_SKETCH_KINDS; t++)
		if (!sources_list(d, v, (enum synq_sketch_kind)t, (unsigned int)top, window_ms))
			break;
	synq_sketch_view_free(v);
	return 0;
}
