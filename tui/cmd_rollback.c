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
"  --last                     the newest journal in the state directory\n"
"  --state-dir DIR            where journals are (default\n"
"                             $XDG_STATE_HOME/tagmirror)\n"
"  --dest-creds USER[:PASS]   destination credentials (default: auth files)\n"
"  --dest-password-stdin      read the destination password from stdin\n"
"  --dest-tls-verify=false    skip TLS verification, allow plain HTTP\n"
"  --dest-cert-dir DIR        extra CA certificates (*.crt)\n"
"  -h, --help                 this text\n"
"\n"
"Exit status: 0 the destination is as before the run, 1 usage error or\n"
"unreadable journal, 2 some tags could not be restored, 3 restored except\n"
"tags someone else moved (conflicts).\n";

static void
print_event(const struct mirror_event *ev, int width)
{
	char	reason[1024];

	switch (ev->type) {
	case MEV_ROLLBACK_TAG:
		if (ev->state == TAG_ROLLED_BACK) {
			printf("%-*s  %-10s  %s\n", width, ev->name, "as-before",
			    ev->digest[0] != '\0' ? ev->digest : "(absent)");
			break;
		}
		tm_err_format(&ev->err, reason, sizeof reason);
		printf("%-*s  %-10s  %s\n", width, ev->name,
		    ev->state == TAG_CONFLICT ? "CONFLICT" : "FAILED", reason);
		break;
	default:
		break;
	}
}

int
cmd_rollback(int argc, char **argv)
{
	struct mirror_event	 ev[64];
	struct tm_err		 err;
	struct evq		*q;
	struct cli		 c;
	char			 path[PATH_MAX], reason[1024];
	size_t			 n, i, tags = 0;
	int			 rc, r;

	if ((rc = cli_parse(&c, argc, argv, usage)) != 0) {
		cli_free(&c);
		return rc == 1 ? 0 : 1;
	}
	rc = 1;
	if ((c.npos == 1) == (c.last != 0)) {
		cli_error("rollback needs a JOURNAL or --last (see --help)");
		goto out;
	}
	if (c.last) {
		r = mirror_find_last(c.mo.state_dir, path, sizeof path);
		if (r != 1) {
			cli_error("no journal found%s%s", c.mo.state_dir ?
			    " in " : "", c.mo.state_dir ? c.mo.state_dir : "");
			goto out;
		}
	} else
		snprintf(path, sizeof path, "%s", c.pos[0]);
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
	if (r == 0) {
		printf("ROLLED_BACK: %zu tag%s as before the run\n", tags,
		    tags == 1 ? "" : "s");
		rc = 0;
	} else {
		tm_err_format(&err, reason, sizeof reason);
		if (err.cat == TM_CAT_CONFLICT) {
			printf("ROLLED_BACK except conflicts: %s\n", reason);
			rc = 3;
		} else if (tags == 0 && err.side == TM_SIDE_LOCAL) {
			cli_error("%s", reason);
			rc = 1;
		} else {
			printf("rollback incomplete: %s\n", reason);
			cli_error("rollback incomplete; run it again when the "
			    "registry is reachable: %s", reason);
			rc = 2;
		}
	}
out:
	cli_free(&c);
	return rc;
}
