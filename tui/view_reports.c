/* view_reports.c - the Reports screen, opened from the refund queue (P):
 * the last 30 days' payouts and late payouts per day as bar charts
 * (chart.h; ASCII where the terminal needs it), the breaches by reviewer
 * and finance operator, the queue's throughput and days to approve / pay,
 * this month's statement of the deposit account, the bank batches
 * still waiting for their return and the imports a crash or Ctrl-C left
 * incomplete (issue 13: resumed by importing the same file).  Read-only; any key but the arrows
 * closes it, [ and ] move the 30 days. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/import.h"
#include "bzj/money.h"
#include "bzj/payout.h"
#include "bzj/report.h"
#include "chart.h"
#include "ui.h"
#include "widget.h"

#define DAYS 30
#define CHART_ROWS 4
#define COLW 2

typedef struct rep {
	bzj_date to;
	bzj_breach_report b;
	bzj_queue_report q;
	bzj_month_report m;
	int64_t open_batches, flagged;
	bzj_import_open inc[3]; /* imports a crash or Ctrl-C left half done */
	int ninc;
	bool ok;
	char err[512];
} rep;

static void rep_free(rep *r)
{
	bzj_breach_free(&r->b);
	bzj_queue_free(&r->q);
}

static void rep_load(ui *u, rep *r)
{
	bzj_err e;
	rep_free(r);
	r->ok = false;
	bzj_date from = r->to - (DAYS - 1);
	int rc = bzj_report_breaches(u->x, from, r->to, &r->b, &e);
	if (!rc)
		rc = bzj_report_queue(u->x, from, r->to, &r->q, &e);
	if (!rc)
		rc = bzj_report_month(u->x, bzj_date_month(r->to), &r->m, &e);
	bzj_payout_batch bt[64];
	int n = 0;
	if (!rc)
		rc = bzj_payout_list(u->x, true, bt, 64, &n, &r->flagged, &e);
	r->open_batches = n;
	if (!rc)
		rc = bzj_import_incomplete(u->x, r->inc, 3, &r->ninc, &e);
	r->ok = !rc;
	if (rc)
		snprintf(r->err, sizeof r->err, "%s", e.msg);
}

/* One bar chart of DAYS values with its top value on the left. */
static int draw_chart(ui *u, WINDOW *w, int y, const char *title, const int64_t *v, int style)
{
	chart c;
	bool ascii = chart_ascii();
	chart_bars(&c, v, NULL, DAYS, CHART_ROWS, COLW, ascii);
	char m[32];
	snprintf(m, sizeof m, "%lld", (long long)c.max);
	ui_rule(u, w, y++, title);
	int x0 = 2 + 4 + 1;
	for (int r = 0; r < c.rows && y < u->lines; r++, y++) {
		ui_style(w, u, ST_DIM);
		if (r == 0)
			wdg_put(w, y, 2, m, 4, WDG_RIGHT);
		if (r == c.rows - 1)
			wdg_put(w, y, 2, "0", 4, WDG_RIGHT);
		for (int k = 0; k < c.cols && x0 + k < u->cols; k++) {
			ui_style(w, u, c.kind[r][k] == CC_EMPTY ? ST_NORMAL : style);
			mvwaddnwstr(w, y, x0 + k, &c.cell[r][k], 1);
		}
	}
	ui_style(w, u, ST_NORMAL);
	return y;
}

