/* text.c - the one escaper for text bzj shows (see bzj/text.h). */
#include <stdio.h>
#include <string.h>

#include "bzj/err.h"
#include "bzj/text.h"

size_t bzj_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t k = bzj_utf8_seq(p, n);
	uint32_t c = 0;
	if (k == 1)
		c = p[0];
	else if (k == 2)
		c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	else if (k == 3)
		c = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	else if (k == 4)
		c = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
	*cp = c;
	return k;
}

bool bzj_text_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || /* C0, DEL, C1 */
	       c == 0x00ad ||				   /* soft hyphen: invisible */
	       (c >= 0x200b && c <= 0x200f) ||		   /* zero-width, LRM, RLM */
	       (c >= 0x2028 && c <= 0x202e) ||		   /* separators, bidi embeddings */
	       (c >= 0x2060 && c <= 0x206f) ||		   /* word joiner, isolates, ... */
	       c == 0xfeff ||				   /* BOM / zero-width no-break */
	       (c >= 0xfff9 && c <= 0xfffb) ||		   /* interlinear annotation */
	       (c >= 0xd800 && c <= 0xdfff) ||		   /* surrogates */
	       (c >= 0xfdd0 && c <= 0xfdef) ||		   /* noncharacters */
	       (c & 0xfffe) == 0xfffe || c > 0x10ffff ||
	       (c >= 0xe0000 && c <= 0xe007f); /* tag characters */
}

size_t bzj_text_escape_char(uint32_t c, bool byte, char *out)
{
	int n;
	if (byte)
		n = snprintf(out, 12, "\\x%02x", (unsigned)c & 0xff);
	else if (c < 0x20)
		n = snprintf(out, 12, "^%c", (char)(c + '@'));
	else if (c == 0x7f)
		n = snprintf(out, 12, "^?");
	else if (c < 0x100)
		n = snprintf(out, 12, "\\x%02x", (unsigned)c);
	else if (c < 0x10000)
		n = snprintf(out, 12, "\\u%04x", (unsigned)c);
	else
		n = snprintf(out, 12, "\\U%08x", (unsigned)c);
	return n > 0 ? (size_t)n : 0;
}

void bzj_text_escape(const char *s, size_t n, const char *keep, bzj_text_put_fn put, void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* bytes of p[0..run) to write as they are */
	while (run < n) {
		uint32_t c;
		size_t k = bzj_utf8_decode(p + run, n - run, &c);
		bool kept = k == 1 && c != 0 && keep && strchr(keep, (int)c);
		if (k && (kept || !bzj_text_unsafe(c))) {
			run += k;
			continue;
		}
		if (run)
			put(ctx, (const char *)p, run);
		char esc[12];
		size_t m = k ? bzj_text_escape_char(c, false, esc)
			     : bzj_text_escape_char(p[run], true, esc);
		put(ctx, esc, m);
		p += run + (k ? k : 1);
		n -= run + (k ? k : 1);
		run = 0;
	}
	if (run)
		put(ctx, (const char *)p, run);
}

typedef struct sbuf {
	char *b;
	size_t n, len;
	bool full;
} sbuf;

static void sbuf_put(void *ctx, const char *p, size_t n)
{
	sbuf *s = ctx;
	if (s->full)
		return;
	if (s->len + n + 1 > s->n) {
		/* as much as fits, never half a character */
		n = s->n - s->len - 1;
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
		s->full = true;
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
	s->b[s->len] = 0;
}

char *bzj_text_safe(const char *s, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	buf[0] = 0;
	if (!s)
		return buf;
	sbuf sb = {buf, n, 0, false};
	bzj_text_escape(s, strlen(s), NULL, sbuf_put, &sb);
	return buf;
}

size_t bzj_int_text(int64_t v, char buf[24])
{
	char tmp[24];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t k = 0;
	if (v < 0)
		buf[k++] = '-';
	while (n)
		buf[k++] = tmp[--n];
	buf[k] = 0;
	return k;
}

void bzj_hex(const uint8_t *d, size_t n, char *out)
{
	static const char digit[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digit[d[i] >> 4];
		out[2 * i + 1] = digit[d[i] & 15];
	}
	out[2 * n] = 0;
}

bool bzj_copy(char *dst, size_t n, const char *src)
{
	if (!n)
		return !*src;
	size_t len = strnlen(src, n);
	bool fits = len < n;
	if (!fits)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = 0;
	return fits;
}
