/* svc.c - helpers every service module uses: input validation, the deposit
 * position of a shop, saving a shop with its restriction transition, and
 * ending transactions. */
#include <stdio.h>
#include <string.h>

#include "bzj/text.h"
#include "bzj/violation.h"
#include "service.h"

int svc_text(const char *s, const char *field, size_t max, bool required, bzj_err *e)
{
	char code[48];
	snprintf(code, sizeof code, "input.%s", field);
	size_t n = s ? strlen(s) : 0;
	if (n == 0) {
		if (required)
			return bzj_fail(e, BZJ_EINPUT, code, _("%s: must not be empty"), field);
		return BZJ_OK;
	}
	if (n > max)
		return bzj_fail(e, BZJ_EINPUT, code, _("%s: longer than %zu bytes"), field, max);
	if (!bzj_utf8_valid(s, n))
		return bzj_fail(e, BZJ_EINPUT, code, _("%s: not valid UTF-8"), field);
	/* Controls (C0, DEL, C1), bidi overrides and isolates, zero-width
	 * characters, the BOM, line and paragraph separators, noncharacters:
	 * none belongs in a name or a reason, and each can make a terminal or
	 * a report show something other than what is stored. */
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t k = bzj_utf8_decode((const unsigned char *)s + i, n - i, &c);
		if (k == 0)
			break; /* cannot happen: checked above */
		if (bzj_text_refused(c)) {
			if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
				return bzj_fail(e, BZJ_EINPUT, code,
						_("%s: contains the control character U+%04X (byte "
						  "0x%02x at %zu)"),
						field, (unsigned)c, (unsigned char)s[i + k - 1], i);
			return bzj_fail(e, BZJ_EINPUT, code,
					_("%s: contains U+%04X at byte %zu, an invisible or "
					  "direction-changing character that does not belong in "
					  "text"),
					field, (unsigned)c, i);
		}
		i += k;
	}
	return BZJ_OK;
}

int svc_shop_id(const char *s, bzj_err *e)
{
	size_t n = s ? strlen(s) : 0;
	bool ok = n >= 1 && n <= BZJ_ID_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char c = s[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     c == '_' || c == '-' || c == '.';
	}
	if (!ok)
		return bzj_fail(e, BZJ_EINPUT, "input.id",
				_("shop id: '%.40s' must be 1 to %d letters, digits, '_', '-' or '.'"),
				s ? s : "", BZJ_ID_MAX);
	return BZJ_OK;
}

int svc_position(bzj_ctx *x, const bzj_shop *s, bzj_deposit *d, bzj_err *e)
{
	memset(d, 0, sizeof *d);
	int rc = bzj_store_base_for(x->db, s->id, s->entity, x->today, &d->pos.base_fen,
				    d->base_category, &d->base_effective, e);
	if (!rc)
		rc = bzj_store_floating_at(x->db, s->id, x->today, d, e);
	if (!rc)
		rc = bzj_store_raises(x->db, s->id, &d->pos.raises_fen, &d->nraises, e);
	int64_t rid = 0;
	if (!rc)
		rc = bzj_store_refund_open(x->db, s->id, &rid, &d->pos.in_progress_fen, e);
	if (rc)
		return rc;
	if (s->status == BZJ_SHOP_CLOSED) {
		/* A closed shop no longer trades: no base or floating deposit
		 * is required, only what open violations still raise. */
		d->pos.base_fen = 0;
		d->pos.floating_fen = 0;
	}
	d->pos.balance_fen = s->balance_fen;
	d->pos.frozen_fen = s->frozen_fen;
	d->pos.owed_fen = s->owed_fen;
	bzj_position_compute(&d->pos);
	return BZJ_OK;
}

int svc_shop_load(bzj_ctx *x, const char *id, bzj_shop *s, bzj_err *e)
{
	int rc = svc_shop_id(id, e);
	return rc ? rc : bzj_store_shop_get(x->db, id, s, e);
}

int svc_shop_save(bzj_ctx *x, bzj_shop *s, const char *cause, bzj_err *e)
{
	bzj_deposit d;
	int rc = svc_position(x, s, &d, e);
	if (rc)
		return rc;
	s->required_fen = d.pos.required_fen;
	if (d.pos.restricted != s->restricted) {
		s->restricted = d.pos.restricted;
		rc = bzj_store_restriction_event(x->db, s->id, x->today, s->restricted,
						 s->balance_fen, s->required_fen, cause, e);
		if (!rc) {
			char obj[64];
			snprintf(obj, sizeof obj, "shop:%s", s->id);
			char a[96];
			snprintf(a, sizeof a,
				 "{\"balance_fen\":%lld,\"required_fen\":%lld,\"restricted\":%s}",
				 (long long)s->balance_fen, (long long)s->required_fen,
				 s->restricted ? "true" : "false");
			rc = svc_audit(x, s->restricted ? "restriction.start" : "restriction.lift",
				       obj, s->id, NULL, a, cause, e);
		}
		if (rc)
			return rc;
	}
	return bzj_store_shop_update(x->db, s, e);
}

