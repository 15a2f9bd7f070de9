/* store_money.c - ledger, GMV, floating deposits, restriction transitions,
 * calendar and receipts. */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

#define LEDGER_COLS                                                                                \
	"id, shop_id, day, kind, amount_fen, balance_after, payer, third_party, ref, note,"       \
	" violation_id, refund_id, user"

static void ledger_read(sqlite3_stmt *st, bzj_ledger_entry *le)
{
	memset(le, 0, sizeof *le);
	le->id = sqlite3_column_int64(st, 0);
	st_text(st, 1, le->shop_id, sizeof le->shop_id);
	le->date = st_date(st, 2);
	le->kind = sqlite3_column_int(st, 3);
	le->amount_fen = sqlite3_column_int64(st, 4);
	le->balance_after_fen = sqlite3_column_int64(st, 5);
	st_text(st, 6, le->payer, sizeof le->payer);
	le->third_party = sqlite3_column_int(st, 7) != 0;
	st_text(st, 8, le->ref, sizeof le->ref);
	st_text(st, 9, le->note, sizeof le->note);
	le->violation_id = sqlite3_column_int64(st, 10);
	le->refund_id = sqlite3_column_int64(st, 11);
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
		le->id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int ledger_one(bzj_db *db, const char *sql, const char *fmt, const void *key,
		      bzj_ledger_entry *le, bool *found, bzj_err *e)
{
	sqlite3_stmt *st = st_prep(db, sql, e);
	if (!st)
		return e->rc;
	if (fmt[0] == 'i')
		st_bind(st, "i", *(const int64_t *)key);
	else
		st_bind(st, "t", (const char *)key);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		ledger_read(st, le);
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? BZJ_OK : st_error(db, rc, e);
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
	sqlite3_stmt *st = st_prep(db,
				   "SELECT " LEDGER_COLS " FROM ledger WHERE shop_id = ?1"
				   " AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "tid", shop_id, before_id, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		ledger_read(st, &out[(*n)++]);
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_gmv_put(bzj_db *db, const char *shop_id, bzj_month m, int64_t fen, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO gmv(shop_id, month, gmv_fen) VALUES (?,?,?)"
		       " ON CONFLICT(shop_id, month) DO UPDATE SET gmv_fen = excluded.gmv_fen",
		       "tdi", shop_id, (int)m, fen);
}

int bzj_store_floating_at(bzj_db *db, const char *shop_id, bzj_date day, bzj_deposit *d,
			  bzj_err *e)
{
	d->floating_present = false;
	d->pos.floating_fen = 0;
	d->floating_gmv_fen = 0;
	d->floating_effective = BZJ_DATE_NONE;
	sqlite3_stmt *st = st_prep(db,
				   "SELECT month, gmv_fen, floating_fen, effective FROM floating"
				   " WHERE shop_id = ? AND effective <= ? ORDER BY month DESC"
				   " LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "tD", shop_id, day);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		d->floating_present = true;
		d->floating_gmv_month = sqlite3_column_int(st, 0) - 1; /* GMV month */
		d->floating_gmv_fen = sqlite3_column_int64(st, 1);
		d->pos.floating_fen = sqlite3_column_int64(st, 2);
		d->floating_effective = st_date(st, 3);
	}
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_floating_recompute(bzj_db *db, bzj_month month, bzj_date effective, int64_t *shops,
				 int64_t *changed, bzj_err *e)
{
	/* One statement computes every open shop's figure for the month from
	 * the previous month's GMV; the upsert only touches rows whose figure
	 * differs, so a re-run changes nothing and counts nothing. */
	int rc = st_int(db, e, shops, NULL,
			"SELECT count(*) FROM shop WHERE status = 1 AND opened < ?", "D", effective);
	if (rc)
		return rc;
	rc = st_exec(db, e,
		     "INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective)"
		     " SELECT s.id, ?1, COALESCE(g.gmv_fen, 0), bzj_floating(COALESCE(g.gmv_fen, 0)),"
		     " ?3 FROM shop s LEFT JOIN gmv g ON g.shop_id = s.id AND g.month = ?2"
		     " WHERE s.status = 1 AND s.opened < ?3"
		     " ON CONFLICT(shop_id, month) DO UPDATE SET gmv_fen = excluded.gmv_fen,"
		     " floating_fen = excluded.floating_fen, effective = excluded.effective"
		     " WHERE floating.gmv_fen <> excluded.gmv_fen"
		     " OR floating.floating_fen <> excluded.floating_fen"
		     " OR floating.effective <> excluded.effective",
		     "ddD", (int)month, (int)month - 1, effective);
	if (rc)
		return rc;
	*changed = sqlite3_changes(db->h);
	return BZJ_OK;
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
			     " required_fen, cause) SELECT id, ?1, bal < req, bal, req, ?2"
			     " FROM sync WHERE (bal < req) <> was",
			     "Dt", day, cause);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE shop SET required_fen = sync.req, restricted = sync.bal < sync.req,"
			     " version = version + 1 FROM sync WHERE shop.id = sync.id"
			     " AND (sync.req <> sync.oldreq OR (sync.bal < sync.req) <> sync.was)",
			     NULL);
	if (!rc)
		*changed = sqlite3_changes(db->h);
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
	sqlite3_stmt *st = st_prep(db, "SELECT year FROM calendar_year", e);
	if (!st)
		return e->rc;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (bzj_cal_add_year(c, sqlite3_column_int(st, 0), e))
			break;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? e->rc : st_error(db, rc, e);
	st = st_prep(db, "SELECT day, kind FROM calendar_day", e);
	if (!st)
		return e->rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (bzj_cal_set(c, st_date(st, 0), sqlite3_column_int(st, 1), e))
			break;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? e->rc : st_error(db, rc, e);
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

static void receipt_read(sqlite3_stmt *st, bzj_receipt *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->topup_id = sqlite3_column_int64(st, 1);
	st_text(st, 2, r->shop_id, sizeof r->shop_id);
	st_text(st, 3, r->title, sizeof r->title);
	r->amount_fen = sqlite3_column_int64(st, 4);
	r->issued = st_date(st, 5);
	r->voided = sqlite3_column_int(st, 6) != 0;
}

int bzj_store_receipt_insert(bzj_db *db, bzj_receipt *r, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO receipt(topup_id, shop_id, title, amount_fen, issued)"
			 " VALUES (?,?,?,?,?)",
			 "ittiD", r->topup_id, r->shop_id, r->title, r->amount_fen, r->issued);
	if (!rc)
		r->id = sqlite3_last_insert_rowid(db->h);
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
	sqlite3_stmt *st = st_prep(db,
				   "SELECT id, topup_id, shop_id, title, amount_fen, issued, voided"
				   " FROM receipt WHERE shop_id = ? ORDER BY id DESC LIMIT ?",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "td", shop_id, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		receipt_read(st, &out[(*n)++]);
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_receipt_void_all(bzj_db *db, const char *shop_id, bzj_err *e)
{
	return st_exec(db, e, "UPDATE receipt SET voided = 1 WHERE shop_id = ? AND voided = 0", "t",
		       shop_id);
}

int bzj_store_gmv_stage_begin(bzj_db *db, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "CREATE TEMP TABLE IF NOT EXISTS import_gmv(line INTEGER NOT NULL,"
			 " shop_id TEXT NOT NULL, month INTEGER NOT NULL, gmv_fen INTEGER NOT NULL,"
			 " UNIQUE(shop_id, month))",
			 NULL);
	return rc ? rc : st_exec(db, e, "DELETE FROM temp.import_gmv", NULL);
}

int bzj_store_gmv_stage_row(bzj_db *db, long line, const char *shop_id, bzj_month m, int64_t fen,
			    bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO temp.import_gmv(line, shop_id, month, gmv_fen) VALUES (?,?,?,?)",
			 "itdi", (int64_t)line, shop_id, (int)m, fen);
	if (rc != BZJ_ERULE || strcmp(e->code, "store.constraint") != 0)
		return rc;
	/* the same shop and month twice in one file: which figure is right? */
	int64_t first = 0;
	st_int(db, NULL, &first, NULL,
	       "SELECT line FROM temp.import_gmv WHERE shop_id = ? AND month = ?", "td", shop_id,
	       (int)m);
	return bzj_fail(e, BZJ_EINPUT, "import.duplicate",
			_("the same shop and month as line %lld; give each month once"),
			(long long)first);
}

int bzj_store_gmv_stage_unknown(bzj_db *db, bzj_stage_bad_fn fn, void *ctx, bzj_err *e)
{
	sqlite3_stmt *st = st_prep(db,
				   "SELECT line, shop_id FROM temp.import_gmv i WHERE NOT EXISTS"
				   " (SELECT 1 FROM shop s WHERE s.id = i.shop_id) ORDER BY line",
				   e);
	if (!st)
		return e->rc;
	int rc;
	char id[BZJ_ID_MAX + 1];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_text(st, 1, id, sizeof id);
		if (fn(ctx, (long)sqlite3_column_int64(st, 0), id))
			break;
	}
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_gmv_stage_apply(bzj_db *db, int64_t *rows, bzj_err *e)
{
	/* Each shop and month is in the file once (staging refuses repeats). */
	int rc = st_exec(db, e,
			 "INSERT INTO gmv(shop_id, month, gmv_fen)"
			 " SELECT shop_id, month, gmv_fen FROM temp.import_gmv WHERE true"
			 " ORDER BY rowid ON CONFLICT(shop_id, month) DO UPDATE SET gmv_fen = excluded.gmv_fen",
			 NULL);
	if (!rc)
		*rows = sqlite3_changes(db->h);
	if (!rc)
		rc = st_exec(db, e, "DELETE FROM temp.import_gmv", NULL);
	return rc;
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
