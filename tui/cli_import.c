/* cli_import.c - `bzj import KIND FILE`: all or nothing, every bad line
 * named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/import.h"
#include "progress.h"
#include "cli_priv.h"

typedef struct import_report {
	cli_env *env;
	const char *file;
	bzj_json *j;
} import_report;

static int on_import_error(void *ctx, long line, const char *field, const char *msg)
{
	import_report *r = ctx;
	char where[64];
	snprintf(where, sizeof where, ":%ld: ", line);
	cli_put_safe(stderr, r->file);
	fputs(where, stderr);
	cli_put_safe(stderr, field);
	fputs(": ", stderr);
	cli_put_safe(stderr, msg);
	fputc('\n', stderr);
	if (r->j) {
		bzj_json_obj(r->j, NULL);
		bzj_json_int(r->j, "line", line);
		bzj_json_str(r->j, "field", field);
		bzj_json_str(r->j, "message", msg);
		bzj_json_obj_end(r->j);
	}
	return 0;
}

CMD(cmd_import)
{
	opt o[] = {O("force", false), O("reason", true)};
	args a;
	int rc = cli_parse_args(argc, argv, cmd, o, NOPTS(o), 2, &a, e);
	if (rc)
		return rc;
	bzj_import_opt io = {cli_flag(&a, "force"), cli_val(&a, "reason")};
	if (io.reason && !io.force)
		return bzj_fail(e, BZJ_EINPUT, "input.usage",
				_("import: --reason goes with --force"));
	int kind = bzj_import_kind_parse(a.pos[0]);
	if (kind < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.kind",
				_("import: the kind is shops, gmv, topups, violations, scores or orders"));
	cli_input in;
	if ((rc = cli_input_open(a.pos[1], &in, e)))
		return rc;
	bzj_json j;
	cli_json_list(&j, "lines");
	import_report rep = {env, a.pos[1], env->json ? &j : NULL};
	bzj_import_result r;
	progress_attach(x, "import");
	rc = bzj_import_ex(x, kind, in.data, in.len, &io, on_import_error, &rep, &r, e);
	progress_done();
	if (rc && !r.next_line)
		r.rows = 0; /* nothing was written */
	cli_input_close(&in);
	bzj_json_arr_end(&j);
	if (env->json) {
		bzj_json_int(&j, "rows", r.rows);
		bzj_json_int(&j, "errors", r.errors);
		if (kind == BZJ_IMPORT_TOPUPS)
			bzj_json_int(&j, "replayed", rc ? 0 : r.replayed);
		if (kind == BZJ_IMPORT_SCORES)
			bzj_json_int(&j, "unchanged", rc ? 0 : r.unchanged);
		if (kind == BZJ_IMPORT_SHOPS || kind == BZJ_IMPORT_TOPUPS ||
		    kind == BZJ_IMPORT_VIOLATIONS) {
			bzj_json_int(&j, "resumed_from", r.resumed_from);
			bzj_json_int(&j, "next_line", r.next_line);
		}
		if (rc) {
			bzj_json_obj(&j, "error");
			bzj_json_str(&j, "code", e->code);
			bzj_json_str(&j, "message", e->msg);
			bzj_json_obj_end(&j);
		}
		bzj_json_obj_end(&j);
		cli_json_print(&j);
		if (rc) {
			cli_fprintf(stderr, "bzj: %s\n", e->msg);
			return -rc; /* already reported */
		}
	} else {
		bzj_json_free(&j);
		if (!rc && r.resumed_from)
			cli_printf(_("resumed the incomplete import of %s at line %ld\n"), a.pos[1],
				   r.resumed_from);
		if (!rc)
			cli_printf(_("imported %lld rows from %s\n"), (long long)r.rows, a.pos[1]);
		if (!rc && r.replayed)
			cli_printf(_("%lld line(s) were already recorded (same ref or same line): not "
				     "credited again\n"),
				   (long long)r.replayed);
	}
	return rc;
}

/* ---- commands of this family ---------------------------------------------- */

const cli_command cli_cmd_import = {"import", cmd_import, NULL, 0,
	N_("import shops|gmv|topups|violations|scores|orders FILE.csv [--force --reason TEXT]   a bad "
	   "line: nothing written; shops, top-ups, violations resume after a crash")};
