# Issue 13, second round: `import scores` is a bulk job (core/import.c
# scores_write).  Its lines are looked up without the write lock, staged in
# slices as rows of a job nobody sees, and published with the import's
# records in one small transaction.  One score import runs at a time: a
# second is refused with bulk.running (exit 5) while the first is alive; a
# killed one is taken over at once; Ctrl-C exits 130 with nothing seen.
DB=$T/63_bulk_scores.db
bz demo 2026-01-05 init
for _s in Q1 Q2 Q3; do
	bz demo 2026-01-05 shop add $_s --name 评分店$_s --entity company --category 服饰内衣 \
		--opened 2026-01-05 --entity-name 评分公司$_s
done
okrc "bulk scores set-up: three newbie shops"
VIS63="(v.job = 0 OR v.job IN (SELECT id FROM bulk_job WHERE state = 1))"
seen63() { sq "$DB" "SELECT count(*) FROM score v WHERE $VIS63"; }
rows63() { sq "$DB" "SELECT count(*) FROM score"; }
left63() { sq "$DB" "SELECT count(*) FROM bulk_job WHERE state <> 1"; }
printf 'shop_id,date,score\nQ1,2026-01-10,4.5\nQ2,2026-01-10,3.0\nQ3,2026-01-10,4.8\n' >"$T/63_a.csv"
printf 'shop_id,date,score\nQ1,2026-01-11,4.5\n' >"$T/63_b.csv"

# ---- staging: unseen by the newbie check and by bzj check; a second run refused
slow rev1 2026-01-12 import scores "$T/63_a.csv"
_st=$(sq "$DB" "SELECT count(*) FROM score WHERE job IN (SELECT id FROM bulk_job WHERE state = 0)")
[ "$_st" -ge 1 ] && ok "during the import: scores staged" || fail "during the import: scores staged" "none ($_st)"
is "during the import: no score seen" "$(seen63)" 0
bz rev1 2026-01-12 newbie check --date 2026-01-10
okrc "a newbie check while the scores are staging"
jis "the check sees no score for any of the three (all fail: score missing)" 'd["failed"]' 3
bz demo 2026-01-12 check
okrc "bzj check while the scores are staging"
refused "a second run of the same file while the first runs" 5 bulk.running \
	rev2 2026-01-12 import scores "$T/63_a.csv"
refused "another scores file while the first runs" 5 bulk.running \
	rev2 2026-01-12 import scores "$T/63_b.csv"
grepo "the refusal names who runs it" "$T/out" "started by rev1"
slow_wait
is "the slow import finished" "$?" 0
cp "$T/slow.out" "$T/out"
jis "published: three rows" 'd["rows"]' 3
is "after publishing: three scores seen" "$(seen63)" 3
_aud=$(sq "$DB" "SELECT count(*) FROM audit WHERE action = 'import.scores'")
is "one import.scores record" "$_aud" 1
is "no job left unpublished" "$(left63)" 0
bz rev1 2026-01-12 import scores "$T/63_a.csv"
okrc "the same file again"
jis "the same file again: nothing new" 'd["rows"]' 0
jis "the same file again: three unchanged" 'd["unchanged"]' 3
is "the same file again: no job started" "$(sq "$DB" "SELECT count(*) FROM bulk_job WHERE kind = 'import.scores'")" 1

# ---- kill -9 mid-way: nothing seen, check clean, a re-run takes over at once
printf 'shop_id,date,score\nQ1,2026-01-11,4.1\nQ2,2026-01-11,4.2\nQ3,2026-01-11,4.3\n' >"$T/63_c.csv"
slow rev1 2026-01-12 import scores "$T/63_c.csv"
kill -9 $SLOW
wait $SLOW 2>/dev/null
is "killed: the day's scores unseen" "$(seen63)" 3
is "killed: its job left staging" "$(sq "$DB" "SELECT count(*) FROM bulk_job WHERE state = 0")" 1
bz demo 2026-01-12 check
okrc "check after a killed score import"
bz rev1 2026-01-12 import scores "$T/63_c.csv"
okrc "re-run at once after the kill (the killed process is gone)"
jis "re-run: three rows" 'd["rows"]' 3
is "re-run: six scores seen" "$(seen63)" 6
is "re-run: no staged row of the killed run left" "$(rows63)" 6
is "re-run: no unfinished job" "$(left63)" 0

# ---- Ctrl-C: exit 130, nothing seen, a re-run starts clean ---------------------
printf 'shop_id,date,score\nQ1,2026-01-09,2.0\nQ2,2026-01-09,2.5\nQ3,2026-01-09,3.5\n' >"$T/63_d.csv"
slow rev1 2026-01-12 import scores "$T/63_d.csv"
kill -INT $SLOW
wait $SLOW
is "Ctrl-C: exit 130" "$?" 130
is "Ctrl-C: nothing seen" "$(seen63)" 6
_aud=$(sq "$DB" "SELECT count(*) FROM audit WHERE action = 'import.scores'")
is "Ctrl-C: no import record" "$_aud" 3
bz demo 2026-01-12 check
okrc "check after Ctrl-C"
bz rev1 2026-01-12 import scores "$T/63_d.csv"
okrc "re-run after Ctrl-C"
jis "re-run after Ctrl-C: three rows" 'd["rows"]' 3
is "re-run after Ctrl-C: nine scores, none left over" "$(seen63)/$(rows63)/$(left63)" "9/9/0"

# ---- a refused file (a recorded score differs) writes nothing ------------------
printf 'shop_id,date,score\nQ1,2026-01-08,1.0\nQ2,2026-01-10,1.0\n' >"$T/63_e.csv"
refused "a file with a changed recorded score" 2 import.invalid \
	rev1 2026-01-12 import scores "$T/63_e.csv"
unset -f seen63 rows63 left63
