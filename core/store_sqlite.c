/* store_sqlite.c - the SQLite driver under core/store*.c (issue 16, step 2
 * of docs/store-seam.md): a thin table over sqlite3.
 *
 * A bzj_stmt of this driver is the sqlite3_stmt itself, cast: nothing is
 * allocated per statement and every operation is one call into SQLite.
 * Result codes are SQLite's (store_driver.h numbers ST_* after them), so
 * they pass through untouched, extended codes included (st_error masks
 * them with 0xff). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "bzj/i18n.h"
#include "store_priv.h"

#define S(st) ((sqlite3_stmt *)(st))

/* While another connection writes: wait up to 5 s, retrying every
 * millisecond.  SQLite's own busy_timeout backs off to 100 ms sleeps, so a
 * write could miss the short gaps a bulk job leaves between its slices
 * (bulk.c) and wait far longer than the slice it queued behind; polling
 * at 1 ms gets in at the first gap. */
#define BUSY_WAIT_MS 5000
static int busy_poll(void *ctx, int count)
{
	if (count >= BUSY_WAIT_MS)
		return 0;
	if (ctx) { /* the desk's signal: "an operator waits, now" */
		int64_t us = bzj_db_desk_now();
		/* a hint: if it fails the job ends its slice on its own budget */
		ssize_t w = pwrite((int)(intptr_t)ctx - 1, &us, sizeof us, 0);
		(void)w;
	}
	struct timespec t = {0, 1000000};
	nanosleep(&t, NULL);
	return 1;
}

/* "file:" URI of a path, for ?immutable=1 */
static void uri_of(const char *path, char *out, size_t n)
{
	size_t k = (size_t)snprintf(out, n, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < n; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
			k += (size_t)snprintf(out + k, n - k, "%%%02X", *p);
		else
			out[k++] = (char)*p;
	}
	snprintf(out + k, n - k, "?immutable=1");
}

/* Open the file and set the connection up; ST_OK or a SQLite result code.
 * On failure *conn is left set when SQLite made a handle, so that the
 * caller can read its error (errmsg, sys_errno) before closing it. */
