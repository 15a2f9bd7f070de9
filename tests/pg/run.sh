#!/bin/sh
# run.sh [PG_DRIVER_TEST [BZJ [SETGID_BZJ]]] - the PostgreSQL tests (issue 16): start a
# throw-away server (tests/pg/server.sh), connect over libpq
# from a tiny C program (tests/pg/conn.c; psql when libpq's headers are
# missing), create, use and drop a database, stop the server, and prove
# the cleanup: no server process left and its folder gone, also when the
# test using it fails half-way; then the driver test (tests/pg/driver.c),
# bzj end to end (tests/pg/e2e.sh), `bzj demo`'s bulk path against its
# row-by-row one (tests/pg/demo.sh), `bzj copy` from SQLite
# (tests/pg/copy.sh), 16 writers at once
# (tests/pg/stress.sh), the stress suite (tests/stress/run.sh with
# STRESS_BACKEND=pg), the whole e2e suite (tests/e2e/run.sh with
# E2E_BACKEND=pg), the safety suite (tests/safety/run.sh with
# SAFETY_BACKEND=pg), the crash suite (tests/crash/run.sh with
# CRASH_BACKEND=pg, 10 kills), the deployment's trust (tests/pg/trust.sh)
# and the console (tests/pg/console.sh, tmux).
# Skipped, with a line saying so, when no PostgreSQL server binaries are
# installed (make check needs no server).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
S="$HERE/server.sh"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1: $2"; }
# tally RC OUT LABEL OKTEXT: a suite's output (its ok, FAIL and # lines
# shown indented) and its "N passed, M failed" as one ok or fail line
tally() {
	sed -n 's/^\(ok\|FAIL\|#\)/  &/p' "$2"
	_p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$2")
	_f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$2")
	if [ "$1" = 0 ] && [ -n "$_p" ] && [ "$_f" = 0 ]; then
		ok "$3: $_p checks$4"
	else
		fail "$3" "exit $1, ${_p:-?} passed, ${_f:-?} failed; $(grep -v '^ok' "$2" | head -c 1500)"
	fi
}
# on_db TAG DBNAME LABEL OKTEXT FUNCTION: on a server of its own, FUNCTION
# runs with URI naming a fresh database DBNAME (and PGDIR the server's
# folder), its output in $W/TAG.out, tallied; the server is stopped after
on_db() {
	_t=$1 _d=$2 _l=$3 _k=$4 _fn=$5
	if ! out=$(sh "$S" start 2>"$W/$_t-start.err"); then
		fail "start a server for $_l" "$(head -c 600 "$W/$_t-start.err")"
		return
	fi
	eval "$out"
	PGDIR=$BZJ_PG_DIR
	URI="postgresql:///$_d?host=$(printf '%s' "$PGDIR" | sed 's,/,%2F,g')&port=$PGPORT"
	if psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $_d" >"$W/$_t-db.err" 2>&1; then
		"$_fn" >"$W/$_t.out" 2>&1
		tally $? "$W/$_t.out" "$_l" "$_k"
	else
		fail "a database for $_l" "$(head -c 300 "$W/$_t-db.err")"
	fi
	sh "$S" stop "$PGDIR"
	PGDIR=
	unset PGHOST PGPORT PGUSER
}

if ! B=$(sh "$S" have 2>/dev/null); then
	echo "skip - tests/pg: no PostgreSQL server binaries (Debian's postgresql is not installed); nothing run"
	exit 0
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pgtest.XXXXXX") || exit 2
PGDIR=
# Whatever happens below, the server this script started is stopped and
# its folder removed.
trap 'if [ -n "$PGDIR" ]; then sh "$S" stop "$PGDIR" >/dev/null 2>&1; fi; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# The client: libpq from C when its headers are here, else psql.
CLIENT=psql
if pkg-config --exists libpq 2>/dev/null &&
	${CC:-cc} -std=c17 -Wall -Wextra -Werror -o "$W/conn" "$HERE/conn.c" \
		$(pkg-config --cflags --libs libpq) 2>"$W/cc.log"; then
	CLIENT=libpq
elif pkg-config --exists libpq 2>/dev/null; then
	fail "tests/pg/conn.c compiles against libpq" "$(head -c 400 "$W/cc.log")"
fi
client() { # DBNAME: create, use and drop it
	if [ $CLIENT = libpq ]; then
		"$W/conn" "$1"
	else
		psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $1" &&
			psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "CREATE TABLE t(id bigint); INSERT INTO t VALUES (1)" &&
			psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $1"
	fi
}
# Every process of a server: the postmaster and its children.
family() { echo "$1"; pgrep -P "$1" 2>/dev/null; }
none_alive() { for p in $1; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }

