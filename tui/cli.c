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
#include "fsutil.h"
#include "strbool.h"
#include "strv.h"

enum {
	OPT_TAGS = 't', OPT_JOBS = 'j', OPT_HELP = 'h', OPT_QUIET = 'q',
	OPT_VERBOSE = 'v',
	OPT_SRC_CREDS = 256, OPT_DST_CREDS, OPT_SRC_PW_STDIN, OPT_DST_PW_STDIN,
	OPT_SRC_TLS, OPT_DST_TLS, OPT_SRC_CERTDIR, OPT_DST_CERTDIR,
	OPT_ROLLBACK, OPT_NO_ROLLBACK, OPT_ARCH, OPT_DELETE_STALE, OPT_RETRIES,
	OPT_DRY_RUN, OPT_REPORT, OPT_ONLY_FAILED, OPT_TAG_LIST, OPT_JSON,
	OPT_THEME, OPT_LOAD, OPT_SET, OPT_DEMO, OPT_LAST, OPT_STATE_DIR, OPT_YES, OPT_NO_CREDS,
	OPT_RETRY_TIMES, OPT_RETRY_DELAY, OPT_DST_NO_CREDS, OPT_AUTHFILE,
	OPT_SRC_AUTHFILE, OPT_DST_AUTHFILE, OPT_SRC_USER, OPT_SRC_PASS,
	OPT_DST_USER, OPT_DST_PASS, OPT_SRC_TOKEN, OPT_DST_TOKEN, OPT_LOG,
	OPT_NO_REFERRERS, OPT_REFERRER_TYPES
};

/* Which commands an option applies to. */
#define C_SRC		(CLI_PREVIEW | CLI_RUN | CLI_TUI)
#define C_DST		(CLI_RUN | CLI_ROLLBACK | CLI_TUI)
#define C_RUN		(CLI_RUN | CLI_TUI)
#define C_HEADLESS	(CLI_PREVIEW | CLI_RUN | CLI_ROLLBACK)
#define C_ALL		(C_HEADLESS | CLI_TUI)

