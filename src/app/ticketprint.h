/* SPDX-License-Identifier: MIT */
/* ticketprint: prints a stored ticket: signs its code, lays out the slip in the resident's
 * language, sends it to a sink, writes previews, and marks it printed only when the printer
 * took it. A failed print leaves the ticket issued with its number, to be reprinted. */
#ifndef MDG_APP_TICKETPRINT_H
#define MDG_APP_TICKETPRINT_H

#include "app/site.h"
#include "core/ticket.h"

struct ticketprint_opts {
	const char *sink;       /* printer sink, or NULL for previews only */
	const char *png;        /* preview PNG path, or NULL */
	const char *svg;        /* barcode SVG path, or NULL */
	const char *lang;       /* language of the slip (default: the ticket's) */
	int paper_mm;           /* 58 or 80 */
};

/* What happened, for the caller's message. */
struct ticketprint_result {
	size_t bytes;           /* ESC/POS bytes produced */
	int qr_version;
	int text_lines, raster_lines;
	bool printed;           /* the sink took it and the ticket is marked printed */
};

/* The signed code of t (what its QR holds) into payload (TICKETCODE_MAX bytes), with the site's
 * current key. MDG_ERR_NOT_FOUND (no key file), MDG_ERR_INVALID. */
enum mdg_status ticketprint_code(const struct mdg_config *cfg, const struct ticket *t,
				 char *payload, struct mdg_err *err);

/* Prints t. MDG_ERR_NOT_FOUND (no key file), MDG_ERR_IO (the sink failed: the ticket is not
 * marked printed), MDG_ERR_INVALID, store errors. t is updated when marked printed. */
enum mdg_status ticketprint(struct site *site, struct ticket *t, const struct ticketprint_opts *o,
			    struct ticketprint_result *res, struct mdg_err *err);

#endif
