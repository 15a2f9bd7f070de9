#!/bin/sh
# tests/stress/run.sh BIN short|long
#
# Many operators at once on one database.  8 concurrent writer processes
# (each a loop of `bzj` command-line calls as a reviewer, finance or
# supervisor: approving, paying, topping up with unique --ref values,
# recording/deducting/resolving violations, ticking closure checklists,
# submitting refunds, recording GMV), a `deposit recompute` loop and a
# reader running `bzj check` and `bzj audit verify` while the writers work,
# all for a bounded time on one demo database.  Every call is logged with
# its exit status and JSON; afterwards the logs are loaded into SQLite next
# to the database and checked:
#   - `bzj check` exit 0 and `bzj audit verify` ok (also during the run);
#   - zero lost updates: every acknowledged top-up ref is in the ledger
#     once, with its amount; every acknowledged approval, payment, checklist
#     tick, submission and violation is in the refund / violation row; the
#     audit log holds exactly one record per acknowledged action and none
#     for a refused one;
#   - zero unexpected errors: exits other than 0, 1 (rule refusal) and 5
#     (busy) fail, as do sanitizer reports, crashes, timeouts, a raw
#     "database is locked" and rule refusals that come from a database
#     constraint instead of a rule;  busy exits are counted and printed;
#   - two processes approving (and paying) the same refund at the same
#     moment: exactly one succeeds, the other exits 1 refund.state naming
#     who acted and the status; a stale --version exits 5 conflict.stale.
# short (make check) runs the writers ~8 s on 400 shops; long (make stress)
# ~150 s on 2000 shops.  STRESS_SECONDS overrides the writer time.
# STRESS_BACKEND=pg STRESS_DB=postgresql://... runs the same on an empty
# PostgreSQL database (tests/pg/run.sh makes one, issue 16): psql answers
# the setup's queries, and once the writers stop the tables the checks read
# (ledger, refund, violation, audit) are copied into an SQLite file, NULLs
# kept, so that every check below is the same SQL on either backend.
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
set -u

BIN=${1:?usage: tests/stress/run.sh BIN short|long}
MODE=${2:-short}
case "$BIN" in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "stress: $BIN is not executable" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "stress: needs the sqlite3 shell" >&2; exit 2; }

case "$MODE" in
short) SHOPS=300 SECS=${STRESS_SECONDS:-7} SETUP_REFUNDS=24 RACES=4 ;;
long) SHOPS=2000 SECS=${STRESS_SECONDS:-150} SETUP_REFUNDS=200 RACES=40 ;;
*) echo "stress: mode is short or long" >&2; exit 2 ;;
esac
SEED=${STRESS_SEED:-20261123}
TODAY=2026-11-23
SETUP_DAY=2026-11-20 # refunds submitted then are in their payout window today
CONF=$PWD/data/demo.conf
CALL_TIMEOUT=60

T=$(mktemp -d "${TMPDIR:-/tmp}/bzj-stress.XXXXXX") || exit 2
DB=$T/stress.db
BACKEND=${STRESS_BACKEND:-sqlite}
case $BACKEND in
sqlite) ;;
pg)
	DB=${STRESS_DB:?stress: STRESS_BACKEND=pg needs STRESS_DB, an empty PostgreSQL database}
	command -v psql >/dev/null || { echo "stress: STRESS_BACKEND=pg needs psql" >&2; exit 2; }
	;;
