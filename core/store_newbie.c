/* store_newbie.c - the SQL of the newbie period: scores, risk findings, the
 * newbie state of a shop, and the daily check of every newbie shop as a
 * few set-based statements.  The rule's thresholds are not written here:
 * the check calls the C rule (bzj_newbie_reasons, rules.c) as a registered
 * SQL function, as recompute does with bzj_floating. */
#include <sqlite3.h> /* the fenced SQL functions */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/rules.h"
#include "store_priv.h"

#define TICK_PTR "bzj_newbie_tick"

/* Progress of the check, carried to the SQL function as a bound pointer. */
typedef struct nb_tick {
	bzj_newbie_progress_fn fn;
	void *ctx;
	int64_t done, total;
	bool stopped;
} nb_tick;

/* SQLITE-ONLY BEGIN: registered functions (docs/store-seam.md, "Fenced").
 * bzj_newbie_reasons(score_tenths or NULL, class_b, points, risk_open
 * [, tick]) -> reason bits.  The optional fifth argument reports progress
 * every 16384 rows and may stop the statement. */
static void fn_newbie_reasons(sqlite3_context *c, int n, sqlite3_value **v)
{
	int score = sqlite3_value_type(v[0]) == SQLITE_NULL ? -1 : sqlite3_value_int(v[0]);
	int r = bzj_newbie_reasons(score, sqlite3_value_int(v[1]), sqlite3_value_int(v[2]),
				   sqlite3_value_int(v[3]) != 0);
	if (n == 5) {
		nb_tick *t = sqlite3_value_pointer(v[4], TICK_PTR);
		if (t && (++t->done & 0x3fff) == 0 && t->fn && t->fn(t->ctx, t->done, t->total)) {
			t->stopped = true;
			sqlite3_result_error(c, "interrupted", -1);
			return;
		}
	}
	sqlite3_result_int(c, r);
}

static void fn_newbie_window(sqlite3_context *c, int n, sqlite3_value **v)
{
	(void)n;
	sqlite3_result_int(c, bzj_newbie_window_start(sqlite3_value_int(v[0])));
}

int st_newbie_functions(bzj_db *db, bzj_err *e)
{
	sqlite3 *h = st_sqlite(db);
	int fl = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = sqlite3_create_function(h, "bzj_newbie_reasons", 4, fl, NULL, fn_newbie_reasons,
					 NULL, NULL);
	/* with a progress pointer: not deterministic, it has an effect */
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(h, "bzj_newbie_reasons", 5, SQLITE_UTF8, NULL,
					     fn_newbie_reasons, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(h, "bzj_newbie_window", 1, fl, NULL,
					     fn_newbie_window, NULL, NULL);
	return rc == SQLITE_OK ? BZJ_OK : st_error(db, rc, e);
}
/* SQLITE-ONLY END */

int bzj_store_newbie_get(bzj_db *db, const char *shop_id, bzj_newbie *n, bzj_err *e)
{
	memset(n, 0, sizeof *n);
	n->capped_since = n->last_check = n->graduated = n->risk_opened = BZJ_DATE_NONE;
	st_stmt *st = st_prep(db,
				   "SELECT n.status, " NB_SEEN("n", "p", "capped") ", "
				   NB_SEEN("n", "p", "capped_since") ", " NB_LAST_SEEN("n", "s") ", "
				   NB_SEEN("n", "p", "reasons") ","
				   " n.graduated, n.graduated_by, r.id, r.opened, r.note"
				   " FROM newbie n JOIN shop s ON s.id = n.shop_id" NB_OVERLAY("n", "p")
				   " LEFT JOIN risk r ON r.shop_id = n.shop_id"
				   " AND r.closed IS NULL WHERE n.shop_id = ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", shop_id);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		n->status = st_col_int32(st, 0);
		n->capped = st_col_int32(st, 1) != 0;
		n->capped_since = st_date(st, 2);
		n->last_check = st_date(st, 3);
		n->reasons = st_col_int32(st, 4);
		n->graduated = st_date(st, 5);
		st_text(st, 6, n->graduated_by, sizeof n->graduated_by);
		n->risk_id = st_col_int(st, 7);
		n->risk_opened = st_date(st, 8);
		st_text(st, 9, n->risk_note, sizeof n->risk_note);
	}
	st_reset(st);
	if (rc == ST_DONE)
		return bzj_fail(e, BZJ_ENOTFOUND, "shop.not_found", _("no shop with id %s"), shop_id);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_newbie_direct(bzj_db *db, const char *shop_id, bzj_err *e)
{
	return st_exec(db, e, "UPDATE newbie SET status = 2 WHERE shop_id = ? AND status = 1", "t",
		       shop_id);
}

int bzj_store_newbie_graduate(bzj_db *db, const char *shop_id, bzj_date day, const char *user,
			      bool lift, bzj_err *e)
{
	int rc = BZJ_OK;
	if (lift)
		rc = st_exec(db, e,
			     "INSERT INTO newbie_event(shop_id, day, capped, reasons, cause)"
			     " VALUES (?, ?, 0, 0, 'newbie graduate')",
			     "tD", shop_id, day);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE newbie SET status = 3, graduated = ?2, graduated_by = ?3,"
			     " capped = 0, capped_since = NULL WHERE shop_id = ?1",
			     "tDt", shop_id, day, user);
	return rc;
}

