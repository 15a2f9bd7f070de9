/* i18n.h - gettext for every user-facing string (domain "bzj"). */
#ifndef BZJ_I18N_H
#define BZJ_I18N_H

#include <libintl.h>

#define BZJ_TEXTDOMAIN "bzj"
#define _(s) dgettext(BZJ_TEXTDOMAIN, s)
#define N_(s) (s)

#endif
