/* err.c - errors as values (err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bzj/err.h"
#include "bzj/text.h"
#include "bzj/i18n.h"

/* A message cut by vsnprintf may end inside a UTF-8 sequence: drop the
 * partial character so the message stays valid UTF-8. */
static void utf8_trim_tail(char *s)
{
	size_t len = strlen(s), i = len, need;
	unsigned char c;

	/* Find the last byte that starts a character. */
	while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

int bzj_fail(bzj_err *e, int rc, const char *code, const char *fmt, ...)
{
	char msg[sizeof e->msg];
	char cbuf[sizeof e->code];
	va_list ap;

	if (!e)
		return rc;
	/* Format into locals first: callers may pass e->msg or e->code as
	 * arguments when they wrap an inner error ("line 3: %s"). */
	msg[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		if (vsnprintf(msg, sizeof msg, fmt, ap) >= (int)sizeof msg)
			utf8_trim_tail(msg);
		va_end(ap);
	}
	snprintf(cbuf, sizeof cbuf, "%s", code ? code : "");
	e->rc = rc;
	memcpy(e->code, cbuf, sizeof cbuf);
	memcpy(e->msg, msg, sizeof msg);
	return rc;
}

void bzj_err_clear(bzj_err *e)
{
	if (!e)
		return;
	e->rc = BZJ_OK;
	e->code[0] = '\0';
	e->msg[0] = '\0';
}

const char *bzj_rc_name(int rc)
{
	switch (rc) {
	case BZJ_OK:
		return _("done");
	case BZJ_ERULE:
		return _("refused");
	case BZJ_EINPUT:
		return _("bad input");
	case BZJ_ENOTFOUND:
		return _("not found");
	case BZJ_EPERM:
		return _("permission denied");
	case BZJ_EBUSY:
		return _("busy");
	case BZJ_EIO:
		return _("storage error");
	default:
		return _("error");
	}
}

size_t bzj_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

char *bzj_err_quote(const char *s, char *buf, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left, o = 0, k;

	if (!buf || n == 0)
		return buf;
	buf[0] = '\0';
	if (!s)
		return buf;
	left = strlen(s);
	while (left > 0) {
		k = bzj_utf8_seq(p, left);
		/* Room for this character, the NUL and, unless the rest is
		 * sure to fit (output is never longer than input), the "..."
		 * that may have to end the copy. */
		if (o + (k ? k : 1) + (o + left + 1 <= n ? 1 : 4) > n) {
			if (o + 4 <= n) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		uint32_t cp = 0;
		if (k)
			bzj_utf8_decode(p, k, &cp);
		if (k == 0 || bzj_text_unsafe(cp)) {
			/* invalid byte, control, bidi or invisible character */
			buf[o++] = '?';
			k = k ? k : 1;
		} else {
			memcpy(buf + o, p, k);
			o += k;
		}
		p += k;
		left -= k;
	}
	buf[o] = '\0';
	return buf;
}
