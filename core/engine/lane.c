/*
 * Lanes.  A worker copies a tag's blobs one after another, which is right
 * for the small ones (their round trips overlap across the window's tags)
 * but not for a layer of hundreds of MiB: it would wait for the config's
 * and small layers' round trips before it starts, and a long round trip
 * keeps one connection from filling the link.  So a large blob goes on a
 * lane, a thread with its own connection pair, while the worker goes on
 * with the rest (skopeo copies an image's layers at once too).  A few
 * lanes per run, shared by every worker: the window still decides how
 * many tags run, lanes only let one tag's transfers overlap.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lane.h"

/* At most this many large blobs beside the workers' own transfers. */
#define LANES		4

struct lane {
	struct worker		 w;		/* connections made on first use */
	int			 claimed;	/* under m->lock */
	pthread_t		 thread;
	lane_fn			*fn;
	const struct mf_desc	*d;
	int			 rc;
	struct tm_err		 err;
};

static void *
lane_main(void *ud)
{
	struct lane	*l = ud;

	tm_err_clear(&l->err);
	l->rc = l->fn(&l->w, l->w.cur, l->d, &l->err);
	return NULL;
}

/* A free lane, claimed, or NULL. */
static struct lane *
lane_claim(struct mirror *m)
{
	struct lane	*l = NULL;
	size_t		 k;

	pthread_mutex_lock(&m->lock);
	if (m->lanes == NULL)
		m->lanes = calloc(LANES, sizeof *m->lanes);
	for (k = 0; m->lanes != NULL && k < LANES; k++)
		if (!m->lanes[k].claimed) {
			l = &m->lanes[k];
			l->claimed = 1;
			break;
		}
	pthread_mutex_unlock(&m->lock);
	return l;
}

static void
lane_release(struct mirror *m, struct lane *l)
{
	pthread_mutex_lock(&m->lock);
	l->w.busy = 0;
	l->claimed = 0;
	pthread_mutex_unlock(&m->lock);
}

struct lane *
lane_start(struct mirror *m, lane_fn *fn, size_t tag, const struct mf_desc *d)
{
	struct lane	*l;
	struct tm_err	 e;

	if ((l = lane_claim(m)) == NULL)
		return NULL;
	tm_err_clear(&e);
	if (l->w.m == NULL && engine_worker_open(m, &l->w, &e) == -1) {
		lane_release(m, l);
		return NULL;
	}
	l->fn = fn;
	l->d = d;
	pthread_mutex_lock(&m->lock);
	l->w.cur = tag;
	l->w.busy = 1;
	pthread_mutex_unlock(&m->lock);
	if (pthread_create(&l->thread, NULL, lane_main, l) != 0) {
		lane_release(m, l);
		return NULL;
	}
	return l;
}

int
lane_join(struct lane *l, struct tm_err *err)
{
	int	rc;

	pthread_join(l->thread, NULL);
	rc = l->rc;
	if (rc == -1)
		*err = l->err;
	lane_release(l->w.m, l);
	return rc;
}

void
lanes_free(struct mirror *m)
{
	size_t	k;

	if (m->lanes == NULL)
		return;
	for (k = 0; k < LANES; k++)
		engine_worker_close(&m->lanes[k].w);
	free(m->lanes);
	m->lanes = NULL;
}
