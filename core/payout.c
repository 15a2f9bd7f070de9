/* payout.c - bank payout batches (issue 15): a batch is every approved
 * refund payable on its date that passes the very checks of `refund pay`;
 * the bank's return file then says, per reference, paid or failed. */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bzj/money.h"
#include "bzj/payout.h"
#include "bzj/text.h"
#include "service.h"

static void sha256_hex(const char *data, size_t len, char out[65])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&c);
	sha256_update(&c, len, (const uint8_t *)data);
	sha256_digest(&c, sizeof d, d);
	bzj_hex(d, SHA256_DIGEST_SIZE, out);
}

/* Flag a batch the bank has not answered 3 business days after its date. */
static void batch_flag(bzj_ctx *x, bzj_payout_batch *b)
{
	bzj_date due;
	bzj_err ig;
	b->flagged = b->returned_on == BZJ_DATE_NONE &&
		     !bzj_cal_add_business(x->cal, b->date, 3, &due, &ig) && x->today > due;
}

/* ---- the bank file ---------------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t n, cap;
} sbuf;

static int sb_put(sbuf *s, const char *t, size_t n)
{
	if (s->n + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		while (cap < s->n + n + 1)
			cap *= 2;
		char *p = realloc(s->p, cap);
		if (!p)
			return -1;
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->n, t, n);
	s->n += n;
	s->p[s->n] = 0;
	return 0;
}

/* A CSV field, byte-faithful for the bank: quoted (RFC 4180) when it holds
 * a comma, quote or line break, and nothing else changed: a payee name
 * reaches the bank exactly as stored.  No escaping is needed because
 * nothing unsafe can be stored: names pass svc_text (no controls, bidi or
 * invisible characters), accounts are digits, references and amounts are
 * bzj's own.  (The reports' CSV, made for spreadsheets, also guards a
 * leading = + - @; the bank file is for the bank's import, not for a
 * spreadsheet, and a prefixed name would not match the account holder.) */
static int sb_field(sbuf *s, const char *f, bool last)
{
	bool quote = strpbrk(f, ",\"\r\n") != NULL;
	int rc = 0;
	if (quote)
		rc |= sb_put(s, "\"", 1);
	for (const char *c = f; *c; c++)
		rc |= *c == '"' ? sb_put(s, "\"\"", 2) : sb_put(s, c, 1);
	if (quote)
		rc |= sb_put(s, "\"", 1);
	return rc | sb_put(s, last ? "\r\n" : ",", last ? 2 : 1);
}

static int bank_file(const bzj_payout_batch *b, sbuf *s)
{
	int rc = sb_put(s, BZJ_PAYOUT_HEADER "\r\n", strlen(BZJ_PAYOUT_HEADER) + 2);
	for (int i = 0; i < b->nlines; i++) {
		const bzj_payout_line *l = &b->lines[i];
		char id[24], amt[32];
		bzj_int_text(l->refund_id, id);
		/* yuan.fen (refund.amount_fen > 0 by the schema) */
		if (l->amount_fen >= 0) {
			size_t k = bzj_int_text(l->amount_fen / 100, amt);
			amt[k] = '.';
			amt[k + 1] = (char)('0' + l->amount_fen % 100 / 10);
			amt[k + 2] = (char)('0' + l->amount_fen % 10);
			amt[k + 3] = 0;
		} else {
			snprintf(amt, sizeof amt, "-%lld.%02lld", (long long)(-(l->amount_fen / 100)),
				 (long long)(-(l->amount_fen % 100)));
		}
		rc |= sb_field(s, l->ref, false) | sb_field(s, id, false) |
		      sb_field(s, l->payee_name, false) | sb_field(s, l->account, false) |
		      sb_field(s, amt, true);
	}
	return rc;
}

