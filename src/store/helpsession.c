/* SPDX-License-Identifier: MIT */
/* helpsession (store): help_sessions rows. seq is max(seq) + 1 inside the write transaction,
 * as for tickets: sessions are never deleted, so a seq is never given twice. */
#include "store/helpsession.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bizdate.h"
#include "core/ticket.h"
#include "store/audit.h"
#include "store/internal.h"

#define COLS "h.id, h.seq, h.bizdate, h.counter, h.staff, h.ticket_id, h.started_ms, h.ended_ms," \
	     " h.topics, h.channel, h.age_band, h.skill_before, h.skill_after, h.outcome," \
	     " h.follow_up, h.note, t.service, t.number"
#define FROM " FROM help_sessions h LEFT JOIN tickets t ON t.id = h.ticket_id"

/* Reads a row of COLS. Ids that are not in the taxonomy (written by something else) read as
 * not recorded, and unknown topics are dropped. */
static void read_row(sqlite3_stmt *s, struct help_session *h)
{
	char buf[HELP_TOPICS_LEN];
	helpsession_init(h);
	h->id = sqlite3_column_int64(s, 0);
	h->seq = sqlite3_column_int64(s, 1);
	store_col_text(s, 2, h->bizdate, sizeof h->bizdate);
	h->counter = sqlite3_column_int(s, 3);
	store_col_text(s, 4, h->staff, sizeof h->staff);
	h->ticket_id = sqlite3_column_int64(s, 5);
	h->started_ms = sqlite3_column_int64(s, 6);
	h->ended_ms = sqlite3_column_int64(s, 7);
	store_col_text(s, 8, buf, sizeof buf);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		int t = help_item_find(help_topics, HELP_TOPIC_COUNT, tok);
		if (t >= 0)
			h->topics |= 1u << t;
	}
	store_col_text(s, 9, buf, sizeof buf);
	int c = help_item_find(help_channels, HELP_CHANNEL_COUNT, buf);
	h->channel = c >= 0 ? c : HELP_CHANNEL_COUNTER;
	store_col_text(s, 10, buf, sizeof buf);
	int a = help_item_find(help_age_bands, HELP_AGE_COUNT, buf);
	h->age_band = a >= 0 ? a : HELP_AGE_UNKNOWN;
	h->skill_before = sqlite3_column_int(s, 11);
	h->skill_after = sqlite3_column_int(s, 12);
	store_col_text(s, 13, buf, sizeof buf);
	h->outcome = help_item_find(help_outcomes, HELP_OUTCOME_COUNT, buf);
	h->follow_up = sqlite3_column_int(s, 14) != 0;
	store_col_text(s, 15, h->note, sizeof h->note);
	if (sqlite3_column_type(s, 16) != SQLITE_NULL) {
		char svc[4];
		store_col_text(s, 16, svc, sizeof svc);
		ticket_format_number(svc, sqlite3_column_int(s, 17), h->ticket_number);
	}
}

static enum mdg_status get_row(struct store *st, int64_t id, struct help_session *out,
			       struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " COLS FROM " WHERE h.id = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		read_row(s, out);
	else if (r == SQLITE_DONE)
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no help session %" PRId64, id);
	else
		rc = store_sqlerr(st, r, err, "read help session");
	sqlite3_finalize(s);
	return rc;
}

static enum mdg_status ticket_exists(struct store *st, int64_t ticket_id, struct mdg_err *err)
{
	if (!ticket_id)
		return MDG_OK;
	int64_t n = 0;
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT count(*) FROM tickets WHERE id = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, ticket_id);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		rc = store_sqlerr(st, r, err, "find ticket");
	sqlite3_finalize(s);
	if (!rc && !n)
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no ticket with id %" PRId64, ticket_id);
	return rc;
}

static void bind_opt_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* Binds the recorded fields of h to ?1..?10 in the order of FIELDS. */
#define FIELDS "topics, channel, age_band, skill_before, skill_after, outcome, follow_up, note," \
	       " ticket_id, ended_ms"
