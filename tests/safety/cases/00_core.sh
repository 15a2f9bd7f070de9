# ==== storage: disk full =========================================================
can_mount=0
if [ $ROOT = 1 ] && mkdir -p "$T/probe" && mount -t tmpfs -o size=64k tmpfs "$T/probe" 2>/dev/null; then
	umount "$T/probe"
	can_mount=1
fi
fill() { # DIR: fill the file system up
	dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
	dd if=/dev/zero of="$1/filler2" bs=512 2>/dev/null
	true
}
if pg; then
	pgskip "disk full (database, -wal and -shm on a full tmpfs)" \
		"the server writes its own files, not bzj; a full disk there is the server's error"
elif [ $can_mount = 1 ]; then
	# A 3 MB tmpfs holds the 0.7 MB database; the rest is filled with zeros.
	F=$T/full
	mkdir -p "$F"
	mount -t tmpfs -o size=3m,mode=0755 tmpfs "$F" && MOUNTS+=("$F")
	cp "$T/base.db" "$F/bzj.db"
	# (a) the usual case: other operators have the database open, so its
	# -wal and -shm exist; a sqlite3 shell holds it open here.
	mkfifo "$T/hold"
	sqlite3 "$F/bzj.db" <"$T/hold" >/dev/null 2>&1 &
	HOLD_PID=$!
	exec 7>"$T/hold"
	echo "SELECT count(*) FROM shop;" >&7
	sleep 0.3
	fill "$F"
	h=$(dump_hash "$F/bzj.db")
	x --db "$F/bzj.db" --user fin1 topup "$P" 10 --ref full-1
	expect "disk full (database open elsewhere): topup exits 6 store.full saying the disk is full, data unchanged" \
		6 store.full "*disk*full*" "$h" "$F/bzj.db"
	awk -v s="$P" 'BEGIN { print "shop_id,month,amount"; for (m = 1; m <= 12; m++) for (y = 2001; y <= 2020; y++) printf "%s,%d-%02d,%d.00\n", s, y, m, y * m }' >"$T/gmv240.csv"
	x --db "$F/bzj.db" --user fin1 import gmv "$T/gmv240.csv"
	expect "disk full: import gmv exits 6 saying the disk is full, nothing imported" \
		6 store.full "*disk*full*" "$h" "$F/bzj.db"
	rows=$(sed -n 's/.*"rows":\([0-9]*\).*/\1/p' "$T/out")
	is "disk full: the failed import reports 0 rows in its JSON" "$([ "$rows" = 0 ]; echo $?)" \
		"\"rows\":$rows in $(head -c 200 "$T/out")"
	x --db "$F/new.db" demo --shops 20
	is "disk full: demo into a new database exits 6 saying the disk is full" \
		"$([ "$RC" = 6 ] && case "$ERR" in *disk*full* | *full*) true ;; *) false ;; esac; echo $?)" \
		"exit $RC: ${ERR:0:200}"
	rm -f "$F/new.db" "$F/new.db-wal" "$F/new.db-shm"
	exec 7>&-
	wait "$HOLD_PID" 2>/dev/null
	HOLD_PID=""
	# (b) nobody has it open: opening must create the -shm, which needs space
	rm -f "$F/bzj.db-wal" "$F/bzj.db-shm" "$F/filler" "$F/filler2"
	fill "$F"
	h=$(dump_hash "$F/bzj.db")
	x --db "$F/bzj.db" --user fin1 topup "$P" 10 --ref full-2
	expect "disk full (nobody has the database open): topup exits 6 saying the disk is full, data unchanged" \
		6 store.full "*disk*full*" "$h" "$F/bzj.db"
	# and it recovers once there is room
	rm -f "$F/filler" "$F/filler2"
	x --db "$F/bzj.db" --user fin1 topup "$P" 10 --ref full-3
	r1=$RC
	x --db "$F/bzj.db" check
	is "after space is freed the same top-up succeeds and bzj check passes" \
		"$([ "$r1" = 0 ] && [ "$RC" = 0 ]; echo $?)" "topup exit $r1, check exit $RC: $ERR"
	umount -l "$F" && MOUNTS=()
else
	skipped "disk full: needs root to mount a small tmpfs"
fi

