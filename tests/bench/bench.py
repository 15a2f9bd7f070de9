#!/usr/bin/env python3
"""bench.py - timing and the results table for tests/bench/run.sh.

  bench.py pair REPS WARMUP PREP_A CMD_A PREP_B CMD_B
      Run A and B alternately REPS times (after WARMUP untimed runs of
      each), each whole process started directly (no shell; PREP_* run
      through sh first, untimed, "" for none).  Prints "median_a median_b
      min_a min_b cpu_a cpu_b" in seconds (cpu: median user+sys of the
      process, which a busy machine disturbs less than the wall clock).
      A failing command stops the benchmark.
  bench.py one REPS WARMUP PREP CMD
      Same for one command: prints "median min cpu".
  bench.py table RESULTS
      Print the results table from the key/value file run.sh wrote.
"""
import math
import resource
import os
import shlex
import statistics
import subprocess
import sys
import time


CPU = {}  # command -> CPU seconds (user + sys) of each timed run


def run_timed(cmd, prep):
    if prep:
        subprocess.run(prep, shell=True, check=True)
    argv = shlex.split(cmd)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.monotonic() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(cmd, []).append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    if p.returncode != 0:
        sys.stderr.write("bench: %s exited %d\n%s\n" % (cmd, p.returncode,
                                                         p.stderr.decode(errors="replace")[-2000:]))
        sys.exit(1)
    return dt


def pair(reps, warm, prep_a, cmd_a, prep_b, cmd_b):
    for _ in range(warm):
        run_timed(cmd_a, prep_a)
        run_timed(cmd_b, prep_b)
    a, b = [], []
    for _ in range(reps):
        a.append(run_timed(cmd_a, prep_a))
        b.append(run_timed(cmd_b, prep_b))
    print("%.6f %.6f %.6f %.6f %.6f %.6f" % (statistics.median(a), statistics.median(b), min(a),
                                             min(b), statistics.median(CPU[cmd_a]),
                                             statistics.median(CPU[cmd_b])))


def one(reps, warm, prep, cmd):
    for _ in range(warm):
        run_timed(cmd, prep)
    a = [run_timed(cmd, prep) for _ in range(reps)]
    print("%.6f %.6f %.6f" % (statistics.median(a), min(a), statistics.median(CPU[cmd])))


def load(path):
    r = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            k, _, v = line.partition(" ")
            r[k] = v
    return r


def num(r, k):
    try:
        v = float(r[k])
        return None if math.isnan(v) else v
    except (KeyError, ValueError):
        return None


def fmt(v, unit):
    if v is None:
        return "n/a"
    if unit == "s":
        return "%.2f s" % v
    if unit == "ms":
        return "%.1f ms" % v if v >= 1 else "%.2f ms" % v
    if unit == "MB":
        return "%.1f MB" % v
    if unit == "B":
        return "%d B" % v
    return "%g" % v


def sign(v):
    return "n/a" if v is None else "%+.1f ms" % v


