/* test_service.c - the service layer on a real SQLite database: each test
 * opens a fresh temporary database through bzj_ctx_open, acts as the
 * supervisor, reviewers and finance users by setting x->actor, calls the
 * service functions directly and asserts on the values they leave behind:
 * positions, ledger entries, refunds and the audit log. */
#include "bzj/check.h"
#include "bzj/import.h"
#include "bzj/receipt.h"
#include "bzj/refund.h"
#include "bzj/rules.h"
#include "bzj/violation.h"
#include "bzj/settings.h"
#include "fixture.h"

/* ---- helpers -------------------------------------------------------------- */

/* An individual business "id" with the operator's personal card, topped
 * up with `yuan`; base 2,000 yuan (服饰内衣). */
static void ready_shop(fx *f, const char *id, const char *yuan)
{
	bzj_actor was = f->x.actor;

	shop(f, id, BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	REV1(f);
	OK(bzj_shop_set_payee(&f->x, id, BZJ_PAYEE_PERSONAL, "张三", "6222000011112222",
			      D("2025-08-01"), NULL, NULL, &f->e));
	if (yuan)
		topup(f, id, yuan);
	f->x.actor = was;
}

static int64_t violation(fx *f, const char *id, const char *raise, const char *freeze)
{
	bzj_violation_in in = {.shop_id = id,
			       .cls = BZJ_VCLASS_A,
			       .points = 1,
			       .raise_fen = Y(raise),
			       .freeze_fen = Y(freeze),
			       .note = "测试违规",
			       .date = BZJ_DATE_NONE};
	int64_t vid = 0;
	bzj_actor was = f->x.actor;

	REV1(f);
	OK(bzj_violation_add(&f->x, &in, &vid, &f->e));
	f->x.actor = was;
	return vid;
}

static bzj_refund submit(fx *f, const char *id, int kind, const char *yuan)
{
	bzj_refund_in in = {.shop_id = id, .kind = kind, .amount_fen = yuan ? Y(yuan) : 0};
	bzj_refund r;
	bzj_actor was = f->x.actor;

	REV1(f);
	OK(bzj_refund_submit(&f->x, &in, &r, &f->e));
	f->x.actor = was;
	return r;
}

static int submit_rc(fx *f, const char *id, const char *yuan)
{
	bzj_refund_in in = {.shop_id = id, .kind = BZJ_REFUND_PARTIAL, .amount_fen = Y(yuan)};
	bzj_refund r;

	REV1(f);
	bzj_err_clear(&f->e);
	return bzj_refund_submit(&f->x, &in, &r, &f->e);
}

static bzj_refund approve(fx *f, int64_t rid)
{
	bzj_refund r;
	bzj_actor was = f->x.actor;

	REV2(f);
	OK(bzj_refund_approve(&f->x, rid, 0, &r, &f->e));
	f->x.actor = was;
	return r;
}

static bzj_refund pay(fx *f, int64_t rid)
{
	bzj_refund r;
	bzj_actor was = f->x.actor;

	FIN(f);
	OK(bzj_refund_pay(&f->x, rid, 0, &r, &f->e));
	f->x.actor = was;
	return r;
}

static bzj_refund get(fx *f, int64_t rid)
{
	bzj_refund r;

	OK(bzj_refund_get(&f->x, rid, &r, &f->e));
	return r;
}

typedef struct find_action {
	const char *action;
	int64_t n;
} find_action;

static int count_action(void *ctx, const bzj_audit_rec *r)
{
	find_action *a = ctx;

	a->n += strcmp(r->action, a->action) == 0;
	return 0;
}

static int64_t audit_actions(fx *f, const char *shop_id, const char *action)
{
	find_action a = {action, 0};

	OK(bzj_audit_log(&f->x, shop_id, 1000000, count_action, &a, &f->e));
	return a.n;
}

static int ledger_count(fx *f, const char *id)
{
	bzj_ledger_entry le[64];
	int n = 0;

	OK(bzj_ledger_list(&f->x, id, 0, le, 64, &n, &f->e));
	return n;
}

static int print_problem(void *ctx, const char *code, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: %s\n", code, msg);
	return 0;
}

static int64_t check_problems(fx *f)
{
	bzj_check_result r;

	memset(&r, 0, sizeof r);
	OK(bzj_check_all(&f->x, print_problem, NULL, &r, &f->e));
	return r.problems;
}

static bool in_shortfall_list(fx *f, const char *id)
{
	bzj_shop_query q;
	bzj_shop_row rows[64];
	int n = 0;

	memset(&q, 0, sizeof q);
	q.shortfall = true;
	OK(bzj_shop_list(&f->x, &q, rows, 64, &n, &f->e));
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].id, id))
			return true;
	return false;
}

/* ---- base deposit --------------------------------------------------------- */

static void three_categories_take_the_highest_base(void **state)
{
	fx *f = *state;
	bzj_shop_view v;

	/* 服饰内衣 2,000 / 4,000; 珠宝饰品 10,000 / 20,000; 生鲜水果 3,000 / 6,000 */
	shop(f, "I1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣|珠宝饰品|生鲜水果", "张三", NULL);
	shop(f, "I2", BZJ_ENTITY_INDIVIDUAL, "生鲜水果|服饰内衣|珠宝饰品", "李四", NULL);
	shop(f, "C1", BZJ_ENTITY_COMPANY, "珠宝饰品|服饰内衣|生鲜水果", NULL, "某某有限公司");
	v = view(f, "I1");
	assert_int_equal(v.ncategories, 3);
	assert_int_equal(v.dep.pos.base_fen, Y("10000"));
	assert_string_equal(v.dep.base_category, "珠宝饰品");
	assert_int_equal(v.dep.pos.required_fen, Y("10000"));
	assert_true(v.dep.pos.restricted);
	assert_int_equal(v.dep.pos.shortfall_fen, Y("10000"));
	/* the order the categories were given in does not matter */
	assert_int_equal(view(f, "I2").dep.pos.base_fen, Y("10000"));
	/* a company pays the company column of the same category */
	v = view(f, "C1");
	assert_int_equal(v.dep.pos.base_fen, Y("20000"));
	assert_string_equal(v.dep.base_category, "珠宝饰品");
	/* the cached requirement used by lists agrees */
	assert_int_equal(v.shop.required_fen, Y("20000"));
}

