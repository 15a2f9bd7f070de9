# ==== service providers: hostile input ===========================================
# Escape sequences in every provider text and id never reach the terminal;
# amounts and counts at the limits are refused with nothing written.
EC=$'\033[2J' OSC=$'\033]0;pwned\007'
DBSAVE=$DB
DB=$(fresh providers)
pesc() { # NAME ARGS... : refused (1..6), no raw ESC, JSON and text
	local name=$1 why=""
	shift
	x "$@"
	has_esc && why="json: raw ESC"
	[ "$RC" -ge 1 ] && [ "$RC" -le 6 ] || why="$why exit $RC"
	x --text "$@"
	has_esc && why="$why text: raw ESC ($(grep -h -m1 "$ESC" "$T/err" "$T/out" | cat -v | head -c 120))"
	is "providers, escape sequences: $name" "$([ -z "$why" ]; echo $?)" "$why"
}
pesc "provider id" --user rev1 provider add "$EC" --name n --entity-name e --kind agency
pesc "provider name" --user rev1 provider add PX1 --name "a${OSC}b" --entity-name e --kind agency
pesc "entity name" --user rev1 provider add PX2 --name n --entity-name "$EC" --kind agency
pesc "kind" --user rev1 provider add PX3 --name n --entity-name e --kind "$EC"
pesc "provider show" provider show "$EC"
pesc "assessment name" assess show "$EC"
pesc "complaint note" --user rev1 complaint add P00001 --shop "$P" --note "$EC"
pesc "complaint id" --user rev2 complaint dismiss "$OSC" --reason x
pesc "top-up ref" --user fin1 provider topup P00001 10 --ref "$EC"
pesc "payee name" --user rev1 provider payee P00001 --name "$EC" --account 62220000111122223333
pesc "bind shop id" --user rev1 provider bind P00001 "$EC" --from 2026-01-05
pesc "orders date" provider orders P00001 --from "$EC" --to 2026-01-05
printf 'shop_id,date,paid_orders,gift_orders\n%s,2026-01-05,1,0\n%s,2026-01-05,x%s,0\n' \
	"a${EC}" "$P" "$OSC" >"$T/orders-esc.csv"
pesc "orders CSV" --user fin1 import orders "$T/orders-esc.csv"

h=$(dump_hash "$DB")
x --user fin1 provider topup P00001 100000000001
expect "providers: a top-up above 100 billion yuan is refused, nothing written" \
	2 input.amount "*amount*" "$h" "$DB"
printf 'shop_id,date,paid_orders,gift_orders\n%s,2026-01-05,9999999999,0\n' "$P" >"$T/orders-big.csv"
x --user fin1 import orders "$T/orders-big.csv"
expect "providers: an order count of ten digits is refused, nothing written" \
	2 import.invalid "*bad line*" "$h" "$DB"
x --user rev1 provider add "P'; DROP TABLE provider; --" --name n --entity-name e --kind agency
expect "providers: an id with SQL in it is refused as an id" 2 input.id "*provider id*" "$h" "$DB"
x --user cs1 provider list --public
is "providers: the public directory carries no account number" \
	"$(! grep -q '"account"' "$T/out"; echo $?)" "$(head -c 200 "$T/out")"
x check
is "providers: check passes after the refusals" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
DB=$DBSAVE
