/* store_bulk.c - bulk jobs that write in slices and publish at the end
 * (issue 13).  The design, and why it keeps the desk responsive:
 *
 * SQLite has one writer.  A month-start job that writes a million rows in
 * one transaction holds the write lock for seconds, and every operator's
 * BEGIN IMMEDIATE waits behind it.  So a bulk job here writes in slices:
 * short transactions of a few thousand rows (core/bulk.c sizes them to a
 * time budget), releasing the lock between them so a waiting operator gets
 * in.  Slicing alone would let readers see a half-written month; so every
 * row a job writes carries its id (bulk_job.id) and is invisible until the
 * job is published:
 *
 *   staging (state 0)  rows tagged with the job go in slice by slice; no
 *                      reader query sees them (BULK_VISIBLE in
 *                      store_priv.h: job 0 or a published job);
 *   published (1)      one small transaction flips the state, with the
 *                      job's audit record: the whole month's figures or the
 *                      whole file become visible at once;
 *   abandoned (2)      a job that crashed, was interrupted or failed; the
 *                      next bulk run deletes its rows in slices, and then
 *                      the job itself.
 *
 * Publishing is a pointer switch, not a copy: a (shop, month) may have an
 * older published version and a newer one; readers take the newest
 * published (the job is the last key column, ids only grow).  A crash
 * mid-way leaves a staging job that nothing reads; a re-run of the same
 * job (same kind and argument) abandons it and starts clean; a staging job
 * whose heartbeat is older than BULK_STALE_S seconds is taken as dead by
 * any bulk run.
 *
 * Which bulk writers are sliced (issue 13), and which are not yet (each
 * writer's own comment has its measurement and reasons):
 *  - deposit recompute: sliced (deposit.c); its re-sync of requirements
 *    too, through the scheduled date (svc_catch_up, `deposit sync`);
 *  - import gmv: sliced (import.c);
 *  - import scores: sliced (import.c, scores_write): checked against the
 *    recorded scores in a read transaction, staged as job-tagged rows,
 *    published by the flip; one at a time (bzj_store_job_live:
 *    bulk.running while the first run's process lives);
 *  - standards load: a few dozen rows in one transaction; the re-sync of
 *    every shop, the part that grows with the database, is sliced above
 *    5,000 shops (deposit.c);
 *  - calendar load: at most 366 rows a year, one short transaction (every
 *    year of holidays.tsv in 60-70 ms, process included; holidays.c);
 *  - demo: writes only into an empty database (it refuses any other), so
 *    no operator shares its lock; one transaction keeps it all or nothing;
 *  - newbie check: sliced (newbie.c): its outcome is current state, so
 *    it is staged in newbie_stage as rows of the job, published with the
 *    cap transitions and the run, then folded into newbie in slices while
 *    readers overlay the published rows (NB_OVERLAY in store_priv.h); one
 *    at a time like scores;
 *  - assessment close: sliced (assess.c, close_sliced): read without the
 *    lock, results staged in slices (unread while the assessment is open),
 *    published with the revocations and the close once nothing it read
 *    has moved; a dead run's results are deleted by the clean-up (by the
 *    assessment, m_lo, while it is still open);
 *  - import orders: sliced (import.c, orders_write): staged as job-tagged
 *    versions of (shop, day) rows, a re-imported day with the later days
 *    whose running sums it moves, published by the flip; one at a time
 *    like scores; the clean-up walks shops from the job's first day;
 *  - import of shops, top-ups and violations: not staged (their rows
 *    are whole service calls, each with its audit record) but applied in
 *    slices of whole rows with a resumable import_run record, one run of
 *    a kind at a time through a job with no rows (import.c above
 *    row_shop); first tried whole in one transaction while no operator
 *    waits (import.c, rowwise_trial). */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "bzj/fsafe.h"
#include "store_priv.h"

#define BULK_STALE_S 600

