# Issue 13: `newbie check` is a bulk job (core/newbie.c).  Slices stage each
# shop's outcome as rows of a job nobody reads; one small transaction
# publishes the day (transitions, run, audit record); the outcome is then
# folded into newbie in slices while readers overlay the published rows.
# One check runs at a time (bulk.running); a kill or Ctrl-C while staging
# leaves nothing seen and a re-run starts clean; a kill while folding
# leaves the day seen whole, and the next check finishes the fold.
DB=$T/64_bulk_newbie.db
bz demo 2026-01-05 init
for _s in N1 N2 N3; do
	bz demo 2026-01-05 shop add $_s --name 新手店$_s --entity company --category 服饰内衣 \
		--opened 2026-01-05 --entity-name 新手公司$_s
done
okrc "bulk newbie set-up: three newbie shops"
# N1 scores low, N2 passes, N3 has no score: two fail each day
printf 'shop_id,date,score\n' >"$T/64_s.csv"
for _d in 10 11 12 13 14; do
	printf 'N1,2026-01-%s,2.0\nN2,2026-01-%s,4.8\n' $_d $_d >>"$T/64_s.csv"
done
bz rev1 2026-01-15 import scores "$T/64_s.csv"
okrc "bulk newbie set-up: scores"
q64() { sq "$DB" "$1" "${2:-}"; }
capped64() { # the ids shop list --capped shows
	bz cs1 2026-01-15 shop list --capped
	j '[s["id"] for s in d["shops"]]'
}

# ---- staging: unseen by shop show, the list and bzj check; a second run refused
slow rev1 2026-01-15 newbie check --date 2026-01-10
_st=$(q64 "SELECT count(*) FROM newbie_stage WHERE job IN (SELECT id FROM bulk_job WHERE state = 0)")
[ "$_st" -ge 1 ] && ok "newbie check staging: rows staged" || fail "newbie check staging: rows staged" "none ($_st)"
bz demo 2026-01-15 shop show N1
jis "staging: N1 not capped yet" 'd["newbie"]["capped"]' false
jis "staging: N1 never checked" 'd["newbie"]["last_check"]' null
is "staging: shop list --capped empty" "$(capped64)" "[]"
is "staging: no run recorded" "$(q64 "SELECT count(*) FROM newbie_run")" 0
bz demo 2026-01-15 check
okrc "bzj check while the newbie check stages"
refused "a second newbie check while the first runs" 5 bulk.running \
	rev2 2026-01-15 newbie check --date 2026-01-10
grepo "the refusal names who runs it" "$T/out" "started by rev1"
# on to the fold: published, one shop of three folded
slow_at 3
_pub=$(q64 "SELECT count(*) FROM bulk_job WHERE kind = 'newbie.check' AND state = 1 AND clean = 0")
is "folding: the check is published, not yet folded" "$_pub" 1
bz demo 2026-01-15 shop show N1
jis "folding: N1 seen capped" 'd["newbie"]["capped"]' true
jis "folding: N1 seen checked on the day" 'd["newbie"]["last_check"]' 2026-01-10
is "folding: the list sees both capped" "$(capped64)" '["N1","N3"]'
# the cap transitions are logged by the fold with their shops' rows (not at
# publish: a day capping every newbie shop held the desk for 0.8 s at a
# million shops); logged plus still staged, every transition once
_ev=$(q64 "SELECT count(*) FROM newbie_event WHERE day = 20464")
_sg=$(q64 "SELECT count(*) FROM newbie_stage WHERE capped <> was")
is "folding: transitions logged + staged = 2" "$((_ev + _sg))" 2
[ "$_sg" -ge 1 ] && ok "folding: a transition still staged, not yet logged" ||
	fail "folding: a transition still staged, not yet logged" "none staged ($_ev logged)"
bz demo 2026-01-15 check
okrc "bzj check while the newbie check folds"
slow_wait
is "the slow check finished" "$?" 0
cp "$T/slow.out" "$T/out"
jis "the slow check: three checked" 'd["checked"]' 3
jis "the slow check: two capped" 'd["capped"]' 2
is "folded: nothing staged left" "$(q64 "SELECT count(*) FROM newbie_stage")" 0
is "folded: newbie itself has both capped" "$(q64 "SELECT group_concat(shop_id) FROM newbie WHERE capped = 1" \
	"SELECT string_agg(shop_id, ',' ORDER BY shop_id) FROM newbie WHERE capped = 1")" "N1,N3"
is "folded: two cap transitions logged, on the day after (2026-01-11)" "$(q64 "SELECT count(*) FROM newbie_event WHERE day = 20464")" 2
is "one newbie.check record" "$(q64 "SELECT count(*) FROM audit WHERE action = 'newbie.check'")" 1

