/* cli_util.c - what every command family shares: argument parsing, reading
 * input files with the caller's rights, and the output helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzj/money.h"
#include "bzj/shop.h"
#include "bzj/text.h"
#include "cli_priv.h"
#include "widget.h"

/* ---- arguments ---------------------------------------------------------- */

/* Parse the words after `bzj CMD`: the options of opts (nopts of them),
 * and exactly npos positional arguments. */
int cli_parse_args(int argc, char **argv, const char *cmd, opt *opts, int nopts, int npos,
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

opt *cli_get(args *a, const char *name)
{
	for (int k = 0; k < a->nopts; k++)
		if (!strcmp(a->opts[k].name, name))
			return &a->opts[k];
	return NULL;
}

const char *cli_val(args *a, const char *name)
{
	opt *o = cli_get(a, name);
	return o && o->set ? o->val : NULL;
}

bool cli_flag(args *a, const char *name)
{
	opt *o = cli_get(a, name);
	return o && o->set;
}

int cli_parse_int(const char *s, const char *field, long long lo, long long hi, long long *out,
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

int cli_parse_id(const char *s, const char *field, int64_t *out, bzj_err *e)
{
	long long v = 0;
	int rc = cli_parse_int(s, field, 1, INT64_MAX, &v, e);
	*out = v;
	return rc;
}

/* The last word of a command's name: "deduct" of "violation deduct". */
const char *cli_last_word(const char *cmd)
{
	const char *s = strrchr(cmd, ' ');
	return s ? s + 1 : cmd;
}

/* The whole number of option --NAME, from lo to hi; *out keeps its default
 * when the option is not given. */
int cli_opt_int(args *a, const char *name, long long lo, long long hi, long long *out,
		   bzj_err *e)
{
	char field[40];
	snprintf(field, sizeof field, "--%s", name);
	return cli_val(a, name) ? cli_parse_int(cli_val(a, name), field, lo, hi, out, e) : BZJ_OK;
}

/* Open an input file with the caller's own rights: a setgid bzj must not
 * read, for an operator, a file only its group may read. */
static FILE *cli_open_as_caller(const char *path)
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

char *cli_slurp(const char *path, size_t *len, bzj_err *e)
{
	FILE *f = strcmp(path, "-") ? cli_open_as_caller(path) : stdin;
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
char *cli_slurp_arg(const char *cmd, int argc, char **argv, const char **path, size_t *len,
		       bzj_err *e)
{
	args a;
	if (cli_parse_args(argc, argv, cmd, NULL, 0, 1, &a, e))
		return NULL;
	*path = a.pos[0];
	return cli_slurp(a.pos[0], len, e);
}

/* Print text that may carry user input (file names, ids, messages quoting
 * them) with control characters replaced, so no escape sequence reaches
 * the terminal. */
static void put_file(void *ctx, const char *p, size_t n)
{
	fwrite(p, 1, n, ctx);
}

void cli_put_safe(FILE *f, const char *s)
{
	bzj_text_escape(s, strlen(s), NULL, put_file, f);
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

void cli_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vfprintf(f, fmt, ap);
	va_end(ap);
}

void cli_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vfprintf(stdout, fmt, ap);
	va_end(ap);
}

/* ---- output --------------------------------------------------------------- */

void cli_json_print(bzj_json *j)
{
	fputs(bzj_json_text(j), stdout);
	fputc('\n', stdout);
	bzj_json_free(j);
}

/* Start a --json document that lists rows: {"key":[ */
void cli_json_list(bzj_json *j, const char *key)
{
	bzj_json_init(j);
	bzj_json_obj(j, NULL);
	bzj_json_arr(j, key);
}

/* End a document: print it when --json asked for it and `ok`, else drop. */
void cli_json_finish(const cli_env *env, bzj_json *j, bool ok)
{
	if (env->json && ok)
		cli_json_print(j);
	else
		bzj_json_free(j);
}

/* A column `w` terminal cells wide: CJK takes two cells, so printf's byte
 * widths would skew every Chinese label. */
const char *cli_col_w(const char *s, int w, char *buf, size_t n)
{
	return wdg_field_mb(s, w, WDG_LEFT, buf, n);
}

const char *cli_payee_label(int type)
{
	return type == BZJ_PAYEE_PERSONAL ? _("personal card") : _("corporate account");
}

const char *cli_money(int64_t fen, char *buf)
{
	return bzj_money_fmt(fen, buf, 32);
}

const char *cli_day(bzj_date d, char *buf)
{
	return bzj_date_fmt(d, buf, 16);
}
