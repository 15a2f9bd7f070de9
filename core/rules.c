/* rules.c - the deposit rules of DOMAIN.md as pure functions (rules.h). */
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/rules.h"

/* ---- names ------------------------------------------------------------
 * Stable identifiers of the command line and JSON: never translated. */

struct name {
	int value;
	const char *name;
};

static const struct name entity_names[] = {
	{ BZJ_ENTITY_INDIVIDUAL, "individual" },
	{ BZJ_ENTITY_COMPANY, "company" },
	{ 0, NULL },
};
static const struct name shop_status_names[] = {
	{ BZJ_SHOP_OPEN, "open" },
	{ BZJ_SHOP_CLOSED, "closed" },
	{ 0, NULL },
};
static const struct name payee_names[] = {
	{ BZJ_PAYEE_PERSONAL, "personal" },
	{ BZJ_PAYEE_CORPORATE, "corporate" },
	{ 0, NULL },
};
static const struct name refund_kind_names[] = {
	{ BZJ_REFUND_PARTIAL, "partial" },
	{ BZJ_REFUND_CLOSURE, "closure" },
	{ BZJ_REFUND_EXIT, "exit" },
	{ 0, NULL },
};
static const struct name refund_status_names[] = {
	{ BZJ_RS_SUBMITTED, "submitted" }, { BZJ_RS_APPROVED, "approved" },
	{ BZJ_RS_PAID, "paid" },	   { BZJ_RS_REJECTED, "rejected" },
	{ BZJ_RS_CANCELLED, "cancelled" }, { BZJ_RS_FAILED, "failed" },
	{ 0, NULL },
};
static const struct name vclass_names[] = {
	{ BZJ_VCLASS_A, "A" },
	{ BZJ_VCLASS_B, "B" },
	{ 0, NULL },
};
static const struct name vstatus_names[] = {
	{ BZJ_VS_OPEN, "open" },
	{ BZJ_VS_RESOLVED, "resolved" },
	{ 0, NULL },
};
static const struct name check_item_names[] = {
	{ BZJ_CHECK_MATERIALS, "materials" },
	{ BZJ_CHECK_INFO, "info" },
	{ BZJ_CHECK_SIGNATURES, "signatures" },
	{ BZJ_CHECK_STATEMENTS, "statements" },
	{ 0, NULL },
};

/* "?" for an unknown value, so a name can always be printed. */
static const char *name_of(const struct name *t, int value)
{
	for (; t->name; t++)
		if (t->value == value)
			return t->name;
	return "?";
}

static int parse_name(const struct name *t, const char *s)
{
	if (!s)
		return -1;
	for (; t->name; t++)
		if (strcmp(t->name, s) == 0)
			return t->value;
	return -1;
}

const char *bzj_entity_name(int entity)
{
	return name_of(entity_names, entity);
}

int bzj_entity_parse(const char *s)
{
	return parse_name(entity_names, s);
}

const char *bzj_shop_status_name(int status)
{
	return name_of(shop_status_names, status);
}

int bzj_shop_status_parse(const char *s)
{
	return parse_name(shop_status_names, s);
}

const char *bzj_payee_type_name(int type)
{
	return name_of(payee_names, type);
}

int bzj_payee_type_parse(const char *s)
{
	return parse_name(payee_names, s);
}

const char *bzj_refund_kind_name(int kind)
{
	return name_of(refund_kind_names, kind);
}

int bzj_refund_kind_parse(const char *s)
{
	return parse_name(refund_kind_names, s);
}

const char *bzj_refund_status_name(int status)
{
	return name_of(refund_status_names, status);
}

int bzj_refund_status_parse(const char *s)
{
	return parse_name(refund_status_names, s);
}

const char *bzj_vclass_name(int cls)
{
	return name_of(vclass_names, cls);
}

int bzj_vclass_parse(const char *s)
{
	return parse_name(vclass_names, s);
}

const char *bzj_vstatus_name(int st)
{
	return name_of(vstatus_names, st);
}

int bzj_vstatus_parse(const char *s)
{
	return parse_name(vstatus_names, s);
}

