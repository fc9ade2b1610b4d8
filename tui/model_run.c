/* The run model: one engine run of the form and its decision afterwards. */
#include "config.h"

#include "model_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evq.h"
#include "paths.h"
#include "clock.h"

struct run {
	struct mirror		*m;
	struct evq		*q;
	char			 src[512], dst[512];
	int			 rollback_default;
	int			 dry_run;
	enum run_phase		 phase;
	int			 cancelling;
	int			 decision;
	int			 asking;	/* finished, keep or roll back asked */
	int			 retried;	/* the last task was a retry */
	size_t			 rb_done;
	size_t			 rb_restore, rb_remove;	/* what it set out to do */
	struct tm_err		 run_err, rb_err;
	/*
	 * Speed, sampled every half second: per tag only for the tags in
	 * flight (hot: those an event named since, kept while copying), so
	 * a sample costs the jobs running, not the whole list.
	 */
	struct run_speed	 sp;
	double			 paused_until;
	double			*tag_rate;
	int64_t			*tag_bytes;
	unsigned char		*is_hot;
	size_t			*hot, nhot;
	size_t			 ntrack;
	char			 report[4096];
	char			 report_err[512];
};

/* Speeds from now on: a (re)started copy measures from its own start. */
static void
restart_speed(struct run *r)
{
	struct mirror_totals	t;

	mirror_totals(r->m, &t);
	run_speed_start(&r->sp, &t, tm_now());
}

