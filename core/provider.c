/* provider.c - service providers (服务商): adding and certifying them, their
 * deposit (own ledger, own payee: never a shop's money), bindings to shops,
 * orders, the cooldown after a revocation, merchants' complaints, exit and
 * the exit refund through the common refund queue. */
#include <stdio.h>
#include <string.h>

#include "bzj/ledger.h"
#include "bzj/money.h"
#include "bzj/provider.h"
#include "service.h"

/* ---- names -------------------------------------------------------------- */

static const char *const kind_names[] = {NULL, "agency", "industry_belt"};
static const char *const status_names[] = {NULL,      "probation", "certified",
					   "revoked", "ordinary",  "exited"};
static const char *const complaint_names[] = {NULL, "open", "pending", "upheld", "dismissed"};

const char *bzj_provider_kind_name(int kind)
{
	return kind >= 1 && kind <= 2 ? kind_names[kind] : "?";
}

int bzj_provider_kind_parse(const char *s)
{
	for (int i = 1; s && i <= 2; i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

const char *bzj_provider_status_name(int status)
{
	return status >= 1 && status <= 5 ? status_names[status] : "?";
}

int bzj_provider_status_parse(const char *s)
{
	for (int i = 1; s && i <= 5; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

const char *bzj_complaint_status_name(int status)
{
	return status >= 1 && status <= 4 ? complaint_names[status] : "?";
}

/* ---- pure rules --------------------------------------------------------- */

bzj_date bzj_provider_cooldown_first(bzj_date notice)
{
	return notice + BZJ_PROVIDER_COOLDOWN_DAYS;
}

int bzj_provider_cooldown_check(bzj_date notice, bzj_date day, bzj_err *e)
{
	if (notice == BZJ_DATE_NONE || day >= bzj_provider_cooldown_first(notice))
		return BZJ_OK;
	char d1[16], d2[16];
	return bzj_fail(e, BZJ_ERULE, "provider.cooldown",
			_("the delisting notice was published on %s; an application for "
			  "industry-belt certification is accepted from %s (90 natural days), or "
			  "earlier with a supervisor's special explanation (--explanation)"),
			bzj_date_fmt(notice, d1, sizeof d1),
			bzj_date_fmt(bzj_provider_cooldown_first(notice), d2, sizeof d2));
}

int64_t bzj_provider_required(const bzj_config *cfg, int kind, int status, int64_t bound_shops)
{
	bzj_config def;
	if (!cfg) {
		bzj_config_defaults(&def);
		cfg = &def;
	}
	if (status == BZJ_PST_EXITED)
		return 0;
	if (kind == BZJ_PK_BELT && (status == BZJ_PST_PROBATION || status == BZJ_PST_CERTIFIED))
		return cfg->provider_belt_fen;
	int64_t fen = 0;
	for (int i = 0; i < cfg->provider_ntiers && i < 8; i++)
		if (bound_shops >= cfg->provider_tier_shops[i])
			fen = cfg->provider_tier_fen[i];
	return fen;
}

bool bzj_order_window(bzj_date bfrom, bzj_date bto, bzj_date from, bzj_date to, bzj_date *lo,
		      bzj_date *hi)
{
	bzj_date l = bfrom > from ? bfrom : from;
	bzj_date h = bto == BZJ_DATE_NONE || bto > to ? to : bto;
	if (lo)
		*lo = l;
	if (hi)
		*hi = h;
	return l <= h;
}

/* ---- helpers ---------------------------------------------------------------- */

static int provider_id_check(const char *s, bzj_err *e)
{
	size_t n = s ? strlen(s) : 0;
	bool ok = n >= 1 && n <= BZJ_ID_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char c = s[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     c == '_' || c == '-' || c == '.';
	}
	if (!ok) {
		char q[48];
		return bzj_fail(e, BZJ_EINPUT, "input.id",
				_("provider id: '%s' must be 1 to %d letters, digits, '_', '-' or "
				  "'.'"),
				bzj_err_quote(s, q, sizeof q), BZJ_ID_MAX);
	}
	return BZJ_OK;
}

static int provider_load(bzj_ctx *x, const char *id, bzj_provider *p, bzj_err *e)
{
	int rc = provider_id_check(id, e);
	return rc ? rc : bzj_store_provider_get(x->db, id, p, e);
}

static void provider_json(const bzj_provider *p, bzj_json *j)
{
	bzj_json_obj(j, NULL);
	bzj_json_str(j, "kind", bzj_provider_kind_name(p->kind));
	bzj_json_str(j, "status", bzj_provider_status_name(p->status));
	bzj_json_date(j, "certified_on", p->certified_on);
	bzj_json_date(j, "delisted_on", p->delisted_on);
	bzj_json_date(j, "exited_on", p->exited_on);
	bzj_json_int(j, "balance_fen", p->balance_fen);
	bzj_json_int(j, "frozen_fen", p->frozen_fen);
	bzj_json_obj_end(j);
}

/* Append the audit record of a provider change (before may be NULL). */
static int provider_audit(bzj_ctx *x, const char *action, const char *object, const char *shop,
			  const bzj_provider *before, const bzj_provider *after,
			  const char *reason, bzj_err *e)
{
	char obj[64];
	if (!object) {
		snprintf(obj, sizeof obj, "provider:%s", after->id);
		object = obj;
	}
	bzj_json b, a;
	bzj_json_init(&b);
	bzj_json_init(&a);
	if (before)
		provider_json(before, &b);
	provider_json(after, &a);
	int rc = svc_audit(x, action, object, shop, before ? bzj_json_text(&b) : NULL,
			   bzj_json_text(&a), reason, e);
	bzj_json_free(&a);
	bzj_json_free(&b);
	return rc;
}

/* The transaction of a provider command and its provider, read inside it
 * (a provider that is not there ends the transaction). */
static int provider_begin(bzj_ctx *x, const char *id, bzj_provider *p, bzj_err *e)
{
	int rc = svc_begin(x, e);
	if (rc)
		return rc;
	rc = provider_load(x, id, p, e);
	return rc ? svc_end(x, rc, e) : BZJ_OK;
}

/* Write the provider's new state and its audit record. */
static int provider_save(bzj_ctx *x, const char *action, const char *object, const char *shop,
			 const bzj_provider *before, bzj_provider *p, const char *reason,
			 bzj_err *e)
{
	int rc = bzj_store_provider_update(x->db, p, e);
	return rc ? rc : provider_audit(x, action, object, shop, before, p, reason, e);
}

static int date_not_future(bzj_ctx *x, bzj_date d, const char *field, bzj_err *e)
{
	if (d == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("%s: a date is required"), field);
	if (d > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("%s: the date is after today"), field);
	return BZJ_OK;
}

static void view_fill(bzj_ctx *x, bzj_provider_view *v, int64_t bound, int64_t open_c,
		      int64_t upheld_c)
{
	const bzj_provider *p = &v->p;
	v->bound_shops = bound;
	v->open_complaints = open_c;
	v->upheld_complaints = upheld_c;
	v->required_fen = bzj_provider_required(x->cfg, p->kind, p->status, bound);
	v->available_fen = p->balance_fen - p->frozen_fen;
	v->shortfall_fen = v->required_fen > p->balance_fen ? v->required_fen - p->balance_fen : 0;
	v->cooldown_until = v->may_apply_from = BZJ_DATE_NONE;
	if (p->delisted_on != BZJ_DATE_NONE) {
		v->may_apply_from = bzj_provider_cooldown_first(p->delisted_on);
		v->cooldown_until = v->may_apply_from - 1;
	}
}

/* ---- providers ---------------------------------------------------------------- */

int bzj_provider_add(bzj_ctx *x, const bzj_provider_new *in, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("add service providers"), e);
	if (!rc)
		rc = provider_id_check(in->id, e);
	if (!rc)
		rc = svc_text(in->name, "name", BZJ_NAME_MAX, true, e);
	if (!rc)
		rc = svc_text(in->entity_name, "entity_name", BZJ_NAME_MAX, true, e);
	if (!rc && in->kind != BZJ_PK_AGENCY && in->kind != BZJ_PK_BELT)
		rc = bzj_fail(e, BZJ_EINPUT, "input.kind", _("kind: must be agency or industry_belt"));
	if (!rc && in->kind == BZJ_PK_AGENCY && in->certified != BZJ_DATE_NONE)
		rc = bzj_fail(e, BZJ_EINPUT, "input.certified",
			      _("--certified: only an industry-belt provider is certified"));
	if (!rc && in->certified != BZJ_DATE_NONE)
		rc = date_not_future(x, in->certified, "--certified", e);
	if (rc)
		return rc;
	bzj_provider p;
	memset(&p, 0, sizeof p);
	snprintf(p.id, sizeof p.id, "%s", in->id);
	snprintf(p.name, sizeof p.name, "%s", in->name);
	snprintf(p.entity_name, sizeof p.entity_name, "%s", in->entity_name);
	p.kind = in->kind;
	p.status = in->kind == BZJ_PK_AGENCY		 ? BZJ_PST_ORDINARY
		   : in->certified == BZJ_DATE_NONE ? BZJ_PST_PROBATION
						    : BZJ_PST_CERTIFIED;
	p.added = x->today;
	p.certified_on = in->certified;
	p.delisted_on = p.exited_on = BZJ_DATE_NONE;
	if ((rc = svc_begin(x, e)))
		return rc;
	bzj_provider old;
	bzj_err ne;
	if (bzj_store_provider_get(x->db, p.id, &old, &ne) == BZJ_OK)
		rc = bzj_fail(e, BZJ_ERULE, "provider.exists", _("provider %s already exists"),
			      p.id);
	if (!rc)
		rc = bzj_store_provider_insert(x->db, &p, e);
	if (!rc)
		rc = provider_audit(x, "provider.add", NULL, NULL, NULL, &p, NULL, e);
	return svc_end(x, rc, e);
}

int bzj_provider_get(bzj_ctx *x, const char *id, bzj_provider_view *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read service providers"), e);
	if (!rc)
		rc = provider_load(x, id, &out->p, e);
	int64_t bound = 0, open_c = 0, upheld_c = 0;
	if (!rc)
		rc = bzj_store_provider_stats(x->db, id, x->today, &bound, &open_c, &upheld_c, e);
	if (!rc)
		rc = bzj_store_ppayee_get(x->db, id, &out->payee, e);
	if (rc)
		return rc;
	view_fill(x, out, bound, open_c, upheld_c);
	if (out->payee.present) {
		bzj_err pe;
		out->payee.valid = bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_CORPORATE,
						   out->payee.name, out->p.entity_name, NULL,
						   &pe) == BZJ_OK;
		if (!out->payee.valid)
			snprintf(out->payee.problem, sizeof out->payee.problem, "%s", pe.code);
		if (!bzj_role_can(x->actor.role, BZJ_PERM_SEE_ACCOUNTS)) {
			char m[BZJ_ACCOUNT_MAX + 1];
			bzj_mask_account(out->payee.account, m, sizeof m);
			snprintf(out->payee.account, sizeof out->payee.account, "%s", m);
		}
	}
	return BZJ_OK;
}

typedef struct list_ctx {
	bzj_ctx *x;
	const bzj_provider_query *q;
	bzj_provider_fn fn;
	void *ctx;
	int64_t shown;
	bool done; /* the callback asked to stop: count, call no more */
} list_ctx;

static int list_row(void *ctx, const bzj_provider *p, int64_t bound, int64_t open_c,
		    int64_t upheld_c)
{
	list_ctx *l = ctx;
	bzj_provider_view v;
	memset(&v, 0, sizeof v);
	v.p = *p;
	view_fill(l->x, &v, bound, open_c, upheld_c);
	if (l->q->shortfall && v.shortfall_fen == 0)
		return 0;
	l->shown++;
	if (!l->q->shortfall)
		return l->fn(l->ctx, &v);
	/* Past the page the walk goes on only to count every match (the
	 * total of a shortfall list is what passed the filter, as for the
	 * others). */
	if (!l->done && (l->q->limit <= 0 || l->shown <= l->q->limit))
		l->done = l->fn(l->ctx, &v) != 0;
	return 0;
}

int bzj_provider_list(bzj_ctx *x, const bzj_provider_query *q, bzj_provider_fn fn, void *ctx,
		      int64_t *total, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read service providers"), e);
	if (rc)
		return rc;
	/* The shortfall depends on today's bindings and the config's table: it
	 * is filtered here, over every provider (there are thousands, not
	 * millions), and the total is what passed the filter. */
	list_ctx l = {x, q, fn, ctx, 0, false};
	bzj_provider_query sq = *q;
	if (q->shortfall)
		sq.limit = 0;
	rc = bzj_store_provider_list(x->db, &sq, x->today, list_row, &l, total, e);
	if (!rc && q->shortfall)
		*total = l.shown;
	return rc;
}

/* ---- money ------------------------------------------------------------------ */

static void entry_init(bzj_ctx *x, bzj_provider_entry *le, const bzj_provider *p, int kind,
		       int64_t amount)
{
	memset(le, 0, sizeof *le);
	snprintf(le->user, sizeof le->user, "%s", x->actor.user);
	le->date = x->today;
	le->kind = kind;
	le->amount_fen = amount;
	le->balance_after_fen = p->balance_fen + amount;
}

/* Write ledger entry le (from entry_init) and the provider's balance after
 * it, with the audit record naming the entry. */
static int provider_entry_write(bzj_ctx *x, bzj_provider *p, const bzj_provider *before,
				bzj_provider_entry *le, const char *action, const char *shop,
				const char *reason, bzj_err *e)
{
	int rc = bzj_store_pledger_insert(x->db, p->id, le, e);
	p->balance_fen = le->balance_after_fen;
	char obj[64];
	snprintf(obj, sizeof obj, "provider_ledger:%lld", (long long)le->id);
	return rc ? rc : provider_save(x, action, obj, shop, before, p, reason, e);
}

int bzj_provider_topup(bzj_ctx *x, const char *id, int64_t amount_fen, const char *ref,
		       int64_t *entry, int64_t *balance_fen, bool *replayed, bzj_err *e)
{
	*replayed = false;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_MONEY_IN, _("record top-ups"), e);
	if (!rc && (amount_fen <= 0 || amount_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("amount: a top-up must be above zero"));
	if (!rc)
		rc = svc_text(ref, "ref", 64, false, e);
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && ref && *ref) {
		bzj_provider_entry old;
		char owner[BZJ_ID_MAX + 1] = "";
		bool found = false;
		rc = bzj_store_pledger_by_ref(x->db, ref, &old, owner, sizeof owner, &found, e);
		if (!rc && found) {
			if (strcmp(owner, p.id) != 0 || old.amount_fen != amount_fen ||
			    old.kind != BZJ_LK_TOPUP)
				rc = bzj_fail(e, BZJ_ERULE, "topup.ref_conflict",
					      _("ref %s was already used for another top-up (entry "
						"%lld, provider %s)"),
					      ref, (long long)old.id, owner);
			*entry = old.id;
			*balance_fen = p.balance_fen;
			*replayed = rc == BZJ_OK;
			bzj_db_rollback(x->db);
			return rc;
		}
	}
	if (!rc && p.status == BZJ_PST_EXITED)
		rc = bzj_fail(e, BZJ_ERULE, "provider.exited",
			      _("provider %s has left the service market; it takes no more "
				"top-ups"),
			      p.id);
	if (rc)
		return svc_end(x, rc, e);
	bzj_provider before = p;
	bzj_provider_entry le;
	entry_init(x, &le, &p, BZJ_LK_TOPUP, amount_fen);
	snprintf(le.ref, sizeof le.ref, "%s", ref ? ref : "");
	rc = provider_entry_write(x, &p, &before, &le, "provider.topup", NULL, NULL, e);
	*entry = le.id;
	*balance_fen = p.balance_fen;
	return svc_end(x, rc, e);
}

int bzj_provider_fee(bzj_ctx *x, const char *id, int64_t amount_fen, const char *note,
		     int64_t *entry, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_MONEY_IN, _("record fees"), e);
	if (!rc && (amount_fen <= 0 || amount_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("amount: a fee must be above zero"));
	if (!rc)
		rc = svc_text(note, "note", 256, true, e);
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && amount_fen > p.balance_fen - p.frozen_fen) {
		char a[32], b[32];
		rc = bzj_fail(e, BZJ_ERULE, "fee.exceeds_balance",
			      _("fee %s is more than the available balance %s of provider %s"),
			      bzj_money_fmt(amount_fen, a, sizeof a),
			      bzj_money_fmt(p.balance_fen - p.frozen_fen, b, sizeof b), p.id);
	}
	if (rc)
		return svc_end(x, rc, e);
	bzj_provider before = p;
	bzj_provider_entry le;
	entry_init(x, &le, &p, BZJ_LK_FEE, -amount_fen);
	snprintf(le.note, sizeof le.note, "%s", note);
	rc = provider_entry_write(x, &p, &before, &le, "provider.fee", NULL, note, e);
	*entry = le.id;
	return svc_end(x, rc, e);
}

