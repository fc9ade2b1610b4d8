/*
 * Tag expressions: fnmatch corner cases (each checked against Python 3.11's
 * fnmatch.fnmatchcase by hand; tests/it/match_fnmatch.sh does it by
 * machine), the extensions, errors, counts, natural order and speed.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "tagexpr.h"
#include "tap.h"

/* Escape bytes outside ASCII so TAP lines stay text. */
static const char *
printable(char *buf, const char *s)
{
	char	*o = buf;

	for (; *s != '\0' && o < buf + 56; s++) {
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			*o++ = *s;
		else
			o += sprintf(o, "\\x%02x", (unsigned char)*s);
	}
	*o = '\0';
	return buf;
}

static void
test_fnmatch(void)
{
	static const struct {
		const char	*pat, *name;
		int		 want;
	} c[] = {
		{ "3.[789].?", "3.8.1", 1 },
		{ "3.[789].?", "3.8.10", 0 },
		{ "3.[789].?", "3.6.1", 0 },
		{ "*", "", 1 },
		{ "", "", 1 },
		{ "", "a", 0 },
		{ "?", "", 0 },
		{ "a*b*c", "aXbYc", 1 },
		{ "a*b*c", "aXbYcZ", 0 },
		{ "*-slim*", "3.10.1-slim-bookworm", 1 },
		{ "3.10.?-slim*'", "3.10.1-slim", 0 },	/* the stray quote */
		{ "LATEST", "latest", 0 },		/* case-sensitive */
		{ "[!a]", "b", 1 },
		{ "[!a]", "a", 0 },
		{ "[]]", "]", 1 },			/* ']' first is literal */
		{ "[!]]", "a", 1 },
		{ "[!]]", "]", 0 },
		{ "[!]", "[!]", 1 },			/* unclosed: literal */
		{ "[!]", "a", 0 },
		{ "[", "[", 1 },
		{ "[a", "[a", 1 },
		{ "[a", "a", 0 },
		{ "[]", "[]", 1 },
		{ "[]a]", "a", 1 },
		{ "[-a]", "-", 1 },			/* '-' first: literal */
		{ "[a-]", "-", 1 },			/* '-' last: literal */
		{ "[a-]", "b", 0 },
		{ "[!-a]", "-", 0 },
		{ "[!-a]", "b", 1 },
		{ "[a-c]", "b", 1 },
		{ "[a-c]", "d", 0 },
		{ "[c-a]", "c", 0 },			/* reversed: empty */
		{ "[c-a]", "b", 0 },
		{ "[!c-a]", "c", 1 },			/* negated empty: any */
		{ "[!c-a]", "-", 1 },
		{ "[xc-ay]", "x", 1 },
		{ "[xc-ay]", "c", 0 },
		{ "[a--b]", "b", 1 },			/* 'a'..'-' vanishes */
		{ "[a--b]", "a", 0 },
		{ "[a--b]", "-", 0 },
		{ "[a--]", "-", 0 },
		{ "[+--]", ",", 1 },			/* '+'..'-' */
		{ "[a-b-c]", "-", 1 },			/* range, '-', 'c' */
		{ "[a-b-c]", "c", 1 },
		{ "[\\]", "\\", 1 },			/* backslash literal */
		{ "\\*", "\\abc", 1 },
		{ "\\*", "*", 0 },
		{ "[[:digit:]]", "[]", 1 },		/* no classes */
		{ "[[:digit:]]", "1", 0 },
		{ "[[:digit:]]", ":]", 1 },
		{ "a[^b]c", "a^c", 1 },
		{ "a[^b]c", "abc", 1 },
		{ "*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
		{ "[\xe9]", "\xe9", 1 },		/* bytes are unsigned */
		{ "[\x80-\xff]", "\xe9", 1 },
		{ "[!\x80-\xff]", "\xe9", 0 },
	};
	char	pat[64], name[64];
	size_t	i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		is_int(tm_fnmatch(c[i].pat, c[i].name), c[i].want,
		    "fnmatch('%s', '%s')", printable(name, c[i].name),
		    printable(pat, c[i].pat));
}

static struct tagexpr *
compile_ok(const char *expr)
{
	struct tm_err	 err;
	struct tagexpr	*e = tagexpr_compile(expr, &err);

	ok(e != NULL, "compiles: %s", expr);
	if (e == NULL) {
		printf("#   %s\n", err.msg);
		exit(1);
	}
	return e;
}

static void
test_items(void)
{
	struct tagexpr	*e;

	e = compile_ok("  latest , ,3.[789].?,\t!3.8.* ,re:3\\.1[0-9]+, !re:.*rc.*,");
	is_int(tagexpr_items(e), 5, "empty items are ignored");
	is_str(tagexpr_item_text(e, 0), "latest", "item text is trimmed");
	is_str(tagexpr_item_text(e, 2), "!3.8.*", "exclude text keeps its '!'");
	is_int(tagexpr_item_kind(e, 0), TAGEXPR_GLOB, "glob kind");
	is_int(tagexpr_item_kind(e, 2), TAGEXPR_EXCLUDE, "exclude kind");
	is_int(tagexpr_item_kind(e, 3), TAGEXPR_REGEX, "regex kind");
	is_int(tagexpr_item_kind(e, 4), TAGEXPR_EXCLUDE, "!re: is an exclude");
	ok(tagexpr_item_text(e, 5) == NULL, "no item past the end");
	ok(tagexpr_match(e, "latest"), "glob selects");
	ok(tagexpr_match(e, "3.7.1"), "set selects");
	ok(!tagexpr_match(e, "3.8.1"), "exclude removes");
	ok(tagexpr_match(e, "3.12"), "regex selects");
	ok(!tagexpr_match(e, "3.12rc1"), "regex exclude removes");
	ok(!tagexpr_match(e, "x3.12"), "regex is anchored at the start");
	ok(!tagexpr_match(e, "3.12x"), "regex is anchored at the end");
	tagexpr_free(e);
}

static void
test_regex_anchor(void)
{
	struct tagexpr	*e;

	/* glibc takes a lone ')' literally: anchors must still hold. */
	e = compile_ok("re:a)|(b)");
	ok(tagexpr_match(e, "a)"), "regex with literal ')' matches whole");
	ok(tagexpr_match(e, "b"), "other branch matches whole");
	ok(!tagexpr_match(e, "xb"), "no escape from the anchors");
	ok(!tagexpr_match(e, "a)x"), "no escape from the anchors (end)");
	tagexpr_free(e);
	e = compile_ok("re:3|3\\.1.*");
	ok(tagexpr_match(e, "3.10"), "longest alternative counts");
	tagexpr_free(e);
	e = compile_ok("re:(a|ab)(c|bcd)");
	ok(tagexpr_match(e, "abcd"), "POSIX longest match, not the first");
	ok(!tagexpr_match(e, "abcdx"), "and still whole-tag only");
	tagexpr_free(e);
}

static void
expect_error(const char *expr, const char *want)
{
	struct tm_err	 err;
	struct tagexpr	*e = tagexpr_compile(expr, &err);

	ok(e == NULL && err.cat == TM_CAT_USAGE &&
	    strstr(err.msg, want) != NULL, "error for '%s' mentions \"%s\"",
	    expr, want);
	if (e == NULL)
		printf("#   %s\n", err.msg);
	tagexpr_free(e);
}

static void
test_errors(void)
{
	expect_error("latest, !", "item 2 '!' at column 9");
	expect_error("a,b,re:(", "item 3 're:(' at column 5: bad regex");
	expect_error("re:", "item 1 're:' at column 1: empty regex");
	expect_error("x,,!re:", "item 2 '!re:'");
	expect_error("! ", "'!' needs a pattern");
	expect_error("re:a)|(b", "item 1 're:a)|(b' at column 1: bad regex");
}

static void
test_apply(void)
{
	static const char *const tags[] = {
		"3.10.1", "3.9.1", "latest", "3.9.1-slim", "3.10.0rc1",
		"3.9.10", "3.9.2", "2.7",
	};
	struct tagexpr		*e;
	struct tagexpr_result	 r;
	struct tm_err		 err;
	char			 got[200];
	size_t			 i;

	e = compile_ok("3.*,latest,!*rc*,!*-slim,!3.9.2,!nothing*,nomatch");
	ok(tagexpr_apply(e, tags, 8, &r, &err) == 0, "apply");
	got[0] = '\0';
	for (i = 0; i < r.n_matched; i++) {
		strcat(got, tags[r.matched[i]]);
		strcat(got, " ");
	}
	is_str(got, "3.9.1 3.9.10 3.10.1 latest ", "matched in natural order");
	is_int(r.item_counts[0], 6, "3.* matched 6");
	is_int(r.item_counts[1], 1, "latest matched 1");
	is_int(r.item_counts[2], 1, "!*rc* removed 1");
	is_int(r.item_counts[3], 1, "!*-slim removed 1");
	is_int(r.item_counts[4], 1, "!3.9.2 removed 1");
	is_int(r.item_counts[5], 0, "!nothing* removed 0");
	is_int(r.item_counts[6], 0, "nomatch matched 0");
	tagexpr_result_free(&r);
	tagexpr_free(e);

	/* An exclude counts only tags it took away. */
	e = compile_ok("3.9*,!*-slim,!2*");
	ok(tagexpr_apply(e, tags, 8, &r, &err) == 0, "apply");
	is_int(r.n_matched, 3, "3.9* minus slim");
	is_int(r.item_counts[2], 0, "!2* removed nothing: 2.7 was not in");
	tagexpr_result_free(&r);
	tagexpr_free(e);

	e = compile_ok("!3.*");
	ok(tagexpr_apply(e, tags, 8, &r, &err) == 0, "apply");
	is_int(r.n_matched, 2, "only excludes: everything else is selected");
	is_int(r.item_counts[0], 6, "and the exclude removed 6");
	tagexpr_result_free(&r);
	tagexpr_free(e);

	e = compile_ok(" , ");
	is_int(tagexpr_items(e), 0, "blank expression has no items");
	ok(!tagexpr_match(e, "latest"), "and selects nothing");
	tagexpr_free(e);
}

static void
test_natcmp(void)
{
	static const char *const sorted[] = {
		"", "-", "0", "1", "01a", "2", "3", "3-slim", "3.9", "3.09.1",
		"3.9.1", "3.10", "3.10-slim", "3.10.0rc1", "3.10.1", "10",
		"99999999999999999999999", "100000000000000000000000", "a",
		"a1", "a2", "a10", "b",
	};
	size_t	n = sizeof sorted / sizeof sorted[0], i, j, bad = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int	c = tm_natcmp(sorted[i], sorted[j]);
			int	w = (i > j) - (i < j);

			if ((c > 0) - (c < 0) != w) {
				if (bad++ < 5)
					printf("#   natcmp('%s','%s') = %d\n",
					    sorted[i], sorted[j], c);
			}
		}
	is_int(bad, 0, "natural order: every pair as listed");
	ok(tm_natcmp("3.01", "3.1") != 0, "total order: 3.01 != 3.1");
	ok((tm_natcmp("3.01", "3.1") < 0) == (strcmp("3.01", "3.1") < 0),
	    "ties fall back to strcmp");
}

