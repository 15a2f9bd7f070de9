/* shop.c - shops: opening, categories, closure, payee, the deposit view. */
#include <stdio.h>
#include <string.h>

#include "bzj/shop.h"
#include "service.h"

static void shop_obj(const char *id, char *buf, size_t n)
{
	snprintf(buf, n, "shop:%s", id);
}

int bzj_shop_add(bzj_ctx *x, const bzj_shop_new *in, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("open shops"), e);
	if (!rc)
		rc = svc_shop_id(in->id, e);
	if (!rc)
		rc = svc_text(in->name, "name", BZJ_NAME_MAX, true, e);
	if (!rc)
		rc = svc_text(in->entity_name, "entity_name", BZJ_NAME_MAX, false, e);
	if (!rc)
		rc = svc_text(in->operator_name, "operator", BZJ_NAME_MAX, false, e);
	if (rc)
		return rc;
	if (in->entity != BZJ_ENTITY_INDIVIDUAL && in->entity != BZJ_ENTITY_COMPANY)
		return bzj_fail(e, BZJ_EINPUT, "input.entity",
				_("entity: must be individual or company"));
	if (in->ncategories < 1)
		return bzj_fail(e, BZJ_EINPUT, "input.category",
				_("category: a shop needs at least one business category"));
	if (in->opened == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("opened: a date is required"));
	for (int i = 0; i < in->ncategories; i++)
		if ((rc = svc_text(in->categories[i], "category", BZJ_CAT_MAX, true, e)))
			return rc;

	bzj_shop s;
	memset(&s, 0, sizeof s);
	snprintf(s.id, sizeof s.id, "%s", in->id);
	snprintf(s.name, sizeof s.name, "%s", in->name);
	snprintf(s.entity_name, sizeof s.entity_name, "%s",
		 in->entity_name && *in->entity_name ? in->entity_name : in->name);
	snprintf(s.operator_name, sizeof s.operator_name, "%s",
		 in->operator_name ? in->operator_name : "");
	s.entity = in->entity;
	s.status = BZJ_SHOP_OPEN;
	s.opened = in->opened;
	s.closed = BZJ_DATE_NONE;

	if ((rc = svc_begin(x, e)))
		return rc;
	for (int i = 0; !rc && i < in->ncategories; i++) {
		bool known = false;
		rc = bzj_store_category_known(x->db, in->categories[i], &known, e);
		if (!rc && !known)
			rc = bzj_fail(e, BZJ_EINPUT, "category.unknown",
				      _("category: '%s' is not in the deposit standards (see `bzj "
					"standards list`)"),
				      in->categories[i]);
	}
	if (!rc && x->check_only) { /* import.c's check pass: every check, nothing written */
		bool found = false;
		rc = bzj_store_shop_exists(x->db, s.id, &found, e);
		if (!rc && found)
			rc = bzj_fail(e, BZJ_ERULE, "shop.exists", _("shop %s already exists"), s.id);
		if (rc)
			return svc_end(x, rc, e);
		bzj_db_rollback(x->db);
		return BZJ_OK;
	}
	if (!rc)
		rc = bzj_store_shop_insert(x->db, &s, e);
	for (int i = 0; !rc && i < in->ncategories; i++)
		rc = bzj_store_category_add(x->db, s.id, in->categories[i], in->opened, e);
	if (!rc && in->direct) /* 直通: never in the newbie period */
		rc = bzj_store_newbie_direct(x->db, s.id, e);
	if (!rc)
		rc = bzj_store_shop_get(x->db, s.id, &s, e);
	if (!rc)
		rc = svc_shop_save(x, &s, "shop opened", e);
	if (!rc) {
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "name", s.name);
		bzj_json_str(&j, "entity_name", s.entity_name);
		bzj_json_str(&j, "operator", s.operator_name);
		bzj_json_str(&j, "entity", bzj_entity_name(s.entity));
		bzj_json_arr(&j, "categories");
		for (int i = 0; i < in->ncategories; i++)
			bzj_json_str(&j, NULL, in->categories[i]);
		bzj_json_arr_end(&j);
		bzj_json_date(&j, "opened", s.opened);
		bzj_json_int(&j, "required_fen", s.required_fen);
		bzj_json_bool(&j, "direct", in->direct);
		bzj_json_obj_end(&j);
		char obj[64];
		shop_obj(s.id, obj, sizeof obj);
		rc = svc_audit(x, "shop.add", obj, s.id, NULL, bzj_json_text(&j), NULL, e);
		bzj_json_free(&j);
	}
	return svc_end(x, rc, e);
}

