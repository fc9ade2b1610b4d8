/*
 * Registry authentication: credentials, Basic, and bearer tokens fetched
 * from the challenge's realm and cached per scope.  The request loop
 * reaches it only through auth_scheme.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "base64.h"
#include "clock.h"
#include "creds.h"
#include "httpparse.h"
#include "internal.h"
#include "request.h"

#define AUTH_TOKENS_MAX		64
#define TOKEN_TTL_DEFAULT	60	/* seconds, when expires_in is absent */
#define TOKEN_TTL_MAX		86400

enum auth_kind {
	AUTH_UNKNOWN,		/* no challenge seen: send nothing */
	AUTH_BASIC,
	AUTH_BEARER
};

struct token {
	char	*scope;		/* cache key; "" for none */
	char	*value;		/* "Bearer ..." */
	double	 expires;	/* tm_now() time to stop using it */
};

struct auth {
	pthread_mutex_t	 lock;
	enum auth_kind	 kind;
	char		*realm;
	char		*service;
	int		 creds_loaded;
	struct tm_err	 creds_err;	/* cat NONE unless the look-up failed */
	struct tm_creds	 creds;
	struct token	 tokens[AUTH_TOKENS_MAX];
};

/*
 * The per-registry state.
 */

struct auth *
auth_new(void)
{
	struct auth	*a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	if (pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a);
		return NULL;
	}
	return a;
}

static void
token_drop(struct token *t)
{
	free(t->scope);
	http_secret_free(t->value);
	memset(t, 0, sizeof *t);
}

void
auth_free(struct auth *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < AUTH_TOKENS_MAX; i++)
		token_drop(&a->tokens[i]);
	tm_creds_clear(&a->creds);
	free(a->realm);
	free(a->service);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* Under the lock.  The look-up runs once; its failure is remembered. */
static int
creds_load(struct reg_conn *c, struct auth *a, struct tm_err *err)
{
	struct registry	*reg = c->reg;
	struct tm_err	 e;

	if (!a->creds_loaded) {
		a->creds_loaded = 1;
		tm_err_clear(&a->creds_err);
		if (reg->user != NULL) {
			a->creds.user = strdup(reg->user);
			a->creds.pass = strdup(reg->pass != NULL ? reg->pass : "");
			if (a->creds.user == NULL || a->creds.pass == NULL) {
				tm_creds_clear(&a->creds);
				tm_err_set(&a->creds_err, TM_CAT_IO, "out of memory");
			}
		} else if (!reg->opts.no_auth_files) {
			tm_err_clear(&e);
			if (tm_creds_lookup_file(reg->opts.auth_file, reg->host,
			    &a->creds, &e) == -1) {
				tm_creds_clear(&a->creds);
				tm_err_set(&a->creds_err, TM_CAT_AUTH,
				    "credentials: %s", e.msg);
			}
		}
	}
	if (a->creds_err.cat != TM_CAT_NONE) {
		err->http = 0;
		err->code[0] = '\0';
		return tm_err_set(err, a->creds_err.cat, "%s", a->creds_err.msg);
	}
	return 0;
}

static int
have_creds(const struct auth *a)
{
	return a->creds.user != NULL || a->creds.identity_token != NULL;
}

static char *
basic_value(const struct auth *a)
{
	char	*plain, *enc, *out = NULL;

	if (a->creds.user == NULL)
		return NULL;
	if (asprintf(&plain, "%s:%s", a->creds.user,
	    a->creds.pass != NULL ? a->creds.pass : "") == -1)
		return NULL;
	enc = tm_b64_encode(plain, strlen(plain));
	http_secret_free(plain);
	if (enc != NULL && asprintf(&out, "Basic %s", enc) == -1)
		out = NULL;
	http_secret_free(enc);
	return out;
}

static struct token *
token_find(struct auth *a, const char *key)
{
	size_t	i;

	for (i = 0; i < AUTH_TOKENS_MAX; i++)
		if (a->tokens[i].scope != NULL && strcmp(a->tokens[i].scope, key) == 0)
			return &a->tokens[i];
	return NULL;
}

