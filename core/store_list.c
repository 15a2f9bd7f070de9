/* store_list.c - the shop list: filters, search and keyset pagination.
 * Pages are fetched by (sort key, id) cursors over indexes, never OFFSET;
 * search uses the FTS5 trigram index for 3+ characters. */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

static const char *const sort_col[BZJ_SORT_COUNT] = {"id", "name", "required_fen", "balance_fen"};

typedef struct sqlbuf {
	char s[2048];
	size_t n;
} sqlbuf;

static void sb_add(sqlbuf *b, const char *t)
{
	size_t l = strlen(t);
	if (b->n + l < sizeof b->s) {
		memcpy(b->s + b->n, t, l + 1);
		b->n += l;
	}
}

/* Number of UTF-8 characters in s. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The term as one FTS5 phrase: wrapped in quotes, quotes doubled. */
static void fts_phrase(const char *t, char *out, size_t n)
{
	size_t j = 0;
	if (n < 4)
		return;
	out[j++] = '"';
	for (; *t && j + 3 < n; t++) {
		if (*t == '"')
			out[j++] = '"';
		out[j++] = *t;
	}
	out[j++] = '"';
	out[j] = 0;
}

typedef struct qparts {
	sqlbuf where;
	char term[512]; /* FTS phrase, or the lower-cased gram */
	char low[512];	/* the lower-cased term, for substring tests */
	char idlo[64];	/* id prefix range */
} qparts;

/* ASCII lower case, as SQLite's lower() that built the gram index. */
static void ascii_lower(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = 0;
}

/* Below this many candidates a search is driven by its index (look the
 * few rows up, then sort them); above it the rows are read in display
 * order and each is tested, which fills a page of matches at once. */
#define DENSE 2000

static const char *const sz_sql[] = {
	/* 1 character: grams starting with it */
	"SELECT count(*) FROM (SELECT 1 FROM shop_gram WHERE gram >= ?1"
	" AND gram < ?1 || char(1114111) LIMIT ?2)",
	/* 2 characters: that gram */
	"SELECT count(*) FROM (SELECT 1 FROM shop_gram WHERE gram = ?1 LIMIT ?2)",
	/* 3 or more: trigram matches */
	"SELECT count(*) FROM (SELECT 1 FROM shop_fts WHERE shop_fts MATCH ?1 LIMIT ?2)",
	/* ids with the prefix */
	"SELECT count(*) FROM (SELECT 1 FROM shop WHERE id >= ?1"
	" AND id < ?1 || char(1114111) LIMIT ?2)",
};

/* How many candidates a term has, up to `cap`. */
static int64_t candidates(bzj_db *db, int which, const char *term, int64_t cap)
{
	int64_t n = cap;
	sqlite3_stmt *st = st_prep(db, sz_sql[which], NULL);
	if (!st)
		return cap;
	st_bind(st, "ti", term, cap);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void build_search(bzj_db *db, const char *search, qparts *p)
{
	size_t nch = utf8_chars(search);
	int which = nch >= 3 ? 2 : (int)nch - 1;
	ascii_lower(search, p->low, sizeof p->low);
	snprintf(p->idlo, sizeof p->idlo, "%s", search);
	if (which == 2)
		fts_phrase(search, p->term, sizeof p->term);
	else
		snprintf(p->term, sizeof p->term, "%s", p->low);
	int64_t n = candidates(db, which, p->term, DENSE);
	if (n < DENSE)
		n += candidates(db, 3, p->idlo, DENSE);
	static const char *const by_index[] = {
		" AND (rowid IN (SELECT shop_rowid FROM shop_gram"
		" WHERE gram >= :term AND gram < :term || char(1114111))",
		" AND (rowid IN (SELECT shop_rowid FROM shop_gram WHERE gram = :term)",
		" AND (rowid IN (SELECT rowid FROM shop_fts WHERE shop_fts MATCH :term)",
	};
	if (n < DENSE)
		sb_add(&p->where, by_index[which]);
	else if (which == 1)
		sb_add(&p->where, " AND (EXISTS (SELECT 1 FROM shop_gram WHERE gram = :term"
				  " AND shop_rowid = shop.rowid)");
	else
		sb_add(&p->where, " AND (instr(lower(name), :low) > 0"
				  " OR instr(lower(operator_name), :low) > 0"
				  " OR instr(lower(id), :low) > 0");
	sb_add(&p->where, " OR (id >= :idlo AND id < :idlo || char(1114111)))");
}

static void build_where(bzj_db *db, const bzj_shop_query *q, qparts *p)
{
	memset(p, 0, sizeof *p);
	sb_add(&p->where, " WHERE 1");
	if (q->shortfall)
		sb_add(&p->where, " AND restricted = 1");
	if (q->status == BZJ_SHOP_OPEN)
		sb_add(&p->where, " AND status = 1");
	else if (q->status == BZJ_SHOP_CLOSED)
		sb_add(&p->where, " AND status = 2");
	if (q->open_violations)
		sb_add(&p->where, " AND open_violations > 0");
	if (q->refund_in_progress)
		sb_add(&p->where, " AND refund_open > 0");
	if (q->search && *q->search)
		build_search(db, q->search, p);
}

static int bind_named(sqlite3_stmt *st, const qparts *p, const bzj_shop_row *cur, int sort)
{
	int i;
	if ((i = sqlite3_bind_parameter_index(st, ":term")) > 0)
		sqlite3_bind_text(st, i, p->term, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":low")) > 0)
		sqlite3_bind_text(st, i, p->low, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":idlo")) > 0)
		sqlite3_bind_text(st, i, p->idlo, -1, SQLITE_TRANSIENT);
	if (cur && (i = sqlite3_bind_parameter_index(st, ":ckey")) > 0) {
		switch (sort) {
		case BZJ_SORT_NAME:
			sqlite3_bind_text(st, i, cur->name, -1, SQLITE_TRANSIENT);
			break;
		case BZJ_SORT_REQUIRED:
			sqlite3_bind_int64(st, i, cur->required_fen);
			break;
		case BZJ_SORT_BALANCE:
			sqlite3_bind_int64(st, i, cur->balance_fen);
			break;
		default:
			sqlite3_bind_text(st, i, cur->id, -1, SQLITE_TRANSIENT);
		}
	}
	if (cur && (i = sqlite3_bind_parameter_index(st, ":cid")) > 0)
		sqlite3_bind_text(st, i, cur->id, -1, SQLITE_TRANSIENT);
	return SQLITE_OK;
}

