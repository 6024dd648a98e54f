/* SPDX-License-Identifier: MIT */
/* queue: issue, call, recall, no-show, hold, transfer, finish, cancel, void; status snapshots and
 * report facts. Each write is one BEGIN IMMEDIATE transaction: stamp the clock, read, decide
 * (core), write the ticket row and its event row, commit. */
#include "store/queue.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/log.h"
#include "core/policy.h"
#include "core/stats.h"
#include "secure/hash.h"
#include "store/audit.h"
#include "store/internal.h"
#include "store/store.h"

#define TICKET_COLS                                                                         \
	"id, seq, token, bizdate, service, number, queue, priority, lang, state, print_state, " \
	"counter, staff, recalls, issued_ms, queue_ms, called_ms, served_ms, ended_ms, outcome"

/* Counters that called in the last hour count as serving a queue. */
#define ACTIVE_WINDOW_MS (60 * 60 * 1000)

static void read_ticket(sqlite3_stmt *s, struct ticket *t)
{
	char buf[32];
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(s, 0);
	t->seq = sqlite3_column_int64(s, 1);
	store_col_text(s, 2, t->token, sizeof t->token);
	store_col_text(s, 3, t->bizdate, sizeof t->bizdate);
	store_col_text(s, 4, t->service, sizeof t->service);
	t->number = sqlite3_column_int(s, 5);
	store_col_text(s, 6, t->queue, sizeof t->queue);
	store_col_text(s, 7, buf, sizeof buf);
	int p = ticket_priority_parse(buf);
	t->priority = p < 0 ? PRIO_NONE : (enum ticket_priority)p;
	store_col_text(s, 8, t->lang, sizeof t->lang);
	store_col_text(s, 9, buf, sizeof buf);
	int st = ticket_state_parse(buf);
	t->state = st < 0 ? TICKET_VOIDED : (enum ticket_state)st;
	store_col_text(s, 10, buf, sizeof buf);
	t->printed = strcmp(buf, "printed") == 0;
	t->counter = sqlite3_column_int(s, 11);
	store_col_text(s, 12, t->staff, sizeof t->staff);
	t->recalls = sqlite3_column_int(s, 13);
	t->issued_ms = sqlite3_column_int64(s, 14);
	t->queue_ms = sqlite3_column_int64(s, 15);
	t->called_ms = sqlite3_column_int64(s, 16);
	t->served_ms = sqlite3_column_int64(s, 17);
	t->ended_ms = sqlite3_column_int64(s, 18);
	store_col_text(s, 19, t->outcome, sizeof t->outcome);
}

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void bind_opt_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* Runs a one-row integer query with up to three text binds and one integer bind; *out = 0 when
 * no row. */
static enum mdg_status query_int(struct store *st, const char *sql, const char *a, const char *b,
				 int64_t c, int64_t *out, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	int np = sqlite3_bind_parameter_count(s);
	if (np >= 1)
		sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	if (np >= 2)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	if (np >= 3)
		sqlite3_bind_int64(s, 3, c);
	int r = sqlite3_step(s);
	*out = 0;
	if (r == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "query");
	sqlite3_finalize(s);
	return rc;
}

static enum mdg_status add_event(struct store *st, const struct ticket *t, enum ticket_event type,
				 int64_t at_ms, const char *detail, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"INSERT INTO ticket_events(ticket_id, bizdate, at_ms, type, service, counter, staff, detail)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, t->bizdate, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, at_ms);
	sqlite3_bind_text(s, 4, ticket_event_name(type), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, t->queue, -1, SQLITE_STATIC);
	bind_opt_int(s, 6, t->counter);
	bind_opt_text(s, 7, t->staff);
	bind_opt_text(s, 8, detail);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "record event");
	sqlite3_finalize(s);
	return rc;
}

/* Writes the mutable columns of t and gives the row a new outbox seq. */
static enum mdg_status write_ticket(struct store *st, struct ticket *t, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"UPDATE tickets SET seq = (SELECT max(seq) + 1 FROM tickets), queue = ?, state = ?,"
		" print_state = CASE WHEN ? = 'voided' THEN 'voided' ELSE print_state END,"
		" counter = ?, staff = ?, recalls = ?, called_ms = ?, served_ms = ?, ended_ms = ?,"
		" outcome = ? WHERE id = ? RETURNING seq", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, t->queue, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ticket_state_name(t->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ticket_state_name(t->state), -1, SQLITE_STATIC);
	bind_opt_int(s, 4, t->counter);
	bind_opt_text(s, 5, t->staff);
	sqlite3_bind_int(s, 6, t->recalls);
	bind_opt_int(s, 7, t->called_ms);
	bind_opt_int(s, 8, t->served_ms);
	bind_opt_int(s, 9, t->ended_ms);
	bind_opt_text(s, 10, t->outcome);
	sqlite3_bind_int64(s, 11, t->id);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		t->seq = sqlite3_column_int64(s, 0);
	else
		rc = store_sqlerr(st, r, err, "update ticket");
	sqlite3_finalize(s);
	return rc;
}