static void payee_validate(const bzj_shop *s, bzj_payee *p, const bzj_change_state *cs,
			   bzj_date today)
{
	bzj_err pe;
	bzj_err_clear(&pe);
	p->valid = false;
	if (!p->present) {
		snprintf(p->problem, sizeof p->problem, "payee.missing");
		return;
	}
	if (bzj_payee_check(s->entity, p->type, p->name, s->entity_name, s->operator_name, &pe) ||
	    bzj_payee_change_check(p->had_previous, p->since, today, &pe) ||
	    bzj_info_change_check(cs->hold_kind, cs->hold_notice, today, &pe)) {
		snprintf(p->problem, sizeof p->problem, "%s", pe.code);
		return;
	}
	p->valid = true;
}

int bzj_shop_view_get(bzj_ctx *x, const char *id, bzj_shop_view *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read shops"), e);
	if (!rc)
		rc = svc_shop_load(x, id, &out->shop, e);
	if (!rc)
		rc = bzj_store_categories(x->db, id, out->categories, BZJ_MAX_CATEGORIES,
					  &out->ncategories, e);
	if (!rc)
		rc = svc_position(x, &out->shop, &out->dep, e);
	if (!rc)
		rc = bzj_store_payee_get(x->db, id, &out->payee, e);
	int64_t amount;
	if (!rc)
		rc = bzj_store_refund_open(x->db, id, &out->refund_in_progress, &amount, e);
	if (rc)
		return rc;
	int64_t count = 0;
	rc = bzj_store_open_violations(x->db, id, &count, e);
	out->open_violations = (int)count;
	if (!rc)
		rc = bzj_store_change_state(x->db, id, &out->changes, e);
	/* The first day both 30-day holds (payee account, other changes)
	 * allow a payout; BZJ_DATE_NONE when neither ever applied. */
	out->payable_from = BZJ_DATE_NONE;
	if (out->payee.present && out->payee.had_previous)
		out->payable_from = out->payee.since + BZJ_NOTICE_DAYS;
	if (out->changes.hold_notice != BZJ_DATE_NONE &&
	    (out->payable_from == BZJ_DATE_NONE ||
	     out->changes.hold_notice + BZJ_NOTICE_DAYS > out->payable_from))
		out->payable_from = out->changes.hold_notice + BZJ_NOTICE_DAYS;
	if (!rc)
		rc = bzj_store_newbie_get(x->db, id, &out->newbie, e);
	payee_validate(&out->shop, &out->payee, &out->changes, x->today);
	if (out->payee.present && !bzj_role_can(x->actor.role, BZJ_PERM_SEE_ACCOUNTS)) {
		char m[BZJ_ACCOUNT_MAX + 1];
		bzj_mask_account(out->payee.account, m, sizeof m);
		memcpy(out->payee.account, m, sizeof m);
	}
	return rc;
}

int bzj_shop_remove_category(bzj_ctx *x, const char *id, const char *category,
			     const char *reason, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("remove shop categories"), e);
	if (!rc)
		rc = svc_text(category, "category", BZJ_CAT_MAX, true, e);
	if (!rc)
		rc = svc_text(reason, "reason", BZJ_TEXT_MAX, true, e);
	if (rc)
		return rc;
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, id, &s, e);
	char cats[BZJ_MAX_CATEGORIES][BZJ_CAT_MAX + 1];
	int n = 0;
	bool removed = false;
	if (!rc)
		rc = bzj_store_categories(x->db, id, cats, BZJ_MAX_CATEGORIES, &n, e);
	if (!rc)
		rc = bzj_store_category_remove(x->db, id, category, &removed, e);
	if (!rc && !removed)
		rc = bzj_fail(e, BZJ_ENOTFOUND, "category.not_on_shop",
			      _("category: shop %s has no category '%s'"), id, category);
	if (!rc && n <= 1)
		rc = bzj_fail(e, BZJ_ERULE, "category.last",
			      _("category: '%s' is the only category of shop %s; a shop keeps at "
				"least one (add the right one first)"),
			      category, id);
	int64_t before = s.required_fen;
	if (!rc)
		rc = svc_shop_save(x, &s, "category removed", e);
	if (!rc) {
		char obj[64], b[64];
		shop_obj(id, obj, sizeof obj);
		snprintf(b, sizeof b, "{\"required_fen\":%lld}", (long long)before);
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "removed_category", category);
		bzj_json_int(&j, "required_fen", s.required_fen);
		bzj_json_obj_end(&j);
		rc = svc_audit(x, "shop.category_remove", obj, id, b, bzj_json_text(&j), reason, e);
		bzj_json_free(&j);
	}
	return svc_end(x, rc, e);
}

