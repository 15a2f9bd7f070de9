/* demo.c - realistic, reproducible demo data: Chinese shop names and
 * categories, both entity types, GMV in every tier, top-ups (some by third
 * parties), fees, violations in every state, shortfalls, closed shops and
 * refunds in every status, overdue ones included.  Everything is written in
 * one transaction and consistent by construction; `bzj check` proves it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/demo.h"
#include "bzj/money.h"
#include "bzj/provider.h"
#include "service.h"

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int64_t rrange(rng *r, int64_t lo, int64_t hi)
{
	return hi <= lo ? lo : lo + (int64_t)(rnext(r) % (uint64_t)(hi - lo + 1));
}

static bool chance(rng *r, int percent)
{
	return (int)(rnext(r) % 100) < percent;
}

#define PICK(r, a) ((a)[rnext(r) % (sizeof(a) / sizeof((a)[0]))])

static const char *const cities[] = {"杭州", "上海", "广州", "深圳", "北京", "成都", "武汉",
				     "义乌", "泉州", "苏州", "南京", "西安", "长沙", "青岛",
				     "厦门", "重庆", "郑州", "天津", "温州", "佛山"};
static const char *const words[] = {"云裳", "锦绣", "青禾", "山海", "小满", "初心", "悦享",
				    "优品", "源味", "匠心", "时光", "花间", "星辰", "木子",
				    "晨曦", "朴素", "乐活", "知味", "雅居", "极客", "半亩",
				    "拾光", "南山", "暖阳", "鹿角", "白鹭", "橙意", "蓝湾"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
				       "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
static const char *const given[] = {"伟",   "芳",   "娜", "敏",   "静",	"丽",	"强",
				    "磊",   "军",   "洋", "勇",   "艳",	"杰",	"娟",
				    "涛",   "明",   "超", "秀英", "霞",	"平",	"刚",
				    "桂英", "晓东", "海燕", "建华", "志强", "婷婷", "子涵"};

/* Categories of data/standards.cfg with a short word for shop names and a
 * weight (ordinary categories are common, high-risk ones rare). */
static const struct {
	const char *name, *word;
	int weight;
} cats[] = {
	{"服饰内衣", "服饰", 20}, {"鞋靴箱包", "鞋包", 8},  {"食品饮料", "食品", 14},
	{"日用百货", "百货", 12}, {"家居家纺", "家居", 8},  {"美妆个护", "美妆", 8},
	{"母婴用品", "母婴", 6},  {"数码家电", "数码", 7},  {"生鲜水果", "果园", 6},
	{"图书音像", "书屋", 3},  {"运动户外", "运动", 4},  {"医药保健", "健康", 2},
	{"珠宝饰品", "珠宝", 2},  {"文玩收藏", "文玩", 1},  {"黄金铂金", "金行", 1},
};
#define NCATS ((int)(sizeof cats / sizeof cats[0]))

static int pick_cat(rng *r)
{
	int total = 0;
	for (int i = 0; i < NCATS; i++)
		total += cats[i].weight;
	int x = (int)rrange(r, 0, total - 1);
	for (int i = 0; i < NCATS; i++) {
		if (x < cats[i].weight)
			return i;
		x -= cats[i].weight;
	}
	return 0;
}

typedef struct gen {
	bzj_ctx *x;
	rng r;
	bzj_err *e;
	int months;
	int refund_pct; /* of open shops with a partial refund */
	int64_t stats[8];
	rng nr; /* the newbie period's own stream: the rest of the demo is as it was */
	/* rows waiting for one multi-row INSERT each (flush): nothing reads
	 * these tables while the shops are made, and the ledger keeps its
	 * order (the ids) */
	bzj_ledger_entry *led;
	bzj_demo_month *gmv, *flt;
	bzj_demo_newbie *nb;
	size_t nled, ngmv, nflt, nnb;
} gen;

enum { GEN_BUF = 256 };

static int flush(gen *g, bool all)
{
	int rc = BZJ_OK;
	if (g->nled && (all || g->nled == GEN_BUF)) {
		rc = bzj_store_demo_ledger(g->x->db, g->led, g->nled, g->e);
		g->nled = 0;
	}
	if (!rc && g->ngmv && (all || g->ngmv == GEN_BUF)) {
		rc = bzj_store_demo_gmv(g->x->db, g->gmv, g->ngmv, g->e);
		g->ngmv = 0;
	}
	if (!rc && g->nflt && (all || g->nflt == GEN_BUF)) {
		rc = bzj_store_demo_floating(g->x->db, g->flt, g->nflt, g->e);
		g->nflt = 0;
	}
	if (!rc && g->nnb && (all || g->nnb == GEN_BUF)) {
		rc = bzj_store_demo_newbie(g->x->db, g->nb, g->nnb, g->e);
		g->nnb = 0;
	}
	return rc;
}

static void person(rng *r, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", PICK(r, surnames), PICK(r, given));
}