static enum mdg_status find_ticket(struct store *st, const char *bizdate, const char *letter,
				   int number, struct ticket *t, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " TICKET_COLS " FROM tickets"
					       " WHERE bizdate = ? AND service = ? AND number = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, bizdate, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, letter, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, number);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		read_ticket(s, t);
	} else if (r == SQLITE_DONE) {
		char num[8];
		ticket_format_number(letter, number, num);
		rc = mdg_err_set(err, MDG_ERR_NOT_FOUND, "no ticket %s on %s", num, bizdate);
	} else {
		rc = store_sqlerr(st, r, err, "find ticket");
	}
	sqlite3_finalize(s);
	return rc;
}

/* The configured counters serving a service; at least 1. */
static int configured_counters(const struct mdg_service *svc)
{
	return svc->n_counters ? (int)svc->n_counters : 1;
}

/* ETA for a ticket of queue `letter`: people ahead are given by the caller. */
static enum mdg_status fill_eta(struct store *st, const struct mdg_config *cfg,
				const struct mdg_service *svc, int64_t now_ms, int ahead,
				struct queue_eta *eta, struct mdg_err *err)
{
	int64_t active;
	enum mdg_status rc = query_int(st,
		"SELECT count(DISTINCT counter) FROM ticket_events"
		" WHERE type = 'called' AND service = ?1 AND at_ms >= ?3",
		svc->letter, "", now_ms - ACTIVE_WINDOW_MS, &active, err);
	if (rc)
		return rc;
	sqlite3_stmt *s;
	rc = store_prepare(st, "SELECT ended_ms - served_ms FROM tickets"
			       " WHERE queue = ? AND state = 'finished' ORDER BY ended_ms DESC LIMIT ?",
			   &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, svc->letter, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, cfg->eta_window > 0 ? cfg->eta_window : 20);
	double samples[500];
	size_t n = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW && n < sizeof samples / sizeof samples[0])
		samples[n++] = (double)sqlite3_column_int64(s, 0) / 60000.0;
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		rc = store_sqlerr(st, r, err, "service times");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	struct stats_summary sum;
	stats_summarise(samples, n, &sum);
	eta->ahead = ahead;
	eta->counters = active > 0 ? (int)active : configured_counters(svc);
	eta->median_service_min = n ? sum.median : svc->default_service_min;
	eta->eta_min = policy_eta_min(ahead, eta->counters, eta->median_service_min);
	return MDG_OK;
}

/* People ahead of a ticket of queue `letter` with the given priority and queue time, from the
 * waiting counts: normal tickets see priority ones interleave 1 per N; priority tickets see the
 * normal ones called before their turn. */
static enum mdg_status people_ahead(struct store *st, const struct mdg_config *cfg,
				    const char *bizdate, const char *letter, bool priority,
				    int64_t queue_ms, int64_t exclude_id, int *ahead,
				    struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"SELECT coalesce(sum(priority IS NULL AND queue_ms <= ?3), 0),"
		"       coalesce(sum(priority IS NOT NULL AND queue_ms <= ?3), 0),"
		"       coalesce(sum(priority IS NULL), 0),"
		"       (SELECT coalesce(max(normals_since_priority), 0) FROM day_state WHERE bizdate = ?1)"
		" FROM tickets WHERE bizdate = ?1 AND state = 'waiting' AND queue = ?2 AND id <> ?4",
		&s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, bizdate, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, letter, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, queue_ms);
	sqlite3_bind_int64(s, 4, exclude_id);
	int r = sqlite3_step(s);
	if (r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "count waiting");
		sqlite3_finalize(s);
		return rc;
	}
	int normal_before = sqlite3_column_int(s, 0), prio_before = sqlite3_column_int(s, 1);
	int normal_all = sqlite3_column_int(s, 2), nsp = sqlite3_column_int(s, 3);
	sqlite3_finalize(s);
	int n = cfg->priority_interleave > 0 ? cfg->priority_interleave : 1;
	if (priority) {
		int first_gap = n - nsp > 0 ? n - nsp : 0;
		int normals = first_gap + n * prio_before;
		*ahead = prio_before + (normals < normal_all ? normals : normal_all);
	} else {
		int prios = (nsp + normal_before) / n;
		*ahead = normal_before + (prios < prio_before ? prios : prio_before);
	}
	return MDG_OK;
}

