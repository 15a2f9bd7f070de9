/* i18n.c - gettext with a memo (see bzj/i18n.h).
 *
 * Every _() was a dgettext() call, and glibc's costs about 1,600
 * instructions even when no catalogue is loaded: a lock, the environment
 * read for LANGUAGE and the LC_* variables, the domain's binding.  The
 * console's first screen makes 479 of them (callgrind, 80x24 at a million
 * shops: 4.7% of its start), the same few dozen strings again and again.
 * So a translation is kept by the address of its msgid, which for the
 * strings bzj translates is a literal in the program's read-only data or
 * a table of them: an address outside the program's data (a buffer on the
 * stack or the heap, whose contents can change) always asks gettext.  The
 * memo is emptied whenever glibc's catalogue counter moves (setlocale,
 * textdomain, bindtextdomain all bump it), so a change of locale is seen.
 * One thread translates (SQLite's sorter threads never do). */
#include <stdint.h>
#include <string.h>

#include "bzj/i18n.h"

/* glibc's (and GNU gettext's) count of catalogue changes */
extern int _nl_msg_cat_cntr;
/* the linker's bounds of the program's text, read-only data and data */
extern const char __executable_start[], edata[];

#define MEMO_BITS 10
#define MEMO_SLOTS (1u << MEMO_BITS)
#define MEMO_PROBES 8

static struct memo {
	const char *id;
	char *tr;
} memo[MEMO_SLOTS];
static int memo_gen = -1;

char *bzj_gettext(const char *id)
{
	if (id < __executable_start || id >= edata)
		return dgettext(BZJ_TEXTDOMAIN, id);
	if (memo_gen != _nl_msg_cat_cntr) {
		memset(memo, 0, sizeof memo);
		memo_gen = _nl_msg_cat_cntr;
	}
	uint64_t h = ((uint64_t)(uintptr_t)id * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - MEMO_BITS);
	for (unsigned k = 0; k < MEMO_PROBES; k++) {
		struct memo *m = &memo[(h + k) & (MEMO_SLOTS - 1)];
		if (m->id == id)
			return m->tr;
		if (!m->id) {
			char *tr = dgettext(BZJ_TEXTDOMAIN, id);
			/* the lookup may itself load a catalogue and move the counter */
			if (memo_gen == _nl_msg_cat_cntr) {
				m->id = id;
				m->tr = tr;
			}
			return tr;
		}
	}
	return dgettext(BZJ_TEXTDOMAIN, id);
}
