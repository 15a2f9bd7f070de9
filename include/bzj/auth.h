/* auth.h - who is acting, and what each role may do.
 *
 * Identity is the operating-system account (getpwuid(geteuid())) mapped to
 * a role by the config; with identity = "env" (tests and demos) BZJ_USER
 * names the user instead.  An unknown user has no role: refused with
 * "auth.unknown_user" (BZJ_EPERM), never given a default. */
#ifndef BZJ_AUTH_H
#define BZJ_AUTH_H

#include <stdbool.h>
#include "bzj/config.h"
#include "bzj/err.h"

typedef struct bzj_actor {
	char user[64];
	int role; /* enum bzj_role */
} bzj_actor;

enum bzj_perm {
	BZJ_PERM_READ = 1,	  /* everyone */
	BZJ_PERM_SHOP,		  /* shop add/category/close/payee */
	BZJ_PERM_MONEY_IN,	  /* top-ups, fees, unsettled payments */
	BZJ_PERM_GMV,		  /* GMV and the monthly recompute */
	BZJ_PERM_VIOLATION,	  /* violations, freezes, deductions */
	BZJ_PERM_RECEIPT,	  /* e-receipts */
	BZJ_PERM_REFUND_REVIEW,	  /* submit, check, approve, reject, cancel */
	BZJ_PERM_REFUND_PAY,	  /* pay, fail */
	BZJ_PERM_ADMIN,		  /* standards, calendar, init, demo */
	BZJ_PERM_SEE_ACCOUNTS,	  /* unmasked bank account numbers */
};

/* Find the acting user and role.  `role_user` lets tests name a user
 * directly; NULL means: BZJ_USER if identity_env, else the OS account. */
int bzj_auth_identify(const bzj_config *c, const char *role_user, bzj_actor *out, bzj_err *e);
/* The role of a user name (groups looked up with getgrouplist). */
int bzj_auth_role_of(const bzj_config *c, const char *user);
bool bzj_role_can(int role, int perm);
/* BZJ_OK, or BZJ_EPERM "auth.role" naming the role and the action. */
int bzj_auth_require(const bzj_actor *a, int perm, const char *action, bzj_err *e);

#endif
