/* test_calendar.c - business days with the shipped data/holidays.tsv, and
 * the TSV reader's all-or-nothing errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/calendar.h"

extern const unsigned char bzj_data_holidays[];
extern const size_t bzj_data_holidays_len;

static bzj_date D(const char *s)
{
	bzj_date d = BZJ_DATE_NONE;

	assert_int_equal(bzj_date_parse(s, "date", &d, NULL), BZJ_OK);
	return d;
}

static int setup_shipped(void **state)
{
	bzj_cal *c = bzj_cal_new();
	bzj_err e;

	if (!c)
		return -1;
	if (bzj_cal_parse_tsv(c, (const char *)bzj_data_holidays, bzj_data_holidays_len, NULL,
			      NULL, &e) != BZJ_OK) {
		bzj_cal_free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown_cal(void **state)
{
	bzj_cal_free(*state);
	return 0;
}

static bool business(const bzj_cal *c, const char *s)
{
	bool b = false;

	assert_int_equal(bzj_cal_is_business(c, D(s), &b, NULL), BZJ_OK);
	return b;
}

static bzj_date after(const bzj_cal *c, const char *s, int n)
{
	bzj_date d = BZJ_DATE_NONE;
	bzj_err e;

	assert_int_equal(bzj_cal_add_business(c, D(s), n, &d, &e), BZJ_OK);
	return d;
}

static void shipped_data_loads_2023_to_2026(void **state)
{
	const bzj_cal *c = *state;
	int y;

	for (y = 2023; y <= 2026; y++)
		assert_true(bzj_cal_has_year(c, y));
	assert_false(bzj_cal_has_year(c, 2022));
	assert_false(bzj_cal_has_year(c, 2027));
	assert_false(bzj_cal_has_year(c, 1969));
	assert_false(bzj_cal_has_year(c, 2200));
	assert_int_equal(bzj_cal_kind(c, D("2026-02-17")), BZJ_CAL_HOLIDAY);
	assert_int_equal(bzj_cal_kind(c, D("2026-02-14")), BZJ_CAL_WORKDAY);
	assert_int_equal(bzj_cal_kind(c, D("2026-03-02")), BZJ_CAL_NORMAL);
}

static void spring_festival_2026_and_its_adjusted_saturdays(void **state)
{
	const bzj_cal *c = *state;
	char d[32];
	int day;

	assert_true(business(c, "2026-02-13"));	 /* Friday */
	assert_true(business(c, "2026-02-14"));	 /* Saturday, adjusted workday */
	for (day = 15; day <= 23; day++) {	 /* 春节 */
		snprintf(d, sizeof d, "2026-02-%02d", day);
		assert_false(business(c, d));
	}
	assert_true(business(c, "2026-02-24"));	 /* Tuesday */
	assert_true(business(c, "2026-02-28"));	 /* Saturday, adjusted workday */
	assert_false(business(c, "2026-03-01")); /* ordinary Sunday */
	assert_false(business(c, "2026-03-07")); /* ordinary Saturday */
	assert_true(business(c, "2026-03-02"));	 /* ordinary Monday */
}

static void business_days_after_a_date(void **state)
{
	const bzj_cal *c = *state;

	/* DOMAIN.md's example */
	assert_int_equal(after(c, "2026-02-13", 1), D("2026-02-14"));
	assert_int_equal(after(c, "2026-02-13", 2), D("2026-02-24"));
	assert_int_equal(after(c, "2026-02-13", 3), D("2026-02-25"));
	/* strictly after: a business day does not count itself */
	assert_int_equal(after(c, "2026-02-14", 1), D("2026-02-24"));
	/* the second adjusted Saturday */
	assert_int_equal(after(c, "2026-02-27", 1), D("2026-02-28"));
	assert_int_equal(after(c, "2026-02-27", 2), D("2026-03-02"));
	/* across the New Year: 2025-12-31 Wed; 2026-01-01..03 off, 01-04 Sun worked */
	assert_int_equal(after(c, "2025-12-31", 1), D("2026-01-04"));
	assert_int_equal(after(c, "2025-12-31", 2), D("2026-01-05"));
}

