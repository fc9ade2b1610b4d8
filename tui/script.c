/* Test mode: a file of keys and commands that replaces the keyboard. */
#include "config.h"

#include "script.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "keys.h"
#include "lines.h"

/*
 * Test mode, after tig's: TAGMIRROR_SCRIPT names a file of lines that
 * replace the keyboard, one a loop turn.  A line is a key name as in the
 * help ("Tab", "Ctrl-R", "Enter", "k") or a command:
 *
 *	:type TEXT		type TEXT, one key per character
 *	:wait-idle [SECS]	until no listing, run or rollback is working
 *	:wait-screen RE [SECS]	until the screen matches the regex RE
 *	:save-screen FILE	the screen as text, trailing blanks trimmed
 *	:resize COLS LINES	as if the terminal changed size
 *
 * '#' starts a comment.  Waits fail the script when they time out (30 s
 * by default).  The program quits after the last line; any error is
 * reported as "script:LINE: ..." and exits 1.
 */
static struct {
	char	**lines;
	size_t	  n, next;
	int	  failed;
	/* the wait in progress */
	int	  waiting;	/* 0, 'i' idle, 's' screen */
	double	  until;
	regex_t	  re;
	/* :type in progress */
	char	 *typing;
	size_t	  typed;
	/* the loop's keys, redraw and idle test, during script_step */
	const struct script_host *host;
} sc;

static int
add_line(void *ud, char *line)
{
	char	**nl;

	(void)ud;
	if ((nl = realloc(sc.lines, (sc.n + 1) * sizeof *nl)) == NULL)
		return -1;
	sc.lines = nl;
	if ((nl[sc.n] = strdup(line)) == NULL)
		return -1;
	sc.n++;
	return 0;
}

int
script_open(const char *path)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	rc = lines_each(f, add_line, NULL);
	fclose(f);
	return rc;
}

int
script_active(void)
{
	return sc.lines != NULL;
}

int
script_failed(void)
{
	return sc.failed;
}

static int
fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "tagmirror: script:%zu: ", sc.next);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	sc.failed = 1;
	return D_QUIT;
}

/* Screen line y as text, trailing blanks cut. */
static void
screen_line(int y, char *buf, size_t n)
{
	size_t	len;

	mvinnstr(y, 0, buf, (int)n - 1);
	buf[n - 1] = '\0';
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
}

static int
screen_matches(void)
{
	char	buf[2048];
	int	y;

	for (y = 0; y < LINES; y++) {
		screen_line(y, buf, sizeof buf);
		if (regexec(&sc.re, buf, 0, NULL, 0) == 0)
			return 1;
	}
	return 0;
}

static int
save_screen(struct app *a, const char *path)
{
	char	 buf[2048];
	FILE	*f;
	int	 y;

	sc.host->redraw(a);
	if ((f = fopen(path, "w")) == NULL)
		return fail("cannot write '%s'", path);
	for (y = 0; y < LINES; y++) {
		screen_line(y, buf, sizeof buf);
		fprintf(f, "%s\n", buf);
	}
	if (fclose(f) != 0)
		return fail("cannot write '%s'", path);
	return 0;
}

/* "RE [SECS]" or "[SECS]": a last word that is a number is the limit. */
static double
wait_secs(char *arg)
{
	char	*sp = strrchr(arg, ' '), *num = sp != NULL ? sp + 1 : arg, *end;
	double	 v = strtod(num, &end);

	if (end == num || *end != '\0' || v <= 0)
		return 30;
	*num = '\0';
	if (sp != NULL)
		*sp = '\0';
	return v;
}

static int
command(struct app *a, char *cmd)
{
	char	*arg = strchr(cmd, ' ');
	int	 w, h;

	if (arg != NULL)
		*arg++ = '\0';
	else
		arg = cmd + strlen(cmd);
	if (strcmp(cmd, ":type") == 0) {
		free(sc.typing);
		sc.typing = strdup(arg);
		sc.typed = 0;
		return 0;
	}
	if (strcmp(cmd, ":wait-idle") == 0) {
		sc.until = tm_now() + wait_secs(arg);
		sc.waiting = 'i';
		return 0;
	}
	if (strcmp(cmd, ":wait-screen") == 0) {
		sc.until = tm_now() + wait_secs(arg);
		if (regcomp(&sc.re, arg, REG_EXTENDED | REG_NOSUB) != 0)
			return fail("bad regex '%s'", arg);
		sc.waiting = 's';
		return 0;
	}
	if (strcmp(cmd, ":save-screen") == 0)
		return save_screen(a, arg);
	if (strcmp(cmd, ":resize") == 0) {
		if (sscanf(arg, "%d %d", &w, &h) != 2 || w < 1 || h < 1)
			return fail("usage: :resize COLS LINES%s", "");
		resizeterm(h, w);
		return D_NOW | D_CLEAR;
	}
	return fail("unknown command '%s'", cmd);
}

int
script_step(struct app *a, const struct script_host *h)
{
	char	*line;
	int	 k;

	sc.host = h;
	if (sc.waiting != 0) {
		if (sc.waiting == 'i' ? h->idle(a) :
		    (h->redraw(a), screen_matches())) {
			if (sc.waiting == 's')
				regfree(&sc.re);
			sc.waiting = 0;
		} else if (tm_now() > sc.until)
			return fail("%s timed out", sc.waiting == 'i' ?
			    ":wait-idle" : ":wait-screen");
		return 0;
	}
	if (sc.typing != NULL) {
		if (sc.typing[sc.typed] != '\0')
			return h->key(a, (unsigned char)sc.typing[sc.typed++]);
		free(sc.typing);
		sc.typing = NULL;
	}
	while (sc.next < sc.n) {
		line = sc.lines[sc.next++];
		line += strspn(line, " \t");
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == ':')
			return command(a, line);
		if ((k = key_parse(line)) == -1)
			return fail("unknown key '%s'", line);
		return h->key(a, k);
	}
	return D_QUIT;
}

/* How long the loop may sleep: a script in progress needs little. */
double
script_timeout(void)
{
	return sc.waiting != 0 ? 0.05 : 0;
}