/* The plain token walk from the start: the oracle for the fast version. */
static int
ref_natcmp(const char *a, const char *b)
{
	const unsigned char	*p = (const unsigned char *)a;
	const unsigned char	*q = (const unsigned char *)b;

	while (*p != '\0' && *q != '\0') {
		if (isdigit(*p) && isdigit(*q)) {
			const unsigned char	*ep = p, *eq = q;
			size_t			 lp, lq;
			int			 c;

			while (*p == '0' && isdigit(p[1]))
				p++;
			while (*q == '0' && isdigit(q[1]))
				q++;
			for (ep = p; isdigit(*ep); ep++)
				;
			for (eq = q; isdigit(*eq); eq++)
				;
			lp = (size_t)(ep - p);
			lq = (size_t)(eq - q);
			if (lp != lq)
				return lp < lq ? -1 : 1;
			if ((c = memcmp(p, q, lp)) != 0)
				return c;
			p = ep;
			q = eq;
			continue;
		}
		if ((isdigit(*p) ? '0' : *p) != (isdigit(*q) ? '0' : *q))
			return (isdigit(*p) ? '0' : *p) < (isdigit(*q) ? '0' : *q) ? -1 : 1;
		p++;
		q++;
	}
	if (*p != *q)
		return *p == '\0' ? -1 : 1;
	return strcmp(a, b);
}

