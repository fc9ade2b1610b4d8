/*
 * The version items of tag expressions: semver:RANGE with and without a
 * suffix filter, latest:N[:GLOB] as a set operation (whole list, excludes
 * first, version order, ties by name), their per-item counts, kinds and
 * error messages, and tagexpr_match's one-tag meaning.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tagexpr.h"
#include "tap.h"

static const char *const tags[] = {
	"3.9.19", "3.10.14", "3.10", "3.11.9-slim", "3.12.4", "3.12.4-slim",
	"3.12.4-slim-bookworm", "3.12", "v3.12.5", "3.13.0rc1", "3.13-rc",
	"3.13.0", "latest", "slim", "alpine", "3.14.0b2",
};
#define NTAGS	(sizeof tags / sizeof tags[0])

/* The selection, in natural order, joined by ' '; "ERR: msg" on error. */
static char *
sel(const char *expr, size_t *counts, size_t ncounts)
{
	static char		 out[1024];
	struct tagexpr		*e;
	struct tagexpr_result	 r;
	struct tm_err		 err;
	size_t			 i;

	if ((e = tagexpr_compile(expr, &err)) == NULL) {
		snprintf(out, sizeof out, "ERR: %s", err.msg);
		return out;
	}
	if (tagexpr_apply(e, tags, NTAGS, &r, &err) == -1)
		abort();
	out[0] = '\0';
	for (i = 0; i < r.n_matched; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, tags[r.matched[i]]);
	}
	for (i = 0; i < ncounts && i < tagexpr_items(e); i++)
		counts[i] = r.item_counts[i];
	tagexpr_result_free(&r);
	tagexpr_free(e);
	return out;
}

static void
test_semver(void)
{
	is_str(sel("semver:>=3.10 <3.13", NULL, 0),
	    "3.10 3.10.14 3.12 3.12.4 v3.12.5", "AND with a blank; "
	    "suffixed tags are pre-releases, skipped");
	is_str(sel("semver:~3.12", NULL, 0), "3.12 3.12.4 v3.12.5",
	    "tilde, 'v' prefix, two-part 3.12");
	is_str(sel("semver:^3.12.4 || <3.10", NULL, 0),
	    "3.9.19 3.12.4 3.13.0 v3.12.5", "caret OR below");
	is_str(sel("semver:~3.12;suffix=-slim", NULL, 0), "3.12.4-slim",
	    "suffix filter picks one variant as its release");
	is_str(sel("semver:~3.12;suffix=-slim*", NULL, 0),
	    "3.12.4-slim 3.12.4-slim-bookworm", "suffix filter is a glob");
	is_str(sel("semver:>=3.11;suffix=*", NULL, 0),
	    "3.11.9-slim 3.12 3.12.4 3.12.4-slim 3.12.4-slim-bookworm "
	    "3.13-rc 3.13.0 v3.12.5", "suffix=* takes every variant");
	is_str(sel("semver:>=3.11 ; suffix=", NULL, 0),
	    "3.12 3.12.4 3.13.0 v3.12.5", "an empty suffix glob: no suffix");
	is_str(sel("semver:>=3.13.0-0", NULL, 0), "3.13-rc 3.13.0",
	    "a pre-release range admits the suffixed tag");
	is_str(sel("semver:*, !semver:<3.12", NULL, 0),
	    "3.12 3.12.4 3.13.0 v3.12.5", "semver exclusion");
	is_str(sel("3.1[34]*, !semver:*", NULL, 0),
	    "3.13-rc 3.13.0rc1 3.14.0b2", "!semver:* leaves the non-versions "
	    "(and pre-releases)");
	is_str(sel("semver:3.9, re:3\\.1[0-1].*, latest", NULL, 0),
	    "3.9.19 3.10 3.10.14 3.11.9-slim latest",
	    "semver combines with regex and glob items");
}

