/* json.c - a small JSON writer with correct string escaping: control
 * characters become \uXXXX, so no raw escape sequence reaches a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzj/json.h"
#include "bzj/text.h"

void bzj_json_init(bzj_json *j)
{
	memset(j, 0, sizeof *j);
	j->first[0] = true;
}

void bzj_json_free(bzj_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof *j);
}

static void put(bzj_json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (j->len + n + 1 > cap)
			cap *= 2;
		char *b = realloc(j->buf, cap);
		if (!b) {
			j->oom = true;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

static void puts_(bzj_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Every control character (C0, DEL, C1), bidi and invisible character
 * (bzj_text_unsafe) becomes \uXXXX and every byte that is not UTF-8
 * \ufffd, so the document is valid JSON and shows nothing a terminal acts
 * on even when printed raw. */
static void quoted(bzj_json *j, const char *s)
{
	put(j, "\"", 1);
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), run = 0;
	while (run < left) {
		unsigned char c = p[run];
		uint32_t cp = c;
		size_t k = c < 0x80 ? 1 : bzj_utf8_decode(p + run, left - run, &cp);
		if (k && c != '"' && c != '\\' && !bzj_text_unsafe(cp)) {
			run += k;
			continue;
		}
		put(j, (const char *)p, run);
		char esc[16];
		switch (k ? cp : 0xfffd) {
		case '"': puts_(j, "\\\""); break;
		case '\\': puts_(j, "\\\\"); break;
		case '\n': puts_(j, "\\n"); break;
		case '\t': puts_(j, "\\t"); break;
		case '\r': puts_(j, "\\r"); break;
		default:
			if (k && cp >= 0x10000) /* a surrogate pair */
				snprintf(esc, sizeof esc, "\\u%04x\\u%04x",
					 (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
					 (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
			else
				snprintf(esc, sizeof esc, "\\u%04x", (unsigned)(k ? cp : 0xfffd));
			puts_(j, esc);
		}
		p += run + (k ? k : 1);
		left -= run + (k ? k : 1);
		run = 0;
	}
	put(j, (const char *)p, run);
	put(j, "\"", 1);
}

static void member(bzj_json *j, const char *key)
{
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = false;
	if (key) {
		quoted(j, key);
		put(j, ":", 1);
	}
}

static void open_(bzj_json *j, const char *key, const char *br)
{
	member(j, key);
	puts_(j, br);
	if (j->depth < 63)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(bzj_json *j, const char *br)
{
	if (j->depth > 0)
		j->depth--;
	puts_(j, br);
}

void bzj_json_obj(bzj_json *j, const char *key) { open_(j, key, "{"); }
void bzj_json_obj_end(bzj_json *j) { close_(j, "}"); }
void bzj_json_arr(bzj_json *j, const char *key) { open_(j, key, "["); }
void bzj_json_arr_end(bzj_json *j) { close_(j, "]"); }

void bzj_json_str(bzj_json *j, const char *key, const char *v)
{
	member(j, key);
	if (v)
		quoted(j, v);
	else
		puts_(j, "null");
}

void bzj_json_int(bzj_json *j, const char *key, int64_t v)
{
	char b[24];
	member(j, key);
	bzj_int_text(v, b);
	puts_(j, b);
}

void bzj_json_bool(bzj_json *j, const char *key, bool v)
{
	member(j, key);
	puts_(j, v ? "true" : "false");
}

void bzj_json_null(bzj_json *j, const char *key)
{
	member(j, key);
	puts_(j, "null");
}

void bzj_json_date(bzj_json *j, const char *key, bzj_date d)
{
	char b[16];
	if (d == BZJ_DATE_NONE)
		bzj_json_null(j, key);
	else
		bzj_json_str(j, key, bzj_date_fmt(d, b, sizeof b));
}

const char *bzj_json_text(const bzj_json *j)
{
	return j->buf && !j->oom ? j->buf : "";
}
