/* keymap.c - the action table, key names, config remaps and lookups. */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "bzj/i18n.h"
#include "keymap.h"

#define ACT_DEF_(id, nm, ks, pn, fl, pm, lb, hp)                                                   \
	[ACT_##id] = {.name = nm,                                                                  \
	              .keys = ks,                                                                  \
	              .panels = pn,                                                                \
	              .flags = fl,                                                                 \
	              .perm = pm,                                                                  \
	              .label = lb,                                                                 \
	              .help = hp},
const ui_action_def ui_actions[ACT_COUNT] = {BZJ_ACTIONS(ACT_DEF_)};
#undef ACT_DEF_

static const struct {
	const char *name;
	int key;
} key_names[] = {
    {"Up", KEYMAP_FKEY(KEY_UP)},
    {"Down", KEYMAP_FKEY(KEY_DOWN)},
    {"Left", KEYMAP_FKEY(KEY_LEFT)},
    {"Right", KEYMAP_FKEY(KEY_RIGHT)},
    {"PgUp", KEYMAP_FKEY(KEY_PPAGE)},
    {"PageUp", KEYMAP_FKEY(KEY_PPAGE)},
    {"PgDn", KEYMAP_FKEY(KEY_NPAGE)},
    {"PageDown", KEYMAP_FKEY(KEY_NPAGE)},
    {"Home", KEYMAP_FKEY(KEY_HOME)},
    {"End", KEYMAP_FKEY(KEY_END)},
    {"Enter", KEYMAP_ENTER},
    {"Esc", KEYMAP_ESC},
    {"Tab", '\t'},
    {"S-Tab", KEYMAP_FKEY(KEY_BTAB)},
    {"BTab", KEYMAP_FKEY(KEY_BTAB)},
    {"Space", ' '},
    {"Backspace", KEYMAP_FKEY(KEY_BACKSPACE)},
    {"Del", KEYMAP_FKEY(KEY_DC)},
    {"Delete", KEYMAP_FKEY(KEY_DC)},
    {"Ins", KEYMAP_FKEY(KEY_IC)},
    {"Insert", KEYMAP_FKEY(KEY_IC)},
};

int keymap_key_parse(const char *s)
{
	size_t i, len;
	wchar_t wc;
	mbstate_t st;

	if (!s || !*s)
		return -1;
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (!strcasecmp(s, key_names[i].name))
			return key_names[i].key;
	if ((s[0] == 'F' || s[0] == 'f') && s[1] >= '1' && s[1] <= '9') {
		char *end;
		long n = strtol(s + 1, &end, 10);
		if (!*end && n >= 1 && n <= 12)
			return KEYMAP_FKEY(KEY_F(n));
	}
	if (s[0] == '^' && s[1] && !s[2]) {
		int c = s[1] == '?' ? 127 : (s[1] & 0x1f);
		return s[1] == '?' || (s[1] >= '@' && s[1] <= '_') || (s[1] >= 'a' && s[1] <= 'z')
		           ? c
		           : -1;
	}
	memset(&st, 0, sizeof st);
	len = mbrtowc(&wc, s, strlen(s), &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0 || s[len])
		return -1;
	if (wc < 32 || wc == 127)
		return -1;
	return (int)wc;
}

const char *keymap_key_name(int key, char *buf, size_t n)
{
	size_t i;

	if (n == 0)
		return buf;
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].key == key) {
			snprintf(buf, n, "%s", key_names[i].name);
			return buf;
		}
	}
	if (key >= KEYMAP_FKEY(KEY_F(1)) && key <= KEYMAP_FKEY(KEY_F(12))) {
		snprintf(buf, n, "F%d", key - KEYMAP_FKEY(KEY_F0));
	} else if (key == 127) {
		snprintf(buf, n, "^?");
	} else if (key >= 0 && key < 32) {
		snprintf(buf, n, "^%c", key + '@');
	} else if (key > 0 && key < 0x110000) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t l = wcrtomb(mb, (wchar_t)key, &st);
		if (l == (size_t)-1)
			snprintf(buf, n, "U+%04X", key);
		else {
			mb[l] = 0;
			snprintf(buf, n, "%s", mb);
		}
	} else {
		snprintf(buf, n, "?");
	}
	return buf;
}

