# 62_payout_same.sh - a bank batch and its return file give the same
# refunds, ledger and shops as paying the same refunds one at a time with
# `refund pay` (issue 15: "fails as a single payout would"; fin3 changed how
# a batch writes, this proves the outcome did not change).  One database is
# copied before the payout; copy A goes through `payout batch` + `payout
# return` (every sent refund paid on the batch's date), copy B through
# `refund pay` of each approved refund by the same person on the same day.
# Since schema v18 the batch sends its refunds in one statement under one
# audit record (the batch's, with a hash of its refund ids) instead of one
# record per refund: the section "the batch's audit shape" proves each
# refund's history still names who sent it, when and in which batch, and
# that `bzj check` finds the batch's record through the refund's batch_id.
DB=$T/62_payout_same.db
D=2025-10-09
bz demo $D init
okrc "same: init"
i=1
for s in S1 S2 S3 S4 S5 S6 S7; do
	bz demo $D shop add $s --name "店$s" --entity company --category 服饰内衣 \
		--opened 2023-01-01 --entity-name "公司$s"
	bz rev1 $D shop payee $s --type corporate --name "公司$s" --account "62220000222200$i$i"
	i=$((i + 1))
done
okrc "same: seven shops with their payees"
for s in S1 S2 S4 S5 S7; do bz fin1 $D topup $s 100000; done
bz fin1 $D topup S6 200000
shop S3 $D
REQ3=$(j 'd["required_fen"]')
bz fin1 $D topup S3 "$(( (REQ3 + 100000) / 100 ))"
okrc "same: top-ups (S3: required plus exactly 1,000 yuan)"
D=2025-11-03
for s in S1 S2 S3 S4 S5 S7; do
	bz rev1 $D refund submit $s --kind partial --amount 1000
	eval "R_$s=\$(j 'd[\"id\"]')"
done
bz rev1 $D refund submit S6 --kind partial --amount 60000
R_S6=$(j 'd["id"]')
for s in S1 S2 S3 S4 S5 S6 S7; do eval "bz rev2 $D refund approve \$R_$s"; done
okrc "same: seven partial refunds approved (S6 without its second approval)"
bz rev1 $D violation add S3 --class A --points 1 --raise 0 --note 虚假发货
bz rev1 $D violation deduct "$(j 'd["id"]')" 1
okrc "same: S3 deducted after approval (fails the re-check)"
bz rev1 2025-11-01 shop payee S4 --type corporate --name 公司S4 --account 6222000022220099
okrc "same: S4's payee changed on 2025-11-01 (held)"
bz demo 2025-11-03 refund cancel "$R_S7"
okrc "same: S7 cancelled (not payable)"

PAY=2025-11-04
dbcp "$DB" "$T/62_a.db"
dbcp "$DB" "$T/62_b.db"

echo "# A: one batch and its return file"
DB=$T/62_a.db
bz fin2 $PAY payout batch --date $PAY --out "$T/62_a.csv"
okrc "A: batch"
jis "A: S1, S2 and S5 sent" 'sorted(r["id"] for r in d["refunds"])' \
	"$(python3 -c "print(str(sorted([$R_S1, $R_S2, $R_S5])).replace(' ', ''))")"
jis "A: S3 left out, failed at payout" 'find(d["excluded"], "id", '"$R_S3"')["code"]' \
	refund.payout_failed
jis "A: S4 left out, payee changed" 'find(d["excluded"], "id", '"$R_S4"')["code"]' \
	payee.changed_recently
S3MSG_A=$(j 'find(d["excluded"], "id", '"$R_S3"')["message"]')
S4MSG_A=$(j 'find(d["excluded"], "id", '"$R_S4"')["message"]')
BATCH_A=$(j 'd["batch"]')
dbcp "$DB" "$T/62_sent.db"
awk -F, -v d=$PAY 'NR > 1 { printf "%s,paid,%s,\n", $1, d } BEGIN { print "ref,status,date,reason" }' \
	"$T/62_a.csv" >"$T/62_a_ret.csv"
bz fin2 $PAY payout return "$T/62_a_ret.csv"
okrc "A: return file, all paid"
jis "A: three paid" 'd["paid"]' 3