static void random_token(char out[TICKET_TOKEN_LEN])
{
	unsigned char b[8];
	secure_random(b, sizeof b);
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

enum mdg_status queue_issue(struct store *st, const struct mdg_config *cfg, const char *service,
			    enum ticket_priority prio, const char *lang, int64_t now_ms,
			    struct ticket *out, struct queue_eta *eta, struct mdg_err *err)
{
	const struct mdg_service *svc = service ? config_service(cfg, service) : NULL;
	if (!svc)
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown service '%s'", service ? service : "");
	if (!lang || !*lang)
		lang = cfg->default_language;
	if (!i18n_lang_valid(lang))
		return mdg_err_set(err, MDG_ERR_INVALID, "'%s' is not a language code", lang);
	if ((unsigned)prio >= PRIO_COUNT)
		return mdg_err_set(err, MDG_ERR_INVALID, "unknown priority reason");

	struct ticket t = { 0 };
	struct bizclock clock;
	sqlite3_stmt *s = NULL;
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = store_stamp(st, now_ms, &clock, err);
	if (rc)
		goto out;
	rc = store_prepare(st,
		"INSERT INTO day_counters(bizdate, service, last_number) VALUES(?, ?, 1)"
		" ON CONFLICT(bizdate, service) DO UPDATE SET last_number = last_number + 1"
		" RETURNING last_number", &s, err);
	if (rc)
		goto out;
	sqlite3_bind_text(s, 1, clock.date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, svc->letter, -1, SQLITE_STATIC);
	int r = sqlite3_step(s);
	if (r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "number the ticket");
		goto out;
	}
	t.number = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (t.number > TICKET_MAX_NUMBER) {
		rc = mdg_err_set(err, MDG_ERR_STATE, "service %s has used all %d numbers of %s",
				 svc->letter, TICKET_MAX_NUMBER, clock.date);
		goto out;
	}
	memcpy(t.bizdate, clock.date, sizeof t.bizdate);
	memcpy(t.service, svc->letter, 2);
	memcpy(t.queue, svc->letter, 2);
	t.priority = prio;
	snprintf(t.lang, sizeof t.lang, "%s", lang);
	t.state = TICKET_WAITING;
	t.issued_ms = t.queue_ms = clock.ms;
	random_token(t.token);
	rc = store_prepare(st,
		"INSERT INTO tickets(seq, token, bizdate, service, number, queue, priority, lang, state,"
		" issued_ms, queue_ms) VALUES((SELECT coalesce(max(seq), 0) + 1 FROM tickets),"
		" ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING id, seq", &s, err);
	if (rc)
		goto out;
	sqlite3_bind_text(s, 1, t.token, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, t.bizdate, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, t.service, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, t.number);
	sqlite3_bind_text(s, 5, t.queue, -1, SQLITE_STATIC);
	bind_opt_text(s, 6, ticket_priority_name(prio));
	sqlite3_bind_text(s, 7, t.lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, t.issued_ms);
	sqlite3_bind_int64(s, 9, t.queue_ms);
	r = sqlite3_step(s);
	if (r != SQLITE_ROW) {
		rc = store_sqlerr(st, r, err, "issue ticket");
		goto out;
	}
	t.id = sqlite3_column_int64(s, 0);
	t.seq = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	s = NULL;
	rc = add_event(st, &t, TEV_ISSUED, clock.ms, ticket_priority_name(prio), err);
	if (rc)
		goto out;
	if (eta) {
		int ahead;
		rc = people_ahead(st, cfg, t.bizdate, t.queue, prio != PRIO_NONE, t.queue_ms, t.id,
				  &ahead, err);
		if (!rc)
			rc = fill_eta(st, cfg, svc, clock.ms, ahead, eta, err);
		if (rc)
			goto out;
	}
	rc = store_commit(st, err);
	if (!rc)
		*out = t;
	return rc;
out:
	sqlite3_finalize(s);
	store_rollback(st);
	return rc;
}

