/*
 * The mirrors model: the set the TUI holds.  Each mirror is a source,
 * destination and tag expression with its own live preview (a preview
 * model listing in the background) and, once run, its own run model;
 * the set's defaults (jobs, platforms, rollback, TLS) beside them.  It
 * loads and saves mirror-set YAML (docs/mirrorset.md).  It never draws
 * and opens no screen.  UI thread only.
 */
#ifndef TM_MODEL_MIRRORS_H
#define TM_MODEL_MIRRORS_H

#include <stddef.h>

#include "err.h"
#include "mirror.h"
#include "model_preview.h"
#include "model_run.h"

struct mirrors;

/* One row, for drawing; strings valid until the next change. */
struct mirrors_row {
	const char	*src, *dst, *tags;
	int		 marked;
	enum preview_state pv_state;
	size_t		 matched;	/* tags the expression picks now */
	size_t		 listed;	/* tag names the source has so far */
	char		 warning[512];	/* "" when none */
	const struct run *run;		/* NULL until it ran */
};

/*
 * An empty set over base (the command line's options: credentials,
 * state directory, retries; kept by pointer, it must outlive the set).
 * NULL when out of memory.
 */
struct mirrors	*mirrors_new(const struct mirror_opts *base);
/* Every run still undecided is kept (the default), then all is freed. */
void		 mirrors_free(struct mirrors *);
size_t		 mirrors_count(const struct mirrors *);
void		 mirrors_row(const struct mirrors *, size_t i,
		    struct mirrors_row *);
/* Append a mirror (strings copied) and start its listing: 0 or -1. */
int		 mirrors_add(struct mirrors *, const char *src, const char *dst,
		    const char *tags);
/* Change row i; its listing starts again when the source changed. */
int		 mirrors_set(struct mirrors *, size_t i, const char *src,
		    const char *dst, const char *tags);
/* Remove row i (its run, if any, must not be busy): 0, or -1 when busy. */
int		 mirrors_remove(struct mirrors *, size_t i);
/* Swap row i with its neighbour (dir -1 up, +1 down): 1 moved, else 0. */
int		 mirrors_move(struct mirrors *, size_t i, int dir);
void		 mirrors_mark(struct mirrors *, size_t i, int on);
size_t		 mirrors_marked(const struct mirrors *);

/*
 * Run the marked mirrors (none marked: all) whose run is not busy, each
 * with its own engine and its own report (reports/set-TIME-mirrorN.json
 * in the state directory); a previous undecided run of one is kept first.
 * The number started, or -1 with err (a row that cannot run: named; the
 * ones started before it go on).
 */
int		 mirrors_start(struct mirrors *, struct tm_err *);
/* Row i's run, NULL before it ran (owned by the set). */
struct run	*mirrors_run(struct mirrors *, size_t i);
/* Ask every busy run to stop (NULL: nothing). */
void		 mirrors_cancel(struct mirrors *);
/* 1 while a run of the set waits for keep or roll back; 0 for NULL. */
int		 mirrors_undecided(const struct mirrors *);

/* The loop's calls: drain previews and runs (skip: a run the app drains
 * itself, or NULL), sample speeds; dirty bits.  busy: 1 while a listing
 * or a run works. */
int		 mirrors_events(struct mirrors *, const struct run *skip);
int		 mirrors_tick(struct mirrors *, const struct run *skip);
int		 mirrors_busy(const struct mirrors *);
/* 1 while a run of the set works (copy, retry, rollback); 0 for NULL. */
int		 mirrors_running(const struct mirrors *);

/*
 * Replace the set with the mirror-set file at path (tagmirror's schema):
 * its defaults, its mirrors (namespaces with a list become one row per
 * repository; a namespace read from a catalog is counted in *skipped).
 * Refused (-1, err) while a run is busy or when the file is bad.
 */
int		 mirrors_load(struct mirrors *, const char *path,
		    size_t *skipped, struct tm_err *);
/* Write the set as mirror-set YAML (0600, no secrets): 0 or -1 with err. */
int		 mirrors_save(const struct mirrors *, const char *path,
		    struct tm_err *);

#endif
