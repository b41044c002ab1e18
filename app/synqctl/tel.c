/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry client: DPDK's v2 protocol, as usertools/dpdk-telemetry.py speaks
 * it. The socket is <runtime dir>/dpdk/<prefix>/dpdk_telemetry.v2 (SOCK_SEQPACKET:
 * one message a request, one a reply); the server first sends a greeting
 * {"version", "pid", "max_output_len"}; each request "/cmd,params" is answered with
 * {"/cmd": value}, value null for a command it does not know or one that failed.
 * Every wait is bounded (SO_RCVTIMEO, SO_SNDTIMEO: connect(2) on a unix socket honours
 * the send timeout), so a synq that hangs cannot hang synqctl.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "synqctl.h"

/* DPDK 22.11 replies at most 16 KB (MAX_OUTPUT_LEN); room for a later one's more */
#define CTL_MAX_REPLY (1024 * 1024)

void
ctl_socket_path(const char *prefix, char *path, size_t len)
{
	const char *dir = getenv("RUNTIME_DIRECTORY");

	/* the same directory as EAL's eal_create_runtime_dir() (and dpdk-telemetry.py) */
	if (dir == NULL || *dir == '\0') {
		dir = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");
		if (dir == NULL || *dir == '\0')
			dir = "/tmp";
	}
	snprintf(path, len, "%s/dpdk/%s/dpdk_telemetry.v2", dir, prefix);
}

static void
set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = CTL_TIMEOUT_S};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int
connect_error(const struct ctl *c, int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		fprintf(stderr,
			"synqctl: no synq running with --file-prefix %s (no socket at %s)\n",
			c->prefix, c->path);
		break;
	case ECONNREFUSED:
		fprintf(stderr,
			"synqctl: %s refuses connections: the synq with --file-prefix %s is gone "
			"and left its socket\n",
			c->path, c->prefix);
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr,
			"synqctl: %s: permission denied (run synqctl as the user synq runs as)\n",
			c->path);
		break;
	case EAGAIN:
	case ETIMEDOUT:
		fprintf(stderr, "synqctl: %s: synq did not accept the connection within %d s\n",
			c->path, CTL_TIMEOUT_S);
		break;
	default:
		fprintf(stderr, "synqctl: %s: %s\n", c->path, strerror(err));
	}
	return -1;
}

/*
 * One message into c->buf, NUL-terminated; its length, or -1 (printed). A message
 * longer than the buffer is an error rather than JSON cut short (MSG_TRUNC gives the
 * real length of a SOCK_SEQPACKET message).
 */
static ssize_t
recv_msg(struct ctl *c, const char *what)
{
	ssize_t n = recv(c->fd, c->buf, c->max_len, MSG_TRUNC);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			fprintf(stderr, "synqctl: synq did not answer %s within %d s\n", what,
				CTL_TIMEOUT_S);
		else
			fprintf(stderr, "synqctl: %s: reading %s: %s\n", c->path, what,
				strerror(errno));
		return -1;
	}
	if (n == 0) {
		fprintf(stderr,
			"synqctl: synq closed the connection before %s (too many telemetry "
			"clients, "
			"or synq is stopping)\n",
			what);
		return -1;
	}
	if ((size_t)n > c->max_len) {
		fprintf(stderr, "synqctl: %s: a reply of %zd bytes, more than the %zu announced\n",
			what, n, c->max_len);
		return -1;
	}
	c->buf[n] = '\0';
	return n;
}

/* Connect and read the greeting, once a run. */
static int
ctl_connect(struct ctl *c)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	json_t *hello;
	json_error_t jerr;

	if (c->fd >= 0)
		return 0;
	ctl_socket_path(c->prefix, c->path, sizeof(c->path));
	if (strlen(c->path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "synqctl: socket path too long: %s\n", c->path);
		return -1;
	}
	memcpy(sun.sun_path, c->path, strlen(c->path) + 1);
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "synqctl: socket: %s\n", strerror(errno));
		return -1;
	}
	set_timeouts(c->fd);
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int err = errno;

		ctl_close(c);
		return connect_error(c, err);
	}
	c->max_len = CTL_MAX_REPLY;
	c->buf = malloc(c->max_len + 1);
	if (c->buf == NULL || recv_msg(c, "the greeting") < 0) {
		ctl_close(c);
		return -1;
	}
	hello = json_loads(c->buf, 0, &jerr);
	if (!json_is_object(hello)) {
		fprintf(stderr, "synqctl: %s: the greeting is not DPDK telemetry's: %.80s\n",
			c->path, c->buf);
		json_decref(hello);
		ctl_close(c);
		return -1;
	}
	c->pid = (long)ctl_num(hello, "pid", 0);
	json_decref(hello);
	return 0;
}

void
ctl_close(struct ctl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
}

double
ctl_num(const json_t *o, const char *key, double dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

/* Send @p req and parse the reply {"cmd": value}: value (new reference) or NULL. */
static int
exchange(struct ctl *c, const char *cmd, const char *req, json_t **value)
{
	json_error_t jerr;
	json_t *doc;

	*value = NULL;
	if (ctl_connect(c) != 0)
		return -1;
	if (send(c->fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "synqctl: %s: sending %s: %s\n", c->path, req, strerror(errno));
		return -1;
	}
	if (recv_msg(c, req) < 0)
		return -1;
	doc = json_loads(c->buf, 0, &jerr);
	if (!json_is_object(doc)) {
		fprintf(stderr, "synqctl: the reply to %s is not JSON (%s): %.80s\n", req,
			jerr.text, c->buf);
		json_decref(doc);
		return -1;
	}
	*value = json_incref(json_object_get(doc, cmd));
	json_decref(doc);
	if (*value == NULL) {
		fprintf(stderr, "synqctl: the reply to %s has no \"%s\": %.80s\n", req, cmd,
			c->buf);
		return -1;
	}
	return 0;
}

int
ctl_has(struct ctl *c, const char *cmd)
{
	json_t *list;
	size_t i;
	json_t *v;
	int found = 0;

	if (exchange(c, "/", "/", &list) != 0)
		return -1;
	json_array_foreach (list, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), cmd) == 0)
			found = 1;
	}
	json_decref(list);
	return found;
}

int
ctl_query(struct ctl *c, const char *cmd, const char *params, json_t **out)
{
	char req[256];

	if (snprintf(req, sizeof(req), "%s%s%s", cmd, params != NULL ? "," : "",
		    params != NULL ? params : "") >= (int)sizeof(req)) {
		fprintf(stderr, "synqctl: request too long: %s,%s\n", cmd, params);
		return -1;
	}
	if (exchange(c, cmd, req, out) != 0)
		return -1;
	if (c->json)
		printf("%s\n", c->buf);
	if (!json_is_null(*out))
		return 0;
	json_decref(*out);
	*out = NULL;
	/* null: an unknown command, or the handler failed; tell which */
	switch (ctl_has(c, cmd)) {
	case 0:
		fprintf(stderr, "synqctl: this synq has no %s: older than synqctl?\n", cmd);
		break;
	case 1:
		fprintf(stderr,
			"synqctl: synq refused %s (a bad parameter, or synq is starting or "
			"stopping)\n",
			req);
		break;
	default:
		break;
	}
	return -1;
}
