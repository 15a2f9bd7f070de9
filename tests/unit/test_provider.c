/* test_provider.c - the service providers' pure rules: the cooldown date,
 * the required deposit table, the window a binding counts within a period,
 * the renewal outcome, and the names on the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/assess.h"
#include "bzj/config.h"
#include "bzj/provider.h"

static bzj_date D(const char *s)
{
	bzj_date d = BZJ_DATE_NONE;
	assert_int_equal(bzj_date_parse(s, "date", &d, NULL), BZJ_OK);
	return d;
}

static void cooldown_first_allowed_day_is_notice_plus_90(void **state)
{
	(void)state;
	/* the example: notice 2024-03-01 -> first allowed 2024-05-30 */
	assert_int_equal(bzj_provider_cooldown_first(D("2024-03-01")), D("2024-05-30"));
	/* across a year end and a leap day */
	assert_int_equal(bzj_provider_cooldown_first(D("2023-12-01")), D("2024-02-29"));
	assert_int_equal(bzj_provider_cooldown_first(D("2025-12-01")), D("2026-03-01"));
}

static void cooldown_check_boundaries(void **state)
{
	(void)state;
	bzj_err e;
	bzj_date notice = D("2024-03-01");
	assert_int_equal(bzj_provider_cooldown_check(notice, D("2024-05-29"), &e), BZJ_ERULE);
	assert_string_equal(e.code, "provider.cooldown");
	assert_non_null(strstr(e.msg, "2024-05-30"));
	assert_int_equal(bzj_provider_cooldown_check(notice, D("2024-05-30"), &e), BZJ_OK);
	assert_int_equal(bzj_provider_cooldown_check(notice, D("2024-03-01"), &e), BZJ_ERULE);
	/* never delisted: no cooldown */
	assert_int_equal(bzj_provider_cooldown_check(BZJ_DATE_NONE, D("2024-03-01"), &e), BZJ_OK);
}

static void required_deposit_by_kind_status_and_shops(void **state)
{
	(void)state;
	bzj_config c;
	bzj_config_defaults(&c);
	/* industry belt, on probation or certified: 100,000 yuan */
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_BELT, BZJ_PST_CERTIFIED, 0), 10000000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_BELT, BZJ_PST_PROBATION, 500), 10000000);
	/* agency table: [0,10] 10,000; [11,50] 30,000; 51+ 50,000 */
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 0), 1000000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 10), 1000000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 11), 3000000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 50), 3000000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 51), 5000000);
	/* revoked to ordinary: the agency table, not the industry-belt amount */
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_BELT, BZJ_PST_ORDINARY, 3), 1000000);
	/* exited: nothing */
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_BELT, BZJ_PST_EXITED, 3), 0);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_EXITED, 99), 0);
	/* a configured table */
	c.provider_ntiers = 2;
	c.provider_tier_shops[1] = 2;
	c.provider_tier_fen[0] = 10000;
	c.provider_tier_fen[1] = 20000;
	c.provider_belt_fen = 123;
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 1), 10000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_AGENCY, BZJ_PST_ORDINARY, 2), 20000);
	assert_int_equal(bzj_provider_required(&c, BZJ_PK_BELT, BZJ_PST_CERTIFIED, 2), 123);
}

static void order_window_intersects_binding_and_period(void **state)
{
	(void)state;
	bzj_date lo, hi;
	bzj_date from = D("2023-12-01"), to = D("2024-02-29");
	/* inside */
	assert_true(bzj_order_window(D("2024-01-10"), D("2024-01-20"), from, to, &lo, &hi));
	assert_int_equal(lo, D("2024-01-10"));
	assert_int_equal(hi, D("2024-01-20"));
	/* open end: to the period's end */
	assert_true(bzj_order_window(D("2024-01-10"), BZJ_DATE_NONE, from, to, &lo, &hi));
	assert_int_equal(hi, to);
	/* started before the period */
	assert_true(bzj_order_window(D("2023-01-01"), D("2023-12-01"), from, to, &lo, &hi));
	assert_int_equal(lo, from);
	assert_int_equal(hi, from); /* one day: the period's first */
	/* ends on the day before the period: nothing */
	assert_false(bzj_order_window(D("2023-01-01"), D("2023-11-30"), from, to, &lo, &hi));
	/* starts the day after: nothing */
	assert_false(bzj_order_window(D("2024-03-01"), BZJ_DATE_NONE, from, to, &lo, &hi));
	/* starts on the last day: one day */
	assert_true(bzj_order_window(D("2024-02-29"), BZJ_DATE_NONE, from, to, &lo, &hi));
	assert_int_equal(lo, hi);
}

static void renewal_outcome_needs_both(void **state)
{
	(void)state;
	assert_int_equal(bzj_assess_outcome(100, 100, 10000000, 10000000), BZJ_AO_KEEP);
	assert_int_equal(bzj_assess_outcome(99, 100, 10000000, 10000000), BZJ_AO_REVOKE);
	assert_int_equal(bzj_assess_outcome(100, 100, 9999999, 10000000), BZJ_AO_REVOKE);
	assert_int_equal(bzj_assess_outcome(0, 0, 0, 0), BZJ_AO_KEEP);
	assert_string_equal(bzj_assess_outcome_name(BZJ_AO_PENDING), "pending");
	assert_string_equal(bzj_assess_outcome_name(BZJ_AO_REVOKE), "revoke");
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int k = 1; k <= 2; k++)
		assert_int_equal(bzj_provider_kind_parse(bzj_provider_kind_name(k)), k);
	for (int s = 1; s <= 5; s++)
		assert_int_equal(bzj_provider_status_parse(bzj_provider_status_name(s)), s);
	assert_int_equal(bzj_provider_kind_parse("broker"), -1);
	assert_int_equal(bzj_provider_status_parse(NULL), -1);
	assert_string_equal(bzj_provider_status_name(4), "ordinary");
	assert_string_equal(bzj_complaint_status_name(BZJ_CS_PENDING), "pending");
}

static void agency_table_from_config(void **state)
{
	(void)state;
	bzj_config c;
	bzj_err e;
	bzj_config_defaults(&c);
	assert_int_equal(bzj_config_parse(&c,
					  "provider = { industry_belt_yuan = 80000;"
					  " agency = ( [0, 100], (5, \"200.50\") ); };",
					  &e),
			 BZJ_OK);
	assert_int_equal(c.provider_belt_fen, 8000000);
	assert_int_equal(c.provider_ntiers, 2);
	assert_int_equal(c.provider_tier_fen[1], 20050);
	bzj_config_free(&c);
	bzj_config_defaults(&c);
	assert_int_equal(bzj_config_parse(&c, "provider = { agency = ( [0, 1], [0, 2] ); };", &e),
			 BZJ_EINPUT);
	assert_string_equal(e.code, "config.value");
	bzj_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cooldown_first_allowed_day_is_notice_plus_90),
		cmocka_unit_test(cooldown_check_boundaries),
		cmocka_unit_test(required_deposit_by_kind_status_and_shops),
		cmocka_unit_test(order_window_intersects_binding_and_period),
		cmocka_unit_test(renewal_outcome_needs_both),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(agency_table_from_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
