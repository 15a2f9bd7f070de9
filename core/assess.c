/* assess.c - the industry-belt renewal assessment (续牌考核, seed 003). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/assess.h"
#include "bzj/money.h"
#include "bzj/provider.h"
#include "service.h"

const char *bzj_assess_outcome_name(int outcome)
{
	switch (outcome) {
	case BZJ_AO_KEEP: return "keep";
	case BZJ_AO_REVOKE: return "revoke";
	default: return "pending";
	}
}

int bzj_assess_outcome(int64_t orders, int64_t threshold, int64_t deposit_fen,
		       int64_t required_fen)
{
	return orders >= threshold && deposit_fen >= required_fen ? BZJ_AO_KEEP : BZJ_AO_REVOKE;
}

int bzj_assess_create(bzj_ctx *x, const char *name, bzj_date cutoff, bzj_date from, bzj_date to,
		      int64_t threshold, int64_t deposit_fen, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("create assessments"), e);
	if (!rc)
		rc = svc_text(name, "name", 64, true, e);
	if (!rc && (cutoff == BZJ_DATE_NONE || from == BZJ_DATE_NONE || to == BZJ_DATE_NONE))
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--cutoff, --from and --to are required"));
	if (!rc && to < from)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--to: before --from"));
	if (!rc && threshold < 0)
		rc = bzj_fail(e, BZJ_EINPUT, "input.number", _("--threshold: must not be negative"));
	if (!rc && (deposit_fen < 0 || deposit_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("--deposit: not a valid amount"));
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	bzj_assessment a, old;
	bzj_err ne;
	memset(&a, 0, sizeof a);
	snprintf(a.name, sizeof a.name, "%s", name);
	if (bzj_store_assess_get(x->db, name, &old, &ne) == BZJ_OK)
		rc = bzj_fail(e, BZJ_ERULE, "assess.exists", _("an assessment named %s exists"),
			      a.name);
	a.cutoff = cutoff;
	a.from = from;
	a.to = to;
	a.threshold = threshold;
	a.deposit_fen = deposit_fen;
	snprintf(a.created_by, sizeof a.created_by, "%s", x->actor.user);
	a.created_on = x->today;
	a.closed_on = BZJ_DATE_NONE;
	if (!rc)
		rc = bzj_store_assess_insert(x->db, &a, e);
	if (!rc) {
		char obj[96], after[200];
		snprintf(obj, sizeof obj, "assessment:%lld", (long long)a.id);
		snprintf(after, sizeof after,
			 "{\"cutoff\":%d,\"from\":%d,\"to\":%d,\"threshold\":%lld,"
			 "\"deposit_fen\":%lld}",
			 (int)cutoff, (int)from, (int)to, (long long)threshold,
			 (long long)deposit_fen);
		rc = svc_audit(x, "assess.create", obj, NULL, NULL, after, a.name, e);
	}
	return svc_end(x, rc, e);
}

int bzj_assess_show(bzj_ctx *x, const char *name, bzj_assessment *a, bzj_assess_fn fn, void *ctx,
		    bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read assessments"), e);
	if (!rc)
		rc = bzj_store_assess_get(x->db, name, a, e);
	return rc ? rc : bzj_store_assess_rows(x->db, a, x->today, fn, ctx, e);
}

int bzj_assess_progress(bzj_ctx *x, const bzj_assessment *a, const char *const *ids, int n,
			bzj_assess_fn fn, void *ctx, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read assessments"), e);
	if (rc || n <= 0)
		return rc;
	bzj_json j;
	bzj_json_init(&j);
	bzj_json_arr(&j, NULL);
	for (int i = 0; i < n; i++)
		bzj_json_str(&j, NULL, ids[i]);
	bzj_json_arr_end(&j);
	const char *text = bzj_json_text(&j);
	rc = text ? bzj_store_assess_rows_of(x->db, a, x->today, text, fn, ctx, e)
		  : bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	bzj_json_free(&j);
	return rc;
}

int bzj_assess_list(bzj_ctx *x, bzj_assessment *out, int max, int *n, bzj_err *e)
{
	*n = 0;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read assessments"), e);
	return rc ? rc : bzj_store_assess_list(x->db, out, max, n, e);
}

typedef struct rows {
	bzj_assess_row *v;
	size_t n, cap;
	bool oom;
} rows;

static int collect(void *ctx, const bzj_assess_row *r)
{
	rows *rs = ctx;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		bzj_assess_row *v = realloc(rs->v, cap * sizeof *v);
		if (!v) {
			rs->oom = true;
			return 1;
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *r;
	return 0;
}

/* Revoked: certification cancelled, agreement ended, a public delisting
 * notice dated today; an ordinary provider from now. */
