#!/bin/sh
# tests/safety/run.sh BIN
#
# What bzj must refuse, and how it fails, driven through the binary:
#   storage  disk full (a small tmpfs filled up), read-only database
#            (file 0444, directory 0555, read-only mount): exit 6 with a
#            message that says so, and the data as it was (.dump hash);
#   modes    a world-writable database or config: exit 4 with "chmod o-w";
#   identity unknown users get exit 4; with identity "os" (data/bzj.conf)
#            BZJ_USER changes nothing; no flag switches identity;
#   masking  support sees bank accounts masked in shop show/list, audit log
#            (JSON and text); payee changes are audited masked;
#   4-eyes   the submitter cannot approve, the approver cannot pay or fail,
#            above the threshold a supervisor's second approval comes first;
#   input    every tests/fuzz/corpus/csv file imported as each kind ends in
#            exit 0 or 2 with a message and no partial write; terminal
#            escape sequences never reach stdout/stderr; SQL in names is
#            stored verbatim; 1 MB, empty, huge, negative and malformed
#            values and impossible dates are refused; a duplicate id in one
#            import is reported with its line;
#   setgid   (root with unshare) a setgid-bzj install in a private mount
#            namespace: the operator cannot open the database, bzj can;
#            --db/--config/BZJ_* are ignored, --today and identity "env"
#            refused.
# Needs sqlite3; the storage and setgid parts need root (mount, setpriv,
# unshare) and are reported as "skip" otherwise.  Ends "N passed, M failed".
#
# SAFETY_BACKEND=pg runs the same cases on PostgreSQL (issue 16), as
# tests/e2e/run.sh does with E2E_BACKEND=pg: every database path a case
# names ($T/NAME.db, $T/DIR/bzj.db) becomes a database saf_... of its own
# on a throw-away server (tests/pg/server.sh; the one in PGHOST/PGPORT when
# set, else one started here and stopped at the end).  Cases reach the
# database only through the helpers below: dburi (the --db argument), sq
# (SQL on either backend), dbcp and fresh (copies: CREATE DATABASE ...
# TEMPLATE), dump_hash (every table's rows) and the tamper helpers of the
# case files, which go through psql with session_replication_role =
# replica (the guards stay in place for bzj).  What is about the SQLite
# file itself (its modes, -wal/-shm, the disk and file-size limits, the
# setgid install around the file) is skipped there with its reason
# (pgskip, a `skip` line); tests/pg/trust.sh covers PostgreSQL's own
# deployment.
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
set -u

BIN=${1:?usage: tests/safety/run.sh BIN}
case "$BIN" in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "safety: $BIN is not executable" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "safety: needs the sqlite3 shell" >&2; exit 2; }
SAFETY_BACKEND=${SAFETY_BACKEND:-sqlite}
case $SAFETY_BACKEND in
sqlite) ;;
pg) for tool in psql pg_dump createdb; do
	command -v $tool >/dev/null || { echo "safety: SAFETY_BACKEND=pg needs $tool" >&2; exit 2; }
done ;;
*) echo "safety: SAFETY_BACKEND is sqlite or pg, not $SAFETY_BACKEND" >&2; exit 2 ;;
esac
REPO=$PWD
TODAY=2026-11-23
SETUP_DAY=2026-11-20
DEMO_CONF=$REPO/data/demo.conf
OS_CONF=$REPO/data/bzj.conf
ESC=$(printf '\033')
BEL=$(printf '\007')

