/*
 * The mirror engine's private header: the run object and the calls the
 * engine's files make into each other.  mirror.c (lifecycle, rounds)
 * calls plan.c, tagcopy.c and rollback.c (tagcopy.c calls plan.c,
 * referrers.c, and rollback.c's untag for stale tags); they all call run.c (events, tag
 * states, journal, workers), which calls none of them.  Only files in
 * core/engine/ include this (tests/it/layering.sh checks).
 *
 * Locking: m->lock guards every field of every struct mtag, the status
 * fields and the rollback info.  Workers hold it only to read or update a
 * tag, never across a request.
 */
#ifndef TM_ENGINE_INTERNAL_H
#define TM_ENGINE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "mirror_types.h"

struct blobset;
struct evq;
struct journal;
struct repo_lock;
struct tagexpr;
struct window;

struct mtag {
	struct mirror_tag_info	 i;		/* what accessors copy out */
	int			 planned;	/* both sides known, prev saved */
	int			 journaled;	/* its "before" record is on disk */
	char			 prev_type[128];
	char			*prev_bytes;	/* until journaled */
	size_t			 prev_len;
	/* The source manifest when the plan had to GET it anyway: the copy
	 * takes it instead of fetching it again.  Its worker's alone. */
	struct reg_manifest	 src_mf;
	int64_t			 last_event;	/* ms: progress coalescing */
};

struct worker {
	struct mirror		*m;
	struct reg_conn		*src, *dst;
	size_t			 cur;		/* tag in hand, for callbacks */
	int			 busy;
	int64_t			 moved;		/* source bytes, by its callback */
};

enum mirror_task {
	TASK_RUN,
	TASK_RETRY,
	TASK_ROLLBACK
};

struct mirror {
	struct mirror_opts	 opts;		/* strings owned; reg opts unused after new */
	char			**only;		/* owned copies of opts.only_tags */
	struct evq		*q;
	struct tm_ref		 src, dst;
	char			 src_name[600], dst_name[600];	/* host/repo */
	int			 same_registry;	/* mount from the source repo */
	struct registry		*sreg, *dreg;
	struct registry		*pre_src, *pre_dst;	/* preflight's, quick to give up */
	struct tagexpr		*expr;		/* NULL: every tag (only_tags) */
	struct blobset		*blobs;
	struct window		*win;		/* tags at once: window.h */
	/*
	 * The destination's tags, sorted by strcmp, during plan_run only:
	 * a tag it lacks needs no HEAD.  dst_empty: it had none at all, so
	 * blobs and child manifests go up without asking first.
	 */
	char			**dst_tags;
	size_t			 ndst_tags;
	int			 dst_listed;
	int			 dst_empty;
	/* The source's sha256-* tags from the same listing, sorted (for
	 * referrers.c); the referrers API answered the source with a 404. */
	char			**src_refs;
	size_t			 nsrc_refs;
	int			 src_refs_listed;
	/* One of them is not in the destination's listing (referrers_late
	 * asks per up-to-date tag; known once, when both are listed). */
	int			 src_refs_new;
	atomic_int		 src_no_referrers_api;
	struct worker		*w;
	size_t			 nw;
	struct lane		*lanes;		/* lane.c: made on first use */

	pthread_t		 thread;
	int			 thread_live;
	int			 busy;		/* the coordinator's task is running */
	enum mirror_task	 task;
	size_t			*task_tags;
	size_t			 task_n;

	atomic_int		 cancel;
	/*
	 * halt: take no new tag (a cancel, or the breaker).  The breaker
	 * trips after BREAKER_LIMIT different tags in a row failed with a
	 * refusal of the whole registry (refusals[side], the last of them
	 * refused_tag[side]: one tag's retry rounds count once); breaker is
	 * the cause, which becomes run_err when the copy is over.
	 */
	atomic_int		 halt;
	int			 refusals[2];
	size_t			 refused_tag[2];
	struct tm_err		 breaker;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;		/* cancellable sleeps, rate gate */

