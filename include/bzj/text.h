/* text.h - the one escaper for text bzj shows: every character that can
 * make a terminal do something or show something other than what is
 * stored (C0 and C1 controls, DEL, bidi overrides and isolates, zero-width
 * characters, the BOM, line and paragraph separators, noncharacters,
 * invalid UTF-8) is written as a visible escape.  The command line's text
 * output, the console and the JSON writer all use it. */
#ifndef BZJ_TEXT_H
#define BZJ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point of the UTF-8 sequence at p (n bytes left); returns its
 * length, 0 when the bytes are not valid UTF-8. */
size_t bzj_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* A character that must never reach a terminal raw. */
bool bzj_text_unsafe(uint32_t cp);
/* The same, but for text in names and reasons: also refuses what cannot
 * belong there (every unsafe character is refused, tab included). */
#define bzj_text_refused(cp) bzj_text_unsafe(cp)

/* How an unsafe character is shown: ^X for C0 (^? for DEL), \xNN for C1
 * and for a byte that is not UTF-8, \uXXXX for the rest.  `out` holds at
 * least 12 bytes; returns the length written. */
size_t bzj_text_escape_char(uint32_t cp, bool byte, char *out);

/* Write s (n bytes) to `put` with every unsafe character escaped; `keep`
 * lists ASCII controls passed through as they are (e.g. "\n" for
 * multi-line output), or NULL. */
typedef void (*bzj_text_put_fn)(void *ctx, const char *p, size_t n);
void bzj_text_escape(const char *s, size_t n, const char *keep, bzj_text_put_fn put, void *ctx);

/* Into a buffer, truncated at a character boundary (always terminated). */
char *bzj_text_safe(const char *s, char *buf, size_t n);

/* v in decimal ("-12", as printf's %lld writes it) into buf, terminated;
 * returns its length.  For the loops that write ten thousand numbers (a
 * bank file, a batch's JSON, the seals), where snprintf's format parsing
 * costs ten times the digits. */
size_t bzj_int_text(int64_t v, char buf[24]);

/* src into dst[n] as snprintf(dst, n, "%s", src) would, without its
 * format parsing; false when src was cut to fit. */
bool bzj_copy(char *dst, size_t n, const char *src);

/* n bytes as 2n lower-case hex digits into out, terminated (2n + 1 bytes):
 * the digests bzj writes (each audit record has one). */
void bzj_hex(const uint8_t *d, size_t n, char *out);

#endif
