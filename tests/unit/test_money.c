/* test_money.c - yuan parsing into fen and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/money.h"

static void parse_accepts_yuan_with_up_to_two_decimals(void **state)
{
	static const struct {
		const char *in;
		int64_t fen;
	} ok[] = {
		{ "3000", 300000 },
		{ "3000.5", 300050 },
		{ "3000.50", 300050 },
		{ "0", 0 },
		{ "0.01", 1 },
		{ "0.1", 10 },
		{ "007", 700 },
		{ "000.00", 0 },
		{ "1234.56", 123456 },
		{ "50000.01", 5000001 },
		{ "99999999999.99", BZJ_MONEY_MAX_FEN - 1 },
		{ "100000000000", BZJ_MONEY_MAX_FEN },
		{ "100000000000.00", BZJ_MONEY_MAX_FEN },
		{ "0000000000000000000000000001", 100 },
	};
	size_t i;
	int64_t fen;
	bzj_err e;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		fen = -1;
		assert_int_equal(bzj_money_parse(ok[i].in, "amount", &fen, &e), BZJ_OK);
		assert_int_equal(fen, ok[i].fen);
	}
}

static void parse_refuses_everything_else_with_input_amount(void **state)
{
	static const char *const bad[] = {
		"3,000", "1e3",	  "-5",	   "+5",   "3000.555", ".5",	"5.",	"",
		" 5",	 "5 ",	  "5\n",   "0x10", "1_000",    "５",	"5..0", "5.0.0",
		"NaN",	 "inf",	  "¥5",	   "5元",  "1.2.3",    "\t5",	"12a",	"a12",
		"5.-1",	 "5,00", "'; DROP TABLE shop;--", "\x1b[2J5",
	};
	size_t i;
	int64_t fen = 42;
	bzj_err e;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bzj_money_parse(bad[i], "amount", &fen, &e), BZJ_EINPUT);
		assert_string_equal(e.code, "input.amount");
		assert_non_null(strstr(e.msg, "amount: "));
		assert_int_equal(fen, 42); /* untouched on failure */
	}
}

static void parse_message_names_field_and_input(void **state)
{
	bzj_err e;
	int64_t fen;

	(void)state;
	bzj_money_parse("3,000", "amount", &fen, &e);
	assert_string_equal(e.msg, "amount: '3,000' is not an amount in yuan (digits with up "
				   "to two decimals, e.g. 3000.50)");
	bzj_money_parse("x", "--raise", &fen, &e);
	assert_non_null(strstr(e.msg, "--raise: 'x'"));
}

static void parse_message_never_echoes_terminal_escapes(void **state)
{
	bzj_err e;
	int64_t fen;

	(void)state;
	bzj_money_parse("\x1b[2J", "amount", &fen, &e);
	assert_null(strchr(e.msg, '\x1b'));
}

static void parse_refuses_amounts_above_the_maximum(void **state)
{
	static const char *const big[] = {
		"100000000000.01",
		"100000000001",
		"9223372036854775807",
		"92233720368547758.08",
		"123456789012345678901234567890",
		"999999999999999999999999999999.99",
	};
	size_t i;
	int64_t fen = 7;
	bzj_err e;

	(void)state;
	for (i = 0; i < sizeof big / sizeof big[0]; i++) {
		assert_int_equal(bzj_money_parse(big[i], "amount", &fen, &e), BZJ_EINPUT);
		assert_string_equal(e.code, "input.amount");
		assert_non_null(strstr(e.msg, "largest"));
		assert_int_equal(fen, 7);
	}
}

