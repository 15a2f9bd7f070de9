/* payout.h - paying approved refunds through the bank in batches (issue 15):
 * the batch file the bank pays from, the bank's return file, and the list
 * of batches with those still waiting for their return. */
#ifndef BZJ_PAYOUT_H
#define BZJ_PAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/refund.h"

/* One line of the bank file. */
typedef struct bzj_payout_line {
	int64_t refund_id;
	char ref[24];
	char payee_name[BZJ_NAME_MAX + 1];
	char account[BZJ_ACCOUNT_MAX + 1]; /* never masked: the bank pays it */
	int64_t amount_fen;
} bzj_payout_line;

/* A refund left out of the batch, and why (an error code and message, as a
 * single `refund pay` would have given them). */
typedef struct bzj_payout_excluded {
	int64_t refund_id;
	char code[48];
	char msg[512];
} bzj_payout_excluded;

typedef struct bzj_payout_batch {
	int64_t id; /* 0: nothing was payable, no batch and no file */
	bzj_date date;
	char created_by[64];
	bzj_date created_on;
	char file[4096];
	char sha256[65];
	int64_t count, total_fen;
	bzj_date returned_on; /* BZJ_DATE_NONE while the bank has not answered */
	bool flagged;	      /* no return 3 business days after its date */
	bool business_day;    /* its date is a business day */
	/* filled by bzj_payout_batch only (malloc'd; bzj_payout_free) */
	char refunds_sha256[65]; /* its audit record's hash of its refunds' ids */
	bzj_payout_line *lines;
	int nlines;
	bzj_payout_excluded *excluded;
	int nexcluded;
} bzj_payout_batch;

/* The bank file's first line. */
#define BZJ_PAYOUT_HEADER "ref,refund_id,payee_name,account,amount"

/* Gather every approved refund payable on `date` (window open, second
 * approval given where needed), re-check each as `refund pay` does, and
 * send those that pass: one transaction; the bank file is written to
 * `out_path` (never over an existing file) through a temporary file
 * renamed once the batch is committed, and its SHA-256 recorded.  A date
 * that is not a business day, or with nothing payable, makes no batch
 * (b->id 0) and writes no file.  Finance or a supervisor; not in the past. */
int bzj_payout_batch_make(bzj_ctx *x, bzj_date date, const char *out_path, bzj_payout_batch *b,
			  bzj_err *e);
void bzj_payout_free(bzj_payout_batch *b);

typedef struct bzj_payout_return_result {
	int64_t paid, failed, late, unchanged;
	int64_t paid_fen;
	bool already; /* this very file was imported before: nothing changed */
	long line;    /* on an error in the file: its line */
	char sha256[65];
} bzj_payout_return_result;

/* The bank's return file (header ref,status,date,reason; status paid or
 * failed): all lines or none.  A reference that is not a sent refund is
 * refused ("payout.not_sent", r->line names the line). */
int bzj_payout_return(bzj_ctx *x, const char *data, size_t len, bzj_payout_return_result *r,
		      bzj_err *e);

/* How a refund went to the bank, from its batch's audit record (found
 * through the refund's batch_id): who sent it, when (UTC) and on which
 * day, in which batch under which reference, and the record's seq; and
 * from the return file's record its seal names, who recorded the bank's
 * answer and when. */
typedef struct bzj_refund_sent {
	bool sent; /* false: never in a batch */
	int64_t batch_id, audit_seq;
	char bank_ref[24];
	char by[64];
	char at[32];
	bzj_date day;
	/* the bank's answer, when a return file recorded it (its one record,
	 * which the refund's seal names): who imported it, when */
	bool returned;
	int64_t return_seq;
	char return_by[64];
	char return_at[32];
	bzj_date return_day;
} bzj_refund_sent;

int bzj_refund_sent_get(bzj_ctx *x, const bzj_refund *r, bzj_refund_sent *out, bzj_err *e);

/* Batches, newest first; open_only: those still waiting for the return.
 * *flagged counts the open ones past 3 business days. */
int bzj_payout_list(bzj_ctx *x, bool open_only, bzj_payout_batch *out, int max, int *n,
		    int64_t *flagged, bzj_err *e);

#endif
