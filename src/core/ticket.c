/* SPDX-License-Identifier: MIT */
/* ticket: names, the transition table and number formatting. */
#include "core/ticket.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"

/* Stored names; marked for translation because the CLI shows them to people. */
static const char *const state_names[TICKET_STATE_COUNT] = {
	[TICKET_WAITING] = N_("waiting"), [TICKET_CALLED] = N_("called"), [TICKET_HELD] = N_("held"),
	[TICKET_FINISHED] = N_("finished"), [TICKET_NO_SHOW] = N_("no_show"),
	[TICKET_CANCELLED] = N_("cancelled"), [TICKET_VOIDED] = N_("voided"),
};

static const char *const event_names[TEV_COUNT] = {
	[TEV_ISSUED] = "issued", [TEV_CALLED] = "called", [TEV_RECALLED] = "recalled",
	[TEV_HELD] = "held", [TEV_TRANSFERRED] = "transferred", [TEV_NO_SHOW] = "no_show",
	[TEV_FINISHED] = "finished", [TEV_CANCELLED] = "cancelled", [TEV_PRINTED] = "printed",
	[TEV_VOIDED] = "voided",
};

static const char *const op_names[TICKET_OP_COUNT] = {
	[TICKET_OP_CALL] = "call", [TICKET_OP_RECALL] = "recall", [TICKET_OP_NO_SHOW] = "noshow",
	[TICKET_OP_HOLD] = "hold", [TICKET_OP_TRANSFER] = "transfer", [TICKET_OP_FINISH] = "finish",
	[TICKET_OP_CANCEL] = "cancel", [TICKET_OP_VOID] = "void",
};

static const char *const prio_names[PRIO_COUNT] = {
	[PRIO_NONE] = "", [PRIO_ELDERLY] = N_("elderly"), [PRIO_DISABILITY] = N_("disability"),
	[PRIO_PREGNANT] = N_("pregnant"), [PRIO_CHILD] = N_("child"),
};

#define W (1u << TICKET_WAITING)
#define C (1u << TICKET_CALLED)
#define H (1u << TICKET_HELD)
/* The states each operation accepts. */
static const unsigned allowed[TICKET_OP_COUNT] = {
	[TICKET_OP_CALL] = W | H,         /* call next takes W; a given number may be W or H */
	[TICKET_OP_RECALL] = C,
	[TICKET_OP_NO_SHOW] = C,
	[TICKET_OP_HOLD] = W | C,
	[TICKET_OP_TRANSFER] = W | C | H,
	[TICKET_OP_FINISH] = C,
	[TICKET_OP_CANCEL] = W | C | H,
	[TICKET_OP_VOID] = W,             /* only a ticket nobody has seen yet */
};
#undef W
#undef C
#undef H

const char *ticket_state_name(enum ticket_state s)
{
	return (unsigned)s < TICKET_STATE_COUNT ? state_names[s] : "?";
}

int ticket_state_parse(const char *name)
{
	for (int i = 0; name && i < TICKET_STATE_COUNT; i++)
		if (strcmp(state_names[i], name) == 0)
			return i;
	return -1;
}

const char *ticket_event_name(enum ticket_event e)
{
	return (unsigned)e < TEV_COUNT ? event_names[e] : "?";
}

const char *ticket_op_name(enum ticket_op op)
{
	return (unsigned)op < TICKET_OP_COUNT ? op_names[op] : "?";
}

const char *ticket_priority_name(enum ticket_priority p)
{
	return (unsigned)p < PRIO_COUNT ? prio_names[p] : "";
}

int ticket_priority_parse(const char *name)
{
	if (!name || !*name || strcmp(name, "none") == 0)
		return PRIO_NONE;
	for (int i = 1; i < PRIO_COUNT; i++)
		if (strcmp(prio_names[i], name) == 0)
			return i;
	return -1;
}

bool ticket_op_allowed(enum ticket_op op, enum ticket_state s)
{
	if ((unsigned)op >= TICKET_OP_COUNT || (unsigned)s >= TICKET_STATE_COUNT)
		return false;
	return (allowed[op] >> s) & 1u;
}

bool ticket_state_open(enum ticket_state s)
{
	return s == TICKET_WAITING || s == TICKET_CALLED || s == TICKET_HELD;
}

void ticket_format_number(const char *service, int number, char out[8])
{
	if (number < 0 || number > TICKET_MAX_NUMBER)
		number = 0;
	snprintf(out, 8, "%c-%03d", service && service[0] ? service[0] : '?', number);
}

bool ticket_parse_number(const char *s, char service[2], int *number)
{
	if (!s || !isalpha((unsigned char)s[0]))
		return false;
	char letter = (char)toupper((unsigned char)s[0]);
	const char *p = s + 1;
	if (*p == '-')
		p++;
	int n = 0, digits = 0;
	for (; *p; p++, digits++) {
		if (!isdigit((unsigned char)*p) || digits >= 4)
			return false;
		n = n * 10 + (*p - '0');
	}
	if (digits == 0 || n < 1)
		return false;
	service[0] = letter;
	service[1] = '\0';
	*number = n;
	return true;
}
