/* SPDX-License-Identifier: MIT */
/* i18n: binding the catalogs and switching the language per resident at run time. */
#include "core/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int i18n_bind(const char *dir)
{
	struct stat st;
	if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return -1;
	if (!bindtextdomain(MDG_TEXTDOMAIN, dir))
		return -1;
	bind_textdomain_codeset(MDG_TEXTDOMAIN, "UTF-8");
	textdomain(MDG_TEXTDOMAIN);
	return 0;
}

void i18n_set_language(const char *lang)
{
	if (!lang || !*lang) {
		unsetenv("LANGUAGE");
	} else {
		char list[96];
		size_t base = strcspn(lang, "_@");
		if (lang[base])
			snprintf(list, sizeof list, "%s:%.*s", lang, (int)base, lang);
		else
			snprintf(list, sizeof list, "%s", lang);
		setenv("LANGUAGE", list, 1);
	}
	/* glibc caches translations; re-setting the domain invalidates the cache. */
	textdomain(MDG_TEXTDOMAIN);
}

void i18n_restore_language(const char *list)
{
	if (list)
		setenv("LANGUAGE", list, 1);
	else
		unsetenv("LANGUAGE");
	textdomain(MDG_TEXTDOMAIN);
}

int i18n_lang_valid(const char *lang)
{
	if (!lang)
		return 0;
	const char *p = lang;
	size_t n = 0;
	while (islower((unsigned char)*p)) {
		p++;
		n++;
	}
	if (n < 2 || n > 3)
		return 0;
	if (*p == '_') {
		if (!isupper((unsigned char)p[1]) || !isupper((unsigned char)p[2]))
			return 0;
		p += 3;
	}
	if (*p == '@') {
		p++;
		if (!islower((unsigned char)*p))
			return 0;
		while (islower((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}
