/* cli.c - the batch commands: parse arguments, call core, print text or
 * JSON.  One table lists every command with its usage and help, and is
 * what `bzj --help`, `bzj COMMAND --help` and dispatch all read. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzj/audit.h"
#include "bzj/check.h"
#include "bzj/demo.h"
#include "bzj/deposit.h"
#include "bzj/holidays.h"
#include "bzj/i18n.h"
#include "bzj/import.h"
#include "bzj/json.h"
#include "bzj/ledger.h"
#include "bzj/money.h"
#include "bzj/receipt.h"
#include "bzj/refund.h"
#include "bzj/shop.h"
#include "bzj/store.h"
#include "bzj/text.h"
#include "bzj/violation.h"
#include "cli.h"
#include "progress.h"
#include "widget.h"

/* ---- arguments ---------------------------------------------------------- */

typedef struct opt {
	const char *name; /* without "--" */
	bool has_arg;
	const char *val;
	bool set;
} opt;

#define O(name, has_arg) {name, has_arg, NULL, false}

typedef struct args {
	const char *pos[8];
	int npos;
	opt *opts;
	int nopts;
} args;

#define NOPTS(o) ((int)(sizeof(o) / sizeof((o)[0])))

/* Parse the words after `bzj CMD`: the options of opts (nopts of them),
 * and exactly npos positional arguments. */
static int parse_args(int argc, char **argv, const char *cmd, opt *opts, int nopts, int npos,
		      args *a, bzj_err *e)
{
	memset(a, 0, sizeof *a);
	a->opts = opts;
	a->nopts = nopts;
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		if (strncmp(s, "--", 2) != 0 || !s[2]) {
			if (a->npos == 8)
				return bzj_fail(e, BZJ_EINPUT, "input.usage",
						_("too many arguments for `bzj %s`"), cmd);
			a->pos[a->npos++] = s;
			continue;
		}
		const char *name = s + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		opt *o = NULL;
		for (int k = 0; k < nopts; k++)
			if (strlen(opts[k].name) == len && !strncmp(opts[k].name, name, len))
				o = &opts[k];
		if (!o)
			return bzj_fail(e, BZJ_EINPUT, "input.usage",
					_("unknown option --%.*s for `bzj %s` (see bzj %s --help)"),
					(int)len, name, cmd, cmd);
		o->set = true;
		if (!o->has_arg) {
			if (eq)
				return bzj_fail(e, BZJ_EINPUT, "input.usage",
						_("--%s takes no value"), o->name);
			continue;
		}
		if (eq)
			o->val = eq + 1;
		else if (i + 1 < argc)
			o->val = argv[++i];
		else
			return bzj_fail(e, BZJ_EINPUT, "input.usage", _("--%s needs a value"),
					o->name);
	}
	if (a->npos != npos)
		return bzj_fail(e, BZJ_EINPUT, "input.usage",
				_("`bzj %s` takes %d argument(s), got %d (see bzj %s --help)"), cmd,
				npos, a->npos, cmd);
	return BZJ_OK;
}

static opt *get(args *a, const char *name)
{
	for (int k = 0; k < a->nopts; k++)
		if (!strcmp(a->opts[k].name, name))
			return &a->opts[k];
	return NULL;
}

static const char *val(args *a, const char *name)
{
	opt *o = get(a, name);
	return o && o->set ? o->val : NULL;
}

static bool flag(args *a, const char *name)
{
	opt *o = get(a, name);
	return o && o->set;
}

static int parse_int(const char *s, const char *field, long long lo, long long hi, long long *out,
		     bzj_err *e)
{
	char *end = NULL;
	errno = 0;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v < lo || v > hi)
		return bzj_fail(e, BZJ_EINPUT, "input.number",
				_("%s: '%.40s' is not a whole number from %lld to %lld"), field,
				s ? s : "", lo, hi);
	*out = v;
	return BZJ_OK;
}

static int parse_id(const char *s, const char *field, int64_t *out, bzj_err *e)
{
	long long v = 0;
	int rc = parse_int(s, field, 1, INT64_MAX, &v, e);
	*out = v;
	return rc;
}

/* The last word of a command's name: "deduct" of "violation deduct". */
static const char *last_word(const char *cmd)
{
	const char *s = strrchr(cmd, ' ');
	return s ? s + 1 : cmd;
}

/* The whole number of option --NAME, from lo to hi; *out keeps its default
 * when the option is not given. */
static int opt_int(args *a, const char *name, long long lo, long long hi, long long *out,
		   bzj_err *e)
{
	char field[40];
	snprintf(field, sizeof field, "--%s", name);
	return val(a, name) ? parse_int(val(a, name), field, lo, hi, out, e) : BZJ_OK;
}

/* Open an input file with the caller's own rights: a setgid bzj must not
 * read, for an operator, a file only its group may read. */
static FILE *open_as_caller(const char *path)
{
	gid_t egid = getegid();
	bool drop = egid != getgid();
	if (drop && setegid(getgid()) != 0)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (drop && setegid(egid) != 0) {
		if (f)
			fclose(f);
		return NULL;
	}
	return f;
}

