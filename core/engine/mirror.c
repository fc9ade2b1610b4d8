/*
 * The mirror engine's lifecycle: a run's options and registries, the
 * coordinator thread and its tasks (run, retry, rollback), the run's
 * status, and the accessors that copy its state out under the lock.
 */
#include "config.h"

#include "mirror.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobset.h"
#include "clock.h"
#include "internal.h"
#include "journal.h"
#include "lock.h"
#include "plan.h"
#include "share.h"
#include "strbool.h"
#include "tagexpr.h"
#include "lane.h"
#include "window.h"

/* The adaptive window's start and ceiling (and --jobs's). */
#define WINDOW_START	8
#define WINDOW_MAX	64

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
free_opts(struct mirror *m)
{
	size_t	i;

	free((char *)m->opts.src);
	free((char *)m->opts.dst);
	free((char *)m->opts.expr);
	free((char *)m->opts.platforms);
	free((char *)m->opts.state_dir);
	for (i = 0; i < m->opts.n_only; i++)
		free(m->only[i]);
	free(m->only);
}

/* Copy what we keep; registry options only live in the registries. */
static int
copy_opts(struct mirror *m, const struct mirror_opts *o)
{
	size_t	i;

	m->opts = *o;
	memset(&m->opts.src_reg, 0, sizeof m->opts.src_reg);
	memset(&m->opts.dst_reg, 0, sizeof m->opts.dst_reg);
	m->opts.src = dup_or_null(o->src);
	m->opts.dst = dup_or_null(o->dst);
	m->opts.expr = dup_or_null(o->expr);
	m->opts.platforms = dup_or_null(o->platforms);
	m->opts.state_dir = dup_or_null(o->share != NULL ?
	    share_state_dir(o->share) : o->state_dir);
	m->opts.only_tags = NULL;
	m->opts.n_only = 0;
	if (o->n_only > 0 &&
	    (m->only = calloc(o->n_only, sizeof *m->only)) == NULL)
		return -1;
	for (i = 0; i < o->n_only; i++) {
		if ((m->only[i] = strdup(o->only_tags[i])) == NULL)
			return -1;
		m->opts.n_only++;
	}
	m->opts.only_tags = (const char *const *)m->only;
	if (o->share != NULL)
		m->opts.jobs = (int)share_jobs(o->share);
	/* No --jobs: as many workers as the window may ever allow. */
	if (m->opts.jobs <= 0 || m->opts.jobs > WINDOW_MAX)
		m->opts.jobs = WINDOW_MAX;
	if (m->opts.retries < 0)
		m->opts.retries = 2;
	return 0;
}

/* A repository, not an image: a tag or digest here is a typo. */
static int
parse_repo(const char *what, const char *s, struct tm_ref *ref,
    struct tm_err *err)
{
	if (s == NULL || *s == '\0')
		return tm_err_set(err, TM_CAT_USAGE, "no %s repository", what);
	if (tm_ref_parse(s, ref, err) == -1)
		return -1;
	if (ref->tag[0] != '\0' || ref->digest[0] != '\0')
		return tm_err_set(err, TM_CAT_USAGE, "%s '%s' names an image: "
		    "give the repository and choose tags with --tags", what, s);
	return 0;
}

