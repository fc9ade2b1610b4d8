/*
 * Registry client (distribution API v2) over libcurl: the header the
 * rest of core/ and the tools use (with nameset.h and tagsjson.h; the
 * request-level headers and internal.h stay inside core/registry/).
 *
 * Two objects:
 *  - struct registry: one per registry host, shared by all threads.  Holds
 *    options, credentials, the bearer-token cache (mutex) and a CURLSH
 *    sharing DNS and TLS sessions only.
 *  - struct reg_conn: one per thread and registry.  Owns a CURL easy handle
 *    kept alive across requests, so each worker reuses its connections.
 *    Never use a reg_conn from two threads at once.
 *
 * Every call returns 0 (or a count / boolean as documented) on success and
 * -1 on error with err filled: side, host, HTTP status, registry error code,
 * object, attempts.  Transient failures (408, 429, 5xx, connection errors)
 * are retried with exponential backoff and jitter, honouring Retry-After up
 * to opts.retry_cap; 400/401/403/404 are not retried (a 401 gets a fresh
 * token, a few times per request; a 401 that still refuses tokens the
 * registry just issued says so in err->token_revoked).  Credentials never reach err, logs or other hosts: the
 * Authorization header is dropped when a redirect leaves the registry host.
 */
#ifndef TM_REGISTRY_H
#define TM_REGISTRY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"

struct registry;
struct reg_conn;

struct reg_opts {
	enum tm_side	 side;		/* stamped into every error */
	int		 tls_verify;	/* 1 by default; 0 also allows plain HTTP */
	const char	*cert_dir;	/* *.crt = extra CAs, as skopeo --cert-dir */
	const char	*ca_file;	/* a PEM bundle of extra CAs */
	int		 plain_http;	/* allow http:// on a non-loopback host */
	const char	*user;		/* NULL: look up auth files */
	const char	*pass;
	int		 no_auth_files;	/* 1: never read docker/containers files */
	int		 max_attempts;	/* per request; 0 means 5 */
	double		 retry_base;	/* first backoff, seconds; 0 means 0.5 */
	double		 retry_cap;	/* longest single wait, seconds; 0 means 60 */
	long		 connect_timeout; /* seconds; 0 means 30 */
	long		 low_speed_time;  /* seconds under 1 KiB/s before abort; 0 means
					   * $TAGMIRROR_LOW_SPEED_TIME, else 20 */
	const char	*user_agent;	/* NULL: "tagmirror/VERSION" */
	/* Additions (the command line's skopeo options and --verbose). */
	const char	*auth_file;	/* read first instead of REGISTRY_AUTH_FILE */
	const char	*registry_token; /* a bearer token sent as is (no user) */
	/* Called after every exchange that got an answer (status) or none
	 * (0), from any thread; the URL may carry a query, never userinfo. */
	void		(*trace)(void *ud, enum tm_side, const char *method,
			    const char *url, int status, double seconds);
	void		*trace_ud;
};

/* Fill o with the defaults above (side NONE, tls_verify 1). */
void	reg_opts_init(struct reg_opts *o);

/*
 * host is the API host ("registry-1.docker.io", "127.0.0.1:5000").  The
 * strings in opts are copied.  Call after curl_global_init.  Any thread.
 */
struct registry	*registry_new(const char *host, const struct reg_opts *,
		    struct tm_err *);
/* Free every reg_conn of a registry before the registry itself. */
void		 registry_free(struct registry *);
const char	*registry_host(const struct registry *);
/* "https" or "http", known after the first successful request. */
const char	*registry_scheme(const struct registry *);
/*
 * to starts where from, a registry object of the same host and options,
 * got to: its scheme and its challenge and tokens, so that to's first
 * requests need no https attempt and no 401 round.  Any thread.
 */
void		 registry_learn(struct registry *to, struct registry *from);

/*
 * Docker Hub's ratelimit-remaining as last seen (any thread), -1 unknown.
 * registry_ratelimit_window is its window in seconds from "N;w=21600",
 * -1 unknown.
 */
