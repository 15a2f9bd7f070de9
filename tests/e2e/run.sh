#!/bin/sh
# run.sh BIN - drive the real bzj binary through a merchant's whole life on a
# temporary database and assert the JSON of every step, the exit codes and
# error codes of refused actions, and that refused actions write nothing.
#
# Dates are driven with --today; identity with BZJ_USER (data/demo.conf sets
# identity = "env": demo/sup1/sup2 supervisor, rev1/rev2 reviewer, fin1/fin2
# finance, cs1/cs2 support).  Each case prints `ok - name` or
# `FAIL - name: details`; the last line is `N passed, M failed`.
#
# POSIX sh; python3 (tests/e2e/jq.py) reads the JSON, sqlite3 dumps the
# database for the "nothing written" checks.
#
# E2E_BACKEND=pg runs the same cases on PostgreSQL (issue 16): every
# database path a case names ($T/NAME.db) becomes a database e2e_NAME of
# its own on a throw-away server (tests/pg/server.sh; the one in PGHOST /
# PGPORT when they are set, else one started here and stopped at the end),
# created empty on first use (an empty database is what a missing file is
# to SQLite).  Cases reach the database only through the helpers below:
# dburi (the --db argument), sq (SQL on either backend), dbcp (a copy),
# tamper (a change behind bzj's back) and snap.  pgskip names what is
# SQLite-only by nature, with its reason, instead of running it.

BIN=${1:?usage: run.sh BIN}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CONF=$ROOT/data/demo.conf
JQ=$HERE/jq.py
DATA=$HERE/data

E2E_BACKEND=${E2E_BACKEND:-sqlite}
case $E2E_BACKEND in
sqlite) _tools="python3 sqlite3 sha256sum" ;;
pg) _tools="python3 sqlite3 sha256sum psql pg_dump" ;;
*) echo "run.sh: E2E_BACKEND is sqlite or pg, not $E2E_BACKEND" >&2; exit 2 ;;
esac
for tool in $_tools; do
	command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "run.sh: $BIN is not an executable" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/bzj-e2e.XXXXXX") || exit 2
# The PostgreSQL backend (tests/pg/backend.sh): pgcmd, dbname, dburi.
PGB_PREFIX=e2e PGB_NAME=run.sh PGB_SERVER=$HERE/../pg/server.sh
. "$HERE/../pg/backend.sh"
cleanup() {
	pgb_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$E2E_BACKEND" = pg ]; then
	pgb_start || exit 2
fi
# A snapshot of the binary: the tree may be rebuilt while the tests run.
cp "$BIN" "$T/bzj" || exit 2
BIN=$T/bzj
# Messages in English whatever the caller's locale; UTF-8 for the names.
export LC_ALL=C.UTF-8
unset LANGUAGE
DB=$T/life.db
PASS=0
FAIL=0
SKIP=0
# Sanitizer reports are failures even when the exit status looks right.
# A pointer to a returned function's stack is caught only with
# detect_stack_use_after_return (store_list.c's trigram FROM was one,
# found by hand; the option costs nothing measurable here).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY

ok() {
	PASS=$((PASS + 1))
	echo "ok - $1"
}

fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $1: $2"
}

# What the last command did, for failure messages.
last() {
	printf '[bzj %s -> rc=%s out=%s err=%s]' "$CMD" "$RC" \
		"$(head -c 400 "$T/out" | tr '\n' ' ')" "$(head -c 300 "$T/err" | tr '\n' ' ')"
}

# bz USER DATE ARGS...: run bzj with --json; sets RC, stdout in $T/out,
# stderr in $T/err.
bz() {
	_u=$1
	_d=$2
	shift 2
	CMD="$*"
	BZJ_USER=$_u "$BIN" --config "$CONF" --db "$(dburi "$DB")" --today "$_d" --json "$@" \
		>"$T/out" 2>"$T/err"
	RC=$?
	if grep -q -e 'runtime error:' -e 'Sanitizer' "$T/err"; then
		fail "sanitizer clean: $CMD" "$(head -c 600 "$T/err" | tr '\n' ' ')"
	fi
}

# bzt: the same without --json (text output).
bzt() {
	_u=$1
	_d=$2
	shift 2
	CMD="$*"
	BZJ_USER=$_u "$BIN" --config "$CONF" --db "$(dburi "$DB")" --today "$_d" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# j EXPR: evaluate EXPR over the last JSON output (d = the document).  One
# python3 process answers every question through a pair of FIFOs.
mkfifo "$T/jq.req" "$T/jq.resp" || exit 2
python3 "$JQ" --serve <"$T/jq.req" >"$T/jq.resp" &
JQ_PID=$!
exec 3>"$T/jq.req" 4<"$T/jq.resp"
trap 'exec 3>&-; wait $JQ_PID 2>/dev/null; cleanup' EXIT
j() {
	printf '%s\n%s\n' "$T/out" "$1" >&3
	IFS= read -r _ans <&4 || _ans="<jq.py died>"
	printf '%s\n' "$_ans"
}

# is NAME ACTUAL EXPECTED
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "got '$2', want '$3' $(last)"
	fi
}

