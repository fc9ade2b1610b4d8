/*
 * Semantic versions from Docker tags and skopeo-style version ranges:
 * parsing, precedence, and checking a version against a range.
 */
#include "config.h"

#include "semver.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each constraint keeps the version it compares against and how much of
 * it was given: "wild" is the index of the first part that was a wildcard
 * or missing (0 for "*", 1 for "1" or "1.x", 2 for "1.2"), 3 when all
 * three parts were written.  The operators' rules below follow the
 * documented behaviour of Masterminds/semver v3, which skopeo uses.
 */
enum op {
	OP_EQ, OP_NE, OP_GT, OP_LT, OP_GE, OP_LE, OP_TILDE, OP_CARET
};

static const struct {
	const char	*text;
	enum op		 op;
} ops[] = {
	{ "", OP_EQ }, { "=", OP_EQ }, { "!=", OP_NE }, { ">", OP_GT },
	{ "<", OP_LT }, { ">=", OP_GE }, { "=>", OP_GE }, { "<=", OP_LE },
	{ "=<", OP_LE }, { "~", OP_TILDE }, { "~>", OP_TILDE }, { "^", OP_CARET }
};

struct cons {
	enum op		 op;
	struct tm_semver v;
	int		 wild;
	int		 or_before;	/* starts a new "||" group */
};

struct tm_semver_range {
	char		*text;		/* the pre-releases point into it */
	struct cons	*c;
	size_t		 n;
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-';
}

static int
is_wild(char c)
{
	return c == 'x' || c == 'X' || c == '*';
}

/* Go's \s, which the library's grammar uses. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * '.'-separated non-empty identifiers in s[0..n); with pre, numeric ones
 * without leading zeros.  1 when valid.
 */
static int
idents_ok(const char *s, size_t n, int pre)
{
	size_t	i = 0, start, k;
	int	digits;

	for (;;) {
		start = i;
		digits = 1;
		for (; i < n && s[i] != '.'; i++) {
			if (!is_ident(s[i]))
				return 0;
			digits &= is_digit(s[i]);
		}
		k = i - start;
		if (k == 0 || (pre && digits && k > 1 && s[start] == '0'))
			return 0;
		if (i == n)
			return 1;
		i++;
	}
}

/*
 * Read [v]N[.N[.N]][-PRE][+BUILD] as all of s[0..n).  With wildp, a part
 * may be a wildcard and *wildp receives the first wildcard or missing
 * part; parts from there on count as 0.  0, or -1 when malformed.
 */
static int
parse(const char *s, size_t n, struct tm_semver *v, int *wildp)
{
	size_t	i = 0, part, end;
	int	wild = 3;

	memset(v, 0, sizeof *v);
	if (i < n && s[i] == 'v')
		i++;
	for (part = 0; part < 3; part++) {
		if (part > 0) {
			if (i >= n || s[i] != '.')
				break;
			i++;
		}
		if (wildp != NULL && i < n && is_wild(s[i])) {
			if (wild == 3)
				wild = (int)part;
			i++;
			continue;
		}
		if (i >= n || !is_digit(s[i]))
			return -1;
		for (; i < n && is_digit(s[i]); i++) {
			uint64_t	d = (uint64_t)(s[i] - '0');

			if (v->num[part] > (UINT64_MAX - d) / 10)
				return -1;
			v->num[part] = v->num[part] * 10 + d;
		}
	}
	if (wild == 3 && part < 3)
		wild = (int)part;
	for (part = (size_t)wild; part < 3; part++)
		v->num[part] = 0;
	v->core = i;
	if (i < n && s[i] == '-') {
		for (end = i + 1; end < n && s[end] != '+'; end++)
			;
		if (!idents_ok(s + i + 1, end - i - 1, 1))
			return -1;
		v->pre = s + i + 1;
		v->npre = end - i - 1;
		i = end;
	}
	if (i < n && s[i] == '+') {
		if (!idents_ok(s + i + 1, n - i - 1, 0))
			return -1;
		i = n;
	}
	if (i != n)
		return -1;
	if (wildp != NULL)
		*wildp = wild;
	return 0;
}

int
tm_semver_parse(const char *s, size_t n, struct tm_semver *v)
{
	return parse(s, n, v, NULL);
}

/* One pre-release identifier against another. */
static int
ident_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t	i;
	int	da = 1, db = 1, c;

	for (i = 0; i < na; i++)
		da &= is_digit(a[i]);
	for (i = 0; i < nb; i++)
		db &= is_digit(b[i]);
	if (da != db)
		return da ? -1 : 1;
	if (da && na != nb)		/* no leading zeros: longer is larger */
		return na < nb ? -1 : 1;
	c = memcmp(a, b, na < nb ? na : nb);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return (na > nb) - (na < nb);
}

