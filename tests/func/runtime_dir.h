/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TEST_RUNTIME_DIR_H
#define SYNQ_TEST_RUNTIME_DIR_H

/*
 * EAL leaves its runtime directory (/var/run/dpdk/<file-prefix>) behind after
 * rte_eal_cleanup(); a functional test removes it, so that it leaves nothing.
 */

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static inline int
runtime_dir_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
runtime_dir_remove(const char *file_prefix)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", file_prefix);
	nftw(dir, runtime_dir_remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#endif /* SYNQ_TEST_RUNTIME_DIR_H */