int bzj_provider_payee(bzj_ctx *x, const char *id, const char *name, const char *account,
		       bzj_date since, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("record payee accounts"), e);
	if (!rc)
		rc = svc_text(name, "name", BZJ_NAME_MAX, true, e);
	size_t n = account ? strlen(account) : 0;
	bool digits = n >= 4 && n <= BZJ_ACCOUNT_MAX;
	for (size_t i = 0; digits && i < n; i++)
		digits = account[i] >= '0' && account[i] <= '9';
	if (!rc && !digits)
		rc = bzj_fail(e, BZJ_EINPUT, "input.account",
			      _("account: must be 4 to %d digits"), BZJ_ACCOUNT_MAX);
	bzj_date day = since == BZJ_DATE_NONE ? x->today : since;
	if (!rc && day > x->today)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("date: the notice of an account change cannot be in the future"));
	if (rc)
		return rc;
	bzj_provider p;
	bzj_payee cur;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc)
		rc = bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_CORPORATE, name, p.entity_name,
				     NULL, e);
	if (!rc)
		rc = bzj_store_ppayee_get(x->db, p.id, &cur, e);
	if (!rc && cur.present && !strcmp(cur.name, name) && !strcmp(cur.account, account))
		return svc_end(x, rc, e); /* the same account again: no change */
	if (!rc && cur.present && day < cur.since)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("date: before the current account's date"));
	if (!rc)
		rc = bzj_store_ppayee_insert(x->db, p.id, name, account, day, e);
	if (!rc) {
		char obj[64], a[160], m[BZJ_ACCOUNT_MAX + 1];
		snprintf(obj, sizeof obj, "provider:%s", p.id);
		snprintf(a, sizeof a, "{\"payee\":\"corporate\",\"account\":\"%s\",\"since\":%d}",
			 bzj_mask_account(account, m, sizeof m), (int)day);
		rc = svc_audit(x, "provider.payee", obj, NULL, NULL, a,
			       cur.present ? "account changed" : NULL, e);
	}
	return svc_end(x, rc, e);
}

