/* conn.c - the libpq round trip of tests/pg/run.sh: connect to the
 * throw-away server (PGHOST/PGPORT/PGUSER from server.sh), create a
 * database, use it with a prepared statement inside a transaction, drop
 * it.  Exit 0 on success; anything else prints the server's message. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(PGconn *c, const char *what)
{
	fprintf(stderr, "conn: %s: %s", what, c ? PQerrorMessage(c) : "(no connection)\n");
	if (c)
		PQfinish(c);
	return 1;
}

static int run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	return ok ? 0 : fail(c, sql);
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "bzj_conn_test";
	char sql[256];
	PGconn *c = PQconnectdb("dbname=postgres");
	if (PQstatus(c) != CONNECTION_OK)
		return fail(c, "connect to postgres");
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
	if (run(c, sql))
		return 1;
	char info[128];
	snprintf(info, sizeof info, "dbname=%s", db);
	PGconn *d = PQconnectdb(info);
	if (PQstatus(d) != CONNECTION_OK)
		return fail(d, "connect to the new database");
	if (run(d, "BEGIN") || run(d, "CREATE TABLE t(id bigint PRIMARY KEY, fen bigint NOT NULL)"))
		return 1;
	PGresult *p = PQprepare(d, "ins", "INSERT INTO t VALUES ($1::bigint, $2::bigint)", 2, NULL);
	if (PQresultStatus(p) != PGRES_COMMAND_OK) {
		PQclear(p);
		return fail(d, "prepare");
	}
	PQclear(p);
	const char *v[2] = {"1", "9223372036854775807"}; /* int64 fen survive */
	PGresult *r = PQexecPrepared(d, "ins", 2, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		return fail(d, "insert");
	}
	PQclear(r);
	if (run(d, "COMMIT"))
		return 1;
	r = PQexec(d, "SELECT fen FROM t WHERE id = 1");
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
		 !strcmp(PQgetvalue(r, 0, 0), "9223372036854775807");
	PQclear(r);
	PQfinish(d);
	if (!ok)
		return fail(c, "read back the row");
	snprintf(sql, sizeof sql, "DROP DATABASE %s", db);
	if (run(c, sql))
		return 1;
	snprintf(sql, sizeof sql, "SELECT 1 FROM pg_database WHERE datname = '%s'", db);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0;
	PQclear(r);
	PQfinish(c);
	if (!ok) {
		fprintf(stderr, "conn: the database %s is still there after DROP\n", db);
		return 1;
	}
	puts("conn: created, used and dropped a database over libpq");
	return 0;
}
