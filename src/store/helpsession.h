/* SPDX-License-Identifier: MIT */
/* helpsession (store): assisted digital-help sessions in the site store. A session is written
 * when it starts, so that a crash or a closed terminal loses nothing: it stays listed as
 * unfinished. Finishing gives the row a new seq, so the nightly sync sends the final version
 * (help_sessions is a SYNCTAB_LATEST table). Every write is one BEGIN IMMEDIATE with its audit
 * row, which names ids only. The note never leaves the site (see core/synctab.c). The values and
 * their validation are core/helpsession.h. */
#ifndef MDG_STORE_HELPSESSION_H
#define MDG_STORE_HELPSESSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/helpsession.h"
#include "core/status.h"

struct store;

/* Starts a session now: stores draft's counter, staff, ticket_id, channel, topics, age band,
 * skills, outcome, follow-up and note (what is known so far; all may be refined at the finish)
 * with started_ms and the business date from the stored clock, and a "session.start" audit row
 * by actor. draft's id, seq, bizdate, started_ms and ended_ms are ignored. *id (may be NULL) gets
 * the new id. Errors: MDG_ERR_INVALID (no actor, a field helpsession_validate refuses),
 * MDG_ERR_NOT_FOUND (ticket_id is not a ticket), store errors (nothing written). */
enum mdg_status helpsession_start(struct store *st, const struct help_session *draft,
				  int64_t now_ms, const char *actor, int64_t *id,
				  struct mdg_err *err);

/* Finishes running session id now: ended_ms from the stored clock, and from fields its topics,
 * channel, age band, skills, outcome, follow-up, note, and ticket_id when not 0 (counter, staff
 * and the start stay as stored). The result must pass helpsession_validate(finished). New seq,
 * "session.finish" audit row by actor. Errors: MDG_ERR_NOT_FOUND (no session id, or no ticket
 * ticket_id), MDG_ERR_STATE (finished already), MDG_ERR_INVALID, store errors. */
enum mdg_status helpsession_finish(struct store *st, int64_t id, const struct help_session *fields,
				   int64_t now_ms, const char *actor, struct mdg_err *err);

/* Records a whole session after the fact (an outreach class): s's started_ms and ended_ms are
 * used as given (neither after the stored clock's now), its business date is the local date of
 * started_ms, and it must pass helpsession_validate(finished). "session.record" audit row by
 * actor. *id (may be NULL) gets the new id. Errors: MDG_ERR_INVALID, MDG_ERR_NOT_FOUND (ticket),
 * store errors. */
enum mdg_status helpsession_record(struct store *st, const struct help_session *s, int64_t now_ms,
				   const char *actor, int64_t *id, struct mdg_err *err);

/* Reads session id into *out (with its ticket's number when linked). MDG_ERR_NOT_FOUND. */
enum mdg_status helpsession_get(struct store *st, int64_t id, struct help_session *out,
				struct mdg_err *err);

/* The sessions whose business date is in [from, to] ("YYYY-MM-DD", inclusive), finished or not,
 * by start time. *out is caller-owned (free), NULL when *n is 0. MDG_ERR_INVALID for a bad date
 * or from after to, MDG_ERR_NOMEM, store errors. */
enum mdg_status helpsession_list(struct store *st, const char *from, const char *to,
				 struct help_session **out, size_t *n, struct mdg_err *err);

#endif
