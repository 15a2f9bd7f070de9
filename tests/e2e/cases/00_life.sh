# ===========================================================================
echo "# opening"
D=2025-08-01
bz demo $D init
okrc "init creates the database"
jis "init: ok" 'd["ok"]' true
bz demo $D init
okrc "init again is harmless (idempotent)"

bz demo $D shop add S1 --name 张三小店 --entity individual \
	--category 服饰内衣,珠宝饰品,生鲜水果 --opened $D --entity-name 张三服饰经营部 --operator 张三
okrc "shop add S1 (individual, 3 categories)"
jis "shop add: all contract fields" "missing(d, '$SHOP_FIELDS')" ""
jis "3 categories recorded" 'len(d["categories"])' 3
jis "base is the highest category's (珠宝饰品 10,000 yuan)" 'd["base_fen"]' 1000000
jis "base category named" 'd["base_category"]' 珠宝饰品
jis "required = base" 'd["required_fen"]' 1000000
jis "new shop: balance 0" 'd["balance_fen"]' 0
jis "new shop: payout restricted (balance < required)" 'd["payout_restricted"]' true
jis "new shop: shortfall" 'd["shortfall_fen"]' 1000000
jis "entity name kept" 'd["entity_name"]' 张三服饰经营部
jis "operator kept" 'd["operator"]' 张三
jis "no payee yet" 'd["payee"]' null

bz demo $D shop add S2 --name 某某科技旗舰店 --entity company --category 服饰内衣 \
	--opened $D --entity-name 某某科技有限公司
okrc "shop add S2 (company)"
jis "company base for 服饰内衣 is 4,000 yuan" 'd["base_fen"]' 400000
bz rev1 $D shop category S2 --add 珠宝饰品
okrc "shop category --add"
jis "adding a category re-computes at once (company 珠宝饰品 20,000)" 'd["base_fen"]' 2000000
jis "required follows at once" 'd["required_fen"]' 2000000
refused "shop add: duplicate id refused" 1 shop.exists demo $D shop add S1 --name x \
	--entity individual --category 服饰内衣 --opened $D
refused "shop add: unknown category refused" 2 category.unknown demo $D shop add S9 \
	--name x --entity individual --category 不存在的类目 --opened $D
refused "shop add: bad entity" 2 input.entity demo $D shop add S9 --name x --entity person \
	--category 服饰内衣 --opened $D
refused "shop add: impossible opened date" 2 input.date demo $D shop add S9 --name x \
	--entity individual --category 服饰内衣 --opened 2025-02-29

# ===========================================================================
echo "# top-ups"
bz fin1 $D topup S1 10000 --ref BANK-0001
okrc "topup 10,000 with --ref"
TID1=$(j 'd["id"]')
jis "topup: balance_fen" 'd["balance_fen"]' 1000000
jis "topup: fields" "missing(d, 'id,balance_fen')" ""
H1=$(snap)
bz fin1 $D topup S1 10000 --ref BANK-0001
okrc "same --ref replayed: still exit 0"
jis "replay returns the first entry's id" 'd["id"]' "$TID1"
jis "replay: balance unchanged" 'd["balance_fen"]' 1000000
is "replay: nothing written" "$(snap)" "$H1"
shop S1 $D
jis "after replay: balance applied once" 'd["balance_fen"]' 1000000
jis "top-up to required lifts the restriction" 'd["payout_restricted"]' false
refused "same --ref, other amount: refused" 1 topup.ref_conflict fin1 $D topup S1 20000 \
	--ref BANK-0001
refused "third-party payer without acknowledgement" 1 topup.third_party_ack fin1 $D \
	topup S2 100 --payer 王五
bz fin1 $D topup S2 100 --payer 王五 --ack-third-party
okrc "third-party payer with --ack-third-party"
jis "third-party top-up credited" 'd["balance_fen"]' 10000
bz fin1 $D ledger S2
jis "ledger marks the third-party payer" 'd["entries"][0]["third_party"]' true

# ===========================================================================
echo "# receipts"
refused "receipt 6 days after the top-up: too early" 1 receipt.too_early fin1 2025-08-07 \
	receipt request S1 --topup "$TID1"
grepo "too_early names the first allowed day" "$T/err" 2025-08-08
bz fin1 2025-08-08 receipt request S1 --topup "$TID1"
okrc "receipt 7 days after the top-up"
jis "receipt titled to the certified entity" 'd["title"]' 张三服饰经营部
jis "receipt amount" 'd["amount_fen"]' 1000000
jis "receipt not void" 'd["voided"]' false
refused "second receipt for the same top-up" 1 receipt.exists fin1 2025-08-09 \
	receipt request S1 --topup "$TID1"
refused "receipt for an unknown entry" 3 ledger.not_found fin1 2025-08-09 \
	receipt request S1 --topup 999

# ===========================================================================
echo "# payee"
D=2025-08-10
refused "company asking for a personal card: payee.not_allowed" 1 payee.not_allowed rev1 $D \
	shop payee S2 --type personal --name 某某 --account 6222000000001111 --date 2025-08-01
refused "personal card not in the operator's name: payee.name_mismatch" 1 payee.name_mismatch \
	rev1 $D shop payee S1 --type personal --name 李四 --account 6222000000001111 \
	--date 2025-08-01
refused "corporate account not in the entity's name" 1 payee.name_mismatch rev1 $D \
	shop payee S2 --type corporate --name 某某科技 --account 6222000000001111
refused "account number with letters" 2 input.account rev1 $D shop payee S1 \
	--type personal --name 张三 --account 6222abc000001111
bz rev1 $D shop payee S1 --type personal --name 张三 --account 6222020200001234 \
	--date 2025-08-01
okrc "operator's personal card for an individual business"
jis "payee: contract fields" "missing(d['payee'], 'type,name,account')" ""
jis "payee valid" 'd["payee"]["valid"]' true
bz cs1 $D shop show S1
okrc "support reads the shop"
jis "support sees the account masked to the last 4 digits" 'd["payee"]["account"]' \
	'************1234'
bz fin1 $D shop show S1
jis "finance sees the whole account" 'd["payee"]["account"]' 6222020200001234
bz rev1 $D shop payee S2 --type corporate --name 某某科技有限公司 --account 9555000011112222
okrc "company's corporate account"

