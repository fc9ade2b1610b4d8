/*
 * Versions and ranges: tag parsing (Docker tags included), precedence,
 * every operator, wildcards, hyphen ranges, "||", the pre-release rule and
 * caret/tilde on 0.x, each case as Masterminds/semver v3 documents it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "semver.h"
#include "tap.h"

static int
parses(const char *s)
{
	struct tm_semver	v;

	return tm_semver_parse(s, strlen(s), &v) == 0;
}

static void
test_parse(void)
{
	static const struct {
		const char	*tag;
		int		 ok;
		unsigned	 ma, mi, pa;
		const char	*pre, *suffix;
	} c[] = {
		{ "3.12.4", 1, 3, 12, 4, NULL, "" },
		{ "3.12", 1, 3, 12, 0, NULL, "" },
		{ "3", 1, 3, 0, 0, NULL, "" },
		{ "v3.10.2", 1, 3, 10, 2, NULL, "" },
		{ "3.12.4-slim-bookworm", 1, 3, 12, 4, "slim-bookworm",
		    "-slim-bookworm" },
		{ "3-alpine3.20", 1, 3, 0, 0, "alpine3.20", "-alpine3.20" },
		{ "3.13-rc-slim", 1, 3, 13, 0, "rc-slim", "-rc-slim" },
		{ "1.2.3-beta.1+build.5", 1, 1, 2, 3, "beta.1",
		    "-beta.1+build.5" },
		{ "03.09", 1, 3, 9, 0, NULL, "" },
		{ "3.13.0rc1", 0, 0, 0, 0, NULL, NULL },
		{ "latest", 0, 0, 0, 0, NULL, NULL },
		{ "V3.12", 0, 0, 0, 0, NULL, NULL },
		{ "3.12_x", 0, 0, 0, 0, NULL, NULL },
		{ "3.12.4.1", 0, 0, 0, 0, NULL, NULL },
		{ "3.12-", 0, 0, 0, 0, NULL, NULL },
		{ "3.12-a..b", 0, 0, 0, 0, NULL, NULL },
		{ "1.2.3-01", 0, 0, 0, 0, NULL, NULL },
		{ "1.2.3+", 0, 0, 0, 0, NULL, NULL },
		{ "1.x", 0, 0, 0, 0, NULL, NULL },
		{ "v", 0, 0, 0, 0, NULL, NULL },
		{ "", 0, 0, 0, 0, NULL, NULL },
		{ "18446744073709551615.0", 1, 0, 0, 0, NULL, "" },
		{ "18446744073709551616", 0, 0, 0, 0, NULL, NULL },
	};
	struct tm_semver	v;
	size_t			i;
	char			pre[64];

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		int	r = tm_semver_parse(c[i].tag, strlen(c[i].tag), &v);

		ok((r == 0) == c[i].ok, "'%s' %s a version", c[i].tag,
		    c[i].ok ? "is" : "is not");
		if (r != 0 || !c[i].ok || c[i].ma == 0)
			continue;
		ok(v.num[0] == c[i].ma && v.num[1] == c[i].mi &&
		    v.num[2] == c[i].pa, "'%s' numbers", c[i].tag);
		snprintf(pre, sizeof pre, "%.*s", (int)v.npre,
		    v.pre != NULL ? v.pre : "");
		is_str(v.pre != NULL ? pre : "(none)",
		    c[i].pre != NULL ? c[i].pre : "(none)", "'%s' pre-release",
		    c[i].tag);
		is_str(c[i].tag + v.core, c[i].suffix, "'%s' suffix", c[i].tag);
	}
	ok(tm_semver_parse("3.12.4-slim", 6, &v) == 0 && v.pre == NULL,
	    "parse takes a length, not the terminator");
}

static void
test_order(void)
{
	/* Ascending precedence; neighbours in one row are equal. */
	static const char *const asc[] = {
		"1.0.0-0", "1.0.0-2", "1.0.0-11", "1.0.0-alpha",
		"1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
		"1.0.1", "1.9.0", "1.10.0", "2", "3.12.4-slim", "3.12.4",
	};
	struct tm_semver	a, b;
	size_t			i;

	for (i = 0; i + 1 < sizeof asc / sizeof asc[0]; i++) {
		tm_semver_parse(asc[i], strlen(asc[i]), &a);
		tm_semver_parse(asc[i + 1], strlen(asc[i + 1]), &b);
		ok(tm_semver_cmp(&a, &b) < 0 && tm_semver_cmp(&b, &a) > 0,
		    "%s < %s", asc[i], asc[i + 1]);
	}
	tm_semver_parse("3.12", 4, &a);
	tm_semver_parse("v3.12.0+b1", 10, &b);
	ok(tm_semver_cmp(&a, &b) == 0, "3.12 = v3.12.0+b1 (build ignored)");
	tm_semver_parse("1.0.0-B", 7, &a);
	tm_semver_parse("1.0.0-a", 7, &b);
	ok(tm_semver_cmp(&a, &b) < 0, "pre-releases in ASCII order: B < a");
}

