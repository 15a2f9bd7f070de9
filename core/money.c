/* money.c - strict yuan parsing into int64 fen, and formatting (money.h).
 *
 * Input grammar: DIGIT+ [ "." DIGIT [DIGIT] ].  Nothing else: no sign, no
 * thousands separators, no exponent, no spaces.  Money never passes through
 * floating point. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bzj/i18n.h"
#include "bzj/money.h"

#define YUAN_SIGN "\xc2\xa5" /* U+00A5 in UTF-8 */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int money_bad(const char *s, const char *field, bzj_err *e)
{
	char q[64];

	return bzj_fail(e, BZJ_EINPUT, "input.amount",
			_("%s: '%s' is not an amount in yuan (digits with up to two "
			  "decimals, e.g. 3000.50)"),
			field, bzj_err_quote(s, q, sizeof q));
}

static int money_big(const char *s, const char *field, bzj_err *e)
{
	char q[64];

	return bzj_fail(e, BZJ_EINPUT, "input.amount",
			_("%s: '%s' is more than the largest accepted amount, "
			  "100,000,000,000 yuan"),
			field, bzj_err_quote(s, q, sizeof q));
}

int bzj_money_parse(const char *s, const char *field, int64_t *out, bzj_err *e)
{
	const char *p = s;
	int64_t whole = 0, frac = 0, fen;
	bool big = false;

	if (!field)
		field = "amount";
	if (!s)
		return bzj_fail(e, BZJ_EINPUT, "input.amount",
				_("%s: missing (an amount in yuan, e.g. 3000.50)"), field);
	if (!is_digit(*p))
		return money_bad(s, field, e);
	/* Stop accumulating once past the limit, so 30-digit inputs cannot
	 * overflow; keep scanning to check the syntax of the rest. */
	for (; is_digit(*p); p++) {
		if (big)
			continue;
		whole = whole * 10 + (*p - '0');
		if (whole > BZJ_MONEY_MAX_FEN / 100)
			big = true;
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return money_bad(s, field, e);
		frac = (*p++ - '0') * 10;
		if (is_digit(*p))
			frac += *p++ - '0';
	}
	if (*p != '\0')
		return money_bad(s, field, e);
	if (big)
		return money_big(s, field, e);
	fen = whole * 100 + frac;
	if (fen > BZJ_MONEY_MAX_FEN)
		return money_big(s, field, e);
	if (out)
		*out = fen;
	return BZJ_OK;
}

/* Write |fen| as yuan: whole part (with commas when `group`), '.', cents.
 * Works on the unsigned magnitude so INT64_MIN is fine. */
static void money_write(int64_t fen, bool group, const char *sign, char *buf, size_t n)
{
	uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t whole = mag / 100;
	unsigned cents = (unsigned)(mag % 100);
	char rev[40], digits[40];
	size_t r = 0, i;

	do {
		if (group && r % 4 == 3)
			rev[r++] = ',';
		rev[r++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole > 0);
	for (i = 0; i < r; i++)
		digits[i] = rev[r - 1 - i];
	digits[r] = '\0';
	snprintf(buf, n, "%s%s%s.%02u", fen < 0 ? "-" : "", sign, digits, cents);
}

char *bzj_money_fmt(int64_t fen, char *buf, size_t n)
{
	if (buf && n > 0)
		money_write(fen, true, YUAN_SIGN, buf, n);
	return buf;
}

char *bzj_money_plain(int64_t fen, char *buf, size_t n)
{
	if (buf && n > 0)
		money_write(fen, false, "", buf, n);
	return buf;
}

bool bzj_money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t sum;

	if (__builtin_add_overflow(a, b, &sum))
		return false;
	*out = sum;
	return true;
}
