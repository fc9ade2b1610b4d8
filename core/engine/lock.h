/*
 * One writer per destination repository: a lock file beside the journals
 * (DIR/locks/HOST_REPO.lock, flock'd while a run or a rollback changes
 * the repository) naming its holder: repository, pid, start time, the
 * command and, once there is one, the journal.  A lock file whose flock is
 * free was left by a process that died: it is taken over, with a note.
 * Only processes that share the state directory see each other's locks
 * (docs/concurrency.md).
 */
#ifndef TM_LOCK_H
#define TM_LOCK_H

#include <stddef.h>

#include "err.h"

struct repo_lock;

/*
 * Take the lock of host/repo in dir's "locks" folder for what ("run",
 * "rollback").  NULL with err when another process holds it (TM_CAT_USAGE,
 * side local, the message names the holder) or the file cannot be made.
 * note gets a line when a stale lock was taken over, else "".
 */
struct repo_lock *repo_lock_take(const char *dir, const char *host,
		    const char *repo, const char *what, char *note, size_t n,
		    struct tm_err *);
/* Name the holder's journal in the lock file (best effort). */
void		 repo_lock_journal(struct repo_lock *, const char *journal);
/* Remove the file and let go.  NULL is fine. */
void		 repo_lock_release(struct repo_lock *);

#endif