int bzj_shop_preview_category(bzj_ctx *x, const char *id, const char *category, bool remove,
			      bzj_effect *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	bzj_shop_view v;
	int rc = bzj_shop_view_get(x, id, &v, e);
	if (rc)
		return rc;
	out->before = v.dep.pos;
	if ((rc = bzj_db_begin(x->db, e)))
		return rc;
	rc = remove ? bzj_shop_remove_category(x, id, category, "preview", e)
		    : bzj_shop_add_category(x, id, category, e);
	if (!rc)
		rc = bzj_shop_view_get(x, id, &v, e);
	if (!rc)
		out->after = v.dep.pos;
	bzj_db_rollback(x->db);
	return rc;
}

int bzj_shop_add_category(bzj_ctx *x, const char *id, const char *category, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("change shop categories"), e);
	if (!rc)
		rc = svc_text(category, "category", BZJ_CAT_MAX, true, e);
	if (rc)
		return rc;
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, id, &s, e);
	bool known = false;
	if (!rc)
		rc = bzj_store_category_known(x->db, category, &known, e);
	if (!rc && !known)
		rc = bzj_fail(e, BZJ_EINPUT, "category.unknown",
			      _("category: '%s' is not in the deposit standards (see `bzj standards "
				"list`)"),
			      category);
	if (!rc && s.status != BZJ_SHOP_OPEN)
		rc = bzj_fail(e, BZJ_ERULE, "shop.closed", _("shop %s is closed"), id);
	int64_t before = s.required_fen;
	if (!rc)
		rc = bzj_store_category_add(x->db, id, category, x->today, e);
	if (!rc)
		rc = svc_shop_save(x, &s, "category added", e);
	if (!rc) {
		char obj[64], b[64], a[160];
		shop_obj(id, obj, sizeof obj);
		snprintf(b, sizeof b, "{\"required_fen\":%lld}", (long long)before);
		bzj_json j;
		bzj_json_init(&j);
		bzj_json_obj(&j, NULL);
		bzj_json_str(&j, "category", category);
		bzj_json_int(&j, "required_fen", s.required_fen);
		bzj_json_obj_end(&j);
		snprintf(a, sizeof a, "%s", bzj_json_text(&j));
		bzj_json_free(&j);
		rc = svc_audit(x, "shop.category", obj, id, b, a, NULL, e);
	}
	return svc_end(x, rc, e);
}

int bzj_shop_close(bzj_ctx *x, const char *id, bzj_date date, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("close shops"), e);
	if (rc)
		return rc;
	if (date == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("date: the closure date is required"));
	if (date > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("date: the closure date is after today"));
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, id, &s, e);
	if (!rc && s.status == BZJ_SHOP_CLOSED)
		rc = bzj_fail(e, BZJ_ERULE, "shop.closed", _("shop %s is already closed"), id);
	if (!rc && date < s.opened)
		rc = bzj_fail(e, BZJ_EINPUT, "input.date",
			      _("date: the closure date is before the shop opened"));
	int64_t rid = 0, amount = 0;
	if (!rc)
		rc = bzj_store_refund_open(x->db, id, &rid, &amount, e);
	if (!rc && rid)
		rc = bzj_fail(e, BZJ_ERULE, "refund.in_progress",
			      _("shop %s has refund %lld in progress; finish or cancel it before "
				"closing"),
			      id, (long long)rid);
	bzj_json before;
	bzj_json_init(&before);
	svc_shop_json(&s, &before);
	if (!rc) {
		s.status = BZJ_SHOP_CLOSED;
		s.closed = date;
		rc = bzj_store_receipt_void_all(x->db, id, e);
	}
	if (!rc)
		rc = svc_shop_save(x, &s, "shop closed", e);
	if (!rc) {
		char obj[64];
		bzj_json after;
		bzj_json_init(&after);
		svc_shop_json(&s, &after);
		shop_obj(id, obj, sizeof obj);
		rc = svc_audit(x, "shop.close", obj, id, bzj_json_text(&before),
			       bzj_json_text(&after), "closure agreement signed", e);
		bzj_json_free(&after);
	}
	bzj_json_free(&before);
	return svc_end(x, rc, e);
}

