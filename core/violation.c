/* violation.c - violations and complaints: the raise they add to the
 * requirement, freezes, deductions (beyond the balance: owed, then taken
 * from unsettled payments, else the shop is flagged for termination), and
 * resolution.  Previews run the very same code in a transaction that is
 * rolled back, so a confirmation shows exactly what will be written. */
#include <stdio.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/violation.h"
#include "service.h"

enum { OP_ADD, OP_DEDUCT, OP_RESOLVE, OP_FREEZE };

typedef struct vop {
	int op;
	const bzj_violation_in *in; /* OP_ADD */
	int64_t vid;		    /* OP_DEDUCT, OP_RESOLVE */
	int64_t amount_fen;	    /* OP_DEDUCT, OP_FREEZE */
	int64_t expected_version;   /* OP_DEDUCT, OP_RESOLVE; 0 = any */
} vop;

static void violation_json(const bzj_violation *v, bzj_json *j)
{
	bzj_json_obj(j, NULL);
	bzj_json_str(j, "status", bzj_vstatus_name(v->status));
	bzj_json_int(j, "raise_fen", v->raise_fen);
	bzj_json_int(j, "frozen_fen", v->frozen_fen);
	bzj_json_int(j, "deducted_fen", v->deducted_fen);
	bzj_json_int(j, "owed_fen", v->owed_fen);
	bzj_json_obj_end(j);
}

static int validate_add(const bzj_violation_in *in, bzj_err *e)
{
	if (in->cls != BZJ_VCLASS_A && in->cls != BZJ_VCLASS_B)
		return bzj_fail(e, BZJ_EINPUT, "input.class", _("class: must be A or B"));
	if (in->points < 0 || in->points > 100)
		return bzj_fail(e, BZJ_EINPUT, "input.points",
				_("points: must be a whole number from 0 to 100"));
	if (in->raise_fen < 0 || in->raise_fen > BZJ_MONEY_MAX_FEN)
		return bzj_fail(e, BZJ_EINPUT, "input.raise", _("raise: must not be negative"));
	if (in->freeze_fen < 0 || in->freeze_fen > BZJ_MONEY_MAX_FEN)
		return bzj_fail(e, BZJ_EINPUT, "input.freeze", _("freeze: must not be negative"));
	return svc_text(in->note, "note", BZJ_TEXT_MAX, true, e);
}

/* A freeze may take only what is available: money frozen for other
 * violations stays theirs.  The one rule for adding and for freezing more. */
static int freeze_fits(const bzj_shop *s, int64_t amount, bzj_err *e)
{
	int64_t available = s->balance_fen - s->frozen_fen;
	if (amount <= available)
		return BZJ_OK;
	char a[32], b[32];
	return bzj_fail(e, BZJ_ERULE, "violation.freeze_exceeds_available",
			_("cannot freeze %s: shop %s has only %s available"),
			bzj_money_fmt(amount, a, sizeof a), s->id, bzj_money_fmt(available, b, sizeof b));
}

static int do_add(bzj_ctx *x, const bzj_violation_in *in, bzj_shop *s, bzj_violation *v,
		  bzj_err *e)
{
	int rc = freeze_fits(s, in->freeze_fen, e);
	if (rc)
		return rc;
	memset(v, 0, sizeof *v);
	snprintf(v->shop_id, sizeof v->shop_id, "%s", s->id);
	v->date = in->date == BZJ_DATE_NONE ? x->today : in->date;
	if (v->date > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("date: a violation cannot be dated after today"));
	if (v->date < s->opened)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("date: a violation cannot be dated before the shop opened"));
	v->cls = in->cls;
	v->points = in->points;
	v->raise_fen = in->raise_fen;
	v->frozen_fen = in->freeze_fen;
	snprintf(v->note, sizeof v->note, "%s", in->note);
	snprintf(v->user, sizeof v->user, "%s", x->actor.user);
	if (x->check_only) /* import.c's check pass: violation_run writes nothing */
		return BZJ_OK;
	rc = bzj_store_violation_insert(x->db, v, e);
	s->frozen_fen += in->freeze_fen;
	return rc;
}

