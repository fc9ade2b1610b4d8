/*
 * The adaptive window's controller, fed synthetic samples of a modelled
 * link (round trip, registry capacity, pushbacks): it fills a long round
 * trip, stays near its start where the registry's CPU binds, halves on a
 * 429 and grows back, trims a quarter on queueing (once per queue), keeps
 * to its bounds; and the
 * gate counts slots and gives up on a halt.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "window.h"
#include "tap.h"

/* A link: each of size slots sends one request per round trip, up to
 * the registry's capacity (requests/s); past it requests queue. */
struct link {
	double			rtt, cap;
	struct window_sample	s;
};

static struct link
link_at(double rtt, double cap)
{
	struct link	l;

	memset(&l, 0, sizeof l);
	l.rtt = rtt;
	l.cap = cap;
	return l;
}

/* One epoch's worth of requests at the window's size; push: 429s. */
static unsigned
step(struct window *w, struct link *l, unsigned size, unsigned long push)
{
	double		rate = size / l->rtt, lat = l->rtt;
	unsigned long	reqs = 4UL * size;
	int		k;

	if (l->cap > 0 && rate > l->cap) {
		rate = l->cap;
		lat = size / l->cap;
	}
	l->s.now += (double)reqs / rate;
	for (k = 0; k < 2; k++) {
		l->s.side[k].requests += reqs / 2;
		l->s.side[k].exchanges += reqs / 2;
		l->s.side[k].busy += (double)(reqs / 2) * lat;
	}
	l->s.side[0].pushbacks += push;
	return window_feed(w, &l->s);
}

static unsigned
run(struct window *w, struct link *l, int epochs, unsigned *hi)
{
	struct window_info	info;
	unsigned		n;
	int			i;

	window_get(w, &info);
	n = info.size;
	for (i = 0; i < epochs; i++) {
		n = step(w, l, n, 0);
		if (hi != NULL && n > *hi)
			*hi = n;
	}
	return n;
}

static void
test_wan_fills(void)
{
	struct window		*w = window_new(8, 8, 64);
	struct link		 l = link_at(0.05, 0);
	struct window_info	 info;
	unsigned		 n;

	window_feed(w, &l.s);
	n = run(w, &l, 1, NULL);
	is_int(n, 16, "50 ms, no capacity limit: 8 doubles to 16 after an epoch");
	n = run(w, &l, 2, NULL);
	is_int(n, 64, "...and to 64, the ceiling, two epochs later");
	n = run(w, &l, 20, NULL);
	is_int(n, 64, "...and stays there");
	window_get(w, &info);
	is_int(info.cuts, 0, "no cut on a link that never pushed back");
	is_int(info.low, 8, "smallest seen: the start");
	is_int(info.high, 64, "largest seen: the ceiling");
	window_free(w);
}

static void
test_lan_gentle(void)
{
	struct window	*w = window_new(8, 8, 64);
	/* 0.5 ms, a registry that serves 2,000 requests/s at any window. */
	struct link		 l = link_at(0.0005, 2000);
	unsigned	 hi = 0, n;

	window_feed(w, &l.s);
	n = run(w, &l, 60, &hi);
	ok(n >= 8 && n <= 9, "loopback, CPU-bound registry: the window ends "
	    "at %u (8 or a probe of 9)", n);
	ok(hi <= 16, "...it never went past one doubling (%u)", hi);
	window_free(w);
}

static void
test_429_halves_and_regrows(void)
{
	struct window		*w = window_new(8, 8, 64);
	struct link		 l = link_at(0.05, 0);
	struct window_info	 info;
	unsigned		 n;

	window_feed(w, &l.s);
	n = run(w, &l, 4, NULL);
	is_int(n, 64, "50 ms: at the ceiling");
	n = step(w, &l, n, 3);
	is_int(n, 32, "a 429 burst halves it");
	n = step(w, &l, n, 5);
	is_int(n, 16, "...another halves it again");
	n = run(w, &l, 12, NULL);
	ok(n >= 48, "...then it grows back by eighths while throughput "
	    "grows (%u after 12 epochs)", n);
	window_get(w, &info);
	is_int(info.cuts, 2, "two cuts counted");
	window_free(w);
}

static void
test_push_to_one(void)
{
	struct window	*w = window_new(8, 8, 64);
	struct link		 l = link_at(0.05, 0);
	unsigned	 n = 8;
	int		 i;

	window_feed(w, &l.s);
	for (i = 0; i < 6; i++)
		n = step(w, &l, n, 1);
	is_int(n, 1, "429s on every epoch: down to 1, below the start");
	window_free(w);
}

