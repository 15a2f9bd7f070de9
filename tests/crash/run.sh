#!/bin/sh
# tests/crash/run.sh BIN
#
# Kill -9 at random points: bzj is started on one operation and killed with
# SIGKILL after a random delay from a seeded RNG (CRASH_SEED, printed), a
# bounded number of times (CRASH_KILLS, default 30):
#   import shops (2,000 new shops, a row-by-row import with an audit record
#   per shop, applied in slices of whole rows with a resumable import
#   record since issue 13; a killed one is resumed), import gmv (20,000 rows, a bulk job: staged in slices of 50
#   rows here, published at the end; a killed one is re-run), import
#   topups (2,000 rows, in slices like import shops; a killed one is
#   resumed; then without the slice knob, in the one transaction of the
#   trial, where a kill must leave all or none), import violations (1,000 rows, likewise), standards load
#   (its re-sync of every shop sliced above 5,000 shops, then finished by
#   `deposit sync`), deposit recompute (after new GMV, so it has work;
#   a bulk job like import gmv, re-run after a kill that left it absent),
#   demo (1,500 shops into a new database), import scores (5 days of every
#   shop, a bulk job like import gmv; a killed one is re-run, which must
#   find the dead run's process gone and start clean), import orders (5 new
#   days of every open shop and a re-imported day in the middle of the
#   demo's orders, which restages every later day of those shops; a bulk
#   job like import scores, re-run after a kill that left it absent),
#   refund pay /
#   approve, assess close (a bulk job: results staged while the
#   assessment is open; a killed one is re-run) and (last, on December
#   days) newbie check (a bulk job that publishes and then folds; a killed
#   one is re-run).
# After every kill the database is reopened and must show the change whole
# or absent: `bzj check` exits 0, `bzj audit verify` is ok, SQLite's
# integrity_check is ok, and
#   - a bulk import's rows are all there or none are, and the audit log has
#     the import's record (with the file's SHA-256) exactly when they are;
#   - an import of shops or top-ups (slices of whole rows) leaves whole,
#     audited rows and its import_run record consistent with them: absent
#     (no row, no record), incomplete (exactly the lines before its
#     next_line, counted in its rows, no import record) or complete (every
#     row, one import record); the same file again resumes and completes
#     the file with every row exactly once;
#   - a standards load is in effect with its one standards.load record, or
#     absent, and after `deposit sync` every shop's recorded requirement
#     follows it, with no sync job left behind;
#   - a recompute's audit record exists exactly when every open shop's
#     floating figure a reader sees matches the new GMV, and otherwise none
#     was touched; a re-run completes and leaves no unfinished job;
#   - a demo database has all its shops and the demo.fill record, or none;
#   - a refund is paid exactly when its payout ledger entry and its
#     refund.pay record exist (approve: status, approver and record agree);
#   - a payout batch is recorded with all its refunds sent and its audit
#     record, or not at all; once recorded, its bank file (named, or still
#     the temporary file when the kill fell between commit and rename) has
#     the SHA-256 the batch records;
#   - a bank return file is imported whole (every line's refund paid with
#     its ledger entry, or failed; the file's record and its audit record)
#     or not at all (every refund still sent), and stays whole when
#     imported again.
# Each kill prints one line.  Ends with "N passed, M failed".
#
# CRASH_BACKEND=pg runs the same kills on PostgreSQL (issue 16), each
# database ($T/crash.db, every demo's) a database crash_... of its own on
# a throw-away server (tests/pg/server.sh; the one in PGHOST/PGPORT when
# set, else one started here and stopped at the end); the all-or-nothing
# queries go through psql.  SQLite's integrity_check has no PostgreSQL
# counterpart (the server's own WAL recovery is not bzj's to test); in its
# place, after every kill: no seal left pending (mac NULL: a transaction
# that committed half of bzj's commit path), and within 10 s no session of
# the killed bzj left on the server (the server ends the killed client's
# transaction, releasing its row locks and the advisory writer lock, so the
# next writer is not blocked).
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
set -u

BIN=${1:?usage: tests/crash/run.sh BIN}
case "$BIN" in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "crash: $BIN is not executable" >&2; exit 2; }
CRASH_BACKEND=${CRASH_BACKEND:-sqlite}
case $CRASH_BACKEND in
sqlite) command -v sqlite3 >/dev/null || { echo "crash: needs the sqlite3 shell" >&2; exit 2; } ;;
pg) command -v psql >/dev/null || { echo "crash: CRASH_BACKEND=pg needs psql" >&2; exit 2; } ;;
*) echo "crash: CRASH_BACKEND is sqlite or pg, not $CRASH_BACKEND" >&2; exit 2 ;;
esac
KILLS=${CRASH_KILLS:-30}
SEED=${CRASH_SEED:-$(date +%s)}
RANDOM=$SEED
TODAY=2026-11-23
CONF=$PWD/data/demo.conf

