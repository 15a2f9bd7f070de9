/* cli_report.c - `bzj report ...`: the deposit account's monthly statement,
 * the breaches and the queue's throughput (issue 15), as text, --json, or
 * --csv (UTF-8; --bom for spreadsheets that need it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/report.h"
#include "bzj/rules.h"
#include "cli_priv.h"

/* ---- CSV ------------------------------------------------------------------- */

/* Yuan with two decimals, no separators: the spreadsheet's number. */
static const char *yuan(int64_t fen, char *buf)
{
	unsigned long long a = fen < 0 ? 0ull - (unsigned long long)fen : (unsigned long long)fen;
	snprintf(buf, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", a / 100, a % 100);
	return buf;
}

/* A field, quoted when needed (RFC 4180); text that a spreadsheet would run
 * as a formula (= + - @ first) gets a leading '.  Nothing else is escaped:
 * a CSV is a data file, not terminal text (it does not go through
 * cli_printf), and every text it carries (names, users, categories) was
 * refused at input if it held a control, bidi or invisible character
 * (svc_text). */
static void csv_field(const char *s, bool last)
{
	if (!s)
		s = "";
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = s[0] && strchr("=+-@", s[0]) && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9');
	if (quote)
		putchar('"');
	if (formula)
		putchar('\'');
	for (const char *c = s; *c; c++) {
		if (*c == '"')
			putchar('"');
		putchar(*c);
	}
	if (quote)
		putchar('"');
	fputs(last ? "\r\n" : ",", stdout);
}

static void csv_int(int64_t v, bool last)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)v);
	csv_field(b, last);
}

static void csv_money(int64_t v, bool last)
{
	char b[32];
	csv_field(yuan(v, b), last);
}

static void csv_date(bzj_date d, bool last)
{
	char b[16];
	csv_field(d == BZJ_DATE_NONE ? "" : bzj_date_fmt(d, b, sizeof b), last);
}

/* The output options every report shares. */
typedef struct rep_opts {
	bool csv;
	bzj_date from, to;
} rep_opts;

static int report_args(cli_env *env, int argc, char **argv, const char *cmd, int npos, args *a,
		       opt *o, int no, rep_opts *r, bzj_err *e)
{
	int rc = cli_parse_args(argc, argv, cmd, o, no, npos, a, e);
	if (rc)
		return rc;
	r->csv = cli_flag(a, "csv");
	if (cli_flag(a, "bom") && !r->csv)
		return bzj_fail(e, BZJ_EINPUT, "input.bom", _("--bom: only with --csv"));
	if (r->csv && env->json)
		return bzj_fail(e, BZJ_EINPUT, "input.csv", _("--csv: not with --json; choose one"));
	r->from = r->to = BZJ_DATE_NONE;
	if (cli_get(a, "from") && cli_val(a, "from") &&
	    (rc = bzj_date_parse(cli_val(a, "from"), "--from", &r->from, e)))
		return rc;
	if (cli_get(a, "to") && cli_val(a, "to") &&
	    (rc = bzj_date_parse(cli_val(a, "to"), "--to", &r->to, e)))
		return rc;
	if (r->csv && cli_flag(a, "bom"))
		fputs("\xEF\xBB\xBF", stdout);
	return BZJ_OK;
}

/* ---- report month ------------------------------------------------------------ */

static void stmt_json(bzj_json *j, const char *key, const bzj_statement *s, bool named)
{
	bzj_json_obj(j, key);
	if (named)
		bzj_json_str(j, "key", s->key);
	/* the providers' section counts providers */
	bzj_json_int(j, named ? "shops" : "providers", s->shops);
	bzj_json_int(j, "opening_fen", s->opening_fen);
	bzj_json_int(j, "topups_fen", s->topups_fen);
	bzj_json_int(j, "deductions_fen", s->deductions_fen);
	bzj_json_int(j, "fees_fen", s->fees_fen);
	bzj_json_int(j, "refunds_paid_fen", s->refunds_fen);
	bzj_json_int(j, "corrections_fen", s->corrections_fen);
	bzj_json_int(j, "closing_fen", s->closing_fen);
	bzj_json_obj_end(j);
}

