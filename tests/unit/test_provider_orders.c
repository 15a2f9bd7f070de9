/* test_provider_orders.c - a provider's orders read from the running sums
 * of shop_orders (net_cum, gift_cum: two primary-key lookups per binding)
 * must equal the plain day-by-day sum of the raw columns, for random
 * bindings and periods, the boundary days included (first and last day of
 * a binding and of the period, days without a row, gift orders), after
 * imports in any order and re-imports of old days; and `bzj check` must
 * find running sums that no longer follow the rows. */
#include <sqlite3.h>

#include "../../core/store_priv.h"
#include "fixture.h"

#include "bzj/assess.h"
#include "bzj/provider.h"

enum { SHOPS = 6, DAYS = 60, CASES = 400 };

static unsigned long long seed = 88172645463325252ULL;
static int rnd(int n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (int)(seed % (unsigned long long)n);
}

static const char *shop_id(int i)
{
	static const char *const ids[SHOPS] = {"S1", "S2", "S3", "S4", "S5", "S6"};
	return ids[i];
}

static void add_provider(fx *f, const char *id)
{
	bzj_provider_new in = {.id = id, .name = id, .entity_name = id, .kind = BZJ_PK_AGENCY,
			       .certified = BZJ_DATE_NONE};
	OK(bzj_provider_add(&f->x, &in, &f->e));
}

/* One imported row (through the store's import, which keeps the sums). */
static void put(fx *f, int shop, bzj_date day, int64_t paid, int64_t gift)
{
	bzj_order_row r = {.shop_id = shop_id(shop), .day = day, .paid = paid, .gift = gift};
	OK(bzj_store_orders_import(f->x.db, &r, 1, &f->e));
}

static int count_problem(void *ctx, const char *code, const char *msg)
{
	(void)msg;
	if (!strcmp(code, "check.orders_prefix"))
		++*(int *)ctx;
	return 0;
}

static int prefix_problems(fx *f)
{
	int n = 0;
	int64_t all = 0;
	OK(bzj_store_check_providers(f->x.db, count_problem, &n, &all, &f->e));
	return n;
}

static void compare(fx *f, const char *pid, bzj_date from, bzj_date to)
{
	int64_t o1 = -1, g1 = -1, o2 = -2, g2 = -2;
	OK(bzj_provider_orders(&f->x, pid, from, to, &o1, &g1, &f->e));
	OK(bzj_store_provider_orders_plain(f->x.db, pid, from, to, &o2, &g2, &f->e));
	assert_int_equal(o1, o2);
	assert_int_equal(g1, g2);
}

