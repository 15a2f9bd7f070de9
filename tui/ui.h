/* ui.h - what the console's panels and dialogs share (private to tui/).
 *
 * The screen is three windows: a title line, the body where the active
 * panel draws, and a status line.  Every panel implements panel_ops; the
 * main loop in console.c maps keys to actions through the keymap, checks
 * the action's role and selection in one place, calls the panel and
 * redraws what the returned flags name. */
#ifndef BZJ_TUI_UI_H
#define BZJ_TUI_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "bzj/ctx.h"
#include "bzj/i18n.h"
#include "bzj/shop.h"
#include "keymap.h"

/* Plural forms (xgettext --keyword=P_:1,2). */
#define P_(s, p, n) dngettext(BZJ_TEXTDOMAIN, s, p, (unsigned long)(n))
/* A word that translates differently by where it stands ("open" shop,
 * "open" violation): gettext's message context (xgettext --keyword=C_:1c,2). */
#define C_(ctx, s) ui_pgettext(ctx "\004" s, s)
const char *ui_pgettext(const char *ctx_and_id, const char *id);

/* What a handler asks the main loop to redraw. */
enum ui_redraw {
	RD_NONE = 0,
	RD_TITLE = 1,
	RD_BODY = 2,
	RD_STATUS = 4,
	RD_ALL = 7,
	RD_FULL = 8, /* repaint the terminal from scratch (^L, after a popup) */
	RD_QUIT = 16,
};

enum ui_style {
	ST_NORMAL,
	ST_TITLE,
	ST_TAB_ON,
	ST_HEADER,
	ST_BAR,
	ST_SEL,
	ST_WARN,
	ST_ERR,
	ST_OK,
	ST_DIM,
	ST_KEY,
	ST_SECTION,
	ST_COUNT,
};

enum ui_panel_id { PANEL_SHOPS, PANEL_DETAIL, PANEL_REFUNDS, PANEL_VIOL, PANEL_PROV, PANEL_COUNT };

/* Smallest terminal the layouts work in. */
#define UI_MIN_COLS 64
#define UI_MIN_LINES 16

typedef struct ui ui;

typedef struct panel_ops {
	const char *title; /* untranslated */
	int bit;           /* PB_ of keymap.h */
	/* (Re)fetch from the database; returns RD_ flags. */
	int (*load)(ui *u);
	/* Draw into u->wbody (u->lines x u->cols). */
	void (*draw)(ui *u, WINDOW *w);
	/* Run an action of this panel; returns RD_ flags. */
	int (*act)(ui *u, int action);
	/* Optional: sees keys before the keymap (search input); -1 = not taken. */
	int (*key)(ui *u, int key);
	/* Optional: is a row selected (for AF_SEL actions)? */
	bool (*has_sel)(ui *u);
	/* Optional: the shop of the selected row, NULL if none (2 and Tab
	 * show its detail). */
	const char *(*sel_shop)(ui *u);
	/* Optional: does the selected row offer this action now?  The status
	 * line leaves out the hints of actions it does not. */
	bool (*offers)(ui *u, int action);
	/* Optional: lines the help adds under "Legend" (untranslated). */
	const char *const *legend;
	/* Optional: the PB_ bit of the panel's current screen, when one panel
	 * holds several (the providers' list, detail and assessments); keys,
	 * hints and help follow it.  `bit` otherwise. */
	int (*screen_bit)(ui *u);
	/* Optional: the title of the current screen for the help. */
	const char *(*screen_title)(ui *u);
} panel_ops;

/* The PB_ bit of the current panel's current screen. */
int ui_panel_bit(const ui *u);

extern const panel_ops panel_shops, panel_detail, panel_refunds, panel_violations, panel_providers;

#define UI_BACK_MAX 16
#define UI_MSG_MAX 640 /* a status-line message, bytes */