/* Finishes whatever the counter still has called, so that "next" is one key for the clerk. */
static enum mdg_status close_counter(struct store *st, int counter, const char *bizdate,
				     const char *staff, int64_t now_ms, struct mdg_err *err)
{
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st, "SELECT " TICKET_COLS " FROM tickets"
					       " WHERE bizdate = ? AND state = 'called' AND counter = ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, bizdate, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, counter);
	struct ticket open[8];
	size_t n = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW && n < 8)
		read_ticket(s, &open[n++]);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return store_sqlerr(st, r, err, "counter tickets");
	for (size_t i = 0; i < n && !rc; i++) {
		open[i].state = TICKET_FINISHED;
		open[i].ended_ms = now_ms;
		snprintf(open[i].outcome, sizeof open[i].outcome, "next");
		if (staff)
			snprintf(open[i].staff, sizeof open[i].staff, "%s", staff);
		rc = write_ticket(st, &open[i], err);
		if (!rc)
			rc = add_event(st, &open[i], TEV_FINISHED, now_ms, "next", err);
	}
	return rc;
}

/* Marks t called at counter now; counts it for the priority interleave when it is a first call. */
static enum mdg_status do_call(struct store *st, struct ticket *t, int counter, const char *staff,
			       int64_t now_ms, struct mdg_err *err)
{
	bool first = t->called_ms == 0;
	t->state = TICKET_CALLED;
	t->counter = counter;
	snprintf(t->staff, sizeof t->staff, "%s", staff ? staff : "");
	if (first)
		t->called_ms = now_ms;
	t->served_ms = now_ms;
	enum mdg_status rc = write_ticket(st, t, err);
	if (!rc)
		rc = add_event(st, t, TEV_CALLED, now_ms, NULL, err);
	if (rc || !first)
		return rc;
	sqlite3_stmt *s;
	rc = store_prepare(st,
		"INSERT INTO day_state(bizdate, normals_since_priority) VALUES(?1, ?2)"
		" ON CONFLICT(bizdate) DO UPDATE SET normals_since_priority ="
		"   CASE WHEN ?2 = 0 THEN 0 ELSE normals_since_priority + 1 END", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, t->bizdate, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, t->priority == PRIO_NONE ? 1 : 0);
	int r = sqlite3_step(s);
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "interleave state");
	sqlite3_finalize(s);
	return rc;
}

enum mdg_status queue_call_next(struct store *st, const struct mdg_config *cfg, int counter,
				const char *staff, int64_t now_ms, struct ticket *out,
				struct mdg_err *err)
{
	const struct mdg_counter *ctr = config_counter(cfg, counter);
	if (!ctr)
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown counter %d", counter);
	if (ctr->n_services == 0)
		return mdg_err_set(err, MDG_ERR_EMPTY, "counter %d serves no service", counter);

	struct bizclock clock;
	sqlite3_stmt *s = NULL;
	struct ticket *cand = NULL;
	struct policy_candidate *pc = NULL;
	size_t n = 0, cap = 0;
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = store_stamp(st, now_ms, &clock, err);
	if (rc)
		goto out;
	rc = store_prepare(st, "SELECT " TICKET_COLS " FROM tickets"
			       " WHERE bizdate = ? AND state = 'waiting' AND queue = ?", &s, err);
	if (rc)
		goto out;
	for (size_t k = 0; k < ctr->n_services; k++) {
		const struct mdg_service *svc = config_service(cfg, ctr->services[k]);
		if (!svc)
			continue;
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, clock.date, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, svc->letter, -1, SQLITE_STATIC);
		int r;
		while ((r = sqlite3_step(s)) == SQLITE_ROW) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct ticket *nt = realloc(cand, ncap * sizeof *nt);
				struct policy_candidate *np = nt ? realloc(pc, ncap * sizeof *np) : NULL;
				if (nt)
					cand = nt;
				if (!nt || !np) {
					rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
					goto out;
				}
				pc = np;
				cap = ncap;
			}
			read_ticket(s, &cand[n]);
			pc[n] = (struct policy_candidate){
				.queue_ms = cand[n].queue_ms,
				.target_ms = (int64_t)svc->target_wait_min * 60000,
				.rank = (int)k,
				.number = cand[n].number,
				.priority = cand[n].priority != PRIO_NONE,
			};
			n++;
		}
		if (r != SQLITE_DONE) {
			rc = store_sqlerr(st, r, err, "waiting tickets");
			goto out;
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	int64_t nsp;
	rc = query_int(st, "SELECT normals_since_priority FROM day_state WHERE bizdate = ?1",
		       clock.date, "", 0, &nsp, err);
	if (rc)
		goto out;
	struct policy_params pp = { cfg->priority_interleave, cfg->overdue_percent };
	int pick = policy_pick(pc, n, clock.ms, (int)nsp, &pp);
	if (pick < 0) {
		rc = mdg_err_set(err, MDG_ERR_EMPTY, "nobody is waiting for counter %d", counter);
		goto out;
	}
	rc = close_counter(st, counter, clock.date, staff, clock.ms, err);
	if (!rc)
		rc = do_call(st, &cand[pick], counter, staff, clock.ms, err);
	if (!rc)
		rc = store_commit(st, err);
	if (!rc)
		*out = cand[pick];
	free(cand);
	free(pc);
	return rc;
out:
	sqlite3_finalize(s);
	store_rollback(st);
	free(cand);
	free(pc);
	return rc;
}

