# 61_reports.sh - the finance and supervisors' reports (issue 15): the
# monthly statement reconciling to the fen (by entity type, by category,
# the providers' account apart), `bzj check` over every closed month,
# breaches (late with days late, overdue now, per reviewer and finance
# operator), the queue (per day, per reviewer, median and p90), each as
# JSON, CSV (with --bom) and text.
DB=$T/61_reports.db
D=2025-10-09
bz demo $D init
okrc "reports: init"
bz demo $D shop add I1 --name 个体一 --entity individual --category 服饰内衣 --opened 2023-01-01 \
	--operator 张三
bz demo $D shop add C1 --name 公司一 --entity company --category 服饰内衣 --opened 2023-01-01 \
	--entity-name 一号公司
bz demo $D shop add C2 --name 公司二 --entity company --category 数码家电 --opened 2023-01-01 \
	--entity-name 二号公司
bz rev1 $D shop payee I1 --type personal --name 张三 --account 6222000011110001
bz rev1 $D shop payee C1 --type corporate --name 一号公司 --account 6222000011110002
bz rev1 $D shop payee C2 --type corporate --name 二号公司 --account 6222000011110003
okrc "three shops with payees"
bz fin1 $D topup I1 50000
bz fin1 $D topup C1 100000
bz fin1 $D topup C2 100000
bz fin1 $D fee C1 10 --note 银行手续费
okrc "October: top-ups and a fee"
bz rev1 $D provider add P1 --name 产业带一号 --entity-name 一号服务有限公司 \
	--kind industry_belt --certified 2023-06-01
bz fin1 $D provider topup P1 100000
okrc "October: a provider's deposit"

echo "# November's movements"
bz fin1 2025-11-03 topup C2 5000
bz rev1 2025-11-03 refund submit C1 --kind partial --amount 1000
RC1=$(j 'd["id"]')
bz rev1 2025-11-03 refund submit C2 --kind partial --amount 2000
RC2=$(j 'd["id"]')
bz rev2 2025-11-03 refund approve "$RC1"
bz rev2 2025-11-04 refund approve "$RC2"
bz fin1 2025-11-05 refund pay "$RC1"
okrc "C1's refund paid on time"
bz rev1 2025-11-05 violation add C1 --class A --points 1 --raise 0 --note 虚假发货
V1=$(j 'd["id"]')
bz rev1 2025-11-05 violation deduct "$V1" 200
okrc "C1: a 200-yuan deduction"
bz fin1 2025-11-10 refund pay "$RC2"
okrc "C2's refund paid late"
jis "C2 late" 'd["late"]' true
bz fin1 2025-11-10 fee C2 5 --note 银行手续费
bz rev1 2025-11-10 refund submit I1 --kind partial --amount 500
RI1=$(j 'd["id"]')
bz sup1 2025-11-11 refund approve "$RI1"
okrc "I1's refund approved, never paid"
bz rev1 2025-11-12 refund submit C1 --kind partial --amount 100
RC3=$(j 'd["id"]')
bz rev2 2025-11-13 refund reject "$RC3" --reason 材料不全
okrc "C1's second request rejected"

echo "# the monthly statement"
TODAY=2025-12-02
bz fin1 $TODAY report month 2025-11
okrc "report month 2025-11"
jis "report month: contract fields" \
	"missing(d, 'month,opening_fen,topups_fen,deductions_fen,fees_fen,refunds_paid_fen,closing_fen,frozen_fen,owed_fen,shops')" ""
jis "month" 'd["month"]' 2025-11
jis "opening: October's top-ups less its fee" 'd["opening_fen"]' 24999000
jis "top-ups" 'd["topups_fen"]' 500000
jis "deductions" 'd["deductions_fen"]' 20000
jis "fees" 'd["fees_fen"]' 500
jis "refunds paid" 'd["refunds_paid_fen"]' 300000
jis "closing = opening + in - out" 'd["closing_fen"]' 25178500
jis "closing = the ledger to the fen" 'd["closing_fen"]' \
	"$(sq "$DB" "SELECT sum(amount_fen) FROM ledger WHERE day <= julianday('2025-11-30') - 2440587.5" \
		"SELECT sum(amount_fen) FROM ledger WHERE day <= DATE '2025-11-30' - DATE '1970-01-01'")"