const char *bzj_check_item_name(int bit)
{
	return name_of(check_item_names, bit);
}

int bzj_check_item_parse(const char *s)
{
	return parse_name(check_item_names, s);
}

/* ---- required deposit -------------------------------------------------- */

#define WAN_YUAN_FEN ((int64_t)1000000) /* 1 万元 = 10,000 yuan in fen */

int64_t bzj_floating_for_gmv(int64_t gmv_fen)
{
	/* Upper bounds are inclusive: exactly 50,000.00 yuan is still tier 0. */
	if (gmv_fen <= 5 * WAN_YUAN_FEN)
		return 0;
	if (gmv_fen <= 10 * WAN_YUAN_FEN)
		return 300000;
	if (gmv_fen <= 50 * WAN_YUAN_FEN)
		return 500000;
	return 2000000;
}

bzj_date bzj_floating_effective(bzj_month gmv_month)
{
	return bzj_month_day(gmv_month + 1, 2);
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void bzj_position_compute(bzj_position *p)
{
	p->required_fen = max64(p->base_fen, p->floating_fen) + p->raises_fen;
	p->available_fen = p->balance_fen - p->frozen_fen;
	p->refundable_fen = max64(0, p->available_fen - p->required_fen - p->in_progress_fen);
	p->shortfall_fen = max64(0, p->required_fen - p->balance_fen);
	p->restricted = p->balance_fen < p->required_fen;
}

void bzj_deduction_split(int64_t amount_fen, int64_t balance_fen, int64_t violation_frozen_fen,
			 int64_t unsettled_fen, bzj_deduction *out)
{
	/* A balance, freeze or unsettled sum below zero covers nothing. */
	out->from_balance_fen = max64(0, min64(amount_fen, balance_fen));
	out->from_frozen_fen = max64(0, min64(out->from_balance_fen, violation_frozen_fen));
	out->owed_fen = amount_fen - out->from_balance_fen;
	out->from_unsettled_fen = max64(0, min64(out->owed_fen, unsettled_fen));
	out->remaining_owed_fen = out->owed_fen - out->from_unsettled_fen;
	out->terminate = out->remaining_owed_fen > 0;
}

/* ---- refunds ------------------------------------------------------------ */

int bzj_refund_window(const bzj_cal *c, int kind, bzj_date anchor, bzj_date *start,
		      bzj_date *end, bzj_err *e)
{
	int lo, hi, rc;
	bzj_date s, t;

	if (kind == BZJ_REFUND_PARTIAL) {
		lo = 1;
		hi = 3;
	} else if (kind == BZJ_REFUND_CLOSURE || kind == BZJ_REFUND_EXIT) {
		lo = 7;
		hi = 15;
	} else {
		return bzj_fail(e, BZJ_EINPUT, "input.kind",
				_("kind: must be partial, closure or exit"));
	}
	if ((rc = bzj_cal_add_business(c, anchor, lo, &s, e)) ||
	    (rc = bzj_cal_add_business(c, anchor, hi, &t, e)))
		return rc;
	if (start)
		*start = s;
	if (end)
		*end = t;
	return BZJ_OK;
}

/* Allowed actions per status, as bits (1 << action). */
static unsigned allowed_actions(int status)
{
	switch (status) {
	case BZJ_RS_SUBMITTED:
		return 1u << BZJ_RA_CHECK | 1u << BZJ_RA_APPROVE | 1u << BZJ_RA_REJECT |
		       1u << BZJ_RA_CANCEL;
	case BZJ_RS_APPROVED:
		/* APPROVE again is the supervisor's second approval. */
		return 1u << BZJ_RA_APPROVE | 1u << BZJ_RA_REJECT | 1u << BZJ_RA_CANCEL |
		       1u << BZJ_RA_PAY | 1u << BZJ_RA_FAIL;
	default:
		return 0;
	}
}

static const char *refused_fmt(int action)
{
	switch (action) {
	case BZJ_RA_CHECK:
		return _("cannot tick the checklist of a refund that is %s%s");
	case BZJ_RA_APPROVE:
		return _("cannot approve a refund that is %s%s");
	case BZJ_RA_REJECT:
		return _("cannot reject a refund that is %s%s");
	case BZJ_RA_CANCEL:
		return _("cannot cancel a refund that is %s%s");
	case BZJ_RA_PAY:
		return _("cannot pay a refund that is %s%s");
	case BZJ_RA_FAIL:
		return _("cannot record a failed payout of a refund that is %s%s");
	default:
		return _("cannot do that to a refund that is %s%s");
	}
}

/* Why, given the status, so the message says what to do instead. */
static const char *refused_why(int status, int action)
{
	if (status == BZJ_RS_SUBMITTED && (action == BZJ_RA_PAY || action == BZJ_RA_FAIL))
		return _("; it must be approved first");
	if (status == BZJ_RS_APPROVED && action == BZJ_RA_CHECK)
		return _("; the checklist is ticked before approval");
	if (status >= BZJ_RS_PAID && status <= BZJ_RS_FAILED)
		return _("; that refund is closed");
	return "";
}

int bzj_refund_transition(int status, int action, bzj_err *e)
{
	if (action >= BZJ_RA_CHECK && action <= BZJ_RA_FAIL &&
	    (allowed_actions(status) & 1u << action))
		return BZJ_OK;
	return bzj_fail(e, BZJ_ERULE, "refund.state", refused_fmt(action),
			bzj_refund_status_name(status), refused_why(status, action));
}

/* ---- payees -------------------------------------------------------------- */

static int is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* s without leading and trailing ASCII white space, as pointer + length. */
static const char *trim(const char *s, size_t *len)
{
	size_t n;

	if (!s) {
		*len = 0;
		return "";
	}
	while (is_ascii_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_ascii_space(s[n - 1]))
		n--;
	*len = n;
	return s;
}

static bool same_name(const char *a, const char *b)
{
	size_t la, lb;
	const char *ta = trim(a, &la), *tb = trim(b, &lb);

	return la == lb && memcmp(ta, tb, la) == 0;
}

static bool blank(const char *s)
{
	size_t n;

	trim(s, &n);
	return n == 0;
}

/* The account name must be `expected`; `whose` says whose name that is. */
static int payee_name_is(const char *payee_name, const char *expected, const char *whose,
			 bzj_err *e)
{
	char q1[96], q2[96];

	if (same_name(payee_name, expected))
		return BZJ_OK;
	return bzj_fail(e, BZJ_ERULE, "payee.name_mismatch",
			_("the account name '%s' is not %s '%s'"),
			bzj_err_quote(payee_name, q1, sizeof q1), whose,
			bzj_err_quote(expected, q2, sizeof q2));
}

int bzj_payee_check(int entity, int payee_type, const char *payee_name, const char *entity_name,
		    const char *operator_name, bzj_err *e)
{
	if (entity != BZJ_ENTITY_INDIVIDUAL && entity != BZJ_ENTITY_COMPANY)
		return bzj_fail(e, BZJ_EINPUT, "input.entity",
				_("entity: must be individual or company"));
	if (payee_type != BZJ_PAYEE_PERSONAL && payee_type != BZJ_PAYEE_CORPORATE)
		return bzj_fail(e, BZJ_EINPUT, "input.payee_type",
				_("type: must be personal or corporate"));
	if (payee_type == BZJ_PAYEE_CORPORATE) {
		if (blank(entity_name))
			return bzj_fail(e, BZJ_ERULE, "payee.not_allowed",
					_("the shop has no certified entity name to match a "
					  "corporate account against"));
		return payee_name_is(payee_name, entity_name,
				     _("the certified entity name"), e);
	}
	if (entity == BZJ_ENTITY_COMPANY)
		return bzj_fail(e, BZJ_ERULE, "payee.not_allowed",
				_("a company is refunded only to its corporate account "
				  "(对公账户), not to a personal card"));
	if (blank(operator_name))
		return bzj_fail(e, BZJ_ERULE, "payee.not_allowed",
				_("a personal card must be in the operator's name and the shop "
				  "has no operator recorded; record one with `bzj shop operator ID "
				  "--name NAME` or use the corporate account"));
	return payee_name_is(payee_name, operator_name, _("the operator's name"), e);
}

int bzj_payee_change_check(bool had_previous, bzj_date since, bzj_date payout, bzj_err *e)
{
	char s1[16], s2[16];

	if (!had_previous || (int64_t)payout - since >= BZJ_NOTICE_DAYS)
		return BZJ_OK;
	return bzj_fail(e, BZJ_ERULE, "payee.changed_recently",
			_("the payee account was changed on %s, less than 30 days ago; "
			  "a refund can be paid to it from %s"),
			bzj_date_fmt(since, s1, sizeof s1),
			bzj_date_fmt(since + BZJ_NOTICE_DAYS, s2, sizeof s2));
}

const char *bzj_change_kind_name(int kind)
{
	switch (kind) {
	case BZJ_CHANGE_OPERATOR: return "operator";
	case BZJ_CHANGE_RENAME: return "rename";
	case BZJ_CHANGE_DEREGISTER: return "deregister";
	default: return "?";
	}
}

int bzj_info_change_check(int kind, bzj_date notice, bzj_date payout, bzj_err *e)
{
	char s1[16], s2[16];
	const char *what;

	if (notice == BZJ_DATE_NONE || (int64_t)payout - notice >= BZJ_NOTICE_DAYS)
		return BZJ_OK;
	switch (kind) {
	case BZJ_CHANGE_OPERATOR: what = _("an operator change"); break;
	case BZJ_CHANGE_RENAME: what = _("a rename of the certified entity"); break;
	default: what = _("the company's deregistration"); break;
	}
	return bzj_fail(e, BZJ_ERULE, "shop.info_changed_recently",
			_("the shop gave written notice of %s on %s, less than 30 days ago; "
			  "a refund can be paid from %s"),
			what, bzj_date_fmt(notice, s1, sizeof s1),
			bzj_date_fmt(notice + BZJ_NOTICE_DAYS, s2, sizeof s2));
}

int bzj_notice_check(bzj_date notice, bzj_date today, bzj_date current, bool may_backdate,
		     const char *field, bzj_err *e)
{
	char s1[16], s2[16];

	if (notice == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("%s: a date is required"), field);
	if (notice > today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: %s is after today; a change is dated the day its written "
				  "notice arrived"),
				field, bzj_date_fmt(notice, s1, sizeof s1));
	if (current != BZJ_DATE_NONE && notice < current)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: %s is before the current record's date %s"), field,
				bzj_date_fmt(notice, s1, sizeof s1),
				bzj_date_fmt(current, s2, sizeof s2));
	if (notice < today && !may_backdate)
		return bzj_fail(e, BZJ_EPERM, "notice.backdated",
				_("%s: %s is before today; only a supervisor may record a notice "
				  "that arrived earlier, with --reason (it shortens the 30-day "
				  "hold on payouts)"),
				field, bzj_date_fmt(notice, s1, sizeof s1));
	return BZJ_OK;
}