static void
test_latest(void)
{
	size_t	c[4];

	is_str(sel("latest:3", c, 1), "3.13-rc 3.13.0 v3.12.5",
	    "the 3 highest versions: 3.13-rc is 3.13.0's pre-release");
	is_int(c[0], 3, "latest:3 counts the 3 it chose");
	is_str(sel("latest:2:3.12*", NULL, 0), "3.12.4 3.12.4-slim-bookworm",
	    "ties: 3.12.4 above its pre-releases; -slim-bookworm above -slim");
	is_str(sel("latest:5, !*-*", c, 2),
	    "3.10.14 3.12 3.12.4 3.13.0 v3.12.5",
	    "excludes apply first: the newest 5 that survive");
	is_int(c[1], 4, "the exclude counts the candidates it took away");
	is_str(sel("latest:1:3.12*", NULL, 0), "3.12.4",
	    "3.12.4 and 3.12 are equal versions: the name breaks the tie");
	is_str(sel("latest:2:[a-u]*", NULL, 0), "latest slim",
	    "non-versions in natural order");
	is_str(sel("latest:100:3.1[34]*", c, 1),
	    "3.13-rc 3.13.0 3.13.0rc1 3.14.0b2", "N above the candidates: all");
	is_int(c[0], 4, "count is what it chose");
	is_str(sel("latest:1:3.10*, latest:1:3.9*, alpine", NULL, 0),
	    "3.9.19 3.10.14 alpine", "each latest: chooses on its own");
	is_str(sel("latest:2, !semver:>=3.13", NULL, 0), "3.13-rc v3.12.5",
	    "3.13-rc is a pre-release, which !semver:>=3.13 leaves");
	is_str(sel("latest:2, !semver:>=3.13.0-0", NULL, 0), "3.12.4 v3.12.5",
	    "latest below a version: exclude from a pre-release range");
	is_str(sel("latest:1:nomatch*", c, 1), "", "no candidates");
	is_int(c[0], 0, "zero chosen");
}

static void
test_errors(void)
{
	is_str(sel("3.9*, re:x, semver:>=x.y", NULL, 0),
	    "ERR: item 3 'semver:>=x.y' at column 13: bad range: not a version "
	    "at 'x.y'", "range error names item and column");
	is_str(sel("semver:", NULL, 0),
	    "ERR: item 1 'semver:' at column 1: bad range: missing constraint "
	    "at ''", "empty range");
	is_str(sel("semver:~3;x=1", NULL, 0),
	    "ERR: item 1 'semver:~3;x=1' at column 1: after ';' only "
	    "suffix=GLOB", "unknown option");
	is_str(sel("a,latest:0", NULL, 0),
	    "ERR: item 2 'latest:0' at column 3: latest: needs a count of at "
	    "least 1", "latest:0");
	is_str(sel("latest:", NULL, 0),
	    "ERR: item 1 'latest:' at column 1: latest: needs a count of at "
	    "least 1", "latest: without a count");
	is_str(sel("latest:3x", NULL, 0),
	    "ERR: item 1 'latest:3x' at column 1: latest:N takes ':GLOB' or "
	    "nothing after the count", "garbage after the count");
	is_str(sel("latest:3:", NULL, 0),
	    "ERR: item 1 'latest:3:' at column 1: latest:N: needs a glob after "
	    "the ':'", "empty glob");
	is_str(sel("latest:99999999999999999999999", NULL, 0),
	    "ERR: item 1 'latest:99999999999999999999999' at column 1: latest: "
	    "count too large", "count overflow");
	is_str(sel("x, ! latest:3", NULL, 0),
	    "ERR: item 2 '! latest:3' at column 4: latest: cannot be excluded "
	    "(excludes apply before it chooses)", "!latest: refused");
}

static void
test_kinds_and_match(void)
{
	struct tagexpr	*e;
	struct tm_err	 err;

	e = tagexpr_compile("semver:~3, latest:2:3.*, !semver:3.9, re:x",
	    &err);
	ok(e != NULL, "compiles");
	if (e == NULL)
		return;
	ok(tagexpr_item_kind(e, 0) == TAGEXPR_SEMVER &&
	    tagexpr_item_kind(e, 1) == TAGEXPR_LATEST &&
	    tagexpr_item_kind(e, 2) == TAGEXPR_EXCLUDE &&
	    tagexpr_item_kind(e, 3) == TAGEXPR_REGEX, "item kinds");
	ok(tagexpr_match(e, "3.1.0-x"), "one-tag list: latest:'s glob chooses");
	ok(!tagexpr_match(e, "3.9.1"), "one-tag list: the exclude wins");
	ok(!tagexpr_match(e, "4.0"), "one-tag list: nothing matches");
	tagexpr_free(e);
}

int
main(void)
{
	test_semver();
	test_latest();
	test_errors();
	test_kinds_and_match();
	return tap_done();
}
