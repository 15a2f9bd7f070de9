/* main.c - bzj: merchant security deposit console.
 *
 * Start-up settles, in order: locale, the global options, whether we run
 * with raised privileges (setgid installs: then flags and environment may
 * not choose the database, config, date or identity), the config, the
 * acting user and role, and the database path; then runs one command or
 * opens the console. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bzj/auth.h"
#include "bzj/config.h"
#include "bzj/date.h"
#include "bzj/fsafe.h"
#include "bzj/i18n.h"
#include "cli.h"
#include "widget.h"
#include "console.h"
#include "keymap.h"

#define SYSTEM_CONFIG "/etc/bzj/bzj.conf"
#define SYSTEM_AUDIT_KEY "/etc/bzj/audit.key"
/* PostgreSQL: the credential of bzj's database login, readable by the bzj
 * group only (docs/deploy.md, "On PostgreSQL") */
#define SYSTEM_PG_SERVICE "/etc/bzj/pg_service.conf"

/* Under setgid the environment belongs to the caller; libpq would take
 * its host, user, password file, service file, options (PGOPTIONS) and
 * TLS settings from it.  Drop every PG* variable and name the one
 * service file root maintains: `database = "service=bzj"` then always
 * means root's definition, read with the bzj group's right. */
static void pg_env_privileged(void)
{
	extern char **environ;
	for (bool again = true; again;) {
		again = false;
		for (char **v = environ; v && *v; v++) {
			const char *eq = strchr(*v, '=');
			if (strncmp(*v, "PG", 2) || !eq)
				continue;
			char *name = strndup(*v, (size_t)(eq - *v));
			if (name) {
				unsetenv(name); /* environ changes: start over */
				free(name);
				again = true;
			}
			break;
		}
	}
	setenv("PGSERVICEFILE", SYSTEM_PG_SERVICE, 1);
}
#define BZJ_VERSION "0.1.0"

static volatile int interrupted;
static volatile sig_atomic_t last_signal;

static void on_signal(int sig)
{
	last_signal = sig;
	interrupted = 1;
}

static bool privileged(void)
{
	return getuid() != geteuid() || getgid() != getegid();
}

/* Messages come from build/locale beside the binary when run from the
 * source tree (make demo, tests), else from the installed LOCALEDIR. */
static void setup_locale(bool priv)
{
	/* Only the two categories bzj uses: the character set (wide
	 * characters, the terminal, iconv) and the messages (gettext).  Money
	 * and dates are formatted by bzj itself, so the other ten (numbers,
	 * time, collation...) stay "C"; loading them costs the console's start
	 * a tenth of its time where the locale is not in the archive (Debian's
	 * C.UTF-8: one file per category). */
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = priv ? -1 : readlink("/proc/self/exe", exe, sizeof exe - 1);
	const char *where = LOCALEDIR;
	if (n > 0) {
		exe[n] = 0;
		char *d = dirname(exe);
		/* build/bzj and build/san/bzj both find build/locale */
		snprintf(dir, sizeof dir, "%s/locale", d);
		struct stat sb;
		if (stat(dir, &sb) == 0)
			where = dir;
		else if (snprintf(dir, sizeof dir, "%s/../locale", d) > 0 && stat(dir, &sb) == 0)
			where = dir;
	}
	bindtextdomain(BZJ_TEXTDOMAIN, where);
	bind_textdomain_codeset(BZJ_TEXTDOMAIN, "UTF-8");
	textdomain(BZJ_TEXTDOMAIN);
}

typedef struct globals {
	const char *db, *config, *today;
	bool json, help, version, help_keys;
	int first_cmd; /* index of the command in argv, or argc */
} globals;

static int parse_globals(int argc, char **argv, globals *g, bzj_err *e)
{
	memset(g, 0, sizeof *g);
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--json")) {
			g->json = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			g->help = true;
			continue;
		}
		if (!strcmp(a, "--version")) {
			g->version = true;
			continue;
		}
		if (!strcmp(a, "--help-keys")) {
			g->help_keys = true;
			continue;
		}
		if (!strncmp(a, "--db", 4))
			slot = &g->db;
		else if (!strncmp(a, "--config", 8))
			slot = &g->config;
		else if (!strncmp(a, "--today", 7))
			slot = &g->today;
		else if (a[0] == '-')
			return bzj_fail(e, BZJ_EINPUT, "input.usage",
					_("unknown option %s (see bzj --help)"), a);
		else
			break;
		const char *eq = strchr(a, '=');
		size_t name_len = eq ? (size_t)(eq - a) : strlen(a);
		if (name_len != (slot == &g->db ? 4u : slot == &g->config ? 8u : 7u))
			return bzj_fail(e, BZJ_EINPUT, "input.usage",
					_("unknown option %s (see bzj --help)"), a);
		if (eq)
			*slot = eq + 1;
		else if (i + 1 < argc)
			*slot = argv[++i];
		else
			return bzj_fail(e, BZJ_EINPUT, "input.usage", _("%s needs a value"), a);
	}
	g->first_cmd = i;
	return BZJ_OK;
}

