/*
 * The UI loop: waits on the terminal (or the test script) and on the
 * registered event sources, hands keys to the open dialog or the current
 * screen (then to the app's global keys), and redraws when a handler
 * returns a dirty bit.  It knows no model: the app registers them.
 * UI thread only.
 */
#ifndef TM_LOOP_H
#define TM_LOOP_H

#include "app.h"

/* Something that wakes the loop; every callback gets ctx, any may be NULL. */
struct loop_source {
	int	(*fd)(void *);		/* fd to wait on, -1 when none now */
	int	(*events)(void *);	/* after every wake-up: dirty bits */
	int	(*tick)(void *);	/* every 100 ms or so: dirty bits */
	int	(*busy)(void *);	/* 1: work in progress */
	void	*ctx;
};

/* Block the signals the loop handles; before any thread starts. */
void	 loop_signals_init(void);
/* Register a source (copied); -1 when the table is full. */
int	 loop_add_source(const struct loop_source *);
/* On SIGINT/SIGTERM/SIGHUP: fn(ctx, how many so far) gives dirty bits. */
void	 loop_on_signal(int (*fn)(void *, int), void *ctx);
/* The loop: 0 when the person quit, -1 when the terminal went away. */
int	 loop_run(struct app *);

#endif
