/* SPDX-License-Identifier: MIT */
/* mem: locked memory for secrets and card data (sodium_malloc: mlock'ed, guard pages, wiped on
 * free), and the process hardening that goes with it (no core dumps, not dumpable). */
#ifndef MDG_SECURE_MEM_H
#define MDG_SECURE_MEM_H

#include <stddef.h>

#include "core/status.h"

/* Zeroed locked memory of n bytes, or NULL (MDG_ERR_NOMEM in err: no lockable memory left). */
void *secure_alloc(size_t n, struct mdg_err *err);

/* Wipes and frees; NULL-safe. */
void secure_free(void *p);

/* Wipes n bytes (never optimised away). */
void secure_wipe(void *p, size_t n);

/* Turns off core dumps and ptrace attach for this process (RLIMIT_CORE 0, PR_SET_DUMPABLE 0). */
enum mdg_status secure_harden_process(struct mdg_err *err);

#endif
