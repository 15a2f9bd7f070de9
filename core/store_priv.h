/* store_priv.h - shared by core/store*.c only: the connection, the
 * statement cache and the small binding helpers. */
#ifndef BZJ_STORE_PRIV_H
#define BZJ_STORE_PRIV_H

#include <stdarg.h>
#include "bzj/store.h"
#include "store_driver.h"

#define STMT_CACHE 192

/* A statement as the store functions hold it: the driver's statement and
 * the driver that made it, in the connection's cache slot (st_prep hands
 * out the slot).  Why the slot and not the statement: a statement must
 * know its driver (bzj check opens an in-memory SQLite database next to
 * the real one, whatever engine that is), and the SQLite driver's
 * statement is SQLite's own statement object, which has no room for a pointer
 * of ours; a wrapper would cost an allocation per prepared statement and
 * would oblige every driver to start its statement with the same header.
 * The slot costs nothing: it exists anyway for the cache, and a call
 * through it is one load more and one indirect call (st_step below).
 * Statements prepared outside the cache (st_prepare_once) get a slot of
 * their own, freed by st_finalize. */
typedef struct st_demo st_demo; /* the demo's bulk path on PostgreSQL (store_demo.c) */

typedef struct st_stmt {
	bzj_stmt *s;
	const bzj_driver *drv;
	const char *sql; /* the cache key: the SQL string's address */
} st_stmt;

struct bzj_db {
	const bzj_driver *drv;
	void *conn; /* the driver's connection */
	int flags;
	int depth; /* 0 = no transaction; >1 = savepoints inside it */
	bool ro_fallback; /* opened read-only: its folder is not writable */
	bool writer_lock; /* PostgreSQL: holds bzj's writer lock (bzj_db_begin) */
	bool busy_retry;  /* PostgreSQL: the last ST_BUSY came from a statement */
	char path[4096];
	volatile int *interrupted;
	int wal_frames; /* bulk mode: the WAL's size after the last commit */
	bool bulk;	/* bulk mode (store_bulk.c) */
	int ckpt;	/* the autocheckpoint in force, 0 = SQLite's default */
	int desk;	/* the -desk file's descriptor + 1, 0 = none (st_desk_open) */
	int ncache;
	st_stmt cache[STMT_CACHE];
	int64_t no_total_changes; /* st_total_changes without the driver's */
	/* store_list.c: the sizes of the last search term's sources and its
	 * rarest bigrams, reused while the data is unchanged (the console
	 * lists and counts with the same term on every keystroke) */
	struct {
		char search[512];
		int64_t data_version, changes;
		int64_t names_n, ids_n;
		bool ids_big; /* one of the ids' ranges alone is that large */
		int ngram; /* -1: not picked yet; 0: the term cannot be cut */
		char gram[3][16];
	} memo;
	/* the audit key (HMAC-SHA256 of the audit chain and the row seals);
	 * without one, both are plain SHA-256 (see store_seal.c) */
	bool keyed;
	uint8_t key[32];
	/* the highest audit seq a seal named in this transaction (bzj_seal
	 * sees it); at commit, seals past the log's head are moved to the
	 * head: the transaction's last record (st_seal_fixup) */
	int64_t seal_max;
	/* called at the start of every outermost write transaction (the
	 * settings guard, core/settings.c); its error rolls it back */
	bzj_write_guard_fn guard;
	void *guard_ctx;
	/* `bzj demo` on PostgreSQL: the rows it made and has not sent yet
	 * (store_demo.c); NULL otherwise */
	st_demo *demo;
};

/* Is db on the PostgreSQL driver (issue 16)?  For the few places whose
 * SQL or steps differ by engine. */
static inline bool st_is_pg(const bzj_db *db)
{
	return db->drv == &bzj_driver_pg;
}

/* A condition as 1 or 0 in both dialects: SQLite's comparisons are
 * integers, PostgreSQL's booleans, which cannot be summed or meet a 0/1
 * column (restricted, capped). */
#define ST_01(cond) "(CASE WHEN " cond " THEN 1 ELSE 0 END)"
#define ST_LT01(a, b) ST_01(a " < " b)

