/*
 * Tag expressions: parse Quay-style globs, excludes and regexes, and
 * select the matching tags of a list in natural order.
 */
#include "config.h"

#include "tagexpr.h"

#include <ctype.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semver.h"

/*
 * A glob is compiled into one 256-bit character set per character it
 * consumes ('x', '?' and "[...]" alike, so matching never branches on the
 * kind of step) and the positions of its stars, runs of stars being one.
 * The stars split the sets into fixed-length segments: the first must
 * match at the start, the last at the end, and each one between goes at
 * its leftmost place after the previous one.  Leftmost is always right
 * because a segment has a fixed length, so this is the greedy
 * star-backtrack algorithm: O(len(tag) * len(glob)) at worst, never
 * exponential.  Matching is on bytes; valid tags are ASCII, where that is
 * exactly Python's matching on characters.
 */
struct charset {
	uint64_t	bits[4];
};

struct glob {
	struct charset	*cs;	/* one per consumed character */
	size_t		 n;	/* so the shortest match's length */
	size_t		*star;	/* a star stands before cs[star[k]] */
	size_t		 nstar;
};

struct item {
	char		*text;		/* trimmed, as written */
	enum tagexpr_kind kind;
	size_t		 column;	/* 1-based, for messages */
	int		 is_regex;
	struct glob	 glob;		/* for latest:, the candidates' GLOB */
	regex_t		 re;
	struct tm_semver_range *range;	/* semver: */
	int		 has_suffix;
	struct glob	 suffix;	/* ";suffix=GLOB" */
	size_t		 latest;	/* latest:N */
};

struct tagexpr {
	struct item	*items;
	size_t		 n;
	size_t		 n_include;
};

static int
charset_has(const struct charset *cs, unsigned char c)
{
	return (int)((cs->bits[c >> 6] >> (c & 63)) & 1);
}

static void
charset_add_range(struct charset *cs, unsigned lo, unsigned hi)
{
	unsigned	c;

	for (c = lo; c <= hi; c++)
		cs->bits[c >> 6] |= (uint64_t)1 << (c & 63);
}

/*
 * Build the set for "[...]" whose inside (between '[' and the closing ']')
 * is s[0..m).  This follows what fnmatch.translate produces, hyphens
 * first: they split the inside into chunks, and the last character of one
 * chunk with the first of the next forms a range.  A hyphen is no
 * separator when it comes first (after any '!') or right after a range's
 * end character, and a trailing one is literal.  A range whose start is
 * above its end vanishes with both its end characters, so "[c-a]" matches
 * nothing.  Only then is a leading '!' read as negation, which is why
 * "[!c-a]" and even "[b--!]" match any character.
 */
#define SEP	(-1)

static void
charset_build(struct charset *cs, const char *s, size_t m, int *seq)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 k, pos = 0, i, nt = 0;

	/* seq: characters and SEP markers, at most m entries. */
	for (k = s[0] == '!' ? 2 : 1; k < m; k++) {
		if (s[k] != '-')
			continue;
		while (pos < k)
			seq[nt++] = u[pos++];
		seq[nt++] = SEP;
		pos = k + 1;
		k += 2;		/* with the loop's k++: k + 3 */
	}
	if (pos < m) {
		while (pos < m)
			seq[nt++] = u[pos++];
	} else
		seq[nt - 1] = '-';
	/* Drop reversed ranges, last first, as translate does. */
	for (i = nt; i-- > 1;) {
		if (seq[i] != SEP || seq[i - 1] <= seq[i + 1])
			continue;
		memmove(seq + i - 1, seq + i + 2, (nt - i - 2) * sizeof *seq);
		nt -= 3;
		i--;
	}
	memset(cs, 0, sizeof *cs);
	i = nt > 0 && seq[0] == '!';
	if (i < nt && seq[i] == SEP)
		seq[i] = '-';	/* "[^-": nothing to range from */
	for (; i < nt; i++) {
		if (seq[i] == SEP)
			charset_add_range(cs, (unsigned)seq[i - 1],
			    (unsigned)seq[i + 1]);
		else
			charset_add_range(cs, (unsigned)seq[i],
			    (unsigned)seq[i]);
	}
	if (nt > 0 && seq[0] == '!')
		for (i = 0; i < 4; i++)
			cs->bits[i] = ~cs->bits[i];
}

