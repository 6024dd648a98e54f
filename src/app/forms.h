/* SPDX-License-Identifier: MIT */
/* forms: the office's form definitions as a set, loaded from a folder of YAML files (src/yaml,
 * then core/form). Every file is checked; a broken one is left out with its problems kept (and
 * logged), the others keep working. */
#ifndef MDG_APP_FORMS_H
#define MDG_APP_FORMS_H

#include <stddef.h>

#include "app/cli.h"
#include "core/config.h"
#include "core/form.h"

struct form_set {
	struct form **v;             /* the good forms, sorted by id (owned) */
	size_t n;
	struct doc_diags problems;   /* every problem of the files left out, file:line:col */
	size_t n_skipped;            /* how many files were left out */
	char *dir;                   /* the folder read (owned) */
};

/* The forms folder of a call: --forms DIR, else $MADOGUCHI_FORMS, else the installed folder
 * (MDG_FORMSDIR) when it exists, else the source tree's forms/ (a run from the build tree).
 * Borrowed or static. */
const char *forms_dir(const struct cli_call *call);

/* The check context of a site: its languages and service letters (arrays borrowed from cfg;
 * cfg NULL gives the shipped languages and no service check). */
void forms_context(const struct mdg_config *cfg, const char **langs_buf, const char **svc_buf,
		   size_t buf_n, struct form_context *out);

/* Reads one form file with ctx (see form_from_doc). Problems go to diags. */
enum mdg_status forms_load_file(const char *path, const struct form_context *ctx,
				struct form **out, struct doc_diags *diags);

/* Reads every *.yaml in dir. MDG_OK even when some files were left out (see n_skipped, each
 * logged at warn level); MDG_ERR_IO when dir cannot be read; MDG_ERR_NOMEM. *out: forms_free. */
enum mdg_status forms_load(const char *dir, const struct form_context *ctx, struct form_set *out,
			   struct mdg_err *err);

/* Frees the set. NULL-safe, idempotent. */
void forms_free(struct form_set *s);

/* Fills vals (initialised for f) from a data file and a card file, then prefills the rest.
 * data (may be NULL or empty) is a JSON/YAML mapping of field id -> value, or {"values": {...}}:
 * a value is a text, a whole number, true/false (checkbox yes/no) or a list of option values
 * (multi). card (may be NULL) is what `card read --json` and `card status --json` print (name,
 * address, birth_date, sex, auth_cert_not_after, card_expiry, pin_tries.input_support), merged
 * or alone. today is YYYY-MM-DD, site_name the office's name. Unknown fields, values of the
 * wrong shape and a value for the My Number field (never taken from a file) are MDG_ERR_INVALID
 * with every problem in diags as file:line:col. MDG_ERR_NOMEM. */
enum mdg_status forms_fill(const struct form *f, const struct doc *data, const struct doc *card,
			   const char *today, const char *site_name, struct form_values *vals,
			   struct doc_diags *diags);

/* The form with id, or NULL. Borrowed. */
const struct form *forms_find(const struct form_set *s, const char *id);

#endif