int bzj_provider_ledger(bzj_ctx *x, const char *id, bzj_provider_entry *out, int max, int *n,
			bzj_err *e)
{
	*n = 0;
	bzj_provider p;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the ledger"), e);
	if (!rc)
		rc = provider_load(x, id, &p, e);
	return rc ? rc : bzj_store_pledger_list(x->db, id, out, max, n, e);
}

/* ---- status changes ------------------------------------------------------------ */

int bzj_provider_certify(bzj_ctx *x, const char *id, bzj_date day, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("certify service providers"), e);
	if (!rc)
		rc = date_not_future(x, day, "--date", e);
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && p.status != BZJ_PST_PROBATION)
		rc = bzj_fail(e, BZJ_ERULE, "provider.state",
			      _("provider %s is %s: only an industry-belt provider on probation "
				"is certified"),
			      p.id, bzj_provider_status_name(p.status));
	if (!rc && day < p.added)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--date: before the provider was added"));
	if (rc)
		return svc_end(x, rc, e);
	bzj_provider before = p;
	p.status = BZJ_PST_CERTIFIED;
	p.certified_on = day;
	rc = provider_save(x, "provider.certify", NULL, NULL, &before, &p, NULL, e);
	return svc_end(x, rc, e);
}

int bzj_provider_apply(bzj_ctx *x, const char *id, bzj_date day, const char *explanation,
		       bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("record applications"), e);
	if (!rc)
		rc = date_not_future(x, day, "--date", e);
	if (!rc)
		rc = svc_text(explanation, "explanation", 256, false, e);
	bool explained = explanation && *explanation;
	if (!rc && explained && x->actor.role != BZJ_ROLE_SUPERVISOR)
		rc = bzj_fail(e, BZJ_EPERM, "auth.role",
			      _("only a supervisor records a special explanation (特别说明)"));
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && p.status != BZJ_PST_ORDINARY && p.status != BZJ_PST_REVOKED)
		rc = bzj_fail(e, BZJ_ERULE, "provider.state",
			      _("provider %s is %s: only an ordinary (or revoked) provider applies "
				"for industry-belt certification"),
			      p.id, bzj_provider_status_name(p.status));
	bool early = false;
	if (!rc && p.delisted_on != BZJ_DATE_NONE && day < p.delisted_on)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--date: before the delisting notice"));
	if (!rc && bzj_provider_cooldown_check(p.delisted_on, day, e)) {
		early = true;
		if (!explained)
			rc = e->rc;
		else
			bzj_err_clear(e);
	}
	if (rc)
		return svc_end(x, rc, e);
	bzj_provider before = p;
	p.kind = BZJ_PK_BELT;
	p.status = BZJ_PST_PROBATION;
	p.certified_on = BZJ_DATE_NONE;
	char reason[320];
	snprintf(reason, sizeof reason, "%s%s",
		 early ? "within the 90-day cooldown; special explanation: " : "",
		 explained ? explanation : "");
	rc = provider_save(x, early ? "provider.apply_explained" : "provider.apply", NULL, NULL,
			   &before, &p, reason[0] ? reason : NULL, e);
	return svc_end(x, rc, e);
}

