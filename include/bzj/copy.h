/* copy.h - `bzj copy`: a whole SQLite database into a new PostgreSQL one
 * (issue 16), for a platform moving bzj from one host's file onto its
 * database cluster. */
#ifndef BZJ_COPY_H
#define BZJ_COPY_H

#include <stdint.h>
#include "bzj/check.h"
#include "bzj/ctx.h"

#define BZJ_COPY_TABLES 64

typedef struct bzj_copy_result {
	struct {
		char name[48];
		int64_t rows;
	} tables[BZJ_COPY_TABLES];
	int ntables;
	int64_t rows;	    /* every table's rows */
	int64_t audit_seq;  /* the source's last audit record (the copy's own follows it) */
	int64_t shops, ledger_entries, refunds;
	int64_t problems;   /* `bzj check` on the target after the copy */
} bzj_copy_result;

/* Copy every row of src (an SQLite database) into dst (a PostgreSQL
 * database that holds only what `bzj init` wrote), as they are: ids, the
 * audit chain and the row seals unchanged.  Supervisors only.  Before:
 * `bzj check` on src must find nothing (each problem goes to fn; then
 * "copy.source_check"), dst must be empty ("copy.not_empty") and run
 * under the same audit key ("copy.key").  One transaction on dst: every
 * table read back and compared with the source before it commits, and
 * one audit record "db.copy" after the source's last.  Then `bzj check`
 * on dst, its problems to fn and counted in r->problems.  Progress on
 * src's progress callback. */
int bzj_copy_database(bzj_ctx *src, bzj_ctx *dst, const char *src_name, bzj_check_fn fn, void *fctx,
	     bzj_copy_result *r, bzj_err *e);

#endif
