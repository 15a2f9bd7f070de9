/* deposit.c - GMV, the monthly floating recompute, and the base standards. */
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/deposit.h"
#include "bzj/money.h"
#include "service.h"

/* Up to this many shops a full re-sync of requirements fits in one short
 * transaction; above it, it runs in slices (see catch_up_locked). */
#define CATCH_UP_INLINE 5000

int bzj_gmv_set(bzj_ctx *x, const char *shop_id, bzj_month month, int64_t gmv_fen, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_GMV, _("record GMV"), e);
	if (!rc && (gmv_fen < 0 || gmv_fen > BZJ_MONEY_MAX_FEN))
		rc = bzj_fail(e, BZJ_EINPUT, "input.amount", _("amount: GMV must not be negative"));
	if (rc)
		return rc;
	bzj_shop s;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_shop_load(x, shop_id, &s, e);
	if (!rc)
		rc = bzj_store_gmv_put(x->db, shop_id, month, gmv_fen, e);
	if (!rc) {
		char obj[64], m[8], a[96];
		snprintf(obj, sizeof obj, "gmv:%s:%s", shop_id, bzj_month_fmt(month, m, sizeof m));
		snprintf(a, sizeof a, "{\"gmv_fen\":%lld}", (long long)gmv_fen);
		rc = svc_audit(x, "gmv.set", obj, shop_id, NULL, a, NULL, e);
	}
	return svc_end(x, rc, e);
}

int bzj_deposit_recompute(bzj_ctx *x, bzj_month month, bzj_recompute_result *r, bzj_err *e)
{
	memset(r, 0, sizeof *r);
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_GMV, _("recompute floating deposits"), e);
	if (rc)
		return rc;
	r->month = month;
	r->effective = bzj_floating_effective(month - 1);
	/* Month M's figure comes from the GMV of month M-1: not before that
	 * month is over. */
	bzj_date first = bzj_month_day(month, 1);
	if (x->today < first) {
		char m1[8], m2[8], d1[16];
		return bzj_fail(e, BZJ_ERULE, "deposit.month_not_over",
				_("the floating deposit for %s comes from the GMV of %s, which is not "
				  "over yet; it can be computed from %s"),
				bzj_month_fmt(month, m1, sizeof m1),
				bzj_month_fmt(month - 1, m2, sizeof m2),
				bzj_date_fmt(first, d1, sizeof d1));
	}
	/* Sliced (store_bulk.c): the month's figures are staged as rows of a
	 * job, a few thousand shops per short transaction, then published
	 * with the audit record in one small one.  The requirements they
	 * change are brought up to date afterwards, in slices too, through
	 * the effective date the publish schedules: a crash between leaves
	 * that date due, and the next process (or `bzj check`) finishes it. */
	char arg[8];
	bzj_month_fmt(month, arg, sizeof arg);
	int64_t job = 0;
	bool compare = true;
	/* After the job has started: a recompute of the month that was still
	 * staging is superseded now and can no longer publish.  When no
	 * figure of the month is visible, every open shop's is new: the
	 * staged rows are the shops, counted as they go in, and no lookup of
	 * the old figure is needed (bzj_store_floating_stage). */
	if ((rc = svc_job_start(x, "recompute", arg, month, month, &job, e)) ||
	    (rc = bzj_store_floating_month_seen(x->db, month, arg, &compare, e)) ||
	    (compare && (rc = bzj_store_floating_count(x->db, r->effective, &r->shops, e)))) {
		if (job)
			svc_job_abandon(x, job, true);
		return rc;
	}
	svc_slicer sl;
	svc_slice_init(&sl, x, 2048);
	int64_t lo = 0, max = 0;
	rc = bzj_store_shop_rowid_max(x->db, &max, e);
	while (!rc && lo < max) {
		int64_t n = 0, hi = lo + sl.rows;
		if ((rc = svc_progress(x, _("recompute"), lo, max, e)) ||
		    (rc = svc_slice_begin(&sl, e)))
			break;
		rc = bzj_store_floating_stage(x->db, job, month, r->effective, compare, lo, hi, &n,
					      e);
		if (!rc)
			rc = bzj_store_job_beat(x->db, job, e);
		rc = svc_slice_end(&sl, rc, e);
		r->changed += n;
		lo = hi;
	}
	svc_slice_finish(&sl);
	if (rc) {
		svc_job_abandon(x, job, strcmp(e->code, "interrupted") != 0);
		return rc;
	}
	if (!compare)
		r->shops = r->changed;
	if ((rc = svc_begin(x, e)))
		return rc;
	bool published = false;
	rc = bzj_store_job_publish(x->db, job, r->changed, &published, e);
	if (!rc && !published)
		rc = bzj_fail(e, BZJ_EBUSY, "bulk.superseded",
			      _("another recompute of %s started meanwhile and replaces this one; "
				"nothing was changed"),
			      arg);
	/* The figures change requirements on their effective date: the first
	 * process on or after it brings every shop up to date.  When that date
	 * has come, a small database is re-synced here, in this transaction,
	 * as before; a large one through the scheduled date, in slices right
	 * after the commit (a crash leaves the date due: `deposit sync`,
	 * `bzj check` or the lists finish it). */
	int64_t synced = 0, total = 0;
	bool inline_sync = false;
	if (!rc && r->effective <= x->today && !(rc = bzj_store_shop_total(x->db, &total, e)))
		inline_sync = total <= CATCH_UP_INLINE;
	if (!rc && inline_sync) {
		rc = bzj_store_sync_all(x->db, x->today, "floating recompute", &synced, e);
	} else if (!rc) {
		char cause[32];
		snprintf(cause, sizeof cause, "floating %s", arg);
		rc = bzj_store_effective_add(x->db, r->effective, cause, e);
	}
	if (!rc) {
		char eff[16], obj[32], a[192];
		snprintf(obj, sizeof obj, "floating:%s", arg);
		snprintf(a, sizeof a,
			 "{\"effective\":\"%s\",\"shops\":%lld,\"changed\":%lld,\"synced\":%lld,"
			 "\"job\":%lld}",
			 bzj_date_fmt(r->effective, eff, sizeof eff), (long long)r->shops,
			 (long long)r->changed, (long long)synced, (long long)job);
		rc = svc_audit(x, "deposit.recompute", obj, NULL, NULL, a, NULL, e);
	}
	if ((rc = svc_end(x, rc, e)))
		return rc;
	/* Published.  A sliced sync that follows is its own job: stopped
	 * half-way it leaves the date due, and whoever comes next completes it. */
	if (r->effective <= x->today && !inline_sync) {
		bzj_err ce;
		svc_catch_up(x, &ce);
	}
	return BZJ_OK;
}