	enum mirror_status	 status, copy_status;
	int			 finished;	/* copy over (status final) */
	struct tm_err		 run_err;
	struct mtag		*tags;
	size_t			 ntags;		/* published count */
	/* The tags' states, categories and bytes summed as mirror_totals
	 * has them: engine_count_tag takes a tag out before any change to
	 * those fields and puts it back after, so totals need no walk. */
	struct mirror_totals	 counts;
	char			**warnings;	/* the match's, set once by the plan */
	size_t			 nwarnings;
	int			 round;		/* 0, then end-of-run rounds */

	pthread_mutex_t		 jlock;		/* journal creation */
	struct journal		*journal;
	char			 journal_path[PATH_MAX];	/* set once */
	atomic_int		 have_journal;	/* journal_path is complete */
	int			 no_tag_delete;
	/* The destination's lock while a task that may change it runs
	 * (launch takes it, the coordinator lets go); the note of a stale
	 * lock taken over by the last launch. */
	struct repo_lock	*rlock;
	char			 lock_note[1024];

	struct mirror_rollback_info rb;

	double			 t0;		/* tm_now() at start; 0 before */
	double			 elapsed;	/* frozen when finished */
	time_t			 started, ended;
	atomic_ulong		 blobs_copied, blobs_mounted, blobs_skipped;
	atomic_llong		 bytes_moved;

	int			 rl_polling, paused;
	double			 rl_wait;
	/* The first source manifest lookup: until it is answered nobody
	 * knows whether the source meters GETs (plan.c src_lookup). */
	enum { PROBE_NONE, PROBE_RUNNING, PROBE_DONE } src_probe;
	size_t			 share_member;	/* opts.share's slot for us */
};

/* run.c.  Under m->lock: push a MEV_TAG (or type) event for tag i. */
void		 engine_emit_tag(struct mirror *, size_t i, enum mirror_event_type);
void		 engine_emit(struct mirror *, const struct mirror_event *);
/* counts.c.  Under m->lock: tag i's share of m->counts taken out (sign
 * -1) before its state, err, action or bytes change, put back (+1) after. */
void		 engine_count_tag(struct mirror *, size_t i, int sign);
/* Lock, set state (err may be NULL), emit MEV_TAG, unlock. */
void		 engine_set_state(struct mirror *, size_t i, enum tag_state,
		    const struct tm_err *);
/* A worker's connection pair, with the engine's callbacks.  0 or -1. */
int		 engine_worker_open(struct mirror *, struct worker *,
		    struct tm_err *);
void		 engine_worker_close(struct worker *);
/* Open worker connections up to n (capped at opts.jobs).  0 or -1. */
int		 engine_workers(struct mirror *, size_t n, struct tm_err *);
/*
 * pool_run over the workers, each item inside the adaptive window
 * (m->win): it waits for a slot, and its end feeds the window the
 * registries' counters.  No new item after m->halt.
 */
void		 engine_pool(struct mirror *, size_t n,
		    void (*fn)(void *ud, size_t worker, size_t item), void *ud);
/*
 * A tag failed: RETRYING when an end-of-run round may still fix it,
 * CANCELLED when a cancel stopped it.  A refusal of the whole registry
 * counts towards the breaker.
 */
void		 engine_tag_failed(struct mirror *, size_t i, const struct tm_err *);
/*
 * 1 when e turns the whole registry away, whatever the tag: nothing to
 * connect to, credentials or rights refused, or pushes not supported.
 */
int		 engine_refusal(const struct tm_err *e);
/*
 * Blob digest is not in the destination repository: 1 when it was
 * mounted there (from the source repository on the same registry, or
 * from another repository of opts.share), 0 copy it.  Then, mounted or
 * not, engine_blob_end says whether it is there now.
 */
int		 engine_blob_mount(struct worker *, const char *digest);
void		 engine_blob_end(struct worker *, const char *digest,
		    int present);
