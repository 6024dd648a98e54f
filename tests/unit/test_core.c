/* SPDX-License-Identifier: MIT */
/* Unit tests of the small core pieces: status table and error record, log sinks, the JSON
 * writer, language codes and switching. */
#include "testutil.h"

#include <locale.h>
#include <math.h>

#include "core/i18n.h"
#include "core/json.h"
#include "core/log.h"
#include "core/status.h"

static void status_table(void **state)
{
	assert_string_equal(mdg_status_str(MDG_OK), "ok");
	assert_int_equal(mdg_status_exit(MDG_OK), 0);
	assert_int_equal(mdg_status_exit(MDG_ERR_FULL), 1);
	assert_int_equal(mdg_status_exit(MDG_ERR_NOT_FOUND), 2);
	assert_int_equal(mdg_status_exit(MDG_ERR_STATE), 3);
	assert_int_equal(mdg_status_exit(MDG_ERR_BUSY), 4);
	assert_string_equal(mdg_status_str((enum mdg_status)999), "unknown status");
	for (int s = 0; s < MDG_STATUS_COUNT; s++)
		assert_true(strlen(mdg_status_str((enum mdg_status)s)) > 0);
	struct mdg_err err;
	assert_int_equal(mdg_err_set(&err, MDG_ERR_INVALID, "bad %s", "thing"), MDG_ERR_INVALID);
	assert_string_equal(err.msg, "bad thing");
	mdg_err_prefix(&err, "ticket %d", 7);
	assert_string_equal(err.msg, "ticket 7: bad thing");
	mdg_err_set(&err, MDG_ERR_BUSY, NULL);
	assert_string_equal(err.msg, "busy: another process holds the database");
	mdg_err_clear(&err);
	assert_int_equal(err.code, MDG_OK);
	assert_int_equal(mdg_err_set(NULL, MDG_ERR_IO, "x"), MDG_ERR_IO); /* NULL-safe */
}

static void log_sinks_and_levels(void **state)
{
	struct mlog_memory mem = { 0 };
	mlog_set_sink(mlog_memory_sink, &mem);
	mlog_set_level(MLOG_INFO);
	mlog(MLOG_DEBUG, "hidden %d", 1);
	mlog(MLOG_INFO, "ticket %s issued", "A-001");
	mlog(MLOG_ERROR, "disk full");
	assert_string_equal(mem.buf, "info: ticket A-001 issued\nerror: disk full");
	mlog_set_level(MLOG_DEBUG);
	mlog(MLOG_DEBUG, "now shown");
	assert_non_null(strstr(mem.buf, "debug: now shown"));
	mlog_set_sink(NULL, NULL);
	mlog_set_level(MLOG_INFO);
	assert_int_equal(mlog_level_parse("warn"), MLOG_WARN);
	assert_int_equal(mlog_level_parse("loud"), -1);
}

static void json_writer_escapes(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer j;
	json_begin(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "name", "証明書 \"A\"\n\t\\\x01");
	json_int(&j, "n", -42);
	json_real(&j, "nan", NAN);
	json_arr_begin(&j, "list");
	json_bool(&j, NULL, true);
	json_null(&j, NULL);
	json_str(&j, NULL, NULL);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\"name\":\"証明書 \\\"A\\\"\\n\\t\\\\\\u0001\",\"n\":-42,\"nan\":null,"
				 "\"list\":[true,null,null]}\n");
	free(buf);
}

static void language_codes(void **state)
{
	assert_true(i18n_lang_valid("ja"));
	assert_true(i18n_lang_valid("ja@easy"));
	assert_true(i18n_lang_valid("zh_CN"));
	assert_true(i18n_lang_valid("fil"));
	assert_false(i18n_lang_valid("JA"));
	assert_false(i18n_lang_valid("j"));
	assert_false(i18n_lang_valid("zh_cn"));
	assert_false(i18n_lang_valid("ja@"));
	assert_false(i18n_lang_valid("ja;rm"));
	assert_false(i18n_lang_valid(""));
	assert_false(i18n_lang_valid(NULL));
}

static void language_switch_is_immediate(void **state)
{
	const char *dir = getenv("MADOGUCHI_LOCALEDIR");
	assert_non_null(dir);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	assert_int_equal(i18n_bind(dir), 0);
	const char *id = "Waiting:";
	i18n_set_language("ja");
	assert_string_equal(_(id), "お待ちの方:");
	i18n_set_language("en");
	assert_string_equal(_(id), "Waiting:");
	i18n_set_language("ja@easy");
	assert_string_equal(_(id), "まっている ひと:");
	i18n_set_language("ja");
	assert_string_equal(_(id), "お待ちの方:");
	i18n_set_language(NULL);
	assert_int_equal(i18n_bind("/nonexistent"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_table),
		cmocka_unit_test(log_sinks_and_levels),
		cmocka_unit_test(json_writer_escapes),
		cmocka_unit_test(language_codes),
		cmocka_unit_test(language_switch_is_immediate),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
