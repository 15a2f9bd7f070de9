# ==== tampering by someone who can write the database file (issue 10.5) ==============
# A keyed database (audit_key in the config): money moved through bzj, then
# copies edited with the sqlite3 shell the way a writer of the file would:
# drop the guard and seal triggers, change the rows, put the triggers back
# with their own text (so the schema looks untouched), recompute the plain
# SHA-256 chain where the audit log was touched.  Each must make `bzj check`
# or `bzj audit verify` exit 1 naming the problem.  On PostgreSQL the copies
# are CREATE DATABASE ... TEMPLATE and the edits go through psql with
# session_replication_role = replica (no trigger fires, the guards and the
# foreign keys included, as for the server's superuser); where SQLite's
# SQL or trigger names differ, the case gives PostgreSQL's spelling (PGS).
KD=$T/keyed
mkdir -p "$KD"
KCONF=$KD/bzj.conf
{ cat "$DEMO_CONF"; echo "audit_key = \"$KD/audit.key\";"; } >"$KCONF"
K=$KD/bzj.db
kx() { x --conf "$KCONF" --db "${KDB:-$K}" "$@"; }
kx init
is "keyed: init creates the audit key 0640" \
	"$([ "$RC" = 0 ] && [ "$(stat -c %a "$KD/audit.key")" = 640 ] && [ "$(wc -c <"$KD/audit.key")" = 65 ]; echo $?)" \
	"exit $RC, $(stat -c %a "$KD/audit.key" 2>&1)"
XTODAY=2026-11-01 kx shop add TS1 --name 篡改测试店 --entity company --entity-name 篡改测试有限公司 --category 服饰内衣 --opened 2026-10-01
XTODAY=2026-11-01 kx --user rev1 shop payee TS1 --type corporate --name 篡改测试有限公司 --account 6222020000001111 --date 2026-10-01
XTODAY=2026-11-01 kx --user fin1 topup TS1 20000 --ref ts-1
XTODAY=2026-11-01 kx --user fin1 topup TS1 5000 --ref ts-2
XTODAY=2026-11-02 kx --user rev1 violation add TS1 --class A --points 2 --raise 1000 --freeze 3000 --note freeze
XTODAY=2026-11-20 kx --user rev1 refund submit TS1 --kind partial --amount 1000
RID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$T/out")
XTODAY=2026-11-20 kx --user sup1 refund approve "$RID"
# A service provider's money (issue 14): its own ledger, payee, binding and
# a complaint freezing part of its deposit.
XTODAY=2026-11-01 kx --user rev1 provider add TP1 --name 篡改服务商 --entity-name 篡改服务有限公司 --kind agency
XTODAY=2026-11-01 kx --user fin1 provider topup TP1 20000 --ref tp-1
XTODAY=2026-11-01 kx --user rev1 provider payee TP1 --name 篡改服务有限公司 --account 6222020000002222 --date 2026-10-01
XTODAY=2026-11-01 kx --user rev1 provider bind TP1 TS1 --from 2026-11-01
XTODAY=2026-11-02 kx --user rev1 complaint add TP1 --shop TS1 --note 服务未履约 --freeze 5000
CID=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$T/out")
is "keyed: the provider's money moved through bzj (complaint $CID)" \
	"$([ "$RC" = 0 ] && [ -n "$CID" ] && [ "$(sq "$K" "SELECT balance_fen, frozen_fen FROM provider WHERE id = 'TP1'")" = "2000000|500000" ]; echo $?)" \
	"exit $RC: $OUT $ERR"
kx check
is "keyed: check passes on the untouched database" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
kx audit verify
is "keyed: audit verify passes, keyed from record 1" \
	"$([ "$RC" = 0 ] && grep -q '"ok":true' "$T/out"; echo $?)" "exit $RC: $OUT $ERR"
x --db "$K" audit verify
is "keyed: without the key, audit verify refuses to call the keyed records intact (exit 1)" \
	"$([ "$RC" = 1 ] && case "$ERR" in *"no audit key"*) true ;; *) false ;; esac; echo $?)" "exit $RC: $ERR"