echo "# B: the same refunds paid one at a time"
DB=$T/62_b.db
for s in S1 S2 S5; do
	eval "bz fin2 $PAY refund pay \$R_$s"
	okrc "B: $s paid singly"
done
bz fin2 $PAY refund pay "$R_S3"
erc "B: S3 fails at payout" 1 refund.payout_failed
is "B: S3's message as in the batch" "$(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$T/out")" "$S3MSG_A"
bz fin2 $PAY refund pay "$R_S4"
erc "B: S4 refused, payee changed" 1 payee.changed_recently
is "B: S4's message as in the batch" "$(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$T/out")" "$S4MSG_A"
bz fin2 $PAY refund pay "$R_S6"
erc "B: S6 refused, no second approval (and not in the batch)" 1 refund.second_approval_required

echo "# A and B agree"
# batch_id, bank_ref and version are the batch's own; changed_by is the
# last writer (fin2 in both)
q_refund="SELECT id, shop_id, status, amount_fen, checklist, late, approved_by, second_by,
	paid_by, paid_on, failure_reason, reject_reason, changed_by, closed_on FROM refund ORDER BY id"
q_ledger="SELECT id, shop_id, day, kind, amount_fen, balance_after, refund_id, "user" FROM ledger ORDER BY id"
q_shop="SELECT id, status, balance_fen, frozen_fen, owed_fen, required_fen, restricted, refund_open
	FROM shop ORDER BY id"
q_restr="SELECT * FROM restriction_event ORDER BY 1"
for q in refund ledger shop; do
	eval "sql=\$q_$q"
	a=$(sq "$T/62_a.db" "$sql")
	b=$(sq "$T/62_b.db" "$sql")
	is "A = B: $q rows" "$a" "$b"
done
is "A = B: refund rows are not empty" "$(sq "$T/62_a.db" "SELECT count(*) FROM refund WHERE status = 3")" 3
if sq "$T/62_a.db" "SELECT 1 FROM restriction_event LIMIT 0" >/dev/null 2>&1; then
	is "A = B: restriction events" "$(sq "$T/62_a.db" "$q_restr")" \
		"$(sq "$T/62_b.db" "$q_restr")"
fi
DB=$T/62_a.db
bz demo $PAY check
okrc "A: bzj check clean"
DB=$T/62_b.db
bz demo $PAY check
okrc "B: bzj check clean"

echo "# the batch's audit shape: one record for the batch, found through batch_id"
DB=$T/62_sent.db
bz demo $PAY audit log --limit 20
jis "sent: one payout.batch record, naming the batch" \
	'[r["object"] for r in d["entries"] if r["action"] == "payout.batch"]' "[\"payout_batch:$BATCH_A\"]"
jis "sent: no record per sent refund" \
	'len([r for r in d["entries"] if r["action"] == "refund.send"])' 0
jis "sent: the failed re-check has its own record (S3, as refund pay)" \
	'[r["shop_id"] for r in d["entries"] if r["action"] == "refund.payout_failed"]' '["S3"]'
AFTER=$(j '[r["after"] for r in d["entries"] if r["action"] == "payout.batch"][0]')
WANT_H=$(python3 -c "import hashlib; print(hashlib.sha256(''.join('%d\\n' % i for i in sorted([$R_S1, $R_S2, $R_S5])).encode()).hexdigest())")
is "sent: the batch's record: count, total and the hash of the sent refunds' ids" \
	"$(printf '%s' "$AFTER" | python3 -c 'import json, sys; a = json.load(sys.stdin); print(a["count"], a["total_fen"], a["refunds_sha256"])')" \
	"3 300000 $WANT_H"
BSEQ=$(j '[r["seq"] for r in d["entries"] if r["action"] == "payout.batch"][0]')
is "sent: every sent refund's seal names the batch's record" \
	"$(sq "$DB" "SELECT count(*) FROM refund r JOIN seal s ON s.tbl = 'refund' AND s.rid = r.id
		WHERE r.status = 7 AND s.seq = $BSEQ" "SELECT count(*) FROM refund r JOIN seal s
		ON s.tbl = 'refund' AND s.rid = r.id::text WHERE r.status = 7 AND s.seq = $BSEQ")" 3
