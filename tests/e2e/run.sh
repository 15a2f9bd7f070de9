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

BIN=${1:?usage: run.sh BIN}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CONF=$ROOT/data/demo.conf
JQ=$HERE/jq.py
DATA=$HERE/data

for tool in python3 sqlite3 sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "run.sh: $BIN is not an executable" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/bzj-e2e.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
# A snapshot of the binary: the tree may be rebuilt while the tests run.
cp "$BIN" "$T/bzj" || exit 2
BIN=$T/bzj
# Messages in English whatever the caller's locale; UTF-8 for the names.
export LC_ALL=C.UTF-8
unset LANGUAGE
DB=$T/life.db
PASS=0
FAIL=0
# Sanitizer reports are failures even when the exit status looks right.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
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
	BZJ_USER=$_u "$BIN" --config "$CONF" --db "$DB" --today "$_d" --json "$@" \
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
	BZJ_USER=$_u "$BIN" --config "$CONF" --db "$DB" --today "$_d" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# j EXPR: evaluate EXPR over the last JSON output (d = the document).  One
# python3 process answers every question through a pair of FIFOs.
mkfifo "$T/jq.req" "$T/jq.resp" || exit 2
python3 "$JQ" --serve <"$T/jq.req" >"$T/jq.resp" &
JQ_PID=$!
exec 3>"$T/jq.req" 4<"$T/jq.resp"
trap 'exec 3>&-; wait $JQ_PID 2>/dev/null; rm -rf "$T"' EXIT
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

snap() {
	sqlite3 "$DB" .dump | sha256sum
}

# refused NAME RC CODE USER DATE ARGS...: the command is refused with RC and
# CODE, and the database is byte-for-byte the same afterwards.
refused() {
	_name=$1
	_rc=$2
	_ec=$3
	shift 3
	_h1=$(snap)
	bz "$@"
	_h2=$(snap)
	erc "$_name" "$_rc" "$_ec"
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
for _case in "$HERE"/cases/${E2E_CASES:-*}.sh; do
	[ -f "$_case" ] || continue
	echo "# == $(basename "$_case")"
	. "$_case"
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
