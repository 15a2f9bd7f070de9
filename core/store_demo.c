/* store_demo.c - bulk inserts for the demo generator: whole rows with
 * their cached columns, written inside one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

/* The bulk path on PostgreSQL (below): each demo_pg_* takes the rows when
 * the demo runs on it (db->demo) and returns true. */
static int demo_pg_shop(bzj_db *db, const bzj_shop *s, bzj_err *e);
static bool demo_pg_violation(bzj_db *db, bzj_violation *v);
static bool demo_pg_refund(bzj_db *db, bzj_refund *r);
static bool demo_pg_months(bzj_db *db, bool floating, const bzj_demo_month *rows, size_t n);
static bool demo_pg_ledger(bzj_db *db, const bzj_ledger_entry *rows, size_t n);
static bool demo_pg_newbie(bzj_db *db, const bzj_demo_newbie *rows, size_t n);
static bool demo_pg_score(bzj_db *db, const char *shop_id, bzj_date day, int tenths);
static bool demo_pg_risk(bzj_db *db, const char *shop_id, bzj_date opened, const char *note,
			 bzj_date closed);
static bool demo_pg_money(bzj_db *db, const bzj_shop *s);
static int demo_oom(bzj_db *db, bzj_err *e);
static int demo_pg_begin(bzj_db *db, bzj_err *e);
static int demo_pg_end(bzj_db *db, bzj_err *e);

int bzj_store_demo_shop(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
	if (db->demo)
		return demo_pg_shop(db, s, e);
	return st_exec(db, e,
		       "INSERT INTO shop(id, name, entity_name, operator_name, entity, status,"
		       " opened, closed, balance_fen, frozen_fen, unsettled_fen, owed_fen,"
		       " terminate) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		       "ttttddDDiiiib", s->id, s->name, s->entity_name, s->operator_name, s->entity,
		       s->status, s->opened, s->closed, s->balance_fen, s->frozen_fen,
		       s->unsettled_fen, s->owed_fen, s->terminate);
}

int bzj_store_demo_violation(bzj_db *db, bzj_violation *v, bzj_err *e)
{
	if (demo_pg_violation(db, v))
		return demo_oom(db, e);
	int rc = st_exec(db, e,
			 "INSERT INTO violation(shop_id, day, class, points, raise_fen, frozen_fen,"
			 " deducted_fen, owed_fen, status, resolved, note, user, covered_fen)"
			 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 "tDddiiiidDtti", v->shop_id, v->date, v->cls, v->points, v->raise_fen,
			 v->frozen_fen, v->deducted_fen, v->owed_fen, v->status, v->resolved,
			 v->note, v->user, v->covered_fen);
	if (!rc)
		v->id = st_last_id(db);
	return rc;
}

int bzj_store_demo_refund(bzj_db *db, bzj_refund *r, bzj_err *e)
{
	if (demo_pg_refund(db, r))
		return demo_oom(db, e);
	int rc = st_exec(db, e,
			 "INSERT INTO refund(shop_id, kind, status, amount_fen, submitted_on, month,"
			 " window_start, window_end, checklist, late, submitted_by, approved_by,"
			 " approved_on, second_by, paid_by, paid_on, failure_reason, reject_reason,"
			 " changed_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 "tddiDdDDdbttDttDttt", r->shop_id, r->kind, r->status, r->amount_fen,
			 r->submitted_on, (int)bzj_date_month(r->submitted_on), r->window_start,
			 r->window_end, r->checklist, r->late, r->submitted_by,
			 r->approved_by[0] ? r->approved_by : NULL, r->approved_on,
			 r->second_by[0] ? r->second_by : NULL, r->paid_by[0] ? r->paid_by : NULL,
			 r->paid_on, r->failure_reason[0] ? r->failure_reason : NULL,
			 r->reject_reason[0] ? r->reject_reason : NULL, r->changed_by);
	if (!rc)
		r->id = st_last_id(db);
	return rc;
}

/* PostgreSQL's bulk path: pending COPY text is sent when this much is
 * pending as a new shop starts. */
enum { DEMO_PG_FLUSH_AT = 8 << 20 };

/* Rows DEMO_BATCH at a time through one prepared multi-row INSERT and
 * the rest one by one: the demo writes some 45 rows a shop, and a
 * statement per row spent more time starting and resetting statements
 * than writing. */
enum { DEMO_BATCH = 64 };

typedef void (*demo_bind_fn)(st_stmt *st, int p, const void *row);

typedef struct demo_insert {
	const char *one;  /* INSERT ... VALUES (?,...) */
	const char *many; /* the same with DEMO_BATCH tuples */
	int ncol;
	size_t row_size;
	demo_bind_fn bind;
} demo_insert;

static void bind_text(st_stmt *st, int i, const char *t)
{
	if (t)
		st_bind_text(st, i, t);
	else
		st_bind_null(st, i);
}

static void bind_date(st_stmt *st, int i, bzj_date d)
{
	if (d == BZJ_DATE_NONE)
		st_bind_null(st, i);
	else
		st_bind_int(st, i, (int)d);
}

