/* test_widget.c - display width, truncation, padding and escaping of the
 * console's text helpers (tui/widget.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "widget.h"

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	wdg_init();
	return 0;
}

static void width_counts_cjk_as_two_columns(void **state)
{
	(void)state;
	assert_int_equal(wdg_width(""), 0);
	assert_int_equal(wdg_width("abc"), 3);
	assert_int_equal(wdg_width("杭州"), 4);
	assert_int_equal(wdg_width("杭州abc"), 7);
	assert_int_equal(wdg_width("¥1,234.56"), 9);
	assert_int_equal(wdg_width("（主管）"), 8); /* fullwidth brackets */
	assert_int_equal(wdg_width("é"), 1);        /* e + combining acute */
}

static void control_characters_are_escaped(void **state)
{
	char buf[128];
	(void)state;
	assert_string_equal(wdg_escape_mb("a\x1b[31mb", buf, sizeof buf), "a^[[31mb");
	assert_string_equal(wdg_escape_mb("tab\there", buf, sizeof buf), "tab^Ihere");
	assert_string_equal(wdg_escape_mb("del\x7f", buf, sizeof buf), "del^?");
	assert_string_equal(wdg_escape_mb("nl\n", buf, sizeof buf), "nl^J");
	/* C1 controls (CSI as U+009B), bad bytes, bidi overrides. */
	assert_string_equal(wdg_escape_mb("x\xc2\x9by", buf, sizeof buf), "x\\x9by");
	assert_string_equal(wdg_escape_mb("bad\xff", buf, sizeof buf), "bad\\xff");
	assert_string_equal(wdg_escape_mb("\xe2\x80\xae"
	                                  "abc",
	                                  buf, sizeof buf),
	                    "\\u202eabc");
	/* A lone combining mark has nothing to sit on. */
	assert_string_equal(wdg_escape_mb("\xcc\x81", buf, sizeof buf), "\\u0301");
	/* Escapes count in the width: what is drawn is what is measured. */
	assert_int_equal(wdg_width("a\x1b"), 3);
	assert_int_equal(wdg_width("\xff"), 4);
}

static void escaped_text_never_holds_a_control_byte(void **state)
{
	char in[64], out[512];
	(void)state;
	for (int c = 0; c < 256; c++) {
		snprintf(in, sizeof in, "a%cb", c ? c : ' ');
		wdg_escape_mb(in, out, sizeof out);
		for (const unsigned char *p = (const unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 && *p != 0x7f);
	}
}

static void field_truncates_without_splitting_a_character(void **state)
{
	char buf[256];
	(void)state;
	/* 12 columns into 7: three characters and the ellipsis. */
	assert_string_equal(wdg_field_mb("杭州青禾服饰", 7, WDG_LEFT, buf, sizeof buf), "杭州青…");
	/* Into 6: a fourth column would split 青, so a space pads instead. */
	assert_string_equal(wdg_field_mb("杭州青禾服饰", 6, WDG_LEFT, buf, sizeof buf), "杭州… ");
	assert_string_equal(wdg_field_mb("杭州青禾服饰", 6, WDG_RIGHT, buf, sizeof buf), " 杭州…");
	assert_string_equal(wdg_field_mb("abcdef", 4, WDG_LEFT, buf, sizeof buf), "abc…");
	assert_string_equal(wdg_field_mb("杭州", 1, WDG_LEFT, buf, sizeof buf), "…");
	assert_string_equal(wdg_field_mb("abc", 0, WDG_LEFT, buf, sizeof buf), "");
}

static void field_pads_by_display_width(void **state)
{
	char buf[256];
	(void)state;
	assert_string_equal(wdg_field_mb("ab", 5, WDG_RIGHT, buf, sizeof buf), "   ab");
	assert_string_equal(wdg_field_mb("ab", 5, WDG_LEFT, buf, sizeof buf), "ab   ");
	assert_string_equal(wdg_field_mb("ab", 5, WDG_CENTER, buf, sizeof buf), " ab  ");
	assert_string_equal(wdg_field_mb("余额", 6, WDG_LEFT, buf, sizeof buf), "余额  ");
	assert_string_equal(wdg_field_mb("余额", 6, WDG_RIGHT, buf, sizeof buf), "  余额");
}

static void field_is_always_exactly_the_width(void **state)
{
	static const char *const s[] = {
	    "",
	    "a",
	    "杭州青禾服饰旗舰店",
	    "S0000001 北京晨曦百货",
	    "\x1b[2J",
	    "¥12,345.67",
	    "a\xcc\x81\xcc\x81",
	    "\xff\xfe",
	    "混合 mixed 文本 text",
	    "\xe2\x80\xae"
	    "x",
	};
	char buf[512];
	(void)state;
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		for (int w = 0; w <= 30; w++)
			assert_int_equal(
			    wdg_width(wdg_field_mb(s[i], w, WDG_LEFT, buf, sizeof buf)), w);
}

static void money_is_yuan_with_separators(void **state)
{
	char buf[48];
	(void)state;
	assert_string_equal(wdg_money(123456, buf, sizeof buf), "¥1,234.56");
	assert_string_equal(wdg_money(0, buf, sizeof buf), "¥0.00");
	assert_string_equal(wdg_money(-4309, buf, sizeof buf), "-¥43.09");
	assert_string_equal(wdg_money(5000000, buf, sizeof buf), "¥50,000.00");
}

typedef struct lines {
	char l[8][64];
	int n;
} lines;

static void collect(void *ctx, int i, const wchar_t *w, size_t len)
{
	lines *ls = ctx;
	wchar_t tmp[64];
	(void)i;
	wmemcpy(tmp, w, len);
	tmp[len] = 0;
	assert_true(wcstombs(ls->l[ls->n++], tmp, sizeof ls->l[0]) < sizeof ls->l[0]);
}

static void wrap_breaks_at_spaces_and_between_cjk(void **state)
{
	lines ls;
	(void)state;
	memset(&ls, 0, sizeof ls);
	assert_int_equal(wdg_wrap("hello world foo", 11, collect, &ls), 2);
	assert_string_equal(ls.l[0], "hello world");
	assert_string_equal(ls.l[1], "foo");
	memset(&ls, 0, sizeof ls);
	assert_int_equal(wdg_wrap("一二三四五六", 5, collect, &ls), 3);
	assert_string_equal(ls.l[0], "一二");
	assert_string_equal(ls.l[2], "五六");
	assert_int_equal(wdg_wrap("", 10, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(width_counts_cjk_as_two_columns),
	    cmocka_unit_test(control_characters_are_escaped),
	    cmocka_unit_test(escaped_text_never_holds_a_control_byte),
	    cmocka_unit_test(field_truncates_without_splitting_a_character),
	    cmocka_unit_test(field_pads_by_display_width),
	    cmocka_unit_test(field_is_always_exactly_the_width),
	    cmocka_unit_test(money_is_yuan_with_separators),
	    cmocka_unit_test(wrap_breaks_at_spaces_and_between_cjk),
	};
	return cmocka_run_group_tests_name("widget", tests, setup, NULL);
}