/* Write `data` to a new temporary file next to `path`, synced; *tmp names it. */
static int write_temp(const char *path, const sbuf *s, char *tmp, size_t n, bzj_err *e)
{
	snprintf(tmp, n, "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return bzj_fail(e, BZJ_EIO, "payout.file",
				_("cannot write the bank file next to %s: %s; nothing was sent"),
				path, strerror(errno));
	fchmod(fd, 0600); /* it holds bank accounts */
	size_t off = 0;
	while (off < s->n) {
		ssize_t w = write(fd, s->p + off, s->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	int err = off < s->n || fsync(fd) != 0 ? errno : 0;
	if (close(fd) != 0 && !err)
		err = errno;
	if (err || off < s->n) {
		unlink(tmp);
		return bzj_fail(e, BZJ_EIO, "payout.file",
				_("cannot write the bank file %s: %s; nothing was sent"), path,
				strerror(err ? err : EIO));
	}
	return BZJ_OK;
}

static int add_excluded(bzj_payout_batch *b, int64_t id, const bzj_err *why, int cap)
{
	if (b->nexcluded >= cap)
		return -1;
	bzj_payout_excluded *x = &b->excluded[b->nexcluded++];
	x->refund_id = id;
	snprintf(x->code, sizeof x->code, "%s", why->code);
	snprintf(x->msg, sizeof x->msg, "%s", why->msg);
	return 0;
}

void bzj_payout_free(bzj_payout_batch *b)
{
	free(b->lines);
	free(b->excluded);
	b->lines = NULL;
	b->excluded = NULL;
	b->nlines = b->nexcluded = 0;
}

/* "BZJ%09lld" without snprintf (a batch writes one per refund): the
 * reference bzj_store_refunds_send gives the refund in SQL. */
static void bank_ref(int64_t id, char out[24])
{
	char num[24];
	size_t k = bzj_int_text(id, num), pad = k < 9 ? 9 - k : 0;
	memcpy(out, "BZJ000000000", 3 + pad);
	memcpy(out + 3 + pad, num, k + 1);
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The batch's refunds named in its audit record: SHA-256 of their ids in
 * ascending order, each in decimal followed by a line feed.  `bzj check`
 * recomputes it from the refunds whose batch_id is the batch. */
static void ids_hash(const int64_t *ids, int64_t n, char out[65])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&c);
	for (int64_t i = 0; i < n; i++) {
		char num[25];
		size_t k = bzj_int_text(ids[i], num);
		num[k++] = '\n';
		sha256_update(&c, k, (const uint8_t *)num);
	}
	sha256_digest(&c, sizeof d, d);
	bzj_hex(d, SHA256_DIGEST_SIZE, out);
}

/* The batch's one audit record: date, count, total, how many were left out,
 * the bank file's hash and its refunds' (ids_hash).  Every refund the batch
 * sent is sealed with this record; its history finds it through batch_id. */
static int batch_audit(bzj_ctx *x, const bzj_payout_batch *b, bzj_err *e)
{
	char obj[48], a[640];
	snprintf(obj, sizeof obj, "payout_batch:%lld", (long long)b->id);
	char d[16];
	snprintf(a, sizeof a,
		 "{\"date\":\"%s\",\"count\":%lld,\"total_fen\":%lld,\"excluded\":%d,"
		 "\"sha256\":\"%s\",\"refunds_sha256\":\"%s\"}",
		 bzj_date_fmt(b->date, d, sizeof d), (long long)b->count, (long long)b->total_fen,
		 b->nexcluded, b->sha256, b->refunds_sha256);
	return svc_audit(x, "payout.batch", obj, NULL, NULL, a, NULL, e);
}

int bzj_payout_batch_make(bzj_ctx *x, bzj_date date, const char *out_path, bzj_payout_batch *b,
			  bzj_err *e)
{
	memset(b, 0, sizeof *b);
	b->date = date;
	b->returned_on = BZJ_DATE_NONE;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_PAY, _("make payout batches"), e);
	if (rc)
		return rc;
	char d1[16], d2[16];
	if (date == BZJ_DATE_NONE)
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("--date: the batch's date is required"));
	if (date < x->today)
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("--date %s is before today (%s): a batch pays on its date, which "
				  "cannot be in the past"),
				bzj_date_fmt(date, d1, sizeof d1), bzj_date_fmt(x->today, d2, sizeof d2));
	if (!out_path || !out_path[0])
		return bzj_fail(e, BZJ_EINPUT, "input.out", _("--out: the bank file to write"));
	struct stat sb;
	if (lstat(out_path, &sb) == 0)
		return bzj_fail(e, BZJ_EBUSY, "payout.file_exists",
				_("%s already exists: a bank file is never overwritten; name another "
				  "with --out"),
				out_path);
	if ((rc = bzj_cal_is_business(x->cal, date, &b->business_day, e)))
		return rc;
	if (!b->business_day)
		return BZJ_OK; /* the bank pays nothing on a holiday: no batch */
	/* The rules are applied as on the batch's date, the day the bank pays. */
	bzj_date today = x->today;
	x->today = date;
	if ((rc = svc_begin(x, e))) {
		x->today = today;
		return rc;
	}
	int64_t *ids = NULL;
	int n = 0;
	int64_t second = x->cfg ? x->cfg->second_approval_fen : INT64_MAX;
	rc = bzj_store_payable(x->db, date, second, &ids, &n, e);
	if (!rc && n > 0) {
		b->lines = calloc((size_t)n, sizeof *b->lines);
		b->excluded = calloc((size_t)n, sizeof *b->excluded);
		if (!b->lines || !b->excluded)
			rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	}
	snprintf(b->created_by, sizeof b->created_by, "%s", x->actor.user);
	b->created_on = today;
	snprintf(b->file, sizeof b->file, "%s", out_path);
	memset(b->sha256, '0', 64);
	if (!rc && n > 0)
		rc = bzj_store_batch_insert(x->db, b, e);
	/* Each refund is re-checked as `refund pay` would (reads only; a failed
	 * re-check is recorded failed with its own audit record, as a single
	 * payout's would be); those that pass are sent together below. */
	int64_t *sent = n > 0 ? calloc((size_t)n, sizeof *sent) : NULL;
	if (!rc && n > 0 && !sent)
		rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	for (int i = 0; !rc && i < n; i++) {
		bzj_refund r;
		bzj_payee p;
		bool failed = false;
		bzj_err why;
		int one = svc_refund_send_check(x, ids[i], &r, &p, &failed, &why);
		if (one == BZJ_EIO || one == BZJ_EBUSY) { /* storage: the whole batch stops */
			*e = why;
			rc = one;
			break;
		}
		if (one) {
			add_excluded(b, ids[i], &why, n);
			continue;
		}
		bzj_payout_line *l = &b->lines[b->nlines++];
		l->refund_id = r.id;
		bank_ref(r.id, l->ref);
		bzj_copy(l->payee_name, sizeof l->payee_name, p.name);
		bzj_copy(l->account, sizeof l->account, p.account);
		l->amount_fen = r.amount_fen;
		sent[b->count++] = r.id;
		b->total_fen += r.amount_fen;
		if (!rc && (i & 255) == 255)
			rc = svc_progress(x, _("payout batch"), i + 1, n, e);
	}
	/* One UPDATE sends them all; every row's seal names the next audit
	 * record, which is the batch's (nothing else is recorded in between). */
	if (!rc && b->count > 0) {
		qsort(sent, (size_t)b->count, sizeof *sent, id_cmp);
		sbuf js = {0};
		int jrc = sb_put(&js, "[", 1);
		for (int64_t i = 0; i < b->count; i++) {
			char num[24];
			if (i)
				jrc |= sb_put(&js, ",", 1);
			size_t k = bzj_int_text(sent[i], num);
			jrc |= sb_put(&js, num, k);
		}
		jrc |= sb_put(&js, "]", 1);
		if (jrc)
			rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		else
			rc = bzj_store_refunds_send(x->db, b->id, x->actor.user, js.p, b->count, e);
		free(js.p);
		ids_hash(sent, b->count, b->refunds_sha256);
	}
	free(sent);
	free(ids);
	sbuf s = {0};
	char tmp[4200] = "";
	if (!rc && b->id && b->count == 0) {
		/* everything was left out: the failures stay recorded, the empty
		 * batch does not (it would wait for a return for ever) */
		rc = bzj_store_batch_delete(x->db, b->id, e);
		b->id = 0;
		b->file[0] = 0;
	}
	if (!rc && b->id && bank_file(b, &s))
		rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	if (!rc && b->id) {
		sha256_hex(s.p, s.n, b->sha256);
		rc = bzj_store_batch_finish(x->db, b, e);
	}
	if (!rc && b->id)
		rc = batch_audit(x, b, e);
	/* The file is complete on disk before the batch is committed, and takes
	 * its name only after: a crash leaves a stray temporary file, never a
	 * bank file for refunds that are not sent. */
	if (!rc && b->count > 0)
		rc = write_temp(out_path, &s, tmp, sizeof tmp, e);
	rc = svc_end(x, rc, e);
	x->today = today;
	free(s.p);
	if (rc) {
		if (tmp[0])
			unlink(tmp);
		b->id = 0;
		return rc;
	}
	if (tmp[0]) {
		/* link() never replaces a file that appeared meanwhile */
		if (link(tmp, out_path) != 0) {
			int err = errno;
			return bzj_fail(e, BZJ_EIO, "payout.file",
					_("batch %lld is recorded but its file could not be named %s "
					  "(%s): it is %s"),
					(long long)b->id, out_path, strerror(err), tmp);
		}
		unlink(tmp);
	}
	return BZJ_OK;
}

