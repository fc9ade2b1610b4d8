#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "request.h"
#include "clock.h"

#define CA_FILE_MAX	(4 * 1024 * 1024)
#define CA_TOTAL_MAX	(32 * 1024 * 1024)
#define CA_DIR_FILES	256
#define SLEEP_SLICE	0.05

/*
 * Clocks and small helpers.
 */
int
http_cancelled(const struct reg_conn *c)
{
	return c->cancel != NULL && atomic_load(c->cancel) != 0;
}

int
http_max_attempts(const struct registry *reg)
{
	return reg->opts.max_attempts > 0 ? reg->opts.max_attempts : 5;
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

static int
is_absolute(const char *url)
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

char *
http_link_next(const char *value)
{
	const char	*p = value, *url, *url_end;

	if (value == NULL)
		return NULL;
	for (;;) {
		int	next = 0;

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
		/* Parameters up to the next link (a comma outside quotes). */
		for (;;) {
			const char	*name, *v;
			size_t		 nlen, vlen;

			p = skip_ws(p);
			if (*p != ';')
				break;
			p = skip_ws(p + 1);
			name = p;
			while (*p != '\0' && *p != '=' && *p != ';' && *p != ',' &&
			    *p != ' ' && *p != '\t')
				p++;
			nlen = (size_t)(p - name);
			p = skip_ws(p);
			if (*p != '=')
				continue;
			p = skip_ws(p + 1);
			if (*p == '"') {
				v = ++p;
				while (*p != '\0' && *p != '"')
					p++;
				vlen = (size_t)(p - v);
				if (*p == '"')
					p++;
			} else {
				v = p;
				while (*p != '\0' && *p != ';' && *p != ',' &&
				    *p != ' ' && *p != '\t')
					p++;
				vlen = (size_t)(p - v);
			}
			if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 &&
			    rel_has_next(v, vlen))
				next = 1;
		}
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
	r->content_type[0] = '\0';
	r->digest[0] = '\0';
	r->retry_after = -1;
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

static void
resp_reset(struct http_resp *r)
{
	http_resp_free(r);
	memset(r, 0, sizeof *r);
	r->content_length = -1;
	r->retry_after = -1;
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
	} else if (name_is(name, nlen, "content-type")) {
		const char	*semi = memchr(v, ';', vlen);

		if (semi != NULL)
			vlen = (size_t)(semi - v);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (vlen < sizeof r->content_type) {
			char	raw[sizeof r->content_type];

			copy_value(raw, sizeof raw, v, vlen);
			tm_sanitize(r->content_type, sizeof r->content_type, raw);
		}
	} else if (name_is(name, nlen, "docker-content-digest")) {
		if (vlen <= TM_DIGEST_MAX) {
			copy_value(r->digest, sizeof r->digest, v, vlen);
			if (!tm_digest_valid(r->digest))
				r->digest[0] = '\0';
		}
	} else if (name_is(name, nlen, "content-length")) {
		char	*end;

		copy_value(tmp, sizeof tmp, v, vlen);
		errno = 0;
		r->content_length = strtoll(tmp, &end, 10);
		if (errno != 0 || *end != '\0' || r->content_length < 0)
			r->content_length = -1;
	} else if (name_is(name, nlen, "retry-after")) {
		copy_value(tmp, sizeof tmp, v, vlen);
		r->retry_after = http_retry_after(tmp, time(NULL));
	} else if (name_is(name, nlen, "ratelimit-remaining") && r->reg != NULL) {
		long	rem, win;

		copy_value(tmp, sizeof tmp, v, vlen);
		if (http_ratelimit(tmp, &rem, &win) == 0) {
			atomic_store(&r->reg->rl_remaining, rem);
			atomic_store(&r->reg->rl_window, win);
		}
	}
}

static size_t
header_cb(char *buf, size_t size, size_t nitems, void *ud)
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
 * TLS trust: the system bundle plus every *.crt of cert_dir and ca_file,
 * as one PEM blob, so extra CAs add to the system ones instead of
 * replacing them.
 */

static int
ca_append(struct registry *reg, const char *path, int required, struct tm_err *err)
{
	FILE		*f;
	struct stat	 st;
	char		*n;
	size_t		 got;

	if ((f = fopen(path, "r")) == NULL) {
		if (!required)
			return 0;
		return tm_err_set(err, TM_CAT_IO, "cannot read CA file %s: %s",
		    path, strerror(errno));
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CA_FILE_MAX ||
	    reg->ca_len + (size_t)st.st_size + 2 > CA_TOTAL_MAX) {
		fclose(f);
		if (!required)
			return 0;
		return tm_err_set(err, TM_CAT_IO, "CA file %s is not a regular "
		    "file of at most %d MiB", path, CA_FILE_MAX >> 20);
	}
	if ((n = realloc(reg->ca_pem, reg->ca_len + (size_t)st.st_size + 2)) == NULL) {
		fclose(f);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	reg->ca_pem = n;
	got = fread(n + reg->ca_len, 1, (size_t)st.st_size, f);
	fclose(f);
	reg->ca_len += got;
	n[reg->ca_len++] = '\n';
	n[reg->ca_len] = '\0';
	return 0;
}

static int
ca_suffix(const char *name)
{
	size_t	len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".crt") == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ca_dir(struct registry *reg, const char *dir, struct tm_err *err)
{
	DIR		*d;
	struct dirent	*de;
	char		*names[CA_DIR_FILES], *path;
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "cannot read cert dir %s: %s",
		    dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < CA_DIR_FILES)
		if (ca_suffix(de->d_name) && (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	/* Sorted, so the bundle does not depend on directory order. */
	qsort(names, n, sizeof names[0], name_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			if (asprintf(&path, "%s/%s", dir, names[i]) == -1)
				rc = tm_err_set(err, TM_CAT_IO, "out of memory");
			else {
				rc = ca_append(reg, path, 1, err);
				free(path);
			}
		}
		free(names[i]);
	}
	return rc;
}

int
http_ca_load(struct registry *reg, struct tm_err *err)
{
	const curl_version_info_data	*vi = curl_version_info(CURLVERSION_NOW);

	if (reg->cert_dir == NULL && reg->ca_file == NULL)
		return 0;
	/* Missing system bundle: the extra CAs alone (and curl's CA path). */
	if (vi->cainfo != NULL && ca_append(reg, vi->cainfo, 0, err) == -1)
		return -1;
	if (reg->ca_file != NULL && ca_append(reg, reg->ca_file, 1, err) == -1)
		return -1;
	if (reg->cert_dir != NULL && ca_dir(reg, reg->cert_dir, err) == -1)
		return -1;
	return 0;
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

int
http_prepare(struct reg_conn *c, CURL *e, const char *method, const char *url,
    const char *authz, const struct http_req *rq, struct http_resp *r,
    struct curl_slist **hdrs, struct tm_err *err)
{
	struct registry	*reg = c->reg;
	int		 bad = 0, body = !rq->stream &&
			    (strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0);

	resp_reset(r);
	r->reg = reg;
	r->max_body = rq->max_body;
	r->head = strcmp(method, "HEAD") == 0;
	if ((r->url = strdup(url)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	*hdrs = NULL;
	c->errbuf[0] = '\0';
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
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, reg->opts.low_speed_time > 0 ?
	    reg->opts.low_speed_time : 60L);
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
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, *hdrs);
	atomic_fetch_add(&reg->requests, 1);
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

/* Forget what the previous attempt said; keep who, what and how hard. */
static void
err_next_attempt(struct tm_err *err)
{
	err->cat = TM_CAT_NONE;
	err->http = 0;
	err->code[0] = '\0';
	err->msg[0] = '\0';
}

int
http_curl_err(struct reg_conn *c, CURLcode cc, const struct http_resp *r,
    struct tm_err *err)
{
	const char	*detail = c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(cc);

	err->http = 0;
	err->code[0] = '\0';
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

int
http_status_err(const struct http_resp *r, struct tm_err *err)
{
	char			code[sizeof err->code], msg[sizeof err->msg];
	enum tm_category	cat;
	const char		*def;

	err->http = r->status;
	err->code[0] = '\0';
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

/*
 * One attempt: scheme fallback, redirects and one auth round inside.
 * 0 done, -1 failed, -2 failed in a way another attempt cannot fix.
 */
static int
attempt_once(struct reg_conn *c, const struct http_req *rq, struct http_resp *r,
    struct tm_err *err)
{
	struct registry		*reg = c->reg;
	struct curl_slist	*hdrs;
	const char		*method = rq->method;
	char			*url, *base, *authz = NULL;
	int			 scheme = atomic_load(&reg->scheme), hops = 0;
	int			 authed = 0, fallback, rc = -1, own, followed;
	CURLcode		 cc;

	if (scheme == HTTP_SCHEME_UNKNOWN)
		scheme = HTTP_SCHEME_HTTPS;
	fallback = !rq->raw_auth && !is_absolute(rq->url) &&
	    atomic_load(&reg->scheme) == HTTP_SCHEME_UNKNOWN && fallback_allowed(reg);
	url = is_absolute(rq->url) ? strdup(rq->url) : url_for(reg, scheme, rq->url);
	base = rq->raw_auth ? strdup(rq->url) : url_for(reg, scheme, "/");
	if (url == NULL || base == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	for (;;) {
		own = http_same_origin(url, base);
		auth_value_free(authz);
		authz = NULL;
		if (own && rq->raw_auth) {
			if (rq->authz != NULL && (authz = strdup(rq->authz)) == NULL) {
				tm_err_set(err, TM_CAT_IO, "out of memory");
				goto out;
			}
		} else if (own && auth_header(c, rq->scope, &authz, err) == -1) {
			/* The token request already had its own retries. */
			rc = -2;
			goto out;
		}
		if (http_prepare(c, c->easy, method, url, authz, rq, r, &hdrs, err) == -1)
			goto out;
		cc = curl_easy_perform(c->easy);
		http_headers_free(hdrs);
		if (!http_answered(cc, r)) {
			/* A loopback or insecure registry may speak plain HTTP. */
			if (fallback && hops == 0 && strncmp(url, "https:", 6) == 0 &&
			    (cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_COULDNT_CONNECT)) {
				fallback = 0;
				scheme = HTTP_SCHEME_HTTP;
				free(url);
				free(base);
				url = url_for(reg, scheme, rq->url);
				base = url_for(reg, scheme, "/");
				if (url == NULL || base == NULL) {
					tm_err_set(err, TM_CAT_IO, "out of memory");
					goto out;
				}
				continue;
			}
			http_curl_err(c, cc, r, err);
			goto out;
		}
		if (!rq->raw_auth && own && hops == 0) {
			int	unknown = HTTP_SCHEME_UNKNOWN;

			atomic_compare_exchange_strong(&reg->scheme, &unknown, scheme);
		}
		if ((followed = http_follow(r, &url, &hops, err)) == -1)
			goto out;
		if (followed) {
			if (r->status == 303 || ((r->status == 301 || r->status == 302) &&
			    strcmp(method, "POST") == 0))
				method = "GET";
			continue;
		}
		if (r->status == 401 && !rq->raw_auth && own && !authed) {
			authed = 1;
			if (auth_on_401(c, rq->scope, r, authz, err) == -1) {
				rc = -2;
				goto out;
			}
			continue;
		}
		if ((r->status >= 200 && r->status < 300) ||
		    (rq->ok_status != 0 && r->status == rq->ok_status)) {
			rc = 0;
			goto out;
		}
		http_status_err(r, err);
		if (r->status == 401 && own)
			err_auth_hint(authz, err);
		goto out;
	}
out:
	auth_value_free(authz);
	free(url);
	free(base);
	return rc;
}

int
http_do(struct reg_conn *c, const struct http_req *rq, struct http_resp *r,
    struct tm_err *err)
{
	struct tm_err	e;
	int		max = rq->no_retry ? 1 : http_max_attempts(c->reg), attempt, rc;

	memset(r, 0, sizeof *r);
	resp_reset(r);
	http_err_begin(c, rq->object, &e);
	for (attempt = 1;; attempt++) {
		e.attempts = attempt;
		err_next_attempt(&e);
		if (http_cancelled(c)) {
			tm_err_set(&e, TM_CAT_CANCELLED, "cancelled");
			break;
		}
		if ((rc = attempt_once(c, rq, r, &e)) == 0)
			return 0;
		if (rc == -2 || !http_retryable(&e) || attempt >= max)
			break;
		if (http_backoff(c, attempt, r->retry_after, &e) == -1)
			break;
	}
	if (err != NULL)
		*err = e;
	return -1;
}
