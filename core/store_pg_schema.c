/* store_pg_schema.c - the PostgreSQL baseline schema and what the driver
 * and the rewriter need to know of it (issue 16, docs/store-seam.md).
 *
 * The tables, guards and triggers are core/store_pg_schema.sql (embedded
 * into build/gen/pg_schema.c).  The rules functions are appended here,
 * built from the C rules the binary is linked with:
 *  - bzj_floating(gmv): the tiers are read off bzj_floating_for_gmv
 *    (core/rules.c) by bisection over int64, so a changed tier or a new
 *    one reaches the SQL with no second definition;
 *  - bzj_required(base, floating, raises): max(base, floating) + raises,
 *    bzj_position_compute's formula; a formula, not a table, so it is
 *    written once more here and tests/pg/driver.c compares both on the
 *    boundary values (the same arrangement as tests/unit/test_required.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/rules.h"
#include "store_pg.h"

/* The SQLite schema version this baseline equals (core/store.c's
 * migrations[] up to and including schema_v17). */
#define PG_BASELINE BZJ_PG_BASELINE

extern const unsigned char bzj_data_pg_schema[];
extern const size_t bzj_data_pg_schema_len;

const char *const bzj_pg_append_only[] = {"ledger",	 "provider_ledger", "audit",
					  "shop_change", "import_file",	    "payout_return",
					  "settings",	 NULL};

static const struct {
	const char *table, *identity, *key;
} tables[] = {
	{"meta", NULL, "key"},
	{"calendar_year", NULL, "year"},
	{"calendar_day", NULL, "day"},
	{"standard", NULL, "category, effective"},
	{"shop", "rowid", "id"},
	{"shop_category", NULL, "shop_id, category"},
	{"payee", "id", "id"},
	{"ledger", "id", "id"},
	{"violation", "id", "id"},
	{"receipt", "id", "id"},
	{"restriction_event", "id", "id"},
	{"audit", "seq", "seq"},
	{"effective_date", NULL, "day"},
	{"shop_gram", NULL, "gram, shop_id"},
	{"shop_change", "id", "id"},
	{"newbie", NULL, "shop_id"},
	{"newbie_event", "id", "id"},
	{"newbie_run", NULL, "day"},
	{"score", NULL, "day, shop_id"},
	{"risk", "id", "id"},
	{"provider", NULL, "id"},
	{"provider_ledger", "id", "id"},
	{"provider_payee", "id", "id"},
	{"provider_binding", "id", "id"},
	{"shop_orders", NULL, "shop_id, day, job"},
	{"provider_complaint", "id", "id"},
	{"assessment", "id", "id"},
	{"assessment_result", NULL, "assessment_id, provider_id"},
	{"seal", NULL, "tbl, rid"},
	{"import_file", "id", "id"},
	{"payout_batch", "id", "id"},
	{"payout_return", "id", "id"},
	{"refund", "id", "id"},
	{"settings", "seq", "seq"},
	{"bulk_job", "id", "id"},
	{"floating", NULL, "shop_id, month, job"},
	{"gmv", NULL, "month, shop_id, job"},
	{"import_run", "id", "id"},
};

static int find(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (strlen(tables[i].table) == n && !strncmp(tables[i].table, t, n))
			return (int)i;
	return -1;
}

const char *bzj_pg_identity(const char *table, size_t n)
{
	int i = find(table, n);
	return i < 0 ? NULL : tables[i].identity;
}

const char *bzj_pg_primary_key(const char *table, size_t n)
{
	int i = find(table, n);
	return i < 0 ? NULL : tables[i].key;
}

int bzj_pg_floating_sql(char *buf, size_t n)
{
	size_t k = 0;
	int w;
#define ADD(...)                                                                                   \
	do {                                                                                       \
		w = snprintf(buf + k, n > k ? n - k : 0, __VA_ARGS__);                             \
		if (w < 0 || (size_t)w >= n - k)                                                   \
			return -1;                                                                 \
		k += (size_t)w;                                                                    \
	} while (0)
	int64_t v = bzj_floating_for_gmv(0);
	/* below zero (never stored: gmv_fen >= 0) it must be the first tier */
	if (bzj_floating_for_gmv(-1) != v || bzj_floating_for_gmv(INT64_MIN) != v)
		return -1;
	ADD("CREATE FUNCTION bzj_floating(gmv bigint) RETURNS bigint LANGUAGE sql IMMUTABLE"
	    " PARALLEL SAFE AS $$ SELECT CASE");
	int64_t x = 0;
	for (int tier = 0; tier < 64; tier++) {
		if (bzj_floating_for_gmv(INT64_MAX) == v) {
			ADD(" ELSE %lld END $$;\n", (long long)v);
			return (int)k;
		}
		/* the last gmv of this tier: f(lo) == v, f(hi) != v */
		int64_t lo = x, hi = INT64_MAX;
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (bzj_floating_for_gmv(mid) == v)
				lo = mid;
			else
				hi = mid;
		}
		/* a step function: constant on [x, lo] (spot checks) */
		if (bzj_floating_for_gmv(x + (lo - x) / 2) != v ||
		    bzj_floating_for_gmv(x + (lo - x) / 3) != v)
			return -1;
		ADD(" WHEN coalesce(gmv, 0) <= %lld THEN %lld", (long long)lo, (long long)v);
		x = hi;
		v = bzj_floating_for_gmv(hi);
	}
	return -1;
