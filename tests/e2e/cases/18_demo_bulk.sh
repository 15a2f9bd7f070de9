# 18_demo_bulk.sh - the demo writes its rows with the seal triggers, the
# plain indexes and the search triggers of the tables it fills dropped,
# then seals every row, builds the indexes and puts the triggers back in
# the same transaction (core/store_demo.c).  What it leaves must be what
# row-by-row writing left: the schema bzj makes, one seal per sealed row
# naming the demo's audit record, `bzj check` clean, the same rows for
# the same seed, and triggers that seal the next write again.
D18=2026-11-23
DB=$T/18_fresh.db
bz demo $D18 init
okrc "demo bulk: a fresh database for the schema"
DB=$T/18_demo_bulk.db
bz demo $D18 demo --shops 700 --seed 7
okrc "demo bulk: 700 shops"
jis "demo bulk: 700 shops made" "d['shops']" "700"
bz demo $D18 check
okrc "demo bulk: check clean (seals, schema, sums)"
s18() {
	if pg; then
		pgcmd pg_dump --schema-only -d "$(dbname "$1")" | grep -v -e '^--' -e '^\\' | sha256sum
	else
		sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master
			WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name" | sha256sum
	fi
}
is "demo bulk: the schema is the one init makes, every trigger and index back" \
	"$(s18 "$T/18_demo_bulk.db")" "$(s18 "$T/18_fresh.db")"
# Every row of every table the demo fills has its seal, and each names the
# demo's own audit record (as the triggers would have, all in one
# transaction under it).
DEMO_SEQ=$(sq "$DB" "SELECT seq FROM audit WHERE action = 'demo.fill'")
for t in shop ledger refund payee violation provider provider_ledger provider_payee \
	provider_binding provider_complaint; do
	is "demo bulk: one seal per $t row" \
		"$(sq "$DB" "SELECT (SELECT count(*) FROM $t) || ' ' || (SELECT count(*)
			FROM seal s WHERE s.tbl = '$t' AND s.seq = $DEMO_SEQ
			AND EXISTS (SELECT 1 FROM $t t WHERE t.id = +s.rid))" \
			"SELECT (SELECT count(*) FROM $t) || ' ' || (SELECT count(*)
			FROM seal s WHERE s.tbl = '$t' AND s.seq = $DEMO_SEQ
			AND EXISTS (SELECT 1 FROM $t t WHERE t.id::text = s.rid))")" \
		"$(sq "$DB" "SELECT count(*) || ' ' || count(*) FROM $t")"
done
is "demo bulk: rows in every sealed table" \
	"$(sq "$DB" "SELECT CAST((SELECT count(*) > 0 FROM violation) AS integer)
		+ CAST((SELECT count(*) > 0 FROM refund) AS integer)
		+ CAST((SELECT count(*) > 100 FROM shop_orders) AS integer)
		+ CAST((SELECT count(*) > 0 FROM provider_complaint) AS integer)")" "4"
# The same seed gives the same rows, table by table (audit times aside;
# on PostgreSQL also bzj_dv, the data_version counter naming the session
# that wrote last, a random name).
DB=$T/18_again.db
bz demo $D18 demo --shops 700 --seed 7
okrc "demo bulk: again with the same seed"
for t in $(sq "$T/18_demo_bulk.db" "SELECT name FROM sqlite_master WHERE type = 'table'
	AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'shop_fts%' AND name <> 'audit'" \
	"SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'audit'
	AND tablename <> 'bzj_dv' ORDER BY tablename"); do
	a=$(sq "$T/18_demo_bulk.db" "SELECT * FROM \"$t\"" "SELECT * FROM \"$t\" x ORDER BY x::text" | sha256sum)
	b=$(sq "$T/18_again.db" "SELECT * FROM \"$t\"" "SELECT * FROM \"$t\" x ORDER BY x::text" | sha256sum)
	[ "$a" = "$b" ] || fail "demo bulk: same seed, same $t" "the tables differ"
done
ok "demo bulk: same seed, same rows in every table"
# The triggers are back: a top-up after the demo is sealed under its own
# record.
DB=$T/18_demo_bulk.db
bz fin1 $D18 topup S0000005 1000
okrc "demo bulk: a top-up after the demo"
is "demo bulk: the top-up's ledger row is sealed under its own record" \
	"$(sq "$DB" "SELECT CAST(s.seq = (SELECT max(seq) FROM audit) AS integer) FROM seal s
		WHERE s.tbl = 'ledger' AND s.rid = (SELECT max(id) FROM ledger)" \
		"SELECT CAST(s.seq = (SELECT max(seq) FROM audit) AS integer) FROM seal s
		WHERE s.tbl = 'ledger' AND s.rid = (SELECT max(id)::text FROM ledger)")" "1"
bz demo $D18 check
okrc "demo bulk: check clean after the top-up"
refused "demo bulk: a second demo into it" 1 demo.not_empty demo $D18 demo --shops 10
