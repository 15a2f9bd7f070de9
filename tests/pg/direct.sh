# tests/pg/direct.sh - sourced (POSIX sh) by the suites that talk to the
# test server directly, not through tests/pg/backend.sh's stand-in paths:
# tests/pg/demo.sh and tests/pg/copy.sh.  The server is the one
# PGHOST/PGPORT/PGUSER name.  Defines the tally (ok, fail, is; PASS and
# FAIL), uri, psq and newdb, and clears what would pick another database.
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok - %s\n' "$1"; }
fail() { FAIL=$((FAIL + 1)); printf 'FAIL - %s: %s\n' "$1" "$2"; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'${4:+; $4}"; fi; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_TEST_DEMO_SLOW
ENC=$(printf '%s' "$PGHOST" | sed 's,/,%2F,g')
# uri DB [USER]: the database DB on the test server, as USER (PGUSER's)
uri() { printf 'postgresql://%s@/%s?host=%s&port=%s\n' "${2:-${PGUSER:-bzj_test}}" "$1" "$ENC" "${PGPORT:-5432}"; }
psq() { psql -X -A -t -q -v ON_ERROR_STOP=1 -F '|' -d "$@"; }
newdb() { psq postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1; }
