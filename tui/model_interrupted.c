/*
 * The interrupted-run model.  A run killed before it finished leaves an
 * unfinished journal; this finds it, keeps it (the journal is closed as
 * PARTIAL_MIRROR) or rolls it back on the engine's journal-rollback
 * thread and reports how that goes.  Who asks and what the person
 * sees is screen_interrupted.c's.
 */
#include "config.h"

#include "model_interrupted.h"

#include <stdio.h>
#include <string.h>

#include "evq.h"
#include "journal.h"

static struct {
	char			 pending[4096];	/* the journal offered */
	struct evq		*q;
	struct mirror_rollback	*job;	/* the engine's rollback thread */
	size_t			 restored;
} ir;

/* Join the engine's rollback thread and drop the queue: the job is over. */
static int
job_end(struct tm_err *err)
{
	int	rc = mirror_rollback_journal_join(ir.job, err);

	evq_free(ir.q);
	ir.q = NULL;
	ir.job = NULL;
	return rc;
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
interrupted_rollback(const struct reg_opts *dst, struct tm_err *err)
{
	if ((ir.q = evq_new(sizeof(struct mirror_event))) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	if ((ir.job = mirror_rollback_journal_start(ir.pending, dst, ir.q,
	    err)) == NULL) {
		evq_free(ir.q);
		ir.q = NULL;
		return -1;
	}
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
	return ir.job != NULL ? evq_fd(ir.q) : -1;
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
	int			over = 0;

	if (ir.job == NULL)
		return IN_NONE;
	while ((n = evq_drain(ir.q, ev, 16)) > 0)
		for (i = 0; i < n; i++) {
			if (ev[i].type == MEV_ROLLBACK_TAG &&
			    ev[i].state == TAG_ROLLED_BACK)
				ir.restored++;
			if (ev[i].type == MEV_ROLLBACK_DONE)
				over = 1;
		}
	*restored = ir.restored;
	if (!over)
		return IN_PROGRESS;
	return job_end(err) == 0 ? IN_DONE : IN_FAILED;
}

void
interrupted_wait(void)
{
	struct tm_err	err;

	if (ir.job != NULL)
		job_end(&err);
}
