/* dialog.c - modal dialogs: a small form engine and the dialogs built on
 * it.  Each dialog is a window centred over the panel, redrawn after
 * every key; ncurses sends only what changed. */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "bzj/i18n.h"
#include "bzj/money.h"
#include "dialog.h"
#include "widget.h"

/* ---- line editor ------------------------------------------------------- */

static size_t mb_len(const wchar_t *w, int n)
{
	size_t bytes = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (int i = 0; i < n; i++) {
		char mb[MB_LEN_MAX];
		size_t r = wcrtomb(mb, w[i], &st);
		bytes += r == (size_t)-1 ? 1 : r;
	}
	return bytes;
}

void ledit_set(ledit *e, const char *utf8)
{
	size_t max = e->maxbytes;
	memset(e, 0, sizeof *e);
	e->maxbytes = max;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	const char *s = utf8 ? utf8 : "";
	size_t len = strlen(s);
	while (len > 0 && e->len < LEDIT_MAX) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, len, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
			break;
		if (wdg_wcwidth(wc) > 0)
			e->w[e->len++] = wc;
		s += r, len -= r;
	}
	e->w[e->len] = 0;
	e->cur = e->len;
}

char *ledit_get(const ledit *e, char *buf, size_t n)
{
	size_t o = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (int i = 0; i < e->len; i++) {
		char mb[MB_LEN_MAX];
		size_t r = wcrtomb(mb, e->w[i], &st);
		if (r == (size_t)-1 || o + r + 1 > n)
			break;
		memcpy(buf + o, mb, r);
		o += r;
	}
	if (n > 0)
		buf[o] = 0;
	return buf;
}

static bool ledit_insert(ledit *e, wchar_t c)
{
	size_t max = e->maxbytes ? e->maxbytes : LEDIT_MAX * 4;
	if (e->len >= LEDIT_MAX || mb_len(e->w, e->len) + mb_len(&c, 1) > max) {
		e->full = true;
		return false;
	}
	e->full = false;
	memmove(e->w + e->cur + 1, e->w + e->cur, sizeof(wchar_t) * (size_t)(e->len - e->cur));
	e->w[e->cur++] = c;
	e->w[++e->len] = 0;
	return true;
}

