/* store_demo.c - bulk inserts for the demo generator: whole rows with
 * their cached columns, written inside one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

int bzj_store_demo_shop(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
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
	return st_exec(db, e, "INSERT INTO score(day, shop_id, tenths) VALUES (?,?,?)", "Dtd", day,
		       shop_id, tenths);
}

int bzj_store_demo_risk(bzj_db *db, const char *shop_id, bzj_date opened, const char *note,
			bzj_date closed, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO risk(shop_id, opened, opened_by, note, closed, closed_by,"
		       " close_note) VALUES (?1, ?2, 'rev1', ?3, ?4,"
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
		return BZJ_OK; /* no FTS5 there; its shop_gram trigger stays (PL/pgSQL) */
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
		return BZJ_OK;
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
