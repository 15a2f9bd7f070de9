/* console.c - the console's main loop: layout, title and status lines, the
 * `?` overlay, panel switching and dispatch of keys to actions.
 *
 * The loop waits in get_wch with a one-second timeout; on each timeout it
 * asks SQLite whether another connection committed (data_version, no disk
 * I/O) and reloads the panel only then, so other operators' changes show
 * by themselves while an idle console costs no output and no measurable
 * CPU.  After each key it redraws only the windows the handler names;
 * ncurses then sends only the cells that changed. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bzj/auth.h"
#include "bzj/i18n.h"
#include "bzj/rules.h"
#include "console.h"
#include "dialog.h"
#include "ui.h"
#include "widget.h"

static const panel_ops *const panels[PANEL_COUNT] = {
    [PANEL_SHOPS] = &panel_shops,
    [PANEL_DETAIL] = &panel_detail,
    [PANEL_REFUNDS] = &panel_refunds,
    [PANEL_VIOL] = &panel_violations,
    [PANEL_PROV] = &panel_providers,
};

int ui_panel_bit(const ui *u)
{
	const panel_ops *p = panels[u->panel];
	return p->screen_bit ? p->screen_bit((ui *)u) : p->bit;
}

/* ---- styles ------------------------------------------------------------ */

enum { PAIR_TITLE = 1, PAIR_RED, PAIR_GREEN, PAIR_CYAN, PAIR_ERR, PAIR_YELLOW };

static void styles_init(ui *u)
{
	const char *nc = getenv("NO_COLOR");
	u->color = has_colors() && !(nc && *nc);
	if (!u->color)
		return;
	start_color();
	/* The terminal's own background where it has one. */
	short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_RED, COLOR_RED, bg);
	init_pair(PAIR_GREEN, COLOR_GREEN, bg);
	init_pair(PAIR_CYAN, COLOR_CYAN, bg);
	init_pair(PAIR_ERR, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_YELLOW, COLOR_YELLOW, bg);
}

attr_t ui_attr(const ui *u, int style)
{
	static const attr_t mono[ST_COUNT] = {
	    [ST_NORMAL] = A_NORMAL, [ST_TITLE] = A_REVERSE,
	    [ST_TAB_ON] = A_BOLD,   [ST_HEADER] = A_BOLD | A_UNDERLINE,
	    [ST_BAR] = A_BOLD,      [ST_SEL] = A_REVERSE,
	    [ST_WARN] = A_BOLD,     [ST_ERR] = A_REVERSE | A_BOLD,
	    [ST_OK] = A_BOLD,       [ST_DIM] = A_DIM,
	    [ST_KEY] = A_BOLD,      [ST_SECTION] = A_BOLD,
	};
	if (style < 0 || style >= ST_COUNT)
		return A_NORMAL;
	if (!u->color)
		return mono[style];
	switch (style) {
	case ST_TITLE:
		return COLOR_PAIR(PAIR_TITLE);
	case ST_TAB_ON:
		return COLOR_PAIR(PAIR_TITLE) | A_REVERSE | A_BOLD;
	case ST_HEADER:
		return COLOR_PAIR(PAIR_CYAN) | A_BOLD;
	case ST_BAR:
		return A_BOLD;
	case ST_WARN:
		return COLOR_PAIR(PAIR_RED) | A_BOLD;
	case ST_ERR:
		return COLOR_PAIR(PAIR_ERR) | A_BOLD;
	case ST_OK:
		return COLOR_PAIR(PAIR_GREEN) | A_BOLD;
	case ST_SECTION:
		return COLOR_PAIR(PAIR_YELLOW) | A_BOLD;
	default:
		return mono[style];
	}
}

void ui_style(WINDOW *w, const ui *u, int style) { wattrset(w, (int)ui_attr(u, style)); }

/* ---- messages ---------------------------------------------------------- */

void ui_msg(ui *u, int style, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_style = style;
}

static const char *rc_title(int rc)
{
	switch (rc) {
	case BZJ_ERULE:
		return _("Refused");
	case BZJ_EINPUT:
		return _("Bad input");
	case BZJ_ENOTFOUND:
		return _("Not found");
	case BZJ_EPERM:
		return _("Not allowed");
	case BZJ_EBUSY:
		return _("Changed meanwhile");
	default:
		return _("Storage error");
	}
}

int ui_refused(ui *u, const bzj_err *e)
{
	char body[700];
	snprintf(body, sizeof body, "%s\n\n(%s)", e->msg[0] ? e->msg : e->code, e->code);
	ui_msg(u, ST_ERR, "%s: %s", rc_title(e->rc), e->msg[0] ? e->msg : e->code);
	dlg_message(u, rc_title(e->rc), body, ST_ERR);
	/* Somebody changed the row meanwhile: show it as it is now. */
	if (!strcmp(e->code, "conflict.stale"))
		return ui_changed(u);
	return RD_ALL;
}

/* ---- names ------------------------------------------------------------- */

#define NAME_OF(table, v)                                                                          \
	((v) >= 0 && (size_t)(v) < sizeof(table) / sizeof(table)[0] && (table)[v] ? _((table)[v])  \
	                                                                          : "?")

