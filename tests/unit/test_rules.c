/* test_rules.c - the deposit rules of DOMAIN.md as pure functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/money.h"
#include "bzj/rules.h"

extern const unsigned char bzj_data_holidays[];
extern const size_t bzj_data_holidays_len;

static bzj_date D(const char *s)
{
	bzj_date d = BZJ_DATE_NONE;

	assert_int_equal(bzj_date_parse(s, "date", &d, NULL), BZJ_OK);
	return d;
}

static int64_t yuan(const char *s)
{
	int64_t fen = -1;

	assert_int_equal(bzj_money_parse(s, "amount", &fen, NULL), BZJ_OK);
	return fen;
}

/* ---- names --------------------------------------------------------------- */

static void names_and_parsers_round_trip(void **state)
{
	int v;

	(void)state;
	for (v = 1; v <= 2; v++) {
		assert_int_equal(bzj_entity_parse(bzj_entity_name(v)), v);
		assert_int_equal(bzj_shop_status_parse(bzj_shop_status_name(v)), v);
		assert_int_equal(bzj_payee_type_parse(bzj_payee_type_name(v)), v);
		assert_int_equal(bzj_refund_kind_parse(bzj_refund_kind_name(v)), v);
		assert_int_equal(bzj_vclass_parse(bzj_vclass_name(v)), v);
		assert_int_equal(bzj_vstatus_parse(bzj_vstatus_name(v)), v);
	}
	for (v = BZJ_RS_SUBMITTED; v <= BZJ_RS_FAILED; v++)
		assert_int_equal(bzj_refund_status_parse(bzj_refund_status_name(v)), v);
	for (v = 1; v <= 8; v <<= 1)
		assert_int_equal(bzj_check_item_parse(bzj_check_item_name(v)), v);
}

static void names_are_the_command_line_words(void **state)
{
	(void)state;
	assert_string_equal(bzj_entity_name(BZJ_ENTITY_INDIVIDUAL), "individual");
	assert_string_equal(bzj_entity_name(BZJ_ENTITY_COMPANY), "company");
	assert_string_equal(bzj_shop_status_name(BZJ_SHOP_CLOSED), "closed");
	assert_string_equal(bzj_payee_type_name(BZJ_PAYEE_CORPORATE), "corporate");
	assert_string_equal(bzj_refund_kind_name(BZJ_REFUND_CLOSURE), "closure");
	assert_string_equal(bzj_refund_status_name(BZJ_RS_CANCELLED), "cancelled");
	assert_string_equal(bzj_vclass_name(BZJ_VCLASS_B), "B");
	assert_string_equal(bzj_vstatus_name(BZJ_VS_RESOLVED), "resolved");
	assert_string_equal(bzj_check_item_name(BZJ_CHECK_SIGNATURES), "signatures");
	assert_string_equal(bzj_check_item_name(BZJ_CHECK_STATEMENTS), "statements");
}

static void unknown_names_parse_to_minus_one(void **state)
{
	(void)state;
	assert_int_equal(bzj_entity_parse("Company"), -1);
	assert_int_equal(bzj_entity_parse(""), -1);
	assert_int_equal(bzj_entity_parse(NULL), -1);
	assert_int_equal(bzj_shop_status_parse("opened"), -1);
	assert_int_equal(bzj_payee_type_parse("bank"), -1);
	assert_int_equal(bzj_refund_kind_parse("full"), -1);
	assert_int_equal(bzj_refund_status_parse("pending"), -1);
	assert_int_equal(bzj_vclass_parse("a"), -1);
	assert_int_equal(bzj_vstatus_parse("closed"), -1);
	assert_int_equal(bzj_check_item_parse("all"), -1);
	assert_string_equal(bzj_entity_name(0), "?");
	assert_string_equal(bzj_refund_status_name(99), "?");
	assert_string_equal(bzj_check_item_name(3), "?");
}

/* ---- floating deposit ------------------------------------------------------- */

