/* newbie.h - the newbie period (新手期): experience scores, risk findings,
 * the daily check that caps failing newbie shops at 1,000 paid orders a day,
 * and graduation.  The rule itself is bzj_newbie_reasons (rules.h); this
 * module applies it to every newbie shop at once and records the outcome.
 *
 * Who may: reviewers and supervisors (the role that records violations)
 * import scores, open and close risk findings, run the check and graduate
 * shops; everyone reads. */
#ifndef BZJ_NEWBIE_H
#define BZJ_NEWBIE_H

#include <stdbool.h>
#include <stdint.h>
#include "bzj/ctx.h"
#include "bzj/rules.h"

/* A shop's newbie state, as shop show and the console give it. */
typedef struct bzj_newbie {
	int status;		/* enum bzj_newbie_status */
	bool capped;		/* at BZJ_NEWBIE_CAP_ORDERS paid orders a day */
	bzj_date capped_since;	/* first capped day (the failing check's D+1) */
	bzj_date last_check;	/* day of the last check of this shop */
	int reasons;		/* bits the last check failed (0: passed) */
	bzj_date graduated;	/* BZJ_DATE_NONE unless graduated */
	char graduated_by[64];
	int64_t risk_id;	/* the open risk finding, 0 if none */
	bzj_date risk_opened;
	char risk_note[257];
} bzj_newbie;

int bzj_newbie_get(bzj_ctx *x, const char *shop_id, bzj_newbie *out, bzj_err *e);

/* The daily check of every newbie shop for `day` (status newbie, opened on
 * or before it, not closed on or before it), one transaction, one audit
 * record.  Checks move forward: `day` after today is refused
 * ("newbie.future"), before the latest day already checked too
 * ("newbie.check_order"); the latest day again changes nothing and says so
 * (`already` true). */
typedef struct bzj_newbie_run {
	bzj_date day;
	bool already;	 /* this day was checked before: nothing written */
	int64_t checked; /* shops checked */
	int64_t failed;	 /* of them, failing (capped from day+1) */
	int64_t capped;	 /* newly capped by this check */
	int64_t lifted;	 /* caps lifted by this check */
} bzj_newbie_run;
int bzj_newbie_check_day(bzj_ctx *x, bzj_date day, bzj_newbie_run *out, bzj_err *e);

/* Open (a note of what is wrong) or close a risk finding against a shop,
 * dated today.  At most one is open per shop: "risk.open" when opening a
 * second, "risk.none_open" when closing with none open. */
int bzj_newbie_risk(bzj_ctx *x, const char *shop_id, bool open, const char *note, int64_t *id,
		    bzj_err *e);

/* The shop leaves the newbie period on `day` (not after today, not before it
 * opened); its cap, if any, ends that day.  "newbie.direct" for a shop let
 * straight through, "newbie.graduated" when already graduated. */
int bzj_newbie_graduate(bzj_ctx *x, const char *shop_id, bzj_date day, bzj_err *e);

/* Record that a shop just added was let straight through (inside the
 * caller's transaction: shop add --direct). */
int bzj_newbie_direct(bzj_ctx *x, const char *shop_id, bzj_err *e);

#endif