static int account_check(const char *a, bzj_err *e)
{
	size_t n = a ? strlen(a) : 0;
	bool ok = n >= 8 && n <= 30;
	for (size_t i = 0; ok && i < n; i++)
		ok = a[i] >= '0' && a[i] <= '9';
	if (!ok)
		return bzj_fail(e, BZJ_EINPUT, "input.account",
				_("account: a bank account number is 8 to 30 digits"));
	return BZJ_OK;
}

/* The notice date of a change (see bzj_notice_check): today when not
 * given; a supervisor back-dating one must say why. */
static int notice_date(bzj_ctx *x, bzj_date *notice, bzj_date current, const char *reason,
		       const char *field, bzj_err *e)
{
	if (*notice == BZJ_DATE_NONE)
		*notice = x->today;
	bool sup = x->actor.role == BZJ_ROLE_SUPERVISOR;
	bool why = reason && *reason;
	/* A record dated after today (written before dates were checked)
	 * must not block every later change: today is then the floor. */
	if (current != BZJ_DATE_NONE && current > x->today)
		current = x->today;
	int rc = bzj_notice_check(*notice, x->today, current, sup && why, field, e);
	if (rc == BZJ_EPERM && sup)
		rc = bzj_fail(e, BZJ_EINPUT, "input.reason",
			      _("reason: a notice dated before today needs --reason (audited)"));
	return rc;
}

/* The date a first record (not a change) starts from: not after today,
 * not before the shop opened. */
static int first_date(bzj_ctx *x, const bzj_shop *s, bzj_date *day, const char *field,
		      bzj_err *e)
{
	char d1[16];
	if (*day == BZJ_DATE_NONE)
		*day = x->today;
	if (*day > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("%s: %s is after today"), field,
				bzj_date_fmt(*day, d1, sizeof d1));
	if (*day < s->opened)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: %s is before the shop opened"), field,
				bzj_date_fmt(*day, d1, sizeof d1));
	return BZJ_OK;
}

static bzj_date later(bzj_date a, bzj_date b)
{
	if (a == BZJ_DATE_NONE)
		return b;
	if (b == BZJ_DATE_NONE)
		return a;
	return a > b ? a : b;
}

int bzj_shop_set_payee(bzj_ctx *x, const char *id, int type, const char *name,
		       const char *account, bzj_date since, const char *reason, bool *changed,
		       bzj_err *e)
{
	bool dummy;
	if (!changed)
		changed = &dummy;
	*changed = false;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("change payee accounts"), e);
	if (!rc && type != BZJ_PAYEE_PERSONAL && type != BZJ_PAYEE_CORPORATE)
		rc = bzj_fail(e, BZJ_EINPUT, "input.type", _("type: must be personal or corporate"));
	if (!rc)
		rc = svc_text(name, "name", BZJ_NAME_MAX, true, e);
	if (!rc)
		rc = account_check(account, e);
	if (!rc)
		rc = svc_text(reason, "reason", 256, false, e);
	if (rc)
		return rc;
	char d1[16];
	if (since != BZJ_DATE_NONE && since > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("date: %s is after today; a change is dated the day its written "
				  "notice arrived"),
				bzj_date_fmt(since, d1, sizeof d1));
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, id, &s, e);
	if (!rc)
		rc = bzj_payee_check(s.entity, type, name, s.entity_name, s.operator_name, e);
	bzj_payee old;
	if (!rc)
		rc = bzj_store_payee_get(x->db, id, &old, e);
	if (!rc && old.present && old.type == type && !strcmp(old.name, name) &&
	    !strcmp(old.account, account)) {
		/* The same account again is not a change: the 30-day clock
		 * keeps running from the date it was first recorded. */
		bzj_db_rollback(x->db);
		return BZJ_OK;
	}
	/* A shop's first account is not a change; any later one is. */
	if (!rc)
		rc = old.present ? notice_date(x, &since, old.since, reason, "date", e)
				 : first_date(x, &s, &since, "date", e);
	if (!rc)
		rc = bzj_store_payee_insert(x->db, id, type, name, account, since, e);
	if (!rc) {
		char obj[64], m[BZJ_ACCOUNT_MAX + 1];
		bzj_json b, a;
		bzj_json_init(&b);
		bzj_json_init(&a);
		bzj_json_obj(&b, NULL);
		if (old.present) {
			bzj_json_str(&b, "type", bzj_payee_type_name(old.type));
			bzj_json_str(&b, "name", old.name);
			bzj_json_str(&b, "account", bzj_mask_account(old.account, m, sizeof m));
			bzj_json_date(&b, "since", old.since);
		}
		bzj_json_obj_end(&b);
		bzj_json_obj(&a, NULL);
		bzj_json_str(&a, "type", bzj_payee_type_name(type));
		bzj_json_str(&a, "name", name);
		bzj_json_str(&a, "account", bzj_mask_account(account, m, sizeof m));
		bzj_json_date(&a, "since", since);
		bzj_json_date(&a, "recorded", x->today);
		bzj_json_obj_end(&a);
		shop_obj(id, obj, sizeof obj);
		rc = svc_audit(x, "shop.payee", obj, id, bzj_json_text(&b), bzj_json_text(&a),
			       reason && *reason ? reason : NULL, e);
		bzj_json_free(&a);
		bzj_json_free(&b);
	}
	if (!rc)
		*changed = true;
	return svc_end(x, rc, e);
}