bz fin1 $PAY refund show "$R_S2"
okrc "sent: refund show"
jis "sent: refund show names who sent it, when and in which batch" \
	'[d["status"], d["sent"]["batch_id"], d["sent"]["by"], d["sent"]["day"], d["sent"]["bank_ref"], d["sent"]["audit_seq"]]' \
	"[\"sent\",$BATCH_A,\"fin2\",\"$PAY\",\"BZJ$(printf %09d "$R_S2")\",$BSEQ]"
bz fin1 $PAY refund show "$R_S3"
jis "sent: a refund never sent has sent null" 'd["sent"]' null
bz demo $PAY audit log --shop S2
jis "sent: S2's history holds the batch's record" \
	'[r["seq"] for r in d["entries"] if r["action"] == "payout.batch"]' "[$BSEQ]"
bz demo $PAY audit log --shop S4
jis "sent: S4's (left out) does not" \
	'len([r for r in d["entries"] if r["action"] == "payout.batch"])' 0
bz demo $PAY check
okrc "sent: bzj check clean while the refunds are with the bank"
DB=$T/62_a.db
bz fin1 $PAY refund show "$R_S2"
jis "A: after the return, still who sent it and in which batch" \
	'[d["status"], d["paid_by"], d["sent"]["batch_id"], d["sent"]["by"]]' "[\"paid\",\"fin2\",$BATCH_A,\"fin2\"]"
jis "A: and who recorded the bank's answer (the return's one record)" \
	'[d["sent"]["returned"]["by"], d["sent"]["returned"]["day"]]' "[\"fin2\",\"$PAY\"]"
RSEQ=$(j 'd["sent"]["returned"]["audit_seq"]')
bz demo $PAY audit log --limit 30
jis "A: one payout.return record, no record per refund paid" \
	'[r["action"] for r in d["entries"] if r["action"] in ("payout.return", "refund.pay")]' \
	'["payout.return"]'
AFTER=$(j '[r["after"] for r in d["entries"] if r["action"] == "payout.return"][0]')
is "A: the return's record: paid, failed, refunds and the hash of their ids" \
	"$(printf '%s' "$AFTER" | python3 -c 'import json, sys; a = json.load(sys.stdin); print(a["paid"], a["failed"], a["refunds"], a["refunds_sha256"])')" \
	"3 0 3 $WANT_H"
is "A: every paid refund, its ledger entry and shop are sealed with the return's record" \
	"$(sq "$DB" "SELECT count(*) FROM seal WHERE seq = $RSEQ AND (tbl = 'refund' AND rid IN ($R_S1, $R_S2, $R_S5)
		OR tbl = 'ledger' AND rid IN (SELECT id FROM ledger WHERE refund_id IN ($R_S1, $R_S2, $R_S5))
		OR tbl = 'shop' AND rid IN ('S1', 'S2', 'S5'))" \
		"SELECT count(*) FROM seal WHERE seq = $RSEQ AND (tbl = 'refund' AND rid IN ('$R_S1', '$R_S2', '$R_S5')
		OR tbl = 'ledger' AND rid IN (SELECT id::text FROM ledger WHERE refund_id IN ($R_S1, $R_S2, $R_S5))
		OR tbl = 'shop' AND rid IN ('S1', 'S2', 'S5'))")" 9
bz demo $PAY audit log --shop S5
jis "A: S5's history: its batch and its return" \
	'[r["action"] for r in d["entries"] if r["action"].startswith("payout.")]' '["payout.return","payout.batch"]'
dbcp "$DB" "$T/62_tamper3.db"
DB=$T/62_tamper3.db
tamper "$DB" "UPDATE seal SET seq = $BSEQ WHERE tbl = 'refund' AND rid = $R_S5" \
	"UPDATE seal SET seq = $BSEQ WHERE tbl = 'refund' AND rid = '$R_S5'"
