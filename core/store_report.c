/* store_report.c - the queries of the finance reports (report.c): each
 * returns rows of integers and texts to a callback, in one statement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

/* The month (year * 12 + month - 1) of a day number. */
#define MONTH_OF(d)                                                                                \
	"(CAST(strftime('%Y', " d " * 86400, 'unixepoch') AS INTEGER) * 12"                        \
	" + CAST(strftime('%m', " d " * 86400, 'unixepoch') AS INTEGER) - 1)"

/* ?1 = first day (of the month or range), ?2 = last day, ?3 = today */
static const char *const report_sql[] = {
	/* BZJ_RQ_MONTH is report_month() below: three statements merged in C */
	[BZJ_RQ_MONTH] = NULL,
	/* BZJ_RQ_MONTH_PROVIDERS: the same for the providers' own ledger, and
	 * (column 9) its own sum at the month's end */
	[BZJ_RQ_MONTH_PROVIDERS] =
		"SELECT 0, count(DISTINCT provider_id),"
		" COALESCE(sum(CASE WHEN day < ?1 THEN amount_fen ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN day >= ?1 AND kind = 1 THEN amount_fen ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN day >= ?1 AND kind = 2 THEN -amount_fen ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN day >= ?1 AND kind = 3 THEN -amount_fen ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN day >= ?1 AND kind = 4 THEN -amount_fen ELSE 0 END), 0),"
		" COALESCE(sum(CASE WHEN day >= ?1 AND kind = 5 THEN amount_fen ELSE 0 END), 0), '',"
		" COALESCE(sum(amount_fen), 0)"
		" FROM provider_ledger WHERE day <= ?2",
	/* BZJ_RQ_LEDGER_MONTHS: the shops' movements before ?2 by month, entity,
	 * main category and kind, through the statement's joins */
	[BZJ_RQ_LEDGER_MONTHS] =
		"WITH main AS (SELECT shop_id, category FROM (SELECT shop_id, category,"
		" row_number() OVER (PARTITION BY shop_id ORDER BY added, category) AS rn"
		" FROM shop_category) AS c WHERE rn = 1)"
		" SELECT " MONTH_OF("l.day") ", s.entity, l.kind, sum(l.amount_fen),"
		" COALESCE(m.category, '') FROM ledger l JOIN shop s ON s.id = l.shop_id"
		" LEFT JOIN main m ON m.shop_id = l.shop_id WHERE l.day < ?2"
		" GROUP BY 1, 2, 3, 5",
	/* BZJ_RQ_LEDGER_PLAIN: the same movements summed straight from the ledger */
	[BZJ_RQ_LEDGER_PLAIN] = "SELECT " MONTH_OF("day") ", sum(amount_fen) FROM ledger"
				" WHERE day < ?2 GROUP BY 1",
	/* BZJ_RQ_LATE: refunds paid late from ?1 to ?2 */
	[BZJ_RQ_LATE] =
		"SELECT id, kind, status, amount_fen, window_end, paid_on, 0,"
		" COALESCE(shop_id, provider_id), COALESCE(approved_by, ''), COALESCE(paid_by, '')"
		" FROM refund WHERE status = 3 AND late = 1 AND paid_on BETWEEN ?1 AND ?2"
		" ORDER BY paid_on, id",
	/* BZJ_RQ_OVERDUE: refunds open (sent too) past their window today */
	[BZJ_RQ_OVERDUE] =
		"SELECT r.id, r.kind, r.status, r.amount_fen, r.window_end, NULL, 1,"
		" COALESCE(r.shop_id, r.provider_id), COALESCE(r.approved_by, ''),"
		" COALESCE(b.created_by, '')"
		" FROM refund r INDEXED BY refund_open_due LEFT JOIN payout_batch b ON b.id = r.batch_id"
		" WHERE " REFUND_OPEN("r.") " AND r.window_end < ?3 ORDER BY r.window_end, r.id",
	/* BZJ_RQ_PAID_DAYS: payouts and late ones per day */
	[BZJ_RQ_PAID_DAYS] = "SELECT paid_on, count(*), sum(late) FROM refund"
			     " WHERE status = 3 AND paid_on BETWEEN ?1 AND ?2 GROUP BY paid_on",
	/* BZJ_RQ_QUEUE_EVENTS: one row per event in the range: what (1
	 * submitted, 2 approved, 3 rejected, 4 failed, 5 paid), its day, the
	 * days since submission, and who (the reviewer) */
	[BZJ_RQ_QUEUE_EVENTS] =
		"SELECT 1, submitted_on, 0, '' FROM refund WHERE submitted_on BETWEEN ?1 AND ?2"
		" UNION ALL SELECT 2, approved_on, approved_on - submitted_on, approved_by"
		" FROM refund WHERE approved_on BETWEEN ?1 AND ?2 AND approved_by IS NOT NULL"
		" UNION ALL SELECT 3, closed_on, closed_on - submitted_on, changed_by FROM refund"
		" WHERE status = 4 AND closed_on BETWEEN ?1 AND ?2"
		" UNION ALL SELECT 4, closed_on, closed_on - submitted_on, '' FROM refund"
		" WHERE status = 6 AND closed_on BETWEEN ?1 AND ?2"
		" UNION ALL SELECT 5, paid_on, paid_on - submitted_on, '' FROM refund"
		" WHERE status = 3 AND paid_on BETWEEN ?1 AND ?2",
};