int bzj_store_risk_open(bzj_db *db, const char *shop_id, bzj_date day, const char *user,
			const char *note, int64_t *id, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO risk(shop_id, opened, opened_by, note) VALUES (?,?,?,?)",
			 "tDtt", shop_id, day, user, note);
	if (!rc)
		*id = st_last_id(db);
	return rc;
}

int bzj_store_risk_close(bzj_db *db, int64_t id, bzj_date day, const char *user,
			 const char *note, bzj_err *e)
{
	return st_exec(db, e,
		       "UPDATE risk SET closed = ?2, closed_by = ?3, close_note = ?4 WHERE id = ?1",
		       "iDtt", id, day, user, note);
}

int bzj_store_score_put(bzj_db *db, const char *shop_id, bzj_date day, int tenths, int *existing,
			bzj_err *e)
{
	int64_t old = -1;
	bool found = false;
	int rc = st_int(db, e, &old, &found,
			"SELECT tenths FROM score s WHERE day = ? AND shop_id = ? AND " BULK_VISIBLE("s"),
			"Dt", day, shop_id);
	*existing = found ? (int)old : -1;
	if (rc || found)
		return rc;
	return st_exec(db, e, "INSERT INTO score(day, shop_id, tenths) VALUES (?,?,?)", "Dtd", day,
		       shop_id, tenths);
}

/* A sliced score import (import.c), before its job starts, in a read
 * transaction: each row's shop and the score a reader sees for its day
 * (was: -1 none, -2 no such shop, else the recorded tenths). */
int bzj_store_score_lookup(bzj_db *db, bzj_score_row *rows, size_t n, bzj_err *e)
{
	st_stmt *shop = st_prep(db, "SELECT 1 FROM shop WHERE id = ?", e);
	st_stmt *sc = shop ? st_prep(db,
					  "SELECT tenths FROM score s WHERE day = ? AND shop_id = ?"
					  " AND " BULK_VISIBLE("s"),
					  e)
				: NULL;
	if (!sc)
		return e->rc;
	int rc = ST_DONE;
	for (size_t i = 0; i < n; i++) {
		st_reset(shop);
		st_bind(shop, "t", rows[i].shop_id);
		rc = st_step(shop);
		st_reset(shop);
		if (rc == ST_DONE) {
			rows[i].was = -2;
			continue;
		}
		if (rc != ST_ROW)
			break;
		st_reset(sc);
		st_bind(sc, "Dt", rows[i].day, rows[i].shop_id);
		rc = st_step(sc);
		rows[i].was = rc == ST_ROW ? st_col_int32(sc, 0) : -1;
		st_reset(sc);
		if (rc != ST_ROW && rc != ST_DONE)
			break;
		rc = ST_DONE;
	}
	return rc == ST_DONE || rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

/* The rows with was == -1 as rows of `job`, invisible until it publishes.
 * A row already there (a score another import published meanwhile) fails
 * the slice on the key: the job is abandoned. */
int bzj_store_score_stage(bzj_db *db, int64_t job, const bzj_score_row *rows, size_t n,
			  int64_t *staged, bzj_err *e)
{
	st_stmt *st =
		st_prep(db, "INSERT INTO score(day, shop_id, tenths, job) VALUES (?,?,?,?)", e);
	if (!st)
		return e->rc;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].was != -1)
			continue;
		st_reset(st);
		st_bind(st, "Dtdi", rows[i].day, rows[i].shop_id, rows[i].tenths, job);
		int rc = st_step(st);
		st_reset(st);
		if (rc != ST_DONE)
			return st_error(db, rc, e);
		(*staged)++;
	}
	return BZJ_OK;
}

