/* SPDX-License-Identifier: MIT */
/* cmd_card: madoguchi card read|status: the My Number card through PC/SC. The PIN or 照合番号B
 * comes on stdin (never on the command line), lives in locked memory, and is wiped with the
 * card data before the command returns; the card is unpowered at the end. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app/cardread.h"
#include "app/cli.h"
#include "app/out.h"
#include "app/secret.h"
#include "app/site.h"
#include "card/mynacard.h"
#include "card/pcsc.h"
#include "core/i18n.h"
#include "core/json.h"
#include "print/escpos.h"
#include "secure/hash.h"
#include "secure/mem.h"

#define WAIT_S 10

/* SIGINT/SIGTERM while a card command runs: the wait for the card (or the next APDU) stops,
 * the usual exit path wipes the secrets and unpowers the card, and the exit code is 128 + the
 * signal. The handler only records the signal and calls pcsc_cancel (async-signal-safe). */
static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
	pcsc_cancel();
}

static void restore_signals(const struct sigaction old[2])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
}

/* cli_fail, with the exit code of the signal that stopped the command. */
static int card_fail(const struct cli_call *call, const struct mdg_err *err)
{
	return cli_fail_exit(call, err, caught ? 128 + caught : mdg_status_exit(err->code));
}

/* The start of a card command: --wait SECONDS into *ms (default WAIT_S), then SIGINT/SIGTERM
 * caught until restore_signals(old). MDG_ERR_USAGE for a bad --wait (nothing caught then). */
static enum mdg_status card_begin(const struct cli_call *call, struct sigaction old[2], int *ms,
				  struct mdg_err *err)
{
	long s = WAIT_S;
	enum mdg_status rc = cli_get_int(call, "wait", 0, 3600, &s, err);
	if (rc)
		return rc;
	*ms = (int)s * 1000;
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: stdin reads end too */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	return MDG_OK;
}

static int run_read(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	bool by_b = cli_has(call, "code-b-stdin");
	if (by_b == cli_has(call, "pin-stdin")) {
		mdg_err_set(&err, MDG_ERR_USAGE, "give --pin-stdin or --code-b-stdin (the secret is read"
			    " from standard input, never from the command line)");
		return cli_fail(call, &err);
	}
	char *secret = NULL, *number = NULL;
	struct card_basic4 *b = NULL;
	struct pcsc *p = NULL;
	struct sigaction old[2];
	int ms;
	enum mdg_status rc = card_begin(call, old, &ms, &err);
	if (rc)
		return cli_fail(call, &err);
	rc = secure_init(&err);
	if (!rc)
		rc = secure_harden_process(&err);
	if (!rc && !(secret = secure_alloc(32, &err)))
		rc = err.code;
	if (!rc && !(b = secure_alloc(sizeof *b, &err)))
		rc = err.code;
	if (rc)
		goto out;
	size_t len = secret_read_line(NULL, secret, 32);
	rc = pcsc_open(cli_get(call, "reader"), ms, &p, &err);
	if (rc)
		goto out;
	struct mynacard card = { .ops = &pcsc_transport, .ctx = p };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries;
	rc = mynacard_select_kenhojo(&card, &err);
	if (!rc)
		rc = mynacard_verify(&card, by_b ? MYNA_KEY_CODE_B : MYNA_KEY_PIN, PIN_AT_COUNTER, secret,
				     len, &d, &st, &tries, &err);
	secure_wipe(secret, 32);
	if (!rc)
		rc = mynacard_read_basic4(&card, b, &err);
	bool with_number = cli_has(call, "with-number");
	if (!rc && with_number && by_b)
		rc = mdg_err_set(&err, MDG_ERR_STATE, "照合番号B does not open the My Number: use the PIN");
	if (!rc && with_number && !(number = secure_alloc(13, &err)))
		rc = err.code;
	if (!rc && with_number)
		rc = mynacard_read_my_number(&card, number, &err);
	if (rc)
		goto out;
	/* Fields the printer's kanji ROM (JIS X 0208) cannot show: staff check them on the form. */
	unsigned char cp[1024];
	size_t cpn;
	bool name_ok = escpos_rom_text(b->name, cp, sizeof cp, &cpn);
	bool addr_ok = escpos_rom_text(b->address, cp, sizeof cp, &cpn);
	secure_wipe(cp, sizeof cp);
	char shown[13] = "";
	if (number) {
		/* Masked unless --unmask: showing the number is "collecting" it (番号法). */
		if (cli_has(call, "unmask"))
			memcpy(shown, number, 13);
		else
			snprintf(shown, sizeof shown, "********%.4s", number + 8);
	}
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "reader", pcsc_reader(p));
		json_str(&j, "name", b->name);
		json_str(&j, "address", b->address);
		json_str(&j, "birth_date", b->birth_date);
		json_str(&j, "sex", card_sex_name(b->sex));
		json_arr_begin(&j, "unprintable");
		if (!name_ok)
			json_str(&j, NULL, "name");
		if (!addr_ok)
			json_str(&j, NULL, "address");
		json_arr_end(&j);
		if (number)
			json_str(&j, "my_number", shown);
		json_int(&j, "apdus", card.apdus);
		out_json_close(&j);
	} else {
		printf("%s\n%s\n%s  %s\n", b->name, b->address, b->birth_date, _(card_sex_name(b->sex)));
		if (number)
			printf("%s\n", shown);
		if (!name_ok || !addr_ok)
			printf(_("Check on paper: characters the printer cannot print in:%s%s\n"),
			       name_ok ? "" : _(" name"), addr_ok ? "" : _(" address"));
	}
	secure_wipe(shown, sizeof shown);
