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
} bzj_driver;

extern const bzj_driver bzj_driver_sqlite;
extern const bzj_driver bzj_driver_pg; /* core/store_pg.c */

#endif
