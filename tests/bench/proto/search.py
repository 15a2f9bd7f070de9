#!/usr/bin/env python3
"""search.py DB [CAP [QUERY...]] - the per-source search of fixes/scale.patch
(core/store_list.c) in Python, on a copy of a bench database: the p99 of
every keystroke of the queries (default: substrings of 40 random shops'
names and operators, their id prefixes, and fixed ones), and each first and
second page checked against a brute-force scan.  CAP is SRC_SMALL (4000).
Needs the schema before shop_gram is keyed by id (shop_gram.shop_rowid)."""
import sqlite3, time, sys, random, re
db=sys.argv[1]
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA cache_size=-16000"); c.execute("PRAGMA temp_store=MEMORY")
COLS="id, name, operator_name, entity, status, required_fen, balance_fen, frozen_fen, restricted, terminate, refund_open, open_violations"
CAP=int(sys.argv[2]) if len(sys.argv) > 2 else 4000
IDRE=re.compile(r'^[A-Za-z0-9_.-]+$')
MAXC="char(1114111)"
def bsrc(term):
    n=len(term)
    if n==1: return "SELECT shop_rowid FROM shop_gram WHERE gram >= :t AND gram < :t || %s LIMIT %d"%(MAXC,CAP)
    if n==2: return "SELECT shop_rowid FROM shop_gram WHERE gram = :t LIMIT %d"%CAP
    return "SELECT rowid FROM shop_fts WHERE shop_fts MATCH :ph LIMIT %d"%CAP
def keystroke(term, cid=""):
    s=time.perf_counter()
    low=term.lower(); a={"t":low,"lo":term,"ph":'{name operator_name}: "%s"'%term.replace('"','""'),"cid":cid,"max":100}
    isid=bool(IDRE.match(term))
    kb=c.execute("SELECT count(*) FROM ("+bsrc(term)+")",a).fetchone()[0]
    ka=c.execute("SELECT count(*) FROM (SELECT 1 FROM shop WHERE id >= :lo AND id < :lo || %s LIMIT %d)"%(MAXC,CAP),a).fetchone()[0] if isid else 0
    parts=[]
    if isid: parts.append("SELECT id FROM (SELECT id FROM shop WHERE id >= :lo AND id < :lo || %s AND id > :cid ORDER BY id LIMIT :max)"%MAXC)
    if kb<CAP: parts.append("SELECT id FROM shop WHERE rowid IN ("+bsrc(term)+") AND id > :cid")
    else: parts.append("SELECT id FROM (SELECT id FROM shop WHERE (instr(lower(name), :t) > 0 OR instr(lower(operator_name), :t) > 0) AND id > :cid ORDER BY id LIMIT :max)")
    sql="SELECT "+COLS+" FROM shop WHERE id IN ("+" UNION ALL ".join(parts)+") ORDER BY id LIMIT :max"
    r=c.execute(sql,a).fetchall()
    t1=time.perf_counter()
    if kb<CAP and ka<CAP:
        if len(r)<100: total=len(r)
        else: total=c.execute("SELECT count(*) FROM (SELECT id FROM shop WHERE id >= :lo AND id < :lo || %s UNION SELECT id FROM shop WHERE rowid IN (%s))"%(MAXC,bsrc(term)) if isid else "SELECT count(*) FROM ("+bsrc(term)+")",a).fetchone()[0]
    else: total=CAP
    t2=time.perf_counter()
    return ("in" if kb<CAP else "scan")+("+id" if isid else ""),(t1-s)*1000,(t2-t1)*1000,len(r),total,r
qs=sys.argv[3:]
if not qs:
    random.seed(3)
    N=c.execute("SELECT max(rowid) FROM shop").fetchone()[0]
    for _ in range(40):
        nm,op,i=c.execute("SELECT name, operator_name, id FROM shop WHERE rowid=?",(random.randint(1,N),)).fetchone()
        k=random.randint(0,len(nm)-3); qs.append(nm[k:k+random.randint(2,5)])
        qs.append(op); qs.append(i[:random.randint(3,7)])
    qs += ["杭州云裳","王伟","服饰小店","深圳","李","旗舰店","张秀英","S0123","S09999","S0500","云裳服","小店旗舰","店杭州","杭州王","秀英","州云裳","s09"]
allt=[]
for q in qs:
    for k in range(1,len(q)+1):
        t=q[:k]; res=[keystroke(t) for _ in range(3)]
        kind,tl,tc,n,total,rows=sorted(res,key=lambda x:x[1]+x[2])[1]
        allt.append(tl+tc)
        if tl+tc>8: print("%-8s %-8s list %6.1f count %6.1f rows %3d total %d"%(t,kind,tl,tc,n,total))
allt.sort()
print("keystrokes %d median %.2f p99 %.2f max %.2f"%(len(allt),allt[len(allt)//2],allt[int(0.99*(len(allt)-1)+0.5)],allt[-1]))
bad=0; checked=0
for q in qs[:60]:
    for k in range(1,len(q)+1):
        t=q[:k]
        kind,tl,tc,n,total,rows=keystroke(t)
        truth=c.execute("SELECT id FROM shop WHERE instr(lower(name),?1)>0 OR instr(lower(operator_name),?1)>0 OR substr(id,1,length(?2))=?2 ORDER BY id LIMIT 100",(t.lower(),t)).fetchall()
        checked+=1
        if [r[0] for r in rows]!=[x[0] for x in truth]:
            bad+=1; print("MISMATCH",t,kind,len(rows),len(truth))
        # second page
        if len(rows)==100:
            kind2,_,_,_,_,rows2=keystroke(t, rows[-1][0])
            truth2=c.execute("SELECT id FROM shop WHERE (instr(lower(name),?1)>0 OR instr(lower(operator_name),?1)>0 OR substr(id,1,length(?2))=?2) AND id > ?3 ORDER BY id LIMIT 100",(t.lower(),t,rows[-1][0])).fetchall()
            if [r[0] for r in rows2]!=[x[0] for x in truth2]: bad+=1; print("MISMATCH p2",t)
print("checked",checked,"bad",bad)
