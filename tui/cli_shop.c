/* cli_shop.c - `bzj shop ...`: a shop's master data and its deposit view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/history.h"
#include "bzj/money.h"
#include "bzj/shop.h"
#include "cli_priv.h"
#include "widget.h"

void cli_shop_json(bzj_json *j, const bzj_shop_view *v)
{
	const bzj_shop *s = &v->shop;
	const bzj_position *p = &v->dep.pos;
	bzj_json_obj(j, NULL);
	bzj_json_str(j, "id", s->id);
	bzj_json_str(j, "name", s->name);
	bzj_json_str(j, "entity_name", s->entity_name);
	bzj_json_str(j, "operator", s->operator_name);
	bzj_json_str(j, "entity", bzj_entity_name(s->entity));
	bzj_json_str(j, "status", bzj_shop_status_name(s->status));
	bzj_json_date(j, "opened", s->opened);
	bzj_json_date(j, "closed", s->closed);
	bzj_json_arr(j, "categories");
	for (int i = 0; i < v->ncategories; i++)
		bzj_json_str(j, NULL, v->categories[i]);
	bzj_json_arr_end(j);
	if (v->payee.present) {
		bzj_json_obj(j, "payee");
		bzj_json_str(j, "type", bzj_payee_type_name(v->payee.type));
		bzj_json_str(j, "name", v->payee.name);
		bzj_json_str(j, "account", v->payee.account);
		bzj_json_date(j, "since", v->payee.since);
		bzj_json_bool(j, "valid", v->payee.valid);
		bzj_json_str(j, "problem", v->payee.valid ? NULL : v->payee.problem);
		bzj_json_obj_end(j);
	} else {
		bzj_json_null(j, "payee");
	}
	bzj_json_int(j, "base_fen", p->base_fen);
	bzj_json_str(j, "base_category", v->dep.base_category);
	bzj_json_int(j, "floating_fen", p->floating_fen);
	if (v->dep.floating_present) {
		char m[8];
		bzj_json_str(j, "floating_gmv_month",
			     bzj_month_fmt(v->dep.floating_gmv_month, m, sizeof m));
		bzj_json_int(j, "floating_gmv_fen", v->dep.floating_gmv_fen);
		bzj_json_date(j, "floating_effective", v->dep.floating_effective);
	} else {
		/* Every key is always there: null when there is no figure. */
		bzj_json_null(j, "floating_gmv_month");
		bzj_json_null(j, "floating_gmv_fen");
		bzj_json_null(j, "floating_effective");
	}
	bzj_json_int(j, "raises_fen", p->raises_fen);
	bzj_json_int(j, "required_fen", p->required_fen);
	bzj_json_int(j, "balance_fen", p->balance_fen);
	bzj_json_int(j, "frozen_fen", p->frozen_fen);
	bzj_json_int(j, "available_fen", p->available_fen);
	bzj_json_int(j, "refundable_fen", p->refundable_fen);
	bzj_json_int(j, "shortfall_fen", p->shortfall_fen);
	bzj_json_bool(j, "payout_restricted", p->restricted);
	bzj_json_int(j, "owed_fen", p->owed_fen);
	bzj_json_int(j, "unsettled_fen", s->unsettled_fen);
	bzj_json_bool(j, "terminate", s->terminate);
	bzj_json_int(j, "open_violations", v->open_violations);
	if (v->refund_in_progress)
		bzj_json_int(j, "refund_in_progress", v->refund_in_progress);
	else
		bzj_json_null(j, "refund_in_progress");
	/* merchant information changes (seed 002 §8) and the 30-day holds */
	bzj_json_date(j, "deregistered", v->changes.deregistered);
	if (v->changes.hold_kind) {
		bzj_json_obj(j, "info_change");
		bzj_json_str(j, "kind", bzj_change_kind_name(v->changes.hold_kind));
		bzj_json_date(j, "notice", v->changes.hold_notice);
		bzj_json_date(j, "payable_from", v->changes.hold_notice + BZJ_NOTICE_DAYS);
		bzj_json_obj_end(j);
	} else {
		bzj_json_null(j, "info_change");
	}
	bzj_json_date(j, "payable_from", v->payable_from);
	cli_newbie_json(j, &v->newbie);
	bzj_json_obj_end(j);
}

