/* store.h - the SQLite store.  All SQL of bzj lives in core/store*.c behind
 * these functions, with bound parameters only, so that another backend can
 * be added without touching the rules or the service modules.
 *
 * The database runs in WAL mode with foreign keys on and a busy timeout;
 * every write is one BEGIN IMMEDIATE transaction (bzj_db_begin ..
 * bzj_db_commit).  The schema is versioned with PRAGMA user_version and
 * migrated forward on open.  Ledger and audit rows are append-only:
 * triggers refuse UPDATE and DELETE. */
#ifndef BZJ_STORE_H
#define BZJ_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/assess.h"
#include "bzj/audit.h"
#include "bzj/calendar.h"
#include "bzj/deposit.h"
#include "bzj/ledger.h"
#include "bzj/newbie.h"
#include "bzj/provider.h"
#include "bzj/receipt.h"
#include "bzj/refund.h"
#include "bzj/shop.h"
#include "bzj/violation.h"

typedef struct bzj_db bzj_db;

#define BZJ_SCHEMA_VERSION 27
/* meta key: schema v13 left a keyed database's refund seals to renew once
 * its audit key is attached (bzj_store_reseal_pending). */
#define BZJ_RESEAL_PENDING "reseal_refund_v13"

/* Which store a location names (store_backend.c): a file path is
 * SQLite; a postgresql:// or postgres:// URI or a libpq connection string
 * (service=NAME, host=... dbname=...) is PostgreSQL; another scheme://
 * is unknown.  bzj_store_location_check accepts SQLite and PostgreSQL
 * (bzj_db_open picks the driver) and refuses an unknown one, before a
 * file is touched, with BZJ_EIO "store.backend" naming `source` (--db,
 * BZJ_DB, the config) and the location with its password masked. */
enum bzj_store_kind { BZJ_STORE_SQLITE = 0, BZJ_STORE_POSTGRES = 1, BZJ_STORE_UNKNOWN = 2 };
int bzj_store_kind(const char *where);
void bzj_store_location_safe(const char *where, char *out, size_t n);
int bzj_store_location_check(const char *where, const char *source, bzj_err *e);
int bzj_db_open(const char *path, int flags, bzj_db **out, bzj_err *e);
void bzj_db_close(bzj_db *db);
/* Opened read-only: asked for, or (for an existing database in a folder
 * bzj may not write) the only way it could be read. */
bool bzj_db_readonly(const bzj_db *db);
/* Did the last transaction fail on a PostgreSQL serialisation failure or
 * deadlock (store.busy from a statement), so that running it again from
 * the start may succeed?  Never for SQLite. */
bool bzj_db_busy_retry(const bzj_db *db);
int bzj_db_schema_version(bzj_db *db);
/* A number that changes whenever another connection commits (SQLite's
 * data_version: read from the WAL index, no disk I/O); -1 on error. */
int64_t bzj_db_data_version(bzj_db *db);
/* BEGIN IMMEDIATE (retrying while busy), COMMIT, ROLLBACK. */
int bzj_db_begin(bzj_db *db, bzj_err *e);
int bzj_db_commit(bzj_db *db, bzj_err *e);
/* A check run inside every outermost write transaction, right after BEGIN
 * IMMEDIATE (so it sees what the write will see); an error from it rolls
 * the transaction back and is the write's error.  NULL removes it. */
typedef int (*bzj_write_guard_fn)(void *ctx, bzj_err *e);
void bzj_db_set_write_guard(bzj_db *db, bzj_write_guard_fn fn, void *ctx);
void bzj_db_rollback(bzj_db *db);
/* A read snapshot: every statement until bzj_db_read_end sees the database
 * as it was at the first read (WAL), whatever other writers commit. */
int bzj_db_read_begin(bzj_db *db, bzj_err *e);
void bzj_db_read_end(bzj_db *db);
/* Transaction nesting depth: 0 none, 1 the outermost, more for savepoints. */
int bzj_db_depth(const bzj_db *db);
/* Make long statements stop when *flag becomes non-zero (Ctrl-C). */
void bzj_db_set_interrupt(bzj_db *db, volatile int *flag);
/* A schema upgrade on open can take a while on a large database (version 6
 * rebuilds the search index: about 30 s at a million shops).  `fn` (may be
 * NULL) is called as one starts, so a front end can say so; *stop turning
 * non-zero (Ctrl-C) rolls the whole upgrade back and the open fails with
 * "interrupted".  Process-wide; set it before opening. */
typedef void (*bzj_migrate_fn)(int from, int to);
void bzj_db_on_migrate(bzj_migrate_fn fn, volatile int *stop);
/* Bulk GMV import: every row upserted into gmv, in order, by one
 * statement inside the caller's transaction (shop_id is not copied).
 * `progress` (may be NULL) is called every 16384 rows; non-zero stops the
 * statement: BZJ_EBUSY "interrupted".  A row whose shop does not exist
 * fails it as a whole by the foreign key: BZJ_ERULE "store.constraint"
 * (look the rows up with bzj_store_shop_exists to name them). */
typedef struct bzj_gmv_row {
	const char *shop_id;
	int64_t gmv_fen;
	long line; /* the caller's */
	bzj_month month;
	int id_len; /* strlen(shop_id) */
} bzj_gmv_row;
typedef int (*bzj_gmv_progress_fn)(void *ctx, size_t done, size_t total);
int bzj_store_gmv_import(bzj_db *db, int64_t job, const bzj_gmv_row *rows, size_t n,
			 bzj_gmv_progress_fn progress, void *ctx, bzj_err *e);

