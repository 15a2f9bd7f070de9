/* targets.c - fuzz targets for every parser of untrusted text.
 *
 * Each target takes arbitrary bytes, runs a parser on them and checks the
 * parser's promises (round trips, error codes, messages safe for a
 * terminal, all-or-nothing imports).  A broken promise aborts; otherwise a
 * target returns 0.  Included by the libFuzzer drivers (fuzz_*.c) and by
 * tests/unit/test_fuzz_replay.c, which replays the corpus under cmocka. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bzj/calendar.h"
#include "bzj/config.h"
#include "bzj/csv.h"
#include "bzj/date.h"
#include "bzj/err.h"
#include "bzj/money.h"
#include "bzj/rules.h"

extern const unsigned char bzj_data_holidays[];
extern const size_t bzj_data_holidays_len;

int bzj_fuzz_money(const uint8_t *d, size_t n);
int bzj_fuzz_date(const uint8_t *d, size_t n);
int bzj_fuzz_csv(const uint8_t *d, size_t n);
int bzj_fuzz_config(const uint8_t *d, size_t n);
int bzj_fuzz_calendar(const uint8_t *d, size_t n);

/* A broken invariant: say which and abort, so the fuzzer keeps the input. */
#define FUZZ_CHECK(cond)                                                                    \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                     \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* The input as a C string (parsers see up to the first NUL). */
static char *fuzz_cstr(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	if (n)
		memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* Messages reach terminals: valid UTF-8 and no control characters. */
static void fuzz_check_err(const bzj_err *e, int rc)
{
	size_t i, len = strlen(e->msg);

	FUZZ_CHECK(e->rc == rc);
	FUZZ_CHECK(e->code[0] != '\0');
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(bzj_utf8_valid(e->msg, len));
	for (i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)e->msg[i] >= 0x20 && e->msg[i] != 0x7f);
}

int bzj_fuzz_money(const uint8_t *d, size_t n)
{
	char *s = fuzz_cstr(d, n);
	char plain[32], fmt[32];
	int64_t fen = -1, again = -1, raw = 0;
	bzj_err e;
	int rc;

	rc = bzj_money_parse(s, "amount", &fen, &e);
	if (rc == BZJ_OK) {
		FUZZ_CHECK(fen >= 0 && fen <= BZJ_MONEY_MAX_FEN);
		/* formatting then parsing the plain form gives the same fen */
		FUZZ_CHECK(bzj_money_parse(bzj_money_plain(fen, plain, sizeof plain), "amount",
					   &again, NULL) == BZJ_OK);
		FUZZ_CHECK(again == fen);
		bzj_money_fmt(fen, fmt, sizeof fmt);
		FUZZ_CHECK(strncmp(fmt, "\xc2\xa5", 2) == 0);
	} else {
		FUZZ_CHECK(rc == BZJ_EINPUT);
		FUZZ_CHECK(strcmp(e.code, "input.amount") == 0);
		FUZZ_CHECK(strstr(e.msg, "amount") != NULL);
		fuzz_check_err(&e, rc);
	}
	/* the first 8 bytes as any int64: formatting never fails */
	memcpy(&raw, d, n < sizeof raw ? n : sizeof raw);
	bzj_money_fmt(raw, fmt, sizeof fmt);
	bzj_money_plain(raw, plain, sizeof plain);
	FUZZ_CHECK(strlen(plain) < sizeof plain - 1);
	if (raw >= 0 && raw <= BZJ_MONEY_MAX_FEN) {
		FUZZ_CHECK(bzj_money_parse(plain, "amount", &again, NULL) == BZJ_OK);
		FUZZ_CHECK(again == raw);
	}
	free(s);
	return 0;
}

