/* test_provider_list.c - what the console's provider panel asks of core:
 * the provider list paged by a keyset cursor (search and filters kept,
 * every row once, in id order) and the assessments listed open first. */
#include "fixture.h"

#include "bzj/assess.h"
#include "bzj/provider.h"

typedef struct page {
	char ids[16][BZJ_ID_MAX + 1];
	int n;
} page;

static int take(void *ctx, const bzj_provider_view *v)
{
	page *p = ctx;
	snprintf(p->ids[p->n++], sizeof p->ids[0], "%s", v->p.id);
	return p->n >= 16;
}

static void add(fx *f, const char *id, const char *name, int kind)
{
	bzj_provider_new in = {.id = id, .name = name, .entity_name = name, .kind = kind,
			       .certified = BZJ_DATE_NONE};
	OK(bzj_provider_add(&f->x, &in, &f->e));
}

static void keyset_pages_walk_every_provider_once(void **state)
{
	fx *f = *state;
	add(f, "P03", "杭州代运营", BZJ_PK_AGENCY);
	add(f, "P01", "广州代运营", BZJ_PK_AGENCY);
	add(f, "P05", "杭州产业带", BZJ_PK_BELT);
	add(f, "P02", "深圳产业带", BZJ_PK_BELT);
	add(f, "P04", "杭州小店代运营", BZJ_PK_AGENCY);
	int64_t total = 0;
	page p = {0};
	bzj_provider_query q = {.limit = 2};
	OK(bzj_provider_list(&f->x, &q, take, &p, &total, &f->e));
	assert_int_equal(total, 5);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.ids[0], "P01");
	assert_string_equal(p.ids[1], "P02");
	q.after = "P02";
	OK(bzj_provider_list(&f->x, &q, take, &p, &total, &f->e));
	assert_int_equal(total, 5); /* the total is the query's, not the page's */
	assert_int_equal(p.n, 4);
	assert_string_equal(p.ids[2], "P03");
	assert_string_equal(p.ids[3], "P04");
	q.after = "P04";
	OK(bzj_provider_list(&f->x, &q, take, &p, &total, &f->e));
	assert_int_equal(p.n, 5);
	assert_string_equal(p.ids[4], "P05");
	q.after = "P05";
	OK(bzj_provider_list(&f->x, &q, take, &p, &total, &f->e));
	assert_int_equal(p.n, 5); /* past the end: nothing */

	/* search and kind stay with the cursor */
	memset(&p, 0, sizeof p);
	bzj_provider_query s = {.search = "杭州", .kind = BZJ_PK_AGENCY, .limit = 1};
	OK(bzj_provider_list(&f->x, &s, take, &p, &total, &f->e));
	assert_int_equal(total, 2);
	assert_string_equal(p.ids[0], "P03");
	s.after = "P03";
	OK(bzj_provider_list(&f->x, &s, take, &p, &total, &f->e));
	assert_int_equal(p.n, 2);
	assert_string_equal(p.ids[1], "P04");
	s.after = "P04";
	OK(bzj_provider_list(&f->x, &s, take, &p, &total, &f->e));
	assert_int_equal(p.n, 2);
	/* shortfall (filtered in core): the page stops at its limit, the
	 * total counts every match; new providers hold nothing, so all five */
	memset(&p, 0, sizeof p);
	bzj_provider_query sf = {.shortfall = true, .limit = 2};
	OK(bzj_provider_list(&f->x, &sf, take, &p, &total, &f->e));
	assert_int_equal(p.n, 2);
	assert_int_equal(total, 5);
	sf.after = "P02";
	OK(bzj_provider_list(&f->x, &sf, take, &p, &total, &f->e));
	assert_int_equal(p.n, 4);
	assert_string_equal(p.ids[2], "P03");
	assert_string_equal(p.ids[3], "P04");
	/* an empty cursor is the start */
	memset(&p, 0, sizeof p);
	bzj_provider_query e = {.after = "", .limit = 1};
	OK(bzj_provider_list(&f->x, &e, take, &p, &total, &f->e));
	assert_string_equal(p.ids[0], "P01");
}

static void assessments_listed_open_first_latest_period_first(void **state)
{
	fx *f = *state;
	bzj_assessment a[4];
	int n = -1;
	OK(bzj_assess_list(&f->x, a, 4, &n, &f->e));
	assert_int_equal(n, 0);
	OK(bzj_assess_create(&f->x, "h1", D("2025-01-01"), D("2025-02-01"), D("2025-06-30"), 10,
			     10000000, &f->e));
	OK(bzj_assess_create(&f->x, "h2", D("2025-06-01"), D("2025-07-01"), D("2025-12-31"), 10,
			     10000000, &f->e));
	OK(bzj_assess_create(&f->x, "q1", D("2025-01-01"), D("2025-02-01"), D("2025-03-31"), 10,
			     10000000, &f->e));
	/* h1's period is over: close it (nobody is assessed) */
	bzj_assessment got;
	OK(bzj_assess_close(&f->x, "h1", false, &got, NULL, NULL, &f->e));
	OK(bzj_assess_list(&f->x, a, 4, &n, &f->e));
	assert_int_equal(n, 3);
	assert_string_equal(a[0].name, "h2"); /* open, latest period */
	assert_string_equal(a[1].name, "q1"); /* open */
	assert_string_equal(a[2].name, "h1"); /* closed */
	assert_int_equal(a[2].closed_on, D("2025-08-01"));
	assert_int_equal(a[0].threshold, 10);
	/* at most max */
	OK(bzj_assess_list(&f->x, a, 1, &n, &f->e));
	assert_int_equal(n, 1);
	assert_string_equal(a[0].name, "h2");
	/* everyone may read them */
	CS(f);
	OK(bzj_assess_list(&f->x, a, 4, &n, &f->e));
	assert_int_equal(n, 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(keyset_pages_walk_every_provider_once),
	    T(assessments_listed_open_first_latest_period_first),
	};
	return cmocka_run_group_tests_name("provider list", tests, NULL, NULL);
}
