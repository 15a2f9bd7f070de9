/* money.h - money is int64_t fen (1/100 yuan); never floating point. */
#ifndef BZJ_MONEY_H
#define BZJ_MONEY_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/err.h"

/* Largest amount accepted on input: 100 billion yuan, far above any deposit
 * and far below INT64_MAX, so sums of many amounts cannot overflow. */
#define BZJ_MONEY_MAX_FEN ((int64_t)10000000000000)

/* Parse yuan with up to two decimals ("3000", "3000.5", "3000.50") into fen.
 * Refuses signs, separators, exponents, spaces, more than two decimals and
 * amounts above BZJ_MONEY_MAX_FEN with code "input.amount"; the message
 * names `field`.  Zero is accepted; callers that need > 0 check it. */
int bzj_money_parse(const char *s, const char *field, int64_t *out, bzj_err *e);

/* a + b into *out.  False, with *out untouched, when the sum would not fit
 * in int64: a sum of money never wraps (callers answer "input.amount"). */
bool bzj_money_add(int64_t a, int64_t b, int64_t *out);

/* Format as "¥1,234.56" (negative: "-¥1,234.56").  buf >= 32 bytes. */
char *bzj_money_fmt(int64_t fen, char *buf, size_t n);

/* Format as plain yuan "1234.56" (negative: "-1234.56").  buf >= 32 bytes. */
char *bzj_money_plain(int64_t fen, char *buf, size_t n);

#endif
