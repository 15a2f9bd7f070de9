/* test_report.c - the pure parts of the finance reports: median and p90 by
 * the nearest-rank method, and the statement's arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/ledger.h"
#include "bzj/report.h"

static void quantiles_of_nothing_are_zero(void **state)
{
	(void)state;
	int med = -1, p90 = -1;
	bzj_quantiles(NULL, 0, &med, &p90);
	assert_int_equal(med, 0);
	assert_int_equal(p90, 0);
}

static void quantiles_nearest_rank(void **state)
{
	(void)state;
	int med, p90;
	int one[] = {5};
	bzj_quantiles(one, 1, &med, &p90);
	assert_int_equal(med, 5);
	assert_int_equal(p90, 5);
	int two[] = {7, 2}; /* sorted 2,7: rank ceil(1)=1, ceil(1.8)=2 */
	bzj_quantiles(two, 2, &med, &p90);
	assert_int_equal(med, 2);
	assert_int_equal(p90, 7);
	int three[] = {1, 0, 1};
	bzj_quantiles(three, 3, &med, &p90);
	assert_int_equal(med, 1);
	assert_int_equal(p90, 1);
	/* 1..10: median rank 5 -> 5; p90 rank 9 -> 9 */
	int ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	bzj_quantiles(ten, 10, &med, &p90);
	assert_int_equal(med, 5);
	assert_int_equal(p90, 9);
	/* 11 values 0..10: median rank 6 -> 5; p90 rank ceil(9.9)=10 -> 9 */
	int eleven[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	bzj_quantiles(eleven, 11, &med, &p90);
	assert_int_equal(med, 5);
	assert_int_equal(p90, 9);
	/* an outlier moves p90, not the median */
	int skew[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 30};
	bzj_quantiles(skew, 10, &med, &p90);
	assert_int_equal(med, 1);
	assert_int_equal(p90, 1);
	int skew2[] = {1, 1, 1, 1, 1, 1, 1, 1, 30, 30};
	bzj_quantiles(skew2, 10, &med, &p90);
	assert_int_equal(p90, 30);
	/* negative days (a back-dated record) sort first */
	int neg[] = {3, -2, 0};
	bzj_quantiles(neg, 3, &med, &p90);
	assert_int_equal(med, 0);
	assert_int_equal(p90, 3);
}

static void statement_adds_each_kind_to_its_line(void **state)
{
	(void)state;
	bzj_statement s;
	memset(&s, 0, sizeof s);
	bzj_statement_add(&s, BZJ_LK_TOPUP, 500000, true);     /* before the month */
	bzj_statement_add(&s, BZJ_LK_FEE, -1000, true);	       /* before: opening too */
	bzj_statement_add(&s, BZJ_LK_TOPUP, 20000, false);
	bzj_statement_add(&s, BZJ_LK_DEDUCTION, -3000, false);
	bzj_statement_add(&s, BZJ_LK_FEE, -50, false);
	bzj_statement_add(&s, BZJ_LK_REFUND, -10000, false);
	bzj_statement_add(&s, BZJ_LK_CORRECTION, -7, false);
	bzj_statement_add(&s, BZJ_LK_CORRECTION, 2, false);
	assert_int_equal(s.opening_fen, 499000);
	assert_int_equal(s.topups_fen, 20000);
	assert_int_equal(s.deductions_fen, 3000); /* outflows are positive */
	assert_int_equal(s.fees_fen, 50);
	assert_int_equal(s.refunds_fen, 10000);
	assert_int_equal(s.corrections_fen, -5);
	/* opening + in - out = closing, to the fen */
	assert_int_equal(s.closing_fen, 499000 + 20000 - 3000 - 50 - 10000 - 5);
	assert_int_equal(bzj_statement_closing(&s), s.closing_fen);
}

static void statement_sums_lines_and_keeps_the_identity(void **state)
{
	(void)state;
	bzj_statement a = {.shops = 2, .opening_fen = 100, .topups_fen = 10, .refunds_fen = 3};
	bzj_statement b = {.shops = 1, .opening_fen = 1, .deductions_fen = 1, .fees_fen = 1,
			   .corrections_fen = 4};
	a.closing_fen = bzj_statement_closing(&a);
	b.closing_fen = bzj_statement_closing(&b);
	assert_int_equal(a.closing_fen, 107);
	assert_int_equal(b.closing_fen, 3);
	bzj_statement t;
	memset(&t, 0, sizeof t);
	bzj_statement_sum(&t, &a);
	bzj_statement_sum(&t, &b);
	assert_int_equal(t.shops, 3);
	assert_int_equal(t.closing_fen, a.closing_fen + b.closing_fen);
	assert_int_equal(t.opening_fen, 101);
	/* large amounts stay exact (no floating point) */
	bzj_statement big = {.opening_fen = INT64_C(9999999999999), .topups_fen = 1};
	assert_int_equal(bzj_statement_closing(&big), INT64_C(10000000000000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quantiles_of_nothing_are_zero),
		cmocka_unit_test(quantiles_nearest_rank),
		cmocka_unit_test(statement_adds_each_kind_to_its_line),
		cmocka_unit_test(statement_sums_lines_and_keeps_the_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
