/* store_payout.c - bank payout batches and return files (schema v13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/payout.h"
#include "store_priv.h"

int bzj_store_payable(bzj_db *db, bzj_date day, int64_t second_fen, int64_t **ids, int *n,
		      bzj_err *e)
{
	*ids = NULL;
	*n = 0;
	/* approved, window open on `day`, second approval given where needed */
	st_stmt *st = st_prep(db,
				   "SELECT id FROM refund INDEXED BY refund_open_due"
				   " WHERE " REFUND_OPEN("") " AND status = 2 AND window_start <= ?1"
				   " AND (amount_fen <= ?2 OR COALESCE(second_by, '') <> '')"
				   " ORDER BY window_end, id",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "di", day, second_fen);
	int rc, cap = 0;
	while ((rc = st_step(st)) == ST_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			int64_t *p = realloc(*ids, (size_t)cap * sizeof *p);
			if (!p) {
				st_reset(st);
				free(*ids);
				*ids = NULL;
				return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
			}
			*ids = p;
		}
		(*ids)[(*n)++] = st_col_int(st, 0);
	}
	st_reset(st);
	if (rc != ST_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return st_error(db, rc, e);
	}
	return BZJ_OK;
}

int bzj_store_batch_insert(bzj_db *db, bzj_payout_batch *b, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO payout_batch(day, created_by, created_on, file, file_sha256,"
			 " count, total_fen) VALUES (?,?,?,?,?,?,?)",
			 "DtDttii", b->date, b->created_by, b->created_on, b->file[0] ? b->file : NULL,
			 b->sha256, b->count, b->total_fen);
	if (!rc)
		b->id = st_last_id(db);
	return rc;
}

int bzj_store_batch_finish(bzj_db *db, const bzj_payout_batch *b, bzj_err *e)
{
	return st_exec(db, e,
		       "UPDATE payout_batch SET file_sha256 = ?2, count = ?3, total_fen = ?4"
		       " WHERE id = ?1",
		       "itii", b->id, b->sha256, b->count, b->total_fen);
}

#define BATCH_COLS "id, day, created_by, created_on, file, file_sha256, count, total_fen, returned_on"

static void batch_read(st_stmt *st, bzj_payout_batch *b)
{
	memset(b, 0, sizeof *b);
	b->id = st_col_int(st, 0);
	b->date = st_date(st, 1);
	st_text(st, 2, b->created_by, sizeof b->created_by);
	b->created_on = st_date(st, 3);
	st_text(st, 4, b->file, sizeof b->file);
	st_text(st, 5, b->sha256, sizeof b->sha256);
	b->count = st_col_int(st, 6);
	b->total_fen = st_col_int(st, 7);
	b->returned_on = st_date(st, 8);
}

int bzj_store_batch_delete(bzj_db *db, int64_t id, bzj_err *e)
{
	/* an emptied batch goes with its seal (same transaction) */
	int rc = st_exec(db, e, "DELETE FROM payout_batch WHERE id = ?", "i", id);
	return rc ? rc
		  : st_exec(db, e, "DELETE FROM seal WHERE tbl = 'payout_batch' AND rid = ?", "i",
			    id);
}

int bzj_store_batch_get(bzj_db *db, int64_t id, bzj_payout_batch *b, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT " BATCH_COLS " FROM payout_batch WHERE id = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "i", id);
	int rc = st_step(st);
	if (rc == ST_ROW)
		batch_read(st, b);
	st_reset(st);
	if (rc == ST_DONE)
		return bzj_fail(e, BZJ_ENOTFOUND, "payout.not_found", _("no payout batch %lld"),
				(long long)id);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_batch_list(bzj_db *db, bool open_only, bzj_payout_batch *out, int max, int *n,
			 bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
				   "SELECT " BATCH_COLS " FROM payout_batch"
				   " WHERE ?1 = 0 OR returned_on IS NULL ORDER BY id DESC LIMIT ?2",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "bd", open_only, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		batch_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_batch_returned(bzj_db *db, int64_t id, bzj_date day, bzj_err *e)
{
	return st_exec(db, e,
		       "UPDATE payout_batch SET returned_on = ?2 WHERE id = ?1 AND returned_on IS NULL"
		       " AND NOT EXISTS (SELECT 1 FROM refund WHERE batch_id = ?1 AND status = 7)",
		       "iD", id, day);
}

int bzj_store_return_seen(bzj_db *db, const char *sha, bool *seen, bzj_err *e)
{
	int64_t v = 0;
	return st_int(db, e, &v, seen, "SELECT id FROM payout_return WHERE file_sha256 = ?", "t",
		      sha);
}

int bzj_store_return_insert(bzj_db *db, const char *sha, bzj_date day, const char *user,
			    int64_t paid, int64_t failed, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO payout_return(file_sha256, day, user, paid, failed)"
		       " VALUES (?,?,?,?,?)",
		       "tDtii", sha, day, user, paid, failed);
}

