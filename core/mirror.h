/*
 * The mirror engine: plan, copy with a worker pool, journal, report,
 * rollback.  Best effort by default: whatever copied stays, failures are
 * named with their exact reason, rollback only when asked.
 *
 * Threads: mirror_start() returns at once; a coordinator thread lists both
 * sides and matches, then runs opts.jobs workers, each of which examines a
 * tag (HEADs, or a GET when the destination lacks it) and copies it at
 * once; a dry run examines every tag and copies none.  Progress
 * goes to the evq as struct mirror_event.  Every accessor may be called
 * from any thread at any time and returns a consistent copy.
 */
#ifndef TM_MIRROR_H
#define TM_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ref.h"
#include "registry.h"

struct evq;
struct mirror;

#define MIRROR_STATUSES(_) \
	_(PLANNING, "PLANNING") \
	_(RUNNING, "RUNNING") \
	_(SUCCESS, "SUCCESS") \
	_(PARTIAL, "PARTIAL_MIRROR") \
	_(FAIL, "FAIL") \
	_(CANCELLED, "CANCELLED") \
	_(ROLLED_BACK, "ROLLED_BACK")

enum mirror_status {
#define MIRROR_STATUS_ENUM(name, str) MIRROR_##name,
	MIRROR_STATUSES(MIRROR_STATUS_ENUM)
#undef MIRROR_STATUS_ENUM
};

#define TAG_STATES(_) \
	_(QUEUED, "queued") \
	_(COPYING, "copying") \
	_(PUSHING, "pushing manifest") \
	_(RETRYING, "retrying") \
	_(DONE, "done") \
	_(UPTODATE, "up to date") \
	_(FAILED, "failed") \
	_(STALE_DELETED, "deleted (stale)") \
	_(ROLLED_BACK, "rolled back") \
	_(CONFLICT, "conflict")

enum tag_state {
#define TAG_STATE_ENUM(name, str) TAG_##name,
	TAG_STATES(TAG_STATE_ENUM)
#undef TAG_STATE_ENUM
};

/*
 * What the plan does with a tag.  A matched tag is copied unless the
 * plan finds it up to date (state TAG_UPTODATE); a stale one (only with
 * delete_stale: in the destination, matched, gone upstream) is removed.
 * A dry run leaves tags to copy or delete in TAG_QUEUED.
 */
enum tag_action {
	TAG_ACT_COPY,
	TAG_ACT_DELETE
};

struct mirror_opts {
	const char		*src;		/* reference as typed */
	const char		*dst;
	const char		*expr;		/* tag expression */
	struct reg_opts		 src_reg;
	struct reg_opts		 dst_reg;
	int			 jobs;		/* workers; 0 means 8 */
	int			 rollback;	/* roll back when any tag fails */
	int			 delete_stale;
	int			 dry_run;	/* plan only */
	int			 retries;	/* end-of-run rounds for failed tags; -1 means 2 */
	const char		*platforms;	/* NULL: whole indexes unchanged */
	const char *const	*only_tags;	/* restrict to these (retry failed) */
	size_t			 n_only;
	const char		*state_dir;	/* NULL: $XDG_STATE_HOME/tagmirror */
};

/* Defaults: jobs 8, retries 2, rollback from REPO_MIRROR_ROLLBACK. */
void		 mirror_opts_init(struct mirror_opts *);

enum mirror_event_type {
	MEV_PLANNED,		/* tag list known: count = tags */
	MEV_TAG,		/* a tag changed state */
	MEV_PROGRESS,		/* bytes moved (coalesced, <= 10 Hz per tag) */
	MEV_PAUSED,		/* rate limit pause: wait = seconds, 0 = resumed;
				 * count = pulls left */
	MEV_FINISHED,		/* copy over: status (SUCCESS, PARTIAL, FAIL,
				 * CANCELLED); with opts.rollback the rollback
				 * events follow, then the thread ends */
	MEV_ROLLBACK_TAG,	/* one tag: state ROLLED_BACK, CONFLICT or
				 * FAILED (err); name, digest it now has */
	MEV_ROLLBACK_DONE	/* rollback over: status (ROLLED_BACK, or the
				 * copy status when it could not finish), err */
};

