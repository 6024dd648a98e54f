/* SPDX-License-Identifier: MIT */
/* yamldoc: builds the doc tree from libfyaml's event stream, because libfyaml 0.7's document
 * API gives no positions for mappings and sequences (there is no fy_node_get_start_mark). A
 * stack of open collections receives the events; anchors are remembered and aliases copied.
 * libfyaml never writes to stderr here: its diagnostics are collected and become ours. */
#include "yaml/yamldoc.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define MAX_DEPTH 64          /* nesting of collections */
#define MAX_ANCHORS 64
#define MAX_KEYS 1024         /* keys of one mapping: keeps the duplicate check cheap */
#define MAX_NODES 200000      /* nodes made, alias copies included: bounds alias bombs */
#define MAX_FILE ((size_t)4 << 20)

struct builder {
	const char *file;
	struct doc_diags *diags;
	struct doc_node *root;
	struct doc_node *stack[MAX_DEPTH];       /* open collections */
	struct doc_node *pending_key[MAX_DEPTH]; /* a map's key waiting for its value */
	bool drop_pair[MAX_DEPTH];               /* that key was refused: drop its value too */
	char *open_anchor[MAX_DEPTH];            /* anchor of each open collection, or NULL */
	int depth;
	int documents;
	/* Anchored nodes are kept as owned copies made when the node is complete, so that an alias
	 * never sees a node the builder has since freed, nor one still being built. */
	struct { char *name; struct doc_node *copy; } anchors[MAX_ANCHORS];
	int n_anchors;
	long nodes;
	int ev_line, ev_col;          /* position of the event being handled */
	char *lib_msg;                /* first message libfyaml printed rather than collected */
	bool failed, nomem, too_big;
};

/* A malloc'd copy of a token's text (NUL-terminated, *len bytes before the NUL), or NULL when
 * out of memory. Gathered chunk by chunk: fy_token_get_text caches a buffer in the token that
 * libfyaml 0.7.12 leaks when the parse ends in an error (found by fuzzing), and
 * fy_token_iter_read returns block scalars ("|", ">") garbled. */
