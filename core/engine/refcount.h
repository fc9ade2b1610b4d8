/*
 * Referrer counts for a preview: for each of some tags of a source, how
 * many referrers and cosign artefacts a run would bring along, found by
 * the run's own walk (referrers.c) without copying.  The tag names the
 * listing already holds say which sha256-* tags exist, so each tag costs
 * a HEAD (a GET for an index, whose children count too), plus one
 * referrers API GET per digest while the source answers it (its first
 * 404 turns the API off for the count), plus a GET per artefact found;
 * once the API is off, a source without sha256-* tags costs nothing more.
 * Counted on REFCOUNT_JOBS threads at once, in the background.
 */
#ifndef TM_REFCOUNT_H
#define TM_REFCOUNT_H

#include <stddef.h>

#include "err.h"
#include "registry.h"

#define REFCOUNT_JOBS	4	/* connections counting at once */
#define REFCOUNT_UNKNOWN (-1)	/* not counted yet */
#define REFCOUNT_FAILED	(-2)	/* its walk failed (refcount_error says why) */

struct evq;
struct refcount;

/*
 * Start counting the n tags tags[] of src ("host/repo"), reading the
 * source's names[] (the whole listing, nn names) for its sha256-* tags.
 * types: --referrer-types' list, NULL for all.  Strings are copied.
 * q, when not NULL, gets an int (the tag's index) as each is counted,
 * then -1 when every one is.  NULL with err when it cannot start.
 */
struct refcount	*refcount_start(const char *src, const struct reg_opts *,
		    const char *types, const char *const *names, size_t nn,
		    const char *const *tags, size_t n, struct evq *q,
		    struct tm_err *);
/* Tag k's count, REFCOUNT_UNKNOWN or REFCOUNT_FAILED.  Any thread. */
int		 refcount_get(const struct refcount *, size_t k);
/* Why tag k's count failed (cat NONE when it did not).  Any thread. */
void		 refcount_error(const struct refcount *, size_t k,
		    struct tm_err *);
/* Wait until every tag is counted. */
void		 refcount_wait(struct refcount *);
/* Stop (a request under way is cancelled), wait, free.  NULL is fine. */
void		 refcount_free(struct refcount *);

#endif
