/* store_pg_rewrite.c - bzj's SQL (SQLite's dialect) into PostgreSQL's,
 * once per prepared statement (issue 16; the table of differences is in
 * docs/store-seam.md).
 *
 * A small tokenizer walks the text: strings ('…', with ''), quoted
 * identifiers ("…"), comments (-- and slash-star) and PostgreSQL
 * dollar-quoted bodies ($tag$…$tag$) are copied untouched, so a ? or a :
 * inside them is never taken for a parameter.  Outside them:
 *
 *   ?NNN ? :name @name  ->  $N, numbered exactly as SQLite numbers them
 *                           (?NNN is NNN; ? and a new name take the highest
 *                           number so far + 1; a name seen before keeps its
 *                           number), so param_index(":day") agrees
 *   INSERT OR IGNORE     ->  INSERT … ON CONFLICT DO NOTHING
 *   INSERT OR REPLACE    ->  INSERT … ON CONFLICT (key) DO UPDATE SET c =
 *                           excluded.c (the key from the baseline schema;
 *                           SQLite replaces on any unique index, this only
 *                           on the primary key)
 *   INSERT into a table with an identity column (no RETURNING of its own)
 *                        ->  … RETURNING id (the driver's last_id)
 *   a IS NOT b / a IS b  ->  IS DISTINCT FROM / IS NOT DISTINCT FROM
 *                           (b not NULL, TRUE, FALSE)
 *   group_concat(x[, s]) ->  string_agg(CAST((x) AS text), s or ',')
 *   instr( ifnull( char(x) total(x)
 *                        ->  strpos( coalesce( chr(x) coalesce(sum(x), 0)
 *   max(a, b…) min(a, b…) -> greatest( least(  (the one-argument
 *                           aggregates stay; NULLs: see docs/store-seam.md)
 *   date(x, 'unixepoch'), strftime('%Y…', x, 'unixepoch')
 *                        ->  to_char(to_timestamp(x) AT TIME ZONE 'UTC', …)
 *   LIMIT -1             ->  LIMIT ALL
 *   INDEXED BY i, NOT INDEXED -> dropped (no planner hints)
 *   WITHOUT ROWID -> dropped (a SQLite table option)
 *   BEGIN IMMEDIATE / EXCLUSIVE -> BEGIN ISOLATION LEVEL SERIALIZABLE;
 *   BEGIN DEFERRED       ->  BEGIN ISOLATION LEVEL REPEATABLE READ
 *   temp.t               ->  pg_temp.t
 *   INTEGER REAL BLOB    ->  bigint, double precision, bytea
 *   user (the column)    ->  "user" (a reserved word in PostgreSQL)
 *   ==                   ->  =
 *   PRAGMA               ->  refused: the driver's operations replace it
 *
 * What it cannot do safely (printf, json_*, booleans summed or compared
 * with integers, text compared with integers) is left for PostgreSQL to
 * refuse at prepare time, with its own message. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_pg.h"
#include "store_priv.h"

/* the store's growing buffer (store_priv.h) */
typedef st_buf sbuf;
#define sb_add st_buf_put

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

typedef struct rw {
	const char *s;
	size_t n;
	int opts;
	sbuf out;
	int nvar;
	uint64_t used; /* $1..$64 written (bit N-1) */
	bzj_pg_param *named;
	int nnamed, capnamed;
	bool failed;
	char *err;
	size_t errn;
	/* the current top-level statement */
	int depth;
	int conflict; /* 0, 'I' ignore, 'R' replace */
	char table[64];
	char cols[1024]; /* INSERT OR REPLACE: the column list as written */
	bool returning;  /* the statement has its own RETURNING */
	bool is_insert;
	bool added; /* a RETURNING was added (a single statement) */
} rw;

static void fail(rw *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errn, fmt, ap);
	va_end(ap);
}

static bool wordch(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || (unsigned char)ch >= 0x80;
}

/* The end of a dollar-quote opening tag at i ("$$" or "$tag$"), or 0. */
static size_t dollar_tag(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	if (j < n && (isdigit((unsigned char)s[j])))
		return 0; /* $1: a parameter */
	while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
		j++;
	return j < n && s[j] == '$' ? j + 1 : 0;
}