/* A refund in progress: submitted (1), approved (2) or sent to the bank
 * (7), over the columns of `p` ("r." or ""); the predicate of the partial
 * indexes refund_one_open, refund_provider_open, refund_open_due and
 * refund_open_age (schema v21), so a query must say it in these words for
 * SQLite to use them.  Not `status IN (1,2,7)`: SQLite evaluates an IN
 * list of three or more constants through a temporary b-tree, and an
 * UPDATE of status re-evaluates each partial index's predicate for the old
 * and the new row, building and clearing that b-tree eight times a row
 * (callgrind on a bank batch of 18,588 at 1M shops: 10% of the batch in
 * sqlite3BtreeClearTable, 16% in memset; the UPDATE took 0.51 s with the
 * IN lists and 0.19 s with this).  status is 1..7 (CHECK), so
 * `status < 3` is 1 or 2. */
#define REFUND_OPEN(p) "(" p "status < 3 OR " p "status = 7)"

/* Map a result code (ST_*, SQLite's numbers) to a bzj error. */
int st_error(bzj_db *db, int rc, bzj_err *e);
/* A cached prepared statement for a static SQL string, reset and cleared. */
st_stmt *st_prep(bzj_db *db, const char *sql, bzj_err *e);
/* A statement built at run time, not cached: ST_OK or a result code (for
 * st_error); *st is freed with st_finalize. */
int st_prepare_once(bzj_db *db, const char *sql, st_stmt **st);
void st_finalize(st_stmt *st);
/* Bind by format: 't' text (NULL -> NULL), 'i' int64, 'd' int, 'D' date
 * (BZJ_DATE_NONE -> NULL), 'b' bool.  Parameters are numbered from 1. */
int st_bind(st_stmt *st, const char *fmt, ...);
int st_vbind(st_stmt *st, const char *fmt, va_list ap);

/* One call through the statement's driver each (store_driver.h says what
 * each does).  Result codes are ST_*. */
static inline int st_step(st_stmt *st)
{
	return st->drv->step(st->s);
}
/* Reset the statement and clear its bindings. */
static inline void st_reset(st_stmt *st)
{
	st->drv->reset(st->s);
}
static inline int64_t st_col_int(st_stmt *st, int col)
{
	return st->drv->col_int(st->s, col);
}
/* An int column (a date, a flag, a count that fits). */
static inline int st_col_int32(st_stmt *st, int col)
{
	return (int)st->drv->col_int(st->s, col);
}
/* NULL for NULL; valid until the next step or reset. */
static inline const char *st_col_text(st_stmt *st, int col)
{
	return st->drv->col_text(st->s, col);
}
static inline bool st_col_null(st_stmt *st, int col)
{
	return st->drv->col_type(st->s, col) == ST_T_NULL;
}
static inline int st_col_count(st_stmt *st)
{
	return st->drv->col_count(st->s);
}
static inline int st_bind_int(st_stmt *st, int i, int64_t v)
{
	return st->drv->bind_int(st->s, i, v);
}
/* Text, copied; NULL binds NULL. */
static inline int st_bind_text(st_stmt *st, int i, const char *v)
{
	return st->drv->bind_text(st->s, i, v, -1);
}
static inline int st_bind_null(st_stmt *st, int i)
{
	return st->drv->bind_null(st->s, i);
}
/* The number of parameter ":name" (from 1), 0 when the SQL has none. */
static inline int st_param(st_stmt *st, const char *name)
{
	return st->drv->param_index(st->s, name);
}
static inline int st_param_count(st_stmt *st)
{
	return st->drv->param_count ? st->drv->param_count(st->s) : 0;
}
/* Rows the last INSERT/UPDATE/DELETE changed, and the id it inserted. */
static inline int64_t st_changes(bzj_db *db)
{
	return db->drv->changes(db->conn);
}
static inline int64_t st_last_id(bzj_db *db)
{
	return db->drv->last_id(db->conn);
}
/* Rows this connection changed since it opened (always moving when the
 * driver cannot tell). */
static inline int64_t st_total_changes(bzj_db *db)
{
	return db->drv->total_changes ? db->drv->total_changes(db->conn) : ++db->no_total_changes;
}
/* Moves when another connection commits. */
static inline int64_t st_data_version(bzj_db *db)
{
	return db->drv->data_version(db->conn);
}

/* SQLite-only features (docs/store-seam.md, "Fenced"): the raw handle
 * when db is a SQLite database, else NULL (store_sqlite.c).  Code that
 * uses it sits between SQLITE-ONLY BEGIN and SQLITE-ONLY END comments:
 * tools/seam-convert.sh leaves it alone and tools/seam-check.sh allows
 * calls into SQLite nowhere else outside store_sqlite.c. */