/* Every option: name, argument, value, the commands it applies to. */
#define CLI_OPTIONS(X)							\
	X("tags", required_argument, OPT_TAGS, C_SRC)			\
	X("jobs", required_argument, OPT_JOBS, C_RUN)			\
	X("help", no_argument, OPT_HELP, C_ALL)				\
	X("src-creds", required_argument, OPT_SRC_CREDS, C_SRC)		\
	X("dest-creds", required_argument, OPT_DST_CREDS, C_DST)	\
	X("src-username", required_argument, OPT_SRC_USER, C_SRC)	\
	X("src-password", required_argument, OPT_SRC_PASS, C_SRC)	\
	X("dest-username", required_argument, OPT_DST_USER, C_DST)	\
	X("dest-password", required_argument, OPT_DST_PASS, C_DST)	\
	X("src-password-stdin", no_argument, OPT_SRC_PW_STDIN, C_SRC)	\
	X("dest-password-stdin", no_argument, OPT_DST_PW_STDIN, C_DST)	\
	X("src-registry-token", required_argument, OPT_SRC_TOKEN, C_SRC) \
	X("dest-registry-token", required_argument, OPT_DST_TOKEN, C_DST) \
	X("authfile", required_argument, OPT_AUTHFILE, C_ALL)		\
	X("src-authfile", required_argument, OPT_SRC_AUTHFILE, C_SRC)	\
	X("dest-authfile", required_argument, OPT_DST_AUTHFILE, C_DST)	\
	X("src-no-creds", no_argument, OPT_NO_CREDS, C_SRC)		\
	X("dest-no-creds", no_argument, OPT_DST_NO_CREDS, C_DST)	\
	X("src-tls-verify", optional_argument, OPT_SRC_TLS, C_SRC)	\
	X("dest-tls-verify", optional_argument, OPT_DST_TLS, C_DST)	\
	X("src-cert-dir", required_argument, OPT_SRC_CERTDIR, C_SRC)	\
	X("dest-cert-dir", required_argument, OPT_DST_CERTDIR, C_DST)	\
	X("retry-times", required_argument, OPT_RETRY_TIMES, C_ALL)	\
	X("retry-delay", required_argument, OPT_RETRY_DELAY, C_ALL)	\
	X("rollback", no_argument, OPT_ROLLBACK, C_RUN)			\
	X("no-rollback", no_argument, OPT_NO_ROLLBACK, C_RUN)		\
	X("arch", required_argument, OPT_ARCH, C_RUN)			\
	X("delete-stale", no_argument, OPT_DELETE_STALE, C_RUN)		\
	X("no-referrers", no_argument, OPT_NO_REFERRERS, C_SRC)		\
	X("referrer-types", required_argument, OPT_REFERRER_TYPES, C_SRC) \
	X("retries", required_argument, OPT_RETRIES, CLI_RUN)		\
	X("dry-run", no_argument, OPT_DRY_RUN, CLI_RUN)			\
	X("report", required_argument, OPT_REPORT, C_RUN)		\
	X("only-failed", required_argument, OPT_ONLY_FAILED, CLI_RUN)	\
	X("state-dir", required_argument, OPT_STATE_DIR, C_DST)		\
	X("yes", no_argument, OPT_YES, C_DST)				\
	X("tag-list", required_argument, OPT_TAG_LIST, CLI_PREVIEW)	\
	X("json", no_argument, OPT_JSON, C_HEADLESS)			\
	X("quiet", no_argument, OPT_QUIET, C_HEADLESS)			\
	X("verbose", no_argument, OPT_VERBOSE, C_HEADLESS)		\
	X("log", required_argument, OPT_LOG, C_HEADLESS)		\
	X("last", no_argument, OPT_LAST, CLI_ROLLBACK)			\
	X("theme", required_argument, OPT_THEME, CLI_TUI)		\
	X("load", required_argument, OPT_LOAD, CLI_TUI)			\
	X("set", required_argument, OPT_SET, CLI_TUI)			\
	X("demo", no_argument, OPT_DEMO, CLI_TUI)

#define AS_OPTION(name, arg, val, cmds)	{ name, arg, NULL, val },
#define AS_CMDS(name, arg, val, cmds)	cmds,

static const struct option long_opts[] = {
	CLI_OPTIONS(AS_OPTION)
	{ NULL, 0, NULL, 0 }
};
static const unsigned opt_cmds[] = { CLI_OPTIONS(AS_CMDS) };

