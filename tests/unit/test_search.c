/* test_search.c - the shop list's search and keyset pages, against a
 * brute-force scan of the same database.
 *
 * The database is made large enough for every path the search takes: a
 * 1- and 2-character term with more than 4,000 matches (row test, gram
 * walk: 州, 小店), a 3-character term with more matches than the FTS set threshold
 * (bigram walk with probes), rare terms (sets), id prefixes alone and mixed
 * with names, filters, every sort order in both directions, counts capped
 * and exact, and the gram index after renames and deletes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "bzj/ctx.h"
#include "bzj/shop.h"
#include "bzj/store.h"
#include "search_ref.h"

#define NSHOPS 9000
#define PAGE 50

typedef struct fx {
	char dir[64], path[128];
	bzj_db *db;
	sqlite3 *h;
} fx;

static const char *const city[] = {"杭州", "深圳", "苏州", "广州", "北京"};
static const char *const word[] = {"云裳", "山海", "锦绣", "星辰", "鹿角", "Ab"};
static const char *const kind[] = {"服饰小店", "旗舰店", "专营店", "优选小店", "生活馆小店"};
static const char *const oper[] = {"王伟", "王芳", "李娜", "张秀英", "刘洋", "Zed O'Hara"};

static void exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static void no_seal(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	(void)v;
	sqlite3_result_text(c, "unsealed", -1, SQLITE_STATIC);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	bzj_err e = {0};
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/bzj-search-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	assert_int_equal(bzj_db_open(f->path, BZJ_OPEN_CREATE, &f->db, &e), BZJ_OK);
	assert_int_equal(sqlite3_open(f->path, &f->h), SQLITE_OK);
	/* the seal triggers (schema 7) call bzj_seal, which only bzj's own
	 * connection has; this raw one writes shops directly */
	assert_int_equal(sqlite3_create_function(f->h, "bzj_seal", -1, SQLITE_UTF8, NULL,
						 no_seal, NULL, NULL),
			 SQLITE_OK);
	/* shops whose names and operators come from small vocabularies, in
	 * an order that is not id order (rowids and ids disagree) */
	sqlite3_stmt *st;
	exec(f->h, "BEGIN");
	assert_int_equal(
		sqlite3_prepare_v2(f->h,
				   "INSERT INTO shop(id, name, entity_name, operator_name, entity,"
				   " status, opened, closed, balance_fen, required_fen, restricted,"
				   " open_violations) VALUES (?,?,?,?,?,?,20240101,?,?,?,?,?)",
				   -1, &st, NULL),
		SQLITE_OK);
	for (int k = 0; k < NSHOPS; k++) {
		int i = (k * 7919) % NSHOPS; /* a permutation */
		char id[16], name[96];
		snprintf(id, sizeof id, "S%05d", i);
		snprintf(name, sizeof name, "%s%s%s", city[i % 5], word[(i / 5) % 6],
			 kind[(i / 30) % 5]);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, oper[(i / 7) % 6], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, 1 + i % 2);
		sqlite3_bind_int(st, 6, i % 11 == 0 ? 2 : 1);
		if (i % 11 == 0)
			sqlite3_bind_int(st, 7, 20250101);
		else
			sqlite3_bind_null(st, 7);
		sqlite3_bind_int64(st, 8, (int64_t)(i % 97) * 1000);
		sqlite3_bind_int64(st, 9, (int64_t)(i % 13) * 5000);
		sqlite3_bind_int(st, 10, i % 9 == 0);
		sqlite3_bind_int(st, 11, i % 17 == 0);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	/* ids in other cases and shapes: lower case, punctuation, a number
	 * that is only zeros, letters inside the number */
	static const char *const odd[] = {"s00167", "Ab-0167", "x_000", "0000", "t9", "S0a1",
					  "sa00042", "s"};
	for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
		sqlite3_bind_text(st, 1, odd[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, "编号特别的店", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "编号特别的店", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, "", -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, 1);
		sqlite3_bind_int(st, 6, 1);
		sqlite3_bind_null(st, 7);
		sqlite3_bind_int64(st, 8, 0);
		sqlite3_bind_int64(st, 9, 0);
		sqlite3_bind_int(st, 10, 0);
		sqlite3_bind_int(st, 11, k % 2);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	exec(f->h, "COMMIT");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[256];
	sqlite3_close(f->h);
	bzj_db_close(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* What the search must return: the reference scan.  ids NULL: the count. */
static int brute(fx *f, const bzj_shop_query *q, char (*ids)[BZJ_ID_MAX + 1], int max)
{
	char sql[1024], lt[256], num[256];
	ref_lower(q->search, lt, sizeof lt);
	ref_number(q->search, num, sizeof num);
	ref_sql(q, !ids, sql, sizeof sql);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->h, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, lt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->search, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, num, -1, SQLITE_STATIC);
	int n = 0;
	if (!ids) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		n = sqlite3_column_int(st, 0);
	} else {
		while (n < max && sqlite3_step(st) == SQLITE_ROW)
			snprintf(ids[n++], BZJ_ID_MAX + 1, "%s",
				 (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return n;
}

/* Pages forward to the end (or `pages`), one page back, and the counts. */
static void same(fx *f, bzj_shop_query q, int pages)
{
	static char want[NSHOPS][BZJ_ID_MAX + 1];
	bzj_shop_row rows[PAGE];
	bzj_err e = {0};
	int nw = brute(f, &q, want, PAGE * pages), got = 0, n = 0;
	for (int p = 0; p < pages; p++) {
		assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
		for (int i = 0; i < n; i++, got++) {
			assert_true(got < nw);
			if (strcmp(rows[i].id, want[got]) != 0)
				fail_msg("term %s sort %d desc %d: row %d is %s, want %s", q.search,
					 q.sort, q.desc, got, rows[i].id, want[got]);
		}
		if (n > 0) {
			q.has_cursor = true;
			q.cursor = rows[n - 1];
		}
		if (n < PAGE)
			break;
	}
	assert_int_equal(got, nw);
	if (got > PAGE) { /* the page before the last row seen */
		bzj_shop_query b = q;
		b.backward = true;
		assert_int_equal(bzj_store_shop_list(f->db, &b, rows, PAGE, &n, &e), BZJ_OK);
		assert_int_equal(n, PAGE);
		assert_string_equal(rows[0].id, want[got - 1 - PAGE]);
		assert_string_equal(rows[PAGE - 1].id, want[got - 2]);
	}
	int64_t exact = brute(f, &q, NULL, 0), total = -1, pos = -1;
	q.count_cap = 0;
	assert_int_equal(bzj_store_shop_count(f->db, &q, NULL, &total, NULL, &e), BZJ_OK);
	assert_int_equal(total, exact);
	q.count_cap = 1000;
	assert_int_equal(bzj_store_shop_count(f->db, &q, NULL, &total, NULL, &e), BZJ_OK);
	assert_int_equal(total, exact < 1000 ? exact : 1000);
	if (got > 2) { /* the position of a row in the middle */
		q.count_cap = 0;
		assert_int_equal(bzj_store_shop_count(f->db, &q, &rows[0], &total, &pos, &e),
				 BZJ_OK);
		if (got <= PAGE)
			assert_int_equal(pos, 0);
		else
			assert_int_equal(pos, got - 1 - PAGE);
	}
}

static const char *const terms[] = {
	/* 1 char: common (row test) and rare (set) */
	"州", "伟", "O", "z",
	/* 2 chars: gram walk, common and rare */
	"杭州", "小店", "王伟", "张秀", "ab", "AB", "云裳", "'H",
	/* 3+ chars: bigram walk with probes, rare sets, absent */
	"杭州云", "杭州云裳", "州云裳旗", "张秀英", "旗舰店", "云裳旗舰店", "o'h", "\"", "杭州X", "裳杭",
	/* ids: prefixes alone, and mixed with names ("S0" is in no name) */
	"S0", "S00", "S0012", "S08999", "s0", "S", "S1",
	/* ids in any case, and by their number (leading zeros left out) */
	"s00167", "S00167", "s0012", "sA", "AB-", "ab-0", "x_", "T", "t",
	"167", "0167", "00167", "1", "16", "8999", "9", "42", "0", "000", "0000", "1a"};

static void test_search_matches_scan(void **state)
{
	fx *f = *state;
	for (size_t t = 0; t < sizeof terms / sizeof terms[0]; t++)
		for (int sort = 0; sort < BZJ_SORT_COUNT; sort++)
			for (int desc = 0; desc < 2; desc++)
				same(f, (bzj_shop_query){.search = terms[t], .sort = sort, .desc = desc},
				     3);
}

static void test_search_with_filters(void **state)
{
	fx *f = *state;
	for (size_t t = 0; t < sizeof terms / sizeof terms[0]; t++) {
		same(f, (bzj_shop_query){.search = terms[t], .status = BZJ_SHOP_CLOSED}, 3);
		same(f, (bzj_shop_query){.search = terms[t], .shortfall = true, .desc = true}, 3);
		same(f, (bzj_shop_query){.search = terms[t], .open_violations = true, .sort = 2},
		     3);
	}
}

/* The shop an operator reads out, typed as it comes: in lower case, or
 * only its number with or without the leading zeros. */
static void test_search_id_any_case_and_number(void **state)
{
	fx *f = *state;
	bzj_shop_row rows[PAGE];
	bzj_err e = {0};
	int n = 0;
	/* the id in any case: both cases of it, in id order */
	static const char *const cased[] = {"s00167", "S00167", "s0016", "S0016"};
	for (size_t t = 0; t < sizeof cased / sizeof cased[0]; t++) {
		bzj_shop_query q = {.search = cased[t]};
		assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
		assert_int_equal(n, t < 2 ? 2 : 11); /* S00160..S00169, s00167 */
		assert_string_equal(rows[t < 2 ? 0 : 7].id, "S00167");
		assert_string_equal(rows[n - 1].id, "s00167");
	}
	/* its number, with or without the leading zeros */
	static const char *const typed[] = {"167", "0167", "00167"};
	for (size_t t = 0; t < sizeof typed / sizeof typed[0]; t++) {
		bzj_shop_query q = {.search = typed[t]};
		assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
		assert_true(n >= 3);
		assert_string_equal(rows[0].id, "Ab-0167"); /* number 167, and "A" < "S" */
		assert_string_equal(rows[1].id, "S00167");
	}
	/* a number is a prefix: 167 also finds S01670..S01679, never S00168 */
	bzj_shop_query q = {.search = "167"};
	assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
	assert_int_equal(n, 1 + 1 + 1 + 10); /* Ab-0167, S00167, s00167, S01670..9 */
	assert_string_equal(rows[n - 1].id, "s00167");
	/* zeros alone are no number: only the id that starts with them */
	q.search = "000";
	assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].id, "0000");
}

/* A search walks to the end of a large result in id order. */
static void test_search_walks_everything(void **state)
{
	fx *f = *state;
	same(f, (bzj_shop_query){.search = "杭州"}, NSHOPS / PAGE + 1);
	same(f, (bzj_shop_query){.search = "杭州云", .desc = true}, NSHOPS / PAGE + 1);
}

/* The bigram index follows renames, id changes and deletes. */
static void test_search_index_follows_changes(void **state)
{
	fx *f = *state;
	bzj_shop_row rows[PAGE];
	bzj_err e = {0};
	int n = 0;
	exec(f->h, "UPDATE shop SET name = '绿洲茶铺', operator_name = '欧阳娜娜' WHERE id = 'S00042'");
	bzj_shop_query q = {.search = "绿洲"};
	assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].id, "S00042");
	q.search = "欧阳娜";
	assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
	assert_int_equal(n, 1);
	/* the old name is gone from the index */
	exec(f->h, "UPDATE shop SET name = '绿洲茶铺' WHERE id = 'S00043'");
	exec(f->h, "UPDATE shop SET id = 'T00043' WHERE id = 'S00043'");
	q.search = "绿洲";
	assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].id, "S00042");
	assert_string_equal(rows[1].id, "T00043");
	exec(f->h, "DELETE FROM shop WHERE id = 'S00042'");
	assert_int_equal(bzj_store_shop_list(f->db, &q, rows, PAGE, &n, &e), BZJ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].id, "T00043");
	int64_t left = -1;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(f->h,
					    "SELECT count(*) FROM shop_gram WHERE shop_id IN"
					    " ('S00042', 'S00043')",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	left = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(left, 0);
	/* and the whole list still agrees with a scan */
	same(f, (bzj_shop_query){.search = "绿"}, 3);
	same(f, (bzj_shop_query){.search = "州"}, 3);
}

/* The sizes a search measured are not reused once another connection
 * has changed the data: "州" is large (its capped count is the cap
 * without counting), then most of its shops go. */
static void test_search_sizes_follow_changes(void **state)
{
	fx *f = *state;
	bzj_err e = {0};
	int64_t total = -1;
	bzj_shop_query q = {.search = "州", .count_cap = 1000};
	assert_int_equal(bzj_store_shop_count(f->db, &q, NULL, &total, NULL, &e), BZJ_OK);
	assert_int_equal(total, 1000);
	exec(f->h, "DELETE FROM shop WHERE name LIKE '%州%' AND id >= 'S00300'");
	assert_int_equal(bzj_store_shop_count(f->db, &q, NULL, &total, NULL, &e), BZJ_OK);
	assert_int_equal(total, brute(f, &q, NULL, 0));
	assert_true(total < 1000);
	same(f, (bzj_shop_query){.search = "州"}, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_matches_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_with_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_walks_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_id_any_case_and_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_index_follows_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_sizes_follow_changes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