/* Bulk jobs (store_bulk.c, where the design is argued): rows tagged with a
 * job stay invisible to every reader until the job is published. */
/* m_lo..m_hi: the months the job writes rows for (its clean-up looks there). */
int bzj_store_job_start(bzj_db *db, const char *kind, const char *arg, bzj_month m_lo,
			bzj_month m_hi, const char *user, bzj_date day, int64_t *id, bzj_err *e);
int bzj_store_job_beat(bzj_db *db, int64_t id, bzj_err *e);
/* Whether a staging job of `kind` is still running (its user and pid);
 * jobs whose process died on this host are marked abandoned. */
int bzj_store_job_live(bzj_db *db, const char *kind, bool *live, char *user, size_t user_len,
		       int64_t *pid, bzj_err *e);
/* *published is false when the job was superseded (abandoned) meanwhile. */
int bzj_store_job_publish(bzj_db *db, int64_t id, int64_t rows, bool *published, bzj_err *e);
int bzj_store_job_abandon(bzj_db *db, int64_t id, bzj_err *e);
/* Delete a job that wrote no rows (a re-sync's, core/bulk.c). */
int bzj_store_job_drop(bzj_db *db, int64_t id, bzj_err *e);
/* Delete up to `limit` rows of one abandoned job (the job itself once it
 * has none); *done when no abandoned job is left. */
int bzj_store_job_cleanup(bzj_db *db, int64_t limit, bool *done, bzj_err *e);
int bzj_store_shop_total(bzj_db *db, int64_t *n, bzj_err *e);
/* While a bulk job runs: checkpoint only when asked (between slices). */
void bzj_db_bulk_mode(bzj_db *db, bool on);
void bzj_db_bulk_checkpoint(bzj_db *db);
/* The desk's signal (store_bulk.c): the time (CLOCK_MONOTONIC, in
 * microseconds) at which an operator's write last polled for the lock
 * this database's writers share; 0 when none has; -1 when this store
 * cannot tell (PostgreSQL, a read-only or in-memory database, a -desk
 * file bzj does not trust), and then a job keeps its short slices. */
int64_t bzj_db_desk_last(bzj_db *db);
/* Now on the desk signal's clock (CLOCK_MONOTONIC, microseconds): what
 * an operator's poll writes, and what a job compares it with. */
int64_t bzj_db_desk_now(void);
int bzj_store_job_pending(bzj_db *db, int64_t *staging, int64_t *abandoned, bzj_err *e);
/* Bulk jobs slice the shops by rowid: the table's own order, no index. */
int bzj_store_shop_rowid_max(bzj_db *db, int64_t *max, bzj_err *e);
/* Stage the month's floating figures of the shops with rowid in (lo, hi]
 * as rows of the job; *staged: how many differ from what readers see. */
int bzj_store_floating_stage(bzj_db *db, int64_t job, bzj_month month, bzj_date effective,
			     bool compare, int64_t lo, int64_t hi, int64_t *staged, bzj_err *e);
/* Whether a reader may see any floating figure of `month` (arg: the month
 * as YYYY-MM); when not, staging need not compare with it. */
int bzj_store_floating_month_seen(bzj_db *db, bzj_month month, const char *arg, bool *seen,
				  bzj_err *e);
int bzj_store_floating_count(bzj_db *db, bzj_date effective, int64_t *shops, bzj_err *e);
/* bzj_store_sync_all for the shops with rowid in (lo, hi]. */
int bzj_store_sync_slice(bzj_db *db, bzj_date day, const char *cause, int64_t lo, int64_t hi,
			 int64_t *changed, bzj_err *e);
int bzj_store_shop_exists(bzj_db *db, const char *id, bool *found, bzj_err *e);
/* True when the database has no shops (demo refuses others). */
int bzj_store_is_empty(bzj_db *db, bool *empty, bzj_err *e);
/* Small integers kept in the meta table. */
int bzj_store_meta_get(bzj_db *db, const char *key, int64_t *value, bool *found, bzj_err *e);
int bzj_store_meta_put(bzj_db *db, const char *key, int64_t value, bzj_err *e);
int bzj_store_reseal_pending(bzj_db *db, bzj_err *e);
/* Counts for check and progress. */
int bzj_store_counts(bzj_db *db, int64_t *shops, int64_t *ledger, int64_t *refunds, bzj_err *e);

/* `bzj copy` (store_copy.c): every row of the SQLite database src into
 * the PostgreSQL database dst, inside dst's open write transaction, with
 * a read snapshot of src held by the caller; each table read back and
 * compared, the identity sequences set, the search postings built.  The
 * tables copied and their rows in out (at most max); fn, when not NULL,
 * is told every 65,536 rows sent or read back (its error stops the
 * copy).  Errors:
 * copy.kind, copy.schema (the two schemas differ), copy.owner (dst's
 * tables belong to another role), copy.verify (a table read back differs
 * from what was read). */
typedef struct bzj_store_copy_table {
	char name[48];
	int64_t rows;
} bzj_store_copy_table;
typedef int (*bzj_store_copy_fn)(void *ctx, int64_t done, bzj_err *e);
int bzj_store_copy(bzj_db *src, bzj_db *dst, bzj_store_copy_table *out, int max, int *nout,
		   bzj_store_copy_fn fn, void *ctx, bzj_err *e);
/* The rows of every table bzj_store_copy reads from src. */
int bzj_store_copy_rows(bzj_db *src, int64_t *rows, bzj_err *e);
/* Is dst as `bzj init` left it?  why is "" when it is, else says what
 * else it holds. */
int bzj_store_copy_target_state(bzj_db *dst, char *why, size_t n, bzj_err *e);