# ===========================================================================
echo "# GMV and the floating deposit"
bz fin1 2025-09-01 gmv S1 2025-08 50000.01
okrc "gmv 2025-08 = 50,000.01"
jis "gmv stored in fen" 'd["gmv_fen"]' 5000001
bz demo 2025-09-01 deposit recompute --month 2025-09
okrc "recompute 2025-09"
jis "recompute: contract fields" "missing(d, 'month,effective,shops,changed')" ""
jis "recompute: month" 'd["month"]' 2025-09
jis "recompute: effective on the 2nd" 'd["effective"]' 2025-09-02
jis "recompute: both shops" 'd["shops"]' 2
jis "recompute: both changed (new figures)" 'd["changed"]' 2
shop S1 2025-09-01
jis "on the 1st the new floating figure is not yet in effect" 'd["floating_fen"]' 0
shop S1 2025-09-02
jis "GMV 50,000.01 -> floating 3,000 from the 2nd" 'd["floating_fen"]' 300000
bz demo 2025-09-01 deposit recompute --month 2025-09
jis "re-run of the same month: changed 0" 'd["changed"]' 0

bz fin1 2025-10-01 gmv S1 2025-09 50000.00
okrc "gmv 2025-09 = 50,000.00"
bz demo 2025-10-01 deposit recompute --month 2025-10
okrc "recompute 2025-10"
jis "recompute 2025-10: changed" 'd["changed"]' 2
shop S1 2025-10-01
jis "on the 1st the previous month's figure (3,000) still applies" 'd["floating_fen"]' 300000
shop S1 2025-10-02
jis "GMV of exactly 50,000.00 -> floating 0 from the 2nd" 'd["floating_fen"]' 0
H1=$(snap)
bz demo 2025-10-02 deposit recompute --month 2025-10
okrc "recompute 2025-10 again"
jis "recompute is idempotent: changed 0" 'd["changed"]' 0
jis "recompute again: same shops" 'd["shops"]' 2
shop S1 2025-10-02
jis "floating unchanged after the re-run" 'd["floating_fen"]' 0
refused "recompute by support" 4 auth.role cs1 2025-10-02 deposit recompute --month 2025-10
refused "gmv with an impossible month" 2 input.month fin1 2025-10-02 gmv S1 2025-13 100

# ===========================================================================
echo "# violation: raise, freeze, deductions, owed, unsettled, termination"
D=2025-10-10
bz rev1 $D violation add S1 --class A --points 2 --raise 2000 --freeze 3000 --note 虚假宣传
okrc "violation add with raise and freeze"
jis "violation add: id" "missing(d, 'id')" ""
V1=$(j 'd["id"]')
shop S1 $D
jis "raise adds to required" 'd["raises_fen"]' 200000
jis "required = max(base, floating) + raises" 'd["required_fen"]' 1200000
jis "frozen" 'd["frozen_fen"]' 300000
jis "available = balance - frozen" 'd["available_fen"]' 700000
jis "raise above the balance restricts payouts" 'd["payout_restricted"]' true
jis "refundable 0 in shortfall" 'd["refundable_fen"]' 0
refused "freeze more than available" 1 violation.freeze_exceeds_available rev1 $D \
	violation add S1 --class A --points 1 --raise 0 --freeze 8000 --note 冻结
refused "violation by support" 4 auth.role cs1 $D violation add S1 --class A --points 1 \
	--raise 0 --note x
refused "violation with class C" 2 input.class rev1 $D violation add S1 --class C \
	--points 1 --raise 0 --note x

bz rev1 $D violation deduct "$V1" 1000
okrc "deduct 1,000 (taken from the freeze first)"
jis "violation: deducted" 'd["deducted_fen"]' 100000
jis "violation: frozen used first" 'd["frozen_fen"]' 200000
shop S1 $D
jis "balance after deduction" 'd["balance_fen"]' 900000
jis "frozen after deduction" 'd["frozen_fen"]' 200000

bz fin1 $D shop unsettled S1 500
okrc "record 500 of unsettled payments"
jis "unsettled recorded" 'd["unsettled_fen"]' 50000
jis "nothing owed yet" 'd["owed_fen"]' 0

bz rev1 $D violation deduct "$V1" 10000
okrc "deduction larger than the balance is taken, not refused"
jis "violation: owed part (beyond the balance, less the unsettled payments)" \
	'd["owed_fen"]' 50000
jis "violation: covered from unsettled payments" 'd["covered_fen"]' 50000
jis "violation: total deducted" 'd["deducted_fen"]' 1100000
shop S1 $D
jis "balance goes to zero, never negative" 'd["balance_fen"]' 0
jis "freeze used up" 'd["frozen_fen"]' 0
jis "unsettled payments cover part of what is owed" 'd["unsettled_fen"]' 0
jis "owed = 1,000 beyond balance - 500 unsettled" 'd["owed_fen"]' 50000
jis "uncovered owed amount flags termination" 'd["terminate"]' true
jis "shortfall restricts payouts" 'd["payout_restricted"]' true
bz fin1 $D shop unsettled S1 2000
okrc "more unsettled payments recorded"
jis "unsettled payments settle the owed amount" 'd["owed_fen"]' 0
jis "rest of the unsettled payments kept" 'd["unsettled_fen"]' 150000
jis "termination flag lifted when nothing is owed" 'd["terminate"]' false

bz rev1 $D violation resolve "$V1"
okrc "resolve the violation"
jis "violation resolved" 'd["status"]' resolved
shop S1 $D
jis "raise ends with the violation" 'd["raises_fen"]' 0
jis "still in shortfall: balance 0 < required" 'd["payout_restricted"]' true
jis "shortfall amount" 'd["shortfall_fen"]' 1000000
refused "deduct on a resolved violation" 1 violation.resolved rev1 $D violation deduct "$V1" 1
refused "deduct from an unknown violation" 3 violation.not_found rev1 $D violation deduct 999 1

D=2025-10-13
bz fin1 $D topup S1 5000
okrc "top-up of half the shortfall"
shop S1 $D
jis "half the shortfall: still restricted" 'd["payout_restricted"]' true
bz fin1 $D topup S1 15000
okrc "top-up past the requirement"
jis "balance 20,000" 'd["balance_fen"]' 2000000
shop S1 $D
jis "top-up to required lifts the restriction" 'd["payout_restricted"]' false
jis "refundable = available - required" 'd["refundable_fen"]' 1000000
bz demo $D audit log --shop S1 --limit 1000
jis "restriction starts are recorded" 'count(d["entries"], "action", "restriction.start") >= 2' true
jis "restriction lifts are recorded" 'count(d["entries"], "action", "restriction.lift") >= 2' true
jis "audit log --shop: only that shop's records" 'sorted(set(e["shop_id"] for e in d["entries"]))' \
	'["S1"]'
