/*
 * Parsing what a registry sends: URLs (resolution, origin, host), the
 * headers and bounded body of an answer, Link, Retry-After, RateLimit,
 * WWW-Authenticate and registry error bodies.  No I/O and no registry
 * state, so the unit tests drive every parser directly.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "httpparse.h"
#include "err.h"

/*
 * URLs.  Everything goes through curl's URL parser so that relative
 * Location and Link targets resolve the way a browser would, and only
 * http and https are ever accepted from a registry.
 */

static CURLU *
url_parse(const char *base, const char *ref)
{
	CURLU	*u = curl_url();
	char	*scheme = NULL;
	int	 ok;

	if (u == NULL)
		return NULL;
	ok = curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    (ref == NULL || curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK) &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
	curl_free(scheme);
	if (!ok) {
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

char *
http_resolve(const char *base, const char *ref)
{
	CURLU	*u = url_parse(base, ref);
	char	*s = NULL, *out = NULL;

	if (u == NULL)
		return NULL;
	if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
		out = strdup(s);
	curl_free(s);
	curl_url_cleanup(u);
	return out;
}

/* "scheme://host:port" with the default port filled in, lower case. */
static char *
origin(const char *url)
{
	CURLU	*u = url_parse(url, NULL);
	char	*scheme = NULL, *host = NULL, *port = NULL, *out = NULL, *p;

	if (u == NULL)
		return NULL;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    asprintf(&out, "%s://%s:%s", scheme, host, port) == -1)
		out = NULL;
	for (p = out; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* Length of "scheme://authority" of an http(s) URL; 0 for anything else. */
static size_t
authority_len(const char *u)
{
	size_t	n;

	if (strncmp(u, "http://", 7) == 0)
		n = 7;
	else if (strncmp(u, "https://", 8) == 0)
		n = 8;
	else
		return 0;
	return n + strcspn(u + n, "/?#");
}

int
http_same_origin(const char *a, const char *b)
{
	char	*oa, *ob;
	size_t	 la = authority_len(a);
	int	 same;

	/* Every request asks; spelled alike is the common, cheap answer. */
	if (la > 0 && la == authority_len(b) && memcmp(a, b, la) == 0)
		return 1;
	oa = origin(a);
	ob = origin(b);
	same = oa != NULL && ob != NULL && strcmp(oa, ob) == 0;

	free(oa);
	free(ob);
	return same;
}

void
http_url_host(const char *url, char *out, size_t n)
{
	CURLU	*u = url_parse(url, NULL);
	char	*host = NULL, *port = NULL;

	if (n > 0)
		out[0] = '\0';
	if (u == NULL)
		return;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
			snprintf(out, n, "%s:%s", host, port);
		else
			snprintf(out, n, "%s", host);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}


int
http_is_absolute(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/*
 * Parsers for the headers and bodies we read.  All of them take hostile
 * input: bounded, no assumption about well-formedness.
 */

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Does the rel parameter value (one or more space-separated types) say next? */
static int
rel_has_next(const char *v, size_t len)
{
	size_t	i = 0, start;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < len && v[i] != ' ' && v[i] != '\t')
			i++;
		if (i - start == 4 && strncasecmp(v + start, "next", 4) == 0)
			return 1;
	}
	return 0;
}

/* One parameter value at p (quoted or a token) into v, vlen. */
static const char *
link_value(const char *p, const char **v, size_t *vlen)
{
	if (*p == '"') {
		*v = ++p;
		while (*p != '\0' && *p != '"')
			p++;
		*vlen = (size_t)(p - *v);
		return *p == '"' ? p + 1 : p;
	}
	*v = p;
	while (*p != '\0' && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
		p++;
	*vlen = (size_t)(p - *v);
	return p;
}

/*
 * The ";name=value" parameters of one link, up to the next link (a comma
 * outside quotes).  *next set when one is rel with "next" among its types.
 */
static const char *
link_params(const char *p, int *next)
{
	const char	*name, *v;
	size_t		 nlen, vlen;

	*next = 0;
	for (;;) {
		p = skip_ws(p);
		if (*p != ';')
			return p;
		p = skip_ws(p + 1);
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && *p != ',' &&
		    *p != ' ' && *p != '\t')
			p++;
		nlen = (size_t)(p - name);
		p = skip_ws(p);
		if (*p != '=')
			continue;
		p = link_value(skip_ws(p + 1), &v, &vlen);
		if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 &&
		    rel_has_next(v, vlen))
			*next = 1;
	}
}

char *
http_link_next(const char *value)
{
	const char	*p = value, *url, *url_end;
	int		 next;

	if (value == NULL)
		return NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p != '<')
			return NULL;
		url = ++p;
		while (*p != '\0' && *p != '>')
			p++;
		if (*p != '>')
			return NULL;
		url_end = p++;
		p = link_params(p, &next);
		if (next)
			return strndup(url, (size_t)(url_end - url));
		/* Skip whatever is left of this link. */
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == '\0')
			return NULL;
	}
}