def table(path):
    r = load(path)
    rows = []  # figure, bzj, baseline, ratio, target, verdict

    def ratio_row(fig, kb, kbase, unit, limit, base_name):
        b, base = num(r, kb), num(r, kbase)
        cb, cbase = num(r, kb + "_cpu"), num(r, kbase + "_cpu")
        ratio = b / base if b is not None and base else None
        ok = None if ratio is None else ratio <= limit
        cpu = lambda v: "" if v is None else " (cpu %s)" % fmt(v, unit)
        rows.append((fig, fmt(b, unit) + cpu(cb),
                     "%s%s %s" % (fmt(base, unit), cpu(cbase), base_name),
                     "n/a" if ratio is None else "%.2f×" % ratio, "≤ %g×" % limit, ok))

    def abs_row(fig, kb, unit, limit, target=None, scale=1.0, src=""):
        b = num(r, kb)
        if b is not None:
            b *= scale
        ok = None if b is None else b <= limit
        rows.append((fig + src, fmt(b, unit), "", "", target or "≤ %s" % fmt(limit, unit), ok))

    n = r.get("shops", "?")
    rows.append(("database: shops / ledger / refunds / violations",
                 "%s / %s / %s / %s" % (r.get("shops"), r.get("ledger"), r.get("refunds"),
                                        r.get("violations")), "", "", "", None))
    abs_row("`bzj demo --shops %s` build%s" % (n, " (timed when the cache was built)"
                                                if r.get("demo_cached") == "1" else ""),
            "demo_s", "s", 300, "a few minutes (≤ 300 s)")
    ok_tty, ok_plain = r.get("progress_tty") == "1", r.get("progress_plain") == "1"
    rows.append(("demo progress: bar on a terminal / plain line otherwise",
                 "%s / %s" % ("bar" if ok_tty else "no bar", "lines" if ok_plain else "no lines"),
                 "", "", "both", ok_tty and ok_plain))
    ratio_row("`deposit recompute --month` (%s shops)" % n, "recompute_bzj", "recompute_sql",
              "s", 2, "one SQL upsert in sqlite3")
    ratio_row("`report month 2026-10` (%s shops)" % n, "report_bzj", "report_sql", "s", 2,
              "the same totals in one SQL statement in sqlite3")
    if "batch_per10k" in r:
        # issue 15: "a batch of 10,000 refunds writes in under a second"
        abs_row("`payout batch` per 10,000 sent (%s approved, %s sent, %s recorded failed;"
                " whole batch %s, cpu %s)"
                % (r.get("batch_approved", "?"), r.get("batch_sent", "?"),
                   r.get("batch_failed", "?"), fmt(num(r, "batch_s"), "s"),
                   fmt(num(r, "batch_cpu"), "s")),
                "batch_per10k", "s", 1.0, "< 1 s per 10,000")
    ratio_row("`newbie check --date` (%s newbie shops%s)"
              % (r.get("newbie_shops", "?"),
                 "" if r.get("newbie_same", "1") == "1" else ", RESULTS DIFFER"),
              "newbie_bzj", "newbie_sql", "s", 2, "the same statements in sqlite3")
    if r.get("newbie_same") == "0":
        rows[-1] = rows[-1][:5] + (False,)
    ratio_row("`import gmv` %s rows" % r.get("gmv_rows", "?"), "import_bzj", "import_sql", "s", 2,
              "sqlite3 .import")
    ratio_row("`shop show ID --json` (whole process)", "show_bzj", "show_sql", "ms", 2,
              "sqlite3 SELECT")
    # issue 13: an operator writing every 50 ms while a month-start job runs
    for job, what in (("recompute", "`deposit recompute` on the 2nd (with the sync)"),
                      ("import", "`import gmv` %s rows" % r.get("gmv_rows", "?")),
                      ("topups", "`import topups` 20000 rows"),
                      ("newbie", "`newbie check` of the 1st"),
                      ("standards", "`standards load` (a new base on the 2nd, every shop re-synced)")):
        k = "desk_" + job + "_"
        if k + "during_max" not in r:
            continue
        dmax, dp99, imax, ip99 = (num(r, k + x) for x in
                                  ("during_max", "during_p99", "idle_max", "idle_p99"))
        ok = None if dmax is None or imax is None else (
            dmax <= imax + 100 and dp99 <= ip99 + 100 and r.get(k + "op_fail") == "0")
        rows.append(("operator top-up every 50 ms during %s: worst / p99 (%s writes, job %s s,"
                     " %s failed)" % (what, r.get(k + "during_n"), r.get(k + "job_s"),
                                      r.get(k + "op_fail")),
                     "%s / %s" % (fmt(dmax, "ms"), fmt(dp99, "ms")),
                     "idle %s / %s" % (fmt(imax, "ms"), fmt(ip99, "ms")),
                     "%s / %s" % (sign(None if dmax is None else dmax - imax),
                                  sign(None if dp99 is None else dp99 - ip99)),
                     "≤ idle + 100 ms", ok))
    if "porders_bzj" in r:
        ratio_row("`provider orders PID` 90 days (%s providers, %s bound shops, %s order rows)"
                  % (r.get("providers", "?"), r.get("bound_shops", "?"), r.get("order_rows", "?")),
                  "porders_bzj", "porders_sql", "ms", 2, "the same sum in sqlite3")
        ratio_row("`assess show` (every provider assessed)", "assess_bzj", "assess_sql", "ms", 2,
                  "the same sums in sqlite3")
    con = r.get("console_ok") == "1"
    src = "" if con else " [core calls, console not built]"
    pre = "console " if con else "core "
    k = "c_" if con else "k_"
    b = num(r, k + "first")
    vd, sq = num(r, "first_vd"), num(r, "first_sqlite")
    fastest = min([x for x in (vd, sq) if x is not None], default=None)
    rows.append(("first screen of the shop list" + src, fmt(b, "ms"),
                 "visidata %s, sqlite3 shell %s" % (fmt(vd, "ms"), fmt(sq, "ms")),
                 "%.2f×" % (b / fastest) if b and fastest else "n/a",
                 "≤ 100 ms and ≤ fastest",
                 None if b is None else b <= 100 and (fastest is None or b <= fastest)))
    abs_row("PgDn p99 (median " + fmt(num(r, k + "pgdn_med"), "ms") + ")", k + "pgdn", "ms",
            10, src=src)
    abs_row("search keystroke p99 (median " + fmt(num(r, k + "search_med"), "ms") + ")",
            k + "search_p99", "ms", 20, src=src)
    if "cj_pgdn" in r:
        for fig, kk, kidle in (("PgDn", "cj_pgdn", k + "pgdn"),
                               ("search keystroke", "cj_search_p99", k + "search_p99")):
            v, idle = num(r, kk), num(r, kidle)
            rows.append(("console %s p99 during bulk jobs (%s jobs ran)" % (fig, r.get("cj_jobs")),
                         fmt(v, "ms"), "idle %s" % fmt(idle, "ms"),
                         sign(None if v is None or idle is None else v - idle),
                         "≤ idle + 100 ms",
                         None if v is None or idle is None else v <= idle + 100))
    abs_row("deposit detail (p99)", k + "detail_p99", "ms", 20, src=src)
    abs_row("refund queue by due date (p99)", k + "refunds_p99", "ms", 20, src=src)
    if con and num(r, "c_prov_first") is not None:
        abs_row("Providers panel (5) first screen", "c_prov_first", "ms", 100, "≤ 100 ms")
        abs_row("Providers panel PgDn p99 (median " + fmt(num(r, "c_prov_pgdn_med"), "ms") + ")",
                "c_prov_pgdn", "ms", 10)
    if con:
        abs_row("console resident size (VmRSS after the run; peak %s)"
                % fmt(num(r, "c_hwm_mb"), "MB"), "c_rss_mb", "MB", 32, "< 32 MB")
        abs_row("terminal bytes per PgDn, 80×24 (max)", "c_pgdn_bytes_max", "B", 4095, "< 4 KB")
        ib, ic = num(r, "c_idle_bytes"), num(r, "c_idle_ticks")
        rows.append(("idle 5 s: bytes written / CPU ticks",
                     "%s / %s" % (fmt(ib, "B"), "n/a" if ic is None else "%d" % ic), "", "",
                     "0 / 0", None if ib is None else ib == 0 and ic == 0))
    else:
        for f in ("console resident size", "terminal bytes per PgDn", "idle console"):
            rows.append((f, "n/a (console not built)", "", "", "", None))
    for q in sorted((x for x in r if x.startswith("cli_")),
                    key=lambda x: (len(x), x)):
        rows.append(("CLI `%s` (whole process, info)" % r[q].split("|", 1)[1],
                     fmt(float(r[q].split("|", 1)[0]), "ms"), "", "", "", None))

    print_rows(rows)
    pg_table(r)


