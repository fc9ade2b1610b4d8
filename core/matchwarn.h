/*
 * The warnings of a tag match, worded once for `tagmirror preview`, `run`,
 * `sync` and the TUI alike (docs/report.md): names that are not valid
 * tags, items that match (or exclude) no tag, a selection of none.
 */
#ifndef TM_MATCHWARN_H
#define TM_MATCHWARN_H

#include <stddef.h>

struct tagexpr;

#define MATCH_WARN_WHOLE	((size_t)-1)	/* about the whole match */

struct match_warning {
	char	*text;		/* malloc'd, terminal-safe */
	size_t	 item;		/* its item's index, or MATCH_WARN_WHOLE */
};

/*
 * The warnings of a match of n names (rejected more were skipped as not
 * valid tags) by expr (NULL: every name, no item) whose items matched
 * item_counts[i] names and which selected selected: *out malloc'd, in
 * that order.  0, or -1 when out of memory (nothing to free then).
 */
int	match_warnings(const struct tagexpr *expr, const size_t *item_counts,
	    size_t n, size_t rejected, size_t selected,
	    struct match_warning **out, size_t *nout);
void	match_warnings_free(struct match_warning *, size_t n);

#endif