static void adding_a_higher_category_recomputes_at_once(void **state)
{
	fx *f = *state;

	shop(f, "I1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	topup(f, "I1", "2000");
	assert_false(view(f, "I1").dep.pos.restricted);
	REV1(f);
	OK(bzj_shop_add_category(&f->x, "I1", "文玩收藏", &f->e));
	bzj_shop_view v = view(f, "I1");
	assert_int_equal(v.dep.pos.base_fen, Y("20000"));
	assert_string_equal(v.dep.base_category, "文玩收藏");
	assert_true(v.dep.pos.restricted);
	assert_true(v.shop.restricted); /* recorded, not only computed */
	assert_int_equal(v.shop.required_fen, Y("20000"));
	/* opened restricted, lifted by the top-up, restricted by the category */
	assert_int_equal(audit_actions(f, "I1", "restriction.start"), 2);
	assert_int_equal(audit_actions(f, "I1", "restriction.lift"), 1);
	REFUSED(bzj_shop_add_category(&f->x, "I1", "不存在", &f->e), BZJ_EINPUT,
		"category.unknown");
}

static int write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static void standards_are_versioned_by_effective_date(void **state)
{
	fx *f = *state;
	char path[128];
	int loaded = 0;

	/* the shipped table: 美妆个护 4,000 from 2023, 5,000 from 2025-07-01 */
	shop(f, "B1", BZJ_ENTITY_INDIVIDUAL, "美妆个护", "张三", NULL);
	today(f, "2025-06-30");
	assert_int_equal(view(f, "B1").dep.pos.base_fen, Y("4000"));
	assert_int_equal(view(f, "B1").dep.base_effective, D("2023-01-01"));
	today(f, "2025-07-01");
	assert_int_equal(view(f, "B1").dep.pos.base_fen, Y("5000"));
	assert_int_equal(view(f, "B1").dep.base_effective, D("2025-07-01"));

	/* a newer version of one category, loaded from a file */
	snprintf(path, sizeof path, "%s/std.cfg", f->dir);
	assert_int_equal(write_file(path, "standards = ( { effective = \"2026-03-01\";\n"
					  "  categories = ( { name = \"服饰内衣\"; individual = 2500;"
					  " company = \"4500.50\"; } ); } );\n"),
			 0);
	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	shop(f, "C1", BZJ_ENTITY_COMPANY, "服饰内衣", NULL, "某某有限公司");
	today(f, "2026-01-10");
	REV1(f);
	REFUSED(bzj_standards_load(&f->x, path, &loaded, &f->e), BZJ_EPERM, "auth.role");
	SUP(f);
	OK(bzj_standards_load(&f->x, path, &loaded, &f->e));
	assert_int_equal(loaded, 1);
	today(f, "2026-02-28");
	assert_int_equal(view(f, "S1").dep.pos.base_fen, Y("2000"));
	assert_int_equal(view(f, "C1").dep.pos.base_fen, Y("4000"));
	today(f, "2026-03-01");
	assert_int_equal(view(f, "S1").dep.pos.base_fen, Y("2500"));
	assert_int_equal(view(f, "S1").dep.base_effective, D("2026-03-01"));
	assert_int_equal(view(f, "C1").dep.pos.base_fen, Y("4500.50"));
	/* other categories keep their version */
	assert_int_equal(view(f, "B1").dep.pos.base_fen, Y("5000"));
}

static void standards_change_takes_effect_on_its_date_in_lists_and_check(void **state)
{
	fx *f = *state;
	char path[128];
	int loaded = 0;

	/* DOMAIN: "a change re-computes every affected shop from that date".
	 * Loaded ahead of its date, the new base must show on that date in
	 * the shortfall list and `check`, not only in a live view. */
	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	topup(f, "S1", "2200");
	snprintf(path, sizeof path, "%s/std.cfg", f->dir);
	assert_int_equal(write_file(path, "standards = ( { effective = \"2026-03-01\";\n"
					  "  categories = ( { name = \"服饰内衣\"; individual = 2500;"
					  " company = 4500; } ); } );\n"),
			 0);
	today(f, "2026-02-20");
	SUP(f);
	OK(bzj_standards_load(&f->x, path, &loaded, &f->e));
	assert_false(in_shortfall_list(f, "S1"));
	assert_int_equal(check_problems(f), 0);
	today(f, "2026-03-01");
	assert_true(view(f, "S1").dep.pos.restricted);
	assert_true(in_shortfall_list(f, "S1"));
	assert_int_equal(check_problems(f), 0);
}

/* ---- floating ---------------------------------------------------------------- */

static void floating_from_last_months_gmv_effective_on_the_2nd(void **state)
{
	fx *f = *state;
	bzj_recompute_result r;
	bzj_month aug = bzj_date_month(D("2025-08-01"));

	shop(f, "A", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	shop(f, "B", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "李四", NULL);
	FIN(f);
	OK(bzj_gmv_set(&f->x, "A", aug, Y("50000.00"), &f->e));
	OK(bzj_gmv_set(&f->x, "B", aug, Y("50000.01"), &f->e));
	today(f, "2025-09-01");
	OK(bzj_deposit_recompute(&f->x, aug + 1, &r, &f->e));
	assert_int_equal(r.month, aug + 1);
	assert_int_equal(r.effective, D("2025-09-02"));
	assert_int_equal(r.shops, 2);
	assert_int_equal(r.changed, 2);
	assert_int_equal(view(f, "B").dep.pos.floating_fen, 0); /* the 1st: not yet */
	today(f, "2025-09-02");
	assert_int_equal(view(f, "A").dep.pos.floating_fen, 0);
	bzj_shop_view v = view(f, "B");
	assert_int_equal(v.dep.pos.floating_fen, 300000);
	assert_true(v.dep.floating_present);
	assert_int_equal(v.dep.floating_gmv_month, aug);
	assert_int_equal(v.dep.floating_gmv_fen, 5000001);
	assert_int_equal(v.dep.floating_effective, D("2025-09-02"));
	assert_int_equal(v.dep.pos.required_fen, 300000); /* max(2,000 base, 3,000) */
	/* idempotent */
	OK(bzj_deposit_recompute(&f->x, aug + 1, &r, &f->e));
	assert_int_equal(r.changed, 0);
	assert_int_equal(r.shops, 2);
	/* a corrected GMV changes exactly one shop */
	OK(bzj_gmv_set(&f->x, "A", aug, Y("100000.01"), &f->e));
	OK(bzj_deposit_recompute(&f->x, aug + 1, &r, &f->e));
	assert_int_equal(r.changed, 1);
	assert_int_equal(view(f, "A").dep.pos.floating_fen, 500000);
	CS(f);
	REFUSED(bzj_deposit_recompute(&f->x, aug + 1, &r, &f->e), BZJ_EPERM, "auth.role");
	REFUSED(bzj_gmv_set(&f->x, "A", aug, 1, &f->e), BZJ_EPERM, "auth.role");
	FIN(f);
	REFUSED(bzj_gmv_set(&f->x, "NOPE", aug, 1, &f->e), BZJ_ENOTFOUND, "shop.not_found");
	REFUSED(bzj_gmv_set(&f->x, "A", aug, -1, &f->e), BZJ_EINPUT, "input.amount");
}

/* ---- top-ups, fees ------------------------------------------------------------ */

static void topup_with_a_ref_is_applied_once(void **state)
{
	fx *f = *state;
	bzj_topup_in in = {.shop_id = "S1", .amount_fen = Y("3000"), .ref = "BANK-1"};
	int64_t id1 = 0, id2 = 0, bal = 0;
	bool replayed = true;

	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	FIN(f);
	OK(bzj_topup(&f->x, &in, &id1, &bal, &replayed, &f->e));
	assert_false(replayed);
	assert_int_equal(bal, 300000);
	int64_t audits = audit_count(f);
	OK(bzj_topup(&f->x, &in, &id2, &bal, &replayed, &f->e));
	assert_true(replayed);
	assert_int_equal(id2, id1);
	assert_int_equal(bal, 300000);
	assert_int_equal(view(f, "S1").shop.balance_fen, 300000);
	assert_int_equal(ledger_count(f, "S1"), 1);
	assert_int_equal(audit_count(f), audits);
	in.amount_fen = Y("3001");
	REFUSED(bzj_topup(&f->x, &in, &id2, &bal, &replayed, &f->e), BZJ_ERULE,
		"topup.ref_conflict");
	assert_int_equal(ledger_count(f, "S1"), 1);
}

static void third_party_topup_needs_acknowledgement(void **state)
{
	fx *f = *state;
	bzj_topup_in in = {.shop_id = "S1", .amount_fen = Y("100"), .payer = "王五"};
	int64_t id = 0, bal = 0;
	bool replayed;
	bzj_ledger_entry le[4];
	int n = 0;

	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", "张三服饰经营部");
	FIN(f);
	REFUSED(bzj_topup(&f->x, &in, &id, &bal, &replayed, &f->e), BZJ_ERULE,
		"topup.third_party_ack");
	assert_int_equal(ledger_count(f, "S1"), 0);
	in.payer = "张三服饰经营部"; /* the certified entity itself */
	OK(bzj_topup(&f->x, &in, &id, &bal, &replayed, &f->e));
	in.payer = "王五";
	in.ack_third_party = true;
	OK(bzj_topup(&f->x, &in, &id, &bal, &replayed, &f->e));
	OK(bzj_ledger_list(&f->x, "S1", 0, le, 4, &n, &f->e));
	assert_int_equal(n, 2);
	assert_true(le[0].third_party);
	assert_string_equal(le[0].payer, "王五");
	assert_false(le[1].third_party);
}

static void fee_never_takes_the_balance_below_zero(void **state)
{
	fx *f = *state;
	int64_t id = 0;

	ready_shop(f, "S1", "100");
	violation(f, "S1", "0", "60");
	FIN(f);
	REFUSED(bzj_fee(&f->x, "S1", Y("40.01"), "手续费", &id, &f->e), BZJ_ERULE,
		"fee.exceeds_balance");
	REFUSED(bzj_fee(&f->x, "S1", Y("1"), "", &id, &f->e), BZJ_EINPUT, "input.note");
	REFUSED(bzj_fee(&f->x, "S1", 0, "手续费", &id, &f->e), BZJ_EINPUT, "input.amount");
	OK(bzj_fee(&f->x, "S1", Y("40"), "手续费", &id, &f->e));
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("60"));
	assert_int_equal(view(f, "S1").dep.pos.available_fen, 0);
}

/* ---- violations --------------------------------------------------------------- */

static void raise_and_freeze_change_required_and_available(void **state)
{
	fx *f = *state;

	ready_shop(f, "S1", "3000");
	int64_t vid = violation(f, "S1", "500", "800");
	bzj_shop_view v = view(f, "S1");
	assert_int_equal(v.dep.pos.raises_fen, Y("500"));
	assert_int_equal(v.dep.pos.required_fen, Y("2500"));
	assert_int_equal(v.dep.pos.frozen_fen, Y("800"));
	assert_int_equal(v.dep.pos.available_fen, Y("2200"));
	assert_int_equal(v.dep.pos.refundable_fen, 0);
	assert_false(v.dep.pos.restricted); /* 3,000 >= 2,500 */
	assert_int_equal(v.open_violations, 1);
	REV1(f);
	OK(bzj_violation_resolve(&f->x, vid, 0, &f->e));
	v = view(f, "S1");
	assert_int_equal(v.dep.pos.raises_fen, 0);
	assert_int_equal(v.dep.pos.frozen_fen, 0);
	assert_int_equal(v.dep.pos.refundable_fen, Y("1000"));
	assert_int_equal(v.open_violations, 0);
	REFUSED(bzj_violation_resolve(&f->x, vid, 0, &f->e), BZJ_ERULE, "violation.resolved");
	REFUSED(bzj_violation_deduct(&f->x, vid, 1, 0, &f->e), BZJ_ERULE, "violation.resolved");
	bzj_violation_in in = {.shop_id = "S1", .cls = BZJ_VCLASS_B, .points = 3,
			       .freeze_fen = Y("3000.01"), .note = "x", .date = BZJ_DATE_NONE};
	int64_t id;
	REFUSED(bzj_violation_add(&f->x, &in, &id, &f->e), BZJ_ERULE,
		"violation.freeze_exceeds_available");
	in.freeze_fen = 0;
	in.note = "";
	REFUSED(bzj_violation_add(&f->x, &in, &id, &f->e), BZJ_EINPUT, "input.note");
	in.note = "x";
	in.points = 101;
	REFUSED(bzj_violation_add(&f->x, &in, &id, &f->e), BZJ_EINPUT, "input.points");
	FIN(f);
	in.points = 1;
	REFUSED(bzj_violation_add(&f->x, &in, &id, &f->e), BZJ_EPERM, "auth.role");
}

static void deduction_larger_than_the_balance(void **state)
{
	fx *f = *state;
	bzj_violation viol;
	bzj_effect eff;

	ready_shop(f, "S1", "1000");
	int64_t vid = violation(f, "S1", "0", "300");
	FIN(f);
	OK(bzj_shop_set_unsettled(&f->x, "S1", Y("200"), &f->e));
	REV1(f);
	/* the preview says what will happen and writes nothing */
	int64_t audits = audit_count(f);
	OK(bzj_violation_preview_deduct(&f->x, vid, Y("1500"), &eff, &f->e));
	assert_int_equal(eff.deduction.from_balance_fen, Y("1000"));
	assert_int_equal(eff.deduction.from_frozen_fen, Y("300"));
	assert_int_equal(eff.deduction.owed_fen, Y("500"));
	assert_int_equal(eff.deduction.from_unsettled_fen, Y("200"));
	assert_int_equal(eff.deduction.remaining_owed_fen, Y("300"));
	assert_true(eff.deduction.terminate);
	assert_int_equal(eff.after.balance_fen, 0);
	assert_int_equal(audit_count(f), audits);
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("1000"));

	OK(bzj_violation_deduct(&f->x, vid, Y("1500"), 0, &f->e));
	bzj_shop_view v = view(f, "S1");
	assert_int_equal(v.shop.balance_fen, 0);
	assert_int_equal(v.shop.frozen_fen, 0);
	assert_int_equal(v.shop.unsettled_fen, 0);
	assert_int_equal(v.shop.owed_fen, Y("300"));
	assert_int_equal(v.dep.pos.owed_fen, Y("300"));
	assert_true(v.shop.terminate);
	assert_true(v.dep.pos.restricted);
	OK(bzj_violation_get(&f->x, vid, &viol, &f->e));
	assert_int_equal(viol.deducted_fen, Y("1500"));
	/* one set of figures: 1,000 from the ledger + 200 covered + 300 owed */
	assert_int_equal(viol.owed_fen, Y("300"));
	assert_int_equal(viol.covered_fen, Y("200"));
	assert_int_equal(viol.frozen_fen, 0);
	/* one ledger entry for what the balance could give, never negative */
	bzj_ledger_entry le[8];
	int n = 0;
	OK(bzj_ledger_list(&f->x, "S1", 0, le, 8, &n, &f->e));
	assert_int_equal(n, 2);
	assert_int_equal(le[0].kind, BZJ_LK_DEDUCTION);
	assert_int_equal(le[0].amount_fen, -Y("1000"));
	assert_int_equal(le[0].balance_after_fen, 0);
	assert_int_equal(le[0].violation_id, vid);
	assert_int_equal(check_problems(f), 0);

	/* a top-up pays back what is owed first and lifts the flag */
	topup(f, "S1", "2500");
	v = view(f, "S1");
	assert_int_equal(v.shop.owed_fen, 0);
	assert_false(v.shop.terminate);
	assert_int_equal(v.shop.balance_fen, Y("2200"));
	assert_false(v.dep.pos.restricted);
	assert_int_equal(check_problems(f), 0);
}