enum mdg_status queue_apply(struct store *st, const struct mdg_config *cfg,
			    const struct queue_action *a, int64_t now_ms, struct ticket *out,
			    struct mdg_err *err)
{
	char letter[2];
	int number;
	if (!a->number || !ticket_parse_number(a->number, letter, &number))
		return mdg_err_set(err, MDG_ERR_INVALID, "'%s' is not a ticket number (like A-042)",
				   a->number ? a->number : "");
	if (!config_service(cfg, letter))
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown service '%s' in %s", letter, a->number);
	if (a->op == TICKET_OP_CALL && !config_counter(cfg, a->counter))
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown counter %d", a->counter);
	const struct mdg_service *to = NULL;
	if (a->op == TICKET_OP_TRANSFER) {
		to = a->to_service ? config_service(cfg, a->to_service) : NULL;
		if (!to)
			return mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown service '%s' to transfer to",
					   a->to_service ? a->to_service : "");
	}

	struct ticket t;
	struct bizclock clock;
	char num[8], detail[64] = "";
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = store_stamp(st, now_ms, &clock, err);
	if (!rc)
		rc = find_ticket(st, clock.date, letter, number, &t, err);
	if (rc)
		goto out;
	ticket_format_number(t.service, t.number, num);
	if (!ticket_op_allowed(a->op, t.state)) {
		rc = mdg_err_set(err, MDG_ERR_STATE, "cannot %s %s: it is %s", ticket_op_name(a->op),
				 num, ticket_state_name(t.state));
		goto out;
	}
	if (a->staff)
		snprintf(t.staff, sizeof t.staff, "%s", a->staff);
	enum ticket_event ev;
	switch (a->op) {
	case TICKET_OP_CALL:
		rc = close_counter(st, a->counter, clock.date, a->staff, clock.ms, err);
		if (!rc)
			rc = do_call(st, &t, a->counter, a->staff, clock.ms, err);
		goto done;
	case TICKET_OP_RECALL:
		t.recalls++;
		t.served_ms = clock.ms;
		ev = TEV_RECALLED;
		snprintf(detail, sizeof detail, "%d", t.recalls);
		break;
	case TICKET_OP_NO_SHOW:
		if (t.recalls < cfg->noshow_after_recalls) {
			rc = mdg_err_set(err, MDG_ERR_STATE,
					 "recall %s first: %d of %d recalls before a no-show", num,
					 t.recalls, cfg->noshow_after_recalls);
			goto out;
		}
		t.state = TICKET_NO_SHOW;
		t.ended_ms = clock.ms;
		ev = TEV_NO_SHOW;
		break;
	case TICKET_OP_HOLD:
		t.state = TICKET_HELD;
		ev = TEV_HELD;
		break;
	case TICKET_OP_TRANSFER:
		if (strcmp(t.queue, to->letter) == 0) {
			rc = mdg_err_set(err, MDG_ERR_STATE, "%s is already in queue %s", num, to->letter);
			goto out;
		}
		snprintf(detail, sizeof detail, "%s>%s", t.queue, to->letter);
		memcpy(t.queue, to->letter, 2);
		t.state = TICKET_WAITING;  /* keeps queue_ms: the original issue time orders it */
		t.counter = 0;
		ev = TEV_TRANSFERRED;
		break;
	case TICKET_OP_FINISH:
		t.state = TICKET_FINISHED;
		t.ended_ms = clock.ms;
		snprintf(t.outcome, sizeof t.outcome, "%s", a->outcome ? a->outcome : "");
		ev = TEV_FINISHED;
		break;
	case TICKET_OP_CANCEL:
		t.state = TICKET_CANCELLED;
		t.ended_ms = clock.ms;
		snprintf(detail, sizeof detail, "%s", a->reason ? a->reason : "walked out");
		ev = TEV_CANCELLED;
		break;
	case TICKET_OP_VOID:
		t.state = TICKET_VOIDED;
		t.ended_ms = clock.ms;
		snprintf(detail, sizeof detail, "%s", a->reason ? a->reason : "");
		ev = TEV_VOIDED;
		rc = audit_append(st, clock.ms, a->staff && *a->staff ? a->staff : "system",
				  "ticket.void", num, detail, err);
		if (rc)
			goto out;
		break;
	default:
		rc = mdg_err_set(err, MDG_ERR_INVALID, "unknown operation");
		goto out;
	}
	rc = write_ticket(st, &t, err);
	if (!rc)
		rc = add_event(st, &t, ev, clock.ms, detail[0] ? detail : NULL, err);