int bzj_fuzz_date(const uint8_t *d, size_t n)
{
	char *s = fuzz_cstr(d, n);
	char buf[32];
	bzj_date day;
	bzj_month m;
	int y, mo, dd, rc;
	bzj_err e;

	rc = bzj_date_parse(s, "date", &day, &e);
	if (rc == BZJ_OK) {
		/* strict parsing: the canonical form is the input */
		FUZZ_CHECK(strcmp(bzj_date_fmt(day, buf, sizeof buf), s) == 0);
		bzj_date_to_ymd(day, &y, &mo, &dd);
		FUZZ_CHECK(bzj_date_from_ymd(y, mo, dd) == day);
		FUZZ_CHECK(y >= 1900 && y <= 2999);
		FUZZ_CHECK(bzj_date_weekday(day) >= 1 && bzj_date_weekday(day) <= 7);
		FUZZ_CHECK(bzj_month_day(bzj_date_month(day), dd) == day);
		FUZZ_CHECK(bzj_floating_effective(bzj_date_month(day)) > day);
	} else {
		FUZZ_CHECK(strcmp(e.code, "input.date") == 0);
		fuzz_check_err(&e, BZJ_EINPUT);
	}
	rc = bzj_month_parse(s, "month", &m, &e);
	if (rc == BZJ_OK) {
		FUZZ_CHECK(strcmp(bzj_month_fmt(m, buf, sizeof buf), s) == 0);
	} else {
		FUZZ_CHECK(strcmp(e.code, "input.month") == 0);
		fuzz_check_err(&e, BZJ_EINPUT);
	}
	free(s);
	return 0;
}

struct fuzz_csv_state {
	long last_line;
	size_t records;
};

static int fuzz_csv_row(void *ctx, long line, char **fields, size_t nfields, bzj_err *e)
{
	struct fuzz_csv_state *st = ctx;
	size_t i, len;

	(void)e;
	FUZZ_CHECK(line >= 1 && line > st->last_line);
	FUZZ_CHECK(nfields >= 1 && nfields <= BZJ_CSV_MAX_FIELDS);
	for (i = 0; i < nfields; i++) {
		len = strlen(fields[i]);
		FUZZ_CHECK(len <= BZJ_CSV_MAX_FIELD);
		FUZZ_CHECK(bzj_utf8_valid(fields[i], len));
	}
	st->last_line = line;
	st->records++;
	return 0;
}

int bzj_fuzz_csv(const uint8_t *d, size_t n)
{
	struct fuzz_csv_state st = { 0, 0 };
	bzj_err e;
	int rc;

	rc = bzj_csv_parse((const char *)d, n, fuzz_csv_row, &st, &e);
	if (rc != BZJ_OK) {
		FUZZ_CHECK(strcmp(e.code, "import.format") == 0 ||
			   strcmp(e.code, "import.encoding") == 0 ||
			   strcmp(e.code, "import.memory") == 0);
		fuzz_check_err(&e, rc);
		FUZZ_CHECK(strncmp(e.msg, "line ", 5) == 0 || rc == BZJ_EIO);
	}
	/* records start on distinct lines, so there are no more than lines */
	FUZZ_CHECK(st.records <= n);
	return 0;
}

/* libconfig follows @include to any file: not for fuzzed input. */
static bool fuzz_has_include(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, '@')) != NULL; p++)
		if (strncasecmp(p + 1, "include", 7) == 0)
			return true;
	return false;
}

int bzj_fuzz_config(const uint8_t *d, size_t n)
{
	char *s = fuzz_cstr(d, n);
	bzj_config c;
	bzj_err e;
	size_t i, j;
	int rc, r;

	if (fuzz_has_include(s)) {
		free(s);
		return 0;
	}
	rc = bzj_config_parse(&c, s, &e);
	if (rc == BZJ_OK) {
		FUZZ_CHECK(c.monthly_limit >= 0);
		FUZZ_CHECK(c.second_approval_fen >= 0 &&
			   c.second_approval_fen <= BZJ_MONEY_MAX_FEN);
		for (r = 0; r < BZJ_ROLE_COUNT; r++)
			for (j = 0; j < c.roles[r].n; j++)
				FUZZ_CHECK(c.roles[r].v[j] && c.roles[r].v[j][0]);
		for (i = 0; i < c.nkeys; i++)
			FUZZ_CHECK(c.keys[i].action && c.keys[i].keys);
	} else {
		FUZZ_CHECK(strcmp(e.code, "config.syntax") == 0 ||
			   strcmp(e.code, "config.value") == 0 ||
			   strcmp(e.code, "config.memory") == 0);
		/* a refused config leaves the safe defaults */
		FUZZ_CHECK(!c.identity_env && c.monthly_limit == 3);
		FUZZ_CHECK(c.roles[BZJ_ROLE_SUPERVISOR].n == 1);
		fuzz_check_err(&e, rc);
	}
	bzj_config_free(&c);
	free(s);
	return 0;
}