static void deduction_leaves_other_violations_freezes_alone(void **state)
{
	fx *f = *state;

	ready_shop(f, "S1", "1000");
	int64_t v1 = violation(f, "S1", "0", "300");
	violation(f, "S1", "0", "300");
	REV1(f);
	OK(bzj_violation_deduct(&f->x, v1, Y("900"), 0, &f->e));
	bzj_shop_view v = view(f, "S1");
	assert_int_equal(v.shop.balance_fen, Y("300")); /* the other freeze */
	assert_int_equal(v.shop.frozen_fen, Y("300"));
	assert_int_equal(v.shop.owed_fen, Y("200"));
	assert_true(v.shop.terminate);
	assert_int_equal(check_problems(f), 0);
	/* resolving the other violation releases its freeze, which repays
	 * what v1 owes first; both figures follow */
	bzj_violation v2s[2];
	int n = 0;
	OK(bzj_violation_list(&f->x, "S1", true, 0, v2s, 2, &n, &f->e));
	int64_t v2 = v2s[0].id == v1 ? v2s[1].id : v2s[0].id;
	REV1(f);
	OK(bzj_violation_resolve(&f->x, v2, 0, &f->e));
	v = view(f, "S1");
	assert_int_equal(v.shop.balance_fen, Y("100"));
	assert_int_equal(v.shop.frozen_fen, 0);
	assert_int_equal(v.shop.owed_fen, 0);
	assert_false(v.shop.terminate);
	bzj_violation viol;
	OK(bzj_violation_get(&f->x, v1, &viol, &f->e));
	assert_int_equal(viol.owed_fen, 0);
	assert_int_equal(viol.deducted_fen, Y("900"));
	assert_int_equal(check_problems(f), 0);
}

static void rename_holds_payouts_and_needs_a_payee_in_the_new_name(void **state)
{
	fx *f = *state;
	bool changed = true;

	shop(f, "C1", BZJ_ENTITY_COMPANY, "服饰内衣", NULL, "甲公司");
	REV1(f);
	OK(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_CORPORATE, "甲公司", "9555000011112222",
			      BZJ_DATE_NONE, NULL, NULL, &f->e));
	topup(f, "C1", "10000");
	today(f, "2025-11-03");
	REV1(f);
	OK(bzj_shop_rename(&f->x, "C1", "乙公司", BZJ_DATE_NONE, NULL, &changed, &f->e));
	assert_true(changed);
	bzj_shop_view v = view(f, "C1");
	assert_string_equal(v.shop.entity_name, "乙公司");
	assert_int_equal(v.changes.hold_kind, BZJ_CHANGE_RENAME);
	assert_int_equal(v.changes.hold_notice, D("2025-11-03"));
	assert_string_equal(v.payee.problem, "payee.name_mismatch");
	bzj_refund_in in = {.shop_id = "C1", .kind = BZJ_REFUND_PARTIAL, .amount_fen = Y("100")};
	bzj_refund r;
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_ERULE, "payee.name_mismatch");
	/* the same name again changes nothing */
	int64_t audits = audit_count(f);
	OK(bzj_shop_rename(&f->x, "C1", "乙公司", BZJ_DATE_NONE, NULL, &changed, &f->e));
	assert_false(changed);
	assert_int_equal(audit_count(f), audits);
	/* back-dating: a reviewer may not, a supervisor with a reason may */
	REFUSED(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_CORPORATE, "乙公司", "9555000033334444",
				   D("2025-11-01"), NULL, NULL, &f->e),
		BZJ_EPERM, "notice.backdated");
	SUP(f);
	REFUSED(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_CORPORATE, "乙公司", "9555000033334444",
				   D("2025-11-01"), NULL, NULL, &f->e),
		BZJ_EINPUT, "input.reason");
	OK(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_CORPORATE, "乙公司", "9555000033334444",
			      D("2025-11-03"), NULL, &changed, &f->e));
	assert_true(changed);
	r = submit(f, "C1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	today(f, "2025-12-02"); /* notice + 29 */
	FIN(f);
	bzj_refund out;
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "payee.changed_recently");
	today(f, "2025-12-03"); /* notice + 30 */
	assert_int_equal(pay(f, r.id).status, BZJ_RS_PAID);
	assert_int_equal(check_problems(f), 0);
}