static void
test_queueing_halves(void)
{
	struct window		*w = window_new(8, 8, 64);
	/* 50 ms, but the registry serves only 200 requests/s: past a window
	 * of 10 the latency grows with the window. */
	struct link		 l = link_at(0.05, 200);
	struct window_info	 info;
	unsigned		 n;

	window_feed(w, &l.s);
	n = run(w, &l, 40, NULL);
	window_get(w, &info);
	ok(n >= 8 && n <= 20, "a saturated registry at 50 ms: the window "
	    "settles at %u (8 to 20)", n);
	ok(info.high <= 32, "...the probes went no further than 32 (%u)",
	    info.high);
	ok(info.cuts >= 1, "...where the latency doubled, it was cut "
	    "(%u cuts)", info.cuts);
	window_free(w);
}

/* One epoch at size whose latency is lat per request, at rate. */
static unsigned
step_at(struct window *w, struct link *l, unsigned size, double lat,
    double rate)
{
	unsigned long	reqs = 4UL * size;
	int		k;

	l->s.now += (double)reqs / rate;
	for (k = 0; k < 2; k++) {
		l->s.side[k].requests += reqs / 2;
		l->s.side[k].exchanges += reqs / 2;
		l->s.side[k].busy += (double)(reqs / 2) * lat;
	}
	return window_feed(w, &l->s);
}

static void
test_queue_trims_once(void)
{
	struct window		*w = window_new(8, 8, 64);
	struct link		 l = link_at(0.05, 0);
	struct window_info	 info;
	unsigned		 n;

	window_feed(w, &l.s);
	n = run(w, &l, 4, NULL);
	is_int(n, 64, "50 ms: at the ceiling");
	/* The registry saturates: the same requests/s, latency x3. */
	n = step_at(w, &l, n, 0.15, 64 / 0.05);
	is_int(n, 48, "a queue (latency x3, throughput flat) trims a quarter, "
	    "not half");
	n = step_at(w, &l, 64, 0.15, 64 / 0.05);
	is_int(n, 54, "...the next epoch, whose queue is the old size's, "
	    "cuts nothing: it probes an eighth up, as after any epoch");
	n = step_at(w, &l, n, 0.15, 64 / 0.05);
	is_int(n, 41, "...one after that, still queued: another quarter");
	window_get(w, &info);
	is_int(info.cuts, 2, "two cuts counted");
	window_free(w);
}

static void
test_bounds(void)
{
	struct window		*w = window_new(8, 8, 4);
	struct link		 l = link_at(0.05, 0);
	struct window_info	 info;
	unsigned		 hi = 0;

	window_get(w, &info);
	is_int(info.size, 4, "--jobs 4: the start is clamped to 4");
	window_feed(w, &l.s);
	run(w, &l, 10, &hi);
	is_int(hi, 4, "...and it never grows past 4");
	window_free(w);
	w = window_new(8, 8, 64);
	window_feed(w, &l.s);
	l.s.now += 1;
	l.s.side[0].requests += 31;
	l.s.side[0].pushbacks += 1;
	is_int(window_feed(w, &l.s), 8, "an epoch needs four requests per "
	    "slot: 31 at a window of 8 change nothing yet");
	window_free(w);
}

static void
test_early_push(void)
{
	struct window	*w = window_new(8, 8, 64);
	struct link	 l = link_at(0.05, 0);

	/* 429s before the first item ended belong to the first epoch. */
	l.s.side[1].pushbacks = 3;
	window_feed(w, &l.s);
	is_int(step(w, &l, 8, 0), 4, "429s before the first feed halve the "
	    "window at the first epoch");
	window_free(w);
}

static void
test_gate(void)
{
	struct window	*w = window_new(2, 2, 64);
	atomic_int	 halt = 0;

	is_int(window_acquire(w, &halt), 0, "first slot");
	is_int(window_acquire(w, &halt), 0, "second slot");
	halt = 1;
	is_int(window_acquire(w, &halt), -1, "full window and a halt: -1, "
	    "no wait");
	halt = 0;
	window_release(w);
	is_int(window_acquire(w, &halt), 0, "a released slot is taken again");
	window_release(w);
	window_release(w);
	window_free(w);
}

int
main(void)
{
	test_wan_fills();
	test_lan_gentle();
	test_429_halves_and_regrows();
	test_push_to_one();
	test_queueing_halves();
	test_queue_trims_once();
	test_bounds();
	test_early_push();
	test_gate();
	return tap_done();
}
