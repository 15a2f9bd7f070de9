/* store_audit.c - the audit table and the invariant queries of `bzj check`. */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

int bzj_store_audit_last(bzj_db *db, int64_t *seq, char *hash, bzj_err *e)
{
	*seq = 0;
	hash[0] = 0;
	st_stmt *st = st_prep(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", e);
	if (!st)
		return e->rc;
	int rc = st_step(st);
	if (rc == ST_ROW) {
		*seq = st_col_int(st, 0);
		st_text(st, 1, hash, 65);
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_audit_insert(bzj_db *db, const bzj_audit_rec *r, bzj_err *e)
{
	char prev[65] = "";
	int64_t last;
	int rc = bzj_store_audit_last(db, &last, prev, e);
	return rc ? rc : bzj_store_audit_insert_after(db, r, prev, e);
}

/* The record after the last one, whose hash the caller read in this same
 * transaction (svc_audit needs it for the chain): not read a second time,
 * which was one of the per-refund reads of a payout batch. */
int bzj_store_audit_insert_after(bzj_db *db, const bzj_audit_rec *r, const char *prev, bzj_err *e)
{
	int rc = st_exec(db, e,
		     "INSERT INTO audit(seq, at, day, user, role, action, object, shop_id, before,"
		     " after, reason, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		     "itDttttttttt" "t", r->seq, r->at, r->day, r->user, r->role, r->action,
		     r->object, r->shop_id[0] ? r->shop_id : NULL, r->before, r->after, r->reason,
		     prev, r->hash);
	return rc ? rc : bzj_store_meta_put(db, "audit_seq", r->seq, e);
}

int bzj_store_audit_find_action(bzj_db *db, const char *action, int64_t *seq, bzj_err *e)
{
	bool found = false;
	int rc = st_int(db, e, seq, &found, "SELECT min(seq) FROM audit WHERE action = ?", "t",
			action);
	if (!found)
		*seq = 0;
	return rc;
}

/* One record of a statement that selects AUDIT_COLS's columns. */
static void audit_rec_read(st_stmt *st, bzj_audit_rec *r)
{
	memset(r, 0, sizeof *r);
	r->seq = st_col_int(st, 0);
	st_text(st, 1, r->at, sizeof r->at);
	r->day = st_date(st, 2);
	st_text(st, 3, r->user, sizeof r->user);
	st_text(st, 4, r->role, sizeof r->role);
	st_text(st, 5, r->action, sizeof r->action);
	st_text(st, 6, r->object, sizeof r->object);
	st_text(st, 7, r->shop_id, sizeof r->shop_id);
	st_text(st, 8, r->before, sizeof r->before);
	st_text(st, 9, r->after, sizeof r->after);
	st_text(st, 10, r->reason, sizeof r->reason);
	st_text(st, 11, r->hash, sizeof r->hash);
}

/* The whole log in seq order on PostgreSQL (`audit verify`, `audit log`
 * without a shop): AUDIT_PAGE records a statement, after the last one
 * read, since the driver holds a statement's whole result in memory (a
 * log of millions of records would be gigabytes). */
#define AUDIT_PAGE 2000
static int audit_each_pg(bzj_db *db, int max, bzj_audit_fn fn, void *ctx, bzj_err *e)
{
	st_stmt *st = st_prep(db,
			      "SELECT seq, at, day, user, role, action, object, shop_id, before, after,"
			      " reason, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
			      e);
	if (!st)
		return e->rc;
	int64_t after = INT64_MIN, left = max > 0 ? max : INT64_MAX;
	bzj_audit_rec r;
	int rc = ST_DONE;
	for (int64_t got = AUDIT_PAGE; got == AUDIT_PAGE && left > 0;) {
		st_reset(st);
		int64_t page = left < AUDIT_PAGE ? left : AUDIT_PAGE;
		st_bind(st, "ii", after, page);
		got = 0;
		while ((rc = st_step(st)) == ST_ROW) {
			audit_rec_read(st, &r);
			got++;
			left--;
			after = r.seq;
			if (fn(ctx, &r)) {
				left = 0;
				break;
			}
		}
		if (rc != ST_ROW && rc != ST_DONE)
			break;
		if (got < page)
			break;
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_audit_each(bzj_db *db, const char *shop_id, bool newest_first, int max,
			 bzj_audit_fn fn, void *ctx, bzj_err *e)
{
	/* One statement per case, not `?1 IS NULL OR shop_id = ?1`: the planner
	 * picks one plan for every binding, and for that one it is a scan of
	 * the whole table.  `shop_id = ?` implies the partial index's
	 * `shop_id IS NOT NULL`, so a shop's records come from audit_shop in
	 * seq order; the whole log walks the rowid (seq) and stops at LIMIT.
	 * A shop's history also holds the records of the bank batches its
	 * refunds went out in and of the return files that closed them: one
	 * record per batch or file, about no one shop, found through the
	 * refunds' batch_id and seals (audit_batch, audit_return, v18). */
#define BATCHES_OF_SHOP_(RID)                                                               \
	"WHERE action = 'payout.batch' AND object IN (SELECT 'payout_batch:' || batch_id"  \
	" FROM refund WHERE shop_id = ?1 AND batch_id IS NOT NULL)"                          \
	" UNION ALL " AUDIT_COLS "WHERE action = 'payout.return' AND seq IN (SELECT s.seq"   \
	" FROM refund r JOIN seal s ON s.tbl = 'refund' AND s.rid = " RID                    \
	" WHERE r.shop_id = ?1 AND r.batch_id IS NOT NULL)"
/* PostgreSQL's seal.rid is text (SQLite's has no type): the id as text */
#define BATCHES_OF_SHOP BATCHES_OF_SHOP_("+r.id")
#define BATCHES_OF_SHOP_PG BATCHES_OF_SHOP_("CAST(r.id AS TEXT)")
#define AUDIT_COLS                                                                          \
	"SELECT seq, at, day, user, role, action, object, shop_id, before, after, reason,"  \
	" hash FROM audit "
	static const char *const sql[2][2] = {
		{AUDIT_COLS "ORDER BY seq LIMIT ?2", AUDIT_COLS "ORDER BY seq DESC LIMIT ?2"},
		{AUDIT_COLS "WHERE shop_id = ?1 UNION ALL " AUDIT_COLS BATCHES_OF_SHOP
			    " ORDER BY seq LIMIT ?2",
		 AUDIT_COLS "WHERE shop_id = ?1 UNION ALL " AUDIT_COLS BATCHES_OF_SHOP
			    " ORDER BY seq DESC LIMIT ?2"},
	};
	static const char *const sql_pg_shop[2] = {
		AUDIT_COLS "WHERE shop_id = ?1 UNION ALL " AUDIT_COLS BATCHES_OF_SHOP_PG
			   " ORDER BY seq LIMIT ?2",
		AUDIT_COLS "WHERE shop_id = ?1 UNION ALL " AUDIT_COLS BATCHES_OF_SHOP_PG
			   " ORDER BY seq DESC LIMIT ?2"};
#undef AUDIT_COLS
#undef BATCHES_OF_SHOP
#undef BATCHES_OF_SHOP_PG
#undef BATCHES_OF_SHOP_
	if (!shop_id && !newest_first && st_is_pg(db))
		return audit_each_pg(db, max, fn, ctx, e);
	st_stmt *st = st_prep(db,
			      shop_id && st_is_pg(db) ? sql_pg_shop[newest_first]
						      : sql[shop_id != NULL][newest_first],
			      e);
	if (!st)
		return e->rc;
	st_bind(st, "ti", shop_id, max > 0 ? (int64_t)max : INT64_MAX); /* no limit: -1 is SQLite's only */
	int rc;
	bzj_audit_rec r;
	while ((rc = st_step(st)) == ST_ROW) {
		audit_rec_read(st, &r);
		if (fn(ctx, &r))
			break;
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

/* The last cap transition a reader sees of newbie shop n: a published,
 * unfolded check's staged transition (p, NB_OVERLAY) or the log's last
 * entry e. */
#define NB_LOG_SEEN "(CASE WHEN p.shop_id IS NOT NULL AND p.capped <> p.was THEN p.capped ELSE e.capped END)"

static const st_invariant invariants[] = {
	{"check.balance", N_("shop %s: balance is not the sum of its ledger (%s)"),
	 "SELECT s.id, s.balance_fen || ' cached, ' || COALESCE(l.total, 0) || ' in ledger'"
	 " FROM shop s LEFT JOIN (SELECT shop_id, sum(amount_fen) AS total FROM ledger"
	 " GROUP BY shop_id) l ON l.shop_id = s.id WHERE s.balance_fen <> COALESCE(l.total, 0)"},
	{"check.frozen", N_("shop %s: frozen amount exceeds the balance (%s)"),
	 "SELECT id, frozen_fen || ' frozen, ' || balance_fen || ' balance' FROM shop"
	 " WHERE frozen_fen > balance_fen"},
	{"check.frozen_sum", N_("shop %s: frozen amount differs from its open freezes (%s)"),
	 "SELECT s.id, s.frozen_fen || ' cached, ' || COALESCE(v.total, 0) || ' in violations'"
	 " FROM shop s LEFT JOIN (SELECT shop_id, sum(frozen_fen) AS total FROM violation"
	 " WHERE status = 1 GROUP BY shop_id) v ON v.shop_id = s.id"
	 " WHERE s.frozen_fen <> COALESCE(v.total, 0)"},
	{"check.refund_in_progress", N_("shop %s: more than one refund in progress (%s)"),
	 "SELECT shop_id, group_concat(id) FROM refund WHERE shop_id IS NOT NULL"
	 " AND " REFUND_OPEN("") " GROUP BY shop_id HAVING count(*) > 1"},
	{"check.batch_totals", N_("payout batch %s: its count or total differs from its refunds (%s)"),
	 "SELECT b.id, b.count || ' / ' || b.total_fen || ' recorded, ' || count(r.id) || ' / '"
	 " || COALESCE(sum(r.amount_fen), 0) || ' in refunds' FROM payout_batch b"
	 " LEFT JOIN refund r ON r.batch_id = b.id GROUP BY b.id"
	 " HAVING b.count <> count(r.id) OR b.total_fen <> COALESCE(sum(r.amount_fen), 0)"},
	{"check.batch_returned", N_("payout batch %s: return state disagrees with its refunds (%s)"),
	 "SELECT b.id, COALESCE(CAST(b.returned_on AS TEXT), 'not returned') || ', ' || sum("
	 ST_01("r.status = 7") ") || ' still sent' FROM payout_batch b JOIN refund r"
	 " ON r.batch_id = b.id GROUP BY b.id"
	 " HAVING (b.returned_on IS NULL) <> (sum(" ST_01("r.status = 7") ") > 0)"},
	/* A sent refund's last change is its send: its seal names either its
	 * own record (refund:ID, batches before schema v18) or its batch's one
	 * record (payout_batch:BATCH), found through its batch_id. */
	{"check.refund_sent_audit", N_("refund %s: sent, but its seal names no record of its send (%s)"),
	 "SELECT r.id, 'audit record ' || s.seq || ' is ' || COALESCE(a.action || ' ' || a.object,"
	 " 'missing') || ', batch ' || COALESCE(CAST(r.batch_id AS TEXT), 'none')"
	 " FROM refund r"
	 " JOIN seal s ON s.tbl = 'refund' AND s.rid = +r.id LEFT JOIN audit a ON a.seq = s.seq"
	 " WHERE r.status = 7 AND (a.seq IS NULL OR (a.object <> 'refund:' || r.id"
	 " AND (a.action <> 'payout.batch' OR a.object <> 'payout_batch:' || r.batch_id)))"},
	{"check.refund_paid_twice", N_("refund %s: paid more than once (%s)"),
	 "SELECT refund_id, count(*) || ' ledger entries' FROM ledger WHERE kind = 4"
	 " GROUP BY refund_id HAVING count(*) > 1"},
	{"check.refund_payment", N_("refund %s: status and ledger disagree (%s)"),
	 "SELECT r.id, 'status ' || r.status || ', ' || count(l.id) || ' payments'"
	 " FROM refund r LEFT JOIN ledger l ON l.refund_id = r.id AND l.kind = 4"
	 " WHERE r.shop_id IS NOT NULL GROUP BY r.id HAVING (r.status = 3) <> (count(l.id) = 1)"
	 " OR (r.status = 3 AND -sum(l.amount_fen) <> r.amount_fen)"},
	{"check.refund_window", N_("refund %s: paid outside its window without a record (%s)"),
	 "SELECT id, 'paid ' || paid_on || ', window ' || window_start || '..' || window_end"
	 " FROM refund WHERE status = 3 AND (paid_on < window_start"
	 " OR (paid_on > window_end AND late = 0))"},
	{"check.four_eyes", N_("refund %s: four-eyes broken (%s)"),
	 "SELECT id, 'submitted ' || submitted_by || ', approved ' || COALESCE(approved_by, '-')"
	 " || ', paid ' || COALESCE(paid_by, '-') FROM refund"
	 " WHERE approved_by = submitted_by OR paid_by = approved_by OR paid_by = second_by"},
	{"check.restriction",
	 N_("shop %s: payout restriction does not match balance < required (%s); run `bzj deposit "
	    "recompute` to record the transition"),
	 "SELECT id, 'restricted ' || restricted || ', balance ' || bal || ', required ' || req"
	 " FROM (SELECT s.id, s.restricted, s.balance_fen AS bal, "
	 REQUIRED_SQL
	 " AS req FROM shop s) AS x"
	 " WHERE restricted <> " ST_LT01("bal", "req")},
	{"check.restriction_log", N_("shop %s: last recorded restriction transition disagrees (%s)"),
	 "SELECT s.id, 'shop says ' || s.restricted || ', log says ' || e.restricted"
	 " FROM shop s JOIN restriction_event e ON e.id = (SELECT max(id) FROM restriction_event"
	 " x WHERE x.shop_id = s.id) WHERE e.restricted <> s.restricted"},
	{"check.newbie_row", N_("shop %s: no newbie-period record (%s)"),
	 "SELECT s.id, 'missing' FROM shop s WHERE NOT EXISTS"
	 " (SELECT 1 FROM newbie n WHERE n.shop_id = s.id)"},
	{"check.newbie_capped", N_("shop %s: capped without a failing newbie check on record (%s)"),
	 "SELECT shop_id, 'status ' || status || ', reasons ' || reasons || ', last check '"
	 " || COALESCE(CAST(last_check AS TEXT), '-') || ', capped since ' || capped_since FROM newbie"
	 " WHERE capped = 1 AND (status <> 1 OR reasons = 0 OR last_check IS NULL"
	 " OR capped_since > last_check + 1"
	 " OR last_check NOT IN (SELECT day FROM newbie_run))"},
	{"check.newbie_uncapped", N_("shop %s: its last newbie check failed but it is not capped (%s)"),
	 "SELECT shop_id, 'reasons ' || reasons || ', last check ' || last_check FROM newbie"
	 " WHERE status = 1 AND capped = 0 AND reasons <> 0"},
	{"check.newbie_log", N_("shop %s: last recorded cap transition disagrees (%s)"),
	 /* the state a reader sees: a published check's staged rows and its
	  * transitions are both folded in later, slice by slice (newbie.c):
	  * until then the staged transition is the log's last word */
	 "SELECT n.shop_id, 'shop says ' || " NB_SEEN("n", "p", "capped") " || ', log says ' || "
	 NB_LOG_SEEN " FROM newbie n" NB_OVERLAY("n", "p") " JOIN newbie_event e ON e.id ="
	 " (SELECT max(id) FROM newbie_event x WHERE x.shop_id = n.shop_id) WHERE " NB_LOG_SEEN
	 " <> " NB_SEEN("n", "p", "capped")},
	{"check.newbie_risk", N_("shop %s: more than one open risk finding (%s)"),
	 "SELECT shop_id, group_concat(id) FROM risk WHERE closed IS NULL GROUP BY shop_id"
	 " HAVING count(*) > 1"},
};

/* PostgreSQL's form of an invariant whose SQL has none that both engines
 * take, by code: seal.rid is text there, and SQLite's `s.rid = +r.id` (the
 * unary + drops the id's affinity so the seal's key is used) cannot be. */
static const st_invariant pg_forms[] = {
	{"check.refund_sent_audit", NULL,
	 "SELECT r.id, 'audit record ' || s.seq || ' is ' || COALESCE(a.action || ' ' || a.object,"
	 " 'missing') || ', batch ' || COALESCE(CAST(r.batch_id AS TEXT), 'none')"
	 " FROM refund r"
	 " JOIN seal s ON s.tbl = 'refund' AND s.rid = CAST(r.id AS TEXT)"
	 " LEFT JOIN audit a ON a.seq = s.seq"
	 " WHERE r.status = 7 AND (a.seq IS NULL OR (a.object <> 'refund:' || r.id"
	 " AND (a.action <> 'payout.batch' OR a.object <> 'payout_batch:' || r.batch_id)))"},
};

static const char *invariant_sql(bzj_db *db, const st_invariant *t)
{
	for (size_t i = 0; st_is_pg(db) && i < sizeof pg_forms / sizeof pg_forms[0]; i++)
		if (!strcmp(pg_forms[i].code, t->code))
			return pg_forms[i].sql;
	return t->sql;
}

int st_check(bzj_db *db, const st_invariant *t, size_t n, bzj_date today,
	     bzj_store_problem_fn fn, void *ctx, int64_t *problems, bzj_err *e)
{
	for (size_t i = 0; i < n; i++) {
		st_stmt *st = st_prep(db, invariant_sql(db, &t[i]), e);
		if (!st)
			return e->rc;
		if (st_param_count(st) > 0)
			st_bind_int(st, 1, today);
		int rc;
		while ((rc = st_step(st)) == ST_ROW) {
			char subj[80], detail[256], msg[512];
			st_text(st, 0, subj, sizeof subj);
			st_text(st, 1, detail, sizeof detail);
			snprintf(msg, sizeof msg, _(t[i].fmt), subj, detail);
			(*problems)++;
			if (fn && fn(ctx, t[i].code, msg))
				break;
		}
		st_reset(st);
		if (rc != ST_ROW && rc != ST_DONE)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

int bzj_store_check(bzj_db *db, bzj_date today, bzj_store_problem_fn fn, void *ctx,
		    int64_t *problems, bzj_err *e)
{
	*problems = 0;
	return st_check(db, invariants, sizeof invariants / sizeof invariants[0], today, fn, ctx,
			problems, e);
}

int bzj_store_import_file_find(bzj_db *db, const char *sha256, const char *kind,
			       bzj_import_file *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	st_stmt *st = st_prep(db,
				   "SELECT seq, rows, at, day, user, COALESCE(forced, '') FROM"
				   " import_file WHERE sha256 = ? AND kind = ? ORDER BY id LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "tt", sha256, kind);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		out->seq = st_col_int(st, 0);
		out->rows = st_col_int(st, 1);
		st_text(st, 2, out->at, sizeof out->at);
		out->day = st_date(st, 3);
		st_text(st, 4, out->user, sizeof out->user);
		st_text(st, 5, out->forced, sizeof out->forced);
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_import_file_add(bzj_db *db, const char *sha256, const char *kind, int64_t seq,
			      const char *at, bzj_date day, const char *user, int64_t rows,
			      const char *forced, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO import_file(sha256, kind, seq, at, day, user, rows, forced)"
		       " VALUES (?,?,?,?,?,?,?,?)",
		       "ttitDtit", sha256, kind, seq, at, day, user, rows, forced);
}

/* Resumable imports (issue 13, import.c above row_shop): the run of a
 * shops, top-ups or violations file, advanced by every slice in the
 * slice's own transaction. */
#define IMPORT_RUN_COLS "id, sha256, kind, by_user, at, day, next_line, rows, replayed, state"

static void import_run_row(st_stmt *st, bzj_import_run *r)
{
	r->id = st_col_int(st, 0);
	st_text(st, 1, r->sha256, sizeof r->sha256);
	st_text(st, 2, r->kind, sizeof r->kind);
	st_text(st, 3, r->user, sizeof r->user);
	st_text(st, 4, r->at, sizeof r->at);
	r->day = st_date(st, 5);
	r->next_line = st_col_int(st, 6);
	r->rows = st_col_int(st, 7);
	r->replayed = st_col_int(st, 8);
	r->state = (int)st_col_int(st, 9);
}

int bzj_store_import_runs_open(bzj_db *db, const char *kind, bzj_import_run *out, int max,
			       int *n, bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
			      "SELECT " IMPORT_RUN_COLS " FROM import_run WHERE state = 0"
			      " AND (?1 = '' OR kind = ?1) ORDER BY id",
			      e);
	if (!st)
		return e->rc;
	st_bind(st, "t", kind ? kind : "");
	int rc;
	while ((rc = st_step(st)) == ST_ROW)
		if (*n < max)
			import_run_row(st, &out[(*n)++]);
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_import_run_start(bzj_db *db, const bzj_import_run *r, int64_t *id, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO import_run(sha256, kind, by_user, at, day, next_line, rows,"
			 " replayed, state) VALUES (?,?,?,?,?,?,?,?,0)",
			 "ttttDiii", r->sha256, r->kind, r->user, r->at, r->day, r->next_line,
			 r->rows, r->replayed);
	if (!rc)
		*id = st_last_id(db);
	return rc;
}

int bzj_store_import_run_advance(bzj_db *db, int64_t id, int64_t next_line, int64_t rows,
				 int64_t replayed, int state, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "UPDATE import_run SET next_line = ?, rows = ?, replayed = ?, state = ?"
			 " WHERE id = ? AND state = 0",
			 "iiidi", next_line, rows, replayed, state, id);
	if (!rc && st_changes(db) != 1)
		rc = bzj_fail(e, BZJ_EBUSY, "import.superseded",
			      _("the import record changed under this run (another run took it "
				"over); this slice was not written"));
	return rc;
}
