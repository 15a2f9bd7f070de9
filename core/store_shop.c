/* store_shop.c - shops, categories, payees, standards and shop lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

#define SHOP_COLS                                                                                  \
	"id, name, entity_name, operator_name, entity, status, opened, closed, balance_fen,"      \
	" frozen_fen, unsettled_fen, owed_fen, required_fen, restricted, terminate, version"

static void shop_read(st_stmt *st, bzj_shop *s)
{
	memset(s, 0, sizeof *s);
	st_text(st, 0, s->id, sizeof s->id);
	st_text(st, 1, s->name, sizeof s->name);
	st_text(st, 2, s->entity_name, sizeof s->entity_name);
	st_text(st, 3, s->operator_name, sizeof s->operator_name);
	s->entity = st_col_int32(st, 4);
	s->status = st_col_int32(st, 5);
	s->opened = st_date(st, 6);
	s->closed = st_date(st, 7);
	s->balance_fen = st_col_int(st, 8);
	s->frozen_fen = st_col_int(st, 9);
	s->unsettled_fen = st_col_int(st, 10);
	s->owed_fen = st_col_int(st, 11);
	s->required_fen = st_col_int(st, 12);
	s->restricted = st_col_int32(st, 13) != 0;
	s->terminate = st_col_int32(st, 14) != 0;
	s->version = st_col_int(st, 15);
}

int bzj_store_shop_insert(bzj_db *db, const bzj_shop *s, bzj_err *e)
{
	bool found = false;
	int64_t one;
	int rc = st_int(db, e, &one, &found, "SELECT 1 FROM shop WHERE id = ?", "t", s->id);
	if (rc)
		return rc;
	if (found)
		return bzj_fail(e, BZJ_ERULE, "shop.exists", _("shop %s already exists"), s->id);
	return st_exec(db, e,
		       "INSERT INTO shop(id, name, entity_name, operator_name, entity, status,"
		       " opened, closed) VALUES (?,?,?,?,?,?,?,?)",
		       "ttttddDD", s->id, s->name, s->entity_name, s->operator_name, s->entity,
		       s->status, s->opened, s->closed);
}

int bzj_store_shop_get(bzj_db *db, const char *id, bzj_shop *s, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT " SHOP_COLS " FROM shop WHERE id = ?", e);
	if (!st)
		return e->rc;
	st_bind(st, "t", id);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		shop_read(st, s);
		st_reset(st);
		return BZJ_OK;
	}
	st_reset(st);
	if (rc != ST_DONE)
		return st_error(db, rc, e);
	return bzj_fail(e, BZJ_ENOTFOUND, "shop.not_found", _("no shop with id %s"), id);
}

/* A shop's row is written column group by column group, only the groups
 * whose values changed: SQLite rewrites every index on a column an UPDATE
 * names, changed or not, and the shop has one on nearly each (name,
 * required, balance, restricted, status, open violations, refund in
 * progress), each a random page at a million shops.  Naming every column
 * made one save 198,000 instructions (callgrind, a bank batch's failed
 * refunds at 1M shops); a top-up touches two groups. */
enum { SG_NAMES, SG_STATE, SG_MONEY, SG_REQUIRED, SG_RESTRICTED, SG_VIOLATIONS, SG_REFUND, SG_N };

static const char *const shop_set[SG_N] = {
	", name=?, entity_name=?, operator_name=?",
	", status=?, closed=?, terminate=?",
	", balance_fen=?, frozen_fen=?, unsettled_fen=?, owed_fen=?",
	", required_fen=?",
	", restricted=?",
	", open_violations=?",
	", refund_open=?",
};

/* The UPDATE for a set of groups, made once per process (the statement
 * cache keys on the text's address, so it must outlive the connection). */
static const char *shop_update_sql(unsigned mask)
{
	static char *made[1u << SG_N];
	if (made[mask])
		return made[mask];
	char sql[512];
	size_t n = (size_t)snprintf(sql, sizeof sql, "UPDATE shop SET version=version+1");
	for (int g = 0; g < SG_N; g++)
		if (mask & (1u << g))
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s", shop_set[g]);
	snprintf(sql + n, sizeof sql - n, " WHERE id=?");
	made[mask] = strdup(sql);
	return made[mask];
}

