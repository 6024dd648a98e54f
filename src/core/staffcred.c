/* SPDX-License-Identifier: MIT */
/* staffcred: staff id, name and PIN rules. */
#include "core/staffcred.h"

#include <string.h>

#include "core/text.h"

enum staffpin_verdict staffpin_check(const char *pin, size_t len)
{
	if (len < STAFF_PIN_MIN || len > STAFF_PIN_MAX)
		return STAFFPIN_LENGTH;
	for (size_t i = 0; i < len; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return STAFFPIN_NOT_DIGITS;
	bool same = true, up = true, down = true;
	for (size_t i = 1; i < len; i++) {
		int prev = pin[i - 1] - '0', d = pin[i] - '0';
		same = same && d == prev;
		up = up && d == (prev + 1) % 10;
		down = down && d == (prev + 9) % 10;
	}
	if (same)
		return STAFFPIN_SAME;
	if (up || down)
		return STAFFPIN_RUN;
	return STAFFPIN_OK;
}

const char *staffpin_verdict_str(enum staffpin_verdict v)
{
	switch (v) {
	case STAFFPIN_OK: return "";
	case STAFFPIN_LENGTH: return "a staff PIN has 6 to 12 digits";
	case STAFFPIN_NOT_DIGITS: return "a staff PIN has digits only";
	case STAFFPIN_SAME: return "a staff PIN must not repeat one digit";
	case STAFFPIN_RUN: return "a staff PIN must not be a run of digits (123456, 987654)";
	}
	return "?";
}

bool staff_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n < 1 || n > STAFF_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

bool staff_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > STAFF_NAME_MAX || !text_utf8_valid(name, n))
		return false;
	char clean[STAFF_NAME_MAX + 1];
	return text_sanitize(name, clean, sizeof clean); /* no DEL, no bidi controls */
}
