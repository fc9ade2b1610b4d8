/*
 * The mirror set reader: a bounded event pass (depth, node count, no
 * aliases), then libyaml's document tree walked by key tables, for
 * tagmirror's schema and for skopeo sync's; every error carries the
 * file, line and column libyaml marks.
 */
#include "config.h"

#include "mirrorset.h"
#include "strv.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>
#include <yaml.h>

#include "ref.h"
#include "registry.h"
#include "tagexpr.h"

struct mirrorset {
	struct ms_defaults	 d;
	struct ms_mirror	*m;
	size_t			 n, cap;
	void			**own;		/* every allocation the set holds */
	size_t			 nown, capown;
	yaml_document_t		*doc;		/* the strings point into it */
};

struct ctx {
	yaml_document_t		 doc;
	const char		*name;
	const char		*skopeo_dest;
	struct mirrorset	*set;
	struct tm_err		*err;
};

enum vkind { V_STR, V_BOOL, V_JOBS, V_LIST, V_TYPES, V_NODE };

/* One key of a mapping: its value goes to base + off. */
struct key {
	const char	*name;
	enum vkind	 kind;
	size_t		 off;
};

#define KEYS_MAX	16

static const struct key default_keys[] = {
	{ "registry", V_STR, offsetof(struct ms_defaults, registry) },
	{ "jobs", V_JOBS, offsetof(struct ms_defaults, jobs) },
	{ "platforms", V_STR, offsetof(struct ms_defaults, platforms) },
	{ "rollback", V_BOOL, offsetof(struct ms_defaults, rollback) },
	{ "delete-stale", V_BOOL, offsetof(struct ms_defaults, delete_stale) },
	{ "source-tls-verify", V_BOOL, offsetof(struct ms_defaults, src_tls_verify) },
	{ "source-cert-dir", V_STR, offsetof(struct ms_defaults, src_cert_dir) },
	{ "tls-verify", V_BOOL, offsetof(struct ms_defaults, dst_tls_verify) },
	{ "cert-dir", V_STR, offsetof(struct ms_defaults, dst_cert_dir) },
	{ "auth-file", V_STR, offsetof(struct ms_defaults, auth_file) },
	{ "referrers", V_BOOL, offsetof(struct ms_defaults, referrers) },
	{ "referrer-types", V_TYPES, offsetof(struct ms_defaults, referrer_types) },
};

/* Indexes below name these entries: keep the order. */
enum { MK_SOURCE, MK_NS, MK_MATCH, MK_LIST, MK_DEST, MK_TAGS };
static const struct key mirror_keys[] = {
	{ "source", V_STR, offsetof(struct ms_mirror, source) },
	{ "namespace", V_STR, offsetof(struct ms_mirror, ns) },
	{ "repositories", V_STR, offsetof(struct ms_mirror, match) },
	{ "list", V_LIST, offsetof(struct ms_mirror, repos) },
	{ "destination", V_STR, offsetof(struct ms_mirror, dest) },
	{ "tags", V_STR, offsetof(struct ms_mirror, tags) },
	{ "platforms", V_STR, offsetof(struct ms_mirror, platforms) },
	{ "source-tls-verify", V_BOOL, offsetof(struct ms_mirror, src_tls_verify) },
	{ "source-cert-dir", V_STR, offsetof(struct ms_mirror, src_cert_dir) },
	{ "referrers", V_BOOL, offsetof(struct ms_mirror, referrers) },
	{ "referrer-types", V_TYPES, offsetof(struct ms_mirror, referrer_types) },
};

/* Keys that would hold a secret: refused, never read. */
static const char *const secret_keys[] = {
	"credentials", "password", "username", "token", "auth", "identitytoken"
};

#define NKEYS(a)	(sizeof (a) / sizeof (a)[0])