# ---- kill -9 while staging: nothing seen, check clean, a re-run at once -------
slow rev1 2026-01-15 newbie check --date 2026-01-11
kill -9 $SLOW
wait $SLOW 2>/dev/null
bz demo 2026-01-15 shop show N1
jis "killed staging: N1's last check unchanged" 'd["newbie"]["last_check"]' 2026-01-10
is "killed staging: no run of the day" "$(q64 "SELECT count(*) FROM newbie_run WHERE day = 20464")" 0
bz demo 2026-01-15 check
okrc "check after a killed newbie check"
bz rev1 2026-01-15 newbie check --date 2026-01-11
okrc "re-run at once after the kill"
jis "re-run: three checked" 'd["checked"]' 3
jis "re-run: N1 and N3 stay capped, nobody newly capped" 'd["capped"]' 0
is "re-run: no staged row left" "$(q64 "SELECT count(*) FROM newbie_stage")" 0
is "re-run: no unfinished job" "$(q64 "SELECT count(*) FROM bulk_job WHERE state <> 1")" 0

# ---- Ctrl-C while staging: exit 130, nothing seen, a re-run starts clean -----
H64=$(snap)
slow rev1 2026-01-15 newbie check --date 2026-01-12
kill -INT $SLOW
wait $SLOW
is "Ctrl-C: exit 130" "$?" 130
is "Ctrl-C: no run of the day" "$(q64 "SELECT count(*) FROM newbie_run WHERE day = 20465")" 0
bz demo 2026-01-15 shop show N1
jis "Ctrl-C: N1's last check unchanged" 'd["newbie"]["last_check"]' 2026-01-11
bz demo 2026-01-15 check
okrc "check after Ctrl-C"
bz rev1 2026-01-15 newbie check --date 2026-01-12
okrc "re-run after Ctrl-C"
jis "re-run after Ctrl-C: three checked" 'd["checked"]' 3
is "re-run after Ctrl-C: nothing staged, no unfinished job" \
	"$(q64 "SELECT count(*) FROM newbie_stage")/$(q64 "SELECT count(*) FROM bulk_job WHERE state <> 1")" 0/0

# ---- kill -9 while folding: the day is seen whole; the next check folds it ----
slow rev1 2026-01-15 newbie check --date 2026-01-13
slow_at 3 # published, one shop of three folded
kill -9 $SLOW
wait $SLOW 2>/dev/null
is "killed folding: published, not folded" \
	"$(q64 "SELECT count(*) FROM bulk_job WHERE kind = 'newbie.check' AND state = 1 AND clean = 0")" 1
bz demo 2026-01-15 shop show N2
jis "killed folding: N2 seen checked on the day" 'd["newbie"]["last_check"]' 2026-01-13
bz demo 2026-01-15 shop show N3
jis "killed folding: N3 seen checked on the day" 'd["newbie"]["last_check"]' 2026-01-13
bz demo 2026-01-15 check
okrc "check after a kill while folding"
bz rev1 2026-01-15 newbie check --date 2026-01-13
okrc "the same day again after a kill while folding"
jis "the same day again: already checked" 'd["already_checked"]' true
bz rev1 2026-01-15 newbie check --date 2026-01-14
okrc "the next day folds the killed one first, then checks"
is "next day: nothing staged left" "$(q64 "SELECT count(*) FROM newbie_stage")" 0
is "next day: every check folded" \
	"$(q64 "SELECT count(*) FROM bulk_job WHERE kind = 'newbie.check' AND state = 1 AND clean = 0")" 0
is "next day: newbie rows say the 14th" "$(q64 "SELECT group_concat(last_check) FROM newbie WHERE status = 1" \
	"SELECT string_agg(last_check::text, ',') FROM newbie WHERE status = 1")" "20467,20467,20467"
bz demo 2026-01-15 check
okrc "check after the fold is finished"
refused "a check of an earlier day is refused" 1 newbie.check_order \
	rev1 2026-01-15 newbie check --date 2026-01-13
# check.newbie_log sees a log that disagrees with the shop (the last
# transition logged behind bzj's back says N1 was lifted)
dbcp "$DB" "$T/64_log.db"
tamper "$T/64_log.db" "INSERT INTO newbie_event(shop_id, day, capped, reasons, cause)
	VALUES ('N1', 20468, 0, 0, 'edited');"
_db64=$DB
DB=$T/64_log.db
bz demo 2026-01-15 check
is "check on an edited newbie log: exit 1" "$RC" 1
jis "check lists check.newbie_log" "count(d['problems'], 'code', 'check.newbie_log')" 1
DB=$_db64
unset -f q64 capped64