static int fuzz_cal_row(void *ctx, bzj_date d, int kind, const char *en, const char *zh,
			bzj_err *e)
{
	size_t *rows = ctx;

	(void)e;
	FUZZ_CHECK(kind == BZJ_CAL_HOLIDAY || kind == BZJ_CAL_WORKDAY);
	FUZZ_CHECK(bzj_date_year(d) >= BZJ_CAL_MIN_YEAR && bzj_date_year(d) <= BZJ_CAL_MAX_YEAR);
	FUZZ_CHECK(bzj_utf8_valid(en, strlen(en)) && bzj_utf8_valid(zh, strlen(zh)));
	(*rows)++;
	return 0;
}

/* Every day and year of a and b agree. */
static bool fuzz_cal_same(const bzj_cal *a, const bzj_cal *b)
{
	bzj_date day, end = bzj_date_from_ymd(BZJ_CAL_MAX_YEAR + 1, 1, 1);
	int y;

	for (y = BZJ_CAL_MIN_YEAR; y <= BZJ_CAL_MAX_YEAR; y++)
		if (bzj_cal_has_year(a, y) != bzj_cal_has_year(b, y))
			return false;
	for (day = 0; day < end; day++)
		if (bzj_cal_kind(a, day) != bzj_cal_kind(b, day))
			return false;
	return true;
}

/* After a good import: business-day answers are consistent. */
static void fuzz_cal_walk(const bzj_cal *c, const uint8_t *d, size_t n)
{
	bzj_date from = bzj_date_from_ymd(2026, 1, 1), to;
	bool business;
	size_t i;
	int k;

	for (i = 0; i < n && i < 8; i++) {
		k = d[i] % 20 + 1;
		from += d[i];
		if (bzj_cal_add_business(c, from, k, &to, NULL) != BZJ_OK)
			continue;
		FUZZ_CHECK(to > from);
		FUZZ_CHECK(bzj_cal_is_business(c, to, &business, NULL) == BZJ_OK && business);
	}
}

int bzj_fuzz_calendar(const uint8_t *d, size_t n)
{
	static bzj_cal *shipped;
	bzj_cal *fresh, *c;
	size_t rows = 0;
	bzj_err e;
	int rc;

	if (!shipped) {
		shipped = bzj_cal_new();
		FUZZ_CHECK(shipped && bzj_cal_parse_tsv(shipped, (const char *)bzj_data_holidays,
							bzj_data_holidays_len, NULL, NULL,
							NULL) == BZJ_OK);
	}
	/* Into an empty calendar. */
	fresh = bzj_cal_new();
	FUZZ_CHECK(fresh);
	rc = bzj_cal_parse_tsv(fresh, (const char *)d, n, fuzz_cal_row, &rows, &e);
	if (rc == BZJ_OK) {
		fuzz_cal_walk(fresh, d, n);
	} else {
		FUZZ_CHECK(strcmp(e.code, "calendar.format") == 0 ||
			   strcmp(e.code, "calendar.conflict") == 0 ||
			   strcmp(e.code, "calendar.memory") == 0);
		fuzz_check_err(&e, rc);
		for (int y = BZJ_CAL_MIN_YEAR; y <= BZJ_CAL_MAX_YEAR; y++)
			FUZZ_CHECK(!bzj_cal_has_year(fresh, y));
	}
	bzj_cal_free(fresh);
	/* On top of the shipped data: a refused import changes nothing. */
	c = bzj_cal_new();
	FUZZ_CHECK(c);
	FUZZ_CHECK(bzj_cal_parse_tsv(c, (const char *)bzj_data_holidays, bzj_data_holidays_len,
				     NULL, NULL, NULL) == BZJ_OK);
	if (bzj_cal_parse_tsv(c, (const char *)d, n, NULL, NULL, &e) != BZJ_OK)
		FUZZ_CHECK(fuzz_cal_same(c, shipped));
	else
		fuzz_cal_walk(c, d, n);
	bzj_cal_free(c);
	return 0;
}