static int demo_insert_rows(bzj_db *db, const demo_insert *di, const void *rows, size_t n,
			    bzj_err *e)
{
	st_stmt *one = st_prep(db, di->one, e);
	st_stmt *many = one ? st_prep(db, di->many, e) : NULL;
	if (!many)
		return e->rc;
	const char *r = rows;
	for (size_t i = 0; i < n;) {
		size_t k = n - i >= DEMO_BATCH ? DEMO_BATCH : 1;
		st_stmt *st = k > 1 ? many : one;
		st_reset(st);
		for (size_t j = 0; j < k; j++, i++)
			di->bind(st, (int)j * di->ncol, r + i * di->row_size);
		int rc = st_step(st);
		st_reset(st); /* and its bindings */
		if (rc != ST_DONE)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

#define T3 "(?,?,?)"
#define T4 "(?,?,?,?)"
#define T5 "(?,?,?,?,?)"
#define T12 "(?,?,?,?,?,?,?,?,?,?,?,?)"
#define X8(t) t "," t "," t "," t "," t "," t "," t "," t
#define X64(t) X8(t) "," X8(t) "," X8(t) "," X8(t) "," X8(t) "," X8(t) "," X8(t) "," X8(t)

#define GMV_INSERT "INSERT INTO gmv(shop_id, month, gmv_fen) VALUES "
static void bind_gmv(st_stmt *st, int p, const void *row)
{
	const bzj_demo_month *m = row;
	bind_text(st, p + 1, m->shop_id);
	st_bind_int(st, p + 2, (int)m->month);
	st_bind_int(st, p + 3, m->gmv_fen);
}

/* Months' GMV of new shops: the demo writes each (shop, month) once in a
 * database with no import jobs, so bzj_store_gmv_put's clean-up of staged
 * versions and its upsert have nothing to do. */
int bzj_store_demo_gmv(bzj_db *db, const bzj_demo_month *rows, size_t n, bzj_err *e)
{
	if (demo_pg_months(db, false, rows, n))
		return demo_oom(db, e);
	static const demo_insert di = {GMV_INSERT T3, GMV_INSERT X64(T3), 3, sizeof *rows,
				       bind_gmv};
	return demo_insert_rows(db, &di, rows, n, e);
}

#define FLOATING_INSERT                                                                            \
	"INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective) VALUES "
static void bind_floating(st_stmt *st, int p, const void *row)
{
	const bzj_demo_month *m = row;
	bind_text(st, p + 1, m->shop_id);
	st_bind_int(st, p + 2, (int)m->month);
	st_bind_int(st, p + 3, m->gmv_fen);
	st_bind_int(st, p + 4, m->floating_fen);
	bind_date(st, p + 5, m->effective);
}

int bzj_store_demo_floating(bzj_db *db, const bzj_demo_month *rows, size_t n, bzj_err *e)
{
	if (demo_pg_months(db, true, rows, n))
		return demo_oom(db, e);
	static const demo_insert di = {FLOATING_INSERT T5, FLOATING_INSERT X64(T5), 5,
				       sizeof *rows, bind_floating};
	return demo_insert_rows(db, &di, rows, n, e);
}

/* Ledger entries as bzj_store_ledger_insert writes them, in order (their
 * ids are the order they come in). */
#define LEDGER_INSERT                                                                              \
	"INSERT INTO ledger(shop_id, day, kind, amount_fen, balance_after, payer, third_party,"    \
	" ref, note, violation_id, refund_id, user) VALUES "
static void bind_ledger(st_stmt *st, int p, const void *row)
{
	const bzj_ledger_entry *le = row;
	bind_text(st, p + 1, le->shop_id);
	bind_date(st, p + 2, le->date);
	st_bind_int(st, p + 3, le->kind);
	st_bind_int(st, p + 4, le->amount_fen);
	st_bind_int(st, p + 5, le->balance_after_fen);
	bind_text(st, p + 6, le->payer[0] ? le->payer : NULL);
	st_bind_int(st, p + 7, le->third_party ? 1 : 0);
	bind_text(st, p + 8, le->ref[0] ? le->ref : NULL);
	bind_text(st, p + 9, le->note);
	st_bind_int(st, p + 10, le->violation_id);
	st_bind_int(st, p + 11, le->refund_id);
	bind_text(st, p + 12, le->user);
}

int bzj_store_demo_ledger(bzj_db *db, const bzj_ledger_entry *rows, size_t n, bzj_err *e)
{
	if (demo_pg_ledger(db, rows, n))
		return demo_oom(db, e);
	static const demo_insert di = {LEDGER_INSERT T12, LEDGER_INSERT X64(T12), 12,
				       sizeof *rows, bind_ledger};
	return demo_insert_rows(db, &di, rows, n, e);
}

#define NEWBIE_INSERT "INSERT INTO newbie(shop_id, status, graduated, graduated_by) VALUES "
static void bind_newbie(st_stmt *st, int p, const void *row)
{
	const bzj_demo_newbie *nb = row;
	bind_text(st, p + 1, nb->shop_id);
	st_bind_int(st, p + 2, nb->status);
	bind_date(st, p + 3, nb->graduated);
	bind_text(st, p + 4, nb->graduated == BZJ_DATE_NONE ? NULL : "rev1");
}

/* Each new shop's newbie row with its status: the row newbie_ai would
 * insert (dropped during the build) as the demo's UPDATE used to leave
 * it. */
int bzj_store_demo_newbie(bzj_db *db, const bzj_demo_newbie *rows, size_t n, bzj_err *e)
{
	if (demo_pg_newbie(db, rows, n))
		return demo_oom(db, e);
	/* PostgreSQL keeps newbie_ai during the build (its triggers are not
	 * dropped: bzj_store_demo_bulk_begin), so the row may be there */
#define NEWBIE_UPSERT                                                                              \
	" ON CONFLICT(shop_id) DO UPDATE SET status = excluded.status,"                            \
	" graduated = excluded.graduated, graduated_by = excluded.graduated_by"
	static const demo_insert di = {NEWBIE_INSERT T4 NEWBIE_UPSERT,
				       NEWBIE_INSERT X64(T4) NEWBIE_UPSERT, 4, sizeof *rows,
				       bind_newbie};
#undef NEWBIE_UPSERT
	return demo_insert_rows(db, &di, rows, n, e);
}

int bzj_store_demo_score(bzj_db *db, const char *shop_id, bzj_date day, int tenths, bzj_err *e)
{
	if (demo_pg_score(db, shop_id, day, tenths))
		return demo_oom(db, e);
	return st_exec(db, e, "INSERT INTO score(day, shop_id, tenths) VALUES (?,?,?)", "Dtd", day,
		       shop_id, tenths);
}

int bzj_store_demo_risk(bzj_db *db, const char *shop_id, bzj_date opened, const char *note,
			bzj_date closed, bzj_err *e)
{
	if (demo_pg_risk(db, shop_id, opened, note, closed))
		return demo_oom(db, e);
	return st_exec(db, e,
		       /* ?4 typed: PostgreSQL cannot infer a parameter from
			* `?4 IS NULL`, and an open risk binds it NULL */
		       "INSERT INTO risk(shop_id, opened, opened_by, note, closed, closed_by,"
		       " close_note) VALUES (?1, ?2, 'rev1', ?3, CAST(?4 AS INTEGER),"
		       " CASE WHEN ?4 IS NULL THEN NULL ELSE 'rev2' END,"
		       " CASE WHEN ?4 IS NULL THEN NULL ELSE '已整改' END)",
		       "tDtD", shop_id, opened, note, closed);
}

int bzj_store_demo_finish(bzj_db *db, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "UPDATE shop SET open_violations = v.n FROM (SELECT shop_id, count(*) AS n"
			 " FROM violation WHERE status = 1 GROUP BY shop_id) v WHERE shop.id = v.shop_id",
			 NULL);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE shop SET refund_open = r.id FROM (SELECT shop_id, id FROM refund"
			     " WHERE " REFUND_OPEN("") ") r WHERE shop.id = r.shop_id",
			     NULL);
	if (!rc)
		rc = st_exec(db, e, "ANALYZE", NULL);
	return rc;
}

/* The demo inserts a million shops in one transaction.  Maintaining
 * indexes and triggers row by row costs more than the rows themselves:
 *  - the FTS5 and bigram search indexes are built once at the end;
 *  - a new shop's newbie row and the shop count (newbie_ai, shop_total_ai)
 *    are written by the demo itself: the rows in batches, the count once;
 *  - the row seals (store_priv.h): a trigger per sealed row runs a
 *    sub-program, two meta lookups and an INSERT OR REPLACE, several times
 *    per shop (its insert, its money update, each ledger entry...).  The
 *    demo writes everything under one audit record, so every trigger would
 *    have sealed with the same seq (SEAL_SEQ_SQL, the record to come) over
 *    the row's last values: one INSERT ... SELECT per table at the end
 *    writes exactly those seals;
 *  - the plain (non-unique) secondary indexes of the tables the shops fill
 *    are dropped and created once, sorted, before anything reads them
 *    (finish, sync, the newbie check).  Unique indexes stay: they are
 *    constraints.
 * The dropped objects' own SQL is kept in a temp table and run again, so
 * the schema comes back byte for byte (`bzj check` compares it). */
#define DEMO_TABLES                                                                                \
	"('shop','ledger','violation','refund','payee','newbie','score','risk','floating','seal',"   \
	"'provider','provider_ledger','provider_payee','provider_binding','provider_complaint')"

static const char *const demo_seal_sql[] = {
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'shop', id, " SEAL_SEQ_SQL
	", bzj_seal('shop', id, " SEAL_SEQ_SQL ", " SEAL_SHOP_COLS("") ") FROM shop",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'ledger', id, " SEAL_SEQ_SQL
	", bzj_seal('ledger', id, " SEAL_SEQ_SQL ", " SEAL_LEDGER_COLS("") ") FROM ledger",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'refund', id, " SEAL_SEQ_SQL
	", bzj_seal('refund', id, " SEAL_SEQ_SQL ", " SEAL_REFUND_COLS("") ") FROM refund",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'payee', id, " SEAL_SEQ_SQL
	", bzj_seal('payee', id, " SEAL_SEQ_SQL ", " SEAL_PAYEE_COLS("") ") FROM payee",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'violation', id, " SEAL_SEQ_SQL
	", bzj_seal('violation', id, " SEAL_SEQ_SQL ", " SEAL_VIOLATION_COLS("") ") FROM violation",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'provider', id, " SEAL_SEQ_SQL
	", bzj_seal('provider', id, " SEAL_SEQ_SQL ", " SEAL_PROVIDER_COLS("") ") FROM provider",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'provider_ledger', id, " SEAL_SEQ_SQL
	", bzj_seal('provider_ledger', id, " SEAL_SEQ_SQL ", " SEAL_PROVIDER_LEDGER_COLS("")
	") FROM provider_ledger",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'provider_payee', id, " SEAL_SEQ_SQL
	", bzj_seal('provider_payee', id, " SEAL_SEQ_SQL ", " SEAL_PROVIDER_PAYEE_COLS("")
	") FROM provider_payee",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'provider_binding', id, " SEAL_SEQ_SQL
	", bzj_seal('provider_binding', id, " SEAL_SEQ_SQL ", " SEAL_PROVIDER_BINDING_COLS("")
	") FROM provider_binding",
	"INSERT OR REPLACE INTO seal(tbl, rid, seq, mac) SELECT 'provider_complaint', id, "
	SEAL_SEQ_SQL ", bzj_seal('provider_complaint', id, " SEAL_SEQ_SQL ", "
	SEAL_PROVIDER_COMPLAINT_COLS("") ") FROM provider_complaint",
};

/* "DROP kind "name"" with the name quoted as an SQL identifier. */
static char *drop_sql(const char *kind, const char *name)
{
	size_t n = strlen(kind) + 2 * strlen(name) + 16;
	char *out = malloc(n);
	if (!out)
		return NULL;
	size_t k = (size_t)snprintf(out, n, "DROP %s \"", kind);
	for (const char *c = name; *c; c++) {
		if (*c == '"')
			out[k++] = '"';
		out[k++] = *c;
	}
	out[k++] = '"';
	out[k] = 0;
	return out;
}

/* Run every statement of temp.demo_ddl of `kind` ('index' or 'trigger');
 * read first, then run (DDL under an open read is refused). */
static int demo_ddl_run(bzj_db *db, const char *kind, bool drop, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT name, sql FROM temp.demo_ddl WHERE type = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "t", kind);
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		const char *t = st_col_text(st, drop ? 0 : 1);
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nv = realloc(v, cap * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		v[n] = drop ? drop_sql(kind, t) : strdup(t);
		if (!v[n])
			break;
		n++;
	}
	st_reset(st);
	int r = rc == ST_DONE ? BZJ_OK
		: rc == ST_ROW ? bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"))
				   : st_error(db, rc, e);
	for (size_t i = 0; i < n; i++) {
		if (!r) {
			rc = db->drv->exec(db->conn, v[i]);
			if (rc != ST_OK)
				r = st_error(db, rc, e);
		}
		free(v[i]);
	}
	free(v);
	return r;
}

