/*
 * The demo: two local registries (Debian's docker-registry) on free
 * 127.0.0.1 ports with temporary storage.  The source is seeded with
 * sample tags of small generated images sharing layers; a few of them fail
 * for real, because a layer's data file is removed from the source's
 * storage after the push, so its GET fails.  The destination already
 * holds some tags: a few up to date, a few older ones the run replaces
 * (and a rollback restores).  Both are reached through a throttle
 * (throttle.h) that paces the run and fails one tag (1.2.0) once, unless
 * TAGMIRROR_DEMO_FAST is set.
 *
 * Blocking; call from the main thread.  The registries stop with
 * demo_stop(), or when this process dies (PR_SET_PDEATHSIG).
 */
#ifndef TM_DEMO_H
#define TM_DEMO_H

#include "err.h"

struct demo;

/* NULL with err (docker-registry missing, a registry did not start...). */
struct demo	*demo_start(struct tm_err *);
/* "127.0.0.1:PORT/demo/app" and the destination likewise. */
const char	*demo_source(const struct demo *);
const char	*demo_dest(const struct demo *);
/* An expression that selects most tags, including the failing ones. */
const char	*demo_expr(const struct demo *);
/* A private journal directory, so demo runs never mix with real ones. */
const char	*demo_state_dir(const struct demo *);
/* Tags seeded in the source, and how many of them are broken. */
int		 demo_tags(const struct demo *, int *broken);
/* Stop both registries and remove their storage. */
void		 demo_stop(struct demo *);

#endif
