/* test_csv.c - the RFC 4180 reader: BOM, CRLF, quoting, line numbers, and
 * the errors an operator's file can produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bzj/csv.h"

/* Records as text: "LINE:[f1][f2]\n" per record. */
struct collect {
	char out[4096];
	size_t len;
	int calls;
	int stop_at; /* return an error from this call (1-based); 0 never */
};

static int collect_row(void *ctx, long line, char **fields, size_t nfields, bzj_err *e)
{
	struct collect *c = ctx;
	size_t i;

	c->calls++;
	if (c->calls == c->stop_at)
		return bzj_fail(e, BZJ_EINPUT, "import.invalid", "stop");
	c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "%ld:", line);
	for (i = 0; i < nfields; i++)
		c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "[%s]",
					   fields[i]);
	c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "\n");
	return 0;
}

static int parse(const char *data, size_t len, struct collect *c, bzj_err *e)
{
	memset(c, 0, sizeof *c);
	return bzj_csv_parse(data, len, collect_row, c, e);
}

static int parse_str(const char *data, struct collect *c, bzj_err *e)
{
	return parse(data, strlen(data), c, e);
}

static void plain_records_with_lf(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("id,name\ns1,店铺一\ns2,店铺二\n", &c, &e), BZJ_OK);
	assert_string_equal(c.out, "1:[id][name]\n2:[s1][店铺一]\n3:[s2][店铺二]\n");
}

static void crlf_and_a_missing_final_newline(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("a,b\r\nc,d", &c, &e), BZJ_OK);
	assert_string_equal(c.out, "1:[a][b]\n2:[c][d]\n");
}

static void bom_is_skipped(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("\xef\xbb\xbfid,amount\r\ns1,3000\r\n", &c, &e), BZJ_OK);
	assert_string_equal(c.out, "1:[id][amount]\n2:[s1][3000]\n");
	/* a BOM alone is an empty file */
	assert_int_equal(parse_str("\xef\xbb\xbf", &c, &e), BZJ_OK);
	assert_int_equal(c.calls, 0);
}

static void quoted_commas_quotes_and_newlines(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("a,\"x, y\",\"say \"\"hi\"\"\"\n"
				   "b,\"two\nlines\",\"\"\r\n"
				   "c,\"three\r\nlines\nhere\",z\n"
				   "d,e\n",
				   &c, &e),
			 BZJ_OK);
	/* the record's line is where it starts; quoted newlines count */
	assert_string_equal(c.out, "1:[a][x, y][say \"hi\"]\n"
				   "2:[b][two\nlines][]\n"
				   "4:[c][three\r\nlines\nhere][z]\n"
				   "7:[d][e]\n");
}

static void empty_fields_and_blank_lines(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("a,,b\n,\n\nlast,\n\n", &c, &e), BZJ_OK);
	assert_string_equal(c.out, "1:[a][][b]\n2:[][]\n4:[last][]\n");
	assert_int_equal(parse_str("", &c, &e), BZJ_OK);
	assert_int_equal(c.calls, 0);
	assert_int_equal(parse_str("\"\"\n", &c, &e), BZJ_OK);
	assert_string_equal(c.out, "1:[]\n");
}