/* ---- the return file ---------------------------------------------------------- */

/* A restriction that changed with a shop's refund: its audit record comes
 * after the return's (nothing sealed is written after it). */
typedef struct ret_restr {
	char shop[33];
	char cause[32];
	bool on;
	int64_t balance, required;
} ret_restr;

typedef struct ret_ctx {
	bzj_ctx *x;
	bzj_payout_return_result *r;
	int col[4]; /* ref, status, date, reason */
	int64_t *batches;
	int nbatches, capb;
	bzj_payout_batch batch; /* the last batch read (lines come batch by batch) */
	/* the shops' refunds, staged (bzj_store_ret_stage) and written in one
	 * go after the last line; by id in `slot` (open addressing) */
	bzj_ret_line *lines;
	int64_t nlines, caplines;
	int64_t *slot; /* index + 1 into lines, 0 free */
	int64_t capslot;
	ret_restr *restr;
	int64_t nrestr, caprestr;
} ret_ctx;

static bzj_ret_line *staged_find(const ret_ctx *c, int64_t id)
{
	if (!c->capslot)
		return NULL;
	for (uint64_t k = (uint64_t)id * 0x9E3779B97F4A7C15ULL;; k++) {
		int64_t v = c->slot[k & (uint64_t)(c->capslot - 1)];
		if (!v)
			return NULL;
		if (c->lines[v - 1].refund_id == id)
			return &c->lines[v - 1];
	}
}

