/* fsafe.c - whether bzj may trust a file (fsafe.h).
 *
 * One rule for every file bzj trusts: nobody but its owner (root, the user
 * running bzj, or in the setgid install the bzj group) can change it or
 * the folder it sits in.  root is trusted to know what it opens: the owner
 * checks do not apply to it, the mode checks do. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bzj/fsafe.h"
#include "bzj/i18n.h"

bool bzj_fs_shared(void)
{
	return getgid() != getegid();
}

mode_t bzj_fs_db_mode(void)
{
	if (bzj_fs_shared())
		return 0660;
	mode_t um = umask(0);
	umask(um);
	return (um & 020) ? 0600 : 0660;
}

static const char *user_name(uid_t uid, char *buf, size_t n)
{
	struct passwd *pw = getpwuid(uid);
	if (pw && pw->pw_name)
		snprintf(buf, n, "%s", pw->pw_name);
	else
		snprintf(buf, n, "%ld", (long)uid);
	return buf;
}

static const char *group_name(gid_t gid, char *buf, size_t n)
{
	struct group *gr = getgrgid(gid);
	if (gr && gr->gr_name)
		snprintf(buf, n, "%s", gr->gr_name);
	else
		snprintf(buf, n, "%ld", (long)gid);
	return buf;
}

/* An owner the user running bzj may trust: root or themselves. */
static bool trusted_owner(uid_t uid)
{
	return getuid() == 0 || uid == 0 || uid == getuid();
}

