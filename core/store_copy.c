/* store_copy.c - `bzj copy`: a whole SQLite database into a new
 * PostgreSQL one (issue 16: a platform moving bzj onto its cluster brings
 * its ledger, audit chain and seals along).
 *
 * The rows are copied as they are, never re-derived: the ledger, the audit
 * chain and the row seals keep their ids, seqs and MACs, so the chain and
 * the seals verify on the target exactly as they did on the source, and a
 * row changed on the source before the copy shows on the target too.  The
 * caller holds a read snapshot of the source and the target's write
 * transaction, which runs as the demo's bulk path does on PostgreSQL
 * (store_demo.c st_pg_bulk_ddl): the user triggers of every table
 * disabled (the guards, the pending seals, the search postings, the change
 * counter), the plain indexes and the foreign keys dropped and made again
 * at the end (the keys then checked by one query each).  In between:
 *  - the rows `bzj init` wrote into the target (its calendar, standards,
 *    settings record, first audit record and their seals) are deleted;
 *  - every table of the source (its search tables aside: FTS5's and the
 *    bigrams, which are SQLite's own) is read once and sent by COPY, the
 *    columns by name (the source's order; the shop's rowid, which
 *    PostgreSQL keeps as a column, from SQLite's rowid);
 *  - every table is read back from the target by the server's own COPY
 *    ... TO (streamed, never held) and compared with what was read from
 *    the source: the row count and two sums of a 64-bit hash of each
 *    row's line in COPY's text format, so a value that did not arrive
 *    byte for byte (a character set, a truncation, a type) fails the copy;
 *  - the identity sequences are set past the highest id copied, and the
 *    bigram and trigram postings are built from the shops.
 * Anything that fails rolls the target's transaction back: the target is
 * then as `bzj init` left it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

/* Tables the target has and the source does not copy: PostgreSQL's own
 * (the change counter, the trigram postings) and the bigrams, which are
 * built from the shops on the target. */
static const char *const target_only[] = {"bzj_dv", "shop_tri", "shop_gram"};

/* COPY text sent at a time. */
#define COPY_CHUNK (8u << 20)

/* FNV-1a of one row's line. */
static uint64_t line_hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* The current row of st as one line of COPY's text format (NULL: \N),
 * appended to b; its hash. */
static uint64_t row_line(st_stmt *st, int ncol, st_buf *b)
{
	size_t start = b->n;
	for (int i = 0; i < ncol; i++) {
		if (i)
			st_buf_put(b, "\t", 1);
		if (st_col_null(st, i))
			st_buf_put(b, "\\N", 2);
		else
			st_buf_field(b, st_col_text(st, i));
	}
	st_buf_put(b, "\n", 1);
	return b->oom ? 0 : line_hash(b->p + start, b->n - start);
}

/* A name bzj's schema could have: [a-z0-9_]. */
static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* The strings of a one-column query (names). */
typedef struct names {
	char **v;
	int n, cap;
} names;

