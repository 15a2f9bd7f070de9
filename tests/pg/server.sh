#!/bin/sh
# server.sh start | stop DIR | have - a throw-away PostgreSQL server for tests
# (issue 16).
#
#   eval "$(sh tests/pg/server.sh start)"   # sets BZJ_PG_DIR, PGHOST, PGPORT, PGUSER
#   sh tests/pg/server.sh stop "$BZJ_PG_DIR"
#
# start: initdb + pg_ctl in a new `mktemp -d` folder; the server listens
# on a Unix socket in that folder only (no TCP), trusts its one user
# (bzj_test) and runs without fsync; collation C, LC_CTYPE C.UTF-8 (below).  Run as root, the folder is given to
# a non-root account (postgres when it exists, else nobody) and the server
# runs as it (PostgreSQL refuses to run as root).  Prints the shell
# assignments on stdout; exit 3 when no server binaries are installed.
# stop: stops that server (fast, then immediate, then SIGKILL to the
# postmaster's own pid, read from its postmaster.pid), and removes the
# folder.  It only removes a folder start made (it holds .bzj-pg).
# have: prints the folder of the server binaries; exit 3 when there are none.
# BZJ_PG_DATA (start): keep the cluster's data directory there instead of
# inside the folder (the bench's cache, tests/bench/pg.sh): made by initdb
# when it does not exist, else started as it is; the folder holds a link
# to it, so stop leaves it in place.
set -u
PORT=5432
USER_NAME=bzj_test

bindir() {
	if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then
		echo "$PG_BIN"
		return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
	done
	p=$(command -v initdb 2>/dev/null) || return 1
	d=$(dirname "$(readlink -f "$p")")
	[ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
	return 1
}

# as OWNER CMD...: run CMD as the folder's owner (root hands it over).
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		owner=$(cat "$DIR/.bzj-pg")
		if command -v runuser >/dev/null 2>&1; then
			runuser -u "$owner" -- "$@"
		else
			setpriv --reuid="$owner" --regid="$(id -g "$owner")" --clear-groups -- "$@"
		fi
	else
		"$@"
	fi
}

start() {
	B=$(bindir) || { echo "server.sh: no PostgreSQL server binaries (initdb, pg_ctl, postgres); install Debian's postgresql" >&2; exit 3; }
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pg.XXXXXX") || exit 2
	owner=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
		chown "$owner:" "$DIR" 2>/dev/null || chown "$owner" "$DIR"
	fi
	chmod 0700 "$DIR"
	echo "$owner" >"$DIR/.bzj-pg"
	# Collation C (byte order, as SQLite compares), character classes
	# C.UTF-8, as docs/deploy.md suggests (schemas 23-26 needed it for
	# pg_trgm; bzj's trigram postings, v27, read Chinese under any
	# LC_CTYPE, and tests/pg/e2e.sh searches a database of LC_CTYPE C
	# too); every database made from template1 inherits it.  bzj's own
	# SQL lower-cases with COLLATE "C", so the classes change nothing
	# else.  Plain C where the system has no C.UTF-8.
	initdb_ok=0
	if [ -n "${BZJ_PG_DATA:-}" ]; then
		if [ -f "$BZJ_PG_DATA/PG_VERSION" ]; then
			initdb_ok=1
		else
			rm -rf "$BZJ_PG_DATA"
			mkdir -p "$BZJ_PG_DATA"
		fi
		[ "$(id -u)" = 0 ] && chown -R "$owner:" "$BZJ_PG_DATA" 2>/dev/null
		chmod 0700 "$BZJ_PG_DATA"
		ln -s "$BZJ_PG_DATA" "$DIR/data"
	fi
	[ $initdb_ok = 1 ] || for CTYPE in --lc-ctype=C.UTF-8 ""; do
		[ -L "$DIR/data" ] || rm -rf "$DIR/data"
		if as_owner "$B/initdb" -D "$DIR/data" -U "$USER_NAME" -A trust -E UTF8 --locale=C $CTYPE \
			--no-sync >"$DIR/initdb.log" 2>&1; then
			initdb_ok=1
			break
		fi
	done
	if [ $initdb_ok = 0 ]; then
		echo "server.sh: initdb failed:" >&2
		tail -n 20 "$DIR/initdb.log" >&2
		rm -rf "$DIR"
		exit 1
	fi
	if ! as_owner "$B/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
		-o "-c listen_addresses= -c unix_socket_directories=$DIR -p $PORT -c fsync=off -c full_page_writes=off -c max_connections=40" \
		start >"$DIR/pg_ctl.log" 2>&1; then
		echo "server.sh: the server did not start:" >&2
		tail -n 20 "$DIR/server.log" "$DIR/pg_ctl.log" >&2
		stop "$DIR" >/dev/null 2>&1
		exit 1
	fi
	echo "$B" >"$DIR/.bin"
	echo "BZJ_PG_DIR=$DIR; PGHOST=$DIR; PGPORT=$PORT; PGUSER=$USER_NAME; export BZJ_PG_DIR PGHOST PGPORT PGUSER"
}

# The postmaster's pid, from the first line of its pid file.
postmaster_pid() {
	[ -f "$DIR/data/postmaster.pid" ] && head -n 1 "$DIR/data/postmaster.pid"
}

stop() {
	DIR=${1:?usage: server.sh stop DIR}
	[ -f "$DIR/.bzj-pg" ] || { echo "server.sh: $DIR is not a folder server.sh made" >&2; exit 2; }
	pid=$(postmaster_pid || true)
	B=$(cat "$DIR/.bin" 2>/dev/null || bindir || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		[ -n "$B" ] && as_owner "$B/pg_ctl" -D "$DIR/data" -m fast -w -t 20 stop >/dev/null 2>&1
		if kill -0 "$pid" 2>/dev/null; then
			[ -n "$B" ] && as_owner "$B/pg_ctl" -D "$DIR/data" -m immediate -w -t 10 stop >/dev/null 2>&1
		fi
		if kill -0 "$pid" 2>/dev/null; then
			kill -9 "$pid" 2>/dev/null
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		fi
	fi
	rm -rf "$DIR"
	[ ! -e "$DIR" ] && { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; }
}

case "${1:-}" in
have) bindir || exit 3 ;;
start) start ;;
stop) stop "${2:-}" ;;
*) echo "usage: server.sh start | stop DIR | have" >&2; exit 2 ;;
esac