/* Does range r admit tag t? -1 when r does not compile. */
static int
check(const char *r, const char *t)
{
	struct tm_semver_range	*rg;
	struct tm_semver	 v;
	struct tm_err		 err;
	int			 res;

	if ((rg = tm_semver_range_compile(r, &err)) == NULL)
		return -1;
	res = tm_semver_parse(t, strlen(t), &v) == 0 &&
	    tm_semver_range_check(rg, &v);
	tm_semver_range_free(rg);
	return res;
}

static void
test_ranges(void)
{
	static const struct {
		const char	*range, *tag;
		int		 want;
	} c[] = {
		/* = and bare, wildcards fall back to ~ */
		{ "1.2.3", "1.2.3", 1 }, { "=1.2.3", "1.2.4", 0 },
		{ "v1.2.3", "1.2.3", 1 }, { "1.2", "1.2.9", 1 },
		{ "1.2", "1.3.0", 0 }, { "1.2.x", "1.2.0", 1 },
		{ "1", "1.9.9", 1 }, { "1.x", "2.0.0", 0 }, { "*", "0.0.1", 1 },
		{ "x", "9.9.9", 1 }, { "1.x.3", "1.5.0", 1 },
		/* != */
		{ "!=1.2.3", "1.2.3", 0 }, { "!=1.2.3", "1.2.4", 1 },
		{ "!=1.2", "1.2.7", 0 }, { "!=1.2", "1.3.0", 1 },
		{ "!=1", "1.7.0", 0 }, { "!=1", "2.0.0", 1 },
		/* > >= < <= and their wildcard bounds */
		{ ">1.2.3", "1.2.4", 1 }, { ">1.2.3", "1.2.3", 0 },
		{ ">1.2", "1.2.9", 0 }, { ">1.2", "1.3.0", 1 },
		{ ">1", "1.9.0", 0 }, { ">1", "2.0.0", 1 },
		{ ">=1.2", "1.2.0", 1 }, { "=>1.2", "1.1.9", 0 },
		{ "<1.2", "1.1.9", 1 }, { "<1.2", "1.2.0", 0 },
		{ "<=1.2.3", "1.2.3", 1 }, { "=<1.2.3", "1.2.4", 0 },
		{ "<=1.2", "1.2.9", 1 }, { "<=1.2", "1.3.0", 0 },
		{ "<=2.x", "2.9.0", 1 }, { "<=2.x", "3.0.0", 0 },
		{ "<=2", "1.0.0", 1 }, { ">= 1.2.x", "1.2.0", 1 },
		/* ~ and ~> */
		{ "~1.2.3", "1.2.9", 1 }, { "~1.2.3", "1.3.0", 0 },
		{ "~1.2.3", "1.2.2", 0 }, { "~>1.2", "1.2.0", 1 },
		{ "~1", "1.9.0", 1 }, { "~1", "2.0.0", 0 },
		{ "~1.x", "1.5.0", 1 }, { "~0", "0.9.0", 1 },
		{ "~0", "1.0.0", 0 }, { "~0.0", "0.0.5", 1 },
		{ "~0.0", "0.1.0", 0 },
		/* ^, 0.x included */
		{ "^1.2.3", "1.9.0", 1 }, { "^1.2.3", "2.0.0", 0 },
		{ "^1.2.3", "1.2.2", 0 }, { "^1.2", "1.2.0", 1 },
		{ "^1.2.x", "1.99.0", 1 }, { "^2.x", "2.0.0", 1 },
		{ "^0.2.3", "0.2.9", 1 }, { "^0.2.3", "0.3.0", 0 },
		{ "^0.2", "0.2.0", 1 }, { "^0.2", "0.3.0", 0 },
		{ "^0.0.3", "0.0.3", 1 }, { "^0.0.3", "0.0.4", 0 },
		{ "^0.0", "0.0.9", 1 }, { "^0.0", "0.1.0", 0 },
		{ "^0", "0.9.0", 1 }, { "^0", "1.0.0", 0 },
		/* AND (blank or ','), OR, hyphen ranges */
		{ ">= 1.2 < 3.0.0", "2.5.0", 1 }, { ">=1.2, <3", "3.0.0", 0 },
		{ ">=1.2,<3", "1.2.0", 1 },
		{ ">= 1.2 < 3.0.0 || >= 4.2.3", "4.3.0", 1 },
		{ ">= 1.2 < 3.0.0 || >= 4.2.3", "3.5.0", 0 },
		{ "1.0||2.0", "2.0.5", 1 },
		{ "1.2 - 1.4.5", "1.4.5", 1 }, { "1.2 - 1.4.5", "1.4.6", 0 },
		{ "1.2 - 1.4.5", "1.1.9", 0 }, { "2.3.4 - 4.5", "4.5.9", 1 },
		{ "2.3.4 - 4.5", "4.6.0", 0 },
		/* pre-releases: skipped unless the constraint has one */
		{ ">=3.10", "3.12.4-slim", 0 }, { "~3.12", "3.12.4-slim", 0 },
		{ "*", "1.0.0-rc1", 0 }, { ">=3.10.0-0", "3.12.4-slim", 1 },
		{ ">=1.2.3-BETA", "1.2.3-alpha", 1 },
		{ ">=1.2.3-beta", "1.2.3-alpha", 0 },
		{ "!=1.2.3", "1.2.4-rc1", 1 }, { "!=1.2", "1.2.4-rc1", 0 },
		{ ">=1.0.0-0 <2.0.0", "1.5.0-rc1", 0 },
		{ "~1.2.3-beta", "1.2.5-alpha", 1 },
		{ "<1.2.3", "1.2.3-rc1", 0 }, { "<1.2.3-z", "1.2.3-rc1", 1 },
		/* not versions never match */
		{ "*", "latest", 0 }, { ">=3", "3.13.0rc1", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		is_int(check(c[i].range, c[i].tag), c[i].want, "'%s' %s '%s'",
		    c[i].range, c[i].want ? "admits" : "refuses", c[i].tag);
}

static void
test_errors(void)
{
	static const char *const bad[] = {
		"", "   ", ">=", ">= ,1", "1.2,", ",1.2", "1.2 ||", "|| 1.2",
		"1.2 | 1.3", ">=1.2<2", "1.2a", "1.2.3.4", "1.y", "=!1",
		">>1", "1.2 - ", ">=1.2 - 1.4", "1.2 - >=1.4", "1.2 -1.4",
		"1.2.3-01", "99999999999999999999", "1.2.3-", "1.2 - 1.3 - 1.4",
	};
	struct tm_err	err;
	size_t		i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tm_semver_range	*r = tm_semver_range_compile(bad[i],
		    &err);

		ok(r == NULL && err.cat == TM_CAT_USAGE &&
		    strncmp(err.msg, "bad range: ", 11) == 0,
		    "'%s' is refused: %s", bad[i], r == NULL ? err.msg : "");
		tm_semver_range_free(r);
	}
	ok(check(">=1.2 <3", "2.0") == 1 && check(" >= 1.2 ,  < 3 ", "2.0")
	    == 1, "blanks around operators and separators");
	ok(parses("3.12.4") && !parses("3.12.4 "), "a tag with a blank is none");
}

int
main(void)
{
	test_parse();
	test_order();
	test_ranges();
	test_errors();
	return tap_done();
}