def print_rows(rows):
    head = ("figure", "bzj", "baseline", "ratio", "target", "result")
    out = [head] + [(a, b, c, d, e, "" if f is None else ("pass" if f else "FAIL"))
                    for a, b, c, d, e, f in rows]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for row in out[1:]:
        print("| " + " | ".join(row) + " |")


def pg_table(r):
    """The PostgreSQL column (tests/bench/pg.sh): the same figures with
    bzj on PostgreSQL and psql as the raw tool, the same targets."""
    if "pg_skipped" in r:
        print("\nPostgreSQL: skipped (%s)" % r["pg_skipped"])
        return
    if "pg_shops" not in r:
        return
    rows = []

    def ratio_row(fig, kb, kbase, unit, limit, base_name):
        b, base = num(r, kb), num(r, kbase)
        cb, cbase = num(r, kb + "_cpu"), num(r, kbase + "_cpu")
        ratio = b / base if b is not None and base else None
        cpu = lambda v: "" if v is None else " (cpu %s)" % fmt(v, unit)
        rows.append((fig, fmt(b, unit) + cpu(cb),
                     "%s%s %s" % (fmt(base, unit), cpu(cbase), base_name),
                     "n/a" if ratio is None else "%.2f×" % ratio, "≤ %g×" % limit,
                     None if ratio is None else ratio <= limit))

    def abs_row(fig, kb, unit, limit):
        b = num(r, kb)
        rows.append((fig, fmt(b, unit), "", "", "≤ %s" % fmt(limit, unit),
                     None if b is None else b <= limit))

    n = r.get("pg_shops", "?")
    rows.append(("database: shops / ledger / size",
                 "%s / %s / %s" % (n, r.get("pg_ledger"), r.get("pg_size")), "", "", "", None))
    b = num(r, "pg_demo_s")
    rows.append(("`bzj demo --shops %s` build on PostgreSQL%s" % (
        n, " (timed when the cache was built)" if r.get("pg_demo_cached") == "1" else ""),
        fmt(b, "s"), "", "", "info (SQLite: ≤ 300 s)", None))
    rows.append(("3+ character search index (trigram postings, shop_tri)",
                 "yes" if r.get("pg_search_index") == "t" else "no: missing", "", "", "yes",
                 r.get("pg_search_index") == "t"))
    ratio_row("`deposit recompute --month` (%s shops%s)" % (
        n, "" if r.get("pg_recompute_same", "1") == "1" else ", RESULTS DIFFER"),
        "pg_recompute_bzj", "pg_recompute_sql", "s", 2, "one SQL upsert in psql")
    if r.get("pg_recompute_same") == "0":
        rows[-1] = rows[-1][:5] + (False,)
    if "pg_import_bare" in r:
        ratio_row("`import gmv` %s rows%s" % (r.get("pg_gmv_rows", "?"),
                  "" if r.get("pg_import_same", "1") == "1" else ", ROWS DIFFER"),
                  "pg_import_bzj", "pg_import_sql", "s", 2,
                  "psql \\copy of the same rows into the same table (gmv: its key, its triggers)")
        if r.get("pg_import_same") == "0":
            rows[-1] = rows[-1][:5] + (False,)
        b, bare = num(r, "pg_import_bzj"), num(r, "pg_import_bare")
        rows.append(("`import gmv` against a bare table (info)", fmt(b, "s"),
                     "%s psql \\copy of the file as text into a table without key or trigger"
                     % fmt(bare, "s"), "%.2f×" % (b / bare) if b and bare else "n/a", "", None))
    else:  # results from before the same-table baseline
        ratio_row("`import gmv` %s rows" % r.get("pg_gmv_rows", "?"), "pg_import_bzj",
                  "pg_import_sql", "s", 2, "psql \\copy (COPY) into a bare table")
    ratio_row("`shop show ID --json` (whole process)", "pg_show_bzj", "pg_show_sql", "ms", 2,
              "the same SELECT in psql")
    con = r.get("pg_console_ok") == "1"
    b, ps = num(r, "pg_c_first"), num(r, "pg_first_psql")
    rows.append(("console first screen", fmt(b, "ms"), "psql %s" % fmt(ps, "ms"),
                 "%.2f×" % (b / ps) if b and ps else "n/a", "≤ 100 ms and ≤ psql",
                 None if b is None else b <= 100 and (ps is None or b <= ps)))
    if con:
        abs_row("PgDn p99 (median %s)" % fmt(num(r, "pg_c_pgdn_med"), "ms"), "pg_c_pgdn", "ms", 10)
        abs_row("search keystroke p99 (median %s)" % fmt(num(r, "pg_c_search_med"), "ms"),
                "pg_c_search_p99", "ms", 20)
        abs_row("deposit detail (p99)", "pg_c_detail_p99", "ms", 20)
        abs_row("refund queue by due date (p99)", "pg_c_refunds_p99", "ms", 20)
    else:
        rows.append(("console PgDn, search, detail", "n/a (the console did not run)", "", "", "",
                     False))
    print("\nOn PostgreSQL %s (throw-away server: Unix socket, fsync off; psql as the raw tool):\n"
          % r.get("pg_version", "?"))
    print_rows(rows)


if __name__ == "__main__":
    a = sys.argv[1:]
    if not a:
        sys.stderr.write(__doc__)
        sys.exit(2)
    if a[0] == "pair":
        pair(int(a[1]), int(a[2]), a[3], a[4], a[5], a[6])
    elif a[0] == "one":
        one(int(a[1]), int(a[2]), a[3], a[4])
    elif a[0] == "table":
        table(a[1])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