/* ---- text output, JSON and the service layer (issue 10) -------------------- */
#include "bzj/audit.h"
#include "bzj/check.h"
#include "bzj/ctx.h"
#include "bzj/json.h"
#include "bzj/ledger.h"
#include "bzj/shop.h"
#include "bzj/text.h"
#include "bzj/violation.h"

int bzj_fuzz_escape(const uint8_t *d, size_t n);
int bzj_fuzz_json(const uint8_t *d, size_t n);
int bzj_fuzz_service(const uint8_t *d, size_t n);

/* Text a terminal may see: valid UTF-8, nothing bzj_text_unsafe but the
 * characters in `keep`. */
static void fuzz_check_shown(const char *s, size_t n, const char *keep)
{
	size_t i = 0;
	while (i < n) {
		uint32_t c;
		size_t k = bzj_utf8_decode((const unsigned char *)s + i, n - i, &c);
		FUZZ_CHECK(k > 0);
		FUZZ_CHECK(!bzj_text_unsafe(c) || (keep && c && c < 0x80 && strchr(keep, (int)c)));
		i += k;
	}
}

typedef struct fuzz_buf {
	char *p;
	size_t n, cap;
} fuzz_buf;

static void fuzz_put(void *ctx, const char *p, size_t n)
{
	fuzz_buf *b = ctx;
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
}

int bzj_fuzz_escape(const uint8_t *d, size_t n)
{
	fuzz_buf b = {NULL, 0, 0};
	char small[17], msg[64];
	char *s = fuzz_cstr(d, n);

	/* every byte in, the escaped form out: safe, and never shorter */
	bzj_text_escape((const char *)d, n, "\n", fuzz_put, &b);
	fuzz_check_shown(b.p ? b.p : "", b.n, "\n");
	FUZZ_CHECK(b.n >= n);
	/* safe input passes unchanged */
	bool safe = bzj_utf8_valid((const char *)d, n);
	for (size_t i = 0; safe && i < n;) {
		uint32_t c;
		size_t k = bzj_utf8_decode(d + i, n - i, &c);
		safe = k && (!bzj_text_unsafe(c) || c == '\n');
		i += k ? k : 1;
	}
	if (safe)
		FUZZ_CHECK(b.n == n && (n == 0 || memcmp(b.p, d, n) == 0));
	/* into small buffers: terminated, whole characters, still safe */
	bzj_text_safe(s, small, sizeof small);
	FUZZ_CHECK(strlen(small) < sizeof small);
	fuzz_check_shown(small, strlen(small), NULL);
	bzj_err_quote(s, msg, sizeof msg);
	fuzz_check_shown(msg, strlen(msg), NULL);
	free(b.p);
	free(s);
	return 0;
}

/* Read one JSON string at *p (after its opening quote) into out, decoding
 * the escapes the writer uses; returns false on anything else. */
