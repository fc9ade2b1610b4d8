/*
 * `tagmirror rollback`: restore a destination from a run's journal alone
 * and say, per tag and in one last line, how it went.
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
"\n"
"Options:\n"
"  --last                     the newest journal of a run that changed\n"
"                             something, in the state directory\n"
"  --state-dir DIR            where journals are (default\n"
"                             $XDG_STATE_HOME/tagmirror)\n"
"  --dest-creds USER[:PASS]   destination credentials (default: auth files)\n"
"  --dest-password-stdin      read the destination password from stdin\n"
"  --dest-tls-verify=false    skip TLS verification, allow plain HTTP\n"
"  --dest-cert-dir DIR        extra CA certificates (*.crt)\n"
"  -h, --help                 this text\n"
"\n"
"Exit status: 0 the destination is as before the run, 1 usage error,\n"
"unreadable journal or the destination locked by another tagmirror, 2\n"
"some tags could not be restored, 3 restored except tags someone else\n"
"moved (conflicts).\n";

static void
print_event(const struct mirror_event *ev, int width)
{
	char	reason[1024];

	if (ev->type != MEV_ROLLBACK_TAG)
		return;
	if (ev->state == TAG_ROLLED_BACK) {
		printf("%-*s  %-10s  %s\n", width, ev->name, "as-before",
		    ev->digest[0] != '\0' ? ev->digest : "(absent)");
		return;
	}
	tm_err_format(&ev->err, reason, sizeof reason);
	printf("%-*s  %-10s  %s\n", width, ev->name,
	    tag_state_cli_word(ev->state), reason);
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

/* The last line and the exit code (see usage). */
static int
outcome(int r, const struct tm_err *err, size_t tags)
{
	char	reason[1024];

	if (r == 0) {
		if (err->msg[0] != '\0')
			fprintf(stderr, "tagmirror: %s\n", err->msg);
		printf("ROLLED_BACK: %zu tag%s as before the run\n", tags,
		    tags == 1 ? "" : "s");
		return 0;
	}
	tm_err_format(err, reason, sizeof reason);
	if (err->cat == TM_CAT_CONFLICT) {
		printf("ROLLED_BACK except conflicts: %s\n", reason);
		return 3;
	}
	if (tags == 0 && err->side == TM_SIDE_LOCAL)
		return cli_error("%s", reason);
	printf("rollback incomplete: %s\n", reason);
	cli_error("rollback incomplete; run it again when the registry is "
	    "reachable: %s", reason);
	return 2;
}

int
cmd_rollback(int argc, char **argv)
{
	struct mirror_event	 ev[64];
	struct tm_err		 err;
	struct evq		*q;
	struct cli		 c;
	char			 path[PATH_MAX];
	size_t			 n, i, tags = 0;
	int			 rc, r;

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
	fprintf(stderr, "tagmirror: rolling back %s\n", path);
	r = mirror_rollback_journal(path, &c.mo.dst_reg, q, &err);
	while ((n = evq_drain(q, ev, 64)) > 0)
		for (i = 0; i < n; i++) {
			print_event(&ev[i], 20);
			tags += ev[i].type == MEV_ROLLBACK_TAG;
		}
	evq_free(q);
	rc = outcome(r, &err, tags);
out:
	cli_free(&c);
	return rc;
}
