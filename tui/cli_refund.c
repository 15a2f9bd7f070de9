/* cli_refund.c - `bzj refund ...`: the refund's life from submission to
 * payout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/payout.h"
#include "bzj/refund.h"
#include "cli_priv.h"

static void refund_json_sent(bzj_json *j, const bzj_refund *r, const bzj_refund_sent *sent);

static void refund_json(bzj_json *j, const bzj_refund *r)
{
	refund_json_sent(j, r, NULL);
}

/* sent: `refund show` adds "sent", how the refund went to the bank (null
 * if never in a batch) */
static void refund_json_sent(bzj_json *j, const bzj_refund *r, const bzj_refund_sent *sent)
{
	bzj_json_obj(j, NULL);
	bzj_json_int(j, "id", r->id);
	/* an exit refund belongs to a provider: shop_id null, provider_id set */
	bzj_json_str(j, "shop_id", r->shop_id[0] ? r->shop_id : NULL);
	bzj_json_str(j, "provider_id", r->provider_id[0] ? r->provider_id : NULL);
	bzj_json_str(j, "shop_name", r->shop_name);
	bzj_json_str(j, "kind", bzj_refund_kind_name(r->kind));
	bzj_json_int(j, "amount_fen", r->amount_fen);
	bzj_json_str(j, "status", bzj_refund_status_name(r->status));
	bzj_json_date(j, "submitted_on", r->submitted_on);
	bzj_json_date(j, "window_start", r->window_start);
	bzj_json_date(j, "window_end", r->window_end);
	bzj_json_bool(j, "overdue", r->overdue);
	bzj_json_obj(j, "checklist");
	bzj_json_bool(j, "materials", r->checklist & BZJ_CHECK_MATERIALS);
	bzj_json_bool(j, "info", r->checklist & BZJ_CHECK_INFO);
	bzj_json_bool(j, "signatures", r->checklist & BZJ_CHECK_SIGNATURES);
	bzj_json_bool(j, "statements", r->checklist & BZJ_CHECK_STATEMENTS);
	bzj_json_obj_end(j);
	bzj_json_str(j, "failure_reason", r->failure_reason[0] ? r->failure_reason : NULL);
	bzj_json_str(j, "reject_reason", r->reject_reason[0] ? r->reject_reason : NULL);
	bzj_json_bool(j, "late", r->late);
	bzj_json_bool(j, "needs_second_approval", r->needs_second);
	bzj_json_str(j, "submitted_by", r->submitted_by);
	bzj_json_str(j, "approved_by", r->approved_by[0] ? r->approved_by : NULL);
	bzj_json_str(j, "second_approved_by", r->second_by[0] ? r->second_by : NULL);
	bzj_json_str(j, "paid_by", r->paid_by[0] ? r->paid_by : NULL);
	bzj_json_date(j, "paid_on", r->paid_on);
	bzj_json_int(j, "version", r->version);
	if (sent && sent->sent) {
		bzj_json_obj(j, "sent");
		bzj_json_int(j, "batch_id", sent->batch_id);
		bzj_json_str(j, "bank_ref", sent->bank_ref);
		bzj_json_str(j, "by", sent->by);
		bzj_json_str(j, "at", sent->at);
		bzj_json_date(j, "day", sent->day);
		bzj_json_int(j, "audit_seq", sent->audit_seq);
		if (sent->returned) {
			bzj_json_obj(j, "returned");
			bzj_json_str(j, "by", sent->return_by);
			bzj_json_str(j, "at", sent->return_at);
			bzj_json_date(j, "day", sent->return_day);
			bzj_json_int(j, "audit_seq", sent->return_seq);
			bzj_json_obj_end(j);
		} else {
			bzj_json_null(j, "returned");
		}
		bzj_json_obj_end(j);
	} else if (sent) {
		bzj_json_null(j, "sent");
	}
	bzj_json_obj_end(j);
}

static void refund_text(const bzj_refund *r)
{
	char a[32], d1[16], d2[16], d3[16];
	cli_printf("%-6lld %-10s %-8s %-10s %14s  %s  %s..%s%s%s\n", (long long)r->id,
		   r->shop_id[0] ? r->shop_id : r->provider_id,
	       bzj_refund_kind_name(r->kind), bzj_refund_status_name(r->status),
	       cli_money(r->amount_fen, a), cli_day(r->submitted_on, d1), cli_day(r->window_start, d2),
	       cli_day(r->window_end, d3), r->overdue ? _("  OVERDUE") : "", r->late ? _("  late") : "");
	if (r->failure_reason[0])
		cli_printf("       %s: %s\n", _("failed"), r->failure_reason);
	if (r->reject_reason[0])
		cli_printf("       %s: %s\n", _("rejected"), r->reject_reason);
}