static void shortfall_restricts_and_a_topup_lifts_it_both_recorded(void **state)
{
	fx *f = *state;

	ready_shop(f, "S1", "2000");
	assert_false(view(f, "S1").shop.restricted);
	int64_t vid = violation(f, "S1", "1", "0");
	assert_true(view(f, "S1").shop.restricted);
	assert_int_equal(view(f, "S1").dep.pos.shortfall_fen, 100);
	assert_true(in_shortfall_list(f, "S1"));
	topup(f, "S1", "0.99");
	assert_true(view(f, "S1").shop.restricted);
	topup(f, "S1", "0.01");
	assert_false(view(f, "S1").shop.restricted);
	assert_false(in_shortfall_list(f, "S1"));
	/* opened restricted, lifted, restricted by the raise, lifted again */
	assert_int_equal(audit_actions(f, "S1", "restriction.start"), 2);
	assert_int_equal(audit_actions(f, "S1", "restriction.lift"), 2);
	REV1(f);
	OK(bzj_violation_resolve(&f->x, vid, 0, &f->e));
	assert_false(view(f, "S1").shop.restricted);
	assert_int_equal(check_problems(f), 0);
}

/* ---- payee ----------------------------------------------------------------- */

static void company_asking_for_a_personal_card(void **state)
{
	fx *f = *state;
	const char *acct = "6222000011112222";

	shop(f, "C1", BZJ_ENTITY_COMPANY, "服饰内衣", "法人甲", "某某科技有限公司");
	shop(f, "I1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", "张三服饰经营部");
	shop(f, "I2", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", NULL, "李四商行");
	REV1(f);
	REFUSED(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_PERSONAL, "法人甲", acct,
				   BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_ERULE, "payee.not_allowed");
	REFUSED(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_PERSONAL, "某某科技有限公司", acct,
				   BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_ERULE, "payee.not_allowed");
	REFUSED(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_CORPORATE, "某某科技", acct,
				   BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_ERULE, "payee.name_mismatch");
	assert_false(view(f, "C1").payee.present);
	OK(bzj_shop_set_payee(&f->x, "C1", BZJ_PAYEE_CORPORATE, "某某科技有限公司", acct,
			      BZJ_DATE_NONE, NULL, NULL, &f->e));
	assert_true(view(f, "C1").payee.valid);

	REFUSED(bzj_shop_set_payee(&f->x, "I1", BZJ_PAYEE_PERSONAL, "李四", acct, BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_ERULE, "payee.name_mismatch");
	OK(bzj_shop_set_payee(&f->x, "I1", BZJ_PAYEE_PERSONAL, "张三", acct, BZJ_DATE_NONE, NULL, NULL, &f->e));
	/* an individual business with no operator recorded: no personal card */
	REFUSED(bzj_shop_set_payee(&f->x, "I2", BZJ_PAYEE_PERSONAL, "李四", acct, BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_ERULE, "payee.not_allowed");
	OK(bzj_shop_set_payee(&f->x, "I2", BZJ_PAYEE_CORPORATE, "李四商行", acct, BZJ_DATE_NONE, NULL, NULL, &f->e));
	REFUSED(bzj_shop_set_payee(&f->x, "I2", BZJ_PAYEE_CORPORATE, "李四商行", "12ab5678",
				   BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_EINPUT, "input.account");
	/* support sees the last 4 digits only */
	CS(f);
	bzj_shop_view v;
	OK(bzj_shop_view_get(&f->x, "I1", &v, &f->e));
	assert_string_equal(v.payee.account, "************2222");
	REFUSED(bzj_shop_set_payee(&f->x, "I1", BZJ_PAYEE_PERSONAL, "张三", acct, BZJ_DATE_NONE, NULL, NULL, &f->e),
		BZJ_EPERM, "auth.role");
}

static void changed_account_waits_30_days_before_a_payout(void **state)
{
	fx *f = *state;

	ready_shop(f, "S1", "5000");
	today(f, "2025-11-03");
	REV1(f);
	OK(bzj_shop_set_payee(&f->x, "S1", BZJ_PAYEE_PERSONAL, "张三", "6222000099998888",
			      BZJ_DATE_NONE, NULL, NULL, &f->e));
	bzj_shop_view v = view(f, "S1");
	assert_true(v.payee.had_previous);
	assert_false(v.payee.valid);
	assert_string_equal(v.payee.problem, "payee.changed_recently");
	bzj_refund r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	int64_t audits = audit_count(f);
	today(f, "2025-12-02"); /* 29 days */
	FIN(f);
	bzj_refund out;
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "payee.changed_recently");
	assert_non_null(strstr(f->e.msg, "2025-12-03"));
	assert_int_equal(get(f, r.id).status, BZJ_RS_APPROVED);
	assert_int_equal(audit_count(f), audits);
	today(f, "2025-12-03"); /* 30 days */
	out = pay(f, r.id);
	assert_int_equal(out.status, BZJ_RS_PAID);
	assert_true(out.late);
}

/* ---- partial refunds --------------------------------------------------------- */

static void partial_refund_amount_and_window(void **state)
{
	fx *f = *state;
	bzj_refund r;

	ready_shop(f, "S1", "5000"); /* refundable 3,000 */
	today(f, "2025-11-03");
	REFUSED(submit_rc(f, "S1", "3000.01"), BZJ_ERULE, "refund.amount_exceeds_refundable");
	REFUSED(submit_rc(f, "S1", "0"), BZJ_EINPUT, "input.amount");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "3000");
	assert_int_equal(r.status, BZJ_RS_SUBMITTED);
	assert_int_equal(r.amount_fen, Y("3000"));
	assert_int_equal(r.submitted_on, D("2025-11-03"));
	assert_int_equal(r.window_start, D("2025-11-04"));
	assert_int_equal(r.window_end, D("2025-11-06"));
	assert_string_equal(r.submitted_by, "rev1");
	assert_int_equal(view(f, "S1").dep.pos.refundable_fen, 0);
	assert_int_equal(view(f, "S1").refund_in_progress, r.id);
	REFUSED(submit_rc(f, "S1", "1"), BZJ_ERULE, "refund.in_progress");
	/* four eyes */
	bzj_refund out;
	REV1(f);
	REFUSED(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "four_eyes");
	CS(f);
	REFUSED(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e), BZJ_EPERM, "auth.role");
	out = approve(f, r.id);
	assert_string_equal(out.approved_by, "rev2");
	assert_int_equal(out.approved_on, D("2025-11-03"));
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.window");
	assert_non_null(strstr(f->e.msg, "2025-11-04"));
	assert_non_null(strstr(f->e.msg, "2025-11-06"));
	REV2(f);
	today(f, "2025-11-04");
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_EPERM, "auth.role");
	today(f, "2025-11-07");
	assert_true(get(f, r.id).overdue);
	out = pay(f, r.id);
	assert_int_equal(out.status, BZJ_RS_PAID);
	assert_true(out.late);
	assert_false(out.overdue);
	assert_int_equal(out.paid_on, D("2025-11-07"));
	assert_string_equal(out.paid_by, "fin1");
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("2000"));
	assert_int_equal(check_problems(f), 0);
}

/* The console's queue takes the count of the open queue, and of its
 * overdue part, from the load line (bzj_refund_count_from_load): it must
 * be what bzj_refund_count says, and every other query must be left to
 * bzj_refund_count.  Refunds submitted, approved, paid and rejected, of
 * both kinds, before and after their windows close. */