/* "NAME:LINE:COLUMN: what" at mark (0-based, as libyaml gives it). */
static int
mark_err(struct ctx *c, yaml_mark_t mark, const char *fmt, ...)
{
	char	what[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	tm_err_clear(c->err);
	c->err->side = TM_SIDE_LOCAL;
	return tm_err_set(c->err, TM_CAT_USAGE, "%s:%zu:%zu: %s", c->name,
	    mark.line + 1, mark.column + 1, what);
}

static int
node_err(struct ctx *c, const yaml_node_t *n, const char *fmt, const char *arg)
{
	return mark_err(c, n->start_mark, fmt, arg);
}

static int
oom(struct ctx *c)
{
	tm_err_clear(c->err);
	return tm_err_set(c->err, TM_CAT_IO, "%s: out of memory", c->name);
}

/* Keep p with the set (freed with it); p NULL is out of memory. */
static void *
keep(struct ctx *c, void *p)
{
	struct mirrorset	*s = c->set;
	void			**v;

	if (p == NULL)
		return NULL;
	if (s->nown == s->capown) {
		s->capown = s->capown ? s->capown * 2 : 64;
		if ((v = realloc(s->own, s->capown * sizeof *v)) == NULL) {
			free(p);
			return NULL;
		}
		s->own = v;
	}
	return s->own[s->nown++] = p;
}

static yaml_node_t *
node(struct ctx *c, int id)
{
	return yaml_document_get_node(&c->doc, id);
}

/* A scalar's text, or NULL (err set) when n is not one or holds a NUL. */
static const char *
scalar(struct ctx *c, const yaml_node_t *n, const char *what)
{
	const char	*s;

	if (n->type != YAML_SCALAR_NODE) {
		node_err(c, n, "%s: expected a single value", what);
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		node_err(c, n, "%s: a NUL byte in the value", what);
		return NULL;
	}
	return s;
}

static int
boolean(struct ctx *c, const yaml_node_t *n, const char *what, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "True", "TRUE" };
	static const char *const no[] = { "false", "no", "off", "False", "FALSE" };
	const char	*s = scalar(c, n, what);
	size_t		 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NKEYS(yes); i++) {
		if (strcmp(s, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(s, no[i]) == 0)
			return *out = 0, 0;
	}
	return node_err(c, n, "%s: expected true or false", what);
}

static int
jobs(struct ctx *c, const yaml_node_t *n, const char *what, int *out)
{
	const char	*s = scalar(c, n, what);
	char		*end;
	long		 v;

	if (s == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 256)
		return node_err(c, n, "%s: expected a number from 1 to 256", what);
	*out = (int)v;
	return 0;
}

/* A sequence of names (a namespace's explicit repositories). */
static int
name_list(struct ctx *c, const yaml_node_t *n, struct ms_mirror *m)
{
	yaml_node_item_t	*it;
	const char		**v;
	const char		*s;
	size_t			 k = 0, len;

	if (n->type != YAML_SEQUENCE_NODE)
		return node_err(c, n, "%s: expected a list of repositories", "list");
	len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (len > MS_REPOS_MAX)
		return node_err(c, n, "list: more than %s repositories", "10000");
	if ((v = keep(c, calloc(len + 1, sizeof *v))) == NULL)
		return oom(c);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if ((s = scalar(c, node(c, *it), "list")) == NULL)
			return -1;
		v[k++] = s;
	}
	m->repos = v;
	m->nrepos = k;
	return 0;
}

/*
 * referrer-types' value s checked as --referrer-types checks it; one of
 * its list's items (item set) must not hold a comma either.
 */
static int
type_check(struct ctx *c, const yaml_node_t *n, const char *s, int item)
{
	char	bad[TM_LIST_ITEM_MAX];

	if (item && strchr(s, ',') != NULL)
		snprintf(bad, sizeof bad, "%s", s);
	else if (tm_list_check(s, bad, sizeof bad) == 0)
		return 0;
	return node_err(c, n, "referrer-types: '%s' is no artifactType "
	    "nor signature, attestation or sbom", bad);
}

/*
 * referrer-types as --referrer-types takes it, "a,b", or a list of
 * items: kept as "a,b" either way, so the engine reads one spelling.
 */
static int
type_list(struct ctx *c, const yaml_node_t *n, const char **out)
{
	yaml_node_item_t	*it;
	const char		*s;
	char			*j;
	size_t			 len = 1;

	if (n->type != YAML_SEQUENCE_NODE) {
		if ((s = scalar(c, n, "referrer-types")) == NULL ||
		    type_check(c, n, s, 0) == -1)
			return -1;
		*out = s;
		return 0;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if ((s = scalar(c, node(c, *it), "referrer-types")) == NULL ||
		    type_check(c, node(c, *it), s, 1) == -1)
			return -1;
		len += strlen(s) + 1;
	}
	if (len == 1)
		return node_err(c, n, "%s: an empty list (referrers: false "
		    "copies none)", "referrer-types");
	if ((j = keep(c, calloc(len, 1))) == NULL)
		return oom(c);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if (*j != '\0')
			strcat(j, ",");
		strcat(j, (const char *)node(c, *it)->data.scalar.value);
	}
	*out = j;
	return 0;
}

