/* refund.c - partial refunds while operating and closure refunds: the
 * submission rules, the review with its checklist and four-eyes, and the
 * payout with its window and re-check. */
#include <stdio.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/refund.h"
#include "service.h"

static void refund_derive(bzj_ctx *x, bzj_refund *r)
{
	/* a refund sent to the bank is still owed until the bank says paid */
	r->overdue = (r->status == BZJ_RS_SUBMITTED || r->status == BZJ_RS_APPROVED ||
		      r->status == BZJ_RS_SENT) &&
		     x->today > r->window_end;
	r->needs_second = x->cfg && r->amount_fen > x->cfg->second_approval_fen;
}

static void refund_json(const bzj_refund *r, bzj_json *j)
{
	bzj_json_obj(j, NULL);
	bzj_json_str(j, "status", bzj_refund_status_name(r->status));
	bzj_json_int(j, "amount_fen", r->amount_fen);
	bzj_json_int(j, "checklist", r->checklist);
	if (r->failure_reason[0])
		bzj_json_str(j, "failure_reason", r->failure_reason);
	bzj_json_bool(j, "late", r->late);
	bzj_json_obj_end(j);
}

static int refund_audit(bzj_ctx *x, const char *action, const bzj_refund *before,
			const bzj_refund *after, const char *reason, bzj_err *e)
{
	char obj[48];
	bzj_json b, a;
	bzj_json_init(&b);
	bzj_json_init(&a);
	if (before)
		refund_json(before, &b);
	refund_json(after, &a);
	snprintf(obj, sizeof obj, "refund:%lld", (long long)after->id);
	int rc = svc_audit(x, action, obj, after->shop_id[0] ? after->shop_id : NULL,
			   before ? bzj_json_text(&b) : NULL,
			   bzj_json_text(&a), reason, e);
	bzj_json_free(&a);
	bzj_json_free(&b);
	return rc;
}

/* The payee must exist and follow the rules; at payout the 30-day rule
 * applies too. */
/* The shop's payee passes the rules; *got (when given) receives the payee
 * read, so a batch reads each payee once, not again for the bank file. */
static int payee_ok_get(bzj_ctx *x, const bzj_shop *s, bool payout, bzj_payee *got, bzj_err *e)
{
	bzj_payee p;
	int rc = bzj_store_payee_get(x->db, s->id, &p, e);
	if (!rc && got)
		*got = p;
	if (rc)
		return rc;
	if (!p.present)
		return bzj_fail(e, BZJ_ERULE, "payee.missing",
				_("shop %s has no payee account; record one with `bzj shop payee`"),
				s->id);
	rc = bzj_payee_check(s->entity, p.type, p.name, s->entity_name, s->operator_name, e);
	if (!rc && payout)
		rc = bzj_payee_change_check(p.had_previous, p.since, x->today, e);
	bzj_change_state cs;
	if (!rc && payout)
		rc = bzj_store_change_state(x->db, s->id, &cs, e);
	if (!rc && payout)
		rc = bzj_info_change_check(cs.hold_kind, cs.hold_notice, x->today, e);
	return rc;
}

static int payee_ok(bzj_ctx *x, const bzj_shop *s, bool payout, bzj_err *e)
{
	return payee_ok_get(x, s, payout, NULL, e);
}