static void ledit_delete(ledit *e, int from, int to)
{
	if (from < 0)
		from = 0;
	if (to > e->len)
		to = e->len;
	if (from >= to)
		return;
	memmove(e->w + from, e->w + to, sizeof(wchar_t) * (size_t)(e->len - to));
	e->len -= to - from;
	e->w[e->len] = 0;
	if (e->cur > to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
}

int ledit_key(ledit *e, int key)
{
	int old = e->cur;
	switch (key) {
	case KEYMAP_FKEY(KEY_LEFT):
		e->cur -= e->cur > 0;
		return e->cur != old ? 0 : 0;
	case KEYMAP_FKEY(KEY_RIGHT):
		e->cur += e->cur < e->len;
		return 0;
	case KEYMAP_FKEY(KEY_HOME):
	case 'A' & 0x1f:
		e->cur = 0;
		return 0;
	case KEYMAP_FKEY(KEY_END):
	case 'E' & 0x1f:
		e->cur = e->len;
		return 0;
	case KEYMAP_FKEY(KEY_BACKSPACE):
		if (e->cur == 0)
			return 0;
		ledit_delete(e, e->cur - 1, e->cur);
		return 1;
	case KEYMAP_FKEY(KEY_DC):
	case 'D' & 0x1f:
		if (e->cur == e->len)
			return 0;
		ledit_delete(e, e->cur, e->cur + 1);
		return 1;
	case 'U' & 0x1f:
		ledit_delete(e, 0, e->cur);
		return 1;
	case 'K' & 0x1f:
		ledit_delete(e, e->cur, e->len);
		return 1;
	case 'W' & 0x1f: {
		int p = e->cur;
		while (p > 0 && e->w[p - 1] == L' ')
			p--;
		while (p > 0 && e->w[p - 1] != L' ')
			p--;
		ledit_delete(e, p, e->cur);
		return 1;
	}
	default:
		break;
	}
	if (key >= 32 && key < 0x110000 && key != 127 && iswprint((wint_t)key) &&
	    wdg_wcwidth((wchar_t)key) > 0)
		return ledit_insert(e, (wchar_t)key) ? 1 : 0;
	return -1;
}

int ledit_draw(WINDOW *w, int y, int x, int width, ledit *e)
{
	if (width < 2)
		width = 2;
	if (e->cur < e->scroll)
		e->scroll = e->cur;
	while (e->scroll < e->cur &&
	       wdg_wswidth(e->w + e->scroll, (size_t)(e->cur - e->scroll)) > width - 1)
		e->scroll++;
	int used = 0;
	size_t k = wdg_fit(e->w + e->scroll, (size_t)(e->len - e->scroll), width, &used);
	wmove(w, y, x);
	waddnwstr(w, e->w + e->scroll, (int)k);
	for (int i = used; i < width; i++)
		waddch(w, ' ');
	return x + wdg_wswidth(e->w + e->scroll, (size_t)(e->cur - e->scroll));
}

/* ---- form engine ------------------------------------------------------- */

#define DLG_LINES 40
#define DLG_LINEW 256

typedef struct dlg_text {
	wchar_t l[DLG_LINES][DLG_LINEW];
	size_t len[DLG_LINES];
	int n;
} dlg_text;

static void text_line(void *ctx, int i, const wchar_t *line, size_t len)
{
	dlg_text *t = ctx;
	(void)i;
	if (t->n >= DLG_LINES)
		return;
	if (len >= DLG_LINEW)
		len = DLG_LINEW - 1;
	wmemcpy(t->l[t->n], line, len);
	t->l[t->n][len] = 0;
	t->len[t->n++] = len;
}

/* Lay text out in `width` columns, each paragraph wrapped. */
static void text_layout(dlg_text *t, const char *s, int width)
{
	char para[1024];
	t->n = 0;
	while (s && *s && t->n < DLG_LINES) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		if (l >= sizeof para)
			l = sizeof para - 1;
		memcpy(para, s, l);
		para[l] = 0;
		if (!*para)
			text_line(t, 0, L"", 0);
		else
			wdg_wrap(para, width, text_line, t);
		s = nl ? nl + 1 : NULL;
	}
}

static int text_maxw(const char *s)
{
	char line[1024];
	int m = 0;
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		if (l >= sizeof line)
			l = sizeof line - 1;
		memcpy(line, s, l);
		line[l] = 0;
		int w = wdg_width(line);
		m = w > m ? w : m;
		s = nl ? nl + 1 : NULL;
	}
	return m;
}

static bool focusable(const dlg_form *f, int i) { return i >= f->nf || f->f[i].type != DF_INFO; }

static int focus_next(const dlg_form *f, int i, int dir)
{
	int n = f->nf + f->nbuttons;
	for (int k = 0; k < n; k++) {
		i = (i + dir + n) % n;
		if (focusable(f, i))
			return i;
	}
	return i;
}

typedef struct geom {
	int h, w, y, x, labelw, body_y, field_y, msg_y, button_y;
	dlg_text body, msg;
} geom;

static int buttons_width(const dlg_form *f)
{
	int w = 0;
	for (int b = 0; b < f->nbuttons; b++)
		w += wdg_width(f->buttons[b]) + 6;
	return w;
}

