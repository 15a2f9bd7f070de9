/* test_import.c - bzj_import on a real database: all or nothing, every bad
 * line reported with its line number and field, and what good lines do to
 * the shops they touch. */
#include <sqlite3.h>

#include "bzj/check.h"
#include "bzj/import.h"
#include "bzj/ledger.h"
#include "bzj/violation.h"
#include "fixture.h"

/* What the import reported, as "line:field" joined by spaces. */
typedef struct lines {
	char buf[1024];
	int n;
	char last[256]; /* the last message */
} lines;

static int on_line(void *ctx, long line, const char *field, const char *msg)
{
	lines *l = ctx;
	size_t n = strlen(l->buf);

	snprintf(l->last, sizeof l->last, "%s", msg);
	snprintf(l->buf + n, sizeof l->buf - n, "%s%ld:%s", n ? " " : "", line, field);
	l->n++;
	return 0;
}

/* Import `csv` as `kind`; returns the rc, fills *l and *r. */
static int import(fx *f, int kind, const char *csv, lines *l, bzj_import_result *r)
{
	memset(l, 0, sizeof *l);
	bzj_err_clear(&f->e);
	return bzj_import(&f->x, kind, csv, strlen(csv), on_line, l, r, &f->e);
}

static void shops(fx *f)
{
	lines l;
	bzj_import_result r;
	static const char csv[] = "id,name,entity,categories,opened,entity_name,operator\n"
				  "S1,一号店,individual,服饰内衣,2025-08-01,一号经营部,周一\n"
				  "S2,二号店,individual,服饰内衣,2025-08-01,二号经营部,周二\n";

	as(f, "sup1", BZJ_ROLE_SUPERVISOR);
	assert_int_equal(import(f, BZJ_IMPORT_SHOPS, csv, &l, &r), BZJ_OK);
	assert_int_equal(r.rows, 2);
}

/* ---- good files ---------------------------------------------------------- */

static void bom_crlf_and_quoted_fields(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char csv[] = "\xef\xbb\xbf"
				  "id,name,entity,categories,opened,entity_name,operator\r\n"
				  "Q1,\"逗号,引号\"\"店\"\"\",company,\"服饰内衣;珠宝饰品\","
				  "2025-08-01,某某有限公司,\r\n"
				  "Q2,普通店,individual,服饰内衣|生鲜水果,2025-08-01,,王五\r\n";

	assert_int_equal(import(f, BZJ_IMPORT_SHOPS, csv, &l, &r), BZJ_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(r.rows, 2);
	bzj_shop_view v = view(f, "Q1");
	assert_string_equal(v.shop.name, "逗号,引号\"店\"");
	assert_int_equal(v.ncategories, 2);
	assert_int_equal(v.dep.pos.base_fen, 2000000);
	v = view(f, "Q2");
	assert_string_equal(v.shop.operator_name, "王五");
	assert_string_equal(v.shop.entity_name, "普通店");
	assert_int_equal(v.dep.pos.base_fen, 300000);
}

static void topups_carry_their_own_date_and_refs_are_idempotent(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char csv[] = "shop_id,amount,date,payer,ack_third_party,ref\n"
				  "S1,1000,2025-08-02,,,R-1\n"
				  "S1,500,2025-08-03,朋友,yes,R-2\n";
	/* the same payment listed twice in one file is a data error */
	static const char twice[] = "shop_id,amount,date,payer,ack_third_party,ref\n"
				    "S1,1000,2025-08-02,,,R-1\n"
				    "S1,500,2025-08-03,朋友,yes,R-2\n"
				    "S1,500,2025-08-03,朋友,yes,R-2\n";

	shops(f);
	today(f, "2025-08-10");
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, twice, &l, &r), BZJ_EINPUT);
	assert_int_equal(r.rows, 0);
	assert_int_equal(view(f, "S1").shop.balance_fen, 0);
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, csv, &l, &r), BZJ_OK);
	assert_int_equal(r.rows, 2);
	assert_int_equal(view(f, "S1").shop.balance_fen, 150000);
	bzj_ledger_entry le[4];
	int n = 0;
	assert_int_equal(bzj_ledger_list(&f->x, "S1", 0, le, 4, &n, &f->e), BZJ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(le[0].date, D("2025-08-03"));
	assert_true(le[0].third_party);
	assert_int_equal(le[1].date, D("2025-08-02"));
	/* importing the same file again is refused naming the earlier import
	 * (issue 10.3); the same lines in another file are replays */
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, csv, &l, &r), BZJ_ERULE);
	assert_string_equal(f->e.code, "import.duplicate_file");
	assert_non_null(strstr(f->e.msg, "fin1"));
	assert_int_equal(view(f, "S1").shop.balance_fen, 150000);
	char again[512];
	snprintf(again, sizeof again, "%s\n", csv);
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, again, &l, &r), BZJ_OK);
	assert_int_equal(r.rows, 0);
	assert_int_equal(r.replayed, 2);
	assert_int_equal(view(f, "S1").shop.balance_fen, 150000);
}