static int staged_add(ret_ctx *c, const bzj_ret_line *l)
{
	if (c->nlines == c->caplines) {
		int64_t cap = c->caplines ? c->caplines * 2 : 256;
		bzj_ret_line *p = realloc(c->lines, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		c->lines = p;
		c->caplines = cap;
	}
	if (2 * (c->nlines + 1) > c->capslot) {
		int64_t cap = c->capslot ? c->capslot * 2 : 1024;
		int64_t *ns = calloc((size_t)cap, sizeof *ns);
		if (!ns)
			return -1;
		free(c->slot);
		c->slot = ns;
		c->capslot = cap;
		for (int64_t i = 0; i < c->nlines; i++) {
			uint64_t k = (uint64_t)c->lines[i].refund_id * 0x9E3779B97F4A7C15ULL;
			while (c->slot[k & (uint64_t)(cap - 1)])
				k++;
			c->slot[k & (uint64_t)(cap - 1)] = i + 1;
		}
	}
	c->lines[c->nlines] = *l;
	uint64_t k = (uint64_t)l->refund_id * 0x9E3779B97F4A7C15ULL;
	while (c->slot[k & (uint64_t)(c->capslot - 1)])
		k++;
	c->slot[k & (uint64_t)(c->capslot - 1)] = ++c->nlines;
	return 0;
}

static int restr_add(void *ctx, const char *shop, bool on, int64_t balance, int64_t required,
		     const char *cause)
{
	ret_ctx *c = ctx;
	if (c->nrestr == c->caprestr) {
		int64_t cap = c->caprestr ? c->caprestr * 2 : 16;
		ret_restr *p = realloc(c->restr, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		c->restr = p;
		c->caprestr = cap;
	}
	ret_restr *t = &c->restr[c->nrestr++];
	snprintf(t->shop, sizeof t->shop, "%s", shop);
	snprintf(t->cause, sizeof t->cause, "%s", cause);
	t->on = on;
	t->balance = balance;
	t->required = required;
	return 0;
}

static int ret_row(void *ctx, long line, char **f, size_t nf, bzj_err *e)
{
	ret_ctx *c = ctx;
	bzj_ctx *x = c->x;
	c->r->line = line;
	if (line == 1 || c->col[0] < 0) {
		static const char *const names[] = {"ref", "status", "date", "reason"};
		for (int k = 0; k < 4; k++) {
			c->col[k] = -1;
			for (size_t i = 0; i < nf; i++)
				if (!strcmp(f[i], names[k]))
					c->col[k] = (int)i;
		}
		if (c->col[0] < 0 || c->col[1] < 0 || c->col[2] < 0 || c->col[3] < 0)
			return bzj_fail(e, BZJ_EINPUT, "import.header",
					_("line %ld: the header must be ref,status,date,reason"),
					line);
		return BZJ_OK;
	}
	const char *ref = (size_t)c->col[0] < nf ? f[c->col[0]] : "";
	const char *status = (size_t)c->col[1] < nf ? f[c->col[1]] : "";
	const char *date = (size_t)c->col[2] < nf ? f[c->col[2]] : "";
	const char *reason = (size_t)c->col[3] < nf ? f[c->col[3]] : "";
	if (nf == 1 && !f[0][0])
		return BZJ_OK; /* a blank line */
	bool paid = !strcmp(status, "paid");
	if (!paid && strcmp(status, "failed"))
		return bzj_fail(e, BZJ_EINPUT, "input.status",
				_("line %ld: status '%.20s' must be paid or failed"), line, status);
	bzj_date on = BZJ_DATE_NONE;
	char d1[16], d2[16];
	int rc;
	if ((paid || date[0]) && (rc = bzj_date_parse(date, "date", &on, e))) {
		char m[sizeof e->msg];
		snprintf(m, sizeof m, "%s", e->msg);
		return bzj_fail(e, BZJ_EINPUT, "input.date", _("line %ld: %s"), line, m);
	}
	if (!paid && (rc = svc_text(reason, "reason", BZJ_TEXT_MAX, true, e))) {
		char m[sizeof e->msg];
		snprintf(m, sizeof m, "%s", e->msg);
		return bzj_fail(e, BZJ_EINPUT, e->code, _("line %ld: %s (the bank's reason)"), line, m);
	}
	bzj_refund rf;
	rc = ref[0] ? bzj_store_refund_by_ref(x->db, ref, &rf, e) : BZJ_ENOTFOUND;
	if (rc == BZJ_ENOTFOUND)
		return bzj_fail(e, BZJ_ERULE, "payout.not_sent",
				_("line %ld: reference '%.30s' is not a refund sent to the bank"), line,
				ref);
	if (rc)
		return rc;
	char why[300];
	snprintf(why, sizeof why, "bank: %s", reason);
	/* a refund already answered by an earlier line of this file is, for
	 * this line, what that answer made it (it is written after the last) */
	const bzj_ret_line *prev = staged_find(c, rf.id);
	if (prev)
		rf.status = prev->paid ? BZJ_RS_PAID : BZJ_RS_FAILED;
	if (rf.status != BZJ_RS_SENT) {
		/* the same answer recorded before (a file imported again, or in
		 * parts) changes nothing */
		bool same_paid = prev ? prev->paid && prev->day == on : rf.paid_on == on;
		bool same_failed = prev ? !prev->paid && !strcmp(prev->reason, why)
					: !strcmp(rf.failure_reason, why);
		if ((paid && rf.status == BZJ_RS_PAID && same_paid) ||
		    (!paid && rf.status == BZJ_RS_FAILED && same_failed)) {
			c->r->unchanged++;
			return BZJ_OK;
		}
		return bzj_fail(e, BZJ_ERULE, "payout.not_sent",
				_("line %ld: refund %lld (reference %s) is %s, not sent: the bank "
				  "cannot have paid or failed it now"),
				line, (long long)rf.id, ref, bzj_refund_status_name(rf.status));
	}
	bzj_payout_batch *bp = &c->batch;
	if (bp->id != rf.batch_id && (rc = bzj_store_batch_get(x->db, rf.batch_id, bp, e)))
		return rc;
	const bzj_payout_batch b = *bp;
	if (on != BZJ_DATE_NONE && (on < b.date || on > x->today))
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("line %ld: the bank's date %s is outside batch %lld's date %s to "
				  "today"),
				line, bzj_date_fmt(on, d1, sizeof d1), (long long)b.id,
				bzj_date_fmt(b.date, d2, sizeof d2));
	rf.needs_second = false;
	if (rf.provider_id[0]) {
		/* an exit refund (the provider's own ledger): singly, with its
		 * own audit record, before the shops' refunds are written */
		if ((rc = svc_refund_returned(x, &rf, paid, on, b.created_by, why, e)))
			return rc;
	} else {
		bzj_ret_line l;
		memset(&l, 0, sizeof l);
		l.refund_id = rf.id;
		snprintf(l.shop_id, sizeof l.shop_id, "%s", rf.shop_id);
		l.paid = paid;
		l.day = paid ? on : BZJ_DATE_NONE;
		l.late = paid && on > rf.window_end;
		l.amount_fen = rf.amount_fen;
		snprintf(l.note, sizeof l.note, "%s refund %lld", bzj_refund_kind_name(rf.kind),
			 (long long)rf.id);
		size_t k = strlen(why); /* cut where refund_save's copy would */
		if (k > sizeof l.reason - 1)
			k = sizeof l.reason - 1;
		memcpy(l.reason, why, k);
		l.reason[k] = 0;
		snprintf(l.by, sizeof l.by, "%s", b.created_by);
		if ((rc = bzj_store_ret_stage(x->db, &l, e)))
			return rc;
		if (staged_add(c, &l))
			return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		rf.late = l.late;
	}
	if (paid) {
		c->r->paid++;
		c->r->paid_fen += rf.amount_fen;
		c->r->late += rf.late;
	} else {
		c->r->failed++;
	}
	bool seen = false;
	for (int i = 0; i < c->nbatches && !seen; i++)
		seen = c->batches[i] == b.id;
	if (!seen) {
		if (c->nbatches == c->capb) {
			c->capb = c->capb ? c->capb * 2 : 16;
			int64_t *p = realloc(c->batches, (size_t)c->capb * sizeof *p);
			if (!p)
				return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
			c->batches = p;
		}
		c->batches[c->nbatches++] = b.id;
	}
	if (((c->r->paid + c->r->failed) & 255) == 0)
		return svc_progress(x, _("payout return"), c->r->paid + c->r->failed, 0, e);
	return BZJ_OK;
}

int bzj_payout_return(bzj_ctx *x, const char *data, size_t len, bzj_payout_return_result *r,
		      bzj_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_REFUND_PAY, _("import bank return files"), e);
	if (rc)
		return rc;
	sha256_hex(data, len, r->sha256);
	if ((rc = svc_begin(x, e)))
		return rc;
	bool seen = false;
	rc = bzj_store_return_seen(x->db, r->sha256, &seen, e);
	if (!rc && seen) {
		r->already = true;
		return svc_end(x, rc, e); /* nothing to write */
	}
	ret_ctx c = {.x = x, .r = r, .col = {-1, -1, -1, -1}};
	long err_line = 0;
	if (!rc)
		rc = bzj_store_ret_stage_begin(x->db, e);
	if (!rc)
		rc = bzj_csv_parse_at(data, len, ret_row, &c, &err_line, e);
	if (err_line)
		r->line = err_line;
	if (!rc && c.col[0] < 0)
		rc = bzj_fail(e, BZJ_EINPUT, "import.header",
			      _("the file is empty: the header must be ref,status,date,reason"));
	/* The shops' refunds, all at once: ledger entries, refunds, shops and
	 * restriction events in a few statements (issue 15: 10,000 lines in
	 * under a second), each row sealed with the next audit record, the
	 * return's; nothing else is recorded before it. */
	if (!rc && c.nlines)
		rc = bzj_store_ret_apply(x->db, x->today, x->actor.user, restr_add, &c, e);
	for (int i = 0; !rc && i < c.nbatches; i++)
		rc = bzj_store_batch_returned(x->db, c.batches[i], x->today, e);
	if (!rc)
		rc = bzj_store_return_insert(x->db, r->sha256, x->today, x->actor.user, r->paid,
					     r->failed, e);
	if (!rc) {
		/* the refunds it answered, by their ids (ascending): `bzj check`
		 * recomputes the hash from the refunds sealed with this record */
		int64_t *ids = c.nlines ? calloc((size_t)c.nlines, sizeof *ids) : NULL;
		if (c.nlines && !ids)
			rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		for (int64_t i = 0; ids && i < c.nlines; i++)
			ids[i] = c.lines[i].refund_id;
		if (ids)
			qsort(ids, (size_t)c.nlines, sizeof *ids, id_cmp);
		char h[65];
		ids_hash(ids, c.nlines, h);
		free(ids);
		char a[384];
		snprintf(a, sizeof a,
			 "{\"paid\":%lld,\"failed\":%lld,\"late\":%lld,\"paid_fen\":%lld,"
			 "\"sha256\":\"%s\",\"refunds\":%lld,\"refunds_sha256\":\"%s\"}",
			 (long long)r->paid, (long long)r->failed, (long long)r->late,
			 (long long)r->paid_fen, r->sha256, (long long)c.nlines, h);
		if (!rc)
			rc = svc_audit(x, "payout.return", "payout_return", NULL, NULL, a, NULL, e);
	}
	/* a shop whose restriction changed with its refund: its own record, as
	 * a single payout writes it (restriction.start / restriction.lift) */
	for (int64_t i = 0; !rc && i < c.nrestr; i++) {
		const ret_restr *t = &c.restr[i];
		char obj[64], a[128];
		snprintf(obj, sizeof obj, "shop:%s", t->shop);
		snprintf(a, sizeof a, "{\"balance_fen\":%lld,\"required_fen\":%lld,\"restricted\":%s}",
			 (long long)t->balance, (long long)t->required, t->on ? "true" : "false");
		rc = svc_audit(x, t->on ? "restriction.start" : "restriction.lift", obj, t->shop, NULL,
			       a, t->cause, e);
	}
	free(c.batches);
	free(c.lines);
	free(c.slot);
	free(c.restr);
	if (!rc)
		r->line = 0;
	return svc_end(x, rc, e);
}