int bzj_store_demo_bulk_begin(bzj_db *db, bzj_err *e)
{
	if (st_is_pg(db))
		return demo_pg_begin(db, e); /* no FTS5 there; the triggers disabled (below) */
	int rc = st_exec(db, e, "DROP TRIGGER shop_fts_ai", NULL);
	if (!rc)
		rc = st_exec(db, e, "DROP TRIGGER shop_gram_ai", NULL);
	if (!rc)
		rc = st_exec(db, e, "DROP TABLE IF EXISTS temp.demo_ddl", NULL);
	if (!rc)
		rc = st_exec(db, e,
			     "CREATE TEMP TABLE demo_ddl AS SELECT type, name, sql FROM sqlite_schema"
			     " WHERE sql IS NOT NULL AND tbl_name IN " DEMO_TABLES
			     " AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE %')"
			     "  OR (type = 'trigger' AND (name GLOB 'seal_*'"
			     "   OR name IN ('newbie_ai', 'shop_total_ai'))))"
			     " ORDER BY rowid",
			     NULL);
	if (!rc)
		rc = demo_ddl_run(db, "trigger", true, e);
	if (!rc)
		rc = demo_ddl_run(db, "index", true, e);
	return rc;
}

int bzj_store_demo_bulk_end(bzj_db *db, bzj_err *e)
{
	if (st_is_pg(db))
		return demo_pg_end(db, e);
	int rc = st_exec(db, e, "INSERT INTO shop_fts(shop_fts) VALUES('rebuild')", NULL);
	if (!rc)
		rc = st_exec(db, e, SHOP_GRAM_BUILD_SQL, NULL);
	if (!rc)
		rc = st_exec(db, e, SHOP_FTS_AI_SQL, NULL);
	if (!rc)
		rc = st_exec(db, e, SHOP_GRAM_AI_SQL, NULL);
	for (size_t i = 0; !rc && i < sizeof demo_seal_sql / sizeof demo_seal_sql[0]; i++)
		rc = st_exec(db, e, demo_seal_sql[i], NULL);
	if (!rc)
		rc = demo_ddl_run(db, "index", false, e);
	if (!rc) /* a new database: no shops before the demo's */
		rc = st_exec(db, e, "UPDATE shop_total SET n = n + (SELECT count(*) FROM shop)", NULL);
	if (!rc)
		rc = demo_ddl_run(db, "trigger", false, e);
	if (!rc)
		rc = st_exec(db, e, "DROP TABLE temp.demo_ddl", NULL);
	return rc;
}

