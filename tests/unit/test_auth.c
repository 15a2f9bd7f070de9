/* test_auth.c - identity (given, BZJ_USER, OS account), roles from the
 * config including "@group", and the permission matrix. */
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bzj/auth.h"

static const char demo_conf[] = "identity = \"env\";\n"
				"roles = {\n"
				"  supervisor = [ \"demo\", \"sup1\" ];\n"
				"  reviewer   = [ \"rev1\", \"both\" ];\n"
				"  finance    = [ \"fin1\", \"both\" ];\n"
				"  support    = [ \"cs1\", \"@no-such-group-bzj\" ];\n"
				"};\n";

static int setup_demo(void **state)
{
	bzj_config *c = malloc(sizeof *c);

	if (!c || bzj_config_parse(c, demo_conf, NULL) != BZJ_OK) {
		free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown_config(void **state)
{
	bzj_config_free(*state);
	free(*state);
	return 0;
}

static void permission_matrix_is_exactly_as_documented(void **state)
{
	/* can[role][perm] */
	static const bool can[BZJ_ROLE_COUNT][BZJ_PERM_SEE_ACCOUNTS + 1] = {
		[BZJ_ROLE_SUPPORT] = { [BZJ_PERM_READ] = true },
		[BZJ_ROLE_REVIEWER] = { [BZJ_PERM_READ] = true, [BZJ_PERM_SHOP] = true,
					[BZJ_PERM_VIOLATION] = true, [BZJ_PERM_RECEIPT] = true,
					[BZJ_PERM_REFUND_REVIEW] = true,
					[BZJ_PERM_SEE_ACCOUNTS] = true },
		[BZJ_ROLE_FINANCE] = { [BZJ_PERM_READ] = true, [BZJ_PERM_MONEY_IN] = true,
				       [BZJ_PERM_GMV] = true, [BZJ_PERM_RECEIPT] = true,
				       [BZJ_PERM_REFUND_PAY] = true, [BZJ_PERM_SEE_ACCOUNTS] = true },
		[BZJ_ROLE_SUPERVISOR] = { [BZJ_PERM_READ] = true, [BZJ_PERM_SHOP] = true,
					  [BZJ_PERM_MONEY_IN] = true, [BZJ_PERM_GMV] = true,
					  [BZJ_PERM_VIOLATION] = true, [BZJ_PERM_RECEIPT] = true,
					  [BZJ_PERM_REFUND_REVIEW] = true,
					  [BZJ_PERM_REFUND_PAY] = true, [BZJ_PERM_ADMIN] = true,
					  [BZJ_PERM_SEE_ACCOUNTS] = true },
	};
	int role, perm;

	(void)state;
	for (role = 0; role < BZJ_ROLE_COUNT; role++)
		for (perm = 0; perm <= BZJ_PERM_SEE_ACCOUNTS + 1; perm++) {
			bool want = perm <= BZJ_PERM_SEE_ACCOUNTS && can[role][perm];

			if (bzj_role_can(role, perm) != want)
				fail_msg("role %s perm %d: want %d", bzj_role_name(role), perm, want);
		}
	assert_false(bzj_role_can(-1, BZJ_PERM_READ));
	assert_false(bzj_role_can(99, BZJ_PERM_READ));
}

static void require_names_role_and_action(void **state)
{
	bzj_actor a = { "cs1", BZJ_ROLE_SUPPORT };
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_auth_require(&a, BZJ_PERM_READ, "list shops", &e), BZJ_OK);
	assert_int_equal(bzj_auth_require(&a, BZJ_PERM_MONEY_IN, "record a top-up", &e), BZJ_EPERM);
	assert_string_equal(e.code, "auth.role");
	assert_string_equal(e.msg, "role support may not record a top-up");
	a.role = BZJ_ROLE_FINANCE;
	assert_int_equal(bzj_auth_require(&a, BZJ_PERM_REFUND_REVIEW, "approve refunds", &e),
			 BZJ_EPERM);
	assert_string_equal(e.msg, "role finance may not approve refunds");
	assert_int_equal(bzj_auth_require(NULL, BZJ_PERM_READ, "read", &e), BZJ_EPERM);
}

static void named_users_get_their_role(void **state)
{
	const bzj_config *c = *state;
	bzj_actor a;
	bzj_err e;

	assert_int_equal(bzj_auth_identify(c, "rev1", &a, &e), BZJ_OK);
	assert_string_equal(a.user, "rev1");
	assert_int_equal(a.role, BZJ_ROLE_REVIEWER);
	assert_int_equal(bzj_auth_role_of(c, "sup1"), BZJ_ROLE_SUPERVISOR);
	assert_int_equal(bzj_auth_role_of(c, "fin1"), BZJ_ROLE_FINANCE);
	assert_int_equal(bzj_auth_role_of(c, "cs1"), BZJ_ROLE_SUPPORT);
	/* in two lists: the higher role */
	assert_int_equal(bzj_auth_role_of(c, "both"), BZJ_ROLE_FINANCE);
	/* names match exactly */
	assert_int_equal(bzj_auth_role_of(c, "Rev1"), BZJ_ROLE_NONE);
	assert_int_equal(bzj_auth_role_of(c, ""), BZJ_ROLE_NONE);
	assert_int_equal(bzj_auth_role_of(c, NULL), BZJ_ROLE_NONE);
}

static void unknown_users_are_refused_not_defaulted(void **state)
{
	const bzj_config *c = *state;
	bzj_actor a;
	bzj_err e;

	assert_int_equal(bzj_auth_identify(c, "mallory", &a, &e), BZJ_EPERM);
	assert_string_equal(e.code, "auth.unknown_user");
	assert_non_null(strstr(e.msg, "'mallory'"));
	assert_non_null(strstr(e.msg, "roles"));
	assert_int_equal(a.role, BZJ_ROLE_NONE);
	/* escape sequences in a user name do not reach the message */
	assert_int_equal(bzj_auth_identify(c, "\x1b[2Jx", &a, &e), BZJ_EPERM);
	assert_null(strchr(e.msg, '\x1b'));
}

static void env_identity_reads_bzj_user(void **state)
{
	const bzj_config *c = *state;
	bzj_actor a;
	bzj_err e;

	setenv("BZJ_USER", "fin1", 1);
	assert_int_equal(bzj_auth_identify(c, NULL, &a, &e), BZJ_OK);
	assert_string_equal(a.user, "fin1");
	assert_int_equal(a.role, BZJ_ROLE_FINANCE);
	setenv("BZJ_USER", "", 1);
	assert_int_equal(bzj_auth_identify(c, NULL, &a, &e), BZJ_EPERM);
	assert_string_equal(e.code, "auth.no_user");
	unsetenv("BZJ_USER");
	assert_int_equal(bzj_auth_identify(c, NULL, &a, &e), BZJ_EPERM);
	assert_string_equal(e.code, "auth.no_user");
	assert_non_null(strstr(e.msg, "BZJ_USER"));
}

static void os_identity_ignores_bzj_user(void **state)
{
	struct passwd *pw = getpwuid(geteuid());
	char text[256];
	bzj_config c;
	bzj_actor a;
	bzj_err e;

	(void)state;
	assert_non_null(pw);
	snprintf(text, sizeof text, "roles = { finance = [ \"%s\" ]; };", pw->pw_name);
	assert_int_equal(bzj_config_parse(&c, text, &e), BZJ_OK);
	setenv("BZJ_USER", "sup1", 1);
	assert_int_equal(bzj_auth_identify(&c, NULL, &a, &e), BZJ_OK);
	assert_string_equal(a.user, pw->pw_name);
	/* root is also the default supervisor */
	assert_int_equal(a.role, geteuid() == 0 ? BZJ_ROLE_SUPERVISOR : BZJ_ROLE_FINANCE);
	unsetenv("BZJ_USER");
	bzj_config_free(&c);
}

static void group_entries_match_members(void **state)
{
	struct passwd *pw = getpwuid(geteuid());
	struct group *gr;
	char text[512], name[64];
	bzj_config c;
	bzj_err e;

	(void)state;
	assert_non_null(pw);
	snprintf(name, sizeof name, "%s", pw->pw_name);
	gr = getgrgid(pw->pw_gid);
	assert_non_null(gr);
	snprintf(text, sizeof text,
		 "roles = { supervisor = [ ]; reviewer = [ \"@%s\" ]; support = [ \"nobody-x\" ]; };",
		 gr->gr_name);
	assert_int_equal(bzj_config_parse(&c, text, &e), BZJ_OK);
	/* the current user is in their primary group */
	assert_int_equal(bzj_auth_role_of(&c, name), BZJ_ROLE_REVIEWER);
	/* a name not in passwd (an env identity) matches only by name */
	assert_int_equal(bzj_auth_role_of(&c, "no-such-user-bzj"), BZJ_ROLE_NONE);
	assert_int_equal(bzj_auth_role_of(&c, "nobody-x"), BZJ_ROLE_SUPPORT);
	bzj_config_free(&c);
}

static void overlong_user_names_are_refused(void **state)
{
	char name[100];
	bzj_actor a;
	bzj_err e;

	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(bzj_auth_identify(*state, name, &a, &e), BZJ_EPERM);
	assert_string_equal(e.code, "auth.unknown_user");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(permission_matrix_is_exactly_as_documented),
		cmocka_unit_test(require_names_role_and_action),
		cmocka_unit_test_setup_teardown(named_users_get_their_role, setup_demo,
						teardown_config),
		cmocka_unit_test_setup_teardown(unknown_users_are_refused_not_defaulted, setup_demo,
						teardown_config),
		cmocka_unit_test_setup_teardown(env_identity_reads_bzj_user, setup_demo,
						teardown_config),
		cmocka_unit_test(os_identity_ignores_bzj_user),
		cmocka_unit_test(group_entries_match_members),
		cmocka_unit_test_setup_teardown(overlong_user_names_are_refused, setup_demo,
						teardown_config),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