/* Under the lock.  Takes value. */
static void
token_store(struct auth *a, const char *key, char *value, double expires)
{
	struct token	*t = token_find(a, key), *victim = NULL;
	size_t		 i;

	if (t == NULL) {
		/* A free slot, else the one closest to expiry. */
		for (i = 0; i < AUTH_TOKENS_MAX && t == NULL; i++) {
			if (a->tokens[i].scope == NULL)
				t = &a->tokens[i];
			else if (victim == NULL || a->tokens[i].expires < victim->expires)
				victim = &a->tokens[i];
		}
		if (t == NULL)
			t = victim;
	}
	token_drop(t);
	if ((t->scope = strdup(key)) == NULL) {
		http_secret_free(value);
		return;
	}
	t->value = value;
	t->expires = expires;
}

void
auth_learn(struct auth *to, struct auth *from)
{
	size_t	i;
	char	*v;

	pthread_mutex_lock(&from->lock);
	pthread_mutex_lock(&to->lock);
	if (to->kind == AUTH_UNKNOWN && from->kind != AUTH_UNKNOWN &&
	    (from->realm == NULL || (to->realm = strdup(from->realm)) != NULL)) {
		if (from->service != NULL)
			to->service = strdup(from->service);
		to->kind = from->kind;
		for (i = 0; i < AUTH_TOKENS_MAX; i++)
			if (from->tokens[i].scope != NULL &&
			    tm_now() < from->tokens[i].expires &&
			    (v = strdup(from->tokens[i].value)) != NULL)
				token_store(to, from->tokens[i].scope, v,
				    from->tokens[i].expires);
	}
	pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
}

/*
 * Token requests.
 */