x --db "$K" --user fin1 topup TS1 1 --ref ts-nokey
is "keyed: without the key, writes are refused (exit 4 audit.no_key)" \
	"$([ "$RC" = 4 ] && [ "$(code)" = audit.no_key ]; echo $?)" "exit $RC $(code)"
chmod 0644 "$KD/audit.key"
kx shop show TS1
is "keyed: a key others can read is refused (exit 4 audit.key_mode)" \
	"$([ "$RC" = 4 ] && [ "$(code)" = audit.key_mode ]; echo $?)" "exit $RC $(code)"
chmod 0640 "$KD/audit.key"

# All the triggers' text, to put them back after the edit (SQLite).
triggers_of() { # DB
	pg && return 0
	sqlite3 -batch -noheader "$1" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$KD/triggers.sql"
	DROPS=$(sqlite3 -batch -noheader "$1" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'")
}
DROPS=""
triggers_of "$K"
# The plain SHA-256 chain recomputed over the whole log, as bzj computed it
# before keys: what a writer of the file can do.
rechain() {
	if pg; then
		sq "$1" "" "SELECT json_agg(json_build_array(seq, day, at, \"user\", role, action, object, shop_id,
			before, after, reason) ORDER BY seq) FROM audit" | python3 -c '
import hashlib, json, sys
prev = ""
rows = json.load(sys.stdin)
for seq, day, at, user, role, action, obj, shop, before, after, reason in rows:
    h = hashlib.sha256()
    for f in (prev, "%d|%d" % (seq, day), at, user, role, action, obj, shop or "", before, after, reason):
        h.update(f.encode()); h.update(b"\x1f")
    prev = h.hexdigest()
    print("UPDATE audit SET hash = %s WHERE seq = %d;" % ("\x27" + prev + "\x27", seq))
print("UPDATE meta SET value = %s WHERE key = %s;" % ("\x27%d\x27" % len(rows), "\x27audit_seq\x27"))
' >"$KD/rechain.sql"
		pgtamper "$1" "$(cat "$KD/rechain.sql")" >/dev/null
		return
	fi
	python3 - "$1" <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
prev = ""
rows = db.execute("SELECT seq, day, at, user, role, action, object, shop_id, before, after, reason FROM audit ORDER BY seq").fetchall()
for r in rows:
    seq, day, at, user, role, action, obj, shop, before, after, reason = r
    h = hashlib.sha256()
    for f in (prev, "%d|%d" % (seq, day), at, user, role, action, obj, shop or "", before, after, reason):
        h.update(f.encode()); h.update(b"\x1f")
    prev = h.hexdigest()
    db.execute("UPDATE audit SET hash = ? WHERE seq = ?", (prev, seq))
db.execute("UPDATE meta SET value = ? WHERE key = 'audit_seq'", (str(len(rows)),))
db.commit()
EOF
}
tamper5() { # NAME SQL CMD WANT-CODE WANT-MESSAGE-GLOB [rechain] [keep-triggers-out]
	local t=$KD/case.db
	if pg; then
		dbcp "$K" "$t"
		pgtamper "$t" "${PGS:-$2}" >"$KD/tamper.log"
		grep -q ERROR "$KD/tamper.log" && bad "tamper: $1: the edit failed: $(head -c 300 "$KD/tamper.log")"
		[ "${6:-}" = rechain ] && rechain "$t"
	else
	rm -f "$t" "$t-wal" "$t-shm"
	sqlite3 -batch "$K" ".backup '$t'"
	sqlite3 -batch "$t" "$DROPS $2" >/dev/null
	[ "${6:-}" = rechain ] && rechain "$t"
	[ "${7:-}" = out ] || sqlite3 -batch "$t" <"$KD/triggers.sql"
	fi
	KDB=$t kx $3
	local codes
	codes=$(sed -n 's/.*"code":"\([^"]*\)".*/\1/p' "$T/out" | tr '\n' ' ')
	codes="$codes $(grep -o 'check\.[a-z_]*' "$T/out" | tr '\n' ' ')"
	is "tamper: $1 -> $3 exits 1 naming it ($4)" \
		"$([ "$RC" = 1 ] && case " $codes " in *" $4 "*) true ;; *) [ "$4" = - ] ;; esac &&
			case "$OUT $ERR" in $5) true ;; *) false ;; esac; echo $?)" "exit $RC codes [$codes] ${OUT:0:300} ${ERR:0:300}"
	rm -f "$t" "$t-wal" "$t-shm"
}
L1=$(sq "$K" "SELECT id FROM ledger WHERE ref = 'ts-1'")
tamper5 "a ledger row inserted with a matching balance update" \
	"INSERT INTO ledger(shop_id, day, kind, amount_fen, balance_after, payer, ref, \"user\") SELECT 'TS1', day, 1, 100000000, balance_fen + 100000000, payer, 'forged', 'fin1' FROM shop, ledger WHERE shop.id = 'TS1' AND ledger.id = $L1; UPDATE shop SET balance_fen = balance_fen + 100000000 WHERE id = 'TS1';" \
	check check.seal "*ledger entry*no seal*"