/* SQLITE-ONLY BEGIN */
struct sqlite3;
struct sqlite3_stmt;
struct sqlite3 *st_sqlite(const bzj_db *db);
struct sqlite3_stmt *st_sqlite_stmt(st_stmt *st);
/* SQLITE-ONLY END */
/* BZJ_OK on SQLite; else a store.backend error naming `what`. */
int st_sqlite_only(bzj_db *db, const char *what, bzj_err *e);
/* Bulk mode's checkpoint interval, in WAL frames (store_bulk.c). */
#define BZJ_BULK_CKPT_FRAMES 1000
/* Run a statement that returns no rows. */
int st_exec(bzj_db *db, bzj_err *e, const char *sql, const char *fmt, ...);
/* Run a statement that returns at most one integer; *found tells. */
int st_int(bzj_db *db, bzj_err *e, int64_t *out, bool *found, const char *sql, const char *fmt,
	   ...);
/* An invariant of `bzj check`: a query returning (subject, detail) for
 * every row that breaks it (?1, when present, is today), and a message
 * template with two %s.  st_check runs a table of them, counting and
 * reporting each offending row through fn (non-zero from fn moves on to
 * the next invariant). */
typedef struct st_invariant {
	const char *code;
	const char *fmt;
	const char *sql;
} st_invariant;
int st_check(bzj_db *db, const st_invariant *t, size_t n, bzj_date today,
	     bzj_store_problem_fn fn, void *ctx, int64_t *problems, bzj_err *e);
/* At the start of a write transaction (store_bulk.c): leave the WAL's
 * checkpoint to a bulk job while one is staging. */
void st_desk_checkpoint(bzj_db *db);
/* The desk's signal (store_bulk.c): the -desk file beside a SQLite
 * database, opened for a writable connection; closed with it. */
void st_desk_open(bzj_db *db);
/* A new file with the database's mode (bzj_fs_db_mode) at a resolved
 * path, opened with `access` (O_WRONLY, O_RDWR): its descriptor, or -1
 * with errno EEXIST when it exists (store.c). */
int st_create_db_file(const char *path, int access);
void st_desk_close(bzj_db *db);
/* Copy a text column into buf (always terminated). */
void st_text(st_stmt *st, int col, char *buf, size_t n);
bzj_date st_date(st_stmt *st, int col);

/* A row of floating or gmv that a reader may see: written by a single-row
 * command or before bulk jobs existed (job 0), or by a bulk job that has
 * published (store.c, version 10).  The subquery is not correlated, so
 * SQLite evaluates it once per statement; with the key's job as the last
 * column, "ORDER BY ..., job DESC LIMIT 1" picks the newest published
 * version of a (shop, month). */
#define BULK_VISIBLE(a) "(" a ".job = 0 OR " a ".job IN (SELECT id FROM bulk_job WHERE state = 1))"
/* A row of shop_orders a reader sees: visible, and the newest visible
 * version of its (shop, day) (a re-imported day has an older published
 * one; store_provider.c, bzj_store_orders_stage).  For reads over many
 * rows; a lookup of one day takes "ORDER BY ..., job DESC LIMIT 1". */
#define ORD_NEWEST(a)                                                                              \
	"(" BULK_VISIBLE(a) " AND NOT EXISTS (SELECT 1 FROM shop_orders " a "_n WHERE " a             \
	"_n.shop_id = " a ".shop_id AND " a "_n.day = " a ".day AND " a "_n.job > " a ".job AND "   \
	BULK_VISIBLE(a "_n") "))"

/* The newbie state a reader sees (newbie.c, the sliced check): a
 * published check whose outcome is not yet folded into newbie overlays its
 * rows (newbie_stage) on the newbie rows still in the period; once folded
 * (bulk_job.clean = 1) the job drops out of NB_PUBLISHED, so the overlay
 * is one probe of an empty index.  NB_OVERLAY(n, p) joins p to newbie n;
 * NB_SEEN(n, p, col) is the column a reader sees. */
#define NB_PUBLISHED                                                                               \
	"(SELECT id FROM bulk_job WHERE kind = 'newbie.check' AND state = 1 AND clean = 0)"
#define NB_OVERLAY(n, p)                                                                           \
	" LEFT JOIN newbie_stage " p " ON " p ".shop_id = " n ".shop_id AND " n ".status = 1"     \
	" AND " p ".job IN " NB_PUBLISHED
