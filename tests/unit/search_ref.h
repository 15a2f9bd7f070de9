/* search_ref.h - what a shop search must return, as one plain scan of the
 * shop table (no index): the reference that tests/unit/test_search.c and
 * tests/bench/searchcheck.c hold bzj_store_shop_list and _count to.
 * A search matches a shop whose lower(name) or lower(operator_name) holds
 * the ASCII-lower-cased term, or (only when the term could be an id) whose
 * id starts with the term in any ASCII case, or, for a term of digits not
 * all zeros, whose number (the id after its leading letters, '_', '.', '-'
 * and zeros) starts with the term's digits after their leading zeros. */
#ifndef BZJ_TEST_SEARCH_REF_H
#define BZJ_TEST_SEARCH_REF_H

#include <stdbool.h>
#include <stdio.h>

#include "bzj/shop.h"

static bool ref_id_chars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

/* ?1 of the reference query: the term, ASCII lower case. */
static void ref_lower(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[i] = 0;
}

/* ?3 of the reference query: a term of digits without its leading zeros;
 * "" when the term is not all digits (or all zeros). */
static void ref_number(const char *s, char *out, size_t n)
{
	out[0] = 0;
	for (const char *d = s; *d; d++)
		if (*d < '0' || *d > '9')
			return;
	while (*s == '0')
		s++;
	snprintf(out, n, "%s", s);
}

/* The reference query for q: the ids in display order, or (count) their
 * number.  Bind ?1 = ref_lower(term), ?2 = the term, ?3 = ref_number(term).
 * Plain scans: substr() comparisons, never a range an index could serve. */
static void ref_sql(const bzj_shop_query *q, bool count, char *sql, size_t n)
{
	static const char *const sort_sql[] = {"id", "name", "required_fen", "balance_fen"};
	const char *d = q->desc ? "DESC" : "ASC";
	snprintf(sql, n,
		 "SELECT %s FROM shop WHERE (instr(lower(name), ?1) > 0"
		 " OR instr(lower(operator_name), ?1) > 0%s)%s%s%s%s ORDER BY %s %s, id %s",
		 count ? "count(*)" : "id",
		 ref_id_chars(q->search)
			 ? " OR upper(substr(id, 1, length(?2))) = upper(?2)"
			   " OR (?3 <> '' AND substr(ltrim(id, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "abcdefghijklmnopqrstuvwxyz_.-0'), 1, length(?3)) = ?3)"
			 : "",
		 q->shortfall ? " AND restricted = 1" : "",
		 q->status == BZJ_SHOP_OPEN	? " AND status = 1"
		 : q->status == BZJ_SHOP_CLOSED ? " AND status = 2"
						: "",
		 q->open_violations ? " AND open_violations > 0" : "",
		 q->refund_in_progress ? " AND refund_open > 0" : "", sort_sql[q->sort], d, d);
}

#endif
