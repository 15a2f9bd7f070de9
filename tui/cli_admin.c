/* cli_admin.c - the database itself: init, demo data, standards, the
 * calendar, the audit log and the invariant check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/audit.h"
#include "bzj/check.h"
#include "bzj/copy.h"
#include "bzj/demo.h"
#include "bzj/deposit.h"
#include "bzj/holidays.h"
#include "bzj/import.h"
#include "progress.h"
#include "cli_priv.h"

CMD(cmd_init)
{
	(void)cmd;
	(void)argv;
	if (argc)
		return bzj_fail(e, BZJ_EINPUT, "input.usage", _("`bzj init` takes no arguments"));
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("create databases"), e);
	if (rc)
		return rc;
	bool indexed = bzj_ctx_search_index(x, NULL, 0);
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_bool(&j, "ok", true);
		bzj_json_str(&j, "db", env->db_path);
		bzj_json_int(&j, "schema", bzj_ctx_schema_version(x));
		bzj_json_bool(&j, "search_index", indexed);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else
		cli_printf(_("database %s ready (schema %d)\n"), env->db_path,
			   bzj_ctx_schema_version(x));
	return BZJ_OK;
}

CMD(cmd_demo)
{
	opt o[] = {O("shops", true), O("seed", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long shops = 200, seed = 1;
	if (!rc)
		rc = cli_opt_int(&a, "shops", 1, 9999999, &shops, e);
	if (!rc)
		rc = cli_opt_int(&a, "seed", 0, INT64_MAX, &seed, e);
	if (rc)
		return rc;
	bzj_demo_opts d = {.shops = shops, .seed = (uint64_t)seed};
	progress_attach(x, "demo");
	rc = bzj_demo_fill(x, &d, e);
	progress_done();
	if (rc)
		return rc;
	int64_t ns, nl, nr;
	if ((rc = bzj_ctx_counts(x, &ns, &nl, &nr, e)))
		return rc;
	if (env->json)
		cli_printf("{\"shops\":%lld,\"ledger_entries\":%lld,\"refunds\":%lld}\n", (long long)ns,
		       (long long)nl, (long long)nr);
	else
		cli_printf(_("demo data: %lld shops, %lld ledger entries, %lld refunds in %s\n"),
		       (long long)ns, (long long)nl, (long long)nr, env->db_path);
	return BZJ_OK;
}

static int std_row(void *ctx, const bzj_standard *s)
{
	row_out *o = ctx;
	char a[32], b[32], d[16];
	if (o->env->json) {
		bzj_json_obj(o->j, NULL);
		bzj_json_str(o->j, "category", s->category);
		bzj_json_int(o->j, "individual_fen", s->individual_fen);
		bzj_json_int(o->j, "company_fen", s->company_fen);
		bzj_json_date(o->j, "effective", s->effective);
		bzj_json_obj_end(o->j);
	} else {
		char cat[96];
		cli_printf("%s %s  %14s  %14s\n", cli_col_w(s->category, 12, cat, sizeof cat),
		       cli_day(s->effective, d),
		       cli_money(s->individual_fen, a), cli_money(s->company_fen, b));
	}
	return 0;
}

CMD(standards_load)
{
	const char *path;
	size_t len;
	char *text = cli_slurp_arg(cmd, argc, argv, &path, &len, e);
	if (!text)
		return e->rc;
	int n = 0;
	int rc = bzj_standards_load_text(x, text, path, &n, e);
	free(text);
	if (rc)
		return rc;
	if (env->json)
		cli_printf("{\"loaded\":%d}\n", n);
	else
		cli_printf(_("%d standards loaded from %s\n"), n, path);
	return BZJ_OK;
}

CMD(standards_list)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
	if (rc)
		return rc;
	bzj_json j;
	cli_json_list(&j, "standards");
	row_out out = {env, &j};
	if (!env->json)
		cli_printf("%-12s %-10s  %14s  %14s\n", _("category"), _("effective"),
		       _("individual"), _("company"));
	rc = bzj_standards_list(x, std_row, &out, e);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	return rc;
}

CMD(calendar_import)
{
	const char *path;
	size_t len;
	char *data = cli_slurp_arg(cmd, argc, argv, &path, &len, e);
	if (!data)
		return e->rc;
	int rows, years;
	int rc = bzj_calendar_import(x, data, len, &rows, &years, e);
	free(data);
	if (rc)
		return rc;
	if (env->json)
		cli_printf("{\"rows\":%d,\"years\":%d}\n", rows, years);
	else
		cli_printf(_("%d calendar rows for %d year(s) imported\n"), rows, years);
	return BZJ_OK;
}

CMD(calendar_next)
{
	args a;
	bzj_date from, out;
	long long n;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 2, &a, e);
	if (!rc)
		rc = bzj_date_parse(a.pos[0], "DATE", &from, e);
	if (!rc)
		rc = cli_parse_int(a.pos[1], "N", 1, 3650, &n, e);
	if (!rc)
		rc = bzj_cal_add_business(x->cal, from, (int)n, &out, e);
	if (rc)
		return rc;
	char d[16];
	if (env->json)
		cli_printf("{\"date\":\"%s\"}\n", cli_day(out, d));
	else
		cli_printf("%s\n", cli_day(out, d));
	return BZJ_OK;
}

static int audit_row(void *ctx, const bzj_audit_rec *r)
{
	row_out *o = ctx;
	if (o->env->json) {
		bzj_json_obj(o->j, NULL);
		bzj_json_int(o->j, "seq", r->seq);
		bzj_json_str(o->j, "at", r->at);
		bzj_json_date(o->j, "day", r->day);
		bzj_json_str(o->j, "user", r->user);
		bzj_json_str(o->j, "role", r->role);
		bzj_json_str(o->j, "action", r->action);
		bzj_json_str(o->j, "object", r->object);
		bzj_json_str(o->j, "shop_id", r->shop_id[0] ? r->shop_id : NULL);
		bzj_json_str(o->j, "before", r->before);
		bzj_json_str(o->j, "after", r->after);
		bzj_json_str(o->j, "reason", r->reason[0] ? r->reason : NULL);
		bzj_json_obj_end(o->j);
	} else {
		cli_printf("%6lld %s %-8s %-10s %-20s %-16s %s -> %s%s%s\n", (long long)r->seq, r->at,
		       r->user, r->role, r->action, r->object, r->before, r->after,
		       r->reason[0] ? "  # " : "", r->reason);
	}
	return 0;
}

CMD(audit_verify)
{
	args a;
	int rc = cli_parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
	if (rc)
		return rc;
	bzj_audit_verify_result r;
	progress_attach(x, "audit verify");
	rc = bzj_audit_verify(x, &r, e);
	progress_done();
	if (rc)
		return rc;
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_bool(&j, "ok", r.ok);
		bzj_json_int(&j, "entries", r.entries);
		bzj_json_bool(&j, "keyed", r.keyed);
		bzj_json_int(&j, "keyed_from", r.keyed_from);
		if (!r.ok) {
			bzj_json_obj(&j, "first_bad");
			bzj_json_int(&j, "seq", r.bad_seq);
			bzj_json_str(&j, "problem", r.problem);
			bzj_json_obj_end(&j);
		}
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	} else if (r.ok) {
		cli_printf(_("audit log intact: %lld entries\n"), (long long)r.entries);
		if (r.keyed)
			cli_printf(_("keyed (HMAC-SHA256) from record %lld\n"), (long long)r.keyed_from);
		else
			cli_printf(_("not keyed: whoever can write the database file could recompute "
				     "the chain (set audit_key, see docs/deploy.md)\n"));
	}
	if (!r.ok) {
		cli_fprintf(stderr, _("bzj: audit log broken at record %lld: %s\n"),
			(long long)r.bad_seq, r.problem);
		return -BZJ_ERULE;
	}
	return BZJ_OK;
}

CMD(audit_log)
{
	opt o[] = {O("shop", true), O("limit", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long limit = 200;
	if (!rc)
		rc = cli_opt_int(&a, "limit", 1, 100000000, &limit, e);
	if (rc)
		return rc;
	bzj_json j;
	cli_json_list(&j, "entries");
	row_out out = {env, &j};
	rc = bzj_audit_log(x, cli_val(&a, "shop"), (int)limit, audit_row, &out, e);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, !rc);
	return rc;
}

static int check_problem(void *ctx, const char *code, const char *msg)
{
	row_out *o = ctx;
	if (o->env->json) {
		bzj_json_obj(o->j, NULL);
		bzj_json_str(o->j, "code", code);
		bzj_json_str(o->j, "message", msg);
		bzj_json_obj_end(o->j);
	}
	cli_fprintf(o->env->json ? stderr : stdout, "%s: %s\n", code, msg);
	return 0;
}

CMD(cmd_check)
{
	(void)cmd;
	(void)argv;
	if (argc)
		return bzj_fail(e, BZJ_EINPUT, "input.usage", _("`bzj check` takes no arguments"));
	bzj_json j;
	cli_json_list(&j, "problems");
	row_out out = {env, &j};
	bzj_check_result r = {0};
	progress_attach(x, "check");
	int rc = bzj_check_all(x, check_problem, &out, &r, e);
	progress_done();
	bzj_json_arr_end(&j);
	bzj_json_bool(&j, "ok", !rc && r.problems == 0);
	bzj_json_int(&j, "shops", r.shops);
	bzj_json_int(&j, "refunds", r.refunds);
	bzj_json_int(&j, "ledger_entries", r.ledger_entries);
	bzj_json_int(&j, "months_reconciled", r.months);
	/* not a violated invariant: an interrupted import's rows are whole
	 * and audited; the operator is told the file to import again */
	bzj_import_open io[8];
	int nio = 0;
	if (!rc)
		rc = bzj_import_incomplete(x, io, 8, &nio, e);
	bzj_json_arr(&j, "incomplete_imports");
	for (int i = 0; i < nio; i++) {
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "kind", io[i].kind);
		bzj_json_str(&j, "sha256", io[i].sha256);
		bzj_json_str(&j, "user", io[i].user);
		bzj_json_str(&j, "at", io[i].at);
		bzj_json_int(&j, "rows", io[i].rows);
		bzj_json_int(&j, "next_line", io[i].next_line);
		bzj_json_obj_end(&j);
		cli_fprintf(env->json ? stderr : stdout,
			    _("notice: import.incomplete: the %s import of the file with SHA-256 %s "
			      "(%s, %s) is incomplete: %lld rows are imported and audited; import "
			      "the same file again to finish it from line %lld\n"),
			    io[i].kind, io[i].sha256, io[i].user, io[i].at, (long long)io[i].rows,
			    (long long)io[i].next_line);
	}
	bzj_json_arr_end(&j);
	char why[512];
	bool indexed = rc || bzj_ctx_search_index(x, why, sizeof why);
	bzj_json_bool(&j, "search_index", indexed);
	bzj_json_obj_end(&j);
	if (rc) {
		bzj_json_free(&j);
		return rc;
	}
	cli_json_finish(env, &j, true);
	if (!indexed) /* the schema's comparison counts it too */
		cli_fprintf(stderr, _("bzj: a search of 3 or more characters has no index: %s\n"),
			    why);
	if (r.problems) {
		cli_fprintf(stderr, _("bzj: %lld invariant violation(s)\n"), (long long)r.problems);
		return -BZJ_ERULE;
	}
	if (!env->json)
		cli_printf(_("ok: %lld shops, %lld ledger entries, %lld refunds; every invariant "
			 "holds\n"),
		       (long long)r.shops, (long long)r.ledger_entries, (long long)r.refunds);
	return BZJ_OK;
}

