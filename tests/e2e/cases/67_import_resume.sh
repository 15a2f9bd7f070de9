# Issue 13: `import shops`, `import topups` and `import violations` in
# resumable slices of whole, audited rows (core/import.c, above row_shop).
# The file is checked whole first (a bad line: nothing written, exit 2);
# then applied in slices of complete service calls, each committed with
# the import_run record advanced to the next line.  A kill -9 or Ctrl-C
# leaves the committed rows (real, audited, balances equal to the ledger:
# `bzj check` is ok and names the incomplete import); the same file again
# resumes at the recorded line, applying nothing twice; a complete file
# again is import.duplicate_file; another file of the kind while one is
# incomplete is import.incomplete; one import of a kind at a time
# (bulk.running); an operator's top-up goes through between slices.
DB=$T/67_import_resume.db
D67=2026-01-05
bz demo $D67 init
for _s in R1 R2 R3; do
	bz demo $D67 shop add $_s --name 续传店$_s --entity company --category 服饰内衣 \
		--opened 2025-01-01 --entity-name 续传公司$_s
done
okrc "resume set-up: three shops"
q67() { sq "$DB" "$1"; }
open67() { q67 "SELECT COALESCE(MAX(next_line), 0) FROM import_run WHERE state = 0"; }
runs67() { q67 "SELECT count(*) FROM import_run WHERE state = 0"; }
topups67() { q67 "SELECT count(*) FROM audit WHERE action = 'topup'"; }
bal67() {
	bz demo $D67 shop show "$1"
	j 'd["balance_fen"]'
}
# The background import goes one row a slice and is stepped between slices
# (slow / slow_at K in run.sh: held at its Kth boundary, K rows committed).
# six top-ups: three with refs, three without (two of them identical lines,
# two payments told apart by their occurrence in the file)
printf 'shop_id,amount,date,payer,ack_third_party,ref\nR1,100.00,2026-01-05,,,T67-1\nR2,50.00,2026-01-05,,,\nR1,100.00,2026-01-05,,,T67-2\nR2,50.00,2026-01-05,,,\nR3,20.00,2026-01-05,,,\nR1,100.00,2026-01-05,,,T67-3\n' >"$T/67_t.csv"

# ---- a bad line: nothing written, as before --------------------------------------
printf 'shop_id,amount,date\nR1,10.00,2026-01-05\nR9,10.00,2026-01-05\nR2,-1,2026-01-05\n' >"$T/67_bad.csv"
refused "a file with bad lines is refused" 2 import.invalid fin1 $D67 import topups "$T/67_bad.csv"
grepo "the unknown shop's line is named" "$T/err" ":3: shop_id"
grepo "the bad amount's line is named" "$T/err" ":4: amount"
is "the refusal leaves no import record" "$(q67 "SELECT count(*) FROM import_run")" 0
printf 'id,name,entity,categories,opened\nN1,新店一,company,服饰内衣,2025-01-01\nN1,新店一又,company,服饰内衣,2025-01-01\n' >"$T/67_dupid.csv"
refused "a shop id given twice in one file is refused" 2 import.invalid demo $D67 \
	import shops "$T/67_dupid.csv"
grepo "the second line is named with the first" "$T/err" "the same id as line 2"

# ---- kill -9 half-way, then resume ---------------------------------------------
slow fin1 $D67 import topups "$T/67_t.csv"
slow_at 2
is "held after two slices: the record's next line is 4" "$(open67)" 4
# an operator's top-up between the import's slices: through at once
_t0=$(date +%s%N)
bz fin2 $D67 topup R3 1.00 --ref OP67-1
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
okrc "an operator's top-up while the import pauses between slices"
[ "$_ms" -lt 1400 ] && ok "... it did not wait for the import ($_ms ms)" ||
	fail "... it did not wait for the import" "$_ms ms"
slow_alive && ok "... while the import still ran" || fail "... while the import still ran" "it had ended"
slow_at 3
kill -9 $SLOW
wait $SLOW
_next=$(open67)
is "killed at the third boundary: three rows committed, next line 5" "$_next" 5
_done=$((_next - 2))
is "killed: the top-ups of the committed slices are there, one per line" "$(($(topups67) - 1))" "$_done"
is "killed: the import record counts them" "$(q67 "SELECT rows FROM import_run WHERE state = 0")" "$_done"
is "killed: no import.topups record yet" "$(q67 "SELECT count(*) FROM audit WHERE action = 'import.topups'")" 0
bz demo $D67 check
okrc "bzj check after the kill"
jis "check: ok (the rows are whole and audited)" 'd["ok"]' true
jis "check: names the incomplete import" '[x["kind"] + ":" + str(x["next_line"]) for x in d["incomplete_imports"]]' "[\"topups:$_next\"]"
grepo "check: the notice says how to finish it" "$T/err" "import the same file again"
bz demo $D67 audit verify
okrc "the audit chain is intact after the kill"
# another top-up file while this one is incomplete
printf 'shop_id,amount,date,payer,ack_third_party,ref\nR3,5.00,2026-01-05,,,T67-9\n' >"$T/67_other.csv"
refused "another top-up file while one is incomplete" 1 import.incomplete fin1 $D67 \
	import topups "$T/67_other.csv"
