# ==== invisible and direction-changing characters (issue 10.7) ========================
# Refused at input, naming the character as U+XXXX; and whatever is in the
# database (written there directly) reaches no terminal raw: text output of
# shop show, refund list, refund show, ledger and audit log, and --json.
TD=$T/text
mkdir -p "$TD"
TDB=$TD/bzj.db
if pg; then dbcp "$T/base.db" "$TDB"; else cp "$T/base.db" "$TDB"; fi
u() { printf "$1"; } # a character from its UTF-8 escape
i=0
for ch in '\342\200\256' '\342\200\252' '\342\201\246' '\342\201\251' '\342\200\213' '\342\200\217' \
	'\342\201\240' '\357\273\277' '\342\200\250' '\342\200\251' '\357\267\220' '\357\277\276' '\302\233'; do
	i=$((i + 1))
	c=$(u "$ch")
	cp=$(printf '%s' "$c" | python3 -c 'import sys; print("U+%04X" % ord(sys.stdin.read()))')
	x --db "$TDB" shop add "BIDI$i" --name "店${c}名" --entity individual --category 服饰内衣 --opened 2026-10-01
	expect "input: a shop name with $cp is refused (exit 2 input.name naming $cp)" 2 input.name "*$cp*"
done
c=$(u '\342\200\256')
x --db "$TDB" --user fin1 topup "$P" 1 --payer "付款${c}人" --ack-third-party
expect "input: a payer with U+202E is refused (exit 2 input.payer)" 2 input.payer "*U+202E*"
x --db "$TDB" --user rev1 violation add "$P" --class B --points 0 --raise 0 --note "note$(u '\342\201\247')x"
expect "input: a violation note with U+2067 is refused (exit 2 input.note)" 2 input.note "*U+2067*"
x --db "$TDB" --user rev1 shop payee "$P" --type personal --name "王$(u '\357\273\277')五" --account 6222020000002222
expect "input: a payee name with U+FEFF is refused (exit 2 input.*)" 2 "input.*" "*U+FEFF*"
x --db "$TDB" shop add OKCJK --name "正常的店·名" --entity individual --category 服饰内衣 --opened 2026-10-01
is "input: ordinary Chinese with a middle dot is accepted" "$([ "$RC" = 0 ]; echo $?)" "exit $RC $ERR"

# Written into the database directly (triggers dropped for the append-only
# tables): ESC, C1 CSI, bidi override, zero-width, line separator.
EVIL="$(printf 'E\033[31mX\302\233Y\342\200\256Z\342\200\213W\342\200\250V')"
XTODAY=2026-11-20 x --db "$TDB" --user fin1 topup "$P" 5 --ref text-1
# a shop of this copy with a valid payee, money to refund and no refund open
# (the other case files may have used the fixture shops)
x --db "$TDB" --user cs1 shop list --status open --limit 0
RS=$(sqlite3 -batch -noheader :memory: "SELECT json_extract(value,'\$.id')
FROM json_each(readfile('$T/out'), '\$.shops')
WHERE json_extract(value,'\$.refundable_fen') >= 100000 AND json_extract(value,'\$.refund_in_progress') IS NULL
  AND json_extract(value,'\$.payee.valid') = 1 AND json_extract(value,'\$.id') <> '$P' ORDER BY 1 DESC LIMIT 1")
XTODAY=2026-11-20 x --db "$TDB" --user rev1 refund submit "$RS" --kind partial --amount 100
TRID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$T/out")
TDROPS=""
pg || TDROPS=$(sqlite3 -batch -noheader "$TDB" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'")
TEDIT="UPDATE shop SET name = '$EVIL', operator_name = '$EVIL', entity_name = '$EVIL' WHERE id IN ('$P', '$RS');
UPDATE ledger SET note = '$EVIL', payer = '$EVIL' WHERE shop_id = '$P';
UPDATE payee SET name = '$EVIL' WHERE shop_id IN ('$P', '$RS');
UPDATE refund SET reject_reason = '$EVIL', failure_reason = '$EVIL', submitted_by = '$EVIL' WHERE id = $TRID;
UPDATE audit SET reason = '$EVIL', \"user\" = '$EVIL', after = '$EVIL' WHERE seq = (SELECT max(seq) FROM audit);"
if pg; then
	pgtamper "$TDB" "$TEDIT" >"$TD/edit.log"
	grep -q ERROR "$TD/edit.log" && bad "text: the edit through psql failed: $(head -c 300 "$TD/edit.log")"
else
	sqlite3 -batch "$TDB" "$TDROPS
$TEDIT"
fi
raw() { # does $T/out or $T/err hold ESC, C1 CSI, U+202E, U+200B or U+2028 raw?
	grep -q -e "$ESC" -e "$(u '\302\233')" -e "$(u '\342\200\256')" -e "$(u '\342\200\213')" \
		-e "$(u '\342\200\250')" "$T/out" "$T/err"
}
for cmd in "shop show $P" "refund list" "refund show $TRID" "ledger $P" "audit log --limit 5" "shop list --limit 0"; do
	# shellcheck disable=SC2086
	x --db "$TDB" --user rev1 --text $cmd
	is "output: text of '$cmd' shows stored ESC/C1/bidi/zero-width/separators escaped (exit $RC)" \
		"$(! raw && grep -q -e '\\u202e' -e '\^\[' "$T/out"; echo $?)" "$(head -c 300 "$T/out" | od -c | head -5)"
	# shellcheck disable=SC2086
	x --db "$TDB" --user rev1 $cmd
	is "output: --json of '$cmd' \\u-escapes them (valid JSON)" \
		"$(! raw && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" && grep -q '\\u202e' "$T/out"; echo $?)" \
		"$(head -c 300 "$T/out")"
done
