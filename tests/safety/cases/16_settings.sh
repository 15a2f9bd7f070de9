# ==== forging the settings a database runs under (issue 16) ==========================
# Roles and limits live in each host's root-owned config; the database
# records the agreed ones (table `settings`, sealed like money rows).  Could
# an operator make the database adopt a config that makes them more
# powerful?  Through bzj only a supervisor records settings (and the config
# that names supervisors is root's); so the attacks left are a writer of the
# file (sqlite3): insert a record matching a rogue config, or edit the
# recorded values.  Each must leave writes refused and `bzj check` naming it.
SD=$T/settings
mkdir -p "$SD"
cp "$DEMO_CONF" "$SD/bzj.conf"
chmod 0644 "$SD/bzj.conf"
KS=$SD/bzj.db
sx() { x --conf "${SCONF:-$SD/bzj.conf}" --db "${SDB:-$KS}" "$@"; }
sx init
sx --user rev1 shop add ST1 --name 设置安全店 --entity company --entity-name 设置安全有限公司 --category 服饰内衣 --opened 2026-10-01
is "settings: a database recorded under the demo config" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
# the rogue config: cs1 (support) made a supervisor, the limits raised
sed -e 's/supervisor = \[ "demo"/supervisor = [ "cs1", "demo"/' -e 's/monthly_limit = 3/monthly_limit = 99/' \
	"$DEMO_CONF" >"$SD/rogue.conf"
chmod 0644 "$SD/rogue.conf"
grep -q '"cs1", "demo"' "$SD/rogue.conf" || bad "settings: the rogue config was not made (demo.conf changed?)"
h0=$(dump_hash "$KS")
SCONF=$SD/rogue.conf sx --user cs1 settings accept --reason mine
expect "settings: a host's config cannot vote itself in: its own 'supervisor' may not accept it (settings.supervisor, exit 4)" \
	4 settings.supervisor "*cs1 is a supervisor in this host's config but not in the settings the database runs under*" "$h0" "$KS"

# 1. a record matching the rogue config, inserted with the sqlite3 shell:
#    bzj_seal() exists only inside bzj, so the shell cannot even insert it
#    while the seal trigger stands.  On PostgreSQL (psql) the seal trigger
#    leaves the row's seal pending and seal_mac_at_commit refuses the
#    commit: only bzj, which holds the key, computes a seal.
out=$(sq "$KS" "INSERT INTO settings(fingerprint, doc, day, user) VALUES (printf('%064d', 1), 'x', 1, 'cs1')" \
	"INSERT INTO settings(fingerprint, doc, day, \"user\") VALUES (lpad('1', 64, '0'), 'x', 1, 'cs1')")
want='*bzj_seal*'
pg && want='*seal*was not computed*'
is "settings forge 1: the shell cannot insert a record (no bzj_seal outside bzj)" \
	"$(case "$out" in $want) echo 0 ;; *) echo 1 ;; esac)" "$out"
# 2. the trigger dropped, a record with the rogue values and their true
#    SHA-256 inserted, the trigger put back with its own text.
F=$SD/forged.db
# the rogue values in the newest record's text (tab-separated lines)
ROGUE_DOC="replace(replace(doc, E'role:cs1\\tsupport', E'role:cs1\\tsupervisor+support'),
 E'refund.monthly_limit\\t3', E'refund.monthly_limit\\t99')"
if pg; then
	dbcp "$KS" "$F"
	pgtamper "$F" "INSERT INTO settings(fingerprint, doc, day, \"user\")
	 SELECT encode(sha256(convert_to(d, 'UTF8')), 'hex'), d, 20000, 'demo'
	 FROM (SELECT $ROGUE_DOC AS d FROM settings ORDER BY seq DESC LIMIT 1) q" >/dev/null
else
cp "$KS" "$F"
python3 - "$F" "$SD/rogue.conf" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
doc = db.execute("SELECT doc FROM settings ORDER BY seq DESC LIMIT 1").fetchone()[0]
doc = doc.replace("role:cs1\tsupport", "role:cs1\tsupervisor+support").replace(
    "refund.monthly_limit\t3", "refund.monthly_limit\t99")
trig = db.execute("SELECT sql FROM sqlite_master WHERE name = 'seal_settings_ai'").fetchone()[0]
db.execute("DROP TRIGGER seal_settings_ai")
db.execute("INSERT INTO settings(fingerprint, doc, day, user) VALUES (?, ?, 20000, 'demo')",
           (hashlib.sha256(doc.encode()).hexdigest(), doc))
