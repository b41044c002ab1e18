/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The counters this synqctl was built with (lib/stats/synq_counters.def): their help
 * text says which are gauges. Telemetry carries only names and values; a counter a
 * newer synq has and this list lacks is taken for a counter, not a gauge.
 */

#include <string.h>

#include "nstat_hist.h"

static const struct {
	const char *name;
	const char *desc;
} known[] = {
#define SYNQ_COUNTER(id, name, desc) {name, desc},
#include "synq_counters.def"
#undef SYNQ_COUNTER
};

const char *
ctl_counter_desc(const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i].name, name) == 0)
			return known[i].desc;
	return NULL;
}

bool
ctl_counter_is_gauge(const char *name)
{
	const char *d = ctl_counter_desc(name);

	return d != NULL && strncmp(d, "gauge:", 6) == 0;
}