static void count_from_the_load_line(void **state)
{
	fx *f = *state;
	static const char *const ids[] = {"Q1", "Q2", "Q3", "Q4", "Q5"};
	for (int i = 0; i < 5; i++)
		ready_shop(f, ids[i], "5000");
	today(f, "2025-11-03");
	int64_t a = submit(f, "Q1", BZJ_REFUND_PARTIAL, "100").id;
	int64_t b = submit(f, "Q2", BZJ_REFUND_PARTIAL, "200").id;
	int64_t c = submit(f, "Q3", BZJ_REFUND_PARTIAL, "300").id;
	submit(f, "Q4", BZJ_REFUND_PARTIAL, "400");
	approve(f, b);
	approve(f, c);
	today(f, "2025-11-04");
	pay(f, c);
	REV2(f);
	bzj_refund out;
	OK(bzj_refund_reject(&f->x, a, "材料不全", 0, &out, &f->e));
	submit(f, "Q1", BZJ_REFUND_PARTIAL, "50"); /* open again, due later */
	today(f, "2025-11-05");
	submit(f, "Q5", BZJ_REFUND_PARTIAL, "500");
	static const struct {
		bzj_refund_query q;
		bool known;
	} cases[] = {
	    {{.open_only = true}, true},
	    {{.overdue = true}, true},
	    {{.open_only = true, .overdue = true}, true},
	    {{.open_only = true, .kind = BZJ_REFUND_PARTIAL}, false},
	    {{.overdue = true, .kind = BZJ_REFUND_CLOSURE}, false},
	    {{.open_only = true, .shop_id = "Q2"}, false},
	    {{.status = BZJ_RS_APPROVED}, false},
	    {{.open_only = true, .awaiting_second = true}, false},
	    {{0}, false},
	};
	/* on the 5th nothing is overdue yet; on the 12th every open one is */
	static const char *const days[] = {"2025-11-05", "2025-11-12"};
	int64_t overdue_seen[2] = {-1, -1};
	for (int d = 0; d < 2; d++) {
		today(f, days[d]);
		bzj_queue_load l;
		OK(bzj_refund_load(&f->x, &l, &f->e));
		assert_int_equal(l.open, 4); /* Q1 again, Q2, Q4, Q5 */
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			int64_t from_load = -1, counted = -2;
			bool known = bzj_refund_count_from_load(&cases[i].q, &l, &from_load);
			assert_int_equal(known, cases[i].known);
			OK(bzj_refund_count(&f->x, &cases[i].q, &counted, &f->e));
			if (known)
				assert_int_equal(from_load, counted);
			if (known && cases[i].q.overdue)
				overdue_seen[d] = from_load;
		}
	}
	assert_int_equal(overdue_seen[0], 0);
	assert_int_equal(overdue_seen[1], 4);
}

static void request_on_a_holiday_counts_from_the_next_business_day(void **state)
{
	fx *f = *state;

	ready_shop(f, "S1", "5000");
	today(f, "2025-10-01"); /* National Day */
	bzj_refund r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	assert_int_equal(r.window_start, D("2025-10-09"));
	assert_int_equal(r.window_end, D("2025-10-11")); /* an adjusted Saturday */
}

static void fourth_refund_in_a_month(void **state)
{
	fx *f = *state;
	bzj_refund r, out;

	ready_shop(f, "S1", "10000");
	today(f, "2025-11-03");
	/* rejected and cancelled requests do not count */
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	REV2(f);
	OK(bzj_refund_reject(&f->x, r.id, "材料不全", 0, &out, &f->e));
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	OK(bzj_refund_cancel(&f->x, r.id, 0, &out, &f->e));
	/* paid, failed and paid again do */
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	today(f, "2025-11-04");
	pay(f, r.id);
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	FIN(f);
	OK(bzj_refund_fail(&f->x, r.id, "银行退票", 0, &out, &f->e));
	assert_int_equal(out.status, BZJ_RS_FAILED);
	assert_string_equal(out.failure_reason, "银行退票");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	today(f, "2025-11-05");
	pay(f, r.id);
	int64_t audits = audit_count(f);
	REFUSED(submit_rc(f, "S1", "100"), BZJ_ERULE, "refund.monthly_limit");
	assert_int_equal(audit_count(f), audits);
	/* the limit is per calendar month */
	today(f, "2025-12-01");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	assert_int_equal(r.status, BZJ_RS_SUBMITTED);
}

static void monthly_limit_comes_from_the_config(void **state)
{
	fx *f = *state;
	bzj_refund r, out;

	f->cfg.monthly_limit = 1;
	/* a changed limit is recorded by a supervisor before anyone writes
	 * under it (issue 16: the settings the database runs under) */
	bzj_settings_state st;
	bool changed = false;
	as(f, "root", BZJ_ROLE_SUPERVISOR); /* the default config's one supervisor */
	OK(bzj_settings_accept(&f->x, "limit lowered to 1", &st, &changed, &f->e));
	assert_true(changed);
	ready_shop(f, "S1", "10000");
	today(f, "2025-11-03");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	REV1(f);
	OK(bzj_refund_cancel(&f->x, r.id, 0, &out, &f->e));
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	REV1(f);
	OK(bzj_refund_cancel(&f->x, r.id, 0, &out, &f->e));
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	today(f, "2025-11-04");
	pay(f, r.id);
	REFUSED(submit_rc(f, "S1", "100"), BZJ_ERULE, "refund.monthly_limit");
}

static void payout_after_a_deduction_that_shrinks_refundable(void **state)
{
	fx *f = *state;
	bzj_refund r, out;

	ready_shop(f, "S1", "5000"); /* refundable 3,000 */
	today(f, "2025-11-03");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "1000");
	approve(f, r.id);
	int64_t vid = violation(f, "S1", "0", "0");
	REV1(f);
	OK(bzj_violation_deduct(&f->x, vid, Y("2000.01"), 0, &f->e)); /* leaves 999.99 */
	int ledger = ledger_count(f, "S1");
	int64_t failed_audits = audit_actions(f, "S1", "refund.payout_failed");
	today(f, "2025-11-04");
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.payout_failed");
	assert_int_equal(out.status, BZJ_RS_FAILED);
	assert_true(strlen(out.failure_reason) > 0);
	assert_non_null(strstr(f->e.msg, out.failure_reason));
	/* the failure itself is recorded; no money moved */
	bzj_refund g = get(f, r.id);
	assert_int_equal(g.status, BZJ_RS_FAILED);
	assert_string_equal(g.failure_reason, out.failure_reason);
	assert_int_equal(ledger_count(f, "S1"), ledger);
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("2999.99"));
	assert_int_equal(view(f, "S1").refund_in_progress, 0);
	assert_int_equal(audit_actions(f, "S1", "refund.payout_failed"), failed_audits + 1);
	assert_int_equal(check_problems(f), 0);
}

static void payout_recheck_passes_when_exactly_enough_is_left(void **state)
{
	fx *f = *state;
	bzj_refund r;

	ready_shop(f, "S1", "5000");
	today(f, "2025-11-03");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "1000");
	approve(f, r.id);
	int64_t vid = violation(f, "S1", "0", "0");
	REV1(f);
	OK(bzj_violation_deduct(&f->x, vid, Y("2000"), 0, &f->e)); /* leaves exactly 1,000 */
	today(f, "2025-11-04");
	r = pay(f, r.id);
	assert_int_equal(r.status, BZJ_RS_PAID);
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("2000"));
}

static void payout_fails_when_the_requirement_rose(void **state)
{
	fx *f = *state;
	bzj_refund r, out;

	ready_shop(f, "S1", "5000");
	today(f, "2025-11-03");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "1000");
	approve(f, r.id);
	violation(f, "S1", "2500", "0"); /* required 4,500: refundable 500 */
	today(f, "2025-11-04");
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.payout_failed");
	assert_int_equal(get(f, r.id).status, BZJ_RS_FAILED);
}