static int submit_partial(bzj_ctx *x, const bzj_shop *s, int64_t amount, bzj_refund *r,
			  bzj_err *e)
{
	char a[32], b[32];
	if (s->status != BZJ_SHOP_OPEN)
		return bzj_fail(e, BZJ_ERULE, "refund.shop_closed",
				_("shop %s is closed: request a closure refund instead"), s->id);
	if (amount <= 0 || amount > BZJ_MONEY_MAX_FEN)
		return bzj_fail(e, BZJ_EINPUT, "input.amount",
				_("amount: a partial refund needs an amount above zero (--amount)"));
	bzj_change_state cs;
	int rc = bzj_store_change_state(x->db, s->id, &cs, e);
	if (rc)
		return rc;
	if (cs.deregistered != BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_ERULE, "shop.deregistered",
				_("shop %s: the company gave notice of its deregistration on %s; no "
				  "partial refunds: close the shop and request a closure refund"),
				s->id, bzj_date_fmt(cs.deregistered, b, sizeof b));
	int n = 0;
	int limit = x->cfg ? x->cfg->monthly_limit : 3;
	/* The count is of requests the merchant made (seed 002: 商家每月可退次数):
	 * rejected and cancelled ones are given back, a failed payout is not. */
	rc = bzj_store_refund_month_count(x->db, s->id, bzj_date_month(x->today), &n, e);
	if (rc)
		return rc;
	if (n >= limit)
		return bzj_fail(e, BZJ_ERULE, "refund.monthly_limit",
				_("shop %s has already requested %d partial refunds this month "
				  "(limit %d)"),
				s->id, n, limit);
	bzj_deposit d;
	if ((rc = svc_position(x, s, &d, e)))
		return rc;
	if (amount > d.pos.refundable_fen)
		return bzj_fail(e, BZJ_ERULE, "refund.amount_exceeds_refundable",
				_("amount %s is more than the refundable %s (available minus "
				  "required minus refunds in progress)"),
				bzj_money_fmt(amount, a, sizeof a),
				bzj_money_fmt(d.pos.refundable_fen, b, sizeof b));
	r->amount_fen = amount;
	return bzj_refund_window(x->cal, BZJ_REFUND_PARTIAL, x->today, &r->window_start,
				 &r->window_end, e);
}

static int submit_closure(bzj_ctx *x, const bzj_shop *s, int64_t amount, bzj_refund *r,
			  bzj_err *e)
{
	char a[32];
	if (s->status != BZJ_SHOP_CLOSED)
		return bzj_fail(e, BZJ_ERULE, "refund.shop_not_closed",
				_("shop %s is not closed: a closure refund needs the closure "
				  "agreement signed (`bzj shop close`)"),
				s->id);
	if (amount > 0)
		return bzj_fail(e, BZJ_EINPUT, "input.amount",
				_("amount: a closure refund returns the whole available balance; "
				  "leave out --amount"));
	if (s->frozen_fen > 0)
		return bzj_fail(e, BZJ_ERULE, "refund.frozen",
				_("shop %s still has %s frozen; resolve its violations first"), s->id,
				bzj_money_fmt(s->frozen_fen, a, sizeof a));
	if (s->owed_fen > 0)
		return bzj_fail(e, BZJ_ERULE, "refund.owed",
				_("shop %s owes %s from deductions"), s->id,
				bzj_money_fmt(s->owed_fen, a, sizeof a));
	if (s->balance_fen <= 0)
		return bzj_fail(e, BZJ_ERULE, "refund.nothing_to_refund",
				_("shop %s has no balance to refund"), s->id);
	r->amount_fen = s->balance_fen - s->frozen_fen;
	return bzj_refund_window(x->cal, BZJ_REFUND_CLOSURE, s->closed, &r->window_start,
				 &r->window_end, e);
}

