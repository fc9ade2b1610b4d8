/*
 * The registry client's request loop: one exchange over a connection's
 * curl handle, and http_do around it (scheme fallback, redirects by hand,
 * auth rounds through the registry's reg_authn, retries with backoff),
 * plus the errors an exchange can end in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "request.h"
#include "clock.h"
#include "httpparse.h"
#include "internal.h"

#define SLEEP_SLICE	0.05
/*
 * A transfer under LOW_SPEED_LIMIT bytes/s for a whole window is a stall.
 * 1 KiB/s over 20 s still lets the slowest real link through; a stalled
 * request is not re-sent within its own retries (the end-of-run rounds
 * still try the tag again), so a stalled peer fails a tag in one window
 * per round: 60 s with the default 2 rounds (docs/concurrency.md).
 */
#define LOW_SPEED_LIMIT	1024L
#define LOW_SPEED_TIME	20L
/*
 * Auth rounds per attempt, each with a fresh token: the first 401 may
 * only say how to authenticate, so a token revoked twice in a row
 * (a registry rotating its keys) still gets through; a registry
 * refusing every token costs at most this many token requests.
 */
#define HTTP_AUTH_ROUNDS	3

/*
 * Connections and small helpers.
 */
int
http_cancelled(const struct reg_conn *c)
{
	return c->cancel != NULL && atomic_load(c->cancel) != 0;
}

int
http_max_attempts(const struct reg_conn *c)
{
	return c->reg->opts.max_attempts > 0 ? c->reg->opts.max_attempts : 5;
}

enum tm_side
http_side(const struct reg_conn *c)
{
	return c->reg->opts.side;
}

void
http_secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* xorshift64*: per-conn jitter without shared state. */
static double
jitter(struct reg_conn *c)
{
	uint64_t	x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / (double)(1ULL << 53);
}

static char *
url_for(const struct registry *reg, int scheme, const char *path)
{
	char	*s;

	if (asprintf(&s, "%s://%s%s", scheme == HTTP_SCHEME_HTTP ? "http" : "https",
	    reg->host, path) == -1)
		return NULL;
	return s;
}

char *
http_url(const struct registry *reg, const char *path)
{
	return url_for(reg, atomic_load(&reg->scheme), path);
}

/* The parser keeps what it read; the registry's figures are shared. */
static size_t
header_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	struct http_resp	*r = ud;
	size_t			 rc = http_header_write(buf, size, nitems, r);

	if (r->ratelimit_seen && r->reg != NULL) {
		atomic_store(&r->reg->rl_remaining, r->rl_remaining);
		atomic_store(&r->reg->rl_window, r->rl_window);
		r->ratelimit_seen = 0;
	}
	return rc;
}

static int
xferinfo_cb(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return http_cancelled(ud);
}


/*
 * One exchange.
 */

void
http_headers_free(struct curl_slist *h)
{
	struct curl_slist	*i;

	/* The Authorization line holds a secret: wipe every line. */
	for (i = h; i != NULL; i = i->next)
		explicit_bzero(i->data, strlen(i->data));
	curl_slist_free_all(h);
}

static int
header_add(struct curl_slist **h, const char *name, const char *value)
{
	struct curl_slist	*n;
	char			*line;

	if (asprintf(&line, "%s:%s%s", name, value[0] != '\0' ? " " : "", value) == -1)
		return -1;
	n = curl_slist_append(*h, line);
	explicit_bzero(line, strlen(line));
	free(line);
	if (n == NULL)
		return -1;
	*h = n;
	return 0;
}

static void
set_tls(const struct registry *reg, CURL *e)
{
	struct curl_blob	blob;

	if (!reg->opts.tls_verify) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		/* Parsing the system's CA bundle costs ~50 ms of CPU per
		 * handle, for nothing when no certificate is checked. */
		curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	} else if (reg->ca_pem != NULL) {
		blob.data = reg->ca_pem;
		blob.len = reg->ca_len;
		/* The registry outlives every exchange: no copy needed. */
		blob.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
	}
}

/* opts.low_speed_time, else $TAGMIRROR_LOW_SPEED_TIME (tests), else 20. */
static long
low_speed_time(const struct registry *reg)
{
	const char	*s = getenv("TAGMIRROR_LOW_SPEED_TIME");
	char		*end;
	long		 v;

	if (reg->opts.low_speed_time > 0)
		return reg->opts.low_speed_time;
	if (s != NULL && (v = strtol(s, &end, 10)) > 0 && v <= 3600 &&
	    *end == '\0')
		return v;
	return LOW_SPEED_TIME;
}

