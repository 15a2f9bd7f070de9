/* report.c - the finance and supervisors' reports (issue 15). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/ledger.h"
#include "bzj/report.h"
#include "service.h"

/* ---- pure parts ------------------------------------------------------------- */

int64_t bzj_statement_closing(const bzj_statement *s)
{
	return s->opening_fen + s->topups_fen + s->corrections_fen - s->deductions_fen -
	       s->fees_fen - s->refunds_fen;
}

void bzj_statement_add(bzj_statement *s, int kind, int64_t amount_fen, bool before)
{
	if (before)
		s->opening_fen += amount_fen;
	else if (kind == BZJ_LK_TOPUP)
		s->topups_fen += amount_fen;
	else if (kind == BZJ_LK_DEDUCTION)
		s->deductions_fen -= amount_fen;
	else if (kind == BZJ_LK_FEE)
		s->fees_fen -= amount_fen;
	else if (kind == BZJ_LK_REFUND)
		s->refunds_fen -= amount_fen;
	else
		s->corrections_fen += amount_fen;
	s->closing_fen = bzj_statement_closing(s);
}

void bzj_statement_sum(bzj_statement *a, const bzj_statement *b)
{
	a->shops += b->shops;
	a->opening_fen += b->opening_fen;
	a->topups_fen += b->topups_fen;
	a->deductions_fen += b->deductions_fen;
	a->fees_fen += b->fees_fen;
	a->refunds_fen += b->refunds_fen;
	a->corrections_fen += b->corrections_fen;
	a->closing_fen = bzj_statement_closing(a);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

void bzj_quantiles(int *v, int n, int *median, int *p90)
{
	*median = *p90 = 0;
	if (n <= 0)
		return;
	qsort(v, (size_t)n, sizeof *v, cmp_int);
	/* nearest rank: ceil(p * n), 1-based */
	int r50 = (n + 1) / 2, r90 = (9 * n + 9) / 10;
	*median = v[r50 - 1];
	*p90 = v[r90 - 1];
}

/* ---- monthly statement ------------------------------------------------------ */

static void stmt_row(bzj_statement *s, const int64_t *iv)
{
	s->shops += iv[1];
	s->opening_fen += iv[2];
	s->topups_fen += iv[3];
	s->deductions_fen += iv[4];
	s->fees_fen += iv[5];
	s->refunds_fen += iv[6];
	s->corrections_fen += iv[7];
	s->closing_fen = bzj_statement_closing(s);
}

static int month_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	(void)e;
	bzj_month_report *r = ctx;
	if (iv[0] == -2) { /* the shops now */
		r->balances_fen = iv[2];
		r->frozen_fen = iv[3];
		r->owed_fen = iv[4];
		return 0;
	}
	if (iv[0] == -1) { /* the ledger's own sum at the month's end */
		bzj_statement l = {.opening_fen = iv[2],
				   .topups_fen = iv[3],
				   .deductions_fen = iv[4],
				   .fees_fen = iv[5],
				   .refunds_fen = iv[6],
				   .corrections_fen = iv[7]};
		r->ledger_closing_fen = bzj_statement_closing(&l);
		r->later_entries = iv[1] != 0;
		return 0;
	}
	stmt_row(&r->total, iv);
	int ent = iv[0] == BZJ_ENTITY_COMPANY ? 1 : 0;
	stmt_row(&r->by_entity[ent], iv);
	const char *cat = tv[8] ? tv[8] : "";
	int k = 0;
	while (k < r->ncategories && strcmp(r->by_category[k].key, cat))
		k++;
	if (k == r->ncategories) {
		if (k == BZJ_REPORT_MAX_CATS)
			k--; /* the last line takes the rest */
		else
			snprintf(r->by_category[r->ncategories++].key, sizeof r->by_category[0].key,
				 "%s", cat);
	}
	stmt_row(&r->by_category[k], iv);
	return 0;
}

static int provider_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	(void)tv;
	(void)e;
	bzj_month_report *r = ctx;
	stmt_row(&r->providers, iv);
	r->providers_ledger_closing_fen = iv[9];
	return 0;
}

