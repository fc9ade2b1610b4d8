/*
 * The command line shared by the headless commands and the TUI: getopt
 * with skopeo's option names, credentials and their password prompts.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "creds.h"

enum {
	OPT_TAGS = 't', OPT_JOBS = 'j', OPT_HELP = 'h',
	OPT_SRC_CREDS = 256, OPT_DST_CREDS, OPT_SRC_PW_STDIN, OPT_DST_PW_STDIN,
	OPT_SRC_TLS, OPT_DST_TLS, OPT_SRC_CERTDIR, OPT_DST_CERTDIR,
	OPT_ROLLBACK, OPT_NO_ROLLBACK, OPT_ARCH, OPT_DELETE_STALE, OPT_RETRIES,
	OPT_DRY_RUN, OPT_REPORT, OPT_ONLY_FAILED, OPT_TAG_LIST, OPT_JSON,
	OPT_THEME, OPT_DEMO, OPT_LAST, OPT_STATE_DIR, OPT_YES, OPT_NO_CREDS,
	OPT_RETRY_TIMES, OPT_RETRY_DELAY
};

static const struct option long_opts[] = {
	{ "tags", required_argument, NULL, OPT_TAGS },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "src-creds", required_argument, NULL, OPT_SRC_CREDS },
	{ "dest-creds", required_argument, NULL, OPT_DST_CREDS },
	{ "src-password-stdin", no_argument, NULL, OPT_SRC_PW_STDIN },
	{ "dest-password-stdin", no_argument, NULL, OPT_DST_PW_STDIN },
	{ "src-tls-verify", optional_argument, NULL, OPT_SRC_TLS },
	{ "dest-tls-verify", optional_argument, NULL, OPT_DST_TLS },
	{ "src-cert-dir", required_argument, NULL, OPT_SRC_CERTDIR },
	{ "dest-cert-dir", required_argument, NULL, OPT_DST_CERTDIR },
	{ "src-no-creds", no_argument, NULL, OPT_NO_CREDS },
	{ "rollback", no_argument, NULL, OPT_ROLLBACK },
	{ "no-rollback", no_argument, NULL, OPT_NO_ROLLBACK },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "delete-stale", no_argument, NULL, OPT_DELETE_STALE },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "only-failed", required_argument, NULL, OPT_ONLY_FAILED },
	{ "tag-list", required_argument, NULL, OPT_TAG_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "last", no_argument, NULL, OPT_LAST },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "retry-times", required_argument, NULL, OPT_RETRY_TIMES },
	{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY },
	{ NULL, 0, NULL, 0 }
};

int
cli_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("tagmirror: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_tm_error(const char *what, const struct tm_err *err)
{
	char	msg[1024];

	tm_err_format(err, msg, sizeof msg);
	return what != NULL ? cli_error("%s: %s", what, msg) :
	    cli_error("%s", msg);
}

static int
parse_bool(const char *opt, const char *arg, int *out)
{
	if (arg == NULL || strcmp(arg, "true") == 0 || strcmp(arg, "1") == 0)
		*out = 1;
	else if (strcmp(arg, "false") == 0 || strcmp(arg, "0") == 0)
		*out = 0;
	else
	{
		cli_error("--%s takes true or false, not '%s'", opt, arg);
		return -1;
	}
	return 0;
}

static int
parse_count(const char *opt, const char *arg, int lo, int hi, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
		cli_error("--%s takes a whole number from %d to %d, not '%s'",
		    opt, lo, hi, arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int
parse_seconds(const char *opt, const char *arg, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= 0.01 && v <= 600)) {
		cli_error("--%s takes seconds from 0.01 to 600, not '%s'", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* Read one line from fd without echo when it is a terminal. */
