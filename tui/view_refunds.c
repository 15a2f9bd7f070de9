/* view_refunds.c - the refund queue, ordered by due date (the end of the
 * payment window), with overdue refunds standing out, and the review and
 * payout actions for the roles that have them.
 *
 * Every action passes the row version the user saw, so a refund another
 * operator changed meanwhile is refused ("conflict.stale") instead of
 * acted on blind. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/money.h"
#include "bzj/payout.h"
#include "bzj/provider.h"
#include "bzj/refund.h"
#include "chart.h"
#include "dialog.h"
#include "listview.h"
#include "ui.h"
#include "widget.h"

/* Status filter steps: 0 = open (submitted or approved), 1 = all, then
 * each status. */
/* Status filter steps: open, all, waiting for a second approval, then
 * each status. */
enum { RF_OPEN = 0, RF_ALL = 1, RF_SECOND = 2, RF_STATUS = 3, RF_STEPS = 3 + BZJ_RS_SENT };

static struct refunds {
	listview v;
	int status_step;
	int kind; /* 0 = any */
	bool overdue;
	/* The selected refund's shop, for its payee. */
	bzj_shop_view sv;
	bool sv_ok;
	int64_t sv_for;
	struct cols {
		int id, shop, kind, amount, status, window, due;
		bool long_dates;
	} c;
	/* Today's load of the whole open queue, for the header line: read
	 * with the rows (on entry, reload, another operator's change), never
	 * per keystroke, so moving the cursor sends only the rows it moves. */
	bzj_queue_load load;
	bool load_ok;
} R;

static void query(bzj_refund_query *q)
{
	memset(q, 0, sizeof *q);
	q->open_only = R.status_step == RF_OPEN;
	q->status = R.status_step >= RF_STATUS ? R.status_step - RF_STATUS + 1 : 0;
	q->awaiting_second = R.status_step == RF_SECOND;
	q->kind = R.kind;
	q->overdue = R.overdue;
}

static int refunds_fetch(ui *u, const void *after, bool backward, void *out, int max, int *n,
			 bzj_err *e)
{
	bzj_refund_query q;
	(void)backward; /* an append list */
	query(&q);
	if (after) {
		q.has_cursor = true;
		q.after_due = ((const bzj_refund *)after)->window_end;
		q.after_id = ((const bzj_refund *)after)->id;
	}
	return bzj_refund_list(u->x, &q, out, max, n, e);
}

static int refunds_count(ui *u, const void *pos_of, int64_t *total, int64_t *pos, bzj_err *e)
{
	bzj_refund_query q;
	(void)pos_of;
	(void)pos;
	query(&q);
	/* the header's load line has counted the open queue already */
	if (R.load_ok && bzj_refund_count_from_load(&q, &R.load, total))
		return BZJ_OK;
	return bzj_refund_count(u->x, &q, total, e);
}

static bool same_refund(const void *a, const void *b)
{
	return ((const bzj_refund *)a)->id == ((const bzj_refund *)b)->id;
}

static const lv_ops refunds_list;

/* Refetch as many rows as were shown, keeping the selected refund under
 * the cursor when it still matches the filters. */
static int refunds_load(ui *u)
{
	bzj_err e;
	R.v.ops = &refunds_list;
	R.sv_for = -1;
	/* bank batches the bank has not answered 3 business days on */
	bzj_payout_batch b[8];
	int n = 0;
	int64_t flagged = 0;
	if (!u->msg[0] && !bzj_payout_list(u->x, true, b, 8, &n, &flagged, &e) && flagged > 0)
		ui_msg(u, ST_WARN,
		       P_("%lld payout batch has no bank return after 3 business days (P: reports)",
			  "%lld payout batches have no bank return after 3 business days (P: reports)",
			  flagged),
		       (long long)flagged);
	R.load_ok = bzj_refund_load(u->x, &R.load, &e) == BZJ_OK;
	return lv_reload(&R.v, u);
}

static int refilter(ui *u)
{
	R.v.ops = &refunds_list;
	R.sv_for = -1;
	return lv_reset(&R.v, u);
}

static bzj_refund *sel(void) { return lv_sel(&R.v); }

/* Whose refund: the shop, or for an exit refund the service provider. */
static const char *owner_id(const bzj_refund *r)
{
	return r->shop_id[0] ? r->shop_id : r->provider_id;
}

/* Approved, above the threshold, and still waiting for a supervisor's
 * second approval: not finished, and not payable. */