echo "# a throw-away server ($B), client: $CLIENT"
if out=$(sh "$S" start 2>"$W/start.err"); then
	eval "$out"
	PGDIR=$BZJ_PG_DIR
	pid=$(head -n 1 "$PGDIR/data/postmaster.pid")
	procs=$(family "$pid")
	ok "start: the server runs (postmaster $pid)"
	owner=$(stat -c %U "$PGDIR")
	mode=$(stat -c %a "$PGDIR")
	if [ "$(id -u)" = 0 ]; then
		[ "$owner" != root ] && [ "$mode" = 700 ] &&
			[ "$(ps -o user= -p "$pid" | tr -d ' ')" = "$owner" ] &&
			ok "run as root: the folder ($mode) and the server belong to $owner, not root" ||
			fail "run as root: a non-root server" "folder $owner $mode, server $(ps -o user= -p "$pid")"
	else
		[ "$mode" = 700 ] && ok "the folder is private ($mode)" || fail "the folder is private" "$mode"
	fi
	[ -S "$PGDIR/.s.PGSQL.$PGPORT" ] && ok "it listens on a Unix socket in its own folder" ||
		fail "Unix socket in the folder" "$(ls -a "$PGDIR")"
	v=$(psql -X -At -d postgres -c "SHOW listen_addresses" 2>&1)
	[ -z "$v" ] && ok "no TCP listener (listen_addresses is empty)" || fail "no TCP listener" "$v"
	if client bzj_infra_t1 >"$W/client.log" 2>&1; then
		ok "$CLIENT: created, used and dropped a database"
	else
		fail "$CLIENT round trip" "$(head -c 400 "$W/client.log")"
	fi
	sh "$S" stop "$PGDIR"
	src=$?
	if [ $src = 0 ] && [ ! -e "$PGDIR" ] && none_alive "$procs"; then
		ok "stop: no server process left ($(echo $procs | wc -w) were running), folder gone"
	else
		fail "stop cleans up" "stop exit $src, folder $(ls -d "$PGDIR" 2>&1), alive: $(for p in $procs; do kill -0 "$p" 2>/dev/null && echo "$p"; done)"
	fi
	PGDIR=
else
	fail "start" "$(head -c 600 "$W/start.err")"
fi

echo "# a test that fails half-way still leaves nothing behind"
(
	eval "$(sh "$S" start)" || exit 9
	trap 'sh "$S" stop "$BZJ_PG_DIR" >/dev/null 2>&1' EXIT
	p=$(head -n 1 "$BZJ_PG_DIR/data/postmaster.pid")
	echo "$BZJ_PG_DIR $(family "$p" | tr '\n' ' ')" >"$W/second"
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SELECT no_such_function()" >/dev/null 2>&1
	exit 1 # the failing test
)
src=$?
read -r dir procs <"$W/second" 2>/dev/null || dir=
if [ $src = 1 ] && [ -n "$dir" ] && [ ! -e "$dir" ] && none_alive "$procs"; then
	ok "a failing test (exit 1): its server stopped, no process left, folder gone"
else
	fail "cleanup after a failing test" "exit $src, folder '$dir' $(ls -d "$dir" 2>&1), procs $procs"
fi

# The PostgreSQL driver (core/store_pg.c) against its own server:
# tests/pg/driver.c, built by make as build/san/tests/pg_driver and given
# as $1.  A role with a password (bzj_pw) is added to pg_hba.conf so a
# wrong password can be refused; after the server is stopped, opening
# must fail naming the host.
DRV=${1:-}
if [ -z "$DRV" ]; then
	echo "# the driver test was not given (tests/pg/run.sh BUILD/san/tests/pg_driver); skipped"
elif [ ! -x "$DRV" ]; then
	fail "the driver test" "$DRV is not built"
