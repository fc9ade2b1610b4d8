/*
 * The plan's matching, which needs no registry: which upstream tags a
 * run takes, and which destination tags are stale.  The rest of the plan
 * is the engine's own (internal.h).  Any thread.
 */
#ifndef TM_PLAN_H
#define TM_PLAN_H

#include <stddef.h>

#include "err.h"

struct tagexpr;

/* A match's warnings: malloc'd lines, worded as tagmirror preview's. */
struct plan_warnings {
	char	**v;
	size_t	  n;
};
void	plan_warnings_free(struct plan_warnings *);

/*
 * The tags of src (n names) that expr selects (NULL: every one), in
 * natural order, as indexes into src; with n_only > 0, only those among
 * only (--only-failed).  *out malloc'd.  When warn is not NULL it gets a
 * line for the rejected names the listing skipped (when not 0), for each
 * item that matches (or excludes) no tag, and for a selection of none.
 * 0, or -1 with err.
 */
int	plan_match(const struct tagexpr *expr, const char *const *only,
	    size_t n_only, const char *const *src, size_t n, size_t rejected,
	    size_t **out, size_t *nout, struct plan_warnings *warn,
	    struct tm_err *);
/*
 * The destination's tags (dst) that expr selects and src (upstream)
 * lacks, natural order: what --delete-stale removes.  *out is a malloc'd
 * array of malloc'd names.  0, or -1 with err.
 */
int	plan_stale_tags(const struct tagexpr *expr, const char *const *src,
	    size_t nsrc, const char *const *dst, size_t ndst, char ***out,
	    size_t *nout, struct tm_err *);

#endif
