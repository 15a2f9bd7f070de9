/* copy.c - `bzj copy`: a whole SQLite database into a new PostgreSQL one
 * (issue 16).  The rows themselves move in store_copy.c; here the rules
 * around them: who may, what must hold of both databases before, the
 * audit record, and the check after. */
#include <stdio.h>
#include <string.h>

#include "bzj/copy.h"
#include "service.h"

typedef struct copy_progress {
	bzj_ctx *x;
	int64_t total;
} copy_progress;

static int copy_told(void *ctx, int64_t done, bzj_err *e)
{
	copy_progress *p = ctx;
	return svc_progress(p->x, _("copy"), done, p->total, e);
}

/* Counts the source's problems and passes them on. */
typedef struct source_problems {
	bzj_check_fn fn;
	void *ctx;
	int64_t n;
} source_problems;

static int source_problem(void *ctx, const char *code, const char *msg)
{
	source_problems *p = ctx;
	p->n++;
	return p->fn ? p->fn(p->ctx, code, msg) : 0;
}

int bzj_copy_database(bzj_ctx *src, bzj_ctx *dst, const char *src_name, bzj_check_fn fn, void *fctx,
	     bzj_copy_result *r, bzj_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = bzj_auth_require(&src->actor, BZJ_PERM_ADMIN, _("copy a database"), e);
	if (rc)
		return rc;
	uint8_t ks[32], kd[32];
	bool keyed_s = bzj_db_audit_key(src->db, ks), keyed_d = bzj_db_audit_key(dst->db, kd);
	if (keyed_s != keyed_d || (keyed_s && memcmp(ks, kd, sizeof ks)))
		return bzj_fail(e, BZJ_ERULE, "copy.key",
				_("the two databases run under different audit keys, so the "
				  "source's audit chain and seals would not verify on the target; "
				  "use one configuration (audit_key) for both"));
	char why[256];
	if ((rc = bzj_store_copy_target_state(dst->db, why, sizeof why, e)))
		return rc;
	if (*why)
		return bzj_fail(e, BZJ_ERULE, "copy.not_empty",
				_("the target is not a new database (%s); copy only into a "
				  "database just made by `bzj init`"),
				why);
	/* a database that fails its own check is not moved: its problems
	 * would arrive unexplained on the target */
	source_problems sp = {fn, fctx, 0};
	bzj_check_result cr = {0};
	if ((rc = bzj_check_all(src, source_problem, &sp, &cr, e)))
		return rc;
	if (sp.n || cr.problems)
		return bzj_fail(e, BZJ_ERULE, "copy.source_check",
				_("`bzj check` finds %lld problem(s) in the source (above); "
				  "resolve them before copying it"),
				(long long)(cr.problems ? cr.problems : sp.n));
	copy_progress p = {src, 0};
	if ((rc = bzj_db_read_begin(src->db, e))) /* one snapshot of the source */
		return rc;
	rc = bzj_store_copy_rows(src->db, &p.total, e);
	p.total *= 2; /* each row is sent, then read back */
	if (!rc)
		rc = bzj_store_meta_get(src->db, "audit_seq", &r->audit_seq, NULL, e);
	if (!rc)
		rc = bzj_db_begin(dst->db, e);
	if (rc) {
		bzj_db_read_end(src->db);
		return rc;
	}
	bzj_store_copy_table t[BZJ_COPY_TABLES];
	rc = bzj_store_copy(src->db, dst->db, t, BZJ_COPY_TABLES, &r->ntables, copy_told, &p, e);
	bzj_db_read_end(src->db);
	for (int i = 0; !rc && i < r->ntables; i++) {
		memcpy(r->tables[i].name, t[i].name, sizeof r->tables[i].name);
		r->tables[i].rows = t[i].rows;
		r->rows += t[i].rows;
	}
	if (!rc) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "from", src_name);
		bzj_json_int(&j, "tables", r->ntables);
		bzj_json_int(&j, "rows", r->rows);
		bzj_json_int(&j, "audit_seq", r->audit_seq);
		bzj_json_obj_end(&j);
		rc = svc_audit(dst, "db.copy", "database", NULL, NULL, bzj_json_text(&j), NULL, e);
		bzj_json_free(&j);
	}
	if ((rc = svc_end(dst, rc, e)))
		return rc;
	/* the copy is committed; what `bzj check` says of it is the answer */
	bzj_check_result dr = {0};
	if ((rc = bzj_check_all(dst, fn, fctx, &dr, e))) {
		char m[sizeof e->msg];
		snprintf(m, sizeof m, "%s", e->msg);
		snprintf(e->msg, sizeof e->msg,
			 _("the copy is committed (%lld rows), but `bzj check` on it did not "
			   "finish: %s; run `bzj check` on the copy"),
			 (long long)r->rows, m);
		return rc;
	}
	r->problems = dr.problems;
	r->shops = dr.shops;
	r->ledger_entries = dr.ledger_entries;
	r->refunds = dr.refunds;
	return BZJ_OK;
}
