/* history.h - a shop's last twelve months at a glance: the balance against
 * the required deposit at each month's end, and what happened in each
 * month (a floating tier that changed, a violation's raise, a refund paid),
 * for the deposit detail's chart and `bzj shop history`. */
#ifndef BZJ_HISTORY_H
#define BZJ_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "bzj/ctx.h"
#include "bzj/date.h"

#define BZJ_HISTORY_MONTHS 12

typedef struct bzj_month_point {
	bzj_month month;
	bzj_date day;		/* the month's last day; today for this month */
	int64_t balance_fen;	/* the ledger's sum up to and including day */
	int64_t required_fen;	/* max(base, floating) + raises in force on day */
	bool tier_change;	/* the floating figure in force changed in the month */
	bool raise;		/* a violation with a raise was recorded in the month */
	bool refund;		/* a refund was paid out in the month */
} bzj_month_point;

/* The twelve months ending with today's, oldest first.  Months before the
 * shop opened have zero balance and requirement.  Code store.not_found
 * (exit 3) for an unknown shop. */
int bzj_shop_history(bzj_ctx *x, const char *id, bzj_month_point out[BZJ_HISTORY_MONTHS],
		     bzj_err *e);

#endif
