/*
 * The parallel for-loop: threads take items one at a time until every
 * item ran or a cancel stops new ones.
 */
#include "config.h"

#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct pool {
	pool_fn			*fn;
	void			*ud;
	size_t			 n;
	atomic_size_t		 next;
	const atomic_int	*cancel;
};

struct pool_thread {
	struct pool	*p;
	size_t		 worker;
	pthread_t	 tid;
};

static void
pool_loop(struct pool *p, size_t worker)
{
	size_t	i;

	while (p->cancel == NULL || !*p->cancel) {
		if ((i = atomic_fetch_add(&p->next, 1)) >= p->n)
			break;
		p->fn(p->ud, worker, i);
	}
}

static void *
pool_main(void *arg)
{
	struct pool_thread	*t = arg;

	pool_loop(t->p, t->worker);
	return NULL;
}

size_t
pool_run(size_t nthreads, size_t n, pool_fn *fn, void *ud,
    const atomic_int *cancel)
{
	struct pool		 p = { fn, ud, n, 0, cancel };
	struct pool_thread	*t;
	size_t			 i, started = 0;

	if (nthreads > n)
		nthreads = n;
	if (nthreads <= 1 || (t = calloc(nthreads, sizeof *t)) == NULL) {
		pool_loop(&p, 0);
		return 1;
	}
	for (i = 0; i < nthreads; i++) {
		t[i].p = &p;
		t[i].worker = i;
		if (pthread_create(&t[i].tid, NULL, pool_main, &t[i]) != 0)
			break;
		started++;
	}
	if (started == 0)
		pool_loop(&p, 0);
	for (i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	free(t);
	return started > 0 ? started : 1;
}
