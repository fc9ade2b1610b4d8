/*
 * The adaptive window: how many tags a run copies (or plans) at once,
 * grown while throughput grows, halved when a registry pushes back and
 * trimmed when its answers queue,
 * as TCP's AIMD does.  A fixed pool cannot be right both at 0 ms, where
 * a handful of requests in flight keeps a registry's CPU busy, and at
 * 50 ms, where it takes dozens to fill the round trips.  The engine's
 * files only; any thread.
 */
#ifndef TM_WINDOW_H
#define TM_WINDOW_H

#include <stdatomic.h>

/* One registry's counters since its start (registry_stats). */
struct window_side {
	unsigned long	requests;	/* sent */
	unsigned long	exchanges;	/* answered, timed in busy */
	unsigned long	pushbacks;	/* 429 and 5xx answers */
	double		busy;		/* seconds spent in exchanges */
};

/* The source's and the destination's counters at one moment. */
struct window_sample {
	double			now;		/* seconds, monotonic */
	struct window_side	side[2];
};

/* The live window, for the run header and the summary. */
struct window_info {
	unsigned	size;		/* tags allowed at once now */
	unsigned	low, high;	/* smallest and largest since the start */
	unsigned	cuts;		/* halvings */
};

struct window;

/*
 * Starts at start (at most max); a latency rise halves it no lower than
 * floor, a 429 or 5xx no lower than 1; it never grows past max.  NULL out
 * of memory.
 */
struct window	*window_new(unsigned start, unsigned floor, unsigned max);
void		 window_free(struct window *);

/*
 * Feed the counters now (after each item).  Every epoch of four requests
 * per slot: the window halves on a pushback, and loses a quarter when a
 * side's mean latency passed twice its smallest while the requests per
 * second did not rise (queueing; not judged in the epoch right after a
 * cut, whose queue is the old size's); else it probes (doubles
 * in slow start, then grows by an eighth) and keeps the step only if the
 * requests per second rose 5% with it.  Deterministic: no clock of its
 * own.  Returns the new size.
 */
unsigned	 window_feed(struct window *, const struct window_sample *);
void		 window_get(struct window *, struct window_info *);
/* The size now: the most items in flight. */
unsigned	 window_size(struct window *);

/*
 * Wait for a slot (fewer items in flight than the window), 0; -1 when
 * *halt (may be NULL) is set first.  Release gives it back.
 */
int		 window_acquire(struct window *, const atomic_int *halt);
void		 window_release(struct window *);

#endif
