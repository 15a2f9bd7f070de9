/* assess.h - the industry-belt renewal assessment (续牌考核, seed 003):
 * who is assessed (certified on or before the cutoff), the period, the
 * order threshold and the deposit to hold by the period's end; progress at
 * any time; closed once, after the period, in one transaction. */
#ifndef BZJ_ASSESS_H
#define BZJ_ASSESS_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/shop.h"

enum bzj_assess_outcome { BZJ_AO_PENDING = 0, BZJ_AO_KEEP = 1, BZJ_AO_REVOKE = 2 };
const char *bzj_assess_outcome_name(int outcome);

typedef struct bzj_assessment {
	int64_t id;
	char name[65];
	bzj_date cutoff, from, to;
	int64_t threshold;
	int64_t deposit_fen;
	bzj_date closed_on; /* NONE while open */
	bzj_date created_on;
	char created_by[64];
} bzj_assessment;

typedef struct bzj_assess_row {
	char id[BZJ_ID_MAX + 1];
	int64_t orders;
	int64_t deposit_fen; /* the provider's balance (at close: as closed) */
	bool meets_orders, meets_deposit;
	int outcome;
} bzj_assess_row;

/* Pure: the outcome of one provider. */
int bzj_assess_outcome(int64_t orders, int64_t threshold, int64_t deposit_fen,
		       int64_t required_fen);

int bzj_assess_create(bzj_ctx *x, const char *name, bzj_date cutoff, bzj_date from, bzj_date to,
		      int64_t threshold, int64_t deposit_fen, bzj_err *e);
typedef int (*bzj_assess_fn)(void *ctx, const bzj_assess_row *r);
/* Progress (open: orders so far, outcome pending) or the recorded result
 * (closed). */
int bzj_assess_show(bzj_ctx *x, const char *name, bzj_assessment *a, bzj_assess_fn fn, void *ctx,
		    bzj_err *e);
/* Progress of an open assessment for some providers only (the console's
 * page): those of ids[0..n) it assesses, in id order, one statement of
 * two running-sum lookups per binding, whatever the order table holds.
 * Rows as bzj_assess_show gives them. */
int bzj_assess_progress(bzj_ctx *x, const bzj_assessment *a, const char *const *ids, int n,
			bzj_assess_fn fn, void *ctx, bzj_err *e);
/* Up to max assessments, open ones first, then the latest period first. */
int bzj_assess_list(bzj_ctx *x, bzj_assessment *out, int max, int *n, bzj_err *e);
/* preview: what closing today would decide, nothing written.  Else after
 * the period ("assess.not_ended" before), once ("assess.closed"): keep, or
 * revoke (status ordinary, public delisting notice dated today). */
int bzj_assess_close(bzj_ctx *x, const char *name, bool preview, bzj_assessment *a,
		     bzj_assess_fn fn, void *ctx, bzj_err *e);

#endif
