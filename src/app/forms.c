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

/* A scalar of a mapping, or NULL. */
static const char *scalar_at(const struct doc_node *m, const char *key)
{
	const struct doc_node *n = m ? doc_map_get(m, key) : NULL;
	return n && n->kind == DOC_SCALAR && !n->null ? n->scalar : NULL;
}

/* One data value as the text form_values holds; false when its shape is wrong. */
static bool value_text(const struct form_field *x, const struct doc_node *n, char *out, size_t size)
{
	if (n->kind == DOC_SCALAR) {
		if (n->null) {
			out[0] = '\0';
			return true;
		}
		const char *s = n->scalar;
		if (x->type == FT_CHECKBOX && !n->quoted && (!strcmp(s, "true") || !strcmp(s, "false")))
			s = strcmp(s, "true") == 0 ? "yes" : "no";
		return (size_t)snprintf(out, size, "%s", s) < size;
	}
	if (n->kind != DOC_SEQ || x->type != FT_MULTI)
		return false;
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n->n; i++) {
		const struct doc_node *it = n->items[i];
		if (it->kind != DOC_SCALAR || it->null)
			return false;
		int w = snprintf(out + o, size - o, "%s%s", i ? "," : "", it->scalar);
		if (w < 0 || (size_t)w >= size - o)
			return false;
		o += (size_t)w;
	}
	return true;
}

enum mdg_status forms_fill(const struct form *f, const struct doc *data, const struct doc *card,
			   const char *today, const char *site_name, struct form_values *vals,
			   struct doc_diags *diags)
{
	bool bad = false;
	const struct doc_node *root = data ? data->root : NULL;
	const char *file = data && data->file ? data->file : "-";
	if (root && root->kind == DOC_MAP && doc_map_get(root, "values"))
		root = doc_map_get(root, "values");
	if (root && !(root->kind == DOC_SCALAR && root->null) && root->kind != DOC_MAP) {
		if (doc_diag_add(diags, file, root->line, root->col,
				 "the data must be a mapping of field ids to values") != 0)
			return MDG_ERR_NOMEM;
		return MDG_ERR_INVALID;
	}
	for (size_t i = 0; root && root->kind == DOC_MAP && i < root->n; i++) {
		const struct doc_node *k = root->keys[i], *v = root->items[i];
		int idx = form_index(f, k->scalar);
		const struct form_field *x = idx >= 0 ? form_field_by_id(f, k->scalar, NULL) : NULL;
		char text[4096];
		int rc = 0;
		if (!x) {
			rc = doc_diag_add(diags, file, k->line, k->col, "form %s has no field '%s'", f->id,
					  k->scalar);
			bad = true;
		} else if (x->my_number) {
			rc = doc_diag_add(diags, file, k->line, k->col,
					  "field '%s' is the My Number: it is read from the card at the counter,"
					  " never from a file", k->scalar);
			bad = true;
		} else if (!value_text(x, v, text, sizeof text)) {
			rc = doc_diag_add(diags, file, v->line, v->col,
					  "field '%s' needs %s", k->scalar,
					  x->type == FT_MULTI ? "a list of option values" : "a single value");
			bad = true;
		} else if (form_values_set(vals, (size_t)idx, text, false) != 0) {
			return MDG_ERR_NOMEM;
		}
		if (rc != 0)
			return MDG_ERR_NOMEM;
	}
	if (bad)
		return MDG_ERR_INVALID;
	const struct doc_node *c = card ? card->root : NULL;
	if (c && c->kind != DOC_MAP)
		c = NULL;
	const char *tries = c ? scalar_at(doc_map_get(c, "pin_tries"), "input_support") : NULL;
	struct form_sources src = {
		.card_name = scalar_at(c, "name"),
		.card_address = scalar_at(c, "address"),
		.card_birth_date = scalar_at(c, "birth_date"),
		.card_sex = scalar_at(c, "sex"),
		.card_cert_expiry = scalar_at(c, "auth_cert_not_after"),
		.card_expiry = scalar_at(c, "card_expiry"),
		.card_pin_tries = tries ? atoi(tries) : -1,
		.today = today,
		.site_name = site_name,
	};
	return form_prefill(f, &src, vals) == 0 ? MDG_OK : MDG_ERR_NOMEM;
}