/* Everything about the exchange but its headers. */
static void
set_options(struct reg_conn *c, CURL *e, const char *method, const char *url,
    const struct http_req *rq, struct http_resp *r, int body)
{
	const struct registry	*reg = c->reg;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SHARE, reg->share);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, reg->opts.connect_timeout > 0 ?
	    reg->opts.connect_timeout : 30L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, low_speed_time(reg));
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, reg->user_agent != NULL ?
	    reg->user_agent : "tagmirror/" PACKAGE_VERSION);
	set_tls(reg, e);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_body_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
	if (r->head)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(rq->body != NULL ? rq->body_len : 0));
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, rq->body != NULL ?
		    (const char *)rq->body : "");
	}
}

/* The request's header lines.  0, or -1 (out of memory) with none left. */
static int
set_headers(struct curl_slist **hdrs, const struct http_req *rq,
    const char *authz, int body)
{
	int	bad = 0;

	*hdrs = NULL;
	if (rq->accept != NULL)
		bad |= header_add(hdrs, "Accept", rq->accept);
	if (rq->content_type != NULL)
		bad |= header_add(hdrs, "Content-Type", rq->content_type);
	else if (body || rq->stream)
		bad |= header_add(hdrs, "Content-Type", "");
	if (authz != NULL)
		bad |= header_add(hdrs, "Authorization", authz);
	/* Uploads go straight out: no 1 s wait for a 100 that may never come. */
	bad |= header_add(hdrs, "Expect", "");
	if (bad) {
		http_headers_free(*hdrs);
		*hdrs = NULL;
		return -1;
	}
	return 0;
}

int
http_prepare(struct reg_conn *c, CURL *e, const char *method, const char *url,
    const char *authz, const struct http_req *rq, struct http_resp *r,
    struct curl_slist **hdrs, struct tm_err *err)
{
	int	body = !rq->stream &&
		    (strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0);

	http_resp_reset(r);
	r->reg = c->reg;
	r->max_body = rq->max_body;
	r->head = strcmp(method, "HEAD") == 0;
	*hdrs = NULL;
	if ((r->url = strdup(url)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	c->errbuf[0] = '\0';
	set_options(c, e, method, url, rq, r, body);
	if (set_headers(hdrs, rq, authz, body) == -1)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, *hdrs);
	atomic_fetch_add(&c->reg->requests, 1);
	return 0;
}

/*
 * Errors.
 */

void
http_err_begin(struct reg_conn *c, const char *object, struct tm_err *err)
{
	tm_err_clear(err);
	err->side = c->reg->opts.side;
	tm_sanitize(err->host, sizeof err->host, c->reg->host);
	if (object != NULL)
		tm_sanitize(err->object, sizeof err->object, object);
}

int
http_oom(struct reg_conn *c, const char *object, struct tm_err *err)
{
	http_err_begin(c, object, err);
	return tm_err_set(err, TM_CAT_IO, "out of memory");
}

/* Forget what the previous attempt said; keep who, what and how hard. */
static void
err_next_attempt(struct tm_err *err)
{
	err->cat = TM_CAT_NONE;
	err->http = 0;
	err->code[0] = '\0';
	err->msg[0] = '\0';
	err->token_revoked = 0;
}

int
http_curl_err(struct reg_conn *c, CURLcode cc, const struct http_resp *r,
    struct tm_err *err)
{
	const char	*detail = c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(cc);

