/*
 * The event queue from worker threads to the UI thread: a locked FIFO
 * plus a wake-up pipe the UI polls.
 */
#include "config.h"

#include "evq.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EVQ_INITIAL	64	/* events; the ring doubles when full */
#define EVQ_KEEP	1024	/* rings bigger than this shrink once drained */

/*
 * The ring holds len events starting at head, wrapping at cap.  Invariant
 * (what makes wake-ups reliable): while the queue is not empty, a byte is
 * in the pipe or a pusher that saw it empty is about to write one.  So the
 * pipe is emptied only under the lock and only when the queue is left
 * empty; a late byte from such a pusher is at worst one spurious wake-up.
 */
struct evq {
	pthread_mutex_t	 lock;
	unsigned char	*ring;
	size_t		 elem;
	size_t		 cap;
	size_t		 head;
	size_t		 len;
	int		 rfd;
	int		 wfd;
};

static int
fd_setup(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFD)) == -1 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

struct evq *
evq_new(size_t elem_size)
{
	struct evq	*q;
	int		 fds[2], saved;

	if (elem_size == 0 || elem_size > SIZE_MAX / EVQ_INITIAL) {
		errno = EINVAL;
		return NULL;
	}
	if ((q = calloc(1, sizeof *q)) == NULL)
		return NULL;
	q->elem = elem_size;
	q->cap = EVQ_INITIAL;
	if ((q->ring = malloc(q->cap * q->elem)) == NULL) {
		free(q);
		return NULL;
	}
	/* pipe() and fcntl rather than pipe2() or eventfd: portable. */
	if (pipe(fds) == -1)
		goto fail;
	if (fd_setup(fds[0]) == -1 || fd_setup(fds[1]) == -1) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved;
		goto fail;
	}
	if ((errno = pthread_mutex_init(&q->lock, NULL)) != 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved;
		goto fail;
	}
	q->rfd = fds[0];
	q->wfd = fds[1];
	return q;

fail:
	saved = errno;
	free(q->ring);
	free(q);
	errno = saved;
	return NULL;
}

void
evq_free(struct evq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_destroy(&q->lock);
	close(q->rfd);
	close(q->wfd);
	free(q->ring);
	free(q);
}

int
evq_fd(const struct evq *q)
{
	return q->rfd;
}

/* Double the ring, unwrapping it so the oldest event is first.  Locked. */
static int
grow(struct evq *q)
{
	unsigned char	*n;
	size_t		 first;

	if (q->cap > SIZE_MAX / 2 / q->elem) {
		errno = ENOMEM;
		return -1;
	}
	if ((n = malloc(2 * q->cap * q->elem)) == NULL)
		return -1;
	first = q->cap - q->head;
	memcpy(n, q->ring + q->head * q->elem, first * q->elem);
	memcpy(n + first * q->elem, q->ring, (q->len - first) * q->elem);
	free(q->ring);
	q->ring = n;
	q->head = 0;
	q->cap *= 2;
	return 0;
}

/* Give back the memory of a burst once it has been drained.  Locked. */
static void
shrink(struct evq *q)
{
	unsigned char	*n;

	if (q->cap <= EVQ_KEEP || (n = malloc(EVQ_INITIAL * q->elem)) == NULL)
		return;
	free(q->ring);
	q->ring = n;
	q->cap = EVQ_INITIAL;
	q->head = 0;
}

int
evq_push(struct evq *q, const void *ev)
{
	int	was_empty;
	ssize_t	w;

	pthread_mutex_lock(&q->lock);
	if (q->len == q->cap && grow(q) == -1) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	memcpy(q->ring + ((q->head + q->len) % q->cap) * q->elem, ev, q->elem);
	was_empty = q->len++ == 0;
	pthread_mutex_unlock(&q->lock);

	/*
	 * One byte per empty -> non-empty edge.  EAGAIN means bytes are
	 * already pending, which is wake-up enough; never block a worker.
	 */
	if (was_empty) {
		do
			w = write(q->wfd, "", 1);
		while (w == -1 && errno == EINTR);
	}
	return 0;
}

size_t
evq_drain(struct evq *q, void *out, size_t max)
{
	unsigned char	 sink[256];
	size_t		 n, first;
	ssize_t		 r;

	pthread_mutex_lock(&q->lock);
	n = q->len < max ? q->len : max;
	first = q->cap - q->head < n ? q->cap - q->head : n;
	if (n > 0) {
		memcpy(out, q->ring + q->head * q->elem, first * q->elem);
		memcpy((unsigned char *)out + first * q->elem, q->ring, (n - first) * q->elem);
		q->head = (q->head + n) % q->cap;
		q->len -= n;
	}
	if (q->len == 0) {
		do
			r = read(q->rfd, sink, sizeof sink);
		while (r > 0 || (r == -1 && errno == EINTR));
		shrink(q);
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t
evq_pending(struct evq *q)
{
	size_t	n;

	pthread_mutex_lock(&q->lock);
	n = q->len;
	pthread_mutex_unlock(&q->lock);
	return n;
}
