/* SPDX-License-Identifier: MIT */
/* i18n: gettext wiring (glibc's libintl, so still libc only). Catalogs are named after glibc's
 * language[_territory][@modifier] grammar; やさしい日本語 is "ja@easy" and falls back to "ja". */
#ifndef MDG_CORE_I18N_H
#define MDG_CORE_I18N_H

#include <libintl.h>

#define MDG_TEXTDOMAIN "madoguchi"
#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the text domain to dir (borrowed) with UTF-8 output. 0, or -1 when dir is unusable. */
int i18n_bind(const char *dir);

/* Switches the language of every later lookup at once: sets LANGUAGE to "lang:base" (so that
 * ja@easy falls back to ja) and invalidates glibc's catalog cache. NULL or "" restores the
 * process locale's language. Not thread-safe (setenv); call from the main thread. */
void i18n_set_language(const char *lang);

/* Sets LANGUAGE to exactly list (as saved from getenv before a switch), or unsets it for NULL,
 * and invalidates the catalog cache: undoes i18n_set_language. */
void i18n_restore_language(const char *list);

/* True when lang is a well-formed catalog code: [a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?. */
int i18n_lang_valid(const char *lang);

#endif
