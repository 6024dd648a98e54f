/* SPDX-License-Identifier: MIT */
/* helpsession: assisted digital-help sessions (DX plan No.2 / No.6) as values: the fixed
 * taxonomy (topics, channels, age bands, outcomes; stable ids that the store, the sync and the
 * exports use, and English labels marked N_() that callers translate with _() when shown),
 * the session struct, topic lists, validation, and the check that warns when a free-text note
 * looks like it holds personal data. The taxonomy lives here and nowhere else. Pure libc. */
#ifndef MDG_CORE_HELPSESSION_H
#define MDG_CORE_HELPSESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* One entry of a taxonomy: its stable id (stored, synced, exported; never renamed) and its
 * label, an N_() msgid (show it through _()). */
struct help_item {
	const char *id;
	const char *label;
};

enum help_topic {
	HELP_TOPIC_CARD_APPLICATION, HELP_TOPIC_CARD_PICKUP, HELP_TOPIC_PIN_RESET,
	HELP_TOPIC_CERT_RENEWAL, HELP_TOPIC_MYNAPORTAL, HELP_TOPIC_INSURANCE_LINK,
	HELP_TOPIC_KOKIN_ACCOUNT, HELP_TOPIC_SMARTPHONE_BASICS, HELP_TOPIC_ONLINE_APPLICATION,
	HELP_TOPIC_SCAM_SECURITY, HELP_TOPIC_OTHER,
	HELP_TOPIC_COUNT
};

enum help_channel { HELP_CHANNEL_COUNTER, HELP_CHANNEL_KIOSK, HELP_CHANNEL_OUTREACH,
		    HELP_CHANNEL_COUNT };

/* Age bands of the city's reports on digital inclusion: the elderly are split finely. */
enum help_age {
	HELP_AGE_0_19, HELP_AGE_20_39, HELP_AGE_40_59, HELP_AGE_60_69, HELP_AGE_70_79,
	HELP_AGE_80_PLUS, HELP_AGE_UNKNOWN,
	HELP_AGE_COUNT
};

enum help_outcome {
	HELP_OUTCOME_RESOLVED,     /* the resident can do it, or it is done */
	HELP_OUTCOME_PARTLY,       /* some of it done; the rest later */
	HELP_OUTCOME_REFERRED,     /* sent to another office, J-LIS, a carrier, the police, ... */
	HELP_OUTCOME_NOT_RESOLVED, /* could not be done */
	HELP_OUTCOME_COUNT
};

/* The taxonomies, indexed by their enums. */
extern const struct help_item help_topics[HELP_TOPIC_COUNT];
extern const struct help_item help_channels[HELP_CHANNEL_COUNT];
extern const struct help_item help_age_bands[HELP_AGE_COUNT];
extern const struct help_item help_outcomes[HELP_OUTCOME_COUNT];

/* The index of id in items[0..n), or -1 (NULL and unknown ids). */
int help_item_find(const struct help_item *items, size_t n, const char *id);

/* The ids of items[0..n) joined by ", " into buf (cut to size), for messages. Returns buf. */
const char *help_item_ids(const struct help_item *items, size_t n, char *buf, size_t size);

#define HELP_SKILL_MIN 1
#define HELP_SKILL_MAX 5
#define HELP_NOTE_MAX 500     /* bytes of UTF-8 */
#define HELP_TOPICS_LEN 200   /* every topic id joined with separators, and the NUL */

/* One help session. A session that is still running has ended_ms 0; what is not recorded yet
 * is 0 (skills) or -1 (outcome). */
struct help_session {
	int64_t id;                 /* the store's; 0 before it is stored */
	int64_t seq;                /* outbox order, the store's */
	char bizdate[11];           /* business date it started on (the store's) */
	int counter;                /* counter number 1..99, 0 for none (outreach) */
	char staff[33];             /* staff id, "" when not known */
	int64_t ticket_id;          /* the resident's ticket, 0 for none */
	char ticket_number[8];      /* "A-042" when linked (filled by the store's reads), else "" */
	int64_t started_ms;         /* UTC ms */
	int64_t ended_ms;           /* UTC ms, 0 while running */
	uint32_t topics;            /* bit i: enum help_topic i */
	int channel;                /* enum help_channel */
	int age_band;               /* enum help_age (HELP_AGE_UNKNOWN when not asked) */
	int skill_before;           /* 1..5, 0: not recorded */
	int skill_after;            /* 1..5, 0: not recorded */
	int outcome;                /* enum help_outcome, -1: not recorded */
	bool follow_up;             /* the resident needs another session or a call back */
	char note[HELP_NOTE_MAX + 1]; /* staff's free text; never personal data (helpnote_check) */
};

/* A session with nothing recorded: channel counter, age unknown, outcome -1, rest zero. */
void helpsession_init(struct help_session *s);

/* Parses a topic list "pin_reset,mynaportal" (commas, spaces around ids ignored) into *mask.
 * MDG_ERR_INVALID naming the first unknown or repeated id, or an empty list; *mask is then 0. */
enum mdg_status helptopics_parse(const char *list, uint32_t *mask, struct mdg_err *err);

/* Writes the ids of mask in taxonomy order joined by sep (',' in the store, ';' in CSV) into
 * out ("" for 0). out needs HELP_TOPICS_LEN bytes. */
void helptopics_format(uint32_t mask, char sep, char out[HELP_TOPICS_LEN]);

/* Checks s's fields: channel, age band and outcome from the taxonomy, topics known, skills
 * 0 or 1..5, counter 0..99, staff id up to 32 printable ASCII, note up to HELP_NOTE_MAX bytes
 * of valid UTF-8, started_ms > 0, and ended_ms 0 or >= started_ms. With finished, also: at
 * least one topic, both skills and the outcome recorded, and ended_ms set. MDG_ERR_INVALID
 * with a message naming the field. */
enum mdg_status helpsession_validate(const struct help_session *s, bool finished,
				     struct mdg_err *err);

/* Flags of helpnote_check. */
enum helpnote_flag {
	HELPNOTE_PHONE = 1u << 0,    /* a phone number: 0 and 9-10 more digits, or +81 ... */
	HELPNOTE_NUMBER12 = 1u << 1, /* twelve digits: possibly a My Number */
	HELPNOTE_EMAIL = 1u << 2,    /* an e-mail address */
	HELPNOTE_NAME = 1u << 3,     /* a name: 比嘉さん, 山田様, Mr. Higa */
};
#define HELPNOTE_FLAGS 4

/* Looks for personal data in a note and returns the enum helpnote_flag bits found (0: none).
 * Full-width digits, letters and signs count as their ASCII forms. Heuristic: it warns staff
 * (the note is theirs to fix); it is not a guarantee in either direction. NULL is clean. */
unsigned helpnote_check(const char *note);

/* The label (an N_() msgid) of one flag, or NULL for anything that is not one flag. */
const char *helpnote_flag_label(unsigned flag);

#endif