int bzj_store_score_get(bzj_db *db, const char *shop_id, bzj_date day, int *tenths, bzj_err *e)
{
	int64_t v = -1;
	bool found = false;
	int rc = st_int(db, e, &v, &found,
			"SELECT tenths FROM score s WHERE day = ? AND shop_id = ? AND " BULK_VISIBLE("s"),
			"Dt", day, shop_id);
	*tenths = found ? (int)v : -1;
	return rc;
}

int bzj_store_newbie_last_run(bzj_db *db, bzj_date *day, bool *found, bzj_err *e)
{
	int64_t d = 0;
	int rc = st_int(db, e, &d, found, "SELECT day FROM newbie_run ORDER BY day DESC LIMIT 1",
			NULL);
	*day = *found ? (bzj_date)d : BZJ_DATE_NONE;
	return rc;
}

int bzj_store_newbie_run_get(bzj_db *db, bzj_date day, bzj_newbie_run *r, bool *found,
			     bzj_err *e)
{
	st_stmt *st =
		st_prep(db, "SELECT checked, failed, capped, lifted FROM newbie_run WHERE day = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "D", day);
	int rc = st_step(st);
	*found = rc == ST_ROW;
	if (*found) {
		r->checked = st_col_int(st, 0);
		r->failed = st_col_int(st, 1);
		r->capped = st_col_int(st, 2);
		r->lifted = st_col_int(st, 3);
	}
	st_reset(st);
	return rc == ST_ROW || rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_newbie_count(bzj_db *db, bzj_date day, int64_t *n, bzj_err *e)
{
	/* an upper bound from the index alone (a progress total): the check
	 * itself leaves out shops not open on the day */
	(void)day;
	return st_int(db, e, n, NULL, "SELECT count(*) FROM newbie WHERE status = 1", NULL);
}

/* The check of `day`: every newbie shop's outcome into a temporary table by
 * one statement (the rule is the C function), then the cap transitions
 * logged, the newbie rows updated and the day recorded by one statement
 * each.  :1 is the day, :2 the window's first day, :3 the progress. */
int bzj_store_newbie_check(bzj_db *db, bzj_date day, const char *user,
			   bzj_newbie_progress_fn progress, void *ctx, int64_t total,
			   bzj_newbie_run *r, bzj_err *e)
{
	int rc = st_exec(db, e, "DROP TABLE IF EXISTS temp.nbc", NULL);
	if (rc)
		return rc;
	st_stmt *st = st_prep(
		db,
		"CREATE TEMP TABLE nbc AS SELECT n.shop_id AS id, n.capped AS was,"
		" n.capped_since AS since,"
		" bzj_newbie_reasons(sc.tenths, COALESCE(v.b, 0), COALESCE(v.p, 0),"
		"  r.shop_id IS NOT NULL, ?3) AS now"
		" FROM newbie n JOIN shop s ON s.id = n.shop_id"
		" LEFT JOIN score sc ON sc.day = ?1 AND sc.shop_id = n.shop_id"
		"  AND " BULK_VISIBLE("sc")
		" LEFT JOIN (SELECT shop_id, sum(" ST_01("class = 2") ") AS b, sum(points) AS p FROM violation"
		"  WHERE day BETWEEN ?2 AND ?1 GROUP BY shop_id) v ON v.shop_id = n.shop_id"
		" LEFT JOIN (SELECT DISTINCT shop_id FROM risk WHERE opened <= ?1"
		"  AND (closed IS NULL OR closed > ?1)) r ON r.shop_id = n.shop_id"
		" WHERE n.status = 1 AND s.opened <= ?1 AND (s.closed IS NULL OR s.closed > ?1)",
		e);
	if (!st)
		return e->rc;
	nb_tick t = {progress, ctx, 0, total, false};
	st_bind_int(st, 1, day);
	st_bind_int(st, 2, bzj_newbie_window_start(day));
	/* SQLITE-ONLY BEGIN: the progress tick as a bound pointer */
	if (st_sqlite_stmt(st)) /* PostgreSQL: no tick (its ?3 stays NULL) */
		sqlite3_bind_pointer(st_sqlite_stmt(st), 3, &t, TICK_PTR, NULL);
	/* SQLITE-ONLY END */
	rc = st_step(st);
	st_reset(st); /* and clear the bindings: t lives on this stack */
	if (t.stopped)
		return bzj_fail(e, BZJ_EBUSY, "interrupted", _("interrupted; nothing was written"));
	if (rc != ST_DONE)
		return st_error(db, rc, e);
	st_stmt *cnt = st_prep(db,
				    "SELECT count(*), COALESCE(sum(" ST_01("now <> 0") "), 0),"
				    " COALESCE(sum(" ST_01("now <> 0 AND was = 0") "), 0),"
				    " COALESCE(sum(" ST_01("now = 0 AND was = 1") "), 0) FROM temp.nbc",
				    e);
	if (!cnt)
		return e->rc;
	rc = st_step(cnt);
	if (rc == ST_ROW) {
		r->checked = st_col_int(cnt, 0);
		r->failed = st_col_int(cnt, 1);
		r->capped = st_col_int(cnt, 2);
		r->lifted = st_col_int(cnt, 3);
	}
	st_reset(cnt);
	if (rc != ST_ROW)
		return st_error(db, rc, e);
	rc = st_exec(db, e,
		     "INSERT INTO newbie_event(shop_id, day, capped, reasons, cause)"
		     " SELECT id, ?1 + 1, " ST_01("now <> 0") ", now, 'newbie check' FROM temp.nbc"
		     " WHERE " ST_01("now <> 0") " <> was",
		     "D", day);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE newbie SET capped = " ST_01("nbc.now <> 0") ","
			     " capped_since = CASE WHEN nbc.now = 0 THEN NULL"
			     "  WHEN nbc.was = 1 THEN nbc.since ELSE ?1 + 1 END,"
			     " last_check = ?1, reasons = nbc.now"
			     " FROM temp.nbc WHERE newbie.shop_id = nbc.id",
			     "D", day);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO newbie_run(day, checked, failed, capped, lifted, user)"
			     " VALUES (?,?,?,?,?,?)",
			     "Diiiit", day, r->checked, r->failed, r->capped, r->lifted, user);
	if (!rc)
		rc = st_exec(db, e, "DROP TABLE temp.nbc", NULL);
	return rc;
}

