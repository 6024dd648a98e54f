/* SPDX-License-Identifier: MIT */
/* qr: libqrencode wrapper. */
#include "print/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

enum mdg_status qr_encode(const char *text, int max_version, struct qr_matrix *out,
			  struct mdg_err *err)
{
	memset(out, 0, sizeof *out);
	/* QR_MODE_8 hint: libqrencode still picks alphanumeric segments for MDG1 payloads. */
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return mdg_err_set(err, errno == ENOMEM ? MDG_ERR_NOMEM : MDG_ERR_INVALID,
				   "cannot encode a QR code: %s", strerror(errno));
	if (q->version > max_version) {
		int v = q->version;
		QRcode_free(q);
		return mdg_err_set(err, MDG_ERR_INVALID, "the QR code needs version %d (at most %d)", v,
				   max_version);
	}
	out->dark = malloc((size_t)q->width * (size_t)q->width);
	if (!out->dark) {
		QRcode_free(q);
		return mdg_err_set(err, MDG_ERR_NOMEM, NULL);
	}
	out->width = q->width;
	out->version = q->version;
	for (int i = 0; i < q->width * q->width; i++)
		out->dark[i] = q->data[i] & 1;
	QRcode_free(q);
	return MDG_OK;
}

void qr_free(struct qr_matrix *m)
{
	if (!m)
		return;
	free(m->dark);
	m->dark = NULL;
	m->width = 0;
}
