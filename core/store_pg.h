/* store_pg.h - the PostgreSQL driver's parts that are not the driver
 * table itself (issue 16, docs/store-seam.md steps 4 and 5).  Private to
 * core/store*.c and the tests.
 *
 *  - the dialect rewriter (core/store_pg_rewrite.c): bzj's SQL, written
 *    for SQLite, into PostgreSQL's, once per prepared statement; no libpq;
 *  - the baseline schema (core/store_pg_schema.c): the SQLite schema at
 *    its current version as one PostgreSQL script, the guards as PL/pgSQL
 *    triggers, the pending-seal triggers, the rules functions generated
 *    from core/rules.c, the data_version counter. */
#ifndef BZJ_STORE_PG_H
#define BZJ_STORE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	BZJ_PG_RW_SCRIPT = 1, /* several statements (exec): no RETURNING added */
};

typedef struct bzj_pg_param {
	char name[64]; /* ":day", "@x" or "?3" as written; "" for a bare ? */
	int index;     /* its $N */
} bzj_pg_param;

typedef struct bzj_pg_sql {
	char *text;         /* the PostgreSQL statement(s), malloc'd */
	int nparams;        /* the highest $N */
	/* $1..$64 the text never uses (bit N-1): SQLite lets a statement skip
	 * parameter numbers (the variants of one query bind the same list);
	 * PostgreSQL cannot infer a type for them, so the driver names one */
	uint64_t skipped;
	int nnamed;         /* named parameters, first occurrence each */
	bzj_pg_param *named;
	/* An INSERT into a table with an identity column gets "RETURNING col"
	 * appended (unless it has its own RETURNING): the driver keeps the
	 * last row's value as last_id and reports the statement DONE. */
	bool returning_added;
} bzj_pg_sql;

/* Rewrite `sql` (bzj's SQLite dialect) into PostgreSQL.  0 on success;
 * otherwise -1 with a message in err naming what has no PostgreSQL form
 * (PRAGMA, INSERT OR REPLACE into a table whose key is unknown, ...). */
int bzj_pg_rewrite(const char *sql, int opts, bzj_pg_sql *out, char *err, size_t errn);
void bzj_pg_sql_free(bzj_pg_sql *s);
/* $N of a named parameter (":day"), 0 when the statement has none. */
int bzj_pg_param_index(const bzj_pg_sql *s, const char *name);

/* From the baseline schema: a table's identity column ("id", "seq"),
 * NULL when it has none; a table's primary key ("tbl, rid"), NULL when
 * unknown (INSERT OR REPLACE needs it). */
const char *bzj_pg_identity(const char *table, size_t n);
const char *bzj_pg_primary_key(const char *table, size_t n);

/* The baseline schema script (PostgreSQL), built once: the tables at the
 * SQLite schema version `*version`, the guards, the pending-seal and
 * data_version triggers, bzj_floating / bzj_required.  Static storage. */
const char *bzj_pg_schema(int *version);
/* The SQLite schema version core/store_pg_schema.sql equals. */
#define BZJ_PG_BASELINE 17
/* The PostgreSQL form of the migration taking schema version v to v+1,
 * for v from the baseline's version on (core/store.c, migrations_pg[]);
 * NULL when it has none yet. */
const char *bzj_pg_migration(int v);
/* The append-only tables, for the REVOKE and the tests. */
extern const char *const bzj_pg_append_only[];
/* Write CREATE FUNCTION bzj_floating(bigint) generated from
 * bzj_floating_for_gmv (core/rules.c) into buf; its length, or -1 when
 * the C rule is not the monotone step function the generator reads. */
int bzj_pg_floating_sql(char *buf, size_t n);

/* Write bzj_newbie_reasons (4 and 5 arguments) and bzj_newbie_window,
 * generated from core/rules.c's rule, into buf; its length, or -1 when the
 * rule is not the OR of independent thresholds the generator reads. */
int bzj_pg_newbie_sql(char *buf, size_t n);
#endif
