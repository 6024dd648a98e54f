/* SPDX-License-Identifier: MIT */
/* cityreport: the facts of the wait-time report (core/report.h) read from the central server,
 * per site, so that `report waits --central` gives every site's figures computed exactly as the
 * site itself computes them, and the city's over all of them. */
#ifndef MDG_SYNC_CITYREPORT_H
#define MDG_SYNC_CITYREPORT_H

#include <stddef.h>

#include "core/report.h"
#include "core/status.h"

struct central;

struct city_site {
	char id[33];
	char *name;                    /* in the language asked, with fallbacks (owned) */
	char *service_names[26];       /* per letter A..Z, or NULL (owned) */
	struct report_fact *facts;     /* owned */
	size_t n_facts, cap_facts;
};

/* Every registered site with the facts of its tickets of business dates from..to (YYYY-MM-DD),
 * ordered by site id. Names in lang (falling back to its base language, then ja). Each fact's
 * target is its site's target for the service (15 minutes when unknown, as on a site).
 * MDG_ERR_INVALID for bad dates, MDG_ERR_NOMEM, and the central errors. *out is caller-owned
 * (city_sites_free). */
enum mdg_status city_report_facts(struct central *c, const char *from, const char *to,
				  const char *lang, struct city_site **out, size_t *n,
				  struct mdg_err *err);

/* Frees what city_report_facts returned. NULL-safe. */
void city_sites_free(struct city_site *s, size_t n);

#endif