static bool fuzz_json_unquote(const char **p, fuzz_buf *out)
{
	const char *s = *p;
	for (; *s && *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return false;
		if (*s != '\\') {
			fuzz_put(out, s, 1);
			continue;
		}
		s++;
		char c;
		unsigned long u = 0;
		switch (*s) {
		case '"': case '\\': case '/': c = *s; fuzz_put(out, &c, 1); break;
		case 'n': fuzz_put(out, "\n", 1); break;
		case 't': fuzz_put(out, "\t", 1); break;
		case 'r': fuzz_put(out, "\r", 1); break;
		case 'u':
			for (int i = 1; i <= 4; i++) {
				char h = s[i];
				int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
				if (v < 0)
					return false;
				u = u * 16 + (unsigned long)v;
			}
			s += 4;
			if (u >= 0xd800 && u <= 0xdbff) {
				unsigned long lo = 0;
				if (s[1] != '\\' || s[2] != 'u')
					return false;
				for (int i = 3; i <= 6; i++) {
					char h = s[i];
					int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
					if (v < 0)
						return false;
					lo = lo * 16 + (unsigned long)v;
				}
				if (lo < 0xdc00 || lo > 0xdfff)
					return false;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			}
			{
				char enc[4];
				size_t k;
				if (u < 0x80) {
					enc[0] = (char)u;
					k = 1;
				} else if (u < 0x800) {
					enc[0] = (char)(0xc0 | u >> 6);
					enc[1] = (char)(0x80 | (u & 0x3f));
					k = 2;
				} else if (u < 0x10000) {
					enc[0] = (char)(0xe0 | u >> 12);
					enc[1] = (char)(0x80 | ((u >> 6) & 0x3f));
					enc[2] = (char)(0x80 | (u & 0x3f));
					k = 3;
				} else {
					enc[0] = (char)(0xf0 | u >> 18);
					enc[1] = (char)(0x80 | ((u >> 12) & 0x3f));
					enc[2] = (char)(0x80 | ((u >> 6) & 0x3f));
					enc[3] = (char)(0x80 | (u & 0x3f));
					k = 4;
				}
				fuzz_put(out, enc, k);
			}
			break;
		default: return false;
		}
	}
	if (*s != '"')
		return false;
	*p = s + 1;
	return true;
}

int bzj_fuzz_json(const uint8_t *d, size_t n)
{
	char *s = fuzz_cstr(d, n);
	bzj_json j;

	/* one string: the document is safe to print, and reads back as the
	 * input when the input is valid UTF-8 */
	bzj_json_init(&j);
	bzj_json_str(&j, NULL, s);
	const char *t = bzj_json_text(&j);
	fuzz_check_shown(t, strlen(t), NULL);
	FUZZ_CHECK(t[0] == '"');
	const char *p = t + 1;
	fuzz_buf back = {NULL, 0, 0};
	fuzz_put(&back, "", 0);
	FUZZ_CHECK(fuzz_json_unquote(&p, &back));
	FUZZ_CHECK(*p == 0);
	if (bzj_utf8_valid(s, strlen(s)))
		FUZZ_CHECK(strcmp(back.p, s) == 0);
	free(back.p);
	bzj_json_free(&j);
	/* a document built from the input's pieces: keys and values */
	bzj_json_init(&j);
	bzj_json_obj(&j, NULL);
	size_t len = strlen(s);
	char *save = NULL;
	int depth = 0;
	for (char *w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (w[0] == '[' && depth < 70) {
			bzj_json_arr(&j, w + 1);
			depth++;
		} else if (w[0] == '{' && depth < 70) {
			bzj_json_obj(&j, w + 1);
			depth++;
		} else if (w[0] == ']' && depth > 0) {
			bzj_json_arr_end(&j);
			depth--;
		} else {
			bzj_json_str(&j, w, w);
			bzj_json_int(&j, w, (int64_t)len * -7);
		}
	}
	t = bzj_json_text(&j);
	fuzz_check_shown(t, strlen(t), NULL);
	bzj_json_free(&j);
	free(s);
	return 0;
}

/* The service layer on a fresh database: the input's lines are a shop
 * name, an entity name, a top-up amount, its date, payer and ref, a raise,
 * a freeze and a violation note.  Whatever is accepted or refused, the
 * database keeps every invariant, the audit chain verifies, refusals carry
 * a code, and stored names show nothing unsafe. */