static bool awaiting_second(const bzj_refund *r)
{
	return r->status == BZJ_RS_APPROVED && r->needs_second && !r->second_by[0];
}

/* The status as the queue shows it: "approved 1/2" until the second
 * approval is given, so it never looks finished at 80 columns. */
static const char *status_text(const bzj_refund *r)
{
	return awaiting_second(r) ? _("approved 1/2") : ui_refund_status(r->status);
}

/* The payee of the selected refund's shop or provider (masked for support
 * by core). */
static void payee_fetch(ui *u)
{
	bzj_refund *r = sel();
	bzj_err e;
	if (!r || R.sv_for == r->id)
		return;
	R.sv_for = r->id;
	if (r->provider_id[0]) {
		bzj_provider_view pv;
		R.sv_ok = bzj_provider_get(u->x, r->provider_id, &pv, &e) == 0;
		R.sv.payee = pv.payee;
		return;
	}
	R.sv_ok = bzj_shop_view_get(u->x, r->shop_id, &R.sv, &e) == 0;
}

/* ---- drawing ----------------------------------------------------------- */

typedef struct cols cols;

static int maxw2(const char *a, const char *b, const char *c)
{
	int x = wdg_width(a), y = wdg_width(b), z = c ? wdg_width(c) : 0;
	x = y > x ? y : x;
	return z > x ? z : x;
}

static void layout_cols(ui *u, const listview *v)
{
	cols *c = &R.c;
	(void)v;
	c->id = 5;
	c->kind = maxw2(_("partial"), _("closure"), _("Kind"));
	c->amount = 12;
	c->status = wdg_width(_("Status"));
	for (int st = BZJ_RS_SUBMITTED; st <= BZJ_RS_FAILED; st++)
		c->status = wdg_width(ui_refund_status(st)) > c->status ? wdg_width(ui_refund_status(st))
									 : c->status;
	c->status = wdg_width(_("approved 1/2")) > c->status ? wdg_width(_("approved 1/2")) : c->status;
	c->long_dates = u->cols >= 100;
	c->window = c->long_dates ? 21 : 11;
	c->due = maxw2(_("overdue"), _("late"), NULL);
	c->shop = u->cols - (1 + c->id + 1 + 1 + c->kind + 1 + c->amount + 1 + c->status + 1 +
	                     c->window + 1 + c->due + 1);
	if (c->shop < 8)
		c->shop = 8;
}

static const char *window_text(const bzj_refund *r, bool long_dates, char *buf, size_t n)
{
	char a[16], b[16];
	ui_date(r->window_start, a, sizeof a);
	ui_date(r->window_end, b, sizeof b);
	if (long_dates || r->window_start == BZJ_DATE_NONE)
		snprintf(buf, n, "%s~%s", a, b);
	else
		snprintf(buf, n, "%s~%s", a + 5, b + 5);
	return buf;
}

