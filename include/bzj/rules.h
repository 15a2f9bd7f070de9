/* rules.h - the deposit rules of DOMAIN.md as pure functions: values in,
 * values out, no storage.  The service modules (shop.h, refund.h, ...) load
 * the values through store.h, call these, and write the results. */
#ifndef BZJ_RULES_H
#define BZJ_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/calendar.h"
#include "bzj/date.h"
#include "bzj/err.h"

enum bzj_entity { BZJ_ENTITY_INDIVIDUAL = 1, BZJ_ENTITY_COMPANY = 2 };
enum bzj_shop_status { BZJ_SHOP_OPEN = 1, BZJ_SHOP_CLOSED = 2 };
enum bzj_payee_type { BZJ_PAYEE_PERSONAL = 1, BZJ_PAYEE_CORPORATE = 2 };
/* exit: a service provider's deposit after it left the market (provider.h) */
enum bzj_refund_kind { BZJ_REFUND_PARTIAL = 1, BZJ_REFUND_CLOSURE = 2, BZJ_REFUND_EXIT = 3 };
enum bzj_refund_status {
	BZJ_RS_SUBMITTED = 1,
	BZJ_RS_APPROVED = 2,
	BZJ_RS_PAID = 3,
	BZJ_RS_REJECTED = 4,
	BZJ_RS_CANCELLED = 5,
	BZJ_RS_FAILED = 6,
};
enum bzj_refund_action {
	BZJ_RA_CHECK = 1, /* tick a checklist item */
	BZJ_RA_APPROVE,
	BZJ_RA_REJECT,
	BZJ_RA_CANCEL,
	BZJ_RA_PAY,
	BZJ_RA_FAIL,
};
enum bzj_violation_class { BZJ_VCLASS_A = 1, BZJ_VCLASS_B = 2 };
enum bzj_violation_status { BZJ_VS_OPEN = 1, BZJ_VS_RESOLVED = 2 };
/* Checklist bits of a closure refund. */
enum bzj_check_item {
	BZJ_CHECK_MATERIALS = 1,
	BZJ_CHECK_INFO = 2,
	BZJ_CHECK_SIGNATURES = 4,
	BZJ_CHECK_STATEMENTS = 8,
	BZJ_CHECK_ALL = 15,
};

/* Names used on the command line and in JSON, and their parsers (-1 when
 * unknown). */
const char *bzj_entity_name(int entity);
int bzj_entity_parse(const char *s);
const char *bzj_shop_status_name(int status);
int bzj_shop_status_parse(const char *s);
const char *bzj_payee_type_name(int type);
int bzj_payee_type_parse(const char *s);
const char *bzj_refund_kind_name(int kind);
int bzj_refund_kind_parse(const char *s);
const char *bzj_refund_status_name(int status);
int bzj_refund_status_parse(const char *s);
const char *bzj_vclass_name(int cls);
int bzj_vclass_parse(const char *s);
const char *bzj_vstatus_name(int st);
int bzj_vstatus_parse(const char *s);
const char *bzj_check_item_name(int bit);
int bzj_check_item_parse(const char *s);

/* Floating deposit for a month's paid GMV.  Tiers in 万元, upper bound
 * inclusive: [0,5] 0, (5,10] 3,000, (10,50] 5,000, (50,inf) 20,000 yuan. */
int64_t bzj_floating_for_gmv(int64_t gmv_fen);
/* The date a floating figure computed from GMV month `gmv_month` takes
 * effect: the 2nd of the following month. */
bzj_date bzj_floating_effective(bzj_month gmv_month);

