/* cli_util.c - what every command family shares: argument parsing, reading
 * input files with the caller's rights, and the output helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bzj/import.h"
#include "bzj/ledger.h"
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
 * read, for an operator, a file only its group may read.  Non-blocking,
 * so a FIFO without a writer cannot hang the open. */
static int cli_open_as_caller(const char *path)
{
	gid_t egid = getegid();
	bool drop = egid != getgid();
	if (drop && setegid(getgid()) != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int saved = errno;
	if (drop && setegid(egid) != 0) {
		if (fd >= 0)
			close(fd);
		errno = EPERM;
		return -1;
	}
	errno = saved;
	return fd;
}

/* Open an input file for reading: only a regular file (a device such as
 * /dev/zero, a FIFO or a folder is refused before reading) of at most
 * BZJ_INPUT_MAX_BYTES, opened with the caller's rights and made blocking.
 * Returns the descriptor, with its size in *size; -1 with e set. */
static int input_open(const char *path, off_t *size, bzj_err *e)
{
	const size_t max = BZJ_INPUT_MAX_BYTES;
	int fd = cli_open_as_caller(path);
	if (fd < 0) {
		bzj_fail(e, BZJ_ENOTFOUND, "input.file", _("cannot read %s: %s"), path,
			 strerror(errno));
		return -1;
	}
	struct stat sb;
	int rc = BZJ_OK;
	if (fstat(fd, &sb) != 0)
		rc = bzj_fail(e, BZJ_EIO, "input.file", _("cannot read %s: %s"), path,
			      strerror(errno));
	else if (S_ISDIR(sb.st_mode))
		rc = bzj_fail(e, BZJ_EINPUT, "input.file", _("%s is a folder; give the file to read"),
			      path);
	else if (!S_ISREG(sb.st_mode))
		rc = bzj_fail(e, BZJ_EINPUT, "input.file",
			      _("%s is not a regular file (a device, pipe or socket); give "
				"a file, or - to read standard input"),
			      path);
	else if ((uintmax_t)sb.st_size > max)
		rc = bzj_fail(e, BZJ_EINPUT, "input.too_large",
			      _("%s is %jd bytes; bzj reads input files of at most %zu "
				"MiB: split it"),
			      path, (intmax_t)sb.st_size, max >> 20);
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		rc = bzj_fail(e, BZJ_EIO, "input.file", _("cannot read %s: %s"), path,
			      strerror(errno));
	if (rc) {
		close(fd);
		return -1;
	}
	*size = sb.st_size;
	return fd;
}

int cli_input_open(const char *path, cli_input *in, bzj_err *e)
{
	memset(in, 0, sizeof *in);
	if (!strcmp(path, "-")) {
		in->data = cli_slurp(path, &in->len, e);
		return in->data ? BZJ_OK : e->rc;
	}
	off_t size;
	int fd = input_open(path, &size, e);
	if (fd < 0)
		return e->rc;
	in->len = (size_t)size;
	if (in->len == 0) {
		close(fd);
		in->data = calloc(1, 1);
		return in->data ? BZJ_OK : bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	}
	/* Mapped, not copied: the kernel reads the file as the parser walks
	 * it (sequentially: it reads ahead and may drop what is behind), so
	 * bzj's own memory is the rows it keeps, not the file.  A file cut
	 * short under a running import ends it with SIGBUS before anything
	 * is committed: all or nothing still holds. */
	void *p = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
	int err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		/* A file system that cannot map: read it instead. */
		if (err == ENODEV || err == EACCES || err == EINVAL) {
			in->data = cli_slurp(path, &in->len, e);
			return in->data ? BZJ_OK : e->rc;
		}
		return bzj_fail(e, BZJ_EIO, "input.file", _("cannot read %s: %s"), path,
				strerror(err));
	}
	madvise(p, in->len, MADV_SEQUENTIAL);
	in->data = p;
	in->mapped = true;
	return BZJ_OK;
}

void cli_input_close(cli_input *in)
{
	if (in->mapped)
		munmap(in->data, in->len);
	else
		free(in->data);
	memset(in, 0, sizeof *in);
}

/* A whole input file ("-": standard input) in memory, NUL-terminated
 * (texts such as the standards file need the NUL).  Only regular files of
 * at most BZJ_INPUT_MAX_BYTES, as input_open says. */
char *cli_slurp(const char *path, size_t *len, bzj_err *e)
{
	const size_t max = BZJ_INPUT_MAX_BYTES;
	bool in = !strcmp(path, "-");
	int fd = STDIN_FILENO;
	size_t cap = 1 << 16, n = 0;
	if (!in) {
		off_t size;
		if ((fd = input_open(path, &size, e)) < 0)
			return NULL;
		cap = (size_t)size + 2; /* one read to the end, one to see it */
	}
	char *buf = malloc(cap);
	int err = 0;
	while (buf) {
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max)
			break;
		if (n + 1 < cap)
			continue;
		char *nb = realloc(buf, cap * 2 > max + 2 ? max + 2 : cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			err = ENOMEM;
			break;
		}
		buf = nb;
		cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
	}
	if (!in)
		close(fd);
	if (buf && !err && n > max) {
		free(buf);
		bzj_fail(e, BZJ_EINPUT, "input.too_large",
			 _("%s is larger than %zu MiB, the most bzj reads from an input file: "
			   "split it"),
			 in ? _("standard input") : path, max >> 20);
		return NULL;
	}
	if (!buf || err) {
		free(buf);
		bzj_fail(e, BZJ_EIO, "input.file", _("cannot read %s: %s"), path,
			 strerror(err ? err : ENOMEM));
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

void cli_entry_put(const cli_env *env, bzj_json *j, const cli_entry *r)
{
	char b[32], c[32], d[16];
	if (!env->json) {
		bool payer = r->shop && r->third_party;
		cli_printf("%-8lld %s %-10s %14s %14s  %s%s%s\n", (long long)r->id,
			   cli_day(r->date, d), bzj_ledger_kind_name(r->kind),
			   cli_money(r->amount_fen, b), cli_money(r->balance_after_fen, c), r->note,
			   payer ? "  " : "", payer ? r->payer : "");
		return;
	}
	bzj_json_obj(j, NULL);
	bzj_json_int(j, "id", r->id);
	bzj_json_date(j, "date", r->date);
	bzj_json_str(j, "kind", bzj_ledger_kind_name(r->kind));
	bzj_json_int(j, "amount_fen", r->amount_fen);
	bzj_json_int(j, "balance_after_fen", r->balance_after_fen);
	if (r->shop) {
		bzj_json_str(j, "payer", r->payer[0] ? r->payer : NULL);
		bzj_json_bool(j, "third_party", r->third_party);
	} else {
		bzj_json_str(j, "ref", r->ref[0] ? r->ref : NULL);
	}
	bzj_json_str(j, "note", r->note);
	bzj_json_obj_end(j);
}