int keymap_from_input(int ret, unsigned int wch)
{
	if (ret == KEY_CODE_YES) {
		if (wch == KEY_ENTER)
			return KEYMAP_ENTER;
		return KEYMAP_FKEY((int)wch);
	}
	if (wch == '\r')
		return KEYMAP_ENTER;
	if (wch == 127 || wch == 8)
		return KEYMAP_FKEY(KEY_BACKSPACE);
	return (int)wch;
}

int keymap_find(const char *name)
{
	for (int a = 0; a < ACT_COUNT; a++)
		if (name && !strcmp(ui_actions[a].name, name))
			return a;
	return ACT_NONE;
}

/* Parse "k1 k2 ..." into keys[]; returns the count or -1 with err set. */
static int parse_keys(const char *spec, int *keys, char *err, size_t errn)
{
	char tmp[128], *save = NULL, *tok;
	int n = 0;

	snprintf(tmp, sizeof tmp, "%s", spec ? spec : "");
	for (tok = strtok_r(tmp, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		int k = keymap_key_parse(tok);
		if (k < 0) {
			snprintf(err, errn, _("unknown key name '%s'"), tok);
			return -1;
		}
		if (n == KEYMAP_MAX_KEYS) {
			snprintf(err, errn, _("at most %d keys per action"), KEYMAP_MAX_KEYS);
			return -1;
		}
		keys[n++] = k;
	}
	if (n == 0)
		snprintf(err, errn, _("no keys given"));
	return n ? n : -1;
}

void keymap_defaults(keymap *km)
{
	char err[128];

	memset(km, 0, sizeof *km);
	for (int a = 0; a < ACT_COUNT; a++) {
		int n = parse_keys(ui_actions[a].keys, km->keys[a], err, sizeof err);
		km->nkeys[a] = n > 0 ? n : 0;
	}
}

int keymap_lookup(const keymap *km, int panel, int key)
{
	for (int a = 0; a < ACT_COUNT; a++) {
		if (!(ui_actions[a].panels & panel))
			continue;
		for (int i = 0; i < km->nkeys[a]; i++)
			if (km->keys[a][i] == key)
				return a;
	}
	return ACT_NONE;
}

int keymap_conflict(const keymap *km, int panel, int *pa, int *pb)
{
	for (int a = 0; a < ACT_COUNT; a++) {
		if (!(ui_actions[a].panels & panel))
			continue;
		for (int b = a; b < ACT_COUNT; b++) {
			if (!(ui_actions[b].panels & panel))
				continue;
			for (int i = 0; i < km->nkeys[a]; i++) {
				for (int j = 0; j < km->nkeys[b]; j++) {
					if (a == b && i == j)
						continue;
					if (km->keys[a][i] != km->keys[b][j])
						continue;
					if (pa)
						*pa = a;
					if (pb)
						*pb = b;
					return km->keys[a][i];
				}
			}
		}
	}
	return 0;
}

int keymap_bind(keymap *km, const char *action, const char *keys, char *err, size_t errn)
{
	int a = keymap_find(action), k[KEYMAP_MAX_KEYS], n;
	static const int panels[] = {PB_SHOPS, PB_DETAIL, PB_REFUNDS, PB_VIOL, PB_PROV, PB_PDETAIL, PB_ASSESS};

	if (a == ACT_NONE) {
		snprintf(err, errn, _("keys.%s: no such action"), action ? action : "?");
		return -1;
	}
	char why[96];
	if ((n = parse_keys(keys, k, why, sizeof why)) < 0) {
		snprintf(err, errn, "keys.%s: %s", action, why);
		return -1;
	}
	keymap saved = *km;
	memcpy(km->keys[a], k, sizeof k);
	km->nkeys[a] = n;
	for (size_t p = 0; p < sizeof panels / sizeof panels[0]; p++) {
		int x, y, key;
		if (!(ui_actions[a].panels & panels[p]))
			continue;
		if ((key = keymap_conflict(km, panels[p], &x, &y))) {
			char kn[32];
			snprintf(err, errn, _("keys.%s: %s is already bound to %s"), action,
			         keymap_key_name(key, kn, sizeof kn),
			         ui_actions[x == a ? y : x].name);
			*km = saved;
			return -1;
		}
	}
	return 0;
}

int keymap_apply(keymap *km, const bzj_keybind *binds, size_t n, char *err, size_t errn)
{
	int skipped = 0;

	if (errn)
		err[0] = 0;
	for (size_t i = 0; i < n; i++) {
		char one[160];
		if (keymap_bind(km, binds[i].action, binds[i].keys, one, sizeof one) == 0)
			continue;
		if (!skipped++)
			snprintf(err, errn, "%s", one);
	}
	return skipped;
}

const char *keymap_keys_str(const keymap *km, int action, int max, char *buf, size_t n)
{
	size_t len = 0;
	int cnt = km->nkeys[action];

	if (n == 0)
		return buf;
	buf[0] = 0;
	if (max > 0 && cnt > max)
		cnt = max;
	for (int i = 0; i < cnt && len < n; i++) {
		char kn[32];
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "/" : "",
		                        keymap_key_name(km->keys[action][i], kn, sizeof kn));
	}
	return buf;
}