/* The slice after shop `lo`: up to the limit-th newbie shop after it, or
 * the last one (*last).  *hi is "" when no newbie shop follows lo. */
static int nb_range(bzj_db *db, const char *lo, int64_t limit, char *hi, size_t hi_len,
		    bool *last, bzj_err *e)
{
	*hi = 0;
	*last = false;
	st_stmt *st = st_prep(db,
			      "SELECT shop_id FROM newbie WHERE status = 1 AND shop_id > ?"
			      " ORDER BY shop_id LIMIT 1 OFFSET ?",
			      e);
	if (!st)
		return e->rc;
	st_bind(st, "ti", lo, limit - 1);
	int rc = st_step(st);
	if (rc == ST_ROW)
		st_text(st, 0, hi, hi_len);
	st_reset(st);
	if (rc != ST_ROW && rc != ST_DONE)
		return st_error(db, rc, e);
	if (rc == ST_DONE) { /* the last slice: up to the greatest newbie shop */
		*last = true;
		st = st_prep(db, "SELECT max(shop_id) FROM newbie WHERE status = 1", e);
		if (!st)
			return e->rc;
		rc = st_step(st);
		if (rc == ST_ROW && st_col_text(st, 0))
			st_text(st, 0, hi, hi_len);
		st_reset(st);
		if (rc != ST_ROW && rc != ST_DONE)
			return st_error(db, rc, e);
		if (*hi && strcmp(hi, lo) <= 0)
			*hi = 0;
		return BZJ_OK;
	}
	/* the last slice too when no newbie shop follows hi: the job moves on
	 * without one more slice to find nothing */
	int64_t more = 0;
	if ((rc = st_int(db, e, &more, NULL,
			 "SELECT EXISTS (SELECT 1 FROM newbie WHERE status = 1 AND shop_id > ?)", "t",
			 hi)))
		return rc;
	*last = !more;
	return BZJ_OK;
}

/* The sliced check (newbie.c argues the design).  One slice: the newbie
 * shops after `lo`, `limit` of them; their outcome of `day` computed as
 * the one-statement check above does (with the violation and risk
 * look-ups narrowed to the slice's shops, so a slice costs the same at any
 * size) into a temporary table, counted into r, and the shops whose cap,
 * cap date or reasons change staged as rows of `job`; a shop whose
 * outcome is the same only gets its last check's day, which the fold
 * writes and a reader overlays from the job (NB_LAST_SEEN) — staging
 * every shop cost half again the whole old check.  `next` gets the
 * slice's last shop; *done when none follows. */