T=$(mktemp -d "${TMPDIR:-/tmp}/bzj-crash.XXXXXX") || exit 2
DB=$T/crash.db
VICTIM=""
HERE=$(cd "$(dirname "$0")" && pwd)
# The PostgreSQL backend (tests/pg/backend.sh): pgcmd, dbname, dburi.
PGB_PREFIX=crash PGB_NAME=crash PGB_SERVER=$HERE/../pg/server.sh
. "$HERE/../pg/backend.sh"
cleanup() {
	[ -n "$VICTIM" ] && kill -9 "$VICTIM" 2>/dev/null
	wait 2>/dev/null
	pgb_cleanup
	if [ "${KEEP:-0}" = 1 ]; then echo "crash: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export ASAN_OPTIONS="exitcode=86:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=87:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_USER
# Bulk jobs (recompute, import gmv) in slices of 50 rows: hundreds of
# slices even on these small files, so kills land between and inside them.
export BZJ_TEST_SLICE_ROWS=50

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# ---- the backend (as tests/safety/run.sh) -----------------------------------------
pg() { [ "$CRASH_BACKEND" = pg ]; }
if pg; then
	pgb_start || { echo "crash: no PostgreSQL server" >&2; exit 2; }
fi
dbdrop() { # PATH: the database (file) gone
	if pg; then
		pgcmd psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $(dbname "$1") WITH (FORCE)" >/dev/null 2>&1
		rm -f "$T/.pgdb/$(dbname "$1")"
	else
		rm -f "$1" "$1-wal" "$1-shm" "$1-desk"
	fi
}
sqdb() { pgb_sq "$@" 2>&1; } # PATH SQL [PGSQL]: tests/pg/backend.sh's, errors on stdout too
bzj() { # USER [--db FILE] args...
	local user=$1 db=$DB
	shift
	if [ "${1:-}" = --db ]; then db=$2; shift 2; fi
	BZJ_USER=$user timeout -s KILL 120 "$BIN" --config "$CONF" --db "$(dburi "$db")" --today "$TODAY" \
		--json "$@"
}
q() { sqdb "$DB" "$@"; }

# Start bzj, kill it with SIGKILL after DELAY ms unless it ended first (the
# wait polls, so an early end costs no time).  Sets KILLED, OUTCOME and
# ELAPSED (ms until it ended or was killed).
kill_after() { # DELAY_MS USER [--db F] args...
	local delay=$1
	shift
	local user=$1
	shift
	local db=$DB st t0 end
	if [ "$1" = --db ]; then db=$2; shift 2; fi
	db=$(dburi "$db")
	t0=$(now_ms)
	end=$((t0 + delay))
	BZJ_USER=$user "$BIN" --config "$CONF" --db "$db" --today "$TODAY" --json "$@" \
		>"$T/victim.out" 2>"$T/victim.err" &
	VICTIM=$!
	while [ "$(now_ms)" -lt "$end" ]; do
		st=Z
		{ read -r _ _ st _ <"/proc/$VICTIM/stat"; } 2>/dev/null
		[ "$st" = Z ] && break
		sleep 0.01
	done
	kill -9 "$VICTIM" 2>/dev/null
	wait "$VICTIM" 2>/dev/null
	local rc=$?
	ELAPSED=$(($(now_ms) - t0))
	VICTIM=""
	if [ "$rc" = 137 ]; then KILLED=1 OUTCOME="killed after ${ELAPSED} ms"
	else KILLED=0 OUTCOME="finished (exit $rc) in ${ELAPSED} ms (kill planned at ${delay} ms)"; fi
	if grep -q -E 'Sanitizer|runtime error:' "$T/victim.err"; then
		bad "sanitizer report from the victim: $(grep -m 1 -E 'Sanitizer|runtime error:' "$T/victim.err")"
	fi
}
# The longest delay for an operation starts at a generous guess and shrinks
# to 1.25 x its observed run time once a run finishes before its kill, so
# kills spread over the whole run on fast and slow (sanitized) builds alike.
declare -A MAXD
max_delay() { # KIND GUESS
	echo "${MAXD[$1]:-$2}"
}
learn() { # KIND
	if [ "$KILLED" = 0 ]; then MAXD[$1]=$((ELAPSED * 5 / 4 + 20)); fi
}
rnd() { echo $((RANDOM * 32768 + RANDOM)); }
delay_upto() { echo $(($(rnd) % $1)); }

# The database after a kill: reopened by bzj it passes check and verify.
db_sound() { # DB -> "" or what is wrong
	local db=$1 out why=""
	out=$(bzj demo --db "$db" check 2>&1) || why="check: $(echo "$out" | head -n 3 | tr '\n' ' ')"
	out=$(bzj demo --db "$db" audit verify 2>&1)
	case "$out" in *'"ok":true'*) ;; *) why="$why verify: $out" ;; esac
	if pg; then
		out=$(sqdb "$db" "SELECT count(*) FROM seal WHERE mac IS NULL")
		[ "$out" = 0 ] || why="$why $out seal(s) left pending"
		# the killed bzj's session: ended by the server (its locks with it)
		local i=0
		while [ $i -lt 100 ]; do
			out=$(sqdb "$db" "" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
				AND pid <> pg_backend_pid()")
			[ "$out" = 0 ] && break
			sleep 0.1
			i=$((i + 1))
		done
		[ "$out" = 0 ] || why="$why $out session(s) of a killed bzj still on the server after 10 s"
	else
		out=$(sqlite3 -batch -noheader "$db" "PRAGMA integrity_check" 2>&1)
		[ "$out" = ok ] || why="$why integrity_check: $out"
	fi
	echo "$why"
}
report() { # NAME WHY
	if [ -z "$2" ]; then ok "$1"; else bad "$1: $2"; fi
}

START=$(now_ms)
echo "# seed $SEED, $KILLS kills"
if ! bzj demo demo --shops 300 --seed 7 >/dev/null 2>"$T/setup.err"; then
	bad "setup: bzj demo failed: $(tail -n 2 "$T/setup.err")"
	echo "$pass passed, $fail failed"
	exit 1
fi
q "SELECT id FROM shop WHERE status = 1 ORDER BY id" >"$T/open-shops"

