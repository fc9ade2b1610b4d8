/*
 * The run object's shared helpers, which the coordinator (mirror.c), the
 * plan (plan.c), the per-tag copy (tagcopy.c) and rollback call into:
 * events, tag state changes, cancellable sleeps, the journal on first use
 * and the worker pool's connections.  Nothing here calls back out.
 */
#include "config.h"

#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "evq.h"
#include "journal.h"
#include "lock.h"
#include "pool.h"
#include "share.h"
#include "window.h"

void
engine_emit(struct mirror *m, const struct mirror_event *ev)
{
	if (m->q != NULL)
		evq_push(m->q, ev);
}

void
engine_emit_tag(struct mirror *m, size_t i, enum mirror_event_type type)
{
	const struct mirror_tag_info	*t = &m->tags[i].i;
	struct mirror_event		 ev;

	if (m->q == NULL)
		return;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.tag = i;
	ev.count = m->ntags;
	ev.state = t->state;
	ev.status = m->status;
	ev.blobs_done = t->blobs_done;
	ev.blobs_total = t->blobs_total;
	ev.bytes_done = t->bytes_done;
	ev.bytes_total = t->bytes_total;
	ev.wait = t->retry_in;
	ev.err = t->err;
	snprintf(ev.name, sizeof ev.name, "%s", t->name);
	if (t->state == TAG_DONE || t->state == TAG_UPTODATE)
		snprintf(ev.digest, sizeof ev.digest, "%s", t->dst_digest);
	else if (t->state != TAG_STALE_DELETED)
		snprintf(ev.digest, sizeof ev.digest, "%s", t->prev_digest);
	m->tags[i].last_event = tm_now_ms();
	evq_push(m->q, &ev);
}

#define BREAKER_LIMIT	3	/* tags in a row refused by one registry */

void
engine_set_state(struct mirror *m, size_t i, enum tag_state st,
    const struct tm_err *err)
{
	/* A cancelled request is the cancel's doing, not a failure. */
	if (st == TAG_FAILED && err != NULL && err->cat == TM_CAT_CANCELLED)
		st = TAG_CANCELLED;
	pthread_mutex_lock(&m->lock);
	if (st == TAG_DONE || st == TAG_UPTODATE)
		m->refusals[0] = m->refusals[1] = 0;
	engine_count_tag(m, i, -1);
	m->tags[i].i.state = st;
	if (err != NULL)
		m->tags[i].i.err = *err;
	else if (st != TAG_RETRYING)
		tm_err_clear(&m->tags[i].i.err);
	engine_count_tag(m, i, 1);
	if (st != TAG_RETRYING)
		m->tags[i].i.retry_in = 0;
	engine_emit_tag(m, i, MEV_TAG);
	pthread_mutex_unlock(&m->lock);
}

/* Requests that can never succeed are not worth another round. */
static int
retryable(const struct tm_err *e)
{
	switch (e->cat) {
	case TM_CAT_AUTH:
		/* Revoked tokens, not bad credentials: a fresh one may pass. */
		return e->token_revoked;
	case TM_CAT_NOT_FOUND:
	case TM_CAT_CANCELLED:
	case TM_CAT_USAGE:
	case TM_CAT_PROTOCOL:
	case TM_CAT_TLS:
	case TM_CAT_CONFLICT:
		return 0;
	default:
		return 1;
	}
}

int
engine_refusal(const struct tm_err *e)
{
	if (e->side != TM_SIDE_SOURCE && e->side != TM_SIDE_DEST)
		return 0;
	return (e->cat == TM_CAT_NETWORK && e->http == 0) ||
	    (e->cat == TM_CAT_AUTH && (e->http == 401 || e->http == 403)) ||
	    e->http == 405 || strcmp(e->code, "UNSUPPORTED") == 0;
}

