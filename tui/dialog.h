/* dialog.h - modal dialogs over the console: confirmations, messages,
 * text input (CJK included), the reason prompt and small forms (the
 * closure checklist and the violation form are forms).
 *
 * Dialog keys are fixed and shown in the dialog itself: Tab/Down and
 * BTab/Up move between fields and buttons, Space ticks or cycles, Enter
 * submits (the focused button, or from a field the default one; it never
 * ticks a box), Esc cancels. */
#ifndef BZJ_TUI_DIALOG_H
#define BZJ_TUI_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "bzj/violation.h"
#include "ui.h"

/* One line of editable text, kept as wide characters. */
#define LEDIT_MAX 256
typedef struct ledit {
	wchar_t w[LEDIT_MAX + 1];
	int len, cur, scroll;
	size_t maxbytes; /* UTF-8 bytes it may hold (0 = LEDIT_MAX * 4) */
	bool full;	 /* the last character typed did not fit */
} ledit;

void ledit_set(ledit *e, const char *utf8);
char *ledit_get(const ledit *e, char *buf, size_t n);
/* 1: the text changed; 0: the key moved the cursor; -1: not an edit key. */
int ledit_key(ledit *e, int key);
/* Draw within `width` columns; returns the cursor's column. */
int ledit_draw(WINDOW *w, int y, int x, int width, ledit *e);

enum dlg_ftype {
	DF_TEXT,   /* one line of text into buf */
	DF_CHOICE, /* one of choices[], Space/Left/Right cycle */
	DF_CHECK,  /* a checkbox; `locked` ones cannot be changed */
	DF_INFO,   /* a line of text, not focusable */
};

typedef struct dlg_field {
	int type;
	const char *label; /* translated */
	char *buf;         /* DF_TEXT: initial and final text */
	size_t n;
	const char *const *choices; /* DF_CHOICE: translated */
	int nchoices;
	int *choice;
	bool *check; /* DF_CHECK */
	bool locked;
	int hotkey;       /* DF_CHECK: a key that toggles it from anywhere */
	const char *note; /* dim text after the field */
	ledit ed;         /* internal */
} dlg_field;

#define DLG_MAX_BUTTONS 4

typedef struct dlg_form dlg_form;
struct dlg_form {
	const char *title;
	const char *body; /* text above the fields; '\n' separates paragraphs */
	bool body_pre;    /* body holds a table: its widest line sets the width */
	dlg_field *f;
	int nf;
	const char *buttons[DLG_MAX_BUTTONS]; /* translated; [0] is the default */
	int hotkeys[DLG_MAX_BUTTONS];         /* 0 = none */
	int nbuttons;
	int cancel;       /* the button Esc means */
	int focus_button; /* button focused first when there are no fields */
	/* A button other than `cancel` was pressed: return 0 to close, or
	 * non-zero to stay open showing msg. */
	int (*submit)(void *ctx, int button, dlg_form *f);
	void *ctx;
	char msg[640];
	int msg_style;
};

/* Run the form; returns the index of the button that closed it. */
int dlg_run(ui *u, dlg_form *f);

/* Yes/no; the focus starts on "no", `y` answers yes. */
bool dlg_confirm(ui *u, const char *title, const char *body, bool pre, const char *yes);
/* A message; any key closes it. */
void dlg_message(ui *u, const char *title, const char *body, int style);
/* Ask for text (required: refuses empty). */
bool dlg_input(ui *u, const char *title, const char *body, const char *label, const char *ok,
               char *buf, size_t n, bool required);
/* The effect of a violation action on the shop, before/after, then yes/no. */
bool dlg_effect(ui *u, const char *title, const char *what, const bzj_effect *ef, bool deduction,
                const char *yes);
/* The before/after table as preformatted lines (also used by tests). */
void dlg_effect_text(const bzj_effect *ef, bool deduction, char *buf, size_t n);

#endif
