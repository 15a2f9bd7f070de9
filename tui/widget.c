/* widget.c - display-width aware text for the console. */
#include <langinfo.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "bzj/money.h"
#include "bzj/text.h"
#include "widget.h"

static bool utf8_locale;
static const wchar_t *ellipsis = L"~";

void wdg_init(void)
{
	const char *cs = nl_langinfo(CODESET);
	utf8_locale = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	ellipsis = utf8_locale ? L"\u2026" : L"~";
}

const wchar_t *wdg_ellipsis(void) { return ellipsis; }

/* Characters with no width that can still change what a terminal shows
 * (bidi overrides, zero-width joiners, the BOM): always escaped. */
static bool is_format_char(wchar_t c)
{
	return bzj_text_unsafe((uint32_t)c); /* the one list, core/text.c */
}

int wdg_wcwidth(wchar_t c)
{
	if (c >= 0x20 && c < 0x7f)
		return 1; /* printable ASCII: no table lookup */
	int w = wcwidth(c);
	return w < 0 ? 0 : w;
}

typedef struct wbuf {
	wchar_t *p;
	size_t n, cap;
} wbuf;

static void wb_add(wbuf *b, wchar_t c)
{
	if (b->n + 1 < b->cap)
		b->p[b->n++] = c;
}

static void wb_ascii(wbuf *b, const char *s)
{
	for (; *s; s++)
		wb_add(b, (wchar_t)(unsigned char)*s);
}

/* The visible escape of a character that must not reach the terminal. */
static void wb_escape(wbuf *b, unsigned long c, bool byte)
{
	char t[24];

	if (byte)
		snprintf(t, sizeof t, "\\x%02lx", c);
	else if (c < 32)
		snprintf(t, sizeof t, "^%c", (char)(c + '@'));
	else if (c == 127)
		snprintf(t, sizeof t, "^?");
	else if (c < 0x100)
		snprintf(t, sizeof t, "\\x%02lx", c);
	else
		snprintf(t, sizeof t, "\\u%04lx", c);
	wb_ascii(b, t);
}

/* Bytes the locale could not decode: in a locale that is not UTF-8 these
 * are every Chinese character, and main() says how to see them. */
static unsigned long undecodable;

unsigned long wdg_undecodable(void) { return undecodable; }

size_t wdg_decode(const char *s, wchar_t *out, size_t outn)
{
	wbuf b = {out, 0, outn};
	mbstate_t st;
	bool have_base = false;

	if (outn == 0)
		return 0;
	memset(&st, 0, sizeof st);
	for (size_t len = s ? strlen(s) : 0; len > 0 && b.n + 1 < outn;) {
		/* Printable ASCII is itself in every locale bzj runs in (ids,
		 * money, most labels): no mbrtowc, no wcwidth, no checks. */
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f) {
			wb_add(&b, (wchar_t)*s);
			s++, len--;
			have_base = true;
			continue;
		}
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, len, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			undecodable += (unsigned char)*s >= 0x80;
			wb_escape(&b, (unsigned char)*s, true);
			memset(&st, 0, sizeof st);
			s++, len--;
			have_base = true;
			continue;
		}
		s += r, len -= r;
		int w = wcwidth(wc);
		bool bad = wc < 32 || (wc >= 127 && wc < 0xA0) || w < 0 || is_format_char(wc) ||
		           (w == 0 && !have_base);
		if (bad)
			wb_escape(&b, (unsigned long)wc, false);
		else
			wb_add(&b, wc);
		have_base = true;
	}
	out[b.n] = 0;
	return b.n;
}

int wdg_wswidth(const wchar_t *w, size_t len)
{
	int n = 0;
	for (size_t i = 0; i < len && w[i]; i++)
		n += wdg_wcwidth(w[i]);
	return n;
}

int wdg_width(const char *s)
{
	wchar_t w[WDG_MAXW];
	size_t n = wdg_decode(s, w, WDG_MAXW);
	return wdg_wswidth(w, n);
}

size_t wdg_fit(const wchar_t *w, size_t len, int maxw, int *used)
{
	int cols = 0;
	size_t i = 0;

	while (i < len && w[i]) {
		int cw = wdg_wcwidth(w[i]);
		if (cols + cw > maxw)
			break;
		cols += cw;
		i++;
		/* Combining marks stay with their base character. */
		while (i < len && w[i] && wdg_wcwidth(w[i]) == 0)
			i++;
	}
	if (used)
		*used = cols;
	return i;
}

