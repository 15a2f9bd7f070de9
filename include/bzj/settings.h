/* settings.h - the settings a database runs under (issue 16).
 *
 * Roles, the identity mode and the refund limits stay in each host's
 * root-owned config (only root decides who is a supervisor).  The database
 * records the canonical text of the settings it runs under and its SHA-256
 * (the fingerprint): the first run under a config records them, and a
 * supervisor records a deliberate change with `bzj settings accept` once
 * root has updated every host.  A host whose settings differ is refused
 * every write (BZJ_EPERM "settings.mismatch", naming each difference:
 * which user's role, which limit, database value -> this host's); reads
 * still work and `bzj check` reports it (check.settings).  A record that
 * does not carry bzj's seal (written outside bzj, with the sqlite3 shell
 * or psql, to make a host's config look agreed) refuses every write too (BZJ_EPERM
 * "settings.tampered") until a supervisor records the settings again. */
#ifndef BZJ_SETTINGS_H
#define BZJ_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/config.h"
#include "bzj/ctx.h"
#include "bzj/err.h"

#define BZJ_SETTINGS_ITEMS 16

typedef struct bzj_settings_state {
	bool recorded;		 /* the database holds settings */
	bool agree;		 /* this host's equal the database's (or none recorded) */
	bool sealed;		 /* the database's record carries bzj's seal */
	char host_fp[65];	 /* this host's fingerprint */
	char db_fp[65];		 /* the database's, "" when none */
	bzj_date recorded_on;	 /* when the database's were recorded */
	char recorded_by[64];
	int ndiff;		 /* differences in all */
	char diff[BZJ_SETTINGS_ITEMS][200]; /* the first of them, for people */
} bzj_settings_state;

/* The canonical text of a config's settings: sorted "key\tvalue" lines
 * (identity, refund.monthly_limit, refund.second_approval_yuan and one
 * "role:NAME" line per user or @group with its roles).  Malloc'd. */
int bzj_settings_doc(const bzj_config *c, char **out, bzj_err *e);
/* SHA-256 of the text, 64 hex digits. */
void bzj_settings_fingerprint(const char *doc, char out[65]);
/* The differences between two texts, database first, as messages such
 * as "role of rev2: reviewer → none"; returns how many there are and fills
 * the first `max` of `items`. */
int bzj_settings_diff(const char *db_doc, const char *host_doc, char (*items)[200], int max);
/* The roles a text gives `user` (an entry naming the user, or a group of
 * theirs as "@group"): the highest, enum bzj_role. */
int bzj_settings_role_of(const char *doc, const char *user);

/* This host against the database. */
int bzj_settings_status(bzj_ctx *x, bzj_settings_state *st, bzj_err *e);
/* A supervisor records this host's settings as the database's, with the
 * reason (audited as settings.accept).  The actor must be a supervisor
 * under this host's config and under the settings the database last
 * recorded with bzj's seal (or be root, who decides the roles anyway), so
 * one host's config cannot vote itself in: BZJ_EPERM "settings.supervisor".
 * Replacing every supervisor takes two steps (add, accept; remove,
 * accept).  *changed false when they already
 * agreed (nothing written). */
int bzj_settings_accept(bzj_ctx *x, const char *reason, bzj_settings_state *st, bool *changed,
			bzj_err *e);
/* Called by bzj_ctx_open on a writable database: record the settings if
 * none are yet (the first run under this config; best effort) and guard
 * every later write. */
void bzj_settings_attach(bzj_ctx *x);

#endif
