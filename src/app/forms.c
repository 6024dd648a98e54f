/* SPDX-License-Identifier: MIT */
/* forms: loading a folder of form definitions. */
#include "app/forms.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "yaml/yamldoc.h"

const char *forms_dir(const struct cli_call *call)
{
	const char *d = cli_get(call, "forms");
	if (d && *d)
		return d;
	d = getenv("MADOGUCHI_FORMS");
	if (d && *d)
		return d;
	struct stat st;
	if (stat(MDG_FORMSDIR, &st) == 0 && S_ISDIR(st.st_mode))
		return MDG_FORMSDIR;
	return MDG_SOURCE_FORMSDIR;
}

void forms_context(const struct mdg_config *cfg, const char **langs_buf, const char **svc_buf,
		   size_t buf_n, struct form_context *out)
{
	memset(out, 0, sizeof *out);
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_languages && out->n_languages < buf_n; i++)
		langs_buf[out->n_languages++] = cfg->languages[i];
	for (size_t i = 0; i < cfg->n_services && out->n_services < buf_n; i++)
		svc_buf[out->n_services++] = cfg->services[i].letter;
	out->languages = langs_buf;
	out->services = svc_buf;
}

enum mdg_status forms_load_file(const char *path, const struct form_context *ctx,
				struct form **out, struct doc_diags *diags)
{
	struct doc doc = { 0 };
	*out = NULL;
	enum mdg_status rc = yaml_load_file(path, &doc, diags);
	if (rc == MDG_OK)
		rc = form_from_doc(&doc, ctx, out, diags);
	doc_free(&doc);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	const struct form *x = *(struct form *const *)a, *y = *(struct form *const *)b;
	return strcmp(x->id, y->id);
}

static int yaml_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0;
}

enum mdg_status forms_load(const char *dir, const struct form_context *ctx, struct form_set *out,
			   struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, yaml_name, alphasort);
	if (n < 0)
		return mdg_err_set(err, MDG_ERR_IO, "forms folder %s: %s", dir, strerror(errno));
	enum mdg_status rc = MDG_OK;
	out->dir = strdup(dir);
	out->v = calloc((size_t)n + 1, sizeof *out->v);
	if (!out->dir || !out->v)
		rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	for (int i = 0; i < n; i++) {
		if (rc == MDG_OK) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
			struct doc_diags d = { 0 };
			struct form *f = NULL;
			enum mdg_status r = forms_load_file(path, ctx, &f, &d);
			if (r == MDG_ERR_NOMEM) {
				rc = mdg_err_set(err, r, NULL);
			} else if (r == MDG_OK) {
				out->v[out->n++] = f;
			} else {
				out->n_skipped++;
				mlog(MLOG_WARN, "form %s left out: %zu problem%s, first: %s", path, d.n,
				     d.n == 1 ? "" : "s", d.n ? d.msgs[0] : "?");
				if (doc_diags_move(&out->problems, &d) != 0)
					rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
			}
			doc_diags_free(&d);
		}
		free(names[i]);
	}
	free(names);
	/* Two files with the same id cannot happen (the id is the file name). */
	if (rc == MDG_OK && out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, by_id);
	if (rc != MDG_OK)
		forms_free(out);
	return rc;
}

void forms_free(struct form_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->v && i < s->n; i++)
		form_free(&s->v[i]);
	free(s->v);
	free(s->dir);
	doc_diags_free(&s->problems);
	memset(s, 0, sizeof *s);
}

const struct form *forms_find(const struct form_set *s, const char *id)
{
	for (size_t i = 0; s && id && i < s->n; i++)
		if (strcmp(s->v[i]->id, id) == 0)
			return s->v[i];
	return NULL;
}
