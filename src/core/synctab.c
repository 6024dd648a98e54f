/* SPDX-License-Identifier: MIT */
/* synctab: the descriptors of the syncable tables and the batch container. The descriptors
 * must match the store's latest migration (tests/unit/test_sync.c checks them against a fresh
 * store) and the central migrations in sync/central.c (tests/integration/sync_central.sh
 * checks those). */
#include "core/synctab.h"

#include <stdlib.h>
#include <string.h>

#define I(n, pg) { n, SYNCTAB_INT, pg }
#define T(n, pg) { n, SYNCTAB_TEXT, pg }
#define B(n) { n, SYNCTAB_BLOB, "bytea" }
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The ticket's token is left out: it is the secret half of its QR code and nothing central
 * needs it. */
static const struct synctab_col ticket_cols[] = {
	I("id", "bigint"), I("seq", "bigint"), T("bizdate", "date"), T("service", "text"),
	I("number", "integer"), T("queue", "text"), T("priority", "text"), T("lang", "text"),
	T("state", "text"), T("print_state", "text"), I("counter", "integer"), T("staff", "text"),
	I("recalls", "integer"), I("issued_ms", "bigint"), I("queue_ms", "bigint"),
	I("called_ms", "bigint"), I("served_ms", "bigint"), I("ended_ms", "bigint"),
	T("outcome", "text"),
};

static const struct synctab_col event_cols[] = {
	I("seq", "bigint"), I("ticket_id", "bigint"), T("bizdate", "date"), I("at_ms", "bigint"),
	T("type", "text"), T("service", "text"), I("counter", "integer"), T("staff", "text"),
	T("detail", "text"),
};

/* The help session's note is left out: staff write it freely, and although they are asked not
 * to (and warned by helpnote_check), a note may hold a name or a phone number. Counts, topics,
 * durations and outcomes are what the city's reports need. */
static const struct synctab_col session_cols[] = {
	I("id", "bigint"), I("seq", "bigint"), T("bizdate", "date"), I("counter", "integer"),
	T("staff", "text"), I("ticket_id", "bigint"), I("started_ms", "bigint"),
	I("ended_ms", "bigint"), T("topics", "text"), T("channel", "text"), T("age_band", "text"),
	I("skill_before", "smallint"), I("skill_after", "smallint"), T("outcome", "text"),
	I("follow_up", "smallint"),
};

static const struct synctab_col audit_cols[] = {
	I("seq", "bigint"), I("at_ms", "bigint"), T("actor", "text"), T("action", "text"),
	T("target", "text"), T("detail", "text"), B("prev_hash"), B("hash"),
};

const struct synctab synctab_all[] = {
	{ "tickets", SYNCTAB_LATEST, "id", ticket_cols, N_OF(ticket_cols), 1 },
	{ "ticket_events", SYNCTAB_APPEND, NULL, event_cols, N_OF(event_cols), 0 },
	{ "help_sessions", SYNCTAB_LATEST, "id", session_cols, N_OF(session_cols), 1 },
	{ "audit", SYNCTAB_APPEND, NULL, audit_cols, N_OF(audit_cols), 0 },
};
const size_t synctab_count = N_OF(synctab_all);

const struct synctab *synctab_find(const char *name)
{
	for (size_t i = 0; name && i < synctab_count; i++)
		if (strcmp(synctab_all[i].name, name) == 0)
			return &synctab_all[i];
	return NULL;
}

int synctab_col_index(const struct synctab *t, const char *name)
{
	for (size_t i = 0; t && name && i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

void syncbatch_reset(struct syncbatch *b, const struct synctab *tab)
{
	b->tab = tab;
	b->n_rows = 0;
	b->arena_len = 0;
	b->first_seq = b->last_seq = 0;
}

struct syncval *syncbatch_add_row(struct syncbatch *b)
{
	size_t nc = b->tab->n_cols;
	if ((b->n_rows + 1) * nc > b->cap_vals) {
		size_t cap = b->cap_vals ? b->cap_vals * 2 : 256 * nc;
		while (cap < (b->n_rows + 1) * nc)
			cap *= 2;
		struct syncval *v = realloc(b->vals, cap * sizeof *v);
		if (!v)
			return NULL;
		b->vals = v;
		b->cap_vals = cap;
	}
	struct syncval *row = &b->vals[b->n_rows * nc];
	for (size_t i = 0; i < nc; i++)
		row[i] = (struct syncval){ .null = true };
	b->n_rows++;
	return row;
}

enum mdg_status syncbatch_put_bytes(struct syncbatch *b, struct syncval *v, const void *p,
				    size_t n)
{
	if (n > b->arena_cap - b->arena_len) {
		size_t cap = b->arena_cap ? b->arena_cap : 64 * 1024;
		while (n > cap - b->arena_len)
			cap *= 2;
		char *a = realloc(b->arena, cap);
		if (!a)
			return MDG_ERR_NOMEM;
		b->arena = a;
		b->arena_cap = cap;
	}
	if (n)
		memcpy(b->arena + b->arena_len, p, n);
	v->off = b->arena_len;
	v->len = n;
	v->null = false;
	b->arena_len += n;
	return MDG_OK;
}

const struct syncval *syncbatch_row(const struct syncbatch *b, size_t r)
{
	return &b->vals[r * b->tab->n_cols];
}

const char *syncbatch_bytes(const struct syncbatch *b, const struct syncval *v)
{
	return b->arena ? b->arena + v->off : "";
}

void syncbatch_free(struct syncbatch *b)
{
	if (!b)
		return;
	free(b->vals);
	free(b->arena);
	memset(b, 0, sizeof *b);
}
