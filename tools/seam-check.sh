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

# Below the store functions, the driver (issue 16, docs/store-seam.md):
# SQLite is called from core/store_sqlite.c only, and from the fenced
# SQLite-only features (between "SQLITE-ONLY BEGIN" and "SQLITE-ONLY END"
# comments) in the files listed here, each of which docs/store-seam.md
# names with what PostgreSQL does instead.  A new fence, or a file with
# one that is not listed, fails: list it in the document and here.
fenced="core/store.c core/store_money.c core/store_newbie.c core/store_seal.c core/store_priv.h"
bad=$(for f in core/*.c core/*.h include/bzj/*.h; do
	[ "$f" = core/store_sqlite.c ] && continue
	case " $fenced " in *" $f "*) ok=1 ;; *) ok=0 ;; esac
	awk -v f="$f" -v ok="$ok" '
		/SQLITE-ONLY BEGIN/ { if (fence) print f ":" FNR ": fence opened twice"; fence = 1; n++
			if (!ok) print f ":" FNR ": a SQLITE-ONLY fence in a file not listed in seam-check.sh" }
		!fence && /sqlite3_|SQLITE_|<sqlite3\.h>/ && !/#include <sqlite3\.h> \/\* the fenced/ {
			print f ":" FNR ": " $0 }
		/SQLITE-ONLY END/ { if (!fence) print f ":" FNR ": fence closed but not opened"; fence = 0 }
		END { if (fence) print f ": fence not closed" }' "$f"
done)
if [ -n "$bad" ]; then
	echo "seam-check: SQLite called outside core/store_sqlite.c and the fenced features" \
		"(run tools/seam-convert.sh, or fence and document it):" >&2
	echo "$bad" >&2
	exit 1
fi
