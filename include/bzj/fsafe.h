/* fsafe.h - the one place that decides whether bzj may trust a file.
 *
 * The config decides who is supervisor and the database holds the money
 * and bank accounts, so both are refused (exit 4, BZJ_EPERM) when someone
 * other than their owner could change them: a file others may write, a
 * config its group may write, a file owned by another user, a -wal/-shm
 * that others may write, a folder others may write (even with the sticky
 * bit: anyone could plant a -wal there before bzj makes one).  Symbolic
 * links are followed and the folder of the real file is checked too.
 * Every message names the file and the chmod/chown that fixes it.
 *
 * "Shared mode" is the setgid install (docs/deploy.md): bzj runs with an
 * effective group other than the caller's, the database belongs to that
 * group with mode 0660 and may be owned by whichever operator made it. */
#ifndef BZJ_FSAFE_H
#define BZJ_FSAFE_H

#include <stdbool.h>
#include <sys/types.h>
#include "bzj/err.h"

/* True when bzj runs setgid (effective group differs from the real one). */
bool bzj_fs_shared(void);

/* The config file at path (it exists). */
int bzj_fs_check_config(const char *path, bzj_err *e);

/* The database at path, its folder and its -wal/-shm; path need not
 * exist yet (then only the folder is checked). */
int bzj_fs_check_db(const char *path, bzj_err *e);

/* The real file path names, following symbolic links even when the file
 * they end at does not exist yet (as SQLite does).  0, or -1. */
int bzj_fs_resolve(const char *path, char *out, size_t n);

/* The mode a new database (and so its -wal, -shm and journal, which SQLite
 * creates with the database's mode) is made with: 0660 in shared mode,
 * else 0600, or 0660 when the umask lets the group write.  Never o+r: the
 * file holds bank accounts. */
mode_t bzj_fs_db_mode(void);

#endif