static void draw(ui *u, WINDOW *w, rep *r)
{
	char t[512], d1[16], d2[16], a[32], b[32], c[32], z[32];
	werase(w);
	int y = 0;
	snprintf(t, sizeof t, _("Reports  %s .. %s   ([ ] move 30 days, any other key closes)"),
		 ui_date(r->to - (DAYS - 1), d1, sizeof d1), ui_date(r->to, d2, sizeof d2));
	ui_panel_bar(u, w, t, "");
	y++;
	if (!r->ok) {
		ui_style(w, u, ST_WARN);
		wdg_puts(w, y, 1, r->err, u->cols);
		ui_style(w, u, ST_NORMAL);
		return;
	}
	y = draw_chart(u, w, y, _("Payouts per day"), r->b.paid_per_day, ST_OK);
	if (y < u->lines)
		y = draw_chart(u, w, y, _("Late payouts per day"), r->b.late_per_day, ST_WARN);
	/* the day marks under the charts: the first and the last */
	if (y < u->lines) {
		ui_style(w, u, ST_DIM);
		wdg_puts(w, y, 7, ui_date(r->to - (DAYS - 1), d1, sizeof d1) + 5, u->cols);
		wdg_puts(w, y, 7 + (DAYS - 1) * COLW - 4, ui_date(r->to, d2, sizeof d2) + 5, u->cols);
		ui_style(w, u, ST_NORMAL);
		y++;
	}
	struct line {
		int style;
		char s[400];
	} lines[24];
	int n = 0;
#define LINE(st, ...) (lines[n].style = (st), snprintf(lines[n].s, sizeof lines[n].s, __VA_ARGS__), n++)
	LINE(r->b.late || r->b.overdue ? ST_WARN : ST_OK,
	     _("Breaches: %lld paid late in these days, %lld overdue today"), (long long)r->b.late,
	     (long long)r->b.overdue);
	for (int i = 0; i < r->b.nreviewers && n < 8; i++)
		LINE(ST_NORMAL, _("  reviewer %s: %lld late, %lld overdue"), r->b.by_reviewer[i].user,
		     (long long)r->b.by_reviewer[i].late, (long long)r->b.by_reviewer[i].overdue);
	for (int i = 0; i < r->b.nfinance && n < 10; i++)
		LINE(ST_NORMAL, _("  finance %s: %lld late, %lld overdue"), r->b.by_finance[i].user,
		     (long long)r->b.by_finance[i].late, (long long)r->b.by_finance[i].overdue);
	LINE(ST_NORMAL,
	     _("Queue: %lld submitted, %lld approved, %lld rejected, %lld failed, %lld paid; days "
	       "to approve median %d p90 %d, to pay median %d p90 %d"),
	     (long long)r->q.total.submitted, (long long)r->q.total.approved,
	     (long long)r->q.total.rejected, (long long)r->q.total.failed,
	     (long long)r->q.total.paid, r->q.approve_median, r->q.approve_p90, r->q.pay_median,
	     r->q.pay_p90);
	char ms[16];
	bzj_month_fmt(r->m.month, ms, sizeof ms);
	LINE(r->m.reconciled ? ST_NORMAL : ST_WARN,
	     _("Month %s: opening %s, in %s, out %s, closing %s%s"), ms,
	     wdg_money(r->m.total.opening_fen, a, sizeof a),
	     wdg_money(r->m.total.topups_fen + r->m.total.corrections_fen, b, sizeof b),
	     wdg_money(r->m.total.deductions_fen + r->m.total.fees_fen + r->m.total.refunds_fen, c,
		       sizeof c),
	     wdg_money(r->m.total.closing_fen, z, sizeof z),
	     r->m.reconciled ? _(" (reconciled)") : _(" (NOT RECONCILED)"));
	LINE(r->flagged ? ST_WARN : ST_NORMAL,
	     _("Bank batches waiting for their return: %lld, %lld of them past 3 business days"),
	     (long long)r->open_batches, (long long)r->flagged);
	if (!r->ninc)
		LINE(ST_NORMAL, "%s", _("Imports left incomplete: none"));
	for (int i = 0; i < r->ninc; i++)
		LINE(ST_WARN,
		     _("Import of %s left incomplete (%s, %s): %lld rows in, resumes at line %lld "
		       "when the same file is imported again"),
		     r->inc[i].kind, r->inc[i].user, r->inc[i].at, (long long)r->inc[i].rows,
		     (long long)r->inc[i].next_line);
#undef LINE
	if (y < u->lines)
		ui_rule(u, w, y++, _("Summary"));
	for (int i = 0; i < n && y < u->lines; i++, y++) {
		ui_style(w, u, lines[i].style);
		wdg_puts(w, y, 1, lines[i].s, u->cols);
	}
	ui_style(w, u, ST_NORMAL);
}

int ui_reports(ui *u)
{
	rep r;
	memset(&r, 0, sizeof r);
	r.to = u->x->today;
	rep_load(u, &r);
	for (;;) {
		draw(u, u->wbody, &r);
		wnoutrefresh(u->wbody);
		doupdate();
		int key = ui_getkey(u, u->wbody);
		if (key == KEYMAP_FKEY(KEY_RESIZE))
			continue;
		if (key == '[' || key == ']') {
			r.to += key == '[' ? -DAYS : DAYS;
			rep_load(&*u, &r);
			continue;
		}
		break;
	}
	rep_free(&r);
	return RD_ALL;
}
