/*
 * Registry authentication: Basic, and bearer tokens cached per scope.
 * One struct auth per registry, shared by its conns under a mutex; tokens
 * are fetched outside the lock.  Credentials come from reg_opts
 * (user/pass) or, unless no_auth_files, from tm_creds_lookup(host) on the
 * first challenge.  Secrets stay in here and in the one Authorization
 * header of each exchange.  The request loop reaches it only through
 * auth_scheme, which registry_new installs.  Internal to core/registry/.
 */
#ifndef TM_AUTH_H
#define TM_AUTH_H

struct reg_authn;

struct auth	*auth_new(void);
void		 auth_free(struct auth *);
/*
 * What from learned that to has not: the challenge (Basic or a bearer
 * realm) and the tokens still valid, copied, so that to's first request
 * carries them instead of meeting a 401.  Locks both, from first.
 */
void		 auth_learn(struct auth *to, struct auth *from);

/*
 * The reg_authn the request loop calls: authorize gives the header to
 * send for a scope (fetching a token on the conn when needed); challenged,
 * after a 401, learns the challenge, drops the failed token and gets a
 * fresh one (0: try once more; -1 with err filled in the auth category:
 * give up).
 */
extern const struct reg_authn auth_scheme;

#endif
