/* searchcheck.c - the shop search checked against a brute-force scan.
 *
 * For each term (given with -q, or sampled from the database's own names,
 * operators and ids with -n), every sort order, both directions and a few
 * filters, walks pages of the shop list forward with the keyset cursor and
 * compares the ids with a plain `instr` scan of the whole table; then the
 * exact count, the capped count and the position count.  Meant for large
 * databases, where the search takes paths a unit test's small one never
 * does (big sources, row tests, bigram walks).
 *
 * Usage: searchcheck DB [-p PAGES] [-n SAMPLES] [-q TERM...]
 * Prints one line per mismatch and a summary; exits 1 on any mismatch.
 * Build (after `make`):
 *   cc -std=c17 -O2 -Iinclude -Ibuild/gen -o searchcheck tests/bench/searchcheck.c \
 *      build/rel/libbzjcore.a $(pkg-config --libs sqlite3 libconfig nettle) -lm */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/shop.h"
#include "bzj/store.h"
#include "../unit/search_ref.h"

#define PAGE 100

static int checks, bad;

/* The expected ids (the reference scan), or with ids NULL their number. */
static int brute(sqlite3 *h, const bzj_shop_query *q, int limit, char (*ids)[BZJ_ID_MAX + 1])
{
	char sql[1024], lt[512], num[512];
	ref_lower(q->search, lt, sizeof lt);
	ref_number(q->search, num, sizeof num);
	ref_sql(q, !ids, sql, sizeof sql);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "searchcheck: %s\n", sqlite3_errmsg(h));
		exit(2);
	}
	sqlite3_bind_text(st, 1, lt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->search, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, num, -1, SQLITE_STATIC);
	int n = 0;
	if (!ids) {
		n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sqlite3_finalize(st);
		return n;
	}
	while (n < limit && sqlite3_step(st) == SQLITE_ROW)
		snprintf(ids[n++], BZJ_ID_MAX + 1, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return n;
}

static int64_t brute_count(sqlite3 *h, const bzj_shop_query *q)
{
	return brute(h, q, 1, NULL);
}

static void mismatch(const bzj_shop_query *q, const char *what)
{
	bad++;
	printf("MISMATCH %-10s term=%s sort=%d desc=%d filters=%d/%d/%d/%d\n", what, q->search,
	       q->sort, q->desc, q->shortfall, q->status, q->open_violations, q->refund_in_progress);
}

