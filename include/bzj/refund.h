/* refund.h - partial and closure refunds: submit, review, pay.  A service
 * provider's exit refund (provider.h) shares the queue and these actions. */
#ifndef BZJ_REFUND_H
#define BZJ_REFUND_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/shop.h"

typedef struct bzj_refund {
	int64_t id;
	char shop_id[BZJ_ID_MAX + 1];	/* "" for an exit refund */
	char provider_id[BZJ_ID_MAX + 1]; /* an exit refund's provider, else "" */
	char shop_name[BZJ_NAME_MAX + 1]; /* or the provider's name */
	int kind;   /* enum bzj_refund_kind */
	int status; /* enum bzj_refund_status */
	int64_t amount_fen;
	bzj_date submitted_on;
	bzj_date window_start, window_end;
	int checklist; /* enum bzj_check_item bits */
	bool overdue;  /* computed: not paid and today > window_end */
	bool late;     /* paid after window_end */
	bool needs_second; /* amount above the second-approval threshold */
	char submitted_by[64], approved_by[64], second_by[64], paid_by[64];
	char changed_by[64]; /* who made the last change */
	bzj_date approved_on, paid_on;
	char failure_reason[257];
	char reject_reason[257];
	int64_t version;
	int64_t batch_id;  /* the bank batch it was sent in, 0 if none */
	char bank_ref[24]; /* its reference in the bank file, "" if none */
	bzj_date closed_on; /* paid, failed, rejected or cancelled on */
} bzj_refund;

typedef struct bzj_refund_in {
	const char *shop_id;
	int kind;
	int64_t amount_fen; /* partial only; closure takes the whole available balance */
} bzj_refund_in;

int bzj_refund_submit(bzj_ctx *x, const bzj_refund_in *in, bzj_refund *out, bzj_err *e);
/* The actions take `expected_version`: 0 = act on the current row; else the
 * version the user saw, and a changed row is refused with "conflict.stale"
 * naming who changed it and the status now. */
int bzj_refund_check(bzj_ctx *x, int64_t id, int item, int64_t expected_version, bzj_refund *out,
		     bzj_err *e);
/* Approve a submitted refund; or, above the second-approval threshold, give
 * the supervisor's second approval to an approved one -- only when
 * `expected_version` names the approved version the supervisor saw, so a
 * race to give the first approval never turns into a second one. */
int bzj_refund_approve(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
		       bzj_err *e);
/* Only the second approval: refused ("refund.state", naming the approvers)
 * unless the refund is approved and still waits for it. */
int bzj_refund_approve_second(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
			      bzj_err *e);
int bzj_refund_reject(bzj_ctx *x, int64_t id, const char *reason, int64_t expected_version,
		      bzj_refund *out, bzj_err *e);
int bzj_refund_cancel(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
		      bzj_err *e);
/* Pay: refuses before the window ("refund.window" with the dates); after
 * it, pays and marks late.  A failed re-check records status failed and
 * returns BZJ_ERULE "refund.payout_failed" with *out filled. */
int bzj_refund_pay(bzj_ctx *x, int64_t id, int64_t expected_version, bzj_refund *out,
		   bzj_err *e);
int bzj_refund_fail(bzj_ctx *x, int64_t id, const char *reason, int64_t expected_version,
		    bzj_refund *out, bzj_err *e);

int bzj_refund_get(bzj_ctx *x, int64_t id, bzj_refund *out, bzj_err *e);

typedef struct bzj_refund_query {
	const char *shop_id; /* NULL = all shops */
	int status;	     /* 0 = any */
	int kind;	     /* 0 = any */
	bool overdue;	     /* only overdue */
	bool open_only;	     /* submitted or approved */
	/* approved, above the second-approval threshold, no second approval
	 * yet (core fills second_fen from the config) */
	bool awaiting_second;
	int64_t second_fen;
	/* keyset cursor in (window_end, id) order */
	bool has_cursor;
	bzj_date after_due;
	int64_t after_id;
} bzj_refund_query;

/* Would this action go through now?  Runs the very same code as the
 * action inside a transaction that is always rolled back: the answer is
 * the real one (role, four-eyes, window, payee, re-check) and nothing is
 * written.  For the console to refuse before it asks to confirm. */
enum bzj_refund_try { BZJ_TRY_APPROVE, BZJ_TRY_APPROVE_SECOND, BZJ_TRY_PAY };
int bzj_refund_try(bzj_ctx *x, int action, int64_t id, int64_t expected_version, bzj_err *e);

/* Ordered by due date (window_end), then id. */
int bzj_refund_list(bzj_ctx *x, const bzj_refund_query *q, bzj_refund *out, int max, int *n,
		    bzj_err *e);
int bzj_refund_count(bzj_ctx *x, const bzj_refund_query *q, int64_t *total, bzj_err *e);

/* Today's load of the open queue (submitted or approved, every kind), for
 * the queue's header and `refund load`: what falls due today, what is
 * overdue, what waits for a supervisor's second approval, and the open
 * refunds by natural days since submission, in BZJ_LOAD_AGES groups
 * 0-1, 2-3, 4-7, 8-15 and 16 or more (bzj_refund_load_age_to).  One
 * statement over the open refunds only (the partial index refund_open_due). */
#define BZJ_LOAD_AGES 5
typedef struct bzj_queue_load {
	bzj_date date; /* today */
	int64_t open, due_today, overdue, awaiting_second;
	int64_t by_age[BZJ_LOAD_AGES];
} bzj_queue_load;
int bzj_refund_load(bzj_ctx *x, bzj_queue_load *out, bzj_err *e);
/* The count of query q when today's load `l` already holds it (the open
 * queue or its overdue part, of every kind and shop: the same statement's
 * conditions): true with *total set and nothing read; else false, and
 * bzj_refund_count answers.  Saves the console a second count. */
bool bzj_refund_count_from_load(const bzj_refund_query *q, const bzj_queue_load *l,
				int64_t *total);
/* The last day of age group i (-1 for the last, open-ended one); the
 * group starts the day after the previous group's last. */
int bzj_refund_load_age_to(int i);

#endif
