/*
 * The app's global keys and the dialogs they open (quit while a run is
 * active, the colour theme), and what a termination signal does.
 */
#include "config.h"

#include "global.h"

#include <stdio.h>
#include <string.h>

#include "dialog.h"
#include "help.h"
#include "model_interrupted.h"
#include "model_mirrors.h"
#include "model_run.h"
#include "screen_mirrors.h"
#include "screens.h"
#include "strv.h"

static int
quit_answer(struct app *a, int choice, const char *text)
{
	(void)text;
	if (choice != 0)
		return D_NOW;
	a->quit_when_idle = 1;
	if (a->run != NULL)
		run_cancel(a->run);
	mirrors_cancel(a->set);
	app_msg(a, EL_WARN, "Stopping the run; tagmirror quits when the "
	    "workers have stopped (q again: quit now)");
	return D_NOW;
}

/* Quitting an undecided run keeps it, the documented default. */
static int
undecided_answer(struct app *a, int choice, const char *text)
{
	(void)text;
	if (choice != 0)
		return D_NOW;
	run_keep(a->run);
	return D_QUIT;
}

static int
quit(struct app *a)
{
	if (a->quit_when_idle)
		return D_QUIT;
	if (interrupted_busy()) {
		app_msg(a, EL_WARN, "Wait: the interrupted run is still being "
		    "rolled back");
		return D_NOW;
	}
	if ((a->run != NULL && run_busy(a->run)) || mirrors_running(a->set)) {
		dialog_confirm(a, "Quit while a run is active?",
		    "Tags being copied stop now; tags already copied stay.\n"
		    "The journal records every change, so the run can be\n"
		    "rolled back later (tagmirror rollback --last).",
		    "&Yes, stop and quit|&No, keep running", 1, quit_answer);
		return D_NOW;
	}
	if (run_undecided(a->run) || mirrors_undecided(a->set)) {
		dialog_confirm(a, "Quit without deciding?",
		    "Quitting keeps what was mirrored (the default):\n"
		    "the run ends as PARTIAL_MIRROR and it can still be\n"
		    "rolled back later (tagmirror rollback --last).",
		    "&Keep and quit|&No, stay", 0, undecided_answer);
		return D_NOW;
	}
	return D_QUIT;
}

static void
theme_warned(void *ud, const char *msg)
{
	struct app	*a = ud;

	app_msg(a, EL_ERROR, "%s", msg);
}

static int
theme_picked(struct app *a, int choice, const char *name)
{
	struct theme	*t;

	if (choice < 0)
		return D_NOW;
	a->msg[0] = '\0';
	if ((t = theme_load(name, theme_warned, a)) == NULL)
		return D_NOW;
	theme_use(t);
	if (theme_remember(name) == -1)
		app_msg(a, EL_WARN, "Theme %s in use, but it could not be "
		    "remembered in the config directory", name);
	else if (a->msg[0] == '\0')
		app_msg(a, EL_OK, "Theme %s (remembered for next time)", name);
	return D_NOW | D_CLEAR;
}

static void
theme_pick(struct app *a)
{
	char	**names;
	size_t	  n, i, sel = 0;

	n = theme_list(&names);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], theme_current_name()) == 0)
			sel = i;
	dialog_pick(a, "Colour theme", names, n, sel, theme_picked);
	tm_strv_free(names, n);
}

int
global_key(struct app *a, int key)
{
	switch (keys_action(KS_GLOBAL, key)) {
	case ACT_RUN:
		return setup_start_run(a);
	case ACT_MIRRORS:
		return mirrors_open(a);
	case ACT_HELP:
		help_open(a);
		return D_NOW;
	case ACT_QUIT:
		return quit(a);
	case ACT_THEME:
		theme_pick(a);
		return D_NOW;
	case ACT_REDRAW:
		return D_NOW | D_CLEAR;
	default:
		return 0;
	}
}

int
global_signal(void *ctx, int n)
{
	struct app	*a = ctx;

	if (a->quit_when_idle || n > 1 || (!run_busy(a->run) &&
	    !mirrors_running(a->set)))
		return D_QUIT;
	a->quit_when_idle = 1;
	run_cancel(a->run);
	mirrors_cancel(a->set);
	app_msg(a, EL_WARN, "Terminated: stopping the run first");
	return D_NOW;
}
