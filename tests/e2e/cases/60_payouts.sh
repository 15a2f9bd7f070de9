# 60_payouts.sh - bank payout batches and the bank's return file (issue
# 15): what a batch gathers and leaves out (re-check, 30-day hold,
# four-eyes, second approval), the bank file, `sent` refunds that nothing
# else may touch, the return file (paid, late, failed; all or nothing; the
# same file twice), batches without a return flagged after 3 business
# days, an exit refund through a batch, and a batch on a holiday.
DB=$T/60_payouts.db
D=2025-10-09
bz demo $D init
okrc "payouts: init"
i=1
for s in S1 S2 S3 S4 S5 S6; do
	bz demo $D shop add $s --name "店$s" --entity company --category 服饰内衣 \
		--opened 2023-01-01 --entity-name "公司$s"
	bz rev1 $D shop payee $s --type corporate --name "公司$s" --account "62220000111100$i$i"
	i=$((i + 1))
done
okrc "payouts: six shops with their payees"
for s in S1 S2 S4 S5; do bz fin1 $D topup $s 100000; done
bz fin1 $D topup S6 200000
okrc "payouts: top-ups"
shop S3 $D
REQ3=$(j 'd["required_fen"]')
bz fin1 $D topup S3 "$(( (REQ3 + 100000) / 100 ))"
okrc "S3: required plus exactly 1,000 yuan"

echo "# a provider's exit refund, ready for the bank"
bz rev1 $D provider add P1 --name 产业带一号 --entity-name 一号服务有限公司 \
	--kind industry_belt --certified 2023-06-01
bz fin1 $D provider topup P1 100000
bz rev1 2025-10-24 provider exit P1 --date 2025-10-24
bz rev1 2025-10-24 provider payee P1 --name 一号服务有限公司 --account 6222000011119999
bz rev1 2025-10-24 provider refund P1
okrc "P1's exit refund"
PX=$(j 'd["id"]')
jis "exit refund: no shop" 'd["shop_id"]' null
jis "exit refund: window opens 2025-11-04" 'd["window_start"]' 2025-11-04
for item in materials info signatures statements; do bz rev2 2025-10-24 refund check $PX $item; done
bz rev2 2025-10-24 refund approve $PX
bz sup2 2025-10-24 refund approve $PX --second
okrc "exit refund approved twice"

echo "# partial refunds, approved"
D=2025-11-03
for s in S1 S2 S3 S4 S5; do
	bz rev1 $D refund submit $s --kind partial --amount 1000
	eval "R_$s=\$(j 'd[\"id\"]')"
done
bz rev1 $D refund submit S6 --kind partial --amount 60000
R_S6=$(j 'd["id"]')
okrc "six partial refunds submitted"
for s in S1 S2 S3 S4 S6; do eval "bz rev2 $D refund approve \$R_$s"; done
bz sup1 $D refund approve "$R_S5"
okrc "approved (S5 by the supervisor sup1, S6 without its second approval)"
bz cs1 $D refund show "$R_S6"
jis "S6 waits for a second approval" 'd["needs_second_approval"]' true
bz rev1 $D violation add S3 --class A --points 1 --raise 0 --note 虚假发货
V3=$(j 'd["id"]')
bz rev1 $D violation deduct "$V3" 1
okrc "S3: a 1-yuan deduction after approval (refundable now 999)"
bz rev1 2025-11-01 shop payee S4 --type corporate --name 公司S4 --account 6222000011110099
okrc "S4: payee account changed on 2025-11-01"

echo "# nothing payable before the windows open, nor on a holiday"
bz fin1 2025-11-03 payout batch --date 2025-11-03 --out "$T/60_none.csv"
okrc "batch before any window opens"
jis "no batch" 'd["batch"]' null
jis "a business day" 'd["business_day"]' true
jis "nothing sent" 'len(d["refunds"])' 0
is "no file written" "$(test -e "$T/60_none.csv" && echo yes || echo no)" no
bz fin1 2025-11-03 payout batch --date 2025-11-08 --out "$T/60_sat.csv"
okrc "batch for a Saturday"
jis "Saturday: not a business day" 'd["business_day"]' false
jis "Saturday: no batch" 'd["batch"]' null
is "Saturday: no file" "$(test -e "$T/60_sat.csv" && echo yes || echo no)" no
bz fin1 2025-11-03 refund list --status approved
jis "still all approved (six partial, one exit)" 'd["total"]' 7

