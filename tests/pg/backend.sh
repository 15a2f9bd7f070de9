# tests/pg/backend.sh - sourced (POSIX sh) by the suites that run on either
# store: tests/e2e/run.sh, tests/safety/run.sh and tests/crash/run.sh.  A
# case names its database by a SQLite path ($T/NN_topic.db); on PostgreSQL
# that path stands for a database of its own on one server.
#
# Before sourcing, the suite sets
#   T           its scratch folder
#   PGB_PREFIX  the prefix of its databases' names (e2e, saf, crash)
#   PGB_NAME    its name in messages
#   PGB_SERVER  the path of tests/pg/server.sh
# and defines pg (true when the suite runs on PostgreSQL).
PGB_DIR=

# pgb_start: the server.  When PGHOST names none, a throw-away one
# (tests/pg/server.sh; stopped by pgb_cleanup).  The server is then kept
# for psql and pg_dump only (pgcmd) and the PG* variables are unset: bzj
# gets it in its URI, never from the environment, so a case that names no
# server (e2e 17_store_location.sh) reaches none.
pgb_start() {
	if [ -z "${PGHOST:-}" ]; then
		_pgb_out=$(sh "$PGB_SERVER" start) || return 2
		eval "$_pgb_out"
		PGB_DIR=$BZJ_PG_DIR
	fi
	PGB_H=$PGHOST
	PGB_P=${PGPORT:-5432}
	PGB_U=${PGUSER:-bzj_test}
	unset PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGPASSWORD
	PGB_HOST=$(printf '%s' "$PGB_H" | sed 's,/,%2F,g')
	mkdir "$T/.pgdb" || return 2
	echo "# backend: PostgreSQL (server $PGB_H, port $PGB_P, user $PGB_U)"
}

# pgb_cleanup: a server of our own is stopped (and its folder removed); on
# one we were given, the databases we made are dropped.
pgb_cleanup() {
	if [ -n "$PGB_DIR" ]; then
		sh "$PGB_SERVER" stop "$PGB_DIR" >/dev/null 2>&1
	elif [ -d "$T/.pgdb" ]; then
		for _pgb_f in "$T"/.pgdb/"$PGB_PREFIX"_*; do
			[ -e "$_pgb_f" ] && pgcmd psql -X -q -d postgres \
				-c "DROP DATABASE IF EXISTS $(basename "$_pgb_f") WITH (FORCE)" >/dev/null 2>&1
		done
	fi
	return 0
}

# pgcmd CMD...: a PostgreSQL client (psql, pg_dump) on the test server.
pgcmd() {
	env PGHOST="$PGB_H" PGPORT="$PGB_P" PGUSER="$PGB_U" "$@"
}

# dbname PATH: the database standing for the SQLite file PATH, by its path
# under $T ($T/ww-db/bzj.db -> saf_ww_db_bzj).
dbname() {
	_pgb_p=${1#"$T"/}
	printf '%s_%s\n' "$PGB_PREFIX" "${_pgb_p%.db}" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_' | cut -c1-63
}

# dburi PATH: what --db names for the database PATH: PATH itself on
# SQLite; on PostgreSQL the URI of its database, created empty on first
# use (what a missing file is to SQLite).  Anything but a *.db path (a
# URI, a conninfo) is passed as it is.
dburi() {
	case $1 in
	*.db) ;;
	*) printf '%s\n' "$1"; return 0 ;;
	esac
	if ! pg; then
		printf '%s\n' "$1"
		return 0
	fi
	_pgb_n=$(dbname "$1")
	if [ ! -e "$T/.pgdb/$_pgb_n" ]; then
		pgcmd psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $_pgb_n" \
			>/dev/null 2>"$T/.pgdb/err" ||
			echo "$PGB_NAME: CREATE DATABASE $_pgb_n: $(cat "$T/.pgdb/err")" >&2
		: >"$T/.pgdb/$_pgb_n"
	fi
	printf 'postgresql://%s@/%s?host=%s&port=%s\n' "$PGB_U" "$_pgb_n" "$PGB_HOST" "$PGB_P"
}

# pgb_sq PATH SQL [PGSQL]: SQL on the database PATH, rows as sqlite3 prints
# them (columns joined by |); PGSQL, when given, is PostgreSQL's spelling
# of the same question (where SQLite's functions or catalogue differ).
# On SQLite it waits up to 5 s for a writer's lock, as bzj does.
pgb_sq() {
	if pg; then
		dburi "$1" >/dev/null
		printf '%s\n' "${3:-$2}" | pgcmd psql -X -A -t -q -v ON_ERROR_STOP=1 -F '|' -d "$(dbname "$1")"
	else
		sqlite3 -batch -noheader -cmd ".timeout 5000" "$1" "$2"
	fi
}
