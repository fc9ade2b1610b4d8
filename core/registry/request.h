/*
 * The registry client's request loop over libcurl: one exchange set up
 * for a registry connection, and http_do around it (scheme fallback,
 * redirects followed by hand so Authorization never leaves the origin it
 * was meant for, bounded auth rounds on 401, retries with backoff).  The
 * auth rounds go through the registry's struct reg_authn, so this loop never
 * calls the token code itself.  Internal to core/registry/.
 */
#ifndef TM_REQUEST_H
#define TM_REQUEST_H

#include <stddef.h>

#include <curl/curl.h>

#include "err.h"
#include "httpparse.h"

#define HTTP_MAX_HOPS	5			/* redirects per request */

struct registry;
struct reg_conn;

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
 * only to the first URL's origin), auth rounds on 401 (each with a fresh
 * token, bounded), retries.
 * Returns 0 with resp filled for a 2xx or rq->ok_status answer, else -1
 * with err filled (side, host, object, http, code, attempts, waited).
 * resp must be freed with http_resp_free either way.
 */
int	 http_do(struct reg_conn *, const struct http_req *, struct http_resp *,
	    struct tm_err *);

/*
 * The pieces http_do is made of, for blob.c which drives two exchanges
 * in one curl multi.  http_prepare resets easy and sets it up for one
 * exchange (the caller performs it); *hdrs must be released with
 * http_headers_free after the exchange.
 */
int	 http_prepare(struct reg_conn *, CURL *, const char *method,
	    const char *url, const char *authz, const struct http_req *,
	    struct http_resp *, struct curl_slist **hdrs, struct tm_err *);
void	 http_headers_free(struct curl_slist *);
/*
 * An exchange is over (answered, failed or cut short): one trace line,
 * and registry_stats' counts.  stream: a blob's GET or upload, whose
 * time is no latency sample (a 429 or 5xx still counts as a pushback).
 */
void	 http_exchange_done(struct reg_conn *, const char *method,
	    const char *url, CURLcode, const struct http_resp *, double secs,
	    int stream);
/*
 * The auth round, in one place.  http_auth_for: wipe *authz and, when own
 * (the URL is on the registry's origin), put the Authorization to send
 * for scope there (NULL: none needed).  0, or -1 with err filled (the
 * token request had its own retries: final).  http_auth_retry: after the
 * answer r to a request that carried sent: 0 when r is not a 401 worth
 * another try (or *authed, the rounds had, is at the bound), 1 try once
 * more, -1 with err filled (final).
 */
int	 http_auth_for(struct reg_conn *, const char *scope, int own,
	    char **authz, struct tm_err *);
int	 http_auth_retry(struct reg_conn *, const char *scope, int own,
	    const struct http_resp *, const char *sent, int *authed,
	    struct tm_err *);
/* Wipe and free a string that held a secret (NULL is fine). */
void	 http_secret_free(char *);
/* Start a tm_err for a failure of c's registry about object. */
void	 http_err_begin(struct reg_conn *, const char *object, struct tm_err *);
/* http_err_begin plus TM_CAT_IO "out of memory".  Returns -1. */
int	 http_oom(struct reg_conn *, const char *object, struct tm_err *);
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
/* Attempts per request on c's registry (opts.max_attempts, default 5). */
int	 http_max_attempts(const struct reg_conn *);
/* The side c's registry stamps into errors. */
enum tm_side http_side(const struct reg_conn *);
/* "scheme://host" + path for the scheme in use (https until known). */
char	*http_url(const struct registry *, const char *path);

#endif
