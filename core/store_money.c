/* store_money.c - ledger, GMV, floating deposits, restriction transitions,
 * calendar and receipts. */
#include <sqlite3.h> /* the fenced GMV feed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

#define LEDGER_COLS                                                                                \
	"id, shop_id, day, kind, amount_fen, balance_after, payer, third_party, ref, note,"       \
	" violation_id, refund_id, user"

static void ledger_read(st_stmt *st, bzj_ledger_entry *le)
{
	memset(le, 0, sizeof *le);
	le->id = st_col_int(st, 0);
	st_text(st, 1, le->shop_id, sizeof le->shop_id);
	le->date = st_date(st, 2);
	le->kind = st_col_int32(st, 3);
	le->amount_fen = st_col_int(st, 4);
	le->balance_after_fen = st_col_int(st, 5);
	st_text(st, 6, le->payer, sizeof le->payer);
	le->third_party = st_col_int32(st, 7) != 0;
	st_text(st, 8, le->ref, sizeof le->ref);
	st_text(st, 9, le->note, sizeof le->note);
	le->violation_id = st_col_int(st, 10);
	le->refund_id = st_col_int(st, 11);
	st_text(st, 12, le->user, sizeof le->user);
}

int bzj_store_ledger_insert(bzj_db *db, bzj_ledger_entry *le, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO ledger(shop_id, day, kind, amount_fen, balance_after, payer,"
			 " third_party, ref, note, violation_id, refund_id, user)"
			 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			 "tDdiitbttiit", le->shop_id, le->date, le->kind, le->amount_fen,
			 le->balance_after_fen, le->payer[0] ? le->payer : NULL, le->third_party,
			 le->ref[0] ? le->ref : NULL, le->note, le->violation_id, le->refund_id,
			 le->user);
	if (!rc)
		le->id = st_last_id(db);
	return rc;
}

