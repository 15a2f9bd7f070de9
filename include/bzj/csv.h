/* csv.h - RFC 4180 CSV reader for imports: UTF-8 only (a BOM is skipped),
 * CRLF or LF, quoted fields with commas, quotes and newlines.  Errors name
 * the line: "import.encoding" (not UTF-8, e.g. a GBK file),
 * "import.format" (unterminated quote, stray quote, NUL, field too big). */
#ifndef BZJ_CSV_H
#define BZJ_CSV_H

#include <stddef.h>
#include "bzj/err.h"

#define BZJ_CSV_MAX_FIELD (1 << 20) /* 1 MiB */
#define BZJ_CSV_MAX_FIELDS 64
#define BZJ_CSV_MAX_LINE (2 << 20) /* 2 MiB: one physical line */

/* Called for every record (the header row too).  `line` is the 1-based line
 * number where the record starts.  A non-zero return stops parsing and is
 * returned by bzj_csv_parse. */
typedef int (*bzj_csv_row_fn)(void *ctx, long line, char **fields, size_t nfields, bzj_err *e);

int bzj_csv_parse(const char *data, size_t len, bzj_csv_row_fn fn, void *ctx, bzj_err *e);
/* The same, and on a format or encoding error *err_line is the line it
 * names (0 otherwise). */
int bzj_csv_parse_at(const char *data, size_t len, bzj_csv_row_fn fn, void *ctx, long *err_line,
		     bzj_err *e);

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int bzj_utf8_valid(const char *s, size_t len);

#endif
