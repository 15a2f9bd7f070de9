/* store_rules.c - the invariant queries of `bzj check` for the rules of
 * issues 10 and 11: what is owed, earmarked freezes, scheduled standards,
 * the 30-day hold after a merchant information change and deregistered
 * shops.  Kept apart from store_audit.c's list so each can grow alone. */
#include <stdio.h>

#include "bzj/i18n.h"
#include "store_priv.h"

/* A day number as YYYY-MM-DD, in SQL. */
#define DAY(col) "date((" col ") * 86400, 'unixepoch')"

/* (subject, detail) per offending row; ?1 = today */
static const st_invariant rule_invariants[] = {
	{"check.owed_sum", N_("shop %s: what it owes is not what its violations owe (%s)"),
	 "SELECT s.id, s.owed_fen || ' owed by the shop, ' || COALESCE(v.total, 0)"
	 " || ' by its violations' FROM shop s LEFT JOIN (SELECT shop_id, sum(owed_fen) AS total"
	 " FROM violation GROUP BY shop_id) v ON v.shop_id = s.id"
	 " WHERE s.owed_fen <> COALESCE(v.total, 0)"},
	{"check.violation_owed",
	 N_("violation %s: deducted is not ledger deductions + covered + owed (%s)"),
	 "SELECT v.id, 'deducted ' || v.deducted_fen || ', ledger ' || COALESCE(l.taken, 0)"
	 " || ', covered ' || v.covered_fen || ', owed ' || v.owed_fen FROM violation v"
	 " LEFT JOIN (SELECT violation_id, -sum(amount_fen) AS taken FROM ledger"
	 " WHERE kind = 2 AND violation_id > 0 GROUP BY violation_id) l ON l.violation_id = v.id"
	 " WHERE v.deducted_fen <> COALESCE(l.taken, 0) + v.covered_fen + v.owed_fen"},
	{"check.terminate", N_("shop %s: the termination flag disagrees with what it owes (%s)"),
	 "SELECT id, 'flag ' || terminate || ', owed ' || owed_fen FROM shop"
	 " WHERE terminate <> " ST_01("owed_fen > 0")},
	{"check.earmark",
	 N_("shop %s: money frozen for open violations is no longer in the balance (%s)"),
	 "SELECT s.id, v.total || ' frozen by violations ' || v.ids || ', balance ' || s.balance_fen"
	 " FROM shop s JOIN (SELECT shop_id, sum(frozen_fen) AS total, group_concat(id) AS ids"
	 " FROM violation WHERE status = 1 AND frozen_fen > 0 GROUP BY shop_id) v"
	 " ON v.shop_id = s.id WHERE v.total > s.balance_fen"},
	{"check.required",
	 N_("shop %s: the recorded requirement is not what the rules give today (%s)"),
	 "SELECT id, 'recorded ' || required_fen || ', rules ' || req FROM (SELECT s.id,"
	 " s.required_fen, " REQUIRED_SQL " AS req FROM shop s) AS x WHERE required_fen <> req"},
	{"check.scheduled", N_("standards version of %s: %s"),
	 "SELECT DISTINCT " DAY("s.effective") ", 'takes effect later but is not scheduled'"
	 " FROM standard s WHERE s.effective > ?1"
	 " AND NOT EXISTS (SELECT 1 FROM effective_date d WHERE d.day = s.effective)"
	 " UNION ALL SELECT " DAY("day") ", 'due but not yet applied (' || cause || ')'"
	 " FROM effective_date WHERE synced = 0 AND day <= ?1"},
	{"check.info_hold",
	 N_("refund %s: paid inside the 30-day hold after a merchant information change (%s)"),
	 "SELECT r.id, 'paid ' || " DAY("r.paid_on") " || ', notice ' || " DAY("c.notice")
	 " FROM refund r JOIN shop_change c ON c.shop_id = r.shop_id AND c.hold = 1"
	 " WHERE r.status = 3 AND r.paid_on >= c.recorded AND r.paid_on >= c.notice"
	 " AND r.paid_on < c.notice + 30"},
	{"check.deregistered", N_("shop %s: money moved in after its deregistration (%s)"),
	 "SELECT l.shop_id, 'top-up ' || l.id || ' on ' || " DAY("l.day")
	 " FROM ledger l JOIN shop_change c ON c.shop_id = l.shop_id AND c.kind = 3"
	 " WHERE l.kind = 1 AND l.day > c.recorded"
	 " UNION ALL SELECT r.shop_id, 'partial refund ' || r.id || ' submitted '"
	 " || " DAY("r.submitted_on") " FROM refund r JOIN shop_change c"
	 " ON c.shop_id = r.shop_id AND c.kind = 3 WHERE r.kind = 1 AND r.submitted_on > c.recorded"},
};

int bzj_store_check_rules(bzj_db *db, bzj_date today, bzj_store_problem_fn fn, void *ctx,
			  int64_t *problems, bzj_err *e)
{
	return st_check(db, rule_invariants, sizeof rule_invariants / sizeof rule_invariants[0],
			today, fn, ctx, problems, e);
}
