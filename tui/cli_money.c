/* cli_money.c - money in and out of a shop's deposit: top-ups, fees, GMV,
 * the floating recompute, the ledger and e-receipts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/deposit.h"
#include "bzj/ledger.h"
#include "bzj/money.h"
#include "bzj/receipt.h"
#include "bzj/shop.h"
#include "progress.h"
#include "cli_priv.h"

CMD(cmd_topup)
{
	opt o[] = {O("payer", true), O("ack-third-party", false), O("ref", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 2, &a, e);
	if (rc)
		return rc;
	bzj_topup_in in = {.shop_id = a.pos[0],
			   .payer = cli_val(&a, "payer"),
			   .ack_third_party = cli_flag(&a, "ack-third-party"),
			   .ref = cli_val(&a, "ref")};
	if ((rc = bzj_money_parse(a.pos[1], "amount", &in.amount_fen, e)))
		return rc;
	int64_t id, bal;
	bool replayed;
	if ((rc = bzj_topup(x, &in, &id, &bal, &replayed, e)))
		return rc;
	char b[32];
	if (env->json)
		cli_printf("{\"id\":%lld,\"balance_fen\":%lld,\"replayed\":%s}\n", (long long)id,
		       (long long)bal, replayed ? "true" : "false");
	else
		cli_printf(replayed ? _("top-up %lld was already recorded (same ref); balance %s\n")
				: _("top-up %lld recorded; balance %s\n"),
		       (long long)id, cli_money(bal, b));
	return BZJ_OK;
}

CMD(cmd_fee)
{
	opt o[] = {O("note", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 2, &a, e);
	int64_t fen, id;
	if (!rc)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	if (!rc)
		rc = bzj_fee(x, a.pos[0], fen, cli_val(&a, "note"), &id, e);
	if (rc)
		return rc;
	bzj_shop_view v;
	if ((rc = bzj_shop_view_get(x, a.pos[0], &v, e)))
		return rc;
	char b[32];
	if (env->json)
		cli_printf("{\"id\":%lld,\"balance_fen\":%lld}\n", (long long)id,
		       (long long)v.shop.balance_fen);
	else
		cli_printf(_("fee %lld recorded; balance %s\n"), (long long)id,
		       cli_money(v.shop.balance_fen, b));
	return BZJ_OK;
}

CMD(cmd_gmv)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 3, &a, e);
	bzj_month m;
	int64_t fen;
	if (!rc)
		rc = bzj_month_parse(a.pos[1], "month", &m, e);
	if (!rc)
		rc = bzj_money_parse(a.pos[2], "amount", &fen, e);
	if (!rc)
		rc = bzj_gmv_set(x, a.pos[0], m, fen, e);
	if (rc)
		return rc;
	char ms[8], b[32];
	bzj_month_fmt(m, ms, sizeof ms);
	if (env->json)
		cli_printf("{\"shop_id\":\"%s\",\"month\":\"%s\",\"gmv_fen\":%lld}\n", a.pos[0], ms,
		       (long long)fen);
	else
		cli_printf(_("GMV of %s for %s: %s\n"), a.pos[0], ms, cli_money(fen, b));
	return BZJ_OK;
}

CMD(deposit_recompute)
{
	opt o[] = {O("month", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (!rc && !cli_val(&a, "month"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.month", _("--month YYYY-MM is required"));
	bzj_month m;
	if (!rc)
		rc = bzj_month_parse(cli_val(&a, "month"), "--month", &m, e);
	bzj_recompute_result r;
	if (!rc) {
		progress_attach(x, "recompute");
		rc = bzj_deposit_recompute(x, m, &r, e);
		progress_done();
	}
	if (rc)
		return rc;
	char ms[8], ef[16];
	bzj_month_fmt(r.month, ms, sizeof ms);
	if (env->json)
		cli_printf("{\"month\":\"%s\",\"effective\":\"%s\",\"shops\":%lld,\"changed\":%lld}\n", ms,
		       cli_day(r.effective, ef), (long long)r.shops, (long long)r.changed);
	else
		cli_printf(_("floating deposit for %s (effective %s): %lld shops, %lld changed\n"), ms,
		       cli_day(r.effective, ef), (long long)r.shops, (long long)r.changed);
	return BZJ_OK;
}

/* `deposit sync`: the catch-up of a scheduled effective date, in slices
 * (bzj_deposit_catch_up); month-start runs it from cron on the 2nd. */
CMD(deposit_sync)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
	bool due = false;
	if (!rc) {
		progress_attach(x, "sync");
		rc = bzj_deposit_catch_up(x, &due, e);
		progress_done();
	}
	if (rc)
		return rc;
	if (env->json)
		printf("{\"synced\":%s}\n", due ? "true" : "false");
	else
		printf("%s\n", due ? _("requirements brought up to date")
				    : _("requirements are up to date; nothing was due"));
	return BZJ_OK;
}