int bzj_topup_payer_check(const char *payer, const char *entity_name, bool acknowledged,
			  bzj_err *e)
{
	char q1[96], q2[96];

	if (blank(payer) || acknowledged || same_name(payer, entity_name))
		return BZJ_OK;
	return bzj_fail(e, BZJ_ERULE, "topup.third_party_ack",
			_("the payer '%s' is not the certified entity '%s'; a third-party "
			  "top-up needs the payer's acknowledgement that they know the "
			  "nature and purpose of the money (--ack-third-party)"),
			bzj_err_quote(payer, q1, sizeof q1), bzj_err_quote(entity_name, q2, sizeof q2));
}

int bzj_receipt_check(bzj_date topup_date, bzj_date today, bzj_err *e)
{
	char s1[16], s2[16];

	if ((int64_t)today - topup_date >= 7)
		return BZJ_OK;
	return bzj_fail(e, BZJ_ERULE, "receipt.too_early",
			_("a receipt for the top-up of %s can be requested from %s"),
			bzj_date_fmt(topup_date, s1, sizeof s1),
			bzj_date_fmt(topup_date + 7, s2, sizeof s2));
}

bool bzj_newbie_check(int score_tenths, int class_b_30d, int points_30d)
{
	return bzj_newbie_reasons(score_tenths, class_b_30d, points_30d, false) == 0;
}

