/* view_shops.c - the shop list: search as you type, filters, sort, and a
 * window of rows fetched by keyset cursors around the selection.
 *
 * The database may hold a million shops, so the panel never loads the
 * table: it keeps at most BUF_MAX rows, fetches PAGE more past either end
 * as the cursor moves, and knows the absolute position of its first row
 * (from bzj_shop_count with pos_of) to show "position/total". */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/shop.h"
#include "dialog.h"
#include "ui.h"
#include "widget.h"

#define PAGE 100
#define BUF_MAX 400

static struct shops {
	bzj_shop_row rows[BUF_MAX];
	ui_list l;
	int64_t base;  /* absolute position of rows[0] */
	int64_t total; /* rows matching the query */
	bool at_start, at_end;
	bzj_shop_query q;
	char search[LEDIT_MAX * 4 + 1];
	char saved[LEDIT_MAX * 4 + 1];
	bool searching;
	ledit ed;
	char err[600];
} S;

static bzj_shop_row page[PAGE];

/* Counting every match of a one-character search over a million shops
 * would stall typing (1 s): searches count up to this many ("1000+"). */
#define SEARCH_COUNT_CAP 1000

static void query_prepare(bzj_shop_query *q)
{
	q->search = S.search[0] ? S.search : NULL;
	q->count_cap = S.search[0] ? SEARCH_COUNT_CAP : 0;
	q->has_cursor = false;
	q->backward = false;
}

static int fail(ui *u, const bzj_err *e)
{
	snprintf(S.err, sizeof S.err, "%s", e->msg);
	ui_msg(u, ST_ERR, "%s", e->msg);
	return RD_ALL;
}

static int fetch(ui *u, const bzj_shop_row *after, bool backward, int max, int *n)
{
	bzj_shop_query q = S.q;
	bzj_err e;
	query_prepare(&q);
	if (after) {
		q.has_cursor = true;
		q.cursor = *after;
	}
	q.backward = backward;
	*n = 0;
	if (bzj_shop_list(u->x, &q, page, max, n, &e))
		return fail(u, &e);
	return 0;
}

static int count(ui *u, const bzj_shop_row *pos_of, int64_t *pos)
{
	bzj_shop_query q = S.q;
	bzj_err e;
	query_prepare(&q);
	if (bzj_shop_count(u->x, &q, pos_of, &S.total, pos, &e))
		return fail(u, &e);
	return 0;
}

static int load_first(ui *u)
{
	int n;
	S.err[0] = 0;
	S.l.n = S.l.cur = S.l.top = 0;
	S.base = 0;
	if (fetch(u, NULL, false, PAGE, &n) || count(u, NULL, NULL))
		return RD_ALL;
	memcpy(S.rows, page, sizeof page[0] * (size_t)n);
	S.l.n = n;
	S.at_start = true;
	S.at_end = n < PAGE;
	return RD_BODY | RD_STATUS;
}

static int load_last(ui *u)
{
	int n;
	S.err[0] = 0;
	if (fetch(u, NULL, true, PAGE, &n) || count(u, NULL, NULL))
		return RD_ALL;
	memcpy(S.rows, page, sizeof page[0] * (size_t)n);
	S.l.n = n;
	S.l.cur = n - 1;
	S.at_end = true;
	S.at_start = n < PAGE;
	S.base = S.at_start ? 0 : S.total - n;
	ui_list_fix(&S.l);
	return RD_BODY | RD_STATUS;
}

/* Append the page after the last row, dropping rows off the front. */
static bool fetch_next(ui *u)
{
	int n;
	if (S.at_end || S.l.n == 0 || fetch(u, &S.rows[S.l.n - 1], false, PAGE, &n))
		return false;
	S.at_end = n < PAGE;
	int drop = S.l.n + n - BUF_MAX;
	if (drop > 0) {
		memmove(S.rows, S.rows + drop, sizeof S.rows[0] * (size_t)(S.l.n - drop));
		S.l.n -= drop;
		S.l.cur -= drop;
		S.l.top -= drop;
		S.base += drop;
		S.at_start = false;
	}
	memcpy(S.rows + S.l.n, page, sizeof page[0] * (size_t)n);
	S.l.n += n;
	return n > 0;
}

