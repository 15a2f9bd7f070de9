/* sqlprof.c - where a bzj command spends its time, statement by statement.
 *
 * An LD_PRELOAD shim: it wraps sqlite3_open_v2 to install a
 * SQLITE_TRACE_PROFILE callback and, at exit, prints to stderr (or to
 * $SQLPROF_OUT) every distinct statement text with its total time, run
 * count and rows changed, slowest first.  Triggers' work is counted in the
 * statement that fired them.  No change to bzj is needed:
 *
 *   cc -O2 -shared -fPIC -o sqlprof.so tests/bench/sqlprof.c -ldl
 *   LD_PRELOAD=./sqlprof.so bzj --db x.db demo --shops 20000
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

static struct slot {
	char *sql;
	unsigned long long ns, runs;
} tab[SLOTS];
static int nslots;
static unsigned long long total_ns;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	unsigned long long ns = *(sqlite3_int64 *)x;
	if (!sql)
		sql = "?";
	total_ns += ns;
	unsigned i = hash(sql) % SLOTS;
	for (int k = 0; k < SLOTS; k++, i = (i + 1) % SLOTS) {
		if (!tab[i].sql) {
			if (nslots > SLOTS - 2)
				return 0;
			tab[i].sql = strdup(sql);
			nslots++;
		}
		if (!strcmp(tab[i].sql, sql)) {
			tab[i].ns += ns;
			tab[i].runs++;
			return 0;
		}
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void dump(void)
{
	const char *path = getenv("SQLPROF_OUT");
	FILE *f = path ? fopen(path, "w") : stderr;
	if (!f)
		f = stderr;
	qsort(tab, SLOTS, sizeof tab[0], by_time);
	fprintf(f, "sqlprof: %.3f s in SQLite statements\n", total_ns / 1e9);
	for (int i = 0; i < SLOTS && tab[i].sql; i++) {
		if (tab[i].ns < total_ns / 1000 && i > 20)
			break;
		char one[161];
		snprintf(one, sizeof one, "%s", tab[i].sql);
		for (char *c = one; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		fprintf(f, "%9.3f s %5.1f%% %10llu runs  %s\n", tab[i].ns / 1e9,
			total_ns ? 100.0 * tab[i].ns / total_ns : 0, tab[i].runs, one);
	}
	if (f != stderr)
		fclose(f);
}

int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
	static int (*real)(const char *, sqlite3 **, int, const char *);
	static int once;
	if (!real)
		real = (int (*)(const char *, sqlite3 **, int, const char *))dlsym(RTLD_NEXT,
										  "sqlite3_open_v2");
	int rc = real(name, db, flags, vfs);
	if (rc == SQLITE_OK && *db) {
		sqlite3_trace_v2(*db, SQLITE_TRACE_PROFILE, on_trace, NULL);
		if (!once++)
			atexit(dump);
	}
	return rc;
}