grepo "the refusal names the incomplete file" "$T/out" "$(sha256sum "$T/67_t.csv" | cut -c1-64)"
# resume
bz fin1 $D67 import topups "$T/67_t.csv"
okrc "the same file again resumes"
jis "resumed at the recorded line" 'd["resumed_from"]' "$_next"
jis "six rows in all, none replayed" '[d["rows"], d["replayed"]]' '[6,0]'
is "six top-ups of the file, each once" "$(($(topups67) - 1))" 6
is "R1 300.00" "$(bal67 R1)" 30000
is "R2 twice 50.00 (identical lines, two payments)" "$(bal67 R2)" 10000
is "R3 20.00 and the operator's 1.00" "$(bal67 R3)" 2100
is "one import.topups record" "$(q67 "SELECT count(*) FROM audit WHERE action = 'import.topups'")" 1
is "it counts the six rows" "$(q67 "SELECT after FROM audit WHERE action = 'import.topups'" | sed -n 's/.*"rows":\([0-9]*\).*/\1/p')" 6
is "no incomplete import left" "$(runs67)" 0
bz demo $D67 check
jis "check after the resume: ok, nothing incomplete" '[d["ok"], len(d["incomplete_imports"])]' '[true,0]'
refused "the complete file again is a duplicate" 1 import.duplicate_file fin1 $D67 \
	import topups "$T/67_t.csv"

# ---- Ctrl-C: exit 130, the import incomplete, resumed --------------------------
printf 'shop_id,class,points,raise,freeze,note\nR1,B,1,10.00,5.00,v1\nR2,B,1,10.00,,v2\nR1,B,1,10.00,5.00,v3\nR3,B,1,10.00,,v4\n' >"$T/67_v.csv"
slow rev1 $D67 import violations "$T/67_v.csv"
slow_at 2
bz rev2 $D67 import violations "$T/67_v.csv"
erc "a second violations import while one runs" 5 bulk.running
kill -INT $SLOW
wait $SLOW
is "Ctrl-C: exit 130" "$?" 130
grep -q "incomplete" "$T/slow.err" && ok "Ctrl-C: the message says the import is incomplete" ||
	fail "Ctrl-C: the message says the import is incomplete" "$(cat "$T/slow.err")"
_next=$(open67)
is "Ctrl-C at the second boundary: next line 4" "$_next" 4
_vs=$(q67 "SELECT count(*) FROM violation")
is "Ctrl-C: the committed violations are there" "$_vs" "$((_next - 2))"
bz demo $D67 check
jis "check after Ctrl-C: ok, one incomplete import" '[d["ok"], len(d["incomplete_imports"])]' '[true,1]'
bz rev1 $D67 import violations "$T/67_v.csv"
okrc "the violations file again resumes"
jis "... at the recorded line, four rows in all" '[d["resumed_from"], d["rows"]]' "[$_next,4]"
is "four violations, each once" "$(q67 "SELECT count(*) FROM violation")" 4
bz demo $D67 shop show R1
jis "R1's two freezes" 'd["frozen_fen"]' 1000
refused "the complete violations file again is a duplicate" 1 import.duplicate_file rev1 $D67 \
	import violations "$T/67_v.csv"

# ---- shops: kill -9 and resume by line (a shop is not added twice) -------------
printf 'id,name,entity,categories,opened\nN1,新店一,company,服饰内衣,2025-01-01\nN2,新店二,company,服饰内衣,2025-01-01\nN3,新店三,company,服饰内衣,2025-01-01\nN4,新店四,company,服饰内衣,2025-01-01\n' >"$T/67_s.csv"
slow demo $D67 import shops "$T/67_s.csv"
kill -9 $SLOW
wait $SLOW
_next=$(open67)
is "killed at the first boundary: next line 3" "$_next" 3
is "killed shops import: the committed shops are there" "$(q67 "SELECT count(*) FROM shop WHERE id LIKE 'N%'")" "$((_next - 2))"
bz demo $D67 check
jis "check after the killed shops import: ok" 'd["ok"]' true
bz demo $D67 import shops "$T/67_s.csv"
okrc "the shops file again resumes (no shop.exists for the committed lines)"
jis "... four rows" 'd["rows"]' 4
is "four new shops" "$(q67 "SELECT count(*) FROM shop WHERE id LIKE 'N%'")" 4
bz demo $D67 import shops "$T/67_s.csv"
erc "the complete shops file again: refused line by line (shop.exists), as before" 2 import.invalid
bz demo $D67 check
jis "check at the end: ok, nothing incomplete" '[d["ok"], len(d["incomplete_imports"])]' '[true,0]'

