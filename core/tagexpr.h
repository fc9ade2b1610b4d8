/*
 * Tag expressions: Quay's comma-separated globs, matched exactly as Python's
 * fnmatch.fnmatchcase does, plus two extensions whose syntax can never match
 * a valid tag in Quay (so pasted Quay rules keep their meaning):
 *   !GLOB        exclude tags matched by GLOB ("!re:REGEX" excludes by
 *                regex, "!semver:RANGE" by version)
 *   re:REGEX     POSIX extended regex, anchored at both ends
 *   semver:RANGE tags that are versions in RANGE, read as skopeo's
 *                images-by-semver reads them (core/semver.h): so a tag with
 *                a suffix is a pre-release, which a RANGE without one skips.
 *                Inside an expression write AND with blanks, not ','
 *                ("semver:>=3.10 <3.13"); "||" is OR.
 *   semver:RANGE;suffix=GLOB
 *                variants on purpose: a version tag whose suffix (all after
 *                MAJOR[.MINOR[.PATCH]], "-slim" in "3.12.4-slim", "" in
 *                "3.12.4") matches GLOB, with its version without the
 *                suffix (3.12.4) in RANGE.
 *   latest:N[:GLOB]
 *                the N highest tags among those GLOB (a glob, default "*")
 *                matches and no exclude removes: excludes apply first, so
 *                "latest:5, !*-rc*" is the newest 5 that are no release
 *                candidates.  Highest in version order: versions (semver
 *                precedence, a pre-release below its release) above all
 *                non-versions, those in natural order (tm_natcmp); equal
 *                ones by tm_natcmp of the name.  "!latest:" is an error.
 * Items are split at every ',' (a glob or regex cannot contain one), blanks
 * around an item and after its '!' are dropped, empty items are ignored.
 * A tag is selected when some include item matches it (for latest:, is
 * among the chosen N) and no exclude does.
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
	TAGEXPR_REGEX,
	TAGEXPR_SEMVER,
	TAGEXPR_LATEST
};

/*
 * Compile expr.  A malformed item (bad or empty regex, empty "!", bad
 * range, latest: without a count of at least 1 or with an empty glob) fails
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

/*
 * 1 when tag is selected from the list of just this tag (tagexpr_apply on
 * {tag}): for latest: items that is "GLOB matches".  Choosing from a list
 * is a set operation: callers that select from a list use tagexpr_apply.
 */
int		 tagexpr_match(const struct tagexpr *, const char *tag);

struct tagexpr_result {
	size_t	*matched;	/* indexes into the input, natural order */
	size_t	 n_matched;
	size_t	*item_counts;	/* per item: tags it matched (excludes: tags it
				   removed from some include's match or
				   latest:'s candidates; latest: tags chosen) */
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