tamper5 "a ledger amount edited together with the balance" \
	"UPDATE ledger SET amount_fen = amount_fen + 500000, balance_after = balance_after + 500000 WHERE id = $L1; UPDATE ledger SET balance_after = balance_after + 500000 WHERE shop_id = 'TS1' AND id > $L1; UPDATE shop SET balance_fen = balance_fen + 500000 WHERE id = 'TS1';" \
	check check.seal "*ledger entry $L1*not those sealed*"
tamper5 "a refund amount rewritten" "UPDATE refund SET amount_fen = amount_fen * 10 WHERE id = $RID;" \
	check check.seal "*refund $RID*"
tamper5 "a refund approver rewritten" "UPDATE refund SET approved_by = 'rev2' WHERE id = $RID;" \
	check check.seal "*refund $RID*"
tamper5 "a payee account swapped" "UPDATE payee SET account = '6222029999999999' WHERE shop_id = 'TS1';" \
	check check.seal "*payee account*"
tamper5 "a freeze lowered (violation and shop)" \
	"UPDATE violation SET frozen_fen = 0 WHERE shop_id = 'TS1'; UPDATE shop SET frozen_fen = 0 WHERE id = 'TS1';" \
	check check.seal "*violation*"
tamper5 "a raise removed (violation deleted, shop frozen lowered)" \
	"DELETE FROM violation WHERE shop_id = 'TS1'; UPDATE shop SET frozen_fen = 0, open_violations = 0 WHERE id = 'TS1';" \
	check check.seal_orphan "*violation*deleted outside bzj*"
tamper5 "a standard lowered" "UPDATE standard SET company_fen = 0, individual_fen = 0 WHERE category = '服饰内衣';" \
	check check.seal "*standard 服饰内衣*"
tamper5 "a shop's debt forgiven" "UPDATE shop SET owed_fen = 0, terminate = 0, unsettled_fen = 99 WHERE id = 'TS1';" \
	check check.seal "*shop TS1*"
PL1=$(sq "$K" "SELECT id FROM provider_ledger WHERE ref = 'tp-1'")
tamper5 "a provider ledger amount edited together with the provider's balance" \
	"UPDATE provider_ledger SET amount_fen = amount_fen + 500000, balance_after = balance_after + 500000 WHERE id = $PL1; UPDATE provider SET balance_fen = balance_fen + 500000 WHERE id = 'TP1';" \
	check check.seal "*provider ledger entry $PL1*not those sealed*"
tamper5 "a provider ledger row inserted with a matching balance" \
	"INSERT INTO provider_ledger(provider_id, day, kind, amount_fen, balance_after, ref, note, \"user\") SELECT 'TP1', day, 1, 100000000, balance_after + 100000000, 'forged', '', 'fin1' FROM provider_ledger WHERE id = $PL1; UPDATE provider SET balance_fen = balance_fen + 100000000 WHERE id = 'TP1';" \
	check check.seal "*provider ledger entry*no seal*"