# ==== storage: read-only ==============================================================
if [ ${#AS_OTHER[@]} -gt 0 ] || [ $ROOT = 0 ]; then
	if [ $ROOT = 1 ]; then ok_other=$("${AS_OTHER[@]}" test -x "$BIN" && "${AS_OTHER[@]}" test -r "$DEMO_CONF" && echo y); else ok_other=y; fi
fi
if pg; then
	pgskip "read-only database file (0444) and folder (0555)" "file modes of the SQLite file; the server's files are its own"
elif [ "${ok_other:-}" = y ]; then
	d=$(fresh ro-file)
	[ $ROOT = 1 ] && chown -R 65534:65534 "$T/ro-file"
	chmod 0444 "$d"
	h=$(dump_hash "$d")
	x --as-other --db "$d" --user fin1 topup "$P" 10 --ref ro-1
	expect "read-only file (0444): topup exits 6 store.readonly saying read-only, data unchanged" \
		6 store.readonly "*read-only*" "$h" "$d"
	x --as-other --db "$d" --user cs1 shop show "$P"
	is "read-only file (0444): reading still works" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
	d=$(fresh ro-dir)
	[ $ROOT = 1 ] && chown -R 65534:65534 "$T/ro-dir"
	chmod 0555 "$T/ro-dir"
	h=$(dump_hash "$d")
	x --as-other --db "$d" --user fin1 topup "$P" 10 --ref ro-2
	expect "read-only directory (0555): topup exits 6 saying read-only, data unchanged" \
		6 "store.readonly" "*read-only*" "$h" "$d"
	chmod 0755 "$T/ro-dir"
else
	skipped "read-only file and directory: need a non-root account (setpriv) that can run $BIN"
fi
if pg; then
	pgskip "read-only file system" "the SQLite file's mount; the server's files are its own"
elif [ $can_mount = 1 ]; then
	R=$T/romount
	mkdir -p "$R"
	mount -t tmpfs -o size=4m,mode=0755 tmpfs "$R" && MOUNTS+=("$R")
	cp "$T/base.db" "$R/bzj.db"
	h=$(dump_hash "$R/bzj.db")
	mount -o remount,ro "$R"
	x --db "$R/bzj.db" --user fin1 topup "$P" 10 --ref ro-3
	expect "read-only file system: topup exits 6 saying read-only, data unchanged" \
		6 "store.readonly" "*read-only*" "$h" "$R/bzj.db"
	umount -l "$R" && MOUNTS=()
else
	skipped "read-only file system: needs root to mount"
fi

# ==== busy: another writer holds the lock ============================================
# A sqlite3 shell takes the write lock (BEGIN IMMEDIATE) and holds it.  For
# 1.5 s bzj just waits and succeeds; held past the 5 s busy timeout bzj
# exits 5 with a clear "busy" message, never "database is locked".  On
# PostgreSQL a psql session holds bzj's writer lock (the advisory lock
# PG_WRITER_LOCK of core/store.c, what SQLite's write lock is) in an open
# transaction, with a row of its own written.
d=$(fresh busy)
rm -f "$T/lock"
mkfifo "$T/lock"
LOCK_SQL="BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES ('lock-test', '1');"
if pg; then
	pgcmd psql -X -q -d "$(dbname "$d")" <"$T/lock" >/dev/null 2>&1 &
	LOCK_SQL="BEGIN; SELECT pg_advisory_xact_lock(7420110016); INSERT INTO meta(key, value) VALUES ('lock-test', '1');"
else
	sqlite3 "$d" <"$T/lock" >/dev/null 2>&1 &
fi
HOLD_PID=$!
exec 7>"$T/lock"
echo "$LOCK_SQL" >&7
sleep 0.3
t0=$(now_ms)
x --db "$d" --user fin1 topup "$P" 1 --ref busy-1 &
xp=$!
sleep 1.5
echo "COMMIT;" >&7
wait "$xp"
wait_ms=$(($(now_ms) - t0))
x --db "$d" --user cs1 ledger "$P" --limit 1
is "a write waits for a short lock and then succeeds (${wait_ms} ms)" \
	"$(grep -q '"amount_fen":100,' "$T/out" && [ "$wait_ms" -ge 1400 ]; echo $?)" "$(head -c 200 "$T/out")"
echo "${LOCK_SQL/lock-test/lock-test-2}" >&7
sleep 0.3
t0=$(now_ms)
x --db "$d" --user fin1 topup "$P" 1 --ref busy-2
wait_ms=$(($(now_ms) - t0))
echo "COMMIT;" >&7
exec 7>&-
wait "$HOLD_PID" 2>/dev/null
HOLD_PID=""
expect "a lock held past the busy timeout: exit 5 store.busy after ${wait_ms} ms" 5 store.busy "*busy*"
is "  ... the message never says 'locked' and nothing was written" \
	"$(! grep -q -i locked "$T/out" "$T/err" && [ "$(sq "$d" "SELECT count(*) FROM ledger WHERE ref = 'busy-2'")" = 0 ] && [ "$wait_ms" -ge 4500 ] && [ "$wait_ms" -lt 30000 ]; echo $?)" \
	"waited ${wait_ms} ms: $ERR"

# ==== modes =====================================================================
if pg; then
	pgskip "a world-writable database file" "the SQLite file's mode"
else
	d=$(fresh ww-db)
	chmod 0666 "$d"
	h=$(dump_hash "$d")
	x --db "$d" --user cs1 shop show "$P"
	expect "a world-writable database is refused: exit 4 with 'chmod o-w' and the path" \
		4 store.unsafe_mode "*chmod o-w*$d*" "$h" "$d"
fi
cp "$DEMO_CONF" "$T/ww.conf"
chmod 0646 "$T/ww.conf"
x --conf "$T/ww.conf" --user cs1 shop show "$P"
expect "a world-writable config is refused: exit 4 with 'chmod o-w' and the path" \
	4 config.unsafe_mode "*chmod o-w*ww.conf*"
chmod 0644 "$T/ww.conf"

# ==== identity ======================================================================
x --user nobody_here shop show "$P"
expect "unknown user (BZJ_USER=nobody_here) is refused with exit 4 naming the user" \
	4 auth.unknown_user "*nobody_here*"
BZJ_USER= timeout 60 "$BIN" --config "$DEMO_CONF" --db "$(dburi "$DB")" --json shop show "$P" >"$T/out" 2>"$T/err"
RC=$? ERR=$(cat "$T/err")
expect "identity \"env\" without BZJ_USER is refused with exit 4" 4 "auth.*" "*BZJ_USER*"
for opt in --user=demo --identity=env --role=supervisor --as=demo; do
	x "$opt" shop show "$P"
	expect "no option chooses the identity: $opt is an unknown option (exit 2)" 2 input.usage "*unknown option*"
done
me=$(id -un)
d=$(fresh os-identity)
if [ $ROOT = 1 ]; then
	# the copy ran under the demo config: root, supervisor of this one,
	# records its settings first (issue 16), then writes under it
	x --conf "$OS_CONF" --db "$d" --user cs1 settings accept --reason "identity os test"
	is "identity \"os\": root records data/bzj.conf's settings for the copy" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
	x --conf "$OS_CONF" --db "$d" --user cs1 topup "$P" 3 --ref os-1
	u=$(sq "$d" "SELECT \"user\" || '/' || role FROM audit ORDER BY seq DESC LIMIT 1")
	is "identity \"os\" (data/bzj.conf): BZJ_USER=cs1 has no effect, the top-up is by root/supervisor" \
		"$([ "$RC" = 0 ] && [ "$u" = root/supervisor ]; echo $?)" "exit $RC, audit says $u: $ERR"
	if [ "${ok_other:-}" = y ]; then
		chmod 0755 "$T/os-identity"
		pg || chmod 0644 "$d"
		x --as-other --conf "$OS_CONF" --db "$d" --user demo shop show "$P"
		expect "identity \"os\": the OS account nobody with BZJ_USER=demo is refused (exit 4, names nobody)" \
			4 auth.unknown_user "*nobody*"
	fi
else
	x --conf "$OS_CONF" --db "$d" --user demo shop show "$P"
	expect "identity \"os\": BZJ_USER=demo does not make $me a supervisor" 4 auth.unknown_user "*$me*"
fi

# ==== masking ======================================================================
mask_ok() { # no real account number anywhere in out/err
	! grep -q -F -f "$T/accounts" "$T/out" "$T/err"
}
x --user cs1 shop show "$P"
acct=$(sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/out'),'\$.payee.account')")
is "support: shop show --json masks the account ($acct)" \
	"$(echo "$acct" | grep -q -E '^[*]+[0-9]{4}$' && mask_ok; echo $?)"
x --user cs1 shop list --limit 0
n=$(sqlite3 -batch -noheader :memory: "SELECT count(*) FROM json_each(readfile('$T/out'), '\$.shops')
  WHERE json_extract(value,'\$.payee.account') IS NOT NULL AND NOT (
    length(json_extract(value,'\$.payee.account')) > 4
    AND substr(json_extract(value,'\$.payee.account'), -4) GLOB '[0-9][0-9][0-9][0-9]'
    AND substr(json_extract(value,'\$.payee.account'), 1, length(json_extract(value,'\$.payee.account')) - 4) NOT GLOB '*[^*]*')")
t=$(sqlite3 -batch -noheader :memory: "SELECT count(*) FROM json_each(readfile('$T/out'), '\$.shops') WHERE json_extract(value,'\$.payee.account') IS NOT NULL")
is "support: shop list --json masks every account ($t accounts)" "$([ "$n" = 0 ] && [ "$t" -gt 0 ] && mask_ok; echo $?)" "$n unmasked"
x --user cs1 audit log --limit 100000
n=$(sqlite3 -batch -noheader :memory: "SELECT count(*) FROM json_each(readfile('$T/out'), '\$.entries')
  WHERE json_extract(value,'\$.action') = 'shop.payee'")
is "support: audit log --json shows the payee change with masked accounts ($n record)" \
	"$([ "$n" -ge 1 ] && mask_ok && grep -q '\*\*\*\*8901' "$T/out"; echo $?)"
leak=""
for cmd in "shop show $P" "shop list --limit 0" "audit log --limit 100000" "ledger $P" "refund list"; do
	# shellcheck disable=SC2086
	x --user cs1 --text $cmd
	mask_ok || leak="$leak [$cmd]"
done
is "support: no account number in text output of shop show/list, audit log, ledger, refund list" \
	"$([ -z "$leak" ]; echo $?)" "leaked in$leak"
n=$(sq "$DB" "SELECT count(*) FROM audit a, payee p WHERE instr(a.before || a.after || a.reason, p.account) > 0" \
	"SELECT count(*) FROM audit a, payee p WHERE strpos(a.before || a.after || a.reason, p.account) > 0")
is "the audit log itself holds no full account number" "$([ "$n" = 0 ]; echo $?)" "$n records"
x --user rev1 shop show "$P"
is "a reviewer sees the full account (control)" "$(grep -q 6222020012345678901 "$T/out"; echo $?)"

# ==== tamper evidence ================================================================
d=$(fresh tamper)
for i in 1 2 3 4; do x --db "$d" --user fin1 topup "$P" "$i" --ref "tamper-$i"; done
last=$(sq "$d" "SELECT max(seq) FROM audit")
k=$((last - 2))
out=$(sq "$d" "UPDATE audit SET reason = 'edited' WHERE seq = $k")
is "the audit log refuses UPDATE (trigger)" "$(case "$out" in *append-only*) echo 0 ;; *) echo 1 ;; esac)" "$out"
out=$(sq "$d" "DELETE FROM audit WHERE seq = $k")
is "the audit log refuses DELETE (trigger)" "$(case "$out" in *append-only*) echo 0 ;; *) echo 1 ;; esac)" "$out"
out=$(sq "$d" "UPDATE ledger SET amount_fen = 1 WHERE ref = 'tamper-1'")
is "the ledger refuses UPDATE (trigger)" "$(case "$out" in *append-only*) echo 0 ;; *) echo 1 ;; esac)" "$out"
tamper() { # NAME SQL WANT-SEQS(space separated)
	local t=$T/tamper-case.db seq
	if pg; then
		dbcp "$d" "$t"
		pgtamper "$t" "$2"
	else
		cp "$d" "$t"
		sqlite3 -batch "$t" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; $2" 2>&1
	fi
	x --db "$t" audit verify
	seq=$(sed -n 's/.*"first_bad":{"seq":\([0-9]*\).*/\1/p' "$T/out")
	is "audit verify finds $1 (exit 1, first bad record $seq)" \
		"$([ "$RC" = 1 ] && case " $3 " in *" $seq "*) true ;; *) false ;; esac; echo $?)" "exit $RC: $OUT $ERR"
	rm -f "$t" "$t-wal" "$t-shm"
}
tamper "an edited record" "UPDATE audit SET after = replace(after, '\"balance_fen\":', '\"balance_fen\":1') WHERE seq = $k" "$k"
tamper "an edited reason" "UPDATE audit SET reason = 'nothing to see' WHERE seq = $k" "$k"
tamper "a deleted record" "DELETE FROM audit WHERE seq = $k" "$k $((k + 1))"
tamper "two records swapped" "UPDATE audit SET seq = -1 WHERE seq = $k; UPDATE audit SET seq = $k WHERE seq = $((k + 1)); UPDATE audit SET seq = $((k + 1)) WHERE seq = -1" "$k"
tamper "an inserted record" "UPDATE audit SET seq = -(seq + 1) WHERE seq > $k; UPDATE audit SET seq = -seq WHERE seq < 0; INSERT INTO audit SELECT seq + 1, at, day, \"user\", role, 'topup', object, shop_id, before, after, reason, prev_hash, hash FROM audit WHERE seq = $k" "$((k + 1)) $((k + 2))"

# ==== four-eyes =====================================================================
sub() { # USER SHOP AMOUNT [DAY] -> RID (empty on failure)
	XTODAY=${4:-$SETUP_DAY} x --user "$1" refund submit "$2" --kind partial --amount "$3"
	sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$T/out"
}
status_of() { sq "$DB" "SELECT status || '/' || COALESCE(approved_by,'-') || '/' || COALESCE(second_by,'-') || '/' || COALESCE(paid_by,'-') FROM refund WHERE id = $1"; }
r=$(sub sup1 "${GOOD[1]}" 100)
x --user sup1 refund approve "$r"
expect "four-eyes: the submitter cannot approve (exit 1 four_eyes)" 1 four_eyes "*four-eyes*"
is "four-eyes: the refused approval changed nothing" "$([ "$(status_of "$r")" = "1/-/-/-" ]; echo $?)" "$(status_of "$r")"
x --user cs1 refund approve "$r"
expect "support may not approve (exit 4 auth.role)" 4 auth.role "*"
x --user fin1 refund approve "$r"
expect "finance may not approve (exit 4 auth.role)" 4 auth.role "*"
x --user sup2 refund approve "$r"
is "another supervisor approves" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
x --user rev1 refund pay "$r"
expect "a reviewer may not pay (exit 4 auth.role)" 4 auth.role "*"
x --user sup2 refund pay "$r"
expect "four-eyes: the approver cannot pay (exit 1 four_eyes)" 1 four_eyes "*four-eyes*"
x --user sup2 refund fail "$r" --reason "bank rejected"
expect "four-eyes: the approver cannot record a failed payout either" 1 four_eyes "*four-eyes*"
led=$(sq "$DB" "SELECT count(*) FROM ledger WHERE refund_id = $r")
is "four-eyes: the refused payout wrote nothing" "$([ "$(status_of "$r")" = "2/sup2/-/-" ] && [ "$led" = 0 ]; echo $?)" "$(status_of "$r"), $led ledger rows"
x --user fin1 refund pay "$r"
is "finance pays the approved refund" "$([ "$RC" = 0 ] && [ "$(status_of "$r")" = "3/sup2/-/fin1" ]; echo $?)" "exit $RC: $ERR"

# above the threshold (50,000 yuan): the second approval by a supervisor
# (given with `refund approve --second` where bzj has that option)
SECOND=()
"$BIN" --help 2>&1 | grep -q -- '--second' && SECOND=(--second)
B=${GOOD[2]}
x --user fin1 topup "$B" 60000 --ref four-eyes-big
r=$(sub sup1 "$B" 50000.01)
is "setup: a 50,000.01 refund is submitted" "$([ -n "$r" ]; echo $?)" "$ERR"
x --user rev1 refund approve "$r"
is "above the threshold: a reviewer gives the first approval" \
	"$([ "$RC" = 0 ] && grep -q '"needs_second_approval":true' "$T/out"; echo $?)" "exit $RC: $ERR"
x --user fin1 refund pay "$r"
expect "above the threshold: payout before the second approval is refused (refund.second_approval_required)" \
	1 refund.second_approval_required "*second*"
x --user rev2 refund approve "$r" "${SECOND[@]}"
expect "above the threshold: a reviewer cannot give the second approval (exit 4)" 4 refund.second_approval_role "*supervisor*"
x --user sup1 refund approve "$r" "${SECOND[@]}"
expect "above the threshold: the submitter cannot give the second approval" 1 four_eyes "*four-eyes*"
x --user sup2 refund approve "$r" "${SECOND[@]}"
is "above the threshold: another supervisor gives the second approval" \
	"$([ "$RC" = 0 ] && [ "$(status_of "$r")" = "2/rev1/sup2/-" ]; echo $?)" "exit $RC: $ERR $(status_of "$r")"
x --user sup2 refund pay "$r"
expect "above the threshold: the second approver cannot pay" 1 four_eyes "*four-eyes*"
x --user fin2 refund pay "$r"
is "above the threshold: finance pays after both approvals" \
	"$([ "$RC" = 0 ] && [ "$(status_of "$r")" = "3/rev1/sup2/fin2" ]; echo $?)" "exit $RC: $ERR"
B=${GOOD[3]}
x --user fin1 topup "$B" 60000 --ref four-eyes-big2
r=$(sub rev1 "$B" 50000.01)
x --user sup1 refund approve "$r"
x --user sup1 refund approve "$r" "${SECOND[@]}"
expect "above the threshold: the first approver cannot also give the second approval" 1 four_eyes "*four-eyes*"
x check
is "bzj check passes after the four-eyes cases" "$([ "$RC" = 0 ]; echo $?)" "$OUT $ERR"

# ==== hostile input: the CSV corpus ===================================================
d=$(fresh corpus)
DBSAVE=$DB
DB=$d
h=$(dump_hash "$DB")
for f in "$REPO"/tests/fuzz/corpus/csv/*; do
	name=${f#"$REPO"/tests/fuzz/}
	why="" res=""
	for kind in shops gmv topups violations; do
		x import "$kind" "$f"
		res="$res $kind=$RC"
		case "$RC" in
		0) ;;
		2)
			[ -n "$ERR" ] || why="$why $kind: exit 2 without a message"
			grep -q '"error":{"code":"' "$T/out" || why="$why $kind: no error code in the JSON"
			;;
		*) why="$why $kind: exit $RC ${ERR:0:120}" ;;
		esac
		has_esc && why="$why $kind: raw ESC in the output"
		x --text import "$kind" "$f"
		has_esc && why="$why $kind: raw ESC in the text output"
		[ "$RC" = 0 ] || [ "$RC" = 2 ] || why="$why $kind(text): exit $RC"
		# exit 2 (both runs) must leave the data exactly as it was
		h2=$(dump_hash "$DB")
		case "$res" in *"$kind=2") [ "$RC" = 2 ] && [ "$h2" != "$h" ] && why="$why $kind: partial write on exit 2" ;; esac
		h=$h2
	done
	is "corpus $name:$res" "$([ -z "$why" ]; echo $?)" "${why# }"
done
x check
is "bzj check passes after the corpus imports" "$([ "$RC" = 0 ]; echo $?)" "$OUT $ERR"
DB=$DBSAVE

# ==== hostile input: escape sequences in arguments ===================================
EC=$'\033[2J' OSC=$'\033]0;pwned\007'
esc_case() { # NAME ARGS... : exit must not be 0 or crash; no ESC out, JSON and text
	local name=$1 why=""
	shift
	x "$@"
	has_esc && why="json: raw ESC in $(grep -l "$ESC" "$T/out" "$T/err" | sed "s|$T/||" | tr '\n' ' ')"
	[ "$RC" -ge 1 ] && [ "$RC" -le 6 ] || why="$why exit $RC"
	x --text "$@"
	has_esc && why="$why text: raw ESC in $(grep -l "$ESC" "$T/out" "$T/err" | sed "s|$T/||" | tr '\n' ' ') ($(grep -h -m1 "$ESC" "$T/err" "$T/out" | cat -v | head -c 120))"
	is "escape sequences: $name" "$([ -z "$why" ]; echo $?)" "$why"
}
esc_case "shop id (shop show ESC[2J)" shop show "$EC"
esc_case "refund id (refund approve OSC title)" --user rev1 refund approve "$OSC"
esc_case "violation id" --user rev1 violation resolve "$EC"
esc_case "command name" "x${EC}"
esc_case "subcommand name" shop "$EC"
esc_case "unknown option of a command" shop list "--${EC}"
esc_case "amount" --user fin1 topup "$P" "$EC"
esc_case "date (--opened)" --user rev1 shop add ESC1 --name n --entity company --category 食品饮料 --opened "$EC"
esc_case "month" --user fin1 deposit recompute --month "$OSC"
esc_case "shop name" --user rev1 shop add ESC2 --name "$EC" --entity company --category 食品饮料 --opened 2026-01-05
esc_case "shop name (OSC)" --user rev1 shop add ESC3 --name "a${OSC}b" --entity company --category 食品饮料 --opened 2026-01-05
esc_case "entity name" --user rev1 shop add ESC4 --name n --entity-name "$EC" --entity company --category 食品饮料 --opened 2026-01-05
esc_case "category" --user rev1 shop add ESC5 --name n --entity company --category "$EC" --opened 2026-01-05
esc_case "top-up ref and payer" --user fin1 topup "$P" 5 --ref "$EC" --payer "$OSC" --ack-third-party
esc_case "violation note" --user rev1 violation add "$P" --class A --points 1 --raise 1 --note "$OSC"
esc_case "reject reason" --user rev1 refund reject 1 --reason "$EC"
esc_case "import file name" import shops "$T/no-such-${EC}.csv"
esc_case "calendar date" calendar next "$EC" 1
esc_case "BZJ_USER" --user "$EC" shop show "$P"
printf 'id,na%sme,entity,categories,opened\nE1,x,company,食品饮料,2026-01-05\n' "$EC" >"$T/esc-header.csv"
esc_case "CSV header with an escape sequence" import shops "$T/esc-header.csv"
printf 'id,name,entity,categories,opened\nE2,a%sb,company,食品饮料,2026-01-05\nE3,%s,company,食品饮料,2026-01-05\n' "$EC" "$OSC" >"$T/esc-names.csv"
esc_case "CSV names with escape sequences" import shops "$T/esc-names.csv"
# global option before the command
x --text "--${EC}" shop show "$P"
is "escape sequences: unknown global option" "$(! has_esc; echo $?)" "$(cat -v "$T/err" | head -c 120)"
x --text --today "$EC" shop show "$P"
is "escape sequences: --today" "$(! has_esc && [ "$RC" = 2 ]; echo $?)" "exit $RC $(cat -v "$T/err" | head -c 120)"
# C1 control characters (U+009B is CSI for 8-bit terminals)
C1=$(printf '\302\233')
x --user rev1 shop add C1A --name "x${C1}2J" --entity company --category 食品饮料 --opened 2026-01-05
r1=$RC
x --user cs1 --text shop show C1A
is "a C1 control (U+009B CSI) in a name is refused or never printed raw" \
	"$([ "$r1" = 2 ] || ! grep -q "$C1" "$T/out" "$T/err"; echo $?)" "shop add exit $r1; text shop show prints it raw"

# ==== hostile input: SQL, sizes, numbers, dates, duplicates ============================
SQL="'; DROP TABLE shop;--"
x --user rev1 shop add SQL1 --name "$SQL" --entity-name "$SQL\"" --entity company --category 食品饮料 --opened 2026-01-05
r1=$RC
x --user cs1 shop show SQL1
nm=$(sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/out'),'\$.name')")
en=$(sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/out'),'\$.entity_name')")
t=$(sq "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'shop'" \
	"SELECT count(*) FROM pg_tables WHERE tablename = 'shop' AND schemaname = current_schema()")
is "SQL in a name is stored and shown verbatim; the shop table is intact" \
	"$([ "$r1" = 0 ] && [ "$nm" = "$SQL" ] && [ "$en" = "$SQL\"" ] && [ "$t" = 1 ]; echo $?)" \
	"add exit $r1, name '$nm', entity '$en', tables $t"
# Names at their limits (200 bytes, quotes double when escaped): the audit
# record must still hold the whole change as valid JSON and valid UTF-8.
QN=$(printf '"%.0s' $(seq 199))
ZN=$(printf '店%.0s' $(seq 66))
x --user rev1 shop add LONG1 --name "$QN" --entity-name "$QN" --operator "$ZN" --entity individual --category 食品饮料 --opened 2026-01-05
r1=$RC
v=$(sq "$DB" "SELECT json_valid(after) || ' ' || length(CAST(after AS BLOB)) FROM audit WHERE object = 'shop:LONG1' AND action = 'shop.add'" \
	"SELECT (after::jsonb IS NOT NULL)::int || ' ' || octet_length(after) FROM audit WHERE object = 'shop:LONG1' AND action = 'shop.add'")
x --user cs1 audit log --shop LONG1
u=0
iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 || u=1
is "a shop with names at their limits gets a complete audit record (valid JSON and UTF-8)" \
	"$([ "$r1" = 0 ] && [ "${v%% *}" = 1 ] && [ "$u" = 0 ]; echo $?)" \
	"add exit $r1; json_valid/bytes of the record: $v; audit log output valid UTF-8: $([ $u = 0 ] && echo yes || echo no)"
# One argument can be at most 128 KiB (MAX_ARG_STRLEN): 1 MB goes through a file.
big=$(head -c 120000 /dev/zero | tr '\0' 'a')
h=$(dump_hash "$DB")
x --user rev1 shop add BIG1 --name "$big" --entity company --category 食品饮料 --opened 2026-01-05
expect "a 120 KB name argument is refused (exit 2) with a short message" 2 "input.*" "*name*" "$h" "$DB"
big=$(head -c 1048576 /dev/zero | tr '\0' 'a')
is "  ... and the message is short ($(wc -c <"$T/err") bytes)" "$([ "$(wc -c <"$T/err")" -lt 2048 ] && [ "$(wc -c <"$T/out")" -lt 2048 ]; echo $?)"
{ echo "id,name,entity,categories,opened"; printf 'BIG2,%s,company,食品饮料,2026-01-05\n' "$big"; } >"$T/big.csv"
x import shops "$T/big.csv"
expect "a 1 MB field in an import is refused (exit 2), nothing written" 2 import.invalid "*" "$h" "$DB"
is "  ... and the report is short ($(wc -c <"$T/err") bytes)" "$([ "$(wc -c <"$T/err")" -lt 4096 ]; echo $?)"
x --user rev1 shop add "" --name "" --entity company --category 食品饮料 --opened 2026-01-05
expect "empty shop id and name are refused (exit 2)" 2 "input.*" "*"
x --user rev1 shop add EMP1 --name "" --entity company --category 食品饮料 --opened 2026-01-05
expect "an empty name is refused (exit 2)" 2 input.name "*name*"
x --user rev1 violation add "$P" --class A --points 1 --raise 1 --note ""
expect "an empty violation note is refused (exit 2)" 2 "input.*" "*note*"
for a in 99999999999999999999 100000000001 -5 1e3 3,000 3000.555 "" " 5" ５ ¥5 0x10 nan 5. .5 "1 000"; do
	x --user fin1 topup "$P" "$a"
	expect "amount '$a' is refused (exit 2 input.amount), nothing written" 2 input.amount "*amount*" "$h" "$DB"
done
for dt in 2026-02-30 2025-02-29 2026-13-01 2026-00-10 2026-04-31 2026-2-3 0000-00-00 20260105 ""; do
	x --user rev1 shop add DT1 --name n --entity company --category 食品饮料 --opened "$dt"
	expect "date '$dt' is refused (exit 2 input.date)" 2 input.date "*" "$h" "$DB"
done
XTODAY=2026-02-30 x shop show "$P"
expect "--today 2026-02-30 is refused (exit 2)" 2 input.date "*today*"
printf 'id,name,entity,categories,opened\nDUP1,a,company,食品饮料,2026-01-05\nDUP1,b,company,食品饮料,2026-01-06\n' >"$T/dup-shops.csv"
x import shops "$T/dup-shops.csv"
expect "a duplicate shop id in one import is refused (exit 2), nothing written" 2 import.invalid "*" "$h" "$DB"
is "  ... the duplicate is reported with its line (3)" \
	"$(grep -q ':3:' "$T/err" && grep -q '"line":3' "$T/out" && ! grep -q '"line":2' "$T/out"; echo $?)" "$ERR"
printf 'shop_id,month,amount\n%s,2019-01,100.00\n%s,2019-01,200.00\n' "$P" "$P" >"$T/dup-gmv.csv"
x --user fin1 import gmv "$T/dup-gmv.csv"
expect "a duplicate shop and month in one GMV import is refused (exit 2), nothing written" 2 import.invalid "*" "$h" "$DB"
is "  ... the duplicate is reported with its line (3)" "$(grep -q ':3:' "$T/err"; echo $?)" "exit $RC: ${ERR:0:200}"
printf 'shop_id,amount,date,ref\n%s,100.00,2026-11-02,dupref-1\n%s,100.00,2026-11-02,dupref-1\n' "$P" "$P" >"$T/dup-ref.csv"
x --user fin1 import topups "$T/dup-ref.csv"
expect "a duplicate top-up ref in one import is refused (exit 2), nothing written" 2 import.invalid "*" "$h" "$DB"
is "  ... the duplicate is reported with its line (3)" "$(grep -q ':3:' "$T/err"; echo $?)" "exit $RC: ${ERR:0:200}"
h=$(dump_hash "$DB")
printf 'shop_id,amount,date,ref\n%s,99999999999999999999,2026-11-02,\n%s,-5,2026-11-02,\n%s,1e3,2026-11-02,\n%s,"3,000",2026-11-02,\n%s,5,2026-02-30,\n%s,,2026-11-02,\n' \
	"$P" "$P" "$P" "$P" "$P" "$P" >"$T/bad-topups.csv"
x --user fin1 import topups "$T/bad-topups.csv"
n=$(grep -c -E ':[2-7]: ' "$T/err")
expect "bad amounts and dates in a top-up import: exit 2, nothing written" 2 import.invalid "*" "$h" "$DB"
is "  ... each of the 6 bad lines is reported with its line number" "$([ "$n" = 6 ]; echo $?)" "$n reported: ${ERR:0:300}"
printf 'shop_id,class,points,raise,freeze,note\n%s,C,1,1,,x\n%s,A,101,1,,x\n%s,A,1,-1,,x\n%s,A,1,1,99999999999,x\nNOPE,A,1,1,,x\n' \
	"$P" "$P" "$P" "$P" >"$T/bad-violations.csv"
x --user rev1 import violations "$T/bad-violations.csv"
n=$(grep -c -E ':[2-6]: ' "$T/err")
expect "bad violation rows: exit 2, nothing written" 2 import.invalid "*" "$h" "$DB"
is "  ... each of the 5 bad lines is reported with its line number" "$([ "$n" = 5 ]; echo $?)" "$n reported: ${ERR:0:300}"
x check
is "bzj check passes after the hostile input" "$([ "$RC" = 0 ]; echo $?)" "$OUT $ERR"
x audit verify
is "bzj audit verify is ok after the hostile input" "$(grep -q '"ok":true' "$T/out"; echo $?)" "$OUT $ERR"

# ==== setgid install in a private mount namespace ===================================
# /etc is replaced (in this namespace only) by a copy with a `bzj` group and
# /etc/bzj/bzj.conf; bzj is installed setgid bzj; the operator is nobody.
# A sanitized binary cannot run setgid: the sanitizer runtime reads its
# options from /proc/self/environ, which a setgid process may not read, so
# LeakSanitizer runs and dies at exit.  SAFETY_SETGID_BIN (a release build)
# is used for this part when given.
SGBIN=${SAFETY_SETGID_BIN:-$BIN}
case "$SGBIN" in /*) ;; *) SGBIN=$REPO/$SGBIN ;; esac
if pg; then
	pgskip "setgid install (database folder 0770, file 0660 group bzj)" \
		"the SQLite file's group and modes; PostgreSQL's setgid install (the credential only the bzj group reads) is tests/pg/trust.sh"
elif grep -q -a AddressSanitizer "$SGBIN" 2>/dev/null; then
	skipped "setgid install: $SGBIN is sanitized; give a release build in SAFETY_SETGID_BIN (e.g. build/bzj)"
elif [ $ROOT = 1 ] && command -v unshare >/dev/null && [ "${ok_other:-}" = y ] &&
	unshare -m --propagation private true 2>/dev/null; then
	S=$T/setgid
	mkdir -p "$S/bin" "$S/var"
	chmod 0755 "$S"
	cp -a /etc "$S/etc"
	echo 'bzj:x:64999:' >>"$S/etc/group"
	mkdir -p "$S/etc/bzj"
	cat >"$S/etc/bzj/bzj.conf" <<EOF
database = "$S/var/bzj.db";
identity = "os";
roles = { supervisor = [ "nobody", "root" ]; reviewer = [ ]; finance = [ ]; support = [ ]; };
EOF
	chmod 0644 "$S/etc/bzj/bzj.conf"
	cp "$T/base.db" "$S/var/bzj.db"
	# the copy ran under the demo config: root records this install's
	# settings (issue 16) before the operators start
	timeout 60 "$BIN" --config "$S/etc/bzj/bzj.conf" --db "$S/var/bzj.db" --json \
		settings accept --reason "setgid install" >"$T/out" 2>"$T/err"
	is "setgid: root records the install's settings in the copied database" "$?" "$(cat "$T/err")"
	chgrp -R 64999 "$S/var"
	chmod 0770 "$S/var"
	chmod 0660 "$S/var/bzj.db"*
	install -g 64999 -m 2755 "$SGBIN" "$S/bin/bzj"
	cp "$DB" "$T/evil.db"
	chmod 0644 "$T/evil.db"
	cat >"$S/inner.sh" <<'EOF'
S=$1 REPO=$2 EVIL=$3 P=$4
mount --bind "$S/etc" /etc || exit 99
op() { setpriv --reuid=65534 --regid=65534 --clear-groups env "$@"; }
res() { echo "$1 $2"; }
op sqlite3 "$S/var/bzj.db" "SELECT count(*) FROM shop" >/dev/null 2>&1; res direct $?
op "$S/bin/bzj" --json shop show "$P" >"$S/o1" 2>&1; res dir0770 $?
chmod 0771 "$S/var"
op "$S/bin/bzj" --json shop show "$P" >"$S/o2" 2>&1; res dir0771 $?
chmod 0770 "$S/var"
op BZJ_USER=cs1 "$S/bin/bzj" --db "$EVIL" --config "$REPO/data/demo.conf" --json topup "$P" 7 --ref setgid-1 >"$S/o3" 2>&1; res flags $?
op BZJ_DB="$EVIL" BZJ_CONFIG="$REPO/data/demo.conf" BZJ_USER=cs1 "$S/bin/bzj" --json topup "$P" 8 --ref setgid-2 >"$S/o4" 2>&1; res env $?
op "$S/bin/bzj" --today 2026-11-23 --json shop show "$P" >"$S/o5" 2>&1; res today $?
op "$S/bin/bzj" --json copy --to "postgresql:///bzj?host=/nonexistent" >"$S/o9" 2>&1; res copy $?
op BZJ_TODAY=2026-11-23 "$S/bin/bzj" --json shop show "$P" >"$S/o6" 2>&1; res bzj_today $?
sed -i 's/identity = "os";/identity = "env";/' /etc/bzj/bzj.conf
op BZJ_USER=nobody "$S/bin/bzj" --json shop show "$P" >"$S/o7" 2>&1; res identity_env $?
sed -i 's/identity = "env";/identity = "os";/' /etc/bzj/bzj.conf
chmod 0666 /etc/bzj/bzj.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o8" 2>&1; res ww_conf $?
chmod 0644 /etc/bzj/bzj.conf
EOF
	unshare -m --propagation private bash "$S/inner.sh" "$S" "$REPO" "$T/evil.db" "$P" >"$S/results" 2>&1
	rr() { sed -n "s/^$1 //p" "$S/results"; }
	is "setgid: the operator cannot open the database file directly (dir 0770, file 0660 group bzj)" \
		"$([ "$(rr direct)" != 0 ]; echo $?)" "sqlite3 exit $(rr direct)"
	is "setgid: bzj opens the database with the documented modes (directory 0770)" \
		"$([ "$(rr dir0770)" = 0 ]; echo $?)" "exit $(rr dir0770): $(head -c 200 "$S/o1")"
	# operators own the files they made there: o+x would let them open those
	is "setgid: a database folder others may enter (0771) is refused (exit 4, chmod o-rwx)" \
		"$([ "$(rr dir0771)" = 4 ] && grep -q 'chmod o-rwx' "$S/o2"; echo $?)" "exit $(rr dir0771): $(head -c 200 "$S/o2")"
	evil_n=$(sqlite3 -batch -noheader "$T/evil.db" "SELECT count(*) FROM ledger WHERE ref LIKE 'setgid-%'")
	real=$(sqlite3 -batch -noheader "$S/var/bzj.db" "SELECT group_concat(a.user || '/' || l.ref, ' ') FROM ledger l JOIN audit a ON a.object = 'ledger:' || l.id WHERE l.ref LIKE 'setgid-%'")
	is "setgid: --db, --config and BZJ_USER are ignored (the top-up lands in the configured database, by nobody)" \
		"$([ "$(rr flags)" = 0 ] && [ "$evil_n" = 0 ] && case "$real" in *nobody/setgid-1*) true ;; *) false ;; esac; echo $?)" \
		"exit $(rr flags), $evil_n rows in the --db file, configured db has: $real; $(head -c 200 "$S/o3")"
	is "setgid: BZJ_DB, BZJ_CONFIG and BZJ_USER are ignored" \
		"$([ "$(rr env)" = 0 ] && case "$real" in *nobody/setgid-2*) true ;; *) false ;; esac; echo $?)" \
		"exit $(rr env), configured db has: $real; $(head -c 200 "$S/o4")"
	is "setgid: --today is refused (exit 4)" "$([ "$(rr today)" = 4 ]; echo $?)" "exit $(rr today)"
	# copy would hand every row to a server the operator names
	is "setgid: bzj copy is refused, even to a supervisor (exit 4 copy.privileged)" \
		"$([ "$(rr copy)" = 4 ] && grep -q copy.privileged "$S/o9"; echo $?)" "exit $(rr copy): $(head -c 200 "$S/o9")"
	is "setgid: BZJ_TODAY is refused (exit 4)" "$([ "$(rr bzj_today)" = 4 ]; echo $?)" "exit $(rr bzj_today)"
	is "setgid: identity = \"env\" in /etc/bzj/bzj.conf is refused (exit 4)" \
		"$([ "$(rr identity_env)" = 4 ] && grep -q config.identity "$S/o7"; echo $?)" "exit $(rr identity_env): $(head -c 200 "$S/o7")"
	is "setgid: a world-writable /etc/bzj/bzj.conf is refused (exit 4)" \
		"$([ "$(rr ww_conf)" = 4 ]; echo $?)" "exit $(rr ww_conf): $(head -c 200 "$S/o8")"
	[ -s "$S/results" ] && grep -q '^direct' "$S/results" || bad "setgid: the namespace run failed: $(head -c 300 "$S/results")"
else
	skipped "setgid install: needs root, setpriv and unshare"
fi