static char *token_text(struct fy_token *t, size_t *len)
{
	size_t cap = (t ? fy_token_get_text_length(t) : 0) + 1, got = 0;
	char *buf = malloc(cap);
	struct fy_token_iter *it = NULL;
	if (!buf)
		return NULL;
	if (t && !(it = fy_token_iter_create(t)))
		goto fail;
	const struct fy_iter_chunk *ch = NULL;
	int err = 0;
	while (it && (ch = fy_token_iter_chunk_next(it, ch, &err)) != NULL) {
		if (got + ch->len + 1 > cap) {
			size_t ncap = (got + ch->len + 1) * 2;
			char *nb = realloc(buf, ncap);
			if (!nb)
				goto fail;
			buf = nb;
			cap = ncap;
		}
		memcpy(buf + got, ch->str, ch->len);
		got += ch->len;
	}
	if (it)
		fy_token_iter_destroy(it);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	if (it)
		fy_token_iter_destroy(it);
	free(buf);
	return NULL;
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

/* Counts one more node against the budget; reports the overrun at the event that caused it
 * (an alias, mostly). False when over: the builder then stops. */
static bool budget(struct builder *b)
{
	if (++b->nodes <= MAX_NODES)
		return true;
	if (!b->too_big) {
		b->too_big = true;
		problem(b, b->ev_line, b->ev_col, "the document is too large (more than %d values,"
			" aliases expanded)", MAX_NODES);
	}
	return false;
}

/* A deep copy of n, or NULL (out of memory, or over the node budget: see b). */
static struct doc_node *copy_node(struct builder *b, const struct doc_node *n)
{
	if (!budget(b))
		return NULL;
	struct doc_node *c = doc_node_new(n->kind, n->line, n->col);
	if (!c)
		goto nomem;
	c->quoted = n->quoted;
	c->null = n->null;
	if (n->scalar && !(c->scalar = strdup(n->scalar)))
		goto nomem;
	for (size_t i = 0; i < n->n; i++) {
		struct doc_node *v = copy_node(b, n->items[i]);
		struct doc_node *k = n->kind == DOC_MAP && v ? copy_node(b, n->keys[i]) : NULL;
		if (!v || (n->kind == DOC_MAP && !k))
			goto fail_pair;
		if ((n->kind == DOC_MAP ? doc_map_append(c, k, v) : doc_seq_append(c, v)) == 0)
			continue;
		b->nomem = true;
fail_pair:
		doc_node_free(v);
		doc_node_free(k);
		doc_node_free(c);
		return NULL;
	}
	return c;
nomem:
	b->nomem = true;
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

/* Checks a node's tag. The core schema's own tags are accepted (!!str makes a scalar a string
 * as quotes do, !!null makes it empty); any other tag would change the meaning in a way the
 * schema cannot see, so it is refused. */
static void apply_tag(struct builder *b, struct fy_token *tag, struct doc_node *n)
{
	static const char *const core[] = { "str", "null", "int", "float", "bool", "map", "seq" };
	static const char prefix[] = "tag:yaml.org,2002:";
	size_t len;
	if (!tag)
		return;
	char *t = token_text(tag, &len);
	if (!t) {
		b->nomem = true;
		return;
	}
	bool known = false;
	if (strncmp(t, prefix, sizeof prefix - 1) == 0)
		for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
			if (strcmp(t + sizeof prefix - 1, core[i]) == 0)
				known = true;
	if (!known)
		problem(b, n->line, n->col, "the YAML tag '%s' is not supported here", t);
	else if (n->kind == DOC_SCALAR && strcmp(t + sizeof prefix - 1, "str") == 0) {
		n->quoted = true;
		n->null = false;
	} else if (n->kind == DOC_SCALAR && strcmp(t + sizeof prefix - 1, "null") == 0)
		n->null = true;
	free(t);
}

/* A map key: a scalar, not a merge key, not seen before in this map. */
static bool key_ok(struct builder *b, const struct doc_node *map, const struct doc_node *key)
{
	if (key->kind != DOC_SCALAR) {
		problem(b, key->line, key->col, "a key must be a plain value, not %s",
			doc_kind_name(key->kind));
		return false;
	}
	if (!key->quoted && strcmp(key->scalar, "<<") == 0) {
		problem(b, key->line, key->col, "merge keys ('<<') are not supported: write the keys"
			" out, or make the whole value an alias");
		return false;
	}
	if (map->n >= MAX_KEYS) {
		problem(b, key->line, key->col, "more than %d keys in one mapping", MAX_KEYS);
		return false;
	}
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->scalar, key->scalar) == 0) {
			problem(b, key->line, key->col, "duplicate key '%s' (first at line %d)",
				key->scalar, map->keys[i]->line);
			return false;
		}
	return true;
}

