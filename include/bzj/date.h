/* date.h - calendar dates in China time as day numbers, and "today". */
#ifndef BZJ_DATE_H
#define BZJ_DATE_H

#include <stdint.h>
#include "bzj/err.h"

/* Days since 1970-01-01 (proleptic Gregorian).  Years 1900..2999 only. */
typedef int32_t bzj_date;
#define BZJ_DATE_NONE INT32_MIN

/* A month as year*12 + (month-1). */
typedef int32_t bzj_month;

/* Strict "YYYY-MM-DD"; impossible dates (2026-02-30) refused.
 * Error code "input.date", message names `field`. */
int bzj_date_parse(const char *s, const char *field, bzj_date *out, bzj_err *e);
/* Strict "YYYY-MM"; error code "input.month". */
int bzj_month_parse(const char *s, const char *field, bzj_month *out, bzj_err *e);

/* "YYYY-MM-DD" into buf (>= 11 bytes); "-" for BZJ_DATE_NONE. */
char *bzj_date_fmt(bzj_date d, char *buf, size_t n);
/* "YYYY-MM" into buf (>= 8 bytes). */
char *bzj_month_fmt(bzj_month m, char *buf, size_t n);

bzj_date bzj_date_from_ymd(int y, int m, int d);
void bzj_date_to_ymd(bzj_date d, int *y, int *m, int *dd);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int bzj_date_weekday(bzj_date d);
bzj_month bzj_date_month(bzj_date d);
bzj_date bzj_month_day(bzj_month m, int day); /* day-th of month m */
int bzj_date_year(bzj_date d);

/* The process-wide today.  Defaults to the current date in UTC+8; set once
 * at start from --today / BZJ_TODAY so every rule is testable. */
bzj_date bzj_today(void);
void bzj_today_set(bzj_date d);

#endif
