/* keymap.h - every console action once: its config name, default keys,
 * the panels it works in, the permission it needs and its help text.
 *
 * BZJ_ACTIONS is the single source of truth.  The action enum, the key
 * dispatch, the `?` overlay, the status-line hints and the man page's key
 * section are all generated from it; `keys = { name = "k1 k2"; }` in the
 * config rebinds an action by its name. */
#ifndef BZJ_TUI_KEYMAP_H
#define BZJ_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bzj/auth.h"
#include "bzj/config.h"

/* Panels, as bits so an action can belong to several. */
enum ui_panel_bit {
	PB_SHOPS = 1,
	PB_DETAIL = 2,
	PB_REFUNDS = 4,
	PB_VIOL = 8,
	PB_PROV = 16,	/* the provider list */
	PB_PDETAIL = 32, /* one provider, within panel 5 */
	PB_ASSESS = 64,	/* the renewal assessments, within panel 5 */
	PB_ALL = 127,
};

/* Action flags. */
enum ui_action_flag {
	AF_HINT = 1, /* shown in the status line's key hints */
	AF_SEL = 2,  /* needs a selected row */
	AF_NAV = 4,  /* moving around: listed in the help's "Moving" part */
	AF_GLOB = 8, /* works everywhere: listed in the help's "Everywhere" part */
};

#define P_NAV (BZJ_PERM_READ)

/* X(ENUM, "config-name", "default keys", panels, flags, perm, label, help)
 * `label` is the short word of the status-line hint; actions in a row that
 * share a label are shown as one hint ("b/c/o/p Filter"). */
