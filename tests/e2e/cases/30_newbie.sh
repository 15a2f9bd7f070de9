# ===========================================================================
echo "# newbie period (新手期): scores, the daily check, caps, risk, graduation"
DB=$T/30_newbie.db
bz demo 2026-01-05 init
okrc "newbie: init"

O=2026-01-05
for s in N1 N2 N4; do
	bz demo $O shop add $s --name "新手店$s" --entity individual --category 服饰内衣 --opened $O
	okrc "newbie: shop add $s"
done
jis "a new shop is a newbie" 'd["newbie"]["status"]' newbie
jis "a new shop is not capped" 'd["newbie"]["capped"]' false
jis "never checked yet" 'd["newbie"]["last_check"]' null
jis "no reasons yet" 'd["newbie"]["reasons"]' "[]"
jis "no cap date" 'd["newbie"]["capped_since"]' null
bz demo $O shop add N3 --name 直通店 --entity company --category 服饰内衣 --opened $O --direct
okrc "shop add --direct"
jis "--direct: status direct (直通)" 'd["newbie"]["status"]' direct
bz demo 2026-03-01 shop add N5 --name 晚开店 --entity individual --category 服饰内衣 \
	--opened 2026-03-11
okrc "newbie: N5 opens 2026-03-11"

# --- scores ------------------------------------------------------------------
cat >"$T/scores1.csv" <<'EOF'
shop_id,date,score
N1,2026-03-10,4.1
N2,2026-03-10,4.0
N3,2026-03-10,3.0
N1,2026-03-11,4.1
N2,2026-03-11,4.1
N4,2026-03-11,4.5
N1,2026-03-12,5
N2,2026-03-12,0.0
EOF
refused "import scores: a reviewer's role is needed (finance refused)" 4 auth.role \
	fin1 2026-03-12 import scores "$T/scores1.csv"
bz rev1 2026-03-12 import scores "$T/scores1.csv"
okrc "import scores"
jis "import scores: 8 rows" 'd["rows"]' 8
jis "import scores: none unchanged" 'd["unchanged"]' 0
bz rev1 2026-03-12 import scores "$T/scores1.csv"
okrc "import scores again: harmless"
jis "re-import: nothing new" 'd["rows"]' 0
jis "re-import: every line unchanged" 'd["unchanged"]' 8

printf 'shop_id,date,score\nN4,2026-03-12,4.2\nN1,2026-03-10,4.3\n' >"$T/scores_conflict.csv"
refused "import scores: another score for a recorded day is refused" 2 import.invalid \
	rev1 2026-03-12 import scores "$T/scores_conflict.csv"
jis "the conflict names line 3" 'd["lines"][0]["line"]' 3
jis "the conflict names the score field" 'd["lines"][0]["field"]' score
printf 'shop_id,date,score\nN4,2026-03-12,4.15\nN4,2026-03-12,5.1\nN4,2026-03-13,4\nNX,2026-03-12,4\nN4,2026-03-12,-1\nN4,2026-03-12,abc\nN4,2026-02-30,4\n' \
	>"$T/scores_bad.csv"
refused "import scores: bad lines refused, nothing written" 2 import.invalid \
	rev1 2026-03-12 import scores "$T/scores_bad.csv"
jis "every bad line reported" 'len(d["lines"])' 7
jis "two decimals refused (line 2)" '[x["field"] for x in d["lines"] if x["line"] == 2]' '["score"]'
jis "above 5.0 refused (line 3)" '[x["field"] for x in d["lines"] if x["line"] == 3]' '["score"]'
jis "a future day refused (line 4)" '[x["field"] for x in d["lines"] if x["line"] == 4]' '["date"]'
jis "an unknown shop refused (line 5)" '[x["field"] for x in d["lines"] if x["line"] == 5]' '["shop_id"]'
jis "a negative score refused (line 6)" '[x["field"] for x in d["lines"] if x["line"] == 6]' '["score"]'
jis "an impossible date refused (line 8)" '[x["field"] for x in d["lines"] if x["line"] == 8]' '["date"]'
printf 'shop_id,date,score\nN4,2026-03-12,4.2\nN4,2026-03-12,4.2\n' >"$T/scores_dup.csv"
refused "import scores: the same shop and day twice in a file" 2 import.invalid \
	rev1 2026-03-12 import scores "$T/scores_dup.csv"
jis "the duplicate names line 3" 'd["lines"][0]["line"]' 3
grepo "the duplicate names the first line" "$T/out" "line 2"

# --- violations around the 30-day window ----------------------------------------
# A check of D counts violations dated D-29 .. D.  For D = 2026-03-10 that
# is 2026-02-09 .. 2026-03-10; for 2026-03-11 it is 2026-02-10 .. 2026-03-11.
bz rev1 2026-03-01 violation add N1 --class B --points 1 --raise 0 --note "B at the edge" \
	--date 2026-02-09
okrc "N1: class-B violation on 2026-02-09"
bz rev1 2026-03-01 violation add N1 --class A --points 3 --raise 0 --note "3 points" \
	--date 2026-02-10
