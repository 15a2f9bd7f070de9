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
	{"shop_orders", NULL, "shop_id, day"},
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

static const char required_sql[] =
	"CREATE FUNCTION bzj_required(base bigint, floating bigint, raises bigint) RETURNS bigint"
	" LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT greatest(coalesce(base, 0),"
	" coalesce(floating, 0)) + coalesce(raises, 0) $$;\n";

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
	char ver[128];
	snprintf(ver, sizeof ver,
		 "INSERT INTO meta(key, value) VALUES ('schema_version', '%d');\n", PG_BASELINE);
	size_t n = bzj_data_pg_schema_len + (size_t)nf + sizeof required_sql + strlen(ver) + 1;
	char *s = malloc(n);
	if (!s)
		return NULL;
	snprintf(s, n, "%s\n%s%s%s", (const char *)bzj_data_pg_schema, fl, required_sql, ver);
	all = s;
	return all;
}
