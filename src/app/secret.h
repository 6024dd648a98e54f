/* SPDX-License-Identifier: MIT */
/* secret: PINs and other secrets read from standard input (never from the command line), one
 * line at a time with read(2), so that no stdio buffer holds a copy: the bytes go straight into
 * the caller's locked memory (secure/mem.h). On a terminal the line is not echoed. */
#ifndef MDG_APP_SECRET_H
#define MDG_APP_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* Reads one line from stdin into buf (size bytes, locked memory), without the newline, and
 * returns its length (a longer line is cut; the rest of it is read and dropped). On a terminal,
 * prompt (may be NULL) goes to stderr first and echo is off while reading. End of input or a
 * signal ends the line. */
size_t secret_read_line(const char *prompt, char *buf, size_t size);

/* True when standard input is a terminal. */
bool secret_interactive(void);

/* Reads a new secret: one line, or on a terminal asked twice (prompt, then again) and
 * MDG_ERR_INVALID when the two differ. *len is its length. The second copy lives in locked
 * memory and is wiped. */
enum mdg_status secret_read_new(const char *prompt, const char *again, char *buf, size_t size,
				size_t *len, struct mdg_err *err);

#endif
