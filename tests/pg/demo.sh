#!/bin/sh
# demo.sh BZJ [REL] - `bzj demo` on PostgreSQL: its bulk path (issue 16,
# docs/store-seam.md, "`bzj demo` on PostgreSQL") against the row-by-row
# path it replaced (BZJ_TEST_DEMO_SLOW=1, the triggers firing for every
# row) and against SQLite, with the same seed:
#  - every table row for row (the seals' seq and MAC included; the audit
#    records without their time and hashes), the identity sequences, the
#    change counter;
#  - the --json output of the demo and of the commands that read what it
#    made (shop list with sorts, filters and searches, shop show, refund,
#    report, provider, audit), field by field, bulk against slow and bulk
#    against SQLite;
#  - `bzj check` and `audit verify` clean, every trigger enabled again, the
#    foreign keys and indexes there (check compares the schema);
#  - the same with an audit key (the MACs keyed, equal on both paths);
#  - bzj's login role, which owns no table, gets the row-by-row path;
#  - a demo interrupted (SIGINT) or killed (SIGKILL) during its load
#    leaves the database empty and valid, and a demo into it then works.
# The server is the one PGHOST/PGPORT/PGUSER name (tests/pg/run.sh starts a
# throw-away one); REL, the release build, runs the large interrupted demos
# (BZJ otherwise).  Prints ok/FAIL lines and "N passed, M failed".
set -u
BIN=${1:?usage: demo.sh BZJ [REL]}
REL=${2:-$BIN}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $REL in /*) ;; *) REL=$(pwd)/$REL ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=$HERE/../../data/demo.conf
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pgdemo.XXXXXX") || exit 2
BGPID=
trap 'if [ -n "$BGPID" ]; then kill -9 "$BGPID" 2>/dev/null; fi; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
. "$HERE/direct.sh"
D=2026-01-05
N=${DEMO_SHOPS:-1000}
SEED=11

# run WHERE TAG CONF USER ARGS...: bzj --json; $W/TAG.out .err .rc
run() {
	_db=$1 _tag=$2 _conf=$3 _u=$4
	shift 4
	BZJ_USER=$_u "$BIN" --config "$_conf" --db "$_db" --today "$D" --json "$@" \
		>"$W/$_tag.out" 2>"$W/$_tag.err"
	echo $? >"$W/$_tag.rc"
}

# cmpjson A B: the JSON of $W/A.out and $W/B.out after masking (the "db"
# field, timestamps), compared field by field; prints the differences
# (jsondiff.py, without its id and message-time masks: same to the id).
cmpjson() {
	python3 "$HERE/jsondiff.py" "$W/$1.out" "$W/$2.out"
}

# three NAME USER ARGS...: the command on the bulk-built database (pb),
# the row-by-row one (ps) and SQLite (sq): exit 0 on all three, no
# sanitizer report, the same JSON.
three() {
	_name=$1 _u=$2
	shift 2
	run "$PB" pb "$CONF" "$_u" "$@"
	run "$PS" ps "$CONF" "$_u" "$@"
	run "$SQ" sq "$CONF" "$_u" "$@"
	_r="$(cat "$W/pb.rc") $(cat "$W/ps.rc") $(cat "$W/sq.rc")"
	if [ "$_r" != "0 0 0" ]; then
		fail "$_name: exit 0 on all three" "bulk, slow, SQLite: $_r; $(head -c 300 "$W/pb.err" | tr '\n' ' ')"
		return 1
	fi
	if grep -q -e 'runtime error:' -e 'Sanitizer' "$W/pb.err" "$W/ps.err" "$W/sq.err"; then
		fail "$_name: sanitizer clean" "$(cat "$W/pb.err" | head -c 600 | tr '\n' ' ')"
		return 1
	fi
	if ! d1=$(cmpjson pb ps); then
		fail "$_name: bulk and row-by-row give the same JSON" "$d1"
	elif ! d2=$(cmpjson pb sq); then
		fail "$_name: bulk on PostgreSQL and SQLite give the same JSON" "$d2"
	else
		ok "$_name: the same JSON, bulk, row by row and SQLite"
	fi
}

# tables A B WHAT: every table of database A against B, rows sorted; the
# audit records without their time and hash chain (the time differs), the
# change counter's session name aside.  One check per table.
tables() {
	_a=$1 _b=$2 _what=$3 _n=0
	for _t in $(psq "$_a" -c "SELECT relname FROM pg_class WHERE relkind = 'r'
		AND relnamespace = CAST(current_schema() AS regnamespace) ORDER BY 1"); do
		case $_t in
		bzj_dv) _q="SELECT n, handover FROM bzj_dv" ;;
		audit) _q="SELECT seq, day, \"user\", role, action, object, shop_id, before, after, reason FROM audit" ;;
		*) _q="SELECT * FROM $_t" ;;
		esac
		psq "$_a" -c "$_q" 2>&1 | LC_ALL=C sort >"$W/ta"
		psq "$_b" -c "$_q" 2>&1 | LC_ALL=C sort >"$W/tb"
		if cmp -s "$W/ta" "$W/tb"; then
			_n=$((_n + 1))
		else
			fail "$_what: table $_t row for row" "$(wc -l <"$W/ta") vs $(wc -l <"$W/tb") rows; $(diff "$W/ta" "$W/tb" | head -4 | tr '\n' ' ' | head -c 400)"
		fi
	done
	[ "$_n" -ge 40 ] && ok "$_what: $_n tables equal row for row (seals, newbie, bigrams, counts)" ||
		fail "$_what: the tables compared" "only $_n equal"
	_qs="SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1"
	if [ "$(psq "$_a" -c "$_qs")" = "$(psq "$_b" -c "$_qs")" ] && [ -n "$(psq "$_a" -c "$_qs")" ]; then
		ok "$_what: the identity sequences stand where the row-by-row demo left them"
	else
		fail "$_what: the identity sequences" "$(psq "$_a" -c "$_qs" | tr '\n' ' ') vs $(psq "$_b" -c "$_qs" | tr '\n' ' ')"
	fi
}

# sane DB WHAT: every user trigger enabled, the foreign keys all there
# (as many as in a fresh database), `bzj check` and `audit verify` clean.
sane() {
	_sdb=$1 _swhat=$2
	_off=$(psq "$_sdb" -c "SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		WHERE NOT g.tgisinternal AND g.tgenabled <> 'O'
		AND c.relnamespace = CAST(current_schema() AS regnamespace)")
	_fk=$(psq "$_sdb" -c "SELECT count(*) FROM pg_constraint WHERE contype = 'f'
		AND connamespace = CAST(current_schema() AS regnamespace)")
	_ix=$(psq "$_sdb" -c "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()")
	[ "$_off" = 0 ] && [ "$_fk" = "$FK0" ] && [ "$_ix" = "$IX0" ] &&
		ok "$_swhat: every trigger enabled, $_fk foreign keys and $_ix indexes as in a new database" ||
		fail "$_swhat: triggers, foreign keys, indexes" "$_off disabled, $_fk foreign keys (want $FK0), $_ix indexes (want $IX0)"
	run "$(uri "$_sdb")" chk "${3:-$CONF}" demo check
	if [ "$(cat "$W/chk.rc")" = 0 ] && grep -q '"ok":true' "$W/chk.out"; then
		ok "$_swhat: bzj check clean"
	else
		fail "$_swhat: bzj check clean" "exit $(cat "$W/chk.rc"): $(head -c 600 "$W/chk.out" "$W/chk.err" | tr '\n' ' ')"
	fi
	run "$(uri "$_sdb")" chk "${3:-$CONF}" demo audit verify
	[ "$(cat "$W/chk.rc")" = 0 ] && ok "$_swhat: audit verify clean" ||
		fail "$_swhat: audit verify clean" "exit $(cat "$W/chk.rc"): $(head -c 300 "$W/chk.err")"
}

# ---- the reference counts of a new database -------------------------------
newdb bzj_demo_new
run "$(uri bzj_demo_new)" init "$CONF" demo init
FK0=$(psq bzj_demo_new -c "SELECT count(*) FROM pg_constraint WHERE contype = 'f'
	AND connamespace = CAST(current_schema() AS regnamespace)")
IX0=$(psq bzj_demo_new -c "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()")
[ "$(cat "$W/init.rc")" = 0 ] && [ "${FK0:-0}" -gt 10 ] && [ "${IX0:-0}" -gt 50 ] &&
	ok "a new database: $FK0 foreign keys, $IX0 indexes" ||
	fail "a new database" "exit $(cat "$W/init.rc"), $FK0 foreign keys, $IX0 indexes; $(head -c 300 "$W/init.err")"

# ---- the same demo three ways ------------------------------------------------
newdb bzj_demo_bulk
newdb bzj_demo_slow
PB=$(uri bzj_demo_bulk)
PS=$(uri bzj_demo_slow)
SQ=$W/demo.db
for db in "$PB" "$PS" "$SQ"; do run "$db" init "$CONF" demo init; done
dv0=$(psq bzj_demo_bulk -c "SELECT n FROM bzj_dv")
run "$PB" pb "$CONF" demo demo --shops "$N" --seed "$SEED"
BZJ_TEST_DEMO_SLOW=1 run "$PS" ps "$CONF" demo demo --shops "$N" --seed "$SEED"
run "$SQ" sq "$CONF" demo demo --shops "$N" --seed "$SEED"
if [ "$(cat "$W/pb.rc") $(cat "$W/ps.rc") $(cat "$W/sq.rc")" = "0 0 0" ] &&
	d=$(cmpjson pb ps) && d=$(cmpjson pb sq); then
	ok "demo --shops $N --seed $SEED: exit 0 and the same figures, bulk, row by row and SQLite"
else
	fail "demo --shops $N three ways" "exit $(cat "$W/pb.rc") $(cat "$W/ps.rc") $(cat "$W/sq.rc"): ${d:-} $(head -c 300 "$W/pb.err")"
fi
# the bulk path was taken (and the slow one not): it drops the plain
# indexes of the demo's tables and makes them again at its end, so there
# the index shop_name is younger (a higher oid) than every table
young="SELECT CASE WHEN 'shop_name'::regclass::oid > (SELECT max(oid) FROM pg_class
	WHERE relkind = 'r' AND relnamespace = CAST(current_schema() AS regnamespace))
	THEN 'rebuilt' ELSE 'original' END"
yb=$(psq bzj_demo_bulk -c "$young")
ys=$(psq bzj_demo_slow -c "$young")
[ "$yb" = rebuilt ] && [ "$ys" = original ] &&
	ok "the bulk path built bzj_demo_bulk (its indexes made again), the row-by-row path bzj_demo_slow" ||
	fail "which path built which" "bulk: $yb, slow: $ys"
tables bzj_demo_bulk bzj_demo_slow "bulk against row by row"
dv1=$(psq bzj_demo_bulk -c "SELECT n FROM bzj_dv")
[ "${dv1:-0}" -gt "${dv0:-0}" ] && ok "the change counter moved ($dv0 -> $dv1), as after the row-by-row demo" ||
	fail "the change counter moved" "$dv0 -> $dv1"
sane bzj_demo_bulk "the bulk demo"

three "shop list" demo shop list
three "shop list --sort balance --desc" demo shop list --sort balance --desc
three "shop list --sort required --limit 20" demo shop list --sort required --limit 20
three "shop list --shortfall" demo shop list --shortfall
three "shop list --status closed" demo shop list --status closed
for term in 杭州 云裳服饰 王伟 小店 S00001 0042 ab; do
	three "shop list --search $term" demo shop list --search "$term"
done
for s in S0000001 S0000002 S0000097 S0000500 "S$(printf %07d "$N")"; do
	three "shop show $s" demo shop show "$s"
done
three "refund list" demo refund list
three "refund list --status approved" demo refund list --status approved
three "report month 2025-12" demo report month 2025-12
three "report queue" demo report queue
three "report breaches" demo report breaches
three "provider list" demo provider list
three "provider show P00001" demo provider show P00001
three "audit log --limit 5" demo audit log --limit 5

# ---- an audit key ----------------------------------------------------------
mkdir -p "$W/key" && chmod 700 "$W/key"
KCONF=$W/key/bzj.conf
{ cat "$CONF"; echo "audit_key = \"$W/key/audit.key\";"; } >"$KCONF"
newdb bzj_demo_kbulk
newdb bzj_demo_kslow
run "$(uri bzj_demo_kbulk)" kinit "$KCONF" demo init
run "$(uri bzj_demo_kslow)" kinit2 "$KCONF" demo init
run "$(uri bzj_demo_kbulk)" kb "$KCONF" demo demo --shops 300 --seed "$SEED"
BZJ_TEST_DEMO_SLOW=1 run "$(uri bzj_demo_kslow)" ks "$KCONF" demo demo --shops 300 --seed "$SEED"
[ "$(cat "$W/kinit.rc") $(cat "$W/kb.rc") $(cat "$W/ks.rc")" = "0 0 0" ] && [ -s "$W/key/audit.key" ] &&
	ok "keyed: demo --shops 300 both ways" ||
	fail "keyed: demo both ways" "exit $(cat "$W/kinit.rc") $(cat "$W/kb.rc") $(cat "$W/ks.rc"); $(head -c 300 "$W/kb.err")"
tables bzj_demo_kbulk bzj_demo_kslow "keyed, bulk against row by row"
sane bzj_demo_kbulk "keyed, the bulk demo" "$KCONF"
# the MACs are keyed: a shop's seal is not the plain SHA-256 of its
# message (store_seal.c: each value typed, then 0x1F), which it is in the
# unkeyed database (the formula below is right there)
plain="SELECT count(*) FILTER (WHERE encode(sha256(convert_to('Tshop' || chr(31) || 'T' || t.id
	|| chr(31) || 'I' || s.seq || chr(31) || 'I' || t.entity || chr(31) || 'I' || t.status
	|| chr(31) || 'I' || t.opened || chr(31) || COALESCE('I' || t.closed, 'N') || chr(31)
	|| 'I' || t.balance_fen || chr(31) || 'I' || t.frozen_fen || chr(31) || 'I'
	|| t.unsettled_fen || chr(31) || 'I' || t.owed_fen || chr(31) || 'I' || t.terminate
	|| chr(31), 'UTF8')), 'hex') = s.mac) || '/' || count(*)
	FROM shop t JOIN seal s ON s.tbl = 'shop' AND s.rid = t.id"
p0=$(psq bzj_demo_bulk -c "$plain")
p1=$(psq bzj_demo_kbulk -c "$plain")
[ "$p0" = "$N/$N" ] && [ "$p1" = "0/300" ] &&
	ok "keyed: no shop seal is the plain hash of its row (0/300); unkeyed, all are ($p0)" ||
	fail "keyed: the seals use the key" "plain hashes: unkeyed $p0, keyed $p1"

# ---- not the schema's owner: row by row --------------------------------------
# bzj's own login (a member of the group role bzj, owning nothing) may not
# ALTER the tables: the demo takes the row-by-row path, and it is whole.
newdb bzj_demo_app
run "$(uri bzj_demo_app)" ainit "$CONF" demo init
psq postgres -c "DROP ROLE IF EXISTS bzj_demo_app" -c "CREATE ROLE bzj_demo_app LOGIN IN ROLE bzj" >/dev/null 2>&1
AURI=$(printf 'postgresql://bzj_demo_app@/bzj_demo_app?host=%s&port=%s' "$ENC" "${PGPORT:-5432}")
run "$AURI" app "$CONF" demo demo --shops 60 --seed "$SEED"
ya=$(psq bzj_demo_app -c "$young")
na=$(psq bzj_demo_app -c "SELECT count(*) FROM shop")
[ "$(cat "$W/app.rc")" = 0 ] && [ "$ya" = original ] && [ "$na" = 60 ] &&
	ok "not the owner (bzj's login role): demo --shops 60 row by row, the schema untouched" ||
	fail "demo as bzj's login role" "exit $(cat "$W/app.rc"), indexes $ya, $na shops; $(head -c 300 "$W/app.err")"
sane bzj_demo_app "not the owner"

# ---- interrupted and killed during the load -------------------------------
# wait_load DB: until the demo holds the lock its ALTER TABLE ... DISABLE
# TRIGGER takes on shop (its bulk load has begun); 1 if not within 60 s
wait_load() {
	_i=0
	while [ $_i -lt 600 ]; do
		[ -n "$(psq "$1" -c "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = 'shop' AND l.mode = 'ShareRowExclusiveLock' AND l.granted" 2>/dev/null)" ] &&
			return 0
		kill -0 "$BGPID" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# gone DB: until no connection to DB is left (the server has rolled back)
gone() {
	_i=0
	while [ $_i -lt 300 ]; do
		[ "$(psq postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1'")" = 0 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
for sig in INT KILL; do
	db=bzj_demo_$(echo "$sig" | tr 'A-Z' 'a-z')
	newdb "$db"
	BZJ_USER=demo "$BIN" --config "$CONF" --db "$(uri "$db")" --today "$D" init >/dev/null 2>&1
	BZJ_USER=demo "$REL" --config "$CONF" --db "$(uri "$db")" --today "$D" --json demo --shops 400000 \
		>"$W/$sig.out" 2>"$W/$sig.err" &
	BGPID=$!
	if wait_load "$db"; then
		sleep 1
		kill -"$sig" "$BGPID" 2>/dev/null
		wait "$BGPID"
		rc=$?
		BGPID=
		gone "$db"
		n=$(psq "$db" -c "SELECT count(*) FROM shop")
		g=$(psq "$db" -c "SELECT count(*) FROM shop_gram")
		want=130 # the command line's exit for an interrupted command
		[ "$sig" = KILL ] && want=137
		if [ "$rc" = "$want" ] && [ "$n" = 0 ] && [ "$g" = 0 ]; then
			ok "demo stopped by SIG$sig during its load (exit $rc): rolled back, no shop, no bigram"
		else
			fail "demo stopped by SIG$sig" "exit $rc (want $want), $n shops, $g bigrams; $(head -c 300 "$W/$sig.err")"
		fi
		[ "$sig" = INT ] && { grep -q '"interrupted"' "$W/$sig.err" "$W/$sig.out" || grep -q 'interrupted' "$W/$sig.err"; } &&
			ok "SIGINT: the demo says it was interrupted and nothing was written" ||
			{ [ "$sig" = KILL ] || fail "SIGINT: its message" "$(head -c 300 "$W/$sig.err")"; }
		sane "$db" "after SIG$sig"
		run "$(uri "$db")" again "$CONF" demo demo --shops 40 --seed 3
		[ "$(cat "$W/again.rc")" = 0 ] && [ "$(psq "$db" -c "SELECT count(*) FROM shop")" = 40 ] &&
			ok "after SIG$sig: a demo into the same database works (40 shops)" ||
			fail "after SIG$sig: demo again" "exit $(cat "$W/again.rc"): $(head -c 300 "$W/again.err")"
		sane "$db" "after SIG$sig and a new demo"
	else
		fail "demo --shops 400000 reached its load (to stop it there)" "$(head -c 300 "$W/$sig.err")"
		kill -9 "$BGPID" 2>/dev/null
		BGPID=
	fi
done

for db in new bulk slow kbulk kslow app int kill; do
	psq postgres -c "DROP DATABASE IF EXISTS bzj_demo_$db" >/dev/null 2>&1
done
psq postgres -c "DROP ROLE IF EXISTS bzj_demo_app" >/dev/null 2>&1
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
