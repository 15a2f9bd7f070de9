/* cli.c - the batch commands: one table lists every command, in the order
 * `bzj --help` shows them; each command family lives in its own file
 * (cli_shop.c, cli_money.c, cli_import.c, cli_violation.c, cli_refund.c,
 * cli_admin.c) and the shared parsing and output in cli_util.c.  The table
 * is what `bzj --help`, `bzj COMMAND --help` and dispatch all read. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bzj/holidays.h"
#include "cli_priv.h"
#include "widget.h"

static const cli_command *const commands[] = {
	&cli_cmd_init,	    &cli_cmd_demo,    &cli_cmd_shop,	  &cli_cmd_topup,
	&cli_cmd_fee,	    &cli_cmd_gmv,     &cli_cmd_import,	  &cli_cmd_deposit,
	&cli_cmd_violation, &cli_cmd_newbie,  &cli_cmd_receipt,	  &cli_cmd_refund,
	&cli_cmd_ledger,    &cli_cmd_standards, &cli_cmd_calendar, &cli_cmd_audit,
	&cli_cmd_check,	    &cli_cmd_copy,    &cli_cmd_provider,	&cli_cmd_assess,   &cli_cmd_complaint,
	&cli_cmd_payout,    &cli_cmd_report,    &cli_cmd_settings,
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

/* Commands that also run without a database, on the calendar compiled in,
 * when the file does not exist (nothing else they need lives there). */
static const char *const db_optional[] = {"calendar next", NULL};

static bool db_is_optional(const char *name)
{
	for (int i = 0; db_optional[i]; i++)
		if (!strcmp(db_optional[i], name))
			return true;
	return false;
}

void cli_usage(FILE *f)
{
	cli_fprintf(f, _("usage: bzj [--db PATH] [--config PATH] [--today YYYY-MM-DD] [--json] "
		     "[COMMAND ...]\n"
		     "With no command bzj opens the console.  Commands:\n"));
	for (int i = 0; i < NCOMMANDS; i++) {
		const char *u = _(commands[i]->usage);
		fputs("  ", f);
		for (; *u; u++) {
			fputc(*u, f);
			if (*u == '\n')
				fputs("  ", f);
		}
		fputc('\n', f);
	}
	cli_fprintf(f, _("`bzj --help-keys` lists the console's keys and their action names.\n"));
	cli_fprintf(f, _("Exit status: 0 done, 1 refused by a rule, 2 bad input, 3 not found,\n"
		     "4 permission denied, 5 busy or conflict, 6 storage error.  See bzj(1).\n"));
}

bool cli_command_help(const char *name, FILE *f)
{
	for (int i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i]->name, name))
			continue;
		cli_fprintf(f, "usage: bzj [global options] %s\n", _(commands[i]->usage));
		return true;
	}
	return false;
}

void cli_error(const cli_env *env, const bzj_err *e)
{
	if (env && env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_obj(&j, "error");
		bzj_json_str(&j, "code", e->code[0] ? e->code : "error");
		bzj_json_str(&j, "message", e->msg);
		bzj_json_obj_end(&j);
		bzj_json_obj_end(&j);
		cli_json_print(&j);
	}
	fputs("bzj: ", stderr);
	cli_put_safe(stderr, e->msg);
	fputc('\n', stderr);
}

/* The subcommand of c that `word` names (word may be NULL: none given); when
 * there is none, the same usage error for every command, naming them all. */
static const subcommand *find_sub(const cli_command *c, const char *word, bzj_err *e)
{
	char names[160] = "";
	size_t len = 0;
	for (const subcommand *s = c->subs; s->name; s++) {
		if (word && !strcmp(s->name, word))
			return s;
		int k = snprintf(names + len, sizeof names - len, "%s%s", len ? _(", ") : "",
				 s->name);
		if (k > 0 && (size_t)k < sizeof names - len)
			len += (size_t)k;
	}
	if (!word)
		bzj_fail(e, BZJ_EINPUT, "input.usage",
			 _("`bzj %s` needs a subcommand: %s (see bzj %s --help)"), c->name, names,
			 c->name);
	else
		bzj_fail(e, BZJ_EINPUT, "input.usage",
			 _("unknown command `bzj %s %s` (subcommands: %s; see bzj %s --help)"),
			 c->name, word, names, c->name);
	return NULL;
}