long		 registry_ratelimit_remaining(const struct registry *);
long		 registry_ratelimit_window(const struct registry *);
/* Requests sent so far (all conns): for benchmarks and tests. */
unsigned long	 registry_request_count(const struct registry *);
/*
 * What the engine's adaptive window watches, counted since the start:
 * requests sent; exchanges answered and the seconds they took (blob
 * bodies excluded: their time is size, not latency); answers that pushed
 * back (429, 5xx).
 */
struct reg_stats {
	unsigned long	requests, exchanges, pushbacks;
	double		busy;
};
void		 registry_stats(const struct registry *, struct reg_stats *);

struct reg_conn	*reg_conn_new(struct registry *, struct tm_err *);
void		 reg_conn_free(struct reg_conn *);

/*
 * Hooks for a worker.  cancel: when it becomes non-zero, transfers abort
 * and calls fail with TM_CAT_CANCELLED.  progress: called with byte deltas
 * of blob transfers (counted once, on the download side).  retry: called
 * before each backoff sleep with the error that caused it and the wait.
 */
typedef void	 reg_progress_fn(void *ud, int64_t delta);
typedef void	 reg_retry_fn(void *ud, const struct tm_err *, double wait);
void		 reg_conn_set_cancel(struct reg_conn *, const atomic_int *);
void		 reg_conn_set_progress(struct reg_conn *, reg_progress_fn *, void *);
void		 reg_conn_set_retry(struct reg_conn *, reg_retry_fn *, void *);

/* GET /v2/: reachability, scheme and auth challenge discovery. */
int	reg_ping(struct reg_conn *, struct tm_err *);
/*
 * May we push to repo?  Starts a blob upload session and cancels it
 * (nothing is stored): 0 the registry opened one, -1 with err (401/403
 * denied, 405 UNSUPPORTED on a read-only registry, ...).
 */
int	reg_push_check(struct reg_conn *, const char *repo, struct tm_err *);

/*
 * All tags of repo, page by page (n=1000, Link header).  cb receives each
 * page's valid tag names, each once (a name repeated, in a page or a later
 * one, is dropped); it returns 0 to go on, non-zero to stop.  Names that
 * are not valid tags are skipped and counted into *rejected (may be
 * NULL).  Loops and pages past the limits are errors (TM_CAT_PROTOCOL).
 */
typedef int	 reg_tags_fn(void *ud, const char *const *tags, size_t n);
int	reg_list_tags(struct reg_conn *, const char *repo, reg_tags_fn *,
	    void *ud, size_t *rejected, struct tm_err *);

/*
 * Every repository the registry lists in /v2/_catalog (the pagination,
 * limits and duplicate handling of reg_list_tags; cb gets names, invalid
 * ones counted into *rejected).  Registries without a catalog (Docker
 * Hub) answer 401/404: an error as any other.
 */
int	reg_list_catalog(struct reg_conn *, reg_tags_fn *, void *ud,
	    size_t *rejected, struct tm_err *);

struct reg_manifest {
	char	*bytes;		/* exact bytes as received; NULL after HEAD */
	size_t	 len;
	char	 media_type[128];
	char	 digest[TM_DIGEST_MAX + 1];	/* computed from bytes (GET) or header (HEAD) */
};
void	reg_manifest_free(struct reg_manifest *);

/*
 * HEAD manifest ref (tag or digest).  Returns 1 found (digest, media type
 * and len filled), 0 not found (404), -1 error.
 */
int	reg_manifest_head(struct reg_conn *, const char *repo, const char *ref,
	    struct reg_manifest *, struct tm_err *);
/*
 * GET manifest: exact bytes (at most MF_MAX_BYTES), digest computed; when
 * ref is a digest a mismatch is TM_CAT_DIGEST_MISMATCH.  0 or -1.
 */
int	reg_manifest_get(struct reg_conn *, const char *repo, const char *ref,
	    struct reg_manifest *, struct tm_err *);
/* PUT m->bytes as m->media_type at ref (tag or digest).  0 or -1. */
int	reg_manifest_put(struct reg_conn *, const char *repo, const char *ref,
	    const struct reg_manifest *, struct tm_err *);
/*
 * DELETE manifest by digest (distribution 2.8 removes every tag pointing at
 * it).  Returns 0 deleted, 1 was already absent, -1 error.
 */
