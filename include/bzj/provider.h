/* provider.h - service providers (服务商, DOMAIN.md seeds 000, 001, 003):
 * agency operators and industry-belt providers, their deposit kept apart
 * from every shop's (own ledger, own payee), their bindings to shops, the
 * shops' daily orders, merchants' complaints against them, their exit and
 * the exit refund (which goes through the common refund queue, refund.h). */
#ifndef BZJ_PROVIDER_H
#define BZJ_PROVIDER_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/config.h"
#include "bzj/ctx.h"
#include "bzj/refund.h"
#include "bzj/shop.h"

enum bzj_provider_kind { BZJ_PK_AGENCY = 1, BZJ_PK_BELT = 2 };
enum bzj_provider_status {
	BZJ_PST_PROBATION = 1, /* 试运营: industry-belt, not yet certified */
	BZJ_PST_CERTIFIED = 2, /* 已转正, with certified_on */
	BZJ_PST_REVOKED = 3,   /* 已摘牌 by `provider revoke`, with delisted_on */
	BZJ_PST_ORDINARY = 4,  /* an ordinary service-market provider */
	BZJ_PST_EXITED = 5,    /* left the service market, exited_on */
};
enum bzj_complaint_status {
	BZJ_CS_OPEN = 1,
	BZJ_CS_PENDING = 2, /* upheld once, waits for the second approval */
	BZJ_CS_UPHELD = 3,
	BZJ_CS_DISMISSED = 4,
};

const char *bzj_provider_kind_name(int kind);
int bzj_provider_kind_parse(const char *s);
const char *bzj_provider_status_name(int status);
int bzj_provider_status_parse(const char *s);
const char *bzj_complaint_status_name(int status);

/* ---- pure rules ---------------------------------------------------------- */

/* Natural days a revoked provider waits before it may apply again. */
#define BZJ_PROVIDER_COOLDOWN_DAYS 90
/* The first day a provider delisted on `notice` may apply for industry-belt
 * certification again: notice + 90 (2024-03-01 -> 2024-05-30). */
bzj_date bzj_provider_cooldown_first(bzj_date notice);
/* BZJ_OK when `day` is on or after the first allowed day (or there was no
 * notice), else "provider.cooldown" naming the first allowed date. */
int bzj_provider_cooldown_check(bzj_date notice, bzj_date day, bzj_err *e);
/* Required deposit: an industry-belt provider on probation or certified
 * holds provider_belt_fen; any other (agency, or ordinary after
 * revocation) the agency table's row for its bound shops; an exited one
 * nothing. */
int64_t bzj_provider_required(const bzj_config *cfg, int kind, int status, int64_t bound_shops);
/* The days a binding [bfrom, bto] (bto BZJ_DATE_NONE = open) counts within
 * the period [from, to], all inclusive: false when they do not meet. */
bool bzj_order_window(bzj_date bfrom, bzj_date bto, bzj_date from, bzj_date to, bzj_date *lo,
		      bzj_date *hi);

/* ---- providers ------------------------------------------------------------ */

typedef struct bzj_provider {
	char id[BZJ_ID_MAX + 1];
	char name[BZJ_NAME_MAX + 1];
	char entity_name[BZJ_NAME_MAX + 1]; /* certified company name */
	int kind, status;
	bzj_date added, certified_on, delisted_on, exited_on; /* BZJ_DATE_NONE if none */
	int64_t balance_fen; /* cached sum of its ledger */
	int64_t frozen_fen;  /* cached sum of open complaints' freezes */
	int64_t version;
} bzj_provider;

/* A provider with everything derived on x->today. */
typedef struct bzj_provider_view {
	bzj_provider p;
	int64_t required_fen, available_fen, shortfall_fen;
	int64_t bound_shops; /* bindings in force today */
	int64_t open_complaints, upheld_complaints;
	bzj_date cooldown_until; /* last day of the cooldown, or NONE */
	bzj_date may_apply_from; /* first day it may apply again, or NONE */
	bzj_payee payee;	 /* type is always corporate */
} bzj_provider_view;

typedef struct bzj_provider_new {
	const char *id, *name, *entity_name;
	int kind;
	bzj_date certified; /* industry-belt: NONE = on probation */
} bzj_provider_new;

int bzj_provider_add(bzj_ctx *x, const bzj_provider_new *in, bzj_err *e);
int bzj_provider_get(bzj_ctx *x, const char *id, bzj_provider_view *out, bzj_err *e);

typedef struct bzj_provider_query {
	const char *search; /* substring of id, name or entity name; NULL = all */
	int kind, status;   /* 0 = any */
	bool shortfall;	    /* only those below their required deposit today */
	int limit;
	/* Keyset paging (the console's list): only ids after this one (NULL
	 * or "" = from the start), walked on the primary key. */
	const char *after;
} bzj_provider_query;
typedef int (*bzj_provider_fn)(void *ctx, const bzj_provider_view *v);
/* In id order; the callback may stop the walk by returning non-zero. */
int bzj_provider_list(bzj_ctx *x, const bzj_provider_query *q, bzj_provider_fn fn, void *ctx,
		      int64_t *total, bzj_err *e);

/* Money: a top-up with an optional idempotency ref (a replay returns the
 * earlier entry and changes nothing), a fee from the available balance. */
int bzj_provider_topup(bzj_ctx *x, const char *id, int64_t amount_fen, const char *ref,
		       int64_t *entry, int64_t *balance_fen, bool *replayed, bzj_err *e);
int bzj_provider_fee(bzj_ctx *x, const char *id, int64_t amount_fen, const char *note,
		     int64_t *entry, bzj_err *e);
/* The corporate account in the certified name (payee.name_mismatch
 * otherwise); `since` BZJ_DATE_NONE = today. */