jis "audit log --shop: all of them" 'len(d["entries"])' \
	"$(sq "$DB" "SELECT count(*) FROM audit WHERE shop_id = 'S1'")"
# audit log reads a shop's records through the audit_shop index, the whole
# log along seq; both newest first and cut at --limit.
bz demo $D audit log --shop S1 --limit 2
jis "audit log --shop --limit 2: the shop's two newest" '[e["seq"] for e in d["entries"]]' \
	"$(sq "$DB" "SELECT json_group_array(seq) FROM (SELECT seq FROM audit
		WHERE shop_id = 'S1' ORDER BY seq DESC LIMIT 2)" "SELECT '[' || string_agg(seq::text, ','
		ORDER BY seq DESC) || ']' FROM (SELECT seq FROM audit WHERE shop_id = 'S1'
		ORDER BY seq DESC LIMIT 2) x")"
bz demo $D audit log --limit 3
jis "audit log --limit 3: the three newest of all" '[e["seq"] for e in d["entries"]]' \
	"$(sq "$DB" "SELECT json_group_array(seq) FROM (SELECT seq FROM audit
		ORDER BY seq DESC LIMIT 3)" "SELECT '[' || string_agg(seq::text, ',' ORDER BY seq DESC)
		|| ']' FROM (SELECT seq FROM audit ORDER BY seq DESC LIMIT 3) x")"
bz demo $D audit log --shop NOPE
jis "audit log of an unknown shop is empty" 'd["entries"]' '[]'

# ===========================================================================
echo "# partial refunds"
D=2025-11-03
refused "partial refund above refundable" 1 refund.amount_exceeds_refundable rev1 $D \
	refund submit S1 --kind partial --amount 10000.01
refused "partial refund of zero" 2 input.amount rev1 $D refund submit S1 --kind partial \
	--amount 0
bz rev1 $D refund submit S1 --kind partial --amount 1000
okrc "partial refund R1 submitted"
jis "refund: contract fields" "missing(d, '$REFUND_FIELDS')" ""
jis "refund checklist: contract fields" \
	"missing(d['checklist'], 'materials,info,signatures,statements')" ""
R1=$(j 'd["id"]')
jis "R1 submitted" 'd["status"]' submitted
jis "R1 amount" 'd["amount_fen"]' 100000
jis "R1 submitted_on" 'd["submitted_on"]' 2025-11-03
jis "R1 window opens business day 1" 'd["window_start"]' 2025-11-04
jis "R1 window closes business day 3" 'd["window_end"]' 2025-11-06
jis "R1 not overdue" 'd["overdue"]' false
shop S1 $D
jis "refund in progress lowers refundable" 'd["refundable_fen"]' 900000
refused "second request while one is in progress" 1 refund.in_progress rev1 $D \
	refund submit S1 --kind partial --amount 1
refused "submitter cannot approve (four eyes)" 1 four_eyes rev1 $D refund approve "$R1"
refused "support cannot approve" 4 auth.role cs1 $D refund approve "$R1"
refused "pay a submitted refund" 1 refund.state fin1 2025-11-04 refund pay "$R1"
bz rev2 $D refund approve "$R1"
okrc "another reviewer approves R1"
jis "R1 approved" 'd["status"]' approved
refused "reviewer cannot record a payout" 4 auth.role rev2 2025-11-04 refund pay "$R1"
refused "pay before the window opens" 1 refund.window fin1 $D refund pay "$R1"
grepo "refund.window names the first allowed date" "$T/err" 2025-11-04
grepo "refund.window names the last allowed date" "$T/err" 2025-11-06
bz fin1 2025-11-10 refund pay "$R1"
okrc "pay after the window closed is allowed"
jis "R1 paid" 'd["status"]' paid
jis "R1 marked late" 'd["late"]' true
jis "R1 paid on" 'd["paid_on"]' 2025-11-10
refused "approve a paid refund" 1 refund.state rev2 2025-11-10 refund approve "$R1"
refused "pay a paid refund again" 1 refund.state fin1 2025-11-10 refund pay "$R1"
shop S1 2025-11-10
jis "refund paid from the balance" 'd["balance_fen"]' 1900000

D=2025-11-10
bz rev1 $D refund submit S1 --kind partial --amount 1000
R2=$(j 'd["id"]')
okrc "R2 submitted"
refused "reject without a reason" 2 input.reason rev2 $D refund reject "$R2"
bz rev2 $D refund reject "$R2" --reason 材料不全
okrc "R2 rejected"
jis "R2 rejected" 'd["status"]' rejected
bz rev1 $D refund submit S1 --kind partial --amount 1000
R3=$(j 'd["id"]')
okrc "R3 submitted"
bz rev1 $D refund cancel "$R3"
okrc "R3 cancelled"
jis "R3 cancelled" 'd["status"]' cancelled
refused "approve a cancelled refund" 1 refund.state rev2 $D refund approve "$R3"

D=2025-11-11
bz rev1 $D refund submit S1 --kind partial --amount 1000
R4=$(j 'd["id"]')
okrc "R4 submitted (2nd counting this month)"
bz rev2 $D refund approve "$R4"
okrc "R4 approved"
bz fin1 2025-11-12 refund pay "$R4"
okrc "R4 paid in its window"
jis "R4 not late" 'd["late"]' false

D=2025-11-12
bz rev1 $D refund submit S1 --kind partial --amount 1000
R5=$(j 'd["id"]')
okrc "R5 submitted (3rd counting this month)"
bz rev2 $D refund approve "$R5"
okrc "R5 approved"
bz rev1 $D violation add S1 --class A --points 1 --raise 0 --note 消费者赔付
V2=$(j 'd["id"]')
bz rev1 $D violation deduct "$V2" 7500
okrc "a deduction after approval"
shop S1 $D
jis "deduction leaves less refundable than R5 asks" 'd["refundable_fen"]' 0
bz fin1 2025-11-13 refund pay "$R5"
erc "payout re-check fails: exit 1 refund.payout_failed" 1 refund.payout_failed
bz demo 2025-11-13 refund show "$R5"
jis "R5 recorded as failed" 'd["status"]' failed
jis "R5 failure_reason given" 'd["failure_reason"] is not None and len(d["failure_reason"]) > 0' \
	true
shop S1 2025-11-13
jis "failed payout takes no money" 'd["balance_fen"]' 1050000
jis "failed refund is no longer in progress" 'd["refund_in_progress"]' null
bz rev1 2025-11-13 violation resolve "$V2"
okrc "V2 resolved"
refused "record failure of a failed refund" 1 refund.state fin1 2025-11-13 refund fail "$R5" \
	--reason x

