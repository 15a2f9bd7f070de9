/* deposit.h - GMV, the monthly floating recompute and the base standards. */
#ifndef BZJ_DEPOSIT_H
#define BZJ_DEPOSIT_H

#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/shop.h"

/* Record a month's paid GMV for a shop (replaces an earlier figure). */
int bzj_gmv_set(bzj_ctx *x, const char *shop_id, bzj_month month, int64_t gmv_fen, bzj_err *e);

typedef struct bzj_recompute_result {
	bzj_month month;    /* the month the floating deposit is for */
	bzj_date effective; /* the 2nd of that month */
	int64_t shops;	    /* shops computed */
	int64_t changed;    /* shops whose figure for the month changed */
} bzj_recompute_result;

/* Floating deposit for `month` from the previous month's GMV, effective on
 * the 2nd of `month`.  Idempotent.  A bulk job: staged in short slices,
 * published in one small transaction (core/store_bulk.c); then, when the
 * figures are in effect today, every shop's payout restriction is
 * re-synced, in slices too. */
int bzj_deposit_recompute(bzj_ctx *x, bzj_month month, bzj_recompute_result *r, bzj_err *e);

/* `deposit sync`: when a scheduled effective date has come (a floating
 * month, a standards version), bring every shop's recorded requirement
 * and restriction up to date in short slices; *due is false when there
 * was nothing to do.  On a large database an operator's write does not do
 * this itself (core/deposit.c): month-start runs it from cron. */
int bzj_deposit_catch_up(bzj_ctx *x, bool *due, bzj_err *e);

typedef struct bzj_standard {
	char category[BZJ_CAT_MAX + 1];
	int64_t individual_fen, company_fen;
	bzj_date effective;
} bzj_standard;

typedef int (*bzj_standard_fn)(void *ctx, const bzj_standard *s);
/* Every version of every category, by category then date. */
int bzj_standards_list(bzj_ctx *x, bzj_standard_fn fn, void *ctx, bzj_err *e);
/* Load standards from a libconfig file (format of data/standards.cfg);
 * supervisors only; re-syncs affected shops. */
int bzj_standards_load(bzj_ctx *x, const char *path, int *loaded, bzj_err *e);
/* The same from the file's text (`name` for messages and the audit). */
int bzj_standards_load_text(bzj_ctx *x, const char *text, const char *name, int *loaded,
			    bzj_err *e);

/* Bring one shop's cached required/restriction up to date as of today,
 * recording a restriction transition if there is one.  Core calls this
 * inside every change; exposed for the recompute and tools. */
int bzj_deposit_sync(bzj_ctx *x, const char *shop_id, bzj_err *e);

#endif
