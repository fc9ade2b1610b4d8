/*
 * Tag expressions: Quay's comma-separated globs, matched exactly as Python's
 * fnmatch.fnmatchcase does, plus two extensions whose syntax can never match
 * a valid tag in Quay (so pasted Quay rules keep their meaning):
 *   !GLOB        exclude tags matched by GLOB ("!re:REGEX" excludes by regex)
 *   re:REGEX     POSIX extended regex, anchored at both ends
 * Items are split at every ',' (a glob or regex cannot contain one), blanks
 * around an item and after its '!' are dropped, empty items are ignored.
 * A tag is selected when some include item matches it and no exclude does.
 * An expression of excludes only selects every tag none of them matches
 * ("!*-rc*" = everything but release candidates); an expression with no
 * items at all selects nothing.
 * Globs match bytes: on valid tags (ASCII) that is exactly Python's
 * matching on characters, and tests/it/match_fnmatch.sh checks it is.
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
 * Compile expr.  A malformed item (bad or empty regex, empty "!") fails
 * with TM_CAT_USAGE and a message naming the item, its 1-based position
 * among the items and its column in expr: "item 3 're:(' at column 9:
 * bad regex: ...".  Globs are never malformed (as in Python).  A regex
 * regcomp would expand past a size budget (stacked or nested repetition,
 * huge counts, over-long), with a back-reference or groups nested over
 * 64 deep is refused the same way, naming its column in expr too:
 * "item 1 're:1+++...' at column 1: regex refused at column 13: ...".
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

/* Python fnmatch.fnmatchcase(name, pat): 1 match, 0 not (or out of memory). */
int		 tm_fnmatch(const char *pat, const char *name);

/* Natural version order: "3.9" < "3.10" < "3.10-slim"; total order, strcmp on ties. */
int		 tm_natcmp(const char *a, const char *b);

#endif
