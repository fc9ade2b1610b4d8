/*
 * The interrupted-run model.  A run killed before it finished leaves an
 * unfinished journal; this finds it, keeps it (the journal is closed as
 * PARTIAL_MIRROR) or rolls it back on a thread (it talks to the
 * destination) and reports how that goes.  Who asks and what the person
 * sees is screen_interrupted.c's.
 */
#include "config.h"

#include "model_interrupted.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "journal.h"

struct rb_job {
	char		 path[4096];
	struct reg_opts	 ro;
	struct evq	*q;
	int		 rc;
	struct tm_err	 err;
};

static struct {
	char		 pending[4096];	/* the journal offered */
	struct rb_job	*job;
	pthread_t	 thread;
	size_t		 restored;
} ir;

static void *
rb_thread(void *p)
{
	struct rb_job		*job = p;
	struct mirror_event	 ev;

	job->rc = mirror_rollback_journal(job->path, &job->ro, job->q,
	    &job->err);
	/* Our own end marker: the journal rollback may send its own events. */
	memset(&ev, 0, sizeof ev);
	ev.type = MEV_FINISHED;
	evq_push(job->q, &ev);
	return NULL;
}

int
interrupted_keep(struct tm_err *err)
{
	struct journal	*j;

	if ((j = journal_reopen(ir.pending, err)) == NULL ||
	    journal_end(j, mirror_status_name(MIRROR_PARTIAL), err) == -1) {
		if (j != NULL)
			journal_close(j);
		return -1;
	}
	journal_close(j);
	return 0;
}

int
interrupted_rollback(const struct reg_opts *dst)
{
	struct rb_job	*job;

	if ((job = calloc(1, sizeof *job)) == NULL)
		return -1;
	snprintf(job->path, sizeof job->path, "%s", ir.pending);
	job->ro = *dst;
	if ((job->q = evq_new(sizeof(struct mirror_event))) == NULL ||
	    pthread_create(&ir.thread, NULL, rb_thread, job) != 0) {
		if (job->q != NULL)
			evq_free(job->q);
		free(job);
		return -1;
	}
	ir.job = job;
	ir.restored = 0;
	return 0;
}

int
interrupted_find(const char *state_dir, struct interrupted_offer *o,
    struct tm_err *err)
{
	struct journal_data	jd;
	size_t			i;

	memset(o, 0, sizeof *o);
	if (mirror_find_interrupted(state_dir, ir.pending,
	    sizeof ir.pending) != 1)
		return 0;
	snprintf(o->path, sizeof o->path, "%s", ir.pending);
	memset(&jd, 0, sizeof jd);
	if (journal_read(ir.pending, &jd, err) == -1)
		return -1;
	for (i = 0; i < jd.ntags; i++)
		if (jd.tags[i].changed)
			o->changed++;
	snprintf(o->started, sizeof o->started, "%s", jd.started);
	snprintf(o->source, sizeof o->source, "%s", jd.source);
	snprintf(o->host, sizeof o->host, "%s", jd.host);
	snprintf(o->repo, sizeof o->repo, "%s", jd.repo);
	journal_data_free(&jd);
	return 1;
}

int
interrupted_fd(void)
{
	return ir.job != NULL ? evq_fd(ir.job->q) : -1;
}

int
interrupted_busy(void)
{
	return ir.job != NULL;
}

enum interrupted_news
interrupted_events(size_t *restored, struct tm_err *err)
{
	struct mirror_event	ev[16];
	size_t			n, i;
	int			over = 0, rc;

	if (ir.job == NULL)
		return IN_NONE;
	while ((n = evq_drain(ir.job->q, ev, 16)) > 0)
		for (i = 0; i < n; i++) {
			if (ev[i].type == MEV_ROLLBACK_TAG &&
			    ev[i].state == TAG_ROLLED_BACK)
				ir.restored++;
			if (ev[i].type == MEV_FINISHED)
				over = 1;
		}
	*restored = ir.restored;
	if (!over)
		return IN_PROGRESS;
	pthread_join(ir.thread, NULL);
	rc = ir.job->rc;
	*err = ir.job->err;
	evq_free(ir.job->q);
	free(ir.job);
	ir.job = NULL;
	return rc == 0 ? IN_DONE : IN_FAILED;
}

void
interrupted_wait(void)
{
	if (ir.job == NULL)
		return;
	pthread_join(ir.thread, NULL);
	evq_free(ir.job->q);
	free(ir.job);
	ir.job = NULL;
}