int bzj_deposit_sync(bzj_ctx *x, const char *shop_id, bzj_err *e)
{
	bzj_shop s;
	int rc = svc_begin(x, e);
	if (rc)
		return rc;
	rc = svc_shop_load(x, shop_id, &s, e);
	if (!rc)
		rc = svc_shop_save(x, &s, "sync", e);
	return svc_end(x, rc, e);
}

typedef struct list_ctx {
	bzj_standard_fn fn;
	void *ctx;
} list_ctx;

int bzj_standards_list(bzj_ctx *x, bzj_standard_fn fn, void *ctx, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the standards"), e);
	return rc ? rc : bzj_store_standards_each(x->db, fn, ctx, e);
}

/* An amount in a standards file: an integer number of yuan, or a string
 * such as "2000.50". */
static int std_amount(config_setting_t *cat, const char *key, const char *where, int64_t *out,
		      bzj_err *e)
{
	config_setting_t *v = config_setting_get_member(cat, key);
	if (!v)
		return bzj_fail(e, BZJ_EINPUT, "standards.format", _("%s line %d: %s is missing"),
				where, config_setting_source_line(cat), key);
	int t = config_setting_type(v);
	if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
		long long y = config_setting_get_int64(v);
		if (y < 0 || y > BZJ_MONEY_MAX_FEN / 100)
			return bzj_fail(e, BZJ_EINPUT, "standards.format",
					_("%s line %d: %s must be between 0 and %lld yuan"), where,
					config_setting_source_line(v), key,
					(long long)(BZJ_MONEY_MAX_FEN / 100));
		*out = (int64_t)y * 100;
		return BZJ_OK;
	}
	if (t == CONFIG_TYPE_STRING) {
		char field[96];
		snprintf(field, sizeof field, "%s line %d: %s", where, config_setting_source_line(v),
			 key);
		return bzj_money_parse(config_setting_get_string(v), field, out, e);
	}
	return bzj_fail(e, BZJ_EINPUT, "standards.format",
			_("%s line %d: %s must be a number of yuan"), where,
			config_setting_source_line(v), key);
}

