/*
 * Command-line options shared by `tagmirror preview|run|rollback` and the
 * TUI, named as skopeo names them where skopeo has them.
 */
#ifndef TM_CLI_H
#define TM_CLI_H

#include <stdio.h>

#include "mirror.h"

/* The command a parse is for (from argv[0]); options are checked against it. */
enum cli_cmd {
	CLI_PREVIEW = 1, CLI_RUN = 2, CLI_ROLLBACK = 4, CLI_TUI = 8
};

struct cli {
	enum cli_cmd		 cmd;
	int			 npos;
	char			*pos[4];	/* positional arguments */
	struct mirror_opts	 mo;		/* src, dst, expr, reg opts, run knobs */
	const char		*report;	/* --report FILE */
	const char		*only_failed;	/* --only-failed REPORT */
	const char		*tag_list;	/* --tag-list FILE|- */
	const char		*theme;		/* --theme NAME|FILE */
	const char		*load;		/* --load NAME: a saved mirror */
	const char		*set;		/* --set FILE|NAME: a mirror set */
	int			 json;		/* --json */
	int			 demo;		/* --demo */
	int			 last;		/* --last (rollback) */
	int			 yes;		/* --yes: no questions */
	int			 quiet;		/* -q, --quiet: errors and the last line */
	int			 verbose;	/* -v, --verbose: a line per request */
	const char		*log;		/* --log FILE: those lines, to a file */
	FILE			*log_tmp;	/* the --log lines until cli_trace_end */
	/* Owned copies of secrets; wiped by cli_free. */
	char			*src_user, *src_pass, *dst_user, *dst_pass;
};

/*
 * Parse argv (argv[0] is the command name: "preview", "run", "rollback",
 * anything else is the TUI).  An option that does not apply to that
 * command, a bad REPO_MIRROR_ROLLBACK (run, TUI) or a conflict between
 * credential options is a usage error: one line "tagmirror: ..." on
 * stderr and -1.  Passwords: USER:PASS (as skopeo), --*-username with
 * --*-password, --*-password-stdin, or a prompt on the terminal when only
 * USER is given.  Returns 0, or 1 when --help was printed.
 */
int	cli_parse(struct cli *, int argc, char **argv, const char *usage);
void	cli_free(struct cli *);

/* Print "tagmirror: <fmt>\n" to stderr; returns 1 (the usage exit code). */
int	cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a core error, in its long form, after "what: " (may be
 * NULL).  Returns 1. */
int	cli_tm_error(const char *what, const struct tm_err *);

/*
 * --verbose and --log: a line per request (side, method, URL without its
 * query, status, seconds) on stderr and/or into --log, installed as the
 * trace hook of both registry sides.  cli_trace_start checks --log is
 * writable first: 0, or 1 (usage error said).  cli_trace_end writes the
 * --log file (tm_write_file, 0600): 0, or 1 (said).
 */
int	cli_trace_start(struct cli *);
int	cli_trace_end(struct cli *);

/* The exit status of a run that ended so (the man page's EXIT STATUS). */
int	cli_exit_code(enum mirror_status);
/* JSON Lines pieces: a string (sanitized, escaped), an error or null. */
void	cli_json_str(FILE *, const char *);
void	cli_json_err(FILE *, const struct tm_err *);

#endif
