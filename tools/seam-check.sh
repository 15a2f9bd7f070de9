#!/bin/sh
# seam-check.sh: the store is private to core.  tui/ (the command line and
# the console) reaches the database only through core's services, never
# through include/bzj/store.h, core's private headers or a context's db
# handle, so a second backend behind the store changes nothing in tui/.
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -n -E '#include "(bzj/store\.h|store_priv\.h|service\.h)"|\bx(->|\.)db\b|bzj_(db|store)_[a-z]' \
	tui/*.c tui/*.h 2>/dev/null)
if [ -n "$bad" ]; then
	echo "seam-check: tui/ reaches the store directly:" >&2
	echo "$bad" >&2
	exit 1
fi