D=2025-11-14
bz fin1 $D topup S1 10000
okrc "top-up to make room"
refused "4th partial refund in a month (rejected/cancelled not counted)" 1 \
	refund.monthly_limit rev1 $D refund submit S1 --kind partial --amount 1000

# ===========================================================================
echo "# payee changed less than 30 days before the payout"
D=2025-12-01
bz rev1 $D shop payee S1 --type corporate --name 张三服饰经营部 \
	--account 11112222333344445555 --date $D
okrc "individual business switches to the licence's corporate account"
jis "changed account not yet usable" 'd["payee"]["valid"]' false
bz rev1 $D refund submit S1 --kind partial --amount 1000
R6=$(j 'd["id"]')
okrc "new month: partial refund R6 allowed again"
jis "R6 window start" 'd["window_start"]' 2025-12-02
bz rev2 $D refund approve "$R6"
okrc "R6 approved"
refused "payout to an account changed 2 days ago" 1 payee.changed_recently fin1 2025-12-03 \
	refund pay "$R6"
bz demo 2025-12-10 refund list --overdue
okrc "refund list --overdue"
jis "refund list: contract fields" "missing(d, 'refunds,total')" ""
jis "refund list items: contract fields" \
	"'' if d['refunds'] and all(missing(r, '$REFUND_FIELDS') == '' for r in d['refunds']) else 'bad'" ""
jis "R6 is listed as overdue" "find(d['refunds'], 'id', $R6)['overdue']" true
jis "overdue list holds only open refunds" \
	"all(r['status'] in ('submitted', 'approved') for r in d['refunds'])" true
bz demo 2025-12-10 refund list
jis "refund list total" 'd["total"]' 6
jis "refund list: total = items" 'd["total"] == len(d["refunds"])' true
refused "payout 29 days after the account change" 1 payee.changed_recently fin1 2025-12-30 \
	refund pay "$R6"
grepo "changed_recently names the first allowed day" "$T/err" 2025-12-31
bz fin1 2025-12-31 refund pay "$R6"
okrc "payout 30 days after the account change"
jis "R6 paid" 'd["status"]' paid
jis "R6 late" 'd["late"]' true

# ===========================================================================
echo "# refund above the second-approval threshold"
D=2026-01-05
bz fin1 $D topup S1 60000
okrc "top-up 60,000"
TID_LAST=$(j 'd["id"]')
bz rev1 $D refund submit S1 --kind partial --amount 55000
R7=$(j 'd["id"]')
okrc "R7 above 50,000 submitted"
jis "R7 window (after the New Year holiday)" 'd["window_start"] + ".." + d["window_end"]' \
	2026-01-06..2026-01-08
bz rev2 $D refund approve "$R7"
okrc "R7 first approval"
R7V=$(j 'd["version"]')
case $R7V in '' | *[!0-9]*) R7V=1 ;; esac
jis "needs_second_approval shown" 'd["needs_second_approval"]' true
bz rev2 $D refund show "$R7"
jis "refund show: same version" 'd["version"]' "$R7V"
refused "acting on a version someone else changed: conflict.stale, exit 5" 5 conflict.stale \
	sup1 $D refund approve "$R7" --version $((R7V - 1))
grepo "conflict.stale names who changed it" "$T/err" rev2
refused "pay without the second approval" 1 refund.second_approval_required fin1 2026-01-06 \
	refund pay "$R7"
refused "a reviewer cannot give the second approval" 4 refund.second_approval_role rev2 $D \
	refund approve "$R7" --second
refused "the submitter cannot give the second approval" 1 four_eyes rev1 $D refund approve "$R7"
bz sup1 $D refund approve "$R7" --second
okrc "supervisor gives the second approval"
jis "second approval recorded" 'd["second_approved_by"]' sup1
refused "a third approval" 1 refund.state sup2 $D refund approve "$R7"
refused "the second approver cannot pay (four eyes)" 1 four_eyes sup1 2026-01-06 \
	refund pay "$R7"
bz fin1 2026-01-06 refund pay "$R7"
okrc "R7 paid"
jis "R7 paid in window: not late" 'd["late"]' false

# ===========================================================================
echo "# closure and the closure refund"
D=2026-01-20
refused "closure refund for an open shop" 1 refund.shop_not_closed rev1 $D \
	refund submit S1 --kind closure
bz rev1 $D violation add S1 --class B --points 3 --raise 1000 --freeze 1000 --note 消费者投诉
V3=$(j 'd["id"]')
okrc "violation with a freeze before closure"
D=2026-02-02
refused "closure dated after today" 2 input.date rev1 $D shop close S1 --date 2026-02-03
bz rev1 $D shop close S1 --date $D
okrc "shop closed (closure agreement signed)"
jis "status closed" 'd["status"]' closed
bz fin1 $D receipt list S1
okrc "receipt list"
jis "receipts voided at closure" 'all(r["voided"] for r in d["receipts"]) and len(d["receipts"]) == 1' \
	true
refused "receipt for a closed shop" 1 receipt.shop_closed fin1 $D receipt request S1 \
	--topup "$TID_LAST"
refused "closure refund while money is frozen" 1 refund.frozen rev1 $D \
	refund submit S1 --kind closure
refused "top-up of a closed shop" 1 shop.closed fin1 $D topup S1 100
bz rev1 $D violation resolve "$V3"
okrc "frozen violation resolved"
shop S1 $D
BAL=$(j 'd["balance_fen"]')
jis "closed shop: no base deposit required" 'd["required_fen"]' 0
refused "closure refund with an amount" 2 input.amount rev1 $D refund submit S1 \
	--kind closure --amount 1
bz rev1 $D refund submit S1 --kind closure
R8=$(j 'd["id"]')
okrc "closure refund submitted"
jis "closure refund is the whole available balance" 'd["amount_fen"]' "$BAL"
jis "closure window: business day 7 after closure" 'd["window_start"]' 2026-02-11
jis "closure window: business day 15 (across Spring Festival)" 'd["window_end"]' 2026-02-28
refused "partial refund of a closed shop" 1 refund.in_progress rev1 $D \
	refund submit S1 --kind partial --amount 1