/* Where the report goes: --report, else a new file in the state dir. */
static void
report_path(struct run *r, const char *report)
{
	char		rel[96];
	time_t		now = time(NULL);
	struct tm	tm;

	if (report != NULL) {
		snprintf(r->report, sizeof r->report, "%s", report);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(rel, sizeof rel, "reports/run-%Y%m%d-%H%M%S.json", &tm);
	if (path_state(r->report, sizeof r->report, rel) == -1)
		snprintf(r->report, sizeof r->report, "tagmirror-report.json");
}

struct run *
run_start(const struct mirror_opts *mo, const char *report, struct tm_err *err)
{
	struct mirror_opts	 o = *mo;
	struct run		*r;

	if ((r = calloc(1, sizeof *r)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	/* The UI asks after the run instead; the setting picks the default. */
	r->rollback_default = mo->rollback;
	r->dry_run = mo->dry_run;
	o.rollback = 0;
	snprintf(r->src, sizeof r->src, "%s", mo->src);
	snprintf(r->dst, sizeof r->dst, "%s", mo->dst);
	if ((r->q = evq_new(sizeof(struct mirror_event))) == NULL) {
		free(r);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	if ((r->m = mirror_new(&o, r->q, err)) == NULL ||
	    mirror_start(r->m, err) == -1) {
		run_free(r);
		return NULL;
	}
	r->phase = RP_RUNNING;
	restart_speed(r);
	report_path(r, report);
	return r;
}

void
run_free(struct run *r)
{
	if (r == NULL)
		return;
	if (r->m != NULL) {
		mirror_cancel(r->m);
		mirror_wait(r->m);
		mirror_free(r->m);
	}
	if (r->q != NULL)
		evq_free(r->q);
	free(r->tag_rate);
	free(r->tag_bytes);
	free(r->is_hot);
	free(r->hot);
	free(r);
}

int
run_fd(const struct run *r)
{
	return r->q != NULL ? evq_fd(r->q) : -1;
}

int
run_busy(const struct run *r)
{
	return r != NULL && (r->phase == RP_RUNNING ||
	    r->phase == RP_ROLLING_BACK);
}

int
run_undecided(const struct run *r)
{
	return r != NULL && r->asking && r->phase == RP_FINISHED;
}

size_t
run_tag_count(const struct run *r)
{
	return mirror_tag_count(r->m);
}

int
run_tag_info(const struct run *r, size_t i, struct mirror_tag_info *ti)
{
	return mirror_tag_info(r->m, i, ti);
}

void
run_rollback_info(const struct run *r, struct mirror_rollback_info *rb)
{
	mirror_rollback_info(r->m, rb);
}

static void
track(struct run *r, size_t n)
{
	double		*nr;
	int64_t		*nb;
	unsigned char	*nf;
	size_t		*nh;

	if (n <= r->ntrack)
		return;
	if ((nr = realloc(r->tag_rate, n * sizeof *nr)) == NULL)
		return;
	r->tag_rate = nr;
	if ((nb = realloc(r->tag_bytes, n * sizeof *nb)) == NULL)
		return;
	r->tag_bytes = nb;
	if ((nf = realloc(r->is_hot, n)) == NULL)
		return;
	r->is_hot = nf;
	if ((nh = realloc(r->hot, n * sizeof *nh)) == NULL)
		return;
	r->hot = nh;
	memset(nr + r->ntrack, 0, (n - r->ntrack) * sizeof *nr);
	memset(nb + r->ntrack, 0, (n - r->ntrack) * sizeof *nb);
	memset(nf + r->ntrack, 0, n - r->ntrack);
	r->ntrack = n;
}

/* Tag i is in flight: sample its speed from the next tick on. */
static void
heat(struct run *r, size_t i)
{
	track(r, i + 1);
	if (i >= r->ntrack || r->is_hot[i])
		return;
	r->is_hot[i] = 1;
	r->hot[r->nhot++] = i;
}

int
run_write_report(struct run *r, const char *path, struct tm_err *err)
{
	if (path == NULL)
		path = r->report;
	if (path_mkparent(path, 0700) == -1)
		return tm_err_set(err, TM_CAT_IO, "cannot create the directory "
		    "of %s", path);
	return mirror_write_report(r->m, path, err);
}

static void
auto_report(struct run *r)
{
	struct tm_err	err;

	r->report_err[0] = '\0';
	if (run_write_report(r, NULL, &err) == -1)
		tm_err_format(&err, r->report_err, sizeof r->report_err);
}

static int
finished(struct run *r, const struct mirror_event *ev)
{
	struct mirror_totals	t;

	r->phase = RP_FINISHED;
	r->run_err = ev->err;
	r->cancelling = 0;
	mirror_wait(r->m);
	mirror_totals(r->m, &t);
	/*
	 * Something changed and something failed: the person decides, and
	 * the report waits for the answer (one report per outcome).  A run
	 * that changed nothing has nothing to roll back.
	 */
	if (t.done + t.deleted > 0 && (ev->status == MIRROR_PARTIAL ||
	    ev->status == MIRROR_CANCELLED || ev->status == MIRROR_FAIL)) {
		r->asking = 1;
		return RUN_FINISHED | RUN_ASK;
	}
	auto_report(r);
	return RUN_FINISHED;
}

int
run_events(struct run *r)
{
	struct mirror_event	 ev[32];
	size_t			 n, i;
	int			 dirty = 0;

	while (r->q != NULL && (n = evq_drain(r->q, ev, 32)) > 0) {
		for (i = 0; i < n; i++) {
			switch (ev[i].type) {
			case MEV_PLANNED:
				track(r, ev[i].count);
				break;
			case MEV_TAG:
			case MEV_PROGRESS:
				if (ev[i].state == TAG_COPYING ||
				    ev[i].state == TAG_PUSHING)
					heat(r, ev[i].tag);
				break;
			case MEV_PAUSED:
				r->paused_until = ev[i].wait > 0 ?
				    tm_now() + ev[i].wait : 0;
				break;
			case MEV_FINISHED:
				dirty |= finished(r, &ev[i]);
				break;
			case MEV_ROLLBACK_TAG:
				r->rb_done++;
				break;
			case MEV_ROLLBACK_DONE:
				r->phase = RP_ROLLED_BACK;
				r->rb_err = ev[i].err;
				mirror_wait(r->m);
				auto_report(r);
				dirty |= D_NOW;
				break;
			}
		}
		dirty |= D_DRAW;
	}
	return dirty;
}

/* Bytes/s from a new sample, smoothed so one slow blob does not jolt. */
static double
smooth(double old, double inst, double keep)
{
	return old == 0 ? inst : keep * old + (1 - keep) * inst;
}

/*
 * The hot tags' speeds; a tag no longer in flight leaves the list with
 * speed 0.  A retry starts its bytes again: no negative sample.
 */
static void
sample_tags(struct run *r, double dt)
{
	struct mirror_tag_info	 ti;
	size_t			 k, keep = 0, i;
	int64_t			 d;

	for (k = 0; k < r->nhot; k++) {
		i = r->hot[k];
		if (mirror_tag_info(r->m, i, &ti) == -1)
			ti.state = TAG_QUEUED;
		d = ti.bytes_done - r->tag_bytes[i];
		r->tag_bytes[i] = ti.bytes_done;
		if (ti.state != TAG_COPYING && ti.state != TAG_PUSHING) {
			r->tag_rate[i] = 0;
			r->is_hot[i] = 0;
			continue;
		}
		r->tag_rate[i] = smooth(r->tag_rate[i],
		    (double)(d > 0 ? d : 0) / dt, 0.6);
		r->hot[keep++] = i;
	}
	r->nhot = keep;
}

void
run_speed_start(struct run_speed *sp, const struct mirror_totals *t, double now)
{
	memset(sp, 0, sizeof *sp);
	sp->t = now;
	sp->moved = t->bytes_done;
	sp->placed = t->bytes_placed;
}

int
run_speed_sample(struct run_speed *sp, const struct mirror_totals *t,
    double now)
{
	double	dt = now - sp->t;
	int64_t	placed = t->bytes_placed - sp->placed;

	if (dt < 0.5)
		return 0;
	sp->moved_rate = smooth(sp->moved_rate,
	    (double)(t->bytes_done - sp->moved) / dt, 0.7);
	/* A retried tag starts its bytes again: no negative sample. */
	sp->placed_rate = smooth(sp->placed_rate,
	    (double)(placed > 0 ? placed : 0) / dt, 0.7);
	sp->moved = t->bytes_done;
	sp->placed = t->bytes_placed;
	sp->t = now;
	return 1;
}

double
run_speed_eta(const struct run_speed *sp, const struct mirror_totals *t)
{
	int64_t	left = t->bytes_total - t->bytes_placed;

	return sp->placed_rate > 0 && left > 0 ? (double)left / sp->placed_rate :
	    -1;
}

int
run_tick(struct run *r)
{
	struct mirror_totals	 t;
	double			 now = tm_now(), dt = now - r->sp.t;

	if (r->phase != RP_RUNNING)
		return 0;
	mirror_totals(r->m, &t);
	if (!run_speed_sample(&r->sp, &t, now))
		return 0;
	sample_tags(r, dt);
	return D_DRAW;
}

double
run_tag_rate(const struct run *r, size_t i)
{
	return i < r->ntrack ? r->tag_rate[i] : 0;
}

void
run_view(const struct run *r, struct run_view *v)
{
	double	now = tm_now();

	memset(v, 0, sizeof *v);
	v->phase = r->phase;
	v->status = mirror_status(r->m);
	v->status_name = mirror_status_name(v->status);
	v->copy_cancelled = mirror_copy_status(r->m) == MIRROR_CANCELLED;
	v->cancelling = r->cancelling;
	v->decision = r->decision;
	v->undecided = run_undecided(r);
	v->retried = r->retried;
	v->journal = mirror_journal_path(r->m) != NULL ?
	    mirror_journal_path(r->m) : "";
	mirror_totals(r->m, &v->tot);
	v->rate = r->sp.moved_rate;
	v->eta = r->phase == RP_RUNNING ? run_speed_eta(&r->sp, &v->tot) : -1;
	v->paused = r->paused_until > now ? r->paused_until - now : 0;
	v->rb_done = r->rb_done;
	v->rb_restore = r->rb_restore;
	v->rb_remove = r->rb_remove;
	v->dry_run = r->dry_run;
	v->run_err = r->run_err;
	v->rb_err = r->rb_err;
	v->src = r->src;
	v->dst = r->dst;
	v->report = r->phase == RP_RUNNING ? "" : r->report;
	v->report_err = r->report_err;
	v->rollback_default = r->rollback_default;
}

void
run_cancel(struct run *r)
{
	if (!run_busy(r))
		return;
	r->cancelling = 1;
	mirror_cancel(r->m);
}

void
run_rollback_plan(const struct run *r, size_t *restore, size_t *remove)
{
	struct mirror_tag_info	ti;
	size_t			n = mirror_tag_count(r->m), i;

	*restore = *remove = 0;
	for (i = 0; i < n; i++) {
		if (mirror_tag_info(r->m, i, &ti) == -1)
			break;
		if (ti.state == TAG_STALE_DELETED ||
		    (ti.state == TAG_DONE && ti.prev_digest[0] != '\0'))
			(*restore)++;
		else if (ti.state == TAG_DONE)
			(*remove)++;
	}
}

int
run_keep(struct run *r)
{
	if (r == NULL || r->phase != RP_FINISHED || !r->asking)
		return 0;
	r->asking = 0;
	r->decision = 'k';
	auto_report(r);
	return 1;
}

int
run_rollback(struct run *r, struct tm_err *err)
{
	if (r == NULL || r->phase != RP_FINISHED || !r->asking)
		return 0;
	run_rollback_plan(r, &r->rb_restore, &r->rb_remove);
	if (mirror_rollback_start(r->m, err) == -1)
		return -1;
	r->asking = 0;
	r->decision = 'r';
	r->rb_done = 0;
	r->phase = RP_ROLLING_BACK;
	return 1;
}

int
run_retry(struct run *r, const size_t *tags, size_t n, struct tm_err *err)
{
	if (r == NULL || run_busy(r))
		return 0;
	if (mirror_retry_start(r->m, tags, n, err) == -1)
		return -1;
	r->phase = RP_RUNNING;
	r->decision = 0;
	r->asking = 0;
	r->retried = 1;
	restart_speed(r);
	return 1;
}