int bzj_refund_submit(bzj_ctx *x, const bzj_refund_in *in, bzj_refund *out, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_REVIEW, _("submit refunds"), e);
	if (!rc && in->kind != BZJ_REFUND_PARTIAL && in->kind != BZJ_REFUND_CLOSURE)
		rc = bzj_fail(e, BZJ_EINPUT, "input.kind",
			      _("kind: must be partial or closure (a service provider's exit refund "
				"is submitted with `bzj provider refund`)"));
	if (rc)
		return rc;
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, in->shop_id, &s, e);
	int64_t open_id = 0, open_amount = 0;
	if (!rc)
		rc = bzj_store_refund_open(x->db, s.id, &open_id, &open_amount, e);
	if (!rc && open_id)
		rc = bzj_fail(e, BZJ_ERULE, "refund.in_progress",
			      _("shop %s already has refund %lld in progress; one at a time"), s.id,
			      (long long)open_id);
	memset(out, 0, sizeof *out);
	if (!rc)
		rc = in->kind == BZJ_REFUND_PARTIAL ? submit_partial(x, &s, in->amount_fen, out, e)
						    : submit_closure(x, &s, in->amount_fen, out, e);
	if (!rc)
		rc = payee_ok(x, &s, false, e);
	if (!rc) {
		snprintf(out->shop_id, sizeof out->shop_id, "%s", s.id);
		snprintf(out->shop_name, sizeof out->shop_name, "%s", s.name);
		snprintf(out->submitted_by, sizeof out->submitted_by, "%s", x->actor.user);
		out->kind = in->kind;
		out->status = BZJ_RS_SUBMITTED;
		out->submitted_on = x->today;
		out->approved_on = out->paid_on = out->closed_on = BZJ_DATE_NONE;
		rc = bzj_store_refund_insert(x->db, out, e);
	}
	if (!rc)
		rc = svc_shop_save(x, &s, "refund submitted", e);
	if (!rc)
		rc = refund_audit(x, "refund.submit", NULL, out, NULL, e);
	refund_derive(x, out);
	return svc_end(x, rc, e);
}

/* Load a refund for an action: checks the version the user saw and the
 * state machine, naming who acted last when refused. */
static int refund_load(bzj_ctx *x, int64_t id, int action, int64_t expected, bzj_refund *r,
		       bzj_err *e)
{
	int rc = bzj_store_refund_get(x->db, id, r, e);
	if (rc)
		return rc;
	if (expected && r->version != expected)
		return bzj_fail(e, BZJ_EBUSY, "conflict.stale",
				_("refund %lld was changed by %s while you were looking at it; it is "
				  "now %s. Reload and try again"),
				(long long)id, r->changed_by, bzj_refund_status_name(r->status));
	if (r->status == BZJ_RS_SENT && action != BZJ_RA_CHECK && action != BZJ_RA_APPROVE)
		return bzj_fail(e, BZJ_ERULE, "refund.sent",
				_("refund %lld is with the bank in payout batch %lld (reference %s): "
				  "the bank's return file says whether it was paid or failed"),
				(long long)id, (long long)r->batch_id, r->bank_ref);
	if (bzj_refund_transition(r->status, action, e)) {
		char msg[sizeof e->msg];
		snprintf(msg, sizeof msg, "%s", e->msg);
		return bzj_fail(e, BZJ_ERULE, "refund.state", _("refund %lld: %s (last changed by %s)"),
				(long long)id, msg, r->changed_by);
	}
	return BZJ_OK;
}

/* Write the refund and, when `s` is given, its shop (whose position sees
 * the refund as written), then the audit record: every row the change
 * writes comes before its record, so its seal names that record even when
 * one transaction closes many refunds of many shops (a bank return). */
static int refund_save_shop(bzj_ctx *x, const char *action, const bzj_refund *before,
			    bzj_refund *r, bzj_shop *s, const char *cause, const char *reason,
			    bzj_err *e)
{
	snprintf(r->changed_by, sizeof r->changed_by, "%s", x->actor.user);
	if (r->status >= BZJ_RS_PAID && r->status <= BZJ_RS_FAILED &&
	    r->closed_on == BZJ_DATE_NONE)
		r->closed_on = r->status == BZJ_RS_PAID ? r->paid_on : x->today;
	int rc = bzj_store_refund_update(x->db, r, e);
	if (!rc && s)
		rc = svc_shop_save(x, s, cause, e);
	if (!rc)
		rc = refund_audit(x, action, before, r, reason, e);
	refund_derive(x, r);
	return rc;
}

static int refund_save(bzj_ctx *x, const char *action, const bzj_refund *before, bzj_refund *r,
		       const char *reason, bzj_err *e)
{
	return refund_save_shop(x, action, before, r, NULL, NULL, reason, e);
}

