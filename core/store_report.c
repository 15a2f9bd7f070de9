/* store_report.c - the queries of the finance reports (report.c): each
 * returns rows of integers and texts to a callback, in one statement. */
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

/* The month (year * 12 + month - 1) of a day number. */
#define MONTH_OF(d)                                                                                \
	"(CAST(strftime('%Y', " d " * 86400, 'unixepoch') AS INTEGER) * 12"                        \
	" + CAST(strftime('%m', " d " * 86400, 'unixepoch') AS INTEGER) - 1)"

/* ?1 = first day (of the month or range), ?2 = last day, ?3 = today */
static const char *const report_sql[] = {
	/* BZJ_RQ_MONTH: the whole statement in one read of the ledger (issue
	 * 15's target: at most twice the six totals in one SQL statement).
	 * mv sums each shop's ledger once, grouped by shop, with every figure
	 * a filtered sum of the same pass, plus the shop's first day (a shop
	 * whose entries all come after the month is not in it) and whether it
	 * has entries after the month.  The rows, in this order:
	 *   -2: the shops now: count, balances, frozen, owed (columns 1 to 4);
	 *   -1: the ledger's own figures at the month's end, every shop id
	 *       whether or not the shop exists (the closing the statement must
	 *       reconcile to), column 1 = entries after the month exist;
	 *   entity, shops, opening, top-ups, deductions, fees, refunds,
	 *       corrections, main category (the one the shop was first given,
	 *       then by name; '' for none), by entity and category, in that
	 *       order (the categories' order is the report's). */
	[BZJ_RQ_MONTH] =
		"WITH mv AS MATERIALIZED (SELECT shop_id, min(day) AS first,"
		" max(day) > ?2 AS later,"
		" sum(amount_fen) FILTER (WHERE day < ?1) AS o,"
		" sum(amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 1) AS t,"
		" sum(-amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 2) AS d,"
		" sum(-amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 3) AS f,"
		" sum(-amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 4) AS r,"
		" sum(amount_fen) FILTER (WHERE day BETWEEN ?1 AND ?2 AND kind = 5) AS c"
		" FROM ledger GROUP BY shop_id)"
		" SELECT -2, count(*), sum(balance_fen), sum(frozen_fen), sum(owed_fen), 0, 0, 0, ''"
		" FROM shop"
		" UNION ALL SELECT -1, COALESCE(max(later), 0), sum(o), sum(t), sum(d), sum(f),"
		" sum(r), sum(c), '' FROM mv"
		" UNION ALL SELECT s.entity, count(*), sum(mv.o), sum(mv.t),"
		" sum(mv.d), sum(mv.f), sum(mv.r), sum(mv.c),"
		" COALESCE((SELECT category FROM shop_category c WHERE c.shop_id = mv.shop_id"
		" ORDER BY added, category LIMIT 1), '') AS cat"
		" FROM mv JOIN shop s ON s.id = mv.shop_id WHERE mv.first <= ?2"
		" GROUP BY s.entity, cat ORDER BY 1, 9",
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
		" LEFT JOIN main m ON m.shop_id = l.shop_id WHERE l.day < ?2 AND ?1 IS NOT NULL"
		" GROUP BY 1, 2, 3, 5",
	/* BZJ_RQ_LEDGER_PLAIN: the same movements summed straight from the ledger */
	[BZJ_RQ_LEDGER_PLAIN] = "SELECT " MONTH_OF("day") ", sum(amount_fen) FROM ledger"
				" WHERE day < ?2 AND ?1 IS NOT NULL GROUP BY 1",
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
		" WHERE r.status IN (1,2,7) AND r.window_end < ?3 AND ?1 IS NOT NULL"
		" AND ?2 IS NOT NULL ORDER BY r.window_end, r.id",
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

int bzj_store_report(bzj_db *db, int q, bzj_date a, bzj_date b, bzj_date today,
		     bzj_report_row_fn fn, void *ctx, bzj_err *e)
{
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
