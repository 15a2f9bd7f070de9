/* store_refund.c - violations and refunds. */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

#define VIOLATION_COLS                                                                             \
	"id, shop_id, day, class, points, raise_fen, frozen_fen, deducted_fen, owed_fen, status,"  \
	" resolved, note, user, version, covered_fen"

static void violation_read(st_stmt *st, bzj_violation *v)
{
	memset(v, 0, sizeof *v);
	v->id = st_col_int(st, 0);
	st_text(st, 1, v->shop_id, sizeof v->shop_id);
	v->date = st_date(st, 2);
	v->cls = st_col_int32(st, 3);
	v->points = st_col_int32(st, 4);
	v->raise_fen = st_col_int(st, 5);
	v->frozen_fen = st_col_int(st, 6);
	v->deducted_fen = st_col_int(st, 7);
	v->owed_fen = st_col_int(st, 8);
	v->status = st_col_int32(st, 9);
	v->resolved = st_date(st, 10);
	st_text(st, 11, v->note, sizeof v->note);
	st_text(st, 12, v->user, sizeof v->user);
	v->version = st_col_int(st, 13);
	v->covered_fen = st_col_int(st, 14);
}

int bzj_store_violation_insert(bzj_db *db, bzj_violation *v, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO violation(shop_id, day, class, points, raise_fen, frozen_fen,"
			 " status, note, user) VALUES (?,?,?,?,?,?,1,?,?)",
			 "tDddiitt", v->shop_id, v->date, v->cls, v->points, v->raise_fen,
			 v->frozen_fen, v->note, v->user);
	if (!rc) {
		v->id = st_last_id(db);
		v->status = BZJ_VS_OPEN;
		v->version = 1;
	}
	return rc;
}

int bzj_store_violation_get(bzj_db *db, int64_t id, bzj_violation *v, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT " VIOLATION_COLS " FROM violation WHERE id = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "i", id);
	int rc = st_step(st);
	if (rc == ST_ROW)
		violation_read(st, v);
	st_reset(st);
	if (rc == ST_DONE)
		return bzj_fail(e, BZJ_ENOTFOUND, "violation.not_found",
				_("no violation with id %lld"), (long long)id);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_violation_update(bzj_db *db, bzj_violation *v, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "UPDATE violation SET frozen_fen=?2, deducted_fen=?3, owed_fen=?4,"
			 " status=?5, resolved=?6, covered_fen=?8, version=version+1"
			 " WHERE id=?1 AND version=?7",
			 "iiiidDii", v->id, v->frozen_fen, v->deducted_fen, v->owed_fen, v->status,
			 v->resolved, v->version, v->covered_fen);
	if (rc)
		return rc;
	if (st_changes(db) != 1)
		return bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				_("violation %lld was changed by someone else; reload and try again"),
				(long long)v->id);
	v->version++;
	return BZJ_OK;
}