/* ---- bad files: all or nothing, every line named ------------------------- */

static void one_bad_line_writes_nothing(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char csv[] = "shop_id,amount,date\n"
				  "S1,100,2025-08-01\n"
				  "S2,200,2025-08-01\n"
				  "S1,-5,2025-08-01\n";

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	int64_t audits = audit_count(f);
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, csv, &l, &r), BZJ_EINPUT);
	assert_string_equal(f->e.code, "import.invalid");
	assert_int_equal(r.rows, 0);
	assert_int_equal(r.errors, 1);
	assert_string_equal(l.buf, "4:amount");
	assert_int_equal(view(f, "S1").shop.balance_fen, 0);
	assert_int_equal(view(f, "S2").shop.balance_fen, 0);
	assert_int_equal(audit_count(f), audits);
}

static void every_bad_gmv_line_is_reported(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	/* a bad amount, a bad month and a shop that does not exist: three
	 * bad lines, three reports */
	static const char csv[] = "shop_id,month,amount\n"
				  "S1,2025-08,100\n"
				  "S1,2025-08,1e3\n"
				  "S2,2025-8,100\n"
				  "NOPE,2025-08,100\n";

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, csv, &l, &r), BZJ_EINPUT);
	assert_int_equal(r.errors, 3);
	assert_string_equal(l.buf, "3:amount 4:month 5:shop_id");
}

