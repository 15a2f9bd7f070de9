/* csv.c - RFC 4180 reader for imports (csv.h).
 *
 * Two passes: the first checks that every physical line is UTF-8, so a GBK
 * file is reported at its first bad line before any record is handed out;
 * the second is a small state machine that splits records into fields.
 * Line numbers count physical lines, so a quoted newline moves them on. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/csv.h"
#include "bzj/i18n.h"

int bzj_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	while (i < len) {
		/* ASCII, the bulk of most files, eight bytes at a time */
		uint64_t w;
		if (i + 8 <= len && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080u))) {
			i += 8;
			continue;
		}
		if (!(k = bzj_utf8_seq(p + i, len - i)))
			return 0;
		i += k;
	}
	return 1;
}

/* Pass 1: the first physical line that is not UTF-8, or 0.  A file is
 * valid UTF-8 exactly when each of its lines is (a newline byte is never
 * part of a longer sequence), so the whole file is checked at once and
 * only a bad one is gone through line by line. */
static long first_bad_line(const char *d, size_t len)
{
	size_t pos = 0, end;
	long line = 0;

	if (bzj_utf8_valid(d, len))
		return 0;
	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - d) : len;
		line++;
		if (!bzj_utf8_valid(d + pos, end - pos))
			return line;
		pos = end + 1;
	}
	return 0;
}

/* The first physical line longer than BZJ_CSV_MAX_LINE, or 0. */
static long first_long_line(const char *d, size_t len)
{
	size_t pos = 0;
	long line = 0;

	while (pos < len) {
		const char *nl = memchr(d + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - d) : len;

		line++;
		if (end - pos > BZJ_CSV_MAX_LINE)
			return line;
		pos = end + 1;
	}
	return 0;
}

/* The record being built: field bytes back to back, each NUL-terminated. */
struct rec {
	char *buf;
	size_t len, cap;
	size_t start[BZJ_CSV_MAX_FIELDS]; /* offset of each field in buf */
	size_t nfields;
	size_t field_len; /* bytes in the current field */
	long line;	  /* where the record starts */
	bool any;	  /* the record has at least one character */
};

/* Append n bytes to the current field. */
static int rec_append(struct rec *r, const char *src, size_t n, long line, bzj_err *e)
{
	char *nb;
	size_t ncap;

	if (r->field_len + n > BZJ_CSV_MAX_FIELD)
		return bzj_fail(e, BZJ_EINPUT, "import.format",
				_("line %ld: a field is longer than %d bytes"), line,
				BZJ_CSV_MAX_FIELD);
	if (r->len + n >= r->cap) {
		ncap = r->cap ? r->cap : 256;
		while (r->len + n >= ncap)
			ncap *= 2;
		nb = realloc(r->buf, ncap);
		if (!nb)
			return bzj_fail(e, BZJ_EIO, "import.memory", _("out of memory"));
		r->buf = nb;
		r->cap = ncap;
	}
	memcpy(r->buf + r->len, src, n);
	r->len += n;
	r->field_len += n;
	return BZJ_OK;
}

static int rec_put(struct rec *r, char ch, long line, bzj_err *e)
{
	return rec_append(r, &ch, 1, line, e);
}

/* Close the current field; the next one starts after its NUL. */
static int rec_end_field(struct rec *r, long line, bzj_err *e)
{
	int rc;

	if (r->nfields == BZJ_CSV_MAX_FIELDS)
		return bzj_fail(e, BZJ_EINPUT, "import.format",
				_("line %ld: more than %d fields"), line, BZJ_CSV_MAX_FIELDS);
	r->start[r->nfields++] = r->len - r->field_len;
	r->field_len = 0; /* the NUL below is not part of any field */
	if ((rc = rec_put(r, '\0', line, e)))
		return rc;
	r->field_len = 0;
	return BZJ_OK;
}

/* Close the record and hand it to the callback; blank lines are skipped. */
static int rec_emit(struct rec *r, long line, bzj_csv_row_fn fn, void *ctx, bzj_err *e)
{
	char *fields[BZJ_CSV_MAX_FIELDS];
	size_t i;
	int rc = BZJ_OK;

	if (r->any) {
		if ((rc = rec_end_field(r, line, e)))
			return rc;
		for (i = 0; i < r->nfields; i++)
			fields[i] = r->buf + r->start[i];
		rc = fn ? fn(ctx, r->line, fields, r->nfields, e) : BZJ_OK;
	}
	r->len = 0;
	r->nfields = 0;
	r->field_len = 0;
	r->any = false;
	return rc;
}

enum csv_state {
	FIELD_START, /* at the start of a field */
	UNQUOTED,    /* inside a field without quotes */
	QUOTED,	     /* inside a quoted field */
	QUOTE_IN_QUOTED, /* saw '"' inside a quoted field: end or escape */
};

struct csv {
	const char *d;
	size_t len, i;
	long line;	  /* current physical line */
	long quote_line;  /* where the open quoted field started */
	enum csv_state st;
	struct rec r;
};

/* A line ending at d[i]: "\n" or "\r\n".  Returns its length, 0 if none,
 * -1 for a lone CR. */