# ---- generated files -------------------------------------------------------------
gen_shops() { # K -> file with 2,000 shops K<k>-000001..
	awk -v k="$1" 'BEGIN { print "id,name,entity,categories,opened";
	  for (i = 1; i <= 2000; i++)
	    printf "K%d-%06d,崩溃测试店 %d 号,%s,%s,2025-%02d-15\n", k, i, i,
	      (i % 2 ? "individual" : "company"), (i % 3 ? "运动户外" : "食品饮料|日用百货"), i % 12 + 1 }'
}
gen_gmv() { # K -> 20,000 rows: the demo shops over ~6 years from 1940+6K (no demo GMV there)
	awk -v k="$1" 'NR == FNR { s[n++] = $1; next }
	  END { print "shop_id,month,amount"; c = 0
	    for (y = 1940 + 6 * k; c < 20000; y++) for (m = 1; m <= 12 && c < 20000; m++)
	      for (i = 0; i < n && c < 20000; i++) { printf "%s,%d-%02d,%d.%02d\n", s[i], y, m,
	        (i * 7919 + m * 104729 + k) % 2000000, (i + m) % 100; c++ } }' "$T/open-shops" /dev/null
}
gen_topups() { # K -> 2,000 top-ups with refs crash-K-i
	awk -v k="$1" 'NR == FNR { s[n++] = $1; next }
	  END { print "shop_id,amount,date,ref";
	    for (i = 1; i <= 2000; i++) printf "%s,%d.%02d,2026-11-%02d,crash-%d-%d\n", s[i % n],
	      i % 5000 + 1, i % 100, i % 20 + 1, k, i }' "$T/open-shops" /dev/null
}
gen_oct_gmv() { # K -> new October GMV for every open shop (recompute has work)
	awk -v k="$1" 'NR == FNR { s[n++] = $1; next }
	  END { print "shop_id,month,amount";
	    for (i = 0; i < n; i++) printf "%s,2026-10,%d.00\n", s[i], ((i * 31 + k * 17) % 9) * 110000 }' \
		"$T/open-shops" /dev/null
}
gen_scores() { # K -> 5 days of scores for every open shop, days 2025-01-01 + 5K.. (no demo scores there)
	awk -v k="$1" 'NR == FNR { s[n++] = $1; next }
	  END { print "shop_id,date,score";
	    for (d = 0; d < 5; d++) for (i = 0; i < n; i++)
	      printf "%s,%s,%d.%d\n", s[i], strftime("%Y-%m-%d", 1735689600 + (5 * k + d) * 86400, 1),
	        (i + d + k) % 5, (i * 7 + k) % 10 }' "$T/open-shops" /dev/null
}
gen_orders() { # K -> 5 days of orders for every open shop, days 2025-03-01 + 5K.. (no demo
	# orders there), and 2026-09-15 again for the shops with demo orders that day (paid 1000+K)
	awk -v k="$1" 'NR == FNR { s[n++] = $1; next } { r[m++] = $1 }
	  END { print "shop_id,date,paid_orders,gift_orders";
	    for (d = 0; d < 5; d++) for (i = 0; i < n; i++)
	      printf "%s,%s,%d,%d\n", s[i], strftime("%Y-%m-%d", 1740787200 + (5 * k + d) * 86400, 1),
	        (i * 7 + d + k) % 50 + 3, (i + d) % 3
	    for (i = 0; i < m; i++) printf "%s,2026-09-15,%d,1\n", r[i], 1000 + k }' \
		"$T/open-shops" "$T/order-shops"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# Rows of floating and gmv a reader may see (core/store_bulk.c)
VIS="(v.job = 0 OR v.job IN (SELECT id FROM bulk_job WHERE state = 1))"
GMV_SEEN="SELECT count(*) FROM (SELECT DISTINCT shop_id, month FROM gmv v WHERE $VIS) seen"
audit_has() { # ACTION SHA -> count of that import's records
	q "SELECT count(*) FROM audit WHERE action = '$1' AND after LIKE '%$2%'"
}

# ---- the kills ----------------------------------------------------------------------
# Shares of the kill budget; the delays cover each operation's whole run
# (measured on a loaded two-core machine under ASan) so some kills land
# after the commit and check the "whole" side too.
n_shops=$((KILLS * 6 / 30)) n_gmv=$((KILLS * 6 / 30)) n_top=$((KILLS * 4 / 30))
n_rec=$((KILLS * 5 / 30)) n_demo=$((KILLS * 3 / 30))
n_bat=$((KILLS * 2 / 30)) n_ret=$((KILLS * 3 / 30))
n_ref=$((KILLS - n_shops - n_gmv - n_top - n_rec - n_demo - n_bat - n_ret))
# import scores (a bulk job since issue 13's second round): on top of the budget
n_sco=$((KILLS * 3 / 30 > 2 ? KILLS * 3 / 30 : 2))
# import orders (a bulk job since issue 13's fourth round): likewise
n_ord=$((KILLS * 3 / 30 > 2 ? KILLS * 3 / 30 : 2))
k=0

import_kill() { # KIND FILE MAXDELAY USER COUNT-SQL EXPECTED-ROWS
	local kind=$1 f=$2 max=$3 user=$4 csql=$5 want=$6 before after h recs why
	before=$(q "$csql")
	h=$(sha "$f")
	kill_after "$(delay_upto "$(max_delay "$kind" "$max")")" "$user" import "$kind" "$f"
	learn "$kind"
	why=$(db_sound "$DB")
	after=$(q "$csql")
	recs=$(audit_has "import.$kind" "$h")
	if [ "$after" = "$before" ]; then
		[ "$recs" = 0 ] || why="$why no rows but $recs import.$kind record(s)"
		STATE=absent
	elif [ "$after" = $((before + want)) ]; then
		[ "$recs" = 1 ] || why="$why all rows but $recs import.$kind record(s)"
		STATE=whole
	else
		why="$why partial import: $((after - before)) of $want rows"
		STATE=partial
	fi
	report "kill $k: import $kind $OUTCOME -> $STATE${why:+;}" "$why"
}

# Shops and top-ups: slices of whole, audited rows and an import_run record
# advanced with them (core/import.c above row_shop).  The header is line 1
# and every line one row, so an incomplete run's rows are its next_line - 2.
rowwise_kill() { # KIND FILE MAXDELAY USER COUNT-SQL EXPECTED-ROWS
	local kind=$1 f=$2 max=$3 user=$4 csql=$5 want=$6 before after h recs why run n st nl rows
	before=$(q "$csql")
	h=$(sha "$f")
	kill_after "$(delay_upto "$(max_delay "${LEARN:-$kind}" "$max")")" "$user" import "$kind" "$f"
	learn "${LEARN:-$kind}"
	why=$(db_sound "$DB")
	after=$(q "$csql")
	n=$((after - before))
	recs=$(audit_has "import.$kind" "$h")
	run=$(q "SELECT state || ' ' || next_line || ' ' || rows FROM import_run WHERE sha256 = '$h'
	  AND kind = '$kind' ORDER BY id DESC LIMIT 1")
	read -r st nl rows <<<"$run"
	case ${st:-none} in
	none)
		[ "$n/$recs" = 0/0 ] || why="$why no import record but $n rows, $recs import.$kind record(s)"
		STATE=absent ;;
	0)
		[ "$n" = $((nl - 2)) ] && [ "$rows" = "$n" ] && [ "$recs" = 0 ] ||
			why="$why incomplete at line $nl counting $rows rows: $n rows, $recs import.$kind record(s)"
		STATE="incomplete at line $nl" ;;
	1)
		[ "$n/$rows/$recs" = "$want/$want/1" ] ||
			why="$why complete: $n rows of $want, record counts $rows, $recs import.$kind record(s)"
		STATE=whole ;;
	*) why="$why import record in state $st"; STATE=odd ;;
	esac
	[ "${TRIAL:-0}" = 1 ] && [ "${st:-none}" = 0 ] && why="$why the trial left an incomplete run"
	report "kill $k: import $kind${TRIAL:+ (the trial)} $OUTCOME -> $STATE${why:+;}" "$why"
	[ "$STATE" = whole ] && return
	# the same file again resumes (or starts) and completes it exactly once
	if bzj "$user" import "$kind" "$f" >"$T/rerun.out" 2>"$T/rerun.err"; then
		why=$(db_sound "$DB")
		after=$(q "$csql")
		[ "$((after - before))" = "$want" ] || why="$why resumed: $((after - before)) of $want rows"
		[ "$(audit_has "import.$kind" "$h")" = 1 ] || why="$why resumed: not one import.$kind record"
		[ "$(q "SELECT count(*) FROM import_run WHERE state = 0")" = 0 ] ||
			why="$why resumed: an import still incomplete"
		[ "$(q "SELECT count(*) FROM bulk_job WHERE state <> 1")" = 0 ] ||
			why="$why resumed: unfinished jobs left"
		report "kill $k: import $kind resumed completes every row once" "$why"
		STATE=whole
	else
		bad "kill $k: import $kind resume failed: $(tail -n 1 "$T/rerun.err")"
	fi
}

