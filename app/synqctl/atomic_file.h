/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQCTL_ATOMIC_FILE_H
#define SYNQCTL_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/**
 * Write @p path whole or not at all: @p write_fn(f, @p arg) fills a new file beside it,
 * created with @p mode, which is then renamed over @p path. 0, or -1 with what went
 * wrong in @p err (the temporary file removed, @p path untouched).
 */
int ctl_write_atomic(const char *path, mode_t mode, int (*write_fn)(FILE *f, const void *arg),
	const void *arg, char *err, size_t len);

#endif /* SYNQCTL_ATOMIC_FILE_H */
