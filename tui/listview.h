/* listview.h - the one scrolling list every list panel shows (shops,
 * refunds, violations; providers next), after htop's Panel and tig's view:
 * the component owns the rows, the cursor, paging through the database and
 * drawing the rows; a panel supplies a table of operations (how to fetch a
 * page after or before a row, how to count, how to draw its header and one
 * row) and keeps only its own query and columns.
 *
 * Two ways of holding rows, chosen by lv_ops.bidir:
 *  - bidir: a window of at most LV_BUF_MAX rows fetched by keyset cursors
 *    in both directions around the selection, with the absolute position
 *    of the first row from ops->count (a million shops never load);
 *  - append: rows fetched forward a page at a time as the cursor reaches
 *    the end, up to LV_MAX_ROWS (queues an operator works through).
 * Either way a reload keeps the selected row under the cursor when it
 * still matches, and a failed fetch shows core's message in the list. */
#ifndef BZJ_TUI_LISTVIEW_H
#define BZJ_TUI_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialog.h"
#include "ui.h"

#define LV_PAGE 100
#define LV_BUF_MAX 400
#define LV_MAX_ROWS 50000

typedef struct listview listview;

typedef struct lv_ops {
	size_t row_size;
	bool bidir;
	/* Up to max rows in display order into out: after *after, or with
	 * backward before *after (still in display order); after == NULL
	 * means from the start (or, backward, the last rows).  Append lists
	 * are only asked forward. */
	int (*fetch)(ui *u, const void *after, bool backward, void *out, int max, int *n,
		     bzj_err *e);
	/* Optional: rows matching the query, and with pos_of the absolute
	 * position (0-based) of that row. */
	int (*count)(ui *u, const void *pos_of, int64_t *total, int64_t *pos, bzj_err *e);
	/* The same record (the selection survives reloads by it). */
	bool (*same)(const void *a, const void *b);
	/* Optional: size the columns from the visible rows, before drawing. */
	void (*layout)(ui *u, const listview *v);
	/* The header line at y, and one row at y. */
	void (*header)(ui *u, WINDOW *w, int y);
	void (*row)(ui *u, WINDOW *w, int y, const void *row, bool selected);
} lv_ops;

struct listview {
	const lv_ops *ops;
	char *rows; /* l.n rows of ops->row_size */
	int cap;
	char *page; /* bidir: scratch for one page */
	ui_list l;
	int64_t base;  /* bidir: absolute position of rows[0] */
	int64_t total; /* from ops->count; -1 when there is none */
	bool at_start, at_end;
	char err[600];
};

/* Row i of the loaded ones, and the selected row (NULL when empty). */
void *lv_row(const listview *v, int i);
void *lv_sel(const listview *v);
/* Absolute position (1-based) of the selection, 0 when empty. */
int64_t lv_pos(const listview *v);
/* The query changed: back to the first row.  Returns RD_ flags. */
int lv_reset(listview *v, ui *u);
/* Refetch, keeping the selected row under the cursor (reload, after a
 * change); a row that left the query gives way to its neighbour. */
int lv_reload(listview *v, ui *u);
/* The last rows (End). */
int lv_last(listview *v, ui *u);
/* Fetch one more page after the loaded rows (append lists); false at the
 * end or on error. */
bool lv_more(listview *v, ui *u);
/* A navigation action (ACT_UP ... ACT_LAST), fetching as it goes.
 * Returns RD_ flags. */
int lv_move(listview *v, ui *u, int action);
/* Put the cursor on loaded row i. */
void lv_select(listview *v, int i);
/* The header at y and the rows under it in h lines (h-1 rows); the
 * fetch error, or `empty` when there are no rows. */
void lv_draw(listview *v, ui *u, WINDOW *w, int y, int h, const char *empty);
void lv_free(listview *v);

/* Search as you type over a list (the shop list, the providers): the
 * term the panel's query uses, the input line on the panel's first line,
 * and what Esc goes back to.  Every keystroke that changes the term
 * (with whatever was typed ahead: a paste, an input method's word, in one
 * go) calls `reload`; Enter keeps the term; a moving key leaves the input
 * and is returned (-1) for the list to move. */
typedef struct lv_search {
	char term[LEDIT_MAX * 4 + 1];
	char saved[LEDIT_MAX * 4 + 1];
	bool on; /* the input line has the keys */
	ledit ed;
} lv_search;

int lv_search_start(ui *u, lv_search *s, const char *hint);
int lv_search_key(ui *u, lv_search *s, int key, int (*reload)(ui *u));
/* The input line over the panel's first line, with "N found". */
void lv_search_draw(ui *u, WINDOW *w, lv_search *s, int64_t found);

#endif