# jis NAME EXPR EXPECTED: a field of the last output.
jis() {
	is "$1" "$(j "$2")" "$3"
}

# erc NAME RC [CODE]: the exit status, and with --json the error code.
erc() {
	_got=$RC
	_code=""
	[ -n "$3" ] && _code=$(sed -n 's/.*"error":{"code":"\([^"]*\)".*/\1/p' "$T/out")
	if [ "$_got" = "$2" ] && [ "$_code" = "${3:-}" ]; then
		ok "$1"
	else
		fail "$1" "want rc=$2 ${3:+code=$3}, got rc=$_got ${3:+code=$_code} $(last)"
	fi
}

# okrc NAME: the command succeeded.
okrc() {
	erc "$1" 0
}

# grepo NAME FILE PATTERN: FILE ($T/out or $T/err) contains the fixed string.
grepo() {
	if grep -q -F -e "$3" "$2"; then
		ok "$1"
	else
		fail "$1" "'$3' not found in $(basename "$2") $(last)"
	fi
}

# pg: true when the cases run on PostgreSQL.
pg() {
	[ "$E2E_BACKEND" = pg ]
}

# pgskip WHAT REASON: WHAT is SQLite-only by nature and not run on
# PostgreSQL; says so (a `skip` line), never silently.
pgskip() {
	SKIP=$((SKIP + 1))
	echo "skip - $1 on PostgreSQL: $2"
}

# slow USER DATE ARGS...: bzj --json on $DB in the background, as the bulk
# cases need it: one row a slice (BZJ_TEST_SLICE_ROWS=1), held at its first
# slice boundary (BZJ_TEST_SLICE_HOLD, core/bulk.c) so a case can look at
# the database while the job is half-way, whatever the machine's load.
# Returns once the job waits there (or has ended).  Its pid is SLOW, its
# output $T/slow.out and $T/slow.err.  slow_at K moves it on to its Kth
# boundary; slow_wait lets it run to the end and waits for it (its exit
# status); kill -9 / kill -INT $SLOW end it where it waits.
slow() {
	_u=$1 _d=$2
	shift 2
	rm -f "$T/slow.hold.held"
	echo 1 >"$T/slow.hold"
	BZJ_TEST_SLICE_ROWS=1 BZJ_TEST_SLICE_HOLD="$T/slow.hold" BZJ_USER=$_u "$BIN" --config "$CONF" \
		--db "$(dburi "$DB")" --today "$_d" --json "$@" >"$T/slow.out" 2>"$T/slow.err" &
	SLOW=$!
	slow_at 1
}
slow_alive() { # not yet ended (a zombie has ended: it only waits for `wait`)
	[ -r "/proc/$SLOW/stat" ] && ! sed 's/.*) //' "/proc/$SLOW/stat" 2>/dev/null | grep -q '^Z'
}
slow_at() {
	echo "$1" >"$T/slow.hold.tmp" && mv "$T/slow.hold.tmp" "$T/slow.hold"
	_i=0
	while [ "$(cat "$T/slow.hold.held" 2>/dev/null)" != "$1" ] && slow_alive; do
		_i=$((_i + 1))
		if [ $_i -gt 3000 ]; then
			echo "run.sh: slow_at $1: the job never got there in 150 s" >&2
			break
		fi
		sleep 0.05
	done
}
slow_wait() {
	rm -f "$T/slow.hold"
	wait $SLOW
}

# sq PATH SQL [PGSQL]: run SQL on the database PATH, rows printed as
# sqlite3 prints them (columns joined by |).  PGSQL, when given, is the
# PostgreSQL spelling of the same question (where SQLite's functions or
# catalog differ); otherwise SQL runs on both.
sq() { pgb_sq "$@"; }

# tamper PATH SQL [PGSQL]: change the database behind bzj's back, as an
# attacker with the file (or the server's superuser) would.  SQL drops the
# triggers in its way on SQLite; on PostgreSQL its DROP TRIGGER statements
# are left out and the session runs with session_replication_role =
# replica instead, which fires no trigger (the guards stay in place for
# the commands after it).
tamper() {
	if pg; then
		sq "$1" "" "SET session_replication_role = replica;
$(printf '%s\n' "${3:-$2}" | sed -E 's/DROP TRIGGER( IF EXISTS)? [A-Za-z0-9_]+;//g')"
	else
		sq "$1" "$2"
	fi
}

# dbcp FROM TO: the database TO becomes a copy of FROM (CREATE DATABASE ...
# TEMPLATE on PostgreSQL).
dbcp() {
	if pg; then
		dburi "$1" >/dev/null
		_n=$(dbname "$2")
		pgcmd psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
			-c "DROP DATABASE IF EXISTS $_n" \
			-c "CREATE DATABASE $_n TEMPLATE $(dbname "$1")" >/dev/null
		: >"$T/.pgdb/$_n"
	else
		cp "$1" "$2"
		if [ -f "$1-wal" ]; then cp "$1-wal" "$2-wal"; fi
	fi
}

