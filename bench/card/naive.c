/* SPDX-License-Identifier: MIT */
/* bench/card/naive: the straightforward APDU sequence most readers of the My Number card send,
 * for comparison with ours (bench/card/run): every EF is SELECTed by file id before it is used,
 * every VERIFY is preceded by a SELECT of the key's EF, and a file is read as a 7-byte header
 * READ BINARY (to learn the TLV length) and then the rest in chunks of at most 256 bytes.
 *   naive read   < PIN     PIN + basic-4
 *   naive status           the retry counters of the three keys, the JPKI token, certificate
 *                          availability, the authentication certificate and the card expiry
 * Prints {"apdus": N, "ok": true} (the bench measures the wall time around the process, as it
 * does for `madoguchi card ...`). Bench-only: not installed. */
#include <stdio.h>
#include <string.h>

#include "card/mynacard.h"
#include "card/pcsc.h"
#include "core/apdu.h"
#include "core/cardtext.h"
#include "secure/hash.h"
#include "secure/mem.h"

static int send(struct mynacard *c, const struct apdu *a, uint8_t *r, size_t *n, uint16_t *sw)
{
	struct mdg_err err = { 0 };
	*n = 4096;
	if (mynacard_transmit(c, a, r, n, &err) != MDG_OK) {
		fprintf(stderr, "naive: %s\n", err.msg);
		return -1;
	}
	*sw = apdu_sw(r, *n);
	return 0;
}

static int select_df(struct mynacard *c, const uint8_t *aid)
{
	struct apdu a;
	uint8_t r[4096];
	size_t n;
	uint16_t sw;
	apdu_select_df(&a, aid, 10);
	return send(c, &a, r, &n, &sw) || sw != 0x9000 ? -1 : 0;
}

static int select_ef(struct mynacard *c, uint16_t fid)
{
	struct apdu a;
	uint8_t r[4096];
	size_t n;
	uint16_t sw;
	apdu_select_ef(&a, fid);
	return send(c, &a, r, &n, &sw) || sw != 0x9000 ? -1 : 0;
}

/* SELECT EF + empty VERIFY on the current EF. */
static int tries(struct mynacard *c, uint16_t key)
{
	struct apdu a;
	uint8_t r[64];
	size_t n;
	uint16_t sw;
	if (select_ef(c, key))
		return -1;
	apdu_verify_status(&a, 0);
	return send(c, &a, r, &n, &sw);
}

/* SELECT EF, a 7-byte header read, then the object in chunks. Returns its size, or -1. */
static long read_file(struct mynacard *c, uint16_t fid, uint8_t *buf, size_t cap)
{
	struct apdu a;
	uint8_t r[4096];
	size_t n;
	uint16_t sw;
	if (select_ef(c, fid))
		return -1;
	apdu_read_binary(&a, 0, 7);
	if (send(c, &a, r, &n, &sw) || !apdu_sw_data_ok(sw) || n < 9)
		return -1;
	size_t size = card_object_size(r, n - 2);
	long total = (long)size;
	if (size == 0 || size > cap)
		return -1;
	memcpy(buf, r, 7);
	for (long have = 7; have < total;) {
		unsigned ask = total - have > 256 ? 256 : (unsigned)(total - have);
		apdu_read_binary(&a, (unsigned)have, ask);
		if (send(c, &a, r, &n, &sw) || !apdu_sw_data_ok(sw) || n <= 2)
			return -1;
		memcpy(buf + have, r, n - 2);
		have += (long)(n - 2);
	}
	return total;
}

static int run_read(struct mynacard *c)
{
	struct mdg_err err = { 0 };
	char *pin = secure_alloc(32, &err);
	if (!pin || !fgets(pin, 32, stdin)) {
		secure_free(pin);
		return -1;
	}
	pin[strcspn(pin, "\r\n")] = '\0';
	struct apdu a;
	uint8_t r[64];
	size_t n;
	uint16_t sw;
	int rc = -1;
	uint8_t *file = secure_alloc(4096, &err);
	if (file && select_df(c, APDU_AID_KENHOJO) == 0 && tries(c, MYNA_KEY_PIN) == 0 &&
	    apdu_verify(&a, 0, pin, strlen(pin)) && send(c, &a, r, &n, &sw) == 0 && sw == 0x9000)
		rc = read_file(c, 0x0002, file, 4096) > 0 ? 0 : -1;
	secure_wipe(&a, sizeof a);
	secure_free(file);
	secure_free(pin);
	return rc;
}

static int run_status(struct mynacard *c)
{
	struct apdu a;
	uint8_t r[4096], cert[4096];
	size_t n;
	uint16_t sw;
	if (select_df(c, APDU_AID_KENHOJO) || tries(c, MYNA_KEY_PIN))
		return -1;
	if (select_df(c, APDU_AID_JPKI) || select_ef(c, 0x0006))
		return -1;
	apdu_read_binary(&a, 0, 32);
	if (send(c, &a, r, &n, &sw) || select_ef(c, 0x0008))
		return -1;
	apdu_read_binary(&a, 0, 3);
	if (send(c, &a, r, &n, &sw))
		return -1;
	/* The certificate when the simulator has one (a DER SEQUENCE with a 2-byte length). */
	(void)read_file(c, 0x000A, cert, sizeof cert);
	if (tries(c, MYNA_KEY_JPKI_AUTH) || tries(c, MYNA_KEY_JPKI_SIGN))
		return -1;
	if (select_df(c, APDU_AID_COMMON) || select_ef(c, 0x0001))
		return -1;
	apdu_read_record(&a, 1);
	return send(c, &a, r, &n, &sw);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "read") && strcmp(argv[1], "status"))) {
		fprintf(stderr, "usage: naive read|status  (read takes the PIN on stdin)\n");
		return 2;
	}
	struct mdg_err err = { 0 };
	if (secure_init(&err) != MDG_OK) {
		fprintf(stderr, "naive: %s\n", err.msg);
		return 1;
	}
	struct pcsc *p = NULL;
	if (pcsc_open(NULL, 3000, &p, &err) != MDG_OK) {
		fprintf(stderr, "naive: %s\n", err.msg);
		return 1;
	}
	struct mynacard c = { .ops = &pcsc_transport, .ctx = p };
	int rc = strcmp(argv[1], "read") == 0 ? run_read(&c) : run_status(&c);
	pcsc_close(&p);
	printf("{\"ok\": %s, \"apdus\": %u}\n", rc ? "false" : "true", c.apdus);
	return rc ? 1 : 0;
}
