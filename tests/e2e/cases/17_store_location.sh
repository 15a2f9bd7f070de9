# 17_store_location.sh - --db, BZJ_DB and `database` in the config accept a
# PostgreSQL URI or a libpq service name (shared/CONTRACT.md); bzj opens
# them with its PostgreSQL driver (issue 16; tests/pg/e2e.sh runs the
# commands against a real server).  Here no server answers: exit 6,
# store.unreachable naming the server, the password masked, and no file
# made for any of them.  Another scheme is refused: exit 6, store.backend.
D=2026-01-05
DB_17=$T/17_location.db
DB=$DB_17
bz demo $D init
okrc "a file path is SQLite, as before"
for loc in "postgresql://bzj@db.example:5432/bzj" "postgres://db.example/bzj" "POSTGRESQL://h/x" \
	"service=bzj" "host=/run/postgresql dbname=bzj" "dbname = bzj"; do
	DB=$loc
	_pwd=$(pwd)
	cd "$T" && bz demo $D shop list
	cd "$_pwd" || exit 2
	erc "--db $loc: no server answers, exit 6" 6 store.unreachable
	jis "--db $loc: names the PostgreSQL server" \
		'd["error"]["message"].startswith("cannot reach the PostgreSQL server ")' true
done
is "no file was made for any of them" "$(ls "$T" | grep -c -e '^postgres' -e '^service=' -e '^host=' -e '^dbname')" 0
DB="postgresql://bzj:s3cr3t-pw@db.example/bzj"
bz demo $D shop list
erc "a URI with a password: unreachable" 6 store.unreachable
jis "the password is masked in the message" \
	'"s3cr3t-pw" not in d["error"]["message"] and "postgresql://bzj:***@db.example/bzj" in d["error"]["message"]' true
grepo "and on stderr" "$T/err" "bzj:***@db.example"
if grep -q s3cr3t-pw "$T/err"; then fail "the password never reaches stderr" "$(cat "$T/err")"; else ok "the password never reaches stderr"; fi
DB="host=db user=bzj password=s3cr3t-pw dbname=bzj"
bz demo $D shop list
jis "a conninfo password is masked" '"s3cr3t-pw" not in d["error"]["message"] and "password=***" in d["error"]["message"]' true
DB="mysql://db.example/bzj"
bz demo $D shop list
erc "another scheme: refused" 6 store.backend
jis "another scheme: says SQLite or PostgreSQL, names --db" \
	'"SQLite or PostgreSQL" in d["error"]["message"] and d["error"]["message"].startswith("--db names a database bzj cannot open")' true
# BZJ_DB and the config's `database` (no --db)
BZJ_DB="service=bzj" BZJ_USER=demo "$BIN" --config "$CONF" --today $D --json shop list >"$T/out" 2>"$T/err"
RC=$?
erc "BZJ_DB=service=bzj: taken, no such service" 6 store.unreachable
jis "names the service" '"service=bzj" in d["error"]["message"]' true
{ cat "$CONF"; echo 'database = "postgresql://db.example/bzj";'; } >"$T/17.conf"
BZJ_USER=demo "$BIN" --config "$T/17.conf" --today $D --json shop list >"$T/out" 2>"$T/err"
RC=$?
erc "database = postgresql://… in the config: taken, unreachable" 6 store.unreachable
jis "names the server" '"db.example" in d["error"]["message"]' true
{ cat "$CONF"; echo 'database = "mysql://db.example/bzj";'; } >"$T/17b.conf"
BZJ_USER=demo "$BIN" --config "$T/17b.conf" --today $D --json shop list >"$T/out" 2>"$T/err"
RC=$?
erc "database = mysql://… in the config: refused" 6 store.backend
jis "names the config file's key" "d['error']['message'].startswith('\`database\` in $T/17b.conf names a database bzj cannot open')" true
BZJ_USER=demo "$BIN" --config "$T/17.conf" --db "$(dburi "$DB_17")" --today $D --json shop list >"$T/out" 2>"$T/err"
RC=$?
erc "--db PATH still wins over the config's database" 0
DB=$DB_17
# `bzj copy --to` (tests/pg/copy.sh copies onto a real server): its
# refusals, before anything is opened or made
bz sup1 $D copy
erc "copy without --to: exit 2 input.to" 2 input.to
bz sup1 $D copy --to "$T/17_other.db"
erc "copy --to a file: exit 2 copy.kind (it goes into PostgreSQL)" 2 copy.kind
is "copy --to a file: no file made" "$(test -e "$T/17_other.db" && echo made)" ""
case $(dburi "$DB_17") in
postgres*)
	bz sup1 $D copy --to "postgresql://bzj:s3cr3t-pw@db.example/bzj"
	erc "copy from a PostgreSQL database: exit 2 copy.kind (it copies an SQLite file)" 2 copy.kind
	;;
*)
	bz sup1 $D copy --to "postgresql://bzj:s3cr3t-pw@db.example/bzj"
	erc "copy --to a server that does not answer: exit 6 store.unreachable" 6 store.unreachable
	jis "  the password masked" '"s3cr3t-pw" not in d["error"]["message"]' true
	bz sup1 $D copy --to "mysql://db.example/bzj"
	erc "copy --to another scheme: exit 6 store.backend naming --to" 6 store.backend
	jis "  names --to" 'd["error"]["message"].startswith("--to names a database bzj cannot open")' true
	;;
esac
