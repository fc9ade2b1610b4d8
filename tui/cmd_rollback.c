/*
 * `tagmirror rollback`: restore a destination from a run's journal alone
 * (or every repository of a set run from its set journal) and say, per
 * tag and in one last line, how it went.
 */
#include "config.h"

#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "evq.h"
#include "mirror.h"

static const char usage[] =
"Usage: tagmirror rollback JOURNAL [options]\n"
"       tagmirror rollback --last [options]\n"
"\n"
"Restores the destination tags a run changed to what they were before it,\n"
"from the run's journal alone: after a failed run, a crash, or kill -9.\n"
"Tags someone else moved since are left alone and reported as conflicts;\n"
"every tag is read back afterwards.  Running it twice is harmless.\n"
"JOURNAL may be a 'tagmirror sync' run's set journal: every repository of\n"
"the set is restored, each tag line naming its repository (REPO:TAG).\n"
"\n"
"Options:\n"
"  --last                     the newest journal of a run (or set run) that\n"
"                             changed something, in the state directory\n"
"  --state-dir DIR            where journals are (default\n"
"                             $XDG_STATE_HOME/tagmirror)\n"
"  --dest-creds USER[:PASS]   destination credentials (default: auth files)\n"
"  --dest-password-stdin      read the destination password from stdin\n"
"  --dest-tls-verify=false    skip TLS verification, allow plain HTTP\n"
"  --dest-cert-dir DIR        extra CA certificates (*.crt)\n"
"  --dest-no-creds            never read the auth files\n"
"  --dest-username USER, --dest-password PASS\n"
"  --dest-registry-token TOKEN a bearer token, sent as is\n"
"  --authfile FILE, --dest-authfile FILE\n"
"                             auth.json read first, as skopeo's\n"
"  --retry-times N, --retry-delay SECONDS\n"
"  --json                     JSON Lines: a line per tag, then a summary\n"
"  -q, --quiet                only failed tags and the last line\n"
"  -v, --verbose              a line per request on stderr (no secrets)\n"
"  --log FILE                 those request lines into FILE (mode 0600)\n"
"  --yes                      accepted for scripts; nothing is asked\n"
"  -h, --help                 this text\n"
"\n"
"Exit status: 0 the destination is as before the run, 1 usage error,\n"
"unreadable journal or the destination locked by another tagmirror, 2\n"
"some tags could not be restored, 3 restored except tags someone else\n"
"moved (conflicts).\n";

/* The width of the word column: the longest word below. */
#define WORD_W	10

/* A tag's line: aligned text, or its JSON line. */
static void
print_event(const struct mirror_event *ev, int width, int json, int quiet)
{
	char		 reason[1024];
	const char	*word, *what;

	if (ev->type != MEV_ROLLBACK_TAG)
		return;
	if (json) {
		fputs("{\"type\":\"tag\",\"tag\":", stdout);
		cli_json_str(stdout, ev->name);
		printf(",\"state\":\"%s\",\"already\":%s,\"digest\":",
		    ev->state == TAG_ROLLED_BACK && ev->count ? "unchanged" :
		    tag_state_name(ev->state), ev->count ? "true" : "false");
		if (ev->digest[0] != '\0')
			cli_json_str(stdout, ev->digest);
		else
			fputs("null", stdout);
		fputs(",\"error\":", stdout);
		cli_json_err(stdout, &ev->err);
		fputs("}\n", stdout);
		return;
	}
	if (ev->state != TAG_ROLLED_BACK) {
		tm_err_format(&ev->err, reason, sizeof reason);
		word = tag_state_cli_word(ev->state);
		what = reason;
	} else if (quiet)
		return;
	else {
		word = ev->count ? "unchanged" : ev->digest[0] != '\0' ?
		    "restored" : "deleted";
		what = ev->count ? (ev->digest[0] != '\0' ? ev->digest :
		    "(already absent, as before the run)") : ev->digest[0] !=
		    '\0' ? ev->digest : "(was absent before the run)";
	}
	printf("%-*s  %-*s  %s\n", width, ev->name, WORD_W, word, what);
}