int bzj_report_month(bzj_ctx *x, bzj_month m, bzj_month_report *r, bzj_err *e)
{
	memset(r, 0, sizeof *r);
	r->month = m;
	snprintf(r->by_entity[0].key, sizeof r->by_entity[0].key, "individual");
	snprintf(r->by_entity[1].key, sizeof r->by_entity[1].key, "company");
	snprintf(r->providers.key, sizeof r->providers.key, "providers");
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the reports"), e);
	if (rc)
		return rc;
	bzj_date from = bzj_month_day(m, 1), to = bzj_month_day(m + 1, 1) - 1;
	if ((rc = bzj_db_read_begin(x->db, e))) /* one snapshot for every figure */
		return rc;
	/* one read of the shops' ledger for every figure, the closing the
	 * ledger's own sum (opening + movements of the same pass, every entry
	 * up to the month's end), reconciled with the statement built through
	 * the shops' entity and category and with what the shops hold */
	rc = bzj_store_report(x->db, BZJ_RQ_MONTH, from, to, x->today, month_row, r, e);
	if (!rc)
		rc = bzj_store_report(x->db, BZJ_RQ_MONTH_PROVIDERS, from, to, x->today,
				      provider_row, r, e);
	bzj_db_read_end(x->db);
	r->reconciled = r->total.closing_fen == r->ledger_closing_fen &&
			(r->later_entries || r->total.closing_fen == r->balances_fen);
	r->providers_reconciled = r->providers.closing_fen == r->providers_ledger_closing_fen;
	return rc;
}

/* The check: every closed month's statement, built through the joins of
 * `report month` (entity, main category, kind), adds up to the ledger's own
 * sum to the fen, by entity and by category alike.  (Each shop's running
 * balance against its ledger is check.balance.) */
typedef struct months {
	bzj_month first; /* index 0 */
	int n;
	int64_t *plain;		  /* per month, straight from the ledger */
	bzj_statement *entity[2]; /* per month */
	int64_t *cat;		  /* per month, summed over the category lines */
	bool *seen;
} months;

/* Which month of the window a row of month `month` adds to: a month
 * before the window is the first month's opening (slot 0), one after it
 * adds to none (-1). */
static int month_slot(const months *m, int64_t month)
{
	int64_t k = month - m->first;
	if (k >= m->n)
		return -1;
	return k < 0 ? 0 : (int)k;
}

static int months_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	(void)tv;
	(void)e;
	months *m = ctx;
	int k = month_slot(m, iv[0]);
	if (k < 0)
		return 0;
	int ent = iv[1] == BZJ_ENTITY_COMPANY ? 1 : 0;
	bzj_statement_add(&m->entity[ent][k], (int)iv[2], iv[3], false);
	m->cat[k] += iv[3];
	return 0;
}

static int plain_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	(void)tv;
	(void)e;
	months *m = ctx;
	int k = month_slot(m, iv[0]);
	if (k < 0)
		return 0;
	m->plain[k] += iv[1];
	m->seen[k] = true;
	return 0;
}

int bzj_report_reconcile(bzj_ctx *x, bzj_month_problem_fn fn, void *ctx, int64_t *nmonths,
			 int64_t *problems, bzj_err *e)
{
	*nmonths = *problems = 0;
	/* the last 120 closed months at most */
	bzj_month last = bzj_date_month(x->today) - 1;
	months m = {.first = last - 119, .n = 120};
	m.plain = calloc((size_t)m.n, sizeof *m.plain);
	m.cat = calloc((size_t)m.n, sizeof *m.cat);
	m.seen = calloc((size_t)m.n, sizeof *m.seen);
	m.entity[0] = calloc((size_t)m.n, sizeof *m.entity[0]);
	m.entity[1] = calloc((size_t)m.n, sizeof *m.entity[1]);
	int rc = BZJ_OK;
	if (!m.plain || !m.cat || !m.seen || !m.entity[0] || !m.entity[1])
		rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	bzj_date end = bzj_month_day(last + 1, 1); /* exclusive */
	if (!rc)
		rc = bzj_store_report(x->db, BZJ_RQ_LEDGER_PLAIN, 0, end, x->today, plain_row, &m, e);
	if (!rc)
		rc = bzj_store_report(x->db, BZJ_RQ_LEDGER_MONTHS, 0, end, x->today, months_row, &m,
				      e);
	int64_t run = 0, run_ent = 0, run_cat = 0;
	bool started = false;
	for (int k = 0; !rc && k < m.n; k++) {
		run += m.plain[k];
		/* the statement: opening + in - out = closing, per entity */
		for (int t = 0; t < 2; t++)
			run_ent += bzj_statement_closing(&m.entity[t][k]);
		run_cat += m.cat[k];
		started = started || m.seen[k]; /* from the first month with entries */
		if (!started)
			continue;
		(*nmonths)++;
		if (run_ent != run || run_cat != run) {
			(*problems)++;
			if (fn && fn(ctx, m.first + k, run, run_ent != run ? run_ent : run_cat))
				break;
		}
	}
	free(m.plain);
	free(m.cat);
	free(m.seen);
	free(m.entity[0]);
	free(m.entity[1]);
	return rc;
}