/* Prepend the page before the first row, dropping rows off the end. */
static bool fetch_prev(ui *u)
{
	int n;
	if (S.at_start || S.l.n == 0 || fetch(u, &S.rows[0], true, PAGE, &n))
		return false;
	S.at_start = n < PAGE;
	int keep = S.l.n;
	if (keep + n > BUF_MAX) {
		keep = BUF_MAX - n;
		S.at_end = false;
	}
	memmove(S.rows + n, S.rows, sizeof S.rows[0] * (size_t)keep);
	memcpy(S.rows, page, sizeof page[0] * (size_t)n);
	S.l.n = keep + n;
	S.l.cur += n;
	S.l.top += n;
	S.base = S.at_start ? 0 : S.base - n;
	return n > 0;
}

/* Refetch around the selected shop so it stays under the cursor (reload,
 * after a change); it may have left the filter, then its neighbour is
 * selected. */
static int reload_at(ui *u)
{
	if (S.l.n == 0)
		return load_first(u);
	bzj_shop_row sel = S.rows[S.l.cur], before[PAGE / 2];
	int row_on_screen = S.l.cur - S.l.top, nb, nf;
	S.err[0] = 0;
	if (fetch(u, &sel, true, PAGE / 2, &nb))
		return RD_ALL;
	memcpy(before, page, sizeof page[0] * (size_t)nb);
	if (fetch(u, nb ? &before[nb - 1] : NULL, false, PAGE, &nf))
		return RD_ALL;
	memcpy(S.rows, before, sizeof before[0] * (size_t)nb);
	memcpy(S.rows + nb, page, sizeof page[0] * (size_t)nf);
	S.l.n = nb + nf;
	S.at_start = nb < PAGE / 2;
	S.at_end = nf < PAGE;
	S.l.cur = nb;
	for (int i = nb; i < S.l.n; i++)
		if (!strcmp(S.rows[i].id, sel.id))
			S.l.cur = i;
	S.l.top = S.l.cur - row_on_screen;
	int64_t pos = 0;
	if (count(u, S.l.n ? &S.rows[0] : NULL, &pos))
		return RD_ALL;
	S.base = S.l.n ? pos : 0;
	ui_list_fix(&S.l);
	return RD_BODY | RD_STATUS;
}

static int shops_load(ui *u) { return reload_at(u); }

/* ---- moving ------------------------------------------------------------ */

static int shops_move(ui *u, int a)
{
	int step = a == ACT_PAGE_DOWN || a == ACT_PAGE_UP ? S.l.h : 1;
	switch (a) {
	case ACT_FIRST:
		if (!S.at_start)
			return load_first(u);
		break;
	case ACT_LAST:
		if (!S.at_end)
			return load_last(u);
		break;
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
		while (S.l.cur + step >= S.l.n && !S.at_end && fetch_next(u))
			;
		break;
	case ACT_UP:
	case ACT_PAGE_UP:
		while (S.l.cur - step < 0 && !S.at_start && fetch_prev(u))
			;
		break;
	default:
		break;
	}
	ui_list_move(&S.l, a);
	return RD_BODY | RD_STATUS;
}

/* ---- drawing ----------------------------------------------------------- */

typedef struct cols {
	int id, name, oper, ent, req, bal, frozen, flags;
} cols;

static const struct flag {
	const char *mark;
} flags[] = {
    /* TRANSLATORS: one-character flags of the shop list, explained by
     * the legend in the help ("R payout restricted" ...). */
    {N_("R")}, {N_("F")}, {N_("P")}, {N_("V")}, {N_("C")},
};
#define NFLAGS ((int)(sizeof flags / sizeof flags[0]))

static const char *const legend[] = {
    N_("R payout restricted"), N_("F frozen amount"), N_("P refund in progress"),
    N_("V open violations"),   N_("C closed"),        NULL,
};

static int flag_w(int i) { return wdg_width(_(flags[i].mark)); }

static int money_w(ui *u, int64_t fen, int w)
{
	char m[40];
	(void)u;
	int k = wdg_width(wdg_money(fen, m, sizeof m));
	return k > w ? k : w;
}