# report_sql DB MONTH JSON: tests/e2e/report_sql.py (every figure of a
# monthly statement by plain SQL) on either backend.
report_sql() {
	if pg; then
		dburi "$1" >/dev/null
		pgcmd env E2E_PG_DB="$(dbname "$1")" python3 "$HERE/report_sql.py" "$@"
	else
		python3 "$HERE/report_sql.py" "$@"
	fi
}

# snap: a fingerprint of everything in the database.  On PostgreSQL every
# table's rows (pg_dump --data-only, lines sorted); sequences are left
# out, as PostgreSQL advances a sequence even in a transaction it rolls
# back (nextval is not transactional), which writes no row; so are
# pg_dump's own lines (settings, comments, its random \restrict key) and
# bzj_dv, the counter of committed writing transactions that stands in
# for SQLite's data_version (the file header's change counter, which
# .dump does not show either): a refused import gmv starts its bulk job
# and abandons it, two transactions that leave no row behind.
snap() {
	if pg; then
		# (the rows kept in $T/snap.last: refused shows what changed)
		pgcmd pg_dump --data-only --exclude-table-data=bzj_dv -d "$(dbname "$DB")" | grep -v -e '^SELECT pg_catalog.setval' \
			-e '^--' -e '^SET ' -e '^$' -e '^\\' | sort | tee "$T/snap.last" | sha256sum
	else
		sqlite3 "$DB" .dump | sha256sum
	fi
}

# refused NAME RC CODE USER DATE ARGS...: the command is refused with RC and
# CODE, and the database is byte-for-byte the same afterwards.
refused() {
	_name=$1
	_rc=$2
	_ec=$3
	shift 3
	_h1=$(snap)
	if pg; then mv "$T/snap.last" "$T/snap.before"; fi
	bz "$@"
	_h2=$(snap)
	erc "$_name" "$_rc" "$_ec"
	if pg && [ "$_h2" != "$_h1" ]; then
		echo "# what changed: $(diff "$T/snap.before" "$T/snap.last" | head -c 600 | tr '\n' ' ')"
	fi
	is "$_name: nothing written" "$_h2" "$_h1"
}

# shop S DATE: `shop show` as the supervisor.
shop() {
	bz demo "$2" shop show "$1"
}

SHOP_FIELDS=id,name,entity_name,operator,entity,status,categories,payee,base_fen,floating_fen
SHOP_FIELDS=$SHOP_FIELDS,raises_fen,required_fen,balance_fen,frozen_fen,available_fen
SHOP_FIELDS=$SHOP_FIELDS,refundable_fen,payout_restricted,owed_fen
REFUND_FIELDS=id,shop_id,kind,amount_fen,status,submitted_on,window_start,window_end,overdue
REFUND_FIELDS=$REFUND_FIELDS,checklist,failure_reason,late

# ===========================================================================
# The cases, one file a topic, sourced in name order into this shell so they
# share the helpers above.  E2E_CASES=GLOB runs only the matching files
# (e.g. E2E_CASES='2*' sh tests/e2e/run.sh build/san/bzj).  A case file
# starts from its own database: set DB=$T/NAME.db and `bz demo DATE init`.
# On PostgreSQL a case file that is SQLite-only by nature is skipped
# whole, its reason printed (E2E_PG_SKIP: FILE:REASON lines).
E2E_PG_SKIP="19_startup_libs.sh:it proves the SQLite store starts without libpq loaded"
# Case files that still fail on PostgreSQL (bugs not fixed yet): not run
# there, and named at every run.  Empty when the whole suite passes.
E2E_PG_KNOWN_FAILING=${E2E_PG_KNOWN_FAILING-}
if pg && [ -n "$E2E_PG_KNOWN_FAILING" ]; then
	echo "# known failing on PostgreSQL (not run): $E2E_PG_KNOWN_FAILING"
fi
for _case in "$HERE"/cases/${E2E_CASES:-*}.sh; do
	[ -f "$_case" ] || continue
	echo "# == $(basename "$_case")"
	if pg; then
		_why=$(printf '%s\n' "$E2E_PG_SKIP" | sed -n "s/^$(basename "$_case"):/ /p")
		if [ -n "$_why" ]; then
			pgskip "$(basename "$_case") (whole file)" "$_why"
			continue
		fi
		case " $E2E_PG_KNOWN_FAILING " in
		*" $(basename "$_case") "*)
			echo "# known failing on PostgreSQL: $(basename "$_case") (not run)"
			continue
			;;
		esac
	fi
	. "$_case"
done

if pg; then
	echo "# $SKIP skipped on PostgreSQL (SQLite-only, each named above with its reason)"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
