/*
 * The blobs (and manifests) of one run: a layer shared by many tags is
 * copied once, even when those tags are copied at the same time.  Keys are
 * digests, or any string up to BS_KEY_MAX ("m:" + digest for manifests).  The first worker to claim
 * a digest copies it; the others wait on a condition variable and take
 * its outcome.  A failure is remembered until blobset_forget_failures()
 * (the next retry round), so one broken blob does not cost every tag that
 * shares it a full round of request retries.  Any thread.
 */
#ifndef TM_BLOBSET_H
#define TM_BLOBSET_H

#include <stdatomic.h>

#include "err.h"

#define BS_KEY_MAX	80

struct blobset;

enum bs_claim {
	BS_MINE,	/* copy it, then call blobset_finish */
	BS_DONE,	/* already in the destination */
	BS_FAILED	/* failed this round (or cancelled): err says why */
};

struct blobset	*blobset_new(void);
void		 blobset_free(struct blobset *);

/*
 * Claim digest.  Blocks while another thread holds it; gives up with
 * BS_FAILED (TM_CAT_CANCELLED) when *cancel becomes non-zero.  cancel may
 * be NULL.
 */
enum bs_claim	 blobset_claim(struct blobset *, const char *digest,
		    const atomic_int *cancel, struct tm_err *);
/* End a BS_MINE claim: err NULL means the blob is now in the destination. */
void		 blobset_finish(struct blobset *, const char *digest,
		    const struct tm_err *err);
/* Forget failures so the next round tries those blobs again. */
void		 blobset_forget_failures(struct blobset *);
/* How many keys are known done. */
size_t		 blobset_done_count(struct blobset *);

/*
 * Keep a copy of small data under key (a manifest's bytes and media type,
 * so tags that alias one digest GET it once).  Dropped silently beyond
 * 64 MiB in total.  blobset_data returns a malloc'd copy: 1, or 0 absent.
 */
void		 blobset_keep(struct blobset *, const char *key, const void *,
		    size_t, const char *type);
int		 blobset_data(struct blobset *, const char *key, char **,
		    size_t *, char *type, size_t typelen);

#endif
