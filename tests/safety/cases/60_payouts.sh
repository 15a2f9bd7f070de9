# ==== bank batches and return files: hostile input (issue 15) ===================
# The bank file is never written through a symbolic link nor over a file,
# a folder it cannot be made in writes nothing; return files with escape
# sequences, control characters in the bank's reason or a GBK encoding are
# refused with nothing written, and no ESC reaches the terminal.
DBSAVE=$DB
DB=$(fresh payouts)
EC=$'\033[2J'
h=$(dump_hash "$DB")
ln -s "$T/payouts/elsewhere.csv" "$T/payouts/dangling.csv"
x --user fin2 payout batch --date "$TODAY" --out "$T/payouts/dangling.csv"
expect "payouts: the bank file is never written through a symbolic link" \
	5 payout.file_exists "*already exists*" "$h" "$DB"
is "payouts: nothing written where the link points" "$([ ! -e "$T/payouts/elsewhere.csv" ]; echo $?)"
x --user fin2 payout batch --date "$TODAY" --out "$T/payouts/no/such/folder/b.csv"
expect "payouts: a folder the bank file cannot be made in: exit 6, nothing sent" \
	6 payout.file "*nothing was sent*" "$h" "$DB"
x --user fin2 payout batch --date "$TODAY" --out "$T/payouts/b1.csv"
sent=$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$T/out")
is "payouts: a batch of the demo's payable refunds" "$([ "${sent:-0}" -gt 0 ]; echo $?)" "$OUT"
REF=$(sed -n 's/.*"ref":"\([^"]*\)".*/\1/p' "$T/out" | head -n 1)
h=$(dump_hash "$DB")
printf 'ref,status,date,reason\n%s,failed,,bad%sreason\n' "$REF" "$EC" >"$T/payouts/r-esc.csv"
x --user fin1 payout return "$T/payouts/r-esc.csv"
expect "payouts: a control character in the bank's reason is refused, nothing written" \
	2 input.reason "*line 2*" "$h" "$DB"
printf 'ref,status,date,reason\n%s%s,paid,%s,\n' "$REF" "$EC" "$TODAY" >"$T/payouts/r-ref.csv"
x --user fin1 payout return "$T/payouts/r-ref.csv"
expect "payouts: an escape sequence in a reference is refused, never echoed raw" \
	1 payout.not_sent "*line 2*" "$h" "$DB"
printf 'ref,status,date,reason\n%s,failed,,\xd5\xcb\xbb\xa7\xb6\xb3\xbd\xe1\n' "$REF" \
	>"$T/payouts/r-gbk.csv"
x --user fin1 payout return "$T/payouts/r-gbk.csv"
expect "payouts: a GBK return file is refused, nothing written" \
	2 import.encoding "*UTF-8*" "$h" "$DB"
printf 'ref,status,date,reason\n%s,paid,%s\n' "$REF" "$TODAY" >"$T/payouts/r-short.csv"
x --user fin1 payout return "$T/payouts/r-short.csv"
is "payouts: a line without its reason column still reads (paid needs none)" "$RC" "$OUT"
x --user fin1 payout return "$T/payouts/r-short.csv"
is "payouts: and the same file again changes nothing" \
	"$(case "$OUT" in *'"already_imported":true'*) echo 0 ;; *) echo 1 ;; esac)" "$OUT"
DB=$DBSAVE
