/* test_pg_rewrite.c - the PostgreSQL driver's dialect rewriter (issue 16,
 * core/store_pg_rewrite.c), with no server: parameters numbered exactly as
 * SQLite numbers them (checked against SQLite itself), strings, quoted
 * names, comments and dollar-quoted bodies left alone, and each rewrite of
 * docs/store-seam.md's dialect table, including what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../core/store_pg.h"

static char *rw(const char *in)
{
	bzj_pg_sql q;
	char err[256];
	if (bzj_pg_rewrite(in, 0, &q, err, sizeof err))
		fail_msg("rewrite of %s failed: %s", in, err);
	char *s = strdup(q.text);
	bzj_pg_sql_free(&q);
	return s;
}

#define SAME(in, want)                                                                             \
	do {                                                                                       \
		char *got_ = rw(in);                                                               \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

/* Every named and numbered parameter of `sql` has the index SQLite gives
 * it, and the count is SQLite's. */
static void like_sqlite(const char *sql, const char *const *names)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("sqlite: %s: %s", sql, sqlite3_errmsg(db));
	bzj_pg_sql q;
	char err[256];
	assert_int_equal(bzj_pg_rewrite(sql, 0, &q, err, sizeof err), 0);
	assert_int_equal(q.nparams, sqlite3_bind_parameter_count(st));
	for (int i = 0; names[i]; i++) {
		int want = sqlite3_bind_parameter_index(st, names[i]);
		assert_true(want > 0);
		assert_int_equal(bzj_pg_param_index(&q, names[i]), want);
	}
	assert_int_equal(bzj_pg_param_index(&q, ":nosuch"), 0);
	/* and each $N in the text is the number SQLite gives that place */
	for (int i = 1; i <= q.nparams; i++) {
		const char *nm = sqlite3_bind_parameter_name(st, i);
		char d[16];
		snprintf(d, sizeof d, "$%d", i);
		if (nm) /* a used number appears in the text */
			assert_non_null(strstr(q.text, d));
	}
	bzj_pg_sql_free(&q);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void numbered_and_bare(void **state)
{
	(void)state;
	SAME("SELECT ?1, ?2 + ?1", "SELECT $1, $2 + $1");
	SAME("SELECT ?, ?, ?", "SELECT $1, $2, $3");
	/* a bare ? after ?5 is 6, as in SQLite */
	SAME("SELECT ?5, ?", "SELECT $5, $6");
	like_sqlite("SELECT ?5, ?", (const char *const[]){NULL});
}

static void named_mixed_with_numbered(void **state)
{
	(void)state;
	/* :a is 1, ?5 is 5, :b the next (6), ? the next (7), :a again 1 */
	SAME("SELECT :a, ?5, :b, ?, :a", "SELECT $1, $5, $6, $7, $1");
	like_sqlite("SELECT :a, ?5, :b, ?, :a", (const char *const[]){":a", ":b", NULL});
	/* ?2 first, then names: :day takes 3 */
	SAME("SELECT ?2, :day, @x, :day", "SELECT $2, $3, $4, $3");
	like_sqlite("SELECT ?2, :day, @x, :day", (const char *const[]){":day", "@x", NULL});
	/* the store's provider search: :search reused, :from/:to inside calls */
	const char *prov = "SELECT 1 WHERE (:search IS NULL OR instr(:search, 'x') > 0)"
			   " AND max(1, :from) <= min(COALESCE(NULL, :to), :to) AND :search <> ''";
	like_sqlite(prov, (const char *const[]){":search", ":from", ":to", NULL});
	SAME(prov, "SELECT 1 WHERE ($1 IS NULL OR strpos($1, 'x') > 0)"
		   " AND greatest(1, $2) <= least(COALESCE(NULL, $3), $3) AND $1 <> ''");
}

static void strings_comments_and_quotes_are_left_alone(void **state)
{
	(void)state;
	SAME("SELECT '?1 :x ?', \"a?b:c\", x -- ? :y ?3\n FROM t /* ?2 :z */ WHERE a = ?",
	     "SELECT '?1 :x ?', \"a?b:c\", x -- ? :y ?3\n FROM t /* ?2 :z */ WHERE a = $1");
	SAME("SELECT 'it''s ?', :n", "SELECT 'it''s ?', $1");
	/* PostgreSQL casts and dollar-quoted bodies */
	SAME("SELECT x::text, :n::bigint", "SELECT x::text, $1::bigint");
	SAME("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT ?, :x, user, max(1, 2) $$",
	     "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT ?, :x, user, max(1, 2) $$");
	SAME("DO $b$ BEGIN PERFORM '?'; END $b$", "DO $b$ BEGIN PERFORM '?'; END $b$");
	/* PostgreSQL's own $N are kept and counted */
	bzj_pg_sql q;
	assert_int_equal(bzj_pg_rewrite("SELECT $2", 0, &q, NULL, 0), 0);
	assert_string_equal(q.text, "SELECT $2");
	assert_int_equal(q.nparams, 2);
	assert_true(q.skipped == 1); /* $1: the driver declares it text */
	bzj_pg_sql_free(&q);
}

