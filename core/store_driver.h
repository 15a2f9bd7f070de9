/* store_driver.h - the table of backend operations under core/store*.c
 * (issue 16; design and conversion order: docs/store-seam.md).
 *
 * Private to core/store*.c.  The store functions keep their SQL and their
 * C and reach the database only through a bzj_driver, chosen once by the
 * location's scheme (bzj_store_kind) the way SQLite's OS layer sits behind
 * its VFS table.  A driver sees SQL in bzj's dialect: SQLite's, with
 * parameters written ?N, ? or :name (numbered as SQLite numbers them); a
 * driver for another engine rewrites what it must (parameters, INSERT OR
 * IGNORE, group_concat ...) at prepare time, once per cached statement.
 *
 * Result codes are SQLite's numbers, so the SQLite driver passes them
 * through untouched; another driver maps its own onto them (a PostgreSQL
 * serialization failure is ST_BUSY, a unique violation ST_CONSTRAINT). */
#ifndef BZJ_STORE_DRIVER_H
#define BZJ_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bzj/err.h"

enum {
	ST_OK = 0,
	ST_ERROR = 1,
	ST_PERM = 3,
	ST_BUSY = 5, /* retry: lock timeout, serialization failure, deadlock */
	ST_NOMEM = 7,
	ST_READONLY = 8,
	ST_INTERRUPT = 9,
	ST_IOERR = 10, /* storage or connection gone */
	ST_FULL = 13,
	ST_CANTOPEN = 14,
	ST_CONSTRAINT = 19, /* CHECK, UNIQUE, NOT NULL, a guard trigger */
	ST_AUTH = 23,       /* authentication refused (exit 4) */
	ST_ROW = 100,
	ST_DONE = 101,
	/* added with the SQLite driver: codes st_error tells apart */
	ST_LOCKED = 6,   /* SQLite: a table locked by this connection (as BUSY) */
	ST_CORRUPT = 11, /* damaged storage */
	ST_MISUSE = 21,  /* a bad bind format (st_bind) */
	ST_NOTADB = 26,  /* not a database */
};

/* Column types for st_col_type. */
enum { ST_T_INT = 1, ST_T_FLOAT = 2, ST_T_TEXT = 3, ST_T_BLOB = 4, ST_T_NULL = 5 };

typedef struct bzj_stmt bzj_stmt; /* a prepared statement, cached by SQL pointer */