int bzj_store_job_start(bzj_db *db, const char *kind, const char *arg, bzj_month m_lo,
			bzj_month m_hi, const char *user, bzj_date day, int64_t *id, bzj_err *e)
{
	int64_t now = (int64_t)time(NULL);
	/* the same job run again supersedes its unfinished predecessor; any
	 * job silent for BULK_STALE_S is dead */
	int rc = st_exec(db, e,
			 "UPDATE bulk_job SET state = 2 WHERE state = 0"
			 " AND ((kind = ?1 AND arg = ?2) OR beat < ?3)",
			 "tti", kind, arg, now - BULK_STALE_S);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO bulk_job(kind, arg, user, started, beat, m_lo, m_hi, pid, host)"
			     " VALUES (?,?,?,?,?,?,?,?,?)",
			     "tttDiddit", kind, arg, user, day, now, (int)m_lo, (int)m_hi,
			     (int64_t)getpid(), host);
	if (!rc)
		*id = st_last_id(db);
	return rc;
}

/* A staging job of `kind` that is still running: its process is alive
 * (on this host: kill(pid, 0); a job of another host by its heartbeat,
 * younger than BULK_STALE_S).  A job whose process is gone on this host
 * is marked abandoned here, so a re-run after a crash or kill -9 starts
 * at once.  Inside the caller's write transaction. */
