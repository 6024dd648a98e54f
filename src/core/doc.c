/* SPDX-License-Identifier: MIT */
/* doc: allocation and lookup for the position-carrying document tree. */
#include "core/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct doc_node *doc_node_new(enum doc_kind kind, int line, int col)
{
	struct doc_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static int grow(struct doc_node *n, bool with_keys)
{
	if (n->n < n->cap)
		return 0;
	size_t ncap = n->cap ? n->cap * 2 : 4;
	struct doc_node **items = realloc(n->items, ncap * sizeof *items);
	if (!items)
		return -1;
	n->items = items;
	if (with_keys) {
		struct doc_node **keys = realloc(n->keys, ncap * sizeof *keys);
		if (!keys)
			return -1;
		n->keys = keys;
	}
	n->cap = ncap;
	return 0;
}

int doc_seq_append(struct doc_node *seq, struct doc_node *item)
{
	if (grow(seq, false) != 0)
		return -1;
	seq->items[seq->n++] = item;
	return 0;
}

int doc_map_append(struct doc_node *map, struct doc_node *key, struct doc_node *value)
{
	if (grow(map, true) != 0)
		return -1;
	map->keys[map->n] = key;
	map->items[map->n] = value;
	map->n++;
	return 0;
}

void doc_node_free(struct doc_node *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n; i++) {
		if (node->keys)
			doc_node_free(node->keys[i]);
		doc_node_free(node->items[i]);
	}
	free(node->keys);
	free(node->items);
	free(node->scalar);
	free(node);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	doc_node_free(d->root);
	free(d->file);
	d->root = NULL;
	d->file = NULL;
}

const struct doc_node *doc_map_get(const struct doc_node *map, const char *key)
{
	if (!map || map->kind != DOC_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->keys[i]->scalar && strcmp(map->keys[i]->scalar, key) == 0)
			return map->items[i];
	return NULL;
}

const char *doc_kind_name(enum doc_kind kind)
{
	switch (kind) {
	case DOC_SCALAR: return "a scalar";
	case DOC_MAP: return "a mapping";
	case DOC_SEQ: return "a list";
	}
	return "?";
}

int doc_diag_add(struct doc_diags *d, const char *file, int line, int col, const char *fmt, ...)
{
	char body[512], full[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (line > 0 && col > 0)
		snprintf(full, sizeof full, "%s:%d:%d: %s", file ? file : "-", line, col, body);
	else if (line > 0)
		snprintf(full, sizeof full, "%s:%d: %s", file ? file : "-", line, body);
	else
		snprintf(full, sizeof full, "%s: %s", file ? file : "-", body);
	char **msgs = realloc(d->msgs, (d->n + 1) * sizeof *msgs);
	if (!msgs)
		return -1;
	d->msgs = msgs;
	d->msgs[d->n] = strdup(full);
	if (!d->msgs[d->n])
		return -1;
	d->n++;
	return 0;
}

int doc_diags_move(struct doc_diags *to, struct doc_diags *from)
{
	if (!from->n)
		return 0;
	char **msgs = realloc(to->msgs, (to->n + from->n) * sizeof *msgs);
	if (!msgs)
		return -1;
	to->msgs = msgs;
	memcpy(to->msgs + to->n, from->msgs, from->n * sizeof *msgs);
	to->n += from->n;
	free(from->msgs);
	from->msgs = NULL;
	from->n = 0;
	return 0;
}

void doc_diags_print(const struct doc_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "%s\n", d->msgs[i]);
}

void doc_diags_free(struct doc_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	d->msgs = NULL;
	d->n = 0;
}
