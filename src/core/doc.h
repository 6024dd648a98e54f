/* SPDX-License-Identifier: MIT */
/* doc: a parsed document as a plain tree of maps, sequences and scalars, each node carrying
 * its file position. Parsers of concrete syntaxes (src/yaml) build it; schema checkers in core
 * (config, later forms) read it, so that they stay free of any parsing library. */
#ifndef MDG_CORE_DOC_H
#define MDG_CORE_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum doc_kind { DOC_SCALAR, DOC_MAP, DOC_SEQ };

struct doc_node {
	enum doc_kind kind;
	int line, col;            /* 1-based position of the node's start */
	char *scalar;             /* DOC_SCALAR: UTF-8 text, NUL-terminated (owned) */
	bool quoted;              /* DOC_SCALAR: written in quotes (so "yes" stays a string) */
	bool null;                /* DOC_SCALAR: an empty/null value ("~", "null" or nothing) */
	size_t n;                 /* DOC_MAP: pairs; DOC_SEQ: items */
	size_t cap;               /* allocated slots in keys/items */
	struct doc_node **keys;   /* DOC_MAP: key nodes (scalars), n of them (owned) */
	struct doc_node **items;  /* DOC_MAP: values; DOC_SEQ: items; n of them (owned) */
};

/* A whole document: the root (NULL for an empty file) and the file name used in messages. */
struct doc {
	char *file;               /* owned */
	struct doc_node *root;    /* owned, may be NULL */
};

/* Problems found in documents, each "file:line:col: message", in the order found. */
struct doc_diags {
	char **msgs; /* owned */
	size_t n;
};

/* Appends "file:line:col: message" (line/col 0 are left out) to d. 0, or -1 when out of memory. */
int doc_diag_add(struct doc_diags *d, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Writes every message, one per line. */
void doc_diags_print(const struct doc_diags *d, FILE *out);

/* Moves every message of from to the end of to (from ends empty). 0, or -1 when out of memory
 * (then nothing moved). */
int doc_diags_move(struct doc_diags *to, struct doc_diags *from);

/* Frees the messages and empties d; the struct itself is the caller's. NULL-safe. */
void doc_diags_free(struct doc_diags *d);

/* Allocates a node of kind at line:col; NULL when out of memory. */
struct doc_node *doc_node_new(enum doc_kind kind, int line, int col);

/* Appends an item to a sequence, or a key/value pair to a map (key must be a scalar). Takes
 * ownership of the nodes on success only; MDG-style 0 on success, -1 when out of memory. */
int doc_seq_append(struct doc_node *seq, struct doc_node *item);
int doc_map_append(struct doc_node *map, struct doc_node *key, struct doc_node *value);

/* Frees a node and everything below it. NULL-safe. */
void doc_node_free(struct doc_node *node);

/* Frees a document's tree and name and clears *d. NULL-safe. */
void doc_free(struct doc *d);

/* The value under key in a map (first match), or NULL. Borrowed. */
const struct doc_node *doc_map_get(const struct doc_node *map, const char *key);

/* A short name of the node kind for messages: "a scalar", "a mapping", "a list". */
const char *doc_kind_name(enum doc_kind kind);

#endif
