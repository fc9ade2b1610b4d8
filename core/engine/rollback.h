/*
 * What rollback.c offers besides mirror.h's rollback calls: removing tags
 * from a destination repository without touching any other tag (also for
 * --delete-stale), and rollback's decision for one tag.
 *
 * untag works on registries that can delete a tag (OCI 1.1) and on those
 * that can only delete a manifest by digest, which takes every tag at
 * that digest along (Docker distribution 2.8).  There, each tag is first
 * pointed at a throwaway manifest of its own (a random nonce in it, so no
 * other tag can be at it), and that is deleted: other tags, also ones
 * pushed meanwhile, are never touched.  Calling thread only.
 */
#ifndef TM_ROLLBACK_H
#define TM_ROLLBACK_H

#include <stdatomic.h>
#include <stddef.h>

#include "err.h"
#include "journal.h"
#include "ref.h"
#include "registry.h"

struct untag_item {
	char		tag[TM_TAG_MAX + 1];
	char		digest[TM_DIGEST_MAX + 1];	/* where the tag is now */
	int		ok;				/* out: removed */
	struct tm_err	err;				/* out: why not */
};

struct untag_ctx {
	struct reg_conn		*conn;		/* for deletes and PUTs */
	const char		*repo;
	const atomic_int	*cancel;	/* may be NULL */
	int			 no_tag_delete;	/* in/out: the registry refused one */
};

/*
 * Remove every item's tag.  Returns how many could not be removed (each
 * left where it was, unless its error says otherwise).  Where deletes are
 * refused (405), the items after the first are not tried.
 */
size_t	untag(struct untag_ctx *, struct untag_item *, size_t n);

enum rb_plan {
	P_SKIP,		/* the run did not change it */
	P_KEEP,		/* already as before */
	P_PUT,		/* put the previous manifest back */
	P_REMOVE,	/* it did not exist before: remove it */
	P_CONFLICT,	/* someone else moved it */
	P_FAILED	/* the destination could not be asked */
};

/*
 * head: what HEAD said (1 the tag is at digest now, 0 absent, -1 error).
 * Any thread.
 */
enum rb_plan	rollback_decide(const struct journal_tag *, int head,
		    const char *now);

#endif
