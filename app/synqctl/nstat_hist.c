/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The history file of synqctl nstat. It lives in a directory others can write (/tmp,
 * as nstat's), so a local user could leave a symbolic link or a file of theirs at its
 * name: reading never follows a link and takes only a regular file of ours that no one
 * else can write; writing goes to a fresh file (O_EXCL) renamed over the name, so what
 * a link points to is never written. The format is text: "#synq pid=P time=T", then
 * "Name value" a line.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "nstat_hist.h"

void
hist_path(char *buf, size_t len, const char *prefix, uid_t uid)
{
	const char *env = getenv("SYNQCTL_HISTORY");

	if (env != NULL && *env != '\0')
		snprintf(buf, len, "%s", env);
	else
		snprintf(buf, len, "/tmp/.synqctl.%s.u%u", prefix, (unsigned int)uid);
}

const uint64_t *
hist_get(const struct hist *h, const char *name)
{
	for (size_t i = 0; i < h->nb; i++)
		if (strcmp(h->e[i].name, name) == 0)
			return &h->e[i].value;
	return NULL;
}

bool
hist_add(struct hist *h, const char *name, uint64_t value)
{
	if (h->nb == HIST_MAX || strlen(name) >= HIST_NAME_LEN)
		return false;
	snprintf(h->e[h->nb].name, HIST_NAME_LEN, "%s", name);
	h->e[h->nb++].value = value;
	return true;
}

static int
refuse(struct hist *h, char *err, size_t len, const char *path, const char *why)
{
	h->nb = 0;
	h->pid = 0;
	h->time = 0;
	snprintf(err, len, "%s: %s", path, why);
	return -1;
}

int
hist_load(const char *path, struct hist *h, char *err, size_t len)
{
	char line[256];
	struct stat st;
	FILE *f;
	int fd;

	h->nb = 0;
	h->pid = 0;
	h->time = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return refuse(h, err, len, path,
			errno == ELOOP ? "a symbolic link, not followed" : strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(h, err, len, path, "not a regular file");
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		close(fd);
		return refuse(h, err, len, path, "not ours, or writable by others");
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return refuse(h, err, len, path, strerror(errno));
	}
	if (fgets(line, sizeof(line), f) == NULL ||
		sscanf(line, "#synq pid=%ld time=%lf", &h->pid, &h->time) != 2) {
		fclose(f);
		return refuse(h, err, len, path, "not a synqctl history");
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char name[HIST_NAME_LEN];
		uint64_t v;

		if (sscanf(line, "%63s %" SCNu64, name, &v) == 2 && !hist_add(h, name, v))
			break;
	}
	fclose(f);
	return 0;
}

static int
hist_write(FILE *f, const void *arg)
{
	const struct hist *h = arg;

	fprintf(f, "#synq pid=%ld time=%.6f\n", h->pid, h->time);
	for (size_t i = 0; i < h->nb; i++)
		fprintf(f, "%s %" PRIu64 "\n", h->e[i].name, h->e[i].value);
	return 0;
}

int
hist_save(const char *path, const struct hist *h, char *err, size_t len)
{
	return ctl_write_atomic(path, 0600, hist_write, h, err, len);
}