/* calendar */
int bzj_store_calendar_load(bzj_db *db, bzj_cal *c, bzj_err *e);
int bzj_store_calendar_put(bzj_db *db, bzj_date d, int kind, const char *name_en,
			   const char *name_zh, bzj_err *e);
int bzj_store_calendar_year(bzj_db *db, int year, bzj_err *e);

/* standards */
int bzj_store_standard_put(bzj_db *db, const bzj_standard *s, bzj_err *e);
int bzj_store_standards_each(bzj_db *db, bzj_standard_fn fn, void *ctx, bzj_err *e);
int bzj_store_category_known(bzj_db *db, const char *category, bool *known, bzj_err *e);
/* The base for a shop on a day: the highest of its categories' standards
 * in effect; category "" when the shop has none. */
int bzj_store_base_for(bzj_db *db, const char *shop_id, int entity, bzj_date day,
		       int64_t *base_fen, char *category, bzj_date *effective, bzj_err *e);

/* history (one shop, one day): the ledger's sum up to day, the raises of
 * violations in force on day, and whether the month [from, to] had a
 * raise recorded or a refund paid. */
int bzj_store_balance_at(bzj_db *db, const char *shop_id, bzj_date day, int64_t *fen,
			 bzj_err *e);
int bzj_store_raises_at(bzj_db *db, const char *shop_id, bzj_date day, int64_t *fen, bzj_err *e);
int bzj_store_month_events(bzj_db *db, const char *shop_id, bzj_date from, bzj_date to,
			   bool *raise, bool *refund, bzj_err *e);
/* The same for many months at once (a shop's history): for each m[i],
 * the floating figure in force on m[i].day, and unless floating_only the
 * month's events over [from, day] and the balance on day, and for a day
 * on or after `opened` the base (bzj_store_base_for) and the raises in
 * force.  On PostgreSQL in two statements (one lookup at a time was 70
 * round trips to the server for twelve months); the lookups above, one by
 * one, on SQLite. */
typedef struct bzj_store_month {
	bzj_date from, day; /* in */
	bool floating_only; /* in */
	bool raise, refund;
	int64_t floating_fen, balance_fen, base_fen, raises_fen;
} bzj_store_month;
int bzj_store_shop_months(bzj_db *db, const char *shop_id, int entity, bzj_date opened,
			  bzj_store_month *m, int n, bzj_err *e);

/* shops */
int bzj_store_shop_insert(bzj_db *db, const bzj_shop *s, bzj_err *e);
int bzj_store_shop_get(bzj_db *db, const char *id, bzj_shop *s, bzj_err *e);
/* Writes every mutable column and bumps version (s->version updated). */
int bzj_store_shop_update(bzj_db *db, bzj_shop *s, bzj_err *e);
int bzj_store_categories(bzj_db *db, const char *id, char (*cats)[BZJ_CAT_MAX + 1], int max,
			 int *n, bzj_err *e);
int bzj_store_category_add(bzj_db *db, const char *id, const char *category, bzj_date day,
			   bzj_err *e);
/* *removed: whether the shop had it. */
int bzj_store_category_remove(bzj_db *db, const char *id, const char *category, bool *removed,
			      bzj_err *e);
int bzj_store_payee_get(bzj_db *db, const char *id, bzj_payee *p, bzj_err *e);
int bzj_store_payee_insert(bzj_db *db, const char *id, int type, const char *name,
			   const char *account, bzj_date since, bzj_err *e);
/* merchant information changes (append-only) */
int bzj_store_change_insert(bzj_db *db, const bzj_info_change *c, bzj_err *e);
int bzj_store_change_state(bzj_db *db, const char *shop_id, bzj_change_state *out, bzj_err *e);
int bzj_store_shop_list(bzj_db *db, const bzj_shop_query *q, bzj_shop_row *rows, int max, int *n,
			bzj_err *e);
/* Whether a 3+ character search has its index: FTS5 on SQLite, the
 * trigram postings shop_tri on PostgreSQL (schema v27), both part of the
 * schema; false only where someone dropped it (`why` says so). */
bool bzj_store_search_index(bzj_db *db, char *why, size_t n);
int bzj_store_shop_count(bzj_db *db, const bzj_shop_query *q, const bzj_shop_row *pos_of,
			 int64_t *total, int64_t *pos, bzj_err *e);
typedef int (*bzj_shop_id_fn)(void *ctx, const char *id);
int bzj_store_shop_ids(bzj_db *db, bzj_shop_id_fn fn, void *ctx, bzj_err *e);

/* ledger */
int bzj_store_ledger_insert(bzj_db *db, bzj_ledger_entry *le, bzj_err *e);
int bzj_store_ledger_get(bzj_db *db, int64_t id, bzj_ledger_entry *le, bzj_err *e);
int bzj_store_ledger_by_ref(bzj_db *db, const char *ref, bzj_ledger_entry *le, bool *found,
			    bzj_err *e);
int bzj_store_ledger_list(bzj_db *db, const char *shop_id, int64_t before_id,
			  bzj_ledger_entry *out, int max, int *n, bzj_err *e);

/* GMV and floating */
int bzj_store_gmv_put(bzj_db *db, const char *shop_id, bzj_month m, int64_t fen, bzj_err *e);
int bzj_store_floating_at(bzj_db *db, const char *shop_id, bzj_date day, bzj_deposit *d,
			  bzj_err *e);
/* Re-sync cached required/restricted for every shop as of `day`, recording
 * restriction transitions; returns how many changed. */
int bzj_store_sync_all(bzj_db *db, bzj_date day, const char *cause, int64_t *changed,
		       bzj_err *e);