out:
	pcsc_close(&p);
	if (b)
		secure_wipe(b, sizeof *b);
	secure_free(b);
	secure_free(secret);
	secure_free(number);
	restore_signals(old);
	return rc ? card_fail(call, &err) : 0;
}

static int run_status(const struct cli_call *call)
{
	struct mdg_err err = { 0 };
	struct pcsc *p = NULL;
	struct mynacard_status st;
	struct sigaction old[2];
	int ms;
	enum mdg_status rc = card_begin(call, old, &ms, &err);
	if (rc)
		return cli_fail(call, &err);
	rc = pcsc_open(cli_get(call, "reader"), ms, &p, &err);
	if (rc) {
		restore_signals(old);
		return card_fail(call, &err);
	}
	struct mynacard card = { .ops = &pcsc_transport, .ctx = p };
	rc = mynacard_status(&card, &st, &err);
	if (rc) {
		pcsc_close(&p);
		restore_signals(old);
		return card_fail(call, &err);
	}
	/* Valid through notAfter; the clock may be pinned with MADOGUCHI_NOW. */
	bool cert_known = st.auth_cert_not_after[0] != '\0';
	bool cert_expired = cert_known && site_now() / 1000 > st.auth_cert_not_after_s;
	if (call->json) {
		struct json_writer j;
		out_json_open(&j);
		json_str(&j, "reader", pcsc_reader(p));
		json_str(&j, "token", st.token);
		json_obj_begin(&j, "pin_tries");
		json_int(&j, "input_support", st.tries_pin);
		json_int(&j, "jpki_auth", st.tries_jpki_auth);
		json_int(&j, "jpki_sign", st.tries_jpki_sign);
		json_obj_end(&j);
		json_bool(&j, "sign_cert_present", st.sign_cert_present);
		json_str(&j, "card_expiry", st.card_expiry[0] ? st.card_expiry : NULL);
		json_str(&j, "auth_cert_not_after", cert_known ? st.auth_cert_not_after : NULL);
		if (cert_known)
			json_bool(&j, "auth_cert_expired", cert_expired);
		else
			json_null(&j, "auth_cert_expired");
		json_int(&j, "apdus", card.apdus);
		out_json_close(&j);
	} else {
		printf(_("Reader: %s\n"), pcsc_reader(p));
		printf(_("PIN tries left: %d of 3\n"), st.tries_pin);
		printf(_("Certificate PIN tries left: %d of 3; signing password: %d of 5\n"),
		       st.tries_jpki_auth, st.tries_jpki_sign);
		printf(_("Card valid until %s\n"), st.card_expiry[0] ? st.card_expiry : "?");
		if (!cert_known)
			printf(_("Authentication certificate: expiry not readable\n"));
		else if (cert_expired)
			printf(_("Authentication certificate EXPIRED on %s: it can be renewed at the"
				 " counter\n"), st.auth_cert_not_after);
		else
			printf(_("Authentication certificate valid until %s\n"), st.auth_cert_not_after);
	}
	pcsc_close(&p);
	restore_signals(old);
	return 0;
}

const struct cli_cmd cmd_card_table[] = {
	{ .group = "card", .name = "read", .run = run_read,
	  .summary = "read name, address, birth date and sex from a My Number card (secret on stdin)",
	  .opts = { { "reader", "NAME", "the PC/SC reader (default: the first with a card)" },
		    { "pin-stdin", NULL, "read the 4-digit PIN from standard input" },
		    { "code-b-stdin", NULL, "read the 14-digit 照合番号B from standard input" },
		    { "with-number", NULL, "also the My Number (PIN only; shown masked)" },
		    { "unmask", NULL, "show the whole My Number (only where the procedure needs it)" },
		    { "wait", "SECONDS", "wait this long for a card (default 10; Ctrl-C stops the wait)" } } },
	{ .group = "card", .name = "status", .run = run_status,
	  .summary = "PIN tries left on a My Number card, without spending a try",
	  .opts = { { "reader", "NAME", "the PC/SC reader (default: the first with a card)" },
		    { "wait", "SECONDS", "wait this long for a card (default 10; Ctrl-C stops the wait)" } } },
	{ 0 },
};
