#!/bin/sh
# man-keys.sh [--check] KEYS2MAN MANPAGE: put KEYS2MAN's output between the
# KEYS-BEGIN and KEYS-END markers of MANPAGE; with --check, fail if the page
# is not already up to date.
set -eu
check=0
[ "$1" = "--check" ] && { check=1; shift; }
gen=$1 page=$2
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.keys"' EXIT
"$gen" >"$tmp.keys"
awk -v keys="$tmp.keys" '
	/^\.\\" KEYS-BEGIN/ { print; while ((getline l < keys) > 0) print l; skip = 1; next }
	/^\.\\" KEYS-END/ { skip = 0 }
	!skip { print }
' "$page" >"$tmp"
if [ $check = 1 ]; then
	if ! cmp -s "$tmp" "$page"; then
		echo "man-keys: $page's key section is out of date with tui/keymap.h; run: make man" >&2
		exit 1
	fi
	exit 0
fi
cat "$tmp" >"$page"
