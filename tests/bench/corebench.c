/* corebench.c - the console's database work, timed in one process.
 *
 * Each figure replays exactly the core calls a console panel makes for one
 * user action (see tui/view_shops.c, view_detail.c, view_refunds.c), so it
 * measures what a keystroke costs before ncurses draws anything:
 *
 *   open    bzj_ctx_open; start: open + the first screen (a console start)
 *   first   shop list first screen: bzj_shop_list(100) + bzj_shop_count
 *   pgdn    one PgDn in the shop list (20-row body of 80x24), with the
 *           100-row keyset refills the panel does as it walks forward
 *   search  one keystroke of search-as-you-type: list(100) + count (capped)
 *           for every prefix of every query given with -q
 *   detail  deposit detail of a shop: view + open violations + its refunds
 *           + receipts + first ledger page
 *   refunds refund queue (open, by due date): list(100) + count
 *
 * Usage: corebench DB CONFIG TODAY [-r REPS] [-v] -q QUERY [-q QUERY...]
 *                  [-s SHOP...]
 * Prints "figure median_ms p99_ms max_ms samples" lines and "rss_PHASE
 * rss_kb peak_kb" after each phase; -v also prints
 * every search keystroke.  BZJ_USER names the user (identity = "env"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bzj/auth.h"
#include "bzj/config.h"
#include "bzj/ctx.h"
#include "bzj/ledger.h"
#include "bzj/receipt.h"
#include "bzj/refund.h"
#include "bzj/shop.h"
#include "bzj/violation.h"

#define PAGE 100
#define BUF_MAX 400
#define BODY_ROWS 20 /* 80x24: title + status lines, panel bar + header */
#define SEARCH_COUNT_CAP 1000 /* as tui/view_shops.c */
#define MAXQ 64
#define MAXS 256

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

typedef struct samples {
	double *v;
	int n, cap;
} samples;

static void add(samples *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = realloc(s->v, sizeof *s->v * (size_t)s->cap);
		if (!s->v)
			exit(6);
	}
	s->v[s->n++] = v;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(samples *s, double p)
{
	if (!s->n)
		return 0;
	qsort(s->v, (size_t)s->n, sizeof *s->v, cmp);
	int i = (int)(p * (s->n - 1) + 0.5);
	return s->v[i];
}

static void report(const char *name, samples *s)
{
	if (!s->n) {
		printf("%s - - - 0\n", name);
		return;
	}
	double med = pct(s, 0.5), p99 = pct(s, 0.99), max = pct(s, 1.0);
	printf("%s %.3f %.3f %.3f %d\n", name, med, p99, max, s->n);
}

/* Resident and peak resident size of this process, in KB. */
static void rss(const char *phase)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long cur = -1, hwm = -1;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		sscanf(line, "VmRSS: %ld", &cur);
		sscanf(line, "VmHWM: %ld", &hwm);
	}
	fclose(f);
	printf("rss_%s %ld %ld\n", phase, cur, hwm);
}

static void die(const bzj_err *e, const char *what)
{
	fprintf(stderr, "corebench: %s: %s\n", what, e->msg);
	exit(6);
}

static bzj_shop_row page[PAGE], buf[BUF_MAX];

/* The shop panel's load_first. */
static int load_first(bzj_ctx *x, const char *search, int *n)
{
	bzj_shop_query q;
	bzj_err e;
	int64_t total;
	memset(&q, 0, sizeof q);
	q.search = search && *search ? search : NULL;
	q.count_cap = q.search ? SEARCH_COUNT_CAP : 0;
	if (bzj_shop_list(x, &q, page, PAGE, n, &e))
		die(&e, "shop list");
	if (bzj_shop_count(x, &q, NULL, &total, NULL, &e))
		die(&e, "shop count");
	return (int)total;
}

/* PgDn walk: the buffer and refills of view_shops.c (fetch_next). */
static void pgdn_walk(bzj_ctx *x, int presses, samples *s)
{
	int n = 0, cur = 0;
	bool at_end;
	load_first(x, NULL, &n);
	memcpy(buf, page, sizeof page[0] * (size_t)n);
	at_end = n < PAGE;
	for (int k = 0; k < presses; k++) {
		double t0 = now_ms();
		while (cur + BODY_ROWS >= n && !at_end) {
			bzj_shop_query q;
			bzj_err e;
			int got = 0;
			memset(&q, 0, sizeof q);
			q.has_cursor = true;
			q.cursor = buf[n - 1];
			if (bzj_shop_list(x, &q, page, PAGE, &got, &e))
				die(&e, "shop list");
			at_end = got < PAGE;
			int drop = n + got - BUF_MAX;
			if (drop > 0) {
				memmove(buf, buf + drop, sizeof buf[0] * (size_t)(n - drop));
				n -= drop;
				cur -= drop;
			}
			memcpy(buf + n, page, sizeof page[0] * (size_t)got);
			n += got;
			if (!got)
				break;
		}
		cur = cur + BODY_ROWS < n ? cur + BODY_ROWS : n - 1;
		add(s, now_ms() - t0);
	}
}

/* The detail panel's detail_load for one shop. */
static void detail(bzj_ctx *x, const char *id)
{
	static bzj_shop_view v;
	static bzj_violation vs[32];
	static bzj_refund rs[20];
	static bzj_receipt rc[30];
	static bzj_ledger_entry le[100];
	bzj_err e;
	int n;
	if (bzj_shop_view_get(x, id, &v, &e))
		die(&e, "shop view");
	if (bzj_violation_list(x, id, true, 0, vs, 32, &n, &e))
		die(&e, "violation list");
	bzj_refund_query q;
	memset(&q, 0, sizeof q);
	q.shop_id = id;
	if (bzj_refund_list(x, &q, rs, 20, &n, &e))
		die(&e, "refund list");
	if (bzj_receipt_list(x, id, rc, 30, &n, &e))
		die(&e, "receipt list");
	if (bzj_ledger_list(x, id, 0, le, 100, &n, &e))
		die(&e, "ledger list");
}