#define BZJ_ACTIONS(X)                                                                             \
	X(QUIT, "quit", "Q", PB_ALL, AF_GLOB | AF_HINT, P_NAV, N_("Quit"), N_("Quit bzj"))         \
	X(BACK, "back", "q Esc", PB_ALL, AF_GLOB, P_NAV, N_("Back"),                               \
	  N_("Back to the previous panel (q on the shop list quits)"))                             \
	X(HELP, "help", "? F1", PB_ALL, AF_GLOB | AF_HINT, P_NAV, N_("Help"),                      \
	  N_("Show the keys of this panel"))                                                       \
	X(RELOAD, "reload", "r", PB_ALL, AF_GLOB, P_NAV, N_("Reload"),                             \
	  N_("Reload from the database now (other operators' changes also show by themselves)"))                        \
	X(REDRAW, "redraw", "^L", PB_ALL, AF_GLOB, P_NAV, N_("Redraw"),                            \
	  N_("Redraw the whole screen"))                                                           \
	X(NEXT_PANEL, "next-panel", "Tab", PB_ALL, AF_GLOB, P_NAV, N_("Next panel"),               \
	  N_("Go to the next panel"))                                                              \
	X(PREV_PANEL, "prev-panel", "S-Tab", PB_ALL, AF_GLOB, P_NAV, N_("Previous panel"),         \
	  N_("Go to the previous panel"))                                                          \
	X(PANEL_SHOPS, "panel-shops", "1", PB_ALL, AF_GLOB, P_NAV, N_("Shops"),                    \
	  N_("Go to the shop list"))                                                               \
	X(PANEL_DETAIL, "panel-detail", "2", PB_ALL, AF_GLOB, P_NAV, N_("Detail"),                 \
	  N_("Go to the deposit detail of the selected shop"))                                     \
	X(PANEL_REFUNDS, "panel-refunds", "3", PB_ALL, AF_GLOB, P_NAV, N_("Refunds"),              \
	  N_("Go to the refund queue"))                                                            \
	X(PANEL_VIOLATIONS, "panel-violations", "4", PB_ALL, AF_GLOB, P_NAV, N_("Violations"),     \
	  N_("Go to the violations"))                                                              \
	X(PANEL_PROVIDERS, "panel-providers", "5", PB_ALL, AF_GLOB, P_NAV, N_("Providers"),        \
	  N_("Go to the service providers"))                                                       \
	X(UP, "up", "Up k", PB_ALL, AF_NAV, P_NAV, N_("Up"), N_("Move up one line"))               \
	X(DOWN, "down", "Down j", PB_ALL, AF_NAV, P_NAV, N_("Down"), N_("Move down one line"))     \
	X(PAGE_UP, "page-up", "PgUp ^B", PB_ALL, AF_NAV, P_NAV, N_("Page up"),                     \
	  N_("Move up one page"))                                                                  \
	X(PAGE_DOWN, "page-down", "PgDn ^F", PB_ALL, AF_NAV, P_NAV, N_("Page down"),               \
	  N_("Move down one page"))                                                                \
	X(FIRST, "first", "Home g", PB_ALL, AF_NAV, P_NAV, N_("First"),                            \
	  N_("Go to the first line"))                                                              \
	X(LAST, "last", "End G", PB_ALL, AF_NAV, P_NAV, N_("Last"), N_("Go to the last line"))     \
	X(OPEN, "open", "Enter", PB_SHOPS | PB_REFUNDS | PB_VIOL, AF_HINT | AF_SEL, P_NAV,         \
	  N_("Detail"), N_("Open the deposit detail of the selected shop"))                        \
	X(SEARCH, "search", "/", PB_SHOPS, AF_HINT, P_NAV, N_("Search"),                           \
	  N_("Search as you type by shop id, shop name or operator name"))                         \
	X(SORT, "sort", "s", PB_SHOPS, AF_HINT, P_NAV, N_("Sort"),                                 \
	  N_("Sort by the next column: id, name, required, balance"))                              \
	X(SORT_REVERSE, "sort-reverse", "S", PB_SHOPS, 0, P_NAV, N_("Reverse"),                    \
	  N_("Reverse the sort order"))                                                            \
	X(FILTER_SHORTFALL, "filter-shortfall", "b", PB_SHOPS, AF_HINT, P_NAV, N_("Filter"),       \
	  N_("Only shops with a shortfall (payout restricted), or all"))                           \
	X(FILTER_STATUS, "filter-status", "c", PB_SHOPS, AF_HINT, P_NAV, N_("Filter"),             \
	  N_("Shop status: any, open, closed"))                                                    \
	X(FILTER_VIOLATIONS, "filter-violations", "o", PB_SHOPS, AF_HINT, P_NAV, N_("Filter"),     \
	  N_("Only shops with open violations, or all"))                                           \
	X(FILTER_REFUND, "filter-refund", "p", PB_SHOPS, AF_HINT, P_NAV, N_("Filter"),             \
	  N_("Only shops with a refund in progress, or all"))                                      \
	X(FILTER_CLEAR, "filter-clear", "x", PB_SHOPS, 0, P_NAV, N_("Clear"),                      \
	  N_("Clear the search and every filter"))                                                 \
	X(SHOP_VIOLATIONS, "shop-violations", "v", PB_SHOPS | PB_DETAIL, AF_HINT | AF_SEL, P_NAV,  \
	  N_("Violations"), N_("Show the violations of the selected shop"))                        \
	X(TOPUP, "topup", "t", PB_DETAIL, AF_HINT | AF_SEL, BZJ_PERM_MONEY_IN, N_("Top up"),       \
	  N_("Record a top-up of the shop's deposit"))                                             \
	X(FEE, "fee", "f", PB_DETAIL, AF_SEL, BZJ_PERM_MONEY_IN, N_("Fee"),                        \
	  N_("Record a bank or third-party fee the merchant bears"))                             \
	X(CATEGORY_ADD, "category-add", "+", PB_DETAIL, AF_SEL, BZJ_PERM_SHOP, N_("Category"),      \
	  N_("Add a business category, picked from the standards, after a preview"))             \
	X(CATEGORY_REMOVE, "category-remove", "-", PB_DETAIL, AF_SEL, BZJ_PERM_ADMIN,              \
	  N_("Remove category"), N_("Remove a category recorded by mistake (with a reason)"))      \
	X(PAYEE, "payee", "p", PB_DETAIL, AF_SEL, BZJ_PERM_SHOP, N_("Payee"),                       \
	  N_("Record the refund account (payee rules apply)"))                                   \
	X(SHOP_CLOSE, "shop-close", "C", PB_DETAIL, AF_SEL, BZJ_PERM_SHOP, N_("Close shop"),        \
	  N_("Record the closure and the signed closure agreement (voids receipts)"))            \
	X(REFUND_SUBMIT, "refund-submit", "n", PB_DETAIL, AF_HINT | AF_SEL,                        \
	  BZJ_PERM_REFUND_REVIEW, N_("Refund"),                                                    \
	  N_("Submit a refund: partial while open, the closure refund once closed"))               \
	X(RECEIPT, "receipt", "e", PB_DETAIL, AF_SEL, BZJ_PERM_RECEIPT, N_("Receipt"),             \
	  N_("Request the e-receipt of a top-up (from 7 days after it)"))                          \
	X(REFUND_APPROVE, "refund-approve", "a", PB_REFUNDS, AF_HINT | AF_SEL,                     \
	  BZJ_PERM_REFUND_REVIEW, N_("Approve"), N_("Approve the selected refund"))                \
	X(REFUND_REJECT, "refund-reject", "x", PB_REFUNDS, AF_HINT | AF_SEL,                       \
	  BZJ_PERM_REFUND_REVIEW, N_("Reject"), N_("Reject the selected refund, with a reason"))   \
	X(REFUND_CHECKLIST, "refund-checklist", "c", PB_REFUNDS, AF_HINT | AF_SEL,                 \
	  BZJ_PERM_REFUND_REVIEW, N_("Checklist"),                                                 \
	  N_("Tick the closure checklist (four items) and approve"))                               \
	X(REFUND_CANCEL, "refund-cancel", "D", PB_REFUNDS, AF_SEL, BZJ_PERM_REFUND_REVIEW,         \
	  N_("Cancel"), N_("Cancel the selected refund at the merchant's request"))                \
	X(REFUND_PAY, "refund-pay", "p", PB_REFUNDS, AF_HINT | AF_SEL, BZJ_PERM_REFUND_PAY,        \
	  N_("Pay"), N_("Record the payout of the selected refund"))                               \
	X(REFUND_FAIL, "refund-fail", "F", PB_REFUNDS, AF_HINT | AF_SEL, BZJ_PERM_REFUND_PAY,      \
	  N_("Fail"), N_("Record that the payout failed, with a reason"))                          \
	X(REFUND_FIND, "refund-find", "/", PB_REFUNDS, AF_HINT, P_NAV, N_("Find"),               \
	  N_("Find a refund by its number, shop id or shop name"))                                 \
	X(FILTER_RSTATUS, "filter-refund-status", "s", PB_REFUNDS, AF_HINT, P_NAV, N_("Status"),   \
	  N_("Status filter: open, all, then each status"))                                        \
	X(FILTER_RKIND, "filter-refund-kind", "t", PB_REFUNDS, 0, P_NAV, N_("Kind"),               \
	  N_("Kind filter: any, partial, closure"))                                                \
	X(FILTER_OVERDUE, "filter-overdue", "o", PB_REFUNDS, 0, P_NAV, N_("Overdue"),              \
	  N_("Only overdue refunds, or all"))                                                      \
	X(REPORTS, "reports", "P", PB_REFUNDS, AF_HINT, P_NAV, N_("Reports"),                      \
	  N_("Reports: payouts and late ones per day, breaches, the queue, the month, bank batches")) \
	X(VIOLATION_ADD, "violation-add", "a", PB_DETAIL | PB_VIOL, AF_HINT, BZJ_PERM_VIOLATION,   \
	  N_("Add"), N_("Add a violation, with its raise and freeze"))                             \
	X(VIOLATION_DEDUCT, "violation-deduct", "d", PB_VIOL, AF_HINT | AF_SEL,                    \
	  BZJ_PERM_VIOLATION, N_("Deduct"), N_("Deduct from the deposit for the violation"))       \
	X(VIOLATION_FREEZE, "violation-freeze", "f", PB_VIOL, AF_SEL, BZJ_PERM_VIOLATION,          \
	  N_("Freeze"), N_("Freeze more of the deposit for the violation"))                      \
	X(VIOLATION_RESOLVE, "violation-resolve", "c", PB_VIOL, AF_HINT | AF_SEL,                  \
	  BZJ_PERM_VIOLATION, N_("Resolve"),                                                       \
	  N_("Resolve the violation: its raise ends and its freeze is released"))                  \
	X(VIOLATION_SCOPE, "violation-scope", "s", PB_VIOL, AF_HINT, P_NAV, N_("Scope"),           \
	  N_("Switch between this shop's violations and all shops'"))                              \
	X(VIOLATION_OPEN_ONLY, "violation-open-only", "o", PB_VIOL, 0, P_NAV, N_("Open only"),     \
	  N_("Only open violations, or all"))                                                      \
	X(PROVIDER_OPEN, "provider-open", "Enter", PB_PROV, AF_HINT | AF_SEL, P_NAV, N_("Detail"),   \
	  N_("Open the selected provider: deposit, shops, complaints, ledger"))                    \
	X(PROVIDER_SEARCH, "provider-search", "/", PB_PROV, AF_HINT, P_NAV, N_("Search"),          \
	  N_("Search as you type by provider id or name"))                                         \
	X(FILTER_PKIND, "filter-provider-kind", "t", PB_PROV, AF_HINT, P_NAV, N_("Filter"),        \
	  N_("Provider kind: any, agency, industry belt"))                                         \
	X(FILTER_PSTATUS, "filter-provider-status", "c", PB_PROV, AF_HINT, P_NAV, N_("Filter"),    \
	  N_("Provider status: any, probation, certified, revoked, ordinary, exited"))             \
	X(FILTER_PSHORTFALL, "filter-provider-shortfall", "b", PB_PROV, AF_HINT, P_NAV,            \
	  N_("Filter"), N_("Only providers below their required deposit, or all"))                 \
	X(FILTER_PCLEAR, "filter-provider-clear", "x", PB_PROV, 0, P_NAV, N_("Clear"),             \
	  N_("Clear the search and every filter"))                                                 \
	X(PROVIDER_TOPUP, "provider-topup", "t", PB_PDETAIL, AF_HINT | AF_SEL, BZJ_PERM_MONEY_IN,  \
	  N_("Top up"), N_("Record a top-up of the provider's deposit"))                           \
	X(PROVIDER_FEE, "provider-fee", "f", PB_PDETAIL, AF_SEL, BZJ_PERM_MONEY_IN, N_("Fee"),     \
	  N_("Record a fee taken from the provider's available balance"))                          \
	X(COMPLAINT_ADD, "complaint-add", "a", PB_PDETAIL, AF_HINT | AF_SEL, BZJ_PERM_VIOLATION,   \
	  N_("Complaint"), N_("Record a merchant's complaint, with an optional freeze"))           \
	X(COMPLAINT_UPHOLD, "complaint-uphold", "u", PB_PDETAIL, AF_HINT | AF_SEL,                 \
	  BZJ_PERM_VIOLATION, N_("Uphold"),                                                        \
	  N_("Uphold an open complaint: compensation deducted from the provider's deposit"))       \
	X(COMPLAINT_DISMISS, "complaint-dismiss", "d", PB_PDETAIL, AF_HINT | AF_SEL,               \
	  BZJ_PERM_VIOLATION, N_("Dismiss"),                                                       \
	  N_("Dismiss an open complaint, with a reason: its freeze is released"))                  \
	X(PROVIDER_BIND, "provider-bind", "B", PB_PDETAIL, AF_SEL, BZJ_PERM_SHOP, N_("Bind"),      \
	  N_("Bind a shop to the provider from a day through an optional last day"))               \
	X(PROVIDER_UNBIND, "provider-unbind", "E", PB_PDETAIL, AF_SEL, BZJ_PERM_SHOP,              \
	  N_("End binding"), N_("End a shop's open binding on its last bound day"))                \
	X(PROVIDER_PAYEE, "provider-payee", "p", PB_PDETAIL, AF_SEL, BZJ_PERM_SHOP, N_("Payee"),   \
	  N_("Record the refund account: a corporate account in the certified name"))              \
	X(PROVIDER_EXIT, "provider-exit", "X", PB_PDETAIL, AF_SEL, BZJ_PERM_SHOP, N_("Exit"),      \
	  N_("Record that the provider leaves the service market"))                                \
	X(PROVIDER_REFUND, "provider-refund", "n", PB_PDETAIL, AF_HINT | AF_SEL,                   \
	  BZJ_PERM_REFUND_REVIEW, N_("Exit refund"),                                               \
	  N_("Request the exit refund: the available balance into the refund queue"))             \
	X(ASSESSMENTS, "assessments", "A", PB_PROV | PB_PDETAIL, AF_HINT, P_NAV, N_("Assessments"), \
	  N_("Show the renewal assessments and each provider's progress"))                         \
	X(ASSESS_NEXT, "assessment-next", "n", PB_ASSESS, AF_HINT, P_NAV, N_("Next"),              \
	  N_("Show the next assessment"))                                                          \
	X(ASSESS_PREVIEW, "assessment-preview", "p", PB_ASSESS, AF_HINT, P_NAV, N_("Preview"),     \
	  N_("What closing the assessment today would decide (nothing is written)"))               \
	X(ASSESS_CLOSE, "assessment-close", "C", PB_ASSESS, AF_HINT, BZJ_PERM_ADMIN, N_("Close"),  \
	  N_("Close the assessment after its period: preview first, then confirm"))

