/* view_detail.c - the deposit detail of one shop: why the requirement is
 * what it is, the money position, payee, refunds, receipts and the ledger.
 *
 * The panel is one scrolling document.  It is drawn by a pass that counts
 * lines and draws only those in view, so nothing is laid out twice and the
 * ledger (fetched in pages, newest first) can be as long as it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/deposit.h"
#include "bzj/history.h"
#include "bzj/i18n.h"
#include "bzj/ledger.h"
#include "bzj/money.h"
#include "bzj/receipt.h"
#include "bzj/refund.h"
#include "bzj/violation.h"
#include "dialog.h"
#include "ui.h"
#include "chart.h"
#include "widget.h"

#define LEDGER_PAGE 100
#define MAX_RAISES 32
#define MAX_REFUNDS 20
#define MAX_RECEIPTS 30

static struct detail {
	bool ok;
	bzj_shop_view v;
	bzj_violation raises[MAX_RAISES];
	int nraises;
	bzj_refund refunds[MAX_REFUNDS];
	int nrefunds;
	bzj_receipt receipts[MAX_RECEIPTS];
	int nreceipts;
	bzj_month_point hist[BZJ_HISTORY_MONTHS];
	bool hist_ok;
	bzj_ledger_entry *ledger;
	int nledger, cap;
	bool ledger_end;
	int top, nlines;
	char err[600];
} D;

static bool ledger_more(ui *u)
{
	bzj_err e;
	int n = 0;
	if (D.ledger_end)
		return false;
	if (D.nledger + LEDGER_PAGE > D.cap) {
		int cap = D.cap ? D.cap * 2 : LEDGER_PAGE * 2;
		bzj_ledger_entry *p = realloc(D.ledger, sizeof *p * (size_t)cap);
		if (!p) {
			D.ledger_end = true;
			return false;
		}
		D.ledger = p;
		D.cap = cap;
	}
	int64_t before = D.nledger ? D.ledger[D.nledger - 1].id : 0;
	if (bzj_ledger_list(u->x, D.v.shop.id, before, D.ledger + D.nledger, LEDGER_PAGE, &n, &e)) {
		ui_msg(u, ST_ERR, "%s", e.msg);
		D.ledger_end = true;
		return false;
	}
	D.nledger += n;
	D.ledger_end = n < LEDGER_PAGE;
	return n > 0;
}

static int detail_load(ui *u)
{
	bzj_err e;
	int n;
	static char shown[BZJ_ID_MAX + 1];
	if (strcmp(shown, u->shop)) {
		/* Another shop starts at the top; a reload keeps the place. */
		snprintf(shown, sizeof shown, "%s", u->shop);
		D.top = 0;
	}
	D.ok = false;
	D.err[0] = 0;
	D.nraises = D.nrefunds = D.nreceipts = D.nledger = 0;
	D.ledger_end = false;
	if (!u->shop[0])
		return RD_ALL;
	if (bzj_shop_view_get(u->x, u->shop, &D.v, &e)) {
		snprintf(D.err, sizeof D.err, "%s", e.msg);
		return RD_ALL;
	}
	/* Open violations: those with a raise explain the raises.  (Most
	 * shops have none: skip the query.) */
	bzj_violation *vs = D.v.open_violations ? malloc(sizeof *vs * MAX_RAISES) : NULL;
	if (vs && !bzj_violation_list(u->x, u->shop, true, NULL, vs, MAX_RAISES, &n, &e)) {
		for (int i = 0; i < n; i++)
			if (vs[i].raise_fen > 0)
				D.raises[D.nraises++] = vs[i];
	}
	free(vs);
	bzj_refund_query q;
	memset(&q, 0, sizeof q);
	q.shop_id = u->shop;
	if (bzj_refund_list(u->x, &q, D.refunds, MAX_REFUNDS, &D.nrefunds, &e))
		D.nrefunds = 0;
	if (bzj_receipt_list(u->x, u->shop, D.receipts, MAX_RECEIPTS, &D.nreceipts, &e))
		D.nreceipts = 0;
	D.hist_ok = bzj_shop_history(u->x, u->shop, D.hist, &e) == 0;
	ledger_more(u);
	D.ok = true;
	return RD_ALL;
}

/* ---- the document ------------------------------------------------------ */

typedef struct doc {
	ui *u;
	WINDOW *w;
	bool dry; /* count lines only */
	int line, top, h;
	int lw, mw; /* label and money column widths */
} doc;

/* The window row of the next line, or -1 when it is out of view. */
static int doc_row(doc *d)
{
	int y = d->line - d->top;
	d->line++;
	return !d->dry && y >= 0 && y < d->h ? 1 + y : -1;
}

static void doc_text(doc *d, int style, int indent, const char *s)
{
	int y = doc_row(d);
	if (y < 0)
		return;
	ui_style(d->w, d->u, style);
	wdg_puts(d->w, y, indent, s, d->u->cols);
	ui_style(d->w, d->u, ST_NORMAL);
}

static void doc_rule(doc *d, const char *title)
{
	int y = doc_row(d);
	if (y >= 0)
		ui_rule(d->u, d->w, y, title);
}

/* "label   ¥1,234.56   why" with the label and money columns aligned by
 * display width. */
static void doc_money(doc *d, const char *label, int64_t fen, int style, const char *why)
{
	char m[40];
	int y = doc_row(d);
	if (y < 0)
		return;
	int x = 2;
	x += wdg_put(d->w, y, x, label, d->lw, WDG_LEFT) + 2;
	ui_style(d->w, d->u, style);
	x += wdg_put(d->w, y, x, wdg_money(fen, m, sizeof m), d->mw, WDG_RIGHT) + 3;
	ui_style(d->w, d->u, ST_DIM);
	if (why)
		wdg_puts(d->w, y, x, why, d->u->cols);
	ui_style(d->w, d->u, ST_NORMAL);
}

