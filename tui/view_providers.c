/* view_providers.c - panel 5, the service providers (服务商, issue 14), in
 * three screens of one panel:
 *  - the list (the shared listview, keyset pages on the provider id):
 *    search as you type, kind/status/shortfall filters, and each
 *    provider's progress in the current renewal assessment drawn as two
 *    bars (orders against the threshold, deposit against what it must
 *    hold);
 *  - one provider: its deposit position, payee, dates, complaints, bound
 *    shops and ledger; top-up, fee, complaint add/uphold/dismiss, bind a
 *    shop, end a binding, payee, exit and the exit refund, each after a
 *    confirmation (core's dry run first: a refusal shows before it);
 *  - the assessments: one at a time with every provider's progress, the
 *    preview of closing, and (supervisors) the close itself.
 * Every figure is core's; refusals show core's message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/assess.h"
#include "bzj/date.h"
#include "bzj/i18n.h"
#include "bzj/money.h"
#include "bzj/provider.h"
#include "chart.h"
#include "dialog.h"
#include "listview.h"
#include "ui.h"
#include "widget.h"

enum { SCR_LIST, SCR_DETAIL, SCR_ASSESS };

#define BAR_W 4
#define MAX_ASSESS 64
#define MAX_SUB 200

/* One line of the detail screen: text, style, and the complaint it shows
 * (index into P.c, or -1). */
typedef struct dline {
	char t[400];
	int style;
	int complaint;
	bool rule;
} dline;

static struct prov {
	int screen;
	/* list */
	listview v;
	bzj_provider_query q;
	int64_t total;
	lv_search search;
	struct cols {
		int id, name, kind, status, req, bal, shops, compl, bar;
	} c;
	/* the assessment whose progress the list draws (open, latest) */
	bzj_assessment cur;
	bool have_cur, lazy;
	bzj_assess_row *prog;
	size_t nprog, capprog;
	/* detail */
	char pid[BZJ_ID_MAX + 1];
	bzj_provider_view pv;
	bzj_binding b[MAX_SUB];
	int nb;
	bzj_complaint cp[MAX_SUB];
	int nc;
	bzj_provider_entry le[MAX_SUB];
	int nle;
	dline *lines;
	int nlines;
	ui_list dl;
	char derr[600];
	/* assessments */
	bzj_assessment as[MAX_ASSESS];
	int nas, ai;
	bzj_assess_row *arows;
	size_t narows, caparows;
	ui_list al;
	bool previewed; /* arows hold a preview's outcomes */
	char aerr[600];
} P;

/* ---- names ------------------------------------------------------------- */

static const char *kind_name(int k)
{
	return k == BZJ_PK_AGENCY ? C_("provider", "agency")
	       : k == BZJ_PK_BELT ? C_("provider", "industry belt")
	                          : "?";
}

static const char *kind_short(int k)
{
	return k == BZJ_PK_AGENCY ? C_("provider kind, short", "agency")
	       : k == BZJ_PK_BELT ? C_("provider kind, short", "belt")
	                          : "?";
}

static const char *status_name(int s)
{
	switch (s) {
	case BZJ_PST_PROBATION:
		return C_("provider", "probation");
	case BZJ_PST_CERTIFIED:
		return C_("provider", "certified");
	case BZJ_PST_REVOKED:
		return C_("provider", "revoked");
	case BZJ_PST_ORDINARY:
		return C_("provider", "ordinary");
	case BZJ_PST_EXITED:
		return C_("provider", "exited");
	default:
		return "?";
	}
}

static const char *cstatus_name(int s)
{
	switch (s) {
	case BZJ_CS_OPEN:
		return C_("complaint", "open");
	case BZJ_CS_PENDING:
		return C_("complaint", "second approval");
	case BZJ_CS_UPHELD:
		return C_("complaint", "upheld");
	case BZJ_CS_DISMISSED:
		return C_("complaint", "dismissed");
	default:
		return "?";
	}
}

static const char *outcome_name(int o)
{
	return o == BZJ_AO_KEEP     ? C_("assessment", "keep")
	       : o == BZJ_AO_REVOKE ? C_("assessment", "revoke")
	                            : C_("assessment", "pending");
}

/* ---- the assessment progress the list draws ----------------------------- */

static int keep_prog(void *ctx, const bzj_assess_row *r)
{
	(void)ctx;
	if (P.nprog == P.capprog) {
		size_t cap = P.capprog ? P.capprog * 2 : 64;
		bzj_assess_row *v = realloc(P.prog, cap * sizeof *v);
		if (!v)
			return 1;
		P.prog = v;
		P.capprog = cap;
	}
	P.prog[P.nprog++] = *r;
	return 0;
}

/* The open assessment with the latest period (else the latest one).  A
 * closed one's recorded results are read at once (no sums); an open one's
 * progress is read a screenful at a time as rows come into view
 * (progress_of) and kept until the next load, so the first screen never
 * sums every provider's orders (a million shops have ten thousand
 * providers). */
static void load_progress(ui *u)
{
	bzj_assessment a[1];
	int n = 0;
	bzj_err e;
	P.nprog = 0;
	P.have_cur = P.lazy = false;
	if (bzj_assess_list(u->x, a, 1, &n, &e) || n == 0)
		return;
	P.cur = a[0];
	P.have_cur = true;
	if (a[0].closed_on == BZJ_DATE_NONE)
		P.lazy = true;
	else if (bzj_assess_show(u->x, a[0].name, &P.cur, keep_prog, NULL, &e))
		P.have_cur = false;
}

/* Whether the open assessment assesses this provider (assess.c's rule). */
static bool assessed(const bzj_provider_view *v)
{
	return v->p.kind == BZJ_PK_BELT && v->p.status == BZJ_PST_CERTIFIED &&
	       v->p.certified_on != BZJ_DATE_NONE && v->p.certified_on <= P.cur.cutoff;
}

static const bzj_assess_row *find_prog(const char *id)
{
	if (!P.lazy) {
		size_t lo = 0, hi = P.nprog;
		while (lo < hi) {
			size_t m = (lo + hi) / 2;
			int c = strcmp(P.prog[m].id, id);
			if (!c)
				return &P.prog[m];
			if (c < 0)
				lo = m + 1;
			else
				hi = m;
		}
		return NULL;
	}
	/* newest first: the rows on screen were read last */
	for (size_t i = P.nprog; i-- > 0;)
		if (!strcmp(P.prog[i].id, id))
			return &P.prog[i];
	return NULL;
}

/* An open assessment: the progress of these rows' assessed providers not
 * read yet, in one statement (two running-sum lookups per binding, core's
 * bzj_assess_progress), kept until the next load. */
static void page_progress(ui *u, const bzj_provider_view *rows, int n)
{
	if (!P.have_cur || !P.lazy || n <= 0)
		return;
	const char **ids = malloc((size_t)n * sizeof *ids);
	int k = 0;
	for (int i = 0; ids && i < n; i++)
		if (assessed(&rows[i]) && !find_prog(rows[i].p.id))
			ids[k++] = rows[i].p.id;
	bzj_err e;
	if (k)
		bzj_assess_progress(u->x, &P.cur, ids, k, keep_prog, NULL, &e);
	free(ids);
}

/* Rows are drawn top down: the first one on screen whose progress is not
 * read yet reads it for itself and the rest of the screen at once, so a
 * PgDn costs one statement over at most a screenful of providers (their
 * bindings' lookups), never the whole fetched page or the order table. */
static const bzj_assess_row *progress_of(ui *u, const bzj_provider_view *v)
{
	if (P.lazy && !assessed(v))
		return NULL;
	const bzj_assess_row *r = find_prog(v->p.id);
	if (r || !P.lazy || !P.have_cur)
		return r;
	const bzj_provider_view *base = P.v.l.n > 0 ? lv_row(&P.v, 0) : NULL;
	int i = base ? (int)(v - base) : -1, n = P.v.l.h > 0 ? P.v.l.h : 1;
	if (i < 0 || i >= P.v.l.n)
		n = 1;
	else if (i + n > P.v.l.n)
		n = P.v.l.n - i;
	page_progress(u, v, n);
	return find_prog(v->p.id);
}

