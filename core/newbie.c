/* newbie.c - the newbie period (新手期): the daily check of every newbie
 * shop, risk findings and graduation (newbie.h).  Each action is one
 * transaction with its audit record; a refusal writes nothing. */
#include <stdio.h>
#include <string.h>

#include "bzj/newbie.h"
#include "service.h"

int bzj_newbie_get(bzj_ctx *x, const char *shop_id, bzj_newbie *out, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read shops"), e);
	if (!rc)
		rc = svc_shop_id(shop_id, e);
	return rc ? rc : bzj_store_newbie_get(x->db, shop_id, out, e);
}

int bzj_newbie_direct(bzj_ctx *x, const char *shop_id, bzj_err *e)
{
	return bzj_store_newbie_direct(x->db, shop_id, e);
}

static void run_json(const bzj_newbie_run *r, bzj_json *j)
{
	bzj_json_obj(j, NULL);
	bzj_json_int(j, "checked", r->checked);
	bzj_json_int(j, "failed", r->failed);
	bzj_json_int(j, "capped", r->capped);
	bzj_json_int(j, "lifted", r->lifted);
	bzj_json_obj_end(j);
}

/* Folds every published check's outcome into newbie, in slices (see
 * below).  Not interruptible: the check it folds is already published,
 * and a fold stopped half-way is only slower to read, never wrong. */
static int fold_published(bzj_ctx *x, bzj_err *e)
{
	svc_slicer s;
	svc_slice_init(&s, x, 2048);
	bool done = false;
	int rc = BZJ_OK;
	while (!rc && !done) {
		rc = svc_slice_begin(&s, e);
		if (!rc)
			rc = svc_slice_end(&s, bzj_store_newbie_fold(x->db, s.rows, &done, e), e);
	}
	svc_slice_finish(&s);
	return rc;
}

/* The daily check as a bulk job (issue 13; store_bulk.c has the common
 * design).  It was one set-based transaction: 0.7-1.0 s of write lock at
 * 200,000 shops (23,096 newbie shops), 1.6 s at a million.  Its result is
 * current state (newbie.capped, capped_since, last_check, reasons on every
 * newbie row), not rows a reader can be pointed at by flipping a job, so
 * it goes in three steps:
 *  1. stage: slices of newbie shops (by shop id, sized by core/bulk.c to
 *     25 ms) compute their outcome of the day; the shops whose cap, cap
 *     date or reasons change (a third of them at 200,000 shops) go into
 *     newbie_stage as rows of the job, the others only need the day as
 *     their last check, which is the job's own (staging every shop made
 *     the check half again slower).  The slice reads the recorded newbie state, scores,
 *     violations and risk findings as any reader would; nothing reads
 *     newbie_stage rows of a job that is not published, so until step 2
 *     no reader (shop list, `shop show`, the console, `bzj check`) sees
 *     any of it, and a crash or Ctrl-C leaves an abandoned job whose rows
 *     the next bulk run deletes in slices;
 *  2. publish: one small transaction re-checks the order of checks,
 *     records the run and the audit record and flips the job: from here
 *     every reader overlays the job's rows on newbie (NB_OVERLAY in
 *     store_priv.h), so the whole day's outcome appears at once;
 *  3. fold: in slices of newbie shops, the slice's cap transitions are
 *     logged (newbie_event; until then `bzj check` reads them from the
 *     overlay: logging them all at publish held the desk 0.8 s at a
 *     million shops on a day that capped every newbie shop), the staged
 *     rows are written over newbie with the day as every checked shop's
 *     last check, and deleted;
 *     the last slice marks the job folded and readers stop overlaying it.  A
 *     crash here leaves the day published and correct (the overlay), and
 *     the next check finishes the fold before it stages.
 * Why not stage and then copy in the publishing transaction: that copy
 * updates every newbie row under the lock (0.1-0.5 s at a million shops),
 * the very wait this removes.  Measured at 200,000 shops (23,096 newbie
 * shops, release build, loaded two-core machine): the same newbie rows as
 * the one transaction; the job 0.39-0.46 s against 0.27-0.35 s (user+sys
 * 0.29-0.35 s against 0.21-0.28 s), of which 3 ms a slice is the gap left
 * to the desk; no slice held the lock over 30 ms, publishing 18-28 ms.
 * Only one check runs at a time (bulk.running,
 * as a score import); a shop graduated while the job stages keeps its
 * graduation: publish, overlay and fold all skip shops out of the period. */