/* One value by its key's kind into base. */
static int
set_value(struct ctx *c, const struct key *k, const yaml_node_t *v, void *base)
{
	char	*at = (char *)base + k->off;

	switch (k->kind) {
	case V_STR:
		return (*(const char **)(void *)at = scalar(c, v, k->name)) ==
		    NULL ? -1 : 0;
	case V_BOOL:
		return boolean(c, v, k->name, (int *)(void *)at);
	case V_JOBS:
		return jobs(c, v, k->name, (int *)(void *)at);
	case V_LIST:
		return name_list(c, v, base);
	case V_TYPES:
		return type_list(c, v, (const char **)(void *)at);
	case V_NODE:
		return 0;	/* the caller reads it from seen[] */
	}
	return -1;
}

/* A key that is not in keys: a secret, or unknown.  Always -1. */
static int
bad_key(struct ctx *c, const yaml_node_t *kn, const char *key)
{
	size_t	i;

	for (i = 0; i < NKEYS(secret_keys); i++)
		if (strcmp(key, secret_keys[i]) == 0)
			return node_err(c, kn, "'%s': inline credentials are "
			    "refused: keep them in an auth file (defaults: "
			    "auth-file, or sync --authfile)", key);
	return node_err(c, kn, "unknown key '%s'", key);
}

/*
 * Every pair of mapping n through keys into base; seen[i] gets key i's
 * value node (NULL when absent).  Unknown keys, secrets and a key given
 * twice are errors.
 */
static int
read_map(struct ctx *c, const yaml_node_t *n, const struct key *keys,
    size_t nkeys, void *base, const yaml_node_t **seen, const char *what)
{
	yaml_node_pair_t	*p;
	const yaml_node_t	*kn;
	const char		*key;
	size_t			 i;

	if (n->type != YAML_MAPPING_NODE)
		return node_err(c, n, "%s: expected a mapping of keys", what);
	memset(seen, 0, nkeys * sizeof *seen);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		kn = node(c, p->key);
		if ((key = scalar(c, kn, what)) == NULL)
			return -1;
		for (i = 0; i < nkeys && strcmp(keys[i].name, key) != 0; i++)
			;
		if (i == nkeys)
			return bad_key(c, kn, key);
		if (seen[i] != NULL)
			return node_err(c, kn, "'%s' given twice", key);
		seen[i] = node(c, p->value);
		if (set_value(c, &keys[i], seen[i], base) == -1)
			return -1;
	}
	return 0;
}

/* 1 when the first part of path names a host, as tm_ref_parse decides. */
static int
has_host(const char *path)
{
	size_t	len = strcspn(path, "/");

	return memchr(path, '.', len) != NULL || memchr(path, ':', len) != NULL ||
	    (len == 9 && strncmp(path, "localhost", 9) == 0);
}

/* Fill template t into buf; 0, or -1 (message in why). */
static int
expand(const char *t, const char *host, const char *repo, char *buf, size_t n,
    const char **why)
{
	const char	*slash = strrchr(repo, '/');
	const char	*val;
	size_t		 used = 0, vlen, klen;
	int		 ns_len = slash != NULL ? (int)(slash - repo) : 0;

	for (; *t != '\0'; t += klen) {
		klen = 1;
		val = t;
		vlen = 1;
		if (*t == '{') {
			if (t[klen = strcspn(t, "}")] == '\0')
				return *why = "a '{' without its '}'", -1;
			klen++;
			vlen = (size_t)-1;
			if (strncmp(t, "{registry}", klen) == 0)
				val = host;
			else if (strncmp(t, "{repo}", klen) == 0)
				val = repo;
			else if (strncmp(t, "{namespace}", klen) == 0)
				val = repo, vlen = (size_t)ns_len;
			else if (strncmp(t, "{name}", klen) == 0)
				val = slash != NULL ? slash + 1 : repo;
			else
				return *why = "unknown placeholder (known: "
				    "{registry} {repo} {namespace} {name})", -1;
			if (vlen == (size_t)-1)
				vlen = strlen(val);
		}
		if (used + vlen >= n)
			return *why = "too long", -1;
		memcpy(buf + used, val, vlen);
		used += vlen;
	}
	buf[used] = '\0';
	return 0;
}

