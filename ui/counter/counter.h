/* SPDX-License-Identifier: MIT */
/* counter: the clerk's screen at a service counter (DESIGN.md §3.2): login, the queue panel and
 * the ticket in service, one key per queue action, the resident's prefilled form opened by
 * scanning the ticket's QR (or typing its number), completed with the resident, read from the
 * card and printed as A4; the card check for No.2 help; the help-session record. Like the kiosk
 * it touches no store, reader or printer itself: the application hands it an ops table (the
 * real one in src/app/cmd_counter.c, scripted ones in the screen tests). The PIN, card data and
 * the form's values are wiped when a case is closed, on logout, on the idle timeout and on
 * SIGTERM. */
#ifndef MDG_UI_COUNTER_COUNTER_H
#define MDG_UI_COUNTER_COUNTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/mynacard.h"
#include "core/cardtext.h"
#include "core/config.h"
#include "core/form.h"
#include "core/helpsession.h"
#include "core/status.h"
#include "core/ticket.h"
#include "store/queue.h"
#include "ui/term.h"

/* Who is logged in. */
struct counter_staff {
	char id[33];
	char name[65];
	char role[16];              /* "staff", "supervisor", "admin" */
};

/* What the screen asks permission for (the application maps these to the role matrix and
 * audits a denial). */
enum counter_action {
	CA_QUEUE,                   /* see the queue, call, recall, no-show, hold, transfer, finish */
	CA_FORM,                    /* open a resident's submission */
	CA_PRINT,                   /* print the A4 form */
	CA_CARD_READ,               /* read basic-4 (and the My Number for printing) */
	CA_CARD_HELP,               /* the card check, no PIN */
	CA_SESSION,                 /* record a help session */
};

/* A resident's case open at the counter: the ticket and its form. */
struct counter_case {
	struct ticket ticket;       /* id 0: no ticket */
	const struct form *form;    /* NULL: no form chosen yet */
	struct form_values vals;    /* for form (owned; wiped when the case closes) */
	int64_t submission;         /* the stored submission, 0: not stored yet */
	bool from_kiosk;            /* the resident filled it at the kiosk */
	bool card_read;             /* card values were read at this counter */
	bool dirty;                 /* changed since the last save */
};

struct counter_ops {
	void *ctx;
	/* Checks a staff id and PIN (lockout and audit are the application's). MDG_ERR_AUTH with a
	 * message to show when refused; MDG_ERR_DENIED when the role may not use a counter. */
	enum mdg_status (*login)(void *ctx, const char *id, const char *pin, size_t len,
				 struct counter_staff *out, struct mdg_err *err);
	void (*logout)(void *ctx);
	/* MDG_OK when the logged-in staff may do a (target names the record, may be NULL);
	 * MDG_ERR_DENIED otherwise (audited by the application). */
	enum mdg_status (*allowed)(void *ctx, enum counter_action a, const char *target,
				   struct mdg_err *err);
	/* Today's queue (caller frees with queue_status_free). */
	enum mdg_status (*status)(void *ctx, struct queue_status *out, struct mdg_err *err);
	/* A queue action by this counter and the logged-in staff: a->op TICKET_OP_CALL with a NULL
	 * number calls the next ticket by the policy. *out gets the ticket after the action. */
	enum mdg_status (*act)(void *ctx, const struct queue_action *a, struct ticket *out,
			       struct mdg_err *err);
	/* Opens the case of a ticket from a scanned code (scanned) or a typed number: verifies the
	 * code (MDG_ERR_INVALID with the reason when forged or of another day or site), loads the
	 * ticket and its submission's form and values (audited view). A ticket without a
	 * submission gives c->form NULL. */
	enum mdg_status (*open)(void *ctx, const char *text, bool scanned, struct counter_case *c,
				struct mdg_err *err);
	/* Stores c's values (creating the submission when there is none), linked to its ticket. */
	enum mdg_status (*save)(void *ctx, struct counter_case *c, struct mdg_err *err);
	/* Renders c's form as A4 PDF and sends it to the counter's printer. For a form that needs the
	 * My Number, pin (len digits) is used to read it from the card at print time; it is printed
	 * and wiped, never stored. */
	enum mdg_status (*print)(void *ctx, struct counter_case *c, const char *pin, size_t len,
				 struct mdg_err *err);
	/* Reads the input-support PIN's tries left (no try spent). MDG_ERR_IO: no card. */
	enum mdg_status (*card_tries)(void *ctx, int *tries, struct mdg_err *err);
	/* VERIFY with the PIN (code_b false) or 照合番号B under the counter's policy and read
	 * basic-4. MDG_ERR_INVALID for a wrong secret (*tries_left), MDG_ERR_STATE when the
	 * policy refuses (nothing sent), MDG_ERR_IO for no card / a removed card. Never retries. */
	enum mdg_status (*card_read)(void *ctx, bool code_b, const char *secret, size_t len,
				     struct card_basic4 *out, int *tries_left, struct mdg_err *err);
	/* The card check: tries of the three PINs, certificate and card expiry (no PIN, no try
	 * spent, nothing stored). */
	enum mdg_status (*card_status)(void *ctx, struct mynacard_status *out, struct mdg_err *err);
	/* Help sessions: start writes the row (started now; the application fills counter and
	 * staff) and sets s->id and s->started_ms; finish completes it with s's fields. */
	enum mdg_status (*session_start)(void *ctx, struct help_session *s, struct mdg_err *err);
	enum mdg_status (*session_finish)(void *ctx, struct help_session *s, struct mdg_err *err);
};

struct counter_setup {
	const struct mdg_config *cfg;      /* services, idle timeout (borrowed) */
	int counter;                       /* this counter's number (in cfg) */
	const struct form *const *forms;   /* forms staff may start for a ticket without one */
	size_t n_forms;
	const struct counter_ops *ops;
	const char *language;              /* the staff's language, or NULL (the site's) */
};

/* Runs the counter on t until SIGTERM/SIGHUP (or Ctrl-C outside kiosk mode). Returns 0. */
int counter_run(struct term *t, const struct counter_setup *setup);

/* For tests and benchmarks: the same screens, one event at a time. */
struct counter;
enum mdg_status counter_open(struct term *t, const struct counter_setup *setup,
			     struct counter **out, struct mdg_err *err);
bool counter_step(struct counter *c, int timeout_ms);     /* false when it should end */
const char *counter_screen_name(const struct counter *c);
void counter_close(struct counter **pp);                   /* wipes and frees; NULL-safe */

#endif
