/* config.c - the libconfig configuration (config.h).
 *
 * A file is read into a fresh bzj_config that starts from the built-in
 * defaults; only when every key checks out is it handed to the caller, so a
 * bad file never leaves a half-applied configuration.  Errors name the
 * file, the line and the key. */
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/config.h"
#include "bzj/i18n.h"
#include "bzj/money.h"

#define USER_NAME_MAX 63 /* bzj_actor.user holds 63 bytes and a NUL */

/* The defaults allocate nothing: the supervisor list is static, and
 * bzj_config_free knows not to free it.  So bzj_config_defaults followed by
 * bzj_config_load cannot leak. */
static char default_root[] = "root";
static char *default_supervisors[] = { default_root };

static const char *const role_names[BZJ_ROLE_COUNT] = {
	[BZJ_ROLE_NONE] = "none",
	[BZJ_ROLE_SUPPORT] = "support",
	[BZJ_ROLE_REVIEWER] = "reviewer",
	[BZJ_ROLE_FINANCE] = "finance",
	[BZJ_ROLE_SUPERVISOR] = "supervisor",
};

const char *bzj_role_name(int role)
{
	return role >= 0 && role < BZJ_ROLE_COUNT ? role_names[role] : "?";
}

int bzj_role_parse(const char *s)
{
	int r;

	if (!s)
		return -1;
	for (r = BZJ_ROLE_SUPPORT; r < BZJ_ROLE_COUNT; r++)
		if (strcmp(s, role_names[r]) == 0)
			return r;
	return -1;
}

void bzj_config_defaults(bzj_config *c)
{
	memset(c, 0, sizeof *c);
	c->identity_env = false;
	c->monthly_limit = 3;
	c->second_approval_fen = 5000000; /* 50,000 yuan */
	/* Illustrative defaults, not an official table (DOMAIN.md): an
	 * industry-belt provider holds 100,000 yuan; an agency operator
	 * 10,000 / 30,000 / 50,000 by the number of shops bound to it. */
	c->provider_belt_fen = 10000000;
	c->provider_ntiers = 3;
	c->provider_tier_shops[0] = 0;
	c->provider_tier_fen[0] = 1000000;
	c->provider_tier_shops[1] = 11;
	c->provider_tier_fen[1] = 3000000;
	c->provider_tier_shops[2] = 51;
	c->provider_tier_fen[2] = 5000000;
	c->roles[BZJ_ROLE_SUPERVISOR].v = default_supervisors;
	c->roles[BZJ_ROLE_SUPERVISOR].n = 1;
}

static void strlist_free(bzj_strlist *l)
{
	size_t i;

	if (l->v != default_supervisors) {
		for (i = 0; i < l->n; i++)
			free(l->v[i]);
		free(l->v);
	}
	l->v = NULL;
	l->n = 0;
}

void bzj_config_free(bzj_config *c)
{
	size_t i;
	int r;

	if (!c)
		return;
	free(c->path);
	free(c->database);
	free(c->audit_key);
	for (r = 0; r < BZJ_ROLE_COUNT; r++)
		strlist_free(&c->roles[r]);
	for (i = 0; i < c->nkeys; i++) {
		free(c->keys[i].action);
		free(c->keys[i].keys);
	}
	free(c->keys);
	memset(c, 0, sizeof *c);
}

/* ---- reading ---------------------------------------------------------- */

/* What a reader needs to name the place of an error. */
struct reader {
	bzj_config *c;
	const char *file; /* the path, or "<string>" */
	bzj_err *e;
};

static const char *setting_file(const struct reader *rd, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);

	return f ? f : rd->file;
}

/* "config.value" at setting s: "FILE:LINE: KEY: WHAT". */
static int bad_value(const struct reader *rd, const config_setting_t *s, const char *key,
		     const char *what)
{
	return bzj_fail(rd->e, BZJ_EINPUT, "config.value", "%s:%u: %s: %s", setting_file(rd, s),
			(unsigned)config_setting_source_line(s), key, what);
}

static int no_memory(const struct reader *rd)
{
	return bzj_fail(rd->e, BZJ_EIO, "config.memory", _("out of memory reading the config"));
}

