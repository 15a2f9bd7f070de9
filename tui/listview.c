/* listview.c - the shared scrolling list of the console's panels; see
 * listview.h for the two ways it holds rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listview.h"
#include "widget.h"

#define ROW(v, i) ((v)->rows + (size_t)(i) * (v)->ops->row_size)

void *lv_row(const listview *v, int i) { return ROW(v, i); }

void *lv_sel(const listview *v) { return v->l.n ? ROW(v, v->l.cur) : NULL; }

int64_t lv_pos(const listview *v) { return v->l.n ? v->base + v->l.cur + 1 : 0; }

void lv_select(listview *v, int i)
{
	v->l.cur = i;
	ui_list_fix(&v->l);
}

void lv_free(listview *v)
{
	free(v->rows);
	free(v->page);
	v->rows = v->page = NULL;
	v->cap = v->l.n = 0;
}

static int fail(listview *v, ui *u, const bzj_err *e)
{
	snprintf(v->err, sizeof v->err, "%s", e->msg);
	ui_msg(u, ST_ERR, "%s", e->msg);
	return RD_ALL;
}

/* Room for `need` rows (append lists grow; a window is allocated once). */
static bool room(listview *v, int need)
{
	size_t rs = v->ops->row_size;
	if (v->ops->bidir) {
		if (!v->rows) {
			v->rows = malloc(rs * LV_BUF_MAX);
			v->page = malloc(rs * LV_PAGE);
			if (!v->rows || !v->page) {
				lv_free(v);
				return false;
			}
			v->cap = LV_BUF_MAX;
		}
		return need <= v->cap;
	}
	if (need <= v->cap)
		return true;
	int cap = v->cap ? v->cap * 2 : LV_PAGE * 2;
	while (cap < need)
		cap *= 2;
	char *p = realloc(v->rows, rs * (size_t)cap);
	if (!p)
		return false;
	v->rows = p;
	v->cap = cap;
	return true;
}

static int nomem(listview *v, ui *u)
{
	bzj_err e;
	bzj_fail(&e, BZJ_EIO, "nomem", _("out of memory"));
	return fail(v, u, &e);
}

/* Fetch into the scratch page (bidir) or after the loaded rows (append). */
static int fetch(listview *v, ui *u, const void *after, bool backward, void *out, int max, int *n)
{
	bzj_err e;
	*n = 0;
	if (v->ops->fetch(u, after, backward, out, max, n, &e)) {
		*n = 0;
		v->at_end = true;
		return fail(v, u, &e);
	}
	return 0;
}

static int count(listview *v, ui *u, const void *pos_of, int64_t *pos)
{
	bzj_err e;
	if (!v->ops->count) {
		v->total = -1;
		return 0;
	}
	if (v->ops->count(u, pos_of, &v->total, pos, &e))
		return fail(v, u, &e);
	return 0;
}

/* The first load reads what the body shows (and one row more, so the
 * first move down needs no read), not a whole page: the console's first
 * screen is on the clock (the bench compares it with the sqlite3 shell
 * running the same LIMIT 20 query), and so is a queue's first load (on
 * PostgreSQL at 1,000,000 shops the refund queue's 100 rows took 21-40 ms
 * of cold reads).  The rest comes a page at a time as the operator moves
 * down (fetch_next; an append list's lv_more), and lv_draw fills a body
 * that grew since. */
static int first_page(const ui *u)
{
	return u->lines > 0 && u->lines + 1 < LV_PAGE ? u->lines + 1 : LV_PAGE;
}

/* ---- append lists --------------------------------------------------------- */

bool lv_more(listview *v, ui *u)
{
	int n;
	if (v->ops->bidir || v->at_end || v->l.n >= LV_MAX_ROWS)
		return false;
	if (!room(v, v->l.n + LV_PAGE)) {
		nomem(v, u);
		v->at_end = true;
		return false;
	}
	if (fetch(v, u, v->l.n ? ROW(v, v->l.n - 1) : NULL, false, ROW(v, v->l.n), LV_PAGE, &n))
		return false;
	v->l.n += n;
	v->at_end = n < LV_PAGE;
	return n > 0;
}

static int append_reload(listview *v, ui *u)
{
	size_t rs = v->ops->row_size;
	void *was = v->l.n ? malloc(rs) : NULL;
	if (was)
		memcpy(was, ROW(v, v->l.cur), rs);
	/* as many rows as were shown, or a first screen's */
	int want = v->l.n > first_page(u) ? v->l.n : first_page(u), oldcur = v->l.cur, n = 0;
	v->err[0] = 0;
	v->l.n = 0;
	v->at_end = false;
	if (!room(v, want)) {
		free(was);
		return nomem(v, u);
	}
	if (!fetch(v, u, NULL, false, v->rows, want, &n)) {
		v->l.n = n;
		v->at_end = n < want;
	}
	count(v, u, NULL, NULL);
	v->l.cur = oldcur;
	for (int i = 0; was && i < v->l.n; i++)
		if (v->ops->same(ROW(v, i), was))
			v->l.cur = i;
	free(was);
	ui_list_fix(&v->l);
	return RD_ALL;
}