static void form_geom(const dlg_form *f, geom *g)
{
	int maxw = COLS - 4 > 20 ? COLS - 4 : 20, want = 56;
	g->labelw = 0;
	for (int i = 0; i < f->nf; i++)
		if (f->f[i].type != DF_CHECK && f->f[i].type != DF_INFO) {
			int lw = wdg_width(f->f[i].label);
			g->labelw = lw > g->labelw ? lw : g->labelw;
		}
	int tw = wdg_width(f->title) + 8, bw = buttons_width(f) + 4;
	want = tw > want ? tw : want;
	want = bw > want ? bw : want;
	if (f->body_pre) {
		/* Tables set the width; longer lines still wrap. */
		int bw2 = text_maxw(f->body) + 4;
		bw2 = bw2 > 76 ? 76 : bw2;
		want = bw2 > want ? bw2 : want;
	}
	for (int i = 0; i < f->nf; i++) {
		int need = f->f[i].type == DF_CHECK || f->f[i].type == DF_INFO
		               ? wdg_width(f->f[i].label) + 10
		               : g->labelw + 30;
		want = need > want ? need : want;
	}
	g->w = want < maxw ? want : maxw;
	int inner = g->w - 4;
	text_layout(&g->body, f->body, inner);
	text_layout(&g->msg, f->msg[0] ? f->msg : NULL, inner);
	int h = 2 + g->body.n + (g->body.n && f->nf ? 1 : 0) + f->nf + 1 +
	        (g->msg.n ? g->msg.n + 1 : 0) + 1;
	int maxh = LINES - 2 > 6 ? LINES - 2 : 6;
	if (h > maxh) {
		/* Cut the body to fit the screen; the fields always show. */
		int cut = h - maxh;
		g->body.n = g->body.n > cut ? g->body.n - cut : 0;
		h = maxh;
	}
	g->h = h;
	g->y = (LINES - h) / 2;
	g->x = (COLS - g->w) / 2;
	g->body_y = 1;
	g->field_y = 1 + g->body.n + (g->body.n && f->nf ? 1 : 0);
	g->msg_y = g->field_y + f->nf + 1;
	g->button_y = h - 2;
}

static void draw_field(ui *u, WINDOW *w, const geom *g, dlg_field *fd, int y, bool focus, int *cx,
                       int *cy)
{
	int x = 2, inner = g->w - 4;
	char tmp[400];

	if (fd->type == DF_CHECK) {
		snprintf(tmp, sizeof tmp, "[%s] %s", *fd->check ? "x" : " ", fd->label);
		ui_style(w, u, focus ? ST_SEL : (fd->locked ? ST_DIM : ST_NORMAL));
		int e = wdg_puts(w, y, x, tmp, x + inner);
		ui_style(w, u, ST_DIM);
		if (fd->note && e + 2 < x + inner)
			wdg_puts(w, y, e + 2, fd->note, x + inner);
		ui_style(w, u, ST_NORMAL);
		return;
	}
	if (fd->type == DF_INFO) {
		wdg_put(w, y, x, fd->label, inner, WDG_LEFT);
		return;
	}
	ui_style(w, u, focus ? ST_KEY : ST_NORMAL);
	wdg_put(w, y, x, fd->label, g->labelw, WDG_LEFT);
	int fx = x + g->labelw + 2;
	int fw = inner - g->labelw - 2;
	int notew = fd->note ? wdg_width(fd->note) + 1 : 0;
	if (notew > fw / 2)
		notew = 0;
	fw -= notew;
	if (fd->type == DF_TEXT) {
		wattrset(w, (int)(A_UNDERLINE | (focus ? A_BOLD : 0)));
		int c = ledit_draw(w, y, fx, fw, &fd->ed);
		if (focus) {
			*cx = c;
			*cy = y;
		}
	} else {
		snprintf(tmp, sizeof tmp, "< %s >", fd->choices[*fd->choice]);
		ui_style(w, u, focus ? ST_SEL : ST_NORMAL);
		wdg_put(w, y, fx, tmp, wdg_width(tmp) < fw ? wdg_width(tmp) : fw, WDG_LEFT);
	}
	ui_style(w, u, ST_DIM);
	if (notew)
		wdg_puts(w, y, fx + fw + 1, fd->note, x + inner);
	ui_style(w, u, ST_NORMAL);
}

static void draw_text(WINDOW *w, const dlg_text *t, int y, int x)
{
	for (int i = 0; i < t->n; i++)
		mvwaddnwstr(w, y + i, x, t->l[i], (int)t->len[i]);
}

