/*
 * The event queue workers report through: its wake-up fd, ordering,
 * bounds and many producers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "evq.h"
#include "tap.h"

#define PRODUCERS	4
#define PER_PRODUCER	10000
#define FLOOD		100000

struct ev {
	int	producer;
	int	seq;
	char	pad[5];	/* an odd size exercises the ring arithmetic */
};

/* 1 when fd has something to read right now. */
static int
readable(int fd)
{
	struct pollfd	p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static int
pipe_bytes(int fd)
{
	int	n = -1;

	if (ioctl(fd, FIONREAD, &n) == -1)
		return -1;
	return n;
}

static void
test_basics(void)
{
	struct evq	*q;
	struct ev	 e = { 0, 0, "" }, out[300];
	size_t		 n, i;
	int		 fl, in_order;

	errno = 0;
	ok(evq_new(0) == NULL && errno == EINVAL, "evq_new(0) fails with EINVAL");
	q = evq_new(sizeof e);
	ok(q != NULL, "evq_new");
	fl = fcntl(evq_fd(q), F_GETFL);
	ok(fl != -1 && (fl & O_NONBLOCK), "read end is non-blocking");
	fl = fcntl(evq_fd(q), F_GETFD);
	ok(fl != -1 && (fl & FD_CLOEXEC), "read end is close-on-exec");

	ok(!readable(evq_fd(q)), "empty queue: fd not readable");
	is_int(evq_drain(q, out, 10), 0, "draining an empty queue gives nothing");
	e.seq = 1;
	evq_push(q, &e);
	ok(readable(evq_fd(q)), "one event: fd readable");
	is_int(evq_pending(q), 1, "one pending");
	n = evq_drain(q, out, 10);
	is_int(n, 1, "drain gets it");
	is_int(out[0].seq, 1, "  intact");
	ok(!readable(evq_fd(q)), "drained: fd no longer readable");

	for (i = 0; i < 5; i++) {
		e.seq = (int)i;
		evq_push(q, &e);
	}
	is_int(pipe_bytes(evq_fd(q)), 1, "five pushes onto an empty queue write one byte");
	is_int(evq_drain(q, out, 2), 2, "partial drain of 2");
	ok(readable(evq_fd(q)), "events left: fd still readable");
	is_int(evq_pending(q), 3, "three pending");
	is_int(evq_drain(q, out, 10), 3, "drain the rest");
	is_int(out[0].seq, 2, "  oldest first");
	ok(!readable(evq_fd(q)), "empty again: fd not readable");
	is_int(evq_drain(q, out, 0), 0, "max 0 takes nothing");

	/* Wrap the ring, then grow it while wrapped: order must survive. */
	for (i = 0; i < 50; i++) {
		e.seq = (int)i;
		evq_push(q, &e);
	}
	is_int(evq_drain(q, out, 40), 40, "take 40 of 50");
	for (i = 50; i < 250; i++) {
		e.seq = (int)i;
		evq_push(q, &e);
	}
	n = evq_drain(q, out, 300);
	is_int(n, 210, "the other 210 after the ring wrapped and grew");
	in_order = 1;
	for (i = 0; i < n; i++)
		if (out[i].seq != (int)(40 + i))
			in_order = 0;
	ok(in_order, "  all in order");
	ok(!readable(evq_fd(q)), "  fd not readable");
	evq_free(q);
	evq_free(NULL);
}

struct producer {
	struct evq	*q;
	int		 id;
	int		 count;
	int		 failed;
};

static void *
produce(void *arg)
{
	struct producer	*p = arg;
	struct ev	 e;
	int		 i;

	memset(&e, 0, sizeof e);
	e.producer = p->id;
	for (i = 0; i < p->count; i++) {
		e.seq = i;
		if (evq_push(p->q, &e) == -1)
			p->failed++;
		if (i % 1000 == 0)
			sched_yield();
	}
	return NULL;
}

/*
 * A UI-like consumer: poll the fd, drain in small batches.  A poll that
 * times out while events are pending would be a lost wake-up.
 */
static void
test_threads(void)
{
	struct evq	*q = evq_new(sizeof(struct ev));
	struct producer	 prod[PRODUCERS];
	pthread_t	 th[PRODUCERS];
	struct ev	 out[64];
	int		 next[PRODUCERS] = { 0 }, order_ok = 1, lost_wakeup = 0, i;
	size_t		 n, j, total = 0;
	struct pollfd	 p;

	for (i = 0; i < PRODUCERS; i++) {
		prod[i] = (struct producer){ q, i, PER_PRODUCER, 0 };
		pthread_create(&th[i], NULL, produce, &prod[i]);
	}
	while (total < PRODUCERS * PER_PRODUCER) {
		p = (struct pollfd){ evq_fd(q), POLLIN, 0 };
		if (poll(&p, 1, 5000) != 1) {
			lost_wakeup = 1;
			break;
		}
		while ((n = evq_drain(q, out, sizeof out / sizeof out[0])) > 0) {
			for (j = 0; j < n; j++) {
				if (out[j].producer < 0 || out[j].producer >= PRODUCERS ||
				    out[j].seq != next[out[j].producer])
					order_ok = 0;
				else
					next[out[j].producer]++;
			}
			total += n;
		}
	}
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(th[i], NULL);
	ok(!lost_wakeup, "the fd always woke the consumer while events waited");
	is_int(total, PRODUCERS * PER_PRODUCER, "%d producers x %d events all arrived",
	    PRODUCERS, PER_PRODUCER);
	ok(order_ok, "each producer's events arrived in order, none twice");
	for (i = 0; i < PRODUCERS; i++)
		if (prod[i].failed != 0)
			order_ok = 0;
	ok(order_ok, "no push failed");
	is_int(evq_pending(q), 0, "nothing left");
	/* A pusher that saw the queue empty may write its byte late: drain once more. */
	evq_drain(q, out, 1);
	ok(!readable(evq_fd(q)), "fd quiet after the final drain");
	evq_free(q);
}

/* A consumer that never drains must not stall a producer. */
static void
test_flood(void)
{
	struct evq	*q = evq_new(sizeof(struct ev));
	struct producer	 prod = { q, 7, FLOOD, 0 };
	pthread_t	 th;
	struct ev	*out;
	size_t		 n, j;
	int		 in_order = 1;

	/* If a push ever blocked on the pipe, this alarm would kill the test. */
	alarm(20);
	pthread_create(&th, NULL, produce, &prod);
	pthread_join(th, NULL);
	alarm(0);
	ok(prod.failed == 0, "%d pushes with no consumer returned", FLOOD);
	is_int(evq_pending(q), FLOOD, "all %d pending", FLOOD);
	is_int(pipe_bytes(evq_fd(q)), 1, "one wake-up byte for the whole burst");
	out = calloc(FLOOD, sizeof *out);
	n = evq_drain(q, out, FLOOD);
	is_int(n, FLOOD, "one drain takes them all");
	for (j = 0; j < n; j++)
		if (out[j].seq != (int)j || out[j].producer != 7)
			in_order = 0;
	ok(in_order, "  in order");
	ok(!readable(evq_fd(q)), "  fd drained");
	ok(evq_push(q, &out[0]) == 0 && readable(evq_fd(q)),
	    "the shrunken queue still works and wakes");
	free(out);
	evq_free(q);
}

int
main(void)
{
	test_basics();
	test_threads();
	test_flood();
	return tap_done();
}