static void layout_cols(ui *u, cols *c)
{
	memset(c, 0, sizeof *c);
	c->id = 9;
	c->ent = wdg_width(_("Entity"));
	int e1 = wdg_width(_("indiv.")), e2 = wdg_width(_("company"));
	c->ent = e1 > c->ent ? e1 : c->ent;
	c->ent = e2 > c->ent ? e2 : c->ent;
	c->req = c->bal = 10;
	for (int i = S.l.top; i < S.l.n && i < S.l.top + S.l.h; i++) {
		c->req = money_w(u, S.rows[i].required_fen, c->req);
		c->bal = money_w(u, S.rows[i].balance_fen, c->bal);
	}
	for (int i = 0; i < NFLAGS; i++)
		c->flags += flag_w(i);
	int hw = wdg_width(_("Flags"));
	c->flags = hw > c->flags ? hw : c->flags;
	int fixed = 1 + c->id + 1 + 1 + c->ent + 1 + c->req + 1 + c->bal + 1 + c->flags + 1;
	c->name = u->cols - fixed;
	if (u->cols >= 110) {
		/* Wide terminals also show the operator and the frozen amount. */
		c->frozen = 12;
		c->oper = 12;
		c->name -= c->frozen + 1 + c->oper + 1;
	}
	/* Past 40 columns a name column is mostly blank: give the room to
	 * the operator, then leave it at the right. */
	if (c->name > 40 && c->oper) {
		c->oper += c->name - 40 < 8 ? c->name - 40 : 8;
		c->name = 40;
	} else if (c->name > 40) {
		c->name = 40;
	}
	if (c->name < 8)
		c->name = 8;
}

static void draw_flags(WINDOW *w, int y, int x, const bzj_shop_row *r)
{
	bool on[NFLAGS] = {r->restricted, r->frozen_fen > 0, r->refund_in_progress,
	                   r->open_violations > 0, r->status == BZJ_SHOP_CLOSED};
	for (int i = 0; i < NFLAGS; i++) {
		wdg_put(w, y, x, on[i] ? _(flags[i].mark) : "", flag_w(i), WDG_LEFT);
		x += flag_w(i);
	}
}

static void draw_header(ui *u, WINDOW *w, const cols *c)
{
	int x = 1;
	struct {
		const char *t;
		int w, align, sort;
	} h[] = {
	    {_("ID"), c->id, WDG_LEFT, BZJ_SORT_ID},
	    {_("Shop"), c->name, WDG_LEFT, BZJ_SORT_NAME},
	    {_("Operator"), c->oper, WDG_LEFT, -1},
	    {_("Entity"), c->ent, WDG_LEFT, -1},
	    {_("Required"), c->req, WDG_RIGHT, BZJ_SORT_REQUIRED},
	    {_("Balance"), c->bal, WDG_RIGHT, BZJ_SORT_BALANCE},
	    {_("Frozen"), c->frozen, WDG_RIGHT, -1},
	    {_("Flags"), c->flags, WDG_LEFT, -1},
	};
	ui_style(w, u, ST_HEADER);
	mvwhline(w, 1, 0, ' ', u->cols);
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		if (!h[i].w)
			continue;
		if (h[i].sort == S.q.sort)
			wattron(w, A_REVERSE);
		wdg_put(w, 1, x, h[i].t, h[i].w, h[i].align);
		wattroff(w, A_REVERSE);
		x += h[i].w + 1;
	}
	ui_style(w, u, ST_NORMAL);
}

