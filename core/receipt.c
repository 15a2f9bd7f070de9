/* receipt.c - e-receipts: requestable from 7 natural days after a top-up,
 * titled to the certified entity, voided when the shop signs its closure. */
#include <stdio.h>
#include <string.h>

#include "bzj/receipt.h"
#include "service.h"

int bzj_receipt_request(bzj_ctx *x, const char *shop_id, int64_t topup_id, bzj_receipt *out,
			bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_RECEIPT, _("issue receipts"), e);
	if (rc)
		return rc;
	bzj_shop s;
	bzj_ledger_entry le;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, shop_id, &s, e);
	if (!rc)
		rc = bzj_store_ledger_get(x->db, topup_id, &le, e);
	if (!rc && (le.kind != BZJ_LK_TOPUP || strcmp(le.shop_id, s.id) != 0))
		rc = bzj_fail(e, BZJ_EINPUT, "receipt.not_topup",
			      _("entry %lld is not a top-up of shop %s"), (long long)topup_id, s.id);
	if (!rc && s.status == BZJ_SHOP_CLOSED)
		rc = bzj_fail(e, BZJ_ERULE, "receipt.shop_closed",
			      _("shop %s has signed its closure agreement; its receipts are void"),
			      s.id);
	if (!rc)
		rc = bzj_receipt_check(le.date, x->today, e);
	bool found = false;
	if (!rc)
		rc = bzj_store_receipt_by_topup(x->db, topup_id, &found, e);
	if (!rc && found)
		rc = bzj_fail(e, BZJ_ERULE, "receipt.exists",
			      _("top-up %lld already has a receipt"), (long long)topup_id);
	if (!rc) {
		memset(out, 0, sizeof *out);
		out->topup_id = topup_id;
		snprintf(out->shop_id, sizeof out->shop_id, "%s", s.id);
		snprintf(out->title, sizeof out->title, "%s", s.entity_name);
		out->amount_fen = le.amount_fen;
		out->issued = x->today;
		rc = bzj_store_receipt_insert(x->db, out, e);
	}
	if (!rc) {
		char obj[48];
		bzj_json a;
		bzj_json_init(&a);
		bzj_json_obj(&a, NULL);
		bzj_json_str(&a, "title", out->title);
		bzj_json_int(&a, "amount_fen", out->amount_fen);
		bzj_json_int(&a, "topup_id", topup_id);
		bzj_json_obj_end(&a);
		snprintf(obj, sizeof obj, "receipt:%lld", (long long)out->id);
		rc = svc_audit(x, "receipt.issue", obj, s.id, NULL, bzj_json_text(&a), NULL, e);
		bzj_json_free(&a);
	}
	return svc_end(x, rc, e);
}

int bzj_receipt_list(bzj_ctx *x, const char *shop_id, bzj_receipt *out, int max, int *n,
		     bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read receipts"), e);
	return rc ? rc : bzj_store_receipt_list(x->db, shop_id, out, max, n, e);
}
