/* SPDX-License-Identifier: MIT */
/* yamldoc: reads a YAML file (or text) into core's document tree (core/doc.h), every node with
 * its 1-based line and column (in characters), every problem as "file:line:col: message". The
 * only code that includes libfyaml.h; libfyaml never prints (its diagnostics become ours). */
#ifndef MDG_YAML_YAMLDOC_H
#define MDG_YAML_YAMLDOC_H

#include <stddef.h>

#include "core/doc.h"
#include "core/status.h"

/* Parses the file at path into *out (cleared first; caller frees with doc_free; out->file is a
 * copy of path). What is accepted: UTF-8 text (no NUL bytes) of at most 4 MiB holding one YAML
 * 1.2 document whose mapping keys are plain scalars, unique within their mapping. Anchors and
 * aliases are resolved by copying the anchored node (the copy takes the alias's position), up
 * to a node budget; merge keys ("<<") and tags other than the core schema's are refused.
 * A quoted scalar (or one tagged !!str) has quoted set; an unquoted empty, "~" or "null" one
 * has null set.
 * Returns MDG_OK; MDG_ERR_CONFIG with every problem appended to diags (syntax errors, duplicate
 * keys, a second document, bad UTF-8, unknown or looping aliases, and "path: cannot read:
 * reason" for a file that cannot be opened or read), *out then empty; or MDG_ERR_NOMEM.
 * diags is caller-owned (doc_diags_free). */
enum mdg_status yaml_load_file(const char *path, struct doc *out, struct doc_diags *diags);

/* The same for len bytes of text in memory (need not be NUL-terminated; NULL is empty; no size
 * limit); name is used as the file name in messages and doc->file. For tests and fuzzing. */
enum mdg_status yaml_load_string(const char *name, const char *text, size_t len, struct doc *out,
				 struct doc_diags *diags);

#endif