bz rev1 $D refund check "$R8" materials
okrc "tick materials"
bz rev2 $D refund check "$R8" info
okrc "tick info"
bz rev2 $D refund check "$R8" signatures
okrc "tick signatures"
jis "three items ticked" 'd["checklist"]["signatures"] and not d["checklist"]["statements"]' true
refused "approve with one item unticked" 1 refund.checklist_incomplete rev2 $D \
	refund approve "$R8"
grepo "checklist_incomplete names the missing item" "$T/err" statements
refused "tick an unknown item" 2 input.item rev2 $D refund check "$R8" stamps
bz rev2 $D refund check "$R8" statements
okrc "tick statements"
jis "all four ticked" \
	'all(d["checklist"][k] for k in ("materials", "info", "signatures", "statements"))' true
bz rev2 $D refund approve "$R8"
okrc "closure refund approved"
jis "R8 approved" 'd["status"]' approved
refused "tick the checklist of an approved refund" 1 refund.state rev2 $D \
	refund check "$R8" materials
refused "closure payout before business day 7" 1 refund.window fin1 2026-02-10 \
	refund pay "$R8"
grepo "closure window dates named" "$T/err" 2026-02-11
bz fin1 2026-02-24 refund pay "$R8"
okrc "closure refund paid in its window"
jis "R8 paid" 'd["status"]' paid
jis "R8 not late" 'd["late"]' false
shop S1 2026-02-24
jis "closed and refunded: balance 0" 'd["balance_fen"]' 0
jis "closed and refunded: not restricted" 'd["payout_restricted"]' false

# ===========================================================================
echo "# business-day calendar"
bz cs1 2026-01-01 calendar next 2026-02-13 1
okrc "calendar next"
jis "calendar next: contract fields" "missing(d, 'date')" ""
jis "1 business day after 2026-02-13 is Saturday 2026-02-14 (adjusted workday)" 'd["date"]' \
	2026-02-14
bz cs1 2026-01-01 calendar next 2026-02-13 2
jis "2 business days after 2026-02-13 is 2026-02-24 (after Spring Festival)" 'd["date"]' \
	2026-02-24
bz cs1 2026-01-01 calendar next 2025-10-01 1
jis "a request on a holiday counts from the next business day" 'd["date"]' 2025-10-09
bz cs1 2026-01-01 calendar next 2030-03-02 1
erc "a year beyond the calendar: calendar.missing_year" 1 calendar.missing_year
grepo "missing_year names the year" "$T/err" 2030
bz cs1 2026-01-01 calendar next 2026-12-31 1
erc "the last day of the calendar rolls into a missing year" 1 calendar.missing_year
refused "calendar import by a reviewer" 4 auth.role rev1 2026-01-01 calendar import \
	"$DATA/calendar_2027.tsv"
bz demo 2026-01-01 calendar import "$DATA/calendar_2027.tsv"
okrc "supervisor imports the 2027 calendar"
jis "calendar import: one year" 'd["years"]' 1
bz cs1 2026-01-01 calendar next 2026-12-31 1
jis "the imported year is used (2027-01-01 holiday, then the weekend)" 'd["date"]' 2027-01-04
bz cs1 2026-01-01 calendar next 2027-12-31 1
erc "the year after the imported one is still missing" 1 calendar.missing_year

# ===========================================================================
echo "# lists and contract fields"
D=2026-02-24
bz cs1 $D shop list
okrc "shop list"
jis "shop list: contract fields" "missing(d, 'shops,total')" ""
jis "shop list: total" 'd["total"]' 2
jis "shop list items: contract fields" \
	"'' if all(missing(s, '$SHOP_FIELDS') == '' for s in d['shops']) else 'bad'" ""
bz cs1 $D shop list --shortfall
jis "shortfall list holds S2 only" '[s["id"] for s in d["shops"]]' '["S2"]'
bz cs1 $D shop list --status closed
jis "closed list holds S1 only" '[s["id"] for s in d["shops"]]' '["S1"]'
bz cs1 $D shop list --search 张三
jis "search by name" '[s["id"] for s in d["shops"]]' '["S1"]'
bz cs1 $D standards list
okrc "standards list"
jis "standards list: items have contract fields" \
	"'' if d['standards'] and all(missing(s, 'category,individual_fen,company_fen,effective') == '' for s in d['standards']) else 'bad'" ""
jis "standards are versioned (美妆个护 has two)" "count(d['standards'], 'category', '美妆个护')" 2

# ===========================================================================
echo "# exit codes"
refused "unknown command: usage 2" 2 input.usage demo $D frobnicate
refused "shop show without an id: usage 2" 2 input.usage demo $D shop show
refused "unknown option: usage 2" 2 input.usage demo $D shop list --colour
refused "missing subcommand: usage 2" 2 input.usage demo $D refund
grepo "missing subcommand: the message names them" "$T/err" \
	"needs a subcommand: submit, check, approve, reject, cancel, pay, fail, list, show"
refused "unknown subcommand: usage 2" 2 input.usage demo $D shop frobnicate
grepo "unknown subcommand: the message names them" "$T/err" \
	"subcommands: add, show, list, category, close, payee, unsettled"
refused "audit log takes no arguments: usage 2" 2 input.usage demo $D audit log S1
refused "calendar next without N: usage 2" 2 input.usage demo $D calendar next 2026-02-13
refused "unknown shop: not found 3" 3 shop.not_found demo $D shop show NOPE
refused "unknown refund: not found 3" 3 refund.not_found rev2 $D refund approve 9999
refused "unknown violation: not found 3" 3 violation.not_found demo $D violation show 9999
refused "unknown shop top-up: not found 3" 3 shop.not_found fin1 $D topup NOPE 100
refused "unknown user: permission 4" 4 auth.unknown_user mallory $D shop show S1
refused "support cannot top up: permission 4" 4 auth.role cs1 $D topup S2 100
refused "finance cannot close shops: permission 4" 4 auth.role fin1 $D shop close S2
refused "only supervisors load standards: permission 4" 4 auth.role rev1 $D standards load \
	"$ROOT/data/standards.cfg"
for a in 3,000 1e3 -5 3000.555 ¥100 " 100" 100000000000.01 abc ""; do
	refused "amount '$a' is bad input" 2 input.amount fin1 $D topup S2 "$a"
done
refused "raise '1e3' is bad input" 2 input.amount rev1 $D violation add S2 --class A \
	--points 1 --raise 1e3 --note x
refused "refund amount '3000.555' is bad input" 2 input.amount rev1 $D refund submit S2 \
	--kind partial --amount 3000.555
