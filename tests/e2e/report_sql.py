"""report_sql.py DB MONTH JSON - every figure of `bzj report month MONTH
--json` (the file JSON) against the same figures computed independently
here, straight from the tables with plain SQL (one statement per figure,
no shared query with bzj).  Prints "ok" or each figure that differs."""
import datetime
import json
import sqlite3
import sys

db, month, out = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
y, m = map(int, month.split("-"))
ep = datetime.date(1970, 1, 1).toordinal()
frm = datetime.date(y, m, 1).toordinal() - ep
to = datetime.date(y + (m == 12), m % 12 + 1, 1).toordinal() - ep - 1
c = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
bad = []


def q(sql, *a):
    return c.execute(sql, a).fetchone()[0] or 0


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


figures("1", (), out, "total")
same("ledger_closing_fen", q("SELECT sum(amount_fen) FROM ledger WHERE day <= ?", to),
     out["ledger_closing_fen"])
same("balances_fen", q("SELECT sum(balance_fen) FROM shop"), out["balances_fen"])
same("frozen_fen", q("SELECT sum(frozen_fen) FROM shop"), out["frozen_fen"])
same("owed_fen", q("SELECT sum(owed_fen) FROM shop"), out["owed_fen"])
same("later_entries", bool(q("SELECT count(*) FROM ledger WHERE day > ?", to)),
     out["later_entries"])
for e in out["by_entity"]:
    figures("s.entity = ?", (1 if e["key"] == "individual" else 2,), e, "entity " + e["key"])
cats = [r[0] for r in c.execute("SELECT DISTINCT COALESCE(" + MAIN + ", '') FROM ledger l"
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