int bzj_provider_exit(bzj_ctx *x, const char *id, bzj_date day, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("record exits"), e);
	if (!rc)
		rc = date_not_future(x, day, "--date", e);
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && p.status == BZJ_PST_EXITED)
		rc = bzj_fail(e, BZJ_ERULE, "provider.state",
			      _("provider %s has already left the service market"), p.id);
	if (!rc && day < p.added)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--date: before the provider was added"));
	if (rc)
		return svc_end(x, rc, e);
	bzj_provider before = p;
	p.status = BZJ_PST_EXITED;
	p.exited_on = day;
	rc = provider_save(x, "provider.exit", NULL, NULL, &before, &p, NULL, e);
	return svc_end(x, rc, e);
}

int bzj_provider_revoke(bzj_ctx *x, const char *id, bzj_date day, const char *reason,
			bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("revoke certifications"), e);
	if (!rc)
		rc = date_not_future(x, day, "--date", e);
	if (!rc)
		rc = svc_text(reason, "reason", 256, true, e);
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && p.status != BZJ_PST_CERTIFIED)
		rc = bzj_fail(e, BZJ_ERULE, "provider.not_certified",
			      _("provider %s is %s, not a certified industry-belt provider; there "
				"is no certification to revoke"),
			      p.id, bzj_provider_status_name(p.status));
	if (!rc && day < p.certified_on)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--date: before the provider was certified"));
	if (rc)
		return svc_end(x, rc, e);
	bzj_provider before = p;
	p.status = BZJ_PST_REVOKED;
	p.delisted_on = day;
	char why[320];
	snprintf(why, sizeof why, "certification cancelled, agreement ended, public delisting "
				  "notice: %s",
		 reason);
	rc = provider_save(x, "provider.revoke", NULL, NULL, &before, &p, why, e);
	return svc_end(x, rc, e);
}