/* The next parameter, unless an earlier bind failed (then its code). */
static int put_int(st_stmt *st, int *i, int rc, int64_t v)
{
	return rc != ST_OK ? rc : st_bind_int(st, (*i)++, v);
}

static int put_text(st_stmt *st, int *i, int rc, const char *v)
{
	return rc != ST_OK ? rc : st_bind_text(st, (*i)++, v);
}

int bzj_store_shop_update(bzj_db *db, bzj_shop *s, bzj_err *e)
{
	st_stmt *st = st_prep(db,
			      "SELECT name, entity_name, operator_name, status, closed, terminate,"
			      " balance_fen, frozen_fen, unsettled_fen, owed_fen, required_fen,"
			      " restricted, open_violations, refund_open,"
			      " (SELECT count(*) FROM violation v WHERE v.shop_id=?1 AND v.status=1),"
			      " COALESCE((SELECT id FROM refund r WHERE r.shop_id=?1"
			      "  AND " REFUND_OPEN("r.") "), 0)"
			      " FROM shop WHERE id=?1",
			      e);
	if (!st)
		return e->rc;
	st_bind(st, "t", s->id);
	int rc = st_step(st);
	if (rc != ST_ROW) {
		st_reset(st);
		if (rc == ST_DONE)
			return bzj_fail(e, BZJ_ENOTFOUND, "shop.not_found", _("no shop with id %s"),
					s->id);
		return st_error(db, rc, e);
	}
	char name[BZJ_NAME_MAX + 1], ename[BZJ_NAME_MAX + 1], oname[BZJ_NAME_MAX + 1];
	st_text(st, 0, name, sizeof name);
	st_text(st, 1, ename, sizeof ename);
	st_text(st, 2, oname, sizeof oname);
	unsigned mask = 0;
	if (strcmp(name, s->name) || strcmp(ename, s->entity_name) || strcmp(oname, s->operator_name))
		mask |= 1u << SG_NAMES;
	if (st_col_int(st, 3) != s->status || st_date(st, 4) != s->closed ||
	    (st_col_int(st, 5) != 0) != s->terminate)
		mask |= 1u << SG_STATE;
	if (st_col_int(st, 6) != s->balance_fen || st_col_int(st, 7) != s->frozen_fen ||
	    st_col_int(st, 8) != s->unsettled_fen || st_col_int(st, 9) != s->owed_fen)
		mask |= 1u << SG_MONEY;
	if (st_col_int(st, 10) != s->required_fen)
		mask |= 1u << SG_REQUIRED;
	if ((st_col_int(st, 11) != 0) != s->restricted)
		mask |= 1u << SG_RESTRICTED;
	int64_t violations = st_col_int(st, 14), refund = st_col_int(st, 15);
	if (st_col_int(st, 12) != violations)
		mask |= 1u << SG_VIOLATIONS;
	if (st_col_int(st, 13) != refund)
		mask |= 1u << SG_REFUND;
	st_reset(st);
	const char *sql = shop_update_sql(mask);
	if (!sql)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	if (!(st = st_prep(db, sql, e)))
		return e->rc;
	int i = 1;
	rc = ST_OK;
	if (mask & (1u << SG_NAMES)) {
		rc = put_text(st, &i, rc, s->name);
		rc = put_text(st, &i, rc, s->entity_name);
		rc = put_text(st, &i, rc, s->operator_name);
	}
	if (mask & (1u << SG_STATE)) {
		rc = put_int(st, &i, rc, s->status);
		rc = s->closed == BZJ_DATE_NONE ? (rc ? rc : st_bind_null(st, i++))
						: put_int(st, &i, rc, s->closed);
		rc = put_int(st, &i, rc, s->terminate ? 1 : 0);
	}
	if (mask & (1u << SG_MONEY)) {
		rc = put_int(st, &i, rc, s->balance_fen);
		rc = put_int(st, &i, rc, s->frozen_fen);
		rc = put_int(st, &i, rc, s->unsettled_fen);
		rc = put_int(st, &i, rc, s->owed_fen);
	}
	if (mask & (1u << SG_REQUIRED))
		rc = put_int(st, &i, rc, s->required_fen);
	if (mask & (1u << SG_RESTRICTED))
		rc = put_int(st, &i, rc, s->restricted ? 1 : 0);
	if (mask & (1u << SG_VIOLATIONS))
		rc = put_int(st, &i, rc, violations);
	if (mask & (1u << SG_REFUND))
		rc = put_int(st, &i, rc, refund);
	rc = put_text(st, &i, rc, s->id);
	if (rc == ST_OK)
		rc = st_step(st);
	st_reset(st);
	if (rc != ST_DONE)
		return st_error(db, rc, e);
	s->version++;
	return BZJ_OK;
}

