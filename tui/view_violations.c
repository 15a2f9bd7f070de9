/* view_violations.c - violations of one shop or of all shops, newest
 * first; add (with its raise and freeze), deduct and resolve, each after
 * a confirmation showing core's preview of the effect on the shop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/date.h"
#include "bzj/i18n.h"
#include "bzj/money.h"
#include "bzj/violation.h"
#include "dialog.h"
#include "listview.h"
#include "ui.h"
#include "widget.h"

static struct viol {
	listview v;
	bool all; /* every status, not only open ones */
	struct cols {
		int id, date, shop, cls, raise, frozen, status, note;
	} c;
} V;

/* Newest first by date, then id: the rows after the last one shown (its
 * date and id are the cursor). */
static int viol_fetch(ui *u, const void *after, bool backward, void *out, int max, int *n,
		      bzj_err *e)
{
	(void)backward; /* an append list */
	return bzj_violation_list(u->x, u->vshop[0] ? u->vshop : NULL, !V.all, after, out, max, n,
				  e);
}

static bool same_violation(const void *a, const void *b)
{
	return ((const bzj_violation *)a)->id == ((const bzj_violation *)b)->id;
}

static const lv_ops viol_list;

static int viol_load(ui *u)
{
	V.v.ops = &viol_list;
	return lv_reload(&V.v, u);
}

static int refilter(ui *u)
{
	V.v.ops = &viol_list;
	return lv_reset(&V.v, u);
}

/* ---- drawing ----------------------------------------------------------- */

typedef struct cols cols;

static int money_w(int64_t fen, int w)
{
	char m[40];
	int k = wdg_width(wdg_money(fen, m, sizeof m));
	return k > w ? k : w;
}

static void layout_cols(ui *u, const listview *lv)
{
	cols *c = &V.c;
	c->id = 4;
	c->date = 10;
	c->shop = u->vshop[0] ? 0 : 8;
	int cw = wdg_width(_("Class"));
	c->cls = cw > 4 ? cw : 4;
	c->raise = wdg_width(_("Raise"));
	c->frozen = wdg_width(_("Frozen"));
	for (int i = lv->l.top; i < lv->l.n && i < lv->l.top + lv->l.h; i++) {
		const bzj_violation *r = lv_row(lv, i);
		c->raise = money_w(r->raise_fen, c->raise);
		c->frozen = money_w(r->frozen_fen, c->frozen);
	}
	int s1 = wdg_width(ui_vstatus(BZJ_VS_OPEN)), s2 = wdg_width(ui_vstatus(BZJ_VS_RESOLVED)),
	    s3 = wdg_width(_("Status"));
	c->status = s1 > s2 ? s1 : s2;
	c->status = s3 > c->status ? s3 : c->status;
	c->note = u->cols - (1 + c->id + 1 + c->date + 1 + (c->shop ? c->shop + 1 : 0) + c->cls +
	                     1 + c->raise + 1 + c->frozen + 1 + c->status + 1);
	if (c->note < 6)
		c->note = 6;
}

static void draw_header(ui *u, WINDOW *w, int y)
{
	const cols *c = &V.c;
	int x = 1;
	ui_style(w, u, ST_HEADER);
	mvwhline(w, y, 0, ' ', u->cols);
	x += wdg_put(w, y, x, _("ID"), c->id, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, _("Date"), c->date, WDG_LEFT) + 1;
	if (c->shop)
		x += wdg_put(w, y, x, _("Shop"), c->shop, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Class"), c->cls, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Raise"), c->raise, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, _("Frozen"), c->frozen, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, _("Status"), c->status, WDG_LEFT) + 1;
	wdg_put(w, y, x, _("Note"), c->note, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
}