/* ---- windowed lists ---------------------------------------------------------- */

static int load_first(listview *v, ui *u)
{
	int n, want = first_page(u);
	v->err[0] = 0;
	v->l.n = v->l.cur = v->l.top = 0;
	v->base = 0;
	if (!room(v, LV_PAGE))
		return nomem(v, u);
	if (fetch(v, u, NULL, false, v->page, want, &n) || count(v, u, NULL, NULL))
		return RD_ALL;
	memcpy(v->rows, v->page, v->ops->row_size * (size_t)n);
	v->l.n = n;
	v->at_start = true;
	v->at_end = n < want;
	return RD_BODY | RD_STATUS;
}

int lv_last(listview *v, ui *u)
{
	int n;
	if (!v->ops->bidir) {
		while (lv_more(v, u))
			;
		v->l.cur = v->l.n - 1;
		ui_list_fix(&v->l);
		return RD_BODY | RD_STATUS;
	}
	v->err[0] = 0;
	if (!room(v, LV_PAGE))
		return nomem(v, u);
	if (fetch(v, u, NULL, true, v->page, LV_PAGE, &n) || count(v, u, NULL, NULL))
		return RD_ALL;
	memcpy(v->rows, v->page, v->ops->row_size * (size_t)n);
	v->l.n = n;
	v->l.cur = n - 1;
	v->at_end = true;
	v->at_start = n < LV_PAGE;
	v->base = v->at_start ? 0 : v->total - n;
	ui_list_fix(&v->l);
	return RD_BODY | RD_STATUS;
}

/* Append the page after the last row, dropping rows off the front. */
static bool fetch_next(listview *v, ui *u)
{
	int n;
	size_t rs = v->ops->row_size;
	if (v->at_end || v->l.n == 0 || fetch(v, u, ROW(v, v->l.n - 1), false, v->page, LV_PAGE, &n))
		return false;
	v->at_end = n < LV_PAGE;
	int drop = v->l.n + n - LV_BUF_MAX;
	if (drop > 0) {
		memmove(v->rows, ROW(v, drop), rs * (size_t)(v->l.n - drop));
		v->l.n -= drop;
		v->l.cur -= drop;
		v->l.top -= drop;
		v->base += drop;
		v->at_start = false;
	}
	memcpy(ROW(v, v->l.n), v->page, rs * (size_t)n);
	v->l.n += n;
	return n > 0;
}

/* Prepend the page before the first row, dropping rows off the end. */
static bool fetch_prev(listview *v, ui *u)
{
	int n;
	size_t rs = v->ops->row_size;
	if (v->at_start || v->l.n == 0 || fetch(v, u, ROW(v, 0), true, v->page, LV_PAGE, &n))
		return false;
	v->at_start = n < LV_PAGE;
	int keep = v->l.n;
	if (keep + n > LV_BUF_MAX) {
		keep = LV_BUF_MAX - n;
		v->at_end = false;
	}
	memmove(ROW(v, n), v->rows, rs * (size_t)keep);
	memcpy(v->rows, v->page, rs * (size_t)n);
	v->l.n = keep + n;
	v->l.cur += n;
	v->l.top += n;
	v->base = v->at_start ? 0 : v->base - n;
	return n > 0;
}

/* Refetch around the selected row: half a page before it, a page from
 * there on. */
static int window_reload(listview *v, ui *u)
{
	if (v->l.n == 0)
		return load_first(v, u);
	size_t rs = v->ops->row_size;
	enum { HALF = LV_PAGE / 2 };
	char *sel = malloc(rs), *before = malloc(rs * HALF);
	int row_on_screen = v->l.cur - v->l.top, nb, nf, rd = RD_BODY | RD_STATUS;
	if (!sel || !before) {
		free(sel);
		free(before);
		return nomem(v, u);
	}
	memcpy(sel, ROW(v, v->l.cur), rs);
	v->err[0] = 0;
	if (fetch(v, u, sel, true, v->page, HALF, &nb)) {
		rd = RD_ALL;
		goto out;
	}
	memcpy(before, v->page, rs * (size_t)nb);
	if (fetch(v, u, nb ? before + rs * (size_t)(nb - 1) : NULL, false, v->page, LV_PAGE, &nf)) {
		rd = RD_ALL;
		goto out;
	}
	memcpy(v->rows, before, rs * (size_t)nb);
	memcpy(ROW(v, nb), v->page, rs * (size_t)nf);
	v->l.n = nb + nf;
	v->at_start = nb < HALF;
	v->at_end = nf < LV_PAGE;
	v->l.cur = nb;
	for (int i = nb; i < v->l.n; i++)
		if (v->ops->same(ROW(v, i), sel))
			v->l.cur = i;
	v->l.top = v->l.cur - row_on_screen;
	int64_t pos = 0;
	if (count(v, u, v->l.n ? ROW(v, 0) : NULL, &pos)) {
		rd = RD_ALL;
		goto out;
	}
	v->base = v->l.n ? pos : 0;
	ui_list_fix(&v->l);
out:
	free(sel);
	free(before);
	return rd;
}