int	reg_manifest_delete(struct reg_conn *, const char *repo,
	    const char *digest, struct tm_err *);
/* DELETE a tag where the registry supports it (OCI 1.1).  0, or -1 with
 * TM_CAT_PROTOCOL and http 400/405 when only digest deletes work. */
int	reg_tag_delete(struct reg_conn *, const char *repo, const char *tag,
	    struct tm_err *);

/* HEAD blob.  1 present, 0 absent, -1 error. */
int	reg_blob_exists(struct reg_conn *, const char *repo,
	    const char *digest, struct tm_err *);
/* Cross-repository mount.  1 mounted, 0 not (no error), -1 error. */
int	reg_blob_mount(struct reg_conn *, const char *repo, const char *digest,
	    const char *from_repo, struct tm_err *);

/*
 * Stream one blob from src to dst without holding it in memory: GET and
 * upload run side by side through a bounded buffer (one thread, curl multi).
 * SHA-256 is checked while streaming and the last bytes are held back until
 * it matches, so corrupt data is never committed (TM_CAT_DIGEST_MISMATCH,
 * side SOURCE).  A failure mid-way resumes, within the retry budget: a
 * cut GET with Range from the bytes held, a cut upload (blobs of 8 MiB
 * and more) from the offset the registry reports; where the registry
 * cannot say, with a fresh upload session.  Errors name the side that
 * failed.
 */
int	reg_blob_copy(struct reg_conn *src, const char *src_repo,
	    struct reg_conn *dst, const char *dst_repo,
	    const struct mf_desc *blob, struct tm_err *);

/*
 * Upload from memory (small blobs, config blobs in tests and tools):
 * POST + PUT ?digest=.  0 or -1.
 */
int	reg_blob_put(struct reg_conn *, const char *repo, const void *buf,
	    size_t len, const char *digest, struct tm_err *);

/*
 * Referrers (OCI distribution 1.1; core/registry/referrers.c).  A
 * referrer is a manifest whose "subject" names another manifest's digest:
 * signatures, SBOMs, attestations.
 */
struct reg_referrer {
	char	digest[TM_DIGEST_MAX + 1];
	char	media_type[128];
	char	artifact_type[128];	/* "" when the descriptor has none */
	int64_t	size;
};
struct reg_referrers {
	struct reg_referrer	*items;
	size_t			 n;
};
void	reg_referrers_free(struct reg_referrers *);

/*
 * The referrers of digest in repo through the referrers API: GET
 * /v2/<repo>/referrers/<digest> (artifact_type, when not NULL, asked as
 * ?artifactType=; a registry may ignore it, so callers filter again),
 * every page of it (Link, at most 100 pages and MF_MAX_ITEMS
 * descriptors).  1 answered (l filled, maybe empty), 0 the registry has
 * no such API (404: distribution 2.8; also 400, 405, 501, or a first
 * answer that is no index; read the tag schema's index with
 * reg_referrers_tag and reg_referrers_parse then), -1 error.
 */
int	reg_referrers_api(struct reg_conn *, const char *repo,
	    const char *digest, const char *artifact_type,
	    struct reg_referrers *l, struct tm_err *);
/* The descriptors of an index's "manifests", appended to l.  0 or -1. */
int	reg_referrers_parse(const char *bytes, size_t len,
	    struct reg_referrers *l, struct tm_err *);
/* The referrers tag schema's tag for digest into out[TM_TAG_MAX + 1]. */
void	reg_referrers_tag(const char *digest, char *out);
/*
 * The fallback index old (NULL: none yet) with every descriptor of add
 * it does not list appended (the others' entries are all kept).  1 with
 * *out (malloc'd OCI index) when something was added, 0 when old lists
 * them all, -1.
 */
int	reg_referrers_merge(const char *old, size_t len,
	    const struct reg_referrer *add, size_t n, char **out,
	    size_t *outlen, struct tm_err *);
/*
 * 1 when the answer to this conn's last manifest PUT carried OCI-Subject:
 * the registry indexes referrers itself, no fallback index is needed.
 */
int	reg_conn_put_subject(const struct reg_conn *);

#endif
