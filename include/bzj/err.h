/* err.h - errors as values: a stable dotted code and a human message.
 *
 * Every core function that can fail returns one of the bzj_rc values and,
 * when it is not BZJ_OK, fills a bzj_err.  The rc doubles as the process
 * exit status of the command line (CONTRACT.md), so the mapping is fixed.
 */
#ifndef BZJ_ERR_H
#define BZJ_ERR_H

#include <stddef.h>

enum bzj_rc {
	BZJ_OK = 0,	  /* done */
	BZJ_ERULE = 1,	  /* refused by a business rule */
	BZJ_EINPUT = 2,	  /* usage error or bad input */
	BZJ_ENOTFOUND = 3, /* no such shop, refund, violation ... */
	BZJ_EPERM = 4,	  /* the user's role may not do this */
	BZJ_EBUSY = 5,	  /* busy or conflict: retry */
	BZJ_EIO = 6,	  /* storage or I/O error */
};

typedef struct bzj_err {
	int rc;		/* one of enum bzj_rc */
	char code[48];	/* stable dotted name, e.g. "refund.window" */
	char msg[512];	/* human message, names the field and the rule */
} bzj_err;

/* Fill e (if not NULL) and return rc, so callers can `return bzj_fail(...)`. */
int bzj_fail(bzj_err *e, int rc, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Reset e to BZJ_OK with empty code and message. */
void bzj_err_clear(bzj_err *e);

/* The human name of an rc ("refused", "bad input", ...). */
const char *bzj_rc_name(int rc);

/* Length of the valid UTF-8 sequence at p (n >= 1 bytes left), 0 if
 * invalid: overlongs, surrogates and code points above U+10FFFF are. */
size_t bzj_utf8_seq(const unsigned char *p, size_t n);

/* Copy untrusted text `s` into buf (n bytes) for quoting in a message:
 * control characters and bytes that are not UTF-8 become '?', and text
 * longer than fits is cut at a character boundary and ends in "...".
 * Messages reach terminals, so input must never carry escape sequences
 * into them.  Returns buf ("" for NULL s). */
char *bzj_err_quote(const char *s, char *buf, size_t n);

#endif
