/* SPDX-License-Identifier: MIT */
/* mem: libsodium's guarded allocations and the process settings that keep secrets off disk. */
#include "secure/mem.h"

#include <sodium.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

void *secure_alloc(size_t n, struct mdg_err *err)
{
	void *p = sodium_malloc(n);
	if (!p) {
		mdg_err_set(err, MDG_ERR_NOMEM, "no locked memory for secrets (raise LimitMEMLOCK)");
		return NULL;
	}
	memset(p, 0, n);
	return p;
}

void secure_free(void *p)
{
	if (p)
		sodium_free(p);
}

void secure_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

enum mdg_status secure_harden_process(struct mdg_err *err)
{
	struct rlimit none = { 0, 0 };
	if (setrlimit(RLIMIT_CORE, &none) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return mdg_err_set(err, MDG_ERR_IO, "cannot turn off core dumps for this process");
	return MDG_OK;
}