/* ---- both ------------------------------------------------------------------ */

int lv_reset(listview *v, ui *u)
{
	if (v->ops->bidir)
		return load_first(v, u);
	v->l.n = v->l.cur = v->l.top = 0;
	return append_reload(v, u);
}

int lv_reload(listview *v, ui *u)
{
	return v->ops->bidir ? window_reload(v, u) : append_reload(v, u);
}

int lv_move(listview *v, ui *u, int a)
{
	int step = a == ACT_PAGE_DOWN || a == ACT_PAGE_UP ? v->l.h : 1;
	switch (a) {
	case ACT_FIRST:
		if (v->ops->bidir && !v->at_start)
			return load_first(v, u);
		break;
	case ACT_LAST:
		if (!v->at_end)
			return lv_last(v, u);
		break;
	case ACT_DOWN:
	case ACT_PAGE_DOWN:
		if (v->ops->bidir)
			while (v->l.cur + step >= v->l.n && !v->at_end && fetch_next(v, u))
				;
		else
			while (v->l.cur + step >= v->l.n && lv_more(v, u))
				;
		break;
	case ACT_UP:
	case ACT_PAGE_UP:
		if (v->ops->bidir)
			while (v->l.cur - step < 0 && !v->at_start && fetch_prev(v, u))
				;
		break;
	default:
		break;
	}
	ui_list_move(&v->l, a);
	return RD_BODY | RD_STATUS;
}

/* ---- search as you type ---------------------------------------------------- */

static void search_end(ui *u, lv_search *s)
{
	s->on = false;
	u->hint_override = NULL;
}

int lv_search_start(ui *u, lv_search *s, const char *hint)
{
	snprintf(s->saved, sizeof s->saved, "%s", s->term);
	s->ed.maxbytes = 200;
	ledit_set(&s->ed, s->term);
	s->on = true;
	u->hint_override = hint;
	return RD_BODY | RD_STATUS;
}

int lv_search_key(ui *u, lv_search *s, int key, int (*reload)(ui *u))
{
	if (!s->on)
		return -1;
	if (key == KEYMAP_ENTER) {
		search_end(u, s);
		return RD_BODY | RD_STATUS;
	}
	if (key == KEYMAP_ESC) {
		search_end(u, s);
		snprintf(s->term, sizeof s->term, "%s", s->saved);
		return reload(u);
	}
	int r = ledit_key(&s->ed, key);
	if (r < 0) {
		/* Moving keeps the search and leaves the input. */
		search_end(u, s);
		return -1;
	}
	if (r == 0)
		return RD_BODY;
	/* Take whatever is already typed into one query. */
	for (int k; (k = ui_pending_key(u, u->wbody)) >= 0;) {
		if (k == KEYMAP_ESC || k == KEYMAP_ENTER || ledit_key(&s->ed, k) < 0) {
			ui_unget_key(k);
			break;
		}
	}
	ledit_get(&s->ed, s->term, sizeof s->term);
	return reload(u);
}

void lv_search_draw(ui *u, WINDOW *w, lv_search *s, int64_t found)
{
	char lbl[64], n[64];
	snprintf(lbl, sizeof lbl, "%s ", _("Search:"));
	ui_style(w, u, ST_BAR);
	mvwhline(w, 0, 0, ' ', u->cols);
	int x = wdg_puts(w, 0, 0, lbl, u->cols);
	ui_style(w, u, ST_NORMAL);
	wattron(w, A_UNDERLINE);
	int cx = ledit_draw(w, 0, x, u->cols / 2, &s->ed);
	wattroff(w, A_UNDERLINE);
	snprintf(n, sizeof n, _("%lld found"), (long long)found);
	wdg_puts(w, 0, x + u->cols / 2 + 2, n, u->cols);
	u->want_cursor = true;
	u->cur_y = 0;
	u->cur_x = cx;
}

void lv_draw(listview *v, ui *u, WINDOW *w, int y, int h, const char *empty)
{
	v->l.h = h - 1;
	ui_list_fix(&v->l);
	if (v->ops->bidir && !v->at_end && v->l.top + v->l.h > v->l.n)
		fetch_next(v, u); /* the body grew since the first load */
	if (v->ops->layout)
		v->ops->layout(u, v);
	v->ops->header(u, w, y);
	for (int i = 0; i < v->l.h && v->l.top + i < v->l.n; i++)
		v->ops->row(u, w, y + 1 + i, ROW(v, v->l.top + i), v->l.top + i == v->l.cur);
	if (v->err[0]) {
		ui_style(w, u, ST_ERR);
		wdg_puts(w, y + 1, 1, v->err, u->cols);
		ui_style(w, u, ST_NORMAL);
	} else if (!v->l.n && empty) {
		ui_style(w, u, ST_DIM);
		wdg_puts(w, y + 2, 2, empty, u->cols);
		ui_style(w, u, ST_NORMAL);
	}
}