/* "{namespace}/x" with an empty namespace must not start with '/'. */
static void
squeeze(char *buf)
{
	char	*r = buf, *w = buf;

	for (; *r != '\0'; r++)
		if (*r != '/' || (w > buf && w[-1] != '/'))
			*w++ = *r;
	if (w > buf && w[-1] == '/')
		w--;
	*w = '\0';
}

int
mirrorset_dest(const struct mirrorset *s, const struct ms_mirror *m,
    const char *host, const char *repo, char *buf, size_t n, struct tm_err *err)
{
	char		 path[512];
	const char	*why = NULL;

	if (expand(m->dest, host, repo, path, sizeof path, &why) == -1)
		return tm_err_set(err, TM_CAT_USAGE, "destination '%s': %s",
		    m->dest, why);
	squeeze(path);
	if (has_host(path) && snprintf(buf, n, "%s", path) < (int)n)
		return 0;
	if (!has_host(path) && s->d.registry == NULL)
		return tm_err_set(err, TM_CAT_USAGE, "destination '%s' names no "
		    "registry and defaults has none", m->dest);
	if (!has_host(path) && snprintf(buf, n, "%s/%s", s->d.registry, path) <
	    (int)n)
		return 0;
	return tm_err_set(err, TM_CAT_USAGE, "destination '%s': too long",
	    m->dest);
}

int
mirrorset_ns_match(const struct ms_mirror *m, const char *repo)
{
	const char	*slash = strchr(m->ns, '/');
	size_t		 plen = slash != NULL ? strlen(slash + 1) : 0;

	if (plen > 0 && (strncmp(repo, slash + 1, plen) != 0 || repo[plen] != '/'))
		return 0;
	return tm_fnmatch(m->match != NULL ? m->match : "*",
	    repo + (plen > 0 ? plen + 1 : 0));
}

unsigned
mirrorset_shard(const struct ms_mirror *m, unsigned n)
{
	const char	*key = m->source != NULL ? m->source : m->ns;
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	uint64_t	 v = 0;
	int		 i;

	SHA256((const unsigned char *)key, strlen(key), md);
	for (i = 0; i < 8; i++)
		v = v << 8 | md[i];
	return (unsigned)(v % n);
}

/* The expression compiles, with every item kind the matcher has. */
static int
check_tags(struct ctx *c, const yaml_node_t *at, const char *expr)
{
	struct tagexpr	*e;
	struct tm_err	 e2;

	if ((e = tagexpr_compile(expr, &e2)) == NULL)
		return node_err(c, at, "tags: %s", e2.msg);
	tagexpr_free(e);
	return 0;
}

/* Append a mirror (zeroed, src_tls_verify and referrers -1) and return it. */
static struct ms_mirror *
add_mirror(struct ctx *c, const yaml_node_t *at)
{
	struct mirrorset	*s = c->set;
	struct ms_mirror	*v;

	if (s->n == MS_MIRRORS_MAX) {
		node_err(c, at, "more than %s mirrors", "10000");
		return NULL;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		if ((v = realloc(s->m, s->cap * sizeof *v)) == NULL) {
			oom(c);
			return NULL;
		}
		s->m = v;
	}
	v = &s->m[s->n++];
	memset(v, 0, sizeof *v);
	v->src_tls_verify = v->referrers = -1;
	v->line = (int)at->start_mark.line + 1;
	v->col = (int)at->start_mark.column + 1;
	return v;
}

/* The source (or namespace) names a host and a repository we can parse. */
static int
check_source(struct ctx *c, const yaml_node_t *n, const struct ms_mirror *m,
    const yaml_node_t *const *seen)
{
	struct tm_ref	ref;
	struct tm_err	e2;

	if ((m->source == NULL) == (m->ns == NULL))
		return node_err(c, n, "a mirror needs one of source or "
		    "%s", "namespace");
	if (m->source != NULL && (m->nrepos > 0 || m->match != NULL))
		return node_err(c, seen[m->nrepos > 0 ? MK_LIST : MK_MATCH],
		    "'%s' needs a namespace, not a source", m->nrepos > 0 ?
		    "list" : "repositories");
	if (m->source != NULL) {
		if (tm_ref_parse(m->source, &ref, &e2) == -1)
			return node_err(c, seen[MK_SOURCE], "source: %s", e2.msg);
		if (ref.tag[0] != '\0' || ref.digest[0] != '\0')
			return node_err(c, seen[MK_SOURCE], "source '%s': a "
			    "repository, without a tag or digest", m->source);
	} else if (!has_host(m->ns))
		return node_err(c, seen[MK_NS], "namespace '%s': starts with "
		    "a registry host (quay.io/org)", m->ns);
	return 0;
}

