/* check.c - `bzj check`: every invariant over the whole database. */
#include <stdio.h>

#include "bzj/check.h"
#include "bzj/money.h"
#include "bzj/report.h"
#include "service.h"

/* Every closed month's statement reconciles with the ledger (issue 15). */
typedef struct month_ctx {
	bzj_check_fn fn;
	void *ctx;
} month_ctx;

static int month_problem(void *ctx, bzj_month m, int64_t ledger, int64_t statement)
{
	month_ctx *c = ctx;
	char ms[16], a[32], b[32], msg[256];
	snprintf(msg, sizeof msg,
		 _("month %s: the ledger sums to %s at its end, but its statement (by entity and "
		   "category) closes at %s"),
		 bzj_month_fmt(m, ms, sizeof ms), bzj_money_fmt(ledger, a, sizeof a),
		 bzj_money_fmt(statement, b, sizeof b));
	return c->fn ? c->fn(c->ctx, "check.month_reconcile", msg) : 0;
}

/* The invariants of the rules of issues 10 and 11 (owed, earmarks,
 * scheduled standards, 30-day holds, deregistration), counted with the
 * rest. */
static int check_rules(bzj_ctx *x, bzj_check_fn fn, void *ctx, bzj_check_result *r, bzj_err *e)
{
	int64_t n = 0;
	int rc = bzj_store_check_rules(x->db, x->today, fn, ctx, &n, e);
	r->problems += n;
	return rc;
}

int bzj_check_all(bzj_ctx *x, bzj_check_fn fn, void *ctx, bzj_check_result *r, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("check the database"), e);
	if (rc)
		return rc;
	bzj_err ce;
	svc_catch_up(x, &ce); /* a scheduled date that has come is not a fault */
	if ((rc = bzj_db_read_begin(x->db, e))) /* one snapshot for every invariant */
		return rc;
	rc = bzj_store_counts(x->db, &r->shops, &r->ledger_entries, &r->refunds, e);
	if (!rc)
		rc = bzj_store_check(x->db, x->today, fn, ctx, &r->problems, e);
	if (!rc)
		rc = check_rules(x, fn, ctx, r, e);
	if (!rc)
		rc = bzj_store_check_providers(x->db, fn, ctx, &r->problems, e);
	month_ctx mc = {fn, ctx};
	int64_t bad = 0;
	if (!rc)
		rc = bzj_report_reconcile(x, month_problem, &mc, &r->months, &bad, e);
	r->problems += bad;
	bzj_db_read_end(x->db);
	return rc;
}
