/*
 * Internal to the registry client (http.c, auth.c, registry.c,
 * blobcopy.c): the registry and connection objects, one HTTP exchange over
 * libcurl, and the request loop around it (redirects followed by hand so
 * Authorization never leaves the origin it was meant for, one auth round
 * on 401, retries with backoff).  Nothing outside the client includes it.
 */
#ifndef TM_REQUEST_H
#define TM_REQUEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <curl/curl.h>

#include "err.h"
#include "ref.h"
#include "registry.h"

#define HTTP_JSON_MAX	(4 * 1024 * 1024)	/* tags pages, tokens */
#define HTTP_ERRBODY_MAX (64 * 1024)		/* error answers we read */
#define HTTP_HEADERS_MAX (256 * 1024)		/* all headers of one answer */
#define HTTP_HEADER_MAX	(16 * 1024)		/* one header value we keep */
#define HTTP_MAX_HOPS	5			/* redirects per request */

enum http_scheme {
	HTTP_SCHEME_UNKNOWN,
	HTTP_SCHEME_HTTPS,
	HTTP_SCHEME_HTTP
};

struct auth;

struct registry {
	char		*host;
	struct reg_opts	 opts;		/* strings point at the copies below */
	char		*cert_dir;
	char		*ca_file;
	char		*user;
	char		*pass;
	char		*user_agent;
	char		*ca_pem;	/* system bundle + extra CAs, or NULL */
	size_t		 ca_len;
	CURLSH		*share;		/* DNS and TLS sessions only */
	pthread_mutex_t	 locks[CURL_LOCK_DATA_LAST];
	struct auth	*auth;
	atomic_int	 scheme;	/* enum http_scheme */
	atomic_long	 rl_remaining;
	atomic_long	 rl_window;
	atomic_ulong	 requests;
};

struct reg_conn {
	struct registry		*reg;
	CURL			*easy;
	CURLM			*multi;		/* blob copies; made on first use */
	const atomic_int	*cancel;
	reg_progress_fn		*progress;
	void			*progress_ud;
	reg_retry_fn		*retry;
	void			*retry_ud;
	uint64_t		 rng;		/* backoff jitter */
	char			 errbuf[CURL_ERROR_SIZE];
};

/* The answer to one exchange: the headers we use and a bounded body. */
struct http_resp {
	struct registry	*reg;		/* ratelimit headers land here */
	long		 status;
	char		*url;		/* the URL that answered (after redirects) */
	char		*body;		/* NUL-terminated; NULL when empty */
	size_t		 len;
	size_t		 body_alloc;
	size_t		 max_body;	/* 2xx bodies past this are an error */
	int		 head;		/* HEAD: no body expected */
	int		 overflow;	/* body past its bound */
	int		 header_overflow; /* headers past their bounds */
	size_t		 header_bytes;
	int64_t		 content_length; /* -1 unknown */
	char		 content_type[128];
	char		 digest[TM_DIGEST_MAX + 1];	/* Docker-Content-Digest */
	char		*location;
	char		*link;		/* every Link header, joined by ", " */
	char		*www_auth;	/* every WWW-Authenticate, joined */
	double		 retry_after;	/* seconds, -1 none */
};

struct http_req {
	const char	*method;	/* GET HEAD PUT POST DELETE */
	const char	*url;		/* "/v2/..." on the registry, or absolute */
	const char	*object;	/* named in errors: "manifest 3.12" */
	const char	*scope;		/* token scopes, space separated; NULL none */
	const char	*accept;
	const char	*content_type;
	const void	*body;		/* PUT/POST body from memory */
	size_t		 body_len;
	size_t		 max_body;	/* 2xx body kept up to this; 0 discards */
	long		 ok_status;	/* a non-2xx status that is an answer (404) */
	int		 no_retry;	/* one attempt: the caller retries */
	int		 stream;	/* the caller sets CURLOPT_UPLOAD and a reader */
	/*
	 * Token requests: send this Authorization (or none) to the origin of
	 * url instead of the registry's auth, and treat 401 as final.
	 */
	int		 raw_auth;
	const char	*authz;
};

/*
 * One request to completion: scheme fallback, redirects (Authorization
 * only to the first URL's origin), one auth round on 401, retries.
 * Returns 0 with resp filled for a 2xx or rq->ok_status answer, else -1
 * with err filled (side, host, object, http, code, attempts, waited).
 * resp must be freed with http_resp_free either way.
 */
