/*
 * The interactive application: one loop (ui.c) polls the terminal and the
 * event queues of the background work, hands keys to the current screen
 * (or the open dialog) and events to their models, and redraws when a
 * handler returns a dirty bit.  Handlers never draw; screens never block.
 *
 * Screens: set-up form with live preview, run, keep-or-roll-back, and
 * troubleshoot.  Models: preview (tag listing and matching) and run (the
 * mirror engine).  Everything here runs on the UI thread.
 */
#ifndef TM_APP_H
#define TM_APP_H

#include <stddef.h>

#include <curses.h>

#include "cli.h"
#include "mirror.h"
#include "keys.h"
#include "theme.h"

/* What a handler asks of the loop. */
#define D_DRAW	0x01	/* redraw (at most 10 times a second) */
#define D_NOW	0x02	/* redraw at once: the user is typing */
#define D_CLEAR	0x04	/* repaint the whole terminal */
#define D_QUIT	0x08	/* leave the loop */

struct app;
struct preview;
struct run;
struct demo;

struct screen_ops {
	const char	*name;
	void		(*draw)(struct app *);
	int		(*key)(struct app *, int key);
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
	int			 cur_y, cur_x;	/* text cursor; -1: hidden */
	int			 pasting;	/* inside a bracketed paste */
	int			 typing;	/* a text field has focus */
	int			 quit_when_idle; /* leave once the run stops */
	char			 msg[512];	/* one-line message in the key bar */
	enum theme_el		 msg_el;
	double			 msg_until;
	struct preview		*pv;
	struct run		*run;
	struct demo		*demo;
};

/* ui.c: the loop and the things every screen shares. */
/* Block the signals the loop handles; before any thread starts. */
void	 ui_signals_init(void);
/* The loop: 0 when the person quit, -1 when the terminal went away. */
int	 ui_loop(struct app *);
/* Draw now, outside the loop's schedule (test mode's screen dumps). */
void	 ui_redraw(struct app *);
void	 app_msg(struct app *, enum theme_el, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 app_switch(struct app *, const struct screen_ops *);
void	 modal_open(struct app *, const struct modal_ops *, void *);
void	 modal_close(struct app *);
/* Global keys (run, help, quit, theme, redraw); the screens' fallback. */
int	 app_global_key(struct app *, int key);
int	 app_quit(struct app *);
/* Title line: left text, right text (status). */
void	 app_title(struct app *, const char *left, const char *right);
/* Move a list cursor for an up/down/page/top/bottom action; 1 if moved. */
int	 list_move(enum action, size_t *sel, size_t n, int rows);
/* The key bar, or the current message while it lasts. */
void	 app_keybar(struct app *, const enum action *, size_t);

/* dialog.c: confirm, text prompt and picker dialogs. */
typedef int	 dialog_fn(struct app *, int choice, const char *text);
/*
 * buttons: "&Keep|&Roll back" ('&' marks the key); fn gets the button
 * index, or -1 when dismissed.  body may hold several lines.
 */
void	 dialog_confirm(struct app *, const char *title, const char *body,
	    const char *buttons, int def, dialog_fn *);
/* One line of text; fn gets 0 and the text, or -1 when dismissed. */
void	 dialog_prompt(struct app *, const char *title, const char *label,
	    const char *initial, dialog_fn *);
/* Pick one of items (copied); fn gets the index and the item, or -1. */
void	 dialog_pick(struct app *, const char *title, char *const *items,
	    size_t n, size_t sel, dialog_fn *);

/* script.c: test mode (TAGMIRROR_SCRIPT), keys and commands from a file. */
int	 script_open(const char *path);
int	 script_active(void);
int	 script_failed(void);
/* Run the next line (or go on waiting); key applies a key.  Dirty bits. */
int	 script_step(struct app *, int (*key)(struct app *, int));
double	 script_timeout(void);

/* help.c */
void	 help_open(struct app *);

/* The screens. */
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

/* Open the troubleshoot screen at tag (-1: the first failed one). */
void	 detail_open(struct app *, long tag);
/* Ask keep or roll back; the highlight follows the rollback setting. */
void	 decide_open(struct app *);

/* interrupted.c: a journal left by a killed run, offered at start. */
void	 interrupted_check(struct app *);
int	 interrupted_fd(struct app *);
int	 interrupted_events(struct app *);
int	 interrupted_busy(struct app *);
/* At exit: let a rollback in progress finish. */
void	 interrupted_wait(void);

/* explain.c: a failure in words a person understands. */
void	 explain_err(const struct tm_err *, char *, size_t);

/* tagview.c: how a tag's state reads and looks, shared by the screens. */
void	 tag_state_text(const struct mirror_tag_info *, char *, size_t);
enum theme_el tag_state_el(enum tag_state);
/* "HTTP 404 BLOB_UNKNOWN: blob unknown" (short, for one row). */
void	 tag_reason(const struct tm_err *, char *, size_t);

#endif
