/* SPDX-License-Identifier: MIT */
/* status: the project-wide status codes, their messages and CLI exit codes, and the
 * caller-owned error record. Pure libc; reporting an error never allocates. */
#ifndef MDG_CORE_STATUS_H
#define MDG_CORE_STATUS_H

#include <stdarg.h>

/* X(name, exit code, message). Exit codes are the CLI's documented contract:
 * 0 ok, 1 operational failure, 2 bad input, 3 refused in the current state, 4 busy,
 * 5 not authenticated or not allowed (wrong staff id or PIN, a locked account, a role without
 * the right), 130 interrupted (by SIGINT; a command stopped by SIGTERM exits 143). */
#define MDG_STATUS_LIST(X)                                                   \
	X(MDG_OK,            0, "ok")                                        \
	X(MDG_ERR_NOMEM,     1, "out of memory")                             \
	X(MDG_ERR_IO,        1, "input/output error")                        \
	X(MDG_ERR_DB,        1, "database error")                            \
	X(MDG_ERR_FULL,      1, "disk full")                                 \
	X(MDG_ERR_READONLY,  1, "database is read-only")                     \
	X(MDG_ERR_CORRUPT,   1, "database is damaged")                       \
	X(MDG_ERR_VERSION,   1, "database is newer than this program")       \
	X(MDG_ERR_CRYPTO,    1, "cryptography failure")                      \
	X(MDG_ERR_USAGE,     2, "usage error")                               \
	X(MDG_ERR_CONFIG,    2, "invalid configuration")                     \
	X(MDG_ERR_INVALID,   2, "invalid input")                             \
	X(MDG_ERR_NOT_FOUND, 2, "not found")                                 \
	X(MDG_ERR_STATE,     3, "not allowed in the current state")          \
	X(MDG_ERR_EMPTY,     3, "nothing waiting")                           \
	X(MDG_ERR_BUSY,      4, "busy: another process holds the database")  \
	X(MDG_ERR_AUTH,      5, "wrong staff id or PIN")                     \
	X(MDG_ERR_DENIED,    5, "not allowed for this role")                 \
	X(MDG_ERR_CANCELLED, 130, "interrupted")

enum mdg_status {
#define MDG_X_ENUM(name, exit, msg) name,
	MDG_STATUS_LIST(MDG_X_ENUM)
#undef MDG_X_ENUM
	MDG_STATUS_COUNT
};

/* Caller-owned error record: the code and a human message (English, for logs and CLI). */
struct mdg_err {
	enum mdg_status code; /* MDG_OK when nothing went wrong */
	char msg[256];        /* NUL-terminated; may be empty */
};

/* The fixed message of a status; never NULL (unknown codes give "unknown status"). */
const char *mdg_status_str(enum mdg_status s);

/* The CLI exit code of a status (see MDG_STATUS_LIST). */
int mdg_status_exit(enum mdg_status s);

/* Sets err (may be NULL) to code with a printf-style message; returns code so that callers can
 * write `return mdg_err_set(err, ...)`. A NULL or empty fmt uses the status message. */
enum mdg_status mdg_err_set(struct mdg_err *err, enum mdg_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Resets err to MDG_OK with an empty message. NULL-safe. */
void mdg_err_clear(struct mdg_err *err);

/* Prefixes err->msg with "prefix: " (context added while unwinding). NULL-safe. */
void mdg_err_prefix(struct mdg_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
