/* service.h - private to core: what the service modules (shop.c, ledger.c,
 * refund.c, ...) share.  Each public action is: check the role, validate
 * input, BEGIN IMMEDIATE, load, apply the pure rules, write, audit, COMMIT;
 * any error rolls the whole transaction back. */
#ifndef BZJ_SERVICE_H
#define BZJ_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "bzj/audit.h"
#include "bzj/check.h"
#include "bzj/csv.h"
#include "bzj/ctx.h"
#include "bzj/i18n.h"
#include "bzj/json.h"
#include "bzj/refund.h"
#include "bzj/rules.h"
#include "bzj/shop.h"
#include "bzj/store.h"

/* Validate a user-supplied text: valid UTF-8, no control characters,
 * 1..max bytes (0 allowed when !required).  Code input.<field>. */
int svc_text(const char *s, const char *field, size_t max, bool required, bzj_err *e);
int svc_shop_id(const char *s, bzj_err *e);

/* The deposit position of a shop on x->today, with the breakdown. */
int svc_position(bzj_ctx *x, const bzj_shop *s, bzj_deposit *d, bzj_err *e);
/* Re-derive required/restricted from the rules as of today, record a
 * restriction transition if it flipped, and write the shop row. */
int svc_shop_save(bzj_ctx *x, bzj_shop *s, const char *cause, bzj_err *e);
/* Load a shop for a change (inside a transaction). */
int svc_shop_load(bzj_ctx *x, const char *id, bzj_shop *s, bzj_err *e);

/* What a shop owes is owed by its violations (bzj_violation.owed_fen; the
 * shop's owed_fen is their sum).  Both move together, oldest violation
 * first, in the caller's transaction:
 *  - svc_repay_owed: money that becomes available (a top-up, a released
 *    freeze) repays what is owed first, as one deduction entry per
 *    violation repaid, carrying its id; `note` is the ledger note;
 *  - svc_cover_owed: recorded unsettled payments cover what is owed.
 * Each clears the termination flag when nothing is owed any more. */
int svc_repay_owed(bzj_ctx *x, bzj_shop *s, const char *note, int64_t *repaid, bzj_err *e);
int svc_cover_owed(bzj_ctx *x, bzj_shop *s, bzj_err *e);

/* Append one audit record (inside the caller's transaction). */
int svc_audit(bzj_ctx *x, const char *action, const char *object, const char *shop_id,
	      const char *before, const char *after, const char *reason, bzj_err *e);
/* JSON text of a shop's money fields, for audit before/after. */
void svc_shop_json(const bzj_shop *s, bzj_json *j);

/* Finish a transaction: commit when rc is BZJ_OK, else roll back. */
int svc_end(bzj_ctx *x, int rc, bzj_err *e);

/* Report progress; returns BZJ_EBUSY "interrupted" when the user asked to
 * stop. */
int svc_progress(bzj_ctx *x, const char *what, long long done, long long total, bzj_err *e);

/* Begin a write: BEGIN IMMEDIATE (a savepoint when nested) and, at the
 * outermost level, catch up on scheduled effective dates inside the same
 * transaction, so a refused change writes nothing at all. */
int svc_begin(bzj_ctx *x, bzj_err *e);

/* Bring recorded requirements and payout restrictions up to date when a
 * scheduled effective date has come (see store.h); cheap when none is due.
 * Its own transaction; for reads that filter on the recorded state (shop
 * lists, check). */
int svc_catch_up(bzj_ctx *x, bzj_err *e);

/* provider.c, for refund.c: an exit refund's payout re-check (payee rules
 * as errors; a frozen or short balance or an open complaint as `why`, the
 * payout then fails like a shop's), and its payment out of the provider's
 * own ledger. */
int svc_provider_refund_recheck(bzj_ctx *x, const bzj_refund *r, char *why, char *why_tr,
				size_t n, bzj_err *e);
int svc_provider_refund_paid(bzj_ctx *x, const bzj_refund *r, bzj_err *e);

/* refund.c, for payout.c: may this approved refund go into a bank batch
 * today?  The very checks of `refund pay` (errors as `refund pay` gives
 * them; a failed re-check records the refund failed, sets *failed and
 * returns "refund.payout_failed"); *payee is the account the bank pays,
 * unmasked.  Nothing is written for a refund that passes: the batch sends
 * them all in one statement (bzj_store_refunds_send).  And record the
 * bank's answer: paid on `on` (booked today) recorded as paid by `by`, or
 * failed with `reason`. */
