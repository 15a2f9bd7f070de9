"""report_sql.py DB MONTH JSON - every figure of `bzj report month MONTH
--json` (the file JSON) against the same figures computed independently
here, straight from the tables with plain SQL (one statement per figure,
no shared query with bzj).  Prints "ok" or each figure that differs.
With E2E_PG_DB set (tests/e2e/run.sh E2E_BACKEND=pg) the same statements
run on that PostgreSQL database through psql (PGHOST etc. from the
environment), their ? filled in with literals."""
import datetime
import json
import os
import sqlite3
import subprocess
import sys

db, month, out = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
y, m = map(int, month.split("-"))
ep = datetime.date(1970, 1, 1).toordinal()
frm = datetime.date(y, m, 1).toordinal() - ep
to = datetime.date(y + (m == 12), m % 12 + 1, 1).toordinal() - ep - 1
PG = os.environ.get("E2E_PG_DB")
bad = []


def lit(v):
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def rows(sql, a=()):
    if not PG:
        return c.execute(sql, a).fetchall()
    parts = sql.split("?")
    assert len(parts) == len(a) + 1, sql
    text = parts[0] + "".join(lit(v) + p for v, p in zip(a, parts[1:]))
    res = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", PG,
                          "-c", text], capture_output=True, text=True, check=True)
    out = []
    for line in res.stdout.split("\n")[:-1]:
        v = line.split("|")[0]
        out.append((int(v) if v.lstrip("-").isdigit() else (None if v == "" else v),))
    return out


c = None if PG else sqlite3.connect("file:" + db + "?mode=ro", uri=True)


def q(sql, *a):
    return rows(sql, a)[0][0] or 0


def same(name, want, got):
    if want != got:
        bad.append("%s: sql %r, bzj %r" % (name, want, got))


KINDS = {"topups_fen": (1, 1), "deductions_fen": (2, -1), "fees_fen": (3, -1),
         "refunds_paid_fen": (4, -1), "corrections_fen": (5, 1)}
MAIN = ("(SELECT category FROM shop_category k WHERE k.shop_id = l.shop_id"
        " AND NOT EXISTS (SELECT 1 FROM shop_category o WHERE o.shop_id = k.shop_id"
        " AND (o.added < k.added OR (o.added = k.added AND o.category < k.category))))")


def figures(where, args, line, name, shops=True):
    if shops:
        same(name + ".shops", q("SELECT count(DISTINCT shop_id) FROM ledger l JOIN shop s"
                                " ON s.id = l.shop_id WHERE day <= ? AND " + where, to, *args),
             line["shops"])
    same(name + ".opening_fen", q("SELECT sum(amount_fen) FROM ledger l JOIN shop s ON"
                                  " s.id = l.shop_id WHERE day < ? AND " + where, frm, *args),
         line["opening_fen"])
    close = q("SELECT sum(amount_fen) FROM ledger l JOIN shop s ON s.id = l.shop_id"
              " WHERE day <= ? AND " + where, to, *args)
    same(name + ".closing_fen", close, line["closing_fen"])
    for k, (kind, sign) in KINDS.items():
        same(name + "." + k, sign * q("SELECT sum(amount_fen) FROM ledger l JOIN shop s ON"
                                      " s.id = l.shop_id WHERE day BETWEEN ? AND ? AND kind = ?"
                                      " AND " + where, frm, to, kind, *args), line[k])


figures("1 = 1", (), out, "total")
same("ledger_closing_fen", q("SELECT sum(amount_fen) FROM ledger WHERE day <= ?", to),
     out["ledger_closing_fen"])
same("balances_fen", q("SELECT sum(balance_fen) FROM shop"), out["balances_fen"])
same("frozen_fen", q("SELECT sum(frozen_fen) FROM shop"), out["frozen_fen"])
same("owed_fen", q("SELECT sum(owed_fen) FROM shop"), out["owed_fen"])
same("later_entries", bool(q("SELECT count(*) FROM ledger WHERE day > ?", to)),
     out["later_entries"])
for e in out["by_entity"]:
    figures("s.entity = ?", (1 if e["key"] == "individual" else 2,), e, "entity " + e["key"])
cats = [r[0] if r[0] is not None else "" for r in rows("SELECT DISTINCT COALESCE(" + MAIN + ", '') FROM ledger l"
                                " WHERE day <= ? ORDER BY 1", (to,))]
same("categories", cats, sorted(x["key"] for x in out["by_category"]))
for x in out["by_category"]:
    figures("COALESCE(" + MAIN + ", '') = ?", (x["key"],), x, "category " + x["key"])
p = out["providers"]
same("providers.providers", q("SELECT count(DISTINCT provider_id) FROM provider_ledger"
                              " WHERE day <= ?", to), p["providers"])
same("providers.opening_fen", q("SELECT sum(amount_fen) FROM provider_ledger WHERE day < ?",
                                frm), p["opening_fen"])
same("providers.closing_fen", q("SELECT sum(amount_fen) FROM provider_ledger WHERE day <= ?",
                                to), p["closing_fen"])
for k, (kind, sign) in KINDS.items():
    same("providers." + k, sign * q("SELECT sum(amount_fen) FROM provider_ledger WHERE day"
                                    " BETWEEN ? AND ? AND kind = ?", frm, to, kind), p[k])
print("ok" if not bad else "\n".join(bad))