void svc_shop_json(const bzj_shop *s, bzj_json *j)
{
	bzj_json_obj(j, NULL);
	bzj_json_str(j, "status", bzj_shop_status_name(s->status));
	bzj_json_int(j, "balance_fen", s->balance_fen);
	bzj_json_int(j, "frozen_fen", s->frozen_fen);
	bzj_json_int(j, "required_fen", s->required_fen);
	bzj_json_int(j, "owed_fen", s->owed_fen);
	bzj_json_int(j, "unsettled_fen", s->unsettled_fen);
	bzj_json_bool(j, "payout_restricted", s->restricted);
	bzj_json_obj_end(j);
}

int svc_end(bzj_ctx *x, int rc, bzj_err *e)
{
	if (rc) {
		bzj_db_rollback(x->db);
		return rc;
	}
	return bzj_db_commit(x->db, e);
}

int svc_progress(bzj_ctx *x, const char *what, long long done, long long total, bzj_err *e)
{
	if ((x->interrupted && *x->interrupted) ||
	    (x->progress && x->progress(x->progress_ctx, what, done, total)))
		return bzj_fail(e, BZJ_EBUSY, "interrupted",
				_("interrupted during %s; nothing was written"), what);
	return BZJ_OK;
}

/* Take up to `amount` off what the shop's violations owe, oldest first;
 * `repay` writes a ledger entry per violation (money from the balance),
 * else the amount is covered from unsettled payments. */
static int owed_allocate(bzj_ctx *x, bzj_shop *s, int64_t amount, bool repay, const char *note,
			 bzj_err *e)
{
	bzj_violation v[16];
	int n = 0, rc = BZJ_OK;
	while (!rc && amount > 0) {
		if ((rc = bzj_store_violations_owing(x->db, s->id, v, 16, &n, e)))
			break;
		if (n == 0)
			break; /* owed by no violation: `bzj check` reports it */
		for (int i = 0; !rc && i < n && amount > 0; i++) {
			int64_t take = v[i].owed_fen < amount ? v[i].owed_fen : amount;
			if (repay) {
				bzj_ledger_entry le;
				memset(&le, 0, sizeof le);
				snprintf(le.shop_id, sizeof le.shop_id, "%s", s->id);
				snprintf(le.user, sizeof le.user, "%s", x->actor.user);
				le.date = x->today;
				le.kind = BZJ_LK_DEDUCTION;
				le.amount_fen = -take;
				le.balance_after_fen = s->balance_fen - take;
				le.violation_id = v[i].id;
				snprintf(le.note, sizeof le.note, "%s (violation %lld)", note,
					 (long long)v[i].id);
				rc = bzj_store_ledger_insert(x->db, &le, e);
				s->balance_fen -= take;
			} else {
				v[i].covered_fen += take;
				s->unsettled_fen -= take;
			}
			v[i].owed_fen -= take;
			s->owed_fen -= take;
			amount -= take;
			if (!rc)
				rc = bzj_store_violation_update(x->db, &v[i], e);
		}
	}
	if (!rc && s->owed_fen == 0)
		s->terminate = false;
	return rc;
}

int svc_repay_owed(bzj_ctx *x, bzj_shop *s, const char *note, int64_t *repaid, bzj_err *e)
{
	int64_t available = s->balance_fen - s->frozen_fen;
	int64_t amount = s->owed_fen < available ? s->owed_fen : available;
	int64_t before = s->balance_fen;
	int rc = amount > 0 ? owed_allocate(x, s, amount, true, note, e) : BZJ_OK;
	if (!rc && s->owed_fen == 0)
		s->terminate = false;
	if (repaid)
		*repaid = before - s->balance_fen;
	return rc;
}

int svc_cover_owed(bzj_ctx *x, bzj_shop *s, bzj_err *e)
{
	int64_t amount = s->owed_fen < s->unsettled_fen ? s->owed_fen : s->unsettled_fen;
	int rc = amount > 0 ? owed_allocate(x, s, amount, false, NULL, e) : BZJ_OK;
	if (!rc && s->owed_fen == 0)
		s->terminate = false;
	return rc;
}