static void floating_tiers_have_inclusive_upper_bounds(void **state)
{
	(void)state;
	assert_int_equal(bzj_floating_for_gmv(0), 0);
	assert_int_equal(bzj_floating_for_gmv(-100), 0);
	assert_int_equal(bzj_floating_for_gmv(yuan("50000.00")), 0);
	assert_int_equal(bzj_floating_for_gmv(yuan("50000.01")), yuan("3000"));
	assert_int_equal(bzj_floating_for_gmv(yuan("100000.00")), yuan("3000"));
	assert_int_equal(bzj_floating_for_gmv(yuan("100000.01")), yuan("5000"));
	assert_int_equal(bzj_floating_for_gmv(yuan("500000.00")), yuan("5000"));
	assert_int_equal(bzj_floating_for_gmv(yuan("500000.01")), yuan("20000"));
	assert_int_equal(bzj_floating_for_gmv(BZJ_MONEY_MAX_FEN), yuan("20000"));
	assert_int_equal(bzj_floating_for_gmv(INT64_MAX), yuan("20000"));
}

static void floating_takes_effect_on_the_2nd_of_the_next_month(void **state)
{
	(void)state;
	assert_int_equal(bzj_floating_effective(2026 * 12 + 0), D("2026-02-02"));
	assert_int_equal(bzj_floating_effective(2026 * 12 + 11), D("2027-01-02"));
	assert_int_equal(bzj_floating_effective(2024 * 12 + 1), D("2024-03-02"));
}

/* ---- position ------------------------------------------------------------ */

static void position_required_is_max_of_base_and_floating_plus_raises(void **state)
{
	bzj_position p = { .base_fen = 200000, .floating_fen = 300000, .raises_fen = 50000,
			   .balance_fen = 1000000, .frozen_fen = 100000, .in_progress_fen = 20000 };

	(void)state;
	bzj_position_compute(&p);
	assert_int_equal(p.required_fen, 350000);
	assert_int_equal(p.available_fen, 900000);
	assert_int_equal(p.refundable_fen, 900000 - 350000 - 20000);
	assert_int_equal(p.shortfall_fen, 0);
	assert_false(p.restricted);

	p = (bzj_position){ .base_fen = 400000, .floating_fen = 0, .balance_fen = 400000 };
	bzj_position_compute(&p);
	assert_int_equal(p.required_fen, 400000);
	assert_int_equal(p.refundable_fen, 0);
	assert_false(p.restricted); /* exactly required: not restricted */
}

static void position_shortfall_restricts_and_refundable_never_negative(void **state)
{
	bzj_position p = { .base_fen = 400000, .floating_fen = 500000, .raises_fen = 100000,
			   .balance_fen = 250000, .frozen_fen = 300000 };

	(void)state;
	bzj_position_compute(&p);
	assert_int_equal(p.required_fen, 600000);
	assert_int_equal(p.available_fen, -50000);
	assert_int_equal(p.refundable_fen, 0);
	assert_int_equal(p.shortfall_fen, 350000);
	assert_true(p.restricted);
	/* one fen short is still restricted */
	p = (bzj_position){ .base_fen = 400000, .balance_fen = 399999 };
	bzj_position_compute(&p);
	assert_true(p.restricted);
	assert_int_equal(p.shortfall_fen, 1);
}

/* ---- deductions ---------------------------------------------------------- */

static void deduction_within_the_frozen_amount(void **state)
{
	bzj_deduction d;

	(void)state;
	bzj_deduction_split(30000, 500000, 100000, 0, &d);
	assert_int_equal(d.from_balance_fen, 30000);
	assert_int_equal(d.from_frozen_fen, 30000);
	assert_int_equal(d.owed_fen, 0);
	assert_int_equal(d.from_unsettled_fen, 0);
	assert_int_equal(d.remaining_owed_fen, 0);
	assert_false(d.terminate);
}

static void deduction_beyond_the_freeze_takes_the_rest_of_the_balance(void **state)
{
	bzj_deduction d;

	(void)state;
	bzj_deduction_split(150000, 500000, 100000, 0, &d);
	assert_int_equal(d.from_balance_fen, 150000);
	assert_int_equal(d.from_frozen_fen, 100000);
	assert_int_equal(d.owed_fen, 0);
	assert_false(d.terminate);
}

static void deduction_larger_than_the_balance_is_owed_from_unsettled_payments(void **state)
{
	bzj_deduction d;

	(void)state;
	bzj_deduction_split(800000, 500000, 100000, 400000, &d);
	assert_int_equal(d.from_balance_fen, 500000);
	assert_int_equal(d.from_frozen_fen, 100000);
	assert_int_equal(d.owed_fen, 300000);
	assert_int_equal(d.from_unsettled_fen, 300000);
	assert_int_equal(d.remaining_owed_fen, 0);
	assert_false(d.terminate);
}