/* ---- the list ------------------------------------------------------------ */

typedef struct fetch_ctx {
	bzj_provider_view *out;
	int max, n;
} fetch_ctx;

static int take_row(void *ctx, const bzj_provider_view *v)
{
	fetch_ctx *f = ctx;
	f->out[f->n++] = *v;
	return f->n >= f->max;
}

static int prov_fetch(ui *u, const void *after, bool backward, void *out, int max, int *n,
		      bzj_err *e)
{
	(void)backward; /* an append list, forward from the last row */
	bzj_provider_query q = P.q;
	q.search = P.search.term[0] ? P.search.term : NULL;
	q.after = after ? ((const bzj_provider_view *)after)->p.id : NULL;
	q.limit = max;
	fetch_ctx f = {out, max, 0};
	int64_t total = 0;
	int rc = bzj_provider_list(u->x, &q, take_row, &f, &total, e);
	*n = f.n;
	if (!rc && !after)
		P.total = total;
	return rc;
}

static int prov_count(ui *u, const void *pos_of, int64_t *total, int64_t *pos, bzj_err *e)
{
	(void)u, (void)pos_of, (void)e;
	*total = P.total;
	if (pos)
		*pos = 0;
	return BZJ_OK;
}

static bool same_provider(const void *a, const void *b)
{
	return !strcmp(((const bzj_provider_view *)a)->p.id, ((const bzj_provider_view *)b)->p.id);
}

static int money_w(int64_t fen, int w)
{
	char m[40];
	int k = wdg_width(wdg_money(fen, m, sizeof m));
	return k > w ? k : w;
}

static int max_w(int w, const char *s)
{
	int k = wdg_width(s);
	return k > w ? k : w;
}

static void layout_cols(ui *u, const listview *lv)
{
	struct cols *c = &P.c;
	c->id = max_w(6, _("ID"));
	c->kind = max_w(max_w(wdg_width(kind_short(BZJ_PK_AGENCY)), kind_short(BZJ_PK_BELT)),
			_("Kind"));
	c->status = wdg_width(_("Status"));
	for (int s = BZJ_PST_PROBATION; s <= BZJ_PST_EXITED; s++)
		c->status = max_w(c->status, status_name(s));
	c->req = wdg_width(_("Required"));
	c->bal = wdg_width(_("Balance"));
	for (int i = lv->l.top; i < lv->l.n && i < lv->l.top + lv->l.h; i++) {
		const bzj_provider_view *r = lv_row(lv, i);
		c->id = max_w(c->id, r->p.id);
		c->req = money_w(r->required_fen, c->req);
		c->bal = money_w(r->p.balance_fen, c->bal);
	}
	c->shops = max_w(4, _("Shops"));
	c->compl = max_w(3, _("Cmpl"));
	c->bar = max_w(BAR_W * 2 + 1, _("Progress"));
	/* id name kind status req bal ! shops compl bar; on a narrow
	 * terminal the kind, then the shops, then the complaints give way
	 * before the name gets under 6 columns. */
	int *drop[] = {&c->kind, &c->shops, &c->compl};
	for (size_t i = 0;; i++) {
		c->name = u->cols - (1 + c->id + 1 + 1 + (c->kind ? c->kind + 1 : 0) + c->status +
		                     1 + c->req + 1 + c->bal + 1 + 1 + 1 +
		                     (c->shops ? c->shops + 1 : 0) + (c->compl ? c->compl + 1 : 0) +
		                     c->bar + 1);
		if (c->name >= 6 || i == sizeof drop / sizeof drop[0])
			break;
		*drop[i] = 0;
	}
	if (c->name < 6)
		c->name = 6;
}

