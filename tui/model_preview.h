/*
 * The preview model: a source's tag names and a tag expression matched
 * against them.  The TUI lists in the background (pages counted as they
 * arrive) and re-matches on every keystroke, then (preview_referrers on)
 * counts the matched tags' referrers in the background, a batch at a
 * time; `tagmirror preview` hands over names it read at once.  No curses here.  One thread per model (the
 * TUI's UI thread).
 */
#ifndef TM_MODEL_PREVIEW_H
#define TM_MODEL_PREVIEW_H

#include <stddef.h>

#include "registry.h"
#include "tagexpr.h"

struct preview;

enum preview_state {
	PV_NONE,		/* nothing to list */
	PV_LISTING,
	PV_DONE,
	PV_FAILED
};

/* What the model holds, for reading; valid until the next call on it. */
struct preview_view {
	enum preview_state		 state;
	const char			*src;
	size_t				 listed, rejected;
	const struct tm_err		*err;	/* the listing's, PV_FAILED */
	int				 blank;	/* no item typed yet */
	const struct tagexpr		*te;	/* NULL: none or bad */
	const struct tm_err		*expr_err; /* cat NONE when none */
	const struct tagexpr_result	*res;	/* NULL: no result yet */
	char *const			*names;
	size_t				 n;
	/* Per name: referrers a run would copy, REFCOUNT_UNKNOWN (not yet)
	 * or REFCOUNT_FAILED; NULL when none are counted. */
	const int			*refs;
	/* Bumped on a new list or expression, and whenever res changes. */
	unsigned			 list_gen, match_gen;
};

struct preview	*preview_new(void);
void		 preview_free(struct preview *);
/*
 * (Re)start listing src in the background.  Strings in opts are copied;
 * the old listing is stopped and freed on a helper thread so the caller
 * never waits for it.  An empty src just stops.
 */
void		 preview_list(struct preview *, const char *src,
		    const struct reg_opts *);
/*
 * List src at once, waiting for every page (`tagmirror preview`): 0, or
 * -1 with err.  Then as after a background listing that is done.
 */
int		 preview_fetch(struct preview *, const char *src,
		    const struct reg_opts *, struct tm_err *);
/* Hand over names read elsewhere (freed with the model); state PV_DONE. */
void		 preview_take(struct preview *, const char *src, char **names,
		    size_t n, size_t rejected);
/*
 * Count the referrers of the matched tags of a registry listing (off
 * until asked; types as --referrer-types, NULL all), once it is done:
 * the tags just matched first.  The counts stay until a new listing.
 */
void		 preview_referrers(struct preview *, int on, const char *types);
/* The listing's (or the count's) wake-up fd, -1 when neither runs. */
int		 preview_fd(const struct preview *);
/* Drain listing and count events: 1 when the model changed. */
int		 preview_events(struct preview *);
/* Listing or counting. */
int		 preview_busy(const struct preview *);
/*
 * Match expr against what is listed; cheap when nothing changed.  1 when
 * the expression changed, 0 when it is the same.
 */
int		 preview_set_expr(struct preview *, const char *expr);
void		 preview_view(const struct preview *, struct preview_view *);

#endif
