# 16_settings.sh - the settings a database runs under (issue 16): roles and
# refund limits stay in each host's config; the database records their
# fingerprint and values.  A host whose roles or limits differ is refused
# writes naming the difference (exit 4, settings.mismatch), reads work,
# `bzj check` reports it, and a supervisor records a deliberate change.
DB=$T/16_settings.db
D=2026-01-05
CONF_16=$CONF
bz demo $D init
okrc "settings: init"
bz cs1 $D settings show
okrc "settings show: anyone may read it"
jis "a fresh init records the settings it ran under" '[d["recorded"], d["agree"], d["sealed"], d["recorded_by"], d["recorded_on"]]' \
	'[true,true,true,"demo","2026-01-05"]'
jis "the fingerprint is SHA-256 (64 hex digits) and the database's equals this host's" \
	'len(d["fingerprint"]) == 64 and d["fingerprint"] == d["database_fingerprint"]' true
FP1=$(j 'd["fingerprint"]')
is "the database holds the values, one line each" \
	"$(sq "$DB" "SELECT instr(doc, 'role:rev2' || char(9) || 'reviewer') > 0 AND instr(doc, 'refund.monthly_limit' || char(9) || '3') > 0 FROM settings" \
		"SELECT CAST(strpos(doc, 'role:rev2' || chr(9) || 'reviewer') > 0 AND strpos(doc, 'refund.monthly_limit' || chr(9) || '3') > 0 AS integer) FROM settings")" 1
bz demo $D audit log --limit 1
jis "the first record is audited" '[d["entries"][0]["action"], d["entries"][0]["object"]]' '["settings.record","settings"]'
bz demo $D shop add G1 --name 设置测试店 --entity company --category 服饰内衣 --opened 2026-01-01
okrc "a write under the same settings"

# The same roles and limits written differently: same fingerprint.
CONF=$T/16_same.conf
sed -e 's/"rev1", "rev2"/"rev2", "rev1", "rev2"/' -e 's/^# .*//' "$CONF_16" >"$CONF"
bz demo $D settings show
jis "role lists are sets: order, repeats and comments change nothing" '[d["agree"], d["fingerprint"]]' "[true,\"$FP1\"]"

echo "# a host where rev2 is no longer a reviewer and rev3 is"
CONF=$T/16_role.conf
sed 's/"rev1", "rev2"/"rev1", "rev3"/' "$CONF_16" >"$CONF"
grep -q '"rev3"' "$CONF" || fail "16_role.conf" "the sed did not change the reviewers"
refused "role differs: a write is refused" 4 settings.mismatch rev1 $D shop add G2 --name 设置测试店二 \
	--entity company --category 服饰内衣 --opened 2026-01-01
jis "the message names the user and both roles, database first" \
	'"role of rev2: reviewer → none" in d["error"]["message"] and "role of rev3: none → reviewer" in d["error"]["message"]' true
refused "role differs: a top-up by finance is refused too" 4 settings.mismatch fin1 $D topup G1 100
refused "role differs: the supervisor's writes too" 4 settings.mismatch demo $D fee G1 1 --note x
bz cs1 $D shop show G1
okrc "role differs: reads still work (shop show)"
bz cs1 $D shop list
okrc "role differs: reads still work (shop list)"
bz demo $D check
erc "role differs: check exits 1" 1
jis "check names it" '[p["code"] for p in d["problems"]]' '["check.settings"]'
jis "check's message names the user" '"role of rev2: reviewer → none" in d["problems"][0]["message"]' true
bz cs1 $D settings show
jis "settings show: differ, with the changes" '[d["agree"], d["differences"], d["changes"]]' \
	'[false,2,["role of rev2: reviewer → none","role of rev3: none → reviewer"]]'

echo "# a host with other refund limits"
CONF=$T/16_limit.conf
sed -e 's/monthly_limit = 3/monthly_limit = 5/' -e 's/second_approval_yuan = 50000/second_approval_yuan = 60000/' \
	"$CONF_16" >"$CONF"
refused "limit differs: a write is refused" 4 settings.mismatch fin1 $D topup G1 100
jis "the message names each limit, old → new" \
	'"refund.monthly_limit: 3 → 5" in d["error"]["message"] and "refund.second_approval_yuan: 50000.00 → 60000.00" in d["error"]["message"]' true
bz demo $D check
erc "limit differs: check exits 1" 1
jis "check names the limits" '"refund.monthly_limit: 3 → 5" in d["problems"][0]["message"]' true

echo "# root has updated every host: a supervisor records the change"
CONF=$T/16_role.conf
refused "settings accept: a reviewer may not" 4 auth.role rev1 $D settings accept --reason 换人
refused "settings accept: finance may not" 4 auth.role fin1 $D settings accept --reason 换人
refused "settings accept needs --reason" 2 input.reason demo $D settings accept
refused "settings accept: an empty reason" 2 input.reason demo $D settings accept --reason ''
bz sup1 $D settings accept --reason "rev3 接替 rev2"
okrc "settings accept by a supervisor"
jis "accepted: recorded, agree, changed" '[d["changed"], d["agree"], d["recorded_by"], d["changes"]]' \
	'[true,true,"sup1",["role of rev2: reviewer → none","role of rev3: none → reviewer"]]'
bz demo $D audit log --limit 1
jis "accept is audited with its reason and the changes" \
	'[d["entries"][0]["action"], d["entries"][0]["reason"], "role of rev3: none → reviewer" in d["entries"][0]["after"]]' \
	'["settings.accept","rev3 接替 rev2",true]'