/* Hands a finished node to its parent (or makes it the root). Takes ownership of node. */
static void attach(struct builder *b, struct doc_node *node)
{
	if (b->depth == 0) {
		if (b->root)
			doc_node_free(node); /* a second document: already reported */
		else
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
	int d = b->depth - 1;
	struct doc_node **key = &b->pending_key[d];
	if (!*key) {
		b->drop_pair[d] = !key_ok(b, parent, node);
		*key = node;
		return;
	}
	if (node->line == 0) { /* an empty value has no mark of its own: use its key's */
		node->line = (*key)->line;
		node->col = (*key)->col;
	}
	if (b->drop_pair[d]) {
		doc_node_free(*key);
		doc_node_free(node);
	} else if (doc_map_append(parent, *key, node) != 0) {
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

static void on_collection_start(struct builder *b, struct fy_event *ev)
{
	bool map = ev->type == FYET_MAPPING_START;
	struct doc_node *n = node_at(b, map ? DOC_MAP : DOC_SEQ, ev);
	if (!n)
		return;
	if (b->depth == MAX_DEPTH) {
		problem(b, n->line, n->col, "nested more than %d levels deep", MAX_DEPTH);
		doc_node_free(n);
		return;
	}
	if (!budget(b)) {
		doc_node_free(n);
		return;
	}
	apply_tag(b, map ? ev->mapping_start.tag : ev->sequence_start.tag, n);
	b->open_anchor[b->depth] = anchor_name(b, map ? ev->mapping_start.anchor :
						       ev->sequence_start.anchor);
	b->pending_key[b->depth] = NULL;
	b->drop_pair[b->depth] = false;
	b->stack[b->depth++] = n;
}

static void on_scalar(struct builder *b, struct fy_event *ev)
{
	struct doc_node *n = node_at(b, DOC_SCALAR, ev);
	if (!n)
		return;
	size_t len = 0;
	struct fy_token *value = ev->scalar.value;
	n->quoted = value && fy_token_scalar_style(value) != FYSS_PLAIN;
	n->scalar = token_text(value, &len);
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
	apply_tag(b, ev->scalar.tag, n);
	if (!budget(b)) {
		doc_node_free(n);
		return;
	}
	remember_anchor(b, anchor_name(b, ev->scalar.anchor), n);
	attach(b, n);
}

static void on_alias(struct builder *b, struct fy_event *ev)
{
	size_t len;
	const struct fy_mark *m = fy_event_start_mark(ev);
	/* The alias token starts at its name: step back onto the '*'. */
	int line = m ? m->line + 1 : 0, col = m && m->column > 0 ? m->column : 0;
	char *name = token_text(ev->alias.anchor, &len);
	if (!name) {
		b->nomem = true;
		return;
	}
	for (int i = b->n_anchors - 1; i >= 0; i--) {
		if (strcmp(b->anchors[i].name, name) != 0)
			continue;
		free(name);
		struct doc_node *n = copy_node(b, b->anchors[i].copy);
		if (!n)
			return;
		n->line = line;
		n->col = col;
		attach(b, n);
		return;
	}
	bool open = false;
	for (int i = 0; i < b->depth; i++)
		open |= b->open_anchor[i] && strcmp(b->open_anchor[i], name) == 0;
	if (open)
		problem(b, line, col, "the alias '*%s' is inside the node it names (a loop)", name);
	else
		problem(b, line, col, "unknown alias '*%s' (no '&%s' before it)", name, name);
	free(name);
}

static void on_event(struct builder *b, struct fy_event *ev)
{
	struct doc_node *n;
	const struct fy_mark *m = fy_event_start_mark(ev);
	b->ev_line = m ? m->line + 1 : 0;
	b->ev_col = m ? m->column + (ev->type == FYET_ALIAS ? 0 : 1) : 0;
	switch (ev->type) {
	case FYET_DOCUMENT_START:
		if (++b->documents > 1)
			problem(b, b->ev_line, b->ev_col,
				"only one YAML document per file (found a second one)");
		break;
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START:
		on_collection_start(b, ev);
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
	case FYET_SCALAR:
		on_scalar(b, ev);
		break;
	case FYET_ALIAS:
		on_alias(b, ev);
		break;
	default:
		break;
	}
}

/* Checks that the text is UTF-8 (shortest forms, no surrogates, nothing past U+10FFFF) with no
 * NUL bytes, reporting the line and column (in characters, as libfyaml counts) of the first
 * bad byte. */
static bool check_utf8(struct builder *b, const char *text, size_t len)
{
	int line = 1, col = 1;
	for (size_t i = 0; i < len;) {
		const unsigned char *s = (const unsigned char *)text + i;
		unsigned c = s[0];
		size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
			   c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		bool ok = n > 0 && i + n <= len;
		for (size_t k = 1; ok && k < n; k++)
			ok = (s[k] & 0xC0) == 0x80;
		/* The second byte's range rules out overlong forms, surrogates and > U+10FFFF. */
		if (ok && n >= 3) {
			unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
			unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
			ok = s[1] >= lo && s[1] <= hi;
		}
		if (!ok || c == 0) {
			problem(b, line, col, c == 0 ? "the file is not UTF-8 text (a NUL byte; saved as"
				" UTF-16?)" : "the file is not UTF-8 text (byte 0x%02X)", c);
			return false;
		}
		if (c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += n;
	}
	return true;
}

/* libfyaml's printed output (messages it does not collect): the first line is kept, so that a
 * failure it reports that way still has a message; nothing reaches stderr. */
static void lib_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	struct builder *b = user;
	if (b->lib_msg || len == 0)
		return;
	size_t n = strcspn(buf, "\n");
	b->lib_msg = strndup(buf, n < len ? n : len);
}

static enum mdg_status parse(const char *name, const char *text, size_t len, struct doc *out,
			     struct doc_diags *diags)
{
	struct builder b = { .file = name, .diags = diags };
	struct fy_diag *diag = NULL;
	struct fy_parser *fyp = NULL;
	enum mdg_status rc = MDG_OK;
	memset(out, 0, sizeof *out);
	if (!check_utf8(&b, text, len))
		goto out;

	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = lib_output;
	dcfg.user = &b;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	dcfg.show_type = false;
	diag = fy_diag_create(&dcfg);
	if (!diag) {
		b.nomem = true;
		goto out;
	}
	fy_diag_set_collect_errors(diag, true);
	struct fy_parse_cfg pcfg = {
		.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE, .diag = diag,
	};
	fyp = fy_parser_create(&pcfg);
	if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
		b.nomem = true;
		goto out;
	}
	struct fy_event *ev;
	while ((ev = fy_parser_parse(fyp)) != NULL) {
		if (!b.too_big && !b.nomem)
			on_event(&b, ev);
		fy_parser_event_free(fyp, ev);
	}
	bool syntax = fy_parser_get_stream_error(fyp);
	void *it = NULL;
	struct fy_diag_error *e;
	/* Collected errors carry 1-based positions already. */
	while ((e = fy_diag_errors_iterate(diag, &it)) != NULL)
		if (e->type >= FYET_ERROR)
			problem(&b, e->line > 0 ? e->line : 0, e->column > 0 ? e->column : 0, "%s",
				e->msg);
	if (syntax && !b.failed)
		problem(&b, 0, 0, "YAML syntax error%s%s", b.lib_msg ? ": " : "",
			b.lib_msg ? b.lib_msg : "");
out:
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	free(b.lib_msg);
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
		rc = MDG_ERR_NOMEM;
	}
	return rc;
}

enum mdg_status yaml_load_string(const char *name, const char *text, size_t len, struct doc *out,
				 struct doc_diags *diags)
{
	return parse(name, text ? text : "", text ? len : 0, out, diags);
}

/* Adds "path: cannot read: reason"; the status for it. */
static enum mdg_status unreadable(struct doc_diags *diags, const char *path, int err)
{
	if (doc_diag_add(diags, path, 0, 0, "cannot read: %s", strerror(err)) != 0)
		return MDG_ERR_NOMEM;
	return MDG_ERR_CONFIG;
}

enum mdg_status yaml_load_file(const char *path, struct doc *out, struct doc_diags *diags)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return unreadable(diags, path, errno);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	enum mdg_status rc = MDG_OK;
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_FILE) {
				rc = doc_diag_add(diags, path, 0, 0, "larger than %zu MiB: not a site file",
						  MAX_FILE >> 20) ? MDG_ERR_NOMEM : MDG_ERR_CONFIG;
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
		rc = unreadable(diags, path, errno ? errno : EIO);
		goto out;
	}
	rc = parse(path, buf ? buf : "", len, out, diags);
out:
	fclose(f);
	free(buf);
	return rc;
}
