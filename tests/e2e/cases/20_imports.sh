# Imports applied once (issue 10.3): the same top-up or violation file
# imported twice is refused naming the earlier import; a supervisor may
# force it with a reason (audited); top-up lines without a ref get a
# derived key, so the same lines in another file credit nothing twice.
DB=$T/20_imports.db
bz demo 2026-01-05 init
bz demo 2026-01-05 shop add M1 --name 幂等测试店 --entity individual --category 服饰内衣 --opened 2026-01-02
bz demo 2026-01-05 shop add M2 --name 幂等二店 --entity individual --category 服饰内衣 --opened 2026-01-02
okrc "imports: shops"
printf 'shop_id,amount,date\nM1,100.00,2026-01-03\nM1,100.00,2026-01-03\nM2,50.00,2026-01-04\n' >"$T/noref.csv"
bz fin1 2026-01-05 import topups "$T/noref.csv"
okrc "imports: top-ups without refs"
jis "imports: three rows, two identical lines are two payments" '[d["rows"], d["replayed"]]' '[3,0]'
bz demo 2026-01-05 shop show M1
jis "imports: M1 credited twice 100.00" 'd["balance_fen"]' 20000
refused "imports: the same top-up file again is refused (exit 1)" 1 import.duplicate_file fin1 2026-01-06 \
	import topups "$T/noref.csv"
grepo "imports: the refusal names the earlier import's user" "$T/out" "by fin1"
grepo "imports: ... its business day" "$T/out" "2026-01-05"
grepo "imports: ... and its audit record" "$T/out" "audit record"
# The same lines in another file (a new line added): only the new one counts.
printf 'shop_id,amount,date\nM1,100.00,2026-01-03\nM1,100.00,2026-01-03\nM2,50.00,2026-01-04\nM2,7.00,2026-01-05\n' >"$T/noref2.csv"
bz fin1 2026-01-06 import topups "$T/noref2.csv"
okrc "imports: an overlapping file"
jis "imports: only the new line is credited, three are replays" '[d["rows"], d["replayed"]]' '[1,3]'
bz demo 2026-01-06 shop show M1
jis "imports: M1 still 200.00" 'd["balance_fen"]' 20000
bz demo 2026-01-06 shop show M2
jis "imports: M2 50.00 + 7.00" 'd["balance_fen"]' 5700
# A third identical line is a third payment.
printf 'shop_id,amount,date\nM1,100.00,2026-01-03\nM1,100.00,2026-01-03\nM1,100.00,2026-01-03\n' >"$T/noref3.csv"
bz fin1 2026-01-06 import topups "$T/noref3.csv"
jis "imports: a third identical line in one file is a new payment" '[d["rows"], d["replayed"]]' '[1,2]'
# Forcing: a supervisor, with a reason; finance may not; a reason is needed.
refused "imports: finance may not force (exit 4)" 4 auth.role fin1 2026-01-06 \
	import topups "$T/noref.csv" --force --reason "bank resent"
refused "imports: --force needs --reason (exit 2)" 2 input.reason sup1 2026-01-06 \
	import topups "$T/noref.csv" --force
refused "imports: --reason without --force (exit 2)" 2 input.usage sup1 2026-01-06 \
	import topups "$T/noref.csv" --reason "x"
bz sup1 2026-01-06 import topups "$T/noref.csv" --force --reason "bank resent the file"
okrc "imports: a supervisor forces the re-import"
jis "imports: forced, still nothing credited twice" '[d["rows"], d["replayed"]]' '[0,3]'
bz demo 2026-01-06 shop show M1
jis "imports: M1 unchanged by the forced re-import" 'd["balance_fen"]' 30000
bz demo 2026-01-06 audit log --limit 1
jis "imports: the forced import is audited with its reason and the earlier record" \
	'[d["entries"][0]["action"], d["entries"][0]["reason"], "\"forced\":true" in d["entries"][0]["after"]]' \
	'["import.topups","bank resent the file",true]'
# Violations: a second import would freeze and raise twice.
printf 'shop_id,class,points,raise,freeze,note\nM1,A,1,10.00,5.00,late shipping\n' >"$T/v.csv"
bz rev1 2026-01-06 import violations "$T/v.csv"
okrc "imports: violations"
refused "imports: the same violation file again is refused (exit 1)" 1 import.duplicate_file rev1 2026-01-07 \
	import violations "$T/v.csv"
bz sup1 2026-01-07 import violations "$T/v.csv" --force --reason "a second, separate case"
okrc "imports: a supervisor forces a violation file again"
bz demo 2026-01-07 shop show M1
jis "imports: two violations' freezes" 'd["frozen_fen"]' 1000
# GMV and shops: idempotent by key, no file rule.
printf 'shop_id,month,amount\nM1,2025-12,100.00\n' >"$T/g.csv"
bz fin1 2026-01-07 import gmv "$T/g.csv"
bz fin1 2026-01-07 import gmv "$T/g.csv"
okrc "imports: a GMV file again rewrites the same figures (allowed)"
# Scores and orders: a replay changes nothing, so no file rule either.
printf 'shop_id,date,score\nM1,2026-01-06,4.5\n' >"$T/s.csv"
bz rev1 2026-01-07 import scores "$T/s.csv"
okrc "imports: scores"
bz rev1 2026-01-07 import scores "$T/s.csv"
okrc "imports: the same score file again is not refused"
jis "imports: ... its score is unchanged" '[d["rows"], d["unchanged"]]' '[0,1]'
printf 'shop_id,date,paid_orders,gift_orders\nM1,2026-01-06,10,2\n' >"$T/o.csv"
bz fin1 2026-01-07 import orders "$T/o.csv"
okrc "imports: orders"
bz fin1 2026-01-07 import orders "$T/o.csv"
okrc "imports: the same order file again replaces the same figures (allowed)"
jis "imports: ... one row" 'd["rows"]' 1
bz demo 2026-01-07 check
okrc "imports: check passes"