T=$(mktemp -d "${TMPDIR:-/tmp}/bzj-safety.XXXXXX") || exit 2
chmod 0711 "$T" # another uid (nobody) must reach its subdirectories
# The PostgreSQL backend (tests/pg/backend.sh): pgcmd, dbname, dburi.
PGB_PREFIX=saf PGB_NAME=safety PGB_SERVER=$REPO/tests/pg/server.sh
. "$REPO/tests/pg/backend.sh"
MOUNTS=()
HOLD_PID=""
cleanup() {
	pgb_cleanup
	[ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
	exec 7>&- 2>/dev/null
	for m in "${MOUNTS[@]}"; do umount -l "$m" 2>/dev/null; done
	wait 2>/dev/null
	chmod -R u+rwX "$T" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "safety: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export ASAN_OPTIONS="exitcode=86:detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=87:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_USER

pass=0 fail=0 skip=0 pgskips=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
skipped() { skip=$((skip + 1)); echo "skip $*"; }

# ---- the backend ----------------------------------------------------------------
pg() { [ "$SAFETY_BACKEND" = pg ]; }
# pgskip WHAT REASON: WHAT is about the SQLite file itself and not run on
# PostgreSQL; says so (a `skip` line), never silently.
pgskip() { pgskips=$((pgskips + 1)); skipped "$1 on PostgreSQL: $2"; }
if pg; then
	pgb_start || { echo "safety: no PostgreSQL server" >&2; exit 2; }
	# other uids (nobody, the cases' setpriv runs) reach the socket: the
	# folder lets them through, not list it (as tests/pg/trust.sh)
	[ -z "$PGB_DIR" ] || chmod 0711 "$PGB_DIR"
fi
# sq PATH SQL [PGSQL]: tests/pg/backend.sh's pgb_sq, with errors on
# stdout too (2>&1), as the cases read refusals from it.
sq() { pgb_sq "$@" 2>&1; }
# pgtamper PATH SQL: SQL through psql with no trigger firing
# (session_replication_role = replica), as the server's superuser could;
# the triggers stay for bzj's own commands after it.
pgtamper() {
	sq "$1" "" "SET session_replication_role = replica;
$2"
}
# dbcp FROM TO: the database TO becomes a copy of FROM.
dbcp() {
	if pg; then
		dburi "$1" >/dev/null
		_n=$(dbname "$2")
		pgcmd psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
			-c "DROP DATABASE IF EXISTS $_n" -c "CREATE DATABASE $_n TEMPLATE $(dbname "$1")" >/dev/null
		: >"$T/.pgdb/$_n"
	else
		rm -f "$2" "$2-wal" "$2-shm"
		sqlite3 -batch "$1" ".backup '$2'"
	fi
}
is() { # NAME STATUS DETAIL
	if [ "$2" = 0 ]; then ok "$1"; else bad "$1${3:+: $3}"; fi
}
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1
# Run as another, unprivileged account: root ignores file modes.
AS_OTHER=()
if [ $ROOT = 1 ] && command -v setpriv >/dev/null; then
	AS_OTHER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

# x [--as-other] [--conf F] [--db F] [--user U] [--text] ARGS...
# Runs bzj (--json unless --text); sets RC, OUT, ERR (also in $T/out, $T/err).
x() {
	local pre=() conf=$DEMO_CONF db=$DB user=demo json=(--json)
	while :; do
		case "${1:-}" in
		--as-other) pre=("${AS_OTHER[@]}"); shift ;;
		--conf) conf=$2; shift 2 ;;
		--db) db=$2; shift 2 ;;
		--user) user=$2; shift 2 ;;
		--text) json=(); shift ;;
		*) break ;;
		esac
	done
	db=$(dburi "$db")
	"${pre[@]}" env BZJ_USER="$user" timeout -s KILL 60 "$BIN" --config "$conf" --db "$db" \
		--today "${XTODAY:-$TODAY}" "${json[@]}" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}