okrc "N1: 3 points on 2026-02-10"
bz rev1 2026-03-01 violation add N2 --class A --points 4 --raise 0 --note "4 points, too old" \
	--date 2026-02-08
okrc "N2: 4 points on 2026-02-08 (outside every window checked)"

# --- the check -----------------------------------------------------------------
refused "newbie check: a day after today is refused" 1 newbie.future \
	rev1 2026-03-10 newbie check --date 2026-03-11
refused "newbie check: support may not run it" 4 auth.role \
	cs1 2026-03-11 newbie check --date 2026-03-10
refused "newbie check: finance may not run it" 4 auth.role \
	fin1 2026-03-11 newbie check --date 2026-03-10
refused "newbie check: --date is required" 2 input.date rev1 2026-03-11 newbie check
refused "newbie check: a bad date" 2 input.date rev1 2026-03-11 newbie check --date 2026-02-30

bz rev1 2026-03-11 newbie check --date 2026-03-10
okrc "newbie check 2026-03-10"
jis "checked N1, N2, N4 (not the direct N3, not N5 opened later)" 'd["checked"]' 3
jis "all three fail on 2026-03-10" 'd["failed"]' 3
jis "three newly capped" 'd["capped"]' 3
jis "not a re-run" 'd["already_checked"]' false
shop N1 2026-03-11
jis "N1: class B on D-29 and 3+1 = 4 points fail" 'd["newbie"]["reasons"]' '["class_b","points"]'
jis "N1: capped" 'd["newbie"]["capped"]' true
jis "N1: capped from the next day" 'd["newbie"]["capped_since"]' 2026-03-11
jis "N1: last check" 'd["newbie"]["last_check"]' 2026-03-10
shop N2 2026-03-11
jis "N2: score exactly 4.0 fails (above 4.0 passes)" 'd["newbie"]["reasons"]' '["score"]'
jis "N2: 4 points outside the window do not count" '"points" in d["newbie"]["reasons"]' false
shop N4 2026-03-11
jis "N4: no score fails and says so" 'd["newbie"]["reasons"]' '["score.missing"]'
jis "N4: capped" 'd["newbie"]["capped"]' true
shop N3 2026-03-11
jis "N3 (direct): never checked" 'd["newbie"]["last_check"]' null
jis "N3 (direct): never capped" 'd["newbie"]["capped"]' false
shop N5 2026-03-11
jis "N5 (opened after the day): not checked" 'd["newbie"]["last_check"]' null

bzt demo 2026-03-11 shop show N1
grepo "shop show text: capped, since when" "$T/out" "CAPPED at 1000 paid orders a day since 2026-03-11"
grepo "shop show text: why, in words" "$T/out" "a class-B violation in 30 days"

bz cs1 2026-03-11 shop list --capped
okrc "shop list --capped (support)"
jis "three capped shops" 'd["total"]' 3
jis "list items carry newbie.capped" '[s["newbie"]["capped"] for s in d["shops"]]' '[true,true,true]'
jis "list items: the capped ids" '[s["id"] for s in d["shops"]]' '["N1","N2","N4"]'

H1=$(snap)
bz rev2 2026-03-11 newbie check --date 2026-03-10
okrc "newbie check 2026-03-10 again"
jis "re-run says so" 'd["already_checked"]' true
jis "re-run reports the day's figures" 'd["failed"]' 3
jis "re-run caps nobody" 'd["capped"]' 0
is "re-run writes nothing at all" "$(snap)" "$H1"
bzt rev2 2026-03-11 newbie check --date 2026-03-10
grepo "re-run in words" "$T/out" "already checked"

# risk findings
refused "risk: support may not open one" 4 auth.role cs1 2026-03-11 newbie risk N4 --open \
	--note "假货"
refused "risk: a note is required" 2 input.note rev1 2026-03-11 newbie risk N4 --open
refused "risk: --open or --close" 2 input.usage rev1 2026-03-11 newbie risk N4 --note x
refused "risk: not both" 2 input.usage rev1 2026-03-11 newbie risk N4 --open --close --note x
refused "risk: close with none open" 1 risk.none_open rev1 2026-03-11 newbie risk N4 --close \
	--note x
refused "risk: unknown shop" 3 shop.not_found rev1 2026-03-11 newbie risk NX --open --note x
bz rev1 2026-03-11 newbie risk N4 --open --note "商品质量不达标"
okrc "risk: open against N4"
jis "risk: open" 'd["status"]' open
RISK=$(j 'd["id"]')
refused "risk: a second open one is refused" 1 risk.open rev2 2026-03-11 newbie risk N4 --open \
	--note "again"
shop N4 2026-03-11
jis "shop show: the open risk finding" 'd["newbie"]["open_risk"]' "$RISK"

refused "newbie check: an earlier day than the last checked is refused" 1 newbie.check_order \
	rev1 2026-03-12 newbie check --date 2026-03-09
