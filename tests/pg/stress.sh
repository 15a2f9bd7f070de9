#!/bin/sh
# stress.sh BZJ URI - many writers at once on PostgreSQL (issue 16), the
# PostgreSQL counterpart of tests/stress/run.sh for top-ups, with twice its
# writers (tests/stress/run.sh itself runs on PostgreSQL too, with
# STRESS_BACKEND=pg, for every other kind): 16 concurrent writer processes, each a loop of
# `bzj topup` calls as finance or a supervisor on the SAME six shops, with a
# fresh --ref, with someone's earlier --ref replayed (must be idempotent),
# or with no --ref; a reader runs `bzj check` while they write; then 16
# processes fire the same new --ref at the same moment (a FIFO barrier),
# several times.  URI is an empty database on a running server
# (tests/pg/run.sh starts one).  Afterwards, from the calls' logs and the
# database (psql):
#   - every call exits 0 (or 5 store.busy, counted, at most 1%); every
#     success is one JSON document; no sanitizer report;
#   - no lost top-up: every acknowledged top-up is the ledger row its JSON
#     names (shop, amount, ref); no doubled one: every ref is in the ledger
#     once, every replay names the first entry, the new rows are exactly the
#     acknowledged non-replayed calls, and one `topup` audit record each;
#   - each shop's balance moved by exactly the sum it was acknowledged;
#     sum of the ledger = the balance for every shop; `bzj check` exits 0
#     (during the run too) and `audit verify` is ok.
# STRESS_SECONDS (default 6) is the writers' time.  Prints ok/FAIL lines
# and "N passed, M failed".
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
set -u
BIN=${1:?usage: stress.sh BZJ URI}
URI=${2:?usage: stress.sh BZJ URI}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=$HERE/../../data/demo.conf
SECS=${STRESS_SECONDS:-6}
WRITERS=16
TODAY=2026-11-23
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pgstress.XXXXXX") || exit 2
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
export ASAN_OPTIONS="exitcode=86:detect_leaks=0"
export UBSAN_OPTIONS="exitcode=87:print_stacktrace=1"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_USER
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1: $2"; }
check_case() { if [ "$2" = 0 ]; then ok "$1"; else fail "$1" "${3:-}"; fi; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
bzj() { # USER args... -> stdout; stderr appended to $ERRF
	local u=$1
	shift
	BZJ_USER=$u timeout -s KILL 60 "$BIN" --config "$CONF" --db "$URI" --today "$TODAY" \
		--json "$@" 2>>"${ERRF:-$W/main.err}"
}
q() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$URI" -c "$1"; }

ERRF=$W/setup.err
if ! bzj demo demo --shops 20 --seed 7 >/dev/null; then
	fail "setup: bzj demo --shops 20 on PostgreSQL" "$(tail -n 3 "$W/setup.err")"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
# six open shops (a closed one takes no top-up)
SHOPS=$(q "SELECT id FROM shop WHERE status = 1 ORDER BY id LIMIT 6" | tr '\n' ' ')
q "SELECT id || ' ' || balance_fen FROM shop ORDER BY id" >"$W/bal0"
L0=$(q "SELECT COALESCE(max(id), 0) FROM ledger")
A0=$(q "SELECT COALESCE(max(seq), 0) FROM audit")
: >"$W/pool.refs"

yuan() { echo "$(($1 / 100)).$(printf %02d $(($1 % 100)))"; }
writer() { # WID USER SEED
	local wid=$1 u=$2 n=0 s fen ref line out rc d shops
	RANDOM=$3
	ERRF=$W/w$wid.err
	read -r -a shops <<<"$SHOPS"
	while [ "$(now_ms)" -lt "$DEADLINE" ]; do
		n=$((n + 1))
		d=$((RANDOM % 100))
		s=${shops[$((RANDOM % 6))]}
		fen=$((RANDOM % 50000 + 100))
		ref="pgst-$wid-$n"
		if [ $d -lt 15 ] && line=$(shuf -n 1 "$W/pool.refs" 2>/dev/null) && [ -n "$line" ]; then
			read -r ref s fen <<<"$line" # someone's ref again: idempotent
		elif [ $d -lt 40 ]; then
			ref=""
		fi
		if [ -n "$ref" ]; then
			out=$(bzj "$u" topup "$s" "$(yuan "$fen")" --ref "$ref")
		else
			out=$(bzj "$u" topup "$s" "$(yuan "$fen")")
		fi
		rc=$?
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wid" "$u" "$s" "$fen" "$ref" "$rc" \
			"$(printf '%s' "$out" | tr '\n\t' '  ')" >>"$W/w$wid.log"
		[ "$rc" = 0 ] && [ -n "$ref" ] && echo "$ref $s $fen" >>"$W/pool.refs"
	done
}
reader() {
	local n=0 out rc
	ERRF=$W/reader.err
	: >"$W/reader.log"
	while [ "$(now_ms)" -lt "$DEADLINE" ]; do
		n=$((n + 1))
		out=$(bzj cs1 check)
		rc=$?
		[ $rc = 0 ] || echo "check $rc $(printf '%s' "$out" | head -c 400)" >>"$W/reader.log"
		sleep 0.3
	done
	echo "$n" >"$W/reader.count"
}

USERS=(fin1 fin2 sup1 sup2 demo fin1 fin2 sup1 sup2 demo fin1 fin2 sup1 sup2 demo fin1)
START=$(now_ms)
DEADLINE=$((START + SECS * 1000))
for ((i = 1; i <= WRITERS; i++)); do
	: >"$W/w$i.log"
	writer "$i" "${USERS[$((i - 1))]}" $((20261201 + i)) &
	PIDS="$PIDS $!"
done
reader &
PIDS="$PIDS $!"
wait
PIDS=""
echo "# $WRITERS writers and a reader for $(($(now_ms) - START)) ms"

# The same new ref from 16 processes at the same moment, five times: a FIFO
# barrier (every process blocks reading it until this shell writes a line
# for each).
for k in 1 2 3 4 5; do
	rm -f "$W/go"
	mkfifo "$W/go"
	exec 8<>"$W/go"
	s=$(echo $SHOPS | cut -d' ' -f$k)
	for ((i = 1; i <= WRITERS; i++)); do
		(
			read -r _ <"$W/go"
			ERRF=$W/race.err
			out=$(bzj "${USERS[$((i - 1))]}" topup "$s" 123.45 --ref "race-$k")
			rc=$?
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "r$k-$i" "${USERS[$((i - 1))]}" "$s" 12345 \
				"race-$k" "$rc" "$(printf '%s' "$out" | tr '\n\t' '  ')" >"$W/race-$k-$i.log"
		) &
	done
	sleep 0.2
	for ((i = 1; i <= WRITERS; i++)); do echo go >&8; done
	wait
	exec 8>&-
done

cat "$W"/w*.log "$W"/race-*.log >"$W/all.log"
q "SELECT id, shop_id, kind, amount_fen, COALESCE(ref, ''), \"user\" FROM ledger WHERE id > $L0 ORDER BY id" \
	>"$W/ledger"
q "SELECT \"user\", action FROM audit WHERE seq > $A0" >"$W/audit"
q "SELECT s.id, s.balance_fen, COALESCE(sum(l.amount_fen), 0) FROM shop s
   LEFT JOIN ledger l ON l.shop_id = s.id GROUP BY s.id, s.balance_fen ORDER BY s.id" >"$W/sums"
q "SELECT id || ' ' || balance_fen FROM shop ORDER BY id" >"$W/bal1"

# Every assertion over the logs and the database, in one place.
python3 - "$W" <<'EOF_PGSTRESS_PY' >"$W/verdict"
import json, sys, collections, os
W = sys.argv[1]
calls = []
for line in open(os.path.join(W, "all.log"), encoding="utf-8"):
    wid, user, shop, fen, ref, rc, out = line.rstrip("\n").split("\t", 6)
    calls.append(dict(wid=wid, user=user, shop=shop, fen=int(fen), ref=ref, rc=int(rc), out=out))
def res(name, good, detail=""):
    print("ok\t%s" % name if good else "FAIL\t%s\t%s" % (name, detail))
def tsv(name):
    return [l.rstrip("\n").split("|") for l in open(os.path.join(W, name), encoding="utf-8") if l.strip()]
ledger = {int(r[0]): dict(shop=r[1], kind=int(r[2]), amount=int(r[3]), ref=r[4], user=r[5]) for r in tsv("ledger")}
rcs = collections.Counter(c["rc"] for c in calls)
res("%d calls, exit statuses %s" % (len(calls), dict(rcs)), len(calls) > 0)
bad = [c for c in calls if c["rc"] not in (0, 5)]
res("no exit other than 0 and 5", not bad, "; ".join("%s %s rc=%d %s" % (c["wid"], c["ref"], c["rc"], c["out"][:160]) for c in bad[:4]))
busy = [c for c in calls if c["rc"] == 5]
# The writer lock is queued (pg_advisory_lock, first come first served, up
# to the 5 s lock_timeout); a writer behind fifteen sanitized ones on two
# shared cores may still wait past 5 s.  It is told so (store.busy) and
# must have written nothing; it stays rare.
res("busy (exit 5) is store.busy, rare (at most 3%%): %d of %d" % (len(busy), len(calls)),
    len(busy) * 100 <= 3 * len(calls) and all('"store.busy"' in c["out"] for c in busy),
    "; ".join(c["out"][:160] for c in busy[:3]))
acked = []
badjson = 0
for c in calls:
    if c["rc"] != 0:
        continue
    try:
        d = json.loads(c["out"])
    except Exception:
        badjson += 1
        continue
    c["d"] = d
    acked.append(c)
res("every success printed one JSON document", badjson == 0, "%d invalid" % badjson)
new = [c for c in acked if not c["d"].get("replayed")]
replays = [c for c in acked if c["d"].get("replayed")]
lost = [c for c in new if c["d"].get("id") not in ledger
        or ledger[c["d"]["id"]]["shop"] != c["shop"] or ledger[c["d"]["id"]]["amount"] != c["fen"]
        or ledger[c["d"]["id"]]["kind"] != 1 or ledger[c["d"]["id"]]["ref"] != c["ref"]
        or ledger[c["d"]["id"]]["user"] != c["user"]]
res("no lost top-up: each of %d acknowledged top-ups is its ledger row (shop, amount, ref, user)" % len(new),
    not lost and len(new) > 0, "; ".join("%s %s %s id=%s" % (c["wid"], c["shop"], c["ref"], c["d"].get("id")) for c in lost[:4]))
ids = collections.Counter(c["d"]["id"] for c in new)
res("no doubled top-up: the new ledger rows are exactly the %d acknowledged ones" % len(new),
    set(ledger) == set(ids) and max(ids.values(), default=1) == 1,
    "ledger %d rows, acked %d distinct ids" % (len(ledger), len(ids)))
byref = collections.defaultdict(list)
for c in acked:
    if c["ref"]:
        byref[c["ref"]].append(c)
okrefs = set(c["ref"] for c in acked if c["ref"])
res("a busy call wrote nothing (its ref is in the ledger only when another call was acknowledged for it)",
    all(not c["ref"] or c["ref"] in okrefs or all(v["ref"] != c["ref"] for v in ledger.values()) for c in busy))
twice = [r for r, cs in byref.items() if sum(1 for c in cs if not c["d"].get("replayed")) != 1
         or len(set(c["d"]["id"] for c in cs)) != 1]
inledger = collections.Counter(v["ref"] for v in ledger.values() if v["ref"])
res("every ref once: %d refs, %d replays each named the first entry" % (len(byref), len(replays)),
    not twice and len(replays) > 0 and max(inledger.values(), default=1) == 1,
    "refs answered twice or with two ids: %s" % twice[:5])
races = collections.defaultdict(list)
for c in calls:
    if c["wid"].startswith("r"):
        races[c["ref"]].append(c)
rbad = [r for r, cs in races.items()
        if len(cs) != 16 or any(c["rc"] not in (0, 5) for c in cs)
        or sum(1 for c in cs if "d" in c and not c["d"].get("replayed")) != 1
        or len(set(c["d"]["id"] for c in cs if "d" in c)) != 1 or inledger.get(r) != 1]
res("16 processes with the same new ref at once, %d times: one entry, every other success a replay naming it (%d busy)" % (len(races), sum(1 for c in calls if c["wid"].startswith("r") and c["rc"] == 5)),
    len(races) == 5 and not rbad, "%s" % [(r, [(c["rc"], c["out"][:80]) for c in races[r]][:3]) for r in rbad[:2]])
b0 = dict(l.split() for l in open(os.path.join(W, "bal0")))
b1 = dict(l.split() for l in open(os.path.join(W, "bal1")))
moved = collections.Counter()
for c in new:
    moved[c["shop"]] += c["fen"]
off = [s for s in b1 if int(b1[s]) - int(b0[s]) != moved.get(s, 0)]
res("each shop's balance moved by exactly what it was acknowledged (%d shops topped up)" % len(moved),
    not off and len(moved) == 6, "; ".join("%s %s->%s acked %d" % (s, b0[s], b1[s], moved.get(s, 0)) for s in off[:4]))
sums = tsv("sums")
neq = [r for r in sums if r[1] != r[2]]
res("sum of the ledger = the balance, for all %d shops" % len(sums), not neq and len(sums) == 20, "%s" % neq[:4])
aud = collections.Counter(tuple(r) for r in tsv("audit"))
want = collections.Counter((c["user"], "topup") for c in new)
got = collections.Counter({k: v for k, v in aud.items() if k[1] == "topup"})
res("one topup audit record per acknowledged new top-up, none for a replay", got == want,
    "audited %s, acknowledged %s" % (dict(got), dict(want)))
EOF_PGSTRESS_PY
while IFS="$(printf '\t')" read -r v name detail; do
	if [ "$v" = ok ]; then ok "$name"; else fail "$name" "$detail"; fi
done <"$W/verdict"
[ -s "$W/verdict" ] || fail "the verdict" "python3 printed nothing"

crash=$(cat "$W"/*.err 2>/dev/null | grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|Aborted')
check_case "no sanitizer report or crash on stderr" "$([ "$crash" = 0 ]; echo $?)" \
	"$(cat "$W"/*.err | grep -m 3 -E 'Sanitizer|runtime error:')"
rn=$(cat "$W/reader.count" 2>/dev/null || echo 0)
check_case "bzj check held during the run ($rn rounds)" \
	"$([ ! -s "$W/reader.log" ] && [ "$rn" -gt 0 ]; echo $?)" "$(head -n 3 "$W/reader.log")"
ERRF=$W/main.err
out=$(bzj demo check)
rc=$?
case "$rc $out" in "0 "*'"ok":true'*) r=0 ;; *) r=1 ;; esac
check_case "bzj check exits 0 after the run (check.balance, check.seal and the rest)" "$r" "rc $rc $(printf '%s' "$out" | head -c 400)"
out=$(bzj demo audit verify)
case "$out" in *'"ok":true'*) r=0 ;; *) r=1 ;; esac
check_case "bzj audit verify is ok after the run" "$r" "$(printf '%s' "$out" | head -c 400)"
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
