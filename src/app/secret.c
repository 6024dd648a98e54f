/* SPDX-License-Identifier: MIT */
/* secret: unbuffered, unechoed secret lines from stdin. */
#include "app/secret.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/i18n.h"
#include "secure/hash.h"
#include "secure/mem.h"

bool secret_interactive(void)
{
	return isatty(STDIN_FILENO) == 1;
}

size_t secret_read_line(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	bool tty = secret_interactive() && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		if (prompt)
			fprintf(stderr, "%s", prompt);
		fflush(stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	size_t n = 0;
	char ch;
	while (read(STDIN_FILENO, &ch, 1) == 1 && ch != '\n') {
		if (ch != '\r' && n + 1 < size)
			buf[n++] = ch;
	}
	ch = 0;
	buf[n] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	return n;
}

enum mdg_status secret_read_new(const char *prompt, const char *again, char *buf, size_t size,
				size_t *len, struct mdg_err *err)
{
	*len = secret_read_line(prompt, buf, size);
	if (!secret_interactive())
		return MDG_OK;
	char *second = secure_alloc(size, err);
	if (!second)
		return err->code;
	size_t n = secret_read_line(again, second, size);
	bool same = n == *len && secure_equal(buf, second, n);
	secure_free(second);
	if (same)
		return MDG_OK;
	secure_wipe(buf, size);
	*len = 0;
	return mdg_err_set(err, MDG_ERR_INVALID, _("the two entries differ; nothing was changed"));
}