echo "# refusals"
refused "batch: support may not" 4 auth.role cs1 2025-11-04 payout batch --date 2025-11-04 \
	--out "$T/60_x.csv"
refused "batch: a reviewer may not" 4 auth.role rev1 2025-11-04 payout batch --date 2025-11-04 \
	--out "$T/60_x.csv"
refused "batch: dated in the past" 2 input.date fin1 2025-11-04 payout batch --date 2025-11-03 \
	--out "$T/60_x.csv"
refused "batch: no date" 2 input.date fin1 2025-11-04 payout batch --out "$T/60_x.csv"
refused "batch: bad date" 2 input.date fin1 2025-11-04 payout batch --date 2025-11-31 \
	--out "$T/60_x.csv"
echo keep >"$T/60_exists.csv"
refused "batch: never over an existing file" 5 payout.file_exists fin1 2025-11-04 payout batch \
	--date 2025-11-04 --out "$T/60_exists.csv"
is "the existing file is untouched" "$(cat "$T/60_exists.csv")" keep

echo "# the first batch (made by the supervisor sup1)"
bz sup1 2025-11-04 payout batch --date 2025-11-04 --out "$T/60_b1.csv"
okrc "batch 1"
jis "payout batch: contract fields" "missing(d, 'batch,date,total_fen,refunds,excluded')" ""
B1=$(j 'd["batch"]')
jis "batch 1: S1, S2 and the exit refund" \
	'sorted(r["id"] for r in d["refunds"])' "$(python3 -c "print(str(sorted([$R_S1, $R_S2, $PX])).replace(' ', ''))")"
jis "batch 1 line: contract fields" "missing(d['refunds'][0], 'id,ref,amount_fen,payee_name')" ""
jis "batch 1 total" 'd["total_fen"]' $((100000 + 100000 + 10000000))
jis "S3 left out: failed the re-check" 'find(d["excluded"], "id", '"$R_S3"')["code"]' \
	refund.payout_failed
jis "S4 left out: payee changed 3 days ago" 'find(d["excluded"], "id", '"$R_S4"')["code"]' \
	payee.changed_recently
jis "S5 left out: sup1 approved it (four-eyes)" 'find(d["excluded"], "id", '"$R_S5"')["code"]' \
	four_eyes
jis "excluded item: contract fields" "missing(d['excluded'][0], 'id,code,message')" ""
jis "S6 (no second approval) is not payable: neither sent nor excluded" \
	"[r for r in d['refunds'] + d['excluded'] if r['id'] == $R_S6]" '[]'
jis "the file's SHA-256 is reported" 'd["sha256"]' "$(sha256sum "$T/60_b1.csv" | cut -d' ' -f1)"
is "bank file: header" "$(head -1 "$T/60_b1.csv" | tr -d '\r')" \
	"ref,refund_id,payee_name,account,amount"
is "bank file: one line per refund" "$(($(wc -l <"$T/60_b1.csv") - 1))" 3
REF1=$(j 'find(d["refunds"], "id", '"$R_S1"')["ref"]')
REF2=$(j 'find(d["refunds"], "id", '"$R_S2"')["ref"]')
REFX=$(j 'find(d["refunds"], "id", '"$PX"')["ref"]')
is "bank file: S1's line, account in full, amount in yuan" \
	"$(grep "^$REF1," "$T/60_b1.csv" | tr -d '\r')" "$REF1,$R_S1,公司S1,6222000011110011,1000.00"
is "bank file: the exit refund paid to the provider's account" \
	"$(grep "^$REFX," "$T/60_b1.csv" | tr -d '\r')" "$REFX,$PX,一号服务有限公司,6222000011119999,100000.00"
is "bank file: readable by its owner only" "$(stat -c %a "$T/60_b1.csv")" 600
is "the batch's hash recorded" "$(sq "$DB" "SELECT file_sha256 FROM payout_batch WHERE id = $B1")" \
	"$(sha256sum "$T/60_b1.csv" | cut -d' ' -f1)"
is "no temporary file left" "$(ls "$T" | grep -c '60_b1.csv.')" 0
bz cs1 2025-11-04 refund show "$R_S1"
jis "S1 is sent" 'd["status"]' sent
bz cs1 2025-11-04 refund show "$R_S3"
jis "S3 failed as a single payout would" 'd["status"]' failed
jis "S3's reason" '"refundable amount is now" in d["failure_reason"]' true
bz cs1 2025-11-04 refund show "$R_S4"
jis "S4 still approved" 'd["status"]' approved
bz cs1 2025-11-04 refund list --status sent
jis "refund list --status sent" 'd["total"]' 3
shop S1 2025-11-04
jis "a sent refund still holds back its amount" 'd["balance_fen"]' 10000000
jis "sent refund: refundable less its amount" 'd["refundable_fen"]' \
	"$(( 10000000 - $(j 'd["required_fen"]') - 100000 ))"