/* Dates on which requirements change by themselves: schedule one (it is
 * due again even if it was synced before), find the earliest due on or
 * before `today`, and mark every date up to `today` done. */
int bzj_store_effective_add(bzj_db *db, bzj_date day, const char *cause, bzj_err *e);
/* Schedule every standards version that takes effect after `today`. */
int bzj_store_effective_standards(bzj_db *db, bzj_date today, bzj_err *e);
int bzj_store_effective_due(bzj_db *db, bzj_date today, bzj_date *day, bool *found, bzj_err *e);
int bzj_store_effective_done(bzj_db *db, bzj_date today, bzj_err *e);

/* violations */
int bzj_store_violation_insert(bzj_db *db, bzj_violation *v, bzj_err *e);
int bzj_store_violation_get(bzj_db *db, int64_t id, bzj_violation *v, bzj_err *e);
int bzj_store_violation_update(bzj_db *db, bzj_violation *v, bzj_err *e);
int bzj_store_violation_list(bzj_db *db, const char *shop_id, bool open_only,
			     const bzj_violation *after, bzj_violation *out, int max, int *n,
			     bzj_err *e);
/* The shop's violations that still owe, oldest (first recorded) first. */
int bzj_store_violations_owing(bzj_db *db, const char *shop_id, bzj_violation *out, int max,
				int *n, bzj_err *e);
int bzj_store_open_violations(bzj_db *db, const char *shop_id, int64_t *n, bzj_err *e);
int bzj_store_raises(bzj_db *db, const char *shop_id, int64_t *sum, int *count, bzj_err *e);

/* refunds */
int bzj_store_refund_insert(bzj_db *db, bzj_refund *r, bzj_err *e);
int bzj_store_refund_get(bzj_db *db, int64_t id, bzj_refund *r, bzj_err *e);
/* Fails with conflict.stale when the row's version is not r->version. */
int bzj_store_refund_update(bzj_db *db, bzj_refund *r, bzj_err *e);
/* Send the approved refunds whose ids are in the JSON array `ids` (n of
 * them) in bank batch `batch_id`: status sent, reference BZJ + the id in
 * nine digits, changed by `user`, in one statement; conflict.stale unless
 * all n were approved. */
int bzj_store_refunds_send(bzj_db *db, int64_t batch_id, const char *user, const char *ids,
			   int64_t n, bzj_err *e);
int bzj_store_refund_list(bzj_db *db, const bzj_refund_query *q, bzj_date today, bzj_refund *out,
			  int max, int *n, bzj_err *e);
/* Today's load of the open queue: see bzj_refund_load (refund.h). */
int bzj_store_refund_load(bzj_db *db, bzj_date today, int64_t second_fen, bzj_queue_load *out,
			  bzj_err *e);
/* Which statement serves a refund query: all, one shop, the open queue,
 * its overdue part. */
enum { BZJ_RV_ALL, BZJ_RV_SHOP, BZJ_RV_OPEN, BZJ_RV_OVERDUE };
int bzj_store_refund_variant(const bzj_refund_query *q);
int bzj_store_refund_count(bzj_db *db, const bzj_refund_query *q, bzj_date today, int64_t *total,
			   bzj_err *e);
/* Partial refunds of a shop submitted in month m that count against the
 * monthly limit (not rejected, not cancelled). */
int bzj_store_refund_month_count(bzj_db *db, const char *shop_id, bzj_month m, int *n,
				 bzj_err *e);
/* The refund sent to the bank under reference `ref`: BZJ_ENOTFOUND (no
 * message) when none. */
int bzj_store_refund_by_ref(bzj_db *db, const char *ref, bzj_refund *r, bzj_err *e);

/* payout batches (store_payout.c) */
struct bzj_payout_batch;
/* Approved refunds payable on `day`, in due order (malloc'd). */
int bzj_store_payable(bzj_db *db, bzj_date day, int64_t second_fen, int64_t **ids, int *n,
		      bzj_err *e);
int bzj_store_batch_insert(bzj_db *db, struct bzj_payout_batch *b, bzj_err *e);
int bzj_store_batch_finish(bzj_db *db, const struct bzj_payout_batch *b, bzj_err *e);
int bzj_store_batch_get(bzj_db *db, int64_t id, struct bzj_payout_batch *b, bzj_err *e);
/* A batch every refund was left out of, before its commit. */
int bzj_store_batch_delete(bzj_db *db, int64_t id, bzj_err *e);
int bzj_store_batch_list(bzj_db *db, bool open_only, struct bzj_payout_batch *out, int max,
			 int *n, bzj_err *e);
/* Mark the batch returned on `day` once none of its refunds is sent. */
int bzj_store_batch_returned(bzj_db *db, int64_t id, bzj_date day, bzj_err *e);
/* A bank return file's shop refunds, written set-based (payout.c): stage
 * each line (in file order), then apply them all: the ledger entries of
 * the paid ones (balance after = the shop's balance less the refund), the
 * refunds paid (on `day`, by the batch's maker `by`, late after the
 * window) or failed (`reason`, closed today), and each shop's balance,
 * required deposit (REQUIRED_SQL, the C rule), restriction and refund in
 * progress, with a restriction_event where the restriction changes (cause
 * "refund paid" / "refund failed", as `refund pay` records).  restricted
 * receives each shop whose restriction changed, for its audit record. */
