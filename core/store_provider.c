/* store_provider.c - service providers: their rows, their own ledger and
 * payee, bindings, orders, complaints and renewal assessments.  The order
 * sums are single set-based statements over the bindings (indexed by
 * provider), each binding two lookups of shop_orders' running sums (keyed
 * by shop and day). */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

#define PROVIDER_COLS                                                                              \
	"p.id, p.name, p.entity_name, p.kind, p.status, p.added, p.certified_on, p.delisted_on,"  \
	" p.exited_on, p.balance_fen, p.frozen_fen, p.version"

static void provider_read(st_stmt *st, bzj_provider *p)
{
	memset(p, 0, sizeof *p);
	st_text(st, 0, p->id, sizeof p->id);
	st_text(st, 1, p->name, sizeof p->name);
	st_text(st, 2, p->entity_name, sizeof p->entity_name);
	p->kind = st_col_int32(st, 3);
	p->status = st_col_int32(st, 4);
	p->added = st_date(st, 5);
	p->certified_on = st_date(st, 6);
	p->delisted_on = st_date(st, 7);
	p->exited_on = st_date(st, 8);
	p->balance_fen = st_col_int(st, 9);
	p->frozen_fen = st_col_int(st, 10);
	p->version = st_col_int(st, 11);
}

int bzj_store_provider_insert(bzj_db *db, const bzj_provider *p, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO provider(id, name, entity_name, kind, status, added, certified_on)"
		       " VALUES (?,?,?,?,?,?,?)",
		       "tttddDD", p->id, p->name, p->entity_name, p->kind, p->status, p->added,
		       p->certified_on);
}

int bzj_store_provider_get(bzj_db *db, const char *id, bzj_provider *p, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT " PROVIDER_COLS " FROM provider p WHERE p.id = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "t", id);
	int rc = st_step(st);
	if (rc == ST_ROW)
		provider_read(st, p);
	st_reset(st);
	if (rc == ST_DONE) {
		char q[80];
		return bzj_fail(e, BZJ_ENOTFOUND, "provider.not_found", _("no provider with id %s"),
				bzj_err_quote(id, q, sizeof q));
	}
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_provider_update(bzj_db *db, bzj_provider *p, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "UPDATE provider SET kind=?2, status=?3, certified_on=?4, delisted_on=?5,"
			 " exited_on=?6, balance_fen=?7, frozen_fen=?8, version=version+1"
			 " WHERE id=?1 AND version=?9",
			 "tddDDDiii", p->id, p->kind, p->status, p->certified_on, p->delisted_on,
			 p->exited_on, p->balance_fen, p->frozen_fen, p->version);
	if (rc)
		return rc;
	if (st_changes(db) != 1)
		return bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				_("provider %s was changed by someone else; reload and try again"),
				p->id);
	p->version++;
	return BZJ_OK;
}

/* Bindings in force on :day, open complaints (open or waiting for the
 * second approval) and upheld ones, of provider p. */
#define PROVIDER_STATS                                                                             \
	"(SELECT count(DISTINCT b.shop_id) FROM provider_binding b WHERE b.provider_id = p.id"     \
	"  AND b.from_day <= :day AND (b.to_day IS NULL OR b.to_day >= :day)),"                    \
	" (SELECT count(*) FROM provider_complaint c WHERE c.provider_id = p.id"                  \
	"  AND c.status IN (1,2)),"                                                                \
	" (SELECT count(*) FROM provider_complaint c WHERE c.provider_id = p.id AND c.status = 3)"

