/* bulk.c - the slicing loop of bulk jobs (issue 13; the storage side and
 * the visibility rule are argued in store_bulk.c).
 *
 * How long a slice may hold the write lock: an operator's write that
 * arrives while a slice runs waits for the rest of that slice, then gets
 * in during the gap the job leaves before its next slice (the connection's
 * busy handler polls every millisecond, store.c).  So the worst extra wait
 * is about one slice plus one poll.  Slices aim at SLICE_TARGET_MS and
 * adapt their row count to the time the last one took (growing by at
 * most a quarter), so a slow disk or a loaded machine shrinks them.
 *
 * Measured at 200,000 shops on the shared two-core machine (load 4-7 from
 * other work), the recompute on the 2nd with a lock-time log of every
 * transaction: at 40 ms with doubling, slices held the lock for up to
 * 60-140 ms when the CPU was taken from the job mid-slice, and an operator
 * waiting behind four slices in a row (117 ms) had missed every 1.5 ms
 * gap: its 1 ms poll woke too late on a loaded machine.  So the target is
 * 25 ms, leaving room for a slice stretched three or four times by the
 * scheduler inside 100 ms, and the gap 3 ms.  The cost: more commits, about
 * 5% more CPU for the recompute (2.1 s against 2.0 s user at 200,000
 * shops), and 3 ms a slice of wall time.  The other half of the wait an
 * operator saw was its own commit checkpointing the job's WAL (40-250 ms):
 * see st_desk_checkpoint in store_bulk.c.
 *
 * BZJ_TEST_SLICE_HOLD=FILE (tests only): the job stops between slices,
 * with the lock released, so a test can look from another process while
 * it is half-way.  Slice boundaries are counted over the whole run, from
 * 1; while FILE holds a number K, the job passes boundaries before the
 * Kth and waits at the Kth (and later ones) until FILE is gone or holds a
 * higher number, saying where it waits by writing the boundary's number
 * to FILE.held.  A test thus steps the job from point to point whatever
 * the machine's load (a sleep of a few seconds between slices raced with
 * the test's own commands on a loaded machine).  Ctrl-C ends the wait.
 * BZJ_TEST_SLICE_ROWS: at most that many rows a slice, so the crash
 * suite's small files still run in many slices.  (Either turns off the
 * row-wise imports' trial, import.c, which has BZJ_TEST_TRIAL_HOLD: the
 * same hold before its Kth row, counted from 1.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service.h"

#define SLICE_TARGET_MS 25
#define SLICE_GAP_US 3000
#define SLICE_MIN_ROWS 64
#define SLICE_MAX_ROWS 200000
#define SLICE_MIN_ROWS_TEST 1

/* the desk signal's clock: a slice's start is compared with an
 * operator's poll (svc_slice_yield) */
static int64_t now_us(void)
{
	return bzj_db_desk_now();
}

