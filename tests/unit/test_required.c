/* test_required.c - one definition of the required deposit (issue 16).
 *
 * The required deposit and "balance < required" are evaluated in C for one
 * shop (svc_position: bzj_store_base_for, bzj_store_floating_at,
 * bzj_store_raises, then bzj_position_compute in core/rules.c) and in SQL
 * for every shop at once (REQUIRED_SQL and the restriction updates of
 * bzj_store_sync_all, which the catch-up, recompute and standards changes
 * use).  The SQL combines base, floating and raises through bzj_required(),
 * the C rule registered as an SQL function; what it selects (the base of
 * the categories in effect, the floating figure in effect, the open
 * raises, nothing for a closed shop) and its `bal < req` are its own.
 * This test proves both agree on the same rows over every branch:
 * individual and company, one or several categories, a category without a
 * standard or whose standard is not in effect yet, a standard raised or
 * lowered on a boundary day, no / lower / higher / future floating figure,
 * open, zero and resolved raises, open and closed shops, on the days
 * around each effective date, with the balance at required, required - 1
 * and required + 1. */
#include "../../core/service.h"
#include <sqlite3.h>

#include "../../core/store_priv.h"
#include "fixture.h"

static void sql(fx *f, const char *s)
{
	char *err = NULL;
	if (sqlite3_exec(st_sqlite(f->x.db), s, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", s, err ? err : "?");
	sqlite3_free(err);
}

static const char *const cat_sets[] = {"", "TA", "TB", "TA|TB", "TC", "TA|TC", "TX", "TB|TC|TX"};
enum { NCATS = 8, NFLOAT = 4, NRAISE = 3 };
#define NSHOPS (NCATS * 2 * 2 * NFLOAT * NRAISE)

static void shop_id(int i, char *out) { snprintf(out, 16, "R%03d", i); }

static void build(fx *f)
{
	char q[512], id[16];
	bzj_month m = 2026 * 12; /* January 2026 */
	OK(bzj_db_begin(f->x.db, &f->e));
	/* TA: raised for individuals and lowered for companies on 2026-03-01;
	 * TB: one version; TC: in effect only from 2026-06-01; TX: none. */
	int y25 = (int)D("2025-01-01"), y26 = (int)D("2026-01-01");
	snprintf(q, sizeof q,
		 "INSERT INTO standard(category, effective, individual_fen, company_fen) VALUES"
		 " ('TA', %d, 100000, 200000), ('TB', %d, 120000, 150000)", y25, y25);
	sql(f, q);
	snprintf(q, sizeof q,
		 "INSERT INTO standard(category, effective, individual_fen, company_fen) VALUES"
		 " ('TA', %d, 150000, 100000), ('TC', %d, 500000, 500000)",
		 (int)D("2026-03-01"), (int)D("2026-06-01"));
	sql(f, q);
	int i = 0;
	for (int c = 0; c < NCATS; c++)
		for (int entity = 1; entity <= 2; entity++)
			for (int closed = 0; closed <= 1; closed++)
				for (int fl = 0; fl < NFLOAT; fl++)
					for (int ra = 0; ra < NRAISE; ra++, i++) {
		shop_id(i, id);
		snprintf(q, sizeof q,
			 "INSERT INTO shop(id, name, entity_name, entity, status, opened, closed)"
			 " VALUES ('%s', 'n%s', 'e%s', %d, %d, %d, %s)",
			 id, id, id, entity, closed ? 2 : 1, y25,
			 closed ? "?" : "NULL");
		if (closed) /* closed on 2026-01-01 */
			snprintf(strchr(q, '?'), 16, "%d)", y26);
		sql(f, q);
		char cats[32];
		snprintf(cats, sizeof cats, "%s", cat_sets[c]);
		for (char *t = strtok(cats, "|"); t; t = strtok(NULL, "|")) {
			snprintf(q, sizeof q,
				 "INSERT INTO shop_category(shop_id, category, added) VALUES"
				 " ('%s', '%s', %d)", id, t, y25);
			sql(f, q);
		}
		/* floating: none; a low figure; a high one then a higher one in
		 * the future; only a future one */
		if (fl == 1 || fl == 2) {
			snprintf(q, sizeof q,
				 "INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective)"
				 " VALUES ('%s', %d, 1, %d, %d)",
				 id, (int)m, fl == 1 ? 10000 : 300000, (int)D("2026-01-02"));
			sql(f, q);
		}
		if (fl == 2 || fl == 3) {
			snprintf(q, sizeof q,
				 "INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective)"
				 " VALUES ('%s', %d, 1, 900000, %d)",
				 id, (int)m + 5, (int)D("2026-06-02"));
			sql(f, q);
		}
		/* raises: none; one open; open + open of 0 + resolved */
		if (ra >= 1) {
			snprintf(q, sizeof q,
				 "INSERT INTO violation(shop_id, day, class, points, raise_fen, status,"
				 " note, user) VALUES ('%s', %d, 1, 2, 50000, 1, 'v', 'rev1')", id, y25);
			sql(f, q);
		}
		if (ra == 2) {
			snprintf(q, sizeof q,
				 "INSERT INTO violation(shop_id, day, class, points, raise_fen, status,"
				 " resolved, note, user) VALUES ('%s', %d, 1, 1, 0, 1, NULL, 'v', 'rev1'),"
				 " ('%s', %d, 2, 6, 70000, 2, %d, 'v', 'rev1')", id, y25, id, y25, y25);
			sql(f, q);
		}
	}
	OK(bzj_db_commit(f->x.db, &f->e));
}

/* What this test covered, so that it cannot pass by missing a branch. */
typedef struct cover {
	int base_wins, floating_wins, equal, raised, closed_raised, zero, restricted, not_restricted,
	    at_required, below_by_one;
} cover;

static void one_day(fx *f, bzj_date day, int delta, cover *cv)
{
	char id[16], q[256];
	int64_t want_req[NSHOPS];
	bool want_restricted[NSHOPS];
	int64_t bal[NSHOPS];
	f->x.today = day;
	OK(bzj_db_begin(f->x.db, &f->e));
	for (int i = 0; i < NSHOPS; i++) {
		bzj_shop s;
		bzj_deposit d;
		shop_id(i, id);
		OK(bzj_store_shop_get(f->x.db, id, &s, &f->e));
		OK(svc_position(&f->x, &s, &d, &f->e));
		int64_t req = d.pos.required_fen;
		bal[i] = req + delta < 0 ? 0 : req + delta;
		/* C on the row as it will be: the balance set below */
		s.balance_fen = bal[i];
		OK(svc_position(&f->x, &s, &d, &f->e));
		assert_int_equal(d.pos.required_fen, req);
		want_req[i] = req;
		want_restricted[i] = d.pos.restricted;
		cv->base_wins += d.pos.base_fen > d.pos.floating_fen;
		cv->floating_wins += d.pos.floating_fen > d.pos.base_fen;
		cv->equal += d.pos.floating_fen == d.pos.base_fen;
		cv->raised += d.pos.raises_fen > 0;
		cv->closed_raised += s.status == BZJ_SHOP_CLOSED && d.pos.raises_fen > 0;
		cv->zero += req == 0;
		cv->restricted += d.pos.restricted;
		cv->not_restricted += !d.pos.restricted;
		cv->at_required += req > 0 && bal[i] == req;
		cv->below_by_one += bal[i] == req - 1;
		/* the recorded state wrong on purpose: the SQL must set it */
		snprintf(q, sizeof q,
			 "UPDATE shop SET balance_fen = %lld, frozen_fen = 0, required_fen = %lld,"
			 " restricted = %d WHERE id = '%s'",
			 (long long)bal[i], (long long)(req + 7), d.pos.restricted ? 0 : 1, id);
		sql(f, q);
	}
	int64_t changed = 0;
	OK(bzj_store_sync_all(f->x.db, day, "test", &changed, &f->e));
	assert_int_equal(changed, NSHOPS);
	for (int i = 0; i < NSHOPS; i++) {
		bzj_shop s;
		shop_id(i, id);
		OK(bzj_store_shop_get(f->x.db, id, &s, &f->e));
		if (s.required_fen != want_req[i] || s.restricted != want_restricted[i])
			fail_msg("%s on day %d, balance %lld: SQL says required %lld restricted %d,"
				 " C says %lld %d",
				 id, (int)day, (long long)bal[i], (long long)s.required_fen,
				 s.restricted, (long long)want_req[i], want_restricted[i]);
	}
	/* the restriction log of the same statement: one event per shop (each
	 * was recorded the wrong way round), saying what the shop now says */
	int64_t n = -1;
	bool found;
	OK(st_int(f->x.db, &f->e, &n, &found,
		  "SELECT count(*) FROM restriction_event e JOIN shop s ON s.id = e.shop_id"
		  " WHERE e.cause = 'test' AND e.restricted = s.restricted"
		  " AND e.required_fen = s.required_fen AND e.balance_fen = s.balance_fen",
		  NULL));
	assert_int_equal(n, NSHOPS);
	bzj_db_rollback(f->x.db);
}

static void sql_and_c_agree_on_every_branch(void **state)
{
	fx *f = *state;
	build(f);
	static const char *const days[] = {"2026-01-01", "2026-01-02", "2026-02-28", "2026-03-01",
					   "2026-05-31", "2026-06-01", "2026-06-02", "2026-07-01"};
	cover cv = {0};
	for (size_t k = 0; k < sizeof days / sizeof days[0]; k++)
		for (int delta = -1; delta <= 1; delta++)
			one_day(f, D(days[k]), delta, &cv);
	assert_true(cv.base_wins > 0);
	assert_true(cv.floating_wins > 0);
	assert_true(cv.equal > 0);
	assert_true(cv.raised > 0);
	assert_true(cv.closed_raised > 0);
	assert_true(cv.zero > 0);
	assert_true(cv.restricted > 0);
	assert_true(cv.not_restricted > 0);
	assert_true(cv.at_required > 0);
	assert_true(cv.below_by_one > 0);
}

/* The branches one by one, with the figures written out: the SQL and C
 * must not merely agree but be right. */
static void known_figures(void **state)
{
	fx *f = *state;
	build(f);
	struct {
		int shop; /* index: ((c*2 + entity-1)*2 + closed)*NFLOAT*NRAISE + fl*NRAISE + ra */
		const char *day;
		int64_t want;
	} t[] = {
		/* TA individual, open, no floating, no raise: 1000 yuan, 1500 from 03-01 */
		{((1 * 2 + 0) * 2 + 0) * 12 + 0, "2026-02-28", 100000},
		{((1 * 2 + 0) * 2 + 0) * 12 + 0, "2026-03-01", 150000},
		/* TA company: lowered 2000 -> 1000 on 03-01 */
		{((1 * 2 + 1) * 2 + 0) * 12 + 0, "2026-02-28", 200000},
		{((1 * 2 + 1) * 2 + 0) * 12 + 0, "2026-03-01", 100000},
		/* TA|TB company: the larger, 2000 then 1500 (TB) */
		{((3 * 2 + 1) * 2 + 0) * 12 + 0, "2026-03-01", 150000},
		/* TC only before it is in effect: 0; from 06-01: 5000 */
		{((4 * 2 + 0) * 2 + 0) * 12 + 0, "2026-05-31", 0},
		{((4 * 2 + 0) * 2 + 0) * 12 + 0, "2026-06-01", 500000},
		/* TB individual, high floating 3000 from 01-02, 9000 from 06-02, + raise 500 */
		{((2 * 2 + 0) * 2 + 0) * 12 + 2 * 3 + 1, "2026-01-01", 120000 + 50000},
		{((2 * 2 + 0) * 2 + 0) * 12 + 2 * 3 + 1, "2026-01-02", 300000 + 50000},
		{((2 * 2 + 0) * 2 + 0) * 12 + 2 * 3 + 1, "2026-06-02", 900000 + 50000},
		/* the same closed: only the open raises (500; the resolved 700 not) */
		{((2 * 2 + 0) * 2 + 1) * 12 + 2 * 3 + 2, "2026-06-02", 50000},
		/* TX (no standard), low floating 100: 100 */
		{((6 * 2 + 0) * 2 + 0) * 12 + 1 * 3 + 0, "2026-03-01", 10000},
	};
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
		char id[16];
		bzj_shop s;
		bzj_deposit d;
		shop_id(t[k].shop, id);
		f->x.today = D(t[k].day);
		OK(bzj_store_shop_get(f->x.db, id, &s, &f->e));
		OK(svc_position(&f->x, &s, &d, &f->e));
		if (d.pos.required_fen != t[k].want)
			fail_msg("%s on %s: C says %lld, want %lld", id, t[k].day,
				 (long long)d.pos.required_fen, (long long)t[k].want);
		int64_t changed;
		OK(bzj_db_begin(f->x.db, &f->e));
		OK(bzj_store_sync_all(f->x.db, D(t[k].day), "test", &changed, &f->e));
		OK(bzj_store_shop_get(f->x.db, id, &s, &f->e));
		bzj_db_rollback(f->x.db);
		if (s.required_fen != t[k].want)
			fail_msg("%s on %s: SQL says %lld, want %lld", id, t[k].day,
				 (long long)s.required_fen, (long long)t[k].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(known_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(sql_and_c_agree_on_every_branch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
