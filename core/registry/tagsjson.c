/*
 * The tags/list page parser: one pass over the JSON, names decoded in
 * place, no tree.
 */
#include "config.h"

#include "tagsjson.h"

#include <stdlib.h>
#include <string.h>

#include "ref.h"

#define NEST_MAX	1000	/* cJSON's CJSON_NESTING_LIMIT */
#define NUMBER_MAX	63	/* cJSON reads at most this many number bytes */

struct scan {
	char		*p, *end;
	int		 depth;
	/* The "tags" array's elements, once found. */
	const char	**names;
	size_t		 n, cap, count;
	int		 found, oom;
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (unsigned char)*s->p <= 32)
		s->p++;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* cJSON's parse_hex4: four hex digits, or 0 when any is not one. */
static unsigned
hex4(const char *p)
{
	unsigned	v = 0, d;
	int		i;

	for (i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = (unsigned)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = (unsigned)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = (unsigned)(p[i] - 'A' + 10);
		else
			return 0;
		v = v << 4 | d;
	}
	return v;
}

/*
 * The string at s->p (its opening quote), decoded in place and NUL
 * terminated at *out.  *bad is set when it holds a NUL or a character
 * beyond ASCII: never a tag, and a C string would hide the rest.  Every
 * escape is at least as long as what it decodes to, so the writer never
 * passes the reader.  0, or -1 when it is not a valid string.
 */
static int
string(struct scan *s, char **out, int *bad)
{
	char		*r, *w, *q;
	unsigned	 cp, lo;

	*bad = 0;
	if (s->p >= s->end || *s->p != '"')
		return -1;
	/* Its end first, as cJSON finds it: an escaped byte never ends it. */
	for (q = s->p + 1; q < s->end && *q != '"'; q++)
		if (*q == '\\' && ++q >= s->end)
			return -1;
	if (q >= s->end)
		return -1;
	*out = w = r = s->p + 1;
	while (r < q) {
		if (*r != '\\') {
			if (*r == '\0')
				*bad = 1;
			*w++ = *r++;
			continue;
		}
		switch (r[1]) {
		case '"': case '\\': case '/':
			*w++ = r[1];
			break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u':
			if (q - r < 6)
				return -1;
			cp = hex4(r + 2);
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (q - r < 12 || r[6] != '\\' || r[7] != 'u')
					return -1;
				lo = hex4(r + 8);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				r += 6;
			}
			if (cp == 0 || cp >= 0x80) {
				*bad = 1;
				cp = 1;
			}
			*w++ = (char)cp;
			r += 4;
			break;
		default:
			return -1;
		}
		r += 2;
	}
	*w = '\0';
	s->p = q + 1;
	return 0;
}

/* What strtod would take of the number's bytes: its length, 0 for none. */
static size_t
number(const char *p, size_t n)
{
	size_t	i = 0, j, digits = 0;

	if (i < n && (p[i] == '+' || p[i] == '-'))
		i++;
	for (; i < n && is_digit(p[i]); i++)
		digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && is_digit(p[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		j = i + 1;
		if (j < n && (p[j] == '+' || p[j] == '-'))
			j++;
		if (j < n && is_digit(p[j])) {
			while (j < n && is_digit(p[j]))
				j++;
			i = j;
		}
	}
	return i;
}

static int	value(struct scan *, int in_tags);

static int
literal(struct scan *s, const char *word)
{
	size_t	n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int
add_name(struct scan *s, const char *name)
{
	const char	**v;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		if ((v = realloc(s->names, s->cap * sizeof *v)) == NULL) {
			s->oom = 1;
			return -1;
		}
		s->names = v;
	}
	s->names[s->n++] = name;
	return 0;
}

/*
 * At an opening bracket: one level deeper.  1 when close follows at once
 * (an empty container, consumed), 0 when members follow, -1 when too deep.
 */
static int
enter(struct scan *s, char close)
{
	if (s->depth >= NEST_MAX)
		return -1;
	s->depth++;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 1;
	}
	return 0;
}

/* After a member: 0 at a comma, 1 at close (the level left), else -1. */
static int
next_member(struct scan *s, char close)
{
	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == close) {
		s->p++;
		s->depth--;
		return 1;
	}
	return *s->p++ == ',' ? 0 : -1;
}

/* [ ... ]: when it is the tags list, its valid names go to s->names. */
static int
array(struct scan *s, int is_tags)
{
	int	r;

	if ((r = enter(s, ']')) != 0)
		return r == 1 ? 0 : -1;
	do {
		skip_ws(s);
		if (value(s, is_tags) == -1)
			return -1;
	} while ((r = next_member(s, ']')) == 0);
	return r == 1 ? 0 : -1;
}

/* { ... }: at the top (depth 0 on entry), the first "tags" is the list. */
static int
object(struct scan *s)
{
	int	 top = s->depth == 0, bad, is_tags, r;
	char	*key;

	if ((r = enter(s, '}')) != 0)
		return r == 1 ? 0 : -1;
	do {
		skip_ws(s);
		if (string(s, &key, &bad) == -1)
			return -1;
		is_tags = top && !s->found && !bad && strcmp(key, "tags") == 0;
		skip_ws(s);
		if (s->p >= s->end || *s->p++ != ':')
			return -1;
		skip_ws(s);
		if (is_tags) {
			s->found = 1;
			/* null, or an array; anything else is not a tags list. */
			if (s->p < s->end && *s->p == '[') {
				if (array(s, 1) == -1)
					return -1;
			} else if (literal(s, "null") == -1)
				return -1;
		} else if (value(s, 0) == -1)
			return -1;
	} while ((r = next_member(s, '}')) == 0);
	return r == 1 ? 0 : -1;
}

/* One value; in_tags: it is an element of the tags list. */
static int
value(struct scan *s, int in_tags)
{
	char	*str;
	size_t	 n, avail;
	int	 bad;

	if (s->p >= s->end)
		return -1;
	if (in_tags)
		s->count++;
	switch (*s->p) {
	case '"':
		if (string(s, &str, &bad) == -1)
			return -1;
		if (in_tags && !bad && tm_tag_valid(str))
			return add_name(s, str);
		return 0;
	case '[':
		return array(s, 0);
	case '{':
		return object(s);
	case 'n':
		return literal(s, "null");
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	}
	if (*s->p != '-' && !is_digit(*s->p))
		return -1;
	avail = (size_t)(s->end - s->p);
	n = number(s->p, avail < NUMBER_MAX ? avail : NUMBER_MAX);
	if (n == 0)
		return -1;
	s->p += n;
	return 0;
}

int
tags_json_parse(char *body, size_t len, const char ***names, size_t *nnames,
    size_t *count)
{
	struct scan	s;
	int		rc;

	memset(&s, 0, sizeof s);
	*names = NULL;
	*nnames = *count = 0;
	s.p = body;
	s.end = body + len;
	if (len > 4 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
		s.p += 3;
	skip_ws(&s);
	/* After the object cJSON reads no further: trailing bytes pass. */
	rc = s.p < s.end && *s.p == '{' ? object(&s) : -1;
	if (rc == -1) {
		free(s.names);
		return s.oom ? -2 : -1;
	}
	*names = s.names;
	*nnames = s.n;
	*count = s.count;
	return 0;
}
