/* SPDX-License-Identifier: MIT */
/* submission: sealed form values in the store. The plaintext that is sealed is compact and
 * versioned:
 *     0x01, then per field that has a value:
 *     id length (1 byte, 1..32) | id | flags (1 byte: bit 0 from the card) | value length
 *     (2 bytes, little-endian) | value (UTF-8, no NUL)
 * It is built and parsed only in locked memory. The associated data names the table, the
 * column, the site and the row id, so a sealed text is valid in exactly one row. */
#include "store/submission.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "secure/keys.h"
#include "secure/mem.h"
#include "store/audit.h"
#include "store/internal.h"

#define FORMAT_VERSION 1
#define MAX_VALUE 65535
#define HOUR_MS INT64_C(3600000)

static const char *const status_names[] = { "draft", "submitted", "printed" };
static const char *const place_names[] = { "kiosk", "counter" };

const char *submission_status_name(int status)
{
	return status >= 0 && status <= SUB_PRINTED ? status_names[status] : "?";
}

const char *submission_place_name(int place)
{
	return place >= 0 && place <= SUB_COUNTER ? place_names[place] : "?";
}

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

#define COLS "id, seq, created_ms, updated_ms, printed_ms, purge_after_ms, bizdate, form_id," \
	     " form_version, ticket_id, place, terminal, lang, key_id, status, length(sealed)," \
	     " from_card"
#define N_COLS 17

static void read_meta(sqlite3_stmt *s, struct submission *m)
{
	char buf[16];
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(s, 0);
	m->seq = sqlite3_column_int64(s, 1);
	m->created_ms = sqlite3_column_int64(s, 2);
	m->updated_ms = sqlite3_column_int64(s, 3);
	m->printed_ms = sqlite3_column_int64(s, 4);
	m->purge_after_ms = sqlite3_column_int64(s, 5);
	store_col_text(s, 6, m->bizdate, sizeof m->bizdate);
	store_col_text(s, 7, m->form_id, sizeof m->form_id);
	m->form_version = sqlite3_column_int(s, 8);
	m->ticket_id = sqlite3_column_int64(s, 9);
	store_col_text(s, 10, buf, sizeof buf);
	m->place = name_index(place_names, 2, buf);
	store_col_text(s, 11, m->terminal, sizeof m->terminal);
	store_col_text(s, 12, m->lang, sizeof m->lang);
	m->key_id = (unsigned)sqlite3_column_int(s, 13);
	store_col_text(s, 14, buf, sizeof buf);
	m->status = name_index(status_names, 3, buf);
	m->sealed_bytes = (size_t)sqlite3_column_int64(s, 15);
	store_col_text(s, 16, m->from_card, sizeof m->from_card);
}

/* The associated data of row id: "madoguchi/submissions.sealed/<site>/" and the id as 8 bytes
 * little-endian. */
static size_t make_ad(const struct store *st, int64_t id, unsigned char *ad, size_t size)
{
	int n = snprintf((char *)ad, size, "madoguchi/submissions.sealed/%s/", st->site_id);
	size_t o = (size_t)n;
	for (int i = 0; i < 8; i++)
		ad[o++] = (unsigned char)((uint64_t)id >> (8 * i));
	return o;
}

/* The next outbox seq of the table. A counter in meta rather than max(seq) + 1: a purge deletes
 * the newest rows too, and a seq given twice would hide a row from the sync. */
static enum mdg_status next_seq(struct store *st, int64_t *seq, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"INSERT INTO meta(key, value) VALUES('seq.submissions', '1') ON CONFLICT(key) DO UPDATE"
		" SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)", &s, err);
	if (rc)
		return rc;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		*seq = sqlite3_column_int64(s, 0);
	else
		rc = store_sqlerr(st, r, err, "submission seq");
	sqlite3_finalize(s);
	return rc;
}

static enum mdg_status exists(struct store *st, const char *sql, int64_t id, bool *found,
			      struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	int r = sqlite3_step(s);
	*found = r == SQLITE_ROW;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "lookup");
	sqlite3_finalize(s);
	return rc;
}

static bool lang_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 15)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '@'))
			return false;
	return true;
}

