/*
 * What the mirrors of one set share (mirror_share.h's struct mirror_share): a
 * fair pool of copy slots, the set journal, and the blobs the run knows
 * are in a destination repository, for cross-repository mounts.  The
 * engine's files only; any thread.
 */
#ifndef TM_SHARE_H
#define TM_SHARE_H

#include <stdatomic.h>
#include <stddef.h>

#include "err.h"

struct journal;
struct mirror_share;

/* A mirror joins (its slot in *member) and leaves; 0, or -1 out of memory. */
int	share_join(struct mirror_share *, size_t *member);
void	share_leave(struct mirror_share *, size_t member);
/* Tags copied at once over every member; the set's state directory. */
unsigned	 share_jobs(const struct mirror_share *);
const char	*share_state_dir(const struct mirror_share *);

/*
 * Take a copy slot for member: slots go round-robin to the members that
 * wait, so a member with many tags waiting gets one slot in turn like
 * the others.  -1 when *halt is set first (no slot taken).
 */
int	share_acquire(struct mirror_share *, size_t member,
	    const atomic_int *halt);
void	share_release(struct mirror_share *, size_t member);

/*
 * A member's new journal at path joins the set journal (created on first
 * use) with a record made durable before the member changes anything;
 * set gets the set journal's path.
 */
int	share_journal_member(struct mirror_share *, const char *path,
	    const char *host, const char *repo, char *set, size_t n,
	    struct tm_err *);

/*
 * Blob digest is wanted in host/repo.  1 with from (another repository
 * of the run on host that has it: mount it from there), or 0: copy it,
 * then say how it went with share_blob_end (others wanting it wait
 * meanwhile, until *cancel).
 */
int	share_blob_begin(struct mirror_share *, const char *host,
	    const char *repo, const char *digest, const atomic_int *cancel,
	    char *from, size_t n);
/* Digest is (present 1) or is not in host/repo now. */
void	share_blob_end(struct mirror_share *, const char *host,
	    const char *repo, const char *digest, int present);

#endif