static void
test_natcmp_random(void)
{
	static const char	alpha[] = "0019.-a";
	char			a[12], b[12];
	size_t			i, k, bad = 0;
	unsigned		seed = 12345;

	for (i = 0; i < 300000; i++) {
		size_t	la = (seed = seed * 1103515245 + 12345) >> 16 & 7;
		size_t	lb = (seed = seed * 1103515245 + 12345) >> 16 & 7;

		for (k = 0; k < la; k++)
			a[k] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % 7];
		a[la] = '\0';
		/* Often a shared prefix: the case the fast path takes. */
		memcpy(b, a, lb < la ? lb : la);
		for (k = ((seed >> 20) & 1) ? (lb < la ? lb : la) / 2 : 0; k < lb; k++)
			b[k] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % 7];
		b[lb] = '\0';
		if ((tm_natcmp(a, b) > 0) - (tm_natcmp(a, b) < 0) !=
		    (ref_natcmp(a, b) > 0) - (ref_natcmp(a, b) < 0) && bad++ < 5)
			printf("#   natcmp('%s','%s') = %d, oracle %d\n", a, b,
			    tm_natcmp(a, b), ref_natcmp(a, b));
	}
	is_int(bad, 0, "300,000 random pairs: same order as the plain token walk");
}

static int
natcmp_ptr(const void *a, const void *b)
{
	return tm_natcmp(*(char *const *)a, *(char *const *)b);
}

