/* test_fsafe.c - the files bzj trusts (core/fsafe.c) and the database
 * file under a running bzj (core/store.c): a new database's mode, files
 * and folders others could change refused with the fix, and a database
 * deleted or replaced while open refused before any write. */
#include <fcntl.h>
#include <sys/stat.h>

#include "fixture.h"
#include "bzj/fsafe.h"
#include "bzj/store.h"

/* ---- the open database moved away ---------------------------------------- */

static void a_topup_after_the_file_is_deleted_is_refused(void **state)
{
	fx *f = *state;
	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	topup(f, "S1", "100");
	int64_t audits = audit_count(f);
	assert_int_equal(unlink(f->path), 0);
	bzj_topup_in in = {.shop_id = "S1", .amount_fen = Y("50")};
	int64_t id = 0, bal = 0;
	bool replayed = false;
	FIN(f);
	REFUSED(bzj_topup(&f->x, &in, &id, &bal, &replayed, &f->e), BZJ_EIO, "store.moved");
	assert_non_null(strstr(f->e.msg, f->path));
	/* nothing written, even to the deleted file this connection still has */
	assert_int_equal(view(f, "S1").shop.balance_fen, Y("100"));
	assert_int_equal(audit_count(f), audits);
}

static void a_topup_after_the_file_is_replaced_is_refused(void **state)
{
	fx *f = *state;
	char other[160];
	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	/* another database renamed over this one's path */
	snprintf(other, sizeof other, "%s/other.db", f->dir);
	int fd = open(other, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(rename(other, f->path), 0);
	bzj_topup_in in = {.shop_id = "S1", .amount_fen = Y("50")};
	int64_t id = 0, bal = 0;
	bool replayed = false;
	FIN(f);
	REFUSED(bzj_topup(&f->x, &in, &id, &bal, &replayed, &f->e), BZJ_EIO, "store.moved");
	assert_int_equal(view(f, "S1").shop.balance_fen, 0);
	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_size, 0); /* the new file got nothing either */
}

static void reads_still_work_after_the_file_moved(void **state)
{
	fx *f = *state;
	shop(f, "S1", BZJ_ENTITY_INDIVIDUAL, "服饰内衣", "张三", NULL);
	assert_int_equal(unlink(f->path), 0);
	assert_string_equal(view(f, "S1").shop.id, "S1");
}

/* ---- the mode of a new database ------------------------------------------ */

static mode_t created_mode(fx *f, mode_t um, const char *name)
{
	char p[160], side[176];
	bzj_db *db = NULL;
	snprintf(p, sizeof p, "%s/%s", f->dir, name);
	mode_t was = umask(um);
	int rc = bzj_db_open(p, BZJ_OPEN_CREATE, &db, &f->e);
	umask(was);
	assert_int_equal(rc, BZJ_OK);
	bzj_db_close(db);
	struct stat sb, wal, shm;
	assert_int_equal(stat(p, &sb), 0);
	/* SQLite makes the -wal and -shm with the database's mode; bzj keeps
	 * them after the last connection closes */
	snprintf(side, sizeof side, "%s-wal", p);
	assert_int_equal(stat(side, &wal), 0);
	assert_int_equal(wal.st_mode & 07777, sb.st_mode & 07777);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", p);
	assert_int_equal(stat(side, &shm), 0);
	assert_int_equal(shm.st_mode & 07777, sb.st_mode & 07777);
	unlink(side);
	unlink(p);
	return sb.st_mode & 07777;
}

static void a_new_database_is_never_world_readable(void **state)
{
	fx *f = *state;
	assert_int_equal(created_mode(f, 022, "a.db"), 0600);
	assert_int_equal(created_mode(f, 077, "b.db"), 0600);
	assert_int_equal(created_mode(f, 002, "c.db"), 0660);
	assert_int_equal(created_mode(f, 0, "d.db"), 0660);
	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0007, 0);
}

/* ---- refusals ------------------------------------------------------------- */

static void mkfile(const char *p, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(p, mode), 0);
}

static void refused(fx *f, int rc, const char *code, const char *fix)
{
	if (rc != BZJ_EPERM || strcmp(f->e.code, code) || !strstr(f->e.msg, fix))
		fail_msg("want exit 4 %s with '%s', got %d %s: %s", code, fix, rc, f->e.code,
			 f->e.msg);
}

static void unsafe_files_and_folders_are_refused(void **state)
{
	fx *f = *state;
	char d[160], p[200], q[200], fix[240];

	/* a world-writable folder, with or without the sticky bit */
	snprintf(d, sizeof d, "%s/ww", f->dir);
	assert_int_equal(mkdir(d, 0700), 0);
	snprintf(p, sizeof p, "%s/bzj.db", d);
	for (int sticky = 0; sticky < 2; sticky++) {
		assert_int_equal(chmod(d, sticky ? 01777 : 0777), 0);
		bzj_err_clear(&f->e);
		snprintf(fix, sizeof fix, "chmod o-w %s", d);
		refused(f, bzj_fs_check_db(p, &f->e), "store.unsafe_mode", fix);
		snprintf(q, sizeof q, "%s/bzj.conf", d);
		mkfile(q, 0644);
		refused(f, bzj_fs_check_config(q, &f->e), "config.unsafe_mode", fix);
		unlink(q);
	}
	/* a symbolic link from a safe folder into it */
	snprintf(q, sizeof q, "%s/link.db", f->dir);
	assert_int_equal(symlink(p, q), 0);
	snprintf(fix, sizeof fix, "chmod o-w %s", d);
	refused(f, bzj_fs_check_db(q, &f->e), "store.unsafe_mode", fix);
	bzj_db *db = NULL;
	refused(f, bzj_db_open(q, BZJ_OPEN_CREATE, &db, &f->e), "store.unsafe_mode", fix);
	assert_null(db);
	assert_int_equal(access(p, F_OK), -1); /* nothing created */
	unlink(q);
	assert_int_equal(chmod(d, 0700), 0);

	/* world-writable -wal or -shm beside a database */
	snprintf(p, sizeof p, "%s-wal", f->path);
	assert_int_equal(chmod(p, 0602), 0);
	snprintf(fix, sizeof fix, "chmod o-w %s", p);
	refused(f, bzj_fs_check_db(f->path, &f->e), "store.unsafe_mode", fix);
	assert_int_equal(chmod(p, 0600), 0);
	snprintf(p, sizeof p, "%s-shm", f->path);
	assert_int_equal(chmod(p, 0666), 0);
	snprintf(fix, sizeof fix, "chmod o-w %s", p);
	refused(f, bzj_fs_check_db(f->path, &f->e), "store.unsafe_mode", fix);
	assert_int_equal(chmod(p, 0600), 0);
	OK(bzj_fs_check_db(f->path, &f->e));

	/* a config its group may write */
	snprintf(q, sizeof q, "%s/g.conf", f->dir);
	mkfile(q, 0664);
	snprintf(fix, sizeof fix, "chmod g-w %s", q);
	refused(f, bzj_fs_check_config(q, &f->e), "config.unsafe_mode", fix);
	assert_int_equal(chmod(q, 0644), 0);
	OK(bzj_fs_check_config(q, &f->e));
	unlink(q);
	rmdir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_topup_after_the_file_is_deleted_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_topup_after_the_file_is_replaced_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reads_still_work_after_the_file_moved, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_new_database_is_never_world_readable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unsafe_files_and_folders_are_refused, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
