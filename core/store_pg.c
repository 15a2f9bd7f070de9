/* store_pg.c - the PostgreSQL driver on libpq (issue 16, docs/store-seam.md
 * step 5): `bzj_driver_pg`, the table core/store_driver.h defines.
 *
 * Statements: prepare rewrites bzj's SQLite dialect (store_pg_rewrite.c)
 * and PQprepares it once under a name of its own (the store caches the
 * statement by its SQL pointer, so once per statement per connection),
 * with no parameter types: the server infers them from the SQL.  Three
 * corrections: a parameter it infers as int2/int4 is re-prepared as int8
 * (money and ids are bigint: `$1 + 1` must not overflow at 2^31), a
 * parameter number the SQL skips (SQLite allows it) is declared text, and
 * a statement whose parameter types still cannot be inferred (42P18: `$1
 * IS NULL` alone) is prepared at its first step with the bound types (int8
 * for integers, text otherwise).  Inside a transaction the preparation
 * runs under a savepoint: PostgreSQL aborts the transaction on any failed
 * command, SQLite does not on a failed prepare.  Parameters and results
 * are text format; step runs the statement once and walks the PGresult
 * (no single-row mode).
 *
 * last_id: an INSERT into a table with an identity column gets `RETURNING
 * id` from the rewriter; step keeps the last returned value and reports
 * DONE.  Not lastval(): that is one more round trip per insert, and it
 * returns the last value of any sequence the session used, so a trigger
 * inserting into another identity table would change it (SQLite's
 * last_insert_rowid is the outer statement's row); nor does it see an id
 * given explicitly.
 *
 * data_version: the bzj_dv row of the baseline schema (store_pg_schema.sql)
 * moves once per writing transaction and records which session wrote;
 * this connection counts the moves made by others.  Not pg_stat_database's
 * xact_commit: it counts read-only transactions too, is flushed at most
 * once a second and is frozen inside a transaction's stats snapshot.
 *
 * Errors (SQLSTATE): 40001, 40P01 -> ST_BUSY (retried); 55P03 -> ST_LOCKED; 23xxx and P0001 (a
 * guard trigger's RAISE EXCEPTION) -> ST_CONSTRAINT with the server's
 * primary message (the trigger's text); 08xxx, 57P01-57P03 or a lost
 * connection -> ST_IOERR naming the host, never the password; 28P01,
 * 28000 -> ST_AUTH; 53100 -> ST_FULL; 42501 -> ST_PERM; 25006 ->
 * ST_READONLY; 57014 -> ST_INTERRUPT; the rest ST_ERROR. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>

#include "bzj/ctx.h"
#include "bzj/i18n.h"
#include "bzj/store.h"
#include "store_driver.h"
#include "store_pg.h"
#include "store_pg_lib.h"

enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
       OID_TEXT = 25, OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700 };

/* Statements the store finalized (st_prepare_once: the search's and
 * lists' statements built per query), kept prepared on the server by
 * their text instead of DEALLOCATEd, so the same text prepared again
 * costs no round trip: a search keystroke prepared and deallocated its
 * page and count statements every time (prepare, describe, deallocate:
 * three round trips each, and the parse).  The oldest is deallocated when
 * the pool is full, so a console running for hours keeps at most this
 * many. */
#define RETIRED_MAX 48
/* A retired statement is kept only while it has run fewer times than
 * this: PostgreSQL plans a prepared statement for its parameters (a
 * custom plan) for its first five executions and may then switch to one
 * generic plan.  The search's statements need their custom plans (a
 * prefix range or a trigram pattern known only from the parameter): a
 * generic plan for a 1-character page took 2.1 s in a trial at 20,000
 * shops.  So a text runs at most five times under one name, as each of
 * these one-shot statements used to run once. */
#define RETIRED_RUNS 5

typedef struct pgc {
	PGconn *c;
	int flags;
	char host[320]; /* host:port, for messages */
	char msg[1024];
	int64_t changes, last_id;
	int64_t total; /* total_changes: rows this connection's statements changed */
	unsigned seq; /* statement names */
	/* statements finalized but still prepared on the server, by text
	 * (pg_finalize: the retired pool) */
	struct retired {
		char *text;
		char name[32];
		bool deferred;
		char sig[64];
		int runs;
	} pool[RETIRED_MAX];
	int npool;
	/* data_version */
	char session[40];
	bool dv_have, dv_init;
	int64_t dv_seen, dv_version;
	volatile int *stop; /* Ctrl-C (pg_set_interrupt): a running statement is cancelled */
} pgc;

struct bzj_stmt {
	pgc *pc;
	bzj_pg_sql q;
	char name[32];
	bool ready;    /* prepared under name */
	bool deferred; /* prepare at step with the bound types */
	char sig[64];  /* deferred: the types it was prepared with */
	int runs;      /* executions under name (RETIRED_RUNS) */
	char **val;    /* bound values (NULL: SQL NULL) */
	bool *isint;
	PGresult *res;
	int row, nrows;
	bool ran;
};