/* Under m->lock: count tag i's refusal; the breaker trips at the limit. */
static void
breaker_count(struct mirror *m, size_t i, const struct tm_err *e)
{
	int	side = e->side == TM_SIDE_DEST;
	int	push = e->http == 405 || strcmp(e->code, "UNSUPPORTED") == 0;

	if (!engine_refusal(e)) {
		m->refusals[side] = 0;
		return;
	}
	if (m->refusals[side] > 0 && m->refused_tag[side] == i)
		return;
	m->refused_tag[side] = i;
	if (++m->refusals[side] < BREAKER_LIMIT || m->halt)
		return;
	m->breaker = *e;
	tm_err_set(&m->breaker, e->cat, "%s refused %s%d tags in a row, the "
	    "others were not attempted: %s", e->side == TM_SIDE_DEST ?
	    "the destination" : "the source", push ? "pushes of " : "",
	    BREAKER_LIMIT, e->msg);
	m->halt = 1;
}

void
engine_tag_failed(struct mirror *m, size_t i, const struct tm_err *err)
{
	int	again = retryable(err) && m->round < m->opts.retries &&
	    !m->cancel && !m->opts.dry_run;

	pthread_mutex_lock(&m->lock);
	breaker_count(m, i, err);
	pthread_mutex_unlock(&m->lock);
	engine_set_state(m, i, again ? TAG_RETRYING : TAG_FAILED, err);
}

int
engine_sleep(struct mirror *m, double secs)
{
	struct timespec	until;
	long		ns;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)secs;
	ns = until.tv_nsec + (long)((secs - (double)(time_t)secs) * 1e9);
	until.tv_sec += ns / 1000000000L;
	until.tv_nsec = ns % 1000000000L;
	pthread_mutex_lock(&m->lock);
	while (!m->cancel &&
	    pthread_cond_timedwait(&m->wake, &m->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&m->lock);
	return m->cancel ? -1 : 0;
}

/*
 * A set member's new journal: marked as one, then named in the set
 * journal (durably) before the run writes a "before" record.
 */
static int
join_set(struct mirror *m, struct journal *j, const char *path,
    struct tm_err *err)
{
	char	set[PATH_MAX];

	if (share_journal_member(m->opts.share, path, m->dst.api_host,
	    m->dst.repo, set, sizeof set, err) == -1)
		return -1;
	return journal_set_of(j, set, err);
}

struct journal *
engine_journal(struct mirror *m, struct tm_err *err)
{
	struct journal	*j;
	char		 path[PATH_MAX];

	pthread_mutex_lock(&m->jlock);
	if (m->journal == NULL && m->have_journal)
		m->journal = journal_reopen(m->journal_path, err);
	else if (m->journal == NULL && (m->journal = journal_create(
	    m->opts.state_dir, m->src_name, m->dst.api_host, m->dst.repo,
	    path, sizeof path, err)) != NULL) {
		if (m->opts.share != NULL &&
		    join_set(m, m->journal, path, err) == -1) {
			journal_close(m->journal);
			m->journal = NULL;
			unlink(path);
		} else {
			/* Other threads may read the path once the flag is up. */
			memcpy(m->journal_path, path, sizeof path);
			m->have_journal = 1;
			repo_lock_journal(m->rlock, path);
		}
	}
	j = m->journal;
	pthread_mutex_unlock(&m->jlock);
	return j;
}

int
engine_blob_mount(struct worker *w, const char *digest)
{
	struct mirror	*m = w->m;
	struct tm_err	 e;
	char		 from[600];

	if (m->same_registry &&
	    reg_blob_mount(w->dst, m->dst.repo, digest, m->src.repo, &e) == 1)
		return 1;
	return m->opts.share != NULL && share_blob_begin(m->opts.share,
	    m->dst.api_host, m->dst.repo, digest, &m->cancel, from,
	    sizeof from) == 1 &&
	    reg_blob_mount(w->dst, m->dst.repo, digest, from, &e) == 1;
}

void
engine_blob_end(struct worker *w, const char *digest, int present)
{
	struct mirror	*m = w->m;

	if (m->opts.share != NULL)
		share_blob_end(m->opts.share, m->dst.api_host, m->dst.repo,
		    digest, present);
}

