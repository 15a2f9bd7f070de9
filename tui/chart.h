/* chart.h - small bar charts drawn with text, for the console's pictures
 * (the deposit detail's twelve months, the refund queue's load by age).
 *
 * Pure functions: values in, a grid of wide characters and styles out,
 * so a test can read back what was drawn.  Unicode eighth blocks
 * (▁▂▃▄▅▆▇█) where the terminal shows them; '#' rows on a vt100, in a
 * locale that is not UTF-8, or under NO_COLOR (where a colour cannot tell
 * a shortfall either, so its bars are drawn with '!'). */
#ifndef BZJ_TUI_CHART_H
#define BZJ_TUI_CHART_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#define CHART_MAX_ROWS 8
#define CHART_MAX_COLS 128

enum chart_cell { CC_EMPTY, CC_BAR, CC_SHORT, CC_LINE };

typedef struct chart {
	int rows, cols;
	wchar_t cell[CHART_MAX_ROWS][CHART_MAX_COLS + 1]; /* row 0 is the top */
	unsigned char kind[CHART_MAX_ROWS][CHART_MAX_COLS]; /* enum chart_cell */
	int64_t max;					    /* the value of the top */
} chart;

/* Should charts use ASCII here (locale, TERM, NO_COLOR)? */
bool chart_ascii(void);

/* Balance bars against a required level, one group of `colw` columns per
 * value: bar[i] as a bar (colw - 2 wide), line[i] as a tick in the next
 * column at its height; a bar below its line is CC_SHORT.  line may be
 * NULL.  Heights are in eighths of a row (whole rows in ASCII), rounded,
 * and a non-zero value always shows at least one eighth. */
void chart_bars(chart *c, const int64_t *bar, const int64_t *line, int n, int rows, int colw,
		bool ascii);

/* The height of value v in eighths of a row, as chart_bars draws it. */
int chart_eighths(int64_t v, int64_t max, int rows);

/* A horizontal progress bar of v out of max in `width` cells (out holds
 * width + 1): whole cells █ then one of ▏▎▍▌▋▊▉ for the eighths left,
 * spaces after; '#' cells and '.' in ASCII.  A non-zero v shows at least
 * one eighth; v >= max fills the bar.  Returns the cells filled, rounded
 * down (0..width). */
int chart_hbar(wchar_t *out, int64_t v, int64_t max, int width, bool ascii);
/* A one-line sparkline of n values (▁..█, or ASCII digits 0-9). */
void chart_spark(wchar_t *out, const int64_t *v, int n, bool ascii);

#endif
