/* violation.h - violations and complaints: raises, freezes, deductions. */
#ifndef BZJ_VIOLATION_H
#define BZJ_VIOLATION_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/shop.h"

typedef struct bzj_violation {
	int64_t id;
	char shop_id[BZJ_ID_MAX + 1];
	bzj_date date;
	int cls;    /* enum bzj_violation_class */
	int points;
	int64_t raise_fen;    /* adds to required while open */
	int64_t frozen_fen;   /* still frozen */
	int64_t deducted_fen; /* deductions decided so far */
	int64_t owed_fen;     /* of them, still owed: neither taken from the
				 balance nor covered nor repaid since */
	int status;	      /* enum bzj_violation_status */
	bzj_date resolved;
	char note[257];
	char user[64];
	int64_t version;
	/* of the deductions, covered from unsettled payments (未结货款);
	 * deducted = its ledger deductions + covered + owed, always */
	int64_t covered_fen;
} bzj_violation;

typedef struct bzj_violation_in {
	const char *shop_id;
	int cls, points;
	int64_t raise_fen, freeze_fen;
	const char *note;
	bzj_date date; /* BZJ_DATE_NONE = today */
} bzj_violation_in;


/* Codes: violation.freeze_exceeds_available, input.points ... */
int bzj_violation_add(bzj_ctx *x, const bzj_violation_in *in, int64_t *id, bzj_err *e);
/* `expected_version`: 0 = act on the current row; else the version the user
 * saw, and a changed violation is refused with "conflict.stale". */
int bzj_violation_deduct(bzj_ctx *x, int64_t vid, int64_t amount_fen, int64_t expected_version,
			 bzj_err *e);
int bzj_violation_resolve(bzj_ctx *x, int64_t vid, int64_t expected_version, bzj_err *e);
/* Freeze more of the deposit for an open violation, up to the available
 * balance ("violation.freeze_exceeds_available"). */
int bzj_violation_freeze(bzj_ctx *x, int64_t vid, int64_t amount_fen, int64_t expected_version,
			 bzj_err *e);
/* What add/deduct/resolve would do, without writing. */
int bzj_violation_preview_add(bzj_ctx *x, const bzj_violation_in *in, bzj_effect *out,
			      bzj_err *e);
int bzj_violation_preview_deduct(bzj_ctx *x, int64_t vid, int64_t amount_fen, bzj_effect *out,
				 bzj_err *e);
int bzj_violation_preview_freeze(bzj_ctx *x, int64_t vid, int64_t amount_fen, bzj_effect *out,
				 bzj_err *e);
int bzj_violation_preview_resolve(bzj_ctx *x, int64_t vid, bzj_effect *out, bzj_err *e);

int bzj_violation_get(bzj_ctx *x, int64_t vid, bzj_violation *out, bzj_err *e);
/* shop_id NULL = across shops; open_only; newest first by the violation's
 * date, then by id: the rows after `after` in that order (a keyset cursor
 * on (date, id); NULL = from the newest). */
int bzj_violation_list(bzj_ctx *x, const char *shop_id, bool open_only,
		       const bzj_violation *after, bzj_violation *out, int max, int *n,
		       bzj_err *e);

#endif
