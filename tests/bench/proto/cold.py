#!/usr/bin/env python3
"""cold.py DB - first-use (cold SQLite cache) cost of the search set path
with bigram postings keyed by rowid (now) and by shop id (proposed).
Needs a table shop_gram_i(gram, shop_id) built as in the comment below.

  CREATE TABLE shop_gram_i(gram TEXT NOT NULL, shop_id TEXT NOT NULL,
   PRIMARY KEY(gram, shop_id)) WITHOUT ROWID;
  INSERT OR IGNORE INTO shop_gram_i WITH RECURSIVE
   src(str, k) AS (SELECT lower(name), id FROM shop
                   UNION ALL SELECT lower(operator_name), id FROM shop),
   g(str, k, i) AS (SELECT str, k, 1 FROM src WHERE length(str) > 0
                    UNION ALL SELECT str, k, i + 1 FROM g WHERE i < length(str))
   SELECT substr(str, i, 2), k FROM g ORDER BY 1, 2;
"""
import sqlite3, time, statistics, sys
db=sys.argv[1]
COLS="id, name, operator_name, entity, status, required_fen, balance_fen, frozen_fen, restricted, terminate, refund_open, open_violations"
Q={
 "王伟 now (rowid grams, set)": "SELECT "+COLS+" FROM shop WHERE rowid IN (SELECT shop_rowid FROM shop_gram WHERE gram = '王伟') ORDER BY id LIMIT 100",
 "王伟 id-keyed grams": "SELECT "+COLS+" FROM shop WHERE id IN (SELECT shop_id FROM shop_gram_i WHERE gram = '王伟') ORDER BY id LIMIT 100",
 "杭州云 now (FTS set)": "SELECT "+COLS+" FROM shop WHERE rowid IN (SELECT rowid FROM shop_fts WHERE shop_fts MATCH '{name operator_name}: \"杭州云\"') ORDER BY id LIMIT 100",
 "杭州云 rarest bigram (州云) in id order + test": "SELECT "+COLS+" FROM shop WHERE id IN (SELECT shop_id FROM shop_gram_i WHERE gram = '州云') AND (instr(lower(name), '杭州云') > 0 OR instr(lower(operator_name), '杭州云') > 0) ORDER BY id LIMIT 100",
 "杭州云 count (FTS, cap 1000)": "SELECT count(*) FROM (SELECT 1 FROM shop_fts WHERE shop_fts MATCH '{name operator_name}: \"杭州云\"' LIMIT 1000)",
}
for name, sql in Q.items():
    ts=[]
    for i in range(5):
        c=sqlite3.connect(db); c.execute("PRAGMA cache_size=-16000")
        c.execute("SELECT count(*) FROM sqlite_master").fetchall()  # schema loaded
        t=time.perf_counter(); r=c.execute(sql).fetchall(); ts.append((time.perf_counter()-t)*1000); c.close()
    print("%-48s cold %6.1f ms (rows %d)" % (name, statistics.median(ts), len(r)))