/* Checks in against its form and serialises the values into a new locked buffer (*out,
 * secure_free) of *n bytes; the card marks go to *from_card (malloc'd, free). */
static enum mdg_status serialise(const struct submission_new *in, uint8_t **out, size_t *n,
				 char **from_card, struct mdg_err *err)
{
	const struct form *f = in->form;
	const struct form_values *v = in->vals;
	size_t nf = form_field_count(f), size = 1, card_len = 1;
	*out = NULL;
	*from_card = NULL;
	if (!v || v->n != nf)
		return mdg_err_set(err, MDG_ERR_INVALID, "form %s: %zu values for %zu fields", f->id,
				   v ? v->n : 0, nf);
	for (size_t i = 0; i < nf; i++) {
		const struct form_field *x = form_field_at(f, i);
		const char *val = v->v[i];
		if (!val || !*val)
			continue;
		if (x->my_number)
			return mdg_err_set(err, MDG_ERR_INVALID,
					   "form %s: the My Number (field %s) is never stored", f->id, x->id);
		size_t idn = strlen(x->id), vn = strlen(val);
		if (idn < 1 || idn > 32)
			return mdg_err_set(err, MDG_ERR_INVALID, "form %s: bad field id", f->id);
		if (vn > MAX_VALUE)
			return mdg_err_set(err, MDG_ERR_INVALID, "form %s: the value of %s is over %d bytes",
					   f->id, x->id, MAX_VALUE);
		size += 1 + idn + 1 + 2 + vn;
		if (v->from_card[i])
			card_len += idn + 1;
	}
	uint8_t *p = secure_alloc(size, err);
	char *card = calloc(1, card_len);
	if (!p || !card) {
		secure_free(p);
		free(card);
		return mdg_err_set(err, MDG_ERR_NOMEM, "no memory to seal a form");
	}
	size_t o = 0;
	p[o++] = FORMAT_VERSION;
	for (size_t i = 0; i < nf; i++) {
		const struct form_field *x = form_field_at(f, i);
		const char *val = v->v[i];
		if (!val || !*val)
			continue;
		size_t idn = strlen(x->id), vn = strlen(val);
		p[o++] = (uint8_t)idn;
		memcpy(p + o, x->id, idn);
		o += idn;
		p[o++] = v->from_card[i] ? 1 : 0;
		p[o++] = (uint8_t)(vn & 0xff);
		p[o++] = (uint8_t)(vn >> 8);
		memcpy(p + o, val, vn);
		o += vn;
		if (v->from_card[i]) {
			if (card[0])
				strcat(card, ",");
			strcat(card, x->id);
		}
	}
	*out = p;
	*n = o;
	*from_card = card;
	return MDG_OK;
}

/* Parses plaintext p (n bytes, followed by a NUL; locked, and changed in place only for a
 * moment) into vals (initialised for f). */
static enum mdg_status parse(uint8_t *p, size_t n, const struct form *f, struct form_values *vals,
			     int *dropped, struct mdg_err *err)
{
	if (n < 1 || p[0] != FORMAT_VERSION)
		return mdg_err_set(err, MDG_ERR_CORRUPT, "sealed values: unknown format %d", n ? p[0] : -1);
	size_t o = 1;
	*dropped = 0;
	while (o < n) {
		size_t idn = p[o++];
		if (idn < 1 || idn > 32 || n - o < idn + 3)
			return mdg_err_set(err, MDG_ERR_CORRUPT, "sealed values: damaged at byte %zu", o);
		char id[33];
		memcpy(id, p + o, idn);
		id[idn] = '\0';
		o += idn;
		uint8_t flags = p[o++];
		size_t vn = (size_t)p[o] | (size_t)p[o + 1] << 8;
		o += 2;
		if (n - o < vn || (flags & ~1u) || memchr(p + o, '\0', vn))
			return mdg_err_set(err, MDG_ERR_CORRUPT, "sealed values: damaged at byte %zu", o);
		int i = form_index(f, id);
		const struct form_field *x = i >= 0 ? form_field_at(f, (size_t)i) : NULL;
		if (!x || x->my_number) {
			(*dropped)++;
		} else if (vals->v[i]) {
			return mdg_err_set(err, MDG_ERR_CORRUPT, "sealed values: field %s twice", id);
		} else {
			/* Terminate the value in place for the copy, then put the byte back. */
			uint8_t save = p[o + vn];
			p[o + vn] = '\0';
			int bad = form_values_set(vals, (size_t)i, (const char *)p + o, flags & 1);
			p[o + vn] = save;
			if (bad)
				return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		}
		o += vn;
	}
	return MDG_OK;
}

