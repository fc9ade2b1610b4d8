/*
 * The engine's plain data: run statuses, tag states and their words,
 * options, events, per-tag info, totals and rollback outcomes.  Shared
 * by the public API (mirror.h) and the engine's private header
 * (internal.h), so neither needs the other.
 */
#ifndef TM_ENGINE_TYPES_H
#define TM_ENGINE_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "ref.h"
#include "registry.h"

#define MIRROR_STATUSES(_) \
	_(PLANNING, "PLANNING") \
	_(RUNNING, "RUNNING") \
	_(SUCCESS, "SUCCESS") \
	_(PARTIAL, "PARTIAL_MIRROR") \
	_(FAIL, "FAIL") \
	_(CANCELLED, "CANCELLED") \
	_(ROLLED_BACK, "ROLLED_BACK") \
	_(NOTHING_SELECTED, "NOTHING_SELECTED")

enum mirror_status {
#define MIRROR_STATUS_ENUM(name, str) MIRROR_##name,
	MIRROR_STATUSES(MIRROR_STATUS_ENUM)
#undef MIRROR_STATUS_ENUM
};

/*
 * Each state's words: the report's (docs/report.md), the CLI result
 * lines', and the one people read in the TUI.
 */
#define TAG_STATES(_) \
	_(QUEUED, "not_started", "queued", "queued") \
	_(COPYING, "not_finished", "copying", "copying") \
	_(PUSHING, "not_finished", "pushing", "pushing manifest") \
	_(RETRYING, "not_finished", "retrying", "retrying") \
	_(DONE, "copied", "copied", "done") \
	_(UPTODATE, "up_to_date", "up-to-date", "up to date") \
	_(FAILED, "failed", "FAILED", "failed") \
	_(CANCELLED, "cancelled", "cancelled", "cancelled") \
	_(SKIPPED, "skipped", "skipped", "not attempted") \
	_(STALE_DELETED, "deleted", "deleted", "deleted (stale)") \
	_(ROLLED_BACK, "rolled_back", "rolled-back", "rolled back") \
	_(CONFLICT, "conflict", "CONFLICT", "conflict")

enum tag_state {
#define TAG_STATE_ENUM(name, report, cli, label) TAG_##name,
	TAG_STATES(TAG_STATE_ENUM)
#undef TAG_STATE_ENUM
};

/*
 * What the plan does with a tag.  A matched tag is copied unless the
 * plan finds it up to date (state TAG_UPTODATE); a stale one (only with
 * delete_stale: in the destination, matched, gone upstream) is removed.
 * A dry run leaves tags to copy or delete in TAG_QUEUED.  A cancel
 * leaves the tags it stopped CANCELLED (never FAILED); a registry that
 * refuses every request leaves the tags not tried yet SKIPPED.
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
	int			 jobs;		/* most tags at once; 0 adapts, 8 to 64 */
	int			 rollback;	/* roll back when any tag fails */
	int			 delete_stale;
	int			 dry_run;	/* plan only */
	int			 retries;	/* end-of-run rounds for failed tags; -1 means 2 */
	const char		*platforms;	/* NULL: whole indexes unchanged */
	const char *const	*only_tags;	/* restrict to these (retry failed) */
	size_t			 n_only;
	const char		*state_dir;	/* NULL: $XDG_STATE_HOME/tagmirror */
	/*
	 * Additions.  Referrers (signatures, SBOMs, attestations) travel with
	 * every copied digest unless no_referrers; referrer_types, when not
	 * NULL, keeps only those artifactTypes (comma-separated; the words
	 * signature, attestation and sbom also pick cosign's .sig, .att and
	 * .sbom tags).
	 */
	int			 no_referrers;
	const char		*referrer_types;
	/* NULL: the run's own pool.  Else a set's (mirror.h), which then
	 * sets jobs and state_dir; it must outlive the mirror. */
	struct mirror_share	*share;
};

/* Defaults: jobs 0 (adaptive), retries 2, rollback from REPO_MIRROR_ROLLBACK. */
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
	size_t			count;		/* MEV_ROLLBACK_TAG: 1 when the
					 * tag was already as before */
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
	/* Referrers and cosign tags copied with the tag's digests (those the
	 * destination had already count too). */
	int			referrers;
	/* Its last attempt's blobs by how they got there (streamed, mounted
	 * from another repository, already present: in the destination, or
	 * through a tag earlier in the run), and that attempt's time in
	 * seconds (0 until one ends).  An alias of a tag copied earlier in
	 * the run visits no blob: 0, 0, 0. */
	int			blobs_copied, blobs_mounted, blobs_skipped;
	double			seconds;
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
	/* Failed and conflicting tags by their error's category. */
	size_t			failed_by_cat[TM_CAT_COUNT];
	/* Tags a cancel stopped, and tags never attempted because a
	 * registry refused every request (run_err says which). */
	size_t			cancelled, skipped;
	/* Of bytes_total, the bytes of the tags' blobs in place (streamed,
	 * mounted or already there): what a progress bar fills with, where
	 * bytes_done counts only what was streamed. */
	int64_t			bytes_placed;
	/* The adaptive window (tags at once): now, its smallest and largest
	 * so far, and how often a 429, 5xx or latency rise halved it. */
	unsigned		window, window_low, window_high, window_cuts;
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
	/* Additions: referrers the run had added, deleted again by digest. */
	size_t			artifacts;
};

/*
 * The whole run at one instant, copied under the engine's lock: what the
 * report is built from.  The strings belong to the mirror (valid while it
 * lives); tags is malloc'd (mirror_snapshot_free).
 */
struct mirror_snapshot {
	const char		*source, *destination;	/* host/repo */
	const char		*expression, *platforms;	/* NULL when none */
	const char		*journal;		/* NULL when none */
	int			 dry_run, rollback_requested, delete_stale;
	time_t			 started, ended;	/* 0 when not yet */
	enum mirror_status	 status;		/* final (ROLLED_BACK ...) */
	enum mirror_status	 copy_status;		/* of the copy itself */
	int			 rolled_back;	/* the destination is as before */
	struct mirror_totals	 totals;
	struct mirror_rollback_info rollback;
	struct tm_err		 run_err;
	struct mirror_tag_info	*tags;
	size_t			 ntags;
	/* What matched nothing, as tagmirror preview words it (the mirror's
	 * strings, set once the tags are listed). */
	const char *const	*warnings;
	size_t			 nwarnings;
};

/* The status's name: "SUCCESS", "PARTIAL_MIRROR" ... */
const char	*mirror_status_name(enum mirror_status);
/*
 * How bad a status is, for a set whose status is its worst mirror's:
 * 0 SUCCESS, 1 ROLLED_BACK, 2 PARTIAL_MIRROR, 3 FAIL (and any other),
 * 4 CANCELLED.
 */
int		 mirror_status_severity(enum mirror_status);
/* A tag state's word in the report ("up_to_date"), on the CLI's result
 * lines ("up-to-date") and for people ("up to date").  Static strings. */
const char	*tag_state_name(enum tag_state);
const char	*tag_state_cli_word(enum tag_state);
const char	*tag_state_label(enum tag_state);

#endif