static void shop_text(const bzj_shop_view *v)
{
	const bzj_shop *s = &v->shop;
	const bzj_position *p = &v->dep.pos;
	char a[32], b[32], c[32], d[32], m[8], m2[16], l[64];
#define L(s) cli_col_w(s, 12, l, sizeof l)
	cli_printf("%s  %s  (%s, %s)\n", s->id, s->name,
	       s->entity == BZJ_ENTITY_COMPANY ? _("company") : _("individual business"),
	       s->status == BZJ_SHOP_OPEN ? _("open") : _("closed"));
	cli_printf("  %s %s\n", L(_("entity")), s->entity_name);
	if (s->operator_name[0])
		cli_printf("  %s %s\n", L(_("operator")), s->operator_name);
	cli_printf("  %s", L(_("categories")));
	for (int i = 0; i < v->ncategories; i++)
		cli_printf("%s%s", i ? ", " : " ", v->categories[i]);
	cli_printf("\n  %s %s = max(%s %s [%s], %s %s", L(_("required")), cli_money(p->required_fen, a),
	       _("base"), cli_money(p->base_fen, b), v->dep.base_category[0] ? v->dep.base_category : "-",
	       _("floating"), cli_money(p->floating_fen, c));
	if (v->dep.floating_present)
		cli_printf(" [GMV %s %s]", bzj_month_fmt(v->dep.floating_gmv_month, m, sizeof m),
		       cli_money(v->dep.floating_gmv_fen, d));
	cli_printf(") + %s %s\n", _("raises"), cli_money(p->raises_fen, a));
	cli_printf("  %s %s   %s %s   %s %s\n", L(_("balance")), cli_money(p->balance_fen, a), _("frozen"),
	       cli_money(p->frozen_fen, b), _("available"), cli_money(p->available_fen, c));
	cli_printf("  %s %s   %s %s   %s %s\n", L(_("refundable")), cli_money(p->refundable_fen, a),
	       _("owed"), cli_money(p->owed_fen, b), _("payout restricted"),
	       p->restricted ? _("yes") : _("no"));
	if (v->payee.present)
		cli_printf("  %s %s %s %s (%s)\n", L(_("payee")), cli_payee_label(v->payee.type),
		       v->payee.name, v->payee.account,
		       v->payee.valid ? _("valid") : v->payee.problem);
	else
		cli_printf("  %s %s\n", L(_("payee")), _("none recorded"));
	if (v->changes.deregistered != BZJ_DATE_NONE)
		cli_printf("  %s %s %s\n", L(_("deregistered")), _("notice of"),
		       cli_day(v->changes.deregistered, m2));
	if (v->payable_from != BZJ_DATE_NONE)
		cli_printf("  %s %s\n", L(_("payable from")), cli_day(v->payable_from, m2));
	if (s->terminate)
		cli_printf("  %s\n", _("flagged for termination of service"));
	cli_printf("  %s ", L(_("newbie")));
	cli_newbie_text(stdout, &v->newbie);
	fputc('\n', stdout);
}

int cli_emit_shop(cli_env *env, bzj_ctx *x, const char *id, bzj_err *e)
{
	bzj_shop_view v;
	int rc = bzj_shop_view_get(x, id, &v, e);
	if (rc)
		return rc;
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		cli_shop_json(&j, &v);
		cli_json_print(&j);
	} else {
		shop_text(&v);
	}
	return BZJ_OK;
}

static int split_categories(const char *list, char *buf, size_t n, bzj_shop_new *in, bzj_err *e)
{
	snprintf(buf, n, "%s", list ? list : "");
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (in->ncategories == BZJ_MAX_CATEGORIES)
			return bzj_fail(e, BZJ_EINPUT, "input.category",
					_("category: at most %d categories"), BZJ_MAX_CATEGORIES);
		in->categories[in->ncategories++] = t;
	}
	return BZJ_OK;
}