static void row_read(sqlite3_stmt *st, bzj_shop_row *r)
{
	memset(r, 0, sizeof *r);
	st_text(st, 0, r->id, sizeof r->id);
	st_text(st, 1, r->name, sizeof r->name);
	st_text(st, 2, r->operator_name, sizeof r->operator_name);
	r->entity = sqlite3_column_int(st, 3);
	r->status = sqlite3_column_int(st, 4);
	r->required_fen = sqlite3_column_int64(st, 5);
	r->balance_fen = sqlite3_column_int64(st, 6);
	r->frozen_fen = sqlite3_column_int64(st, 7);
	r->restricted = sqlite3_column_int(st, 8) != 0;
	r->terminate = sqlite3_column_int(st, 9) != 0;
	r->refund_in_progress = sqlite3_column_int64(st, 10) > 0;
	r->open_violations = sqlite3_column_int(st, 11);
}

int bzj_store_shop_list(bzj_db *db, const bzj_shop_query *q, bzj_shop_row *rows, int max, int *n,
			bzj_err *e)
{
	*n = 0;
	int sort = q->sort >= 0 && q->sort < BZJ_SORT_COUNT ? q->sort : BZJ_SORT_ID;
	const char *col = sort_col[sort];
	/* Walking backward reverses both the comparison and the order. */
	bool down = q->desc != q->backward;
	qparts p;
	build_where(db, q, &p);
	sqlbuf sql = {0};
	sb_add(&sql, "SELECT id, name, operator_name, entity, status, required_fen, balance_fen,"
		     " frozen_fen, restricted, terminate, refund_open, open_violations FROM shop");
	sb_add(&sql, p.where.s);
	char tmp[160];
	if (q->has_cursor) {
		if (sort == BZJ_SORT_ID)
			snprintf(tmp, sizeof tmp, " AND id %s :cid", down ? "<" : ">");
		else
			snprintf(tmp, sizeof tmp, " AND (%s, id) %s (:ckey, :cid)", col,
				 down ? "<" : ">");
		sb_add(&sql, tmp);
	}
	if (sort == BZJ_SORT_ID)
		snprintf(tmp, sizeof tmp, " ORDER BY id %s LIMIT %d", down ? "DESC" : "ASC", max);
	else
		snprintf(tmp, sizeof tmp, " ORDER BY %s %s, id %s LIMIT %d", col,
			 down ? "DESC" : "ASC", down ? "DESC" : "ASC", max);
	sb_add(&sql, tmp);

	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, sql.s, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return st_error(db, rc, e);
	bind_named(st, &p, q->has_cursor ? &q->cursor : NULL, sort);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		row_read(st, &rows[(*n)++]);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_error(db, rc, e);
	if (q->backward) {
		for (int i = 0, j = *n - 1; i < j; i++, j--) {
			bzj_shop_row t = rows[i];
			rows[i] = rows[j];
			rows[j] = t;
		}
	}
	return BZJ_OK;
}

int bzj_store_shop_count(bzj_db *db, const bzj_shop_query *q, const bzj_shop_row *pos_of,
			 int64_t *total, int64_t *pos, bzj_err *e)
{
	int sort = q->sort >= 0 && q->sort < BZJ_SORT_COUNT ? q->sort : BZJ_SORT_ID;
	qparts p;
	build_where(db, q, &p);
	for (int pass = 0; pass < (pos_of ? 2 : 1); pass++) {
		sqlbuf sql = {0};
		sb_add(&sql, "SELECT count(*) FROM (SELECT 1 FROM shop");
		sb_add(&sql, p.where.s);
		if (pass == 1) {
			char tmp[160];
			if (sort == BZJ_SORT_ID)
				snprintf(tmp, sizeof tmp, " AND id %s :cid", q->desc ? ">" : "<");
			else
				snprintf(tmp, sizeof tmp, " AND (%s, id) %s (:ckey, :cid)",
					 sort_col[sort], q->desc ? ">" : "<");
			sb_add(&sql, tmp);
		}
		char lim[40];
		snprintf(lim, sizeof lim, " LIMIT %lld)",
			 q->count_cap > 0 ? (long long)q->count_cap : -1LL);
		sb_add(&sql, lim);
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db->h, sql.s, -1, &st, NULL);
		if (rc != SQLITE_OK)
			return st_error(db, rc, e);
		bind_named(st, &p, pass ? pos_of : NULL, sort);
		rc = sqlite3_step(st);
		int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return st_error(db, rc, e);
		if (pass == 0)
			*total = v;
		else if (pos)
			*pos = v;
	}
	return BZJ_OK;
}
