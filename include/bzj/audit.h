/* audit.h - the append-only, hash-chained audit log.
 *
 * Every state change writes one record in the same transaction as the
 * change.  Each record's hash is SHA-256 over the previous record's hash and
 * the record's own fields, so an edited, deleted, inserted or reordered
 * record breaks the chain at that point. */
#ifndef BZJ_AUDIT_H
#define BZJ_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"

typedef struct bzj_audit_rec {
	int64_t seq;
	char at[32]; /* UTC timestamp, ISO 8601 */
	bzj_date day; /* the business "today" of the action */
	char user[64];
	char role[16];
	char action[48];
	char object[80]; /* "shop:S1", "refund:12" ... */
	char shop_id[33];
	char before[8192]; /* JSON; the largest record bzj writes is ~4 KiB */
	char after[8192];  /* JSON */
	char reason[257];
	char hash[65];
} bzj_audit_rec;

typedef int (*bzj_audit_fn)(void *ctx, const bzj_audit_rec *r);
/* Newest first; shop_id NULL = all. */
int bzj_audit_log(bzj_ctx *x, const char *shop_id, int max, bzj_audit_fn fn, void *ctx,
		  bzj_err *e);

typedef struct bzj_audit_verify_result {
	bool ok;
	int64_t entries;
	int64_t bad_seq; /* first bad record, 0 if ok */
	bool keyed;	    /* records from keyed_from on were checked with the key */
	int64_t keyed_from; /* 0: the whole log is a plain SHA-256 chain */
	char problem[256];
} bzj_audit_verify_result;

int bzj_audit_verify(bzj_ctx *x, bzj_audit_verify_result *r, bzj_err *e);

/* Read the 64-hex-digit audit key at `path` (refused when others may read
 * it or anyone but the owner write it); create it, 0640, when missing and
 * `create`.  Codes audit.key_missing, audit.key_mode, audit.key_invalid,
 * audit.key_io. */
int bzj_audit_key_load(const char *path, bool create, uint8_t key[32], bzj_err *e);
/* Use `key` for the chain and the row seals.  When the log is not keyed
 * yet and `switch_over` (bzj init), switch over now: one transaction,
 * audited as audit.keyed; refused (audit.rekey) when the log holds an
 * audit.keyed record already, i.e. its switch-over point was removed.
 * Without a switch-over, writes are refused (audit.not_keyed). */
int bzj_audit_attach_key(bzj_ctx *x, const uint8_t key[32], bool switch_over, bzj_err *e);

#endif
