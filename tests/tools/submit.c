/* SPDX-License-Identifier: MIT */
/* mdg-submit: a test tool that saves and opens form submissions through store/submission.h,
 * for the purge and full-disk tests (no command of madoguchi creates one yet, and none should
 * just for tests). It uses the site config, the site key and a form file as the real code
 * does: values come from a JSON/YAML data file (and a card JSON) through forms_fill.
 *
 *   mdg-submit --config FILE create --form FORM.yaml [--data FILE] [--card FILE] [--count N]
 *              [--ticket ID] [--draft]
 *       prints the id of every submission saved, one a line; stops at the first failure with
 *       "mdg-submit: message" on stderr and the status's exit code (0 ok, 1, 2, 3, 4)
 *   mdg-submit --config FILE show ID --form FORM.yaml
 *       prints "field<TAB>value<TAB>card|-" per value (audited as a view) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/forms.h"
#include "app/site.h"
#include "core/bizdate.h"
#include "secure/keys.h"
#include "store/submission.h"
#include "yaml/yamldoc.h"

static void usage(void)
{
	fprintf(stderr, "usage: mdg-submit --config FILE create --form FORM.yaml [--data FILE]"
			" [--card FILE] [--count N] [--ticket ID] [--draft]\n"
			"       mdg-submit --config FILE show ID --form FORM.yaml\n");
	exit(2);
}

static int fail(const struct mdg_err *err)
{
	fprintf(stderr, "mdg-submit: %s\n", err->msg[0] ? err->msg : mdg_status_str(err->code));
	return mdg_status_exit(err->code);
}

static enum mdg_status load_doc(const char *path, struct doc *d, struct mdg_err *err)
{
	struct doc_diags diags = { 0 };
	enum mdg_status rc = yaml_load_file(path, d, &diags);
	if (rc)
		mdg_err_set(err, rc, "%s: %s", path, diags.n ? diags.msgs[0] : "cannot read");
	doc_diags_free(&diags);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config = NULL, *form_path = NULL, *data = NULL, *card = NULL, *cmd = NULL;
	long count = 1, ticket = 0, show_id = 0;
	int draft = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--form") && i + 1 < argc)
			form_path = argv[++i];
		else if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else if (!strcmp(argv[i], "--card") && i + 1 < argc)
			card = argv[++i];
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = atol(argv[++i]);
		else if (!strcmp(argv[i], "--ticket") && i + 1 < argc)
			ticket = atol(argv[++i]);
		else if (!strcmp(argv[i], "--draft"))
			draft = 1;
		else if (!cmd && (!strcmp(argv[i], "create") || !strcmp(argv[i], "show")))
			cmd = argv[i];
		else if (cmd && !strcmp(cmd, "show") && !show_id)
			show_id = atol(argv[i]);
		else
			usage();
	}
	if (!config || !form_path || !cmd || count < 1 || (!strcmp(cmd, "show") && show_id < 1))
		usage();

	struct mdg_err err = { 0 };
	struct cli_call call = { .config_path = config };
	struct site site;
	struct keyring *ring = NULL;
	struct form *form = NULL;
	struct doc ddata = { 0 }, dcard = { 0 };
	struct form_values vals = { 0 };
	struct doc_diags diags = { 0 };
	int code = 0;
	if (site_open(&call, 0, &site, &err))
		return fail(&err);
	if (keyring_load(site.cfg->key_file, &ring, &err)) {
		code = fail(&err);
		goto out;
	}
	struct form_context ctx;
	const char *langs[16], *svcs[16];
	forms_context(site.cfg, langs, svcs, 16, &ctx);
	ctx.services = NULL; /* the test site has letters A-C; a form's service is not the point */
	ctx.n_services = 0;
	if (forms_load_file(form_path, &ctx, &form, &diags)) {
		for (size_t i = 0; i < diags.n; i++)
			fprintf(stderr, "%s\n", diags.msgs[i]);
		mdg_err_set(&err, MDG_ERR_CONFIG, "%s: not a valid form", form_path);
		code = fail(&err);
		goto out;
	}
	int64_t now = site_now();
	if (!strcmp(cmd, "show")) {
		struct submission m;
		if (submission_load(site.st, ring, show_id, form, "test", now, &m, &vals, &err)) {
			code = fail(&err);
			goto out;
		}
		for (size_t i = 0; i < vals.n; i++)
			if (vals.v[i])
				printf("%s\t%s\t%s\n", form_field_at(form, i)->id, vals.v[i],
				       vals.from_card[i] ? "card" : "-");
		goto out;
	}
	if ((data && load_doc(data, &ddata, &err)) || (card && load_doc(card, &dcard, &err))) {
		code = fail(&err);
		goto out;
	}
	char today[BIZDATE_LEN];
	bizdate_of_ms(now, today);
	if (form_values_init(&vals, form) != 0 ||
	    forms_fill(form, data ? &ddata : NULL, card ? &dcard : NULL, today, "test", &vals, &diags)) {
		for (size_t i = 0; i < diags.n; i++)
			fprintf(stderr, "%s\n", diags.msgs[i]);
		mdg_err_set(&err, MDG_ERR_INVALID, "the values do not fit the form");
		code = fail(&err);
		goto out;
	}
	/* A value forms_fill refuses (the My Number) can still be given with MDG_MY_NUMBER, to
	 * check that the store refuses it too. */
	const char *mn = getenv("MDG_MY_NUMBER");
	for (size_t i = 0; mn && *mn && i < vals.n; i++)
		if (form_field_at(form, i)->my_number)
			form_values_set(&vals, i, mn, true);
	struct submission_new in = {
		.form = form, .vals = &vals, .lang = "ja", .place = SUB_KIOSK, .terminal = "kiosk-1",
		.ticket_id = ticket, .status = draft ? SUB_DRAFT : SUB_SUBMITTED,
		.retention_hours = site.cfg->retention_hours, .actor = "kiosk-1",
	};
	for (long n = 0; n < count; n++) {
		struct submission s;
		if (submission_create(site.st, ring, &in, site_now(), &s, &err)) {
			code = fail(&err);
			goto out;
		}
		printf("%lld\n", (long long)s.id);
		fflush(stdout);
	}
out:
	form_values_free(&vals);
	doc_diags_free(&diags);
	doc_free(&ddata);
	doc_free(&dcard);
	form_free(&form);
	keyring_free(&ring);
	site_close(&site);
	return code;
}