done:
	if (!rc)
		rc = store_commit(st, err);
	if (rc)
		goto out;
	*out = t;
	return MDG_OK;
out:
	store_rollback(st);
	return rc;
}

enum mdg_status queue_find(struct store *st, const char *number, const char *bizdate,
			   int64_t now_ms, struct ticket *out, struct mdg_err *err)
{
	char letter[2], today[11];
	int n;
	if (!number || !ticket_parse_number(number, letter, &n))
		return mdg_err_set(err, MDG_ERR_INVALID, "'%s' is not a ticket number (like A-042)",
				   number ? number : "");
	if (!bizdate) {
		enum mdg_status rc = store_today(st, now_ms, today, err);
		if (rc)
			return rc;
		bizdate = today;
	}
	return find_ticket(st, bizdate, letter, n, out, err);
}

enum mdg_status queue_verify_code(struct store *st, const char *site_id, ticketcode_mac_fn mac,
				  void *mac_ctx, const char *payload, int64_t now_ms,
				  enum ticketcode_verdict *verdict, struct ticket *out,
				  struct mdg_err *err)
{
	struct ticketcode c;
	char today[11];
	*verdict = ticketcode_parse(payload, mac, mac_ctx, secure_equal, &c);
	if (*verdict != TC_VALID)
		return MDG_OK;
	enum mdg_status rc = store_today(st, now_ms, today, err);
	if (rc)
		return rc;
	*verdict = ticketcode_check_context(&c, site_id, today);
	if (*verdict != TC_VALID)
		return MDG_OK;
	int64_t last;
	rc = query_int(st, "SELECT last_number FROM day_counters WHERE bizdate = ?1 AND service = ?2",
		       c.bizdate, c.service, 0, &last, err);
	if (rc)
		return rc;
	if (c.number > last) {
		*verdict = TC_BEYOND_COUNTER;
		return MDG_OK;
	}
	struct ticket t;
	struct mdg_err ignored;
	rc = find_ticket(st, c.bizdate, c.service, c.number, &t, &ignored);
	if (rc == MDG_ERR_NOT_FOUND || (!rc && strncmp(t.token, c.token, TICKETCODE_TOKEN_LEN) != 0)) {
		*verdict = TC_NOT_FOUND;
		return MDG_OK;
	}
	if (rc)
		return mdg_err_set(err, rc, "%s", ignored.msg);
	*out = t;
	return MDG_OK;
}

