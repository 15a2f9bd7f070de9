/* ctx.h - one open database with the calendar, config and acting user that
 * every service function works with. */
#ifndef BZJ_CTX_H
#define BZJ_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bzj/auth.h"
#include "bzj/calendar.h"
#include "bzj/config.h"
#include "bzj/date.h"
#include "bzj/err.h"

struct bzj_db;

/* Progress of long operations (import, recompute, demo, check, verify).
 * Return non-zero to ask for a clean stop (Ctrl-C): the operation rolls
 * back and returns BZJ_EBUSY "interrupted". */
typedef int (*bzj_progress_fn)(void *ctx, const char *what, long long done, long long total);

typedef struct bzj_ctx {
	struct bzj_db *db;
	bzj_cal *cal;		/* business-day calendar loaded from the db */
	const bzj_config *cfg;
	bzj_actor actor;
	bzj_date today;
	bzj_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	volatile int *interrupted; /* set by a signal handler; may be NULL */
	int64_t seen_version;	   /* bzj_ctx_others_changed's last answer */
	bool settings_accepting;   /* `settings accept` passes the settings guard */
	/* import.c's check pass: bzj_topup, bzj_shop_add and
	 * bzj_violation_add make every check and return BZJ_OK without
	 * writing (their savepoint rolled back), so no row, and on PostgreSQL
	 * no identity value, is spent on a check */
	bool check_only;
} bzj_ctx;

enum bzj_open_flags {
	BZJ_OPEN_CREATE = 1,   /* create the file and schema if missing */
	BZJ_OPEN_READONLY = 2, /* never write */
	/* a person waits on every statement (the console): PostgreSQL plans
	 * without parallel workers, whose start-up costs more than they save
	 * on a page of rows (store_pg.c) */
	BZJ_OPEN_INTERACTIVE = 4,
};

/* Is `where` a location bzj can open?  A file path (SQLite) and a
 * postgresql:// URI or a libpq service=/key=value string (PostgreSQL) are;
 * another scheme:// is BZJ_EIO "store.backend" naming `source` (e.g.
 * "--db"), the password masked. */
int bzj_ctx_check_location(const char *where, const char *source, bzj_err *e);
/* `where` as it may be shown: a PostgreSQL location's password masked. */
void bzj_ctx_location_safe(const char *where, char *out, size_t n);
/* Does `where` name a database server (PostgreSQL) rather than a file?
 * No file stands for it: `stat` says nothing about whether it exists. */
bool bzj_ctx_is_server(const char *where);
/* Open (and migrate) the database and load its calendar. */
int bzj_ctx_open(bzj_ctx *x, const char *path, int flags, const bzj_config *cfg,
		 const bzj_actor *actor, bzj_err *e);
/* Has another operator (another connection) committed anything since the
 * last call?  The first call only records where things stand.  Cheap
 * enough for a screen to ask every second. */
bool bzj_ctx_others_changed(bzj_ctx *x);
/* Long statements stop when *flag becomes non-zero (Ctrl-C); also sets
 * x->interrupted for the services' own loops. */
void bzj_ctx_set_interrupt(bzj_ctx *x, volatile int *flag);
/* The database's schema version, and its size at a glance. */
int bzj_ctx_schema_version(bzj_ctx *x);
int bzj_ctx_counts(bzj_ctx *x, int64_t *shops, int64_t *ledger, int64_t *refunds, bzj_err *e);
/* Whether a search of 3 or more characters has its index (part of the
 * schema on both backends: bzj_store_search_index); if not, `why` says
 * what is missing. */
bool bzj_ctx_search_index(bzj_ctx *x, char *why, size_t n);
/* Told before a database is migrated (from, to), e.g. to say it may take a
 * while; *stop non-zero cancels the migration (it rolls back). */
typedef void (*bzj_migrate_notice_fn)(int from, int to);
void bzj_ctx_on_migrate(bzj_migrate_notice_fn fn, volatile int *stop);
/* Re-read what other operators may have changed (calendar). */
int bzj_ctx_reload(bzj_ctx *x, bzj_err *e);
/* After a command failed with e: should it run again from the start?
 * Only for a PostgreSQL serialisation failure or deadlock (store.busy
 * from a statement, with nothing written), up to 3 times after a short
 * pause (attempt counts from 0); never for SQLite, whose busy handler
 * has already waited, nor for bzj's own writer lock timing out. */
bool bzj_ctx_retry(bzj_ctx *x, const bzj_err *e, int attempt);
void bzj_ctx_close(bzj_ctx *x);

#endif