double
http_retry_after(const char *value, time_t now)
{
	const char	*p;
	char		*end;
	unsigned long	 secs;
	time_t		 t;

	if (value == NULL)
		return -1;
	p = skip_ws(value);
	if (*p >= '0' && *p <= '9') {
		errno = 0;
		secs = strtoul(p, &end, 10);
		if (*skip_ws(end) != '\0')
			return -1;
		/* Overflow only means "very long"; the caller caps it. */
		if (errno == ERANGE || secs > 100000000UL)
			secs = 100000000UL;
		return (double)secs;
	}
	if (*p == '\0')
		return -1;
	t = curl_getdate(p, NULL);
	if (t == -1)
		return -1;
	return t > now ? difftime(t, now) : 0;
}

int
http_ratelimit(const char *value, long *remaining, long *window)
{
	const char	*p;
	char		*end;
	long		 n, w = -1;

	*remaining = *window = -1;
	if (value == NULL)
		return -1;
	p = skip_ws(value);
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	if (errno == ERANGE)
		return -1;
	p = skip_ws(end);
	if (*p != '\0' && *p != ';')
		return -1;
	while (*p == ';') {
		p = skip_ws(p + 1);
		if (strncasecmp(p, "w=", 2) == 0 && p[2] >= '0' && p[2] <= '9') {
			errno = 0;
			w = strtol(p + 2, &end, 10);
			if (errno == ERANGE)
				w = -1;
			p = end;
		}
		while (*p != '\0' && *p != ';')
			p++;
	}
	*remaining = n;
	*window = w;
	return 0;
}

/* A decimal byte position at *p, digits only, into *v; NULL when none. */
static const char *
byte_pos(const char *p, int64_t *v)
{
	int64_t	n = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT64_MAX - (*p - '0')) / 10)
			return NULL;
		n = n * 10 + (*p - '0');
	}
	*v = n;
	return p;
}

/* "A-B" at p into a, b (a <= b); what follows, or NULL. */
static const char *
byte_span(const char *p, int64_t *a, int64_t *b)
{
	if ((p = byte_pos(p, a)) == NULL || *p != '-' ||
	    (p = byte_pos(p + 1, b)) == NULL || *b < *a)
		return NULL;
	return p;
}