struct ui {
	bzj_ctx *x;
	const char *db_path;
	keymap km;
	WINDOW *wtitle, *wbody, *wstatus;
	int lines, cols; /* body size */
	bool small;      /* the terminal is below the minimum */
	bool color;
	int panel; /* enum ui_panel_id */
	bool stale[PANEL_COUNT];
	char shop[BZJ_ID_MAX + 1];  /* the shop the detail panel shows */
	char vshop[BZJ_ID_MAX + 1]; /* violations of this shop; "" = all shops */
	struct {
		int panel;
		char shop[BZJ_ID_MAX + 1];
	} back[UI_BACK_MAX];
	int nback;
	char msg[UI_MSG_MAX]; /* status-line message until the next key */
	int msg_style;
	/* what a panel's load said while it was loaded ahead (console.c,
	 * warm_up), shown when the panel is entered */
	char ahead_msg[PANEL_COUNT][UI_MSG_MAX];
	int ahead_style[PANEL_COUNT];
	bool want_cursor; /* a panel placed the cursor for input */
	int cur_y, cur_x;
	const char *hint_override; /* status hints of a mode (search) */
	bool hangup;		   /* the terminal is gone */
};

/* Styles: attributes with colour when the terminal has it and NO_COLOR is
 * not set, reverse/bold otherwise. */
attr_t ui_attr(const ui *u, int style);
void ui_style(WINDOW *w, const ui *u, int style);

/* A one-line message in the status line until the next key. */
void ui_msg(ui *u, int style, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A refused or failed core call: core's own message, in a popup and in the
 * status line.  Returns RD_ALL | RD_FULL. */
int ui_refused(ui *u, const bzj_err *e);

/* May the user's role run this action? */
bool ui_can(const ui *u, int action);

/* Data was written: every panel refetches when shown; the current one now. */
int ui_changed(ui *u);
/* Go to a panel (pushing the current one for `back` when push is set). */
int ui_goto(ui *u, int panel, bool push);
int ui_open_shop(ui *u, const char *id);
int ui_open_violations(ui *u, const char *shop_id);

/* The violation form, preview and confirmation (view_violations.c);
 * shop_id NULL asks for the shop. */
int ui_violation_add(ui *u, const char *shop_id);
/* The Reports screen over the whole body (view_reports.c), from the
 * refund queue; returns RD_ flags. */
int ui_reports(ui *u);

/* Redraw everything now (dialogs call it after a resize). */
void ui_repaint(ui *u);
/* Queue the panel windows for output again (under a dialog whose size
 * changed); doupdate then sends only the cells that differ. */
void ui_touch(ui *u);
/* Blocking read of one key from w; handles KEY_RESIZE (re-layout and
 * repaint) and returns KEYMAP_FKEY(KEY_RESIZE) for it, and UI_KEY_HANGUP
 * (for good) once the terminal is gone: every loop must then end. */
#define UI_KEY_HANGUP (-2)
int ui_getkey(ui *u, WINDOW *w);
/* The same, but after `ms` milliseconds without input returns UI_KEY_IDLE
 * (the main loop's chance to look for other operators' changes). */
#define UI_KEY_IDLE (-3)
int ui_getkey_idle(ui *u, WINDOW *w, int ms);
/* A key already waiting (typed ahead or pasted), without blocking; -1 if
 * none.  Used to take a burst of typing in one query. */
int ui_pending_key(ui *u, WINDOW *w);
void ui_unget_key(int key);

/* Translated display names of core's enums. */
const char *ui_refund_status(int st);
const char *ui_refund_kind(int kind);
const char *ui_entity(int entity);
const char *ui_shop_status(int st);
const char *ui_vclass(int cls);
const char *ui_vstatus(int st);
const char *ui_ledger_kind(int kind);
const char *ui_role(int role);
const char *ui_check_item(int bit);
const char *ui_check_item_short(int bit);
const char *ui_payee_type(int type);
const char *ui_date(int32_t d, char *buf, size_t n);
/* A core error code turned into words (payee problems shown in lists). */
const char *ui_code_text(const char *code);

/* A scrolling cursor over n loaded rows, h of them visible. */
typedef struct ui_list {
	int n, cur, top, h;
} ui_list;
/* Keep cur inside [0, n) and visible. */
void ui_list_fix(ui_list *l);
/* Move for a navigation action; returns true if it did. */
bool ui_list_move(ui_list *l, int action);

/* The first body line of list panels: "title  pos/total  extra". */
void ui_panel_bar(ui *u, WINDOW *w, const char *left, const char *right);
/* A section rule "── title ──────" across the width. */
void ui_rule(ui *u, WINDOW *w, int y, const char *title);

#endif