const char *ui_refund_status(int st)
{
	static const char *const t[] = {
	    [BZJ_RS_SUBMITTED] = N_("submitted"), [BZJ_RS_APPROVED] = N_("approved"),
	    [BZJ_RS_PAID] = N_("paid"),           [BZJ_RS_REJECTED] = N_("rejected"),
	    [BZJ_RS_CANCELLED] = N_("cancelled"), [BZJ_RS_FAILED] = N_("failed"),
	    [BZJ_RS_SENT] = N_("sent"),
	};
	return NAME_OF(t, st);
}

const char *ui_refund_kind(int kind)
{
	static const char *const t[] = {
	    [BZJ_REFUND_PARTIAL] = N_("partial"), [BZJ_REFUND_CLOSURE] = N_("closure"),
	    [BZJ_REFUND_EXIT] = N_("exit")};
	return NAME_OF(t, kind);
}

const char *ui_entity(int entity)
{
	static const char *const t[] = {
	    [BZJ_ENTITY_INDIVIDUAL] = N_("individual"), [BZJ_ENTITY_COMPANY] = N_("company")};
	return NAME_OF(t, entity);
}

const char *ui_pgettext(const char *ctx_and_id, const char *id)
{
	const char *t = dgettext(BZJ_TEXTDOMAIN, ctx_and_id);
	return t == ctx_and_id ? id : t;
}

const char *ui_shop_status(int st)
{
	switch (st) {
	case BZJ_SHOP_OPEN:
		return C_("shop", "open");
	case BZJ_SHOP_CLOSED:
		return C_("shop", "closed");
	default:
		return "?";
	}
}

const char *ui_vclass(int cls)
{
	static const char *const t[] = {
	    [BZJ_VCLASS_A] = N_("A general"), [BZJ_VCLASS_B] = N_("B serious")};
	return NAME_OF(t, cls);
}

const char *ui_vstatus(int st)
{
	switch (st) {
	case BZJ_VS_OPEN:
		return C_("violation", "open");
	case BZJ_VS_RESOLVED:
		return _("resolved");
	default:
		return "?";
	}
}

const char *ui_ledger_kind(int kind)
{
	static const char *const t[] = {
	    [1] = N_("top-up"), [2] = N_("deduction"),  [3] = N_("fee"),
	    [4] = N_("refund"), [5] = N_("correction"),
	};
	return NAME_OF(t, kind);
}

const char *ui_role(int role)
{
	static const char *const t[] = {
	    [BZJ_ROLE_NONE] = N_("no role"),          [BZJ_ROLE_SUPPORT] = N_("support"),
	    [BZJ_ROLE_REVIEWER] = N_("reviewer"),     [BZJ_ROLE_FINANCE] = N_("finance"),
	    [BZJ_ROLE_SUPERVISOR] = N_("supervisor"),
	};
	return NAME_OF(t, role);
}

const char *ui_check_item(int bit)
{
	switch (bit) {
	case BZJ_CHECK_MATERIALS:
		return _("Application materials complete");
	case BZJ_CHECK_INFO:
		return _("Information complete and accurate");
	case BZJ_CHECK_SIGNATURES:
		return _("Signatures and seals complete");
	case BZJ_CHECK_STATEMENTS:
		return _("No unsettled statements");
	default:
		return "?";
	}
}

const char *ui_check_item_short(int bit)
{
	switch (bit) {
	case BZJ_CHECK_MATERIALS:
		return _("materials");
	case BZJ_CHECK_INFO:
		return _("information");
	case BZJ_CHECK_SIGNATURES:
		return _("signatures");
	case BZJ_CHECK_STATEMENTS:
		return _("statements");
	default:
		return "?";
	}
}

const char *ui_payee_type(int type)
{
	static const char *const t[] = {[BZJ_PAYEE_PERSONAL] = N_("personal card"),
	                                [BZJ_PAYEE_CORPORATE] = N_("corporate account")};
	return NAME_OF(t, type);
}

const char *ui_date(int32_t d, char *buf, size_t n) { return bzj_date_fmt(d, buf, n); }