static void draw_header(ui *u, WINDOW *w, int y)
{
	const struct cols *c = &P.c;
	int x = 1;
	ui_style(w, u, ST_HEADER);
	mvwhline(w, y, 0, ' ', u->cols);
	x += wdg_put(w, y, x, _("ID"), c->id, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Name"), c->name, WDG_LEFT) + 1;
	if (c->kind)
		x += wdg_put(w, y, x, _("Kind"), c->kind, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Status"), c->status, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, _("Required"), c->req, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, _("Balance"), c->bal, WDG_RIGHT) + 1;
	x += 2;
	if (c->shops)
		x += wdg_put(w, y, x, _("Shops"), c->shops, WDG_RIGHT) + 1;
	/* TRANSLATORS: column of open complaints, short. */
	if (c->compl)
		x += wdg_put(w, y, x, _("Cmpl"), c->compl, WDG_RIGHT) + 1;
	wdg_put(w, y, x, _("Progress"), c->bar, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
}

/* Two bars, orders/threshold and deposit/required, coloured by whether
 * each is met; "-" for a provider the assessment does not assess. */
static int draw_progress(ui *u, WINDOW *w, int y, int x, const bzj_assess_row *r,
			 int64_t threshold, int64_t deposit, bool sel)
{
	wchar_t b[BAR_W + 1];
	bool ascii = chart_ascii();
	if (!r) {
		wdg_put(w, y, x, "-", 1, WDG_LEFT);
		return x + 1;
	}
	chart_hbar(b, r->orders, threshold, BAR_W, ascii);
	if (!sel)
		ui_style(w, u, r->meets_orders ? ST_OK : ST_WARN);
	mvwaddnwstr(w, y, x, b, BAR_W);
	chart_hbar(b, r->deposit_fen, deposit, BAR_W, ascii);
	if (!sel)
		ui_style(w, u, r->meets_deposit ? ST_OK : ST_WARN);
	mvwaddnwstr(w, y, x + BAR_W + 1, b, BAR_W);
	return x + 2 * BAR_W + 1;
}

static void draw_row(ui *u, WINDOW *w, int y, const void *row, bool sel)
{
	const struct cols *c = &P.c;
	const bzj_provider_view *v = row;
	char t[64], m[40];
	int x = 1;
	int base = sel ? ST_SEL : v->p.status == BZJ_PST_EXITED ? ST_DIM : ST_NORMAL;
	ui_style(w, u, base);
	mvwhline(w, y, 0, ' ', u->cols);
	x += wdg_put(w, y, x, v->p.id, c->id, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, v->p.name, c->name, WDG_LEFT) + 1;
	if (c->kind)
		x += wdg_put(w, y, x, kind_short(v->p.kind), c->kind, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, status_name(v->p.status), c->status, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, wdg_money(v->required_fen, m, sizeof m), c->req, WDG_RIGHT) + 1;
	x += wdg_put(w, y, x, wdg_money(v->p.balance_fen, m, sizeof m), c->bal, WDG_RIGHT) + 1;
	if (v->shortfall_fen > 0) {
		if (!sel)
			ui_style(w, u, ST_WARN);
		wdg_put(w, y, x, "!", 1, WDG_LEFT);
		ui_style(w, u, base);
	}
	x += 2;
	snprintf(t, sizeof t, "%lld", (long long)v->bound_shops);
	if (c->shops)
		x += wdg_put(w, y, x, t, c->shops, WDG_RIGHT) + 1;
	snprintf(t, sizeof t, "%lld", (long long)v->open_complaints);
	if (v->open_complaints && !sel)
		ui_style(w, u, ST_WARN);
	if (c->compl)
		x += wdg_put(w, y, x, v->open_complaints ? t : "-", c->compl, WDG_RIGHT) + 1;
	ui_style(w, u, base);
	if (P.have_cur)
		draw_progress(u, w, y, x, progress_of(u, v), P.cur.threshold,
			      P.cur.deposit_fen, sel);
	ui_style(w, u, ST_NORMAL);
}

static const lv_ops prov_list = {
    .row_size = sizeof(bzj_provider_view),
    .fetch = prov_fetch,
    .count = prov_count,
    .same = same_provider,
    .layout = layout_cols,
    .header = draw_header,
    .row = draw_row,
};

static int load_first(ui *u)
{
	P.v.ops = &prov_list;
	return lv_reset(&P.v, u);
}

/* ---- search ------------------------------------------------------------ */

static int search_key(ui *u, int key) { return lv_search_key(u, &P.search, key, load_first); }

static int search_start(ui *u)
{
	return lv_search_start(u, &P.search,
			       _("Type to search by provider id or name · Enter done · Esc undo"));
}

static void draw_list(ui *u, WINDOW *w)
{
	char left[400], right[600];
	int info = u->lines >= 20 && P.have_cur ? 1 : 0;
	lv_draw(&P.v, u, w, 1, u->lines - 1 - info,
		P.search.term[0] ? _("No provider matches the search and filters.")
			    : _("No providers match the filters."));
	snprintf(left, sizeof left, _("Providers %lld/%lld"), (long long)lv_pos(&P.v),
	         (long long)P.total);
	right[0] = 0;
	const char *f[4];
	int nf = 0;
	if (P.q.kind)
		f[nf++] = kind_name(P.q.kind);
	if (P.q.status)
		f[nf++] = status_name(P.q.status);
	if (P.q.shortfall)
		f[nf++] = _("shortfall");
	for (int i = 0; i < nf; i++) {
		size_t l = strlen(right);
		snprintf(right + l, sizeof right - l, "%s%s", l ? " · " : _("filter: "), f[i]);
	}
	if (P.search.term[0] && !P.search.on) {
		size_t l = strlen(right);
		char q[300];
		snprintf(q, sizeof q, _("search: %s"), P.search.term);
		snprintf(right + l, sizeof right - l, "%s%s", l ? "  " : "", q);
	}
	ui_panel_bar(u, w, left, right);
	if (info) {
		char t[400], m[40], d[16];
		snprintf(t, sizeof t, _("Bars: orders/%lld, deposit/%s in %s (to %s)"),
		         (long long)P.cur.threshold, wdg_money(P.cur.deposit_fen, m, sizeof m),
		         P.cur.name, ui_date(P.cur.to, d, sizeof d));
		ui_style(w, u, ST_DIM);
		wdg_put(w, u->lines - 1, 1, t, u->cols - 1, WDG_LEFT);
		ui_style(w, u, ST_NORMAL);
	}
	if (P.search.on)
		lv_search_draw(u, w, &P.search, P.total);
}

/* ---- one provider ---------------------------------------------------------- */

static dline *add_line(int style, int complaint, bool rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int cap_lines;

static dline *add_line(int style, int complaint, bool rule, const char *fmt, ...)
{
	if (P.nlines == cap_lines) {
		int cap = cap_lines ? cap_lines * 2 : 128;
		dline *v = realloc(P.lines, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		P.lines = v;
		cap_lines = cap;
	}
	dline *l = &P.lines[P.nlines++];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->t, sizeof l->t, fmt, ap);
	va_end(ap);
	l->style = style;
	l->complaint = complaint;
	l->rule = rule;
	return l;
}

static void build_detail(ui *u)
{
	char a[40], b[40], c[40], d[40], s[40], d1[16], d2[16];
	const bzj_provider_view *v = &P.pv;
	P.nlines = 0;
	add_line(ST_NORMAL, -1, false, _("Required %s · balance %s"),
	         wdg_money(v->required_fen, a, sizeof a), wdg_money(v->p.balance_fen, b, sizeof b));
	if (v->shortfall_fen > 0)
		add_line(ST_WARN, -1, false, _("Frozen %s · available %s · shortfall %s"),
		         wdg_money(v->p.frozen_fen, c, sizeof c),
		         wdg_money(v->available_fen, d, sizeof d),
		         wdg_money(v->shortfall_fen, s, sizeof s));
	else
		add_line(ST_NORMAL, -1, false, _("Frozen %s · available %s · no shortfall"),
		         wdg_money(v->p.frozen_fen, c, sizeof c),
		         wdg_money(v->available_fen, d, sizeof d));
	if (v->payee.present)
		add_line(v->payee.valid ? ST_NORMAL : ST_WARN, -1, false, _("Payee: %s %s%s%s"),
		         v->payee.name, v->payee.account, v->payee.valid ? "" : " · ",
		         v->payee.valid ? "" : ui_code_text(v->payee.problem));
	else
		add_line(ST_DIM, -1, false, "%s", _("Payee: none recorded"));
	char dates[400];
	snprintf(dates, sizeof dates, _("Added %s"), ui_date(v->p.added, d1, sizeof d1));
	struct {
		bzj_date d;
		const char *fmt;
	} ds[] = {
	    {v->p.certified_on, _(" · certified %s")},
	    {v->p.delisted_on, _(" · delisted %s")},
	    {v->p.exited_on, _(" · exited %s")},
	    {v->cooldown_until, _(" · cooldown until %s")},
	    {v->may_apply_from, _(" · may apply from %s")},
	};
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		if (ds[i].d == BZJ_DATE_NONE)
			continue;
		size_t l = strlen(dates);
		snprintf(dates + l, sizeof dates - l, ds[i].fmt, ui_date(ds[i].d, d2, sizeof d2));
	}
	add_line(ST_NORMAL, -1, false, "%s", dates);

	add_line(ST_SECTION, -1, true, _("Complaints (%d, %lld open)"), P.nc,
	         (long long)v->open_complaints);
	if (!P.nc)
		add_line(ST_DIM, -1, false, "  %s", _("none"));
	for (int i = 0; i < P.nc; i++) {
		const bzj_complaint *k = &P.cp[i];
		bool open = k->status == BZJ_CS_OPEN || k->status == BZJ_CS_PENDING;
		char amt[80] = "";
		if (k->amount_fen)
			snprintf(amt, sizeof amt, _(" · upheld %s"), wdg_money(k->amount_fen, c, sizeof c));
		add_line(open ? ST_NORMAL : ST_DIM, i, false,
		         _("#%lld %s shop %s · %s · freeze %s%s · %s"), (long long)k->id,
		         ui_date(k->date, d1, sizeof d1), k->shop_id, cstatus_name(k->status),
		         wdg_money(k->frozen_fen, a, sizeof a), amt, k->note);
	}
	add_line(ST_SECTION, -1, true, _("Ledger (%d entries, newest first)"), P.nle);
	if (!P.nle)
		add_line(ST_DIM, -1, false, "  %s", _("none"));
	for (int i = 0; i < P.nle; i++) { /* core gives them newest first */
		const bzj_provider_entry *x = &P.le[i];
		char k[64], am[64], af[64];
		add_line(ST_NORMAL, -1, false, "%s %s %s → %s %s %s", ui_date(x->date, d1, sizeof d1),
		         wdg_field_mb(ui_ledger_kind(x->kind), 10, WDG_LEFT, k, sizeof k),
		         wdg_field_mb(wdg_money(x->amount_fen, a, sizeof a), 12, WDG_RIGHT, am,
		                      sizeof am),
		         wdg_field_mb(wdg_money(x->balance_after_fen, b, sizeof b), 12, WDG_RIGHT, af,
		                      sizeof af),
		         x->user, x->note);
	}
	add_line(ST_SECTION, -1, true, _("Bound shops (%lld today, %d bindings)"),
	         (long long)v->bound_shops, P.nb);
	if (!P.nb)
		add_line(ST_DIM, -1, false, "  %s", _("none"));
	/* As many bindings a line as fit: "S0000101 2026-06-22..", ended
	 * ones with their last day. */
	char row[400] = "";
	int inrow = 0, per = (u->cols - 1) / 33;
	if (per < 1)
		per = 1;
	for (int i = 0; i < P.nb; i++) {
		const bzj_binding *x = &P.b[i];
		char one[96];
		if (x->to == BZJ_DATE_NONE)
			snprintf(one, sizeof one, "%s %s..", x->shop_id, ui_date(x->from, d1, sizeof d1));
		else
			snprintf(one, sizeof one, "%s %s..%s", x->shop_id,
			         ui_date(x->from, d1, sizeof d1), ui_date(x->to, d2, sizeof d2));
		size_t l = strlen(row);
		snprintf(row + l, sizeof row - l, "%s%-32s", inrow ? " " : "", one);
		if (++inrow == per || i == P.nb - 1) {
			add_line(ST_NORMAL, -1, false, "%s", row);
			row[0] = 0;
			inrow = 0;
		}
	}
}

static int load_detail(ui *u)
{
	bzj_err e;
	P.derr[0] = 0;
	P.nb = P.nc = P.nle = 0;
	if (bzj_provider_get(u->x, P.pid, &P.pv, &e) ||
	    bzj_provider_bindings(u->x, P.pid, P.b, MAX_SUB, &P.nb, &e) ||
	    bzj_complaint_list(u->x, P.pid, P.cp, MAX_SUB, &P.nc, &e) ||
	    bzj_provider_ledger(u->x, P.pid, P.le, MAX_SUB, &P.nle, &e)) {
		snprintf(P.derr, sizeof P.derr, "%s", e.msg);
		P.nlines = 0;
		return RD_ALL;
	}
	int keep = P.dl.cur;
	build_detail(u);
	if (P.dl.h <= 0)
		P.dl.h = u->lines - 1;
	P.dl.n = P.nlines;
	P.dl.cur = keep;
	/* Start on the first open complaint, where the actions are. */
	if (keep == 0)
		for (int i = 0; i < P.nlines; i++)
			if (P.lines[i].complaint >= 0) {
				P.dl.cur = i;
				break;
			}
	ui_list_fix(&P.dl);
	return RD_ALL;
}

static const bzj_complaint *sel_complaint(void)
{
	if (P.screen != SCR_DETAIL || P.dl.cur < 0 || P.dl.cur >= P.nlines)
		return NULL;
	int i = P.lines[P.dl.cur].complaint;
	return i >= 0 ? &P.cp[i] : NULL;
}

static void draw_detail(ui *u, WINDOW *w)
{
	char left[400];
	const bzj_provider_view *v = &P.pv;
	snprintf(left, sizeof left, _("Provider %s %s [%s, %s]"), P.pid, v->p.name,
	         kind_name(v->p.kind), status_name(v->p.status));
	if (P.derr[0]) {
		ui_panel_bar(u, w, left, NULL);
		ui_style(w, u, ST_ERR);
		wdg_puts(w, 2, 1, P.derr, u->cols);
		ui_style(w, u, ST_NORMAL);
		return;
	}
	char right[64];
	snprintf(right, sizeof right, _("line %d/%d"), P.nlines ? P.dl.cur + 1 : 0, P.nlines);
	ui_panel_bar(u, w, left, right);
	P.dl.h = u->lines - 1;
	ui_list_fix(&P.dl);
	for (int i = 0; i < P.dl.h && P.dl.top + i < P.nlines; i++) {
		const dline *l = &P.lines[P.dl.top + i];
		int y = 1 + i;
		bool sel = P.dl.top + i == P.dl.cur;
		if (l->rule) {
			ui_rule(u, w, y, l->t);
			if (sel) {
				ui_style(w, u, ST_SEL);
				mvwaddstr(w, y, 0, ">");
				ui_style(w, u, ST_NORMAL);
			}
			continue;
		}
		ui_style(w, u, sel ? ST_SEL : l->style);
		mvwhline(w, y, 0, ' ', u->cols);
		wdg_put(w, y, 1, l->t, u->cols - 1, WDG_LEFT);
		ui_style(w, u, ST_NORMAL);
	}
}

static int open_provider(ui *u, const char *id)
{
	snprintf(P.pid, sizeof P.pid, "%s", id);
	P.screen = SCR_DETAIL;
	P.dl.cur = P.dl.top = 0;
	P.dl.h = u->lines - 1;
	int rd = load_detail(u);
	P.dl.top = 0;
	ui_list_fix(&P.dl);
	return rd;
}

/* ---- detail actions ----------------------------------------------------------- */

static int form_error(dlg_form *f, const bzj_err *e)
{
	snprintf(f->msg, sizeof f->msg, "%s", e->msg);
	f->msg_style = ST_ERR;
	return 1;
}

/* One line of the before/after table, padded by display width. */
static void effect_line(char *buf, size_t n, const char *label, const char *before,
			const char *after)
{
	char l[64], b[64], a[64];
	size_t k = strlen(buf);
	snprintf(buf + k, n - k, "%s%s %s %s", k ? "\n" : "", wdg_field_mb(label, 10, WDG_LEFT, l, sizeof l),
	         wdg_field_mb(before, 14, WDG_RIGHT, b, sizeof b),
	         wdg_field_mb(after, 14, WDG_RIGHT, a, sizeof a));
}

/* The deposit before and after a change, for the confirmation. */
static bool confirm_effect(ui *u, const char *title, const char *what, int64_t balance,
			   int64_t frozen, const char *yes)
{
	char body[1400], t[800] = "", x[40], y[40];
	const bzj_provider_view *v = &P.pv;
	int64_t avail = balance - frozen;
	int64_t sf = v->required_fen > avail ? v->required_fen - avail : 0;
	effect_line(t, sizeof t, "", _("before"), _("after"));
	effect_line(t, sizeof t, _("Balance"), wdg_money(v->p.balance_fen, x, sizeof x),
	            wdg_money(balance, y, sizeof y));
	effect_line(t, sizeof t, _("Frozen"), wdg_money(v->p.frozen_fen, x, sizeof x),
	            wdg_money(frozen, y, sizeof y));
	effect_line(t, sizeof t, _("Available"), wdg_money(v->available_fen, x, sizeof x),
	            wdg_money(avail, y, sizeof y));
	effect_line(t, sizeof t, _("Shortfall"), wdg_money(v->shortfall_fen, x, sizeof x),
	            wdg_money(sf, y, sizeof y));
	snprintf(body, sizeof body, "%s\n\n%s", what, t);
	return dlg_confirm(u, title, body, true, yes);
}

static int topup(ui *u)
{
	char amount[32] = "", what[400], m[40];
	bzj_err e;
	int64_t fen, entry, bal;
	bool replayed;
	if (!dlg_input(u, _("Top up"), _("Record a top-up of the provider's own deposit."),
	               _("Amount"), _("Preview"), amount, sizeof amount, true))
		return RD_ALL;
	if (bzj_money_parse(amount, _("amount"), &fen, &e))
		return ui_refused(u, &e);
	snprintf(what, sizeof what, _("Top up %s to provider %s."), wdg_money(fen, m, sizeof m),
	         P.pid);
	if (!confirm_effect(u, _("Confirm top-up"), what, P.pv.p.balance_fen + fen, P.pv.p.frozen_fen,
	                    _("Top up")))
		return RD_ALL;
	if (bzj_provider_topup(u->x, P.pid, fen, NULL, &entry, &bal, &replayed, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Top-up %s recorded for %s (entry %lld)"), m, P.pid, (long long)entry);
	return ui_changed(u);
}

static int fee(ui *u)
{
	char amount[32] = "", note[257] = "", what[600], m[40];
	bzj_err e;
	int64_t fen, entry;
	if (!dlg_input(u, _("Fee"), _("A fee taken from the provider's available balance."),
	               _("Amount"), _("Next"), amount, sizeof amount, true))
		return RD_ALL;
	if (bzj_money_parse(amount, _("amount"), &fen, &e))
		return ui_refused(u, &e);
	if (!dlg_input(u, _("Fee"), _("What the fee is for."), _("Note"), _("Preview"), note,
	               sizeof note, true))
		return RD_ALL;
	snprintf(what, sizeof what, _("Take a fee of %s from provider %s: %s"),
	         wdg_money(fen, m, sizeof m), P.pid, note);
	if (!confirm_effect(u, _("Confirm fee"), what, P.pv.p.balance_fen - fen, P.pv.p.frozen_fen,
	                    _("Take fee")))
		return RD_ALL;
	if (bzj_provider_fee(u->x, P.pid, fen, note, &entry, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Fee %s taken from %s"), m, P.pid);
	return ui_changed(u);
}

typedef struct cadd {
	char shop[BZJ_ID_MAX + 1], freeze[32], note[257];
	int64_t freeze_fen;
} cadd;

static int cadd_submit(void *ctx, int button, dlg_form *f)
{
	cadd *c = ctx;
	bzj_err e;
	(void)button;
	c->freeze_fen = 0;
	if (!c->shop[0]) {
		bzj_fail(&e, BZJ_EINPUT, "input.shop", "%s", _("shop: the merchant who complains"));
		return form_error(f, &e);
	}
	if (!c->note[0]) {
		bzj_fail(&e, BZJ_EINPUT, "input.note", "%s", _("note: what the complaint is about"));
		return form_error(f, &e);
	}
	if (c->freeze[0] && bzj_money_parse(c->freeze, _("freeze"), &c->freeze_fen, &e))
		return form_error(f, &e);
	return 0;
}

static int complaint_add(ui *u)
{
	cadd c;
	memset(&c, 0, sizeof c);
	if (P.nb)
		snprintf(c.shop, sizeof c.shop, "%s", P.b[0].shop_id);
	dlg_field fd[] = {
	    {.type = DF_TEXT, .label = _("Shop ID"), .buf = c.shop, .n = sizeof c.shop},
	    {.type = DF_TEXT, .label = _("Note"), .buf = c.note, .n = sizeof c.note},
	    {.type = DF_TEXT,
	     .label = _("Freeze"),
	     .buf = c.freeze,
	     .n = sizeof c.freeze,
	     .note = _("yuan, optional")},
	};
	char body[300], what[600], m[40];
	snprintf(body, sizeof body,
	         _("A merchant's complaint against provider %s. The freeze holds part of the "
	           "provider's deposit (never the shop's) until the complaint is decided."),
	         P.pid);
	for (;;) {
		dlg_form f = {.title = _("Add complaint"),
		              .body = body,
		              .f = fd,
		              .nf = 3,
		              .buttons = {_("Preview"), _("Cancel")},
		              .nbuttons = 2,
		              .cancel = 1,
		              .submit = cadd_submit,
		              .ctx = &c};
		if (dlg_run(u, &f) != 0)
			return RD_ALL;
		snprintf(what, sizeof what, _("Record the complaint of shop %s against %s, freezing %s."),
		         c.shop, P.pid, wdg_money(c.freeze_fen, m, sizeof m));
		if (confirm_effect(u, _("Confirm complaint"), what, P.pv.p.balance_fen,
		                   P.pv.p.frozen_fen + c.freeze_fen, _("Add")))
			break;
	}
	int64_t id;
	bzj_err e;
	if (bzj_complaint_add(u->x, P.pid, c.shop, c.note, c.freeze_fen, &id, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Complaint %lld recorded against %s"), (long long)id, P.pid);
	return ui_changed(u);
}

static int complaint_uphold(ui *u, const bzj_complaint *k)
{
	char amount[32] = "", body[600], what[800], m[40], f[40];
	bzj_err e;
	int64_t fen;
	if (k->status == BZJ_CS_PENDING)
		snprintf(amount, sizeof amount, "%s", bzj_money_fmt(k->amount_fen, m, sizeof m));
	else if (k->frozen_fen)
		snprintf(amount, sizeof amount, "%s", bzj_money_fmt(k->frozen_fen, m, sizeof m));
	snprintf(body, sizeof body,
	         _("Uphold complaint #%lld of shop %s (%s): the compensation is deducted from the "
	           "deposit of %s, this complaint's freeze first."),
	         (long long)k->id, k->shop_id, k->note, P.pid);
	if (!dlg_input(u, _("Uphold complaint"), body, _("Amount"), _("Preview"), amount,
	               sizeof amount, true))
		return RD_ALL;
	if (bzj_money_parse(amount, _("amount"), &fen, &e))
		return ui_refused(u, &e);
	bool waits = k->status == BZJ_CS_OPEN && u->x->cfg && fen > u->x->cfg->second_approval_fen;
	if (waits)
		snprintf(what, sizeof what,
		         _("Uphold complaint #%lld for %s. It is above the second-approval "
		           "threshold: nothing moves until a supervisor approves it a second time."),
		         (long long)k->id, wdg_money(fen, m, sizeof m));
	else
		snprintf(what, sizeof what,
		         _("Uphold complaint #%lld: deduct %s from %s as compensation to shop %s "
		           "(its freeze of %s is released into it)."),
		         (long long)k->id, wdg_money(fen, m, sizeof m), P.pid, k->shop_id,
		         wdg_money(k->frozen_fen, f, sizeof f));
	if (!confirm_effect(u, _("Confirm uphold"), what,
	                    waits ? P.pv.p.balance_fen : P.pv.p.balance_fen - fen,
	                    waits ? P.pv.p.frozen_fen : P.pv.p.frozen_fen - k->frozen_fen,
	                    _("Uphold")))
		return RD_ALL;
	bzj_complaint out;
	if (bzj_complaint_uphold(u->x, k->id, fen, &out, &e))
		return ui_refused(u, &e);
	if (out.status == BZJ_CS_PENDING)
		ui_msg(u, ST_OK, _("Complaint %lld waits for a supervisor's second approval"),
		       (long long)k->id);
	else
		ui_msg(u, ST_OK, _("Complaint %lld upheld: %s deducted from %s"), (long long)k->id, m,
		       P.pid);
	return ui_changed(u);
}

static int complaint_dismiss(ui *u, const bzj_complaint *k)
{
	char reason[257] = "", body[600], what[800], m[40];
	bzj_err e;
	snprintf(body, sizeof body, _("Dismiss complaint #%lld of shop %s (%s)."), (long long)k->id,
	         k->shop_id, k->note);
	if (!dlg_input(u, _("Dismiss complaint"), body, _("Reason"), _("Preview"), reason,
	               sizeof reason, true))
		return RD_ALL;
	snprintf(what, sizeof what, _("Dismiss complaint #%lld: its freeze of %s is released."),
	         (long long)k->id, wdg_money(k->frozen_fen, m, sizeof m));
	if (!confirm_effect(u, _("Confirm dismissal"), what, P.pv.p.balance_fen,
	                    P.pv.p.frozen_fen - k->frozen_fen, _("Dismiss")))
		return RD_ALL;
	bzj_complaint out;
	if (bzj_complaint_dismiss(u->x, k->id, reason, &out, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Complaint %lld dismissed"), (long long)k->id);
	return ui_changed(u);
}

/* ---- bindings, payee, exit and its refund ------------------------------------ */

/* One form for bind / end binding / exit / payee: its submit parses the
 * fields and asks core's dry run (bzj_provider_try: the very action,
 * rolled back), so a refusal stays in the form with core's message and
 * the confirmation after it is only shown for what would go through. */
typedef struct pform {
	ui *u;
	bzj_provider_act a;
	char shop[BZJ_ID_MAX + 1], from[16], to[16], name[BZJ_NAME_MAX + 1], account[48];
} pform;

static int parse_day(const char *s, const char *field, bool required, bzj_date *d, bzj_err *e)
{
	*d = BZJ_DATE_NONE;
	if (!s[0])
		return required ? bzj_fail(e, BZJ_EINPUT, "input.date", _("%s: a date is required"),
		                           field)
		                : BZJ_OK;
	return bzj_date_parse(s, field, d, e);
}

static int pform_submit(void *ctx, int button, dlg_form *f)
{
	pform *c = ctx;
	bzj_err e;
	(void)button;
	bzj_err_clear(&e);
	c->a.shop = c->shop;
	c->a.name = c->name;
	c->a.account = c->account;
	int rc = BZJ_OK;
	if (c->a.action == BZJ_PTRY_BIND) {
		rc = parse_day(c->from, _("from"), true, &c->a.from, &e);
		if (!rc)
			rc = parse_day(c->to, _("to"), false, &c->a.to, &e);
	} else if (c->a.action == BZJ_PTRY_UNBIND) {
		rc = parse_day(c->to, _("last day"), true, &c->a.to, &e);
	} else if (c->a.action == BZJ_PTRY_EXIT) {
		rc = parse_day(c->from, _("date"), true, &c->a.from, &e);
	}
	if (!rc)
		rc = bzj_provider_try(c->u->x, P.pid, &c->a, NULL, &e);
	return rc ? form_error(f, &e) : 0;
}

static bool pform_run(ui *u, pform *c, const char *title, const char *body, dlg_field *fd, int nf)
{
	dlg_form f = {.title = title,
	              .body = body,
	              .f = fd,
	              .nf = nf,
	              .buttons = {_("Preview"), _("Cancel")},
	              .nbuttons = 2,
	              .cancel = 1,
	              .submit = pform_submit,
	              .ctx = c};
	return dlg_run(u, &f) == 0;
}

static int bind_shop(ui *u)
{
	pform c;
	memset(&c, 0, sizeof c);
	c.u = u;
	c.a.action = BZJ_PTRY_BIND;
	ui_date(u->x->today, c.from, sizeof c.from);
	dlg_field fd[] = {
	    {.type = DF_TEXT, .label = _("Shop ID"), .buf = c.shop, .n = sizeof c.shop},
	    {.type = DF_TEXT,
	     .label = _("From"),
	     .buf = c.from,
	     .n = sizeof c.from,
	     .note = _("first bound day")},
	    {.type = DF_TEXT,
	     .label = _("To"),
	     .buf = c.to,
	     .n = sizeof c.to,
	     .note = _("last bound day, optional")},
	};
	char body[400], what[400], d1[16], d2[16];
	snprintf(body, sizeof body,
	         _("Bind a shop to provider %s: the shop's orders count for the provider on the "
	           "days it is bound, both ends included."),
	         P.pid);
	if (!pform_run(u, &c, _("Bind shop"), body, fd, 3))
		return RD_ALL;
	if (c.a.to == BZJ_DATE_NONE)
		snprintf(what, sizeof what, _("Bind shop %s to %s from %s, with no last day yet."),
		         c.shop, P.pid, ui_date(c.a.from, d1, sizeof d1));
	else
		snprintf(what, sizeof what, _("Bind shop %s to %s from %s through %s."), c.shop, P.pid,
		         ui_date(c.a.from, d1, sizeof d1), ui_date(c.a.to, d2, sizeof d2));
	if (!dlg_confirm(u, _("Confirm binding"), what, false, _("Bind")))
		return RD_ALL;
	int64_t id;
	bzj_err e;
	if (bzj_provider_bind(u->x, P.pid, c.shop, c.a.from, c.a.to, &id, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Shop %s bound to %s (binding %lld)"), c.shop, P.pid, (long long)id);
	return ui_changed(u);
}

static int unbind_shop(ui *u)
{
	pform c;
	memset(&c, 0, sizeof c);
	c.u = u;
	c.a.action = BZJ_PTRY_UNBIND;
	for (int i = 0; i < P.nb; i++)
		if (P.b[i].to == BZJ_DATE_NONE) {
			snprintf(c.shop, sizeof c.shop, "%s", P.b[i].shop_id);
			break;
		}
	ui_date(u->x->today, c.to, sizeof c.to);
	dlg_field fd[] = {
	    {.type = DF_TEXT, .label = _("Shop ID"), .buf = c.shop, .n = sizeof c.shop},
	    {.type = DF_TEXT,
	     .label = _("Last day"),
	     .buf = c.to,
	     .n = sizeof c.to,
	     .note = _("last bound day")},
	};
	char body[400], what[400], d1[16];
	snprintf(body, sizeof body,
	         _("End a shop's open binding to provider %s: its orders count up to and "
	           "including the last day."),
	         P.pid);
	if (!pform_run(u, &c, _("End binding"), body, fd, 2))
		return RD_ALL;
	snprintf(what, sizeof what, _("End the binding of shop %s to %s; its last bound day is %s."),
	         c.shop, P.pid, ui_date(c.a.to, d1, sizeof d1));
	if (!dlg_confirm(u, _("Confirm end of binding"), what, false, _("End binding")))
		return RD_ALL;
	bzj_err e;
	if (bzj_provider_unbind(u->x, P.pid, c.shop, c.a.to, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Binding of shop %s to %s ended on %s"), c.shop, P.pid, d1);
	return ui_changed(u);
}

static int provider_payee(ui *u)
{
	pform c;
	memset(&c, 0, sizeof c);
	c.u = u;
	c.a.action = BZJ_PTRY_PAYEE;
	snprintf(c.name, sizeof c.name, "%s", P.pv.p.entity_name);
	dlg_field fd[] = {
	    {.type = DF_TEXT,
	     .label = _("Account name"),
	     .buf = c.name,
	     .n = sizeof c.name,
	     .note = _("the certified name")},
	    {.type = DF_TEXT, .label = _("Account"), .buf = c.account, .n = sizeof c.account},
	};
	char body[400], what[400];
	snprintf(body, sizeof body,
	         _("The account the exit refund of %s is paid to: a corporate account in the "
	           "certified name %s. A changed account waits 30 days before a refund."),
	         P.pid, P.pv.p.entity_name);
	if (!pform_run(u, &c, _("Payee"), body, fd, 2))
		return RD_ALL;
	snprintf(what, sizeof what, _("Record the payee of %s: %s, account %s."), P.pid, c.name,
	         c.account);
	if (!dlg_confirm(u, _("Confirm payee"), what, false, _("Record")))
		return RD_ALL;
	bzj_err e;
	if (bzj_provider_payee(u->x, P.pid, c.name, c.account, BZJ_DATE_NONE, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Payee of %s recorded"), P.pid);
	return ui_changed(u);
}

static int provider_exit(ui *u)
{
	pform c;
	memset(&c, 0, sizeof c);
	c.u = u;
	c.a.action = BZJ_PTRY_EXIT;
	ui_date(u->x->today, c.from, sizeof c.from);
	/* Refused before the form when it cannot go through today (role,
	 * already exited). */
	bzj_err e;
	if (parse_day(c.from, _("date"), true, &c.a.from, &e) ||
	    bzj_provider_try(u->x, P.pid, &c.a, NULL, &e))
		return ui_refused(u, &e);
	dlg_field fd[] = {
	    {.type = DF_TEXT, .label = _("Exit date"), .buf = c.from, .n = sizeof c.from},
	};
	char body[400], what[500], d1[16];
	snprintf(body, sizeof body,
	         _("Provider %s leaves the service market. Its exit refund can be requested "
	           "after this, within 7 to 15 business days from the exit date."),
	         P.pid);
	if (!pform_run(u, &c, _("Provider exit"), body, fd, 1))
		return RD_ALL;
	snprintf(what, sizeof what, _("Record that provider %s %s left the service market on %s."),
	         P.pid, P.pv.p.name, ui_date(c.a.from, d1, sizeof d1));
	if (!dlg_confirm(u, _("Confirm exit"), what, false, _("Exit")))
		return RD_ALL;
	if (bzj_provider_exit(u->x, P.pid, c.a.from, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Provider %s exited on %s"), P.pid, d1);
	return ui_changed(u);
}

static int provider_refund(ui *u)
{
	bzj_provider_act a = {.action = BZJ_PTRY_REFUND};
	bzj_refund r;
	bzj_err e;
	/* Refused before the confirmation: not exited, a refund in progress,
	 * an open complaint, frozen money, nothing to refund, the payee. */
	if (bzj_provider_try(u->x, P.pid, &a, &r, &e))
		return ui_refused(u, &e);
	char what[600], m[40], d1[16], d2[16];
	snprintf(what, sizeof what,
	         _("Request the exit refund of provider %s: %s into the refund queue, to be paid "
	           "between %s and %s after the checklist, four-eyes approval and the payee "
	           "re-check."),
	         P.pid, wdg_money(r.amount_fen, m, sizeof m), ui_date(r.window_start, d1, sizeof d1),
	         ui_date(r.window_end, d2, sizeof d2));
	if (!dlg_confirm(u, _("Exit refund"), what, false, _("Submit")))
		return RD_ALL;
	if (bzj_provider_refund(u->x, P.pid, &r, &e))
		return ui_refused(u, &e);
	ui_msg(u, ST_OK, _("Exit refund %lld of %s submitted for %s"), (long long)r.id, m, P.pid);
	return ui_changed(u);
}

/* ---- assessments ---------------------------------------------------------------- */

static int keep_arow(void *ctx, const bzj_assess_row *r)
{
	(void)ctx;
	if (P.narows == P.caparows) {
		size_t cap = P.caparows ? P.caparows * 2 : 64;
		bzj_assess_row *v = realloc(P.arows, cap * sizeof *v);
		if (!v)
			return 1;
		P.arows = v;
		P.caparows = cap;
	}
	P.arows[P.narows++] = *r;
	return 0;
}

static int load_assess(ui *u)
{
	bzj_err e;
	char name[65] = "";
	bzj_assessment a;
	P.aerr[0] = 0;
	if (P.nas && P.ai < P.nas)
		snprintf(name, sizeof name, "%s", P.as[P.ai].name);
	if (bzj_assess_list(u->x, P.as, MAX_ASSESS, &P.nas, &e)) {
		snprintf(P.aerr, sizeof P.aerr, "%s", e.msg);
		P.nas = 0;
		return RD_ALL;
	}
	P.ai = 0;
	for (int i = 0; i < P.nas; i++)
		if (!strcmp(P.as[i].name, name))
			P.ai = i;
	P.narows = 0;
	P.previewed = false;
	if (P.nas && bzj_assess_show(u->x, P.as[P.ai].name, &a, keep_arow, NULL, &e))
		snprintf(P.aerr, sizeof P.aerr, "%s", e.msg);
	else if (P.nas)
		P.as[P.ai] = a;
	P.al.n = (int)P.narows;
	ui_list_fix(&P.al);
	return RD_ALL;
}

static void draw_assess(ui *u, WINDOW *w)
{
	char left[400], right[200], t[400], m[40], d1[16], d2[16], d3[16];
	if (!P.nas) {
		ui_panel_bar(u, w, _("Renewal assessments"), NULL);
		ui_style(w, u, P.aerr[0] ? ST_ERR : ST_DIM);
		wdg_puts(w, 2, 2, P.aerr[0] ? P.aerr : _("No assessments yet."), u->cols);
		ui_style(w, u, ST_NORMAL);
		return;
	}
	const bzj_assessment *a = &P.as[P.ai];
	snprintf(left, sizeof left, _("Assessment %s (%d of %d)"), a->name, P.ai + 1, P.nas);
	if (a->closed_on != BZJ_DATE_NONE)
		snprintf(right, sizeof right, _("closed %s"), ui_date(a->closed_on, d1, sizeof d1));
	else if (P.previewed)
		snprintf(right, sizeof right, "%s", _("preview: closing today"));
	else
		snprintf(right, sizeof right, "%s", _("open: progress so far"));
	ui_panel_bar(u, w, left, right);
	snprintf(t, sizeof t, _("Certified on or before %s · period %s to %s"),
	         ui_date(a->cutoff, d1, sizeof d1), ui_date(a->from, d2, sizeof d2),
	         ui_date(a->to, d3, sizeof d3));
	wdg_put(w, 1, 1, t, u->cols - 1, WDG_LEFT);
	snprintf(t, sizeof t, _("Threshold %lld orders · deposit %s · created by %s"),
	         (long long)a->threshold, wdg_money(a->deposit_fen, m, sizeof m), a->created_by);
	wdg_put(w, 2, 1, t, u->cols - 1, WDG_LEFT);
	if (P.aerr[0]) {
		ui_style(w, u, ST_ERR);
		wdg_puts(w, 3, 1, P.aerr, u->cols);
		ui_style(w, u, ST_NORMAL);
	}
	int y0 = 4;
	int ow = 10, dw = 14, bw = u->cols >= 80 ? 12 : 8;
	ui_style(w, u, ST_HEADER);
	mvwhline(w, y0, 0, ' ', u->cols);
	int x = 1;
	x += wdg_put(w, y0, x, _("Provider"), 10, WDG_LEFT) + 1;
	x += wdg_put(w, y0, x, _("Orders"), ow, WDG_RIGHT) + 1;
	x += wdg_put(w, y0, x, "", bw, WDG_LEFT) + 1;
	x += wdg_put(w, y0, x, _("Deposit"), dw, WDG_RIGHT) + 1;
	x += wdg_put(w, y0, x, "", bw, WDG_LEFT) + 1;
	wdg_put(w, y0, x, _("Outcome"), u->cols - x, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
	P.al.h = u->lines - y0 - 1;
	ui_list_fix(&P.al);
	if (!P.narows) {
		ui_style(w, u, ST_DIM);
		wdg_puts(w, y0 + 2, 2, _("No provider is assessed."), u->cols);
		ui_style(w, u, ST_NORMAL);
	}
	bool ascii = chart_ascii();
	for (int i = 0; i < P.al.h && P.al.top + i < (int)P.narows; i++) {
		const bzj_assess_row *r = &P.arows[P.al.top + i];
		bool sel = P.al.top + i == P.al.cur;
		int y = y0 + 1 + i, base = sel ? ST_SEL : ST_NORMAL;
		wchar_t b[16];
		char n[32];
		ui_style(w, u, base);
		mvwhline(w, y, 0, ' ', u->cols);
		x = 1;
		x += wdg_put(w, y, x, r->id, 10, WDG_LEFT) + 1;
		snprintf(n, sizeof n, "%lld", (long long)r->orders);
		x += wdg_put(w, y, x, n, ow, WDG_RIGHT) + 1;
		chart_hbar(b, r->orders, a->threshold, bw, ascii);
		if (!sel)
			ui_style(w, u, r->meets_orders ? ST_OK : ST_WARN);
		mvwaddnwstr(w, y, x, b, bw);
		ui_style(w, u, base);
		x += bw + 1;
		x += wdg_put(w, y, x, wdg_money(r->deposit_fen, m, sizeof m), dw, WDG_RIGHT) + 1;
		chart_hbar(b, r->deposit_fen, a->deposit_fen, bw, ascii);
		if (!sel)
			ui_style(w, u, r->meets_deposit ? ST_OK : ST_WARN);
		mvwaddnwstr(w, y, x, b, bw);
		ui_style(w, u, base);
		x += bw + 1;
		if (!sel && r->outcome == BZJ_AO_REVOKE)
			ui_style(w, u, ST_WARN);
		wdg_put(w, y, x, outcome_name(r->outcome), u->cols - x, WDG_LEFT);
		ui_style(w, u, ST_NORMAL);
	}
}

typedef struct tally {
	int keep, revoke;
} tally;

static int close_preview(ui *u, bool then_close)
{
	bzj_err e;
	bzj_assessment a;
	if (!P.nas)
		return RD_NONE;
	char name[65];
	snprintf(name, sizeof name, "%s", P.as[P.ai].name);
	P.narows = 0;
	if (bzj_assess_close(u->x, name, true, &a, keep_arow, NULL, &e)) {
		load_assess(u);
		return ui_refused(u, &e);
	}
	/* The outcomes are the ones closing today would record. */
	tally t = {0, 0};
	for (size_t i = 0; i < P.narows; i++) {
		P.arows[i].outcome = bzj_assess_outcome(P.arows[i].orders, a.threshold,
							P.arows[i].deposit_fen, a.deposit_fen);
		t.keep += P.arows[i].outcome == BZJ_AO_KEEP;
		t.revoke += P.arows[i].outcome == BZJ_AO_REVOKE;
	}
	P.previewed = true;
	P.al.n = (int)P.narows;
	ui_list_fix(&P.al);
	ui_repaint(u);
	char body[1200], rev[600] = "";
	for (size_t i = 0, k = 0; i < P.narows; i++) {
		if (P.arows[i].outcome != BZJ_AO_REVOKE)
			continue;
		size_t l = strlen(rev);
		if (k++ < 12)
			snprintf(rev + l, sizeof rev - l, "%s%s", l ? ", " : "", P.arows[i].id);
		else if (k == 13)
			snprintf(rev + l, sizeof rev - l, ", …");
	}
	snprintf(body, sizeof body,
	         _("Closing assessment %s today would keep %d providers and revoke %d (status "
	           "ordinary, with a public delisting notice dated today).\n\nRevoked: %s"),
	         name, t.keep, t.revoke, t.revoke ? rev : "-");
	if (!then_close) {
		dlg_message(u, _("Preview of closing"), body, ST_NORMAL);
		return RD_ALL;
	}
	size_t l = strlen(body);
	snprintf(body + l, sizeof body - l, "\n\n%s", _("Close it now? This cannot be undone."));
	if (!dlg_confirm(u, _("Close assessment"), body, false, _("Close")))
		return RD_ALL;
	P.narows = 0;
	if (bzj_assess_close(u->x, name, false, &a, keep_arow, NULL, &e)) {
		load_assess(u);
		return ui_refused(u, &e);
	}
	ui_msg(u, ST_OK, _("Assessment %s closed: %d kept, %d revoked"), name, t.keep, t.revoke);
	return ui_changed(u);
}

/* ---- the panel ------------------------------------------------------------------- */

static int prov_load(ui *u)
{
	switch (P.screen) {
	case SCR_DETAIL:
		return load_detail(u);
	case SCR_ASSESS:
		return load_assess(u);
	default:
		load_progress(u);
		P.v.ops = &prov_list;
		return lv_reload(&P.v, u);
	}
}

static void prov_draw(ui *u, WINDOW *w)
{
	switch (P.screen) {
	case SCR_DETAIL:
		draw_detail(u, w);
		break;
	case SCR_ASSESS:
		draw_assess(u, w);
		break;
	default:
		draw_list(u, w);
	}
}

static int to_list(ui *u)
{
	P.screen = SCR_LIST;
	return prov_load(u);
}

static int prov_key(ui *u, int key)
{
	if (P.screen == SCR_LIST && P.search.on)
		return search_key(u, key);
	/* q/Esc from a provider or the assessments go back within the panel. */
	if (P.screen != SCR_LIST && keymap_lookup(&u->km, PB_ALL, key) == ACT_BACK)
		return to_list(u);
	return -1;
}

static int prov_act(ui *u, int a)
{
	const bzj_provider_view *r = lv_sel(&P.v);
	switch (a) {
	case ACT_PROVIDER_OPEN:
		return r ? open_provider(u, r->p.id) : RD_NONE;
	case ACT_PROVIDER_SEARCH:
		return search_start(u);
	case ACT_FILTER_PKIND:
		P.q.kind = (P.q.kind + 1) % 3;
		return load_first(u);
	case ACT_FILTER_PSTATUS:
		P.q.status = (P.q.status + 1) % (BZJ_PST_EXITED + 1);
		return load_first(u);
	case ACT_FILTER_PSHORTFALL:
		P.q.shortfall = !P.q.shortfall;
		return load_first(u);
	case ACT_FILTER_PCLEAR:
		memset(&P.q, 0, sizeof P.q);
		P.search.term[0] = 0;
		return load_first(u);
	case ACT_PROVIDER_TOPUP:
		return topup(u);
	case ACT_PROVIDER_FEE:
		return fee(u);
	case ACT_COMPLAINT_ADD:
		return complaint_add(u);
	case ACT_PROVIDER_BIND:
		return bind_shop(u);
	case ACT_PROVIDER_UNBIND:
		return unbind_shop(u);
	case ACT_PROVIDER_PAYEE:
		return provider_payee(u);
	case ACT_PROVIDER_EXIT:
		return provider_exit(u);
	case ACT_PROVIDER_REFUND:
		return provider_refund(u);
	case ACT_COMPLAINT_UPHOLD:
	case ACT_COMPLAINT_DISMISS: {
		const bzj_complaint *k = sel_complaint();
		if (!k || (k->status != BZJ_CS_OPEN && k->status != BZJ_CS_PENDING)) {
			ui_msg(u, ST_DIM, "%s", _("Put the cursor on an open complaint first"));
			return RD_STATUS;
		}
		bzj_complaint copy = *k;
		return a == ACT_COMPLAINT_UPHOLD ? complaint_uphold(u, &copy)
		                                 : complaint_dismiss(u, &copy);
	}
	case ACT_ASSESSMENTS:
		P.screen = SCR_ASSESS;
		P.al.cur = P.al.top = 0;
		return load_assess(u);
	case ACT_ASSESS_NEXT:
		if (P.nas)
			P.ai = (P.ai + 1) % P.nas;
		P.al.cur = P.al.top = 0;
		return load_assess(u);
	case ACT_ASSESS_PREVIEW:
		return close_preview(u, false);
	case ACT_ASSESS_CLOSE:
		return close_preview(u, true);
	default:
		break;
	}
	if (P.screen == SCR_DETAIL) {
		ui_list_move(&P.dl, a);
		return RD_BODY | RD_STATUS;
	}
	if (P.screen == SCR_ASSESS) {
		ui_list_move(&P.al, a);
		return RD_BODY | RD_STATUS;
	}
	return lv_move(&P.v, u, a);
}

static bool prov_has_sel(ui *u)
{
	(void)u;
	if (P.screen == SCR_LIST)
		return P.v.l.n > 0;
	return P.screen == SCR_DETAIL ? !P.derr[0] : P.nas > 0;
}

static bool prov_offers(ui *u, int a)
{
	(void)u;
	if (a == ACT_COMPLAINT_UPHOLD || a == ACT_COMPLAINT_DISMISS) {
		const bzj_complaint *k = sel_complaint();
		return k && (k->status == BZJ_CS_OPEN || k->status == BZJ_CS_PENDING);
	}
	/* an exited provider's refund, an active one's exit */
	if (a == ACT_PROVIDER_REFUND)
		return P.screen == SCR_DETAIL && P.pv.p.status == BZJ_PST_EXITED;
	if (a == ACT_PROVIDER_EXIT)
		return P.screen == SCR_DETAIL && P.pv.p.status != BZJ_PST_EXITED;
	if (a == ACT_ASSESS_CLOSE || a == ACT_ASSESS_PREVIEW)
		return P.nas && P.as[P.ai].closed_on == BZJ_DATE_NONE;
	return true;
}

static int prov_bit(ui *u)
{
	(void)u;
	return P.screen == SCR_DETAIL ? PB_PDETAIL : P.screen == SCR_ASSESS ? PB_ASSESS : PB_PROV;
}

static const char *prov_title(ui *u)
{
	(void)u;
	return P.screen == SCR_DETAIL   ? _("Provider detail")
	       : P.screen == SCR_ASSESS ? _("Renewal assessments")
	                                : _("Providers");
}

static const char *const legend[] = {
    N_("Progress: two bars in the current renewal assessment,"),
    N_("  orders against its threshold and deposit against what it must hold"),
    N_("  (green when met); - when the provider is not assessed"),
    N_("! the provider is below its required deposit"),
    N_("q/Esc in a provider or the assessments returns to the list"),
    NULL,
};

const panel_ops panel_providers = {
    .title = N_("Providers"),
    .bit = PB_PROV,
    .load = prov_load,
    .draw = prov_draw,
    .act = prov_act,
    .key = prov_key,
    .has_sel = prov_has_sel,
    .offers = prov_offers,
    .legend = legend,
    .screen_bit = prov_bit,
    .screen_title = prov_title,
};
