#!/bin/sh
# tests/bench/run.sh BIN - the scale benchmark of issue 6 (`make bench`).
#
# Builds the demo database once and caches it with its CSV exports under
# tests/bench/cache/s<schema>-n<shops>-seed<seed>/, then measures every
# figure several times side by side with its baseline and prints the table
# (figure, bzj, baseline, ratio, target, pass/fail).  Nothing here is a
# unit test; `make check` never runs it.
#
# Environment:
#   BENCH_SHOPS    shops in the database (default 1000000)
#   BENCH_SEED     demo seed (default 1)
#   BENCH_REPS     timed runs per figure, median reported (default 5)
#   BENCH_REBUILD  1 = rebuild the cached database
#   BENCH_KEEP     1 = keep the scratch copies afterwards
#   BENCH_PG       0 = skip the PostgreSQL column (tests/bench/pg.sh; it
#                  runs when a PostgreSQL server is installed)
#   BENCH_SRC      source tree BIN was built from, for the in-process core
#                  timings (default: this tree; build/rel/libbzjcore.a
#                  when BIN is build/bzj)
#
# Console figures go through the real binary on a pseudo-terminal
# (ptyrun.py: keystroke to the last byte of the redraw); when the binary
# has no console yet, the same core calls are timed in-process instead
# (corebench.c) and the table says so.
set -eu