const char *ui_code_text(const char *code)
{
	static const struct {
		const char *code, *text;
	} t[] = {
	    {"payee.missing", N_("no payee account on file")},
	    {"payee.not_allowed", N_("account type not allowed for this entity")},
	    {"payee.name_mismatch", N_("account name does not match the entity")},
	    {"payee.changed_recently", N_("account changed less than 30 days ago")},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (code && !strcmp(code, t[i].code))
			return _(t[i].text);
	return code ? code : "";
}

/* ---- permissions and lists --------------------------------------------- */

bool ui_can(const ui *u, int action)
{
	return action >= 0 && action < ACT_COUNT &&
	       bzj_role_can(u->x->actor.role, ui_actions[action].perm);
}

void ui_list_fix(ui_list *l)
{
	if (l->h < 1)
		l->h = 1;
	if (l->cur >= l->n)
		l->cur = l->n - 1;
	if (l->cur < 0)
		l->cur = 0;
	if (l->top > l->cur)
		l->top = l->cur;
	if (l->cur >= l->top + l->h)
		l->top = l->cur - l->h + 1;
	if (l->top > l->n - l->h)
		l->top = l->n - l->h;
	if (l->top < 0)
		l->top = 0;
}

bool ui_list_move(ui_list *l, int action)
{
	int old = l->cur, oldtop = l->top;
	switch (action) {
	case ACT_UP:
		l->cur--;
		break;
	case ACT_DOWN:
		l->cur++;
		break;
	case ACT_PAGE_UP:
		l->cur -= l->h;
		l->top -= l->h;
		break;
	case ACT_PAGE_DOWN:
		l->cur += l->h;
		l->top += l->h;
		break;
	case ACT_FIRST:
		l->cur = 0;
		break;
	case ACT_LAST:
		l->cur = l->n - 1;
		break;
	default:
		return false;
	}
	ui_list_fix(l);
	return l->cur != old || l->top != oldtop;
}

void ui_panel_bar(ui *u, WINDOW *w, const char *left, const char *right)
{
	int rw = right ? wdg_width(right) : 0;
	if (rw > u->cols / 2)
		rw = u->cols / 2;
	ui_style(w, u, ST_BAR);
	wmove(w, 0, 0);
	wclrtoeol(w);
	wdg_put(w, 0, 0, left, u->cols - rw - 1, WDG_LEFT);
	if (right)
		wdg_put(w, 0, u->cols - rw, right, rw, WDG_RIGHT);
	ui_style(w, u, ST_NORMAL);
}

void ui_rule(ui *u, WINDOW *w, int y, const char *title)
{
	char t[256];
	snprintf(t, sizeof t, " %s ", title);
	ui_style(w, u, ST_SECTION);
	mvwhline(w, y, 0, ACS_HLINE, 2);
	int x = wdg_puts(w, y, 2, t, u->cols);
	if (x < u->cols)
		mvwhline(w, y, x, ACS_HLINE, u->cols - x);
	ui_style(w, u, ST_NORMAL);
}

/* ---- panel switching --------------------------------------------------- */

/* The detail follows the row selected in the current panel (Tab, 2 and
 * loading ahead): stale when that is another shop.  False when no shop
 * is selected. */
static bool detail_follows(ui *u)
{
	const char *s = panels[u->panel]->sel_shop ? panels[u->panel]->sel_shop(u) : NULL;
	if (!s)
		return false;
	if (strcmp(u->shop, s)) {
		snprintf(u->shop, sizeof u->shop, "%s", s);
		u->stale[PANEL_DETAIL] = true;
	}
	return true;
}

static int panel_enter(ui *u, int p)
{
	u->panel = p;
	int rd = RD_ALL;
	if (u->stale[p]) {
		u->stale[p] = false;
		u->ahead_msg[p][0] = 0;
		rd |= panels[p]->load(u);
	} else if (u->ahead_msg[p][0]) {
		/* said by its load ahead of time (warm_up) */
		if (!u->msg[0]) {
			memcpy(u->msg, u->ahead_msg[p], sizeof u->msg);
			u->msg_style = u->ahead_style[p];
		}
		u->ahead_msg[p][0] = 0;
	}
	return rd;
}

/* ---- loading ahead ------------------------------------------------------
 * The first open of a panel costs more than the rows it shows: on
 * PostgreSQL the connection's first use of a table plans its statements
 * with the catalogue caches cold (the refund queue's first open: 10 ms of
 * planning for `refund` and its 13 indexes, then the load line's pages,
 * 14 ms; at a million shops the queue's first open took 31.5 ms and the
 * next ones 3.6-6.5), and the first pages come from disk.  So while the
 * console waits for the user's first keys it loads the panels opened
 * most often next, one per idle moment (WARM_MS without a key), exactly
 * as entering them would: the deposit detail of the selected shop, then
 * the refund queue.  They are then current: another operator's change
 * or the user's own makes them stale like any panel shown before.  A key
 * waits for at most the one load under way.  What a load says in the
 * status line (a bank batch without a return, a failed read) is kept and
 * shown when its panel is entered. */
#define WARM_MS 100
static const int warm_panels[] = {PANEL_DETAIL, PANEL_REFUNDS};
#define WARM_COUNT ((int)(sizeof warm_panels / sizeof warm_panels[0]))

static void warm_up(ui *u, int p)
{
	if (p == u->panel)
		return;
	if (p == PANEL_DETAIL && !detail_follows(u))
		return;
	if (!u->stale[p])
		return;
	char said[sizeof u->msg];
	int style = u->msg_style;
	memcpy(said, u->msg, sizeof said);
	u->msg[0] = 0;
	u->stale[p] = false;
	panels[p]->load(u);
	memcpy(u->ahead_msg[p], u->msg, sizeof u->msg);
	u->ahead_style[p] = u->msg_style;
	memcpy(u->msg, said, sizeof said);
	u->msg_style = style;
}

static void push(ui *u)
{
	if (u->nback == UI_BACK_MAX) {
		memmove(u->back, u->back + 1, sizeof u->back[0] * (UI_BACK_MAX - 1));
		u->nback--;
	}
	u->back[u->nback].panel = u->panel;
	snprintf(u->back[u->nback].shop, sizeof u->back[0].shop, "%s",
	         u->panel == PANEL_VIOL ? u->vshop : u->shop);
	u->nback++;
}

int ui_goto(ui *u, int panel, bool push_it)
{
	if (push_it && panel != u->panel)
		push(u);
	return panel_enter(u, panel);
}

int ui_open_shop(ui *u, const char *id)
{
	if (strcmp(u->shop, id) != 0) {
		snprintf(u->shop, sizeof u->shop, "%s", id);
		u->stale[PANEL_DETAIL] = true;
	}
	if (u->panel == PANEL_DETAIL)
		return panel_enter(u, PANEL_DETAIL);
	return ui_goto(u, PANEL_DETAIL, true);
}

int ui_open_violations(ui *u, const char *shop_id)
{
	const char *s = shop_id ? shop_id : "";
	if (strcmp(u->vshop, s) != 0) {
		snprintf(u->vshop, sizeof u->vshop, "%s", s);
		u->stale[PANEL_VIOL] = true;
	}
	return ui_goto(u, PANEL_VIOL, true);
}

int ui_changed(ui *u)
{
	for (int p = 0; p < PANEL_COUNT; p++)
		u->stale[p] = p != u->panel;
	return RD_ALL | panels[u->panel]->load(u);
}

static int go_back(ui *u, int key)
{
	if (u->nback > 0) {
		u->nback--;
		int p = u->back[u->nback].panel;
		const char *s = u->back[u->nback].shop;
		if (p == PANEL_DETAIL && strcmp(u->shop, s)) {
			snprintf(u->shop, sizeof u->shop, "%s", s);
			u->stale[p] = true;
		}
		if (p == PANEL_VIOL && strcmp(u->vshop, s)) {
			snprintf(u->vshop, sizeof u->vshop, "%s", s);
			u->stale[p] = true;
		}
		return panel_enter(u, p);
	}
	if (u->panel != PANEL_SHOPS)
		return panel_enter(u, PANEL_SHOPS);
	if (key == KEYMAP_ESC) {
		char k[32];
		ui_msg(u, ST_DIM, _("Press %s to quit"),
		       keymap_keys_str(&u->km, ACT_QUIT, 1, k, sizeof k));
		return RD_STATUS;
	}
	return RD_QUIT;
}

/* The panel a Tab, BTab or 1-5 goes to, carrying the selected shop along. */
static int switch_panel(ui *u, int p)
{
	if (p == u->panel)
		return RD_NONE;
	if (p == PANEL_DETAIL)
		detail_follows(u); /* the row selected where the user comes from */
	u->nback = 0;
	return panel_enter(u, p);
}

/* ---- layout and drawing ------------------------------------------------ */

static void layout(ui *u)
{
	int L = LINES, C = COLS;
	if (u->wtitle)
		delwin(u->wtitle);
	if (u->wbody)
		delwin(u->wbody);
	if (u->wstatus)
		delwin(u->wstatus);
	u->small = L < UI_MIN_LINES || C < UI_MIN_COLS;
	u->lines = L > 2 ? L - 2 : 1;
	u->cols = C > 0 ? C : 1;
	u->wtitle = newwin(1, u->cols, 0, 0);
	u->wbody = newwin(u->lines, u->cols, 1, 0);
	u->wstatus = newwin(1, u->cols, L > 1 ? L - 1 : 0, 0);
	keypad(u->wbody, TRUE);
	leaveok(u->wtitle, TRUE);
	leaveok(u->wstatus, TRUE);
}

/* The tab bar: every panel with its title, or (when the database would
 * not fit otherwise) only the current one with its title.  Returns the
 * column after it. */
static int tabs_draw(ui *u, WINDOW *w, int x, bool full, bool tight, bool dry)
{
	for (int p = 0; p < PANEL_COUNT; p++) {
		char tab[96], k[16];
		keymap_keys_str(&u->km, ACT_PANEL_SHOPS + p, 1, k, sizeof k);
		/* Only the current tab is padded on both sides: it stands out
		 * in reverse, and 80 columns keep room for the database.  Tight:
		 * no padding and no space before the first tab (five names, the
		 * user, the role and the date in 80 English columns). */
		const char *lead = tight && p == 0 ? "" : " ";
		if (p == u->panel && !tight)
			snprintf(tab, sizeof tab, "%s%s %s ", lead, k, _(panels[p]->title));
		else if (full || p == u->panel)
			snprintf(tab, sizeof tab, "%s%s %s", lead, k, _(panels[p]->title));
		else
			snprintf(tab, sizeof tab, "%s%s", lead, k);
		if (dry) {
			x += wdg_width(tab);
			continue;
		}
		ui_style(w, u, p == u->panel ? ST_TAB_ON : ST_TITLE);
		x = wdg_puts(w, 0, x, tab, u->cols);
	}
	ui_style(w, u, ST_TITLE);
	return x;
}

/* Title: [bzj] tabs ... database  user (role)  today.  What matters
 * most keeps its place at 80 columns: the panel names, then the user and
 * the date, then the role; the database path gives way first (its tail
 * is kept), then the "bzj" name, then the padding around the current tab
 * (five English names, user, role and date fill exactly 80), then the
 * role, and only then the names of the inactive tabs. */
static void draw_title(ui *u)
{
	WINDOW *w = u->wtitle;
	char r_full[400], r_short[300], r_tight[400], today[16];
	wchar_t db[WDG_MAXW];
	size_t n = wdg_decode(u->db_path ? u->db_path : "", db, WDG_MAXW), i = 0;
	int dbw = wdg_wswidth(db, n);

	ui_style(w, u, ST_TITLE);
	mvwhline(w, 0, 0, ' ', u->cols);
	ui_date(u->x->today, today, sizeof today);
	snprintf(r_full, sizeof r_full, " %s (%s) %s ", u->x->actor.user,
	         ui_role(u->x->actor.role), today);
	snprintf(r_short, sizeof r_short, " %s %s ", u->x->actor.user, today);
	/* The tight layout: the right part ends at the last column. */
	snprintf(r_tight, sizeof r_tight, " %s (%s) %s", u->x->actor.user,
	         ui_role(u->x->actor.role), today);
	int name = wdg_width(" bzj"), tfull = tabs_draw(u, w, 0, true, false, true),
	    ttight = tabs_draw(u, w, 0, true, true, true),
	    tshort = tabs_draw(u, w, 0, false, false, true);
	const struct {
		bool name, tabs, tight;
		const char *right;
		int db;	   /* columns of the path it wants at least */
		int slack; /* columns left free between the tabs and the right part */
	} ways[] = {
	    {true, true, false, r_full, dbw < 24 ? dbw : 24, 1},
	    {false, true, false, r_full, dbw < 8 ? dbw : 8, 1},
	    {false, true, false, r_full, 0, 1},
	    {false, true, true, r_tight, 0, 0},
	    {false, true, false, r_short, 0, 1},
	    {false, false, false, r_full, 0, 1},
	    {false, false, false, r_short, 0, 1},
	};
	size_t k = 0;
	for (; k + 1 < sizeof ways / sizeof ways[0]; k++)
		if ((ways[k].name ? name : 0) +
		        (ways[k].tight ? ttight : ways[k].tabs ? tfull : tshort) + ways[k].db +
		        wdg_width(ways[k].right) + ways[k].slack <=
		    u->cols)
			break;
	const char *right = ways[k].right;
	int rw = wdg_width(right);
	int x = ways[k].name ? wdg_puts(w, 0, 0, " bzj", u->cols) : 0;
	x = tabs_draw(u, w, x, ways[k].tabs, ways[k].tight, false);
	int room = u->cols - x - rw - 1;
	if (room >= 4 && n) {
		/* The database path; its tail when it does not fit. */
		const wchar_t *el = L"";
		if (dbw > room) {
			el = wdg_ellipsis();
			while (i < n && wdg_wswidth(db + i, n - i) > room - 1)
				i++;
		}
		int pw = wdg_wswidth(el, wcslen(el)) + wdg_wswidth(db + i, n - i);
		wmove(w, 0, u->cols - rw - pw);
		waddnwstr(w, el, -1);
		waddnwstr(w, db + i, (int)(n - i));
	}
	if (u->cols - x - rw >= 0)
		wdg_puts(w, 0, u->cols - rw, right, u->cols);
	ui_style(w, u, ST_NORMAL);
}

/* One hint per action of the panel the role may run, in table order;
 * neighbours with the same label merge into one ("b/c/o/p Filter"). */
static int hint_add(ui *u, WINDOW *w, int x, int right, const char *keys, const char *label)
{
	int need = wdg_width(keys) + 1 + wdg_width(label) + 2;
	if (x + need > right)
		return -1;
	ui_style(w, u, ST_KEY);
	x = wdg_puts(w, 0, x, keys, right);
	ui_style(w, u, ST_NORMAL);
	x = wdg_puts(w, 0, x + 1, label, right);
	return x + 2;
}

static void draw_hints(ui *u, WINDOW *w)
{
	int bit = ui_panel_bit(u), x = 1;
	char help[64], hk[16], quit[64], qk[16];
	snprintf(help, sizeof help, "%s %s", keymap_keys_str(&u->km, ACT_HELP, 1, hk, sizeof hk),
	         _(ui_actions[ACT_HELP].label));
	snprintf(quit, sizeof quit, "%s %s", keymap_keys_str(&u->km, ACT_QUIT, 1, qk, sizeof qk),
	         _(ui_actions[ACT_QUIT].label));
	int right = u->cols - wdg_width(help) - wdg_width(quit) - 4;

	for (int a = 0; a < ACT_COUNT && x >= 0;) {
		const ui_action_def *d = &ui_actions[a];
		if (!(d->panels & bit) || !(d->flags & AF_HINT) || (d->flags & AF_GLOB) ||
		    !ui_can(u, a) || (panels[u->panel]->offers && !panels[u->panel]->offers(u, a))) {
			a++;
			continue;
		}
		char keys[64] = "", k[16];
		int b = a;
		for (; b < ACT_COUNT && ui_actions[b].label == d->label &&
		       (ui_actions[b].panels & bit) && ui_can(u, b);
		     b++) {
			size_t l = strlen(keys);
			snprintf(keys + l, sizeof keys - l, "%s%s", l ? "/" : "",
			         keymap_keys_str(&u->km, b, 1, k, sizeof k));
		}
		x = hint_add(u, w, x, right, keys, _(d->label));
		a = b;
	}
	x = u->cols - wdg_width(help) - wdg_width(quit) - 3;
	x = hint_add(u, w, x, u->cols + 2, hk, _(ui_actions[ACT_HELP].label));
	hint_add(u, w, x, u->cols + 2, qk, _(ui_actions[ACT_QUIT].label));
}

static void draw_status(ui *u)
{
	WINDOW *w = u->wstatus;
	werase(w);
	if (u->msg[0]) {
		ui_style(w, u, u->msg_style);
		wdg_put(w, 0, 0, u->msg, u->cols, WDG_LEFT);
		ui_style(w, u, ST_NORMAL);
	} else if (u->hint_override) {
		wdg_puts(w, 0, 1, u->hint_override, u->cols);
	} else {
		draw_hints(u, w);
	}
}

static void small_line(void *ctx, int i, const wchar_t *line, size_t len)
{
	ui *u = ctx;
	if (i < u->lines)
		mvwaddnwstr(u->wbody, i, 0, line, (int)len);
}

static void draw_small(ui *u)
{
	char m[400];
	werase(u->wbody);
	snprintf(m, sizeof m, _("The terminal is %dx%d; bzj needs at least %dx%d."), COLS, LINES,
	         UI_MIN_COLS, UI_MIN_LINES);
	size_t l = strlen(m);
	snprintf(m + l, sizeof m - l, " %s", _("Make the window larger, or press Q to quit."));
	ui_style(u->wbody, u, ST_WARN);
	wdg_wrap(m, u->cols, small_line, u);
	ui_style(u->wbody, u, ST_NORMAL);
}

static void redraw(ui *u, int rd)
{
	if (rd & RD_FULL)
		clearok(curscr, TRUE);
	if (rd & RD_TITLE) {
		draw_title(u);
		wnoutrefresh(u->wtitle);
	}
	if (rd & RD_BODY) {
		u->want_cursor = false;
		if (u->small) {
			draw_small(u);
		} else {
			werase(u->wbody);
			panels[u->panel]->draw(u, u->wbody);
		}
		wnoutrefresh(u->wbody);
	}
	if (rd & (RD_STATUS | RD_BODY)) {
		draw_status(u);
		wnoutrefresh(u->wstatus);
	}
	if (u->want_cursor && !u->small) {
		curs_set(1);
		wmove(u->wbody, u->cur_y, u->cur_x);
		wnoutrefresh(u->wbody);
	} else {
		curs_set(0);
	}
	doupdate();
}

void ui_repaint(ui *u) { redraw(u, RD_ALL); }

void ui_touch(ui *u)
{
	WINDOW *ws[] = {u->wtitle, u->wbody, u->wstatus};
	for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
		touchwin(ws[i]);
		wnoutrefresh(ws[i]);
	}
}

