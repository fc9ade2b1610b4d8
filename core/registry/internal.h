/*
 * Private to core/registry/: the registry and connection objects that
 * registry.h keeps opaque, and the auth interface the request loop calls
 * through.  Nothing outside this folder includes it (tests/it/layering.sh
 * checks).
 */
#ifndef TM_REGISTRY_INTERNAL_H
#define TM_REGISTRY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <curl/curl.h>

#include "err.h"
#include "registry.h"

enum http_scheme {
	HTTP_SCHEME_UNKNOWN,
	HTTP_SCHEME_HTTPS,
	HTTP_SCHEME_HTTP
};

struct auth;
struct http_resp;

/*
 * How the request loop authenticates, without knowing how: authorize
 * gives the Authorization for scope (*authz malloc'd or NULL), challenged
 * learns from a 401 that answered a request carrying sent (0: try once
 * more).  Both return -1 with err filled to give up.  auth.c provides the
 * one implementation (auth_scheme); registry_new installs it.
 */
struct reg_authn {
	int	(*authorize)(struct reg_conn *, const char *scope, char **authz,
		    struct tm_err *);
	int	(*challenged)(struct reg_conn *, const char *scope,
		    const struct http_resp *, const char *sent, struct tm_err *);
};

struct registry {
	char			*host;
	struct reg_opts		 opts;	/* strings point at the copies below */
	char			*cert_dir;
	char			*ca_file;
	char			*user;
	char			*pass;
	char			*user_agent;
	char			*auth_file;
	char			*registry_token;
	char			*ca_pem;	/* system bundle + extra CAs, or NULL */
	size_t			 ca_len;
	CURLSH			*share;		/* DNS and TLS sessions only */
	pthread_mutex_t		 locks[CURL_LOCK_DATA_LAST];
	const struct reg_authn	*authn;
	struct auth		*auth;		/* authn's state */
	atomic_int		 scheme;	/* enum http_scheme */
	atomic_long		 rl_remaining;
	atomic_long		 rl_window;
	atomic_ulong		 requests;
	/* registry_stats: timed exchanges, their microseconds, pushbacks. */
	atomic_ulong		 exchanges, busy_us, pushbacks;
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
	/* The last exchange stalled (a low-speed window with no progress):
	 * not re-sent at once, the peer most likely stalls again. */
	int			 stalled;
	/* The last manifest PUT's answer carried OCI-Subject. */
	int			 put_subject;
	char			 errbuf[CURL_ERROR_SIZE];
};

#endif
