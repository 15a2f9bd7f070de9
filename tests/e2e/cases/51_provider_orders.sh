# 51_provider_orders.sh - a provider's orders come from each shop's
# running sums (shop_orders.net_cum/gift_cum, issue 14's console and bench
# targets): `provider orders` and `assess show` must give exactly the
# plain day-by-day sum over the bound days, after imports out of order
# and re-imports of days in the middle; `bzj check` recomputes every
# running sum from the rows and names one changed behind bzj's back.
DB=$T/51_provider_orders.db
D=2024-03-01
bz demo $D init
okrc "orders: init"
for s in S1 S2; do
	bz demo $D shop add $s --name "店$s" --entity company --category 服饰内衣 \
		--opened 2023-01-01 --entity-name "公司$s"
done
bz rev1 $D provider add Q1 --name 产业带Q1 --entity-name Q1服务有限公司 \
	--kind industry_belt --certified 2023-06-01
okrc "provider Q1"
bz rev1 $D provider bind Q1 S1 --from 2024-01-05 --to 2024-01-20
okrc "bind S1 01-05..01-20"
bz rev1 $D provider bind Q1 S2 --from 2024-01-10
okrc "bind S2 from 01-10"

# The later days first, then the earlier ones (each import shifts the
# running sums of the days after it), a gap on 01-12 for S1.
cat >"$T/o51a.csv" <<'EOF'
shop_id,date,paid_orders,gift_orders
S1,2024-01-20,20,2
S1,2024-01-21,500,0
S2,2024-01-15,15,5
S2,2024-02-01,30,0
EOF
cat >"$T/o51b.csv" <<'EOF'
shop_id,date,paid_orders,gift_orders
S1,2024-01-04,400,0
S1,2024-01-05,5,1
S1,2024-01-11,11,0
S1,2024-01-13,13,3
S2,2024-01-09,900,0
S2,2024-01-10,10,0
EOF
bz fin1 $D import orders "$T/o51a.csv"
okrc "import the later days"
bz fin1 $D import orders "$T/o51b.csv"
okrc "import the earlier days after them"

# Since import orders is a bulk job (schema 22) a (shop, day) may have
# versions, one per import that wrote or moved it: the plain sum reads the
# newest a reader sees (every job here has published).
VIS51="(o.job = 0 OR o.job IN (SELECT id FROM bulk_job WHERE state = 1))
	 AND NOT EXISTS (SELECT 1 FROM shop_orders n WHERE n.shop_id = o.shop_id AND n.day = o.day
	  AND n.job > o.job AND n.job IN (SELECT id FROM bulk_job WHERE state = 1))"
plain() { # FROM TO: the plain sum of Q1's bound days in sqlite3 (or psql)
	sq "$DB" "SELECT sum(o.paid - o.gift) FROM provider_binding b JOIN shop_orders o
	 ON o.shop_id = b.shop_id AND o.day >= max(b.from_day, julianday('$1') - 2440587.5)
	 AND o.day <= min(COALESCE(b.to_day, julianday('$2') - 2440587.5), julianday('$2') - 2440587.5)
	 AND $VIS51
	 WHERE b.provider_id = 'Q1'" \
	"SELECT sum(o.paid - o.gift) FROM provider_binding b JOIN shop_orders o
	 ON o.shop_id = b.shop_id AND o.day >= GREATEST(b.from_day, DATE '$1' - DATE '1970-01-01')
	 AND o.day <= LEAST(COALESCE(b.to_day, DATE '$2' - DATE '1970-01-01'), DATE '$2' - DATE '1970-01-01')
	 AND $VIS51
	 WHERE b.provider_id = 'Q1'"
}

# S1 01-05 (5-1) 01-11 (11) 01-13 (13-3) 01-20 (20-2); S2 01-10 (10)
# 01-15 (15-5) 02-01 (30): 4 + 11 + 10 + 18 + 10 + 10 + 30 = 93
bz cs1 $D provider orders Q1 --from 2024-01-01 --to 2024-02-29
jis "orders over both bindings" 'd["orders"]' 93
jis "gift orders apart" 'd["gift_orders"]' 11
is "the plain sum in sqlite3 agrees" "$(plain 2024-01-01 2024-02-29)" 93
bz cs1 $D provider orders Q1 --from 2024-01-12 --to 2024-01-12
jis "a day without a row counts 0" 'd["orders"]' 0
bz cs1 $D provider orders Q1 --from 2024-01-13 --to 2024-01-20
jis "period from a gap day's next to the binding's last day" 'd["orders"]' 38
is "the plain sum agrees" "$(plain 2024-01-13 2024-01-20)" 38
bz cs1 $D provider orders Q1 --from 2024-01-20 --to 2024-01-21
jis "the binding's last day counts, the next day not" 'd["orders"]' 18

# A day in the middle re-imported: every later running sum moves.
printf 'shop_id,date,paid_orders,gift_orders\nS1,2024-01-11,111,1\n' >"$T/o51c.csv"
bz fin1 $D import orders "$T/o51c.csv"
okrc "re-import 01-11"
bz cs1 $D provider orders Q1 --from 2024-01-13 --to 2024-01-20
jis "the days after it unchanged" 'd["orders"]' 38
bz cs1 $D provider orders Q1 --from 2024-01-01 --to 2024-02-29
jis "the whole period moved by the change" 'd["orders"]' 192
is "the plain sum agrees after the re-import" "$(plain 2024-01-01 2024-02-29)" 192

bz demo $D assess create q51 --cutoff 2023-12-31 --from 2024-01-10 --to 2024-01-31 \
	--threshold 50 --deposit 0
okrc "assessment q51"
bz cs1 2024-02-15 assess show q51
jis "assess show: Q1's orders in the period" 'find(d["providers"], "id", "Q1")["orders"]' 158
is "assess show agrees with the plain sum" "$(plain 2024-01-10 2024-01-31)" 158
bz cs1 2024-01-09 assess show q51
jis "before the period: nothing counted" 'find(d["providers"], "id", "Q1")["orders"]' 0

bz cs1 $D check
okrc "check after imports"
jis "check: ok" 'd["ok"]' true
tamper "$DB" "UPDATE shop_orders SET net_cum = net_cum + 7 WHERE shop_id = 'S2'
 AND day = (SELECT max(day) FROM shop_orders WHERE shop_id = 'S2')"
bz cs1 $D check
erc "check: a running sum changed behind bzj's back" 1
jis "check names the running sum" 'd["problems"][0]["code"]' check.orders_prefix
jis "check names the shop and the day" '"S2 day 2024-02-01" in d["problems"][0]["message"]' true
