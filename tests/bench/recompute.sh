# tests/bench/recompute.sh - sourced by run.sh (SQLite) and pg.sh
# (PostgreSQL): the raw tool's side of the recompute row.
#
# recompute_sql MONTH EFF: the one statement that leaves the floating table
# as `deposit recompute --month 2026-12` does: every open shop opened
# before the effective day EFF gets the tier of its GMV of month MONTH - 1
# (bzj_floating_for_gmv in core/rules.c), upserted.  MONTH is year*12 +
# month-1, EFF days since 1970-01-01.  The same text runs in sqlite3 and
# psql.
recompute_sql() {
	cat <<EOF_RECOMPUTE_SQL
INSERT INTO floating(shop_id, month, gmv_fen, floating_fen, effective)
SELECT s.id, $1, COALESCE(g.gmv_fen, 0),
 CASE WHEN COALESCE(g.gmv_fen, 0) <= 5000000 THEN 0
      WHEN g.gmv_fen <= 10000000 THEN 300000
      WHEN g.gmv_fen <= 50000000 THEN 500000 ELSE 2000000 END, $2
FROM shop s LEFT JOIN gmv g ON g.shop_id = s.id AND g.month = $(($1 - 1))
WHERE s.status = 1 AND s.opened < $2
ON CONFLICT(shop_id, month, job) DO UPDATE SET gmv_fen = excluded.gmv_fen,
 floating_fen = excluded.floating_fen, effective = excluded.effective
WHERE floating.gmv_fen <> excluded.gmv_fen OR floating.floating_fen <> excluded.floating_fen
 OR floating.effective <> excluded.effective;
EOF_RECOMPUTE_SQL
}