/* The values of one row on their way to being sealed: the plaintext (locked), room for the
 * sealed text, the card marks; then the nonce and key id it was sealed with. */
struct sealing {
	uint8_t *pt, *ct;
	size_t pt_len, ct_size, ct_len;
	char *from_card;
	uint8_t nonce[KEYRING_NONCE_BYTES];
	unsigned key_id;
};

/* Serialises in's values (checked against the form) and makes room for the sealed text. */
static enum mdg_status sealing_begin(const struct submission_new *in, struct sealing *sl,
				     struct mdg_err *err)
{
	memset(sl, 0, sizeof *sl);
	enum mdg_status rc = serialise(in, &sl->pt, &sl->pt_len, &sl->from_card, err);
	if (rc)
		return rc;
	sl->ct_size = keyring_sealed_size(sl->pt_len);
	if (!(sl->ct = malloc(sl->ct_size)))
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	return MDG_OK;
}

/* Seals for row id under the current key (the associated data names the row) and wipes the
 * plaintext. */
static enum mdg_status sealing_seal(const struct store *st, const struct keyring *k, int64_t id,
				    struct sealing *sl, struct mdg_err *err)
{
	unsigned char ad[128];
	size_t ad_len = make_ad(st, id, ad, sizeof ad);
	enum mdg_status rc = keyring_seal(k, ad, ad_len, sl->pt, sl->pt_len, &sl->key_id, sl->nonce,
					  sl->ct, sl->ct_size, &sl->ct_len, err);
	secure_free(sl->pt); /* wipes: the plaintext is not needed past this point */
	sl->pt = NULL;
	return rc;
}

static void sealing_end(struct sealing *sl)
{
	secure_free(sl->pt);
	free(sl->ct);
	free(sl->from_card);
	memset(sl, 0, sizeof *sl);
}

static void target_of(int64_t id, char *buf, size_t size)
{
	snprintf(buf, size, "submission:%" PRId64, id);
}

enum mdg_status submission_create(struct store *st, const struct keyring *k,
				  const struct submission_new *in, int64_t now_ms,
				  struct submission *out, struct mdg_err *err)
{
	if (!in || !in->form || !in->actor || !*in->actor)
		return mdg_err_set(err, MDG_ERR_INVALID, "a submission needs a form and an actor");
	if (!lang_ok(in->lang))
		return mdg_err_set(err, MDG_ERR_INVALID, "submission: bad language '%s'",
				   in->lang ? in->lang : "");
	if (in->place != SUB_KIOSK && in->place != SUB_COUNTER)
		return mdg_err_set(err, MDG_ERR_INVALID, "submission: place must be kiosk or counter");
	if (in->status != SUB_DRAFT && in->status != SUB_SUBMITTED)
		return mdg_err_set(err, MDG_ERR_INVALID, "submission: a new one is a draft or submitted");
	if (in->retention_hours < 1)
		return mdg_err_set(err, MDG_ERR_INVALID, "submission: retention must be at least 1 hour");
	if (in->terminal && strlen(in->terminal) > 32)
		return mdg_err_set(err, MDG_ERR_INVALID, "submission: terminal id too long");

