/*
 * Test mode (TAGMIRROR_SCRIPT): keys and commands from a file instead of
 * the keyboard.  The loop lends it what it needs through script_host.
 */
#ifndef TM_SCRIPT_H
#define TM_SCRIPT_H

#include "app.h"

struct script_host {
	int	(*key)(struct app *, int key);	/* apply a key: dirty bits */
	void	(*redraw)(struct app *);	/* draw now, for screen dumps */
	int	(*idle)(struct app *);		/* 1: no background work */
};

int	 script_open(const char *path);
int	 script_active(void);
int	 script_failed(void);
/* Run the next line (or go on waiting).  Dirty bits. */
int	 script_step(struct app *, const struct script_host *);
double	 script_timeout(void);

#endif