struct mirror *
mirror_new(const struct mirror_opts *o, struct evq *q, struct tm_err *err)
{
	struct mirror	*m;

	tm_err_clear(err);
	if ((m = calloc(1, sizeof *m)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->jlock, NULL);
	pthread_cond_init(&m->wake, NULL);
	m->q = q;
	m->status = m->copy_status = MIRROR_PLANNING;
	m->rl_wait = 1;
	if (copy_opts(m, o) == -1 || (o->share != NULL &&
	    share_join(o->share, &m->share_member) == -1)) {
		m->opts.share = NULL;
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto fail;
	}
	if (parse_repo("source", o->src, &m->src, err) == -1 ||
	    parse_repo("destination", o->dst, &m->dst, err) == -1)
		goto fail;
	tm_ref_format(&m->src, m->src_name, sizeof m->src_name);
	tm_ref_format(&m->dst, m->dst_name, sizeof m->dst_name);
	if (strcmp(m->src.api_host, m->dst.api_host) == 0 &&
	    strcmp(m->src.repo, m->dst.repo) == 0) {
		tm_err_set(err, TM_CAT_USAGE,
		    "source and destination are the same repository");
		goto fail;
	}
	m->same_registry = strcmp(m->src.api_host, m->dst.api_host) == 0;
	if (o->expr != NULL && *o->expr != '\0') {
		if ((m->expr = tagexpr_compile(o->expr, err)) == NULL)
			goto fail;
	} else if (o->n_only == 0) {
		tm_err_set(err, TM_CAT_USAGE, "no tag expression (--tags)");
		goto fail;
	}
	/* --jobs N bounds the window; it starts (and, but for a 429 or
	 * 5xx, stays) at 8 or N, the fixed pool's proven size on a LAN. */
	if ((m->win = window_new(WINDOW_START, WINDOW_START,
	    (unsigned)m->opts.jobs)) == NULL ||
	    (m->sreg = registry_new(m->src.api_host, &o->src_reg, err)) == NULL ||
	    (m->dreg = registry_new(m->dst.api_host, &o->dst_reg, err)) == NULL ||
	    preflight_init(m, o, err) == -1 ||
	    (m->blobs = blobset_new()) == NULL) {
		if (err->cat == TM_CAT_NONE)
			tm_err_set(err, TM_CAT_IO, "out of memory");
		goto fail;
	}
	return m;
fail:
	mirror_free(m);
	return NULL;
}

static void
workers_close(struct mirror *m)
{
	size_t	i;

	for (i = 0; i < m->nw; i++)
		engine_worker_close(&m->w[i]);
	free(m->w);
	m->w = NULL;
	m->nw = 0;
}

void
mirror_free(struct mirror *m)
{
	size_t	i;

	if (m == NULL)
		return;
	if (m->thread_live) {
		mirror_cancel(m);
		pthread_join(m->thread, NULL);
	}
	workers_close(m);
	lanes_free(m);
	journal_close(m->journal);
	for (i = 0; i < m->ntags; i++) {
		free(m->tags[i].prev_bytes);
		reg_manifest_free(&m->tags[i].src_mf);
	}
	free(m->tags);
	plan_warnings_free(&(struct plan_warnings){ m->warnings, m->nwarnings });
	plan_forget_listing(m);
	free(m->task_tags);
	blobset_free(m->blobs);
	window_free(m->win);
	tagexpr_free(m->expr);
	registry_free(m->sreg);
	registry_free(m->dreg);
	registry_free(m->pre_src);
	registry_free(m->pre_dst);
	if (m->opts.share != NULL)
		share_leave(m->opts.share, m->share_member);
	free_opts(m);
	pthread_cond_destroy(&m->wake);
	pthread_mutex_destroy(&m->jlock);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

struct round {
	struct mirror	*m;
	const size_t	*list;
};

static void
round_one(void *ud, size_t worker, size_t k)
{
	struct round	*r = ud;
	struct mirror	*m = r->m;

	/* In a set, a slot of the shared pool per tag; a halt gives none. */
	if (m->opts.share != NULL &&
	    share_acquire(m->opts.share, m->share_member, &m->halt) == -1)
		return;
	copy_tag(&m->w[worker], r->list[k]);
	if (m->opts.share != NULL)
		share_release(m->opts.share, m->share_member);
}

static size_t
collect(struct mirror *m, enum tag_state st, size_t *list)
{
	size_t	i, n = 0;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->ntags; i++)
		if (m->tags[i].i.state == st &&
		    m->tags[i].i.action == TAG_ACT_COPY)
			list[n++] = i;
	pthread_mutex_unlock(&m->lock);
	return n;
}

/*
 * Round 0 over list, then up to opts.retries end-of-run rounds for the
 * tags that failed with something a later attempt may fix.
 */
static void
copy_rounds(struct mirror *m, size_t *list, size_t n)
{
	struct round	r = { m, list };
	double		delay;
	size_t		k;

	for (m->round = 0;; m->round++) {
		pthread_mutex_lock(&m->lock);
		for (k = 0; k < n; k++) {
			struct mirror_tag_info	*t = &m->tags[list[k]].i;

			/* Events only for a change: round 0's tags are queued
			 * already, and one event each at once would hold
			 * ~1 KiB per tag in the queue (10 MiB at 10,000). */
			if (t->state == TAG_QUEUED && t->retry_in == 0)
				continue;
			engine_count_tag(m, list[k], -1);
			t->state = TAG_QUEUED;
			engine_count_tag(m, list[k], 1);
			t->retry_in = 0;
			engine_emit_tag(m, list[k], MEV_TAG);
		}
		pthread_mutex_unlock(&m->lock);
		engine_pool(m, n, round_one, &r);
		/* Later rounds plan late: the listing may be out of date by then. */
		plan_forget_listing(m);
		if (m->halt || m->round >= m->opts.retries)
			break;
		if ((n = collect(m, TAG_RETRYING, list)) == 0)
			break;
		/* Give a struggling registry a moment: 1 s, 2 s, 4 s ... */
		delay = (double)(1 << (m->round < 5 ? m->round : 5));
		pthread_mutex_lock(&m->lock);
		for (k = 0; k < n; k++) {
			m->tags[list[k]].i.retry_in = delay;
			engine_emit_tag(m, list[k], MEV_TAG);
		}
		pthread_mutex_unlock(&m->lock);
		if (engine_sleep(m, delay) == -1)
			break;
		blobset_forget_failures(m->blobs);
	}
}

static enum mirror_status
compute_status(struct mirror *m)
{
	size_t	i, good = 0, bad = 0;

	/* A run the breaker stopped keeps what it copied: PARTIAL then. */
	if (m->run_err.cat != TM_CAT_NONE && m->breaker.cat == TM_CAT_NONE)
		return MIRROR_FAIL;
	if (m->cancel)
		return MIRROR_CANCELLED;
	if (m->ntags == 0)
		return MIRROR_NOTHING_SELECTED;
	for (i = 0; i < m->ntags; i++)
		switch (m->tags[i].i.state) {
		case TAG_FAILED:
		case TAG_CONFLICT:
		case TAG_SKIPPED:
			bad++;
			break;
		case TAG_CANCELLED:
			break;
		case TAG_QUEUED:
			/* Planned work a dry run leaves queued counts as good;
			 * a stale tag the run chose to keep, as neither. */
			if (m->opts.dry_run && m->tags[i].i.action == TAG_ACT_COPY)
				good++;
			break;
		default:
			good++;
		}
	if (bad == 0)
		return MIRROR_SUCCESS;
	return good > 0 ? MIRROR_PARTIAL : MIRROR_FAIL;
}

/*
 * What a tag still in flight when the run stops becomes, under m->lock:
 * CANCELLED after a cancel, SKIPPED when the breaker stopped the run
 * before it was tried, FAILED when it ran out of rounds; or it stays
 * (TAG_QUEUED: a dry run's plan, a stale tag the run chose to keep).
 */
static enum tag_state
settled(const struct mirror *m, const struct mtag *t, struct tm_err *e)
{
	switch (t->i.state) {
	case TAG_QUEUED:
		if (t->i.action == TAG_ACT_DELETE ||
		    (m->opts.dry_run && t->planned))
			return TAG_QUEUED;
		/* FALLTHROUGH */
	case TAG_COPYING:
	case TAG_PUSHING:
		if (m->cancel) {
			tm_err_set(e, TM_CAT_CANCELLED, "cancelled before it "
			    "finished");
			return TAG_CANCELLED;
		}
		*e = m->breaker.cat != TM_CAT_NONE ? m->breaker : m->run_err;
		return TAG_SKIPPED;
	case TAG_RETRYING:
		if (m->cancel) {
			tm_err_set(e, TM_CAT_CANCELLED, "cancelled before its "
			    "retry");
			return TAG_CANCELLED;
		}
		*e = t->i.err;
		return TAG_FAILED;
	default:
		return t->i.state;
	}
}

/* Tags still in flight when the run stops: cancelled, or out of rounds. */
static void
settle(struct mirror *m)
{
	struct tm_err	e;
	enum tag_state	st;
	size_t		i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->ntags; i++) {
		struct mtag	*t = &m->tags[i];

		tm_err_clear(&e);
		if ((st = settled(m, t, &e)) == t->i.state)
			continue;
		engine_count_tag(m, i, -1);
		t->i.err = e;
		t->i.state = st;
		engine_count_tag(m, i, 1);
		t->i.retry_in = 0;
		engine_emit_tag(m, i, MEV_TAG);
	}
	pthread_mutex_unlock(&m->lock);
}

