/* shop.h - shops, their categories and payee, and the deposit position the
 * rules give them on a day. */
#ifndef BZJ_SHOP_H
#define BZJ_SHOP_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/newbie.h"
#include "bzj/rules.h"

#define BZJ_ID_MAX 32	     /* shop ids: [A-Za-z0-9_.-]{1,32} */
#define BZJ_NAME_MAX 200     /* bytes of a name, UTF-8 */
#define BZJ_TEXT_MAX 256     /* bytes of a note or a reason, UTF-8 */
#define BZJ_CAT_MAX 64	     /* bytes of a category name */
#define BZJ_MAX_CATEGORIES 16
#define BZJ_ACCOUNT_MAX 40

typedef struct bzj_shop {
	char id[BZJ_ID_MAX + 1];
	char name[BZJ_NAME_MAX + 1];
	char entity_name[BZJ_NAME_MAX + 1]; /* certified entity */
	char operator_name[BZJ_NAME_MAX + 1];
	int entity; /* enum bzj_entity */
	int status; /* enum bzj_shop_status */
	bzj_date opened;
	bzj_date closed; /* BZJ_DATE_NONE while open */
	int64_t balance_fen;   /* cached sum of the ledger */
	int64_t frozen_fen;    /* cached sum of open freezes */
	int64_t unsettled_fen; /* unsettled payments recorded */
	int64_t owed_fen;      /* owed beyond balance and unsettled */
	int64_t required_fen;  /* as of the last sync (lists, filters) */
	bool restricted;       /* payout restriction as last recorded */
	bool terminate;	       /* flagged for termination of service */
	int64_t version;       /* row version: bumps on every change */
} bzj_shop;

typedef struct bzj_payee {
	bool present;
	int type; /* enum bzj_payee_type */
	char name[BZJ_NAME_MAX + 1];
	char account[BZJ_ACCOUNT_MAX + 1]; /* masked for roles without SEE_ACCOUNTS */
	bzj_date since;
	bool had_previous;  /* it replaced an earlier account */
	bool valid;	    /* passes the payee rules today */
	char problem[48];   /* error code when not valid */
} bzj_payee;

/* Where a shop stands with its merchant information changes (seed 002
 * §8): operator, rename, deregistration.  BZJ_DATE_NONE where none. */
typedef struct bzj_change_state {
	int hold_kind;		/* the latest change that holds payouts (0: none) */
	bzj_date hold_notice;	/* its notice date */
	bzj_date last_notice;	/* the latest change of any kind */
	bzj_date deregistered;	/* notice of the company's deregistration */
} bzj_change_state;

/* One recorded change. */
typedef struct bzj_info_change {
	char shop_id[BZJ_ID_MAX + 1];
	int kind;		/* enum bzj_change_kind */
	bzj_date notice;	/* the day the written notice arrived */
	bzj_date recorded;	/* the day it was recorded */
	const char *old_value, *new_value;
	bool hold;		/* starts the 30-day hold (not a first operator) */
	const char *user;
} bzj_info_change;

/* Why the requirement is what it is. */
typedef struct bzj_deposit {
	bzj_position pos;
	char base_category[BZJ_CAT_MAX + 1]; /* the category that set the base */
	bzj_date base_effective;	     /* the standard version used */
	bool floating_present;
	bzj_month floating_gmv_month; /* GMV month the floating figure is from */
	int64_t floating_gmv_fen;
	bzj_date floating_effective;
	int nraises; /* open violations with a raise */
} bzj_deposit;

typedef struct bzj_shop_view {
	bzj_shop shop;
	char categories[BZJ_MAX_CATEGORIES][BZJ_CAT_MAX + 1];
	int ncategories;
	bzj_deposit dep;
	bzj_payee payee;
	int open_violations;
	int64_t refund_in_progress; /* its id, 0 if none */
	bzj_change_state changes;
	bzj_date payable_from; /* first day the 30-day holds allow a payout */
	bzj_newbie newbie;
} bzj_shop_view;

typedef struct bzj_shop_new {
	const char *id, *name, *entity_name, *operator_name;
	int entity;
	const char *categories[BZJ_MAX_CATEGORIES];
	int ncategories;
	bzj_date opened;
	bool direct; /* let straight through the newbie period (直通) */
} bzj_shop_new;

/* Create a shop.  Codes: input.id, input.name, shop.exists, category.unknown. */
int bzj_shop_add(bzj_ctx *x, const bzj_shop_new *in, bzj_err *e);
/* Everything about one shop as of x->today (live, not cached). */
int bzj_shop_view_get(bzj_ctx *x, const char *id, bzj_shop_view *out, bzj_err *e);
int bzj_shop_add_category(bzj_ctx *x, const char *id, const char *category, bzj_err *e);
/* Supervisors only: take a category off a shop (recorded by mistake, or no
 * longer traded in), audited with the reason; the requirement follows at
 * once.  Codes: category.not_on_shop (3), category.last (a shop keeps one). */