static int
pre_cmp(const struct tm_semver *a, const struct tm_semver *b)
{
	size_t	i = 0, j = 0, ei, ej;
	int	c;

	for (;;) {
		if (i >= a->npre || j >= b->npre)
			return (i < a->npre) - (j < b->npre);
		for (ei = i; ei < a->npre && a->pre[ei] != '.'; ei++)
			;
		for (ej = j; ej < b->npre && b->pre[ej] != '.'; ej++)
			;
		if ((c = ident_cmp(a->pre + i, ei - i, b->pre + j, ej - j)) != 0)
			return c;
		i = ei + 1;
		j = ej + 1;
	}
}

int
tm_semver_cmp(const struct tm_semver *a, const struct tm_semver *b)
{
	int	k;

	for (k = 0; k < 3; k++)
		if (a->num[k] != b->num[k])
			return a->num[k] < b->num[k] ? -1 : 1;
	if (a->pre == NULL || b->pre == NULL)
		return (a->pre == NULL) - (b->pre == NULL);
	return pre_cmp(a, b);
}

static int
tilde(const struct tm_semver *v, const struct cons *c)
{
	if (tm_semver_cmp(v, &c->v) < 0)
		return 0;
	/* "~0.0.0" (all parts given) and "~*" admit every version. */
	if ((c->wild == 3 || c->wild == 0) && c->v.num[0] == 0 &&
	    c->v.num[1] == 0 && c->v.num[2] == 0)
		return 1;
	return v->num[0] == c->v.num[0] &&
	    (c->wild == 1 || v->num[1] == c->v.num[1]);
}

static int
caret(const struct tm_semver *v, const struct cons *c)
{
	if (tm_semver_cmp(v, &c->v) < 0)
		return 0;
	if (c->v.num[0] > 0 || c->wild == 1)
		return v->num[0] == c->v.num[0];
	if (v->num[0] > 0)
		return 0;
	if (c->v.num[1] > 0 || c->wild == 2)
		return v->num[1] == c->v.num[1];
	if (v->num[1] > 0)
		return 0;
	return v->num[2] == c->v.num[2];
}

/* The library's "!=" with a wildcard: outside the block the wildcard spans. */
static int
not_in_block(const struct tm_semver *v, const struct cons *c)
{
	if (v->num[0] != c->v.num[0])
		return 1;
	if (c->wild == 1)
		return 0;
	if (v->num[1] != c->v.num[1])
		return 1;
	/* Same MAJOR.MINOR: only a differing pre-release tells them apart. */
	return c->wild == 2 && pre_cmp(v, &c->v) != 0;
}

static int
cons_check(const struct cons *c, const struct tm_semver *v)
{
	int	dirty = c->wild < 3;

	if (v->pre != NULL && c->v.pre == NULL && (c->op != OP_NE || dirty))
		return 0;
	switch (c->op) {
	case OP_EQ:
		return dirty ? tilde(v, c) : tm_semver_cmp(v, &c->v) == 0;
	case OP_NE:
		if (dirty && c->wild > 0)
			return not_in_block(v, c);
		return tm_semver_cmp(v, &c->v) != 0;
	case OP_GT:
		if (!dirty || c->wild == 0)
			return tm_semver_cmp(v, &c->v) > 0;
		if (v->num[0] != c->v.num[0])
			return v->num[0] > c->v.num[0];
		/* ">1" wants 2.0.0 or more, ">1.2" 1.3.0 or more. */
		return c->wild == 2 && v->num[1] > c->v.num[1];
	case OP_LT:
		return tm_semver_cmp(v, &c->v) < 0;
	case OP_GE:
		return tm_semver_cmp(v, &c->v) >= 0;
	case OP_LE:
		if (!dirty)
			return tm_semver_cmp(v, &c->v) <= 0;
		if (v->num[0] != c->v.num[0])
			return v->num[0] < c->v.num[0];
		return c->wild == 1 || v->num[1] <= c->v.num[1];
	case OP_TILDE:
		return tilde(v, c);
	case OP_CARET:
		return caret(v, c);
	}
	return 0;
}

int
tm_semver_range_check(const struct tm_semver_range *r,
    const struct tm_semver *v)
{
	size_t	i;
	int	all = 1;

	for (i = 0; i < r->n; i++) {
		if (r->c[i].or_before) {
			if (all)
				return 1;
			all = 1;
		}
		if (all && !cons_check(&r->c[i], v))
			all = 0;
	}
	return all;
}

void
tm_semver_range_free(struct tm_semver_range *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->c);
	free(r);
}

static int
is_op(char c)
{
	return c == '=' || c == '!' || c == '<' || c == '>' || c == '~' ||
	    c == '^';
}

struct scan {
	struct tm_semver_range	*r;
	char			*s;	/* into r->text */
	size_t			 pos;
	int			 or_next;
};

