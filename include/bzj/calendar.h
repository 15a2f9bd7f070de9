/* calendar.h - China's business days: Mon-Fri minus public holidays plus
 * adjusted working weekend days.  Years must be loaded explicitly: a date in
 * a year that is not loaded is an error (code "calendar.missing_year"), never
 * a guess. */
#ifndef BZJ_CALENDAR_H
#define BZJ_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include "bzj/date.h"
#include "bzj/err.h"

#define BZJ_CAL_MIN_YEAR 1970
#define BZJ_CAL_MAX_YEAR 2199

enum bzj_cal_kind { BZJ_CAL_NORMAL = 0, BZJ_CAL_HOLIDAY = 1, BZJ_CAL_WORKDAY = 2 };

typedef struct bzj_cal bzj_cal;

bzj_cal *bzj_cal_new(void);
void bzj_cal_free(bzj_cal *c);

/* Mark year as loaded (a year with no holidays at all is still loaded). */
int bzj_cal_add_year(bzj_cal *c, int year, bzj_err *e);
bool bzj_cal_has_year(const bzj_cal *c, int year);
/* Set one day's kind; also marks its year loaded.  A holiday on a day that
 * is already a workday (or the reverse) is refused: "calendar.conflict". */
int bzj_cal_set(bzj_cal *c, bzj_date d, int kind, bzj_err *e);
int bzj_cal_kind(const bzj_cal *c, bzj_date d);

/* Parse the TSV format of data/holidays.tsv:
 *   date<TAB>holiday|workday<TAB>name_en<TAB>name_zh   ('#' lines ignored)
 * UTF-8 only; CRLF accepted.  On error nothing is added to c and the message
 * names the line number and field ("calendar.format").  For each parsed row
 * `row` (if not NULL) is called so a caller can keep the names. */
typedef int (*bzj_cal_row_fn)(void *ctx, bzj_date d, int kind, const char *name_en,
			      const char *name_zh, bzj_err *e);
int bzj_cal_parse_tsv(bzj_cal *c, const char *text, size_t len, bzj_cal_row_fn row, void *ctx,
		      bzj_err *e);

int bzj_cal_is_business(const bzj_cal *c, bzj_date d, bool *out, bzj_err *e);
/* The n-th business day strictly after `from` (n >= 1). */
int bzj_cal_add_business(const bzj_cal *c, bzj_date from, int n, bzj_date *out, bzj_err *e);

#endif
