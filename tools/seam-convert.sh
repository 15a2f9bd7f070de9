#!/bin/sh
# tools/seam-convert.sh [FILE...] - the mechanical part of the store seam
# (issue 16, step 3 of docs/store-seam.md): rewrite the store functions'
# direct SQLite calls into the driver helpers of core/store_priv.h.
#
# Re-runnable and idempotent: run it again after merging a branch that
# added SQLite calls to core/store*.c and only the new calls change.
# Lines between a "SQLITE-ONLY BEGIN" and a "SQLITE-ONLY END" comment are
# left alone (the fenced SQLite-only features), and so is the driver
# itself (core/store_sqlite.c).  At the end it lists what it could not
# convert (sqlite3_ or SQLITE_ outside the fences): those need a hand, and
# tools/seam-check.sh fails until they have one.
#
#   sqlite3_stmt                          -> st_stmt
#   sqlite3_step(st)                      -> st_step(st)
#   sqlite3_reset(st)                     -> st_reset(st)  (also clears bindings)
#   sqlite3_column_int64(st, i)           -> st_col_int(st, i)
#   sqlite3_column_int(st, i)             -> st_col_int32(st, i)
#   (const char *)sqlite3_column_text(..) -> st_col_text(..)
#   sqlite3_column_type(st, i) == SQLITE_NULL -> st_col_null(st, i)
#   sqlite3_column_count(st)              -> st_col_count(st)
#   sqlite3_bind_int/int64(st, i, v)      -> st_bind_int(st, i, v)
#   sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) -> st_bind_text(st, i, v)
#   sqlite3_bind_null(st, i)              -> st_bind_null(st, i)
#   sqlite3_bind_parameter_index/count    -> st_param / st_param_count
#   sqlite3_changes(db->h)                -> st_changes(db)
#   sqlite3_last_insert_rowid(db->h)      -> st_last_id(db)
#   sqlite3_total_changes64(db->h)        -> st_total_changes(db)
#   sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) -> st_prepare_once(db, sql, &st)
#   sqlite3_finalize(st)                  -> st_finalize(st)
#   st_int(db, NULL, &v, NULL, "PRAGMA data_version", NULL) -> v = st_data_version(db)
#   SQLITE_OK, _ROW, _DONE, _NOMEM, ...   -> ST_OK, ST_ROW, ST_DONE, ST_NOMEM, ...
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	set -- $(ls core/store*.c | grep -v '^core/store_sqlite\.c$')
fi
for f in "$@"; do
	perl -i -pe '
		if (/SQLITE-ONLY BEGIN/) { $fence = 1; }
		if (/SQLITE-ONLY END/) { $fence = 0; next; }
		next if $fence;
		my $h = qr/((?:\w+(?:->|\.))*\w+)->h/;
		s/\bsqlite3_stmt\b/st_stmt/g;
		s/\bsqlite3_step\(/st_step(/g;
		s/\bsqlite3_reset\(/st_reset(/g;
		s/\bsqlite3_column_int64\(/st_col_int(/g;
		s/\bsqlite3_column_int\(/st_col_int32(/g;
		s/\(const char \*\)\s*sqlite3_column_text\(/st_col_text(/g;
		s/\bconst unsigned char \*(\w+) = sqlite3_column_text\(/const char *$1 = st_col_text(/g;
		s/\bsqlite3_column_text\(/st_col_text(/g;
		s/\bsqlite3_column_type\(([^()]*)\) == SQLITE_NULL/st_col_null($1)/g;
		s/\bsqlite3_column_type\(([^()]*)\) != SQLITE_NULL/!st_col_null($1)/g;
		s/\bsqlite3_column_count\(/st_col_count(/g;
		s/\bsqlite3_bind_int64\(/st_bind_int(/g;
		s/\bsqlite3_bind_int\(/st_bind_int(/g;
		s/\bsqlite3_bind_null\(/st_bind_null(/g;
		s/\bsqlite3_bind_parameter_index\(/st_param(/g;
		s/\bsqlite3_bind_parameter_count\(/st_param_count(/g;
		if (s/\bsqlite3_bind_text\(/st_bind_text(/g) {
			s/, -1, SQLITE_TRANSIENT\)/)/g;
		}
		s/\bsqlite3_changes(?:64)?\($h\)/st_changes($1)/g;
		s/\bsqlite3_last_insert_rowid\($h\)/st_last_id($1)/g;
		s/\bsqlite3_total_changes(?:64)?\($h\)/st_total_changes($1)/g;
		s/\bsqlite3_prepare_v2\($h, (.+?), -1, &(\w+), NULL\)/st_prepare_once($1, $2, &$3)/g;
		s/\bsqlite3_finalize\(/st_finalize(/g;
		s/\bst_int\(((?:\w+->)*\w+), NULL, &(\w+), NULL, "PRAGMA data_version", NULL\)/$2 = st_data_version($1)/g;
		s/\bSQLITE_(OK|ERROR|PERM|BUSY|NOMEM|READONLY|INTERRUPT|IOERR|FULL|CANTOPEN|CONSTRAINT|ROW|DONE)\b/ST_$1/g;
	' "$f"
done
# What is left outside the fences needs a hand.
left=$(for f in "$@"; do
	awk -v f="$f" '/SQLITE-ONLY BEGIN/ { fence = 1 } !fence && /sqlite3_|SQLITE_/ { print f ":" FNR ": " $0 }
		/SQLITE-ONLY END/ { fence = 0 }' "$f"
done)
if [ -n "$left" ]; then
	printf 'seam-convert: not converted (needs a hand or a fence):\n%s\n' "$left" >&2
	exit 1
fi