#ifndef N_
#define N_(s) (s)
#endif

#define ACT_ENUM_(id, name, keys, panels, flags, perm, label, help) ACT_##id,
enum ui_action { ACT_NONE = -1, BZJ_ACTIONS(ACT_ENUM_) ACT_COUNT };
#undef ACT_ENUM_

#define KEYMAP_MAX_KEYS 4

typedef struct ui_action_def {
	const char *name;  /* config name */
	const char *keys;  /* default keys, space-separated names */
	int panels;        /* enum ui_panel_bit */
	int flags;         /* enum ui_action_flag */
	int perm;          /* enum bzj_perm */
	const char *label; /* untranslated short label */
	const char *help;  /* untranslated help */
} ui_action_def;

/* The table (ACT_COUNT entries, in table order). */
extern const ui_action_def ui_actions[ACT_COUNT];

/* Key codes: a character is its wide-character value; a curses function key
 * is KEYMAP_FKEY(KEY_x).  Enter is always '\n'. */
#define KEYMAP_FKEY(k) (0x200000 + (k))
#define KEYMAP_ENTER '\n'
#define KEYMAP_ESC 27

/* The bound keys of every action. */
typedef struct keymap {
	int keys[ACT_COUNT][KEYMAP_MAX_KEYS];
	int nkeys[ACT_COUNT];
} keymap;