int
http_content_range(const char *value, int64_t *first, int64_t *last,
    int64_t *total)
{
	const char	*p;
	int64_t		 a, b, t = -1;

	*first = *last = *total = -1;
	if (value == NULL)
		return -1;
	p = skip_ws(value);
	if (strncasecmp(p, "bytes", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		return -1;
	if ((p = byte_span(skip_ws(p + 5), &a, &b)) == NULL || *p != '/')
		return -1;
	if (p[1] == '*')
		p += 2;
	else if ((p = byte_pos(p + 1, &t)) == NULL || b >= t)
		return -1;
	if (*skip_ws(p) != '\0')
		return -1;
	*first = a;
	*last = b;
	*total = t;
	return 0;
}

int
http_upload_range(const char *value, int64_t *stored)
{
	const char	*p;
	int64_t		 a, b;

	*stored = -1;
	if (value == NULL)
		return -1;
	p = skip_ws(value);
	if (strncasecmp(p, "bytes=", 6) == 0)
		p += 6;
	if ((p = byte_span(p, &a, &b)) == NULL || a != 0 || *skip_ws(p) != '\0' ||
	    b == INT64_MAX)
		return -1;
	*stored = b == 0 ? 0 : b + 1;
	return 0;
}

/* Registry codes are identifiers: keep [A-Za-z0-9_] and replace the rest. */
static void
code_sanitize(char *dst, size_t n, const char *s)
{
	size_t	i;

	if (n == 0)
		return;
	for (i = 0; s[i] != '\0' && i + 1 < n; i++) {
		unsigned char	ch = (unsigned char)s[i];

		dst[i] = (ch < 0x80 && isalnum(ch)) || ch == '_' ? (char)ch : '?';
	}
	dst[i] = '\0';
}

static const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring != NULL ? v->valuestring : NULL;
}

int
http_error_body(const char *body, size_t len, char *code, size_t ncode,
    char *msg, size_t nmsg)
{
	cJSON		*root;
	const cJSON	*errs, *first;
	const char	*c = NULL, *m = NULL;
	int		 found = 0;

	if (ncode > 0)
		code[0] = '\0';
	if (nmsg > 0)
		msg[0] = '\0';
	if (body == NULL || len == 0)
		return 0;
	if ((root = cJSON_ParseWithLength(body, len)) == NULL)
		return 0;
	if (cJSON_IsObject(root)) {
		errs = cJSON_GetObjectItemCaseSensitive(root, "errors");
		first = cJSON_IsArray(errs) ? cJSON_GetArrayItem(errs, 0) : NULL;
		if (cJSON_IsObject(first)) {
			c = json_str(first, "code");
			m = json_str(first, "message");
		}
		/* Token servers and proxies answer in looser shapes. */
		if (m == NULL && (m = json_str(root, "message")) == NULL &&
		    (m = json_str(root, "details")) == NULL)
			m = json_str(root, "error_description");
		if (c == NULL && m == NULL)
			m = json_str(root, "error");
	}
	if (c != NULL) {
		code_sanitize(code, ncode, c);
		found = 1;
	}
	if (m != NULL) {
		tm_sanitize(msg, nmsg, m);
		found = 1;
	}
	cJSON_Delete(root);
	return found;
}

/*
 * WWW-Authenticate.
 */

static const char *
skip_sep(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	return p;
}

/* A token or quoted-string value into buf; sets *trunc when it did not fit. */
static const char *
read_value(const char *p, char *buf, size_t n, int *trunc)
{
	size_t	o = 0;

	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (o + 1 < n)
				buf[o++] = *p;
			else
				*trunc = 1;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p != '\0' && *p != ',' && *p != ' ' && *p != '\t'; p++) {
			if (o + 1 < n)
				buf[o++] = *p;
			else
				*trunc = 1;
		}
	}
	buf[o] = '\0';
	return p;
}

static void
store_param(struct auth_challenge *ch, const char *name, size_t nlen,
    const char *v, int trunc)
{
	struct {
		const char	*name;
		char		*dst;
		size_t		 size;
	} fields[] = {
		{ "realm", ch->realm, sizeof ch->realm },
		{ "service", ch->service, sizeof ch->service },
		{ "scope", ch->scope, sizeof ch->scope },
		{ "error", ch->error, sizeof ch->error },
	};
	size_t	i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strlen(fields[i].name) != nlen ||
		    strncasecmp(fields[i].name, name, nlen) != 0)
			continue;
		if (trunc || strlen(v) >= fields[i].size)
			ch->truncated = 1;
		else
			memcpy(fields[i].dst, v, strlen(v) + 1);
	}
}

size_t
http_auth_parse(const char *value, struct auth_challenge *out, size_t max)
{
	struct auth_challenge	*cur = NULL;
	const char		*p = value, *tok, *q;
	char			 v[2048];
	size_t			 n = 0, tlen, i;
	int			 trunc;

	if (value == NULL)
		return 0;
	while (*(p = skip_sep(p)) != '\0') {
		tok = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',' && *p != '=')
			p++;
		tlen = (size_t)(p - tok);
		q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=' && tlen > 0) {
			/* name=value: a parameter of the current challenge. */
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			trunc = 0;
			p = read_value(q, v, sizeof v, &trunc);
			if (cur != NULL)
				store_param(cur, tok, tlen, v, trunc);
			continue;
		}
		if (tlen == 0) {
			/* A stray '=' (token68 padding): skip it. */
			p++;
			continue;
		}
		if (n == max)
			break;
		cur = &out[n++];
		memset(cur, 0, sizeof *cur);
		if (tlen >= sizeof cur->scheme)
			cur->truncated = 1;
		for (i = 0; i < tlen && i + 1 < sizeof cur->scheme; i++)
			cur->scheme[i] = (char)tolower((unsigned char)tok[i]);
	}
	return n;
}