/* The shop's money as the demo generated it.  The demo inserted the row
 * with every other column final: writing only these leaves the name
 * indexes and search triggers alone (bzj_store_shop_update rewrites every
 * column). */
int bzj_store_demo_shop_money(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
	if (demo_pg_money(db, s))
		return BZJ_OK;
	return st_exec(db, e,
		       "UPDATE shop SET balance_fen=?2, frozen_fen=?3, unsettled_fen=?4, owed_fen=?5,"
		       " terminate=?6 WHERE id=?1",
		       "tiiiib", s->id, s->balance_fen, s->frozen_fen, s->unsettled_fen, s->owed_fen,
		       s->terminate);
}

/* The demo fills a new database in one transaction: in WAL mode every
 * page is written twice (to the WAL, then copied into the file by the
 * checkpoint at commit: 4 GB each at a million shops), and every page the
 * page cache spilled is looked up in a WAL-index that grows with it.
 * With a rollback journal the pages a new database adds go straight into
 * the file (only the few pages that existed before are journaled), and
 * the commit is still atomic.  Back to WAL afterwards, as every open sets
 * it too (store.c).  A database someone else has open stays in WAL (the
 * switch needs it alone); the demo is then only slower. */
int bzj_store_demo_journal(bzj_db *db, bool bulk, bzj_err *e)
{
	if (st_is_pg(db))
		return BZJ_OK; /* a server keeps its own log */
	int rc = st_exec(db, e,
			 bulk ? "PRAGMA journal_mode = DELETE" : "PRAGMA journal_mode = WAL", NULL);
	/* a read opens the -wal and -shm again, which bzj keeps (store.c) */
	int64_t n;
	return rc || bulk ? rc : st_int(db, e, &n, NULL, "SELECT count(*) FROM sqlite_schema", NULL);
}

/* A large page cache for one bulk transaction (the demo writes 4 GB at a
 * million shops), and a second thread for its sorts (the indexes, the
 * search bigrams: SQLite's sorter sorts in parallel), then back to the
 * usual. */
int bzj_store_bulk_cache(bzj_db *db, bool on, bzj_err *e)
{
	if (st_is_pg(db))
		return BZJ_OK; /* a server sizes its own cache and sorts */
	int rc = st_exec(db, e, on ? "PRAGMA cache_size = -262144" : "PRAGMA cache_size = -16000",
			 NULL);
	return rc ? rc : st_exec(db, e, on ? "PRAGMA threads = 2" : "PRAGMA threads = 0", NULL);
}

/* ---- the bulk path on PostgreSQL (issue 16) -------------------------------
 *
 * `bzj demo` into an empty PostgreSQL database, run by the schema's owner:
 *  - bzj_store_demo_bulk_begin disables the user triggers of the tables the
 *    demo fills (ALTER TABLE ... DISABLE TRIGGER USER, in the demo's one
 *    transaction): the pending seals, the search bigrams, the shop count,
 *    the newbie row and the change counter are not written row by row;
 *  - the demo's rows are kept here as COPY text, table by table, and sent
 *    by COPY ... FROM STDIN (the driver's copy_in) a few thousand shops at
 *    a time, shops first (the others refer to them); a shop's money is
 *    written into its pending row instead of an UPDATE, and the base
 *    deposit of the shop being made is found from the standards read once
 *    (bzj_store_base_for asks the server otherwise); violations and
 *    refunds get their ids here, from their identity sequences, which are
 *    set to the last id given before anything else inserts into them;
 *  - any other statement (st_prep, st_prepare_once) sends what is pending
 *    first, so every read sees every row the demo made;
 *  - bzj_store_demo_bulk_end sends the rest, builds the bigrams and the
 *    shop count by one statement each, seals every row of the sealed
 *    tables the demo filled in C (store_seal.c st_seal_rows_pg: one read
 *    of each table, the seals sent by COPY), and enables the triggers
 *    again.  What comes after (finish, sync, the newbie check, the audit
 *    record) runs with the triggers, so the change counter moves and the
 *    rows those statements change get their pending seals as always.
 * All of it is one transaction: a crash or Ctrl-C rolls back the rows and
 * the ALTER TABLEs alike, and leaves the database empty as it was.
 * Not the owner (the bzj login role), or BZJ_TEST_DEMO_SLOW set (the tests
 * compare both paths): the demo runs row by row with the triggers. */