static void draw_row(ui *u, WINDOW *w, int y, const cols *c, const bzj_shop_row *r, bool sel)
{
	char m[40];
	int x = 1;
	int base = sel ? ST_SEL : r->status == BZJ_SHOP_CLOSED ? ST_DIM : ST_NORMAL;
	ui_style(w, u, base);
	mvwhline(w, y, 0, ' ', u->cols);
	x += wdg_put(w, y, x, r->id, c->id, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, r->name, c->name, WDG_LEFT) + 1;
	if (c->oper)
		x += wdg_put(w, y, x, r->operator_name, c->oper, WDG_LEFT) + 1;
	x += wdg_put(w, y, x, r->entity == BZJ_ENTITY_COMPANY ? _("company") : _("indiv."), c->ent,
	             WDG_LEFT) +
	     1;
	x += wdg_put(w, y, x, wdg_money(r->required_fen, m, sizeof m), c->req, WDG_RIGHT) + 1;
	if (r->restricted && !sel)
		ui_style(w, u, ST_WARN);
	x += wdg_put(w, y, x, wdg_money(r->balance_fen, m, sizeof m), c->bal, WDG_RIGHT) + 1;
	ui_style(w, u, base);
	if (c->frozen)
		x += wdg_put(w, y, x, r->frozen_fen ? wdg_money(r->frozen_fen, m, sizeof m) : "",
		             c->frozen, WDG_RIGHT) +
		     1;
	if (!sel)
		ui_style(w, u, ST_WARN);
	draw_flags(w, y, x, r);
	ui_style(w, u, ST_NORMAL);
}

static const char *sort_name(int s)
{
	static const char *const t[] = {N_("id"), N_("name"), N_("required"), N_("balance")};
	return s >= 0 && s < BZJ_SORT_COUNT ? _(t[s]) : "?";
}

static void bar_text(char *left, size_t ln, char *right, size_t rn)
{
	int64_t pos = S.l.n ? S.base + S.l.cur + 1 : 0;
	char total[32];
	if (S.q.count_cap && S.total >= S.q.count_cap)
		snprintf(total, sizeof total, "%lld+", (long long)S.total);
	else
		snprintf(total, sizeof total, "%lld", (long long)S.total);
	snprintf(left, ln, _("Shops %lld/%s  sorted by %s %s"), (long long)pos, total,
	         sort_name(S.q.sort), S.q.desc ? _("descending") : _("ascending"));
	right[0] = 0;
	struct {
		bool on;
		const char *t;
	} f[] = {
	    {S.q.shortfall, _("shortfall")},
	    {S.q.status == BZJ_SHOP_OPEN, ui_shop_status(BZJ_SHOP_OPEN)},
	    {S.q.status == BZJ_SHOP_CLOSED, ui_shop_status(BZJ_SHOP_CLOSED)},
	    {S.q.open_violations, _("open violations")},
	    {S.q.refund_in_progress, _("refund in progress")},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (!f[i].on)
			continue;
		size_t l = strlen(right);
		snprintf(right + l, rn - l, "%s%s", l ? " · " : _("filter: "), f[i].t);
	}
	if (S.search[0] && !S.searching) {
		char q[300];
		size_t l = strlen(right);
		snprintf(right + l, rn - l, "%s%s", l ? "  " : "",
		         (snprintf(q, sizeof q, _("search: %s"), S.search), q));
	}
}

static void draw_search(ui *u, WINDOW *w)
{
	char lbl[64];
	snprintf(lbl, sizeof lbl, "%s ", _("Search:"));
	ui_style(w, u, ST_BAR);
	mvwhline(w, 0, 0, ' ', u->cols);
	int x = wdg_puts(w, 0, 0, lbl, u->cols);
	ui_style(w, u, ST_NORMAL);
	wattron(w, A_UNDERLINE);
	int cx = ledit_draw(w, 0, x, u->cols / 2, &S.ed);
	wattroff(w, A_UNDERLINE);
	char n[64];
	snprintf(n, sizeof n, _("%lld found"), (long long)S.total);
	wdg_puts(w, 0, x + u->cols / 2 + 2, n, u->cols);
	u->want_cursor = true;
	u->cur_y = 0;
	u->cur_x = cx;
}

static void shops_draw(ui *u, WINDOW *w)
{
	char left[300], right[600];
	cols c;
	S.l.h = u->lines - 2;
	ui_list_fix(&S.l);
	bar_text(left, sizeof left, right, sizeof right);
	ui_panel_bar(u, w, left, right);
	layout_cols(u, &c);
	draw_header(u, w, &c);
	for (int i = 0; i < S.l.h && S.l.top + i < S.l.n; i++)
		draw_row(u, w, 2 + i, &c, &S.rows[S.l.top + i], S.l.top + i == S.l.cur);
	if (S.err[0]) {
		ui_style(w, u, ST_ERR);
		wdg_puts(w, 2, 1, S.err, u->cols);
		ui_style(w, u, ST_NORMAL);
	} else if (S.l.n == 0) {
		ui_style(w, u, ST_DIM);
		wdg_puts(w, 3, 2,
		         S.search[0] ? _("No shop matches the search and filters.")
		                     : _("No shops match the filters."),
		         u->cols);
		ui_style(w, u, ST_NORMAL);
	}
	if (S.searching)
		draw_search(u, w);
}