static void names_free(names *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static bool names_has(const names *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static int names_of(bzj_db *db, const char *sql, names *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	st_stmt *st = NULL;
	int rc = st_prepare_once(db, sql, &st);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	while ((rc = st_step(st)) == ST_ROW) {
		const char *t = st_col_text(st, 0);
		if (out->n == out->cap) {
			int cap = out->cap ? 2 * out->cap : 32;
			char **v = realloc(out->v, (size_t)cap * sizeof *v);
			if (!v)
				break;
			out->v = v;
			out->cap = cap;
		}
		if (!(out->v[out->n] = strdup(t ? t : "")))
			break;
		out->n++;
	}
	st_finalize(st);
	if (rc == ST_DONE)
		return BZJ_OK;
	names_free(out);
	return rc == ST_ROW ? bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"))
			    : st_error(db, rc, e);
}

/* Statements built here at run time: never through st_prep/st_exec/st_int,
 * whose cache knows a statement by its SQL's address. */
static int dyn_exec(bzj_db *db, const char *sql, bzj_err *e)
{
	int rc = db->drv->exec(db->conn, sql);
	return rc == ST_OK ? BZJ_OK : st_error(db, rc, e);
}

static int dyn_int(bzj_db *db, const char *sql, int64_t *out, bzj_err *e)
{
	st_stmt *st = NULL;
	int rc = st_prepare_once(db, sql, &st);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	*out = 0;
	if ((rc = st_step(st)) == ST_ROW)
		*out = st_col_int(st, 0);
	st_finalize(st);
	return rc == ST_ROW || rc == ST_DONE ? BZJ_OK : st_error(db, rc, e);
}

static const char SRC_TABLES[] =
	"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" AND name NOT LIKE 'shop\\_fts%' ESCAPE '\\' AND name <> 'shop_gram' ORDER BY name";
static const char DST_TABLES[] =
	"SELECT c.relname FROM pg_class c WHERE c.relnamespace = CAST(current_schema() AS regnamespace)"
	" AND c.relkind = 'r' ORDER BY 1";

int bzj_store_copy_target_state(bzj_db *dst, char *why, size_t n, bzj_err *e)
{
	*why = 0;
	if (!st_is_pg(dst))
		return BZJ_OK;
	names t;
	int rc = names_of(dst, DST_TABLES, &t, e);
	/* what `bzj init` writes: the calendar, the standards, the settings
	 * record, the first audit record and their seals, the counters */
	static const char *const init_fills[] = {"meta",     "calendar_year", "calendar_day",
						 "standard", "settings",      "seal",
						 "shop_total", "bzj_dv",      "audit"};
	for (int i = 0; !rc && i < t.n && !*why; i++) {
		bool filled = false;
		for (size_t k = 0; k < sizeof init_fills / sizeof init_fills[0]; k++)
			filled |= !strcmp(t.v[i], init_fills[k]);
		if (filled && strcmp(t.v[i], "audit"))
			continue;
		if (!plain_name(t.v[i]))
			continue;
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 2) AS x", t.v[i]);
		int64_t c = 0;
		rc = dyn_int(dst, sql, &c, e);
		if (!rc && c > (filled ? 1 : 0))
			snprintf(why, n,
				 filled ? _("its audit log has records other than `bzj init`'s")
					: _("its table %s has rows"),
				 t.v[i]);
	}
	names_free(&t);
	return rc;
}

/* One table's digest: rows and two sums of the rows' hashes. */
typedef struct digest {
	int64_t rows;
	uint64_t a, b;
} digest;

static void digest_add(digest *d, uint64_t h)
{
	d->rows++;
	d->a += h;
	d->b += (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull;
}

/* The source's columns of `t` in order, as a select list and a column
 * list (with the shop's rowid when the target keeps it as a column); an
 * error names a column the target lacks or has besides. */
static int columns(bzj_db *src, bzj_db *dst, const char *t, char **sel, char **cols, bzj_err *e)
{
	char sql[512];
	names s, d;
	snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", t);
	int rc = names_of(src, sql, &s, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql,
		 "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = CAST('%s' AS regclass)"
		 " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
		 t);
	if ((rc = names_of(dst, sql, &d, e))) {
		names_free(&s);
		return rc;
	}
	bool rowid = false;
	for (int i = 0; !rc && i < s.n; i++)
		if (!names_has(&d, s.v[i]) || !plain_name(s.v[i]))
			rc = bzj_fail(e, BZJ_ERULE, "copy.schema",
				      _("the source's table %s has a column %s that the target's "
					"has not; both must be at the same schema version"),
				      t, s.v[i]);
	for (int i = 0; !rc && i < d.n; i++)
		if (!names_has(&s, d.v[i])) {
			if (!strcmp(d.v[i], "rowid") && !strcmp(t, "shop"))
				rowid = true;
			else
				rc = bzj_fail(e, BZJ_ERULE, "copy.schema",
					      _("the target's table %s has a column %s that the "
						"source's has not; both must be at the same schema "
						"version"),
					      t, d.v[i]);
		}
	size_t len = 16;
	for (int i = 0; i < s.n; i++)
		len += strlen(s.v[i]) + 4;
	*sel = rc ? NULL : malloc(len);
	*cols = rc ? NULL : malloc(len);
	if (!rc && (!*sel || !*cols))
		rc = bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	if (!rc) {
		/* "user" is a reserved word in PostgreSQL: every name quoted */
		size_t a = 0, b = 0;
		if (rowid) {
			a += (size_t)snprintf(*sel + a, len - a, "rowid");
			b += (size_t)snprintf(*cols + b, len - b, "\"rowid\"");
		}
		for (int i = 0; i < s.n; i++) {
			a += (size_t)snprintf(*sel + a, len - a, "%s\"%s\"", a ? "," : "", s.v[i]);
			b += (size_t)snprintf(*cols + b, len - b, "%s\"%s\"", b ? "," : "", s.v[i]);
		}
	}
	if (rc) {
		free(*sel);
		free(*cols);
		*sel = *cols = NULL;
	}
	names_free(&s);
	names_free(&d);
	return rc;
}

/* Read `sql` on the source, each row's line sent to dst by `copy`; the
 * digest of the lines in *d. */
static int stream(bzj_db *db, const char *sql, bzj_db *dst, const char *copy, digest *d,
		  bzj_store_copy_fn fn, void *ctx, int64_t *done, bzj_err *e)
{
	memset(d, 0, sizeof *d);
	st_stmt *st = NULL;
	int rc = st_prepare_once(db, sql, &st);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	st_buf b = {0};
	int r = BZJ_OK;
	while (!r && (rc = st_step(st)) == ST_ROW) {
		/* after the step: a server's statement has no columns before */
		digest_add(d, row_line(st, st_col_count(st), &b));
		if (b.oom)
			break;
		if (b.n >= COPY_CHUNK) {
			int x = dst->drv->copy_in(dst->conn, copy, b.p, b.n, NULL);
			b.n = 0;
			if (x != ST_OK)
				r = st_error(dst, x, e);
		}
		if (!r && fn && ++*done % 65536 == 0)
			r = fn(ctx, *done, e);
	}
	st_finalize(st);
	if (!r && b.oom)
		r = bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	if (!r && rc != ST_DONE && rc != ST_ROW)
		r = st_error(db, rc, e);
	if (!r && b.n) {
		int x = dst->drv->copy_in(dst->conn, copy, b.p, b.n, NULL);
		if (x != ST_OK)
			r = st_error(dst, x, e);
	}
	free(b.p);
	return r;
}

/* The target's rows of `sql` through the server's own COPY ... TO (no
 * result held in memory), each line hashed as row_line hashes it. */
typedef struct readback {
	digest d;
	bzj_store_copy_fn fn;
	void *ctx;
	int64_t *done;
	bzj_err *e;
	int rc;
} readback;

static int readback_line(void *ctx, const char *line, size_t len)
{
	readback *rb = ctx;
	digest_add(&rb->d, line_hash(line, len));
	if (rb->fn && ++*rb->done % 65536 == 0)
		rb->rc = rb->fn(rb->ctx, *rb->done, rb->e);
	return rb->rc;
}

static int read_back(bzj_db *dst, const char *sql, digest *d, bzj_store_copy_fn fn, void *ctx,
		     int64_t *done, bzj_err *e)
{
	size_t n = strlen(sql) + 32;
	char *q = malloc(n);
	if (!q)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	snprintf(q, n, "COPY (%s) TO STDOUT", sql);
	readback rb = {{0, 0, 0}, fn, ctx, done, e, BZJ_OK};
	int rc = dst->drv->copy_out(dst->conn, q, readback_line, &rb);
	free(q);
	*d = rb.d;
	if (rb.rc)
		return rb.rc;
	return rc == ST_OK ? BZJ_OK : st_error(dst, rc, e);
}

int bzj_store_copy_rows(bzj_db *src, int64_t *rows, bzj_err *e)
{
	*rows = 0;
	names t;
	int rc = names_of(src, SRC_TABLES, &t, e);
	for (int i = 0; !rc && i < t.n; i++) {
		char sql[160];
		int64_t c = 0;
		if (!plain_name(t.v[i]))
			continue;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t.v[i]);
		if (!(rc = dyn_int(src, sql, &c, e)))
			*rows += c;
	}
	names_free(&t);
	return rc;
}

/* Set each identity sequence of dst past the highest value copied. */
static int sequences(bzj_db *dst, bzj_err *e)
{
	names t;
	int rc = names_of(dst,
			  "SELECT table_name || '.' || column_name FROM information_schema.columns"
			  " WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1",
			  &t, e);
	for (int i = 0; !rc && i < t.n; i++) {
		char *dot = strchr(t.v[i], '.');
		if (!dot)
			continue;
		*dot = 0;
		if (!plain_name(t.v[i]) || !plain_name(dot + 1))
			continue;
		char sql[512];
		snprintf(sql, sizeof sql,
			 "SELECT setval(pg_get_serial_sequence('%s', '%s'),"
			 " COALESCE((SELECT max(\"%s\") FROM %s), 0) + 1, false)",
			 t.v[i], dot + 1, dot + 1, t.v[i]);
		rc = dyn_exec(dst, sql, e);
	}
	names_free(&t);
	return rc;
}

int bzj_store_copy(bzj_db *src, bzj_db *dst, bzj_store_copy_table *out, int max, int *nout,
		   bzj_store_copy_fn fn, void *ctx, bzj_err *e)
{
	*nout = 0;
	if (st_is_pg(src) || !st_is_pg(dst) || !dst->drv->copy_in || !dst->drv->copy_out)
		return bzj_fail(e, BZJ_EINPUT, "copy.kind",
				_("copy goes from an SQLite database file into a PostgreSQL "
				  "database"));
	names s, d;
	int rc = names_of(src, SRC_TABLES, &s, e);
	if (rc)
		return rc;
	if ((rc = names_of(dst, DST_TABLES, &d, e))) {
		names_free(&s);
		return rc;
	}
	for (int i = 0; !rc && i < s.n; i++)
		if (!plain_name(s.v[i]) || !names_has(&d, s.v[i]))
			rc = bzj_fail(e, BZJ_ERULE, "copy.schema",
				      _("the source has a table %s that the target has not; both "
					"must be at the same schema version"),
				      s.v[i]);
	for (int i = 0; !rc && i < d.n; i++) {
		bool ours = false;
		for (size_t k = 0; k < sizeof target_only / sizeof target_only[0]; k++)
			ours |= !strcmp(d.v[i], target_only[k]);
		if (!ours && !names_has(&s, d.v[i]))
			rc = bzj_fail(e, BZJ_ERULE, "copy.schema",
				      _("the target has a table %s that the source has not; both "
					"must be at the same schema version"),
				      d.v[i]);
	}
	if (!rc && s.n > max)
		rc = bzj_fail(e, BZJ_EIO, "copy.schema", _("too many tables (%d)"), s.n);
	/* every table but the change counter: altered, emptied, filled */
	const char **all = rc ? NULL : calloc((size_t)d.n, sizeof *all);
	int nall = 0;
	if (!rc && !all)
		rc = bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	for (int i = 0; !rc && i < d.n; i++)
		if (strcmp(d.v[i], "bzj_dv") && plain_name(d.v[i]))
			all[nall++] = d.v[i];
	int64_t owned = 0;
	if (!rc)
		rc = st_int(dst, e, &owned, NULL,
			    "SELECT count(*) FROM pg_class c WHERE c.relnamespace ="
			    " CAST(current_schema() AS regnamespace) AND c.relkind = 'r'"
			    " AND NOT pg_has_role(c.relowner, 'USAGE')",
			    NULL);
	if (!rc && owned)
		rc = bzj_fail(e, BZJ_EPERM, "copy.owner",
			      _("copying into PostgreSQL needs the schema's owner (the login "
				"`bzj init` ran as): %lld of its tables belong to another role"),
			      (long long)owned);
	if (!rc)
		rc = st_exec(dst, e, "SET LOCAL work_mem = '128MB'", NULL);
	if (!rc)
		rc = st_exec(dst, e, "SET LOCAL maintenance_work_mem = '256MB'", NULL);
	if (!rc)
		rc = st_pg_bulk_ddl(dst, all, (size_t)nall, true, e);
	/* what `bzj init` wrote; the schema's version stays */
	for (int i = 0; !rc && i < nall; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "DELETE FROM %s%s", all[i],
			 strcmp(all[i], "meta") ? "" : " WHERE key <> 'schema_version'");
		rc = dyn_exec(dst, sql, e);
	}
	int64_t done = 0;
	for (int i = 0; !rc && i < s.n; i++) {
		char *sel = NULL, *cols = NULL;
		if ((rc = columns(src, dst, s.v[i], &sel, &cols, e)))
			break;
		size_t qn = strlen(sel) + strlen(cols) + 128;
		char *q = malloc(qn), *copy = malloc(qn);
		if (!q || !copy)
			rc = bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
		digest a = {0, 0, 0}, b = {0, 0, 0};
		if (!rc) {
			snprintf(q, qn, "SELECT %s FROM \"%s\"", sel, s.v[i]);
			snprintf(copy, qn, "COPY %s(%s) FROM STDIN", s.v[i], cols);
			rc = stream(src, q, dst, copy, &a, fn, ctx, &done, e);
		}
		if (!rc) {
			/* the same columns read back, in the same text */
			snprintf(q, qn, "SELECT %s FROM %s%s", cols, s.v[i],
				 strcmp(s.v[i], "meta") ? "" : " WHERE key <> 'schema_version'");
			rc = read_back(dst, q, &b, fn, ctx, &done, e);
		}
		if (!rc && (a.rows != b.rows || a.a != b.a || a.b != b.b))
			rc = bzj_fail(e, BZJ_EIO, "copy.verify",
				      _("table %s: %lld rows read from the source, %lld on the target, "
					"and they differ: nothing was copied"),
				      s.v[i], (long long)a.rows, (long long)b.rows);
		if (!rc) {
			snprintf(out[*nout].name, sizeof out[*nout].name, "%s", s.v[i]);
			out[(*nout)++].rows = a.rows;
		}
		free(q);
		free(copy);
		free(sel);
		free(cols);
	}
	if (!rc)
		rc = sequences(dst, e);
	/* the search postings from the shops, as demo_pg_end builds them */
	if (!rc)
		rc = st_exec(dst, e, SHOP_GRAM_FILL_PG, NULL);
	if (!rc)
		rc = st_exec(dst, e, SHOP_TRI_FILL, NULL);
	if (!rc)
		rc = st_pg_bulk_ddl(dst, all, (size_t)nall, false, e);
	free(all);
	names_free(&s);
	names_free(&d);
	return rc;
}
