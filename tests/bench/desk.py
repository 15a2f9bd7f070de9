#!/usr/bin/env python3
"""desk.py - an operator writing every 50 ms, idle and during a bulk job (issue 13).

  desk.py ops INTERVAL_MS IDLE_N JOBCMD OPCMD

OPCMD is a shell command with {i} replaced by a counter (so each write is
a different shop or reference).  First IDLE_N writes with nothing else
running (the idle cost: a whole bzj process each), then JOBCMD is started
and the operator keeps writing every INTERVAL_MS until it ends.  A write
starts on the next tick after the previous one ended.

Prints "key value" lines: idle_med/idle_p99/idle_max, during_med/
during_p99/during_max (ms), during_n, job_s, job_rc, op_fail (writes
that failed busy or on storage, exit 5 or 6; a refusal of a closed shop
is a write that got its answer).
"""
import subprocess
import sys
import time


def pct(v, p):
    if not v:
        return float("nan")
    s = sorted(v)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def write(cmd):
    t = time.monotonic()
    rc = subprocess.call(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.monotonic() - t) * 1000.0, rc


def main():
    a = sys.argv[1:]
    if len(a) != 5 or a[0] != "ops":
        sys.stderr.write(__doc__)
        sys.exit(2)
    step = int(a[1]) / 1000.0
    idle_n = int(a[2])
    job, op = a[3], a[4]
    i = 0
    fails = 0
    idle = []
    nxt = time.monotonic()
    for _ in range(idle_n):
        i += 1
        ms, rc = write(op.replace("{i}", str(i)))
        fails += rc in (5, 6)  # busy or storage; a closed shop's refusal (1) is fine
        idle.append(ms)
        nxt += step
        time.sleep(max(0.0, nxt - time.monotonic()))
        nxt = max(nxt, time.monotonic())
    during = []
    t0 = time.monotonic()
    p = subprocess.Popen(job, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nxt = time.monotonic()
    while p.poll() is None:
        i += 1
        ms, rc = write(op.replace("{i}", str(i)))
        fails += rc in (5, 6)
        during.append(ms)
        nxt += step
        time.sleep(max(0.0, nxt - time.monotonic()))
        nxt = max(nxt, time.monotonic())
    rc = p.wait()
    job_s = time.monotonic() - t0
    for name, v in (("idle", idle), ("during", during)):
        print("%s_med %.1f" % (name, pct(v, 50)))
        print("%s_p99 %.1f" % (name, pct(v, 99)))
        print("%s_max %.1f" % (name, max(v) if v else float("nan")))
    print("during_n %d" % len(during))
    print("job_s %.3f" % job_s)
    print("job_rc %d" % rc)
    print("op_fail %d" % fails)


if __name__ == "__main__":
    main()