/* ---- errors ------------------------------------------------------------ */

static int map_state(const char *st)
{
	if (!st || !*st)
		return ST_ERROR;
	if (!strcmp(st, "40001") || !strcmp(st, "40P01"))
		return ST_BUSY; /* re-run from the start (bzj_ctx_retry) */
	if (!strcmp(st, "55P03"))
		return ST_LOCKED; /* lock_timeout: it has waited its 5 s already */
	if (!strncmp(st, "23", 2) || !strcmp(st, "P0001"))
		return ST_CONSTRAINT;
	if (!strncmp(st, "08", 2) || !strcmp(st, "57P01") || !strcmp(st, "57P02") ||
	    !strcmp(st, "57P03"))
		return ST_IOERR;
	if (!strcmp(st, "28P01") || !strcmp(st, "28000"))
		return ST_AUTH;
	if (!strcmp(st, "53100"))
		return ST_FULL;
	if (!strcmp(st, "53200"))
		return ST_NOMEM;
	if (!strcmp(st, "42501"))
		return ST_PERM;
	if (!strcmp(st, "25006"))
		return ST_READONLY;
	if (!strcmp(st, "57014"))
		return ST_INTERRUPT;
	if (!strcmp(st, "3D000"))
		return ST_CANTOPEN;
	return ST_ERROR;
}

static void trim_nl(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

/* Record the error of a failed result (r may be NULL: a lost connection)
 * and return its ST_ code. */
static int fail_result(pgc *pc, const PGresult *r)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	int rc = map_state(st);
	if (PQstatus(pc->c) == CONNECTION_BAD)
		rc = ST_IOERR;
	const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *det = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	if (rc == ST_IOERR) {
		snprintf(pc->msg, sizeof pc->msg, "PostgreSQL server %s: %s", pc->host,
			 prim ? prim : PQerrorMessage(pc->c));
	} else if (rc == ST_CONSTRAINT && st && !strcmp(st, "P0001")) {
		snprintf(pc->msg, sizeof pc->msg, "%s", prim ? prim : "");
	} else if (prim) {
		snprintf(pc->msg, sizeof pc->msg, "%s%s%s", prim, det ? ": " : "", det ? det : "");
	} else
		snprintf(pc->msg, sizeof pc->msg, "%s", PQerrorMessage(pc->c));
	trim_nl(pc->msg);
	for (char *q = pc->msg; *q; q++)
		if (*q == '\n' || *q == '\t')
			*q = ' ';
	return rc;
}