else
	echo "# the PostgreSQL driver: $DRV"
	if out=$(sh "$S" start 2>"$W/start2.err"); then
		eval "$out"
		PGDIR=$BZJ_PG_DIR
		hba="$PGDIR/data/pg_hba.conf"
		# truncating rewrites keep the file's owner (the server's account)
		{ echo "local all bzj_pw scram-sha-256"; cat "$hba"; } >"$W/hba" && cat "$W/hba" >"$hba"
		psql -X -q -v ON_ERROR_STOP=1 -d postgres \
			-c "CREATE ROLE bzj_pw LOGIN PASSWORD 'right-secret'" \
			-c "SELECT pg_reload_conf()" >/dev/null 2>"$W/hba.err" ||
			fail "a password-checked role" "$(head -c 300 "$W/hba.err")"
		enc=$(printf '%s' "$PGDIR" | sed 's,/,%2F,g')
		URI="postgresql:///bzj_drv?host=$enc&port=$PGPORT"
		"$DRV" all "$URI" >"$W/driver.out" 2>&1
		drc=$?
		sed -n 's/^\(ok\|FAIL\|#\)/  &/p' "$W/driver.out"
		dp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$W/driver.out")
		df=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$W/driver.out")
		if [ $drc = 0 ] && [ -n "$dp" ] && [ "$df" = 0 ]; then
			ok "the driver against a live server: $dp checks"
		else
			fail "the driver against a live server" "exit $drc, ${dp:-?} passed, ${df:-?} failed; $(grep -v '^ok' "$W/driver.out" | head -c 1500)"
		fi
		sh "$S" stop "$PGDIR"
		PGDIR=
		# the server is gone: its socket folder too; the host is still named
		if "$DRV" down "host=$BZJ_PG_DIR port=$PGPORT dbname=bzj_drv password=topsecret" >"$W/down.out" 2>&1; then
			ok "$(sed -n 's/^ok - //p' "$W/down.out" | head -c 400)"
		else
			fail "server stopped" "$(cat "$W/down.out" | head -c 600)"
		fi
	else
		fail "start a server for the driver" "$(head -c 600 "$W/start2.err")"
	fi
fi

# bzj itself on PostgreSQL, end to end (tests/pg/e2e.sh): the first
# commands against a SQLite file and a fresh database on a server of its
# own, their JSON compared field by field.  The bzj binary is $2, else the
# one next to the driver test's folder (build/san/bzj for
# build/san/tests/pg_driver).
BZJ=${2:-}
if [ -z "$BZJ" ] && [ -n "$DRV" ]; then
	BZJ=$(dirname "$(dirname "$DRV")")/bzj
fi
if [ -z "$BZJ" ]; then
	echo "# bzj end to end on PostgreSQL: no bzj binary given; skipped"
elif [ ! -x "$BZJ" ]; then
	fail "bzj end to end on PostgreSQL" "$BZJ is not built"
else
	echo "# bzj end to end on PostgreSQL: $BZJ"
	e2e() { BZJ_PG_LOG=$PGDIR/server.log sh "$HERE/e2e.sh" "$BZJ" "$URI"; }
	on_db e2e bzj_e2e "bzj on PostgreSQL, end to end" ", the same as on SQLite" e2e
fi

# `bzj demo` on PostgreSQL (tests/pg/demo.sh): its bulk path against the
# row-by-row one and SQLite with the same seed (every table, the seals,
# the commands' JSON), keyed, and stopped by SIGINT and SIGKILL during its
# load; on a server of its own.  The large interrupted demos run on the
# release build next to the sanitized one when there is one.
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# bzj demo on PostgreSQL, bulk and row by row: $BZJ"
	DREL=$(dirname "$(dirname "$BZJ")")/bzj
	[ -x "$DREL" ] && [ "$DREL" != "$BZJ" ] || DREL=$BZJ
	if out=$(sh "$S" start 2>"$W/start6.err"); then
		eval "$out"
		PGDIR=$BZJ_PG_DIR
		sh "$HERE/demo.sh" "$BZJ" "$DREL" >"$W/demo.out" 2>&1
		drc=$?
		sed -n 's/^\(ok\|FAIL\)/  &/p' "$W/demo.out"
		dp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$W/demo.out")
		df=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$W/demo.out")
		if [ $drc = 0 ] && [ -n "$dp" ] && [ "$df" = 0 ]; then
			ok "bzj demo on PostgreSQL: $dp checks (bulk = row by row = SQLite, keyed, interrupted)"
		else
			fail "bzj demo on PostgreSQL" "exit $drc, ${dp:-?} passed, ${df:-?} failed; $(grep -v '^ok' "$W/demo.out" | head -c 1500)"
		fi
		sh "$S" stop "$PGDIR"
		PGDIR=
		unset PGHOST PGPORT PGUSER
	else
		fail "start a server for the demo test" "$(head -c 600 "$W/start6.err")"
	fi
fi