static void deduction_nobody_covers_flags_termination(void **state)
{
	bzj_deduction d;

	(void)state;
	bzj_deduction_split(800000, 500000, 0, 100000, &d);
	assert_int_equal(d.from_balance_fen, 500000);
	assert_int_equal(d.from_frozen_fen, 0);
	assert_int_equal(d.owed_fen, 300000);
	assert_int_equal(d.from_unsettled_fen, 100000);
	assert_int_equal(d.remaining_owed_fen, 200000);
	assert_true(d.terminate);

	/* an empty balance: everything is owed */
	bzj_deduction_split(1000, 0, 0, 0, &d);
	assert_int_equal(d.from_balance_fen, 0);
	assert_int_equal(d.owed_fen, 1000);
	assert_int_equal(d.remaining_owed_fen, 1000);
	assert_true(d.terminate);
}

/* ---- refund windows ------------------------------------------------------ */

static int setup_cal(void **state)
{
	bzj_cal *c = bzj_cal_new();

	if (!c || bzj_cal_parse_tsv(c, (const char *)bzj_data_holidays, bzj_data_holidays_len,
				    NULL, NULL, NULL) != BZJ_OK) {
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

static void partial_window_is_business_days_1_to_3(void **state)
{
	bzj_date s, t;
	bzj_err e;

	assert_int_equal(bzj_refund_window(*state, BZJ_REFUND_PARTIAL, D("2026-02-13"), &s, &t,
					   &e),
			 BZJ_OK);
	assert_int_equal(s, D("2026-02-14"));
	assert_int_equal(t, D("2026-02-25"));
	/* submitted on a holiday */
	bzj_refund_window(*state, BZJ_REFUND_PARTIAL, D("2026-02-18"), &s, &t, &e);
	assert_int_equal(s, D("2026-02-24"));
	assert_int_equal(t, D("2026-02-26"));
}

static void closure_window_is_business_days_7_to_15(void **state)
{
	bzj_date s, t;
	bzj_err e;

	assert_int_equal(bzj_refund_window(*state, BZJ_REFUND_CLOSURE, D("2026-02-13"), &s, &t,
					   &e),
			 BZJ_OK);
	assert_int_equal(s, D("2026-03-02"));
	assert_int_equal(t, D("2026-03-12"));
}

static void window_needs_the_calendar_and_a_known_kind(void **state)
{
	bzj_date s = 1, t = 2;
	bzj_err e;

	assert_int_equal(bzj_refund_window(*state, BZJ_REFUND_PARTIAL, D("2026-12-30"), &s, &t,
					   &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "calendar.missing_year");
	assert_non_null(strstr(e.msg, "2027"));
	assert_int_equal(s, 1);
	assert_int_equal(t, 2);
	assert_int_equal(bzj_refund_window(*state, 7, D("2026-03-02"), &s, &t, &e), BZJ_EINPUT);
}

/* ---- refund state machine ------------------------------------------------ */

static void transitions_allow_exactly_the_documented_set(void **state)
{
	/* allowed[status][action], statuses and actions from 1 */
	static const bool allowed[7][7] = {
		[BZJ_RS_SUBMITTED] = { [BZJ_RA_CHECK] = true, [BZJ_RA_APPROVE] = true,
				       [BZJ_RA_REJECT] = true, [BZJ_RA_CANCEL] = true },
		[BZJ_RS_APPROVED] = { [BZJ_RA_APPROVE] = true, [BZJ_RA_REJECT] = true,
				      [BZJ_RA_CANCEL] = true, [BZJ_RA_PAY] = true,
				      [BZJ_RA_FAIL] = true },
	};
	int st, act, rc;
	bzj_err e;

	(void)state;
	for (st = 0; st <= 7; st++) {
		for (act = 0; act <= 7; act++) {
			bool ok = st >= 1 && st <= 6 && act >= 1 && act <= 6 && allowed[st][act];

			bzj_err_clear(&e);
			rc = bzj_refund_transition(st, act, &e);
			if (ok) {
				assert_int_equal(rc, BZJ_OK);
				continue;
			}
			if (rc != BZJ_ERULE)
				fail_msg("status %d action %d: rc %d", st, act, rc);
			assert_string_equal(e.code, "refund.state");
			if (st >= 1 && st <= 6)
				assert_non_null(strstr(e.msg, bzj_refund_status_name(st)));
		}
	}
}

static void refused_transitions_say_what_and_why(void **state)
{
	bzj_err e;

	(void)state;
	bzj_refund_transition(BZJ_RS_SUBMITTED, BZJ_RA_PAY, &e);
	assert_string_equal(e.msg, "cannot pay a refund that is submitted; it must be approved "
				   "first");
	bzj_refund_transition(BZJ_RS_PAID, BZJ_RA_CANCEL, &e);
	assert_string_equal(e.msg, "cannot cancel a refund that is paid; that refund is closed");
	bzj_refund_transition(BZJ_RS_APPROVED, BZJ_RA_CHECK, &e);
	assert_non_null(strstr(e.msg, "checklist"));
	bzj_refund_transition(BZJ_RS_REJECTED, BZJ_RA_APPROVE, &e);
	assert_non_null(strstr(e.msg, "approve"));
	assert_non_null(strstr(e.msg, "rejected"));
}

/* ---- payees ---------------------------------------------------------------- */

static void individual_may_use_operator_card_or_licence_account(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "张三",
					 "杭州张三服装店", "张三", &e),
			 BZJ_OK);
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_CORPORATE,
					 "杭州张三服装店", "杭州张三服装店", "张三", &e),
			 BZJ_OK);
	/* ASCII spaces around names are trimmed */
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "  张三 ",
					 "杭州张三服装店", "张三\t", &e),
			 BZJ_OK);
}

