/* test_config.c - defaults, the documented keys, and errors that name the
 * file, line and key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bzj/config.h"

static void defaults_are_os_identity_root_supervisor(void **state)
{
	bzj_config c;
	int r;

	(void)state;
	bzj_config_defaults(&c);
	assert_false(c.identity_env);
	assert_int_equal(c.monthly_limit, 3);
	assert_int_equal(c.second_approval_fen, 5000000);
	assert_null(c.path);
	assert_null(c.database);
	assert_int_equal(c.roles[BZJ_ROLE_SUPERVISOR].n, 1);
	assert_string_equal(c.roles[BZJ_ROLE_SUPERVISOR].v[0], "root");
	for (r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_SUPERVISOR; r++)
		assert_int_equal(c.roles[r].n, 0);
	assert_int_equal(c.nkeys, 0);
	bzj_config_free(&c);
	bzj_config_free(&c); /* freeing twice is harmless */
}

static void parse_reads_every_documented_key(void **state)
{
	const char *text = "database = \"/var/lib/bzj/bzj.db\";\n"
			   "identity = \"env\";\n"
			   "roles = {\n"
			   "  supervisor = [ \"demo\", \"sup1\" ];\n"
			   "  reviewer   = [ \"rev1\" ];\n"
			   "  finance    = [ ];\n"
			   "  support    = [ \"@staff\", \"cs1\" ];\n"
			   "};\n"
			   "refund = { monthly_limit = 5; second_approval_yuan = 80000; };\n"
			   "keys = { quit = \"Q\"; search = \"/ s\"; };\n"
			   "future_key = 1;\n";
	bzj_config c;
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_config_parse(&c, text, &e), BZJ_OK);
	assert_string_equal(c.database, "/var/lib/bzj/bzj.db");
	assert_true(c.identity_env);
	assert_int_equal(c.roles[BZJ_ROLE_SUPERVISOR].n, 2);
	assert_string_equal(c.roles[BZJ_ROLE_SUPERVISOR].v[1], "sup1");
	assert_int_equal(c.roles[BZJ_ROLE_REVIEWER].n, 1);
	assert_int_equal(c.roles[BZJ_ROLE_FINANCE].n, 0);
	assert_string_equal(c.roles[BZJ_ROLE_SUPPORT].v[0], "@staff");
	assert_int_equal(c.monthly_limit, 5);
	assert_int_equal(c.second_approval_fen, 8000000);
	assert_int_equal(c.nkeys, 2);
	assert_string_equal(c.keys[0].action, "quit");
	assert_string_equal(c.keys[0].keys, "Q");
	assert_string_equal(c.keys[1].action, "search");
	assert_string_equal(c.keys[1].keys, "/ s");
	assert_null(c.path);
	bzj_config_free(&c);
}

static void unmentioned_keys_keep_their_defaults(void **state)
{
	bzj_config c;
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_config_parse(&c, "roles = { reviewer = [ \"r\" ]; };", &e), BZJ_OK);
	assert_false(c.identity_env);
	assert_int_equal(c.monthly_limit, 3);
	assert_int_equal(c.second_approval_fen, 5000000);
	assert_string_equal(c.roles[BZJ_ROLE_SUPERVISOR].v[0], "root");
	bzj_config_free(&c);
	assert_int_equal(bzj_config_parse(&c, "", &e), BZJ_OK);
	assert_int_equal(c.roles[BZJ_ROLE_SUPERVISOR].n, 1);
	bzj_config_free(&c);
}

static void second_approval_may_carry_fen_as_a_string(void **state)
{
	bzj_config c;
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_config_parse(&c, "refund = { second_approval_yuan = \"50000.50\"; };",
					  &e),
			 BZJ_OK);
	assert_int_equal(c.second_approval_fen, 5000050);
	bzj_config_free(&c);
	assert_int_equal(bzj_config_parse(&c, "refund = { second_approval_yuan = 70000L; };", &e),
			 BZJ_OK);
	assert_int_equal(c.second_approval_fen, 7000000);
	bzj_config_free(&c);
}

static void wrong_values_name_line_and_key(void **state)
{
	static const struct {
		const char *text;
		const char *where; /* expected in the message */
	} bad[] = {
		{ "identity = \"ldap\";", "<string>:1: identity:" },
		{ "identity = 1;", "<string>:1: identity:" },
		{ "\n\nrefund = { monthly_limit = -1; };", "<string>:3: refund.monthly_limit:" },
		{ "refund = { monthly_limit = 2.5; };", "refund.monthly_limit:" },
		{ "refund = { monthly_limit = \"3\"; };", "refund.monthly_limit:" },
		{ "refund = { second_approval_yuan = 50000.5; };", "refund.second_approval_yuan:" },
		{ "refund = { second_approval_yuan = -1; };", "refund.second_approval_yuan:" },
		{ "refund = { second_approval_yuan = \"5,000\"; };", "refund.second_approval_yuan:" },
		{ "refund = { monthy_limit = 3; };", "refund.monthy_limit: unknown key" },
		{ "refund = 3;", "refund:" },
		{ "roles = [ \"root\" ];", "roles:" },
		{ "roles = {\n admin = [ \"root\" ];\n};", "<string>:2: roles.admin: unknown role" },
		{ "roles = { none = [ \"x\" ]; };", "roles.none: unknown role" },
		{ "roles = { supervisor = \"root\"; };", "roles.supervisor:" },
		{ "roles = { supervisor = [ 1, 2 ]; };", "roles.supervisor:" },
		{ "roles = { supervisor = ( \"a\", 1 ); };", "roles.supervisor:" },
		{ "roles = { supervisor = [ \"\" ]; };", "roles.supervisor:" },
		{ "roles = { supervisor = [ \"@\" ]; };", "roles.supervisor:" },
		{ "roles = { support = { a = 1; }; };", "roles.support:" },
		{ "keys = { quit = 1; };", "keys.quit:" },
		{ "keys = { quit = \"\"; };", "keys.quit:" },
		{ "keys = [ \"q\" ];", "keys:" },
		{ "database = \"\";", "database:" },
		{ "database = 5;", "database:" },
	};
	bzj_config c;
	bzj_err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = bzj_config_parse(&c, bad[i].text, &e);

		if (rc != BZJ_EINPUT || strcmp(e.code, "config.value") != 0)
			fail_msg("case %zu (%s): rc %d code %s msg %s", i, bad[i].text, rc, e.code,
				 e.msg);
		if (!strstr(e.msg, bad[i].where))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, bad[i].where);
		/* a refused config leaves the defaults */
		assert_string_equal(c.roles[BZJ_ROLE_SUPERVISOR].v[0], "root");
		assert_int_equal(c.monthly_limit, 3);
		bzj_config_free(&c);
	}
}

