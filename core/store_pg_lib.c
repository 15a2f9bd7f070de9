/* store_pg_lib.c - load libpq on demand (why: store_pg_lib.h). */
#include <dlfcn.h>
#include <stddef.h>

#include "bzj/i18n.h"
#define BZJ_PQ_NO_MACROS
#include "store_pg_lib.h"

bzj_pq_table bzj_pq;

static void *handle;

int bzj_pq_load(bzj_err *e)
{
	if (handle)
		return BZJ_OK;
	/* the library's soname: Debian's libpq5, which libpq-dev depends on */
	void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return bzj_fail(e, BZJ_EIO, "store.backend",
				_("a PostgreSQL location needs the client library libpq.so.5, "
				  "which could not be loaded (%s); install it with: apt-get "
				  "install libpq5"),
				dlerror());
	const char *missing = NULL;
	/* POSIX's way to store dlsym's object pointer as a function pointer */
#define BZJ_PQ_SYM(f)                                                                              \
	if (!missing && !(*(void **)&bzj_pq.f = dlsym(h, #f)))                                     \
		missing = #f;
	BZJ_PQ_FUNCS(BZJ_PQ_SYM)
#undef BZJ_PQ_SYM
	if (missing) {
		dlclose(h);
		return bzj_fail(e, BZJ_EIO, "store.backend",
				_("the PostgreSQL client library libpq.so.5 has no %s: it is "
				  "older than bzj needs (PostgreSQL 12 or later)"),
				missing);
	}
	handle = h;
	return BZJ_OK;
}