/* Man page: one .TP per action, grouped like the help overlay. */
static void man_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static const struct {
	int bit;
	const char *title;
} man_groups[] = {
    {PB_SHOPS, "Shop list"},
    {PB_DETAIL, "Deposit detail"},
    {PB_REFUNDS, "Refund queue"},
    {PB_VIOL, "Violations"},
    {PB_PROV, "Service providers"},
    {PB_PDETAIL, "Provider detail"},
    {PB_ASSESS, "Renewal assessments"},
};

static bool in_group(int a, int g)
{
	const ui_action_def *d = &ui_actions[a];
	if (g < 0)
		return (d->flags & (AF_GLOB | AF_NAV)) != 0;
	return !(d->flags & (AF_GLOB | AF_NAV)) && (d->panels & man_groups[g].bit);
}

static void write_group(FILE *f, int g, bool man)
{
	keymap km;
	char keys[96];

	keymap_defaults(&km);
	for (int a = 0; a < ACT_COUNT; a++) {
		if (!in_group(a, g))
			continue;
		keymap_keys_str(&km, a, 0, keys, sizeof keys);
		if (man) {
			fputs(".TP\n.B ", f);
			man_escape(f, keys);
			fputs("\n", f);
			man_escape(f, ui_actions[a].help);
			fputs(" (\\fI", f);
			man_escape(f, ui_actions[a].name);
			fputs("\\fR)\n", f);
		} else {
			fprintf(f, "  %-14s %-22s %s\n", keys, ui_actions[a].name,
			        ui_actions[a].help);
		}
	}
}

void keymap_write_man(FILE *f)
{
	fputs(".SS \"Everywhere\"\n", f);
	write_group(f, -1, true);
	for (size_t g = 0; g < sizeof man_groups / sizeof man_groups[0]; g++) {
		fprintf(f, ".SS \"%s\"\n", man_groups[g].title);
		write_group(f, (int)g, true);
	}
}

void keymap_write_text(FILE *f)
{
	fputs("Everywhere:\n", f);
	write_group(f, -1, false);
	for (size_t g = 0; g < sizeof man_groups / sizeof man_groups[0]; g++) {
		fprintf(f, "%s:\n", man_groups[g].title);
		write_group(f, (int)g, false);
	}
}
