/* cli_newbie.c - the newbie period (新手期) on the command line: `newbie
 * check|risk|graduate`, and the `newbie` part of `shop show`. */
#include <stdio.h>
#include <string.h>

#include "bzj/newbie.h"
#include "bzj/shop.h"
#include "cli_priv.h"
#include "progress.h"

void cli_newbie_json(bzj_json *j, const bzj_newbie *n)
{
	bzj_json_obj(j, "newbie");
	bzj_json_str(j, "status", bzj_newbie_status_name(n->status));
	bzj_json_bool(j, "capped", n->capped);
	bzj_json_date(j, "capped_since", n->capped ? n->capped_since : BZJ_DATE_NONE);
	bzj_json_date(j, "last_check", n->last_check);
	bzj_json_arr(j, "reasons");
	for (int bit = 1; bit <= BZJ_NBR_ALL; bit <<= 1)
		if (n->reasons & bit)
			bzj_json_str(j, NULL, bzj_newbie_reason_name(bit));
	bzj_json_arr_end(j);
	bzj_json_date(j, "graduated", n->graduated);
	if (n->risk_id)
		bzj_json_int(j, "open_risk", n->risk_id);
	else
		bzj_json_null(j, "open_risk");
	bzj_json_obj_end(j);
}

void cli_newbie_text(FILE *f, const bzj_newbie *n)
{
	char d1[16], d2[16];
	switch (n->status) {
	case BZJ_NB_DIRECT: cli_fprintf(f, "%s", _("let straight through (direct)")); break;
	case BZJ_NB_GRADUATED:
		cli_fprintf(f, _("graduated on %s"), cli_day(n->graduated, d1));
		break;
	default:
		if (n->last_check == BZJ_DATE_NONE)
			cli_fprintf(f, "%s", _("newbie, not checked yet"));
		else if (n->capped)
			cli_fprintf(f, _("newbie, CAPPED at %d paid orders a day since %s (check of %s)"),
				BZJ_NEWBIE_CAP_ORDERS, cli_day(n->capped_since, d1),
				cli_day(n->last_check, d2));
		else
			cli_fprintf(f, _("newbie, passed the check of %s"), cli_day(n->last_check, d1));
	}
	const char *sep = ": ";
	for (int bit = 1; bit <= BZJ_NBR_ALL; bit <<= 1)
		if (n->reasons & bit) {
			cli_fprintf(f, "%s", sep);
			cli_put_safe(f, bzj_newbie_reason_text(bit));
			sep = "; ";
		}
	if (n->risk_id) {
		cli_fprintf(f, _("; risk finding #%lld open since %s: "), (long long)n->risk_id,
			cli_day(n->risk_opened, d1));
		cli_put_safe(f, n->risk_note);
	}
}

static int date_opt(args *a, const char *name, bzj_date *out, bzj_err *e)
{
	char field[32];
	snprintf(field, sizeof field, "--%s", name);
	if (!cli_val(a, name))
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("%s DATE is required"), field);
	return bzj_date_parse(cli_val(a, name), field, out, e);
}

CMD(newbie_check)
{
	opt o[] = {O("date", true)};
	args a;
	bzj_date day;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (!rc)
		rc = date_opt(&a, "date", &day, e);
	if (rc)
		return rc;
	bzj_newbie_run r;
	progress_attach(x, "newbie check");
	rc = bzj_newbie_check_day(x, day, &r, e);
	progress_done();
	if (rc)
		return rc;
	char d[16];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_date(&j, "date", day);
		bzj_json_bool(&j, "already_checked", r.already);
		bzj_json_int(&j, "checked", r.checked);
		bzj_json_int(&j, "failed", r.failed);
		bzj_json_int(&j, "capped", r.already ? 0 : r.capped);
		bzj_json_int(&j, "lifted", r.already ? 0 : r.lifted);
		bzj_json_int(&j, "cap_orders", BZJ_NEWBIE_CAP_ORDERS);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (r.already) {
		cli_printf(_("%s was already checked (%lld shops, %lld failing); nothing changed\n"),
		       cli_day(day, d), (long long)r.checked, (long long)r.failed);
	} else {
		cli_printf(_("newbie check of %s: %lld shops, %lld failing (capped at %d paid orders a "
			 "day from the next day), %lld newly capped, %lld caps lifted\n"),
		       cli_day(day, d), (long long)r.checked, (long long)r.failed,
		       BZJ_NEWBIE_CAP_ORDERS, (long long)r.capped, (long long)r.lifted);
	}
	return BZJ_OK;
}

CMD(newbie_risk)
{
	opt o[] = {O("open", false), O("close", false), O("note", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bool open = cli_flag(&a, "open");
	if (open == cli_flag(&a, "close"))
		return bzj_fail(e, BZJ_EINPUT, "input.usage", _("give one of --open or --close"));
	int64_t id = 0;
	if ((rc = bzj_newbie_risk(x, a.pos[0], open, cli_val(&a, "note"), &id, e)))
		return rc;
	if (env->json)
		cli_printf("{\"id\":%lld,\"shop_id\":\"%s\",\"status\":\"%s\"}\n", (long long)id,
		       a.pos[0], open ? "open" : "closed");
	else
		cli_printf(open ? _("risk finding %lld opened against %s\n")
			    : _("risk finding %lld of %s closed\n"),
		       (long long)id, a.pos[0]);
	return BZJ_OK;
}

CMD(newbie_graduate)
{
	opt o[] = {O("date", true)};
	args a;
	bzj_date day;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (!rc)
		rc = date_opt(&a, "date", &day, e);
	if (!rc)
		rc = bzj_newbie_graduate(x, a.pos[0], day, e);
	return rc ? rc : cli_emit_shop(env, x, a.pos[0], e);
}

static const subcommand newbie_subs[] = {
	{"check", newbie_check}, {"risk", newbie_risk}, {"graduate", newbie_graduate}, {NULL, NULL}};

const cli_command cli_cmd_newbie = {"newbie", NULL, newbie_subs, 0,
	N_("newbie check --date DATE               the daily check of every newbie shop\n"
	   "newbie risk ID --open|--close --note TEXT   a risk finding against a shop\n"
	   "newbie graduate ID --date DATE         the shop leaves the newbie period")};