static void above_threshold_needs_a_supervisors_second_approval(void **state)
{
	fx *f = *state;
	bzj_refund r, out;

	ready_shop(f, "S1", "200000");
	today(f, "2025-11-03");
	/* exactly the threshold: one approval is enough */
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "50000");
	assert_false(r.needs_second);
	approve(f, r.id);
	today(f, "2025-11-04");
	assert_int_equal(pay(f, r.id).status, BZJ_RS_PAID);

	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "50000.01");
	assert_true(r.needs_second);
	approve(f, r.id);
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE,
		"refund.second_approval_required");
	REV2(f);
	REFUSED(bzj_refund_approve_second(&f->x, r.id, 0, &out, &f->e), BZJ_EPERM,
		"refund.second_approval_role");
	REV1(f);
	REFUSED(bzj_refund_approve_second(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "four_eyes");
	SUP(f);
	/* a plain approve of an approved refund is never a second approval:
	 * whoever lost a race to approve first must be told, not counted */
	REFUSED(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.state");
	assert_string_equal(get(f, r.id).second_by, "");
	OK(bzj_refund_approve_second(&f->x, r.id, 0, &out, &f->e));
	assert_string_equal(out.second_by, "sup1");
	assert_string_equal(out.approved_by, "rev2");
	SUP2(f);
	REFUSED(bzj_refund_approve_second(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.state");
	REFUSED(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.state");
	today(f, "2025-11-05");
	SUP(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "four_eyes");
	FIN(f);
	OK(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e));
	assert_int_equal(out.status, BZJ_RS_PAID);

	/* a supervisor's first approval still needs another supervisor */
	today(f, "2025-12-01");
	r = submit(f, "S1", BZJ_REFUND_PARTIAL, "60000");
	SUP(f);
	OK(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e));
	REFUSED(bzj_refund_approve_second(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "four_eyes");
	SUP2(f);
	/* the console's way: approve the approved version the supervisor saw */
	OK(bzj_refund_approve(&f->x, r.id, out.version, &out, &f->e));
	assert_string_equal(out.second_by, "sup2");
}

/* ---- closure refunds ------------------------------------------------------------- */

static void close_shop(fx *f, const char *id, const char *date)
{
	bzj_actor was = f->x.actor;

	REV1(f);
	OK(bzj_shop_close(&f->x, id, D(date), &f->e));
	f->x.actor = was;
}

static void closure_refund_with_one_checklist_item_unticked(void **state)
{
	fx *f = *state;
	static const int items[] = {BZJ_CHECK_MATERIALS, BZJ_CHECK_INFO, BZJ_CHECK_SIGNATURES,
				    BZJ_CHECK_STATEMENTS};
	bzj_refund out;

	today(f, "2026-02-02");
	for (int miss = 0; miss < 4; miss++) {
		char id[16];
		snprintf(id, sizeof id, "S%d", miss);
		ready_shop(f, id, "3000");
		close_shop(f, id, "2026-02-02");
		bzj_refund r = submit(f, id, BZJ_REFUND_CLOSURE, NULL);
		assert_int_equal(r.amount_fen, Y("3000"));
		REV2(f);
		for (int i = 0; i < 4; i++)
			if (i != miss)
				OK(bzj_refund_check(&f->x, r.id, items[i], 0, &out, &f->e));
		int64_t audits = audit_count(f);
		REFUSED(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE,
			"refund.checklist_incomplete");
		assert_non_null(strstr(f->e.msg, bzj_check_item_name(items[miss])));
		assert_int_equal(audit_count(f), audits);
		out = get(f, r.id);
		assert_int_equal(out.status, BZJ_RS_SUBMITTED);
		assert_int_equal(out.checklist, BZJ_CHECK_ALL & ~items[miss]);
		OK(bzj_refund_check(&f->x, r.id, items[miss], 0, &out, &f->e));
		assert_int_equal(out.checklist, BZJ_CHECK_ALL);
		OK(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e));
		assert_int_equal(out.status, BZJ_RS_APPROVED);
	}
}

static void closure_refund_rules_and_window(void **state)
{
	fx *f = *state;
	bzj_refund_in in = {.shop_id = "S1", .kind = BZJ_REFUND_CLOSURE};
	bzj_refund r, out;

	ready_shop(f, "S1", "3000");
	int64_t tid = topup(f, "S1", "1000");
	today(f, "2025-08-08");
	bzj_receipt rc;
	FIN(f);
	OK(bzj_receipt_request(&f->x, "S1", tid, &rc, &f->e));
	today(f, "2026-02-02");
	REV1(f);
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_ERULE, "refund.shop_not_closed");
	int64_t vid = violation(f, "S1", "100", "500");
	close_shop(f, "S1", "2026-02-02");
	/* closure voids receipts */
	bzj_receipt list[4];
	int n = 0;
	OK(bzj_receipt_list(&f->x, "S1", list, 4, &n, &f->e));
	assert_int_equal(n, 1);
	assert_true(list[0].voided);
	REV1(f);
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_ERULE, "refund.frozen");
	OK(bzj_violation_resolve(&f->x, vid, 0, &f->e));
	in.amount_fen = 1;
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_EINPUT, "input.amount");
	in.amount_fen = 0;
	in.kind = BZJ_REFUND_PARTIAL;
	in.amount_fen = 1;
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_ERULE, "refund.shop_closed");
	in.kind = BZJ_REFUND_CLOSURE;
	in.amount_fen = 0;
	OK(bzj_refund_submit(&f->x, &in, &r, &f->e));
	assert_int_equal(r.amount_fen, Y("4000")); /* the whole available balance */
	/* business day 7..15 after 2026-02-02, across Spring Festival */
	assert_int_equal(r.window_start, D("2026-02-11"));
	assert_int_equal(r.window_end, D("2026-02-28"));
	REV2(f);
	for (int bit = 1; bit <= BZJ_CHECK_STATEMENTS; bit <<= 1)
		OK(bzj_refund_check(&f->x, r.id, bit, 0, &out, &f->e));
	approve(f, r.id);
	today(f, "2026-02-10");
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.window");
	today(f, "2026-02-11");
	out = pay(f, r.id);
	assert_int_equal(out.status, BZJ_RS_PAID);
	assert_false(out.late);
	assert_int_equal(view(f, "S1").shop.balance_fen, 0);
	assert_int_equal(check_problems(f), 0);
}

static void closure_refund_refused_when_owed_or_empty(void **state)
{
	fx *f = *state;
	bzj_refund_in in = {.shop_id = "S1", .kind = BZJ_REFUND_CLOSURE};
	bzj_refund r;

	ready_shop(f, "S1", "100");
	ready_shop(f, "S2", NULL);
	int64_t vid = violation(f, "S1", "0", "0");
	REV1(f);
	OK(bzj_violation_deduct(&f->x, vid, Y("150"), 0, &f->e));
	close_shop(f, "S1", "2025-08-01");
	close_shop(f, "S2", "2025-08-01");
	REV1(f);
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_ERULE, "refund.owed");
	in.shop_id = "S2";
	REFUSED(bzj_refund_submit(&f->x, &in, &r, &f->e), BZJ_ERULE, "refund.nothing_to_refund");
}

static void closing_is_refused_with_a_refund_in_progress(void **state)
{
	fx *f = *state;

	ready_shop(f, "S1", "5000");
	bzj_refund r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	REV1(f);
	REFUSED(bzj_shop_close(&f->x, "S1", D("2025-08-01"), &f->e), BZJ_ERULE,
		"refund.in_progress");
	REFUSED(bzj_shop_close(&f->x, "S1", D("2025-08-02"), &f->e), BZJ_EINPUT, "input.date");
	bzj_refund out;
	OK(bzj_refund_cancel(&f->x, r.id, 0, &out, &f->e));
	OK(bzj_shop_close(&f->x, "S1", D("2025-08-01"), &f->e));
	REFUSED(bzj_shop_close(&f->x, "S1", D("2025-08-01"), &f->e), BZJ_ERULE, "shop.closed");
	bzj_shop_view v = view(f, "S1");
	assert_int_equal(v.shop.status, BZJ_SHOP_CLOSED);
	assert_int_equal(v.shop.closed, D("2025-08-01"));
	assert_int_equal(v.dep.pos.required_fen, 0);
	assert_int_equal(audit_actions(f, "S1", "shop.close"), 1);
}

/* ---- receipts ---------------------------------------------------------------- */

