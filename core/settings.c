/* settings.c - the settings a database runs under (settings.h).
 *
 * The text is built from the parsed config, not the file, so comments,
 * order and spacing never matter; role lists are sets.  The database's
 * copy is sealed (store_seal.c, table `settings`), so one edited outside
 * bzj (the sqlite3 shell; psql once the store runs on PostgreSQL: the
 * seal's key never reaches the server) is found by `bzj check`
 * (check.seal) like any other sealed row, and every record has its audit
 * entry. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/money.h"
#include "bzj/settings.h"
#include "bzj/text.h"
#include "service.h"

typedef struct entry {
	const char *name;
	unsigned roles; /* bit per enum bzj_role */
} entry;

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* A user name with its control characters (and the backslash) escaped,
 * so that one name is one line. */
static void put_name(char *out, size_t n, const char *s)
{
	size_t k = 0;
	for (; *s && k + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\')
			k += (size_t)snprintf(out + k, n - k, "\\x%02x", c);
		else
			out[k++] = (char)c;
	}
	out[k] = 0;
}

static void roles_text(unsigned bits, char *out, size_t n)
{
	size_t k = 0;
	out[0] = 0;
	for (int r = BZJ_ROLE_SUPERVISOR; r > BZJ_ROLE_NONE; r--)
		if (bits & (1u << r))
			k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? "+" : "",
					      bzj_role_name(r));
	if (!k)
		snprintf(out, n, "%s", bzj_role_name(BZJ_ROLE_NONE));
}

/* A growing string. */
typedef struct buf {
	char *p;
	size_t n, cap;
	bool oom;
} buf;

static void buf_put(buf *b, const char *s)
{
	size_t l = strlen(s);
	if (b->oom)
		return;
	if (b->n + l + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 256) + l;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, l + 1);
	b->n += l;
}

int bzj_settings_doc(const bzj_config *c, char **out, bzj_err *e)
{
	*out = NULL;
	size_t total = 0;
	for (int r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_COUNT; r++)
		total += c->roles[r].n;
	entry *v = calloc(total ? total : 1, sizeof *v);
	if (!v)
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	size_t n = 0;
	for (int r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_COUNT; r++)
		for (size_t i = 0; i < c->roles[r].n; i++) {
			v[n].name = c->roles[r].v[i];
			v[n++].roles = 1u << r;
		}
	qsort(v, n, sizeof *v, entry_cmp);
	buf b = {0};
	char line[512], money[32];
	snprintf(line, sizeof line, "identity\t%s\n", c->identity_env ? "env" : "os");
	buf_put(&b, line);
	snprintf(line, sizeof line, "refund.monthly_limit\t%d\n", c->monthly_limit);
	buf_put(&b, line);
	snprintf(line, sizeof line, "refund.second_approval_yuan\t%s\n",
		 bzj_money_plain(c->second_approval_fen, money, sizeof money));
	buf_put(&b, line);
	for (size_t i = 0; i < n;) {
		unsigned bits = 0;
		size_t j = i;
		for (; j < n && !strcmp(v[j].name, v[i].name); j++)
			bits |= v[j].roles;
		char name[300], roles[64];
		put_name(name, sizeof name, v[i].name);
		roles_text(bits, roles, sizeof roles);
		snprintf(line, sizeof line, "role:%s\t%s\n", name, roles);
		buf_put(&b, line);
		i = j;
	}
	free(v);
	if (b.oom || !b.p) {
		free(b.p);
		return bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	}
	*out = b.p;
	return BZJ_OK;
}

void bzj_settings_fingerprint(const char *doc, char out[65])
{
	struct sha256_ctx s;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&s);
	sha256_update(&s, strlen(doc), (const uint8_t *)doc);
	sha256_digest(&s, sizeof d, d);
	bzj_hex(d, SHA256_DIGEST_SIZE, out);
}

/* The value of `key` in a text (a pointer into it, its length in *len),
 * NULL when absent. */
