/* SPDX-License-Identifier: MIT */
/* cityreport: three central queries (sites, services, tickets of the range), rows streamed one
 * at a time into per-site fact arrays; the same fact rules as store/queue.c's report reader. */
#include "sync/cityreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizdate.h"
#include "core/ticket.h"
#include "sync/central.h"

struct walk {
	struct city_site *sites;
	size_t n, cap;
	int **targets;                   /* per site: 26 targets (owned) */
	size_t last;                     /* the site of the previous ticket row */
};

static enum mdg_status on_site(void *ctx, int n, const char *const *v, struct mdg_err *err)
{
	struct walk *w = ctx;
	if (n < 2 || !v[0])
		return MDG_OK;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct city_site *s = realloc(w->sites, cap * sizeof *s);
		int **t = realloc(w->targets, cap * sizeof *t);
		if (t)
			w->targets = t;
		if (!s || !t) {
			if (s)
				w->sites = s;
			return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		}
		w->sites = s;
		w->cap = cap;
	}
	struct city_site *s = &w->sites[w->n];
	memset(s, 0, sizeof *s);
	w->targets[w->n] = calloc(26, sizeof(int));
	w->n++;
	snprintf(s->id, sizeof s->id, "%s", v[0]);
	s->name = strdup(v[1] ? v[1] : v[0]);
	if (!s->name || !w->targets[w->n - 1])
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	return MDG_OK;
}

static struct city_site *find(struct walk *w, const char *id, size_t *ix)
{
	if (w->last < w->n && strcmp(w->sites[w->last].id, id) == 0) {
		*ix = w->last;
		return &w->sites[w->last];
	}
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->sites[i].id, id) == 0) {
			*ix = w->last = i;
			return &w->sites[i];
		}
	return NULL;
}

static enum mdg_status on_service(void *ctx, int n, const char *const *v, struct mdg_err *err)
{
	struct walk *w = ctx;
	size_t ix;
	struct city_site *s = n >= 4 && v[0] && v[1] ? find(w, v[0], &ix) : NULL;
	if (!s || v[1][0] < 'A' || v[1][0] > 'Z' || v[1][1])
		return MDG_OK;
	int l = v[1][0] - 'A';
	free(s->service_names[l]);
	if (!(s->service_names[l] = strdup(v[2] ? v[2] : v[1])))
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	w->targets[ix][l] = v[3] ? atoi(v[3]) : 0;
	return MDG_OK;
}

static int64_t ms(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

static enum mdg_status on_ticket(void *ctx, int n, const char *const *v, struct mdg_err *err)
{
	struct walk *w = ctx;
	size_t ix;
	struct city_site *s = n >= 8 && v[0] ? find(w, v[0], &ix) : NULL;
	if (!s)
		return MDG_OK; /* a site without its registration row cannot be: skip it */
	if (s->n_facts == s->cap_facts) {
		size_t cap = s->cap_facts ? s->cap_facts * 2 : 1024;
		struct report_fact *f = realloc(s->facts, cap * sizeof *f);
		if (!f)
			return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		s->facts = f;
		s->cap_facts = cap;
	}
	struct report_fact *x = &s->facts[s->n_facts++];
	const char *svc = v[1] ? v[1] : "";
	x->service = svc[0] >= 'A' && svc[0] <= 'Z' ? svc[0] : 'A';
	x->issued_ms = ms(v[2]);
	x->called_ms = ms(v[3]);
	x->served_ms = ms(v[4]);
	x->ended_ms = ms(v[5]);
	int state = ticket_state_parse(v[6] ? v[6] : "");
	x->state = state < 0 ? TICKET_VOIDED : (enum ticket_state)state;
	x->counter = v[7] ? atoi(v[7]) : 0;
	if (x->counter < 0 || x->counter > 99)
		x->counter = 0;
	x->hour = bizdate_hour_of_ms(x->issued_ms);
	int t = w->targets[ix][x->service - 'A'];
	x->target_ms = (int64_t)(t ? t : 15) * 60000;
	return MDG_OK;
}

enum mdg_status city_report_facts(struct central *c, const char *from, const char *to,
				  const char *lang, struct city_site **out, size_t *n,
				  struct mdg_err *err)
{
	*out = NULL;
	*n = 0;
	if (!bizdate_valid(from) || !bizdate_valid(to))
		return mdg_err_set(err, MDG_ERR_INVALID, "dates are written YYYY-MM-DD (got '%s' and '%s')",
				   from ? from : "", to ? to : "");
	if (strcmp(from, to) > 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "the range %s..%s ends before it starts", from, to);
	char base[16];
	snprintf(base, sizeof base, "%s", lang && *lang ? lang : "ja");
	base[strcspn(base, "@_")] = '\0';
	const char *names[2] = { lang && *lang ? lang : "ja", base };
	struct walk w = { 0 };
	enum mdg_status rc = central_check_schema(c, err);
	if (!rc)
		rc = central_query(c, "SELECT site, coalesce(name->>$1, name->>$2, name->>'ja', site)"
				      " FROM madoguchi.sites ORDER BY site", 2, names, on_site, &w, err);
	if (!rc)
		rc = central_query(c, "SELECT site, letter, coalesce(name->>$1, name->>$2, name->>'ja',"
				      " letter), target_wait_min FROM madoguchi.site_services", 2, names,
				   on_service, &w, err);
	const char *range[2] = { from, to };
	if (!rc)
		rc = central_query(c, "SELECT site, service, issued_ms, called_ms, served_ms, ended_ms,"
				      " state, counter FROM madoguchi.tickets"
				      " WHERE bizdate BETWEEN $1::date AND $2::date", 2, range, on_ticket,
				   &w, err);
	for (size_t i = 0; i < w.n; i++)
		free(w.targets ? w.targets[i] : NULL);
	free(w.targets);
	if (rc) {
		city_sites_free(w.sites, w.n);
		return rc;
	}
	*out = w.sites;
	*n = w.n;
	return MDG_OK;
}

void city_sites_free(struct city_site *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].name);
		for (int l = 0; l < 26; l++)
			free(s[i].service_names[l]);
		free(s[i].facts);
	}
	free(s);
}