tamper5 "a provider's freeze released (complaint and provider)" \
	"UPDATE provider_complaint SET frozen_fen = 0 WHERE id = $CID; UPDATE provider SET frozen_fen = 0 WHERE id = 'TP1';" \
	check check.seal "*provider complaint $CID*"
tamper5 "a provider's payee account swapped" \
	"UPDATE provider_payee SET account = '6222029999999999' WHERE provider_id = 'TP1';" \
	check check.seal "*provider payee account*"
tamper5 "a provider's status and delisting date rewritten" \
	"UPDATE provider SET status = 3, delisted_on = 20000 WHERE id = 'TP1';" \
	check check.seal "*service provider TP1*"
tamper5 "a provider binding ended early" \
	"UPDATE provider_binding SET to_day = from_day WHERE provider_id = 'TP1';" \
	check check.seal "*provider binding*"
GUARD=ledger_no_update
pg && GUARD=ledger_no_change
PGS="DO \$\$ DECLARE r record; BEGIN FOR r IN SELECT g.tgname, c.relname FROM pg_trigger g
	JOIN pg_class c ON c.oid = g.tgrelid WHERE c.relnamespace = current_schema()::regnamespace
	AND NOT g.tgisinternal LOOP EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, r.relname);
	END LOOP; END \$\$;" \
	tamper5 "the guard triggers removed" "SELECT 1;" check check.schema "*$GUARD*missing*" "" out
PGS="DROP TRIGGER seal_ledger_ai ON ledger; CREATE TRIGGER seal_ledger_ai AFTER INSERT ON ledger
	FOR EACH STATEMENT EXECUTE FUNCTION bzj_dv_bump();" \
	tamper5 "a trigger replaced by one that does nothing" \
	"CREATE TRIGGER seal_ledger_ai AFTER INSERT ON ledger BEGIN SELECT 1; END;" check check.schema "*seal_ledger_ai*not what bzj creates*" "" out
tamper5 "an audit record edited and the plain chain recomputed" \
	"UPDATE audit SET reason = 'nothing to see' WHERE seq = 3;" "audit verify" - "*record 1 does not match its HMAC*" rechain
PGS="DELETE FROM audit WHERE seq = 4; UPDATE audit SET seq = -(seq - 1) WHERE seq > 4;
	UPDATE audit SET seq = -seq WHERE seq < 0;" \
	tamper5 "an audit record deleted and the plain chain recomputed" \
	"DELETE FROM audit WHERE seq = 4; UPDATE audit SET seq = seq - 1 WHERE seq > 4;" "audit verify" - "*does not match its HMAC*" rechain
tamper5 "the key switch-over removed and the plain chain recomputed" \
	"DELETE FROM meta WHERE key = 'audit_keyed_from';" "audit verify" - "*no switch-over*" rechain
tamper5 "the key switch-over moved past the end and the plain chain recomputed" \
	"UPDATE meta SET value = '999' WHERE key = 'audit_keyed_from';" "audit verify" - "*after its end*" rechain
PGS="UPDATE seal SET mac = (SELECT mac FROM seal WHERE tbl = 'ledger' AND rid = '$L1') WHERE tbl = 'ledger' AND rid = (SELECT max(id)::text FROM ledger);" \
	tamper5 "a seal copied from another row" \
	"UPDATE seal SET mac = (SELECT mac FROM seal WHERE tbl = 'ledger' AND rid = $L1) WHERE tbl = 'ledger' AND rid = (SELECT max(id) FROM ledger);" \
	check check.seal "*ledger entry*"