/* Ledger entry at `day` moving the tracked shop balance. */
static int entry(gen *g, bzj_shop *s, bzj_date day, int kind, int64_t amount, const char *payer,
		 bool third, const char *note, int64_t vid, int64_t rid, const char *user)
{
	bzj_ledger_entry *lp = &g->led[g->nled++], le;
	memset(&le, 0, sizeof le);
	snprintf(le.shop_id, sizeof le.shop_id, "%s", s->id);
	snprintf(le.user, sizeof le.user, "%s", user);
	le.date = day;
	le.kind = kind;
	le.amount_fen = amount;
	le.balance_after_fen = s->balance_fen + amount;
	snprintf(le.payer, sizeof le.payer, "%s", payer ? payer : "");
	le.third_party = third;
	snprintf(le.note, sizeof le.note, "%s", note ? note : "");
	le.violation_id = vid;
	le.refund_id = rid;
	s->balance_fen += amount;
	g->stats[1]++;
	*lp = le;
	return flush(g, false);
}

static int64_t round100(int64_t fen)
{
	return (fen / 10000) * 10000; /* whole hundreds of yuan */
}

/* GMV for one month around a shop's size; every 97th shop sits exactly on
 * the ¥50,000.00 tier boundary. */
static int64_t month_gmv(gen *g, int tier, int64_t i)
{
	static const int64_t lo[] = {0, 5000001, 10000001, 50000001};
	static const int64_t hi[] = {5000000, 10000000, 50000000, 300000000};
	if (i % 97 == 0)
		return 5000000;
	return rrange(&g->r, lo[tier], hi[tier]);
}

static int gen_gmv(gen *g, bzj_shop *s, int64_t i, int64_t *floating_now)
{
	bzj_month now = bzj_date_month(g->x->today);
	int tier = (int)rrange(&g->r, 0, 99);
	tier = tier < 50 ? 0 : tier < 75 ? 1 : tier < 92 ? 2 : 3;
	int rc = BZJ_OK;
	*floating_now = 0;
	for (bzj_month m = now - g->months; !rc && m < now; m++) {
		if (bzj_month_day(m + 1, 1) <= s->opened)
			continue;
		int t = tier;
		if (chance(&g->r, 20))
			t = (int)rrange(&g->r, 0, 3); /* a month off the usual tier */
		int64_t gmv = month_gmv(g, t, i);
		bzj_demo_month *gm = &g->gmv[g->ngmv++];
		snprintf(gm->shop_id, sizeof gm->shop_id, "%s", s->id);
		gm->month = m;
		gm->gmv_fen = gmv;
		bzj_date eff = bzj_floating_effective(m);
		int64_t fl = bzj_floating_for_gmv(gmv);
		if (eff > s->opened) {
			bzj_demo_month *f = &g->flt[g->nflt++];
			*f = *gm;
			f->month = m + 1;
			f->floating_fen = fl;
			f->effective = eff;
		}
		rc = flush(g, false);
		if (eff <= g->x->today)
			*floating_now = fl;
	}
	return rc;
}

static int gen_payee(gen *g, bzj_shop *s)
{
	char acct[24];
	int type = BZJ_PAYEE_CORPORATE;
	const char *name = s->entity_name;
	if (s->entity == BZJ_ENTITY_INDIVIDUAL && chance(&g->r, 70)) {
		type = BZJ_PAYEE_PERSONAL;
		name = s->operator_name;
	} else if (s->entity == BZJ_ENTITY_COMPANY && chance(&g->r, 1)) {
		type = BZJ_PAYEE_PERSONAL; /* against the rules: shows as invalid */
		name = s->operator_name;
	}
	snprintf(acct, sizeof acct, "%s%012llu", type == BZJ_PAYEE_PERSONAL ? "6222" : "3100",
		 (unsigned long long)(rnext(&g->r) % 1000000000000ull));
	int rc = bzj_store_payee_insert(g->x->db, s->id, type, name, acct, s->opened, g->e);
	if (!rc && chance(&g->r, 3)) {
		/* a recent change of account: payouts wait 30 days */
		snprintf(acct, sizeof acct, "%s%012llu", type == BZJ_PAYEE_PERSONAL ? "6217" : "3101",
			 (unsigned long long)(rnext(&g->r) % 1000000000000ull));
		bzj_date since = g->x->today - (bzj_date)rrange(&g->r, 1, 29);
		if (since > s->opened)
			rc = bzj_store_payee_insert(g->x->db, s->id, type, name, acct, since, g->e);
	}
	return rc;
}