CMD(cmd_ledger)
{
	opt o[] = {O("limit", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	long long limit = 50;
	if (!rc)
		rc = cli_opt_int(&a, "limit", 1, 10000, &limit, e);
	if (rc)
		return rc;
	bzj_shop_view v;
	if ((rc = bzj_shop_view_get(x, a.pos[0], &v, e)))
		return rc;
	bzj_ledger_entry *le = malloc((size_t)limit * sizeof *le);
	int n = 0;
	if (!le)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	rc = bzj_ledger_list(x, a.pos[0], 0, le, (int)limit, &n, e);
	bzj_json j;
	cli_json_list(&j, "entries");
	for (int i = 0; !rc && i < n; i++) {
		cli_entry r = {.id = le[i].id,
			       .date = le[i].date,
			       .kind = le[i].kind,
			       .amount_fen = le[i].amount_fen,
			       .balance_after_fen = le[i].balance_after_fen,
			       .note = le[i].note,
			       .shop = true,
			       .payer = le[i].payer,
			       .third_party = le[i].third_party};
		cli_entry_put(env, &j, &r);
	}
	free(le);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	return rc;
}

CMD(receipt_act)
{
	opt o[] = {O("topup", true)};
	args a;
	bool list = !strcmp(cli_last_word(cmd), "list");
	int rc = cli_parse_args(argc, argv, cmd, o, list ? 0 : NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bzj_receipt r[64];
	int n = 0;
	if (list) {
		rc = bzj_receipt_list(x, a.pos[0], r, 64, &n, e);
	} else {
		int64_t tid;
		rc = cli_parse_id(cli_val(&a, "topup"), "--topup", &tid, e);
		if (!rc)
			rc = bzj_receipt_request(x, a.pos[0], tid, &r[0], e);
		n = 1;
	}
	if (rc)
		return rc;
	bzj_json j;
	bzj_json_init(&j);
	if (list) {
		bzj_json_obj(&j, NULL);
		bzj_json_arr(&j, "receipts");
	}
	for (int i = 0; i < n; i++) {
		char b[32], d[16];
		if (!env->json) {
			cli_printf("%-6lld %s %-30s %14s %s%s\n", (long long)r[i].id,
			       cli_day(r[i].issued, d), r[i].title, cli_money(r[i].amount_fen, b),
			       _("top-up "), r[i].voided ? _(" (void)") : "");
			continue;
		}
		bzj_json_obj(&j, NULL);
		bzj_json_int(&j, "id", r[i].id);
		bzj_json_int(&j, "topup_id", r[i].topup_id);
		bzj_json_str(&j, "shop_id", r[i].shop_id);
		bzj_json_str(&j, "title", r[i].title);
		bzj_json_int(&j, "amount_fen", r[i].amount_fen);
		bzj_json_date(&j, "issued", r[i].issued);
		bzj_json_bool(&j, "voided", r[i].voided);
		bzj_json_obj_end(&j);
	}
	if (list) {
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
	}
	cli_json_finish(env, &j, true);
	return BZJ_OK;
}

/* ---- commands of this family ---------------------------------------------- */

const cli_command cli_cmd_topup = {"topup", cmd_topup, NULL, 0,
	N_("topup ID AMOUNT [--payer NAME] [--ack-third-party] [--ref REF]")};
const cli_command cli_cmd_fee = {"fee", cmd_fee, NULL, 0,
	N_("fee ID AMOUNT --note TEXT")};
const cli_command cli_cmd_gmv = {"gmv", cmd_gmv, NULL, 0,
	N_("gmv ID YYYY-MM AMOUNT                  paid GMV of a month")};
static const subcommand deposit_subs[] = {
	{"recompute", deposit_recompute}, {"sync", deposit_sync}, {NULL, NULL}};
const cli_command cli_cmd_deposit = {"deposit", NULL, deposit_subs, 0,
	N_("deposit recompute --month YYYY-MM | deposit sync   floating deposit; requirements "
	   "up to date")};
const cli_command cli_cmd_ledger = {"ledger", cmd_ledger, NULL, 0,
	N_("ledger ID [--limit N]                  a shop's ledger, newest first")};
static const subcommand receipt_subs[] = {
	{"request", receipt_act}, {"list", receipt_act}, {NULL, NULL}};
const cli_command cli_cmd_receipt = {"receipt", NULL, receipt_subs, 0,
	N_("receipt request ID --topup TID | receipt list ID")};