static void check(bzj_db *db, sqlite3 *h, bzj_shop_query q, int pages)
{
	static char want[PAGE * 64][BZJ_ID_MAX + 1];
	static bzj_shop_row rows[PAGE];
	bzj_err e = {0};
	int nw = brute(h, &q, PAGE * pages, want), got = 0;
	q.has_cursor = false;
	for (int p = 0; p < pages; p++) {
		int n = 0;
		if (bzj_store_shop_list(db, &q, rows, PAGE, &n, &e)) {
			printf("ERROR %s: %s\n", q.search, e.msg);
			bad++;
			return;
		}
		for (int i = 0; i < n; i++, got++)
			if (got >= nw || strcmp(rows[i].id, want[got]) != 0) {
				mismatch(&q, "page");
				return;
			}
		if (n > 0) {
			q.has_cursor = true;
			q.cursor = rows[n - 1];
		}
		if (n < PAGE)
			break;
	}
	checks++;
	if (got != nw) {
		mismatch(&q, "short");
		return;
	}
	/* one page backward from the last row seen ends where it started */
	if (got > PAGE) {
		bzj_shop_query b = q;
		b.backward = true;
		int n = 0;
		if (bzj_store_shop_list(db, &b, rows, PAGE, &n, &e) || n != PAGE ||
		    strcmp(rows[0].id, want[got - 1 - PAGE]) != 0 ||
		    strcmp(rows[n - 1].id, want[got - 2]) != 0)
			mismatch(&q, "backward");
		checks++;
	}
	int64_t exact = brute_count(h, &q), total = -1, pos = -1;
	q.count_cap = 0;
	if (bzj_store_shop_count(db, &q, NULL, &total, NULL, &e) || total != exact)
		mismatch(&q, "count");
	q.count_cap = 1000;
	if (bzj_store_shop_count(db, &q, NULL, &total, NULL, &e) ||
	    total != (exact < 1000 ? exact : 1000))
		mismatch(&q, "capped");
	checks += 2;
	if (got > 1) {
		bzj_shop_row at = q.cursor;
		strcpy(at.id, want[got / 2]);
		/* the position counts rows before `at` in display order: needs
		 * the row's own sort key */
		sqlite3_stmt *st;
		sqlite3_prepare_v2(h, "SELECT name, required_fen, balance_fen FROM shop WHERE id = ?",
				   -1, &st, NULL);
		sqlite3_bind_text(st, 1, at.id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(at.name, sizeof at.name, "%s", (const char *)sqlite3_column_text(st, 0));
			at.required_fen = sqlite3_column_int64(st, 1);
			at.balance_fen = sqlite3_column_int64(st, 2);
		}
		sqlite3_finalize(st);
		q.count_cap = 0;
		if (bzj_store_shop_count(db, &q, &at, &total, &pos, &e) || pos != got / 2)
			mismatch(&q, "position");
		checks++;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: searchcheck DB [-p PAGES] [-n SAMPLES] [-q TERM...]\n");
		return 2;
	}
	int pages = 3, samples = 0, nq = 0;
	char *terms[4096];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			pages = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			samples = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-q") && i + 1 < argc && nq < 4096)
			terms[nq++] = argv[++i];
	}
	if (pages > 64)
		pages = 64;
	bzj_db *db;
	bzj_err e = {0};
	if (bzj_db_open(argv[1], BZJ_OPEN_READONLY, &db, &e)) {
		fprintf(stderr, "searchcheck: %s\n", e.msg);
		return 2;
	}
	sqlite3 *h;
	sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READONLY, NULL);
	/* samples: substrings of 1-4 characters of names and operators, and
	 * id prefixes, from shops spread over the table */
	sqlite3_stmt *st;
	sqlite3_prepare_v2(h,
			   "SELECT substr(CASE WHEN k % 3 = 0 THEN name WHEN k % 3 = 1 THEN"
			   " operator_name ELSE id END, 1 + abs(random()) % 3, 1 + k % 4),"
			   " k FROM (SELECT name, operator_name, id, rowid AS k FROM shop"
			   " ORDER BY random() LIMIT ?)",
			   -1, &st, NULL);
	sqlite3_bind_int(st, 1, samples);
	while (sqlite3_step(st) == SQLITE_ROW && nq < 4096) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && *t)
			terms[nq++] = strdup(t);
	}
	sqlite3_finalize(st);
	for (int t = 0; t < nq; t++) {
		for (int sort = 0; sort < BZJ_SORT_COUNT; sort++)
			for (int desc = 0; desc < 2; desc++) {
				bzj_shop_query q = {.search = terms[t], .sort = sort, .desc = desc};
				check(db, h, q, pages);
			}
		bzj_shop_query f = {.search = terms[t], .status = BZJ_SHOP_OPEN};
		check(db, h, f, pages);
		f = (bzj_shop_query){.search = terms[t], .shortfall = true, .desc = true};
		check(db, h, f, pages);
		f = (bzj_shop_query){.search = terms[t], .open_violations = true, .sort = 1};
		check(db, h, f, pages);
		fprintf(stderr, "\r%d/%d terms, %d checks, %d mismatches", t + 1, nq, checks, bad);
	}
	fprintf(stderr, "\n");
	printf("searchcheck: %d terms, %d checks, %d mismatches\n", nq, checks, bad);
	sqlite3_close(h);
	bzj_db_close(db);
	return bad ? 1 : 0;
}
