/* ledger.h - the append-only ledger: a shop's balance is the sum of its
 * entries.  Corrections are new entries, never edits. */
#ifndef BZJ_LEDGER_H
#define BZJ_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/shop.h"

enum bzj_ledger_kind {
	BZJ_LK_TOPUP = 1,      /* + */
	BZJ_LK_DEDUCTION = 2,  /* - compensation or penalty (violation) */
	BZJ_LK_FEE = 3,	       /* - bank / third-party fee */
	BZJ_LK_REFUND = 4,     /* - refund paid */
	BZJ_LK_CORRECTION = 5, /* +/- */
};
const char *bzj_ledger_kind_name(int kind);

typedef struct bzj_ledger_entry {
	int64_t id;
	char shop_id[BZJ_ID_MAX + 1];
	bzj_date date;
	int kind;
	int64_t amount_fen; /* signed */
	int64_t balance_after_fen;
	char payer[BZJ_NAME_MAX + 1];
	bool third_party;
	char ref[65];
	char note[257];
	int64_t violation_id, refund_id; /* 0 if none */
	char user[64];
} bzj_ledger_entry;

typedef struct bzj_topup_in {
	const char *shop_id;
	int64_t amount_fen; /* > 0 */
	const char *payer;  /* NULL = the certified entity */
	bool ack_third_party;
	const char *ref;    /* NULL, or an idempotency key */
	bzj_date date;	    /* the day the money arrived; 0 or BZJ_DATE_NONE = today */
} bzj_topup_in;

/* A top-up; with a ref already applied, returns the earlier entry's id and
 * changes nothing (*replayed set).  Pays back owed first (recorded as a
 * deduction entry), then may lift the payout restriction. */
int bzj_topup(bzj_ctx *x, const bzj_topup_in *in, int64_t *id, int64_t *balance_fen,
	      bool *replayed, bzj_err *e);
/* A fee the merchant bears, taken from the balance (never below zero:
 * "fee.exceeds_balance"). */
int bzj_fee(bzj_ctx *x, const char *shop_id, int64_t amount_fen, const char *note, int64_t *id,
	    bzj_err *e);

/* A shop's entries, newest first, `max` at most, older than before_id
 * (0 = from the newest). */
int bzj_ledger_list(bzj_ctx *x, const char *shop_id, int64_t before_id, bzj_ledger_entry *out,
		    int max, int *n, bzj_err *e);

#endif
