/* store_list.c - the shop list: filters, search and keyset pagination.
 * Pages are fetched by (sort key, id) cursors over indexes, never OFFSET;
 * search uses bigram postings in shop-id order and the FTS5 trigram index
 * (on PostgreSQL positional trigram postings, shop_tri). */
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "store_priv.h"

static const char *const sort_col[BZJ_SORT_COUNT] = {"id", "name", "required_fen", "balance_fen"};

typedef struct sqlbuf {
	char s[8192];
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

/* ASCII lower case, as SQLite's lower() that built the gram index. */
static void ascii_lower(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = 0;
}

/* ASCII upper case, as SQLite's upper() that built shop_id_upper. */
static void ascii_upper(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	out[i] = 0;
}

/* A term of digits, without its leading zeros ("" for anything else, and
 * for zeros alone: every number would start with nothing). */
static void id_number(const char *s, char *out, size_t n)
{
	const char *d = s;
	out[0] = 0;
	for (; *d; d++)
		if (*d < '0' || *d > '9')
			return;
	while (*s == '0')
		s++;
	if (strlen(s) < n)
		memcpy(out, s, strlen(s) + 1);
}

static bool id_chars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

/* Search.  A search matches a shop whose name or operator contains the
 * term, or whose id starts with it in any ASCII case (s0000167), or, for
 * a term of digits, whose number starts with the term's digits, leading
 * zeros left out on both sides (167 and 0167 find S0000167, S0001670...;
 * SHOP_ID_NUMBER).  It has up to two sources:
 *  - names: the bigram postings `shop_gram(gram, shop_id)` for 1 or 2
 *    characters; the FTS5 trigram index for 3 or more (on PostgreSQL
 *    the trigram postings shop_tri, below);
 *  - ids: ranges of the indexes on upper(id) and on the number (a set),
 *    or, when large, the primary key walked in order with a row test:
 *    every id that starts with the term in some case lies between the
 *    term in upper case and the term in lower case, so without a number
 *    the walk is a primary-key range.
 * A page is one page from each source in display order, merged (UNION).
 *
 * In id order (the default) no source sorts anything: a 2-character term
 * walks its postings, which are kept in shop-id order, and looks up only
 * the rows it shows; 3 or more characters walk the rarest of the term's
 * bigrams the same way, skip shops missing the next rarest ones without
 * reading their rows (index probes), and test the rest; a rare term (few
 * FTS matches) is fetched as a set instead.  A 1-character term walks its
 * postings as a set when small, else tests the rows in display order (a
 * common character fills a page at once).
 * In another order a small source (under SRC_SMALL shops) is a set that
 * SQLite sorts; a large one is a row test walked in display order.
 * Counting stops at the caller's cap, and without filters it counts index
 * entries, never rows. */
#define SRC_SMALL 4000
/* ids starting with the term in any case; numbers starting with its digits */
#define PREFIX(expr, term) "(" expr " >= " term " AND " expr " < " term " || char(1114111))"
#define ID_UPPER(col) PREFIX("upper(" col ")", ":idup")
#define ID_NUMBER(col) PREFIX(SHOP_ID_NUMBER(col), ":idnum")
#define FTS_SET 200  /* 3+ characters: this few matches are fetched as a set */
#define MAX_PROBES 3 /* bigrams joined per 3+ character walk */
#define MAX_STREAMS 2
#define MAX_TRI 8    /* PostgreSQL: trigrams chained per term (24 characters) */
#define PRED_MAX 1400

typedef struct stream {
	const char *from;
	char pred[PRED_MAX]; /* row test, after the filters */
	const char *key;     /* the shop id the stream walks in order */
	const char *keys;    /* or: the ids as a subquery, ordered and cut to the page
				before their rows are read (from, key, pred unused) */
} stream;

typedef struct qparts {
	sqlbuf where;		     /* the filters */
	char term[512];		     /* lower-cased term (grams, row tests) */
	char fts[512];		     /* FTS phrase */
	char idup[64], idlow[64];    /* the term in upper and lower case (ids) */
	char idnum[64];		     /* a term of digits without leading zeros, or "" */
	char ids_keys[2][400];	     /* the ids matching, as ids and as rowids */
	char gram[MAX_PROBES][16];   /* 3+ characters: bigrams, rarest first */
	char tri[MAX_TRI][16];	     /* PostgreSQL, 3+ characters: trigrams */
	bool search, filtered, with_ids;
	bool big;		     /* some source has SRC_SMALL or more matches */
	bool names_by_id;	     /* names_keys lists ids (else rowids) */
	bool names_dups;	     /* ... and may list a shop more than once */
	int nch, ngram;
	const char *names_keys;	     /* names: the keys of the shops matching */
	char tri_keys[1200];	     /* PostgreSQL, 3+ characters: names_keys */
	char tri_from[1400];	     /* ... and its matches in id order, as a FROM */
	char tri_set[PRED_MAX + 64]; /* ... and as a set, in another order */
	int nmember;		     /* membership tests, for counting */
	char member[MAX_STREAMS][PRED_MAX];
	int nstreams;
	stream stream[MAX_STREAMS];
} qparts;

/* The ids a term matches, from the indexes on upper(id) and the number:
 * as a list of ids (key "id") or of rowids (key "rowid"). */
static void ids_keys(const qparts *p, const char *key, char *out, size_t n)
{
	if (p->idnum[0])
		snprintf(out, n,
			 "SELECT %s FROM shop WHERE " ID_UPPER("id") " UNION SELECT %s FROM shop"
			 " WHERE " ID_NUMBER("id"),
			 key, key);
	else
		snprintf(out, n, "SELECT %s FROM shop WHERE " ID_UPPER("id"), key);
}

static const char from_shop[] = "shop";
static const char from_gram1[] = "shop_gram a CROSS JOIN shop ON shop.id = a.shop_id";
static const char from_gram2[] = "shop_gram a CROSS JOIN shop_gram b CROSS JOIN shop"
				 " ON shop.id = a.shop_id";
static const char from_gram3[] = "shop_gram a CROSS JOIN shop_gram b CROSS JOIN shop_gram c"
				 " CROSS JOIN shop ON shop.id = a.shop_id";
/* PostgreSQL: no ON after CROSS JOIN (SQLite's CROSS JOIN fixes the join
 * order; PostgreSQL's planner orders them itself) */
static const char from_gram1_pg[] = "shop_gram a JOIN shop ON shop.id = a.shop_id";
static const char from_gram2_pg[] = "shop_gram a CROSS JOIN shop_gram b JOIN shop"
				    " ON shop.id = a.shop_id";
static const char from_gram3_pg[] = "shop_gram a CROSS JOIN shop_gram b CROSS JOIN shop_gram c"
				    " JOIN shop ON shop.id = a.shop_id";
/* PostgreSQL, 3 or more characters: the trigram postings
 * shop_tri(gram, shop_id, pos) of schema v27, every 3-character substring
 * of a shop's lower-cased name at its position (the operator name's from
 * 1,000,001 on, so that no match runs from one into the other).  A term
 * is found where its trigrams stand at consecutive positions: the
 * trigrams at offsets 0, 3, 6... and the last one, at those offsets from
 * one position, cover every character of the term, so the match is exact
 * (the same as the row test), and it reads index entries only, never a
 * shop row.  A term longer than MAX_TRI trigrams cover (24 characters)
 * chains its first 24 and tests the rows those find.
 * Why not pg_trgm (schema v23 to v26 used its GIN indexes): a GIN match
 * is a candidate to recheck on its row, and at 1,000,000 shops a
 * 3-character name such as 张秀英 (1,807 shops) read ~1,800 heap pages
 * to count and fetch its set: 67-87 ms when they were not in the
 * server's buffers (the 465 MB shop heap never is in 128 MB of them, and
 * 4 GB of them did worse), 2.3-5.9 ms when they were; the postings'
 * counts took 1.3-8.1 ms with the OS cache cold too (tests/bench/
 * RESULTS.md).  They need no extension and read Chinese under any
 * LC_CTYPE, which pg_trgm did not ("C" cut no trigram from it). */
static bool tri_chain(qparts *p, const char *row_test)
{
	const unsigned char *s = (const unsigned char *)p->term;
	size_t len = strlen(p->term), at[sizeof p->term];
	int k = 0;
	for (size_t i = 0, w; i < len; i += w) {
		if (!(w = bzj_utf8_seq(s + i, len - i)))
			return false; /* not UTF-8: the server refuses it anyway */
		at[k++] = i;
	}
	at[k] = len;
	if (k < 3)
		return false;
	int off[MAX_TRI], m = 0;
	for (int o = 0; o < k - 3 && m < MAX_TRI; o += 3)
		off[m++] = o;
	bool whole = m < MAX_TRI;
	if (whole)
		off[m++] = k - 3;
	char *q = p->tri_keys;
	size_t n = sizeof p->tri_keys, w = 0;
	w += (size_t)snprintf(q + w, n - w, "SELECT a0.shop_id FROM shop_tri a0");
	for (int i = 0; i < m; i++) {
		size_t b = at[off[i]], e = at[off[i] + 3];
		if (e - b >= sizeof p->tri[0])
			return false;
		memcpy(p->tri[i], p->term + b, e - b);
		p->tri[i][e - b] = 0;
		if (i)
			w += (size_t)snprintf(q + w, n > w ? n - w : 0,
					      " JOIN shop_tri a%d ON a%d.gram = :t%d"
					      " AND a%d.shop_id = a0.shop_id AND a%d.pos = a0.pos + %d",
					      i, i, i, i, i, off[i]);
	}
	w += (size_t)snprintf(q + w, n > w ? n - w : 0, "%s WHERE a0.gram = :t0%s%s",
			      whole ? "" : " JOIN shop ON shop.id = a0.shop_id", whole ? "" : " AND ",
			      whole ? "" : row_test);
	if (w >= n)
		return false;
	/* the page in id order: the distinct ids, joined to their rows only
	 * for the page (the cursor and LIMIT reach the subquery) */
	w = (size_t)snprintf(p->tri_from, sizeof p->tri_from,
			     "(SELECT DISTINCT s.shop_id AS sid FROM (%s) AS s) AS m"
			     " JOIN shop ON shop.id = m.sid",
			     p->tri_keys);
	return w < sizeof p->tri_from;
}

static void bind_text(st_stmt *st, const char *name, const char *v)
{
	int i = st_param(st, name);
	if (i > 0)
		st_bind_text(st, i, v);
}

static void bind_terms(st_stmt *st, const qparts *p)
{
	bind_text(st, ":term", p->term);
	bind_text(st, ":fts", p->fts);
	for (int i = 0; i < MAX_TRI && p->tri[i][0]; i++) {
		char name[16];
		snprintf(name, sizeof name, ":t%d", i);
		bind_text(st, name, p->tri[i]);
	}
	bind_text(st, ":idup", p->idup);
	bind_text(st, ":idlow", p->idlow);
	bind_text(st, ":idnum", p->idnum);
	bind_text(st, ":g0", p->gram[0]);
	bind_text(st, ":g1", p->gram[1]);
	bind_text(st, ":g2", p->gram[2]);
}

/* Distinct entries of a source, up to `cap`.  `dups`: the source may
 * list a shop more than once (a 1-character term's postings: every
 * bigram that starts with the character).
 *
 * PostgreSQL: DISTINCT under a LIMIT does not stream there: the planner
 * either hashes every match first or walks the table in key order to
 * feed a Unique node (at 1,000,000 shops a digit's number range took
 * 330 ms, scanning 92,000 rows by rowid, and a common character's
 * postings 80-200 ms).  So a source without duplicates is counted as it
 * is (its index range, stopped at cap), and one with duplicates by its
 * first 2 × cap entries, counted raw and distinct in one pass: fewer
 * than that many, and the distinct count is exact; else it settles the
 * question unless they are crowded with duplicates (then the full
 * distinct count).  (Two statements before, raw then distinct, over the
 * same range: a 1-character keystroke's sizes cost 3.1 + 4.7 ms.) */
static int64_t src_count2(bzj_db *db, const char *fmt, const char *src, const qparts *p,
			  int64_t cap, int64_t fallback, int64_t *second)
{
	char sql[700];
	snprintf(sql, sizeof sql, fmt, src, (long long)cap);
	st_stmt *st = NULL;
	int64_t n = fallback;
	if (second)
		*second = fallback;
	if (st_prepare_once(db, sql, &st) != ST_OK)
		return n;
	bind_terms(st, p);
	if (st_step(st) == ST_ROW) {
		n = st_col_int(st, 0);
		if (second)
			*second = st_col_int(st, 1);
	}
	st_finalize(st);
	return n;
}

static int64_t src_count(bzj_db *db, const char *fmt, const char *src, const qparts *p,
			 int64_t cap, int64_t fallback)
{
	return src_count2(db, fmt, src, p, cap, fallback, NULL);
}

static const char count_distinct[] =
	"SELECT count(*) FROM (SELECT DISTINCT * FROM (%s) AS s LIMIT %lld) AS c";

static int64_t src_size(bzj_db *db, const char *src, const qparts *p, int64_t cap, bool dups)
{
	if (!st_is_pg(db))
		return src_count(db, count_distinct, src, p, cap, cap);
	if (!dups)
		return src_count(db, "SELECT count(*) FROM (SELECT 1 FROM (%s) AS s LIMIT %lld) AS c",
				 src, p, cap, cap);
	int64_t some = cap;
	int64_t raw = src_count2(db,
				 "SELECT count(*), count(DISTINCT c) FROM (SELECT * FROM (%s) AS s"
				 " LIMIT %lld) AS d(c)",
				 src, p, 2 * cap, 2 * cap, &some);
	if (some >= cap)
		return cap;
	if (raw < 2 * cap)
		return some; /* every entry seen: exact */
	return src_count(db, count_distinct, src, p, cap, cap);
}

/* The term's distinct bigrams (as the gram index cut them: 2 code points
 * of the lower-cased text), the rarest MAX_PROBES of them first.  False
 * when the term is not valid UTF-8 (the index cannot be cut the same way).
 * `rarest`: the rarest one's postings, up to SRC_SMALL. */
static bool cut_grams(bzj_db *db, qparts *p, int64_t *rarest)
{
	enum { MAX_CAND = 6 };
	char cand[MAX_CAND][16];
	int64_t size[MAX_CAND];
	int nc = 0;
	const unsigned char *s = (const unsigned char *)p->term;
	size_t len = strlen(p->term), at = 0;
	size_t a = bzj_utf8_seq(s, len);
	if (!a)
		return false;
	while (at + a < len && nc < MAX_CAND) {
		size_t b = bzj_utf8_seq(s + at + a, len - at - a);
		if (!b)
			return false;
		char g[16];
		memcpy(g, s + at, a + b);
		g[a + b] = 0;
		bool dup = false;
		for (int i = 0; i < nc; i++)
			dup = dup || strcmp(cand[i], g) == 0;
		if (!dup) {
			memcpy(cand[nc], g, sizeof g);
			memcpy(p->gram[0], g, sizeof g);
			size[nc++] = src_size(db, "SELECT shop_id FROM shop_gram WHERE gram = :g0", p,
					      SRC_SMALL, false);
		}
		at += a;
		a = b;
	}
	/* a short selection sort: rarest first */
	for (int i = 0; i < nc && i < MAX_PROBES; i++) {
		int m = i;
		for (int j = i + 1; j < nc; j++)
			if (size[j] < size[m])
				m = j;
		char t[16];
		int64_t ts = size[i];
		memcpy(t, cand[i], sizeof t);
		memcpy(cand[i], cand[m], sizeof t);
		memcpy(cand[m], t, sizeof t);
		size[i] = size[m];
		size[m] = ts;
		memcpy(p->gram[i], cand[i], sizeof t);
		p->ngram = i + 1;
	}
	*rarest = p->ngram > 0 ? size[0] : SRC_SMALL;
	return p->ngram > 0;
}

/* pick_grams, once per term while the data is unchanged (memo_sizes). */
static bool pick_grams(bzj_db *db, qparts *p)
{
	if (db->memo.ngram < 0) {
		int64_t rarest;
		db->memo.ngram = cut_grams(db, p, &rarest) ? p->ngram : 0;
		memcpy(db->memo.gram, p->gram, sizeof p->gram);
	}
	p->ngram = db->memo.ngram;
	memcpy(p->gram, db->memo.gram, sizeof p->gram);
	return p->ngram > 0;
}

/* The sizes of the term's sources (names, ids), up to SRC_SMALL, into
 * db->memo: measured again only for another term or once the data has
 * changed (a commit by any connection moves data_version or this one's
 * change count). */
static void memo_sizes(bzj_db *db, const char *search, qparts *p)
{
	int64_t dv = 0, changes = st_total_changes(db);
	dv = st_data_version(db);
	bool keyable = strlen(search) < sizeof db->memo.search;
	if (keyable && strcmp(db->memo.search, search) == 0 && db->memo.data_version == dv &&
	    db->memo.changes == changes)
		return;
	/* the trigram postings list a term's shops in id order (their key's
	 * order under one gram, kept by the chain's merge join), so there
	 * DISTINCT streams under the LIMIT: one statement, not src_size's
	 * two (measured: 1.5-5 ms for 杭州云 and 杭州云裳 at a million shops) */
	db->memo.names_n = p->names_keys == p->tri_keys
				   ? src_count(db, count_distinct, p->names_keys, p, SRC_SMALL, SRC_SMALL)
				   : src_size(db, p->names_keys, p, SRC_SMALL, p->names_dups);
	/* ids: each range apart, counting index entries only (a union of the
	 * two would read every match); their sum may count a shop twice, so
	 * it decides small or large, and only one range alone proves large */
	db->memo.ids_n = 0;
	db->memo.ids_big = false;
	if (p->with_ids) {
		int64_t up = src_size(db, "SELECT rowid FROM shop WHERE " ID_UPPER("id"), p, SRC_SMALL,
				      false);
		int64_t num = p->idnum[0] ? src_size(db, "SELECT rowid FROM shop WHERE " ID_NUMBER("id"),
						     p, SRC_SMALL, false)
					  : 0;
		db->memo.ids_n = up + num;
		db->memo.ids_big = up >= SRC_SMALL || num >= SRC_SMALL;
	}
	db->memo.ngram = -1;
	db->memo.data_version = dv;
	db->memo.changes = changes;
	snprintf(db->memo.search, sizeof db->memo.search, "%s", keyable ? search : "");
}

static void add_stream(qparts *p, const char *from, const char *key, const char *pred)
{
	stream *s = &p->stream[p->nstreams++];
	s->from = from;
	s->key = key;
	s->keys = NULL;
	snprintf(s->pred, sizeof s->pred, "%s", pred);
}

static void build_where(bzj_db *db, const bzj_shop_query *q, int sort, qparts *p)
{
	memset(p, 0, sizeof *p);
	sb_add(&p->where, " WHERE 1 = 1");
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
	if (q->capped)
		sb_add(&p->where,
		       " AND shop.id IN (SELECT shop_id FROM newbie WHERE capped = 1"
		       " AND shop_id NOT IN (SELECT shop_id FROM newbie_stage WHERE job IN " NB_PUBLISHED
		       ") UNION ALL SELECT p.shop_id FROM newbie_stage p JOIN newbie n"
		       " ON n.shop_id = p.shop_id AND n.status = 1 WHERE p.job IN " NB_PUBLISHED
		       " AND p.capped = 1)");
	p->filtered = q->shortfall || q->status || q->open_violations || q->refund_in_progress ||
		      q->capped;
	if (!q->search || !*q->search) {
		add_stream(p, from_shop, "id", "1 = 1");
		return;
	}
	p->search = true;
	p->nch = (int)utf8_chars(q->search);
	ascii_lower(q->search, p->term, sizeof p->term);
	/* names and operators only: ids are matched by prefix below */
	snprintf(p->fts, sizeof p->fts, "{name operator_name}: ");
	fts_phrase(q->search, p->fts + strlen(p->fts), sizeof p->fts - strlen(p->fts));
	p->with_ids = id_chars(q->search) && strlen(q->search) < sizeof p->idup;
	if (p->with_ids) {
		ascii_upper(q->search, p->idup, sizeof p->idup);
		ascii_lower(q->search, p->idlow, sizeof p->idlow);
		id_number(q->search, p->idnum, sizeof p->idnum);
		ids_keys(p, "id", p->ids_keys[0], sizeof p->ids_keys[0]);
		ids_keys(p, "rowid", p->ids_keys[1], sizeof p->ids_keys[1]);
	}

	/* PostgreSQL lower-cases as SQLite does, ASCII only, under COLLATE
	 * "C", whatever the database's LC_CTYPE (as its bigrams, schema v23) */
	const char *row_test = st_is_pg(db) ? "(instr(lower(name COLLATE \"C\"), :term) > 0"
					      " OR instr(lower(operator_name COLLATE \"C\"), :term) > 0)"
					    : "(instr(lower(name), :term) > 0"
					      " OR instr(lower(operator_name), :term) > 0)";
	bool tri = p->nch >= 3 && st_is_pg(db) && tri_chain(p, row_test);
	/* A test on rows walked in another order, not an index range: SQLite's
	 * hint is the unary + (+id).  PostgreSQL has no unary + for text (a
	 * search of a digit at a million shops, which walks ids, failed there
	 * with "operator does not exist: + text"), and the plain column let
	 * its planner take the expression index instead of the walk: S099's
	 * page read its 10,000 matches through shop_id_upper and sorted them
	 * (145 ms with the rows off the server's buffers, 8.4 ms on them),
	 * where the primary key walk reads 23 rows (3.0 ms).  (id || '') is
	 * the same text in an expression no index is on. */
	bool pg = st_is_pg(db);
	char ids_set[460], ids_test[300], ids_walk[400];
	const char *up_test = pg ? ID_UPPER("(id || '')") : ID_UPPER("+id");
	if (p->idnum[0])
		snprintf(ids_test, sizeof ids_test, "(%s OR %s)", up_test,
			 pg ? ID_NUMBER("(id || '')") : ID_NUMBER("+id"));
	else
		snprintf(ids_test, sizeof ids_test, "%s", up_test);
	/* by rowid: the expression indexes hold rowids, ids need the rows */
	snprintf(ids_set, sizeof ids_set, "rowid IN (%s)", p->ids_keys[1]);
	/* in id order: the primary key between the term's upper and lower
	 * case, unless a number may match anywhere */
	if (p->idnum[0])
		snprintf(ids_walk, sizeof ids_walk, "%s", ids_test);
	else
		snprintf(ids_walk, sizeof ids_walk,
			 "id >= :idup AND id < :idlow || char(1114111) AND %s", ids_test);
	char names_set[PRED_MAX];
	p->names_keys = p->nch == 1 ? "SELECT shop_id FROM shop_gram WHERE gram >= :term"
				      " AND gram < :term || char(1114111)"
			: p->nch == 2 ? "SELECT shop_id FROM shop_gram WHERE gram = :term"
			: tri	      ? p->tri_keys
			/* PostgreSQL, a term the postings cannot take (not
			 * UTF-8): the row test over every shop */
			: st_is_pg(db)
				? "SELECT rowid FROM shop WHERE (instr(lower(name COLLATE \"C\"), :term) > 0"
				  " OR instr(lower(operator_name COLLATE \"C\"), :term) > 0)"
				: "SELECT rowid FROM shop_fts WHERE shop_fts MATCH :fts";
	p->names_by_id = p->nch <= 2 || tri;
	p->names_dups = p->nch == 1 || tri;
	if (p->names_by_id)
		snprintf(names_set, sizeof names_set, "id IN (%s)", p->names_keys);
	else /* FTS folds case beyond ASCII; the row test keeps lower()'s meaning */
		snprintf(names_set, sizeof names_set, "rowid IN (%s) AND %s", p->names_keys,
			 row_test);
	memo_sizes(db, q->search, p);
	int64_t names_n = db->memo.names_n, ids_n = db->memo.ids_n;
	bool names_small = names_n < SRC_SMALL, ids_small = ids_n < SRC_SMALL;
	p->big = !names_small || db->memo.ids_big;
	bool names = names_n > 0 || !p->with_ids;

	if (names)
		snprintf(p->member[p->nmember++], sizeof p->member[0], "%s",
			 names_small ? names_set : row_test);
	if (p->with_ids)
		snprintf(p->member[p->nmember++], sizeof p->member[0], "%s",
			 ids_small ? ids_set : sort == BZJ_SORT_ID ? ids_walk : ids_test);

	if (sort != BZJ_SORT_ID) {
		/* PostgreSQL's trigram set in another order: fetched as a set
		 * and sorted; OFFSET 0 keeps the planner from walking the sort's
		 * index and testing every row it meets against the set instead
		 * (in p: a stream keeps its FROM by pointer) */
		bool tri_sorted = tri && names && names_small;
		if (tri_sorted)
			snprintf(p->tri_set, sizeof p->tri_set,
				 "(SELECT * FROM shop WHERE %s OFFSET 0) AS shop", names_set);
		for (int i = 0; i < p->nmember; i++)
			add_stream(p, i == 0 && tri_sorted ? p->tri_set : from_shop, "id",
				   i == 0 && tri_sorted ? "1 = 1" : p->member[i]);
		return;
	}
	if (names) {
		char pred[480];
		if (p->nch == 2) {
			add_stream(p, st_is_pg(db) ? from_gram1_pg : from_gram1, "a.shop_id",
				   "a.gram = :term");
		} else if (tri) {
			/* the postings' distinct ids in order, small or large */
			add_stream(p, p->tri_from, "m.sid", "1 = 1");
		} else if (p->nch >= 3 && names_n > FTS_SET && pick_grams(db, p)) {
			static const char *const from_sq[] = {from_gram1, from_gram2, from_gram3};
			static const char *const from_pg[] = {from_gram1_pg, from_gram2_pg,
							      from_gram3_pg};
			const char *const *from = st_is_pg(db) ? from_pg : from_sq;
			static const char *const probe[] = {
				"",
				" AND b.gram = :g1 AND b.shop_id = a.shop_id",
				" AND b.gram = :g1 AND b.shop_id = a.shop_id"
				" AND c.gram = :g2 AND c.shop_id = a.shop_id"};
			snprintf(pred, sizeof pred, "a.gram = :g0%s AND %s", probe[p->ngram - 1],
				 row_test);
			add_stream(p, from[p->ngram - 1], "a.shop_id", pred);
		} else {
			add_stream(p, from_shop, "id", p->member[0]);
		}
	}
	if (p->with_ids && pg && ids_small && !p->filtered) {
		/* PostgreSQL: a small id set's page is its ids sorted and cut
		 * to the page from the expression indexes alone (they INCLUDE
		 * id), then those rows; as a rowid set the planner read every
		 * match's row before sorting (S0123's 1,000: 14-17 ms with the
		 * rows off the server's buffers, against 2-4 ms) */
		add_stream(p, from_shop, "m.sid", "1 = 1");
		p->stream[p->nstreams - 1].keys = p->ids_keys[0];
	} else if (p->with_ids) {
		char ids_pred[480];
		memcpy(ids_pred, p->member[p->nmember - 1], sizeof ids_pred);
		add_stream(p, from_shop, "id", ids_pred);
	}
}

static int bind_named(st_stmt *st, const qparts *p, const bzj_shop_row *cur, int sort)
{
	int i;
	bind_terms(st, p);
	if (cur && (i = st_param(st, ":ckey")) > 0) {
		switch (sort) {
		case BZJ_SORT_NAME:
			st_bind_text(st, i, cur->name);
			break;
		case BZJ_SORT_REQUIRED:
			st_bind_int(st, i, cur->required_fen);
			break;
		case BZJ_SORT_BALANCE:
			st_bind_int(st, i, cur->balance_fen);
			break;
		default:
			st_bind_text(st, i, cur->id);
		}
	}
	if (cur)
		bind_text(st, ":cid", cur->id);
	return ST_OK;
}

static void row_read(st_stmt *st, bzj_shop_row *r)
{
	memset(r, 0, sizeof *r);
	st_text(st, 0, r->id, sizeof r->id);
	st_text(st, 1, r->name, sizeof r->name);
	st_text(st, 2, r->operator_name, sizeof r->operator_name);
	r->entity = st_col_int32(st, 3);
	r->status = st_col_int32(st, 4);
	r->required_fen = st_col_int(st, 5);
	r->balance_fen = st_col_int(st, 6);
	r->frozen_fen = st_col_int(st, 7);
	r->restricted = st_col_int32(st, 8) != 0;
	r->terminate = st_col_int32(st, 9) != 0;
	r->refund_in_progress = st_col_int(st, 10) > 0;
	r->open_violations = st_col_int32(st, 11);
	int nb = st_col_int32(st, 12);
	r->newbie = nb & 3;
	r->capped = (nb & 4) != 0;
}

int bzj_store_shop_list(bzj_db *db, const bzj_shop_query *q, bzj_shop_row *rows, int max, int *n,
			bzj_err *e)
{
	*n = 0;
	int sort = q->sort >= 0 && q->sort < BZJ_SORT_COUNT ? q->sort : BZJ_SORT_ID;
	const char *col = sort_col[sort];
	/* Walking backward reverses both the comparison and the order. */
	bool down = q->desc != q->backward;
	const char *dir = down ? "DESC" : "ASC";
	qparts p;
	build_where(db, q, sort, &p);
	static const char cols[] = "SELECT id, name, operator_name, entity, status, required_fen,"
				   " balance_fen, frozen_fen, restricted, terminate, refund_open,"
				   " open_violations, (SELECT n.status + 4 * " NB_SEEN("n", "p", "capped")
				   " FROM newbie n" NB_OVERLAY("n", "p") " WHERE n.shop_id = shop.id) FROM ";
	char order[160];
	if (sort == BZJ_SORT_ID)
		snprintf(order, sizeof order, " ORDER BY id %s LIMIT %d", dir, max);
	else
		snprintf(order, sizeof order, " ORDER BY %s %s, id %s LIMIT %d", col, dir, dir, max);
	sqlbuf sql = {0};
	for (int i = 0; i < p.nstreams; i++) {
		const stream *s = &p.stream[i];
		char tail[200] = "";
		/* keyset cursor and order on the column the stream walks */
		if (sort == BZJ_SORT_ID)
			snprintf(tail, sizeof tail, "%s%s%s ORDER BY %s %s LIMIT %d",
				 q->has_cursor ? " AND " : "", q->has_cursor ? s->key : "",
				 q->has_cursor ? (down ? " < :cid" : " > :cid") : "", s->key, dir,
				 max);
		else
			snprintf(tail, sizeof tail, "%s%s%s%s",
				 q->has_cursor ? " AND (" : "", q->has_cursor ? col : "",
				 q->has_cursor ? (down ? ", id) < (:ckey, :cid)" : ", id) > (:ckey, :cid)")
					       : "",
				 order);
		char from[700];
		if (s->keys)
			snprintf(from, sizeof from,
				 "(SELECT k.sid FROM (%s) AS k(sid) WHERE 1 = 1%s ORDER BY k.sid %s"
				 " LIMIT %d) AS m JOIN shop ON shop.id = m.sid",
				 s->keys,
				 q->has_cursor ? (down ? " AND k.sid < :cid" : " AND k.sid > :cid") : "",
				 dir, max);
		if (p.nstreams > 1)
			sb_add(&sql, i ? " UNION SELECT * FROM (" : "SELECT * FROM (");
		sb_add(&sql, cols);
		sb_add(&sql, s->keys ? from : s->from);
		sb_add(&sql, p.where.s);
		sb_add(&sql, " AND ");
		sb_add(&sql, s->pred);
		sb_add(&sql, tail);
		if (p.nstreams > 1)
			sb_add(&sql, ") AS u"); /* PostgreSQL wants the alias */
	}
	if (p.nstreams > 1) /* one page from each source, merged */
		sb_add(&sql, order);

	st_stmt *st = NULL;
	int rc = st_prepare_once(db, sql.s, &st);
	if (rc != ST_OK)
		return st_error(db, rc, e);
	bind_named(st, &p, q->has_cursor ? &q->cursor : NULL, sort);
	while ((rc = st_step(st)) == ST_ROW && *n < max)
		row_read(st, &rows[(*n)++]);
	st_finalize(st);
	if (rc != ST_ROW && rc != ST_DONE)
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
	char lim[40];
	snprintf(lim, sizeof lim, " LIMIT %lld) AS c", q->count_cap > 0 ? (long long)q->count_cap : -1LL);
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
		if (pass == 0 && p.search && !p.filtered && db->memo.names_n < SRC_SMALL &&
		    (!p.with_ids || db->memo.ids_n == 0)) {
			/* the names alone, counted exactly by build_where's sizes
			 * (memo_sizes: the same keys, distinct, under SRC_SMALL) */
			*total = q->count_cap > 0 && db->memo.names_n > q->count_cap ? q->count_cap
										: db->memo.names_n;
			continue;
		}
		sqlbuf sql = {0};
		if (pass == 0 && !p.filtered) {
			/* index entries only: names' keys and the id range, as
			 * ids (1-2 characters) or rowids (FTS, 3+); a
			 * 1-character term's postings list a shop once per
			 * bigram that starts with it, so without the UNION
			 * they are made distinct (a shop named 小满 with
			 * operator 小X was counted twice) */
			bool dups = p.names_dups && !p.with_ids;
			sb_add(&sql, dups ? "SELECT count(*) FROM (SELECT DISTINCT * FROM ("
					  : "SELECT count(*) FROM (");
			sb_add(&sql, p.names_keys);
			if (p.with_ids) {
				sb_add(&sql, " UNION ");
				sb_add(&sql, p.ids_keys[p.names_by_id ? 0 : 1]);
			}
			if (dups)
				sb_add(&sql, ") AS d");
		} else {
			sb_add(&sql, "SELECT count(*) FROM (SELECT 1 FROM shop");
			sb_add(&sql, p.where.s);
			for (int i = 0; i < p.nmember; i++) {
				sb_add(&sql, i ? " OR " : " AND (");
				sb_add(&sql, p.member[i]);
			}
			if (p.nmember)
				sb_add(&sql, ")");
		}
		if (pass == 1) {
			char tmp[160];
			if (sort == BZJ_SORT_ID)
				snprintf(tmp, sizeof tmp, " AND id %s :cid", q->desc ? ">" : "<");
			else
				snprintf(tmp, sizeof tmp, " AND (%s, id) %s (:ckey, :cid)",
					 sort_col[sort], q->desc ? ">" : "<");
			sb_add(&sql, tmp);
		}
		sb_add(&sql, lim);
		st_stmt *st = NULL;
		int rc = st_prepare_once(db, sql.s, &st);
		if (rc != ST_OK)
			return st_error(db, rc, e);
		bind_named(st, &p, pass ? pos_of : NULL, sort);
		rc = st_step(st);
		int64_t v = rc == ST_ROW ? st_col_int(st, 0) : 0;
		st_finalize(st);
		if (rc != ST_ROW)
			return st_error(db, rc, e);
		if (pass == 0)
			*total = v;
		else if (pos)
			*pos = v;
	}
	return BZJ_OK;
}

bool bzj_store_search_index(bzj_db *db, char *why, size_t n)
{
	if (why && n)
		why[0] = 0;
	if (!st_is_pg(db))
		return true; /* FTS5, part of the schema since v1 */
	st_stmt *st = NULL;
	bool there = false;
	if (st_prepare_once(db, "SELECT to_regclass('shop_tri') IS NOT NULL", &st) == ST_OK) {
		there = st_step(st) == ST_ROW && st_col_int(st, 0);
		st_finalize(st);
	}
	if (!there && why && n)
		snprintf(why, n, "%s",
			 _("the trigram postings (table shop_tri) are missing: dropped outside bzj"));
	return there;
}