static void bind_fields(sqlite3_stmt *s, const struct help_session *h, char topics[HELP_TOPICS_LEN])
{
	helptopics_format(h->topics, ',', topics);
	sqlite3_bind_text(s, 1, topics, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, help_channels[h->channel].id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, help_age_bands[h->age_band].id, -1, SQLITE_STATIC);
	bind_opt_int(s, 4, h->skill_before);
	bind_opt_int(s, 5, h->skill_after);
	if (h->outcome >= 0)
		sqlite3_bind_text(s, 6, help_outcomes[h->outcome].id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, h->follow_up ? 1 : 0);
	sqlite3_bind_text(s, 8, h->note, -1, SQLITE_STATIC);
	bind_opt_int(s, 9, h->ticket_id);
	bind_opt_int(s, 10, h->ended_ms);
}

static enum mdg_status audit_row(struct store *st, int64_t at_ms, const char *actor,
				 const char *action, int64_t id, struct mdg_err *err)
{
	char target[48];
	snprintf(target, sizeof target, "help_session:%" PRId64, id);
	return audit_append(st, at_ms, actor, action, target, NULL, err);
}

/* Inserts h (validated) as a new row dated bizdate with an audit row; one transaction, which
 * the caller has begun. */
static enum mdg_status insert_row(struct store *st, const struct help_session *h,
				  const char *bizdate, int64_t at_ms, const char *actor,
				  const char *action, int64_t *id, struct mdg_err *err)
{
	enum mdg_status rc = ticket_exists(st, h->ticket_id, err);
	if (rc)
		return rc;
	sqlite3_stmt *s;
	rc = store_prepare(st, "INSERT INTO help_sessions(" FIELDS ", seq, bizdate, counter, staff,"
			   " started_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			   " (SELECT coalesce(max(seq), 0) + 1 FROM help_sessions), ?11, ?12, ?13, ?14)"
			   " RETURNING id", &s, err);
	if (rc)
		return rc;
	char topics[HELP_TOPICS_LEN];
	bind_fields(s, h, topics);
	sqlite3_bind_text(s, 11, bizdate, -1, SQLITE_STATIC);
	bind_opt_int(s, 12, h->counter);
	if (h->staff[0])
		sqlite3_bind_text(s, 13, h->staff, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 14, h->started_ms);
	int r = sqlite3_step(s);
	int64_t new_id = 0;
	if (r == SQLITE_ROW)
		new_id = sqlite3_column_int64(s, 0);
	else
		rc = store_sqlerr(st, r, err, "save help session");
	sqlite3_finalize(s);
	if (!rc)
		rc = audit_row(st, at_ms, actor, action, new_id, err);
	if (!rc && id)
		*id = new_id;
	return rc;
}

static enum mdg_status need_actor(const char *actor, struct mdg_err *err)
{
	if (!actor || !*actor)
		return mdg_err_set(err, MDG_ERR_INVALID, "help session: who records it (an actor) is needed");
	return MDG_OK;
}

/* The end of every write: commit, or roll back, and say what failed. */
static enum mdg_status finish_write(struct store *st, enum mdg_status rc, struct mdg_err *err)
{
	if (!rc)
		rc = store_commit(st, err);
	else
		store_rollback(st);
	if (rc)
		mdg_err_prefix(err, "help session");
	return rc;
}

enum mdg_status helpsession_start(struct store *st, const struct help_session *draft,
				  int64_t now_ms, const char *actor, int64_t *id,
				  struct mdg_err *err)
{
	enum mdg_status rc = need_actor(actor, err);
	if (rc)
		return rc;
	struct help_session h = *draft;
	h.started_ms = now_ms > 0 ? now_ms : 1;
	h.ended_ms = 0;
	if ((rc = helpsession_validate(&h, false, err)))
		return rc;
	if ((rc = store_begin_write(st, err)))
		return rc;
	struct bizclock clock;
	rc = store_stamp(st, now_ms, &clock, err);
	if (!rc) {
		h.started_ms = clock.ms;
		rc = insert_row(st, &h, clock.date, clock.ms, actor, "session.start", id, err);
	}
	return finish_write(st, rc, err);
}

