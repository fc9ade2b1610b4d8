/*
 * The run model's speed and ETA (run_speed_*) on made-up totals: a warm
 * run, whose bytes are mostly in place without moving, finishes soon; a
 * cold one as its moved bytes say.  Linked without curses, as the model
 * must be.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "model_run.h"
#include "tap.h"

#define MIB	(1024 * 1024)

static struct mirror_totals
totals(int64_t total, int64_t placed, int64_t moved)
{
	struct mirror_totals	t;

	memset(&t, 0, sizeof t);
	t.bytes_total = total;
	t.bytes_placed = placed;
	t.bytes_done = moved;
	return t;
}

/* 1000 MiB to place; a second in, 500 MiB are in place, 10 MiB moved. */
static void
warm(void)
{
	struct run_speed	sp;
	struct mirror_totals	t = totals(1000 * (int64_t)MIB, 0, 0);
	double			eta;

	run_speed_start(&sp, &t, 100);
	is_int(run_speed_eta(&sp, &t) < 0, 1, "no sample yet: no ETA");
	t = totals(1000 * (int64_t)MIB, 500 * (int64_t)MIB, 10 * (int64_t)MIB);
	is_int(run_speed_sample(&sp, &t, 100.2), 0, "a fifth of a second: no sample");
	is_int(run_speed_sample(&sp, &t, 101), 1, "a second: a sample");
	ok(fabs(sp.moved_rate - 10.0 * MIB) < 1, "the shown rate is what moved");
	eta = run_speed_eta(&sp, &t);
	ok(fabs(eta - 1.0) < 1e-6, "warm: 500 MiB left at 500 MiB/s placed "
	    "is 1 s (got %.3f; by the moved rate it was 50 s)", eta);
}

/* Nothing was there: placed is moved, the ETA as the moved rate says. */
static void
cold(void)
{
	struct run_speed	sp;
	struct mirror_totals	t = totals(300 * (int64_t)MIB, 0, 0);
	double			eta;

	run_speed_start(&sp, &t, 0);
	t = totals(300 * (int64_t)MIB, 100 * (int64_t)MIB, 100 * (int64_t)MIB);
	run_speed_sample(&sp, &t, 2);
	eta = run_speed_eta(&sp, &t);
	ok(fabs(eta - (double)(200 * (int64_t)MIB) / sp.moved_rate) < 1e-6 &&
	    fabs(eta - 4.0) < 1e-6, "cold: 200 MiB left at 50 MiB/s is 4 s "
	    "(got %.3f)", eta);
	/* A retried tag starts its bytes again: placed drops, no negative
	 * rate, and the ETA keeps the smoothed one. */
	t = totals(300 * (int64_t)MIB, 50 * (int64_t)MIB, 150 * (int64_t)MIB);
	run_speed_sample(&sp, &t, 3);
	ok(sp.placed_rate > 0, "a drop in placed bytes is no negative speed");
	t = totals(300 * (int64_t)MIB, 300 * (int64_t)MIB, 300 * (int64_t)MIB);
	is_int(run_speed_eta(&sp, &t) < 0, 1, "nothing left: no ETA");
}

int
main(void)
{
	warm();
	cold();
	return tap_done();
}