static int ledger_one(bzj_db *db, const char *sql, const char *fmt, const void *key,
		      bzj_ledger_entry *le, bool *found, bzj_err *e)
{
	st_stmt *st = st_prep(db, sql, e);
	if (!st)
		return e->rc;
	if (fmt[0] == 'i')
		st_bind(st, "i", *(const int64_t *)key);
	else
		st_bind(st, "t", (const char *)key);
	int rc = st_step(st);
	*found = rc == ST_ROW;
	if (*found)
		ledger_read(st, le);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_ledger_get(bzj_db *db, int64_t id, bzj_ledger_entry *le, bzj_err *e)
{
	bool found;
	int rc = ledger_one(db, "SELECT " LEDGER_COLS " FROM ledger WHERE id = ?", "i", &id, le,
			    &found, e);
	if (!rc && !found)
		return bzj_fail(e, BZJ_ENOTFOUND, "ledger.not_found",
				_("no ledger entry with id %lld"), (long long)id);
	return rc;
}

int bzj_store_ledger_by_ref(bzj_db *db, const char *ref, bzj_ledger_entry *le, bool *found,
			    bzj_err *e)
{
	return ledger_one(db, "SELECT " LEDGER_COLS " FROM ledger WHERE ref = ?", "t", ref, le,
			  found, e);
}

int bzj_store_ledger_list(bzj_db *db, const char *shop_id, int64_t before_id,
			  bzj_ledger_entry *out, int max, int *n, bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
				   "SELECT " LEDGER_COLS " FROM ledger WHERE shop_id = ?1"
				   " AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "tid", shop_id, before_id, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		ledger_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_gmv_put(bzj_db *db, const char *shop_id, bzj_month m, int64_t fen, bzj_err *e)
{
	/* One shop's GMV set by hand replaces what readers saw: the published
	 * versions an import left go, so the job-0 row is the newest visible
	 * (an import still staging publishes over it later, as it would have
	 * overwritten it). */
	int rc = st_exec(db, e,
			 "DELETE FROM gmv WHERE month = ?2 AND shop_id = ?1 AND job <> 0"
			 " AND job IN (SELECT id FROM bulk_job WHERE state = 1)",
			 "td", shop_id, (int)m);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO gmv(shop_id, month, gmv_fen) VALUES (?,?,?)"
			     " ON CONFLICT(month, shop_id, job) DO UPDATE SET gmv_fen = excluded.gmv_fen",
			     "tdi", shop_id, (int)m, fen);
	return rc;
}

int bzj_store_balance_at(bzj_db *db, const char *shop_id, bzj_date day, int64_t *fen, bzj_err *e)
{
	return st_int(db, e, fen, NULL,
		      "SELECT COALESCE(sum(amount_fen), 0) FROM ledger WHERE shop_id = ? AND day <= ?",
		      "tD", shop_id, day);
}

int bzj_store_raises_at(bzj_db *db, const char *shop_id, bzj_date day, int64_t *fen, bzj_err *e)
{
	return st_int(db, e, fen, NULL,
		      "SELECT COALESCE(sum(raise_fen), 0) FROM violation WHERE shop_id = ?1"
		      " AND day <= ?2 AND (status = 1 OR resolved > ?2)",
		      "tD", shop_id, day);
}

int bzj_store_month_events(bzj_db *db, const char *shop_id, bzj_date from, bzj_date to,
			   bool *raise, bool *refund, bzj_err *e)
{
	int64_t one;
	int rc = st_int(db, e, &one, raise,
			"SELECT 1 FROM violation WHERE shop_id = ? AND raise_fen > 0"
			" AND day BETWEEN ? AND ? LIMIT 1",
			"tDD", shop_id, from, to);
	if (!rc)
		rc = st_int(db, e, &one, refund,
			    "SELECT 1 FROM ledger WHERE shop_id = ? AND kind = 4"
			    " AND day BETWEEN ? AND ? LIMIT 1",
			    "tDD", shop_id, from, to);
	return rc;
}

int bzj_store_floating_at(bzj_db *db, const char *shop_id, bzj_date day, bzj_deposit *d,
			  bzj_err *e)
{
	d->floating_present = false;
	d->pos.floating_fen = 0;
	d->floating_gmv_fen = 0;
	d->floating_effective = BZJ_DATE_NONE;
	st_stmt *st = st_prep(db,
				   "SELECT month, gmv_fen, floating_fen, effective FROM floating"
				   " WHERE shop_id = ? AND effective <= ? AND " BULK_VISIBLE("floating")
				   " ORDER BY month DESC, job DESC LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "tD", shop_id, day);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		d->floating_present = true;
		d->floating_gmv_month = st_col_int32(st, 0) - 1; /* GMV month */
		d->floating_gmv_fen = st_col_int(st, 1);
		d->pos.floating_fen = st_col_int(st, 2);
		d->floating_effective = st_date(st, 3);
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

/* PostgreSQL's form of bzj_store_shop_months: the months' lookups as
 * correlated subqueries over the days, given as two arrays (the same
 * statement whatever the days, prepared once), each the single lookup's
 * own SQL with the day from the array; then the standards of the shop's
 * categories once, up to the last day, picked for each day below exactly
 * as bzj_store_base_for picks them (its rows with effective <= day, in
 * its order). */
static int shop_months_pg(bzj_db *db, const char *shop_id, int entity, bzj_date opened,
			  bzj_store_month *m, int n, bzj_err *e)
{
	char fs[16 * 64 + 4], ds[16 * 64 + 4];
	if (n > 64) /* the arrays' room; bzj asks for 13 */
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	int a = 0, b = 0;
	fs[a++] = ds[b++] = '{';
	bzj_date last = BZJ_DATE_NONE;
	for (int i = 0; i < n; i++) {
		a += snprintf(fs + a, sizeof fs - a, "%s%d", i ? "," : "", (int)m[i].from);
		b += snprintf(ds + b, sizeof ds - b, "%s%d", i ? "," : "", (int)m[i].day);
		if (m[i].day >= opened && (last == BZJ_DATE_NONE || m[i].day > last))
			last = m[i].day;
	}
	snprintf(fs + a, sizeof fs - a, "}");
	snprintf(ds + b, sizeof ds - b, "}");
	st_stmt *st = st_prep(
		db,
		"SELECT u.i,"
		" EXISTS (SELECT 1 FROM violation WHERE shop_id = ?1 AND raise_fen > 0"
		" AND day BETWEEN u.f AND u.d),"
		" EXISTS (SELECT 1 FROM ledger WHERE shop_id = ?1 AND kind = 4"
		" AND day BETWEEN u.f AND u.d),"
		" (SELECT floating_fen FROM floating WHERE shop_id = ?1 AND effective <= u.d"
		" AND " BULK_VISIBLE("floating") " ORDER BY month DESC, job DESC LIMIT 1),"
		" (SELECT COALESCE(sum(amount_fen), 0) FROM ledger WHERE shop_id = ?1 AND day <= u.d),"
		" (SELECT COALESCE(sum(raise_fen), 0) FROM violation WHERE shop_id = ?1"
		" AND day <= u.d AND (status = 1 OR resolved > u.d))"
		" FROM unnest(CAST(?2 AS bigint[]), CAST(?3 AS bigint[])) WITH ORDINALITY AS u(f, d, i)"
		" ORDER BY u.i",
		e);
	if (!st)
		return e->rc;
	st_bind(st, "ttt", shop_id, fs, ds);
	int rc, k = 0;
	while ((rc = st_step(st)) == ST_ROW && k < n) {
		bzj_store_month *p = &m[k++];
		p->raise = p->refund = false;
		p->balance_fen = p->raises_fen = p->base_fen = 0;
		p->floating_fen = st_col_int(st, 3);
		if (p->floating_only)
			continue;
		p->raise = st_col_int(st, 1) != 0;
		p->refund = st_col_int(st, 2) != 0;
		p->balance_fen = st_col_int(st, 4);
		if (p->day >= opened)
			p->raises_fen = st_col_int(st, 5);
	}
	st_reset(st);
	if (rc != ST_DONE && rc != ST_ROW)
		return st_error(db, rc, e);
	if (last == BZJ_DATE_NONE)
		return BZJ_OK;
	/* bzj_store_base_for's rows, once: every standard of the shop's
	 * categories in force by the last day */
	st = st_prep(db, BASE_ROWS_SQL, e);
	if (!st)
		return e->rc;
	st_bind(st, "tdD", shop_id, entity, last);
	typedef struct std_row {
		char cat[BZJ_CAT_MAX + 1];
		bzj_date eff;
		int64_t fen;
	} std_row;
	std_row *r = NULL;
	size_t nr = 0, cap = 0;
	while ((rc = st_step(st)) == ST_ROW) {
		if (nr == cap) {
			std_row *g = realloc(r, (cap = cap ? 2 * cap : 32) * sizeof *r);
			if (!g) {
				st_reset(st);
				free(r);
				return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
			}
			r = g;
		}
		st_text(st, 0, r[nr].cat, sizeof r[nr].cat);
		r[nr].eff = st_date(st, 1);
		r[nr].fen = st_col_int(st, 2);
		nr++;
	}
	st_reset(st);
	if (rc != ST_DONE) {
		free(r);
		return st_error(db, rc, e);
	}
	for (int i = 0; i < n; i++) {
		bzj_store_month *p = &m[i];
		if (p->floating_only || p->day < opened)
			continue;
		/* as bzj_store_base_for: the first row of each category is its
		 * standard on day, the highest wins, the first category on a tie */
		const char *last_cat = NULL, *best_cat = NULL;
		int64_t best = 0;
		for (size_t j = 0; j < nr; j++) {
			if (r[j].eff > p->day)
				continue;
			if (last_cat && !strcmp(r[j].cat, last_cat))
				continue;
			last_cat = r[j].cat;
			if (!best_cat || r[j].fen > best || (r[j].fen == best && strcmp(r[j].cat, best_cat) < 0)) {
				best = r[j].fen;
				best_cat = r[j].cat;
			}
		}
		p->base_fen = best;
	}
	free(r);
	return BZJ_OK;
}

int bzj_store_shop_months(bzj_db *db, const char *shop_id, int entity, bzj_date opened,
			  bzj_store_month *m, int n, bzj_err *e)
{
	if (st_is_pg(db))
		return shop_months_pg(db, shop_id, entity, opened, m, n, e);
	int rc = BZJ_OK;
	for (int i = 0; i < n && !rc; i++) {
		bzj_store_month *p = &m[i];
		p->raise = p->refund = false;
		p->balance_fen = p->raises_fen = p->base_fen = 0;
		if (!p->floating_only &&
		    (rc = bzj_store_month_events(db, shop_id, p->from, p->day, &p->raise, &p->refund, e)))
			break;
		bzj_deposit d;
		memset(&d, 0, sizeof d);
		if ((rc = bzj_store_floating_at(db, shop_id, p->day, &d, e)))
			break;
		p->floating_fen = d.pos.floating_fen;
		if (p->floating_only)
			continue;
		if ((rc = bzj_store_balance_at(db, shop_id, p->day, &p->balance_fen, e)) ||
		    p->day < opened)
			continue;
		char cat[BZJ_CAT_MAX + 1];
		bzj_date eff;
		rc = bzj_store_base_for(db, shop_id, entity, p->day, &p->base_fen, cat, &eff, e);
		if (!rc)
			rc = bzj_store_raises_at(db, shop_id, p->day, &p->raises_fen, e);
	}
	return rc;
}

int bzj_store_sync_all(bzj_db *db, bzj_date day, const char *cause, int64_t *changed,
		       bzj_err *e)
{
	/* :day is the only parameter, so it is number 1 wherever it appears. */
	int rc = st_exec(db, e, "DROP TABLE IF EXISTS temp.sync", NULL);
	if (!rc)
		rc = st_exec(db, e,
			     "CREATE TEMP TABLE sync AS SELECT s.id AS id, s.balance_fen AS bal,"
			     " " REQUIRED_SQL " AS req, s.restricted AS was,"
			     " s.required_fen AS oldreq FROM shop s",
			     "D", day);
	if (!rc)
		rc = st_exec(db, e,
			     "INSERT INTO restriction_event(shop_id, day, restricted, balance_fen,"
			     " required_fen, cause) SELECT id, ?1, " ST_LT01("bal", "req") ", bal, req, ?2"
			     " FROM sync WHERE " ST_LT01("bal", "req") " <> was",
			     "Dt", day, cause);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE shop SET required_fen = sync.req, restricted = " ST_LT01("sync.bal", "sync.req") ","
			     " version = version + 1 FROM sync WHERE shop.id = sync.id"
			     " AND (sync.req <> sync.oldreq OR " ST_LT01("sync.bal", "sync.req") " <> sync.was)",
			     NULL);
	if (!rc)
		*changed = st_changes(db);
	if (!rc)
		rc = st_exec(db, e, "DROP TABLE temp.sync", NULL);
	return rc;
}

int bzj_store_restriction_event(bzj_db *db, const char *shop_id, bzj_date day, bool restricted,
				int64_t balance_fen, int64_t required_fen, const char *cause,
				bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO restriction_event(shop_id, day, restricted, balance_fen,"
		       " required_fen, cause) VALUES (?,?,?,?,?,?)",
		       "tDbiit", shop_id, day, restricted, balance_fen, required_fen, cause);
}

int bzj_store_calendar_load(bzj_db *db, bzj_cal *c, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT year FROM calendar_year", e);
	if (!st)
		return e->rc;
	int rc;
	while ((rc = st_step(st)) == ST_ROW)
		if (bzj_cal_add_year(c, st_col_int32(st, 0), e))
			break;
	st_reset(st);
	if (rc != ST_DONE)
		return rc == ST_ROW ? e->rc : st_error(db, rc, e);
	st = st_prep(db, "SELECT day, kind FROM calendar_day", e);
	if (!st)
		return e->rc;
	while ((rc = st_step(st)) == ST_ROW)
		if (bzj_cal_set(c, st_date(st, 0), st_col_int32(st, 1), e))
			break;
	st_reset(st);
	if (rc != ST_DONE)
		return rc == ST_ROW ? e->rc : st_error(db, rc, e);
	return BZJ_OK;
}

int bzj_store_calendar_put(bzj_db *db, bzj_date d, int kind, const char *name_en,
			   const char *name_zh, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO calendar_day(day, kind, name_en, name_zh) VALUES (?,?,?,?)"
		       " ON CONFLICT(day) DO UPDATE SET kind = excluded.kind,"
		       " name_en = excluded.name_en, name_zh = excluded.name_zh",
		       "Ddtt", d, kind, name_en ? name_en : "", name_zh ? name_zh : "");
}

int bzj_store_calendar_year(bzj_db *db, int year, bzj_err *e)
{
	return st_exec(db, e, "INSERT OR IGNORE INTO calendar_year(year) VALUES (?)", "d", year);
}

static void receipt_read(st_stmt *st, bzj_receipt *r)
{
	memset(r, 0, sizeof *r);
	r->id = st_col_int(st, 0);
	r->topup_id = st_col_int(st, 1);
	st_text(st, 2, r->shop_id, sizeof r->shop_id);
	st_text(st, 3, r->title, sizeof r->title);
	r->amount_fen = st_col_int(st, 4);
	r->issued = st_date(st, 5);
	r->voided = st_col_int32(st, 6) != 0;
}

int bzj_store_receipt_insert(bzj_db *db, bzj_receipt *r, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO receipt(topup_id, shop_id, title, amount_fen, issued)"
			 " VALUES (?,?,?,?,?)",
			 "ittiD", r->topup_id, r->shop_id, r->title, r->amount_fen, r->issued);
	if (!rc)
		r->id = st_last_id(db);
	return rc;
}

