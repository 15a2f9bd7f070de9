/* store_priv.h - shared by core/store*.c only: the connection, the
 * statement cache and the small binding helpers. */
#ifndef BZJ_STORE_PRIV_H
#define BZJ_STORE_PRIV_H

#include <sqlite3.h>
#include <stdarg.h>
#include "bzj/store.h"

#define STMT_CACHE 192

struct bzj_db {
	sqlite3 *h;
	int flags;
	int depth; /* 0 = no transaction; >1 = savepoints inside it */
	bool ro_fallback; /* opened read-only: its folder is not writable */
	char path[4096];
	volatile int *interrupted;
	int wal_frames; /* bulk mode: the WAL's size after the last commit */
	int ncache;
	const char *cache_sql[STMT_CACHE];
	sqlite3_stmt *cache[STMT_CACHE];
	/* store_list.c: the sizes of the last search term's sources and its
	 * rarest bigrams, reused while the data is unchanged (the console
	 * lists and counts with the same term on every keystroke) */
	struct {
		char search[512];
		int64_t data_version, changes;
		int64_t names_n, ids_n;
		int ngram; /* -1: not picked yet; 0: the term cannot be cut */
		char gram[3][16];
	} memo;
};

/* Map a SQLite result code to a bzj error. */
int st_error(bzj_db *db, int rc, bzj_err *e);
/* A cached prepared statement for a static SQL string, reset and cleared. */
sqlite3_stmt *st_prep(bzj_db *db, const char *sql, bzj_err *e);
/* Bind by format: 't' text (NULL -> NULL), 'i' int64, 'd' int, 'D' date
 * (BZJ_DATE_NONE -> NULL), 'b' bool.  Parameters are numbered from 1. */
int st_bind(sqlite3_stmt *st, const char *fmt, ...);
int st_vbind(sqlite3_stmt *st, const char *fmt, va_list ap);
/* Run a statement that returns no rows. */
int st_exec(bzj_db *db, bzj_err *e, const char *sql, const char *fmt, ...);
/* Run a statement that returns at most one integer; *found tells. */
int st_int(bzj_db *db, bzj_err *e, int64_t *out, bool *found, const char *sql, const char *fmt,
	   ...);
/* Copy a text column into buf (always terminated). */
void st_text(sqlite3_stmt *st, int col, char *buf, size_t n);
bzj_date st_date(sqlite3_stmt *st, int col);

/* A row of floating or gmv that a reader may see: written by a single-row
 * command or before bulk jobs existed (job 0), or by a bulk job that has
 * published (store.c, version 10).  The subquery is not correlated, so
 * SQLite evaluates it once per statement; with the key's job as the last
 * column, "ORDER BY ..., job DESC LIMIT 1" picks the newest published
 * version of a (shop, month). */
#define BULK_VISIBLE(a) "(" a ".job = 0 OR " a ".job IN (SELECT id FROM bulk_job WHERE state = 1))"

/* Required deposit of shop `s` on day :day (the first parameter), in SQL
 * with the C rule (bzj_required, bzj_floating are registered functions). */
#define REQUIRED_SQL                                                                               \
	"bzj_required("                                                                            \
	" CASE WHEN s.status = 2 THEN 0 ELSE"                                                      \
	" COALESCE((SELECT max(CASE WHEN s.entity = 1 THEN st.individual_fen"                      \
	"  ELSE st.company_fen END) FROM shop_category c JOIN standard st"                         \
	"  ON st.category = c.category AND st.effective = (SELECT max(effective)"                  \
	"  FROM standard t WHERE t.category = c.category AND t.effective <= :day)"                 \
	"  WHERE c.shop_id = s.id), 0) END,"                                                       \
	" CASE WHEN s.status = 2 THEN 0 ELSE"                                                      \
	" COALESCE((SELECT floating_fen FROM floating f WHERE f.shop_id = s.id"                    \
	"  AND f.effective <= :day AND " BULK_VISIBLE("f")                                         \
	"  ORDER BY f.month DESC, f.job DESC LIMIT 1), 0) END,"                                    \
	" COALESCE((SELECT sum(raise_fen) FROM violation v WHERE v.shop_id = s.id"                 \
	"  AND v.status = 1), 0))"

/* The search-index triggers on new shops (schema v1 and v6), which the
 * demo drops while it inserts and recreates after one bulk build. */
#define SHOP_GRAMS_CTE(row)                                                                        \
	" WITH RECURSIVE src(str) AS (VALUES (lower(" row ".name)), (lower(" row ".operator_name))),"  \
	" g(str, i) AS (SELECT str, 1 FROM src WHERE length(str) > 0"                                  \
	"  UNION ALL SELECT str, i + 1 FROM g WHERE i < length(str))"
#define SHOP_FTS_AI_SQL                                                                            \
	"CREATE TRIGGER shop_fts_ai AFTER INSERT ON shop BEGIN"                                    \
	" INSERT INTO shop_fts(rowid, id, name, operator_name)"                                    \
	" VALUES (new.rowid, new.id, new.name, new.operator_name); END"
#define SHOP_GRAM_AI_SQL                                                                           \
	"CREATE TRIGGER shop_gram_ai AFTER INSERT ON shop BEGIN"                                   \
	" INSERT OR IGNORE INTO shop_gram(gram, shop_id)" SHOP_GRAMS_CTE("new")                    \
	" SELECT substr(str, i, 2), new.id FROM g; END"
/* Every shop's bigrams, in index order (a bulk build appends). */
#define SHOP_GRAM_BUILD_SQL                                                                        \
	"INSERT OR IGNORE INTO shop_gram(gram, shop_id)"                                           \
	" WITH RECURSIVE src(str, k) AS (SELECT lower(name), id FROM shop"                         \
	"  UNION ALL SELECT lower(operator_name), id FROM shop),"                                  \
	" g(str, k, i) AS (SELECT str, k, 1 FROM src WHERE length(str) > 0"                        \
	"  UNION ALL SELECT str, k, i + 1 FROM g WHERE i < length(str))"                           \
	" SELECT substr(str, i, 2), k FROM g ORDER BY 1, 2"

int st_schema_migrate(bzj_db *db, bzj_err *e);
int st_register_functions(bzj_db *db, bzj_err *e);
/* bzj_newbie_reasons, bzj_newbie_window (store_newbie.c) */
int st_newbie_functions(bzj_db *db, bzj_err *e);

#endif
