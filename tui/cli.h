/* cli.h - the batch commands of bzj (CONTRACT.md) and their output. */
#ifndef BZJ_CLI_H
#define BZJ_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "bzj/ctx.h"

/* What main() has settled before a command runs. */
typedef struct cli_env {
	const char *db_path;
	const bzj_config *cfg;
	bzj_actor actor;
	bool json;
	bool privileged;
	volatile int *interrupted;
} cli_env;

/* Run `argv[0] ...` (the command and its arguments); returns the exit
 * status (0, or a bzj_rc). */
int cli_run(cli_env *env, int argc, char **argv);
/* Short help: the command list, or one command's usage. */
void cli_usage(FILE *f);
bool cli_command_help(const char *name, FILE *f);
/* Print an error the contract's way: JSON on stdout with --json, and the
 * message on stderr. */
void cli_error(const cli_env *env, const bzj_err *e);

#endif