jis "closing = the sum of shop balances" 'd["closing_fen"]' \
	"$(sq "$DB" "SELECT sum(balance_fen) FROM shop")"
jis "reconciled" 'd["reconciled"]' true
jis "three shops" 'd["shops"]' 3
jis "frozen now" 'd["frozen_fen"]' "$(sq "$DB" "SELECT sum(frozen_fen) FROM shop")"
jis "owed now" 'd["owed_fen"]' "$(sq "$DB" "SELECT sum(owed_fen) FROM shop")"
jis "by entity: individual" 'find(d["by_entity"], "key", "individual")["closing_fen"]' 5000000
jis "by entity: company" 'find(d["by_entity"], "key", "company")["closing_fen"]' 20178500
jis "by entity adds up" 'sum(x["closing_fen"] for x in d["by_entity"]) == d["closing_fen"]' true
jis "by category: 数码家电 (C2)" 'find(d["by_category"], "key", "数码家电")["refunds_paid_fen"]' 200000
jis "by category: 服饰内衣 (I1, C1)" 'find(d["by_category"], "key", "服饰内衣")["shops"]' 2
jis "by category adds up" 'sum(x["topups_fen"] for x in d["by_category"]) == d["topups_fen"]' true
jis "providers' account apart: opening" 'd["providers"]["opening_fen"]' 10000000
jis "providers' account apart: closing" 'd["providers"]["closing_fen"]' 10000000
jis "providers' account: one provider" 'd["providers"]["providers"]' 1
jis "providers reconciled" 'd["providers_reconciled"]' true
bz fin1 $TODAY report month 2025-10
jis "October: later entries exist" 'd["later_entries"]' true
jis "October reconciles with the ledger at its end" 'd["reconciled"]' true
jis "October closes where November opens" 'd["closing_fen"]' 24999000
bz fin1 $TODAY report month 2025-09
jis "September: nothing yet" 'd["closing_fen"]' 0
bzt fin1 $TODAY report month 2025-11
okrc "report month as text"
grepo "text: says it reconciles" "$T/out" "reconciled with the ledger to the fen"
grepo "text: the closing balance" "$T/out" "251,785.00"
bzt fin1 $TODAY report month 2025-11 --csv
okrc "report month --csv"
is "csv: header" "$(head -1 "$T/out" | tr -d '\r')" \
	"section,key,shops,opening,topups,deductions,fees,refunds_paid,corrections,closing"
is "csv: the total line in yuan" "$(grep '^total,' "$T/out" | tr -d '\r')" \
	"total,,3,249990.00,5000.00,200.00,5.00,3000.00,0.00,251785.00"
is "csv: CRLF lines" "$(head -1 "$T/out" | od -An -c | grep -c '\\r')" 1
is "csv: no BOM by default" "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" 736563
bzt fin1 $TODAY report month 2025-11 --csv --bom
is "csv --bom: starts with the UTF-8 BOM" "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" efbbbf
refused "report month: bad month" 2 input.month cs1 $TODAY report month 2025-13
refused "report month: --bom without --csv" 2 input.bom cs1 $TODAY report month 2025-11 --bom
refused "report month: --csv with --json" 2 input.csv cs1 $TODAY report month 2025-11 --csv
bz cs1 $TODAY check
okrc "check: every closed month reconciles"
jis "check: October and November" 'd["months_reconciled"]' 2
jis "check ok" 'd["ok"]' true

echo "# breaches"
bz cs1 $TODAY report breaches --from 2025-11-01 --to 2025-11-30
okrc "report breaches"
jis "one paid late" 'd["late"]' 1
jis "one overdue now" 'd["overdue"]' 1
jis "C2's refund 4 days late" 'find(d["refunds"], "id", '"$RC2"')["days_late"]' 4
jis "C2's reviewer" 'find(d["refunds"], "id", '"$RC2"')["reviewer"]' rev2
jis "C2's finance operator" 'find(d["refunds"], "id", '"$RC2"')["finance"]' fin1
jis "I1's refund overdue (window closed 2025-11-13)" \
	'find(d["refunds"], "id", '"$RI1"')["days_late"]' 19
