/*
 * The screens: set-up form with live preview, run, keep-or-roll-back and
 * troubleshoot.  They read the models and open one another; nothing
 * below them (models, loop, app.c) calls them.
 */
#ifndef TM_SCREENS_H
#define TM_SCREENS_H

#include "app.h"

extern const struct screen_ops	setup_screen, run_screen, decide_screen,
				detail_screen;

/* screen_setup.c */
int	 setup_init(struct app *);
void	 setup_free(struct app *);
/* Ctrl-R: check the form, start the engine, switch to the run screen. */
int	 setup_start_run(struct app *);
/* Every 100 ms or so: start a pending listing once typing has paused. */
int	 setup_tick(struct app *);
/* 1 while source fields changed and their listing has not started. */
int	 setup_pending(void);
/* The form's source, destination and tags (valid until its next key). */
void	 setup_fields(const char **src, const char **dst, const char **tags);
/* Fill those three (a set's mirror to edit) and list the source. */
void	 setup_fill(struct app *, const char *src, const char *dst,
	    const char *tags);

/* Open the troubleshoot screen at tag (-1: the first failed one). */
void	 detail_open(struct app *, long tag);
/* Ask keep or roll back; the highlight follows the rollback setting. */
void	 decide_open(struct app *);

#endif
