/* cli_violation.c - `bzj violation ...`: record, freeze, deduct, resolve. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/violation.h"
#include "cli_priv.h"

static void violation_json(bzj_json *j, const bzj_violation *v)
{
	bzj_json_obj(j, NULL);
	bzj_json_int(j, "id", v->id);
	bzj_json_str(j, "shop_id", v->shop_id);
	bzj_json_date(j, "date", v->date);
	bzj_json_str(j, "class", bzj_vclass_name(v->cls));
	bzj_json_int(j, "points", v->points);
	bzj_json_int(j, "raise_fen", v->raise_fen);
	bzj_json_int(j, "frozen_fen", v->frozen_fen);
	bzj_json_int(j, "deducted_fen", v->deducted_fen);
	bzj_json_int(j, "owed_fen", v->owed_fen);
	bzj_json_int(j, "covered_fen", v->covered_fen);
	bzj_json_str(j, "status", bzj_vstatus_name(v->status));
	bzj_json_date(j, "resolved", v->resolved);
	bzj_json_str(j, "note", v->note);
	bzj_json_int(j, "version", v->version);
	bzj_json_obj_end(j);
}

static int emit_violation(cli_env *env, bzj_ctx *x, int64_t id, bzj_err *e)
{
	bzj_violation v;
	int rc = bzj_violation_get(x, id, &v, e);
	if (rc)
		return rc;
	char a[32], b[32], c[32], d[16];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		violation_json(&j, &v);
		cli_json_print(&j);
	} else {
		cli_printf("%-6lld %-10s %s %s %2d%s  %s %s  %s %s  %s %s  %s\n", (long long)v.id,
		       v.shop_id, cli_day(v.date, d), bzj_vclass_name(v.cls), v.points, _("pt"),
		       _("raise"), cli_money(v.raise_fen, a), _("frozen"), cli_money(v.frozen_fen, b),
		       _("deducted"), cli_money(v.deducted_fen, c), bzj_vstatus_name(v.status));
	}
	return BZJ_OK;
}

CMD(violation_add)
{
	opt o[] = {O("class", true), O("points", true), O("raise", true),
		   O("freeze", true), O("note", true),   O("date", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bzj_violation_in in = {.shop_id = a.pos[0],
			       .cls = bzj_vclass_parse(cli_val(&a, "class")),
			       .note = cli_val(&a, "note"),
			       .date = BZJ_DATE_NONE};
	if (in.cls < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.class", _("--class: must be A or B"));
	long long pts;
	if ((rc = cli_parse_int(cli_val(&a, "points"), "--points", 0, 100, &pts, e)))
		return rc;
	in.points = (int)pts;
	if (!cli_val(&a, "raise"))
		return bzj_fail(e, BZJ_EINPUT, "input.raise", _("--raise AMOUNT is required"));
	if ((rc = bzj_money_parse(cli_val(&a, "raise"), "--raise", &in.raise_fen, e)))
		return rc;
	if (cli_val(&a, "freeze") && (rc = bzj_money_parse(cli_val(&a, "freeze"), "--freeze", &in.freeze_fen, e)))
		return rc;
	if (cli_val(&a, "date") && (rc = bzj_date_parse(cli_val(&a, "date"), "--date", &in.date, e)))
		return rc;
	int64_t id;
	if ((rc = bzj_violation_add(x, &in, &id, e)))
		return rc;
	if (env->json)
		cli_printf("{\"id\":%lld}\n", (long long)id);
	else
		cli_printf(_("violation %lld recorded\n"), (long long)id);
	return BZJ_OK;
}

CMD(violation_list)
{
	opt o[] = {O("shop", true), O("open", false), O("limit", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long limit = 100;
	if (!rc)
		rc = cli_opt_int(&a, "limit", 1, 100000, &limit, e);
	if (rc)
		return rc;
	bzj_violation *v = malloc((size_t)limit * sizeof *v);
	int n = 0;
	if (!v)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	rc = bzj_violation_list(x, cli_val(&a, "shop"), cli_flag(&a, "open"), NULL, v, (int)limit,
				&n, e);
	if (!rc) {
		bzj_json j;
		cli_json_list(&j, "violations");
		for (int i = 0; i < n; i++) {
			if (env->json)
				violation_json(&j, &v[i]);
			else
				emit_violation(env, x, v[i].id, e);
		}
		bzj_json_arr_end(&j);
		bzj_json_int(&j, "total", n);
		bzj_json_obj_end(&j);
		cli_json_finish(env, &j, true);
	}
	free(v);
	return rc;
}

/* `violation deduct|freeze VID AMOUNT`, `violation resolve|show VID`, each
 * with [--version V]. */
CMD(violation_act)
{
	const char *verb = cli_last_word(cmd);
	bool amount = !strcmp(verb, "deduct") || !strcmp(verb, "freeze");
	opt o[] = {O("version", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), amount ? 2 : 1, &a, e);
	int64_t vid = 0, ver = 0, fen = 0;
	if (!rc && cli_val(&a, "version"))
		rc = cli_parse_id(cli_val(&a, "version"), "--version", &ver, e);
	if (!rc)
		rc = cli_parse_id(a.pos[0], "violation id", &vid, e);
	if (!rc && amount)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	if (rc)
		return rc;
	if (!strcmp(verb, "deduct"))
		rc = bzj_violation_deduct(x, vid, fen, ver, e);
	else if (!strcmp(verb, "freeze"))
		rc = bzj_violation_freeze(x, vid, fen, ver, e);
	else if (!strcmp(verb, "resolve"))
		rc = bzj_violation_resolve(x, vid, ver, e);
	return rc ? rc : emit_violation(env, x, vid, e);
}

/* `receipt request ID --topup TID` and `receipt list ID` */

/* ---- commands of this family ---------------------------------------------- */

static const subcommand violation_subs[] = {
	{"add", violation_add},	    {"deduct", violation_act}, {"freeze", violation_act},
	{"resolve", violation_act}, {"list", violation_list},  {"show", violation_act},
	{NULL, NULL}};
const cli_command cli_cmd_violation = {"violation", NULL, violation_subs, 0,
	N_("violation add ID --class A|B --points N --raise AMOUNT [--freeze AMOUNT] --note TEXT\n"
	    "violation deduct VID AMOUNT | freeze VID AMOUNT | resolve VID | show VID\n"
	    "violation list [--shop ID] [--open] [--limit N]")};
