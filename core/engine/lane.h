/*
 * Lanes: a tag's large blobs copied beside its small ones, each on a
 * connection pair of its own.  The engine's files only.
 */
#ifndef TM_LANE_H
#define TM_LANE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct mirror;
struct worker;
struct mf_desc;
struct lane;

/* A blob at least this large goes on a lane when one is free. */
#define LANE_MIN	((int64_t)4 << 20)

/* What a lane runs: tagcopy.c's one-blob copy, on the lane's worker. */
typedef int	lane_fn(struct worker *, size_t tag, const struct mf_desc *,
		    struct tm_err *);

/*
 * Start fn(lane's worker, tag, d) on a free lane's thread: the lane, or
 * NULL when every lane is busy or one cannot be made (then the caller
 * copies in line, as before lanes).  d must live until lane_join.
 */
struct lane	*lane_start(struct mirror *, lane_fn *, size_t tag,
		    const struct mf_desc *d);
/* Wait for the lane's copy: its result (0 or -1, *err set), lane freed. */
int		 lane_join(struct lane *, struct tm_err *err);
/* Close every lane's connections (none running). */
void		 lanes_free(struct mirror *);

#endif
