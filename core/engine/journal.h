/*
 * The run journal: what a run may change in the destination and what it
 * did change, durable enough to undo the run after kill -9.
 *
 * One line-oriented text file per run, mode 0600, in a 0700 directory
 * ($XDG_STATE_HOME/tagmirror or ~/.local/state/tagmirror).  Records, one per
 * line, fields separated by one space (no field can hold a space):
 *
 *   tagmirror-journal 1
 *   run TIME PID
 *   source REF
 *   dest HOST REPO
 *   before TAG DIGEST|- MEDIATYPE|- BASE64|-   previous state of a tag
 *   ready                                       all "before" records are on disk
 *   intent TAG DIGEST        fsync'd before the tag is PUT at DIGEST
 *   done TAG DIGEST          the PUT answered 2xx
 *   unset TAG DIGEST         fsync'd before a stale tag (at DIGEST) is removed
 *   survivor TAG DIGEST MEDIATYPE BASE64   written by versions before the
 *                            throwaway re-point, before a delete by digest that
 *                            took TAG along; still read, so rollback re-PUTs it
 *   artifact DIGEST          fsync'd before a referrer (signature, SBOM...)
 *                            the destination lacked is PUT by digest;
 *                            rollback deletes it again
 *   rollback                 a rollback starts
 *   restored TAG DIGEST|-    a tag was put back (- : removed again)
 *   conflict TAG DIGEST|-    a tag someone else moved, left alone
 *   end STATUS               the run (or the rollback) finished
 *   set NAME                 (after dest) this run is a mirror of the set
 *                            run whose journal is NAME, in the same folder
 *
 * A journal is finished when its last record is "end".  A torn last line
 * (a crash mid-write) is ignored by the reader and cut off by
 * journal_reopen().  Writers are thread-safe; the reader is pure.
 *
 * A set run (mirror.h's struct mirror_share) has a set journal besides
 * its mirrors' journals, all in one folder:
 *
 *   tagmirror-set-journal 1
 *   run TIME PID
 *   member NAME HOST REPO    fsync'd before that mirror changes anything:
 *                            NAME its journal, in the same folder
 *   rollback, end STATUS     as above
 *
 * A member journal is found through its set journal only (journal_find
 * passes it over), so the set rolls back as one unit.
 */
#ifndef TM_JOURNAL_H
#define TM_JOURNAL_H

#include <stddef.h>

#include "err.h"
#include "ref.h"

struct journal;

/*
 * The directory journals live in: dir when not NULL, else
 * $XDG_STATE_HOME/tagmirror, else $HOME/.local/state/tagmirror.
 * 0, or -1 when none can be named (no HOME).
 */
int	journal_dir(const char *dir, char *buf, size_t n, struct tm_err *);

/*
 * Create a new journal in dir (see journal_dir) for a run from source
 * into host/repo, and write its header.  The file name starts with the
 * UTC time so names sort by age.  path receives the file's path.
 */
struct journal	*journal_create(const char *dir, const char *source,
		    const char *host, const char *repo, char *path, size_t n,
		    struct tm_err *);
/* Open an existing journal to append (rollback); cuts a torn last line. */
struct journal	*journal_reopen(const char *path, struct tm_err *);
void		 journal_close(struct journal *);

/*
 * Records.  Every call is one line; the ones that precede a change to the
 * destination (ready, intent, unset, artifact, rollback, end) are fsync'd
 * before they return.  digest NULL or "" is written as "-".  0 or -1 (err
 * TM_CAT_IO names the file).
 */
int	journal_before(struct journal *, const char *tag, const char *digest,
	    const char *media_type, const void *bytes, size_t len,
	    struct tm_err *);
int	journal_ready(struct journal *, struct tm_err *);
int	journal_intent(struct journal *, const char *tag, const char *digest,
	    struct tm_err *);
int	journal_done(struct journal *, const char *tag, const char *digest,
	    struct tm_err *);
int	journal_unset(struct journal *, const char *tag, const char *digest,
	    struct tm_err *);
