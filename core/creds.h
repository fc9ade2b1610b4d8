/*
 * Registry credentials: from USER[:PASS] options and from the files
 * docker, podman and skopeo keep (~/.docker/config.json with auths,
 * credsStore and credHelpers; containers auth.json from
 * REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json).
 * Secrets live only in these structs; tm_creds_clear wipes them.
 */
#ifndef TM_CREDS_H
#define TM_CREDS_H

#include "err.h"

struct tm_creds {
	char	*user;		/* NULL when anonymous */
	char	*pass;
	char	*identity_token; /* OAuth refresh token from a helper, or NULL */
};

/*
 * Split "USER[:PASS]" (first ':' splits).  A missing password leaves pass
 * NULL so the caller can prompt or read stdin.
 */
int	tm_creds_from_option(const char *userpass, struct tm_creds *, struct tm_err *);

/*
 * Look host up ("docker.io" also matches "https://index.docker.io/v1/").
 * Returns 1 found, 0 nothing configured, -1 on error (unreadable or bad
 * file, failing credential helper: the message names the file or helper).
 * Files: REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json;
 * then $DOCKER_CONFIG/config.json, else ~/.docker/config.json.  The first
 * with an answer wins; in each, credHelpers, auths, then credsStore.
 * A helper runs at most TAGMIRROR_CRED_HELPER_TIMEOUT_MS (default 10000).
 * A helper's "<token>" user leaves user NULL and sets identity_token.
 * Any thread; *c is overwritten (clear it first if it held anything).
 */
int	tm_creds_lookup(const char *host, struct tm_creds *, struct tm_err *);
/*
 * The same with auth_file (skopeo's --authfile; NULL: none) read first in
 * place of REGISTRY_AUTH_FILE / $XDG_RUNTIME_DIR/containers/auth.json.
 */
int	tm_creds_lookup_file(const char *auth_file, const char *host,
	    struct tm_creds *, struct tm_err *);

/* Zero and free one secret string and set *s to NULL (NULL is fine). */
void	tm_secret_free(char **s);

/* Zero and free the secrets; the struct can be reused. */
void	tm_creds_clear(struct tm_creds *);

#endif
