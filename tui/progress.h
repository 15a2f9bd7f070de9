/* progress.h - progress of long commands on stderr: a bar on a terminal,
 * a plain line every 10 % otherwise. */
#ifndef BZJ_PROGRESS_H
#define BZJ_PROGRESS_H

#include <stdbool.h>

#include "bzj/ctx.h"

void progress_attach(bzj_ctx *x, const char *what);
/* End the bar's line, if one was drawn. */
void progress_done(void);

#endif
