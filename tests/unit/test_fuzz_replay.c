/* test_fuzz_replay.c - replays the fuzz corpus (tests/fuzz/corpus/NAME/)
 * through the fuzz targets under the sanitizers of `make check`, plus
 * generated inputs too big to commit: a 1 MiB field and 100k random bytes.
 * Runs from the repository root, as `make check` does. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../fuzz/targets.c"

typedef int (*fuzz_fn)(const uint8_t *d, size_t n);

static uint8_t *read_whole(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/* Every regular file of tests/fuzz/corpus/NAME through fn. */
static void replay_dir(const char *name, fuzz_fn fn)
{
	char dir[256], path[512];
	struct dirent *de;
	struct stat st;
	int files = 0;
	uint8_t *data;
	size_t n;
	DIR *d;

	snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
	d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s (run the tests from the repository root)", dir);
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		data = read_whole(path, &n);
		if (fn(data, n) != 0)
			fail_msg("%s: target returned non-zero", path);
		free(data);
		files++;
	}
	closedir(d);
	assert_true(files > 0);
}

static void replay_money_corpus(void **state)
{
	(void)state;
	replay_dir("money", bzj_fuzz_money);
}

static void replay_date_corpus(void **state)
{
	(void)state;
	replay_dir("date", bzj_fuzz_date);
}

static void replay_csv_corpus(void **state)
{
	(void)state;
	replay_dir("csv", bzj_fuzz_csv);
}

static void replay_config_corpus(void **state)
{
	(void)state;
	replay_dir("config", bzj_fuzz_config);
}

static void replay_calendar_corpus(void **state)
{
	(void)state;
	replay_dir("calendar", bzj_fuzz_calendar);
}

static void replay_escape_corpus(void **state)
{
	(void)state;
	replay_dir("escape", bzj_fuzz_escape);
}

static void replay_json_corpus(void **state)
{
	(void)state;
	replay_dir("json", bzj_fuzz_json);
}

static void replay_service_corpus(void **state)
{
	(void)state;
	replay_dir("service", bzj_fuzz_service);
}

/* "a,<n x's>\n" */
static uint8_t *csv_with_field(size_t field, size_t *n)
{
	uint8_t *b = malloc(field + 4);

	assert_non_null(b);
	memcpy(b, "a,", 2);
	memset(b + 2, 'x', field);
	b[field + 2] = '\n';
	*n = field + 3;
	return b;
}

static void one_mebibyte_fields(void **state)
{
	uint8_t *b;
	size_t n;
	bzj_err e;

	(void)state;
	b = csv_with_field(BZJ_CSV_MAX_FIELD, &n);
	assert_int_equal(bzj_fuzz_csv(b, n), 0);
	assert_int_equal(bzj_csv_parse((const char *)b, n, NULL, NULL, &e), BZJ_OK);
	free(b);
	b = csv_with_field(BZJ_CSV_MAX_FIELD + 1, &n);
	assert_int_equal(bzj_fuzz_csv(b, n), 0);
	assert_int_equal(bzj_csv_parse((const char *)b, n, NULL, NULL, &e), BZJ_EINPUT);
	assert_string_equal(e.code, "import.format");
	/* a 1 MiB amount, date and calendar line */
	memset(b, '9', n);
	assert_int_equal(bzj_fuzz_money(b, n), 0);
	assert_int_equal(bzj_fuzz_date(b, n), 0);
	assert_int_equal(bzj_fuzz_calendar(b, n), 0);
	assert_int_equal(bzj_fuzz_config(b, n), 0);
	free(b);
}

static void random_bytes_with_a_fixed_seed(void **state)
{
	static const fuzz_fn fns[] = { bzj_fuzz_money, bzj_fuzz_date, bzj_fuzz_csv,
				       bzj_fuzz_config, bzj_fuzz_calendar, bzj_fuzz_escape,
				       bzj_fuzz_json };
	enum { N = 100000 };
	uint8_t *b = malloc(N);
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t i, f;

	(void)state;
	assert_non_null(b);
	for (i = 0; i < N; i++) {
		/* xorshift64: the same bytes on every run */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	for (f = 0; f < sizeof fns / sizeof fns[0]; f++) {
		assert_int_equal(fns[f](b, N), 0);
		/* and short slices, to reach past the first error */
		for (i = 0; i + 64 <= N; i += 4999)
			assert_int_equal(fns[f](b + i, 64), 0);
	}
	/* printable-only random text gets further into the parsers */
	for (i = 0; i < N; i++)
		b[i] = (uint8_t)(" ,\"\n\t0123456789-.:;={}[]()#@abc"[b[i] % 32]);
	for (f = 0; f < sizeof fns / sizeof fns[0]; f++)
		assert_int_equal(fns[f](b, N), 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_money_corpus),
		cmocka_unit_test(replay_date_corpus),
		cmocka_unit_test(replay_csv_corpus),
		cmocka_unit_test(replay_config_corpus),
		cmocka_unit_test(replay_calendar_corpus),
		cmocka_unit_test(replay_escape_corpus),
		cmocka_unit_test(replay_json_corpus),
		cmocka_unit_test(replay_service_corpus),
		cmocka_unit_test(one_mebibyte_fields),
		cmocka_unit_test(random_bytes_with_a_fixed_seed),
	};

	return cmocka_run_group_tests_name("fuzz_replay", tests, NULL, NULL);
}
