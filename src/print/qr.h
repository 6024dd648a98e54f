/* SPDX-License-Identifier: MIT */
/* qr: a QR code's module matrix (libqrencode, error level M). The same matrix feeds the
 * screen, the printer raster and the previews. */
#ifndef MDG_PRINT_QR_H
#define MDG_PRINT_QR_H

#include "core/status.h"

struct qr_matrix {
	int width;             /* modules per side, without the quiet zone */
	int version;           /* 1..40 */
	unsigned char *dark;   /* width * width cells, row-major, 1 = dark (owned) */
};

/* Encodes text at level M, smallest version first; MDG_ERR_INVALID when it needs a version
 * above max_version (cheap scanners read up to 4), MDG_ERR_NOMEM. out: qr_free. */
enum mdg_status qr_encode(const char *text, int max_version, struct qr_matrix *out,
			  struct mdg_err *err);

/* Frees the matrix; NULL-safe. */
void qr_free(struct qr_matrix *m);

#endif