#define NB_SEEN(n, p, col) "(CASE WHEN " p ".shop_id IS NULL THEN " n "." col " ELSE " p "." col " END)"
/* The day of a shop's last check a reader sees: a published, unfolded
 * check's day (its bulk_job.m_lo) for every shop in the period and open on
 * it, since only changed shops are staged; s is the shop row. */
#define NB_PUBDAY                                                                                  \
	"(SELECT m_lo FROM bulk_job WHERE kind = 'newbie.check' AND state = 1 AND clean = 0"       \
	" ORDER BY id DESC LIMIT 1)"
#define NB_LAST_SEEN(n, s)                                                                         \
	"(CASE WHEN " n ".status = 1 AND " s ".opened <= " NB_PUBDAY " AND (" s ".closed IS NULL"  \
	" OR " s ".closed > " NB_PUBDAY ") THEN " NB_PUBDAY " ELSE " n ".last_check END)"

/* Every standard of shop ?1's categories in force by day ?3, for entity
 * ?2, newest first within each category: the rows bzj_store_base_for
 * (store_shop.c) and the twelve months of bzj_store_shop_months
 * (store_money.c) pick the base from. */
#define BASE_ROWS_SQL                                                                              \
	"SELECT c.category, s.effective,"                                                          \
	" CASE WHEN ?2 = 1 THEN s.individual_fen ELSE s.company_fen END"                           \
	" FROM shop_category c JOIN standard s ON s.category = c.category"                          \
	" WHERE c.shop_id = ?1 AND s.effective <= ?3"                                               \
	" ORDER BY c.category, s.effective DESC"

/* Required deposit of shop `s` on day :day (the first parameter), in SQL
 * with the C rule (bzj_required, bzj_floating are registered functions). */
/* (Equal to the C rule on every branch, boundary balances included:
 * tests/unit/test_required.c evaluates both on the same rows.) */
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

/* A shop's number: its id without the leading letters, punctuation and
 * zeros (S0000167 -> 167), so `167` or `0167` finds S0000167.  Built-in
 * functions only (the sqlite3 shell reads the database); the index
 * shop_id_number (schema 12) is on this very expression, and a query uses
 * it only when it spells the expression the same way. */
/* PostgreSQL (schema v27): a shop's trigrams and their positions, as the
 * 3+ character search reads them (store_list.c tri_chain), for a FROM:
 * v(s, b) the lower-cased name (ASCII only, as SQLite's lower(): COLLATE
 * "C") with base 0 and the operator name with base 1,000,000, i the
 * position in it; a row is (substr(v.s, i, 3), <shop id>, i + v.b).
 * Used by the migration, its trigger and the demo's bulk path. */
#define SHOP_TRI_CUT(name, op)                                                                     \
	" (VALUES (lower(" name " COLLATE \"C\"), 0), (lower(" op " COLLATE \"C\"), 1000000))"      \
	" AS v(s, b) CROSS JOIN LATERAL generate_series(1, length(v.s) - 2) AS i"
/* every shop's, in the postings' key order (a new or empty table) */
#define SHOP_TRI_FILL                                                                              \
	"INSERT INTO shop_tri(gram, shop_id, pos) SELECT substr(v.s, i, 3), s.id, i + v.b"         \
	" FROM shop s CROSS JOIN LATERAL" SHOP_TRI_CUT("s.name", "s.operator_name") " ORDER BY 1, 2, 3"

/* PostgreSQL: every shop's bigrams, as bzj_grams cuts them (bzj_shop_gram's
 * rows), in key order, into an empty shop_gram (the demo's bulk path,
 * `bzj copy`). */
#define SHOP_GRAM_FILL_PG                                                                          \
	"INSERT INTO shop_gram(gram, shop_id) SELECT DISTINCT substr(v.s, i, 2), s.id"             \
	" FROM shop s CROSS JOIN LATERAL (VALUES (lower(s.name)), (lower(s.operator_name))) AS v(s)" \
	" CROSS JOIN LATERAL generate_series(1, length(v.s)) AS i ORDER BY 1, 2"

#define SHOP_ID_NUMBER(col)                                                                        \
	"ltrim(" col ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.-0')"

/* Row seals (store_seal.c).  Every money-moving row is sealed by a trigger
 * that stores, in table `seal`, the audit seq of the record its change
 * belongs to and a MAC over the table name, the row key, that seq and the
 * sealed columns.  The column lists are written once here, for the
 * triggers (prefix "new.") and for `bzj check` (prefix "t."). */