enum mdg_status queue_mark_printed(struct store *st, const char *number, const char *bizdate,
				   int64_t now_ms, struct ticket *out, struct mdg_err *err)
{
	char letter[2];
	int n;
	if (!number || !ticket_parse_number(number, letter, &n))
		return mdg_err_set(err, MDG_ERR_INVALID, "'%s' is not a ticket number (like A-042)",
				   number ? number : "");
	struct bizclock clock;
	struct ticket t;
	sqlite3_stmt *s = NULL;
	enum mdg_status rc = store_begin_write(st, err);
	if (rc)
		return rc;
	rc = store_stamp(st, now_ms, &clock, err);
	if (!rc)
		rc = find_ticket(st, bizdate ? bizdate : clock.date, letter, n, &t, err);
	if (!rc && t.state == TICKET_VOIDED)
		rc = mdg_err_set(err, MDG_ERR_STATE, "%s was voided; it is not printed again", number);
	if (!rc)
		rc = store_prepare(st, "UPDATE tickets SET print_state = 'printed',"
				       " seq = (SELECT max(seq) + 1 FROM tickets) WHERE id = ? RETURNING seq",
				   &s, err);
	if (!rc) {
		sqlite3_bind_int64(s, 1, t.id);
		int r = sqlite3_step(s);
		if (r == SQLITE_ROW)
			t.seq = sqlite3_column_int64(s, 0);
		else
			rc = store_sqlerr(st, r, err, "mark printed");
	}
	sqlite3_finalize(s);
	if (!rc)
		rc = add_event(st, &t, TEV_PRINTED, clock.ms, t.printed ? "reprint" : NULL, err);
	if (!rc)
		rc = store_commit(st, err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	t.printed = true;
	*out = t;
	return MDG_OK;
}

enum mdg_status queue_unprinted(struct store *st, int64_t now_ms, struct ticket **out, size_t *n,
				struct mdg_err *err)
{
	char today[11];
	*out = NULL;
	*n = 0;
	enum mdg_status rc = store_today(st, now_ms, today, err);
	if (rc)
		return rc;
	sqlite3_stmt *s;
	rc = store_prepare(st, "SELECT " TICKET_COLS " FROM tickets WHERE bizdate = ?"
			       " AND print_state = 'issued' AND state <> 'voided' ORDER BY service, number",
			   &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, today, -1, SQLITE_STATIC);
	size_t cap = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct ticket *nt = realloc(*out, cap * sizeof *nt);
			if (!nt) {
				rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			*out = nt;
		}
		read_ticket(s, &(*out)[(*n)++]);
	}
	if (!rc && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "unprinted tickets");
	sqlite3_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

enum mdg_status queue_ticket_eta(struct store *st, const struct mdg_config *cfg,
				 const struct ticket *t, int64_t now_ms, struct queue_eta *eta,
				 struct mdg_err *err)
{
	const struct mdg_service *svc = config_service(cfg, t->queue);
	if (!svc)
		return mdg_err_set(err, MDG_ERR_NOT_FOUND, "unknown service '%s'", t->queue);
	int ahead = 0;
	enum mdg_status rc = MDG_OK;
	if (t->state == TICKET_WAITING)
		rc = people_ahead(st, cfg, t->bizdate, t->queue, t->priority != PRIO_NONE, t->queue_ms,
				  t->id, &ahead, err);
	if (!rc)
		rc = fill_eta(st, cfg, svc, now_ms, ahead, eta, err);
	return rc;
}

void queue_status_free(struct queue_status *s)
{
	if (!s)
		return;
	free(s->services);
	free(s->open);
	s->services = NULL;
	s->open = NULL;
	s->n_services = s->n_open = 0;
}

enum mdg_status queue_status(struct store *st, const struct mdg_config *cfg, int64_t now_ms,
			     struct queue_status *out, struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	out->now_ms = now_ms;
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	enum mdg_status rc = store_exec(st, "BEGIN", err); /* one consistent snapshot */
	if (rc)
		return rc;
	rc = store_today(st, now_ms, out->bizdate, err);
	if (rc)
		goto out;
	out->services = calloc(cfg->n_services ? cfg->n_services : 1, sizeof *out->services);
	if (!out->services) {
		rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
		goto out;
	}
	out->n_services = cfg->n_services;
	for (size_t i = 0; i < cfg->n_services; i++) {
		struct queue_service_status *q = &out->services[i];
		const struct mdg_service *svc = &cfg->services[i];
		memcpy(q->letter, svc->letter, 2);
		rc = store_prepare(st,
			"SELECT coalesce(sum(state = 'waiting'), 0),"
			"  coalesce(sum(state = 'waiting' AND priority IS NOT NULL), 0),"
			"  coalesce(sum(state = 'held'), 0), coalesce(sum(state = 'called'), 0),"
			"  min(CASE WHEN state = 'waiting' THEN queue_ms END),"
			"  min(CASE WHEN state = 'waiting' AND priority IS NOT NULL THEN queue_ms END),"
			"  (SELECT coalesce(max(last_number), 0) FROM day_counters WHERE bizdate = ?1 AND service = ?2)"
			" FROM tickets WHERE bizdate = ?1 AND queue = ?2 AND state IN ('waiting','held','called')",
			&s, err);
		if (rc)
			goto out;
		sqlite3_bind_text(s, 1, out->bizdate, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, svc->letter, -1, SQLITE_STATIC);
		int r = sqlite3_step(s);
		if (r != SQLITE_ROW) {
			rc = store_sqlerr(st, r, err, "queue status");
			goto out;
		}
		q->waiting = sqlite3_column_int(s, 0);
		q->priority_waiting = sqlite3_column_int(s, 1);
		q->held = sqlite3_column_int(s, 2);
		q->called = sqlite3_column_int(s, 3);
		if (sqlite3_column_type(s, 4) != SQLITE_NULL)
			q->longest_wait_ms = now_ms - sqlite3_column_int64(s, 4);
		if (sqlite3_column_type(s, 5) != SQLITE_NULL)
			q->longest_priority_wait_ms = now_ms - sqlite3_column_int64(s, 5);
		if (q->longest_wait_ms < 0)
			q->longest_wait_ms = 0;
		if (q->longest_priority_wait_ms < 0)
			q->longest_priority_wait_ms = 0;
		q->issued_today = sqlite3_column_int(s, 6);
		sqlite3_finalize(s);
		s = NULL;
		int ahead;
		rc = people_ahead(st, cfg, out->bizdate, svc->letter, false, INT64_MAX, 0, &ahead, err);
		if (!rc)
			rc = fill_eta(st, cfg, svc, now_ms, ahead, &q->next, err);
		if (rc)
			goto out;
	}
	rc = store_prepare(st, "SELECT " TICKET_COLS " FROM tickets"
			       " WHERE bizdate = ? AND state IN ('called','held','waiting')"
			       " ORDER BY state <> 'called', state <> 'held', queue, queue_ms, number",
			   &s, err);
	if (rc)
		goto out;
	sqlite3_bind_text(s, 1, out->bizdate, -1, SQLITE_STATIC);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n_open == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct ticket *nt = realloc(out->open, ncap * sizeof *nt);
			if (!nt) {
				rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				goto out;
			}
			out->open = nt;
			cap = ncap;
		}
		read_ticket(s, &out->open[out->n_open++]);
	}
	if (r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "open tickets");