static int
bad(struct tm_err *err, const char *what, const char *at)
{
	return tm_err_set(err, TM_CAT_USAGE, "bad range: %s at '%.40s'", what,
	    at);
}

/* Read one OP VERSION at sc->pos; *oplen: the operator's length. */
static int
read_cons(struct scan *sc, struct cons *c, size_t *oplen, struct tm_err *err)
{
	const char	*s = sc->s;
	size_t		 a = sc->pos, b, k;

	for (b = a; is_op(s[b]); b++)
		;
	for (k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (strlen(ops[k].text) == b - a &&
		    strncmp(ops[k].text, s + a, b - a) == 0)
			break;
	if (k == sizeof ops / sizeof ops[0])
		return bad(err, "unknown operator", s + a);
	*oplen = b - a;
	while (is_blank(s[b]))
		b++;
	for (a = b; s[b] != '\0' && !is_blank(s[b]) && s[b] != ',' &&
	    s[b] != '|'; b++)
		;
	if (b == a)
		return bad(err, "operator without a version", s + sc->pos);
	memset(c, 0, sizeof *c);
	c->op = ops[k].op;
	if (parse(s + a, b - a, &c->v, &c->wild) == -1)
		return bad(err, "not a version", s + a);
	sc->pos = b;
	return 0;
}

static int
push(struct scan *sc, const struct cons *c, size_t *cap, struct tm_err *err)
{
	struct tm_semver_range	*r = sc->r;

	if (r->n == *cap) {
		struct cons	*nc;

		*cap = *cap ? *cap * 2 : 8;
		if ((nc = reallocarray(r->c, *cap, sizeof *nc)) == NULL)
			return tm_err_set(err, TM_CAT_IO, "out of memory");
		r->c = nc;
	}
	r->c[r->n] = *c;
	r->c[r->n].or_before = sc->or_next;
	sc->or_next = 0;
	r->n++;
	return 0;
}

/*
 * "V1 - V2" after a bare V1 at sc->pos: blanks, '-', blanks and a bare
 * V2.  1 when there (and read into hi), 0 when not, -1 on error.
 */
static int
read_hyphen(struct scan *sc, struct cons *hi, struct tm_err *err)
{
	const char	*s = sc->s;
	size_t		 p = sc->pos, oplen;

	if (!is_blank(s[p]))
		return 0;
	while (is_blank(s[p]))
		p++;
	if (s[p] != '-' || !is_blank(s[p + 1]))
		return 0;
	for (p++; is_blank(s[p]); p++)
		;
	sc->pos = p;
	if (read_cons(sc, hi, &oplen, err) == -1)
		return -1;
	if (oplen != 0)
		return bad(err, "a hyphen range takes bare versions", s + p);
	hi->op = OP_LE;
	return 1;
}

/* One "||" group: constraints separated by blanks or a ','. */
static int
read_group(struct scan *sc, size_t *cap, struct tm_err *err)
{
	const char	*s = sc->s;
	struct cons	 c, hi;
	size_t		 oplen;
	int		 h;

	while (is_blank(s[sc->pos]))
		sc->pos++;
	for (;;) {
		if (s[sc->pos] == '\0' || s[sc->pos] == '|' ||
		    s[sc->pos] == ',')
			return bad(err, "missing constraint", s + sc->pos);
		if (read_cons(sc, &c, &oplen, err) == -1)
			return -1;
		h = oplen == 0 ? read_hyphen(sc, &hi, err) : 0;
		if (h == -1)
			return -1;
		if (h == 1)
			c.op = OP_GE;
		if (push(sc, &c, cap, err) == -1 ||
		    (h == 1 && push(sc, &hi, cap, err) == -1))
			return -1;
		while (is_blank(s[sc->pos]))
			sc->pos++;
		if (s[sc->pos] == ',') {
			for (sc->pos++; is_blank(s[sc->pos]); sc->pos++)
				;
		} else if (s[sc->pos] == '\0' || (s[sc->pos] == '|' &&
		    s[sc->pos + 1] == '|'))
			return 0;
		else if (!is_blank(s[sc->pos - 1]))
			return bad(err, "constraints need a blank or ',' "
			    "between them", s + sc->pos);
	}
}

struct tm_semver_range *
tm_semver_range_compile(const char *s, struct tm_err *err)
{
	struct scan	 sc;
	size_t		 cap = 0;

	memset(&sc, 0, sizeof sc);
	tm_err_clear(err);
	if ((sc.r = calloc(1, sizeof *sc.r)) == NULL ||
	    (sc.r->text = strdup(s)) == NULL) {
		free(sc.r);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	sc.s = sc.r->text;
	for (;;) {
		if (read_group(&sc, &cap, err) == -1) {
			tm_semver_range_free(sc.r);
			return NULL;
		}
		if (sc.s[sc.pos] == '\0')
			return sc.r;
		sc.pos += 2;
		sc.or_next = 1;
	}
}