static void receipts_from_7_days_titled_to_the_entity(void **state)
{
	fx *f = *state;
	bzj_receipt r;

	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", "张三服饰经营部");
	int64_t tid = topup(f, "S1", "2000");
	FIN(f);
	today(f, "2025-08-07");
	REFUSED(bzj_receipt_request(&f->x, "S1", tid, &r, &f->e), BZJ_ERULE, "receipt.too_early");
	assert_non_null(strstr(f->e.msg, "2025-08-08"));
	today(f, "2025-08-08");
	OK(bzj_receipt_request(&f->x, "S1", tid, &r, &f->e));
	assert_string_equal(r.title, "张三服饰经营部");
	assert_int_equal(r.amount_fen, Y("2000"));
	assert_int_equal(r.topup_id, tid);
	assert_false(r.voided);
	REFUSED(bzj_receipt_request(&f->x, "S1", tid, &r, &f->e), BZJ_ERULE, "receipt.exists");
	/* a deduction entry is not a top-up */
	int64_t vid = violation(f, "S1", "0", "0");
	REV1(f);
	OK(bzj_violation_deduct(&f->x, vid, Y("1"), 0, &f->e));
	bzj_ledger_entry le[2];
	int n = 0;
	OK(bzj_ledger_list(&f->x, "S1", 0, le, 2, &n, &f->e));
	today(f, "2025-09-08");
	REFUSED(bzj_receipt_request(&f->x, "S1", le[0].id, &r, &f->e), BZJ_EINPUT,
		"receipt.not_topup");
	CS(f);
	REFUSED(bzj_receipt_request(&f->x, "S1", tid, &r, &f->e), BZJ_EPERM, "auth.role");
}

/* ---- refund state machine ------------------------------------------------------- */

enum { ACT_CHECK, ACT_APPROVE, ACT_REJECT, ACT_CANCEL, ACT_PAY, ACT_FAIL, NACT };
static const char *const act_name[] = {"check", "approve", "reject", "cancel", "pay", "fail"};

/* Try one action as a user who may do it and is not barred by four-eyes. */
static int act(fx *f, int a, int64_t id, bzj_refund *out)
{
	bzj_err_clear(&f->e);
	switch (a) {
	case ACT_CHECK:
		as(f, "rev3", BZJ_ROLE_REVIEWER);
		return bzj_refund_check(&f->x, id, BZJ_CHECK_MATERIALS, 0, out, &f->e);
	case ACT_APPROVE:
		as(f, "rev3", BZJ_ROLE_REVIEWER);
		return bzj_refund_approve(&f->x, id, 0, out, &f->e);
	case ACT_REJECT:
		as(f, "rev3", BZJ_ROLE_REVIEWER);
		return bzj_refund_reject(&f->x, id, "理由", 0, out, &f->e);
	case ACT_CANCEL:
		as(f, "rev3", BZJ_ROLE_REVIEWER);
		return bzj_refund_cancel(&f->x, id, 0, out, &f->e);
	case ACT_PAY:
		as(f, "fin2", BZJ_ROLE_FINANCE);
		return bzj_refund_pay(&f->x, id, 0, out, &f->e);
	default:
		as(f, "fin2", BZJ_ROLE_FINANCE);
		return bzj_refund_fail(&f->x, id, "理由", 0, out, &f->e);
	}
}

/* A closure refund of a fresh closed shop, brought to `status`. */
static int64_t refund_in(fx *f, int n, int status)
{
	char id[16];
	bzj_refund out;

	snprintf(id, sizeof id, "T%d", n);
	today(f, "2025-08-01");
	ready_shop(f, id, "1000");
	close_shop(f, id, "2025-08-01");
	bzj_refund r = submit(f, id, BZJ_REFUND_CLOSURE, NULL);
	if (status == BZJ_RS_SUBMITTED)
		return r.id;
	REV2(f);
	if (status == BZJ_RS_REJECTED) {
		OK(bzj_refund_reject(&f->x, r.id, "不符合", 0, &out, &f->e));
		return r.id;
	}
	if (status == BZJ_RS_CANCELLED) {
		OK(bzj_refund_cancel(&f->x, r.id, 0, &out, &f->e));
		return r.id;
	}
	for (int bit = 1; bit <= BZJ_CHECK_STATEMENTS; bit <<= 1)
		OK(bzj_refund_check(&f->x, r.id, bit, 0, &out, &f->e));
	approve(f, r.id);
	if (status == BZJ_RS_APPROVED)
		return r.id;
	FIN(f);
	if (status == BZJ_RS_FAILED) {
		OK(bzj_refund_fail(&f->x, r.id, "银行退票", 0, &out, &f->e));
		return r.id;
	}
	today(f, "2025-08-20");
	pay(f, r.id);
	return r.id;
}

static void every_refused_state_transition(void **state)
{
	fx *f = *state;
	/* allowed[status][action]; APPROVE on an approved refund is the second
	 * approval, refused here because the amount is under the threshold. */
	static const bool allowed[BZJ_RS_FAILED + 1][NACT] = {
		[BZJ_RS_SUBMITTED] = {[ACT_CHECK] = true, [ACT_APPROVE] = true,
				      [ACT_REJECT] = true, [ACT_CANCEL] = true},
		[BZJ_RS_APPROVED] = {[ACT_REJECT] = true, [ACT_CANCEL] = true, [ACT_PAY] = true,
				     [ACT_FAIL] = true},
	};
	int n = 0;

	for (int st = BZJ_RS_SUBMITTED; st <= BZJ_RS_FAILED; st++) {
		for (int a = 0; a < NACT; a++) {
			if (allowed[st][a])
				continue;
			int64_t id = refund_in(f, n++, st);
			bzj_refund before = get(f, id), out;
			int64_t audits = audit_count(f);
			today(f, "2025-08-20");
			int rc = act(f, a, id, &out);
			if (rc != BZJ_ERULE || strcmp(f->e.code, "refund.state") != 0)
				fail_msg("%s on a %s refund: want refund.state, got rc %d %s (%s)",
					 act_name[a], bzj_refund_status_name(st), rc, f->e.code,
					 f->e.msg);
			bzj_refund after = get(f, id);
			assert_int_equal(after.status, before.status);
			assert_int_equal(after.version, before.version);
			assert_int_equal(audit_count(f), audits);
		}
	}
	/* the allowed ones do what they say */
	for (int a = 0; a < NACT; a++) {
		if (!allowed[BZJ_RS_APPROVED][a])
			continue;
		int64_t id = refund_in(f, n++, BZJ_RS_APPROVED);
		bzj_refund out;
		today(f, "2025-08-20");
		if (act(f, a, id, &out) != BZJ_OK)
			fail_msg("%s on an approved refund: %s (%s)", act_name[a], f->e.code,
				 f->e.msg);
	}
}

static void partial_refund_has_no_checklist_and_reasons_are_required(void **state)
{
	fx *f = *state;
	bzj_refund out;

	ready_shop(f, "S1", "5000");
	bzj_refund r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	REV2(f);
	REFUSED(bzj_refund_check(&f->x, r.id, BZJ_CHECK_INFO, 0, &out, &f->e), BZJ_ERULE,
		"refund.not_closure");
	REFUSED(bzj_refund_reject(&f->x, r.id, NULL, 0, &out, &f->e), BZJ_EINPUT, "input.reason");
	REFUSED(bzj_refund_reject(&f->x, r.id, "", 0, &out, &f->e), BZJ_EINPUT, "input.reason");
	REFUSED(bzj_refund_approve(&f->x, 99999, 0, &out, &f->e), BZJ_ENOTFOUND,
		"refund.not_found");
	approve(f, r.id);
	FIN(f);
	REFUSED(bzj_refund_fail(&f->x, r.id, "", 0, &out, &f->e), BZJ_EINPUT, "input.reason");
	/* whoever approved cannot record the failure either */
	REV2(f);
	f->x.actor.role = BZJ_ROLE_SUPERVISOR;
	REFUSED(bzj_refund_fail(&f->x, r.id, "x", 0, &out, &f->e), BZJ_ERULE, "four_eyes");
	assert_int_equal(get(f, r.id).status, BZJ_RS_APPROVED);
}

static void checklist_items_are_ticked_one_at_a_time(void **state)
{
	fx *f = *state;
	static const int bad[] = {0, 3, BZJ_CHECK_ALL, 16, -1};
	bzj_refund out;

	ready_shop(f, "S1", "1000");
	close_shop(f, "S1", "2025-08-01");
	bzj_refund r = submit(f, "S1", BZJ_REFUND_CLOSURE, NULL);
	REV2(f);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t audits = audit_count(f);
		bzj_err_clear(&f->e);
		int rc = bzj_refund_check(&f->x, r.id, bad[i], 0, &out, &f->e);
		if (rc != BZJ_EINPUT || strcmp(f->e.code, "input.item") != 0)
			fail_msg("check item %d: want input.item, got rc %d %s (%s)", bad[i], rc,
				 f->e.code, f->e.msg);
		assert_int_equal(get(f, r.id).checklist, 0);
		assert_int_equal(audit_count(f), audits);
	}
	/* approval still needs four separate ticks */
	REFUSED(bzj_refund_approve(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE,
		"refund.checklist_incomplete");
}

