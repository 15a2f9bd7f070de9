/* i18n.h - gettext for every user-facing string (domain "bzj"). */
#ifndef BZJ_I18N_H
#define BZJ_I18N_H

#include <libintl.h>

#define BZJ_TEXTDOMAIN "bzj"
/* dgettext, remembered by the msgid's address (core/i18n.c) */
char *bzj_gettext(const char *msgid) __attribute__((format_arg(1)));
#define _(s) bzj_gettext(s)
#define N_(s) (s)

#endif