static void doc_pair(doc *d, const char *label, int style, const char *value)
{
	int y = doc_row(d);
	if (y < 0)
		return;
	int x = 2 + wdg_put(d->w, y, 2, label, d->lw, WDG_LEFT) + 2;
	ui_style(d->w, d->u, style);
	wdg_puts(d->w, y, x, value, d->u->cols);
	ui_style(d->w, d->u, ST_NORMAL);
}

static const char *const labels[] = {
    N_("Base"),    N_("Floating"), N_("Raises"),    N_("Required"),
    N_("Balance"), N_("Frozen"),   N_("Available"), N_("Refundable"),
    N_("Payout"),  N_("Owed"),     N_("Unsettled"), N_("Payee"),
    N_("Account"), N_("Operator"), N_("Entity"),    N_("Categories"),
    N_("Newbie"),
};

static void doc_widths(doc *d)
{
	const bzj_position *p = &D.v.dep.pos;
	int64_t m[] = {p->base_fen,    p->floating_fen,       p->raises_fen,    p->required_fen,
	               p->balance_fen, p->frozen_fen,         p->available_fen, p->refundable_fen,
	               p->owed_fen,    D.v.shop.unsettled_fen};
	char b[40];
	d->lw = 0;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		int w = wdg_width(_(labels[i]));
		d->lw = w > d->lw ? w : d->lw;
	}
	d->mw = 10;
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		int w = wdg_width(wdg_money(m[i], b, sizeof b));
		d->mw = w > d->mw ? w : d->mw;
	}
}

static void doc_identity(doc *d)
{
	const bzj_shop *s = &D.v.shop;
	char t[1200], a[16], b[16];
	doc_pair(d, _("Entity"), ST_NORMAL,
	         (snprintf(t, sizeof t, "%s · %s", ui_entity(s->entity), s->entity_name), t));
	if (s->status == BZJ_SHOP_CLOSED)
		snprintf(t, sizeof t, _("%s · opened %s · closed %s"), s->operator_name,
		         ui_date(s->opened, a, sizeof a), ui_date(s->closed, b, sizeof b));
	else
		snprintf(t, sizeof t, _("%s · opened %s"), s->operator_name,
		         ui_date(s->opened, a, sizeof a));
	doc_pair(d, _("Operator"), ST_NORMAL, t);
	t[0] = 0;
	for (int i = 0; i < D.v.ncategories; i++) {
		size_t l = strlen(t);
		snprintf(t + l, sizeof t - l, "%s%s", i ? _(", ") : "", D.v.categories[i]);
	}
	doc_pair(d, _("Categories"), ST_NORMAL, t);
}

/* The newbie period at a glance: status, capped since when, and why. */
static void doc_newbie(doc *d)
{
	const bzj_newbie *n = &D.v.newbie;
	char t[1200], a[16], b[16];
	int style = ST_NORMAL;
	if (n->status == BZJ_NB_DIRECT) {
		snprintf(t, sizeof t, "%s", _("let straight through (direct)"));
	} else if (n->status == BZJ_NB_GRADUATED) {
		snprintf(t, sizeof t, _("graduated on %s"), ui_date(n->graduated, a, sizeof a));
	} else if (n->capped) {
		_Static_assert(BZJ_NEWBIE_CAP_ORDERS >= 1000 && BZJ_NEWBIE_CAP_ORDERS < 1000000,
		               "the cap is written with one thousands separator");
		char cap[16];
		snprintf(cap, sizeof cap, "%d,%03d", BZJ_NEWBIE_CAP_ORDERS / 1000,
		         BZJ_NEWBIE_CAP_ORDERS % 1000);
		style = ST_WARN;
		snprintf(t, sizeof t, _("CAPPED at %s paid orders a day since %s"), cap,
		         ui_date(n->capped_since, a, sizeof a));
	} else if (n->last_check == BZJ_DATE_NONE) {
		snprintf(t, sizeof t, "%s", _("newbie, not checked yet"));
	} else {
		snprintf(t, sizeof t, _("newbie, passed the check of %s"),
		         ui_date(n->last_check, a, sizeof a));
	}
	doc_pair(d, _("Newbie"), style, t);
	if (n->status == BZJ_NEWBIE && n->reasons) {
		/* why, in words, wrapped at the screen's width between reasons */
		int room = d->u->cols - (4 + d->lw) - 1;
		snprintf(t, sizeof t, _("check of %s failed: "), ui_date(n->last_check, a, sizeof a));
		const char *sep = "";
		for (int bit = 1; bit <= BZJ_NBR_ALL; bit <<= 1) {
			if (!(n->reasons & bit))
				continue;
			char add[200];
			snprintf(add, sizeof add, "%s%s", sep, bzj_newbie_reason_text(bit));
			if (*sep && wdg_width(t) + wdg_width(add) > room) {
				snprintf(add, sizeof add, "%s", sep);
				size_t l = strlen(t);
				snprintf(t + l, sizeof t - l, "%s", add);
				doc_text(d, ST_WARN, 4 + d->lw, t);
				snprintf(t, sizeof t, "  %s", bzj_newbie_reason_text(bit));
			} else {
				size_t l = strlen(t);
				snprintf(t + l, sizeof t - l, "%s", add);
			}
			sep = _("; ");
		}
		doc_text(d, ST_WARN, 4 + d->lw, t);
	}
	if (n->risk_id) {
		snprintf(t, sizeof t, _("risk finding #%lld since %s: %s"), (long long)n->risk_id,
		         ui_date(n->risk_opened, b, sizeof b), n->risk_note);
		doc_text(d, ST_DIM, 4 + d->lw, t);
	}
}

