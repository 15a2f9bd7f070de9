/* widget.h - drawing text by display width.
 *
 * Every string from the database is untrusted: it may hold CJK characters
 * (two columns), combining marks (none), control characters and invalid
 * UTF-8.  These helpers decode it, replace whatever must not reach the
 * terminal by a visible escape (^[ for ESC, \x9b for a C1 control or a bad
 * byte, \u202e for a bidi override), and then measure, truncate (never in
 * the middle of a character) and pad by display columns. */
#ifndef BZJ_TUI_WIDGET_H
#define BZJ_TUI_WIDGET_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

enum wdg_align { WDG_LEFT = 0, WDG_RIGHT = 1, WDG_CENTER = 2 };

/* Longest field the helpers build, in wide characters. */
#define WDG_MAXW 1024

/* Choose the ellipsis ("…" in a UTF-8 locale, "~" otherwise).  Call after
 * setlocale. */
void wdg_init(void);
const wchar_t *wdg_ellipsis(void);

/* Width of one wide character as it will be shown (escapes included). */
int wdg_wcwidth(wchar_t c);
/* Decode UTF-8 into displayable wide characters, escapes expanded.
 * Returns the count written to out (at most outn - 1, NUL-terminated). */
size_t wdg_decode(const char *s, wchar_t *out, size_t outn);
/* Display width of a wide string of displayable characters. */
int wdg_wswidth(const wchar_t *w, size_t len);
/* Display width of untrusted UTF-8 text. */
int wdg_width(const char *s);
/* How many wide characters of w (len) fit in maxw columns; *used set. */
size_t wdg_fit(const wchar_t *w, size_t len, int maxw, int *used);

/* s shown in a field exactly `width` columns wide: truncated with the
 * ellipsis when longer, padded with spaces by `align` when shorter.
 * Returns the count of wide characters in out. */
size_t wdg_field(const char *s, int width, int align, wchar_t *out, size_t outn);
/* The same as UTF-8 (tests, and text that goes on into snprintf). */
char *wdg_field_mb(const char *s, int width, int align, char *buf, size_t n);
/* How many bytes (0x80 and up) the locale could not decode so far. */
unsigned long wdg_undecodable(void);
/* Plain UTF-8 text with escapes applied, no width limit. */
char *wdg_escape_mb(const char *s, char *buf, size_t n);

/* Draw s in a field of `width` columns at (y, x) with the window's
 * current attributes.  Returns the columns drawn (= width). */
int wdg_put(WINDOW *w, int y, int x, const char *s, int width, int align);
/* Draw s from (y, x) up to column `right` (exclusive) without padding.
 * Returns the column after the text. */
int wdg_puts(WINDOW *w, int y, int x, const char *s, int right);

/* Word-wrap s into lines of at most `width` columns; CJK text breaks
 * between any two characters, other text at spaces when it can.  Calls
 * fn for each line (may be NULL to count).  Returns the line count. */
typedef void (*wdg_line_fn)(void *ctx, int i, const wchar_t *line, size_t len);
int wdg_wrap(const char *s, int width, wdg_line_fn fn, void *ctx);

/* Money as ¥1,234.56 (buf >= 32). */
char *wdg_money(int64_t fen, char *buf, size_t n);

#endif