int	journal_artifact(struct journal *, const char *digest, struct tm_err *);
int	journal_rollback(struct journal *, struct tm_err *);
int	journal_restored(struct journal *, const char *tag, const char *digest,
	    struct tm_err *);
int	journal_conflict(struct journal *, const char *tag, const char *digest,
	    struct tm_err *);
int	journal_end(struct journal *, const char *status, struct tm_err *);

/*
 * Set journals.  journal_set_create: a new one in dir (see journal_dir),
 * its path into path.  journal_set_member: a "member" record for the
 * journal at member_path (its folder must be the set journal's).
 * journal_set_of: the "set" record in a member's journal, naming the set
 * journal at set_path.  Records end with journal_end; closed with
 * journal_close.  0 or -1.
 */
struct journal	*journal_set_create(const char *dir, char *path, size_t n,
		    struct tm_err *);
int	journal_set_member(struct journal *, const char *member_path,
	    const char *host, const char *repo, struct tm_err *);
int	journal_set_of(struct journal *, const char *set_path, struct tm_err *);

struct journal_member {
	char	*path;			/* the member's journal, full path */
	char	 host[256];
	char	 repo[256];
};

struct journal_set {
	char			 started[40];
	struct journal_member	*members;	/* in the order they joined */
	size_t			 n;
	int			 rollbacks;
	int			 finished;
};

/* 1 when path starts as a set journal. */
int	journal_is_set(const char *path);
/* Read a set journal; TM_CAT_PROTOCOL with the line when malformed. */
int	journal_set_read(const char *path, struct journal_set *,
	    struct tm_err *);
void	journal_set_free(struct journal_set *);

/* A tag as the journal knows it. */
struct journal_tag {
	char	 name[TM_TAG_MAX + 1];
	int	 had;			/* it existed before the run */
	char	 prev_digest[TM_DIGEST_MAX + 1];	/* "" when it did not */
	char	 prev_type[128];
	char	*prev_bytes;		/* exact manifest bytes, NULL when !had */
	size_t	 prev_len;
	int	 changed;		/* an intent or unset was recorded */
	int	 unset;			/* the change was a removal */
	char	 new_digest[TM_DIGEST_MAX + 1];	/* last intent's digest */
	int	 done;			/* the last change was confirmed */
};

struct journal_survivor {
	char	 name[TM_TAG_MAX + 1];
	char	 digest[TM_DIGEST_MAX + 1];
	char	 type[128];
	char	*bytes;
	size_t	 len;
};

struct journal_data {
	char			 source[512];
	char			 host[256];
	char			 repo[256];
	char			 started[40];
	int			 ready;
	struct journal_tag	*tags;		/* in "before" order */
	size_t			 ntags;
	struct journal_survivor	*surv;
	size_t			 nsurv;
	int			 rollbacks;	/* "rollback" records seen */
	int			 finished;	/* last record is "end" */
	char			 status[32];	/* last "end" status, "" none */
	/* Referrers this run added by digest ("artifact"), each once. */
	char			(*artifacts)[TM_DIGEST_MAX + 1];
	size_t			 nartifacts;
	char			 set[256];	/* its set journal's name, "" none */
};

/*
 * Read and check a whole journal.  Malformed records (bad tag, digest,
 * base64, an intent for a tag with no "before") are TM_CAT_PROTOCOL with
 * the line number.  Free with journal_data_free.
 */
int	journal_read(const char *path, struct journal_data *, struct tm_err *);
void	journal_data_free(struct journal_data *);

/*
 * Newest journal in dir (NULL: default) into buf; with unfinished set,
 * the newest whose last record is not "end", else the newest whose run
 * changed something (an intent or unset recorded; unreadable journals
 * are passed over).  1 found, 0 none, -1 error.
 */
int	journal_find(const char *dir, int unfinished, char *buf, size_t n,
	    struct tm_err *);

/* One line for people: when, source -> destination, tags changed.  0/-1. */
int	journal_describe(const char *path, char *buf, size_t n);

#endif
