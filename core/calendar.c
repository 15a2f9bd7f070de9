/* calendar.c - China's business-day calendar (calendar.h).
 *
 * One byte per day from 1970-01-01 (day 0) to 2199-12-31, plus a flag per
 * year saying whether the year's data is loaded.  Day numbers are indexes,
 * so a lookup is an array access. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/calendar.h"
#include "bzj/csv.h"
#include "bzj/i18n.h"

#define CAL_YEARS (BZJ_CAL_MAX_YEAR - BZJ_CAL_MIN_YEAR + 1)
/* Days from 1970-01-01 up to 2200-01-01: 230 years, 56 of them leap. */
#define CAL_DAYS 84006
#define CAL_NAME_MAX 200 /* bytes of a holiday name */

struct bzj_cal {
	unsigned char kind[CAL_DAYS]; /* enum bzj_cal_kind */
	bool loaded[CAL_YEARS];
};

/* One parsed TSV row; names point into the text (not NUL-terminated). */
struct cal_row {
	bzj_date date;
	int kind;
	long line;
	const char *en, *zh;
	size_t en_len, zh_len;
};

bzj_cal *bzj_cal_new(void)
{
	return calloc(1, sizeof(bzj_cal));
}

void bzj_cal_free(bzj_cal *c)
{
	free(c);
}

static bool year_in_range(int year)
{
	return year >= BZJ_CAL_MIN_YEAR && year <= BZJ_CAL_MAX_YEAR;
}

static bool day_in_range(bzj_date d)
{
	return d >= 0 && d < CAL_DAYS;
}

int bzj_cal_add_year(bzj_cal *c, int year, bzj_err *e)
{
	if (!year_in_range(year))
		return bzj_fail(e, BZJ_EINPUT, "calendar.range",
				_("year %d is outside the calendar's range %d..%d"), year,
				BZJ_CAL_MIN_YEAR, BZJ_CAL_MAX_YEAR);
	c->loaded[year - BZJ_CAL_MIN_YEAR] = true;
	return BZJ_OK;
}

bool bzj_cal_has_year(const bzj_cal *c, int year)
{
	return c && year_in_range(year) && c->loaded[year - BZJ_CAL_MIN_YEAR];
}

static const char *kind_word(int kind)
{
	return kind == BZJ_CAL_HOLIDAY ? "holiday" : kind == BZJ_CAL_WORKDAY ? "workday" : "normal";
}

int bzj_cal_set(bzj_cal *c, bzj_date d, int kind, bzj_err *e)
{
	char ds[16];

	if (!day_in_range(d))
		return bzj_fail(e, BZJ_EINPUT, "calendar.range",
				_("%s is outside the calendar's range %d..%d"),
				bzj_date_fmt(d, ds, sizeof ds), BZJ_CAL_MIN_YEAR, BZJ_CAL_MAX_YEAR);
	if (kind != BZJ_CAL_NORMAL && kind != BZJ_CAL_HOLIDAY && kind != BZJ_CAL_WORKDAY)
		return bzj_fail(e, BZJ_EINPUT, "calendar.format", _("unknown day kind %d"), kind);
	/* A day cannot be both off and worked; setting the same kind again is
	 * harmless (re-importing a file). */
	if (kind != BZJ_CAL_NORMAL && c->kind[d] != BZJ_CAL_NORMAL && c->kind[d] != kind)
		return bzj_fail(e, BZJ_EINPUT, "calendar.conflict",
				_("%s is listed both as a %s and as a %s"),
				bzj_date_fmt(d, ds, sizeof ds), kind_word(c->kind[d]),
				kind_word(kind));
	c->kind[d] = (unsigned char)kind;
	c->loaded[bzj_date_year(d) - BZJ_CAL_MIN_YEAR] = true;
	return BZJ_OK;
}

int bzj_cal_kind(const bzj_cal *c, bzj_date d)
{
	return c && day_in_range(d) ? c->kind[d] : BZJ_CAL_NORMAL;
}