/*
 * The response: header and body callbacks.
 */

static void
resp_clear_headers(struct http_resp *r)
{
	free(r->location);
	free(r->link);
	free(r->www_auth);
	r->location = r->link = r->www_auth = NULL;
	r->content_length = -1;
	r->range_first = r->range_last = r->range_total = -1;
	r->range_bad = 0;
	r->upload_stored = -1;
	r->content_type[0] = '\0';
	r->digest[0] = '\0';
	r->oci_subject[0] = '\0';
	r->retry_after = -1;
	r->ratelimit_seen = 0;
	r->rl_remaining = r->rl_window = -1;
}

void
http_resp_free(struct http_resp *r)
{
	resp_clear_headers(r);
	free(r->body);
	free(r->url);
	r->body = r->url = NULL;
	r->len = r->body_alloc = 0;
}

void
http_resp_reset(struct http_resp *r)
{
	http_resp_free(r);
	memset(r, 0, sizeof *r);
	r->content_length = -1;
	r->range_first = r->range_last = r->range_total = -1;
	r->upload_stored = -1;
	r->retry_after = -1;
	r->rl_remaining = r->rl_window = -1;
}

/* Join repeated headers with ", " (valid for Link and WWW-Authenticate). */
static int
header_join(char **dst, const char *v, size_t vlen)
{
	size_t	old = *dst != NULL ? strlen(*dst) : 0;
	char	*n;

	if (old + vlen + 3 > HTTP_HEADER_MAX)
		return -1;
	if ((n = realloc(*dst, old + vlen + 3)) == NULL)
		return -1;
	if (old > 0) {
		memcpy(n + old, ", ", 2);
		old += 2;
	}
	memcpy(n + old, v, vlen);
	n[old + vlen] = '\0';
	*dst = n;
	return 0;
}

static void
copy_value(char *dst, size_t n, const char *v, size_t vlen)
{
	if (vlen >= n)
		vlen = n - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
}

static int
name_is(const char *name, size_t nlen, const char *want)
{
	return nlen == strlen(want) && strncasecmp(name, want, nlen) == 0;
}

/* The media type of a Content-Type, parameters and blanks cut. */
static void
content_type_value(struct http_resp *r, const char *v, size_t vlen)
{
	const char	*semi = memchr(v, ';', vlen);
	char		 raw[sizeof r->content_type];

	if (semi != NULL)
		vlen = (size_t)(semi - v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen < sizeof r->content_type) {
		copy_value(raw, sizeof raw, v, vlen);
		tm_sanitize(r->content_type, sizeof r->content_type, raw);
	}
}

/* A header holding a digest (Docker-Content-Digest, OCI-Subject): kept
 * only when valid. */
static void
digest_value(char dst[TM_DIGEST_MAX + 1], const char *v, size_t vlen)
{
	if (vlen > TM_DIGEST_MAX)
		return;
	copy_value(dst, TM_DIGEST_MAX + 1, v, vlen);
	if (!tm_digest_valid(dst))
		dst[0] = '\0';
}