/* Run one command with no parameters; ST_OK or the mapped error. */
static int run(pgc *pc, const char *sql)
{
	PGresult *r = PQexec(pc->c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? ST_OK : fail_result(pc, r);
	PQclear(r);
	return rc;
}

/* ---- open and close ------------------------------------------------------ */

/* The SQLSTATE of a connection-time error: libpq keeps no result for it,
 * but in verbose mode its message reads "FATAL:  28P01: ...". */
static const char *conn_state(const char *m, char out[6])
{
	for (const char *p = m; (p = strstr(p, ":  ")); p += 3) {
		const char *q = p + 3;
		if (strlen(q) > 6 && q[5] == ':') {
			bool ok = true;
			for (int i = 0; i < 5; i++)
				if (!((q[i] >= '0' && q[i] <= '9') || (q[i] >= 'A' && q[i] <= 'Z')))
					ok = false;
			if (ok) {
				memcpy(out, q, 5);
				out[5] = 0;
				return out;
			}
		}
	}
	return NULL;
}

/* A connection error for a person: one line, without the verbose mode's
 * SQLSTATE and LOCATION (the code is mapped, the source line is noise). */
static void clean_conn_msg(char *m)
{
	char *loc = strstr(m, "LOCATION:");
	if (loc)
		*loc = 0;
	for (char *q = m; *q; q++)
		if (*q == '\n' || *q == '\t')
			*q = ' ';
	char st[6];
	char *p = strstr(m, ":  ");
	if (p && conn_state(p, st)) /* "FATAL:  28P01: text" -> "FATAL:  text" */
		memmove(p + 3, p + 10, strlen(p + 10) + 1);
	trim_nl(m);
	size_t n = strlen(m);
	while (n && m[n - 1] == ' ')
		m[--n] = 0;
}

static void conn_host(pgc *pc)
{
	const char *h = PQhost(pc->c), *p = PQport(pc->c);
	snprintf(pc->host, sizeof pc->host, "%s:%s", h && *h ? h : "localhost",
		 p && *p ? p : "5432");
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pg_open(const char *location, int flags, void **conn, bzj_err *e)
{
	*conn = NULL;
	int lrc = bzj_pq_load(e);
	if (lrc)
		return lrc;
	char safe[512];
	bzj_store_location_safe(location, safe, sizeof safe);
	pgc *pc = calloc(1, sizeof *pc);
	if (!pc)
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	pc->flags = flags;
	/* never 0, as SQLite's data_version: bzj_ctx_others_changed reads 0
	 * as "not looked yet", and the console missed the first change */
	pc->dv_version = 1;
	pc->c = PQconnectStart(location);
	if (!pc->c) {
		free(pc);
		return bzj_fail(e, BZJ_EIO, "store.nomem", _("out of memory"));
	}
	/* connection-time server errors then carry their SQLSTATE */
	PQsetErrorVerbosity(pc->c, PQERRORS_VERBOSE);
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	while (PQstatus(pc->c) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
	       ps != PGRES_POLLING_FAILED) {
		int fd = PQsocket(pc->c);
		if (fd >= 0 && (ps == PGRES_POLLING_READING || ps == PGRES_POLLING_WRITING)) {
			fd_set fs;
			FD_ZERO(&fs);
			FD_SET(fd, &fs);
			select(fd + 1, ps == PGRES_POLLING_READING ? &fs : NULL,
			       ps == PGRES_POLLING_WRITING ? &fs : NULL, NULL, NULL);
		}
		ps = PQconnectPoll(pc->c);
	}
	conn_host(pc);
	if (PQstatus(pc->c) != CONNECTION_OK) {
		char m[600], st[6];
		snprintf(m, sizeof m, "%s", PQerrorMessage(pc->c));
		trim_nl(m);
		const char *code = conn_state(m, st);
		clean_conn_msg(m);
		int rc = code ? map_state(code) : ST_IOERR;
		if (PQconnectionNeedsPassword(pc->c))
			rc = ST_AUTH;
		int r;
		if (rc == ST_AUTH)
			r = bzj_fail(e, BZJ_EPERM, "store.auth",
				     _("the PostgreSQL server %s refused bzj's login for %s (%s); "
				       "check the credential bzj's group reads (docs/deploy.md); "
				       "nothing was read or written"),
				     pc->host, safe, m);
		else if (rc == ST_CANTOPEN || rc == ST_PERM)
			r = bzj_fail(e, BZJ_EIO, "store.open",
				     _("the PostgreSQL server %s would not open the database %s (%s); "
				       "nothing was read or written"),
				     pc->host, safe, m);
		else
			r = bzj_fail(e, BZJ_EIO, "store.unreachable",
				     _("cannot reach the PostgreSQL server %s for %s (%s); is it "
				       "running? nothing was read or written"),
				     pc->host, safe, m);
		PQfinish(pc->c);
		free(pc);
		return r;
	}
	PQsetErrorVerbosity(pc->c, PQERRORS_DEFAULT);
	/* the server's NOTICEs and WARNINGs (a ROLLBACK with no transaction,
	 * the schema's "role bzj exists") are not bzj's output */
	PQsetNoticeProcessor(pc->c, quiet_notice, NULL);
	PQsetClientEncoding(pc->c, "UTF8");
	/* a name for this session that no other shares (data_version) */
	PGresult *r = PQexec(pc->c, "SELECT set_config('bzj.session', md5(random()::text"
				    " || clock_timestamp()::text || pg_backend_pid()::text), false)");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(pc->session, sizeof pc->session, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	int rc = pc->session[0] ? ST_OK : ST_ERROR;
	/* A lock held by a session that is not bzj's (a DBA's ALTER, a
	 * psql user's open transaction) is waited for as long as SQLite's
	 * busy handler waits, then the statement fails with 55P03, which is
	 * ST_BUSY (store.busy, exit 5): never an operator's command hanging
	 * for ever.  bzj's own writers meet at the advisory lock first
	 * (pg_writer_lock, store.c), with the same 5 s. */
	if (!rc)
		rc = run(pc, "SET lock_timeout = '5s'");
	/* No JIT: bzj's statements are short lookups, and a plan whose cost
	 * passes jit_above_cost (a count over a million shops) paid 50-80 ms
	 * of compiling (measured at 1,000,000 shops).  Best effort: an engine
	 * that speaks the protocol without this setting just keeps its own. */
	if (!rc)
		(void)run(pc, "SET jit = off");
	/* No parallel workers for the console: a Gather's workers start for
	 * every page query, and at 1,000,000 shops with the machine busy a
	 * search page took 78-98 ms with two workers against 22-26 ms
	 * without (measured in psql, the same prepared statement).  Bulk
	 * jobs, reports and bzj check keep them. */
	if (!rc && (flags & BZJ_DB_INTERACTIVE))
		(void)run(pc, "SET max_parallel_workers_per_gather = 0");
	if (!rc && (flags & BZJ_DB_READONLY))
		rc = run(pc, "SET default_transaction_read_only = on");
	if (rc) {
		int x = bzj_fail(e, BZJ_EIO, "store.open",
				 _("the PostgreSQL server %s would not open the database %s (%s); "
				   "nothing was read or written"),
				 pc->host, safe, PQerrorMessage(pc->c));
		PQfinish(pc->c);
		free(pc);
		return x;
	}
	*conn = pc;
	return BZJ_OK;
}

static void pg_close(void *conn)
{
	pgc *pc = conn;
	if (!pc)
		return;
	PQfinish(pc->c);
	for (int i = 0; i < pc->npool; i++)
		free(pc->pool[i].text);
	free(pc);
}

/* ---- statements ---------------------------------------------------------- */

/* What a prepare sends, in one round trip.  Inside a transaction it runs
 * under a savepoint: a statement the server refuses (42P18 below) would
 * otherwise abort the caller's transaction.  One message at a time that
 * was SAVEPOINT, Parse, Describe and RELEASE, four round trips a
 * statement: about 170 of the 209 messages a `topup` exchanged with the
 * server (issue 16).  libpq's pipeline mode sends them together and reads
 * their results in order; after a failure the server skips the rest up
 * to the Sync (PGRES_PIPELINE_ABORTED), and the savepoint is rolled back
 * on its own, as before.  `pre`: a command to run first under the same
 * savepoint (the re-prepare's DEALLOCATE); `*desc`: the parameters'
 * description when asked for and the prepare succeeded (the caller
 * clears it). */
enum { PP_SAVE, PP_PRE, PP_PREP, PP_DESC, PP_REL };

static int prepare_pipe(pgc *pc, const char *pre, const char *name, const bzj_stmt *st,
			const Oid *types, bool guard, PGresult **desc, char state[6])
{
	PGconn *c = pc->c;
	int sent[5], k = 0, rc = ST_OK;
	state[0] = 0;
	if (desc)
		*desc = NULL;
	if (!PQenterPipelineMode(c))
		return fail_result(pc, NULL);
	bool ok = true;
	if (guard && (ok = PQsendQueryParams(c, "SAVEPOINT bzj_prepare", 0, NULL, NULL, NULL, NULL, 0)))
		sent[k++] = PP_SAVE;
	if (ok && pre && (ok = PQsendQueryParams(c, pre, 0, NULL, NULL, NULL, NULL, 0)))
		sent[k++] = PP_PRE;
	if (ok && (ok = PQsendPrepare(c, name, st->q.text, st->q.nparams, types)))
		sent[k++] = PP_PREP;
	if (ok && desc && (ok = PQsendDescribePrepared(c, name)))
		sent[k++] = PP_DESC;
	if (ok && guard &&
	    (ok = PQsendQueryParams(c, "RELEASE SAVEPOINT bzj_prepare", 0, NULL, NULL, NULL, NULL, 0)))
		sent[k++] = PP_REL;
	/* what was queued is synced and read even when a later send failed,
	 * so the connection leaves pipeline mode with nothing pending */
	bool synced = PQstatus(c) == CONNECTION_OK && PQpipelineSync(c);
	if (!ok || !synced)
		rc = fail_result(pc, NULL);
	if (!synced) {
		PQexitPipelineMode(c);
		return rc;
	}
	bool saved = false, released = false;
	for (int i = 0; i < k; i++) {
		PGresult *r = PQgetResult(c);
		if (!r) { /* the connection went: nothing more will come */
			if (!rc)
				rc = fail_result(pc, NULL);
			k = 0;
			break;
		}
		ExecStatusType s = PQresultStatus(r);
		if (s != PGRES_COMMAND_OK && s != PGRES_PIPELINE_ABORTED && !rc) {
			const char *ss = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			snprintf(state, 6, "%s", ss ? ss : "");
			rc = fail_result(pc, r);
		} else if (s == PGRES_PIPELINE_ABORTED && !rc)
			rc = ST_ERROR; /* cannot happen before a failure: counted as one */
		if (sent[i] == PP_DESC && s == PGRES_COMMAND_OK && !rc) {
			*desc = r;
			r = NULL;
		}
		if (sent[i] == PP_SAVE && s == PGRES_COMMAND_OK)
			saved = true;
		if (sent[i] == PP_REL && s == PGRES_COMMAND_OK)
			released = true;
		PQclear(r);
		while ((r = PQgetResult(c)) != NULL) /* the end of this command's results */
			PQclear(r);
	}
	if (k > 0 || PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQgetResult(c); /* the Sync's */
		PQclear(r);
	}
	if (!PQexitPipelineMode(c) && !rc)
		rc = fail_result(pc, NULL);
	if (rc && desc && *desc) {
		PQclear(*desc);
		*desc = NULL;
	}
	if (saved && !released && PQstatus(c) == CONNECTION_OK) {
		char keep[sizeof pc->msg];
		memcpy(keep, pc->msg, sizeof keep);
		run(pc, "ROLLBACK TO SAVEPOINT bzj_prepare");
		run(pc, "RELEASE SAVEPOINT bzj_prepare");
		memcpy(pc->msg, keep, sizeof keep);
	}
	return rc;
}

/* Prepare st->q.text as st->name with `types` (NULL: inferred); ST_OK or
 * the error (*state: SQLSTATE). */
static int prepare_as(bzj_stmt *st, const Oid *types, char state[6])
{
	pgc *pc = st->pc;
	bool guard = PQtransactionStatus(pc->c) == PQTRANS_INTRANS;
	snprintf(st->name, sizeof st->name, "bzj_%u", ++pc->seq);
	st->runs = 0;
	PGresult *d = NULL;
	bool describe = !types && st->q.nparams > 0;
	/* A parameter number the text skips has no type to infer (42P18,
	 * and an ERROR line in the server's log at each connection's first
	 * use): it is declared text, as which any bound value can be sent. */
	Oid *skip = NULL;
	if (!types && st->q.skipped) {
		skip = calloc((size_t)st->q.nparams, sizeof *skip);
		for (int i = 0; skip && i < st->q.nparams && i < 64; i++)
			if (st->q.skipped >> i & 1)
				skip[i] = OID_TEXT;
	}
	int rc = prepare_pipe(pc, NULL, st->name, st, types ? types : skip, guard,
			      describe ? &d : NULL, state);
	free(skip);
	if (rc || !d)
		return rc;
	/* parameters inferred as int2/int4 are re-prepared as int8 */
	int n = PQnparams(d);
	bool narrow = false;
	Oid *t = calloc((size_t)(n ? n : 1), sizeof *t);
	for (int i = 0; t && i < n; i++) {
		t[i] = PQparamtype(d, i);
		if (t[i] == OID_INT2 || t[i] == OID_INT4) {
			t[i] = OID_INT8;
			narrow = true;
		}
	}
	PQclear(d);
	if (narrow && t) {
		char dealloc[64];
		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", st->name);
		snprintf(st->name, sizeof st->name, "bzj_%u", ++pc->seq);
		rc = prepare_pipe(pc, dealloc, st->name, st, t, guard, NULL, state);
	}
	free(t);
	return rc;
}

static void pg_finalize(bzj_stmt *st);

static int pg_prepare(void *conn, const char *sql, bzj_stmt **out)
{
	pgc *pc = conn;
	*out = NULL;
	bzj_stmt *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(pc->msg, sizeof pc->msg, "out of memory");
		return ST_NOMEM;
	}
	st->pc = pc;
	st->row = -1;
	if (bzj_pg_rewrite(sql, 0, &st->q, pc->msg, sizeof pc->msg)) {
		free(st);
		return ST_ERROR;
	}
	int n = st->q.nparams;
	st->val = calloc((size_t)(n ? n : 1), sizeof *st->val);
	st->isint = calloc((size_t)(n ? n : 1), sizeof *st->isint);
	if (!st->val || !st->isint) {
		pg_finalize(st);
		snprintf(pc->msg, sizeof pc->msg, "out of memory");
		return ST_NOMEM;
	}
	for (int i = pc->npool - 1; i >= 0; i--) {
		struct retired *r = &pc->pool[i];
		if (strcmp(r->text, st->q.text) != 0)
			continue;
		/* prepared already: the same text, so the same statement */
		memcpy(st->name, r->name, sizeof st->name);
		st->deferred = r->deferred;
		memcpy(st->sig, r->sig, sizeof st->sig);
		st->runs = r->runs;
		st->ready = true;
		free(r->text);
		memmove(r, r + 1, (size_t)(pc->npool - i - 1) * sizeof *r);
		pc->npool--;
		*out = st;
		return ST_OK;
	}
	char state[6];
	int rc = prepare_as(st, NULL, state);
	if (rc == ST_OK)
		st->ready = true;
	else if (!strcmp(state, "42P18")) /* types not inferable: at the first step */
		st->deferred = true;
	else {
		pg_finalize(st);
		return rc;
	}
	*out = st;
	return ST_OK;
}

static void clear_result(bzj_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	st->ran = false;
}

static void pg_reset(bzj_stmt *st)
{
	clear_result(st);
	for (int i = 0; i < st->q.nparams; i++) {
		free(st->val[i]);
		st->val[i] = NULL;
		st->isint[i] = false;
	}
}

static void pg_finalize(bzj_stmt *st)
{
	if (!st)
		return;
	pg_reset(st);
	pgc *pc = st->pc;
	bool can = PQstatus(pc->c) == CONNECTION_OK &&
		   (PQtransactionStatus(pc->c) == PQTRANS_IDLE ||
		    PQtransactionStatus(pc->c) == PQTRANS_INTRANS);
	char *keep = st->ready && st->runs < RETIRED_RUNS && PQstatus(pc->c) == CONNECTION_OK
			     ? strdup(st->q.text)
			     : NULL;
	if (keep && pc->npool == RETIRED_MAX && can) { /* the oldest goes */
		char sql[64];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", pc->pool[0].name);
		run(pc, sql);
		free(pc->pool[0].text);
		memmove(pc->pool, pc->pool + 1, (RETIRED_MAX - 1) * sizeof pc->pool[0]);
		pc->npool--;
	}
	if (keep && pc->npool < RETIRED_MAX) {
		struct retired *r = &pc->pool[pc->npool++];
		r->text = keep;
		memcpy(r->name, st->name, sizeof r->name);
		r->deferred = st->deferred;
		memcpy(r->sig, st->sig, sizeof r->sig);
		r->runs = st->runs;
	} else {
		free(keep);
		if (st->ready && can) {
			char sql[64];
			snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
			run(pc, sql);
		}
	}
	free(st->val);
	free(st->isint);
	bzj_pg_sql_free(&st->q);
	free(st);
}

static int set_val(bzj_stmt *st, int i, char *v, bool isint)
{
	if (i < 1 || i > st->q.nparams) {
		free(v);
		snprintf(st->pc->msg, sizeof st->pc->msg, "column index out of range");
		return 25; /* SQLite's RANGE */
	}
	free(st->val[i - 1]);
	st->val[i - 1] = v;
	st->isint[i - 1] = isint;
	return ST_OK;
}

static int pg_bind_null(bzj_stmt *st, int i)
{
	return set_val(st, i, NULL, false);
}

static int pg_bind_int(bzj_stmt *st, int i, int64_t v)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)v);
	char *s = strdup(b);
	return s ? set_val(st, i, s, true) : ST_NOMEM;
}

