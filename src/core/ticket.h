/* SPDX-License-Identifier: MIT */
/* ticket: the queue ticket as a value, its state machine, and the names used in the store and on
 * the CLI. Pure: which operation is allowed in which state is decided here, once. */
#ifndef MDG_CORE_TICKET_H
#define MDG_CORE_TICKET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bizdate.h"

#define TICKET_MAX_NUMBER 9999
#define TICKET_TOKEN_LEN 17 /* 16 hex digits + NUL */

enum ticket_state {
	TICKET_WAITING,   /* in its queue, callable by "next" */
	TICKET_CALLED,    /* called to a counter (being served) */
	TICKET_HELD,      /* parked; callable only by its number */
	TICKET_FINISHED,  /* served */
	TICKET_NO_SHOW,   /* called, recalled, never came */
	TICKET_CANCELLED, /* walked out / withdrawn */
	TICKET_VOIDED,    /* never reached the resident (print failure) */
	TICKET_STATE_COUNT
};

enum ticket_op {
	TICKET_OP_CALL, TICKET_OP_RECALL, TICKET_OP_NO_SHOW, TICKET_OP_HOLD, TICKET_OP_TRANSFER,
	TICKET_OP_FINISH, TICKET_OP_CANCEL, TICKET_OP_VOID, TICKET_OP_COUNT
};

/* Event types recorded for every state change (the names are stored). */
enum ticket_event {
	TEV_ISSUED, TEV_CALLED, TEV_RECALLED, TEV_HELD, TEV_TRANSFERRED, TEV_NO_SHOW, TEV_FINISHED,
	TEV_CANCELLED, TEV_PRINTED, TEV_VOIDED, TEV_COUNT
};

enum ticket_priority {
	PRIO_NONE, PRIO_ELDERLY, PRIO_DISABILITY, PRIO_PREGNANT, PRIO_CHILD, PRIO_COUNT
};

/* A ticket as stored. Strings are fixed-size and NUL-terminated. */
struct ticket {
	int64_t id;                     /* row id (site-local) */
	int64_t seq;                    /* outbox sequence, changes on every update */
	char token[TICKET_TOKEN_LEN];   /* random id, hex: goes into the QR code */
	char bizdate[BIZDATE_LEN];      /* business date of issue */
	char service[2];                /* letter of the number ("A" of A-042) */
	int number;                     /* 1..TICKET_MAX_NUMBER within (bizdate, service) */
	char queue[2];                  /* service whose queue it is in now (transfers change it) */
	enum ticket_priority priority;
	char lang[16];                  /* resident's language */
	enum ticket_state state;
	bool printed;                   /* print_state = printed */
	int counter;                    /* counter that called it last, 0 when none */
	char staff[33];                 /* staff id that acted last, "" when none */
	int recalls;
	int64_t issued_ms;              /* UTC ms of issue */
	int64_t queue_ms;               /* ordering time: the original issue time, kept on transfer */
	int64_t called_ms;              /* first call, 0 when never called */
	int64_t served_ms;              /* last call (start of service), 0 when never called */
	int64_t ended_ms;               /* finish / no-show / cancel / void, 0 while open */
	char outcome[33];               /* free outcome code given at finish */
};

const char *ticket_state_name(enum ticket_state s);
int ticket_state_parse(const char *name);          /* -1 when unknown */
const char *ticket_event_name(enum ticket_event e);
const char *ticket_op_name(enum ticket_op op);
const char *ticket_priority_name(enum ticket_priority p); /* "" for PRIO_NONE */
int ticket_priority_parse(const char *name);       /* NULL/"" -> PRIO_NONE; -1 when unknown */

/* True when op may be applied to a ticket in state s. */
bool ticket_op_allowed(enum ticket_op op, enum ticket_state s);

/* True for the states in which the ticket is still in the queue or at a counter. */
bool ticket_state_open(enum ticket_state s);

/* Writes "A-042" (at least three digits). out needs 8 bytes. */
void ticket_format_number(const char *service, int number, char out[8]);

/* Parses "A-042", "a42", "A042" into letter and number. False when malformed. */
bool ticket_parse_number(const char *s, char service[2], int *number);

#endif