/* The end of the token starting at i (whitespace runs are one token). */
static size_t tok_end(const char *s, size_t i, size_t n)
{
	char ch = s[i];
	if (isspace((unsigned char)ch)) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		return i;
	}
	if (ch == '-' && i + 1 < n && s[i + 1] == '-') {
		while (i < n && s[i] != '\n')
			i++;
		return i;
	}
	if (ch == '/' && i + 1 < n && s[i + 1] == '*') {
		const char *e = NULL;
		for (size_t j = i + 2; j + 1 < n; j++)
			if (s[j] == '*' && s[j + 1] == '/') {
				e = s + j + 2;
				break;
			}
		return e ? (size_t)(e - s) : n;
	}
	if (ch == '\'' || ch == '"' || ch == '`') {
		size_t j = i + 1;
		while (j < n) {
			if (s[j] == ch) {
				if (j + 1 < n && s[j + 1] == ch) {
					j += 2;
					continue;
				}
				return j + 1;
			}
			j++;
		}
		return n;
	}
	if (ch == '$') {
		size_t t = dollar_tag(s, i, n);
		if (t) {
			size_t len = t - i;
			for (size_t j = t; j + len <= n; j++)
				if (!memcmp(s + j, s + i, len))
					return j + len;
			return n;
		}
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		return i;
	}
	if (wordch(ch)) {
		while (i < n && (wordch(s[i]) || s[i] == '$'))
			i++;
		return i;
	}
	return i + 1;
}

static bool is_space_or_comment(const char *s, size_t i, size_t n)
{
	return isspace((unsigned char)s[i]) || (s[i] == '-' && i + 1 < n && s[i + 1] == '-') ||
	       (s[i] == '/' && i + 1 < n && s[i + 1] == '*');
}

/* The next token at or after i that is not whitespace or a comment. */
static size_t next_sig(const char *s, size_t i, size_t n)
{
	while (i < n && is_space_or_comment(s, i, n))
		i = tok_end(s, i, n);
	return i;
}

static bool word_is(const char *s, size_t i, size_t n, const char *w)
{
	size_t k = strlen(w);
	return i + k <= n && !strncasecmp(s + i, w, k) && (i + k == n || !wordch(s[i + k]));
}

/* A call's parentheses: open at s[i] == '('; fills the top-level comma
 * positions (up to max) and returns the closing parenthesis, or 0. */
static size_t scan_call(const char *s, size_t i, size_t n, size_t *commas, int max, int *ncomma)
{
	int d = 0;
	*ncomma = 0;
	for (size_t j = i; j < n;) {
		char ch = s[j];
		if (ch == '(')
			d++;
		else if (ch == ')') {
			if (--d == 0)
				return j;
		} else if (ch == ',' && d == 1) {
			if (*ncomma < max)
				commas[*ncomma] = j;
			(*ncomma)++;
		}
		j = tok_end(s, j, n);
	}
	return 0;
}

static void rw_range(rw *c, size_t from, size_t to, bool top);

static void emit_param(rw *c, int idx)
{
	char b[16];
	snprintf(b, sizeof b, "$%d", idx);
	sb_str(&c->out, b);
	if (idx > c->nvar)
		c->nvar = idx;
	if (idx >= 1 && idx <= 64)
		c->used |= (uint64_t)1 << (idx - 1);
}

static void named_param(rw *c, const char *name, size_t len)
{
	if (len >= sizeof c->named[0].name) {
		fail(c, "parameter %.*s: name too long", (int)len, name);
		return;
	}
	for (int k = 0; k < c->nnamed; k++)
		if (strlen(c->named[k].name) == len && !memcmp(c->named[k].name, name, len)) {
			emit_param(c, c->named[k].index);
			return;
		}
	if (c->nnamed == c->capnamed) {
		int cap = c->capnamed ? c->capnamed * 2 : 8;
		bzj_pg_param *q = realloc(c->named, (size_t)cap * sizeof *q);
		if (!q) {
			c->out.oom = true;
			return;
		}
		c->named = q;
		c->capnamed = cap;
	}
	bzj_pg_param *p = &c->named[c->nnamed++];
	memcpy(p->name, name, len);
	p->name[len] = 0;
	p->index = c->nvar + 1;
	emit_param(c, p->index);
}