/* The refund panel's refunds_load (open refunds, the default filter). */
static void refund_queue(bzj_ctx *x, bool overdue)
{
	static bzj_refund rs[PAGE];
	bzj_refund_query q;
	bzj_err e;
	int n;
	int64_t total;
	memset(&q, 0, sizeof q);
	q.open_only = true;
	q.overdue = overdue;
	if (bzj_refund_list(x, &q, rs, PAGE, &n, &e))
		die(&e, "refund list");
	if (bzj_refund_count(x, &q, &total, &e))
		die(&e, "refund count");
}

/* Byte length of the first k UTF-8 characters of s. */
static size_t prefix_bytes(const char *s, int k)
{
	size_t i = 0;
	for (int c = 0; s[i] && c < k; c++)
		for (i++; ((unsigned char)s[i] & 0xC0) == 0x80; i++)
			;
	return i;
}

static int chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: corebench DB CONFIG TODAY [-r REPS] [-v] -q QUERY... "
				"-s SHOP...\n");
		return 2;
	}
	const char *dbp = argv[1], *confp = argv[2], *today = argv[3];
	const char *qs[MAXQ], *shops[MAXS];
	int nq = 0, ns = 0, reps = 5;
	bool verbose = false;
	for (int i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!strcmp(argv[i], "-q") && i + 1 < argc && nq < MAXQ)
			qs[nq++] = argv[++i];
		else if (!strcmp(argv[i], "-s") && i + 1 < argc && ns < MAXS)
			shops[ns++] = argv[++i];
	}
	bzj_err e;
	bzj_config cfg;
	bzj_actor actor;
	bzj_date d;
	if (bzj_date_parse(today, "today", &d, &e))
		die(&e, "today");
	bzj_today_set(d);
	if (bzj_config_load(&cfg, confp, &e))
		die(&e, "config");
	if (bzj_auth_identify(&cfg, NULL, &actor, &e))
		die(&e, "identify");

	samples sopen = {0}, sstart = {0}, scold = {0}, sfirst = {0}, spg = {0}, ssearch = {0}, sdet = {0}, sref = {0},
		sover = {0};
	bzj_ctx x;
	double t0 = now_ms();
	if (bzj_ctx_open(&x, dbp, 0, &cfg, &actor, &e))
		die(&e, "open");
	add(&sopen, now_ms() - t0);
	rss("open");
	int n;
	/* The first screen right after open is what a user waits for. */
	t0 = now_ms();
	load_first(&x, NULL, &n);
	add(&scold, now_ms() - t0);
	add(&sstart, sopen.v[0] + scold.v[0]);
	for (int r = 0; r < reps; r++) {
		t0 = now_ms();
		load_first(&x, NULL, &n);
		add(&sfirst, now_ms() - t0);
	}
	rss("first");
	for (int r = 0; r < reps; r++)
		pgdn_walk(&x, 200, &spg);
	rss("pgdn");
	for (int r = 0; r < reps; r++) {
		for (int k = 0; k < nq; k++) {
			int len = chars(qs[k]);
			char pre[512];
			for (int c = 1; c <= len; c++) {
				size_t b = prefix_bytes(qs[k], c);
				memcpy(pre, qs[k], b);
				pre[b] = 0;
				t0 = now_ms();
				int total = load_first(&x, pre, &n);
				double ms = now_ms() - t0;
				add(&ssearch, ms);
				if (verbose && r == reps - 1)
					fprintf(stderr, "search %-24s %8.3f ms  %d rows  total %d\n",
						pre, ms, n, total);
			}
		}
	}
	rss("search");
	for (int r = 0; r < reps; r++) {
		for (int k = 0; k < ns; k++) {
			t0 = now_ms();
			detail(&x, shops[k]);
			double ms = now_ms() - t0;
			add(&sdet, ms);
			if (verbose && r == reps - 1)
				fprintf(stderr, "detail %-10s %8.3f ms\n", shops[k], ms);
		}
	}
	rss("detail");
	for (int r = 0; r < reps; r++) {
		t0 = now_ms();
		refund_queue(&x, false);
		add(&sref, now_ms() - t0);
		t0 = now_ms();
		refund_queue(&x, true);
		add(&sover, now_ms() - t0);
	}
	/* open: bzj_ctx_open, then open + the first screen (a console start) */
	rss("refunds");
	if (getenv("BENCH_SMAPS")) {
		/* which mappings hold the resident memory */
		FILE *f = fopen("/proc/self/smaps", "r");
		char line[512], head[512] = "";
		long kb;
		while (f && fgets(line, sizeof line, f)) {
			if (sscanf(line, "Rss: %ld kB", &kb) == 1 && kb > 1024)
				fprintf(stderr, "%6ld KB  %s", kb, head);
			else if (line[0] >= '0' && line[0] <= 'f' && strchr(line, '-'))
				snprintf(head, sizeof head, "%s", line);
		}
		if (f)
			fclose(f);
	}
	report("open", &sopen);
	report("start", &sstart);
	report("first_cold", &scold);
	report("first", &sfirst);
	report("pgdn", &spg);
	report("search", &ssearch);
	report("detail", &sdet);
	report("refunds", &sref);
	report("refunds_overdue", &sover);
	bzj_ctx_close(&x);
	bzj_config_free(&cfg);
	return 0;
}
