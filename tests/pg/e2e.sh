#!/bin/sh
# e2e.sh BZJ URI - the first commands end to end on PostgreSQL (issue 16),
# as a user runs them: the same commands against a SQLite file and against
# URI (an empty database on a running server, tests/pg/run.sh starts one),
# their --json output compared field by field and their exit codes equal.
# Masked before comparing, because they legitimately differ: the "db"
# field (the location itself) and ISO timestamps.  Prints ok/FAIL lines
# and "N passed, M failed"; exit 1 on any failure.  BZJ_PG_LOG, when set,
# is the server's log: the retry test then proves the serialisation
# failure happened.
set -u
BIN=${1:?usage: e2e.sh BZJ URI}
URI=${2:?usage: e2e.sh BZJ URI}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=$HERE/../../data/demo.conf
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pge2e.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
SQ=$W/e2e.db
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1: $2"; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY

# run WHERE TAG USER DATE ARGS...: bzj --json on one store; stdout in
# $W/TAG.out, stderr in $W/TAG.err, the exit code in $W/TAG.rc.
run() {
	_db=$1 _tag=$2 _u=$3 _d=$4
	shift 4
	BZJ_USER=$_u "$BIN" --config "$CONF" --db "$_db" --today "$_d" --json "$@" \
		>"$W/$_tag.out" 2>"$W/$_tag.err"
	echo $? >"$W/$_tag.rc"
}

# The JSON of both, compared after masking; prints the differences.
compare() {
	python3 - "$W/sq.out" "$W/pg.out" <<'EOF_PGE2E_PY'
import json, os, re, sys
TS = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
def load(p):
    with open(p, encoding="utf-8") as f:
        return json.load(f)
def mask(x, key=None):
    if isinstance(x, dict):
        return {k: mask(v, k) for k, v in x.items()}
    if isinstance(x, list):
        return [mask(v) for v in x]
    if key == "db" or (key == "id" and os.environ.get("MASK_ID")):
        return "<masked>"
    if isinstance(x, str) and TS.match(x):
        return "<ts>"
    return x
diffs = []
def walk(a, b, p):
    if type(a) != type(b):
        diffs.append("%s: %r (SQLite) vs %r (PostgreSQL)" % (p or "/", a, b))
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                diffs.append("%s/%s: only in %s" % (p, k, "SQLite" if k in a else "PostgreSQL"))
            else:
                walk(a[k], b[k], p + "/" + k)
    elif isinstance(a, list):
        if len(a) != len(b):
            diffs.append("%s: %d items (SQLite) vs %d (PostgreSQL)" % (p or "/", len(a), len(b)))
        for i, (u, v) in enumerate(zip(a, b)):
            walk(u, v, "%s[%d]" % (p, i))
    elif a != b:
        diffs.append("%s: %r (SQLite) vs %r (PostgreSQL)" % (p or "/", a, b))
try:
    a, b = mask(load(sys.argv[1])), mask(load(sys.argv[2]))
except Exception as ex:
    print("not JSON: %s" % ex)
    sys.exit(1)
walk(a, b, "")
print("; ".join(diffs[:8]) + (" (and %d more)" % (len(diffs) - 8) if len(diffs) > 8 else ""))
sys.exit(1 if diffs else 0)
EOF_PGE2E_PY
}

# field TAG EXPR: a value of TAG's JSON (d), printed.
field() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$W/$1.out" "$2" 2>/dev/null
}

# both NAME WANT_RC USER DATE ARGS...: the command on both stores: the
# same exit code (WANT_RC), no sanitizer report, the same JSON.
both() {
	_name=$1 _want=$2
	shift 2
	run "$SQ" sq "$@"
	run "$URI" pg "$@"
	_s=$(cat "$W/sq.rc") _p=$(cat "$W/pg.rc")
	if [ "$_s" != "$_want" ] || [ "$_p" != "$_want" ]; then
		fail "$_name: exit $_want on both" "SQLite $_s, PostgreSQL $_p; $(head -c 300 "$W/pg.err" | tr '\n' ' ')"
		return 1
	fi
	if grep -q -e 'runtime error:' -e 'Sanitizer' "$W/sq.err" "$W/pg.err"; then
		fail "$_name: sanitizer clean" "$(cat "$W/sq.err" "$W/pg.err" | head -c 600 | tr '\n' ' ')"
		return 1
	fi
	if d=$(compare); then
		ok "$_name: exit $_want, the same JSON on SQLite and PostgreSQL"
	else
		fail "$_name: the same JSON" "$d"
		return 1
	fi
}