# A bulk import killed before it published is re-run: it must find the
# killed process gone, start clean and complete.
rerun_import() { # KIND FILE USER SEEN-SQL WANT ROWS-SQL ROWS-WANT
	local why
	if bzj "$3" import "$1" "$2" >/dev/null 2>"$T/rerun.err"; then
		why=$(db_sound "$DB")
		[ "$(q "$4")" = "$5" ] || why="$why re-run: $(q "$4") of $5 rows seen"
		[ "$(q "$6")" = "$7" ] || why="$why re-run: staged rows of the killed run left behind"
		[ "$(q "SELECT count(*) FROM bulk_job WHERE state <> 1")" = 0 ] ||
			why="$why re-run left unfinished jobs"
		report "kill $k: import $1 re-run completes" "$why"
	else
		bad "kill $k: import $1 re-run failed: $(tail -n 1 "$T/rerun.err")"
	fi
}

for ((i = 1; i <= n_shops; i++)); do
	k=$((k + 1))
	gen_shops "$k" >"$T/shops-$k.csv"
	rowwise_kill shops "$T/shops-$k.csv" 9000 rev1 \
		"SELECT count(*) FROM shop WHERE id LIKE 'K$k-%'" 2000
	if [ "$STATE" = whole ]; then
		n=$(q "SELECT count(*) FROM audit WHERE action = 'shop.add' AND object LIKE 'shop:K$k-%'")
		[ "$n" = 2000 ] || bad "kill $k: 2,000 shops but $n shop.add records"
	fi
done
for ((i = 1; i <= n_gmv; i++)); do
	k=$((k + 1))
	gen_gmv "$i" >"$T/gmv-$k.csv"
	import_kill gmv "$T/gmv-$k.csv" 1500 fin1 "$GMV_SEEN" 20000
	# a re-run of a killed import starts clean and completes
	if [ "$STATE" = absent ]; then
		before=$(q "$GMV_SEEN")
		if bzj fin1 import gmv "$T/gmv-$k.csv" >/dev/null 2>"$T/rerun.err"; then
			why=$(db_sound "$DB")
			[ "$(q "$GMV_SEEN")" = $((before + 20000)) ] || why="$why re-run: not every row seen"
			[ "$(q "SELECT count(*) FROM bulk_job WHERE state <> 1")" = 0 ] ||
				why="$why re-run left unfinished jobs"
			report "kill $k: import gmv re-run completes" "$why"
		else
			bad "kill $k: import gmv re-run failed: $(tail -n 1 "$T/rerun.err")"
		fi
	fi
done
# import scores: a bulk job (core/import.c scores_write), staged in slices of
# 50 rows here; a killed one is re-run, which finds the killed process gone
# and starts clean.
for ((i = 1; i <= n_sco; i++)); do
	k=$((k + 1))
	gen_scores "$k" >"$T/sco-$k.csv"
	d0=$((20089 + 5 * k))
	SCO_SEEN="SELECT count(*) FROM score v WHERE day BETWEEN $d0 AND $((d0 + 4)) AND $VIS"
	want=$(($(wc -l <"$T/sco-$k.csv") - 1))
	import_kill scores "$T/sco-$k.csv" 1500 rev1 "$SCO_SEEN" "$want"
	[ "$STATE" = absent ] && rerun_import scores "$T/sco-$k.csv" rev1 "$SCO_SEEN" "$want" \
		"SELECT count(*) FROM score WHERE day BETWEEN $d0 AND $((d0 + 4))" "$want"
done
# import orders: a bulk job (core/import.c orders_write), staged in slices of
# 50 rows here as versions of (shop, day) rows; the re-imported 2026-09-15
# restages each of those shops' later days (their running sums move), which
# bzj check (check.orders_prefix) recomputes after every kill.  What a
# reader sees: the newest visible version of each (shop, day).
q "SELECT DISTINCT shop_id FROM shop_orders WHERE day = 20711 ORDER BY shop_id" >"$T/order-shops"
ORD_SEEN_FROM="FROM shop_orders v WHERE $VIS AND NOT EXISTS (SELECT 1 FROM shop_orders w
  WHERE w.shop_id = v.shop_id AND w.day = v.day AND w.job > v.job
  AND (w.job = 0 OR w.job IN (SELECT id FROM bulk_job WHERE state = 1)))"
for ((i = 1; i <= n_ord; i++)); do
	k=$((k + 1))
	gen_orders "$k" >"$T/ord-$k.csv"
	d0=$((20148 + 5 * k))
	ORD_SEEN="SELECT count(*) $ORD_SEEN_FROM AND ((v.day BETWEEN $d0 AND $((d0 + 4)))
	  OR (v.day = 20711 AND v.paid = $((1000 + k))))"
	want=$(($(wc -l <"$T/ord-$k.csv") - 1))
	import_kill orders "$T/ord-$k.csv" 2000 fin1 "$ORD_SEEN" "$want"
	[ "$STATE" = absent ] && rerun_import orders "$T/ord-$k.csv" fin1 "$ORD_SEEN" "$want" \
		"SELECT count(*) FROM shop_orders WHERE job IN (SELECT id FROM bulk_job WHERE state <> 1)" 0