# A refund sent to the bank (issue 15, schema v13): its amount or its bank
# reference edited behind bzj's back; the refund's seal covers batch_id,
# bank_ref and closed_on since v13.  On a copy, so the cases above keep
# their database.
SENT=$KD/sent.db
dbcp "$K" "$SENT"
KDB=$SENT kx refund show "$RID"
WS=$(sed -n 's/.*"window_start":"\([0-9-]*\)".*/\1/p' "$T/out")
BD=$(python3 -c 'import datetime,sys; d=datetime.date.fromisoformat(sys.argv[1])
while d.weekday() >= 5 or d < datetime.date(2026, 11, 21): d += datetime.timedelta(1)
print(d)' "${WS:-2026-11-21}")
XTODAY=$BD KDB=$SENT kx --user fin1 payout batch --date "$BD" --out "$KD/sent-batch.csv"
XTODAY=$BD KDB=$SENT kx check
BREF=$(sq "$SENT" "SELECT bank_ref FROM refund WHERE id = $RID AND status = 7")
is "keyed: refund $RID sent to the bank on $BD (ref $BREF), check passes" \
	"$([ "$RC" = 0 ] && [ -n "$BREF" ]; echo $?)" "exit $RC: ${OUT:0:300} ${ERR:0:300}"
K0=$K
K=$SENT
triggers_of "$K"
XTODAY=$BD tamper5 "a sent refund's amount lowered (the bank file and batch total left alone)" \
	"UPDATE refund SET amount_fen = amount_fen - 1 WHERE id = $RID;" \
	check check.seal "*refund $RID*not those sealed*"
XTODAY=$BD tamper5 "a sent refund's bank reference swapped" \
	"UPDATE refund SET bank_ref = 'BZJ999999999' WHERE id = $RID;" \
	check check.seal "*refund $RID*not those sealed*"
XTODAY=$BD tamper5 "a payout batch's total rewritten" \
	"UPDATE payout_batch SET total_fen = total_fen + 100;" \
	check check.seal "*payout batch*not those sealed*"
K=$K0
triggers_of "$K"

# The switch-over point removed: `bzj init` will not key the log again
# (that would launder the recomputed chain); it says what happened.
t=$KD/rekey.db
if pg; then
	dbcp "$K" "$t"
	pgtamper "$t" "DELETE FROM meta WHERE key = 'audit_keyed_from';" >/dev/null
	rechain "$t"
else
sqlite3 -batch "$K" ".backup '$t'"
sqlite3 -batch "$t" "$DROPS DELETE FROM meta WHERE key = 'audit_keyed_from';"
rechain "$t"
sqlite3 -batch "$t" <"$KD/triggers.sql"
fi
KDB=$t kx init
is "tamper: init refuses to re-key a log whose switch-over point was removed (exit 4 audit.rekey)" \
	"$([ "$RC" = 4 ] && [ "$(code)" = audit.rekey ]; echo $?)" "exit $RC $(code) $ERR"
KDB=$t kx --user fin1 topup TS1 1 --ref ts-rekey
is "tamper: ... and writes stay refused (exit 4 audit.not_keyed)" \
	"$([ "$RC" = 4 ] && [ "$(code)" = audit.not_keyed ]; echo $?)" "exit $RC $(code) $ERR"

# An existing database without a key: with a key configured, writes wait
# for `bzj init`, which switches over; the old records stay verifiable under
# the plain chain up to the recorded switch-over point, the rows are
# re-sealed with the key.
M=$KD/old.db
if pg; then dbcp "$T/base.db" "$M"; else cp "$T/base.db" "$M"; fi
h0=$(sq "$M" "SELECT max(seq) FROM audit")
KDB=$M kx --user fin1 topup "$P" 1 --ref old-1
is "an unkeyed database with a key configured: writes wait for init (exit 4 audit.not_keyed)" \
	"$([ "$RC" = 4 ] && [ "$(code)" = audit.not_keyed ]; echo $?)" "exit $RC $(code) $ERR"
KDB=$M kx init
KDB=$M kx audit verify
from=$(sq "$M" "SELECT value FROM meta WHERE key = 'audit_keyed_from'")
is "init switches an unkeyed database to the key, old records verify (keyed from $from, after $h0)" \
	"$([ "$RC" = 0 ] && [ "$from" = $((h0 + 1)) ]; echo $?)" "exit $RC: $OUT $ERR"
KDB=$M kx check
is "after the switch-over every row is sealed with the key: check passes" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: ${OUT:0:300}"