#define SEAL_SEQ_SQL "(SELECT CAST(value AS INTEGER) + 1 FROM meta WHERE key = 'audit_seq')"
#define SEAL_SHOP_COLS(p)                                                                          \
	p "entity," p "status," p "opened," p "closed," p "balance_fen," p "frozen_fen,"           \
	p "unsettled_fen," p "owed_fen," p "terminate"
#define SEAL_LEDGER_COLS(p)                                                                        \
	p "shop_id," p "day," p "kind," p "amount_fen," p "balance_after," p "payer,"              \
	p "third_party," p "ref," p "note," p "violation_id," p "refund_id," p "user"
#define SEAL_REFUND_V10_LIST(p)                                                                    \
	p "shop_id," p "provider_id," p "kind," p "status," p "amount_fen," p "submitted_on,"      \
	p "month,"                                                                                 \
	p "window_start," p "window_end," p "checklist," p "late," p "submitted_by,"               \
	p "approved_by," p "approved_on," p "second_by," p "paid_by," p "paid_on"
/* v10's refund columns, frozen: v10's triggers and its first seals use
 * them; v13 (bank payouts) widens the list by the batch, the bank's
 * reference and the day the refund closed, recreates the triggers and
 * reseals (store.c).  Check and the triggers use SEAL_REFUND_COLS. */
#define SEAL_REFUND_V10_COLS(p) SEAL_REFUND_V10_LIST(p)
#define SEAL_REFUND_COLS(p) SEAL_REFUND_V10_LIST(p) "," p "batch_id," p "bank_ref," p "closed_on"
/* A bank payout batch: its day, who made it, the file, its hash, count,
 * total and the day its return closed it; a bank return file: its hash,
 * day, user and how many lines paid and failed (each line's outcome is on
 * its refund: status, paid_on, closed_on). */
#define SEAL_PAYOUT_BATCH_COLS(p)                                                                  \
	p "day," p "created_by," p "created_on," p "file," p "file_sha256," p "count,"            \
	p "total_fen," p "returned_on"
#define SEAL_PAYOUT_RETURN_COLS(p)                                                                 \
	p "file_sha256," p "day," p "user," p "paid," p "failed"
#define SEAL_PAYEE_COLS(p) p "shop_id," p "type," p "name," p "account," p "since"
#define SEAL_VIOLATION_COLS(p)                                                                     \
	p "shop_id," p "day," p "class," p "points," p "raise_fen," p "frozen_fen,"                \
	p "deducted_fen," p "owed_fen," p "covered_fen," p "status," p "resolved"
#define SEAL_SHOP_CHANGE_COLS(p)                                                                   \
	p "shop_id," p "kind," p "notice," p "recorded," p "old_value," p "new_value," p "hold,"   \
	p "user"
/* The service providers' money (issue 14): the provider's own balance,
 * freeze and the status and dates that decide its required deposit, its
 * cooldown and whether it may be refunded; its ledger (append-only), payee
 * accounts, bindings (they size an agency's required deposit) and
 * complaints (freeze and upheld amount). */
#define SEAL_PROVIDER_COLS(p)                                                                      \
	p "kind," p "status," p "added," p "certified_on," p "delisted_on," p "exited_on,"        \
	p "balance_fen," p "frozen_fen"
#define SEAL_PROVIDER_LEDGER_COLS(p)                                                               \
	p "provider_id," p "day," p "kind," p "amount_fen," p "balance_after," p "ref," p "note,"  \
	p "complaint_id," p "refund_id," p "user"
#define SEAL_PROVIDER_PAYEE_COLS(p) p "provider_id," p "name," p "account," p "since"
#define SEAL_PROVIDER_BINDING_COLS(p) p "provider_id," p "shop_id," p "from_day," p "to_day"
#define SEAL_PROVIDER_COMPLAINT_COLS(p)                                                            \
	p "provider_id," p "shop_id," p "day," p "status," p "frozen_fen," p "amount_fen,"         \
	p "resolved," p "user," p "upheld_by," p "second_by"
#define SEAL_STANDARD_COLS(p) p "category," p "effective," p "individual_fen," p "company_fen"
/* The settings in force (issue 16): their fingerprint and text. */
#define SEAL_SETTINGS_COLS(p) p "fingerprint," p "doc," p "day," p "user"
#define SEAL_STANDARD_KEY(p) p "category || '@' || " p "effective"
/* One trigger body: seal row `key` of `tbl` (both SQL expressions). */
#define SEAL_BODY(tbl, key, cols)                                                                  \
	" BEGIN INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) VALUES ('" tbl "', " key ","       \
	" " SEAL_SEQ_SQL ", bzj_seal('" tbl "', " key ", " SEAL_SEQ_SQL ", " cols ")); END;"

