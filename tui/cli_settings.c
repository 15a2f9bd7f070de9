/* cli_settings.c - the settings a database runs under (issue 16):
 * `settings show` compares this host's roles and limits with the
 * database's; `settings accept` lets a supervisor record a deliberate
 * change once root has updated every host's config. */
#include <stdio.h>

#include "bzj/settings.h"
#include "cli_priv.h"

static int emit(cli_env *env, const bzj_settings_state *st, const bool *changed)
{
	char d[16];
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_bool(&j, "agree", st->agree);
		bzj_json_bool(&j, "recorded", st->recorded);
		bzj_json_bool(&j, "sealed", st->recorded && st->sealed);
		if (changed)
			bzj_json_bool(&j, "changed", *changed);
		bzj_json_str(&j, "fingerprint", st->host_fp);
		bzj_json_str(&j, "database_fingerprint", st->recorded ? st->db_fp : NULL);
		if (st->recorded) {
			bzj_json_date(&j, "recorded_on", st->recorded_on);
			bzj_json_str(&j, "recorded_by", st->recorded_by);
		} else {
			bzj_json_null(&j, "recorded_on");
			bzj_json_null(&j, "recorded_by");
		}
		bzj_json_int(&j, "differences", st->ndiff);
		bzj_json_arr(&j, "changes");
		for (int i = 0; i < st->ndiff && i < BZJ_SETTINGS_ITEMS; i++)
			bzj_json_str(&j, NULL, st->diff[i]);
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
		return BZJ_OK;
	}
	if (changed && *changed)
		cli_printf(_("recorded this host's settings as the database's (%.12s)\n"),
			   st->host_fp);
	else if (!st->recorded)
		cli_printf(_("the database has no settings recorded yet; the first write records "
			     "this host's (%.12s)\n"),
			   st->host_fp);
	else if (!st->sealed)
		cli_printf(_("the database's record of its settings does not carry bzj's seal (it "
			     "was changed outside bzj); writes are refused until a supervisor "
			     "records them again with `bzj settings accept`\n"));
	else if (st->agree)
		cli_printf(_("this host's settings agree with the database's (%.12s, recorded %s "
			     "by %s)\n"),
			   st->host_fp, cli_day(st->recorded_on, d), st->recorded_by);
	else {
		cli_printf(_("this host's settings (%.12s) differ from the database's (%.12s, "
			     "recorded %s by %s); writes are refused here.  Database → this "
			     "host:\n"),
			   st->host_fp, st->db_fp, cli_day(st->recorded_on, d), st->recorded_by);
		for (int i = 0; i < st->ndiff && i < BZJ_SETTINGS_ITEMS; i++) {
			cli_printf("  ");
			cli_put_safe(stdout, st->diff[i]);
			cli_printf("\n");
		}
		if (st->ndiff > BZJ_SETTINGS_ITEMS)
			cli_printf(_("  and %d more\n"), st->ndiff - BZJ_SETTINGS_ITEMS);
	}
	return BZJ_OK;
}

CMD(settings_show)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
	bzj_settings_state st;
	if (!rc)
		rc = bzj_settings_status(x, &st, e);
	return rc ? rc : emit(env, &st, NULL);
}

CMD(settings_accept)
{
	opt o[] = {O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	if (!cli_val(&a, "reason"))
		return bzj_fail(e, BZJ_EINPUT, "input.reason",
				_("`bzj settings accept` needs --reason TEXT: why the roles or "
				  "limits changed"));
	bzj_settings_state st;
	bool changed = false;
	if ((rc = bzj_settings_accept(x, cli_val(&a, "reason"), &st, &changed, e)))
		return rc;
	return emit(env, &st, &changed);
}

static const subcommand settings_subs[] = {
	{"show", settings_show}, {"accept", settings_accept}, {NULL, NULL}};

const cli_command cli_cmd_settings = {"settings", NULL, settings_subs, 0,
	N_("settings show                          this host's roles and limits against the "
	   "database's\n"
	   "settings accept --reason TEXT          record this host's as the database's "
	   "(supervisor)")};
