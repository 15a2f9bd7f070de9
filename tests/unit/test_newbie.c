/* test_newbie.c - the newbie check of the store (set-based SQL calling the
 * rule) gives every shop exactly what the pure C rule gives it from the
 * same inputs; a stopped check writes nothing; a re-run says so. */
#include "fixture.h"

#include "bzj/import.h"
#include "bzj/newbie.h"
#include "bzj/violation.h"

#define NSHOPS 60

typedef struct expect {
	int score;  /* tenths, -1 none */
	int class_b, points;
	bool risk;
} expect;

static uint64_t rs = 88172645463325252ull;
static int rnd(int n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (int)(rs % (uint64_t)n);
}

static void violation(fx *f, const char *id, int cls, int points, bzj_date day)
{
	bzj_violation_in in = {.shop_id = id, .cls = cls, .points = points, .note = "t",
			       .date = day};
	int64_t vid;
	OK(bzj_violation_add(&f->x, &in, &vid, &f->e));
}

static void risk(fx *f, const char *id, bzj_date opened, bzj_date closed)
{
	int64_t rid;
	f->x.today = opened;
	OK(bzj_newbie_risk(&f->x, id, true, "risk", &rid, &f->e));
	if (closed != BZJ_DATE_NONE) {
		f->x.today = closed;
		OK(bzj_newbie_risk(&f->x, id, false, "closed", &rid, &f->e));
	}
}

static int stop_at_once(void *ctx, const char *what, long long done, long long total)
{
	(void)ctx;
	(void)what;
	(void)total;
	return done > 0;
}

static void check_equals_the_rule_for_every_shop(void **state)
{
	fx *f = *state;
	bzj_date day = D("2025-09-20");
	expect ex[NSHOPS];
	char csv[NSHOPS * 48 + 32] = "shop_id,date,score\n";
	char id[16];

	memset(ex, 0, sizeof ex);
	for (int i = 0; i < NSHOPS; i++) {
		snprintf(id, sizeof id, "N%02d", i);
		shop(f, id, BZJ_ENTITY_COMPANY, "服饰内衣", NULL, NULL);
	}
	REV1(f);
	for (int i = 0; i < NSHOPS; i++) {
		snprintf(id, sizeof id, "N%02d", i);
		ex[i].score = rnd(5) == 0 ? -1 : 36 + rnd(10); /* 3.6 .. 4.5: both sides of 4.0 */
		if (ex[i].score >= 0) {
			size_t l = strlen(csv);
			snprintf(csv + l, sizeof csv - l, "%s,2025-09-20,%d.%d\n", id,
				 ex[i].score / 10, ex[i].score % 10);
		}
		/* violations from D-32 to D+3: only D-29..D count */
		int nv = rnd(4);
		for (int k = 0; k < nv; k++) {
			int off = rnd(36) - 32;
			int cls = rnd(6) == 0 ? BZJ_VCLASS_B : BZJ_VCLASS_A;
			int pts = rnd(3);
			f->x.today = D("2025-09-30");
			violation(f, id, cls, pts, day + off);
			if (off >= -29 && off <= 0) {
				ex[i].class_b += cls == BZJ_VCLASS_B;
				ex[i].points += pts;
			}
		}
		/* risk findings: open on D, opened after D, closed on or before D */
		switch (rnd(5)) {
		case 0: risk(f, id, day - rnd(5), BZJ_DATE_NONE); ex[i].risk = true; break;
		case 1: risk(f, id, day + 1, BZJ_DATE_NONE); break;
		case 2: risk(f, id, day - 3, day); break;
		case 3: risk(f, id, day - 3, day + 1); ex[i].risk = true; break;
		default: break;
		}
	}
	f->x.today = D("2025-09-30");
	bzj_import_result ir;
	OK(bzj_import(&f->x, BZJ_IMPORT_SCORES, csv, strlen(csv), NULL, NULL, &ir, &f->e));

	/* stopped half-way: nothing is written */
	int64_t before = audit_count(f);
	bzj_newbie_run run;
	f->x.progress = stop_at_once;
	REFUSED(bzj_newbie_check_day(&f->x, day, &run, &f->e), BZJ_EBUSY, "interrupted");
	f->x.progress = NULL;
	assert_int_equal(audit_count(f), before);

	OK(bzj_newbie_check_day(&f->x, day, &run, &f->e));
	assert_false(run.already);
	assert_int_equal(run.checked, NSHOPS);
	int failed = 0;
	for (int i = 0; i < NSHOPS; i++) {
		snprintf(id, sizeof id, "N%02d", i);
		int want = bzj_newbie_reasons(ex[i].score, ex[i].class_b, ex[i].points, ex[i].risk);
		bzj_newbie n;
		OK(bzj_newbie_get(&f->x, id, &n, &f->e));
		if (n.reasons != want)
			fail_msg("%s: reasons %d, the rule says %d (score %d, B %d, points %d, risk %d)",
				 id, n.reasons, want, ex[i].score, ex[i].class_b, ex[i].points,
				 ex[i].risk);
		assert_int_equal(n.capped, want != 0);
		assert_int_equal(n.last_check, day);
		if (want)
			assert_int_equal(n.capped_since, day + 1);
		failed += want != 0;
	}
	assert_int_equal(run.failed, failed);
	assert_true(failed > 5 && failed < NSHOPS - 5); /* the data reaches both outcomes */

	/* the same day again: nothing written, the day's figures */
	before = audit_count(f);
	bzj_newbie_run again;
	OK(bzj_newbie_check_day(&f->x, day, &again, &f->e));
	assert_true(again.already);
	assert_int_equal(again.failed, failed);
	assert_int_equal(audit_count(f), before);
	/* and an earlier one is refused */
	REFUSED(bzj_newbie_check_day(&f->x, day - 1, &again, &f->e), BZJ_ERULE,
		"newbie.check_order");
}

