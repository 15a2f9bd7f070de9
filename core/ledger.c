/* ledger.c - top-ups and fees: the money that moves a shop's balance in
 * and out outside violations and refunds. */
#include <stdio.h>
#include <string.h>

#include "bzj/ledger.h"
#include "bzj/money.h"
#include "service.h"

const char *bzj_ledger_kind_name(int kind)
{
	switch (kind) {
	case BZJ_LK_TOPUP: return "topup";
	case BZJ_LK_DEDUCTION: return "deduction";
	case BZJ_LK_FEE: return "fee";
	case BZJ_LK_REFUND: return "refund";
	case BZJ_LK_CORRECTION: return "correction";
	default: return "?";
	}
}

static void entry_init(bzj_ctx *x, bzj_ledger_entry *le, const bzj_shop *s, int kind,
		       int64_t amount)
{
	memset(le, 0, sizeof *le);
	snprintf(le->shop_id, sizeof le->shop_id, "%s", s->id);
	snprintf(le->user, sizeof le->user, "%s", x->actor.user);
	le->date = x->today;
	le->kind = kind;
	le->amount_fen = amount;
	le->balance_after_fen = s->balance_fen + amount; /* callers check for overflow */
}

static int audit_money(bzj_ctx *x, const char *action, const bzj_shop *s, const bzj_json *before,
		       int64_t entry_id, const char *reason, bzj_err *e)
{
	char obj[64];
	bzj_json after;
	bzj_json_init(&after);
	svc_shop_json(s, &after);
	snprintf(obj, sizeof obj, "ledger:%lld", (long long)entry_id);
	int rc = svc_audit(x, action, obj, s->id, bzj_json_text(before), bzj_json_text(&after),
			   reason, e);
	bzj_json_free(&after);
	return rc;
}

int bzj_topup(bzj_ctx *x, const bzj_topup_in *in, int64_t *id, int64_t *balance_fen,
	      bool *replayed, bzj_err *e)
{
	*replayed = false;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_MONEY_IN, _("record top-ups"), e);
	if (!rc && (in->amount_fen <= 0 || in->amount_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("amount: a top-up must be above zero"));
	if (!rc)
		rc = svc_text(in->payer, "payer", BZJ_NAME_MAX, false, e);
	if (!rc)
		rc = svc_text(in->ref, "ref", 64, false, e);
	if (rc)
		return rc;
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, in->shop_id, &s, e);
	if (!rc && in->ref && *in->ref) {
		bzj_ledger_entry old;
		bool found = false;
		rc = bzj_store_ledger_by_ref(x->db, in->ref, &old, &found, e);
		if (!rc && found) {
			if (strcmp(old.shop_id, s.id) != 0 || old.amount_fen != in->amount_fen ||
			    old.kind != BZJ_LK_TOPUP)
				rc = bzj_fail(e, BZJ_ERULE, "topup.ref_conflict",
					      _("ref %s was already used for another top-up (entry "
						"%lld, shop %s)"),
					      in->ref, (long long)old.id, old.shop_id);
			*id = old.id;
			*balance_fen = s.balance_fen;
			*replayed = rc == BZJ_OK;
			bzj_db_rollback(x->db);
			return rc;
		}
	}
	bzj_date day = in->date == BZJ_DATE_NONE || in->date == 0 ? x->today : in->date;
	if (!rc && day > x->today)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("date: a top-up cannot be dated after today"));
	if (!rc && day < s.opened)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("date: a top-up cannot be dated before the shop opened"));
	if (!rc && s.status != BZJ_SHOP_OPEN)
		rc = bzj_fail(e, BZJ_ERULE, "shop.closed",
			      _("shop %s is closed; it takes no more top-ups"), s.id);
	bzj_change_state cs;
	if (!rc)
		rc = bzj_store_change_state(x->db, s.id, &cs, e);
	if (!rc && cs.deregistered != BZJ_DATE_NONE) {
		char d1[16];
		rc = bzj_fail(e, BZJ_ERULE, "shop.deregistered",
			      _("shop %s: the company gave notice of its deregistration on %s; "
				"it takes no more top-ups (only closure and a closure refund)"),
			      s.id, bzj_date_fmt(cs.deregistered, d1, sizeof d1));
	}
	if (!rc)
		rc = bzj_topup_payer_check(in->payer, s.entity_name, in->ack_third_party, e);
	int64_t after = 0;
	if (!rc && !bzj_money_add(s.balance_fen, in->amount_fen, &after)) {
		char a[32];
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount",
			      _("amount: a top-up of %s would take shop %s's balance beyond what "
				"bzj can count"),
			      bzj_money_fmt(in->amount_fen, a, sizeof a), s.id);
	}
	if (rc)
		return svc_end(x, rc, e);
	if (x->check_only) { /* import.c's check pass: every check made, nothing written */
		*id = 0;
		*balance_fen = s.balance_fen;
		bzj_db_rollback(x->db);
		return BZJ_OK;
	}

	bzj_json before;
	bzj_json_init(&before);
	svc_shop_json(&s, &before);
	bzj_ledger_entry le;
	entry_init(x, &le, &s, BZJ_LK_TOPUP, in->amount_fen);
	le.date = day;
	bool third = in->payer && *in->payer && strcmp(in->payer, s.entity_name) != 0;
	snprintf(le.payer, sizeof le.payer, "%s", in->payer && *in->payer ? in->payer : s.entity_name);
	le.third_party = third;
	snprintf(le.ref, sizeof le.ref, "%s", in->ref ? in->ref : "");
	if (third)
		snprintf(le.note, sizeof le.note, "%s",
			 "third-party payer acknowledged the nature and purpose of the deposit");
	le.balance_after_fen = after;
	rc = bzj_store_ledger_insert(x->db, &le, e);
	s.balance_fen = le.balance_after_fen;
	*id = le.id;
	/* What the shop owes from earlier deductions is paid back first. */
	if (!rc)
		rc = svc_repay_owed(x, &s, "owed amount repaid from top-up", NULL, e);
	if (!rc)
		rc = svc_shop_save(x, &s, "top-up", e);
	if (!rc)
		rc = audit_money(x, "topup", &s, &before, le.id, third ? "third-party payer" : NULL,
				 e);
	bzj_json_free(&before);
	*balance_fen = s.balance_fen;
	return svc_end(x, rc, e);
}