code() { sed -n 's/.*"error":{"code":"\([^"]*\)".*/\1/p' "$T/out" | head -n 1; }
has_esc() { grep -q "$ESC" "$T/out" "$T/err"; }
# The data of a database: .dump of a copy (with its WAL), hashed.  On
# PostgreSQL every table's rows (pg_dump --data-only, lines sorted), less
# what is not data: sequences (nextval is not rolled back), pg_dump's own
# lines and bzj_dv, the counter of committed writing transactions that
# stands in for SQLite's data_version (see tests/e2e/run.sh snap).
dump_hash() {
	if pg; then
		[ -e "$T/.pgdb/$(dbname "$1")" ] || { echo none; return; }
		pgcmd pg_dump --data-only --exclude-table-data=bzj_dv -d "$(dbname "$1")" 2>&1 |
			grep -v -e '^SELECT pg_catalog.setval' -e '^--' -e '^SET ' -e '^$' -e '^\\' | sort |
			sha256sum | cut -d' ' -f1
		return
	fi
	rm -f "$T/h.db" "$T/h.db-wal" "$T/h.db-shm"
	cp "$1" "$T/h.db" 2>/dev/null || { echo none; return; }
	[ -f "$1-wal" ] && cp "$1-wal" "$T/h.db-wal"
	sqlite3 -batch "$T/h.db" .dump 2>&1 | sha256sum | cut -d' ' -f1
	rm -f "$T/h.db" "$T/h.db-wal" "$T/h.db-shm"
}
fresh() { # NAME -> path of a new copy of the base database
	mkdir -p "$T/$1"
	if pg; then dbcp "$T/base.db" "$T/$1/bzj.db"; else cp "$T/base.db" "$T/$1/bzj.db"; fi
	echo "$T/$1/bzj.db"
}
expect() { # NAME RC CODE-GLOB MESSAGE-GLOB [HASH-BEFORE DB]
	local name=$1 rc=$2 cg=$3 mg=$4 why=""
	[ "$RC" = "$rc" ] || why="exit $RC, want $rc"
	case "$(code)" in $cg) ;; *) why="$why; code '$(code)', want $cg" ;; esac
	case "$ERR" in $mg) ;; *) why="$why; message '${ERR:0:200}' does not match $mg" ;; esac
	if [ $# -ge 6 ] && [ "$(dump_hash "$6")" != "$5" ]; then why="$why; the data changed"; fi
	has_esc && why="$why; raw ESC in the output"
	is "$name" "$([ -z "$why" ]; echo $?)" "${why#; }"
}

START=$(now_ms)
DB=$T/base.db
x demo --shops 300 --seed 7
if [ "$RC" != 0 ]; then
	bad "setup: bzj demo failed: $ERR"
	echo "$pass passed, $fail failed"
	exit 1
fi
# Fixtures: open shops with a valid payee, something refundable and no refund
# in progress; a payee change (audited) on the first.
x --user cs1 shop list --status open --limit 0
sqlite3 -batch -noheader :memory: "SELECT json_extract(value,'\$.id')
FROM json_each(readfile('$T/out'), '\$.shops')
WHERE json_extract(value,'\$.refundable_fen') >= 100000 AND json_extract(value,'\$.refund_in_progress') IS NULL
  AND json_extract(value,'\$.payee.valid') = 1 ORDER BY json_extract(value,'\$.id') LIMIT 12" >"$T/good-shops"
mapfile -t GOOD <"$T/good-shops"
P=${GOOD[0]}
x --user rev1 shop show "$P"
ptype=$(sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/out'),'\$.payee.type')")
pname=$(sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/out'),'\$.payee.name')")
# dated before today: a supervisor's back-dated notice, with its reason
x --user sup1 shop payee "$P" --type "$ptype" --name "$pname" --account 6222020012345678901 \
	--date 2026-10-01 --reason "written notice received 2026-10-01"
[ "$RC" = 0 ] || bad "setup: payee change on $P: $ERR"
sq "$DB" "SELECT DISTINCT account FROM payee" >"$T/accounts"
echo "# setup: $(wc -l <"$T/accounts") payee accounts, fixture shops ${GOOD[*]:0:4}..., $(($(now_ms) - START)) ms"

# The cases, one file a topic, sourced in name order into this shell so they
# share the set-up above.  SAFETY_CASES=GLOB runs only the matching files.
for _case in "$REPO"/tests/safety/cases/${SAFETY_CASES:-*}.sh; do
	[ -f "$_case" ] || continue
	echo "# == $(basename "$_case")"
	. "$_case"
done


echo "# $(($(now_ms) - START)) ms"
[ "$skip" = 0 ] || echo "# $skip case(s) skipped"
pg && echo "# $pgskips skipped on PostgreSQL (about the SQLite file, each named above with its reason)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