	struct sealing sl;
	sqlite3_stmt *s = NULL;
	enum mdg_status rc = sealing_begin(in, &sl, err);
	if (rc)
		goto out;
	if ((rc = store_begin_write(st, err)))
		goto out;
	struct bizclock clock;
	if ((rc = store_stamp(st, now_ms, &clock, err)))
		goto rollback;
	if (in->ticket_id) {
		bool found;
		if ((rc = exists(st, "SELECT 1 FROM tickets WHERE id = ?", in->ticket_id, &found, err)))
			goto rollback;
		if (!found) {
			rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no ticket with id %" PRId64, in->ticket_id);
			goto rollback;
		}
	}
	/* The id is chosen before the insert because it is sealed into the row; AUTOINCREMENT keeps
	 * it from ever being given again, so an old sealed text never fits a new row. */
	int64_t id = 0, seq = 0;
	if ((rc = store_prepare(st,
		"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'submissions'), 0),"
		" coalesce((SELECT max(id) FROM submissions), 0)) + 1", &s, err)))
		goto rollback;
	int r = sqlite3_step(s);
	if (r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "submission id");
		goto rollback;
	}
	id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = sealing_seal(st, k, id, &sl, err)) || (rc = next_seq(st, &seq, err)))
		goto rollback;
	int64_t purge_after = clock.ms + (int64_t)in->retention_hours * HOUR_MS;
	if ((rc = store_prepare(st,
		"INSERT INTO submissions(id, seq, created_ms, updated_ms, bizdate, form_id, form_version,"
		" ticket_id, place, terminal, lang, key_id, nonce, sealed, from_card, status,"
		" purge_after_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING " COLS, &s, err)))
		goto rollback;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_int64(s, 3, clock.ms);
	sqlite3_bind_int64(s, 4, clock.ms);
	sqlite3_bind_text(s, 5, clock.date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in->form->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, in->form->version);
	if (in->ticket_id)
		sqlite3_bind_int64(s, 8, in->ticket_id);
	sqlite3_bind_text(s, 9, place_names[in->place], -1, SQLITE_STATIC);
	if (in->terminal)
		sqlite3_bind_text(s, 10, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, in->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 12, (int)sl.key_id);
	sqlite3_bind_blob(s, 13, sl.nonce, sizeof sl.nonce, SQLITE_STATIC);
	sqlite3_bind_blob(s, 14, sl.ct, (int)sl.ct_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, sl.from_card, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 16, status_names[in->status], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 17, purge_after);
	r = sqlite3_step(s);
	if (r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "save submission");
		goto rollback;
	}
	struct submission row;
	read_meta(s, &row);
	sqlite3_finalize(s);
	s = NULL;
	char target[48], detail[64];
	target_of(id, target, sizeof target);
	snprintf(detail, sizeof detail, "form %s v%d", in->form->id, in->form->version);
	if ((rc = audit_append(st, clock.ms, in->actor, "submission.create", target, detail, err)))
		goto rollback;
	if ((rc = store_commit(st, err)))
		goto out;
	if (out)
		*out = row;
	goto out;
rollback:
	sqlite3_finalize(s);
	s = NULL;
	store_rollback(st);
out:
	sealing_end(&sl);
	if (rc)
		mdg_err_prefix(err, "submission");
	return rc;
}

/* Reads row id's metadata inside the caller's transaction. MDG_ERR_NOT_FOUND. */
static enum mdg_status get_meta(struct store *st, int64_t id, struct submission *m,
				struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " COLS " FROM submissions WHERE id = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		read_meta(s, m);
	else if (r == SQLITE_DONE)
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no submission %" PRId64 " (purged, or never made)",
				 id);
	else
		rc = store_sqlerr(st, r, err, "read submission");
	sqlite3_finalize(s);
	return rc;
}

