/*
 * Listing a repository's tags in the background, for the live preview:
 * the UI starts a listing, gets TL events through an evq as pages arrive,
 * and reads a snapshot of the names at any time.  Headless preview uses the
 * blocking form.
 */
#ifndef TM_TAGLIST_H
#define TM_TAGLIST_H

#include <stddef.h>

#include "err.h"
#include "registry.h"

struct taglist;
struct evq;

enum tl_event_type {
	TL_PAGE,	/* more names arrived; count is the total so far */
	TL_DONE,	/* listing complete */
	TL_FAILED	/* err says why */
};

struct tl_event {
	enum tl_event_type	type;
	size_t			count;
	size_t			rejected;	/* invalid names skipped */
	struct tm_err		err;
};

/*
 * Start listing ref (a reference as typed: "python", "host:port/a/b"; a
 * tag or digest in it is a usage error) with opts, on a thread of its
 * own; events of type struct tl_event go to q (elem size must match), and
 * q must outlive the taglist.  Exactly one TL_DONE or TL_FAILED ends the
 * events, unless taglist_free stopped the listing first.  Returns NULL
 * with err on a bad reference or options.  Any thread; call tm_init first.
 */
struct taglist	*taglist_start(const char *ref, const struct reg_opts *,
		    struct evq *q, struct tm_err *);
/* Blocking, in the calling thread: everything, or NULL with err. */
struct taglist	*taglist_fetch(const char *ref, const struct reg_opts *,
		    struct tm_err *);
/*
 * Copy of the names listed so far, in the registry's order (malloc'd array
 * of malloc'd strings, freed with tm_strv_free); 0 and NULL when out
 * of memory.  Any thread.
 */
size_t		 taglist_snapshot(struct taglist *, char ***names);
/*
 * The names themselves, handed over (the taglist keeps none): for a listing
 * that is over, so 50,000 names are not copied once more.  Any thread.
 */
size_t		 taglist_take(struct taglist *, char ***names);
/* Names the registry sent that are not valid tags (skipped).  Any thread. */
size_t		 taglist_rejected(struct taglist *);
/*
 * Stops the listing if still running, joins, frees.  Once it returns no
 * more events come from this listing, but those already queued stay:
 * drain q before reading it for another listing.
 */
void		 taglist_free(struct taglist *);

#endif