static const struct {
	enum cli_cmd	 cmd;
	const char	*name;
} cmd_names[] = {
	{ CLI_PREVIEW, "preview" }, { CLI_RUN, "run" },
	{ CLI_ROLLBACK, "rollback" },
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
	if (arg == NULL)
		*out = 1;
	else if (tm_parse_bool(arg, out) == -1) {
		cli_error("--%s takes true or false (yes/no, on/off, 1/0), "
		    "not '%s'", opt, arg);
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

/* ITEM[,ITEM...] as tm_list_check takes it (the set file's check too). */
static int
list_ok(const char *opt, const char *arg)
{
	char	bad[TM_LIST_ITEM_MAX];

	if (tm_list_check(arg, bad, sizeof bad) == -1) {
		cli_error("--%s takes ITEM[,ITEM...]: '%s' is no item (in '%s')",
		    opt, bad, arg);
		return -1;
	}
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

/* What the credential options asked for, until the parse is over. */
struct side_state {
	int		 pw_stdin, creds, username, password, no_creds;
	const char	*authfile;
};
struct parse_state {
	struct side_state	 src, dst;
	const char		*authfile;
};

/* --*-username / --*-password: owned copies, as --*-creds makes them. */
static int
take_secret(char **dst, const char *arg)
{
	tm_secret_free(dst);
	if ((*dst = strdup(arg)) == NULL) {
		cli_error("out of memory");
		return -1;
	}
	return 0;
}

/* Who the source is.  0 taken, -1 usage error, 1 not one of ours. */
static int
src_option(struct cli *c, int ch, struct side_state *s)
{
	switch (ch) {
	case OPT_SRC_CREDS:
		s->creds = 1;
		return take_creds("src-creds", optarg, &c->src_user, &c->src_pass);
	case OPT_SRC_USER:
		s->username = 1;
		return take_secret(&c->src_user, optarg);
	case OPT_SRC_PASS:
		s->password = 1;
		return take_secret(&c->src_pass, optarg);
	case OPT_SRC_PW_STDIN:
		s->pw_stdin = 1;
		return 0;
	case OPT_SRC_TOKEN:
		c->mo.src_reg.registry_token = optarg;
		return 0;
	case OPT_SRC_AUTHFILE:
		s->authfile = optarg;
		return 0;
	case OPT_NO_CREDS:
		s->no_creds = c->mo.src_reg.no_auth_files = 1;
		return 0;
	}
	return 1;
}

/* Who the destination is.  0 taken, -1 usage error, 1 not one of ours. */
static int
dst_option(struct cli *c, int ch, struct side_state *s)
{
	switch (ch) {
	case OPT_DST_CREDS:
		s->creds = 1;
		return take_creds("dest-creds", optarg, &c->dst_user, &c->dst_pass);
	case OPT_DST_USER:
		s->username = 1;
		return take_secret(&c->dst_user, optarg);
	case OPT_DST_PASS:
		s->password = 1;
		return take_secret(&c->dst_pass, optarg);
	case OPT_DST_PW_STDIN:
		s->pw_stdin = 1;
		return 0;
	case OPT_DST_TOKEN:
		c->mo.dst_reg.registry_token = optarg;
		return 0;
	case OPT_DST_AUTHFILE:
		s->authfile = optarg;
		return 0;
	case OPT_DST_NO_CREDS:
		s->no_creds = c->mo.dst_reg.no_auth_files = 1;
		return 0;
	}
	return 1;
}

/* How to reach both sides.  0 taken, -1 usage error, 1 not one of ours. */
static int
registry_option(struct cli *c, int ch)
{
	switch (ch) {
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
	case OPT_NO_REFERRERS:
		c->mo.no_referrers = 1;
		return 0;
	case OPT_REFERRER_TYPES:
		c->mo.referrer_types = optarg;
		return list_ok("referrer-types", optarg);
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
program_option(struct cli *c, int ch, struct parse_state *ps)
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
	case OPT_LOAD:
		c->load = optarg;
		return 0;
	case OPT_SET:
		c->set = optarg;
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
	case OPT_QUIET:
		c->quiet = 1;
		return 0;
	case OPT_VERBOSE:
		c->verbose = 1;
		return 0;
	case OPT_LOG:
		c->log = optarg;
		return 0;
	case OPT_AUTHFILE:
		ps->authfile = optarg;
		return 0;
	}
	return 1;
}

/* The credential options of one side agree (as skopeo checks them). */
static int
side_check(const char *side, const struct side_state *s,
    const struct reg_opts *ro)
{
	const char	*clash = NULL;

	if (s->creds && s->username)
		clash = "creds and --%s-username";
	else if (s->password && !s->username) {
		cli_error("--%s-password needs --%s-username", side, side);
		return -1;
	} else if (ro->registry_token != NULL && (s->creds || s->username))
		clash = "registry-token and credentials";
	else if (s->no_creds && (s->creds || s->username ||
	    ro->registry_token != NULL))
		clash = "no-creds and credentials";
	if (clash == NULL)
		return 0;
	fprintf(stderr, "tagmirror: --%s-", side);
	fprintf(stderr, clash, side);
	fputs(" cannot be used together\n", stderr);
	return -1;
}

/* Positional arguments, the credential checks, the missing passwords. */
static int
finish_parse(struct cli *c, int argc, char **argv, struct parse_state *ps)
{
	for (; optind < argc; optind++) {
		if (c->npos == (int)(sizeof c->pos / sizeof c->pos[0])) {
			cli_error("unexpected argument '%s'", argv[optind]);
			return -1;
		}
		c->pos[c->npos++] = argv[optind];
	}
	if (ps->src.pw_stdin && ps->dst.pw_stdin) {
		cli_error("only one of --src-password-stdin and --dest-password-stdin");
		return -1;
	}
	if (side_check("src", &ps->src, &c->mo.src_reg) == -1 ||
	    side_check("dest", &ps->dst, &c->mo.dst_reg) == -1)
		return -1;
	c->mo.src_reg.auth_file = ps->src.authfile != NULL ? ps->src.authfile :
	    ps->authfile;
	c->mo.dst_reg.auth_file = ps->dst.authfile != NULL ? ps->dst.authfile :
	    ps->authfile;
	if (complete_password("src", c->src_user, &c->src_pass,
	    ps->src.pw_stdin) == -1 || complete_password("dest", c->dst_user,
	    &c->dst_pass, ps->dst.pw_stdin) == -1)
		return -1;
	c->mo.src_reg.user = c->src_user;
	c->mo.src_reg.pass = c->src_pass;
	c->mo.dst_reg.user = c->dst_user;
	c->mo.dst_reg.pass = c->dst_pass;
	return 0;
}

static const char *
cmd_name(enum cli_cmd cmd)
{
	size_t	i;

	for (i = 0; i < sizeof cmd_names / sizeof cmd_names[0]; i++)
		if (cmd_names[i].cmd == cmd)
			return cmd_names[i].name;
	return NULL;
}

/* The option ch was given, and whether it applies: 0, or -1 (said). */
static int
option_applies(const struct cli *c, int ch, char **argv)
{
	const char	*cmd = cmd_name(c->cmd);
	size_t		 i;

	if (ch == ':') {
		cli_error("option '%s' needs a value", argv[optind - 1]);
		return -1;
	}
	for (i = 0; long_opts[i].name != NULL; i++) {
		if (long_opts[i].val != ch)
			continue;
		if (opt_cmds[i] & c->cmd)
			return 0;
		if (cmd != NULL)
			cli_error("--%s does not apply to '%s' (see 'tagmirror "
			    "%s --help')", long_opts[i].name, cmd, cmd);
		else
			cli_error("--%s does not apply to the interactive "
			    "program (it is for tagmirror run, preview or "
			    "rollback)", long_opts[i].name);
		return -1;
	}
	cli_error("unknown option '%s' (see --help)", argv[optind - 1]);
	return -1;
}

/* REPO_MIRROR_ROLLBACK, where rollback applies: a boolean or an error. */
static int
env_check(const struct cli *c)
{
	const char	*env = getenv("REPO_MIRROR_ROLLBACK");
	int		 v;

	if (!(c->cmd & C_RUN) || env == NULL || tm_parse_bool(env, &v) == 0)
		return 0;
	cli_error("REPO_MIRROR_ROLLBACK='%s': use true or false (yes/no, "
	    "on/off, 1/0)", env);
	return -1;
}

int
cli_parse(struct cli *c, int argc, char **argv, const char *usage)
{
	struct parse_state	ps;
	size_t			i;
	int			ch, rc;

	memset(c, 0, sizeof *c);
	memset(&ps, 0, sizeof ps);
	c->cmd = CLI_TUI;
	for (i = 0; i < sizeof cmd_names / sizeof cmd_names[0]; i++)
		if (strcmp(argv[0], cmd_names[i].name) == 0)
			c->cmd = cmd_names[i].cmd;
	mirror_opts_init(&c->mo);
	c->mo.src_reg.side = TM_SIDE_SOURCE;
	c->mo.dst_reg.side = TM_SIDE_DEST;
	if (env_check(c) == -1)
		return -1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":t:j:hqv", long_opts, NULL)) != -1) {
		if (option_applies(c, ch, argv) == -1)
			return -1;
		if (ch == OPT_HELP) {
			fputs(usage, stdout);
			return 1;
		}
		if ((rc = src_option(c, ch, &ps.src)) == 1 &&
		    (rc = dst_option(c, ch, &ps.dst)) == 1 &&
		    (rc = registry_option(c, ch)) == 1 &&
		    (rc = run_option(c, ch)) == 1)
			rc = program_option(c, ch, &ps);
		if (rc == -1)
			return -1;
	}
	return finish_parse(c, argc, argv, &ps);
}