D=2026-01-05
both "init" 0 demo $D init
[ "$(field pg 'd["schema"]')" = "$(field sq 'd["schema"]')" ] &&
	[ "$(field pg 'd["db"].startswith("postgres")')" = True ] &&
	ok "init: PostgreSQL at the same schema version ($(field pg 'd["schema"]'))" ||
	fail "init: schema version" "$(cat "$W/pg.out")"
both "init again (already current)" 0 demo $D init
both "demo --shops 50" 0 demo $D demo --shops 50
[ "$(field pg 'd["shops"]')" = 50 ] && ok "demo: 50 shops" || fail "demo: 50 shops" "$(cat "$W/pg.out")"
both "shop list" 0 demo $D shop list
[ "$(field pg 'len(d["shops"])')" = 50 ] && ok "shop list: 50 rows" || fail "shop list: 50 rows" "$(head -c 300 "$W/pg.out")"
both "shop list --shortfall" 0 demo $D shop list --shortfall
both "shop list --sort balance --desc" 0 demo $D shop list --sort balance --desc
both "shop list --limit 5 (a page)" 0 demo $D shop list --limit 5
for term in 杨 旗舰 旗舰店 S00000 0001 s0000002; do
	both "shop list --search $term" 0 demo $D shop list --search "$term"
done
both "shop show S0000001" 0 demo $D shop show S0000001
both "shop show S0000002 (before the top-up)" 0 demo $D shop show S0000002
before=$(field pg 'd["balance_fen"]')
both "topup S0000002 100 --ref PGE2E-1" 0 fin1 $D topup S0000002 100 --ref PGE2E-1
[ "$(field pg 'd["balance_fen"]')" = $((before + 10000)) ] &&
	ok "topup: the balance moved by 10000 fen ($before -> $(field pg 'd["balance_fen"]'))" ||
	fail "topup: balance" "before $before, $(cat "$W/pg.out")"
both "the same top-up again (same --ref): idempotent" 0 fin1 $D topup S0000002 100 --ref PGE2E-1
both "shop show S0000002 (after)" 0 demo $D shop show S0000002
both "check after the demo and the top-up" 0 demo $D check
n_ledger=$(field pg 'd["ledger_entries"]')
[ "$(field pg 'd["ok"]')" = True ] && [ "$(field pg 'len(d["problems"])')" = 0 ] &&
	ok "check on PostgreSQL: ok, no problems ($n_ledger ledger entries)" ||
	fail "check on PostgreSQL" "$(head -c 600 "$W/pg.out")"
# refusals: exit code and error code on both, nothing written
both "topup of 0: refused" 2 fin1 $D topup S0000002 0
[ "$(field pg 'd["error"]["code"]')" = input.amount ] && [ "$(field sq 'd["error"]["code"]')" = input.amount ] &&
	ok "topup of 0: input.amount on both" || fail "topup of 0: input.amount" "$(cat "$W/pg.out")"
both "topup by a support user: refused" 4 cs1 $D topup S0000002 100
both "topup of an unknown shop: refused" 3 fin1 $D topup S9999999 100
both "same --ref, other amount: refused" 1 fin1 $D topup S0000002 200 --ref PGE2E-1
both "check after the refusals" 0 demo $D check
[ "$(field pg 'd["ledger_entries"]')" = "$n_ledger" ] &&
	ok "the refusals wrote nothing (still $n_ledger ledger entries)" ||
	fail "the refusals wrote nothing" "$(head -c 300 "$W/pg.out")"