/* UPDATE sql (its parameters: ?1 seq, ?2 time, ?3 id, ?4 extra when it has it) on row id. */
static enum mdg_status update_row(struct store *st, const char *sql, int64_t id, int64_t t,
				  int64_t extra, struct mdg_err *err)
{
	int64_t seq;
	enum mdg_status rc = next_seq(st, &seq, err);
	if (rc)
		return rc;
	sqlite3_stmt *s;
	if ((rc = store_prepare(st, sql, &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, t);
	sqlite3_bind_int64(s, 3, id);
	if (sqlite3_bind_parameter_count(s) >= 4)
		sqlite3_bind_int64(s, 4, extra);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "update submission");
	sqlite3_finalize(s);
	return rc;
}

enum mdg_status submission_link(struct store *st, int64_t id, int64_t ticket_id,
				const char *actor, int64_t now_ms, struct mdg_err *err)
{
	if (!actor || !*actor || ticket_id < 1)
		return mdg_err_set(err, MDG_ERR_INVALID, "submission link needs an actor and a ticket");
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	struct bizclock clock;
	struct submission m;
	bool found = false;
	if ((rc = store_stamp(st, now_ms, &clock, err)) || (rc = get_meta(st, id, &m, err)))
		goto out;
	if (m.ticket_id == ticket_id)
		goto out; /* already so: nothing to record */
	if (m.ticket_id) {
		rc = mdg_err_set(err, MDG_ERR_STATE, "submission %" PRId64 " is linked to ticket %" PRId64
				 " already", id, m.ticket_id);
		goto out;
	}
	if ((rc = exists(st, "SELECT 1 FROM tickets WHERE id = ?", ticket_id, &found, err)))
		goto out;
	if (!found) {
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no ticket with id %" PRId64, ticket_id);
		goto out;
	}
	if ((rc = update_row(st, "UPDATE submissions SET seq = ?1, updated_ms = ?2, ticket_id = ?4"
				 " WHERE id = ?3", id, clock.ms, ticket_id, err)))
		goto out;
	char target[48], detail[48];
	target_of(id, target, sizeof target);
	snprintf(detail, sizeof detail, "ticket %" PRId64, ticket_id);
	rc = audit_append(st, clock.ms, actor, "submission.link", target, detail, err);
out:
	if (!rc)
		return store_commit(st, err);
	store_rollback(st);
	return rc;
}

enum mdg_status submission_mark_printed(struct store *st, int64_t id, const char *actor,
					int64_t now_ms, struct mdg_err *err)
{
	if (!actor || !*actor)
		return mdg_err_set(err, MDG_ERR_INVALID, "submission print needs an actor");
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	struct bizclock clock;
	struct submission m;
	if ((rc = store_stamp(st, now_ms, &clock, err)) || (rc = get_meta(st, id, &m, err)))
		goto out;
	if ((rc = update_row(st, "UPDATE submissions SET seq = ?1, updated_ms = ?2, printed_ms = ?2,"
				 " status = 'printed' WHERE id = ?3", id, clock.ms, 0, err)))
		goto out;
	char target[48];
	target_of(id, target, sizeof target);
	rc = audit_append(st, clock.ms, actor, "submission.print", target,
			  m.printed_ms ? "reprint" : NULL, err);
out:
	if (!rc)
		return store_commit(st, err);
	store_rollback(st);
	return rc;
}

enum mdg_status submission_update(struct store *st, const struct keyring *k, int64_t id,
				  const struct form *f, const struct form_values *vals,
				  const char *actor, int64_t now_ms, struct mdg_err *err)
{
	if (!f || !actor || !*actor)
		return mdg_err_set(err, MDG_ERR_INVALID, "a submission update needs a form and an actor");
	struct submission_new in = { .form = f, .vals = vals };
	struct sealing sl;
	sqlite3_stmt *s = NULL;
	enum mdg_status rc = sealing_begin(&in, &sl, err);
	if (rc)
		goto out;
	if ((rc = store_begin_write(st, err)))
		goto out;
	struct bizclock clock;
	struct submission m;
	if ((rc = store_stamp(st, now_ms, &clock, err)) || (rc = get_meta(st, id, &m, err)))
		goto rollback;
	if (strcmp(m.form_id, f->id) != 0) {
		rc = mdg_err_set(err, MDG_ERR_INVALID, "submission %" PRId64 " is a %s, not a %s", id,
				 m.form_id, f->id);
		goto rollback;
	}
	int64_t seq;
	if ((rc = sealing_seal(st, k, id, &sl, err)) || (rc = next_seq(st, &seq, err)) ||
	    (rc = store_prepare(st, "UPDATE submissions SET seq = ?, updated_ms = ?, form_version = ?,"
				    " key_id = ?, nonce = ?, sealed = ?, from_card = ?,"
				    " status = CASE status WHEN 'draft' THEN 'submitted' ELSE status END"
				    " WHERE id = ?", &s, err)))
		goto rollback;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, clock.ms);
	sqlite3_bind_int(s, 3, f->version);
	sqlite3_bind_int(s, 4, (int)sl.key_id);
	sqlite3_bind_blob(s, 5, sl.nonce, sizeof sl.nonce, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, sl.ct, (int)sl.ct_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, sl.from_card, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, id);
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (r != SQLITE_DONE) {
		rc = store_sqlerr(st, r, err, "update submission");
		goto rollback;
	}
	char target[48];
	target_of(id, target, sizeof target);
	if ((rc = audit_append(st, clock.ms, actor, "submission.update", target, NULL, err)))
		goto rollback;
	rc = store_commit(st, err);
	goto out;
rollback:
	sqlite3_finalize(s);
	store_rollback(st);
out:
	sealing_end(&sl);
	if (rc)
		mdg_err_prefix(err, "submission");
	return rc;
}