static int gen_money(gen *g, bzj_shop *s, int64_t required)
{
	int64_t factor = rrange(&g->r, 0, 99);
	int64_t first = factor < 12   ? round100(required * rrange(&g->r, 60, 95) / 100)
			: factor < 35 ? required
				      : round100(required * rrange(&g->r, 100, 160) / 100);
	if (first <= 0)
		first = 100000;
	bool third = chance(&g->r, 8);
	char payer[64];
	if (third)
		person(&g->r, payer, sizeof payer);
	int rc = entry(g, s, s->opened, BZJ_LK_TOPUP, first, third ? payer : s->entity_name, third,
		       third ? "第三方代付，付款人已确认知悉保证金性质及用途" : "", 0, 0, "fin1");
	int extra = (int)rrange(&g->r, 0, 12);
	int fees = (int)rrange(&g->r, 0, 4);
	bzj_date day = s->opened;
	bzj_date last = s->status == BZJ_SHOP_CLOSED ? s->closed : g->x->today;
	int64_t span = (last - s->opened) / (extra + fees + 2) + 1;
	for (int k = 0; !rc && k < extra + fees; k++) {
		day += (bzj_date)rrange(&g->r, 1, span);
		if (day > last)
			break;
		if (k < extra) {
			rc = entry(g, s, day, BZJ_LK_TOPUP, rrange(&g->r, 5, 50) * 10000,
				   s->entity_name, false, "", 0, 0, "fin2");
		} else {
			int64_t fee = rrange(&g->r, 200, 5000);
			if (fee <= s->balance_fen - s->frozen_fen)
				rc = entry(g, s, day, BZJ_LK_FEE, -fee, NULL, false,
					   chance(&g->r, 50) ? "银行手续费" : "第三方支付通道手续费", 0,
					   0, "fin1");
		}
	}
	return rc;
}

static const char *const vnotes[] = {"虚假宣传", "发货超时", "商品质量问题", "售后服务不到位",
				     "消费者投诉：描述不符", "第三方知识产权投诉", "价格欺诈",
				     "物流信息造假"};

static int gen_violation(gen *g, bzj_shop *s)
{
	bzj_violation v;
	memset(&v, 0, sizeof v);
	snprintf(v.shop_id, sizeof v.shop_id, "%s", s->id);
	snprintf(v.note, sizeof v.note, "%s", PICK(&g->r, vnotes));
	snprintf(v.user, sizeof v.user, "%s", chance(&g->r, 50) ? "rev1" : "rev2");
	v.cls = chance(&g->r, 20) ? BZJ_VCLASS_B : BZJ_VCLASS_A;
	v.points = v.cls == BZJ_VCLASS_B ? (int)rrange(&g->r, 6, 12) : (int)rrange(&g->r, 1, 6);
	v.raise_fen = rrange(&g->r, 5, 200) * 10000;
	bzj_date lo = s->opened + 1 > g->x->today - 200 ? s->opened + 1 : g->x->today - 200;
	v.date = (bzj_date)rrange(&g->r, lo, g->x->today);
	v.status = BZJ_VS_OPEN;
	v.resolved = BZJ_DATE_NONE;
	int kind = (int)rrange(&g->r, 0, 99);
	if (s->status == BZJ_SHOP_CLOSED && kind < 75)
		kind = 80; /* closed shops keep only resolved violations */
	int64_t avail = s->balance_fen - s->frozen_fen;
	int64_t deduct = 0;
	if (kind < 35) { /* open and frozen */
		v.frozen_fen = v.raise_fen < avail ? v.raise_fen : avail;
	} else if (kind < 55) { /* open, nothing frozen yet */
	} else if (kind < 75) { /* deducted, still open */
		deduct = rrange(&g->r, 1, 50) * 10000;
	} else { /* resolved, maybe after a deduction */
		if (chance(&g->r, 40))
			deduct = rrange(&g->r, 1, 30) * 10000;
		v.status = BZJ_VS_RESOLVED;
		v.resolved = v.date + (bzj_date)rrange(&g->r, 0, g->x->today - v.date);
	}
	if (deduct > 0 && chance(&g->r, 3))
		deduct = avail + rrange(&g->r, 1, 20) * 10000; /* beyond the balance */
	int64_t from_bal = deduct < avail ? deduct : avail;
	int64_t owed = deduct - from_bal;
	v.deducted_fen = deduct;
	v.owed_fen = owed;
	if (owed > 0) {
		/* unsettled payments cover what the balance could not */
		int64_t cover = owed < s->unsettled_fen ? owed : s->unsettled_fen;
		s->unsettled_fen -= cover;
		s->owed_fen += owed - cover;
		s->terminate = s->terminate || owed > cover;
		v.covered_fen = cover;
		v.owed_fen = owed - cover;
	}
	int rc = bzj_store_demo_violation(g->x->db, &v, g->e);
	if (!rc && from_bal > 0) {
		char note[64];
		snprintf(note, sizeof note, "违规扣款（违规 %lld）", (long long)v.id);
		rc = entry(g, s, v.date > s->opened ? v.date : s->opened + 1, BZJ_LK_DEDUCTION,
			   -from_bal, NULL, false, note, v.id, 0, v.user);
	}
	s->frozen_fen += v.frozen_fen;
	g->stats[2]++;
	return rc;
}