/* The copy is over: settle tags, pick the status, close the journal. */
static void
finish(struct mirror *m)
{
	struct mirror_event	ev;
	struct tm_err		e;

	settle(m);
	pthread_mutex_lock(&m->lock);
	/* The breaker's cause is the run's: one failure, not one per tag. */
	if (m->breaker.cat != TM_CAT_NONE && m->run_err.cat == TM_CAT_NONE &&
	    !m->cancel)
		m->run_err = m->breaker;
	m->status = m->copy_status = compute_status(m);
	m->elapsed = tm_now() - m->t0;
	m->ended = time(NULL);
	m->finished = 1;
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_lock(&m->jlock);
	if (m->journal != NULL) {
		journal_end(m->journal, mirror_status_name(m->copy_status), &e);
		journal_close(m->journal);
		m->journal = NULL;
	}
	pthread_mutex_unlock(&m->jlock);
	memset(&ev, 0, sizeof ev);
	ev.type = MEV_FINISHED;
	ev.status = m->copy_status;
	ev.count = m->ntags;
	ev.err = m->run_err;
	engine_emit(m, &ev);
	if (m->opts.rollback && !m->opts.dry_run &&
	    (m->copy_status == MIRROR_PARTIAL ||
	    m->copy_status == MIRROR_CANCELLED))
		rollback_mirror(m);
}

