/* SPDX-License-Identifier: MIT */
/* termapp: the set-up and tear-down around a screen command (see termapp.h). */
#include "app/termapp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "secure/mem.h"

/* One screen per process: its held log lines. */
static struct mlog_memory held;

static void release_log(struct termapp *a)
{
	if (!a->hold_log)
		return;
	mlog_set_sink(NULL, NULL);
	a->hold_log = false;
	if (held.len)
		fprintf(stderr, "%s\n", held.buf);
	held.len = 0;
}

enum mdg_status termapp_open(const struct cli_call *call, enum mdg_terminal_role role,
			     const char *what, const struct term_opts *o, struct termapp *a,
			     struct mdg_err *err)
{
	memset(a, 0, sizeof *a);
	const char *id = cli_get(call, "terminal");
	if (!id)
		id = getenv("MADOGUCHI_TERMINAL");
	if (!id || !*id)
		return mdg_err_set(err, MDG_ERR_USAGE, "give --terminal ID (a %s terminal of the site file)",
				   what);
	enum mdg_status rc = site_open(call, 0, &a->site, err);
	if (rc)
		return rc;
	rc = secure_harden_process(err);
	a->term = config_terminal(a->site.cfg, id);
	if (!rc && (!a->term || a->term->role != role))
		rc = mdg_err_set(err, MDG_ERR_INVALID, "terminal '%s' is not a %s of this site", id, what);
	const char *langs[32], *svcs[32];
	struct form_context fctx;
	forms_context(a->site.cfg, langs, svcs, 32, &fctx);
	if (!rc)
		rc = forms_load(forms_dir(call), &fctx, &a->forms, err);
	/* Nothing may write to the terminal the screens own: without a log file, log lines wait in
	 * memory and are written when the screens are gone. */
	a->hold_log = !a->site.log && isatty(STDERR_FILENO);
	if (a->hold_log)
		mlog_set_sink(mlog_memory_sink, &held);
	if (!rc)
		rc = term_open(o, &a->t, err);
	if (rc)
		termapp_close(a);
	return rc;
}

void termapp_close(struct termapp *a)
{
	if (!a)
		return;
	term_close(&a->t);
	release_log(a);
	forms_free(&a->forms);
	site_close(&a->site);
}