static int fuzz_problem(void *ctx, const char *code, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: %s\n", code, msg);
	return 0;
}

int bzj_fuzz_service(const uint8_t *d, size_t n)
{
	char *s = fuzz_cstr(d, n);
	const char *f[9] = {"", "", "", "", "", "", "", "", ""};
	int nf = 0;
	for (char *p = s, *q; nf < 9 && p; p = q) {
		q = strchr(p, '\n');
		if (q)
			*q++ = 0;
		f[nf++] = p;
	}
	static bzj_config cfg;
	static bool cfg_done;
	if (!cfg_done) {
		bzj_config_defaults(&cfg);
		cfg_done = true;
	}
	bzj_actor a = {.user = "sup1", .role = BZJ_ROLE_SUPERVISOR};
	bzj_ctx x;
	bzj_err e;
	if (bzj_ctx_open(&x, ":memory:", BZJ_OPEN_CREATE, &cfg, &a, &e) != BZJ_OK) {
		free(s);
		return 0; /* out of memory: nothing to learn */
	}
	bzj_date_parse("2026-01-10", "date", &x.today, NULL);
	bzj_shop_new sn = {.id = "F1", .name = f[0], .entity_name = f[1], .operator_name = "",
			   .entity = BZJ_ENTITY_COMPANY, .ncategories = 1};
	sn.categories[0] = "服饰内衣";
	bzj_date_parse("2026-01-02", "date", &sn.opened, NULL);
	int rc = bzj_shop_add(&x, &sn, &e);
	if (rc)
		FUZZ_CHECK(e.rc == rc && e.code[0]);
	bzj_topup_in tin = {.shop_id = "F1", .payer = f[4][0] ? f[4] : NULL, .ack_third_party = true,
			    .ref = f[5][0] ? f[5] : NULL, .date = BZJ_DATE_NONE};
	if (bzj_money_parse(f[2], "amount", &tin.amount_fen, &e) == BZJ_OK) {
		if (f[3][0])
			bzj_date_parse(f[3], "date", &tin.date, &e);
		int64_t id, bal;
		bool replayed;
		rc = bzj_topup(&x, &tin, &id, &bal, &replayed, &e);
		if (rc)
			FUZZ_CHECK(e.rc == rc && e.code[0]);
	}
	bzj_violation_in vin = {.shop_id = "F1", .cls = 1, .points = 1, .note = f[8],
				.date = BZJ_DATE_NONE};
	if (bzj_money_parse(f[6], "raise", &vin.raise_fen, &e) == BZJ_OK &&
	    (!f[7][0] || bzj_money_parse(f[7], "freeze", &vin.freeze_fen, &e) == BZJ_OK)) {
		int64_t vid;
		rc = bzj_violation_add(&x, &vin, &vid, &e);
		if (rc)
			FUZZ_CHECK(e.rc == rc && e.code[0]);
	}
	char shown[512];
	bzj_text_safe(e.msg, shown, sizeof shown);
	fuzz_check_shown(shown, strlen(shown), NULL);
	bzj_shop_view v;
	if (bzj_shop_view_get(&x, "F1", &v, &e) == BZJ_OK) {
		fuzz_check_shown(v.shop.name, strlen(v.shop.name), NULL);
		fuzz_check_shown(v.shop.entity_name, strlen(v.shop.entity_name), NULL);
	}
	bzj_check_result cr = {0};
	FUZZ_CHECK(bzj_check_all(&x, getenv("BZJ_FUZZ_DEBUG") ? fuzz_problem : NULL, NULL, &cr, &e) == BZJ_OK);
	FUZZ_CHECK(cr.problems == 0);
	bzj_audit_verify_result vr;
	FUZZ_CHECK(bzj_audit_verify(&x, &vr, &e) == BZJ_OK);
	FUZZ_CHECK(vr.ok);
	bzj_ctx_close(&x);
	free(s);
	return 0;
}