/* Write the "before" record of every tag the run may change. */
static int
journal_plan(struct mirror *m, struct tm_err *err)
{
	struct journal	*j = NULL;
	size_t		 i;

	for (i = 0; i < m->ntags; i++) {
		struct mtag	*t = &m->tags[i];

		if (!t->planned || t->i.state != TAG_QUEUED)
			continue;
		if (j == NULL && (j = engine_journal(m, err)) == NULL)
			return -1;
		if (journal_before(j, t->i.name, t->i.prev_digest, t->prev_type,
		    t->prev_bytes, t->prev_len, err) == -1)
			return -1;
		t->journaled = 1;
		free(t->prev_bytes);
		t->prev_bytes = NULL;
	}
	return j == NULL ? 0 : journal_ready(j, err);
}

static void
run(struct mirror *m)
{
	enum mirror_status	 s;
	size_t			*list, n;

	if (preflight_run(m, &m->run_err) == -1 ||
	    engine_workers(m, 1, &m->run_err) == -1 ||
	    plan_run(m, m->opts.dry_run, &m->run_err) == -1) {
		if (m->cancel)
			tm_err_clear(&m->run_err);
		finish(m);
		return;
	}
	if (m->opts.dry_run || m->cancel) {
		finish(m);
		return;
	}
	pthread_mutex_lock(&m->lock);
	m->status = MIRROR_RUNNING;
	pthread_mutex_unlock(&m->lock);
	if (journal_plan(m, &m->run_err) == -1) {
		finish(m);
		return;
	}
	if ((list = calloc(m->ntags + 1, sizeof *list)) == NULL) {
		tm_err_set(&m->run_err, TM_CAT_IO, "out of memory");
		finish(m);
		return;
	}
	n = collect(m, TAG_QUEUED, list);
	copy_rounds(m, list, n);
	free(list);
	settle(m);
	/*
	 * Stale tags go only after a copy that mirrored something, was not
	 * cancelled, and will not be rolled back.
	 */
	pthread_mutex_lock(&m->lock);
	s = compute_status(m);
	pthread_mutex_unlock(&m->lock);
	if (s != MIRROR_FAIL && s != MIRROR_CANCELLED &&
	    !(m->opts.rollback && s != MIRROR_SUCCESS))
		copy_delete_stale(m);
	finish(m);
}

static void
retry(struct mirror *m)
{
	copy_rounds(m, m->task_tags, m->task_n);
	finish(m);
}

