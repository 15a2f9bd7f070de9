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

/* Search sources.  A search matches a shop whose name or operator contains
 * the term, or whose id starts with it.
 * Each source is a set of rowids from an index (names: shop_gram for 1-2
 * characters, FTS5 trigrams for 3+; ids: the primary key range).  A source
 * with fewer than SRC_SMALL entries is used as a set (then sorted, cheap);
 * a larger one is common enough that walking the list in display order
 * and testing each row finds a page at once, so it becomes a row test.
 * Counting a large source stops at the caller's cap without work. */
#define SRC_SMALL 4000
#define MAX_STREAMS 2

typedef struct qparts {
	sqlbuf where;		    /* filters, and the search when `set` */
	char term[512];		    /* lower-cased term (grams, row tests) */
	char fts[512];		    /* FTS phrase */
	char idlo[64];		    /* id prefix range */
	bool search, set;	    /* a search; all its sources are small sets */
	bool filtered;		    /* any filter besides the search */
	int nstreams;		    /* otherwise: one predicate per source */
	char stream[MAX_STREAMS][400];
	bool big;		    /* some source has SRC_SMALL or more matches */
} qparts;

/* ASCII lower case, as SQLite's lower() that built the gram index. */
static void ascii_lower(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = 0;
}

static bool id_chars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

/* Entries of a source, up to SRC_SMALL. */
static int64_t src_size(bzj_db *db, const char *src, const qparts *p)
{
	char sql[600];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT DISTINCT * FROM (%s) LIMIT %d)",
		 src, SRC_SMALL);
	sqlite3_stmt *st = NULL;
	int64_t n = SRC_SMALL;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return n;
	int i;
	if ((i = sqlite3_bind_parameter_index(st, ":term")) > 0)
		sqlite3_bind_text(st, i, p->term, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":fts")) > 0)
		sqlite3_bind_text(st, i, p->fts, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":idlo")) > 0)
		sqlite3_bind_text(st, i, p->idlo, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void build_where(bzj_db *db, const bzj_shop_query *q, int sort, qparts *p)
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
	p->filtered = q->shortfall || q->status || q->open_violations || q->refund_in_progress;
	if (!q->search || !*q->search)
		return;
	p->search = true;
	size_t nch = utf8_chars(q->search);
	ascii_lower(q->search, p->term, sizeof p->term);
	/* names and operators only: ids are matched by prefix below */
	snprintf(p->fts, sizeof p->fts, "{name operator_name}: ");
	fts_phrase(q->search, p->fts + strlen(p->fts), sizeof p->fts - strlen(p->fts));
	snprintf(p->idlo, sizeof p->idlo, "%s", q->search);
	const char *names = nch == 1 ? "SELECT shop_rowid FROM shop_gram WHERE gram >= :term"
				       " AND gram < :term || char(1114111)"
			    : nch == 2 ? "SELECT shop_rowid FROM shop_gram WHERE gram = :term"
				       : "SELECT rowid FROM shop_fts WHERE shop_fts MATCH :fts";
	const char *names_row = "(instr(lower(name), :term) > 0"
				" OR instr(lower(operator_name), :term) > 0)";
	const char *ids = "SELECT rowid FROM shop WHERE id >= :idlo AND id < :idlo || char(1114111)";
	/* the id range as a row test: an index range in id order, else
	 * (unary +) a test on rows walked in the display order */
	const char *ids_row = sort == BZJ_SORT_ID ? "(id >= :idlo AND id < :idlo || char(1114111))"
						  : "(+id >= :idlo AND +id < :idlo || char(1114111))";
	bool with_ids = id_chars(q->search) && strlen(q->search) < sizeof p->idlo;
	bool names_small = src_size(db, names, p) < SRC_SMALL;
	bool ids_small = !with_ids || src_size(db, ids, p) < SRC_SMALL;
	p->big = !names_small || !ids_small;
	char t[400];
	if (!p->big) {
		p->set = true;
		snprintf(t, sizeof t, " AND rowid IN (%s%s%s)", names, with_ids ? " UNION ALL " : "",
			 with_ids ? ids : "");
		sb_add(&p->where, t);
		return;
	}
	if (names_small)
		snprintf(p->stream[p->nstreams++], sizeof p->stream[0], "rowid IN (%s)", names);
	else
		snprintf(p->stream[p->nstreams++], sizeof p->stream[0], "%s", names_row);
	if (with_ids) {
		if (ids_small)
			snprintf(p->stream[p->nstreams++], sizeof p->stream[0], "rowid IN (%s)", ids);
		else
			snprintf(p->stream[p->nstreams++], sizeof p->stream[0], "%s", ids_row);
	}
}