static void direct_shops_are_never_checked_and_cannot_graduate(void **state)
{
	fx *f = *state;
	bzj_shop_new in = {.id = "DX", .name = "DX", .entity = BZJ_ENTITY_COMPANY,
			   .categories = {"服饰内衣"}, .ncategories = 1,
			   .opened = D("2025-08-01"), .direct = true};
	OK(bzj_shop_add(&f->x, &in, &f->e));
	shop(f, "NB", BZJ_ENTITY_COMPANY, "服饰内衣", NULL, NULL);
	bzj_newbie_run run;
	today(f, "2025-08-03");
	OK(bzj_newbie_check_day(&f->x, D("2025-08-02"), &run, &f->e));
	assert_int_equal(run.checked, 1);
	bzj_newbie n;
	OK(bzj_newbie_get(&f->x, "DX", &n, &f->e));
	assert_int_equal(n.status, BZJ_NB_DIRECT);
	assert_int_equal(n.last_check, BZJ_DATE_NONE);
	assert_false(n.capped);
	REFUSED(bzj_newbie_graduate(&f->x, "DX", D("2025-08-03"), &f->e), BZJ_ERULE,
		"newbie.direct");
	OK(bzj_newbie_get(&f->x, "NB", &n, &f->e));
	assert_true(n.capped); /* no score */
	assert_int_equal(n.reasons, BZJ_NBR_SCORE_MISSING);
	CS(f);
	REFUSED(bzj_newbie_graduate(&f->x, "NB", D("2025-08-03"), &f->e), BZJ_EPERM, "auth.role");
	REV2(f);
	OK(bzj_newbie_graduate(&f->x, "NB", D("2025-08-03"), &f->e));
	OK(bzj_newbie_get(&f->x, "NB", &n, &f->e));
	assert_int_equal(n.status, BZJ_NB_GRADUATED);
	assert_false(n.capped);
	assert_string_equal(n.graduated_by, "rev2");
	today(f, "2025-08-04");
	OK(bzj_newbie_check_day(&f->x, D("2025-08-03"), &run, &f->e));
	assert_int_equal(run.checked, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(check_equals_the_rule_for_every_shop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(direct_shops_are_never_checked_and_cannot_graduate,
						setup, teardown),
	};
	return cmocka_run_group_tests_name("newbie", tests, NULL, NULL);
}