static void syntax_errors_name_line_and_text(void **state)
{
	bzj_config c;
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_config_parse(&c, "identity = \"os\";\nroles = { ", &e), BZJ_EINPUT);
	assert_string_equal(e.code, "config.syntax");
	assert_non_null(strstr(e.msg, "<string>:"));
	assert_non_null(strstr(e.msg, "syntax error"));
	bzj_config_free(&c);
	assert_int_equal(bzj_config_parse(&c, "a = 1;\nb = ;\n", &e), BZJ_EINPUT);
	assert_non_null(strstr(e.msg, ":2:"));
	bzj_config_free(&c);
	assert_int_equal(bzj_config_parse(&c, NULL, &e), BZJ_EINPUT);
	bzj_config_free(&c);
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/bzj-test-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void load_reads_a_file_and_names_it_in_errors(void **state)
{
	const char *path;
	bzj_config c;
	bzj_err e;

	(void)state;
	path = write_temp("identity = \"env\";\nroles = { finance = [ \"fin1\" ]; };\n");
	assert_int_equal(bzj_config_load(&c, path, &e), BZJ_OK);
	assert_string_equal(c.path, path);
	assert_true(c.identity_env);
	assert_string_equal(c.roles[BZJ_ROLE_FINANCE].v[0], "fin1");
	bzj_config_free(&c);
	unlink(path);

	path = write_temp("# comment\nrefund = { monthly_limit = -2; };\n");
	assert_int_equal(bzj_config_load(&c, path, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "config.value");
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, ":2: refund.monthly_limit"));
	bzj_config_free(&c);
	unlink(path);

	path = write_temp("# c\nidentity = ;\n");
	assert_int_equal(bzj_config_load(&c, path, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "config.syntax");
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, ":2: syntax error"));
	bzj_config_free(&c);
	unlink(path);
}

static void shipped_config_files_load(void **state)
{
	bzj_config c;
	bzj_err e;

	(void)state;
	/* tests run from the repository root */
	assert_int_equal(bzj_config_load(&c, "data/bzj.conf", &e), BZJ_OK);
	assert_false(c.identity_env);
	assert_string_equal(c.roles[BZJ_ROLE_SUPPORT].v[0], "@staff");
	bzj_config_free(&c);
	assert_int_equal(bzj_config_load(&c, "data/demo.conf", &e), BZJ_OK);
	assert_true(c.identity_env);
	assert_int_equal(c.roles[BZJ_ROLE_SUPERVISOR].n, 3);
	bzj_config_free(&c);
}

static void missing_file_is_not_found(void **state)
{
	bzj_config c;
	bzj_err e;

	(void)state;
	assert_int_equal(bzj_config_load(&c, "/nonexistent/bzj.conf", &e), BZJ_ENOTFOUND);
	assert_string_equal(e.code, "config.missing");
	assert_non_null(strstr(e.msg, "/nonexistent/bzj.conf"));
	assert_int_equal(c.monthly_limit, 3);
	bzj_config_free(&c);
}

static void role_names_round_trip(void **state)
{
	int r;

	(void)state;
	for (r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_COUNT; r++)
		assert_int_equal(bzj_role_parse(bzj_role_name(r)), r);
	assert_string_equal(bzj_role_name(BZJ_ROLE_SUPPORT), "support");
	assert_string_equal(bzj_role_name(BZJ_ROLE_REVIEWER), "reviewer");
	assert_string_equal(bzj_role_name(BZJ_ROLE_FINANCE), "finance");
	assert_string_equal(bzj_role_name(BZJ_ROLE_SUPERVISOR), "supervisor");
	assert_int_equal(bzj_role_parse("none"), -1);
	assert_int_equal(bzj_role_parse("Supervisor"), -1);
	assert_int_equal(bzj_role_parse(NULL), -1);
	assert_string_equal(bzj_role_name(42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_os_identity_root_supervisor),
		cmocka_unit_test(parse_reads_every_documented_key),
		cmocka_unit_test(unmentioned_keys_keep_their_defaults),
		cmocka_unit_test(second_approval_may_carry_fen_as_a_string),
		cmocka_unit_test(wrong_values_name_line_and_key),
		cmocka_unit_test(syntax_errors_name_line_and_text),
		cmocka_unit_test(load_reads_a_file_and_names_it_in_errors),
		cmocka_unit_test(shipped_config_files_load),
		cmocka_unit_test(missing_file_is_not_found),
		cmocka_unit_test(role_names_round_trip),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
