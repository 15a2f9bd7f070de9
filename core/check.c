/* check.c - `bzj check`: every invariant over the whole database.
 *
 * What it checks, beyond the money invariants (store_audit.c):
 *  - the schema in the file is the one bzj creates (check.schema): a
 *    dropped guard trigger, a changed CHECK or an added trigger is found by
 *    comparing sqlite_master with a fresh in-memory database migrated by
 *    the same migrations (store_seal.c, bzj_store_schema_check);
 *  - every money-moving row carries a seal (check.seal, check.seal_orphan,
 *    check.seal_audit): table `seal` holds, per row, the audit seq of the
 *    record its last change belongs to and an HMAC-SHA256, under the audit
 *    key, of the table, the row key, that seq and the sealed columns.
 *    Triggers write the seal in the same statement as the row, through
 *    bzj_seal(), an SQL function only bzj registers.
 *
 * How a new money-moving table joins (e.g. a provider ledger):
 *  1. in store_priv.h, a SEAL_<TABLE>_COLS(p) macro listing the columns
 *     that carry money or decide who gets it (p is the row prefix);
 *  2. in its migration, an AFTER INSERT trigger (and AFTER UPDATE unless
 *     the table is append-only) whose body is
 *     SEAL_BODY("<table>", "new.id", SEAL_<TABLE>_COLS("new.")), and an
 *     INSERT INTO seal ... for rows that exist already (see schema_v10);
 *  3. a row in sealed_tables[] in store_seal.c: table, key over t, the
 *     columns over t, the shop column over t (or NULL);
 *  4. write the table only inside a transaction that then writes its audit
 *     record (svc_audit), so the seal's seq names that record.
 * Nothing else changes: check, the switch-over to a key and the docs
 * cover it from there. */
#include <stdio.h>
#include <string.h>

#include "bzj/check.h"
#include "bzj/money.h"
#include "bzj/report.h"
#include "bzj/settings.h"
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

static int key_problem(bzj_ctx *x, bzj_check_fn fn, void *ctx, bzj_check_result *r, bool *skip,
		       bzj_err *e)
{
	int64_t from = 0;
	bool found = false;
	*skip = false;
	int rc = bzj_store_meta_get(x->db, "audit_keyed_from", &from, &found, e);
	if (rc || !found || bzj_db_audit_key(x->db, NULL))
		return rc;
	*skip = true; /* every seal would differ: say it once */
	r->problems++;
	char msg[256];
	snprintf(msg, sizeof msg,
		 _("the database is keyed from audit record %lld but no audit key is configured "
		   "(audit_key): row seals cannot be checked"),
		 (long long)from);
	if (fn)
		fn(ctx, "check.audit_key", msg);
	return BZJ_OK;
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

/* This host's roles and limits against the database's (issue 16). */
static int settings_problem(bzj_ctx *x, bzj_check_fn fn, void *ctx, bzj_check_result *r,
			    bzj_err *e)
{
	if (!x->cfg)
		return BZJ_OK;
	bzj_settings_state st;
	int rc = bzj_settings_status(x, &st, e);
	if (rc || st.agree)
		return rc;
	char msg[2048];
	size_t k = (size_t)snprintf(msg, sizeof msg,
				    _("this host's roles or limits differ from those the database "
				      "runs under, so it may not write (database → this host): "));
	for (int i = 0; i < st.ndiff && i < BZJ_SETTINGS_ITEMS && k < sizeof msg; i++)
		k += (size_t)snprintf(msg + k, sizeof msg - k, "%s%s", i ? "; " : "", st.diff[i]);
	r->problems++;
	if (fn)
		fn(ctx, "check.settings", msg);
	return BZJ_OK;
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
	/* the money invariants first, then the tamper evidence */
	if (!rc)
		rc = check_rules(x, fn, ctx, r, e);
	if (!rc)
		rc = bzj_store_check_providers(x->db, fn, ctx, &r->problems, e);
	if (!rc)
		rc = svc_payout_check(x, fn, ctx, &r->problems, e);
	month_ctx mc = {fn, ctx};
	int64_t bad = 0;
	if (!rc)
		rc = bzj_report_reconcile(x, month_problem, &mc, &r->months, &bad, e);
	r->problems += bad;
	int64_t more = 0;
	if (!rc)
		rc = bzj_store_schema_check(x->db, fn, ctx, &more, e);
	bool skip = false;
	if (!rc)
		rc = key_problem(x, fn, ctx, r, &skip, e);
	if (!rc && !skip)
		rc = bzj_store_seal_check(x->db, fn, ctx, &more, e);
	r->problems += more;
	if (!rc)
		rc = settings_problem(x, fn, ctx, r, e);
	bzj_db_read_end(x->db);
	return rc;
}
