/* progress.c - progress lines for long commands. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static struct {
	bool tty, drawn;
	int last_step;
	time_t last, start;
} st;

static int report(void *ctx, const char *what, long long done, long long total)
{
	(void)ctx;
	if (st.tty) {
		time_t now = time(NULL);
		if (now == st.last && done != total)
			return 0;
		st.last = now;
		if (total > 0) {
			int pct = (int)(done * 100 / total);
			char bar[31];
			memset(bar, '#', (size_t)(pct * 30 / 100));
			memset(bar + pct * 30 / 100, '.', (size_t)(30 - pct * 30 / 100));
			bar[30] = 0;
			fprintf(stderr, "\r%s [%s] %3d%% %lld/%lld", what, bar, pct, done, total);
		} else {
			fprintf(stderr, "\r%s %lld", what, done);
		}
		st.drawn = true;
		return 0;
	}
	/* Plain lines only for work that takes a while. */
	if (time(NULL) - st.start < 1)
		return 0;
	if (total > 0) {
		int step = (int)(done * 10 / total);
		if (step != st.last_step) {
			st.last_step = step;
			fprintf(stderr, "%s: %d%% (%lld/%lld)\n", what, step * 10, done, total);
		}
	}
	return 0;
}

void progress_attach(bzj_ctx *x, const char *what)
{
	(void)what;
	memset(&st, 0, sizeof st);
	st.tty = isatty(STDERR_FILENO);
	st.last_step = -1;
	st.start = time(NULL);
	x->progress = report;
	x->progress_ctx = NULL;
}

void progress_done(void)
{
	if (st.drawn)
		fputc('\n', stderr);
	st.drawn = false;
}
