/* date.c - civil dates as day numbers since 1970-01-01 (date.h).
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days:
 * exact for the proleptic Gregorian calendar, no mktime, no time zones.
 * "Today" is China time, UTC+8 all year (no daylight saving since 1991). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bzj/date.h"
#include "bzj/i18n.h"

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2999

static bzj_date today_override = BZJ_DATE_NONE;

/* Floor division and modulo, for day and month numbers before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

bzj_date bzj_date_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * ((int64_t)m + (m > 2 ? -3 : 9)) + 2) / 5 + (int64_t)d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (bzj_date)(era * 146097 + doe - 719468);
}

void bzj_date_to_ymd(bzj_date d, int *y, int *m, int *dd)
{
	int64_t z = (int64_t)d + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t day = doy - (153 * mp + 2) / 5 + 1;
	int64_t mon = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = yoe + era * 400 + (mon <= 2);

	if (y)
		*y = (int)year;
	if (m)
		*m = (int)mon;
	if (dd)
		*dd = (int)day;
}

int bzj_date_weekday(bzj_date d)
{
	/* 1970-01-01 was a Thursday (ISO 4). */
	return (int)floor_mod((int64_t)d + 3, 7) + 1;
}

int bzj_date_year(bzj_date d)
{
	int y;

	bzj_date_to_ymd(d, &y, NULL, NULL);
	return y;
}

bzj_month bzj_date_month(bzj_date d)
{
	int y, m;

	bzj_date_to_ymd(d, &y, &m, NULL);
	return y * 12 + (m - 1);
}

bzj_date bzj_month_day(bzj_month m, int day)
{
	return bzj_date_from_ymd((int)floor_div(m, 12), (int)floor_mod(m, 12) + 1, day);
}

/* Read exactly `n` decimal digits at s. */
static int read_digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parse "YYYY-MM" at the start of s; the caller checks what follows. */
static int read_year_month(const char *s, int *y, int *m)
{
	if (read_digits(s, 4, y) || s[4] != '-' || read_digits(s + 5, 2, m))
		return -1;
	return 0;
}

int bzj_date_parse(const char *s, const char *field, bzj_date *out, bzj_err *e)
{
	char q[64];
	int y, m, d;

	if (!field)
		field = "date";
	if (!s)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: missing (a date YYYY-MM-DD, e.g. 2026-03-15)"), field);
	/* quoted for a message only: this runs for every line of an import */
	if (strlen(s) != 10 || read_year_month(s, &y, &m) || s[7] != '-' ||
	    read_digits(s + 8, 2, &d))
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: '%s' is not a date (YYYY-MM-DD, e.g. 2026-03-15)"), field,
				bzj_err_quote(s, q, sizeof q));
	if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: '%s': the year must be between %d and %d"), field,
				bzj_err_quote(s, q, sizeof q), DATE_MIN_YEAR, DATE_MAX_YEAR);
	if (m < 1 || m > 12)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: '%s' is not a date: there is no month %02d"), field,
				bzj_err_quote(s, q, sizeof q), m);
	if (d < 1 || d > days_in_month(y, m))
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: '%s' is not a date: %04d-%02d has %d days"), field,
				bzj_err_quote(s, q, sizeof q), y, m, days_in_month(y, m));
	if (out)
		*out = bzj_date_from_ymd(y, m, d);
	return BZJ_OK;
}

int bzj_month_parse(const char *s, const char *field, bzj_month *out, bzj_err *e)
{
	char q[64];
	int y, m;

	if (!field)
		field = "month";
	if (!s)
		return bzj_fail(e, BZJ_EINPUT, "input.month",
				_("%s: missing (a month YYYY-MM, e.g. 2026-03)"), field);
	/* quoted for a message only: this runs for every line of a GMV feed */
	if (strlen(s) != 7 || read_year_month(s, &y, &m))
		return bzj_fail(e, BZJ_EINPUT, "input.month",
				_("%s: '%s' is not a month (YYYY-MM, e.g. 2026-03)"), field,
				bzj_err_quote(s, q, sizeof q));
	if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR)
		return bzj_fail(e, BZJ_EINPUT, "input.month",
				_("%s: '%s': the year must be between %d and %d"), field,
				bzj_err_quote(s, q, sizeof q), DATE_MIN_YEAR, DATE_MAX_YEAR);
	if (m < 1 || m > 12)
		return bzj_fail(e, BZJ_EINPUT, "input.month",
				_("%s: '%s' is not a month: there is no month %02d"), field,
				bzj_err_quote(s, q, sizeof q), m);
	if (out)
		*out = y * 12 + (m - 1);
	return BZJ_OK;
}

char *bzj_date_fmt(bzj_date d, char *buf, size_t n)
{
	int y, m, dd;

	if (!buf || n == 0)
		return buf;
	if (d == BZJ_DATE_NONE) {
		snprintf(buf, n, "-");
		return buf;
	}
	bzj_date_to_ymd(d, &y, &m, &dd);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, dd);
	return buf;
}

char *bzj_month_fmt(bzj_month m, char *buf, size_t n)
{
	if (buf && n > 0)
		snprintf(buf, n, "%04d-%02d", (int)floor_div(m, 12), (int)floor_mod(m, 12) + 1);
	return buf;
}

bzj_date bzj_today(void)
{
	int64_t secs;

	if (today_override != BZJ_DATE_NONE)
		return today_override;
	secs = (int64_t)time(NULL) + 8 * 3600;
	return (bzj_date)floor_div(secs, 86400);
}

void bzj_today_set(bzj_date d)
{
	/* BZJ_DATE_NONE goes back to the clock. */
	today_override = d;
}
