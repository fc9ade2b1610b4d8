/*
 * The run model: owns the mirror engine for one run of the form, turns its
 * events into screen changes, measures speed, and carries out the decision
 * after a partial run (keep, roll back, retry).  UI thread only; the
 * engine's threads reach it only through the event queue.
 */
#ifndef TM_RUN_H
#define TM_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "mirror.h"

struct app;
struct run;

enum run_phase {
	RP_RUNNING,		/* copying (first run or a retry) */
	RP_FINISHED,		/* engine done; maybe waiting for a decision */
	RP_ROLLING_BACK,
	RP_ROLLED_BACK
};

/* A consistent picture for drawing. */
struct run_view {
	enum run_phase		phase;
	enum mirror_status	status;
	int			cancelling;
	int			decision;	/* 0, 'k' kept, 'r' rolled back */
	int			rollback_default; /* the highlighted answer */
	int			dry_run;	/* plan only: nothing changes */
	struct mirror_totals	tot;
	double			rate;		/* bytes moved per second, smoothed */
	double			paused;		/* seconds left of a rate-limit pause */
	size_t			rb_done;	/* tags restored so far */
	struct tm_err		run_err;	/* whole-run failure, cat NONE if none */
	struct tm_err		rb_err;		/* rollback failure */
	const char		*src, *dst;
	const char		*report;	/* path of the report, "" before */
	const char		*report_err;	/* "" when written */
};

/* Start a run with opts (strings copied) as app->run.  0, or -1 with err. */
int		 run_start(struct app *, const struct mirror_opts *,
		    struct tm_err *);
void		 run_free(struct run *);
/* The event queue's wake-up fd, -1 when no run. */
int		 run_fd(const struct run *);
/* Drain engine events; returns dirty bits. */
int		 run_events(struct app *);
/* Sample speeds (call about every 100 ms while running). */
int		 run_tick(struct app *);
/* 1 while an engine thread works (copy, retry, rollback). */
int		 run_busy(const struct run *);
void		 run_view(const struct run *, struct run_view *);
struct mirror	*run_mirror(const struct run *);
/* Bytes/s of tag i, smoothed. */
double		 run_tag_rate(const struct run *, size_t i);

/* Ask the engine to stop; finished tags stay, the journal records them. */
void		 run_cancel(struct run *);
/* The decision after a partial run: keep writes the report. */
int		 run_keep(struct app *);
int		 run_rollback(struct app *);
/* Retry tags (n == 0: every failed tag). */
int		 run_retry(struct app *, const size_t *tags, size_t n);
/* Write the JSON report to path (NULL: the run's report path). */
int		 run_write_report(struct run *, const char *path, struct tm_err *);

#endif
