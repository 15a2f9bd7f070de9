/* test_listview.c - the console's shared list (tui/listview.c) over a
 * fake source of numbered rows: the window of a bidirectional list never
 * holds more than LV_BUF_MAX rows yet shows the right absolute position
 * everywhere, a reload keeps the selected row (or its neighbour) under the
 * cursor after other operators' changes, an append list fetches as the
 * cursor moves, and a failed fetch leaves no rows and core's message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "listview.h"

/* The source: keys in ascending order, some deleted. */
#define N 1000
static bool gone[N + 1];
static int fetches;
static bool broken;

typedef struct row {
	int64_t key;
} row;

static int src_fetch(ui *u, const void *after, bool backward, void *out, int max, int *n,
		     bzj_err *e)
{
	(void)u;
	row *o = out;
	*n = 0;
	fetches++;
	if (broken)
		return bzj_fail(e, BZJ_EIO, "store.io", "disk on fire");
	if (!backward) {
		int64_t k = after ? ((const row *)after)->key + 1 : 1;
		for (; k <= N && *n < max; k++)
			if (!gone[k])
				o[(*n)++].key = k;
		return BZJ_OK;
	}
	/* Backward: the max rows before `after`, still in display order. */
	int64_t k = after ? ((const row *)after)->key - 1 : N, got[LV_PAGE];
	int m = 0;
	for (; k >= 1 && m < max; k--)
		if (!gone[k])
			got[m++] = k;
	for (int i = 0; i < m; i++)
		o[i].key = got[m - 1 - i];
	*n = m;
	return BZJ_OK;
}

static int src_count(ui *u, const void *pos_of, int64_t *total, int64_t *pos, bzj_err *e)
{
	(void)u;
	(void)e;
	int64_t t = 0, p = 0;
	for (int64_t k = 1; k <= N; k++) {
		if (gone[k])
			continue;
		if (pos_of && k < ((const row *)pos_of)->key)
			p++;
		t++;
	}
	*total = t;
	if (pos)
		*pos = p;
	return BZJ_OK;
}

static bool same(const void *a, const void *b)
{
	return ((const row *)a)->key == ((const row *)b)->key;
}

static void header(ui *u, WINDOW *w, int y) { (void)u, (void)w, (void)y; }
static void draw(ui *u, WINDOW *w, int y, const void *r, bool s) { (void)u, (void)w, (void)y, (void)r, (void)s; }

static const lv_ops window_ops = {
    .row_size = sizeof(row), .bidir = true, .fetch = src_fetch, .count = src_count,
    .same = same, .header = header, .row = draw};
static const lv_ops append_ops = {
    .row_size = sizeof(row), .fetch = src_fetch, .count = src_count,
    .same = same, .header = header, .row = draw};

static ui U;

static int setup(void **state)
{
	(void)state;
	memset(gone, 0, sizeof gone);
	memset(&U, 0, sizeof U);
	broken = false;
	fetches = 0;
	return 0;
}

static int64_t sel_key(const listview *v)
{
	const row *r = lv_sel(v);
	return r ? r->key : -1;
}

/* Position and selection agree with the source wherever the cursor goes,
 * and the window stays bounded. */
static void window_pages_through_everything(void **state)
{
	(void)state;
	listview v = {.ops = &window_ops};
	lv_reset(&v, &U);
	v.l.h = 20;
	assert_int_equal(v.l.n, LV_PAGE);
	assert_true(v.at_start);
	assert_false(v.at_end);
	assert_int_equal(v.total, N);
	assert_int_equal(sel_key(&v), 1);
	for (int step = 0; step < 60; step++) {
		lv_move(&v, &U, ACT_PAGE_DOWN);
		assert_true(v.l.n <= LV_BUF_MAX);
		assert_int_equal(lv_pos(&v), sel_key(&v)); /* key k is the k-th row */
	}
	assert_int_equal(sel_key(&v), N);
	assert_true(v.at_end);
	assert_false(v.at_start); /* rows were dropped off the front */
	for (int step = 0; step < 60; step++) {
		lv_move(&v, &U, ACT_PAGE_UP);
		assert_true(v.l.n <= LV_BUF_MAX);
		assert_int_equal(lv_pos(&v), sel_key(&v));
	}
	assert_int_equal(sel_key(&v), 1);
	lv_move(&v, &U, ACT_LAST);
	assert_int_equal(sel_key(&v), N);
	assert_int_equal(lv_pos(&v), N);
	lv_move(&v, &U, ACT_FIRST);
	assert_int_equal(sel_key(&v), 1);
	assert_int_equal(lv_pos(&v), 1);
	lv_free(&v);
}

/* Another operator deletes rows before the selection: a reload keeps the
 * same row selected, at its new position and on the same screen line. */
