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
#include "listview.h"
#include "ui.h"
#include "widget.h"

static struct shops {
	listview v;
	bzj_shop_query q;
	lv_search search;
	struct cols {
		int id, name, oper, ent, req, bal, frozen, flags;
	} c;
} S;

/* Counting every match of a one-character search over a million shops
 * would stall typing (1 s): searches count up to this many ("1000+"). */
#define SEARCH_COUNT_CAP 1000

static void query_prepare(bzj_shop_query *q)
{
	*q = S.q;
	q->search = S.search.term[0] ? S.search.term : NULL;
	q->count_cap = S.search.term[0] ? SEARCH_COUNT_CAP : 0;
	q->has_cursor = false;
	q->backward = false;
}

static int shops_fetch(ui *u, const void *after, bool backward, void *out, int max, int *n,
		       bzj_err *e)
{
	bzj_shop_query q;
	query_prepare(&q);
	if (after) {
		q.has_cursor = true;
		q.cursor = *(const bzj_shop_row *)after;
	}
	q.backward = backward;
	return bzj_shop_list(u->x, &q, out, max, n, e);
}

static int shops_count(ui *u, const void *pos_of, int64_t *total, int64_t *pos, bzj_err *e)
{
	bzj_shop_query q;
	query_prepare(&q);
	return bzj_shop_count(u->x, &q, pos_of, total, pos, e);
}

static bool same_shop(const void *a, const void *b)
{
	return !strcmp(((const bzj_shop_row *)a)->id, ((const bzj_shop_row *)b)->id);
}

static const lv_ops shops_list;

static int load_first(ui *u)
{
	S.v.ops = &shops_list;
	return lv_reset(&S.v, u);
}

static int shops_load(ui *u)
{
	S.v.ops = &shops_list;
	return lv_reload(&S.v, u);
}

/* ---- drawing ----------------------------------------------------------- */

typedef struct cols cols;

static const struct flag {
	const char *mark;
} flags[] = {
    /* TRANSLATORS: one-character flags of the shop list, explained by
     * the legend in the help ("R payout restricted" ...). */
    {N_("R")}, {N_("F")}, {N_("P")}, {N_("V")}, {N_("C")},
    /* TRANSLATORS: the newbie-period flag: N a newbie shop, L one capped
     * (limited to 1,000 paid orders a day) by its last check. */
    {N_("N")}, {N_("L")},
};
/* The last two share one cell: a capped shop is a newbie too. */
#define NFLAGS_DRAWN (NFLAGS - 1)
#define NFLAGS ((int)(sizeof flags / sizeof flags[0]))

static const char *const legend[] = {
    N_("R payout restricted"), N_("F frozen amount"), N_("P refund in progress"),
    N_("V open violations"),   N_("C closed"),        N_("N newbie period"),
    N_("L newbie capped at 1,000 paid orders a day"), NULL,
};

static int flag_w(int i)
{
	int w = wdg_width(_(flags[i].mark));
	if (i == NFLAGS_DRAWN - 1) { /* newbie or capped */
		int w2 = wdg_width(_(flags[i + 1].mark));
		w = w2 > w ? w2 : w;
	}
	return w;
}

static int money_w(ui *u, int64_t fen, int w)
{
	char m[40];
	(void)u;
	int k = wdg_width(wdg_money(fen, m, sizeof m));
	return k > w ? k : w;
}