static void individual_card_must_be_in_the_operators_name(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "李四",
					 "杭州张三服装店", "张三", &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.name_mismatch");
	assert_non_null(strstr(e.msg, "'张三'"));
	assert_non_null(strstr(e.msg, "'李四'"));
	/* the entity's name is not the operator's */
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL,
					 "杭州张三服装店", "杭州张三服装店", "张三", &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.name_mismatch");
	/* a full-width space is part of the name, not trimmed */
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "张三　",
					 "店", "张三", &e),
			 BZJ_ERULE);
	/* no operator recorded: a personal card cannot be matched */
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "张三", "店",
					 NULL, &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.not_allowed");
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "", "店", " ",
					 &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.not_allowed");
}

static void company_asking_for_a_personal_card_is_not_allowed(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_PERSONAL, "王五",
					 "上海某某贸易有限公司", "王五", &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.not_allowed");
	assert_non_null(strstr(e.msg, "corporate"));
}

static void company_corporate_account_must_carry_the_company_name(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_CORPORATE,
					 "上海某某贸易有限公司", "上海某某贸易有限公司", NULL, &e),
			 BZJ_OK);
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_CORPORATE,
					 "上海某某贸易公司", "上海某某贸易有限公司", NULL, &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.name_mismatch");
	assert_non_null(strstr(e.msg, "上海某某贸易有限公司"));
	/* names compare exactly: case matters */
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_CORPORATE, "acme ltd",
					 "ACME Ltd", NULL, &e),
			 BZJ_ERULE);
}

static void payee_check_refuses_unknown_entity_or_type(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_check(0, BZJ_PAYEE_CORPORATE, "a", "a", NULL, &e), BZJ_EINPUT);
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_COMPANY, 3, "a", "a", NULL, &e), BZJ_EINPUT);
}

