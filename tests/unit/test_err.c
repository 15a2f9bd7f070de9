/* test_err.c - errors as values: bzj_fail, bzj_err_clear, bzj_rc_name,
 * bzj_err_quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/err.h"

static void fail_fills_code_message_and_returns_rc(void **state)
{
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_fail(&e, BZJ_ERULE, "refund.window", "pay from %s", "2026-02-24"),
			 BZJ_ERULE);
	assert_int_equal(e.rc, BZJ_ERULE);
	assert_string_equal(e.code, "refund.window");
	assert_string_equal(e.msg, "pay from 2026-02-24");
}

static void fail_with_null_err_only_returns_rc(void **state)
{
	(void)state;
	assert_int_equal(bzj_fail(NULL, BZJ_EIO, "x", "y %d", 1), BZJ_EIO);
}

static void fail_may_wrap_its_own_message(void **state)
{
	bzj_err e;

	(void)state;
	bzj_fail(&e, BZJ_EINPUT, "input.date", "date: bad");
	bzj_fail(&e, e.rc, e.code, "line %d: %s", 7, e.msg);
	assert_string_equal(e.msg, "line 7: date: bad");
	assert_string_equal(e.code, "input.date");
}

static void fail_truncates_long_code_and_message(void **state)
{
	char big[2000];
	bzj_err e;

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	bzj_fail(&e, BZJ_EINPUT, big, "%s", big);
	assert_int_equal(strlen(e.code), sizeof e.code - 1);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
}

static void fail_cuts_messages_at_a_character_boundary(void **state)
{
	char big[600] = "";
	bzj_err e;
	int i;

	(void)state;
	/* 170 three-byte characters: 510 bytes, then one more that cannot fit */
	for (i = 0; i < 171; i++)
		strcat(big, "店");
	bzj_fail(&e, BZJ_EINPUT, "x", "%s", big);
	assert_int_equal(strlen(e.msg), 510);
	bzj_fail(&e, BZJ_EINPUT, "x", "a%s", big);
	assert_int_equal(strlen(e.msg), 511);
	bzj_fail(&e, BZJ_EINPUT, "x", "ab%s", big);
	assert_int_equal(strlen(e.msg), 509);
}

static void clear_resets_to_ok(void **state)
{
	bzj_err e;

	(void)state;
	bzj_fail(&e, BZJ_EPERM, "auth.role", "no");
	bzj_err_clear(&e);
	assert_int_equal(e.rc, BZJ_OK);
	assert_string_equal(e.code, "");
	assert_string_equal(e.msg, "");
	bzj_err_clear(NULL);
}

static void rc_names_are_distinct(void **state)
{
	int a, b;

	(void)state;
	assert_string_equal(bzj_rc_name(BZJ_ERULE), "refused");
	assert_string_equal(bzj_rc_name(BZJ_EINPUT), "bad input");
	for (a = BZJ_OK; a <= BZJ_EIO; a++)
		for (b = a + 1; b <= BZJ_EIO; b++)
			assert_string_not_equal(bzj_rc_name(a), bzj_rc_name(b));
	assert_non_null(bzj_rc_name(99));
}

static void quote_replaces_escapes_and_bad_bytes(void **state)
{
	char q[64];

	(void)state;
	assert_string_equal(bzj_err_quote("\x1b[2Jhi", q, sizeof q), "?[2Jhi");
	assert_string_equal(bzj_err_quote("\xb5\xea\xc6\xcc", q, sizeof q), "????");
	assert_string_equal(bzj_err_quote("店铺", q, sizeof q), "店铺");
	assert_string_equal(bzj_err_quote("a\xc2\x9b" "b", q, sizeof q), "a?b"); /* C1 CSI */
	assert_string_equal(bzj_err_quote(NULL, q, sizeof q), "");
}

static void quote_cuts_long_text_at_a_character(void **state)
{
	char q[10];

	(void)state;
	assert_string_equal(bzj_err_quote("123456789", q, sizeof q), "123456789");
	assert_string_equal(bzj_err_quote("1234567890", q, sizeof q), "123456...");
	/* 3-byte characters: two fit before the "..." */
	assert_string_equal(bzj_err_quote("店铺保证金", q, sizeof q), "店铺...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fail_fills_code_message_and_returns_rc),
		cmocka_unit_test(fail_with_null_err_only_returns_rc),
		cmocka_unit_test(fail_may_wrap_its_own_message),
		cmocka_unit_test(fail_truncates_long_code_and_message),
		cmocka_unit_test(fail_cuts_messages_at_a_character_boundary),
		cmocka_unit_test(clear_resets_to_ok),
		cmocka_unit_test(rc_names_are_distinct),
		cmocka_unit_test(quote_replaces_escapes_and_bad_bytes),
		cmocka_unit_test(quote_cuts_long_text_at_a_character),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
