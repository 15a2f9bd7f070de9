#!/bin/sh
# copy.sh BZJ [REL] - `bzj copy`: an SQLite database into a new PostgreSQL
# one (issue 16; docs/deploy.md, "Moving a database onto PostgreSQL").
#  - a demo plus hand-made rows (a name with a backslash, a payer in
#    Chinese, a top-up with a bank reference, a violation and its
#    deduction, an approved refund) copied: every table row for row
#    against the SQLite file (tests/pg/tablecmp.py: Python's sqlite3
#    against psql's own COPY), the seals and the audit chain included;
#  - the commands' --json the same on both (shop list, searches, shop show,
#    refund list, audit log, reports, providers); `bzj check` and `audit
#    verify` clean on the copy; one audit record db.copy after the source's
#    last; the identity sequences past the copied ids (a new top-up, a new
#    shop, and the search finds it);
#  - refusals that write nothing: a target that is not new, a file as the
#    target, a PostgreSQL source, no --to, an operator who is not a
#    supervisor, a login that does not own the tables, a source that fails
#    `bzj check` (its problems named);
#  - a copy killed (SIGKILL) or interrupted (SIGINT) while it sends rows
#    leaves the target as `bzj init` left it, and the copy then works.
# The server is the one PGHOST/PGPORT/PGUSER name (tests/pg/run.sh starts a
# throw-away one); REL, the release build, runs the large copies that are
# interrupted.  Prints ok/FAIL lines and "N passed, M failed".
set -u
BIN=${1:?usage: copy.sh BZJ [REL]}
REL=${2:-$BIN}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $REL in /*) ;; *) REL=$(pwd)/$REL ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=$HERE/../../data/demo.conf
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pgcopy.XXXXXX") || exit 2
chmod 700 "$W"
BGPID=
trap 'if [ -n "$BGPID" ]; then kill -9 "$BGPID" 2>/dev/null; fi; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
. "$HERE/direct.sh"
D=2026-01-05

# run BIN WHERE TAG USER ARGS...: bzj --json; $W/TAG.out .err .rc
runb() {
	_b=$1 _db=$2 _tag=$3 _u=$4
	shift 4
	BZJ_USER=$_u "$_b" --config "$CONF" --db "$_db" --today "$D" --json "$@" \
		>"$W/$_tag.out" 2>"$W/$_tag.err"
	echo $? >"$W/$_tag.rc"
}
run() { runb "$BIN" "$@"; }
rc() { cat "$W/$1.rc"; }
code() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("error",{}).get("code",""))' "$W/$1.out" 2>/dev/null; }
jq1() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$W/$1.out" 2>/dev/null; }
# the target's state: audit records, shops, ledger entries
state() { psq "$1" -c "SELECT (SELECT count(*) FROM audit) || ' ' || (SELECT count(*) FROM shop) || ' ' || (SELECT count(*) FROM ledger)"; }

# ---- the source: a demo and hand-made rows ------------------------------------
SRC=$W/src.db
run "$SRC" mk demo demo --shops 300 --seed 5
run "$SRC" a1 sup1 shop add S9000001 --name 'a\b 反斜杠小店' --entity individual --category 服饰内衣 \
	--opened $D --operator '王\五'
run "$SRC" a2 fin1 topup S9000001 12345.67 --payer '杭州某某贸易有限公司' --ack-third-party --ref 'BANK-\1'
run "$SRC" a3 rev1 violation add S0000007 --class A --points 2 --raise 100 --freeze 50 --note '售假 \ 第一次'
vid=$(jq1 a3 'd.get("id","")')
run "$SRC" a4 rev1 violation deduct "${vid:-0}" 20
# 2,500 top-ups by import: an audit record each, so the copy's audit
# log is more than one page of the PostgreSQL reader (audit_each_pg)
sqlite3 "$SRC" "SELECT id FROM shop WHERE status = 1 ORDER BY id" | python3 -c 'import sys
ids = sys.stdin.read().split()
print("shop_id,amount,date,ref")
for i in range(2500): print("%s,1.%02d,2026-01-05,IMP-%d" % (ids[i % len(ids)], i % 100, i))' >"$W/topups.csv"
run "$SRC" a5 fin1 import topups "$W/topups.csv"
is "the source: 2,500 top-ups imported" "$(rc a5) $(sqlite3 "$SRC" "SELECT count(*) FROM ledger WHERE ref LIKE 'IMP-%'")" "0 2500" "$(head -c 300 "$W/a5.err")"
# a name as an old import might have left it (bzj refuses control
# characters today; the name is not sealed): tab, backspace, form feed,
# vertical tab, CR and newline each travel by their own COPY escape
sqlite3 "$SRC" "UPDATE shop SET name = 'ctl' || char(9) || 'b' || char(8) || 'f' || char(12) || 'v' || char(11) || 'r' || char(13) || 'n' || char(10) || '店' WHERE id = 'S0000150'"
all=$(cat "$W/mk.rc" "$W/a1.rc" "$W/a2.rc" "$W/a3.rc" "$W/a4.rc" | tr '\n' ' ')
is "the source: a 300-shop demo, a shop named with a backslash, a top-up, a violation and its deduction" "$all" "0 0 0 0 0 " \
	"$(cat "$W/a1.err" "$W/a2.err" "$W/a3.err" "$W/a4.err" | head -c 400)"
SEQ=$(sqlite3 "$SRC" "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_seq'")

# ---- the copy ----------------------------------------------------------------------
newdb bzj_copy_a
TA=$(uri bzj_copy_a)
run "$SRC" cp sup1 copy --to "$TA"
is "copy --to: exit 0" "$(rc cp)" 0 "$(head -c 600 "$W/cp.err")"
is "copy: ok, and check on the copy finds nothing" "$(jq1 cp 'd["ok"], len(d["problems"])')" "True 0"
is "copy: the audit log continues after the source's last record" "$(jq1 cp 'd["audit_seq"]')" "$SEQ"
is "copy: the password-free location shown" "$(jq1 cp 'd["to"]')" "$TA"
is "copy: rows = the sum of its tables' rows" "$(jq1 cp 'd["rows"] == sum(t["rows"] for t in d["tables"]) and d["rows"] > 10000')" True
grep -q 'runtime error:\|Sanitizer' "$W/cp.err" && fail "copy: sanitizer clean" "$(head -c 600 "$W/cp.err")" || ok "copy: sanitizer clean"
if python3 "$HERE/tablecmp.py" "$SRC" "$TA" "$SEQ" >"$W/cmp.txt" 2>&1; then
	ok "every table row for row, seals and audit chain included ($(grep -c '^same' "$W/cmp.txt") tables)"
else
	fail "every table row for row" "$(grep -v '^same' "$W/cmp.txt" | head -c 800)"
fi
is "the copy's audit log: one record after the source's, db.copy" \
	"$(psq bzj_copy_a -c "SELECT count(*) || ' ' || max(action) FROM audit WHERE seq > $SEQ")" "1 db.copy"
is "meta.audit_seq names the copy's record" \
	"$(psq bzj_copy_a -c "SELECT value FROM meta WHERE key = 'audit_seq'")" "$((SEQ + 1))"
is "every user trigger enabled again" "$(psq bzj_copy_a -c "SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
	WHERE NOT g.tgisinternal AND g.tgenabled <> 'O' AND c.relnamespace = CAST(current_schema() AS regnamespace)")" 0
newdb bzj_copy_new
run "$(uri bzj_copy_new)" init sup1 init
q="SELECT (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = CAST(current_schema() AS regnamespace))
	|| ' ' || (SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema())"
is "foreign keys and indexes as in a new database" "$(psq bzj_copy_a -c "$q")" "$(psq bzj_copy_new -c "$q")"
run "$TA" chk sup1 check
is "bzj check on the copy: clean" "$(rc chk) $(jq1 chk 'd["ok"], d["shops"]')" "0 True 301"
run "$TA" av sup1 audit verify
is "audit verify on the copy: intact, every record" "$(rc av) $(jq1 av 'd["ok"], d["entries"]')" "0 True $((SEQ + 1))"

# the same answers from both
same() {
	_n=$1
	shift
	run "$SRC" s1 sup1 "$@"
	run "$TA" s2 sup1 "$@"
	if [ "$(rc s1) $(rc s2)" != "0 0" ]; then
		fail "$_n: exit 0 on both" "$(rc s1) $(rc s2); $(head -c 300 "$W/s2.err")"
	elif d=$(python3 "$HERE/jsondiff.py" "$W/s1.out" "$W/s2.out"); then
		ok "$_n: the same JSON from the file and from the copy"
	else
		fail "$_n: the same JSON" "$d"
	fi
}
same "shop list" shop list
same "shop list --sort balance --desc" shop list --sort balance --desc
same "shop list --shortfall" shop list --shortfall
for term in 反斜杠 'a\b' 杭州 S00001 0042 王; do
	same "shop list --search $term" shop list --search "$term"
done
for s in S0000001 S0000007 S0000150 S9000001; do
	same "shop show $s" shop show "$s"
done
same "refund list" refund list
same "provider list" provider list
same "report month 2025-12" report month 2025-12
same "violation list --shop S0000007" violation list --shop S0000007
run "$SRC" s1 sup1 audit log --limit 1000
run "$TA" s2 sup1 audit log --limit 1000
is "audit log: the copy's records after db.copy are the file's, in order" \
	"$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["entries"]; b=json.load(open(sys.argv[2]))["entries"]; print(b[0]["action"], b[1:] == a[:len(b) - 1])' "$W/s1.out" "$W/s2.out")" "db.copy True"

# the copy goes on from where the file stopped
run "$TA" t1 fin1 topup S0000003 100 --ref AFTER-COPY
lmax=$(sqlite3 "$SRC" "SELECT max(id) FROM ledger")
is "a top-up on the copy: exit 0, the next ledger id" "$(rc t1) $(psq bzj_copy_a -c "SELECT max(id) FROM ledger")" "0 $((lmax + 1))"
run "$TA" t2 sup1 shop add S9000002 --name 迁移后新店 --entity company --category 服饰内衣 --opened $D
run "$TA" t3 sup1 shop list --search 迁移后
is "a new shop on the copy: added, its rowid next, found by the search" \
	"$(rc t2) $(psq bzj_copy_a -c "SELECT rowid FROM shop WHERE id = 'S9000002'") $(jq1 t3 'len(d["shops"])')" \
	"0 $(($(sqlite3 "$SRC" "SELECT max(rowid) FROM shop") + 1)) 1"
run "$TA" chk sup1 check
is "bzj check on the copy after those writes: clean" "$(rc chk)" 0 "$(head -c 300 "$W/chk.err")"

# ---- refusals: nothing written -----------------------------------------------------
before=$(state bzj_copy_a)
run "$SRC" r1 sup1 copy --to "$TA"
is "a target that is not new: exit 1 copy.not_empty" "$(rc r1) $(code r1)" "1 copy.not_empty" "$(head -c 300 "$W/r1.err")"
is "  and the target unchanged" "$(state bzj_copy_a)" "$before"
run "$SRC" r2 sup1 copy --to "$W/other.db"
is "a file as the target: exit 2 copy.kind, no file made" "$(rc r2) $(code r2) $(test -e "$W/other.db" && echo made)" "2 copy.kind "
run "$TA" r3 sup1 copy --to "$(uri bzj_copy_new)"
is "a PostgreSQL source: exit 2 copy.kind" "$(rc r3) $(code r3)" "2 copy.kind"
run "$SRC" r4 sup1 copy
is "no --to: exit 2 input.to" "$(rc r4) $(code r4)" "2 input.to"
new0=$(state bzj_copy_new)
run "$SRC" r5 fin1 copy --to "$(uri bzj_copy_new)"
is "finance may not copy: exit 4" "$(rc r5) $(code r5)" "4 auth.role"
psq postgres -c "DROP ROLE IF EXISTS bzj_copy_app" -c "CREATE ROLE bzj_copy_app LOGIN IN ROLE bzj" >/dev/null 2>&1
run "$SRC" r6 sup1 copy --to "$(uri bzj_copy_new bzj_copy_app)"
is "a login that does not own the tables: exit 4 copy.owner" "$(rc r6) $(code r6)" "4 copy.owner" "$(head -c 300 "$W/r6.err")"
is "  the new database still as bzj init left it" "$(state bzj_copy_new)" "$new0"
BAD=$W/bad.db
cp "$SRC" "$BAD"
sqlite3 "$BAD" "DROP TRIGGER seal_shop_au; UPDATE shop SET balance_fen = balance_fen + 100 WHERE id = 'S0000002'"
run "$BAD" r7 sup1 copy --to "$(uri bzj_copy_new)"
is "a source that fails bzj check: exit 1 copy.source_check" "$(rc r7) $(code r7)" "1 copy.source_check" "$(head -c 300 "$W/r7.err")"
grep -q 'check.balance' "$W/r7.err" && ok "  its problems named (check.balance)" || fail "  its problems named" "$(head -c 400 "$W/r7.err")"
is "  the target still as bzj init left it" "$(state bzj_copy_new)" "$new0"

# ---- killed or interrupted while it sends rows ------------------------------------------
BIG=$W/big.db
runb "$REL" "$BIG" mkbig demo demo --shops 20000 --seed 3
# kill SIG: start the copy, wait until the server runs its COPY, signal it
killed() {
	_sig=$1
	BZJ_USER=sup1 "$REL" --config "$CONF" --db "$BIG" --today "$D" copy --to "$(uri bzj_copy_new)" \
		>"$W/k.out" 2>"$W/k.err" &
	BGPID=$!
	_seen=0
	for _i in $(seq 1 600); do
		if [ "$(psq postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'bzj_copy_new'
			AND query LIKE 'COPY %' AND pid <> pg_backend_pid()")" != 0 ]; then
			_seen=1
			break
		fi
		kill -0 "$BGPID" 2>/dev/null || break
		sleep 0.05
	done
	kill -"$_sig" "$BGPID" 2>/dev/null
	wait "$BGPID" 2>/dev/null
	_krc=$?
	BGPID=
	echo "$_seen $_krc"
}
set -- $(killed KILL)
is "SIGKILL while the rows go: killed during the copy" "$1 $2" "1 137"
sleep 0.5 # the server ends the dead client's session and rolls back
is "  the target as bzj init left it" "$(state bzj_copy_new)" "$new0"
set -- $(killed INT)
is "SIGINT while the rows go: exit 130" "$1 $2" "1 130" "$(head -c 300 "$W/k.err")"
grep -q 'nothing was written' "$W/k.err" && ok "  it says nothing was written" || fail "  it says nothing was written" "$(head -c 300 "$W/k.err")"
is "  the target as bzj init left it" "$(state bzj_copy_new)" "$new0"
runb "$REL" "$BIG" big sup1 copy --to "$(uri bzj_copy_new)"
is "then the copy: exit 0, check clean on 20,000 shops" "$(rc big) $(jq1 big 'd["ok"], d["shops"]')" "0 True 20000" "$(head -c 300 "$W/big.err")"
SEQB=$(sqlite3 "$BIG" "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_seq'")
if python3 "$HERE/tablecmp.py" "$BIG" "$(uri bzj_copy_new)" "$SEQB" >"$W/cmp2.txt" 2>&1; then
	ok "  every table row for row ($(grep -c '^same' "$W/cmp2.txt") tables)"
else
	fail "  every table row for row" "$(grep -v '^same' "$W/cmp2.txt" | head -c 800)"
fi

psq postgres -c "DROP DATABASE IF EXISTS bzj_copy_a" -c "DROP DATABASE IF EXISTS bzj_copy_new" \
	-c "DROP ROLE IF EXISTS bzj_copy_app" >/dev/null 2>&1
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