/* ---- BZJ_RQ_MONTH: the month's statement (issue 15) -------------------------
 * The target: at most twice the six totals in one SQL statement in sqlite3
 * (tests/bench/run.sh).  Profiled by instruction count (callgrind) at
 * 20,000 shops: that baseline is 0.41 G; the earlier single statement was
 * 1.11 G, of which the per-shop pass over the ledger was 0.49 G, the main
 * category (a correlated subquery with a sort, twice per shop) 0.3 G and
 * the GROUP BY entity, category of the 20,000 shop rows with its sorter
 * 0.1 G.  So the ledger is still read once, grouped by shop (its figures
 * are filtered sums of that pass), and the rest is done here:
 *  - the main category comes from one walk of shop_category in its key
 *    order (shop, category), merged with the shops' rows, which arrive in
 *    shop order too (the pass walks ledger_shop): per shop the category
 *    first given (least `added`), the first by name among equals, as
 *    ORDER BY added, category LIMIT 1 would;
 *  - the entity likewise from one walk of shop by id (a lookup per shop
 *    cost twice as much: 93 M against 51 M instructions at 20,000 shops);
 *  - a shop belongs to the statement when it has an entry up to the
 *    month's end: an opening or a movement of the month (every kind is one
 *    of the five), so min(day) per shop is not needed;
 *  - the rows by entity and category are summed in a small hash table and
 *    handed to fn sorted by entity, then category (the order the report
 *    lists its categories in), as the SQL's ORDER BY 1, 9 did.
 * ORDER BY shop_id is the GROUP BY's own order (ledger_shop): no sort.  The
 * merge also refuses a shop out of order rather than miss its category.
 * The rows fn gets are those of the single statement before (tests/e2e
 * report_sql.py compares every figure with plain SQL). */
#define MONTH_SHOPS_SQL                                                                            \
	"SELECT -2, count(*), sum(balance_fen), sum(frozen_fen), sum(owed_fen), 0, 0, 0, ''"      \
	" FROM shop"
#define MONTH_PASS_SQL                                                                             \
	"SELECT shop_id, count(*) FILTER (WHERE day > ?2),"                                      \
	" sum(amount_fen) FILTER (WHERE day < ?1),"                                              \
	" sum(amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 1),"                    \
	" sum(-amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 2),"                   \
	" sum(-amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 3),"                   \
	" sum(-amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 4),"                   \
	" sum(amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 5)"                     \
	" FROM ledger GROUP BY shop_id ORDER BY shop_id"
#define MONTH_SHOP_ENTITY_SQL "SELECT id, entity FROM shop ORDER BY id"
#define MONTH_CATS_SQL "SELECT shop_id, category, added FROM shop_category ORDER BY shop_id, category"

