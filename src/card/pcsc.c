/* SPDX-License-Identifier: MIT */
/* pcsc: pcsc-lite calls and their error translation. */
#include "card/pcsc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winscard.h>

struct pcsc {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	bool connected;
	char reader[256];
};

static enum mdg_status fail(LONG rc, struct mdg_err *err, const char *what)
{
	const char *why;
	switch (rc) {
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED: why = "the smart card service (pcscd) is not running"; break;
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE: why = "no card reader (is it plugged in?)"; break;
	case SCARD_E_TIMEOUT:
	case SCARD_E_NO_SMARTCARD: why = "no card on the reader"; break;
	case SCARD_W_REMOVED_CARD: why = "the card was removed"; break;
	case SCARD_W_RESET_CARD: why = "the card was reset by another program"; break;
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_W_UNRESPONSIVE_CARD: why = "the card does not answer (place it again)"; break;
	case SCARD_E_SHARING_VIOLATION: why = "another program is using the card"; break;
	case SCARD_E_NOT_TRANSACTED: why = "the card was removed during reading"; break;
	default: why = pcsc_stringify_error(rc); break;
	}
	return mdg_err_set(err, MDG_ERR_IO, "%s: %s", what, why);
}

enum mdg_status pcsc_open(const char *reader, int wait_ms, struct pcsc **out, struct mdg_err *err)
{
	*out = NULL;
	struct pcsc *p = calloc(1, sizeof *p);
	if (!p)
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	LONG rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
	if (rc != SCARD_S_SUCCESS) {
		free(p);
		return fail(rc, err, "card reader");
	}
	enum mdg_status st = MDG_OK;
	char names[4096];
	DWORD len = sizeof names;
	rc = SCardListReaders(p->ctx, NULL, names, &len);
	if (rc != SCARD_S_SUCCESS) {
		st = fail(rc, err, "card reader");
		goto out;
	}
	/* Candidate readers: the configured one, or all of them. */
	SCARD_READERSTATE rs[8];
	DWORD nrs = 0;
	for (const char *n = names; *n && nrs < 8; n += strlen(n) + 1) {
		if (reader && strcmp(reader, n) != 0)
			continue;
		memset(&rs[nrs], 0, sizeof rs[nrs]);
		rs[nrs].szReader = n;
		rs[nrs].dwCurrentState = SCARD_STATE_UNAWARE;
		nrs++;
	}
	if (nrs == 0) {
		st = mdg_err_set(err, MDG_ERR_IO, "card reader '%s' not found", reader ? reader : "");
		goto out;
	}
	/* Wait until one of them holds a card (or the time is up). */
	rc = SCardGetStatusChange(p->ctx, 0, rs, nrs);
	for (int waited = 0;; ) {
		for (DWORD i = 0; rc == SCARD_S_SUCCESS && i < nrs; i++) {
			if (rs[i].dwEventState & SCARD_STATE_PRESENT) {
				snprintf(p->reader, sizeof p->reader, "%s", rs[i].szReader);
				goto found;
			}
			rs[i].dwCurrentState = rs[i].dwEventState;
		}
		if (waited >= wait_ms) {
			st = fail(SCARD_E_TIMEOUT, err, "card reader");
			goto out;
		}
		rc = SCardGetStatusChange(p->ctx, 200, rs, nrs);
		waited += 200;
		if (rc != SCARD_S_SUCCESS && rc != SCARD_E_TIMEOUT) {
			st = fail(rc, err, "card reader");
			goto out;
		}
		if (rc == SCARD_E_TIMEOUT)
			rc = SCARD_S_SUCCESS;
	}
found:;
	DWORD proto;
	rc = SCardConnect(p->ctx, p->reader, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0,
			  &p->card, &proto);
	if (rc != SCARD_S_SUCCESS) {
		st = fail(rc, err, p->reader);
		goto out;
	}
	p->connected = true;
out:
	if (st) {
		pcsc_close(&p);
		return st;
	}
	*out = p;
	return MDG_OK;
}

void pcsc_close(struct pcsc **pp)
{
	if (!pp || !*pp)
		return;
	struct pcsc *p = *pp;
	if (p->connected)
		SCardDisconnect(p->card, SCARD_UNPOWER_CARD); /* no verified PIN outlives us */
	SCardReleaseContext(p->ctx);
	free(p);
	*pp = NULL;
}

const char *pcsc_reader(const struct pcsc *p)
{
	return p->reader;
}

static enum mdg_status transmit(void *ctx, const uint8_t *cmd, size_t n, uint8_t *resp,
				size_t *resp_n, struct mdg_err *err)
{
	struct pcsc *p = ctx;
	DWORD rn = (DWORD)*resp_n;
	LONG rc = SCardTransmit(p->card, SCARD_PCI_T1, cmd, (DWORD)n, NULL, resp, &rn);
	if (rc != SCARD_S_SUCCESS)
		return fail(rc, err, "card");
	*resp_n = rn; /* under two bytes is refused by mynacard_transmit */
	return MDG_OK;
}

const struct apdu_transport_ops pcsc_transport = { .transmit = transmit };