static void doc_required(doc *d)
{
	const bzj_deposit *dep = &D.v.dep;
	const bzj_position *p = &dep->pos;
	char why[600], a[16], b[16], m[40];

	doc_rule(d, _("Required deposit"));
	if (D.v.shop.status == BZJ_SHOP_CLOSED)
		snprintf(why, sizeof why, "%s", _("closed: no base deposit"));
	else if (dep->base_category[0])
		snprintf(why, sizeof why, _("%s, %s, standard of %s"), dep->base_category,
		         ui_entity(D.v.shop.entity), ui_date(dep->base_effective, a, sizeof a));
	else
		snprintf(why, sizeof why, "%s", _("no category with a standard"));
	doc_money(d, _("Base"), p->base_fen, ST_NORMAL, why);
	if (D.v.shop.status == BZJ_SHOP_CLOSED)
		snprintf(why, sizeof why, "%s", _("closed: no floating deposit"));
	else if (dep->floating_present)
		snprintf(why, sizeof why, _("GMV %s in %s, from %s"),
		         wdg_money(dep->floating_gmv_fen, m, sizeof m),
		         bzj_month_fmt(dep->floating_gmv_month, a, sizeof a),
		         ui_date(dep->floating_effective, b, sizeof b));
	else
		snprintf(why, sizeof why, "%s", _("no GMV month computed yet"));
	doc_money(d, _("Floating"), p->floating_fen, ST_NORMAL, why);
	snprintf(why, sizeof why, P_("%d open violation", "%d open violations", dep->nraises),
	         dep->nraises);
	doc_money(d, _("Raises"), p->raises_fen, ST_NORMAL, dep->nraises ? why : NULL);
	for (int i = 0; i < D.nraises; i++) {
		const bzj_violation *v = &D.raises[i];
		char pts[64];
		snprintf(pts, sizeof pts, P_("%d point", "%d points", v->points), v->points);
		snprintf(why, sizeof why, "#%lld %s %s %s  %s  %s", (long long)v->id,
		         ui_date(v->date, a, sizeof a), ui_vclass(v->cls), pts,
		         wdg_money(v->raise_fen, m, sizeof m), v->note);
		doc_text(d, ST_DIM, 4 + d->lw, why);
	}
	doc_money(d, _("Required"), p->required_fen, ST_KEY, _("max(base, floating) + raises"));
}

static void doc_position(doc *d)
{
	const bzj_position *p = &D.v.dep.pos;
	const bzj_shop *s = &D.v.shop;
	char why[300], m[40];

	doc_rule(d, _("Balance"));
	doc_money(d, _("Balance"), p->balance_fen, p->restricted ? ST_WARN : ST_NORMAL, NULL);
	doc_money(d, _("Frozen"), p->frozen_fen, ST_NORMAL, NULL);
	doc_money(d, _("Available"), p->available_fen, ST_NORMAL, _("balance - frozen"));
	snprintf(why, sizeof why, _("available - required - in progress %s"),
	         wdg_money(p->in_progress_fen, m, sizeof m));
	doc_money(d, _("Refundable"), p->refundable_fen, ST_NORMAL, why);
	if (p->restricted)
		snprintf(why, sizeof why, _("restricted: shortfall %s to top up"),
		         wdg_money(p->shortfall_fen, m, sizeof m));
	else
		snprintf(why, sizeof why, "%s", _("not restricted"));
	doc_pair(d, _("Payout"), p->restricted ? ST_WARN : ST_OK, why);
	doc_money(d, _("Owed"), p->owed_fen, p->owed_fen ? ST_WARN : ST_NORMAL,
	          s->terminate ? _("flagged for termination of service") : NULL);
	if (s->unsettled_fen)
		doc_money(d, _("Unsettled"), s->unsettled_fen, ST_NORMAL,
		          _("unsettled payments that cover what is owed"));
}

/* The last twelve months: balance bars against the required level, the
 * months, and what happened in each (F a floating tier changed, V a
 * violation raised the requirement, R a refund was paid). */
