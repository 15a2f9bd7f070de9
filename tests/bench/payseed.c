/* payseed.c - the 10,000 approved refunds of tests/bench/payouts.sh.
 *
 * The refund table is sealed (schema v10): its triggers call bzj_seal(),
 * which only bzj registers, so a plain sqlite3 shell cannot insert into it.
 * This helper opens the database as bzj does (bzj_ctx_open registers the
 * seal function), runs the INSERT given on the command line in one
 * transaction and writes the audit record that transaction's seals name
 * (about no one shop, like an import), so `bzj check` stays clean.
 *
 *   payseed DB CONF TODAY SQL      (BZJ_USER names the actor)
 *
 * A bench tool: it includes core's private headers on purpose. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "bzj/config.h"
#include "bzj/ctx.h"
#include "service.h"
#include "store_priv.h"

static void die(const bzj_err *e, const char *what)
{
	fprintf(stderr, "payseed: %s: %s (%s)\n", what, e->msg, e->code);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: payseed DB CONF TODAY SQL\n");
		return 2;
	}
	bzj_err e;
	bzj_config cfg;
	bzj_actor actor;
	bzj_date d;
	if (bzj_date_parse(argv[3], "today", &d, &e))
		die(&e, "today");
	bzj_today_set(d);
	if (bzj_config_load(&cfg, argv[2], &e))
		die(&e, "config");
	if (bzj_auth_identify(&cfg, NULL, &actor, &e))
		die(&e, "identify");
	bzj_ctx x;
	if (bzj_ctx_open(&x, argv[1], 0, &cfg, &actor, &e))
		die(&e, "open");
	if (bzj_db_begin(x.db, &e))
		die(&e, "begin");
	char *msg = NULL;
	if (sqlite3_exec(st_sqlite(x.db), argv[4], NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "payseed: %s\n", msg ? msg : "?");
		return 1;
	}
	char a[64];
	snprintf(a, sizeof a, "{\"refunds\":%d}", sqlite3_changes(st_sqlite(x.db)));
	if (svc_audit(&x, "bench.seed", "refund", NULL, NULL, a, "tests/bench/payseed.c", &e))
		die(&e, "audit");
	if (bzj_db_commit(x.db, &e))
		die(&e, "commit");
	bzj_ctx_close(&x);
	return 0;
}