/* A command of db_optional[] with no database: the built-in calendar is all
 * it needs. */
static int run_builtin(cli_env *env, cmd_fn *fn, const char *name, int argc, char **argv,
		       bzj_err *e)
{
	bzj_ctx x;
	memset(&x, 0, sizeof x);
	x.cfg = env->cfg;
	x.actor = env->actor;
	x.today = bzj_today();
	int rc = bzj_calendar_builtin(&x.cal, e);
	if (!rc) {
		rc = fn(env, &x, name, argc, argv, e);
		bzj_cal_free(x.cal);
	}
	return rc;
}

int cli_run(cli_env *env, int argc, char **argv)
{
	bzj_err e;
	bzj_err_clear(&e);
	const cli_command *c = NULL;
	for (int i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, argv[0]))
			c = commands[i];
	if (!c) {
		bzj_fail(&e, BZJ_EINPUT, "input.usage", _("unknown command `%s` (see bzj --help)"),
			 argv[0]);
		cli_error(env, &e);
		return e.rc;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_command_help(c->name, stdout);
			return 0;
		}
	}
	/* The handler and its name for messages: "shop add" runs shop_add
	 * with the words after "add". */
	cmd_fn *fn = c->fn;
	char name[64];
	snprintf(name, sizeof name, "%s", c->name);
	int words = 1, flags = c->open_flags;
	if (c->subs) {
		const subcommand *s = find_sub(c, argc > 1 ? argv[1] : NULL, &e);
		if (!s) {
			cli_error(env, &e);
			return e.rc;
		}
		fn = s->fn;
		snprintf(name, sizeof name, "%s %s", c->name, s->name);
		words = 2;
	}
	bzj_ctx x;
	int rc = BZJ_OK;
	wdg_init();
	/* Only supervisors create databases: ask before a file is made. */
	if (flags & BZJ_OPEN_CREATE)
		rc = bzj_auth_require(&env->actor, BZJ_PERM_ADMIN, _("create databases"), &e);
	struct stat st;
	if (!rc && db_is_optional(name) && stat(env->db_path, &st) != 0 &&
	    errno == ENOENT && !bzj_ctx_is_server(env->db_path)) {
		/* No database file: the built-in calendar is all this command needs. */
		rc = run_builtin(env, fn, name, argc - words, argv + words, &e);
	} else if (!rc) {
		/* run again from the start after a PostgreSQL serialisation
		 * failure (nothing was written; bzj_ctx_retry says when) */
		for (int attempt = 0;; attempt++) {
			if ((rc = bzj_ctx_open(&x, env->db_path, flags, env->cfg, &env->actor, &e))) {
				/* a PostgreSQL database without bzj's schema is what
				 * a missing file is to SQLite */
				if (db_is_optional(name) && !strcmp(e.code, "store.missing")) {
					bzj_err_clear(&e);
					rc = run_builtin(env, fn, name, argc - words, argv + words, &e);
				}
				break;
			}
			bzj_ctx_set_interrupt(&x, env->interrupted);
			rc = fn(env, &x, name, argc - words, argv + words, &e);
			bool again = rc > 0 && bzj_ctx_retry(&x, &e, attempt);
			bzj_ctx_close(&x);
			if (!again)
				break;
			bzj_err_clear(&e);
		}
	}
	if (rc < 0) /* already reported by the command */
		return -rc;
	if (rc)
		cli_error(env, &e);
	return rc;
}