/* Everything the rules say about one shop's money on one day. */
typedef struct bzj_position {
	/* inputs */
	int64_t base_fen;	 /* max over categories */
	int64_t floating_fen;	 /* in effect on the day */
	int64_t raises_fen;	 /* open violations' raises */
	int64_t balance_fen;	 /* sum of the ledger */
	int64_t frozen_fen;	 /* open freezes */
	int64_t in_progress_fen; /* refunds submitted or approved */
	int64_t owed_fen;	 /* deductions beyond the balance, not yet covered */
	/* outputs of bzj_position_compute */
	int64_t required_fen;	/* max(base, floating) + raises */
	int64_t available_fen;	/* balance - frozen */
	int64_t refundable_fen; /* max(0, available - required - in_progress) */
	int64_t shortfall_fen;	/* max(0, required - balance) */
	bool restricted;	/* balance < required */
} bzj_position;

void bzj_position_compute(bzj_position *p);

/* How a deduction of `amount` is taken.  The frozen amount of the violation
 * is used first, then the rest of the balance; what the balance cannot cover
 * is owed, taken from unsettled payments first; what remains after that
 * flags the shop for termination of service. */
typedef struct bzj_deduction {
	int64_t from_balance_fen;   /* ledger entry (negative of this) */
	int64_t from_frozen_fen;    /* of from_balance, how much was frozen */
	int64_t owed_fen;	    /* amount - from_balance */
	int64_t from_unsettled_fen; /* of owed, covered by unsettled payments */
	int64_t remaining_owed_fen; /* owed - from_unsettled */
	bool terminate;		    /* remaining_owed > 0 */
} bzj_deduction;

/* Effect of an action on the shop, for confirmations before writing. */
typedef struct bzj_effect {
	bzj_position before, after;
	bzj_deduction deduction; /* for deductions */
} bzj_effect;

void bzj_deduction_split(int64_t amount_fen, int64_t balance_fen, int64_t violation_frozen_fen,
			 int64_t unsettled_fen, bzj_deduction *out);

/* Payment window of a refund: partial = business day 1..3 after the
 * submission date; closure = business day 7..15 after the closure date;
 * exit = business day 7..15 after a provider's exit date. */
int bzj_refund_window(const bzj_cal *c, int kind, bzj_date anchor, bzj_date *start,
		      bzj_date *end, bzj_err *e);

/* May `action` be taken on a refund in `status`?  "refund.state" if not. */
int bzj_refund_transition(int status, int action, bzj_err *e);

/* Payee rules: an individual business may be paid to the operator's personal
 * card (name = operator) or the licence's corporate account (name = entity
 * name); a company only to its corporate account (name = company name).
 * Codes "payee.not_allowed", "payee.name_mismatch". */
int bzj_payee_check(int entity, int payee_type, const char *payee_name, const char *entity_name,
		    const char *operator_name, bzj_err *e);

/* The 30-day rule: an account that replaced an earlier one less than 30
 * natural days before the payout is refused ("payee.changed_recently").
 * `had_previous` false means the shop's first account: never a change. */
int bzj_payee_change_check(bool had_previous, bzj_date since, bzj_date payout, bzj_err *e);

/* Merchant information changes need 30 natural days' written notice (seed
 * 002 §8): payouts are held until the notice date plus this many days. */
#define BZJ_NOTICE_DAYS 30

/* The merchant information changes of seed 002 §8 besides the payee
 * account, as stored: the operator (经营者), a rename of the certified
 * entity (公司更名), a company's deregistration (公司注销). */
enum bzj_change_kind {
	BZJ_CHANGE_OPERATOR = 1,
	BZJ_CHANGE_RENAME = 2,
	BZJ_CHANGE_DEREGISTER = 3,
};
const char *bzj_change_kind_name(int kind);

/* The 30-day hold after a merchant information change: a payout less than
 * 30 natural days after the change's notice date is refused
 * ("shop.info_changed_recently"), naming the change and the first day a
 * payout is possible (notice + 30).  `notice` BZJ_DATE_NONE: no change. */
int bzj_info_change_check(int kind, bzj_date notice, bzj_date payout, bzj_err *e);