/* A non-empty string setting, copied. */
static int read_string(const struct reader *rd, const config_setting_t *s, const char *key,
		       char **out)
{
	const char *v = config_setting_get_string(s);

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return bad_value(rd, s, key, _("must be a string in double quotes"));
	if (!v || !*v)
		return bad_value(rd, s, key, _("must not be empty"));
	if (!(*out = strdup(v)))
		return no_memory(rd);
	return BZJ_OK;
}

static int read_database(const struct reader *rd, const config_setting_t *s)
{
	char *v;
	int rc;

	if ((rc = read_string(rd, s, "database", &v)))
		return rc;
	free(rd->c->database);
	rd->c->database = v;
	return BZJ_OK;
}

static int read_audit_key(const struct reader *rd, const config_setting_t *s)
{
	char *v;
	int rc;

	if ((rc = read_string(rd, s, "audit_key", &v)))
		return rc;
	free(rd->c->audit_key);
	rd->c->audit_key = v;
	return BZJ_OK;
}

static int read_identity(const struct reader *rd, const config_setting_t *s)
{
	const char *v = config_setting_get_string(s);

	if (config_setting_type(s) != CONFIG_TYPE_STRING || !v ||
	    (strcmp(v, "os") != 0 && strcmp(v, "env") != 0))
		return bad_value(rd, s, "identity", _("must be \"os\" or \"env\""));
	rd->c->identity_env = strcmp(v, "env") == 0;
	return BZJ_OK;
}

/* roles.NAME = [ "user", "@group", ... ] */
static int read_role_list(const struct reader *rd, const config_setting_t *s, int role)
{
	char key[64];
	bzj_strlist l = { 0 };
	int i, n, type = config_setting_type(s);

	snprintf(key, sizeof key, "roles.%s", role_names[role]);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return bad_value(rd, s, key,
				 _("must be a list of user names in quotes, e.g. "
				   "[ \"alice\", \"@staff\" ]"));
	n = config_setting_length(s);
	l.v = calloc((size_t)n + 1, sizeof *l.v);
	if (!l.v)
		return no_memory(rd);
	for (i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(s, (unsigned)i);
		const char *v = el ? config_setting_get_string(el) : NULL;

		if (!el || config_setting_type(el) != CONFIG_TYPE_STRING || !v || !*v ||
		    strlen(v) > USER_NAME_MAX || (v[0] == '@' && !v[1])) {
			strlist_free(&l);
			return bad_value(rd, el ? el : s, key,
					 _("every entry must be a user name or \"@group\" in "
					   "quotes, at most 63 bytes"));
		}
		if (!(l.v[l.n] = strdup(v))) {
			strlist_free(&l);
			return no_memory(rd);
		}
		l.n++;
	}
	strlist_free(&rd->c->roles[role]);
	rd->c->roles[role] = l;
	return BZJ_OK;
}

static int read_roles(const struct reader *rd, const config_setting_t *s)
{
	int i, n, role, rc;
	char key[128];

	if (!config_setting_is_group(s))
		return bad_value(rd, s, "roles",
				 _("must be a group: roles = { supervisor = [ ... ]; ... };"));
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *r = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(r);

		role = bzj_role_parse(name);
		if (role <= 0) {
			snprintf(key, sizeof key, "roles.%s", name ? name : "?");
			return bad_value(rd, r, key,
					 _("unknown role (the roles are supervisor, finance, "
					   "reviewer and support)"));
		}
		if ((rc = read_role_list(rd, r, role)))
			return rc;
	}
	return BZJ_OK;
}

/* An integer setting (int or int64) in [lo, hi]. */
static int read_int64(const struct reader *rd, const config_setting_t *s, const char *key,
		      int64_t lo, int64_t hi, int64_t *out)
{
	char what[160];
	long long v;
	int type = config_setting_type(s);

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
		return bad_value(rd, s, key, _("must be a whole number"));
	v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		snprintf(what, sizeof what, _("must be between %lld and %lld"), (long long)lo,
			 (long long)hi);
		return bad_value(rd, s, key, what);
	}
	*out = v;
	return BZJ_OK;
}

/* refund.second_approval_yuan: a whole number of yuan, or a string such as
 * "50000.50" for an amount with fen.  Never a float. */
