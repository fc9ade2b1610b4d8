/*
 * The offer at start when an earlier run was interrupted: roll it back,
 * keep what it did, or decide later (asked again next time); then the
 * rollback's progress in the key bar.  The work is the interrupted-run
 * model's.  UI thread only.
 */
#include "config.h"

#include "screen_interrupted.h"

#include <stdio.h>

#include "dialog.h"
#include "errtext.h"
#include "model_interrupted.h"

static int
answered(struct app *a, int choice, const char *text)
{
	struct tm_err	err;

	(void)text;
	if (choice == 1) {
		if (interrupted_keep(&err) == -1)
			app_msg(a, EL_ERROR, "Could not close the journal: %s",
			    err.msg);
		else
			app_msg(a, EL_OK, "Kept what the interrupted run copied; "
			    "it will not be offered again");
		return D_NOW;
	}
	if (choice != 0)
		return D_NOW;
	if (interrupted_rollback(&a->cli.mo.dst_reg, &err) == -1)
		app_msg(a, EL_ERROR, "Cannot start the rollback: %s", err.msg);
	else
		app_msg(a, EL_ACTIVE, "Rolling back the interrupted run");
	return D_NOW;
}

void
interrupted_offer(struct app *a)
{
	struct interrupted_offer	o;
	struct tm_err			err;
	char				body[8192];
	int				rc;

	if ((rc = interrupted_find(a->cli.mo.state_dir, &o, &err)) == 0)
		return;
	if (rc == -1) {
		app_msg(a, EL_ERROR, "An interrupted run's journal is unreadable "
		    "(%s): %s", o.path, err.msg);
		return;
	}
	snprintf(body, sizeof body,
	    "A run started %s did not finish (killed or crashed).\n"
	    "Source:      %s\n"
	    "Destination: %s/%s\n"
	    "It changed %zu tag%s there before it stopped.\n"
	    "\n"
	    "Roll back: put those tags back as they were before that run.\n"
	    "Keep: leave the destination as it is now.\n"
	    "Journal: %s", o.started, o.source, o.host, o.repo, o.changed,
	    o.changed == 1 ? "" : "s", o.path);
	dialog_confirm(a, "An earlier run was interrupted", body,
	    "&Roll back|&Keep|&Later", a->cli.mo.rollback ? 0 : 1, answered);
}

int
interrupted_news(struct app *a)
{
	struct tm_err	err;
	char		buf[1024];
	size_t		restored = 0;

	switch (interrupted_events(&restored, &err)) {
	case IN_NONE:
		return 0;
	case IN_PROGRESS:
		app_msg(a, EL_ACTIVE, "Rolling back the interrupted run: %zu tags "
		    "restored", restored);
		return D_DRAW;
	case IN_DONE:
		app_msg(a, EL_OK, "The interrupted run is rolled back: the "
		    "destination is as it was before it (%zu tags restored)",
		    restored);
		return D_NOW;
	case IN_FAILED:
		explain_err(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "The rollback did not finish: %s", buf);
		return D_NOW;
	}
	return 0;
}