int bzj_store_newbie_stage(bzj_db *db, int64_t job, bzj_date day, const char *lo, int64_t limit,
			   char *next, size_t next_len, bool *done, bzj_newbie_run *r, bzj_err *e)
{
	char hi[64];
	int rc = nb_range(db, lo, limit, hi, sizeof hi, done, e);
	if (rc || !*hi) {
		*done = true;
		return rc;
	}
	snprintf(next, next_len, "%s", hi);
	/* kept for the connection and emptied per slice, as sync_slice */
	rc = st_exec(db, e,
		     "CREATE TEMP TABLE IF NOT EXISTS nb_slice(id TEXT PRIMARY KEY, was INTEGER,"
		     " since INTEGER, old INTEGER, now INTEGER) WITHOUT ROWID",
		     NULL);
	if (!rc)
		rc = st_exec(db, e, "DELETE FROM temp.nb_slice", NULL);
	/* ?1 day, ?2 the window's first day, ?3 lo, ?4 hi */
	if (!rc)
		rc = st_exec(
			db, e,
			"INSERT INTO temp.nb_slice(id, was, since, old, now)"
			" SELECT n.shop_id, n.capped, n.capped_since, n.reasons,"
			"  bzj_newbie_reasons(sc.tenths, COALESCE(v.b, 0), COALESCE(v.p, 0),"
			"   r.shop_id IS NOT NULL)"
			"  FROM newbie n JOIN shop s ON s.id = n.shop_id"
			"  LEFT JOIN score sc ON sc.day = ?1 AND sc.shop_id = n.shop_id"
			"   AND " BULK_VISIBLE("sc")
			"  LEFT JOIN (SELECT shop_id, sum(" ST_01("class = 2") ") AS b, sum(points) AS p FROM violation"
			"   WHERE shop_id > ?3 AND shop_id <= ?4 AND day BETWEEN ?2 AND ?1"
			"   GROUP BY shop_id) v ON v.shop_id = n.shop_id"
			"  LEFT JOIN (SELECT DISTINCT shop_id FROM risk WHERE shop_id > ?3"
			"   AND shop_id <= ?4 AND opened <= ?1 AND (closed IS NULL OR closed > ?1)) r"
			"   ON r.shop_id = n.shop_id"
			"  WHERE n.status = 1 AND n.shop_id > ?3 AND n.shop_id <= ?4"
			"   AND s.opened <= ?1 AND (s.closed IS NULL OR s.closed > ?1)",
			"Ddtt", day, (int)bzj_newbie_window_start(day), lo, hi);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO newbie_stage(shop_id, job, was, capped, capped_since,"
			     " last_check, reasons)"
			     " SELECT id, ?2, was, " ST_01("now <> 0") ", CASE WHEN now = 0 THEN NULL"
			     "  WHEN was = 1 THEN since ELSE ?1 + 1 END, ?1, now FROM temp.nb_slice"
			     " WHERE now <> old OR " ST_01("now <> 0") " <> was",
			     "Di", day, job);
	if (rc)
		return rc;
	st_stmt *st = st_prep(db,
			      "SELECT count(*), COALESCE(sum(" ST_01("now <> 0") "), 0),"
			      " COALESCE(sum(" ST_01("now <> 0 AND was = 0") "), 0),"
			      " COALESCE(sum(" ST_01("now = 0 AND was = 1") "), 0) FROM temp.nb_slice",
			      e);
	if (!st)
		return e->rc;
	rc = st_step(st);
	if (rc == ST_ROW) {
		r->checked += st_col_int(st, 0);
		r->failed += st_col_int(st, 1);
		r->capped += st_col_int(st, 2);
		r->lifted += st_col_int(st, 3);
	}
	st_reset(st);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

/* Publishing a staged check (with the job's flip and its audit record, in
 * the caller's transaction): the run.  Its cap transitions are logged by
 * the fold, slice by slice; until then a reader sees them in the overlay
 * (check.newbie_log).  A shop that left the period while the job staged
 * is left out of both: a reader no longer overlays it either
 * (NB_OVERLAY). */
int bzj_store_newbie_publish(bzj_db *db, bzj_date day, const char *user,
			     const bzj_newbie_run *r, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO newbie_run(day, checked, failed, capped, lifted, user)"
		       " VALUES (?,?,?,?,?,?)",
		       "Diiiit", day, r->checked, r->failed, r->capped, r->lifted, user);
}

