/*
 * Mirror sets: many repositories in one YAML file (docs/mirrorset.md),
 * read through libyaml into one model, from tagmirror's own schema or
 * from skopeo sync's (`skopeo sync --src yaml`), plus what a run needs
 * from it: destination templates, repository globs and shards.  Pure
 * parsing, no I/O but reading the file; any thread; a set is immutable
 * once loaded.
 */
#ifndef TM_MIRRORSET_H
#define TM_MIRRORSET_H

#include <stddef.h>

#include "err.h"

#define MS_FILE_MAX	(1024 * 1024)	/* bytes of YAML */
#define MS_DEPTH_MAX	16		/* nested collections */
#define MS_NODES_MAX	100000		/* scalars, sequences, mappings */
#define MS_MIRRORS_MAX	10000
#define MS_REPOS_MAX	10000		/* an explicit repository list */

struct mirrorset;

/* What applies to every mirror unless it says otherwise. */
struct ms_defaults {
	const char	*registry;	/* destination host for bare names; NULL */
	int		 jobs;		/* 0: the engine's default */
	const char	*platforms;	/* NULL: whole indexes */
	int		 rollback;	/* -1: REPO_MIRROR_ROLLBACK */
	int		 delete_stale;
	int		 src_tls_verify, dst_tls_verify;	/* 1 by default */
	const char	*src_cert_dir, *dst_cert_dir;	/* NULL: none */
	const char	*auth_file;	/* credentials by reference; NULL: the usual files */
	int		 referrers;	/* 1 by default: signatures travel */
	const char	*referrer_types;	/* "a,b" (a list joined); NULL: all */
};

/*
 * One mirror: a repository (source), or a namespace whose repositories
 * come from the registry's catalog or from repos, filtered by match.
 * Strings belong to the set.
 */
struct ms_mirror {
	const char		*source;	/* "host/repo", NULL with ns */
	const char		*ns;		/* "host/namespace" or NULL */
	const char		*match;		/* glob on names under ns ("*") */
	const char *const	*repos;		/* explicit names under ns */
	size_t			 nrepos;	/* 0: the catalog */
	const char		*dest;		/* repository or template */
	const char		*tags;		/* tag expression, compiled once */
	const char		*platforms;	/* NULL: the default's */
	int			 src_tls_verify;	/* -1: the default's */
	const char		*src_cert_dir;	/* NULL: the default's */
	int			 referrers;	/* -1: the default's */
	const char		*referrer_types;	/* NULL: the default's */
	int			 line, col;	/* where it is written, 1-based */
};

/*
 * Parse text (len bytes) named name in errors.  skopeo_dest NULL reads
 * tagmirror's schema; otherwise skopeo sync's, every image going to
 * skopeo_dest/NAME as skopeo puts it.  Errors (TM_CAT_USAGE) read
 * "NAME:LINE:COLUMN: what": unknown keys, inline secrets, bad values and
 * expressions, aliases, limits.  Returns the set, or NULL with err.
 */
struct mirrorset *mirrorset_parse(const char *text, size_t len,
		    const char *name, const char *skopeo_dest, struct tm_err *);
/* The same from a file (at most MS_FILE_MAX bytes). */
struct mirrorset *mirrorset_load(const char *path, const char *skopeo_dest,
		    struct tm_err *);
void		 mirrorset_free(struct mirrorset *);

const struct ms_defaults *mirrorset_defaults(const struct mirrorset *);
size_t		 mirrorset_count(const struct mirrorset *);
const struct ms_mirror *mirrorset_get(const struct mirrorset *, size_t i);

/*
 * The destination of repository repo (path, no host) of source host
 * host: m->dest with {registry} (host), {repo} (repo), {namespace} (repo
 * up to its last '/', "" when none) and {name} (its last part) filled
 * in, then the default registry put first when it names no host.
 * "host/repo" into buf.  0, or -1 with err (too long, no host known, an
 * unknown {placeholder}).
 */
int		 mirrorset_dest(const struct mirrorset *, const struct ms_mirror *,
		    const char *host, const char *repo, char *buf, size_t n,
		    struct tm_err *);

/*
 * Whether catalog name repo belongs to namespace mirror m: under m->ns's
 * path, and the rest matched by m->match.  1 or 0.
 */
int		 mirrorset_ns_match(const struct ms_mirror *, const char *repo);

/*
 * The repositories namespace mirror m stands for, as "host/repo"
 * (malloc'd array of malloc'd strings, tm_strv_free),
 * in catalog (or list) order: its explicit list, else the source
 * registry's /v2/_catalog (src: its options), each kept when
 * mirrorset_ns_match says so.  At most MS_REPOS_MAX.  0, or -1 with err
 * (a registry without a catalog answers 401 or 404).  Blocking.
 */
struct reg_opts;
int		 mirrorset_expand(const struct ms_mirror *, const struct reg_opts *src,
		    char ***repos, size_t *n, struct tm_err *);

/*
 * The shard (0 .. n-1) of a mirror: the first 8 bytes of SHA-256 of its
 * source (or namespace) as written, big-endian, modulo n.  Stable across
 * machines and versions.  n >= 1.
 */
unsigned	 mirrorset_shard(const struct ms_mirror *, unsigned n);

#endif
