/* SPDX-License-Identifier: MIT */
/* site: what every command needs before it runs: the site config (YAML -> doc -> schema), the
 * time zone and log sink it names, libsodium, and the site store. One place builds these and one
 * place tears them down. */
#ifndef MDG_APP_SITE_H
#define MDG_APP_SITE_H

#include <stdint.h>

#include "app/cli.h"
#include "core/config.h"
#include "store/store.h"

struct site {
	struct mdg_config *cfg;  /* owned */
	struct store *st;        /* owned; NULL when opened with SITE_NO_STORE */
	FILE *log;               /* owned log file, or NULL */
};

enum site_flags {
	SITE_NO_STORE = 1u << 0,   /* config only */
	SITE_CREATE = 1u << 1,     /* create the store when missing */
	SITE_READONLY = 1u << 2,   /* open the store read-only */
};

/* Loads and checks the config at path. Every problem is written to stderr as
 * "file:line:col: message" and MDG_ERR_CONFIG returned. *out is caller-owned (config_free). */
enum mdg_status site_load_config(const char *path, struct mdg_config **out, struct mdg_err *err);

/* Loads the config of call (--config / $MADOGUCHI_CONFIG), applies its time zone and log
 * settings, initialises libsodium and opens the store. On failure everything is released. */
enum mdg_status site_open(const struct cli_call *call, unsigned flags, struct site *out,
			  struct mdg_err *err);

/* Releases what site_open built. NULL-safe and idempotent. */
void site_close(struct site *s);

/* The wall clock (bizclock_now_ms), warning once when MADOGUCHI_NOW overrides it. */
int64_t site_now(void);

#endif