static const char *value_of(const char *doc, const char *key, size_t klen, size_t *len)
{
	for (const char *p = doc; p && *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		if (tab && (size_t)(tab - p) == klen && !memcmp(p, key, klen)) {
			*len = (size_t)(end - tab - 1);
			return tab + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void one_diff(const char *key, size_t klen, const char *a, size_t alen, const char *b,
		     size_t blen, char *out, size_t n)
{
	const char *none = bzj_role_name(BZJ_ROLE_NONE);
	bool role = klen > 5 && !memcmp(key, "role:", 5);
	if (role)
		snprintf(out, n, _("role of %.*s: %.*s → %.*s"), (int)(klen - 5), key + 5,
			 a ? (int)alen : (int)strlen(none), a ? a : none,
			 b ? (int)blen : (int)strlen(none), b ? b : none);
	else
		snprintf(out, n, _("%.*s: %.*s → %.*s"), (int)klen, key, a ? (int)alen : 1,
			 a ? a : "-", b ? (int)blen : 1, b ? b : "-");
}

/* Every key of `doc` whose value in `other` differs; `first` says doc is
 * the database's (else keys missing from it only). */
static int diff_pass(const char *doc, const char *other, bool first, char (*items)[200], int max,
		     int count)
{
	for (const char *p = doc; p && *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		if (tab) {
			size_t klen = (size_t)(tab - p), vlen = (size_t)(end - tab - 1), olen = 0;
			const char *o = value_of(other, p, klen, &olen);
			bool differs = first ? !o || olen != vlen || memcmp(o, tab + 1, vlen) : !o;
			if (differs) {
				if (count < max) {
					if (first)
						one_diff(p, klen, tab + 1, vlen, o, olen, items[count],
							 sizeof items[count]);
					else
						one_diff(p, klen, NULL, 0, tab + 1, vlen, items[count],
							 sizeof items[count]);
				}
				count++;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return count;
}

int bzj_settings_diff(const char *db_doc, const char *host_doc, char (*items)[200], int max)
{
	int n = diff_pass(db_doc, host_doc, true, items, max, 0);
	return diff_pass(host_doc, db_doc, false, items, max, n);
}

int bzj_settings_role_of(const char *doc, const char *user)
{
	/* a config with just the doc's role lists, asked as bzj_auth asks */
	bzj_config c;
	memset(&c, 0, sizeof c);
	size_t cap = 0;
	for (const char *p = doc; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		cap++;
	char **names = calloc(cap ? cap : 1, sizeof *names);
	int *roles = calloc(cap ? cap : 1, sizeof *roles);
	size_t n = 0;
	int best = BZJ_ROLE_NONE;
	if (!names || !roles)
		goto out;
	for (const char *p = doc; p && *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		if (tab && tab - p > 5 && !memcmp(p, "role:", 5)) {
			names[n] = strndup(p + 5, (size_t)(tab - p - 5));
			int bits = 0;
			for (int r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_COUNT; r++) {
				const char *rn = bzj_role_name(r);
				size_t l = strlen(rn);
				for (const char *q = tab + 1; q + l <= end; q++)
					if (!memcmp(q, rn, l) && (q == tab + 1 || q[-1] == '+') &&
					    (q + l == end || q[l] == '+'))
						bits |= 1 << r;
			}
			roles[n] = bits;
			if (names[n])
				n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	for (int r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_COUNT; r++) {
		size_t k = 0;
		c.roles[r].v = calloc(n + 1, sizeof *c.roles[r].v);
		if (!c.roles[r].v)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (roles[i] & (1 << r))
				c.roles[r].v[k++] = names[i];
		c.roles[r].n = k;
	}
	best = bzj_auth_role_of(&c, user);
out:
	for (int r = 0; r < BZJ_ROLE_COUNT; r++)
		free(c.roles[r].v);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(roles);
	return best;
}

/* A seal can only be judged when the key and the log agree (a keyed log
 * with its key attached, or neither); otherwise writes are refused by
 * svc_audit for that reason (audit.no_key, audit.not_keyed). */
static int seals_judgeable(bzj_ctx *x, bool *judge, bzj_err *e)
{
	int64_t from = 0;
	bool keyed_log = false;
	int rc = bzj_store_meta_get(x->db, "audit_keyed_from", &from, &keyed_log, e);
	*judge = !rc && (keyed_log && from > 0) == bzj_db_audit_key(x->db, NULL);
	return rc;
}

/* Compare inside or outside a transaction; *host_doc (malloc'd) is
 * this host's text. */
static int compare(bzj_ctx *x, bzj_settings_state *st, char **host_doc, bzj_err *e)
{
	memset(st, 0, sizeof *st);
	*host_doc = NULL;
	int rc = bzj_settings_doc(x->cfg, host_doc, e);
	if (rc)
		return rc;
	bzj_settings_fingerprint(*host_doc, st->host_fp);
	char *db_doc = NULL;
	int64_t seq = 0;
	rc = bzj_store_settings_last(x->db, &seq, st->db_fp, &db_doc, &st->recorded_on,
				     st->recorded_by, &st->recorded, e);
	bool judge = false;
	st->sealed = true;
	if (!rc)
		rc = seals_judgeable(x, &judge, e);
	if (!rc && st->recorded && judge)
		rc = bzj_store_settings_sealed(x->db, seq, &st->sealed, e);
	if (rc) {
		free(db_doc);
		free(*host_doc);
		*host_doc = NULL;
		return rc;
	}
	st->agree = !st->recorded || !strcmp(st->db_fp, st->host_fp);
	if (st->recorded && !st->agree)
		st->ndiff = bzj_settings_diff(db_doc, *host_doc, st->diff, BZJ_SETTINGS_ITEMS);
	free(db_doc);
	return BZJ_OK;
}

int bzj_settings_status(bzj_ctx *x, bzj_settings_state *st, bzj_err *e)
{
	char *doc = NULL;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_READ, _("read the settings"), e);
	if (!rc)
		rc = compare(x, st, &doc, e);
	free(doc);
	return rc;
}

/* The differences as one sentence part: "a; b; c (and N more)". */
static void diff_text(const bzj_settings_state *st, char *out, size_t n)
{
	size_t k = 0;
	out[0] = 0;
	for (int i = 0; i < st->ndiff && i < BZJ_SETTINGS_ITEMS && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s%s", i ? "; " : "", st->diff[i]);
	if (st->ndiff > BZJ_SETTINGS_ITEMS && k < n)
		snprintf(out + k, n - k, _(" (and %d more)"), st->ndiff - BZJ_SETTINGS_ITEMS);
}

/* Record this host's settings (in the caller's transaction). */
static int record(bzj_ctx *x, const bzj_settings_state *st, const char *doc, const char *action,
		  const char *reason, bzj_err *e)
{
	int rc = bzj_store_settings_insert(x->db, st->host_fp, doc, x->today, x->actor.user, e);
	if (rc)
		return rc;
	char before[128], after[1800], changes[1500];
	snprintf(before, sizeof before, "{\"fingerprint\":\"%s\"}", st->db_fp);
	diff_text(st, changes, sizeof changes);
	bzj_json j;
	bzj_json_init(&j);
	bzj_json_obj(&j, NULL);
	bzj_json_str(&j, "fingerprint", st->host_fp);
	if (st->ndiff)
		bzj_json_str(&j, "changes", changes);
	bzj_json_obj_end(&j);
	snprintf(after, sizeof after, "%s", bzj_json_text(&j));
	bzj_json_free(&j);
	return svc_audit(x, action, "settings", NULL, st->recorded ? before : NULL, after, reason,
			 e);
}

/* The write guard: every outermost write transaction starts here. */
static int guard(void *ctx, bzj_err *e)
{
	bzj_ctx *x = ctx;
	if (x->settings_accepting || !x->cfg)
		return BZJ_OK;
	bzj_settings_state st;
	char *doc = NULL;
	int rc = compare(x, &st, &doc, e);
	if (!rc && !st.recorded)
		rc = record(x, &st, doc, "settings.record",
			    "first run under these settings", e);
	else if (!rc && !st.sealed)
		rc = bzj_fail(e, BZJ_EPERM, "settings.tampered",
			      _("the database's record of the roles and limits it runs under "
				"does not carry bzj's seal: it was written or changed outside bzj. "
				"Nothing was written; `bzj check` names it. A supervisor who has "
				"checked /etc/bzj/bzj.conf records the settings again with `bzj "
				"settings accept --reason TEXT`"));
	else if (!rc && !st.agree) {
		char changes[2048];
		diff_text(&st, changes, sizeof changes);
		rc = bzj_fail(e, BZJ_EPERM, "settings.mismatch",
			      _("this host's roles or limits differ from those the database runs "
				"under (database → this host): %s. Nothing was written; reading "
				"still works. Root makes /etc/bzj/bzj.conf agree on every host, "
				"then a supervisor records the change once with `bzj settings "
				"accept --reason TEXT`"),
			      changes);
	}
	free(doc);
	return rc;
}

void bzj_settings_attach(bzj_ctx *x)
{
	if (!x->cfg || bzj_db_readonly(x->db))
		return;
	/* Checked without the write lock first: opening a database that has
	 * its settings never waits for writers. */
	bool found = false;
	bzj_err e;
	if (bzj_store_settings_last(x->db, NULL, NULL, NULL, NULL, NULL, &found, &e) == BZJ_OK &&
	    !found) {
		bzj_db_set_write_guard(x->db, guard, x);
		/* the guard records them; an error (a key not yet switched
		 * to, a busy database) leaves it to the first write */
		if (bzj_db_begin(x->db, &e) == BZJ_OK)
			svc_end(x, BZJ_OK, &e);
	}
	bzj_db_set_write_guard(x->db, guard, x);
}

int bzj_settings_accept(bzj_ctx *x, const char *reason, bzj_settings_state *st, bool *changed,
			bzj_err *e)
{
	*changed = false;
	int rc = bzj_auth_require(&x->actor, BZJ_PERM_ADMIN, _("accept changed settings"), e);
	if (!rc)
		rc = svc_text(reason, "reason", 500, true, e);
	if (rc)
		return rc;
	x->settings_accepting = true;
	rc = svc_begin(x, e);
	x->settings_accepting = false;
	if (rc)
		return rc;
	char *doc = NULL;
	rc = compare(x, st, &doc, e);
	if (!rc && st->recorded && st->agree && st->sealed) {
		free(doc);
		bzj_db_rollback(x->db); /* nothing to record */
		return BZJ_OK;
	}
	/* who may: a supervisor under the last sealed record too, or root */
	char *sealed_doc = NULL;
	bool have = false, judge = false;
	if (!rc)
		rc = seals_judgeable(x, &judge, e);
	if (!rc && !judge) /* svc_audit refuses it, with the key's reason */
		return svc_end(x, record(x, st, doc, "settings.accept", reason, e), e);
	if (!rc)
		rc = bzj_store_settings_last_sealed(x->db, &sealed_doc, &have, e);
	if (!rc && strcmp(x->actor.user, "root") != 0 && have &&
	    bzj_settings_role_of(sealed_doc, x->actor.user) != BZJ_ROLE_SUPERVISOR)
		rc = bzj_fail(e, BZJ_EPERM, "settings.supervisor",
			      _("%s is a supervisor in this host's config but not in the settings "
				"the database runs under, so one host's config cannot vote itself "
				"in: a supervisor of both (or root) records the change. To replace "
				"every supervisor, add the new one, accept, then remove the old one "
				"and accept again; nothing was written"),
			      x->actor.user);
	else if (!rc && strcmp(x->actor.user, "root") != 0 && !have && st->recorded)
		rc = bzj_fail(e, BZJ_EPERM, "settings.supervisor",
			      _("no record of the settings in this database carries bzj's seal, "
				"so only root may record them again; nothing was written"));
	free(sealed_doc);
	if (!rc)
		rc = record(x, st, doc, "settings.accept", reason, e);
	free(doc);
	rc = svc_end(x, rc, e);
	if (!rc) {
		*changed = true;
		snprintf(st->db_fp, sizeof st->db_fp, "%s", st->host_fp);
		st->recorded = true;
		st->agree = true;
		st->sealed = true;
		st->recorded_on = x->today;
		snprintf(st->recorded_by, sizeof st->recorded_by, "%s", x->actor.user);
	}
	return rc;
}