struct mirror_event {
	enum mirror_event_type	type;
	size_t			tag;		/* index for MEV_TAG/PROGRESS/ROLLBACK_TAG
					 * (journal order from
					 * mirror_rollback_journal) */
	size_t			count;
	enum tag_state		state;
	enum mirror_status	status;
	int			blobs_done, blobs_total;
	int64_t			bytes_done, bytes_total;
	double			wait;
	struct tm_err		err;
	/* Additions: the tag's name (MEV_TAG, MEV_ROLLBACK_TAG) and the
	 * digest it now has in the destination ("" when absent or unknown). */
	char			name[TM_TAG_MAX + 1];
	char			digest[TM_DIGEST_MAX + 1];
};

struct mirror_tag_info {
	char			name[TM_TAG_MAX + 1];
	enum tag_state		state;
	char			src_digest[TM_DIGEST_MAX + 1];
	char			prev_digest[TM_DIGEST_MAX + 1];	/* "" when new */
	int			blobs_done, blobs_total;
	int64_t			bytes_done, bytes_total;
	int			attempts;
	double			retry_in;	/* seconds, while RETRYING */
	struct tm_err		err;		/* when FAILED/CONFLICT */
	/* Additions. */
	enum tag_action		action;
	/* What the destination tag gets: src_digest, or the filtered index's
	 * digest with opts.platforms.  "" until planned. */
	char			dst_digest[TM_DIGEST_MAX + 1];
};

struct mirror_totals {
	size_t			tags, done, uptodate, failed, queued, active, stale;
	int64_t			bytes_done, bytes_total;
	unsigned long		blobs_copied, blobs_mounted, blobs_skipped;
	double			elapsed;
	/* Additions: stale tags removed, rollback conflicts, tags a rollback
	 * put back, and 1 while the run waits for the source's rate limit. */
	size_t			deleted, conflicts, rolled_back;
	int			paused;
	unsigned long		requests_src, requests_dst;	/* HTTP requests sent */
};

/* The outcome of a rollback (automatic, decided, or from a journal). */
struct mirror_rollback_info {
	int			attempted;	/* a rollback ran (or is running) */
	int			finished;
	size_t			restored;	/* tags put back (or removed again) */
	size_t			unchanged;	/* already as before */
	size_t			conflicts;	/* moved by someone else: left alone */
	size_t			failed;		/* could not be restored */
	size_t			mismatches;	/* read back differs from before */
	size_t			survivors;	/* other tags re-tagged after a delete by digest */
	struct tm_err		err;		/* first failure, or the conflict summary */
};

/* q may be NULL (no events); it must carry struct mirror_event. */
struct mirror	*mirror_new(const struct mirror_opts *, struct evq *q,
		    struct tm_err *);
void		 mirror_free(struct mirror *);

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
/* JSON report (schema in docs/report.md).  0 or -1. */
int		 mirror_write_report(const struct mirror *, const char *path,
		    struct tm_err *);

const char	*mirror_status_name(enum mirror_status);
const char	*tag_state_name(enum tag_state);

/*
 * Roll back the run recorded in journal (after a crash, kill -9, or from
 * `tagmirror rollback`).  dst_reg carries destination credentials/TLS.
 * Blocking.  Returns 0 when the destination is as before the run, -1 on
 * error or conflicts (err says which tags).
 */
int		 mirror_rollback_journal(const char *journal,
		    const struct reg_opts *dst_reg, struct evq *q,
		    struct tm_err *);
/*
 * Newest unfinished journal in state_dir (NULL: default) into buf.
 * 1 found, 0 none, -1 error.  mirror_find_last: the newest journal,
 * finished or not (`tagmirror rollback --last`).
 */
int		 mirror_find_interrupted(const char *state_dir, char *buf, size_t n);
int		 mirror_find_last(const char *state_dir, char *buf, size_t n);

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