/* ---- concurrency ------------------------------------------------------------- */

static void stale_version_is_a_conflict_naming_who_changed_it(void **state)
{
	fx *f = *state;
	bzj_refund out;

	ready_shop(f, "S1", "5000");
	today(f, "2025-11-03");
	bzj_refund seen = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	assert_int_equal(seen.version, 1);
	/* rev2 approves the version it saw */
	REV2(f);
	OK(bzj_refund_approve(&f->x, seen.id, seen.version, &out, &f->e));
	assert_true(out.version > seen.version);
	assert_string_equal(out.changed_by, "rev2");
	int64_t audits = audit_count(f);
	/* someone still looking at version 1 */
	as(f, "rev3", BZJ_ROLE_REVIEWER);
	REFUSED(bzj_refund_reject(&f->x, seen.id, "太晚", seen.version, &out, &f->e), BZJ_EBUSY,
		"conflict.stale");
	assert_non_null(strstr(f->e.msg, "rev2"));
	assert_non_null(strstr(f->e.msg, "approved"));
	today(f, "2025-11-04");
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, seen.id, seen.version, &out, &f->e), BZJ_EBUSY,
		"conflict.stale");
	assert_int_equal(audit_count(f), audits);
	assert_int_equal(get(f, seen.id).status, BZJ_RS_APPROVED);
	/* with the current version it goes through */
	bzj_refund cur = get(f, seen.id);
	OK(bzj_refund_pay(&f->x, seen.id, cur.version, &out, &f->e));
	assert_int_equal(out.status, BZJ_RS_PAID);
}

/* ---- atomicity --------------------------------------------------------------- */

static int ignore_line(void *ctx, long line, const char *field, const char *msg)
{
	(void)line;
	(void)field;
	(void)msg;
	(*(int *)ctx)++;
	return 0;
}

static void rolled_back_failures_leave_no_audit_and_no_ledger(void **state)
{
	fx *f = *state;
	bzj_refund out;
	int64_t id = 0, bal = 0;
	bool replayed;

	ready_shop(f, "S1", "3000");
	int64_t audits = audit_count(f);
	int ledger = ledger_count(f, "S1");
	int64_t version = view(f, "S1").shop.version;

	/* rule refusals at every stage of the transaction */
	FIN(f);
	bzj_topup_in tin = {.shop_id = "S1", .amount_fen = 100, .payer = "别人"};
	REFUSED(bzj_topup(&f->x, &tin, &id, &bal, &replayed, &f->e), BZJ_ERULE,
		"topup.third_party_ack");
	REFUSED(bzj_fee(&f->x, "S1", Y("3000.01"), "手续费", &id, &f->e), BZJ_ERULE,
		"fee.exceeds_balance");
	REFUSED(submit_rc(f, "S1", "1000.01"), BZJ_ERULE, "refund.amount_exceeds_refundable");
	bzj_violation_in vin = {.shop_id = "S1", .cls = BZJ_VCLASS_A, .points = 1,
				.freeze_fen = Y("3000.01"), .note = "x", .date = BZJ_DATE_NONE};
	REV1(f);
	REFUSED(bzj_violation_add(&f->x, &vin, &id, &f->e), BZJ_ERULE,
		"violation.freeze_exceeds_available");
	/* a payout refused after the refund and shop were loaded */
	bzj_refund r = submit(f, "S1", BZJ_REFUND_PARTIAL, "100");
	approve(f, r.id);
	int64_t audits_r = audit_count(f);
	int64_t version_r = get(f, r.id).version;
	FIN(f);
	REFUSED(bzj_refund_pay(&f->x, r.id, 0, &out, &f->e), BZJ_ERULE, "refund.window");
	assert_int_equal(audit_count(f), audits_r);
	assert_int_equal(get(f, r.id).version, version_r);
	REV1(f);
	OK(bzj_refund_cancel(&f->x, r.id, 0, &out, &f->e));
	audits = audit_count(f);
	version = view(f, "S1").shop.version;

	/* an import whose last line is bad: the good lines before it had
	 * written ledger entries and audit records inside the transaction */
	static const char csv[] = "shop_id,amount,date\n"
				  "S1,100,2025-08-01\n"
				  "S1,200,2025-08-01\n"
				  "S1,-1,2025-08-01\n";
	bzj_import_result ir;
	int bad = 0;
	FIN(f);
	REFUSED(bzj_import(&f->x, BZJ_IMPORT_TOPUPS, csv, sizeof csv - 1, ignore_line, &bad, &ir,
			   &f->e),
		BZJ_EINPUT, "import.invalid");
	assert_int_equal(bad, 1);
	assert_int_equal(ir.rows, 0);
	assert_int_equal(audit_count(f), audits);
	assert_int_equal(ledger_count(f, "S1"), ledger);
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("3000"));
	assert_int_equal(view(f, "S1").shop.version, version);
	bzj_audit_verify_result vr;
	OK(bzj_audit_verify(&f->x, &vr, &f->e));
	assert_true(vr.ok);
	assert_int_equal(vr.entries, audits);
	assert_int_equal(check_problems(f), 0);
}

static void permission_is_checked_before_anything_is_read(void **state)
{
	fx *f = *state;
	bzj_refund out;
	int64_t id, bal;
	bool replayed;
	bzj_topup_in tin = {.shop_id = "NOPE", .amount_fen = 100};

	as(f, "nobody", BZJ_ROLE_NONE);
	REFUSED(bzj_topup(&f->x, &tin, &id, &bal, &replayed, &f->e), BZJ_EPERM, "auth.role");
	bzj_shop_view v;
	REFUSED(bzj_shop_view_get(&f->x, "NOPE", &v, &f->e), BZJ_EPERM, "auth.role");
	CS(f);
	REFUSED(bzj_refund_pay(&f->x, 1, 0, &out, &f->e), BZJ_EPERM, "auth.role");
	REFUSED(bzj_shop_view_get(&f->x, "NOPE", &v, &f->e), BZJ_ENOTFOUND, "shop.not_found");
	REFUSED(bzj_shop_view_get(&f->x, "bad id!", &v, &f->e), BZJ_EINPUT, "input.id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(three_categories_take_the_highest_base),
		T(adding_a_higher_category_recomputes_at_once),
		T(standards_are_versioned_by_effective_date),
		T(standards_change_takes_effect_on_its_date_in_lists_and_check),
		T(floating_from_last_months_gmv_effective_on_the_2nd),
		T(topup_with_a_ref_is_applied_once),
		T(third_party_topup_needs_acknowledgement),
		T(fee_never_takes_the_balance_below_zero),
		T(raise_and_freeze_change_required_and_available),
		T(deduction_larger_than_the_balance),
		T(deduction_leaves_other_violations_freezes_alone),
		T(rename_holds_payouts_and_needs_a_payee_in_the_new_name),
		T(shortfall_restricts_and_a_topup_lifts_it_both_recorded),
		T(company_asking_for_a_personal_card),
		T(changed_account_waits_30_days_before_a_payout),
		T(partial_refund_amount_and_window),
	    T(count_from_the_load_line),
		T(request_on_a_holiday_counts_from_the_next_business_day),
		T(fourth_refund_in_a_month),
		T(monthly_limit_comes_from_the_config),
		T(payout_after_a_deduction_that_shrinks_refundable),
		T(payout_recheck_passes_when_exactly_enough_is_left),
		T(payout_fails_when_the_requirement_rose),
		T(above_threshold_needs_a_supervisors_second_approval),
		T(closure_refund_with_one_checklist_item_unticked),
		T(closure_refund_rules_and_window),
		T(closure_refund_refused_when_owed_or_empty),
		T(closing_is_refused_with_a_refund_in_progress),
		T(receipts_from_7_days_titled_to_the_entity),
		T(every_refused_state_transition),
		T(partial_refund_has_no_checklist_and_reasons_are_required),
		T(checklist_items_are_ticked_one_at_a_time),
		T(stale_version_is_a_conflict_naming_who_changed_it),
		T(rolled_back_failures_leave_no_audit_and_no_ledger),
		T(permission_is_checked_before_anything_is_read),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
