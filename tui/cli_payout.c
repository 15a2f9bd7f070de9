/* cli_payout.c - `bzj payout ...`: bank payout batches, the bank's return
 * file, and the list of batches (issue 15). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/payout.h"
#include "cli_priv.h"

CMD(payout_batch)
{
	opt o[] = {O("date", true), O("out", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	bzj_date d = BZJ_DATE_NONE;
	if (!cli_val(&a, "date"))
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--date: the batch's date is required"));
	if ((rc = bzj_date_parse(cli_val(&a, "date"), "--date", &d, e)))
		return rc;
	char def[64], ds[16];
	snprintf(def, sizeof def, "payout-%s.csv", bzj_date_fmt(d, ds, sizeof ds));
	const char *out = cli_val(&a, "out") ? cli_val(&a, "out") : def;
	bzj_payout_batch b;
	rc = bzj_payout_batch_make(x, d, out, &b, e);
	if (rc) {
		bzj_payout_free(&b);
		return rc;
	}
	char m[32];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		if (b.id && b.count)
			bzj_json_int(&j, "batch", b.id);
		else
			bzj_json_null(&j, "batch");
		bzj_json_date(&j, "date", b.date);
		bzj_json_bool(&j, "business_day", b.business_day);
		bzj_json_int(&j, "count", b.count);
		bzj_json_int(&j, "total_fen", b.total_fen);
		bzj_json_str(&j, "file", b.count ? b.file : NULL);
		bzj_json_str(&j, "sha256", b.count ? b.sha256 : NULL);
		bzj_json_arr(&j, "refunds");
		for (int i = 0; i < b.nlines; i++) {
			bzj_json_obj(&j, NULL);
			bzj_json_int(&j, "id", b.lines[i].refund_id);
			bzj_json_str(&j, "ref", b.lines[i].ref);
			bzj_json_int(&j, "amount_fen", b.lines[i].amount_fen);
			bzj_json_str(&j, "payee_name", b.lines[i].payee_name);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		bzj_json_arr(&j, "excluded");
		for (int i = 0; i < b.nexcluded; i++) {
			bzj_json_obj(&j, NULL);
			bzj_json_int(&j, "id", b.excluded[i].refund_id);
			bzj_json_str(&j, "code", b.excluded[i].code);
			bzj_json_str(&j, "message", b.excluded[i].msg);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else {
		if (!b.business_day)
			cli_printf(_("%s is not a business day: the bank pays nothing, no batch\n"), ds);
		else if (!b.count)
			cli_printf(_("nothing payable on %s: no batch, no file\n"), ds);
		else
			cli_printf(_("batch %lld: %lld refunds, %s, written to %s (SHA-256 %s)\n"),
			       (long long)b.id, (long long)b.count, cli_money(b.total_fen, m), b.file,
			       b.sha256);
		for (int i = 0; i < b.nexcluded; i++) {
			cli_printf(_("left out: refund %lld: "), (long long)b.excluded[i].refund_id);
			cli_put_safe(stdout, b.excluded[i].msg);
			cli_printf(" [%s]\n", b.excluded[i].code);
		}
	}
	bzj_payout_free(&b);
	return BZJ_OK;
}

CMD(payout_return)
{
	const char *path = NULL;
	size_t len = 0;
	char *data = cli_slurp_arg(cmd, argc, argv, &path, &len, e);
	if (!data)
		return e->rc;
	bzj_payout_return_result r;
	int rc = bzj_payout_return(x, data, len, &r, e);
	free(data);
	if (rc)
		return rc;
	char m[32];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_int(&j, "paid", r.paid);
		bzj_json_int(&j, "failed", r.failed);
		bzj_json_int(&j, "late", r.late);
		bzj_json_int(&j, "unchanged", r.unchanged);
		bzj_json_int(&j, "paid_fen", r.paid_fen);
		bzj_json_bool(&j, "already_imported", r.already);
		bzj_json_str(&j, "sha256", r.sha256);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (r.already) {
		cli_printf(_("this return file was imported before: nothing changed\n"));
	} else {
		cli_printf(_("%lld paid (%s, %lld late), %lld failed, %lld already recorded\n"),
		       (long long)r.paid, cli_money(r.paid_fen, m), (long long)r.late,
		       (long long)r.failed, (long long)r.unchanged);
	}
	return BZJ_OK;
}

CMD(payout_list)
{
	opt o[] = {O("open", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	enum { MAX = 1000 };
	bzj_payout_batch *b = malloc(MAX * sizeof *b);
	if (!b)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int n = 0;
	int64_t flagged = 0;
	rc = bzj_payout_list(x, cli_flag(&a, "open"), b, MAX, &n, &flagged, e);
	bzj_json j;
	cli_json_list(&j, "batches");
	char m[32], d1[16], d2[16];
	for (int i = 0; !rc && i < n; i++) {
		if (env->json) {
			bzj_json_obj(&j, NULL);
			bzj_json_int(&j, "id", b[i].id);
			bzj_json_date(&j, "date", b[i].date);
			bzj_json_int(&j, "count", b[i].count);
			bzj_json_int(&j, "total_fen", b[i].total_fen);
			bzj_json_str(&j, "created_by", b[i].created_by);
			bzj_json_bool(&j, "returned", b[i].returned_on != BZJ_DATE_NONE);
			bzj_json_date(&j, "returned_on", b[i].returned_on);
			bzj_json_bool(&j, "flagged", b[i].flagged);
			bzj_json_str(&j, "sha256", b[i].sha256);
			bzj_json_obj_end(&j);
		} else {
			cli_printf("%-6lld %s %6lld %16s  %-10s %s%s\n", (long long)b[i].id,
			       cli_day(b[i].date, d1), (long long)b[i].count,
			       cli_money(b[i].total_fen, m),
			       b[i].returned_on != BZJ_DATE_NONE ? cli_day(b[i].returned_on, d2)
								 : _("open"),
			       b[i].created_by, b[i].flagged ? _("  NO RETURN AFTER 3 BUSINESS DAYS") : "");
		}
	}
	free(b);
	bzj_json_arr_end(&j);
	bzj_json_int(&j, "total", n);
	bzj_json_int(&j, "flagged", flagged);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	if (!rc && !env->json)
		cli_printf(_("%d batches, %lld without a return after 3 business days\n"), n,
		       (long long)flagged);
	return rc;
}

static const subcommand payout_subs[] = {
	{"batch", payout_batch}, {"return", payout_return}, {"list", payout_list}, {NULL, NULL}};
const cli_command cli_cmd_payout = {"payout", NULL, payout_subs, 0,
	N_("payout batch --date DATE [--out FILE.csv]   approved refunds payable that day, sent\n"
	    "payout return FILE.csv   the bank's answer: ref,status,date,reason (paid|failed)\n"
	    "payout list [--open]     batches; flagged: no return after 3 business days")};