typedef struct month_group {
	int64_t entity;
	char *cat; /* NULL: slot free */
	int64_t v[7]; /* shops, opening, top-ups, deductions, fees, refunds, corrections */
} month_group;

typedef struct month_groups {
	month_group *g;
	size_t n, cap; /* cap: a power of two */
} month_groups;

static size_t group_hash(int64_t entity, const char *cat)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)entity;
	for (const unsigned char *c = (const unsigned char *)cat; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	return (size_t)h;
}

static month_group *group_find(month_groups *gs, int64_t entity, const char *cat)
{
	if (2 * (gs->n + 1) > gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 64;
		month_group *ng = calloc(cap, sizeof *ng);
		if (!ng)
			return NULL;
		for (size_t i = 0; i < gs->cap; i++) {
			if (!gs->g[i].cat)
				continue;
			size_t k = group_hash(gs->g[i].entity, gs->g[i].cat) & (cap - 1);
			while (ng[k].cat)
				k = (k + 1) & (cap - 1);
			ng[k] = gs->g[i];
		}
		free(gs->g);
		gs->g = ng;
		gs->cap = cap;
	}
	size_t k = group_hash(entity, cat) & (gs->cap - 1);
	while (gs->g[k].cat && (gs->g[k].entity != entity || strcmp(gs->g[k].cat, cat)))
		k = (k + 1) & (gs->cap - 1);
	if (!gs->g[k].cat) {
		if (!(gs->g[k].cat = strdup(cat)))
			return NULL;
		gs->g[k].entity = entity;
		gs->n++;
	}
	return &gs->g[k];
}

static int group_cmp(const void *a, const void *b)
{
	const month_group *x = a, *y = b;
	if (x->entity != y->entity)
		return x->entity < y->entity ? -1 : 1;
	return strcmp(x->cat, y->cat);
}

static int emit_row(bzj_report_row_fn fn, void *ctx, int64_t k, const int64_t v[7],
		    const char *text, bzj_err *e)
{
	int64_t iv[9] = {k, v[0], v[1], v[2], v[3], v[4], v[5], v[6], 0};
	const char *tv[9] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, text};
	return fn(ctx, 9, iv, tv, e);
}