typedef struct bzj_driver {
	const char *name; /* "sqlite", "postgresql" */
	/* Open a connection to `location` (a path or a URI the driver claims)
	 * with BZJ_DB_* flags; *conn is the driver's own handle. */
	int (*open)(const char *location, int flags, void **conn, bzj_err *e);
	void (*close)(void *conn);
	int (*prepare)(void *conn, const char *sql, bzj_stmt **st);
	void (*finalize)(bzj_stmt *st);
	/* Parameters from 1; text is copied (NULL binds NULL). */
	int (*bind_null)(bzj_stmt *st, int i);
	int (*bind_int)(bzj_stmt *st, int i, int64_t v);
	int (*bind_text)(bzj_stmt *st, int i, const char *v, int n);
	int (*param_index)(bzj_stmt *st, const char *name); /* ":day" -> 1.., 0 if none */
	int (*step)(bzj_stmt *st);                          /* ST_ROW, ST_DONE, or an error */
	void (*reset)(bzj_stmt *st);                        /* and clear the bindings */
	int (*col_count)(bzj_stmt *st);
	int (*col_type)(bzj_stmt *st, int col);
	int64_t (*col_int)(bzj_stmt *st, int col);
	const char *(*col_text)(bzj_stmt *st, int col); /* valid until the next step/reset */
	/* A script of statements with no parameters (DDL, migrations). */
	int (*exec)(void *conn, const char *sql);
	/* Rows the last INSERT/UPDATE/DELETE changed; the last inserted id. */
	int64_t (*changes)(void *conn);
	int64_t (*last_id)(void *conn);
	/* A number that moves when another connection commits (the console's
	 * live refresh; SQLite's data_version). */
	int64_t (*data_version)(void *conn);
	/* The last error's text, for st_error's message. */
	const char *(*errmsg)(void *conn);

	/* Added with the SQLite driver (issue 16 step 2).  Every one is
	 * optional: NULL means "not this engine", and store_priv.h's helpers
	 * then do what the comment says. */
	/* How many parameters the statement has (st_check binds today as ?1
	 * only when there is one).  NULL: 0. */
	int (*param_count)(bzj_stmt *st);
	/* Is a transaction open on conn (SQLite may roll one back by itself
	 * on some errors)?  NULL: assume yes (ROLLBACK/COMMIT are sent). */
	bool (*in_txn)(void *conn);
	/* Rows changed by this connection since it opened (the search memo's
	 * "did I write?").  NULL: the memo is never reused. */
	int64_t (*total_changes)(void *conn);
	/* The OS errno behind the last I/O error (full disk, read-only file
	 * system, file-size limit).  NULL: 0. */
	int (*sys_errno)(void *conn);
	/* The text of a result code when there is no connection.  NULL: a
	 * generic text. */
	const char *(*errstr)(int rc);
	/* Has the database been deleted, renamed or replaced since it was
	 * opened (a file engine)?  NULL: never. */
	bool (*moved)(void *conn);
	/* Long statements fail with ST_INTERRUPT soon after *flag becomes
	 * non-zero (NULL flag: stop watching).  NULL: not interruptible. */
	void (*set_interrupt)(void *conn, volatile int *flag);
	/* Bulk jobs (store_bulk.c): on = note the log's size in *frames
	 * after each commit instead of checkpointing inside it; off = the
	 * engine's own checkpointing again.  checkpoint: a passive one, in the
	 * slicer's gap.  NULL: nothing to do (a server checkpoints itself). */
	void (*bulk_mode)(void *conn, bool on, int *frames);
	void (*checkpoint)(void *conn);
	/* Let a commit checkpoint the log only once it holds `frames` frames
	 * (an operator's write while a bulk job stages leaves it to the job:
	 * st_desk_checkpoint).  NULL: the engine decides. */
	void (*autocheckpoint)(void *conn, int frames);
	/* The desk's signal (store_bulk.c st_desk_open): while this
	 * connection waits for the write lock, it writes the time of each
	 * poll (CLOCK_MONOTONIC, microseconds, 8 bytes at offset 0) to the
	 * open file `fd`, so that a bulk job can end its slice at once.
	 * NULL: the engine has no such wait to report (a server). */
	void (*desk_attach)(void *conn, int fd);
	/* Rows in bulk: `copy` is the engine's own statement that reads rows
	 * from the client (PostgreSQL's COPY ... FROM STDIN, text format, not
	 * rewritten), data its rows; *rows (when not NULL) the rows it wrote.
	 * NULL: not this engine (the store writes them another way: import
	 * gmv's slices, the demo's bulk path). */
	int (*copy_in)(void *conn, const char *copy, const char *data, size_t len, int64_t *rows);
	/* Rows out in bulk: `copy` is the engine's COPY ... TO STDOUT (text
	 * format, not rewritten); fn gets each row's line (with its newline),
	 * a non-zero return stops it (the rest is read and dropped).  NULL:
	 * not this engine. */
	int (*copy_out)(void *conn, const char *copy,
			int (*fn)(void *ctx, const char *line, size_t len), void *ctx);
} bzj_driver;

/* open's flags. */
enum {
	BZJ_DB_READONLY = 1,  /* never write */
	BZJ_DB_IMMUTABLE = 2, /* nobody writes it while we read (SQLite: ?immutable=1) */
	BZJ_DB_INTERACTIVE = 4, /* a person waits on each statement (BZJ_OPEN_INTERACTIVE) */
};

extern const bzj_driver bzj_driver_sqlite;
extern const bzj_driver bzj_driver_pg; /* core/store_pg.c */

#endif