static void sleep_us(int64_t us)
{
	struct timespec t = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

void svc_slice_init(svc_slicer *s, bzj_ctx *x, int64_t first_rows)
{
	s->x = x;
	bzj_db_bulk_mode(x->db, true);
	s->rows = first_rows;
	s->slices = 0;
	s->worst_us = 0;
	s->t0 = 0;
	s->yields = s->cut = false;
	s->waited = true;
	s->hold = getenv("BZJ_TEST_SLICE_HOLD");
	const char *p = getenv("BZJ_TEST_SLICE_ROWS");
	s->max_rows = p ? atoi(p) : 0;
	if (s->max_rows < SLICE_MIN_ROWS_TEST || s->max_rows > SLICE_MAX_ROWS)
		s->max_rows = SLICE_MAX_ROWS;
	if (s->rows > s->max_rows)
		s->rows = s->max_rows;
}

void svc_slice_yielding(svc_slicer *s)
{
	s->yields = bzj_db_desk_last(s->x->db) >= 0;
}

bool svc_slice_yield(svc_slicer *s)
{
	if (!s->yields)
		return false;
	if (!s->cut && svc_slice_waited(s))
		s->cut = true;
	return s->cut;
}

void svc_slice_finish(svc_slicer *s)
{
	bzj_db_bulk_mode(s->x->db, false);
}

void svc_test_hold(bzj_ctx *x, const char *file, long b)
{
	char held[4200];
	snprintf(held, sizeof held, "%s.held", file);
	bool told = false;
	while (!(x->interrupted && *x->interrupted)) {
		FILE *f = fopen(file, "r");
		if (!f)
			return;
		long k = 1;
		if (fscanf(f, "%ld", &k) != 1)
			k = 1;
		fclose(f);
		if (b < k)
			return;
		if (!told) {
			f = fopen(held, "w");
			if (f) {
				fprintf(f, "%ld\n", b);
				fclose(f);
			}
			told = true;
		}
		sleep_us(5000);
	}
}

void svc_slice_give_way(const svc_slicer *s)
{
	/* until no operator has polled for 5 ms (it has the lock, or gave
	 * up), at most 100 ms: a 3 ms gap alone could pass unseen by an
	 * operator whose poll the scheduler delays */
	int64_t t0 = now_us();
	do
		sleep_us(SLICE_GAP_US);
	while (now_us() - bzj_db_desk_last(s->x->db) < 5000 && now_us() - t0 < 100000);
}

bool svc_slice_waited(const svc_slicer *s)
{
	return s->yields && bzj_db_desk_last(s->x->db) >= s->t0;
}

int64_t svc_slice_held_us(const svc_slicer *s)
{
	return now_us() - s->t0;
}

int svc_slice_begin(svc_slicer *s, bzj_err *e)
{
	static long boundaries; /* over the whole run, for the test hold */
	/* the gap: a waiting operator gets the lock here; a yielding job
	 * leaves it only when one polled during the slice (one who starts
	 * polling after this ends the next slice at its next row) */
	if (s->slices > 0) {
		if (!s->yields || s->waited)
			sleep_us(SLICE_GAP_US);
		if (s->hold)
			svc_test_hold(s->x, s->hold, ++boundaries);
	}
	/* Timed from the moment the slice holds the lock: BEGIN IMMEDIATE
	 * may first wait for an operator's write, and counting that wait
	 * would shrink the next slice for time the job did not hold the lock
	 * (at 1,000,000 shops, the recompute on the 2nd with an operator
	 * writing every 50 ms: 57.9 s against 66.6 s in the same afternoon's
	 * bench, alone 37.5 s; a loaded machine, so a hint, not a figure). */
	int rc = bzj_db_begin(s->x->db, e);
	s->t0 = now_us();
	s->cut = false;
	return rc;
}

int svc_slice_end(svc_slicer *s, int rc, bzj_err *e)
{
	rc = svc_end(s->x, rc, e);
	int64_t t = now_us() - s->t0;
	bzj_db_bulk_checkpoint(s->x->db); /* not lock time: timed out of the slice */
	s->slices++;
	if (t > s->worst_us)
		s->worst_us = t;
	/* Proportional to the last slice, but growing by at most a quarter:
	 * doubling after a quick slice sent the next one to 60-140 ms when it
	 * met dearer rows or a busy CPU (measured at 200,000 shops). */
	if (s->yields) {
		s->waited = s->cut || svc_slice_waited(s);
		if (s->cut) /* ended early: its time says nothing of its rows */
			return rc;
	}
	int64_t target = (int64_t)SLICE_TARGET_MS * 1000;
	int64_t next = s->rows * target / (t > 0 ? t : 1);
	if (next > s->rows + s->rows / 4)
		next = s->rows + s->rows / 4;
	s->rows = next;
	if (s->rows < SLICE_MIN_ROWS)
		s->rows = SLICE_MIN_ROWS < s->max_rows ? SLICE_MIN_ROWS : s->max_rows;
	if (s->rows > s->max_rows)
		s->rows = s->max_rows;
	return rc;
}

int svc_bulk_cleanup(bzj_ctx *x, bzj_err *e)
{
	svc_slicer s;
	svc_slice_init(&s, x, 4096);
	bool done = false;
	int rc = BZJ_OK;
	while (!rc && !done) {
		rc = svc_slice_begin(&s, e);
		if (!rc)
			rc = svc_slice_end(&s, bzj_store_job_cleanup(x->db, s.rows, &done, e), e);
	}
	svc_slice_finish(&s);
	return rc;
}

int svc_job_start(bzj_ctx *x, const char *kind, const char *arg, bzj_month m_lo, bzj_month m_hi,
		  int64_t *job, bzj_err *e)
{
	int rc = bzj_db_begin(x->db, e);
	if (!rc)
		rc = svc_end(x,
			     bzj_store_job_start(x->db, kind, arg, m_lo, m_hi, x->actor.user,
						 x->today, job, e),
			     e);
	if (!rc)
		rc = svc_bulk_cleanup(x, e);
	return rc;
}

int svc_job_start_excl(bzj_ctx *x, const char *kind, const char *what, const char *arg,
		       int32_t lo, int32_t hi, int64_t *job, bzj_err *e)
{
	int rc = bzj_db_begin(x->db, e);
	bool live = false;
	char user[64] = "";
	int64_t pid = 0;
	if (!rc)
		rc = bzj_store_job_live(x->db, kind, &live, user, sizeof user, &pid, e);
	if (!rc && live)
		rc = bzj_fail(e, BZJ_EBUSY, "bulk.running",
			      _("%s is already running (started by %s, process %lld); only one "
				"runs at a time: nothing was written, run it again when that one "
				"has finished"),
			      what, user, (long long)pid);
	if (!rc)
		rc = bzj_store_job_start(x->db, kind, arg, lo, hi, x->actor.user, x->today, job, e);
	if ((rc = svc_end(x, rc, e)))
		return rc;
	return svc_bulk_cleanup(x, e);
}

void svc_job_abandon(bzj_ctx *x, int64_t job, bool clean)
{
	bzj_err ae;
	if (!bzj_db_begin(x->db, &ae) && !svc_end(x, bzj_store_job_abandon(x->db, job, &ae), &ae) &&
	    clean)
		svc_bulk_cleanup(x, &ae);
}

int svc_sync_sliced(bzj_ctx *x, const char *cause, int64_t *synced, bzj_err *e)
{
	/* Registered as a job with no rows while it runs, so that operators'
	 * writes leave the WAL's checkpoint to it (st_desk_checkpoint in
	 * store_bulk.c); dropped at the end.  One left by a crash is marked
	 * abandoned by the next sync (the same kind and argument) and deleted
	 * by its clean-up, as svc_job_start does for every bulk job. */
	int64_t job = 0;
	int rc = svc_job_start(x, "sync", "", 0, 0, &job, e);
	if (rc)
		return rc;
	svc_slicer s;
	svc_slice_init(&s, x, 1024);
	int64_t lo = 0, max = 0;
	rc = bzj_store_shop_rowid_max(x->db, &max, e);
	*synced = 0;
	while (!rc && lo < max) {
		int64_t n = 0, hi = lo + s.rows;
		if ((rc = svc_slice_begin(&s, e)))
			break;
		rc = svc_slice_end(&s, bzj_store_sync_slice(x->db, x->today, cause, lo, hi, &n, e), e);
		*synced += n;
		lo = hi;
	}
	svc_slice_finish(&s);
	bzj_err de;
	if (!bzj_db_begin(x->db, &de))
		svc_end(x, bzj_store_job_drop(x->db, job, &de), &de);
	return rc;
}