static int read_yuan(const struct reader *rd, const config_setting_t *s, const char *key,
		     int64_t *fen)
{
	bzj_err inner;
	int64_t v;
	int rc;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (bzj_money_parse(config_setting_get_string(s), key, fen, &inner))
			return bad_value(rd, s, key,
					 _("not an amount in yuan (digits with up to two "
					   "decimals)"));
		return BZJ_OK;
	}
	if ((rc = read_int64(rd, s, key, 0, BZJ_MONEY_MAX_FEN / 100, &v)))
		return rc;
	*fen = v * 100;
	return BZJ_OK;
}

static int read_refund(const struct reader *rd, const config_setting_t *s)
{
	int i, n, rc;
	int64_t v;
	char key[128];

	if (!config_setting_is_group(s))
		return bad_value(rd, s, "refund",
				 _("must be a group: refund = { monthly_limit = 3; ... };"));
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *k = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(k);

		snprintf(key, sizeof key, "refund.%s", name ? name : "?");
		if (name && strcmp(name, "monthly_limit") == 0) {
			if ((rc = read_int64(rd, k, key, 0, 1000, &v)))
				return rc;
			rd->c->monthly_limit = (int)v;
		} else if (name && strcmp(name, "second_approval_yuan") == 0) {
			if ((rc = read_yuan(rd, k, key, &rd->c->second_approval_fen)))
				return rc;
		} else {
			return bad_value(rd, k, key,
					 _("unknown key (refund has monthly_limit and "
					   "second_approval_yuan)"));
		}
	}
	return BZJ_OK;
}

/* provider = { industry_belt_yuan = N; agency = ( [shops, yuan], ... ); } */
static int read_provider(const struct reader *rd, const config_setting_t *s)
{
	int i, n, rc;
	int64_t v;
	char key[128];

	if (!config_setting_is_group(s))
		return bad_value(rd, s, "provider",
				 _("must be a group: provider = { industry_belt_yuan = 100000; };"));
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *k = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(k);

		snprintf(key, sizeof key, "provider.%s", name ? name : "?");
		if (name && strcmp(name, "industry_belt_yuan") == 0) {
			if ((rc = read_yuan(rd, k, key, &rd->c->provider_belt_fen)))
				return rc;
		} else if (name && strcmp(name, "agency") == 0) {
			int rows = config_setting_length(k);
			if (!config_setting_is_list(k) || rows < 1 || rows > 8)
				return bad_value(rd, k, key,
						 _("must be a list of 1 to 8 rows: agency = ( [0, "
						   "10000], [11, 30000] );"));
			for (int r = 0; r < rows; r++) {
				const config_setting_t *row = config_setting_get_elem(k, (unsigned)r);
				if ((!config_setting_is_array(row) && !config_setting_is_list(row)) ||
				    config_setting_length(row) != 2)
					return bad_value(rd, row, key,
							 _("each row is [from this many bound shops, "
							   "yuan]"));
				if ((rc = read_int64(rd, config_setting_get_elem(row, 0), key, 0,
						     100000000, &v)))
					return rc;
				if ((r == 0 && v != 0) ||
				    (r > 0 && v <= rd->c->provider_tier_shops[r - 1]))
					return bad_value(rd, row, key,
							 _("the first row starts at 0 shops and the "
							   "rows ascend"));
				rd->c->provider_tier_shops[r] = v;
				if ((rc = read_yuan(rd, config_setting_get_elem(row, 1), key,
						    &rd->c->provider_tier_fen[r])))
					return rc;
			}
			rd->c->provider_ntiers = rows;
		} else {
			return bad_value(rd, k, key,
					 _("unknown key (provider has industry_belt_yuan and agency)"));
		}
	}
	return BZJ_OK;
}

/* keys = { action = "key names"; ... }: actions are checked by the console,
 * which owns the keymap table. */
