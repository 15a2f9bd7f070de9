/* store_seal.c - row seals and the schema check: what `bzj check` uses to
 * find money changed outside bzj by someone who can write the file.
 *
 * A seal is HMAC-SHA256 (GNU Nettle) with the audit key over the table
 * name, the row key, the audit seq of the record the change belongs to and
 * the sealed columns (store_priv.h lists them), each value followed by
 * 0x1F and typed (NULL, integer and text differ).  Without a key it is
 * plain SHA-256: that still shows an edit made with the triggers dropped,
 * but not one whose author recomputed the seal. */
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <sqlite3.h> /* the fenced SQL functions */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/text.h"
#include "store_priv.h"

void bzj_db_set_audit_key(bzj_db *db, const uint8_t key[32])
{
	memcpy(db->key, key, sizeof db->key);
	db->keyed = true;
}

bool bzj_db_audit_key(const bzj_db *db, uint8_t key[32])
{
	if (db->keyed && key)
		memcpy(key, db->key, sizeof db->key);
	return db->keyed;
}

typedef struct mac {
	bool keyed;
	struct hmac_sha256_ctx h;
	struct sha256_ctx s;
	/* the message gathered here and hashed a block at a time: a seal is
	 * made of one-byte tags and short fields, and each hash update call
	 * costs more than the bytes it hashes */
	size_t n;
	uint8_t buf[512];
} mac;

/* The keyed state after hmac_sha256_set_key, kept for the last key used:
 * a seal costs a few SHA-256 blocks, and setting the key is two of them
 * (a bulk seal of a million-shop demo makes 11 million). */
static struct {
	bool ok;
	uint8_t key[32];
	struct hmac_sha256_ctx h;
} keyed_state;

static void mac_init(mac *m, const bzj_db *db, bool plain)
{
	m->n = 0;
	m->keyed = db->keyed && !plain;
	if (m->keyed) {
		if (!keyed_state.ok || memcmp(keyed_state.key, db->key, sizeof db->key) != 0) {
			hmac_sha256_set_key(&keyed_state.h, sizeof db->key, db->key);
			memcpy(keyed_state.key, db->key, sizeof db->key);
			keyed_state.ok = true;
		}
		m->h = keyed_state.h;
	} else {
		sha256_init(&m->s);
	}
}

static void mac_flush(mac *m, size_t n, const uint8_t *p)
{
	if (m->keyed)
		hmac_sha256_update(&m->h, n, p);
	else
		sha256_update(&m->s, n, p);
}

static void mac_update(mac *m, size_t n, const uint8_t *p)
{
	if (m->n + n > sizeof m->buf) {
		mac_flush(m, m->n, m->buf);
		m->n = 0;
		if (n > sizeof m->buf) {
			mac_flush(m, n, p);
			return;
		}
	}
	memcpy(m->buf + m->n, p, n);
	m->n += n;
}

