/* ctx.c - opening a database for work: schema, defaults and calendar. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bzj/calendar.h"
#include "bzj/holidays.h"
#include "bzj/settings.h"
#include "service.h"

extern const unsigned char bzj_data_holidays[];
extern const size_t bzj_data_holidays_len;
extern const unsigned char bzj_data_standards[];
extern const size_t bzj_data_standards_len;

static int seed_row(void *ctx, bzj_date d, int kind, const char *en, const char *zh, bzj_err *e)
{
	return bzj_store_calendar_put(ctx, d, kind, en, zh, e);
}

/* A new database gets the shipped calendar and standards once, in one
 * transaction; the meta row "seeded" marks it.  Checked without a write
 * lock first, so opening an existing database never waits for writers. */
static int seed_defaults(bzj_ctx *x, bzj_err *e)
{
	int64_t have = 0;
	bool found = false;
	int rc = bzj_store_meta_get(x->db, "seeded", &have, &found, e);
	if (rc || found)
		return rc;
	bzj_cal *tmp = bzj_cal_new();
	if (!tmp)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	rc = bzj_db_begin(x->db, e);
	if (rc)
		goto out;
	rc = bzj_store_meta_get(x->db, "seeded", &have, &found, e);
	if (rc || found)
		goto end;
	rc = bzj_cal_parse_tsv(tmp, (const char *)bzj_data_holidays, bzj_data_holidays_len,
			       seed_row, x->db, e);
	for (int y = BZJ_CAL_MIN_YEAR; !rc && y <= BZJ_CAL_MAX_YEAR; y++)
		if (bzj_cal_has_year(tmp, y))
			rc = bzj_store_calendar_year(x->db, y, e);
	int loaded = 0;
	if (!rc)
		rc = svc_standards_parse(x, (const char *)bzj_data_standards, "data/standards.cfg",
					 &loaded, e);
	/* A shipped version for a later date takes effect on its date like a
	 * loaded one: schedule it. */
	if (!rc)
		rc = bzj_store_effective_standards(x->db, x->today, e);
	if (!rc)
		rc = bzj_store_meta_put(x->db, "seeded", 1, e);
	/* (no audit record: the standards rows' seals name the last record
	 * before them, 0 in a new database; see st_seal_fixup) */
end:
	rc = svc_end(x, rc, e);
out:
	bzj_cal_free(tmp);
	return rc;
}

int bzj_calendar_builtin(bzj_cal **out, bzj_err *e)
{
	bzj_cal *c = bzj_cal_new();
	if (!c)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int rc = bzj_cal_parse_tsv(c, (const char *)bzj_data_holidays, bzj_data_holidays_len, NULL,
				   NULL, e);
	if (rc) {
		bzj_cal_free(c);
		return rc;
	}
	*out = c;
	return BZJ_OK;
}

void bzj_ctx_set_interrupt(bzj_ctx *x, volatile int *flag)
{
	x->interrupted = flag;
	bzj_db_set_interrupt(x->db, flag);
}

int bzj_ctx_schema_version(bzj_ctx *x) { return bzj_db_schema_version(x->db); }

int bzj_ctx_counts(bzj_ctx *x, int64_t *shops, int64_t *ledger, int64_t *refunds, bzj_err *e)
{
	return bzj_store_counts(x->db, shops, ledger, refunds, e);
}

bool bzj_ctx_search_index(bzj_ctx *x, char *why, size_t n)
{
	return bzj_store_search_index(x->db, why, n);
}

void bzj_ctx_on_migrate(bzj_migrate_notice_fn fn, volatile int *stop)
{
	bzj_db_on_migrate(fn, stop);
}

bool bzj_ctx_others_changed(bzj_ctx *x)
{
	int64_t v = bzj_db_data_version(x->db);
	bool changed = x->seen_version && v != x->seen_version;
	x->seen_version = v;
	return changed;
}

int bzj_ctx_reload(bzj_ctx *x, bzj_err *e)
{
	bzj_cal *c = bzj_cal_new();
	if (!c)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	int rc = bzj_store_calendar_load(x->db, c, e);
	if (rc) {
		bzj_cal_free(c);
		return rc;
	}
	bzj_cal_free(x->cal);
	x->cal = c;
	return BZJ_OK;
}

bool bzj_ctx_retry(bzj_ctx *x, const bzj_err *e, int attempt)
{
	if (attempt >= 3 || !x->db || !e || e->rc != BZJ_EBUSY || strcmp(e->code, "store.busy") ||
	    !bzj_db_busy_retry(x->db))
		return false;
	/* 5, 10, 20 ms: the other transaction has committed by now */
	struct timespec t = {0, (5L << attempt) * 1000000L};
	nanosleep(&t, NULL);
	return true;
}

int bzj_ctx_check_location(const char *where, const char *source, bzj_err *e)
{
	return bzj_store_location_check(where, source, e);
}

void bzj_ctx_location_safe(const char *where, char *out, size_t n)
{
	bzj_store_location_safe(where, out, n);
}

bool bzj_ctx_is_server(const char *where)
{
	return bzj_store_kind(where) == BZJ_STORE_POSTGRES;
}

int bzj_ctx_open(bzj_ctx *x, const char *path, int flags, const bzj_config *cfg,
		 const bzj_actor *actor, bzj_err *e)
{
	memset(x, 0, sizeof *x);
	x->cfg = cfg;
	if (actor)
		x->actor = *actor;
	x->today = bzj_today();
	int rc = bzj_db_open(path, flags, &x->db, e);
	if (!rc && cfg && cfg->audit_key) {
		uint8_t key[32];
		rc = bzj_audit_key_load(cfg->audit_key, flags & BZJ_OPEN_CREATE, key, e);
		if (!rc)
			rc = bzj_audit_attach_key(x, key, flags & BZJ_OPEN_CREATE, e);
		memset(key, 0, sizeof key);
	}
	if (!rc && !bzj_db_readonly(x->db))
		rc = seed_defaults(x, e);
	if (!rc && !(flags & BZJ_OPEN_READONLY))
		bzj_settings_attach(x); /* records them on the first run; guards writes */
	if (!rc)
		rc = bzj_ctx_reload(x, e);
	if (rc)
		bzj_ctx_close(x);
	return rc;
}

void bzj_ctx_close(bzj_ctx *x)
{
	bzj_db_close(x->db);
	bzj_cal_free(x->cal);
	x->db = NULL;
	x->cal = NULL;
}