/* One slice of folding a published check into newbie (newbie.c): the
 * newbie shops after the job's progress (bulk_job.upto), `limit` of them:
 * the staged outcomes written over their rows, the day written as the last
 * check of every one open on it, the staged rows deleted.  The last slice
 * marks the job folded (clean = 1) and readers stop overlaying it.  *done
 * when no published check is left to fold. */
int bzj_store_newbie_fold(bzj_db *db, int64_t limit, bool *done, bzj_err *e)
{
	*done = true;
	st_stmt *st = st_prep(db,
			      "SELECT id, m_lo, upto FROM bulk_job WHERE kind = 'newbie.check'"
			      " AND state = 1 AND clean = 0 ORDER BY id LIMIT 1",
			      e);
	if (!st)
		return e->rc;
	int64_t job = 0, day = 0;
	char lo[64] = "";
	int rc = st_step(st);
	if (rc == ST_ROW) {
		job = st_col_int(st, 0);
		day = st_col_int(st, 1);
		st_text(st, 2, lo, sizeof lo);
	}
	st_reset(st);
	if (rc == ST_DONE)
		return BZJ_OK;
	if (rc != ST_ROW)
		return st_error(db, rc, e);
	*done = false;
	char hi[64];
	bool last = false;
	if ((rc = nb_range(db, lo, limit, hi, sizeof hi, &last, e)))
		return rc;
	if (*hi) {
		/* The slice's cap transitions go into the log with its rows (a
		 * reader sees them as the overlay until then: check.newbie_log).
		 * Logged at publish, a day that capped every newbie shop (no
		 * scores imported for it: 114,718 shops at a million) held the
		 * lock for 0.8 s. */
		rc = st_exec(db, e,
			     "INSERT INTO newbie_event(shop_id, day, capped, reasons, cause)"
			     " SELECT p.shop_id, ?4 + 1, p.capped, p.reasons, 'newbie check'"
			     " FROM newbie_stage p JOIN newbie n ON n.shop_id = p.shop_id AND n.status = 1"
			     " WHERE p.job = ?1 AND p.shop_id > ?2 AND p.shop_id <= ?3"
			     " AND p.capped <> p.was ORDER BY p.shop_id",
			     "ittD", job, lo, hi, (int)day);
		/* both bounds on both tables: with only the upper one SQLite
		 * walked newbie from its first shop in every slice */
		if (!rc)
			rc = st_exec(db, e,
				     "UPDATE newbie SET last_check = ?4,"
				     " capped = CASE WHEN p.shop_id IS NULL THEN newbie.capped ELSE p.capped END,"
				     " capped_since = CASE WHEN p.shop_id IS NULL THEN newbie.capped_since"
				     "  ELSE p.capped_since END,"
				     " reasons = CASE WHEN p.shop_id IS NULL THEN newbie.reasons ELSE p.reasons END"
				     " FROM shop s LEFT JOIN newbie_stage p ON p.shop_id = s.id AND p.job = ?1"
				     "  AND p.shop_id > ?2 AND p.shop_id <= ?3"
				     " WHERE newbie.status = 1 AND newbie.shop_id > ?2 AND newbie.shop_id <= ?3"
				     " AND s.id = newbie.shop_id AND s.opened <= ?4"
				     " AND (s.closed IS NULL OR s.closed > ?4)",
				     "ittD", job, lo, hi, (int)day);
		if (!rc)
			rc = st_exec(db, e,
				     "DELETE FROM newbie_stage WHERE job = ? AND shop_id > ?"
				     " AND shop_id <= ?",
				     "itt", job, lo, hi);
	}
	if (!rc && (last || !*hi)) /* shops staged then out of the period: theirs go too */
		rc = st_exec(db, e, "DELETE FROM newbie_stage WHERE job = ?", "i", job);
	if (!rc)
		rc = st_exec(db, e, "UPDATE bulk_job SET upto = ?2, clean = ?3 WHERE id = ?1", "itb",
			     job, *hi ? hi : lo, (int)(last || !*hi));
	return rc;
}

/* An abandoned check's staged rows, `limit` at a time (bulk clean-up). */
int st_newbie_stage_clean(bzj_db *db, int64_t job, int64_t limit, bool *empty, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "DELETE FROM newbie_stage WHERE job = ?1 AND shop_id IN"
			 " (SELECT shop_id FROM newbie_stage WHERE job = ?1 ORDER BY shop_id LIMIT ?2)",
			 "ii", job, limit);
	*empty = !rc && st_changes(db) == 0;
	return rc;
}