static int eol_len(const struct csv *p)
{
	if (p->d[p->i] == '\n')
		return 1;
	if (p->d[p->i] != '\r')
		return 0;
	if (p->i + 1 < p->len && p->d[p->i + 1] == '\n')
		return 2;
	return p->i + 1 == p->len ? 1 : -1;
}

static int csv_format(const struct csv *p, bzj_err *e, const char *what)
{
	return bzj_fail(e, BZJ_EINPUT, "import.format", _("line %ld: %s"), p->line, what);
}

/* A byte that needs no decision outside quotes. */
static bool plain_byte(char c)
{
	return c != ',' && c != '"' && c != '\n' && c != '\r' && c != '\0';
}

/* One step of the state machine outside quotes (FIELD_START, UNQUOTED, or
 * just after a closing quote). */
static int csv_step_plain(struct csv *p, bzj_csv_row_fn fn, void *ctx, bzj_err *e)
{
	char ch = p->d[p->i];
	int n = eol_len(p), rc;

	if (n < 0)
		return csv_format(p, e, _("a carriage return without a line feed"));
	if (n > 0) {
		p->i += (size_t)n;
		p->st = FIELD_START;
		rc = rec_emit(&p->r, p->line, fn, ctx, e);
		p->line++;
		return rc;
	}
	p->i++;
	p->r.any = true;
	if (ch == ',') {
		p->st = FIELD_START;
		return rec_end_field(&p->r, p->line, e);
	}
	if (p->st == QUOTE_IN_QUOTED)
		return csv_format(p, e, _("text after a closing quote (double a quote inside "
					  "a quoted field: \"\")"));
	if (ch == '"') {
		if (p->st == UNQUOTED)
			return csv_format(p, e, _("a quote inside an unquoted field (quote the "
						  "whole field and double the quote: \"\")"));
		p->st = QUOTED;
		p->quote_line = p->line;
		return BZJ_OK;
	}
	/* A run of ordinary bytes goes in at once. */
	size_t run = 1;
	while (p->i - 1 + run < p->len && plain_byte(p->d[p->i - 1 + run]))
		run++;
	p->st = UNQUOTED;
	p->i += run - 1;
	return rec_append(&p->r, p->d + p->i - run, run, p->line, e);
}

static int csv_step_quoted(struct csv *p, bzj_err *e)
{
	char ch = p->d[p->i++];

	if (ch == '"') {
		p->st = QUOTE_IN_QUOTED;
		return BZJ_OK;
	}
	if (ch == '\n')
		p->line++;
	return rec_put(&p->r, ch, p->line, e);
}

static int csv_run(struct csv *p, bzj_csv_row_fn fn, void *ctx, bzj_err *e)
{
	int rc;

	while (p->i < p->len) {
		if (p->d[p->i] == '\0')
			return csv_format(p, e, _("contains a NUL byte (is this a text file?)"));
		if (p->st == FIELD_START && !p->r.any)
			p->r.line = p->line;
		if (p->st == QUOTE_IN_QUOTED && p->d[p->i] == '"') {
			/* "" inside a quoted field is one quote */
			p->i++;
			p->st = QUOTED;
			rc = rec_put(&p->r, '"', p->line, e);
		} else if (p->st == QUOTED) {
			rc = csv_step_quoted(p, e);
		} else {
			rc = csv_step_plain(p, fn, ctx, e);
		}
		if (rc)
			return rc;
	}
	if (p->st == QUOTED)
		return bzj_fail(e, BZJ_EINPUT, "import.format",
				_("line %ld: a quoted field is never closed (missing closing "
				  "quote)"),
				p->quote_line);
	/* The last record may lack its line ending. */
	return rec_emit(&p->r, p->line, fn, ctx, e);
}

int bzj_csv_parse(const char *data, size_t len, bzj_csv_row_fn fn, void *ctx, bzj_err *e)
{
	long line;
	return bzj_csv_parse_at(data, len, fn, ctx, &line, e);
}

int bzj_csv_parse_at(const char *data, size_t len, bzj_csv_row_fn fn, void *ctx, long *err_line,
		     bzj_err *e)
{
	struct csv p = { 0 };
	long bad;
	int rc;

	*err_line = 0;
	if (!data && len > 0)
		return bzj_fail(e, BZJ_EINPUT, "import.format", _("no data"));
	/* A UTF-8 byte order mark (Excel's "CSV UTF-8") is skipped. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if ((bad = first_bad_line(data, len))) {
		*err_line = bad;
		return bzj_fail(e, BZJ_EINPUT, "import.encoding",
				_("line %ld: not UTF-8 (is the file GBK? save it as UTF-8)"), bad);
	}
	if ((bad = first_long_line(data, len))) {
		*err_line = bad;
		return bzj_fail(e, BZJ_EINPUT, "import.format",
				_("line %ld is longer than %d bytes, the limit for one line (is "
				  "this a CSV file?)"),
				bad, BZJ_CSV_MAX_LINE);
	}
	p.d = data;
	p.len = len;
	p.line = 1;
	p.st = FIELD_START;
	rc = csv_run(&p, fn, ctx, e);
	if (rc)
		*err_line = p.st == QUOTED && p.i >= p.len ? p.quote_line : p.line;
	free(p.r.buf);
	return rc;
}