/* The end of the current statement: the clauses the rewrite owes it. */
static void stmt_end(rw *c)
{
	if (c->is_insert && c->conflict == 'I')
		sb_str(&c->out, " ON CONFLICT DO NOTHING");
	if (c->is_insert && c->conflict == 'R') {
		const char *pk = bzj_pg_primary_key(c->table, strlen(c->table));
		if (!pk || !c->cols[0]) {
			fail(c, "INSERT OR REPLACE INTO %s: %s", c->table,
			     pk ? "name the columns" : "its key is not known to the PostgreSQL schema");
			return;
		}
		sb_str(&c->out, " ON CONFLICT (");
		sb_str(&c->out, pk);
		sb_str(&c->out, ") DO UPDATE SET ");
		/* every listed column that is not part of the key */
		bool first = true;
		char *save = NULL, cols[sizeof c->cols];
		snprintf(cols, sizeof cols, "%s", c->cols);
		for (char *t = strtok_r(cols, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			while (isspace((unsigned char)*t))
				t++;
			size_t k = strlen(t);
			while (k && isspace((unsigned char)t[k - 1]))
				t[--k] = 0;
			bool inkey = false;
			const char *q = pk;
			while (*q) {
				size_t m = strcspn(q, ", ");
				if (m == k && !strncmp(q, t, k))
					inkey = true;
				q += m;
				while (*q == ',' || *q == ' ')
					q++;
			}
			if (inkey || !k)
				continue;
			if (!first)
				sb_str(&c->out, ", ");
			first = false;
			sb_str(&c->out, t);
			sb_str(&c->out, " = excluded.");
			sb_str(&c->out, t);
		}
		if (first) { /* only key columns: nothing to replace */
			c->out.n -= strlen(") DO UPDATE SET ");
			sb_str(&c->out, ") DO NOTHING");
		}
	}
	if (c->is_insert && !c->returning && !(c->opts & BZJ_PG_RW_SCRIPT)) {
		const char *id = bzj_pg_identity(c->table, strlen(c->table));
		if (id) {
			sb_str(&c->out, " RETURNING ");
			sb_str(&c->out, id);
			c->added = true;
		}
	}
	c->returning = false;
	c->depth = 0;
	c->conflict = 0;
	c->table[0] = 0;
	c->cols[0] = 0;
	c->is_insert = false;
}

/* INSERT at i (top level): OR <conflict> is consumed; INTO t noted.
 * Returns where to go on. */
static size_t on_insert(rw *c, size_t i, size_t e, size_t to)
{
	c->is_insert = true;
	sb_add(&c->out, c->s + i, e - i);
	size_t j = next_sig(c->s, e, to);
	if (word_is(c->s, j, to, "OR")) {
		size_t k = next_sig(c->s, tok_end(c->s, j, to), to);
		size_t ke = tok_end(c->s, k, to);
		if (word_is(c->s, k, to, "IGNORE"))
			c->conflict = 'I';
		else if (word_is(c->s, k, to, "REPLACE"))
			c->conflict = 'R';
		else if (word_is(c->s, k, to, "ROLLBACK") || word_is(c->s, k, to, "FAIL")) {
			fail(c, "INSERT OR %.*s has no PostgreSQL form", (int)(ke - k), c->s + k);
			return to;
		} else if (!word_is(c->s, k, to, "ABORT")) {
			c->is_insert = false; /* not a statement: "AFTER INSERT OR DELETE" */
			return e;
		}
		e = ke;
		j = next_sig(c->s, e, to);
	}
	if (word_is(c->s, j, to, "INTO")) {
		size_t t = next_sig(c->s, tok_end(c->s, j, to), to);
		size_t te = tok_end(c->s, t, to);
		size_t len = te - t;
		if (len < sizeof c->table) {
			memcpy(c->table, c->s + t, len);
			c->table[len] = 0;
		}
		size_t p = next_sig(c->s, te, to);
		if (c->conflict == 'R' && p < to && c->s[p] == '(') {
			size_t commas[1];
			int nc;
			size_t close = scan_call(c->s, p, to, commas, 0, &nc);
			if (close && close - p - 1 < sizeof c->cols) {
				memcpy(c->cols, c->s + p + 1, close - p - 1);
				c->cols[close - p - 1] = 0;
			}
		}
	}
	return e;
}

/* strftime's format in PostgreSQL's to_char terms; false if unknown. */
static bool to_char_format(const char *s, size_t n, char *out, size_t on)
{
	static const struct {
		char c;
		const char *pg;
	} map[] = {{'Y', "YYYY"}, {'m', "MM"}, {'d', "DD"}, {'H', "HH24"}, {'M', "MI"}, {'S', "SS"}};
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *add = NULL;
		char lit[2] = {s[i], 0};
		if (s[i] == '%' && i + 1 < n) {
			i++;
			for (size_t m = 0; m < sizeof map / sizeof map[0]; m++)
				if (map[m].c == s[i])
					add = map[m].pg;
			if (!add)
				return false;
		} else if (isalpha((unsigned char)s[i]) || s[i] == '\'' || s[i] == '"') {
			return false; /* would be read as a to_char pattern */
		} else
			add = lit;
		size_t a = strlen(add);
		if (k + a + 1 > on)
			return false;
		memcpy(out + k, add, a);
		k += a;
	}
	out[k] = 0;
	return true;
}