static int report_month(bzj_db *db, bzj_date a, bzj_date b, bzj_report_row_fn fn, void *ctx,
			bzj_err *e)
{
	/* the shops now */
	st_stmt *st = st_prep(db, MONTH_SHOPS_SQL, e);
	if (!st)
		return e->rc;
	int rc = st_step(st);
	int64_t now[7] = {0};
	for (int i = 0; rc == ST_ROW && i < 7; i++)
		now[i] = st_col_int(st, i + 1);
	st_reset(st);
	if (rc != ST_ROW)
		return st_error(db, rc, e);
	if ((rc = emit_row(fn, ctx, -2, now, "", e)))
		return rc;
	/* the ledger's pass, merged with the categories */
	st_stmt *ps = st_prep(db, MONTH_PASS_SQL, e);
	if (!ps)
		return e->rc;
	st_stmt *cs = st_prep(db, MONTH_CATS_SQL, e);
	if (!cs)
		return e->rc;
	st_stmt *es = st_prep(db, MONTH_SHOP_ENTITY_SQL, e);
	if (!es)
		return e->rc;
	st_bind(ps, "DD", a, b);
	month_groups gs = {0};
	int64_t led[7] = {0}, later = 0;
	int crc = st_step(cs), erc = st_step(es);
	int stop = 0;
	char prev[256] = "";
	while (!stop && (rc = st_step(ps)) == ST_ROW) {
		const char *shop = st_col_text(ps, 0);
		if (shop && prev[0] && strcmp(shop, prev) <= 0) {
			stop = bzj_fail(e, BZJ_EIO, "store.order",
					_("the report's ledger pass is not in shop order (%s after %s)"),
					shop, prev);
			break;
		}
		size_t sl = shop ? strlen(shop) : 0;
		if (sl >= sizeof prev)
			sl = sizeof prev - 1;
		memcpy(prev, shop ? shop : "", sl);
		prev[sl] = 0;
		int64_t v[7] = {1};
		bool in = false; /* an entry up to the month's end */
		later += st_col_int(ps, 1);
		for (int i = 1; i < 7; i++) {
			in |= !st_col_null(ps, i + 1);
			v[i] = st_col_int(ps, i + 1);
			led[i] += v[i];
		}
		/* the shop's main category: its rows come in (shop, category) order */
		const char *best = "";
		char bestbuf[256];
		int64_t best_added = 0;
		bool have = false;
		while (crc == ST_ROW && shop) {
			const char *cshop = st_col_text(cs, 0);
			int c = cshop ? strcmp(cshop, shop) : -1;
			if (c > 0)
				break;
			if (c == 0) {
				int64_t added = st_col_int(cs, 2);
				if (!have || added < best_added) {
					const char *cat = st_col_text(cs, 1);
					size_t cl = cat ? strlen(cat) : 0;
					if (cl >= sizeof bestbuf)
						cl = sizeof bestbuf - 1;
					memcpy(bestbuf, cat ? cat : "", cl);
					bestbuf[cl] = 0;
					best = bestbuf;
					best_added = added;
					have = true;
				}
			}
			crc = st_step(cs);
		}
		/* the shop's entity: shops come in id order too */
		bool found = false;
		int64_t entity = 0;
		while (erc == ST_ROW && shop) {
			const char *eid = st_col_text(es, 0);
			int c = eid ? strcmp(eid, shop) : -1;
			if (c > 0)
				break;
			if (c == 0) {
				found = true;
				entity = st_col_int(es, 1);
			}
			erc = st_step(es);
		}
		if (!in || !found)
			continue; /* no entry by then, or no such shop: not in the statement */
		month_group *g = group_find(&gs, entity, best);
		if (!g) {
			stop = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
			break;
		}
		for (int i = 0; i < 7; i++)
			g->v[i] += v[i];
	}
	st_reset(ps);
	st_reset(cs);
	st_reset(es);
	if (!stop && rc != ST_DONE)
		stop = st_error(db, rc, e);
	if (!stop && crc != ST_ROW && crc != ST_DONE)
		stop = st_error(db, crc, e);
	if (!stop && erc != ST_ROW && erc != ST_DONE)
		stop = st_error(db, erc, e);
	/* the ledger's own figures at the month's end, every shop id */
	led[0] = later > 0;
	if (!stop)
		stop = emit_row(fn, ctx, -1, led, "", e);
	size_t n = 0;
	for (size_t i = 0; i < gs.cap; i++)
		if (gs.g[i].cat)
			gs.g[n++] = gs.g[i];
	if (n)
		qsort(gs.g, n, sizeof *gs.g, group_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!stop)
			stop = emit_row(fn, ctx, gs.g[i].entity, gs.g[i].v, gs.g[i].cat, e);
		free(gs.g[i].cat);
	}
	free(gs.g);
	return stop;
}

int bzj_store_report(bzj_db *db, int q, bzj_date a, bzj_date b, bzj_date today,
		     bzj_report_row_fn fn, void *ctx, bzj_err *e)
{
	if (q == BZJ_RQ_MONTH)
		return report_month(db, a, b, fn, ctx, e);
	st_stmt *st = st_prep(db, report_sql[q], e);
	if (!st)
		return e->rc;
	st_bind(st, "DD", a, b);
	if (st_param_count(st) >= 3)
		st_bind_int(st, 3, today);
	int rc, stop = 0;
	while (!stop && (rc = st_step(st)) == ST_ROW) {
		int64_t iv[16];
		const char *tv[16];
		int n = st_col_count(st);
		if (n > 16)
			n = 16;
		for (int i = 0; i < n; i++) {
			iv[i] = st_col_int(st, i);
			tv[i] = st_col_text(st, i);
		}
		stop = fn(ctx, n, iv, tv, e);
	}
	st_reset(st);
	if (stop)
		return stop;
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}
