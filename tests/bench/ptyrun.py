#!/usr/bin/env python3
"""ptyrun.py - drive a full-screen program on a pseudo-terminal and time it.

The harness is the terminal: it owns the pty master, so it sees every byte
the program writes with its arrival time.  "Screen settled" after a key is
the arrival time of the last byte of the burst the key caused (no byte for
--quiet ms after it); polling a tmux pane would only add its own polling
interval and a fork per poll to every figure.

  ptyrun.py console CMD...   the bzj console: first screen, PgDn, search
                          keystrokes, deposit detail, refund queue, the
                          providers panel (5) and its PgDn, RSS,
                          bytes per PgDn, idle output and CPU
  ptyrun.py first MARKER [--input TEXT] CMD...
                          time from spawn until MARKER is on the screen and
                          the output has settled (visidata, sqlite3 shell)

Prints "figure value" lines (ms, bytes, KB); details on stderr.
Environment: BENCH_QUERIES (newline-separated search queries),
BENCH_DETAIL_SHOPS (space-separated ids), BENCH_PGDN (presses, default 40).
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

ROWS, COLS = 24, 80
PGDN = b"\x1b[6~"  # knp of xterm-256color
ESC = b"\x1b"


class Term:
    def __init__(self, argv, env=None):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execvpe(argv[0], argv, env or os.environ)
            except OSError as e:
                os.write(2, f"exec {argv[0]}: {e}\n".encode())
                os._exit(127)
        self.t0 = time.monotonic()
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.out = bytearray()
        self.total = 0
        self.last = self.t0

    def read_some(self, timeout):
        """Read what arrives within timeout seconds; returns bytes read."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return 0
        try:
            b = os.read(self.fd, 65536)
        except OSError:
            return -1
        if not b:
            return -1
        now = time.monotonic()
        self.out += b
        self.total += len(b)
        self.last = now
        return len(b)

    def settle(self, quiet=0.15, limit=30.0, marker=None, since=0):
        """Wait until marker (if any) is in the output after offset `since`,
        then until no byte arrives for `quiet` s.  Returns (time of the last
        byte, bytes read, marker seen)."""
        start_total = self.total
        deadline = time.monotonic() + limit
        seen = marker is None
        while time.monotonic() < deadline:
            if not seen:
                seen = marker in self.out[since:]
            if seen:
                wait = quiet - (time.monotonic() - self.last)
                if wait <= 0:
                    break
            else:
                wait = 0.05
            if self.read_some(wait) < 0:
                break
        return self.last, self.total - start_total, seen

    def key(self, data, quiet=0.15, limit=30.0, first_limit=3.0):
        """Send a key; return (ms until the screen settled, bytes written);
        (None, 0) when nothing at all is written within first_limit s."""
        self.drain()
        t = time.monotonic()
        before = self.total
        os.write(self.fd, data)
        deadline = t + first_limit
        # the first byte of the answer
        while self.total == before and time.monotonic() < deadline:
            if self.read_some(deadline - time.monotonic()) < 0:
                break
        if self.total == before:
            return None, 0
        last, _, _ = self.settle(quiet=quiet, limit=limit)
        return (last - t) * 1000.0, self.total - before

    def drain(self, quiet=0.05):
        while self.read_some(quiet) > 0:
            pass

    def proc(self, name):
        with open(f"/proc/{self.pid}/{name}") as f:
            return f.read()

    def rss_kb(self):
        for line in self.proc("status").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return -1

    def hwm_kb(self):
        for line in self.proc("status").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return -1

    def cpu_ticks(self):
        f = self.proc("stat").rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])  # utime + stime

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        for _ in range(50):
            try:
                p, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if p:
                break
            self.read_some(0.02)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def pct(v, p):
    v = sorted(x for x in v if x is not None)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def console(argv):
    env = dict(os.environ, TERM="xterm-256color", LANG=os.environ.get("LANG", "C.UTF-8"),
               ESCDELAY="25")
    queries = [q for q in os.environ.get("BENCH_QUERIES", "").split("\n") if q]
    shops = os.environ.get("BENCH_DETAIL_SHOPS", "").split()
    presses = int(os.environ.get("BENCH_PGDN", "40"))
    marker = os.environ.get("BENCH_MARKER", "S0000001").encode()
    t = Term(argv, env)
    res = {}
    try:
        last, nbytes, seen = t.settle(quiet=0.3, limit=60, marker=marker)
        if not seen:
            sys.stderr.write("console: first screen never showed %r; screen bytes:\n%r\n"
                             % (marker, bytes(t.out[-2000:])))
            print("console_ok 0")
            return 1
        res["first_ms"] = (last - t.t0) * 1000.0
        res["first_bytes"] = nbytes
        res["rss_first_kb"] = t.rss_kb()
        # PgDn
        pg, pgb = [], []
        for _ in range(presses):
            ms, b = t.key(PGDN)
            pg.append(ms)
            pgb.append(b)
        sys.stderr.write("pgdn ms %s\npgdn bytes %s\n" % (
            " ".join("%.2f" % (x or -1) for x in pg), " ".join(str(x) for x in pgb)))
        res["pgdn_ms_med"] = pct(pg, 0.5)
        res["pgdn_ms_p99"] = pct(pg, 0.99)
        res["pgdn_bytes_med"] = pct(pgb, 0.5)
        res["pgdn_bytes_max"] = max(pgb) if pgb else 0
        # back to the top (g: first; Home is \EOH in keypad mode)
        t.key(b"g")
        # search as you type: "/" then each character; ^U and Esc between
        # queries (Esc restores the list without a search)
        ks = []
        for q in queries:
            t.key(b"/")
            for ch in q:
                ms, _ = t.key(ch.encode("utf-8"))
                ks.append(ms)
                sys.stderr.write("key %-8s %8.2f ms\n" % (ch, ms if ms is not None else -1))
            t.key(b"\x15")
            t.key(ESC, quiet=0.3)
        res["search_ms_med"] = pct(ks, 0.5)
        res["search_ms_p99"] = pct(ks, 0.99)
        # deposit detail: Enter on the selected shop, back to the list (1),
        # next shop (j)
        dt = []
        for _ in range(6):
            ms, _ = t.key(b"\r")
            dt.append(ms)
            sys.stderr.write("detail %8.2f ms\n" % (ms if ms is not None else -1))
            t.key(b"1")
            t.key(b"j")
        res["detail_ms_med"] = pct(dt, 0.5)
        res["detail_ms_p99"] = pct(dt, 0.99)
        # refund queue: panel 3 (its first load), then o (overdue only, on
        # and off) refetches the queue each time
        rq = []
        ms, _ = t.key(b"3")
        rq.append(ms)
        for _ in range(6):
            ms, _ = t.key(b"o")
            rq.append(ms)
        sys.stderr.write("refunds %s ms\n" % " ".join("%.2f" % (x or -1) for x in rq))
        res["refunds_ms_med"] = pct(rq, 0.5)
        res["refunds_ms_p99"] = pct(rq, 0.99)
        # the providers panel (issue 14): its first screen (5: the list and
        # the current assessment's progress), then PgDn through it
        ms, _ = t.key(b"5", quiet=0.3)
        res["prov_first_ms"] = ms
        pp = []
        for _ in range(max(presses // 4, 5)):
            ms, _ = t.key(PGDN)
            pp.append(ms)
        sys.stderr.write("providers first %.2f ms\nproviders pgdn ms %s\n" % (
            res["prov_first_ms"] if res["prov_first_ms"] is not None else -1,
            " ".join("%.2f" % (x or -1) for x in pp)))
        res["prov_pgdn_ms_med"] = pct(pp, 0.5)
        res["prov_pgdn_ms_p99"] = pct(pp, 0.99)
        t.key(b"1")
        # idle: no output, no CPU for 5 s
        t.drain(0.3)
        c0, b0 = t.cpu_ticks(), t.total
        end = time.monotonic() + 5.0
        while time.monotonic() < end:
            t.read_some(end - time.monotonic())
        res["idle_bytes"] = t.total - b0
        res["idle_cpu_ticks"] = t.cpu_ticks() - c0
        res["rss_kb"] = t.rss_kb()
        res["hwm_kb"] = t.hwm_kb()
        res["console_ok"] = 1
    finally:
        t.close()
    for k, v in res.items():
        print(k, "%.3f" % v if isinstance(v, float) else v)
    return 0


def first(args):
    marker = args.pop(0).encode()
    text = None
    if args and args[0] == "--input":
        args.pop(0)
        text = args.pop(0).encode().decode("unicode_escape").encode()
    env = dict(os.environ, TERM="xterm-256color", LANG=os.environ.get("LANG", "C.UTF-8"))
    t = Term(args, env)
    try:
        if text is not None:
            os.write(t.fd, text)
        seen_at = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if marker in t.out:
                seen_at = t.last
                break
            if t.read_some(0.5) < 0:
                break
        if seen_at is None:
            sys.stderr.write("first: %r never showed; last output:\n%r\n"
                             % (marker, bytes(t.out[-1500:])))
            print("first_ms nan")
            return 1
        print("first_ms %.3f" % ((seen_at - t.t0) * 1000.0))
    finally:
        t.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    mode, rest = sys.argv[1], sys.argv[2:]
    sys.exit(console(rest) if mode == "console" else first(rest))
