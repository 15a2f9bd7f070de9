/* auth.c - who is acting and what each role may do (auth.h). */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzj/auth.h"
#include "bzj/i18n.h"

#define GROUPS_MAX 65536 /* give up on group lists beyond this */

/* The groups a user belongs to, from the group database; none when the
 * user is not in passwd (an env identity such as a demo user). */
struct groups {
	gid_t *v;
	int n;
};

static void groups_load(const char *user, struct groups *g)
{
	struct passwd *pw = getpwnam(user);
	gid_t *v = NULL, *nv;
	int n = 32;

	g->v = NULL;
	g->n = 0;
	if (!pw)
		return;
	for (;;) {
		int want = n;

		nv = realloc(v, (size_t)n * sizeof *v);
		if (!nv)
			break;
		v = nv;
		if (getgrouplist(user, pw->pw_gid, v, &want) >= 0) {
			g->v = v;
			g->n = want;
			return;
		}
		/* want now holds the size needed */
		if (want <= n || want > GROUPS_MAX)
			break;
		n = want;
	}
	free(v);
}

static bool in_group(const struct groups *g, const char *group)
{
	struct group *gr = getgrnam(group);
	int i;

	if (!gr)
		return false;
	for (i = 0; i < g->n; i++)
		if (g->v[i] == gr->gr_gid)
			return true;
	return false;
}

static bool list_has(const bzj_strlist *l, const char *user, struct groups *g, bool *loaded)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const char *entry = l->v[i];

		if (entry[0] != '@') {
			if (strcmp(entry, user) == 0)
				return true;
			continue;
		}
		/* Look the groups up only when a list names a group. */
		if (!*loaded) {
			groups_load(user, g);
			*loaded = true;
		}
		if (in_group(g, entry + 1))
			return true;
	}
	return false;
}

int bzj_auth_role_of(const bzj_config *c, const char *user)
{
	struct groups g = { NULL, 0 };
	bool loaded = false;
	int role, found = BZJ_ROLE_NONE;

	if (!c || !user || !*user)
		return BZJ_ROLE_NONE;
	/* The highest role wins: supervisor > finance > reviewer > support. */
	for (role = BZJ_ROLE_SUPERVISOR; role >= BZJ_ROLE_SUPPORT; role--) {
		if (list_has(&c->roles[role], user, &g, &loaded)) {
			found = role;
			break;
		}
	}
	free(g.v);
	return found;
}

/* The user name: the given one, BZJ_USER, or the OS account. */
static int auth_user(const bzj_config *c, const char *role_user, const char **user, bzj_err *e)
{
	struct passwd *pw;
	const char *where = c->path ? c->path : _("the built-in defaults");

	if (role_user) {
		*user = role_user;
		return BZJ_OK;
	}
	if (c->identity_env) {
		*user = getenv("BZJ_USER");
		if (!*user || !**user)
			return bzj_fail(e, BZJ_EPERM, "auth.no_user",
					_("identity = \"env\" in %s but BZJ_USER is not set"),
					where);
		return BZJ_OK;
	}
	pw = getpwuid(geteuid());
	if (!pw || !pw->pw_name)
		return bzj_fail(e, BZJ_EPERM, "auth.no_user",
				_("the account with uid %ld has no name in the user database"),
				(long)geteuid());
	*user = pw->pw_name;
	return BZJ_OK;
}

int bzj_auth_identify(const bzj_config *c, const char *role_user, bzj_actor *out, bzj_err *e)
{
	const char *user = NULL, *where;
	char q[80];
	int rc, role;

	if (!c || !out)
		return bzj_fail(e, BZJ_EPERM, "auth.no_user", _("no configuration to identify with"));
	memset(out, 0, sizeof *out);
	if ((rc = auth_user(c, role_user, &user, e)))
		return rc;
	where = c->path ? c->path : _("the built-in defaults");
	if (strlen(user) >= sizeof out->user)
		return bzj_fail(e, BZJ_EPERM, "auth.unknown_user",
				_("the user name '%s' is too long (at most %zu bytes)"),
				bzj_err_quote(user, q, sizeof q), sizeof out->user - 1);
	role = bzj_auth_role_of(c, user);
	if (role == BZJ_ROLE_NONE)
		return bzj_fail(e, BZJ_EPERM, "auth.unknown_user",
				_("user '%s' has no role in %s; add the user (or a group of "
				  "theirs, \"@group\") to a list under roles"),
				bzj_err_quote(user, q, sizeof q), where);
	snprintf(out->user, sizeof out->user, "%s", user);
	out->role = role;
	return BZJ_OK;
}

bool bzj_role_can(int role, int perm)
{
	switch (role) {
	case BZJ_ROLE_SUPERVISOR:
		return perm >= BZJ_PERM_READ && perm <= BZJ_PERM_SEE_ACCOUNTS;
	case BZJ_ROLE_FINANCE:
		return perm == BZJ_PERM_READ || perm == BZJ_PERM_MONEY_IN || perm == BZJ_PERM_GMV ||
		       perm == BZJ_PERM_RECEIPT || perm == BZJ_PERM_REFUND_PAY ||
		       perm == BZJ_PERM_SEE_ACCOUNTS;
	case BZJ_ROLE_REVIEWER:
		return perm == BZJ_PERM_READ || perm == BZJ_PERM_SHOP ||
		       perm == BZJ_PERM_VIOLATION || perm == BZJ_PERM_RECEIPT ||
		       perm == BZJ_PERM_REFUND_REVIEW || perm == BZJ_PERM_SEE_ACCOUNTS;
	case BZJ_ROLE_SUPPORT:
		return perm == BZJ_PERM_READ;
	default:
		return false;
	}
}

int bzj_auth_require(const bzj_actor *a, int perm, const char *action, bzj_err *e)
{
	int role = a ? a->role : BZJ_ROLE_NONE;

	if (bzj_role_can(role, perm))
		return BZJ_OK;
	static const char *const labels[BZJ_ROLE_COUNT] = {
		N_("no role"), N_("support"), N_("reviewer"), N_("finance"), N_("supervisor")};
	const char *label = role >= 0 && role < BZJ_ROLE_COUNT ? labels[role] : labels[0];
	return bzj_fail(e, BZJ_EPERM, "auth.role", _("role %s may not %s"), _(label),
			action ? action : _("do that"));
}