int	 http_do(struct reg_conn *, const struct http_req *, struct http_resp *,
	    struct tm_err *);
void	 http_resp_free(struct http_resp *);

/*
 * The pieces http_do is made of, for blobcopy.c which drives two
 * exchanges in one curl multi.  http_prepare resets easy and sets it up
 * for one exchange (the caller performs it); *hdrs must be released with
 * http_headers_free after the exchange.
 */
int	 http_prepare(struct reg_conn *, CURL *, const char *method,
	    const char *url, const char *authz, const struct http_req *,
	    struct http_resp *, struct curl_slist **hdrs, struct tm_err *);
void	 http_headers_free(struct curl_slist *);
/* The default body sink (bounded) that http_prepare installs. */
size_t	 http_body_write(char *, size_t, size_t, void *resp);
/* Start a tm_err for a failure of c's registry about object. */
void	 http_err_begin(struct reg_conn *, const char *object, struct tm_err *);
/*
 * When r is a redirect with a Location, point *url (malloc'd) at its
 * target and count the hop.  1 followed, 0 not a redirect, -1 with err
 * filled (too many hops, a target that is not http(s)).
 */
int	 http_follow(const struct http_resp *, char **url, int *hops,
	    struct tm_err *);
/* 1 when the exchange got an answer (an error body cut short counts). */
int	 http_answered(CURLcode, const struct http_resp *);
/* Fill err from a failed curl exchange.  Returns -1. */
int	 http_curl_err(struct reg_conn *, CURLcode, const struct http_resp *,
	    struct tm_err *);
/* Fill err from an unwanted HTTP status and its error body.  Returns -1. */
int	 http_status_err(const struct http_resp *, struct tm_err *);
/* 1 when the failure in err may succeed on another attempt. */
int	 http_retryable(const struct tm_err *);
/*
 * Back off before attempt+1: exponential with jitter from retry_base, or
 * retry_after when >= 0, capped by retry_cap.  Calls the retry hook, sleeps
 * in slices watching the cancel flag.  0, or -1 with err CANCELLED.
 */
int	 http_backoff(struct reg_conn *, int attempt, double retry_after,
	    struct tm_err *);
int	 http_cancelled(const struct reg_conn *);
int	 http_max_attempts(const struct registry *);
/* "scheme://host" + path for the scheme in use (https until known). */
char	*http_url(const struct registry *, const char *path);
/* Resolve ref (absolute or relative) against base; http(s) only.  malloc'd. */
char	*http_resolve(const char *base, const char *ref);
/* 1 when both URLs have the same scheme, host and port. */
int	 http_same_origin(const char *a, const char *b);
/* "host[:port]" of url into out; "" when it does not parse. */
void	 http_url_host(const char *url, char *out, size_t n);

/*
 * Parsers, exposed for the unit tests.
 * http_link_next: the rel="next" target of a Link header into a malloc'd
 * string, NULL when none.  http_retry_after: seconds to wait from a
 * Retry-After value (delta-seconds or HTTP-date, relative to now), -1
 * when it is neither.  http_error_body: the first error of a registry's
 * JSON error answer (also {"message"}, {"error"}, {"details"}) into code
 * and msg, both sanitised; returns 1 when one was found.
 * http_ratelimit: "N;w=SECONDS" into remaining and window (-1 unknown);
 * returns 0, or -1 when it does not parse.
 */
char	*http_link_next(const char *value);
double	 http_retry_after(const char *value, time_t now);
int	 http_error_body(const char *body, size_t len, char *code, size_t ncode,
	    char *msg, size_t nmsg);
int	 http_ratelimit(const char *value, long *remaining, long *window);

/* CA bundle for cert_dir / ca_file (system bundle first).  0 or -1. */
int	 http_ca_load(struct registry *, struct tm_err *);

/*
 * Upload sessions, shared by registry.c and blobcopy.c.  Start one on
 * repo and return its absolute URL (malloc'd), or NULL with err filled.
 * object names the blob in errors.
 */
char	*reg_upload_start(struct reg_conn *, const char *repo,
	    const char *object, struct tm_err *);
/* URL of the PUT that completes upload url with digest.  malloc'd. */
char	*reg_upload_put_url(const char *url, const char *digest);
/* Tidy: DELETE an upload session we abandon.  Errors are ignored. */
void	 reg_upload_cancel(struct reg_conn *, const char *url, const char *repo);
/* "repository:REPO:pull,push" into a malloc'd string. */
char	*reg_scope(const char *repo, const char *actions);

#endif