static void
glob_free(struct glob *g)
{
	free(g->cs);
	free(g->star);
	memset(g, 0, sizeof *g);
}

/* Compile pat[0..n).  0, or -1 when out of memory. */
static int
glob_compile(struct glob *g, const char *pat, size_t n)
{
	size_t	 i = 0, j;
	int	*seq;

	memset(g, 0, sizeof *g);
	g->cs = calloc(n + 1, sizeof *g->cs);
	g->star = calloc(n + 1, sizeof *g->star);
	seq = calloc(n + 1, sizeof *seq);
	if (g->cs == NULL || g->star == NULL || seq == NULL) {
		free(seq);
		glob_free(g);
		return -1;
	}
	while (i < n) {
		struct charset	*cs = &g->cs[g->n];
		char		 c = pat[i++];

		if (c == '*') {
			if (g->nstar == 0 || g->star[g->nstar - 1] != g->n)
				g->star[g->nstar++] = g->n;
			continue;
		}
		g->n++;
		if (c == '?') {
			memset(cs->bits, 0xff, sizeof cs->bits);
			continue;
		}
		charset_add_range(cs, (unsigned char)c, (unsigned char)c);
		if (c != '[')
			continue;
		/* ']' first (after an optional '!') belongs to the set. */
		j = i;
		if (j < n && pat[j] == '!')
			j++;
		if (j < n && pat[j] == ']')
			j++;
		while (j < n && pat[j] != ']')
			j++;
		if (j >= n)
			continue;	/* unclosed: a literal '[' */
		charset_build(cs, pat + i, j - i, seq);
		i = j + 1;
	}
	free(seq);
	return 0;
}

/* Does s[0..n) match the sets cs[0..n)? */
static int
segment_match(const struct charset *cs, const unsigned char *s, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (!charset_has(&cs[k], s[k]))
			return 0;
	return 1;
}

static int
glob_match(const struct glob *g, const char *name, size_t len)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 head, tail, pos, end, k, a, b;

	if (g->nstar == 0)
		return len == g->n && segment_match(g->cs, s, len);
	if (len < g->n)
		return 0;
	head = g->star[0];
	tail = g->n - g->star[g->nstar - 1];
	if (!segment_match(g->cs, s, head) ||
	    !segment_match(g->cs + g->n - tail, s + len - tail, tail))
		return 0;
	pos = head;
	end = len - tail;
	for (k = 1; k < g->nstar; k++) {
		a = g->star[k - 1];
		b = g->star[k];
		for (;; pos++) {
			if (end - pos < b - a)
				return 0;
			if (segment_match(g->cs + a, s + pos, b - a))
				break;
		}
		pos += b - a;
	}
	return 1;
}

int
tm_fnmatch(const char *pat, const char *name)
{
	struct glob	g;
	int		r;

	if (glob_compile(&g, pat, strlen(pat)) == -1)
		return 0;
	r = glob_match(&g, name, strlen(name));
	glob_free(&g);
	return r;
}

/*
 * Regex items must match the whole tag.  Wrapping the user's text in
 * "^(...)$" is not safe: an unmatched ')' is an ordinary character in
 * glibc's ERE, so "a)|(b" would escape the anchors.  Instead the regex
 * is compiled as written and a match counts only when POSIX's
 * leftmost-longest match spans the whole tag, which happens exactly when
 * some whole-tag match exists.
 */
static int
regex_match(const regex_t *re, const char *tag, size_t len)
{
	regmatch_t	m;

	if (regexec(re, tag, 1, &m, 0) != 0)
		return 0;
	return m.rm_so == 0 && (size_t)m.rm_eo == len;
}

/*
 * glibc's regcomp builds a copy of the repeated part for every count of a
 * repetition ("x+" is "xx*", "x{3,5}" five copies) and copies of copies
 * for stacked or nested ones, so "1" followed by 22 '+' takes 3 GB, and
 * optional copies cost time quadratic in their number when matching too.
 * So each regex is sized first, as regcomp would expand it: every byte
 * counts one and a repetition multiplies what it repeats.  The sizing
 * only ever over-counts: where glibc would refuse the syntax it reads on
 * as if it did not.  Back-references make matching exponential (and are
 * not POSIX ERE): refused too.
 */
#define RE_MAX_SIZE	1000	/* one regex; (a?){170} is about 700 */
#define RE_MAX_TOTAL	(4 * RE_MAX_SIZE)	/* all of an expression's */
#define RE_MAX_DEPTH	64	/* nested groups */