/* Status changes that touch no money: cancel, reject, fail. */
static int refund_simple(bzj_ctx *x, int64_t id, int perm, int action, int status,
			 const char *reason, int64_t expected, bzj_refund *out, bzj_err *e)
{
	static const char *const names[] = {[BZJ_RA_REJECT] = "refund.reject",
					    [BZJ_RA_CANCEL] = "refund.cancel",
					    [BZJ_RA_FAIL] = "refund.fail"};
	static const char *const what[] = {[BZJ_RA_REJECT] = N_("reject refunds"),
					   [BZJ_RA_CANCEL] = N_("cancel refunds"),
					   [BZJ_RA_FAIL] = N_("record failed payouts")};
	int rc = bzj_auth_require(&x->actor, perm, _(what[action]), e);
	if (!rc && action != BZJ_RA_CANCEL)
		rc = svc_text(reason, "reason", BZJ_TEXT_MAX, true, e);
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = refund_load(x, id, action, expected, out, e);
	if (!rc && action == BZJ_RA_FAIL &&
	    (!strcmp(out->approved_by, x->actor.user) || !strcmp(out->second_by, x->actor.user)))
		rc = bzj_fail(e, BZJ_ERULE, "four_eyes",
			      _("four-eyes: you approved refund %lld, so another person records "
				"its payout or failure"),
			      (long long)id);
	bzj_refund before = *out;
	if (!rc) {
		out->status = status;
		if (action == BZJ_RA_REJECT)
			snprintf(out->reject_reason, sizeof out->reject_reason, "%s", reason);
		if (action == BZJ_RA_FAIL)
			snprintf(out->failure_reason, sizeof out->failure_reason, "%s", reason);
		rc = refund_save(x, names[action], &before, out, reason, e);
	}
	bzj_shop s;
	if (!rc && out->shop_id[0]) /* an exit refund has no shop */
		rc = bzj_store_shop_get(x->db, out->shop_id, &s, e);
	if (!rc && out->shop_id[0])
		rc = svc_shop_save(x, &s, names[action], e);
	return svc_end(x, rc, e);
}

int bzj_refund_reject(bzj_ctx *x, int64_t id, const char *reason, int64_t expected_version,
		      bzj_refund *out, bzj_err *e)
{
	return refund_simple(x, id, BZJ_PERM_REFUND_REVIEW, BZJ_RA_REJECT, BZJ_RS_REJECTED, reason,
			     expected_version, out, e);
}

int bzj_refund_cancel(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
		      bzj_err *e)
{
	return refund_simple(x, id, BZJ_PERM_REFUND_REVIEW, BZJ_RA_CANCEL, BZJ_RS_CANCELLED, NULL,
			     expected_version, out, e);
}

int bzj_refund_fail(bzj_ctx *x, int64_t id, const char *reason, int64_t expected_version,
		    bzj_refund *out, bzj_err *e)
{
	return refund_simple(x, id, BZJ_PERM_REFUND_PAY, BZJ_RA_FAIL, BZJ_RS_FAILED, reason,
			     expected_version, out, e);
}

int bzj_refund_check(bzj_ctx *x, int64_t id, int item, int64_t expected_version, bzj_refund *out,
		     bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_REVIEW, _("tick checklists"), e);
	if (!rc && item != BZJ_CHECK_MATERIALS && item != BZJ_CHECK_INFO &&
	    item != BZJ_CHECK_SIGNATURES && item != BZJ_CHECK_STATEMENTS)
		rc = bzj_fail(e, BZJ_EINPUT, "input.item",
			      _("item: must be materials, info, signatures or statements"));
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = refund_load(x, id, BZJ_RA_CHECK, expected_version, out, e);
	if (!rc && out->kind == BZJ_REFUND_PARTIAL)
		rc = bzj_fail(e, BZJ_ERULE, "refund.not_closure",
			      _("refund %lld is a partial refund; the checklist is for closure "
				"refunds"),
			      (long long)id);
	bzj_refund before = *out;
	if (!rc) {
		out->checklist |= item;
		rc = refund_save(x, "refund.check", &before, out, bzj_check_item_name(item), e);
	}
	return svc_end(x, rc, e);
}

