/* holidays.c - importing the business-day calendar into the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/holidays.h"
#include "service.h"

typedef struct row {
	bzj_date d;
	int kind;
	char en[64], zh[64];
} row;

typedef struct rows {
	row *v;
	size_t n, cap;
} rows;

static int keep_row(void *ctx, bzj_date d, int kind, const char *en, const char *zh, bzj_err *e)
{
	rows *r = ctx;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		row *v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		r->v = v;
		r->cap = cap;
	}
	row *w = &r->v[r->n++];
	w->d = d;
	w->kind = kind;
	snprintf(w->en, sizeof w->en, "%s", en ? en : "");
	snprintf(w->zh, sizeof w->zh, "%s", zh ? zh : "");
	return BZJ_OK;
}

/* Bulk jobs (issue 13): a calendar load stays one transaction.  A year is
 * at most 366 rows; loading every year of data/holidays.tsv took 60-70 ms
 * for the whole process at 200,000 shops (a top-up alone 20-40 ms), and
 * the rows do not grow with the shops, so the write lock is held for tens
 * of milliseconds at any scale: within the desk's 100 ms, and one
 * transaction keeps a year all or nothing without a job. */
int bzj_calendar_import(bzj_ctx *x, const char *text, size_t len, int *nrows, int *nyears,
			bzj_err *e)
{
	*nrows = *nyears = 0;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("change the calendar"), e);
	if (rc)
		return rc;
	bzj_cal *tmp = bzj_cal_new();
	rows r = {0};
	if (!tmp)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	rc = bzj_cal_parse_tsv(tmp, text, len, keep_row, &r, e);
	if (!rc && r.n == 0)
		rc = bzj_fail(e, BZJ_EINPUT, "calendar.format", _("the file has no calendar rows"));
	if (rc)
		goto out;
	if ((rc = svc_begin(x, e)))
		goto out;
	for (size_t i = 0; !rc && i < r.n; i++)
		rc = bzj_store_calendar_put(x->db, r.v[i].d, r.v[i].kind, r.v[i].en, r.v[i].zh, e);
	for (int y = BZJ_CAL_MIN_YEAR; !rc && y <= BZJ_CAL_MAX_YEAR; y++) {
		if (!bzj_cal_has_year(tmp, y))
			continue;
		rc = bzj_store_calendar_year(x->db, y, e);
		(*nyears)++;
	}
	if (!rc) {
		char a[64];
		snprintf(a, sizeof a, "{\"rows\":%zu,\"years\":%d}", r.n, *nyears);
		rc = svc_audit(x, "calendar.import", "calendar", NULL, NULL, a, NULL, e);
	}
	rc = svc_end(x, rc, e);
	if (!rc)
		rc = bzj_ctx_reload(x, e);
	*nrows = (int)r.n;
out:
	free(r.v);
	bzj_cal_free(tmp);
	return rc;
}