static char *
url_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out = malloc(3 * strlen(s) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		unsigned char	ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Append "&name=escaped(value)" to *s (no '&' when *s is empty). */
static int
param_add(char **s, const char *name, const char *value)
{
	char	*esc = url_escape(value), *n;
	int	 rc;

	if (esc == NULL)
		return -1;
	rc = asprintf(&n, "%s%s%s=%s", *s, (*s)[0] != '\0' ? "&" : "", name, esc);
	free(esc);
	if (rc == -1)
		return -1;
	http_secret_free(*s);
	*s = n;
	return 0;
}

/* service=..&scope=..&scope=.. for the scopes in the space-separated list. */
static char *
token_params(const char *service, const char *scope)
{
	char	*s = strdup(""), *copy, *w, *save = NULL;
	int	 bad = s == NULL;

	if (!bad && service != NULL && service[0] != '\0')
		bad = param_add(&s, "service", service) == -1;
	if (!bad && scope != NULL && (copy = strdup(scope)) != NULL) {
		for (w = strtok_r(copy, " ", &save); w != NULL && !bad;
		    w = strtok_r(NULL, " ", &save))
			bad = param_add(&s, "scope", w) == -1;
		free(copy);
	}
	if (bad) {
		free(s);
		return NULL;
	}
	return s;
}

/* A token must be safe inside a header line: visible ASCII only. */
static int
token_valid(const char *t)
{
	if (*t == '\0' || strlen(t) > HTTP_HEADER_MAX)
		return 0;
	for (; *t != '\0'; t++)
		if (*t <= 0x20 || *t >= 0x7f)
			return 0;
	return 1;
}

static int
token_answer(const struct http_resp *r, char **value, double *ttl, struct tm_err *err)
{
	cJSON		*root = cJSON_ParseWithLength(r->body != NULL ? r->body : "", r->len);
	const cJSON	*t, *exp;
	int		 rc = -1;

	t = cJSON_GetObjectItemCaseSensitive(root, "token");
	if (!cJSON_IsString(t) || t->valuestring[0] == '\0')
		t = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	*ttl = cJSON_IsNumber(exp) && exp->valuedouble >= 1 ?
	    exp->valuedouble : TOKEN_TTL_DEFAULT;
	if (*ttl > TOKEN_TTL_MAX)
		*ttl = TOKEN_TTL_MAX;
	if (!cJSON_IsString(t) || !token_valid(t->valuestring))
		tm_err_set(err, TM_CAT_PROTOCOL, "token answer has no usable token");
	else if (asprintf(value, "Bearer %s", t->valuestring) == -1)
		tm_err_set(err, TM_CAT_IO, "out of memory");
	else
		rc = 0;
	if (cJSON_IsString(t))
		explicit_bzero(t->valuestring, strlen(t->valuestring));
	cJSON_Delete(root);
	return rc;
}

/*
 * Ask realm for a token.  With an identity token (an OAuth refresh token
 * from a credential helper) POST the OAuth form; otherwise GET with Basic
 * credentials when we have them, anonymous when not.
 */
static int
token_fetch(struct reg_conn *c, const struct auth *a, const char *realm,
    const char *service, const char *scope, char **value, double *ttl,
    struct tm_err *err)
{
	struct http_req		 rq;
	struct http_resp	 r;
	char			*params, *url = NULL, *basic = NULL, *form = NULL;
	char			 rhost[256];
	int			 rc = -1;

	memset(&rq, 0, sizeof rq);
	rq.object = "token";
	rq.accept = "application/json";
	rq.max_body = HTTP_JSON_MAX;
	rq.raw_auth = 1;
	if ((params = token_params(service, scope)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	if (a->creds.identity_token != NULL) {
		form = params;
		params = NULL;
		if (param_add(&form, "grant_type", "refresh_token") == -1 ||
		    param_add(&form, "client_id", "tagmirror") == -1 ||
		    param_add(&form, "refresh_token", a->creds.identity_token) == -1 ||
		    (url = strdup(realm)) == NULL) {
			tm_err_set(err, TM_CAT_IO, "out of memory");
			goto out;
		}
		rq.method = "POST";
		rq.content_type = "application/x-www-form-urlencoded";
		rq.body = form;
		rq.body_len = strlen(form);
	} else {
		if (asprintf(&url, "%s%s%s", realm, strchr(realm, '?') != NULL ?
		    "&" : "?", params) == -1) {
			url = NULL;
			tm_err_set(err, TM_CAT_IO, "out of memory");
			goto out;
		}
		rq.method = "GET";
		if (a->creds.user != NULL && (basic = basic_value(a)) == NULL) {
			tm_err_set(err, TM_CAT_IO, "out of memory");
			goto out;
		}
		rq.authz = basic;
	}
	rq.url = url;
	http_url_host(realm, rhost, sizeof rhost);
	if (http_do(c, &rq, &r, err) == 0)
		rc = token_answer(&r, value, ttl, err);
	if (rc == -1)
		tm_err_set(err, err->cat, "token from %s: %s", rhost, err->msg);
	http_resp_free(&r);
out:
	tm_sanitize(err->object, sizeof err->object, "token");
	http_secret_free(basic);
	http_secret_free(form);
	free(params);
	free(url);
	return rc;
}

/* skopeo's --registry-token: sent as is, never exchanged. */
static int
token_given(const char *token, char **authz, struct tm_err *err)
{
	if (asprintf(authz, "Bearer %s", token) == -1) {
		*authz = NULL;
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	return 0;
}

/*
 * Under the lock.  Learned from another registry object (auth_learn),
 * the credentials are looked up here, not on a 401 of our own.
 */
static int
basic_header(struct reg_conn *c, struct auth *a, char **authz,
    struct tm_err *err)
{
	if (!a->creds_loaded && creds_load(c, a, err) == -1)
		return -1;
	if (have_creds(a) && (*authz = basic_value(a)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	return 0;
}

static int
auth_header(struct reg_conn *c, const char *scope, char **authz, struct tm_err *err)
{
	struct auth	*a = c->reg->auth;
	struct token	*t;
	const char	*key = scope != NULL ? scope : "";
	char		*realm = NULL, *service = NULL, *value = NULL, *obj;
	double		 ttl, t0;
	int		 rc = 0;

	*authz = NULL;
	if (c->reg->opts.registry_token != NULL)
		return token_given(c->reg->opts.registry_token, authz, err);
	pthread_mutex_lock(&a->lock);
	switch (a->kind) {
	case AUTH_UNKNOWN:
		break;
	case AUTH_BASIC:
		rc = basic_header(c, a, authz, err);
		break;
	case AUTH_BEARER:
		if ((t = token_find(a, key)) != NULL && tm_now() < t->expires) {
			if ((*authz = strdup(t->value)) == NULL)
				rc = tm_err_set(err, TM_CAT_IO, "out of memory");
			break;
		}
		realm = strdup(a->realm);
		service = a->service != NULL ? strdup(a->service) : NULL;
		if (realm == NULL)
			rc = tm_err_set(err, TM_CAT_IO, "out of memory");
		break;
	}
	pthread_mutex_unlock(&a->lock);
	if (realm == NULL || rc == -1) {
		free(realm);
		free(service);
		return rc;
	}
	/* Fetch outside the lock; creds never change once loaded. */
	t0 = tm_now();
	obj = strdup(err->object);
	rc = token_fetch(c, a, realm, service, scope, &value, &ttl, err);
	if (obj != NULL)
		memcpy(err->object, obj, strlen(obj) + 1);
	free(obj);
	free(realm);
	free(service);
	if (rc == -1)
		return -1;
	if ((*authz = strdup(value)) == NULL) {
		http_secret_free(value);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	/* Renew a little early: a token must not expire in flight. */
	pthread_mutex_lock(&a->lock);
	token_store(a, key, value, t0 + ttl - (ttl > 40 ? 10 : ttl / 4));
	pthread_mutex_unlock(&a->lock);
	return 0;
}

static const struct auth_challenge *
pick_challenge(const struct auth_challenge *ch, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!ch[i].truncated && strcmp(ch[i].scheme, "bearer") == 0 &&
		    ch[i].realm[0] != '\0')
			return &ch[i];
	for (i = 0; i < n; i++)
		if (!ch[i].truncated && strcmp(ch[i].scheme, "basic") == 0)
			return &ch[i];
	return NULL;
}

static int
auth_on_401(struct reg_conn *c, const char *scope, const struct http_resp *r,
    const char *sent, struct tm_err *err)
{
	struct auth			*a = c->reg->auth;
	struct auth_challenge		 ch[AUTH_MAX_CHALLENGES];
	const struct auth_challenge	*pick;
	struct token			*t;
	char				*realm, *service, rhost[256];
	int				 rc = 0;

	if (c->reg->opts.registry_token != NULL) {
		http_status_err(r, err);
		/* A token given as is cannot be renewed. */
		err->token_revoked = 0;
		return tm_err_set(err, TM_CAT_AUTH, "%s (the registry token was "
		    "rejected)", err->msg);
	}
	pick = pick_challenge(ch, http_auth_parse(r->www_auth, ch, AUTH_MAX_CHALLENGES));
	if (pick == NULL) {
		http_status_err(r, err);
		return tm_err_set(err, TM_CAT_AUTH, "%s (no usable WWW-Authenticate "
		    "challenge)", err->msg);
	}
	pthread_mutex_lock(&a->lock);
	if (creds_load(c, a, err) == -1) {
		rc = -1;
	} else if (strcmp(pick->scheme, "basic") == 0) {
		a->kind = AUTH_BASIC;
		if (!have_creds(a) || a->creds.user == NULL) {
			http_status_err(r, err);
			rc = tm_err_set(err, TM_CAT_AUTH, "%s (no credentials "
			    "configured for this registry)", err->msg);
		} else if (sent != NULL && strncmp(sent, "Basic ", 6) == 0) {
			http_status_err(r, err);
			rc = tm_err_set(err, TM_CAT_AUTH, "%s (credentials rejected)",
			    err->msg);
		}
	} else {
		http_url_host(pick->realm, rhost, sizeof rhost);
		if (rhost[0] == '\0') {
			http_status_err(r, err);
			rc = tm_err_set(err, TM_CAT_AUTH, "%s (token realm is not "
			    "an http(s) URL)", err->msg);
		} else if ((realm = strdup(pick->realm)) == NULL ||
		    (service = strdup(pick->service)) == NULL) {
			free(realm);
			rc = tm_err_set(err, TM_CAT_IO, "out of memory");
		} else {
			free(a->realm);
			free(a->service);
			a->realm = realm;
			a->service = service;
			a->kind = AUTH_BEARER;
			/* The token that failed is no good for anyone. */
			t = token_find(a, scope != NULL ? scope : "");
			if (t != NULL && (sent == NULL || strcmp(t->value, sent) == 0))
				token_drop(t);
		}
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

const struct reg_authn auth_scheme = { auth_header, auth_on_401 };