/* One merchant information change: operator, rename or deregistration. */
static int shop_change(bzj_ctx *x, const char *id, int kind, const char *value, bzj_date notice,
		       const char *reason, bool *changed, bzj_err *e)
{
	static const char *const action[] = {[BZJ_CHANGE_OPERATOR] = "shop.operator",
					     [BZJ_CHANGE_RENAME] = "shop.rename",
					     [BZJ_CHANGE_DEREGISTER] = "shop.deregister"};
	bool dummy;
	if (!changed)
		changed = &dummy;
	*changed = false;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_SHOP, _("record merchant information changes"),
				  e);
	if (!rc && kind == BZJ_CHANGE_OPERATOR)
		rc = svc_text(value, "name", BZJ_NAME_MAX, true, e);
	if (!rc && kind == BZJ_CHANGE_RENAME)
		rc = svc_text(value, "entity_name", BZJ_NAME_MAX, true, e);
	if (!rc)
		rc = svc_text(reason, "reason", 256, false, e);
	if (rc)
		return rc;
	char d1[16];
	if (notice != BZJ_DATE_NONE && notice > x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("notice: %s is after today; a change is dated the day its written "
				  "notice arrived"),
				bzj_date_fmt(notice, d1, sizeof d1));
	bzj_shop s;
	bzj_change_state cs;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, id, &s, e);
	if (!rc)
		rc = bzj_store_change_state(x->db, id, &cs, e);
	if (!rc && cs.deregistered != BZJ_DATE_NONE)
		rc = bzj_fail(e, BZJ_ERULE, "shop.deregistered",
			      _("shop %s: the company gave notice of its deregistration on %s; its "
				"information no longer changes"),
			      id, bzj_date_fmt(cs.deregistered, d1, sizeof d1));
	if (!rc && kind == BZJ_CHANGE_DEREGISTER && s.entity != BZJ_ENTITY_COMPANY)
		rc = bzj_fail(e, BZJ_ERULE, "shop.not_company",
			      _("shop %s is an individual business: only a company is deregistered "
				"(公司注销); close the shop instead"),
			      id);
	const char *old = kind == BZJ_CHANGE_OPERATOR ? s.operator_name
			  : kind == BZJ_CHANGE_RENAME ? s.entity_name
						      : "";
	if (!rc && kind != BZJ_CHANGE_DEREGISTER && !strcmp(old, value)) {
		/* The same name again is not a change. */
		bzj_db_rollback(x->db);
		return BZJ_OK;
	}
	/* A first operator is recorded, not changed: no hold. */
	bool hold = !(kind == BZJ_CHANGE_OPERATOR && !s.operator_name[0]);
	if (!rc)
		rc = hold ? notice_date(x, &notice, later(s.opened, cs.last_notice), reason, "notice",
					e)
			  : first_date(x, &s, &notice, "notice", e);
	bzj_json before;
	bzj_json_init(&before);
	bzj_json_obj(&before, NULL);
	bzj_json_str(&before, "operator", s.operator_name);
	bzj_json_str(&before, "entity_name", s.entity_name);
	bzj_json_obj_end(&before);
	if (!rc) {
		bzj_info_change c = {.kind = kind, .notice = notice, .recorded = x->today,
				     .old_value = old, .new_value = value, .hold = hold,
				     .user = x->actor.user};
		snprintf(c.shop_id, sizeof c.shop_id, "%s", id);
		rc = bzj_store_change_insert(x->db, &c, e);
	}
	if (!rc && kind == BZJ_CHANGE_OPERATOR)
		snprintf(s.operator_name, sizeof s.operator_name, "%s", value);
	if (!rc && kind == BZJ_CHANGE_RENAME)
		snprintf(s.entity_name, sizeof s.entity_name, "%s", value);
	if (!rc)
		rc = svc_shop_save(x, &s, action[kind], e);
	if (!rc) {
		char obj[64];
		bzj_json after;
		bzj_json_init(&after);
		bzj_json_obj(&after, NULL);
		bzj_json_str(&after, "operator", s.operator_name);
		bzj_json_str(&after, "entity_name", s.entity_name);
		bzj_json_date(&after, "notice", notice);
		bzj_json_bool(&after, "hold", hold);
		if (hold)
			bzj_json_date(&after, "payable_from", notice + BZJ_NOTICE_DAYS);
		bzj_json_obj_end(&after);
		shop_obj(id, obj, sizeof obj);
		rc = svc_audit(x, action[kind], obj, id, bzj_json_text(&before),
			       bzj_json_text(&after), reason && *reason ? reason : NULL, e);
		bzj_json_free(&after);
	}
	bzj_json_free(&before);
	if (!rc)
		*changed = true;
	return svc_end(x, rc, e);
}