/* The destination expands for this source (or a name in the namespace). */
static int
check_dest(struct ctx *c, const struct ms_mirror *m, const yaml_node_t *at)
{
	struct tm_ref	 ref;
	struct tm_err	 e2;
	char		 buf[512], host[256];
	const char	*repo = "ns/name";

	if (m->source != NULL && tm_ref_parse(m->source, &ref, NULL) == 0) {
		snprintf(host, sizeof host, "%s", ref.host);
		repo = ref.repo;
	} else
		snprintf(host, sizeof host, "%.*s", (int)strcspn(m->ns, "/"),
		    m->ns);
	if (mirrorset_dest(c->set, m, host, repo, buf, sizeof buf, &e2) == -1)
		return node_err(c, at, "%s", e2.msg);
	return 0;
}

static int
native_mirror(struct ctx *c, const yaml_node_t *n)
{
	const yaml_node_t	*seen[KEYS_MAX];
	struct ms_mirror	*m;

	if ((m = add_mirror(c, n)) == NULL ||
	    read_map(c, n, mirror_keys, NKEYS(mirror_keys), m, seen,
	    "mirror") == -1 || check_source(c, n, m, seen) == -1)
		return -1;
	if (m->tags == NULL)
		return node_err(c, n, "a mirror needs %s (a tag expression)",
		    "tags");
	if (check_tags(c, seen[MK_TAGS], m->tags) == -1)
		return -1;
	if (m->dest == NULL)
		m->dest = "{repo}";
	return check_dest(c, m, seen[MK_DEST] != NULL ? seen[MK_DEST] : n);
}

static int
native_mirrors(struct ctx *c, const yaml_node_t *n)
{
	yaml_node_item_t	*it;

	if (n->type != YAML_SEQUENCE_NODE)
		return node_err(c, n, "%s: expected a list", "mirrors");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		if (native_mirror(c, node(c, *it)) == -1)
			return -1;
	return 0;
}

/* version (1), defaults, mirrors: defaults first, whatever the order. */
static int
native(struct ctx *c, const yaml_node_t *root)
{
	const yaml_node_t	*seen[KEYS_MAX], *mirrors = NULL, *kn, *vn;
	yaml_node_pair_t	*p;
	const char		*key, *v;

	if (root->type != YAML_MAPPING_NODE)
		return node_err(c, root, "%s: expected a mapping of keys",
		    "the mirror set");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		kn = node(c, p->key);
		vn = node(c, p->value);
		if ((key = scalar(c, kn, "key")) == NULL)
			return -1;
		if (strcmp(key, "version") == 0) {
			if ((v = scalar(c, vn, key)) == NULL)
				return -1;
			if (strcmp(v, "1") != 0)
				return node_err(c, vn, "version %s: only version "
				    "1 is known", v);
		} else if (strcmp(key, "defaults") == 0) {
			if (read_map(c, vn, default_keys, NKEYS(default_keys),
			    &c->set->d, seen, key) == -1)
				return -1;
		} else if (strcmp(key, "mirrors") == 0)
			mirrors = vn;
		else
			return bad_key(c, kn, key);
	}
	if (mirrors == NULL)
		return node_err(c, root, "no '%s:' list", "mirrors");
	return native_mirrors(c, mirrors);
}

/*
 * skopeo sync's YAML: registry -> images (repository -> tags, none =
 * all), images-by-tag-regex (repository -> regex), images-by-semver
 * (repository -> constraint), tls-verify, cert-dir.
 */
struct skreg {
	const char	*host;
	int		 tls_verify;
	const char	*cert_dir;
};

