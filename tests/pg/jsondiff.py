#!/usr/bin/env python3
"""jsondiff.py [options] A B - the JSON of two bzj runs compared field by
field after masking; prints the first differences, exits 1 when any.

Always masked: the "db" and "file" fields (paths and URIs differ by store)
and values that are timestamps.  Options loosen it further, for callers
that compare runs which differ there by design:

  --names X,Y   how the two sides are named in the report (default
                "the first,the second")
  --max N       differences printed (default 6)
  --mask-ids    also mask "id" fields and ledger/job ids inside strings
                (the two stores number their rows on their own)
  --msg-times   also mask ISO times inside strings (a message that quotes
                the time of an earlier run, which may fall in another
                second on either store)

tests/pg/e2e.sh compares SQLite with PostgreSQL; tests/pg/demo.sh the bulk
demo with the row-by-row one and SQLite, without the two loosening options:
their rows must be the same to the id."""
import argparse
import json
import re
import sys

TS = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", default="the first,the second")
    ap.add_argument("--max", type=int, default=6)
    ap.add_argument("--mask-ids", action="store_true")
    ap.add_argument("--msg-times", action="store_true")
    ap.add_argument("a")
    ap.add_argument("b")
    o = ap.parse_args()
    na, nb = (o.names.split(",", 1) + ["the second"])[:2]

    def mask(x, key=None):
        if isinstance(x, dict):
            return {k: mask(v, k) for k, v in x.items()}
        if isinstance(x, list):
            return [mask(v) for v in x]
        if key in ("db", "file") or (key == "id" and o.mask_ids):
            return "<masked>"
        if isinstance(x, str) and TS.match(x):
            return "<ts>"
        if isinstance(x, str) and o.mask_ids:
            return re.sub(r'(ledger:|"job":)\d+', r"\1<id>", x)
        if isinstance(x, str) and o.msg_times:
            return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<ts>", x)
        return x

    diffs = []

    def walk(a, b, p):
        if type(a) != type(b):
            diffs.append("%s: %r (%s) vs %r (%s)" % (p or "/", a, na, b, nb))
        elif isinstance(a, dict):
            for k in sorted(set(a) | set(b)):
                if k not in a or k not in b:
                    diffs.append("%s/%s: only in %s" % (p, k, na if k in a else nb))
                else:
                    walk(a[k], b[k], p + "/" + k)
        elif isinstance(a, list):
            if len(a) != len(b):
                diffs.append("%s: %d items (%s) vs %d (%s)" % (p or "/", len(a), na, len(b), nb))
            for i, (u, v) in enumerate(zip(a, b)):
                walk(u, v, "%s[%d]" % (p, i))
        elif a != b:
            diffs.append("%s: %r (%s) vs %r (%s)" % (p or "/", a, na, b, nb))

    try:
        with open(o.a, encoding="utf-8") as f:
            a = mask(json.load(f))
        with open(o.b, encoding="utf-8") as f:
            b = mask(json.load(f))
    except Exception as ex:
        print("not JSON: %s" % ex)
        return 1
    walk(a, b, "")
    more = " (and %d more)" % (len(diffs) - o.max) if len(diffs) > o.max else ""
    print("; ".join(diffs[: o.max]) + more)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
