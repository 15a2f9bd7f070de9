/* store_backend.c - which store a database location names (issue 16).
 *
 * A location is a file path for SQLite;
 * a `postgresql://` or `postgres://` URI or a libpq connection string
 * (`service=NAME`, `host=… dbname=…`) names a PostgreSQL database.  The
 * contract (--db, BZJ_DB, `database` in the config) accepts those forms,
 * so they are recognised here, before any file is touched: bzj_db_open
 * opens them with the PostgreSQL driver (docs/store-seam.md); another
 * scheme is refused with a stable code. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bzj/i18n.h"
#include "bzj/store.h"

/* libpq's connection keywords (PQconndefaults), for `key=value` strings. */
static const char *const conn_keys[] = {
	"service", "host", "hostaddr", "port", "dbname", "user", "password", "passfile",
	"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name",
	"options", "target_session_attrs", "gssencmode", "krbsrvname", "channel_binding", NULL};

static bool is_conninfo(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	for (int i = 0; conn_keys[i]; i++) {
		size_t n = strlen(conn_keys[i]);
		if (!strncmp(s, conn_keys[i], n)) {
			const char *p = s + n;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '=')
				return true;
		}
	}
	return false;
}

int bzj_store_kind(const char *where)
{
	if (!where)
		return BZJ_STORE_SQLITE;
	if (!strncasecmp(where, "postgresql://", 13) || !strncasecmp(where, "postgres://", 11))
		return BZJ_STORE_POSTGRES;
	if (is_conninfo(where))
		return BZJ_STORE_POSTGRES;
	/* any other URI scheme: letters, digits, + - . then "://" */
	const char *p = where;
	if (isalpha((unsigned char)*p)) {
		while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
			p++;
		if (!strncmp(p, "://", 3))
			return BZJ_STORE_UNKNOWN;
	}
	return BZJ_STORE_SQLITE;
}

/* The location for a message, never with its password: the userinfo's
 * password of a URI and the value of `password=` become "***". */
void bzj_store_location_safe(const char *where, char *out, size_t n)
{
	size_t k = 0;
	const char *s = where ? where : "";
	const char *auth = strstr(s, "://");
	if (auth) {
		const char *host = auth + 3;
		const char *end = host + strcspn(host, "/?#");
		const char *at = NULL;
		for (const char *q = host; q < end; q++)
			if (*q == '@')
				at = q;
		const char *colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
		if (colon) {
			snprintf(out, n, "%.*s***%s", (int)(colon + 1 - s), s, at);
			return;
		}
		snprintf(out, n, "%s", s);
		return;
	}
	while (*s && k + 1 < n) {
		if (!strncmp(s, "password", 8)) {
			const char *p = s + 8;
			while (*p == ' ')
				p++;
			if (*p == '=' && (s == where || s[-1] == ' ' || s[-1] == '\t')) {
				p++;
				while (*p == ' ')
					p++;
				int w = snprintf(out + k, n - k, "password=***");
				k = w > 0 && (size_t)w < n - k ? k + (size_t)w : n - 1;
				if (*p == '\'') {
					for (p++; *p && *p != '\''; p++)
						if (*p == '\\' && p[1])
							p++;
					if (*p)
						p++;
				} else
					while (*p && *p != ' ' && *p != '\t')
						p++;
				s = p;
				continue;
			}
		}
		out[k++] = *s++;
	}
	out[k < n ? k : n - 1] = 0;
}

int bzj_store_location_check(const char *where, const char *source, bzj_err *e)
{
	int kind = bzj_store_kind(where);
	if (kind == BZJ_STORE_SQLITE || kind == BZJ_STORE_POSTGRES)
		return BZJ_OK; /* PostgreSQL: bzj_db_open's open_pg (issue 16) */
	char safe[512];
	bzj_store_location_safe(where, safe, sizeof safe);
	return bzj_fail(e, BZJ_EIO, "store.backend",
			_("%s names a database bzj cannot open (%s): bzj keeps its data in "
			  "SQLite or PostgreSQL, so give the path of a database file (e.g. "
			  "/var/lib/bzj/bzj.db) or a postgresql:// URI; nothing was opened"),
			source ? source : "--db", safe);
}