# a serialisation failure is retried: another session (psql) holds the
# audit head's row while bzj's top-up starts, then commits a change to it;
# bzj's UPDATE of that row fails (40001), bzj_ctx_retry runs the command
# again, and it succeeds once, with the same result as on SQLite
if command -v psql >/dev/null 2>&1; then
	run "$SQ" sq fin1 $D topup S0000003 100 --ref PGE2E-RETRY
	psql -X -q -d "$URI" -c "BEGIN; UPDATE meta SET value = value WHERE key = 'audit_seq';
		SELECT pg_sleep(2); COMMIT;" >"$W/hold.log" 2>&1 &
	hold=$!
	sleep 0.5
	run "$URI" pg fin1 $D topup S0000003 100 --ref PGE2E-RETRY
	wait $hold
	# the id is masked: the failed attempt used up a value of the ledger's
	# identity sequence (PostgreSQL never rolls a sequence back)
	if [ "$(cat "$W/pg.rc")" = 0 ] && [ "$(cat "$W/sq.rc")" = 0 ] && d=$(MASK_ID=1 compare) &&
		{ [ -z "${BZJ_PG_LOG:-}" ] || grep -q "could not serialize" "$BZJ_PG_LOG"; }; then
		ok "a serialisation failure is retried: exit 0, the same JSON as on SQLite (id aside)"
	else
		fail "a serialisation failure is retried" "rc $(cat "$W/pg.rc") $(head -c 300 "$W/pg.out") $(head -c 300 "$W/pg.err") ${d:-}"
	fi
	both "check after the retried top-up" 0 demo $D check
	[ "$(field pg 'd["ledger_entries"]')" = $((n_ledger + 1)) ] &&
		ok "the retried top-up wrote once ($((n_ledger + 1)) ledger entries)" ||
		fail "the retried top-up wrote once" "$(head -c 300 "$W/pg.out")"
fi
# refused BOTH-ARGS...: like both (exit WANT_RC), and the error code
# CODE on both.  refused NAME RC CODE USER DATE ARGS...
refused() {
	_rn=$1 _rrc=$2 _rcode=$3
	shift 3
	both "$_rn: refused" "$_rrc" "$@" || return 1
	[ "$(field sq 'd["error"]["code"]')" = "$_rcode" ] && [ "$(field pg 'd["error"]["code"]')" = "$_rcode" ] &&
		ok "$_rn: $_rcode on both" ||
		fail "$_rn: $_rcode on both" "SQLite $(field sq 'd["error"]["code"]'), PostgreSQL $(field pg 'd["error"]["code"]')"
}

# import gmv (PostgreSQL: unnest() over arrays, in chunks) and deposit
# recompute (PostgreSQL: the newest figure compared as one ROW())
printf 'shop_id,month,amount\nS0000001,2025-12,50000\nS0000002,2025-12,123.45\nS0000003,2025-12,90000000\n' >"$W/gmv.csv"
printf 'shop_id,month,amount\nS0000001,2025-12,1\nNOPE,2025-12,1\n' >"$W/gmv_bad.csv"
both "import gmv" 0 fin1 $D import gmv "$W/gmv.csv"
[ "$(field pg 'd["rows"]')" = 3 ] && ok "import gmv: 3 rows" || fail "import gmv: 3 rows" "$(cat "$W/pg.out")"
refused "import gmv with an unknown shop" 2 import.invalid fin1 $D import gmv "$W/gmv_bad.csv"
both "deposit recompute --month 2026-01" 0 demo $D deposit recompute --month 2026-01
[ "$(field pg 'd["changed"]')" = 3 ] && ok "deposit recompute: 3 shops changed" ||
	fail "deposit recompute: 3 changed" "$(cat "$W/pg.out")"
both "deposit recompute again: nothing changes" 0 demo $D deposit recompute --month 2026-01
[ "$(field pg 'd["changed"]')" = 0 ] && ok "deposit recompute again: 0 changed" ||
	fail "deposit recompute again: 0 changed" "$(cat "$W/pg.out")"
both "shop show S0000003 (after the recompute)" 0 demo $D shop show S0000003
refused "deposit recompute by support" 4 auth.role cs1 $D deposit recompute --month 2026-01
both "check after import and recompute" 0 demo $D check

# PG3_MORE

# the row seals are computed in C at commit: a balance changed behind
# bzj's back (triggers disabled, as an owner could) is found by check
if command -v psql >/dev/null 2>&1; then
	if psql -X -q -v ON_ERROR_STOP=1 -d "$URI" -c "ALTER TABLE shop DISABLE TRIGGER USER" \
		-c "UPDATE shop SET balance_fen = balance_fen + 1 WHERE id = 'S0000002'" \
		-c "ALTER TABLE shop ENABLE TRIGGER USER" >"$W/psql.log" 2>&1; then
		run "$URI" pg demo $D check
		codes=$(field pg '" ".join(sorted(set(p["code"] for p in d["problems"])))')
		[ "$(cat "$W/pg.rc")" = 1 ] && [ "$codes" = "check.balance check.seal" ] &&
			ok "check on PostgreSQL finds a balance changed outside bzj: $codes" ||
			fail "check finds the tampering" "rc $(cat "$W/pg.rc"), codes '$codes'"
	else
		fail "tamper through psql" "$(head -c 300 "$W/psql.log")"
	fi
fi
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
