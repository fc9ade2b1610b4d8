/*
 * The share of a mirror set, part of the engine's public API (mirror.h
 * includes it).
 *
 * Many repositories, one run (a mirror set): a struct mirror per
 * repository, all with opts.share set to one struct mirror_share, run at
 * the same time.  The share has
 *   - one pool of jobs copy slots over all its mirrors (each mirror's own
 *     opts.jobs and state_dir give way to the share's): a worker takes a
 *     slot per tag, and free slots go round-robin to the mirrors with a
 *     tag waiting, so a huge repository takes one slot in turn like the
 *     others and cannot starve them (the plan's listings and HEADs are
 *     each mirror's own);
 *   - one set journal (journal.h) naming every mirror's journal, each
 *     entry durable before that mirror changes anything:
 *     mirror_rollback_journal() of it rolls back every repository, and
 *     mirror_find_last/mirror_find_interrupted find it, never a member;
 *   - the blobs the run knows are in a destination repository: another
 *     repository of the run on the same registry mounts them
 *     (?mount=DIGEST&from=REPO) instead of copying, and waits for a copy
 *     under way to the other repository rather than copying it twice.
 * A mirror joins at mirror_new and leaves at mirror_free; free the share
 * after every member.  mirror_share_end records the set's status.  Any
 * thread.
 */
#ifndef TM_MIRROR_SHARE_H
#define TM_MIRROR_SHARE_H

#include "mirror_types.h"

struct mirror_share;
struct mirror_share *mirror_share_new(unsigned jobs, const char *state_dir,
		    struct tm_err *);
void		 mirror_share_free(struct mirror_share *);
/* The set journal's path, NULL until a member journaled. */
const char	*mirror_share_journal(const struct mirror_share *);
/* The set run is over: its status ends the set journal.  0 or -1. */
int		 mirror_share_end(struct mirror_share *, enum mirror_status,
		    struct tm_err *);

#endif