#define DEMO_PG_TABLES                                                                             \
	"shop", "shop_category", "payee", "newbie", "score", "risk", "gmv", "floating",          \
		"violation", "refund", "ledger", "provider", "provider_ledger", "provider_payee",  \
		"provider_binding", "provider_complaint", "shop_orders", "assessment", "seal"
static const char *const demo_pg_tables[] = {DEMO_PG_TABLES};
#define NDEMO_PG (sizeof demo_pg_tables / sizeof demo_pg_tables[0])

/* The sealed tables among them (store_seal.c seals their new rows). */
static const char *const demo_pg_sealed[] = {
	"shop",		    "ledger",	     "refund",	       "payee",
	"violation",	    "provider",	     "provider_ledger", "provider_payee",
	"provider_binding", "provider_complaint",
};

/* The COPY buffers, in the order they are sent (shops first). */
enum { DB_SHOP, DB_CATEGORY, DB_PAYEE, DB_NEWBIE, DB_SCORE, DB_RISK, DB_GMV, DB_FLOATING,
       DB_VIOLATION, DB_REFUND, DB_LEDGER, DB_NBUF };

static const char *const demo_copy_sql[DB_NBUF] = {
	"COPY shop(id, name, entity_name, operator_name, entity, status, opened, closed,"
	" balance_fen, frozen_fen, unsettled_fen, owed_fen, terminate) FROM STDIN",
	"COPY shop_category(shop_id, category, added) FROM STDIN",
	"COPY payee(shop_id, type, name, account, since) FROM STDIN",
	"COPY newbie(shop_id, status, graduated, graduated_by) FROM STDIN",
	"COPY score(day, shop_id, tenths) FROM STDIN",
	"COPY risk(shop_id, opened, opened_by, note, closed, closed_by, close_note) FROM STDIN",
	"COPY gmv(shop_id, month, gmv_fen) FROM STDIN",
	"COPY floating(shop_id, month, gmv_fen, floating_fen, effective) FROM STDIN",
	"COPY violation(id, shop_id, day, class, points, raise_fen, frozen_fen, deducted_fen,"
	" owed_fen, status, resolved, note, \"user\", covered_fen) FROM STDIN",
	"COPY refund(id, shop_id, kind, status, amount_fen, submitted_on, month, window_start,"
	" window_end, checklist, late, submitted_by, approved_by, approved_on, second_by, paid_by,"
	" paid_on, failure_reason, reject_reason, changed_by) FROM STDIN",
	"COPY ledger(shop_id, day, kind, amount_fen, balance_after, payer, third_party, ref, note,"
	" violation_id, refund_id, \"user\") FROM STDIN",
};


typedef st_buf cbuf;

typedef struct demo_std {
	char category[BZJ_CAT_MAX + 1];
	bzj_date effective;
	int64_t individual_fen, company_fen;
} demo_std;

struct st_demo {
	cbuf b[DB_NBUF];
	size_t bytes;
	bool oom;
	bool have_shop; /* shop: made, not yet in b[DB_SHOP] */
	bzj_shop shop;
	int ncat; /* its categories */
	char cat[8][BZJ_CAT_MAX + 1];
	demo_std *std;
	size_t nstd, capstd;
	/* the next violation and refund ids, and the ones the sequences
	 * were last set to */
	int64_t next_vid, next_rid, set_vid, set_rid;
	/* the sealed tables that were empty at the start (all their rows
	 * are the demo's: sealed without looking for a seal first) */
	unsigned fresh;
};

static void cb_add(st_demo *d, cbuf *b, const char *s, size_t n)
{
	st_buf_put(b, s, n);
	d->oom |= b->oom;
	d->bytes += n;
}

/* A text field in COPY's text format (NULL: \N), then a tab. */
static void cb_text(st_demo *d, cbuf *b, const char *t)
{
	if (!t) {
		cb_add(d, b, "\\N\t", 3);
		return;
	}
	size_t n0 = b->n;
	st_buf_field(b, t);
	d->oom |= b->oom;
	d->bytes += b->n - n0;
	cb_add(d, b, "\t", 1);
}

/* "" as NULL (the columns the INSERTs bind NULL when empty). */
static void cb_opt(st_demo *d, cbuf *b, const char *t)
{
	cb_text(d, b, t && *t ? t : NULL);
}

static void cb_int(st_demo *d, cbuf *b, int64_t v)
{
	char s[24];
	int k = snprintf(s, sizeof s, "%lld\t", (long long)v);
	cb_add(d, b, s, (size_t)k);
}

static void cb_date(st_demo *d, cbuf *b, bzj_date v)
{
	if (v == BZJ_DATE_NONE)
		cb_text(d, b, NULL);
	else
		cb_int(d, b, v);
}

/* The row's last tab becomes its newline. */
static void cb_end(cbuf *b)
{
	if (b->n && b->p[b->n - 1] == '\t')
		b->p[b->n - 1] = '\n';
}

static void demo_shop_row(st_demo *d)
{
	const bzj_shop *s = &d->shop;
	cbuf *b = &d->b[DB_SHOP];
	cb_text(d, b, s->id);
	cb_text(d, b, s->name);
	cb_text(d, b, s->entity_name);
	cb_text(d, b, s->operator_name);
	cb_int(d, b, s->entity);
	cb_int(d, b, s->status);
	cb_date(d, b, s->opened);
	cb_date(d, b, s->closed);
	cb_int(d, b, s->balance_fen);
	cb_int(d, b, s->frozen_fen);
	cb_int(d, b, s->unsettled_fen);
	cb_int(d, b, s->owed_fen);
	cb_int(d, b, s->terminate ? 1 : 0);
	cb_end(b);
	d->have_shop = false;
}

static int seq_set(bzj_db *db, const char *tbl, int64_t next)
{
	/* as the sequence stands after giving next - 1 (never used: 1, not
	 * called) */
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), %lld, %s)", tbl,
		 (long long)(next > 1 ? next - 1 : 1), next > 1 ? "true" : "false");
	return db->drv->exec(db->conn, sql);
}

/* Send everything pending, shops first; the identity sequences of
 * violation and refund follow the ids given.  An ST_ code. */