int bzj_shop_set_operator(bzj_ctx *x, const char *id, const char *name, bzj_date notice,
			  const char *reason, bool *changed, bzj_err *e)
{
	return shop_change(x, id, BZJ_CHANGE_OPERATOR, name, notice, reason, changed, e);
}

int bzj_shop_rename(bzj_ctx *x, const char *id, const char *entity_name, bzj_date notice,
		    const char *reason, bool *changed, bzj_err *e)
{
	return shop_change(x, id, BZJ_CHANGE_RENAME, entity_name, notice, reason, changed, e);
}

int bzj_shop_deregister(bzj_ctx *x, const char *id, bzj_date notice, const char *reason,
			bzj_err *e)
{
	return shop_change(x, id, BZJ_CHANGE_DEREGISTER, "", notice, reason, NULL, e);
}

int bzj_shop_set_unsettled(bzj_ctx *x, const char *id, int64_t amount_fen, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_MONEY_IN, _("record unsettled payments"), e);
	if (rc)
		return rc;
	if (amount_fen < 0)
		return bzj_fail(e, BZJ_EINPUT, "input.amount", _("amount: must not be negative"));
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, id, &s, e);
	bzj_json before;
	bzj_json_init(&before);
	svc_shop_json(&s, &before);
	if (!rc) {
		/* Unsettled payments cover what is owed first, oldest
		 * violation first. */
		s.unsettled_fen = amount_fen;
		rc = svc_cover_owed(x, &s, e);
	}
	if (!rc)
		rc = svc_shop_save(x, &s, "unsettled payments recorded", e);
	if (!rc) {
		char obj[64];
		bzj_json after;
		bzj_json_init(&after);
		svc_shop_json(&s, &after);
		shop_obj(id, obj, sizeof obj);
		rc = svc_audit(x, "shop.unsettled", obj, id, bzj_json_text(&before),
			       bzj_json_text(&after), NULL, e);
		bzj_json_free(&after);
	}
	bzj_json_free(&before);
	return svc_end(x, rc, e);
}

int bzj_shop_list(bzj_ctx *x, const bzj_shop_query *q, bzj_shop_row *rows, int max, int *n,
		  bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read shops"), e);
	if (!rc && !q->has_cursor) {
		bzj_err ce;
		svc_catch_up(x, &ce); /* filters read the recorded restriction */
	}
	return rc ? rc : bzj_store_shop_list(x->db, q, rows, max, n, e);
}

int bzj_shop_count(bzj_ctx *x, const bzj_shop_query *q, const bzj_shop_row *pos_of,
		   int64_t *total, int64_t *pos, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read shops"), e);
	if (!rc) {
		bzj_err ce;
		svc_catch_up(x, &ce);
	}
	return rc ? rc : bzj_store_shop_count(x->db, q, pos_of, total, pos, e);
}
