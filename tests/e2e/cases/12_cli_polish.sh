# Issue 12, item 9: the command line's small slips.
DB=$T/12_polish.db
D=2026-11-23

# `calendar next` runs on the built-in calendar when there is no database,
# and creates none; other commands still say there is no database.
DB=$T/12_none.db
bz cs1 $D calendar next 2026-02-13 2
okrc "calendar next without a database"
jis "calendar next without a database: the built-in calendar" 'd["date"]' 2026-02-24
is "calendar next without a database: no file made" "$(ls "$T" | grep -c 12_none)" 0
bz cs1 $D calendar next 2027-02-13 2
erc "calendar next beyond the built-in years: calendar.missing_year" 1 calendar.missing_year
bz cs1 $D refund list
erc "other commands still need the database" 3 store.missing

DB=$T/12_polish.db
bz demo $D demo --shops 60 --seed 5
okrc "demo for the polish cases"

# `refund list --status all` is every status, as the console calls it.
bz cs1 $D refund list --status all
okrc "refund list --status all accepted"
_all=$(j 'd["total"]')
_sum=0
for _s in submitted approved paid rejected cancelled failed; do
	bz cs1 $D refund list --status $_s
	_sum=$((_sum + $(j 'd["total"]')))
done
is "refund list --status all: the sum of every status" "$_all" "$_sum"
refused "refund list --status bogus: input.status" 2 input.status cs1 $D refund list --status bogus
grepo "the refusal names all" "$T/err" "all, submitted"

# `shop show --json` gives every key, null when there is no figure.
bz demo $D shop add P1 --name 空白店 --entity individual --category 服饰内衣 --opened $D --operator 王五
okrc "a shop with no GMV"
jis "no floating figure: floating_gmv_month is null, not missing" \
	'"floating_gmv_month" in d and d["floating_gmv_month"] is None' true
jis "floating_gmv_fen null" '"floating_gmv_fen" in d and d["floating_gmv_fen"] is None' true
jis "floating_effective null" '"floating_effective" in d and d["floating_effective"] is None' true
bz cs1 $D shop list --limit 3
jis "list items have the same keys" \
	'all("floating_gmv_month" in s and "floating_effective" in s for s in d["shops"])' true

# Plain `shop list` starts with a header.
bzt cs1 $D shop list --limit 2
okrc "plain shop list"
_h=$(head -n 1 "$T/out")
case $_h in
ID*Shop*Entity*Required*Balance*) ok "plain shop list has a header line" ;;
*) fail "plain shop list has a header line" "first line: $_h" ;;
esac
is "header, two shops, the count" "$(wc -l <"$T/out" | tr -d ' ')" 4

# Names under a locale that is not UTF-8: escaped, with a hint.
LC_ALL=C BZJ_USER=cs1 "$BIN" --config "$CONF" --db "$(dburi "$DB")" --today $D shop list --limit 1 \
	>"$T/out" 2>"$T/err"
grepo "LANG=C: names escaped" "$T/out" '\xe'
grepo "LANG=C: a hint names a UTF-8 locale" "$T/err" "LANG=C.UTF-8"
BZJ_USER=cs1 "$BIN" --config "$CONF" --db "$(dburi "$DB")" --today $D shop list --limit 1 \
	>"$T/out" 2>"$T/err"
is "UTF-8 locale: no hint" "$(wc -c <"$T/err" | tr -d ' ')" 0

# Ctrl-C stops a long command with 130 (128 + SIGINT), not the business
# code 1, and what it was doing is not there.
DB=$T/12_int.db
bz demo $D init
BZJ_USER=demo "$BIN" --config "$CONF" --db "$(dburi "$DB")" --today $D demo --shops 400000 \
	>"$T/out" 2>"$T/err" &
_pid=$!
sleep 1
kill -INT $_pid
wait $_pid
is "Ctrl-C: exit 130" "$?" 130
is "Ctrl-C: the demo rolled back" "$(sq "$DB" 'SELECT count(*) FROM shop')" 0

# refund list --awaiting-second: approved once, above the threshold, no
# second approval yet; gone from the list once a supervisor gives it.
DB=$T/12_second.db
bz demo $D init
bz demo $D shop add B1 --name 二审店 --entity company --category 服饰内衣 --opened 2026-01-05 --entity-name 二审公司
bz demo $D shop payee B1 --type corporate --name 二审公司 --account 6222000011113333
bz fin2 $D topup B1 90000
bz rev2 $D refund submit B1 --kind partial --amount 60000
_rid=$(j 'd["id"]')
bz cs1 $D refund list --awaiting-second
jis "submitted: not awaiting a second approval yet" 'd["total"]' 0
bz rev1 $D refund approve $_rid
bz cs1 $D refund list --awaiting-second
jis "approved once above the threshold: awaiting" 'd["total"]' 1
jis "it is that refund" 'd["refunds"][0]["id"]' "$_rid"
bz sup1 $D refund approve $_rid --second
okrc "the second approval"
bz cs1 $D refund list --awaiting-second
jis "second approval given: no longer awaiting" 'd["total"]' 0