int svc_refund_send_check(bzj_ctx *x, int64_t id, bzj_refund *out, bzj_payee *payee, bool *failed,
			  bzj_err *e);
/* payout.c, for `bzj check`: every bank batch has its audit record, and
 * the refunds whose batch_id names it are those the record hashed
 * (check.batch_audit); the refunds sealed with a return file's record are
 * those it hashed (check.return_audit). */
int svc_payout_check(bzj_ctx *x, bzj_check_fn fn, void *ctx, int64_t *problems, bzj_err *e);
int svc_refund_returned(bzj_ctx *x, bzj_refund *r, bool paid, bzj_date on, const char *by,
			const char *reason, bzj_err *e);

/* Standards file (libconfig text) into the store. */
int svc_standards_parse(bzj_ctx *x, const char *text, const char *name, int *loaded, bzj_err *e);

/* Bulk jobs (bulk.c; the design is argued in store_bulk.c).  A slicer runs
 * a job as short transactions sized to a time budget, leaving the write
 * lock free between them. */
typedef struct svc_slicer {
	bzj_ctx *x;
	int64_t rows; /* rows for the next slice, adapted to the budget */
	int64_t t0;
	int64_t slices;
	int64_t worst_us; /* the longest slice so far */
	const char *hold; /* BZJ_TEST_SLICE_HOLD */
	int64_t max_rows; /* BZJ_TEST_SLICE_ROWS, else SLICE_MAX_ROWS */
	bool yields;	  /* ends its slice when an operator waits (svc_slice_yield) */
	bool cut;	  /* this slice was ended early for an operator */
	bool waited;	  /* an operator polled during the last slice: leave the gap */
} svc_slicer;
void svc_slice_init(svc_slicer *s, bzj_ctx *x, int64_t first_rows);
/* For a job that can stop between any two rows (the row-wise imports):
 * a slice ends at the row an operator starts waiting (the desk's signal,
 * store_bulk.c), and leaves the gap after it only when one waited;
 * nothing changes where the store cannot tell (PostgreSQL). */
void svc_slice_yielding(svc_slicer *s);
/* Before each row of such a job: true when the slice should end now. */
bool svc_slice_yield(svc_slicer *s);
/* Tests only: wait at point b while FILE holds a number <= b (bulk.c,
 * BZJ_TEST_SLICE_HOLD), writing b to FILE.held; Ctrl-C ends the wait. */
void svc_test_hold(bzj_ctx *x, const char *file, long b);
/* After giving the lock up for a waiting operator: wait until it has it. */
void svc_slice_give_way(const svc_slicer *s);
/* Whether an operator has polled for the lock since the open slice
 * began (never where the store cannot tell), and how long it has held it. */
bool svc_slice_waited(const svc_slicer *s);
int64_t svc_slice_held_us(const svc_slicer *s);
/* BEGIN IMMEDIATE of the next slice (after the gap, from the second on). */
int svc_slice_begin(svc_slicer *s, bzj_err *e);
/* Commit (rc 0) or roll back the slice and size the next one. */
int svc_slice_end(svc_slicer *s, int rc, bzj_err *e);
/* After the last slice: the connection checkpoints by itself again. */
void svc_slice_finish(svc_slicer *s);
/* A new staging job of kind/arg (superseding an unfinished run of the
 * same), after deleting the rows of abandoned jobs in slices. */
int svc_job_start(bzj_ctx *x, const char *kind, const char *arg, bzj_month m_lo, bzj_month m_hi,
		  int64_t *job, bzj_err *e);
/* The same for a job that runs once at a time (the jobs of issue 13's
 * second round): refused with bulk.running (exit 5) while a run of `kind`
 * is alive, whatever its argument; one whose process died is taken over.
 * `what` names the job for the message; lo..hi go to m_lo..m_hi (days for
 * a score import). */
int svc_job_start_excl(bzj_ctx *x, const char *kind, const char *what, const char *arg,
		       int32_t lo, int32_t hi, int64_t *job, bzj_err *e);
/* Best effort: mark a staging job abandoned (its rows stay invisible);
 * `clean`: delete its rows and itself now (a refusal then leaves the
 * database as it was; not after Ctrl-C, which should stop soon). */
void svc_job_abandon(bzj_ctx *x, int64_t job, bool clean);
int svc_bulk_cleanup(bzj_ctx *x, bzj_err *e);
/* bzj_store_sync_all in slices of shops, as of x->today. */
int svc_sync_sliced(bzj_ctx *x, const char *cause, int64_t *synced, bzj_err *e);

#endif