static void refund_people(gen *g, bzj_refund *r)
{
	snprintf(r->submitted_by, sizeof r->submitted_by, "%s", chance(&g->r, 50) ? "rev1" : "cs1");
	if (!strcmp(r->submitted_by, "cs1"))
		snprintf(r->submitted_by, sizeof r->submitted_by, "sup1");
	snprintf(r->changed_by, sizeof r->changed_by, "%s", r->submitted_by);
}

/* One refund for a shop; `kind` by the shop's status. */
static int gen_refund(gen *g, bzj_shop *s, int64_t required)
{
	bzj_refund r;
	memset(&r, 0, sizeof r);
	snprintf(r.shop_id, sizeof r.shop_id, "%s", s->id);
	r.approved_on = r.paid_on = BZJ_DATE_NONE;
	refund_people(g, &r);
	bzj_err ce;
	int rc;
	if (s->status == BZJ_SHOP_CLOSED) {
		if (s->frozen_fen > 0 || s->owed_fen > 0 || s->balance_fen <= 0)
			return BZJ_OK;
		r.kind = BZJ_REFUND_CLOSURE;
		r.amount_fen = s->balance_fen;
		r.submitted_on = s->closed + (bzj_date)rrange(&g->r, 0, 3);
		if (r.submitted_on > g->x->today)
			r.submitted_on = g->x->today;
		if (bzj_refund_window(g->x->cal, r.kind, s->closed, &r.window_start, &r.window_end,
				      &ce))
			return BZJ_OK;
	} else {
		int64_t refundable = s->balance_fen - s->frozen_fen - required;
		if (refundable < 10000)
			return BZJ_OK;
		r.kind = BZJ_REFUND_PARTIAL;
		r.amount_fen = round100(refundable * rrange(&g->r, 20, 100) / 100);
		if (r.amount_fen <= 0)
			r.amount_fen = refundable;
	}
	int pick = (int)rrange(&g->r, 0, 99);
	int status = pick < 25 ? BZJ_RS_SUBMITTED
		     : pick < 45 ? BZJ_RS_APPROVED
		     : pick < 75 ? BZJ_RS_PAID
		     : pick < 84 ? BZJ_RS_REJECTED
		     : pick < 92 ? BZJ_RS_CANCELLED
				 : BZJ_RS_FAILED;
	if (r.kind == BZJ_REFUND_PARTIAL) {
		/* Most open requests are days old (in or before their window);
		 * some are overdue; finished ones are older. */
		bool open = status == BZJ_RS_SUBMITTED || status == BZJ_RS_APPROVED;
		int64_t age = open && chance(&g->r, 75) ? rrange(&g->r, 0, 2)
			      : open			 ? rrange(&g->r, 5, 25)
							 : rrange(&g->r, 4, 60);
		r.submitted_on = g->x->today - (bzj_date)age;
		if (r.submitted_on <= s->opened)
			return BZJ_OK;
		if (bzj_refund_window(g->x->cal, r.kind, r.submitted_on, &r.window_start,
				      &r.window_end, &ce))
			return BZJ_OK;
	}
	if (status == BZJ_RS_PAID && r.window_start > g->x->today)
		status = BZJ_RS_APPROVED;
	r.status = status;
	if (r.kind == BZJ_REFUND_CLOSURE)
		r.checklist = status == BZJ_RS_SUBMITTED ? (int)rrange(&g->r, 0, 14) : BZJ_CHECK_ALL;
	if (status != BZJ_RS_SUBMITTED && status != BZJ_RS_CANCELLED &&
	    status != BZJ_RS_REJECTED) {
		snprintf(r.approved_by, sizeof r.approved_by, "rev2");
		r.approved_on = r.submitted_on;
		if (r.amount_fen > (g->x->cfg ? g->x->cfg->second_approval_fen : 5000000) &&
		    (status != BZJ_RS_APPROVED || chance(&g->r, 50)))
			snprintf(r.second_by, sizeof r.second_by, "sup2");
		snprintf(r.changed_by, sizeof r.changed_by, "%s",
			 r.second_by[0] ? r.second_by : r.approved_by);
	}
	if (status == BZJ_RS_REJECTED) {
		snprintf(r.reject_reason, sizeof r.reject_reason, "%s",
			 r.kind == BZJ_REFUND_CLOSURE ? "签字盖章不完整，请补充材料"
						      : "存在未处理的消费者投诉");
		snprintf(r.changed_by, sizeof r.changed_by, "rev2");
	}
	if (status == BZJ_RS_FAILED) {
		snprintf(r.failure_reason, sizeof r.failure_reason, "%s", "收款账户户名与认证主体不一致，银行退票");
		snprintf(r.changed_by, sizeof r.changed_by, "fin2");
	}
	if (status == BZJ_RS_PAID) {
		snprintf(r.paid_by, sizeof r.paid_by, "fin1");
		bzj_date pay = r.window_start;
		if (chance(&g->r, 10) && r.window_end + 2 <= g->x->today)
			pay = r.window_end + 2; /* paid late */
		r.paid_on = pay;
		r.late = pay > r.window_end;
		snprintf(r.changed_by, sizeof r.changed_by, "fin1");
	}
	if ((rc = bzj_store_demo_refund(g->x->db, &r, g->e)))
		return rc;
	g->stats[3]++;
	if (status == BZJ_RS_PAID) {
		char note[64];
		snprintf(note, sizeof note, "%s退款 %lld",
			 r.kind == BZJ_REFUND_CLOSURE ? "闭店" : "部分", (long long)r.id);
		rc = entry(g, s, r.paid_on, BZJ_LK_REFUND, -r.amount_fen, NULL, false, note, 0, r.id,
			   "fin1");
	}
	return rc;
}