refused "sent: second request refused" 1 refund.in_progress rev1 2025-11-04 refund submit S1 \
	--kind partial --amount 1
refused "sent: paid singly" 1 refund.sent fin1 2025-11-04 refund pay "$R_S1"
refused "sent: failed singly" 1 refund.sent fin1 2025-11-04 refund fail "$R_S1" --reason x
refused "sent: cancelled" 1 refund.sent rev1 2025-11-04 refund cancel "$R_S1"
refused "sent: rejected" 1 refund.sent rev1 2025-11-04 refund reject "$R_S1" --reason x
refused "sent: an exit refund too" 1 refund.sent fin1 2025-11-04 refund pay "$PX"

echo "# the second batch (finance): S5, which sup1 approved"
bz fin1 2025-11-05 payout batch --date 2025-11-05 --out "$T/60_b2.csv"
okrc "batch 2"
B2=$(j 'd["batch"]')
jis "batch 2: only S5" '[r["id"] for r in d["refunds"]]' "[$R_S5]"
jis "batch 2: S4 still held" '[x["code"] for x in d["excluded"]]' '["payee.changed_recently"]'
REF5=$(j 'd["refunds"][0]["ref"]')
bz fin1 2025-11-05 payout list
jis "payout list: two batches" 'd["total"]' 2
jis "payout list item fields" "missing(d['batches'][0], 'id,date,count,total_fen,returned,flagged')" ""
bz fin1 2025-11-06 payout batch --date 2025-11-06 --out "$T/60_b3.csv"
okrc "a batch where every refund is left out"
jis "every refund left out: no batch" 'd["batch"]' null
jis "every refund left out: S4 named" '[x["id"] for x in d["excluded"]]' "[$R_S4]"
is "every refund left out: no file" "$(test -e "$T/60_b3.csv" && echo yes || echo no)" no
bz fin1 2025-11-06 payout list
jis "every refund left out: no empty batch recorded" 'd["total"]' 2

echo "# the return file"
printf 'ref,status,date,reason\n%s,paid,2025-11-05,\nBZJ999999999,paid,2025-11-05,\n' "$REF1" \
	>"$T/60_bad1.csv"
refused "return: an unknown reference (all or nothing)" 1 payout.not_sent fin1 2025-11-07 \
	payout return "$T/60_bad1.csv"
grepo "return: the message names line 3" "$T/out" "line 3"
printf 'ref,status,date,reason\n%s,maybe,2025-11-05,\n' "$REF1" >"$T/60_bad2.csv"
refused "return: status neither paid nor failed" 2 input.status fin1 2025-11-07 \
	payout return "$T/60_bad2.csv"
printf 'ref,status,date,reason\n%s,paid,2025-11-03,\n' "$REF1" >"$T/60_bad3.csv"
refused "return: paid before the batch's date" 2 input.date fin1 2025-11-07 \
	payout return "$T/60_bad3.csv"
printf 'ref,status,date,reason\n%s,paid,2025-11-08,\n' "$REF1" >"$T/60_bad4.csv"
refused "return: paid in the future" 2 input.date fin1 2025-11-07 payout return "$T/60_bad4.csv"
printf 'ref,status,date,reason\n%s,failed,2025-11-05,\n' "$REF1" >"$T/60_bad5.csv"
refused "return: failed without the bank's reason" 2 input.reason fin1 2025-11-07 \
	payout return "$T/60_bad5.csv"
printf 'reference,result\n%s,paid\n' "$REF1" >"$T/60_bad6.csv"
refused "return: wrong header" 2 import.header fin1 2025-11-07 payout return "$T/60_bad6.csv"
printf 'ref,status,date,reason\n%s,paid,2025-11-05,\n' "$REF1" >"$T/60_ok.csv"
refused "return: support may not" 4 auth.role cs1 2025-11-07 payout return "$T/60_ok.csv"
refused "return: a reviewer may not" 4 auth.role rev1 2025-11-07 payout return "$T/60_ok.csv"
refused "return: no such file" 3 input.file fin1 2025-11-07 payout return "$T/60_nope.csv"
printf 'ref,status,date,reason\r\n%s,paid,2025-11-05,\r\n%s,paid,2025-11-07,\r\n%s,failed,,户名不符\r\n' \
	"$REF1" "$REF2" "$REFX" >"$T/60_r1.csv"
