/* SPDX-License-Identifier: BSD-3-Clause */

#include <stddef.h>
#include <string.h>

#include "synq_args.h"

static int
is_ours(const char *arg, const char *const *ours)
{
	for (; *ours != NULL; ours++) {
		size_t n = strlen(*ours);

		if (strncmp(arg, *ours, n) == 0 && (arg[n] == '\0' || arg[n] == '='))
			return 1;
	}
	return 0;
}

int
synq_args_eal_end(int argc, char **argv, const char *const *ours)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc > 1 && is_ours(argv[1], ours) ? 0 : argc;
}