/* The newbie period: shops opened in the last 180 days are newbies (one in
 * ten let straight through), older ones graduated 30 to 90 days after
 * opening (one in five direct).  Newbies get an experience score for each
 * of the last 7 days, mostly above 4.0, some at or below it and a few
 * missing; one in 40 has an open risk finding, one in 100 a closed one. */
static int gen_newbie(gen *g, const bzj_shop *s)
{
	rng *r = &g->nr;
	bzj_date today = g->x->today;
	bool young = s->opened > today - 180;
	bzj_demo_newbie *nb = &g->nb[g->nnb++];
	snprintf(nb->shop_id, sizeof nb->shop_id, "%s", s->id);
	nb->status = BZJ_NEWBIE;
	nb->graduated = BZJ_DATE_NONE;
	int rc = BZJ_OK;
	if (chance(r, young ? 10 : 20)) {
		nb->status = BZJ_NB_DIRECT;
		return flush(g, false);
	}
	if (!young) {
		nb->status = BZJ_NB_GRADUATED;
		nb->graduated = s->opened + (bzj_date)rrange(r, 30, 90);
		return flush(g, false);
	}
	if ((rc = flush(g, false)))
		return rc;
	int low = chance(r, 15) ? 60 : 8; /* some shops struggle every day */
	for (bzj_date d = today - 7; !rc && d < today; d++) {
		if (d < s->opened || chance(r, 3))
			continue;
		int tenths = chance(r, low) ? (int)rrange(r, 30, 40) : (int)rrange(r, 41, 50);
		rc = bzj_store_demo_score(g->x->db, s->id, d, tenths, g->e);
	}
	static const char *const notes[] = {"商品质量抽检不合格", "服务能力不达标",
					    "经营行为不符合平台风险规范"};
	if (!rc && chance(r, 4)) {
		bool closed = chance(r, 30);
		bzj_date opened = today - (bzj_date)rrange(r, 1, 20);
		if (opened < s->opened)
			opened = s->opened;
		rc = bzj_store_demo_risk(g->x->db, s->id, opened, PICK(r, notes),
					 closed ? opened + (bzj_date)rrange(r, 0, today - opened)
						: BZJ_DATE_NONE,
					 g->e);
	}
	return rc;
}

static int gen_shop(gen *g, int64_t i)
{
	rng *r = &g->r;
	bzj_shop s;
	memset(&s, 0, sizeof s);
	snprintf(s.id, sizeof s.id, "S%07lld", (long long)i);
	s.entity = chance(r, 60) ? BZJ_ENTITY_INDIVIDUAL : BZJ_ENTITY_COMPANY;
	const char *city = PICK(r, cities), *word = PICK(r, words);
	int c0 = pick_cat(r);
	static const char *const ind_kind[] = {"小店", "工作室", "生活馆", "优选"};
	static const char *const co_kind[] = {"旗舰店", "专营店", "官方店"};
	snprintf(s.name, sizeof s.name, "%s%s%s%s", city, word, cats[c0].word,
		 s.entity == BZJ_ENTITY_INDIVIDUAL ? PICK(r, ind_kind) : PICK(r, co_kind));
	person(r, s.operator_name, sizeof s.operator_name);
	if (s.entity == BZJ_ENTITY_COMPANY)
		snprintf(s.entity_name, sizeof s.entity_name, "%s%s%s有限公司", city, word,
			 chance(r, 50) ? "商贸" : "电子商务");
	else
		snprintf(s.entity_name, sizeof s.entity_name, "%s市%s%s店", city, word,
			 cats[c0].word);
	s.status = BZJ_SHOP_OPEN;
	s.opened = g->x->today - (bzj_date)rrange(r, 45, 1100);
	s.closed = BZJ_DATE_NONE;
	if (chance(r, 4)) {
		s.status = BZJ_SHOP_CLOSED;
		s.closed = g->x->today - (bzj_date)rrange(r, 0, 30);
	}
	if (chance(r, 3))
		s.unsettled_fen = rrange(r, 10, 300) * 10000;
	int rc = bzj_store_demo_shop(g->x->db, &s, g->e);
	if (!rc)
		rc = gen_newbie(g, &s);
	int ncat = 1 + chance(r, 25) + chance(r, 8);
	for (int k = 0; !rc && k < ncat; k++)
		rc = bzj_store_category_add(g->x->db, s.id, cats[k ? pick_cat(r) : c0].name,
					    s.opened, g->e);
	if (!rc)
		rc = gen_payee(g, &s);
	int64_t floating = 0, base = 0;
	char bc[BZJ_CAT_MAX + 1];
	bzj_date be;
	if (!rc)
		rc = gen_gmv(g, &s, i, &floating);
	if (!rc)
		rc = bzj_store_base_for(g->x->db, s.id, s.entity, g->x->today, &base, bc, &be, g->e);
	int64_t required = base > floating ? base : floating;
	if (!rc)
		rc = gen_money(g, &s, required);
	if (!rc && chance(r, 20))
		rc = gen_violation(g, &s);
	if (!rc && chance(r, s.status == BZJ_SHOP_CLOSED ? 80 : g->refund_pct))
		rc = gen_refund(g, &s, required);
	if (!rc)
		rc = bzj_store_demo_shop_money(g->x->db, &s, g->e);
	g->stats[0]++;
	return rc;
}