static void form_draw(ui *u, WINDOW *w, dlg_form *f, geom *g, int focus, int *cx, int *cy)
{
	char t[300];
	werase(w);
	box(w, 0, 0);
	snprintf(t, sizeof t, " %s ", f->title);
	ui_style(w, u, ST_BAR);
	wdg_puts(w, 0, 2, t, g->w - 2);
	ui_style(w, u, ST_NORMAL);
	draw_text(w, &g->body, g->body_y, 2);
	*cx = *cy = -1;
	for (int i = 0; i < f->nf; i++)
		draw_field(u, w, g, &f->f[i], g->field_y + i, focus == i, cx, cy);
	if (g->msg.n) {
		ui_style(w, u, f->msg_style);
		draw_text(w, &g->msg, g->msg_y, 2);
		ui_style(w, u, ST_NORMAL);
	}
	int bx = (g->w - buttons_width(f)) / 2 + 1;
	for (int b = 0; b < f->nbuttons; b++) {
		snprintf(t, sizeof t, "[ %s ]", f->buttons[b]);
		ui_style(w, u, focus == f->nf + b ? ST_SEL : ST_NORMAL);
		bx = wdg_puts(w, g->button_y, bx, t, g->w - 1) + 2;
	}
	ui_style(w, u, ST_DIM);
	const char *hint =
	    f->nf ? _(" Tab next · Space tick · Enter OK · Esc cancel ") : _(" Enter choose · Esc cancel ");
	int hw = wdg_width(hint);
	if (hw < g->w - 4)
		wdg_puts(w, g->h - 1, g->w - hw - 2, hint, g->w - 2);
	ui_style(w, u, ST_NORMAL);
}

static void fields_load(dlg_form *f)
{
	for (int i = 0; i < f->nf; i++) {
		dlg_field *fd = &f->f[i];
		if (fd->type == DF_TEXT) {
			fd->ed.maxbytes = fd->n > 0 ? fd->n - 1 : 0;
			ledit_set(&fd->ed, fd->buf);
		}
	}
}

static void fields_store(dlg_form *f)
{
	for (int i = 0; i < f->nf; i++)
		if (f->f[i].type == DF_TEXT)
			ledit_get(&f->f[i].ed, f->f[i].buf, f->f[i].n);
}

/* Press button b: returns b when the dialog closes, -1 to stay. */
static int press(dlg_form *f, int b)
{
	fields_store(f);
	if (b == f->cancel || !f->submit)
		return b;
	f->msg[0] = 0;
	return f->submit(f->ctx, b, f) ? -1 : b;
}

static void toggle(dlg_form *f, dlg_field *fd)
{
	if (fd->locked) {
		snprintf(f->msg, sizeof f->msg, "%s",
		         _("This item is already recorded and cannot be unticked."));
		f->msg_style = ST_DIM;
		return;
	}
	*fd->check = !*fd->check;
}

/* Keys that work wherever the focus is not in a text field. */
static int hotkey(dlg_form *f, int key)
{
	for (int i = 0; i < f->nf; i++) {
		if (f->f[i].type == DF_CHECK && f->f[i].hotkey && f->f[i].hotkey == key) {
			toggle(f, &f->f[i]);
			return -2;
		}
	}
	for (int b = 0; b < f->nbuttons; b++)
		if (f->hotkeys[b] && f->hotkeys[b] == key)
			return press(f, b);
	return -3;
}

static int form_key(dlg_form *f, int *focus, int key)
{
	int nf = f->nf;
	dlg_field *fd = *focus < nf ? &f->f[*focus] : NULL;

	if (key == KEYMAP_ESC)
		return press(f, f->cancel);
	if (fd && fd->type == DF_TEXT) {
		int r = ledit_key(&fd->ed, key);
		if (fd->ed.full) {
			/* Said when it happens, never cut silently at submit: the
			 * same limit core would refuse with. */
			snprintf(f->msg, sizeof f->msg,
				 _("%s: at most %zu bytes (a Chinese character takes 3); nothing "
				   "more fits"),
				 fd->label, fd->ed.maxbytes ? fd->ed.maxbytes : (size_t)LEDIT_MAX * 4);
			f->msg_style = ST_WARN;
			fd->ed.full = false;
			return -1;
		}
		if (r == 1)
			f->msg[0] = 0; /* the input changed: an old complaint no longer holds */
		if (r >= 0)
			return -1;
	}
	if (!fd || fd->type != DF_TEXT) {
		int r = hotkey(f, key);
		if (r != -3)
			return r < 0 ? -1 : r;
	}
	switch (key) {
	case '\t':
	case KEYMAP_FKEY(KEY_DOWN):
		*focus = focus_next(f, *focus, 1);
		return -1;
	case KEYMAP_FKEY(KEY_BTAB):
	case KEYMAP_FKEY(KEY_UP):
		*focus = focus_next(f, *focus, -1);
		return -1;
	case KEYMAP_FKEY(KEY_LEFT):
	case KEYMAP_FKEY(KEY_RIGHT): {
		int d = key == KEYMAP_FKEY(KEY_LEFT) ? -1 : 1;
		if (fd && fd->type == DF_CHOICE)
			*fd->choice = (*fd->choice + d + fd->nchoices) % fd->nchoices;
		else if (!fd)
			*focus = nf + (*focus - nf + d + f->nbuttons) % f->nbuttons;
		return -1;
	}
	case ' ':
		if (fd && fd->type == DF_CHECK)
			toggle(f, fd);
		else if (fd && fd->type == DF_CHOICE)
			*fd->choice = (*fd->choice + 1) % fd->nchoices;
		else if (!fd)
			return press(f, *focus - nf);
		return -1;
	case KEYMAP_ENTER:
		/* One rule for every form: Enter submits (the focused button,
		 * or from any field the default one, which validates); it never
		 * ticks a box, so an attestation or a checklist item is only
		 * ever recorded by Space or its own key, chosen on purpose. */
		return press(f, fd ? 0 : *focus - nf);
	default:
		return -1;
	}
}