done
for ((i = 1; i <= n_top; i++)); do
	k=$((k + 1))
	gen_topups "$k" >"$T/top-$k.csv"
	rowwise_kill topups "$T/top-$k.csv" 4000 fin1 \
		"SELECT count(*) FROM ledger WHERE ref LIKE 'crash-$k-%'" 2000
done
# The trial (core/import.c, rowwise_trial): without the slice knob a fresh
# file goes in one transaction while nobody waits, so a kill leaves all of
# it or none, never an incomplete run.  (PostgreSQL has no trial: these
# are more sliced runs there.)
T1=1
[ "$CRASH_BACKEND" = pg ] && T1=
n_trial=$((KILLS * 2 / 30 > 2 ? KILLS * 2 / 30 : 2))
unset BZJ_TEST_SLICE_ROWS
for ((i = 1; i <= n_trial; i++)); do
	k=$((k + 1))
	gen_topups "$k" >"$T/top-$k.csv"
	TRIAL=$T1 LEARN=topups-trial rowwise_kill topups "$T/top-$k.csv" 2000 fin1 \
		"SELECT count(*) FROM ledger WHERE ref LIKE 'crash-$k-%'" 2000
done
export BZJ_TEST_SLICE_ROWS=50

# import violations: slices of whole, audited rows like top-ups (core/import.c
# above row_shop); violations have no natural key, so a resumed run relies
# on the import_run record's next_line alone: exactly once is its proof.
gen_violations() { # K -> 1,000 class-A violations of 1 point, notes crash-v-K-i
	awk -v k="$1" 'NR == FNR { s[n++] = $1; next }
	  END { print "shop_id,class,points,raise,freeze,note,date";
	    for (i = 1; i <= 1000; i++) printf "%s,A,1,0,,crash-v-%d-%d,2026-11-%02d\n", s[(i * 7) % n],
	      k, i, i % 20 + 1 }' "$T/open-shops" /dev/null
}
n_vio=$((KILLS * 2 / 30 > 2 ? KILLS * 2 / 30 : 2))
for ((i = 1; i <= n_vio; i++)); do
	k=$((k + 1))
	gen_violations "$k" >"$T/vio-$k.csv"
	rowwise_kill violations "$T/vio-$k.csv" 3000 rev1 \
		"SELECT count(*) FROM violation WHERE note LIKE 'crash-v-$k-%'" 1000
done

# deposit recompute: new October GMV first (committed), then a killed recompute
# of November.  The floating figures of the open shops opened before the 2nd
# either all follow the new GMV (and the recompute is audited) or none changed.
# What a reader sees (BULK_VISIBLE in core/store_priv.h): job 0 or a
# published job, the newest such version of each (shop, month).
VF="(SELECT * FROM floating f WHERE job = (SELECT max(job) FROM floating v
  WHERE v.shop_id = f.shop_id AND v.month = f.month AND $VIS))"
VG="(SELECT * FROM gmv g WHERE job = (SELECT max(job) FROM gmv v
  WHERE v.shop_id = g.shop_id AND v.month = g.month AND $VIS))"
MISMATCH="SELECT count(*) FROM shop s JOIN $VF f ON f.shop_id = s.id
  AND f.month = (SELECT max(month) FROM floating)
  LEFT JOIN $VG g ON g.shop_id = s.id AND g.month = f.month - 1
  WHERE s.status = 1 AND f.gmv_fen <> COALESCE(g.gmv_fen, 0)"
LEFT_OVER="SELECT count(*) FROM bulk_job WHERE state <> 1"
for ((i = 1; i <= n_rec; i++)); do
	k=$((k + 1))
	gen_oct_gmv "$k" >"$T/oct-$k.csv"
	if ! bzj fin1 import gmv "$T/oct-$k.csv" >/dev/null 2>"$T/oct.err"; then
		bad "kill $k: setting up new GMV failed: $(tail -n 1 "$T/oct.err")"
		continue
	fi
	m0=$(q "$MISMATCH")
	r0=$(q "SELECT count(*) FROM audit WHERE action = 'deposit.recompute'")
	kill_after "$(delay_upto "$(max_delay recompute 600)")" fin1 deposit recompute --month 2026-11
	learn recompute
	why=$(db_sound "$DB")
	m1=$(q "$MISMATCH")
	r1=$(q "SELECT count(*) FROM audit WHERE action = 'deposit.recompute'")
	if [ "$r1" = "$r0" ] && [ "$m1" = "$m0" ]; then STATE=absent
	elif [ "$r1" = $((r0 + 1)) ] && [ "$m1" = 0 ]; then STATE=whole
	else
		STATE=partial
		why="$why $m1 of $m0 shops still on the old GMV, $((r1 - r0)) recompute record(s)"
	fi
	[ "$m0" -gt 0 ] || why="$why (setup: no shop had new GMV)"
	report "kill $k: deposit recompute $OUTCOME -> $STATE${why:+;}" "$why"
	if [ "$STATE" = absent ]; then # a re-run starts clean and completes
		if bzj fin1 deposit recompute --month 2026-11 >/dev/null 2>"$T/rerun.err"; then
			why=$(db_sound "$DB")
			[ "$(q "$MISMATCH")" = 0 ] || why="$why re-run: $(q "$MISMATCH") shops on the old GMV"
			[ "$(q "$LEFT_OVER")" = 0 ] || why="$why re-run left unfinished jobs"
			report "kill $k: deposit recompute re-run completes" "$why"
		else
			bad "kill $k: deposit recompute re-run failed: $(tail -n 1 "$T/rerun.err")"
		fi
	fi
done