static void payee_changed_less_than_30_days_before_payout(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_change_check(false, D("2026-03-01"), D("2026-03-02"), &e),
			 BZJ_OK);
	assert_int_equal(bzj_payee_change_check(true, D("2026-03-01"), D("2026-03-30"), &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.changed_recently");
	assert_non_null(strstr(e.msg, "2026-03-31"));
	assert_int_equal(bzj_payee_change_check(true, D("2026-03-01"), D("2026-03-31"), &e),
			 BZJ_OK);
	/* an account dated after the payout is certainly too recent */
	assert_int_equal(bzj_payee_change_check(true, D("2026-04-01"), D("2026-03-31"), &e),
			 BZJ_ERULE);
}

static void no_operator_message_names_the_command_that_records_one(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_payee_check(BZJ_ENTITY_INDIVIDUAL, BZJ_PAYEE_PERSONAL, "李四",
					 "李四商行", "", &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "payee.not_allowed");
	assert_non_null(strstr(e.msg, "bzj shop operator"));
}

static void info_change_holds_payouts_for_30_days(void **state)
{
	bzj_err e;

	(void)state;
	/* no change recorded: nothing held */
	assert_int_equal(bzj_info_change_check(0, BZJ_DATE_NONE, D("2026-03-02"), &e), BZJ_OK);
	/* the notice day itself and notice + 29 are held */
	assert_int_equal(bzj_info_change_check(BZJ_CHANGE_RENAME, D("2026-03-02"),
					       D("2026-03-02"), &e),
			 BZJ_ERULE);
	assert_int_equal(bzj_info_change_check(BZJ_CHANGE_RENAME, D("2026-03-02"),
					       D("2026-03-31"), &e),
			 BZJ_ERULE);
	assert_string_equal(e.code, "shop.info_changed_recently");
	assert_non_null(strstr(e.msg, "2026-04-01"));
	assert_non_null(strstr(e.msg, "rename"));
	/* notice + 30 is free */
	assert_int_equal(bzj_info_change_check(BZJ_CHANGE_RENAME, D("2026-03-02"),
					       D("2026-04-01"), &e),
			 BZJ_OK);
	assert_int_equal(bzj_info_change_check(BZJ_CHANGE_DEREGISTER, D("2026-01-20"),
					       D("2026-02-18"), &e),
			 BZJ_ERULE);
	assert_non_null(strstr(e.msg, "deregistration"));
	assert_int_equal(bzj_info_change_check(BZJ_CHANGE_OPERATOR, D("2026-01-20"),
					       D("2026-02-19"), &e),
			 BZJ_OK);
	assert_string_equal(bzj_change_kind_name(BZJ_CHANGE_OPERATOR), "operator");
	assert_string_equal(bzj_change_kind_name(BZJ_CHANGE_RENAME), "rename");
	assert_string_equal(bzj_change_kind_name(BZJ_CHANGE_DEREGISTER), "deregister");
}

static void notice_dates_are_never_future_never_before_the_current_record(void **state)
{
	bzj_err e;
	bzj_date today = D("2026-03-02");

	(void)state;
	assert_int_equal(bzj_notice_check(today, today, D("2026-01-05"), false, "notice", &e),
			 BZJ_OK);
	/* tomorrow: bad input, whoever asks */
	assert_int_equal(bzj_notice_check(today + 1, today, BZJ_DATE_NONE, true, "notice", &e),
			 BZJ_EINPUT);
	assert_string_equal(e.code, "input.date");
	/* before the current record: bad input, even for a supervisor */
	assert_int_equal(bzj_notice_check(D("2026-01-04"), today, D("2026-01-05"), true, "notice",
					  &e),
			 BZJ_EINPUT);
	assert_string_equal(e.code, "input.date");
	assert_non_null(strstr(e.msg, "2026-01-05"));
	/* the current record's own date is allowed */
	assert_int_equal(bzj_notice_check(D("2026-01-05"), today, D("2026-01-05"), true, "notice",
					  &e),
			 BZJ_OK);
	/* yesterday: only when back-dating is allowed */
	assert_int_equal(bzj_notice_check(today - 1, today, D("2026-01-05"), false, "notice", &e),
			 BZJ_EPERM);
	assert_string_equal(e.code, "notice.backdated");
	assert_int_equal(bzj_notice_check(today - 1, today, D("2026-01-05"), true, "notice", &e),
			 BZJ_OK);
	assert_int_equal(bzj_notice_check(BZJ_DATE_NONE, today, BZJ_DATE_NONE, true, "notice", &e),
			 BZJ_EINPUT);
}

/* ---- top-ups, receipts, newbie check, masking ------------------------------- */

static void third_party_topup_needs_acknowledgement(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_topup_payer_check(NULL, "杭州张三服装店", false, &e), BZJ_OK);
	assert_int_equal(bzj_topup_payer_check("", "杭州张三服装店", false, &e), BZJ_OK);
	assert_int_equal(bzj_topup_payer_check(" 杭州张三服装店", "杭州张三服装店", false, &e),
			 BZJ_OK);
	assert_int_equal(bzj_topup_payer_check("李四", "杭州张三服装店", true, &e), BZJ_OK);
	assert_int_equal(bzj_topup_payer_check("李四", "杭州张三服装店", false, &e), BZJ_ERULE);
	assert_string_equal(e.code, "topup.third_party_ack");
	assert_non_null(strstr(e.msg, "李四"));
}