# `bzj copy` (tests/pg/copy.sh): an SQLite database into a new PostgreSQL
# one, every table row for row, the same answers from both, the refusals,
# and a copy killed or interrupted while it sends rows; on a server of its
# own (the large copies on the release build).
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# bzj copy, SQLite into PostgreSQL: $BZJ"
	CREL=$(dirname "$(dirname "$BZJ")")/bzj
	[ -x "$CREL" ] || CREL=$BZJ
	copies() { sh "$HERE/copy.sh" "$BZJ" "$CREL"; }
	on_db copy bzj_copy_run "bzj copy into PostgreSQL" \
		" (every table row for row, the same answers, refusals write nothing, kills leave nothing)" copies
fi

# 16 concurrent writers on PostgreSQL (tests/pg/stress.sh): top-ups with
# fresh, replayed and no refs on the same shops, nothing lost or doubled,
# every ref once, sum of the ledger = balances, bzj check clean; on a
# server and database of its own.
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# 16 writers at once on PostgreSQL: $BZJ"
	writers() { bash "$HERE/stress.sh" "$BZJ" "$URI"; }
	on_db stress bzj_stress "16 writers on PostgreSQL" \
		" (nothing lost, nothing doubled, check clean)" writers
fi

# The stress suite on PostgreSQL (tests/stress/run.sh, STRESS_BACKEND=pg):
# SQLite's 8 writers of every kind (approvals, payments, top-ups,
# violations, checklists, submissions, GMV), the recompute loop, the
# reader and the same-moment races, checked by the same SQL; the writers
# run 15 s, since a sanitized call on PostgreSQL costs more than on SQLite.
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# the stress suite on PostgreSQL: $BZJ"
	stress_all() {
		STRESS_BACKEND=pg STRESS_DB=$URI STRESS_SECONDS=${STRESS_SECONDS:-15} \
			bash "$HERE/../stress/run.sh" "$BZJ" short
	}
	on_db stress-all bzj_stress_all "the stress suite on PostgreSQL" \
		" (nothing lost, no double payment, races decided once)" stress_all
fi

# The whole e2e suite on PostgreSQL (tests/e2e/run.sh, E2E_BACKEND=pg):
# every case file against a server of its own, each database a case
# names a fresh PostgreSQL database; what is SQLite-only by nature is
# skipped with its reason printed (`skip -` lines), as is any case file
# in E2E_PG_KNOWN_FAILING (printed as "known failing on PostgreSQL").
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# the e2e suite on PostgreSQL: $BZJ"
	if out=$(sh "$S" start 2>"$W/start5.err"); then
		eval "$out"
		PGDIR=$BZJ_PG_DIR
		E2E_BACKEND=pg sh "$HERE/../e2e/run.sh" "$BZJ" >"$W/e2e-all.out" 2>&1
		arc=$?
		sed -n 's/^\(FAIL\|skip\|# known\)/  &/p' "$W/e2e-all.out"
		ap=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$W/e2e-all.out")
		af=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$W/e2e-all.out")
		as=$(grep -c '^skip - ' "$W/e2e-all.out")
		if [ $arc = 0 ] && [ -n "$ap" ] && [ "$af" = 0 ]; then
			ok "the e2e suite on PostgreSQL: $ap checks ($as SQLite-only parts skipped, named above)"
		else
			fail "the e2e suite on PostgreSQL" "exit $arc, ${ap:-?} passed, ${af:-?} failed; $(grep '^FAIL' "$W/e2e-all.out" | head -c 1500)"
		fi
		sh "$S" stop "$PGDIR"
		PGDIR=
		unset PGHOST PGPORT PGUSER
	else
		fail "start a server for the e2e suite" "$(head -c 600 "$W/start5.err")"
	fi
fi

# The release build next to the sanitized one (the safety suite's mapped
# input and the crash suite use it, as make check does for SQLite).
REL=${3:-}
if [ -z "$REL" ] && [ -n "$BZJ" ] && [ "$(basename "$(dirname "$BZJ")")" = san ]; then
	REL=$(dirname "$(dirname "$BZJ")")/bzj
fi
[ -n "$REL" ] && [ -x "$REL" ] || REL=

