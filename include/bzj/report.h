/* report.h - the finance and supervisors' reports (issue 15): the deposit
 * account's monthly statement, the breaches (late and overdue refunds) and
 * the queue's throughput.  Money in fen, days as whole natural days. */
#ifndef BZJ_REPORT_H
#define BZJ_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"

/* One statement: outflows are positive amounts.  closing = opening +
 * topups + corrections - deductions - fees - refunds. */
typedef struct bzj_statement {
	char key[64]; /* "individual", a category, "" for the whole account */
	int64_t shops;
	int64_t opening_fen, topups_fen, deductions_fen, fees_fen, refunds_fen, corrections_fen;
	int64_t closing_fen;
} bzj_statement;

/* Pure: the closing balance its movements give (saturating is not needed:
 * amounts are bounded by BZJ_MONEY_MAX_FEN per entry). */
int64_t bzj_statement_closing(const bzj_statement *s);
/* Pure: add one ledger movement (kind enum bzj_ledger_kind, signed amount
 * as in the ledger) dated before the month (opening) or in it. */
void bzj_statement_add(bzj_statement *s, int kind, int64_t amount_fen, bool before);
/* Pure: a += b (the figures, not the key). */
void bzj_statement_sum(bzj_statement *a, const bzj_statement *b);

#define BZJ_REPORT_MAX_CATS 64

typedef struct bzj_month_report {
	bzj_month month;
	bzj_statement total;	      /* the shops' deposit account */
	int64_t ledger_closing_fen;   /* the ledger's own sum up to the month's end */
	int64_t balances_fen;	      /* Σ shops' balances now */
	bool later_entries;	      /* ledger entries dated after the month */
	bool reconciled;	      /* closing = ledger_closing (= balances when none later) */
	int64_t frozen_fen, owed_fen; /* now */
	bzj_statement by_entity[2];   /* individual, company */
	bzj_statement by_category[BZJ_REPORT_MAX_CATS]; /* by each shop's main category */
	int ncategories;
	bzj_statement providers; /* the service providers' deposit account */
	int64_t providers_ledger_closing_fen;
	bool providers_reconciled;
} bzj_month_report;

int bzj_report_month(bzj_ctx *x, bzj_month m, bzj_month_report *r, bzj_err *e);

/* Every closed month (before today's, the last 120) reconciles: its
 * statement, built through the joins of `report month` (each shop's entity
 * and main category, each entry's kind), closes at the ledger's own sum up
 * to the month's end, to the fen.  fn is called for each month that does
 * not (code check.month_reconcile). */
typedef int (*bzj_month_problem_fn)(void *ctx, bzj_month m, int64_t ledger_fen,
				    int64_t statement_fen);
int bzj_report_reconcile(bzj_ctx *x, bzj_month_problem_fn fn, void *ctx, int64_t *months,
			 int64_t *problems, bzj_err *e);

/* Pure: the median and 90th percentile of v[0..n) by the nearest-rank
 * method (the smallest value with at least 50% / 90% of values at or below
 * it); sorts v.  Both 0 when n is 0. */
void bzj_quantiles(int *v, int n, int *median, int *p90);

/* ---- breaches ----------------------------------------------------------- */

typedef struct bzj_breach {
	int64_t refund_id;
	char shop_id[40];	/* or the provider's id */
	int kind;		/* enum bzj_refund_kind */
	int status;		/* paid (late) or still open (overdue) */
	int64_t amount_fen;
	bzj_date window_end, paid_on;
	int days_late; /* paid_on (or today) - window_end, natural days */
	bool overdue;  /* not paid yet */
	char reviewer[64], finance[64];
} bzj_breach;

typedef struct bzj_breach_by {
	char user[64];
	int64_t late, overdue;
	int64_t days_late; /* summed */
} bzj_breach_by;

#define BZJ_REPORT_MAX_USERS 64

typedef struct bzj_breach_report {
	bzj_date from, to;
	bzj_breach *items; /* malloc'd; bzj_breach_free */
	int n;
	int64_t late, overdue;
	bzj_breach_by by_reviewer[BZJ_REPORT_MAX_USERS], by_finance[BZJ_REPORT_MAX_USERS];
	int nreviewers, nfinance;
	/* per day of from..to: payouts and late payouts, for the chart */
	int ndays;
	int64_t *paid_per_day, *late_per_day;
} bzj_breach_report;

/* Late payouts made from..to (BZJ_DATE_NONE: unbounded) and refunds
 * overdue today. */
int bzj_report_breaches(bzj_ctx *x, bzj_date from, bzj_date to, bzj_breach_report *r,
			bzj_err *e);
void bzj_breach_free(bzj_breach_report *r);

/* ---- queue -------------------------------------------------------------- */

typedef struct bzj_queue_day {
	bzj_date day;
	int64_t submitted, approved, rejected, failed, paid;
} bzj_queue_day;

typedef struct bzj_queue_user {
	char user[64];
	int64_t approved, rejected;
	int approve_median, approve_p90;
} bzj_queue_user;

typedef struct bzj_queue_report {
	bzj_date from, to;
	bzj_queue_day *days; /* malloc'd, one per day from..to */
	int ndays;
	bzj_queue_day total;
	bzj_queue_user users[BZJ_REPORT_MAX_USERS];
	int nusers;
	int64_t napprove, npay;
	int approve_median, approve_p90; /* days from submission to approval */
	int pay_median, pay_p90;	 /* days from submission to payout */
} bzj_queue_report;

/* Default range: the 30 days up to today. */
int bzj_report_queue(bzj_ctx *x, bzj_date from, bzj_date to, bzj_queue_report *r, bzj_err *e);
void bzj_queue_free(bzj_queue_report *r);

#endif