int bzj_store_job_live(bzj_db *db, const char *kind, bool *live, char *user, size_t user_len,
		       int64_t *pid, bzj_err *e)
{
	*live = false;
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	int64_t now = (int64_t)time(NULL);
	st_stmt *st = st_prep(db,
				   "SELECT id, user, pid, host, beat FROM bulk_job"
				   " WHERE kind = ? AND state = 0 ORDER BY id",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", kind);
	int64_t dead[16];
	int ndead = 0, rc;
	while ((rc = st_step(st)) == ST_ROW) {
		int64_t id = st_col_int(st, 0), p = st_col_int(st, 2);
		const char *h = st_col_text(st, 3);
		bool here = h && !strcmp(h, host) && p > 0;
		bool gone = here && kill((pid_t)p, 0) != 0 && errno == ESRCH;
		if (gone || (!here && st_col_int(st, 4) < now - BULK_STALE_S)) {
			if (ndead < 16)
				dead[ndead++] = id;
			continue;
		}
		if (!*live) {
			*live = true;
			st_text(st, 1, user, user_len);
			*pid = p;
		}
	}
	st_reset(st);
	if (rc != ST_DONE)
		return st_error(db, rc, e);
	rc = BZJ_OK;
	for (int i = 0; !rc && i < ndead; i++)
		rc = bzj_store_job_abandon(db, dead[i], e);
	return rc;
}

int bzj_store_job_beat(bzj_db *db, int64_t id, bzj_err *e)
{
	return st_exec(db, e, "UPDATE bulk_job SET beat = ? WHERE id = ?", "ii",
		       (int64_t)time(NULL), id);
}

int bzj_store_job_publish(bzj_db *db, int64_t id, int64_t rows, bool *published, bzj_err *e)
{
	int rc = st_exec(db, e, "UPDATE bulk_job SET state = 1, rows = ? WHERE id = ? AND state = 0",
			 "ii", rows, id);
	*published = !rc && st_changes(db) == 1;
	return rc;
}

int bzj_store_job_drop(bzj_db *db, int64_t id, bzj_err *e)
{
	return st_exec(db, e, "DELETE FROM bulk_job WHERE id = ?", "i", id);
}

int bzj_store_job_abandon(bzj_db *db, int64_t id, bzj_err *e)
{
	return st_exec(db, e, "UPDATE bulk_job SET state = 2 WHERE id = ? AND state = 0", "i", id);
}

/* An abandoned job's rows, without an index on the job (store.c, v14):
 * they are (shop, month, job) keys with the month in the job's m_lo..m_hi
 * and the shop any shop, so a slice walks `limit` shops by rowid from
 * where the last one stopped (bulk_job.clean) and deletes by key lookups:
 * a slice costs the same at a million shops as at a thousand, and the
 * whole clean-up one pass over the shops per month of the job. */
int bzj_store_job_cleanup(bzj_db *db, int64_t limit, bool *done, bzj_err *e)
{
	*done = true;
	st_stmt *st = st_prep(db,
				   "SELECT id, m_lo, m_hi, clean, kind = 'import.scores', kind = 'sync',"
				   " kind = 'newbie.check', kind = 'assess.close', kind = 'import.orders'"
				   " FROM bulk_job WHERE state = 2 ORDER BY id LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	int64_t job = 0, lo = 0, m_lo = 0, m_hi = 0;
	bool scores = false, newbie = false, assess = false, orders = false;
	int rc = st_step(st);
	if (rc == ST_ROW) {
		job = st_col_int(st, 0);
		m_lo = st_col_int(st, 1);
		m_hi = st_col_int(st, 2);
		lo = st_col_int(st, 3);
		scores = st_col_int32(st, 4) != 0;
		if (st_col_int32(st, 5))
			lo = INT64_MAX; /* a re-sync writes no job rows: only the job goes */
		newbie = st_col_int32(st, 6) != 0;
		assess = st_col_int32(st, 7) != 0;
		orders = st_col_int32(st, 8) != 0;
	}
	st_reset(st);
	if (rc != ST_ROW && rc != ST_DONE)
		return st_error(db, rc, e);
	if (rc == ST_DONE)
		return BZJ_OK;
	*done = false;
	if (newbie || assess) { /* their own tables, by their keys */
		bool empty = false;
		rc = newbie ? st_newbie_stage_clean(db, job, limit, &empty, e)
			    : st_assess_results_clean(db, m_lo, limit, &empty, e);
		if (!rc && empty)
			rc = st_exec(db, e, "DELETE FROM bulk_job WHERE id = ?", "i", job);
		return rc;
	}
	int64_t max = 0;
	if ((rc = bzj_store_shop_rowid_max(db, &max, e)))
		return rc;
	if (scores) {
		/* A score job's m_lo..m_hi are days (score is keyed by day,
		 * shop): `clean` is the day reached (high 32 bits, from m_lo)
		 * and the shop rowid within it, so each slice is key lookups
		 * of one day over `limit` shops. */
		int64_t d = m_lo + (lo >> 32), r = lo & 0xffffffff;
		if (d > m_hi)
			return st_exec(db, e, "DELETE FROM bulk_job WHERE id = ?", "i", job);
		int64_t hi = r + limit;
		rc = st_exec(db, e,
			     "DELETE FROM score WHERE day = ?1 AND job = ?2"
			     " AND shop_id IN (SELECT id FROM shop WHERE rowid > ?3 AND rowid <= ?4)",
			     "iiii", d, job, r, hi);
		int64_t next = hi >= max ? ((d - m_lo + 1) << 32) : (((d - m_lo) << 32) | hi);
		if (!rc)
			rc = st_exec(db, e, "UPDATE bulk_job SET clean = ? WHERE id = ?", "ii", next,
				     job);
		return rc;
	}
	if (lo >= max)
		return st_exec(db, e, "DELETE FROM bulk_job WHERE id = ?", "i", job);
	int64_t hi = lo + limit;
	if (orders) {
		/* An orders job's rows are (shop, day, job) keys with the day
		 * from m_lo (its first day) on: the file's days and the later
		 * days a re-imported one moved, so each shop is one range of
		 * its key from m_lo. */
		rc = st_exec(db, e,
			     "DELETE FROM shop_orders WHERE job = ?1 AND day >= ?2"
			     " AND shop_id IN (SELECT id FROM shop WHERE rowid > ?3 AND rowid <= ?4)",
			     "iiii", job, m_lo, lo, hi);
		if (!rc)
			rc = st_exec(db, e, "UPDATE bulk_job SET clean = ? WHERE id = ?", "ii", hi,
				     job);
		return rc;
	}
	rc = st_exec(db, e,
		     "DELETE FROM floating WHERE job = ?1 AND month BETWEEN ?2 AND ?3"
		     " AND shop_id IN (SELECT id FROM shop WHERE rowid > ?4 AND rowid <= ?5)",
		     "iiiii", job, m_lo, m_hi, lo, hi);
	/* one month at a time: a row-value IN over (month, shop_id, job) would
	 * use the key's month only and scan the whole month */
	for (int64_t m = m_lo; !rc && m <= m_hi; m++)
		rc = st_exec(db, e,
			     "DELETE FROM gmv WHERE job = ?1 AND month = ?2"
			     " AND shop_id IN (SELECT id FROM shop WHERE rowid > ?3 AND rowid <= ?4)",
			     "iiii", job, m, lo, hi);
	if (!rc)
		rc = st_exec(db, e, "UPDATE bulk_job SET clean = ? WHERE id = ?", "ii", hi, job);
	return rc;
}

int bzj_store_job_pending(bzj_db *db, int64_t *staging, int64_t *abandoned, bzj_err *e)
{
	int rc = st_int(db, e, staging, NULL, "SELECT count(*) FROM bulk_job WHERE state = 0",
			NULL);
	if (!rc)
		rc = st_int(db, e, abandoned, NULL,
			    "SELECT count(*) FROM bulk_job WHERE state = 2", NULL);
	return rc;
}

int bzj_store_shop_rowid_max(bzj_db *db, int64_t *max, bzj_err *e)
{
	return st_int(db, e, max, NULL, "SELECT COALESCE(max(rowid), 0) FROM shop", NULL);
}

/* The stage statement's shape: the shops with rowid in (lo, hi], open
 * and opened before the effective day, with the newest published GMV of
 * the month before.  "LIMIT -1" keeps SQLite from flattening the subquery,
 * which would look the GMV up once for every use of it. */
#define FLOATING_STAGE_SQL(where)                                                                  \
	"INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective, job)"              \
	" SELECT id, ?1, gmv, bzj_floating(gmv), ?3, ?4 FROM"                                      \
	" (SELECT s.id AS id, COALESCE((SELECT g.gmv_fen FROM gmv g WHERE g.month = ?2"            \
	"   AND g.shop_id = s.id AND " BULK_VISIBLE("g") " ORDER BY g.job DESC LIMIT 1),"          \
	"   0) AS gmv FROM shop s WHERE s.rowid > ?5 AND s.rowid <= ?6"                            \
	"   AND s.status = 1 AND s.opened < ?3 LIMIT -1) n"                                        \
	" WHERE " where " ON CONFLICT(shop_id, month, job) DO NOTHING"

int bzj_store_floating_stage(bzj_db *db, int64_t job, bzj_month month, bzj_date effective,
			     bool compare, int64_t lo, int64_t hi, int64_t *staged, bzj_err *e)
{
	/* compare: stage only the shops whose figure differs from the one
	 * readers see now, so a re-run with the same GMV stages nothing and
	 * counts nothing, as the single upsert did.  That is a second key
	 * lookup for every shop (the upsert found the old row with the same
	 * lookup that inserts); when no reader can see any figure of the
	 * month (bzj_store_floating_month_seen) every shop differs, and the
	 * lookup is left out: the first recompute of a month, the one that
	 * runs at month-start, costs what the single statement did. */
	/* PostgreSQL has no row-value scalar subquery (the SQLite text, kept
	 * byte-identical for its benchmark, fails with "subquery must return
	 * only one column"): the newest visible figure as one ROW() compared
	 * with IS DISTINCT FROM, NULL (no figure yet) differing as in SQLite. */
	if (compare && st_is_pg(db)) {
		int rc = st_exec(db, e,
				 FLOATING_STAGE_SQL(
					 "(SELECT ROW(f.gmv_fen, f.floating_fen, f.effective) FROM floating f"
					 "  WHERE f.shop_id = n.id AND f.month = ?1 AND " BULK_VISIBLE(
						 "f") "  ORDER BY f.job DESC LIMIT 1)"
						      " IS DISTINCT FROM ROW(gmv, bzj_floating(gmv),"
						      " CAST(?3 AS bigint))"),
				 "ddDiii", (int)month, (int)month - 1, effective, job, lo, hi);
		if (!rc)
			*staged = st_changes(db);
		return rc;
	}
	int rc = compare ? st_exec(db, e,
				   FLOATING_STAGE_SQL(
					   "(SELECT f.gmv_fen, f.floating_fen, f.effective FROM floating f"
					   "  WHERE f.shop_id = n.id AND f.month = ?1 AND " BULK_VISIBLE(
						   "f") "  ORDER BY f.job DESC LIMIT 1)"
							" IS NOT (gmv, bzj_floating(gmv), ?3)"),
				   "ddDiii", (int)month, (int)month - 1, effective, job, lo, hi)
			 : st_exec(db, e, FLOATING_STAGE_SQL("true"), "ddDiii", (int)month,
				   (int)month - 1, effective, job, lo, hi);
	if (!rc)
		*staged = st_changes(db);
	return rc;
}

int bzj_store_floating_month_seen(bzj_db *db, bzj_month month, const char *arg, bool *seen,
				  bzj_err *e)
{
	/* A figure of the month a reader may see was written either by a
	 * published recompute of it or with job 0 (by `demo`, or before
	 * schema 14): the partial index floating_month0 answers the latter
	 * with one lookup, and staged rows (job <> 0) never enter it. */
	int64_t n = 0;
	int rc = st_int(db, e, &n, NULL,
			"SELECT EXISTS (SELECT 1 FROM floating WHERE month = ?1 AND job = 0)"
			" OR EXISTS (SELECT 1 FROM bulk_job WHERE kind = 'recompute' AND arg = ?2"
			" AND state = 1)",
			"dt", (int)month, arg);
	*seen = n != 0;
	return rc;
}

int bzj_store_floating_count(bzj_db *db, bzj_date effective, int64_t *shops, bzj_err *e)
{
	return st_int(db, e, shops, NULL,
		      "SELECT count(*) FROM shop WHERE status = 1 AND opened < ?", "D", effective);
}

int bzj_store_sync_slice(bzj_db *db, bzj_date day, const char *cause, int64_t lo, int64_t hi,
			 int64_t *changed, bzj_err *e)
{
	/* bzj_store_sync_all for the shops with rowid in (lo, hi].  The temp
	 * table lives as long as the connection and is emptied per slice:
	 * creating and dropping it in every slice changed the temp schema
	 * each time, so every statement over it was prepared again.  Keyed
	 * by the shop's rowid, the update finds each shop by rowid, not
	 * through the index on its id.  The update names the slice's range
	 * itself: the temp table has no statistics, and without the range
	 * SQLite scanned every shop for each slice and looked the temp table
	 * up (quadratic: 0.73 s at 20,000 shops against 0.21 s in one pass,
	 * and minutes at a million). */
	int rc = st_exec(db, e,
			 "CREATE TEMP TABLE IF NOT EXISTS sync_slice(sid INTEGER PRIMARY KEY,"
			 " id TEXT NOT NULL, bal INTEGER, req INTEGER, was INTEGER, oldreq INTEGER)",
			 NULL);
	if (!rc)
		rc = st_exec(db, e, "DELETE FROM temp.sync_slice", NULL);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO temp.sync_slice(sid, id, bal, req, was, oldreq)"
			     " SELECT s.rowid, s.id, s.balance_fen, " REQUIRED_SQL ", s.restricted,"
			     " s.required_fen FROM shop s WHERE s.rowid > ?2 AND s.rowid <= ?3",
			     "Dii", day, lo, hi);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO restriction_event(shop_id, day, restricted, balance_fen,"
			     " required_fen, cause) SELECT id, ?1, " ST_LT01("bal", "req") ", bal, req, ?2"
			     " FROM temp.sync_slice WHERE " ST_LT01("bal", "req") " <> was",
			     "Dt", day, cause);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE shop SET required_fen = y.req, restricted = " ST_LT01("y.bal", "y.req") ","
			     " version = version + 1 FROM temp.sync_slice AS y WHERE shop.rowid = y.sid"
			     " AND shop.rowid > ?1 AND shop.rowid <= ?2"
			     " AND (y.req <> y.oldreq OR " ST_LT01("y.bal", "y.req") " <> y.was)",
			     "ii", lo, hi);
	if (!rc)
		*changed = st_changes(db);
	return rc;
}