# ---- the desk's signal (core/store_bulk.c): a waiting operator ends the slice -----
# An operator's write that waits for the lock writes the time of each poll
# into <db>-desk; a row-wise import reads it before each row and ends its
# slice when someone polled since the slice began (else its slices grow).
if pg; then
	pgskip "the -desk file's signal" "a server has no file beside the database; jobs keep their 25 ms slices"
else
	desk67() { python3 -c 'import struct, sys; f = open(sys.argv[1], "r+b"); f.write(struct.pack("<q", int(sys.argv[2])))' "$DB-desk" "$1"; }
	deskv67() { python3 -c 'import struct, sys; b = open(sys.argv[1], "rb").read(8); print(struct.unpack("<q", b)[0] if len(b) == 8 else "empty")' "$DB-desk"; }
	alive67() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^Z'; }
	# held67 FILE: the import held at its second slice boundary if it gets
	# there ("held", then let go) or run to its end in one slice ("ended")
	held67() {
		rm -f "$T/d67.hold.held"
		echo 2 >"$T/d67.hold"
		BZJ_TEST_SLICE_HOLD="$T/d67.hold" BZJ_USER=fin1 "$BIN" --config "$CONF" --db "$DB" \
			--today $D67 --json import topups "$1" >"$T/d67.out" 2>"$T/d67.err" &
		_p=$! _i=0
		while [ "$(cat "$T/d67.hold.held" 2>/dev/null)" != 2 ] && alive67 $_p && [ $_i -lt 3000 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		[ "$(cat "$T/d67.hold.held" 2>/dev/null)" = 2 ] && echo held || echo ended
		rm -f "$T/d67.hold"
		wait $_p
		echo $? >"$T/d67.rc"
	}
	is "the -desk file is beside the database, with the database's mode" \
		"$(stat -c %a "$DB-desk" 2>&1)" "$(stat -c %a "$DB")"
	# another connection holds the write lock 0.6 s; an operator's top-up waits it out
	desk67 0
	python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE"); open(sys.argv[2], "w").close(); time.sleep(0.6); c.execute("COMMIT")' \
		"$DB" "$T/d67.locked" &
	_lk=$!
	_i=0
	while [ ! -e "$T/d67.locked" ] && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
	bz fin2 $D67 topup R3 1.00 --ref D67-OP
	okrc "an operator's top-up that waited for the lock"
	wait $_lk
	_v=$(deskv67)
	is "... wrote the time of its polls into the -desk file" "$([ "$_v" != empty ] && [ "$_v" -gt 0 ]; echo $?)" 0
	# nobody waiting: four top-ups go in one slice (the first holds 64 rows)
	printf 'shop_id,amount,date,payer,ack_third_party,ref\nR1,1.00,2026-01-05,,,D67-1\nR2,1.00,2026-01-05,,,D67-2\nR3,1.00,2026-01-05,,,D67-3\nR1,1.00,2026-01-05,,,D67-4\n' >"$T/67_d1.csv"
	desk67 0
	is "no operator waiting: the import runs in one slice, past the second boundary" \
		"$(held67 "$T/67_d1.csv")" ended
	is "... and imports its four rows" "$(cat "$T/d67.rc"):$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$T/d67.out")" "0:4"
	# an operator waiting all along (a poll time later than any slice's
	# start): each slice ends after one row, so the import is held at its
	# second boundary with two rows committed
	printf 'shop_id,amount,date,payer,ack_third_party,ref\nR1,1.00,2026-01-05,,,D67-5\nR2,1.00,2026-01-05,,,D67-6\nR3,1.00,2026-01-05,,,D67-7\nR1,1.00,2026-01-05,,,D67-8\n' >"$T/67_d2.csv"
	desk67 4611686018427387904
	is "an operator waiting: every slice ends after its row, so the import reaches its second boundary" \
		"$(held67 "$T/67_d2.csv")" held
	is "... then finishes: exit 0, four rows" "$(cat "$T/d67.rc"):$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$T/d67.out")" "0:4"
	desk67 0
	bz demo $D67 check
	jis "check after the signalled imports: ok, nothing incomplete" '[d["ok"], len(d["incomplete_imports"])]' '[true,0]'

	# ---- the trial (core/import.c, rowwise_trial): the whole file in one
	# transaction while nobody waits, no slice committed before its end.
	# BZJ_TEST_TRIAL_HOLD=FILE holding K stops it before its Kth row, the
	# lock held, and writes K to FILE.held.
	# trial67 FILE K: the import started in the background ($_tp), held at
	# row K (then $T/t67.hold.held holds K); not in a $(...), which would
	# keep $_tp in a subshell
	trial67() {
		rm -f "$T/t67.hold.held"
		echo "$2" >"$T/t67.hold"
		BZJ_TEST_TRIAL_HOLD="$T/t67.hold" BZJ_USER=fin1 "$BIN" --config "$CONF" --db "$DB" \
			--today $D67 --json import topups "$1" >"$T/t67.out" 2>"$T/t67.err" &
		_tp=$! _i=0
		while [ "$(cat "$T/t67.hold.held" 2>/dev/null)" != "$2" ] && alive67 $_tp && [ $_i -lt 3000 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
	}
	held67t() { cat "$T/t67.hold.held" 2>/dev/null || echo none; }
	printf 'shop_id,amount,date,payer,ack_third_party,ref\nR1,3.00,2026-01-05,,,D67-T1\nR2,3.00,2026-01-05,,,D67-T2\nR3,3.00,2026-01-05,,,D67-T3\nR1,3.00,2026-01-05,,,D67-T4\n' >"$T/67_tr.csv"
	_b1=$(bal67 R1)
	_a0=$(topups67)
	desk67 0
	trial67 "$T/67_tr.csv" 3
	is "the trial, killed before its third row, was held there" "$(held67t)" 3
	# a reader meanwhile sees the database as before the file
	is "... a reader sees none of its rows meanwhile (WAL: the last commit)" "$(bal67 R1):$(topups67):$(runs67)" "$_b1:$_a0:0"
	kill -9 $_tp
	wait $_tp 2>/dev/null
	rm -f "$T/t67.hold"
	is "... and after the kill: no row, no import record (nothing of the trial was committed)" \
		"$(bal67 R1):$(topups67):$(q67 "SELECT count(*) FROM import_run WHERE state = 0")" "$_b1:$_a0:0"
	bz demo $D67 check
	jis "... bzj check ok, nothing incomplete" '[d["ok"], len(d["incomplete_imports"])]' '[true,0]'
	bz fin1 $D67 import topups "$T/67_tr.csv"
	okrc "... the same file again starts clean"
	jis "... four rows, not a resumed run" '[d["rows"], d.get("resumed_from", 0)]' '[4,0]'
	is "... R1 got its two top-ups once" "$(bal67 R1)" "$((_b1 + 600))"

	# an operator's write arriving during the trial: the trial rolls back
	# and lets it in, then the file goes in slices with the check pass
	printf 'shop_id,amount,date,payer,ack_third_party,ref\nR1,4.00,2026-01-05,,,D67-U1\nR2,4.00,2026-01-05,,,D67-U2\nR3,4.00,2026-01-05,,,D67-U3\nR1,4.00,2026-01-05,,,D67-U4\n' >"$T/67_tu.csv"
	_b1=$(bal67 R1)
	_b2=$(bal67 R2)
	desk67 0
	trial67 "$T/67_tu.csv" 3
	is "a second trial held before its third row" "$(held67t)" 3
	BZJ_USER=fin2 "$BIN" --config "$CONF" --db "$DB" --today $D67 --json topup R2 1.00 --ref D67-OP2 \
		>"$T/t67op.out" 2>"$T/t67op.err" &
	_op=$! _i=0
	while [ "$(deskv67)" = 0 ] && [ $_i -lt 200 ]; do sleep 0.02; _i=$((_i + 1)); done
	is "... the operator's top-up waits for the lock, polling (the -desk file moved)" "$([ "$(deskv67)" != 0 ]; echo $?)" 0
	rm -f "$T/t67.hold"
	wait $_op
	is "... the operator's top-up went through" "$?" 0
	wait $_tp
	is "... the import finished: exit 0, four rows" "$?:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$T/t67.out")" "0:4"
	is "... every row once, the operator's too" "$(bal67 R1):$(bal67 R2)" "$((_b1 + 800)):$((_b2 + 500))"
	is "... the operator's top-up was written before the file's (the trial gave way)" \
		"$(q67 "SELECT (SELECT id FROM ledger WHERE ref = 'D67-OP2') < (SELECT min(id) FROM ledger WHERE ref LIKE 'D67-U%')")" 1
	desk67 0
	bz demo $D67 check
	jis "check after the trials: ok, nothing incomplete" '[d["ok"], len(d["incomplete_imports"])]' '[true,0]'
fi