static void missing_items(int checklist, char *buf, size_t n)
{
	buf[0] = 0;
	for (int bit = 1; bit <= BZJ_CHECK_STATEMENTS; bit <<= 1) {
		if (checklist & bit)
			continue;
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", l ? ", " : "", bzj_check_item_name(bit));
	}
}

enum { APPROVE_ANY, APPROVE_SECOND };

static int refund_approve(bzj_ctx *x, int64_t id, int64_t expected_version, int intent,
			  bzj_refund *out, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_REVIEW, _("approve refunds"), e);
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = refund_load(x, id, BZJ_RA_APPROVE, expected_version, out, e);
	refund_derive(x, out);
	bzj_refund before = *out;
	const char *me = x->actor.user;
	if (!rc && !strcmp(out->submitted_by, me))
		rc = bzj_fail(e, BZJ_ERULE, "four_eyes",
			      _("four-eyes: you submitted refund %lld, so someone else approves "
				"it"),
			      (long long)id);
	if (!rc && intent == APPROVE_SECOND && out->status != BZJ_RS_APPROVED)
		rc = bzj_fail(e, BZJ_ERULE, "refund.state",
			      _("refund %lld is %s, not approved: the second approval is given to "
				"an approved refund"),
			      (long long)id, bzj_refund_status_name(out->status));
	if (!rc && out->status == BZJ_RS_SUBMITTED) {
		if (out->kind != BZJ_REFUND_PARTIAL && out->checklist != BZJ_CHECK_ALL) {
			char miss[96];
			missing_items(out->checklist, miss, sizeof miss);
			rc = bzj_fail(e, BZJ_ERULE, "refund.checklist_incomplete",
				      _("refund %lld: the closure checklist is incomplete; not yet "
					"ticked: %s"),
				      (long long)id, miss);
		}
		if (!rc) {
			out->status = BZJ_RS_APPROVED;
			snprintf(out->approved_by, sizeof out->approved_by, "%s", me);
			out->approved_on = x->today;
			rc = refund_save(x, "refund.approve", &before, out, NULL, e);
		}
	} else if (!rc && !expected_version && intent != APPROVE_SECOND) {
		/* Whoever lost a race to give the first approval must not give
		 * the second by accident: a second approval is only given to a
		 * refund the approver saw approved (its version). */
		rc = bzj_fail(e, BZJ_ERULE, "refund.state",
			      _("refund %lld is already approved by %s%s"), (long long)id,
			      out->approved_by,
			      out->needs_second && !out->second_by[0]
				      ? _("; a supervisor gives the second approval with `bzj "
					  "refund approve ID --second`")
				      : "");
	} else if (!rc) {
		/* Already approved: only a second approval is left to give. */
		if (!out->needs_second || out->second_by[0])
			rc = bzj_fail(e, BZJ_ERULE, "refund.state",
				      _("refund %lld is already approved by %s%s%s"), (long long)id,
				      out->approved_by, out->second_by[0] ? _(" and ") : "",
				      out->second_by);
		else if (x->actor.role != BZJ_ROLE_SUPERVISOR)
			rc = bzj_fail(e, BZJ_EPERM, "refund.second_approval_role",
				      _("refund %lld is above the second-approval threshold; only a "
					"supervisor gives the second approval"),
				      (long long)id);
		else if (!strcmp(out->approved_by, me))
			rc = bzj_fail(e, BZJ_ERULE, "four_eyes",
				      _("four-eyes: you gave the first approval of refund %lld; "
					"another supervisor gives the second"),
				      (long long)id);
		if (!rc) {
			snprintf(out->second_by, sizeof out->second_by, "%s", me);
			rc = refund_save(x, "refund.approve2", &before, out, NULL, e);
		}
	}
	return svc_end(x, rc, e);
}