static int demo_send(bzj_db *db)
{
	st_demo *d = db->demo;
	if (d->have_shop)
		demo_shop_row(d);
	if (d->oom)
		return ST_NOMEM;
	int rc = ST_OK;
	for (int i = 0; rc == ST_OK && i < DB_NBUF; i++) {
		if (d->b[i].n)
			rc = db->drv->copy_in(db->conn, demo_copy_sql[i], d->b[i].p, d->b[i].n, NULL);
		d->b[i].n = 0;
	}
	d->bytes = 0;
	if (rc == ST_OK && d->next_vid != d->set_vid && (rc = seq_set(db, "violation", d->next_vid)) == ST_OK)
		d->set_vid = d->next_vid;
	if (rc == ST_OK && d->next_rid != d->set_rid && (rc = seq_set(db, "refund", d->next_rid)) == ST_OK)
		d->set_rid = d->next_rid;
	return rc;
}

int st_demo_flush_rc(bzj_db *db)
{
	st_demo *d = db->demo;
	if (!d || (!d->have_shop && !d->bytes && d->next_vid == d->set_vid &&
		   d->next_rid == d->set_rid))
		return ST_OK;
	return demo_send(db);
}

int st_demo_flush(bzj_db *db, bzj_err *e)
{
	int rc = st_demo_flush_rc(db);
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

void st_demo_drop(bzj_db *db)
{
	st_demo *d = db->demo;
	if (!d)
		return;
	db->demo = NULL;
	for (int i = 0; i < DB_NBUF; i++)
		free(d->b[i].p);
	free(d->std);
	free(d);
}

static int demo_oom(bzj_db *db, bzj_err *e)
{
	return db->demo->oom ? bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory")) : BZJ_OK;
}

static bool demo_current(const bzj_db *db, const char *shop_id)
{
	return db->demo && db->demo->have_shop && !strcmp(db->demo->shop.id, shop_id);
}

/* A shop category of the shop being made: kept (once, as INSERT OR IGNORE
 * would) for bzj_store_base_for.  false: not that shop; the caller
 * inserts it. */
bool st_demo_category(bzj_db *db, const char *shop_id, const char *category, bzj_date day)
{
	if (!demo_current(db, shop_id))
		return false;
	st_demo *d = db->demo;
	for (int i = 0; i < d->ncat; i++)
		if (!strcmp(d->cat[i], category))
			return true;
	if (d->ncat == (int)(sizeof d->cat / sizeof d->cat[0]))
		return false;
	snprintf(d->cat[d->ncat++], sizeof d->cat[0], "%s", category);
	cbuf *b = &d->b[DB_CATEGORY];
	cb_text(d, b, shop_id);
	cb_text(d, b, category);
	cb_date(d, b, day);
	cb_end(b);
	return true;
}

/* bzj_store_base_for for the shop being made, from its categories and
 * the standards read at the start, chosen as the query there chooses:
 * each category's newest standard on `day`, the highest wins, the first
 * category in byte order on a tie.  false: not that shop. */
bool st_demo_base_for(bzj_db *db, const char *shop_id, int entity, bzj_date day, int64_t *base_fen,
		      char *category, bzj_date *effective)
{
	if (!demo_current(db, shop_id))
		return false;
	st_demo *d = db->demo;
	bool any = false;
	for (int i = 0; i < d->ncat; i++) {
		const demo_std *best = NULL;
		for (size_t k = 0; k < d->nstd; k++) {
			const demo_std *s = &d->std[k];
			if (!strcmp(s->category, d->cat[i]) && s->effective <= day &&
			    (!best || s->effective > best->effective))
				best = s;
		}
		if (!best)
			continue;
		int64_t fen = entity == 1 ? best->individual_fen : best->company_fen;
		if (!any || fen > *base_fen || (fen == *base_fen && strcmp(d->cat[i], category) < 0)) {
			*base_fen = fen;
			memcpy(category, d->cat[i], BZJ_CAT_MAX + 1);
			*effective = best->effective;
		}
		any = true;
	}
	return true;
}

bool st_demo_payee(bzj_db *db, const char *shop_id, int type, const char *name,
		   const char *account, bzj_date since)
{
	if (!demo_current(db, shop_id))
		return false;
	st_demo *d = db->demo;
	cbuf *b = &d->b[DB_PAYEE];
	cb_text(d, b, shop_id);
	cb_int(d, b, type);
	cb_text(d, b, name);
	cb_text(d, b, account);
	cb_date(d, b, since);
	cb_end(b);
	return true;
}

static int demo_std_add(void *ctx, const bzj_standard *s)
{
	st_demo *d = ctx;
	if (d->nstd == d->capstd) {
		size_t cap = d->capstd ? 2 * d->capstd : 64;
		demo_std *n = realloc(d->std, cap * sizeof *n);
		if (!n) {
			d->oom = true;
			return 1;
		}
		d->std = n;
		d->capstd = cap;
	}
	demo_std *t = &d->std[d->nstd++];
	snprintf(t->category, sizeof t->category, "%s", s->category);
	t->effective = s->effective;
	t->individual_fen = s->individual_fen;
	t->company_fen = s->company_fen;
	return 0;
}

/* A bulk fill of `tables` in one transaction (the demo, `bzj copy`).
 * Before the rows: the user triggers of the tables disabled; their
 * foreign keys and plain (non-unique) indexes dropped, their definitions
 * kept in a temporary table (as pg_get_constraintdef and pg_get_indexdef
 * print them), so that the end makes them again as they were: the
 * foreign keys checked by one query each instead of a lookup per row, the
 * indexes built sorted (`bzj check` compares the schema).  The seal
 * table's primary key too: the demo's transaction is SERIALIZABLE, and
 * the settings guard's read of a seal left a predicate lock on a page of
 * seal_pkey, which every page split of the seals' bulk insert copied to
 * the new page (PredicateLockPageSplit) until the server ran out of
 * predicate locks ("out of shared memory") at 100,000 shops; made again,
 * the key is one sorted build.  After: the indexes and keys, the foreign
 * keys and the triggers back.  DO blocks: their bodies are sent as they
 * are (the dialect rewriter would quote USER as the column "user"). */
int st_pg_bulk_ddl(bzj_db *db, const char *const *tables, size_t n, bool begin, bzj_err *e)
{
	size_t an = 16;
	for (size_t i = 0; i < n; i++)
		an += strlen(tables[i]) + 3;
	char *arr = malloc(an), *sql = malloc(3 * an + 2048);
	if (!arr || !sql) {
		free(arr);
		free(sql);
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	}
	size_t k = (size_t)snprintf(arr, an, "ARRAY[");
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(arr + k, an - k, "%s'%s'", i ? "," : "", tables[i]);
	snprintf(arr + k, an - k, "]");
	const char *tables_sql = arr;
	size_t sn = 3 * an + 2048;
	if (begin)
		snprintf(sql, sn,
			 "DO $bzj$ DECLARE t text; r record; BEGIN"
			 " CREATE TEMP TABLE bzj_demo_ddl ON COMMIT DROP AS"
			 "  SELECT 0 AS ord, pg_get_indexdef(i.indexrelid) AS redo,"
			 "   format('DROP INDEX %%s', i.indexrelid::regclass) AS undo FROM pg_index i"
			 "   WHERE i.indrelid = ANY (%s::regclass[]) AND NOT i.indisunique"
			 "  UNION ALL SELECT 1, format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s',"
			 "   c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)),"
			 "   format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass, c.conname)"
			 "   FROM pg_constraint c WHERE (c.contype = 'f'"
			 "   AND c.conrelid = ANY (%s::regclass[]))"
			 "   OR (c.contype = 'p' AND c.conrelid = 'seal'::regclass);"
			 " FOR r IN SELECT undo FROM bzj_demo_ddl ORDER BY ord DESC LOOP"
			 "  EXECUTE r.undo; END LOOP;"
			 " FOREACH t IN ARRAY %s LOOP"
			 "  EXECUTE format('ALTER TABLE %%I DISABLE TRIGGER USER', t); END LOOP;"
			 " END $bzj$",
			 tables_sql, tables_sql, tables_sql);
	else
		snprintf(sql, sn,
			 "DO $bzj$ DECLARE t text; r record; BEGIN"
			 " FOR r IN SELECT redo FROM bzj_demo_ddl ORDER BY ord LOOP"
			 "  EXECUTE r.redo; END LOOP;"
			 " DROP TABLE bzj_demo_ddl;"
			 " FOREACH t IN ARRAY %s LOOP"
			 "  EXECUTE format('ALTER TABLE %%I ENABLE TRIGGER USER', t); END LOOP;"
			 " END $bzj$",
			 tables_sql);
	int rc = db->drv->exec(db->conn, sql);
	free(arr);
	free(sql);
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

static int demo_pg_begin(bzj_db *db, bzj_err *e)
{
	const char *slow = getenv("BZJ_TEST_DEMO_SLOW");
	if ((slow && *slow) || !db->drv->copy_in || db->demo)
		return BZJ_OK;
	/* the owner of every table it alters (ALTER TABLE needs it) */
	char sql[1024];
	size_t k = (size_t)snprintf(sql, sizeof sql,
				    "SELECT count(*) FROM pg_class c WHERE c.relnamespace ="
				    " CAST(current_schema() AS regnamespace) AND c.relkind = 'r'"
				    " AND pg_has_role(c.relowner, 'USAGE') AND c.relname IN (");
	for (size_t i = 0; i < sizeof demo_pg_tables / sizeof demo_pg_tables[0]; i++)
		k += (size_t)snprintf(sql + k, sizeof sql - k, "%s'%s'", i ? "," : "",
				      demo_pg_tables[i]);
	snprintf(sql + k, sizeof sql - k, ")");
	st_stmt *st = NULL;
	int rc = st_prepare_once(db, sql, &st);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	int64_t owned = 0;
	if ((rc = st_step(st)) == ST_ROW)
		owned = st_col_int(st, 0);
	st_finalize(st);
	if (rc != ST_ROW)
		return st_error(db, rc, e);
	if (owned != (int64_t)(sizeof demo_pg_tables / sizeof demo_pg_tables[0]))
		return BZJ_OK; /* not the owner: row by row, with the triggers */
	st_demo *d = calloc(1, sizeof *d);
	if (!d)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	rc = bzj_store_standards_each(db, demo_std_add, d, e);
	if (!rc && d->oom)
		rc = bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	/* the ids the sequences would give next (nextval moves them: set back
	 * at the first send) */
	int64_t v = 0, r = 0;
	if (!rc)
		rc = st_int(db, e, &v, NULL, "SELECT nextval(pg_get_serial_sequence('violation', 'id'))",
			    NULL);
	if (!rc)
		rc = st_int(db, e, &r, NULL, "SELECT nextval(pg_get_serial_sequence('refund', 'id'))",
			    NULL);
	for (size_t i = 0; !rc && i < sizeof demo_pg_sealed / sizeof demo_pg_sealed[0]; i++) {
		bool any = false;
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", demo_pg_sealed[i]);
		st_stmt *q = NULL;
		int x = st_prepare_once(db, sql, &q);
		if (x == ST_OK && (x = st_step(q)) == ST_ROW)
			any = true;
		st_finalize(q);
		if (x != ST_ROW && x != ST_DONE)
			rc = st_error(db, x, e);
		else if (!any)
			d->fresh |= 1u << i;
	}
	/* the sorts of the end (the bigrams, the indexes) in memory, for this
	 * transaction */
	if (!rc)
		rc = st_exec(db, e, "SET LOCAL work_mem = '128MB'", NULL);
	if (!rc)
		rc = st_exec(db, e, "SET LOCAL maintenance_work_mem = '256MB'", NULL);
	if (!rc)
		rc = st_pg_bulk_ddl(db, demo_pg_tables, NDEMO_PG, true, e);
	if (rc) {
		free(d->std);
		free(d);
		return rc;
	}
	d->next_vid = v;
	d->next_rid = r;
	d->set_vid = v - 1; /* sent at the first send: the sequence's next is v again */
	d->set_rid = r - 1;
	db->demo = d;
	return BZJ_OK;
}

static int demo_pg_end(bzj_db *db, bzj_err *e)
{
	if (!db->demo)
		return BZJ_OK;
	int rc = st_demo_flush(db, e);
	unsigned fresh = db->demo->fresh;
	st_demo_drop(db);
	/* the bigrams of every shop, as bzj_grams cuts them (bzj_shop_gram's
	 * rows), in key order; a new database has none before the demo's
	 * shops */
	if (!rc)
		rc = st_exec(db, e, SHOP_GRAM_FILL_PG, NULL);
	/* and their trigrams (bzj_shop_tri's rows, schema v27) */
	if (!rc)
		rc = st_exec(db, e, SHOP_TRI_FILL, NULL);
	/* a new database: no shops before the demo's (bzj_shop_total) */
	if (!rc)
		rc = st_exec(db, e, "UPDATE shop_total SET n = n + (SELECT count(*) FROM shop)", NULL);
	for (size_t i = 0; !rc && i < sizeof demo_pg_sealed / sizeof demo_pg_sealed[0]; i++)
		rc = st_seal_rows_pg(db, demo_pg_sealed[i], (fresh >> i) & 1, e);
	if (!rc)
		rc = st_pg_bulk_ddl(db, demo_pg_tables, NDEMO_PG, false, e);
	return rc;
}

/* A new shop: the previous ones are sent when enough is pending. */
static int demo_pg_shop(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
	st_demo *d = db->demo;
	if (d->have_shop)
		demo_shop_row(d);
	if (d->bytes >= DEMO_PG_FLUSH_AT) {
		int rc = st_demo_flush(db, e);
		if (rc)
			return rc;
	}
	d->shop = *s;
	d->have_shop = true;
	d->ncat = 0;
	return demo_oom(db, e);
}

/* The shop being made, with its money: its row is not sent yet. */
static bool demo_pg_money(bzj_db *db, const bzj_shop *s)
{
	if (!demo_current(db, s->id))
		return false;
	bzj_shop *p = &db->demo->shop;
	p->balance_fen = s->balance_fen;
	p->frozen_fen = s->frozen_fen;
	p->unsettled_fen = s->unsettled_fen;
	p->owed_fen = s->owed_fen;
	p->terminate = s->terminate;
	return true;
}

static bool demo_pg_violation(bzj_db *db, bzj_violation *v)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[DB_VIOLATION];
	v->id = d->next_vid++;
	cb_int(d, b, v->id);
	cb_text(d, b, v->shop_id);
	cb_date(d, b, v->date);
	cb_int(d, b, v->cls);
	cb_int(d, b, v->points);
	cb_int(d, b, v->raise_fen);
	cb_int(d, b, v->frozen_fen);
	cb_int(d, b, v->deducted_fen);
	cb_int(d, b, v->owed_fen);
	cb_int(d, b, v->status);
	cb_date(d, b, v->resolved);
	cb_text(d, b, v->note);
	cb_text(d, b, v->user);
	cb_int(d, b, v->covered_fen);
	cb_end(b);
	return true;
}

static bool demo_pg_refund(bzj_db *db, bzj_refund *r)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[DB_REFUND];
	r->id = d->next_rid++;
	cb_int(d, b, r->id);
	cb_text(d, b, r->shop_id);
	cb_int(d, b, r->kind);
	cb_int(d, b, r->status);
	cb_int(d, b, r->amount_fen);
	cb_date(d, b, r->submitted_on);
	cb_int(d, b, (int)bzj_date_month(r->submitted_on));
	cb_date(d, b, r->window_start);
	cb_date(d, b, r->window_end);
	cb_int(d, b, r->checklist);
	cb_int(d, b, r->late ? 1 : 0);
	cb_text(d, b, r->submitted_by);
	cb_opt(d, b, r->approved_by);
	cb_date(d, b, r->approved_on);
	cb_opt(d, b, r->second_by);
	cb_opt(d, b, r->paid_by);
	cb_date(d, b, r->paid_on);
	cb_opt(d, b, r->failure_reason);
	cb_opt(d, b, r->reject_reason);
	cb_text(d, b, r->changed_by);
	cb_end(b);
	return true;
}