static void running_sums_equal_the_plain_sum(void **state)
{
	fx *f = *state;
	bzj_date d0 = D("2025-06-01");
	SUP(f);
	for (int i = 0; i < SHOPS; i++)
		shop(f, shop_id(i), BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	add_provider(f, "P1");
	add_provider(f, "P2");

	/* Orders on most days (some missing), imported in a random order,
	 * then a third of them imported again with other counts. */
	int order[SHOPS * DAYS];
	for (int i = 0; i < SHOPS * DAYS; i++)
		order[i] = i;
	for (int i = SHOPS * DAYS - 1; i > 0; i--) {
		int j = rnd(i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (int k = 0; k < SHOPS * DAYS; k++) {
		int s = order[k] / DAYS, d = order[k] % DAYS;
		if (rnd(7) == 0)
			continue;
		int64_t paid = rnd(300);
		put(f, s, d0 + d, paid, rnd(4) ? 0 : rnd((int)paid / 5 + 1));
	}
	for (int k = 0; k < SHOPS * DAYS / 3; k++) {
		int s = rnd(SHOPS), d = rnd(DAYS);
		int64_t paid = rnd(500);
		put(f, s, d0 + d, paid, rnd(3) ? 0 : rnd((int)paid + 1));
	}
	assert_int_equal(prefix_problems(f), 0);

	/* P1: each shop bound in up to two disjoint stretches; P2: the same
	 * shops over other stretches (open or ended). */
	for (int p = 0; p < 2; p++) {
		const char *pid = p ? "P2" : "P1";
		for (int s = 0; s < SHOPS; s++) {
			bzj_date a = d0 + rnd(DAYS / 2), b = a + rnd(DAYS / 3);
			int64_t bid = 0;
			OK(bzj_provider_bind(&f->x, pid, shop_id(s), a, b, &bid, &f->e));
			if (rnd(2))
				OK(bzj_provider_bind(&f->x, pid, shop_id(s), b + 1 + rnd(5),
						     rnd(2) ? BZJ_DATE_NONE : b + 10 + rnd(20), &bid,
						     &f->e));
		}
	}

	/* Every period boundary on every binding boundary, and random ones. */
	bzj_binding bs[32];
	int nb = 0;
	OK(bzj_provider_bindings(&f->x, "P1", bs, 32, &nb, &f->e));
	for (int i = 0; i < nb; i++) {
		bzj_date to = bs[i].to == BZJ_DATE_NONE ? d0 + DAYS + 5 : bs[i].to;
		bzj_date pts[] = {bs[i].from - 1, bs[i].from, bs[i].from + 1, to - 1, to, to + 1};
		for (int a = 0; a < 6; a++)
			for (int b = a; b < 6; b++)
				if (pts[b] >= pts[a])
					compare(f, "P1", pts[a], pts[b]);
	}
	for (int c = 0; c < CASES; c++) {
		bzj_date a = d0 - 3 + rnd(DAYS + 6), b = a + rnd(DAYS);
		compare(f, c % 2 ? "P2" : "P1", a, b);
	}
	compare(f, "P1", d0, d0);
	compare(f, "P1", d0 - 10, d0 + DAYS + 10);

	/* the fast path reads no row of shop_orders by a full scan */
	sqlite3_stmt *st = NULL;
	while ((st = sqlite3_next_stmt(st_sqlite(f->x.db), st)))
		sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	int64_t o = 0, g = 0;
	OK(bzj_provider_orders(&f->x, "P1", d0, d0 + DAYS, &o, &g, &f->e));
	int scans = 0;
	while ((st = sqlite3_next_stmt(st_sqlite(f->x.db), st)))
		scans += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	assert_int_equal(scans, 0);
	assert_true(o > 0);
}

/* A hand-made case with known numbers: the first and last day of the
 * binding and of the period each counted once, gift orders apart. */
static void boundary_days_by_hand(void **state)
{
	fx *f = *state;
	bzj_date d0 = D("2025-07-01");
	SUP(f);
	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	add_provider(f, "P1");
	int64_t bid = 0;
	OK(bzj_provider_bind(&f->x, "P1", "S1", d0 + 2, d0 + 5, &bid, &f->e));
	for (int d = 0; d < 8; d++)
		put(f, 0, d0 + d, 10 * (d + 1), d == 2 || d == 5 ? 3 : 0);
	int64_t o = 0, g = 0;
	/* bound days 2..5: paid 30+40+50+60, gift 3 on day 2 and on day 5 */
	OK(bzj_provider_orders(&f->x, "P1", d0, d0 + 7, &o, &g, &f->e));
	assert_int_equal(o, 180 - 6);
	assert_int_equal(g, 6);
	OK(bzj_provider_orders(&f->x, "P1", d0 + 5, d0 + 5, &o, &g, &f->e)); /* last bound day */
	assert_int_equal(o, 57);
	assert_int_equal(g, 3);
	OK(bzj_provider_orders(&f->x, "P1", d0 + 2, d0 + 2, &o, &g, &f->e)); /* first bound day */
	assert_int_equal(o, 27);
	OK(bzj_provider_orders(&f->x, "P1", d0 + 6, d0 + 7, &o, &g, &f->e)); /* after it */
	assert_int_equal(o, 0);
	OK(bzj_provider_orders(&f->x, "P1", d0, d0 + 1, &o, &g, &f->e)); /* before it */
	assert_int_equal(o, 0);
	/* a day re-imported in the middle moves every later running sum */
	put(f, 0, d0 + 3, 1000, 100);
	OK(bzj_provider_orders(&f->x, "P1", d0 + 4, d0 + 5, &o, &g, &f->e));
	assert_int_equal(o, 50 + 57);
	OK(bzj_provider_orders(&f->x, "P1", d0, d0 + 7, &o, &g, &f->e));
	assert_int_equal(o, 27 + 900 + 50 + 57);
	assert_int_equal(g, 106);
	assert_int_equal(prefix_problems(f), 0);

	/* a running sum changed behind bzj's back is found by check */
	assert_int_equal(sqlite3_exec(st_sqlite(f->x.db),
				      "UPDATE shop_orders SET net_cum = net_cum + 1"
				      " WHERE shop_id = 'S1' AND day = (SELECT max(day) FROM shop_orders)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(prefix_problems(f), 1);
}

typedef struct got {
	bzj_assess_row r[8];
	int n;
} got;

static int take_row(void *ctx, const bzj_assess_row *r)
{
	got *g = ctx;
	if (g->n < 8)
		g->r[g->n++] = *r;
	return 0;
}

/* assess show (every provider, one statement) and the console's page
 * (bzj_assess_progress, some ids) give the plain sum for each assessed
 * provider; not-assessed ids are left out; a period that has not begun
 * yet counts nothing. */
static void assessment_page_equals_show_and_plain_sum(void **state)
{
	fx *f = *state;
	bzj_date d0 = D("2025-07-01");
	SUP(f);
	for (int i = 0; i < 4; i++)
		shop(f, shop_id(i), BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	const char *ids[] = {"B1", "B2", "A1", "B3"};
	for (int i = 0; i < 4; i++) {
		bzj_provider_new in = {.id = ids[i], .name = ids[i], .entity_name = ids[i],
				       .kind = ids[i][0] == 'A' ? BZJ_PK_AGENCY : BZJ_PK_BELT,
				       .certified = ids[i][0] == 'A' ? BZJ_DATE_NONE : D("2025-05-01")};
		OK(bzj_provider_add(&f->x, &in, &f->e));
	}
	for (int d = 0; d < 31; d++)
		for (int s = 0; s < 4; s++)
			put(f, s, d0 + d, 20 + rnd(80), rnd(3) ? 0 : rnd(10));
	int64_t bid;
	OK(bzj_provider_bind(&f->x, "B1", "S1", d0, BZJ_DATE_NONE, &bid, &f->e));
	OK(bzj_provider_bind(&f->x, "B1", "S2", d0 + 10, d0 + 20, &bid, &f->e));
	OK(bzj_provider_bind(&f->x, "B2", "S2", d0 + 21, BZJ_DATE_NONE, &bid, &f->e));
	OK(bzj_provider_bind(&f->x, "B2", "S3", d0 - 30, d0 + 4, &bid, &f->e));
	OK(bzj_provider_bind(&f->x, "A1", "S4", d0, BZJ_DATE_NONE, &bid, &f->e));
	/* B3 has no binding: 0 */
	OK(bzj_assess_create(&f->x, "r1", D("2025-06-01"), d0 + 3, d0 + 25, 500, 100, &f->e));
	today(f, "2025-07-31");
	got all = {0}, page = {0};
	bzj_assessment a;
	OK(bzj_assess_show(&f->x, "r1", &a, take_row, &all, &f->e));
	assert_int_equal(all.n, 3);
	const char *want[] = {"B3", "A1", "B1"};
	OK(bzj_assess_progress(&f->x, &a, want, 3, take_row, &page, &f->e));
	assert_int_equal(page.n, 2); /* A1 is not assessed */
	assert_string_equal(page.r[0].id, "B1");
	assert_string_equal(page.r[1].id, "B3");
	for (int i = 0; i < all.n; i++) {
		int64_t o, g;
		OK(bzj_store_provider_orders_plain(f->x.db, all.r[i].id, d0 + 3, d0 + 25, &o, &g,
						   &f->e));
		assert_int_equal(all.r[i].orders, o);
		for (int k = 0; k < page.n; k++)
			if (!strcmp(page.r[k].id, all.r[i].id))
				assert_int_equal(page.r[k].orders, o);
	}
	assert_int_equal(page.r[1].orders, 0);
	assert_true(page.r[0].orders > 0);
	/* before the period begins: nothing counted (not a negative span) */
	today(f, "2025-07-02");
	all.n = 0;
	OK(bzj_assess_show(&f->x, "r1", &a, take_row, &all, &f->e));
	for (int i = 0; i < all.n; i++)
		assert_int_equal(all.r[i].orders, 0);
	int64_t o = -1, g = -1;
	OK(bzj_store_provider_orders(f->x.db, "B1", d0 + 5, d0 + 4, &o, &g, &f->e));
	assert_int_equal(o, 0);
	assert_int_equal(g, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(running_sums_equal_the_plain_sum, setup, teardown),
		cmocka_unit_test_setup_teardown(boundary_days_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(assessment_page_equals_show_and_plain_sum, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