refused "--today 2026-02-30 is bad input" 2 input.date demo 2026-02-30 shop show S1
refused "calendar next 2026-02-30 is bad input" 2 input.date demo $D calendar next 2026-02-30 1
refused "shop close --date 2026-02-30 is bad input" 2 input.date rev1 $D shop close S2 \
	--date 2026-02-30
refused "payee --date 2025-13-01 is bad input" 2 input.date rev1 $D shop payee S2 \
	--type corporate --name 某某科技有限公司 --account 9555000011112222 --date 2025-13-01
refused "violation dated after today is bad input" 2 input.date rev1 $D violation add S2 \
	--class A --points 1 --raise 0 --note x --date 2026-03-01
refused "gmv month 2026-2 is bad input" 2 input.month fin1 $D gmv S2 2026-2 100
refused "recompute month 2026-00 is bad input" 2 input.month demo $D deposit recompute \
	--month 2026-00

# locked_wait: until the locker in the background says it holds its lock
# (it touches $T/locked), 10 s at most.
locked_wait() {
	_i=0
	while [ ! -f "$T/locked" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# Another writer holds the database: a write waits, then gives up with 5
# and writes nothing; reads go on meanwhile (WAL).
# On PostgreSQL the other writer is a session holding bzj's writer lock
# (the advisory lock PG_WRITER_LOCK in core/store.c, what SQLite's write
# lock on the file is to bzj on PostgreSQL).
dbcp "$DB" "$T/busy.db"
if pg; then
	(printf 'SELECT pg_advisory_lock(7420110016);\n\\! touch %s\nSELECT pg_sleep(8);\n' \
		"$T/locked") | pgcmd psql -X -q -d "$(dbname "$T/busy.db")" >/dev/null 2>&1 &
else
(printf 'BEGIN IMMEDIATE;\nINSERT INTO meta(key, value) VALUES (%s, %s);\n.shell touch %s\n' \
	"'e2e-lock'" "'1'" "$T/locked"
	sleep 8
	printf 'ROLLBACK;\n') | sqlite3 "$T/busy.db" >/dev/null 2>&1 &
fi
LOCKER=$!
locked_wait
LIFE_DB=$DB
DB=$T/busy.db
refused "a write while another process holds the database: busy 5" 5 store.busy fin1 $D \
	topup S2 1
bz cs1 $D shop show S2
okrc "reads go on while another process writes"
wait $LOCKER
# On PostgreSQL a lock taken by a session that is not bzj's (a DBA's
# LOCK TABLE in an open transaction) is waited for 5 s as well
# (lock_timeout, core/store_pg.c), not for ever: busy 5, nothing written.
if pg; then
	rm -f "$T/locked"
	_h1=$(snap) # before the lock: pg_dump itself would wait for it
	(printf 'BEGIN;\nLOCK TABLE shop IN ACCESS EXCLUSIVE MODE;\n\\! touch %s\nSELECT pg_sleep(8);\nROLLBACK;\n' \
		"$T/locked") | pgcmd psql -X -q -d "$(dbname "$T/busy.db")" >/dev/null 2>&1 &
	LOCKER=$!
	locked_wait
	bz fin1 $D topup S2 1
	erc "a write while a non-bzj session locks the shop table: busy 5, not a hang" 5 store.busy
	wait $LOCKER
	is "a write behind a non-bzj lock: nothing written" "$(snap)" "$_h1"
fi
DB=$LIFE_DB

# Text mode (no --json): the message on stderr, the same exit code.
bzt fin1 $D topup S2 3,000
is "text mode: bad amount exits 2" "$RC" 2
grepo "text mode: message on stderr names the field" "$T/err" amount

if pg; then
	pgskip "a file that is not a database, a database from a newer bzj (PRAGMA user_version)" \
		"both are about the SQLite file itself"
else
printf 'not a database, just text\n' >"$T/garbage.db"
BZJ_USER=demo "$BIN" --config "$CONF" --db "$T/garbage.db" --json shop list >"$T/out" 2>"$T/err"
RC=$?
CMD="shop list (garbage file)"
erc "a file that is not a database: storage error 6" 6 store.corrupt
cp "$DB" "$T/future.db"
[ -f "$DB-wal" ] && cp "$DB-wal" "$T/future.db-wal"
sqlite3 "$T/future.db" "PRAGMA user_version = 99"
BZJ_USER=demo "$BIN" --config "$CONF" --db "$T/future.db" --json shop list >"$T/out" 2>"$T/err"
RC=$?
CMD="shop list (schema 99)"
erc "a database from a newer bzj: storage error 6, never downgraded" 6 store.version
is "schema version left alone" "$(sqlite3 "$T/future.db" 'PRAGMA user_version')" 99
fi
H1=$(snap)
bz demo $D demo --shops 3
erc "demo refuses a database that has shops" 1 demo.not_empty
is "demo refused: nothing written" "$(snap)" "$H1"
BZJ_USER=demo "$BIN" --config "$CONF" --db "$(dburi "$T/none/x.db")" --json shop list >"$T/out" 2>"$T/err"
RC=$?
CMD="shop list (no database)"
erc "a command on a missing database: not found 3" 3 store.missing
is "no database file was created" "$(ls "$T/none" 2>/dev/null)" ""
BZJ_USER=cs1 "$BIN" --config "$CONF" --db "$(dburi "$T/cs.db")" --json init >"$T/out" 2>"$T/err"
RC=$?
CMD="init (support)"
erc "support cannot create a database: permission 4" 4 auth.role
is "no database file for support" "$(ls "$T/cs.db" 2>/dev/null)" ""

# ===========================================================================
echo "# imports"
LIFE_DB=$DB
DB=$T/import.db
bz demo 2025-08-01 init
okrc "import db: init"
# importer writes a shop row per good line of a good file
bz demo 2025-08-01 import shops "$DATA/shops_good.csv"
okrc "import shops (good file)"
jis "import shops: rows" 'd["rows"]' 3
bz demo 2025-08-01 shop show I1
jis "imported shop: three categories, highest base" 'd["base_fen"]' 1000000
bz demo 2025-08-01 shop show I3
jis "quoted name with a comma and quotes kept" 'd["name"]' '星光"一号",百货店'
jis "imported company" 'd["entity"]' company
bz demo 2025-08-01 import shops "$DATA/shops_bom_crlf.csv"
okrc "import shops with a UTF-8 BOM and CRLF line ends"
bz demo 2025-08-01 shop show I4
jis "BOM file: first column read as id" 'd["id"]' I4
jis "CRLF file: last field has no CR" 'd["operator"]' 赵六
refused "import shops: one bad line among good ones" 2 import.invalid demo 2025-08-01 \
	import shops "$DATA/shops_bad.csv"
grepo "bad line reported with its line number and field" "$T/err" ":3: entity"
grepo "every bad line reported (line 5, opened)" "$T/err" ":5: opened"
jis "import: JSON lists the bad lines" '[(l["line"], l["field"]) for l in d["lines"]]' \
	'[[3,"entity"],[5,"opened"]]'
bz demo 2025-08-01 shop show I10
erc "good lines of a bad file were not written" 3 shop.not_found
refused "import shops: GBK file refused" 2 import.invalid demo 2025-08-01 \
	import shops "$DATA/shops_gbk.csv"
grepo "GBK: the error names line 2" "$T/err" "line 2"
jis "GBK: reported as line 2 (not line 0)" '[l["line"] for l in d["lines"]]' '[2]'
jis "GBK: no claim that the file is empty" \
	'any("empty" in l["message"] for l in d["lines"])' false
refused "import shops: a quoted newline in a name is one field of one record" 2 \
	import.invalid demo 2025-08-01 import shops "$DATA/shops_multiline.csv"
jis "multi-line record reported at its first line; later line numbers count physical lines" \
	'[(l["line"], l["field"]) for l in d["lines"]]' '[[2,"name"],[5,"entity"]]'
refused "import: unknown kind" 2 input.kind demo 2025-08-01 import stores \
	"$DATA/shops_good.csv"
refused "import: missing file" 3 input.file demo 2025-08-01 import shops "$DATA/nope.csv"

bz fin1 2025-09-01 import gmv "$DATA/gmv_good.csv"
okrc "import gmv (good file)"
jis "import gmv: rows" 'd["rows"]' 3
refused "import gmv: bad amount and unknown shop" 2 import.invalid fin1 2025-09-01 \
	import gmv "$DATA/gmv_bad.csv"
jis "gmv bad lines" '[(l["line"], l["field"]) for l in d["lines"]]' \
	'[[3,"amount"],[4,"month"],[5,"shop_id"]]'
refused "import gmv: a line for an unknown shop" 2 import.invalid fin1 2025-09-01 \
	import gmv "$DATA/gmv_unknown.csv"
jis "gmv unknown shop reported at its line" '[(l["line"], l["field"]) for l in d["lines"]]' \
	'[[3,"shop_id"]]'
refused "import gmv: a line with more fields than the header (unquoted 50,000.00)" 2 \
	import.invalid fin1 2025-09-01 import gmv "$DATA/gmv_extra_field.csv"
jis "the line with an extra field is reported" '[l["line"] for l in d["lines"]]' '[3]'
bz demo 2025-09-01 deposit recompute --month 2025-09
jis "recompute after import" 'd["changed"]' 4
bz demo 2025-09-02 shop show I2
jis "imported GMV 50,000.01 -> floating 3,000" 'd["floating_fen"]' 300000
bz demo 2025-09-02 shop show I1
jis "imported GMV 50,000.00 -> floating 0" 'd["floating_fen"]' 0

bz fin1 2025-09-05 import topups "$DATA/topups_good.csv"
okrc "import topups (good file)"
jis "import topups: rows" 'd["rows"]' 3
bz demo 2025-09-05 shop show I1
jis "imported top-ups credited" 'd["balance_fen"]' 1200000
# The same file again is refused (issue 10.3; 20_imports.sh has the rest).
refused "re-import of the same top-ups file is refused" 1 import.duplicate_file fin1 2025-09-05 \
	import topups "$DATA/topups_good.csv"
bz demo 2025-09-05 shop show I1
jis "re-import: balance unchanged" 'd["balance_fen"]' 1200000
bz demo 2025-09-05 shop show I2
jis "I2: back-dated top-up of 2,500 under today's 3,000 requirement" \
	'[d["balance_fen"], d["required_fen"], d["payout_restricted"]]' '[250000,300000,true]'
bz demo 2025-09-05 shop list --shortfall
jis "a back-dated imported top-up is judged against today's requirement (shortfall list)" \
	'"I2" in [s["id"] for s in d["shops"]]' true
refused "import topups: bad lines" 2 import.invalid fin1 2025-09-05 \
	import topups "$DATA/topups_bad.csv"
jis "topup bad lines" '[(l["line"], l["field"]) for l in d["lines"]]' \
	'[[3,"amount"],[4,"date"],[5,"shop_id"]]'

bz rev1 2025-09-06 import violations "$DATA/violations_good.csv"
okrc "import violations (good file)"
jis "import violations: rows" 'd["rows"]' 2
bz demo 2025-09-06 shop show I1
jis "imported violation raises and freezes" '[d["raises_fen"], d["frozen_fen"]]' \
	'[50000,20000]'
refused "import violations: bad lines" 2 import.invalid rev1 2025-09-06 \
	import violations "$DATA/violations_bad.csv"
jis "violation bad lines" '[(l["line"], l["field"]) for l in d["lines"]]' \
	'[[3,"class"],[4,"points"],[5,"raise"]]'
refused "import violations: a freeze above the available balance" 2 import.invalid rev1 \
	2025-09-06 import violations "$DATA/violations_freeze.csv"
jis "freeze refusal reported against the freeze column" \
	'[(l["line"], l["field"]) for l in d["lines"]]' '[[2,"freeze"]]'
refused "import violations: a violation dated after today" 2 import.invalid rev1 \
	2025-09-06 import violations "$DATA/violations_future.csv"
jis "future violation date reported" '[(l["line"], l["field"]) for l in d["lines"]]' \
	'[[2,"date"]]'
refused "import violations by finance: permission 4" 4 auth.role fin1 2025-09-06 \
	import violations "$DATA/violations_good.csv"
bz demo 2025-09-06 check
jis "import db: check ok" 'd["ok"]' true
bz demo 2025-09-06 audit verify
jis "import db: audit verify ok" 'd["ok"]' true

# ===========================================================================
echo "# the floating figure takes effect on the 2nd without another command"
# DOMAIN: computed on the 1st, effective from the 2nd.  A shop whose
# floating deposit rises above its balance on the 2nd is in shortfall on
# the 2nd: the shortfall list shows it and every invariant holds.
DB=$T/float.db
bz demo 2025-08-01 init
okrc "float db: init"
bz demo 2025-08-01 shop add F1 --name 浮动店 --entity individual --category 服饰内衣 \
	--opened 2025-08-01
okrc "F1 opened (base 2,000)"
bz fin1 2025-08-01 topup F1 2500
okrc "F1 topped up to 2,500"
bz fin1 2025-09-01 gmv F1 2025-08 60000
bz demo 2025-09-01 deposit recompute --month 2025-09
okrc "recompute on the 1st"
bz demo 2025-09-01 shop list --shortfall
jis "on the 1st F1 is not in shortfall" 'd["total"]' 0
# The first command on the 2nd is bad input: it writes nothing, whatever
# catching up the new day needs (that is for the next real change or read).
refused "bad input on the day a new figure takes effect writes nothing" 2 input.amount \
	fin1 2025-09-02 topup F1 1e3
refused "refusal by role on that day writes nothing" 4 auth.role cs1 2025-09-02 topup F1 1
shop F1 2025-09-02
jis "on the 2nd F1 requires the 3,000 floating deposit" 'd["required_fen"]' 300000
jis "on the 2nd shop show says payout restricted" 'd["payout_restricted"]' true
bz demo 2025-09-02 shop list --shortfall
jis "on the 2nd the shortfall list shows F1" '[s["id"] for s in d["shops"]]' '["F1"]'
bz demo 2025-09-02 check
erc "on the 2nd check passes" 0
jis "on the 2nd check: ok" 'd["ok"]' true

# ===========================================================================
echo "# demo data: lists page through every row"
DB=$T/demo.db
bz demo 2026-03-10 demo --shops 450 --seed 3
okrc "demo --shops 450"
jis "demo: 450 shops" 'd["shops"]' 450
for sort in id name required balance; do
	for desc in "" --desc; do
		bz cs1 2026-03-10 shop list --limit 0 --sort $sort $desc
		jis "shop list --sort $sort $desc: every shop once (pages of 200)" \
			'[d["total"], len(d["shops"]), len(set(s["id"] for s in d["shops"]))]' \
			'[450,450,450]'
	done
done
# an id search whose matches are a small set read page by page (on
# PostgreSQL its ids are sorted and cut to the page before their rows)
for desc in "" --desc; do
	bz cs1 2026-03-10 shop list --limit 0 --search s000 $desc
	jis "shop list --search s000 $desc: every shop once, in id order (pages of 200)" \
		'[d["total"], len(d["shops"]), len(set(s["id"] for s in d["shops"])), [s["id"] for s in d["shops"]] == sorted((s["id"] for s in d["shops"]), reverse=len("'"$desc"'") > 0)]' \
		'[450,450,450,true]'
done
bz cs1 2026-03-10 shop list --limit 0 --search 4
jis "shop list --search 4: S0000004, S000004x and S00004xx, by number" \
	'[d["total"], [s["id"] for s in d["shops"]][:3], d["shops"][-1]["id"]]' \
	'[62,["S0000004","S0000040","S0000041"],"S0000450"]'
bz cs1 2026-03-10 shop list --limit 0 --sort balance
jis "shop list --sort balance is in balance order" \
	'all((a["balance_fen"], a["id"]) <= (b["balance_fen"], b["id"]) for a, b in zip(d["shops"], d["shops"][1:]))' \
	true
bz cs1 2026-03-10 shop list --limit 250
jis "shop list --limit 250" '[d["total"], len(d["shops"])]' '[450,250]'
bz cs1 2026-03-10 shop list --shortfall --limit 0
jis "shortfall list: every shop in it is restricted" \
	'all(s["payout_restricted"] for s in d["shops"]) and len(d["shops"]) == d["total"]' true
bz cs1 2026-03-10 refund list
jis "refund list: total = items" 'd["total"] == len(d["refunds"]) and d["total"] > 0' true
bz cs1 2026-03-10 refund list --overdue
jis "overdue refunds are open and past their window" \
	'all(r["overdue"] and r["status"] in ("submitted", "approved") and r["window_end"] < "2026-03-10" for r in d["refunds"])' \
	true
bz cs1 2026-03-10 check
jis "demo data: check ok" 'd["ok"]' true
bz cs1 2026-03-10 audit verify
jis "demo data: audit verify ok" 'd["ok"]' true

# ===========================================================================
echo "# the whole database"
DB=$LIFE_DB
bz cs1 2026-02-24 check
okrc "check"
jis "check: ok" 'd["ok"]' true
bz cs1 2026-02-24 audit verify
okrc "audit verify"
jis "audit verify: contract fields" "missing(d, 'ok,entries')" ""
jis "audit verify: ok" 'd["ok"]' true
jis "audit log has entries" 'd["entries"] > 50' true

# Tampering is found: a copy with an edited audit record, and one with a
# balance that is no longer the sum of its ledger.
dbcp "$LIFE_DB" "$T/tamper.db"
tamper "$T/tamper.db" "DROP TRIGGER IF EXISTS audit_no_update;
	UPDATE audit SET reason = 'edited' WHERE seq = 5;" 2>"$T/sqlerr"
DB=$T/tamper.db
bz cs1 2026-02-24 audit verify
is "audit verify on an edited log: exit 1" "$RC" 1
jis "audit verify names the first bad entry" 'd["first_bad"]["seq"]' 5
dbcp "$LIFE_DB" "$T/tamper2.db"
# (the seal trigger calls a function only bzj has: a writer drops it first)
tamper "$T/tamper2.db" "DROP TRIGGER seal_shop_au; UPDATE shop SET balance_fen = balance_fen + 1 WHERE id = 'S2';"
DB=$T/tamper2.db
bz cs1 2026-02-24 check
is "check on a balance that is not its ledger: exit 1" "$RC" 1
jis "check lists check.balance" "count(d['problems'], 'code', 'check.balance')" 1

# The newest audit record deleted: no later record points at it, so the
# chain alone cannot see the gap; the money movement it recorded still
# exists, and verify or check must notice one of them is unaccounted for.
DB=$T/tail.db
bz demo 2025-08-01 init
bz demo 2025-08-01 shop add T1 --name 尾店 --entity individual --category 服饰内衣 --opened 2025-08-01
bz fin1 2025-08-01 topup T1 100
okrc "tail db: a top-up"
tamper "$DB" "DROP TRIGGER IF EXISTS audit_no_delete;
	DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);"
bz cs1 2025-08-01 audit verify
_v=$RC
bz cs1 2025-08-01 check
if [ "$_v" = 1 ] || [ "$RC" = 1 ]; then
	ok "deleting the newest audit record (a top-up's) is detected by audit verify or check"
else
	fail "deleting the newest audit record (a top-up's) is detected by audit verify or check" \
		"audit verify exit $_v, check exit $RC $(last)"
fi