bz demo $PAY check
erc "tamper: a paid refund no longer sealed with its return: check fails" 1
jis "tamper: the return's record no longer matches its refunds" \
	'[p["code"] for p in d["problems"] if p["code"] == "check.return_audit"]' '["check.return_audit"]'
DB=$T/62_b.db
bz fin1 $PAY refund show "$R_S2"
jis "B: paid singly, never sent" 'd["sent"]' null

echo "# check finds a refund moved out of its batch behind bzj's back"
dbcp "$T/62_sent.db" "$T/62_tamper.db"
DB=$T/62_tamper.db
tamper "$DB" "DROP TRIGGER seal_refund_au; UPDATE refund SET batch_id = NULL, bank_ref = NULL, status = 2
	WHERE id = $R_S2"
bz demo $PAY check
erc "tamper: check fails" 1
jis "tamper: the batch's record no longer matches its refunds" \
	'sorted(set(p["code"] for p in d["problems"]) & {"check.batch_audit", "check.batch_totals"})' \
	'["check.batch_audit","check.batch_totals"]'
dbcp "$T/62_sent.db" "$T/62_tamper2.db"
DB=$T/62_tamper2.db
tamper "$DB" "UPDATE seal SET seq = (SELECT max(seq) FROM audit WHERE action = 'refund.payout_failed')
	WHERE tbl = 'refund' AND rid = $R_S5" "UPDATE seal SET seq = (SELECT max(seq) FROM audit
	WHERE action = 'refund.payout_failed') WHERE tbl = 'refund' AND rid = '$R_S5'"
bz demo $PAY check
erc "tamper: a sent refund sealed with another record: check fails" 1
jis "tamper: named as a sent refund without its send" \
	'[p["code"] for p in d["problems"] if p["code"] == "check.refund_sent_audit"]' '["check.refund_sent_audit"]'

echo "# a return that restricts a shop: its event, its own record after the return's, check clean"
DB=$T/62_restr.db
bz demo 2025-10-09 init
bz demo 2025-10-09 shop add R1 --name 店R1 --entity company --category 服饰内衣 \
	--opened 2023-01-01 --entity-name 公司R1
bz rev1 2025-10-09 shop payee R1 --type corporate --name 公司R1 --account 6222000022229999
shop R1 2025-10-09
REQR=$(j 'd["required_fen"]')
bz fin1 2025-10-09 topup R1 "$(( (REQR + 100000) / 100 ))"
okrc "restr: R1 holds its required deposit plus exactly 1,000 yuan"
bz rev1 2025-11-03 refund submit R1 --kind partial --amount 1000
RR=$(j 'd["id"]')
bz rev2 2025-11-03 refund approve "$RR"
bz fin2 $PAY payout batch --date $PAY --out "$T/62_r.csv"
jis "restr: sent" 'd["count"]' 1
bz rev1 $PAY violation add R1 --class A --points 1 --raise 0 --note 虚假发货
bz rev1 $PAY violation deduct "$(j 'd["id"]')" 1
okrc "restr: 1 yuan deducted while the refund is with the bank"
awk -F, -v d=$PAY 'NR > 1 { printf "%s,paid,%s,\n", $1, d } BEGIN { print "ref,status,date,reason" }' \
	"$T/62_r.csv" >"$T/62_r_ret.csv"
bz fin2 $PAY payout return "$T/62_r_ret.csv"
okrc "restr: the bank paid it"
shop R1 $PAY
jis "restr: R1 is now below its required deposit, restricted" \
	'[d["required_fen"] - d["balance_fen"], d["payout_restricted"]]' '[100,true]'
is "restr: the restriction event, caused by the refund paid" \
	"$(sq "$DB" "SELECT restricted, cause FROM restriction_event WHERE shop_id = 'R1' ORDER BY id DESC LIMIT 1")" \
	"1|refund paid"
bz demo $PAY audit log --shop R1 --limit 3
jis "restr: its own record, after the return's" \
	'[(r["action"], r["reason"]) for r in d["entries"]][:2]' \
	'[["restriction.start","refund paid"],["payout.return",null]]'
bz demo $PAY check
okrc "restr: bzj check clean (restriction, its log, seals)"
