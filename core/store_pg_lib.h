/* store_pg_lib.h - libpq, loaded when a PostgreSQL location is opened.
 *
 * Private to core/store_pg*.c.  Linking libpq into bzj would load it and
 * the two dozen libraries it needs (TLS, Kerberos, LDAP, SASL) in every
 * process: about 4 ms more per start, measured on this machine (a
 * program that only prints: 0.6 ms, the same linked with -lpq: 4.7 ms),
 * against a console whose first screen is budgeted at the sqlite3
 * shell's 10 ms.  So the SQLite store never pays it: the PostgreSQL
 * driver's open calls bzj_pq_load, which dlopen()s libpq.so.5 once and
 * fills the table below; store_pg.c includes this header after
 * <libpq-fe.h> and every PQ call goes through the table by the macros at
 * the end (a function missing from the list fails the link, since bzj is
 * not linked with -lpq). */
#ifndef BZJ_STORE_PG_LIB_H
#define BZJ_STORE_PG_LIB_H

#include <libpq-fe.h>
#include "bzj/err.h"

#define BZJ_PQ_FUNCS(X)                                                                            \
	X(PQclear)                                                                                 \
	X(PQcmdStatus)                                                                             \
	X(PQcmdTuples)                                                                             \
	X(PQconnectPoll)                                                                           \
	X(PQconnectStart)                                                                          \
	X(PQconnectionNeedsPassword)                                                               \
	X(PQdescribePrepared)                                                                      \
	X(PQenterPipelineMode)                                                                     \
	X(PQerrorMessage)                                                                          \
	X(PQexec)                                                                                  \
	X(PQexecParams)                                                                            \
	X(PQexecPrepared)                                                                          \
	X(PQexitPipelineMode)                                                                      \
	X(PQfinish)                                                                                \
	X(PQfname)                                                                                 \
	X(PQftype)                                                                                 \
	X(PQfreemem)                                                                               \
	X(PQgetCopyData)                                                                           \
	X(PQgetResult)                                                                             \
	X(PQgetisnull)                                                                             \
	X(PQgetlength)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQhost)                                                                                  \
	X(PQnfields)                                                                               \
	X(PQnparams)                                                                               \
	X(PQntuples)                                                                               \
	X(PQparameterStatus)                                                                       \
	X(PQparamtype)                                                                             \
	X(PQpipelineSync)                                                                          \
	X(PQport)                                                                                  \
	X(PQprepare)                                                                               \
	X(PQputCopyData)                                                                           \
	X(PQputCopyEnd)                                                                            \
	X(PQresultErrorField)                                                                      \
	X(PQresultErrorMessage)                                                                    \
	X(PQresultStatus)                                                                          \
	X(PQsendDescribePrepared)                                                                  \
	X(PQsendPrepare)                                                                           \
	X(PQsendQueryParams)                                                                       \
	X(PQbackendPID)                                                                            \
	X(PQcancel)                                                                                \
	X(PQconsumeInput)                                                                          \
	X(PQfreeCancel)                                                                            \
	X(PQgetCancel)                                                                             \
	X(PQisBusy)                                                                                \
	X(PQsendQueryPrepared)                                                                     \
	X(PQsetClientEncoding)                                                                     \
	X(PQsetErrorVerbosity)                                                                     \
	X(PQsetNoticeProcessor)                                                                    \
	X(PQsocket)                                                                                \
	X(PQstatus)                                                                                \
	X(PQtransactionStatus)

typedef struct bzj_pq_table {
#define BZJ_PQ_MEMBER(f) __typeof__(f) *f;
	BZJ_PQ_FUNCS(BZJ_PQ_MEMBER)
#undef BZJ_PQ_MEMBER
} bzj_pq_table;

extern bzj_pq_table bzj_pq;

/* Load libpq once (later calls return at once); store.backend, exit 6,
 * naming the library and how to install it, when it cannot be loaded. */
int bzj_pq_load(bzj_err *e);