enum { SK_IMAGES, SK_REGEX, SK_SEMVER };
static const struct key skopeo_keys[] = {
	{ "images", V_NODE, 0 },
	{ "images-by-tag-regex", V_NODE, 0 },
	{ "images-by-semver", V_NODE, 0 },
	{ "tls-verify", V_BOOL, offsetof(struct skreg, tls_verify) },
	{ "cert-dir", V_STR, offsetof(struct skreg, cert_dir) },
};

/*
 * A tag list as an expression: a valid tag has no glob character
 * (only [A-Za-z0-9_.-]), so each tag is already the glob matching just
 * itself.  No tags: all of them.
 */
static char *
tag_list_expr(struct ctx *c, const yaml_node_t *n)
{
	yaml_node_item_t	*it;
	const char		*t;
	char			*e;
	size_t			 len = 2, used = 0;

	if (n->type != YAML_SEQUENCE_NODE) {
		node_err(c, n, "%s: expected a list of tags", "images");
		return NULL;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if ((t = scalar(c, node(c, *it), "images")) == NULL)
			return NULL;
		if (!tm_tag_valid(t)) {
			node_err(c, node(c, *it), "'%s': not a tag (digests "
			    "are not supported)", t);
			return NULL;
		}
		len += strlen(t) + 1;
	}
	if ((e = keep(c, malloc(len))) == NULL)
		return oom(c), NULL;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		used += (size_t)sprintf(e + used, "%s%s", used > 0 ? "," : "",
		    (const char *)node(c, *it)->data.scalar.value);
	if (used == 0)
		strcpy(e, "*");
	return e;
}

/*
 * skopeo's regex searches the tag (Go's MatchString); ours is anchored,
 * so it goes inside ".*(...).*".  A ',' would split the item.  A semver
 * constraint's ',' is an AND, as a blank is: blanks it is.
 */
static char *
pattern_expr(struct ctx *c, const yaml_node_t *n, int semver)
{
	const char	*v = scalar(c, n, semver ? "images-by-semver" :
			    "images-by-tag-regex");
	char		*e, *p;

	if (v == NULL)
		return NULL;
	if (!semver && strchr(v, ',') != NULL) {
		node_err(c, n, "regex '%s': a ',' cannot be part of a tag "
		    "expression item", v);
		return NULL;
	}
	if (asprintf(&e, semver ? "semver:%s" : "re:.*(%s).*", v) == -1 ||
	    keep(c, e) == NULL)
		return oom(c), NULL;
	for (p = e; semver && (p = strchr(p, ',')) != NULL; )
		*p = ' ';
	return e;
}

/* One repository of a registry's images* mapping. */
static int
skopeo_image(struct ctx *c, const struct skreg *r, const yaml_node_t *kn,
    const yaml_node_t *vn, int kind)
{
	const yaml_node_t	*seen[KEYS_MAX] = { NULL };
	struct ms_mirror	*m;
	const char		*repo;
	char			*src, *dst;

	if ((repo = scalar(c, kn, "repository")) == NULL ||
	    (m = add_mirror(c, kn)) == NULL)
		return -1;
	if (asprintf(&src, "%s/%s", r->host, repo) == -1 || keep(c, src) == NULL ||
	    asprintf(&dst, "%s/{name}", c->skopeo_dest) == -1 ||
	    keep(c, dst) == NULL)
		return oom(c);
	m->source = src;
	m->dest = dst;
	m->src_tls_verify = r->tls_verify;
	m->src_cert_dir = r->cert_dir;
	m->tags = kind == SK_IMAGES ? tag_list_expr(c, vn) :
	    pattern_expr(c, vn, kind == SK_SEMVER);
	seen[MK_SOURCE] = kn;
	if (m->tags == NULL || check_source(c, kn, m, seen) == -1 ||
	    check_tags(c, vn, m->tags) == -1)
		return -1;
	return check_dest(c, m, kn);
}

