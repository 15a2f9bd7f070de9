#!/bin/sh
# tests/bench/payouts.sh BIN - issue 15's figures: `report month` against
# the same totals from one SQL statement in sqlite3 (values compared), and
# a bank batch of 10,000 refunds with its return file.  Not part of `make
# check`; run at BENCH_SHOPS=20000 (default) on a shared machine, or on a
# copy of an existing database with BENCH_DB=FILE.
#
# The 10,000 approved refunds are inserted in SQL into a copy of the demo
# database (one per open shop with a payee and no refund in progress,
# 1 yuan each, window open today, submitted by rev1 and approved by rev2),
# so the batch has the work of a busy day; the batch re-checks each as
# `refund pay` would.
set -eu
[ $# -ge 1 ] || { echo "usage: sh tests/bench/payouts.sh BIN" >&2; exit 2; }
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_SHOPS:-20000}
TODAY=2026-11-23
CONF=$ROOT/data/demo.conf
unset BZJ_DB BZJ_CONFIG BZJ_TODAY
. "$ROOT/tests/bench/raw_sql.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/bzj-bench-pay.XXXXXX")
trap 'rm -rf "$T"' EXIT
bzj() { u=$1; shift; BZJ_USER=$u "$BIN" --config "$CONF" --db "$T/b.db" --today "$TODAY" --json "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

t0=$(now)
if [ -n "${BENCH_DB:-}" ]; then
	# BENCH_DB=FILE: a copy of an existing demo database (make bench's
	# cached million-shop one: tests/bench/cache/s*-n1000000-seed1/demo.db)
	cp "$BENCH_DB" "$T/b.db"
	# written out now: else the first commit's fsync pays for the copy's
	# gigabytes (as make bench's cp_db does)
	sync
	echo "copy of $BENCH_DB ($(sqlite3 "$T/b.db" 'SELECT count(*) FROM shop') shops): $(since "$t0") s"
else
	bzj demo demo --shops "$N" --seed 1 >/dev/null
	echo "demo of $N shops: $(since "$t0") s"
fi

# report month against one SQL statement: the same totals the report
# prints (the six figures, and the shops' balances, frozen and owed)
M=2026-10 FROM=$(( $(date -u -d 2026-10-01 +%s) / 86400 )) TO=$(( $(date -u -d 2026-10-31 +%s) / 86400 ))
best() { # best of 3 wall times of "$@"
	b=999999
	for _ in 1 2 3; do
		s=$(now); "$@" >"$T/out"; e=$(since "$s")
		b=$(awk -v a="$b" -v c="$e" 'BEGIN { print (c < a ? c : a) }')
	done
	echo "$b"
}
tb=$(best bzj demo report month $M)
cp "$T/out" "$T/bzj.json"
SQL="SELECT sum(CASE WHEN day < $FROM THEN amount_fen ELSE 0 END),
 sum(CASE WHEN day >= $FROM AND kind = 1 THEN amount_fen ELSE 0 END),
 -sum(CASE WHEN day >= $FROM AND kind = 2 THEN amount_fen ELSE 0 END),
 -sum(CASE WHEN day >= $FROM AND kind = 3 THEN amount_fen ELSE 0 END),
 -sum(CASE WHEN day >= $FROM AND kind = 4 THEN amount_fen ELSE 0 END),
 sum(amount_fen),
 (SELECT sum(balance_fen) FROM shop), (SELECT sum(frozen_fen) FROM shop), (SELECT sum(owed_fen) FROM shop)
 FROM ledger WHERE day <= $TO"
ts=$(best sqlite3 -batch -noheader -separator , "$T/b.db" "$SQL")
want=$(cat "$T/out")
got=$(python3 -c "import json; d=json.load(open('$T/bzj.json')); print(','.join(str(d[k]) for k in ('opening_fen','topups_fen','deductions_fen','fees_fen','refunds_paid_fen','closing_fen','balances_fen','frozen_fen','owed_fen')))")
same=no; [ "$got" = "$want" ] && same=yes
echo "report month $M: bzj $tb s, sqlite3 one statement $ts s, same totals: $same ($got)"

# a batch of 10,000
pay_seed "${BENCH_SRC:-$ROOT}" "$T/b.db" "$CONF" "$TODAY" "$T"
# BENCH_PAY_KEEP=DIR keeps the database before the batch (for profiling)
# (written out before the batch: its commit's fsync would pay for the copy)
[ -z "${BENCH_PAY_KEEP:-}" ] || { cp "$T/b.db" "$BENCH_PAY_KEEP/before-batch.db"; sync; }
P=$(sqlite3 "$T/b.db" "SELECT count(*) FROM refund WHERE status = 2")
s=$(now)
bzj fin1 payout batch --date $TODAY --out "$T/batch.csv" >"$T/batch.json"
tbat=$(since "$s")
sent=$(python3 -c "import json; d=json.load(open('$T/batch.json')); print(len(d['refunds']), len(d['excluded']))")
echo "payout batch of $P approved refunds: $tbat s (sent, excluded: $sent)"
nsent=${sent%% *}
[ "$nsent" -gt 0 ] && echo "payout batch per 10,000 sent: $(awk -v t="$tbat" -v n="$nsent" 'BEGIN { printf "%.3f", t * 10000 / n }') s (target: under 1 s)"
awk -F, -v d=$TODAY 'NR > 1 { printf "%s,%s,%s,%s\n", $1, (NR % 10 ? "paid" : "failed"), d, (NR % 10 ? "" : "账户冻结") }
	BEGIN { print "ref,status,date,reason" }' "$T/batch.csv" >"$T/return.csv"
s=$(now)
bzj fin2 payout return "$T/return.csv" >"$T/ret.json"
tret=$(since "$s")
nret=$(($(wc -l <"$T/return.csv") - 1))
echo "payout return of $nret lines: $tret s ($(cat "$T/ret.json"))"
[ "$nret" -gt 0 ] && echo "payout return per 10,000 lines: $(awk -v t="$tret" -v n="$nret" 'BEGIN { printf "%.3f", t * 10000 / n }') s"
# BENCH_PAY_CHECK=0 skips the closing `bzj check` (about 5 minutes at 1M)
if [ "${BENCH_PAY_CHECK:-1}" != 0 ]; then
	s=$(now)
	bzj demo check >/dev/null && echo "check after: ok, $(since "$s") s"
fi