int bzj_refund_approve(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
		       bzj_err *e)
{
	return refund_approve(x, id, expected_version, APPROVE_ANY, out, e);
}

int bzj_refund_approve_second(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
			      bzj_err *e)
{
	return refund_approve(x, id, expected_version, APPROVE_SECOND, out, e);
}

/* The payout re-check: is the amount still covered? */
/* The payout re-check: is the amount still covered?  `why` is set to the
 * reason in English (it is stored with the refund, as data) and `why_tr`
 * to the same in the user's language; both empty when the payout may go. */
static int payout_recheck(bzj_ctx *x, const bzj_shop *s, const bzj_refund *r, char *why,
			  char *why_tr, size_t n, bzj_err *e)
{
	bzj_deposit d;
	int rc = svc_position(x, s, &d, e);
	if (rc)
		return rc;
	char a[32], b[32], c[32];
	why[0] = why_tr[0] = 0;
#define BOTH(fmt, ...)                                                                             \
	(snprintf(why, n, fmt, __VA_ARGS__), snprintf(why_tr, n, _(fmt), __VA_ARGS__))
	if (r->kind == BZJ_REFUND_PARTIAL) {
		/* in_progress includes this refund itself: leave it out. */
		int64_t refundable = d.pos.available_fen - d.pos.required_fen;
		if (r->amount_fen > refundable)
			BOTH(N_("refundable amount is now %s, less than the %s requested "
				"(deductions or a higher requirement since submission)"),
			     bzj_money_fmt(refundable > 0 ? refundable : 0, a, sizeof a),
			     bzj_money_fmt(r->amount_fen, b, sizeof b));
	} else if (s->frozen_fen > 0 || d.pos.available_fen < r->amount_fen) {
		BOTH(N_("available balance is now %s with %s frozen, not the %s approved"),
		     bzj_money_fmt(d.pos.available_fen, a, sizeof a),
		     bzj_money_fmt(s->frozen_fen, b, sizeof b),
		     bzj_money_fmt(r->amount_fen, c, sizeof c));
	}
#undef BOTH
	return BZJ_OK;
}

/* Everything a payout checks, for `refund pay` and the bank batch alike:
 * four-eyes, the second approval, the window (errors), the payee rules and
 * 30-day holds (errors), and the re-check of the amount (`why`, when the
 * payout must fail).  *s is the refund's shop (not for an exit refund). */
static int payout_checks(bzj_ctx *x, const bzj_refund *r, bzj_shop *s, bzj_payee *payee,
			 char *why, char *why_tr, size_t n, bzj_err *e)
{
	const char *me = x->actor.user;
	char d1[16], d2[16];
	int rc = BZJ_OK;
	why[0] = why_tr[0] = 0;
	if (!strcmp(r->approved_by, me) || !strcmp(r->second_by, me))
		return bzj_fail(e, BZJ_ERULE, "four_eyes",
				_("four-eyes: you approved refund %lld, so another person records "
				  "its payout"),
				(long long)r->id);
	if (r->needs_second && !r->second_by[0])
		return bzj_fail(e, BZJ_ERULE, "refund.second_approval_required",
				_("refund %lld is above the second-approval threshold and has no "
				  "supervisor's second approval yet"),
				(long long)r->id);
	if (x->today < r->window_start)
		return bzj_fail(e, BZJ_ERULE, "refund.window",
				_("refund %lld may be paid from %s to %s, not before"),
				(long long)r->id, bzj_date_fmt(r->window_start, d1, sizeof d1),
				bzj_date_fmt(r->window_end, d2, sizeof d2));
	if (r->provider_id[0]) /* an exit refund */
		return svc_provider_refund_recheck(x, r, why, why_tr, n, e);
	rc = bzj_store_shop_get(x->db, r->shop_id, s, e);
	if (!rc)
		rc = payee_ok_get(x, s, true, payee, e);
	if (!rc)
		rc = payout_recheck(x, s, r, why, why_tr, n, e);
	return rc;
}