static int provider_payee_ok(bzj_ctx *x, const bzj_provider *p, bool payout, bzj_err *e)
{
	bzj_payee py;
	int rc = bzj_store_ppayee_get(x->db, p->id, &py, e);
	if (rc)
		return rc;
	if (!py.present)
		return bzj_fail(e, BZJ_ERULE, "payee.missing",
				_("provider %s has no payee account; record one with `bzj provider "
				  "payee`"),
				p->id);
	rc = bzj_payee_check(BZJ_ENTITY_COMPANY, BZJ_PAYEE_CORPORATE, py.name, p->entity_name,
			     NULL, e);
	if (!rc && payout)
		rc = bzj_payee_change_check(py.had_previous, py.since, x->today, e);
	return rc;
}

int bzj_provider_refund(bzj_ctx *x, const char *id, bzj_refund *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_REVIEW, _("submit refunds"), e);
	if (rc)
		return rc;
	bzj_provider p;
	char a[32];
	if ((rc = provider_begin(x, id, &p, e)))
		return rc;
	if (!rc && p.status != BZJ_PST_EXITED)
		rc = bzj_fail(e, BZJ_ERULE, "refund.not_exited",
			      _("provider %s has not left the service market: record its exit "
				"first (`bzj provider exit`)"),
			      p.id);
	int64_t open_id = 0, bound = 0, open_c = 0, upheld_c = 0;
	if (!rc)
		rc = bzj_store_refund_provider_open(x->db, p.id, &open_id, e);
	if (!rc && open_id)
		rc = bzj_fail(e, BZJ_ERULE, "refund.in_progress",
			      _("provider %s already has refund %lld in progress; one at a time"),
			      p.id, (long long)open_id);
	if (!rc)
		rc = bzj_store_provider_stats(x->db, p.id, x->today, &bound, &open_c, &upheld_c, e);
	if (!rc && open_c)
		rc = bzj_fail(e, BZJ_ERULE, "complaint.open",
			      _("provider %s has %lld open complaint(s); they are decided before "
				"its deposit is refunded"),
			      p.id, (long long)open_c);
	if (!rc && p.frozen_fen > 0)
		rc = bzj_fail(e, BZJ_ERULE, "refund.frozen",
			      _("provider %s still has %s frozen"), p.id,
			      bzj_money_fmt(p.frozen_fen, a, sizeof a));
	if (!rc && p.balance_fen <= 0)
		rc = bzj_fail(e, BZJ_ERULE, "refund.nothing_to_refund",
			      _("provider %s has no balance to refund"), p.id);
	if (!rc)
		rc = provider_payee_ok(x, &p, false, e);
	if (!rc)
		rc = bzj_refund_window(x->cal, BZJ_REFUND_EXIT, p.exited_on, &out->window_start,
				       &out->window_end, e);
	if (rc)
		return svc_end(x, rc, e);
	snprintf(out->provider_id, sizeof out->provider_id, "%s", p.id);
	snprintf(out->shop_name, sizeof out->shop_name, "%s", p.name);
	snprintf(out->submitted_by, sizeof out->submitted_by, "%s", x->actor.user);
	snprintf(out->changed_by, sizeof out->changed_by, "%s", x->actor.user);
	out->kind = BZJ_REFUND_EXIT;
	out->status = BZJ_RS_SUBMITTED;
	out->amount_fen = p.balance_fen - p.frozen_fen;
	out->submitted_on = x->today;
	out->approved_on = out->paid_on = BZJ_DATE_NONE;
	rc = bzj_store_refund_insert(x->db, out, e);
	if (!rc) {
		char obj[48], after[160];
		snprintf(obj, sizeof obj, "refund:%lld", (long long)out->id);
		snprintf(after, sizeof after,
			 "{\"provider\":\"%s\",\"kind\":\"exit\",\"status\":\"submitted\","
			 "\"amount_fen\":%lld}",
			 p.id, (long long)out->amount_fen);
		rc = svc_audit(x, "refund.submit", obj, NULL, NULL, after, NULL, e);
	}
	out->overdue = x->today > out->window_end;
	out->needs_second = x->cfg && out->amount_fen > x->cfg->second_approval_fen;
	return svc_end(x, rc, e);
}

int svc_provider_refund_recheck(bzj_ctx *x, const bzj_refund *r, char *why, char *why_tr,
				size_t n, bzj_err *e)
{
	why[0] = why_tr[0] = 0;
	bzj_provider p;
	int rc = bzj_store_provider_get(x->db, r->provider_id, &p, e);
	if (!rc)
		rc = provider_payee_ok(x, &p, true, e);
	int64_t bound = 0, open_c = 0, upheld_c = 0;
	if (!rc)
		rc = bzj_store_provider_stats(x->db, p.id, x->today, &bound, &open_c, &upheld_c, e);
	if (rc)
		return rc;
	char a[32], b[32], c[32];
#define BOTH(fmt, ...)                                                                             \
	(snprintf(why, n, fmt, __VA_ARGS__), snprintf(why_tr, n, _(fmt), __VA_ARGS__))
	if (open_c > 0)
		BOTH(N_("the provider has %lld open complaint(s)"), (long long)open_c);
	else if (p.frozen_fen > 0 || p.balance_fen - p.frozen_fen < r->amount_fen)
		BOTH(N_("available balance is now %s with %s frozen, not the %s approved"),
		     bzj_money_fmt(p.balance_fen - p.frozen_fen, a, sizeof a),
		     bzj_money_fmt(p.frozen_fen, b, sizeof b),
		     bzj_money_fmt(r->amount_fen, c, sizeof c));
#undef BOTH
	return BZJ_OK;
}

