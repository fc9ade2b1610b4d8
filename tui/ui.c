#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "draw.h"
#include "preview.h"
#include "run.h"
#include "clock.h"

/* Set by the handlers; read by the loop after ppoll returns. */
static volatile sig_atomic_t	got_term;
static sigset_t			wait_mask;

static void
on_term(int sig)
{
	(void)sig;
	got_term++;
}

void
ui_signals_init(void)
{
	struct sigaction	sa;
	sigset_t		block;

	/*
	 * Blocked here, before any thread exists, so every thread the core
	 * starts inherits the mask; the UI thread takes them only inside
	 * ppoll(), where wait_mask lets them through.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGWINCH);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGHUP);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}
void
app_msg(struct app *a, enum theme_el el, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_el = el;
	a->msg_until = tm_now() + (el == EL_ERROR ? 8 : 5);
}

void
app_switch(struct app *a, const struct screen_ops *s)
{
	a->screen = s;
}

void
modal_open(struct app *a, const struct modal_ops *ops, void *data)
{
	modal_close(a);
	a->modal = ops;
	a->modal_data = data;
}

void
modal_close(struct app *a)
{
	const struct modal_ops	*ops = a->modal;
	void			*data = a->modal_data;

	a->modal = NULL;
	a->modal_data = NULL;
	if (ops != NULL && ops->free != NULL)
		ops->free(data);
}

void
app_title(struct app *a, const char *left, const char *right)
{
	int	rw;

	(void)a;
	draw_fill(0, 0, COLS, th(EL_TITLE));
	rw = right != NULL ? text_width(right) : 0;
	draw_fmt(0, 1, COLS - rw - 3, th(EL_TITLE), "tagmirror %s %s",
	    glyph(G_DOT), left);
	if (right != NULL)
		draw_text(0, COLS - rw - 1, rw, th(EL_TITLE), right);
}

void
app_keybar(struct app *a, const enum action *acts, size_t n)
{
	if (a->msg[0] != '\0' && tm_now() < a->msg_until) {
		draw_fill(LINES - 1, 0, COLS, th(EL_NORMAL));
		draw_text(LINES - 1, 1, COLS - 2, th(a->msg_el), a->msg);
		return;
	}
	a->msg[0] = '\0';
	draw_keybar(acts, n, a->typing);
}

static int
quit_answer(struct app *a, int choice, const char *text)
{
	(void)text;
	if (choice != 0)
		return D_NOW;
	a->quit_when_idle = 1;
	if (a->run != NULL)
		run_cancel(a->run);
	app_msg(a, EL_WARN, "Stopping the run; tagmirror quits when the "
	    "workers have stopped (q again: quit now)");
	return D_NOW;
}

int
app_quit(struct app *a)
{
	if (a->quit_when_idle)
		return D_QUIT;
	if (interrupted_busy(a)) {
		app_msg(a, EL_WARN, "Wait: the interrupted run is still being "
		    "rolled back");
		return D_NOW;
	}
	if (a->run != NULL && run_busy(a->run)) {
		dialog_confirm(a, "Quit while a run is active?",
		    "Tags being copied stop now; tags already copied stay.\n"
		    "The journal records every change, so the run can be\n"
		    "rolled back later (tagmirror rollback --last).",
		    "&Yes, stop and quit|&No, keep running", 1, quit_answer);
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
	theme_list_free(names, n);
}

int
app_global_key(struct app *a, int key)
{
	switch (keys_action(KS_GLOBAL, key)) {
	case ACT_RUN:
		return setup_start_run(a);
	case ACT_HELP:
		help_open(a);
		return D_NOW;
	case ACT_QUIT:
		return app_quit(a);
	case ACT_THEME:
		theme_pick(a);
		return D_NOW;
	case ACT_REDRAW:
		return D_NOW | D_CLEAR;
	default:
		return 0;
	}
}

static void
draw_all(struct app *a, int clear_all)
{
	if (clear_all)
		clearok(curscr, TRUE);
	erase();
	a->cur_y = -1;
	a->typing = 0;
	if (LINES < 12 || COLS < 50) {
		draw_text(0, 0, COLS, th(EL_WARN), "Terminal too small for "
		    "tagmirror:");
		draw_fmt(1, 0, COLS, th(EL_WARN), "%dx%d, needs 50x12.", COLS,
		    LINES);
	} else {
		a->screen->draw(a);
		if (a->modal != NULL) {
			a->cur_y = -1;
			a->modal->draw(a, a->modal_data);
		}
	}
	if (a->cur_y >= 0) {
		curs_set(1);
		move(a->cur_y, a->cur_x);
	} else
		curs_set(0);
	refresh();
}

int
list_move(enum action act, size_t *sel, size_t n, int rows)
{
	size_t	page = rows > 1 ? (size_t)rows - 1 : 1;

	switch (act) {
	case ACT_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case ACT_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return 1;
	case ACT_PGUP:
		*sel = *sel > page ? *sel - page : 0;
		return 1;
	case ACT_PGDN:
		*sel = *sel + page < n ? *sel + page : (n > 0 ? n - 1 : 0);
		return 1;
	case ACT_TOP:
		*sel = 0;
		return 1;
	case ACT_BOTTOM:
		*sel = n > 0 ? n - 1 : 0;
		return 1;
	default:
		return 0;
	}
}

void
ui_redraw(struct app *a)
{
	draw_all(a, 0);
}

static int
handle_key(struct app *a, int key)
{
	if (key == K_PASTE_BEGIN || key == K_PASTE_END) {
		a->pasting = key == K_PASTE_BEGIN;
		return 0;
	}
	if (key == K_FN(KEY_RESIZE))
		return D_NOW | D_CLEAR;
	if (a->modal != NULL)
		return a->modal->key(a, a->modal_data, key);
	return a->screen->key(a, key);
}

static int
read_keys(struct app *a)
{
	wint_t	wc;
	int	rc, dirty = 0, n = 0;

	/* Everything waiting (a paste can be long), then one redraw. */
	while (n++ < 4096 && (rc = wget_wch(stdscr, &wc)) != ERR) {
		dirty |= handle_key(a, rc == KEY_CODE_YES ? K_FN((int)wc) :
		    (int)wc);
		dirty |= D_NOW;
		if (dirty & D_QUIT)
			break;
	}
	return dirty;
}

