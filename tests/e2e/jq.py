#!/usr/bin/env python3
"""jq.py EXPR - evaluate a Python expression over the JSON document on stdin.

The document is bound to `d`.  Helpers:
  missing(obj, "a,b,c")  the comma-separated keys that obj lacks, as "a,c"
  find(lst, key, value)  the first item of lst whose obj[key] == value, or None
  count(lst, key, value) how many items of lst have obj[key] == value

The result prints as: a string raw, true/false/null for booleans and None,
anything else as compact JSON.  Input that is not one JSON document prints
"<invalid json>" and exits 1; an expression that fails prints "<error: ...>"
and exits 1 (so a test comparing the output fails with a useful message).

jq.py --serve answers many such questions from one process (see serve()).
"""
import json
import sys


def missing(obj, keys):
    if not isinstance(obj, dict):
        return "<not an object>"
    return ",".join(k for k in keys.split(",") if k and k not in obj)


def find(lst, key, value):
    for item in lst or []:
        if isinstance(item, dict) and item.get(key) == value:
            return item
    return None


def count(lst, key, value):
    return sum(1 for item in lst or [] if isinstance(item, dict) and item.get(key) == value)


def show(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def evaluate(text, expr):
    try:
        d = json.loads(text)
    except ValueError:
        return "<invalid json>", 1
    env = {"__builtins__": {}, "d": d, "missing": missing, "find": find, "count": count,
           "len": len, "all": all, "any": any, "sorted": sorted, "str": str,
           "isinstance": isinstance, "dict": dict, "zip": zip, "set": set,
           "min": min, "max": max, "sum": sum}
    try:
        v = eval(expr, env)
    except Exception as ex:  # noqa: BLE001 - any failure is a test failure
        return "<error: %s: %s>" % (type(ex).__name__, ex), 1
    return show(v), 0


def serve():
    """--serve: read requests of two lines (a JSON file's path, an
    expression) and answer each with one line, so a test script pays for
    one interpreter start instead of hundreds."""
    while True:
        path = sys.stdin.readline()
        expr = sys.stdin.readline()
        if not path or not expr:
            return 0
        try:
            with open(path.rstrip("\n"), "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError as ex:
            out = "<cannot read: %s>" % ex
        else:
            out, _ = evaluate(text, expr.rstrip("\n"))
        sys.stdout.write(out.replace("\\", "\\\\").replace("\n", "\\n") + "\n")
        sys.stdout.flush()


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--serve":
        return serve()
    if len(sys.argv) != 2:
        sys.stderr.write("usage: jq.py EXPR <doc.json | jq.py --serve\n")
        return 2
    out, rc = evaluate(sys.stdin.buffer.read().decode("utf-8", "replace"), sys.argv[1])
    print(out)
    return rc


if __name__ == "__main__":
    sys.exit(main())
