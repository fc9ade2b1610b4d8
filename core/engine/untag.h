/*
 * Removing tags from a destination repository without touching any other
 * tag, on registries that can delete a tag (OCI 1.1) and on those that can
 * only delete a manifest by digest, which takes every tag at that digest
 * along (Docker distribution 2.8).  There, the other tags at the digest
 * (the survivors) are found by listing and HEADing the repository,
 * journaled with the manifest bytes, and PUT back right after the delete.
 * Used by --delete-stale and by rollback.  Calling thread only (it runs
 * its own short-lived threads for the scan).
 */
#ifndef TM_UNTAG_H
#define TM_UNTAG_H

#include <stdatomic.h>
#include <stddef.h>

#include "err.h"
#include "ref.h"
#include "registry.h"

struct journal;

struct untag_item {
	char		tag[TM_TAG_MAX + 1];
	char		digest[TM_DIGEST_MAX + 1];	/* where the tag is now */
	int		ok;				/* out: removed */
	struct tm_err	err;				/* out: why not */
};

struct untag_ctx {
	struct registry		*reg;
	struct reg_conn		*conn;		/* for deletes and PUTs */
	const char		*repo;
	struct journal		*journal;	/* survivors go here first */
	size_t			 nthreads;	/* for the tag scan */
	const atomic_int	*cancel;	/* may be NULL */
	int			 no_tag_delete;	/* in/out: the registry refused one */
	size_t			 survivors;	/* out: tags re-PUT after a delete */
};

/*
 * Remove every item's tag.  Returns how many could not be removed.  When
 * a survivor cannot be put back, the items at its digest fail with that
 * error (the journal still has the survivor for rollback).
 */
size_t	untag(struct untag_ctx *, struct untag_item *, size_t n);

/*
 * The tags of repo and their digests, read with a listing and parallel
 * HEADs (absent tags are left out).  Arrays malloc'd; 0 or -1.
 */
struct tag_digest {
	char	tag[TM_TAG_MAX + 1];
	char	digest[TM_DIGEST_MAX + 1];
};
int	scan_tags(struct registry *, struct reg_conn *, const char *repo,
	    size_t nthreads, const atomic_int *cancel, struct tag_digest **out,
	    size_t *n, struct tm_err *);

#endif