static void
on_progress(void *ud, int64_t delta)
{
	struct worker	*w = ud;
	struct mirror	*m = w->m;
	struct mtag	*t;

	atomic_fetch_add(&m->bytes_moved, delta);
	w->moved += delta;
	if (!w->busy)
		return;
	pthread_mutex_lock(&m->lock);
	t = &m->tags[w->cur];
	engine_count_tag(m, w->cur, -1);
	t->i.bytes_done += delta;
	if (t->i.state == TAG_RETRYING) {
		/* Bytes flow again: the request retry is over. */
		t->i.state = TAG_COPYING;
		engine_count_tag(m, w->cur, 1);
		t->i.retry_in = 0;
		engine_emit_tag(m, w->cur, MEV_TAG);
	} else {
		engine_count_tag(m, w->cur, 1);
		if (tm_now_ms() - t->last_event >= 100)
			engine_emit_tag(m, w->cur, MEV_PROGRESS);
	}
	pthread_mutex_unlock(&m->lock);
}

static void
on_retry(void *ud, const struct tm_err *e, double wait)
{
	struct worker	*w = ud;
	struct mirror	*m = w->m;
	struct mtag	*t;

	if (!w->busy)
		return;
	pthread_mutex_lock(&m->lock);
	t = &m->tags[w->cur];
	engine_count_tag(m, w->cur, -1);
	t->i.state = TAG_RETRYING;
	t->i.retry_in = wait;
	t->i.err = *e;
	engine_count_tag(m, w->cur, 1);
	engine_emit_tag(m, w->cur, MEV_TAG);
	pthread_mutex_unlock(&m->lock);
}

static void
window_side(struct window_side *w, const struct registry *reg)
{
	struct reg_stats	st;

	registry_stats(reg, &st);
	w->requests = st.requests;
	w->exchanges = st.exchanges;
	w->pushbacks = st.pushbacks;
	w->busy = st.busy;
}

struct gated {
	struct mirror	*m;
	pool_fn		*fn;
	void		*ud;
};

static void
gated_one(void *ud, size_t worker, size_t item)
{
	struct gated		*g = ud;
	struct window_sample	 s;

	if (window_acquire(g->m->win, &g->m->halt) == -1)
		return;
	g->fn(g->ud, worker, item);
	window_release(g->m->win);
	s.now = tm_now();
	window_side(&s.side[0], g->m->sreg);
	window_side(&s.side[1], g->m->dreg);
	window_feed(g->m->win, &s);
}

void
engine_pool(struct mirror *m, size_t n, pool_fn *fn, void *ud)
{
	struct gated	g = { m, fn, ud };

	pool_run(m->nw, n, gated_one, &g, &m->halt);
}

int
engine_worker_open(struct mirror *m, struct worker *w, struct tm_err *err)
{
	if ((w->src = reg_conn_new(m->sreg, err)) == NULL)
		return -1;
	if ((w->dst = reg_conn_new(m->dreg, err)) == NULL) {
		reg_conn_free(w->src);
		w->src = NULL;
		return -1;
	}
	w->m = m;
	reg_conn_set_cancel(w->src, &m->cancel);
	reg_conn_set_cancel(w->dst, &m->cancel);
	reg_conn_set_progress(w->src, on_progress, w);
	reg_conn_set_retry(w->src, on_retry, w);
	reg_conn_set_retry(w->dst, on_retry, w);
	return 0;
}

void
engine_worker_close(struct worker *w)
{
	reg_conn_free(w->src);
	reg_conn_free(w->dst);
	w->src = w->dst = NULL;
}

/*
 * Grow the pool to n workers (at most opts.jobs): each connection costs a
 * handshake, so a run with few tags opens few.  0, or -1 when not even one
 * worker could be made.
 */
int
engine_workers(struct mirror *m, size_t n, struct tm_err *err)
{
	size_t		 i;

	if (n > (size_t)m->opts.jobs)
		n = (size_t)m->opts.jobs;
	if (n == 0)
		n = 1;
	if (m->w == NULL &&
	    (m->w = calloc((size_t)m->opts.jobs, sizeof *m->w)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	for (i = m->nw; i < n; i++) {
		if (engine_worker_open(m, &m->w[i], err) == -1)
			break;
		m->nw++;
	}
	if (m->nw > 0)
		tm_err_clear(err);
	return m->nw > 0 ? 0 : -1;
}