int bzj_store_categories(bzj_db *db, const char *id, char (*cats)[BZJ_CAT_MAX + 1], int max,
			 int *n, bzj_err *e)
{
	*n = 0;
	st_stmt *st = st_prep(
		db, "SELECT category FROM shop_category WHERE shop_id = ? ORDER BY added, category",
		e);
	if (!st)
		return e->rc;
	st_bind(st, "t", id);
	int rc;
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		st_text(st, 0, cats[(*n)++], BZJ_CAT_MAX + 1);
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_category_add(bzj_db *db, const char *id, const char *category, bzj_date day,
			   bzj_err *e)
{
	if (db->demo && st_demo_category(db, id, category, day))
		return BZJ_OK; /* the demo's bulk path (store_demo.c) */
	return st_exec(db, e,
		       "INSERT OR IGNORE INTO shop_category(shop_id, category, added) VALUES (?,?,?)",
		       "ttD", id, category, day);
}

int bzj_store_category_remove(bzj_db *db, const char *id, const char *category, bool *removed,
			      bzj_err *e)
{
	int rc = st_exec(db, e, "DELETE FROM shop_category WHERE shop_id = ? AND category = ?", "tt",
			 id, category);
	*removed = !rc && st_changes(db) == 1;
	return rc;
}

int bzj_store_category_known(bzj_db *db, const char *category, bool *known, bzj_err *e)
{
	int64_t one;
	return st_int(db, e, &one, known, "SELECT 1 FROM standard WHERE category = ? LIMIT 1", "t",
		      category);
}

int bzj_store_base_for(bzj_db *db, const char *shop_id, int entity, bzj_date day,
		       int64_t *base_fen, char *category, bzj_date *effective, bzj_err *e)
{
	*base_fen = 0;
	category[0] = 0;
	*effective = BZJ_DATE_NONE;
	if (db->demo && st_demo_base_for(db, shop_id, entity, day, base_fen, category, effective))
		return BZJ_OK; /* the demo's bulk path (store_demo.c) */
	/* Every standard in force for each of the shop's categories, newest
	 * first within a category; the first row of each category is its
	 * standard on `day`, and the highest of those wins, the first
	 * category in byte order on a tie (as REQUIRED_SQL picks it).  Chosen
	 * here rather than by ORDER BY fen DESC LIMIT 1, whose sorter cost a
	 * third of this lookup, which a bank batch makes for every refund
	 * (21,598 times for 18,588 refunds at 1M shops). */
	st_stmt *st = st_prep(db, BASE_ROWS_SQL, e);
	if (!st)
		return e->rc;
	st_bind(st, "tdD", shop_id, entity, day);
	char last[BZJ_CAT_MAX + 1] = "";
	bool any = false;
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		char cat[BZJ_CAT_MAX + 1];
		st_text(st, 0, cat, sizeof cat);
		if (any && !strcmp(cat, last))
			continue; /* an older standard of the same category */
		memcpy(last, cat, sizeof last);
		int64_t fen = st_col_int(st, 2);
		if (!any || fen > *base_fen || (fen == *base_fen && strcmp(cat, category) < 0)) {
			*base_fen = fen;
			memcpy(category, cat, BZJ_CAT_MAX + 1);
			*effective = st_date(st, 1);
		}
		any = true;
	}
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_payee_get(bzj_db *db, const char *id, bzj_payee *p, bzj_err *e)
{
	memset(p, 0, sizeof *p);
	st_stmt *st = st_prep(db,
				   "SELECT type, name, account, since,"
				   " (SELECT count(*) FROM payee q WHERE q.shop_id = p.shop_id)"
				   " FROM payee p WHERE shop_id = ? ORDER BY id DESC LIMIT 1",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", id);
	int rc = st_step(st);
	if (rc == ST_ROW) {
		p->present = true;
		p->type = st_col_int32(st, 0);
		st_text(st, 1, p->name, sizeof p->name);
		st_text(st, 2, p->account, sizeof p->account);
		p->since = st_date(st, 3);
		p->had_previous = st_col_int32(st, 4) > 1;
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_payee_insert(bzj_db *db, const char *id, int type, const char *name,
			   const char *account, bzj_date since, bzj_err *e)
{
	if (db->demo && st_demo_payee(db, id, type, name, account, since))
		return BZJ_OK; /* the demo's bulk path (store_demo.c) */
	return st_exec(db, e,
		       "INSERT INTO payee(shop_id, type, name, account, since) VALUES (?,?,?,?,?)",
		       "tdttD", id, type, name, account, since);
}

int bzj_store_standard_put(bzj_db *db, const bzj_standard *s, bzj_err *e)
{
	/* An update, else an insert, not one upsert: inside an upsert's DO
	 * UPDATE the seal trigger's INSERT OR REPLACE INTO seal takes the
	 * outer statement's conflict handling and fails on the standard's own
	 * seal (UNIQUE seal.tbl, seal.rid), so loading standards over ones
	 * already there (a demo database, a re-load) was refused. */
	int rc = st_exec(db, e,
			 "UPDATE standard SET individual_fen = ?3, company_fen = ?4"
			 " WHERE category = ?1 AND effective = ?2",
			 "tDii", s->category, s->effective, s->individual_fen, s->company_fen);
	if (rc || st_changes(db) > 0)
		return rc;
	return st_exec(db, e,
		       "INSERT INTO standard(category, effective, individual_fen, company_fen)"
		       " VALUES (?,?,?,?)",
		       "tDii", s->category, s->effective, s->individual_fen, s->company_fen);
}

int bzj_store_standards_each(bzj_db *db, bzj_standard_fn fn, void *ctx, bzj_err *e)
{
	st_stmt *st = st_prep(db,
				   "SELECT category, effective, individual_fen, company_fen"
				   " FROM standard ORDER BY category, effective",
				   e);
	if (!st)
		return e->rc;
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		bzj_standard s;
		st_text(st, 0, s.category, sizeof s.category);
		s.effective = st_date(st, 1);
		s.individual_fen = st_col_int(st, 2);
		s.company_fen = st_col_int(st, 3);
		if (fn(ctx, &s))
			break;
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_shop_ids(bzj_db *db, bzj_shop_id_fn fn, void *ctx, bzj_err *e)
{
	st_stmt *st = st_prep(db, "SELECT id FROM shop ORDER BY id", e);
	if (!st)
		return e->rc;
	int rc;
	char id[BZJ_ID_MAX + 1];
	while ((rc = st_step(st)) == ST_ROW) {
		st_text(st, 0, id, sizeof id);
		if (fn(ctx, id))
			break;
	}
	st_reset(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_change_insert(bzj_db *db, const bzj_info_change *c, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO shop_change(shop_id, kind, notice, recorded, old_value, new_value,"
		       " hold, user) VALUES (?,?,?,?,?,?,?,?)",
		       "tdDDttbt", c->shop_id, c->kind, c->notice, c->recorded,
		       c->old_value ? c->old_value : "", c->new_value ? c->new_value : "", c->hold,
		       c->user);
}

int bzj_store_change_state(bzj_db *db, const char *shop_id, bzj_change_state *out, bzj_err *e)
{
	out->hold_kind = 0;
	out->hold_notice = out->last_notice = out->deregistered = BZJ_DATE_NONE;
	st_stmt *st = st_prep(db,
				   "SELECT kind, notice, hold FROM shop_change WHERE shop_id = ?"
				   " ORDER BY id",
				   e);
	if (!st)
		return e->rc;
	st_bind(st, "t", shop_id);
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		int kind = st_col_int32(st, 0);
		bzj_date notice = st_date(st, 1);
		if (out->last_notice == BZJ_DATE_NONE || notice >= out->last_notice)
			out->last_notice = notice;
		if (st_col_int32(st, 2) &&
		    (out->hold_notice == BZJ_DATE_NONE || notice >= out->hold_notice)) {
			out->hold_kind = kind;
			out->hold_notice = notice;
		}
		if (kind == BZJ_CHANGE_DEREGISTER)
			out->deregistered = notice;
	}
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}