static void stmt_csv(const char *section, const bzj_statement *s)
{
	csv_field(section, false);
	csv_field(s->key, false);
	csv_int(s->shops, false);
	csv_money(s->opening_fen, false);
	csv_money(s->topups_fen, false);
	csv_money(s->deductions_fen, false);
	csv_money(s->fees_fen, false);
	csv_money(s->refunds_fen, false);
	csv_money(s->corrections_fen, false);
	csv_money(s->closing_fen, true);
}

static void stmt_text(const char *label, const bzj_statement *s)
{
	char a[32], b[32], c[32], d[32], f[32], g[32], h[32], w[64];
	cli_printf("%s %6lld %16s %14s %14s %12s %14s %12s %16s\n", cli_col_w(label, 16, w, sizeof w),
	       (long long)s->shops, cli_money(s->opening_fen, a), cli_money(s->topups_fen, b),
	       cli_money(s->deductions_fen, c), cli_money(s->fees_fen, d),
	       cli_money(s->refunds_fen, f), cli_money(s->corrections_fen, g),
	       cli_money(s->closing_fen, h));
}

CMD(report_month)
{
	opt o[] = {O("csv", false), O("bom", false)};
	args a;
	rep_opts ro;
	int rc = report_args(env, argc, argv, cmd, 1, &a, o, NOPTS(o), &ro, e);
	if (rc)
		return rc;
	bzj_month m;
	if ((rc = bzj_month_parse(a.pos[0], "month", &m, e)))
		return rc;
	bzj_month_report *r = malloc(sizeof *r);
	if (!r)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	if ((rc = bzj_report_month(x, m, r, e))) {
		free(r);
		return rc;
	}
	char ms[16], a1[32], a2[32];
	bzj_month_fmt(m, ms, sizeof ms);
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "month", ms);
		bzj_json_int(&j, "opening_fen", r->total.opening_fen);
		bzj_json_int(&j, "topups_fen", r->total.topups_fen);
		bzj_json_int(&j, "deductions_fen", r->total.deductions_fen);
		bzj_json_int(&j, "fees_fen", r->total.fees_fen);
		bzj_json_int(&j, "refunds_paid_fen", r->total.refunds_fen);
		bzj_json_int(&j, "corrections_fen", r->total.corrections_fen);
		bzj_json_int(&j, "closing_fen", r->total.closing_fen);
		bzj_json_int(&j, "frozen_fen", r->frozen_fen);
		bzj_json_int(&j, "owed_fen", r->owed_fen);
		bzj_json_int(&j, "shops", r->total.shops);
		bzj_json_int(&j, "ledger_closing_fen", r->ledger_closing_fen);
		bzj_json_int(&j, "balances_fen", r->balances_fen);
		bzj_json_bool(&j, "later_entries", r->later_entries);
		bzj_json_bool(&j, "reconciled", r->reconciled);
		bzj_json_arr(&j, "by_entity");
		for (int i = 0; i < 2; i++)
			stmt_json(&j, NULL, &r->by_entity[i], true);
		bzj_json_arr_end(&j);
		bzj_json_arr(&j, "by_category");
		for (int i = 0; i < r->ncategories; i++)
			stmt_json(&j, NULL, &r->by_category[i], true);
		bzj_json_arr_end(&j);
		stmt_json(&j, "providers", &r->providers, false);
		bzj_json_bool(&j, "providers_reconciled", r->providers_reconciled);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (ro.csv) {
		fputs("section,key,shops,opening,topups,deductions,fees,refunds_paid,corrections,"
		      "closing\r\n",
		      stdout);
		stmt_csv("total", &r->total);
		for (int i = 0; i < 2; i++)
			stmt_csv("entity", &r->by_entity[i]);
		for (int i = 0; i < r->ncategories; i++)
			stmt_csv("category", &r->by_category[i]);
		stmt_csv("providers", &r->providers);
		bzj_statement fz = {.closing_fen = r->frozen_fen}, ow = {.closing_fen = r->owed_fen};
		snprintf(fz.key, sizeof fz.key, "frozen");
		snprintf(ow.key, sizeof ow.key, "owed");
		stmt_csv("now", &fz);
		stmt_csv("now", &ow);
	} else {
		cli_printf(_("Deposit account statement %s\n"), ms);
		cli_printf("%-16s %6s %16s %14s %14s %12s %14s %12s %16s\n", "", _("shops"), _("opening"),
		       _("top-ups"), _("deductions"), _("fees"), _("refunds paid"), _("corrections"),
		       _("closing"));
		stmt_text(_("all shops"), &r->total);
		for (int i = 0; i < 2; i++)
			stmt_text(i ? _("company") : _("individual"), &r->by_entity[i]);
		for (int i = 0; i < r->ncategories; i++)
			stmt_text(r->by_category[i].key[0] ? r->by_category[i].key : "-",
				  &r->by_category[i]);
		stmt_text(_("providers"), &r->providers);
		cli_printf(_("frozen now %s, owed now %s\n"), cli_money(r->frozen_fen, a1),
		       cli_money(r->owed_fen, a2));
		cli_printf(r->reconciled ? _("reconciled with the ledger to the fen (%s)\n")
				     : _("NOT RECONCILED: the ledger records %s at the month's end\n"),
		       cli_money(r->ledger_closing_fen, a1));
	}
	int ok = r->reconciled && r->providers_reconciled;
	free(r);
	return ok ? BZJ_OK : -BZJ_ERULE;
}

