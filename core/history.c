/* history.c - a shop's last twelve months, month by month, from the ledger
 * and the rules as they stood on each month's last day. */
#include <string.h>

#include "bzj/history.h"
#include "service.h"

int bzj_shop_history(bzj_ctx *x, const char *id, bzj_month_point out[BZJ_HISTORY_MONTHS],
		     bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read shops"), e);
	bzj_shop s;
	if (!rc)
		rc = svc_shop_load(x, id, &s, e);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out * BZJ_HISTORY_MONTHS);
	bzj_month now = bzj_date_month(x->today);
	/* The floating figure in force before the first month: a change in
	 * the first month is a change against it. */
	bzj_deposit d;
	bzj_month first = now - (BZJ_HISTORY_MONTHS - 1);
	if ((rc = bzj_store_floating_at(x->db, id, bzj_month_day(first, 1) - 1, &d, e)))
		return rc;
	int64_t prev_floating = d.pos.floating_fen;
	for (int i = 0; i < BZJ_HISTORY_MONTHS && !rc; i++) {
		bzj_month_point *p = &out[i];
		p->month = first + i;
		bzj_date from = bzj_month_day(p->month, 1);
		p->day = p->month == now ? x->today : bzj_month_day(p->month + 1, 1) - 1;
		if ((rc = bzj_store_month_events(x->db, id, from, p->day, &p->raise, &p->refund, e)))
			break;
		memset(&d, 0, sizeof d);
		rc = bzj_store_floating_at(x->db, id, p->day, &d, e);
		if (!rc)
			p->tier_change = d.pos.floating_fen != prev_floating;
		prev_floating = d.pos.floating_fen;
		if (!rc)
			rc = bzj_store_balance_at(x->db, id, p->day, &p->balance_fen, e);
		if (rc || p->day < s.opened)
			continue; /* not open yet: nothing required */
		char cat[BZJ_CAT_MAX + 1];
		bzj_date eff;
		rc = bzj_store_base_for(x->db, id, s.entity, p->day, &d.pos.base_fen, cat, &eff, e);
		if (!rc)
			rc = bzj_store_raises_at(x->db, id, p->day, &d.pos.raises_fen, e);
		if (rc)
			break;
		if (s.status == BZJ_SHOP_CLOSED && s.closed != BZJ_DATE_NONE && s.closed <= p->day)
			d.pos.base_fen = d.pos.floating_fen = 0; /* as svc_position */
		d.pos.balance_fen = p->balance_fen;
		bzj_position_compute(&d.pos); /* the one definition of required */
		p->required_fen = d.pos.required_fen;
	}
	return rc;
}
