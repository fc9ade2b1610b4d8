/*
 * Tag expressions: Quay's comma-separated globs, matched exactly as Python's
 * fnmatch.fnmatchcase does, plus two extensions whose syntax can never match
 * a valid tag in Quay (so pasted Quay rules keep their meaning):
 *   !GLOB        exclude tags matched by GLOB
 *   re:REGEX     POSIX extended regex, anchored at both ends
 * Compiled expressions are immutable: any thread may match concurrently.
 */
#ifndef TM_TAGEXPR_H
#define TM_TAGEXPR_H

#include <stddef.h>

#include "err.h"

struct tagexpr;

enum tagexpr_kind {
	TAGEXPR_GLOB,
	TAGEXPR_EXCLUDE,
	TAGEXPR_REGEX
};

/*
 * Compile expr.  A malformed item (bad regex, empty "!") fails with
 * TM_CAT_USAGE and a message naming the item and its 1-based position.
 */
struct tagexpr	*tagexpr_compile(const char *expr, struct tm_err *);
void		 tagexpr_free(struct tagexpr *);

size_t		 tagexpr_items(const struct tagexpr *);
/* Item i as written, whitespace trimmed, including any "!" or "re:". */
const char	*tagexpr_item_text(const struct tagexpr *, size_t i);
enum tagexpr_kind tagexpr_item_kind(const struct tagexpr *, size_t i);

/* 1 when tag is selected: some include item matches and no exclude does. */
int		 tagexpr_match(const struct tagexpr *, const char *tag);

struct tagexpr_result {
	size_t	*matched;	/* indexes into the input, natural order */
	size_t	 n_matched;
	size_t	*item_counts;	/* per item: tags it matched (excludes: tags it removed) */
};

/*
 * Match every tag; fill r (caller frees with tagexpr_result_free).
 * 0, or -1 when out of memory.
 */
int		 tagexpr_apply(const struct tagexpr *, const char *const *tags,
		    size_t n, struct tagexpr_result *r, struct tm_err *);
void		 tagexpr_result_free(struct tagexpr_result *);

/* Python fnmatch.fnmatchcase(name, pat): 1 match, 0 not. */
int		 tm_fnmatch(const char *pat, const char *name);

/* Natural version order: "3.9" < "3.10" < "3.10-slim"; total order, strcmp on ties. */
int		 tm_natcmp(const char *a, const char *b);

#endif