static void a_request_on_a_holiday_counts_from_the_next_business_day(void **state)
{
	const bzj_cal *c = *state;

	assert_int_equal(after(c, "2026-02-16", 1), D("2026-02-24"));
	assert_int_equal(after(c, "2026-02-16", 3), D("2026-02-26"));
	assert_int_equal(after(c, "2026-10-01", 1), D("2026-10-08"));
	/* on an ordinary Sunday too */
	assert_int_equal(after(c, "2026-03-08", 1), D("2026-03-09"));
}

static void going_past_the_loaded_years_is_an_error_naming_the_year(void **state)
{
	const bzj_cal *c = *state;
	bzj_date d = 5;
	bool b;
	bzj_err e;

	assert_int_equal(bzj_cal_add_business(c, D("2026-12-31"), 1, &d, &e), BZJ_ERULE);
	assert_string_equal(e.code, "calendar.missing_year");
	assert_string_equal(e.msg, "the business-day calendar has no data for 2027; import it "
				   "with `bzj calendar import`");
	assert_int_equal(d, 5);
	/* 2026-12-31 is a Thursday: one more business day exists in 2026 */
	assert_int_equal(after(c, "2026-12-30", 1), D("2026-12-31"));
	assert_int_equal(bzj_cal_add_business(c, D("2026-12-30"), 2, &d, &e), BZJ_ERULE);
	assert_non_null(strstr(e.msg, "2027"));
	assert_int_equal(bzj_cal_is_business(c, D("2022-06-01"), &b, &e), BZJ_ERULE);
	assert_string_equal(e.code, "calendar.missing_year");
	assert_non_null(strstr(e.msg, "2022"));
	assert_int_equal(bzj_cal_is_business(c, D("2500-06-01"), &b, &e), BZJ_ERULE);
	assert_int_equal(bzj_cal_add_business(c, INT32_MAX, 1, &d, &e), BZJ_ERULE);
	assert_int_equal(bzj_cal_add_business(c, BZJ_DATE_NONE, 1, &d, &e), BZJ_ERULE);
}

static void count_below_one_is_bad_input(void **state)
{
	bzj_date d;
	bzj_err e;

	assert_int_equal(bzj_cal_add_business(*state, D("2026-03-02"), 0, &d, &e), BZJ_EINPUT);
	assert_int_equal(bzj_cal_add_business(*state, D("2026-03-02"), -3, &d, &e), BZJ_EINPUT);
}

static void a_year_without_holidays_can_be_added(void **state)
{
	bzj_cal *c = bzj_cal_new();
	bzj_date d;
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_cal_add_year(c, 2027, &e), BZJ_OK);
	assert_true(bzj_cal_has_year(c, 2027));
	/* 2027-01-01 is a Friday; with no holidays loaded it is a business day */
	assert_int_equal(bzj_cal_add_business(c, D("2027-01-01"), 1, &d, &e), BZJ_OK);
	assert_int_equal(d, D("2027-01-04"));
	assert_int_equal(bzj_cal_add_year(c, 1969, &e), BZJ_EINPUT);
	assert_int_equal(bzj_cal_add_year(c, 2200, &e), BZJ_EINPUT);
	assert_int_equal(bzj_cal_add_year(c, 2199, &e), BZJ_OK);
	bzj_cal_free(c);
}

static void set_refuses_conflicts_and_out_of_range_days(void **state)
{
	bzj_cal *c = bzj_cal_new();
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_cal_set(c, D("2030-02-02"), BZJ_CAL_WORKDAY, &e), BZJ_OK);
	assert_true(bzj_cal_has_year(c, 2030));
	assert_int_equal(bzj_cal_set(c, D("2030-02-02"), BZJ_CAL_WORKDAY, &e), BZJ_OK);
	assert_int_equal(bzj_cal_set(c, D("2030-02-02"), BZJ_CAL_HOLIDAY, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "calendar.conflict");
	assert_non_null(strstr(e.msg, "2030-02-02"));
	assert_int_equal(bzj_cal_kind(c, D("2030-02-02")), BZJ_CAL_WORKDAY);
	assert_int_equal(bzj_cal_set(c, D("1969-12-31"), BZJ_CAL_HOLIDAY, &e), BZJ_EINPUT);
	assert_int_equal(bzj_cal_set(c, D("2200-01-01"), BZJ_CAL_HOLIDAY, &e), BZJ_EINPUT);
	assert_int_equal(bzj_cal_set(c, D("2030-01-01"), 9, &e), BZJ_EINPUT);
	assert_int_equal(bzj_cal_kind(c, D("2200-01-01")), BZJ_CAL_NORMAL);
	bzj_cal_free(c);
}

