/*
 * Start-up of the interactive mode: arguments, theme, terminal, the demo
 * registries, and the event sources the loop polls for the models; then
 * the loop, and the way down again.
 */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli.h"
#include "commands.h"
#include "demo.h"
#include "draw.h"
#include "global.h"
#include "loop.h"
#include "model_interrupted.h"
#include "model_mirrors.h"
#include "model_preview.h"
#include "model_run.h"
#include "screen_interrupted.h"
#include "screen_mirrors.h"
#include "screens.h"
#include "saved.h"
#include "script.h"

static const char usage[] =
"Usage: tagmirror [SOURCE [DEST]] [--tags EXPR] [options]\n"
"       tagmirror --set FILE|NAME\n"
"       tagmirror --demo\n"
"\n"
"Opens the interactive mirror: a form (filled from the arguments) with a\n"
"live preview of the matching tags, the run with per-tag progress, the\n"
"keep-or-roll-back decision when tags fail, and troubleshooting.  Press ?\n"
"inside for every key.  In scripts use 'tagmirror run'.  --set opens the\n"
"mirrors screen on a mirror set (a file, or a set saved with Ctrl-S).\n"
"\n"
TUI_OPTIONS;

/* Theme problems before the screen starts: stderr, and the first on screen. */
static void
warn_early(void *ud, const char *msg)
{
	char	*first = ud;

	fprintf(stderr, "tagmirror: %s\n", msg);
	if (first[0] == '\0')
		snprintf(first, 512, "%s", msg);
}

static struct theme *
pick_theme(struct app *a, char *first)
{
	struct theme	*t = NULL;
	char		*remembered = NULL;

	if (a->cli.theme != NULL)
		t = theme_load(a->cli.theme, warn_early, first);
	else if ((remembered = theme_remembered()) != NULL)
		t = theme_load(remembered, warn_early, first);
	free(remembered);
	return t != NULL ? t : theme_default();
}

static int
start_demo(struct app *a)
{
	struct tm_err	err;
	char		buf[600];
	int		broken, n;

	fprintf(stderr, "tagmirror: starting two local registries for the "
	    "demo...\n");
	if ((a->demo = demo_start(&err)) == NULL) {
		tm_err_format(&err, buf, sizeof buf);
		return cli_error("demo: %s", buf);
	}
	n = demo_tags(a->demo, &broken);
	fprintf(stderr, "tagmirror: demo source %s has %d tags, %d of them "
	    "broken on purpose\n", demo_source(a->demo), n, broken);
	if (a->cli.npos == 0)
		a->cli.pos[a->cli.npos++] = (char *)demo_source(a->demo);
	if (a->cli.npos == 1)
		a->cli.pos[a->cli.npos++] = (char *)demo_dest(a->demo);
	if (a->cli.mo.expr == NULL)
		a->cli.mo.expr = demo_expr(a->demo);
	if (a->cli.mo.state_dir == NULL)
		a->cli.mo.state_dir = demo_state_dir(a->demo);
	return 0;
}

/*
 * Test mode without a terminal (TAGMIRROR_NO_DISPLAY): curses draws into
 * its in-memory screen and writes to /dev/null, as tig's TIG_NO_DISPLAY;
 * no /dev/tty is ever opened.
 */
static int
screen_start(void)
{
	const char	*term = getenv("TERM");
	FILE		*out, *in;

	if (getenv("TAGMIRROR_NO_DISPLAY") == NULL) {
		initscr();
		/* Bracketed paste: a pasted line break must not submit a field. */
		putp("\033[?2004h");
		return 0;
	}
	setenv("LINES", "24", 0);
	setenv("COLUMNS", "80", 0);
	if ((out = fopen("/dev/null", "w")) == NULL ||
	    (in = fopen("/dev/null", "r")) == NULL)
		return -1;
	if ((term == NULL || newterm(term, out, in) == NULL) &&
	    newterm("xterm", out, in) == NULL)
		return -1;
	return 0;
}

static int
curses_start(struct theme *t)
{
	const char	*nc = getenv("NO_COLOR");

	if (screen_start() == -1)
		return -1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors() && (nc == NULL || nc[0] == '\0')) {
		start_color();
		use_default_colors();
	}
	theme_use(t);
	define_key("\033[200~", KEY_MAX + 1);
	define_key("\033[201~", KEY_MAX + 2);
	return 0;
}

static void
curses_stop(void)
{
	if (getenv("TAGMIRROR_NO_DISPLAY") == NULL)
		putp("\033[?2004l");
	endwin();
}