/* ---- service providers ----------------------------------------------------- */

static int pentry(gen *g, bzj_provider *p, int kind, int64_t amount, bzj_date day,
		  const char *note, int64_t cid, const char *user)
{
	bzj_provider_entry le;
	memset(&le, 0, sizeof le);
	le.date = day;
	le.kind = kind;
	le.amount_fen = amount;
	le.balance_after_fen = p->balance_fen + amount;
	le.complaint_id = cid;
	snprintf(le.note, sizeof le.note, "%s", note ? note : "");
	snprintf(le.user, sizeof le.user, "%s", user);
	p->balance_fen += amount;
	return bzj_store_pledger_insert(g->x->db, p->id, &le, g->e);
}

static const char *const cnotes[] = {"代运营未按合同履约", "店铺数据造假", "擅自改价",
				     "沟通不及时导致损失", "泄露商家信息"};

/* One provider for every hundred shops (at least three): agency operators
 * and industry-belt providers, their own ledgers, bindings to the first
 * fifth of their hundred shops (20% of all shops bound), each bound
 * shop's daily orders for the last 90 days (a few gift orders),
 * complaints in every state; and one renewal assessment in progress.  At
 * a million shops: 10,000 providers, 200,000 bound shops, 18M order rows
 * (issue 14's benchmark), written by multi-row INSERTs carrying the
 * running sums (bzj_store_orders_append).  Consistent by construction,
 * like the shops. */