/* ---- input ------------------------------------------------------------- */

static void on_resize(ui *u)
{
	layout(u);
	clearok(curscr, TRUE);
	redraw(u, RD_ALL);
}

int ui_getkey(ui *u, WINDOW *w)
{
	wint_t ch;
	int r;
	if (u->hangup)
		return UI_KEY_HANGUP;
	/* A blocking read fails only when interrupted (read again) or when
	 * the terminal is gone (an SSH session dropped with SIGHUP ignored):
	 * then every read fails at once, so stop instead of spinning. */
	while ((errno = 0, r = wget_wch(w, &ch)) == ERR) {
		if (errno != EINTR) {
			u->hangup = true;
			return UI_KEY_HANGUP;
		}
	}
	int key = keymap_from_input(r, (unsigned)ch);
	if (key == KEYMAP_FKEY(KEY_RESIZE))
		on_resize(u);
	return key;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int ui_getkey_idle(ui *u, WINDOW *w, int ms)
{
	/* Consecutive reads that failed at once: a terminal that is gone
	 * answers every read immediately, an idle one only after ms. */
	static int fast_errors;
	wint_t ch;
	if (u->hangup)
		return UI_KEY_HANGUP;
	long long t0 = now_ms();
	wtimeout(w, ms);
	int r = wget_wch(w, &ch);
	wtimeout(w, -1);
	if (r == ERR) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		bool gone = poll(&p, 1, 0) >= 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
		fast_errors = now_ms() - t0 < ms / 2 ? fast_errors + 1 : 0;
		if (gone || fast_errors > 20) {
			u->hangup = true;
			return UI_KEY_HANGUP;
		}
		return UI_KEY_IDLE;
	}
	fast_errors = 0;
	int key = keymap_from_input(r, (unsigned)ch);
	if (key == KEYMAP_FKEY(KEY_RESIZE))
		on_resize(u);
	return key;
}