static int do_deduct(bzj_ctx *x, bzj_shop *s, bzj_violation *v, int64_t amount,
		     bzj_deduction *d, bzj_err *e)
{
	if (amount <= 0 || amount > BZJ_MONEY_MAX_FEN)
		return bzj_fail(e, BZJ_EINPUT, "input.amount",
				_("amount: a deduction must be above zero"));
	/* Only this violation's freeze and the unfrozen balance may be taken:
	 * money frozen for other violations stays where it is. */
	int64_t takeable = s->balance_fen - s->frozen_fen + v->frozen_fen;
	bzj_deduction_split(amount, takeable, v->frozen_fen, s->unsettled_fen, d);
	int64_t deducted, owed, shop_owed;
	if (!bzj_money_add(v->deducted_fen, amount, &deducted) ||
	    !bzj_money_add(v->owed_fen, d->remaining_owed_fen, &owed) ||
	    !bzj_money_add(s->owed_fen, d->remaining_owed_fen, &shop_owed))
		return bzj_fail(e, BZJ_EINPUT, "input.amount",
				_("amount: violation %lld's deductions would add up beyond what "
				  "bzj can count"),
				(long long)v->id);
	int rc = BZJ_OK;
	if (d->from_balance_fen > 0) {
		bzj_ledger_entry le;
		memset(&le, 0, sizeof le);
		snprintf(le.shop_id, sizeof le.shop_id, "%s", s->id);
		snprintf(le.user, sizeof le.user, "%s", x->actor.user);
		le.date = x->today;
		le.kind = BZJ_LK_DEDUCTION;
		le.amount_fen = -d->from_balance_fen;
		le.balance_after_fen = s->balance_fen - d->from_balance_fen;
		le.violation_id = v->id;
		snprintf(le.note, sizeof le.note, "deduction for violation %lld",
			 (long long)v->id);
		rc = bzj_store_ledger_insert(x->db, &le, e);
	}
	s->balance_fen -= d->from_balance_fen;
	s->frozen_fen -= d->from_frozen_fen;
	s->unsettled_fen -= d->from_unsettled_fen;
	s->owed_fen = shop_owed;
	if (d->terminate)
		s->terminate = true;
	/* One set of figures: deducted = ledger entries + covered + owed. */
	v->frozen_fen -= d->from_frozen_fen;
	v->deducted_fen = deducted;
	v->covered_fen += d->from_unsettled_fen;
	v->owed_fen = owed;
	if (!rc)
		rc = bzj_store_violation_update(x->db, v, e);
	return rc;
}

/* Freeze more of the deposit for an open violation, up to what is
 * available (money frozen for other violations stays theirs). */
static int do_freeze(bzj_ctx *x, bzj_shop *s, bzj_violation *v, int64_t amount, bzj_err *e)
{
	if (amount <= 0 || amount > BZJ_MONEY_MAX_FEN)
		return bzj_fail(e, BZJ_EINPUT, "input.amount",
				_("amount: a freeze must be above zero"));
	int rc = freeze_fits(s, amount, e);
	if (rc)
		return rc;
	v->frozen_fen += amount;
	s->frozen_fen += amount;
	return bzj_store_violation_update(x->db, v, e);
}

/* Resolving releases the freeze; released money repays what the shop
 * owes first (this violation's or an older one's). */
static int do_resolve(bzj_ctx *x, bzj_shop *s, bzj_violation *v, bzj_err *e)
{
	s->frozen_fen -= v->frozen_fen;
	v->frozen_fen = 0;
	v->status = BZJ_VS_RESOLVED;
	v->resolved = x->today;
	int rc = bzj_store_violation_update(x->db, v, e);
	if (!rc && s->owed_fen > 0)
		rc = svc_repay_owed(x, s, "owed amount repaid from a released freeze", NULL, e);
	if (!rc)
		rc = bzj_store_violation_get(x->db, v->id, v, e); /* repaid rows moved on */
	return rc;
}

static const char *const op_action[] = {"violation.add", "violation.deduct",
					"violation.resolve", "violation.freeze"};

/* One transaction for any of the three; `dry` rolls it back after
 * measuring the effect. */
