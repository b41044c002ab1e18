/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the config parser (lib/config: JSON text to struct synq_config,
 * defaults and every bound, the error path included). The input is the text,
 * NUL-terminated at the very end of an allocation of its own size: a read past it
 * hits AddressSanitizer's redzone. Checked on every input: an error is one non-empty
 * line that fits its buffer (also when the buffer is tiny); a config that parses is
 * written back as JSON (synq_config_to_json) and that text parses again to the same
 * JSON: the effective config is a fixed point, nothing is lost or made up between
 * the text and the struct.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "synq_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* An error message: terminated within @p len, one line, not empty. */
static void
check_err(const char *err, size_t len)
{
	size_t n = strnlen(err, len);

	check(n < len);
	if (len > 1)
		check(n > 0);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)err[i] < ' ' || err[i] == 0x7f) {
			fprintf(stderr, "a control character in the error line: \"%s\"\n", err);
			abort();
		}
	}
}

static struct synq_config cfg, cfg2;

/*
 * The effective config shows a secret as SYNQ_COOKIE_SECRET_SHOWN, never its digits
 * (--dump-config), and refuses that text as a secret: for the round trip, the digits of
 * @p c's secret in its place.
 */
static void
secret_digits(json_t *j, const struct synq_config *c)
{
	json_t *tcp = json_object_get(j, "tcp");
	json_t *sec = json_object_get(tcp, "cookie_secret");
	char hex[2 * SYNQ_COOKIE_SECRET_LEN + 1];

	if (!c->cookie_secret_set || !json_is_string(sec) ||
		strcmp(json_string_value(sec), SYNQ_COOKIE_SECRET_SHOWN) != 0)
		return;
	for (unsigned int i = 0; i < SYNQ_COOKIE_SECRET_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", c->cookie_secret[i]);
	json_object_set_new(tcp, "cookie_secret", json_string(hex));
}

/* The effective config, written and parsed again, is written the same. */
static void
check_round_trip(void)
{
	char err[SYNQ_CONFIG_ERR_LEN];
	json_t *j = synq_config_to_json(&cfg), *j2;
	char *text, *text2;

	check(j != NULL);
	secret_digits(j, &cfg);
	text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	check(text != NULL);
	if (synq_config_parse(text, &cfg2, err, sizeof(err)) != 0) {
		fprintf(stderr, "the effective config does not parse: %s\n%s\n", err, text);
		abort();
	}
	j2 = synq_config_to_json(&cfg2);
	check(j2 != NULL);
	secret_digits(j2, &cfg2);
	text2 = json_dumps(j2, JSON_SORT_KEYS | JSON_COMPACT);
	check(text2 != NULL);
	if (strcmp(text, text2) != 0) {
		fprintf(stderr, "round trip differs:\n%s\n%s\n", text, text2);
		abort();
	}
	free(text);
	free(text2);
	json_decref(j);
	json_decref(j2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[SYNQ_CONFIG_ERR_LEN], small[8];
	char *text;
	int rc;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 0x5a, sizeof(err));
	rc = synq_config_parse(text, &cfg, err, sizeof(err));
	check(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		check_err(err, sizeof(err));
		/* the same error into a buffer that cannot hold it: cut, still terminated */
		memset(small, 0x5a, sizeof(small));
		check(synq_config_parse(text, &cfg2, small, sizeof(small)) == rc);
		check_err(small, sizeof(small));
	} else {
		check_round_trip();
	}
	free(text);
	return 0;
}