/* PostgreSQL (no bzj_seal in the server): the seal of a row of `tbl` as
 * bzj_seal(tbl, key, seq, cols...) gives it, over the current row's
 * columns from `from` on (key, seq, the sealed columns). */
void st_seal_row(const bzj_db *db, const char *tbl, st_stmt *st, int from, char out[65]);
int st_schema_migrate(bzj_db *db, bzj_err *e);
/* The schema every migration would create, for `bzj check`: one string
 * "type name tbl_name sql" per object, sorted; free with st_schema_free. */
int st_schema_expected(char ***out, int *n, bzj_err *e);
void st_schema_free(char **v, int n);
/* PostgreSQL: the objects of a schema from pg_catalog (store_seal.c), and
 * the objects bzj's schema script and migrations create, built on a
 * second connection in a schema of their own that is rolled back
 * (store.c; needs the CREATE privilege on the database). */
int st_schema_of_pg(bzj_db *db, const char *schema, const char *printed, char ***out, int *n,
		    bzj_err *e);
int st_schema_expected_pg(bzj_db *db, char ***out, int *n, bzj_err *e);
/* The same list from a database (store_seal.c). */
int st_schema_of(bzj_db *db, char ***out, int *n, bzj_err *e);
/* Before the outermost COMMIT: a row written after its transaction's last
 * audit record names the record after it; name that last record instead. */
int st_seal_fixup(bzj_db *db, bzj_err *e);
/* The demo's bulk path on PostgreSQL (store_demo.c).  st_demo_flush sends
 * the rows it holds (st_prep and st_prepare_once call it before any other
 * statement; _rc: an ST_ code); st_demo_drop forgets them (a rollback).
 * The other three take a row or answer for the shop being made and
 * return true, or return false: not that shop, use the SQL. */
int st_demo_flush(bzj_db *db, bzj_err *e);
int st_demo_flush_rc(bzj_db *db);
void st_demo_drop(bzj_db *db);
bool st_demo_category(bzj_db *db, const char *shop_id, const char *category, bzj_date day);
bool st_demo_base_for(bzj_db *db, const char *shop_id, int entity, bzj_date day, int64_t *base_fen,
		      char *category, bzj_date *effective);
bool st_demo_payee(bzj_db *db, const char *shop_id, int type, const char *name,
		   const char *account, bzj_date since);
/* PostgreSQL: seal every row of the sealed table `tbl` that has no seal
 * (all: every row, none has one), with the seq of the audit record to
 * come, its MAC computed here (one read of the table in key order, the
 * seals sent by COPY). */
int st_seal_rows_pg(bzj_db *db, const char *tbl, bool all, bzj_err *e);
/* PostgreSQL: a bulk fill of `tables` in the open transaction (the
 * demo's bulk path, `bzj copy`; store_demo.c): begin disables their user
 * triggers and drops their plain indexes and foreign keys (and the seal
 * table's key), keeping the definitions; end makes them again and enables
 * the triggers. */
int st_pg_bulk_ddl(bzj_db *db, const char *const *tables, size_t n, bool begin, bzj_err *e);
/* A growing buffer, always NUL-terminated (oom set when it could not
 * grow, and nothing more is added), and a field appended to one in COPY's
 * text format, escaped (store_seal.c). */
typedef struct st_buf {
	char *p;
	size_t n, cap;
	bool oom;
} st_buf;
void st_buf_put(st_buf *b, const char *s, size_t n);
void st_buf_field(st_buf *b, const char *t);
/* bzj_seal(...) and bzj_seal_plain(...) on this connection. */
int st_register_seal(bzj_db *db);
int st_register_functions(bzj_db *db, bzj_err *e);
/* bzj_newbie_reasons, bzj_newbie_window (store_newbie.c) */
int st_newbie_functions(bzj_db *db, bzj_err *e);
int st_newbie_stage_clean(bzj_db *db, int64_t job, int64_t limit, bool *empty, bzj_err *e);
int st_assess_results_clean(bzj_db *db, int64_t aid, int64_t limit, bool *empty, bzj_err *e);

#endif