/* `refund show`: the refund and, when it went through a bank batch, who
 * sent it, when and in which batch (its batch's audit record). */
static int emit_refund_sent(cli_env *env, const bzj_refund *r, const bzj_refund_sent *sent)
{
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		refund_json_sent(&j, r, sent);
		cli_json_print(&j);
	} else {
		refund_text(r);
		if (sent && sent->sent) {
			char d[16];
			cli_printf(_("       sent in payout batch %lld as %s by %s on %s (%s, audit "
				     "record %lld)\n"),
				   (long long)sent->batch_id, sent->bank_ref, sent->by,
				   cli_day(sent->day, d), sent->at, (long long)sent->audit_seq);
			if (sent->returned)
				cli_printf(_("       the bank's answer recorded by %s on %s (%s, audit "
					     "record %lld)\n"),
					   sent->return_by, cli_day(sent->return_day, d),
					   sent->return_at, (long long)sent->return_seq);
		}
	}
	return BZJ_OK;
}

static int emit_refund(cli_env *env, const bzj_refund *r)
{
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		refund_json(&j, r);
		cli_json_print(&j);
	} else {
		refund_text(r);
	}
	return BZJ_OK;
}

int cli_emit_refund(cli_env *env, const bzj_refund *r)
{
	return emit_refund(env, r);
}

CMD(refund_list)
{
	opt o[] = {O("status", true), O("overdue", false),	   O("kind", true),
		   O("shop", true),   O("open", false), O("awaiting-second", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	bzj_refund_query q = {.shop_id = cli_val(&a, "shop"),
			      .overdue = cli_flag(&a, "overdue"),
			      .open_only = cli_flag(&a, "open"),
			      .awaiting_second = cli_flag(&a, "awaiting-second")};
	const char *st = cli_val(&a, "status");
	/* "all" is every status, as the console's filter calls it. */
	if (st && strcmp(st, "all") && (q.status = bzj_refund_status_parse(st)) < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.status",
				_("--status: must be all, submitted, approved, sent, paid, rejected, "
				  "cancelled or failed"));
	if (cli_val(&a, "kind") && (q.kind = bzj_refund_kind_parse(cli_val(&a, "kind"))) < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.kind",
				_("--kind: must be partial, closure or exit"));
	int64_t total = 0;
	if ((rc = bzj_refund_count(x, &q, &total, e)))
		return rc;
	bzj_json j;
	cli_json_list(&j, "refunds");
	enum { PAGE = 500 };
	bzj_refund *r = malloc(PAGE * sizeof *r);
	if (!r)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int n = 0;
	do {
		if ((rc = bzj_refund_list(x, &q, r, PAGE, &n, e)))
			break;
		for (int i = 0; i < n; i++) {
			if (env->json)
				refund_json(&j, &r[i]);
			else
				refund_text(&r[i]);
		}
		if (n) {
			q.has_cursor = true;
			q.after_due = r[n - 1].window_end;
			q.after_id = r[n - 1].id;
		}
	} while (n == PAGE);
	free(r);
	bzj_json_arr_end(&j);
	bzj_json_int(&j, "total", total);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	if (!rc && !env->json)
		cli_printf(_("%lld refunds\n"), (long long)total);
	return rc;
}

/* `refund load`: today's load of the open queue, the numbers the console's
 * queue header draws. */
CMD(refund_load)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
	bzj_queue_load l;
	if (rc || (rc = bzj_refund_load(x, &l, e)))
		return rc;
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_date(&j, "date", l.date);
		bzj_json_int(&j, "open", l.open);
		bzj_json_int(&j, "due_today", l.due_today);
		bzj_json_int(&j, "overdue", l.overdue);
		bzj_json_int(&j, "awaiting_second", l.awaiting_second);
		bzj_json_arr(&j, "by_age");
		for (int i = 0, from = 0; i < BZJ_LOAD_AGES; i++) {
			int to = bzj_refund_load_age_to(i);
			bzj_json_obj(&j, NULL);
			bzj_json_int(&j, "from_days", from);
			if (to >= 0)
				bzj_json_int(&j, "to_days", to);
			else
				bzj_json_null(&j, "to_days");
			bzj_json_int(&j, "count", l.by_age[i]);
			bzj_json_obj_end(&j);
			from = to + 1;
		}
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
		return BZJ_OK;
	}
	char d[16];
	printf(_("Refund queue on %s: %lld open\n"), cli_day(l.date, d), (long long)l.open);
	printf(_("  due today        %lld\n"), (long long)l.due_today);
	printf(_("  overdue          %lld\n"), (long long)l.overdue);
	printf(_("  awaiting 2nd     %lld\n"), (long long)l.awaiting_second);
	printf("%s", _("  days since submission:"));
	for (int i = 0, from = 0; i < BZJ_LOAD_AGES; i++) {
		int to = bzj_refund_load_age_to(i);
		if (to >= 0)
			printf("  %d-%d: %lld", from, to, (long long)l.by_age[i]);
		else
			printf("  %d+: %lld", from, (long long)l.by_age[i]);
		from = to + 1;
	}
	printf("\n");
	return BZJ_OK;
}