*) echo "stress: STRESS_BACKEND is sqlite or pg, not $BACKEND" >&2; exit 2 ;;
esac
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "stress: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sanitizer reports get their own exit codes (1 means "refused" to bzj).
# Leak checking at every exit doubles the cost of a call; the unit and e2e
# tests cover leaks.  Set ASAN_OPTIONS=detect_leaks=1 to have it here too.
export ASAN_OPTIONS="exitcode=86:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=87:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="exitcode=88${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_USER

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check_case() { # name condition-exit-status detail
	if [ "$2" = 0 ]; then ok "$1"; else bad "$1${3:+: $3}"; fi
}
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

bzj() { # USER DAY args... -> stdout; stderr appended to $ERRF
	local user=$1 day=$2
	shift 2
	BZJ_USER=$user timeout -s KILL "$CALL_TIMEOUT" "$BIN" --config "$CONF" --db "$DB" \
		--today "$day" --json "$@" 2>>"${ERRF:-$T/main.err}"
}
if [ "$BACKEND" = pg ]; then
	q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
else
	q() { sqlite3 -batch -noheader "$DB" "$@"; }
fi
# snapshot FILE: PostgreSQL's tables that the checks read, into an SQLite
# file (typed as integer or text, NULL kept: quote_nullable)
snapshot() {
	local t cols vals
	for t in ledger refund violation audit; do
		cols=$(q "SELECT string_agg(quote_ident(column_name) || CASE WHEN data_type IN ('bigint', 'integer', 'smallint') THEN ' INTEGER' ELSE ' TEXT' END, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '$t'") || return 1
		vals=$(q "SELECT string_agg('quote_nullable(' || quote_ident(column_name) || ')', ' || '','' || ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '$t'") || return 1
		[ -n "$cols" ] || { echo "no table $t" >&2; return 1; }
		{
			echo "BEGIN; CREATE TABLE $t($cols);"
			q "SELECT 'INSERT INTO $t VALUES(' || $vals || ');' FROM $t" || return 1
			echo "COMMIT;"
		} | sqlite3 -batch "$1" || return 1
	done
}

START=$(now_ms)
# ---- setup ------------------------------------------------------------------
ERRF=$T/setup.err
if ! bzj demo "$TODAY" demo --shops "$SHOPS" --seed 7 >/dev/null; then
	bad "setup: bzj demo --shops $SHOPS failed: $(tail -n 3 "$T/setup.err")"
	echo "$pass passed, $fail failed"
	exit 1
fi

# More refunds to work on: partial refunds submitted three days ago by sup1
# on open shops with something refundable, a valid payee and no refund in
# progress; a few get a top-up first and ask for more than the
# second-approval threshold (50,000 yuan).  The next shops on the list are
# kept for the races below.
bzj cs1 "$SETUP_DAY" shop list --status open --limit 0 >"$T/shops.json"
sqlite3 -batch -noheader :memory: "
SELECT json_extract(value,'\$.id') || ' ' || min(json_extract(value,'\$.refundable_fen'),
  20000 + abs(random()) % 300000)
FROM json_each(readfile('$T/shops.json'), '\$.shops')
WHERE json_extract(value,'\$.refundable_fen') > 20000
  AND json_extract(value,'\$.refund_in_progress') IS NULL
  AND json_extract(value,'\$.payee.valid') = 1
ORDER BY random() LIMIT $((SETUP_REFUNDS + RACES + 3));" >"$T/candidates"
head -n "$SETUP_REFUNDS" "$T/candidates" | awk 'NR % 8 == 1 { $2 = 5000001 + NR * 100; $3 = "big" } 1' \
	>"$T/setup-targets"
tail -n +"$((SETUP_REFUNDS + 1))" "$T/candidates" | cut -d' ' -f1 >"$T/race-shops"
setup_submit() { # lines of "shop fen [big]"
	local s f big
	while read -r s f big; do
		[ -n "$big" ] && bzj fin1 "$SETUP_DAY" topup "$s" 60000 --ref "setup-$s" >/dev/null
		bzj sup1 "$SETUP_DAY" refund submit "$s" --kind partial \
			--amount "$((f / 100)).$(printf %02d $((f % 100)))" >/dev/null
	done
}
split -n l/4 "$T/setup-targets" "$T/st."
for f in "$T"/st.*; do setup_submit <"$f" & done
wait
ERRF=$T/main.err

# Work pools, shared by the writers (appended to as they go).
q "SELECT id FROM refund WHERE status = 1" >"$T/pool.submitted"
q "SELECT id FROM refund WHERE status = 1 AND kind = 2" >"$T/pool.closure"
q "SELECT id FROM refund WHERE status = 2" >"$T/pool.approved"
q "SELECT id FROM refund WHERE status = 2 AND amount_fen > 5000000 AND second_by IS NULL" \
	>"$T/pool.second"
# the writers keep off the shops kept for the races
q "SELECT id FROM shop WHERE status = 1 ORDER BY id" | grep -v -x -F -f "$T/race-shops" >"$T/pool.shops"
: >"$T/pool.refs"
AUDIT0=$(q "SELECT COALESCE(max(seq), 0) FROM audit")
echo "# setup: $SHOPS shops, $(wc -l <"$T/pool.submitted") submitted," \
	"$(wc -l <"$T/pool.approved") approved refunds, audit at $AUDIT0," \
	"$(($(now_ms) - START)) ms"

rc_setup=0
bzj demo "$TODAY" check >/dev/null || rc_setup=$?
check_case "setup: bzj check on the demo database before the run" "$rc_setup"

# ---- writers ----------------------------------------------------------------
pick() { # FILE -> a random line (empty if none)
	local n
	n=$(wc -l <"$1")
	[ "$n" -gt 0 ] && sed -n "$((RANDOM % n + 1))p" "$1"
}
log_call() { # act a1 a2 a3  (uses RC OUT)
	OUT=${OUT//$'\n'/ }
	OUT=${OUT//$'\t'/ }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$WID" "$USER_" "$1" "$2" "$3" "$4" "$RC" \
		"$OUT" >>"$LOG"
}
run() { # act a1 a2 a3 -- bzj args...
	local act=$1 a1=$2 a2=$3 a3=$4
	shift 5
	OUT=$(bzj "$USER_" "$TODAY" "$@")
	RC=$?
	log_call "$act" "$a1" "$a2" "$a3"
}
yuan() { echo "$(($1 / 100)).$(printf %02d $(($1 % 100)))"; }

do_topup() {
	local s fen ref line
	if [ $((RANDOM % 10)) = 0 ] && line=$(pick "$T/pool.refs") && [ -n "$line" ]; then
		read -r ref s fen <<<"$line" # replay someone's ref: must be idempotent
	else
		s=$(pick "$T/pool.shops")
		fen=$((RANDOM % 50000 + 100))
		ref="st-$WID-$N-$RANDOM"
	fi
	run topup "$s" "$fen" "$ref" -- topup "$s" "$(yuan "$fen")" --ref "$ref"
	[ "$RC" = 0 ] && echo "$ref $s $fen" >>"$T/pool.refs"
}
# Second approvals are asked for explicitly where bzj has --second.
SECOND=()
"$BIN" --help 2>&1 | grep -q -- '--second' && SECOND=(--second)
do_approve() {
	local r extra=()
	if [ "$ROLE" = supervisor ] && [ $((RANDOM % 3)) = 0 ]; then
		r=$(pick "$T/pool.second")
		extra=("${SECOND[@]}")
	else
		r=$(pick "$T/pool.submitted")
	fi
	[ -n "$r" ] || return
	run approve "$r" "" "" -- refund approve "$r" "${extra[@]}"
	if [ "$RC" = 0 ]; then
		echo "$r" >>"$T/pool.approved"
		case "$OUT" in *'"needs_second_approval":true'*'"second_approved_by":null'*)
			echo "$r" >>"$T/pool.second" ;;
		esac
	fi
}
do_pay() {
	local r
	r=$(pick "$T/pool.approved")
	[ -n "$r" ] && run pay "$r" "" "" -- refund pay "$r"
}
do_check() {
	local r items=(materials info signatures statements) bits=(1 2 4 8) i
	r=$(pick "$T/pool.closure")
	[ -n "$r" ] || { do_approve; return; }
	i=$((RANDOM % 4))
	run check "$r" "${bits[$i]}" "" -- refund check "$r" "${items[$i]}"
}
do_submit() {
	local s fen
	s=$(pick "$T/pool.shops")
	fen=$(((RANDOM % 300 + 50) * 100))
	run submit "$s" "$fen" "" -- refund submit "$s" --kind partial --amount "$(yuan "$fen")"
	if [ "$RC" = 0 ]; then
		echo "${OUT#*\"id\":}" | { IFS=, read -r id _; echo "$id"; } >>"$T/pool.submitted"
	fi
}
do_violation() {
	local s note="stress $WID-$N" freeze=()
	s=$(pick "$T/pool.shops")
	[ $((RANDOM % 2)) = 0 ] && freeze=(--freeze "$((RANDOM % 200 + 1))")
	run violation "$s" "" "$note" -- violation add "$s" --class A --points 1 \
		--raise "$((RANDOM % 500))" "${freeze[@]}" --note "$note"
	[ "$RC" = 0 ] && VIDS+=("$(echo "$OUT" | tr -dc 0-9)")
}
do_vchange() {
	[ ${#VIDS[@]} -gt 0 ] || { do_violation; return; }
	local v=${VIDS[$((RANDOM % ${#VIDS[@]}))]}
	if [ $((RANDOM % 3)) = 0 ]; then
		run resolve "$v" "" "" -- violation resolve "$v"
	else
		run deduct "$v" 1000 "" -- violation deduct "$v" 10
	fi
}
do_gmv() {
	local s
	s=$(pick "$T/pool.shops")
	run gmv "$s" 2026-10 "" -- gmv "$s" 2026-10 "$((RANDOM * 7)).$((RANDOM % 90 + 10))"
}

writer() { # WID USER ROLE SEED
	WID=$1 USER_=$2 ROLE=$3
	RANDOM=$4
	LOG=$T/w$WID.log ERRF=$T/w$WID.err N=0 VIDS=()
	: >"$LOG"
	while [ "$(now_ms)" -lt "$DEADLINE" ]; do
		N=$((N + 1))
		local d=$((RANDOM % 100))
		case $ROLE in
		reviewer)
			if [ $d -lt 40 ]; then do_approve
			elif [ $d -lt 60 ]; then do_check
			elif [ $d -lt 75 ]; then do_submit
			elif [ $d -lt 90 ]; then do_violation
			else do_vchange; fi ;;
		finance)
			if [ $d -lt 45 ]; then do_pay
			elif [ $d -lt 90 ]; then do_topup
			else do_gmv; fi ;;
		supervisor)
			if [ $d -lt 30 ]; then do_approve
			elif [ $d -lt 50 ]; then do_violation
			elif [ $d -lt 65 ]; then do_vchange
			elif [ $d -lt 85 ]; then do_topup
			else do_pay; fi ;;
		esac
	done
}
recomputer() {
	WID=rc USER_=fin2 ROLE=finance LOG=$T/wrc.log ERRF=$T/wrc.err N=0
	: >"$LOG"
	while [ "$(now_ms)" -lt "$DEADLINE" ]; do
		N=$((N + 1))
		run recompute 2026-11 "" "" -- deposit recompute --month 2026-11
		sleep 0.2
	done
}
reader() { # check and verify while the writers work: each must hold at every moment
	local n=0 rc
	ERRF=$T/reader.err
	: >"$T/reader.log"
	while [ "$(now_ms)" -lt "$DEADLINE" ]; do
		n=$((n + 1))
		OUT=$(bzj cs1 "$TODAY" check 2>>"$ERRF")
		rc=$?
		[ $rc = 0 ] || echo "check $rc ${OUT//$'\n'/ }" >>"$T/reader.log"
		OUT=$(bzj cs1 "$TODAY" audit verify)
		rc=$?
		case "$rc $OUT" in "0 "*'"ok":true'*) ;; *) echo "verify $rc $OUT" >>"$T/reader.log" ;; esac
		OUT=$(bzj cs1 "$TODAY" shop list --shortfall --limit 20)
		rc=$?
		[ $rc = 0 ] || echo "list $rc $OUT" >>"$T/reader.log"
		sleep 0.3
	done
	echo "$n" >"$T/reader.count"
}

DEADLINE=$(($(now_ms) + SECS * 1000))
echo "# writers: 8 + recompute + reader for ${SECS}s"
i=0
for spec in rev1:reviewer rev2:reviewer fin1:finance fin2:finance sup1:supervisor \
	sup2:supervisor rev2:reviewer fin1:finance; do
	i=$((i + 1))
	writer "$i" "${spec%%:*}" "${spec#*:}" $((SEED + i)) &
	PIDS="$PIDS $!"
done
recomputer &
PIDS="$PIDS $!"
reader &
PIDS="$PIDS $!"
wait
PIDS=""
ERRF=$T/main.err
RUN_MS=$(($(now_ms) - DEADLINE + SECS * 1000))

# ---- what the writers saw -------------------------------------------------------
A=$T/acks.db
cat "$T"/w*.log >"$T/all.log"
ATT=$DB
if [ "$BACKEND" = pg ]; then
	ATT=$T/pg.db
	snapshot "$ATT" 2>"$T/snap.err" || bad "copying PostgreSQL's tables for the checks: $(head -c 400 "$T/snap.err")"
fi
sqlite3 -batch "$A" "CREATE TABLE acks(wid, user, act, a1, a2, a3, rc INTEGER, out);" \
	".mode tabs" ".import $T/all.log acks" \
	"ATTACH '$ATT' AS b;" >/dev/null 2>"$T/import.err" || bad "loading the logs: $(cat "$T/import.err")"
aq() { sqlite3 -batch -noheader "$A" "ATTACH 'file:$ATT?mode=ro' AS b;" "$@"; }
total=$(aq "SELECT count(*) FROM acks")
echo "# ran $total calls in ${RUN_MS} ms; exit statuses:" \
	"$(aq "SELECT group_concat(rc || ':' || n, ' ') FROM (SELECT rc, count(*) n FROM acks GROUP BY rc)")"
echo "# acknowledged:" \
	"$(aq "SELECT group_concat(act || '=' || n, ' ') FROM (SELECT act, count(*) n FROM acks WHERE rc = 0 GROUP BY act)")"
echo "# refusals (exit 1):" \
	"$(aq "SELECT group_concat(c || '=' || n, ' ') FROM (SELECT json_extract(out,'\$.error.code') c, count(*) n FROM acks WHERE rc = 1 GROUP BY c ORDER BY n DESC)")"
busy=$(aq "SELECT count(*) FROM acks WHERE rc = 5")
echo "# busy (exit 5): $busy of $total calls" \
	"($(aq "SELECT group_concat(c || '=' || n, ' ') FROM (SELECT json_extract(out,'\$.error.code') c, count(*) n FROM acks WHERE rc = 5 GROUP BY c)"))"

# Progress: on a loaded machine a sanitized call can take a second or two;
# ask only that every writer got calls through.
[ "$total" -ge 8 ] && [ "$(aq "SELECT count(DISTINCT wid) FROM acks WHERE wid <> 'rc'")" = 8 ]
check_case "every writer made progress ($total calls)" $?

n=$(aq "SELECT count(*) FROM acks WHERE rc NOT IN (0, 1, 5)")
check_case "no exit other than 0, 1 and 5" "$([ "$n" = 0 ]; echo $?)" \
	"$n calls: $(aq "SELECT group_concat(act || ' ' || a1 || ' rc=' || rc || ' ' || substr(out, 1, 160), ' | ') FROM (SELECT * FROM acks WHERE rc NOT IN (0,1,5) LIMIT 5)")"

n=$(aq "SELECT count(*) FROM acks WHERE rc IN (1, 5) AND (json_valid(out) = 0 OR json_extract(out,'\$.error.code') IS NULL)")
check_case "every refusal is one JSON document with an error code" "$([ "$n" = 0 ]; echo $?)" "$n without"

n=$(aq "SELECT count(*) FROM acks WHERE rc = 0 AND json_valid(out) = 0")
check_case "every success printed one JSON document" "$([ "$n" = 0 ]; echo $?)" "$n invalid"

n=$(aq "SELECT count(*) FROM acks WHERE rc = 1 AND json_extract(out,'\$.error.code') LIKE 'store.%'")
check_case "no refusal comes from a database constraint (store.*)" "$([ "$n" = 0 ]; echo $?)" \
	"$n: $(aq "SELECT group_concat(act || ' ' || a1 || ': ' || json_extract(out,'\$.error.message'), ' | ') FROM (SELECT * FROM acks WHERE rc = 1 AND json_extract(out,'\$.error.code') LIKE 'store.%' LIMIT 3)")"

n=$(aq "SELECT count(*) FROM acks WHERE rc = 5 AND json_extract(out,'\$.error.code') <> 'store.busy'")
check_case "exit 5 only for busy (no --version was given, so never conflict.stale)" \
	"$([ "$n" = 0 ]; echo $?)" "$n: $(aq "SELECT group_concat(act || ' ' || a1 || ': ' || out, ' | ') FROM (SELECT * FROM acks WHERE rc = 5 AND json_extract(out,'\$.error.code') <> 'store.busy' LIMIT 3)")"

# busy should be rare: at most 1% of the calls (and never in short mode
# with this little contention, but timing varies: allow the 1%)
[ $((busy * 100)) -le "$total" ]
check_case "busy exits are rare ($busy of $total)" $?

n=$(aq "SELECT count(*) FROM acks WHERE rc = 1 AND json_extract(out,'\$.error.code') = 'refund.state'
  AND NOT (json_extract(out,'\$.error.message') GLOB '*[a-z][a-z][a-z][0-9]*'
       AND (json_extract(out,'\$.error.message') LIKE '%approved%' OR json_extract(out,'\$.error.message') LIKE '%paid%'
         OR json_extract(out,'\$.error.message') LIKE '%failed%' OR json_extract(out,'\$.error.message') LIKE '%rejected%'
         OR json_extract(out,'\$.error.message') LIKE '%cancelled%' OR json_extract(out,'\$.error.message') LIKE '%submitted%'))")
check_case "every refund.state refusal names who acted and the status" "$([ "$n" = 0 ]; echo $?)" \
	"$n, e.g. $(aq "SELECT json_extract(out,'\$.error.message') FROM acks WHERE rc = 1 AND json_extract(out,'\$.error.code') = 'refund.state' AND NOT json_extract(out,'\$.error.message') GLOB '*[a-z][a-z][a-z][0-9]*' LIMIT 1")"

crash=$(cat "$T"/*.err 2>/dev/null | grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer|Segmentation|Aborted|core dumped')
check_case "no sanitizer report or crash on stderr" "$([ "$crash" = 0 ]; echo $?)" \
	"$(cat "$T"/*.err | grep -m 3 -E 'Sanitizer|runtime error:')"
locked=$(cat "$T"/*.err "$T"/all.log 2>/dev/null | grep -c -i 'database is locked\|database table is locked\|SQLITE_BUSY')
check_case "\"database is locked\" never surfaces" "$([ "$locked" = 0 ]; echo $?)" \
	"$(cat "$T"/*.err "$T"/all.log | grep -m 2 -i 'locked')"

# ---- lost updates ---------------------------------------------------------------
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'topup' AND rc = 0 AND NOT EXISTS
  (SELECT 1 FROM b.ledger l WHERE l.ref = a.a3 AND l.id = json_extract(a.out,'\$.id')
     AND l.kind = 1 AND l.shop_id = a.a1 AND l.amount_fen = CAST(a.a2 AS INTEGER))")
t=$(aq "SELECT count(*) FROM acks WHERE act = 'topup' AND rc = 0")
check_case "every acknowledged top-up ref is in the ledger with its amount ($t)" \
	"$([ "$n" = 0 ] && [ "$t" -gt 0 ]; echo $?)" "$n missing"
n=$(aq "SELECT count(*) FROM (SELECT a3 FROM acks WHERE act = 'topup' AND rc = 0 GROUP BY a3
  HAVING count(DISTINCT json_extract(out,'\$.id')) > 1 OR sum(json_extract(out,'\$.replayed') = 0) <> 1)")
r=$(aq "SELECT count(*) FROM acks WHERE act = 'topup' AND rc = 0 AND json_extract(out,'\$.replayed') = 1")
check_case "a replayed ref names the first entry and is recorded once ($r replays)" \
	"$([ "$n" = 0 ]; echo $?)" "$n refs recorded twice or answered with different ids"
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'approve' AND rc = 0 AND NOT EXISTS
  (SELECT 1 FROM b.refund r WHERE r.id = CAST(a.a1 AS INTEGER)
     AND (r.approved_by = a.user OR r.second_by = a.user) AND r.status IN (2, 3, 6))")
t=$(aq "SELECT count(*) FROM acks WHERE act = 'approve' AND rc = 0")
check_case "every acknowledged approval is in its refund ($t)" "$([ "$n" = 0 ] && [ "$t" -gt 0 ]; echo $?)" "$n lost"
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'pay' AND rc = 0 AND NOT EXISTS
  (SELECT 1 FROM b.refund r WHERE r.id = CAST(a.a1 AS INTEGER) AND r.status = 3 AND r.paid_by = a.user
     AND (SELECT count(*) FROM b.ledger l WHERE l.refund_id = r.id AND l.kind = 4) = 1)")
t=$(aq "SELECT count(*) FROM acks WHERE act = 'pay' AND rc = 0")
check_case "every acknowledged payment is paid once in refund and ledger ($t)" \
	"$([ "$n" = 0 ] && [ "$t" -gt 0 ]; echo $?)" "$n lost"
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'pay' AND rc = 1 AND json_extract(out,'\$.error.code') = 'refund.payout_failed'
  AND NOT EXISTS (SELECT 1 FROM b.refund r WHERE r.id = CAST(a.a1 AS INTEGER) AND r.status = 6)")
check_case "every payout that failed its re-check is recorded as failed" "$([ "$n" = 0 ]; echo $?)" "$n not failed"
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'check' AND rc = 0 AND NOT EXISTS
  (SELECT 1 FROM b.refund r WHERE r.id = CAST(a.a1 AS INTEGER) AND (r.checklist & CAST(a.a2 AS INTEGER)) <> 0)")
t=$(aq "SELECT count(*) FROM acks WHERE act = 'check' AND rc = 0")
check_case "every acknowledged checklist tick is in its refund ($t)" "$([ "$n" = 0 ]; echo $?)" "$n lost"
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'submit' AND rc = 0 AND NOT EXISTS
  (SELECT 1 FROM b.refund r WHERE r.id = json_extract(a.out,'\$.id') AND r.shop_id = a.a1
     AND r.submitted_by = a.user AND r.amount_fen = CAST(a.a2 AS INTEGER))")
t=$(aq "SELECT count(*) FROM acks WHERE act = 'submit' AND rc = 0")
check_case "every acknowledged refund submission is stored ($t)" "$([ "$n" = 0 ]; echo $?)" "$n lost"
n=$(aq "SELECT count(*) FROM acks a WHERE act = 'violation' AND rc = 0 AND NOT EXISTS
  (SELECT 1 FROM b.violation v WHERE v.id = json_extract(a.out,'\$.id') AND v.shop_id = a.a1
     AND v.note = a.a3 AND v.user = a.user)")
t=$(aq "SELECT count(*) FROM acks WHERE act = 'violation' AND rc = 0")
check_case "every acknowledged violation is stored ($t)" "$([ "$n" = 0 ] && [ "$t" -gt 0 ]; echo $?)" "$n lost"

# One audit record per acknowledged action, none for a refused one.
d=$(aq "  SELECT group_concat(user || ' ' || action || ': acked ' || acked || ', audited ' || audited, '; ') FROM (
  SELECT user, action, sum(w) AS acked, sum(h) AS audited FROM
   (SELECT user, CASE act WHEN 'approve' THEN
      CASE WHEN json_extract(out,'\$.second_approved_by') = user THEN 'refund.approve2' ELSE 'refund.approve' END
    WHEN 'pay' THEN CASE rc WHEN 0 THEN 'refund.pay' ELSE 'refund.payout_failed' END
    WHEN 'check' THEN 'refund.check' WHEN 'submit' THEN 'refund.submit'
    WHEN 'violation' THEN 'violation.add' WHEN 'deduct' THEN 'violation.deduct'
    WHEN 'resolve' THEN 'violation.resolve' WHEN 'gmv' THEN 'gmv.set'
    WHEN 'recompute' THEN 'deposit.recompute' WHEN 'topup' THEN 'topup' END AS action, 1 AS w, 0 AS h
    FROM acks WHERE (rc = 0 AND NOT (act = 'topup' AND json_extract(out,'\$.replayed') = 1))
       OR (act = 'pay' AND rc = 1 AND json_extract(out,'\$.error.code') = 'refund.payout_failed')
    UNION ALL
    SELECT user, action, 0, 1 FROM b.audit WHERE seq > $AUDIT0
      AND action NOT IN ('restriction.start', 'restriction.lift'))
  GROUP BY user, action HAVING sum(w) <> sum(h));")
check_case "one audit record per acknowledged action and none for a refused one" \
	"$([ -z "$d" ]; echo $?)" "$d"

# ---- the database afterwards ----------------------------------------------------
out=$(bzj demo "$TODAY" check 2>&1)
check_case "bzj check exits 0 after the run" $? "$(echo "$out" | head -n 5)"
out=$(bzj demo "$TODAY" audit verify 2>&1)
case "$out" in *'"ok":true'*) r=0 ;; *) r=1 ;; esac
check_case "bzj audit verify is ok after the run ($(echo "$out" | tr -dc 0-9) entries)" "$r" "$out"
rn=$(cat "$T/reader.count" 2>/dev/null || echo 0)
check_case "check, audit verify and shop list held during the run ($rn rounds)" \
	"$([ ! -s "$T/reader.log" ] && [ "$rn" -gt 0 ]; echo $?)" "$(head -n 3 "$T/reader.log")"

# ---- the same refund at the same moment ----------------------------------------
# A barrier: both processes block reading a FIFO that this shell holds open
# for writing, and start together when it writes one line for each.
race() { # refund-id action userA userB [extra args] -> sets RA RB OA OB
	local r=$1 act=$2 ua=$3 ub=$4
	shift 4
	rm -f "$T/go"
	mkfifo "$T/go"
	exec 8<>"$T/go"
	(read -r _ <"$T/go"; bzj "$ua" "$TODAY" refund "$act" "$r" "$@" >"$T/ra.out"; echo $? >"$T/ra.rc") &
	(read -r _ <"$T/go"; bzj "$ub" "$TODAY" refund "$act" "$r" "$@" >"$T/rb.out"; echo $? >"$T/rb.rc") &
	sleep 0.1
	printf 'go\ngo\n' >&8
	wait
	exec 8>&-
	RA=$(cat "$T/ra.rc") RB=$(cat "$T/rb.rc") OA=$(cat "$T/ra.out") OB=$(cat "$T/rb.out")
}
race_ok() { # winner-check: exactly one 0; the loser 1 refund.state naming the winner
	local want=$1 loser_out winner
	if [ "$RA" = 0 ] && [ "$RB" = 1 ]; then loser_out=$OB winner=$RWA
	elif [ "$RB" = 0 ] && [ "$RA" = 1 ]; then loser_out=$OA winner=$RWB
	else return 1; fi
	case "$loser_out" in *'"code":"refund.state"'*"$winner"*"$want"* | *'"code":"refund.state"'*"$want"*"$winner"*) return 0 ;; esac
	return 1
}
# fresh refunds for the races: submitted by sup1 three days ago, small
mapfile -t RS <"$T/race-shops"
approve_ok=0 approve_bad="" pay_ok=0 pay_bad="" k=0
for ((k = 0; k < RACES && k < ${#RS[@]}; k++)); do
	out=$(bzj sup1 "$SETUP_DAY" refund submit "${RS[$k]}" --kind partial --amount 100)
	rid=$(echo "${out#*\"id\":}" | cut -d, -f1)
	case "$rid" in
	'' | *[!0-9]*) approve_bad="$approve_bad [submit on ${RS[$k]} failed: ${out:0:120}]"; continue ;;
	esac
	RWA=rev1 RWB=rev2
	race "$rid" approve rev1 rev2
	if race_ok approved; then approve_ok=$((approve_ok + 1)); else approve_bad="$approve_bad [$rid: rev1 $RA $OA / rev2 $RB $OB]"; fi
	RWA=fin1 RWB=fin2
	race "$rid" pay fin1 fin2
	if race_ok paid; then pay_ok=$((pay_ok + 1)); else pay_bad="$pay_bad [$rid: fin1 $RA $OA / fin2 $RB $OB]"; fi
done
check_case "two reviewers approve the same refund at once: one wins, the other exits 1 refund.state naming the winner ($approve_ok of $k)" \
	"$([ -z "$approve_bad" ] && [ "$k" -gt 0 ]; echo $?)" "${approve_bad:0:600}"
check_case "two finance users pay the same refund at once: one wins, the other exits 1 refund.state naming the payer ($pay_ok of $k)" \
	"$([ -z "$pay_bad" ] && [ "$k" -gt 0 ]; echo $?)" "${pay_bad:0:600}"

# Above the second-approval threshold, two reviewers racing: the loser must
# still be told who approved and the status (issue 5), not only that a
# supervisor gives the second approval.
big=${RS[$((${#RS[@]} - 2))]:-}
[ -n "$big" ] && bzj fin1 "$TODAY" topup "$big" 60000 --ref "race-$big" >/dev/null
if [ -n "$big" ]; then
	out=$(bzj sup1 "$TODAY" refund submit "$big" --kind partial --amount 50000.01)
	rid=$(echo "${out#*\"id\":}" | cut -d, -f1)
	RWA=rev1 RWB=rev2
	race "$rid" approve rev1 rev2
	race_ok approved
	check_case "above the threshold, two reviewers approve at once: the loser exits 1 refund.state naming the winner" $? \
		"rev1 exit $RA $OA / rev2 exit $RB $OB"
	# and the supervisors' second approval: sup1 submitted, so sup2 and demo race
	RWA=sup2 RWB=demo
	race "$rid" approve sup2 demo --second
	race_ok approved
	check_case "above the threshold, two supervisors give the second approval at once: one wins, the other exits 1 refund.state naming both approvers" $? \
		"sup2 exit $RA $OA / demo exit $RB $OB"
else
	bad "no shop left for the threshold races"
fi
# Two supervisors approving the same fresh above-threshold refund from the
# same "submitted" screen: one gives the first approval; the other must be
# told, not have the click silently turned into the second approval.
big2=${RS[$((${#RS[@]} - 3))]:-}
if [ -n "$big2" ]; then
	bzj fin1 "$TODAY" topup "$big2" 60000 --ref "race-$big2" >/dev/null
	out=$(bzj rev1 "$TODAY" refund submit "$big2" --kind partial --amount 50000.01)
	rid=$(echo "${out#*\"id\":}" | cut -d, -f1)
	RWA=sup1 RWB=sup2
	race "$rid" approve sup1 sup2
	race_ok approved
	check_case "above the threshold, two supervisors approve a submitted refund at once: one wins, the other exits 1 refund.state naming the winner" $? \
		"sup1 exit $RA $(echo "$OA" | grep -o '"approved_by":[^,]*,"second_approved_by":[^,]*' || echo "$OA") / sup2 exit $RB $(echo "$OB" | grep -o '"approved_by":[^,]*,"second_approved_by":[^,]*' || echo "$OB")"
fi

# A stale screen: the version a user saw is refused once someone else acted.
s=${RS[$((${#RS[@]} - 1))]}
out=$(bzj sup1 "$TODAY" refund submit "$s" --kind partial --amount 100)
rid=$(echo "${out#*\"id\":}" | cut -d, -f1)
v=$(bzj cs1 "$TODAY" refund show "$rid" | sed 's/.*"version":\([0-9]*\).*/\1/')
bzj rev1 "$TODAY" refund reject "$rid" --reason "stale-screen test" >/dev/null
out=$(bzj rev2 "$TODAY" refund approve "$rid" --version "$v")
r=$?
case "$r $out" in "5 "*'"code":"conflict.stale"'*rev1*rejected* | "5 "*'"code":"conflict.stale"'*rejected*rev1*) r=0 ;; esac
check_case "approve --version V after someone else changed the refund exits 5 conflict.stale naming who and the status" \
	"$r" "exit $r $out"
out=$(bzj rev2 "$TODAY" refund show "$rid")
case "$out" in *'"status":"rejected"'*'"approved_by":null'*) r=0 ;; *) r=1 ;; esac
check_case "the stale approval changed nothing" "$r" "$out"

echo "# total $(($(now_ms) - START)) ms"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