int ui_pending_key(ui *u, WINDOW *w)
{
	wint_t ch;
	(void)u;
	nodelay(w, TRUE);
	int r = wget_wch(w, &ch);
	nodelay(w, FALSE);
	if (r == ERR)
		return -1;
	return keymap_from_input(r, (unsigned)ch);
}

void ui_unget_key(int key)
{
	if (key >= KEYMAP_FKEY(0))
		ungetch(key - KEYMAP_FKEY(0));
	else
		unget_wch((wchar_t)key);
}

/* ---- help overlay ------------------------------------------------------ */

typedef struct help_line {
	int action; /* or -1 for a heading, -2 for a legend line */
	const char *heading;
} help_line;

static const char *help_title(ui *u)
{
	const panel_ops *p = panels[u->panel];
	return p->screen_title ? p->screen_title(u) : _(p->title);
}

static int help_collect(ui *u, help_line *out, int max)
{
	int n = 0, bit = ui_panel_bit(u);
	static const struct {
		int flag;
		const char *title;
	} parts[] = {
	    {0, NULL},
	    {AF_NAV, N_("Moving")},
	    {AF_GLOB, N_("Everywhere")},
	};
	for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
		if (n < max)
			out[n++] = (help_line){-1, parts[p].title ? _(parts[p].title) : help_title(u)};
		for (int a = 0; a < ACT_COUNT && n < max; a++) {
			const ui_action_def *d = &ui_actions[a];
			int kind = d->flags & (AF_NAV | AF_GLOB);
			if ((d->panels & bit) && kind == parts[p].flag && ui_can(u, a))
				out[n++] = (help_line){a, NULL};
		}
		const char *const *lg = panels[u->panel]->legend;
		if (p == 0 && lg) {
			if (n < max)
				out[n++] = (help_line){-1, _("Legend")};
			for (; *lg && n < max; lg++)
				out[n++] = (help_line){-2, _(*lg)};
		}
	}
	return n;
}