/* Every refund subcommand but list: `refund submit ID`, `refund check RID
 * ITEM`, `refund approve|reject|cancel|pay|fail|show RID`. */
CMD(refund_act)
{
	const char *verb = cli_last_word(cmd);
	bool is_check = !strcmp(verb, "check");
	opt o[] = {O("kind", true), O("amount", true), O("reason", true), O("version", true),
		   O("second", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), is_check ? 2 : 1, &a, e);
	if (rc)
		return rc;
	bzj_refund r;
	if (!strcmp(verb, "submit")) {
		bzj_refund_in in = {.shop_id = a.pos[0],
				    .kind = bzj_refund_kind_parse(cli_val(&a, "kind"))};
		if (in.kind < 0)
			return bzj_fail(e, BZJ_EINPUT, "input.kind",
					_("--kind: must be partial or closure"));
		if (cli_val(&a, "amount") &&
		    (rc = bzj_money_parse(cli_val(&a, "amount"), "--amount", &in.amount_fen, e)))
			return rc;
		rc = bzj_refund_submit(x, &in, &r, e);
		return rc ? rc : emit_refund(env, &r);
	}
	int64_t id, ver = 0;
	if ((rc = cli_parse_id(a.pos[0], "refund id", &id, e)))
		return rc;
	if (cli_val(&a, "version") && (rc = cli_parse_id(cli_val(&a, "version"), "--version", &ver, e)))
		return rc;
	if (is_check) {
		int item = bzj_check_item_parse(a.pos[1]);
		if (item < 0)
			return bzj_fail(e, BZJ_EINPUT, "input.item",
					_("item: must be materials, info, signatures or "
					  "statements"));
		rc = bzj_refund_check(x, id, item, ver, &r, e);
	} else if (!strcmp(verb, "approve")) {
		rc = cli_flag(&a, "second") ? bzj_refund_approve_second(x, id, ver, &r, e)
					: bzj_refund_approve(x, id, ver, &r, e);
	} else if (!strcmp(verb, "reject")) {
		rc = bzj_refund_reject(x, id, cli_val(&a, "reason"), ver, &r, e);
	} else if (!strcmp(verb, "cancel")) {
		rc = bzj_refund_cancel(x, id, ver, &r, e);
	} else if (!strcmp(verb, "pay")) {
		rc = bzj_refund_pay(x, id, ver, &r, e);
	} else if (!strcmp(verb, "fail")) {
		rc = bzj_refund_fail(x, id, cli_val(&a, "reason"), ver, &r, e);
	} else { /* show */
		bzj_refund_sent sent;
		rc = bzj_refund_get(x, id, &r, e);
		if (!rc)
			rc = bzj_refund_sent_get(x, &r, &sent, e);
		return rc ? rc : emit_refund_sent(env, &r, &sent);
	}
	return rc ? rc : emit_refund(env, &r);
}

/* ---- commands of this family ---------------------------------------------- */

static const subcommand refund_subs[] = {
	{"submit", refund_act}, {"check", refund_act},	{"approve", refund_act},
	{"reject", refund_act}, {"cancel", refund_act}, {"pay", refund_act},
	{"fail", refund_act},	{"list", refund_list},	{"show", refund_act},
	{"load", refund_load},	{NULL, NULL}};
const cli_command cli_cmd_refund = {"refund", NULL, refund_subs, 0,
	N_("refund submit ID --kind partial|closure [--amount AMOUNT]\n"
	    "refund check RID materials|info|signatures|statements\n"
	    "refund approve RID [--second] | reject RID --reason TEXT | cancel RID\n"
	    "refund pay RID | fail RID --reason TEXT | show RID   [--version V]\n"
	    "refund list [--status S] [--overdue] [--kind K] [--shop ID] [--open]\n"
	    "            [--awaiting-second]\n"
	    "refund load                               today's load: due today, overdue,\n"
	    "                                          awaiting 2nd approval, open by age")};
