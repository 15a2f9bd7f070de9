# Issue 12, the rest of a working day: a shop found by its id in any case
# and by its number; violations newest first by their date; the refund
# queue's load (refund load), checked against refund list.
DB=$T/15_polish2.db
bz demo 2026-01-05 init
_n=0
for _s in S0000167 S0000168 S0001670 X-0167; do
	_n=$((_n + 1))
	bz demo 2026-01-05 shop add $_s --name "编号店第$_n家" --entity individual --category 服饰内衣 \
		--opened 2026-01-05 --operator 张三
done
bz demo 2026-01-05 shop add N1 --name 一六七167号店 --entity individual --category 服饰内衣 \
	--opened 2026-01-05 --operator 李四
okrc "search set-up: five shops"

# ---- search by id, any case, and by number ---------------------------------
bz cs1 2026-11-23 shop list --search s0000167
jis "s0000167 finds S0000167 (any case)" '[s["id"] for s in d["shops"]]' '["S0000167"]'
bz cs1 2026-11-23 shop list --search S0000167
jis "S0000167 as typed" '[s["id"] for s in d["shops"]]' '["S0000167"]'
bz cs1 2026-11-23 shop list --search 167
jis "167: its number, numbers starting with it, and the name with 167, in id order" \
	'[s["id"] for s in d["shops"]]' '["N1","S0000167","S0001670","X-0167"]'
jis "167: total" 'd["total"]' 4
bz cs1 2026-11-23 shop list --search 0167
jis "0167: leading zeros left out" '[s["id"] for s in d["shops"]]' '["S0000167","S0001670","X-0167"]'
bz cs1 2026-11-23 shop list --search 16
jis "16: a prefix of the number" '[s["id"] for s in d["shops"]]' \
	'["N1","S0000167","S0000168","S0001670","X-0167"]'
bz cs1 2026-11-23 shop list --search 168
jis "168: only S0000168" '[s["id"] for s in d["shops"]]' '["S0000168"]'
bz cs1 2026-11-23 shop list --search 1671
jis "1671: no number starts with it" 'd["total"]' 0
bz cs1 2026-11-23 shop list --search x-01
jis "x-01: an id with punctuation, any case" '[s["id"] for s in d["shops"]]' '["X-0167"]'
bz cs1 2026-11-23 shop list --search 000
jis "000: zeros alone are no number" 'd["total"]' 0
bz cs1 2026-11-23 shop list --search s0000167 --sort name --desc
jis "any case in another order too" '[s["id"] for s in d["shops"]]' '["S0000167"]'

# ---- violations newest first by date, then id -------------------------------
bz rev1 2026-03-20 violation add S0000167 --class A --points 1 --raise 0 --note 一 --date 2026-03-10
_v1=$(j 'd["id"]')
bz rev1 2026-03-20 violation add S0000167 --class A --points 1 --raise 0 --note 二 --date 2026-02-01
_v2=$(j 'd["id"]')
bz rev1 2026-03-20 violation add S0000167 --class A --points 1 --raise 0 --note 三 --date 2026-03-10
_v3=$(j 'd["id"]')
bz rev1 2026-03-20 violation add S0000168 --class A --points 1 --raise 0 --note 四 --date 2026-02-15
_v4=$(j 'd["id"]')
okrc "violation set-up"
bz cs1 2026-11-23 violation list --shop S0000167
jis "one shop: newest date first, then the higher id" '[v["id"] for v in d["violations"]]' "[$_v3,$_v1,$_v2]"
bz cs1 2026-11-23 violation list
jis "all shops: by date, not by record number" '[v["id"] for v in d["violations"]]' "[$_v3,$_v1,$_v4,$_v2]"
jis "all shops: dates never go up" '[v["date"] for v in d["violations"]]' \
	'["2026-03-10","2026-03-10","2026-02-15","2026-02-01"]'
bz cs1 2026-11-23 violation list --limit 2
jis "the newest two" '[v["id"] for v in d["violations"]]' "[$_v3,$_v1]"
bz rev2 2026-11-23 violation resolve $_v1
bz cs1 2026-11-23 violation list --open
jis "open only, same order" '[v["id"] for v in d["violations"]]' "[$_v3,$_v4,$_v2]"
bz cs1 2026-11-23 violation list --open --shop S0000167
jis "open only of one shop" '[v["id"] for v in d["violations"]]' "[$_v3,$_v2]"