static void help_draw(ui *u, WINDOW *w, const help_line *hl, int n, int top)
{
	int kw = 12;
	werase(w);
	box(w, 0, 0);
	char t[128];
	snprintf(t, sizeof t, _(" Keys: %s "), help_title(u));
	ui_style(w, u, ST_BAR);
	wdg_puts(w, 0, 2, t, getmaxx(w) - 2);
	ui_style(w, u, ST_NORMAL);
	int h = getmaxy(w) - 3, wd = getmaxx(w) - 4;
	for (int i = 0; i < h && top + i < n; i++) {
		const help_line *l = &hl[top + i];
		if (l->action == -2) {
			wdg_put(w, 1 + i, 4, l->heading, wd - 2, WDG_LEFT);
			continue;
		}
		if (l->action < 0) {
			ui_style(w, u, ST_SECTION);
			wdg_put(w, 1 + i, 2, l->heading, wd, WDG_LEFT);
			ui_style(w, u, ST_NORMAL);
			continue;
		}
		char keys[96];
		keymap_keys_str(&u->km, l->action, 0, keys, sizeof keys);
		ui_style(w, u, ST_KEY);
		wdg_put(w, 1 + i, 4, keys, kw, WDG_LEFT);
		ui_style(w, u, ST_NORMAL);
		wdg_put(w, 1 + i, 4 + kw + 1, _(ui_actions[l->action].help), wd - kw - 3, WDG_LEFT);
	}
	ui_style(w, u, ST_DIM);
	char foot[160];
	snprintf(foot, sizeof foot, _("%d-%d of %d  Up/Down scroll, any other key closes"),
	         n ? top + 1 : 0, top + h < n ? top + h : n, n);
	wdg_put(w, getmaxy(w) - 2, 2, foot, wd, WDG_LEFT);
	ui_style(w, u, ST_NORMAL);
}