int bzj_cal_is_business(const bzj_cal *c, bzj_date d, bool *out, bzj_err *e)
{
	int year = bzj_date_year(d);
	bool business;

	if (!bzj_cal_has_year(c, year) || !day_in_range(d))
		return bzj_fail(e, BZJ_ERULE, "calendar.missing_year",
				_("the business-day calendar has no data for %d; import it with "
				  "`bzj calendar import`"),
				year);
	switch (c->kind[d]) {
	case BZJ_CAL_HOLIDAY:
		business = false;
		break;
	case BZJ_CAL_WORKDAY:
		business = true;
		break;
	default:
		business = bzj_date_weekday(d) <= 5;
	}
	if (out)
		*out = business;
	return BZJ_OK;
}

int bzj_cal_add_business(const bzj_cal *c, bzj_date from, int n, bzj_date *out, bzj_err *e)
{
	bzj_date d = from;
	bool business;
	int rc;

	if (n < 1)
		return bzj_fail(e, BZJ_EINPUT, "input.number",
				_("business days: the count must be at least 1, not %d"), n);
	if (from == INT32_MAX) /* d + 1 would overflow; it is unloaded anyway */
		return bzj_cal_is_business(c, from, &business, e);
	/* Walk forward day by day; the walk ends at the first day of a year
	 * that is not loaded, so it is bounded by the calendar's size. */
	while (n > 0) {
		d++;
		rc = bzj_cal_is_business(c, d, &business, e);
		if (rc)
			return rc;
		if (business)
			n--;
	}
	if (out)
		*out = d;
	return BZJ_OK;
}

/* ---- TSV import ---------------------------------------------------- */

/* Parsing state: where we are and the rows found so far. */
struct tsv {
	bzj_cal *tmp; /* copy of the calendar the rows are applied to */
	struct cal_row *rows;
	size_t nrows, cap;
	bzj_err err; /* local: lets messages wrap inner ones */
};

static int tsv_add_row(struct tsv *t, const struct cal_row *r)
{
	struct cal_row *nr;
	size_t ncap;

	if (t->nrows == t->cap) {
		ncap = t->cap ? t->cap * 2 : 64;
		nr = realloc(t->rows, ncap * sizeof *nr);
		if (!nr)
			return bzj_fail(&t->err, BZJ_EIO, "calendar.memory", _("out of memory"));
		t->rows = nr;
		t->cap = ncap;
	}
	t->rows[t->nrows++] = *r;
	return BZJ_OK;
}

/* Names are shown in the console: no control characters. */
static int check_name(struct tsv *t, long line, const char *field, const char *s, size_t len)
{
	size_t i;

	if (len > CAL_NAME_MAX)
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: %s: longer than %d bytes"), line, field, CAL_NAME_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
					_("line %ld: %s: contains a control character"), line,
					field);
	return BZJ_OK;
}

static int parse_date_field(struct tsv *t, long line, const char *s, size_t len, bzj_date *out)
{
	char buf[16];
	int year;

	if (len >= sizeof buf) {
		memcpy(buf, s, sizeof buf - 1);
		buf[sizeof buf - 1] = '\0';
	} else {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	if (len >= sizeof buf || bzj_date_parse(buf, "date", out, &t->err))
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: date: not a date YYYY-MM-DD"), line);
	year = bzj_date_year(*out);
	if (!year_in_range(year))
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: date: year %d is outside the calendar's range %d..%d"),
				line, year, BZJ_CAL_MIN_YEAR, BZJ_CAL_MAX_YEAR);
	return BZJ_OK;
}

static int parse_kind_field(struct tsv *t, long line, const char *s, size_t len, int *out)
{
	if (len == 7 && memcmp(s, "holiday", 7) == 0)
		*out = BZJ_CAL_HOLIDAY;
	else if (len == 7 && memcmp(s, "workday", 7) == 0)
		*out = BZJ_CAL_WORKDAY;
	else
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: kind: must be holiday or workday"), line);
	return BZJ_OK;
}

/* Split a line into exactly 4 tab-separated fields. */
static int split_fields(struct tsv *t, long line, const char *s, size_t len,
			const char *f[4], size_t flen[4])
{
	size_t i, start = 0;
	int nf = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '\t')
			continue;
		if (nf == 4)
			return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
					_("line %ld: more than 4 tab-separated fields "
					  "(date, kind, name_en, name_zh)"),
					line);
		f[nf] = s + start;
		flen[nf++] = i - start;
		start = i + 1;
	}
	if (nf != 4)
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: expected 4 tab-separated fields (date, kind, name_en, "
				  "name_zh), found %d"),
				line, nf);
	return BZJ_OK;
}

