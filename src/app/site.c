/* SPDX-License-Identifier: MIT */
/* site: building and tearing down a command's world. */
#include "app/site.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bizdate.h"
#include "core/log.h"
#include "secure/hash.h"
#include "yaml/yamldoc.h"

enum mdg_status site_load_config(const char *path, struct mdg_config **out, struct mdg_err *err)
{
	struct doc doc = { 0 };
	struct doc_diags diags = { 0 };
	*out = NULL;
	enum mdg_status rc = yaml_load_file(path, &doc, &diags);
	if (rc == MDG_OK)
		rc = config_from_doc(&doc, out, &diags);
	if (diags.n)
		doc_diags_print(&diags, stderr);
	if (rc == MDG_ERR_CONFIG)
		mdg_err_set(err, rc, "%s: %zu problem%s in the site config", path, diags.n,
			    diags.n == 1 ? "" : "s");
	else if (rc)
		mdg_err_set(err, rc, "%s: cannot load the site config", path);
	doc_diags_free(&diags);
	doc_free(&doc);
	return rc;
}

int64_t site_now(void)
{
	static int warned;
	const char *fake = getenv("MADOGUCHI_NOW");
	if (fake && *fake && !warned) {
		warned = 1;
		mlog(MLOG_DEBUG, "clock overridden by MADOGUCHI_NOW=%s", fake);
	}
	return bizclock_now_ms();
}

enum mdg_status site_open(const struct cli_call *call, unsigned flags, struct site *out,
			  struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	enum mdg_status rc = site_load_config(call->config_path, &out->cfg, err);
	if (rc)
		return rc;
	const struct mdg_config *c = out->cfg;
	if (c->timezone && *c->timezone) {
		setenv("TZ", c->timezone, 1);
		tzset();
		bizdate_reset_cache();
	}
	if (c->log_level) {
		int lvl = mlog_level_parse(c->log_level);
		if (lvl >= 0)
			mlog_set_level((enum mlog_level)lvl);
	}
	if (c->log_file && *c->log_file) {
		out->log = fopen(c->log_file, "a");
		if (!out->log) {
			rc = mdg_err_set(err, MDG_ERR_IO, "log file %s: %s", c->log_file, strerror(errno));
			goto fail;
		}
		mlog_set_sink(mlog_file_sink, out->log);
	}
	rc = secure_init(err);
	if (rc)
		goto fail;
	if (!(flags & SITE_NO_STORE)) {
		unsigned sf = 0;
		if (flags & SITE_CREATE)
			sf |= STORE_CREATE;
		if (flags & SITE_READONLY)
			sf |= STORE_READONLY;
		rc = store_open(c->store_path, c->site_id, c->busy_timeout_ms, sf, &out->st, err);
		if (rc)
			goto fail;
	}
	return MDG_OK;
fail:
	site_close(out);
	return rc;
}

void site_close(struct site *s)
{
	if (!s)
		return;
	store_close(&s->st);
	config_free(&s->cfg);
	if (s->log) {
		mlog_set_sink(NULL, NULL);
		fclose(s->log);
		s->log = NULL;
	}
}