/* The journal named, or the newest one with --last.  0, or -1 (said). */
static int
journal_path(const struct cli *c, char *path, size_t n)
{
	char	what[2048];

	if ((c->npos == 1) == (c->last != 0)) {
		cli_error("rollback needs a JOURNAL or --last (see --help)");
		return -1;
	}
	if (!c->last) {
		snprintf(path, n, "%s", c->pos[0]);
		return 0;
	}
	if (mirror_find_last(c->mo.state_dir, path, n) != 1) {
		cli_error("no journal of a run that changed something%s%s",
		    c->mo.state_dir ? " in " : "",
		    c->mo.state_dir ? c->mo.state_dir : "");
		return -1;
	}
	if (mirror_describe_journal(path, what, sizeof what) == 0)
		fprintf(stderr, "tagmirror: --last: %s\n", what);
	return 0;
}

/* The JSON summary that ends --json: status, exit code, error. */
static void
json_outcome(const char *status, int code, size_t tags,
    const struct tm_err *err)
{
	printf("{\"type\":\"summary\",\"status\":\"%s\",\"exit_code\":%d,"
	    "\"tags\":%zu,\"error\":", status, code, tags);
	cli_json_err(stdout, err);
	puts("}");
}

/* The last line and the exit code (see usage). */
static int
outcome(int r, const struct tm_err *err, size_t tags, int json)
{
	char	reason[1024];
	int	code = r == 0 ? 0 : err->cat == TM_CAT_CONFLICT ? 3 : 2;

	if (r != 0 && tags == 0 && err->side == TM_SIDE_LOCAL)
		return cli_tm_error(NULL, err);
	/* A success may carry a note: a stale lock taken over. */
	if (r == 0 && err->msg[0] != '\0')
		fprintf(stderr, "tagmirror: %s\n", err->msg);
	tm_err_format(err, reason, sizeof reason);
	if (json)
		json_outcome(code == 0 ? "ROLLED_BACK" : code == 3 ?
		    "ROLLED_BACK_EXCEPT_CONFLICTS" : "ROLLBACK_INCOMPLETE", code,
		    tags, err);
	else if (code == 0)
		printf("ROLLED_BACK: %zu tag%s as before the run\n", tags,
		    tags == 1 ? "" : "s");
	else if (code == 3)
		printf("ROLLED_BACK except conflicts: %s\n", reason);
	else
		printf("rollback incomplete: %s\n", reason);
	if (code == 2)
		cli_error("rollback incomplete; run it again when the registry "
		    "is reachable: %s", reason);
	return code;
}

int
cmd_rollback(int argc, char **argv)
{
	static struct mirror_event ev[1024];
	struct tm_err		 err;
	struct evq		*q;
	struct cli		 c;
	char			 path[PATH_MAX];
	size_t			 n, i, nev = 0, tags = 0;
	int			 rc, r, width = 3;

	if ((rc = cli_parse(&c, argc, argv, usage)) != 0) {
		cli_free(&c);
		return rc == 1 ? 0 : 1;
	}
	rc = 1;
	if (journal_path(&c, path, sizeof path) == -1)
		goto out;
	if ((q = evq_new(sizeof(struct mirror_event))) == NULL) {
		cli_error("cannot create the event queue: %s", strerror(errno));
		goto out;
	}
	if (cli_trace_start(&c) != 0) {
		evq_free(q);
		goto out;
	}
	fprintf(stderr, "tagmirror: rolling back %s\n", path);
	r = mirror_rollback_journal(path, &c.mo.dst_reg, q, &err);
	/* All events are in once it returns: align on the longest tag. */
	while ((n = evq_drain(q, ev + nev, 64)) > 0 && (nev += n) + 64 <=
	    sizeof ev / sizeof ev[0])
		;
	for (i = 0; i < nev; i++)
		if (ev[i].type == MEV_ROLLBACK_TAG && (int)strlen(ev[i].name) >
		    width)
			width = strlen(ev[i].name) > 40 ? 40 :
			    (int)strlen(ev[i].name);
	do {
		for (i = 0; i < nev; i++) {
			print_event(&ev[i], width, c.json, c.quiet);
			tags += ev[i].type == MEV_ROLLBACK_TAG;
		}
		/* Past the buffer: the rest as they come. */
	} while ((nev = evq_drain(q, ev, 64)) > 0);
	evq_free(q);
	rc = outcome(r, &err, tags, c.json);
	if (cli_trace_end(&c) != 0 && rc == 0)
		rc = 1;
out:
	cli_free(&c);
	return rc;
}