# standards load: the few standard rows are one transaction; above 5,000
# shops (the imports above made more) the re-sync of every shop's recorded
# requirement runs after the commit in slices of 50 here, as a job
# (core/deposit.c bzj_standards_load_text, svc_sync_sliced).  Seen whole:
# the new version and its standards.load record, or neither; a re-sync a
# kill cut short is a scheduled effective date that the next sync catches
# up, after which every open shop's recorded requirement is the one shop
# show computes (bzj check compares them too).
STD_AMT="SELECT individual_fen FROM standard WHERE category = '运动户外' AND effective = 20780"
n_std=$((KILLS * 2 / 30 > 2 ? KILLS * 2 / 30 : 2))
shops_now=$(q "SELECT count(*) FROM shop")
[ "$shops_now" -gt 5000 ] || echo "# $shops_now shops: the standards re-sync runs inline (sliced above 5,000)"
for ((i = 1; i <= n_std; i++)); do
	k=$((k + 1))
	amt=$((300000 + k * 100))
	printf 'standards = ( { effective = "%s"; categories = (\n  { name = "运动户外"; individual = %d; company = 4000; } ); } );\n' \
		"$TODAY" $((amt / 100)) >"$T/std-$k.cfg"
	a0=$(q "SELECT count(*) FROM audit WHERE action = 'standards.load'")
	kill_after "$(delay_upto "$(max_delay standards 3000)")" demo standards load "$T/std-$k.cfg"
	learn standards
	why=$(db_sound "$DB")
	a1=$(q "SELECT count(*) FROM audit WHERE action = 'standards.load'")
	got=$(q "$STD_AMT")
	if [ "$a1" = "$a0" ] && [ "$got" != "$amt" ]; then STATE=absent
	elif [ "$a1" = $((a0 + 1)) ] && [ "$got" = "$amt" ]; then STATE=whole
	else STATE=partial why="$why $((a1 - a0)) standards.load record(s), 运动户外 individual at $got fen"
	fi
	report "kill $k: standards load $OUTCOME -> $STATE${why:+;}" "$why"
	# the rest of the re-sync (or the whole load again) completes
	if [ "$STATE" = absent ]; then
		bzj demo standards load "$T/std-$k.cfg" >/dev/null 2>"$T/rerun.err" ||
			bad "kill $k: standards load re-run failed: $(tail -n 1 "$T/rerun.err")"
	fi
	if bzj demo deposit sync >/dev/null 2>"$T/rerun.err"; then
		why=$(db_sound "$DB")
		[ "$(q "$STD_AMT")" = "$amt" ] || why="$why the new standard is not in effect"
		shop=$(q "SELECT s.id FROM shop s JOIN shop_category c ON c.shop_id = s.id
		  WHERE s.status = 1 AND s.entity = 1 AND c.category = '运动户外' AND s.id LIKE 'K%'
		  AND NOT EXISTS (SELECT 1 FROM shop_category d WHERE d.shop_id = s.id AND d.category <> '运动户外')
		  ORDER BY s.id LIMIT 1")
		# a K shop has no GMV and no raise: its requirement is the base
		rb=$(q "SELECT required_fen FROM shop WHERE id = '$shop'")
		[ "$rb" = "$amt" ] || why="$why $shop's recorded requirement is $rb fen, not $amt"
		bzj cs1 shop show "$shop" | grep -q "\"required_fen\":$amt[,}]" ||
			why="$why shop show $shop does not compute $amt fen"
		[ "$(q "SELECT count(*) FROM bulk_job WHERE state <> 1")" = 0 ] ||
			why="$why unfinished jobs left after the sync"
		report "kill $k: standards load then deposit sync: every shop on the new standard" "$why"
	else
		bad "kill $k: deposit sync after standards load failed: $(tail -n 1 "$T/rerun.err")"
	fi
done

for ((i = 1; i <= n_demo; i++)); do
	k=$((k + 1))
	d=$T/demo-$k.db
	kill_after "$(delay_upto "$(max_delay demo 4000)")" demo --db "$d" demo --shops 1500 --seed "$k"
	learn demo
	# (PostgreSQL: the database was made empty for it; no schema is what
	# no file is to SQLite)
	if { pg && [ "$(sqdb "$d" "" "SELECT count(*) FROM pg_tables WHERE tablename = 'meta'")" = 0 ]; } ||
		{ ! pg && [ ! -s "$d" ]; }; then
		report "kill $k: demo $OUTCOME -> absent (no database file)" ""
		dbdrop "$d"
		continue
	fi
	why=$(db_sound "$d")
	n=$(sqdb "$d" "SELECT count(*) FROM shop")
	r=$(sqdb "$d" "SELECT count(*) FROM audit WHERE action = 'demo.fill'")
	case "$n/$r" in
	0/0) STATE=absent ;;
	1500/1) STATE=whole ;;
	*) STATE=partial why="$why $n shops, $r demo.fill record(s)" ;;
	esac
	report "kill $k: demo $OUTCOME -> $STATE${why:+;}" "$why"
	dbdrop "$d"
done

# refund pay and approve: tiny transactions, so the delay is short
q "SELECT id FROM refund WHERE status = 2 ORDER BY id" >"$T/approved"
q "SELECT id FROM refund WHERE status = 1 AND kind = 1 AND submitted_by <> 'rev1' ORDER BY id" >"$T/submitted"
mapfile -t APPROVED <"$T/approved"
mapfile -t SUBMITTED <"$T/submitted"
for ((i = 1; i <= n_ref; i++)); do
	k=$((k + 1))
	if [ $((i % 2)) = 1 ] && [ ${#APPROVED[@]} -gt 0 ]; then
		r=${APPROVED[0]}
		APPROVED=("${APPROVED[@]:1}")
		kill_after "$(delay_upto "$(max_delay pay 400)")" fin2 refund pay "$r"
		learn pay
		why=$(db_sound "$DB")
		st=$(q "SELECT status FROM refund WHERE id = $r")
		led=$(q "SELECT count(*) FROM ledger WHERE refund_id = $r AND kind = 4")
		aud=$(q "SELECT count(*) FROM audit WHERE object = 'refund:$r' AND action = 'refund.pay'")
		case "$st/$led/$aud" in
		2/0/0 | 6/0/0) STATE=absent ;; # 6: refused and recorded as failed (re-check)
		3/1/1) STATE=whole ;;
		*) STATE=partial why="$why status $st, $led payout entries, $aud refund.pay records" ;;
		esac
		if [ "$st" = 6 ]; then
			f=$(q "SELECT count(*) FROM audit WHERE object = 'refund:$r' AND action = 'refund.payout_failed'")
			[ "$f" = 1 ] || why="$why failed without its refund.payout_failed record"
		fi
		report "kill $k: refund pay $r $OUTCOME -> $STATE${why:+;}" "$why"
	elif [ ${#SUBMITTED[@]} -gt 0 ]; then
		r=${SUBMITTED[0]}
		SUBMITTED=("${SUBMITTED[@]:1}")
		kill_after "$(delay_upto "$(max_delay approve 400)")" rev1 refund approve "$r"
		learn approve
		why=$(db_sound "$DB")
		row=$(q "SELECT status || '/' || COALESCE(approved_by, '-') FROM refund WHERE id = $r")
		aud=$(q "SELECT count(*) FROM audit WHERE object = 'refund:$r' AND action = 'refund.approve'")
		case "$row/$aud" in
		1/-/0) STATE=absent ;;
		2/rev1/1) STATE=whole ;;
		*) STATE=partial why="$why refund $row with $aud refund.approve records" ;;
		esac
		report "kill $k: refund approve $r $OUTCOME -> $STATE${why:+;}" "$why"
	else
		bad "kill $k: no refund left to act on"
	fi
