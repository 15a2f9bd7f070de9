/* holidays.h - the business-day calendar kept in the database: supervisors
 * import each new year's holidays and adjusted workdays (the TSV format of
 * data/holidays.tsv). */
#ifndef BZJ_HOLIDAYS_H
#define BZJ_HOLIDAYS_H

#include <stddef.h>
#include "bzj/ctx.h"

/* All-or-nothing: the whole file is validated before anything is written.
 * Reloads x->cal on success. */
int bzj_calendar_import(bzj_ctx *x, const char *text, size_t len, int *rows, int *years,
			bzj_err *e);

/* The calendar shipped with bzj (data/holidays.tsv, compiled in): what a
 * command that needs no database (`calendar next`) reads when there is
 * none.  The caller frees *out with bzj_cal_free. */
int bzj_calendar_builtin(bzj_cal **out, bzj_err *e);

#endif