#define HIST_ROWS 5
#define HIST_COLW 5
static void doc_history(doc *d)
{
	if (!D.hist_ok)
		return;
	int64_t bal[BZJ_HISTORY_MONTHS], req[BZJ_HISTORY_MONTHS];
	for (int i = 0; i < BZJ_HISTORY_MONTHS; i++) {
		bal[i] = D.hist[i].balance_fen;
		req[i] = D.hist[i].required_fen;
	}
	bool ascii = chart_ascii();
	chart c;
	chart_bars(&c, bal, req, BZJ_HISTORY_MONTHS, HIST_ROWS, HIST_COLW, ascii);
	char m[40], t[200];
	int aw = wdg_width(wdg_money(c.max, m, sizeof m)), x0 = 2 + aw + 1;
	doc_rule(d, _("Balance against required, last 12 months"));
	for (int r = 0; r < c.rows; r++) {
		int y = doc_row(d);
		if (y < 0)
			continue;
		ui_style(d->w, d->u, ST_DIM);
		if (r == 0 || r == c.rows - 1)
			wdg_put(d->w, y, 2, wdg_money(r ? 0 : c.max, m, sizeof m), aw, WDG_RIGHT);
		for (int k = 0; k < c.cols && x0 + k < d->u->cols; k++) {
			static const int style[] = {ST_NORMAL, ST_OK, ST_WARN, ST_KEY};
			ui_style(d->w, d->u, style[c.kind[r][k]]);
			mvwaddnwstr(d->w, y, x0 + k, &c.cell[r][k], 1);
		}
		ui_style(d->w, d->u, ST_NORMAL);
	}
	int y = doc_row(d), y2 = doc_row(d);
	for (int i = 0; i < BZJ_HISTORY_MONTHS; i++) {
		int x = x0 + i * HIST_COLW;
		if (x + HIST_COLW > d->u->cols)
			break;
		if (y >= 0) {
			char mm[8];
			bzj_month_fmt(D.hist[i].month, mm, sizeof mm);
			ui_style(d->w, d->u, ST_DIM);
			wdg_puts(d->w, y, x, mm + 5, d->u->cols);
		}
		if (y2 >= 0) {
			/* TRANSLATORS: one-letter marks under the history chart:
			 * F floating tier changed, V violation raise, R refund paid. */
			snprintf(t, sizeof t, "%s%s%s",
				 D.hist[i].tier_change ? C_("history mark", "F") : "",
				 D.hist[i].raise ? C_("history mark", "V") : "",
				 D.hist[i].refund ? C_("history mark", "R") : "");
			ui_style(d->w, d->u, ST_WARN);
			wdg_puts(d->w, y2, x, t, x + HIST_COLW - 1);
		}
		ui_style(d->w, d->u, ST_NORMAL);
	}
	snprintf(t, sizeof t, "%s %s  %s %s  %s", ascii ? "#" : "█",
		 ascii ? _("balance (! short)") : _("balance (red: short)"), ascii ? "-" : "━",
		 _("required"), _("F tier  V raise  R refund") /* the marks of C_("history mark") */);
	doc_text(d, ST_DIM, 2, t);
}

static void doc_payee(doc *d)
{
	const bzj_payee *py = &D.v.payee;
	char t[600], a[16];
	if (!py->present) {
		doc_pair(d, _("Payee"), ST_WARN, _("no payee account on file"));
		return;
	}
	snprintf(t, sizeof t, "%s · %s", ui_payee_type(py->type), py->name);
	doc_pair(d, _("Payee"), ST_NORMAL, t);
	if (py->valid)
		snprintf(t, sizeof t, _("%s  since %s  valid"), py->account,
		         ui_date(py->since, a, sizeof a));
	else
		snprintf(t, sizeof t, _("%s  since %s  not valid: %s"), py->account,
		         ui_date(py->since, a, sizeof a), ui_code_text(py->problem));
	doc_pair(d, _("Account"), py->valid ? ST_NORMAL : ST_WARN, t);
}

static void doc_refunds(doc *d)
{
	char t[600], h[200], b[16], c[16], m[40];
	snprintf(h, sizeof h, _("Refunds (%d)"), D.nrefunds);
	doc_rule(d, h);
	if (!D.nrefunds)
		doc_text(d, ST_DIM, 2, _("none"));
	for (int i = 0; i < D.nrefunds; i++) {
		const bzj_refund *r = &D.refunds[i];
		char k[64], st[64], am[64];
		snprintf(t, sizeof t, "#%-5lld %s %s %s %s %s~%s%s", (long long)r->id,
		         wdg_field_mb(ui_refund_kind(r->kind), 8, WDG_LEFT, k, sizeof k),
		         wdg_field_mb(wdg_money(r->amount_fen, m, sizeof m), 13, WDG_RIGHT, am,
		                      sizeof am),
		         wdg_field_mb(ui_refund_status(r->status), 9, WDG_LEFT, st, sizeof st),
		         _("window"), ui_date(r->window_start, b, sizeof b),
		         ui_date(r->window_end, c, sizeof c),
		         r->overdue ? _("  OVERDUE")
		         : r->late  ? _("  paid late")
		                    : "");
		doc_text(d, r->overdue ? ST_WARN : ST_NORMAL, 2, t);
	}
}

static void doc_receipts(doc *d)
{
	char t[600], h[200], a[16], m[40], am[64];
	snprintf(h, sizeof h, _("Receipts (%d)"), D.nreceipts);
	doc_rule(d, h);
	if (!D.nreceipts)
		doc_text(d, ST_DIM, 2, _("none"));
	for (int i = 0; i < D.nreceipts; i++) {
		const bzj_receipt *r = &D.receipts[i];
		snprintf(t, sizeof t, _("#%-5lld top-up #%-6lld %s  %s  %s%s"), (long long)r->id,
		         (long long)r->topup_id,
		         wdg_field_mb(wdg_money(r->amount_fen, m, sizeof m), 13, WDG_RIGHT, am,
		                      sizeof am),
		         ui_date(r->issued, a, sizeof a), r->title,
		         r->voided ? _("  (voided)") : "");
		doc_text(d, r->voided ? ST_DIM : ST_NORMAL, 2, t);
	}
}

