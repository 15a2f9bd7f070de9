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
	/* m[0]: the floating figure in force before the first month (a
	 * change in the first month is a change against it); m[1..]: the
	 * months, looked up together (bzj_store_shop_months) */
	bzj_month first = now - (BZJ_HISTORY_MONTHS - 1);
	bzj_store_month m[BZJ_HISTORY_MONTHS + 1];
	memset(m, 0, sizeof m);
	m[0].day = m[0].from = bzj_month_day(first, 1) - 1;
	m[0].floating_only = true;
	for (int i = 0; i < BZJ_HISTORY_MONTHS; i++) {
		bzj_month_point *p = &out[i];
		p->month = first + i;
		p->day = p->month == now ? x->today : bzj_month_day(p->month + 1, 1) - 1;
		m[i + 1].from = bzj_month_day(p->month, 1);
		m[i + 1].day = p->day;
	}
	if ((rc = bzj_store_shop_months(x->db, id, s.entity, s.opened, m, BZJ_HISTORY_MONTHS + 1,
					e)))
		return rc;
	for (int i = 0; i < BZJ_HISTORY_MONTHS; i++) {
		bzj_month_point *p = &out[i];
		const bzj_store_month *q = &m[i + 1];
		p->raise = q->raise;
		p->refund = q->refund;
		p->tier_change = q->floating_fen != m[i].floating_fen;
		p->balance_fen = q->balance_fen;
		if (p->day < s.opened)
			continue; /* not open yet: nothing required */
		bzj_deposit d;
		memset(&d, 0, sizeof d);
		d.pos.floating_fen = q->floating_fen;
		d.pos.base_fen = q->base_fen;
		d.pos.raises_fen = q->raises_fen;
		if (s.status == BZJ_SHOP_CLOSED && s.closed != BZJ_DATE_NONE && s.closed <= p->day)
			d.pos.base_fen = d.pos.floating_fen = 0; /* as svc_position */
		d.pos.balance_fen = p->balance_fen;
		bzj_position_compute(&d.pos); /* the one definition of required */
		p->required_fen = d.pos.required_fen;
	}
	return rc;
}