int bzj_newbie_check_day(bzj_ctx *x, bzj_date day, bzj_newbie_run *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	out->day = day;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("run the newbie check"), e);
	if (rc)
		return rc;
	char d1[16], d2[16];
	if (day == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--date DATE is required"));
	if (day > x->today)
		return bzj_fail(e, BZJ_ERULE, "newbie.future",
				_("cannot check %s: it is after today (%s); a day is checked once "
				  "its scores are in"),
				bzj_date_fmt(day, d1, sizeof d1), bzj_date_fmt(x->today, d2, sizeof d2));
	/* the refusals first, in a read transaction: a refused check writes
	 * nothing, not even a job */
	bzj_date last;
	bool found = false;
	bool again = false;
	if ((rc = bzj_db_read_begin(x->db, e)))
		return rc;
	rc = bzj_store_newbie_last_run(x->db, &last, &found, e);
	if (!rc && found && day < last)
		rc = bzj_fail(e, BZJ_ERULE, "newbie.check_order",
			      _("cannot check %s: %s is already checked, and checks only move "
				"forward (a later check decides the cap)"),
			      bzj_date_fmt(day, d1, sizeof d1), bzj_date_fmt(last, d2, sizeof d2));
	if (!rc && found && day == last) {
		/* The same day again: report what it did, write nothing. */
		rc = bzj_store_newbie_run_get(x->db, day, out, &found, e);
		out->already = true;
		again = true;
	}
	int64_t total = 0;
	if (!rc && !again)
		rc = bzj_store_newbie_count(x->db, day, &total, e);
	bzj_db_read_end(x->db);
	if (rc || again)
		return rc;
	if ((rc = svc_progress(x, _("newbie check"), 0, total, e)))
		return rc;
	int64_t job = 0;
	bzj_date_fmt(day, d1, sizeof d1);
	if ((rc = svc_job_start_excl(x, "newbie.check", _("a newbie check"), d1, day, day, &job, e)))
		return rc;
	/* a check published before a crash may still be folding: finish it,
	 * since this one reads the recorded state */
	bool stop = false;
	rc = fold_published(x, e);
	svc_slicer sl;
	svc_slice_init(&sl, x, 2048);
	char lo[64] = "", next[64] = "";
	bool done = false;
	while (!rc && !done) {
		if ((rc = svc_progress(x, _("newbie check"), out->checked, total, e))) {
			stop = true;
			break;
		}
		if ((rc = svc_slice_begin(&sl, e)))
			break;
		rc = bzj_store_newbie_stage(x->db, job, day, lo, sl.rows, next, sizeof next, &done,
					    out, e);
		if (!rc)
			rc = bzj_store_job_beat(x->db, job, e);
		rc = svc_slice_end(&sl, rc, e);
		memcpy(lo, next, sizeof lo);
	}
	svc_slice_finish(&sl);
	if (!rc)
		rc = svc_progress(x, _("newbie check"), total, total, e);
	if (!rc)
		rc = bzj_db_begin(x->db, e);
	if (!rc) {
		rc = bzj_store_newbie_last_run(x->db, &last, &found, e);
		if (!rc && found && day <= last)
			rc = bzj_fail(e, BZJ_ERULE, "newbie.check_order",
				      _("cannot check %s: %s was checked meanwhile; nothing was "
					"written"),
				      d1, bzj_date_fmt(last, d2, sizeof d2));
		if (!rc)
			rc = bzj_store_newbie_publish(x->db, day, x->actor.user, out, e);
		bool published = false;
		if (!rc)
			rc = bzj_store_job_publish(x->db, job, out->checked, &published, e);
		if (!rc && !published)
			rc = bzj_fail(e, BZJ_EBUSY, "bulk.superseded",
				      _("the newbie check of %s was taken over by another run; "
					"nothing was written"),
				      d1);
		if (!rc) {
			char obj[32];
			snprintf(obj, sizeof obj, "newbie:%s", d1);
			bzj_json j;
			bzj_json_init(&j);
			run_json(out, &j);
			rc = svc_audit(x, "newbie.check", obj, NULL, NULL, bzj_json_text(&j), NULL, e);
			bzj_json_free(&j);
		}
		rc = svc_end(x, rc, e);
	}
	if (rc) {
		svc_job_abandon(x, job, !stop);
		return rc;
	}
	bzj_err fe; /* published: a failed fold is finished by the next check */
	fold_published(x, &fe);
	return BZJ_OK;
}