static void parse_refuses_null_and_defaults_the_field_name(void **state)
{
	bzj_err e;
	int64_t fen;

	(void)state;
	assert_int_equal(bzj_money_parse(NULL, "amount", &fen, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "input.amount");
	assert_int_equal(bzj_money_parse("x", NULL, &fen, &e), BZJ_EINPUT);
	assert_non_null(strstr(e.msg, "amount"));
	/* NULL out and NULL err are allowed */
	assert_int_equal(bzj_money_parse("1", "amount", NULL, NULL), BZJ_OK);
	assert_int_equal(bzj_money_parse("x", "amount", NULL, NULL), BZJ_EINPUT);
}

static void fmt_groups_thousands_with_yuan_sign(void **state)
{
	static const struct {
		int64_t fen;
		const char *out;
	} cases[] = {
		{ 0, "¥0.00" },
		{ 5, "¥0.05" },
		{ 99999, "¥999.99" },
		{ 100000, "¥1,000.00" },
		{ 123456, "¥1,234.56" },
		{ 300000, "¥3,000.00" },
		{ 100000000, "¥1,000,000.00" },
		{ -123456, "-¥1,234.56" },
		{ -1, "-¥0.01" },
		{ BZJ_MONEY_MAX_FEN, "¥100,000,000,000.00" },
		{ INT64_MAX, "¥92,233,720,368,547,758.07" },
		{ INT64_MIN, "-¥92,233,720,368,547,758.08" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(bzj_money_fmt(cases[i].fen, buf, sizeof buf), cases[i].out);
}

static void plain_is_parseable_yuan(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(bzj_money_plain(123456, buf, sizeof buf), "1234.56");
	assert_string_equal(bzj_money_plain(0, buf, sizeof buf), "0.00");
	assert_string_equal(bzj_money_plain(-5, buf, sizeof buf), "-0.05");
	assert_string_equal(bzj_money_plain(INT64_MIN, buf, sizeof buf), "-92233720368547758.08");
}

static void plain_round_trips_through_parse(void **state)
{
	static const int64_t v[] = { 0, 1, 9, 10, 99, 100, 101, 123456, 5000000, 5000001,
				     BZJ_MONEY_MAX_FEN - 1, BZJ_MONEY_MAX_FEN };
	char buf[32];
	int64_t fen, x;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(bzj_money_parse(bzj_money_plain(v[i], buf, sizeof buf), "a", &fen,
						 NULL),
				 BZJ_OK);
		assert_int_equal(fen, v[i]);
	}
	for (x = 0; x < 20000; x += 7) {
		bzj_money_parse(bzj_money_plain(x, buf, sizeof buf), "a", &fen, NULL);
		assert_int_equal(fen, x);
	}
}

static void fmt_truncates_into_small_buffers(void **state)
{
	char buf[6];

	(void)state;
	bzj_money_fmt(123456, buf, sizeof buf);
	assert_int_equal(strlen(buf), 5);
	assert_memory_equal(buf, "¥1,2", 5);
	assert_null(bzj_money_fmt(1, NULL, 0));
}

static void add_refuses_sums_beyond_int64(void **state)
{
	int64_t out = 7;

	(void)state;
	assert_true(bzj_money_add(1, 2, &out));
	assert_int_equal(out, 3);
	assert_true(bzj_money_add(INT64_MAX - 100, 100, &out));
	assert_int_equal(out, INT64_MAX);
	out = 7;
	assert_false(bzj_money_add(INT64_MAX - 100, 101, &out));
	assert_int_equal(out, 7); /* untouched */
	assert_false(bzj_money_add(INT64_MIN, -1, &out));
	assert_true(bzj_money_add(-5, 5, &out));
	assert_int_equal(out, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_accepts_yuan_with_up_to_two_decimals),
		cmocka_unit_test(parse_refuses_everything_else_with_input_amount),
		cmocka_unit_test(parse_message_names_field_and_input),
		cmocka_unit_test(parse_message_never_echoes_terminal_escapes),
		cmocka_unit_test(parse_refuses_amounts_above_the_maximum),
		cmocka_unit_test(parse_refuses_null_and_defaults_the_field_name),
		cmocka_unit_test(fmt_groups_thousands_with_yuan_sign),
		cmocka_unit_test(plain_is_parseable_yuan),
		cmocka_unit_test(plain_round_trips_through_parse),
		cmocka_unit_test(fmt_truncates_into_small_buffers),
		cmocka_unit_test(add_refuses_sums_beyond_int64),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
