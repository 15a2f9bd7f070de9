# tests/bench/raw_sql.sh - sourced by run.sh (SQLite) and pg.sh
# (PostgreSQL): the raw tool's side of the recompute and shop show rows,
# one text for sqlite3 and psql.
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

# show_sql SHOP DAY AGG: the figures of `shop show --json` in one SELECT:
# the shop, its categories (AGG: json_group_array in SQLite, json_agg in
# PostgreSQL), payee, base (highest standard in effect on DAY), floating
# in effect, open raises.
show_sql() {
	cat <<EOF_SHOW_SQL
SELECT s.id, s.name, s.entity_name, s.operator_name, s.entity, s.status, s.opened, s.closed,
 (SELECT $3(category) FROM shop_category WHERE shop_id = s.id) AS categories,
 p.type, p.name AS payee_name, p.account, p.since,
 COALESCE((SELECT max(CASE WHEN s.entity = 1 THEN st.individual_fen ELSE st.company_fen END)
  FROM shop_category c JOIN standard st ON st.category = c.category AND st.effective =
  (SELECT max(effective) FROM standard t WHERE t.category = c.category AND t.effective <= $2)
  WHERE c.shop_id = s.id), 0) AS base_fen,
 COALESCE((SELECT floating_fen FROM floating f WHERE f.shop_id = s.id AND f.effective <= $2
  ORDER BY f.effective DESC LIMIT 1), 0) AS floating_fen,
 COALESCE((SELECT sum(raise_fen) FROM violation v WHERE v.shop_id = s.id AND v.status = 1), 0)
  AS raises_fen,
 s.balance_fen, s.frozen_fen, s.owed_fen, s.required_fen, s.restricted
FROM shop s LEFT JOIN payee p ON p.id = (SELECT max(id) FROM payee WHERE shop_id = s.id)
WHERE s.id = '$1'
EOF_SHOW_SQL
}