/* The request line: the URL up to its query (upload states, tokens). */
static void
trace_line(void *ud, enum tm_side side, const char *method, const char *url,
    int status, double seconds)
{
	struct cli	*c = ud;
	char		 line[1024], safe[1024];
	size_t		 ulen = strcspn(url, "?#");

	snprintf(line, sizeof line, "%s %s %.*s%s -> %d (%.3fs)",
	    tm_side_name(side), method, (int)(ulen > 800 ? 800 : ulen), url,
	    url[ulen] != '\0' ? "?..." : "", status, seconds);
	tm_sanitize(safe, sizeof safe, line);
	/* One call each: stdio locks the stream, lines never interleave. */
	if (c->verbose)
		fprintf(stderr, "tagmirror: %s\n", safe);
	if (c->log_tmp != NULL)
		fprintf(c->log_tmp, "%s\n", safe);
}

int
cli_trace_start(struct cli *c)
{
	struct tm_err	err;

	if (c->log != NULL) {
		if (tm_check_writable(c->log, &err) == -1)
			return cli_tm_error("--log", &err);
		if ((c->log_tmp = tmpfile()) == NULL)
			return cli_error("--log: cannot make a temporary file: %m");
	}
	if (!c->verbose && c->log == NULL)
		return 0;
	c->mo.src_reg.trace = c->mo.dst_reg.trace = trace_line;
	c->mo.src_reg.trace_ud = c->mo.dst_reg.trace_ud = c;
	return 0;
}

