# ==== files bzj trusts (issue 10) ===================================================
# The modes a new database gets, files and folders others could change
# (refused with exit 4 and the chmod/chown that fixes them), input files
# that are not files or are too large, the file-size limit, and reading
# where the folder may not be written.  Owner checks do not apply to root,
# so those run as other uids (setpriv).
FD=$T/files
mkdir -p "$FD"
chmod 0711 "$FD"
can_as=0
if [ $ROOT = 1 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$BIN" &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$DEMO_CONF"; then
	can_as=1
fi
# xu UID [x options] ARGS...: x as another uid (its group the same number)
xu() {
	local u=$1 saved=("${AS_OTHER[@]}")
	shift
	AS_OTHER=(setpriv --reuid="$u" --regid="$u" --clear-groups)
	x --as-other "$@"
	AS_OTHER=("${saved[@]}")
}
modes() { stat -c %a "$@" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }

# ---- a new database is 0600 (0660 when the umask lets the group write) ------
if pg; then
	pgskip "the modes of a new database, -wal and -shm (umask 022, 002, 077)" "the SQLite file's modes"
else
old_umask=$(umask)
umask 022
x --db "$FD/new022.db" init
rc1=$RC
umask 002
x --db "$FD/new002.db" init
rc2=$RC
umask 077
x --db "$FD/new077.db" demo --shops 5
rc3=$RC
umask "$old_umask"
m1=$(modes "$FD/new022.db" "$FD/new022.db-wal" "$FD/new022.db-shm" "$FD/new022.db-desk")
m2=$(modes "$FD/new002.db" "$FD/new002.db-wal" "$FD/new002.db-shm" "$FD/new002.db-desk")
m3=$(modes "$FD/new077.db")
is "init under umask 022 makes the database, -wal, -shm and -desk 0600 (never world-readable)" \
	"$([ "$rc1" = 0 ] && [ "$m1" = "600 600 600 600" ]; echo $?)" "exit $rc1, modes $m1"
is "init under umask 002 makes them 0660" \
	"$([ "$rc2" = 0 ] && [ "$m2" = "660 660 660 660" ]; echo $?)" "exit $rc2, modes $m2"
is "demo into a new file under umask 077 makes it 0600" \
	"$([ "$rc3" = 0 ] && [ "$m3" = 600 ]; echo $?)" "exit $rc3, mode $m3"
fi

# ---- folders others may write, even sticky ones (like /tmp) ------------------
mkdir -p "$FD/sticky"
chmod 1777 "$FD/sticky"
if pg; then
	pgskip "a database file in a world-writable sticky folder, or a link into one" "the SQLite file's folder"
else
cp "$T/base.db" "$FD/sticky/bzj.db"
h=$(dump_hash "$FD/sticky/bzj.db")
x --db "$FD/sticky/bzj.db" --user cs1 shop show "$P"
expect "a database in a world-writable sticky folder is refused (exit 4, chmod o-w FOLDER)" \
	4 store.unsafe_mode "*chmod o-w $FD/sticky*" "$h" "$FD/sticky/bzj.db"
ln -s "$FD/sticky/bzj.db" "$FD/link.db"
x --db "$FD/link.db" --user cs1 shop show "$P"
expect "a symbolic link into a world-writable folder is refused (exit 4, names the real folder)" \
	4 store.unsafe_mode "*chmod o-w $FD/sticky*" "$h" "$FD/sticky/bzj.db"
ln -s "$FD/sticky/none.db" "$FD/link2.db"
x --db "$FD/link2.db" init
expect "init through a symbolic link into a world-writable folder is refused, nothing made" \
	4 store.unsafe_mode "*chmod o-w $FD/sticky*"
is "  ... and no file was created there" "$([ ! -e "$FD/sticky/none.db" ]; echo $?)"
fi
cp "$DEMO_CONF" "$FD/sticky/bzj.conf"
chmod 0644 "$FD/sticky/bzj.conf"
x --conf "$FD/sticky/bzj.conf" --user cs1 shop show "$P"
expect "a config in a world-writable sticky folder is refused (exit 4, chmod o-w FOLDER)" \
	4 config.unsafe_mode "*chmod o-w $FD/sticky*"

# ---- -wal and -shm others may write --------------------------------------------
pg && pgskip "a world-writable -wal or -shm" "SQLite's side files"
pg || for side in wal shm; do
	d=$(fresh "ww-$side")
	x --db "$d" --user cs1 shop show "$P" # leaves the -wal and -shm
	chmod 0606 "$d-$side"
	h=$(dump_hash "$d")
	x --db "$d" --user fin1 topup "$P" 10 --ref "ww-$side"
	expect "a world-writable -$side is refused (exit 4, chmod o-w FILE-$side), nothing written" \
		4 store.unsafe_mode "*chmod o-w $d-$side*" "$h" "$d"
done

# ---- a config its group may write -------------------------------------------------
cp "$DEMO_CONF" "$FD/g.conf"
chmod 0664 "$FD/g.conf"
x --conf "$FD/g.conf" --user cs1 shop show "$P"
expect "a group-writable config is refused (exit 4, chmod g-w FILE)" \
	4 config.unsafe_mode "*chmod g-w $FD/g.conf*"

# ---- owners: files and folders of another user -------------------------------------
if pg; then
	pgskip "a database file, or its folder, owned by another user" "the SQLite file's owner"
fi
if pg && { [ $can_as = 0 ] || [ -z "$PGB_DIR" ]; }; then
	pgskip "a config owned by another user" \
		"needs root, setpriv and a server started here (its folder opened to other uids)"
elif pg; then
	O=$FD/owners
	mkdir -p "$O"
	chmod 0755 "$O"
	cp "$DEMO_CONF" "$O/root.conf"
	chmod 0644 "$O/root.conf"
	cp "$DEMO_CONF" "$O/their.conf"
	chown 65533:65533 "$O/their.conf"
	chmod 0644 "$O/their.conf"
	xu 65534 --conf "$O/root.conf" --user cs1 shop show "$P"
	is "as uid 65534: a root-owned config 0644 works (the database on the server)" \
		"$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
	xu 65534 --conf "$O/their.conf" --user cs1 shop show "$P"
	expect "a config owned by another user is refused (exit 4, chown root FILE)" \
		4 config.unsafe_mode "*chown root $O/their.conf*"
elif [ $can_as = 1 ]; then
	O=$FD/owners
	mkdir -p "$O/mine" "$O/theirs"
	chmod 0755 "$O"
	cp "$T/base.db" "$O/mine/bzj.db"
	chown -R 65534:65534 "$O/mine"
	cp "$DEMO_CONF" "$O/root.conf"
	chmod 0644 "$O/root.conf"
	cp "$DEMO_CONF" "$O/their.conf"
	chown 65533:65533 "$O/their.conf"
	chmod 0644 "$O/their.conf"
	xu 65534 --conf "$O/root.conf" --db "$O/mine/bzj.db" --user cs1 shop show "$P"
	is "as uid 65534: its own database and a root-owned config 0644 work" \
		"$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
	xu 65534 --conf "$O/their.conf" --db "$O/mine/bzj.db" --user cs1 shop show "$P"
	expect "a config owned by another user is refused (exit 4, chown root FILE)" \
		4 config.unsafe_mode "*chown root $O/their.conf*"
	# a database another user owns, shared through the group: not in the
	# setgid install, so that user could change it outside bzj
	chown 65533:65534 "$O/mine/bzj.db"
	chmod 0660 "$O/mine/bzj.db"
	h=$(dump_hash "$O/mine/bzj.db")
	xu 65534 --conf "$O/root.conf" --db "$O/mine/bzj.db" --user fin1 topup "$P" 10 --ref owner-1
	expect "a database owned by another user is refused (exit 4, chown FILE), nothing written" \
		4 store.unsafe_mode "*chown * $O/mine/bzj.db*" "$h" "$O/mine/bzj.db"
	chown 65534:65534 "$O/mine/bzj.db"
	chown 65533:65533 "$O/mine"
	xu 65534 --conf "$O/root.conf" --db "$O/mine/bzj.db" --user cs1 shop show "$P"
	expect "a database in a folder owned by another user is refused (exit 4, chown root FOLDER)" \
		4 store.unsafe_mode "*chown root $O/mine*"
	chown 65534:65534 "$O/mine"
else
	skipped "owner checks: need root and setpriv (a non-root uid that can run $BIN)"
fi

# ---- input files that are not files, or too large -------------------------------------
h=$(dump_hash "$DB")
x --user fin1 import gmv /dev/zero
expect "import /dev/zero is refused at once (exit 2, not a regular file)" \
	2 input.file "*/dev/zero*not a regular file*" "$h" "$DB"
rm -f "$FD/fifo"
mkfifo "$FD/fifo"
t0=$(now_ms)
x --user fin1 import gmv "$FD/fifo"
expect "import of a FIFO nobody writes is refused at once ($(($(now_ms) - t0)) ms, exit 2)" \
	2 input.file "*fifo*not a regular file*" "$h" "$DB"
x --user fin1 import gmv "$FD"
expect "import of a folder is refused (exit 2)" 2 input.file "*$FD*folder*"
truncate -s 300M "$FD/huge.csv"
x --user fin1 import gmv "$FD/huge.csv"
expect "a 300 MB input file is refused before reading (exit 2, names the 256 MiB limit)" \
	2 input.too_large "*huge.csv*256 MiB*" "$h" "$DB"
rm -f "$FD/huge.csv"
{ echo shop_id,month,amount; head -c 3000000 /dev/zero | tr '\0' a; echo; } >"$FD/long.csv"
x --user fin1 import gmv "$FD/long.csv"
expect "a 3 MB line is refused (exit 2, names the file, the line and the limit)" \
	2 import.invalid "*long.csv:2:*longer than 2097152 bytes*" "$h" "$DB"
rm -f "$FD/long.csv"
x --user sup1 calendar import /dev/zero
expect "calendar import /dev/zero is refused (exit 2)" 2 input.file "*not a regular file*"

# ---- the file-size limit (ulimit -f) ---------------------------------------------------
if pg; then
	pgskip "the file-size limit (ulimit -f)" "bzj writes no database file there: the server does"
else
rm -f "$FD/limit.db"*
( ulimit -f 256; exec env BZJ_USER=demo "$BIN" --config "$DEMO_CONF" --db "$FD/limit.db" --today "$TODAY" --json demo --shops 3000 ) >"$T/out" 2>"$T/err"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect "past ulimit -f a write fails with exit 6 store.file_too_large (not killed by SIGXFSZ)" \
	6 store.file_too_large "*file-size limit*"
d=$(fresh fsize)
h=$(dump_hash "$d")
( ulimit -f 8; exec env BZJ_USER=fin1 "$BIN" --config "$DEMO_CONF" --db "$d" --today "$TODAY" --json topup "$P" 10 --ref fsize-1 ) >"$T/out" 2>"$T/err"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect "a top-up into a database larger than ulimit -f: exit 6 store.file_too_large, nothing written" \
	6 store.file_too_large "*file-size limit*" "$h" "$d"
fi

# ---- a folder bzj may not write ------------------------------------------------------------
if pg; then
	pgskip "a database folder bzj may not write" "the SQLite file's folder and side files"
elif [ $can_as = 1 ]; then
	R=$FD/rodir
	mkdir -p "$R"
	cp "$T/base.db" "$R/bzj.db"
	chown -R 65534:65534 "$R"
	chmod 0555 "$R"
	h=$(dump_hash "$R/bzj.db")
	for c in "shop show $P" "shop list --limit 3" "audit log --limit 3" "check" "refund list"; do
		# shellcheck disable=SC2086
		xu 65534 --db "$R/bzj.db" --user sup1 $c
		is "read-only folder (0555, no -wal/-shm): bzj $c works" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
	done
	xu 65534 --db "$R/bzj.db" --user fin1 topup "$P" 10 --ref rodir-1
	expect "read-only folder: a top-up exits 6 store.readonly naming the folder, nothing written" \
		6 store.readonly "*read-only*folder*" "$h" "$R/bzj.db"
	is "  ... and no -wal or -shm appeared" "$([ ! -e "$R/bzj.db-wal" ] && [ ! -e "$R/bzj.db-shm" ]; echo $?)"
	# a folder others can write but this user cannot: no immutable read
	# (a writer could come), so reads need the -shm bzj leaves behind
	R2=$FD/rodir2
	mkdir -p "$R2"
	cp "$T/base.db" "$R2/bzj.db"
	chown 65534:65534 "$R2/bzj.db"
	chmod 0755 "$R2"
	xu 65534 --db "$R2/bzj.db" --user cs1 shop show "$P"
	expect "folder writable only by root, no -shm yet: exit 6 store.readonly saying what to do" \
		6 store.readonly "*bzj.db-shm*does not exist*"
	x --db "$R2/bzj.db" --user cs1 shop show "$P" # root uses it once
	xu 65534 --db "$R2/bzj.db" --user cs1 shop show "$P"
	is "  ... once bzj has run there (it keeps -wal and -shm), that user can read" \
		"$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
	chmod 0755 "$R"
else
	skipped "read-only folder: needs root and setpriv"
fi
