/*
 * mirror-drive: drives the engine's API the way the TUI does, for shell
 * tests of what `tagmirror run` never calls (a retry of failed tags, a
 * rollback decided after the run).
 *
 *   mirror-drive SOURCE DEST EXPR
 *
 * Starts the run and waits.  Then reads commands from stdin, one a line:
 * "retry" (every failed tag), "rollback", "quit".  After the run and after
 * each command it prints one "tag NAME STATE DIGEST" line per tag, an
 * "events ..." line counting what the event queue delivered, and
 * "elapsed SECONDS" (the run's own time) and "status COPY FINAL" last; a
 * refused command prints "error MESSAGE" only.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "evq.h"
#include "init.h"
#include "mirror.h"

struct counts {
	int	planned, tags, finished, rb_tags, rb_done;
};

static void
drain(struct evq *q, struct counts *c)
{
	struct mirror_event	ev[32];
	size_t			n, i;

	while ((n = evq_drain(q, ev, 32)) > 0)
		for (i = 0; i < n; i++)
			switch (ev[i].type) {
			case MEV_PLANNED:
				c->planned++;
				break;
			case MEV_TAG:
				c->tags++;
				break;
			case MEV_FINISHED:
				c->finished++;
				break;
			case MEV_ROLLBACK_TAG:
				c->rb_tags++;
				break;
			case MEV_ROLLBACK_DONE:
				c->rb_done++;
				break;
			default:
				break;
			}
}

static void
show(struct mirror *m, struct evq *q, struct counts *c)
{
	struct mirror_tag_info	t;
	struct mirror_totals	tot;
	size_t			i, n;

	mirror_wait(m);
	drain(q, c);
	n = mirror_tag_count(m);
	for (i = 0; i < n; i++)
		if (mirror_tag_info(m, i, &t) == 0)
			printf("tag %s %s %s\n", t.name, tag_state_label(t.state),
			    t.state == TAG_DONE ? t.dst_digest : "-");
	printf("events planned=%d finished=%d rollback_tags=%d rollback_done=%d "
	    "tag_events=%s\n", c->planned, c->finished, c->rb_tags, c->rb_done,
	    c->tags > 0 ? "yes" : "no");
	mirror_totals(m, &tot);
	printf("elapsed %.1f\n", tot.elapsed);
	printf("status %s %s\n", mirror_status_name(mirror_copy_status(m)),
	    mirror_status_name(mirror_status(m)));
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct mirror_opts	 o;
	struct counts		 c = { 0 };
	struct tm_err		 err;
	struct mirror		*m;
	struct evq		*q;
	char			 line[64];
	int			 rc;

	if (argc != 4) {
		fprintf(stderr, "usage: mirror-drive SOURCE DEST EXPR\n");
		return 2;
	}
	if (tm_init() == -1)
		return 2;
	mirror_opts_init(&o);
	o.src = argv[1];
	o.dst = argv[2];
	o.expr = argv[3];
	o.retries = 0;
	o.jobs = 2;
	o.src_reg.max_attempts = o.dst_reg.max_attempts = 1;
	q = evq_new(sizeof(struct mirror_event));
	if (q == NULL || (m = mirror_new(&o, q, &err)) == NULL ||
	    mirror_start(m, &err) == -1) {
		printf("error %s\n", err.msg);
		return 1;
	}
	show(m, q, &c);
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "quit") == 0)
			break;
		if (strcmp(line, "retry") == 0)
			rc = mirror_retry_start(m, NULL, 0, &err);
		else if (strcmp(line, "rollback") == 0)
			rc = mirror_rollback_start(m, &err);
		else {
			printf("error unknown command %s\n", line);
			fflush(stdout);
			continue;
		}
		if (rc == -1) {
			printf("error %s\n", err.msg);
			fflush(stdout);
		} else
			show(m, q, &c);
	}
	mirror_free(m);
	evq_free(q);
	tm_cleanup();
	return 0;
}