db.execute(trig)
db.commit()
PY
fi
SDB=$F SCONF=$SD/rogue.conf sx --user cs1 settings show
is "settings forge 2: the forged record matches the rogue config's fingerprint" \
	"$(grep -q '"agree":true' "$T/out" && grep -q '"sealed":false' "$T/out"; echo $?)" "$OUT"
h0=$(dump_hash "$F")
SDB=$F SCONF=$SD/rogue.conf sx --user fin1 topup ST1 1
expect "settings forge 2: writes under the rogue config are refused all the same (settings.tampered, exit 4)" \
	4 settings.tampered "*does not carry bzj's seal*" "$h0" "$F"
SDB=$F SCONF=$SD/rogue.conf sx --user cs1 settings accept --reason launder
expect "settings forge 2: the rogue 'supervisor' cannot launder it with accept: authority comes from the last sealed record (settings.supervisor)" \
	4 settings.supervisor "*cs1*" "$h0" "$F"
SDB=$F sx --user demo check
# (its number: 2 on SQLite; on PostgreSQL the insert refused above used
# up a value of the identity sequence)
fseq=$(sq "$F" "SELECT max(seq) FROM settings")
is "settings forge 2: check names the unsealed settings record $fseq (check.seal)" \
	"$([ "$RC" = 1 ] && grep -q '"check.seal"' "$T/out" && grep -q "settings record $fseq:" "$T/out"; echo $?)" "exit $RC: ${OUT:0:300}"
# 3. the recorded values edited in place (the append-only trigger dropped
#    and put back): the seal no longer matches.
E=$SD/edited.db
if pg; then
	dbcp "$KS" "$E"
	pgtamper "$E" "UPDATE settings SET doc = $ROGUE_DOC WHERE seq = (SELECT max(seq) FROM settings);
	 UPDATE settings SET fingerprint = encode(sha256(convert_to(doc, 'UTF8')), 'hex')
	 WHERE seq = (SELECT max(seq) FROM settings)" >/dev/null
else
cp "$KS" "$E"
python3 - "$E" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
doc = db.execute("SELECT doc FROM settings ORDER BY seq DESC LIMIT 1").fetchone()[0]
doc = doc.replace("role:cs1\tsupport", "role:cs1\tsupervisor+support").replace(
    "refund.monthly_limit\t3", "refund.monthly_limit\t99")
trig = db.execute("SELECT sql FROM sqlite_master WHERE name = 'settings_no_update'").fetchone()[0]
db.execute("DROP TRIGGER settings_no_update")
db.execute("UPDATE settings SET doc = ?, fingerprint = ? WHERE seq = (SELECT max(seq) FROM settings)",
           (doc, hashlib.sha256(doc.encode()).hexdigest()))
db.execute(trig)
db.commit()
PY
fi
h0=$(dump_hash "$E")
SDB=$E SCONF=$SD/rogue.conf sx --user fin1 topup ST1 1
expect "settings forge 3: an edited record refuses writes (settings.tampered)" \
	4 settings.tampered "*seal*" "$h0" "$E"
SDB=$E sx --user demo check
is "settings forge 3: check names it (check.seal: the seal does not match)" \
	"$([ "$RC" = 1 ] && grep -q '"check.seal"' "$T/out"; echo $?)" "exit $RC: ${OUT:0:300}"
# 4. the honest host on the forged copy: refused (tampered) until a real
#    supervisor of the root-owned config records the settings again.
SDB=$F sx --user demo settings accept --reason "re-recorded after the forged record was found"
is "settings forge 4: a supervisor of the real config records them again" \
	"$([ "$RC" = 0 ] && grep -q '"changed":true' "$T/out"; echo $?)" "exit $RC: $OUT $ERR"
SDB=$F sx --user fin1 topup ST1 10
is "settings forge 4: the honest host writes again" "$([ "$RC" = 0 ]; echo $?)" "exit $RC: $ERR"
h0=$(dump_hash "$F")
SDB=$F SCONF=$SD/rogue.conf sx --user fin1 topup ST1 2
expect "settings forge 4: the rogue host stays refused (mismatch)" 4 settings.mismatch "*cs1*" "$h0" "$F"
