/* config.h - the libconfig configuration (data/bzj.conf is the documented
 * default).  Keys:
 *   database = "/var/lib/bzj/bzj.db";   (optional)
 *   identity = "os" | "env";
 *   roles = { supervisor = [..]; reviewer = [..]; finance = [..]; support = [..]; };
 *   refund = { monthly_limit = 3; second_approval_yuan = 50000; };
 *   keys = { quit = "Q"; search = "/"; ... };   (optional remaps by action)
 *   audit_key = "/etc/bzj/audit.key";   (optional: the key of the audit chain
 *                                        and row seals; see docs/deploy.md)
 *   provider = { industry_belt_yuan = 100000;
 *                agency = ( [0, 10000], [11, 30000], [51, 50000] ); };
 *              (service providers' required deposit: industry-belt, and the
 *               agency table, [from this many bound shops, yuan], ascending)
 */
#ifndef BZJ_CONFIG_H
#define BZJ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bzj/err.h"

enum bzj_role {
	BZJ_ROLE_NONE = 0,
	BZJ_ROLE_SUPPORT = 1,
	BZJ_ROLE_REVIEWER = 2,
	BZJ_ROLE_FINANCE = 3,
	BZJ_ROLE_SUPERVISOR = 4,
	BZJ_ROLE_COUNT = 5,
};

typedef struct bzj_strlist {
	char **v;
	size_t n;
} bzj_strlist;

typedef struct bzj_keybind {
	char *action; /* action name from the keymap table */
	char *keys;   /* space-separated key names */
} bzj_keybind;

typedef struct bzj_config {
	char *path;	    /* file it was read from, NULL for built-in defaults */
	char *database;	    /* NULL when not set */
	char *audit_key;    /* path of the audit key file, NULL when not set */
	bool identity_env;  /* identity = "env" */
	int monthly_limit;  /* refund.monthly_limit, default 3 */
	int64_t second_approval_fen; /* refund.second_approval_yuan, default 50,000 yuan */
	bzj_strlist roles[BZJ_ROLE_COUNT]; /* user names or "@group" */
	bzj_keybind *keys;
	size_t nkeys;
	/* provider.*: required deposit of service providers */
	int64_t provider_belt_fen;	     /* industry_belt_yuan, default 100,000 */
	int provider_ntiers;		     /* rows of the agency table, 1..8 */
	int64_t provider_tier_shops[8];	     /* from this many bound shops, ascending */
	int64_t provider_tier_fen[8];
} bzj_config;

/* Built-in defaults: identity "os", root is supervisor, nobody else. */
void bzj_config_defaults(bzj_config *c);
/* Read a file.  Errors name the file, line and key ("config.syntax",
 * "config.value"); a missing file is "config.missing" (BZJ_ENOTFOUND). */
int bzj_config_load(bzj_config *c, const char *path, bzj_err *e);
/* The same from a string (tests, fuzzing). */
int bzj_config_parse(bzj_config *c, const char *text, bzj_err *e);
void bzj_config_free(bzj_config *c);

const char *bzj_role_name(int role);
int bzj_role_parse(const char *s);

#endif