static void doc_ledger(doc *d)
{
	char t[1200], h[200], a[16], m[40], bal[40], k[64], am[64], bl[64];
	snprintf(h, sizeof h, D.ledger_end ? _("Ledger (%d entries)") : _("Ledger (%d+ entries)"),
	         D.nledger);
	doc_rule(d, h);
	if (D.nledger) {
		char hd[400], c1[64], c2[64], c3[64], c4[64];
		snprintf(hd, sizeof hd, "%s %s %s %s  %s",
			 wdg_field_mb(_("Date"), 10, WDG_LEFT, c1, sizeof c1),
			 wdg_field_mb(_("Kind"), 8, WDG_LEFT, c2, sizeof c2),
			 wdg_field_mb(_("Amount"), 13, WDG_RIGHT, c3, sizeof c3),
			 wdg_field_mb(_("Balance"), 13, WDG_RIGHT, c4, sizeof c4), _("# and note"));
		doc_text(d, ST_DIM, 2, hd);
	}
	for (int i = 0; i < D.nledger; i++) {
		const bzj_ledger_entry *le = &D.ledger[i];
		const char *what = le->note[0] ? le->note : le->payer;
		snprintf(t, sizeof t, "%s %s %s %s  #%lld %s", ui_date(le->date, a, sizeof a),
		         wdg_field_mb(ui_ledger_kind(le->kind), 8, WDG_LEFT, k, sizeof k),
		         wdg_field_mb(wdg_money(le->amount_fen, m, sizeof m), 13, WDG_RIGHT, am,
		                      sizeof am),
		         wdg_field_mb(wdg_money(le->balance_after_fen, bal, sizeof bal), 13,
		                      WDG_RIGHT, bl, sizeof bl),
		         (long long)le->id, what);
		doc_text(d, le->amount_fen < 0 ? ST_NORMAL : ST_OK, 2, t);
	}
	if (!D.ledger_end)
		doc_text(d, ST_DIM, 2, _("(more below: keep scrolling)"));
}

static void doc_run(ui *u, WINDOW *w, doc *d, bool dry)
{
	memset(d, 0, sizeof *d);
	d->dry = dry;
	d->u = u;
	d->w = w;
	d->h = u->lines - 1;
	d->top = D.top;
	doc_widths(d);
	doc_identity(d);
	doc_newbie(d);
	doc_required(d);
	doc_position(d);
	doc_payee(d);
	doc_history(d);
	doc_refunds(d);
	doc_receipts(d);
	doc_ledger(d);
}

static void detail_draw(ui *u, WINDOW *w)
{
	char left[600], right[64];
	doc d;
	if (!D.ok) {
		ui_panel_bar(u, w, _("Deposit detail"), NULL);
		ui_style(w, u, D.err[0] ? ST_ERR : ST_DIM);
		wdg_puts(w, 2, 2,
		         D.err[0] ? D.err
		                  : _("No shop selected: pick one in the shop list "
		                      "and press Enter."),
		         u->cols);
		ui_style(w, u, ST_NORMAL);
		return;
	}
	/* Count the lines first so the scroll position can be clamped. */
	doc_run(u, w, &d, true);
	D.nlines = d.line;
	int maxtop = D.nlines - (u->lines - 1);
	if (D.top > maxtop)
		D.top = maxtop > 0 ? maxtop : 0;
	doc_run(u, w, &d, false);
	const bzj_shop *s = &D.v.shop;
	snprintf(right, sizeof right, _("line %d/%d"), D.top + 1, D.nlines);
	/* The name gives way first: the id and [open]/[closed] always show. */
	char st[64], nm[BZJ_NAME_MAX * 2 + 16];
	snprintf(st, sizeof st, "  [%s]", ui_shop_status(s->status));
	int room = u->cols - wdg_width(right) - 2 - wdg_width(s->id) - 2 - wdg_width(st);
	const char *name = s->name;
	if (wdg_width(name) > room)
		name = room > 1 ? wdg_field_mb(name, room, WDG_LEFT, nm, sizeof nm) : "";
	snprintf(left, sizeof left, "%s  %s%s", s->id, name, st);
	ui_panel_bar(u, w, left, right);
}

/* ---- scrolling --------------------------------------------------------- */

static int detail_scroll(ui *u, int a)
{
	int h = u->lines - 1;
	switch (a) {
	case ACT_UP:
		D.top--;
		break;
	case ACT_DOWN:
		D.top++;
		break;
	case ACT_PAGE_UP:
		D.top -= h;
		break;
	case ACT_PAGE_DOWN:
		D.top += h;
		break;
	case ACT_FIRST:
		D.top = 0;
		break;
	case ACT_LAST:
		while (ledger_more(u))
			;
		D.top = 1 << 30;
		break;
	default:
		return RD_NONE;
	}
	if (D.top < 0)
		D.top = 0;
	/* Near the end of what is loaded: fetch the next ledger page. */
	if (D.ok && D.top + 2 * h >= D.nlines && !D.ledger_end)
		ledger_more(u);
	return RD_BODY;
}

/* ---- actions that write ------------------------------------------------ */

typedef struct topup_ctx {
	ui *u;
	char amount[32], payer[BZJ_NAME_MAX + 1], ref[65];
	bool ack;
} topup_ctx;

static int topup_submit(void *ctx, int button, dlg_form *f)
{
	topup_ctx *c = ctx;
	bzj_err e;
	int64_t fen = 0, id, bal;
	bool replayed;
	char m[40];
	(void)button;
	bzj_err_clear(&e);
	if (bzj_money_parse(c->amount, _("amount"), &fen, &e) == 0) {
		bzj_topup_in in = {.shop_id = D.v.shop.id,
		                   .amount_fen = fen,
		                   .payer = c->payer[0] ? c->payer : NULL,
		                   .ack_third_party = c->ack,
		                   .ref = c->ref[0] ? c->ref : NULL};
		if (bzj_topup(c->u->x, &in, &id, &bal, &replayed, &e) == 0) {
			ui_msg(c->u, ST_OK,
			       replayed ? _("Top-up %lld was already recorded; balance %s")
			                : _("Top-up %lld recorded; balance %s"),
			       (long long)id, wdg_money(bal, m, sizeof m));
			return 0;
		}
	}
	snprintf(f->msg, sizeof f->msg, "%s", e.msg);
	f->msg_style = ST_ERR;
	return 1;
}