# suite NAME OUT COMMAND...: a suite's summary line ("N passed, M
# failed"), its FAIL and skip lines shown, one ok/FAIL here with its count.
suite() {
	_name=$1 _out=$2
	shift 2
	"$@" >"$_out" 2>&1
	_rc=$?
	sed -n 's/^\(FAIL\|skip\)/  &/p' "$_out"
	_p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$_out" | tail -n 1)
	_f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$_out" | tail -n 1)
	_s=$(grep -c '^skip .* on PostgreSQL: ' "$_out")
	[ "$_s" = 0 ] && _s=
	if [ $_rc = 0 ] && [ -n "$_p" ] && [ "$_f" = 0 ]; then
		ok "$_name: $_p checks${_s:+ ($_s SQLite-only parts skipped, named above)}"
	else
		fail "$_name" "exit $_rc, ${_p:-?} passed, ${_f:-?} failed; $(grep '^FAIL' "$_out" | head -c 1500)"
	fi
}

# The safety suite on PostgreSQL (tests/safety/run.sh, SAFETY_BACKEND=pg):
# on a server it starts itself (its folder opened to other uids for the
# cases run as nobody); what is about the SQLite file itself is skipped
# with its reason (`skip ... on PostgreSQL:` lines).
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# the safety suite on PostgreSQL: $BZJ"
	suite "the safety suite on PostgreSQL" "$W/safety.out" env -C "$HERE/../.." -u PGHOST -u PGPORT -u PGUSER \
		SAFETY_BACKEND=pg SAFETY_SETGID_BIN="$REL" bash tests/safety/run.sh "$BZJ"
fi

# The crash suite on PostgreSQL (tests/crash/run.sh, CRASH_BACKEND=pg):
# kill -9 at random points of the bulk jobs and single writes, 10 kills
# (CRASH_KILLS) so make check stays short; all or nothing through psql,
# bzj check, audit verify, no seal pending, no session of a killed bzj
# left on the server (in place of SQLite's integrity_check).
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# the crash suite on PostgreSQL: ${REL:-$BZJ}, ${CRASH_PG_KILLS:-10} kills"
	suite "the crash suite on PostgreSQL" "$W/crash.out" env -C "$HERE/../.." -u PGHOST -u PGPORT -u PGUSER \
		CRASH_BACKEND=pg CRASH_KILLS="${CRASH_PG_KILLS:-10}" bash tests/crash/run.sh "${REL:-$BZJ}"
fi

# The deployment on PostgreSQL (tests/pg/trust.sh, docs/deploy.md): the
# grants of bzj's login, an operator's own role, the credential readable
# by the bzj group only under a setgid install (the release build next to
# the sanitized one: a sanitized binary cannot run setgid), exit 4 on a
# wrong password and 6 with the server down; a server of its own.
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# the deployment on PostgreSQL: $BZJ${REL:+, setgid $REL}"
	bash "$HERE/trust.sh" "$BZJ" "$REL" >"$W/trust.out" 2>&1
	trc=$?
	sed -n 's/^\(ok\|FAIL\|skip\)/  &/p' "$W/trust.out"
	tp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$W/trust.out")
	tf=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$W/trust.out")
	if [ $trc = 0 ] && [ -n "$tp" ] && [ "$tf" = 0 ]; then
		ok "the deployment on PostgreSQL: $tp checks"
	else
		fail "the deployment on PostgreSQL" "exit $trc, ${tp:-?} passed, ${tf:-?} failed; $(grep -v '^ok' "$W/trust.out" | head -c 1500)"
	fi
fi

# The console on PostgreSQL (tests/pg/console.sh, tmux): first screen,
# PgDn, a search, a shop's detail refreshed by another's top-up, Q.
if [ -n "$BZJ" ] && [ -x "$BZJ" ]; then
	echo "# the console on PostgreSQL: $BZJ"
	sh "$HERE/console.sh" "$BZJ" >"$W/console.out" 2>&1
	crc=$?
	sed -n 's/^\(ok\|FAIL\|skip\)/  &/p' "$W/console.out"
	cp_=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$W/console.out")
	cf=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$W/console.out")
	if [ $crc = 0 ] && [ -n "$cp_" ] && [ "$cf" = 0 ]; then
		ok "the console on PostgreSQL: $cp_ checks"
	else
		fail "the console on PostgreSQL" "exit $crc, ${cp_:-?} passed, ${cf:-?} failed; $(grep -v '^ok' "$W/console.out" | head -c 1500)"
	fi
fi

echo "# stop removes only what start made"
mkdir "$W/not-ours"
if ! sh "$S" stop "$W/not-ours" 2>/dev/null && [ -d "$W/not-ours" ]; then
	ok "stop refuses a folder start did not make (exit 2, left in place)"
else
	fail "stop refuses a foreign folder" "$(ls -d "$W/not-ours" 2>&1)"
fi

echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