static int read_keys(const struct reader *rd, const config_setting_t *s)
{
	bzj_config *c = rd->c;
	int i, n, rc;
	char key[128];

	if (!config_setting_is_group(s))
		return bad_value(rd, s, "keys", _("must be a group: keys = { quit = \"q\"; };"));
	n = config_setting_length(s);
	c->keys = calloc((size_t)n + 1, sizeof *c->keys);
	if (!c->keys)
		return no_memory(rd);
	for (i = 0; i < n; i++) {
		const config_setting_t *k = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(k);
		bzj_keybind *b = &c->keys[c->nkeys];

		snprintf(key, sizeof key, "keys.%s", name ? name : "?");
		if ((rc = read_string(rd, k, key, &b->keys)))
			return rc;
		if (!(b->action = strdup(name ? name : ""))) {
			free(b->keys);
			b->keys = NULL;
			return no_memory(rd);
		}
		c->nkeys++;
	}
	return BZJ_OK;
}

/* Apply every known top-level key.  Unknown top-level keys are left alone,
 * so a newer config still loads in an older bzj. */
static int config_apply(const struct reader *rd, const config_t *cf)
{
	static const struct {
		const char *name;
		int (*read)(const struct reader *, const config_setting_t *);
	} keys[] = {
		{ "database", read_database }, { "identity", read_identity },
		{ "roles", read_roles },       { "refund", read_refund },
		{ "keys", read_keys },         { "audit_key", read_audit_key },
		{ "provider", read_provider },
	};
	const config_setting_t *root = config_root_setting(cf);
	const config_setting_t *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		s = config_setting_get_member(root, keys[i].name);
		if (s && (rc = keys[i].read(rd, s)))
			return rc;
	}
	return BZJ_OK;
}

/* Check and apply a read config_t; on success c takes the result. */
static int config_finish(bzj_config *c, config_t *cf, const char *path, const char *label,
			 bzj_err *e)
{
	bzj_config tmp;
	struct reader rd = { &tmp, label, e };
	int rc;

	bzj_config_defaults(&tmp);
	rc = config_apply(&rd, cf);
	if (rc == BZJ_OK && path && !(tmp.path = strdup(path)))
		rc = no_memory(&rd);
	if (rc) {
		bzj_config_free(&tmp);
		bzj_config_defaults(c);
		return rc;
	}
	*c = tmp;
	return BZJ_OK;
}

static int syntax_error(const config_t *cf, const char *label, bzj_err *e)
{
	const char *f = config_error_file(cf);
	const char *t = config_error_text(cf);

	return bzj_fail(e, BZJ_EINPUT, "config.syntax", _("%s:%d: %s"),
			f ? f : label, config_error_line(cf), t ? t : "?");
}

int bzj_config_parse(bzj_config *c, const char *text, bzj_err *e)
{
	config_t cf;
	int rc;

	bzj_config_defaults(c);
	if (!text)
		return bzj_fail(e, BZJ_EINPUT, "config.syntax", _("no configuration text"));
	config_init(&cf);
	if (config_read_string(&cf, text) != CONFIG_TRUE)
		rc = syntax_error(&cf, "<string>", e);
	else
		rc = config_finish(c, &cf, NULL, "<string>", e);
	config_destroy(&cf);
	return rc;
}

/* Relative @include directives are read next to the config file. */
static int set_include_dir(config_t *cf, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (!slash)
		return 0;
	dir = strndup(path, (size_t)(slash - path) + 1);
	if (!dir)
		return -1;
	config_set_include_dir(cf, dir);
	free(dir);
	return 0;
}

int bzj_config_load(bzj_config *c, const char *path, bzj_err *e)
{
	config_t cf;
	FILE *fp;
	int rc;

	bzj_config_defaults(c);
	if (!path)
		return bzj_fail(e, BZJ_ENOTFOUND, "config.missing", _("no config file given"));
	fp = fopen(path, "r");
	if (!fp) {
		if (errno == ENOENT)
			return bzj_fail(e, BZJ_ENOTFOUND, "config.missing",
					_("%s: no such config file"), path);
		return bzj_fail(e, BZJ_EIO, "config.io", _("%s: cannot read: %s"), path,
				strerror(errno));
	}
	config_init(&cf);
	if (set_include_dir(&cf, path))
		rc = bzj_fail(e, BZJ_EIO, "config.memory", _("out of memory reading the config"));
	else if (config_read(&cf, fp) != CONFIG_TRUE)
		rc = syntax_error(&cf, path, e);
	else
		rc = config_finish(c, &cf, path, path, e);
	config_destroy(&cf);
	fclose(fp);
	return rc;
}
