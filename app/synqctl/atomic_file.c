/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A file written whole or not at all: a new file beside it (mkostemp: O_EXCL, never
 * an existing file or a link an attacker left in /tmp), its mode set before the first
 * byte, the contents, then rename() over the path. A reader (node_exporter's textfile
 * collector, the next synqctl nstat) sees the old file or the new one, never half.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

int
ctl_write_atomic(const char *path, mode_t mode, int (*write_fn)(FILE *f, const void *arg),
	const void *arg, char *err, size_t len)
{
	char tmp[4096];
	FILE *f;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, len, "%s: path too long", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL, mode 0600 until fchmod() */
	if (fd < 0 || fchmod(fd, mode) != 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, len, "%s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	errno = 0;
	if (write_fn(f, arg) != 0 || fflush(f) != 0 || ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0) {
		snprintf(err, len, "writing %s: %s", path, errno != 0 ? strerror(errno) : "failed");
		unlink(tmp);
	}
	return rc;
}