static char *slurp(const char *path, size_t *len, bzj_err *e)
{
	FILE *f = strcmp(path, "-") ? open_as_caller(path) : stdin;
	if (!f) {
		bzj_fail(e, BZJ_ENOTFOUND, "input.file", _("cannot read %s: %s"), path,
			 strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n + 1 < cap)
			break;
		char *nb = cap > ((size_t)1 << 31) ? NULL : realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	bool err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!buf || err) {
		free(buf);
		bzj_fail(e, BZJ_EIO, "input.file", _("cannot read %s"), path);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* The contents of the one argument of `cmd`, a FILE ("-" = stdin): NULL
 * with e set when the arguments are wrong or the file unreadable. */
static char *slurp_arg(const char *cmd, int argc, char **argv, const char **path, size_t *len,
		       bzj_err *e)
{
	args a;
	if (parse_args(argc, argv, cmd, NULL, 0, 1, &a, e))
		return NULL;
	*path = a.pos[0];
	return slurp(a.pos[0], len, e);
}

/* Every line of text output goes through here: whatever it quotes from
 * the database (names, notes, reasons, payers), it reaches the terminal
 * escaped by core's one escaper (bzj_text_escape); only line breaks pass. */
static void put_file(void *ctx, const char *p, size_t n)
{
	fwrite(p, 1, n, ctx);
}

static void out_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char small[1024];
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	char *buf = (size_t)n < sizeof small ? small : malloc((size_t)n + 1);
	if (!buf)
		return;
	if (buf != small)
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
	bzj_text_escape(buf, (size_t)n, "\n", put_file, f);
	if (buf != small)
		free(buf);
}

__attribute__((format(printf, 2, 3))) static void out_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vfprintf(f, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void out_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vfprintf(stdout, fmt, ap);
	va_end(ap);
}

/* Print text that may carry user input (file names, ids, messages quoting
 * them) with control characters replaced, so no escape sequence reaches
 * the terminal. */
static void put_safe(FILE *f, const char *s)
{
	bzj_text_escape(s, strlen(s), NULL, put_file, f);
}

/* ---- output --------------------------------------------------------------- */

static void json_print(bzj_json *j)
{
	fputs(bzj_json_text(j), stdout);
	fputc('\n', stdout);
	bzj_json_free(j);
}

/* What a row callback of a list prints to: text on stdout, or the rows of
 * the --json document. */
typedef struct row_out {
	cli_env *env;
	bzj_json *j;
} row_out;

/* Start a --json document that lists rows: {"key":[ */
static void json_list(bzj_json *j, const char *key)
{
	bzj_json_init(j);
	bzj_json_obj(j, NULL);
	bzj_json_arr(j, key);
}

/* End a document: print it when --json asked for it and `ok`, else drop. */
static void json_finish(const cli_env *env, bzj_json *j, bool ok)
{
	if (env->json && ok)
		json_print(j);
	else
		bzj_json_free(j);
}

/* A column `w` terminal cells wide: CJK takes two cells, so printf's byte
 * widths would skew every Chinese label. */
static const char *col_w(const char *s, int w, char *buf, size_t n)
{
	return wdg_field_mb(s, w, WDG_LEFT, buf, n);
}

static const char *payee_label(int type)
{
	return type == BZJ_PAYEE_PERSONAL ? _("personal card") : _("corporate account");
}

static const char *money(int64_t fen, char *buf)
{
	return bzj_money_fmt(fen, buf, 32);
}

static const char *day(bzj_date d, char *buf)
{
	return bzj_date_fmt(d, buf, 16);
}

static void shop_json(bzj_json *j, const bzj_shop_view *v)
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
	bzj_json_obj_end(j);
}

static void shop_text(const bzj_shop_view *v)
{
	const bzj_shop *s = &v->shop;
	const bzj_position *p = &v->dep.pos;
	char a[32], b[32], c[32], d[32], m[8], l[64];
#define L(s) col_w(s, 12, l, sizeof l)
	out_printf("%s  %s  (%s, %s)\n", s->id, s->name,
	       s->entity == BZJ_ENTITY_COMPANY ? _("company") : _("individual business"),
	       s->status == BZJ_SHOP_OPEN ? _("open") : _("closed"));
	out_printf("  %s %s\n", L(_("entity")), s->entity_name);
	if (s->operator_name[0])
		out_printf("  %s %s\n", L(_("operator")), s->operator_name);
	out_printf("  %s", L(_("categories")));
	for (int i = 0; i < v->ncategories; i++)
		out_printf("%s%s", i ? ", " : " ", v->categories[i]);
	out_printf("\n  %s %s = max(%s %s [%s], %s %s", L(_("required")), money(p->required_fen, a),
	       _("base"), money(p->base_fen, b), v->dep.base_category[0] ? v->dep.base_category : "-",
	       _("floating"), money(p->floating_fen, c));
	if (v->dep.floating_present)
		out_printf(" [GMV %s %s]", bzj_month_fmt(v->dep.floating_gmv_month, m, sizeof m),
		       money(v->dep.floating_gmv_fen, d));
	out_printf(") + %s %s\n", _("raises"), money(p->raises_fen, a));
	out_printf("  %s %s   %s %s   %s %s\n", L(_("balance")), money(p->balance_fen, a), _("frozen"),
	       money(p->frozen_fen, b), _("available"), money(p->available_fen, c));
	out_printf("  %s %s   %s %s   %s %s\n", L(_("refundable")), money(p->refundable_fen, a),
	       _("owed"), money(p->owed_fen, b), _("payout restricted"),
	       p->restricted ? _("yes") : _("no"));
	if (v->payee.present)
		out_printf("  %s %s %s %s (%s)\n", L(_("payee")), payee_label(v->payee.type),
		       v->payee.name, v->payee.account,
		       v->payee.valid ? _("valid") : v->payee.problem);
	else
		out_printf("  %s %s\n", L(_("payee")), _("none recorded"));
	if (s->terminate)
		out_printf("  %s\n", _("flagged for termination of service"));
}

static void refund_json(bzj_json *j, const bzj_refund *r)
{
	bzj_json_obj(j, NULL);
	bzj_json_int(j, "id", r->id);
	bzj_json_str(j, "shop_id", r->shop_id);
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
	bzj_json_obj_end(j);
}

static void refund_text(const bzj_refund *r)
{
	char a[32], d1[16], d2[16], d3[16];
	out_printf("%-6lld %-10s %-8s %-10s %14s  %s  %s..%s%s%s\n", (long long)r->id, r->shop_id,
	       bzj_refund_kind_name(r->kind), bzj_refund_status_name(r->status),
	       money(r->amount_fen, a), day(r->submitted_on, d1), day(r->window_start, d2),
	       day(r->window_end, d3), r->overdue ? _("  OVERDUE") : "", r->late ? _("  late") : "");
	if (r->failure_reason[0])
		out_printf("       %s: %s\n", _("failed"), r->failure_reason);
	if (r->reject_reason[0])
		out_printf("       %s: %s\n", _("rejected"), r->reject_reason);
}

static int emit_refund(cli_env *env, const bzj_refund *r)
{
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		refund_json(&j, r);
		json_print(&j);
	} else {
		refund_text(r);
	}
	return BZJ_OK;
}

