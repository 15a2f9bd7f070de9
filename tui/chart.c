/* chart.c - text bar charts; see chart.h. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

static const wchar_t blocks[9] = L" ▁▂▃▄▅▆▇█";

bool chart_ascii(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return true;
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		return true;
	return term && (!strncmp(term, "vt1", 3) || !strncmp(term, "vt2", 3) ||
			!strcmp(term, "dumb"));
}

int chart_eighths(int64_t v, int64_t max, int rows)
{
	if (v <= 0 || max <= 0)
		return 0;
	/* v * rows * 8 without overflow: money stays far below 2^63 / 64. */
	int64_t h = (v * rows * 8 + max / 2) / max;
	if (h < 1)
		h = 1;
	return h > rows * 8 ? rows * 8 : (int)h;
}

void chart_bars(chart *c, const int64_t *bar, const int64_t *line, int n, int rows, int colw,
		bool ascii)
{
	memset(c, 0, sizeof *c);
	if (rows > CHART_MAX_ROWS)
		rows = CHART_MAX_ROWS;
	if (colw < 3)
		colw = 3;
	if (n * colw > CHART_MAX_COLS)
		n = CHART_MAX_COLS / colw;
	c->rows = rows;
	c->cols = n * colw;
	for (int i = 0; i < n; i++) {
		if (bar[i] > c->max)
			c->max = bar[i];
		if (line && line[i] > c->max)
			c->max = line[i];
	}
	for (int r = 0; r < rows; r++) {
		for (int x = 0; x < c->cols; x++)
			c->cell[r][x] = L' ';
		c->cell[r][c->cols] = 0;
	}
	for (int i = 0; i < n; i++) {
		int h = chart_eighths(bar[i], c->max, rows);
		bool short_ = line && bar[i] < line[i];
		if (ascii) /* whole rows; a non-zero bar keeps one */
			h = h ? ((h + 4) / 8 > 0 ? (h + 4) / 8 : 1) * 8 : 0;
		for (int r = 0; r < rows; r++) {
			int fill = h - (rows - 1 - r) * 8; /* eighths in this row */
			if (fill <= 0)
				continue;
			wchar_t ch = ascii ? (short_ ? L'!' : L'#') : blocks[fill >= 8 ? 8 : fill];
			for (int k = 0; k < colw - 2; k++) {
				c->cell[r][i * colw + k] = ch;
				c->kind[r][i * colw + k] = short_ ? CC_SHORT : CC_BAR;
			}
		}
		if (!line || line[i] <= 0)
			continue;
		/* The required level: a tick beside the bar in the row it falls in. */
		int lh = chart_eighths(line[i], c->max, rows);
		int row = rows - 1 - (lh - 1) / 8;
		c->cell[row][i * colw + colw - 2] = ascii ? L'-' : L'━';
		c->kind[row][i * colw + colw - 2] = CC_LINE;
	}
}

void chart_spark(wchar_t *out, const int64_t *v, int n, bool ascii)
{
	int64_t max = 0;
	for (int i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	for (int i = 0; i < n; i++) {
		int h = chart_eighths(v[i], max, 1);
		out[i] = ascii ? (wchar_t)(L'0' + (h * 9 + 4) / 8) : (h ? blocks[h] : L' ');
		if (ascii && v[i] == 0)
			out[i] = L'0';
	}
	out[n] = 0;
}

int chart_hbar(wchar_t *out, int64_t v, int64_t max, int width, bool ascii)
{
	static const wchar_t part[8] = L" ▏▎▍▌▋▊▉";
	if (width < 0)
		width = 0;
	int e = v <= 0 || max <= 0 ? 0 : chart_eighths(v, max, width);
	if (max > 0 && v < max && e == width * 8 && e > 0)
		e--; /* full only when it is reached */
	if (ascii) {
		int full = max > 0 && v >= max ? width : (e + 4) / 8;
		if (e > 0 && full == 0)
			full = 1;
		if (full == width && max > 0 && v < max && width > 0)
			full = width - 1;
		for (int i = 0; i < width; i++)
			out[i] = i < full ? L'#' : L'.';
		out[width] = 0;
		return full;
	}
	int full = e / 8;
	for (int i = 0; i < width; i++)
		out[i] = i < full ? L'█' : i == full && e % 8 ? part[e % 8] : L' ';
	out[width] = 0;
	return full;
}