int bzj_payout_list(bzj_ctx *x, bool open_only, bzj_payout_batch *out, int max, int *n,
		    int64_t *flagged, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read payout batches"), e);
	if (!rc)
		rc = bzj_store_batch_list(x->db, open_only, out, max, n, e);
	*flagged = 0;
	for (int i = 0; !rc && i < *n; i++) {
		batch_flag(x, &out[i]);
		*flagged += out[i].flagged;
	}
	return rc;
}

/* ---- `bzj check`: each batch and its one audit record --------------------- */

typedef struct ids_acc {
	int64_t *v;
	int64_t n, cap;
} ids_acc;

static int ids_add(void *ctx, int64_t id)
{
	ids_acc *a = ctx;
	if (a->n == a->cap) {
		int64_t cap = a->cap ? a->cap * 2 : 256;
		int64_t *p = realloc(a->v, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		a->v = p;
		a->cap = cap;
	}
	a->v[a->n++] = id;
	return 0;
}

/* The return files' records that name their refunds' hash (from schema
 * v18 on; earlier returns wrote one record per refund). */
typedef struct ret_audit {
	int64_t seq;
	char hash[65];
} ret_audit;

typedef struct ret_audits {
	ret_audit *v;
	int64_t n, cap;
} ret_audits;

static int ret_audit_add(void *ctx, int64_t seq, const char *after)
{
	ret_audits *a = ctx;
	const char *h = strstr(after, "\"refunds_sha256\":\"");
	if (!h || strlen(h + 18) < 64)
		return 0;
	if (a->n == a->cap) {
		int64_t cap = a->cap ? a->cap * 2 : 16;
		ret_audit *p = realloc(a->v, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		a->v = p;
		a->cap = cap;
	}
	a->v[a->n].seq = seq;
	memcpy(a->v[a->n].hash, h + 18, 64);
	a->v[a->n].hash[64] = 0;
	a->n++;
	return 0;
}

int svc_payout_check(bzj_ctx *x, bzj_check_fn fn, void *ctx, int64_t *problems, bzj_err *e)
{
	ids_acc batches = {0};
	int rc = bzj_store_batch_refunds(x->db, 0, ids_add, &batches, e);
	for (int64_t i = 0; !rc && i < batches.n; i++) {
		int64_t id = batches.v[i];
		bzj_audit_rec a;
		bool found = false;
		char msg[512] = "";
		if ((rc = bzj_store_batch_audit(x->db, id, &a, &found, e)))
			break;
		if (!found) {
			snprintf(msg, sizeof msg,
				 _("payout batch %lld: no audit record of its making (payout.batch)"),
				 (long long)id);
		} else {
			/* batches made before schema v18 have one record per refund
			 * and no hash of their refunds in the batch's record */
			const char *h = strstr(a.after, "\"refunds_sha256\":\"");
			if (h) {
				ids_acc refunds = {0};
				if ((rc = bzj_store_batch_refunds(x->db, id, ids_add, &refunds, e))) {
					free(refunds.v);
					break;
				}
				char want[65];
				ids_hash(refunds.v, refunds.n, want);
				free(refunds.v);
				if (strncmp(h + 18, want, 64))
					snprintf(msg, sizeof msg,
						 _("payout batch %lld: its refunds are not those its "
						   "audit record %lld sent (%lld refunds name it now)"),
						 (long long)id, (long long)a.seq, (long long)refunds.n);
			}
		}
		if (msg[0]) {
			(*problems)++;
			if (fn)
				fn(ctx, "check.batch_audit", msg);
		}
	}
	free(batches.v);
	if (rc)
		return rc;
	/* each return file's record: the refunds it closed are those sealed
	 * with it (paid and failed are final: nothing changes them after) */
	ret_audits ra = {0};
	rc = bzj_store_return_audits(x->db, ret_audit_add, &ra, e);
	for (int64_t i = 0; !rc && i < ra.n; i++) {
		ids_acc refunds = {0};
		if ((rc = bzj_store_refunds_sealed_with(x->db, ra.v[i].seq, ids_add, &refunds, e))) {
			free(refunds.v);
			break;
		}
		char got[65];
		ids_hash(refunds.v, refunds.n, got);
		free(refunds.v);
		if (strcmp(got, ra.v[i].hash)) {
			char msg[512];
			snprintf(msg, sizeof msg,
				 _("bank return of audit record %lld: the refunds sealed with it are not "
				   "those it closed (%lld refunds name it now)"),
				 (long long)ra.v[i].seq, (long long)refunds.n);
			(*problems)++;
			if (fn)
				fn(ctx, "check.return_audit", msg);
		}
	}
	free(ra.v);
	return rc;
}

int bzj_refund_sent_get(bzj_ctx *x, const bzj_refund *r, bzj_refund_sent *out, bzj_err *e)
{
	memset(out, 0, sizeof *out);
	out->day = out->return_day = BZJ_DATE_NONE;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read refunds"), e);
	if (rc || !r->batch_id)
		return rc;
	bzj_audit_rec a;
	bool found = false;
	if ((rc = bzj_store_batch_audit(x->db, r->batch_id, &a, &found, e)) || !found)
		return rc;
	out->sent = true;
	out->batch_id = r->batch_id;
	out->audit_seq = a.seq;
	snprintf(out->bank_ref, sizeof out->bank_ref, "%s", r->bank_ref);
	snprintf(out->by, sizeof out->by, "%s", a.user);
	snprintf(out->at, sizeof out->at, "%s", a.at);
	out->day = a.day;
	if ((rc = bzj_store_refund_seal_record(x->db, r->id, "payout.return", &a, &found, e)) ||
	    !found)
		return rc;
	out->returned = true;
	out->return_seq = a.seq;
	snprintf(out->return_by, sizeof out->return_by, "%s", a.user);
	snprintf(out->return_at, sizeof out->return_at, "%s", a.at);
	out->return_day = a.day;
	return BZJ_OK;
}