int bzj_store_receipt_by_topup(bzj_db *db, int64_t topup_id, bool *found, bzj_err *e)
{
	int64_t one;
	return st_int(db, e, &one, found, "SELECT 1 FROM receipt WHERE topup_id = ?", "i",
		      topup_id);
}

int bzj_store_receipt_list(bzj_db *db, const char *shop_id, bzj_receipt *out, int max, int *n,
			   bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(db,
				   "SELECT id, topup_id, shop_id, title, amount_fen, issued, voided"
				   " FROM receipt WHERE shop_id = ? ORDER BY id DESC LIMIT ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "td", shop_id, max);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		receipt_read(st, &out[(*n)++]);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_receipt_void_all(bzj_db *db, const char *shop_id, bzj_err *e)
{
	return st_exec(db, e, "UPDATE receipt SET voided = 1 WHERE shop_id = ? AND voided = 0", "t",
		       shop_id);
}

/* SQLITE-ONLY BEGIN: the GMV feed (docs/store-seam.md, "Fenced").
 * Bulk GMV import.  The parsed lines reach SQL through an eponymous
 * virtual table, bzj_gmv_feed(?1), whose argument is a pointer to the
 * caller's array (sqlite3_bind_pointer): one INSERT ... SELECT writes them
 * all in file order.  One statement instead of one per line keeps its
 * cursors open across rows, so a month that is new appends to the end of
 * gmv's (month, shop_id) key without a search from the root each time;
 * the foreign key still looks up every shop. */
#define GMV_FEED_PTR "bzj_gmv_feed"

typedef struct gmv_feed {
	const bzj_gmv_row *rows;
	size_t n;
	bzj_gmv_progress_fn progress;
	void *ctx;
	bool stopped; /* progress asked to stop */
} gmv_feed;

typedef struct gmv_cur {
	sqlite3_vtab_cursor base;
	const gmv_feed *feed;
	size_t i;
} gmv_cur;

static int feed_connect(sqlite3 *h, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **err)
{
	(void)aux;
	(void)argc;
	(void)argv;
	(void)err;
	int rc = sqlite3_declare_vtab(h, "CREATE TABLE x(shop_id TEXT, month INTEGER,"
					 " gmv_fen INTEGER, feed HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_vtab *t = sqlite3_malloc(sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	*out = t;
	return SQLITE_OK;
}

static int feed_disconnect(sqlite3_vtab *t)
{
	sqlite3_free(t);
	return SQLITE_OK;
}

/* Usable only with its argument: bzj_gmv_feed(?1). */
static int feed_best_index(sqlite3_vtab *t, sqlite3_index_info *ii)
{
	(void)t;
	for (int i = 0; i < ii->nConstraint; i++)
		if (ii->aConstraint[i].iColumn == 3 && ii->aConstraint[i].usable &&
		    ii->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
			ii->aConstraintUsage[i].argvIndex = 1;
			ii->aConstraintUsage[i].omit = 1;
			ii->estimatedCost = 1;
			return SQLITE_OK;
		}
	return SQLITE_CONSTRAINT;
}

static int feed_open(sqlite3_vtab *t, sqlite3_vtab_cursor **out)
{
	(void)t;
	gmv_cur *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int feed_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int feed_filter(sqlite3_vtab_cursor *vc, int idx, const char *idxs, int argc,
		       sqlite3_value **argv)
{
	(void)idx;
	(void)idxs;
	gmv_cur *c = (gmv_cur *)vc;
	c->feed = argc >= 1 ? sqlite3_value_pointer(argv[0], GMV_FEED_PTR) : NULL;
	c->i = 0;
	return SQLITE_OK;
}

static int feed_next(sqlite3_vtab_cursor *vc)
{
	gmv_cur *c = (gmv_cur *)vc;
	gmv_feed *f = (gmv_feed *)c->feed;
	c->i++;
	if ((c->i & 0x3fff) == 0 && f->progress && f->progress(f->ctx, c->i, f->n)) {
		f->stopped = true;
		return SQLITE_INTERRUPT;
	}
	return SQLITE_OK;
}

static int feed_eof(sqlite3_vtab_cursor *vc)
{
	gmv_cur *c = (gmv_cur *)vc;
	return !c->feed || c->i >= c->feed->n;
}

static int feed_column(sqlite3_vtab_cursor *vc, sqlite3_context *ctx, int col)
{
	gmv_cur *c = (gmv_cur *)vc;
	const bzj_gmv_row *r = &c->feed->rows[c->i];
	switch (col) {
	case 0:
		sqlite3_result_text(ctx, r->shop_id, r->id_len, SQLITE_STATIC);
		break;
	case 1:
		sqlite3_result_int(ctx, (int)r->month);
		break;
	case 2:
		sqlite3_result_int64(ctx, r->gmv_fen);
		break;
	default:
		sqlite3_result_null(ctx);
	}
	return SQLITE_OK;
}

static int feed_rowid(sqlite3_vtab_cursor *vc, sqlite_int64 *rowid)
{
	*rowid = (sqlite_int64)((gmv_cur *)vc)->i;
	return SQLITE_OK;
}

static const sqlite3_module feed_module = {
	.iVersion = 0,
	.xConnect = feed_connect, /* no xCreate: eponymous only */
	.xBestIndex = feed_best_index,
	.xDisconnect = feed_disconnect,
	.xOpen = feed_open,
	.xClose = feed_close,
	.xFilter = feed_filter,
	.xNext = feed_next,
	.xEof = feed_eof,
	.xColumn = feed_column,
	.xRowid = feed_rowid,
};
/* SQLITE-ONLY END */

/* PostgreSQL's form of the import (no virtual table there): the slice's
 * rows go to the server in one COPY ... FROM STDIN (the driver's copy_in,
 * text format: a shop id with its backslash, tab, newline or carriage
 * return escaped), in file order.  The slicer (core/bulk.c) sizes the
 * slices; progress is the slicer's, between them.
 *
 * Without SQLite's ON CONFLICT: every row carries the job, a new bulk_job
 * id that no earlier statement wrote, and the file has each (shop, month)
 * once (import.c refuses a second line), so the key cannot collide; a
 * slice that fails abandons the job, which is never written again.
 *
 * Measured (issue 16, 20,000 rows at 20,000 shops, psql and EXPLAIN
 * ANALYZE on the shared 2-core machine at load 4-5):
 *  - the foreign key to shop ran one query per row, 12 µs each with the
 *    lock it takes on the shop's row, 240-310 ms of a 350-600 ms INSERT;
 *    schema v25 tests the shops of the whole statement at once instead
 *    (store.c, migrations_pg): the same INSERT 157 ms, the anti-join in it
 *    10-25 ms;
 *  - then the statement: INSERT ... SELECT FROM unnest(three arrays) with
 *    ON CONFLICT (the earlier form) 96 ms, COPY straight into gmv 78 ms;
 *    COPY into a temporary staging table first and INSERT ... SELECT
 *    from it 15-45 + 79 ms, so no staging table: the slice's rows are in
 *    memory already, checked (import.c), and a slice is one transaction
 *    whichever way its rows arrive. */
static void copy_field(char **p, const char *s, size_t n)
{
	char *q = *p;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			*q++ = '\\';
			*q++ = '\\';
			break;
		case '\t':
			*q++ = '\\';
			*q++ = 't';
			break;
		case '\n':
			*q++ = '\\';
			*q++ = 'n';
			break;
		case '\r':
			*q++ = '\\';
			*q++ = 'r';
			break;
		default:
			*q++ = s[i];
		}
	}
	*p = q;
}

static int gmv_import_pg(bzj_db *db, int64_t job, const bzj_gmv_row *rows, size_t n,
			 bzj_gmv_progress_fn progress, void *ctx, bzj_err *e)
{
	(void)progress;
	(void)ctx;
	if (n == 0)
		return BZJ_OK;
	size_t cap = 0;
	for (size_t i = 0; i < n; i++)
		cap += 2 * (size_t)rows[i].id_len + 3 * 22 + 4;
	char *buf = malloc(cap), *p = buf;
	if (!buf)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	char tail[24];
	int tn = snprintf(tail, sizeof tail, "\t%lld\n", (long long)job);
	for (size_t i = 0; i < n; i++) {
		copy_field(&p, rows[i].shop_id, (size_t)rows[i].id_len);
		p += snprintf(p, 48, "\t%d\t%lld", (int)rows[i].month, (long long)rows[i].gmv_fen);
		memcpy(p, tail, (size_t)tn);
		p += tn;
	}
	int64_t done = 0; /* n: a COPY writes every row or none */
	int rc = db->drv->copy_in(db->conn, "COPY gmv(shop_id, month, gmv_fen, job) FROM STDIN", buf,
				  (size_t)(p - buf), &done);
	free(buf);
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_gmv_import(bzj_db *db, int64_t job, const bzj_gmv_row *rows, size_t n,
			 bzj_gmv_progress_fn progress, void *ctx, bzj_err *e)
{
	if (db->drv->copy_in)
		return gmv_import_pg(db, job, rows, n, progress, ctx, e);
	static const char sql[] =
		"INSERT INTO gmv(shop_id, month, gmv_fen, job)"
		" SELECT shop_id, month, gmv_fen, ?2 FROM bzj_gmv_feed(?1) WHERE true"
		" ON CONFLICT(month, shop_id, job) DO UPDATE SET gmv_fen = excluded.gmv_fen";
	bzj_err pe;
	int rc = st_sqlite_only(db, "import gmv", e);
	if (rc)
		return rc;
	st_stmt *st = st_prep(db, sql, &pe);
	if (!st) {
		/* SQLITE-ONLY BEGIN: the module is registered on the connection's first import */
		rc = sqlite3_create_module_v2(st_sqlite(db), "bzj_gmv_feed", &feed_module, NULL, NULL);
		if (rc != SQLITE_OK)
			return st_error(db, rc, e);
		/* SQLITE-ONLY END */
		if (!(st = st_prep(db, sql, e)))
			return e->rc;
	}
	gmv_feed f = {rows, n, progress, ctx, false};
	/* SQLITE-ONLY BEGIN: the rows as a bound pointer */
	rc = sqlite3_bind_pointer(st_sqlite_stmt(st), 1, &f, GMV_FEED_PTR, NULL);
	/* SQLITE-ONLY END */
	if (rc == ST_OK)
		rc = st_bind_int(st, 2, job);
	if (rc == ST_OK)
		rc = st_step(st);
	st_reset(st); /* and clear the bindings: f lives on this stack */
	if (rc == ST_DONE)
		return BZJ_OK;
	if (f.stopped)
		return bzj_fail(e, BZJ_EBUSY, "interrupted", _("interrupted; nothing was written"));
	return st_error(db, rc, e);
}

int bzj_store_shop_exists(bzj_db *db, const char *id, bool *found, bzj_err *e)
{
	int64_t one = 0;
	return st_int(db, e, &one, found, "SELECT 1 FROM shop WHERE id = ?", "t", id);
}

int bzj_store_effective_add(bzj_db *db, bzj_date day, const char *cause, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO effective_date(day, cause) VALUES (?, ?)"
		       " ON CONFLICT(day) DO UPDATE SET synced = 0",
		       "Dt", day, cause);
}

int bzj_store_effective_standards(bzj_db *db, bzj_date today, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO effective_date(day, cause)"
		       " SELECT DISTINCT effective, 'standards' FROM standard WHERE effective > ?"
		       " ON CONFLICT(day) DO UPDATE SET synced = 0",
		       "D", today);
}

int bzj_store_effective_due(bzj_db *db, bzj_date today, bzj_date *day, bool *found, bzj_err *e)
{
	int64_t d = 0;
	int rc = st_int(db, e, &d, found,
			"SELECT min(day) FROM effective_date WHERE synced = 0 AND day <= ?", "D",
			today);
	*day = (bzj_date)d;
	return rc;
}

int bzj_store_effective_done(bzj_db *db, bzj_date today, bzj_err *e)
{
	return st_exec(db, e, "UPDATE effective_date SET synced = 1 WHERE synced = 0 AND day <= ?",
		       "D", today);
}