static int revoke(bzj_ctx *x, const bzj_assessment *a, const bzj_assess_row *r, bzj_err *e)
{
	bzj_provider p;
	int rc = bzj_store_provider_get(x->db, r->id, &p, e);
	bzj_provider before = p;
	p.status = BZJ_PST_ORDINARY;
	p.delisted_on = x->today;
	if (!rc)
		rc = bzj_store_provider_update(x->db, &p, e);
	if (rc)
		return rc;
	char obj[64], b[96], af[160];
	snprintf(obj, sizeof obj, "provider:%s", p.id);
	snprintf(b, sizeof b, "{\"status\":\"%s\",\"certified_on\":%d}",
		 bzj_provider_status_name(before.status), (int)before.certified_on);
	snprintf(af, sizeof af,
		 "{\"status\":\"ordinary\",\"delisted_on\":%d,\"orders\":%lld,"
		 "\"deposit_fen\":%lld}",
		 (int)p.delisted_on, (long long)r->orders, (long long)r->deposit_fen);
	char reason[160];
	snprintf(reason, sizeof reason,
		 "assessment %s: certification cancelled, agreement ended, public delisting notice",
		 a->name);
	return svc_audit(x, "provider.revoke", obj, NULL, b, af, reason, e);
}

/* The refusals of a close, in whichever transaction reads the assessment. */
static int close_checks(bzj_ctx *x, const char *name, bool preview, bzj_assessment *a,
			bzj_err *e)
{
	int rc = bzj_store_assess_get(x->db, name, a, e);
	char d1[16], d2[16];
	if (!rc && a->closed_on != BZJ_DATE_NONE)
		rc = bzj_fail(e, BZJ_ERULE, "assess.closed", _("assessment %s was closed on %s"),
			      a->name, bzj_date_fmt(a->closed_on, d1, sizeof d1));
	if (!rc && !preview && x->today <= a->to)
		rc = bzj_fail(e, BZJ_ERULE, "assess.not_ended",
			      _("the period of assessment %s ends on %s; it can be closed from %s"),
			      a->name, bzj_date_fmt(a->to, d1, sizeof d1),
			      bzj_date_fmt(a->to + 1, d2, sizeof d2));
	return rc;
}

#define CLOSE_TRIES 3

/* Closing an assessment as a bulk job (issue 13; store_bulk.c has the
 * common design).  It was one transaction: reading every provider's
 * orders inside the write lock, 0.2-0.6 s at 200,000 shops (2,000
 * providers), about 5x that at a million.  Now:
 *  1. read: the refusals, every provider's orders and deposit and a mark
 *     of what they depend on (the audit log's last record, the providers'
 *     change counters) in a read transaction, without the write lock;
 *  2. stage: the results go into assessment_result in slices, each its own
 *     short transaction.  No reader sees them: results are read only for a
 *     closed assessment (store_provider.c, assess_rows), and this one is
 *     open until step 3; a crash leaves a staging job, and the next bulk
 *     run deletes the results of its still-open assessment in slices;
 *  3. publish: one small transaction checks the assessment is still open
 *     and that nothing the figures depend on moved since step 1 (no
 *     binding, unbinding or orders import recorded since the mark, no
 *     provider row changed: every provider write bumps its version); then
 *     writes the revocations (few) with their audit records, closes the
 *     assessment and flips the job: the results appear with the close.
 *     If something moved, the job is dropped and the close starts over
 *     (CLOSE_TRIES times, then refused: busy, nothing written).
 * One close runs at a time (bulk.running). */