bz sup1 2026-03-12 newbie check --date 2026-03-11
okrc "newbie check 2026-03-11 (a supervisor)"
jis "2026-03-11: checked N1, N2, N4, N5 (opened that day)" 'd["checked"]' 4
jis "2026-03-11: two caps lifted" 'd["lifted"]' 2
shop N1 2026-03-12
jis "N1: B on D-30 and 3 points pass" 'd["newbie"]["reasons"]' "[]"
jis "N1: cap lifted by the later pass" 'd["newbie"]["capped"]' false
jis "N1: no cap date once lifted" 'd["newbie"]["capped_since"]' null
shop N2 2026-03-12
jis "N2: 4.1 passes" 'd["newbie"]["capped"]' false
shop N4 2026-03-12
jis "N4: the open risk finding fails, score 4.5 or not" 'd["newbie"]["reasons"]' '["risk"]'
jis "N4: still capped since the first failing day" 'd["newbie"]["capped_since"]' 2026-03-11
shop N5 2026-03-12
jis "N5: no score for its first day" 'd["newbie"]["reasons"]' '["score.missing"]'
jis "N5: capped from 2026-03-12" 'd["newbie"]["capped_since"]' 2026-03-12

# graduation
refused "graduate: support may not" 4 auth.role cs1 2026-03-12 newbie graduate N4 \
	--date 2026-03-12
refused "graduate: not after today" 2 input.date rev1 2026-03-12 newbie graduate N4 \
	--date 2026-03-13
refused "graduate: not before the shop opened" 2 input.date rev1 2026-03-12 newbie graduate N4 \
	--date 2026-01-04
refused "graduate: a direct shop has no newbie period" 1 newbie.direct rev1 2026-03-12 \
	newbie graduate N3 --date 2026-03-12
refused "graduate: unknown shop" 3 shop.not_found rev1 2026-03-12 newbie graduate NX \
	--date 2026-03-12
refused "graduate: --date is required" 2 input.date rev1 2026-03-12 newbie graduate N4
bz rev1 2026-03-12 newbie graduate N4 --date 2026-03-12
okrc "graduate N4 (a reviewer)"
jis "N4: graduated" 'd["newbie"]["status"]' graduated
jis "N4: graduated on" 'd["newbie"]["graduated"]' 2026-03-12
jis "N4: no longer capped" 'd["newbie"]["capped"]' false
refused "graduate: twice is refused" 1 newbie.graduated sup1 2026-03-12 newbie graduate N4 \
	--date 2026-03-12

bz rev1 2026-03-12 newbie check --date 2026-03-12
okrc "newbie check 2026-03-12"
jis "2026-03-12: N1, N2, N5 (not the graduated N4)" 'd["checked"]' 3
shop N4 2026-03-13
jis "N4 (graduated): not checked again" 'd["newbie"]["last_check"]' 2026-03-11
jis "N4 (graduated): not capped" 'd["newbie"]["capped"]' false
shop N2 2026-03-13
jis "N2: score 0.0 fails" 'd["newbie"]["reasons"]' '["score"]'
jis "N2: capped again from 2026-03-13" 'd["newbie"]["capped_since"]' 2026-03-13
shop N1 2026-03-13
jis "N1: score 5 passes" 'd["newbie"]["capped"]' false

bz rev1 2026-03-13 newbie risk N4 --close --note "已整改"
okrc "risk: closed"
jis "risk: closed" 'd["status"]' closed
jis "risk: the same finding" 'd["id"]' "$RISK"

is "every check audited once" \
	"$(sq "$DB" "SELECT count(*) FROM audit WHERE action = 'newbie.check'")" 3
is "risk findings audited" \
	"$(sq "$DB" "SELECT count(*) FROM audit WHERE action LIKE 'risk.%'")" 2
is "graduation audited" \
	"$(sq "$DB" "SELECT count(*) FROM audit WHERE action = 'newbie.graduate'")" 1
is "cap starts and lifts logged" \
	"$(sq "$DB" "SELECT group_concat(shop_id || ':' || capped, ' ') FROM (SELECT * FROM newbie_event ORDER BY id)" \
		"SELECT string_agg(shop_id || ':' || capped, ' ' ORDER BY id) FROM newbie_event")" \
	"N1:1 N2:1 N4:1 N1:0 N2:0 N5:1 N4:0 N2:1"

bz cs1 2026-03-13 check
okrc "check: the newbie invariants hold"
jis "check: ok" 'd["ok"]' true
bz demo 2026-03-13 audit verify
okrc "audit chain intact after the newbie period"

# check catches a cap without a failing check on record
dbcp "$DB" "$T/30_broken.db"
tamper "$T/30_broken.db" "UPDATE newbie SET reasons = 0 WHERE shop_id = 'N2'"
DB0=$DB
DB=$T/30_broken.db
bz cs1 2026-03-13 check
erc "check: a capped shop without a failing check is reported" 1
grepo "check: names the newbie invariant" "$T/out" "check.newbie_capped"
DB=$DB0