int bzj_store_shop_total(bzj_db *db, int64_t *n, bzj_err *e)
{
	return st_int(db, e, n, NULL, "SELECT n FROM shop_total", NULL);
}

/* Bulk mode (bulk.c): the connection's automatic checkpoint would run
 * inside the COMMIT of a slice, so the slicer would time it as lock time
 * and shrink its slices for nothing (the checkpoint runs after the write
 * lock is released).  Instead the driver only notes the WAL's size and the
 * slicer checkpoints in its gap, every CKPT_FRAMES frames, which also
 * keeps the backlog an operator's own commit might checkpoint small (a
 * server checkpoints by itself: its driver has neither operation).
 *
 * The operator's side (st_desk_checkpoint).  SQLite's automatic
 * checkpoint runs in the COMMIT of whichever connection finds the WAL
 * at CKPT_FRAMES frames or more, counting frames already copied back:
 * the WAL restarts only when a write begins after a complete checkpoint.
 * While a job runs, a slice leaves a thousand frames or more, so an
 * operator whose write got in between that slice and the job's own
 * checkpoint found the WAL "full" at its commit and ran a checkpoint
 * itself: copying its frames and two fsyncs on a disk the job keeps
 * busy, 40-250 ms added to a 30 ms top-up (measured at 200,000 shops,
 * the recompute on the 2nd: worst 156 ms against 46 ms idle; the write
 * lock itself was never held longer than one slice).  So an operator's
 * write transaction looks (one lookup in the small bulk_job table)
 * whether a job is staging, and while one is its connection leaves the
 * checkpoint to the job, which does it between slices anyway; only a WAL
 * grown past DESK_CKPT_JOB_FRAMES (the job stopped without finishing,
 * say) is checkpointed by the operator. */