static int gen_providers(gen *g, int64_t nshops)
{
	rng *r = &g->r;
	bzj_db *db = g->x->db;
	bzj_date today = g->x->today;
	int64_t np = nshops / 100 > 3 ? nshops / 100 : 3;
	int64_t per = nshops / np; /* shops per provider, a fifth of them bound */
	int64_t nbind = per / 5 > 1 ? per / 5 : 1;
	enum { days = 90 };
	size_t cap = (size_t)nbind * days;
	bzj_order_row *rows = malloc(cap * sizeof *rows);
	char(*ids)[BZJ_ID_MAX + 1] = malloc((size_t)nbind * sizeof *ids);
	int rc = rows && ids ? BZJ_OK : bzj_fail(g->e, BZJ_EIO, "nomem", _("out of memory"));
	static const char *const suffix[] = {"电商服务", "网络科技", "品牌管理", "供应链"};
	for (int64_t i = 0; !rc && i < np; i++) {
		bzj_provider p;
		memset(&p, 0, sizeof p);
		const char *city = PICK(r, cities), *word = PICK(r, words);
		snprintf(p.id, sizeof p.id, "P%05lld", (long long)(i + 1));
		p.kind = i % 3 == 1 || chance(r, 15) ? BZJ_PK_BELT : BZJ_PK_AGENCY;
		snprintf(p.name, sizeof p.name, "%s%s%s", city, word,
			 p.kind == BZJ_PK_BELT ? "产业带服务商" : "代运营");
		snprintf(p.entity_name, sizeof p.entity_name, "%s%s%s有限公司", city, word,
			 PICK(r, suffix));
		p.added = today - (bzj_date)rrange(r, 200, 900);
		p.certified_on = p.delisted_on = p.exited_on = BZJ_DATE_NONE;
		p.status = BZJ_PST_ORDINARY;
		if (p.kind == BZJ_PK_BELT) {
			p.status = i == 1 || chance(r, 75) ? BZJ_PST_CERTIFIED : BZJ_PST_PROBATION;
			if (p.status == BZJ_PST_CERTIFIED)
				p.certified_on = p.added + (bzj_date)rrange(r, 30, 150);
		}
		p.version = 1;
		rc = bzj_store_provider_insert(db, &p, g->e);
		int64_t want = p.kind == BZJ_PK_BELT ? 10000000 : 3000000;
		int64_t paid = chance(r, 20) ? want / 2 : want + rrange(r, 0, 50) * 100000;
		if (!rc)
			rc = pentry(g, &p, BZJ_LK_TOPUP, paid, p.added, NULL, 0, "fin1");
		if (!rc && chance(r, 30))
			rc = pentry(g, &p, BZJ_LK_FEE, -rrange(r, 1, 50) * 100, p.added + 1, "银行手续费",
				    0, "fin1");
		/* bindings: the first fifth of its hundred shops, from a day in
		 * the past */
		size_t nb = 0, no = 0;
		for (int64_t k = 0; !rc && k < nbind; k++) {
			int64_t shop = i * per + k + 1;
			if (shop > nshops)
				break;
			bzj_binding b;
			memset(&b, 0, sizeof b);
			snprintf(b.provider_id, sizeof b.provider_id, "%s", p.id);
			snprintf(b.shop_id, sizeof b.shop_id, "S%07lld", (long long)shop);
			b.from = today - (bzj_date)rrange(r, 20, 400);
			b.to = chance(r, 10) ? today - (bzj_date)rrange(r, 0, 15) : BZJ_DATE_NONE;
			if (b.to != BZJ_DATE_NONE && b.to < b.from)
				b.to = b.from;
			rc = bzj_store_binding_insert(db, &b, g->e);
			snprintf(ids[nb], sizeof ids[nb], "%s", b.shop_id);
			for (int d = 0; !rc && d < days && no < cap; d++) {
				int64_t paid_o = rrange(r, 0, 400);
				rows[no++] = (bzj_order_row){.shop_id = ids[nb],
							     .day = today - days + 1 + d,
							     .paid = paid_o,
							     .gift = chance(r, 20) ? rrange(r, 0, paid_o / 10) : 0,
							     .line = 0};
			}
			nb++;
		}
		if (!rc)
			rc = bzj_store_orders_append(db, rows, no, g->e);
		bool open_complaint = false;
		if (!rc && nb && chance(r, 15)) {
			bzj_complaint c;
			memset(&c, 0, sizeof c);
			snprintf(c.provider_id, sizeof c.provider_id, "%s", p.id);
			snprintf(c.shop_id, sizeof c.shop_id, "%s", ids[0]);
			snprintf(c.note, sizeof c.note, "%s", PICK(r, cnotes));
			snprintf(c.user, sizeof c.user, "%s", "rev1");
			c.date = today - (bzj_date)rrange(r, 1, 60);
			c.resolved = BZJ_DATE_NONE;
			int fate = (int)rrange(r, 0, 2); /* open with a freeze, upheld, dismissed */
			c.frozen_fen = fate == 0 ? 500000 : 0;
			if (c.frozen_fen > p.balance_fen)
				c.frozen_fen = 0;
			rc = bzj_store_complaint_insert(db, &c, g->e);
			if (!rc && fate == 1) {
				c.amount_fen = p.balance_fen < 300000 ? p.balance_fen : 300000;
				c.status = BZJ_CS_UPHELD;
				c.resolved = today;
				snprintf(c.upheld_by, sizeof c.upheld_by, "%s", "rev2");
				if (c.amount_fen > 0)
					rc = pentry(g, &p, BZJ_LK_DEDUCTION, -c.amount_fen, today,
						    "compensation to the merchant", c.id, "rev2");
				if (!rc && c.amount_fen > 0)
					rc = bzj_store_complaint_update(db, &c, g->e);
			} else if (!rc && fate == 2) {
				c.status = BZJ_CS_DISMISSED;
				c.resolved = today;
				snprintf(c.reason, sizeof c.reason, "%s", "查无实据");
				rc = bzj_store_complaint_update(db, &c, g->e);
			}
			p.frozen_fen += c.status == BZJ_CS_OPEN ? c.frozen_fen : 0;
			open_complaint = c.status == BZJ_CS_OPEN;
		}
		/* The third provider has left the market and waits for its exit
		 * refund in the queue (when nothing stands in its way). */
		if (!rc && i == 2 && p.kind == BZJ_PK_AGENCY && !open_complaint && p.balance_fen > 0) {
			p.status = BZJ_PST_EXITED;
			p.exited_on = today - 5;
			char acct[24];
			snprintf(acct, sizeof acct, "62226%011lld", (long long)rrange(r, 0, 99999999999));
			rc = bzj_store_ppayee_insert(db, p.id, p.entity_name, acct, p.added, g->e);
			bzj_refund rf;
			memset(&rf, 0, sizeof rf);
			snprintf(rf.provider_id, sizeof rf.provider_id, "%s", p.id);
			snprintf(rf.submitted_by, sizeof rf.submitted_by, "%s", "rev1");
			rf.kind = BZJ_REFUND_EXIT;
			rf.status = BZJ_RS_SUBMITTED;
			rf.amount_fen = p.balance_fen;
			rf.submitted_on = today - 3;
			if (!rc)
				rc = bzj_refund_window(g->x->cal, BZJ_REFUND_EXIT, p.exited_on,
						       &rf.window_start, &rf.window_end, g->e);
			if (!rc)
				rc = bzj_store_refund_insert(db, &rf, g->e);
		}
		if (!rc)
			rc = bzj_store_provider_update(db, &p, g->e);
		g->stats[4]++;
	}
	free(rows);
	free(ids);
	if (!rc) {
		bzj_assessment a;
		memset(&a, 0, sizeof a);
		snprintf(a.name, sizeof a.name, "%s", "renewal-demo");
		a.cutoff = today - 60;
		a.from = today - 29;
		a.to = today + 30;
		a.threshold = 110000;
		a.deposit_fen = 10000000;
		snprintf(a.created_by, sizeof a.created_by, "%s", "demo");
		a.created_on = today;
		a.closed_on = BZJ_DATE_NONE;
		rc = bzj_store_assess_insert(db, &a, g->e);
	}
	return rc;
}

