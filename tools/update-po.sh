#!/bin/sh
# update-po.sh: extract every translatable string of core/*.c and tui/*.[ch]
# and merge it into po/zh_CN.po, keeping the translations already there.
# New strings arrive untranslated (msgstr ""), strings whose source changed
# are marked fuzzy; translate them, then `make` checks the catalogue with
# msgfmt --check.  The output is sorted by msgid so that merges from several
# people stay small and readable.
#
#   sh tools/update-po.sh            update po/zh_CN.po
#   sh tools/update-po.sh --check    fail if the catalogue is out of date
set -eu
cd "$(dirname "$0")/.."
pot=$(mktemp "${TMPDIR:-/tmp}/bzj-pot.XXXXXX")
trap 'rm -f "$pot" "$pot.po" "$pot.new" "$pot.old"' EXIT INT TERM

xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=C_:1c,2 \
	--add-comments=TRANSLATORS --add-location=file --sort-output --package-name=bzj \
	--msgid-bugs-address=bzj-i18n@localhost --output="$pot" core/*.c tui/*.c tui/*.h

if [ ! -f po/zh_CN.po ]; then
	msginit --no-translator --locale=zh_CN.UTF-8 --input="$pot" --output-file=po/zh_CN.po
fi
msgmerge --quiet --sort-output --no-fuzzy-matching --output-file="$pot.po" \
	po/zh_CN.po "$pot"
# msgmerge stamps POT-Creation-Date with the minute of this run: compare
# without it, or --check fails a minute after an update and every run
# rewrites the header although no message changed.
grep -v '^"POT-Creation-Date: ' "$pot.po" >"$pot.new" || :
grep -v '^"POT-Creation-Date: ' po/zh_CN.po >"$pot.old" || :
if [ "${1:-}" = "--check" ]; then
	if ! cmp -s "$pot.new" "$pot.old"; then
		echo "update-po: po/zh_CN.po is out of date; run sh tools/update-po.sh" >&2
		exit 1
	fi
	exit 0
fi
cmp -s "$pot.new" "$pot.old" || mv "$pot.po" po/zh_CN.po
msgfmt --check --statistics -o /dev/null po/zh_CN.po
