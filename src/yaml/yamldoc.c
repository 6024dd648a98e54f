/* SPDX-License-Identifier: MIT */
/* yamldoc: builds the doc tree from libfyaml's event stream, because libfyaml 0.7's document
 * API gives no positions for mappings and sequences. A stack of open collections receives the
 * events; anchors are remembered and aliases copied. */
#include "yaml/yamldoc.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_ANCHORS 64

struct builder {
	const char *file;
	struct doc_diags *diags;
	struct doc_node *root;
	struct doc_node *stack[MAX_DEPTH]; /* open collections */
	struct doc_node *pending_key[MAX_DEPTH]; /* a map's key waiting for its value */
	int depth;
	int documents;
	/* Anchored nodes are kept as owned copies made when the node is complete, so that an alias
	 * never sees a node the builder has since freed, nor one still being built. */
	struct { char *name; struct doc_node *copy; } anchors[MAX_ANCHORS];
	int n_anchors;
	char *open_anchor[MAX_DEPTH];  /* anchor of each open collection, or NULL */
	long nodes;                    /* nodes made, copies included: bounds alias bombs */
	bool failed, nomem;
};

#define MAX_NODES 200000

/* A malloc'd copy of a token's text (NUL-terminated, *len bytes before the NUL). Read through a
 * token iterator: fy_token_get_text caches a buffer in the token that libfyaml 0.7.12 leaks
 * when the parse ends in an error (found by fuzzing). NULL when out of memory. */
