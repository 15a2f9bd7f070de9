#!/bin/sh
# run.sh - the PostgreSQL test infrastructure (issue 16; no store backend
# yet): start a throw-away server (tests/pg/server.sh), connect over libpq
# from a tiny C program (tests/pg/conn.c; psql when libpq's headers are
# missing), create, use and drop a database, stop the server, and prove
# the cleanup: no server process left and its folder gone, also when the
# test using it fails half-way.  Skipped, with a line saying so, when no
# PostgreSQL server binaries are installed (make check needs no server).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
S="$HERE/server.sh"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1: $2"; }

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

echo "# stop removes only what start made"
mkdir "$W/not-ours"
if ! sh "$S" stop "$W/not-ours" 2>/dev/null && [ -d "$W/not-ours" ]; then
	ok "stop refuses a folder start did not make (exit 2, left in place)"
else
	fail "stop refuses a foreign folder" "$(ls -d "$W/not-ours" 2>&1)"
fi

echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