enum mdg_status submission_load(struct store *st, const struct keyring *k, int64_t id,
				const struct form *f, const char *actor, int64_t now_ms,
				struct submission *meta, struct form_values *vals,
				struct mdg_err *err)
{
	memset(vals, 0, sizeof *vals);
	if (!actor || !*actor)
		return mdg_err_set(err, MDG_ERR_INVALID, "opening a submission needs an actor");
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = NULL;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	struct bizclock clock;
	struct submission m;
	if ((rc = store_stamp(st, now_ms, &clock, err)))
		goto out;
	if ((rc = store_prepare(st, "SELECT " COLS ", nonce, sealed FROM submissions WHERE id = ?", &s,
				err)))
		goto out;
	sqlite3_bind_int64(s, 1, id);
	int r = sqlite3_step(s);
	if (r == SQLITE_DONE) {
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "not found (purged, or never made)");
		goto out;
	} else if (r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "read submission");
		goto out;
	}
	read_meta(s, &m);
	if (strcmp(m.form_id, f->id) != 0) {
		rc = mdg_err_set(err, MDG_ERR_INVALID, "it is of form %s, not %s", m.form_id, f->id);
		goto out;
	}
	if (sqlite3_column_bytes(s, N_COLS) != KEYRING_NONCE_BYTES) {
		rc = mdg_err_set(err, MDG_ERR_CORRUPT, "bad nonce");
		goto out;
	}
	unsigned char ad[128];
	size_t ad_len = make_ad(st, id, ad, sizeof ad);
	if ((rc = keyring_open(k, m.key_id, sqlite3_column_blob(s, N_COLS), ad, ad_len,
			       sqlite3_column_blob(s, N_COLS + 1),
			       (size_t)sqlite3_column_bytes(s, N_COLS + 1), &pt, &pt_len, err)))
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (form_values_init(vals, f) != 0) {
		rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		goto out;
	}
	if ((rc = parse(pt, pt_len, f, vals, &m.values_dropped, err)))
		goto out;
	char target[48];
	target_of(id, target, sizeof target);
	rc = audit_append(st, clock.ms, actor, "submission.view", target, NULL, err);
out:
	sqlite3_finalize(s);
	secure_free(pt);
	if (!rc)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc) {
		form_values_free(vals);
		mdg_err_prefix(err, "submission %" PRId64, id);
	} else if (meta) {
		*meta = m;
	}
	return rc;
}

enum mdg_status submission_list(struct store *st, const struct submission_filter *f,
				struct submission **out, size_t *n, struct mdg_err *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"SELECT " COLS " FROM submissions WHERE (?1 IS NULL OR bizdate = ?1)"
		" AND (?2 IS NULL OR form_id = ?2) AND (?3 = 0 OR ticket_id = ?3)"
		" ORDER BY id DESC LIMIT ?4", &s, err);
	if (rc)
		return rc;
	if (f && f->bizdate)
		sqlite3_bind_text(s, 1, f->bizdate, -1, SQLITE_STATIC);
	if (f && f->form_id)
		sqlite3_bind_text(s, 2, f->form_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, f ? f->ticket_id : 0);
	sqlite3_bind_int64(s, 4, f && f->limit ? (int64_t)f->limit : -1);
	size_t cap = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct submission *p = realloc(*out, nc * sizeof *p);
			if (!p) {
				rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			*out = p;
			cap = nc;
		}
		read_meta(s, &(*out)[(*n)++]);
	}
	if (!rc && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "list submissions");
	sqlite3_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Makes sure this connection deletes for real: secure_delete ON (1, not FAST) and temporary
 * files in memory (2). store_open sets both; a connection changed since is put right. */