static void
header_value(struct http_resp *r, const char *name, size_t nlen,
    const char *v, size_t vlen)
{
	char	tmp[64];

	if (name_is(name, nlen, "location")) {
		free(r->location);
		r->location = NULL;
		if (header_join(&r->location, v, vlen) == -1)
			r->header_overflow = 1;
	} else if (name_is(name, nlen, "link")) {
		if (header_join(&r->link, v, vlen) == -1)
			r->header_overflow = 1;
	} else if (name_is(name, nlen, "www-authenticate")) {
		if (header_join(&r->www_auth, v, vlen) == -1)
			r->header_overflow = 1;
	} else if (name_is(name, nlen, "content-type"))
		content_type_value(r, v, vlen);
	else if (name_is(name, nlen, "docker-content-digest"))
		digest_value(r->digest, v, vlen);
	else if (name_is(name, nlen, "oci-subject"))
		digest_value(r->oci_subject, v, vlen);
	else if (name_is(name, nlen, "content-length")) {
		char	*end;

		copy_value(tmp, sizeof tmp, v, vlen);
		errno = 0;
		r->content_length = strtoll(tmp, &end, 10);
		if (errno != 0 || *end != '\0' || r->content_length < 0)
			r->content_length = -1;
	} else if (name_is(name, nlen, "content-range")) {
		copy_value(tmp, sizeof tmp, v, vlen);
		r->range_bad = vlen >= sizeof tmp || http_content_range(tmp,
		    &r->range_first, &r->range_last, &r->range_total) == -1;
	} else if (name_is(name, nlen, "range")) {
		copy_value(tmp, sizeof tmp, v, vlen);
		if (vlen >= sizeof tmp)
			r->upload_stored = -1;
		else
			http_upload_range(tmp, &r->upload_stored);
	} else if (name_is(name, nlen, "retry-after")) {
		copy_value(tmp, sizeof tmp, v, vlen);
		r->retry_after = http_retry_after(tmp, time(NULL));
	} else if (name_is(name, nlen, "ratelimit-remaining")) {
		copy_value(tmp, sizeof tmp, v, vlen);
		r->ratelimit_seen = http_ratelimit(tmp, &r->rl_remaining,
		    &r->rl_window) == 0;
	}
}

size_t
http_header_write(char *buf, size_t size, size_t nitems, void *ud)
{
	struct http_resp	*r = ud;
	size_t			 len = size * nitems, nlen, vlen;
	const char		*colon, *v;

	r->header_bytes += len;
	if (r->header_bytes > HTTP_HEADERS_MAX) {
		r->header_overflow = 1;
		return 0;
	}
	if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
		const char	*sp = memchr(buf, ' ', len);

		/* A new status line (after 1xx): forget earlier headers. */
		resp_clear_headers(r);
		r->status = 0;
		if (sp != NULL && (size_t)(sp - buf) + 4 <= len &&
		    isdigit((unsigned char)sp[1]) && isdigit((unsigned char)sp[2]) &&
		    isdigit((unsigned char)sp[3]))
			r->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
		return len;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if ((colon = memchr(buf, ':', len)) == NULL)
		return size * nitems;
	nlen = (size_t)(colon - buf);
	v = colon + 1;
	while (v < buf + len && (*v == ' ' || *v == '\t'))
		v++;
	vlen = (size_t)(buf + len - v);
	if (vlen > HTTP_HEADER_MAX)
		vlen = HTTP_HEADER_MAX + 1;	/* header_join refuses it */
	header_value(r, buf, nlen, v, vlen);
	if (r->header_overflow)
		return 0;
	/* A 2xx body we keep that announces more than we allow: stop now. */
	if (name_is(buf, nlen, "content-length") && !r->head && r->max_body > 0 &&
	    r->status >= 200 && r->status < 300 &&
	    r->content_length > (int64_t)r->max_body) {
		r->overflow = 1;
		return 0;
	}
	return size * nitems;
}

size_t
http_body_write(char *p, size_t size, size_t nitems, void *ud)
{
	struct http_resp	*r = ud;
	size_t			 len = size * nitems, cap, want;
	char			*n;

	cap = r->status >= 200 && r->status < 300 ? r->max_body : HTTP_ERRBODY_MAX;
	if (len == 0 || cap == 0)
		return len;
	if (r->len + len > cap) {
		r->overflow = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	if (r->len + len + 1 > r->body_alloc) {
		want = r->body_alloc > 0 ? r->body_alloc : 16384;
		/* An announced length (within the cap) sizes the buffer once. */
		if (r->body_alloc == 0 && r->content_length > 0 &&
		    (uint64_t)r->content_length < cap)
			want = (size_t)r->content_length + 1;
		while (want < r->len + len + 1)
			want *= 2;
		if (want > cap + 1)
			want = cap + 1;
		if ((n = realloc(r->body, want)) == NULL)
			return CURL_WRITEFUNC_ERROR;
		r->body = n;
		r->body_alloc = want;
	}
	memcpy(r->body + r->len, p, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}
