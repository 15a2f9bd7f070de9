#!/bin/sh
# console.sh BZJ - the console on PostgreSQL (issue 16), a tmux smoke test
# in the manner of tests/tui/run.sh, against a throw-away server of its own
# (server.sh): `bzj --db postgresql://…` opens on the shop list, PgDn
# moves a page, a Chinese search finds the one shop, Enter opens its
# detail, a top-up made meanwhile from the command line shows up in the
# open detail (data_version), Q quits with exit 0 and nothing on stderr.
# Prints ok/FAIL/skip lines and "N passed, M failed".
set -u
BIN=${1:?usage: console.sh BZJ}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=$HERE/../../data/demo.conf
S_SH=$HERE/server.sh
TODAY=2026-11-23
TIMEOUT=${BZJ_TUI_TIMEOUT:-20}
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1: $2"; }
command -v tmux >/dev/null 2>&1 || { echo "skip - the console on PostgreSQL: no tmux"; echo "0 passed, 0 failed"; exit 0; }
unset TMUX TMUX_PANE BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_USER
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pgcon.XXXXXX") || exit 2
SOCK=bzj-pgcon-$$
PGDIR=
trap 'tmux -L "$SOCK" kill-server >/dev/null 2>&1; if [ -n "$PGDIR" ]; then sh "$S_SH" stop "$PGDIR" >/dev/null 2>&1; fi; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}"

out=$(sh "$S_SH" start) || { fail "start a server" "server.sh start failed"; echo "$PASS passed, $FAIL failed"; exit 1; }
eval "$out"
PGDIR=$BZJ_PG_DIR
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE bzj_console" >/dev/null
enc=$(printf '%s' "$PGDIR" | sed 's,/,%2F,g')
URI="postgresql:///bzj_console?host=$enc&port=$PGPORT"
cli() { _u=$1; shift; BZJ_USER=$_u "$BIN" --config "$CONF" --db "$URI" --today $TODAY "$@"; }
if ! cli demo demo --shops 50 --seed 7 >/dev/null 2>"$W/demo.err"; then
	fail "demo data on PostgreSQL" "$(head -c 300 "$W/demo.err")"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
# a shop whose name no other shares, and the text to search it by
cli demo --json shop list --limit 0 >"$W/shops.json"
read -r SHOP NAME BAL <<EOF_PGCON_PICK
$(python3 -c '
import json,sys,collections
d=json.load(open(sys.argv[1]))["shops"]
c=collections.Counter(s["name"] for s in d)
for s in d[30:]:
    if c[s["name"]]==1 and s["status"]=="open":
        print(s["id"], s["name"], s["balance_fen"]); break
' "$W/shops.json")
EOF_PGCON_PICK

T() { tmux -L "$SOCK" "$@"; }
screen() { T capture-pane -p -t bzj 2>/dev/null; }
keys() { T send-keys -t bzj "$@"; }
text() { T send-keys -t bzj -l "$1"; }
wait_for() { # [-n] TEXT: poll every 50 ms
	_neg=0
	[ "$1" = -n ] && { _neg=1; shift; }
	_t=$((TIMEOUT * 20))
	while [ $_t -gt 0 ]; do
		if screen | grep -qF -- "$1"; then [ $_neg = 0 ] && return 0; else [ $_neg = 1 ] && return 0; fi
		sleep 0.05
		_t=$((_t - 1))
	done
	return 1
}
step() { # NAME TEXT [-n]: wait for TEXT, ok or FAIL with the screen
	if wait_for ${3:-} "$2"; then ok "$1"; else fail "$1" "waited for '$2'; screen: $(screen | head -n 8 | tr '\n' '|')"; fi
}
yuan() { python3 -c 'import sys; f=int(sys.argv[1]); print("¥{:,}.{:02d}".format(f // 100, f % 100))' "$1"; }

T new-session -d -s keeper "sleep 86400" || { fail "tmux" "cannot start"; echo "$PASS passed, $FAIL failed"; exit 1; }
T new-session -d -s bzj -x 100 -y 30 \
	"env BZJ_USER=rev1 LANG=C.UTF-8 LC_ALL= LANGUAGE= TERM=tmux-256color \
	'$BIN' --config '$CONF' --db '$URI' --today $TODAY 2>>'$W/stderr'; echo \"EXITED \$?\"; sleep 30"
step "the first screen: the shop list on PostgreSQL" "Shops 1/50"
step "the first screen: shop rows" "S0000001"
keys NPage
step "PgDn moves a page" -n "Shops 1/50"
screen | grep -q "Shops [2-9][0-9]*/50" && ok "PgDn: the cursor is further down ($(screen | grep -o 'Shops [0-9]*/50'))" ||
	fail "PgDn: cursor" "$(screen | head -n 3 | tr '\n' '|')"
keys /
text "$NAME"
step "search by the Chinese name: one found" "1 found"
step "search: the shop is listed" "$SHOP"
keys Enter Enter
step "Enter opens the shop's detail" "Required deposit"
step "detail: the shop's balance" "$(yuan "$BAL")"
cli fin1 --json topup "$SHOP" 1.23 --ref pgcon-1 >"$W/topup.out" 2>&1 ||
	fail "a top-up from the command line while the console is open" "$(head -c 300 "$W/topup.out")"
step "the open detail shows the top-up made meanwhile (data_version on PostgreSQL)" "$(yuan $((BAL + 123)))"
keys Q
step "Q quits" "EXITED"
if screen | grep -q "EXITED 0"; then ok "the console exits 0"; else fail "the console exits 0" "$(screen | grep EXITED)"; fi
if [ -s "$W/stderr" ]; then fail "nothing on stderr" "$(head -c 400 "$W/stderr")"; else ok "nothing on stderr"; fi
T kill-server >/dev/null 2>&1
sh "$S_SH" stop "$PGDIR"
PGDIR=
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