static enum mdg_status ensure_real_delete(struct store *st, struct mdg_err *err)
{
	int64_t sd = -1, ts = -1;
	enum mdg_status rc = store_query_int(st, "PRAGMA secure_delete", &sd, err);
	if (!rc && sd != 1)
		rc = store_query_int(st, "PRAGMA secure_delete = ON", &sd, err);
	if (!rc)
		rc = store_query_int(st, "PRAGMA temp_store", &ts, err);
	if (!rc && ts != 2 && !(rc = store_exec(st, "PRAGMA temp_store = MEMORY", err)))
		rc = store_query_int(st, "PRAGMA temp_store", &ts, err);
	if (!rc && (sd != 1 || ts != 2))
		rc = mdg_err_set(err, MDG_ERR_DB, "cannot turn on secure_delete (%lld) and temp_store=MEMORY"
				 " (%lld)", (long long)sd, (long long)ts);
	return rc;
}

enum mdg_status submission_purge(struct store *st, int retention_hours, const char *actor,
				 int64_t now_ms, struct submission_purge_result *out,
				 struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	if (retention_hours < 1)
		return mdg_err_set(err, MDG_ERR_INVALID, "purge: retention must be at least 1 hour");
	if (!actor || !*actor)
		return mdg_err_set(err, MDG_ERR_INVALID, "purge needs an actor");
	enum mdg_status rc = ensure_real_delete(st, err);
	if (rc || (rc = store_begin_write(st, err)))
		return rc;
	sqlite3_stmt *s = NULL;
	struct bizclock clock;
	if ((rc = store_stamp(st, now_ms, &clock, err)))
		goto out;
	out->cutoff_ms = clock.ms - (int64_t)retention_hours * HOUR_MS;
	if ((rc = store_prepare(st, "DELETE FROM submissions WHERE created_ms <= ?1 OR purge_after_ms <= ?2",
				&s, err)))
		goto out;
	sqlite3_bind_int64(s, 1, out->cutoff_ms);
	sqlite3_bind_int64(s, 2, clock.ms);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE) {
		rc = store_sqlerr(st, r, err, "purge");
		goto out;
	}
	out->purged = sqlite3_changes64(st->db);
	sqlite3_finalize(s);
	s = NULL;
	if (out->purged > 0) {
		char detail[48];
		snprintf(detail, sizeof detail, "purge %" PRId64, out->purged);
		if ((rc = audit_append(st, clock.ms, actor, "submission.purge", "submissions", detail, err)))
			goto out;
	}
	if ((rc = store_prepare(st, "SELECT count(*) FROM submissions", &s, err)))
		goto out;
	if ((r = sqlite3_step(s)) == SQLITE_ROW)
		out->remaining = sqlite3_column_int64(s, 0);
	else
		rc = store_sqlerr(st, r, err, "count submissions");
out:
	sqlite3_finalize(s);
	if (!rc)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc) {
		out->purged = 0;
		return rc;
	}
	out->committed = true;
	/* The delete is committed. Now the old page images leave the WAL: TRUNCATE waits (busy
	 * handler) for readers, copies every frame into the database file and cuts the WAL to 0. */
	int log = 0, ckpt = 0;
	r = sqlite3_wal_checkpoint_v2(st->db, "main", SQLITE_CHECKPOINT_TRUNCATE, &log, &ckpt);
	if ((r & 0xff) == SQLITE_BUSY || (r == SQLITE_OK && log > 0 && ckpt < log))
		return mdg_err_set(err, MDG_ERR_BUSY,
				   "purged %" PRId64 ", but another terminal's read kept the old pages in"
				   " the WAL (%d of %d frames copied): run the purge again", out->purged,
				   ckpt, log);
	if (r != SQLITE_OK)
		return store_sqlerr(st, r, err, "checkpoint after purge");
	char wal[4096];
	struct stat sb;
	snprintf(wal, sizeof wal, "%s-wal", st->path);
	out->wal_truncated = stat(wal, &sb) != 0 || sb.st_size == 0;
	if (!out->wal_truncated)
		return mdg_err_set(err, MDG_ERR_BUSY,
				   "purged %" PRId64 ", but the WAL is still %lld bytes: run the purge again",
				   out->purged, (long long)sb.st_size);
	return MDG_OK;
}