/* `bzj copy --to LOCATION`: the database (--db, an SQLite file) into a
 * new PostgreSQL database.  Not through the setgid install: it would hand
 * every row to a server the caller names. */
CMD(cmd_copy)
{
	opt o[] = {O("to", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	const char *to = cli_val(&a, "to");
	if (!to || !*to)
		return bzj_fail(e, BZJ_EINPUT, "input.to",
				_("--to: the PostgreSQL database to copy into (a postgresql:// URI "
				  "or service=NAME) is required"));
	if (env->privileged)
		return bzj_fail(e, BZJ_EPERM, "copy.privileged",
				_("`bzj copy` does not run through the installed setgid bzj; run "
				  "the unprivileged build as root (docs/deploy.md)"));
	if (bzj_ctx_is_server(env->db_path))
		return bzj_fail(e, BZJ_EINPUT, "copy.kind",
				_("copy goes from an SQLite database file (--db) into PostgreSQL; "
				  "--db names a PostgreSQL database"));
	if ((rc = bzj_ctx_check_location(to, "--to", e)))
		return rc;
	if (!bzj_ctx_is_server(to))
		return bzj_fail(e, BZJ_EINPUT, "copy.kind",
				_("--to: copy goes into a PostgreSQL database (a postgresql:// URI "
				  "or service=NAME), not a file"));
	char shown[512];
	bzj_ctx_location_safe(to, shown, sizeof shown);
	bzj_ctx y;
	if ((rc = bzj_ctx_open(&y, to, BZJ_OPEN_CREATE, env->cfg, &env->actor, e)))
		return rc;
	bzj_ctx_set_interrupt(&y, env->interrupted);
	bzj_json j;
	cli_json_list(&j, "problems");
	row_out out = {env, &j};
	bzj_copy_result r;
	progress_attach(x, "copy");
	rc = bzj_copy_database(x, &y, env->db_path, check_problem, &out, &r, e);
	progress_done();
	bzj_ctx_close(&y);
	bzj_json_arr_end(&j);
	if (rc) {
		bzj_json_free(&j);
		return rc;
	}
	bzj_json_bool(&j, "ok", r.problems == 0);
	bzj_json_str(&j, "from", env->db_path);
	bzj_json_str(&j, "to", shown);
	bzj_json_int(&j, "rows", r.rows);
	bzj_json_int(&j, "audit_seq", r.audit_seq);
	bzj_json_int(&j, "shops", r.shops);
	bzj_json_int(&j, "ledger_entries", r.ledger_entries);
	bzj_json_int(&j, "refunds", r.refunds);
	bzj_json_arr(&j, "tables");
	for (int i = 0; i < r.ntables; i++) {
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "name", r.tables[i].name);
		bzj_json_int(&j, "rows", r.tables[i].rows);
		bzj_json_obj_end(&j);
	}
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	cli_json_finish(env, &j, true);
	if (!env->json)
		cli_printf(_("copied %d tables, %lld rows, from %s into %s (the audit log continues "
			     "after record %lld)\n"),
			   r.ntables, (long long)r.rows, env->db_path, shown, (long long)r.audit_seq);
	if (r.problems) {
		cli_fprintf(stderr,
			    _("bzj: `bzj check` on the copy finds %lld invariant violation(s)\n"),
			    (long long)r.problems);
		return -BZJ_ERULE;
	}
	if (!env->json)
		cli_printf(_("`bzj check` on the copy: %lld shops, %lld ledger entries, %lld "
			     "refunds; every invariant holds\n"),
			   (long long)r.shops, (long long)r.ledger_entries, (long long)r.refunds);
	return BZJ_OK;
}

/* ---- commands of this family ---------------------------------------------- */

const cli_command cli_cmd_init = {"init", cmd_init, NULL, BZJ_OPEN_CREATE,
	N_("init                                   create or migrate the database")};
const cli_command cli_cmd_copy = {"copy", cmd_copy, NULL, 0,
	N_("copy --to POSTGRESQL                   this SQLite file into a new PostgreSQL database")};
const cli_command cli_cmd_demo = {"demo", cmd_demo, NULL, BZJ_OPEN_CREATE,
	N_("demo [--shops N] [--seed S]            fill a new database with demo data")};
static const subcommand standards_subs[] = {
	{"list", standards_list}, {"load", standards_load}, {NULL, NULL}};
const cli_command cli_cmd_standards = {"standards", NULL, standards_subs, 0,
	N_("standards list | standards load FILE   base deposit per category")};
static const subcommand calendar_subs[] = {
	{"next", calendar_next}, {"import", calendar_import}, {NULL, NULL}};
const cli_command cli_cmd_calendar = {"calendar", NULL, calendar_subs, 0,
	N_("calendar next DATE N | calendar import FILE.tsv")};
static const subcommand audit_subs[] = {
	{"log", audit_log}, {"verify", audit_verify}, {NULL, NULL}};
const cli_command cli_cmd_audit = {"audit", NULL, audit_subs, 0,
	N_("audit log [--shop ID] [--limit N] | audit verify")};
const cli_command cli_cmd_check = {"check", cmd_check, NULL, 0,
	N_("check                                  verify every invariant")};
