/*
 * The adaptive window's controller (AIMD over requests per second and
 * latency) and its gate (items wait for a slot).
 */
#include "config.h"

#include "window.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* An epoch: this many requests per slot, enough to average a mix of
 * requests (a HEAD, a manifest PUT, a new connection's handshake). */
#define EPOCH		4
/* Throughput must rise this much to be worth another slot. */
#define RISE		1.05
/* Queueing: a side's mean latency past twice its smallest, plus this
 * much, so that a loopback's jitter of a few milliseconds is no rise. */
#define SLACK		0.005

struct window {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	unsigned		 size, floor, max, inflight;
	struct window_info	 info;
	int			 slow;		/* slow start: doubling */
	int			 grew;		/* the last epoch ended in a probe */
	int			 settle;	/* the last epoch ended in a cut */
	unsigned		 before;	/* the size before that probe */
	int			 have;		/* e0 is an epoch's start */
	struct window_sample	 e0;
	double			 tp;		/* requests/s before the probe */
	double			 last;		/* the last epoch's requests/s */
	double			 minlat[2];	/* per side, 0 none yet */
};

struct window *
window_new(unsigned start, unsigned floor, unsigned max)
{
	struct window	*w;

	if ((w = calloc(1, sizeof *w)) == NULL)
		return NULL;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->max = max > 0 ? max : 1;
	w->size = start < 1 ? 1 : start > w->max ? w->max : start;
	w->floor = floor < 1 ? 1 : floor > w->size ? w->size : floor;
	w->slow = 1;
	w->info.size = w->info.low = w->info.high = w->size;
	return w;
}

void
window_free(struct window *w)
{
	if (w == NULL)
		return;
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* Did either side queue (latency rise) or push back during the epoch? */
static void
epoch_sides(struct window *w, const struct window_sample *s, int *push,
    int *rise)
{
	const struct window_side	*a, *b;
	double				 lat;
	int				 k;

	*push = *rise = 0;
	for (k = 0; k < 2; k++) {
		a = &w->e0.side[k];
		b = &s->side[k];
		if (b->pushbacks > a->pushbacks)
			*push = 1;
		if (b->exchanges <= a->exchanges)
			continue;
		lat = (b->busy - a->busy) / (double)(b->exchanges - a->exchanges);
		if (w->minlat[k] == 0 || lat < w->minlat[k])
			w->minlat[k] = lat;
		else if (lat > 2 * w->minlat[k] + SLACK)
			*rise = 1;
	}
}

/*
 * The new size after an epoch, under the lock.  Every other epoch is a
 * probe (double in slow start, then an eighth more); the next keeps it
 * only if the requests per second rose with it, else goes back.
 */
static unsigned
epoch_size(struct window *w, int push, int rise, double tp)
{
	unsigned	n = w->size;

	/* Slower answers that bought more throughput are no queue; nor is
	 * the epoch after a cut, whose latency is still the queue that the
	 * items in flight past the new size keep up. */
	rise = rise && !(w->last > 0 && tp >= w->last * RISE) && !w->settle;
	w->last = tp;
	w->settle = 0;
	if (push || (rise && n > w->floor)) {
		/* A pushback halves; a queue is trimmed by a quarter, as
		 * delay-based TCPs do, since it only says we are past the
		 * knee, not how far. */
		n = push ? n / 2 : n - n / 4;
		if (n < (push ? 1 : w->floor))
			n = push ? 1 : w->floor;
		w->slow = w->grew = 0;
		w->settle = 1;
		w->info.cuts++;
		return n;
	}
	if (w->grew) {
		w->grew = 0;
		if (rise || tp < w->tp * RISE) {
			/* The last step bought nothing: back to before it. */
			w->slow = 0;
			return w->before;
		}
	}
	w->tp = tp;
	w->before = n;
	n = w->slow ? n * 2 : n + (n / 8 > 1 ? n / 8 : 1);
	if (n > w->max)
		n = w->max;
	w->grew = n != w->before;
	return n;
}

unsigned
window_feed(struct window *w, const struct window_sample *s)
{
	unsigned long	reqs = 0;
	unsigned	n;
	double		dt;
	int		k, push, rise;

	pthread_mutex_lock(&w->lock);
	if (!w->have) {
		/* Pushbacks before the first item ended count in the first
		 * epoch: a registry that refuses from the start is heard. */
		w->e0 = *s;
		for (k = 0; k < 2; k++)
			w->e0.side[k].pushbacks = 0;
		w->have = 1;
		goto out;
	}
	for (k = 0; k < 2; k++)
		reqs += s->side[k].requests - w->e0.side[k].requests;
	dt = s->now - w->e0.now;
	if (reqs < EPOCH * (unsigned long)w->size || dt <= 0)
		goto out;
	epoch_sides(w, s, &push, &rise);
	w->size = epoch_size(w, push, rise, (double)reqs / dt);
	w->e0 = *s;
	w->info.size = w->size;
	if (w->size < w->info.low)
		w->info.low = w->size;
	if (w->size > w->info.high)
		w->info.high = w->size;
	pthread_cond_broadcast(&w->cond);
out:
	n = w->size;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void
window_get(struct window *w, struct window_info *info)
{
	pthread_mutex_lock(&w->lock);
	*info = w->info;
	pthread_mutex_unlock(&w->lock);
}

unsigned
window_size(struct window *w)
{
	unsigned	n;

	pthread_mutex_lock(&w->lock);
	n = w->size;
	pthread_mutex_unlock(&w->lock);
	return n;
}

int
window_acquire(struct window *w, const atomic_int *halt)
{
	struct timespec	ts;

	pthread_mutex_lock(&w->lock);
	while (w->inflight >= w->size && (halt == NULL || !*halt)) {
		/* A halt sets no condition: look again now and then. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	}
	if (halt != NULL && *halt) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	w->inflight++;
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void
window_release(struct window *w)
{
	pthread_mutex_lock(&w->lock);
	w->inflight--;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}