/* What gmv holds, read straight from the database file. */
static int64_t gmv_sql(fx *f, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* GMV lines for S1 and S2 over `months` months from 1901-01 (at most
 * 13,188, to 2999-12), months
 * ascending or descending, then `tail`. */
static char *gmv_csv(int months, bool descending, const char *tail)
{
	size_t cap = (size_t)months * 2 * 32 + strlen(tail) + 64, n = 0;
	char *csv = malloc(cap);

	assert_non_null(csv);
	n += (size_t)snprintf(csv + n, cap - n, "shop_id,month,amount\n");
	for (int i = 0; i < months; i++) {
		int k = descending ? months - 1 - i : i;
		for (int s = 1; s <= 2; s++)
			n += (size_t)snprintf(csv + n, cap - n, "S%d,%04d-%02d,%d.%02d\n", s,
					      1901 + k / 12, k % 12 + 1, k, s);
	}
	snprintf(csv + n, cap - n, "%s", tail);
	return csv;
}

/* What a reader sees of gmv (core/store_bulk.c): the newest version of
 * each (shop, month) written by a single command (job 0) or a published
 * import; a later file adds a newer version instead of overwriting. */
#define GMV_SEEN                                                                                   \
	"(SELECT * FROM gmv g WHERE job = (SELECT max(job) FROM gmv v WHERE v.month = g.month"   \
	" AND v.shop_id = g.shop_id AND (v.job = 0 OR v.job IN"                                  \
	" (SELECT id FROM bulk_job WHERE state = 1))))"

static void gmv_lines_are_written_and_a_later_file_replaces_them(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char first[] = "shop_id,month,amount\n"
				    "S1,2025-07,100\n"
				    "S1,2025-08,200.50\n"
				    "S2,2025-08,0\n";
	/* out of order, and correcting July: a new file, not a repeat */
	static const char second[] = "shop_id,month,amount\n"
				     "S2,2025-08,7\n"
				     "S1,2025-07,300\n";

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	int64_t audits = audit_count(f);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, first, &l, &r), BZJ_OK);
	assert_int_equal(r.rows, 3);
	assert_int_equal(audit_count(f), audits + 1);
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM " GMV_SEEN), 3);
	assert_int_equal(gmv_sql(f, "SELECT gmv_fen FROM " GMV_SEEN " WHERE shop_id = 'S1'"
				    " AND month = 2025 * 12 + 7"),
			 20050);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, second, &l, &r), BZJ_OK);
	assert_int_equal(r.rows, 2);
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM " GMV_SEEN), 3);
	assert_int_equal(gmv_sql(f, "SELECT sum(gmv_fen) FROM " GMV_SEEN), 30000 + 20050 + 700);
	/* the shortest lines there are, the last without a line break */
	assert_int_equal(import(f, BZJ_IMPORT_GMV,
				"amount,month,shop_id\n1,2025-09,S1\n2,2025-09,S2", &l, &r),
			 BZJ_OK);
	assert_int_equal(r.rows, 2);
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM " GMV_SEEN), 5);
}

static void a_shop_and_month_twice_in_a_file_names_both_lines(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	/* in order: the repeat follows the line it repeats */
	static const char sorted[] = "shop_id,month,amount\n"
				     "S1,2025-07,100\n"
				     "S1,2025-08,100\n"
				     "S1,2025-08,200\n"
				     "S2,2025-08,300\n";
	/* out of order: the repeat comes back to an earlier line */
	static const char unsorted[] = "shop_id,month,amount\n"
				       "S2,2025-08,1\n"
				       "S1,2025-08,2\n"
				       "S1,2025-07,5\n"
				       "S2,2025-08,3\n"
				       "S1,2025-07,6\n";

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, sorted, &l, &r), BZJ_EINPUT);
	assert_string_equal(f->e.code, "import.invalid");
	assert_string_equal(l.buf, "4:month");
	assert_non_null(strstr(l.last, "line 3"));
	assert_int_equal(r.rows, 0);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, unsorted, &l, &r), BZJ_EINPUT);
	assert_string_equal(l.buf, "5:month 6:month");
	assert_non_null(strstr(l.last, "line 4"));
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM gmv"), 0);
}

static void a_repeat_is_found_in_a_large_file_in_any_order(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	/* 20,000 lines, months descending, then line 2 again */
	char *csv = gmv_csv(10000, true, "S1,2734-04,1\n");

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, csv, &l, &r), BZJ_EINPUT);
	assert_string_equal(l.buf, "20002:month");
	assert_non_null(strstr(l.last, "line 2;"));
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM gmv"), 0);
	free(csv);
	csv = gmv_csv(10000, false, "");
	assert_int_equal(import(f, BZJ_IMPORT_GMV, csv, &l, &r), BZJ_OK);
	assert_int_equal(r.rows, 20000);
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM gmv"), 20000);
	free(csv);
}

static void gmv_for_a_shop_that_does_not_exist_writes_nothing(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char csv[] = "shop_id,month,amount\n"
				  "S1,2025-08,100\n"
				  "NOPE,2025-08,100\n"
				  "S2,2025-08,100\n"
				  "GONE,2025-07,100\n";

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	int64_t audits = audit_count(f);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, csv, &l, &r), BZJ_EINPUT);
	assert_string_equal(f->e.code, "import.invalid");
	assert_string_equal(l.buf, "3:shop_id 5:shop_id");
	assert_non_null(strstr(l.last, "GONE"));
	assert_int_equal(r.rows, 0);
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM gmv"), 0);
	assert_int_equal(audit_count(f), audits);
}

