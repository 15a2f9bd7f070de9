/* store_settings.c - the settings a database runs under (issue 16): the
 * append-only, sealed table `settings` (schema v14).  The newest row is
 * in force; core/settings.c decides what goes in it. */
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

int bzj_store_settings_last(bzj_db *db, int64_t *seq, char fingerprint[65], char **doc,
			    bzj_date *day, char user[64], bool *found, bzj_err *e)
{
	*found = false;
	if (doc)
		*doc = NULL;
	st_stmt *st = st_prep(db,
				   "SELECT seq, fingerprint, doc, day, user FROM settings"
				   " ORDER BY seq DESC LIMIT 1",
				   e);
	if (!st)
		return e ? e->rc : BZJ_EIO;
	int rc = st_step(st);
	if (rc == ST_ROW) {
		*found = true;
		if (seq)
			*seq = st_col_int(st, 0);
		if (fingerprint)
			st_text(st, 1, fingerprint, 65);
		if (doc) {
			const char *t = st_col_text(st, 2);
			*doc = strdup(t ? (const char *)t : "");
			if (!*doc) {
				st_reset(st);
				return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
			}
		}
		if (day)
			*day = st_date(st, 3);
		if (user)
			st_text(st, 4, user, 64);
		rc = ST_DONE;
	}
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_settings_insert(bzj_db *db, const char *fingerprint, const char *doc, bzj_date day,
			      const char *user, bzj_err *e)
{
	return st_exec(db, e,
		       "INSERT INTO settings(fingerprint, doc, day, user) VALUES (?, ?, ?, ?)",
		       "ttdt", fingerprint, doc, (int)day, user);
}

/* PostgreSQL: the settings rows from the newest whose seal holds, the
 * MAC computed here (store_seal.c); seq 0 = any.  *doc when found. */
static int settings_sealed_pg(bzj_db *db, int64_t seq, bool *found, char **doc, bzj_err *e)
{
	*found = false;
	st_stmt *st = st_prep(db,
			      "SELECT s.mac, t.doc, t.seq, s.seq, " SEAL_SETTINGS_COLS("t.")
			      " FROM settings t JOIN seal s ON s.tbl = 'settings'"
			      " AND s.rid = CAST(t.seq AS text) WHERE ?1 = 0 OR t.seq = ?1"
			      " ORDER BY t.seq DESC",
			      e);
	if (!st)
		return e ? e->rc : BZJ_EIO;
	st_bind(st, "i", seq);
	int rc;
	while ((rc = st_step(st)) == ST_ROW) {
		char m[65];
		st_seal_row(db, "settings", st, 2, m);
		const char *have = st_col_text(st, 0);
		if (have && !strcmp(have, m)) {
			*found = true;
			if (doc) {
				const char *t = st_col_text(st, 1);
				*doc = strdup(t ? t : "");
				if (!*doc)
					rc = ST_NOMEM;
			}
			break;
		}
	}
	st_reset(st);
	return rc == ST_DONE || rc == ST_ROW ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_settings_sealed(bzj_db *db, int64_t seq, bool *sealed, bzj_err *e)
{
	if (st_is_pg(db))
		return settings_sealed_pg(db, seq, sealed, NULL, e);
	int64_t n = 0;
	int rc = st_int(db, e, &n, NULL,
			"SELECT count(*) FROM settings t JOIN seal s ON s.tbl = 'settings'"
			" AND s.rid = t.seq WHERE t.seq = ?1 AND s.mac = bzj_seal('settings',"
			" t.seq, s.seq, " SEAL_SETTINGS_COLS("t.") ")",
			"i", seq);
	*sealed = !rc && n == 1;
	return rc;
}

int bzj_store_settings_last_sealed(bzj_db *db, char **doc, bool *found, bzj_err *e)
{
	*found = false;
	*doc = NULL;
	if (st_is_pg(db))
		return settings_sealed_pg(db, 0, found, doc, e);
	st_stmt *st = st_prep(db,
				   "SELECT t.doc FROM settings t JOIN seal s ON s.tbl = 'settings'"
				   " AND s.rid = t.seq WHERE s.mac = bzj_seal('settings', t.seq, s.seq, "
				   SEAL_SETTINGS_COLS("t.") ") ORDER BY t.seq DESC LIMIT 1",
				   e);
	if (!st)
		return e ? e->rc : BZJ_EIO;
	int rc = st_step(st);
	if (rc == ST_ROW) {
		const char *t = st_col_text(st, 0);
		*doc = strdup(t ? (const char *)t : "");
		*found = *doc != NULL;
		rc = *doc ? ST_DONE : ST_NOMEM;
	}
	st_reset(st);
	return rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}
