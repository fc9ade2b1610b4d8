/*
 * The interactive application's shared state: the current screen, the
 * open dialog, the key-bar message and the models the screens read.
 * app.c holds what every screen uses (messages, switching, the title and
 * key bars); the loop (loop.c) drives it, the global keys (global.c) sit
 * above the screens.  Everything here runs on the UI thread.
 */
#ifndef TM_APP_H
#define TM_APP_H

#include <stddef.h>

#include "cli.h"
#include "dirty.h"
#include "keys.h"
#include "theme.h"

struct app;
struct preview;
struct run;
struct demo;
struct mirrors;

struct screen_ops {
	const char	*name;
	void		(*draw)(struct app *);
	/* Dirty bits; D_PASS when the key is not the screen's. */
	int		(*key)(struct app *, int key);
	enum key_scope	 scope;		/* the keys help opens at */
};

/* A dialog drawn over the screen that takes every key while open. */
struct modal_ops {
	void		(*draw)(struct app *, void *);
	int		(*key)(struct app *, void *, int key);
	void		(*free)(void *);
};

struct app {
	struct cli		 cli;
	const struct screen_ops	*screen;
	const struct modal_ops	*modal;
	void			*modal_data;
	/* Keys no screen or dialog took (quit, help, theme...). */
	int			(*global_key)(struct app *, int key);
	int			 cur_y, cur_x;	/* text cursor; -1: hidden */
	int			 pasting;	/* inside a bracketed paste */
	int			 typing;	/* a text field has focus */
	int			 quit_when_idle; /* leave once the run stops */
	char			 msg[512];	/* one-line message in the key bar */
	enum theme_el		 msg_el;
	double			 msg_until;
	struct preview		*pv;
	struct run		*run;
	int			 run_lent;	/* run is the set's: never freed as a->run */
	struct mirrors		*set;		/* the mirrors screen's set */
	struct demo		*demo;
};

void	 app_msg(struct app *, enum theme_el, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 app_switch(struct app *, const struct screen_ops *);
void	 modal_open(struct app *, const struct modal_ops *, void *);
void	 modal_close(struct app *);
/* Title line: left text, right text (status). */
void	 app_title(struct app *, const char *left, const char *right);
/* Move a list cursor for an up/down/page/top/bottom action; 1 if moved. */
int	 list_move(enum action, size_t *sel, size_t n, int rows);
/* The key bar, or the current message while it lasts. */
void	 app_keybar(struct app *, const enum action *, size_t);

#endif