static int do_topup(ui *u)
{
	topup_ctx c;
	memset(&c, 0, sizeof c);
	c.u = u;
	snprintf(c.payer, sizeof c.payer, "%s", D.v.shop.entity_name);
	dlg_field fd[] = {
	    {.type = DF_TEXT,
	     .label = _("Amount"),
	     .buf = c.amount,
	     .n = sizeof c.amount,
	     .note = _("yuan")},
	    {.type = DF_TEXT, .label = _("Payer"), .buf = c.payer, .n = sizeof c.payer},
	    {.type = DF_CHECK,
	     .label = _("A third party pays; the payer acknowledged what "
	                "the deposit is for"),
	     .check = &c.ack},
	    {.type = DF_TEXT,
	     .label = _("Reference"),
	     .buf = c.ref,
	     .n = sizeof c.ref,
	     .note = _("optional")},
	};
	char body[400];
	snprintf(body, sizeof body, _("Top up the deposit of %s %s."), D.v.shop.id, D.v.shop.name);
	dlg_form f = {.title = _("Top-up"),
	              .body = body,
	              .f = fd,
	              .nf = 4,
	              .buttons = {_("Record"), _("Cancel")},
	              .nbuttons = 2,
	              .cancel = 1,
	              .submit = topup_submit,
	              .ctx = &c};
	if (dlg_run(u, &f) != 0)
		return RD_ALL;
	return ui_changed(u);
}

/* A form that calls `fn` on submit and keeps the dialog open with core's
 * message when it is refused. */
typedef struct simple_ctx {
	ui *u;
	char a[BZJ_NAME_MAX + 1], b[BZJ_NAME_MAX + 1], c[BZJ_NAME_MAX + 1];
	int choice;
	int (*fn)(struct simple_ctx *c, bzj_err *e);
	char ok[160];
} simple_ctx;

static int simple_submit(void *ctx, int button, dlg_form *f)
{
	simple_ctx *c = ctx;
	bzj_err e;
	(void)button;
	bzj_err_clear(&e);
	if (c->fn(c, &e) == 0) {
		ui_msg(c->u, ST_OK, "%s", c->ok);
		return 0;
	}
	snprintf(f->msg, sizeof f->msg, "%s", e.msg);
	f->msg_style = ST_ERR;
	return 1;
}

static int run_simple(ui *u, simple_ctx *c, const char *title, const char *body, dlg_field *fd,
		      int nf, const char *ok)
{
	dlg_form f = {.title = title,
	              .body = body,
	              .f = fd,
	              .nf = nf,
	              .buttons = {ok, _("Cancel")},
	              .nbuttons = 2,
	              .cancel = 1,
	              .submit = simple_submit,
	              .ctx = c};
	if (dlg_run(u, &f) != 0)
		return RD_ALL;
	return ui_changed(u);
}

static int fee_fn(simple_ctx *c, bzj_err *e)
{
	int64_t fen, id;
	int rc = bzj_money_parse(c->a, _("amount"), &fen, e);
	if (!rc)
		rc = bzj_fee(c->u->x, D.v.shop.id, fen, c->b, &id, e);
	if (!rc)
		snprintf(c->ok, sizeof c->ok, _("Fee %lld recorded"), (long long)id);
	return rc;
}

static int do_fee(ui *u)
{
	simple_ctx c = {.u = u, .fn = fee_fn};
	dlg_field fd[] = {
	    {.type = DF_TEXT, .label = _("Amount"), .buf = c.a, .n = 32, .note = _("yuan")},
	    {.type = DF_TEXT, .label = _("Note"), .buf = c.b, .n = 256},
	};
	char body[400];
	snprintf(body, sizeof body, _("A fee %s %s bears, taken from its available balance."),
	         D.v.shop.id, D.v.shop.name);
	return run_simple(u, &c, _("Fee"), body, fd, 2, _("Record"));
}

/* The category picker: the standards' categories not on the shop (to
 * add), or the shop's own (to remove), each with the base it sets for
 * this shop's entity type today. */
#define PICK_MAX 64
typedef struct cat_pick {
	char name[PICK_MAX][BZJ_CAT_MAX + 1];
	int64_t fen[PICK_MAX];
	int n;
	bool remove;
	bzj_date today;
} cat_pick;

static bool on_shop(const char *cat)
{
	for (int i = 0; i < D.v.ncategories; i++)
		if (!strcmp(D.v.categories[i], cat))
			return true;
	return false;
}

static int pick_row(void *ctx, const bzj_standard *st)
{
	cat_pick *p = ctx;
	if (st->effective > p->today || on_shop(st->category) == !p->remove)
		return 0;
	int64_t fen = D.v.shop.entity == BZJ_ENTITY_COMPANY ? st->company_fen : st->individual_fen;
	int i = 0;
	while (i < p->n && strcmp(p->name[i], st->category))
		i++;
	if (i == p->n) {
		if (p->n == PICK_MAX)
			return 0;
		snprintf(p->name[p->n++], sizeof p->name[0], "%s", st->category);
	}
	p->fen[i] = fen; /* rows come by date: the last one in effect wins */
	return 0;
}

typedef struct cat_ctx {
	cat_pick *p;
	int choice;
	char reason[BZJ_TEXT_MAX + 1];
} cat_ctx;

static int cat_submit(void *ctx, int button, dlg_form *f)
{
	cat_ctx *c = ctx;
	(void)button;
	if (c->p->remove && !c->reason[0]) {
		snprintf(f->msg, sizeof f->msg, "%s", _("Say why the category is removed."));
		f->msg_style = ST_WARN;
		return 1;
	}
	return 0;
}