int bzj_fee(bzj_ctx *x, const char *shop_id, int64_t amount_fen, const char *note, int64_t *id,
	    bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_MONEY_IN, _("record fees"), e);
	if (!rc && (amount_fen <= 0 || amount_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("amount: a fee must be above zero"));
	if (!rc)
		rc = svc_text(note, "note", BZJ_TEXT_MAX, true, e);
	if (rc)
		return rc;
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, shop_id, &s, e);
	if (!rc && amount_fen > s.balance_fen - s.frozen_fen) {
		char a[32], b[32];
		rc = bzj_fail(e, BZJ_ERULE, "fee.exceeds_balance",
			      _("fee %s is more than the available balance %s of shop %s"),
			      bzj_money_fmt(amount_fen, a, sizeof a),
			      bzj_money_fmt(s.balance_fen - s.frozen_fen, b, sizeof b), s.id);
	}
	if (rc)
		return svc_end(x, rc, e);
	bzj_json before;
	bzj_json_init(&before);
	svc_shop_json(&s, &before);
	bzj_ledger_entry le;
	entry_init(x, &le, &s, BZJ_LK_FEE, -amount_fen);
	snprintf(le.note, sizeof le.note, "%s", note);
	rc = bzj_store_ledger_insert(x->db, &le, e);
	s.balance_fen = le.balance_after_fen;
	*id = le.id;
	if (!rc)
		rc = svc_shop_save(x, &s, "fee", e);
	if (!rc)
		rc = audit_money(x, "fee", &s, &before, le.id, note, e);
	bzj_json_free(&before);
	return svc_end(x, rc, e);
}

int bzj_ledger_list(bzj_ctx *x, const char *shop_id, int64_t before_id, bzj_ledger_entry *out,
		    int max, int *n, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the ledger"), e);
	return rc ? rc : bzj_store_ledger_list(x->db, shop_id, before_id, out, max, n, e);
}