static void draw_row(ui *u, WINDOW *w, int y, const void *row, bool selected)
{
	const cols *c = &R.c;
	const bzj_refund *r = row;
	char t[64], m[40];
	int x = 1;
	int base = selected ? ST_SEL : r->overdue ? ST_WARN : ST_NORMAL;
	ui_style(w, u, base);
	mvwhline(w, y, 0, ' ', u->cols);
	snprintf(t, sizeof t, "%lld", (long long)r->id);
	x += wdg_put(w, y, x, t, c->id, WDG_RIGHT) + 1;
	char shop[BZJ_NAME_MAX + BZJ_ID_MAX + 4];
	if (c->long_dates)
		snprintf(shop, sizeof shop, "%s %s", owner_id(r), r->shop_name);
	else
		snprintf(shop, sizeof shop, "%s", r->shop_name);
	x += wdg_put(w, y, x, shop, c->shop, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, ui_refund_kind(r->kind), c->kind, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, wdg_money(r->amount_fen, m, sizeof m), c->amount, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, status_text(r), c->status, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, window_text(r, c->long_dates, t, sizeof t), c->window, WDG_LEFT) + 1;
	wdg_put(w, y, x, r->overdue ? _("overdue") : r->late ? _("late") : "", c->due, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
}

static void draw_header(ui *u, WINDOW *w, int y)
{
	const cols *c = &R.c;
	int x = 1;
	ui_style(w, u, ST_HEADER);
	mvwhline(w, y, 0, ' ', u->cols);
	x += wdg_put(w, y, x, _("ID"), c->id, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, _("Shop"), c->shop, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Kind"), c->kind, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Amount"), c->amount, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, _("Status"), c->status, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Window"), c->window, WDG_LEFT) + 1;
	wdg_put(w, y, x, _("Due"), c->due, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
}

static void info_line(ui *u, WINDOW *w, int y, int style, const char *label, const char *text)
{
	static const char *const labels[] = {N_("Refund"),    N_("Window"),   N_("Payee"),
	                                     N_("Checklist"), N_("Rejected"), N_("Failed")};
	int lw = 0;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		int k = wdg_width(_(labels[i]));
		lw = k > lw ? k : lw;
	}
	ui_style(w, u, ST_DIM);
	wdg_put(w, y, 1, label, lw, WDG_LEFT);
	ui_style(w, u, style);
	wdg_puts(w, y, 1 + lw + 2, text, u->cols);
	ui_style(w, u, ST_NORMAL);
}

static void append(char *t, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void append(char *t, size_t n, const char *fmt, ...)
{
	size_t l = strlen(t);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t + l, n - l, fmt, ap);
	va_end(ap);
}

static void draw_info(ui *u, WINDOW *w, int y)
{
	const bzj_refund *r = sel();
	char t[1200], h[200], a[16], b[16], m[40];
	if (!r)
		return;
	payee_fetch(u);
	snprintf(h, sizeof h, _("Refund #%lld · %s %s"), (long long)r->id, owner_id(r),
	         r->shop_name);
	ui_rule(u, w, y++, h);
	snprintf(t, sizeof t, _("%s %s · submitted %s by %s"), ui_refund_kind(r->kind),
	         wdg_money(r->amount_fen, m, sizeof m), ui_date(r->submitted_on, a, sizeof a),
	         r->submitted_by);
	if (r->approved_by[0])
		append(t, sizeof t, _(" · approved by %s"), r->approved_by);
	if (r->second_by[0])
		append(t, sizeof t, _(" and %s"), r->second_by);
	else if (r->needs_second && r->status == BZJ_RS_APPROVED)
		append(t, sizeof t, "%s", _(" · needs a supervisor's second approval"));
	info_line(u, w, y++, ST_NORMAL, _("Refund"), t);
	snprintf(t, sizeof t, "%s ~ %s", ui_date(r->window_start, a, sizeof a),
	         ui_date(r->window_end, b, sizeof b));
	if (r->paid_by[0])
		append(t, sizeof t, _(" · paid %s by %s"), ui_date(r->paid_on, a, sizeof a),
		       r->paid_by);
	if (r->overdue)
		append(t, sizeof t, "%s", _(" · OVERDUE"));
	else if (r->late)
		append(t, sizeof t, "%s", _(" · paid late"));
	info_line(u, w, y++, r->overdue ? ST_WARN : ST_NORMAL, _("Window"), t);
	if (R.sv_ok && R.sv.payee.present) {
		const bzj_payee *p = &R.sv.payee;
		snprintf(t, sizeof t, "%s · %s · %s · %s", p->account,
		         p->valid ? _("valid") : ui_code_text(p->problem), ui_payee_type(p->type),
		         p->name);
		info_line(u, w, y++, p->valid ? ST_NORMAL : ST_WARN, _("Payee"), t);
	} else {
		info_line(u, w, y++, ST_WARN, _("Payee"), _("no payee account on file"));
	}
	if (r->kind != BZJ_REFUND_PARTIAL) {
		t[0] = 0;
		for (int bit = 1; bit <= BZJ_CHECK_STATEMENTS; bit <<= 1)
			append(t, sizeof t, "[%s] %s  ", (r->checklist & bit) ? "x" : " ",
			       ui_check_item_short(bit));
		info_line(u, w, y++, ST_NORMAL, _("Checklist"), t);
	}
	if (r->reject_reason[0])
		info_line(u, w, y++, ST_WARN, _("Rejected"), r->reject_reason);
	if (r->failure_reason[0])
		info_line(u, w, y++, ST_WARN, _("Failed"), r->failure_reason);
}

static const char *status_filter_name(void)
{
	if (R.status_step == RF_OPEN)
		return C_("refund filter", "open");
	if (R.status_step == RF_ALL)
		return _("all");
	if (R.status_step == RF_SECOND)
		return _("awaiting 2nd approval");
	return ui_refund_status(R.status_step - RF_STATUS + 1);
}

static const lv_ops refunds_list = {
    .row_size = sizeof(bzj_refund),
    .fetch = refunds_fetch,
    .count = refunds_count,
    .same = same_refund,
    .layout = layout_cols,
    .header = draw_header,
    .row = draw_row,
};

/* The load line: "Due today 2 · overdue 5 · 2nd approval 1" on the left,
 * and the open refunds by days since submission as a sparkline, each
 * group's block followed by its count ("0-1▆10 2-3▄6 ..."), on the right:
 * the whole open queue, whatever the filters show.  Drawn from R.load;
 * curses sends nothing for it while the numbers stay the same. */
static void draw_load(ui *u, WINDOW *w, int y)
{
	const bzj_queue_load *l = &R.load;
	char left[300], right[300], t[64];
	wchar_t spark[BZJ_LOAD_AGES + 1];
	mvwhline(w, y, 0, ' ', u->cols);
	if (!R.load_ok)
		return;
	bool ascii = chart_ascii();
	chart_spark(spark, l->by_age, BZJ_LOAD_AGES, ascii);
	snprintf(left, sizeof left, _("Due today %lld · overdue %lld · 2nd approval %lld"),
	         (long long)l->due_today, (long long)l->overdue, (long long)l->awaiting_second);
	int x = wdg_puts(w, y, 1, left, u->cols);
	/* the groups: label, block, count */
	right[0] = 0;
	for (int i = 0, from = 0; i < BZJ_LOAD_AGES; i++) {
		int to = bzj_refund_load_age_to(i);
		char blk[8] = "";
		wchar_t wc[2] = {spark[i], 0};
		wcstombs(blk, wc, sizeof blk);
		if (to >= 0)
			snprintf(t, sizeof t, "%s%d-%d%s%lld", i ? " " : "", from, to, blk,
			         (long long)l->by_age[i]);
		else
			snprintf(t, sizeof t, " %d+%s%lld", from, blk, (long long)l->by_age[i]);
		append(right, sizeof right, "%s", t);
		from = to + 1;
	}
	/* TRANSLATORS: before the open refunds by days since submission in
	 * the queue's load line ("days 0-1▆10 2-3▄6 ..."); keep it short. */
	const char *label = C_("refund load", "days");
	int rw = wdg_width(right), lw = wdg_width(label) + 1;
	bool with_label = x + 2 + lw + rw <= u->cols - 1;
	int rx = u->cols - 1 - rw - (with_label ? lw : 0);
	if (rx < x + 2)
		rx = x + 2;
	if (with_label) {
		ui_style(w, u, ST_DIM);
		rx = wdg_puts(w, y, rx, label, u->cols) + 1;
	}
	ui_style(w, u, ST_NORMAL);
	wdg_puts(w, y, rx, right, u->cols);
}

static void refunds_draw(ui *u, WINDOW *w)
{
	char left[300], right[300];
	int info = u->lines >= 20 ? 6 : 0; /* rule and up to five lines */
	draw_load(u, w, 1);
	lv_draw(&R.v, u, w, 2, u->lines - 2 - info, _("No refunds match the filters."));
	snprintf(left, sizeof left, _("Refund queue %d/%lld  by due date"),
	         R.v.l.n ? R.v.l.cur + 1 : 0, (long long)R.v.total);
	snprintf(right, sizeof right, _("status: %s  kind: %s%s"), status_filter_name(),
	         R.kind ? ui_refund_kind(R.kind) : _("any"), R.overdue ? _("  overdue only") : "");
	ui_panel_bar(u, w, left, right);
	if (info)
		draw_info(u, w, u->lines - info);
}

/* ---- actions ----------------------------------------------------------- */

static void describe(const bzj_refund *r, char *buf, size_t n)
{
	char m[40], a[16], b[16];
	snprintf(buf, n, _("Refund #%lld: %s %s to %s %s. Payout window %s to %s."),
	         (long long)r->id, ui_refund_kind(r->kind), wdg_money(r->amount_fen, m, sizeof m),
	         owner_id(r), r->shop_name, ui_date(r->window_start, a, sizeof a),
	         ui_date(r->window_end, b, sizeof b));
}

/* After an action: say what the refund is now, and refetch everything. */
static int done(ui *u, const bzj_refund *r)
{
	ui_msg(u, ST_OK, _("Refund %lld is now %s"), (long long)r->id, status_text(r));
	return ui_changed(u);
}

typedef struct check_ctx {
	ui *u;
	bzj_refund r;
	bool ticks[4];
	dlg_field *fd;
	bool wrote;
} check_ctx;

enum { CK_APPROVE, CK_SAVE, CK_CANCEL };

static int checklist_submit(void *ctx, int button, dlg_form *f)
{
	check_ctx *c = ctx;
	bzj_err e;
	for (int i = 0; i < 4; i++) {
		int bit = 1 << i;
		if (!c->ticks[i] || (c->r.checklist & bit))
			continue;
		if (bzj_refund_check(c->u->x, c->r.id, bit, c->r.version, &c->r, &e)) {
			snprintf(f->msg, sizeof f->msg, "%s", e.msg);
			f->msg_style = ST_ERR;
			return 1;
		}
		c->wrote = true;
		c->fd[i].locked = true;
		c->fd[i].note = _("(recorded)");
	}
	if (button != CK_APPROVE)
		return 0;
	if (bzj_refund_approve(c->u->x, c->r.id, c->r.version, &c->r, &e)) {
		/* Core's refusal, shown where the reviewer is looking. */
		snprintf(f->msg, sizeof f->msg, "%s: %s", _("Refused"), e.msg);
		f->msg_style = ST_ERR;
		return 1;
	}
	c->wrote = true;
	return 0;
}

static int checklist(ui *u, const bzj_refund *r)
{
	check_ctx c;
	dlg_field fd[4];
	char body[600], labels[4][200];
	memset(&c, 0, sizeof c);
	memset(fd, 0, sizeof fd);
	c.u = u;
	c.r = *r;
	c.fd = fd;
	for (int i = 0; i < 4; i++) {
		int bit = 1 << i;
		c.ticks[i] = (r->checklist & bit) != 0;
		snprintf(labels[i], sizeof labels[i], "%d %s", i + 1, ui_check_item(bit));
		fd[i] = (dlg_field){.type = DF_CHECK,
		                    .label = labels[i],
		                    .check = &c.ticks[i],
		                    .locked = c.ticks[i],
		                    .hotkey = '1' + i,
		                    .note = c.ticks[i] ? _("(recorded)") : NULL};
	}
	describe(r, body, sizeof body);
	size_t l = strlen(body);
	snprintf(body + l, sizeof body - l, "\n%s",
	         _("Tick every item (1-4 or Space) before approving."));
	dlg_form f = {.title = _("Closure refund checklist"),
	              .body = body,
	              .f = fd,
	              .nf = 4,
	              .buttons = {_("Approve"), _("Save ticks"), _("Cancel")},
	              .hotkeys = {'a', 's', 0},
	              .nbuttons = 3,
	              .cancel = CK_CANCEL,
	              .submit = checklist_submit,
	              .ctx = &c};
	int b = dlg_run(u, &f);
	if (b == CK_APPROVE)
		return done(u, &c.r);
	if (c.wrote) {
		ui_msg(u, ST_OK, _("Checklist of refund %lld saved"), (long long)c.r.id);
		return ui_changed(u);
	}
	return RD_ALL;
}

static int approve(ui *u, const bzj_refund *r)
{
	char body[800];
	bzj_refund out;
	bzj_err e;
	if (r->kind != BZJ_REFUND_PARTIAL && r->status == BZJ_RS_SUBMITTED)
		return checklist(u, r);
	if (r->status != BZJ_RS_SUBMITTED &&
	    !(r->status == BZJ_RS_APPROVED && r->needs_second && !r->second_by[0])) {
		/* Nothing to confirm: core says why it cannot be approved. */
		if (bzj_refund_approve(u->x, r->id, r->version, &out, &e))
			return ui_refused(u, &e);
		return done(u, &out);
	}
	/* Ask core first whether it would go through (role, four-eyes, the
	 * second approver): a refusal is shown before, never after, the
	 * confirmation. */
	bool second = awaiting_second(r);
	if (bzj_refund_try(u->x, second ? BZJ_TRY_APPROVE_SECOND : BZJ_TRY_APPROVE, r->id,
			   r->version, &e))
		return ui_refused(u, &e);
	describe(r, body, sizeof body);
	if (r->needs_second) {
		size_t l = strlen(body);
		snprintf(body + l, sizeof body - l, "\n%s",
		         r->status == BZJ_RS_APPROVED
		             ? _("This is the second approval, given by a supervisor.")
		             : _("The amount is above the second-approval threshold: a "
		                 "supervisor approves it a second time."));
	}
	if (R.sv_ok && R.sv.payee.present) {
		size_t l = strlen(body);
		snprintf(body + l, sizeof body - l, "\n%s", _("Payee:"));
		l = strlen(body);
		snprintf(body + l, sizeof body - l, " %s %s %s (%s)",
		         ui_payee_type(R.sv.payee.type), R.sv.payee.name, R.sv.payee.account,
		         R.sv.payee.valid ? _("valid") : ui_code_text(R.sv.payee.problem));
	}
	if (!dlg_confirm(u, second ? _("Second approval") : _("Approve refund"), body, false,
			 _("Approve")))
		return RD_ALL;
	if ((second ? bzj_refund_approve_second : bzj_refund_approve)(u->x, r->id, r->version, &out,
								      &e))
		return ui_refused(u, &e);
	return done(u, &out);
}

typedef int (*reason_fn)(bzj_ctx *x, int64_t id, const char *reason, int64_t v, bzj_refund *out,
                         bzj_err *e);

static int with_reason(ui *u, const bzj_refund *r, const char *title, const char *ok, reason_fn fn)
{
	char body[800], reason[BZJ_TEXT_MAX + 1] = "";
	bzj_refund out;
	bzj_err e;
	describe(r, body, sizeof body);
	if (!dlg_input(u, title, body, _("Reason"), ok, reason, sizeof reason, true))
		return RD_ALL;
	if (fn(u->x, r->id, reason, r->version, &out, &e))
		return ui_refused(u, &e);
	return done(u, &out);
}

static int pay(ui *u, const bzj_refund *r)
{
	char body[1000];
	bzj_refund out;
	bzj_err e;
	/* Refused before the confirmation (four-eyes, second approval, the
	 * window, the payee); a failing re-check is said in it, because
	 * confirming records the failure as a single payout would. */
	bool fails = false;
	if (bzj_refund_try(u->x, BZJ_TRY_PAY, r->id, r->version, &e)) {
		if (strcmp(e.code, "refund.payout_failed"))
			return ui_refused(u, &e);
		fails = true;
	}
	describe(r, body, sizeof body);
	if (fails) {
		size_t l = strlen(body);
		snprintf(body + l, sizeof body - l, "\n%s %s", e.msg,
			 _("Confirming records the refund as failed."));
	}
	if (R.sv_ok && R.sv.payee.present) {
		size_t l = strlen(body);
		snprintf(body + l, sizeof body - l, "\n%s", _("Pay to:"));
		l = strlen(body);
		snprintf(body + l, sizeof body - l, " %s %s %s (%s)",
		         ui_payee_type(R.sv.payee.type), R.sv.payee.name, R.sv.payee.account,
		         R.sv.payee.valid ? _("valid") : ui_code_text(R.sv.payee.problem));
	}
	if (r->overdue) {
		size_t l = strlen(body);
		snprintf(body + l, sizeof body - l, "\n%s",
			 _("The window has closed: the payout is recorded as late, a breach "
			   "the supervisors' reports show."));
	}
	if (!dlg_confirm(u, _("Record payout"), body, false, _("Paid")))
		return RD_ALL;
	memset(&out, 0, sizeof out);
	if (bzj_refund_pay(u->x, r->id, r->version, &out, &e)) {
		/* A failed re-check is recorded as failed: show it, then reload. */
		int rd = ui_refused(u, &e);
		return out.id ? rd | ui_changed(u) : rd;
	}
	return done(u, &out);
}

static int cancel(ui *u, const bzj_refund *r)
{
	char body[800];
	bzj_refund out;
	bzj_err e;
	describe(r, body, sizeof body);
	if (!dlg_confirm(u, _("Cancel refund"), body, false, _("Cancel refund")))
		return RD_ALL;
	if (bzj_refund_cancel(u->x, r->id, r->version, &out, &e))
		return ui_refused(u, &e);
	return done(u, &out);
}

/* Does refund r match what the user typed: its number, or a shop id or
 * name containing the text? */
static bool matches(const bzj_refund *r, const char *what)
{
	char *end;
	const char *num = what[0] == '#' ? what + 1 : what;
	long long id = strtoll(num, &end, 10);
	if (*num && !*end)
		return r->id == id;
	return strstr(owner_id(r), what) || strstr(r->shop_name, what);
}

/* Find the next refund that matches after the cursor (wrapping once),
 * fetching further pages of the queue as needed. */
static int find(ui *u)
{
	static char what[BZJ_NAME_MAX + 1];
	if (!dlg_input(u, _("Find refund"),
		       _("A refund number, or part of a shop id or shop name. The search runs "
			 "through the queue as filtered."),
		       _("Find"), _("Find"), what, sizeof what, true))
		return RD_ALL;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = pass ? 0 : R.v.l.cur + 1;; i++) {
			if (i >= R.v.l.n && (pass || !lv_more(&R.v, u)))
				break;
			if (i >= R.v.l.n)
				continue;
			if (matches(lv_row(&R.v, i), what)) {
				lv_select(&R.v, i);
				return RD_ALL;
			}
		}
	}
	ui_msg(u, ST_WARN, _("No refund matches \"%s\" under these filters"), what);
	return RD_ALL;
}

