#!/bin/sh
# trust.sh BZJ [SETGID_BZJ] - the PostgreSQL deployment of docs/deploy.md
# ("On PostgreSQL"), against a throw-away server of its own (server.sh):
#   - the database login bzj uses (bzj_app, a member of the schema's `bzj`
#     role) is granted only what bzj needs: bzj runs on it (top-up, check),
#     but through psql it cannot UPDATE/DELETE/TRUNCATE the append-only
#     tables, disable a trigger or switch triggers off, and a balance it
#     changes is refused at commit (the seal) or, with the seal overwritten
#     too, reported by `bzj check` (check.balance, check.seal);
#   - an operator's own database role is refused every table;
#   - identity comes from bzj's side, not the database role: the audit
#     names the operator, never bzj_app;
#   - real errors through bzj itself: a wrong password -> exit 4
#     store.auth, the server down -> exit 6 store.unreachable, the host
#     named in both;
#   - with root, unshare and a release build (SETGID_BZJ): bzj installed
#     setgid to a throw-away group in a private mount namespace (as
#     tests/safety/cases/00_core.sh does for SQLite), /etc/bzj/bzj.conf
#     saying `database = "service=bzj"` and /etc/bzj/pg_service.conf
#     (root:bzj 0640) holding the credential: the operator (nobody) cannot
#     read the credential nor log in with psql, but bzj works for them,
#     audited as nobody; PGSERVICEFILE, PGHOST, PGUSER, PGOPTIONS and
#     --db from the operator change nothing.
# Prints ok/FAIL/skip lines and "N passed, M failed".
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
set -u
BIN=${1:?usage: trust.sh BZJ [SETGID_BZJ]}
SGBIN=${2:-}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
case $SGBIN in /* | '') ;; *) SGBIN=$PWD/$SGBIN ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CONF=$REPO/data/demo.conf
S_SH=$HERE/server.sh
W=$(mktemp -d "${TMPDIR:-/tmp}/bzj-pgtrust.XXXXXX") || exit 2
PGDIR=
trap 'if [ -n "$PGDIR" ]; then sh "$S_SH" stop "$PGDIR" >/dev/null 2>&1; fi; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}"
unset BZJ_DB BZJ_CONFIG BZJ_TODAY BZJ_USER PGSERVICEFILE PGPASSWORD
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1: $2"; }
is() { if [ "$2" = 0 ]; then ok "$1"; else fail "$1" "${3:-}"; fi; }
D=2026-11-23

eval "$(sh "$S_SH" start)" || { fail "start a server" "server.sh start failed"; echo "$PASS passed, $FAIL failed"; exit 1; }
PGDIR=$BZJ_PG_DIR
# the operator (nobody) must reach the socket: the server's own folder
# (made by server.sh for this test) lets others through, not list it
chmod 0711 "$PGDIR"
DB=bzj_trust
enc=$(printf '%s' "$PGDIR" | sed 's,/,%2F,g')
OWNER_URI="postgresql:///$DB?host=$enc&port=$PGPORT" # the schema's owner (the server's superuser here)
sql() { psql -X -At -q -v ON_ERROR_STOP=1 -d "$OWNER_URI" -c "$1"; }
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >/dev/null
# the administrator: schema and demo data by the owner; then the login bzj
# uses, a member of the role `bzj` the schema's grants name; an operator's
# own role; the password check for both
BZJ_USER=demo "$BIN" --config "$CONF" --db "$OWNER_URI" --today $D --json demo --shops 20 \
	>"$W/demo.out" 2>"$W/demo.err"
is "setup: the owner builds the schema and a demo (bzj demo on PostgreSQL)" $? "$(head -c 300 "$W/demo.err")"
# (no CREATE on the database for bzj: the least-privileged login of
# docs/deploy.md; PUBLIC's CREATE on the schema public taken away, as
# PostgreSQL 15 does by default, so the login can create nothing lasting)
sql "CREATE ROLE bzj_app LOGIN PASSWORD 'app-secret' IN ROLE bzj;
     CREATE ROLE operator1 LOGIN PASSWORD 'op-secret';
     REVOKE CREATE ON SCHEMA public FROM PUBLIC" >/dev/null 2>"$W/roles.err"
is "setup: roles bzj_app (in bzj) and operator1" $? "$(cat "$W/roles.err")"
hba=$PGDIR/data/pg_hba.conf
{ echo "local all bzj_app scram-sha-256"; echo "local all operator1 scram-sha-256"; cat "$hba"; } >"$W/hba" &&
	cat "$W/hba" >"$hba" && psql -X -q -d postgres -c "SELECT pg_reload_conf()" >/dev/null
P=$(sql "SELECT id FROM shop WHERE status = 1 ORDER BY id LIMIT 1")

# ---- the grants ------------------------------------------------------------
SVC=$W/svc
mkdir "$SVC"
svcfile() { # PASSWORD
	printf '[bzj]\nhost=%s\nport=%s\ndbname=%s\nuser=bzj_app\npassword=%s\n' \
		"$PGDIR" "$PGPORT" "$DB" "$1" >"$SVC/pg_service.conf"
}
svcfile app-secret
b() { # USER ARGS...: bzj on service=bzj, the file named by PGSERVICEFILE
	_u=$1
	shift
	PGSERVICEFILE=$SVC/pg_service.conf BZJ_USER=$_u "$BIN" --config "$CONF" --db service=bzj \
		--today $D --json "$@" >"$W/out" 2>"$W/err"
}
b fin1 topup "$P" 12.34 --ref trust-a
rc=$?
who=$(sql "SELECT a.\"user\" FROM audit a JOIN ledger l ON a.object = 'ledger:' || l.id WHERE l.ref = 'trust-a'")
is "bzj runs on the bzj_app login (service=bzj): a top-up exits 0" $rc "$(head -c 300 "$W/out" "$W/err")"
is "the audit names the operator (fin1), not the database role (bzj_app)" \
	"$([ "$who" = fin1 ]; echo $?)" "audit user '$who'"
b cs1 check
is "bzj check runs on the least-privileged login (exit 0; the expected schema is built as temporary objects in a rolled-back transaction)" \
	$? "$(head -c 400 "$W/out" "$W/err")"
cr=$(sql "SELECT has_database_privilege('bzj_app', '$DB', 'CREATE') || ' ' || has_schema_privilege('bzj_app', 'public', 'CREATE')")
is "  ... a login with no CREATE on the database nor on its schema ($cr)" "$([ "$cr" = "false false" ]; echo $?)" "$cr"

as_app() { PGPASSWORD=app-secret psql -X -q -v ON_ERROR_STOP=1 -U bzj_app -d "$OWNER_URI" "$@" >"$W/psql.out" 2>&1; }
refused() { # NAME PATTERN SQL...
	_n=$1 _p=$2
	shift 2
	as_app "$@"
	_rc=$?
	is "$_n" "$([ $_rc != 0 ] && grep -q "$_p" "$W/psql.out"; echo $?)" "psql exit $_rc: $(head -c 300 "$W/psql.out")"
}
bal0=$(sql "SELECT balance_fen FROM shop WHERE id = '$P'")
n0=$(sql "SELECT count(*) || ' ' || sum(amount_fen) FROM ledger")
refused "bzj's own login through psql: UPDATE ledger is refused (permission denied)" \
	"permission denied for table ledger" -c "UPDATE ledger SET amount_fen = amount_fen + 100 WHERE ref = 'trust-a'"
refused "bzj's own login: DELETE FROM audit is refused (permission denied)" \
	"permission denied for table audit" -c "DELETE FROM audit"
refused "bzj's own login: TRUNCATE ledger is refused (permission denied)" \
	"permission denied for table ledger" -c "TRUNCATE ledger"
refused "bzj's own login: disabling shop's triggers is refused (must be owner)" \
	"must be owner" -c "ALTER TABLE shop DISABLE TRIGGER USER"
refused "bzj's own login: session_replication_role = replica (triggers off) is refused" \
	"permission denied" -c "SET session_replication_role = replica"
refused "bzj's own login: UPDATE shop SET balance_fen is refused at commit (the row's seal is not computed)" \
	"seal" -c "UPDATE shop SET balance_fen = balance_fen + 100000 WHERE id = '$P'"
[ "$(sql "SELECT balance_fen FROM shop WHERE id = '$P'")" = "$bal0" ] &&
	[ "$(sql "SELECT count(*) || ' ' || sum(amount_fen) FROM ledger")" = "$n0" ]
is "nothing changed: the balance and the ledger as before" $?
b cs1 check
is "bzj check is still clean after the refused attempts" $? "$(head -c 300 "$W/out")"

# the schema changed by its owner (a guard neutralised, an index dropped):
# the least-privileged login's check still reports both, then both are
# put back and check is clean again
guard=$(sql "SELECT pg_get_functiondef('bzj_refuse()'::regprocedure)")
sql "CREATE OR REPLACE FUNCTION bzj_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN OLD; END \$\$;
     DROP INDEX ledger_shop" >/dev/null 2>"$W/tamper.err"
is "setup: the owner replaces bzj_refuse() and drops the index ledger_shop" $? "$(head -c 300 "$W/tamper.err")"
b cs1 check
rc=$?
msgs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" | ".join(p["code"] + ": " + p["message"][:60] for p in d["problems"]))' "$W/out" 2>/dev/null)
is "bzj check as the least-privileged login reports the tampered schema: exit 1, check.schema for bzj_refuse() and ledger_shop" \
	"$([ $rc = 1 ] && case "$msgs" in *"check.schema: function bzj_refuse() is not what bzj creates"*) true ;; *) false ;; esac &&
		case "$msgs" in *"check.schema: index ledger_shop is missing"*) true ;; *) false ;; esac; echo $?)" \
	"exit $rc: $msgs $(head -c 300 "$W/err")"
printf '%s;\nCREATE INDEX ledger_shop ON ledger(shop_id, id);\n' "$guard" |
	psql -X -q -v ON_ERROR_STOP=1 -d "$OWNER_URI" >/dev/null 2>"$W/tamper.err"
b cs1 check
is "the schema put back: bzj check is clean again" $? "$(head -c 300 "$W/out") $(head -c 300 "$W/tamper.err")"

# an operator's own role: no table at all
PGPASSWORD=op-secret psql -X -q -U operator1 -d "$OWNER_URI" \
	-c "UPDATE shop SET balance_fen = balance_fen + 100000 WHERE id = '$P'" >"$W/op.out" 2>&1
rc=$?
is "an operator's own role (operator1): UPDATE shop is refused (permission denied)" \
	"$([ $rc != 0 ] && grep -q "permission denied for table shop" "$W/op.out"; echo $?)" "$(head -c 300 "$W/op.out")"
PGPASSWORD=op-secret psql -X -q -U operator1 -d "$OWNER_URI" -c "SELECT count(*) FROM ledger" >"$W/op.out" 2>&1
is "an operator's own role: SELECT ledger is refused too" \
	"$([ $? != 0 ] && grep -q "permission denied" "$W/op.out"; echo $?)" "$(head -c 300 "$W/op.out")"

# whoever holds bzj's credential and overwrites the seal as well commits,
# but bzj check reports it
as_app -c "BEGIN" -c "UPDATE shop SET balance_fen = balance_fen + 100000 WHERE id = '$P'" \
	-c "UPDATE seal SET mac = 'forged' WHERE mac IS NULL" -c "COMMIT"
is "bzj's own login, balance and seal changed in one transaction: committed (grants allow both rows)" $? "$(head -c 300 "$W/psql.out")"
b cs1 check
rc=$?
codes=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(set(p["code"] for p in d["problems"]))))' "$W/out" 2>/dev/null)
is "bzj check reports it: exit 1, check.balance and check.seal ($codes)" \
	"$([ $rc = 1 ] && case " $codes " in *" check.balance "*) true ;; *) false ;; esac &&
		case " $codes " in *" check.seal "*) true ;; *) false ;; esac; echo $?)" \
	"exit $rc, codes '$codes'"
sql "ALTER TABLE shop DISABLE TRIGGER USER; UPDATE shop SET balance_fen = balance_fen - 100000 WHERE id = '$P';
     ALTER TABLE shop ENABLE TRIGGER USER" >/dev/null
# (the owner put the balance back; the forged seal stays reported: that is the point)

# ---- real errors, through bzj ----------------------------------------------
svcfile wrong-secret
b fin1 shop show "$P"
rc=$?
is "a wrong password in the credential: exit 4 store.auth naming the host" \
	"$([ $rc = 4 ] && grep -q '"store.auth"' "$W/out" && grep -q "$PGDIR:$PGPORT" "$W/out"; echo $?)" \
	"exit $rc: $(head -c 400 "$W/out")"
grep -q wrong-secret "$W/out" "$W/err"
is "the refusal does not print the password" "$([ $? != 0 ]; echo $?)"
svcfile app-secret

# ---- setgid install ------------------------------------------------------------
if [ -z "$SGBIN" ] || [ ! -x "$SGBIN" ]; then
	echo "skip - setgid install on PostgreSQL: no release build given (trust.sh BZJ build/bzj)"
elif grep -q -a AddressSanitizer "$SGBIN"; then
	echo "skip - setgid install on PostgreSQL: $SGBIN is sanitized (a setgid process cannot run it)"
elif [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
	echo "skip - setgid install on PostgreSQL: needs root, setpriv and unshare"
else
	S=$W/setgid
	mkdir -p "$S/bin"
	chmod 0755 "$W" "$S"
	cp -a /etc "$S/etc"
	echo 'bzj:x:64999:' >>"$S/etc/group"
	mkdir -p "$S/etc/bzj"
	cat >"$S/etc/bzj/bzj.conf" <<EOF_PGTRUST_CONF
database = "service=bzj";
identity = "os";
roles = { supervisor = [ "nobody", "root" ]; reviewer = [ ]; finance = [ ]; support = [ ]; };
EOF_PGTRUST_CONF
	chmod 0644 "$S/etc/bzj/bzj.conf"
	cp "$SVC/pg_service.conf" "$S/etc/bzj/pg_service.conf"
	chgrp 64999 "$S/etc/bzj/pg_service.conf"
	chmod 0640 "$S/etc/bzj/pg_service.conf"
	install -g 64999 -m 2755 "$SGBIN" "$S/bin/bzj"
	# root records this install's settings (roles) in the database first
	PGSERVICEFILE=$SVC/pg_service.conf "$BIN" --config "$S/etc/bzj/bzj.conf" --db service=bzj --json \
		settings accept --reason "setgid install on PostgreSQL" >"$W/out" 2>"$W/err"
	is "setgid: root records the install's settings" $? "$(head -c 300 "$W/out" "$W/err")"
	# an operator's own service file, pointing bzj at their own role
	printf '[bzj]\nhost=%s\nport=%s\ndbname=%s\nuser=operator1\npassword=op-secret\n' \
		"$PGDIR" "$PGPORT" "$DB" >"$S/evil_service.conf"
	chmod 0644 "$S/evil_service.conf"
	cat >"$S/inner.sh" <<'EOF_PGTRUST_INNER'
S=$1 P=$2 PGDIR=$3 PGPORT=$4 DB=$5
mount --bind "$S/etc" /etc || exit 99
op() { setpriv --reuid=65534 --regid=65534 --clear-groups env "$@"; }
res() { echo "$1 $2"; }
op cat /etc/bzj/pg_service.conf >"$S/o1" 2>&1; res read_cred $?
op PGSERVICEFILE=/etc/bzj/pg_service.conf psql -X -d service=bzj -c "SELECT 1" >"$S/o2" 2>&1; res psql_service $?
op psql -X -h "$PGDIR" -p "$PGPORT" -U bzj_app -d "$DB" -w -c "SELECT 1" >"$S/o3" 2>&1; res psql_app $?
op "$S/bin/bzj" --json topup "$P" 7 --ref trust-sg-1 >"$S/o4" 2>&1; res topup $?
op PGSERVICEFILE="$S/evil_service.conf" PGHOST=/nonexistent PGUSER=operator1 PGOPTIONS="-c search_path=nowhere" \
	"$S/bin/bzj" --db "postgresql:///postgres?host=/nonexistent" --json topup "$P" 8 --ref trust-sg-2 >"$S/o5" 2>&1; res env $?
op "$S/bin/bzj" --json shop show "$P" >"$S/o6" 2>&1; res show $?
chmod 0644 /etc/bzj/pg_service.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o8" 2>&1; res world_readable $?
chmod 0640 /etc/bzj/pg_service.conf
chmod 0660 /etc/bzj/pg_service.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o9" 2>&1; res group_writable $?
chmod 0640 /etc/bzj/pg_service.conf
chown 65534 /etc/bzj/pg_service.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o10" 2>&1; res not_root $?
chown 0 /etc/bzj/pg_service.conf
chgrp 0 /etc/bzj/pg_service.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o11" 2>&1; res other_group $?
chgrp 64999 /etc/bzj/pg_service.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o12" 2>&1; res restored $?
sed -i 's/^password=.*/password=not-the-secret/' /etc/bzj/pg_service.conf
op "$S/bin/bzj" --json shop show "$P" >"$S/o7" 2>&1; res auth $?
EOF_PGTRUST_INNER
	unshare -m --propagation private bash "$S/inner.sh" "$S" "$P" "$PGDIR" "$PGPORT" "$DB" >"$S/results" 2>&1
	rr() { sed -n "s/^$1 //p" "$S/results"; }
	[ -n "$(rr read_cred)" ] || fail "setgid: the namespace run" "$(head -c 400 "$S/results")"
	is "setgid: the operator cannot read /etc/bzj/pg_service.conf (root:bzj 0640)" \
		"$([ "$(rr read_cred)" != 0 ]; echo $?)" "cat exit $(rr read_cred)"
	is "setgid: the operator's psql with service=bzj gets no login" \
		"$([ "$(rr psql_service)" != 0 ]; echo $?)" "psql exit $(rr psql_service): $(head -c 200 "$S/o2")"
	is "setgid: the operator's psql as bzj_app without the password gets no login" \
		"$([ "$(rr psql_app)" != 0 ]; echo $?)" "psql exit $(rr psql_app): $(head -c 200 "$S/o3")"
	who=$(sql "SELECT string_agg(a.\"user\" || '/' || l.ref, ' ' ORDER BY l.ref) FROM audit a JOIN ledger l ON a.object = 'ledger:' || l.id WHERE l.ref LIKE 'trust-sg-%'")
	is "setgid: the installed bzj works for the operator (top-up exit 0), audited as the OS account nobody" \
		"$([ "$(rr topup)" = 0 ]; echo $?)$(case "$who" in *nobody/trust-sg-1*) ;; *) echo x ;; esac)" \
		"exit $(rr topup): $(head -c 300 "$S/o4"); audit: $who"
	is "setgid: PGSERVICEFILE, PGHOST, PGUSER, PGOPTIONS and --db from the operator change nothing (lands in the configured database, by nobody)" \
		"$([ "$(rr env)" = 0 ]; echo $?)$(case "$who" in *nobody/trust-sg-2*) ;; *) echo x ;; esac)" \
		"exit $(rr env): $(head -c 300 "$S/o5"); audit: $who"
	is "setgid: shop show exits 0" "$([ "$(rr show)" = 0 ]; echo $?)" "$(head -c 300 "$S/o6")"
	for m in world_readable:o8:"others may read it (0644)" group_writable:o9:"its group may write it (0660)" \
		not_root:o10:"it is owned by another user than root" other_group:o11:"its group is not bzj's"; do
		k=${m%%:*} f=${m#*:}
		f=${f%%:*}
		is "setgid: /etc/bzj/pg_service.conf refused when ${m#*:*:}: exit 4 config.unsafe_mode with the fix" \
			"$([ "$(rr "$k")" = 4 ] && grep -q config.unsafe_mode "$S/$f" && grep -q "chmod 0640" "$S/$f"; echo $?)" \
			"exit $(rr "$k"): $(head -c 300 "$S/$f")"
	done
	is "setgid: root:bzj 0640 again: bzj works" "$([ "$(rr restored)" = 0 ]; echo $?)" "$(head -c 300 "$S/o12")"
	is "setgid: a wrong password in /etc/bzj/pg_service.conf: exit 4 store.auth, the host named" \
		"$([ "$(rr auth)" = 4 ] && grep -q store.auth "$S/o7" && grep -q "$PGDIR" "$S/o7"; echo $?)" \
		"exit $(rr auth): $(head -c 300 "$S/o7")"
fi

# ---- the server down ---------------------------------------------------------
sh "$S_SH" stop "$PGDIR"
PGDIR_WAS=$PGDIR
PGDIR=
b fin1 shop show "$P"
rc=$?
is "the server down: exit 6 store.unreachable naming the host" \
	"$([ $rc = 6 ] && grep -q '"store.unreachable"' "$W/out" && grep -q "$PGDIR_WAS:$PGPORT" "$W/out"; echo $?)" \
	"exit $rc: $(head -c 400 "$W/out")"
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