[ $# -ge 1 ] || { echo "usage: sh tests/bench/run.sh BIN" >&2; exit 2; }
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
[ -x "$BIN" ] || { echo "bench: $BIN is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/raw_sql.sh"
N=${BENCH_SHOPS:-1000000}
SEED=${BENCH_SEED:-1}
REPS=${BENCH_REPS:-5}
TODAY=2026-11-23
CONF=$ROOT/data/demo.conf
export BZJ_USER=demo LC_ALL=${BENCH_LOCALE:-C.UTF-8}
unset BZJ_DB BZJ_CONFIG BZJ_TODAY
PY=python3

bzj() { "$BIN" --config "$CONF" --today "$TODAY" "$@"; }
say() { printf 'bench: %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.3f", s * 1000 }'; }

# ---- the cached database ---------------------------------------------------
TMP=$(mktemp -d /tmp/bzj-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
bzj --db "$TMP/schema.db" init >/dev/null
SCHEMA=$(sqlite3 "$TMP/schema.db" 'PRAGMA user_version')
KEY=s$SCHEMA-n$N-seed$SEED
C=$HERE/cache/$KEY
W=$C/work
mkdir -p "$C"
RES=$C/results.txt
: >"$RES"
put() { printf '%s %s\n' "$1" "$2" >>"$RES"; }

CACHED=1
if [ "${BENCH_REBUILD:-0}" = 1 ] || [ ! -f "$C/demo.db" ]; then
	CACHED=0
	say "building the $N-shop database (seed $SEED, schema $SCHEMA) into $C"
	rm -f "$C"/demo.db* "$C"/*.csv "$C"/imported.db*
	t=$(now)
	# stderr is a file: the plain progress lines
	bzj --db "$C/demo.tmp.db" demo --shops "$N" --seed "$SEED" >"$C/demo.out" 2>"$C/demo.progress"
	since "$t" >"$C/demo.seconds"
	mv "$C/demo.tmp.db" "$C/demo.db"
	rm -f "$C"/demo.tmp.db-wal "$C"/demo.tmp.db-shm
	say "built in $(cat "$C/demo.seconds") s"
fi
put load_start "$(cut -d' ' -f1 /proc/loadavg)"
put shops "$(sqlite3 "$C/demo.db" 'SELECT count(*) FROM shop')"
put ledger "$(sqlite3 "$C/demo.db" 'SELECT count(*) FROM ledger')"
put refunds "$(sqlite3 "$C/demo.db" 'SELECT count(*) FROM refund')"
put violations "$(sqlite3 "$C/demo.db" 'SELECT count(*) FROM violation')"
put demo_s "$(cat "$C/demo.seconds")"
put demo_cached "$CACHED"

# Progress: a bar on a terminal (script gives the command a pty), one line
# per 10% otherwise (the cached build's stderr, or a small build now).
if grep -q '^demo: [0-9]*%' "$C/demo.progress"; then put progress_plain 1; else
	bzj --db "$TMP/plain.db" demo --shops 20000 --seed 2 >/dev/null 2>"$TMP/plain.err" || true
	if grep -q '^demo: [0-9]*%' "$TMP/plain.err"; then put progress_plain 1; else put progress_plain 0; fi
fi
script -q -e -c "'$BIN' --config '$CONF' --today $TODAY --db '$TMP/tty.db' demo --shops 20000 --seed 2" \
	"$TMP/tty.typescript" >/dev/null 2>&1 </dev/null || true
if tr '\r' '\n' <"$TMP/tty.typescript" | grep -q '\[#*\.*\] *[0-9]*%'; then put progress_tty 1; else put progress_tty 0; fi

# Exports: the shop list for visidata; one month of GMV for every shop.
if [ ! -f "$C/shops.csv" ]; then
	say "exporting shops.csv"
	sqlite3 -header -csv "$C/demo.db" "SELECT id, name, operator_name, entity, status,
		required_fen, balance_fen, frozen_fen, restricted FROM shop ORDER BY id" >"$C/shops.csv"
fi
if [ ! -f "$C/gmv.csv" ]; then
	say "exporting gmv.csv (2026-11 for every shop)"
	# deterministic amounts spread over all four tiers
	sqlite3 "$C/demo.db" "SELECT 'shop_id,month,amount' UNION ALL SELECT * FROM (
		SELECT id || ',2026-11,' || printf('%d.%02d', (rowid * 2654435761 % 300000000) / 100,
		rowid * 2654435761 % 100) FROM shop ORDER BY id)" >"$C/gmv.csv"
fi
GMV_ROWS=$(($(wc -l <"$C/gmv.csv") - 1))
put gmv_rows "$GMV_ROWS"
mkdir -p "$W"
cp_db() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; sync; }

# ---- import gmv vs sqlite3 .import -----------------------------------------
say "import gmv: $GMV_ROWS rows, $REPS runs each"
set -- $($PY "$HERE/bench.py" pair "$REPS" 0 \
	"rm -f '$W/i.db'*; cp '$C/demo.db' '$W/i.db'; sync" \
	"$BIN --config $CONF --today $TODAY --db $W/i.db import gmv $C/gmv.csv" \
	"rm -f '$W/bare.db'; sync" \
	"sqlite3 $W/bare.db '.import --csv $C/gmv.csv gmv'")
put import_bzj "$1"
put import_sql "$2"
put import_bzj_cpu "$5"
put import_sql_cpu "$6"

# ---- recompute vs one SQL statement ----------------------------------------
# Run on 2026-12-01: a month's figure can be computed from the 1st of the
# month it is for (deposit.month_not_over before that).
# The base: the demo with November's GMV imported; December's floating
# deposit is computed from it on 2026-12-01 (not before November is over;
# effective 2026-12-02, so no re-sync here: the desk rows below run it on
# the 2nd, with the re-sync).
if [ ! -f "$C/imported.db" ]; then
	cp_db "$C/demo.db" "$W/imp.db"
	bzj --db "$W/imp.db" import gmv "$C/gmv.csv" >/dev/null
	sqlite3 "$W/imp.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	mv "$W/imp.db" "$C/imported.db"
	rm -f "$W"/imp.db-*
fi
MONTH=$((2026 * 12 + 11))     # 2026-12 as year*12 + month-1
EFF=$(sqlite3 :memory: "SELECT CAST(julianday('2026-12-02') - julianday('1970-01-01') AS INT)")
# Same result as the floating table of `deposit recompute --month 2026-12`
# (tests/bench/raw_sql.sh)
recompute_sql "$MONTH" "$EFF" >"$W/recompute.sql"
say "recompute: $REPS runs each"
set -- $($PY "$HERE/bench.py" pair "$REPS" 0 \
	"rm -f '$W/r.db'*; cp '$C/imported.db' '$W/r.db'; sync" \
	"$BIN --config $CONF --today 2026-12-01 --db $W/r.db deposit recompute --month 2026-12" \
	"rm -f '$W/q.db'*; cp '$C/imported.db' '$W/q.db'; sync" \
	"sqlite3 $W/q.db '.read $W/recompute.sql'")
put recompute_bzj "$1"
put recompute_sql "$2"
put recompute_bzj_cpu "$5"
put recompute_sql_cpu "$6"
# the two must agree
sqlite3 "$W/r.db" "SELECT shop_id, gmv_fen, floating_fen, effective FROM floating WHERE month = $MONTH ORDER BY 1" | md5sum >"$TMP/r.sum"
sqlite3 "$W/q.db" "SELECT shop_id, gmv_fen, floating_fen, effective FROM floating WHERE month = $MONTH ORDER BY 1" | md5sum >"$TMP/q.sum"
if cmp -s "$TMP/r.sum" "$TMP/q.sum"; then put recompute_same 1; else
	put recompute_same 0; say "WARNING: recompute and the SQL baseline disagree"; fi
rm -f "$W"/r.db* "$W"/q.db* "$W"/i.db* "$W"/bare.db

# ---- report month vs the same totals in one SQL statement (issue 15) --------
# The totals `report month 2026-10` prints (tests/bench/payouts.sh compares
# the values): opening, the month's movements by kind, closing, and the
# shops' balances, frozen and owed, in one statement.
RM_FROM=$(sqlite3 :memory: "SELECT CAST(julianday('2026-10-01') - julianday('1970-01-01') AS INT)")
RM_TO=$((RM_FROM + 30))
cat >"$W/report.sql" <<EOF
SELECT sum(CASE WHEN day < $RM_FROM THEN amount_fen ELSE 0 END),
 sum(CASE WHEN day >= $RM_FROM AND kind = 1 THEN amount_fen ELSE 0 END),
 -sum(CASE WHEN day >= $RM_FROM AND kind = 2 THEN amount_fen ELSE 0 END),
 -sum(CASE WHEN day >= $RM_FROM AND kind = 3 THEN amount_fen ELSE 0 END),
 -sum(CASE WHEN day >= $RM_FROM AND kind = 4 THEN amount_fen ELSE 0 END),
 sum(amount_fen), (SELECT sum(balance_fen) FROM shop), (SELECT sum(frozen_fen) FROM shop),
 (SELECT sum(owed_fen) FROM shop) FROM ledger WHERE day <= $RM_TO;
EOF
cp_db "$C/demo.db" "$W/rep.db"
say "report month: $REPS runs each"
set -- $($PY "$HERE/bench.py" pair "$REPS" 0 "true" \
	"$BIN --config $CONF --today $TODAY --db $W/rep.db --json report month 2026-10" \
	"true" "sqlite3 $W/rep.db '.read $W/report.sql'")
put report_bzj "$1"
put report_sql "$2"
put report_bzj_cpu "$5"
put report_sql_cpu "$6"
rm -f "$W"/rep.db*

# ---- a bank batch of 10,000 (issue 15) -----------------------------------------
# The demo's approved refunds and 10,000 more (pay_seed, raw_sql.sh) payable
# on TODAY; each run sends them from a fresh copy, re-checking each as
# `refund pay` would (those that fail are recorded failed, as in a real
# batch).  The figure is the batch's wall time per 10,000 refunds sent.
cp_db "$C/demo.db" "$W/pay0.db"
pay_seed "${BENCH_SRC:-$ROOT}" "$W/pay0.db" "$CONF" "$TODAY" "$TMP" >/dev/null
sqlite3 "$W/pay0.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
put batch_approved "$(sqlite3 "$W/pay0.db" 'SELECT count(*) FROM refund WHERE status = 2')"
FAILED0=$(sqlite3 "$W/pay0.db" 'SELECT count(*) FROM refund WHERE status = 6')
say "payout batch: $REPS runs"
set -- $($PY "$HERE/bench.py" one "$REPS" 0 \
	"rm -f '$W/pay.db'* '$W/batch.csv'; cp '$W/pay0.db' '$W/pay.db'; sync" \
	"env BZJ_USER=fin1 $BIN --config $CONF --today $TODAY --db $W/pay.db payout batch --date $TODAY --out $W/batch.csv")
put batch_s "$1"
put batch_cpu "$3"
SENT=$(($(wc -l <"$W/batch.csv") - 1))
put batch_sent "$SENT"
# recorded failed by the batch: the failed refunds it added to the copy
put batch_failed "$(($(sqlite3 "$W/pay.db" 'SELECT count(*) FROM refund WHERE status = 6') - FAILED0))"
put batch_per10k "$(awk -v t="$1" -v n="$SENT" 'BEGIN { printf "%.3f", (n > 0 ? t * 10000 / n : 0) }')"
rm -f "$W"/pay0.db* "$W"/pay.db* "$W/batch.csv"

# ---- month-start: the desk during the bulk jobs (issue 13) --------------------
# An operator tops up a shop every 50 ms (a whole bzj process each: its idle
# cost), first 40 times with nothing else running, then while the job runs
# on the same database: median, p99 and worst side by side.  On the 2nd the
# recompute's figures are in effect, so it also re-syncs every shop.
MS_DAY=2026-12-02
OP="env BZJ_USER=fin1 $BIN --config $CONF --today $MS_DAY --db $W/d.db topup S\$(printf %07d \$(( {i} * 7919 % $N + 1 ))) 1"
desk() { # NAME BASE-DB JOB-ARGS...
	_name=$1 _base=$2
	shift 2
	cp_db "$_base" "$W/d.db"
	say "desk: an operator every 50 ms during $*"
	$PY "$HERE/desk.py" ops 50 40 "$BIN --config $CONF --today $MS_DAY --db $W/d.db $*" "$OP" \
		>"$TMP/desk.txt"
	while read -r k v; do put "desk_${_name}_$k" "$v"; done <"$TMP/desk.txt"
	rm -f "$W"/d.db*
}
desk recompute "$C/imported.db" deposit recompute --month 2026-12
desk import "$C/demo.db" import gmv "$C/gmv.csv"
# import topups (issue 13: resumable slices of whole, audited rows since
# schema 23): 20,000 top-ups with refs over the open shops, whatever N
sqlite3 "$C/demo.db" "SELECT id FROM shop WHERE status = 1 ORDER BY id LIMIT 20000" |
	awk '{ s[n++] = $1 } END { print "shop_id,amount,date,ref";
	  for (i = 1; i <= 20000; i++) printf "%s,%d.%02d,2026-11-%02d,bench-%d\n", s[i % n],
	    i % 5000 + 1, i % 100, i % 20 + 1, i }' >"$W/topups.csv"
desk topups "$C/demo.db" import topups "$W/topups.csv"
rm -f "$W/topups.csv"
# newbie check of the day before (staged, published, folded in slices) and
# a standards load whose new version moves one category's base on the 2nd
# (its re-sync of every shop in slices after the standards' commit)
desk newbie "$C/demo.db" newbie check --date "$(sqlite3 :memory: "SELECT date('$MS_DAY', '-1 day')")"
printf 'standards = ( { effective = "%s"; categories = (\n  { name = "服饰内衣"; individual = 2500; company = 4500; } ); } );\n' \
	"$MS_DAY" >"$W/standards.cfg"
desk standards "$C/demo.db" standards load "$W/standards.cfg"
rm -f "$W/standards.cfg"

# ---- newbie check vs the same statements in sqlite3 ---------------------------
# The demo ran the check of TODAY-2; both sides check TODAY-1 on a fresh copy.
# The baseline writes the rule inline (core/rules.c bzj_newbie_reasons: score
# missing 2, score <= 4.0 1, a class-B violation 4, 4+ points 8, an open risk
# finding 16; the window D-29..D) where bzj calls the C rule.
NB_DAY=$(sqlite3 :memory: "SELECT CAST(julianday('$TODAY') - julianday('1970-01-01') AS INT) - 1")
NB_DATE=$(sqlite3 :memory: "SELECT date('$TODAY', '-1 day')")
put newbie_shops "$(sqlite3 "$C/demo.db" "SELECT count(*) FROM newbie WHERE status = 1")"
cat >"$W/newbie.sql" <<EOF
BEGIN IMMEDIATE;
CREATE TEMP TABLE nbc AS SELECT n.shop_id AS id, n.capped AS was, n.capped_since AS since,
 CASE WHEN sc.tenths IS NULL THEN 2 WHEN sc.tenths <= 40 THEN 1 ELSE 0 END
 + CASE WHEN COALESCE(v.b, 0) > 0 THEN 4 ELSE 0 END
 + CASE WHEN COALESCE(v.p, 0) >= 4 THEN 8 ELSE 0 END
 + CASE WHEN r.shop_id IS NOT NULL THEN 16 ELSE 0 END AS now
FROM newbie n JOIN shop s ON s.id = n.shop_id
LEFT JOIN score sc ON sc.day = $NB_DAY AND sc.shop_id = n.shop_id
LEFT JOIN (SELECT shop_id, sum(class = 2) AS b, sum(points) AS p FROM violation
 WHERE day BETWEEN $((NB_DAY - 29)) AND $NB_DAY GROUP BY shop_id) v ON v.shop_id = n.shop_id
LEFT JOIN (SELECT DISTINCT shop_id FROM risk WHERE opened <= $NB_DAY
 AND (closed IS NULL OR closed > $NB_DAY)) r ON r.shop_id = n.shop_id
WHERE n.status = 1 AND s.opened <= $NB_DAY AND (s.closed IS NULL OR s.closed > $NB_DAY);
INSERT INTO newbie_event(shop_id, day, capped, reasons, cause)
 SELECT id, $NB_DAY + 1, now <> 0, now, 'newbie check' FROM nbc WHERE (now <> 0) <> was;
UPDATE newbie SET capped = nbc.now <> 0, capped_since = CASE WHEN nbc.now = 0 THEN NULL
 WHEN nbc.was = 1 THEN nbc.since ELSE $NB_DAY + 1 END, last_check = $NB_DAY, reasons = nbc.now
 FROM nbc WHERE newbie.shop_id = nbc.id;
INSERT INTO newbie_run(day, checked, failed, capped, lifted, user)
 SELECT $NB_DAY, count(*), sum(now <> 0), sum(now <> 0 AND was = 0), sum(now = 0 AND was = 1),
 'sqlite3' FROM nbc;
COMMIT;
EOF
say "newbie check: $REPS runs each"
set -- $($PY "$HERE/bench.py" pair "$REPS" 0 \
	"rm -f '$W/nb.db'*; cp '$C/demo.db' '$W/nb.db'; sync" \
	"$BIN --config $CONF --today $TODAY --db $W/nb.db newbie check --date $NB_DATE" \
	"rm -f '$W/nq.db'*; cp '$C/demo.db' '$W/nq.db'; sync" \
	"sqlite3 $W/nq.db '.read $W/newbie.sql'")
put newbie_bzj "$1"
put newbie_sql "$2"
put newbie_bzj_cpu "$5"
put newbie_sql_cpu "$6"
sqlite3 "$W/nb.db" "SELECT shop_id, status, capped, capped_since, last_check, reasons FROM newbie ORDER BY 1" | md5sum >"$TMP/nb.sum"
sqlite3 "$W/nq.db" "SELECT shop_id, status, capped, capped_since, last_check, reasons FROM newbie ORDER BY 1" | md5sum >"$TMP/nq.sum"
if cmp -s "$TMP/nb.sum" "$TMP/nq.sum"; then put newbie_same 1; else
	put newbie_same 0; say "WARNING: newbie check and the SQL baseline disagree"; fi
rm -f "$W"/nb.db* "$W"/nq.db*

# ---- shop show vs sqlite3 SELECT -------------------------------------------
cp_db "$C/demo.db" "$W/ro.db"
SHOP=$(printf 'S%07d' $((N / 2)))
DAY=$(sqlite3 :memory: "SELECT CAST(julianday('$TODAY') - julianday('1970-01-01') AS INT)")
# The same figures as `shop show --json` (tests/bench/raw_sql.sh)
SHOW_SQL=$(show_sql "$SHOP" "$DAY" json_group_array)
printf '%s\n' "$SHOW_SQL" >"$W/show.sql"
say "shop show $SHOP: $((REPS * 6)) runs each"
set -- $($PY "$HERE/bench.py" pair $((REPS * 6)) 3 "" \
	"$BIN --config $CONF --today $TODAY --db $W/ro.db --json shop show $SHOP" "" \
	"sqlite3 -json $W/ro.db \".read $W/show.sql\"")
put show_bzj "$(ms "$1")"
put show_sql "$(ms "$2")"
put show_bzj_cpu "$(ms "$5")"
put show_sql_cpu "$(ms "$6")"

# ---- service providers: orders of one provider, assess show of all --------
# (issue 14) Each against the same sum as one SQL query in sqlite3, the
# plain day-by-day sum of paid - gift over the bound days.  The demo makes
# one provider per hundred shops, a fifth of all shops bound, and 90 days
# of daily orders for each bound shop: at a million shops 10,000
# providers, 200,000 bound shops and 18M order rows, the issue's figure
# (scaled down proportionally below).  bzj itself reads the running sums
# (shop_orders.net_cum/gift_cum: two primary-key lookups per binding), so
# its time does not grow with the days summed; `provider orders` is asked
# for the whole 90 days.
put providers "$(sqlite3 "$W/ro.db" 'SELECT count(*) FROM provider')"
put bound_shops "$(sqlite3 "$W/ro.db" 'SELECT count(DISTINCT shop_id) FROM provider_binding')"
put order_rows "$(sqlite3 "$W/ro.db" 'SELECT count(*) FROM shop_orders')"
PID=$(sqlite3 "$W/ro.db" "SELECT id FROM provider ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM provider)")
PFROM=$(sqlite3 :memory: "SELECT date('$TODAY', '-89 days')")
PFROM_D=$((DAY - 89))
ORDERS_SQL="SELECT COALESCE(sum(o.paid - o.gift), 0), COALESCE(sum(o.gift), 0)
FROM provider_binding b JOIN shop_orders o ON o.shop_id = b.shop_id
 AND o.day >= max(b.from_day, $PFROM_D) AND o.day <= min(COALESCE(b.to_day, $DAY), $DAY)
WHERE b.provider_id = '$PID' AND b.from_day <= $DAY AND (b.to_day IS NULL OR b.to_day >= $PFROM_D)"
printf '%s\n' "$ORDERS_SQL" >"$W/orders.sql"
say "provider orders $PID: $((REPS * 6)) runs each"
set -- $($PY "$HERE/bench.py" pair $((REPS * 6)) 3 "" \
	"$BIN --config $CONF --today $TODAY --db $W/ro.db --json provider orders $PID --from $PFROM --to $TODAY" "" \
	"sqlite3 -json $W/ro.db \".read $W/orders.sql\"")
put porders_bzj "$(ms "$1")"
put porders_sql "$(ms "$2")"
ASSESS_SQL="SELECT a.cutoff, a.from_day, a.to_day, a.threshold, a.deposit_fen FROM assessment a
WHERE a.name = 'renewal-demo';
SELECT p.id, COALESCE((SELECT sum(o.paid - o.gift) FROM provider_binding b
 JOIN shop_orders o ON o.shop_id = b.shop_id
 AND o.day >= max(b.from_day, a.from_day) AND o.day <= min(COALESCE(b.to_day, min(a.to_day, $DAY)), min(a.to_day, $DAY))
 WHERE b.provider_id = p.id AND b.from_day <= min(a.to_day, $DAY)
 AND (b.to_day IS NULL OR b.to_day >= a.from_day)), 0), p.balance_fen
FROM assessment a JOIN provider p ON p.kind = 2 AND p.status = 2 AND p.certified_on <= a.cutoff
WHERE a.name = 'renewal-demo' ORDER BY p.id"
printf '%s\n' "$ASSESS_SQL" >"$W/assess.sql"
say "assess show renewal-demo: $REPS runs each"
set -- $($PY "$HERE/bench.py" pair "$REPS" 1 "" \
	"$BIN --config $CONF --today $TODAY --db $W/ro.db --json assess show renewal-demo" "" \
	"sqlite3 -json $W/ro.db \".read $W/assess.sql\"")
put assess_bzj "$(ms "$1")"
put assess_sql "$(ms "$2")"

# ---- console figures -------------------------------------------------------
QUERIES="杭州云裳
王伟
服饰小店
深圳
李
旗舰店
张秀英
S0123
S09999
S0500"
DETAIL_SHOPS="$SHOP $(sqlite3 "$W/ro.db" "SELECT shop_id FROM violation WHERE status = 1 LIMIT 3") \
$(sqlite3 "$W/ro.db" "SELECT shop_id FROM refund ORDER BY id DESC LIMIT 3") S0000001 $(printf 'S%07d' "$N")"

# The core calls of each console action, in one process.
CB=$C/corebench
SRC=${BENCH_SRC:-$ROOT}
if [ "$BIN" = "$ROOT/build/bzj" ] && [ -f "$ROOT/build/rel/libbzjcore.a" ]; then
	CORE="$ROOT/build/rel/libbzjcore.a"
else
	[ -f "$SRC/build/gen/data_holidays.c" ] ||
		(cd "$SRC" && make -s build/gen/data_holidays.c build/gen/data_standards.c >/dev/null)
	CORE="$SRC/core/*.c $SRC/build/gen/data_holidays.c $SRC/build/gen/data_standards.c"
fi
# shellcheck disable=SC2086
cc -std=c17 -O2 -g -I"$SRC/include" -I"$SRC/build/gen" -D_GNU_SOURCE -DLOCALEDIR='"/x"' \
	-o "$CB" "$HERE/corebench.c" $CORE $(pkg-config --cflags --libs sqlite3 libconfig nettle) -lm
set --
for q in $QUERIES; do set -- "$@" -q "$q"; done
for s in $DETAIL_SHOPS; do set -- "$@" -s "$s"; done
say "console core calls (in-process)"
"$CB" "$W/ro.db" "$CONF" "$TODAY" -r "$REPS" -v "$@" >"$TMP/core.txt" 2>"$C/corebench.log"
while read -r fig med p99 max n; do
	case $fig in
	start) put k_first "$med" ;; # open + first screen, cold
	pgdn) put k_pgdn "$p99"; put k_pgdn_med "$med" ;;
	search) put k_search_med "$med"; put k_search_p99 "$p99" ;;
	detail) put k_detail_p99 "$p99" ;;
	refunds) put k_refunds_p99 "$p99" ;;
	esac
	case $fig in
	rss_*) put "core_$fig" "$med KB (peak $p99 KB)" ;;
	*) put "core_$fig" "$med/$p99/$max/$n" ;;
	esac
done <"$TMP/core.txt"

# The same through the command line, whole processes (information).
i=0
printf '%s\n' "$QUERIES" | while IFS= read -r q; do
	i=$((i + 1))
	set -- $($PY "$HERE/bench.py" one "$REPS" 1 "" \
		"$BIN --config $CONF --today $TODAY --db $W/ro.db shop list --search $q --limit 20")
	put "cli_search_$i" "$(ms "$1")|shop list --search $q --limit 20"
done
set -- $($PY "$HERE/bench.py" one "$REPS" 1 "" \
	"$BIN --config $CONF --today $TODAY --db $W/ro.db refund list --open")
put cli_refund_open "$(ms "$1")|refund list --open"

# The real console on an 80x24 pseudo-terminal.
say "console on a pty"
HOMEDIR=$TMP/home
mkdir -p "$HOMEDIR"
if BENCH_QUERIES=$QUERIES BENCH_DETAIL_SHOPS=$DETAIL_SHOPS HOME=$HOMEDIR \
	$PY "$HERE/ptyrun.py" console "$BIN" --config "$CONF" --today "$TODAY" --db "$W/ro.db" \
	>"$TMP/con.txt" 2>"$C/console.log" && grep -q '^console_ok 1' "$TMP/con.txt"; then
	put console_ok 1
	while read -r k v; do
		case $k in
		first_ms) put c_first_pty "$v" ;;
		pgdn_ms_med) put c_pgdn_med "$v" ;;
		pgdn_ms_p99) put c_pgdn "$v" ;;
		pgdn_bytes_max) put c_pgdn_bytes_max "$v" ;;
		search_ms_med) put c_search_med "$v" ;;
		search_ms_p99) put c_search_p99 "$v" ;;
		detail_ms_p99) put c_detail_p99 "$v" ;;
		refunds_ms_p99) put c_refunds_p99 "$v" ;;
		prov_first_ms) put c_prov_first "$v" ;;
		prov_pgdn_ms_med) put c_prov_pgdn_med "$v" ;;
		prov_pgdn_ms_p99) put c_prov_pgdn "$v" ;;
		rss_kb) put c_rss_mb "$(awk -v k="$v" 'BEGIN { printf "%.1f", k / 1024 }')" ;;
		hwm_kb) put c_hwm_mb "$(awk -v k="$v" 'BEGIN { printf "%.1f", k / 1024 }')" ;;
		idle_bytes) put c_idle_bytes "$v" ;;
		idle_cpu_ticks) put c_idle_ticks "$v" ;;
		esac
		put "console_$k" "$v"
	done <"$TMP/con.txt"
else
	put console_ok 0
	say "no console in $BIN (see $C/console.log); console rows use the core calls"
fi

# The console again, while bulk jobs (import gmv, recompute) run back to back
# on its database (issue 13).
if [ "$(grep '^console_ok' "$RES" | cut -d' ' -f2)" = 1 ]; then
	cp_db "$C/imported.db" "$W/cj.db"
	rm -f "$W/stop"
	(while [ ! -f "$W/stop" ]; do
		"$BIN" --config "$CONF" --today "$MS_DAY" --db "$W/cj.db" import gmv "$C/gmv.csv" \
			>/dev/null 2>&1 || true
		"$BIN" --config "$CONF" --today "$MS_DAY" --db "$W/cj.db" \
			deposit recompute --month 2026-12 >/dev/null 2>&1 || true
		echo x >>"$W/jobs"
	done) &
	JOBS=$!
	say "console on a pty during bulk jobs"
	BENCH_QUERIES=$QUERIES BENCH_DETAIL_SHOPS=$DETAIL_SHOPS HOME=$HOMEDIR \
		$PY "$HERE/ptyrun.py" console "$BIN" --config "$CONF" --today "$TODAY" --db "$W/cj.db" \
		>"$TMP/conj.txt" 2>"$C/console-jobs.log" || true
	touch "$W/stop"
	wait "$JOBS" || true
	put cj_jobs "$(wc -l <"$W/jobs" 2>/dev/null || echo 0)"
	while read -r k v; do
		case $k in
		pgdn_ms_p99) put cj_pgdn "$v" ;;
		pgdn_ms_med) put cj_pgdn_med "$v" ;;
		search_ms_p99) put cj_search_p99 "$v" ;;
		search_ms_med) put cj_search_med "$v" ;;
		esac
	done <"$TMP/conj.txt"
	rm -f "$W"/cj.db* "$W/jobs" "$W/stop"
fi

# ---- first browsable screen: bzj, visidata and the sqlite3 shell ------------
# Fresh starts, interleaved so that a busy moment hits all three alike; the
# first shop id on the screen is the mark.
FIRST_REPS=$((REPS < 7 ? 7 : REPS))
say "first screens: bzj console, visidata, sqlite3 shell ($FIRST_REPS starts each)"
: >"$C/first.log"
: >"$TMP/f_bzj"
: >"$TMP/f_vd"
: >"$TMP/f_sq"
first() { HOME=$HOMEDIR $PY "$HERE/ptyrun.py" first "$@" 2>>"$C/first.log" | awk '{ print $2 }'; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "nan" }'; }
for r in $(seq "$FIRST_REPS"); do
	if [ "$(grep '^console_ok' "$RES" | cut -d' ' -f2)" = 1 ]; then
		first S0000001 "$BIN" --config "$CONF" --today "$TODAY" --db "$W/ro.db" >>"$TMP/f_bzj"
	fi
	command -v vd >/dev/null 2>&1 && first S0000001 vd "$C/shops.csv" >>"$TMP/f_vd"
	first S0000001 --input \
		'SELECT id, name, operator_name, required_fen, balance_fen FROM shop ORDER BY id LIMIT 20;\n' \
		sqlite3 "$W/ro.db" >>"$TMP/f_sq"
done
[ -s "$TMP/f_bzj" ] && put c_first "$(median "$TMP/f_bzj")"
if [ -s "$TMP/f_vd" ]; then put first_vd "$(median "$TMP/f_vd")"; else
	say "visidata is not installed (make bench installs it)"; fi
put first_sqlite "$(median "$TMP/f_sq")"
put first_all "bzj $(tr '\n' ' ' <"$TMP/f_bzj")| vd $(tr '\n' ' ' <"$TMP/f_vd")| sqlite3 $(tr '\n' ' ' <"$TMP/f_sq")"

# ---- the PostgreSQL column (issue 16) ------------------------------------------
# The same figures with bzj on a throw-away PostgreSQL server and psql as
# the raw tool (tests/bench/pg.sh: its own cached database); skipped with
# BENCH_PG=0 or when no server is installed.  A failure there leaves the
# SQLite table whole.
BENCH_RES=$RES sh "$HERE/pg.sh" "$BIN" || say "the PostgreSQL column failed (exit $?)"

[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W"

put load_end "$(cut -d' ' -f1 /proc/loadavg)"

# ---- the table ---------------------------------------------------------------
{
	echo "bzj bench: $N shops (seed $SEED), $REPS runs per figure, median; $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
		"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), sqlite $(sqlite3 -version | cut -d' ' -f1)," \
		"load average $(grep '^load_start' "$RES" | cut -d' ' -f2) at start, $(grep '^load_end' "$RES" | cut -d' ' -f2) at end"
	echo
	$PY "$HERE/bench.py" table "$RES"
} | tee "$C/table.md"