size_t wdg_field(const char *s, int width, int align, wchar_t *out, size_t outn)
{
	wchar_t src[WDG_MAXW];
	size_t n = wdg_decode(s, src, WDG_MAXW), k;
	int total = wdg_wswidth(src, n), used = 0, ew = wdg_wswidth(ellipsis, wcslen(ellipsis));
	bool cut = total > width;
	wbuf b = {out, 0, outn};

	if (outn == 0)
		return 0;
	if (width <= 0) {
		out[0] = 0;
		return 0;
	}
	bool mark = cut && width >= ew; /* room for the ellipsis */
	k = wdg_fit(src, n, mark ? width - ew : width, &used);
	if (mark)
		used += ew;
	int pad = width - used, left = 0;
	if (align == WDG_RIGHT)
		left = pad;
	else if (align == WDG_CENTER)
		left = pad / 2;
	for (int i = 0; i < left; i++)
		wb_add(&b, L' ');
	for (size_t i = 0; i < k; i++)
		wb_add(&b, src[i]);
	if (mark)
		for (const wchar_t *e = ellipsis; *e; e++)
			wb_add(&b, *e);
	for (int i = left; i < pad; i++)
		wb_add(&b, L' ');
	out[b.n] = 0;
	return b.n;
}

static char *ws_to_mb(const wchar_t *w, size_t len, char *buf, size_t n)
{
	size_t o = 0;
	mbstate_t st;

	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < len && n > 0; i++) {
		char mb[MB_LEN_MAX];
		size_t r = wcrtomb(mb, w[i], &st);
		if (r == (size_t)-1) {
			mb[0] = '?';
			r = 1;
		}
		if (o + r + 1 > n)
			break;
		memcpy(buf + o, mb, r);
		o += r;
	}
	if (n > 0)
		buf[o] = 0;
	return buf;
}

char *wdg_field_mb(const char *s, int width, int align, char *buf, size_t n)
{
	wchar_t w[WDG_MAXW];
	size_t k = wdg_field(s, width, align, w, WDG_MAXW);
	return ws_to_mb(w, k, buf, n);
}

char *wdg_escape_mb(const char *s, char *buf, size_t n)
{
	wchar_t w[WDG_MAXW];
	size_t k = wdg_decode(s, w, WDG_MAXW);
	return ws_to_mb(w, k, buf, n);
}

int wdg_put(WINDOW *w, int y, int x, const char *s, int width, int align)
{
	wchar_t f[WDG_MAXW];
	size_t k;

	if (width <= 0)
		return 0;
	k = wdg_field(s, width, align, f, WDG_MAXW);
	mvwaddnwstr(w, y, x, f, (int)k);
	return width;
}

int wdg_puts(WINDOW *w, int y, int x, const char *s, int right)
{
	wchar_t src[WDG_MAXW];
	size_t n = wdg_decode(s, src, WDG_MAXW);
	int used = 0;

	if (right <= x)
		return x;
	size_t k = wdg_fit(src, n, right - x, &used);
	if (k < n && right - x > 1) {
		/* Does not fit: leave room for the ellipsis. */
		k = wdg_fit(src, n, right - x - 1, &used);
		mvwaddnwstr(w, y, x, src, (int)k);
		waddnwstr(w, ellipsis, -1);
		return x + used + 1;
	}
	mvwaddnwstr(w, y, x, src, (int)k);
	return x + used;
}

/* Can a line break go before w[i]?  After a space, or next to a wide
 * (CJK) character. */
static bool break_before(const wchar_t *w, size_t i)
{
	return i > 0 && (w[i - 1] == L' ' || wdg_wcwidth(w[i]) == 2 || wdg_wcwidth(w[i - 1]) == 2);
}

int wdg_wrap(const char *s, int width, wdg_line_fn fn, void *ctx)
{
	wchar_t w[WDG_MAXW];
	size_t n = wdg_decode(s, w, WDG_MAXW), start = 0;
	int lines = 0;

	if (width < 1)
		width = 1;
	while (start < n) {
		int used;
		size_t k = wdg_fit(w + start, n - start, width, &used);
		if (k == 0)
			k = 1; /* a character wider than the line */
		if (start + k < n && w[start + k] != L' ') {
			size_t b = k;
			while (b > 0 && !break_before(w + start, b))
				b--;
			if (b > 0)
				k = b;
		}
		size_t len = k;
		while (len > 0 && w[start + len - 1] == L' ')
			len--;
		if (fn)
			fn(ctx, lines, w + start, len);
		lines++;
		start += k;
		while (start < n && w[start] == L' ')
			start++;
	}
	return lines;
}

char *wdg_money(int64_t fen, char *buf, size_t n)
{
	bzj_money_fmt(fen, buf, n);
	if (!utf8_locale) {
		/* The yen sign would only show as an escape: write CNY. */
		char tmp[48], *p = strstr(buf, "\xc2\xa5");
		if (p) {
			snprintf(tmp, sizeof tmp, "%.*sCNY %s", (int)(p - buf), buf, p + 2);
			snprintf(buf, n, "%s", tmp);
		}
	}
	return buf;
}