typedef struct bzj_ret_line {
	int64_t refund_id;
	char shop_id[33];
	bool paid, late;
	bzj_date day;
	int64_t amount_fen;
	char note[96];
	char reason[257]; /* as bzj_refund.failure_reason holds it */
	char by[64];
} bzj_ret_line;
int bzj_store_ret_stage_begin(bzj_db *db, bzj_err *e);
int bzj_store_ret_stage(bzj_db *db, const bzj_ret_line *l, bzj_err *e);
int bzj_store_ret_apply(bzj_db *db, bzj_date today, const char *user,
			int (*restricted)(void *ctx, const char *shop_id, bool on, int64_t balance,
					  int64_t required, const char *cause),
			void *ctx, bzj_err *e);
/* Every "payout.return" audit record (seq, after), ascending, to fn. */
int bzj_store_return_audits(bzj_db *db, int (*fn)(void *ctx, int64_t seq, const char *after),
			    void *ctx, bzj_err *e);
/* The refunds whose seal names audit record `seq`, ascending, to fn. */
int bzj_store_refunds_sealed_with(bzj_db *db, int64_t seq, int (*fn)(void *ctx, int64_t id),
				  void *ctx, bzj_err *e);
/* The audit record that refund `id`'s seal names, when its action is
 * `action`: *found false otherwise. */
int bzj_store_refund_seal_record(bzj_db *db, int64_t id, const char *action, bzj_audit_rec *r,
				 bool *found, bzj_err *e);
/* The batch's own audit record ("payout.batch"): *found false if none. */
int bzj_store_batch_audit(bzj_db *db, int64_t batch_id, bzj_audit_rec *r, bool *found,
			  bzj_err *e);
/* The ids of the refunds in a batch (batch_id > 0), or of every batch
 * (batch_id 0), ascending, to fn (non-zero stops). */
int bzj_store_batch_refunds(bzj_db *db, int64_t batch_id, int (*fn)(void *ctx, int64_t id),
			    void *ctx, bzj_err *e);
int bzj_store_return_seen(bzj_db *db, const char *sha, bool *seen, bzj_err *e);
int bzj_store_return_insert(bzj_db *db, const char *sha, bzj_date day, const char *user,
			    int64_t paid, int64_t failed, bzj_err *e);

/* The finance reports' queries (store_report.c): rows of integers (iv)
 * and texts (tv, NULL for NULL) to fn, which returns non-zero to stop (that
 * is returned).  a, b: the range's first and last day; today. */
enum {
	BZJ_RQ_MONTH,
	BZJ_RQ_MONTH_PROVIDERS,
	BZJ_RQ_LEDGER_MONTHS,
	BZJ_RQ_LEDGER_PLAIN,
	BZJ_RQ_LATE,
	BZJ_RQ_OVERDUE,
	BZJ_RQ_PAID_DAYS,
	BZJ_RQ_QUEUE_EVENTS,
};
typedef int (*bzj_report_row_fn)(void *ctx, int n, const int64_t *iv, const char *const *tv,
				 bzj_err *e);
int bzj_store_report(bzj_db *db, int q, bzj_date a, bzj_date b, bzj_date today,
		     bzj_report_row_fn fn, void *ctx, bzj_err *e);

/* The refund in progress (submitted or approved), 0 if none. */
int bzj_store_refund_open(bzj_db *db, const char *shop_id, int64_t *id, int64_t *amount,
			  bzj_err *e);

/* receipts */
int bzj_store_receipt_insert(bzj_db *db, bzj_receipt *r, bzj_err *e);
int bzj_store_receipt_by_topup(bzj_db *db, int64_t topup_id, bool *found, bzj_err *e);
int bzj_store_receipt_list(bzj_db *db, const char *shop_id, bzj_receipt *out, int max, int *n,
			   bzj_err *e);
int bzj_store_receipt_void_all(bzj_db *db, const char *shop_id, bzj_err *e);

/* payout restriction transitions */
int bzj_store_restriction_event(bzj_db *db, const char *shop_id, bzj_date day, bool restricted,
				int64_t balance_fen, int64_t required_fen, const char *cause,
				bzj_err *e);

/* settings (issue 16): the newest recorded settings (*found false when
 * none; *doc malloc'd, the caller frees it), and a new record. */
int bzj_store_settings_last(bzj_db *db, int64_t *seq, char fingerprint[65], char **doc,
			    bzj_date *day, char user[64], bool *found, bzj_err *e);
int bzj_store_settings_insert(bzj_db *db, const char *fingerprint, const char *doc, bzj_date day,
			      const char *user, bzj_err *e);
/* Does record `seq` carry bzj's seal (HMAC with the audit key, else
 * SHA-256), i.e. was it written by bzj and not changed since? */
int bzj_store_settings_sealed(bzj_db *db, int64_t seq, bool *sealed, bzj_err *e);
/* The text of the newest record that carries bzj's seal (malloc'd). */
int bzj_store_settings_last_sealed(bzj_db *db, char **doc, bool *found, bzj_err *e);

/* audit */
int bzj_store_audit_last(bzj_db *db, int64_t *seq, char *hash, bzj_err *e);
int bzj_store_audit_insert(bzj_db *db, const bzj_audit_rec *r, bzj_err *e);
int bzj_store_audit_insert_after(bzj_db *db, const bzj_audit_rec *r, const char *prev,
				 bzj_err *e);
/* The first record with this action, 0 if none (a scan: init only). */
int bzj_store_audit_find_action(bzj_db *db, const char *action, int64_t *seq, bzj_err *e);
/* Oldest first (verify) or newest first (log), at most `max` (0 or less: all);
 * `shop_id` NULL for every record, else that shop's through audit_shop. */
int bzj_store_audit_each(bzj_db *db, const char *shop_id, bool newest_first, int max,
			 bzj_audit_fn fn, void *ctx, bzj_err *e);

