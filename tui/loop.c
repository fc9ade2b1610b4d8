/*
 * The UI loop: ppoll() on the terminal and the registered event sources,
 * keys to the open dialog or the current screen (then the app's global
 * keys), and a redraw when a handler returns a dirty bit.
 */
#include "config.h"

#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "draw.h"
#include "script.h"

#define MAX_SOURCES	8

static struct loop_source	sources[MAX_SOURCES];
static int			nsources;
static int			(*signal_fn)(void *, int);
static void			*signal_ctx;

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
loop_signals_init(void)
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
int
loop_add_source(const struct loop_source *s)
{
	if (nsources == MAX_SOURCES)
		return -1;
	sources[nsources++] = *s;
	return 0;
}

void
loop_on_signal(int (*fn)(void *, int), void *ctx)
{
	signal_fn = fn;
	signal_ctx = ctx;
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

static void
redraw(struct app *a)
{
	draw_all(a, 0);
}

static int
handle_key(struct app *a, int key)
{
	int	r;

	if (key == K_PASTE_BEGIN || key == K_PASTE_END) {
		a->pasting = key == K_PASTE_BEGIN;
		return 0;
	}
	if (key == K_FN(KEY_RESIZE))
		return D_NOW | D_CLEAR;
	if (a->modal != NULL)
		return a->modal->key(a, a->modal_data, key);
	r = a->screen->key(a, key);
	if ((r & D_PASS) && a->global_key != NULL)
		r = (r & ~D_PASS) | a->global_key(a, key);
	return r & ~D_PASS;
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

/* 1 when no source has work in progress (a script's :wait-idle). */
static int
idle(struct app *a)
{
	int	i;

	(void)a;
	for (i = 0; i < nsources; i++)
		if (sources[i].busy != NULL && sources[i].busy(sources[i].ctx))
			return 0;
	return 1;
}

static const struct script_host host = { handle_key, redraw, idle };

/* How long ppoll may sleep: short while work streams in or a redraw is due. */
static void
wait_time(struct app *a, int dirty, double since_draw, struct timespec *ts)
{
	double	wait;

	/* Redraw at most 10 times a second while work streams in. */
	wait = !idle(a) || a->msg[0] != '\0' ? 0.1 : 0.5;
	if (dirty & D_DRAW)
		wait = 0.1 - since_draw;
	if (script_active() && script_timeout() < wait)
		wait = script_timeout();
	if (wait < 0)
		wait = 0;
	ts->tv_sec = (time_t)wait;
	ts->tv_nsec = (long)((wait - (double)ts->tv_sec) * 1e9);
}

/* Wait for the terminal or a source: 0, or -1 when the terminal is gone. */
static int
wait_input(const struct timespec *ts)
{
	struct pollfd	pfd[1 + MAX_SOURCES];
	int		n, i, fd;

	/* A script replaces the keyboard entirely. */
	pfd[0].fd = script_active() ? -1 : STDIN_FILENO;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	for (n = 1, i = 0; i < nsources; i++) {
		if (sources[i].fd == NULL ||
		    (fd = sources[i].fd(sources[i].ctx)) == -1)
			continue;
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		n++;
	}
	if (ppoll(pfd, (nfds_t)n, ts, &wait_mask) == -1 && errno != EINTR)
		return -1;
	return pfd[0].revents & (POLLHUP | POLLERR) ? -1 : 0;
}

/* After a wake-up: every source's events, then the keys; dirty bits. */
static int
dispatch(struct app *a, double *last_tick)
{
	double	t;
	int	dirty = 0, i;

	for (i = 0; i < nsources; i++)
		if (sources[i].events != NULL)
			dirty |= sources[i].events(sources[i].ctx);
	if (script_active())
		dirty |= script_step(a, &host);
	else
		dirty |= read_keys(a);
	t = tm_now();
	if (t - *last_tick >= 0.1) {
		*last_tick = t;
		for (i = 0; i < nsources; i++)
			if (sources[i].tick != NULL)
				dirty |= sources[i].tick(sources[i].ctx);
		if (!idle(a) || a->msg[0] != '\0')
			dirty |= D_DRAW;
	}
	return dirty;
}

int
loop_run(struct app *a)
{
	struct timespec	ts;
	double		last_draw = 0, last_tick = 0, t;
	int		dirty = D_NOW | D_CLEAR;

	for (;;) {
		if (got_term && signal_fn != NULL)
			dirty |= signal_fn(signal_ctx, (int)got_term);
		else if (got_term)
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
		wait_time(a, dirty, t - last_draw, &ts);
		if (wait_input(&ts) == -1)
			return -1;
		dirty |= dispatch(a, &last_tick);
	}
}
