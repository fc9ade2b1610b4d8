/*
 * The mirrors screen: the set the TUI holds, one row per mirror with its
 * live preview count and warnings, then its run (state, tags, bytes);
 * add, edit (in the set-up form), remove, reorder, mark, run, drill down
 * into a mirror's run, keep or roll back per mirror; saved sets.
 */
#ifndef TM_SCREEN_MIRRORS_H
#define TM_SCREEN_MIRRORS_H

#include "app.h"

extern const struct screen_ops	mirrors_screen;

/*
 * Ctrl-N: open the screen.  From the form, the mirror it holds goes back
 * to the row being edited (or becomes a new row after a, or the first
 * one of an empty set); a drilled-down run is handed back to the set.
 */
int	 mirrors_open(struct app *);
/*
 * --set FILE|NAME: load the set into a->set before the screen starts.
 * 0, or -1 with the reason in buf.
 */
int	 mirrors_load_arg(struct app *, const char *arg, char *buf, size_t n);

#endif