/* imported files (import.c): the first earlier import of this file and
 * kind, *seq 0 when none; and recording one */
typedef struct bzj_import_file {
	int64_t seq, rows;
	char at[32];
	bzj_date day;
	char user[64];
	char forced[257];
} bzj_import_file;
int bzj_store_import_file_find(bzj_db *db, const char *sha256, const char *kind,
			       bzj_import_file *out, bzj_err *e);
int bzj_store_import_file_add(bzj_db *db, const char *sha256, const char *kind, int64_t seq,
			      const char *at, bzj_date day, const char *user, int64_t rows,
			      const char *forced, bzj_err *e);

/* resumable imports of shops, top-ups and violations (import.c): a run
 * of one file, state 0 incomplete, 1 complete, 2 abandoned; at most one
 * incomplete run of a kind.  runs_open lists the incomplete ones (of
 * `kind`, or of every kind when NULL); run_advance moves the next line and
 * the counts (and the state), refused with import.superseded when the run
 * is no longer incomplete. */
typedef struct bzj_import_run {
	int64_t id, next_line, rows, replayed;
	char sha256[65];
	char kind[16];
	char user[64];
	char at[32];
	bzj_date day;
	int state;
} bzj_import_run;
int bzj_store_import_runs_open(bzj_db *db, const char *kind, bzj_import_run *out, int max,
			       int *n, bzj_err *e);
int bzj_store_import_run_start(bzj_db *db, const bzj_import_run *r, int64_t *id, bzj_err *e);
int bzj_store_import_run_advance(bzj_db *db, int64_t id, int64_t next_line, int64_t rows,
				 int64_t replayed, int state, bzj_err *e);

/* demo: bulk rows with their cached columns (core/demo.c only) */
int bzj_store_demo_shop(bzj_db *db, const bzj_shop *s, bzj_err *e);
int bzj_store_demo_violation(bzj_db *db, bzj_violation *v, bzj_err *e);
int bzj_store_demo_refund(bzj_db *db, bzj_refund *r, bzj_err *e);
/* Many rows at once (multi-row INSERTs): a month's GMV (gmv_fen) and its
 * floating deposit (all four), and ledger entries in order. */
typedef struct bzj_demo_month {
	char shop_id[BZJ_ID_MAX + 1];
	bzj_month month;
	int64_t gmv_fen, floating_fen;
	bzj_date effective;
} bzj_demo_month;
int bzj_store_demo_gmv(bzj_db *db, const bzj_demo_month *rows, size_t n, bzj_err *e);
int bzj_store_demo_floating(bzj_db *db, const bzj_demo_month *rows, size_t n, bzj_err *e);
int bzj_store_demo_ledger(bzj_db *db, const bzj_ledger_entry *rows, size_t n, bzj_err *e);
/* Drop the search-index and seal triggers and the plain indexes of the
 * tables the demo fills; seal, build the indexes in bulk and
 * put the triggers back (same transaction). */
int bzj_store_demo_bulk_begin(bzj_db *db, bzj_err *e);
int bzj_store_demo_shop_money(bzj_db *db, const bzj_shop *s, bzj_err *e);
int bzj_store_bulk_cache(bzj_db *db, bool on, bzj_err *e);
/* A rollback journal for the demo's one transaction (outside it). */
int bzj_store_demo_journal(bzj_db *db, bool bulk, bzj_err *e);
int bzj_store_demo_bulk_end(bzj_db *db, bzj_err *e);
/* The newbie period: new shops' newbie rows (a graduated one by rev1), a
 * score, a risk finding (closed BZJ_DATE_NONE = still open). */
typedef struct bzj_demo_newbie {
	char shop_id[BZJ_ID_MAX + 1];
	int status;
	bzj_date graduated;
} bzj_demo_newbie;
int bzj_store_demo_newbie(bzj_db *db, const bzj_demo_newbie *rows, size_t n, bzj_err *e);
int bzj_store_demo_score(bzj_db *db, const char *shop_id, bzj_date day, int tenths, bzj_err *e);
int bzj_store_demo_risk(bzj_db *db, const char *shop_id, bzj_date opened, const char *note,
			bzj_date closed, bzj_err *e);
/* Fill the cached counters and run ANALYZE. */
int bzj_store_demo_finish(bzj_db *db, bzj_err *e);

/* newbie period (store_newbie.c) */
int bzj_store_newbie_get(bzj_db *db, const char *shop_id, bzj_newbie *n, bzj_err *e);
/* status newbie -> direct (shop add --direct) */
int bzj_store_newbie_direct(bzj_db *db, const char *shop_id, bzj_err *e);
/* status -> graduated on `day`; `lift` logs the end of a cap that day */
int bzj_store_newbie_graduate(bzj_db *db, const char *shop_id, bzj_date day, const char *user,
			      bool lift, bzj_err *e);
int bzj_store_risk_open(bzj_db *db, const char *shop_id, bzj_date day, const char *user,
			const char *note, int64_t *id, bzj_err *e);
int bzj_store_risk_close(bzj_db *db, int64_t id, bzj_date day, const char *user,
			 const char *note, bzj_err *e);
/* Insert a score unless one is recorded for the shop and day: *existing is
 * its tenths then (nothing written), else -1. */
int bzj_store_score_put(bzj_db *db, const char *shop_id, bzj_date day, int tenths, int *existing,
			bzj_err *e);