int bzj_store_batch_audit(bzj_db *db, int64_t batch_id, bzj_audit_rec *r, bool *found, bzj_err *e)
{
	*found = false;
	memset(r, 0, sizeof *r);
	/* audit_batch (schema v18) holds exactly these records */
	st_stmt *st = st_prep(db,
				   "SELECT seq, at, day, user, role, after, hash FROM audit"
				   " WHERE action = 'payout.batch' AND object = 'payout_batch:' || ?1"
				   " ORDER BY seq LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "i", batch_id);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		*found = true;
		r->seq = st_col_int(st, 0);
		st_text(st, 1, r->at, sizeof r->at);
		r->day = st_date(st, 2);
		st_text(st, 3, r->user, sizeof r->user);
		st_text(st, 4, r->role, sizeof r->role);
		st_text(st, 5, r->after, sizeof r->after);
		st_text(st, 6, r->hash, sizeof r->hash);
		snprintf(r->action, sizeof r->action, "payout.batch");
		snprintf(r->object, sizeof r->object, "payout_batch:%lld", (long long)batch_id);
	}
	st_reset(st);
	return rc == ST_ROW || rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

/* Call fn with the first column of every row of st (bound to arg) until
 * it returns non-zero; st NULL: its preparation's error. */
static int each_id(bzj_db *db, st_stmt *st, int64_t arg, int (*fn)(void *ctx, int64_t id),
		   void *ctx, bzj_err *e)
{
	if (!st)
		return e->rc;
	st_bind(st, "i", arg);
	int rc;
	while ((rc = st_step(st)) == ST_ROW)
		if (fn(ctx, st_col_int(st, 0)))
			break;
	st_reset(st);
	return rc == ST_ROW || rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_batch_refunds(bzj_db *db, int64_t batch_id, int (*fn)(void *ctx, int64_t id),
			    void *ctx, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   batch_id ? "SELECT id FROM refund WHERE batch_id = ?1 ORDER BY id"
					    : "SELECT id FROM payout_batch WHERE ?1 = 0 ORDER BY id",
				   e);
	return each_id(db, st, batch_id, fn, ctx, e);
}

/* ---- the return file's shop refunds, set-based (issue 15) ------------------ */

int bzj_store_ret_stage_begin(bzj_db *db, bzj_err *e)
{
	/* one temp table per connection, emptied per file (creating it anew
	 * each time would change the temp schema and re-prepare statements) */
	/* PostgreSQL: ord numbered by a sequence (SQLite's INTEGER PRIMARY KEY
	 * is the rowid), paid a boolean (the statements below test it as a
	 * condition), "by" quoted (a reserved word there), no WITHOUT ROWID. */
	int rc = st_is_pg(db)
			 ? st_exec(db, e,
				   "CREATE TEMP TABLE IF NOT EXISTS ret_line(ord bigserial PRIMARY KEY,"
				   " id bigint NOT NULL, shop_id text NOT NULL, paid boolean NOT NULL,"
				   " day bigint, late bigint NOT NULL, amount bigint NOT NULL,"
				   " note text NOT NULL, reason text, \"by\" text NOT NULL)",
				   NULL)
			 : st_exec(db, e,
				   "CREATE TEMP TABLE IF NOT EXISTS ret_line(ord INTEGER PRIMARY KEY,"
				   " id INTEGER NOT NULL, shop_id TEXT NOT NULL, paid INTEGER NOT NULL,"
				   " day INTEGER, late INTEGER NOT NULL, amount INTEGER NOT NULL,"
				   " note TEXT NOT NULL, reason TEXT, by TEXT NOT NULL)",
				   NULL);
	if (!rc)
		rc = st_exec(db, e,
			     st_is_pg(db)
				     ? "CREATE TEMP TABLE IF NOT EXISTS ret_sync(shop_id text PRIMARY KEY,"
				       " ord bigint NOT NULL, cause text NOT NULL, bal bigint NOT NULL,"
				       " req bigint NOT NULL, was bigint NOT NULL)"
				     : "CREATE TEMP TABLE IF NOT EXISTS ret_sync(shop_id TEXT PRIMARY KEY,"
				       " ord INTEGER NOT NULL, cause TEXT NOT NULL, bal INTEGER NOT NULL,"
				       " req INTEGER NOT NULL, was INTEGER NOT NULL) WITHOUT ROWID",
			     NULL);
	if (!rc)
		rc = st_exec(db, e, "DELETE FROM temp.ret_line", NULL);
	if (!rc)
		rc = st_exec(db, e, "DELETE FROM temp.ret_sync", NULL);
	return rc;
}

int bzj_store_ret_stage(bzj_db *db, const bzj_ret_line *l, bzj_err *e)
{
	return st_exec(db, e,
		       st_is_pg(db) ? "INSERT INTO temp.ret_line(id, shop_id, paid, day, late, amount,"
				      " note, reason, \"by\") VALUES (?,?,?,?,?,?,?,?,?)"
				    : "INSERT INTO temp.ret_line(id, shop_id, paid, day, late, amount,"
				      " note, reason, by) VALUES (?,?,?,?,?,?,?,?,?)",
		       "itbDbittt", l->refund_id, l->shop_id, l->paid, l->day, l->late, l->amount_fen,
		       l->note, l->paid ? NULL : l->reason, l->by);
}

int bzj_store_ret_apply(bzj_db *db, bzj_date today, const char *user,
			int (*restricted)(void *ctx, const char *shop_id, bool on, int64_t balance,
					  int64_t required, const char *cause),
			void *ctx, bzj_err *e)
{
	/* the money leaves first, in file order, at each shop's balance now
	 * (a shop has at most one refund in progress, so one line) */
	int rc = st_exec(db, e,
			 "INSERT INTO ledger(shop_id, day, kind, amount_fen, balance_after, payer,"
			 " third_party, ref, note, violation_id, refund_id, user)"
			 " SELECT l.shop_id, ?1, 4, -l.amount, s.balance_fen - l.amount, NULL, 0, NULL,"
			 " l.note, 0, l.id, ?2 FROM temp.ret_line l JOIN shop s ON s.id = l.shop_id"
			 " WHERE l.paid ORDER BY l.ord",
			 "Dt", today, user);
	int64_t n = 0;
	if (!rc)
		rc = st_int(db, e, &n, NULL, "SELECT count(*) FROM temp.ret_line", NULL);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE refund SET status = CASE WHEN l.paid THEN 3 ELSE 6 END,"
			     " paid_by = CASE WHEN l.paid THEN l.by ELSE refund.paid_by END,"
			     " paid_on = CASE WHEN l.paid THEN l.day ELSE refund.paid_on END,"
			     " late = CASE WHEN l.paid THEN l.late ELSE refund.late END,"
			     " failure_reason = CASE WHEN l.paid THEN refund.failure_reason ELSE l.reason END,"
			     " closed_on = CASE WHEN l.paid THEN l.day ELSE ?1 END,"
			     " changed_by = ?2, version = version + 1"
			     " FROM temp.ret_line l WHERE refund.id = l.id AND refund.status = 7",
			     "Dt", today, user);
	if (!rc && st_changes(db) != n)
		rc = bzj_fail(e, BZJ_EBUSY, "conflict.stale",
			      _("a refund of the return file was changed by someone else meanwhile; "
				"nothing was recorded, try again"));
	/* each shop's position after its refund closed: REQUIRED_SQL is the
	 * C rule (tests/unit/test_required.c), with :day = today */
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO temp.ret_sync(shop_id, ord, cause, bal, req, was)"
			     " SELECT s.id, l.ord, CASE WHEN l.paid THEN 'refund paid'"
			     " ELSE 'refund failed' END,"
			     " s.balance_fen - CASE WHEN l.paid THEN l.amount ELSE 0 END, "
			     REQUIRED_SQL ", s.restricted FROM temp.ret_line l JOIN shop s ON s.id = l.shop_id",
			     "D", today);
	/* PostgreSQL: bal < req is a boolean there, written as 0/1 (ST_LT01);
	 * the SQLite text stays as measured (issue 15) */
	bool pg = st_is_pg(db);
	if (!rc)
		rc = st_exec(db, e,
			     pg ? "INSERT INTO restriction_event(shop_id, day, restricted, balance_fen,"
				  " required_fen, cause) SELECT shop_id, ?1, " ST_LT01("bal", "req") ","
				  " bal, req, cause FROM temp.ret_sync"
				  " WHERE " ST_LT01("bal", "req") " <> was ORDER BY ord"
				: "INSERT INTO restriction_event(shop_id, day, restricted, balance_fen,"
				  " required_fen, cause) SELECT shop_id, ?1, bal < req, bal, req, cause"
				  " FROM temp.ret_sync WHERE (bal < req) <> was ORDER BY ord",
			     "D", today);
	/* The balance and the refund in progress change for every shop; the
	 * required deposit and the restriction only for a few, and SQLite
	 * rewrites an index on every column an UPDATE names, so those two are
	 * written only where they moved (two random index pages a shop fewer
	 * at a million shops). */
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE shop SET balance_fen = y.bal, version = version + 1,"
			     " refund_open = COALESCE((SELECT id FROM refund r WHERE r.shop_id = shop.id"
			     "  AND " REFUND_OPEN("r.") "), 0)"
			     " FROM temp.ret_sync y WHERE shop.id = y.shop_id",
			     NULL);
	if (!rc)
		rc = st_exec(db, e,
			     pg ? "UPDATE shop SET required_fen = y.req,"
				  " restricted = " ST_LT01("y.bal", "y.req")
				  " FROM temp.ret_sync y WHERE shop.id = y.shop_id"
				  " AND (shop.required_fen <> y.req"
				  "  OR shop.restricted <> " ST_LT01("y.bal", "y.req") ")"
				: "UPDATE shop SET required_fen = y.req, restricted = y.bal < y.req"
				  " FROM temp.ret_sync y WHERE shop.id = y.shop_id"
				  " AND (shop.required_fen <> y.req OR shop.restricted <> (y.bal < y.req))",
			     NULL);
	if (rc || !restricted)
		return rc;
	st_stmt *st = st_prep(db,
			      pg ? "SELECT shop_id, " ST_LT01("bal", "req") ", bal, req, cause"
				   " FROM temp.ret_sync WHERE " ST_LT01("bal", "req") " <> was ORDER BY ord"
				 : "SELECT shop_id, bal < req, bal, req, cause FROM temp.ret_sync"
				   " WHERE (bal < req) <> was ORDER BY ord",
			      e);
	if (!st)
		return e->rc;
	int sr;
	while ((sr = st_step(st)) == ST_ROW) {
		char shop[33], cause[32];
		st_text(st, 0, shop, sizeof shop);
		st_text(st, 4, cause, sizeof cause);
		if ((rc = restricted(ctx, shop, st_col_int32(st, 1), st_col_int(st, 2),
				     st_col_int(st, 3), cause)))
			break;
	}
	st_reset(st);
	if (rc)
		return rc;
	return sr == ST_DONE ? BZJ_OK : st_error(db, sr, e);
}