/* Parse text into a fresh calendar; returns rc and leaves e filled. */
static int parse_fresh(const char *text, bzj_cal **out, bzj_err *e)
{
	bzj_cal *c = bzj_cal_new();
	int rc = bzj_cal_parse_tsv(c, text, strlen(text), NULL, NULL, e);

	*out = c;
	return rc;
}

static void tsv_accepts_comments_blanks_crlf_and_bom(void **state)
{
	const char *text = "\xef\xbb\xbf# comment\r\n"
			   "\r\n"
			   "   \n"
			   "2030-01-01\tholiday\tNew Year's Day\t元旦\r\n"
			   "2030-01-05\tworkday\tNew Year's Day\t元旦"; /* no final newline */
	bzj_cal *c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_fresh(text, &c, &e), BZJ_OK);
	assert_int_equal(bzj_cal_kind(c, D("2030-01-01")), BZJ_CAL_HOLIDAY);
	assert_int_equal(bzj_cal_kind(c, D("2030-01-05")), BZJ_CAL_WORKDAY);
	assert_true(bzj_cal_has_year(c, 2030));
	bzj_cal_free(c);
}

static void tsv_errors_name_line_and_field_and_add_nothing(void **state)
{
	static const struct {
		const char *bad_line;
		const char *code;
		const char *words;
	} cases[] = {
		{ "2030-02-30\tholiday\tx\ty", "calendar.format", "line 3: date" },
		{ "2030/01/02\tholiday\tx\ty", "calendar.format", "line 3: date" },
		{ "2200-01-02\tholiday\tx\ty", "calendar.format", "line 3: date: year 2200" },
		{ "1969-01-02\tholiday\tx\ty", "calendar.format", "line 3: date: year 1969" },
		{ "2030-01-02\tday off\tx\ty", "calendar.format", "line 3: kind" },
		{ "2030-01-02\tHoliday\tx\ty", "calendar.format", "line 3: kind" },
		{ "2030-01-02\tholiday\tx", "calendar.format", "line 3: expected 4" },
		{ "2030-01-02 holiday x y", "calendar.format", "line 3: expected 4" },
		{ "2030-01-02\tholiday\tx\ty\tz", "calendar.format", "line 3: more than 4" },
		{ "2030-01-02\tholiday\tx\t\xb4\xba\xbd\xda", "calendar.format", "line 3: not UTF-8" },
		{ "2030-01-02\tholiday\t\x1b[2J\ty", "calendar.format", "line 3: name_en" },
		{ "2030-01-07\tworkday\tx\ty", "calendar.format", "line 3: kind: 2030-01-07 is a "
								   "weekday" },
		{ "2030-01-05\tworkday\tx\ty", "calendar.conflict", "line 3: 2030-01-05" },
	};
	char text[256];
	bzj_cal *c;
	bzj_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text,
			 "# header\n2030-01-05\tholiday\tNew Year's Day\t元旦\n%s\n"
			 "2031-01-01\tholiday\tNew Year's Day\t元旦\n",
			 cases[i].bad_line);
		assert_int_equal(parse_fresh(text, &c, &e), BZJ_EINPUT);
		assert_string_equal(e.code, cases[i].code);
		if (!strstr(e.msg, cases[i].words))
			fail_msg("case %zu: '%s' does not contain '%s'", i, e.msg, cases[i].words);
		/* nothing was added, not even the good first row */
		assert_false(bzj_cal_has_year(c, 2030));
		assert_false(bzj_cal_has_year(c, 2031));
		assert_int_equal(bzj_cal_kind(c, D("2030-01-05")), BZJ_CAL_NORMAL);
		bzj_cal_free(c);
	}
}

static void tsv_nul_byte_is_refused(void **state)
{
	static const char text[] = "2030-01-01\tholiday\tNew\0Year\ty\n";
	bzj_cal *c = bzj_cal_new();
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_cal_parse_tsv(c, text, sizeof text - 1, NULL, NULL, &e),
			 BZJ_EINPUT);
	assert_non_null(strstr(e.msg, "line 1"));
	assert_false(bzj_cal_has_year(c, 2030));
	bzj_cal_free(c);
}

