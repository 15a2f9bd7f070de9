# 19_startup_libs.sh - the SQLite store never pays for PostgreSQL: libpq
# and the libraries it pulls in (TLS, Kerberos, LDAP) add about 4 ms to
# every start, so bzj is not linked with them; the PostgreSQL driver loads
# libpq.so.5 when a PostgreSQL location is opened (core/store_pg_lib.h).
is "bzj is not linked with libpq" "$(ldd "$BIN" | grep -c -e libpq -e libssl -e libgssapi -e libldap)" 0
D=2026-01-05
DB=$T/19_libs.db
bz demo $D init
bz demo $D shop list
okrc "a SQLite database opens without libpq"
