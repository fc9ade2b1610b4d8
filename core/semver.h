/*
 * Semantic versions read from Docker tags, and version ranges, with the
 * meaning skopeo's "images-by-semver" gives them (skopeo reads tags with
 * the Go library Masterminds/semver v3's lenient NewVersion and checks them
 * with NewConstraint + Check), so a range pasted from a skopeo sync file
 * selects the same tags here.
 *
 * A tag is a version when the whole tag reads
 *	[v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]
 * MAJOR, MINOR and PATCH are decimal digits (leading zeros allowed, each
 * below 2^64); a missing MINOR or PATCH is 0, so "3.12" is 3.12.0 and "3"
 * is 3.0.0.  PRERELEASE and BUILD are '.'-separated, non-empty identifiers
 * of [0-9A-Za-z-]; a PRERELEASE identifier of digits has no leading zero.
 * So every Docker suffix is a pre-release: "3.12.4-slim-bookworm" is
 * version 3.12.4 with pre-release "slim-bookworm"; "3.13.0rc1", "latest",
 * "3.12_x" and "V3.12" are no versions.  The suffix of a version tag is
 * everything after its MAJOR.MINOR.PATCH part ("-slim-bookworm"; "" for
 * "3.12.4").
 *
 * Order (tm_semver_cmp) is semver precedence: MAJOR, MINOR, PATCH as
 * numbers, then a version with a pre-release below the same one without,
 * pre-releases compared identifier by identifier (numeric ones as numbers
 * and below alphanumeric ones, those in ASCII order, a list that is a
 * prefix of the other first); BUILD is ignored.  "3.12" and "3.12.0" are
 * equal.
 *
 * A range is constraints separated by blanks or ',' (all must hold), in
 * groups separated by "||" (one group must hold):
 *	">= 1.2, < 3.0.0 || >= 4.2.3"
 * A constraint is an operator and a version, blanks allowed between:
 *	=V, V		equal; with a wildcard or missing part as ~V
 *	!=V		not equal; with a wildcard or missing part, outside ~V
 *	>V, >=V (=>V), <V, <=V (=<V)
 *			compared by precedence; a wildcard or missing part
 *			widens the bound: ">1.2" is ">=1.3.0", "<=2.x" "<3.0.0"
 *	~V, ~>V		>=V, and the same MAJOR and (when given) MINOR:
 *			"~1.2.3" is ">=1.2.3 <1.3.0", "~1" ">=1.0.0 <2.0.0"
 *	^V		>=V up to the next change of the first non-zero part
 *			given: "^1.2" is "<2.0.0", "^0.2.3" "<0.3.0", "^0.0.3"
 *			"<0.0.4", "^0.0" "<0.1.0", "^0" "<1.0.0"
 *	V1 - V2		">= V1, <= V2" (blanks around the '-' required)
 * A part of V may be 'x', 'X' or '*' ("1.2.x", "*"); parts after it are
 * ignored.  V may have a pre-release (and a build, ignored).
 * Pre-releases: a constraint whose version has no pre-release never
 * matches a version with one (">=3.10" skips "3.12.4-slim"; ">=3.10.0-0"
 * admits them); the one exception, as in skopeo, is "!=" with a version of
 * three given parts, which is plain inequality.
 * Compiled ranges are immutable: any thread may check concurrently.
 */
#ifndef TM_SEMVER_H
#define TM_SEMVER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct tm_semver {
	uint64_t	 num[3];	/* MAJOR, MINOR, PATCH */
	const char	*pre;		/* into the parsed text; NULL: none */
	size_t		 npre;
	size_t		 core;		/* bytes before the suffix */
};

/*
 * Read s[0..n) as a version.  0, or -1 when it is none.  v->pre points
 * into s, which must outlive v.  Any thread; allocates nothing.
 */
int		 tm_semver_parse(const char *s, size_t n, struct tm_semver *v);
/* Precedence: <0, 0 or >0. */
int		 tm_semver_cmp(const struct tm_semver *, const struct tm_semver *);

struct tm_semver_range;

/*
 * Compile a range, the raw string as skopeo takes it.  NULL on error:
 * TM_CAT_USAGE with "bad range: ..." naming the part at fault, or
 * TM_CAT_IO when out of memory.  Free with tm_semver_range_free.
 */
struct tm_semver_range *tm_semver_range_compile(const char *s,
		    struct tm_err *);
void		 tm_semver_range_free(struct tm_semver_range *);
/* 1 when v satisfies the range, else 0. */
int		 tm_semver_range_check(const struct tm_semver_range *,
		    const struct tm_semver *v);

#endif
