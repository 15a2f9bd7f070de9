/* test_store_audit.c - reading the audit table: which records, in which
 * order, and how many rows SQLite walked to find them.  `audit log --shop`
 * must come from the partial index audit_shop, not from a scan of every
 * record, so each case also counts the full-scan steps of the statements
 * it ran (SQLITE_STMTSTATUS_FULLSCAN_STEP, through the connection in
 * core/store_priv.h). */
#include <sqlite3.h>

#include "../../core/store_priv.h"
#include "fixture.h"

/* 300 records: every 10th is shop S1's, every 7th of the rest has no
 * shop, the others are S2's. */
enum { RECORDS = 300 };

static const char *shop_of(int64_t seq)
{
	return seq % 10 == 0 ? "S1" : seq % 7 == 0 ? "" : "S2";
}

/* The fixture's fresh database, with the records written straight into the
 * audit table (the store does not check shop ids or the hash chain). */
static int setup_log(void **state)
{
	if (setup(state))
		return -1;
	fx *f = *state;
	bzj_audit_rec *r = calloc(1, sizeof *r);
	int64_t last = -1;
	char hash[65];

	assert_non_null(r);
	/* an empty log: the fixture's database, opened again without a
	 * config, so no settings record (issue 16) is its first entry */
	bzj_actor a = f->x.actor;
	char p[160];
	bzj_ctx_close(&f->x);
	static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm", "t.db-desk"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	OK(bzj_ctx_open(&f->x, f->path, BZJ_OPEN_CREATE, NULL, &a, &f->e));
	OK(bzj_store_audit_last(f->x.db, &last, hash, &f->e));
	assert_int_equal(last, 0);
	OK(bzj_db_begin(f->x.db, &f->e));
	for (int64_t seq = 1; seq <= RECORDS; seq++) {
		memset(r, 0, sizeof *r);
		r->seq = seq;
		snprintf(r->at, sizeof r->at, "2026-01-01T00:00:00Z");
		snprintf(r->user, sizeof r->user, "fin1");
		snprintf(r->role, sizeof r->role, "finance");
		snprintf(r->action, sizeof r->action, "topup");
		snprintf(r->object, sizeof r->object, "ledger:%lld", (long long)seq);
		snprintf(r->shop_id, sizeof r->shop_id, "%s", shop_of(seq));
		snprintf(r->before, sizeof r->before, "{}");
		snprintf(r->after, sizeof r->after, "{}");
		snprintf(r->hash, sizeof r->hash, "%064lld", (long long)seq);
		OK(bzj_store_audit_insert(f->x.db, r, &f->e));
	}
	OK(bzj_db_commit(f->x.db, &f->e));
	free(r);
	return 0;
}

typedef struct seen {
	int n;
	int64_t seq[RECORDS];
	bool wrong_shop;
	const char *want_shop; /* NULL: any */
} seen;

static int collect(void *ctx, const bzj_audit_rec *r)
{
	seen *s = ctx;

	if (s->n < RECORDS)
		s->seq[s->n++] = r->seq;
	if (s->want_shop && strcmp(r->shop_id, s->want_shop) != 0)
		s->wrong_shop = true;
	if (strcmp(r->shop_id, shop_of(r->seq)) != 0)
		s->wrong_shop = true;
	return 0;
}

/* Steps taken in full table scans by every statement of the connection
 * since the last call (the counters are reset). */
static int fullscan_steps(bzj_db *db)
{
	int n = 0;

	for (sqlite3_stmt *st = sqlite3_next_stmt(st_sqlite(db), NULL); st;
	     st = sqlite3_next_stmt(st_sqlite(db), st))
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	return n;
}

static seen read_log(fx *f, const char *shop, bool newest_first, int max)
{
	seen s = {.want_shop = shop};

	fullscan_steps(f->x.db);
	OK(bzj_store_audit_each(f->x.db, shop, newest_first, max, collect, &s, &f->e));
	assert_false(s.wrong_shop);
	return s;
}

static void a_shops_newest_records_come_from_the_index(void **state)
{
	fx *f = *state;
	seen s = read_log(f, "S1", true, 5);

	assert_int_equal(fullscan_steps(f->x.db), 0);
	assert_int_equal(s.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(s.seq[i], RECORDS - 10 * i);
}

static void a_shops_whole_history_in_order_without_a_scan(void **state)
{
	fx *f = *state;
	seen s = read_log(f, "S1", false, 0);

	assert_int_equal(fullscan_steps(f->x.db), 0);
	assert_int_equal(s.n, RECORDS / 10);
	for (int i = 0; i < s.n; i++)
		assert_int_equal(s.seq[i], 10 * (i + 1));
}

static void an_unknown_shop_has_no_records_and_costs_no_scan(void **state)
{
	fx *f = *state;
	seen s = read_log(f, "NOPE", true, 200);

	assert_int_equal(fullscan_steps(f->x.db), 0);
	assert_int_equal(s.n, 0);
}

static void the_whole_log_stops_at_the_limit(void **state)
{
	fx *f = *state;
	seen s = read_log(f, NULL, true, 3);

	/* newest first along seq: no more rows walked than asked for */
	assert_in_range(fullscan_steps(f->x.db), 0, 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.seq[0], RECORDS);
	assert_int_equal(s.seq[1], RECORDS - 1);
	assert_int_equal(s.seq[2], RECORDS - 2);
}

static void the_whole_log_oldest_first_has_every_record(void **state)
{
	fx *f = *state;
	seen s = read_log(f, NULL, false, 0);

	assert_int_equal(s.n, RECORDS);
	for (int i = 0; i < s.n; i++)
		assert_int_equal(s.seq[i], i + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_shops_newest_records_come_from_the_index, setup_log,
						teardown),
		cmocka_unit_test_setup_teardown(a_shops_whole_history_in_order_without_a_scan,
						setup_log, teardown),
		cmocka_unit_test_setup_teardown(an_unknown_shop_has_no_records_and_costs_no_scan,
						setup_log, teardown),
		cmocka_unit_test_setup_teardown(the_whole_log_stops_at_the_limit, setup_log,
						teardown),
		cmocka_unit_test_setup_teardown(the_whole_log_oldest_first_has_every_record, setup_log,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
