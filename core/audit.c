/* audit.c - the hash-chained audit log.  SHA-256 comes from GNU Nettle: a
 * small, well-kept library that does hashing and nothing else. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bzj/audit.h"
#include "service.h"

/* hash = SHA-256(prev_hash, then every field, each followed by 0x1F), hex. */
static void record_hash(const char *prev, const bzj_audit_rec *r, char out[65])
{
	struct sha256_ctx c;
	char num[48];
	sha256_init(&c);
#define FIELD(s)                                                                                   \
	do {                                                                                       \
		sha256_update(&c, strlen(s), (const uint8_t *)(s));                               \
		sha256_update(&c, 1, (const uint8_t *)"\x1f");                                    \
	} while (0)
	FIELD(prev);
	snprintf(num, sizeof num, "%lld|%d", (long long)r->seq, (int)r->day);
	FIELD(num);
	FIELD(r->at);
	FIELD(r->user);
	FIELD(r->role);
	FIELD(r->action);
	FIELD(r->object);
	FIELD(r->shop_id);
	FIELD(r->before);
	FIELD(r->after);
	FIELD(r->reason);
#undef FIELD
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&c, sizeof d, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int svc_audit(bzj_ctx *x, const char *action, const char *object, const char *shop_id,
	      const char *before, const char *after, const char *reason, bzj_err *e)
{
	bzj_audit_rec r;
	memset(&r, 0, sizeof r);
	char prev[65];
	int64_t last;
	int rc = bzj_store_audit_last(x->db, &last, prev, e);
	if (rc)
		return rc;
	r.seq = last + 1;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(r.at, sizeof r.at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	r.day = x->today;
	snprintf(r.user, sizeof r.user, "%s", x->actor.user);
	snprintf(r.role, sizeof r.role, "%s", bzj_role_name(x->actor.role));
	snprintf(r.action, sizeof r.action, "%s", action);
	snprintf(r.object, sizeof r.object, "%s", object);
	snprintf(r.shop_id, sizeof r.shop_id, "%s", shop_id ? shop_id : "");
	if (snprintf(r.before, sizeof r.before, "%s", before ? before : "{}") >=
		    (int)sizeof r.before ||
	    snprintf(r.after, sizeof r.after, "%s", after ? after : "{}") >= (int)sizeof r.after)
		return bzj_fail(e, BZJ_EIO, "audit.overflow",
				_("the audit record of %s is too large; nothing was written"), action);
	snprintf(r.reason, sizeof r.reason, "%s", reason ? reason : "");
	record_hash(prev, &r, r.hash);
	return bzj_store_audit_insert(x->db, &r, e);
}

int bzj_audit_log(bzj_ctx *x, const char *shop_id, int max, bzj_audit_fn fn, void *ctx,
		  bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the audit log"), e);
	if (rc)
		return rc;
	return bzj_store_audit_each(x->db, shop_id, true, max, fn, ctx, e);
}

typedef struct verify_state {
	bzj_ctx *x;
	bzj_audit_verify_result *r;
	char prev[65];
	int64_t expect_seq;
	bzj_err *e;
} verify_state;

static int verify_one(void *ctx, const bzj_audit_rec *rec)
{
	verify_state *v = ctx;
	char h[65];
	if (rec->seq != v->expect_seq) {
		v->r->ok = false;
		v->r->bad_seq = rec->seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 _("record %lld follows %lld: records were deleted or inserted out of order"),
			 (long long)rec->seq, (long long)(v->expect_seq - 1));
		return 1;
	}
	record_hash(v->prev, rec, h);
	if (strcmp(h, rec->hash) != 0) {
		v->r->ok = false;
		v->r->bad_seq = rec->seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 _("record %lld does not match its hash: it was edited, or a record "
			   "before it was removed or inserted"),
			 (long long)rec->seq);
		return 1;
	}
	memcpy(v->prev, rec->hash, sizeof v->prev);
	v->expect_seq++;
	v->r->entries++;
	if ((v->r->entries & 0xffff) == 0 &&
	    svc_progress(v->x, _("verifying audit log"), v->r->entries, 0, v->e))
		return 2;
	return 0;
}

int bzj_audit_verify(bzj_ctx *x, bzj_audit_verify_result *r, bzj_err *e)
{
	memset(r, 0, sizeof *r);
	bzj_err_clear(e);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("verify the audit log"), e);
	if (rc)
		return rc;
	r->ok = true;
	verify_state v = {.x = x, .r = r, .expect_seq = 1, .e = e};
	/* the records and the head from one snapshot, or a writer committing
	 * in between would look like a deleted record */
	if ((rc = bzj_db_read_begin(x->db, e)))
		return rc;
	rc = bzj_store_audit_each(x->db, NULL, false, 0, verify_one, &v, e);
	if (!rc && e->rc)
		rc = e->rc;
	int64_t head = 0;
	bool found = false;
	if (!rc && r->ok)
		rc = bzj_store_meta_get(x->db, "audit_seq", &head, &found, e);
	if (!rc && r->ok && found && head != r->entries) {
		r->ok = false;
		r->bad_seq = r->entries + 1;
		snprintf(r->problem, sizeof r->problem,
			 _("the log ends at record %lld but %lld were written: the newest records "
			   "were deleted"),
			 (long long)r->entries, (long long)head);
	}
	bzj_db_read_end(x->db);
	return rc;
}
