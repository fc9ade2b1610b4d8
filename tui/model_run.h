/*
 * The run model: owns the mirror engine for one run of the form, drains
 * its events, measures speed, and carries out the decision after a
 * partial run (keep, roll back, retry).  It opens no screen: its event
 * handler returns outcome bits the app acts on.  The engine owns the
 * status; the model asks it.  UI thread only; the engine's threads reach
 * it only through the event queue.
 */
#ifndef TM_MODEL_RUN_H
#define TM_MODEL_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "dirty.h"
#include "mirror.h"

struct run;

/* Outcomes of run_events, beside its dirty bits. */
#define RUN_FINISHED	0x100	/* the copy (or a retry) is over */
#define RUN_ASK		0x200	/* ... and the person decides keep or roll back */

enum run_phase {
	RP_RUNNING,		/* copying (first run or a retry) */
	RP_FINISHED,		/* engine done; maybe waiting for a decision */
	RP_ROLLING_BACK,
	RP_ROLLED_BACK
};

/* A consistent picture for drawing. */
struct run_view {
	enum run_phase		phase;
	enum mirror_status	status;		/* the engine's */
	const char		*status_name;
	int			copy_cancelled;	/* the copy was cancelled */
	int			cancelling;
	int			decision;	/* 0, 'k' kept, 'r' rolled back */
	int			undecided;	/* keep or roll back is asked */
	int			retried;	/* the last copy was a retry */
	int			rollback_default; /* the highlighted answer */
	int			dry_run;	/* plan only: nothing changes */
	struct mirror_totals	tot;
	double			rate;		/* bytes moved per second, smoothed */
	double			eta;		/* seconds left, -1 unknown (not running) */
	double			paused;		/* seconds left of a rate-limit pause */
	size_t			rb_done;	/* tags restored so far */
	size_t			rb_restore;	/* the rollback puts these back */
	size_t			rb_remove;	/* ... and deletes these */
	struct tm_err		run_err;	/* whole-run failure, cat NONE if none */
	struct tm_err		rb_err;		/* rollback failure */
	const char		*src, *dst;
	const char		*journal;	/* "" when none */
	const char		*report;	/* path of the report, "" before */
	const char		*report_err;	/* "" when written */
};

/*
 * The run's speed from its totals, sampled at least half a second apart:
 * bytes moved per second (the throughput shown) and bytes placed per
 * second (streamed, mounted or already there: what the ETA divides the
 * bytes left by, since a warm run places most bytes without moving them).
 * Pure arithmetic on totals, so a test can feed it made-up ones.
 */
struct run_speed {
	double			t;		/* the last sample's time */
	double			moved_rate, placed_rate;	/* bytes/s, smoothed */
	int64_t			moved, placed;	/* the last sample's bytes */
};

void		 run_speed_start(struct run_speed *,
		    const struct mirror_totals *, double now);
/* 1 when sampled, 0 when less than half a second has passed. */
int		 run_speed_sample(struct run_speed *,
		    const struct mirror_totals *, double now);
/* Seconds until every byte is placed, -1 when unknown. */
double		 run_speed_eta(const struct run_speed *,
		    const struct mirror_totals *);

/*
 * Start a run with opts (strings copied).  report: where the report goes
 * (NULL: a new file in the state directory).  The run, or NULL with err.
 */
struct run	*run_start(const struct mirror_opts *, const char *report,
		    struct tm_err *);
void		 run_free(struct run *);
/* The event queue's wake-up fd, -1 when no run. */
int		 run_fd(const struct run *);
/* Drain engine events: dirty bits and RUN_FINISHED / RUN_ASK. */
int		 run_events(struct run *);
/* Sample speeds (call about every 100 ms while running); dirty bits. */
int		 run_tick(struct run *);
/* 1 while an engine thread works (copy, retry, rollback); 0 for NULL. */
int		 run_busy(const struct run *);
void		 run_view(const struct run *, struct run_view *);
/* 1 while keep or roll back is asked and not answered; 0 for NULL. */
int		 run_undecided(const struct run *);
/* Bytes/s of tag i, smoothed. */
double		 run_tag_rate(const struct run *, size_t i);
/* The tags, as the engine has them now. */
size_t		 run_tag_count(const struct run *);
int		 run_tag_info(const struct run *, size_t i,
		    struct mirror_tag_info *);
void		 run_rollback_info(const struct run *,
		    struct mirror_rollback_info *);

/* Ask the engine to stop; finished tags stay, the journal records them. */
void		 run_cancel(struct run *);
/*
 * What a rollback would do now: tags put back as they were (changed or
 * deleted by the run) and tags deleted (created by the run).
 */
void		 run_rollback_plan(const struct run *, size_t *restore,
		    size_t *remove);
/*
 * The decision after a run that changed something and had failures (a
 * run that changed nothing is not asked): keep writes the report.  Keep and
 * roll back: 1 done or started, 0 when there is nothing to decide, -1
 * with err when the engine refused.
 */
int		 run_keep(struct run *);
int		 run_rollback(struct run *, struct tm_err *);
/* Retry tags (n == 0: every failed tag): 1 started, 0 busy, -1 with err. */
int		 run_retry(struct run *, const size_t *tags, size_t n,
		    struct tm_err *);
/* Write the JSON report to path (NULL: the run's report path). */
int		 run_write_report(struct run *, const char *path, struct tm_err *);

#endif
