# Issue 12 pictures: `shop history` (what the deposit detail's chart
# draws) against the ledger and the rules month by month.
DB=$T/14_hist.db
bz demo 2026-01-05 init
bz demo 2026-01-05 shop add H1 --name 历史店 --entity company --category 服饰内衣 --opened 2026-01-05 --entity-name 历史公司
bz demo 2026-01-05 shop payee H1 --type corporate --name 历史公司 --account 6222000011114444
bz fin1 2026-01-10 topup H1 5000
bz rev1 2026-03-16 violation add H1 --class A --points 2 --raise 3000 --note 测试 --date 2026-03-16
_v=$(j 'd["id"]')
bz rev1 2026-05-20 violation resolve $_v
okrc "history set-up: violation resolved"
bz rev1 2026-06-01 refund submit H1 --kind partial --amount 500
_r=$(j 'd["id"]')
bz rev2 2026-06-01 refund approve $_r
bz fin1 2026-06-02 refund pay $_r
okrc "history set-up: refund paid"
bz cs1 2026-11-23 shop history H1
okrc "shop history"
jis "twelve months, oldest first" '[m["month"] for m in d["months"]][0] + " " + d["months"][11]["month"]' "2025-12 2026-11"
jis "this month's point is today" 'd["months"][11]["day"]' 2026-11-23
jis "a month's point is its last day" 'd["months"][2]["day"]' 2026-02-28
jis "balances: the ledger's sums at each month's end" '[m["balance_fen"] for m in d["months"]]' \
	"[0,500000,500000,500000,500000,500000,450000,450000,450000,450000,450000,450000]"
jis "required: none before opening, base, + the raise while open, base again" \
	'[m["required_fen"] for m in d["months"]]' \
	"[0,400000,400000,700000,700000,400000,400000,400000,400000,400000,400000,400000]"
jis "the raise marked in March only" '[m["month"] for m in d["months"] if m["raise"]]' '["2026-03"]'
jis "the refund marked in June only" '[m["month"] for m in d["months"] if m["refund"]]' '["2026-06"]'
jis "no tier change without GMV" '[m["month"] for m in d["months"] if m["tier_change"]]' '[]'
# Against the ledger itself, month by month.
bz cs1 2026-11-23 ledger H1 --limit 100
cp "$T/out" "$T/14_ledger.json"
bz cs1 2026-11-23 shop history H1
cp "$T/out" "$T/14_hist.json"
is "every month's balance equals the ledger summed to its day" "$(python3 -c '
import json,sys
led=json.load(open(sys.argv[1]))["entries"]
h=json.load(open(sys.argv[2]))["months"]
print(all(m["balance_fen"]==sum(e["amount_fen"] for e in led if e["date"]<=m["day"]) for m in h))
' "$T/14_ledger.json" "$T/14_hist.json")" True
refused "history of an unknown shop" 3 shop.not_found cs1 2026-11-23 shop history NOPE
