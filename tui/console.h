/* console.h - the interactive console (`bzj` with no command). */
#ifndef BZJ_TUI_CONSOLE_H
#define BZJ_TUI_CONSOLE_H

#include "bzj/config.h"
#include "bzj/ctx.h"

/* Run the console on an open context until the user quits.  x->actor is
 * the user and role, x->today the date, cfg->keys the key remaps by action
 * name.  Returns the process exit status (0, or 2 without a terminal). */
int bzj_console_run(bzj_ctx *x, const bzj_config *cfg, const char *db_path);

#endif
