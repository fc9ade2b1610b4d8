/*
 * The mirror engine: plan, copy with a worker pool, journal, report,
 * rollback.  Best effort by default: whatever copied stays, failures are
 * named with their exact reason, rollback only when asked.
 *
 * Threads: mirror_start() returns at once; a coordinator thread lists both
 * sides and matches, then runs opts.jobs workers (64 when 0), each of
 * which examines a tag (HEADs, or a GET when the destination lacks it) and
 * copies it at once, as many tags at a time as the adaptive window allows
 * (window.h: 8 to start, up to opts.jobs); a dry run examines every tag and
 * copies none.  Progress
 * goes to the evq as struct mirror_event.  Every accessor may be called
 * from any thread at any time and returns a consistent copy.
 *
 * A mirror set: a struct mirror per repository, each with opts.share set
 * to one struct mirror_share (mirror_share.h, included here), run at the
 * same time on one fair pool of the share's jobs workers, with one set
 * journal that rolls back every repository and cross-repository mounts
 * of the blobs they share.  opts.share NULL: a run on its own, as ever.
 */
#ifndef TM_MIRROR_H
#define TM_MIRROR_H

#include "mirror_share.h"
#include "mirror_types.h"

struct evq;
struct mirror;

/* q may be NULL (no events); it must carry struct mirror_event. */
struct mirror	*mirror_new(const struct mirror_opts *, struct evq *q,
		    struct tm_err *);
void		 mirror_free(struct mirror *);

/*
 * A run that is no dry run (and mirror_retry_start, mirror_rollback_start)
 * takes the destination's lock first: when another process holds it, -1
 * at once, err TM_CAT_USAGE naming the holder (pid, start, journal).
 */
int		 mirror_start(struct mirror *, struct tm_err *);
void		 mirror_cancel(struct mirror *);
/* Join; returns the final status (rollback included when opts.rollback). */
enum mirror_status mirror_wait(struct mirror *);
/* Roll back after a finished run (the decide prompt).  Async like start. */
int		 mirror_rollback_start(struct mirror *, struct tm_err *);
/* Re-run just these tags (or every failed one when n == 0).  Async. */
int		 mirror_retry_start(struct mirror *, const size_t *tags, size_t n,
		    struct tm_err *);

/*
 * Current status; after the run, the final one (ROLLED_BACK once a
 * rollback restored the destination).  mirror_copy_status is the status of
 * the copy itself (SUCCESS, PARTIAL, FAIL, CANCELLED) even after a
 * rollback.
 */
enum mirror_status mirror_status(const struct mirror *);
enum mirror_status mirror_copy_status(const struct mirror *);
void		 mirror_rollback_info(const struct mirror *,
		    struct mirror_rollback_info *);
size_t		 mirror_tag_count(const struct mirror *);
int		 mirror_tag_info(const struct mirror *, size_t i,
		    struct mirror_tag_info *);
void		 mirror_totals(const struct mirror *, struct mirror_totals *);
/* The run's failure, when the whole run failed (listing, auth, ...). */
void		 mirror_run_error(const struct mirror *, struct tm_err *);
const char	*mirror_journal_path(const struct mirror *);
/*
 * "" or, after a start that took over a stale lock of the destination
 * (its holder died), a line saying whose.  The caller's thread.
 */
const char	*mirror_lock_note(const struct mirror *);
/* 1 while a task (run, retry, rollback) is going; its events are all
 * queued once this says 0.  Any thread. */
int		 mirror_busy(const struct mirror *);
/* The whole run, consistent, in one lock.  0, or -1 out of memory. */
int		 mirror_snapshot(const struct mirror *, struct mirror_snapshot *,
		    struct tm_err *);
void		 mirror_snapshot_free(struct mirror_snapshot *);
/* The match's warnings (docs/report.md): *out gets the mirror's own
 * strings, valid while it lives; the count.  Empty until planned. */
size_t		 mirror_warnings(const struct mirror *, const char *const **out);
/* The JSON report of a snapshot (schema in docs/report.md), malloc'd;
 * NULL when out of memory. */
char		*mirror_report_text(const struct mirror_snapshot *);
/* An error as the report's error object, on one line, malloc'd (the
 * --json lines carry the same object); "null" for none, NULL when out of
 * memory. */
char		*mirror_err_json(const struct tm_err *);
/* The report of the run now, written aside and renamed.  0 or -1. */
int		 mirror_write_report(const struct mirror *, const char *path,
		    struct tm_err *);

/*
 * Roll back the run recorded in journal (after a crash, kill -9, or from
 * `tagmirror rollback`).  dst_reg carries destination credentials/TLS.
 * q (may be NULL) gets a MEV_ROLLBACK_TAG per tag (tag: journal order),
 * then one MEV_ROLLBACK_DONE: status ROLLED_BACK (conflicts aside) or
 * FAIL, err.  Blocking.  Returns 0 when the destination is as before the
 * run, -1 on error or conflicts (err says which tags).  It locks the
 * destination in the "locks" folder beside the journal first: held by
 * another process, -1 at once, err TM_CAT_USAGE naming it.  After 0, a
 * non-empty err.msg (category none) says a stale lock was taken over.
 */
int		 mirror_rollback_journal(const char *journal,
		    const struct reg_opts *dst_reg, struct evq *q,
		    struct tm_err *);
/*
 * The same on a thread of the engine's own: returns at once (NULL with
 * err when it cannot start); the events say how it goes.  dst_reg is
 * copied, the strings it points to must live until the join.  Join once
 * (after MEV_ROLLBACK_DONE it does not wait): it frees the rollback and
 * returns what mirror_rollback_journal would have.  Caller's thread.
 */
struct mirror_rollback;
struct mirror_rollback *mirror_rollback_journal_start(const char *journal,
		    const struct reg_opts *dst_reg, struct evq *q,
		    struct tm_err *);
int		 mirror_rollback_journal_join(struct mirror_rollback *,
		    struct tm_err *);
/*
 * Newest unfinished journal in state_dir (NULL: default) into buf.
 * 1 found, 0 none, -1 error.  mirror_find_last: the newest journal,
 * finished or not, whose run changed something (`tagmirror rollback
 * --last`): a run that changed nothing is passed over.
 * mirror_describe_journal: "the run of TIME, SRC -> HOST/REPO, N tags
 * changed" into buf; 0, or -1 unreadable.
 */
int		 mirror_find_interrupted(const char *state_dir, char *buf, size_t n);
int		 mirror_find_last(const char *state_dir, char *buf, size_t n);
int		 mirror_describe_journal(const char *path, char *buf, size_t n);

/*
 * Read an earlier report (--only-failed): its failed tags (malloc'd array
 * of malloc'd names, free with mirror_report_tags_free) and, when wanted,
 * its source, destination and expression (malloc'd, may be NULL).
 */
struct mirror_report_run {
	char		*source, *destination, *expression;
};
int		 mirror_report_failed(const char *path, char ***tags, size_t *n,
		    struct mirror_report_run *, struct tm_err *);
void		 mirror_report_tags_free(char **tags, size_t n,
		    struct mirror_report_run *);

#endif