static void receipt_from_7_natural_days_after_the_topup(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_receipt_check(D("2026-02-10"), D("2026-02-16"), &e), BZJ_ERULE);
	assert_string_equal(e.code, "receipt.too_early");
	assert_non_null(strstr(e.msg, "2026-02-17"));
	assert_int_equal(bzj_receipt_check(D("2026-02-10"), D("2026-02-17"), &e), BZJ_OK);
	assert_int_equal(bzj_receipt_check(D("2026-02-10"), D("2026-02-10"), &e), BZJ_ERULE);
}

static void newbie_check_boundaries(void **state)
{
	(void)state;
	assert_true(bzj_newbie_check(41, 0, 3));
	assert_false(bzj_newbie_check(40, 0, 0)); /* 4.0 is not above 4.0 */
	assert_false(bzj_newbie_check(50, 1, 0));
	assert_false(bzj_newbie_check(50, 0, 4));
	assert_false(bzj_newbie_check(-1, 0, 0)); /* no score */
}

static void newbie_reasons_name_each_failed_condition(void **state)
{
	(void)state;
	assert_int_equal(bzj_newbie_reasons(41, 0, 3, false), 0);
	assert_int_equal(bzj_newbie_reasons(50, 0, 0, false), 0);
	assert_int_equal(bzj_newbie_reasons(40, 0, 0, false), BZJ_NBR_SCORE);
	assert_int_equal(bzj_newbie_reasons(0, 0, 0, false), BZJ_NBR_SCORE);
	assert_int_equal(bzj_newbie_reasons(-1, 0, 0, false), BZJ_NBR_SCORE_MISSING);
	assert_int_equal(bzj_newbie_reasons(41, 1, 0, false), BZJ_NBR_CLASS_B);
	assert_int_equal(bzj_newbie_reasons(41, 0, 4, false), BZJ_NBR_POINTS);
	assert_int_equal(bzj_newbie_reasons(41, 0, 3, true), BZJ_NBR_RISK);
	/* a missing score is not also a low score; every other failure adds up */
	assert_int_equal(bzj_newbie_reasons(-1, 2, 9, true),
			 BZJ_NBR_SCORE_MISSING | BZJ_NBR_CLASS_B | BZJ_NBR_POINTS | BZJ_NBR_RISK);
	assert_string_equal(bzj_newbie_reason_name(BZJ_NBR_SCORE), "score");
	assert_string_equal(bzj_newbie_reason_name(BZJ_NBR_SCORE_MISSING), "score.missing");
	assert_string_equal(bzj_newbie_reason_name(BZJ_NBR_CLASS_B), "class_b");
	assert_string_equal(bzj_newbie_reason_name(BZJ_NBR_POINTS), "points");
	assert_string_equal(bzj_newbie_reason_name(BZJ_NBR_RISK), "risk");
	assert_null(bzj_newbie_reason_name(3));
	assert_string_equal(bzj_newbie_status_name(BZJ_NEWBIE), "newbie");
	assert_string_equal(bzj_newbie_status_name(BZJ_NB_DIRECT), "direct");
	assert_string_equal(bzj_newbie_status_name(BZJ_NB_GRADUATED), "graduated");
}

static void newbie_window_is_the_30_days_ending_on_the_day(void **state)
{
	(void)state;
	/* 2026-03-11 back 29 days is 2026-02-10: 30 days inclusive */
	assert_int_equal(bzj_newbie_window_start(D("2026-03-11")), D("2026-02-10"));
	assert_int_equal(D("2026-03-11") - bzj_newbie_window_start(D("2026-03-11")) + 1, 30);
	assert_int_equal(bzj_newbie_window_start(D("2024-03-01")), D("2024-02-01")); /* leap year */
}