static bool demo_pg_months(bzj_db *db, bool floating, const bzj_demo_month *rows, size_t n)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[floating ? DB_FLOATING : DB_GMV];
	for (size_t i = 0; i < n; i++) {
		cb_text(d, b, rows[i].shop_id);
		cb_int(d, b, (int)rows[i].month);
		cb_int(d, b, rows[i].gmv_fen);
		if (floating) {
			cb_int(d, b, rows[i].floating_fen);
			cb_date(d, b, rows[i].effective);
		}
		cb_end(b);
	}
	return true;
}

static bool demo_pg_ledger(bzj_db *db, const bzj_ledger_entry *rows, size_t n)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[DB_LEDGER];
	for (size_t i = 0; i < n; i++) {
		const bzj_ledger_entry *le = &rows[i];
		cb_text(d, b, le->shop_id);
		cb_date(d, b, le->date);
		cb_int(d, b, le->kind);
		cb_int(d, b, le->amount_fen);
		cb_int(d, b, le->balance_after_fen);
		cb_opt(d, b, le->payer);
		cb_int(d, b, le->third_party ? 1 : 0);
		cb_opt(d, b, le->ref);
		cb_text(d, b, le->note);
		cb_int(d, b, le->violation_id);
		cb_int(d, b, le->refund_id);
		cb_text(d, b, le->user);
		cb_end(b);
	}
	return true;
}