# ---- the refund queue's load --------------------------------------------------
# R1..R6 submitted 0, 3, 5, 7, 13 and 21 days before 2026-11-23 (a Monday);
# R3's window ends that day; R4 is above the second-approval amount and
# approved once; R5, R6 and R4 are past their windows; R7 was rejected.
for _i in 1 2 3 4 5 6 7; do
	bz demo 2026-01-05 shop add R$_i --name 退款店$_i --entity individual --category 服饰内衣 \
		--opened 2026-01-05 --operator 王五
	bz demo 2026-01-05 shop payee R$_i --type personal --name 王五 --account 622200001111000$_i
	bz fin1 2026-01-06 topup R$_i 90000
done
okrc "refund set-up: seven shops with money"
bz rev1 2026-11-23 refund submit R1 --kind partial --amount 100
bz rev1 2026-11-20 refund submit R2 --kind partial --amount 100
bz rev1 2026-11-18 refund submit R3 --kind partial --amount 100
jis "R3's window ends on 2026-11-23" 'd["window_end"]' 2026-11-23
bz rev1 2026-11-16 refund submit R4 --kind partial --amount 60000
_r4=$(j 'd["id"]')
bz rev2 2026-11-16 refund approve $_r4
okrc "R4 approved once"
bz rev1 2026-11-10 refund submit R5 --kind partial --amount 100
bz rev1 2026-11-02 refund submit R6 --kind partial --amount 100
bz rev1 2026-11-20 refund submit R7 --kind partial --amount 100
_r7=$(j 'd["id"]')
bz rev2 2026-11-20 refund reject $_r7 --reason 材料不全
okrc "R7 rejected"
bz cs1 2026-11-23 refund load
okrc "refund load (support may read it)"
jis "load fields" 'missing(d, "date,open,due_today,overdue,awaiting_second,by_age")' ""
jis "load: the day" 'd["date"]' 2026-11-23
jis "load: open" 'd["open"]' 6
jis "load: due today" 'd["due_today"]' 1
jis "load: overdue" 'd["overdue"]' 3
jis "load: awaiting 2nd approval" 'd["awaiting_second"]' 1
jis "load: by days since submission" '[(a["from_days"], a["to_days"], a["count"]) for a in d["by_age"]]' \
	'[[0,1,1],[2,3,1],[4,7,2],[8,15,1],[16,null,1]]'
cp "$T/out" "$T/load.json"
# The same numbers from refund list.
bz cs1 2026-11-23 refund list --open
jis "open = refund list --open" 'd["total"]' 6
jis "due today = open refunds whose window ends today" \
	'sum(1 for r in d["refunds"] if r["window_end"] == "2026-11-23")' 1
jis "ages from refund list's submitted_on (0, 3, 5, 7, 13, 21 days)" \
	'sorted(r["submitted_on"] for r in d["refunds"])' \
	'["2026-11-02","2026-11-10","2026-11-16","2026-11-18","2026-11-20","2026-11-23"]'
bz cs1 2026-11-23 refund list --overdue
jis "overdue = refund list --overdue" 'd["total"]' 3
bz cs1 2026-11-23 refund list --awaiting-second
jis "awaiting 2nd = refund list --awaiting-second" '[r["id"] for r in d["refunds"]]' "[$_r4]"
# A day later: ages move across the group edges (R2: 3 -> 4 days, R4: 7 -> 8),
# R3's window has ended.
bz cs1 2026-11-24 refund load
jis "next day: groups" '[a["count"] for a in d["by_age"]]' '[1,0,2,2,1]'
jis "next day: R3 overdue, nothing due" '[d["due_today"], d["overdue"]]' '[0,4]'
# Paid and approved twice: they leave the load.
bz sup1 2026-11-24 refund approve $_r4 --second
bz cs1 2026-11-24 refund load
jis "second approval given: none waiting" 'd["awaiting_second"]' 0
jis "still open until paid" 'd["open"]' 6
bzt cs1 2026-11-23 refund load
grepo "refund load in words" "$T/out" "6 open"
refused "refund load takes no arguments" 2 input.usage cs1 2026-11-23 refund load extra