static int emit_shop(cli_env *env, bzj_ctx *x, const char *id, bzj_err *e)
{
	bzj_shop_view v;
	int rc = bzj_shop_view_get(x, id, &v, e);
	if (rc)
		return rc;
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		shop_json(&j, &v);
		json_print(&j);
	} else {
		shop_text(&v);
	}
	return BZJ_OK;
}

/* ---- commands --------------------------------------------------------------- */

/* A command, or a subcommand: `cmd` is its name for messages ("shop add"),
 * argv the words after that name. */
#define CMD(fn)                                                                                    \
	static int fn(cli_env *env, bzj_ctx *x, const char *cmd, int argc, char **argv, bzj_err *e)

CMD(cmd_init)
{
	(void)cmd;
	(void)argv;
	if (argc)
		return bzj_fail(e, BZJ_EINPUT, "input.usage", _("`bzj init` takes no arguments"));
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("create databases"), e);
	if (rc)
		return rc;
	if (env->json) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_bool(&j, "ok", true);
		bzj_json_str(&j, "db", env->db_path);
		bzj_json_int(&j, "schema", bzj_db_schema_version(x->db));
		bzj_json_obj_end(&j);
		json_print(&j);
	} else
		out_printf(_("database %s ready (schema %d)\n"), env->db_path,
		       bzj_db_schema_version(x->db));
	return BZJ_OK;
}

