/* test_date.c - day numbers, strict date and month parsing, today. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bzj/date.h"

static bzj_date D(const char *s)
{
	bzj_date d = BZJ_DATE_NONE;

	assert_int_equal(bzj_date_parse(s, "date", &d, NULL), BZJ_OK);
	return d;
}

static void day_numbers_count_from_1970(void **state)
{
	(void)state;
	assert_int_equal(bzj_date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(bzj_date_from_ymd(1970, 1, 2), 1);
	assert_int_equal(bzj_date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(bzj_date_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(bzj_date_from_ymd(2026, 2, 13), 20497);
	assert_int_equal(bzj_date_from_ymd(1900, 1, 1), -25567);
	assert_int_equal(bzj_date_from_ymd(2200, 1, 1), 84006);
}

static void ymd_round_trips_over_every_day_1900_to_2999(void **state)
{
	bzj_date d, first = bzj_date_from_ymd(1900, 1, 1), last = bzj_date_from_ymd(2999, 12, 31);
	int y, m, dd, py = 1899, pm = 12, pd = 31;

	(void)state;
	for (d = first; d <= last; d++) {
		bzj_date_to_ymd(d, &y, &m, &dd);
		assert_int_equal(bzj_date_from_ymd(y, m, dd), d);
		/* consecutive: next day, or day 1 of the next month/year */
		if (dd != pd + 1) {
			assert_int_equal(dd, 1);
			assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
		}
		py = y;
		pm = m;
		pd = dd;
	}
}

static void weekday_is_iso(void **state)
{
	(void)state;
	assert_int_equal(bzj_date_weekday(0), 4);		  /* 1970-01-01 Thu */
	assert_int_equal(bzj_date_weekday(-1), 3);		  /* 1969-12-31 Wed */
	assert_int_equal(bzj_date_weekday(D("2026-02-13")), 5); /* Fri */
	assert_int_equal(bzj_date_weekday(D("2026-02-14")), 6); /* Sat */
	assert_int_equal(bzj_date_weekday(D("2026-02-15")), 7); /* Sun */
	assert_int_equal(bzj_date_weekday(D("2026-02-16")), 1); /* Mon */
	assert_int_equal(bzj_date_weekday(D("1900-01-01")), 1); /* Mon */
}

static void parse_accepts_real_dates(void **state)
{
	int y, m, d;

	(void)state;
	bzj_date_to_ymd(D("2024-02-29"), &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(D("2000-02-29"), bzj_date_from_ymd(2000, 2, 29));
	assert_int_equal(D("1900-01-01"), bzj_date_from_ymd(1900, 1, 1));
	assert_int_equal(D("2999-12-31"), bzj_date_from_ymd(2999, 12, 31));
}

static void parse_refuses_impossible_and_malformed_dates(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31",
		"1900-02-29", "2100-02-29", "1899-12-31", "3000-01-01", "2026-2-1",
		"2026/02/01", "20260201",   "2026-02-01 ", " 2026-02-01", "2026-02-1x",
		"",	      "2026-02",    "2026-02-011", "+026-02-01", "-026-02-01",
		"2026-0a-01", "二〇二六-02-01", "2026-02-01\n", "\x1b[2J",
	};
	bzj_date d = 77;
	bzj_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bzj_date_parse(bad[i], "opened", &d, &e), BZJ_EINPUT);
		assert_string_equal(e.code, "input.date");
		assert_non_null(strstr(e.msg, "opened: "));
		assert_int_equal(d, 77);
	}
	assert_int_equal(bzj_date_parse(NULL, "opened", &d, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "input.date");
}

static void parse_message_says_why(void **state)
{
	bzj_err e;

	(void)state;
	bzj_date_parse("2026-02-29", "date", NULL, &e);
	assert_string_equal(e.msg, "date: '2026-02-29' is not a date: 2026-02 has 28 days");
	bzj_date_parse("2026-13-01", "date", NULL, &e);
	assert_string_equal(e.msg, "date: '2026-13-01' is not a date: there is no month 13");
	bzj_date_parse("3000-01-01", "date", NULL, &e);
	assert_non_null(strstr(e.msg, "between 1900 and 2999"));
}

static void month_parse_and_fmt(void **state)
{
	static const char *const bad[] = { "2026-13", "2026-00", "2026-1", "202601", "2026-01-01",
					   "",	      "1899-12", "3000-01", "2026-1a" };
	bzj_month m = -5;
	char buf[16];
	bzj_err e;
	size_t i;

	(void)state;
	assert_int_equal(bzj_month_parse("2026-03", "month", &m, &e), BZJ_OK);
	assert_int_equal(m, 2026 * 12 + 2);
	assert_string_equal(bzj_month_fmt(m, buf, sizeof buf), "2026-03");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bzj_month_parse(bad[i], "--month", &m, &e), BZJ_EINPUT);
		assert_string_equal(e.code, "input.month");
		assert_non_null(strstr(e.msg, "--month: "));
	}
	assert_int_equal(m, 2026 * 12 + 2);
}

static void month_helpers_agree_with_dates(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(bzj_date_month(D("2026-12-31")), 2026 * 12 + 11);
	assert_int_equal(bzj_month_day(2026 * 12 + 11, 2), D("2026-12-02"));
	/* month 13 of 2026 is January 2027 */
	assert_int_equal(bzj_month_day(2026 * 12 + 12, 2), D("2027-01-02"));
	assert_int_equal(bzj_date_year(D("2026-12-31")), 2026);
	assert_string_equal(bzj_month_fmt(bzj_date_month(D("2027-01-15")), buf, sizeof buf),
			    "2027-01");
}

static void fmt_writes_iso_and_dash_for_none(void **state)
{
	char buf[11];

	(void)state;
	assert_string_equal(bzj_date_fmt(D("2026-02-14"), buf, sizeof buf), "2026-02-14");
	assert_string_equal(bzj_date_fmt(BZJ_DATE_NONE, buf, sizeof buf), "-");
	assert_string_equal(bzj_date_fmt(0, buf, sizeof buf), "1970-01-01");
}

static void today_can_be_overridden_and_reset(void **state)
{
	bzj_date clock, expect;

	(void)state;
	bzj_today_set(D("2026-02-13"));
	assert_int_equal(bzj_today(), D("2026-02-13"));
	bzj_today_set(BZJ_DATE_NONE);
	/* the clock in UTC+8: within a day of the UTC date, never before it */
	expect = (bzj_date)(((int64_t)time(NULL) + 8 * 3600) / 86400);
	clock = bzj_today();
	assert_true(clock == expect || clock == expect + 1);
	assert_true(clock >= (bzj_date)((int64_t)time(NULL) / 86400));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(day_numbers_count_from_1970),
		cmocka_unit_test(ymd_round_trips_over_every_day_1900_to_2999),
		cmocka_unit_test(weekday_is_iso),
		cmocka_unit_test(parse_accepts_real_dates),
		cmocka_unit_test(parse_refuses_impossible_and_malformed_dates),
		cmocka_unit_test(parse_message_says_why),
		cmocka_unit_test(month_parse_and_fmt),
		cmocka_unit_test(month_helpers_agree_with_dates),
		cmocka_unit_test(fmt_writes_iso_and_dash_for_none),
		cmocka_unit_test(today_can_be_overridden_and_reset),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