/* A line of a sliced score import (import.c). */
typedef struct bzj_score_row {
	const char *shop_id;
	bzj_date day;
	int tenths;
	int was; /* bzj_store_score_lookup: -1 none, -2 no such shop, else tenths */
	long line;
} bzj_score_row;
int bzj_store_score_lookup(bzj_db *db, bzj_score_row *rows, size_t n, bzj_err *e);
int bzj_store_score_stage(bzj_db *db, int64_t job, const bzj_score_row *rows, size_t n,
			  int64_t *staged, bzj_err *e);
/* The score of a shop on a day, -1 if none. */
int bzj_store_score_get(bzj_db *db, const char *shop_id, bzj_date day, int *tenths, bzj_err *e);
int bzj_store_newbie_last_run(bzj_db *db, bzj_date *day, bool *found, bzj_err *e);
int bzj_store_newbie_run_get(bzj_db *db, bzj_date day, bzj_newbie_run *r, bool *found,
			     bzj_err *e);
/* Newbie shops a check of `day` covers at most (a progress total). */
int bzj_store_newbie_count(bzj_db *db, bzj_date day, int64_t *n, bzj_err *e);
/* The whole check of `day` (see store_newbie.c): outcomes, cap transitions,
 * the newbie rows and the run record.  `progress` (may be NULL) is called
 * every 16384 shops with `total`; non-zero stops: BZJ_EBUSY "interrupted". */
typedef int (*bzj_newbie_progress_fn)(void *ctx, int64_t done, int64_t total);
int bzj_store_newbie_check(bzj_db *db, bzj_date day, const char *user,
			   bzj_newbie_progress_fn progress, void *ctx, int64_t total,
			   bzj_newbie_run *r, bzj_err *e);
/* The sliced check (newbie.c, store_newbie.c): a slice staged as rows of
 * `job` after shop `lo`; publishing (the run; the fold logs the cap
 * transitions); folding a
 * published check into newbie, `limit` rows a slice. */
int bzj_store_newbie_stage(bzj_db *db, int64_t job, bzj_date day, const char *lo, int64_t limit,
			   char *next, size_t next_len, bool *done, bzj_newbie_run *r, bzj_err *e);
int bzj_store_newbie_publish(bzj_db *db, bzj_date day, const char *user,
			     const bzj_newbie_run *r, bzj_err *e);
int bzj_store_newbie_fold(bzj_db *db, int64_t limit, bool *done, bzj_err *e);
/* service providers (core/store_provider.c) */
int bzj_store_provider_insert(bzj_db *db, const bzj_provider *p, bzj_err *e);
int bzj_store_provider_get(bzj_db *db, const char *id, bzj_provider *p, bzj_err *e);
/* Writes the mutable columns; conflict.stale unless p->version is current. */
int bzj_store_provider_update(bzj_db *db, bzj_provider *p, bzj_err *e);
/* Bindings in force on `day`, open and upheld complaints. */
int bzj_store_provider_stats(bzj_db *db, const char *id, bzj_date day, int64_t *bound,
			     int64_t *open_c, int64_t *upheld_c, bzj_err *e);
/* Providers in id order with their stats on `day`; fn returns non-zero to stop. */
typedef int (*bzj_store_provider_fn)(void *ctx, const bzj_provider *p, int64_t bound,
				     int64_t open_c, int64_t upheld_c);
int bzj_store_provider_list(bzj_db *db, const bzj_provider_query *q, bzj_date day,
			    bzj_store_provider_fn fn, void *ctx, int64_t *total, bzj_err *e);
int bzj_store_pledger_insert(bzj_db *db, const char *pid, bzj_provider_entry *le, bzj_err *e);
int bzj_store_pledger_by_ref(bzj_db *db, const char *ref, bzj_provider_entry *le, char *pid,
			     size_t npid, bool *found, bzj_err *e);
int bzj_store_pledger_list(bzj_db *db, const char *pid, bzj_provider_entry *out, int max, int *n,
			   bzj_err *e);
int bzj_store_ppayee_get(bzj_db *db, const char *pid, bzj_payee *p, bzj_err *e);
int bzj_store_ppayee_insert(bzj_db *db, const char *pid, const char *name, const char *account,
			    bzj_date since, bzj_err *e);
/* A binding of the pair that shares a day with [from, to] (to NONE = open). */
int bzj_store_binding_overlap(bzj_db *db, const char *pid, const char *shop, bzj_date from,
			      bzj_date to, bzj_binding *b, bool *found, bzj_err *e);
int bzj_store_binding_insert(bzj_db *db, bzj_binding *b, bzj_err *e);
/* The pair's binding with no end date. */
int bzj_store_binding_open(bzj_db *db, const char *pid, const char *shop, bzj_binding *b,
			   bool *found, bzj_err *e);
int bzj_store_binding_end(bzj_db *db, int64_t id, bzj_date to, bzj_err *e);
int bzj_store_binding_list(bzj_db *db, const char *pid, bzj_binding *out, int max, int *n,
			   bzj_err *e);
/* One provider's orders in [from, to]: one set-based statement, a fixed
 * few primary-key lookups of the running sums per binding. */
int bzj_store_provider_orders(bzj_db *db, const char *pid, bzj_date from, bzj_date to,
			      int64_t *orders, int64_t *gift, bzj_err *e);
/* The same, summed day by day from the raw paid/gift columns (for tests
 * and checks: must always equal bzj_store_provider_orders). */
int bzj_store_provider_orders_plain(bzj_db *db, const char *pid, bzj_date from, bzj_date to,
				    int64_t *orders, int64_t *gift, bzj_err *e);
typedef struct bzj_order_row {
	const char *shop_id;
	bzj_date day;
	int64_t paid, gift;
	long line;
} bzj_order_row;
/* Upsert every row (inside the caller's transaction), keeping each shop's
 * running sums; a row whose shop does not exist fails it as a whole
 * ("store.constraint"). */
