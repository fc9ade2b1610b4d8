/*
 * Registry authentication: WWW-Authenticate challenges, Basic, and bearer
 * tokens cached per scope.  One struct auth per registry, shared by its
 * conns under a mutex; tokens are fetched outside the lock.  Credentials
 * come from reg_opts (user/pass) or, unless no_auth_files, from
 * tm_creds_lookup(host) on the first challenge.  Secrets stay in here and
 * in the one Authorization header of each exchange.
 */
#ifndef TM_AUTH_H
#define TM_AUTH_H

#include <stddef.h>

#include "err.h"

struct registry;
struct reg_conn;
struct http_resp;

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
size_t	 auth_parse(const char *value, struct auth_challenge *, size_t max);

struct auth	*auth_new(void);
void		 auth_free(struct auth *);

/*
 * The Authorization value to send to the registry for scope (NULL: none
 * known to be needed).  May fetch a token on c.  0 with *authz malloc'd
 * or NULL, or -1 with err filled.  Free *authz with auth_value_free.
 */
int	 auth_header(struct reg_conn *, const char *scope, char **authz,
	    struct tm_err *);
/*
 * After a 401 to a request for scope that carried sent (or NULL): learn
 * the challenge, drop the failed token and get a fresh one.  0 means try
 * once more; -1 with err filled (auth category) means give up.
 */
int	 auth_on_401(struct reg_conn *, const char *scope,
	    const struct http_resp *, const char *sent, struct tm_err *);
/* Wipe and free an Authorization value. */
void	 auth_value_free(char *);

#endif