/* Sleep up to secs, waking early on cancel.  0, or -1 when cancelled. */
int		 engine_sleep(struct mirror *, double secs);
/* The journal, created (or reopened) on first use.  NULL with err. */
struct journal	*engine_journal(struct mirror *, struct tm_err *);

/*
 * plan.c: list both sides, match, publish the tags.  Tags to delete are
 * planned here, tags to copy too with plan_copies (a dry run); otherwise
 * copy_tag plans each one as it takes it, so the first blob moves while
 * later tags are still unexamined.  The destination's listing stays in m
 * until plan_forget_listing.
 */
int		 plan_run(struct mirror *, int plan_copies, struct tm_err *);
/* Drop the listing: later rounds must HEAD, the repository may have moved. */
void		 plan_forget_listing(struct mirror *);
/* Plan one tag (also used for tags whose plan failed, in later rounds). */
int		 plan_tag(struct worker *, size_t i);
/*
 * Is tag in side's listing (the source's: sha256-* tags only)?  1 yes,
 * 0 no, -1 not known (no listing, or forgotten after the first round).
 */
int		 plan_listed(const struct mirror *, enum tm_side, const char *tag);
/*
 * Does the source count manifest GETs as pulls (Docker Hub, or a budget
 * announced)?  Then a manifest is worth keeping for the run's aliases.
 */
int		 plan_src_metered(const struct mirror *);
/* Wait while the source's rate-limit budget is nearly spent. */
int		 plan_rate_gate(struct worker *, const char *ref, struct tm_err *);

/* tagcopy.c: examine (when not planned yet) and copy one tag; stale tags. */
void		 copy_tag(struct worker *, size_t i);
void		 copy_delete_stale(struct mirror *);

/*
 * referrers.c, called by copy_tag once tag i's content s is in the
 * destination, before its tag is PUT: the referrers and cosign tags of
 * its digests (the index and its children), to a bounded depth, each
 * journaled.  copy puts one referrer manifest, by digest, with all it
 * references (tagcopy.c's, passed in so referrers.c needs no call back).
 * 0, or -1 with err naming the artefact that failed.
 */
typedef int	 artifact_copy_fn(struct worker *, size_t i,
		    const struct mf_desc *, struct tm_err *);
int		 referrers_copy(struct worker *, size_t i,
		    const struct reg_manifest *s, artifact_copy_fn *copy,
		    struct tm_err *);
/*
 * referrers.c, called by copy_tag for tag i found up to date: the same
 * walk, over the digests (the destination's manifest, one GET) of which
 * the source lists an artefact tag the destination's listing lacks, so
 * that artefacts added upstream since arrive.  No request at all while
 * the two listings agree on the sha256-* tags.  0, or -1 as above.
 */
int		 referrers_late(struct worker *, size_t i,
		    artifact_copy_fn *copy, struct tm_err *);
/*
 * The same walk copying nothing (refcount.c, the preview): how many
 * artefacts a run would bring with s (a GET, or an image's HEAD), into
 * *count.  It reads only w->src, m->src.repo, m->opts.referrer_types,
 * the source's sha256-* listing and m->src_no_referrers_api.  0 or -1.
 */
int		 referrers_count(struct worker *, const struct reg_manifest *s,
		    int *count, struct tm_err *);

/*
 * preflight.c: the preflight's registries (mirror_new), then before a
 * run plans: both sides reachable, authorised, the source readable and
 * the destination open to pushes.  0, or -1 with err naming the side.
 */
int		 preflight_init(struct mirror *, const struct mirror_opts *,
		    struct tm_err *);
int		 preflight_run(struct mirror *, struct tm_err *);

/*
 * rollback.c.  Undo this run's changes from its journal (coordinator thread), tags
 * marked as it goes, then MEV_ROLLBACK_DONE; rollback_complete: a
 * rollback ran and left the destination as before.
 */
void		 rollback_mirror(struct mirror *);
int		 rollback_complete(const struct mirror *);

#endif
