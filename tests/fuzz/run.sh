#!/bin/sh
# run.sh: build every fuzz target with libFuzzer, ASan and UBSan into
# build/fuzz/, run each for FUZZ_SECONDS (default 30) on a copy of its seed
# corpus tests/fuzz/corpus/NAME/, and fail if any target crashes.  Crash
# inputs are kept as build/fuzz/NAME-crash-*; the log as build/fuzz/NAME.log.
#   FUZZ_SECONDS=10 sh tests/fuzz/run.sh [NAME...]
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-30}
out=build/fuzz
names=${*:-money date csv config calendar escape json service}
# The whole core: the service target opens databases.
core=$(ls core/*.c)
gen="build/gen/data_holidays.c build/gen/data_standards.c"
CC_FUZZ=${CC_FUZZ:-clang}
LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

mkdir -p "$out" build/gen
if [ ! -f build/gen/data_holidays.c ] || [ data/holidays.tsv -nt build/gen/data_holidays.c ]; then
	sh tools/embed.sh bzj_data_holidays data/holidays.tsv >build/gen/data_holidays.c || exit 1
fi
if [ ! -f build/gen/data_standards.c ] || [ data/standards.cfg -nt build/gen/data_standards.c ]; then
	sh tools/embed.sh bzj_data_standards data/standards.cfg >build/gen/data_standards.c || exit 1
fi
fail=0
for name in $names; do
	bin=$out/fuzz_$name
	# shellcheck disable=SC2046 # pkg-config output is meant to split
	if ! $CC_FUZZ -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Iinclude -Ibuild/gen -D_GNU_SOURCE -o "$bin" "tests/fuzz/fuzz_$name.c" $core $gen \
		$(pkg-config --cflags --libs libconfig sqlite3 nettle) -lm; then
		echo "fuzz: $name: build failed" >&2
		fail=1
		continue
	fi
	# Work on a copy: the fuzzer adds what it finds to the corpus directory.
	rm -rf "$out/corpus/$name"
	mkdir -p "$out/corpus/$name"
	cp tests/fuzz/corpus/"$name"/* "$out/corpus/$name/" 2>/dev/null
	echo "fuzz: $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$out/$name-" "$out/corpus/$name" >"$out/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; see $out/$name.log" >&2
		tail -n 40 "$out/$name.log" >&2
		fail=1
	else
		grep -E '^Done|#[0-9]+.*DONE' "$out/$name.log" | tail -n 1
	fi
done
exit $fail