#ifndef BZJ_PQ_NO_MACROS
#define PQclear (*bzj_pq.PQclear)
#define PQcmdStatus (*bzj_pq.PQcmdStatus)
#define PQcmdTuples (*bzj_pq.PQcmdTuples)
#define PQconnectPoll (*bzj_pq.PQconnectPoll)
#define PQconnectStart (*bzj_pq.PQconnectStart)
#define PQconnectionNeedsPassword (*bzj_pq.PQconnectionNeedsPassword)
#define PQdescribePrepared (*bzj_pq.PQdescribePrepared)
#define PQenterPipelineMode (*bzj_pq.PQenterPipelineMode)
#define PQerrorMessage (*bzj_pq.PQerrorMessage)
#define PQexec (*bzj_pq.PQexec)
#define PQexecParams (*bzj_pq.PQexecParams)
#define PQexecPrepared (*bzj_pq.PQexecPrepared)
#define PQexitPipelineMode (*bzj_pq.PQexitPipelineMode)
#define PQfinish (*bzj_pq.PQfinish)
#define PQfname (*bzj_pq.PQfname)
#define PQftype (*bzj_pq.PQftype)
#define PQfreemem (*bzj_pq.PQfreemem)
#define PQgetCopyData (*bzj_pq.PQgetCopyData)
#define PQgetResult (*bzj_pq.PQgetResult)
#define PQgetisnull (*bzj_pq.PQgetisnull)
#define PQgetlength (*bzj_pq.PQgetlength)
#define PQgetvalue (*bzj_pq.PQgetvalue)
#define PQhost (*bzj_pq.PQhost)
#define PQnfields (*bzj_pq.PQnfields)
#define PQnparams (*bzj_pq.PQnparams)
#define PQntuples (*bzj_pq.PQntuples)
#define PQparameterStatus (*bzj_pq.PQparameterStatus)
#define PQparamtype (*bzj_pq.PQparamtype)
#define PQpipelineSync (*bzj_pq.PQpipelineSync)
#define PQport (*bzj_pq.PQport)
#define PQprepare (*bzj_pq.PQprepare)
#define PQputCopyData (*bzj_pq.PQputCopyData)
#define PQputCopyEnd (*bzj_pq.PQputCopyEnd)
#define PQresultErrorField (*bzj_pq.PQresultErrorField)
#define PQresultErrorMessage (*bzj_pq.PQresultErrorMessage)
#define PQresultStatus (*bzj_pq.PQresultStatus)
#define PQsendDescribePrepared (*bzj_pq.PQsendDescribePrepared)
#define PQsendPrepare (*bzj_pq.PQsendPrepare)
#define PQsendQueryParams (*bzj_pq.PQsendQueryParams)
#define PQbackendPID (*bzj_pq.PQbackendPID)
#define PQcancel (*bzj_pq.PQcancel)
#define PQconsumeInput (*bzj_pq.PQconsumeInput)
#define PQfreeCancel (*bzj_pq.PQfreeCancel)
#define PQgetCancel (*bzj_pq.PQgetCancel)
#define PQisBusy (*bzj_pq.PQisBusy)
#define PQsendQueryPrepared (*bzj_pq.PQsendQueryPrepared)
#define PQsetClientEncoding (*bzj_pq.PQsetClientEncoding)
#define PQsetErrorVerbosity (*bzj_pq.PQsetErrorVerbosity)
#define PQsetNoticeProcessor (*bzj_pq.PQsetNoticeProcessor)
#define PQsocket (*bzj_pq.PQsocket)
#define PQstatus (*bzj_pq.PQstatus)
#define PQtransactionStatus (*bzj_pq.PQtransactionStatus)
#define PQgetResult (*bzj_pq.PQgetResult)
#define PQputCopyData (*bzj_pq.PQputCopyData)
#define PQputCopyEnd (*bzj_pq.PQputCopyEnd)
#endif

#endif