int bzj_shop_remove_category(bzj_ctx *x, const char *id, const char *category,
			     const char *reason, bzj_err *e);
/* What adding (remove false) or removing the category would do to the
 * shop's position: the very change, run in a transaction that is rolled
 * back, so refusals and figures are the real ones; nothing is written. */
int bzj_shop_preview_category(bzj_ctx *x, const char *id, const char *category, bool remove,
			      bzj_effect *out, bzj_err *e);
/* Records the closure and the signed closure agreement; voids receipts. */
int bzj_shop_close(bzj_ctx *x, const char *id, bzj_date date, bzj_err *e);
/* Record the payee account.  `since` is the day the written notice of the
 * change arrived (BZJ_DATE_NONE: today): never after today, never before
 * the current account's date, and before today only for a supervisor who
 * gives a `reason` (audited) - "input.date", "notice.backdated",
 * "input.reason".  The same account again (type, name, number) is not a
 * change: nothing is written, *changed false (may be NULL). */
int bzj_shop_set_payee(bzj_ctx *x, const char *id, int type, const char *name,
		       const char *account, bzj_date since, const char *reason, bool *changed,
		       bzj_err *e);

/* Merchant information changes (seed 002 §8), each with the date its
 * written notice arrived (BZJ_DATE_NONE: today; dated as for the payee
 * above) and the 30-day hold on payouts from that date:
 *  - the operator (经营者): the first one recorded is not a change (no
 *    hold); the same name again changes nothing (*changed false);
 *  - a rename of the certified entity (公司更名, also an individual
 *    business's licence name): every payee must match the new name;
 *  - a company's deregistration (公司注销): no more top-ups or partial
 *    refunds, only closure and a closure refund ("shop.not_company" for an
 *    individual business, "shop.deregistered" twice or after). */
int bzj_shop_set_operator(bzj_ctx *x, const char *id, const char *name, bzj_date notice,
			  const char *reason, bool *changed, bzj_err *e);
int bzj_shop_rename(bzj_ctx *x, const char *id, const char *entity_name, bzj_date notice,
		    const char *reason, bool *changed, bzj_err *e);
int bzj_shop_deregister(bzj_ctx *x, const char *id, bzj_date notice, const char *reason,
			bzj_err *e);
/* Record the shop's unsettled payments (未结货款) available to cover owed
 * deductions; covers what is owed at once. */
int bzj_shop_set_unsettled(bzj_ctx *x, const char *id, int64_t amount_fen, bzj_err *e);

/* Lists: keyset pagination, never OFFSET. */
enum bzj_shop_sort {
	BZJ_SORT_ID = 0,
	BZJ_SORT_NAME,
	BZJ_SORT_REQUIRED,
	BZJ_SORT_BALANCE,
	BZJ_SORT_COUNT,
};

typedef struct bzj_shop_row {
	char id[BZJ_ID_MAX + 1];
	char name[BZJ_NAME_MAX + 1];
	char operator_name[BZJ_NAME_MAX + 1];
	int entity, status;
	int64_t required_fen, balance_fen, frozen_fen;
	bool restricted, terminate;
	bool refund_in_progress;
	int open_violations;
	int newbie;  /* enum bzj_newbie_status */
	bool capped; /* newbie capped at 1,000 paid orders a day */
} bzj_shop_row;

typedef struct bzj_shop_query {
	const char *search;	 /* substring of id, name or operator; NULL = all */
	bool shortfall;		 /* payout restricted */
	int status;		 /* 0 = any, else enum bzj_shop_status */
	bool open_violations;
	bool refund_in_progress;
	bool capped; /* newbie shops capped by their last check */
	int sort;  /* enum bzj_shop_sort */
	bool desc;
	/* bzj_shop_count stops counting at this many (0 = exact): a total
	 * equal to the cap means "at least that many".  The console caps so
	 * that a one-character search of a million shops stays instant. */
	int64_t count_cap;
	/* keyset cursor: rows strictly after (or before, with `backward`) this
	 * row in the sort order; `has_cursor` false = from the start (or end) */
	bool has_cursor;
	bool backward;
	bzj_shop_row cursor;
} bzj_shop_query;

/* Up to `max` rows into rows[], *n set.  Backward pages come back in
 * display order too. */
int bzj_shop_list(bzj_ctx *x, const bzj_shop_query *q, bzj_shop_row *rows, int max, int *n,
		  bzj_err *e);
/* Number of rows matching q (cursor ignored); with `pos_of` set, also the
 * 0-based position of that row in the order. */
int bzj_shop_count(bzj_ctx *x, const bzj_shop_query *q, const bzj_shop_row *pos_of,
		   int64_t *total, int64_t *pos, bzj_err *e);

#endif