int dlg_run(ui *u, dlg_form *f)
{
	int focus = f->nf + f->focus_button;
	for (int i = 0; i < f->nf; i++)
		if (focusable(f, i)) {
			focus = i;
			break;
		}
	fields_load(f);
	for (;;) {
		geom g;
		int cx, cy;
		form_geom(f, &g);
		WINDOW *w = newwin(g.h, g.w, g.y, g.x);
		if (!w)
			return f->cancel;
		ui_touch(u); /* the dialog may have shrunk */
		keypad(w, TRUE);
		form_draw(u, w, f, &g, focus, &cx, &cy);
		if (cx >= 0) {
			curs_set(1);
			wmove(w, cy, cx);
		} else {
			curs_set(0);
			leaveok(w, TRUE);
		}
		wnoutrefresh(w);
		doupdate();
		int key = ui_getkey(u, w);
		delwin(w);
		if (key == UI_KEY_HANGUP)
			return f->cancel;
		if (key == KEYMAP_FKEY(KEY_RESIZE))
			continue;
		int r = form_key(f, &focus, key);
		if (r >= 0) {
			curs_set(0);
			return r;
		}
	}
}

/* ---- ready-made dialogs ------------------------------------------------ */

bool dlg_confirm(ui *u, const char *title, const char *body, bool pre, const char *yes)
{
	dlg_form f;
	memset(&f, 0, sizeof f);
	f.title = title;
	f.body = body;
	f.body_pre = pre;
	f.buttons[0] = yes ? yes : _("Yes");
	f.buttons[1] = _("No");
	f.hotkeys[0] = 'y';
	f.hotkeys[1] = 'n';
	f.nbuttons = 2;
	f.cancel = 1;
	f.focus_button = 1; /* Enter alone does not confirm */
	return dlg_run(u, &f) == 0;
}

void dlg_message(ui *u, const char *title, const char *body, int style)
{
	dlg_form f;
	memset(&f, 0, sizeof f);
	f.title = title;
	snprintf(f.msg, sizeof f.msg, "%s", body);
	f.msg_style = style;
	f.buttons[0] = _("OK");
	f.nbuttons = 1;
	f.cancel = 0;
	/* Any key closes it. */
	geom g;
	int cx, cy;
	for (;;) {
		form_geom(&f, &g);
		WINDOW *w = newwin(g.h, g.w, g.y, g.x);
		if (!w)
			return;
		keypad(w, TRUE);
		leaveok(w, TRUE);
		form_draw(u, w, &f, &g, 0, &cx, &cy);
		curs_set(0);
		wnoutrefresh(w);
		doupdate();
		int key = ui_getkey(u, w);
		delwin(w);
		if (key != KEYMAP_FKEY(KEY_RESIZE))
			return;
	}
}

typedef struct input_ctx {
	bool required;
} input_ctx;