int bzj_store_provider_stats(bzj_db *db, const char *id, bzj_date day, int64_t *bound,
			     int64_t *open_c, int64_t *upheld_c, bzj_err *e)
{
	st_stmt *st =
		st_prep(db, "SELECT " PROVIDER_STATS " FROM provider p WHERE p.id = :id", e);
	if (!st)
		return e->rc;
	st_bind_int(st, st_param(st, ":day"), day);
	st_bind_text(st, st_param(st, ":id"), id);
	int rc = st_step(st);
	*bound = rc == ST_ROW ? st_col_int(st, 0) : 0;
	*open_c = rc == ST_ROW ? st_col_int(st, 1) : 0;
	*upheld_c = rc == ST_ROW ? st_col_int(st, 2) : 0;
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

#define PROVIDER_WHERE                                                                             \
	" WHERE (:kind = 0 OR p.kind = :kind) AND (:status = 0 OR p.status = :status)"            \
	" AND (CAST(:search AS TEXT) IS NULL OR instr(p.id, :search) > 0 OR instr(p.name, :search) > 0"         \
	"  OR instr(p.entity_name, :search) > 0)"

int bzj_store_provider_list(bzj_db *db, const bzj_provider_query *q, bzj_date day,
			    bzj_store_provider_fn fn, void *ctx, int64_t *total, bzj_err *e)
{
	static const char count_sql[] = "SELECT count(*) FROM provider p" PROVIDER_WHERE;
	/* The page walks the primary key from :after (keyset paging: a page
	 * deep in the list costs what the first one does). */
	static const char list_sql[] = "SELECT " PROVIDER_COLS ", " PROVIDER_STATS
				       " FROM provider p" PROVIDER_WHERE
				       " AND (CAST(:after AS TEXT) IS NULL OR p.id > :after)"
				       " ORDER BY p.id LIMIT :max";
	for (int pass = 0; pass < 2; pass++) {
		st_stmt *st = st_prep(db, pass ? list_sql : count_sql, e);
		if (!st)
			return e->rc;
		int i;
		if ((i = st_param(st, ":kind")) > 0)
			st_bind_int(st, i, q->kind);
		if ((i = st_param(st, ":status")) > 0)
			st_bind_int(st, i, q->status);
		if ((i = st_param(st, ":search")) > 0 && q->search && *q->search)
			st_bind_text(st, i, q->search);
		if ((i = st_param(st, ":day")) > 0)
			st_bind_int(st, i, day);
		if ((i = st_param(st, ":after")) > 0 && q->after && *q->after)
			st_bind_text(st, i, q->after);
		if ((i = st_param(st, ":max")) > 0)
			st_bind_int(st, i, q->limit > 0 ? q->limit : INT64_MAX);
		int rc;
		if (!pass) {
			rc = st_step(st);
			*total = rc == ST_ROW ? st_col_int(st, 0) : 0;
			st_reset(st);
			if (rc != ST_ROW)
				return st_error(db, rc, e);
			continue;
		}
		while ((rc = st_step(st)) == ST_ROW) {
			bzj_provider p;
			provider_read(st, &p);
			if (fn(ctx, &p, st_col_int(st, 12), st_col_int(st, 13),
			       st_col_int(st, 14))) {
				rc = ST_DONE;
				break;
			}
		}
		st_reset(st);
		if (rc != ST_DONE)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

/* ---- the provider's own ledger ------------------------------------------- */

#define PLEDGER_COLS                                                                               \
	"id, day, kind, amount_fen, balance_after, ref, note, complaint_id, refund_id, user,"      \
	" provider_id"

static void pledger_read(st_stmt *st, bzj_provider_entry *le)
{
	memset(le, 0, sizeof *le);
	le->id = st_col_int(st, 0);
	le->date = st_date(st, 1);
	le->kind = st_col_int32(st, 2);
	le->amount_fen = st_col_int(st, 3);
	le->balance_after_fen = st_col_int(st, 4);
	st_text(st, 5, le->ref, sizeof le->ref);
	st_text(st, 6, le->note, sizeof le->note);
	le->complaint_id = st_col_int(st, 7);
	le->refund_id = st_col_int(st, 8);
	st_text(st, 9, le->user, sizeof le->user);
}

int bzj_store_pledger_insert(bzj_db *db, const char *pid, bzj_provider_entry *le, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO provider_ledger(provider_id, day, kind, amount_fen,"
			 " balance_after, ref, note, complaint_id, refund_id, user)"
			 " VALUES (?,?,?,?,?,?,?,NULLIF(?,0),NULLIF(?,0),?)",
			 "tDdiittiit", pid, le->date, le->kind, le->amount_fen, le->balance_after_fen,
			 le->ref[0] ? le->ref : NULL, le->note, le->complaint_id, le->refund_id,
			 le->user);
	if (!rc)
		le->id = st_last_id(db);
	return rc;
}

int bzj_store_pledger_by_ref(bzj_db *db, const char *ref, bzj_provider_entry *le, char *pid,
			     size_t npid, bool *found, bzj_err *e)
{
	st_stmt *st =
		st_prep(db, "SELECT " PLEDGER_COLS " FROM provider_ledger WHERE ref = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "t", ref);
	int rc = st_step(st);
	*found = rc == ST_ROW;
	if (rc == ST_ROW) {
		pledger_read(st, le);
		st_text(st, 10, pid, npid);
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_pledger_list(bzj_db *db, const char *pid, bzj_provider_entry *out, int max, int *n,
			   bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
				   "SELECT " PLEDGER_COLS " FROM provider_ledger WHERE provider_id = ?"
				   " ORDER BY id DESC LIMIT ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "td", pid, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		pledger_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_ppayee_get(bzj_db *db, const char *pid, bzj_payee *p, bzj_err *e)
{
	memset(p, 0, sizeof *p);
	st_stmt *st = st_prep(db,
				   "SELECT name, account, since, (SELECT count(*) FROM provider_payee"
				   " WHERE provider_id = ?1) FROM provider_payee WHERE provider_id = ?1"
				   " ORDER BY id DESC LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", pid);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		p->present = true;
		p->type = BZJ_PAYEE_CORPORATE;
		st_text(st, 0, p->name, sizeof p->name);
		st_text(st, 1, p->account, sizeof p->account);
		p->since = st_date(st, 2);
		p->had_previous = st_col_int(st, 3) > 1;
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_ppayee_insert(bzj_db *db, const char *pid, const char *name, const char *account,
			    bzj_date since, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO provider_payee(provider_id, name, account, since) VALUES (?,?,?,?)",
		       "tttD", pid, name, account, since);
}

/* ---- bindings and orders --------------------------------------------------- */

static void binding_read(st_stmt *st, bzj_binding *b)
{
	memset(b, 0, sizeof *b);
	b->id = st_col_int(st, 0);
	st_text(st, 1, b->provider_id, sizeof b->provider_id);
	st_text(st, 2, b->shop_id, sizeof b->shop_id);
	b->from = st_date(st, 3);
	b->to = st_date(st, 4);
}

#define BINDING_COLS "id, provider_id, shop_id, from_day, to_day"

static int binding_one(bzj_db *db, st_stmt *st, bzj_binding *b, bool *found, bzj_err *e)
{
	int rc = st_step(st);
	*found = rc == ST_ROW;
	if (rc == ST_ROW)
		binding_read(st, b);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_binding_overlap(bzj_db *db, const char *pid, const char *shop, bzj_date from,
			      bzj_date to, bzj_binding *b, bool *found, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT " BINDING_COLS " FROM provider_binding"
				   " WHERE provider_id = ?1 AND shop_id = ?2"
				   " AND (to_day IS NULL OR to_day >= ?3)"
				   " AND (CAST(?4 AS INTEGER) IS NULL OR from_day <= ?4) ORDER BY from_day LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "ttDD", pid, shop, from, to);
	return binding_one(db, st, b, found, e);
}

int bzj_store_binding_insert(bzj_db *db, bzj_binding *b, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO provider_binding(provider_id, shop_id, from_day, to_day)"
			 " VALUES (?,?,?,?)",
			 "ttDD", b->provider_id, b->shop_id, b->from, b->to);
	if (!rc)
		b->id = st_last_id(db);
	return rc;
}

int bzj_store_binding_open(bzj_db *db, const char *pid, const char *shop, bzj_binding *b,
			   bool *found, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT " BINDING_COLS " FROM provider_binding"
				   " WHERE provider_id = ? AND shop_id = ? AND to_day IS NULL",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "tt", pid, shop);
	return binding_one(db, st, b, found, e);
}

int bzj_store_binding_end(bzj_db *db, int64_t id, bzj_date to, bzj_err *e)
{
	return st_exec(db, e, "UPDATE provider_binding SET to_day = ? WHERE id = ?", "Di", to, id);
}

int bzj_store_binding_list(bzj_db *db, const char *pid, bzj_binding *out, int max, int *n,
			   bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
				   "SELECT " BINDING_COLS " FROM provider_binding WHERE provider_id = ?"
				   " ORDER BY shop_id, from_day LIMIT ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "td", pid, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		binding_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

/* The orders of one binding `b` within [:from, :to], from the running
 * sums of shop_orders (schema: net_cum, gift_cum): the sum at the last
 * row on or before hi = min(end, :to) minus the sum at the last row
 * before lo = max(bound, :from).  Each is one seek of the (shop_id, day)
 * primary key, so a binding costs a fixed few lookups however many days
 * or shops the order table holds (a plain sum reads every day of every
 * bound shop: ~2 ms a provider, too slow for a console page and growing
 * with the table).  Days without a row count 0 on both sides.  The
 * bindings are filtered to those meeting [:from, :to] (and an empty
 * period, :from after :to, to none), so lo <= hi. */
#define BINDING_LO "max(b.from_day, :from)"
#define BINDING_HI "min(COALESCE(b.to_day, :to), :to)"
#define CUM_AT(col, bound)                                                                         \
	"COALESCE((SELECT o." col " FROM shop_orders o WHERE o.shop_id = b.shop_id"               \
	" AND o.day <= " bound " AND " BULK_VISIBLE("o") " ORDER BY o.day DESC, o.job DESC"       \
	" LIMIT 1), 0)"
#define BINDING_SPAN(col) "(" CUM_AT(col, BINDING_HI) " - " CUM_AT(col, BINDING_LO " - 1") ")"
#define BINDING_MEETS                                                                              \
	" :from <= :to AND b.from_day <= :to AND (b.to_day IS NULL OR b.to_day >= :from)"

/* Runs a prepared sum of one provider's orders over [:from, :to]: the
 * net orders and the gift orders (both 0 when it has no binding then). */
static int orders_sums(bzj_db *db, st_stmt *st, const char *pid, bzj_date from, bzj_date to,
		       int64_t *orders, int64_t *gift, bzj_err *e)
{
	if (!st)
		return e->rc;
	st_bind_text(st, st_param(st, ":pid"), pid);
	st_bind_int(st, st_param(st, ":from"), from);
	st_bind_int(st, st_param(st, ":to"), to);
	int rc = st_step(st);
	*orders = rc == ST_ROW ? st_col_int(st, 0) : 0;
	*gift = rc == ST_ROW ? st_col_int(st, 1) : 0;
	st_reset(st);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_provider_orders(bzj_db *db, const char *pid, bzj_date from, bzj_date to,
			      int64_t *orders, int64_t *gift, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT COALESCE(sum(" BINDING_SPAN("net_cum") "), 0),"
				   " COALESCE(sum(" BINDING_SPAN("gift_cum") "), 0)"
				   " FROM provider_binding b"
				   " WHERE b.provider_id = :pid AND" BINDING_MEETS,
				   e);
	return orders_sums(db, st, pid, from, to, orders, gift, e);
}

/* The same sums read day by day from the raw columns: what the running
 * sums must always equal (tests compare the two over random bindings). */
int bzj_store_provider_orders_plain(bzj_db *db, const char *pid, bzj_date from, bzj_date to,
				    int64_t *orders, int64_t *gift, bzj_err *e)
{
	st_stmt *st = st_prep(
		db,
		"SELECT COALESCE(sum(o.paid - o.gift), 0), COALESCE(sum(o.gift), 0)"
		" FROM provider_binding b JOIN shop_orders o ON o.shop_id = b.shop_id"
		" AND o.day >= " BINDING_LO " AND o.day <= " BINDING_HI " AND " ORD_NEWEST("o")
		" WHERE b.provider_id = :pid AND" BINDING_MEETS,
		e);
	return orders_sums(db, st, pid, from, to, orders, gift, e);
}

/* One imported row: its running sums continue the shop's last row
 * before it, and every later row of the shop moves by the change in
 * this day (nothing for the usual import of the newest day; at most the
 * days after it for a re-imported one).  Any order of rows is right:
 * each row sees the rows before it as already updated.
 *
 * As rows of `job` (import orders as a bulk job, core/import.c
 * orders_write): the rows this job staged in earlier slices count as
 * written (ORD_SEES), readers see none of them until it publishes.  A
 * day already there is not updated but staged again as a newer version
 * of the job, and so is each later day of the shop whose running sums
 * move (the copy statement; a later day the job already staged is moved
 * in place): publishing the job then switches every (shop, day) it
 * touched to its version at once, and nothing visible was written. */
/* Per row, the job's state by its key rather than BULK_VISIBLE's list of
 * every published job, which each execution of a statement would build
 * again (a list that grows by a few jobs every day). */
#define ORD_SEES(a)                                                                                \
	"(" a ".job = ?3 OR " a ".job = 0 OR EXISTS (SELECT 1 FROM bulk_job j WHERE j.id = " a      \
	".job AND j.state = 1))"
int bzj_store_orders_stage(bzj_db *db, int64_t job, const bzj_order_row *rows, size_t n,
			   int64_t *moved, bzj_err *e)
{
	/* the shop's first day on or after the row's: none (the usual
	 * import of the newest day) and there is nothing to look up or move */
	st_stmt *next = st_prep(db, "SELECT o.day FROM shop_orders o"
				     " WHERE o.shop_id = ?1 AND o.day >= ?2 AND " ORD_SEES("o")
				     " ORDER BY o.day LIMIT 1", e);
	st_stmt *old = next ? st_prep(db, "SELECT paid - gift, gift FROM shop_orders o"
					   " WHERE o.shop_id = ?1 AND o.day = ?2 AND " ORD_SEES("o")
					   " ORDER BY o.job DESC LIMIT 1", e)
			    : NULL;
	st_stmt *prev = old ? st_prep(db, "SELECT net_cum, gift_cum FROM shop_orders o"
					       " WHERE o.shop_id = ?1 AND o.day < ?2 AND " ORD_SEES("o")
					       " ORDER BY o.day DESC, o.job DESC LIMIT 1", e)
				 : NULL;
	st_stmt *put =
		prev ? st_prep(db,
			       "INSERT INTO shop_orders(shop_id, day, job, paid, gift, net_cum, gift_cum)"
			       " VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(shop_id, day, job) DO UPDATE SET"
			       " paid = excluded.paid, gift = excluded.gift,"
			       " net_cum = excluded.net_cum, gift_cum = excluded.gift_cum",
			       e)
		     : NULL;
	st_stmt *own = put ? st_prep(db, "UPDATE shop_orders SET net_cum = net_cum + ?4,"
					      " gift_cum = gift_cum + ?5"
					      " WHERE shop_id = ?1 AND day > ?2 AND job = ?3", e)
				: NULL;
	st_stmt *copy =
		own ? st_prep(db,
			      "INSERT INTO shop_orders(shop_id, day, job, paid, gift, net_cum, gift_cum)"
			      " SELECT o.shop_id, o.day, ?3, o.paid, o.gift, o.net_cum + ?4,"
			      " o.gift_cum + ?5 FROM shop_orders o"
			      " WHERE o.shop_id = ?1 AND o.day > ?2 AND o.job <> ?3 AND " ORD_SEES("o")
			      " AND NOT EXISTS (SELECT 1 FROM shop_orders n WHERE n.shop_id = o.shop_id"
			      " AND n.day = o.day AND n.job > o.job AND " ORD_SEES("n") ")",
			      e)
		    : NULL;
	if (!copy)
		return e->rc;
	int rc = ST_DONE;
	for (size_t i = 0; i < n && rc == ST_DONE; i++) {
		const bzj_order_row *r = &rows[i];
		int64_t was_net = 0, was_gift = 0, pn = 0, pg = 0;
		bool found = false, later = false;
		st_reset(next);
		st_bind(next, "tdi", r->shop_id, (int)r->day, job);
		if ((rc = st_step(next)) == ST_ROW) {
			later = true; /* the day itself or a later one: look and move */
			rc = ST_DONE;
		}
		st_reset(next);
		if (rc != ST_DONE)
			break;
		st_reset(old);
		if (later) {
			st_bind(old, "tdi", r->shop_id, (int)r->day, job);
			if ((rc = st_step(old)) == ST_ROW) {
				was_net = st_col_int(old, 0);
				was_gift = st_col_int(old, 1);
				found = true;
				rc = ST_DONE;
			}
			st_reset(old);
			if (rc != ST_DONE)
				break;
		}
		int64_t net = r->paid - r->gift;
		if (found && net == was_net && r->gift == was_gift)
			continue; /* the same figures again: nothing moves, no new version */
		st_reset(prev);
		st_bind(prev, "tdi", r->shop_id, (int)r->day, job);
		if ((rc = st_step(prev)) == ST_ROW) {
			pn = st_col_int(prev, 0);
			pg = st_col_int(prev, 1);
			rc = ST_DONE;
		}
		st_reset(prev);
		if (rc != ST_DONE)
			break;
		st_reset(put);
		st_bind(put, "tdiiiii", r->shop_id, (int)r->day, job, r->paid, r->gift, pn + net,
			pg + r->gift);
		rc = st_step(put);
		st_reset(put);
		if (rc == ST_DONE && found && moved)
			(*moved)++; /* a day there before: its old version is superseded */
		if (rc != ST_DONE || !later || (net == was_net && r->gift == was_gift))
			continue;
		/* the job's own later rows first, then copies of the visible
		 * ones it has not staged yet: each later day moves once */
		for (int s = 0; s < 2 && rc == ST_DONE; s++) {
			st_stmt *st = s ? copy : own;
			st_reset(st);
			st_bind(st, "tdiii", r->shop_id, (int)r->day, job, net - was_net,
				r->gift - was_gift);
			rc = st_step(st);
			if (rc == ST_DONE && s && moved)
				*moved += st_changes(db); /* later days restaged */
			st_reset(st);
		}
	}
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_orders_import(bzj_db *db, const bzj_order_row *rows, size_t n, bzj_err *e)
{
	return bzj_store_orders_stage(db, 0, rows, n, NULL, e);
}

/* After `job` published: the older versions of the (shop, day) rows it
 * restaged, from each row's day on, which no reader sees any more (the
 * job's own version is newer and visible), so deleting them changes no
 * reader's result, in any slice, and a kill part-way leaves only rows
 * nobody reads. */
int bzj_store_orders_prune(bzj_db *db, int64_t job, const bzj_order_row *rows, size_t n,
			   bzj_err *e)
{
	st_stmt *st = st_prep(db, "DELETE FROM shop_orders WHERE shop_id = ?1 AND day >= ?2"
				  " AND job < ?3 AND EXISTS (SELECT 1 FROM shop_orders n"
				  " WHERE n.shop_id = ?1 AND n.day = shop_orders.day AND n.job = ?3)", e);
	if (!st)
		return e->rc;
	for (size_t i = 0; i < n; i++) {
		st_reset(st);
		st_bind(st, "tdi", rows[i].shop_id, (int)rows[i].day, job);
		int rc = st_step(st);
		st_reset(st);
		if (rc != ST_DONE)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

/* Rows go in ORDERS_BATCH at a time through one prepared multi-row
 * INSERT (the demo writes 18M rows at a million shops: a statement per
 * row spent most of its time starting and resetting statements). */
enum { ORDERS_BATCH = 90 };
#define ORDERS_INSERT "INSERT INTO shop_orders(shop_id, day, paid, gift, net_cum, gift_cum) VALUES "

static const char *orders_batch_sql(void)
{
	static char sql[sizeof ORDERS_INSERT + ORDERS_BATCH * sizeof "(?,?,?,?,?,?),"];
	if (!sql[0]) {
		size_t k = (size_t)snprintf(sql, sizeof sql, "%s", ORDERS_INSERT);
		for (int i = 0; i < ORDERS_BATCH; i++)
			k += (size_t)snprintf(sql + k, sizeof sql - k, "%s(?,?,?,?,?,?)",
					      i ? "," : "");
	}
	return sql;
}

int bzj_store_orders_append(bzj_db *db, const bzj_order_row *rows, size_t n, bzj_err *e)
{
	st_stmt *one = st_prep(db, ORDERS_INSERT "(?,?,?,?,?,?)", e);
	st_stmt *many = one ? st_prep(db, orders_batch_sql(), e) : NULL;
	if (!many)
		return e->rc;
	int64_t cn = 0, cg = 0;
	for (size_t i = 0; i < n;) {
		size_t k = n - i >= ORDERS_BATCH ? ORDERS_BATCH : 1;
		st_stmt *st = k > 1 ? many : one;
		st_reset(st);
		for (size_t j = 0; j < k; j++, i++) {
			if (i == 0 || strcmp(rows[i].shop_id, rows[i - 1].shop_id))
				cn = cg = 0;
			cn += rows[i].paid - rows[i].gift;
			cg += rows[i].gift;
			int p = (int)j * 6;
			st_bind_text(st, p + 1, rows[i].shop_id);
			st_bind_int(st, p + 2, (int)rows[i].day);
			st_bind_int(st, p + 3, rows[i].paid);
			st_bind_int(st, p + 4, rows[i].gift);
			st_bind_int(st, p + 5, cn);
			st_bind_int(st, p + 6, cg);
		}
		int rc = st_step(st);
		st_reset(st); /* and its bindings */
		if (rc != ST_DONE)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

/* ---- complaints --------------------------------------------------------------- */

#define COMPLAINT_COLS                                                                             \
	"id, provider_id, shop_id, day, status, frozen_fen, amount_fen, note, reason, resolved,"   \
	" user, upheld_by, second_by, version"

static void complaint_read(st_stmt *st, bzj_complaint *c)
{
	memset(c, 0, sizeof *c);
	c->id = st_col_int(st, 0);
	st_text(st, 1, c->provider_id, sizeof c->provider_id);
	st_text(st, 2, c->shop_id, sizeof c->shop_id);
	c->date = st_date(st, 3);
	c->status = st_col_int32(st, 4);
	c->frozen_fen = st_col_int(st, 5);
	c->amount_fen = st_col_int(st, 6);
	st_text(st, 7, c->note, sizeof c->note);
	st_text(st, 8, c->reason, sizeof c->reason);
	c->resolved = st_date(st, 9);
	st_text(st, 10, c->user, sizeof c->user);
	st_text(st, 11, c->upheld_by, sizeof c->upheld_by);
	st_text(st, 12, c->second_by, sizeof c->second_by);
	c->version = st_col_int(st, 13);
}

int bzj_store_complaint_insert(bzj_db *db, bzj_complaint *c, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO provider_complaint(provider_id, shop_id, day, status,"
			 " frozen_fen, note, user) VALUES (?,?,?,1,?,?,?)",
			 "ttDitt", c->provider_id, c->shop_id, c->date, c->frozen_fen, c->note,
			 c->user);
	if (!rc) {
		c->id = st_last_id(db);
		c->status = BZJ_CS_OPEN;
		c->version = 1;
	}
	return rc;
}

int bzj_store_complaint_get(bzj_db *db, int64_t id, bzj_complaint *c, bzj_err *e)
{
	st_stmt *st =
		st_prep(db, "SELECT " COMPLAINT_COLS " FROM provider_complaint WHERE id = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "i", id);
	int rc = st_step(st);
	if (rc == ST_ROW)
		complaint_read(st, c);
	st_reset(st);
	if (rc == ST_DONE)
		return bzj_fail(e, BZJ_ENOTFOUND, "complaint.not_found",
				_("no complaint with id %lld"), (long long)id);
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_complaint_update(bzj_db *db, bzj_complaint *c, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "UPDATE provider_complaint SET status=?2, frozen_fen=?3, amount_fen=?4,"
			 " reason=?5, resolved=?6, upheld_by=?7, second_by=?8, version=version+1"
			 " WHERE id=?1 AND version=?9",
			 "idiitDtti", c->id, c->status, c->frozen_fen, c->amount_fen,
			 c->reason[0] ? c->reason : NULL, c->resolved,
			 c->upheld_by[0] ? c->upheld_by : NULL, c->second_by[0] ? c->second_by : NULL,
			 c->version);
	if (rc)
		return rc;
	if (st_changes(db) != 1)
		return bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				_("complaint %lld was changed by someone else; reload and try again"),
				(long long)c->id);
	c->version++;
	return BZJ_OK;
}

int bzj_store_complaint_list(bzj_db *db, const char *pid, bzj_complaint *out, int max, int *n,
			     bzj_err *e)
{
	*n = 0;
	static const char one[] = "SELECT " COMPLAINT_COLS " FROM provider_complaint"
				  " WHERE provider_id = ?1 ORDER BY id DESC LIMIT ?2";
	static const char all[] = "SELECT " COMPLAINT_COLS " FROM provider_complaint"
				  " WHERE CAST(?1 AS TEXT) IS NULL ORDER BY id DESC LIMIT ?2";
	st_stmt *st = st_prep(db, pid ? one : all, e);
	if (!st)
		return e->rc;
	st_bind(st, "td", pid, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		complaint_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_refund_provider_open(bzj_db *db, const char *pid, int64_t *id, bzj_err *e)
{
	bool found;
	int rc = st_int(db, e, id, &found,
			"SELECT id FROM refund WHERE provider_id = ? AND " REFUND_OPEN(""), "t", pid);
	if (!found)
		*id = 0;
	return rc;
}

/* ---- renewal assessments -------------------------------------------------- */

#define ASSESS_COLS                                                                                \
	"id, name, cutoff, from_day, to_day, threshold, deposit_fen, closed_on, created_by,"        \
	" created_on"

int bzj_store_assess_insert(bzj_db *db, bzj_assessment *a, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO assessment(name, cutoff, from_day, to_day, threshold,"
			 " deposit_fen, created_by, created_on) VALUES (?,?,?,?,?,?,?,?)",
			 "tDDDiitD", a->name, a->cutoff, a->from, a->to, a->threshold, a->deposit_fen,
			 a->created_by, a->created_on);
	if (!rc)
		a->id = st_last_id(db);
	return rc;
}

int bzj_store_assess_get(bzj_db *db, const char *name, bzj_assessment *a, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT " ASSESS_COLS " FROM assessment WHERE name = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "t", name);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		memset(a, 0, sizeof *a);
		a->id = st_col_int(st, 0);
		st_text(st, 1, a->name, sizeof a->name);
		a->cutoff = st_date(st, 2);
		a->from = st_date(st, 3);
		a->to = st_date(st, 4);
		a->threshold = st_col_int(st, 5);
		a->deposit_fen = st_col_int(st, 6);
		a->closed_on = st_date(st, 7);
		st_text(st, 8, a->created_by, sizeof a->created_by);
		a->created_on = st_date(st, 9);
	}
	st_reset(st);
	if (rc == ST_DONE) {
		char q[80];
		return bzj_fail(e, BZJ_ENOTFOUND, "assess.not_found", _("no assessment named %s"),
				bzj_err_quote(name, q, sizeof q));
	}
	return rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_assess_list(bzj_db *db, bzj_assessment *out, int max, int *n, bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db, "SELECT " ASSESS_COLS " FROM assessment"
				       " ORDER BY (closed_on IS NULL) DESC, to_day DESC, id DESC", e);
	if (!st)
		return e->rc;
	int rc = ST_DONE;
	while (*n < max && (rc = st_step(st)) == ST_ROW) {
		bzj_assessment *a = &out[(*n)++];
		memset(a, 0, sizeof *a);
		a->id = st_col_int(st, 0);
		st_text(st, 1, a->name, sizeof a->name);
		a->cutoff = st_date(st, 2);
		a->from = st_date(st, 3);
		a->to = st_date(st, 4);
		a->threshold = st_col_int(st, 5);
		a->deposit_fen = st_col_int(st, 6);
		a->closed_on = st_date(st, 7);
		st_text(st, 8, a->created_by, sizeof a->created_by);
		a->created_on = st_date(st, 9);
	}
	if (*n == max)
		rc = ST_DONE;
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_assess_closed(bzj_db *db, int64_t id, bzj_date day, bzj_err *e)
{
	return st_exec(db, e, "UPDATE assessment SET closed_on = ? WHERE id = ?", "Di", day, id);
}

static int assess_rows(bzj_db *db, const bzj_assessment *a, bzj_date upto, const char *ids,
		       bzj_assess_fn fn, void *ctx, bzj_err *e);

int bzj_store_assess_rows(bzj_db *db, const bzj_assessment *a, bzj_date upto, bzj_assess_fn fn,
			  void *ctx, bzj_err *e)
{
	return assess_rows(db, a, upto, NULL, fn, ctx, e);
}

int bzj_store_assess_rows_of(bzj_db *db, const bzj_assessment *a, bzj_date upto,
			     const char *ids_json, bzj_assess_fn fn, void *ctx, bzj_err *e)
{
	return assess_rows(db, a, upto, ids_json, fn, ctx, e);
}

static int assess_rows(bzj_db *db, const bzj_assessment *a, bzj_date upto, const char *ids,
		       bzj_assess_fn fn, void *ctx, bzj_err *e)
{
	/* Open: every provider assessed, its orders summed in one statement
	 * (bindings by provider, two running-sum lookups by (shop, day) per
	 * binding); closed: the results recorded at close. */
	static const char open_sql[] =
		"SELECT p.id, COALESCE((SELECT sum(" BINDING_SPAN("net_cum") ")"
		" FROM provider_binding b WHERE b.provider_id = p.id AND" BINDING_MEETS "), 0),"
		" p.balance_fen"
		" FROM provider p WHERE p.kind = 2 AND p.status = 2 AND p.certified_on <= :cutoff"
		" ORDER BY p.id";
	/* a console page: the providers by primary key, the same columns */
	static const char page_sql[] =
		"SELECT p.id, COALESCE((SELECT sum(" BINDING_SPAN("net_cum") ")"
		" FROM provider_binding b WHERE b.provider_id = p.id AND" BINDING_MEETS "), 0),"
		" p.balance_fen FROM provider p WHERE p.id IN (SELECT value FROM json_each(:ids))"
		" AND p.kind = 2 AND p.status = 2 AND p.certified_on <= :cutoff ORDER BY p.id";
	static const char closed_sql[] = "SELECT provider_id, orders, deposit_fen, outcome"
					 " FROM assessment_result WHERE assessment_id = :id"
					 " ORDER BY provider_id";
	bool closed = a->closed_on != BZJ_DATE_NONE;
	st_stmt *st = st_prep(db, closed ? closed_sql : ids ? page_sql : open_sql, e);
	if (!st)
		return e->rc;
	int i;
	if ((i = st_param(st, ":ids")) > 0)
		st_bind_text(st, i, ids);
	bzj_date to = upto < a->to ? upto : a->to;
	if ((i = st_param(st, ":id")) > 0)
		st_bind_int(st, i, a->id);
	if ((i = st_param(st, ":from")) > 0)
		st_bind_int(st, i, a->from);
	if ((i = st_param(st, ":to")) > 0)
		st_bind_int(st, i, to);
	if ((i = st_param(st, ":cutoff")) > 0)
		st_bind_int(st, i, a->cutoff);
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		bzj_assess_row r;
		memset(&r, 0, sizeof r);
		st_text(st, 0, r.id, sizeof r.id);
		r.orders = st_col_int(st, 1);
		r.deposit_fen = st_col_int(st, 2);
		r.meets_orders = r.orders >= a->threshold;
		r.meets_deposit = r.deposit_fen >= a->deposit_fen;
		r.outcome = closed ? st_col_int32(st, 3) : BZJ_AO_PENDING;
		if (fn(ctx, &r)) {
			rc = ST_DONE;
			break;
		}
	}
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_assess_result(bzj_db *db, int64_t aid, const bzj_assess_row *r, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO assessment_result(assessment_id, provider_id, orders, deposit_fen,"
		       " outcome) VALUES (?,?,?,?,?)",
		       "itiid", aid, r->id, r->orders, r->deposit_fen, r->outcome);
}

int bzj_store_assess_mark(bzj_db *db, bzj_assess_mark *m, bzj_err *e)
{
	int rc = st_int(db, e, &m->audit_seq, NULL, "SELECT COALESCE(max(seq), 0) FROM audit",
			NULL);
	if (!rc)
		rc = st_int(db, e, &m->providers, NULL, "SELECT count(*) FROM provider", NULL);
	if (!rc)
		rc = st_int(db, e, &m->versions, NULL,
			    "SELECT COALESCE(sum(version), 0) FROM provider", NULL);
	return rc;
}

int bzj_store_assess_moved(bzj_db *db, const bzj_assess_mark *m, bool *moved, bzj_err *e)
{
	bzj_assess_mark now;
	int64_t n = 0;
	int rc = st_int(db, e, &n, NULL,
			"SELECT count(*) FROM audit WHERE seq > ? AND action IN"
			" ('provider.bind', 'provider.unbind', 'import.orders')",
			"i", m->audit_seq);
	if (!rc)
		rc = bzj_store_assess_mark(db, &now, e);
	*moved = n != 0 || now.providers != m->providers || now.versions != m->versions;
	return rc;
}

/* An abandoned close's results (bulk clean-up): those of its assessment
 * while it is still open, `limit` at a time; a closed one's are its own. */
int st_assess_results_clean(bzj_db *db, int64_t aid, int64_t limit, bool *empty, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "DELETE FROM assessment_result WHERE assessment_id = ?1"
			 " AND (SELECT closed_on FROM assessment WHERE id = ?1) IS NULL"
			 " AND provider_id IN (SELECT provider_id FROM assessment_result"
			 " WHERE assessment_id = ?1 ORDER BY provider_id LIMIT ?2)",
			 "ii", aid, limit);
	*empty = !rc && st_changes(db) == 0;
	return rc;
}

/* ---- bzj check: the providers' own invariants ------------------------------- */

static const st_invariant pinvariants[] = {
	{"check.provider_balance", N_("provider %s: balance is not the sum of its ledger (%s)"),
	 "SELECT p.id, p.balance_fen || ' cached, ' || COALESCE(l.total, 0) || ' in ledger'"
	 " FROM provider p LEFT JOIN (SELECT provider_id, sum(amount_fen) AS total"
	 " FROM provider_ledger GROUP BY provider_id) l ON l.provider_id = p.id"
	 " WHERE p.balance_fen <> COALESCE(l.total, 0)"},
	{"check.provider_frozen", N_("provider %s: frozen amount exceeds the balance (%s)"),
	 "SELECT id, frozen_fen || ' frozen, ' || balance_fen || ' balance' FROM provider"
	 " WHERE frozen_fen > balance_fen OR frozen_fen < 0"},
	{"check.provider_frozen_sum",
	 N_("provider %s: frozen amount differs from its open complaints' freezes (%s)"),
	 "SELECT p.id, p.frozen_fen || ' cached, ' || COALESCE(c.total, 0) || ' in complaints'"
	 " FROM provider p LEFT JOIN (SELECT provider_id, sum(frozen_fen) AS total"
	 " FROM provider_complaint WHERE status IN (1,2) GROUP BY provider_id) c"
	 " ON c.provider_id = p.id WHERE p.frozen_fen <> COALESCE(c.total, 0)"},
	{"check.provider_ledger_chain",
	 N_("provider ledger entry %s: balance after does not follow the entry before (%s)"),
	 "SELECT l.id, l.balance_after || ' recorded, ' ||"
	 " (COALESCE((SELECT balance_after FROM provider_ledger k WHERE k.provider_id ="
	 " l.provider_id AND k.id < l.id ORDER BY k.id DESC LIMIT 1), 0) + l.amount_fen)"
	 " || ' expected' FROM provider_ledger l WHERE l.balance_after <>"
	 " COALESCE((SELECT balance_after FROM provider_ledger k WHERE k.provider_id ="
	 " l.provider_id AND k.id < l.id ORDER BY k.id DESC LIMIT 1), 0) + l.amount_fen"},
	{"check.provider_refund_in_progress",
	 N_("provider %s: more than one refund in progress (%s)"),
	 "SELECT provider_id, group_concat(id) FROM refund WHERE provider_id IS NOT NULL"
	 " AND " REFUND_OPEN("") " GROUP BY provider_id HAVING count(*) > 1"},
	{"check.provider_refund_payment", N_("exit refund %s: status and ledger disagree (%s)"),
	 "SELECT r.id, 'status ' || r.status || ', ' || count(l.id) || ' payments'"
	 " FROM refund r LEFT JOIN provider_ledger l ON l.refund_id = r.id AND l.kind = 4"
	 " WHERE r.provider_id IS NOT NULL"
	 " GROUP BY r.id HAVING (r.status = 3) <> (count(l.id) = 1)"
	 " OR (r.status = 3 AND -sum(l.amount_fen) <> r.amount_fen)"},
	{"check.provider_complaint_paid",
	 N_("complaint %s: upheld amount and ledger deduction disagree (%s)"),
	 "SELECT c.id, 'status ' || c.status || ', amount ' || c.amount_fen || ', ledger ' ||"
	 " COALESCE(-sum(l.amount_fen), 0) FROM provider_complaint c LEFT JOIN provider_ledger l"
	 " ON l.complaint_id = c.id AND l.kind = 2 GROUP BY c.id"
	 " HAVING (c.status = 3) <> (count(l.id) = 1)"
	 " OR (c.status = 3 AND -sum(l.amount_fen) <> c.amount_fen)"},
	{"check.binding_overlap", N_("binding %s: overlaps another binding of the same pair (%s)"),
	 "SELECT a.id, 'with binding ' || b.id FROM provider_binding a JOIN provider_binding b"
	 " ON b.provider_id = a.provider_id AND b.shop_id = a.shop_id AND b.id > a.id"
	 " AND (a.to_day IS NULL OR b.from_day <= a.to_day)"
	 " AND (b.to_day IS NULL OR a.from_day <= b.to_day)"},
	{"check.orders_prefix",
	 N_("shop orders %s: running sums differ from the daily rows (%s)"),
	 "SELECT shop_id || ' day ' || date(day * 86400, 'unixepoch'), net_cum || '/' || gift_cum"
	 " || ' net/gift cached, ' || n || '/' || g || ' summed from the rows'"
	 " FROM (SELECT shop_id, day, net_cum, gift_cum, sum(paid - gift) OVER w AS n,"
	 " sum(gift) OVER w AS g FROM shop_orders o WHERE " ORD_NEWEST("o")
	 " WINDOW w AS (PARTITION BY shop_id ORDER BY day)) AS x"
	 " WHERE net_cum <> n OR gift_cum <> g"},
};

int bzj_store_check_providers(bzj_db *db, bzj_store_problem_fn fn, void *ctx, int64_t *problems,
			      bzj_err *e)
{
	return st_check(db, pinvariants, sizeof pinvariants / sizeof pinvariants[0],
			BZJ_DATE_NONE, fn, ctx, problems, e);
}