#define CKPT_FRAMES BZJ_BULK_CKPT_FRAMES
#define DESK_CKPT_JOB_FRAMES 50000

void st_desk_checkpoint(bzj_db *db)
{
	if (db->bulk)
		return;
	int64_t staging = 0;
	bzj_err ig;
	if (st_int(db, &ig, &staging, NULL,
		   "SELECT EXISTS (SELECT 1 FROM bulk_job WHERE state <> 1 AND state = 0)", NULL))
		return; /* before schema 15: no jobs */
	int want = staging ? DESK_CKPT_JOB_FRAMES : CKPT_FRAMES;
	if (db->ckpt != want) {
		if (db->drv->autocheckpoint)
			db->drv->autocheckpoint(db->conn, want);
		db->ckpt = want;
	}
}


void bzj_db_bulk_mode(bzj_db *db, bool on)
{
	db->wal_frames = 0;
	db->bulk = on;
	db->ckpt = on ? 0 : CKPT_FRAMES;
	if (db->drv->bulk_mode)
		db->drv->bulk_mode(db->conn, on, &db->wal_frames);
}

void bzj_db_bulk_checkpoint(bzj_db *db)
{
	if (db->wal_frames < CKPT_FRAMES || !db->drv->checkpoint)
		return;
	db->drv->checkpoint(db->conn);
	db->wal_frames = 0;
}