int bzj_demo_fill(bzj_ctx *x, const bzj_demo_opts *o, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("generate demo data"), e);
	if (rc)
		return rc;
	int64_t n = o->shops > 0 ? o->shops : 200;
	if (n > 9999999)
		return bzj_fail(e, BZJ_EINPUT, "input.shops", _("shops: at most 9,999,999"));
	gen g = {.x = x, .r = {o->seed ? o->seed : 1}, .e = e, .months = n >= 100000 ? 12 : 6,
		 .refund_pct = n >= 100000 ? 5 : 15,
		 .nr = {(o->seed ? o->seed : 1) ^ 0x6e657762696531ull},
		 .led = malloc(GEN_BUF * sizeof(bzj_ledger_entry)),
		 .gmv = calloc(GEN_BUF, sizeof(bzj_demo_month)),
		 .flt = calloc(GEN_BUF, sizeof(bzj_demo_month)),
		 .nb = calloc(GEN_BUF, sizeof(bzj_demo_newbie))};
	if (!g.led || !g.gmv || !g.flt || !g.nb) {
		free(g.led);
		free(g.gmv);
		free(g.flt);
		free(g.nb);
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	}
	bzj_err je;
	bzj_store_demo_journal(x->db, true, &je); /* an error leaves WAL: slower only */
	if ((rc = bzj_db_begin(x->db, e))) {
		bzj_store_demo_journal(x->db, false, &je);
		free(g.led);
		free(g.gmv);
		free(g.flt);
		free(g.nb);
		return rc;
	}
	bool empty = false;
	rc = bzj_store_is_empty(x->db, &empty, e);
	if (!rc && !empty)
		rc = bzj_fail(e, BZJ_ERULE, "demo.not_empty",
			      _("the database already has shops; demo data goes into a new "
				"database (--db)"));
	if (!rc)
		rc = bzj_store_bulk_cache(x->db, true, e);
	if (!rc)
		rc = bzj_store_demo_bulk_begin(x->db, e);
	for (int64_t i = 1; !rc && i <= n; i++) {
		rc = gen_shop(&g, i);
		if (!rc && (i % 2000 == 0 || i == n))
			rc = svc_progress(x, _("demo"), i, n, e);
	}
	if (!rc)
		rc = flush(&g, true);
	free(g.led);
	free(g.gmv);
	free(g.flt);
	free(g.nb);
	if (!rc)
		rc = gen_providers(&g, n);
	if (!rc)
		rc = bzj_store_demo_bulk_end(x->db, e);
	if (!rc)
		rc = bzj_store_demo_finish(x->db, e);
	int64_t synced = 0;
	if (!rc)
		rc = bzj_store_sync_all(x->db, x->today, "demo", &synced, e);
	/* The newbie check of the day before yesterday has run; yesterday's is
	 * left for the operator (and the benchmark) to run. */
	bzj_newbie_run run;
	memset(&run, 0, sizeof run);
	if (!rc)
		rc = bzj_store_newbie_check(x->db, x->today - 2, x->actor.user, NULL, NULL, 0, &run,
					    e);
	if (!rc) {
		char a[200];
		snprintf(a, sizeof a,
			 "{\"shops\":%lld,\"seed\":%llu,\"ledger\":%lld,\"violations\":%lld,"
			 "\"refunds\":%lld,\"newbie_capped\":%lld,\"providers\":%lld}",
			 (long long)n, (unsigned long long)(o->seed ? o->seed : 1),
			 (long long)g.stats[1], (long long)g.stats[2], (long long)g.stats[3],
			 (long long)run.failed, (long long)g.stats[4]);
		rc = svc_audit(x, "demo.fill", "demo", NULL, NULL, a, NULL, e);
	}
	bzj_err ce;
	bzj_store_bulk_cache(x->db, false, &ce);
	rc = svc_end(x, rc, e);
	bzj_store_demo_journal(x->db, false, &je);
	return rc;
}