	err->http = 0;
	err->code[0] = '\0';
	c->stalled = cc == CURLE_OPERATION_TIMEDOUT;
	switch (cc) {
	case CURLE_ABORTED_BY_CALLBACK:
		return tm_err_set(err, TM_CAT_CANCELLED, "cancelled");
	case CURLE_PEER_FAILED_VERIFICATION:
		return tm_err_set(err, TM_CAT_TLS, "TLS certificate not trusted (%s): "
		    "add the registry's CA with a cert dir or CA file, or turn "
		    "TLS verification off", detail);
	case CURLE_SSL_CONNECT_ERROR:
		return tm_err_set(err, TM_CAT_TLS, "TLS handshake failed: %s", detail);
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
		return tm_err_set(err, TM_CAT_TLS, "TLS: %s", detail);
	case CURLE_WRITE_ERROR:
		if (r != NULL && r->header_bytes > HTTP_HEADERS_MAX)
			return tm_err_set(err, TM_CAT_PROTOCOL,
			    "response headers larger than %d KiB", HTTP_HEADERS_MAX >> 10);
		if (r != NULL && r->header_overflow)
			return tm_err_set(err, TM_CAT_PROTOCOL,
			    "response header value longer than %d KiB", HTTP_HEADER_MAX >> 10);
		if (r != NULL && r->overflow)
			return tm_err_set(err, TM_CAT_PROTOCOL,
			    "response larger than %zu bytes", r->max_body);
		return tm_err_set(err, TM_CAT_IO, "%s", detail);
	case CURLE_OPERATION_TIMEDOUT:
		return tm_err_set(err, TM_CAT_NETWORK, "timed out: %s", detail);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return tm_err_set(err, TM_CAT_NETWORK, "cannot resolve host: %s", detail);
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return tm_err_set(err, TM_CAT_PROTOCOL, "bad URL: %s", detail);
	case CURLE_OUT_OF_MEMORY:
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	default:
		return tm_err_set(err, TM_CAT_NETWORK, "%s", detail);
	}
}

/* A bearer challenge saying the token sent is revoked or expired. */
static int
token_revoked(const struct http_resp *r)
{
	struct auth_challenge	ch[AUTH_MAX_CHALLENGES];
	size_t			i, n;

	if (r->status != 401 || r->www_auth == NULL)
		return 0;
	n = http_auth_parse(r->www_auth, ch, AUTH_MAX_CHALLENGES);
	for (i = 0; i < n; i++)
		if (strcmp(ch[i].scheme, "bearer") == 0 &&
		    strcmp(ch[i].error, "invalid_token") == 0)
			return 1;
	return 0;
}

int
http_status_err(const struct http_resp *r, struct tm_err *err)
{
	char			code[sizeof err->code], msg[sizeof err->msg];
	enum tm_category	cat;
	const char		*def;

	err->http = r->status;
	err->code[0] = '\0';
	err->token_revoked = token_revoked(r);
	if (http_error_body(r->body, r->len, code, sizeof code, msg, sizeof msg))
		memcpy(err->code, code, sizeof err->code);
	else
		msg[0] = '\0';
	switch (r->status) {
	case 401:
		cat = TM_CAT_AUTH, def = "authentication required";
		break;
	case 403:
		cat = TM_CAT_AUTH, def = "access denied";
		break;
	case 404:
		cat = TM_CAT_NOT_FOUND, def = "not found";
		break;
	case 408:
		cat = TM_CAT_NETWORK, def = "request timeout";
		break;
	case 409:
		cat = TM_CAT_CONFLICT, def = "conflict";
		break;
	case 429:
		cat = TM_CAT_RATE_LIMITED, def = "too many requests";
		break;
	default:
		if (r->status >= 500) {
			cat = TM_CAT_SERVER_ERROR, def = "server error";
		} else if (r->status >= 300 && r->status < 400) {
			cat = TM_CAT_PROTOCOL, def = "redirect without a usable Location";
		} else {
			cat = TM_CAT_PROTOCOL, def = "unexpected answer";
		}
		break;
	}
	return tm_err_set(err, cat, "%s", msg[0] != '\0' ? msg : def);
}

int
http_retryable(const struct tm_err *err)
{
	switch (err->cat) {
	case TM_CAT_NETWORK:
	case TM_CAT_RATE_LIMITED:
		return 1;
	case TM_CAT_SERVER_ERROR:
		/* Not implemented / version not supported will not heal. */
		return err->http != 501 && err->http != 505;
	default:
		return 0;
	}
}

int
http_backoff(struct reg_conn *c, int attempt, double retry_after, struct tm_err *err)
{
	const struct reg_opts	*o = &c->reg->opts;
	double			 base = o->retry_base > 0 ? o->retry_base : 0.5;
	double			 cap = o->retry_cap > 0 ? o->retry_cap : 60;
	double			 wait, end;
	int			 i;

	if (retry_after >= 0)
		wait = retry_after;
	else {
		wait = base;
		for (i = 1; i < attempt && wait < cap; i++)
			wait *= 2;
		/* Half fixed, half random: spreads a herd, keeps the growth. */
		wait *= 0.5 + 0.5 * jitter(c);
	}
	if (wait > cap)
		wait = cap;
	if (c->retry != NULL)
		c->retry(c->retry_ud, err, wait);
	end = tm_now() + wait;
	for (;;) {
		double		left = end - tm_now();
		struct timespec	ts;

		if (http_cancelled(c)) {
			err->http = 0;
			err->code[0] = '\0';
			return tm_err_set(err, TM_CAT_CANCELLED, "cancelled");
		}
		if (left <= 0)
			break;
		if (left > SLEEP_SLICE)
			left = SLEEP_SLICE;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	err->waited += wait;
	return 0;
}

/*
 * The request loop.
 */

static int
fallback_allowed(const struct registry *reg)
{
	return tm_host_is_loopback(reg->host) || reg->opts.plain_http ||
	    !reg->opts.tls_verify;
}

int
http_follow(const struct http_resp *r, char **url, int *hops, struct tm_err *err)
{
	char	*next;

	if (r->location == NULL || (r->status != 301 && r->status != 302 &&
	    r->status != 303 && r->status != 307 && r->status != 308))
		return 0;
	err->http = r->status;
	if (++*hops > HTTP_MAX_HOPS)
		return tm_err_set(err, TM_CAT_PROTOCOL, "more than %d redirects",
		    HTTP_MAX_HOPS);
	if ((next = http_resolve(*url, r->location)) == NULL)
		return tm_err_set(err, TM_CAT_PROTOCOL, "redirect to an invalid or "
		    "non-HTTP location");
	free(*url);
	*url = next;
	return 1;
}

int
http_answered(CURLcode cc, const struct http_resp *r)
{
	return cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && r->overflow &&
	    !r->header_overflow && r->status >= 300);
}

static void
err_auth_hint(const char *authz, struct tm_err *err)
{
	if (authz == NULL)
		return;
	if (strncmp(authz, "Basic ", 6) == 0)
		tm_err_set(err, err->cat, "%s (credentials rejected)", err->msg);
	else
		tm_err_set(err, err->cat, "%s (token refused)", err->msg);
}

int
http_auth_for(struct reg_conn *c, const char *scope, int own, char **authz,
    struct tm_err *err)
{
	http_secret_free(*authz);
	*authz = NULL;
	if (!own)
		return 0;
	return c->reg->authn->authorize(c, scope, authz, err);
}

int
http_auth_retry(struct reg_conn *c, const char *scope, int own,
    const struct http_resp *r, const char *sent, int *authed, struct tm_err *err)
{
	if (r->status != 401 || !own || *authed >= HTTP_AUTH_ROUNDS)
		return 0;
	++*authed;
	return c->reg->authn->challenged(c, scope, r, sent, err) == -1 ? -1 : 1;
}

/* Where one attempt stands between its hops. */
struct attempt {
	const struct http_req	*rq;
	const char		*method;	/* GET after a 303 */
	char			*url;
	char			*base;	/* whose origin gets Authorization */
	char			*authz;
	int			 scheme;
	int			 fallback;	/* plain HTTP still allowed */
	int			 hops;
	int			 authed;	/* auth rounds had */
};

static int
attempt_urls(const struct registry *reg, struct attempt *a, struct tm_err *err)
{
	const struct http_req	*rq = a->rq;

	free(a->url);
	free(a->base);
	a->url = http_is_absolute(rq->url) ? strdup(rq->url) :
	    url_for(reg, a->scheme, rq->url);
	a->base = rq->raw_auth ? strdup(rq->url) : url_for(reg, a->scheme, "/");
	if (a->url == NULL || a->base == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	return 0;
}

/* Token requests carry their own Authorization; the rest the registry's. */
static int
attempt_authz(struct reg_conn *c, struct attempt *a, int own, struct tm_err *err)
{
	if (!a->rq->raw_auth)
		return http_auth_for(c, a->rq->scope, own, &a->authz, err) == -1 ?
		    -2 : 0;
	http_secret_free(a->authz);
	a->authz = NULL;
	if (own && a->rq->authz != NULL && (a->authz = strdup(a->rq->authz)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	return 0;
}

/* A loopback or insecure registry may speak plain HTTP.  1 switched. */
static int
attempt_fallback(struct reg_conn *c, struct attempt *a, CURLcode cc,
    struct tm_err *err)
{
	if (!a->fallback || a->hops != 0 || strncmp(a->url, "https:", 6) != 0 ||
	    (cc != CURLE_SSL_CONNECT_ERROR && cc != CURLE_COULDNT_CONNECT))
		return 0;
	a->fallback = 0;
	a->scheme = HTTP_SCHEME_HTTP;
	return attempt_urls(c->reg, a, err) == -1 ? -1 : 1;
}

/* What an answer means: 1 another hop, 0 done, -1 failed, -2 final. */
static int
attempt_answer(struct reg_conn *c, struct attempt *a, int own,
    const struct http_resp *r, struct tm_err *err)
{
	const struct http_req	*rq = a->rq;
	int			 rc;

	if ((rc = http_follow(r, &a->url, &a->hops, err)) != 0) {
		if (rc == 1 && (r->status == 303 || ((r->status == 301 ||
		    r->status == 302) && strcmp(a->method, "POST") == 0)))
			a->method = "GET";
		return rc;
	}
	if (!rq->raw_auth && (rc = http_auth_retry(c, rq->scope, own, r, a->authz,
	    &a->authed, err)) != 0)
		return rc == 1 ? 1 : -2;
	if ((r->status >= 200 && r->status < 300) ||
	    (rq->ok_status != 0 && r->status == rq->ok_status))
		return 0;
	http_status_err(r, err);
	if (r->status == 401 && own)
		err_auth_hint(a->authz, err);
	return -1;
}

void
http_exchange_done(struct reg_conn *c, const char *method, const char *url,
    CURLcode cc, const struct http_resp *r, double secs, int stream)
{
	struct registry	*reg = c->reg;
	int		 status = http_answered(cc, r) ? (int)r->status : 0;

	if (reg->opts.trace != NULL)
		reg->opts.trace(reg->opts.trace_ud, reg->opts.side, method, url,
		    status, secs);
	if (status == 0)
		return;
	if (status == 429 || status >= 500)
		atomic_fetch_add(&reg->pushbacks, 1);
	/* A stream's time is the blob's size over the link: no latency. */
	if (stream)
		return;
	atomic_fetch_add(&reg->exchanges, 1);
	atomic_fetch_add(&reg->busy_us, (unsigned long)(secs * 1e6));
}

/* One exchange of an attempt.  1 another hop, 0 done, -1 failed, -2 final. */
static int
attempt_hop(struct reg_conn *c, struct attempt *a, struct http_resp *r,
    struct tm_err *err)
{
	struct curl_slist	*hdrs;
	CURLcode		 cc;
	double			 t0;
	int			 own = http_same_origin(a->url, a->base), rc;

	if ((rc = attempt_authz(c, a, own, err)) != 0)
		return rc;
	if (http_prepare(c, c->easy, a->method, a->url, a->authz, a->rq, r, &hdrs,
	    err) == -1)
		return -1;
	t0 = tm_now();
	cc = curl_easy_perform(c->easy);
	http_headers_free(hdrs);
	http_exchange_done(c, a->method, a->url, cc, r, tm_now() - t0, 0);
	if (!http_answered(cc, r)) {
		if ((rc = attempt_fallback(c, a, cc, err)) != 0)
			return rc;
		return http_curl_err(c, cc, r, err);
	}
	if (!a->rq->raw_auth && own && a->hops == 0) {
		int	unknown = HTTP_SCHEME_UNKNOWN;

		atomic_compare_exchange_strong(&c->reg->scheme, &unknown, a->scheme);
	}
	return attempt_answer(c, a, own, r, err);
}

/*
 * One attempt: scheme fallback, redirects and the auth rounds inside.
 * 0 done, -1 failed, -2 failed in a way another attempt cannot fix.
 */
static int
attempt_once(struct reg_conn *c, const struct http_req *rq, struct http_resp *r,
    struct tm_err *err)
{
	struct attempt	a = { .rq = rq, .method = rq->method };
	int		rc = -1;

	a.scheme = atomic_load(&c->reg->scheme);
	a.fallback = !rq->raw_auth && !http_is_absolute(rq->url) &&
	    a.scheme == HTTP_SCHEME_UNKNOWN && fallback_allowed(c->reg);
	if (a.scheme == HTTP_SCHEME_UNKNOWN)
		a.scheme = HTTP_SCHEME_HTTPS;
	if (attempt_urls(c->reg, &a, err) == 0)
		while ((rc = attempt_hop(c, &a, r, err)) == 1)
			;
	http_secret_free(a.authz);
	free(a.url);
	free(a.base);
	return rc;
}

int
http_do(struct reg_conn *c, const struct http_req *rq, struct http_resp *r,
    struct tm_err *err)
{
	struct tm_err	e;
	int		max = rq->no_retry ? 1 : http_max_attempts(c), attempt, rc;

	memset(r, 0, sizeof *r);
	http_resp_reset(r);
	http_err_begin(c, rq->object, &e);
	for (attempt = 1;; attempt++) {
		e.attempts = attempt;
		err_next_attempt(&e);
		if (http_cancelled(c)) {
			tm_err_set(&e, TM_CAT_CANCELLED, "cancelled");
			break;
		}
		c->stalled = 0;
		if ((rc = attempt_once(c, rq, r, &e)) == 0) {
			r->attempts = attempt;
			return 0;
		}
		if (rc == -2 || c->stalled || !http_retryable(&e) || attempt >= max)
			break;
		if (http_backoff(c, attempt, r->retry_after, &e) == -1)
			break;
	}
	if (err != NULL)
		*err = e;
	return -1;
}