static void parent_of(const char *path, char *dir, size_t n)
{
	snprintf(dir, n, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else
		*(slash == dir ? slash + 1 : slash) = 0;
}

/* The folder `dir` that holds `file`; `db`: the database's folder. */
static int check_dir(const char *file, const char *dir, bool db, bzj_err *e)
{
	struct stat sb;
	char who[64];
	const char *code = db ? "store.unsafe_mode" : "config.unsafe_mode";
	if (stat(dir, &sb) != 0)
		return BZJ_OK; /* opening the file reports it */
	if (sb.st_mode & S_IWOTH)
		return bzj_fail(e, BZJ_EPERM, code,
				_("the folder %s is writable by anyone, so anyone could replace %s "
				  "or plant files beside it (a sticky bit does not prevent that); "
				  "refusing to use it. Fix with: chmod o-w %s, or move the file"),
				dir, file, dir);
	/* setgid: the folders are shared by every operator, so only root may
	 * own them */
	if (bzj_fs_shared() ? (getuid() != 0 && sb.st_uid != 0) : !trusted_owner(sb.st_uid))
		return bzj_fail(e, BZJ_EPERM, code,
				_("the folder %s belongs to user %s, who could replace %s; refusing "
				  "to use it. Fix with: chown root %s, or move the file"),
				dir, user_name(sb.st_uid, who, sizeof who), file, dir);
	/* The setgid install: operators own the files they made there, so a
	 * folder they could enter would let them open those directly. */
	if (db && bzj_fs_shared() && (sb.st_mode & S_IXOTH))
		return bzj_fail(e, BZJ_EPERM, code,
				_("the folder %s lets every user in (mode %04o), so an operator "
				  "could open the files they made there without bzj; refusing to "
				  "use it. Fix with: chmod o-rwx %s"),
				dir, (unsigned)(sb.st_mode & 07777), dir);
	return BZJ_OK;
}

int bzj_fs_resolve(const char *path, char *out, size_t n)
{
	char cur[PATH_MAX], link[PATH_MAX], dir[PATH_MAX], rdir[PATH_MAX];
	snprintf(cur, sizeof cur, "%s", path);
	for (int hops = 0; hops < 40; hops++) {
		if (realpath(cur, out) && strlen(out) < n)
			return 0; /* exists: fully resolved */
		ssize_t k = readlink(cur, link, sizeof link - 1);
		parent_of(cur, dir, sizeof dir);
		if (k < 0) {
			/* a file still to be made: its folder resolved, its name */
			const char *name = strrchr(cur, '/');
			name = name ? name + 1 : cur;
			if (!realpath(dir, rdir))
				return -1;
			if ((size_t)snprintf(out, n, "%s/%s", strcmp(rdir, "/") ? rdir : "", name) >= n)
				return -1;
			return 0;
		}
		link[k] = 0;
		if (link[0] == '/')
			snprintf(cur, sizeof cur, "%s", link);
		else if ((size_t)snprintf(rdir, sizeof rdir, "%s/%s", dir, link) < sizeof rdir)
			snprintf(cur, sizeof cur, "%s", rdir);
		else
			return -1;
	}
	return -1;
}

/* The folder of path and, when path is a symbolic link (or lies under
 * one), the folder of the file it really is. */
static int check_dirs(const char *path, bool db, bzj_err *e)
{
	char dir[PATH_MAX], real[PATH_MAX], rdir[PATH_MAX], rd[PATH_MAX];
	parent_of(path, dir, sizeof dir);
	int rc = check_dir(path, dir, db, e);
	if (rc || bzj_fs_resolve(path, real, sizeof real) != 0)
		return rc;
	parent_of(real, rdir, sizeof rdir);
	if (realpath(dir, rd) && strcmp(rd, rdir) == 0)
		return BZJ_OK;
	return check_dir(real, rdir, db, e);
}

int bzj_fs_check_config(const char *path, bzj_err *e)
{
	struct stat sb;
	char who[64];
	const char *code = "config.unsafe_mode";
	if (stat(path, &sb) != 0)
		return BZJ_OK; /* loading it says why it cannot be read */
	if (sb.st_mode & S_IWOTH)
		return bzj_fail(e, BZJ_EPERM, code,
				_("%s is writable by anyone; refusing to use it. Fix with: chmod o-w "
				  "%s"),
				path, path);
	if (sb.st_mode & S_IWGRP)
		return bzj_fail(e, BZJ_EPERM, code,
				_("%s is writable by its group, whose members could make themselves "
				  "supervisor; refusing to use it. Fix with: chmod g-w %s"),
				path, path);
	/* With raised privileges only root may own the roles. */
	if (bzj_fs_shared() ? (getuid() != 0 && sb.st_uid != 0) : !trusted_owner(sb.st_uid))
		return bzj_fail(e, BZJ_EPERM, code,
				_("%s belongs to user %s, who could make themselves supervisor; "
				  "refusing to use it. Fix with: chown root %s"),
				path, user_name(sb.st_uid, who, sizeof who), path);
	return check_dirs(path, false, e);
}

/* The database, -wal, -shm or -desk file at path, if it exists. */
static int check_db_file(const char *path, bzj_err *e)
{
	struct stat sb;
	char who[64], grp[64];
	const char *code = "store.unsafe_mode";
	if (stat(path, &sb) != 0)
		return BZJ_OK;
	if (sb.st_mode & S_IWOTH)
		return bzj_fail(e, BZJ_EPERM, code,
				_("%s is writable by anyone; refusing to use it. Fix with: chmod o-w "
				  "%s"),
				path, path);
	if (bzj_fs_shared()) {
		/* any operator may have made it; the group bzj must share it */
		if (sb.st_gid != getegid() || (sb.st_mode & 0060) != 0060)
			return bzj_fail(e, BZJ_EPERM, code,
					_("%s must be readable and writable by group %s (mode 0660) "
					  "for every operator to use it; it is group %s, mode %04o. "
					  "Fix with: chgrp %s %s && chmod 0660 %s"),
					path, group_name(getegid(), grp, sizeof grp),
					group_name(sb.st_gid, who, sizeof who),
					(unsigned)(sb.st_mode & 07777),
					group_name(getegid(), grp, sizeof grp), path, path);
		return BZJ_OK;
	}
	if (!trusted_owner(sb.st_uid))
		return bzj_fail(e, BZJ_EPERM, code,
				_("%s belongs to user %s, who could change it outside bzj; refusing "
				  "to use it. Fix with: chown %s %s (or copy it)"),
				path, user_name(sb.st_uid, who, sizeof who),
				user_name(getuid(), grp, sizeof grp), path);
	return BZJ_OK;
}

int bzj_fs_check_db(const char *path, bzj_err *e)
{
	int rc = check_dirs(path, true, e);
	if (rc)
		return rc;
	/* SQLite keeps the -wal and -shm beside the real file */
	char real[PATH_MAX], side[PATH_MAX + 16];
	const char *base = bzj_fs_resolve(path, real, sizeof real) == 0 ? real : path;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal", "-desk"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(side, sizeof side, "%s%s", i ? base : path, suffix[i]);
		if ((rc = check_db_file(side, e)))
			return rc;
	}
	return BZJ_OK;
}