static void *
coordinator(void *arg)
{
	struct mirror	*m = arg;

	switch (m->task) {
	case TASK_RUN:
		run(m);
		break;
	case TASK_RETRY:
		retry(m);
		break;
	case TASK_ROLLBACK:
		rollback_mirror(m);
		break;
	}
	repo_lock_release(m->rlock);
	m->rlock = NULL;
	pthread_mutex_lock(&m->lock);
	m->busy = 0;
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

/* Is the coordinator done with its task?  Any thread. */
static int
idle(struct mirror *m)
{
	int	done;

	pthread_mutex_lock(&m->lock);
	done = m->finished && !m->busy;
	pthread_mutex_unlock(&m->lock);
	return done;
}

/*
 * A task that may change the destination holds its lock: taken here, so
 * a second writer is refused before it sends a request.
 */
static int
lock_destination(struct mirror *m, enum mirror_task task, struct tm_err *err)
{
	char	d[PATH_MAX];

	m->lock_note[0] = '\0';
	if (task == TASK_RUN && m->opts.dry_run)
		return 0;
	if (journal_dir(m->opts.state_dir, d, sizeof d, err) == -1 ||
	    (m->rlock = repo_lock_take(d, m->dst.api_host, m->dst.repo,
	    task == TASK_ROLLBACK ? "rollback" : "run", m->lock_note,
	    sizeof m->lock_note, err)) == NULL)
		return -1;
	if (m->have_journal)
		repo_lock_journal(m->rlock, m->journal_path);
	return 0;
}

/* Start the coordinator on task; the caller's thread (the UI's) only. */
static int
launch(struct mirror *m, enum mirror_task task, struct tm_err *err)
{
	int	rc;

	if (m->thread_live) {
		/* The previous task must be over; reap its thread. */
		if (!idle(m))
			return tm_err_set(err, TM_CAT_USAGE, "the run is still going");
		pthread_join(m->thread, NULL);
		m->thread_live = 0;
	}
	if (lock_destination(m, task, err) == -1)
		return -1;
	m->task = task;
	pthread_mutex_lock(&m->lock);
	m->busy = 1;
	pthread_mutex_unlock(&m->lock);
	if ((rc = pthread_create(&m->thread, NULL, coordinator, m)) != 0) {
		repo_lock_release(m->rlock);
		m->rlock = NULL;
		pthread_mutex_lock(&m->lock);
		m->busy = 0;
		pthread_mutex_unlock(&m->lock);
		errno = rc;
		return tm_err_set(err, TM_CAT_IO, "cannot start a thread: %s",
		    strerror(rc));
	}
	m->thread_live = 1;
	return 0;
}

int
mirror_start(struct mirror *m, struct tm_err *err)
{
	tm_err_clear(err);
	if (m->thread_live || m->finished)
		return tm_err_set(err, TM_CAT_USAGE, "the run was started already");
	m->t0 = tm_now();
	m->started = time(NULL);
	return launch(m, TASK_RUN, err);
}

void
mirror_cancel(struct mirror *m)
{
	pthread_mutex_lock(&m->lock);
	m->cancel = 1;
	m->halt = 1;
	pthread_cond_broadcast(&m->wake);
	pthread_mutex_unlock(&m->lock);
}

enum mirror_status
mirror_wait(struct mirror *m)
{
	if (m->thread_live) {
		pthread_join(m->thread, NULL);
		m->thread_live = 0;
	}
	return mirror_status(m);
}

int
mirror_rollback_start(struct mirror *m, struct tm_err *err)
{
	tm_err_clear(err);
	if (!idle(m))
		return tm_err_set(err, TM_CAT_USAGE, "the run is not over yet");
	if (rollback_complete(m))
		return tm_err_set(err, TM_CAT_USAGE, "the run was rolled back already");
	if (m->opts.dry_run)
		return tm_err_set(err, TM_CAT_USAGE, "a dry run changed nothing");
	return launch(m, TASK_ROLLBACK, err);
}

int
mirror_retry_start(struct mirror *m, const size_t *tags, size_t n,
    struct tm_err *err)
{
	size_t	i, k = 0, *list;

	tm_err_clear(err);
	if (!idle(m) || m->opts.dry_run || m->run_err.cat != TM_CAT_NONE)
		return tm_err_set(err, TM_CAT_USAGE,
		    "only a finished run's failed tags can be retried");
	if (m->rb.attempted)
		return tm_err_set(err, TM_CAT_USAGE,
		    "the run was rolled back: start a new run");
	if ((list = calloc(m->ntags + 1, sizeof *list)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < (n > 0 ? n : m->ntags); i++) {
		size_t	t = n > 0 ? tags[i] : i;

		if (t < m->ntags && (m->tags[t].i.state == TAG_FAILED ||
		    m->tags[t].i.state == TAG_CANCELLED ||
		    m->tags[t].i.state == TAG_SKIPPED) &&
		    m->tags[t].i.action == TAG_ACT_COPY)
			list[k++] = t;
	}
	pthread_mutex_unlock(&m->lock);
	if (k == 0) {
		free(list);
		return tm_err_set(err, TM_CAT_USAGE, "no failed tag to retry");
	}
	if (m->thread_live) {
		pthread_join(m->thread, NULL);
		m->thread_live = 0;
	}
	free(m->task_tags);
	m->task_tags = list;
	m->task_n = k;
	pthread_mutex_lock(&m->lock);
	m->cancel = 0;
	m->halt = 0;
	m->refusals[0] = m->refusals[1] = 0;
	tm_err_clear(&m->breaker);
	m->finished = 0;
	m->status = MIRROR_RUNNING;
	/* The clock goes on from where the run stopped: the time at the
	 * decide prompt is not the run's. */
	m->t0 = tm_now() - m->elapsed;
	pthread_mutex_unlock(&m->lock);
	blobset_forget_failures(m->blobs);
	return launch(m, TASK_RETRY, err);
}

enum mirror_status
mirror_status(const struct mirror *cm)
{
	struct mirror		*m = (struct mirror *)cm;
	enum mirror_status	 s;

	pthread_mutex_lock(&m->lock);
	s = m->status;
	pthread_mutex_unlock(&m->lock);
	return s;
}

enum mirror_status
mirror_copy_status(const struct mirror *cm)
{
	struct mirror		*m = (struct mirror *)cm;
	enum mirror_status	 s;

	pthread_mutex_lock(&m->lock);
	s = m->copy_status;
	pthread_mutex_unlock(&m->lock);
	return s;
}

void
mirror_rollback_info(const struct mirror *cm, struct mirror_rollback_info *out)
{
	struct mirror	*m = (struct mirror *)cm;

	pthread_mutex_lock(&m->lock);
	*out = m->rb;
	pthread_mutex_unlock(&m->lock);
}

size_t
mirror_tag_count(const struct mirror *cm)
{
	struct mirror	*m = (struct mirror *)cm;
	size_t		 n;

	pthread_mutex_lock(&m->lock);
	n = m->ntags;
	pthread_mutex_unlock(&m->lock);
	return n;
}

int
mirror_tag_info(const struct mirror *cm, size_t i, struct mirror_tag_info *out)
{
	struct mirror	*m = (struct mirror *)cm;
	int		 rc = -1;

	pthread_mutex_lock(&m->lock);
	if (i < m->ntags) {
		*out = m->tags[i].i;
		rc = 0;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* The counts, under m->lock: kept by engine_count_tag, so no walk. */
static void
totals_locked(const struct mirror *m, struct mirror_totals *t)
{
	*t = m->counts;
	t->tags = m->ntags;
	if (m->finished)
		t->elapsed = m->elapsed;
	else if (m->t0 != 0)
		t->elapsed = tm_now() - m->t0;
	t->paused = m->paused;
}

/* What is counted without the lock: atomics and the registries' own. */
static void
totals_unlocked(const struct mirror *m, struct mirror_totals *t)
{
	struct window_info	w;

	t->bytes_done = atomic_load(&m->bytes_moved);
	t->blobs_copied = atomic_load(&m->blobs_copied);
	t->blobs_mounted = atomic_load(&m->blobs_mounted);
	t->blobs_skipped = atomic_load(&m->blobs_skipped);
	t->requests_src = registry_request_count(m->sreg);
	t->requests_dst = registry_request_count(m->dreg);
	window_get(m->win, &w);
	t->window = w.size;
	t->window_low = w.low;
	t->window_high = w.high;
	t->window_cuts = w.cuts;
}

void
mirror_totals(const struct mirror *cm, struct mirror_totals *t)
{
	struct mirror	*m = (struct mirror *)cm;

	pthread_mutex_lock(&m->lock);
	totals_locked(m, t);
	pthread_mutex_unlock(&m->lock);
	totals_unlocked(m, t);
}

int
mirror_busy(const struct mirror *cm)
{
	struct mirror	*m = (struct mirror *)cm;
	int		 busy;

	pthread_mutex_lock(&m->lock);
	busy = m->busy;
	pthread_mutex_unlock(&m->lock);
	return busy;
}

int
mirror_snapshot(const struct mirror *cm, struct mirror_snapshot *s,
    struct tm_err *err)
{
	struct mirror	*m = (struct mirror *)cm;
	size_t		 i;

	memset(s, 0, sizeof *s);
	s->source = m->src_name;
	s->destination = m->dst_name;
	s->expression = m->opts.expr;
	s->platforms = m->opts.platforms;
	s->dry_run = m->opts.dry_run;
	s->rollback_requested = m->opts.rollback;
	s->delete_stale = m->opts.delete_stale;
	pthread_mutex_lock(&m->lock);
	if ((s->tags = calloc(m->ntags + 1, sizeof *s->tags)) == NULL) {
		pthread_mutex_unlock(&m->lock);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	for (i = 0; i < m->ntags; i++)
		s->tags[i] = m->tags[i].i;
	s->ntags = m->ntags;
	totals_locked(m, &s->totals);
	s->status = m->status;
	s->copy_status = m->copy_status;
	s->rollback = m->rb;
	s->rolled_back = m->status == MIRROR_ROLLED_BACK || rollback_complete(m);
	s->run_err = m->run_err;
	s->warnings = (const char *const *)m->warnings;
	s->nwarnings = m->nwarnings;
	s->started = m->started;
	s->ended = m->ended;
	s->journal = m->have_journal ? m->journal_path : NULL;
	pthread_mutex_unlock(&m->lock);
	totals_unlocked(m, &s->totals);
	return 0;
}

size_t
mirror_warnings(const struct mirror *cm, const char *const **out)
{
	struct mirror	*m = (struct mirror *)cm;
	size_t		 n;

	pthread_mutex_lock(&m->lock);
	*out = (const char *const *)m->warnings;
	n = m->nwarnings;
	pthread_mutex_unlock(&m->lock);
	return n;
}

void
mirror_snapshot_free(struct mirror_snapshot *s)
{
	free(s->tags);
	s->tags = NULL;
	s->ntags = 0;
}

void
mirror_run_error(const struct mirror *cm, struct tm_err *err)
{
	struct mirror	*m = (struct mirror *)cm;

	pthread_mutex_lock(&m->lock);
	*err = m->run_err;
	pthread_mutex_unlock(&m->lock);
}

const char *
mirror_journal_path(const struct mirror *m)
{
	return m->have_journal ? m->journal_path : NULL;
}

const char *
mirror_lock_note(const struct mirror *m)
{
	return m->lock_note;
}

int
mirror_describe_journal(const char *path, char *buf, size_t n)
{
	return journal_describe(path, buf, n);
}

int
mirror_find_interrupted(const char *state_dir, char *buf, size_t n)
{
	struct tm_err	e;

	return journal_find(state_dir, 1, buf, n, &e);
}

int
mirror_find_last(const char *state_dir, char *buf, size_t n)
{
	struct tm_err	e;

	return journal_find(state_dir, 0, buf, n, &e);
}

void
mirror_opts_init(struct mirror_opts *o)
{
	const char	*env = getenv("REPO_MIRROR_ROLLBACK");

	memset(o, 0, sizeof *o);
	reg_opts_init(&o->src_reg);
	reg_opts_init(&o->dst_reg);
	o->src_reg.side = TM_SIDE_SOURCE;
	o->dst_reg.side = TM_SIDE_DEST;
	o->jobs = 0;	/* adaptive: window.h */
	o->retries = 2;
	/* Quay's config key; a value tm_parse_bool refuses leaves it off
	 * here, and the command line reports it as a usage error. */
	if (env == NULL || tm_parse_bool(env, &o->rollback) == -1)
		o->rollback = 0;
}