int bzj_provider_payee(bzj_ctx *x, const char *id, const char *name, const char *account,
		       bzj_date since, bzj_err *e);

typedef struct bzj_provider_entry {
	int64_t id;
	bzj_date date;
	int kind; /* enum bzj_ledger_kind */
	int64_t amount_fen, balance_after_fen;
	char ref[65], note[257];
	int64_t complaint_id, refund_id;
	char user[64];
} bzj_provider_entry;
int bzj_provider_ledger(bzj_ctx *x, const char *id, bzj_provider_entry *out, int max, int *n,
			bzj_err *e);

/* Status changes.  certify: probation -> certified on `day`; apply:
 * reapply for industry-belt certification (-> probation), refused within
 * the cooldown ("provider.cooldown") unless a supervisor records
 * `explanation`; exit: leaves the service market. */
int bzj_provider_certify(bzj_ctx *x, const char *id, bzj_date day, bzj_err *e);
int bzj_provider_apply(bzj_ctx *x, const char *id, bzj_date day, const char *explanation,
		       bzj_err *e);
int bzj_provider_exit(bzj_ctx *x, const char *id, bzj_date day, bzj_err *e);
/* A supervisor's revocation outside a renewal assessment (the platform's
 * regular assessment, seed 003 §3): certified -> revoked, with the public
 * delisting notice dated `day`; "provider.not_certified" unless certified.
 * The cooldown runs from that notice as after an assessment. */
int bzj_provider_revoke(bzj_ctx *x, const char *id, bzj_date day, const char *reason,
			bzj_err *e);
/* The exit refund: the whole available balance, kind exit, in the common
 * refund queue (refund check/approve/reject/pay/fail work on it). */
int bzj_provider_refund(bzj_ctx *x, const char *id, bzj_refund *out, bzj_err *e);

/* ---- bindings and orders ------------------------------------------------- */

/* Bound from `from` through `to` (NONE = open), inclusive; an overlapping
 * binding of the same pair is refused ("binding.overlap"). */
int bzj_provider_bind(bzj_ctx *x, const char *pid, const char *shop, bzj_date from, bzj_date to,
		      int64_t *binding, bzj_err *e);
/* End the open binding of the pair on `day` (its last bound day). */
int bzj_provider_unbind(bzj_ctx *x, const char *pid, const char *shop, bzj_date day,
			bzj_err *e);

typedef struct bzj_binding {
	int64_t id;
	char provider_id[BZJ_ID_MAX + 1], shop_id[BZJ_ID_MAX + 1];
	bzj_date from, to;
} bzj_binding;
int bzj_provider_bindings(bzj_ctx *x, const char *pid, bzj_binding *out, int max, int *n,
			  bzj_err *e);

/* Paid orders of the provider's bound shops in [from, to], each shop only
 * on the days it was bound: `orders` without gift orders, `gift` apart. */
int bzj_provider_orders(bzj_ctx *x, const char *pid, bzj_date from, bzj_date to, int64_t *orders,
			int64_t *gift, bzj_err *e);

/* ---- the console's dry runs ------------------------------------------------ */

/* What bzj_provider_try would do: one of the actions above with its
 * arguments.  The try runs the very action in a transaction it then rolls
 * back, so a refusal (role, state, dates, overlap, payee rules, open
 * complaints, frozen money) is known before a confirmation is shown and
 * nothing is written either way.  BZJ_PTRY_REFUND fills *refund (amount,
 * window) when given. */
enum bzj_provider_try {
	BZJ_PTRY_BIND,   /* shop, from, to */
	BZJ_PTRY_UNBIND, /* shop, to (the last bound day) */
	BZJ_PTRY_EXIT,   /* from (the exit date) */
	BZJ_PTRY_REFUND,
	BZJ_PTRY_PAYEE, /* name, account */
};
typedef struct bzj_provider_act {
	int action; /* enum bzj_provider_try */
	const char *shop, *name, *account;
	bzj_date from, to;
} bzj_provider_act;
int bzj_provider_try(bzj_ctx *x, const char *id, const bzj_provider_act *a, bzj_refund *refund,
		     bzj_err *e);

/* ---- complaints ------------------------------------------------------------- */

typedef struct bzj_complaint {
	int64_t id;
	char provider_id[BZJ_ID_MAX + 1], shop_id[BZJ_ID_MAX + 1];
	bzj_date date, resolved;
	int status;
	int64_t frozen_fen, amount_fen; /* freeze while open; compensation */
	char note[257], reason[257];
	char user[64], upheld_by[64], second_by[64];
	int64_t version;
} bzj_complaint;

/* A merchant's (shop's) complaint against a provider, with an optional
 * freeze on the provider's deposit (never the shop's). */
int bzj_complaint_add(bzj_ctx *x, const char *pid, const char *shop, const char *note,
		      int64_t freeze_fen, int64_t *id, bzj_err *e);
/* Uphold: `amount` is deducted from the provider's deposit (the complaint's
 * own freeze first) as compensation to the merchant.  Four-eyes: not by
 * whoever recorded it; above refund.second_approval_yuan the first uphold
 * waits (status pending) for a supervisor's second one, by someone else,
 * with the same amount. */
int bzj_complaint_uphold(bzj_ctx *x, int64_t id, int64_t amount_fen, bzj_complaint *out,
			 bzj_err *e);
int bzj_complaint_dismiss(bzj_ctx *x, int64_t id, const char *reason, bzj_complaint *out,
			  bzj_err *e);
int bzj_complaint_get(bzj_ctx *x, int64_t id, bzj_complaint *out, bzj_err *e);
int bzj_complaint_list(bzj_ctx *x, const char *pid, bzj_complaint *out, int max, int *n,
		       bzj_err *e);

#endif