done

# payout batches (issue 15): the approved refunds left, sent in one batch
for ((i = 1; i <= n_bat; i++)); do
	k=$((k + 1))
	f=$T/batch-$k.csv
	b0=$(q "SELECT count(*) FROM payout_batch")
	s0=$(q "SELECT count(*) FROM refund WHERE status = 7")
	kill_after "$(delay_upto "$(max_delay batch 400)")" fin2 payout batch --date "$TODAY" --out "$f"
	learn batch
	why=$(db_sound "$DB")
	b1=$(q "SELECT count(*) FROM payout_batch")
	s1=$(q "SELECT count(*) FROM refund WHERE status = 7")
	if [ "$b1" = "$b0" ]; then
		STATE=absent
		[ "$s1" = "$s0" ] || why="$why no batch but $((s1 - s0)) refund(s) sent"
		[ -e "$f" ] && why="$why no batch but its bank file exists"
	else
		STATE=whole
		bid=$(q "SELECT max(id) FROM payout_batch")
		n=$(q "SELECT count FROM payout_batch WHERE id = $bid")
		sent=$(q "SELECT count(*) FROM refund WHERE batch_id = $bid AND status = 7")
		aud=$(q "SELECT count(*) FROM audit WHERE object = 'payout_batch:$bid'")
		[ "$sent" = "$n" ] || why="$why batch of $n with $sent refunds sent"
		[ "$aud" = 1 ] || why="$why $aud payout.batch records"
		h=$(q "SELECT file_sha256 FROM payout_batch WHERE id = $bid")
		file=$f
		[ -e "$f" ] || file=$(ls "$f".* 2>/dev/null | head -n 1)
		if [ -z "$file" ]; then why="$why no bank file at all"
		elif [ "$(sha "$file")" != "$h" ]; then why="$why the bank file's SHA-256 differs"
		fi
	fi
	report "kill $k: payout batch $OUTCOME -> $STATE${why:+;}" "$why"
done
if [ "$(q "SELECT count(*) FROM refund WHERE status = 7")" = 0 ]; then
	bzj fin2 payout batch --date "$TODAY" --out "$T/batch-last.csv" >/dev/null 2>&1
fi

# the bank's return file for every sent refund, paid and failed in turn
q "SELECT bank_ref FROM refund WHERE status = 7 ORDER BY id" |
	awk -v d="$TODAY" 'BEGIN { print "ref,status,date,reason" }
	  { if (NR % 2) printf "%s,paid,%s,\n", $1, d; else printf "%s,failed,,账户已注销\n", $1 }' \
	>"$T/return.csv"
RETS=$(($(wc -l <"$T/return.csv") - 1))
SENT_IDS=$(q "SELECT group_concat(id) FROM refund WHERE status = 7" \
	"SELECT string_agg(CAST(id AS text), ',' ORDER BY id) FROM refund WHERE status = 7")