static bool exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0; /* by effective ids, unlike access() */
}

static int load_config(const globals *g, bool priv, bzj_config *cfg, bzj_err *e)
{
	char home_conf[PATH_MAX] = "";
	const char *home = getenv("HOME");
	const char *path = NULL;
	if (priv) {
		path = exists(SYSTEM_CONFIG) ? SYSTEM_CONFIG : NULL;
	} else if (g->config) {
		path = g->config;
	} else if (getenv("BZJ_CONFIG") && *getenv("BZJ_CONFIG")) {
		path = getenv("BZJ_CONFIG");
	} else if (exists(SYSTEM_CONFIG)) {
		path = SYSTEM_CONFIG;
	} else if (home) {
		snprintf(home_conf, sizeof home_conf, "%s/.config/bzj/bzj.conf", home);
		if (exists(home_conf))
			path = home_conf;
	}
	if (!path) {
		bzj_config_defaults(cfg);
		return BZJ_OK;
	}
	int rc = bzj_fs_check_config(path, e); /* who may change the roles */
	if (!rc)
		rc = bzj_config_load(cfg, path, e);
	/* The PostgreSQL credential (pg_env_privileged) is read with the
	 * group's right: only root may write it, only the group read it. */
	struct stat sb;
	if (!rc && priv && stat(SYSTEM_PG_SERVICE, &sb) == 0 &&
	    (!S_ISREG(sb.st_mode) || sb.st_uid != 0 || sb.st_gid != getegid() ||
	     (sb.st_mode & (S_IRWXO | S_IWGRP))))
		rc = bzj_fail(e, BZJ_EPERM, "config.unsafe_mode",
			      _("%s holds bzj's PostgreSQL password and must be a file owned by "
				"root, readable by bzj's group only; refusing to use it. Fix with: "
				"chown root:%ld %s; chmod 0640 %s"),
			      SYSTEM_PG_SERVICE, (long)getegid(), SYSTEM_PG_SERVICE,
			      SYSTEM_PG_SERVICE);
	/* With raised privileges the audit key is /etc/bzj/audit.key unless the
	 * system config names another (docs/deploy.md). */
	if (!rc && priv && !cfg->audit_key && exists(SYSTEM_AUDIT_KEY) &&
	    !(cfg->audit_key = strdup(SYSTEM_AUDIT_KEY)))
		rc = bzj_fail(e, BZJ_EIO, "nomem", _("out of memory"));
	/* identity = "env" lets BZJ_USER choose the user: never with raised
	 * privileges, where the environment belongs to the caller. */
	if (!rc && priv && cfg->identity_env)
		rc = bzj_fail(e, BZJ_EPERM, "config.identity",
			      _("%s sets identity = \"env\", which is refused when bzj runs with "
				"raised privileges"),
			      path);
	return rc;
}

static int db_path(const globals *g, bool priv, const bzj_config *cfg, char *out, size_t n,
		   bzj_err *e)
{
	const char *p = NULL;
	char src[PATH_MAX + 32];
	if (!priv && g->db) {
		p = g->db;
		snprintf(src, sizeof src, "--db");
	} else if (!priv && getenv("BZJ_DB") && *getenv("BZJ_DB")) {
		p = getenv("BZJ_DB");
		snprintf(src, sizeof src, "BZJ_DB");
	} else if (cfg->database) {
		p = cfg->database;
		snprintf(src, sizeof src, _("`database` in %s"), cfg->path ? cfg->path : "?");
	}
	if (p) {
		/* a PostgreSQL URI or service name is refused here, before any
		 * file is looked at (issue 16: SQLite only in this build) */
		int rc = bzj_ctx_check_location(p, src, e);
		if (rc)
			return rc;
		snprintf(out, n, "%s", p);
		return BZJ_OK;
	}
	if (priv)
		return bzj_fail(e, BZJ_EINPUT, "config.database",
				_("set `database` in %s: with raised privileges bzj uses no other "
				  "path"),
				SYSTEM_CONFIG);
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char dir[PATH_MAX - 16];
	if (xdg && *xdg)
		snprintf(dir, sizeof dir, "%s/bzj", xdg);
	else if (home && *home)
		snprintf(dir, sizeof dir, "%s/.local/share/bzj", home);
	else
		return bzj_fail(e, BZJ_EINPUT, "input.db", _("no --db given and no HOME to put one"));
	/* create the folder for `bzj init`; mode 0700: it holds money data */
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *s = tmp + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(tmp, 0700);
			*s = '/';
		}
	}
	mkdir(tmp, 0700);
	snprintf(out, n, "%s/bzj.db", dir);
	return BZJ_OK;
}

