#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const unsigned char NAME[]`
# and `const size_t NAME_len` with FILE's bytes, so data ships inside bzj.
set -eu
name=$1 file=$2
printf '/* generated from %s by tools/embed.sh: do not edit */\n#include <stddef.h>\n' "$file"
printf 'const unsigned char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
printf '0x00};\nconst size_t %s_len = sizeof %s - 1;\n' "$name" "$name"