/* ---- report breaches ----------------------------------------------------------- */

static void by_json(bzj_json *j, const char *key, const bzj_breach_by *b, int n)
{
	bzj_json_arr(j, key);
	for (int i = 0; i < n; i++) {
		bzj_json_obj(j, NULL);
		bzj_json_str(j, "user", b[i].user);
		bzj_json_int(j, "late", b[i].late);
		bzj_json_int(j, "overdue", b[i].overdue);
		bzj_json_int(j, "days_late", b[i].days_late);
		bzj_json_obj_end(j);
	}
	bzj_json_arr_end(j);
}

CMD(report_breaches)
{
	opt o[] = {O("from", true), O("to", true), O("csv", false), O("bom", false)};
	args a;
	rep_opts ro;
	int rc = report_args(env, argc, argv, cmd, 0, &a, o, NOPTS(o), &ro, e);
	if (rc)
		return rc;
	bzj_breach_report r;
	if ((rc = bzj_report_breaches(x, ro.from, ro.to, &r, e))) {
		bzj_breach_free(&r);
		return rc;
	}
	char d1[16], d2[16], d3[16], m[32];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_date(&j, "from", r.from);
		bzj_json_date(&j, "to", r.to);
		bzj_json_int(&j, "late", r.late);
		bzj_json_int(&j, "overdue", r.overdue);
		bzj_json_arr(&j, "refunds");
		for (int i = 0; i < r.n; i++) {
			const bzj_breach *b = &r.items[i];
			bzj_json_obj(&j, NULL);
			bzj_json_int(&j, "id", b->refund_id);
			bzj_json_str(&j, "owner", b->shop_id);
			bzj_json_str(&j, "kind", bzj_refund_kind_name(b->kind));
			bzj_json_str(&j, "status", bzj_refund_status_name(b->status));
			bzj_json_int(&j, "amount_fen", b->amount_fen);
			bzj_json_date(&j, "window_end", b->window_end);
			bzj_json_date(&j, "paid_on", b->paid_on);
			bzj_json_int(&j, "days_late", b->days_late);
			bzj_json_bool(&j, "overdue", b->overdue);
			bzj_json_str(&j, "reviewer", b->reviewer[0] ? b->reviewer : NULL);
			bzj_json_str(&j, "finance", b->finance[0] ? b->finance : NULL);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		by_json(&j, "by_reviewer", r.by_reviewer, r.nreviewers);
		by_json(&j, "by_finance", r.by_finance, r.nfinance);
		bzj_json_arr(&j, "days");
		for (int i = 0; i < r.ndays; i++) {
			if (!r.paid_per_day[i])
				continue;
			bzj_json_obj(&j, NULL);
			bzj_json_date(&j, "day", r.from + i);
			bzj_json_int(&j, "paid", r.paid_per_day[i]);
			bzj_json_int(&j, "late", r.late_per_day[i]);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (ro.csv) {
		fputs("refund_id,owner,kind,status,amount,window_end,paid_on,days_late,overdue,"
		      "reviewer,finance\r\n",
		      stdout);
		for (int i = 0; i < r.n; i++) {
			const bzj_breach *b = &r.items[i];
			csv_int(b->refund_id, false);
			csv_field(b->shop_id, false);
			csv_field(bzj_refund_kind_name(b->kind), false);
			csv_field(bzj_refund_status_name(b->status), false);
			csv_money(b->amount_fen, false);
			csv_date(b->window_end, false);
			csv_date(b->paid_on, false);
			csv_int(b->days_late, false);
			csv_field(b->overdue ? "yes" : "no", false);
			csv_field(b->reviewer, false);
			csv_field(b->finance, true);
		}
	} else {
		cli_printf(_("Breaches %s..%s: %lld paid late, %lld overdue today\n"),
		       cli_day(r.from, d1), cli_day(r.to, d2), (long long)r.late,
		       (long long)r.overdue);
		for (int i = 0; i < r.n; i++) {
			const bzj_breach *b = &r.items[i];
			cli_printf("%-6lld %-12s %14s  %s  %s  %4d %s  %s/%s\n", (long long)b->refund_id,
			       b->shop_id, cli_money(b->amount_fen, m), cli_day(b->window_end, d1),
			       b->overdue ? _("OVERDUE   ") : cli_day(b->paid_on, d3), b->days_late,
			       _("days"), b->reviewer[0] ? b->reviewer : "-",
			       b->finance[0] ? b->finance : "-");
		}
		for (int i = 0; i < r.nreviewers; i++)
			cli_printf(_("reviewer %s: %lld late, %lld overdue\n"), r.by_reviewer[i].user,
			       (long long)r.by_reviewer[i].late, (long long)r.by_reviewer[i].overdue);
		for (int i = 0; i < r.nfinance; i++)
			cli_printf(_("finance %s: %lld late, %lld overdue\n"), r.by_finance[i].user,
			       (long long)r.by_finance[i].late, (long long)r.by_finance[i].overdue);
	}
	bzj_breach_free(&r);
	return BZJ_OK;
}

/* ---- report queue -------------------------------------------------------------- */

static void queue_csv(const char *section, const char *key, const bzj_queue_day *d,
		      const int *q4)
{
	csv_field(section, false);
	csv_field(key, false);
	csv_int(d ? d->submitted : 0, false);
	csv_int(d ? d->approved : 0, false);
	csv_int(d ? d->rejected : 0, false);
	csv_int(d ? d->failed : 0, false);
	csv_int(d ? d->paid : 0, false);
	for (int i = 0; i < 4; i++) {
		if (q4 && q4[i] >= 0)
			csv_int(q4[i], i == 3);
		else
			csv_field("", i == 3);
	}
}

CMD(report_queue)
{
	opt o[] = {O("from", true), O("to", true), O("csv", false), O("bom", false)};
	args a;
	rep_opts ro;
	int rc = report_args(env, argc, argv, cmd, 0, &a, o, NOPTS(o), &ro, e);
	if (rc)
		return rc;
	bzj_queue_report r;
	if ((rc = bzj_report_queue(x, ro.from, ro.to, &r, e))) {
		bzj_queue_free(&r);
		return rc;
	}
	char d1[16], d2[16];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_date(&j, "from", r.from);
		bzj_json_date(&j, "to", r.to);
		bzj_json_int(&j, "submitted", r.total.submitted);
		bzj_json_int(&j, "approved", r.total.approved);
		bzj_json_int(&j, "rejected", r.total.rejected);
		bzj_json_int(&j, "failed", r.total.failed);
		bzj_json_int(&j, "paid", r.total.paid);
		bzj_json_obj(&j, "approve_days");
		bzj_json_int(&j, "count", r.napprove);
		bzj_json_int(&j, "median", r.approve_median);
		bzj_json_int(&j, "p90", r.approve_p90);
		bzj_json_obj_end(&j);
		bzj_json_obj(&j, "pay_days");
		bzj_json_int(&j, "count", r.npay);
		bzj_json_int(&j, "median", r.pay_median);
		bzj_json_int(&j, "p90", r.pay_p90);
		bzj_json_obj_end(&j);
		bzj_json_arr(&j, "days");
		for (int i = 0; i < r.ndays; i++) {
			const bzj_queue_day *d = &r.days[i];
			bzj_json_obj(&j, NULL);
			bzj_json_date(&j, "day", d->day);
			bzj_json_int(&j, "submitted", d->submitted);
			bzj_json_int(&j, "approved", d->approved);
			bzj_json_int(&j, "rejected", d->rejected);
			bzj_json_int(&j, "failed", d->failed);
			bzj_json_int(&j, "paid", d->paid);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		bzj_json_arr(&j, "by_reviewer");
		for (int i = 0; i < r.nusers; i++) {
			bzj_json_obj(&j, NULL);
			bzj_json_str(&j, "user", r.users[i].user);
			bzj_json_int(&j, "approved", r.users[i].approved);
			bzj_json_int(&j, "rejected", r.users[i].rejected);
			bzj_json_int(&j, "approve_median_days", r.users[i].approve_median);
			bzj_json_int(&j, "approve_p90_days", r.users[i].approve_p90);
			bzj_json_obj_end(&j);
		}
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (ro.csv) {
		fputs("section,key,submitted,approved,rejected,failed,paid,approve_median_days,"
		      "approve_p90_days,pay_median_days,pay_p90_days\r\n",
		      stdout);
		for (int i = 0; i < r.ndays; i++)
			queue_csv("day", bzj_date_fmt(r.days[i].day, d1, sizeof d1), &r.days[i], NULL);
		for (int i = 0; i < r.nusers; i++) {
			bzj_queue_day u = {.approved = r.users[i].approved,
					   .rejected = r.users[i].rejected};
			int q[4] = {r.users[i].approve_median, r.users[i].approve_p90, -1, -1};
			queue_csv("reviewer", r.users[i].user, &u, q);
		}
		int q[4] = {r.approve_median, r.approve_p90, r.pay_median, r.pay_p90};
		queue_csv("total", "", &r.total, q);
	} else {
		cli_printf(_("Refund queue %s..%s: %lld submitted, %lld approved, %lld rejected, %lld "
			 "failed, %lld paid\n"),
		       cli_day(r.from, d1), cli_day(r.to, d2), (long long)r.total.submitted,
		       (long long)r.total.approved, (long long)r.total.rejected,
		       (long long)r.total.failed, (long long)r.total.paid);
		cli_printf(_("days to approve: median %d, p90 %d (%lld); days to pay: median %d, p90 %d "
			 "(%lld)\n"),
		       r.approve_median, r.approve_p90, (long long)r.napprove, r.pay_median,
		       r.pay_p90, (long long)r.npay);
		for (int i = 0; i < r.nusers; i++)
			cli_printf(_("reviewer %s: %lld approved, %lld rejected; days to approve: median "
				 "%d, p90 %d\n"),
			       r.users[i].user, (long long)r.users[i].approved,
			       (long long)r.users[i].rejected, r.users[i].approve_median,
			       r.users[i].approve_p90);
	}
	bzj_queue_free(&r);
	return BZJ_OK;
}

static const subcommand report_subs[] = {{"month", report_month},
					 {"breaches", report_breaches},
					 {"queue", report_queue},
					 {NULL, NULL}};
const cli_command cli_cmd_report = {"report", NULL, report_subs, 0,
	N_("report month YYYY-MM [--csv [--bom]]   the deposit account's monthly statement\n"
	    "report breaches [--from DATE] [--to DATE] [--csv [--bom]]   late and overdue refunds\n"
	    "report queue [--from DATE] [--to DATE] [--csv [--bom]]   throughput, days to "
	    "approve / pay")};