static int refunds_act(ui *u, int a)
{
	bzj_refund *r = sel();
	bzj_refund copy;
	if (r) {
		payee_fetch(u);
		copy = *r; /* the rows may be refetched under the dialogs */
		r = &copy;
	}
	switch (a) {
	case ACT_OPEN:
		if (r && r->provider_id[0]) {
			ui_msg(u, ST_DIM, _("Exit refund of service provider %s: see `bzj provider show %s`"),
			       r->provider_id, r->provider_id);
			return RD_STATUS;
		}
		return ui_open_shop(u, r->shop_id);
	case ACT_REFUND_APPROVE:
		return approve(u, r);
	case ACT_REFUND_CHECKLIST:
		if (r->kind == BZJ_REFUND_PARTIAL) {
			ui_msg(u, ST_DIM, "%s", _("Only closure and exit refunds have a checklist."));
			return RD_STATUS;
		}
		return checklist(u, r);
	case ACT_REFUND_REJECT:
		return with_reason(u, r, _("Reject refund"), _("Reject"), bzj_refund_reject);
	case ACT_REFUND_FAIL:
		return with_reason(u, r, _("Payout failed"), _("Record failure"), bzj_refund_fail);
	case ACT_REFUND_PAY:
		return pay(u, r);
	case ACT_REFUND_CANCEL:
		return cancel(u, r);
	case ACT_REFUND_FIND: return find(u);
	case ACT_REPORTS:
		return ui_reports(u);
	case ACT_FILTER_RSTATUS:
		R.status_step = (R.status_step + 1) % RF_STEPS;
		return refilter(u);
	case ACT_FILTER_RKIND:
		R.kind = (R.kind + 1) % 4; /* any, partial, closure, exit */
		return refilter(u);
	case ACT_FILTER_OVERDUE:
		R.overdue = !R.overdue;
		return refilter(u);
	default:
		break;
	}
	return lv_move(&R.v, u, a);
}