static char *token_text(struct fy_token *t, size_t *len)
{
	size_t want = t ? fy_token_get_text_length(t) : 0;
	char *buf = malloc(want + 1);
	if (!buf)
		return NULL;
	size_t got = 0;
	if (want) {
		struct fy_token_iter *it = fy_token_iter_create(t);
		if (!it) {
			free(buf);
			return NULL;
		}
		while (got < want) {
			ssize_t r = fy_token_iter_read(it, buf + got, want - got);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		fy_token_iter_destroy(it);
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

static void problem(struct builder *b, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct builder *b, int line, int col, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (doc_diag_add(b->diags, b->file, line, col, "%s", msg) != 0)
		b->nomem = true;
	b->failed = true;
}

static void too_big_or_nomem(struct builder *b, const struct doc_node *at)
{
	if (b->nodes > MAX_NODES)
		problem(b, at->line, at->col, "the document is too large (aliases expand to more than %d"
			" nodes)", MAX_NODES);
	else
		b->nomem = true;
}

static struct doc_node *copy_node(struct builder *b, const struct doc_node *n)
{
	if (++b->nodes > MAX_NODES)
		return NULL;
	struct doc_node *c = doc_node_new(n->kind, n->line, n->col);
	if (!c)
		return NULL;
	c->quoted = n->quoted;
	c->null = n->null;
	if (n->scalar && !(c->scalar = strdup(n->scalar)))
		goto fail;
	for (size_t i = 0; i < n->n; i++) {
		struct doc_node *v = copy_node(b, n->items[i]);
		struct doc_node *k = n->kind == DOC_MAP ? copy_node(b, n->keys[i]) : NULL;
		int rc = !v || (n->kind == DOC_MAP && !k) ? -1 :
			 n->kind == DOC_MAP ? doc_map_append(c, k, v) : doc_seq_append(c, v);
		if (rc != 0) {
			doc_node_free(v);
			doc_node_free(k);
			goto fail;
		}
	}
	return c;
fail:
	doc_node_free(c);
	return NULL;
}

/* Records name (taken over) for the now complete node: stores a copy of it. */
static void remember_anchor(struct builder *b, char *name, const struct doc_node *node)
{
	if (!name)
		return;
	if (b->n_anchors == MAX_ANCHORS) {
		problem(b, node->line, node->col, "too many anchors (at most %d)", MAX_ANCHORS);
		free(name);
		return;
	}
	struct doc_node *copy = copy_node(b, node);
	if (!copy) {
		too_big_or_nomem(b, node);
		free(name);
		return;
	}
	b->anchors[b->n_anchors].name = name;
	b->anchors[b->n_anchors].copy = copy;
	b->n_anchors++;
}

/* The text of an optional anchor token as an owned string; NULL when there is none. */
static char *anchor_name(struct builder *b, struct fy_token *anchor)
{
	size_t len;
	if (!anchor)
		return NULL;
	char *name = token_text(anchor, &len);
	if (!name)
		b->nomem = true;
	return name;
}

/* Hands a finished node to its parent (or makes it the root). Takes ownership of node. */
static void attach(struct builder *b, struct doc_node *node)
{
	if (b->depth == 0) {
		if (b->root) {
			doc_node_free(node);
			return;
		}
		b->root = node;
		return;
	}
	struct doc_node *parent = b->stack[b->depth - 1];
	if (parent->kind == DOC_SEQ) {
		if (doc_seq_append(parent, node) != 0) {
			b->nomem = true;
			doc_node_free(node);
		}
		return;
	}
	struct doc_node **key = &b->pending_key[b->depth - 1];
	if (!*key) {
		if (node->kind != DOC_SCALAR) {
			problem(b, node->line, node->col, "a key must be a plain value, not %s",
				doc_kind_name(node->kind));
			doc_node_free(node);
			/* A placeholder keeps keys and values paired. */
			*key = doc_node_new(DOC_SCALAR, 0, 0);
			if (*key && !((*key)->scalar = strdup("")))
				b->nomem = true;
			return;
		}
		for (size_t i = 0; i < parent->n; i++)
			if (parent->keys[i]->scalar && node->scalar &&
			    strcmp(parent->keys[i]->scalar, node->scalar) == 0) {
				problem(b, node->line, node->col, "duplicate key '%s' (first at line %d)",
					node->scalar, parent->keys[i]->line);
				break;
			}
		*key = node;
		return;
	}
	if (node->line == 0) { /* an empty value has no mark of its own: use its key's */
		node->line = (*key)->line;
		node->col = (*key)->col;
	}
	if (doc_map_append(parent, *key, node) != 0) {
		b->nomem = true;
		doc_node_free(*key);
		doc_node_free(node);
	}
	*key = NULL;
}

static struct doc_node *node_at(struct builder *b, enum doc_kind kind, struct fy_event *ev)
{
	const struct fy_mark *m = fy_event_start_mark(ev);
	struct doc_node *n = doc_node_new(kind, m ? m->line + 1 : 0, m ? m->column + 1 : 0);
	if (!n)
		b->nomem = true;
	return n;
}

static void on_event(struct builder *b, struct fy_event *ev)
{
	struct doc_node *n;
	switch (ev->type) {
	case FYET_DOCUMENT_START:
		if (++b->documents > 1) {
			const struct fy_mark *m = fy_event_start_mark(ev);
			problem(b, m ? m->line + 1 : 0, m ? m->column + 1 : 0,
				"only one YAML document per file (found a second one)");
		}
		break;
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START:
		n = node_at(b, ev->type == FYET_MAPPING_START ? DOC_MAP : DOC_SEQ, ev);
		if (!n)
			return;
		if (b->depth == MAX_DEPTH) {
			problem(b, n->line, n->col, "nested more than %d levels deep", MAX_DEPTH);
			doc_node_free(n);
			return;
		}
		b->nodes++;
		b->open_anchor[b->depth] = anchor_name(b, ev->type == FYET_MAPPING_START ?
						       ev->mapping_start.anchor : ev->sequence_start.anchor);
		b->pending_key[b->depth] = NULL;
		b->stack[b->depth++] = n;
		break;
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		if (b->depth == 0)
			return;
		n = b->stack[--b->depth];
		doc_node_free(b->pending_key[b->depth]);
		b->pending_key[b->depth] = NULL;
		remember_anchor(b, b->open_anchor[b->depth], n);
		b->open_anchor[b->depth] = NULL;
		attach(b, n);
		break;
	case FYET_SCALAR: {
		n = node_at(b, DOC_SCALAR, ev);
		if (!n)
			return;
		size_t len = 0;
		enum fy_scalar_style style = ev->scalar.value ? fy_token_scalar_style(ev->scalar.value) :
							       FYSS_PLAIN;
		n->quoted = style != FYSS_PLAIN;
		n->scalar = token_text(ev->scalar.value, &len);
		if (!n->scalar) {
			b->nomem = true;
			doc_node_free(n);
			return;
		}
		if (strlen(n->scalar) != len)
			problem(b, n->line, n->col, "a NUL character is not allowed here");
		n->null = !n->quoted && (len == 0 || strcmp(n->scalar, "~") == 0 ||
					 strcmp(n->scalar, "null") == 0 || strcmp(n->scalar, "Null") == 0 ||
					 strcmp(n->scalar, "NULL") == 0);
		b->nodes++;
		remember_anchor(b, anchor_name(b, ev->scalar.anchor), n);
		attach(b, n);
		break;
	}
	case FYET_ALIAS: {
		size_t len;
		char *name = token_text(ev->alias.anchor, &len);
		const struct fy_mark *m = fy_event_start_mark(ev);
		if (!name) {
			b->nomem = true;
			return;
		}
		for (int i = b->n_anchors - 1; i >= 0; i--) {
			if (strcmp(b->anchors[i].name, name) == 0) {
				free(name);
				n = copy_node(b, b->anchors[i].copy);
				if (!n) {
					too_big_or_nomem(b, b->anchors[i].copy);
					return;
				}
				n->line = m ? m->line + 1 : n->line;
				n->col = m ? m->column + 1 : n->col;
				attach(b, n);
				return;
			}
		}
		problem(b, m ? m->line + 1 : 0, m ? m->column + 1 : 0, "unknown alias '*%s'", name);
		free(name);
		break;
	}
	default:
		break;
	}
}

/* Checks that the text is UTF-8, reporting the line of the first bad byte. */
static bool check_utf8(struct builder *b, const char *text, size_t len)
{
	int line = 1;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)text[i];
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
			   (c & 0xF8) == 0xF0 ? 4 : 0;
		bool ok = n > 0 && i + n <= len && !(n == 2 && c < 0xC2);
		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)text[i + k] & 0xC0) == 0x80;
		if (!ok) {
			problem(b, line, 0, "the file is not UTF-8 text (byte 0x%02X)", c);
			return false;
		}
		if (c == '\n')
			line++;
		i += n;
	}
	return true;
}

