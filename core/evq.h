/*
 * Event queue from worker threads to the UI thread.
 *
 * A mutex-protected FIFO of fixed-size events plus a non-blocking pipe the
 * UI polls together with stdin.  A push writes one byte only when the
 * queue goes from empty to non-empty, and ignores EAGAIN, so a stalled UI
 * can never block a worker (the weakness of cmus's job pipe).
 */
#ifndef TM_EVQ_H
#define TM_EVQ_H

#include <stddef.h>

struct evq;

/* elem_size: size of one event.  NULL on failure (errno set). */
struct evq	*evq_new(size_t elem_size);
void		 evq_free(struct evq *);
/* The read end of the wake-up pipe: poll it for POLLIN.  UI thread. */
int		 evq_fd(const struct evq *);
/* Copy one event in.  Any thread.  0, or -1 when out of memory. */
int		 evq_push(struct evq *, const void *ev);
/*
 * Move up to max events out, oldest first, and clear the wake-up pipe
 * when the queue is left empty.  Returns how many.  One consumer thread.
 */
size_t		 evq_drain(struct evq *, void *out, size_t max);
/* Events waiting (any thread; a snapshot). */
size_t		 evq_pending(struct evq *);

#endif