static void reload_keeps_the_selected_row(void **state)
{
	(void)state;
	listview v = {.ops = &window_ops};
	lv_reset(&v, &U);
	v.l.h = 20;
	while (sel_key(&v) < 537)
		lv_move(&v, &U, ACT_DOWN);
	int line = v.l.cur - v.l.top;
	for (int k = 500; k < 530; k++)
		gone[k] = true;
	lv_reload(&v, &U);
	assert_int_equal(sel_key(&v), 537);
	assert_int_equal(lv_pos(&v), 537 - 30);
	assert_int_equal(v.l.cur - v.l.top, line);
	assert_int_equal(v.total, N - 30);
	/* The selected row itself leaves the query: its neighbour takes over. */
	gone[537] = true;
	lv_reload(&v, &U);
	assert_int_equal(sel_key(&v), 538);
	assert_int_equal(lv_pos(&v), 538 - 31);
	lv_free(&v);
}

/* The first screen reads a screenful and one row more (the console's
 * start is timed against the sqlite3 shell's LIMIT 20), the first move
 * down reads the next page, and a body that grew since is filled when it
 * is drawn. */
static void window_first_screen_reads_a_screenful(void **state)
{
	(void)state;
	U.lines = 21;
	listview v = {.ops = &window_ops};
	lv_reset(&v, &U);
	assert_int_equal(fetches, 1);
	assert_int_equal(v.l.n, 22);
	assert_false(v.at_end);
	assert_int_equal(v.total, N);
	v.l.h = 20;
	lv_move(&v, &U, ACT_DOWN);
	assert_int_equal(fetches, 1); /* row 2 of 22 loaded rows: no read */
	lv_move(&v, &U, ACT_PAGE_DOWN);
	assert_int_equal(fetches, 1); /* to the last loaded row */
	assert_int_equal(sel_key(&v), 22);
	lv_move(&v, &U, ACT_PAGE_DOWN);
	assert_int_equal(fetches, 2);
	assert_int_equal(v.l.n, 22 + LV_PAGE);
	assert_int_equal(sel_key(&v), 42);
	assert_int_equal(lv_pos(&v), sel_key(&v));
	lv_free(&v);

	listview g = {.ops = &window_ops};
	lv_reset(&g, &U);
	lv_draw(&g, &U, NULL, 0, 41, NULL); /* a 40-row list now */
	assert_int_equal(g.l.n, 22 + LV_PAGE);
	assert_false(g.at_end);
	lv_draw(&g, &U, NULL, 0, 41, NULL);
	assert_int_equal(g.l.n, 22 + LV_PAGE); /* filled once */
	lv_free(&g);
	U.lines = 0;
}

/* An append list fetches a page at a time as the cursor reaches the end,
 * and a reload refetches as many rows as were loaded. */
static void append_list_fetches_as_it_goes(void **state)
{
	(void)state;
	listview v = {.ops = &append_ops};
	lv_reset(&v, &U);
	v.l.h = 20;
	assert_int_equal(v.l.n, LV_PAGE);
	assert_int_equal(v.total, N);
	for (int i = 0; i < 10; i++)
		lv_move(&v, &U, ACT_PAGE_DOWN);
	assert_int_equal(sel_key(&v), 201);
	assert_int_equal(v.l.n, 3 * LV_PAGE);
	gone[100] = true;
	lv_reload(&v, &U);
	assert_int_equal(sel_key(&v), 201);
	assert_int_equal(v.l.n, 3 * LV_PAGE);
	lv_move(&v, &U, ACT_LAST);
	assert_int_equal(sel_key(&v), N);
	assert_int_equal(v.l.n, N - 1);
	assert_true(v.at_end);
	/* More finds nothing past the end, without asking the source. */
	int before = fetches;
	assert_false(lv_more(&v, &U));
	assert_int_equal(fetches, before);
	lv_free(&v);
}

/* A failed fetch: no rows, core's message kept for the list and the
 * status line; the next good reload clears it. */
static void failed_fetch_shows_the_message(void **state)
{
	(void)state;
	listview v = {.ops = &window_ops};
	broken = true;
	lv_reset(&v, &U);
	assert_int_equal(v.l.n, 0);
	assert_null(lv_sel(&v));
	assert_string_equal(v.err, "disk on fire");
	assert_string_equal(U.msg, "disk on fire");
	broken = false;
	lv_reset(&v, &U);
	assert_string_equal(v.err, "");
	assert_int_equal(v.l.n, LV_PAGE);
	lv_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(window_pages_through_everything, setup),
	    cmocka_unit_test_setup(window_first_screen_reads_a_screenful, setup),
	    cmocka_unit_test_setup(reload_keeps_the_selected_row, setup),
	    cmocka_unit_test_setup(append_list_fetches_as_it_goes, setup),
	    cmocka_unit_test_setup(failed_fetch_shows_the_message, setup),
	};
	return cmocka_run_group_tests_name("listview", tests, NULL, NULL);
}