static void mac_hex(mac *m, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[SHA256_DIGEST_SIZE];
	mac_flush(m, m->n, m->buf);
	m->n = 0;
	if (m->keyed)
		hmac_sha256_digest(&m->h, sizeof d, d);
	else
		sha256_digest(&m->s, sizeof d, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = 0;
}

/* SQLITE-ONLY BEGIN: registered functions (docs/store-seam.md, "Fenced") */
static void fn_seal_common(sqlite3_context *c, int n, sqlite3_value **v, bool plain)
{
	const bzj_db *db = sqlite3_user_data(c);
	mac m;
	mac_init(&m, db, plain);
	for (int i = 0; i < n; i++) {
		char tag;
		switch (sqlite3_value_type(v[i])) {
		case SQLITE_NULL: tag = 'N'; break;
		case SQLITE_INTEGER: tag = 'I'; break;
		case SQLITE_FLOAT: tag = 'F'; break;
		default: tag = 'T'; break;
		}
		mac_update(&m, 1, (const uint8_t *)&tag);
		if (tag == 'I') {
			char buf[24];
			size_t len = bzj_int_text(sqlite3_value_int64(v[i]), buf); /* as SQLite's value_text */
			mac_update(&m, len, (const uint8_t *)buf);
		} else {
			const unsigned char *t = sqlite3_value_text(v[i]);
			int len = sqlite3_value_bytes(v[i]);
			if (t && len > 0)
				mac_update(&m, (size_t)len, t);
		}
		mac_update(&m, 1, (const uint8_t *)"\x1f");
	}
	char out[65];
	mac_hex(&m, out);
	sqlite3_result_text(c, out, 64, SQLITE_TRANSIENT);
}

static void fn_seal(sqlite3_context *c, int n, sqlite3_value **v)
{
	bzj_db *db = sqlite3_user_data(c);
	if (n >= 3 && sqlite3_value_int64(v[2]) > db->seal_max)
		db->seal_max = sqlite3_value_int64(v[2]);
	fn_seal_common(c, n, v, false);
}

static void fn_seal_plain(sqlite3_context *c, int n, sqlite3_value **v)
{
	fn_seal_common(c, n, v, true);
}

int st_register_seal(bzj_db *db)
{
	sqlite3 *h = st_sqlite(db);
	int fl = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = sqlite3_create_function(h, "bzj_seal", -1, fl, db, fn_seal, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(h, "bzj_seal_plain", -1, fl, db, fn_seal_plain, NULL,
					     NULL);
	return rc;
}
/* SQLITE-ONLY END */

/* The sealed tables.  A new money-moving table joins by a trigger pair in
 * its migration (SEAL_BODY, store_priv.h) and a row here; see check.c. */
typedef struct sealed {
	const char *tbl;
	const char *key;  /* the row key as an SQL expression over t */
	const char *cols; /* the sealed columns over t */
	const char *shop; /* the row's shop over t, NULL when it has none */
	const char *what; /* for messages */
	/* PostgreSQL: the key is an integer column, so a seal's rid (text)
	 * is cast to it to join (seal_join): the other way round, CAST(key
	 * AS text) = rid, no index serves and every commit with a pending
	 * ledger seal read the whole ledger (2 s at 9M rows) */
	bool intkey;
} sealed;

static const sealed sealed_tables[] = {
	{"shop", "t.id", SEAL_SHOP_COLS("t."), "t.id", N_("shop"), false},
	{"ledger", "t.id", SEAL_LEDGER_COLS("t."), "t.shop_id", N_("ledger entry"), true},
	{"refund", "t.id", SEAL_REFUND_COLS("t."), "t.shop_id", N_("refund"), true},
	{"payee", "t.id", SEAL_PAYEE_COLS("t."), "t.shop_id", N_("payee account"), true},
	{"violation", "t.id", SEAL_VIOLATION_COLS("t."), "t.shop_id", N_("violation"), true},
	{"shop_change", "t.id", SEAL_SHOP_CHANGE_COLS("t."), "t.shop_id", N_("merchant information change"), true},
	{"provider", "t.id", SEAL_PROVIDER_COLS("t."), NULL, N_("service provider"), false},
	{"provider_ledger", "t.id", SEAL_PROVIDER_LEDGER_COLS("t."), NULL, N_("provider ledger entry"), true},
	{"provider_payee", "t.id", SEAL_PROVIDER_PAYEE_COLS("t."), NULL, N_("provider payee account"), true},
	{"provider_binding", "t.id", SEAL_PROVIDER_BINDING_COLS("t."), NULL, N_("provider binding"), true},
	{"provider_complaint", "t.id", SEAL_PROVIDER_COMPLAINT_COLS("t."), NULL, N_("provider complaint"), true},
	{"standard", SEAL_STANDARD_KEY("t."), SEAL_STANDARD_COLS("t."), NULL, N_("standard"), false},
	{"payout_batch", "t.id", SEAL_PAYOUT_BATCH_COLS("t."), NULL, N_("payout batch"), true},
	{"payout_return", "t.id", SEAL_PAYOUT_RETURN_COLS("t."), NULL, N_("bank return file"), true},
	{"settings", "t.seq", SEAL_SETTINGS_COLS("t."), NULL, N_("settings record"), true},
};

/* Run one statement built at run time (not cached); each row's columns
 * 0 and 1 go to `row`. */
typedef int (*row_fn)(void *ctx, const char *a, const char *b);

static int run_rows(bzj_db *db, const char *sql, row_fn fn, void *ctx, bzj_err *e)
{
	st_stmt *st = NULL;
	int rc = st_prepare_once(db, sql, &st);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	while ((rc = st_step(st)) == ST_ROW) {
		char a[128], b[256];
		st_text(st, 0, a, sizeof a);
		st_text(st, 1, b, sizeof b);
		if (fn && fn(ctx, a, b))
			break;
	}
	st_finalize(st);
	return (rc == ST_ROW || rc == ST_DONE) ? BZJ_OK : st_error(db, rc, e);
}

static int reseal_keyed_pg(bzj_db *db, bzj_err *e);

int bzj_store_reseal_keyed(bzj_db *db, bzj_err *e)
{
	if (st_is_pg(db))
		return reseal_keyed_pg(db, e);
	char sql[2048];
	/* "s.rid = +key": seal.rid has no type affinity and a table's id is an
	 * INTEGER column; compared as they are, SQLite may not use the seal's
	 * key for rid and scans every seal of the table for each row (17 s on a
	 * 6,000-shop demo's ledger).  The unary + takes the id's affinity away,
	 * so the lookup is (tbl, rid). */
	for (size_t i = 0; i < sizeof sealed_tables / sizeof sealed_tables[0]; i++) {
		const sealed *s = &sealed_tables[i];
		snprintf(sql, sizeof sql,
			 "UPDATE seal AS s SET mac = (SELECT bzj_seal('%s', %s, s.seq, %s) FROM %s t"
			 " WHERE %s = s.rid) WHERE s.tbl = '%s' AND s.mac = (SELECT"
			 " bzj_seal_plain('%s', %s, s.seq, %s) FROM %s t WHERE %s = s.rid)",
			 s->tbl, s->key, s->cols, s->tbl, s->key, s->tbl, s->tbl, s->key, s->cols,
			 s->tbl, s->key);
		int rc = run_rows(db, sql, NULL, NULL, e);
		if (rc)
			return rc;
	}
	return BZJ_OK;
}

/* The end of schema v13 in a keyed database: its refund seals, made over
 * v10's columns with the key, are renewed over the wider list now that
 * the key is here (a seal that no longer holds is left to check). */
int bzj_store_reseal_pending(bzj_db *db, bzj_err *e)
{
	int64_t v = 0;
	bool found = false;
	int rc = bzj_store_meta_get(db, BZJ_RESEAL_PENDING, &v, &found, e);
	if (rc || !found || !db->keyed || bzj_db_readonly(db))
		return rc;
	if ((rc = bzj_db_begin(db, e)))
		return rc;
	rc = st_exec(db, e,
		     "UPDATE seal AS s SET mac = (SELECT bzj_seal('refund', t.id, s.seq, "
		     SEAL_REFUND_COLS("t.") ") FROM refund t WHERE t.id = s.rid)"
		     " WHERE s.tbl = 'refund' AND s.mac = (SELECT bzj_seal('refund', t.id, s.seq, "
		     SEAL_REFUND_V10_COLS("t.") ") FROM refund t WHERE t.id = s.rid)",
		     "");
	if (!rc)
		rc = st_exec(db, e, "DELETE FROM meta WHERE key = ?", "t", BZJ_RESEAL_PENDING);
	if (rc) {
		bzj_db_rollback(db);
		return rc;
	}
	return bzj_db_commit(db, e);
}

/* PostgreSQL (issue 16): the seal's MAC over one row as fn_seal_common
 * computes it in SQLite: the table name (text), then the statement's
 * columns from `from` on (the row key, the seq, the sealed columns), each typed by
 * its PostgreSQL type as SQLite types its values (bigint 'I', text 'T',
 * NULL 'N'); integers as decimal text in both. */
static void seal_put(mac *m, char tag, const char *t)
{
	mac_update(m, 1, (const uint8_t *)&tag);
	if (t && *t)
		mac_update(m, strlen(t), (const uint8_t *)t);
	mac_update(m, 1, (const uint8_t *)"\x1f");
}

static void seal_row_mac(const bzj_db *db, const char *tbl, st_stmt *st, int from, bool plain,
			 char out[65])
{
	mac m;
	mac_init(&m, db, plain);
	seal_put(&m, 'T', tbl);
	int n = st_col_count(st);
	for (int i = from; i < n; i++) {
		char tag;
		switch (st->drv->col_type(st->s, i)) {
		case ST_T_NULL: tag = 'N'; break;
		case ST_T_INT: tag = 'I'; break;
		case ST_T_FLOAT: tag = 'F'; break;
		default: tag = 'T'; break;
		}
		seal_put(&m, tag, st_col_text(st, i));
	}
	mac_hex(&m, out);
}

void st_seal_row(const bzj_db *db, const char *tbl, st_stmt *st, int from, char out[65])
{
	seal_row_mac(db, tbl, st, from, false, out);
}

/* PostgreSQL: the condition that finds a seal's row through the
 * table's key index.  An integer key is compared with the rid cast to a
 * number, guarded so that a rid that is not one (a tampered seal table)
 * matches nothing instead of failing the commit. */
static const char *seal_join(const sealed *s, char *out, size_t n)
{
	if (s->intkey)
		snprintf(out, n,
			 "%s = CASE WHEN s.rid ~ '^-?[0-9]{1,18}$' THEN CAST(s.rid AS bigint) END",
			 s->key);
	else
		snprintf(out, n, "%s = s.rid", s->key);
	return out;
}

/* PostgreSQL: bzj_store_reseal_keyed without SQL functions (the key never
 * reaches the server): every seal that holds as a plain SHA-256 over its
 * row, computed here, is replaced by the row's HMAC with the key, in the
 * caller's transaction; a seal that does not hold is left for check to
 * report, as SQLite's UPDATE ... WHERE s.mac = bzj_seal_plain(...) does.
 * Found by the safety suite on PostgreSQL (tests/safety/cases/20_tamper.sh:
 * `bzj init` with an audit key failed, "function bzj_seal_plain does not
 * exist"). */
static int reseal_keyed_pg(bzj_db *db, bzj_err *e)
{
	char sql[2048], on[200];
	for (size_t i = 0; i < sizeof sealed_tables / sizeof sealed_tables[0]; i++) {
		const sealed *s = &sealed_tables[i];
		snprintf(sql, sizeof sql,
			 "SELECT s.rid, s.mac, %s, s.seq, %s FROM seal s JOIN %s t"
			 " ON %s WHERE s.tbl = '%s' AND s.mac IS NOT NULL",
			 s->key, s->cols, s->tbl, seal_join(s, on, sizeof on), s->tbl);
		st_stmt *st = NULL;
		int rc = st_prepare_once(db, sql, &st);
		if (rc != ST_OK)
			return st_error(db, rc, e);
		int r = BZJ_OK;
		while (!r && (rc = st_step(st)) == ST_ROW) {
			char rid[128], have[80], plain[65], keyed[65];
			st_text(st, 0, rid, sizeof rid);
			st_text(st, 1, have, sizeof have);
			seal_row_mac(db, s->tbl, st, 2, true, plain);
			if (strcmp(have, plain) != 0)
				continue;
			seal_row_mac(db, s->tbl, st, 2, false, keyed);
			r = st_exec(db, e, "UPDATE seal SET mac = ? WHERE tbl = ? AND rid = ?", "ttt",
				    keyed, s->tbl, rid);
		}
		st_finalize(st);
		if (r)
			return r;
		if (rc != ST_DONE && rc != ST_ROW)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

/* The commit half of PostgreSQL's seals (docs/store-seam.md): the
 * triggers wrote each changed row's seal with a NULL mac and the seq of
 * the audit head + 1 at the time; here, before COMMIT, every pending seal
 * gets the seq SQLite's st_seal_fixup would leave (moved back to the
 * head when past it) and its MAC, computed in C with the audit key, which
 * never reaches the server. */
static int seal_fixup_pg(bzj_db *db, bzj_err *e)
{
	int64_t pending = 0, head = 0;
	int rc = st_int(db, e, &pending, NULL, "SELECT count(*) FROM seal WHERE mac IS NULL", NULL);
	if (rc || pending == 0)
		return rc;
	if ((rc = st_int(db, e, &head, NULL,
			 "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_seq'", NULL)))
		return rc;
	char sql[2048], on[200];
	for (size_t i = 0; i < sizeof sealed_tables / sizeof sealed_tables[0]; i++) {
		const sealed *s = &sealed_tables[i];
		snprintf(sql, sizeof sql,
			 "SELECT s.rid, %s, least(s.seq, %lld), %s FROM seal s JOIN %s t"
			 " ON %s WHERE s.tbl = '%s' AND s.mac IS NULL",
			 s->key, (long long)head, s->cols, s->tbl, seal_join(s, on, sizeof on),
			 s->tbl);
		st_stmt *st = NULL;
		if ((rc = st_prepare_once(db, sql, &st)) != ST_OK)
			return st_error(db, rc, e);
		int r = BZJ_OK;
		while (!r && (rc = st_step(st)) == ST_ROW) {
			char rid[128], out[65];
			st_text(st, 0, rid, sizeof rid);
			st_seal_row(db, s->tbl, st, 1, out);
			r = st_exec(db, e, "UPDATE seal SET seq = ?, mac = ? WHERE tbl = ? AND rid = ?",
				    "itt" "t", st_col_int(st, 2), out, s->tbl, rid);
		}
		st_finalize(st);
		if (r)
			return r;
		if (rc != ST_DONE)
			return st_error(db, rc, e);
	}
	return BZJ_OK;
}

/* COPY's text format: the escape of c, or NULL.  The backslash, tab,
 * newline and CR must be escaped; backspace, form feed and vertical tab
 * are, as COPY ... TO writes them, so a line compares equal to the
 * server's own (store_copy.c). */
static const char *copy_esc(char c)
{
	switch (c) {
	case '\\': return "\\\\";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\v': return "\\v";
	default: return NULL;
	}
}

/* A field escaped into out (room for 2 * strlen(t) bytes); its length. */
static size_t copy_field(char *out, const char *t)
{
	size_t k = 0;
	for (; *t; t++) {
		const char *esc = copy_esc(*t);
		if (esc) {
			out[k++] = esc[0];
			out[k++] = esc[1];
		} else
			out[k++] = *t;
	}
	return k;
}

void st_buf_put(st_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void st_buf_field(st_buf *b, const char *t)
{
	const char *run = t;
	for (const char *c = t; *c; c++) {
		const char *esc = copy_esc(*c);
		if (esc) {
			st_buf_put(b, run, (size_t)(c - run));
			st_buf_put(b, esc, 2);
			run = c + 1;
		}
	}
	st_buf_put(b, run, strlen(run));
}

int st_seal_rows_pg(bzj_db *db, const char *tbl, bool all, bzj_err *e)
{
	const sealed *s = NULL;
	for (size_t i = 0; i < sizeof sealed_tables / sizeof sealed_tables[0]; i++)
		if (!strcmp(sealed_tables[i].tbl, tbl))
			s = &sealed_tables[i];
	if (!s || !db->drv->copy_in)
		return bzj_fail(e, BZJ_EIO, "store.backend", _("%s is not a sealed table"), tbl);
	int64_t head = 0;
	int rc = st_int(db, e, &head, NULL,
			"SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_seq'", NULL);
	if (rc)
		return rc;
	/* a chunk of rows after the last key seen (none: the first), in key
	 * order; as seal_fixup_pg reads them: the key, the seq, the columns */
	enum { CHUNK = 20000 };
	char first[2048], next[2048], after[256], unsealed[256];
	snprintf(after, sizeof after, "%s > ?1", s->key);
	snprintf(unsealed, sizeof unsealed,
		 "NOT EXISTS (SELECT 1 FROM seal s WHERE s.tbl = '%s' AND s.rid = CAST(%s AS text))",
		 s->tbl, s->key);
	for (int k = 0; k < 2; k++)
		snprintf(k ? next : first, sizeof first,
			 "SELECT CAST(%s AS text), %s, CAST(%lld AS INTEGER), %s FROM %s t WHERE %s"
			 " AND %s ORDER BY %s LIMIT %d",
			 s->key, s->key, (long long)head + 1, s->cols, s->tbl, k ? after : "TRUE",
			 all ? "TRUE" : unsealed, s->key, (int)CHUNK);
	st_stmt *q1 = NULL, *qn = NULL;
	if ((rc = st_prepare_once(db, first, &q1)) == ST_OK)
		rc = st_prepare_once(db, next, &qn);
	if (rc != ST_OK) {
		st_finalize(q1);
		return st_error(db, rc, e);
	}
	size_t tl = strlen(tbl);
	size_t cap = (size_t)CHUNK * (tl + 2 * 128 + 100);
	char *buf = malloc(cap);
	char last[128] = "";
	int r = buf ? BZJ_OK : bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	for (bool more = true; !r && more;) {
		st_stmt *q = last[0] ? qn : q1;
		if (last[0])
			st_bind(q, "t", last);
		size_t n = 0, rows = 0;
		while ((rc = st_step(q)) == ST_ROW) {
			char out[65];
			const char *rid = st_col_text(q, 0);
			st_seal_row(db, s->tbl, q, 1, out);
			if (strlen(rid) >= sizeof last) {
				rc = ST_ERROR;
				break;
			}
			memcpy(buf + n, tbl, tl);
			n += tl;
			buf[n++] = '\t';
			n += copy_field(buf + n, rid);
			n += (size_t)snprintf(buf + n, cap - n, "\t%lld\t%s\n", (long long)head + 1, out);
			snprintf(last, sizeof last, "%s", rid);
			rows++;
		}
		st_reset(q);
		if (rc != ST_DONE) {
			r = st_error(db, rc, e);
			break;
		}
		more = rows == CHUNK;
		if (n && (rc = db->drv->copy_in(db->conn, "COPY seal(tbl, rid, seq, mac) FROM STDIN", buf,
						n, NULL)) != ST_OK)
			r = st_error(db, rc, e);
	}
	free(buf);
	st_finalize(q1);
	st_finalize(qn);
	return r;
}

int st_seal_fixup(bzj_db *db, bzj_err *e)
{
	if (st_is_pg(db))
		return seal_fixup_pg(db, e);
	int64_t head = 0;
	int64_t max = db->seal_max;
	db->seal_max = 0;
	if (max <= 0)
		return BZJ_OK;
	int rc = st_int(db, e, &head, NULL,
			"SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_seq'", NULL);
	if (rc || max <= head)
		return rc;
	char sql[2048];
	/* "s.rid = +key": seal.rid has no type affinity and a table's id is an
	 * INTEGER column; compared as they are, SQLite may not use the seal's
	 * key for rid and scans every seal of the table for each row (17 s on a
	 * 6,000-shop demo's ledger).  The unary + takes the id's affinity away,
	 * so the lookup is (tbl, rid). */
	for (size_t i = 0; i < sizeof sealed_tables / sizeof sealed_tables[0]; i++) {
		const sealed *s = &sealed_tables[i];
		snprintf(sql, sizeof sql,
			 "UPDATE seal AS s SET seq = %lld, mac = COALESCE((SELECT bzj_seal('%s', %s,"
			 " %lld, %s) FROM %s t WHERE %s = s.rid), s.mac)"
			 " WHERE s.tbl = '%s' AND s.seq > %lld",
			 (long long)head, s->tbl, s->key, (long long)head, s->cols, s->tbl, s->key,
			 s->tbl, (long long)head);
		if ((rc = run_rows(db, sql, NULL, NULL, e)))
			return rc;
	}
	db->seal_max = 0;
	return BZJ_OK;
}

typedef struct seal_walk {
	const sealed *s;
	const char *code;
	const char *fmt; /* %s what, %s key, %s detail */
	bzj_store_problem_fn fn;
	void *ctx;
	int64_t *problems;
} seal_walk;

static int seal_row(void *ctx, const char *a, const char *b)
{
	seal_walk *w = ctx;
	char msg[512];
	snprintf(msg, sizeof msg, _(w->fmt), _(w->s->what), a, b);
	(*w->problems)++;
	return w->fn ? w->fn(w->ctx, w->code, msg) : 0;
}

/* PostgreSQL: each row's seal computed here (no bzj_seal in the server)
 * and compared with the stored one; the same findings as SQLite's query. */
/* PostgreSQL's check of every row's seal (its MAC is computed here, so
 * every row comes to bzj): read through a cursor, SEAL_FETCH rows at a
 * time, since the driver holds a statement's whole result in memory (the
 * ledger and its seals at a million shops: 4 GB).  The check's read
 * transaction keeps the cursor. */
#define SEAL_FETCH 20000
#define STR_(x) #x
#define STR(x) STR_(x)
static int seal_rows_pg(bzj_db *db, const sealed *s, seal_walk *w, bzj_err *e)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
		 "DECLARE bzj_seal_rows NO SCROLL CURSOR FOR"
		 " SELECT CAST(%s AS text), s.mac, s.seq, %s, s.seq, %s FROM %s t LEFT JOIN seal s"
		 " ON s.tbl = '%s' AND s.rid = CAST(%s AS text)",
		 s->key, s->key, s->cols, s->tbl, s->tbl, s->key);
	/* every row is read: plan for all of them (a cursor's plan is for the
	 * first tenth by default: index lookups instead of one hash join) */
	int rc = db->drv->exec(db->conn, "SET LOCAL cursor_tuple_fraction = 1.0");
	if (rc == ST_OK)
		rc = db->drv->exec(db->conn, sql);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	st_stmt *st = NULL;
	rc = st_prepare_once(db, "FETCH " STR(SEAL_FETCH) " FROM bzj_seal_rows", &st);
	bool stop = false;
	for (int got = SEAL_FETCH; rc == ST_OK && got == SEAL_FETCH && !stop;) {
		got = 0;
		while (!stop && (rc = st_step(st)) == ST_ROW) {
			got++;
			const char *have = st_col_text(st, 1);
			char m[65], key[128], detail[256];
			st_text(st, 0, key, sizeof key);
			if (have) {
				st_seal_row(db, s->tbl, st, 3, m);
				if (!strcmp(have, m))
					continue;
				snprintf(detail, sizeof detail,
					 "its values are not those sealed with audit record %lld",
					 (long long)st_col_int(st, 2));
			} else
				snprintf(detail, sizeof detail, "no seal");
			stop = seal_row(w, key, detail) != 0;
		}
		if (rc == ST_DONE || rc == ST_ROW)
			rc = ST_OK;
		st_reset(st);
	}
	st_finalize(st);
	int c = db->drv->exec(db->conn, "CLOSE bzj_seal_rows");
	if (rc == ST_OK)
		rc = c;
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

int bzj_store_seal_check(bzj_db *db, bzj_store_problem_fn fn, void *ctx, int64_t *problems,
			 bzj_err *e)
{
	bool pg = st_is_pg(db);
	char keyj[256];
	char sql[2048];
	/* "s.rid = +key": seal.rid has no type affinity and a table's id is an
	 * INTEGER column; compared as they are, SQLite may not use the seal's
	 * key for rid and scans every seal of the table for each row (17 s on a
	 * 6,000-shop demo's ledger).  The unary + takes the id's affinity away,
	 * so the lookup is (tbl, rid). */
	for (size_t i = 0; i < sizeof sealed_tables / sizeof sealed_tables[0]; i++) {
		const sealed *s = &sealed_tables[i];
		seal_walk w = {s, "check.seal", NULL, fn, ctx, problems};
		/* a row without its seal, or whose values are not the sealed ones */
		w.fmt = N_("%s %s: %s; it was written or changed outside bzj");
		/* seal.rid against the row's key: text in PostgreSQL */
		snprintf(keyj, sizeof keyj, pg ? "CAST(%s AS text)" : "+%s", s->key);
		int rc = pg ? seal_rows_pg(db, s, &w, e) : BZJ_OK;
		if (!pg) {
		snprintf(sql, sizeof sql,
			 "SELECT %s, CASE WHEN s.mac IS NULL THEN 'no seal'"
			 " ELSE 'its values are not those sealed with audit record ' || s.seq END"
			 " FROM %s t LEFT JOIN seal s ON s.tbl = '%s' AND s.rid = +%s"
			 " WHERE s.mac IS NULL OR s.mac <> bzj_seal('%s', %s, s.seq, %s)",
			 s->key, s->tbl, s->tbl, s->key, s->tbl, s->key, s->cols);
		rc = run_rows(db, sql, seal_row, &w, e);
		}
		/* a seal without its row: the row was deleted */
		w.code = "check.seal_orphan";
		w.fmt = N_("%s %s: sealed with audit record %s but gone; it was deleted outside "
			   "bzj");
		snprintf(sql, sizeof sql,
			 "SELECT s.rid, s.seq FROM seal s WHERE s.tbl = '%s'"
			 " AND NOT EXISTS (SELECT 1 FROM %s t WHERE %s = s.rid)",
			 s->tbl, s->tbl, pg ? keyj : s->key);
		if (!rc)
			rc = run_rows(db, sql, seal_row, &w, e);
		/* the audit record a change belongs to must exist and be about
		 * the same shop (or about no one shop: imports, recompute) */
		w.code = "check.seal_audit";
		w.fmt = N_("%s %s: %s");
		snprintf(sql, sizeof sql,
			 "SELECT %s, 'its last change names audit record ' || s.seq ||"
			 " CASE WHEN a.seq IS NULL THEN ', which does not exist'"
			 " ELSE ', which is about shop ' || a.shop_id END"
			 " FROM %s t JOIN seal s ON s.tbl = '%s' AND s.rid = %s"
			 " LEFT JOIN audit a ON a.seq = s.seq"
			 " WHERE s.seq > 0 AND (a.seq IS NULL%s%s%s)",
			 s->key, s->tbl, s->tbl, keyj, s->shop ? " OR (a.shop_id IS NOT NULL AND a.shop_id <> " : "",
			 s->shop ? s->shop : "", s->shop ? ")" : "");
		if (!rc)
			rc = run_rows(db, sql, seal_row, &w, e);
		if (rc)
			return rc;
	}
	return BZJ_OK;
}

/* Every (name, text) row of st into *out (two strings a row, *n counts
 * strings); ST_DONE, or the step's error or ST_NOMEM. */
static int schema_pairs(st_stmt *st, char ***out, int *n)
{
	int rc, cap = 0;
	while ((rc = st_step(st)) == ST_ROW) {
		if (*n + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			char **g = realloc(*out, (size_t)cap * sizeof *g);
			if (!g) {
				rc = ST_NOMEM;
				break;
			}
			*out = g;
		}
		const char *nm = st_col_text(st, 0);
		const char *tx = st_col_text(st, 1);
		(*out)[(*n)++] = strdup(nm ? nm : "");
		(*out)[(*n)++] = strdup(tx ? tx : "");
	}
	for (int i = 0; i < *n; i++)
		if (!(*out)[i])
			rc = ST_NOMEM;
	return rc;
}

/* The schema as bzj makes it against the schema in the file: a dropped,
 * changed or added trigger, table, index or view is a problem. */
typedef struct schema_row {
	char *name, *text;
} schema_row;

static int schema_read(bzj_db *db, char ***out, int *n)
{
	st_stmt *st = NULL;
	*out = NULL;
	*n = 0;
	int rc = st_prepare_once(db,
				 "SELECT name, type || ' ' || name || ' on ' || tbl_name || ': ' ||"
				 " COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE"
				 " 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
				 &st);
	if (rc != ST_OK)
		return rc;
	rc = schema_pairs(st, out, n);
	st_finalize(st);
	return rc == ST_DONE ? ST_OK : rc;
}

/* PostgreSQL: the objects of schema ?1 from pg_catalog, one (name, text)
 * pair each, the schema's name as the definitions print it (?2: the
 * schema's own, or `pg_temp` for the temporary schema) taken out so that
 * the database's schema and the expected one (built in a schema of its
 * own, store.c st_schema_expected_pg) compare equal.  An extension's own
 * functions (pg_trgm's, which schemas v23 to v26 used, when it lives in
 * the same schema) are not bzj's schema. */
#define PG_UNQ(x) "replace(" x ", quote_ident(?2) || '.', '')"
static const char pg_schema_sql[] =
	"SELECT 'table ' || c.relname, 'table ' || c.relname || ': ' || string_agg(a.attname"
	" || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN"
	" ' not null' ELSE '' END || CASE WHEN a.attidentity <> '' THEN ' identity' ELSE ''"
	" END || COALESCE(' default ' || " PG_UNQ("pg_get_expr(d.adbin, d.adrelid)") ", ''),"
	" ', ' ORDER BY a.attnum) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
	" LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
	" WHERE n.nspname = ?1 AND c.relkind = 'r' GROUP BY c.relname"
	" UNION ALL SELECT 'index ' || c.relname, " PG_UNQ("pg_get_indexdef(c.oid)")
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = ?1 AND c.relkind = 'i'"
	" UNION ALL SELECT 'constraint ' || t.relname || '.' || k.conname, "
	PG_UNQ("pg_get_constraintdef(k.oid)")
	" FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid"
	" JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ?1"
	" UNION ALL SELECT 'trigger ' || g.tgname || ' on ' || t.relname, "
	PG_UNQ("pg_get_triggerdef(g.oid)")
	" FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid"
	" JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ?1 AND NOT g.tgisinternal"
	" UNION ALL SELECT 'function ' || p.proname || '(' ||"
	" pg_get_function_identity_arguments(p.oid) || ')', " PG_UNQ("pg_get_functiondef(p.oid)")
	" FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?1"
	" AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_proc'::regclass"
	" AND x.objid = p.oid AND x.deptype = 'e')"
	" ORDER BY 1";
#undef PG_UNQ

int st_schema_of_pg(bzj_db *db, const char *schema, const char *printed, char ***out, int *n,
		    bzj_err *e)
{
	*out = NULL;
	*n = 0;
	st_stmt *st = st_prep(db, pg_schema_sql, e);
	if (!st)
		return e ? e->rc : BZJ_EIO;
	st_bind(st, "tt", schema, printed);
	int rc = schema_pairs(st, out, n);
	st_reset(st);
	if (rc != ST_DONE) {
		st_schema_free(*out, *n);
		*out = NULL;
		*n = 0;
		return st_error(db, rc, e);
	}
	return BZJ_OK;
}

void st_schema_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int st_schema_of(bzj_db *db, char ***out, int *n, bzj_err *e)
{
	int rc = schema_read(db, out, n);
	if (rc != ST_OK) {
		st_schema_free(*out, *n);
		*out = NULL;
		*n = 0;
		return st_error(db, rc, e);
	}
	return BZJ_OK;
}

static int problem(bzj_store_problem_fn fn, void *ctx, int64_t *problems, const char *fmt,
		   const char *name, const char *detail)
{
	char msg[768];
	snprintf(msg, sizeof msg, fmt, name, detail);
	(*problems)++;
	return fn ? fn(ctx, "check.schema", msg) : 0;
}

int bzj_store_schema_check(bzj_db *db, bzj_store_problem_fn fn, void *ctx, int64_t *problems,
			   bzj_err *e)
{
	char **want = NULL, **have = NULL;
	int nw = 0, nh = 0;
	int rc;
	if (st_is_pg(db)) {
		char cur[128] = "";
		rc = st_schema_expected_pg(db, &want, &nw, e);
		st_stmt *st = rc ? NULL : st_prep(db, "SELECT current_schema()", e);
		if (st && st_step(st) == ST_ROW)
			st_text(st, 0, cur, sizeof cur);
		if (st)
			st_reset(st);
		if (!rc)
			rc = st_schema_of_pg(db, cur, cur, &have, &nh, e);
	} else {
		rc = st_schema_expected(&want, &nw, e);
		if (!rc)
			rc = st_schema_of(db, &have, &nh, e);
	}
	for (int i = 0; !rc && i < nw; i += 2) {
		int j = 0;
		while (j < nh && strcmp(want[i], have[j]) != 0)
			j += 2;
		if (j >= nh) {
			if (problem(fn, ctx, problems, _("%s is missing (%.200s): dropped outside bzj"),
				    want[i], want[i + 1]))
				break;
		} else if (strcmp(want[i + 1], have[j + 1]) != 0) {
			if (problem(fn, ctx, problems,
				    _("%s is not what bzj creates (%.300s): changed outside bzj"),
				    want[i], have[j + 1]))
				break;
		}
	}
	for (int j = 0; !rc && j < nh; j += 2) {
		int i = 0;
		while (i < nw && strcmp(want[i], have[j]) != 0)
			i += 2;
		if (i >= nw &&
		    problem(fn, ctx, problems, _("%s was not created by bzj (%.300s)"), have[j],
			    have[j + 1]))
			break;
	}
	st_schema_free(want, nw);
	st_schema_free(have, nh);
	return rc;
}
