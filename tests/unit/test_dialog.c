/* test_dialog.c - the console's line editor (CJK input, byte limits) and
 * the before/after table of violation confirmations (tui/dialog.c). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "dialog.h"
#include "widget.h"

static int setup(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8") && !setlocale(LC_ALL, "en_US.UTF-8"))
		return -1;
	wdg_init();
	return 0;
}

static const char *text(const ledit *e)
{
	static char buf[LEDIT_MAX * 4 + 1];
	return ledit_get(e, buf, sizeof buf);
}

static void typing_cjk_and_deleting_whole_characters(void **state)
{
	ledit e;
	(void)state;
	memset(&e, 0, sizeof e);
	ledit_set(&e, "");
	assert_int_equal(ledit_key(&e, 0x676D), 1); /* 杭 */
	assert_int_equal(ledit_key(&e, 0x5DDE), 1); /* 州 */
	assert_int_equal(ledit_key(&e, 'A'), 1);
	assert_string_equal(text(&e), "杭州A");
	assert_int_equal(ledit_key(&e, KEYMAP_FKEY(KEY_LEFT)), 0);
	assert_int_equal(ledit_key(&e, KEYMAP_FKEY(KEY_BACKSPACE)), 1);
	assert_string_equal(text(&e), "杭A");
	assert_int_equal(ledit_key(&e, KEYMAP_FKEY(KEY_HOME)), 0);
	assert_int_equal(ledit_key(&e, KEYMAP_FKEY(KEY_DC)), 1);
	assert_string_equal(text(&e), "A");
	/* Keys that are not editing are left to the caller. */
	assert_int_equal(ledit_key(&e, KEYMAP_ENTER), -1);
	assert_int_equal(ledit_key(&e, KEYMAP_ESC), -1);
	assert_int_equal(ledit_key(&e, KEYMAP_FKEY(KEY_DOWN)), -1);
}

static void control_characters_never_enter_the_text(void **state)
{
	ledit e;
	(void)state;
	memset(&e, 0, sizeof e);
	ledit_set(&e, "a\x1b[31mb\tc");
	assert_string_equal(text(&e), "a[31mbc");
	assert_int_equal(ledit_key(&e, 0x202E), -1); /* bidi override: no width */
	assert_string_equal(text(&e), "a[31mbc");
}

static void line_kill_keys(void **state)
{
	ledit e;
	(void)state;
	memset(&e, 0, sizeof e);
	ledit_set(&e, "材料 不全 请补充");
	assert_int_equal(ledit_key(&e, 'W' & 0x1f), 1);
	assert_string_equal(text(&e), "材料 不全 ");
	assert_int_equal(ledit_key(&e, 'U' & 0x1f), 1);
	assert_string_equal(text(&e), "");
}

static void byte_limit_holds_for_utf8(void **state)
{
	ledit e;
	(void)state;
	memset(&e, 0, sizeof e);
	e.maxbytes = 7; /* two CJK characters (6 bytes) and one ASCII */
	ledit_set(&e, "");
	assert_int_equal(ledit_key(&e, 0x676D), 1);
	assert_int_equal(ledit_key(&e, 0x5DDE), 1);
	assert_int_equal(ledit_key(&e, 0x9752), 0); /* 青 would make 9 bytes */
	assert_int_equal(ledit_key(&e, 'x'), 1);
	assert_int_equal(ledit_key(&e, 'y'), 0);
	assert_string_equal(text(&e), "杭州x");
}

static void effect_table_aligns_before_and_after(void **state)
{
	bzj_effect ef;
	char buf[4096];
	(void)state;
	memset(&ef, 0, sizeof ef);
	ef.before.required_fen = 400000;
	ef.after.required_fen = 1200000;
	ef.before.balance_fen = ef.after.balance_fen = 3286227;
	ef.after.frozen_fen = 50000;
	ef.after.restricted = true;
	ef.deduction.from_balance_fen = 100;
	dlg_effect_text(&ef, true, buf, sizeof buf);
	assert_non_null(strstr(buf, "¥4,000.00"));
	assert_non_null(strstr(buf, "¥12,000.00"));
	assert_non_null(strstr(buf, "restricted"));
	/* Every row of the before/after part has the same display width. */
	int width = -1;
	for (char *line = strtok(buf, "\n"); line && *line; line = strtok(NULL, "\n")) {
		if (!strstr(line, "¥") && !strstr(line, "After") && !strstr(line, "allowed"))
			continue;
		if (strstr(line, "From") || strstr(line, "owed") || strstr(line, "Beyond"))
			break; /* the deduction part has two columns */
		if (width < 0)
			width = wdg_width(line);
		assert_int_equal(wdg_width(line), width);
	}
	assert_true(width > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typing_cjk_and_deleting_whole_characters),
		cmocka_unit_test(control_characters_never_enter_the_text),
		cmocka_unit_test(line_kill_keys),
		cmocka_unit_test(byte_limit_holds_for_utf8),
		cmocka_unit_test(effect_table_aligns_before_and_after),
	};
	return cmocka_run_group_tests_name("dialog", tests, setup, NULL);
}