static int std_version(bzj_ctx *x, config_setting_t *ver, const char *where, int *loaded,
		       bzj_err *e)
{
	const char *eff = NULL;
	int line = config_setting_source_line(ver);
	if (!config_setting_lookup_string(ver, "effective", &eff))
		return bzj_fail(e, BZJ_EINPUT, "standards.format",
				_("%s line %d: effective = \"YYYY-MM-DD\" is missing"), where, line);
	char field[96];
	snprintf(field, sizeof field, "%s line %d: effective", where, line);
	bzj_standard s;
	int rc = bzj_date_parse(eff, field, &s.effective, e);
	if (rc)
		return rc;
	config_setting_t *cats = config_setting_get_member(ver, "categories");
	if (!cats || !config_setting_is_aggregate(cats))
		return bzj_fail(e, BZJ_EINPUT, "standards.format",
				_("%s line %d: categories = ( ... ) is missing"), where, line);
	for (int i = 0; i < config_setting_length(cats); i++) {
		config_setting_t *c = config_setting_get_elem(cats, (unsigned)i);
		const char *name = NULL;
		if (!config_setting_lookup_string(c, "name", &name) ||
		    svc_text(name, "category", BZJ_CAT_MAX, true, e))
			return bzj_fail(e, BZJ_EINPUT, "standards.format",
					_("%s line %d: each category needs a name of 1 to %d bytes"),
					where, config_setting_source_line(c), BZJ_CAT_MAX);
		snprintf(s.category, sizeof s.category, "%s", name);
		if ((rc = std_amount(c, "individual", where, &s.individual_fen, e)) ||
		    (rc = std_amount(c, "company", where, &s.company_fen, e)) ||
		    (rc = bzj_store_standard_put(x->db, &s, e)))
			return rc;
		(*loaded)++;
	}
	return BZJ_OK;
}

int svc_standards_parse(bzj_ctx *x, const char *text, const char *where, int *loaded, bzj_err *e)
{
	config_t cfg;
	config_init(&cfg);
	*loaded = 0;
	int rc = BZJ_OK;
	if (!config_read_string(&cfg, text)) {
		rc = bzj_fail(e, BZJ_EINPUT, "standards.syntax", _("%s line %d: %s"), where,
			      config_error_line(&cfg), config_error_text(&cfg));
		goto done;
	}
	config_setting_t *list = config_lookup(&cfg, "standards");
	if (!list || !config_setting_is_aggregate(list)) {
		rc = bzj_fail(e, BZJ_EINPUT, "standards.format",
			      _("%s: standards = ( { effective = ...; categories = (...); } ) is "
				"missing"),
			      where);
		goto done;
	}
	for (int i = 0; !rc && i < config_setting_length(list); i++)
		rc = std_version(x, config_setting_get_elem(list, (unsigned)i), where, loaded, e);
done:
	config_destroy(&cfg);
	return rc;
}

static char *slurp(const char *path, size_t max, size_t *len, bzj_err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		bzj_fail(e, BZJ_ENOTFOUND, "input.file", _("cannot read %s"), path);
		return NULL;
	}
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	fclose(f);
	if (!buf) {
		bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
		return NULL;
	}
	if (n > max) {
		free(buf);
		bzj_fail(e, BZJ_EINPUT, "input.file", _("%s is larger than %zu bytes"), path, max);
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* Bulk jobs (issue 13): the few dozen standard rows are one short
 * transaction (they do not grow with the shops); what grows is the
 * re-sync of every shop's requirement, which above CATCH_UP_INLINE shops
 * runs after the commit in slices (svc_sync_sliced, registered as a job
 * so operators leave the WAL checkpoint to it).  At 200,000 shops the
 * whole load took 1.8 s, nearly all of it those slices. */
int bzj_standards_load_text(bzj_ctx *x, const char *text, const char *name, int *loaded,
			    bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("change the deposit standards"), e);
	if (rc)
		return rc;
	if ((rc = svc_begin(x, e)))
		return rc;
	rc = svc_standards_parse(x, text, name, loaded, e);
	if (!rc)
		rc = bzj_store_effective_standards(x->db, x->today, e);
	int64_t synced = 0, shops = 0;
	if (!rc)
		rc = bzj_store_shop_total(x->db, &shops, e);
	/* The standards are a few dozen rows; re-syncing a million shops in
	 * the same transaction would hold the desk for seconds.  Above
	 * CATCH_UP_INLINE shops the re-sync is scheduled for today and done
	 * in slices right after the commit (svc_catch_up); the audit record's
	 * "synced" is then that of the deposit.sync record. */
	bool sliced = shops > CATCH_UP_INLINE;
	if (!rc && sliced)
		rc = bzj_store_effective_add(x->db, x->today, "standards", e);
	else if (!rc)
		rc = bzj_store_sync_all(x->db, x->today, "standards changed", &synced, e);
	if (!rc) {
		char a[96];
		snprintf(a, sizeof a, "{\"loaded\":%d,\"synced\":%lld}", *loaded,
			 (long long)synced);
		rc = svc_audit(x, "standards.load", "standards", NULL, NULL, a, name, e);
	}
	if ((rc = svc_end(x, rc, e)) || !sliced)
		return rc;
	bzj_err ce;
	svc_catch_up(x, &ce);
	return BZJ_OK;
}

