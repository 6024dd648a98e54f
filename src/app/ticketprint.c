/* SPDX-License-Identifier: MIT */
/* ticketprint: the print path shared by `ticket print` and `ticket issue --terminal`. */
#include "app/ticketprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/out.h"
#include "core/i18n.h"
#include "core/ticketcode.h"
#include "print/barcode.h"
#include "print/sink.h"
#include "print/slip.h"
#include "secure/keys.h"
#include "store/queue.h"

#define SINK_TIMEOUT_MS 5000

enum mdg_status ticketprint_code(const struct mdg_config *cfg, const struct ticket *t,
				 char *payload, struct mdg_err *err)
{
	struct keyring *ring = NULL;
	struct ticketcode c;
	enum mdg_status rc = keyring_load(cfg->key_file, &ring, err);
	if (rc)
		return rc;
	ticketcode_of_ticket(t, cfg->site_id, keyring_current_id(ring), &c);
	rc = ticketcode_format(&c, keyring_ticket_mac, ring, payload, err);
	keyring_free(&ring);
	return rc;
}

enum mdg_status ticketprint(struct site *site, struct ticket *t, const struct ticketprint_opts *o,
			    struct ticketprint_result *res, struct mdg_err *err)
{
	memset(res, 0, sizeof *res);
	const struct mdg_config *cfg = site->cfg;
	const char *lang = o->lang && *o->lang ? o->lang : t->lang;
	struct slip_out out = { 0 };
	struct queue_eta eta;
	char payload[TICKETCODE_MAX], num[8], when[32], wait[160], guidance[200];
	enum mdg_status rc = ticketprint_code(cfg, t, payload, err);
	if (rc)
		goto fail;
	rc = queue_ticket_eta(site->st, cfg, t, site_now(), &eta, err);
	if (rc)
		goto fail;
	ticket_format_number(t->service, t->number, num);
	time_t secs = (time_t)(t->issued_ms / 1000);
	struct tm tm;
	localtime_r(&secs, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	/* The slip speaks the resident's language; the process language is restored after. */
	const char *cur = getenv("LANGUAGE");
	char saved[128];
	snprintf(saved, sizeof saved, "%s", cur ? cur : "");
	i18n_set_language(lang);
	snprintf(wait, sizeof wait, ngettext("%d person ahead of you, about %d min.\n",
					     "%d people ahead of you, about %d min.\n", eta.ahead),
		 eta.ahead, eta.eta_min);
	wait[strcspn(wait, "\n")] = '\0';
	snprintf(guidance, sizeof guidance, "%s",
		 _("When your number is called, please come to the counter shown."));
	i18n_restore_language(cur ? saved : NULL);
	const struct mdg_service *svc = config_service(cfg, t->service);
	struct slip s = {
		.lang = lang,
		.site_name = textmap_get(&cfg->site_name, lang),
		.service_name = svc ? textmap_get(&svc->name, lang) : t->service,
		.service_name_ja = svc ? textmap_get(&svc->name, "ja") : NULL,
		.number = num, .wait_line = wait, .time_line = when, .guidance = guidance,
		.code = payload, .barcode = num,
		.paper_mm = o->paper_mm == 58 ? 58 : 80,
	};
	rc = slip_render(&s, &out, err);
	if (rc)
		goto fail;
	res->bytes = out.bytes.len;
	res->qr_version = out.qr_version;
	res->text_lines = out.text_lines;
	res->raster_lines = out.raster_lines;
	if (o->png && (rc = raster_write_png(&out.preview, o->png, err)))
		goto done;
	if (o->svg && (rc = barcode_code128_svg(num, o->svg, err)))
		goto done;
	if (o->sink) {
		char title[48];
		snprintf(title, sizeof title, "ticket %s", num);
		rc = sink_send(o->sink, out.bytes.data, out.bytes.len, SINK_TIMEOUT_MS, title, err);
		if (!rc)
			rc = queue_mark_printed(site->st, num, t->bizdate, site_now(), t, err);
		res->printed = rc == MDG_OK;
	}
done:
	slip_out_free(&out);
fail:
	/* Whatever went wrong, the number stands: say how to get the paper. */
	if (rc && o->sink && !res->printed) {
		char n8[8];
		ticket_format_number(t->service, t->number, n8);
		mdg_err_prefix(err, "%s not printed (it keeps its number; reprint with"
			       " 'madoguchi ticket print %s')", n8, n8);
	}
	return rc;
}