static int pg_bind_text(bzj_stmt *st, int i, const char *v, int n)
{
	if (!v)
		return set_val(st, i, NULL, false);
	size_t len = n < 0 ? strlen(v) : (size_t)n;
	char *s = malloc(len + 1);
	if (!s)
		return ST_NOMEM;
	memcpy(s, v, len);
	s[len] = 0;
	return set_val(st, i, s, false);
}

static int pg_param_count(bzj_stmt *st)
{
	return st->q.nparams;
}

static int pg_param_index(bzj_stmt *st, const char *name)
{
	return bzj_pg_param_index(&st->q, name);
}

/* A deferred statement: prepare it with the types now bound. */
static int prepare_bound(bzj_stmt *st)
{
	int n = st->q.nparams;
	char sig[sizeof st->sig];
	int k = n < (int)sizeof sig - 1 ? n : (int)sizeof sig - 1;
	for (int i = 0; i < k; i++)
		sig[i] = st->isint[i] ? 'i' : 't';
	sig[k] = 0;
	if (st->ready && !strcmp(sig, st->sig))
		return ST_OK;
	Oid *t = calloc((size_t)(n ? n : 1), sizeof *t);
	if (!t)
		return ST_NOMEM;
	for (int i = 0; i < n; i++)
		t[i] = st->isint[i] ? OID_INT8 : OID_TEXT;
	char state[6];
	int rc = prepare_as(st, t, state);
	free(t);
	if (!rc) {
		st->ready = true;
		snprintf(st->sig, sizeof st->sig, "%s", sig);
	}
	return rc;
}