static bool demo_pg_newbie(bzj_db *db, const bzj_demo_newbie *rows, size_t n)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[DB_NEWBIE];
	for (size_t i = 0; i < n; i++) {
		cb_text(d, b, rows[i].shop_id);
		cb_int(d, b, rows[i].status);
		cb_date(d, b, rows[i].graduated);
		cb_text(d, b, rows[i].graduated == BZJ_DATE_NONE ? NULL : "rev1");
		cb_end(b);
	}
	return true;
}

static bool demo_pg_score(bzj_db *db, const char *shop_id, bzj_date day, int tenths)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[DB_SCORE];
	cb_date(d, b, day);
	cb_text(d, b, shop_id);
	cb_int(d, b, tenths);
	cb_end(b);
	return true;
}

static bool demo_pg_risk(bzj_db *db, const char *shop_id, bzj_date opened, const char *note,
			 bzj_date closed)
{
	st_demo *d = db->demo;
	if (!d)
		return false;
	cbuf *b = &d->b[DB_RISK];
	cb_text(d, b, shop_id);
	cb_date(d, b, opened);
	cb_text(d, b, "rev1");
	cb_text(d, b, note);
	cb_date(d, b, closed);
	cb_text(d, b, closed == BZJ_DATE_NONE ? NULL : "rev2");
	cb_text(d, b, closed == BZJ_DATE_NONE ? NULL : "已整改");
	cb_end(b);
	return true;
}