/* The event sources: each model's fd, events, tick and busy for the loop. */
static int
pv_fd(void *ctx)
{
	return preview_fd(((struct app *)ctx)->pv);
}

static int
pv_events(void *ctx)
{
	return preview_events(((struct app *)ctx)->pv) ? D_DRAW : 0;
}

static int
pv_busy(void *ctx)
{
	return preview_busy(((struct app *)ctx)->pv);
}

static int
rn_fd(void *ctx)
{
	struct app	*a = ctx;

	return a->run != NULL ? run_fd(a->run) : -1;
}

/* The end of a retry, said in place of "Retrying ...". */
static void
retry_result(struct app *a)
{
	struct run_view	v;
	size_t		bad;

	run_view(a->run, &v);
	if (!v.retried)
		return;
	bad = v.tot.failed + v.tot.conflicts;
	if (bad == 0)
		app_msg(a, EL_OK, "Retry over: every tag is in the destination");
	else
		app_msg(a, EL_ERROR, "Retry over: %zu tag%s failed again (d "
		    "shows why)", bad, bad == 1 ? "" : "s");
}

/* A finished run: the decision when tags failed, else its screen. */
static int
rn_events(void *ctx)
{
	struct app	*a = ctx;
	int		 out;

	if (a->run == NULL)
		return 0;
	out = run_events(a->run);
	if (out & RUN_FINISHED)
		retry_result(a);
	if ((out & RUN_FINISHED) && !a->quit_when_idle) {
		if (out & RUN_ASK) {
			decide_open(a);
			out |= D_NOW | D_CLEAR;
		} else {
			app_switch(a, &run_screen);
			out |= D_NOW;
		}
	}
	if (a->quit_when_idle && !run_busy(a->run) && !mirrors_running(a->set))
		out |= D_QUIT;
	return out & (D_DRAW | D_NOW | D_CLEAR | D_QUIT);
}

static int
rn_tick(void *ctx)
{
	struct app	*a = ctx;

	return a->run != NULL ? run_tick(a->run) : 0;
}

static int
rn_busy(void *ctx)
{
	return run_busy(((struct app *)ctx)->run);
}

static int
ir_fd(void *ctx)
{
	(void)ctx;
	return interrupted_fd();
}

static int
ir_events(void *ctx)
{
	return interrupted_news(ctx);
}

static int
ir_busy(void *ctx)
{
	(void)ctx;
	return interrupted_busy();
}

/* The set's previews and runs; the one the run screens hold is rn_'s. */
static const struct run *
lent(const struct app *a)
{
	return a->run_lent ? a->run : NULL;
}

static int
set_events(void *ctx)
{
	struct app	*a = ctx;

	if (a->quit_when_idle && !run_busy(a->run) && !mirrors_running(a->set))
		return D_QUIT;
	return mirrors_events(a->set, lent(a));
}

static int
set_tick(void *ctx)
{
	struct app	*a = ctx;

	return mirrors_tick(a->set, lent(a));
}

static int
set_busy(void *ctx)
{
	return mirrors_busy(((struct app *)ctx)->set);
}

static int
st_tick(void *ctx)
{
	return setup_tick(ctx);
}

static int
st_busy(void *ctx)
{
	(void)ctx;
	return setup_pending();
}

static void
add_sources(struct app *a)
{
	const struct loop_source	s[] = {
		{ pv_fd, pv_events, NULL, pv_busy, a },
		{ rn_fd, rn_events, rn_tick, rn_busy, a },
		{ ir_fd, ir_events, NULL, ir_busy, a },
		{ NULL, set_events, set_tick, set_busy, a },
		{ NULL, NULL, st_tick, st_busy, a }
	};
	size_t				i;

	for (i = 0; i < sizeof s / sizeof s[0]; i++)
		loop_add_source(&s[i]);
	loop_on_signal(global_signal, a);
	a->global_key = global_key;
}

/* --set FILE|NAME: the set, or why not; a note for the screen in first. */
static int
start_set(struct app *a, char *first)
{
	char	buf[512];

	if (mirrors_load_arg(a, a->cli.set, buf, sizeof buf) == -1)
		return cli_error("--set %s: %s", a->cli.set, buf);
	if (buf[0] != '\0' && first[0] == '\0')
		snprintf(first, 512, "%s", buf);
	return 0;
}

/*
 * Arguments, locale, theme, script, keys and the preview model, before
 * the terminal: -1 to go on, or the exit status to stop with (everything
 * freed; --help is 0).
 */
