/* audit.c - the hash-chained audit log.  SHA-256 and HMAC-SHA256 come from
 * GNU Nettle: a small, well-kept library that does hashing and nothing else.
 *
 * Records before meta 'audit_keyed_from' are chained with plain SHA-256
 * (anyone who can write the file could recompute them); from that record
 * on, with HMAC-SHA256 under the audit key, a file only root and the bzj
 * group can read (config `audit_key`, docs/deploy.md). */
#include <errno.h>
#include <fcntl.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bzj/audit.h"
#include "bzj/text.h"
#include "service.h"

/* hash = SHA-256(prev_hash, then every field, each followed by 0x1F), hex;
 * HMAC-SHA256 with `key` when it is not NULL. */
static void record_hash(const char *prev, const bzj_audit_rec *r, const uint8_t *key,
			char out[65])
{
	struct sha256_ctx c;
	struct hmac_sha256_ctx h;
	char num[48];
	if (key)
		hmac_sha256_set_key(&h, 32, key);
	else
		sha256_init(&c);
#define FIELD(s)                                                                                   \
	do {                                                                                       \
		if (key) {                                                                         \
			hmac_sha256_update(&h, strlen(s), (const uint8_t *)(s));                  \
			hmac_sha256_update(&h, 1, (const uint8_t *)"\x1f");                       \
		} else {                                                                           \
			sha256_update(&c, strlen(s), (const uint8_t *)(s));                       \
			sha256_update(&c, 1, (const uint8_t *)"\x1f");                            \
		}                                                                                  \
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
	if (key)
		hmac_sha256_digest(&h, sizeof d, d);
	else
		sha256_digest(&c, sizeof d, d);
	bzj_hex(d, SHA256_DIGEST_SIZE, out);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int key_create(const char *path, uint8_t key[32], bzj_err *e)
{
	if (getrandom(key, 32, 0) != 32)
		return bzj_fail(e, BZJ_EIO, "audit.key_io",
				_("cannot make an audit key: no random bytes (%s)"), strerror(errno));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return bzj_fail(e, BZJ_EIO, "audit.key_io", _("cannot create the audit key %s: %s"),
				path, strerror(errno));
	char hex[66];
	bzj_hex(key, 32, hex);
	hex[64] = '\n';
	bool ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
	int err = errno;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		unlink(path);
		return bzj_fail(e, BZJ_EIO, "audit.key_io", _("cannot write the audit key %s: %s"),
				path, strerror(err));
	}
	return BZJ_OK;
}

int bzj_audit_key_load(const char *path, bool create, uint8_t key[32], bzj_err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create)
		return key_create(path, key, e);
	if (fd < 0 && errno == ENOENT)
		return bzj_fail(e, BZJ_EPERM, "audit.key_missing",
				_("the audit key %s does not exist; `bzj init` creates it (see "
				  "docs/deploy.md)"),
				path);
	if (fd < 0)
		return bzj_fail(e, BZJ_EPERM, "audit.key_io", _("cannot read the audit key %s: %s"),
				path, strerror(errno));
	struct stat sb;
	char buf[130];
	ssize_t n = -1;
	int rc = BZJ_OK;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		rc = bzj_fail(e, BZJ_EPERM, "audit.key_io", _("the audit key %s is not a file"),
			      path);
	else if (sb.st_mode & (S_IRWXO | S_IWGRP))
		rc = bzj_fail(e, BZJ_EPERM, "audit.key_mode",
			      _("the audit key %s may be read or written by others; refusing to "
				"use it. Fix with: chmod 0640 %s"),
			      path, path);
	else if ((n = read(fd, buf, sizeof buf - 1)) < 64)
		rc = bzj_fail(e, BZJ_EPERM, "audit.key_invalid",
			      _("the audit key %s must hold 64 hexadecimal digits"), path);
	close(fd);
	for (int i = 0; !rc && i < 32; i++) {
		int hi = hexval(buf[2 * i]), lo = hexval(buf[2 * i + 1]);
		if (hi < 0 || lo < 0)
			rc = bzj_fail(e, BZJ_EPERM, "audit.key_invalid",
				      _("the audit key %s must hold 64 hexadecimal digits"), path);
		else
			key[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!rc && n > 64 && buf[64] != '\n')
		rc = bzj_fail(e, BZJ_EPERM, "audit.key_invalid",
			      _("the audit key %s must hold 64 hexadecimal digits"), path);
	return rc;
}

/* The seq from which records are keyed; 0 when the log is not keyed. */
static int keyed_from(bzj_ctx *x, int64_t *from, bzj_err *e)
{
	bool found = false;
	int rc = bzj_store_meta_get(x->db, "audit_keyed_from", from, &found, e);
	if (!found)
		*from = 0;
	return rc;
}

int bzj_audit_attach_key(bzj_ctx *x, const uint8_t key[32], bool switch_over, bzj_err *e)
{
	bzj_db_set_audit_key(x->db, key);
	int64_t from;
	int rc = bzj_store_reseal_pending(x->db, e);
	if (!rc)
		rc = keyed_from(x, &from, e);
	if (rc || from > 0 || !switch_over)
		return rc;
	/* the switch-over: records from the next one on are keyed, and every
	 * row whose plain seal holds is sealed again with the key */
	if ((rc = bzj_db_begin(x->db, e)))
		return rc;
	int64_t last = 0;
	char prev[65];
	rc = keyed_from(x, &from, e);
	int64_t was = 0;
	if (!rc && from == 0)
		rc = bzj_store_audit_find_action(x->db, "audit.keyed", &was, e);
	if (!rc && from == 0 && was > 0)
		rc = bzj_fail(e, BZJ_EPERM, "audit.rekey",
			      _("audit record %lld switched this log to a key, but the switch-over "
				"point is gone: the database was changed outside bzj; restore it "
				"from a backup"),
			      (long long)was);
	if (!rc && from == 0) {
		rc = bzj_store_audit_last(x->db, &last, prev, e);
		if (!rc)
			rc = bzj_store_meta_put(x->db, "audit_keyed_from", last + 1, e);
		if (!rc)
			rc = bzj_store_reseal_keyed(x->db, e);
		char a[64];
		snprintf(a, sizeof a, "{\"keyed_from\":%lld}", (long long)last + 1);
		if (!rc)
			rc = svc_audit(x, "audit.keyed", "audit", NULL, NULL, a,
				       "records and row seals are HMAC-SHA256 from here on", e);
	}
	return svc_end(x, rc, e);
}

int svc_audit(bzj_ctx *x, const char *action, const char *object, const char *shop_id,
	      const char *before, const char *after, const char *reason, bzj_err *e)
{
	/* Every field is written below: no memset of the 16 KiB record (a
	 * bank batch writes one record per refund its re-check fails). */
	bzj_audit_rec r;
	char prev[65];
	int64_t last;
	int rc = bzj_store_audit_last(x->db, &last, prev, e);
	if (rc)
		return rc;
	r.seq = last + 1;
	int64_t from;
	uint8_t key[32];
	bool keyed = bzj_db_audit_key(x->db, key);
	if ((rc = keyed_from(x, &from, e)))
		return rc;
	if (from == 0 && keyed)
		return bzj_fail(e, BZJ_EPERM, "audit.not_keyed",
				_("an audit key is configured but this log was never switched to it "
				  "(or its switch-over point was removed): a supervisor runs `bzj "
				  "init` once; nothing was written"));
	if (from > 0 && !keyed)
		return bzj_fail(e, BZJ_EPERM, "audit.no_key",
				_("this audit log is keyed from record %lld, but no audit key is "
				  "configured (audit_key); nothing was written"),
				(long long)from);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(r.at, sizeof r.at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	r.day = x->today;
	bzj_copy(r.user, sizeof r.user, x->actor.user);
	bzj_copy(r.role, sizeof r.role, bzj_role_name(x->actor.role));
	bzj_copy(r.action, sizeof r.action, action);
	bzj_copy(r.object, sizeof r.object, object);
	bzj_copy(r.shop_id, sizeof r.shop_id, shop_id ? shop_id : "");
	if (!bzj_copy(r.before, sizeof r.before, before ? before : "{}") ||
	    !bzj_copy(r.after, sizeof r.after, after ? after : "{}"))
		return bzj_fail(e, BZJ_EIO, "audit.overflow",
				_("the audit record of %s is too large; nothing was written"), action);
	bzj_copy(r.reason, sizeof r.reason, reason ? reason : "");
	r.hash[0] = 0;
	record_hash(prev, &r, from > 0 && r.seq >= from ? key : NULL, r.hash);
	return bzj_store_audit_insert_after(x->db, &r, prev, e);
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
	int64_t from; /* first keyed record, 0 if none */
	bool keyed;
	uint8_t key[32];
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
	bool want_key = v->from > 0 && rec->seq >= v->from;
	if (want_key && !v->keyed) {
		v->r->ok = false;
		v->r->bad_seq = rec->seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 _("records from %lld are keyed, but no audit key is configured "
			   "(audit_key): they cannot be verified"),
			 (long long)v->from);
		return 1;
	}
	record_hash(v->prev, rec, want_key ? v->key : NULL, h);
	if (strcmp(h, rec->hash) != 0) {
		v->r->ok = false;
		v->r->bad_seq = rec->seq;
		snprintf(v->r->problem, sizeof v->r->problem,
			 want_key ? _("record %lld does not match its HMAC: it was edited, or a "
				      "record before it was removed or inserted, or the audit key is "
				      "not the one the log was written with")
				  : _("record %lld does not match its hash: it was edited, or a record "
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
	v.keyed = bzj_db_audit_key(x->db, v.key);
	/* the records and the head from one snapshot, or a writer committing
	 * in between would look like a deleted record */
	if ((rc = bzj_db_read_begin(x->db, e)))
		return rc;
	rc = keyed_from(x, &v.from, e);
	r->keyed = v.keyed && v.from > 0;
	r->keyed_from = v.from;
	int64_t head0 = 0;
	bool found0 = false;
	if (!rc)
		rc = bzj_store_meta_get(x->db, "audit_seq", &head0, &found0, e);
	/* With a key, the switch-over must be recorded and inside the log:
	 * removing it (or moving it past the end) and recomputing the plain
	 * chain would otherwise pass. */
	if (!rc && v.keyed && (v.from == 0 || v.from > head0)) {
		r->ok = false;
		r->bad_seq = v.from ? v.from : 1;
		snprintf(r->problem, sizeof r->problem, "%s",
			 v.from == 0 ? _("an audit key is configured but the log records no "
					 "switch-over to it: it was removed, or `bzj init` has not run "
					 "since the key was installed")
				     : _("the log says it is keyed from a record after its end: the "
					 "switch-over record was moved"));
		bzj_db_read_end(x->db);
		return BZJ_OK;
	}
	if (!rc)
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