int svc_provider_refund_paid(bzj_ctx *x, const bzj_refund *r, bzj_err *e)
{
	bzj_provider p;
	int rc = bzj_store_provider_get(x->db, r->provider_id, &p, e);
	if (rc)
		return rc;
	bzj_provider before = p;
	bzj_provider_entry le;
	entry_init(x, &le, &p, BZJ_LK_REFUND, -r->amount_fen);
	le.refund_id = r->id;
	snprintf(le.note, sizeof le.note, "exit refund %lld", (long long)r->id);
	rc = provider_entry_write(x, &p, &before, &le, "provider.refund_paid", NULL, NULL, e);
	return rc;
}

/* ---- bindings and orders ----------------------------------------------------- */

int bzj_provider_bind(bzj_ctx *x, const char *pid, const char *shop, bzj_date from, bzj_date to,
		      int64_t *binding, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("bind providers and shops"), e);
	if (!rc && from == BZJ_DATE_NONE)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--from: a date is required"));
	if (!rc && to != BZJ_DATE_NONE && to < from)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--to: before --from"));
	if (!rc)
		rc = svc_shop_id(shop, e);
	if (rc)
		return rc;
	bzj_provider p;
	bzj_shop s;
	if ((rc = provider_begin(x, pid, &p, e)))
		return rc;
	if (!rc)
		rc = bzj_store_shop_get(x->db, shop, &s, e);
	if (!rc && p.status == BZJ_PST_EXITED)
		rc = bzj_fail(e, BZJ_ERULE, "provider.exited",
			      _("provider %s has left the service market"), p.id);
	bzj_binding b;
	bool found = false;
	if (!rc)
		rc = bzj_store_binding_overlap(x->db, p.id, s.id, from, to, &b, &found, e);
	if (!rc && found) {
		char d1[16], d2[16];
		rc = bzj_fail(e, BZJ_ERULE, "binding.overlap",
			      _("provider %s and shop %s are already bound from %s to %s "
				"(binding %lld); bindings of the same pair may not overlap"),
			      p.id, s.id, bzj_date_fmt(b.from, d1, sizeof d1),
			      b.to == BZJ_DATE_NONE ? _("open end") : bzj_date_fmt(b.to, d2, sizeof d2),
			      (long long)b.id);
	}
	if (rc)
		return svc_end(x, rc, e);
	memset(&b, 0, sizeof b);
	snprintf(b.provider_id, sizeof b.provider_id, "%s", p.id);
	snprintf(b.shop_id, sizeof b.shop_id, "%s", s.id);
	b.from = from;
	b.to = to;
	rc = bzj_store_binding_insert(x->db, &b, e);
	*binding = b.id;
	if (!rc) {
		char obj[48], a[128];
		snprintf(obj, sizeof obj, "binding:%lld", (long long)b.id);
		snprintf(a, sizeof a, "{\"provider\":\"%s\",\"from\":%d,\"to\":%d}", p.id, (int)from,
			 to == BZJ_DATE_NONE ? 0 : (int)to);
		rc = svc_audit(x, "provider.bind", obj, s.id, NULL, a, NULL, e);
	}
	return svc_end(x, rc, e);
}

int bzj_provider_unbind(bzj_ctx *x, const char *pid, const char *shop, bzj_date day, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("bind providers and shops"), e);
	if (!rc && day == BZJ_DATE_NONE)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--date: a date is required"));
	if (!rc)
		rc = svc_shop_id(shop, e);
	if (rc)
		return rc;
	bzj_provider p;
	if ((rc = provider_begin(x, pid, &p, e)))
		return rc;
	bzj_binding b;
	bool found = false;
	if (!rc)
		rc = bzj_store_binding_open(x->db, p.id, shop, &b, &found, e);
	if (!rc && !found)
		rc = bzj_fail(e, BZJ_ENOTFOUND, "binding.not_found",
			      _("provider %s has no open binding with shop %s"), p.id, shop);
	if (!rc && day < b.from)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("--date: before the binding began"));
	if (!rc)
		rc = bzj_store_binding_end(x->db, b.id, day, e);
	if (!rc) {
		char obj[48], a[96];
		snprintf(obj, sizeof obj, "binding:%lld", (long long)b.id);
		snprintf(a, sizeof a, "{\"provider\":\"%s\",\"to\":%d}", p.id, (int)day);
		rc = svc_audit(x, "provider.unbind", obj, b.shop_id, NULL, a, NULL, e);
	}
	return svc_end(x, rc, e);
}

int bzj_provider_bindings(bzj_ctx *x, const char *pid, bzj_binding *out, int max, int *n,
			  bzj_err *e)
{
	*n = 0;
	bzj_provider p;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read service providers"), e);
	if (!rc)
		rc = provider_load(x, pid, &p, e);
	return rc ? rc : bzj_store_binding_list(x->db, pid, out, max, n, e);
}