static int
prepare(struct app *a, int argc, char **argv, struct theme **t, char *first)
{
	const char	*script = getenv("TAGMIRROR_SCRIPT");
	int		 rc;

	if ((rc = cli_parse(&a->cli, argc, argv, usage)) != 0) {
		cli_free(&a->cli);
		return rc == 1 ? 0 : 1;	/* 1: the help was asked for */
	}
	if (a->cli.npos > 2) {
		cli_free(&a->cli);
		return cli_error("unknown command '%s' (see --help)",
		    a->cli.pos[0]);
	}
	if (a->cli.load != NULL && !saved_exists(a->cli.load)) {
		rc = cli_error("--load: no saved mirror '%s' (Ctrl-S in the "
		    "form saves one; they are NAME.conf files in "
		    "$XDG_CONFIG_HOME/tagmirror/mirrors)", a->cli.load);
		cli_free(&a->cli);
		return rc;
	}
	setlocale(LC_ALL, "");
	draw_init(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	*t = pick_theme(a, first);
	if (script != NULL && script_open(script) == -1)
		rc = cli_error("cannot read the script %s", script);
	else if (script == NULL && (!isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO)))
		rc = cli_error("not a terminal: the interactive mode needs one; "
		    "in scripts use 'tagmirror run SOURCE DEST --tags EXPR'");
	else if (keys_init() == -1 || (a->pv = preview_new()) == NULL ||
	    (a->set = mirrors_new(&a->cli.mo)) == NULL)
		rc = cli_error("out of memory");
	else if (a->cli.demo && start_demo(a) != 0)
		rc = 1;
	else if (a->cli.set != NULL && start_set(a, first) != 0)
		rc = 1;
	if (rc != 0) {
		theme_free(*t);
		mirrors_free(a->set);
		preview_free(a->pv);
		cli_free(&a->cli);
		return rc;
	}
	return -1;
}

/*
 * On the way out: an unanswered run is kept (the default), and the run's
 * outcome, journal and report are named on stderr, once the screen is gone.
 */
static void
run_outcome(struct run *r)
{
	struct run_view	v;

	if (r == NULL || run_busy(r))
		return;
	run_keep(r);
	run_view(r, &v);
	fprintf(stderr, "tagmirror: the run ended as %s%s: %zu tags in %s, "
	    "%zu failed\n", v.status_name, v.decision == 'k' ? " (kept)" : "",
	    v.tot.done + v.tot.uptodate, v.dst, v.tot.failed + v.tot.conflicts);
	if (v.journal[0] != '\0')
		fprintf(stderr, "tagmirror: journal: %s\n", v.journal);
	if (v.report_err[0] != '\0')
		fprintf(stderr, "tagmirror: the report could not be written: "
		    "%s\n", v.report_err);
	else if (v.report[0] != '\0')
		fprintf(stderr, "tagmirror: report: %s\n", v.report);
}

/* Every mirror of the set that ran, as run_outcome says one. */
static void
set_outcome(struct mirrors *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < mirrors_count(s); i++)
		run_outcome(mirrors_run(s, i));
}

int
tui_main(int argc, char **argv)
{
	struct app	 a;
	struct theme	*t = NULL;
	char		 first[512] = "";
	int		 rc;

	/* Before any thread: the demo's libcurl may start resolver threads. */
	loop_signals_init();
	memset(&a, 0, sizeof a);
	if ((rc = prepare(&a, argc, argv, &t, first)) != -1)
		return rc;
	if (curses_start(t) == -1) {
		if (a.demo != NULL)
			demo_stop(a.demo);
		mirrors_free(a.set);
		preview_free(a.pv);
		cli_free(&a.cli);
		return cli_error("cannot start the terminal screen");
	}
	a.screen = a.cli.set != NULL ? &mirrors_screen : &setup_screen;
	setup_init(&a);
	add_sources(&a);
	if (first[0] != '\0')
		app_msg(&a, EL_ERROR, "%s", first);
	interrupted_offer(&a);
	rc = loop_run(&a) == 0 && !script_failed() ? 0 : 1;
	modal_close(&a);
	curses_stop();
	interrupted_wait();
	if (a.run_lent)
		a.run = NULL;
	run_outcome(a.run);
	run_free(a.run);
	set_outcome(a.set);
	mirrors_free(a.set);
	preview_free(a.pv);
	setup_free(&a);
	if (a.demo != NULL)
		demo_stop(a.demo);
	cli_free(&a.cli);
	return rc;
}