static int sq_open(const char *location, int flags, void **conn, bzj_err *e)
{
	(void)e;
	char uri[3 * 4096 + 32];
	bool readonly = flags & BZJ_DB_READONLY;
	int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	const char *name = location;
	/* No memory statistics: with them every SQLite malloc and free takes
	 * a global mutex and updates counters bzj never reads (4.6% of the
	 * console's start and 3% of a bank batch under callgrind).  Before
	 * the library's first use only; later it refuses, harmlessly. */
	static bool configured;
	if (!configured) {
		configured = true;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	if (flags & BZJ_DB_IMMUTABLE) {
		uri_of(location, uri, sizeof uri);
		name = uri;
		oflags |= SQLITE_OPEN_URI;
	}
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(name, &h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	*conn = h;
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_handler(h, busy_poll, NULL);
	/* Keep the -wal and -shm when the last connection closes (the -wal
	 * emptied): a reader that cannot create them, in a folder it may not
	 * write, can then still open the database (SQLite needs the -shm to
	 * read a WAL database). */
	int persist = 1;
	if (!readonly)
		sqlite3_file_control(h, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	static const char pragmas[] = "PRAGMA foreign_keys = ON;"
				      "PRAGMA synchronous = NORMAL;"
				      "PRAGMA cache_size = -16000;"
				      "PRAGMA temp_store = MEMORY;"
				      "PRAGMA journal_size_limit = 67108864;";
	rc = sqlite3_exec(h, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK && !readonly)
		rc = sqlite3_exec(h, "PRAGMA journal_mode = WAL;", NULL, NULL, NULL);
	/* the first read: fails here when the -shm cannot be had */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	return rc;
}

static void sq_close(void *conn)
{
	sqlite3_close_v2(conn);
}

static int sq_prepare(void *conn, const char *sql, bzj_stmt **st)
{
	sqlite3_stmt *s = NULL;
	/* persistent: every prepared statement is kept in the cache */
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	*st = (bzj_stmt *)s;
	return rc;
}

static void sq_finalize(bzj_stmt *st)
{
	sqlite3_finalize(S(st));
}

static int sq_bind_null(bzj_stmt *st, int i)
{
	return sqlite3_bind_null(S(st), i);
}

static int sq_bind_int(bzj_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(S(st), i, v);
}

static int sq_bind_text(bzj_stmt *st, int i, const char *v, int n)
{
	return sqlite3_bind_text(S(st), i, v, n, SQLITE_TRANSIENT);
}

static int sq_param_index(bzj_stmt *st, const char *name)
{
	return sqlite3_bind_parameter_index(S(st), name);
}

static int sq_step(bzj_stmt *st)
{
	return sqlite3_step(S(st));
}

static void sq_reset(bzj_stmt *st)
{
	sqlite3_reset(S(st));
	sqlite3_clear_bindings(S(st));
}

static int sq_col_count(bzj_stmt *st)
{
	return sqlite3_column_count(S(st));
}

static int sq_col_type(bzj_stmt *st, int col)
{
	return sqlite3_column_type(S(st), col); /* ST_T_* are SQLite's numbers */
}

static int64_t sq_col_int(bzj_stmt *st, int col)
{
	return sqlite3_column_int64(S(st), col);
}

static const char *sq_col_text(bzj_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(S(st), col);
}

static int sq_exec(void *conn, const char *sql)
{
	return sqlite3_exec(conn, sql, NULL, NULL, NULL);
}

static int64_t sq_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

static int64_t sq_last_id(void *conn)
{
	return sqlite3_last_insert_rowid(conn);
}

/* PRAGMA data_version: moves when another connection commits (not for
 * this one's own commits, unlike SQLITE_FCNTL_DATA_VERSION). */
static int64_t sq_data_version(void *conn)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(conn, "PRAGMA data_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static const char *sq_errmsg(void *conn)
{
	return sqlite3_errmsg(conn);
}

static int sq_param_count(bzj_stmt *st)
{
	return sqlite3_bind_parameter_count(S(st));
}

static bool sq_in_txn(void *conn)
{
	return !sqlite3_get_autocommit(conn);
}

static int64_t sq_total_changes(void *conn)
{
	return sqlite3_total_changes64(conn);
}

static int sq_sys_errno(void *conn)
{
	return sqlite3_system_errno(conn);
}

static const char *sq_errstr(int rc)
{
	return sqlite3_errstr(rc);
}

static bool sq_moved(void *conn)
{
	int moved = 0;
	return sqlite3_file_control(conn, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK &&
	       moved;
}

/* Long statements check the interrupt flag (Ctrl-C) every few thousand
 * steps; SQLite then fails the statement and the caller rolls back. */
static int on_progress(void *arg)
{
	volatile int *flag = arg;
	return flag && *flag;
}

static void sq_set_interrupt(void *conn, volatile int *flag)
{
	sqlite3_progress_handler(conn, flag ? 10000 : 0, flag ? on_progress : NULL, (void *)flag);
}

/* Bulk mode (bulk.c): the connection's automatic checkpoint would run
 * inside the COMMIT of a slice, so the slicer would time it as lock time
 * and shrink its slices for nothing (the checkpoint runs after the write
 * lock is released).  Instead the hook only notes the WAL's size and the
 * slicer checkpoints in its gap (store_bulk.c: every CKPT_FRAMES frames),
 * which also keeps the backlog an operator's own commit might checkpoint
 * small. */
static int wal_note(void *ctx, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	*(int *)ctx = frames;
	return SQLITE_OK;
}

static void sq_bulk_mode(void *conn, bool on, int *frames)
{
	if (on)
		sqlite3_wal_hook(conn, wal_note, frames);
	else
		sqlite3_wal_autocheckpoint(conn, BZJ_BULK_CKPT_FRAMES);
}

static void sq_checkpoint(void *conn)
{
	sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void sq_autocheckpoint(void *conn, int frames)
{
	sqlite3_wal_autocheckpoint(conn, frames);
}

static void sq_desk_attach(void *conn, int fd)
{
	sqlite3_busy_handler(conn, busy_poll, (void *)(intptr_t)(fd + 1));
}

const bzj_driver bzj_driver_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_null = sq_bind_null,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.param_index = sq_param_index,
	.step = sq_step,
	.reset = sq_reset,
	.col_count = sq_col_count,
	.col_type = sq_col_type,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.exec = sq_exec,
	.changes = sq_changes,
	.last_id = sq_last_id,
	.data_version = sq_data_version,
	.errmsg = sq_errmsg,
	.param_count = sq_param_count,
	.in_txn = sq_in_txn,
	.total_changes = sq_total_changes,
	.sys_errno = sq_sys_errno,
	.errstr = sq_errstr,
	.moved = sq_moved,
	.set_interrupt = sq_set_interrupt,
	.bulk_mode = sq_bulk_mode,
	.checkpoint = sq_checkpoint,
	.autocheckpoint = sq_autocheckpoint,
	.desk_attach = sq_desk_attach,
};

/* The raw handle, for the SQLite-only features fenced in the store files
 * (SQLITE-ONLY markers; docs/store-seam.md lists them): NULL when db is
 * not a SQLite database. */
sqlite3 *st_sqlite(const bzj_db *db)
{
	return db && db->drv == &bzj_driver_sqlite ? db->conn : NULL;
}

sqlite3_stmt *st_sqlite_stmt(st_stmt *st)
{
	return st && st->drv == &bzj_driver_sqlite ? (sqlite3_stmt *)st->s : NULL;
}

int st_sqlite_only(bzj_db *db, const char *what, bzj_err *e)
{
	if (st_sqlite(db))
		return BZJ_OK;
	return bzj_fail(e, BZJ_EIO, "store.backend",
			_("%s needs a SQLite database: the %s store cannot do it yet"), what,
			db->drv->name);
}
