/*
 * The registry client's objects: struct registry (one per host, shared
 * by threads: options, credentials, auth state, the curl share) and
 * struct reg_conn (one per thread: a kept-alive curl handle and hooks).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "registry.h"
#include "auth.h"
#include "ca.h"
#include "internal.h"
#include "request.h"

static void
share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
	struct registry	*reg = ud;

	(void)h;
	(void)access;
	if (data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&reg->locks[data]);
}

static void
share_unlock(CURL *h, curl_lock_data data, void *ud)
{
	struct registry	*reg = ud;

	(void)h;
	if (data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&reg->locks[data]);
}

/* A host[:port] we can put in a URL: no path, user info, query or spaces. */
static int
host_ok(const char *h)
{
	size_t	len = strlen(h);

	return len > 0 && len < 256 && strcspn(h, "/?#@\\ \t\r\n%") == len;
}

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	return src != NULL && (*dst = strdup(src)) == NULL ? -1 : 0;
}

void
reg_opts_init(struct reg_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tls_verify = 1;
}

struct registry *
registry_new(const char *host, const struct reg_opts *o, struct tm_err *err)
{
	struct registry	*reg;
	int		 i;

	tm_err_clear(err);
	if (err != NULL) {
		err->side = o->side;
		tm_sanitize(err->host, sizeof err->host, host);
	}
	if (!host_ok(host)) {
		tm_err_set(err, TM_CAT_USAGE, "invalid registry host");
		return NULL;
	}
	if ((reg = calloc(1, sizeof *reg)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&reg->locks[i], NULL);
	reg->opts = *o;
	reg->authn = &auth_scheme;
	atomic_init(&reg->scheme, HTTP_SCHEME_UNKNOWN);
	atomic_init(&reg->rl_remaining, -1);
	atomic_init(&reg->rl_window, -1);
	/* requests and registry_stats's counters start at 0 (calloc). */
	if ((reg->host = strdup(host)) == NULL ||
	    dup_opt(&reg->cert_dir, o->cert_dir) == -1 ||
	    dup_opt(&reg->ca_file, o->ca_file) == -1 ||
	    dup_opt(&reg->user, o->user) == -1 ||
	    dup_opt(&reg->pass, o->pass) == -1 ||
	    dup_opt(&reg->user_agent, o->user_agent) == -1 ||
	    dup_opt(&reg->auth_file, o->auth_file) == -1 ||
	    dup_opt(&reg->registry_token, o->registry_token) == -1 ||
	    (reg->auth = auth_new()) == NULL ||
	    (reg->share = curl_share_init()) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		registry_free(reg);
		return NULL;
	}
	/* The copies are ours; never keep the caller's pointers. */
	reg->opts.cert_dir = reg->cert_dir;
	reg->opts.ca_file = reg->ca_file;
	reg->opts.user = reg->user;
	reg->opts.pass = reg->pass;
	reg->opts.user_agent = reg->user_agent;
	reg->opts.auth_file = reg->auth_file;
	reg->opts.registry_token = reg->registry_token;
	/* DNS and TLS sessions only: connections are not safe to share. */
	curl_share_setopt(reg->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(reg->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(reg->share, CURLSHOPT_USERDATA, reg);
	curl_share_setopt(reg->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(reg->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	if (ca_load(reg, err) == -1) {
		registry_free(reg);
		return NULL;
	}
	return reg;
}

void
registry_free(struct registry *reg)
{
	int	i;

	if (reg == NULL)
		return;
	if (reg->share != NULL)
		curl_share_cleanup(reg->share);
	auth_free(reg->auth);
	free(reg->host);
	free(reg->cert_dir);
	free(reg->ca_file);
	http_secret_free(reg->user);
	http_secret_free(reg->pass);
	free(reg->user_agent);
	free(reg->auth_file);
	http_secret_free(reg->registry_token);
	free(reg->ca_pem);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&reg->locks[i]);
	free(reg);
}

const char *
registry_host(const struct registry *reg)
{
	return reg->host;
}

const char *
registry_scheme(const struct registry *reg)
{
	return atomic_load(&reg->scheme) == HTTP_SCHEME_HTTP ? "http" : "https";
}

void
registry_learn(struct registry *to, struct registry *from)
{
	int	unknown = HTTP_SCHEME_UNKNOWN;

	if (strcmp(to->host, from->host) != 0)
		return;
	atomic_compare_exchange_strong(&to->scheme, &unknown,
	    atomic_load(&from->scheme));
	auth_learn(to->auth, from->auth);
}

long
registry_ratelimit_remaining(const struct registry *reg)
{
	return atomic_load(&reg->rl_remaining);
}

long
registry_ratelimit_window(const struct registry *reg)
{
	return atomic_load(&reg->rl_window);
}

unsigned long
registry_request_count(const struct registry *reg)
{
	return atomic_load(&reg->requests);
}

void
registry_stats(const struct registry *reg, struct reg_stats *st)
{
	st->requests = atomic_load(&reg->requests);
	st->exchanges = atomic_load(&reg->exchanges);
	st->pushbacks = atomic_load(&reg->pushbacks);
	st->busy = (double)atomic_load(&reg->busy_us) / 1e6;
}

struct reg_conn *
reg_conn_new(struct registry *reg, struct tm_err *err)
{
	struct reg_conn	*c;
	struct timespec	 ts;

	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (c->easy = curl_easy_init()) == NULL) {
		free(c);
		tm_err_clear(err);
		tm_err_set(err, TM_CAT_IO, "cannot create a connection handle");
		return NULL;
	}
	c->reg = reg;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
	    (uint64_t)(uintptr_t)c;
	if (c->rng == 0)
		c->rng = 0x9E3779B97F4A7C15ULL;
	return c;
}

void
reg_conn_free(struct reg_conn *c)
{
	if (c == NULL)
		return;
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	curl_easy_cleanup(c->easy);
	free(c);
}

void
reg_conn_set_cancel(struct reg_conn *c, const atomic_int *cancel)
{
	c->cancel = cancel;
}

void
reg_conn_set_progress(struct reg_conn *c, reg_progress_fn *fn, void *ud)
{
	c->progress = fn;
	c->progress_ud = ud;
}

void
reg_conn_set_retry(struct reg_conn *c, reg_retry_fn *fn, void *ud)
{
	c->retry = fn;
	c->retry_ud = ud;
}