/* ---- search ------------------------------------------------------------ */

static void search_end(ui *u)
{
	S.searching = false;
	u->hint_override = NULL;
}

static int search_key(ui *u, int key)
{
	if (!S.searching)
		return -1;
	if (key == KEYMAP_ENTER) {
		search_end(u);
		return RD_BODY | RD_STATUS;
	}
	if (key == KEYMAP_ESC) {
		search_end(u);
		snprintf(S.search, sizeof S.search, "%s", S.saved);
		return load_first(u);
	}
	int r = ledit_key(&S.ed, key);
	if (r < 0) {
		/* Moving keeps the search and leaves the input. */
		search_end(u);
		return -1;
	}
	if (r == 0)
		return RD_BODY;
	/* Take whatever is already typed (a paste, an input method's word)
	 * into one query. */
	for (int k; (k = ui_pending_key(u, u->wbody)) >= 0;) {
		if (k == KEYMAP_ESC || k == KEYMAP_ENTER || ledit_key(&S.ed, k) < 0) {
			ui_unget_key(k);
			break;
		}
	}
	ledit_get(&S.ed, S.search, sizeof S.search);
	return load_first(u);
}

static int search_start(ui *u)
{
	snprintf(S.saved, sizeof S.saved, "%s", S.search);
	S.ed.maxbytes = 200;
	ledit_set(&S.ed, S.search);
	S.searching = true;
	u->hint_override = _("Type to search by id, shop name or operator · Enter done · Esc undo");
	return RD_BODY | RD_STATUS;
}

/* ---- actions ----------------------------------------------------------- */

static int shops_act(ui *u, int a)
{
	const char *id = S.l.n ? S.rows[S.l.cur].id : NULL;
	switch (a) {
	case ACT_OPEN:
		return ui_open_shop(u, id);
	case ACT_SHOP_VIOLATIONS:
		return ui_open_violations(u, id);
	case ACT_SEARCH:
		return search_start(u);
	case ACT_SORT:
		S.q.sort = (S.q.sort + 1) % BZJ_SORT_COUNT;
		/* Money reads best largest first. */
		S.q.desc = S.q.sort == BZJ_SORT_REQUIRED || S.q.sort == BZJ_SORT_BALANCE;
		return load_first(u);
	case ACT_SORT_REVERSE:
		S.q.desc = !S.q.desc;
		return load_first(u);
	case ACT_FILTER_SHORTFALL:
		S.q.shortfall = !S.q.shortfall;
		return load_first(u);
	case ACT_FILTER_STATUS:
		S.q.status = (S.q.status + 1) % 3;
		return load_first(u);
	case ACT_FILTER_VIOLATIONS:
		S.q.open_violations = !S.q.open_violations;
		return load_first(u);
	case ACT_FILTER_REFUND:
		S.q.refund_in_progress = !S.q.refund_in_progress;
		return load_first(u);
	case ACT_FILTER_CLEAR: {
		int sort = S.q.sort;
		bool desc = S.q.desc;
		memset(&S.q, 0, sizeof S.q);
		S.q.sort = sort;
		S.q.desc = desc;
		S.search[0] = 0;
		return load_first(u);
	}
	default:
		return shops_move(u, a);
	}
}

static bool shops_has_sel(ui *u)
{
	(void)u;
	return S.l.n > 0;
}

static const char *shops_sel_shop(ui *u)
{
	(void)u;
	return S.l.n > 0 ? S.rows[S.l.cur].id : NULL;
}

const panel_ops panel_shops = {
    .title = N_("Shops"),
    .bit = PB_SHOPS,
    .load = shops_load,
    .draw = shops_draw,
    .act = shops_act,
    .key = search_key,
    .has_sel = shops_has_sel,
    .sel_shop = shops_sel_shop,
    .legend = legend,
};