static void tsv_conflict_with_loaded_data_leaves_calendar_unchanged(void **state)
{
	bzj_cal *c = *state;
	const char *text = "2027-01-01\tholiday\tNew Year's Day\t元旦\n"
			   "2026-02-14\tholiday\tSpring Festival\t春节\n";
	bzj_err e;

	assert_int_equal(bzj_cal_parse_tsv(c, text, strlen(text), NULL, NULL, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "calendar.conflict");
	assert_non_null(strstr(e.msg, "line 2"));
	assert_false(bzj_cal_has_year(c, 2027));
	assert_int_equal(bzj_cal_kind(c, D("2026-02-14")), BZJ_CAL_WORKDAY);
	/* re-importing the shipped file is harmless */
	assert_int_equal(bzj_cal_parse_tsv(c, (const char *)bzj_data_holidays,
					   bzj_data_holidays_len, NULL, NULL, &e),
			 BZJ_OK);
}

struct seen {
	int rows;
	char last_zh[64];
	int refuse_at; /* return an error on this row (1-based), 0 never */
};

static int on_row(void *ctx, bzj_date d, int kind, const char *en, const char *zh, bzj_err *e)
{
	struct seen *s = ctx;

	(void)d;
	(void)kind;
	(void)en;
	s->rows++;
	snprintf(s->last_zh, sizeof s->last_zh, "%s", zh);
	if (s->rows == s->refuse_at)
		return bzj_fail(e, BZJ_EBUSY, "store.busy", "database is busy");
	return BZJ_OK;
}

static void tsv_rows_reach_the_callback_and_its_errors_stop_the_import(void **state)
{
	const char *text = "2030-01-01\tholiday\tNew Year's Day\t元旦\n"
			   "2030-02-03\tholiday\tSpring Festival\t春节\n";
	struct seen s = { 0, "", 0 };
	bzj_cal *c = bzj_cal_new();
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_cal_parse_tsv(c, text, strlen(text), on_row, &s, &e), BZJ_OK);
	assert_int_equal(s.rows, 2);
	assert_string_equal(s.last_zh, "春节");
	bzj_cal_free(c);

	c = bzj_cal_new();
	memset(&s, 0, sizeof s);
	s.refuse_at = 2;
	assert_int_equal(bzj_cal_parse_tsv(c, text, strlen(text), on_row, &s, &e), BZJ_EBUSY);
	assert_string_equal(e.code, "store.busy");
	assert_false(bzj_cal_has_year(c, 2030));
	bzj_cal_free(c);
}

static void tsv_empty_text_is_fine(void **state)
{
	bzj_cal *c = bzj_cal_new();
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_cal_parse_tsv(c, "", 0, NULL, NULL, &e), BZJ_OK);
	assert_int_equal(bzj_cal_parse_tsv(c, NULL, 0, NULL, NULL, &e), BZJ_OK);
	assert_int_equal(bzj_cal_parse_tsv(c, NULL, 5, NULL, NULL, &e), BZJ_EINPUT);
	bzj_cal_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shipped_data_loads_2023_to_2026, setup_shipped,
						teardown_cal),
		cmocka_unit_test_setup_teardown(spring_festival_2026_and_its_adjusted_saturdays,
						setup_shipped, teardown_cal),
		cmocka_unit_test_setup_teardown(business_days_after_a_date, setup_shipped,
						teardown_cal),
		cmocka_unit_test_setup_teardown(
			a_request_on_a_holiday_counts_from_the_next_business_day, setup_shipped,
			teardown_cal),
		cmocka_unit_test_setup_teardown(
			going_past_the_loaded_years_is_an_error_naming_the_year, setup_shipped,
			teardown_cal),
		cmocka_unit_test_setup_teardown(count_below_one_is_bad_input, setup_shipped,
						teardown_cal),
		cmocka_unit_test(a_year_without_holidays_can_be_added),
		cmocka_unit_test(set_refuses_conflicts_and_out_of_range_days),
		cmocka_unit_test(tsv_accepts_comments_blanks_crlf_and_bom),
		cmocka_unit_test(tsv_errors_name_line_and_field_and_add_nothing),
		cmocka_unit_test(tsv_nul_byte_is_refused),
		cmocka_unit_test_setup_teardown(
			tsv_conflict_with_loaded_data_leaves_calendar_unchanged, setup_shipped,
			teardown_cal),
		cmocka_unit_test(tsv_rows_reach_the_callback_and_its_errors_stop_the_import),
		cmocka_unit_test(tsv_empty_text_is_fine),
	};

	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