int bzj_newbie_risk(bzj_ctx *x, const char *shop_id, bool open, const char *note, int64_t *id,
		    bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("record risk findings"), e);
	if (!rc)
		rc = svc_shop_id(shop_id, e);
	if (!rc)
		rc = svc_text(note, "note", 256, true, e);
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	bzj_shop s;
	bzj_newbie n;
	rc = svc_shop_load(x, shop_id, &s, e);
	if (!rc)
		rc = bzj_store_newbie_get(x->db, shop_id, &n, e);
	if (!rc && open && n.risk_id)
		rc = bzj_fail(e, BZJ_ERULE, "risk.open",
			      _("shop %s already has an open risk finding (#%lld); close it first"),
			      shop_id, (long long)n.risk_id);
	if (!rc && !open && !n.risk_id)
		rc = bzj_fail(e, BZJ_ERULE, "risk.none_open",
			      _("shop %s has no open risk finding to close"), shop_id);
	if (!rc) {
		if (open) {
			rc = bzj_store_risk_open(x->db, shop_id, x->today, x->actor.user, note, id,
						 e);
		} else {
			*id = n.risk_id;
			rc = bzj_store_risk_close(x->db, n.risk_id, x->today, x->actor.user, note, e);
		}
	}
	if (!rc) {
		char obj[48], a[64];
		snprintf(obj, sizeof obj, "risk:%lld", (long long)*id);
		snprintf(a, sizeof a, "{\"status\":\"%s\"}", open ? "open" : "closed");
		rc = svc_audit(x, open ? "risk.open" : "risk.close", obj, shop_id,
			       open ? NULL : "{\"status\":\"open\"}", a, note, e);
	}
	return svc_end(x, rc, e);
}

int bzj_newbie_graduate(bzj_ctx *x, const char *shop_id, bzj_date day, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("graduate newbie shops"), e);
	if (!rc)
		rc = svc_shop_id(shop_id, e);
	if (rc)
		return rc;
	char d1[16], d2[16];
	if (day == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--date DATE is required"));
	if (day > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("date: a shop cannot graduate after today (%s)"),
				bzj_date_fmt(x->today, d1, sizeof d1));
	if ((rc = svc_begin(x, e)))
		return rc;
	bzj_shop s;
	bzj_newbie n;
	rc = svc_shop_load(x, shop_id, &s, e);
	if (!rc)
		rc = bzj_store_newbie_get(x->db, shop_id, &n, e);
	if (!rc && day < s.opened)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("date: shop %s opened on %s; it cannot graduate before that"), shop_id,
			      bzj_date_fmt(s.opened, d1, sizeof d1));
	if (!rc && n.status == BZJ_NB_DIRECT)
		rc = bzj_fail(e, BZJ_ERULE, "newbie.direct",
			      _("shop %s was let straight through (direct): it has no newbie period "
				"to leave"),
			      shop_id);
	if (!rc && n.status == BZJ_NB_GRADUATED)
		rc = bzj_fail(e, BZJ_ERULE, "newbie.graduated",
			      _("shop %s already left the newbie period on %s"), shop_id,
			      bzj_date_fmt(n.graduated, d1, sizeof d1));
	if (!rc)
		rc = bzj_store_newbie_graduate(x->db, shop_id, day, x->actor.user, n.capped, e);
	if (!rc) {
		char obj[64], b[96], a[64];
		snprintf(obj, sizeof obj, "newbie:%s", shop_id);
		snprintf(b, sizeof b, "{\"status\":\"newbie\",\"capped\":%s,\"capped_since\":\"%s\"}",
			 n.capped ? "true" : "false", bzj_date_fmt(n.capped_since, d2, sizeof d2));
		snprintf(a, sizeof a, "{\"status\":\"graduated\",\"graduated\":\"%s\"}",
			 bzj_date_fmt(day, d1, sizeof d1));
		rc = svc_audit(x, "newbie.graduate", obj, shop_id, b, a, NULL, e);
	}
	return svc_end(x, rc, e);
}