int bzj_store_refunds_sealed_with(bzj_db *db, int64_t seq, int (*fn)(void *ctx, int64_t id),
				  void *ctx, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   /* PostgreSQL's rid is text: ordered as the number */
				   st_is_pg(db) ? "SELECT rid FROM seal WHERE tbl = 'refund' AND seq = ?1"
						  " ORDER BY CAST(rid AS bigint)"
						: "SELECT rid FROM seal WHERE tbl = 'refund' AND seq = ?1 ORDER BY rid",
				   e);
	return each_id(db, st, seq, fn, ctx, e);
}

int bzj_store_refund_seal_record(bzj_db *db, int64_t id, const char *action, bzj_audit_rec *r,
				 bool *found, bzj_err *e)
{
	*found = false;
	memset(r, 0, sizeof *r);
	st_stmt *st = st_prep(db,
				   "SELECT a.seq, a.at, a.day, a.user, a.role, a.object, a.after, a.hash"
				   " FROM seal s JOIN audit a ON a.seq = s.seq"
				   " WHERE s.tbl = 'refund' AND s.rid = ?1 AND a.action = ?2",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "it", id, action);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		*found = true;
		r->seq = st_col_int(st, 0);
		st_text(st, 1, r->at, sizeof r->at);
		r->day = st_date(st, 2);
		st_text(st, 3, r->user, sizeof r->user);
		st_text(st, 4, r->role, sizeof r->role);
		st_text(st, 5, r->object, sizeof r->object);
		st_text(st, 6, r->after, sizeof r->after);
		st_text(st, 7, r->hash, sizeof r->hash);
		snprintf(r->action, sizeof r->action, "%s", action);
	}
	st_reset(st);
	return rc == ST_ROW || rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_return_audits(bzj_db *db, int (*fn)(void *ctx, int64_t seq, const char *after),
			    void *ctx, bzj_err *e)
{
	/* audit_return (schema v18) holds exactly these records */
	st_stmt *st = st_prep(db,
				   "SELECT seq, after FROM audit WHERE action = 'payout.return'"
				   " ORDER BY seq",
				   e);
	if (!st)
		return e->rc;
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		const char *a = st_col_text(st, 1);
		if (fn(ctx, st_col_int(st, 0), a ? a : ""))
			break;
	}
	st_reset(st);
	return rc == ST_ROW || rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}
