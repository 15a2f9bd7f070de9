/* check.h - invariants across the whole database (`bzj check`). */
#ifndef BZJ_CHECK_H
#define BZJ_CHECK_H

#include <stdint.h>
#include "bzj/ctx.h"

/* Called for every violated invariant: a stable code ("check.balance") and
 * a message naming the shop/refund. */
typedef int (*bzj_check_fn)(void *ctx, const char *code, const char *msg);

typedef struct bzj_check_result {
	int64_t shops, refunds, ledger_entries;
	int64_t problems;
	int64_t months; /* closed months whose statement was reconciled */
} bzj_check_result;

int bzj_check_all(bzj_ctx *x, bzj_check_fn fn, void *ctx, bzj_check_result *r, bzj_err *e);

#endif