static int set_today(const globals *g, bool priv, bzj_err *e)
{
	const char *t = g->today ? g->today : getenv("BZJ_TODAY");
	if (!t)
		return BZJ_OK;
	if (!priv && !*t)
		/* an empty value is a mistake (an unset shell variable), not a
		 * request for the system clock */
		return bzj_fail(e, BZJ_EINPUT, "input.date",
				_("%s: empty; give a date YYYY-MM-DD or leave it out"),
				g->today ? "--today" : "BZJ_TODAY");
	if (priv)
		return bzj_fail(e, BZJ_EPERM, "input.today",
				_("--today and BZJ_TODAY are refused when bzj runs with raised "
				  "privileges"));
	bzj_date d;
	int rc = bzj_date_parse(t, "--today", &d, e);
	if (!rc)
		bzj_today_set(d);
	return rc;
}

/* Say why opening a large database pauses (schema upgrades rebuild
 * indexes); on a terminal only, so scripts' stderr stays clean. */
static void on_migrate(int from, int to)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr,
			_("bzj: upgrading the database from schema %d to %d; on a large database "
			  "this takes a while (Ctrl-C cancels it and changes nothing)\n"),
			from, to);
}

int main(int argc, char **argv)
{
	bool priv = privileged();
	if (priv) {
		umask(0007); /* files made for the bzj group: 0660, never world */
		/* ncurses would read a terminal description the caller chose */
		unsetenv("TERMINFO");
		unsetenv("TERMINFO_DIRS");
		unsetenv("TERMCAP");
		pg_env_privileged();
	}
	setup_locale(priv);
	bzj_err e;
	bzj_err_clear(&e);
	globals g;
	cli_env env = {0};
	bzj_config cfg;
	memset(&cfg, 0, sizeof cfg);
	char dbbuf[PATH_MAX];
	int rc = parse_globals(argc, argv, &g, &e);
	env.json = g.json;
	if (rc)
		goto fail;
	if (g.version) {
		printf("bzj %s\n", BZJ_VERSION);
		return 0;
	}
	if (g.help_keys) {
		keymap_write_text(stdout);
		return 0;
	}
	if (g.help) {
		if (g.first_cmd < argc && cli_command_help(argv[g.first_cmd], stdout))
			return 0;
		cli_usage(stdout);
		return 0;
	}
	if ((rc = set_today(&g, priv, &e)) || (rc = load_config(&g, priv, &cfg, &e)) ||
	    (rc = db_path(&g, priv, &cfg, dbbuf, sizeof dbbuf, &e)) ||
	    (rc = bzj_auth_identify(&cfg, NULL, &env.actor, &e)))
		goto fail;
	env.db_path = dbbuf;
	env.cfg = &cfg;
	env.privileged = priv;
	env.interrupted = &interrupted;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* past `ulimit -f` a write fails with EFBIG (a storage error, exit 6)
	 * instead of the kernel killing bzj without a word */
	signal(SIGXFSZ, SIG_IGN);
	bzj_ctx_on_migrate(on_migrate, &interrupted);

	if (g.first_cmd < argc) {
		rc = cli_run(&env, argc - g.first_cmd, argv + g.first_cmd);
		bzj_config_free(&cfg);
		/* Stopped by Ctrl-C or kill: the shell's convention (130, 143),
		 * not the business-rule code; what finished before stays done. */
		if (rc && last_signal)
			return 128 + last_signal;
		if (wdg_undecodable() && !env.json)
			fprintf(stderr, _("bzj: the locale (%s) cannot show Chinese text, so it was "
					  "printed as \\x escapes; use a UTF-8 locale, e.g. "
					  "LANG=C.UTF-8 or LANG=zh_CN.UTF-8\n"),
				nl_langinfo(CODESET));
		return rc;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		rc = bzj_fail(&e, BZJ_EINPUT, "input.usage",
			      _("the console needs a terminal; for scripts give a command (see bzj "
				"--help)"));
		goto fail;
	}
	bzj_ctx x;
	if ((rc = bzj_ctx_open(&x, env.db_path, BZJ_OPEN_INTERACTIVE, &cfg, &env.actor, &e)))
		goto fail;
	/* The console quits on its own keys; Ctrl-C is a key there too. */
	signal(SIGINT, SIG_DFL);
	rc = bzj_console_run(&x, &cfg, env.db_path);
	bzj_ctx_close(&x);
	bzj_config_free(&cfg);
	return rc;
fail:
	cli_error(&env, &e);
	bzj_config_free(&cfg);
	return rc;
}
