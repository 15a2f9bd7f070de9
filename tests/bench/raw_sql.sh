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

# pay_seed SRC DB CONF TODAY OUTDIR: issue 15's busy bank day in a copy of
# the demo database: 10,000 approved refunds more (one per open shop with
# a payee and no refund in progress, 1 yuan each, window open on TODAY,
# submitted by rev1 and approved by rev2), so a batch of TODAY has at
# least 10,000 to send.  The refund table is sealed, so a plain sqlite3
# cannot insert into it: payseed.c (built into OUTDIR from SRC's core)
# runs the INSERT as bzj would, under one audit record.
pay_seed() {
	_src=$1 _day=$(( $(date -u -d "$4" +%s) / 86400 ))
	_month=$(( $(date -u -d "$4" +%Y) * 12 + $(date -u -d "$4" +%-m) - 1 ))
	if [ -f "$_src/build/rel/libbzjcore.a" ]; then _core="$_src/build/rel/libbzjcore.a"; else
		(cd "$_src" && make -s build/gen/data_holidays.c build/gen/data_standards.c >/dev/null)
		_core="$_src/core/*.c $_src/build/gen/data_holidays.c $_src/build/gen/data_standards.c"
	fi
	# shellcheck disable=SC2086
	cc -std=c17 -O2 -I"$_src/include" -I"$_src/core" -I"$_src/build/gen" -D_GNU_SOURCE \
		-DLOCALEDIR='"/x"' -o "$5/payseed" "${ROOT:-$_src}/tests/bench/payseed.c" $_core \
		$(pkg-config --cflags --libs sqlite3 libconfig nettle) -ldl -lm
	BZJ_USER=demo "$5/payseed" "$2" "$3" "$4" "INSERT INTO refund(shop_id, kind, status,
  amount_fen, submitted_on, month, window_start, window_end, submitted_by, approved_by,
  approved_on, changed_by)
  SELECT s.id, 1, 2, 100, $_day - 3, $_month, $_day - 2, $_day, 'rev1', 'rev2', $_day - 3, 'rev2'
  FROM shop s WHERE s.status = 1 AND s.refund_open = 0
  AND NOT EXISTS (SELECT 1 FROM refund r WHERE r.shop_id = s.id AND r.status IN (1,2,7))
  AND EXISTS (SELECT 1 FROM payee p WHERE p.shop_id = s.id) LIMIT 10000"
}
