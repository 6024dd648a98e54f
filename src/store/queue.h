/* SPDX-License-Identifier: MIT */
/* queue: the queue engine's operations on the site store. Every operation is one BEGIN IMMEDIATE
 * transaction that writes the ticket row and its event row together (a number is consumed only
 * when the ticket commits, so numbers never skip or repeat, across processes and crashes), and
 * every time it stores comes from the never-backwards stored clock. The choice of the next
 * ticket is core/policy.c; which operation is allowed in which state is core/ticket.c. */
#ifndef MDG_STORE_QUEUE_H
#define MDG_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/report.h"
#include "core/status.h"
#include "core/ticket.h"
#include "core/ticketcode.h"

struct store;

/* Estimated wait of a ticket (or of the next one to be issued). */
struct queue_eta {
	int ahead;                  /* waiting tickets that will normally be called first */
	int counters;               /* counters serving the queue now (recent calls), else configured */
	double median_service_min;  /* recent median service time, else the configured default */
	int eta_min;                /* ahead / counters * median, rounded up */
};

/* Issues a ticket for service (a letter of cfg) with an optional priority reason and the
 * resident's language. Fills *out and *eta. Errors: MDG_ERR_NOT_FOUND (unknown service),
 * MDG_ERR_INVALID (bad language), MDG_ERR_STATE (the day's 9999 numbers are used up), and the
 * store errors (MDG_ERR_BUSY, MDG_ERR_FULL, MDG_ERR_READONLY, ...) in which case no number was
 * consumed. eta may be NULL. */
enum mdg_status queue_issue(struct store *st, const struct mdg_config *cfg, const char *service,
			    enum ticket_priority prio, const char *lang, int64_t now_ms,
			    struct ticket *out, struct queue_eta *eta, struct mdg_err *err);

/* One action on a ticket named by its number ("A-042", today's business date). */
struct queue_action {
	enum ticket_op op;
	const char *number;     /* required */
	int counter;            /* TICKET_OP_CALL: the calling counter (required) */
	const char *staff;      /* who acts, may be NULL */
	const char *to_service; /* TICKET_OP_TRANSFER: the target service letter */
	const char *outcome;    /* TICKET_OP_FINISH: optional outcome code */
	const char *reason;     /* TICKET_OP_VOID / CANCEL: optional reason */
};

/* Calls the best waiting ticket for counter (core/policy.c). MDG_ERR_NOT_FOUND for an unknown
 * counter, MDG_ERR_EMPTY when nothing waits for it, store errors. */
enum mdg_status queue_call_next(struct store *st, const struct mdg_config *cfg, int counter,
				const char *staff, int64_t now_ms, struct ticket *out,
				struct mdg_err *err);

/* Applies a to a ticket of today. MDG_ERR_NOT_FOUND (no such ticket today, unknown counter or
 * service), MDG_ERR_STATE (not allowed in the ticket's state, with the state in the message; a
 * no-show before the configured number of recalls; a transfer to its own queue), store errors. */
enum mdg_status queue_apply(struct store *st, const struct mdg_config *cfg,
			    const struct queue_action *a, int64_t now_ms, struct ticket *out,
			    struct mdg_err *err);

/* Finds a ticket of today (or of bizdate when not NULL) by number. MDG_ERR_NOT_FOUND. */
enum mdg_status queue_find(struct store *st, const char *number, const char *bizdate,
			   int64_t now_ms, struct ticket *out, struct mdg_err *err);

/* Verifies a scanned ticket code against the store: the MAC (mac/mac_ctx), the site, today's
 * business date, the day's counter and the ticket itself (its id prefix must match). *verdict
 * gets the result and, when TC_VALID, *out the ticket. MDG_OK whenever it could decide (even
 * when the code is refused); store errors otherwise. */
enum mdg_status queue_verify_code(struct store *st, const char *site_id, ticketcode_mac_fn mac,
				  void *mac_ctx, const char *payload, int64_t now_ms,
				  enum ticketcode_verdict *verdict, struct ticket *out,
				  struct mdg_err *err);

/* Records that ticket number (today's, or of bizdate) was printed: print_state 'printed' and a
 * 'printed' event (detail "reprint" after the first time). MDG_ERR_NOT_FOUND, store errors. */
enum mdg_status queue_mark_printed(struct store *st, const char *number, const char *bizdate,
				   int64_t now_ms, struct ticket *out, struct mdg_err *err);

/* Today's tickets that were issued but never printed (a print failed, or the kiosk died between
 * the commit and the paper), not voided, in number order: each must be reprinted or voided,
 * never renumbered. *out is caller-owned (free). */
enum mdg_status queue_unprinted(struct store *st, int64_t now_ms, struct ticket **out, size_t *n,
				struct mdg_err *err);

/* The estimated wait of an open ticket now (people ahead of it in its queue). */
enum mdg_status queue_ticket_eta(struct store *st, const struct mdg_config *cfg,
				 const struct ticket *t, int64_t now_ms, struct queue_eta *eta,
				 struct mdg_err *err);

struct queue_service_status {
	char letter[2];
	int waiting;                /* state waiting in this queue */
	int priority_waiting;       /* of which with a priority reason */
	int held;
	int called;                 /* at a counter now */
	int64_t longest_wait_ms;    /* of the waiting ones; 0 when none */
	int64_t longest_priority_wait_ms;
	int issued_today;           /* tickets issued under this letter today */
	struct queue_eta next;      /* what a ticket issued now would be told */
};

struct queue_status {
	char bizdate[11];
	int64_t now_ms;
	struct queue_service_status *services; /* one per configured service, in config order */
	size_t n_services;
	struct ticket *open;        /* today's called and held tickets, then waiting ones in call
				     * order per queue (issue order), owned */
	size_t n_open;
};

/* Fills a snapshot of today's queue (one read transaction). out is caller-owned
 * (queue_status_free). */
enum mdg_status queue_status(struct store *st, const struct mdg_config *cfg, int64_t now_ms,
			     struct queue_status *out, struct mdg_err *err);
void queue_status_free(struct queue_status *s);

/* Gathers one report fact per ticket issued from `from` to `to` (business dates, inclusive).
 * *facts is caller-owned (free). MDG_ERR_INVALID for bad dates. */
enum mdg_status queue_report_facts(struct store *st, const struct mdg_config *cfg,
				   const char *from, const char *to, struct report_fact **facts,
				   size_t *n, struct mdg_err *err);

#endif