static void layout_cols(ui *u, const listview *v)
{
	cols *c = &S.c;
	memset(c, 0, sizeof *c);
	c->id = 9;
	c->ent = wdg_width(_("Entity"));
	int e1 = wdg_width(_("indiv.")), e2 = wdg_width(_("company"));
	c->ent = e1 > c->ent ? e1 : c->ent;
	c->ent = e2 > c->ent ? e2 : c->ent;
	c->req = c->bal = 10;
	for (int i = v->l.top; i < v->l.n && i < v->l.top + v->l.h; i++) {
		const bzj_shop_row *r = lv_row(v, i);
		c->req = money_w(u, r->required_fen, c->req);
		c->bal = money_w(u, r->balance_fen, c->bal);
	}
	for (int i = 0; i < NFLAGS_DRAWN; i++)
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
	bool on[NFLAGS_DRAWN] = {r->restricted,		  r->frozen_fen > 0,
	                         r->refund_in_progress,	  r->open_violations > 0,
	                         r->status == BZJ_SHOP_CLOSED, r->newbie == BZJ_NEWBIE};
	for (int i = 0; i < NFLAGS_DRAWN; i++) {
		const char *mark = _(flags[i].mark);
		if (i == NFLAGS_DRAWN - 1 && r->capped)
			mark = _(flags[i + 1].mark);
		wdg_put(w, y, x, on[i] ? mark : "", flag_w(i), WDG_LEFT);
		x += flag_w(i);
	}
}

static void draw_header(ui *u, WINDOW *w, int y)
{
	const cols *c = &S.c;
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
	mvwhline(w, y, 0, ' ', u->cols);
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		if (!h[i].w)
			continue;
		if (h[i].sort == S.q.sort)
			wattron(w, A_REVERSE);
		wdg_put(w, y, x, h[i].t, h[i].w, h[i].align);
		wattroff(w, A_REVERSE);
		x += h[i].w + 1;
	}
	ui_style(w, u, ST_NORMAL);
}

static void draw_row(ui *u, WINDOW *w, int y, const void *row, bool sel)
{
	const cols *c = &S.c;
	const bzj_shop_row *r = row;
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
	int64_t pos = lv_pos(&S.v), tot = S.v.total;
	char total[32];
	if (S.search.term[0] && tot >= SEARCH_COUNT_CAP)
		snprintf(total, sizeof total, "%lld+", (long long)tot);
	else
		snprintf(total, sizeof total, "%lld", (long long)tot);
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
	if (S.search.term[0] && !S.search.on) {
		char q[300];
		size_t l = strlen(right);
		snprintf(right + l, rn - l, "%s%s", l ? "  " : "",
		         (snprintf(q, sizeof q, _("search: %s"), S.search.term), q));
	}
}

static const lv_ops shops_list = {
    .row_size = sizeof(bzj_shop_row),
    .bidir = true,
    .fetch = shops_fetch,
    .count = shops_count,
    .same = same_shop,
    .layout = layout_cols,
    .header = draw_header,
    .row = draw_row,
};

static void shops_draw(ui *u, WINDOW *w)
{
	char left[300], right[600];
	lv_draw(&S.v, u, w, 1, u->lines - 1,
		S.search.term[0] ? _("No shop matches the search and filters.")
			    : _("No shops match the filters."));
	bar_text(left, sizeof left, right, sizeof right);
	ui_panel_bar(u, w, left, right);
	if (S.search.on)
		lv_search_draw(u, w, &S.search, S.v.total);
}

/* ---- search ------------------------------------------------------------ */

static int search_key(ui *u, int key) { return lv_search_key(u, &S.search, key, load_first); }

static int search_start(ui *u)
{
	return lv_search_start(
	    u, &S.search, _("Type to search by id, shop name or operator · Enter done · Esc undo"));
}

/* ---- actions ----------------------------------------------------------- */

static int shops_act(ui *u, int a)
{
	const bzj_shop_row *r = lv_sel(&S.v);
	const char *id = r ? r->id : NULL;
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
		S.search.term[0] = 0;
		return load_first(u);
	}
	default:
		return lv_move(&S.v, u, a);
	}
}

static bool shops_has_sel(ui *u)
{
	(void)u;
	return S.v.l.n > 0;
}

static const char *shops_sel_shop(ui *u)
{
	(void)u;
	const bzj_shop_row *r = lv_sel(&S.v);
	return r ? r->id : NULL;
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