bz rev3 $D shop add G2 --name 设置测试店二 --entity company --category 服饰内衣 --opened 2026-01-01
okrc "after accept: the new reviewer writes"
bz rev2 $D shop show G2
erc "after accept: rev2 has no role on this host" 4 auth.unknown_user
refused "accept again: nothing changed, nothing written" 0 "" sup1 $D settings accept --reason again
jis "accept again says so" 'd["changed"]' false
bz demo $D check
okrc "after accept: check passes"
jis "check ok" 'd["ok"]' true

echo "# a host still on the old config is now the one refused"
CONF=$CONF_16
refused "old host: refused, the difference the other way round" 4 settings.mismatch rev1 $D shop add G3 \
	--name 设置测试店三 --entity company --category 服饰内衣 --opened 2026-01-01
jis "old host: names rev3 losing and rev2 gaining the role" \
	'"role of rev3: reviewer → none" in d["error"]["message"] and "role of rev2: none → reviewer" in d["error"]["message"]' true
CONF=$T/16_role.conf
bz fin1 $D topup G1 100
okrc "the updated host writes"

echo "# a database made before settings were recorded: the first run records them"
if pg; then
	pgskip "a database made before settings were recorded (rewound several migrations with ALTER TABLE DROP COLUMN and PRAGMA user_version)" \
		"PostgreSQL databases start at the baseline schema (BZJ_PG_BASELINE in core/store_pg.h), which already records settings: no PostgreSQL database was ever at that version"
else
DB=$T/16_old.db
CONF=$CONF_16
bz demo $D init
# settings came in one migration, the month-start bulk jobs (bulk_job, the
# floating_month0 index; floating and gmv keep their job column, which the
# bulk jobs' migration copies over) in the one after it, then the
# shop_orders running sums of issue 14, then the refund queue's count
# indexes, then the score job and bulk_job's pid and host (issue 13's
# second round), then the audit index of the batches' records, then the
# newbie check's staging table and bulk_job's upto (the third round;
# bulk_job itself is dropped below), then the open-refund indexes' predicate
# (REFUND_OPEN instead of an IN list), then shop_orders' job in its key
# (import orders as a bulk job; the table is put back as it was before the
# running sums, so their migration has work), then the PostgreSQL search
# index (nothing to undo: a no-op on SQLite), then import_run (resumable
# imports of shops, top-ups and violations), then gmv's shop check per
# statement, the id search's covering indexes and the search's trigram
# postings (all three PostgreSQL only: no-ops on SQLite): undo all fourteen
sqlite3 "$DB" "DROP TABLE import_run; DROP INDEX refund_one_open; DROP INDEX refund_provider_open;
	CREATE UNIQUE INDEX refund_one_open ON refund(shop_id) WHERE status IN (1,2,7);
	CREATE UNIQUE INDEX refund_provider_open ON refund(provider_id) WHERE status IN (1,2,7);
	DROP TABLE shop_orders;
	CREATE TABLE shop_orders(shop_id TEXT NOT NULL REFERENCES shop(id), day INTEGER NOT NULL,
	 paid INTEGER NOT NULL CHECK(paid >= 0), gift INTEGER NOT NULL CHECK(gift >= 0 AND gift <= paid),
	 PRIMARY KEY(shop_id, day)) WITHOUT ROWID;
	DROP TABLE newbie_stage; DROP INDEX audit_batch; DROP INDEX audit_return; ALTER TABLE score DROP COLUMN job; DROP INDEX refund_open_age; DROP INDEX refund_await_second; DROP INDEX refund_open_due;
	CREATE INDEX refund_open_due ON refund(window_end, id) WHERE status IN (1,2,7);
	DROP TRIGGER settings_no_delete; DELETE FROM settings; DELETE FROM seal WHERE tbl = 'settings';
	DROP TABLE settings; DROP TABLE bulk_job; DROP INDEX floating_month0;
	PRAGMA user_version = $(( $(sqlite3 "$DB" 'PRAGMA user_version') - 14 ));"
is "the copy is at the schema before" "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'settings'")" 0
bz cs1 $D shop list
okrc "an older database opens (migrated)"
is "the first run recorded this host's settings" "$(sqlite3 "$DB" "SELECT count(*) || ' ' || user FROM settings")" "1 cs1"
bz cs1 $D settings show
jis "and they agree" '[d["recorded"], d["agree"]]' '[true,true]'
CONF=$CONF_16
fi

echo "# who may accept: a supervisor of this host's config and of the database's settings"
DB=$T/16_settings.db
CONF=$T/16_promote.conf
sed 's/supervisor = \[ "demo"/supervisor = [ "cs1", "demo"/' "$T/16_role.conf" >"$CONF"
grep -q '"cs1", "demo"' "$CONF" || fail "16_promote.conf" "the sed did not add cs1"
refused "a supervisor only in this host's config may not accept (it would vote itself in)" 4 settings.supervisor \
	cs1 $D settings accept --reason 自己提拔自己
jis "the message names the user and says why" '"cs1 is a supervisor in this host'"'"'s config but not in the settings the database runs under" in d["error"]["message"]' true
bz sup2 $D settings accept --reason "cs1 升为主管"
okrc "a supervisor of both records it"
CONF=$T/16_role.conf
bz cs1 $D settings show
jis "back on a host without cs1 as supervisor: differ again" '[d["agree"], d["changes"]]' '[false,["role of cs1: supervisor+support → support"]]'
CONF=$T/16_promote.conf
bz cs1 $D settings show
jis "promote host agrees" 'd["agree"]' true
CONF=$CONF_16
