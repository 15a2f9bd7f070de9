/* cli_priv.h - private to the command line (tui/cli*.c): the command
 * table's types, argument parsing and the output helpers every command
 * family shares.  Each family (cli_shop.c, cli_refund.c, ...) defines its
 * commands as `const cli_command cli_cmd_NAME`; cli.c lists them in the
 * order `bzj --help` shows them, and dispatches. */
#ifndef BZJ_CLI_PRIV_H
#define BZJ_CLI_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bzj/ctx.h"
#include "bzj/date.h"
#include "bzj/i18n.h"
#include "bzj/json.h"
#include "cli.h"

/* ---- arguments ---------------------------------------------------------- */

typedef struct opt {
	const char *name; /* without "--" */
	bool has_arg;
	const char *val;
	bool set;
} opt;

#define O(name, has_arg) {name, has_arg, NULL, false}

typedef struct args {
	const char *pos[8];
	int npos;
	opt *opts;
	int nopts;
} args;

#define NOPTS(o) ((int)(sizeof(o) / sizeof((o)[0])))

int cli_parse_args(int argc, char **argv, const char *cmd, opt *opts, int nopts, int npos,
		   args *a, bzj_err *e);
opt *cli_get(args *a, const char *name);
/* The value of --NAME, or NULL when not given. */
const char *cli_val(args *a, const char *name);
bool cli_flag(args *a, const char *name);
int cli_parse_int(const char *s, const char *field, long long lo, long long hi, long long *out,
		  bzj_err *e);
int cli_parse_id(const char *s, const char *field, int64_t *out, bzj_err *e);
/* The last word of a command's name: "deduct" of "violation deduct". */
const char *cli_last_word(const char *cmd);
/* The whole number of option --NAME, from lo to hi; *out keeps its default
 * when the option is not given. */
int cli_opt_int(args *a, const char *name, long long lo, long long hi, long long *out,
		bzj_err *e);
/* A whole input file ("-" = stdin), read with the caller's own rights. */
char *cli_slurp(const char *path, size_t *len, bzj_err *e);
/* An import file: mapped read-only (regular files) or read (standard
 * input, "-"); never NUL-terminated.  Refusals as cli_slurp's. */
typedef struct cli_input {
	char *data;
	size_t len;
	bool mapped;
} cli_input;
int cli_input_open(const char *path, cli_input *in, bzj_err *e);
void cli_input_close(cli_input *in);
/* The contents of the one argument of `cmd`, a FILE. */
char *cli_slurp_arg(const char *cmd, int argc, char **argv, const char **path, size_t *len,
		    bzj_err *e);

/* ---- output --------------------------------------------------------------- */

/* Text that may carry user input, escaped by core's one escaper
 * (bzj_text_escape): controls, bidi and invisible characters visible. */
void cli_put_safe(FILE *f, const char *s);
/* Every line of text output goes through these: whatever they quote from
 * the database (names, notes, reasons, payers) reaches the terminal
 * escaped like cli_put_safe; only line breaks pass. */
__attribute__((format(printf, 1, 2))) void cli_printf(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void cli_fprintf(FILE *f, const char *fmt, ...);
/* Print a JSON document and free it. */
void cli_json_print(bzj_json *j);
/* What a row callback of a list prints to: text on stdout, or the rows of
 * the --json document. */
typedef struct row_out {
	cli_env *env;
	bzj_json *j;
} row_out;

void cli_json_list(bzj_json *j, const char *key);
void cli_json_finish(const cli_env *env, bzj_json *j, bool ok);
/* A column w terminal cells wide (CJK is two cells). */
const char *cli_col_w(const char *s, int w, char *buf, size_t n);
const char *cli_payee_label(int type);
const char *cli_money(int64_t fen, char *buf); /* buf: 32 bytes */
const char *cli_day(bzj_date d, char *buf);    /* buf: 16 bytes */
/* One ledger entry, a shop's or a provider's, as `money ledger` and
 * `provider ledger` print it: a text line, or an object of the --json
 * list (payer and third_party for a shop, ref for a provider). */
typedef struct cli_entry {
	int64_t id;
	bzj_date date;
	int kind;
	int64_t amount_fen, balance_after_fen;
	const char *note;
	bool shop;
	const char *payer; /* shop */
	bool third_party;  /* shop */
	const char *ref;   /* provider */
} cli_entry;
void cli_entry_put(const cli_env *env, bzj_json *j, const cli_entry *r);

/* A shop's `shop show` JSON object, and `shop show` itself, for the
 * commands that answer with the shop. */
struct bzj_shop_view;
void cli_shop_json(bzj_json *j, const struct bzj_shop_view *v);
int cli_emit_shop(cli_env *env, bzj_ctx *x, const char *id, bzj_err *e);
/* The `newbie` object of a shop, and the same in words on one line
 * (cli_newbie.c). */
struct bzj_newbie;
void cli_newbie_json(bzj_json *j, const struct bzj_newbie *n);
void cli_newbie_text(FILE *f, const struct bzj_newbie *n);
/* A refund as `refund show` prints it (cli_refund.c). */
struct bzj_refund;
int cli_emit_refund(cli_env *env, const struct bzj_refund *r);

/* ---- the command table ------------------------------------------------------ */

/* A command, or a subcommand: `cmd` is its name for messages ("shop add"),
 * argv the words after that name. */
typedef int cmd_fn(cli_env *env, bzj_ctx *x, const char *cmd, int argc, char **argv,
		   bzj_err *e);
#define CMD(fn) static int fn(cli_env *env, bzj_ctx *x, const char *cmd, int argc, char **argv, bzj_err *e)

/* `bzj COMMAND SUBCOMMAND ...`: each list ends with {NULL}, and its order is
 * the order the usage errors name them in. */
typedef struct subcommand {
	const char *name;
	cmd_fn *fn;
} subcommand;

/* A command runs fn, or, when it has subs, the subcommand its first word
 * names. */
typedef struct cli_command {
	const char *name;
	cmd_fn *fn;
	const subcommand *subs;
	int open_flags;
	const char *usage; /* one or more lines, N_() */
} cli_command;

extern const cli_command cli_cmd_init, cli_cmd_demo, cli_cmd_shop, cli_cmd_topup, cli_cmd_fee,
	cli_cmd_gmv, cli_cmd_import, cli_cmd_deposit, cli_cmd_violation, cli_cmd_receipt,
	cli_cmd_refund, cli_cmd_ledger, cli_cmd_standards, cli_cmd_calendar, cli_cmd_audit,
	cli_cmd_check, cli_cmd_copy, cli_cmd_newbie;
/* cli_provider.c: service providers, renewal assessments, complaints */
extern const cli_command cli_cmd_provider, cli_cmd_assess, cli_cmd_complaint;
/* cli_payout.c, cli_report.c: bank batches and the finance reports */
extern const cli_command cli_cmd_payout, cli_cmd_report;
extern const cli_command cli_cmd_settings;

#endif
