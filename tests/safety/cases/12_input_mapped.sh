# ==== input files: mapped, not copied (issue 10 item 8) ==================
# An import file is mapped read-only and parsed where it lies, so bzj's own
# memory does not grow with the file: under a data-segment limit smaller
# than the file (RLIMIT_DATA counts heap and writable private memory, not
# a read-only mapping) a 96 MiB import still runs to its end.  Standard
# input is still read into memory, and is refused under the same limit.
# The release binary: the sanitizers reserve memory of their own.
REL=${SAFETY_SETGID_BIN:-}
if [ -n "$REL" ] && [ -x "$REPO/$REL" ]; then REL=$REPO/$REL; fi
if [ -z "$REL" ] || [ ! -x "$REL" ] || ! command -v prlimit >/dev/null; then
	skipped "mapped input: needs the release binary (SAFETY_SETGID_BIN) and prlimit"
else
	MDB=$(fresh mapped)
	# 96 MiB: a header, 20 top-ups, then blank lines (skipped by the reader).
	python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("shop_id,amount,date,payer,ack_third_party,ref\n")
    for i in range(20):
        f.write("%s,1.00,2026-11-20,,,mapped-%d\n" % (sys.argv[1] and "SHOP", i))
    f.write("\n" * (96 << 20))
PY
	sed -i "s/^SHOP,/$P,/" "$T/big.csv"
	before=$(sq "$MDB" "SELECT count(*) FROM ledger WHERE ref LIKE 'mapped-%'")
	prlimit --data=$((48 << 20)) env BZJ_USER=fin1 "$REL" --config "$DEMO_CONF" --db "$(dburi "$MDB")" \
		--today "$TODAY" --json import topups "$T/big.csv" >"$T/out" 2>"$T/err"
	RC=$?
	after=$(sq "$MDB" "SELECT count(*) FROM ledger WHERE ref LIKE 'mapped-%'")
	is "a 96 MiB import runs within a 48 MiB data limit (mapped, not copied)" \
		"$([ "$RC" = 0 ] && [ "$before" = 0 ] && [ "$after" = 20 ]; echo $?)" \
		"exit $RC, rows $before -> $after: $(head -c 300 "$T/err")"
	prlimit --data=$((48 << 20)) env BZJ_USER=fin1 "$REL" --config "$DEMO_CONF" --db "$(dburi "$MDB")" \
		--today "$TODAY" --json import topups - <"$T/big.csv" >"$T/out" 2>"$T/err"
	RC=$?
	is "the same from standard input (read into memory) fails cleanly under the limit" \
		"$([ "$RC" = 6 ] || [ "$RC" = 2 ]; echo $?)" "exit $RC: $(head -c 300 "$T/err")"
	rm -f "$T/big.csv"
fi