bz fin2 2025-11-07 payout return "$T/60_r1.csv"
okrc "return: two paid, one failed"
jis "return: paid" 'd["paid"]' 2
jis "return: failed" 'd["failed"]' 1
jis "return: one late" 'd["late"]' 1
jis "return: paid amount" 'd["paid_fen"]' 200000
bz cs1 2025-11-07 refund show "$R_S1"
jis "S1 paid" 'd["status"]' paid
jis "S1 paid on the bank's date" 'd["paid_on"]' 2025-11-05
jis "S1 on time" 'd["late"]' false
jis "S1 recorded as paid by the batch's maker" 'd["paid_by"]' sup1
bz cs1 2025-11-07 refund show "$R_S2"
jis "S2 paid on 2025-11-07, after its window: late" 'd["late"]' true
bz cs1 2025-11-07 refund show "$PX"
jis "the exit refund failed" 'd["status"]' failed
jis "with the bank's reason" 'd["failure_reason"]' "bank: 户名不符"
shop S1 2025-11-07
jis "S1: the money left the balance" 'd["balance_fen"]' 9900000
is "S1: one refund entry in the ledger" \
	"$(sq "$DB" "SELECT count(*) || ',' || sum(amount_fen) FROM ledger WHERE refund_id = $R_S1 AND kind = 4")" \
	"1,-100000"
bz cs1 2025-11-07 provider show P1
jis "P1: nothing left its balance" 'd["balance_fen"]' 10000000
bz fin1 2025-11-07 payout list
jis "batch 1 returned" 'find(d["batches"], "id", '"$B1"')["returned"]' true
jis "batch 2 still open" 'find(d["batches"], "id", '"$B2"')["returned"]' false
refused "return: the same file again changes nothing" 0 "" fin2 2025-11-07 \
	payout return "$T/60_r1.csv"
jis "the same file: already imported" 'd["already_imported"]' true
printf 'ref,status,date,reason\n%s,failed,,late\n' "$REF1" >"$T/60_again.csv"
refused "return: a paid refund is not sent" 1 payout.not_sent fin2 2025-11-07 \
	payout return "$T/60_again.csv"
grepo "return: the message names line 2" "$T/out" "line 2"
bz rev1 2025-11-07 refund submit S2 --kind partial --amount 1
okrc "S2 may ask again once its refund is paid"

echo "# a batch without a return is flagged after 3 business days"
bz fin1 2025-11-10 payout list --open
jis "--open: only batch 2" '[b["id"] for b in d["batches"]]' "[$B2]"
jis "2025-11-10 (third business day): not flagged" 'd["batches"][0]["flagged"]' false
bz fin1 2025-11-11 payout list --open
jis "2025-11-11: flagged" 'd["batches"][0]["flagged"]' true
jis "flagged count" 'd["flagged"]' 1
bzt fin1 2025-11-11 payout list
grepo "payout list text says so" "$T/out" "NO RETURN AFTER 3 BUSINESS DAYS"
printf 'ref,status,date,reason\n%s,failed,2025-11-11,账户冻结\n' "$REF5" >"$T/60_r2.csv"
bz fin2 2025-11-11 payout return "$T/60_r2.csv"
okrc "return of batch 2: failed"
shop S5 2025-11-11
jis "S5: no money left" 'd["balance_fen"]' 10000000
bz fin1 2025-11-11 payout list --open
jis "no open batch any more" 'd["total"]' 0

echo "# an exit refund after the bank failed it, and a holiday"
bz fin1 2025-12-31 payout batch --date 2026-01-01 --out "$T/60_ny.csv"
okrc "batch on New Year's Day"
jis "New Year's Day: not a business day" 'd["business_day"]' false
jis "New Year's Day: no batch" 'd["batch"]' null

bz cs1 2025-12-31 check
okrc "check after the batches"
jis "check ok" 'd["ok"]' true
bz cs1 2025-12-31 audit verify
okrc "audit verify after the batches"

echo "# the statement after batches and returns, every figure against plain SQL"
for m in 2025-10 2025-11 2025-12; do
	bz fin1 2025-12-31 report month $m
	cp "$T/out" "$T/60_month.json"
	is "report month $m after the batches: every figure as plain SQL computes it" \
		"$(report_sql "$DB" $m "$T/60_month.json")" ok
done
