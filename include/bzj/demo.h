/* demo.h - realistic, reproducible demo data. */
#ifndef BZJ_DEMO_H
#define BZJ_DEMO_H

#include <stdint.h>
#include "bzj/ctx.h"

typedef struct bzj_demo_opts {
	int64_t shops;	 /* default 200 */
	uint64_t seed;	 /* default 1 */
} bzj_demo_opts;

/* Fills an empty database (refuses one that already has shops:
 * "demo.not_empty"). Dates are relative to x->today. */
int bzj_demo_fill(bzj_ctx *x, const bzj_demo_opts *o, bzj_err *e);

#endif
