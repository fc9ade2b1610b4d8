/*
 * A parallel for-loop: items 0..n-1 handed out one at a time to up to
 * nthreads threads.  The worker index lets a caller keep per-thread state
 * (one registry connection per thread).  Used for the plan's HEADs, the
 * copy, and the tag scans of delete by digest.
 */
#ifndef TM_POOL_H
#define TM_POOL_H

#include <stdatomic.h>
#include <stddef.h>

typedef void	 pool_fn(void *ud, size_t worker, size_t item);

/*
 * Blocks until every item ran, or until *cancel (may be NULL) is set,
 * after which no new item starts.  When threads cannot be created the
 * calling thread does the work as worker 0.  Returns the number of
 * threads used.
 */
size_t	pool_run(size_t nthreads, size_t n, pool_fn *, void *ud,
	    const atomic_int *cancel);

#endif