static bool is_dml(const char *status)
{
	return !strncmp(status, "INSERT", 6) || !strncmp(status, "UPDATE", 6) ||
	       !strncmp(status, "DELETE", 6) || !strncmp(status, "MERGE", 5);
}

/* Ctrl-C while a statement runs: SQLite's progress handler stops a
 * statement that is still running when the flag is set; here the server
 * is asked to cancel it (57014 -> ST_INTERRUPT, the caller rolls back).
 * A statement that ends within CANCEL_POLL_MS of starting is never
 * cancelled, so the ROLLBACK or COMMIT after an interrupt still runs.
 * Without it Ctrl-C waited for the statement: a writer queued for the
 * lock waited out its 5 s, a long check or recompute statement its end. */
#define CANCEL_POLL_MS 50

static void cancel_running(pgc *pc)
{
	PGcancel *k = PQgetCancel(pc->c);
	if (!k)
		return;
	char buf[256];
	PQcancel(k, buf, sizeof buf); /* a failed request: the statement just runs on */
	PQfreeCancel(k);
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* PQexecPrepared, waiting on the socket so that Ctrl-C can cancel. */
static PGresult *exec_prepared(pgc *pc, bzj_stmt *st)
{
	const char *const *val = (const char *const *)st->val;
	if (!pc->stop)
		return PQexecPrepared(pc->c, st->name, st->q.nparams, val, NULL, NULL, 0);
	if (!PQsendQueryPrepared(pc->c, st->name, st->q.nparams, val, NULL, NULL, 0))
		return NULL; /* fail_result reads the connection's message */
	int64_t start = now_ms();
	bool cancelled = false;
	while (PQisBusy(pc->c)) {
		struct pollfd p = {.fd = PQsocket(pc->c), .events = POLLIN};
		if (poll(&p, 1, CANCEL_POLL_MS) > 0 && !PQconsumeInput(pc->c))
			break; /* the connection is gone: PQgetResult says so */
		if (!cancelled && *pc->stop && now_ms() - start >= CANCEL_POLL_MS) {
			cancel_running(pc);
			cancelled = true;
		}
	}
	PGresult *r = PQgetResult(pc->c), *more; /* the statement's result */
	while ((more = PQgetResult(pc->c)) != NULL) /* then the NULL that ends it */
		PQclear(more);
	return r;
}

static int pg_step(bzj_stmt *st)
{
	pgc *pc = st->pc;
	if (!st->ran) {
		if (st->deferred) {
			int rc = prepare_bound(st);
			if (rc)
				return rc;
		}
		st->ran = true;
		st->runs++;
		st->res = exec_prepared(pc, st);
		ExecStatusType s = PQresultStatus(st->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			int rc = fail_result(pc, st->res);
			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		const char *cmd = PQcmdStatus(st->res);
		if (is_dml(cmd)) {
			pc->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
			pc->total += pc->changes;
		}
		st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
		if (st->q.returning_added) {
			if (st->nrows > 0)
				pc->last_id = strtoll(PQgetvalue(st->res, st->nrows - 1, 0), NULL, 10);
			st->nrows = 0; /* the added RETURNING is the driver's, not a row */
		}
		st->row = -1;
	}
	if (st->row + 1 < st->nrows) {
		st->row++;
		return ST_ROW;
	}
	st->row = st->nrows;
	return ST_DONE;
}

static bool have_cell(bzj_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(st->res);
}

static int pg_col_count(bzj_stmt *st)
{
	return st->res ? PQnfields(st->res) : 0;
}

static int pg_col_type(bzj_stmt *st, int col)
{
	if (!have_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return ST_T_NULL;
	switch (PQftype(st->res, col)) {
	case OID_INT8:
	case OID_INT4:
	case OID_INT2:
	case OID_OID:
	case OID_BOOL:
		return ST_T_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return ST_T_FLOAT;
	case OID_NUMERIC: /* sum(bigint) is numeric: whole numbers read as integers */
		return strpbrk(PQgetvalue(st->res, st->row, col), ".eEN") ? ST_T_FLOAT : ST_T_INT;
	case OID_BYTEA:
		return ST_T_BLOB;
	default:
		return ST_T_TEXT;
	}
}

static int64_t pg_col_int(bzj_stmt *st, int col)
{
	if (!have_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	Oid t = PQftype(st->res, col);
	if (t == OID_BOOL)
		return v[0] == 't';
	if (t == OID_FLOAT4 || t == OID_FLOAT8 || (t == OID_NUMERIC && strpbrk(v, ".eE")))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(bzj_stmt *st, int col)
{
	if (!have_cell(st, col) || PQgetisnull(st->res, st->row, col))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == OID_BOOL) /* SQLite's booleans are 1 and 0 */
		return v[0] == 't' ? "1" : "0";
	return v;
}

/* A script that is not a transaction's own statement (BEGIN, COMMIT,
 * ROLLBACK, SAVEPOINT, RELEASE, SET): it may have written, as far as
 * total_changes tells. */
static bool may_write(const char *sql)
{
	static const char *const quiet[] = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE",
					    "SET ", "DEALLOCATE"};
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		if (!strncasecmp(sql, quiet[i], strlen(quiet[i])))
			return strchr(sql, ';') != NULL; /* a script that goes on */
	return true;
}

static int pg_exec(void *conn, const char *sql)
{
	pgc *pc = conn;
	bzj_pg_sql q;
	if (bzj_pg_rewrite(sql, BZJ_PG_RW_SCRIPT, &q, pc->msg, sizeof pc->msg))
		return ST_ERROR;
	if (may_write(sql))
		pc->total++;
	int rc = run(pc, q.text);
	bzj_pg_sql_free(&q);
	return rc;
}

/* COPY ... FROM STDIN with the whole input in one buffer: one round trip
 * for thousands of rows (the demo's bulk path).  libpq sends the data in
 * the pieces it likes; the server's error, if any, comes with the final
 * result. */
static int64_t pg_changes(void *conn)
{
	return ((pgc *)conn)->changes;
}

/* The search memo's "did I write?" (store_list.c, memo_sizes): the rows
 * of every INSERT, UPDATE, DELETE or MERGE this connection ran, and one
 * for every script that may have written.  It may count a write that was
 * rolled back: the memo is then measured again, as after a write.
 * data_version (below) counts other sessions' commits only.  Without it
 * the memo was never reused on PostgreSQL: a search keystroke measured
 * its sources twice, for the page and again for the count (10 ms each
 * for a common 3-character term at 20,000 shops). */
static int64_t pg_total_changes(void *conn)
{
	return ((pgc *)conn)->total;
}

static int64_t pg_last_id(void *conn)
{
	return ((pgc *)conn)->last_id;
}

static int64_t pg_data_version(void *conn)
{
	pgc *pc = conn;
	PGTransactionStatusType ts = PQtransactionStatus(pc->c);
	if (ts != PQTRANS_IDLE && ts != PQTRANS_INTRANS)
		return pc->dv_version;
	if (!pc->dv_have) {
		PGresult *r = PQexec(pc->c, "SELECT to_regclass('bzj_dv') IS NOT NULL");
		pc->dv_have = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
			      PQgetvalue(r, 0, 0)[0] == 't';
		PQclear(r);
		if (!pc->dv_have)
			return pc->dv_version;
	}
	PGresult *r = PQexec(pc->c, "SELECT n, who, handover FROM bzj_dv");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		int64_t n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		const char *who = PQgetvalue(r, 0, 1);
		int64_t handover = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
		if (!pc->dv_init) {
			pc->dv_init = true;
		} else if (n != pc->dv_seen && (strcmp(who, pc->session) || handover > pc->dv_seen))
			pc->dv_version++;
		pc->dv_seen = n;
	}
	PQclear(r);
	return pc->dv_version;
}

/* COPY ... FROM STDIN: the statement, then the data in pieces of at most
 * 1 MiB, then the end; the result is the statement's (a constraint or a
 * trigger refusing a row fails it whole, as an INSERT would fail). */
static int pg_copy_in(void *conn, const char *copy, const char *data, size_t len, int64_t *rows)
{
	pgc *pc = conn;
	int64_t n = 0;
	if (!rows)
		rows = &n;
	*rows = 0;
	PGresult *r = PQexec(pc->c, copy);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		int rc = fail_result(pc, r);
		PQclear(r);
		return rc ? rc : ST_ERROR;
	}
	PQclear(r);
	bool sent = true;
	for (size_t at = 0; at < len && sent;) {
		size_t k = len - at < ((size_t)1 << 20) ? len - at : ((size_t)1 << 20);
		sent = PQputCopyData(pc->c, data + at, (int)k) == 1;
		at += k;
	}
	PQputCopyEnd(pc->c, sent ? NULL : "bzj: the rows could not be sent");
	int rc = ST_OK;
	while ((r = PQgetResult(pc->c)) != NULL) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			*rows = strtoll(PQcmdTuples(r), NULL, 10);
			pc->changes = *rows;
			pc->total += *rows;
		} else if (!rc)
			rc = fail_result(pc, r);
		PQclear(r);
	}
	return rc;
}