/* The desk's signal (issue 13).  A bulk job's slice holds the write lock
 * for its whole length, so the slice length is what an operator's write
 * may wait; 25 ms slices keep that wait small, but each slice's commit
 * writes every page it touched to the WAL, and an import whose rows
 * scatter over the file (a top-up dirties about seven pages: the shop,
 * its index entries, the ledger, the seal...) wrote its pages again in
 * slice after slice: 142,773 WAL writes for 20,000 top-ups at a million
 * shops against 65,055 in one transaction, +60-80% of wall time.
 *
 * So the waiting side says that it waits.  SQLite tells a writer nothing
 * about who queues for its lock, so an operator's connection, each time
 * its busy handler polls (every millisecond, store_sqlite.c), writes the
 * time into a small file beside the database, `<db>-desk` (8 bytes: a
 * CLOCK_MONOTONIC time in microseconds, which every process of the host
 * shares).  A job that can stop between two rows (the row-wise imports,
 * import.c) reads it before each row: a poll since its slice began ends
 * the slice at once (commit, then the gap), and a slice nobody waited
 * for is followed by the next without the gap.  The job pays one pread a
 * row (about a microsecond), the operator one pwrite a millisecond of
 * waiting.
 *
 * Measured at a million shops, 20,000 top-ups, quiet machine: alone
 * 5.7 s against 6.1-7.0 s without the signal (the gaps); an operator's
 * top-up every 50 ms during it waited at worst 69.6 and 83.1 ms (p99 64.0
 * and 28.8, median 15 ms) against 82-195 ms before.  Slices that grew to
 * 80 ms while nobody waited were tried and not kept: the job took 4.8-5.5
 * s alone, but an operator arriving mid-slice then waited for the big
 * slice's commit and its checkpoint's I/O (worst 107-195 ms, p99 81-88).
 *
 * Why a file and these rules: like the -wal and -shm it lives and dies
 * with the database's folder, takes the database's mode (bzj_fs_db_mode,
 * group bzj in a shared install) and is checked as they are
 * (bzj_fs_check_db); plain pread/pwrite, not a mapping, so a truncated or
 * replaced file cannot fault the process.  It is a hint only: a torn or
 * stale value ends one slice early or lets one run to its 25 ms budget,
 * never more, and nothing the file says is trusted for data.  A file bzj
 * cannot trust (another owner and group, writable by others, not a
 * regular file) is not used, and then jobs leave the gap after every
 * slice, as before. */
