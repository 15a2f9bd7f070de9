/* test_settings.c - the settings text, its differences and who it names
 * (core/settings.c), and which store a location names
 * (core/store_backend.c): issue 16. */
#include "bzj/settings.h"
#include "bzj/store.h"
#include "fixture.h"

static bzj_config conf(const char *text)
{
	bzj_config c;
	bzj_err e;
	bzj_config_defaults(&c);
	if (bzj_config_parse(&c, text, &e) != BZJ_OK)
		fail_msg("config: %s", e.msg);
	return c;
}

static char *doc_of(const char *text)
{
	bzj_config c = conf(text);
	char *d = NULL;
	bzj_err e;
	assert_int_equal(bzj_settings_doc(&c, &d, &e), BZJ_OK);
	bzj_config_free(&c);
	return d;
}

#define BASE "identity = \"env\"; roles = { supervisor = [ \"a\" ]; reviewer = [ \"r1\", \"r2\" ];" \
	     " finance = [ \"f\" ]; support = [ \"@staff\", \"r1\" ]; };" \
	     " refund = { monthly_limit = 3; second_approval_yuan = 50000; };"

static void the_text_is_canonical(void **state)
{
	(void)state;
	char *a = doc_of(BASE);
	assert_string_equal(a, "identity\tenv\n"
			       "refund.monthly_limit\t3\n"
			       "refund.second_approval_yuan\t50000.00\n"
			       "role:@staff\tsupport\n"
			       "role:a\tsupervisor\n"
			       "role:f\tfinance\n"
			       "role:r1\treviewer+support\n"
			       "role:r2\treviewer\n");
	/* order, repeats, comments and unrelated keys change nothing */
	char *b = doc_of("# comment\nrefund = { second_approval_yuan = 50000; monthly_limit = 3; };"
			 " identity = \"env\"; roles = { support = [ \"r1\", \"@staff\", \"r1\" ];"
			 " finance = [ \"f\" ]; reviewer = [ \"r2\", \"r1\" ]; supervisor = [ \"a\" ]; };"
			 " provider = { industry_belt_yuan = 1; };");
	assert_string_equal(a, b);
	char fa[65], fb[65];
	bzj_settings_fingerprint(a, fa);
	bzj_settings_fingerprint(b, fb);
	assert_string_equal(fa, fb);
	assert_int_equal(strlen(fa), 64);
	free(a);
	free(b);
}

static void differences_are_named_database_first(void **state)
{
	(void)state;
	char *a = doc_of(BASE);
	char *b = doc_of("identity = \"os\"; roles = { supervisor = [ \"a\", \"r2\" ]; reviewer = [ \"r1\" ];"
			 " finance = [ ]; support = [ \"@staff\", \"r1\" ]; };"
			 " refund = { monthly_limit = 4; second_approval_yuan = 60000; };");
	char items[16][200];
	int n = bzj_settings_diff(a, b, items, 16);
	assert_int_equal(n, 5);
	assert_string_equal(items[0], "identity: env → os");
	assert_string_equal(items[1], "refund.monthly_limit: 3 → 4");
	assert_string_equal(items[2], "refund.second_approval_yuan: 50000.00 → 60000.00");
	assert_string_equal(items[3], "role of f: finance → none");
	assert_string_equal(items[4], "role of r2: reviewer → supervisor");
	assert_int_equal(bzj_settings_diff(a, a, items, 16), 0);
	/* only the first `max` are written, all are counted */
	assert_int_equal(bzj_settings_diff(a, b, items, 2), 5);
	free(a);
	free(b);
}

static void role_of_reads_the_text(void **state)
{
	(void)state;
	char *a = doc_of(BASE);
	assert_int_equal(bzj_settings_role_of(a, "a"), BZJ_ROLE_SUPERVISOR);
	assert_int_equal(bzj_settings_role_of(a, "r1"), BZJ_ROLE_REVIEWER);
	assert_int_equal(bzj_settings_role_of(a, "f"), BZJ_ROLE_FINANCE);
	assert_int_equal(bzj_settings_role_of(a, "nobody_here"), BZJ_ROLE_NONE);
	assert_int_equal(bzj_settings_role_of(a, "r"), BZJ_ROLE_NONE); /* no prefix match */
	free(a);
}

static void a_name_is_one_line(void **state)
{
	(void)state;
	char *a = doc_of("roles = { supervisor = [ \"x\\ty\", \"p\\\\q\" ]; };");
	assert_non_null(strstr(a, "role:x\\x09y\tsupervisor\n"));
	assert_non_null(strstr(a, "role:p\\x5cq\tsupervisor\n"));
	free(a);
}

static void locations_name_their_store(void **state)
{
	(void)state;
	assert_int_equal(bzj_store_kind("/var/lib/bzj/bzj.db"), BZJ_STORE_SQLITE);
	assert_int_equal(bzj_store_kind("bzj.db"), BZJ_STORE_SQLITE);
	assert_int_equal(bzj_store_kind("./service=x.db"), BZJ_STORE_SQLITE);
	assert_int_equal(bzj_store_kind(":memory:"), BZJ_STORE_SQLITE);
	assert_int_equal(bzj_store_kind("postgresql://h/db"), BZJ_STORE_POSTGRES);
	assert_int_equal(bzj_store_kind("Postgres://h/db"), BZJ_STORE_POSTGRES);
	assert_int_equal(bzj_store_kind("service=bzj"), BZJ_STORE_POSTGRES);
	assert_int_equal(bzj_store_kind("  host = h dbname=x"), BZJ_STORE_POSTGRES);
	assert_int_equal(bzj_store_kind("hostname=x"), BZJ_STORE_SQLITE); /* not a libpq key */
	assert_int_equal(bzj_store_kind("mysql://h/db"), BZJ_STORE_UNKNOWN);
	char out[256];
	bzj_store_location_safe("postgresql://u:pw@h:5432/db?sslmode=require", out, sizeof out);
	assert_string_equal(out, "postgresql://u:***@h:5432/db?sslmode=require");
	bzj_store_location_safe("postgresql://u@h/db", out, sizeof out);
	assert_string_equal(out, "postgresql://u@h/db");
	bzj_store_location_safe("host=h password='a b\\' c' user=u", out, sizeof out);
	assert_string_equal(out, "host=h password=*** user=u");
	bzj_store_location_safe("password=x", out, sizeof out);
	assert_string_equal(out, "password=***");
	bzj_err e;
	/* PostgreSQL locations are taken (bzj_db_open's driver), others refused */
	assert_int_equal(bzj_store_location_check("service=bzj", "--db", &e), BZJ_OK);
	assert_int_equal(bzj_store_location_check("postgresql://h/db", "--db", &e), BZJ_OK);
	assert_int_equal(bzj_store_location_check("mysql://h/db", "--db", &e), BZJ_EIO);
	assert_string_equal(e.code, "store.backend");
	assert_non_null(strstr(e.msg, "--db names a database bzj cannot open (mysql://h/db)"));
	assert_int_equal(bzj_store_location_check("/tmp/x/bzj.db", "--db", &e), BZJ_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_text_is_canonical),
		cmocka_unit_test(differences_are_named_database_first),
		cmocka_unit_test(role_of_reads_the_text),
		cmocka_unit_test(a_name_is_one_line),
		cmocka_unit_test(locations_name_their_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