static int
skopeo_registry(struct ctx *c, const yaml_node_t *kn, const yaml_node_t *vn)
{
	const yaml_node_t	*seen[KEYS_MAX];
	struct skreg		 r = { NULL, -1, NULL };
	yaml_node_pair_t	*p;
	int			 k;

	if ((r.host = scalar(c, kn, "registry")) == NULL ||
	    read_map(c, vn, skopeo_keys, NKEYS(skopeo_keys), &r, seen,
	    r.host) == -1)
		return -1;
	for (k = SK_IMAGES; k <= SK_SEMVER; k++) {
		if (seen[k] == NULL)
			continue;
		if (seen[k]->type != YAML_MAPPING_NODE)
			return node_err(c, seen[k], "%s: expected a mapping of "
			    "repositories", skopeo_keys[k].name);
		for (p = seen[k]->data.mapping.pairs.start;
		    p < seen[k]->data.mapping.pairs.top; p++)
			if (skopeo_image(c, &r, node(c, p->key),
			    node(c, p->value), k) == -1)
				return -1;
	}
	return 0;
}

static int
skopeo(struct ctx *c, const yaml_node_t *root)
{
	yaml_node_pair_t	*p;

	if (root->type != YAML_MAPPING_NODE)
		return node_err(c, root, "%s: expected registries as keys",
		    "skopeo sync YAML");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
		if (skopeo_registry(c, node(c, p->key), node(c, p->value)) == -1)
			return -1;
	return 0;
}

static int
yaml_err(struct ctx *c, const yaml_parser_t *p)
{
	return mark_err(c, p->problem_mark, "%s", p->problem != NULL ?
	    p->problem : "not YAML");
}

/*
 * The bounds, before any tree is built: nesting, node count, and no
 * aliases (a small file of them can stand for an enormous tree).
 */
static int
prepass(struct ctx *c, const char *text, size_t len)
{
	yaml_parser_t	p;
	yaml_event_t	ev;
	int		depth = 0, nodes = 0, rc = 1;

	if (!yaml_parser_initialize(&p))
		return oom(c);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (rc == 1) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_err(c, &p);
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT)
			rc = mark_err(c, ev.start_mark, "aliases (*%s) are not "
			    "supported", (const char *)ev.data.alias.anchor);
		else if ((ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) && ++depth > MS_DEPTH_MAX)
			rc = mark_err(c, ev.start_mark, "nested more than %d "
			    "deep", MS_DEPTH_MAX);
		else if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (rc == 1 && (ev.type == YAML_SCALAR_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) && ++nodes > MS_NODES_MAX)
			rc = mark_err(c, ev.start_mark, "more than %d values",
			    MS_NODES_MAX);
		if (rc == 1 && ev.type == YAML_STREAM_END_EVENT)
			rc = 0;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* The first document's tree into c->doc (an empty file is an error). */
static int
load_doc(struct ctx *c, const char *text, size_t len)
{
	yaml_parser_t	p;
	int		rc = 0;

	if (!yaml_parser_initialize(&p))
		return oom(c);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &c->doc))
		rc = yaml_err(c, &p);
	else if (yaml_document_get_root_node(&c->doc) == NULL) {
		yaml_document_delete(&c->doc);
		rc = mark_err(c, p.mark, "%s", "an empty file: no mirrors");
	}
	yaml_parser_delete(&p);
	return rc;
}

/* The tree moves to the set: its scalars are the set's strings. */
static int
keep_doc(struct ctx *c)
{
	if ((c->set->doc = malloc(sizeof *c->set->doc)) == NULL) {
		yaml_document_delete(&c->doc);
		return oom(c);
	}
	*c->set->doc = c->doc;
	return 0;
}

struct mirrorset *
mirrorset_parse(const char *text, size_t len, const char *name,
    const char *skopeo_dest, struct tm_err *err)
{
	struct ctx	c = { .name = name, .skopeo_dest = skopeo_dest, .err = err };
	int		rc;

	if (len > MS_FILE_MAX) {
		tm_err_clear(err);
		tm_err_set(err, TM_CAT_USAGE, "%s: larger than %d bytes", name,
		    MS_FILE_MAX);
		return NULL;
	}
	if ((c.set = calloc(1, sizeof *c.set)) == NULL) {
		oom(&c);
		return NULL;
	}
	c.set->d.rollback = -1;
	c.set->d.src_tls_verify = c.set->d.dst_tls_verify = 1;
	c.set->d.referrers = 1;
	if ((rc = prepass(&c, text, len)) == 0 &&
	    (rc = load_doc(&c, text, len)) == 0) {
		rc = (skopeo_dest != NULL ? skopeo : native)(&c,
		    yaml_document_get_root_node(&c.doc));
		if (rc == 0)
			rc = keep_doc(&c);
		else
			yaml_document_delete(&c.doc);
	}
	if (rc != 0) {
		mirrorset_free(c.set);
		return NULL;
	}
	return c.set;
}