CMD(shop_add)
{
	opt o[] = {O("name", true),   O("entity", true),	    O("category", true),
		   O("opened", true), O("entity-name", true), O("operator", true),
		   O("direct", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bzj_shop_new in = {.id = a.pos[0],
			   .name = cli_val(&a, "name"),
			   .entity_name = cli_val(&a, "entity-name"),
			   .operator_name = cli_val(&a, "operator"),
			   .entity = bzj_entity_parse(cli_val(&a, "entity")),
			   .direct = cli_flag(&a, "direct")};
	if (in.entity < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.entity",
				_("--entity: must be individual or company"));
	char cats[1024];
	if ((rc = split_categories(cli_val(&a, "category"), cats, sizeof cats, &in, e)))
		return rc;
	in.opened = x->today;
	if (cli_val(&a, "opened") && (rc = bzj_date_parse(cli_val(&a, "opened"), "--opened", &in.opened, e)))
		return rc;
	if (!cli_val(&a, "opened"))
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--opened DATE is required"));
	rc = bzj_shop_add(x, &in, e);
	return rc ? rc : cli_emit_shop(env, x, in.id, e);
}

CMD(shop_list)
{
	opt o[] = {O("search", true),	O("shortfall", false), O("status", true),
		   O("limit", true),	O("sort", true),	      O("desc", false),
		   O("violations", false), O("refunding", false), O("capped", false)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	bzj_shop_query q = {.search = cli_val(&a, "search"),
			    .shortfall = cli_flag(&a, "shortfall"),
			    .open_violations = cli_flag(&a, "violations"),
			    .refund_in_progress = cli_flag(&a, "refunding"),
			    .capped = cli_flag(&a, "capped"),
			    .desc = cli_flag(&a, "desc")};
	if (cli_val(&a, "status") && (q.status = bzj_shop_status_parse(cli_val(&a, "status"))) < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.status", _("--status: must be open or closed"));
	static const char *const sorts[] = {"id", "name", "required", "balance"};
	if (cli_val(&a, "sort")) {
		q.sort = -1;
		for (int i = 0; i < 4; i++)
			if (!strcmp(cli_val(&a, "sort"), sorts[i]))
				q.sort = i;
		if (q.sort < 0)
			return bzj_fail(e, BZJ_EINPUT, "input.sort",
					_("--sort: must be id, name, required or balance"));
	}
	long long limit = 100;
	if ((rc = cli_opt_int(&a, "limit", 0, 100000000, &limit, e)))
		return rc;
	int64_t total = 0;
	if ((rc = bzj_shop_count(x, &q, NULL, &total, NULL, e)))
		return rc;
	bzj_json j;
	bzj_json_init(&j);
	if (env->json) {
		bzj_json_obj(&j, NULL);
		bzj_json_arr(&j, "shops");
	}
	enum { PAGE = 200 };
	bzj_shop_row *rows = malloc(PAGE * sizeof *rows);
	if (!rows)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	long long shown = 0;
	int n = 0;
	if (!env->json) {
		/* The header, by display width like the rows (money is printed
		 * %14s: "¥" takes two bytes and one column, so 13 columns). */
		char h[5][160];
		cli_printf("%s %s %s %s %s  %s\n", cli_col_w(_("ID"), 10, h[0], sizeof h[0]),
		       cli_col_w(_("Shop"), 30, h[1], sizeof h[1]),
		       cli_col_w(_("Entity"), 12, h[2], sizeof h[2]),
		       wdg_field_mb(_("Required"), 13, WDG_RIGHT, h[3], sizeof h[3]),
		       wdg_field_mb(_("Balance"), 13, WDG_RIGHT, h[4], sizeof h[4]), _("Flags"));
	}
	do {
		int want = limit && limit - shown < PAGE ? (int)(limit - shown) : PAGE;
		rc = bzj_shop_list(x, &q, rows, want, &n, e);
		for (int i = 0; !rc && i < n; i++, shown++) {
			bzj_shop_view v;
			if ((rc = bzj_shop_view_get(x, rows[i].id, &v, e)))
				break;
			if (env->json) {
				cli_shop_json(&j, &v);
			} else {
				char b[32], c[32];
				char nm[160], en[64];
				cli_printf("%-10s %s %s %14s %14s%s%s%s%s\n", v.shop.id,
				       cli_col_w(v.shop.name, 30, nm, sizeof nm),
				       cli_col_w(v.shop.entity == BZJ_ENTITY_COMPANY
						     ? _("company")
						     : _("individual business"),
					     12, en, sizeof en),
				       cli_money(v.dep.pos.required_fen, b),
				       cli_money(v.dep.pos.balance_fen, c),
				       v.dep.pos.restricted ? _("  SHORTFALL") : "",
				       v.shop.status == BZJ_SHOP_CLOSED ? _("  closed") : "",
				       v.open_violations ? _("  violations") : "",
				       v.newbie.capped ? _("  CAPPED") : "");
			}
		}
		if (n > 0) {
			q.has_cursor = true;
			q.cursor = rows[n - 1];
		}
	} while (!rc && n > 0 && (!limit || shown < limit));
	free(rows);
	if (rc) {
		bzj_json_free(&j);
		return rc;
	}
	if (env->json) {
		bzj_json_arr_end(&j);
		bzj_json_int(&j, "total", total);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else {
		cli_printf(_("%lld of %lld shops\n"), shown, (long long)total);
	}
	return BZJ_OK;
}

CMD(shop_category)
{
	opt o[] = {O("add", true), O("remove", true), O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	const char *add = cli_val(&a, "add"), *rm = cli_val(&a, "remove");
	if (!rc && !add == !rm)
		rc = bzj_fail(e, BZJ_EINPUT, "input.usage",
			      _("give one of --add CATEGORY or --remove CATEGORY --reason TEXT"));
	if (!rc && add && cli_val(&a, "reason"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.usage", _("--reason goes with --remove"));
	if (!rc)
		rc = add ? bzj_shop_add_category(x, a.pos[0], add, e)
			 : bzj_shop_remove_category(x, a.pos[0], rm, cli_val(&a, "reason"), e);
	return rc ? rc : cli_emit_shop(env, x, a.pos[0], e);
}

CMD(shop_close)
{
	opt o[] = {O("date", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	bzj_date d = x->today;
	if (!rc && cli_val(&a, "date"))
		rc = bzj_date_parse(cli_val(&a, "date"), "--date", &d, e);
	if (!rc)
		rc = bzj_shop_close(x, a.pos[0], d, e);
	return rc ? rc : cli_emit_shop(env, x, a.pos[0], e);
}

/* The shop, with whether the command changed anything: recording the same
 * payee account or name again is not a change and writes nothing. */
static int emit_changed(cli_env *env, bzj_ctx *x, const char *id, bool changed, bzj_err *e)
{
	if (!env->json) {
		if (!changed)
			cli_printf("%s\n", _("unchanged: that is already the shop's current record "
					 "(nothing written)"));
		return cli_emit_shop(env, x, id, e);
	}
	bzj_shop_view v;
	int rc = bzj_shop_view_get(x, id, &v, e);
	if (rc)
		return rc;
	bzj_json j;
	bzj_json_init(&j);
	cli_shop_json(&j, &v);
	const char *t = bzj_json_text(&j);
	size_t n = strlen(t);
	/* the shop object, with one more member */
	cli_printf("%.*s,\"changed\":%s}\n", (int)(n > 0 ? n - 1 : 0), t, changed ? "true" : "false");
	bzj_json_free(&j);
	return BZJ_OK;
}

/* --DATE_OPT DATE (a notice date), when given. */
static int notice_opt(args *a, const char *name, bzj_date *d, bzj_err *e)
{
	char field[24];
	*d = BZJ_DATE_NONE;
	snprintf(field, sizeof field, "--%s", name);
	return cli_val(a, name) ? bzj_date_parse(cli_val(a, name), field, d, e) : BZJ_OK;
}

CMD(shop_payee)
{
	opt o[] = {O("type", true), O("name", true), O("account", true), O("date", true),
		   O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	int type = bzj_payee_type_parse(cli_val(&a, "type"));
	if (type < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.type",
				_("--type: must be personal or corporate"));
	bzj_date d;
	if ((rc = notice_opt(&a, "date", &d, e)))
		return rc;
	bool changed = false;
	rc = bzj_shop_set_payee(x, a.pos[0], type, cli_val(&a, "name"), cli_val(&a, "account"), d,
				cli_val(&a, "reason"), &changed, e);
	return rc ? rc : emit_changed(env, x, a.pos[0], changed, e);
}

CMD(shop_operator)
{
	opt o[] = {O("name", true), O("notice", true), O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (!rc && !cli_val(&a, "name"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.usage", _("--name NAME is required"));
	bzj_date d;
	if (!rc)
		rc = notice_opt(&a, "notice", &d, e);
	bool changed = false;
	if (!rc)
		rc = bzj_shop_set_operator(x, a.pos[0], cli_val(&a, "name"), d, cli_val(&a, "reason"),
					   &changed, e);
	return rc ? rc : emit_changed(env, x, a.pos[0], changed, e);
}

CMD(shop_rename)
{
	opt o[] = {O("entity-name", true), O("notice", true), O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (!rc && !cli_val(&a, "entity-name"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.usage", _("--entity-name NAME is required"));
	if (!rc && !cli_val(&a, "notice"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--notice DATE is required: the day the written notice arrived"));
	bzj_date d;
	if (!rc)
		rc = notice_opt(&a, "notice", &d, e);
	bool changed = false;
	if (!rc)
		rc = bzj_shop_rename(x, a.pos[0], cli_val(&a, "entity-name"), d,
				     cli_val(&a, "reason"), &changed, e);
	return rc ? rc : emit_changed(env, x, a.pos[0], changed, e);
}

CMD(shop_deregister)
{
	opt o[] = {O("notice", true), O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (!rc && !cli_val(&a, "notice"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--notice DATE is required: the day the written notice arrived"));
	bzj_date d;
	if (!rc)
		rc = notice_opt(&a, "notice", &d, e);
	if (!rc)
		rc = bzj_shop_deregister(x, a.pos[0], d, cli_val(&a, "reason"), e);
	return rc ? rc : cli_emit_shop(env, x, a.pos[0], e);
}

CMD(shop_unsettled)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 2, &a, e);
	int64_t fen;
	if (!rc)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	if (!rc)
		rc = bzj_shop_set_unsettled(x, a.pos[0], fen, e);
	return rc ? rc : cli_emit_shop(env, x, a.pos[0], e);
}

/* `shop history ID`: balance against required at each of the last twelve
 * month ends, and the month's events. */
CMD(shop_history)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 1, &a, e);
	bzj_month_point pt[BZJ_HISTORY_MONTHS];
	if (!rc)
		rc = bzj_shop_history(x, a.pos[0], pt, e);
	if (rc)
		return rc;
	bzj_json j;
	bzj_json_init(&j);
	bzj_json_obj(&j, NULL);
	bzj_json_str(&j, "shop", a.pos[0]);
	bzj_json_arr(&j, "months");
	if (!env->json)
		cli_printf("%-7s %-10s %14s %14s  %s\n", _("month"), _("as of"), _("balance"),
		       _("required"), _("events"));
	for (int i = 0; i < BZJ_HISTORY_MONTHS; i++) {
		char m[8], d[16], b[32], r[32];
		bzj_month_fmt(pt[i].month, m, sizeof m);
		if (!env->json) {
			cli_printf("%-7s %-10s %14s %14s  %s%s%s%s\n", m, cli_day(pt[i].day, d),
			       cli_money(pt[i].balance_fen, b), cli_money(pt[i].required_fen, r),
			       pt[i].balance_fen < pt[i].required_fen ? _("shortfall ") : "",
			       pt[i].tier_change ? _("tier-change ") : "",
			       pt[i].raise ? _("raise ") : "", pt[i].refund ? _("refund") : "");
			continue;
		}
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "month", m);
		bzj_json_date(&j, "day", pt[i].day);
		bzj_json_int(&j, "balance_fen", pt[i].balance_fen);
		bzj_json_int(&j, "required_fen", pt[i].required_fen);
		bzj_json_bool(&j, "tier_change", pt[i].tier_change);
		bzj_json_bool(&j, "raise", pt[i].raise);
		bzj_json_bool(&j, "refund", pt[i].refund);
		bzj_json_obj_end(&j);
	}
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, true);
	return BZJ_OK;
}

CMD(shop_show)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 1, &a, e);
	return rc ? rc : cli_emit_shop(env, x, a.pos[0], e);
}

/* ---- commands of this family ---------------------------------------------- */

static const subcommand shop_subs[] = {
	{"add", shop_add},	     {"show", shop_show},   {"list", shop_list},
	{"category", shop_category}, {"close", shop_close}, {"payee", shop_payee},
	{"unsettled", shop_unsettled}, {"operator", shop_operator}, {"rename", shop_rename},
	{"deregister", shop_deregister}, {"history", shop_history}, {NULL, NULL}};
const cli_command cli_cmd_shop = {"shop", NULL, shop_subs, 0,
	N_("shop add ID --name N --entity individual|company --category C[,C...]\n"
	    "             --opened DATE [--entity-name NAME] [--operator NAME] [--direct]\n"
	    "shop show ID\n"
	    "shop history ID                          balance against required, last 12 months\n"
	    "shop list [--search TEXT] [--shortfall] [--status open|closed] [--limit N]\n"
	    "          [--sort id|name|required|balance] [--desc] [--violations] [--refunding]\n"
	    "          [--capped]\n"
	    "shop category ID --add C | --remove C --reason TEXT   (remove: supervisors)\n"
	    "shop close ID --date DATE                records closure and the signed agreement\n"
	    "shop payee ID --type personal|corporate --name N --account NO [--date DATE]\n"
	    "           [--reason TEXT]               --date: the day the notice arrived\n"
	    "shop unsettled ID AMOUNT                 unsettled payments that cover owed amounts\n"
	    "shop operator ID --name NAME [--notice DATE] [--reason TEXT]\n"
	    "shop rename ID --entity-name NAME --notice DATE [--reason TEXT]\n"
	    "shop deregister ID --notice DATE [--reason TEXT]   a company's deregistration")};