#undef ADD
}

/* bzj_newbie_reasons(score_tenths, class_b, points, risk_open[, tick])
 * and bzj_newbie_window(day), generated from the C rule the binary links
 * (core/rules.c): each reason's threshold is read off bzj_newbie_reasons
 * one argument at a time, and the whole is checked to be the OR of those
 * independent bits (spot checks); -1 when the rule has another shape.
 * The fifth argument (SQLite's progress tick) is accepted and ignored. */
int bzj_pg_newbie_sql(char *buf, size_t n)
{
	/* the score: a missing score (NULL, SQLite's -1) and a low one */
	int missing = bzj_newbie_reasons(-1, 0, 0, false);
	int low = 0, score_max = -1;
	for (int t = 0; t <= 50; t++) {
		int r = bzj_newbie_reasons(t, 0, 0, false);
		if (r && !low)
			low = r;
		if (r && r != low)
			return -1;
		if (r)
			score_max = t;
		else if (score_max >= 0 && t <= score_max)
			return -1;
	}
	for (int t = 0; t <= score_max; t++) /* failing scores are 0..score_max */
		if (bzj_newbie_reasons(t, 0, 0, false) != low)
			return -1;
	int ok = bzj_newbie_reasons(50, 0, 0, false);
	if (ok != 0)
		return -1;
	int b_min = -1, p_min = -1, bbit = 0, pbit = 0;
	for (int v = 0; v <= 1000 && (b_min < 0 || p_min < 0); v++) {
		if (b_min < 0 && (bbit = bzj_newbie_reasons(50, v, 0, false)))
			b_min = v;
		if (p_min < 0 && (pbit = bzj_newbie_reasons(50, 0, v, false)))
			p_min = v;
	}
	int rbit = bzj_newbie_reasons(50, 0, 0, true);
	if (b_min < 0 || p_min < 0 || !rbit)
		return -1;
	/* independent bits: every combination is the OR */
	const int ss[] = {-1, 0, score_max, score_max + 1, 50};
	for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++)
		for (int b = 0; b <= b_min; b++)
			for (int p = p_min - 1; p <= p_min; p++)
				for (int r = 0; r <= 1; r++) {
					int want = (ss[i] < 0 ? missing : ss[i] <= score_max ? low : 0) |
						   (b >= b_min ? bbit : 0) | (p >= p_min ? pbit : 0) |
						   (r ? rbit : 0);
					if (bzj_newbie_reasons(ss[i], b, p, r) != want)
						return -1;
				}
	bzj_date w0 = bzj_newbie_window_start(0);
	if (bzj_newbie_window_start(100000) != 100000 + w0)
		return -1;
	int w = snprintf(
		buf, n,
		"CREATE FUNCTION bzj_newbie_reasons(score numeric, class_b numeric, points numeric,"
		" risk boolean) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT"
		" CASE WHEN score IS NULL OR score < 0 THEN %d WHEN score <= %d THEN %d ELSE 0 END"
		" | CASE WHEN coalesce(class_b, 0) >= %d THEN %d ELSE 0 END"
		" | CASE WHEN coalesce(points, 0) >= %d THEN %d ELSE 0 END"
		" | CASE WHEN coalesce(risk, false) THEN %d ELSE 0 END $$;\n"
		"CREATE FUNCTION bzj_newbie_reasons(score numeric, class_b numeric, points numeric,"
		" risk boolean, tick text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS"
		" $$ SELECT bzj_newbie_reasons(score, class_b, points, risk) $$;\n"
		"CREATE FUNCTION bzj_newbie_window(day bigint) RETURNS bigint LANGUAGE sql IMMUTABLE"
		" PARALLEL SAFE AS $$ SELECT day + (%d) $$;\n",
		missing, score_max, low, b_min, bbit, p_min, pbit, rbit, (int)w0);
	return w > 0 && (size_t)w < n ? w : -1;
}

/* numeric arguments: the raises are a sum(), which PostgreSQL types
 * numeric (bigint arguments convert implicitly); the result is bigint */
static const char required_sql[] =
	"CREATE FUNCTION bzj_required(base numeric, floating numeric, raises numeric) RETURNS bigint"
	" LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CAST(greatest(coalesce(base, 0),"
	" coalesce(floating, 0)) + coalesce(raises, 0) AS bigint) $$;\n";

const char *bzj_pg_schema(int *version)
{
	static char *all;
	if (version)
		*version = PG_BASELINE;
	if (all)
		return all;
	char fl[2048];
	int nf = bzj_pg_floating_sql(fl, sizeof fl);
	if (nf < 0)
		return NULL;
	char nb[2048];
	int nn = bzj_pg_newbie_sql(nb, sizeof nb);
	if (nn < 0)
		return NULL;
	char ver[128];
	snprintf(ver, sizeof ver,
		 "INSERT INTO meta(key, value) VALUES ('schema_version', '%d');\n", PG_BASELINE);
	size_t n = bzj_data_pg_schema_len + (size_t)nf + (size_t)nn + sizeof required_sql +
		   strlen(ver) + 1;
	char *s = malloc(n);
	if (!s)
		return NULL;
	snprintf(s, n, "%s\n%s%s%s%s", (const char *)bzj_data_pg_schema, fl, required_sql, nb,
		 ver);
	all = s;
	return all;
}