static char *
read_secret(FILE *in, const char *prompt)
{
	struct termios	 old, quiet;
	int		 tty = isatty(fileno(in));
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(fileno(in), &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(in), TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, in);
	if (tty) {
		tcsetattr(fileno(in), TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static int
take_creds(const char *opt, const char *arg, char **user, char **pass)
{
	struct tm_creds	c = { 0 };
	struct tm_err	err;
	char		msg[sizeof err.msg + 64];

	tm_err_clear(&err);
	if (tm_creds_from_option(arg, &c, &err) == -1) {
		tm_err_short(&err, msg, sizeof msg);
		cli_error("--%s: %s", opt, msg);
		return -1;
	}
	free(*user);
	*user = c.user;
	if (c.pass != NULL) {
		free(*pass);
		*pass = c.pass;
	}
	return 0;
}

/* A user without a password: stdin when asked, else the terminal. */
static int
complete_password(const char *side, const char *user, char **pass, int from_stdin)
{
	char	prompt[128];

	if (*pass != NULL || (user == NULL && !from_stdin))
		return 0;
	if (!from_stdin && !isatty(STDIN_FILENO)) {
		cli_error("no password for %s user '%s': use --%s-password-stdin "
		    "or USER:PASS", side, user, side);
		return -1;
	}
	snprintf(prompt, sizeof prompt, "Password for %s user %s: ", side,
	    user != NULL ? user : "");
	*pass = read_secret(stdin, prompt);
	if (*pass == NULL) {
		cli_error("no password read for %s", side);
		return -1;
	}
	return 0;
}

/* How the password options asked for stdin, until the parse is over. */
struct pw_stdin {
	int	src, dst;
};

/* Options of a registry side.  0 taken, -1 usage error, 1 not one of ours. */
static int
registry_option(struct cli *c, int ch, struct pw_stdin *pw)
{
	switch (ch) {
	case OPT_SRC_CREDS:
		return take_creds("src-creds", optarg, &c->src_user, &c->src_pass);
	case OPT_DST_CREDS:
		return take_creds("dest-creds", optarg, &c->dst_user, &c->dst_pass);
	case OPT_SRC_PW_STDIN:
		pw->src = 1;
		return 0;
	case OPT_DST_PW_STDIN:
		pw->dst = 1;
		return 0;
	case OPT_SRC_TLS:
		return parse_bool("src-tls-verify", optarg,
		    &c->mo.src_reg.tls_verify);
	case OPT_DST_TLS:
		return parse_bool("dest-tls-verify", optarg,
		    &c->mo.dst_reg.tls_verify);
	case OPT_SRC_CERTDIR:
		c->mo.src_reg.cert_dir = optarg;
		return 0;
	case OPT_DST_CERTDIR:
		c->mo.dst_reg.cert_dir = optarg;
		return 0;
	case OPT_NO_CREDS:
		c->mo.src_reg.no_auth_files = 1;
		return 0;
	case OPT_RETRY_TIMES:
		/* As skopeo: retries after the first attempt. */
		if (parse_count("retry-times", optarg, 0, 20,
		    &c->mo.src_reg.max_attempts) == -1)
			return -1;
		c->mo.dst_reg.max_attempts = ++c->mo.src_reg.max_attempts;
		return 0;
	case OPT_RETRY_DELAY:
		if (parse_seconds("retry-delay", optarg,
		    &c->mo.src_reg.retry_base) == -1)
			return -1;
		c->mo.dst_reg.retry_base = c->mo.src_reg.retry_base;
		return 0;
	}
	return 1;
}

/* Options of a run.  0 taken, -1 usage error, 1 not one of ours. */
static int
run_option(struct cli *c, int ch)
{
	switch (ch) {
	case OPT_TAGS:
		c->mo.expr = optarg;
		return 0;
	case OPT_JOBS:
		return parse_count("jobs", optarg, 1, 64, &c->mo.jobs);
	case OPT_ROLLBACK:
	case OPT_NO_ROLLBACK:
		c->mo.rollback = ch == OPT_ROLLBACK;
		return 0;
	case OPT_ARCH:
		c->mo.platforms = optarg;
		return 0;
	case OPT_DELETE_STALE:
		c->mo.delete_stale = 1;
		return 0;
	case OPT_RETRIES:
		return parse_count("retries", optarg, 0, 20, &c->mo.retries);
	case OPT_DRY_RUN:
		c->mo.dry_run = 1;
		return 0;
	case OPT_REPORT:
		c->report = optarg;
		return 0;
	case OPT_ONLY_FAILED:
		c->only_failed = optarg;
		return 0;
	case OPT_STATE_DIR:
		c->mo.state_dir = optarg;
		return 0;
	}
	return 1;
}

/* The program's own options.  0 taken, -1 usage error, 1 not one of ours. */
static int
program_option(struct cli *c, int ch, char **argv)
{
	switch (ch) {
	case OPT_TAG_LIST:
		c->tag_list = optarg;
		return 0;
	case OPT_JSON:
		c->json = 1;
		return 0;
	case OPT_THEME:
		c->theme = optarg;
		return 0;
	case OPT_DEMO:
		c->demo = 1;
		return 0;
	case OPT_LAST:
		c->last = 1;
		return 0;
	case OPT_YES:
		c->yes = 1;
		return 0;
	case ':':
		cli_error("option '%s' needs a value", argv[optind - 1]);
		return -1;
	}
	cli_error("unknown option '%s' (see --help)", argv[optind - 1]);
	return -1;
}

/* Positional arguments, then the passwords still missing. */
static int
finish_parse(struct cli *c, int argc, char **argv, const struct pw_stdin *pw)
{
	for (; optind < argc; optind++) {
		if (c->npos == (int)(sizeof c->pos / sizeof c->pos[0])) {
			cli_error("unexpected argument '%s'", argv[optind]);
			return -1;
		}
		c->pos[c->npos++] = argv[optind];
	}
	if (pw->src && pw->dst) {
		cli_error("only one of --src-password-stdin and --dest-password-stdin");
		return -1;
	}
	if (complete_password("src", c->src_user, &c->src_pass, pw->src) == -1 ||
	    complete_password("dest", c->dst_user, &c->dst_pass, pw->dst) == -1)
		return -1;
	c->mo.src_reg.user = c->src_user;
	c->mo.src_reg.pass = c->src_pass;
	c->mo.dst_reg.user = c->dst_user;
	c->mo.dst_reg.pass = c->dst_pass;
	return 0;
}

int
cli_parse(struct cli *c, int argc, char **argv, const char *usage)
{
	struct pw_stdin	pw = { 0, 0 };
	int		ch, rc;

	memset(c, 0, sizeof *c);
	mirror_opts_init(&c->mo);
	c->mo.src_reg.side = TM_SIDE_SOURCE;
	c->mo.dst_reg.side = TM_SIDE_DEST;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":t:j:h", long_opts, NULL)) != -1) {
		if (ch == OPT_HELP) {
			fputs(usage, stdout);
			return 1;
		}
		if ((rc = registry_option(c, ch, &pw)) == 1 &&
		    (rc = run_option(c, ch)) == 1)
			rc = program_option(c, ch, argv);
		if (rc == -1)
			return -1;
	}
	return finish_parse(c, argc, argv, &pw);
}

void
cli_free(struct cli *c)
{
	tm_secret_free(&c->src_user);
	tm_secret_free(&c->src_pass);
	tm_secret_free(&c->dst_user);
	tm_secret_free(&c->dst_pass);
}
