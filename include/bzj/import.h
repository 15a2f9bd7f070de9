/* import.h - all-or-nothing CSV imports (UTF-8, header row).
 *   shops:      id,name,entity,categories,opened[,entity_name,operator]
 *               (categories separated by '|' or ';')
 *   gmv:        shop_id,month,amount
 *   topups:     shop_id,amount,date[,payer,ack_third_party,ref]
 *   violations: shop_id,class,points,raise[,freeze,note,date]
 * Every bad line is reported with its line number and field; if any line is
 * bad nothing is written. */
#ifndef BZJ_IMPORT_H
#define BZJ_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bzj/ctx.h"

enum bzj_import_kind {
	BZJ_IMPORT_SHOPS = 1,
	BZJ_IMPORT_GMV,
	BZJ_IMPORT_TOPUPS,
	BZJ_IMPORT_VIOLATIONS,
};
int bzj_import_kind_parse(const char *s);

/* Each bad line: called with its number, field and message. */
typedef int (*bzj_import_err_fn)(void *ctx, long line, const char *field, const char *msg);

typedef struct bzj_import_result {
	int64_t rows;	  /* rows written (0 when any was bad) */
	int64_t errors;	  /* bad lines */
	int64_t replayed; /* top-up lines already recorded (same ref or derived key) */
} bzj_import_result;

/* A file already imported (same SHA-256, same kind) is refused with
 * import.duplicate_file (BZJ_ERULE) for top-ups and violations, where a
 * second import would credit or freeze twice; naming the earlier import.
 * A supervisor may force it with a reason (audited).  GMV is keyed by shop
 * and month (a second import rewrites the same figures) and shops by id (a
 * second import is refused line by line), so neither needs the rule.
 * A top-up line without a ref gets a derived one, "auto-" and 24 hex digits
 * of SHA-256 over shop, amount, payer, date, the line's fields and its
 * occurrence among identical lines of the file: importing the same lines
 * again is a replay, credited once, even when forced. */
typedef struct bzj_import_opt {
	bool force;
	const char *reason; /* required with force */
} bzj_import_opt;

/* On bad lines returns BZJ_EINPUT "import.invalid" after reporting all of
 * them (up to 1000). */
int bzj_import(bzj_ctx *x, int kind, const char *data, size_t len, bzj_import_err_fn fn,
	       void *ctx, bzj_import_result *r, bzj_err *e);
/* The same with options (opt may be NULL). */
int bzj_import_ex(bzj_ctx *x, int kind, const char *data, size_t len, const bzj_import_opt *opt,
		  bzj_import_err_fn fn, void *ctx, bzj_import_result *r, bzj_err *e);

#endif
