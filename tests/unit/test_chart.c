/* test_chart.c - the console's text charts (tui/chart.c): bar heights in
 * eighths read back from the drawn cells, the required tick's row, the
 * shortfall marking, the ASCII fallback and the sparkline. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "chart.h"

static const wchar_t blocks[] = L" ▁▂▃▄▅▆▇█";

/* Eighths drawn in column x, read back from the cells (bottom up). */
static int drawn(const chart *c, int x)
{
	int h = 0;
	for (int r = c->rows - 1; r >= 0; r--) {
		const wchar_t *p = wcschr(blocks, c->cell[r][x]);
		if (c->cell[r][x] == L'#' || c->cell[r][x] == L'!')
			h += 8;
		else if (p && c->cell[r][x] != L' ')
			h += (int)(p - blocks);
	}
	return h;
}

static int tick_row(const chart *c, int x)
{
	for (int r = 0; r < c->rows; r++)
		if (c->kind[r][x] == CC_LINE)
			return r;
	return -1;
}

static void bars_read_back_as_their_values(void **state)
{
	(void)state;
	int64_t bal[5] = {0, 100, 3000000, 1, 1500000}, req[5] = {0, 0, 2000000, 0, 2000000};
	chart c;
	chart_bars(&c, bal, req, 5, 5, 5, false);
	assert_int_equal(c.max, 3000000);
	assert_int_equal(c.cols, 25);
	for (int i = 0; i < 5; i++)
		assert_int_equal(drawn(&c, i * 5), chart_eighths(bal[i], c.max, 5));
	assert_int_equal(drawn(&c, 10), 40);	   /* the maximum fills every row */
	assert_int_equal(drawn(&c, 25 - 5), 20);   /* half of it: 20 eighths */
	assert_int_equal(drawn(&c, 0), 0);	   /* zero draws nothing */
	assert_int_equal(drawn(&c, 15), 1);	   /* a fen still shows one eighth */
	assert_int_equal(drawn(&c, 5), 1);
	/* The required tick: 2,000,000 of 3,000,000 in 5 rows = 26.7 -> 27
	 * eighths, in the fourth row from the bottom. */
	assert_int_equal(chart_eighths(2000000, 3000000, 5), 27);
	assert_int_equal(tick_row(&c, 13), 1);
	assert_int_equal(tick_row(&c, 3), -1); /* nothing required: no tick */
	/* Below its requirement: marked short; above: a plain bar. */
	assert_int_equal(c.kind[4][20], CC_SHORT);
	assert_int_equal(c.kind[4][10], CC_BAR);
	/* Bars are colw - 2 wide; the gap column stays empty. */
	assert_int_equal(c.cell[4][24], L' ');
	assert_int_equal(c.cell[4][23], L' '); /* the tick column, below the tick */
	assert_int_equal(c.cell[4][22], L'█'); /* the third bar column */
}

static void ascii_draws_whole_rows(void **state)
{
	(void)state;
	int64_t bal[3] = {1000, 500, 1}, req[3] = {0, 800, 0};
	chart c;
	chart_bars(&c, bal, req, 3, 4, 4, true);
	assert_int_equal(drawn(&c, 0), 32);
	assert_int_equal(drawn(&c, 4), 16); /* 500/1000 of 4 rows */
	assert_int_equal(drawn(&c, 8), 8);  /* tiny, but shown */
	assert_int_equal(c.cell[3][4], L'!'); /* short of 800: '!' not '#' */
	assert_int_equal(c.cell[3][0], L'#');
	assert_int_equal(c.cell[tick_row(&c, 6)][6], L'-');
	for (int r = 0; r < c.rows; r++)
		for (int x = 0; x < c.cols; x++)
			assert_true(c.cell[r][x] < 128); /* nothing a vt100 cannot show */
}

static void sparkline(void **state)
{
	(void)state;
	int64_t v[5] = {0, 1, 4, 8, 2};
	wchar_t out[6];
	chart_spark(out, v, 5, false);
	assert_true(out[0] == L' ' && out[3] == L'█' && out[2] == L'▄' && out[1] == L'▁');
	chart_spark(out, v, 5, true);
	assert_true(out[0] == L'0' && out[3] == L'9');
	assert_true(wcscmp(out, L"01592") == 0);
}

/* The providers' progress bars: 8 eighths a cell, full only when reached. */
static void hbar_eighths(void **state)
{
	(void)state;
	wchar_t out[8];
	assert_int_equal(chart_hbar(out, 0, 100, 4, false), 0);
	assert_true(wcscmp(out, L"    ") == 0);
	assert_int_equal(chart_hbar(out, 50, 100, 4, false), 2);
	assert_true(wcscmp(out, L"██  ") == 0);
	chart_hbar(out, 1, 100, 4, false); /* 0.32 eighths: still one */
	assert_true(wcscmp(out, L"▏   ") == 0);
	chart_hbar(out, 45, 100, 4, false); /* 14.4 eighths -> 1 cell and 6/8 */
	assert_true(wcscmp(out, L"█▊  ") == 0);
	chart_hbar(out, 99999, 100000, 4, false); /* not reached: never full */
	assert_true(wcscmp(out, L"███▉") == 0);
	assert_int_equal(chart_hbar(out, 300, 100, 4, false), 4);
	assert_true(wcscmp(out, L"████") == 0);
	chart_hbar(out, 50, 100, 4, true);
	assert_true(wcscmp(out, L"##..") == 0);
	chart_hbar(out, 99, 100, 4, true);
	assert_true(wcscmp(out, L"###.") == 0);
	chart_hbar(out, 1, 100, 4, true);
	assert_true(wcscmp(out, L"#...") == 0);
	chart_hbar(out, 100, 100, 4, true);
	assert_true(wcscmp(out, L"####") == 0);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bars_read_back_as_their_values),
	    cmocka_unit_test(ascii_draws_whole_rows),
	    cmocka_unit_test(sparkline),
	    cmocka_unit_test(hbar_eighths),
	};
	return cmocka_run_group_tests_name("chart", tests, NULL, NULL);
}