static int show_help(ui *u)
{
	help_line hl[ACT_COUNT + 24];
	int n = help_collect(u, hl, ACT_COUNT + 24), top = 0;
	for (;;) {
		int h = LINES - 2, wd = COLS;
		if (h < 5 || wd < 20)
			return RD_ALL;
		WINDOW *w = newwin(h, wd, 1, 0);
		int page = h - 3;
		if (top > n - page)
			top = n - page;
		if (top < 0)
			top = 0;
		help_draw(u, w, hl, n, top);
		wnoutrefresh(w);
		doupdate();
		keypad(w, TRUE);
		int key = ui_getkey(u, w);
		delwin(w);
		if (key == KEYMAP_FKEY(KEY_RESIZE))
			continue;
		int a = keymap_lookup(&u->km, PB_ALL, key);
		if (a == ACT_DOWN)
			top++;
		else if (a == ACT_UP)
			top--;
		else if (a == ACT_PAGE_DOWN)
			top += page;
		else if (a == ACT_PAGE_UP)
			top -= page;
		else
			break;
	}
	return RD_ALL;
}

/* ---- dispatch ---------------------------------------------------------- */

static int global_action(ui *u, int a, int key)
{
	bzj_err e;
	switch (a) {
	case ACT_QUIT:
		return RD_QUIT;
	case ACT_BACK:
		return go_back(u, key);
	case ACT_HELP:
		return show_help(u);
	case ACT_REDRAW:
		return RD_ALL | RD_FULL;
	case ACT_RELOAD:
		bzj_err_clear(&e);
		if (bzj_ctx_reload(u->x, &e))
			return ui_refused(u, &e);
		ui_msg(u, ST_DIM, _("Reloaded"));
		return ui_changed(u);
	case ACT_NEXT_PANEL:
		return switch_panel(u, (u->panel + 1) % PANEL_COUNT);
	case ACT_PREV_PANEL:
		return switch_panel(u, (u->panel + PANEL_COUNT - 1) % PANEL_COUNT);
	case ACT_PANEL_SHOPS:
	case ACT_PANEL_DETAIL:
	case ACT_PANEL_REFUNDS:
	case ACT_PANEL_VIOLATIONS:
	case ACT_PANEL_PROVIDERS:
		return switch_panel(u, a - ACT_PANEL_SHOPS);
	default:
		return -1;
	}
}

