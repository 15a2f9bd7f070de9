/* store_demo.c - bulk inserts for the demo generator: whole rows with
 * their cached columns, written inside one transaction. */
#include "store_priv.h"

int bzj_store_demo_shop(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO shop(id, name, entity_name, operator_name, entity, status,"
		       " opened, closed, balance_fen, frozen_fen, unsettled_fen, owed_fen,"
		       " terminate) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		       "ttttddDDiiiib", s->id, s->name, s->entity_name, s->operator_name, s->entity,
		       s->status, s->opened, s->closed, s->balance_fen, s->frozen_fen,
		       s->unsettled_fen, s->owed_fen, s->terminate);
}

int bzj_store_demo_violation(bzj_db *db, bzj_violation *v, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO violation(shop_id, day, class, points, raise_fen, frozen_fen,"
			 " deducted_fen, owed_fen, status, resolved, note, user, covered_fen)"
			 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 "tDddiiiidDtti", v->shop_id, v->date, v->cls, v->points, v->raise_fen,
			 v->frozen_fen, v->deducted_fen, v->owed_fen, v->status, v->resolved,
			 v->note, v->user, v->covered_fen);
	if (!rc)
		v->id = st_last_id(db);
	return rc;
}

int bzj_store_demo_refund(bzj_db *db, bzj_refund *r, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "INSERT INTO refund(shop_id, kind, status, amount_fen, submitted_on, month,"
			 " window_start, window_end, checklist, late, submitted_by, approved_by,"
			 " approved_on, second_by, paid_by, paid_on, failure_reason, reject_reason,"
			 " changed_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 "tddiDdDDdbttDttDttt", r->shop_id, r->kind, r->status, r->amount_fen,
			 r->submitted_on, (int)bzj_date_month(r->submitted_on), r->window_start,
			 r->window_end, r->checklist, r->late, r->submitted_by,
			 r->approved_by[0] ? r->approved_by : NULL, r->approved_on,
			 r->second_by[0] ? r->second_by : NULL, r->paid_by[0] ? r->paid_by : NULL,
			 r->paid_on, r->failure_reason[0] ? r->failure_reason : NULL,
			 r->reject_reason[0] ? r->reject_reason : NULL, r->changed_by);
	if (!rc)
		r->id = st_last_id(db);
	return rc;
}

int bzj_store_demo_floating(bzj_db *db, const char *shop_id, bzj_month m, int64_t gmv_fen,
			    int64_t floating_fen, bzj_date effective, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective)"
		       " VALUES (?,?,?,?,?)",
		       "tdiiD", shop_id, (int)m, gmv_fen, floating_fen, effective);
}

int bzj_store_demo_newbie(bzj_db *db, const char *shop_id, int status, bzj_date graduated,
			  bzj_err *e)
{
	return st_exec(db, e,
		       "UPDATE newbie SET status = ?2, graduated = ?3,"
		       " graduated_by = CASE WHEN CAST(?3 AS INTEGER) IS NULL THEN NULL ELSE 'rev1' END"
		       " WHERE shop_id = ?1",
		       "tdD", shop_id, status, graduated);
}

int bzj_store_demo_score(bzj_db *db, const char *shop_id, bzj_date day, int tenths, bzj_err *e)
{
	return st_exec(db, e, "INSERT INTO score(day, shop_id, tenths) VALUES (?,?,?)", "Dtd", day,
		       shop_id, tenths);
}

int bzj_store_demo_risk(bzj_db *db, const char *shop_id, bzj_date opened, const char *note,
			bzj_date closed, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO risk(shop_id, opened, opened_by, note, closed, closed_by,"
		       " close_note) VALUES (?1, ?2, 'rev1', ?3, ?4,"
		       " CASE WHEN ?4 IS NULL THEN NULL ELSE 'rev2' END,"
		       " CASE WHEN ?4 IS NULL THEN NULL ELSE '已整改' END)",
		       "tDtD", shop_id, opened, note, closed);
}

int bzj_store_demo_finish(bzj_db *db, bzj_err *e)
{
	int rc = st_exec(db, e,
			 "UPDATE shop SET open_violations = v.n FROM (SELECT shop_id, count(*) AS n"
			 " FROM violation WHERE status = 1 GROUP BY shop_id) v WHERE shop.id = v.shop_id",
			 NULL);
	if (!rc)
		rc = st_exec(db, e,
			     "UPDATE shop SET refund_open = r.id FROM (SELECT shop_id, id FROM refund"
			     " WHERE status IN (1,2,7)) r WHERE shop.id = r.shop_id",
			     NULL);
	if (!rc)
		rc = st_exec(db, e, "ANALYZE", NULL);
	return rc;
}

/* The demo inserts a million shops in one transaction: maintaining the
 * FTS5 and bigram indexes row by row through the insert triggers costs
 * more than the rest of the demo; they are built once at the end. */
int bzj_store_demo_bulk_begin(bzj_db *db, bzj_err *e)
{
	if (st_is_pg(db))
		return BZJ_OK; /* no FTS5 there; its shop_gram trigger stays (PL/pgSQL) */
	int rc = st_exec(db, e, "DROP TRIGGER shop_fts_ai", NULL);
	return rc ? rc : st_exec(db, e, "DROP TRIGGER shop_gram_ai", NULL);
}

int bzj_store_demo_bulk_end(bzj_db *db, bzj_err *e)
{
	if (st_is_pg(db))
		return BZJ_OK;
	int rc = st_exec(db, e, "INSERT INTO shop_fts(shop_fts) VALUES('rebuild')", NULL);
	if (!rc)
		rc = st_exec(db, e, SHOP_GRAM_BUILD_SQL, NULL);
	if (!rc)
		rc = st_exec(db, e, SHOP_FTS_AI_SQL, NULL);
	if (!rc)
		rc = st_exec(db, e, SHOP_GRAM_AI_SQL, NULL);
	return rc;
}

/* The shop's money as the demo generated it.  The demo inserted the row
 * with every other column final: writing only these leaves the name
 * indexes and search triggers alone (bzj_store_shop_update rewrites every
 * column). */
int bzj_store_demo_shop_money(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
	return st_exec(db, e,
		       "UPDATE shop SET balance_fen=?2, frozen_fen=?3, unsettled_fen=?4, owed_fen=?5,"
		       " terminate=?6 WHERE id=?1",
		       "tiiiib", s->id, s->balance_fen, s->frozen_fen, s->unsettled_fen, s->owed_fen,
		       s->terminate);
}

/* A large page cache for one bulk transaction (the demo writes 2 GB at a
 * million shops), then back to the usual size. */
int bzj_store_bulk_cache(bzj_db *db, bool on, bzj_err *e)
{
	if (st_is_pg(db))
		return BZJ_OK; /* a server sizes its own cache */
	return st_exec(db, e, on ? "PRAGMA cache_size = -262144" : "PRAGMA cache_size = -16000",
		       NULL);
}