/* The argument [a, b) with surrounding blanks trimmed is 'unixepoch'. */
static bool is_unixepoch(const char *s, size_t a, size_t b)
{
	a = next_sig(s, a, b);
	while (b > a && isspace((unsigned char)s[b - 1]))
		b--;
	return b - a == 11 && !strncasecmp(s + a, "'unixepoch'", 11);
}

/* A function call at word [i, e) with '(' at p; true when rewritten (the
 * whole call is emitted and *next is past it). */
static bool on_call(rw *c, size_t i, size_t e, size_t p, size_t to, size_t *next)
{
	const char *s = c->s;
	size_t cm[4];
	int nc;
	size_t close = scan_call(s, p, to, cm, 4, &nc);
	if (!close)
		return false;
	size_t w = e - i;
#define IS(name) (w == sizeof name - 1 && !strncasecmp(s + i, name, w))
	const char *rename = NULL;
	if (IS("instr"))
		rename = "strpos";
	else if (IS("ifnull"))
		rename = "coalesce";
	else if (IS("char") && nc == 0)
		rename = "chr";
	else if (IS("max") && nc >= 1)
		rename = "greatest";
	else if (IS("min") && nc >= 1)
		rename = "least";
	if (rename) {
		sb_str(&c->out, rename);
		sb_str(&c->out, "(");
		rw_range(c, p + 1, close, false);
		sb_str(&c->out, ")");
		*next = close + 1;
		return true;
	}
	if (IS("group_concat") && nc <= 1) {
		sb_str(&c->out, "string_agg(CAST((");
		rw_range(c, p + 1, nc ? cm[0] : close, false);
		sb_str(&c->out, ") AS text),");
		if (nc)
			rw_range(c, cm[0] + 1, close, false);
		else
			sb_str(&c->out, " ','");
		sb_str(&c->out, ")");
		*next = close + 1;
		return true;
	}
	if (IS("total") && nc == 0) {
		sb_str(&c->out, "coalesce(sum(");
		rw_range(c, p + 1, close, false);
		sb_str(&c->out, "), 0)");
		*next = close + 1;
		return true;
	}
	if (IS("date") && nc == 1 && is_unixepoch(s, cm[0] + 1, close)) {
		sb_str(&c->out, "to_char(to_timestamp(");
		rw_range(c, p + 1, cm[0], false);
		sb_str(&c->out, ") AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
		*next = close + 1;
		return true;
	}
	if (IS("strftime") && nc == 2 && is_unixepoch(s, cm[1] + 1, close)) {
		size_t a = next_sig(s, p + 1, cm[0]);
		size_t b = cm[0];
		while (b > a && isspace((unsigned char)s[b - 1]))
			b--;
		char fmt[64];
		if (b - a >= 2 && s[a] == '\'' && s[b - 1] == '\'' &&
		    to_char_format(s + a + 1, b - a - 2, fmt, sizeof fmt)) {
			sb_str(&c->out, "to_char(to_timestamp(");
			rw_range(c, next_sig(s, cm[0] + 1, cm[1]), cm[1], false);
			sb_str(&c->out, ") AT TIME ZONE 'UTC', '");
			sb_str(&c->out, fmt);
			sb_str(&c->out, "')");
			*next = close + 1;
			return true;
		}
	}
#undef IS
	return false;
}

/* Drop the blanks just written (before a hint that is dropped). */
static void trim_out(rw *c)
{
	while (c->out.n && (c->out.p[c->out.n - 1] == ' ' || c->out.p[c->out.n - 1] == '\t'))
		c->out.p[--c->out.n] = 0;
}

static void rw_range(rw *c, size_t from, size_t to, bool top)
{
	const char *s = c->s;
	bool stmt_start = top;
	size_t i = from;
	while (i < to && !c->failed && !c->out.oom) {
		size_t e = tok_end(s, i, to);
		char ch = s[i];
		if (is_space_or_comment(s, i, to) || ch == '\'' || ch == '"' || ch == '`') {
			sb_add(&c->out, s + i, e - i);
			i = e;
			continue;
		}
		bool was_start = stmt_start;
		stmt_start = false;
		if (ch == '$') {
			if (e > i + 1 && isdigit((unsigned char)s[i + 1]))
				emit_param(c, atoi(s + i + 1));
			else
				sb_add(&c->out, s + i, e - i);
			i = e;
			continue;
		}
		if (ch == '?') {
			size_t j = i + 1;
			while (j < to && isdigit((unsigned char)s[j]))
				j++;
			if (j > i + 1) {
				long v = strtol(s + i + 1, NULL, 10);
				if (v < 1 || v > 32766) {
					fail(c, "parameter %.*s out of range", (int)(j - i), s + i);
					return;
				}
				emit_param(c, (int)v);
			} else
				emit_param(c, c->nvar + 1);
			i = j;
			continue;
		}
		if ((ch == ':' || ch == '@') && i + 1 < to &&
		    (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_') &&
		    !(i > 0 && s[i - 1] == ':')) {
			size_t j = i + 1;
			while (j < to && (isalnum((unsigned char)s[j]) || s[j] == '_'))
				j++;
			named_param(c, s + i, j - i);
			i = j;
			continue;
		}
		if (ch == ':' && i + 1 < to && s[i + 1] == ':') { /* a cast */
			sb_str(&c->out, "::");
			i += 2;
			continue;
		}
		if (ch == '=' && i + 1 < to && s[i + 1] == '=') {
			sb_str(&c->out, "=");
			i += 2;
			continue;
		}
		if (ch == '(') {
			c->depth++;
			sb_str(&c->out, "(");
			i = e;
			continue;
		}
		if (ch == ')') {
			c->depth--;
			sb_str(&c->out, ")");
			i = e;
			continue;
		}
		if (ch == ';' && top && c->depth == 0) {
			stmt_end(c);
			sb_str(&c->out, ";");
			stmt_start = true;
			i = e;
			continue;
		}
		if (!wordch(ch)) {
			sb_add(&c->out, s + i, e - i);
			i = e;
			continue;
		}
		/* a word */
		size_t nx = next_sig(s, e, to);
		if (top && word_is(s, i, to, "PRAGMA")) {
			fail(c, "PRAGMA has no PostgreSQL form (the driver's data_version and the "
				"meta table's schema version replace it)");
			return;
		}
		if (top && was_start && word_is(s, i, to, "BEGIN")) {
			const char *lvl = NULL;
			if (word_is(s, nx, to, "IMMEDIATE") || word_is(s, nx, to, "EXCLUSIVE"))
				lvl = "BEGIN ISOLATION LEVEL SERIALIZABLE";
			else if (word_is(s, nx, to, "DEFERRED"))
				lvl = "BEGIN ISOLATION LEVEL REPEATABLE READ";
			if (lvl) {
				sb_str(&c->out, lvl);
				i = tok_end(s, nx, to);
				size_t t = next_sig(s, i, to);
				if (word_is(s, t, to, "TRANSACTION"))
					i = tok_end(s, t, to);
				continue;
			}
		}
		if (top && c->depth == 0 && word_is(s, i, to, "INSERT") &&
		    (was_start || (c->out.n && c->out.p[c->out.n - 1 - (c->out.p[c->out.n - 1] == ' ')] == ')'))) {
			i = on_insert(c, i, e, to);
			continue;
		}
		if (top && c->depth == 0 && word_is(s, i, to, "RETURNING"))
			c->returning = true;
		if (word_is(s, i, to, "IS")) {
			size_t k = nx;
			bool neg = word_is(s, k, to, "NOT");
			if (neg)
				k = next_sig(s, tok_end(s, k, to), to);
			if (!word_is(s, k, to, "NULL") && !word_is(s, k, to, "TRUE") &&
			    !word_is(s, k, to, "FALSE") && !word_is(s, k, to, "DISTINCT") &&
			    !word_is(s, k, to, "UNKNOWN") && !(neg ? false : word_is(s, k, to, "NOT"))) {
				sb_str(&c->out, neg ? "IS DISTINCT FROM " : "IS NOT DISTINCT FROM ");
				i = k;
				continue;
			}
		}
		if (word_is(s, i, to, "INDEXED") && word_is(s, nx, to, "BY")) {
			size_t nm = next_sig(s, tok_end(s, nx, to), to);
			trim_out(c);
			i = tok_end(s, nm, to);
			continue;
		}
		if (word_is(s, i, to, "WITHOUT") && word_is(s, nx, to, "ROWID")) {
			trim_out(c); /* a table option: every PostgreSQL table is a heap */
			i = tok_end(s, nx, to);
			continue;
		}
		if (word_is(s, i, to, "NOT") && word_is(s, nx, to, "INDEXED")) {
			trim_out(c);
			i = tok_end(s, nx, to);
			continue;
		}
		if (word_is(s, i, to, "LIMIT") && nx < to && s[nx] == '-') {
			size_t one = next_sig(s, nx + 1, to);
			if (one < to && s[one] == '1' && tok_end(s, one, to) == one + 1) {
				sb_str(&c->out, "LIMIT ALL");
				i = one + 1;
				continue;
			}
		}
		if (nx < to && s[nx] == '(' && on_call(c, i, e, nx, to, &i))
			continue;
		if (word_is(s, i, to, "user") && !(nx < to && s[nx] == '(')) {
			sb_str(&c->out, "\"user\"");
			i = e;
			continue;
		}
		if (word_is(s, i, to, "temp") && e < to && s[e] == '.') {
			sb_str(&c->out, "pg_temp");
			i = e;
			continue;
		}
		if (word_is(s, i, to, "INTEGER")) {
			sb_str(&c->out, "bigint");
			i = e;
			continue;
		}
		if (word_is(s, i, to, "REAL")) {
			sb_str(&c->out, "double precision");
			i = e;
			continue;
		}
		if (word_is(s, i, to, "BLOB")) {
			sb_str(&c->out, "bytea");
			i = e;
			continue;
		}
		sb_add(&c->out, s + i, e - i);
		i = e;
	}
	if (top && !c->failed && (c->is_insert || c->conflict))
		stmt_end(c);
}

int bzj_pg_rewrite(const char *sql, int opts, bzj_pg_sql *out, char *err, size_t errn)
{
	memset(out, 0, sizeof *out);
	char dummy[8];
	rw c = {.s = sql, .n = strlen(sql), .opts = opts, .err = err ? err : dummy,
		.errn = err ? errn : sizeof dummy};
	if (c.errn)
		c.err[0] = 0;
	rw_range(&c, 0, c.n, true);
	if (!c.failed && c.out.oom)
		fail(&c, "out of memory");
	if (!c.failed && !c.out.p)
		sb_str(&c.out, "");
	if (c.failed || c.out.oom) {
		free(c.out.p);
		free(c.named);
		return -1;
	}
	out->text = c.out.p;
	out->nparams = c.nvar;
	uint64_t all = c.nvar >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << c.nvar) - 1;
	out->skipped = all & ~c.used;
	out->named = c.named;
	out->nnamed = c.nnamed;
	out->returning_added = c.added;
	return 0;
}

void bzj_pg_sql_free(bzj_pg_sql *s)
{
	if (!s)
		return;
	free(s->text);
	free(s->named);
	memset(s, 0, sizeof *s);
}

int bzj_pg_param_index(const bzj_pg_sql *s, const char *name)
{
	for (int i = 0; i < s->nnamed; i++)
		if (!strcmp(s->named[i].name, name))
			return s->named[i].index;
	return 0;
}
