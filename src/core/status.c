/* SPDX-License-Identifier: MIT */
/* status: message and exit-code tables generated from MDG_STATUS_LIST, and the error record. */
#include "core/status.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *msg;
	int exit;
} status_info[] = {
#define MDG_X_INFO(name, ex, m) [name] = { m, ex },
	MDG_STATUS_LIST(MDG_X_INFO)
#undef MDG_X_INFO
};

const char *mdg_status_str(enum mdg_status s)
{
	if ((unsigned)s >= MDG_STATUS_COUNT)
		return "unknown status";
	return status_info[s].msg;
}

int mdg_status_exit(enum mdg_status s)
{
	if ((unsigned)s >= MDG_STATUS_COUNT)
		return 1;
	return status_info[s].exit;
}

enum mdg_status mdg_err_set(struct mdg_err *err, enum mdg_status code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	if (!fmt || !*fmt) {
		snprintf(err->msg, sizeof err->msg, "%s", mdg_status_str(code));
		return code;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void mdg_err_clear(struct mdg_err *err)
{
	if (!err)
		return;
	err->code = MDG_OK;
	err->msg[0] = '\0';
}

void mdg_err_prefix(struct mdg_err *err, const char *fmt, ...)
{
	if (!err)
		return;
	char pre[128], old[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* Truncation is acceptable: the message keeps its start. */
	if (snprintf(err->msg, sizeof err->msg, "%s: %s", pre, old) < 0)
		err->msg[0] = '\0';
}