/* Record a payout that failed (the re-check, or the bank). */
static int payout_failed(bzj_ctx *x, const char *action, const bzj_refund *before, bzj_refund *r,
			 bzj_shop *s, const char *why, bzj_err *e)
{
	r->status = BZJ_RS_FAILED;
	snprintf(r->failure_reason, sizeof r->failure_reason, "%s", why);
	return refund_save_shop(x, action, before, r, r->provider_id[0] ? NULL : s, "refund failed",
				why, e);
}

/* Record a payout made: the money leaves the balance (the ledger entry,
 * dated today, the day it is booked), the refund is paid on `paid_on` by
 * `by`, late when that is after its window. */
static int payout_paid(bzj_ctx *x, const bzj_refund *before, bzj_refund *r, bzj_shop *s,
		       bzj_date paid_on, const char *by, bzj_err *e)
{
	int rc;
	if (r->provider_id[0]) {
		rc = svc_provider_refund_paid(x, r, e);
	} else {
		bzj_ledger_entry le;
		memset(&le, 0, sizeof le);
		snprintf(le.shop_id, sizeof le.shop_id, "%s", s->id);
		snprintf(le.user, sizeof le.user, "%s", x->actor.user);
		le.date = x->today;
		le.kind = BZJ_LK_REFUND;
		le.amount_fen = -r->amount_fen;
		le.balance_after_fen = s->balance_fen - r->amount_fen;
		le.refund_id = r->id;
		snprintf(le.note, sizeof le.note, "%s refund %lld", bzj_refund_kind_name(r->kind),
			 (long long)r->id);
		rc = bzj_store_ledger_insert(x->db, &le, e);
		s->balance_fen = le.balance_after_fen;
	}
	r->status = BZJ_RS_PAID;
	snprintf(r->paid_by, sizeof r->paid_by, "%s", by);
	r->paid_on = paid_on;
	r->late = paid_on > r->window_end;
	if (!rc)
		rc = refund_save_shop(x, "refund.pay", before, r, r->provider_id[0] ? NULL : s,
				      "refund paid",
				      r->late ? "paid after the window closed (late)" : NULL, e);
	return rc;
}

int bzj_refund_pay(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
		   bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_PAY, _("record payouts"), e);
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = refund_load(x, id, BZJ_RA_PAY, expected_version, out, e);
	refund_derive(x, out);
	bzj_refund before = *out;
	bzj_shop s;
	char why[256] = "", why_tr[256] = "";
	if (!rc)
		rc = payout_checks(x, out, &s, NULL, why, why_tr, sizeof why, e);
	if (rc)
		return svc_end(x, rc, e);
	if (why[0]) {
		/* The failure is recorded (committed), and the caller is told. */
		rc = svc_end(x, payout_failed(x, "refund.payout_failed", &before, out, &s, why, e), e);
		if (rc)
			return rc;
		return bzj_fail(e, BZJ_ERULE, "refund.payout_failed",
				_("refund %lld failed at payout: %s"), (long long)id, why_tr);
	}
	rc = payout_paid(x, &before, out, &s, x->today, x->actor.user, e);
	return svc_end(x, rc, e);
}

int svc_refund_send_check(bzj_ctx *x, int64_t id, bzj_refund *out, bzj_payee *payee, bool *failed,
			  bzj_err *e)
{
	*failed = false;
	memset(payee, 0, sizeof *payee);
	int rc = refund_load(x, id, BZJ_RA_PAY, 0, out, e);
	refund_derive(x, out);
	bzj_refund before = *out;
	bzj_shop s;
	char why[256] = "", why_tr[256] = "";
	if (!rc)
		rc = payout_checks(x, out, &s, payee, why, why_tr, sizeof why, e);
	if (rc)
		return rc;
	if (why[0]) {
		*failed = true;
		rc = payout_failed(x, "refund.payout_failed", &before, out, &s, why, e);
		if (rc)
			return rc;
		return bzj_fail(e, BZJ_ERULE, "refund.payout_failed",
				_("refund %lld failed at payout: %s"), (long long)id, why_tr);
	}
	/* a shop's payee was read (and judged) by the re-check: not again */
	if (out->provider_id[0])
		rc = bzj_store_ppayee_get(x->db, out->provider_id, payee, e);
	if (!rc && !payee->present)
		rc = bzj_fail(e, BZJ_ERULE, "payee.missing", _("refund %lld has no payee account"),
			      (long long)id);
	/* Nothing is written for a refund that passes: the batch sends all of
	 * them in one statement (bzj_store_refunds_send) under one audit
	 * record, the batch's (payout.c). */
	return rc;
}