/* Copy the collected lines into the --log file. */
static int
copy_log(FILE *out, void *ctx)
{
	FILE	*in = ctx;
	char	 buf[8192];
	size_t	 n;

	rewind(in);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	return ferror(in) ? -1 : 0;
}

int
cli_trace_end(struct cli *c)
{
	struct tm_err	err;

	if (c->log_tmp == NULL)
		return 0;
	if (tm_write_file(c->log, copy_log, c->log_tmp, 0600, &err) == -1)
		return cli_tm_error("--log", &err);
	return 0;
}

int
cli_exit_code(enum mirror_status s)
{
	switch (s) {
	case MIRROR_SUCCESS:
		return 0;
	case MIRROR_FAIL:
		return 2;
	case MIRROR_PARTIAL:
		return 3;
	case MIRROR_ROLLED_BACK:
		return 4;
	case MIRROR_CANCELLED:
		return 5;
	case MIRROR_NOTHING_SELECTED:
		return 6;
	default:
		return 2;
	}
}

void
cli_json_str(FILE *f, const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*safe = malloc(n), *p;

	putc('"', f);
	if (safe != NULL) {
		tm_sanitize(safe, n, s);
		for (p = safe; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				putc('\\', f);
			putc(*p, f);
		}
		free(safe);
	}
	putc('"', f);
}

void
cli_json_err(FILE *f, const struct tm_err *e)
{
	char	*text = mirror_err_json(e);

	fputs(text != NULL ? text : "null", f);
	free(text);
}

void
cli_free(struct cli *c)
{
	if (c->log_tmp != NULL)
		fclose(c->log_tmp);
	c->log_tmp = NULL;
	tm_secret_free(&c->src_user);
	tm_secret_free(&c->src_pass);
	tm_secret_free(&c->dst_user);
	tm_secret_free(&c->dst_pass);
}