void st_desk_open(bzj_db *db)
{
	db->desk = 0;
	if (st_is_pg(db) || !db->drv->desk_attach || (db->flags & BZJ_OPEN_READONLY) ||
	    !strcmp(db->path, ":memory:"))
		return;
	char real[4096], side[4096 + 8];
	if (bzj_fs_resolve(db->path, real, sizeof real) != 0)
		return;
	snprintf(side, sizeof side, "%s-desk", real);
	int fd = st_create_db_file(side, O_RDWR);
	if (fd < 0 && errno == EEXIST)
		fd = open(side, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & S_IWOTH) ||
	    (sb.st_uid != geteuid() && sb.st_gid != getegid())) {
		close(fd);
		return;
	}
	db->desk = fd + 1;
	db->drv->desk_attach(db->conn, fd);
}

void st_desk_close(bzj_db *db)
{
	if (db->desk)
		close(db->desk - 1);
	db->desk = 0;
}

int64_t bzj_db_desk_now(void)
{
	struct timespec m;
	clock_gettime(CLOCK_MONOTONIC, &m);
	return (int64_t)m.tv_sec * 1000000 + m.tv_nsec / 1000;
}

int64_t bzj_db_desk_last(bzj_db *db)
{
	if (!db || !db->desk)
		return -1;
	int64_t us = 0;
	if (pread(db->desk - 1, &us, sizeof us, 0) != (ssize_t)sizeof us)
		return 0; /* empty: nobody has waited yet */
	return us;
}