int bzj_provider_orders(bzj_ctx *x, const char *pid, bzj_date from, bzj_date to, int64_t *orders,
			int64_t *gift, bzj_err *e)
{
	*orders = *gift = 0;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read service providers"), e);
	if (!rc && (from == BZJ_DATE_NONE || to == BZJ_DATE_NONE))
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--from and --to are required"));
	if (!rc && to < from)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date", _("--to: before --from"));
	bzj_provider p;
	if (!rc)
		rc = provider_load(x, pid, &p, e);
	return rc ? rc : bzj_store_provider_orders(x->db, pid, from, to, orders, gift, e);
}

/* ---- complaints ------------------------------------------------------------------ */

static void complaint_json(const bzj_complaint *c, bzj_json *j)
{
	bzj_json_obj(j, NULL);
	bzj_json_str(j, "provider", c->provider_id);
	bzj_json_str(j, "status", bzj_complaint_status_name(c->status));
	bzj_json_int(j, "frozen_fen", c->frozen_fen);
	bzj_json_int(j, "amount_fen", c->amount_fen);
	bzj_json_obj_end(j);
}

static int complaint_audit(bzj_ctx *x, const char *action, const bzj_complaint *before,
			   const bzj_complaint *after, const char *reason, bzj_err *e)
{
	char obj[48];
	bzj_json b, a;
	bzj_json_init(&b);
	bzj_json_init(&a);
	if (before)
		complaint_json(before, &b);
	complaint_json(after, &a);
	snprintf(obj, sizeof obj, "complaint:%lld", (long long)after->id);
	int rc = svc_audit(x, action, obj, after->shop_id, before ? bzj_json_text(&b) : NULL,
			   bzj_json_text(&a), reason, e);
	bzj_json_free(&a);
	bzj_json_free(&b);
	return rc;
}

int bzj_complaint_add(bzj_ctx *x, const char *pid, const char *shop, const char *note,
		      int64_t freeze_fen, int64_t *id, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("record complaints"), e);
	if (!rc)
		rc = svc_text(note, "note", 256, true, e);
	if (!rc && (freeze_fen < 0 || freeze_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("--freeze: not a valid amount"));
	if (!rc)
		rc = svc_shop_id(shop, e);
	if (rc)
		return rc;
	bzj_provider p;
	bzj_shop s;
	if ((rc = provider_begin(x, pid, &p, e)))
		return rc;
	if (!rc)
		rc = bzj_store_shop_get(x->db, shop, &s, e);
	if (!rc && freeze_fen > p.balance_fen - p.frozen_fen) {
		char a[32], b[32];
		rc = bzj_fail(e, BZJ_ERULE, "complaint.freeze_exceeds_available",
			      _("freeze %s is more than the available %s of provider %s"),
			      bzj_money_fmt(freeze_fen, a, sizeof a),
			      bzj_money_fmt(p.balance_fen - p.frozen_fen, b, sizeof b), p.id);
	}
	if (rc)
		return svc_end(x, rc, e);
	bzj_complaint c;
	memset(&c, 0, sizeof c);
	snprintf(c.provider_id, sizeof c.provider_id, "%s", p.id);
	snprintf(c.shop_id, sizeof c.shop_id, "%s", s.id);
	snprintf(c.note, sizeof c.note, "%s", note);
	snprintf(c.user, sizeof c.user, "%s", x->actor.user);
	c.date = x->today;
	c.frozen_fen = freeze_fen;
	c.resolved = BZJ_DATE_NONE;
	rc = bzj_store_complaint_insert(x->db, &c, e);
	*id = c.id;
	if (!rc && freeze_fen > 0) {
		bzj_provider before = p;
		p.frozen_fen += freeze_fen;
		rc = bzj_store_provider_update(x->db, &p, e);
		if (!rc)
			rc = provider_audit(x, "provider.freeze", NULL, s.id, &before, &p,
					    "complaint", e);
	}
	if (!rc)
		rc = complaint_audit(x, "complaint.add", NULL, &c, note, e);
	return svc_end(x, rc, e);
}

static int complaint_load_open(bzj_ctx *x, int64_t id, bzj_complaint *c, bzj_err *e)
{
	int rc = bzj_store_complaint_get(x->db, id, c, e);
	if (!rc && c->status != BZJ_CS_OPEN && c->status != BZJ_CS_PENDING)
		rc = bzj_fail(e, BZJ_ERULE, "complaint.state",
			      _("complaint %lld is already %s"), (long long)id,
			      bzj_complaint_status_name(c->status));
	return rc;
}