static bool is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* One line (without its line ending): a comment, a blank or a row. */
static int tsv_line(struct tsv *t, long line, const char *s, size_t len)
{
	const char *f[4];
	size_t flen[4];
	struct cal_row r;
	char ds[16];
	int rc;

	if (memchr(s, '\0', len))
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: contains a NUL byte"), line);
	if (!bzj_utf8_valid(s, len))
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: not UTF-8 (save the file as UTF-8)"), line);
	if (is_blank(s, len) || s[0] == '#')
		return BZJ_OK;
	if ((rc = split_fields(t, line, s, len, f, flen)) ||
	    (rc = parse_date_field(t, line, f[0], flen[0], &r.date)) ||
	    (rc = parse_kind_field(t, line, f[1], flen[1], &r.kind)) ||
	    (rc = check_name(t, line, "name_en", f[2], flen[2])) ||
	    (rc = check_name(t, line, "name_zh", f[3], flen[3])))
		return rc;
	/* An adjusted workday (调休上班) is a weekend day by definition; a
	 * weekday listed as one is a typo in the date. */
	if (r.kind == BZJ_CAL_WORKDAY && bzj_date_weekday(r.date) <= 5)
		return bzj_fail(&t->err, BZJ_EINPUT, "calendar.format",
				_("line %ld: kind: %s is a weekday; only a Saturday or Sunday "
				  "can be an adjusted workday"),
				line, bzj_date_fmt(r.date, ds, sizeof ds));
	if ((rc = bzj_cal_set(t->tmp, r.date, r.kind, &t->err)))
		return bzj_fail(&t->err, rc, t->err.code, _("line %ld: %s"), line, t->err.msg);
	r.line = line;
	r.en = f[2];
	r.en_len = flen[2];
	r.zh = f[3];
	r.zh_len = flen[3];
	return tsv_add_row(t, &r);
}

static int tsv_lines(struct tsv *t, const char *text, size_t len)
{
	size_t pos = 0, end, l;
	long line = 0;
	int rc;

	/* A UTF-8 byte order mark (Windows editors) is skipped. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - text) : len;
		l = end - pos;
		if (l > 0 && text[pos + l - 1] == '\r')
			l--;
		line++;
		if ((rc = tsv_line(t, line, text + pos, l)))
			return rc;
		pos = end + 1;
	}
	return BZJ_OK;
}

/* Hand the rows to the caller's callback with NUL-terminated names. */
static int tsv_callbacks(struct tsv *t, bzj_cal_row_fn fn, void *ctx)
{
	char en[CAL_NAME_MAX + 1], zh[CAL_NAME_MAX + 1];
	size_t i;
	int rc;

	for (i = 0; i < t->nrows; i++) {
		const struct cal_row *r = &t->rows[i];

		memcpy(en, r->en, r->en_len);
		en[r->en_len] = '\0';
		memcpy(zh, r->zh, r->zh_len);
		zh[r->zh_len] = '\0';
		bzj_err_clear(&t->err);
		rc = fn(ctx, r->date, r->kind, en, zh, &t->err);
		if (rc) {
			if (t->err.rc == BZJ_OK)
				bzj_fail(&t->err, rc, "calendar.import",
					 _("line %ld: refused by the importer"), r->line);
			return rc;
		}
	}
	return BZJ_OK;
}

int bzj_cal_parse_tsv(bzj_cal *c, const char *text, size_t len, bzj_cal_row_fn row, void *ctx,
		      bzj_err *e)
{
	struct tsv t = { 0 };
	int rc;

	if (!c || (!text && len > 0))
		return bzj_fail(e, BZJ_EINPUT, "calendar.format", _("no calendar to read"));
	/* Everything goes into a copy first, so an error anywhere leaves the
	 * calendar exactly as it was. */
	t.tmp = malloc(sizeof *t.tmp);
	if (!t.tmp)
		return bzj_fail(e, BZJ_EIO, "calendar.memory", _("out of memory"));
	memcpy(t.tmp, c, sizeof *c);
	rc = text ? tsv_lines(&t, text, len) : BZJ_OK;
	if (rc == BZJ_OK && row)
		rc = tsv_callbacks(&t, row, ctx);
	if (rc == BZJ_OK)
		memcpy(c, t.tmp, sizeof *c);
	else if (e)
		*e = t.err;
	free(t.rows);
	free(t.tmp);
	return rc;
}
