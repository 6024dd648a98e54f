/* SPDX-License-Identifier: MIT */
/* yamldoc: reads a YAML file (or text) into core's document tree (core/doc.h), every node with
 * its line and column, every syntax error as "file:line:col: message". The only code that
 * includes libfyaml.h. One document per file; duplicate keys are errors; anchors and aliases
 * are resolved by copying the anchored node. */
#ifndef MDG_YAML_YAMLDOC_H
#define MDG_YAML_YAMLDOC_H

#include <stddef.h>

#include "core/doc.h"
#include "core/status.h"

/* Parses the file at path into *out (caller frees with doc_free). Returns MDG_OK;
 * MDG_ERR_CONFIG with every problem in diags (syntax errors, duplicate keys, several
 * documents, invalid UTF-8, an unreadable file); or MDG_ERR_NOMEM. */
enum mdg_status yaml_load_file(const char *path, struct doc *out, struct doc_diags *diags);

/* The same for text in memory; name is used as the file name in messages and doc->file. */
enum mdg_status yaml_load_string(const char *name, const char *text, size_t len, struct doc *out,
				 struct doc_diags *diags);

#endif
