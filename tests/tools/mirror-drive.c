/*
 * mirror-drive: drives the engine's API the way the TUI does, for shell
 * tests of what `tagmirror run` never calls (a retry of failed tags, a
 * rollback decided after the run).
 *
 *   mirror-drive SOURCE DEST EXPR [RETRIES [ATTEMPTS]]
 *
 * Starts the run and waits.  Then reads commands from stdin, one a line:
 * "retry" (every failed tag), "rollback", "quit".  After the run and after
 * each command it prints one "tag NAME STATE DIGEST" line per tag, an
 * "events ..." line counting what the event queue delivered, and
 * "totals checks=N mismatches=M" (while the task ran, and once after it,
 * mirror_totals in snapshots against a recount of the snapshot's tags),
 * "elapsed SECONDS" (the run's own time) and "status COPY FINAL" last; a
 * refused command prints "error MESSAGE" only.  RETRIES (default 0) and
 * ATTEMPTS (per request, default 1) let tags retry.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evq.h"
#include "init.h"
#include "mirror.h"

#define ONE_STATE(name, report, cli, label) + 1
enum { NSTATES = 0 TAG_STATES(ONE_STATE) };
#undef ONE_STATE

struct counts {
	int	planned, tags, finished, rb_tags, rb_done;
	int	checks, mismatches;
};

/*
 * The totals as the engine used to compute them, by a walk of the tags:
 * what its kept counts must equal.  The test's own, not the library's.
 */
static void
recount(const struct mirror_snapshot *s, struct mirror_totals *t)
{
	size_t	i, *n[] = { &t->queued, &t->active, &t->active, &t->queued,
	    &t->done, &t->uptodate, &t->failed, &t->cancelled, &t->skipped,
	    &t->deleted, &t->rolled_back, &t->conflicts };

	/* n follows TAG_STATES' order: a new state must be placed here. */
	_Static_assert(sizeof n / sizeof n[0] == NSTATES, "a count per state");
	memset(t, 0, sizeof *t);
	for (i = 0; i < s->ntags; i++) {
		const struct mirror_tag_info	*x = &s->tags[i];

		(*n[x->state])++;
		if (x->state == TAG_FAILED || x->state == TAG_CONFLICT)
			t->failed_by_cat[x->err.cat]++;
		t->stale += x->action == TAG_ACT_DELETE;
		t->bytes_total += x->bytes_total;
		t->bytes_placed += x->bytes_done;
	}
}

/* One snapshot: its totals against the recount of its tags. */
static void
check(struct mirror *m, struct counts *c)
{
	struct mirror_snapshot	s;
	struct mirror_totals	r;
	const struct mirror_totals *k = &s.totals;
	struct tm_err		err;

	if (mirror_snapshot(m, &s, &err) == -1)
		return;
	recount(&s, &r);
	c->checks++;
	if (k->tags != s.ntags || k->queued != r.queued || k->active != r.active ||
	    k->done != r.done || k->uptodate != r.uptodate ||
	    k->failed != r.failed || k->cancelled != r.cancelled ||
	    k->skipped != r.skipped || k->deleted != r.deleted ||
	    k->rolled_back != r.rolled_back || k->conflicts != r.conflicts ||
	    k->stale != r.stale || k->bytes_total != r.bytes_total ||
	    k->bytes_placed != r.bytes_placed ||
	    memcmp(k->failed_by_cat, r.failed_by_cat, sizeof r.failed_by_cat) != 0)
		c->mismatches++;
	mirror_snapshot_free(&s);
}

/* Check every 2 ms while the task runs, then once when it is over. */
static void
watch(struct mirror *m, struct counts *c)
{
	const struct timespec	ms2 = { 0, 2000000 };

	while (mirror_busy(m)) {
		check(m, c);
		nanosleep(&ms2, NULL);
	}
	mirror_wait(m);
	check(m, c);
}

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

	watch(m, c);
	drain(q, c);
	n = mirror_tag_count(m);
	for (i = 0; i < n; i++)
		if (mirror_tag_info(m, i, &t) == 0)
			printf("tag %s %s %s\n", t.name, tag_state_label(t.state),
			    t.state == TAG_DONE ? t.dst_digest : "-");
	printf("events planned=%d finished=%d rollback_tags=%d rollback_done=%d "
	    "tag_events=%s\n", c->planned, c->finished, c->rb_tags, c->rb_done,
	    c->tags > 0 ? "yes" : "no");
	printf("totals checks=%d mismatches=%d\n", c->checks, c->mismatches);
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

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: mirror-drive SOURCE DEST EXPR "
		    "[RETRIES [ATTEMPTS]]\n");
		return 2;
	}
	if (tm_init() == -1)
		return 2;
	mirror_opts_init(&o);
	o.src = argv[1];
	o.dst = argv[2];
	o.expr = argv[3];
	o.retries = argc > 4 ? atoi(argv[4]) : 0;
	o.jobs = 2;
	o.src_reg.max_attempts = o.dst_reg.max_attempts =
	    argc > 5 ? atoi(argv[5]) : 1;
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