out:
	sqlite3_finalize(s);
	store_rollback(st);
	if (rc)
		queue_status_free(out);
	return rc;
}

enum mdg_status queue_report_facts(struct store *st, const struct mdg_config *cfg,
				   const char *from, const char *to, struct report_fact **facts,
				   size_t *n, struct mdg_err *err)
{
	*facts = NULL;
	*n = 0;
	if (!bizdate_valid(from) || !bizdate_valid(to))
		return mdg_err_set(err, MDG_ERR_INVALID, "dates are written YYYY-MM-DD (got '%s' and '%s')",
				   from ? from : "", to ? to : "");
	if (strcmp(from, to) > 0)
		return mdg_err_set(err, MDG_ERR_INVALID, "the range %s..%s ends before it starts", from, to);
	int64_t target_ms[26] = { 0 };
	for (size_t i = 0; i < cfg->n_services; i++)
		target_ms[cfg->services[i].letter[0] - 'A'] = (int64_t)cfg->services[i].target_wait_min * 60000;
	sqlite3_stmt *s;
	enum mdg_status rc = store_prepare(st,
		"SELECT service, issued_ms, called_ms, served_ms, ended_ms, state, counter FROM tickets"
		" WHERE bizdate BETWEEN ? AND ?", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	size_t cap = 0;
	int r;
	struct report_fact *f = NULL;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct report_fact *nf = realloc(f, ncap * sizeof *nf);
			if (!nf) {
				rc = mdg_err_set(err, MDG_ERR_NOMEM, NULL);
				break;
			}
			f = nf;
			cap = ncap;
		}
		struct report_fact *x = &f[*n];
		const unsigned char *svc = sqlite3_column_text(s, 0);
		char buf[16];
		x->service = svc && svc[0] >= 'A' && svc[0] <= 'Z' ? (char)svc[0] : 'A';
		x->issued_ms = sqlite3_column_int64(s, 1);
		x->called_ms = sqlite3_column_int64(s, 2);
		x->served_ms = sqlite3_column_int64(s, 3);
		x->ended_ms = sqlite3_column_int64(s, 4);
		store_col_text(s, 5, buf, sizeof buf);
		int state = ticket_state_parse(buf);
		x->state = state < 0 ? TICKET_VOIDED : (enum ticket_state)state;
		x->counter = sqlite3_column_int(s, 6);
		if (x->counter < 0 || x->counter > 99)
			x->counter = 0;
		x->hour = bizdate_hour_of_ms(x->issued_ms);
		/* A service removed from the config since keeps reporting, with a 15-minute target. */
		x->target_ms = target_ms[x->service - 'A'] ? target_ms[x->service - 'A'] : 15 * 60000;
		(*n)++;
	}
	if (!rc && r != SQLITE_DONE)
		rc = store_sqlerr(st, r, err, "report");
	sqlite3_finalize(s);
	if (rc) {
		free(f);
		*n = 0;
		return rc;
	}
	*facts = f;
	return MDG_OK;
}