enum mdg_status helpsession_finish(struct store *st, int64_t id, const struct help_session *fields,
				   int64_t now_ms, const char *actor, struct mdg_err *err)
{
	enum mdg_status rc = need_actor(actor, err);
	if (rc)
		return rc;
	if ((rc = store_begin_write(st, err)))
		return rc;
	struct bizclock clock;
	struct help_session h;
	if ((rc = store_stamp(st, now_ms, &clock, err)) || (rc = get_row(st, id, &h, err)))
		return finish_write(st, rc, err);
	if (h.ended_ms) {
		rc = mdg_err_set(err, MDG_ERR_STATE, "session %" PRId64 " was finished already", id);
		return finish_write(st, rc, err);
	}
	h.topics = fields->topics;
	h.channel = fields->channel;
	h.age_band = fields->age_band;
	h.skill_before = fields->skill_before;
	h.skill_after = fields->skill_after;
	h.outcome = fields->outcome;
	h.follow_up = fields->follow_up;
	memcpy(h.note, fields->note, sizeof h.note);
	h.note[HELP_NOTE_MAX] = '\0';
	if (fields->ticket_id)
		h.ticket_id = fields->ticket_id;
	h.ended_ms = clock.ms > h.started_ms ? clock.ms : h.started_ms;
	if ((rc = helpsession_validate(&h, true, err)) || (rc = ticket_exists(st, h.ticket_id, err)))
		return finish_write(st, rc, err);
	sqlite3_stmt *s;
	if ((rc = store_prepare(st, "UPDATE help_sessions SET (" FIELDS ") = (?1, ?2, ?3, ?4, ?5, ?6,"
				" ?7, ?8, ?9, ?10), seq = (SELECT max(seq) + 1 FROM help_sessions)"
				" WHERE id = ?11 AND ended_ms IS NULL", &s, err)))
		return finish_write(st, rc, err);
	char topics[HELP_TOPICS_LEN];
	bind_fields(s, &h, topics);
	sqlite3_bind_int64(s, 11, id);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "finish help session");
	sqlite3_finalize(s);
	if (!rc)
		rc = audit_row(st, clock.ms, actor, "session.finish", id, err);
	return finish_write(st, rc, err);
}

enum mdg_status helpsession_record(struct store *st, const struct help_session *s, int64_t now_ms,
				   const char *actor, int64_t *id, struct mdg_err *err)
{
	enum mdg_status rc = need_actor(actor, err);
	if (!rc)
		rc = helpsession_validate(s, true, err);
	if (rc)
		return rc;
	if ((rc = store_begin_write(st, err)))
		return rc;
	struct bizclock clock;
	char bizdate[BIZDATE_LEN];
	if (!(rc = store_stamp(st, now_ms, &clock, err))) {
		if (s->ended_ms > clock.ms) {
			rc = mdg_err_set(err, MDG_ERR_INVALID, "a session recorded afterwards cannot end in"
					 " the future");
		} else {
			bizdate_of_ms(s->started_ms, bizdate);
			rc = insert_row(st, s, bizdate, clock.ms, actor, "session.record", id, err);
		}
	}
	return finish_write(st, rc, err);
}

enum mdg_status helpsession_get(struct store *st, int64_t id, struct help_session *out,
				struct mdg_err *err)
{
	return get_row(st, id, out, err);
}

enum mdg_status helpsession_list(struct store *st, const char *from, const char *to,
				 struct help_session **out, size_t *n, struct mdg_err *err)
{
	*out = NULL;
	*n = 0;
	if (!bizdate_valid(from) || !bizdate_valid(to))
		return mdg_err_set(err, MDG_ERR_INVALID, "dates are written YYYY-MM-DD (from '%s' to '%s')",
				   from ? from : "", to ? to : "");
	if (strcmp(from, to) > 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "the range starts (%s) after it ends (%s)", from,
				   to);
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " COLS FROM " WHERE h.bizdate BETWEEN ? AND ?"
					   " ORDER BY h.started_ms, h.id", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	struct help_session *v = NULL;
	size_t cap = 0, len = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct help_session *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			v = nv;
			cap = nc;
		}
		read_row(s, &v[len++]);
	}
	if (!rc && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "list help sessions");
	sqlite3_finalize(s);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return MDG_OK;
}
