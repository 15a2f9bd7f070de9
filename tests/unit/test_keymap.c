/* test_keymap.c - the console's action table (tui/keymap.c): every action
 * is documented and bound, no key means two things in one panel, and the
 * config remaps by action name. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "keymap.h"

static const int all_panels[] = {PB_SHOPS, PB_DETAIL, PB_REFUNDS, PB_VIOL, PB_PROV, PB_PDETAIL, PB_ASSESS};

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

static void every_action_has_name_keys_label_and_help(void **state)
{
	keymap km;
	(void)state;
	keymap_defaults(&km);
	for (int a = 0; a < ACT_COUNT; a++) {
		const ui_action_def *d = &ui_actions[a];
		assert_non_null(d->name);
		assert_true(strlen(d->name) > 0);
		assert_true(strlen(d->label) > 0);
		assert_true(strlen(d->help) > 0);
		assert_true(d->panels != 0);
		/* Every default key name parses. */
		assert_true(km.nkeys[a] >= 1);
		for (int b = 0; b < a; b++)
			assert_string_not_equal(d->name, ui_actions[b].name);
	}
}

static void no_key_is_bound_twice_in_a_panel(void **state)
{
	keymap km;
	(void)state;
	keymap_defaults(&km);
	for (size_t p = 0; p < sizeof all_panels / sizeof all_panels[0]; p++) {
		int a = -1, b = -1;
		int key = keymap_conflict(&km, all_panels[p], &a, &b);
		if (key)
			fail_msg("panel %d: key %d bound to %s and %s", all_panels[p], key,
			         ui_actions[a].name, ui_actions[b].name);
	}
}

static void destructive_actions_are_off_the_navigation_keys(void **state)
{
	static const int writes[] = {ACT_REFUND_APPROVE,   ACT_REFUND_REJECT, ACT_REFUND_PAY,
	                             ACT_REFUND_FAIL,      ACT_REFUND_CANCEL, ACT_VIOLATION_DEDUCT,
	                             ACT_VIOLATION_RESOLVE};
	static const int nav[] = {ACT_UP,   ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_FIRST,
	                          ACT_LAST, ACT_OPEN, ACT_BACK,    ACT_NEXT_PANEL};
	keymap km;
	(void)state;
	keymap_defaults(&km);
	for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++)
		for (int k = 0; k < km.nkeys[writes[i]]; k++)
			for (size_t j = 0; j < sizeof nav / sizeof nav[0]; j++)
				for (int l = 0; l < km.nkeys[nav[j]]; l++)
					assert_int_not_equal(km.keys[writes[i]][k],
					                     km.keys[nav[j]][l]);
}

static void lookup_finds_the_action_of_the_panel(void **state)
{
	keymap km;
	(void)state;
	keymap_defaults(&km);
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, 'q'), ACT_BACK);
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, 'Q'), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, KEYMAP_FKEY(KEY_DOWN)), ACT_DOWN);
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, 'j'), ACT_DOWN);
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, KEYMAP_ENTER), ACT_OPEN);
	/* The same letter means different things in different panels. */
	assert_int_equal(keymap_lookup(&km, PB_REFUNDS, 'a'), ACT_REFUND_APPROVE);
	assert_int_equal(keymap_lookup(&km, PB_VIOL, 'a'), ACT_VIOLATION_ADD);
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, 'a'), ACT_NONE);
	assert_int_equal(keymap_lookup(&km, PB_DETAIL, '/'), ACT_NONE);
}

static void remap_by_action_name(void **state)
{
	keymap km;
	char err[200];
	(void)state;
	keymap_defaults(&km);
	assert_int_equal(keymap_bind(&km, "quit", "^X F10", err, sizeof err), 0);
	assert_int_equal(keymap_lookup(&km, PB_REFUNDS, 'X' & 0x1f), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, PB_REFUNDS, KEYMAP_FKEY(KEY_F(10))), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, PB_REFUNDS, 'Q'), ACT_NONE);
	assert_int_equal(keymap_find("refund-approve"), ACT_REFUND_APPROVE);
}

