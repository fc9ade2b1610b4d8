/*
 * What the registry client reads off the wire: URLs (resolution, origin,
 * host), the headers of an answer (Link, WWW-Authenticate, Retry-After,
 * RateLimit-Remaining, Location, Content-*, Docker-Content-Digest), the
 * bounded body, and registry error bodies.  Every parser takes hostile
 * input: bounded, no assumption about well-formedness.  No I/O, no
 * registry state: the unit tests drive them directly.
 */
#ifndef TM_HTTPPARSE_H
#define TM_HTTPPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ref.h"

#define HTTP_JSON_MAX	(4 * 1024 * 1024)	/* tags pages, tokens */
#define HTTP_ERRBODY_MAX (64 * 1024)		/* error answers we read */
#define HTTP_HEADERS_MAX (256 * 1024)		/* all headers of one answer */
#define HTTP_HEADER_MAX	(16 * 1024)		/* one header value we keep */

struct registry;

/* The answer to one exchange: the headers we use and a bounded body. */
struct http_resp {
	struct registry	*reg;		/* ratelimit headers are published here */
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
	/* Content-Range of a 206: bytes FIRST-LAST/TOTAL (-1: none, or
	 * TOTAL "*"); range_bad when one came and did not parse. */
	int64_t		 range_first, range_last, range_total;
	int		 range_bad;
	int64_t		 upload_stored;	/* an upload's Range: bytes held; -1 */
	char		 content_type[128];
	char		 digest[TM_DIGEST_MAX + 1];	/* Docker-Content-Digest */
	char		*location;
	char		*link;		/* every Link header, joined by ", " */
	char		*www_auth;	/* every WWW-Authenticate, joined */
	double		 retry_after;	/* seconds, -1 none */
	int		 ratelimit_seen; /* a RateLimit-Remaining that parsed */
	long		 rl_remaining;	/* its values, -1 unknown */
	long		 rl_window;
	/* OCI-Subject of a manifest PUT's answer: the registry indexed
	 * the manifest's subject itself (OCI 1.1 referrers API). */
	char		 oci_subject[TM_DIGEST_MAX + 1];
	int		 attempts;	/* http_do: the attempts this answer took */
};

/* Free what r holds (it stays usable); http_resp_reset also zeroes it. */
void	 http_resp_free(struct http_resp *);
void	 http_resp_reset(struct http_resp *);
/*
 * curl's header and body sinks for r (ud).  A status line starts over;
 * values past their bounds, or a 2xx body announced past max_body, stop
 * the exchange (header_overflow / overflow set).
 */
size_t	 http_header_write(char *, size_t, size_t, void *resp);
size_t	 http_body_write(char *, size_t, size_t, void *resp);

/* Resolve ref (absolute or relative) against base; http(s) only.  malloc'd. */
char	*http_resolve(const char *base, const char *ref);
/* 1 when both URLs have the same scheme, host and port. */
int	 http_same_origin(const char *a, const char *b);
/* "host[:port]" of url into out; "" when it does not parse. */
void	 http_url_host(const char *url, char *out, size_t n);
/* 1 when url starts with http:// or https://. */
int	 http_is_absolute(const char *url);

/*
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
/*
 * http_content_range: "bytes FIRST-LAST/TOTAL" (TOTAL may be "*", then
 * -1) with FIRST <= LAST < TOTAL.  http_upload_range: an upload status's
 * "0-LAST" (also "bytes=0-LAST") into the bytes the registry holds,
 * LAST + 1, except "0-0", which registries send for an empty upload as
 * well as for one byte: 0 (start over).  Both return 0, or -1 when the
 * value does not parse.
 */
int	 http_content_range(const char *value, int64_t *first, int64_t *last,
	    int64_t *total);
int	 http_upload_range(const char *value, int64_t *stored);

#define AUTH_MAX_CHALLENGES	4

struct auth_challenge {
	char	scheme[16];	/* lower case: "basic", "bearer" */
	char	realm[1024];
	char	service[256];
	char	scope[1024];
	char	error[64];	/* "insufficient_scope", "invalid_token" */
	int	truncated;	/* a value did not fit: do not use */
};

/*
 * Parse a WWW-Authenticate value (several challenges, quoted strings with
 * commas and escapes, any case).  Returns how many were stored.
 */
size_t	 http_auth_parse(const char *value, struct auth_challenge *, size_t max);

#endif