/* Fill km with the defaults of the table (always succeeds for the shipped
 * table; the unit tests check it). */
void keymap_defaults(keymap *km);
/* Apply config remaps by action name.  A remap with an unknown action, a
 * bad key name or a key already bound to another action of a panel it
 * shares is skipped, and described in err (n bytes; "" when all applied).
 * Returns the number of remaps skipped. */
int keymap_apply(keymap *km, const bzj_keybind *binds, size_t n, char *err, size_t errn);
/* Rebind one action from a space-separated list of key names. */
int keymap_bind(keymap *km, const char *action, const char *keys, char *err, size_t errn);

/* Action bound to `key` in `panel` (a PB_ bit), or ACT_NONE. */
int keymap_lookup(const keymap *km, int panel, int key);
/* Action by config name, or ACT_NONE. */
int keymap_find(const char *name);
/* The first key bound to `panel`'s pair of actions that conflict, or 0. */
int keymap_conflict(const keymap *km, int panel, int *a, int *b);

/* Key names: "Up", "PgDn", "Enter", "Esc", "Tab", "BTab", "Space", "F1",
 * "^L", or one character (case matters: "g" and "G" differ).  Returns the code or -1. */
int keymap_key_parse(const char *name);
/* The name of a key code, as the config and the help write it. */
const char *keymap_key_name(int key, char *buf, size_t n);
/* "k1/k2" of an action's keys (all of them when max <= 0). */
const char *keymap_keys_str(const keymap *km, int action, int max, char *buf, size_t n);

/* Normalise a curses input (ret of get_wch, and the value) into a key code. */
int keymap_from_input(int ret, unsigned int wch);

/* The key section of the man page (roff) and a plain text listing, from the
 * table with its default keys. */
void keymap_write_man(FILE *f);
void keymap_write_text(FILE *f);

#endif