struct mirrorset *
mirrorset_load(const char *path, const char *skopeo_dest, struct tm_err *err)
{
	struct mirrorset	*s = NULL;
	FILE			*f;
	char			*buf;
	size_t			 len;

	tm_err_clear(err);
	err->side = TM_SIDE_LOCAL;
	if ((f = fopen(path, "r")) == NULL) {
		tm_err_set(err, TM_CAT_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* One byte over the limit says the file is too large. */
	if ((buf = malloc(MS_FILE_MAX + 1)) == NULL)
		tm_err_set(err, TM_CAT_IO, "%s: out of memory", path);
	else if ((len = fread(buf, 1, MS_FILE_MAX + 1, f)) == 0 && ferror(f))
		tm_err_set(err, TM_CAT_IO, "%s: %s", path, strerror(errno));
	else
		s = mirrorset_parse(buf, len, path, skopeo_dest, err);
	free(buf);
	fclose(f);
	return s;
}

void
mirrorset_free(struct mirrorset *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nown; i++)
		free(s->own[i]);
	free(s->own);
	free(s->m);
	if (s->doc != NULL)
		yaml_document_delete(s->doc);
	free(s->doc);
	free(s);
}

const struct ms_defaults *
mirrorset_defaults(const struct mirrorset *s)
{
	return &s->d;
}

size_t
mirrorset_count(const struct mirrorset *s)
{
	return s->n;
}

const struct ms_mirror *
mirrorset_get(const struct mirrorset *s, size_t i)
{
	return i < s->n ? &s->m[i] : NULL;
}

/* Names gathered for mirrorset_expand. */
struct names {
	const struct ms_mirror	*m;
	char			 host[256];
	char			**v;
	size_t			 n, cap;
	int			 oom;
};

static int
add_name(struct names *a, const char *repo)
{
	char	**v;

	if (!mirrorset_ns_match(a->m, repo))
		return 0;
	if (a->n == MS_REPOS_MAX)
		return 1;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		if ((v = realloc(a->v, a->cap * sizeof *v)) == NULL)
			return a->oom = 1;
		a->v = v;
	}
	if (asprintf(&a->v[a->n], "%s/%s", a->host, repo) == -1)
		return a->oom = 1;
	a->n++;
	return 0;
}

static int
catalog_page(void *ud, const char *const *repos, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (add_name(ud, repos[i]) != 0)
			return 1;
	return 0;
}

/* The registry's catalog through every page. */
static int
list_catalog(struct names *a, const struct reg_opts *src, struct tm_err *err)
{
	struct registry	*r;
	struct reg_conn	*conn = NULL;
	struct tm_ref	 ref;
	char		 probe[300];
	int		 rc = -1;

	/* The API host as a reference finds it (docker.io's differs). */
	snprintf(probe, sizeof probe, "%s/x/x", a->host);
	if (tm_ref_parse(probe, &ref, err) == -1 ||
	    (r = registry_new(ref.api_host, src, err)) == NULL)
		return -1;
	if ((conn = reg_conn_new(r, err)) != NULL)
		rc = reg_list_catalog(conn, catalog_page, a, NULL, err);
	reg_conn_free(conn);
	registry_free(r);
	return rc;
}

int
mirrorset_expand(const struct ms_mirror *m, const struct reg_opts *src,
    char ***repos, size_t *n, struct tm_err *err)
{
	struct names	a = { .m = m };
	const char	*slash = strchr(m->ns, '/');
	char		 full[512];
	size_t		 i;
	int		 rc = 0;

	snprintf(a.host, sizeof a.host, "%.*s", (int)strcspn(m->ns, "/"), m->ns);
	if (m->nrepos == 0)
		rc = list_catalog(&a, src, err);
	for (i = 0; i < m->nrepos && !a.oom; i++) {
		snprintf(full, sizeof full, "%s%s%s", slash != NULL ? slash + 1 :
		    "", slash != NULL ? "/" : "", m->repos[i]);
		add_name(&a, full);
	}
	if (a.oom)
		rc = tm_err_set(err, TM_CAT_IO, "out of memory");
	if (rc == -1) {
		tm_strv_free(a.v, a.n);
		return -1;
	}
	*repos = a.v;
	*n = a.n;
	return 0;
}

