# ==== money attacks: a back-dated payee change, a file imported twice =====
# (issue 10 items 2 and 3; the boundary days and every refusal are in
# tests/e2e/cases/40_rules.sh and 20_imports.sh).  An attacker who may
# record payees or run imports tries to move money around the rules.
MDB=$(fresh money)
# Item 2: a reviewer records a new account for $P dated a month ago, so that
# it would be "30 days old" at once and a payout could go to it today.
h=$(dump_hash "$MDB")
x --db "$MDB" --user rev1 shop payee "$P" --type "$ptype" --name "$pname" \
	--account 6222029999888877776 --date 2026-10-20
expect "a reviewer cannot back-date a payee change (exit 4, nothing written)" 4 notice.backdated '*' "$h" "$MDB"
x --db "$MDB" --user sup1 shop payee "$P" --type "$ptype" --name "$pname" \
	--account 6222029999888877776 --date 2026-12-31
expect "nobody can date a payee change in the future (exit 2, nothing written)" 2 input.date '*' "$h" "$MDB"
# Item 3: the same top-up file twice credits once; a second run is refused
# and names the first, so the money is never doubled.
printf 'shop_id,amount,date\n%s,123.45,2026-11-20\n' "$P" >"$T/twice.csv"
x --db "$MDB" --user fin1 import topups "$T/twice.csv"
[ "$RC" = 0 ] || bad "setup: first import: $ERR"
bal1=$(sq "$MDB" "SELECT balance_fen FROM shop WHERE id = '$P'")
h=$(dump_hash "$MDB")
x --db "$MDB" --user fin2 import topups "$T/twice.csv"
expect "the same top-up file again is refused (exit 1, nothing written)" 1 import.duplicate_file '*fin1*' "$h" "$MDB"
# the same lines in another file (no ref: a derived key) are a replay
cp "$T/twice.csv" "$T/twice-copy.csv"
printf '\n' >>"$T/twice-copy.csv"
x --db "$MDB" --user fin2 import topups "$T/twice-copy.csv"
bal2=$(sq "$MDB" "SELECT balance_fen FROM shop WHERE id = '$P'")
is "the same lines in another file credit nothing (a replay)" \
	"$([ "$RC" = 0 ] && [ "$bal1" = "$bal2" ]; echo $?)" "exit $RC, balance $bal1 -> $bal2: ${ERR:0:200}"