int bzj_store_violation_list(bzj_db *db, const char *shop_id, bool open_only,
			     const bzj_violation *after, bzj_violation *out, int max, int *n,
			     bzj_err *e)
{
	*n = 0;
	/* Newest first by date, then id.  One statement per shape and page,
	 * so each walks its index (schema 12) from the cursor without sorting:
	 * violation_shop_newest for one shop, violation_newest_open for the
	 * open ones of all shops, violation_newest for all of them; a cursor
	 * OR-ed with "no cursor" would keep SQLite from seeking. */
#define VIOLATION_PAGE(idx, where, after_)                                                         \
	"SELECT " VIOLATION_COLS " FROM violation INDEXED BY " idx " WHERE " where after_         \
	" ORDER BY day DESC, id DESC LIMIT ?5"
#define AFTER " AND (day, id) < (?3, ?4)"
	static const char *const sql[3][2] = {
		{VIOLATION_PAGE("violation_shop_newest", "shop_id = ?1 AND (?2 = 0 OR status = 1)", ""),
		 VIOLATION_PAGE("violation_shop_newest", "shop_id = ?1 AND (?2 = 0 OR status = 1)",
				AFTER)},
		{VIOLATION_PAGE("violation_newest_open", "?2 = 1 AND status = 1", ""),
		 VIOLATION_PAGE("violation_newest_open", "?2 = 1 AND status = 1",
				AFTER)},
		{VIOLATION_PAGE("violation_newest", "?2 = 0", ""),
		 VIOLATION_PAGE("violation_newest", "?2 = 0", AFTER)},
	};
#undef AFTER
#undef VIOLATION_PAGE
	st_stmt *st = st_prep(db, sql[shop_id ? 0 : open_only ? 1 : 2][after != NULL], e);
	if (!st)
		return e->rc;
	st_bind(st, "tbDid", shop_id, open_only, after ? after->date : BZJ_DATE_NONE,
		after ? after->id : 0, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		violation_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_violations_owing(bzj_db *db, const char *shop_id, bzj_violation *out, int max,
				int *n, bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
				   "SELECT " VIOLATION_COLS " FROM violation"
				   " WHERE shop_id = ?1 AND owed_fen > 0 ORDER BY id LIMIT ?2",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "td", shop_id, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		violation_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_open_violations(bzj_db *db, const char *shop_id, int64_t *n, bzj_err *e)
{
	return st_int(db, e, n, NULL, "SELECT count(*) FROM violation WHERE shop_id = ? AND status = 1",
		      "t", shop_id);
}

int bzj_store_raises(bzj_db *db, const char *shop_id, int64_t *sum, int *count, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT COALESCE(sum(raise_fen), 0), count(*) FROM violation"
				   " WHERE shop_id = ? AND status = 1 AND raise_fen > 0",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", shop_id);
	int rc = st_step(st);
	*sum = rc == ST_ROW ? st_col_int(st, 0) : 0;
	*count = rc == ST_ROW ? st_col_int32(st, 1) : 0;
	st_reset(st);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

#define REFUND_COLS                                                                                \
	"r.id, r.shop_id, COALESCE(s.name, p.name), r.kind, r.status, r.amount_fen, r.submitted_on,"                 \
	" r.window_start, r.window_end, r.checklist, r.late, r.submitted_by, r.approved_by,"       \
	" r.second_by, r.paid_by, r.approved_on, r.paid_on, r.failure_reason, r.reject_reason,"   \
	" r.version, r.changed_by, r.provider_id, r.batch_id, r.bank_ref, r.closed_on"
/* An exit refund has no shop but a provider (schema v7). */
#define REFUND_OWNERS " LEFT JOIN shop s ON s.id = r.shop_id LEFT JOIN provider p ON p.id = r.provider_id"

static void refund_read(st_stmt *st, bzj_refund *r)
{
	memset(r, 0, sizeof *r);
	r->id = st_col_int(st, 0);
	st_text(st, 1, r->shop_id, sizeof r->shop_id);
	st_text(st, 2, r->shop_name, sizeof r->shop_name);
	r->kind = st_col_int32(st, 3);
	r->status = st_col_int32(st, 4);
	r->amount_fen = st_col_int(st, 5);
	r->submitted_on = st_date(st, 6);
	r->window_start = st_date(st, 7);
	r->window_end = st_date(st, 8);
	r->checklist = st_col_int32(st, 9);
	r->late = st_col_int32(st, 10) != 0;
	st_text(st, 11, r->submitted_by, sizeof r->submitted_by);
	st_text(st, 12, r->approved_by, sizeof r->approved_by);
	st_text(st, 13, r->second_by, sizeof r->second_by);
	st_text(st, 14, r->paid_by, sizeof r->paid_by);
	r->approved_on = st_date(st, 15);
	r->paid_on = st_date(st, 16);
	st_text(st, 17, r->failure_reason, sizeof r->failure_reason);
	st_text(st, 18, r->reject_reason, sizeof r->reject_reason);
	r->version = st_col_int(st, 19);
	st_text(st, 20, r->changed_by, sizeof r->changed_by);
	st_text(st, 21, r->provider_id, sizeof r->provider_id);
	r->batch_id = st_col_int(st, 22);
	st_text(st, 23, r->bank_ref, sizeof r->bank_ref);
	r->closed_on = st_date(st, 24);
}

int bzj_store_refund_insert(bzj_db *db, bzj_refund *r, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO refund(shop_id, provider_id, kind, status, amount_fen,"
			 " submitted_on, month, window_start, window_end, submitted_by, changed_by)"
			 " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			 "ttddiDdDDtt", r->shop_id[0] ? r->shop_id : NULL,
			 r->provider_id[0] ? r->provider_id : NULL, r->kind, r->status, r->amount_fen, r->submitted_on,
			 (int)bzj_date_month(r->submitted_on), r->window_start, r->window_end,
			 r->submitted_by, r->submitted_by);
	if (!rc) {
		r->id = st_last_id(db);
		r->version = 1;
	}
	return rc;
}

/* The one refund a bound statement selects: BZJ_OK with *r filled,
 * BZJ_ENOTFOUND (nothing said in e: the caller names what was missing),
 * or the storage error. */
static int refund_one(bzj_db *db, st_stmt *st, bzj_refund *r, bzj_err *e)
{
	int rc = st_step(st);
	if (rc == ST_ROW)
		refund_read(st, r);
	st_reset(st);
	if (rc == ST_DONE)
		return BZJ_ENOTFOUND;
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_refund_get(bzj_db *db, int64_t id, bzj_refund *r, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT " REFUND_COLS " FROM refund r" REFUND_OWNERS
				   " WHERE r.id = ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "i", id);
	int rc = refund_one(db, st, r, e);
	if (rc == BZJ_ENOTFOUND)
		return bzj_fail(e, BZJ_ENOTFOUND, "refund.not_found", _("no refund with id %lld"),
				(long long)id);
	return rc;
}

int bzj_store_refund_update(bzj_db *db, bzj_refund *r, bzj_err *e)
{
	const char *by = r->changed_by[0] ? r->changed_by : r->submitted_by;
	int rc = st_exec(db, e,
			 "UPDATE refund SET status=?2, amount_fen=?3, checklist=?4, late=?5,"
			 " approved_by=?6, approved_on=?7, second_by=?8, paid_by=?9, paid_on=?10,"
			 " failure_reason=?11, reject_reason=?12, changed_by=?13,"
			 " batch_id=NULLIF(?15, 0), bank_ref=?16, closed_on=?17,"
			 " version=version+1 WHERE id=?1 AND version=?14",
			 "ididbtDttDtttiitD", r->id, r->status, r->amount_fen, r->checklist, r->late,
			 r->approved_by[0] ? r->approved_by : NULL, r->approved_on,
			 r->second_by[0] ? r->second_by : NULL, r->paid_by[0] ? r->paid_by : NULL,
			 r->paid_on, r->failure_reason[0] ? r->failure_reason : NULL,
			 r->reject_reason[0] ? r->reject_reason : NULL, by, r->version,
			 r->batch_id ? r->batch_id : (int64_t)0, r->bank_ref[0] ? r->bank_ref : NULL,
			 r->closed_on);
	if (rc)
		return rc;
	if (st_changes(db) != 1)
		return bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				_("refund %lld was changed by someone else; reload and try again"),
				(long long)r->id);
	r->version++;
	return BZJ_OK;
}

/* The refunds of a bank batch, sent in one statement (issue 15: 10,000 in
 * under a second).  Only the columns a send changes are set, so SQLite
 * rewrites only the indexes holding them; the seal trigger fires per row
 * and names the next audit record, the batch's (payout.c writes it next). */
int bzj_store_refunds_send(bzj_db *db, int64_t batch_id, const char *user, const char *ids,
			   int64_t n, bzj_err *e)
{
	/* PostgreSQL has neither printf() nor json_each() over an array: the
	 * same reference by lpad (ids stay below 10^9 for years; printf would
	 * print a longer id in full, so would lpad's fallback below) and the
	 * ids by json_array_elements_text. */
	int rc = st_is_pg(db)
			 ? st_exec(db, e,
				   "UPDATE refund SET status = 7, changed_by = ?2, batch_id = ?1,"
				   " bank_ref = 'BZJ' || CASE WHEN id < 1000000000"
				   " THEN lpad(CAST(id AS TEXT), 9, '0') ELSE CAST(id AS TEXT) END,"
				   " version = version + 1 WHERE id IN (SELECT CAST(value AS bigint)"
				   " FROM json_array_elements_text(CAST(?3 AS json))) AND status = 2",
				   "itt", batch_id, user, ids)
			 : st_exec(db, e,
				   "UPDATE refund SET status = 7, changed_by = ?2, batch_id = ?1,"
				   " bank_ref = printf('BZJ%09d', id), version = version + 1"
				   " WHERE id IN (SELECT value FROM json_each(?3)) AND status = 2",
				   "itt", batch_id, user, ids);
	if (rc)
		return rc;
	if (st_changes(db) != n)
		return bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				_("payout batch %lld: %lld of its %lld refunds were changed by "
				  "someone else meanwhile; nothing was sent, try again"),
				(long long)batch_id, (long long)(n - st_changes(db)),
				(long long)n);
	return BZJ_OK;
}

/* The refund list in due order with optional filters; :today decides
 * "overdue" (open and past the end of its window). */
#define REFUND_FILTERS                                                                             \
	" AND (:status = 0 OR r.status = :status)"                                                 \
	" AND (:kind = 0 OR r.kind = :kind)"                                                        \
	" AND (:open = 0 OR " REFUND_OPEN("r.") ")"                                                     \
	" AND (:overdue = 0 OR (" REFUND_OPEN("r.") " AND r.window_end < :today))"                     \
	" AND (:await = 0 OR (r.status = 2 AND COALESCE(r.second_by, '') = ''"                      \
	"                     AND r.amount_fen > :second_fen))"

/* The queue of all shops walks refund_due; one shop's refunds come from
 * refund_shop.  Separate statements, so neither plan is a compromise. */
#define REFUND_WHERE_ALL " WHERE 1 = 1" REFUND_FILTERS
#define REFUND_WHERE_SHOP " WHERE r.shop_id = :shop" REFUND_FILTERS
/* The open queue (the console's default) and its overdue part read the
 * partial index refund_open_due: no refund that is closed is visited. */
#define REFUND_WHERE_OPEN                                                                          \
	" WHERE " REFUND_OPEN("r.") " AND (:kind = 0 OR r.kind = :kind)"
#define REFUND_WHERE_OVERDUE REFUND_WHERE_OPEN " AND r.window_end < :today"

/* Which statement serves a query (the sql[] arrays below are in this
 * order); bzj_refund_count_from_load reads it too. */
int bzj_store_refund_variant(const bzj_refund_query *q)
{
	if (q->shop_id)
		return BZJ_RV_SHOP;
	if (q->status == 0 && !q->awaiting_second && (q->open_only || q->overdue))
		return q->overdue ? BZJ_RV_OVERDUE : BZJ_RV_OPEN;
	return BZJ_RV_ALL;
}

static void refund_bind(st_stmt *st, const bzj_refund_query *q, bzj_date today)
{
	int i;
	if ((i = st_param(st, ":shop")) > 0 && q->shop_id)
		st_bind_text(st, i, q->shop_id);
	if ((i = st_param(st, ":status")) > 0)
		st_bind_int(st, i, q->status);
	if ((i = st_param(st, ":kind")) > 0)
		st_bind_int(st, i, q->kind);
	if ((i = st_param(st, ":open")) > 0)
		st_bind_int(st, i, q->open_only);
	if ((i = st_param(st, ":overdue")) > 0)
		st_bind_int(st, i, q->overdue);
	if ((i = st_param(st, ":today")) > 0)
		st_bind_int(st, i, today);
	if ((i = st_param(st, ":await")) > 0)
		st_bind_int(st, i, q->awaiting_second);
	if ((i = st_param(st, ":second_fen")) > 0)
		st_bind_int(st, i, q->second_fen);
	if ((i = st_param(st, ":cdue")) > 0)
		st_bind_int(st, i, q->after_due);
	if ((i = st_param(st, ":cid")) > 0)
		st_bind_int(st, i, q->after_id);
}

int bzj_store_refund_list(bzj_db *db, const bzj_refund_query *q, bzj_date today, bzj_refund *out,
			  int max, int *n, bzj_err *e)
{
	*n = 0;
	/* The first page and the next ones are separate statements: a cursor
	 * OR-ed with "no cursor" would keep SQLite from seeking refund_due. */
#define REFUND_PAGE(idx, where, after)                                                             \
	"SELECT " REFUND_COLS " FROM refund r" idx REFUND_OWNERS where after                       \
	" ORDER BY r.window_end, r.id LIMIT :max"
#define OPEN_IDX " INDEXED BY refund_open_due"
#define AFTER " AND (r.window_end, r.id) > (:cdue, :cid)"
	static const char *const sql[4][2] = {
		{REFUND_PAGE("", REFUND_WHERE_ALL, ""), REFUND_PAGE("", REFUND_WHERE_ALL, AFTER)},
		{REFUND_PAGE("", REFUND_WHERE_SHOP, ""), REFUND_PAGE("", REFUND_WHERE_SHOP, AFTER)},
		{REFUND_PAGE(OPEN_IDX, REFUND_WHERE_OPEN, ""),
		 REFUND_PAGE(OPEN_IDX, REFUND_WHERE_OPEN, AFTER)},
		{REFUND_PAGE(OPEN_IDX, REFUND_WHERE_OVERDUE, ""),
		 REFUND_PAGE(OPEN_IDX, REFUND_WHERE_OVERDUE, AFTER)},
	};
#undef AFTER
#undef OPEN_IDX
#undef REFUND_PAGE
	st_stmt *st = st_prep(db, sql[bzj_store_refund_variant(q)][q->has_cursor], e);
	if (!st)
		return e->rc;
	refund_bind(st, q, today);
	st_bind_int(st, st_param(st, ":max"), max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		refund_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_refund_count(bzj_db *db, const bzj_refund_query *q, bzj_date today, int64_t *total,
			   bzj_err *e)
{
	static const char *const sql[4] = {
		"SELECT count(*) FROM refund r" REFUND_WHERE_ALL,
		"SELECT count(*) FROM refund r" REFUND_WHERE_SHOP,
		"SELECT count(*) FROM refund r INDEXED BY refund_open_due" REFUND_WHERE_OPEN,
		"SELECT count(*) FROM refund r INDEXED BY refund_open_due" REFUND_WHERE_OVERDUE,
	};
	st_stmt *st = st_prep(db, sql[bzj_store_refund_variant(q)], e);
	if (!st)
		return e->rc;
	refund_bind(st, q, today);
	int rc = st_step(st);
	*total = rc == ST_ROW ? st_col_int(st, 0) : 0;
	st_reset(st);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_refund_month_count(bzj_db *db, const char *shop_id, bzj_month m, int *n,
				 bzj_err *e)
{
	int64_t v = 0;
	int rc = st_int(db, e, &v, NULL,
			"SELECT count(*) FROM refund WHERE shop_id = ? AND month = ? AND kind = 1"
			" AND status NOT IN (4,5)",
			"td", shop_id, (int)m);
	*n = (int)v;
	return rc;
}

int bzj_store_refund_open(bzj_db *db, const char *shop_id, int64_t *id, int64_t *amount,
			  bzj_err *e)
{
	*id = 0;
	*amount = 0;
	st_stmt *st = st_prep(
		db, "SELECT id, amount_fen FROM refund WHERE shop_id = ? AND " REFUND_OPEN(""), e);
	if (!st)
		return e->rc;
	st_bind(st, "t", shop_id);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		*id = st_col_int(st, 0);
		*amount = st_col_int(st, 1);
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_refund_by_ref(bzj_db *db, const char *ref, bzj_refund *r, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT " REFUND_COLS " FROM refund r" REFUND_OWNERS
				   " WHERE r.bank_ref = ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", ref);
	return refund_one(db, st, r, e);
}

int bzj_store_refund_load(bzj_db *db, bzj_date today, int64_t second_fen, bzj_queue_load *out,
			  bzj_err *e)
{
	/* The open refunds only, by the same conditions as the queue's
	 * filters (REFUND_WHERE_OPEN, :overdue, :await), over covering
	 * partial indexes (schema v17): the cost is the entries read, never
	 * the table's rows.  One pass over the open refunds by age counts
	 * them all and, cumulatively, those submitted up to 1, 3, 7 and 15
	 * days ago (split below); due today and overdue are ranges of the
	 * due index.  (A range count per age read 2.2 times as many entries:
	 * 22 ms at 1,000,000 shops on PostgreSQL, 37,753 open refunds.) */
#define OPEN_COUNT(idx, cond)                                                                   \
	"(SELECT count(*) FROM refund INDEXED BY " idx " WHERE " REFUND_OPEN("") cond ")"
#define AGE_COUNT(days) "count(*) FILTER (WHERE submitted_on >= ?1 - " days ")"
	st_stmt *st = st_prep(
		db,
		"SELECT count(*),"
		" " OPEN_COUNT("refund_open_due", " AND window_end = ?1") ","
		" " OPEN_COUNT("refund_open_due", " AND window_end < ?1") ","
		" (SELECT count(*) FROM refund INDEXED BY refund_await_second WHERE status = 2"
		" AND COALESCE(second_by, '') = '' AND amount_fen > ?2),"
		" " AGE_COUNT("1") ", " AGE_COUNT("3") ", " AGE_COUNT("7") ", " AGE_COUNT("15")
		" FROM refund INDEXED BY refund_open_age WHERE " REFUND_OPEN(""),
		e);
#undef AGE_COUNT
#undef OPEN_COUNT
	if (!st)
		return e->rc;
	st_bind(st, "Di", today, second_fen);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		int64_t upto[BZJ_LOAD_AGES - 1], prev = 0;
		out->open = st_col_int(st, 0);
		out->due_today = st_col_int(st, 1);
		out->overdue = st_col_int(st, 2);
		out->awaiting_second = st_col_int(st, 3);
		for (int i = 0; i < BZJ_LOAD_AGES - 1; i++) {
			upto[i] = st_col_int(st, 4 + i);
			out->by_age[i] = upto[i] - prev;
			prev = upto[i];
		}
		out->by_age[BZJ_LOAD_AGES - 1] = out->open - prev;
	}
	st_reset(st);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}
