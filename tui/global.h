/*
 * The app's global keys (run, help, quit, theme, redraw) and the dialogs
 * they open; also what a termination signal does.  Above the screens:
 * the loop reaches these through struct app and loop_on_signal.
 */
#ifndef TM_GLOBAL_H
#define TM_GLOBAL_H

#include "app.h"

/* A key no screen or dialog took: dirty bits. */
int	 global_key(struct app *, int key);
/* SIGINT/SIGTERM/SIGHUP number n: stop the run first, then quit. */
int	 global_signal(void *app, int n);

#endif
