/* receipt.h - e-receipts (电子收据) for top-ups. */
#ifndef BZJ_RECEIPT_H
#define BZJ_RECEIPT_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/shop.h"

typedef struct bzj_receipt {
	int64_t id;
	int64_t topup_id;
	char shop_id[BZJ_ID_MAX + 1];
	char title[BZJ_NAME_MAX + 1]; /* the certified entity name */
	int64_t amount_fen;
	bzj_date issued;
	bool voided;
} bzj_receipt;

/* Codes: receipt.too_early, receipt.exists, receipt.shop_closed,
 * receipt.not_topup. */
int bzj_receipt_request(bzj_ctx *x, const char *shop_id, int64_t topup_id, bzj_receipt *out,
			bzj_err *e);
int bzj_receipt_list(bzj_ctx *x, const char *shop_id, bzj_receipt *out, int max, int *n,
		     bzj_err *e);

#endif
