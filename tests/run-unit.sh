#!/bin/sh
# run-unit.sh BIN...: run each cmocka test binary; fail if any fails.
fail=0
for t in "$@"; do
	"$t" || { echo "FAILED: $t" >&2; fail=1; }
done
exit $fail