/* ---- breaches ---------------------------------------------------------------- */

static int range_default(bzj_ctx *x, bzj_date *from, bzj_date *to, bzj_err *e)
{
	if (*to == BZJ_DATE_NONE)
		*to = x->today;
	if (*from == BZJ_DATE_NONE)
		*from = *to - 29;
	if (*from > *to)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--from: after --to"));
	if (*to - *from > 3660)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("--from..--to: at most ten years at a time"));
	return BZJ_OK;
}

static bzj_breach_by *by_user(bzj_breach_by *list, int *n, const char *user)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(list[i].user, user))
			return &list[i];
	if (*n == BZJ_REPORT_MAX_USERS)
		return &list[*n - 1];
	bzj_breach_by *b = &list[(*n)++];
	memset(b, 0, sizeof *b);
	snprintf(b->user, sizeof b->user, "%s", user);
	return b;
}

static int breach_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	bzj_breach_report *r = ctx;
	if ((r->n & 255) == 0) {
		bzj_breach *p = realloc(r->items, (size_t)(r->n + 256) * sizeof *p);
		if (!p)
			return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		r->items = p;
	}
	bzj_breach *b = &r->items[r->n++];
	memset(b, 0, sizeof *b);
	b->refund_id = iv[0];
	b->kind = (int)iv[1];
	b->status = (int)iv[2];
	b->amount_fen = iv[3];
	b->window_end = (bzj_date)iv[4];
	b->overdue = iv[6] != 0;
	b->paid_on = b->overdue ? BZJ_DATE_NONE : (bzj_date)iv[5];
	snprintf(b->shop_id, sizeof b->shop_id, "%s", tv[7] ? tv[7] : "");
	snprintf(b->reviewer, sizeof b->reviewer, "%s", tv[8] ? tv[8] : "");
	snprintf(b->finance, sizeof b->finance, "%s", tv[9] ? tv[9] : "");
	b->days_late = (b->overdue ? r->to : b->paid_on) - b->window_end;
	return 0;
}

static int paid_day_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	(void)tv;
	(void)e;
	bzj_breach_report *r = ctx;
	int k = (int)(iv[0] - r->from);
	if (k >= 0 && k < r->ndays) {
		r->paid_per_day[k] = iv[1];
		r->late_per_day[k] = iv[2];
	}
	return 0;
}

int bzj_report_breaches(bzj_ctx *x, bzj_date from, bzj_date to, bzj_breach_report *r,
			bzj_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the reports"), e);
	if (!rc)
		rc = range_default(x, &from, &to, e);
	if (rc)
		return rc;
	r->from = from;
	r->to = to;
	r->ndays = to - from + 1;
	r->paid_per_day = calloc((size_t)r->ndays, sizeof *r->paid_per_day);
	r->late_per_day = calloc((size_t)r->ndays, sizeof *r->late_per_day);
	if (!r->paid_per_day || !r->late_per_day)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	if ((rc = bzj_db_read_begin(x->db, e)))
		return rc;
	rc = bzj_store_report(x->db, BZJ_RQ_LATE, from, to, x->today, breach_row, r, e);
	int nlate = r->n;
	/* overdue now: days counted to today, whatever the range */
	bzj_date keep = r->to;
	r->to = x->today;
	if (!rc)
		rc = bzj_store_report(x->db, BZJ_RQ_OVERDUE, from, to, x->today, breach_row, r, e);
	r->to = keep;
	if (!rc)
		rc = bzj_store_report(x->db, BZJ_RQ_PAID_DAYS, from, to, x->today, paid_day_row, r,
				      e);
	bzj_db_read_end(x->db);
	r->late = nlate;
	r->overdue = r->n - nlate;
	for (int i = 0; !rc && i < r->n; i++) {
		bzj_breach *b = &r->items[i];
		bzj_breach_by *u = by_user(r->by_reviewer, &r->nreviewers,
					   b->reviewer[0] ? b->reviewer : "-");
		u->late += !b->overdue;
		u->overdue += b->overdue;
		u->days_late += b->days_late;
		if (!b->finance[0])
			continue; /* not yet with finance */
		u = by_user(r->by_finance, &r->nfinance, b->finance);
		u->late += !b->overdue;
		u->overdue += b->overdue;
		u->days_late += b->days_late;
	}
	return rc;
}