int bzj_complaint_uphold(bzj_ctx *x, int64_t id, int64_t amount_fen, bzj_complaint *out,
			 bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("decide complaints"), e);
	if (!rc && (amount_fen <= 0 || amount_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount",
			      _("amount: the compensation must be above zero"));
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = complaint_load_open(x, id, out, e);
	const char *me = x->actor.user;
	char a[32], b[32];
	if (!rc && !strcmp(out->user, me))
		rc = bzj_fail(e, BZJ_ERULE, "four_eyes",
			      _("four-eyes: you recorded complaint %lld, so someone else decides "
				"it"),
			      (long long)id);
	bool big = x->cfg && amount_fen > x->cfg->second_approval_fen;
	bool second = !rc && out->status == BZJ_CS_PENDING;
	if (second) {
		if (x->actor.role != BZJ_ROLE_SUPERVISOR)
			rc = bzj_fail(e, BZJ_EPERM, "complaint.second_approval_role",
				      _("complaint %lld is above the second-approval threshold; only "
					"a supervisor gives the second approval"),
				      (long long)id);
		else if (!strcmp(out->upheld_by, me))
			rc = bzj_fail(e, BZJ_ERULE, "four_eyes",
				      _("four-eyes: you gave the first approval of complaint %lld; "
					"another supervisor gives the second"),
				      (long long)id);
		else if (amount_fen != out->amount_fen)
			rc = bzj_fail(e, BZJ_ERULE, "complaint.amount_mismatch",
				      _("complaint %lld was upheld for %s; the second approval is "
					"for the same amount, not %s"),
				      (long long)id, bzj_money_fmt(out->amount_fen, a, sizeof a),
				      bzj_money_fmt(amount_fen, b, sizeof b));
	}
	bzj_provider p;
	if (!rc)
		rc = bzj_store_provider_get(x->db, out->provider_id, &p, e);
	/* The complaint's own freeze first, then the available balance
	 * (never money frozen for another complaint). */
	int64_t can = 0;
	if (!rc) {
		can = out->frozen_fen + (p.balance_fen - p.frozen_fen);
		if (amount_fen > can)
			rc = bzj_fail(e, BZJ_ERULE, "complaint.exceeds_available",
				      _("compensation %s is more than provider %s can pay from this "
					"complaint's freeze and its available balance (%s)"),
				      bzj_money_fmt(amount_fen, a, sizeof a), p.id,
				      bzj_money_fmt(can, b, sizeof b));
	}
	if (rc)
		return svc_end(x, rc, e);
	bzj_complaint before = *out;
	if (big && !second) {
		/* the first of two approvals: nothing moves yet */
		out->status = BZJ_CS_PENDING;
		out->amount_fen = amount_fen;
		snprintf(out->upheld_by, sizeof out->upheld_by, "%s", me);
		rc = bzj_store_complaint_update(x->db, out, e);
		if (!rc)
			rc = complaint_audit(x, "complaint.uphold", &before, out,
					     "waits for a supervisor's second approval", e);
		return svc_end(x, rc, e);
	}
	bzj_provider pb = p;
	bzj_provider_entry le;
	entry_init(x, &le, &p, BZJ_LK_DEDUCTION, -amount_fen);
	le.complaint_id = out->id;
	snprintf(le.note, sizeof le.note, "compensation to shop %s for complaint %lld",
		 out->shop_id, (long long)out->id);
	p.frozen_fen -= out->frozen_fen;
	rc = provider_entry_write(x, &p, &pb, &le, "provider.deduct", out->shop_id,
				  "complaint upheld", e);
	out->status = BZJ_CS_UPHELD;
	out->amount_fen = amount_fen;
	out->frozen_fen = 0;
	out->resolved = x->today;
	if (second)
		snprintf(out->second_by, sizeof out->second_by, "%s", me);
	else
		snprintf(out->upheld_by, sizeof out->upheld_by, "%s", me);
	if (!rc)
		rc = bzj_store_complaint_update(x->db, out, e);
	if (!rc)
		rc = complaint_audit(x, second ? "complaint.uphold2" : "complaint.uphold", &before,
				     out, NULL, e);
	return svc_end(x, rc, e);
}

int bzj_complaint_dismiss(bzj_ctx *x, int64_t id, const char *reason, bzj_complaint *out,
			  bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_VIOLATION, _("decide complaints"), e);
	if (!rc)
		rc = svc_text(reason, "reason", 256, true, e);
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = complaint_load_open(x, id, out, e);
	if (!rc && !strcmp(out->user, x->actor.user))
		rc = bzj_fail(e, BZJ_ERULE, "four_eyes",
			      _("four-eyes: you recorded complaint %lld, so someone else decides "
				"it"),
			      (long long)id);
	bzj_provider p;
	if (!rc)
		rc = bzj_store_provider_get(x->db, out->provider_id, &p, e);
	if (rc)
		return svc_end(x, rc, e);
	bzj_complaint before = *out;
	if (out->frozen_fen > 0) {
		bzj_provider pb = p;
		p.frozen_fen -= out->frozen_fen;
		rc = bzj_store_provider_update(x->db, &p, e);
		if (!rc)
			rc = provider_audit(x, "provider.unfreeze", NULL, out->shop_id, &pb, &p,
					    "complaint dismissed", e);
	}
	out->status = BZJ_CS_DISMISSED;
	out->frozen_fen = 0;
	out->amount_fen = 0;
	out->resolved = x->today;
	snprintf(out->reason, sizeof out->reason, "%s", reason);
	if (!rc)
		rc = bzj_store_complaint_update(x->db, out, e);
	if (!rc)
		rc = complaint_audit(x, "complaint.dismiss", &before, out, reason, e);
	return svc_end(x, rc, e);
}

int bzj_complaint_get(bzj_ctx *x, int64_t id, bzj_complaint *out, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read complaints"), e);
	return rc ? rc : bzj_store_complaint_get(x->db, id, out, e);
}

int bzj_complaint_list(bzj_ctx *x, const char *pid, bzj_complaint *out, int max, int *n,
		       bzj_err *e)
{
	*n = 0;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read complaints"), e);
	return rc ? rc : bzj_store_complaint_list(x->db, pid, out, max, n, e);
}

/* ---- the console's dry runs --------------------------------------------------- */

int bzj_provider_try(bzj_ctx *x, const char *id, const bzj_provider_act *a, bzj_refund *refund,
		     bzj_err *e)
{
	int rc = bzj_db_begin(x->db, e);
	if (rc)
		return rc;
	bzj_refund r;
	int64_t bid;
	switch (a->action) {
	case BZJ_PTRY_BIND:
		rc = bzj_provider_bind(x, id, a->shop, a->from, a->to, &bid, e);
		break;
	case BZJ_PTRY_UNBIND:
		rc = bzj_provider_unbind(x, id, a->shop, a->to, e);
		break;
	case BZJ_PTRY_EXIT:
		rc = bzj_provider_exit(x, id, a->from, e);
		break;
	case BZJ_PTRY_REFUND:
		rc = bzj_provider_refund(x, id, refund ? refund : &r, e);
		break;
	case BZJ_PTRY_PAYEE:
		rc = bzj_provider_payee(x, id, a->name, a->account, BZJ_DATE_NONE, e);
		break;
	default:
		rc = bzj_fail(e, BZJ_EINPUT, "input.action", "%s", _("unknown action"));
	}
	bzj_db_rollback(x->db);
	return rc;
}
