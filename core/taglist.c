/*
 * Background tag listing for the live preview: a worker thread lists a
 * repository and posts pages to an evq; the UI reads snapshots.
 */
#include "config.h"

#include "taglist.h"
#include "strv.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "ref.h"
#include "registry.h"

/*
 * One listing.  The worker (or the caller, for taglist_fetch) appends
 * names under the lock; readers copy them out under the same lock, so a
 * snapshot never sees a half-grown array.
 */
struct taglist {
	pthread_mutex_t	 lock;
	char		**names;
	size_t		 n, cap;
	size_t		 rejected;
	struct registry	*reg;
	char		 repo[256];
	struct evq	*q;		/* NULL when blocking */
	atomic_int	 cancel;
	pthread_t	 thread;
	int		 started;
	struct tm_err	 err;		/* the worker's, read after it */
};

static struct taglist *
taglist_new(const char *ref, const struct reg_opts *opts, struct evq *q,
    struct tm_err *err)
{
	struct taglist	*tl;
	struct tm_ref	 r;

	tm_err_clear(err);
	if (tm_ref_parse(ref, &r, err) == -1)
		return NULL;
	if (r.tag[0] != '\0' || r.digest[0] != '\0') {
		tm_err_set(err, TM_CAT_USAGE, "'%s' names an image, not a "
		    "repository: leave out the tag or digest to list tags",
		    ref);
		return NULL;
	}
	if ((tl = calloc(1, sizeof *tl)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	if ((tl->reg = registry_new(r.api_host, opts, err)) == NULL) {
		free(tl);
		return NULL;
	}
	pthread_mutex_init(&tl->lock, NULL);
	memcpy(tl->repo, r.repo, sizeof tl->repo);
	tl->q = q;
	atomic_init(&tl->cancel, 0);
	return tl;
}

static void
push(struct taglist *tl, enum tl_event_type type, const struct tm_err *err)
{
	struct tl_event	ev;

	if (tl->q == NULL)
		return;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	pthread_mutex_lock(&tl->lock);
	ev.count = tl->n;
	ev.rejected = tl->rejected;
	pthread_mutex_unlock(&tl->lock);
	if (err != NULL)
		ev.err = *err;
	/* Out of memory in the queue: the UI still has the snapshot. */
	(void)evq_push(tl->q, &ev);
}

struct page_ctx {
	struct taglist	*tl;
	size_t		 rejected;	/* reg_list_tags counts here */
	int		 oom;
};

static int
on_page(void *ud, const char *const *tags, size_t n)
{
	struct page_ctx	*pc = ud;
	struct taglist	*tl = pc->tl;
	size_t		 i;

	if (atomic_load(&tl->cancel))
		return 1;
	pthread_mutex_lock(&tl->lock);
	tl->rejected = pc->rejected;
	if (tl->n + n > tl->cap) {
		size_t	 cap = tl->cap ? tl->cap : 1024;
		char	**v;

		while (cap < tl->n + n)
			cap *= 2;
		if ((v = reallocarray(tl->names, cap, sizeof *v)) == NULL)
			pc->oom = 1;
		else {
			tl->names = v;
			tl->cap = cap;
		}
	}
	for (i = 0; i < n && !pc->oom; i++) {
		if ((tl->names[tl->n] = strdup(tags[i])) == NULL)
			pc->oom = 1;
		else
			tl->n++;
	}
	pthread_mutex_unlock(&tl->lock);
	if (pc->oom)
		return 1;
	push(tl, TL_PAGE, NULL);
	return 0;
}

/* List everything into tl; 0 or -1 with tl->err. */
static int
list_all(struct taglist *tl)
{
	struct page_ctx	 pc = { .tl = tl };
	struct reg_conn	*c;
	int		 rc;

	if ((c = reg_conn_new(tl->reg, &tl->err)) == NULL)
		return -1;
	reg_conn_set_cancel(c, &tl->cancel);
	rc = reg_list_tags(c, tl->repo, on_page, &pc, &pc.rejected, &tl->err);
	reg_conn_free(c);
	pthread_mutex_lock(&tl->lock);
	tl->rejected = pc.rejected;
	pthread_mutex_unlock(&tl->lock);
	if (pc.oom)
		return tm_err_set(&tl->err, TM_CAT_IO, "out of memory");
	if (rc == 0 && atomic_load(&tl->cancel))
		return tm_err_set(&tl->err, TM_CAT_CANCELLED,
		    "listing stopped");
	return rc;
}

static void *
worker(void *arg)
{
	struct taglist	*tl = arg;

	if (list_all(tl) == 0)
		push(tl, TL_DONE, NULL);
	else if (!atomic_load(&tl->cancel))
		push(tl, TL_FAILED, &tl->err);
	return NULL;
}

struct taglist *
taglist_start(const char *ref, const struct reg_opts *opts, struct evq *q,
    struct tm_err *err)
{
	struct taglist	*tl;

	if ((tl = taglist_new(ref, opts, q, err)) == NULL)
		return NULL;
	if (pthread_create(&tl->thread, NULL, worker, tl) != 0) {
		tm_err_set(err, TM_CAT_IO, "cannot start the listing thread");
		taglist_free(tl);
		return NULL;
	}
	tl->started = 1;
	return tl;
}

struct taglist *
taglist_fetch(const char *ref, const struct reg_opts *opts, struct tm_err *err)
{
	struct taglist	*tl;

	if ((tl = taglist_new(ref, opts, NULL, err)) == NULL)
		return NULL;
	if (list_all(tl) == -1) {
		if (err != NULL)
			*err = tl->err;
		taglist_free(tl);
		return NULL;
	}
	return tl;
}

size_t
taglist_snapshot(struct taglist *tl, char ***names)
{
	size_t	i, n;
	char	**v;

	pthread_mutex_lock(&tl->lock);
	n = tl->n;
	if ((v = calloc(n + 1, sizeof *v)) != NULL) {
		for (i = 0; i < n; i++)
			if ((v[i] = strdup(tl->names[i])) == NULL)
				break;
		if (i < n) {
			tm_strv_free(v, i);
			v = NULL;
		}
	}
	pthread_mutex_unlock(&tl->lock);
	*names = v;
	return v == NULL ? 0 : n;
}

size_t
taglist_take(struct taglist *tl, char ***names)
{
	size_t	n;

	pthread_mutex_lock(&tl->lock);
	*names = tl->names;
	n = tl->n;
	tl->names = NULL;
	tl->n = tl->cap = 0;
	pthread_mutex_unlock(&tl->lock);
	return n;
}

size_t
taglist_rejected(struct taglist *tl)
{
	size_t	n;

	pthread_mutex_lock(&tl->lock);
	n = tl->rejected;
	pthread_mutex_unlock(&tl->lock);
	return n;
}

void
taglist_free(struct taglist *tl)
{
	if (tl == NULL)
		return;
	if (tl->started) {
		atomic_store(&tl->cancel, 1);
		pthread_join(tl->thread, NULL);
	}
	tm_strv_free(tl->names, tl->n);
	registry_free(tl->reg);
	pthread_mutex_destroy(&tl->lock);
	free(tl);
}
