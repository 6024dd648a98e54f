/* SPDX-License-Identifier: MIT */
/* sink: where printer bytes go, from a terminal's `printer:` setting:
 *   file:/PATH          appended to a file (tests, spooling)
 *   device:/dev/usb/lp0 a USB printer through the kernel's usblp driver
 *   tcp:HOST:PORT       a LAN printer's raw port (9100)
 *   cups:QUEUE          a raw job on a local CUPS queue
 * Every sink gives up after timeout_ms with a clear message: a dead printer never hangs a
 * kiosk. The bytes are sent whole or the call fails; partial writes are retried. */
#ifndef MDG_PRINT_SINK_H
#define MDG_PRINT_SINK_H

#include <stddef.h>

#include "core/status.h"

/* Sends n bytes to the sink spec. MDG_ERR_INVALID (bad spec), MDG_ERR_IO (the printer or its
 * path is gone, refused, timed out; the message says which), MDG_ERR_FULL. */
enum mdg_status sink_send(const char *spec, const void *data, size_t n, int timeout_ms,
			  const char *title, struct mdg_err *err);

#endif