typedef struct stop_at {
	int calls, stop; /* stop at call `stop` */
	long long last_total;
} stop_at;

static int stop_progress(void *ctx, const char *what, long long done, long long total)
{
	stop_at *s = ctx;

	(void)what;
	(void)done;
	s->last_total = total;
	return ++s->calls >= s->stop;
}

static void an_interrupted_gmv_import_writes_nothing(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	char *csv = gmv_csv(10000, false, "");

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	/* every 16,384 lines: while reading them (no total yet), then while
	 * writing them (20,000 in all) */
	for (int stop = 1; stop <= 2; stop++) {
		stop_at s = {0, stop, -1};
		f->x.progress = stop_progress;
		f->x.progress_ctx = &s;
		assert_int_equal(import(f, BZJ_IMPORT_GMV, csv, &l, &r), BZJ_EBUSY);
		assert_string_equal(f->e.code, "interrupted");
		assert_int_equal(r.rows, 0);
		assert_int_equal(s.calls, stop);
		assert_int_equal(s.last_total, stop == 1 ? 0 : 20000);
		assert_int_equal(gmv_sql(f, "SELECT count(*) FROM gmv"), 0);
	}
	f->x.progress = NULL;
	assert_int_equal(import(f, BZJ_IMPORT_GMV, csv, &l, &r), BZJ_OK);
	assert_int_equal(gmv_sql(f, "SELECT count(*) FROM gmv"), 20000);
	free(csv);
}

static void a_line_with_more_fields_than_the_header_is_bad(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	/* 50,000.00 written without quotes: the amount would be read as 50 */
	static const char gmv[] = "shop_id,month,amount\n"
				  "S1,2025-08,50,000.00\n";
	static const char topups[] = "shop_id,amount,date\n"
				     "S1,1000,2025-08-01,x\n";

	shops(f);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	int rc = import(f, BZJ_IMPORT_GMV, gmv, &l, &r);
	if (rc != BZJ_EINPUT)
		fail_msg("gmv line with 4 fields under a 3-column header: rc %d, %lld rows written",
			 rc, (long long)r.rows);
	assert_int_equal(l.n, 1);
	assert_memory_equal(l.buf, "2:", 2);
	assert_int_equal(r.rows, 0);
	rc = import(f, BZJ_IMPORT_TOPUPS, topups, &l, &r);
	assert_int_equal(rc, BZJ_EINPUT);
	assert_int_equal(view(f, "S1").shop.balance_fen, 0);
}

static void gbk_is_reported_at_its_line(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	/* "一号店" in GBK on line 3 */
	static const char csv[] = "id,name,entity,categories,opened\n"
				  "G1,ok,individual,服饰内衣,2025-08-01\n"
				  "G2,\xd2\xbb\xba\xc5\xb5\xea,individual,服饰内衣,2025-08-01\n";

	assert_int_equal(import(f, BZJ_IMPORT_SHOPS, csv, &l, &r), BZJ_EINPUT);
	assert_string_equal(f->e.code, "import.invalid");
	assert_int_equal(r.rows, 0);
	/* one report, at line 3; the header was there */
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.buf, "3:"));
	bzj_shop_view v;
	assert_int_equal(bzj_shop_view_get(&f->x, "G1", &v, &f->e), BZJ_ENOTFOUND);
}

static void rule_refusals_name_the_column_they_concern(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char viol[] = "shop_id,class,points,raise,freeze,note\n"
				   "S1,A,1,0,100,冻结超额\n";
	static const char topup[] = "shop_id,amount,date,payer\n"
				    "S1,100,2025-08-01,别人\n";

	shops(f);
	as(f, "rev1", BZJ_ROLE_REVIEWER);
	assert_int_equal(import(f, BZJ_IMPORT_VIOLATIONS, viol, &l, &r), BZJ_EINPUT);
	assert_string_equal(l.buf, "2:freeze");
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, topup, &l, &r), BZJ_EINPUT);
	if (strcmp(l.buf, "2:payer") != 0 && strcmp(l.buf, "2:ack_third_party") != 0)
		fail_msg("third-party refusal reported as '%s', not against payer or "
			 "ack_third_party", l.buf);
}