/* The parameter numbers a statement skips (SQLite binds them; PostgreSQL
 * cannot infer their types): the driver declares those text. */
static void skipped_parameters(void **state)
{
	(void)state;
	bzj_pg_sql q;
	assert_int_equal(bzj_pg_rewrite("SELECT a FROM t WHERE b = ?2 AND c < (?5, ?2) LIMIT ?5", 0,
					&q, NULL, 0),
			 0);
	assert_int_equal(q.nparams, 5);
	assert_true(q.skipped == ((1u << 0) | (1u << 2) | (1u << 3))); /* $1, $3, $4 */
	bzj_pg_sql_free(&q);
	assert_int_equal(bzj_pg_rewrite("SELECT ?, ?, :x, :x", 0, &q, NULL, 0), 0);
	assert_int_equal(q.nparams, 3);
	assert_true(q.skipped == 0);
	bzj_pg_sql_free(&q);
	assert_int_equal(bzj_pg_rewrite("SELECT 1", 0, &q, NULL, 0), 0);
	assert_true(q.nparams == 0 && q.skipped == 0);
	bzj_pg_sql_free(&q);
}

static void insert_or_ignore_and_replace(void **state)
{
	(void)state;
	SAME("INSERT OR IGNORE INTO shop_gram(gram, shop_id) VALUES (?1, ?2)",
	     "INSERT INTO shop_gram(gram, shop_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
	SAME("INSERT OR IGNORE INTO calendar_year(year) VALUES (?);",
	     "INSERT INTO calendar_year(year) VALUES ($1) ON CONFLICT DO NOTHING;");
	SAME("INSERT OR IGNORE INTO shop_category(shop_id, category, added) VALUES (?,?,?)",
	     "INSERT INTO shop_category(shop_id, category, added) VALUES ($1,$2,$3) ON CONFLICT DO "
	     "NOTHING");
	/* INSERT … SELECT with a CTE */
	SAME("INSERT OR IGNORE INTO effective_date(day, cause, synced) WITH x(d) AS (SELECT ?1)"
	     " SELECT d, 'c', 0 FROM x",
	     "INSERT INTO effective_date(day, cause, synced) WITH x(d) AS (SELECT $1)"
	     " SELECT d, 'c', 0 FROM x ON CONFLICT DO NOTHING");
	/* a CTE before the INSERT; a trigger's event list is no INSERT */
	SAME("WITH x(d) AS (SELECT ?1) INSERT OR IGNORE INTO calendar_year(year) SELECT d FROM x",
	     "WITH x(d) AS (SELECT $1) INSERT INTO calendar_year(year) SELECT d FROM x ON CONFLICT DO "
	     "NOTHING");
	SAME("CREATE TRIGGER t AFTER INSERT OR DELETE ON shop FOR EACH ROW EXECUTE FUNCTION f()",
	     "CREATE TRIGGER t AFTER INSERT OR DELETE ON shop FOR EACH ROW EXECUTE FUNCTION f()");
	/* each statement of a script gets its own clause */
	bzj_pg_sql q0;
	assert_int_equal(bzj_pg_rewrite("INSERT OR IGNORE INTO meta VALUES ('a', 'b'); INSERT INTO "
					"meta VALUES ('c', 'd');",
					BZJ_PG_RW_SCRIPT, &q0, NULL, 0),
			 0);
	assert_string_equal(q0.text, "INSERT INTO meta VALUES ('a', 'b') ON CONFLICT DO NOTHING; "
				     "INSERT INTO meta VALUES ('c', 'd');");
	bzj_pg_sql_free(&q0);
	SAME("INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) VALUES (?1, ?2, ?3, ?4)",
	     "INSERT INTO seal(tbl, rid, seq, mac) VALUES ($1, $2, $3, $4)"
	     " ON CONFLICT (tbl, rid) DO UPDATE SET seq = excluded.seq, mac = excluded.mac");
	SAME("INSERT OR REPLACE INTO meta(key) VALUES ('k')",
	     "INSERT INTO meta(key) VALUES ('k') ON CONFLICT (key) DO NOTHING");
	bzj_pg_sql q;
	char err[256];
	assert_int_equal(bzj_pg_rewrite("INSERT OR REPLACE INTO nosuch(a) VALUES (1)", 0, &q, err,
					sizeof err),
			 -1);
	assert_non_null(strstr(err, "nosuch"));
	assert_int_equal(bzj_pg_rewrite("INSERT OR ROLLBACK INTO meta VALUES (1)", 0, &q, err,
					sizeof err),
			 -1);
}

static void insert_returning_for_last_id(void **state)
{
	(void)state;
	bzj_pg_sql q;
	assert_int_equal(bzj_pg_rewrite("INSERT INTO ledger(shop_id, day) VALUES (?1, ?2)", 0, &q,
					NULL, 0),
			 0);
	assert_string_equal(q.text, "INSERT INTO ledger(shop_id, day) VALUES ($1, $2) RETURNING id");
	assert_true(q.returning_added);
	bzj_pg_sql_free(&q);
	assert_int_equal(bzj_pg_rewrite("INSERT INTO audit(at) VALUES (?)", 0, &q, NULL, 0), 0);
	assert_string_equal(q.text, "INSERT INTO audit(at) VALUES ($1) RETURNING seq");
	bzj_pg_sql_free(&q);
	/* its own RETURNING: rows for the caller, nothing added */
	assert_int_equal(bzj_pg_rewrite("INSERT INTO ledger(day) VALUES (1) RETURNING id, day", 0,
					&q, NULL, 0),
			 0);
	assert_false(q.returning_added);
	assert_string_equal(q.text, "INSERT INTO ledger(day) VALUES (1) RETURNING id, day");
	bzj_pg_sql_free(&q);
	/* no identity column, or a script: nothing added */
	assert_int_equal(bzj_pg_rewrite("INSERT INTO meta(key, value) VALUES (?, ?)", 0, &q, NULL, 0),
			 0);
	assert_false(q.returning_added);
	bzj_pg_sql_free(&q);
	assert_int_equal(bzj_pg_rewrite("INSERT INTO ledger(day) VALUES (1); SELECT 1",
					BZJ_PG_RW_SCRIPT, &q, NULL, 0),
			 0);
	assert_string_equal(q.text, "INSERT INTO ledger(day) VALUES (1); SELECT 1");
	bzj_pg_sql_free(&q);
}

static void functions(void **state)
{
	(void)state;
	SAME("SELECT shop_id, group_concat(id) FROM risk GROUP BY shop_id",
	     "SELECT shop_id, string_agg(CAST((id) AS text), ',') FROM risk GROUP BY shop_id");
	SAME("SELECT group_concat(a || ?, '|'), ?", "SELECT string_agg(CAST((a || $1) AS text), '|'), $2");
	SAME("SELECT instr(lower(name), :term) > 0", "SELECT strpos(lower(name), $1) > 0");
	/* the aggregates stay, the scalar forms change */
	SAME("SELECT max(seq), min(day), max(0, min(a, b - 1))",
	     "SELECT max(seq), min(day), greatest(0, least(a, b - 1))");
	SAME("SELECT ifnull(a, 0), total(x), id < :t || char(1114111)",
	     "SELECT coalesce(a, 0), coalesce(sum(x), 0), id < $1 || chr(1114111)");
	SAME("SELECT date((s.effective) * 86400, 'unixepoch')",
	     "SELECT to_char(to_timestamp((s.effective) * 86400) AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
	SAME("SELECT CAST(strftime('%Y', d * 86400, 'unixepoch') AS INTEGER)",
	     "SELECT CAST(to_char(to_timestamp(d * 86400) AT TIME ZONE 'UTC', 'YYYY') AS bigint)");
	/* a format it cannot translate is left for PostgreSQL to refuse */
	SAME("SELECT strftime('%j', d, 'unixepoch')", "SELECT strftime('%j', d, 'unixepoch')");
}

static void operators_hints_and_words(void **state)
{
	(void)state;
	SAME("SELECT 1 WHERE a IS NOT b AND c IS ?1 AND d IS NOT NULL AND e IS NULL",
	     "SELECT 1 WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM $1 AND d IS NOT NULL AND e "
	     "IS NULL");
	SAME("SELECT 1 WHERE (a, b) IS NOT (c, ?3)", "SELECT 1 WHERE (a, b) IS DISTINCT FROM (c, $3)");
	SAME("SELECT count(*) FROM refund r INDEXED BY refund_open_due WHERE x == 1",
	     "SELECT count(*) FROM refund r WHERE x = 1");
	SAME("SELECT 1 FROM t NOT INDEXED", "SELECT 1 FROM t");
	SAME("CREATE TEMP TABLE IF NOT EXISTS s(id TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID",
	     "CREATE TEMP TABLE IF NOT EXISTS s(id TEXT PRIMARY KEY, n bigint)");
	SAME("SELECT id FROM shop LIMIT -1", "SELECT id FROM shop LIMIT ALL");
	SAME("SELECT id FROM shop LIMIT -10", "SELECT id FROM shop LIMIT -10");
	SAME("SELECT user, l.user, \"user\", current_user FROM ledger l",
	     "SELECT \"user\", l.\"user\", \"user\", current_user FROM ledger l");
	SAME("DELETE FROM temp.sync_slice", "DELETE FROM pg_temp.sync_slice");
	SAME("CREATE TEMP TABLE nbc(id TEXT, now INTEGER, r REAL, b BLOB)",
	     "CREATE TEMP TABLE nbc(id TEXT, now bigint, r double precision, b bytea)");
	SAME("SELECT CAST(value AS INTEGER) FROM meta", "SELECT CAST(value AS bigint) FROM meta");
}

static void transactions_and_pragmas(void **state)
{
	(void)state;
	SAME("BEGIN IMMEDIATE", "BEGIN ISOLATION LEVEL SERIALIZABLE");
	SAME("BEGIN EXCLUSIVE TRANSACTION", "BEGIN ISOLATION LEVEL SERIALIZABLE");
	SAME("BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ");
	SAME("SAVEPOINT s1", "SAVEPOINT s1");
	SAME("ROLLBACK TO s1; RELEASE s1", "ROLLBACK TO s1; RELEASE s1");
	bzj_pg_sql q;
	char err[256];
	assert_int_equal(bzj_pg_rewrite("PRAGMA data_version", 0, &q, err, sizeof err), -1);
	assert_non_null(strstr(err, "PRAGMA"));
	/* a PRAGMA inside a string is not one */
	SAME("SELECT 'PRAGMA x'", "SELECT 'PRAGMA x'");
}

/* The baseline schema is PostgreSQL already: the rewriter, which the
 * driver's exec runs over it, changes nothing in it. */
static void the_schema_passes_unchanged(void **state)
{
	(void)state;
	int v = 0;
	const char *s = bzj_pg_schema(&v);
	assert_non_null(s);
	assert_true(v > 0);
	bzj_pg_sql q;
	char err[256];
	if (bzj_pg_rewrite(s, BZJ_PG_RW_SCRIPT, &q, err, sizeof err))
		fail_msg("the schema does not pass the rewriter: %s", err);
	if (strcmp(q.text, s)) {
		size_t i = 0;
		while (q.text[i] == s[i])
			i++;
		fail_msg("the schema changed at %zu: ...%.60s... became ...%.60s...", i,
			 s + (i > 20 ? i - 20 : 0), q.text + (i > 20 ? i - 20 : 0));
	}
	assert_int_equal(q.nparams, 0);
	bzj_pg_sql_free(&q);
	/* every append-only table has its guard and its REVOKE */
	for (int i = 0; bzj_pg_append_only[i]; i++) {
		char want[128];
		snprintf(want, sizeof want, "CREATE TRIGGER %s_no_change BEFORE UPDATE OR DELETE ON %s ",
			 bzj_pg_append_only[i], bzj_pg_append_only[i]);
		assert_non_null(strstr(s, want));
		assert_non_null(strstr(strstr(s, "REVOKE UPDATE, DELETE, TRUNCATE ON"),
				       bzj_pg_append_only[i]));
	}
}

/* bzj_floating's SQL is read off the C rule: every tier boundary of
 * bzj_floating_for_gmv appears, with the tier's figure. */
static void floating_sql_from_the_c_rule(void **state)
{
	(void)state;
	char b[2048];
	assert_true(bzj_pg_floating_sql(b, sizeof b) > 0);
	/* 50,000.00 yuan is the last gmv of tier 0; 100,000.00 of 3,000 yuan ... */
	assert_non_null(strstr(b, "<= 5000000 THEN 0 "));
	assert_non_null(strstr(b, "<= 10000000 THEN 300000 "));
	assert_non_null(strstr(b, "<= 50000000 THEN 500000 "));
	assert_non_null(strstr(b, "ELSE 2000000 END"));
	char small[32];
	assert_int_equal(bzj_pg_floating_sql(small, sizeof small), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbered_and_bare),
		cmocka_unit_test(named_mixed_with_numbered),
		cmocka_unit_test(strings_comments_and_quotes_are_left_alone),
		cmocka_unit_test(skipped_parameters),
		cmocka_unit_test(insert_or_ignore_and_replace),
		cmocka_unit_test(insert_returning_for_last_id),
		cmocka_unit_test(functions),
		cmocka_unit_test(operators_hints_and_words),
		cmocka_unit_test(transactions_and_pragmas),
		cmocka_unit_test(the_schema_passes_unchanged),
		cmocka_unit_test(floating_sql_from_the_c_rule),
	};
	return cmocka_run_group_tests_name("pg_rewrite", tests, NULL, NULL);
}