const char *bzj_newbie_status_name(int status)
{
	switch (status) {
	case BZJ_NEWBIE: return "newbie";
	case BZJ_NB_DIRECT: return "direct";
	case BZJ_NB_GRADUATED: return "graduated";
	default: return "?";
	}
}

const char *bzj_newbie_reason_name(int bit)
{
#define NAME(id, b, name)                                                                          \
	if (bit == (b))                                                                            \
		return name;
	BZJ_NEWBIE_REASONS(NAME)
#undef NAME
	return NULL;
}

const char *bzj_newbie_reason_text(int bit)
{
	switch (bit) {
	case BZJ_NBR_SCORE: return _("experience score 4.0 or below");
	case BZJ_NBR_SCORE_MISSING: return _("no experience score for the day");
	case BZJ_NBR_CLASS_B: return _("a class-B violation in 30 days");
	case BZJ_NBR_POINTS: return _("4 or more violation points in 30 days");
	case BZJ_NBR_RISK: return _("an open risk finding");
	default: return "";
	}
}

bzj_date bzj_newbie_window_start(bzj_date day)
{
	return day - (BZJ_NEWBIE_WINDOW_DAYS - 1);
}

int bzj_newbie_reasons(int score_tenths, int class_b, int points, bool risk_open)
{
	int r = 0;
	if (score_tenths < 0)
		r |= BZJ_NBR_SCORE_MISSING;
	else if (score_tenths <= 40) /* above 4.0 passes; 4.0 itself fails */
		r |= BZJ_NBR_SCORE;
	if (class_b > 0)
		r |= BZJ_NBR_CLASS_B;
	if (points >= 4)
		r |= BZJ_NBR_POINTS;
	if (risk_open)
		r |= BZJ_NBR_RISK;
	return r;
}