/* The date of a change is the day its written notice arrived: never after
 * `today` and never before `current`, the date of the record it replaces
 * (BZJ_DATE_NONE: none) - both "input.date" naming `field`; before today
 * only when `may_backdate` (a supervisor who gives a reason), else
 * "notice.backdated" (BZJ_EPERM): a back-dated change would shorten the
 * 30-day hold. */
int bzj_notice_check(bzj_date notice, bzj_date today, bzj_date current, bool may_backdate,
		     const char *field, bzj_err *e);

/* A top-up whose payer is not the certified entity needs an
 * acknowledgement ("topup.third_party_ack"). */
int bzj_topup_payer_check(const char *payer, const char *entity_name, bool acknowledged,
			  bzj_err *e);

/* A receipt may be requested from 7 natural days after the top-up
 * ("receipt.too_early"). */
int bzj_receipt_check(bzj_date topup_date, bzj_date today, bzj_err *e);

/* Newbie daily check: passes when score > 4.0 (score in tenths, so > 40),
 * no class-B violation in the last 30 days, and points in 30 days < 4. */
bool bzj_newbie_check(int score_tenths, int class_b_30d, int points_30d);

/* The newbie period (新手期), DOMAIN.md "Violations and the newbie period".
 * The window of a check on day D is D-29 .. D inclusive: 30 calendar days
 * ending on the day checked.  A failing check caps the shop at
 * BZJ_NEWBIE_CAP_ORDERS paid orders a day from D+1 until a later check
 * passes (the cap lifts from that check's D+1). */
#define BZJ_NEWBIE_WINDOW_DAYS 30
#define BZJ_NEWBIE_CAP_ORDERS 1000
#define BZJ_SCORE_MAX_TENTHS 50 /* experience scores run 0.0 .. 5.0 */
enum bzj_newbie_status {
	BZJ_NEWBIE = 1,	   /* checked every day */
	BZJ_NB_DIRECT = 2, /* let straight through when added (直通) */
	BZJ_NB_GRADUATED = 3,
};
/* The conditions a check can fail, as bits (one definition: the C enum,
 * the JSON names and the words on screen come from this list). */
#define BZJ_NEWBIE_REASONS(X)                                                                      \
	X(BZJ_NBR_SCORE, 1, "score")                                                               \
	X(BZJ_NBR_SCORE_MISSING, 2, "score.missing")                                               \
	X(BZJ_NBR_CLASS_B, 4, "class_b")                                                           \
	X(BZJ_NBR_POINTS, 8, "points")                                                             \
	X(BZJ_NBR_RISK, 16, "risk")
#define BZJ_NBR_ENUM(id, bit, name) id = bit,
enum bzj_newbie_reason { BZJ_NEWBIE_REASONS(BZJ_NBR_ENUM) BZJ_NBR_ALL = 31 };
#undef BZJ_NBR_ENUM
const char *bzj_newbie_status_name(int status);
/* The JSON name of one reason bit ("score", ...), NULL for others. */
const char *bzj_newbie_reason_name(int bit);
/* The same reason in words, translated ("no experience score for the day"). */
const char *bzj_newbie_reason_text(int bit);
/* First day of the 30-day window of a check on `day`. */
bzj_date bzj_newbie_window_start(bzj_date day);
/* Every condition a check fails, as reason bits (0 = passes).
 * `score_tenths` < 0 means no score was imported for the day; `class_b` and
 * `points` are the shop's class-B violations and violation points in the
 * window; `risk_open` an open risk finding on the day. */
int bzj_newbie_reasons(int score_tenths, int class_b, int points, bool risk_open);
/* Parse an experience score: "4", "4.1" (at most one decimal), 0.0 .. 5.0,
 * into tenths.  Code input.score. */
int bzj_score_parse(const char *s, int *tenths, bzj_err *e);

/* Mask an account number for the support role: all but the last 4 digits
 * become '*'. */
char *bzj_mask_account(const char *account, char *buf, size_t n);

#endif
