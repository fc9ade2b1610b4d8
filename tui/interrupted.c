#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "evq.h"
#include "journal.h"

/*
 * A run killed before it finished leaves an unfinished journal.  At start
 * the person chooses: roll it back (on a thread: it talks to the
 * destination), keep what it did (the journal is closed as
 * PARTIAL_MIRROR), or decide later (asked again next time).
 */
static struct {
	char			 pending[4096];	/* the journal offered */
	struct evq		*q;
	struct mirror_rollback	*job;
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

static int
keep(struct app *a, const char *path)
{
	struct journal	*j;
	struct tm_err	 err;

	if ((j = journal_reopen(path, &err)) == NULL ||
	    journal_end(j, mirror_status_name(MIRROR_PARTIAL), &err) == -1) {
		if (j != NULL)
			journal_close(j);
		app_msg(a, EL_ERROR, "Could not close the journal: %s", err.msg);
		return D_NOW;
	}
	journal_close(j);
	app_msg(a, EL_OK, "Kept what the interrupted run copied; it will not "
	    "be offered again");
	return D_NOW;
}

static int
answered(struct app *a, int choice, const char *text)
{
	struct tm_err	err;

	(void)text;
	if (choice == 1)
		return keep(a, ir.pending);
	if (choice != 0)
		return D_NOW;
	if ((ir.q = evq_new(sizeof(struct mirror_event))) == NULL) {
		app_msg(a, EL_ERROR, "Cannot start the rollback");
		return D_NOW;
	}
	if ((ir.job = mirror_rollback_journal_start(ir.pending,
	    &a->cli.mo.dst_reg, ir.q, &err)) == NULL) {
		evq_free(ir.q);
		ir.q = NULL;
		app_msg(a, EL_ERROR, "Cannot start the rollback: %s", err.msg);
		return D_NOW;
	}
	ir.restored = 0;
	app_msg(a, EL_ACTIVE, "Rolling back the interrupted run");
	return D_NOW;
}

void
interrupted_check(struct app *a)
{
	struct journal_data	jd;
	struct tm_err		err;
	char			body[8192];
	size_t			i, changed = 0;

	if (mirror_find_interrupted(a->cli.mo.state_dir, ir.pending,
	    sizeof ir.pending) != 1)
		return;
	memset(&jd, 0, sizeof jd);
	if (journal_read(ir.pending, &jd, &err) == -1) {
		app_msg(a, EL_ERROR, "An interrupted run's journal is unreadable "
		    "(%s): %s", ir.pending, err.msg);
		return;
	}
	for (i = 0; i < jd.ntags; i++)
		if (jd.tags[i].changed)
			changed++;
	snprintf(body, sizeof body,
	    "A run started %s did not finish (killed or crashed).\n"
	    "Source:      %s\n"
	    "Destination: %s/%s\n"
	    "It changed %zu tag%s there before it stopped.\n"
	    "\n"
	    "Roll back: put those tags back as they were before that run.\n"
	    "Keep: leave the destination as it is now.\n"
	    "Journal: %s", jd.started, jd.source, jd.host, jd.repo, changed,
	    changed == 1 ? "" : "s", ir.pending);
	journal_data_free(&jd);
	dialog_confirm(a, "An earlier run was interrupted", body,
	    "&Roll back|&Keep|&Later", a->cli.mo.rollback ? 0 : 1, answered);
}

int
interrupted_fd(struct app *a)
{
	(void)a;
	return ir.job != NULL ? evq_fd(ir.q) : -1;
}

int
interrupted_busy(struct app *a)
{
	(void)a;
	return ir.job != NULL;
}

int
interrupted_events(struct app *a)
{
	struct mirror_event	ev[16];
	struct tm_err		err;
	char			buf[1024];
	size_t			n, i;
	int			over = 0;

	if (ir.job == NULL)
		return 0;
	while ((n = evq_drain(ir.q, ev, 16)) > 0)
		for (i = 0; i < n; i++) {
			if (ev[i].type == MEV_ROLLBACK_TAG &&
			    ev[i].state == TAG_ROLLED_BACK)
				ir.restored++;
			if (ev[i].type == MEV_ROLLBACK_DONE)
				over = 1;
		}
	if (!over) {
		app_msg(a, EL_ACTIVE, "Rolling back the interrupted run: %zu tags "
		    "restored", ir.restored);
		return D_DRAW;
	}
	if (job_end(&err) == 0)
		app_msg(a, EL_OK, "The interrupted run is rolled back: the "
		    "destination is as it was before it (%zu tags restored)",
		    ir.restored);
	else {
		explain_err(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "The rollback did not finish: %s", buf);
	}
	return D_NOW;
}

void
interrupted_wait(void)
{
	struct tm_err	err;

	if (ir.job != NULL)
		job_end(&err);
}
