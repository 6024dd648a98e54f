/* SPDX-License-Identifier: MIT */
/* Unit tests of core/ticketcode.c with a stand-in MAC (keys 1 and 2 known), and of the real
 * keyring (secure/keys.c): file mode, rotation, damage. */
#include "testutil.h"

#include <ctype.h>
#include <sys/stat.h>

#include "core/ticketcode.h"
#include "secure/hash.h"
#include "secure/keys.h"

/* A keyed stand-in: tag[i] = sum of bytes * (i + key) — deterministic, key-dependent. */
static int fake_mac(void *ctx, unsigned key_id, const void *msg, size_t n, uint8_t *tag)
{
	(void)ctx;
	if (key_id != 1 && key_id != 2)
		return -1;
	const uint8_t *m = msg;
	for (int i = 0; i < TICKETCODE_TAG_BYTES; i++) {
		unsigned acc = key_id * 131u + (unsigned)i;
		for (size_t k = 0; k < n; k++)
			acc = acc * 31u + m[k] + (unsigned)i;
		tag[i] = (uint8_t)(acc ^ (acc >> 8));
	}
	return 0;
}

static int eq(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

static const struct ticketcode SAMPLE = {
	.site = "naha-honcho", .bizdate = "2026-11-25", .service = "A", .number = 42,
	.token = "1a2b3c4d", .key_id = 1,
};

static void round_trip(void **state)
{
	char p[TICKETCODE_MAX];
	struct mdg_err err = { 0 };
	assert_int_equal(ticketcode_format(&SAMPLE, fake_mac, NULL, p, &err), MDG_OK);
	assert_memory_equal(p, "MDG1:NAHA-HONCHO:20261125:A042:1A2B3C4D:1:", 42);
	assert_int_equal(strlen(p), 42 + 16);
	struct ticketcode c;
	assert_int_equal(ticketcode_parse(p, fake_mac, NULL, eq, &c), TC_VALID);
	assert_string_equal(c.site, "naha-honcho");
	assert_string_equal(c.bizdate, "2026-11-25");
	assert_string_equal(c.service, "A");
	assert_int_equal(c.number, 42);
	assert_string_equal(c.token, "1a2b3c4d");
	assert_int_equal(c.key_id, 1);
	/* Scanners may fold case or add a newline. */
	char lower[TICKETCODE_MAX + 2];
	for (size_t i = 0; i <= strlen(p); i++)
		lower[i] = (char)tolower((unsigned char)p[i]);
	assert_int_equal(ticketcode_parse(lower, fake_mac, NULL, eq, &c), TC_VALID);
	snprintf(lower, sizeof lower, "%s\r\n", p);
	assert_int_equal(ticketcode_parse(lower, fake_mac, NULL, eq, &c), TC_VALID);
	/* The longest site id still fits QR version 4-M (90 alphanumeric characters). */
	struct ticketcode big = SAMPLE;
	memset(big.site, 'z', 32);
	big.site[32] = '\0';
	big.number = 9999;
	big.key_id = 999;
	assert_int_equal(ticketcode_format(&big, fake_mac, NULL, p, &err), MDG_ERR_CRYPTO);
	big.key_id = 2;
	assert_int_equal(ticketcode_format(&big, fake_mac, NULL, p, &err), MDG_OK);
	assert_true(strlen(p) <= 90);
	assert_int_equal(ticketcode_parse(p, fake_mac, NULL, eq, &c), TC_VALID);
	assert_int_equal(c.number, 9999);
}

static void every_single_change_is_refused(void **state)
{
	char p[TICKETCODE_MAX];
	struct mdg_err err = { 0 };
	struct ticketcode c;
	assert_int_equal(ticketcode_format(&SAMPLE, fake_mac, NULL, p, &err), MDG_OK);
	size_t n = strlen(p);
	const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:-";
	int tried = 0;
	for (size_t i = 0; i < n; i++) {
		for (const char *a = alphabet; *a; a++) {
			if (*a == p[i] || tolower((unsigned char)*a) == p[i])
				continue;
			char q[TICKETCODE_MAX];
			memcpy(q, p, n + 1);
			q[i] = *a;
			enum ticketcode_verdict v = ticketcode_parse(q, fake_mac, NULL, eq, &c);
			if (v == TC_VALID)
				fail_msg("accepted %s", q);
			tried++;
		}
	}
	assert_true(tried > 1000);
}

static void malformed_inputs(void **state)
{
	struct ticketcode c;
	const char *bad[] = {
		"", "MDG1", "MDG2:NAHA:20261125:A042:1A2B3C4D:1:AAAAAAAAAAAAAAAA",
		"MDG1:NAHA:20261125:A042:1A2B3C4D:1", /* no tag */
		"MDG1:NAHA:20261125:A042:1A2B3C4D:1:AAAAAAAAAAAAAAA", /* short tag */
		"MDG1:NAHA:20261125:A042:1A2B3C4D:1:AAAAAAAAAAAAAAA1", /* not base32 */
		"MDG1:NAHA:20261131:A042:1A2B3C4D:1:AAAAAAAAAAAAAAAA", /* no such date */
		"MDG1:NAHA:20261125:A0420:1A2B3C4D:1:AAAAAAAAAAAAAAAA",
		"MDG1:NAHA:20261125:4042:1A2B3C4D:1:AAAAAAAAAAAAAAAA",
		"MDG1:NAHA:20261125:A000:1A2B3C4D:1:AAAAAAAAAAAAAAAA",
		"MDG1:NAHA:20261125:A042:1A2B3C4G:1:AAAAAAAAAAAAAAAA",
		"MDG1:NAHA:20261125:A042:1A2B3C4D:0:AAAAAAAAAAAAAAAA",
		"MDG1:NA_HA:20261125:A042:1A2B3C4D:1:AAAAAAAAAAAAAAAA",
		"MDG1:NAHA:20261125:A042:1A2B3C4D:1:AAAAAAAAAAAAAAAA:X",
		"MDG1::20261125:A042:1A2B3C4D:1:AAAAAAAAAAAAAAAA",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (ticketcode_parse(bad[i], fake_mac, NULL, eq, &c) != TC_MALFORMED)
			fail_msg("not malformed: '%s'", bad[i]);
	char huge[5000];
	memset(huge, 'A', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_int_equal(ticketcode_parse(huge, fake_mac, NULL, eq, &c), TC_MALFORMED);
	assert_int_equal(ticketcode_parse(NULL, fake_mac, NULL, eq, &c), TC_MALFORMED);
	/* Non-canonical spellings of a valid code: leading zeros are refused. */
	char p[TICKETCODE_MAX], q[TICKETCODE_MAX + 1];
	struct mdg_err err = { 0 };
	assert_int_equal(ticketcode_format(&SAMPLE, fake_mac, NULL, p, &err), MDG_OK);
	snprintf(q, sizeof q, "%.26sA0042%s", p, p + 30);
	assert_int_equal(ticketcode_parse(q, fake_mac, NULL, eq, &c), TC_MALFORMED);
}

static void unknown_key_and_context(void **state)
{
	char p[TICKETCODE_MAX];
	struct mdg_err err = { 0 };
	struct ticketcode c, k3 = SAMPLE;
	k3.key_id = 2;
	assert_int_equal(ticketcode_format(&k3, fake_mac, NULL, p, &err), MDG_OK);
	char *kid = strstr(p, ":2:");
	kid[1] = '3';
	assert_int_equal(ticketcode_parse(p, fake_mac, NULL, eq, &c), TC_UNKNOWN_KEY);
	assert_int_equal(ticketcode_check_context(&SAMPLE, "naha-honcho", "2026-11-25"), TC_VALID);
	assert_int_equal(ticketcode_check_context(&SAMPLE, "naha-shinto", "2026-11-25"), TC_OTHER_SITE);
	assert_int_equal(ticketcode_check_context(&SAMPLE, "naha-honcho", "2026-11-26"), TC_NOT_TODAY);
	for (int v = 0; v < TC_VERDICT_COUNT; v++)
		assert_true(strlen(ticketcode_verdict_str(v)) > 0);
}

static void keyring_file_rules(void **state)
{
	char *dir = test_tmpdir(), path[600];
	snprintf(path, sizeof path, "%s/site.key", dir);
	struct mdg_err err = { 0 };
	struct keyring *k = NULL;
	assert_int_equal(secure_init(&err), MDG_OK);
	assert_int_equal(keyring_load(path, &k, &err), MDG_ERR_NOT_FOUND);
	assert_int_equal(keyring_init(path, &err), MDG_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keyring_init(path, &err), MDG_ERR_STATE); /* never overwritten */
	assert_int_equal(keyring_load(path, &k, &err), MDG_OK);
	assert_int_equal(keyring_current_id(k), 1);
	char p1[TICKETCODE_MAX];
	assert_int_equal(ticketcode_format(&SAMPLE, keyring_ticket_mac, k, p1, &err), MDG_OK);
	keyring_free(&k);
	assert_null(k);
	/* Rotate: key 2 signs, key 1 still verifies; after another rotation key 1 is gone. */
	unsigned id;
	assert_int_equal(keyring_rotate(path, &id, &err), MDG_OK);
	assert_int_equal(id, 2);
	assert_int_equal(keyring_load(path, &k, &err), MDG_OK);
	struct ticketcode c;
	assert_int_equal(ticketcode_parse(p1, keyring_ticket_mac, k, secure_equal, &c), TC_VALID);
	keyring_free(&k);
	assert_int_equal(keyring_rotate(path, &id, &err), MDG_OK);
	assert_int_equal(keyring_load(path, &k, &err), MDG_OK);
	assert_int_equal(ticketcode_parse(p1, keyring_ticket_mac, k, secure_equal, &c), TC_UNKNOWN_KEY);
	keyring_free(&k);
	/* A file others can read is refused; so is a damaged one. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(keyring_load(path, &k, &err), MDG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, 20, SEEK_SET);
	fputs("zz", f);
	fclose(f);
	assert_int_equal(keyring_load(path, &k, &err), MDG_ERR_INVALID);
	assert_null(k);
	test_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(every_single_change_is_refused),
		cmocka_unit_test(malformed_inputs),
		cmocka_unit_test(unknown_key_and_context),
		cmocka_unit_test(keyring_file_rules),
	};
	return cmocka_run_group_tests_name("ticketcode", tests, NULL, NULL);
}