static void score_parse_takes_one_decimal_from_0_to_5(void **state)
{
	bzj_err e;
	int t = -1;
	(void)state;
	assert_int_equal(bzj_score_parse("4.1", &t, &e), BZJ_OK);
	assert_int_equal(t, 41);
	assert_int_equal(bzj_score_parse("4", &t, &e), BZJ_OK);
	assert_int_equal(t, 40);
	assert_int_equal(bzj_score_parse("0.0", &t, &e), BZJ_OK);
	assert_int_equal(t, 0);
	assert_int_equal(bzj_score_parse("5.0", &t, &e), BZJ_OK);
	assert_int_equal(t, 50);
	static const char *const bad[] = {"5.1", "4.15", "4.", ".5", "-1", "", "abc", "10",
					  "4,1", " 4", "4.1 ", "4e0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t = -7;
		assert_int_equal(bzj_score_parse(bad[i], &t, &e), BZJ_EINPUT);
		assert_string_equal(e.code, "input.score");
		assert_int_equal(t, -7); /* untouched on error */
	}
	assert_int_equal(bzj_score_parse(NULL, &t, &e), BZJ_EINPUT);
}

static void mask_keeps_the_last_four(void **state)
{
	char buf[64], small[8];

	(void)state;
	assert_string_equal(bzj_mask_account("6222021234567890", buf, sizeof buf),
			    "************7890");
	assert_string_equal(bzj_mask_account("12345", buf, sizeof buf), "*2345");
	assert_string_equal(bzj_mask_account("1234", buf, sizeof buf), "1234");
	assert_string_equal(bzj_mask_account("12", buf, sizeof buf), "12");
	assert_string_equal(bzj_mask_account("", buf, sizeof buf), "");
	assert_string_equal(bzj_mask_account(NULL, buf, sizeof buf), "");
	/* characters, not bytes */
	assert_string_equal(bzj_mask_account("账户12345", buf, sizeof buf), "***2345");
	/* a small buffer drops stars, never shows more digits */
	assert_string_equal(bzj_mask_account("6222021234567890", small, sizeof small), "***7890");
	assert_string_equal(bzj_mask_account("6222021234567890", small, 4), "***");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_parsers_round_trip),
		cmocka_unit_test(names_are_the_command_line_words),
		cmocka_unit_test(unknown_names_parse_to_minus_one),
		cmocka_unit_test(floating_tiers_have_inclusive_upper_bounds),
		cmocka_unit_test(floating_takes_effect_on_the_2nd_of_the_next_month),
		cmocka_unit_test(position_required_is_max_of_base_and_floating_plus_raises),
		cmocka_unit_test(position_shortfall_restricts_and_refundable_never_negative),
		cmocka_unit_test(deduction_within_the_frozen_amount),
		cmocka_unit_test(deduction_beyond_the_freeze_takes_the_rest_of_the_balance),
		cmocka_unit_test(deduction_larger_than_the_balance_is_owed_from_unsettled_payments),
		cmocka_unit_test(deduction_nobody_covers_flags_termination),
		cmocka_unit_test_setup_teardown(partial_window_is_business_days_1_to_3, setup_cal,
						teardown_cal),
		cmocka_unit_test_setup_teardown(closure_window_is_business_days_7_to_15, setup_cal,
						teardown_cal),
		cmocka_unit_test_setup_teardown(window_needs_the_calendar_and_a_known_kind,
						setup_cal, teardown_cal),
		cmocka_unit_test(transitions_allow_exactly_the_documented_set),
		cmocka_unit_test(refused_transitions_say_what_and_why),
		cmocka_unit_test(individual_may_use_operator_card_or_licence_account),
		cmocka_unit_test(individual_card_must_be_in_the_operators_name),
		cmocka_unit_test(company_asking_for_a_personal_card_is_not_allowed),
		cmocka_unit_test(company_corporate_account_must_carry_the_company_name),
		cmocka_unit_test(payee_check_refuses_unknown_entity_or_type),
		cmocka_unit_test(payee_changed_less_than_30_days_before_payout),
		cmocka_unit_test(no_operator_message_names_the_command_that_records_one),
		cmocka_unit_test(info_change_holds_payouts_for_30_days),
		cmocka_unit_test(notice_dates_are_never_future_never_before_the_current_record),
		cmocka_unit_test(third_party_topup_needs_acknowledgement),
		cmocka_unit_test(receipt_from_7_natural_days_after_the_topup),
		cmocka_unit_test(newbie_check_boundaries),
		cmocka_unit_test(newbie_reasons_name_each_failed_condition),
		cmocka_unit_test(newbie_window_is_the_30_days_ending_on_the_day),
		cmocka_unit_test(score_parse_takes_one_decimal_from_0_to_5),
		cmocka_unit_test(mask_keeps_the_last_four),
	};

	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
