# Issue 16: import gmv's slices on both stores, written for PostgreSQL's
# form (core/store_money.c gmv_import_pg: a plain INSERT per slice; schema
# v25: gmv's shop check once per statement instead of the foreign key's
# query per row).  A bad line anywhere refuses the file with nothing
# visible; a kill -9 half-way leaves nothing visible, the operator writes
# meanwhile, and the same file imported again goes in whole; the shop
# check still refuses a GMV row of a shop that does not exist, written
# behind bzj's back.
DB=$T/68_gmv.db
bz demo 2026-01-05 init
for _s in G1 G2 G3 G4; do
	bz demo 2025-11-01 shop add $_s --name 切片店$_s --entity company --category 服饰内衣 \
		--opened 2025-11-01 --entity-name 切片公司$_s
done
okrc "gmv slices set-up: four shops"
# visible GMV rows of a month (as readers see them: job 0 or published)
vis68() {
	sq "$DB" "SELECT count(*) FROM gmv WHERE month = $1 AND (job = 0 OR job IN (SELECT id FROM bulk_job WHERE state = 1))"
}
M68=$((2026 * 12 + 0)) # 2026-01

# ---- one row a slice: four slices, then published together -------------------
printf 'shop_id,month,amount\nG1,2026-01,600000\nG2,2026-01,1000\nG3,2026-01,70000\nG4,2026-01,5\n' >"$T/68_jan.csv"
export BZJ_TEST_SLICE_ROWS=1
bz fin1 2026-02-01 import gmv "$T/68_jan.csv"
unset BZJ_TEST_SLICE_ROWS
okrc "import gmv in four slices"
jis "import gmv in four slices: four rows" 'd["rows"]' 4
is "four slices: four visible rows" "$(vis68 $M68)" 4
is "four slices: the amounts, in fen" \
	"$(sq "$DB" "SELECT group_concat(gmv_fen, ',') FROM (SELECT gmv_fen FROM gmv WHERE month = $M68 ORDER BY shop_id)" \
		"SELECT string_agg(gmv_fen::text, ',' ORDER BY shop_id) FROM gmv WHERE month = $M68")" \
	"60000000,100000,7000000,500"
bz demo 2026-02-02 deposit recompute --month 2026-02
shop G1 2026-02-02
jis "G1's floating figure from the imported GMV" 'd["floating_fen"]' 2000000

# ---- a shop that does not exist, in the middle: refused, nothing written -------
printf 'shop_id,month,amount\nG1,2026-02,1\nG2,2026-02,2\nNOPE,2026-02,3\nG4,2026-02,4\n' >"$T/68_bad.csv"
export BZJ_TEST_SLICE_ROWS=1
refused "import gmv: an unknown shop on line 4, after two staged slices" 2 \
	import.invalid fin1 2026-03-01 import gmv "$T/68_bad.csv"
unset BZJ_TEST_SLICE_ROWS
grepo "the refusal names the line and the shop" "$T/out" "NOPE"
_g=$(sq "$DB" "SELECT count(*) FROM gmv WHERE month = $((M68 + 1))")
_j=$(sq "$DB" "SELECT count(*) FROM bulk_job WHERE state <> 1")
is "refused: no GMV row of its month at all, no job left" "$_g/$_j" "0/0"

# ---- kill -9 half-way: nothing visible, the desk writes, the same file again -----
printf 'shop_id,month,amount\nG1,2026-03,100\nG2,2026-03,200\nG3,2026-03,300\nG4,2026-03,400\n' >"$T/68_mar.csv"
slow fin1 2026-04-01 import gmv "$T/68_mar.csv"
slow_at 3
_st=$(sq "$DB" "SELECT count(*) FROM gmv WHERE month = $((M68 + 2)) AND job IN (SELECT id FROM bulk_job WHERE state = 0)")
is "half-way: three rows staged in three slices" "$_st" 3
is "half-way: none of them visible" "$(vis68 $((M68 + 2)))" 0
bz fin2 2026-04-01 topup G2 10
okrc "half-way: an operator's top-up gets in between two slices"
slow_alive && ok "... while the import still ran" || fail "... while the import still ran" "it had ended"
kill -9 $SLOW
wait $SLOW 2>/dev/null
is "killed: still nothing visible" "$(vis68 $((M68 + 2)))" 0
bz demo 2026-04-01 check
okrc "check after the killed import"
bz fin1 2026-04-01 import gmv "$T/68_mar.csv"
okrc "the same file again after the kill"
jis "... four rows" 'd["rows"]' 4
is "... four visible rows" "$(vis68 $((M68 + 2)))" 4
is "... the killed job's staged rows are gone, and the job" \
	"$(sq "$DB" "SELECT count(*) FROM gmv WHERE month = $((M68 + 2))")/$(sq "$DB" "SELECT count(*) FROM bulk_job WHERE state <> 1")" \
	"4/0"
bz demo 2026-04-01 check
okrc "check after the re-import"

# ---- the shop check itself, behind bzj's back ---------------------------------
if sq "$DB" "PRAGMA foreign_keys = ON; INSERT INTO gmv(shop_id, month, gmv_fen) VALUES ('NOPE', 1, 1);" \
	"INSERT INTO gmv(shop_id, month, gmv_fen) VALUES ('NOPE', 1, 1)" >"$T/68_sq.out" 2>&1; then
	fail "a GMV row of an unknown shop written with SQL is refused" "it was written"
else
	ok "a GMV row of an unknown shop written with SQL is refused"
fi
grep -qi "foreign key" "$T/68_sq.out" && ok "... by the shop check (foreign key)" ||
	fail "... by the shop check (foreign key)" "$(head -c 300 "$T/68_sq.out")"
if sq "$DB" "PRAGMA foreign_keys = ON; UPDATE gmv SET shop_id = 'NOPE' WHERE shop_id = 'G3';" \
	"UPDATE gmv SET shop_id = 'NOPE' WHERE shop_id = 'G3'" >"$T/68_sq.out" 2>&1; then
	fail "a GMV row moved to an unknown shop with SQL is refused" "it was written"
else
	ok "a GMV row moved to an unknown shop with SQL is refused"
fi
is "... and G3's rows are still G3's" "$(sq "$DB" "SELECT count(*) FROM gmv WHERE shop_id = 'G3'")" 2
if pg; then
	_sql="INSERT INTO gmv(shop_id, month, gmv_fen) SELECT id, 5, 1 FROM shop WHERE id IN ('G1', 'G2')"
	sq "$DB" "" "$_sql" >"$T/68_sq.out" 2>&1
	is "PostgreSQL: two rows of known shops in one statement pass the check" \
		"$(sq "$DB" "SELECT count(*) FROM gmv WHERE month = 5")" 2
	sq "$DB" "" "DELETE FROM gmv WHERE month = 5" >/dev/null 2>&1
fi
bz demo 2026-04-01 check
okrc "check after the refused SQL"