static int dispatch(ui *u, int key)
{
	const panel_ops *p = panels[u->panel];
	int r;

	if (u->small) {
		int a = keymap_lookup(&u->km, PB_ALL, key);
		return a == ACT_QUIT || a == ACT_BACK ? RD_QUIT : RD_NONE;
	}
	if (p->key && (r = p->key(u, key)) >= 0)
		return r;
	int a = keymap_lookup(&u->km, ui_panel_bit(u), key);
	if (a == ACT_NONE) {
		char kn[32], hk[16];
		ui_msg(u, ST_DIM, _("%s does nothing here; %s shows the keys"),
		       keymap_key_name(key, kn, sizeof kn),
		       keymap_keys_str(&u->km, ACT_HELP, 1, hk, sizeof hk));
		return RD_STATUS;
	}
	if (!ui_can(u, a)) {
		bzj_err e;
		bzj_auth_require(&u->x->actor, ui_actions[a].perm, _(ui_actions[a].help), &e);
		ui_msg(u, ST_ERR, "%s", e.msg);
		return RD_STATUS;
	}
	if ((r = global_action(u, a, key)) >= 0)
		return r;
	if ((ui_actions[a].flags & AF_SEL) && p->has_sel && !p->has_sel(u)) {
		ui_msg(u, ST_DIM, _("Nothing is selected"));
		return RD_STATUS;
	}
	return p->act(u, a);
}

static void keys_from_config(ui *u, const bzj_config *cfg)
{
	char err[200];
	keymap_defaults(&u->km);
	if (cfg && cfg->keys && cfg->nkeys &&
	    keymap_apply(&u->km, cfg->keys, cfg->nkeys, err, sizeof err) > 0)
		ui_msg(u, ST_ERR, _("Config: %s (default keys kept)"), err);
}

/* How often an idle console looks for other operators' changes. */
#define LIVE_MS 1000

static int run(ui *u)
{
	int rd = RD_ALL;
	for (int p = 0; p < PANEL_COUNT; p++)
		u->stale[p] = true;
	rd |= panel_enter(u, PANEL_SHOPS);
	bzj_ctx_others_changed(u->x); /* where things stand now */
	int warm = 0;
	for (;;) {
		redraw(u, rd);
		int key = ui_getkey_idle(u, u->wbody, warm < WARM_COUNT ? WARM_MS : LIVE_MS);
		if (key == UI_KEY_HANGUP)
			return 0;
		rd = RD_NONE;
		if (key == UI_KEY_IDLE && warm < WARM_COUNT) {
			warm_up(u, warm_panels[warm++]);
			continue;
		}
		if (key == UI_KEY_IDLE) {
			/* Other operators' changes show by themselves: one cheap
			 * look a second at SQLite's data_version; only a change
			 * reloads the panel, and ncurses then sends only the cells
			 * that differ (nothing at all when none does). */
			if (bzj_ctx_others_changed(u->x))
				rd = ui_changed(u);
			continue;
		}
		if (u->msg[0]) {
			/* The message has been read: clear it now, so a dialog
			 * the key opens does not sit over a stale one. */
			u->msg[0] = 0;
			draw_status(u);
			wnoutrefresh(u->wstatus);
			rd = RD_STATUS;
		}
		if (key == KEYMAP_FKEY(KEY_RESIZE)) {
			rd = RD_ALL;
			continue;
		}
		rd |= dispatch(u, key);
		if (rd & RD_QUIT)
			return 0;
	}
}

int bzj_console_run(bzj_ctx *x, const bzj_config *cfg, const char *db_path)
{
	ui u;
	memset(&u, 0, sizeof u);
	u.x = x;
	u.db_path = db_path;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n",
		        _("bzj: the console needs a terminal; run a command instead (bzj --help)"));
		return BZJ_EINPUT;
	}
	keys_from_config(&u, cfg ? cfg : x->cfg);
	wdg_init();
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		const char *t = getenv("TERM");
		fprintf(stderr, _("bzj: cannot use the terminal type '%s'\n"), t ? t : "");
		return BZJ_EINPUT;
	}
	set_term(scr);
	if (!getenv("ESCDELAY"))
		set_escdelay(25); /* Esc answers at once; sequences still parse */
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	curs_set(0);
	styles_init(&u);
	layout(&u);
	int rc = run(&u);
	delwin(u.wtitle);
	delwin(u.wbody);
	delwin(u.wstatus);
	endwin();
	delscreen(scr);
	return rc;
}