static int violation_run(bzj_ctx *x, const vop *o, bool dry, int64_t *id, bzj_effect *eff,
			 bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("record violations"), e);
	if (!rc && o->op == OP_ADD)
		rc = validate_add(o->in, e);
	if (rc)
		return rc;
	bzj_shop s;
	bzj_violation v;
	bzj_effect local;
	if (!eff)
		eff = &local;
	memset(eff, 0, sizeof *eff);
	if ((rc = svc_begin(x, e)))
		return rc;
	if (o->op == OP_ADD) {
		rc = svc_shop_load(x, o->in->shop_id, &s, e);
	} else {
		rc = bzj_store_violation_get(x->db, o->vid, &v, e);
		if (!rc)
			rc = bzj_store_shop_get(x->db, v.shop_id, &s, e);
		if (!rc && o->expected_version && v.version != o->expected_version)
			rc = bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				      _("violation %lld was changed by someone else while you were "
					"looking at it; it is now %s. Reload and try again"),
				      (long long)v.id, bzj_vstatus_name(v.status));
		if (!rc && v.status != BZJ_VS_OPEN)
			rc = bzj_fail(e, BZJ_ERULE, "violation.resolved",
				      _("violation %lld is already resolved"), (long long)v.id);
	}
	bzj_deposit d;
	if (!rc)
		rc = svc_position(x, &s, &d, e);
	eff->before = d.pos;
	bzj_json before, after;
	bzj_json_init(&before);
	bzj_json_init(&after);
	if (!rc && o->op != OP_ADD)
		violation_json(&v, &before);
	if (!rc) {
		if (o->op == OP_ADD)
			rc = do_add(x, o->in, &s, &v, e);
		else if (o->op == OP_DEDUCT)
			rc = do_deduct(x, &s, &v, o->amount_fen, &eff->deduction, e);
		else if (o->op == OP_FREEZE)
			rc = do_freeze(x, &s, &v, o->amount_fen, e);
		else
			rc = do_resolve(x, &s, &v, e);
	}
	if (!rc && x->check_only && o->op == OP_ADD) { /* every check made, nothing written */
		bzj_json_free(&before);
		bzj_json_free(&after);
		if (id)
			*id = 0;
		bzj_db_rollback(x->db);
		return BZJ_OK;
	}
	if (!rc)
		rc = svc_shop_save(x, &s, op_action[o->op], e);
	if (!rc)
		rc = svc_position(x, &s, &d, e);
	eff->after = d.pos;
	if (!rc && !dry) {
		char obj[48];
		snprintf(obj, sizeof obj, "violation:%lld", (long long)v.id);
		violation_json(&v, &after);
		rc = svc_audit(x, op_action[o->op], obj, s.id,
			       o->op == OP_ADD ? NULL : bzj_json_text(&before),
			       bzj_json_text(&after), o->op == OP_ADD ? v.note : NULL, e);
	}
	bzj_json_free(&before);
	bzj_json_free(&after);
	if (id)
		*id = v.id;
	if (dry) {
		bzj_db_rollback(x->db);
		return rc;
	}
	return svc_end(x, rc, e);
}

int bzj_violation_add(bzj_ctx *x, const bzj_violation_in *in, int64_t *id, bzj_err *e)
{
	vop o = {.op = OP_ADD, .in = in};
	return violation_run(x, &o, false, id, NULL, e);
}

int bzj_violation_deduct(bzj_ctx *x, int64_t vid, int64_t amount_fen, int64_t expected_version,
			 bzj_err *e)
{
	vop o = {.op = OP_DEDUCT, .vid = vid, .amount_fen = amount_fen,
		 .expected_version = expected_version};
	return violation_run(x, &o, false, NULL, NULL, e);
}

int bzj_violation_resolve(bzj_ctx *x, int64_t vid, int64_t expected_version, bzj_err *e)
{
	vop o = {.op = OP_RESOLVE, .vid = vid, .expected_version = expected_version};
	return violation_run(x, &o, false, NULL, NULL, e);
}

int bzj_violation_freeze(bzj_ctx *x, int64_t vid, int64_t amount_fen, int64_t expected_version,
			 bzj_err *e)
{
	vop o = {.op = OP_FREEZE, .vid = vid, .amount_fen = amount_fen,
		 .expected_version = expected_version};
	return violation_run(x, &o, false, NULL, NULL, e);
}

int bzj_violation_preview_freeze(bzj_ctx *x, int64_t vid, int64_t amount_fen, bzj_effect *out,
				 bzj_err *e)
{
	vop o = {.op = OP_FREEZE, .vid = vid, .amount_fen = amount_fen};
	return violation_run(x, &o, true, NULL, out, e);
}

int bzj_violation_preview_add(bzj_ctx *x, const bzj_violation_in *in, bzj_effect *out,
			      bzj_err *e)
{
	vop o = {.op = OP_ADD, .in = in};
	return violation_run(x, &o, true, NULL, out, e);
}

int bzj_violation_preview_deduct(bzj_ctx *x, int64_t vid, int64_t amount_fen, bzj_effect *out,
				 bzj_err *e)
{
	vop o = {.op = OP_DEDUCT, .vid = vid, .amount_fen = amount_fen};
	return violation_run(x, &o, true, NULL, out, e);
}

int bzj_violation_preview_resolve(bzj_ctx *x, int64_t vid, bzj_effect *out, bzj_err *e)
{
	vop o = {.op = OP_RESOLVE, .vid = vid};
	return violation_run(x, &o, true, NULL, out, e);
}

int bzj_violation_get(bzj_ctx *x, int64_t vid, bzj_violation *out, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read violations"), e);
	return rc ? rc : bzj_store_violation_get(x->db, vid, out, e);
}

int bzj_violation_list(bzj_ctx *x, const char *shop_id, bool open_only,
		       const bzj_violation *after, bzj_violation *out, int max, int *n,
		       bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read violations"), e);
	return rc ? rc : bzj_store_violation_list(x->db, shop_id, open_only, after, out, max, n,
						  e);
}
