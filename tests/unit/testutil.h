/* SPDX-License-Identifier: MIT */
/* testutil: what the unit tests share: cmocka includes in the right order, a small site config
 * built from YAML text, and temporary folders. */
#ifndef MDG_TESTUTIL_H
#define MDG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/bizdate.h"
#include "core/config.h"
#include "core/form.h"
#include "secure/hash.h"
#include "store/store.h"
#include "yaml/yamldoc.h"

/* Three services, four counters: counter 1 prefers A then B, counter 2 only B, counter 3 C,
 * counter 4 A and C. Interleave 2, overdue at 150 %, no-show after 1 recall. */
static const char TEST_SITE_YAML[] =
	"site: {id: test-site, name: {ja: テスト市役所, en: Test City Hall}, timezone: Asia/Tokyo}\n"
	"store: {path: site.db, busy_timeout_ms: 5000}\n"
	"languages: [ja, ja@easy, en]\n"
	"default_language: ja\n"
	"queue: {priority_interleave: 2, overdue_percent: 150, noshow_after_recalls: 1, eta_window: 20}\n"
	"services:\n"
	"  - {letter: A, name: {ja: 証明書, en: Certificates}, target_wait_min: 10, default_service_min: 5, counters: [1, 4]}\n"
	"  - {letter: B, name: {ja: 住民異動, en: Moving}, target_wait_min: 20, default_service_min: 12, counters: [1, 2]}\n"
	"  - {letter: C, name: {ja: マイナンバーカード, en: My Number card}, target_wait_min: 30, default_service_min: 15, counters: [3, 4]}\n"
	"counters:\n"
	"  - {number: 1, services: [A, B]}\n"
	"  - {number: 2}\n"
	"  - {number: 3}\n"
	"  - {number: 4, services: [C, A]}\n"
	"terminals:\n"
	"  - {id: kiosk-1, role: kiosk}\n";

/* Loads yaml (named dir/site.yaml so that relative paths land in dir) into a config; fails the
 * test on any problem. */
static inline struct mdg_config *test_config_from(const char *yaml, const char *dir)
{
	char name[512];
	snprintf(name, sizeof name, "%s/site.yaml", dir);
	struct doc doc = { 0 };
	struct doc_diags diags = { 0 };
	struct mdg_config *cfg = NULL;
	enum mdg_status rc = yaml_load_string(name, yaml, strlen(yaml), &doc, &diags);
	if (rc == MDG_OK)
		rc = config_from_doc(&doc, &cfg, &diags);
	for (size_t i = 0; i < diags.n; i++)
		fprintf(stderr, "%s\n", diags.msgs[i]);
	doc_diags_free(&diags);
	doc_free(&doc);
	assert_int_equal(rc, MDG_OK);
	return cfg;
}

/* Loads yaml as the form file name (its id must match the name) with ctx (NULL: the shipped
 * languages); fails the test on any problem. */
static inline struct form *test_form_from(const char *name, const char *yaml,
					  const struct form_context *ctx)
{
	struct doc doc = { 0 };
	struct doc_diags diags = { 0 };
	struct form *f = NULL;
	enum mdg_status rc = yaml_load_string(name, yaml, strlen(yaml), &doc, &diags);
	if (rc == MDG_OK)
		rc = form_from_doc(&doc, ctx, &f, &diags);
	for (size_t i = 0; i < diags.n; i++)
		fprintf(stderr, "%s\n", diags.msgs[i]);
	doc_diags_free(&diags);
	doc_free(&doc);
	assert_int_equal(rc, MDG_OK);
	return f;
}

/* A fresh temporary folder (caller removes it with test_rmdir). */
static inline char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/mdg-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

/* A new site store "test-site" at dir/site.db (its path into db, size bytes), in Japan's time
 * zone with libsodium ready: what the store tests start from. Caller closes it (store_close). */
static inline struct store *test_store_new(const char *dir, int busy_ms, char *db, size_t size)
{
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	bizdate_reset_cache();
	struct mdg_err err = { 0 };
	struct store *st = NULL;
	snprintf(db, size, "%s/site.db", dir);
	assert_int_equal(secure_init(&err), MDG_OK);
	assert_int_equal(store_open(db, "test-site", busy_ms, STORE_CREATE, &st, &err), MDG_OK);
	return st;
}

static inline void test_rmdir(char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

#endif