static void draw_row(ui *u, WINDOW *w, int y, const void *row, bool sel)
{
	const cols *c = &V.c;
	const bzj_violation *v = row;
	char t[64], m[40];
	int x = 1;
	int base = sel ? ST_SEL : v->status == BZJ_VS_RESOLVED ? ST_DIM : ST_NORMAL;
	ui_style(w, u, base);
	mvwhline(w, y, 0, ' ', u->cols);
	snprintf(t, sizeof t, "%lld", (long long)v->id);
	x += wdg_put(w, y, x, t, c->id, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, ui_date(v->date, t, sizeof t), c->date, WDG_LEFT) + 1;
	if (c->shop)
		x += wdg_put(w, y, x, v->shop_id, c->shop, WDG_LEFT) + 1;
	/* TRANSLATORS: violation class letter and points, e.g. B/6. */
	snprintf(t, sizeof t, "%s/%d", v->cls == BZJ_VCLASS_B ? "B" : "A", v->points);
	if (v->cls == BZJ_VCLASS_B && !sel)
		ui_style(w, u, ST_WARN);
	x += wdg_put(w, y, x, t, c->cls, WDG_LEFT) + 1;
	ui_style(w, u, base);
	x += wdg_put(w, y, x, wdg_money(v->raise_fen, m, sizeof m), c->raise, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, v->frozen_fen ? wdg_money(v->frozen_fen, m, sizeof m) : "-",
	             c->frozen, WDG_RIGHT) +
	     1;
	x += wdg_put(w, y, x, ui_vstatus(v->status), c->status, WDG_LEFT) + 1;
	wdg_put(w, y, x, v->note, c->note, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
}

/* The selected violation's shop, for its name (violations carry only the
 * shop id). */
static const char *shop_name(ui *u, const char *id)
{
	static char for_id[BZJ_ID_MAX + 1], name[BZJ_NAME_MAX + 1];
	static bzj_shop_view sv;
	bzj_err e;
	if (strcmp(for_id, id)) {
		snprintf(for_id, sizeof for_id, "%s", id);
		name[0] = 0;
		if (!bzj_shop_view_get(u->x, id, &sv, &e))
			snprintf(name, sizeof name, "%s", sv.shop.name);
	}
	return name;
}

static void draw_info(ui *u, WINDOW *w, int y)
{
	const bzj_violation *v = lv_sel(&V.v);
	char t[1000], h[400], a[40], b[40], c[40], d[40], dt[16], rs[16], pts[64];
	if (!v)
		return;
	snprintf(h, sizeof h, _("Violation #%lld · %s %s"), (long long)v->id, v->shop_id,
	         shop_name(u, v->shop_id));
	ui_rule(u, w, y++, h);
	snprintf(pts, sizeof pts, P_("%d point", "%d points", v->points), v->points);
	snprintf(t, sizeof t, _("%s, %s · raise %s · frozen %s"), ui_vclass(v->cls), pts,
	         wdg_money(v->raise_fen, a, sizeof a), wdg_money(v->frozen_fen, b, sizeof b));
	wdg_puts(w, y++, 1, t, u->cols);
	if (v->status == BZJ_VS_RESOLVED)
		snprintf(
		    t, sizeof t, _("deducted %s · owed %s · recorded by %s on %s · resolved %s"),
		    wdg_money(v->deducted_fen, c, sizeof c), wdg_money(v->owed_fen, d, sizeof d),
		    v->user, ui_date(v->date, dt, sizeof dt), ui_date(v->resolved, rs, sizeof rs));
	else
		snprintf(t, sizeof t, _("deducted %s · owed %s · recorded by %s on %s"),
		         wdg_money(v->deducted_fen, c, sizeof c),
		         wdg_money(v->owed_fen, d, sizeof d), v->user,
		         ui_date(v->date, dt, sizeof dt));
	wdg_puts(w, y++, 1, t, u->cols);
	wdg_puts(w, y, 1, v->note, u->cols);
}

static const lv_ops viol_list = {
    .row_size = sizeof(bzj_violation),
    .fetch = viol_fetch,
    .same = same_violation,
    .layout = layout_cols,
    .header = draw_header,
    .row = draw_row,
};

static void viol_draw(ui *u, WINDOW *w)
{
	char left[300], right[200];
	int info = u->lines >= 20 ? 4 : 0;
	const listview *lv = &V.v;
	lv_draw(&V.v, u, w, 1, u->lines - 1 - info,
		V.all ? _("No violations.") : _("No open violations."));
	if (u->vshop[0])
		snprintf(left, sizeof left, _("Violations of %s  %d/%d%s"), u->vshop,
		         lv->l.n ? lv->l.cur + 1 : 0, lv->l.n, lv->at_end ? "" : "+");
	else
		snprintf(left, sizeof left, _("Violations of all shops  %d/%d%s"),
		         lv->l.n ? lv->l.cur + 1 : 0, lv->l.n, lv->at_end ? "" : "+");
	snprintf(right, sizeof right, "%s",
	         V.all ? _("every status, newest first") : _("open only, newest first"));
	ui_panel_bar(u, w, left, right);
	if (info)
		draw_info(u, w, u->lines - info);
}

/* ---- add --------------------------------------------------------------- */

typedef struct add_ctx {
	ui *u;
	char shop[BZJ_ID_MAX + 1], points[16], raise[32], freeze[32], note[BZJ_TEXT_MAX + 1], date[16];
	int cls;
	bzj_violation_in in;
	bzj_effect ef;
} add_ctx;

static int form_error(dlg_form *f, const bzj_err *e)
{
	snprintf(f->msg, sizeof f->msg, "%s", e->msg);
	f->msg_style = ST_ERR;
	return 1;
}

static int add_submit(void *ctx, int button, dlg_form *f)
{
	add_ctx *c = ctx;
	bzj_err e;
	char *end;
	(void)button;
	memset(&c->in, 0, sizeof c->in);
	c->in.shop_id = c->shop;
	c->in.cls = c->cls + 1;
	long pts = strtol(c->points, &end, 10);
	if (!c->points[0] || *end || pts < 0 || pts > 1000) {
		bzj_fail(&e, BZJ_EINPUT, "input.points", "%s",
		         _("points: a whole number from 0 to 1000"));
		return form_error(f, &e);
	}
	c->in.points = (int)pts;
	if (bzj_money_parse(c->raise, _("raise"), &c->in.raise_fen, &e) ||
	    (c->freeze[0] && bzj_money_parse(c->freeze, _("freeze"), &c->in.freeze_fen, &e)))
		return form_error(f, &e);
	c->in.note = c->note;
	c->in.date = BZJ_DATE_NONE;
	if (c->date[0] && bzj_date_parse(c->date, _("date"), &c->in.date, &e))
		return form_error(f, &e);
	if (bzj_violation_preview_add(c->u->x, &c->in, &c->ef, &e))
		return form_error(f, &e);
	return 0;
}

int ui_violation_add(ui *u, const char *shop_id)
{
	static const char *classes[2];
	add_ctx c;
	char body[300], m1[40], m2[40];
	bzj_err e;
	memset(&c, 0, sizeof c);
	c.u = u;
	classes[0] = ui_vclass(BZJ_VCLASS_A);
	classes[1] = ui_vclass(BZJ_VCLASS_B);
	snprintf(c.shop, sizeof c.shop, "%s", shop_id ? shop_id : "");
	snprintf(c.points, sizeof c.points, "1");
	snprintf(c.raise, sizeof c.raise, "0");
	ui_date(u->x->today, c.date, sizeof c.date);
	dlg_field fd[] = {
	    {.type = DF_TEXT, .label = _("Shop ID"), .buf = c.shop, .n = sizeof c.shop},
	    {.type = DF_CHOICE,
	     .label = _("Class"),
	     .choices = classes,
	     .nchoices = 2,
	     .choice = &c.cls},
	    {.type = DF_TEXT, .label = _("Points"), .buf = c.points, .n = sizeof c.points},
	    {.type = DF_TEXT,
	     .label = _("Raise"),
	     .buf = c.raise,
	     .n = sizeof c.raise,
	     .note = _("yuan: compensation + penalties")},
	    {.type = DF_TEXT,
	     .label = _("Freeze"),
	     .buf = c.freeze,
	     .n = sizeof c.freeze,
	     .note = _("yuan, optional")},
	    {.type = DF_TEXT, .label = _("Note"), .buf = c.note, .n = sizeof c.note},
	    {.type = DF_TEXT, .label = _("Date"), .buf = c.date, .n = sizeof c.date},
	};
	snprintf(body, sizeof body, "%s",
	         _("The raise adds to the shop's required deposit while the violation is open; "
	           "the freeze holds part of its balance."));
	for (;;) {
		dlg_form f = {.title = _("Add violation"),
		              .body = body,
		              .f = fd,
		              .nf = 7,
		              .buttons = {_("Preview"), _("Cancel")},
		              .nbuttons = 2,
		              .cancel = 1,
		              .submit = add_submit,
		              .ctx = &c};
		if (dlg_run(u, &f) != 0)
			return RD_ALL;
		char what[600];
		snprintf(what, sizeof what,
		         _("Add a class %s violation to %s: %d points, raise %s, freeze %s."),
		         c.in.cls == BZJ_VCLASS_B ? "B" : "A", c.shop, c.in.points,
		         wdg_money(c.in.raise_fen, m1, sizeof m1),
		         wdg_money(c.in.freeze_fen, m2, sizeof m2));
		if (dlg_effect(u, _("Confirm violation"), what, &c.ef, false, _("Add")))
			break;
	}
	int64_t id;
	if (bzj_violation_add(u->x, &c.in, &id, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Violation %lld added to %s"), (long long)id, c.shop);
	return ui_changed(u);
}

/* ---- deduct and resolve ------------------------------------------------ */

static int deduct(ui *u, const bzj_violation *v)
{
	char amount[32] = "", body[400], what[400], m[40];
	int64_t fen;
	bzj_effect ef;
	bzj_err e;
	snprintf(body, sizeof body,
	         _("Deduct from the deposit of %s for violation #%lld (%s). The frozen amount "
	           "is used first; what the balance cannot cover is owed."),
	         v->shop_id, (long long)v->id, v->note);
	if (!dlg_input(u, _("Deduct"), body, _("Amount"), _("Preview"), amount, sizeof amount,
	               true))
		return RD_ALL;
	if (bzj_money_parse(amount, _("amount"), &fen, &e) ||
	    bzj_violation_preview_deduct(u->x, v->id, fen, &ef, &e))
		return ui_refused(u, &e);
	snprintf(what, sizeof what, _("Deduct %s from %s for violation #%lld."),
	         wdg_money(fen, m, sizeof m), v->shop_id, (long long)v->id);
	if (!dlg_effect(u, _("Confirm deduction"), what, &ef, true, _("Deduct")))
		return RD_ALL;
	if (bzj_violation_deduct(u->x, v->id, fen, v->version, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Deducted %s from %s"), m, v->shop_id);
	return ui_changed(u);
}

static int freeze(ui *u, const bzj_violation *v)
{
	char amount[32] = "", body[400], what[400], m[40];
	int64_t fen;
	bzj_effect ef;
	bzj_err e;
	snprintf(body, sizeof body,
	         _("Freeze more of the deposit of %s for violation #%lld (%s), up to what is "
	           "available."),
	         v->shop_id, (long long)v->id, v->note);
	if (!dlg_input(u, _("Freeze"), body, _("Amount"), _("Preview"), amount, sizeof amount,
	               true))
		return RD_ALL;
	if (bzj_money_parse(amount, _("amount"), &fen, &e) ||
	    bzj_violation_preview_freeze(u->x, v->id, fen, &ef, &e))
		return ui_refused(u, &e);
	snprintf(what, sizeof what, _("Freeze %s of %s for violation #%lld."),
	         wdg_money(fen, m, sizeof m), v->shop_id, (long long)v->id);
	if (!dlg_effect(u, _("Confirm freeze"), what, &ef, false, _("Freeze")))
		return RD_ALL;
	if (bzj_violation_freeze(u->x, v->id, fen, v->version, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Froze %s of %s"), m, v->shop_id);
	return ui_changed(u);
}

static int resolve(ui *u, const bzj_violation *v)
{
	char what[400];
	bzj_effect ef;
	bzj_err e;
	if (bzj_violation_preview_resolve(u->x, v->id, &ef, &e))
		return ui_refused(u, &e);
	snprintf(what, sizeof what,
	         _("Resolve violation #%lld of %s: its raise ends and its freeze is released."),
	         (long long)v->id, v->shop_id);
	if (!dlg_effect(u, _("Confirm resolution"), what, &ef, false, _("Resolve")))
		return RD_ALL;
	if (bzj_violation_resolve(u->x, v->id, v->version, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Violation %lld resolved"), (long long)v->id);
	return ui_changed(u);
}

static int viol_act(ui *u, int a)
{
	bzj_violation copy, *v = lv_sel(&V.v);
	if (v) {
		copy = *v;
		v = &copy;
	}
	switch (a) {
	case ACT_OPEN:
		return ui_open_shop(u, v->shop_id);
	case ACT_VIOLATION_ADD:
		return ui_violation_add(u, u->vshop[0] ? u->vshop : NULL);
	case ACT_VIOLATION_DEDUCT:
		return deduct(u, v);
	case ACT_VIOLATION_FREEZE:
		return freeze(u, v);
	case ACT_VIOLATION_RESOLVE:
		return resolve(u, v);
	case ACT_VIOLATION_SCOPE:
		if (u->vshop[0]) {
			u->vshop[0] = 0;
		} else if (v) {
			snprintf(u->vshop, sizeof u->vshop, "%s", v->shop_id);
		} else if (u->shop[0]) {
			snprintf(u->vshop, sizeof u->vshop, "%s", u->shop);
		}
		return refilter(u);
	case ACT_VIOLATION_OPEN_ONLY:
		V.all = !V.all;
		return refilter(u);
	default:
		break;
	}
	return lv_move(&V.v, u, a);
}

static bool viol_has_sel(ui *u)
{
	(void)u;
	return V.v.l.n > 0;
}

static const char *viol_sel_shop(ui *u)
{
	(void)u;
	const bzj_violation *v = lv_sel(&V.v);
	return v ? v->shop_id : NULL;
}

const panel_ops panel_violations = {
    .title = N_("Violations"),
    .bit = PB_VIOL,
    .load = viol_load,
    .draw = viol_draw,
    .act = viol_act,
    .has_sel = viol_has_sel,
    .sel_shop = viol_sel_shop,
};