int bzj_standards_load(bzj_ctx *x, const char *path, int *loaded, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("change the deposit standards"), e);
	if (rc)
		return rc;
	char *text = slurp(path, 1 << 20, NULL, e);
	if (!text)
		return e->rc;
	rc = bzj_standards_load_text(x, text, path, loaded, e);
	free(text);
	return rc;
}

/* Scheduled effective dates (a floating month, a standards version):
 * when one has come, every shop's recorded requirement and restriction is
 * brought up to date.
 *
 * Small databases do it inside the first write transaction of the day, so
 * a refused change still writes nothing at all.  From CATCH_UP_INLINE
 * shops on, that would hold an operator's write (and everyone behind it)
 * for as long as a full sync takes, and doing it before the operator's
 * write in slices would still make that operator wait for all of them.
 * So an operator's write does not catch up there: `deposit sync` (run
 * from cron just after midnight on a month's 2nd), a recompute whose
 * figures take effect today, the lists that filter on the recorded state
 * and `bzj check` do, in slices (svc_catch_up): each brings some shops up
 * to date with their restriction events, and the date is marked done,
 * with its audit record, in a last small transaction.  Until then a
 * shop's recorded requirement may lag the published figures; every change
 * to a shop recomputes its own (svc_shop_save) and the positions shown
 * are computed from the rules, not the record. */
static int catch_up_mark(bzj_ctx *x, bzj_date due, int64_t synced, bzj_err *e)
{
	int rc = bzj_store_effective_done(x->db, x->today, e);
	if (!rc) {
		char a[96], d[16];
		snprintf(a, sizeof a, "{\"first_due\":\"%s\",\"synced\":%lld}",
			 bzj_date_fmt(due, d, sizeof d), (long long)synced);
		rc = svc_audit(x, "deposit.sync", "deposit", NULL, NULL, a,
			       "requirements changed on a scheduled effective date", e);
	}
	return rc;
}

/* Inside a write transaction on a small database: sync every shop if a
 * scheduled effective date has come.  Rolled back with the transaction if
 * the change fails. */
static int catch_up_locked(bzj_ctx *x, bzj_err *e)
{
	bzj_date due;
	bool found = false;
	int rc = bzj_store_effective_due(x->db, x->today, &due, &found, e);
	if (rc || !found)
		return rc;
	int64_t shops = 0;
	if ((rc = bzj_store_shop_total(x->db, &shops, e)) || shops > CATCH_UP_INLINE)
		return rc; /* svc_catch_up's slices, outside this transaction */
	int64_t synced = 0;
	rc = bzj_store_sync_all(x->db, x->today, "scheduled effective date", &synced, e);
	return rc ? rc : catch_up_mark(x, due, synced, e);
}

int svc_begin(bzj_ctx *x, bzj_err *e)
{
	int rc = bzj_db_begin(x->db, e);
	if (rc || bzj_db_depth(x->db) > 1)
		return rc;
	if ((rc = catch_up_locked(x, e)))
		bzj_db_rollback(x->db);
	return rc;
}

int svc_catch_up(bzj_ctx *x, bzj_err *e)
{
	bzj_date due;
	bool found = false;
	int rc = bzj_store_effective_due(x->db, x->today, &due, &found, e);
	if (rc || !found)
		return rc;
	int64_t shops = 0, synced = 0;
	if ((rc = bzj_store_shop_total(x->db, &shops, e)))
		return rc;
	if (shops > CATCH_UP_INLINE &&
	    (rc = svc_sync_sliced(x, "scheduled effective date", &synced, e)))
		return rc;
	if ((rc = bzj_db_begin(x->db, e)))
		return rc;
	/* another process may have finished it meanwhile */
	if (!(rc = bzj_store_effective_due(x->db, x->today, &due, &found, e)) && found) {
		if (shops > CATCH_UP_INLINE) {
			/* shops changed since their slice were saved by svc_shop_save */
			rc = catch_up_mark(x, due, synced, e);
		} else {
			rc = catch_up_locked(x, e);
		}
	}
	return svc_end(x, rc, e);
}

int bzj_deposit_catch_up(bzj_ctx *x, bool *due, bzj_err *e)
{
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_GMV, _("bring requirements up to date"), e);
	if (rc)
		return rc;
	bzj_date day;
	if ((rc = bzj_store_effective_due(x->db, x->today, &day, due, e)) || !*due)
		return rc;
	return svc_catch_up(x, e);
}