int bzj_score_parse(const char *s, int *tenths, bzj_err *e)
{
	const char *p = s ? s : "";
	bool ok = p[0] >= '0' && p[0] <= '9';
	int v = ok ? (p[0] - '0') * 10 : 0;
	if (ok && p[1] == '.') {
		ok = p[2] >= '0' && p[2] <= '9' && p[3] == '\0';
		v += ok ? p[2] - '0' : 0;
	} else if (ok) {
		ok = p[1] == '\0';
	}
	if (!ok || v > BZJ_SCORE_MAX_TENTHS)
		return bzj_fail(e, BZJ_EINPUT, "input.score",
				_("score: '%.20s' must be 0.0 to 5.0 with at most one decimal"), p);
	*tenths = v;
	return BZJ_OK;
}

/* Number of UTF-8 characters (bytes that do not continue one). */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

char *bzj_mask_account(const char *account, char *buf, size_t n)
{
	size_t len, chars, i, tail, stars, o = 0;

	if (!buf || n == 0)
		return buf;
	if (!account)
		account = "";
	len = strlen(account);
	chars = utf8_chars(account, len);
	/* Find where the last 4 characters start. */
	for (tail = len, i = 0; tail > 0 && i < 4;) {
		tail--;
		if (((unsigned char)account[tail] & 0xc0) != 0x80)
			i++;
	}
	stars = chars > 4 ? chars - 4 : 0;
	if (len - tail >= n) {
		/* Not even the visible tail fits: show nothing of the number. */
		memset(buf, '*', n - 1);
		buf[n - 1] = '\0';
		return buf;
	}
	if (stars + (len - tail) >= n)
		stars = n - 1 - (len - tail);
	memset(buf, '*', stars);
	o = stars;
	memcpy(buf + o, account + tail, len - tail);
	o += len - tail;
	buf[o] = '\0';
	return buf;
}