static bool refunds_has_sel(ui *u)
{
	(void)u;
	return R.v.l.n > 0;
}

static const char *refunds_sel_shop(ui *u)
{
	(void)u;
	return sel() && sel()->shop_id[0] ? sel()->shop_id : NULL;
}

/* What the selected refund offers: a refund waiting for its second
 * approval offers no payout and no failure to finance, only the second
 * approval (to whoever core lets give it). */
static bool refunds_offers(ui *u, int a)
{
	(void)u;
	const bzj_refund *r = sel();
	if (!r)
		return true;
	switch (a) {
	case ACT_REFUND_PAY:
	case ACT_REFUND_FAIL:
		return r->status == BZJ_RS_APPROVED && !awaiting_second(r);
	case ACT_REFUND_APPROVE:
		return r->status == BZJ_RS_SUBMITTED || awaiting_second(r);
	default:
		return true;
	}
}

static const char *const legend[] = {
    N_("Due today: open refunds whose window ends today (whole queue)"),
    N_("2nd approval: approved, waiting for a supervisor's second one"),
    N_("days 0-1 … 16+: open refunds by days since submission (bar, count)"),
    NULL,
};

const panel_ops panel_refunds = {
    .title = N_("Refunds"),
    .legend = legend,
    .bit = PB_REFUNDS,
    .load = refunds_load,
    .draw = refunds_draw,
    .act = refunds_act,
    .has_sel = refunds_has_sel,
    .sel_shop = refunds_sel_shop,
    .offers = refunds_offers,
};
