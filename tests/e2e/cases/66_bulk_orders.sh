# Issue 13: `import orders` is a bulk job (core/import.c orders_write).
# Its lines are checked in memory, staged in slices as versions of
# (shop, day) rows that belong to a job nobody sees (a re-imported day
# restages the shop's later days, whose running sums it moves), and
# published with the import's records in one small transaction.  One
# orders import runs at a time: a second is refused with bulk.running
# (exit 5) while the first is alive; a killed one is taken over at once;
# Ctrl-C exits 130 with nothing seen.  The result is the same as the same
# files imported in one slice each.
DB=$T/66_bulk_orders.db
D66=2026-01-12
setup66() {
	bz demo $D66 init
	for _s in O1 O2 O3; do
		bz demo $D66 shop add $_s --name 订单店$_s --entity company --category 服饰内衣 \
			--opened 2025-01-01 --entity-name 订单公司$_s
	done
	bz rev1 $D66 provider add P66 --name 产业带P66 --entity-name P66服务有限公司 \
		--kind industry_belt --certified 2025-06-01
	for _s in O1 O2 O3; do
		bz rev1 $D66 provider bind P66 $_s --from 2026-01-01
	done
	okrc "bulk orders set-up: three shops bound to P66"
}
setup66
VIS66="(v.job = 0 OR v.job IN (SELECT id FROM bulk_job WHERE state = 1))"
q66() { sq "$DB" "$1"; }
# the (shop, day) rows a reader sees: visible, the newest visible version
NEWEST66="SELECT v.shop_id, v.day, v.paid, v.gift, v.net_cum, v.gift_cum FROM shop_orders v
 WHERE $VIS66 AND NOT EXISTS (SELECT 1 FROM shop_orders n WHERE n.shop_id = v.shop_id
 AND n.day = v.day AND n.job > v.job AND (n.job = 0 OR n.job IN (SELECT id FROM bulk_job WHERE state = 1)))
 ORDER BY v.shop_id, v.day"
seen66() { q66 "SELECT count(*) FROM ($NEWEST66) AS x"; }
staged66() { q66 "SELECT count(*) FROM shop_orders WHERE job IN (SELECT id FROM bulk_job WHERE state <> 1)"; }
left66() { q66 "SELECT count(*) FROM bulk_job WHERE state <> 1"; }
total66() { # net/gift of P66 over January as `provider orders` gives them
	bz cs1 $D66 provider orders P66 --from 2026-01-01 --to 2026-01-31
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%s/%s" % (d["orders"], d["gift_orders"]))' "$T/out"
}
# a: a new day for every shop (net 9 + 18 + 27 = 54, gift 6); c: a later day
# of O1 (+5); d: O1's 01-05 re-imported (9 -> 100, moving 01-06's running
# sum) and a new day of O2 (+7) and O3 (gift 3); e: a day of O2 and O3 (+3)
printf 'shop_id,date,paid_orders,gift_orders\nO1,2026-01-05,10,1\nO2,2026-01-05,20,2\nO3,2026-01-05,30,3\n' >"$T/66_a.csv"
printf 'shop_id,date,paid_orders,gift_orders\nO1,2026-01-06,5,0\n' >"$T/66_c.csv"
printf 'shop_id,date,paid_orders,gift_orders\nO1,2026-01-05,100,0\nO2,2026-01-07,7,0\nO3,2026-01-07,3,3\n' >"$T/66_d.csv"
printf 'shop_id,date,paid_orders,gift_orders\nO2,2026-01-08,1,0\nO3,2026-01-08,2,0\n' >"$T/66_e.csv"

# ---- staging: unseen by provider orders, assess show and bzj check; a second run refused
bz demo $D66 assess create q66 --cutoff 2025-12-31 --from 2026-01-01 --to 2026-01-31 \
	--threshold 50 --deposit 0
okrc "assessment q66 over January"
slow fin1 $D66 import orders "$T/66_a.csv"
# the refusals first: "nothing written" compares the whole database, and the
# running import writes its next slice 6 s after its first
refused "a second run of the same file while the first runs" 5 bulk.running \
	fin2 $D66 import orders "$T/66_a.csv"
refused "another orders file while the first runs" 5 bulk.running \
	fin2 $D66 import orders "$T/66_c.csv"
grepo "the refusal names who runs it" "$T/out" "started by fin1"
_st=$(staged66)
[ "$_st" -ge 1 ] && ok "during the import: orders staged" || fail "during the import: orders staged" "none ($_st)"
is "during the import: no order row seen" "$(seen66)" 0
is "during the import: provider orders sees nothing" "$(total66)" 0/0
bz cs1 $D66 assess show q66
jis "during the import: assess show counts nothing" 'find(d["providers"], "id", "P66")["orders"]' 0
bz demo $D66 check
okrc "bzj check while the orders are staging"
jis "bzj check while staging: ok" 'd["ok"]' true
slow_wait
is "the slow import finished" "$?" 0
cp "$T/slow.out" "$T/out"
jis "published: three rows" 'd["rows"]' 3
is "after publishing: three rows seen" "$(seen66)" 3
is "after publishing: provider orders" "$(total66)" 54/6
bz cs1 $D66 assess show q66
jis "after publishing: assess show" 'find(d["providers"], "id", "P66")["orders"]' 54
is "one import.orders record" "$(q66 "SELECT count(*) FROM audit WHERE action = 'import.orders'")" 1
is "no job left unpublished" "$(left66)" 0
bz fin1 $D66 import orders "$T/66_c.csv"
okrc "a later day of O1"
is "O1's later day counted" "$(total66)" 59/6

