/* SPDX-License-Identifier: MIT */
/* Fuzz target: the card's answers. A scripted transport answers every APDU of mynacard_status
 * and of the read (SELECT, the counter, VERIFY, basic-4, the My Number) from the input, so that
 * any card - 61xx chains, 6Cxx, short or empty responses, odd status words, lengths that do not
 * fit - ends in a result, never a crash or a read past a buffer. It also traps when the code
 * sends a second VERIFY with a secret in one session, or one the PIN policy did not allow.
 * Input: one flags byte (1 status first, 2 照合番号B instead of the PIN, 4 at the kiosk, 8 also
 * the My Number), then responses, each a 2-byte big-endian length and that many bytes (fewer
 * when the input ends). A response longer than the caller's buffer fails as PC/SC does
 * (SCARD_E_INSUFFICIENT_BUFFER); the end of the input is a removed card. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "card/mynacard.h"
#include "core/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct script {
	const uint8_t *p;
	size_t n;                       /* input left */
	unsigned verifies;              /* VERIFYs with a secret in this session */
	uint16_t last_sw;               /* the status word of the previous response (0: none) */
	bool kiosk;
};

static void trap_unless(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* What the PIN policy allows: the previous answer (to the empty VERIFY) said x tries left,
 * x > 0, and at the kiosk every try (3 for the PIN, 10 for 照合番号B). */
static void check_verify(struct script *s, const uint8_t *cmd, size_t n)
{
	if (n <= 5 || cmd[1] != 0x20)
		return;
	s->verifies++;
	trap_unless(s->verifies == 1);
	unsigned x = s->last_sw & 0x0F;
	trap_unless((s->last_sw & 0xFFF0) == 0x63C0 && x > 0);
	if (s->kiosk)
		trap_unless(x >= ((cmd[3] & 0x1F) == 0x11 ? 3u : 10u));
}

static enum mdg_status scripted(void *ctx, const uint8_t *cmd, size_t n, uint8_t *resp,
				size_t *resp_n, struct mdg_err *err)
{
	struct script *s = ctx;
	trap_unless(n >= 4 && n <= APDU_MAX && cmd[0] == 0x00);
	check_verify(s, cmd, n);
	if (s->n < 2)
		return mdg_err_set(err, MDG_ERR_IO, "card: the card was removed");
	size_t len = (size_t)s->p[0] << 8 | s->p[1];
	s->p += 2;
	s->n -= 2;
	if (len > s->n)
		len = s->n;
	const uint8_t *r = s->p;
	s->p += len;
	s->n -= len;
	if (len > *resp_n)
		return mdg_err_set(err, MDG_ERR_IO, "card: insufficient buffer");
	memcpy(resp, r, len);
	*resp_n = len;
	s->last_sw = len >= 2 ? (uint16_t)(r[len - 2] << 8 | r[len - 1]) : 0;
	return MDG_OK;
}

static const struct apdu_transport_ops SCRIPTED = { .transmit = scripted };

static void check_text(const char *t, size_t cap)
{
	trap_unless(memchr(t, '\0', cap) != NULL);
}

static void status_flow(struct script *s)
{
	struct mynacard c = { .ops = &SCRIPTED, .ctx = s };
	struct mynacard_status st;
	struct mdg_err err = { 0 };
	if (mynacard_status(&c, &st, &err) == MDG_OK) {
		check_text(st.token, sizeof st.token);
		check_text(st.card_expiry, sizeof st.card_expiry);
		trap_unless(st.tries_pin >= -1 && st.tries_pin <= 15);
	}
	trap_unless(s->verifies == 0); /* the status never sends a secret */
	check_text(err.msg, sizeof err.msg);
}

static void read_flow(struct script *s, bool code_b, bool with_number)
{
	struct mynacard c = { .ops = &SCRIPTED, .ctx = s };
	struct mdg_err err = { 0 };
	enum pin_decision d;
	enum apdu_pin_state st;
	int tries = -1;
	const char *secret = code_b ? "23031520334821" : "1234";
	s->verifies = 0;
	s->last_sw = 0;
	enum mdg_status rc = mynacard_select_kenhojo(&c, &err);
	if (!rc)
		rc = mynacard_verify(&c, code_b ? MYNA_KEY_CODE_B : MYNA_KEY_PIN,
				     s->kiosk ? PIN_AT_KIOSK : PIN_AT_COUNTER, secret, strlen(secret),
				     &d, &st, &tries, &err);
	struct card_basic4 b;
	if (!rc) {
		rc = mynacard_read_basic4(&c, &b, &err);
		if (!rc)
			trap_unless(b.name[0] && b.address[0] && memchr(b.name, '\0', sizeof b.name) &&
				    memchr(b.address, '\0', sizeof b.address));
	}
	if (!rc && with_number && !code_b) {
		char number[13];
		if (mynacard_read_my_number(&c, number, &err) == MDG_OK) {
			trap_unless(strlen(number) == 12);
			for (int i = 0; i < 12; i++)
				trap_unless(number[i] >= '0' && number[i] <= '9');
		}
	}
	check_text(err.msg, sizeof err.msg);
}

/* Log lines (a card's bad certificate, say) are formatted, then dropped: none may hold the
 * secret that was sent. */
static void quiet(void *ctx, enum mlog_level level, const char *line)
{
	(void)ctx;
	(void)level;
	trap_unless(strstr(line, "23031520334821") == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	mlog_set_sink(quiet, NULL);
	struct script s = { .p = data + 1, .n = size - 1, .kiosk = data[0] & 4 };
	if (data[0] & 1)
		status_flow(&s);
	read_flow(&s, data[0] & 2, data[0] & 8);
	return 0;
}
