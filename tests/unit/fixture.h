/* fixture.h - what the unit tests of the service layer share: a fresh
 * temporary database opened through bzj_ctx_open for every test (as the
 * supervisor, on 2025-08-01), acting as one user or another, moving the
 * day, and setting up shops.  Header-only (static inline), so each test
 * program stays one file for the Makefile; its rule lists this header. */
#ifndef BZJ_TEST_FIXTURE_H
#define BZJ_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bzj/audit.h"
#include "bzj/ctx.h"
#include "bzj/deposit.h"
#include "bzj/ledger.h"
#include "bzj/money.h"
#include "bzj/shop.h"

typedef struct fx {
	char dir[64];
	char path[128];
	bzj_config cfg;
	bzj_ctx x;
	bzj_err e;
} fx;

static inline bzj_date D(const char *s)
{
	bzj_date d = BZJ_DATE_NONE;

	assert_int_equal(bzj_date_parse(s, "date", &d, NULL), BZJ_OK);
	return d;
}

/* Yuan ("3000.50") in fen. */
static inline int64_t Y(const char *yuan)
{
	int64_t fen = -1;

	assert_int_equal(bzj_money_parse(yuan, "amount", &fen, NULL), BZJ_OK);
	return fen;
}

static inline void as(fx *f, const char *user, int role)
{
	snprintf(f->x.actor.user, sizeof f->x.actor.user, "%s", user);
	f->x.actor.role = role;
}

#define SUP(f) as(f, "sup1", BZJ_ROLE_SUPERVISOR)
#define SUP2(f) as(f, "sup2", BZJ_ROLE_SUPERVISOR)
#define REV1(f) as(f, "rev1", BZJ_ROLE_REVIEWER)
#define REV2(f) as(f, "rev2", BZJ_ROLE_REVIEWER)
#define FIN(f) as(f, "fin1", BZJ_ROLE_FINANCE)
#define CS(f) as(f, "cs1", BZJ_ROLE_SUPPORT)

static inline void today(fx *f, const char *s)
{
	bzj_today_set(D(s));
	f->x.today = D(s);
}

/* cmocka setup and teardown: one temporary database per test. */
static inline int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	bzj_actor a = {.user = "sup1", .role = BZJ_ROLE_SUPERVISOR};

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/bzj-unit-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	bzj_config_defaults(&f->cfg);
	bzj_today_set(D("2025-08-01"));
	if (bzj_ctx_open(&f->x, f->path, BZJ_OPEN_CREATE, &f->cfg, &a, &f->e) != BZJ_OK) {
		fprintf(stderr, "open: %s\n", f->e.msg);
		bzj_config_free(&f->cfg);
		rmdir(f->dir);
		free(f);
		return -1;
	}
	f->x.today = D("2025-08-01");
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	fx *f = *state;
	static const char *const suffix[] = {"t.db",	      "t.db-wal", "t.db-shm",
					     "t.db-journal", "t.db-desk", "std.cfg"};
	char p[160];

	bzj_ctx_close(&f->x);
	bzj_config_free(&f->cfg);
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Assert an rc and, when refused, the error code. */
#define REFUSED(call, want_rc, want_code)                                                          \
	do {                                                                                       \
		bzj_err_clear(&f->e);                                                              \
		int rc_ = (call);                                                                  \
		if (rc_ != (want_rc) || strcmp(f->e.code, (want_code)) != 0)                       \
			fail_msg("%s: want rc %d %s, got rc %d %s (%s)", #call, (int)(want_rc),    \
				 (want_code), rc_, f->e.code, f->e.msg);                           \
	} while (0)

#define OK(call)                                                                                   \
	do {                                                                                       \
		bzj_err_clear(&f->e);                                                              \
		int rc_ = (call);                                                                  \
		if (rc_ != BZJ_OK)                                                                 \
			fail_msg("%s: rc %d %s (%s)", #call, rc_, f->e.code, f->e.msg);            \
	} while (0)

/* A shop opened on 2025-08-01, added by the supervisor; `cats` is a
 * '|'-separated list. */
static inline void shop(fx *f, const char *id, int entity, const char *cats,
			const char *operator_name, const char *entity_name)
{
	char buf[512];
	char *save = NULL;
	bzj_shop_new in;
	bzj_actor was = f->x.actor;

	memset(&in, 0, sizeof in);
	snprintf(buf, sizeof buf, "%s", cats);
	for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
		in.categories[in.ncategories++] = t;
	in.id = id;
	in.name = id;
	in.entity = entity;
	in.operator_name = operator_name;
	in.entity_name = entity_name;
	in.opened = D("2025-08-01");
	SUP(f);
	OK(bzj_shop_add(&f->x, &in, &f->e));
	f->x.actor = was;
}

/* A top-up of `yuan` by finance; returns its ledger id. */
static inline int64_t topup(fx *f, const char *id, const char *yuan)
{
	bzj_topup_in in = {.shop_id = id, .amount_fen = Y(yuan)};
	int64_t tid = 0, bal = 0;
	bool replayed = true;
	bzj_actor was = f->x.actor;

	FIN(f);
	OK(bzj_topup(&f->x, &in, &tid, &bal, &replayed, &f->e));
	assert_false(replayed);
	f->x.actor = was;
	return tid;
}

/* A shop as the supervisor sees it. */
static inline bzj_shop_view view(fx *f, const char *id)
{
	bzj_shop_view v;
	bzj_actor was = f->x.actor;

	SUP(f);
	OK(bzj_shop_view_get(&f->x, id, &v, &f->e));
	f->x.actor = was;
	return v;
}

static inline int count_rec(void *ctx, const bzj_audit_rec *r)
{
	(void)r;
	(*(int64_t *)ctx)++;
	return 0;
}

/* Records in the whole audit log. */
static inline int64_t audit_count(fx *f)
{
	int64_t n = 0;

	OK(bzj_audit_log(&f->x, NULL, 1000000, count_rec, &n, &f->e));
	return n;
}

#endif