static size_t
size_add(size_t a, size_t b)
{
	return a + b > RE_MAX_TOTAL ? RE_MAX_TOTAL + 1 : a + b;
}

static size_t
size_mul(size_t a, size_t b)
{
	return b != 0 && a > (RE_MAX_TOTAL + 1) / b ? RE_MAX_TOTAL + 1 : a * b;
}

/* Length of the bracket expression at p ('['), to its ']'; 0 unclosed. */
static size_t
bracket_len(const char *p)
{
	const char	*q = p + 1, *end;

	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q != ']'; q++) {
		if (*q == '\0')
			return 0;
		if (q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			char	close[3] = { q[1], ']', '\0' };

			if ((end = strstr(q + 2, close)) == NULL)
				return 0;
			q = end + 1;
		}
	}
	return (size_t)(q - p) + 1;
}

/*
 * The copies a repetition at p makes and its length in *len: 0 when p is
 * none.  An interval glibc would refuse counts as one copy.
 */
static size_t
repeat_count(const char *p, size_t *len)
{
	char		*e;
	unsigned long	 m, n;

	*len = 1;
	if (*p == '*' || *p == '?')
		return 1;
	if (*p == '+')
		return 2;
	if (*p != '{')
		return 0;
	if (!isdigit((unsigned char)p[1]) && p[1] != ',')
		return 1;
	/* "{,n}" is "{0,n}": strtoul reads no digits, e stays at the ','. */
	m = strtoul(p + 1, &e, 10);
	if (m > RE_MAX_TOTAL)
		m = RE_MAX_TOTAL;	/* glibc refuses over RE_DUP_MAX anyway */
	n = m + 1;	/* "{m,}" is m copies and a star */
	if (*e == ',' && isdigit((unsigned char)e[1]))
		n = strtoul(e + 1, &e, 10);
	else if (*e == ',')
		e++;
	else
		n = m;
	if (*e != '}')
		return 1;
	*len = (size_t)(e - p) + 1;
	return n > RE_MAX_TOTAL ? RE_MAX_TOTAL + 1 : n > 0 ? n : 1;
}

/*
 * Size re (see above) into *size, *col (0-based in re) where it went past
 * RE_MAX_SIZE; -1 with *why and *col for a back-reference or groups
 * nested deeper than RE_MAX_DEPTH.  size[d] is group d so far, last[d] the
 * part a repetition would apply to.
 */
static int
regex_size(const char *re, size_t *size, const char **why, size_t *col)
{
	size_t		 sum[RE_MAX_DEPTH + 1] = { 0 }, last[RE_MAX_DEPTH + 1] = { 0 };
	size_t		 d = 0, len, k, w;
	const char	*p;

	for (p = re; *p != '\0'; p += len) {
		len = 1;
		w = 1;
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9') {
			*why = "back-references are not supported";
			*col = (size_t)(p - re);
			return -1;
		} else if (*p == '\\' && p[1] != '\0')
			len = w = 2;
		else if (*p == '[' && (k = bracket_len(p)) > 0)
			len = w = k;
		else if (*p == '(' && d == RE_MAX_DEPTH) {
			*why = "groups are nested too deeply";
			*col = (size_t)(p - re);
			return -1;
		} else if (*p == '(') {
			sum[++d] = 1;
			last[d] = 0;
			continue;
		} else if (*p == ')' && d > 0)
			w = size_add(sum[d--], 1);
		else if (*p == '|') {
			sum[d] = size_add(sum[d], 1);
			last[d] = 0;
			continue;
		} else if ((k = repeat_count(p, &len)) > 0) {
			/* The repeated part, k times, and the operator. */
			w = size_add(size_mul(last[d], k), len);
			sum[d] = size_add(sum[d] - last[d], w);
			last[d] = w;
			if (sum[d] > RE_MAX_SIZE)
				break;
			continue;
		}
		sum[d] = size_add(sum[d], w);
		last[d] = w;
		if (sum[d] > RE_MAX_SIZE)
			break;
	}
	/* Unclosed groups are refused by regcomp; still count them. */
	for (; d > 0; d--)
		sum[d - 1] = size_add(sum[d - 1], sum[d]);
	*size = sum[0];
	*col = (size_t)(p - re);
	return 0;
}