/* Pick, see the effect on required / balance / refundable / restriction,
 * then confirm: adding (anyone with shop rights) or removing (supervisors,
 * with a reason for the audit log). */
static int do_category(ui *u, bool remove)
{
	static cat_pick p;
	static char label[PICK_MAX][BZJ_CAT_MAX + 48];
	static const char *ptr[PICK_MAX];
	bzj_err e;
	memset(&p, 0, sizeof p);
	p.remove = remove;
	p.today = u->x->today;
	if (bzj_standards_list(u->x, pick_row, &p, &e))
		return ui_refused(u, &e);
	if (!p.n) {
		ui_msg(u, ST_DIM, "%s",
		       remove ? _("The shop has no category with a standard to remove.")
			      : _("The shop already has every category of the standards."));
		return RD_STATUS;
	}
	for (int i = 0; i < p.n; i++) {
		char m[40];
		snprintf(label[i], sizeof label[i], "%s  %s", p.name[i],
			 wdg_money(p.fen[i], m, sizeof m));
		ptr[i] = label[i];
	}
	cat_ctx c = {.p = &p};
	dlg_field fd[2] = {
	    {.type = DF_CHOICE, .label = _("Category"), .choices = ptr, .nchoices = p.n,
	     .choice = &c.choice, .note = _("Space or arrows")},
	    {.type = DF_TEXT, .label = _("Reason"), .buf = c.reason, .n = sizeof c.reason},
	};
	char body[400];
	snprintf(body, sizeof body,
		 remove ? _("Remove a business category recorded by mistake from %s %s.")
			: _("Add a business category to %s %s; the base is the highest of its "
			    "categories'."),
		 D.v.shop.id, D.v.shop.name);
	dlg_form f = {.title = remove ? _("Remove category") : _("Add category"),
		      .body = body,
		      .f = fd,
		      .nf = remove ? 2 : 1,
		      .buttons = {_("Preview"), _("Cancel")},
		      .nbuttons = 2,
		      .cancel = 1,
		      .submit = cat_submit,
		      .ctx = &c};
	if (dlg_run(u, &f) != 0)
		return RD_ALL;
	const char *cat = p.name[c.choice];
	bzj_effect ef;
	if (bzj_shop_preview_category(u->x, D.v.shop.id, cat, remove, &ef, &e))
		return ui_refused(u, &e);
	char what[400];
	snprintf(what, sizeof what, remove ? _("Remove %s from %s %s:") : _("Add %s to %s %s:"), cat,
		 D.v.shop.id, D.v.shop.name);
	if (!dlg_effect(u, remove ? _("Remove category") : _("Add category"), what, &ef, false,
			remove ? _("Remove") : _("Add")))
		return RD_ALL;
	int rc = remove ? bzj_shop_remove_category(u->x, D.v.shop.id, cat, c.reason, &e)
			: bzj_shop_add_category(u->x, D.v.shop.id, cat, &e);
	if (rc)
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, remove ? _("Category %s removed") : _("Category %s added"), cat);
	return ui_changed(u);
}

static int payee_fn(simple_ctx *c, bzj_err *e)
{
	int type = c->choice == 0 ? BZJ_PAYEE_PERSONAL : BZJ_PAYEE_CORPORATE;
	bool changed = true;
	int rc = bzj_shop_set_payee(c->u->x, D.v.shop.id, type, c->a, c->b, BZJ_DATE_NONE,
				    NULL, &changed, e);
	if (!rc)
		snprintf(c->ok, sizeof c->ok, "%s",
			 changed ? _("Payee account recorded")
				 : _("That is already the payee account: nothing changed"));
	return rc;
}

static int do_payee(ui *u)
{
	simple_ctx c = {.u = u, .fn = payee_fn};
	static const char *types[2];
	types[0] = _("personal card");
	types[1] = _("corporate account");
	c.choice = D.v.shop.entity == BZJ_ENTITY_COMPANY ? 1 : 0;
	snprintf(c.a, sizeof c.a, "%s",
	         c.choice ? D.v.shop.entity_name : D.v.shop.operator_name);
	dlg_field fd[] = {
	    {.type = DF_CHOICE, .label = _("Type"), .choices = types, .nchoices = 2,
	     .choice = &c.choice},
	    {.type = DF_TEXT, .label = _("Account name"), .buf = c.a, .n = BZJ_NAME_MAX + 1},
	    {.type = DF_TEXT, .label = _("Account number"), .buf = c.b, .n = BZJ_ACCOUNT_MAX + 1},
	};
	char body[400];
	snprintf(body, sizeof body,
	         _("The account refunds of %s %s are paid to. A changed account waits 30 days "
	           "before a payout."),
	         D.v.shop.id, D.v.shop.name);
	return run_simple(u, &c, _("Payee"), body, fd, 3, _("Record"));
}