RH=$(sha "$T/return.csv")
[ "$RETS" -gt 0 ] || bad "setup: no sent refund for the return file"
for ((i = 1; i <= n_ret && RETS > 0; i++)); do
	k=$((k + 1))
	kill_after "$(delay_upto "$(max_delay return 400)")" fin1 payout return "$T/return.csv"
	learn return
	why=$(db_sound "$DB")
	still=$(q "SELECT count(*) FROM refund WHERE id IN ($SENT_IDS) AND status = 7")
	rec=$(q "SELECT count(*) FROM payout_return WHERE file_sha256 = '$RH'")
	aud=$(audit_has payout.return "$RH")
	paid=$(q "SELECT count(*) FROM refund WHERE id IN ($SENT_IDS) AND status = 3")
	led=$(q "SELECT (SELECT count(*) FROM ledger WHERE refund_id IN ($SENT_IDS) AND kind = 4)
		+ (SELECT count(*) FROM provider_ledger WHERE refund_id IN ($SENT_IDS) AND kind = 4)")
	if [ "$still" = "$RETS" ] && [ "$rec" = 0 ] && [ "$aud" = 0 ]; then
		STATE=absent
	elif [ "$still" = 0 ] && [ "$rec" = 1 ] && [ "$aud" = 1 ] &&
		[ "$paid" = $(((RETS + 1) / 2)) ] && [ "$led" = "$paid" ]; then
		STATE=whole
	else
		STATE=partial
		why="$why $still of $RETS still sent, $paid paid with $led ledger entries, $rec file record(s), $aud audit record(s)"
	fi
	report "kill $k: payout return $OUTCOME -> $STATE${why:+;}" "$why"
done

# assess close (a bulk job since issue 13's third round, core/assess.c):
# results staged in slices of one provider here, unseen while the
# assessment is open, published with the close.  Seen whole: closed, one
# result per provider assessed, one assess.close record; absent: open and
# no record (staged results are not read while it is open).  A killed one
# is re-run, which must start clean.
n_as=$((KILLS * 2 / 30 > 2 ? KILLS * 2 / 30 : 2))
export BZJ_TEST_SLICE_ROWS=1
for ((i = 1; i <= n_as; i++)); do
	k=$((k + 1))
	name=crash-$k
	if ! bzj sup1 assess create "$name" --cutoff 2026-09-01 --from 2026-09-01 --to 2026-10-31 \
		--threshold 5 >/dev/null 2>"$T/as.err"; then
		bad "kill $k: setting up assessment $name failed: $(tail -n 1 "$T/as.err")"
		continue
	fi
	aid=$(q "SELECT id FROM assessment WHERE name = '$name'")
	as_state() {
		local closed res aud
		closed=$(q "SELECT CASE WHEN closed_on IS NOT NULL THEN 1 ELSE 0 END FROM assessment WHERE id = $aid")
		res=$(q "SELECT count(*) FROM assessment_result WHERE assessment_id = $aid")
		aud=$(q "SELECT count(*) FROM audit WHERE action = 'assess.close' AND object = 'assessment:$aid'")
		if [ "$closed/$aud" = 0/0 ]; then STATE=absent
		elif [ "$closed/$aud" = 1/1 ] && [ "$res" = "$(q "SELECT json_extract(after, '$.keep') + json_extract(after, '$.revoke') FROM audit WHERE action = 'assess.close' AND object = 'assessment:$aid'" \
			"SELECT CAST(after::json->>'keep' AS bigint) + CAST(after::json->>'revoke' AS bigint) FROM audit WHERE action = 'assess.close' AND object = 'assessment:$aid'")" ]; then
			STATE=whole
		else STATE=partial why="$why closed $closed, $res results, $aud assess.close record(s)"
		fi
	}
	kill_after "$(delay_upto "$(max_delay assess 600)")" sup1 assess close "$name"
	learn assess
	why=$(db_sound "$DB")
	as_state
	report "kill $k: assess close $OUTCOME -> $STATE${why:+;}" "$why"
	if [ "$STATE" = absent ]; then
		if bzj sup1 assess close "$name" >/dev/null 2>"$T/rerun.err"; then
			why=$(db_sound "$DB")
			as_state
			[ "$STATE" = whole ] || why="$why re-run: $STATE"
			[ "$(q "SELECT count(*) FROM bulk_job WHERE state <> 1")" = 0 ] ||
				why="$why re-run left unfinished jobs"
			report "kill $k: assess close re-run completes" "$why"
		else
			bad "kill $k: assess close re-run failed: $(tail -n 1 "$T/rerun.err")"
		fi
	fi
done
export BZJ_TEST_SLICE_ROWS=50

# newbie check (a bulk job since issue 13's third round, core/newbie.c):
# staged in slices of 2 shops here, published, then folded into newbie in
# slices.  What a reader sees of day D (NB_OVERLAY in core/store_priv.h):
# either no run, no record and no shop checked on D, or the run, its one
# record, every shop it counted checked on D and its transitions logged.
# Days in December, after every other kill (the check only moves forward
# and never past today).  A kill while staging is re-run; the next day's
# check finishes a fold a kill interrupted.
NB_PUB="(SELECT id FROM bulk_job WHERE kind = 'newbie.check' AND state = 1 AND clean = 0)"
NB_ON="SELECT count(*) FROM newbie n LEFT JOIN newbie_stage p ON p.shop_id = n.shop_id
  AND n.status = 1 AND p.job IN $NB_PUB
  WHERE (CASE WHEN p.shop_id IS NULL THEN n.last_check ELSE p.last_check END) ="
n_nb=$((KILLS * 3 / 30 > 2 ? KILLS * 3 / 30 : 2))
SAVED_TODAY=$TODAY TODAY=2026-12-31
export BZJ_TEST_SLICE_ROWS=2
for ((i = 1; i <= n_nb; i++)); do
	k=$((k + 1))
	day=2026-12-$(printf %02d "$i")
	dn=$(($(date -ud "$day" +%s) / 86400))
	nb_state() { # -> STATE and why
		local run aud on ev want
		run=$(q "SELECT count(*) FROM newbie_run WHERE day = $dn")
		aud=$(q "SELECT count(*) FROM audit WHERE action = 'newbie.check' AND object = 'newbie:$day'")
		on=$(q "$NB_ON $dn")
		if [ "$run/$aud/$on" = 0/0/0 ]; then STATE=absent; return; fi
		want=$(q "SELECT checked || '/' || (capped + lifted) FROM newbie_run WHERE day = $dn")
		# transitions: logged by the fold with their shops, staged until then
		ev=$(q "SELECT (SELECT count(*) FROM newbie_event WHERE day = $dn + 1 AND cause = 'newbie check')
		  + (SELECT count(*) FROM newbie_stage p JOIN newbie n ON n.shop_id = p.shop_id AND n.status = 1
		  WHERE p.job IN $NB_PUB AND p.capped <> p.was)")
		if [ "$run/$aud" = 1/1 ] && [ "$on/$ev" = "$want" ]; then STATE=whole
		else STATE=partial why="$why run $run, record $aud, $on shops on the day, $ev events (want $want)"
		fi
	}
	kill_after "$(delay_upto "$(max_delay newbie 800)")" rev1 newbie check --date "$day"
	learn newbie
	why=$(db_sound "$DB")
	nb_state
	report "kill $k: newbie check $day $OUTCOME -> $STATE${why:+;}" "$why"
	if [ "$STATE" = absent ]; then
		if bzj rev1 newbie check --date "$day" >/dev/null 2>"$T/rerun.err"; then
			why=$(db_sound "$DB")
			nb_state
			[ "$STATE" = whole ] || why="$why re-run: $STATE"
			[ "$(q "SELECT count(*) FROM bulk_job WHERE state <> 1")" = 0 ] ||
				why="$why re-run left unfinished jobs"
			[ "$(q "SELECT count(*) FROM newbie_stage WHERE job NOT IN $NB_PUB")" = 0 ] ||
				why="$why re-run: staged rows of the killed run left behind"
			report "kill $k: newbie check re-run completes" "$why"
		else
			bad "kill $k: newbie check re-run failed: $(tail -n 1 "$T/rerun.err")"
		fi
	fi
done
export BZJ_TEST_SLICE_ROWS=50
TODAY=$SAVED_TODAY

why=$(db_sound "$DB")
if pg; then
	report "the database after all kills passes check and audit verify, no seal pending, no session left" "$why"
else
	report "the database after all kills passes check, audit verify and integrity_check" "$why"
fi

echo "# $k kills in $(($(now_ms) - START)) ms"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
