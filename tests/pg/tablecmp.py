#!/usr/bin/env python3
"""tablecmp.py SQLITE_FILE PG_URI [AUDIT_MAX] - every table of an SQLite
database against the same table in PostgreSQL, row for row (tests/pg/copy.sh).

The SQLite side is read with Python's sqlite3 module and printed in COPY's
text format here; the PostgreSQL side is psql's own COPY ... TO STDOUT: two
independent renderings of the same rows, sorted and compared.  SQLite's own
search tables (FTS5's, the bigrams) are not compared; the shop's rowid is
(PostgreSQL keeps it as a column); the PostgreSQL audit log is compared up
to AUDIT_MAX (the records after it are the copy's own), its meta without
the schema version (SQLite keeps that in PRAGMA user_version) and, with
AUDIT_MAX, without the audit log's head (audit_seq), which the copy's own
record moves.

Prints "same TABLE ROWS" or "DIFF TABLE ..." lines; exit 0 when every table
is the same and at least one was compared."""
import sqlite3
import subprocess
import sys


def field(v):
    if v is None:
        return "\\N"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    s = v if isinstance(v, str) else v.decode("utf-8", "replace")
    # as COPY ... TO writes text: the backslash and six control characters by name
    for c, e in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"),
                 ("\b", "\\b"), ("\f", "\\f"), ("\v", "\\v")):
        s = s.replace(c, e)
    return s


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    uri = sys.argv[2]
    amax = int(sys.argv[3]) if len(sys.argv) == 4 else None
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " AND name NOT LIKE 'shop_fts%' AND name <> 'shop_gram' ORDER BY name")]
    bad = 0
    for t in tables:
        cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (t,))]
        if t == "shop":
            cols = ["rowid"] + cols
        sel = ",".join('"%s"' % c for c in cols)
        a = sorted("\t".join(field(v) for v in row) for row in db.execute("SELECT %s FROM \"%s\"" % (sel, t)))
        where = ""
        if t == "audit" and amax is not None:
            where = " WHERE seq <= %d" % amax
        elif t == "meta":
            where = " WHERE key <> 'schema_version'"
            if amax is not None:  # moved by the copy's own record: copy.sh checks it
                where += " AND key <> 'audit_seq'"
                a = [x for x in a if not x.startswith("audit_seq\t")]
        out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c",
                              "COPY (SELECT %s FROM %s%s) TO STDOUT" % (sel, t, where)],
                             capture_output=True, text=True)
        if out.returncode:
            print("DIFF %s: psql: %s" % (t, out.stderr.strip()[:300]))
            bad += 1
            continue
        b = sorted(out.stdout.splitlines())
        if a == b:
            print("same %s %d" % (t, len(a)))
        else:
            only_a = [x for x in a if x not in set(b)][:2]
            only_b = [x for x in b if x not in set(a)][:2]
            print("DIFF %s: %d rows in SQLite, %d in PostgreSQL; only in SQLite %r; only in PostgreSQL %r"
                  % (t, len(a), len(b), only_a, only_b))
            bad += 1
    return 1 if bad or not tables else 0


if __name__ == "__main__":
    sys.exit(main())