static void gbk_bytes_are_an_encoding_error_naming_the_line(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	/* "店铺" in GBK on line 3; nothing is handed out before the error */
	assert_int_equal(parse_str("id,name\ns1,ok\ns2,\xb5\xea\xc6\xcc\n", &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.encoding");
	assert_string_equal(e.msg, "line 3: not UTF-8 (is the file GBK? save it as UTF-8)");
	assert_int_equal(c.calls, 0);
	/* inside a quoted multi-line field, the physical line is named */
	assert_int_equal(parse_str("a,\"x\n\xb5\xea\"\n", &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.encoding");
	assert_non_null(strstr(e.msg, "line 2:"));
}

static void unterminated_quote_names_where_it_opened(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("a,b\nc,\"open\nmore\nstill\n", &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "line 2:"));
	assert_non_null(strstr(e.msg, "never closed"));
}

static void stray_quotes_are_format_errors(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse_str("a,b\nab\"c,d\n", &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "line 2:"));
	assert_int_equal(parse_str("\"ab\"c,d\n", &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "line 1:"));
}

static void nul_and_lone_cr_are_format_errors(void **state)
{
	static const char nul[] = "a,b\nc,d\0e\n";
	struct collect c;
	bzj_err e;

	(void)state;
	assert_int_equal(parse(nul, sizeof nul - 1, &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "line 2:"));
	assert_non_null(strstr(e.msg, "NUL"));
	assert_int_equal(parse_str("a,b\rc,d\n", &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
}

static void field_size_limit_is_one_mebibyte(void **state)
{
	size_t n = BZJ_CSV_MAX_FIELD;
	char *big = malloc(n + 8);
	bzj_err e;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n + 1);
	memcpy(big + n + 1, "\n", 2);
	/* exactly the limit is fine */
	assert_int_equal(bzj_csv_parse(big + 1, n + 1, NULL, NULL, &e), BZJ_OK);
	/* one byte more is not */
	assert_int_equal(bzj_csv_parse(big, n + 2, NULL, NULL, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "line 1:"));
	/* quoted fields count too */
	big[0] = '"';
	big[n + 1] = '"';
	assert_int_equal(bzj_csv_parse(big, n + 2, NULL, NULL, &e), BZJ_OK);
	free(big);
}

/* A physical line of at most 2 MiB: a file without line breaks (say
 * /dev/zero's bytes turned to text) is refused naming the line, before a
 * record is handed out, however short its fields. */
static void line_length_limit_is_two_mebibytes(void **state)
{
	size_t n = BZJ_CSV_MAX_LINE;
	char *big = malloc(n + 16);
	struct collect c;
	bzj_err e;

	(void)state;
	assert_non_null(big);
	memcpy(big, "a,b\n", 4);
	for (size_t i = 4; i < n + 6; i++)
		big[i] = (i % 2) ? ',' : 'x';
	big[n + 4] = '\n';
	/* line 2 exactly at the limit: fine (it has many short fields, so the
	 * field count refuses it, not the line length) */
	memset(&c, 0, sizeof c);
	assert_int_equal(parse(big, n + 5, &c, &e), BZJ_EINPUT);
	assert_null(strstr(e.msg, "longer than"));
	/* one byte more: refused as too long, before any record */
	big[n + 4] = 'x';
	big[n + 5] = '\n';
	assert_int_equal(parse(big, n + 6, &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "line 2 is longer than 2097152 bytes"));
	assert_int_equal(c.calls, 0);
	free(big);
}

static void at_most_64_fields(void **state)
{
	char line[256] = "";
	struct collect c;
	bzj_err e;
	int i;

	(void)state;
	for (i = 1; i < BZJ_CSV_MAX_FIELDS; i++)
		strcat(line, "x,");
	strcat(line, "x\n");
	assert_int_equal(parse_str(line, &c, &e), BZJ_OK);
	assert_int_equal(c.calls, 1);
	line[strlen(line) - 1] = ',';
	strcat(line, "y\n");
	assert_int_equal(parse_str(line, &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	assert_non_null(strstr(e.msg, "more than 64 fields"));
}

static void callback_error_stops_the_parse(void **state)
{
	struct collect c;
	bzj_err e;

	(void)state;
	memset(&c, 0, sizeof c);
	c.stop_at = 2;
	assert_int_equal(bzj_csv_parse("a\nb\nc\n", 6, collect_row, &c, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.invalid");
	assert_int_equal(c.calls, 2);
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(bzj_utf8_valid("", 0));
	assert_true(bzj_utf8_valid("abc", 3));
	assert_true(bzj_utf8_valid("店铺", 6));
	assert_true(bzj_utf8_valid("\xf0\x9f\x98\x80", 4)); /* emoji */
	assert_true(bzj_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
	assert_false(bzj_utf8_valid("\xb5\xea\xc6\xcc", 4)); /* GBK */
	assert_false(bzj_utf8_valid("\xc0\x80", 2));	     /* overlong NUL */
	assert_false(bzj_utf8_valid("\xe0\x80\x80", 3));     /* overlong */
	assert_false(bzj_utf8_valid("\xf0\x80\x80\x80", 4)); /* overlong */
	assert_false(bzj_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(bzj_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(bzj_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(bzj_utf8_valid("\xe5\xba", 2)); /* truncated */
	assert_false(bzj_utf8_valid("\x80", 1));
	assert_false(bzj_utf8_valid("\xff", 1));
	/* the length is respected: a cut sequence is invalid */
	assert_false(bzj_utf8_valid("店铺", 5));
}

/* ASCII is checked eight bytes at a time: a bad byte anywhere in it, or a
 * sequence across an eight-byte boundary, is judged like any other. */
static void utf8_validation_at_every_offset(void **state)
{
	char buf[64];
	struct collect c;
	bzj_err e;

	(void)state;
	for (size_t at = 0; at + 3 <= 40; at++) {
		memset(buf, 'a', 40);
		memcpy(buf + at, "店", 3);
		assert_true(bzj_utf8_valid(buf, 40));
		buf[at + 1] = 'a'; /* a cut sequence */
		assert_false(bzj_utf8_valid(buf, 40));
		memset(buf, 'a', 40);
		buf[at] = (char)0xff;
		assert_false(bzj_utf8_valid(buf, 40));
	}
	/* after long ASCII lines the bad line is still the one named, and a
	 * sequence cut by a line break is bad on the line it starts */
	assert_int_equal(parse_str("id,name\nshop0000001,aaaaaaaaaaaaaaaa\nshop0000002,\xe5\xba\n"
				   "\xaa,x\n", &c, &e),
			 BZJ_EINPUT);
	assert_string_equal(e.code, "import.encoding");
	assert_non_null(strstr(e.msg, "line 3:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_records_with_lf),
		cmocka_unit_test(crlf_and_a_missing_final_newline),
		cmocka_unit_test(bom_is_skipped),
		cmocka_unit_test(quoted_commas_quotes_and_newlines),
		cmocka_unit_test(empty_fields_and_blank_lines),
		cmocka_unit_test(gbk_bytes_are_an_encoding_error_naming_the_line),
		cmocka_unit_test(unterminated_quote_names_where_it_opened),
		cmocka_unit_test(stray_quotes_are_format_errors),
		cmocka_unit_test(nul_and_lone_cr_are_format_errors),
		cmocka_unit_test(field_size_limit_is_one_mebibyte),
		cmocka_unit_test(line_length_limit_is_two_mebibytes),
		cmocka_unit_test(at_most_64_fields),
		cmocka_unit_test(callback_error_stops_the_parse),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(utf8_validation_at_every_offset),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
