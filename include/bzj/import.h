/* import.h - CSV imports (UTF-8, header row); a bad line refuses the file whole.
 *   shops:      id,name,entity,categories,opened[,entity_name,operator]
 *               (categories separated by '|' or ';')
 *   gmv:        shop_id,month,amount
 *   topups:     shop_id,amount,date[,payer,ack_third_party,ref]
 *   violations: shop_id,class,points,raise[,freeze,note,date]
 *   scores:     shop_id,date,score (experience score 0.0-5.0, one decimal;
 *               a shop and day already recorded with the same score is
 *               unchanged, with another score refused: scores are not
 *               corrected by re-importing, since a check may rest on them)
 *   orders:     shop_id,date,paid_orders,gift_orders (whole numbers,
 *               gift <= paid, a date in the loaded calendar; the same shop
 *               and date again replaces the earlier figures)
 * Every bad line is reported with its line number and field; if any line is
 * bad nothing is written. */
#ifndef BZJ_IMPORT_H
#define BZJ_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bzj/ctx.h"

/* The largest input file bzj reads (imports, calendars, standards): a
 * million-shop GMV file is about 30 MB. */
#define BZJ_INPUT_MAX_BYTES ((size_t)256 << 20)

enum bzj_import_kind {
	BZJ_IMPORT_SHOPS = 1,
	BZJ_IMPORT_GMV,
	BZJ_IMPORT_TOPUPS,
	BZJ_IMPORT_VIOLATIONS,
	BZJ_IMPORT_SCORES,
	BZJ_IMPORT_ORDERS,
};
int bzj_import_kind_parse(const char *s);

/* Each bad line: called with its number, field and message. */
typedef int (*bzj_import_err_fn)(void *ctx, long line, const char *field, const char *msg);

typedef struct bzj_import_result {
	int64_t rows;	   /* rows written (0 when any was bad) */
	int64_t errors;	   /* bad lines */
	int64_t replayed;  /* top-up lines already recorded (same ref or derived key) */
	int64_t unchanged; /* scores: lines already recorded with that score */
	/* shops, top-ups, violations (resumable): the line an interrupted
	 * import of this file resumed at (0: a new import); and, when this one
	 * stopped after committing slices, the line it resumes at (rows then
	 * counts the rows imported) */
	long resumed_from;
	long next_line;
} bzj_import_result;

/* A file already imported (same SHA-256, same kind) is refused with
 * import.duplicate_file (BZJ_ERULE) for top-ups and violations, where a
 * second import would credit or freeze twice; naming the earlier import.
 * A supervisor may force it with a reason (audited).  GMV is keyed by shop
 * and month (a second import rewrites the same figures) and shops by id (a
 * second import is refused line by line), so neither needs the rule.
 * Scores need none either: a shop and day already recorded with the same
 * score is unchanged (a replay writes nothing), with another score refused.
 * Orders need none: the same shop and day again replaces the earlier
 * figures, so a second import of the same file leaves the same figures.
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

/* The incomplete imports of shops, top-ups and violations (a crash or
 * Ctrl-C stopped them after some slices: their rows are imported and
 * audited; importing the same file again resumes at next_line); at most
 * one per kind.  For `bzj check`, which names them. */
typedef struct bzj_import_open {
	char kind[16];
	char sha256[65];
	char user[64];
	char at[32];
	int64_t next_line, rows;
} bzj_import_open;
int bzj_import_incomplete(bzj_ctx *x, bzj_import_open *out, int max, int *n, bzj_err *e);

#endif