static int close_sliced(bzj_ctx *x, const char *name, bzj_assessment *a, rows *rs, bzj_err *e)
{
	for (int attempt = 0; attempt < CLOSE_TRIES; attempt++) {
		bzj_assess_mark mark;
		rs->n = 0;
		int rc = bzj_db_read_begin(x->db, e);
		if (rc)
			return rc;
		rc = close_checks(x, name, false, a, e);
		if (!rc)
			rc = bzj_store_assess_mark(x->db, &mark, e);
		if (!rc)
			rc = bzj_store_assess_rows(x->db, a, x->today, collect, rs, e);
		bzj_db_read_end(x->db);
		if (!rc && rs->oom)
			rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		if (rc)
			return rc;
		int64_t keep = 0;
		for (size_t i = 0; i < rs->n; i++) {
			bzj_assess_row *r = &rs->v[i];
			r->outcome = bzj_assess_outcome(r->orders, a->threshold, r->deposit_fen,
							a->deposit_fen);
			keep += r->outcome == BZJ_AO_KEEP;
		}
		int64_t job = 0;
		if ((rc = svc_job_start_excl(x, "assess.close", _("an assessment close"), a->name,
					     (int32_t)a->id, (int32_t)a->id, &job, e)))
			return rc;
		svc_slicer sl;
		svc_slice_init(&sl, x, 1024);
		bool stop = false;
		for (size_t i = 0; !rc && i < rs->n;) {
			size_t k = (size_t)sl.rows;
			if (k > rs->n - i)
				k = rs->n - i;
			if ((rc = svc_progress(x, _("assessment close"), (long long)i,
					       (long long)rs->n, e))) {
				stop = true;
				break;
			}
			if ((rc = svc_slice_begin(&sl, e)))
				break;
			for (size_t j = i; !rc && j < i + k; j++)
				rc = bzj_store_assess_result(x->db, a->id, &rs->v[j], e);
			if (!rc)
				rc = bzj_store_job_beat(x->db, job, e);
			rc = svc_slice_end(&sl, rc, e);
			i += k;
		}
		svc_slice_finish(&sl);
		bool moved = false;
		if (!rc && !(rc = svc_begin(x, e))) {
			rc = close_checks(x, name, false, a, e);
			if (!rc)
				rc = bzj_store_assess_moved(x->db, &mark, &moved, e);
			for (size_t i = 0; !rc && !moved && i < rs->n; i++)
				if (rs->v[i].outcome == BZJ_AO_REVOKE)
					rc = revoke(x, a, &rs->v[i], e);
			if (!rc && !moved) {
				a->closed_on = x->today;
				rc = bzj_store_assess_closed(x->db, a->id, x->today, e);
			}
			bool published = false;
			if (!rc && !moved)
				rc = bzj_store_job_publish(x->db, job, (int64_t)rs->n, &published, e);
			if (!rc && !moved && !published)
				rc = bzj_fail(e, BZJ_EBUSY, "bulk.superseded",
					      _("another close of assessment %s took over; nothing was "
						"written"),
					      a->name);
			if (!rc && !moved) {
				char obj[96], af[96];
				snprintf(obj, sizeof obj, "assessment:%lld", (long long)a->id);
				snprintf(af, sizeof af, "{\"keep\":%lld,\"revoke\":%lld}",
					 (long long)keep, (long long)rs->n - keep);
				rc = svc_audit(x, "assess.close", obj, NULL, NULL, af, a->name, e);
			}
			rc = svc_end(x, moved ? BZJ_EBUSY : rc, e);
			if (moved)
				rc = BZJ_OK;
		}
		if (rc || moved) {
			if (rc)
				a->closed_on = BZJ_DATE_NONE;
			svc_job_abandon(x, job, !stop);
		}
		if (rc || !moved)
			return rc;
	}
	return bzj_fail(e, BZJ_EBUSY, "assess.moved",
			_("the bindings, orders or providers of assessment %s changed while it was "
			  "being closed, %d times; nothing was written: run it again"),
			a->name, CLOSE_TRIES);
}

int bzj_assess_close(bzj_ctx *x, const char *name, bool preview, bzj_assessment *a,
		     bzj_assess_fn fn, void *ctx, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, preview ? BZJ_PERM_READ : BZJ_PERM_ADMIN,
				  _("close assessments"), e);
	if (rc)
		return rc;
	rows rs = {0};
	if (preview) {
		if ((rc = bzj_db_read_begin(x->db, e)))
			return rc;
		rc = close_checks(x, name, true, a, e);
		if (!rc)
			rc = bzj_store_assess_rows(x->db, a, x->today, collect, &rs, e);
		bzj_db_read_end(x->db);
		if (!rc && rs.oom)
			rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		for (size_t i = 0; !rc && i < rs.n; i++)
			rs.v[i].outcome = bzj_assess_outcome(rs.v[i].orders, a->threshold,
							     rs.v[i].deposit_fen, a->deposit_fen);
	} else {
		rc = close_sliced(x, name, a, &rs, e);
	}
	for (size_t i = 0; !rc && i < rs.n; i++)
		if (fn && fn(ctx, &rs.v[i]))
			break;
	free(rs.v);
	return rc;
}