void bzj_breach_free(bzj_breach_report *r)
{
	free(r->items);
	free(r->paid_per_day);
	free(r->late_per_day);
	r->items = NULL;
	r->paid_per_day = r->late_per_day = NULL;
	r->n = r->ndays = 0;
}

/* ---- queue -------------------------------------------------------------------- */

typedef struct qctx {
	bzj_queue_report *r;
	int *approve, *pay; /* days, for the quantiles */
	int na, np, cap_a, cap_p;
	int **uapprove; /* per user */
	int *nu, *capu;
} qctx;

static int push(int **v, int *n, int *cap, int x)
{
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 256;
		int *p = realloc(*v, (size_t)c * sizeof *p);
		if (!p)
			return -1;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static int queue_user(bzj_queue_report *r, const char *user)
{
	for (int i = 0; i < r->nusers; i++)
		if (!strcmp(r->users[i].user, user))
			return i;
	if (r->nusers == BZJ_REPORT_MAX_USERS)
		return r->nusers - 1;
	snprintf(r->users[r->nusers].user, sizeof r->users[0].user, "%s", user);
	return r->nusers++;
}

static int queue_row(void *ctx, int n, const int64_t *iv, const char *const *tv, bzj_err *e)
{
	(void)n;
	qctx *q = ctx;
	bzj_queue_report *r = q->r;
	int k = (int)(iv[1] - r->from);
	if (k < 0 || k >= r->ndays)
		return 0;
	bzj_queue_day *d = &r->days[k];
	int days = (int)iv[2];
	const char *who = tv[3] && tv[3][0] ? tv[3] : "-";
	int bad = 0, u;
	switch (iv[0]) {
	case 1:
		d->submitted++;
		break;
	case 2:
		d->approved++;
		u = queue_user(r, who);
		r->users[u].approved++;
		bad = push(&q->approve, &q->na, &q->cap_a, days) ||
		      push(&q->uapprove[u], &q->nu[u], &q->capu[u], days);
		break;
	case 3:
		d->rejected++;
		r->users[queue_user(r, who)].rejected++;
		break;
	case 4:
		d->failed++;
		break;
	default:
		d->paid++;
		bad = push(&q->pay, &q->np, &q->cap_p, days);
		break;
	}
	return bad ? bzj_fail(e, BZJ_EIO, "nomem", _("out of memory")) : 0;
}

int bzj_report_queue(bzj_ctx *x, bzj_date from, bzj_date to, bzj_queue_report *r, bzj_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the reports"), e);
	if (!rc)
		rc = range_default(x, &from, &to, e);
	if (rc)
		return rc;
	r->from = from;
	r->to = to;
	r->ndays = to - from + 1;
	r->days = calloc((size_t)r->ndays, sizeof *r->days);
	int *uap[BZJ_REPORT_MAX_USERS] = {0}, nu[BZJ_REPORT_MAX_USERS] = {0},
	    capu[BZJ_REPORT_MAX_USERS] = {0};
	qctx q = {.r = r, .uapprove = uap, .nu = nu, .capu = capu};
	if (!r->days)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	for (int i = 0; i < r->ndays; i++)
		r->days[i].day = from + i;
	rc = bzj_store_report(x->db, BZJ_RQ_QUEUE_EVENTS, from, to, x->today, queue_row, &q, e);
	for (int i = 0; i < r->ndays; i++) {
		r->total.submitted += r->days[i].submitted;
		r->total.approved += r->days[i].approved;
		r->total.rejected += r->days[i].rejected;
		r->total.failed += r->days[i].failed;
		r->total.paid += r->days[i].paid;
	}
	r->napprove = q.na;
	r->npay = q.np;
	bzj_quantiles(q.approve, q.na, &r->approve_median, &r->approve_p90);
	bzj_quantiles(q.pay, q.np, &r->pay_median, &r->pay_p90);
	for (int i = 0; i < r->nusers; i++)
		bzj_quantiles(uap[i], nu[i], &r->users[i].approve_median, &r->users[i].approve_p90);
	for (int i = 0; i < BZJ_REPORT_MAX_USERS; i++)
		free(uap[i]);
	free(q.approve);
	free(q.pay);
	return rc;
}

void bzj_queue_free(bzj_queue_report *r)
{
	free(r->days);
	r->days = NULL;
	r->ndays = 0;
}