static int
busy(struct app *a)
{
	return preview_busy(a->pv) || (a->run != NULL && run_busy(a->run)) ||
	    interrupted_busy(a) || a->msg[0] != '\0';
}

static int
on_signal(struct app *a)
{
	if (a->quit_when_idle || got_term > 1 || a->run == NULL ||
	    !run_busy(a->run))
		return D_QUIT;
	a->quit_when_idle = 1;
	run_cancel(a->run);
	app_msg(a, EL_WARN, "Terminated: stopping the run first");
	return D_NOW;
}

int
ui_loop(struct app *a)
{
	struct pollfd	pfd[4];
	struct timespec	ts;
	double		last_draw = 0, last_tick = 0, t, wait;
	int		dirty = D_NOW | D_CLEAR, n, i, fds[3];

	for (;;) {
		if (got_term)
			dirty |= on_signal(a);
		if (a->quit_when_idle && (a->run == NULL || !run_busy(a->run)))
			dirty |= D_QUIT;
		if (dirty & D_QUIT)
			return 0;
		t = tm_now();
		if ((dirty & (D_NOW | D_CLEAR)) ||
		    ((dirty & D_DRAW) && t - last_draw >= 0.1)) {
			draw_all(a, dirty & D_CLEAR);
			last_draw = t;
			dirty = 0;
		}
		/* Redraw at most 10 times a second while work streams in. */
		wait = busy(a) ? 0.1 : 0.5;
		if (dirty & D_DRAW)
			wait = 0.1 - (t - last_draw);
		if (script_active() && script_timeout() < wait)
			wait = script_timeout();
		if (wait < 0)
			wait = 0;
		ts.tv_sec = (time_t)wait;
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);

		fds[0] = preview_fd(a->pv);
		fds[1] = a->run != NULL ? run_fd(a->run) : -1;
		fds[2] = interrupted_fd(a);
		/* A script replaces the keyboard entirely. */
		pfd[0].fd = script_active() ? -1 : STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		for (n = 1, i = 0; i < 3; i++) {
			if (fds[i] == -1)
				continue;
			pfd[n].fd = fds[i];
			pfd[n].events = POLLIN;
			n++;
		}
		if (ppoll(pfd, (nfds_t)n, &ts, &wait_mask) == -1 &&
		    errno != EINTR)
			return -1;
		if (pfd[0].revents & (POLLHUP | POLLERR))
			return -1;
		dirty |= preview_events(a->pv);
		if (a->run != NULL)
			dirty |= run_events(a);
		dirty |= interrupted_events(a);
		if (script_active())
			dirty |= script_step(a, handle_key);
		else
			dirty |= read_keys(a);
		t = tm_now();
		if (t - last_tick >= 0.1) {
			last_tick = t;
			if (a->run != NULL)
				dirty |= run_tick(a);
			dirty |= setup_tick(a);
			if (busy(a))
				dirty |= D_DRAW;
		}
	}
}