int bzj_store_orders_import(bzj_db *db, const bzj_order_row *rows, size_t n, bzj_err *e);
/* The same as rows of bulk job `job` (import orders, core/import.c):
 * unseen until the job publishes; a re-imported day and the later days
 * whose running sums it moves are staged as newer versions. */
int bzj_store_orders_stage(bzj_db *db, int64_t job, const bzj_order_row *rows, size_t n,
			   int64_t *moved, bzj_err *e);
/* After the job published: delete the versions it superseded (moved > 0
 * from the stage: a day imported again, or later days restaged). */
int bzj_store_orders_prune(bzj_db *db, int64_t job, const bzj_order_row *rows, size_t n,
			   bzj_err *e);
/* Bulk insert for the demo: rows of shops that have no orders yet, each
 * shop's rows together in ascending days; the running sums are carried in
 * memory (prepared multi-row INSERTs). */
int bzj_store_orders_append(bzj_db *db, const bzj_order_row *rows, size_t n, bzj_err *e);
int bzj_store_complaint_insert(bzj_db *db, bzj_complaint *c, bzj_err *e);
int bzj_store_complaint_get(bzj_db *db, int64_t id, bzj_complaint *c, bzj_err *e);
int bzj_store_complaint_update(bzj_db *db, bzj_complaint *c, bzj_err *e);
int bzj_store_complaint_list(bzj_db *db, const char *pid, bzj_complaint *out, int max, int *n,
			     bzj_err *e);
/* The provider's refund in progress (submitted or approved), 0 if none. */
int bzj_store_refund_provider_open(bzj_db *db, const char *pid, int64_t *id, bzj_err *e);
int bzj_store_assess_insert(bzj_db *db, bzj_assessment *a, bzj_err *e);
int bzj_store_assess_get(bzj_db *db, const char *name, bzj_assessment *a, bzj_err *e);
/* Assessments, open ones first, then by the end of their period, newest
 * first. */
int bzj_store_assess_list(bzj_db *db, bzj_assessment *out, int max, int *n, bzj_err *e);
int bzj_store_assess_closed(bzj_db *db, int64_t id, bzj_date day, bzj_err *e);
/* Every provider assessed (industry-belt, certified, certified on or before
 * the cutoff) with its orders in [from, min(to, upto)] and its balance: one
 * set-based statement; or, once closed, the recorded results. */
int bzj_store_assess_rows(bzj_db *db, const bzj_assessment *a, bzj_date upto, bzj_assess_fn fn,
			  void *ctx, bzj_err *e);
/* The same for an open assessment, only the providers whose ids are in
 * `ids_json` (a JSON array of strings): one statement for a console page. */
int bzj_store_assess_rows_of(bzj_db *db, const bzj_assessment *a, bzj_date upto,
			     const char *ids_json, bzj_assess_fn fn, void *ctx, bzj_err *e);
int bzj_store_assess_result(bzj_db *db, int64_t aid, const bzj_assess_row *r, bzj_err *e);
/* What an assessment's figures depend on, marked when they are read
 * (assess.c, the sliced close): the audit log's last record and the
 * providers' change counters.  Moved: a binding, unbinding or orders
 * import recorded since, or a provider row written since. */
typedef struct bzj_assess_mark {
	int64_t audit_seq, providers, versions;
} bzj_assess_mark;
int bzj_store_assess_mark(bzj_db *db, bzj_assess_mark *m, bzj_err *e);
int bzj_store_assess_moved(bzj_db *db, const bzj_assess_mark *m, bool *moved, bzj_err *e);

/* check: each invariant query reports offending rows */
typedef int (*bzj_store_problem_fn)(void *ctx, const char *code, const char *msg);
int bzj_store_check(bzj_db *db, bzj_date today, bzj_store_problem_fn fn, void *ctx,
		    int64_t *problems, bzj_err *e);
/* Row seals (store_seal.c): every sealed row has a seal that matches its
 * values, every seal its row, every seal's audit record exists and is
 * about the row's shop.  Codes check.seal, check.seal_orphan,
 * check.seal_audit. */
int bzj_store_seal_check(bzj_db *db, bzj_store_problem_fn fn, void *ctx, int64_t *problems,
			 bzj_err *e);
/* The schema in the file against the one this bzj creates (check.schema). */
int bzj_store_schema_check(bzj_db *db, bzj_store_problem_fn fn, void *ctx, int64_t *problems,
			   bzj_err *e);
/* The audit key: seals and audit records are HMAC-SHA256 with it. */
void bzj_db_set_audit_key(bzj_db *db, const uint8_t key[32]);
/* Whether a key is set; copies it when `key` is not NULL. */
bool bzj_db_audit_key(const bzj_db *db, uint8_t key[32]);
/* At the switch-over to a key: re-seal, with the key, every row whose
 * plain seal still holds (a row changed before stays unsealed). */
int bzj_store_reseal_keyed(bzj_db *db, bzj_err *e);
/* The service providers' invariants (own ledger, freezes, exit refunds,
 * complaints, bindings); adds to *problems. */
int bzj_store_check_providers(bzj_db *db, bzj_store_problem_fn fn, void *ctx, int64_t *problems,
			      bzj_err *e);

/* check, the rules of issues 10 and 11 (core/store_rules.c): owed per
 * violation and per shop, earmarked freezes, scheduled standards, the
 * 30-day holds and deregistered shops */
int bzj_store_check_rules(bzj_db *db, bzj_date today, bzj_store_problem_fn fn, void *ctx,
			  int64_t *problems, bzj_err *e);

#endif