static enum mdg_status parse(const char *name, const char *text, size_t len, struct doc *out,
			     struct doc_diags *diags)
{
	struct builder b = { .file = name, .diags = diags };
	memset(out, 0, sizeof *out);
	if (!check_utf8(&b, text, len))
		return MDG_ERR_CONFIG;
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	if (!diag)
		return MDG_ERR_NOMEM;
	fy_diag_set_collect_errors(diag, true);
	struct fy_parse_cfg pcfg = { .flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2, .diag = diag };
	struct fy_parser *fyp = fy_parser_create(&pcfg);
	if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
		fy_parser_destroy(fyp);
		fy_diag_destroy(diag);
		return MDG_ERR_NOMEM;
	}
	struct fy_event *ev;
	while ((ev = fy_parser_parse(fyp)) != NULL) {
		on_event(&b, ev);
		fy_parser_event_free(fyp, ev);
	}
	bool syntax = fy_parser_get_stream_error(fyp);
	void *it = NULL;
	struct fy_diag_error *e;
	while ((e = fy_diag_errors_iterate(diag, &it)) != NULL)
		if (e->type >= FYET_ERROR)
			problem(&b, e->line + 1, e->column + 1, "%s", e->msg);
	if (syntax && !b.failed)
		problem(&b, 0, 0, "YAML syntax error");
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	/* Unfinished collections after an error. */
	while (b.depth > 0) {
		b.depth--;
		doc_node_free(b.pending_key[b.depth]);
		doc_node_free(b.stack[b.depth]);
		free(b.open_anchor[b.depth]);
	}
	for (int i = 0; i < b.n_anchors; i++) {
		free(b.anchors[i].name);
		doc_node_free(b.anchors[i].copy);
	}
	if (b.nomem || b.failed) {
		doc_node_free(b.root);
		return b.nomem ? MDG_ERR_NOMEM : MDG_ERR_CONFIG;
	}
	out->root = b.root;
	out->file = strdup(name);
	if (!out->file) {
		doc_free(out);
		return MDG_ERR_NOMEM;
	}
	return MDG_OK;
}

enum mdg_status yaml_load_string(const char *name, const char *text, size_t len, struct doc *out,
				 struct doc_diags *diags)
{
	return parse(name, text, len, out, diags);
}

enum mdg_status yaml_load_file(const char *path, struct doc *out, struct doc_diags *diags)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		return doc_diag_add(diags, path, 0, 0, "cannot read: %s", strerror(e)) ? MDG_ERR_NOMEM :
										 MDG_ERR_CONFIG;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	enum mdg_status rc = MDG_OK;
	for (;;) {
		if (len == cap) {
			if (cap >= (size_t)4 << 20) {
				rc = doc_diag_add(diags, path, 0, 0, "larger than 4 MiB: not a site file") ?
					     MDG_ERR_NOMEM : MDG_ERR_CONFIG;
				goto out;
			}
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				rc = MDG_ERR_NOMEM;
				goto out;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = doc_diag_add(diags, path, 0, 0, "cannot read: %s", strerror(errno)) ? MDG_ERR_NOMEM :
											  MDG_ERR_CONFIG;
		goto out;
	}
	rc = parse(path, buf ? buf : "", len, out, diags);
out:
	fclose(f);
	free(buf);
	return rc;
}