# ---- kill -9 mid-way: nothing seen, check clean, a re-run takes over at once
slow fin1 $D66 import orders "$T/66_d.csv"
kill -9 $SLOW
wait $SLOW 2>/dev/null
is "killed: nothing of the file seen" "$(total66)" 59/6
is "killed: O1's 01-06 running sum unmoved" "$(q66 "SELECT net_cum FROM ($NEWEST66) AS x WHERE shop_id = 'O1' AND day = 20459")" 14
is "killed: its job left staging" "$(q66 "SELECT count(*) FROM bulk_job WHERE state = 0")" 1
bz demo $D66 check
okrc "check after a killed orders import"
jis "check after the kill: ok" 'd["ok"]' true
bz fin1 $D66 import orders "$T/66_d.csv"
okrc "re-run at once after the kill (the killed process is gone)"
jis "re-run: three rows" 'd["rows"]' 3
is "re-run: the file counted once" "$(total66)" 157/8
is "re-run: O1's 01-06 running sum moved by the re-imported day" \
	"$(q66 "SELECT net_cum FROM ($NEWEST66) AS x WHERE shop_id = 'O1' AND day = 20459")" 105
is "re-run: no staged row of the killed run left" "$(staged66)" 0
is "re-run: no unfinished job" "$(left66)" 0
is "re-run: the versions it superseded pruned (O1: one row a day)" \
	"$(q66 "SELECT count(*) FROM shop_orders WHERE shop_id = 'O1'")" 2

# ---- Ctrl-C: exit 130, nothing seen, a re-run starts clean ---------------------
slow fin1 $D66 import orders "$T/66_e.csv"
kill -INT $SLOW
wait $SLOW
is "Ctrl-C: exit 130" "$?" 130
is "Ctrl-C: nothing seen" "$(total66)" 157/8
is "Ctrl-C: no import record" "$(q66 "SELECT count(*) FROM audit WHERE action = 'import.orders'")" 3
bz demo $D66 check
okrc "check after Ctrl-C"
bz fin1 $D66 import orders "$T/66_e.csv"
okrc "re-run after Ctrl-C"
jis "re-run after Ctrl-C: two rows" 'd["rows"]' 2
is "re-run after Ctrl-C: counted once" "$(total66)" 160/8
is "re-run after Ctrl-C: nothing left over" "$(staged66)/$(left66)" "0/0"
_n66=$(q66 "SELECT count(*) FROM shop_orders")
bz fin1 $D66 import orders "$T/66_e.csv"
okrc "the same file again"
is "the same file again: the same figures, no new version" "$(total66)/$(q66 "SELECT count(*) FROM shop_orders")" "160/8/$_n66"
bz demo $D66 check
okrc "check at the end"
jis "check at the end: ok" 'd["ok"]' true

# ---- refusals write nothing; they keep their codes ---------------------------
printf 'shop_id,date,paid_orders,gift_orders\nO1,2026-01-09,1,0\nO2,2026-01-09,2,0\nO1,2026-01-09,3,0\n' >"$T/66_dup.csv"
refused "the same shop and day twice" 2 import.invalid fin1 $D66 import orders "$T/66_dup.csv"
jis "the second line named" 'find(d["lines"], "line", 4)["field"]' date
jis "with the first line" '"line 2" in find(d["lines"], "line", 4)["message"]' true
printf 'shop_id,date,paid_orders,gift_orders\nO1,2026-01-09,1,0\nO2,2026-01-09,2,0\nZZ9,2026-01-09,3,0\n' >"$T/66_unk.csv"
refused "an unknown shop (found on a slice's foreign key)" 2 import.invalid \
	fin1 $D66 import orders "$T/66_unk.csv"
jis "the unknown shop named by its line" 'find(d["lines"], "line", 4)["field"]' shop_id
jis "only that line" 'd["errors"]' 1
_rows66=$(q66 "SELECT count(*) FROM shop_orders")
BZJ_TEST_SLICE_ROWS=1 bz fin1 $D66 import orders "$T/66_unk.csv"
erc "an unknown shop in the third slice" 2 import.invalid
is "its first two slices deleted with the abandoned job" "$(q66 "SELECT count(*) FROM shop_orders")/$(left66)" "$_rows66/0"
refused "support may not import orders" 4 auth.role cs1 $D66 import orders "$T/66_a.csv"

# ---- the same files in one slice each give the same rows --------------------------
_sliced66=$(q66 "$NEWEST66")
DB=$T/66_oneshot.db
setup66
for _f in a c d e; do
	bz fin1 $D66 import orders "$T/66_$_f.csv"
done
okrc "one-shot imports of the same files"
is "the same rows and running sums as the sliced, killed and re-run imports" "$(q66 "$NEWEST66")" "$_sliced66"
is "one-shot: provider orders" "$(total66)" 160/8
unset -f setup66 q66 seen66 staged66 left66 total66