static int input_submit(void *ctx, int button, dlg_form *f)
{
	input_ctx *c = ctx;
	(void)button;
	const char *s = f->f[0].buf;
	while (*s == ' ')
		s++;
	if (c->required && !*s) {
		snprintf(f->msg, sizeof f->msg, "%s", _("This cannot be empty."));
		f->msg_style = ST_WARN;
		return 1;
	}
	return 0;
}

bool dlg_input(ui *u, const char *title, const char *body, const char *label, const char *ok,
               char *buf, size_t n, bool required)
{
	dlg_field fd;
	dlg_form f;
	input_ctx c = {required};
	memset(&fd, 0, sizeof fd);
	memset(&f, 0, sizeof f);
	fd.type = DF_TEXT;
	fd.label = label;
	fd.buf = buf;
	fd.n = n;
	f.title = title;
	f.body = body;
	f.f = &fd;
	f.nf = 1;
	f.buttons[0] = ok ? ok : _("OK");
	f.buttons[1] = _("Cancel");
	f.nbuttons = 2;
	f.cancel = 1;
	f.submit = input_submit;
	f.ctx = &c;
	return dlg_run(u, &f) == 0;
}

static void effect_row(char *buf, size_t n, const char *label, const char *a, const char *b)
{
	char l[128], x[64], y[64];
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, "%s  %s  %s\n", wdg_field_mb(label, 14, WDG_LEFT, l, sizeof l),
	         wdg_field_mb(a, 15, WDG_RIGHT, x, sizeof x),
	         wdg_field_mb(b, 15, WDG_RIGHT, y, sizeof y));
}

static void effect_money(char *buf, size_t n, const char *label, int64_t a, int64_t b)
{
	char x[40], y[40];
	effect_row(buf, n, label, wdg_money(a, x, sizeof x), wdg_money(b, y, sizeof y));
}

void dlg_effect_text(const bzj_effect *ef, bool deduction, char *buf, size_t n)
{
	const bzj_position *a = &ef->before, *b = &ef->after;
	buf[0] = 0;
	effect_row(buf, n, "", _("Before"), _("After"));
	effect_money(buf, n, _("Required"), a->required_fen, b->required_fen);
	effect_money(buf, n, _("Balance"), a->balance_fen, b->balance_fen);
	effect_money(buf, n, _("Frozen"), a->frozen_fen, b->frozen_fen);
	effect_money(buf, n, _("Available"), a->available_fen, b->available_fen);
	effect_money(buf, n, _("Refundable"), a->refundable_fen, b->refundable_fen);
	effect_money(buf, n, _("Owed"), a->owed_fen, b->owed_fen);
	effect_row(buf, n, _("Payout"), a->restricted ? _("restricted") : _("allowed"),
	           b->restricted ? _("restricted") : _("allowed"));
	if (!deduction)
		return;
	const bzj_deduction *d = &ef->deduction;
	char m[40], l[128], r[64];
	size_t len = strlen(buf);
	struct {
		const char *label;
		int64_t v;
	} rows[] = {
		{ _("From balance"), d->from_balance_fen },
		{ _("  of it frozen"), d->from_frozen_fen },
		{ _("Beyond balance"), d->owed_fen },
		{ _("From unsettled"), d->from_unsettled_fen },
		{ _("Still owed"), d->remaining_owed_fen },
	};
	snprintf(buf + len, n - len, "\n");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		len = strlen(buf);
		snprintf(
		    buf + len, n - len, "%s  %s\n",
		    wdg_field_mb(rows[i].label, 14, WDG_LEFT, l, sizeof l),
		    wdg_field_mb(wdg_money(rows[i].v, m, sizeof m), 15, WDG_RIGHT, r, sizeof r));
	}
	if (d->terminate) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "%s\n",
		         _("The shop will be flagged for termination of service."));
	}
}

bool dlg_effect(ui *u, const char *title, const char *what, const bzj_effect *ef, bool deduction,
                const char *yes)
{
	char table[2048], body[2600];
	dlg_effect_text(ef, deduction, table, sizeof table);
	snprintf(body, sizeof body, "%s\n\n%s", what, table);
	/* Trailing newline off, so no empty last line. */
	size_t l = strlen(body);
	while (l > 0 && body[l - 1] == '\n')
		body[--l] = 0;
	return dlg_confirm(u, title, body, true, yes);
}