/* tagexpr_apply sorts by byte keys: the same order tm_natcmp gives. */
static void
test_apply_order(void)
{
	static const char	alpha[] = "00129.-ab_";
	enum { N = 6000 };
	static char		names[N][10];
	const char		*v[N], *want[N];
	struct tagexpr		*e;
	struct tagexpr_result	 r;
	struct tm_err		 err;
	unsigned		 seed = 7;
	size_t			 i, k, len, bad = 0;

	for (i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		len = 1 + (seed >> 16) % 8;
		names[i][0] = 'v';	/* a valid first byte */
		for (k = 1; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			names[i][k] = alpha[(seed >> 16) % (sizeof alpha - 1)];
		}
		names[i][len] = '\0';
		v[i] = want[i] = names[i];
	}
	qsort(want, N, sizeof *want, natcmp_ptr);
	e = tagexpr_compile("*", &err);
	ok(e != NULL && tagexpr_apply(e, v, N, &r, &err) == 0 &&
	    r.n_matched == N, "6,000 random names all match '*'");
	for (i = 0; e != NULL && i < r.n_matched; i++)
		if (strcmp(v[r.matched[i]], want[i]) != 0 && bad++ < 3)
			printf("#   at %zu: '%s', tm_natcmp order has '%s'\n", i,
			    v[r.matched[i]], want[i]);
	is_int(bad, 0, "in exactly tm_natcmp's order");
	tagexpr_result_free(&r);
	tagexpr_free(e);
}

static void
test_speed(void)
{
	enum { N = 100000 };
	static const char *const suffix[] = {
		"", "-slim", "-alpine", "-bookworm", "-slim-bookworm",
		"rc1-windowsservercore-ltsc2022", "-alpine3.19",
	};
	/* "?\?" keeps C's trigraph "??-" out of the pattern. */
	const char	*expr = "latest,3.[789].?,3.[789].?\?,3.?\?.?,3.?\?.?\?,"
	    "3.?\?.?\?-*,3.?\?.?-*,3-*,3.[789].?-*,3.[789].?\?-*,3.6-*,"
	    "3.9.?\?-slim-*,3.10.?-slim*,!*rc*,*-alpine3.1[89],2.7.*,"
	    "3.1[0-3]-*,*windows*,!*-ltsc2016,[0-9]*-bullseye";
	struct tagexpr		*e = compile_ok(expr);
	struct tagexpr_result	 r;
	struct tm_err		 err;
	char			**tags = calloc(N, sizeof *tags);
	double			 t0, dt;
	size_t			 i;

	is_int(tagexpr_items(e), 20, "bench expression has 20 items");
	for (i = 0; i < N; i++) {
		tags[i] = malloc(64);
		snprintf(tags[i], 64, "%zu.%zu.%zu%s", 2 + i % 3, i % 17,
		    i / 51 % 40, suffix[i % 7]);
	}
	t0 = tm_now();
	ok(tagexpr_apply(e, (const char *const *)tags, N, &r, &err) == 0,
	    "apply 100000 tags");
	dt = tm_now() - t0;
	printf("# 100000 tags x 20 items: %.1f ms, %zu matched\n", dt * 1e3,
	    r.n_matched);
	/* Speed is for bench/match; here apply must agree with match. */
	{
		size_t	n = 0;

		for (i = 0; i < N; i++)
			n += (size_t)tagexpr_match(e, tags[i]);
		is_int(r.n_matched, n, "apply selects what match selects, tag by tag");
	}
	tagexpr_result_free(&r);
	for (i = 0; i < N; i++)
		free(tags[i]);
	free(tags);
	tagexpr_free(e);
}

int
main(void)
{
	test_fnmatch();
	test_items();
	test_regex_anchor();
	test_errors();
	test_apply();
	test_natcmp();
	test_natcmp_random();
	test_apply_order();
	test_speed();
	return tap_done();
}