jis "on-time C1 is no breach" "[r for r in d['refunds'] if r['id'] == $RC1]" '[]'
jis "by reviewer: rev2 one late" 'find(d["by_reviewer"], "user", "rev2")["late"]' 1
jis "by reviewer: sup1 one overdue" 'find(d["by_reviewer"], "user", "sup1")["overdue"]' 1
jis "by finance: fin1 one late" 'find(d["by_finance"], "user", "fin1")["late"]' 1
jis "per day: two payouts in the range" 'sum(x["paid"] for x in d["days"])' 2
jis "per day: the late one on 2025-11-10" 'find(d["days"], "day", "2025-11-10")["late"]' 1
bz cs1 $TODAY report breaches --from 2025-11-11 --to 2025-11-30
jis "a range after the late payout: none late" 'd["late"]' 0
jis "overdue is as of today, whatever the range" 'd["overdue"]' 1
bzt cs1 $TODAY report breaches --from 2025-11-01 --to 2025-11-30 --csv
is "breaches csv: header" "$(head -1 "$T/out" | tr -d '\r')" \
	"refund_id,owner,kind,status,amount,window_end,paid_on,days_late,overdue,reviewer,finance"
is "breaches csv: C2's line" "$(grep "^$RC2," "$T/out" | tr -d '\r')" \
	"$RC2,C2,partial,paid,2000.00,2025-11-06,2025-11-10,4,no,rev2,fin1"
refused "breaches: --from after --to" 2 input.date cs1 $TODAY report breaches --from 2025-11-30 \
	--to 2025-11-01
refused "breaches: bad date" 2 input.date cs1 $TODAY report breaches --from 2025-11-31

echo "# queue"
bz cs1 $TODAY report queue --from 2025-11-01 --to 2025-11-30
okrc "report queue"
jis "submitted" 'd["submitted"]' 4
jis "approved" 'd["approved"]' 3
jis "rejected" 'd["rejected"]' 1
jis "paid" 'd["paid"]' 2
jis "per day: two submitted on 2025-11-03" 'find(d["days"], "day", "2025-11-03")["submitted"]' 2
jis "per day: the rejection on 2025-11-13" 'find(d["days"], "day", "2025-11-13")["rejected"]' 1
jis "days to approve 0,1,1: median 1" 'd["approve_days"]["median"]' 1
jis "days to approve: p90 1" 'd["approve_days"]["p90"]' 1
jis "days to pay 2,7: median 2 (nearest rank)" 'd["pay_days"]["median"]' 2
jis "days to pay: p90 7" 'd["pay_days"]["p90"]' 7
jis "per reviewer: rev2 approved 2, rejected 1" \
	'[find(d["by_reviewer"], "user", "rev2")[k] for k in ("approved", "rejected")]' '[2,1]'
jis "per reviewer: sup1 approved 1" 'find(d["by_reviewer"], "user", "sup1")["approved"]' 1
bzt cs1 $TODAY report queue --from 2025-11-01 --to 2025-11-30 --csv --bom
is "queue csv: the total line" "$(grep '^total,' "$T/out" | tr -d '\r')" "total,,4,3,1,0,2,1,1,2,7"
bzt cs1 $TODAY report queue --from 2025-11-01 --to 2025-11-30
grepo "queue text: medians" "$T/out" "days to pay: median 2, p90 7"
bz cs1 $TODAY report queue
jis "default range: the 30 days to today" 'd["from"]' 2025-11-03

echo "# every figure of the statement against plain SQL (one read of the ledger since issue 15's speed-up)"
for m in 2025-09 2025-10 2025-11 2025-12; do
	bz fin1 $TODAY report month $m
	cp "$T/out" "$T/61_month.json"
	is "report month $m: every figure as plain SQL computes it" \
		"$(report_sql "$DB" $m "$T/61_month.json")" ok
done