CMD(cmd_demo)
{
	opt o[] = {O("shops", true), O("seed", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long shops = 200, seed = 1;
	if (!rc)
		rc = opt_int(&a, "shops", 1, 9999999, &shops, e);
	if (!rc)
		rc = opt_int(&a, "seed", 0, INT64_MAX, &seed, e);
	if (rc)
		return rc;
	bzj_demo_opts d = {.shops = shops, .seed = (uint64_t)seed};
	progress_attach(x, "demo");
	rc = bzj_demo_fill(x, &d, e);
	progress_done();
	if (rc)
		return rc;
	int64_t ns, nl, nr;
	if ((rc = bzj_store_counts(x->db, &ns, &nl, &nr, e)))
		return rc;
	if (env->json)
		out_printf("{\"shops\":%lld,\"ledger_entries\":%lld,\"refunds\":%lld}\n", (long long)ns,
		       (long long)nl, (long long)nr);
	else
		out_printf(_("demo data: %lld shops, %lld ledger entries, %lld refunds in %s\n"),
		       (long long)ns, (long long)nl, (long long)nr, env->db_path);
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
		   O("opened", true), O("entity-name", true), O("operator", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bzj_shop_new in = {.id = a.pos[0],
			   .name = val(&a, "name"),
			   .entity_name = val(&a, "entity-name"),
			   .operator_name = val(&a, "operator"),
			   .entity = bzj_entity_parse(val(&a, "entity"))};
	if (in.entity < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.entity",
				_("--entity: must be individual or company"));
	char cats[1024];
	if ((rc = split_categories(val(&a, "category"), cats, sizeof cats, &in, e)))
		return rc;
	in.opened = x->today;
	if (val(&a, "opened") && (rc = bzj_date_parse(val(&a, "opened"), "--opened", &in.opened, e)))
		return rc;
	if (!val(&a, "opened"))
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--opened DATE is required"));
	rc = bzj_shop_add(x, &in, e);
	return rc ? rc : emit_shop(env, x, in.id, e);
}

CMD(shop_list)
{
	opt o[] = {O("search", true),	O("shortfall", false), O("status", true),
		   O("limit", true),	O("sort", true),	      O("desc", false),
		   O("violations", false), O("refunding", false)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	bzj_shop_query q = {.search = val(&a, "search"),
			    .shortfall = flag(&a, "shortfall"),
			    .open_violations = flag(&a, "violations"),
			    .refund_in_progress = flag(&a, "refunding"),
			    .desc = flag(&a, "desc")};
	if (val(&a, "status") && (q.status = bzj_shop_status_parse(val(&a, "status"))) < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.status", _("--status: must be open or closed"));
	static const char *const sorts[] = {"id", "name", "required", "balance"};
	if (val(&a, "sort")) {
		q.sort = -1;
		for (int i = 0; i < 4; i++)
			if (!strcmp(val(&a, "sort"), sorts[i]))
				q.sort = i;
		if (q.sort < 0)
			return bzj_fail(e, BZJ_EINPUT, "input.sort",
					_("--sort: must be id, name, required or balance"));
	}
	long long limit = 100;
	if ((rc = opt_int(&a, "limit", 0, 100000000, &limit, e)))
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
	do {
		int want = limit && limit - shown < PAGE ? (int)(limit - shown) : PAGE;
		rc = bzj_shop_list(x, &q, rows, want, &n, e);
		for (int i = 0; !rc && i < n; i++, shown++) {
			bzj_shop_view v;
			if ((rc = bzj_shop_view_get(x, rows[i].id, &v, e)))
				break;
			if (env->json) {
				shop_json(&j, &v);
			} else {
				char b[32], c[32];
				char nm[160], en[64];
				out_printf("%-10s %s %s %14s %14s%s%s%s\n", v.shop.id,
				       col_w(v.shop.name, 30, nm, sizeof nm),
				       col_w(v.shop.entity == BZJ_ENTITY_COMPANY
						     ? _("company")
						     : _("individual business"),
					     12, en, sizeof en),
				       money(v.dep.pos.required_fen, b),
				       money(v.dep.pos.balance_fen, c),
				       v.dep.pos.restricted ? _("  SHORTFALL") : "",
				       v.shop.status == BZJ_SHOP_CLOSED ? _("  closed") : "",
				       v.open_violations ? _("  violations") : "");
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
		json_print(&j);
	} else {
		out_printf(_("%lld of %lld shops\n"), shown, (long long)total);
	}
	return BZJ_OK;
}

CMD(shop_category)
{
	opt o[] = {O("add", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (!rc && !val(&a, "add"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.usage", _("--add CATEGORY is required"));
	if (!rc)
		rc = bzj_shop_add_category(x, a.pos[0], val(&a, "add"), e);
	return rc ? rc : emit_shop(env, x, a.pos[0], e);
}

CMD(shop_close)
{
	opt o[] = {O("date", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	bzj_date d = x->today;
	if (!rc && val(&a, "date"))
		rc = bzj_date_parse(val(&a, "date"), "--date", &d, e);
	if (!rc)
		rc = bzj_shop_close(x, a.pos[0], d, e);
	return rc ? rc : emit_shop(env, x, a.pos[0], e);
}

CMD(shop_payee)
{
	opt o[] = {O("type", true), O("name", true), O("account", true), O("date", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	int type = bzj_payee_type_parse(val(&a, "type"));
	if (type < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.type",
				_("--type: must be personal or corporate"));
	bzj_date d = BZJ_DATE_NONE;
	if (val(&a, "date") && (rc = bzj_date_parse(val(&a, "date"), "--date", &d, e)))
		return rc;
	rc = bzj_shop_set_payee(x, a.pos[0], type, val(&a, "name"), val(&a, "account"), d, e);
	return rc ? rc : emit_shop(env, x, a.pos[0], e);
}

CMD(shop_unsettled)
{
	args a;
	int rc = parse_args(argc, argv, cmd, NULL, 0, 2, &a, e);
	int64_t fen;
	if (!rc)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	if (!rc)
		rc = bzj_shop_set_unsettled(x, a.pos[0], fen, e);
	return rc ? rc : emit_shop(env, x, a.pos[0], e);
}

CMD(shop_show)
{
	args a;
	int rc = parse_args(argc, argv, cmd, NULL, 0, 1, &a, e);
	return rc ? rc : emit_shop(env, x, a.pos[0], e);
}

CMD(cmd_topup)
{
	opt o[] = {O("payer", true), O("ack-third-party", false), O("ref", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 2, &a, e);
	if (rc)
		return rc;
	bzj_topup_in in = {.shop_id = a.pos[0],
			   .payer = val(&a, "payer"),
			   .ack_third_party = flag(&a, "ack-third-party"),
			   .ref = val(&a, "ref")};
	if ((rc = bzj_money_parse(a.pos[1], "amount", &in.amount_fen, e)))
		return rc;
	int64_t id, bal;
	bool replayed;
	if ((rc = bzj_topup(x, &in, &id, &bal, &replayed, e)))
		return rc;
	char b[32];
	if (env->json)
		out_printf("{\"id\":%lld,\"balance_fen\":%lld,\"replayed\":%s}\n", (long long)id,
		       (long long)bal, replayed ? "true" : "false");
	else
		out_printf(replayed ? _("top-up %lld was already recorded (same ref); balance %s\n")
				: _("top-up %lld recorded; balance %s\n"),
		       (long long)id, money(bal, b));
	return BZJ_OK;
}

CMD(cmd_fee)
{
	opt o[] = {O("note", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 2, &a, e);
	int64_t fen, id;
	if (!rc)
		rc = bzj_money_parse(a.pos[1], "amount", &fen, e);
	if (!rc)
		rc = bzj_fee(x, a.pos[0], fen, val(&a, "note"), &id, e);
	if (rc)
		return rc;
	bzj_shop_view v;
	if ((rc = bzj_shop_view_get(x, a.pos[0], &v, e)))
		return rc;
	char b[32];
	if (env->json)
		out_printf("{\"id\":%lld,\"balance_fen\":%lld}\n", (long long)id,
		       (long long)v.shop.balance_fen);
	else
		out_printf(_("fee %lld recorded; balance %s\n"), (long long)id,
		       money(v.shop.balance_fen, b));
	return BZJ_OK;
}

CMD(cmd_gmv)
{
	args a;
	int rc = parse_args(argc, argv, cmd, NULL, 0, 3, &a, e);
	bzj_month m;
	int64_t fen;
	if (!rc)
		rc = bzj_month_parse(a.pos[1], "month", &m, e);
	if (!rc)
		rc = bzj_money_parse(a.pos[2], "amount", &fen, e);
	if (!rc)
		rc = bzj_gmv_set(x, a.pos[0], m, fen, e);
	if (rc)
		return rc;
	char ms[8], b[32];
	bzj_month_fmt(m, ms, sizeof ms);
	if (env->json)
		out_printf("{\"shop_id\":\"%s\",\"month\":\"%s\",\"gmv_fen\":%lld}\n", a.pos[0], ms,
		       (long long)fen);
	else
		out_printf(_("GMV of %s for %s: %s\n"), a.pos[0], ms, money(fen, b));
	return BZJ_OK;
}

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
	put_safe(stderr, r->file);
	fputs(where, stderr);
	put_safe(stderr, field);
	fputs(": ", stderr);
	put_safe(stderr, msg);
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
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 2, &a, e);
	if (rc)
		return rc;
	bzj_import_opt io = {flag(&a, "force"), val(&a, "reason")};
	if (io.reason && !io.force)
		return bzj_fail(e, BZJ_EINPUT, "input.usage",
				_("import: --reason goes with --force"));
	int kind = bzj_import_kind_parse(a.pos[0]);
	if (kind < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.kind",
				_("import: the kind is shops, gmv, topups or violations"));
	size_t len;
	char *data = slurp(a.pos[1], &len, e);
	if (!data)
		return e->rc;
	bzj_json j;
	json_list(&j, "lines");
	import_report rep = {env, a.pos[1], env->json ? &j : NULL};
	bzj_import_result r;
	progress_attach(x, "import");
	rc = bzj_import_ex(x, kind, data, len, &io, on_import_error, &rep, &r, e);
	progress_done();
	if (rc)
		r.rows = 0; /* nothing was written */
	free(data);
	bzj_json_arr_end(&j);
	if (env->json) {
		bzj_json_int(&j, "rows", r.rows);
		bzj_json_int(&j, "errors", r.errors);
		if (kind == BZJ_IMPORT_TOPUPS)
			bzj_json_int(&j, "replayed", rc ? 0 : r.replayed);
		if (rc) {
			bzj_json_obj(&j, "error");
			bzj_json_str(&j, "code", e->code);
			bzj_json_str(&j, "message", e->msg);
			bzj_json_obj_end(&j);
		}
		bzj_json_obj_end(&j);
		json_print(&j);
		if (rc) {
			out_fprintf(stderr, "bzj: %s\n", e->msg);
			return -rc; /* already reported */
		}
	} else {
		bzj_json_free(&j);
		if (!rc)
			out_printf(_("imported %lld rows from %s\n"), (long long)r.rows, a.pos[1]);
		if (!rc && r.replayed)
			out_printf(_("%lld line(s) were already recorded (same ref or same line): not "
				 "credited again\n"),
			       (long long)r.replayed);
	}
	return rc;
}

CMD(deposit_recompute)
{
	opt o[] = {O("month", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (!rc && !val(&a, "month"))
		rc = bzj_fail(e, BZJ_EINPUT, "input.month", _("--month YYYY-MM is required"));
	bzj_month m;
	if (!rc)
		rc = bzj_month_parse(val(&a, "month"), "--month", &m, e);
	bzj_recompute_result r;
	if (!rc) {
		progress_attach(x, "recompute");
		rc = bzj_deposit_recompute(x, m, &r, e);
		progress_done();
	}
	if (rc)
		return rc;
	char ms[8], ef[16];
	bzj_month_fmt(r.month, ms, sizeof ms);
	if (env->json)
		out_printf("{\"month\":\"%s\",\"effective\":\"%s\",\"shops\":%lld,\"changed\":%lld}\n", ms,
		       day(r.effective, ef), (long long)r.shops, (long long)r.changed);
	else
		out_printf(_("floating deposit for %s (effective %s): %lld shops, %lld changed\n"), ms,
		       day(r.effective, ef), (long long)r.shops, (long long)r.changed);
	return BZJ_OK;
}

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
		json_print(&j);
	} else {
		out_printf("%-6lld %-10s %s %s %2d%s  %s %s  %s %s  %s %s  %s\n", (long long)v.id,
		       v.shop_id, day(v.date, d), bzj_vclass_name(v.cls), v.points, _("pt"),
		       _("raise"), money(v.raise_fen, a), _("frozen"), money(v.frozen_fen, b),
		       _("deducted"), money(v.deducted_fen, c), bzj_vstatus_name(v.status));
	}
	return BZJ_OK;
}

CMD(violation_add)
{
	opt o[] = {O("class", true), O("points", true), O("raise", true),
		   O("freeze", true), O("note", true),   O("date", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bzj_violation_in in = {.shop_id = a.pos[0],
			       .cls = bzj_vclass_parse(val(&a, "class")),
			       .note = val(&a, "note"),
			       .date = BZJ_DATE_NONE};
	if (in.cls < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.class", _("--class: must be A or B"));
	long long pts;
	if ((rc = parse_int(val(&a, "points"), "--points", 0, 100, &pts, e)))
		return rc;
	in.points = (int)pts;
	if (!val(&a, "raise"))
		return bzj_fail(e, BZJ_EINPUT, "input.raise", _("--raise AMOUNT is required"));
	if ((rc = bzj_money_parse(val(&a, "raise"), "--raise", &in.raise_fen, e)))
		return rc;
	if (val(&a, "freeze") && (rc = bzj_money_parse(val(&a, "freeze"), "--freeze", &in.freeze_fen, e)))
		return rc;
	if (val(&a, "date") && (rc = bzj_date_parse(val(&a, "date"), "--date", &in.date, e)))
		return rc;
	int64_t id;
	if ((rc = bzj_violation_add(x, &in, &id, e)))
		return rc;
	if (env->json)
		out_printf("{\"id\":%lld}\n", (long long)id);
	else
		out_printf(_("violation %lld recorded\n"), (long long)id);
	return BZJ_OK;
}

CMD(violation_list)
{
	opt o[] = {O("shop", true), O("open", false), O("limit", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long limit = 100;
	if (!rc)
		rc = opt_int(&a, "limit", 1, 100000, &limit, e);
	if (rc)
		return rc;
	bzj_violation *v = malloc((size_t)limit * sizeof *v);
	int n = 0;
	if (!v)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	rc = bzj_violation_list(x, val(&a, "shop"), flag(&a, "open"), 0, v, (int)limit, &n, e);
	if (!rc) {
		bzj_json j;
		json_list(&j, "violations");
		for (int i = 0; i < n; i++) {
			if (env->json)
				violation_json(&j, &v[i]);
			else
				emit_violation(env, x, v[i].id, e);
		}
		bzj_json_arr_end(&j);
		bzj_json_int(&j, "total", n);
		bzj_json_obj_end(&j);
		json_finish(env, &j, true);
	}
	free(v);
	return rc;
}

/* `violation deduct|freeze VID AMOUNT`, `violation resolve|show VID`, each
 * with [--version V]. */
CMD(violation_act)
{
	const char *verb = last_word(cmd);
	bool amount = !strcmp(verb, "deduct") || !strcmp(verb, "freeze");
	opt o[] = {O("version", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), amount ? 2 : 1, &a, e);
	int64_t vid = 0, ver = 0, fen = 0;
	if (!rc && val(&a, "version"))
		rc = parse_id(val(&a, "version"), "--version", &ver, e);
	if (!rc)
		rc = parse_id(a.pos[0], "violation id", &vid, e);
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
CMD(receipt_act)
{
	opt o[] = {O("topup", true)};
	args a;
	bool list = !strcmp(last_word(cmd), "list");
	int rc = parse_args(argc, argv, cmd, o, list ? 0 : NOPTS(o), 1, &a, e);
	if (rc)
		return rc;
	bzj_receipt r[64];
	int n = 0;
	if (list) {
		rc = bzj_receipt_list(x, a.pos[0], r, 64, &n, e);
	} else {
		int64_t tid;
		rc = parse_id(val(&a, "topup"), "--topup", &tid, e);
		if (!rc)
			rc = bzj_receipt_request(x, a.pos[0], tid, &r[0], e);
		n = 1;
	}
	if (rc)
		return rc;
	bzj_json j;
	bzj_json_init(&j);
	if (list) {
		bzj_json_obj(&j, NULL);
		bzj_json_arr(&j, "receipts");
	}
	for (int i = 0; i < n; i++) {
		char b[32], d[16];
		if (!env->json) {
			out_printf("%-6lld %s %-30s %14s %s%s\n", (long long)r[i].id,
			       day(r[i].issued, d), r[i].title, money(r[i].amount_fen, b),
			       _("top-up "), r[i].voided ? _(" (void)") : "");
			continue;
		}
		bzj_json_obj(&j, NULL);
		bzj_json_int(&j, "id", r[i].id);
		bzj_json_int(&j, "topup_id", r[i].topup_id);
		bzj_json_str(&j, "shop_id", r[i].shop_id);
		bzj_json_str(&j, "title", r[i].title);
		bzj_json_int(&j, "amount_fen", r[i].amount_fen);
		bzj_json_date(&j, "issued", r[i].issued);
		bzj_json_bool(&j, "voided", r[i].voided);
		bzj_json_obj_end(&j);
	}
	if (list) {
		bzj_json_arr_end(&j);
		bzj_json_obj_end(&j);
	}
	json_finish(env, &j, true);
	return BZJ_OK;
}

CMD(refund_list)
{
	opt o[] = {O("status", true), O("overdue", false), O("kind", true), O("shop", true),
		   O("open", false)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	if (rc)
		return rc;
	bzj_refund_query q = {.shop_id = val(&a, "shop"),
			      .overdue = flag(&a, "overdue"),
			      .open_only = flag(&a, "open")};
	if (val(&a, "status") && (q.status = bzj_refund_status_parse(val(&a, "status"))) < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.status",
				_("--status: must be submitted, approved, paid, rejected, cancelled "
				  "or failed"));
	if (val(&a, "kind") && (q.kind = bzj_refund_kind_parse(val(&a, "kind"))) < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.kind", _("--kind: must be partial or closure"));
	int64_t total = 0;
	if ((rc = bzj_refund_count(x, &q, &total, e)))
		return rc;
	bzj_json j;
	json_list(&j, "refunds");
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
	json_finish(env, &j, !rc);
	if (!rc && !env->json)
		out_printf(_("%lld refunds\n"), (long long)total);
	return rc;
}

/* Every refund subcommand but list: `refund submit ID`, `refund check RID
 * ITEM`, `refund approve|reject|cancel|pay|fail|show RID`. */
CMD(refund_act)
{
	const char *verb = last_word(cmd);
	bool is_check = !strcmp(verb, "check");
	opt o[] = {O("kind", true), O("amount", true), O("reason", true), O("version", true),
		   O("second", false)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), is_check ? 2 : 1, &a, e);
	if (rc)
		return rc;
	bzj_refund r;
	if (!strcmp(verb, "submit")) {
		bzj_refund_in in = {.shop_id = a.pos[0],
				    .kind = bzj_refund_kind_parse(val(&a, "kind"))};
		if (in.kind < 0)
			return bzj_fail(e, BZJ_EINPUT, "input.kind",
					_("--kind: must be partial or closure"));
		if (val(&a, "amount") &&
		    (rc = bzj_money_parse(val(&a, "amount"), "--amount", &in.amount_fen, e)))
			return rc;
		rc = bzj_refund_submit(x, &in, &r, e);
		return rc ? rc : emit_refund(env, &r);
	}
	int64_t id, ver = 0;
	if ((rc = parse_id(a.pos[0], "refund id", &id, e)))
		return rc;
	if (val(&a, "version") && (rc = parse_id(val(&a, "version"), "--version", &ver, e)))
		return rc;
	if (is_check) {
		int item = bzj_check_item_parse(a.pos[1]);
		if (item < 0)
			return bzj_fail(e, BZJ_EINPUT, "input.item",
					_("item: must be materials, info, signatures or "
					  "statements"));
		rc = bzj_refund_check(x, id, item, ver, &r, e);
	} else if (!strcmp(verb, "approve")) {
		rc = flag(&a, "second") ? bzj_refund_approve_second(x, id, ver, &r, e)
					: bzj_refund_approve(x, id, ver, &r, e);
	} else if (!strcmp(verb, "reject")) {
		rc = bzj_refund_reject(x, id, val(&a, "reason"), ver, &r, e);
	} else if (!strcmp(verb, "cancel")) {
		rc = bzj_refund_cancel(x, id, ver, &r, e);
	} else if (!strcmp(verb, "pay")) {
		rc = bzj_refund_pay(x, id, ver, &r, e);
	} else if (!strcmp(verb, "fail")) {
		rc = bzj_refund_fail(x, id, val(&a, "reason"), ver, &r, e);
	} else { /* show */
		rc = bzj_refund_get(x, id, &r, e);
	}
	return rc ? rc : emit_refund(env, &r);
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
		out_printf("%s %s  %14s  %14s\n", col_w(s->category, 12, cat, sizeof cat),
		       day(s->effective, d),
		       money(s->individual_fen, a), money(s->company_fen, b));
	}
	return 0;
}

CMD(standards_load)
{
	const char *path;
	size_t len;
	char *text = slurp_arg(cmd, argc, argv, &path, &len, e);
	if (!text)
		return e->rc;
	int n = 0;
	int rc = bzj_standards_load_text(x, text, path, &n, e);
	free(text);
	if (rc)
		return rc;
	if (env->json)
		out_printf("{\"loaded\":%d}\n", n);
	else
		out_printf(_("%d standards loaded from %s\n"), n, path);
	return BZJ_OK;
}

CMD(standards_list)
{
	args a;
	int rc = parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
	if (rc)
		return rc;
	bzj_json j;
	json_list(&j, "standards");
	row_out out = {env, &j};
	if (!env->json)
		out_printf("%-12s %-10s  %14s  %14s\n", _("category"), _("effective"),
		       _("individual"), _("company"));
	rc = bzj_standards_list(x, std_row, &out, e);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	json_finish(env, &j, !rc);
	return rc;
}

CMD(calendar_import)
{
	const char *path;
	size_t len;
	char *data = slurp_arg(cmd, argc, argv, &path, &len, e);
	if (!data)
		return e->rc;
	int rows, years;
	int rc = bzj_calendar_import(x, data, len, &rows, &years, e);
	free(data);
	if (rc)
		return rc;
	if (env->json)
		out_printf("{\"rows\":%d,\"years\":%d}\n", rows, years);
	else
		out_printf(_("%d calendar rows for %d year(s) imported\n"), rows, years);
	return BZJ_OK;
}

CMD(calendar_next)
{
	args a;
	bzj_date from, out;
	long long n;
	int rc = parse_args(argc, argv, cmd, NULL, 0, 2, &a, e);
	if (!rc)
		rc = bzj_date_parse(a.pos[0], "DATE", &from, e);
	if (!rc)
		rc = parse_int(a.pos[1], "N", 1, 3650, &n, e);
	if (!rc)
		rc = bzj_cal_add_business(x->cal, from, (int)n, &out, e);
	if (rc)
		return rc;
	char d[16];
	if (env->json)
		out_printf("{\"date\":\"%s\"}\n", day(out, d));
	else
		out_printf("%s\n", day(out, d));
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
		out_printf("%6lld %s %-8s %-10s %-20s %-16s %s -> %s%s%s\n", (long long)r->seq, r->at,
		       r->user, r->role, r->action, r->object, r->before, r->after,
		       r->reason[0] ? "  # " : "", r->reason);
	}
	return 0;
}

CMD(audit_verify)
{
	args a;
	int rc = parse_args(argc, argv, cmd, NULL, 0, 0, &a, e);
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
		json_print(&j);
	} else if (r.ok) {
		out_printf(_("audit log intact: %lld entries\n"), (long long)r.entries);
		if (r.keyed)
			out_printf(_("keyed (HMAC-SHA256) from record %lld\n"), (long long)r.keyed_from);
		else
			out_printf(_("not keyed: whoever can write the database file could recompute "
				     "the chain (set audit_key, see docs/deploy.md)\n"));
	}
	if (!r.ok) {
		out_fprintf(stderr, _("bzj: audit log broken at record %lld: %s\n"),
			(long long)r.bad_seq, r.problem);
		return -BZJ_ERULE;
	}
	return BZJ_OK;
}

CMD(audit_log)
{
	opt o[] = {O("shop", true), O("limit", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 0, &a, e);
	long long limit = 200;
	if (!rc)
		rc = opt_int(&a, "limit", 1, 100000000, &limit, e);
	if (rc)
		return rc;
	bzj_json j;
	json_list(&j, "entries");
	row_out out = {env, &j};
	rc = bzj_audit_log(x, val(&a, "shop"), (int)limit, audit_row, &out, e);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	json_finish(env, &j, !rc);
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
	out_fprintf(o->env->json ? stderr : stdout, "%s: %s\n", code, msg);
	return 0;
}

CMD(cmd_check)
{
	(void)cmd;
	(void)argv;
	if (argc)
		return bzj_fail(e, BZJ_EINPUT, "input.usage", _("`bzj check` takes no arguments"));
	bzj_json j;
	json_list(&j, "problems");
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
	bzj_json_obj_end(&j);
	if (rc) {
		bzj_json_free(&j);
		return rc;
	}
	json_finish(env, &j, true);
	if (r.problems) {
		out_fprintf(stderr, _("bzj: %lld invariant violation(s)\n"), (long long)r.problems);
		return -BZJ_ERULE;
	}
	if (!env->json)
		out_printf(_("ok: %lld shops, %lld ledger entries, %lld refunds; every invariant "
			 "holds\n"),
		       (long long)r.shops, (long long)r.ledger_entries, (long long)r.refunds);
	return BZJ_OK;
}

CMD(cmd_ledger)
{
	opt o[] = {O("limit", true)};
	args a;
	int rc = parse_args(argc, argv, cmd, o, NOPTS(o), 1, &a, e);
	long long limit = 50;
	if (!rc)
		rc = opt_int(&a, "limit", 1, 10000, &limit, e);
	if (rc)
		return rc;
	bzj_shop_view v;
	if ((rc = bzj_shop_view_get(x, a.pos[0], &v, e)))
		return rc;
	bzj_ledger_entry *le = malloc((size_t)limit * sizeof *le);
	int n = 0;
	if (!le)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	rc = bzj_ledger_list(x, a.pos[0], 0, le, (int)limit, &n, e);
	bzj_json j;
	json_list(&j, "entries");
	for (int i = 0; !rc && i < n; i++) {
		char b[32], c[32], d[16];
		if (!env->json) {
			out_printf("%-8lld %s %-10s %14s %14s  %s%s%s\n", (long long)le[i].id,
			       day(le[i].date, d), bzj_ledger_kind_name(le[i].kind),
			       money(le[i].amount_fen, b), money(le[i].balance_after_fen, c),
			       le[i].note, le[i].third_party ? "  " : "",
			       le[i].third_party ? le[i].payer : "");
			continue;
		}
		bzj_json_obj(&j, NULL);
		bzj_json_int(&j, "id", le[i].id);
		bzj_json_date(&j, "date", le[i].date);
		bzj_json_str(&j, "kind", bzj_ledger_kind_name(le[i].kind));
		bzj_json_int(&j, "amount_fen", le[i].amount_fen);
		bzj_json_int(&j, "balance_after_fen", le[i].balance_after_fen);
		bzj_json_str(&j, "payer", le[i].payer[0] ? le[i].payer : NULL);
		bzj_json_bool(&j, "third_party", le[i].third_party);
		bzj_json_str(&j, "note", le[i].note);
		bzj_json_obj_end(&j);
	}
	free(le);
	bzj_json_arr_end(&j);
	bzj_json_obj_end(&j);
	json_finish(env, &j, !rc);
	return rc;
}

/* ---- the table ---------------------------------------------------------------- */

typedef int cmd_fn(cli_env *env, bzj_ctx *x, const char *cmd, int argc, char **argv,
		    bzj_err *e);

/* `bzj COMMAND SUBCOMMAND ...`: each list ends with {NULL}, and its order is
 * the order the usage errors name them in. */
typedef struct subcommand {
	const char *name;
	cmd_fn *fn;
} subcommand;

static const subcommand shop_subs[] = {
	{"add", shop_add},	     {"show", shop_show},   {"list", shop_list},
	{"category", shop_category}, {"close", shop_close}, {"payee", shop_payee},
	{"unsettled", shop_unsettled}, {NULL, NULL}};
static const subcommand deposit_subs[] = {{"recompute", deposit_recompute}, {NULL, NULL}};
static const subcommand violation_subs[] = {
	{"add", violation_add},	    {"deduct", violation_act}, {"freeze", violation_act},
	{"resolve", violation_act}, {"list", violation_list},  {"show", violation_act},
	{NULL, NULL}};
static const subcommand receipt_subs[] = {
	{"request", receipt_act}, {"list", receipt_act}, {NULL, NULL}};
static const subcommand refund_subs[] = {
	{"submit", refund_act}, {"check", refund_act},	{"approve", refund_act},
	{"reject", refund_act}, {"cancel", refund_act}, {"pay", refund_act},
	{"fail", refund_act},	{"list", refund_list},	{"show", refund_act},
	{NULL, NULL}};
static const subcommand standards_subs[] = {
	{"list", standards_list}, {"load", standards_load}, {NULL, NULL}};
static const subcommand calendar_subs[] = {
	{"next", calendar_next}, {"import", calendar_import}, {NULL, NULL}};
static const subcommand audit_subs[] = {
	{"log", audit_log}, {"verify", audit_verify}, {NULL, NULL}};

/* A command runs fn, or, when it has subs, the subcommand its first word
 * names. */
typedef struct command {
	const char *name;
	cmd_fn *fn;
	const subcommand *subs;
	int open_flags;
	const char *usage; /* one or more lines */
} command;

static const command commands[] = {
	{"init", cmd_init, NULL, BZJ_OPEN_CREATE, N_("init                                   create or migrate the database")},
	{"demo", cmd_demo, NULL, BZJ_OPEN_CREATE, N_("demo [--shops N] [--seed S]            fill a new database with demo data")},
	{"shop", NULL, shop_subs, 0,
	 N_("shop add ID --name N --entity individual|company --category C[,C...]\n"
	    "             --opened DATE [--entity-name NAME] [--operator NAME]\n"
	    "shop show ID\n"
	    "shop list [--search TEXT] [--shortfall] [--status open|closed] [--limit N]\n"
	    "          [--sort id|name|required|balance] [--desc] [--violations] [--refunding]\n"
	    "shop category ID --add C\n"
	    "shop close ID --date DATE                records closure and the signed agreement\n"
	    "shop payee ID --type personal|corporate --name N --account NO [--date DATE]\n"
	    "shop unsettled ID AMOUNT                 unsettled payments that cover owed amounts")},
	{"topup", cmd_topup, NULL, 0, N_("topup ID AMOUNT [--payer NAME] [--ack-third-party] [--ref REF]")},
	{"fee", cmd_fee, NULL, 0, N_("fee ID AMOUNT --note TEXT")},
	{"gmv", cmd_gmv, NULL, 0, N_("gmv ID YYYY-MM AMOUNT                  paid GMV of a month")},
	{"import", cmd_import, NULL, 0, N_("import shops|gmv|topups|violations FILE.csv [--force --reason TEXT]   all or nothing")},
	{"deposit", NULL, deposit_subs, 0, N_("deposit recompute --month YYYY-MM      floating deposit for that month")},
	{"violation", NULL, violation_subs, 0,
	 N_("violation add ID --class A|B --points N --raise AMOUNT [--freeze AMOUNT] --note TEXT\n"
	    "violation deduct VID AMOUNT | freeze VID AMOUNT | resolve VID | show VID\n"
	    "violation list [--shop ID] [--open] [--limit N]")},
	{"receipt", NULL, receipt_subs, 0, N_("receipt request ID --topup TID | receipt list ID")},
	{"refund", NULL, refund_subs, 0,
	 N_("refund submit ID --kind partial|closure [--amount AMOUNT]\n"
	    "refund check RID materials|info|signatures|statements\n"
	    "refund approve RID [--second] | reject RID --reason TEXT | cancel RID\n"
	    "refund pay RID | fail RID --reason TEXT | show RID   [--version V]\n"
	    "refund list [--status S] [--overdue] [--kind K] [--shop ID] [--open]")},
	{"ledger", cmd_ledger, NULL, 0, N_("ledger ID [--limit N]                  a shop's ledger, newest first")},
	{"standards", NULL, standards_subs, 0, N_("standards list | standards load FILE   base deposit per category")},
	{"calendar", NULL, calendar_subs, 0, N_("calendar next DATE N | calendar import FILE.tsv")},
	{"audit", NULL, audit_subs, 0, N_("audit log [--shop ID] [--limit N] | audit verify")},
	{"check", cmd_check, NULL, 0, N_("check                                  verify every invariant")},
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

void cli_usage(FILE *f)
{
	out_fprintf(f, _("usage: bzj [--db PATH] [--config PATH] [--today YYYY-MM-DD] [--json] "
		     "[COMMAND ...]\n"
		     "With no command bzj opens the console.  Commands:\n"));
	for (int i = 0; i < NCOMMANDS; i++) {
		const char *u = _(commands[i].usage);
		fputs("  ", f);
		for (; *u; u++) {
			fputc(*u, f);
			if (*u == '\n')
				fputs("  ", f);
		}
		fputc('\n', f);
	}
	out_fprintf(f, _("`bzj --help-keys` lists the console's keys and their action names.\n"));
	out_fprintf(f, _("Exit status: 0 done, 1 refused by a rule, 2 bad input, 3 not found,\n"
		     "4 permission denied, 5 busy or conflict, 6 storage error.  See bzj(1).\n"));
}

bool cli_command_help(const char *name, FILE *f)
{
	for (int i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name))
			continue;
		out_fprintf(f, "usage: bzj [global options] %s\n", _(commands[i].usage));
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
		json_print(&j);
	}
	fputs("bzj: ", stderr);
	put_safe(stderr, e->msg);
	fputc('\n', stderr);
}

/* The subcommand of c that `word` names (word may be NULL: none given); when
 * there is none, the same usage error for every command, naming them all. */
static const subcommand *find_sub(const command *c, const char *word, bzj_err *e)
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

int cli_run(cli_env *env, int argc, char **argv)
{
	bzj_err e;
	bzj_err_clear(&e);
	const command *c = NULL;
	for (int i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, argv[0]))
			c = &commands[i];
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
	int words = 1;
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
	if (c->open_flags & BZJ_OPEN_CREATE)
		rc = bzj_auth_require(&env->actor, BZJ_PERM_ADMIN, _("create databases"), &e);
	if (!rc)
		rc = bzj_ctx_open(&x, env->db_path, c->open_flags, env->cfg, &env->actor, &e);
	if (!rc) {
		x.interrupted = env->interrupted;
		bzj_db_set_interrupt(x.db, env->interrupted);
		rc = fn(env, &x, name, argc - words, argv + words, &e);
		bzj_ctx_close(&x);
	}
	if (rc < 0) /* already reported by the command */
		return -rc;
	if (rc)
		cli_error(env, &e);
	return rc;
}