/*
 * semver: items.  With a suffix filter the version is judged without its
 * suffix, so "3.12.4-slim" counts as the release 3.12.4 the user asked for
 * by naming "-slim".
 */
static int
semver_match(const struct item *it, const char *tag, size_t len)
{
	struct tm_semver	v;

	if (tm_semver_parse(tag, len, &v) == -1)
		return 0;
	if (it->has_suffix) {
		if (!glob_match(&it->suffix, tag + v.core, len - v.core))
			return 0;
		v.pre = NULL;
		v.npre = 0;
	}
	return tm_semver_range_check(it->range, &v);
}

/* A latest: item matches its candidates here; tagexpr_apply chooses. */
static int
item_match(const struct item *it, const char *tag, size_t len)
{
	if (it->range != NULL)
		return semver_match(it, tag, len);
	if (it->is_regex)
		return regex_match(&it->re, tag, len);
	return glob_match(&it->glob, tag, len);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static void
item_free(struct item *it)
{
	if (it->is_regex)
		regfree(&it->re);
	else
		glob_free(&it->glob);
	tm_semver_range_free(it->range);
	glob_free(&it->suffix);
	free(it->text);
}

/* Refuse a regex regcomp could not compile in bounded memory and time. */
static int
regex_check(const struct item *it, size_t pos, const char *re, size_t *total,
    struct tm_err *err)
{
	const char	*why, *dots = strlen(it->text) > 40 ? "..." : "";
	char		 buf[80];
	size_t		 size, col;

	if (regex_size(re, &size, &why, &col) == 0) {
		if (size > RE_MAX_SIZE)
			snprintf(buf, sizeof buf, "it expands past %d parts "
			    "(stacked or nested repetition?)", RE_MAX_SIZE);
		else if ((*total += size) > RE_MAX_TOTAL) {
			snprintf(buf, sizeof buf, "with the expression's other "
			    "regexes it expands past %d parts", RE_MAX_TOTAL);
			col = 0;
		} else
			return 0;
		why = buf;
	}
	/* The column is in the expression, as the item's is. */
	return tm_err_set(err, TM_CAT_USAGE, "item %zu '%.40s%s' at column %zu: "
	    "regex refused at column %zu: %s", pos, it->text, dots, it->column,
	    it->column + (size_t)(re - it->text) + col, why);
}

/* "semver:RANGE[;suffix=GLOB]", s after the "semver:". */
static int
semver_compile(struct item *it, size_t pos, const char *s, struct tm_err *err)
{
	const char	*semi = strchr(s, ';');
	char		*range;
	struct tm_err	 e2;

	range = strndup(s, semi != NULL ? (size_t)(semi - s) : strlen(s));
	if (range == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	it->range = tm_semver_range_compile(range, &e2);
	free(range);
	if (it->range == NULL && e2.cat == TM_CAT_IO)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	if (it->range == NULL)
		return tm_err_set(err, TM_CAT_USAGE,
		    "item %zu '%s' at column %zu: %s", pos, it->text,
		    it->column, e2.msg);
	if (semi == NULL)
		return 0;
	for (semi++; is_space(*semi); semi++)
		;
	if (strncmp(semi, "suffix=", 7) != 0)
		return tm_err_set(err, TM_CAT_USAGE,
		    "item %zu '%s' at column %zu: after ';' only suffix=GLOB",
		    pos, it->text, it->column);
	it->has_suffix = 1;
	if (glob_compile(&it->suffix, semi + 7, strlen(semi + 7)) == -1)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	return 0;
}

/* "latest:N[:GLOB]", s after the "latest:". */
static int
latest_compile(struct item *it, size_t pos, const char *s, struct tm_err *err)
{
	const char	*why = NULL, *glob = "*";
	size_t		 n = 0, d;

	if (it->kind == TAGEXPR_EXCLUDE)
		why = "latest: cannot be excluded (excludes apply before it "
		    "chooses)";
	for (; why == NULL && *s >= '0' && *s <= '9'; s++) {
		d = (size_t)(*s - '0');
		if (n > (SIZE_MAX - d) / 10)
			why = "latest: count too large";
		n = n * 10 + d;
	}
	if (why == NULL && n == 0)
		why = "latest: needs a count of at least 1";
	else if (why == NULL && *s == ':')
		glob = ++s;
	else if (why == NULL && *s != '\0')
		why = "latest:N takes ':GLOB' or nothing after the count";
	if (why == NULL && *glob == '\0')
		why = "latest:N: needs a glob after the ':'";
	if (why != NULL)
		return tm_err_set(err, TM_CAT_USAGE,
		    "item %zu '%s' at column %zu: %s", pos, it->text,
		    it->column, why);
	it->latest = n;
	if (glob_compile(&it->glob, glob, strlen(glob)) == -1)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	return 0;
}

/* Compile the pattern part of an item: a glob or "re:REGEX". */
static int
item_compile(struct item *it, size_t pos, const char *pat, size_t *re_total,
    struct tm_err *err)
{
	char	buf[200];
	int	rc;

	if (strncmp(pat, "re:", 3) != 0) {
		if (glob_compile(&it->glob, pat, strlen(pat)) == -1)
			return tm_err_set(err, TM_CAT_IO, "out of memory");
		return 0;
	}
	pat += 3;
	if (*pat == '\0')
		return tm_err_set(err, TM_CAT_USAGE,
		    "item %zu '%s' at column %zu: empty regex", pos, it->text,
		    it->column);
	if (regex_check(it, pos, pat, re_total, err) == -1)
		return -1;
	rc = regcomp(&it->re, pat, REG_EXTENDED);
	if (rc != 0) {
		regerror(rc, &it->re, buf, sizeof buf);
		return tm_err_set(err, TM_CAT_USAGE,
		    "item %zu '%s' at column %zu: bad regex: %s", pos, it->text,
		    it->column, buf);
	}
	it->is_regex = 1;
	return 0;
}

static int
item_parse(struct item *it, size_t pos, const char *start, size_t len,
    size_t column, size_t *re_total, struct tm_err *err)
{
	const char	*pat;

	it->text = strndup(start, len);
	if (it->text == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	it->column = column;
	it->kind = TAGEXPR_GLOB;
	pat = it->text;
	if (*pat == '!') {
		it->kind = TAGEXPR_EXCLUDE;
		/* Tags hold no blanks, so "! 3.6*" can only mean "!3.6*". */
		for (pat++; is_space(*pat); pat++)
			;
		if (*pat == '\0')
			return tm_err_set(err, TM_CAT_USAGE,
			    "item %zu '%s' at column %zu: '!' needs a pattern "
			    "to exclude", pos, it->text, column);
	} else if (strncmp(pat, "re:", 3) == 0)
		it->kind = TAGEXPR_REGEX;
	else if (strncmp(pat, "semver:", 7) == 0)
		it->kind = TAGEXPR_SEMVER;
	else if (strncmp(pat, "latest:", 7) == 0)
		it->kind = TAGEXPR_LATEST;
	if (strncmp(pat, "semver:", 7) == 0)
		return semver_compile(it, pos, pat + 7, err);
	if (strncmp(pat, "latest:", 7) == 0)
		return latest_compile(it, pos, pat + 7, err);
	return item_compile(it, pos, pat, re_total, err);
}

struct tagexpr *
tagexpr_compile(const char *expr, struct tm_err *err)
{
	struct tagexpr	*e;
	const char	*p = expr, *q, *a, *z;
	size_t		 cap = 0, re_total = 0;

	tm_err_clear(err);
	e = calloc(1, sizeof *e);
	if (e == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	for (;;) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		for (a = p; a < q && is_space(*a); a++)
			;
		for (z = q; z > a && is_space(z[-1]); z--)
			;
		if (z > a) {
			if (e->n == cap) {
				struct item	*n;

				cap = cap ? cap * 2 : 8;
				n = reallocarray(e->items, cap, sizeof *n);
				if (n == NULL) {
					tm_err_set(err, TM_CAT_IO,
					    "out of memory");
					goto fail;
				}
				e->items = n;
			}
			memset(&e->items[e->n], 0, sizeof e->items[e->n]);
			if (item_parse(&e->items[e->n], e->n + 1, a,
			    (size_t)(z - a), (size_t)(a - expr) + 1,
			    &re_total, err) == -1) {
				item_free(&e->items[e->n]);
				goto fail;
			}
			if (e->items[e->n].kind != TAGEXPR_EXCLUDE)
				e->n_include++;
			e->n++;
		}
		if (*q == '\0')
			break;
		p = q + 1;
	}
	return e;
fail:
	tagexpr_free(e);
	return NULL;
}

void
tagexpr_free(struct tagexpr *e)
{
	size_t	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		item_free(&e->items[i]);
	free(e->items);
	free(e);
}

size_t
tagexpr_items(const struct tagexpr *e)
{
	return e->n;
}

const char *
tagexpr_item_text(const struct tagexpr *e, size_t i)
{
	return i < e->n ? e->items[i].text : NULL;
}

enum tagexpr_kind
tagexpr_item_kind(const struct tagexpr *e, size_t i)
{
	return i < e->n ? e->items[i].kind : TAGEXPR_GLOB;
}

/*
 * Evaluate the items on tag: EV_INCLUDED when some include matches (or the
 * expression has only excludes), EV_EXCLUDED when some exclude matches.
 * hits (may be NULL) receives every item's result for counting; without
 * it, evaluation stops as soon as the answer is known.
 */
#define EV_INCLUDED	1
#define EV_EXCLUDED	2

static int
evaluate(const struct tagexpr *e, const char *tag, unsigned char *hits)
{
	size_t	i, len = strlen(tag);
	int	inc = e->n_include == 0 && e->n > 0, exc = 0, m;

	for (i = 0; i < e->n; i++) {
		const struct item	*it = &e->items[i];

		if (hits == NULL && (it->kind == TAGEXPR_EXCLUDE ? exc : inc))
			continue;	/* cannot change the answer */
		m = item_match(it, tag, len);
		if (hits != NULL)
			hits[i] = (unsigned char)m;
		if (it->kind == TAGEXPR_EXCLUDE)
			exc |= m;
		else
			inc |= m;
		if (hits == NULL && exc)
			break;
	}
	return (inc ? EV_INCLUDED : 0) | (exc ? EV_EXCLUDED : 0);
}

int
tagexpr_match(const struct tagexpr *e, const char *tag)
{
	return evaluate(e, tag, NULL) == EV_INCLUDED;
}

struct ranked {
	const char	*name;
	size_t		 idx;
	int		 is_version;
	struct tm_semver v;
};

static int
ranked_cmp(const void *va, const void *vb)
{
	const struct ranked	*a = va, *b = vb;
	int			 c = tm_natcmp(a->name, b->name);

	if (c != 0)
		return c;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Version order, highest first: versions above non-versions. */
static int
ranked_newest_first(const void *va, const void *vb)
{
	const struct ranked	*a = va, *b = vb;
	int			 c;

	if (a->is_version != b->is_version)
		return a->is_version ? -1 : 1;
	if (a->is_version && (c = tm_semver_cmp(&b->v, &a->v)) != 0)
		return c;
	return ranked_cmp(vb, va);
}

#define ST_CHOSEN	1
#define ST_EXCLUDED	2

/*
 * Item it is "latest:N:GLOB": mark the N highest tags GLOB matches among
 * those no exclude removed.  Returns how many it chose, (size_t)-1 when
 * out of memory.
 */
static size_t
choose_latest(const struct item *it, const char *const *tags, size_t n,
    unsigned char *state)
{
	struct ranked	*c;
	size_t		 t, nc = 0;

	if ((c = calloc(n + 1, sizeof *c)) == NULL)
		return (size_t)-1;
	for (t = 0; t < n; t++) {
		size_t	len = strlen(tags[t]);

		if ((state[t] & ST_EXCLUDED) ||
		    !glob_match(&it->glob, tags[t], len))
			continue;
		c[nc].name = tags[t];
		c[nc].idx = t;
		c[nc].is_version = tm_semver_parse(tags[t], len, &c[nc].v) == 0;
		nc++;
	}
	if (nc > it->latest) {
		qsort(c, nc, sizeof *c, ranked_newest_first);
		nc = it->latest;
	}
	for (t = 0; t < nc; t++)
		state[c[t].idx] |= ST_CHOSEN;
	free(c);
	return nc;
}

/* Every item but latest: on every tag: state and counts. */
static void
mark_items(const struct tagexpr *e, const char *const *tags, size_t n,
    unsigned char *hits, unsigned char *state, size_t *counts)
{
	size_t	t, i;
	int	ev;

	for (t = 0; t < n; t++) {
		ev = evaluate(e, tags[t], hits);
		if (e->n_include == 0 && e->n > 0)
			state[t] |= ST_CHOSEN;
		if (ev & EV_EXCLUDED)
			state[t] |= ST_EXCLUDED;
		for (i = 0; i < e->n; i++) {
			enum tagexpr_kind	k = e->items[i].kind;

			if (!hits[i] || k == TAGEXPR_LATEST)
				continue;
			/* An exclude counts the tags it took away. */
			if (k != TAGEXPR_EXCLUDE)
				state[t] |= ST_CHOSEN;
			if (k != TAGEXPR_EXCLUDE || (ev & EV_INCLUDED))
				counts[i]++;
		}
	}
}

/*
 * Two passes: every item but latest: on every tag, then each latest:
 * item over what the excludes left.
 */
int
tagexpr_apply(const struct tagexpr *e, const char *const *tags, size_t n,
    struct tagexpr_result *r, struct tm_err *err)
{
	struct ranked	*rk = NULL;
	unsigned char	*hits = NULL, *state = NULL;
	size_t		 t, i, nm = 0;

	memset(r, 0, sizeof *r);
	r->item_counts = calloc(e->n + 1, sizeof *r->item_counts);
	hits = calloc(e->n + 1, 1);
	state = calloc(n + 1, 1);
	rk = calloc(n + 1, sizeof *rk);
	if (r->item_counts == NULL || hits == NULL || state == NULL ||
	    rk == NULL)
		goto oom;
	mark_items(e, tags, n, hits, state, r->item_counts);
	for (i = 0; i < e->n; i++) {
		if (e->items[i].kind != TAGEXPR_LATEST)
			continue;
		r->item_counts[i] = choose_latest(&e->items[i], tags, n, state);
		if (r->item_counts[i] == (size_t)-1)
			goto oom;
	}
	for (t = 0; t < n; t++) {
		if (state[t] == ST_CHOSEN) {
			rk[nm].name = tags[t];
			rk[nm].idx = t;
			nm++;
		}
	}
	qsort(rk, nm, sizeof *rk, ranked_cmp);
	r->matched = calloc(nm + 1, sizeof *r->matched);
	if (r->matched == NULL)
		goto oom;
	for (i = 0; i < nm; i++)
		r->matched[i] = rk[i].idx;
	r->n_matched = nm;
	free(rk);
	free(hits);
	free(state);
	return 0;
oom:
	free(rk);
	free(hits);
	free(state);
	tagexpr_result_free(r);
	return tm_err_set(err, TM_CAT_IO, "out of memory");
}

void
tagexpr_result_free(struct tagexpr_result *r)
{
	free(r->matched);
	free(r->item_counts);
	memset(r, 0, sizeof *r);
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Split both strings into tokens: a run of digits, or one other byte.
 * Digit runs compare by value (leading zeros ignored, so no overflow for
 * any length); a digit run against a byte compares as the digit '0' would,
 * which is consistent because no other byte lies among the digits.  Equal
 * token sequences ("3.01" and "3.1") fall back to strcmp.
 *
 * Sorting tens of thousands of tags calls this a million times, and tags
 * that sort near each other share long prefixes: skip the common bytes,
 * back to the start of the digit run they may end inside, and tokenise
 * only from there.
 */
int
tm_natcmp(const char *a, const char *b)
{
	const unsigned char	*p = (const unsigned char *)a;
	const unsigned char	*q = (const unsigned char *)b;
	size_t			 i = 0;

	while (p[i] != '\0' && p[i] == q[i])
		i++;
	if (p[i] == q[i])
		return 0;
	while (i > 0 && is_digit(p[i - 1]))
		i--;
	p += i;
	q += i;
	while (*p != '\0' && *q != '\0') {
		if (is_digit(*p) && is_digit(*q)) {
			int	first = 0;

			while (*p == '0' && is_digit(p[1]))
				p++;
			while (*q == '0' && is_digit(q[1]))
				q++;
			/* Equal lengths: the first differing digit decides. */
			for (; is_digit(*p) && is_digit(*q); p++, q++)
				if (first == 0 && *p != *q)
					first = *p < *q ? -1 : 1;
			if (is_digit(*p))
				return 1;
			if (is_digit(*q))
				return -1;
			if (first != 0)
				return first;
			continue;
		}
		{
			unsigned	cp = is_digit(*p) ? '0' : *p;
			unsigned	cq = is_digit(*q) ? '0' : *q;

			if (cp != cq)
				return cp < cq ? -1 : 1;
		}
		p++;
		q++;
	}
	if (*p != *q)
		return *p == '\0' ? -1 : 1;
	return strcmp(a, b);
}
