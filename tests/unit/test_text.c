/* test_text.c - the one escaper (bzj/text.h), JSON escaping of C1 and
 * bidi characters, and names refusing invisible characters (issue 10.7). */
#include "fixture.h"
#include "bzj/json.h"
#include "bzj/text.h"

static void escape_each_class(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain 店名·旗舰", "plain 店名·旗舰"},
		{"a\033[31mb", "a^[[31mb"},
		{"c\x7f", "c^?"},
		{"x\xc2\x9by", "x\\x9by"},		/* C1 CSI */
		{"r\xe2\x80\xaeo", "r\\u202eo"},	/* RLO */
		{"i\xe2\x81\xa6j", "i\\u2066j"},	/* LRI */
		{"p\xe2\x81\xa9q", "p\\u2069q"},	/* PDI */
		{"z\xe2\x80\x8bw", "z\\u200bw"},	/* zero width space */
		{"m\xe2\x80\x8fn", "m\\u200fn"},	/* RLM */
		{"w\xe2\x81\xa0j", "w\\u2060j"},	/* word joiner */
		{"b\xef\xbb\xbfo", "b\\ufeffo"},	/* BOM */
		{"l\xe2\x80\xa8s", "l\\u2028s"},	/* line separator */
		{"p\xe2\x80\xa9s", "p\\u2029s"},	/* paragraph separator */
		{"n\xef\xb7\x90" "c", "n\\ufdd0c"},	/* noncharacter */
		{"n\xef\xbf\xbe", "n\\ufffe"},		/* noncharacter */
		{"bad\xff", "bad\\xff"},		/* not UTF-8 */
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"}, /* emoji stays */
	};
	char buf[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(bzj_text_safe(cases[i].in, buf, sizeof buf), cases[i].want);
	/* truncation never splits a character */
	char small[5];
	assert_string_equal(bzj_text_safe("店名店名", small, sizeof small), "店");
}

static void json_escapes_c1_and_bidi(void **state)
{
	(void)state;
	bzj_json j;
	bzj_json_init(&j);
	bzj_json_str(&j, NULL, "a\xc2\x9b" "b\xe2\x80\xae" "c\xe2\x80\x8b" "d\xe2\x80\xa8" "e\033\xff店");
	assert_string_equal(bzj_json_text(&j), "\"a\\u009bb\\u202ec\\u200bd\\u2028e\\u001b\\ufffd店\"");
	bzj_json_free(&j);
}

static void names_refuse_invisible_characters(void **state)
{
	fx *f = *state;
	static const char *const bad[] = {"\xe2\x80\xae", "\xe2\x80\xaa", "\xe2\x81\xa6", "\xe2\x80\x8b",
					  "\xe2\x81\xa0", "\xef\xbb\xbf", "\xe2\x80\xa8", "\xe2\x80\xa9",
					  "\xef\xb7\x90", "\xc2\x85"};
	static const char *const cps[] = {"U+202E", "U+202A", "U+2066", "U+200B", "U+2060",
					  "U+FEFF", "U+2028", "U+2029", "U+FDD0", "U+0085"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "店%s名", bad[i]);
		bzj_shop_new in = {.id = "T1", .name = name, .entity_name = "某公司",
				   .entity = BZJ_ENTITY_COMPANY, .ncategories = 1,
				   .opened = D("2025-08-01")};
		in.categories[0] = "服饰内衣";
		REFUSED(bzj_shop_add(&f->x, &in, &f->e), BZJ_EINPUT, "input.name");
		if (!strstr(f->e.msg, cps[i]))
			fail_msg("message '%s' does not name %s", f->e.msg, cps[i]);
	}
}

/* bzj_int_text writes what printf's %lld writes, for every magnitude and
 * both extremes; bzj_hex what %02x byte by byte writes. */
static void int_text_and_hex_match_printf(void **state)
{
	(void)state;
	const int64_t v[] = {0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321,
			     1000000000, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char got[24], want[32];
		memset(got, 'x', sizeof got);
		size_t n = bzj_int_text(v[i], got);
		snprintf(want, sizeof want, "%lld", (long long)v[i]);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
	}
	int64_t p = 1; /* 0, 9, 99, ... 10^18 - 1 */
	for (int k = 0; k < 19; k++) {
		char got[24], want[32];
		bzj_int_text(p - 1, got);
		snprintf(want, sizeof want, "%lld", (long long)(p - 1));
		assert_string_equal(got, want);
		if (k < 18)
			p *= 10;
	}
	uint8_t d[256];
	char got[513], want[513];
	for (int i = 0; i < 256; i++) {
		d[i] = (uint8_t)(255 - i);
		snprintf(want + 2 * i, 3, "%02x", d[i]);
	}
	memset(got, 'x', sizeof got);
	bzj_hex(d, 256, got);
	assert_string_equal(got, want);
	bzj_hex(d, 0, got);
	assert_string_equal(got, "");
	/* bzj_copy: snprintf("%s")'s result and whether it fitted */
	char b4[4];
	assert_true(bzj_copy(b4, sizeof b4, "abc"));
	assert_string_equal(b4, "abc");
	assert_false(bzj_copy(b4, sizeof b4, "abcd"));
	assert_string_equal(b4, "abc");
	assert_true(bzj_copy(b4, sizeof b4, ""));
	assert_string_equal(b4, "");
	assert_false(bzj_copy(b4, 1, "x"));
	assert_string_equal(b4, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_each_class),
		cmocka_unit_test(int_text_and_hex_match_printf),
		cmocka_unit_test(json_escapes_c1_and_bidi),
		cmocka_unit_test_setup_teardown(names_refuse_invisible_characters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