static int pg_copy_out(void *conn, const char *copy,
		       int (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
	pgc *pc = conn;
	PGresult *r = PQexec(pc->c, copy);
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		int rc = fail_result(pc, r);
		PQclear(r);
		return rc ? rc : ST_ERROR;
	}
	PQclear(r);
	bool stop = false;
	char *line;
	int n;
	while ((n = PQgetCopyData(pc->c, &line, 0)) > 0) {
		if (!stop && fn(ctx, line, (size_t)n))
			stop = true; /* the rest is read: the connection stays usable */
		PQfreemem(line);
	}
	int rc = n == -1 ? ST_OK : ST_IOERR;
	while ((r = PQgetResult(pc->c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == ST_OK)
			rc = fail_result(pc, r);
		PQclear(r);
	}
	return rc == ST_OK && stop ? ST_INTERRUPT : rc;
}

static const char *pg_errmsg(void *conn)
{
	return ((pgc *)conn)->msg;
}

static void pg_set_interrupt(void *conn, volatile int *flag)
{
	((pgc *)conn)->stop = flag;
}

const bzj_driver bzj_driver_pg = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_null = pg_bind_null,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.param_index = pg_param_index,
	.step = pg_step,
	.reset = pg_reset,
	.col_count = pg_col_count,
	.col_type = pg_col_type,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.exec = pg_exec,
	.changes = pg_changes,
	.last_id = pg_last_id,
	.data_version = pg_data_version,
	.errmsg = pg_errmsg,
	.copy_out = pg_copy_out,
	.param_count = pg_param_count,
	.total_changes = pg_total_changes,
	.copy_in = pg_copy_in,
	.set_interrupt = pg_set_interrupt,
};