static int bind_named(sqlite3_stmt *st, const qparts *p, const bzj_shop_row *cur, int sort)
{
	int i;
	if ((i = sqlite3_bind_parameter_index(st, ":term")) > 0)
		sqlite3_bind_text(st, i, p->term, -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(st, ":fts")) > 0)
		sqlite3_bind_text(st, i, p->fts, -1, SQLITE_TRANSIENT);
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
	build_where(db, q, sort, &p);
	char cursor[160] = "", order[160];
	if (q->has_cursor) {
		if (sort == BZJ_SORT_ID)
			snprintf(cursor, sizeof cursor, " AND id %s :cid", down ? "<" : ">");
		else
			snprintf(cursor, sizeof cursor, " AND (%s, id) %s (:ckey, :cid)", col,
				 down ? "<" : ">");
	}
	if (sort == BZJ_SORT_ID)
		snprintf(order, sizeof order, " ORDER BY id %s LIMIT %d", down ? "DESC" : "ASC", max);
	else
		snprintf(order, sizeof order, " ORDER BY %s %s, id %s LIMIT %d", col,
			 down ? "DESC" : "ASC", down ? "DESC" : "ASC", max);
	static const char cols[] = "SELECT id, name, operator_name, entity, status, required_fen,"
				   " balance_fen, frozen_fen, restricted, terminate, refund_open,"
				   " open_violations FROM shop";
	sqlbuf sql = {0};
	if (!p.nstreams) {
		sb_add(&sql, cols);
		sb_add(&sql, p.where.s);
		sb_add(&sql, cursor);
		sb_add(&sql, order);
	} else {
		/* One page from each source in display order, merged. */
		for (int i = 0; i < p.nstreams; i++) {
			sb_add(&sql, i ? " UNION SELECT * FROM (" : "SELECT * FROM (");
			sb_add(&sql, cols);
			sb_add(&sql, p.where.s);
			sb_add(&sql, " AND ");
			sb_add(&sql, p.stream[i]);
			sb_add(&sql, cursor);
			sb_add(&sql, order);
			sb_add(&sql, ")");
		}
		sb_add(&sql, order);
	}

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
	build_where(db, q, sort, &p);
	for (int pass = 0; pass < (pos_of ? 2 : 1); pass++) {
		if (pass == 0 && !p.search && !p.filtered) {
			/* all shops: the counter the shop triggers keep */
			int rc = st_int(db, e, total, NULL, "SELECT n FROM shop_total", NULL);
			if (rc)
				return rc;
			continue;
		}
		if (pass == 0 && p.big && !p.filtered && q->count_cap > 0 &&
		    q->count_cap <= SRC_SMALL) {
			*total = q->count_cap; /* one source alone has that many */
			continue;
		}
		sqlbuf sql = {0};
		sb_add(&sql, "SELECT count(*) FROM (SELECT 1 FROM shop");
		sb_add(&sql, p.where.s);
		for (int i = 0; i < p.nstreams; i++) {
			sb_add(&sql, i ? " OR " : " AND (");
			sb_add(&sql, p.stream[i]);
		}
		if (p.nstreams)
			sb_add(&sql, ")");
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