static void remap_refuses_conflicts_unknown_actions_and_keys(void **state)
{
	keymap km, before;
	char err[200];
	(void)state;
	keymap_defaults(&km);
	before = km;
	/* s sorts the shop list: search may not take it. */
	assert_int_equal(keymap_bind(&km, "search", "s", err, sizeof err), -1);
	assert_non_null(strstr(err, "sort"));
	assert_memory_equal(&km, &before, sizeof km);
	/* In another panel the same key is free. */
	assert_int_equal(keymap_bind(&km, "topup", "s", err, sizeof err), 0);
	assert_int_equal(keymap_bind(&km, "no-such-action", "z", err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-action"));
	assert_int_equal(keymap_bind(&km, "quit", "Hyper-Q", err, sizeof err), -1);
	assert_int_equal(keymap_bind(&km, "quit", "", err, sizeof err), -1);
	assert_int_equal(keymap_bind(&km, "quit", "a b c d e", err, sizeof err), -1);
}

static void apply_skips_bad_remaps_and_keeps_good_ones(void **state)
{
	keymap km;
	char err[200];
	char a1[] = "quit", k1[] = "^Q", a2[] = "bogus", k2[] = "z", a3[] = "reload", k3[] = "R";
	bzj_keybind b[] = {{a1, k1}, {a2, k2}, {a3, k3}};
	(void)state;
	keymap_defaults(&km);
	assert_int_equal(keymap_apply(&km, b, 3, err, sizeof err), 1);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(keymap_lookup(&km, PB_SHOPS, 'Q' & 0x1f), ACT_QUIT);
	assert_int_equal(keymap_lookup(&km, PB_DETAIL, 'R'), ACT_RELOAD);
}

static void key_names_round_trip(void **state)
{
	keymap km;
	char name[32];
	(void)state;
	keymap_defaults(&km);
	for (int a = 0; a < ACT_COUNT; a++)
		for (int k = 0; k < km.nkeys[a]; k++) {
			int key = km.keys[a][k];
			assert_int_equal(keymap_key_parse(keymap_key_name(key, name, sizeof name)),
			                 key);
		}
	assert_int_equal(keymap_key_parse("Enter"), KEYMAP_ENTER);
	assert_int_equal(keymap_key_parse("^L"), 12);
	assert_int_equal(keymap_key_parse("F1"), KEYMAP_FKEY(KEY_F(1)));
	assert_int_equal(keymap_key_parse("g"), 'g');
	assert_int_equal(keymap_key_parse("G"), 'G');
	assert_int_equal(keymap_key_parse("退"), 0x9000);
	assert_int_equal(keymap_key_parse("ab"), -1);
	assert_int_equal(keymap_from_input(OK, '\r'), KEYMAP_ENTER);
	assert_int_equal(keymap_from_input(KEY_CODE_YES, KEY_ENTER), KEYMAP_ENTER);
	assert_int_equal(keymap_from_input(OK, 127), KEYMAP_FKEY(KEY_BACKSPACE));
}

static void man_page_lists_every_action(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;
	assert_non_null(f);
	keymap_write_man(f);
	fclose(f);
	for (int a = 0; a < ACT_COUNT; a++) {
		char name[64], *p = name;
		/* roff escapes '-' */
		for (const char *s = ui_actions[a].name; *s && p < name + sizeof name - 3; s++) {
			if (*s == '-')
				*p++ = '\\';
			*p++ = *s;
		}
		*p = 0;
		bool found = strstr(buf, name) != NULL;
		if (!found)
			free(buf);
		if (!found)
			fail_msg("man page misses %s", ui_actions[a].name);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_action_has_name_keys_label_and_help),
	    cmocka_unit_test(no_key_is_bound_twice_in_a_panel),
	    cmocka_unit_test(destructive_actions_are_off_the_navigation_keys),
	    cmocka_unit_test(lookup_finds_the_action_of_the_panel),
	    cmocka_unit_test(remap_by_action_name),
	    cmocka_unit_test(remap_refuses_conflicts_unknown_actions_and_keys),
	    cmocka_unit_test(apply_skips_bad_remaps_and_keeps_good_ones),
	    cmocka_unit_test(key_names_round_trip),
	    cmocka_unit_test(man_page_lists_every_action),
	};
	return cmocka_run_group_tests_name("keymap", tests, setup, NULL);
}