static void violation_dates_after_today_are_bad(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	static const char csv[] = "shop_id,class,points,raise,freeze,note,date\n"
				  "S1,A,1,0,,未来,2030-01-01\n";

	shops(f);
	as(f, "rev1", BZJ_ROLE_REVIEWER);
	assert_int_equal(import(f, BZJ_IMPORT_VIOLATIONS, csv, &l, &r), BZJ_EINPUT);
	assert_string_equal(l.buf, "2:date");
}

static void backdated_topups_are_judged_against_todays_requirement(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;
	bzj_recompute_result rr;
	static const char csv[] = "shop_id,amount,date\n"
				  "S1,2500,2025-08-04\n";

	shops(f);
	/* floating 3,000 from 2025-09-02 (GMV 60,000 in August) */
	as(f, "sup1", BZJ_ROLE_SUPERVISOR);
	assert_int_equal(bzj_gmv_set(&f->x, "S1", bzj_date_month(D("2025-08-01")), 6000000, &f->e),
			 BZJ_OK);
	today(f, "2025-09-01");
	assert_int_equal(bzj_deposit_recompute(&f->x, bzj_date_month(D("2025-09-01")), &rr, &f->e),
			 BZJ_OK);
	today(f, "2025-09-05");
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_TOPUPS, csv, &l, &r), BZJ_OK);
	bzj_shop_view v = view(f, "S1");
	assert_int_equal(v.dep.pos.required_fen, 300000);
	assert_true(v.dep.pos.restricted);
	/* the recorded restriction (lists, check) says the same today */
	assert_true(v.shop.restricted);
	assert_int_equal(v.shop.required_fen, 300000);
	bzj_check_result cr;
	memset(&cr, 0, sizeof cr);
	assert_int_equal(bzj_check_all(&f->x, NULL, NULL, &cr, &f->e), BZJ_OK);
	assert_int_equal(cr.problems, 0);
}

static void permission_is_checked_first(void **state)
{
	fx *f = *state;
	lines l;
	bzj_import_result r;

	as(f, "cs1", BZJ_ROLE_SUPPORT);
	assert_int_equal(import(f, BZJ_IMPORT_SHOPS, "garbage", &l, &r), BZJ_EPERM);
	as(f, "fin1", BZJ_ROLE_FINANCE);
	assert_int_equal(import(f, BZJ_IMPORT_VIOLATIONS, "shop_id,class,points,raise\n", &l, &r),
			 BZJ_EPERM);
	as(f, "rev1", BZJ_ROLE_REVIEWER);
	assert_int_equal(import(f, BZJ_IMPORT_GMV, "shop_id,month,amount\n", &l, &r), BZJ_EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(bom_crlf_and_quoted_fields),
		T(topups_carry_their_own_date_and_refs_are_idempotent),
		T(one_bad_line_writes_nothing),
		T(every_bad_gmv_line_is_reported),
		T(gmv_lines_are_written_and_a_later_file_replaces_them),
		T(a_shop_and_month_twice_in_a_file_names_both_lines),
		T(a_repeat_is_found_in_a_large_file_in_any_order),
		T(gmv_for_a_shop_that_does_not_exist_writes_nothing),
		T(an_interrupted_gmv_import_writes_nothing),
		T(a_line_with_more_fields_than_the_header_is_bad),
		T(gbk_is_reported_at_its_line),
		T(rule_refusals_name_the_column_they_concern),
		T(violation_dates_after_today_are_bad),
		T(backdated_topups_are_judged_against_todays_requirement),
		T(permission_is_checked_first),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