static int do_close(ui *u)
{
	char body[600], d[16];
	bzj_err e;
	snprintf(body, sizeof body,
	         _("Close %s %s on %s: this records the signed closure agreement and voids its "
	           "e-receipts. It cannot be undone."),
	         D.v.shop.id, D.v.shop.name, bzj_date_fmt(u->x->today, d, sizeof d));
	if (!dlg_confirm(u, _("Close shop"), body, false, _("Close")))
		return RD_ALL;
	if (bzj_shop_close(u->x, D.v.shop.id, u->x->today, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Shop %s closed"), D.v.shop.id);
	return ui_changed(u);
}

static int refund_submit_closure(ui *u)
{
	char body[600], m[40];
	bzj_err e;
	bzj_refund r;
	snprintf(body, sizeof body,
	         _("Submit the closure refund of %s %s: the whole available balance, %s, to "
	           "%s %s."),
	         D.v.shop.id, D.v.shop.name, wdg_money(D.v.dep.pos.available_fen, m, sizeof m),
	         ui_payee_type(D.v.payee.type), D.v.payee.account);
	if (!dlg_confirm(u, _("Closure refund"), body, false, _("Submit")))
		return RD_ALL;
	bzj_refund_in in = {.shop_id = D.v.shop.id, .kind = BZJ_REFUND_CLOSURE};
	if (bzj_refund_submit(u->x, &in, &r, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Refund %lld submitted"), (long long)r.id);
	return ui_changed(u);
}

typedef struct refund_ctx {
	ui *u;
	char amount[32];
	int64_t id;
} refund_ctx;

static int refund_submit_cb(void *ctx, int button, dlg_form *f)
{
	refund_ctx *c = ctx;
	bzj_err e;
	bzj_refund r;
	int64_t fen;
	(void)button;
	bzj_err_clear(&e);
	if (!bzj_money_parse(c->amount, _("amount"), &fen, &e)) {
		bzj_refund_in in = {
		    .shop_id = D.v.shop.id, .kind = BZJ_REFUND_PARTIAL, .amount_fen = fen};
		if (!bzj_refund_submit(c->u->x, &in, &r, &e)) {
			c->id = r.id;
			return 0;
		}
	}
	snprintf(f->msg, sizeof f->msg, "%s", e.msg);
	f->msg_style = ST_ERR;
	return 1;
}

static int refund_submit(ui *u)
{
	if (D.v.shop.status == BZJ_SHOP_CLOSED)
		return refund_submit_closure(u);
	refund_ctx c;
	char body[600], m[40];
	memset(&c, 0, sizeof c);
	c.u = u;
	bzj_money_plain(D.v.dep.pos.refundable_fen, c.amount, sizeof c.amount);
	snprintf(body, sizeof body,
	         _("Partial refund of %s %s while it trades. Refundable now: %s. It is paid on "
	           "business day 1 to 3 after today."),
	         D.v.shop.id, D.v.shop.name, wdg_money(D.v.dep.pos.refundable_fen, m, sizeof m));
	dlg_field fd[] = {{.type = DF_TEXT,
	                   .label = _("Amount"),
	                   .buf = c.amount,
	                   .n = sizeof c.amount,
	                   .note = _("yuan")}};
	dlg_form f = {.title = _("Partial refund"),
	              .body = body,
	              .f = fd,
	              .nf = 1,
	              .buttons = {_("Submit"), _("Cancel")},
	              .nbuttons = 2,
	              .cancel = 1,
	              .submit = refund_submit_cb,
	              .ctx = &c};
	if (dlg_run(u, &f) != 0)
		return RD_ALL;
	ui_msg(u, ST_OK, _("Refund %lld submitted"), (long long)c.id);
	return ui_changed(u);
}

static int receipt_request(ui *u)
{
	char id[32] = "", body[300];
	bzj_err e;
	bzj_receipt r;
	/* Suggest the newest top-up old enough for a receipt. */
	for (int i = 0; i < D.nledger; i++) {
		if (D.ledger[i].kind == BZJ_LK_TOPUP && D.ledger[i].date + 7 <= u->x->today) {
			snprintf(id, sizeof id, "%lld", (long long)D.ledger[i].id);
			break;
		}
	}
	snprintf(body, sizeof body, "%s",
	         _("An e-receipt is titled to the certified entity and can be requested from 7 "
	           "days after the top-up. The ledger lists top-ups with their #number."));
	if (!dlg_input(u, _("E-receipt"), body, _("Top-up #"), _("Request"), id, sizeof id, true))
		return RD_ALL;
	char *end;
	long long tid = strtoll(id[0] == '#' ? id + 1 : id, &end, 10);
	if (*end || tid <= 0) {
		bzj_fail(&e, BZJ_EINPUT, "input.topup", _("top-up: '%s' is not a number"), id);
		return ui_refused(u, &e);
	}
	if (bzj_receipt_request(u->x, D.v.shop.id, tid, &r, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Receipt %lld issued to %s"), (long long)r.id, r.title);
	return ui_changed(u);
}

static int detail_act(ui *u, int a)
{
	switch (a) {
	case ACT_SHOP_VIOLATIONS:
		return ui_open_violations(u, D.v.shop.id);
	case ACT_VIOLATION_ADD:
		return ui_violation_add(u, D.ok ? D.v.shop.id : NULL);
	case ACT_TOPUP:
		return do_topup(u);
	case ACT_FEE:
		return do_fee(u);
	case ACT_CATEGORY_ADD:
		return do_category(u, false);
	case ACT_CATEGORY_REMOVE:
		return do_category(u, true);
	case ACT_PAYEE:
		return do_payee(u);
	case ACT_SHOP_CLOSE:
		return do_close(u);
	case ACT_REFUND_SUBMIT:
		return refund_submit(u);
	case ACT_RECEIPT:
		return receipt_request(u);
	default:
		return detail_scroll(u, a);
	}
}

static bool detail_has_sel(ui *u)
{
	(void)u;
	return D.ok;
}

static const char *detail_sel_shop(ui *u)
{
	(void)u;
	return D.ok ? D.v.shop.id : NULL;
}

const panel_ops panel_detail = {
    .title = N_("Detail"),
    .bit = PB_DETAIL,
    .load = detail_load,
    .draw = detail_draw,
    .act = detail_act,
    .has_sel = detail_has_sel,
    .sel_shop = detail_sel_shop,
};
