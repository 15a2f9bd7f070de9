# ==== docs/deploy.md, walked through by four operators =============================
# In a private mount namespace: /etc is a copy with the groups and accounts
# of the guide (bzj; bzj-super carol, bzj-review alice and dave, bzj-finance
# bob, none of them in group bzj), bzj installed setgid bzj, the folder
# 0770 root:bzj and /etc/bzj/bzj.conf root 0644.  carol creates the
# database; then each operator reads and writes, in both orders, also as
# the first to open it after the -wal/-shm are gone (the case that broke
# when `bzj init` made the database 0640).  Needs root, setpriv, unshare
# and a release build (SAFETY_SETGID_BIN: a sanitized binary cannot run
# setgid).
DGBIN=${SAFETY_SETGID_BIN:-$BIN}
case "$DGBIN" in /*) ;; *) DGBIN=$REPO/$DGBIN ;; esac
if pg; then
	pgskip "the deploy walk-through" \
		"docs/deploy.md's SQLite install: the file, its folder and their modes; its PostgreSQL part is tests/pg/trust.sh"
elif grep -q -a AddressSanitizer "$DGBIN" 2>/dev/null; then
	skipped "deploy walk-through: $DGBIN is sanitized; give a release build in SAFETY_SETGID_BIN"
elif [ $ROOT = 1 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null &&
	unshare -m --propagation private true 2>/dev/null; then
	W=$T/deploy
	rm -rf "$W"
	mkdir -p "$W/bin" "$W/var/lib"
	chmod 0755 "$W" "$W/bin" "$W/var" "$W/var/lib"
	cp -a /etc "$W/etc"
	cat >>"$W/etc/group" <<'EOF2'
bzj:x:64990:
bzj-super:x:64991:carol
bzj-review:x:64992:alice,dave
bzj-finance:x:64993:bob
bzj-support:x:64994:erin
EOF2
	for u in carol:64901 alice:64902 dave:64903 bob:64904 erin:64905; do
		echo "${u%%:*}:x:${u##*:}:100::/nonexistent:/usr/sbin/nologin" >>"$W/etc/passwd"
	done
	# the guide's commands, with /usr/local/bin and /var/lib under $W
	install -o root -g 64990 -m 2755 "$DGBIN" "$W/bin/bzj"
	install -d -o root -g root -m 0755 "$W/etc/bzj"
	cat >"$W/etc/bzj/bzj.conf" <<EOF2
database = "$W/var/lib/bzj/bzj.db";
identity = "os";
roles = {
  supervisor = [ "@bzj-super" ];
  reviewer   = [ "@bzj-review" ];
  finance    = [ "@bzj-finance" ];
  support    = [ "@bzj-support" ];
};
EOF2
	chown root:root "$W/etc/bzj/bzj.conf"
	chmod 0644 "$W/etc/bzj/bzj.conf"
	install -d -o root -g 64990 -m 0770 "$W/var/lib/bzj"
	cat >"$W/walk.sh" <<'EOF2'
W=$1
mount --bind "$W/etc" /etc || exit 99
DB=$W/var/lib/bzj/bzj.db
as() { local u=$1; shift; setpriv --reuid="$u" --regid=100 --init-groups "$@"; }
step() { # NAME USER ARGS...: one line "NAME EXIT" and the output in $W/out.NAME
	local name=$1 u=$2; shift 2
	as "$u" "$W/bin/bzj" --json "$@" >"$W/out.$name" 2>&1
	echo "$name $?"
}
modes() { stat -c '%a:%G' "$DB" "$DB-wal" "$DB-shm" "$DB-desk" 2>&1 | tr '\n' ' '; }
step init carol init
echo "modes_init $(modes)"
as alice sqlite3 "$DB" .tables >/dev/null 2>&1; echo "sqlite_alice $?"
as carol sqlite3 "$DB" .tables >/dev/null 2>&1; echo "sqlite_carol $?"
step check_alice alice check
step shop_add alice shop add D1 --name 部署测试店 --entity individual --category 服饰内衣 --opened 2026-01-05 --operator 张三
step payee alice shop payee D1 --type personal --name 张三 --account 6222020012345678901
step topup_bob bob topup D1 50000 --ref deploy-1
step show_erin erin shop show D1
step refund_submit alice refund submit D1 --kind partial --amount 1000
RID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$W/out.refund_submit" | head -n 1)
step refund_approve dave refund approve "${RID:-0}"
step approve_own alice refund approve "${RID:-0}"
# nobody has it open and the -wal/-shm are gone: whoever comes first
# makes them, the others must still read and write
rm -f "$DB-wal" "$DB-shm"
step first_read_bob bob shop show D1
echo "modes_bob $(modes)"
step then_write_carol carol topup D1 1 --ref deploy-2 2>/dev/null
step then_write_carol2 bob topup D1 2 --ref deploy-3
rm -f "$DB-wal" "$DB-shm"
step first_write_bob bob topup D1 3 --ref deploy-4
step then_read_alice alice shop show D1
step then_write_dave dave shop category D1 --add 文玩收藏
# root's backup, as the guide says, then the operators go on
sqlite3 "$DB" ".backup $W/backup.db" >/dev/null 2>&1; echo "backup $?"
step after_backup bob topup D1 4 --ref deploy-5
step verify carol audit verify
step final_check erin check
echo "modes_end $(modes)"
# a database left 0640 by an older bzj: refused with the fix, not a
# puzzling "read-only" for every operator but its owner
chmod 0640 "$DB"
step mode0640 bob shop show D1
chmod 0660 "$DB"
EOF2
	unshare -m --propagation private bash "$W/walk.sh" "$W" >"$W/results" 2>&1
	wr() { sed -n "s/^$1 //p" "$W/results"; }
	wout() { head -c 240 "$W/out.$1" 2>/dev/null; }
	wstep() { # NAME WANT-EXIT DESCRIPTION
		is "deploy: $3" "$([ "$(wr "$1")" = "$2" ]; echo $?)" "exit $(wr "$1"): $(wout "$1")"
	}
	wstep init 0 "carol (bzj-super) runs bzj init through the setgid binary"
	is "deploy: the new database, -wal, -shm and -desk are 0660 group bzj" \
		"$(case "$(wr modes_init)" in "660:bzj 660:bzj 660:bzj 660:bzj ") true ;; *) false ;; esac; echo $?)" \
		"modes: $(wr modes_init)"
	is "deploy: alice cannot open the database with sqlite3" "$([ "$(wr sqlite_alice)" != 0 ]; echo $?)"
	is "deploy: carol, its owner, cannot open it with sqlite3 either (folder 0770)" \
		"$([ "$(wr sqlite_carol)" != 0 ]; echo $?)"
	wstep check_alice 0 "alice (reviewer) runs bzj check"
	wstep shop_add 0 "alice adds a shop"
	wstep payee 0 "alice records its payee account"
	wstep topup_bob 0 "bob (finance) tops it up: a second operator writes the database carol made"
	wstep show_erin 0 "erin (support) reads it"
	wstep refund_submit 0 "alice submits a partial refund"
	wstep refund_approve 0 "dave approves it (four eyes)"
	is "deploy: alice cannot approve her own refund (exit 1)" "$([ "$(wr approve_own)" = 1 ]; echo $?)" \
		"exit $(wr approve_own): $(wout approve_own)"
	wstep first_read_bob 0 "bob is first to open it after the -wal/-shm are gone (a read)"
	is "deploy: the -wal/-shm bob made are 0660 group bzj (and the -desk still is)" \
		"$(case "$(wr modes_bob)" in "660:bzj 660:bzj 660:bzj 660:bzj ") true ;; *) false ;; esac; echo $?)" \
		"modes: $(wr modes_bob)"
	wstep then_write_carol 0 "then carol writes"
	wstep then_write_carol2 0 "and bob again"
	wstep first_write_bob 0 "bob is first after the -wal/-shm are gone (a write)"
	wstep then_read_alice 0 "then alice reads"
	wstep then_write_dave 0 "and dave writes"
	wstep backup 0 "root's sqlite3 .backup works while operators use it"
	wstep after_backup 0 "bob writes after root's backup"
	wstep verify 0 "the audit chain verifies"
	is "deploy: bzj check passes at the end, every file still 0660 group bzj" \
		"$([ "$(wr final_check)" = 0 ] && case "$(wr modes_end)" in "660:bzj 660:bzj 660:bzj 660:bzj ") true ;; *) false ;; esac; echo $?)" \
		"exit $(wr final_check), modes $(wr modes_end): $(wout final_check)"
	is "deploy: a database left 0640 is refused for the others (exit 4, says chmod 0660)" \
		"$([ "$(wr mode0640)" = 4 ] && grep -q 'chmod 0660' "$W/out.mode0640"; echo $?)" \
		"exit $(wr mode0640): $(wout mode0640)"
	n=$(sqlite3 -batch -noheader "$W/var/lib/bzj/bzj.db" "SELECT group_concat(a.user, ',') FROM ledger l JOIN audit a ON a.object = 'ledger:' || l.id WHERE l.ref LIKE 'deploy-%' ORDER BY l.id")
	is "deploy: each top-up is in the ledger, audited as the operator who made it" \
		"$([ "$n" = "bob,carol,bob,bob,bob" ]; echo $?)" "got '$n'"
	[ -s "$W/results" ] && grep -q '^init' "$W/results" || bad "deploy: the namespace run failed: $(head -c 300 "$W/results")"
else
	skipped "deploy walk-through: needs root, setpriv and unshare"
fi