int svc_refund_returned(bzj_ctx *x, bzj_refund *r, bool paid, bzj_date on, const char *by,
			const char *reason, bzj_err *e)
{
	bzj_refund before = *r;
	bzj_shop s;
	int rc = r->provider_id[0] ? BZJ_OK : bzj_store_shop_get(x->db, r->shop_id, &s, e);
	if (rc)
		return rc;
	if (paid)
		rc = payout_paid(x, &before, r, &s, on, by, e);
	else
		rc = payout_failed(x, "refund.bank_failed", &before, r, &s, reason, e);
	refund_derive(x, r);
	return rc;
}

int bzj_refund_get(bzj_ctx *x, int64_t id, bzj_refund *out, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read refunds"), e);
	if (!rc)
		rc = bzj_store_refund_get(x->db, id, out, e);
	if (!rc)
		refund_derive(x, out);
	return rc;
}

int bzj_refund_try(bzj_ctx *x, int action, int64_t id, int64_t expected_version, bzj_err *e)
{
	int rc = bzj_db_begin(x->db, e);
	if (rc)
		return rc;
	bzj_refund out;
	if (action == BZJ_TRY_APPROVE)
		rc = bzj_refund_approve(x, id, expected_version, &out, e);
	else if (action == BZJ_TRY_APPROVE_SECOND)
		rc = bzj_refund_approve_second(x, id, expected_version, &out, e);
	else
		rc = bzj_refund_pay(x, id, expected_version, &out, e);
	bzj_db_rollback(x->db);
	return rc;
}

int bzj_refund_list(bzj_ctx *x, const bzj_refund_query *q, bzj_refund *out, int max, int *n,
		    bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read refunds"), e);
	bzj_refund_query qq = *q;
	qq.second_fen = x->cfg ? x->cfg->second_approval_fen : INT64_MAX;
	if (!rc)
		rc = bzj_store_refund_list(x->db, &qq, x->today, out, max, n, e);
	for (int i = 0; !rc && i < *n; i++)
		refund_derive(x, &out[i]);
	return rc;
}

int bzj_refund_count(bzj_ctx *x, const bzj_refund_query *q, int64_t *total, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read refunds"), e);
	bzj_refund_query qq = *q;
	qq.second_fen = x->cfg ? x->cfg->second_approval_fen : INT64_MAX;
	return rc ? rc : bzj_store_refund_count(x->db, &qq, x->today, total, e);
}

bool bzj_refund_count_from_load(const bzj_refund_query *q, const bzj_queue_load *l,
				int64_t *total)
{
	int v = bzj_store_refund_variant(q);
	if (q->kind != 0 || (v != BZJ_RV_OPEN && v != BZJ_RV_OVERDUE))
		return false;
	*total = v == BZJ_RV_OVERDUE ? l->overdue : l->open;
	return true;
}

int bzj_refund_load_age_to(int i)
{
	static const int to[BZJ_LOAD_AGES] = {1, 3, 7, 15, -1};
	return i >= 0 && i < BZJ_LOAD_AGES ? to[i] : -1;
}

int bzj_refund_load(bzj_ctx *x, bzj_queue_load *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	out->date = x->today;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read refunds"), e);
	return rc ? rc
		  : bzj_store_refund_load(x->db, x->today,
					  x->cfg ? x->cfg->second_approval_fen : INT64_MAX, out, e);
}
