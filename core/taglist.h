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
 * Start listing ref (a reference as typed: "python", "host:port/a/b") with
 * opts; events of type struct tl_event go to q (elem size must match).
 * Returns NULL with err on a bad reference.  Any thread.
 */
struct taglist	*taglist_start(const char *ref, const struct reg_opts *,
		    struct evq *q, struct tm_err *);
/* Blocking: list everything, 0 or -1. */
struct taglist	*taglist_fetch(const char *ref, const struct reg_opts *,
		    struct tm_err *);
/* Copy of the names listed so far (malloc'd array of malloc'd strings). */
size_t		 taglist_snapshot(struct taglist *, char ***names);
void		 taglist_names_free(char **names, size_t n);
/* Stops the listing if still running, joins, frees. */
void		 taglist_free(struct taglist *);

#endif
