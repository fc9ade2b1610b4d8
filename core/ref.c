/*
 * Image references "[host/]repo[:tag][@digest]", parsed the way docker
 * reads them (Docker Hub's names filled in) and formatted back, and the
 * checks on their parts: tags, digests, hosts, loopback.
 */
#include "config.h"

#include "ref.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DOCKER_HOST	"docker.io"
#define DOCKER_API_HOST	"registry-1.docker.io"
#define NAME_MAX_LEN	255	/* "host/repo", as docker and the spec's clients limit it */

/* Every spelling of Docker Hub a person or a config file may use. */
static const char *const docker_hosts[] = {
	"docker.io", "index.docker.io", "registry-1.docker.io"
};

static int
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int
is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

int
tm_tag_valid(const char *tag)
{
	size_t	i;

	if (tag == NULL || (!is_alnum(tag[0]) && tag[0] != '_'))
		return 0;
	for (i = 1; tag[i] != '\0'; i++) {
		if (i >= TM_TAG_MAX)
			return 0;
		/* Not strchr: a registry's list may hold 100,000 names. */
		if (!is_alnum(tag[i]) && tag[i] != '.' && tag[i] != '_' &&
		    tag[i] != '-')
			return 0;
	}
	return 1;
}

int
tm_digest_valid(const char *d)
{
	size_t	i;

	if (d == NULL || strncmp(d, "sha256:", 7) != 0 || strlen(d) != TM_DIGEST_MAX)
		return 0;
	for (i = 7; i < TM_DIGEST_MAX; i++)
		if (!is_hex_lower(d[i]))
			return 0;
	return 1;
}

/* 1 when s[0..len) is a decimal port 1-65535. */
static int
port_valid(const char *s, size_t len)
{
	unsigned long	v = 0;
	size_t		i;

	if (len == 0 || len > 5)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/*
 * Split "name", "name:port", "[v6]" or "[v6]:port" (len bytes of h) into
 * the address part (brackets removed) and the port.  A bare IPv6 address
 * ("::1") has no port.  Returns 0, or -1 when the brackets do not close.
 */
static int
split_host_port(const char *h, size_t len, const char **addr, size_t *alen,
    const char **port, size_t *plen)
{
	const char	*close, *colon;

	*port = NULL;
	*plen = 0;
	if (len > 0 && h[0] == '[') {
		close = memchr(h, ']', len);
		if (close == NULL)
			return -1;
		*addr = h + 1;
		*alen = (size_t)(close - h) - 1;
		if (close + 1 < h + len) {
			if (close[1] != ':')
				return -1;
			*port = close + 2;
			*plen = len - (size_t)(*port - h);
		}
		return 0;
	}
	*addr = h;
	*alen = len;
	colon = memchr(h, ':', len);
	if (colon != NULL && memchr(colon + 1, ':', len - (size_t)(colon - h) - 1) == NULL) {
		*alen = (size_t)(colon - h);
		*port = colon + 1;
		*plen = len - *alen - 1;
	}
	return 0;
}

int
tm_host_is_loopback(const char *host)
{
	const char	*addr, *port;
	size_t		 alen, plen;
	char		 buf[INET6_ADDRSTRLEN + 1];
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (host == NULL ||
	    split_host_port(host, strlen(host), &addr, &alen, &port, &plen) == -1)
		return 0;
	if (port != NULL && !port_valid(port, plen))
		return 0;
	if (alen == 0 || alen >= sizeof buf)
		return 0;
	memcpy(buf, addr, alen);
	buf[alen] = '\0';
	if (strcasecmp(buf, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, buf, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, buf, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		/* ::ffff:127.x.y.z is IPv4 loopback too. */
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

/* DNS name: labels of [A-Za-z0-9-], not starting or ending with '-'. */
static int
hostname_valid(const char *s, size_t len)
{
	size_t	i, label = 0;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!is_alnum(s[i]) && !(s[i] == '-' && label > 0))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[len - 1] != '-';
}

static int
ipv6_chars_valid(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_hex_lower(s[i]) && strchr("ABCDEF:.", s[i]) == NULL)
			return 0;
	return 1;
}

static int
host_check(const char *h, size_t len, struct tm_err *err)
{
	const char	*addr, *port;
	size_t		 alen, plen;

	if (split_host_port(h, len, &addr, &alen, &port, &plen) == -1)
		return tm_err_set(err, TM_CAT_USAGE, "invalid registry host '%.*s'",
		    (int)len, h);
	if (port != NULL && !port_valid(port, plen))
		return tm_err_set(err, TM_CAT_USAGE,
		    "invalid port '%.*s' in registry host '%.*s' (want 1-65535)",
		    (int)plen, port, (int)len, h);
	if (h[0] == '[' ? !ipv6_chars_valid(addr, alen) : !hostname_valid(addr, alen))
		return tm_err_set(err, TM_CAT_USAGE, "invalid registry host '%.*s'",
		    (int)len, h);
	return 0;
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* (distribution spec). */
static int
component_valid(const char *s, size_t len)
{
	size_t	i = 0, sep;

	for (;;) {
		if (i >= len || !is_lower_alnum(s[i]))
			return 0;
		while (i < len && is_lower_alnum(s[i]))
			i++;
		if (i == len)
			return 1;
		sep = i;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
		else
			while (i < len && s[i] == '-')
				i++;
		if (i == sep)
			return 0;
	}
}

static int
repo_check(const char *r, size_t len, const char *whole, struct tm_err *err)
{
	const char	*c = r, *end = r + len, *slash;
	size_t		 clen, i;

	if (len == 0)
		return tm_err_set(err, TM_CAT_USAGE, "missing repository name in '%s'", whole);
	while (c <= end) {
		slash = memchr(c, '/', (size_t)(end - c));
		clen = slash != NULL ? (size_t)(slash - c) : (size_t)(end - c);
		if (clen == 0)
			return tm_err_set(err, TM_CAT_USAGE, slash == NULL ?
			    "trailing slash in '%s'" : "empty path component in '%s'", whole);
		for (i = 0; i < clen; i++)
			if (c[i] >= 'A' && c[i] <= 'Z')
				return tm_err_set(err, TM_CAT_USAGE,
				    "repository name must be lowercase: '%.*s'", (int)clen, c);
		if (!component_valid(c, clen))
			return tm_err_set(err, TM_CAT_USAGE,
			    "invalid repository path component '%.*s' in '%s' "
			    "(lowercase letters and digits joined by '.', '_', '__' or '-')",
			    (int)clen, c, whole);
		if (slash == NULL)
			break;
		c = slash + 1;
	}
	return 0;
}

static int
is_docker_host(const char *h, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof docker_hosts / sizeof docker_hosts[0]; i++)
		if (strlen(docker_hosts[i]) == len && strncasecmp(docker_hosts[i], h, len) == 0)
			return 1;
	return 0;
}

/* A first component names a host when it has '.' or ':' or is localhost. */
static int
looks_like_host(const char *s, size_t len)
{
	return memchr(s, '.', len) != NULL || memchr(s, ':', len) != NULL ||
	    (len > 0 && s[0] == '[') ||
	    (len == 9 && strncmp(s, "localhost", 9) == 0);
}

/* "@sha256:..." at the end of s into ref->digest; *nend moves before it. */
static int
ref_digest(const char *s, const char **nend, struct tm_ref *ref,
    struct tm_err *err)
{
	const char	*at = strchr(s, '@');

	if (at == NULL)
		return 0;
	if (!tm_digest_valid(at + 1))
		return tm_err_set(err, TM_CAT_USAGE, "invalid digest '%.80s' "
		    "(want sha256: and 64 lowercase hex digits)", at + 1);
	memcpy(ref->digest, at + 1, TM_DIGEST_MAX + 1);
	*nend = at;
	return 0;
}

/* ":tag" after the last '/' of [s, *nend) into ref->tag; *nend moves. */
static int
ref_tag(const char *s, const char **nend, struct tm_ref *ref, struct tm_err *err)
{
	const char	*slash, *lastslash = NULL, *colon = NULL;
	size_t		 tlen;

	/* "[::1]:5000" alone would otherwise read as a repository and a tag. */
	for (slash = s; slash < *nend; slash++)
		if (*slash == '/')
			lastslash = slash;
	if (lastslash != NULL || s[0] != '[') {
		colon = memrchr(s, ':', (size_t)(*nend - s));
		if (colon != NULL && lastslash != NULL && colon < lastslash)
			colon = NULL;
	}
	if (colon == NULL)
		return 0;
	tlen = (size_t)(*nend - colon - 1);
	if (tlen == 0)
		return tm_err_set(err, TM_CAT_USAGE, "empty tag in '%s'", s);
	if (tlen > TM_TAG_MAX)
		return tm_err_set(err, TM_CAT_USAGE,
		    "tag too long in '%s' (at most %d characters)", s, TM_TAG_MAX);
	memcpy(ref->tag, colon + 1, tlen);
	ref->tag[tlen] = '\0';
	if (!tm_tag_valid(ref->tag))
		return tm_err_set(err, TM_CAT_USAGE, "invalid tag '%s' in '%s' "
		    "(letters, digits, '_', '.', '-'; not starting with '.' or '-')",
		    ref->tag, s);
	*nend = colon;
	return 0;
}

/*
 * Split [s, nend) into a host of *hlen bytes (0: Docker Hub) and the
 * repository at *repo.  tend is where the name ended before any tag.
 */
static int
ref_host(const char *s, const char *nend, const char *tend, size_t *hlen,
    const char **repo, struct tm_err *err)
{
	const char	*slash = memchr(s, '/', (size_t)(nend - s));

	*hlen = 0;
	*repo = s;
	if (slash != NULL && looks_like_host(s, (size_t)(slash - s))) {
		*hlen = (size_t)(slash - s);
		*repo = slash + 1;
		/* host_check() does not bound the length tm_ref.host holds. */
		if (*hlen >= sizeof ((struct tm_ref *)0)->host)
			return tm_err_set(err, TM_CAT_USAGE, "host '%.40s...' is "
			    "longer than %zu characters", s,
			    sizeof ((struct tm_ref *)0)->host - 1);
		return host_check(s, *hlen, err);
	}
	if (slash == NULL && looks_like_host(s, (size_t)(nend - s)))
		/*
		 * Docker would read "quay.io" or "localhost:5000" as an image on
		 * Docker Hub; for a mirror that is almost surely a host missing
		 * its repository, so say so instead of going to the wrong place.
		 */
		return tm_err_set(err, TM_CAT_USAGE, "'%.*s' names a registry host: "
		    "add a repository, e.g. '%.*s/org/name'", (int)(tend - s), s,
		    (int)(tend - s), s);
	return 0;
}

/* Host, API host and full repository name ("library/" on Hub) into ref. */
static int
ref_names(const char *s, size_t hlen, const char *repo, size_t rlen,
    struct tm_ref *ref, struct tm_err *err)
{
	int	library;

	if (hlen == 0 || is_docker_host(s, hlen)) {
		strcpy(ref->host, DOCKER_HOST);
		strcpy(ref->api_host, DOCKER_API_HOST);
		library = memchr(repo, '/', rlen) == NULL;
	} else {
		memcpy(ref->host, s, hlen);
		ref->host[hlen] = '\0';
		memcpy(ref->api_host, s, hlen);
		ref->api_host[hlen] = '\0';
		library = 0;
	}
	if (strlen(ref->host) + 1 + (library ? 8 : 0) + rlen > NAME_MAX_LEN)
		return tm_err_set(err, TM_CAT_USAGE, "reference '%.40s...' is longer than "
		    "%d characters", s, NAME_MAX_LEN);
	snprintf(ref->repo, sizeof ref->repo, "%s%.*s", library ? "library/" : "",
	    (int)rlen, repo);
	return 0;
}

int
tm_ref_parse(const char *s, struct tm_ref *ref, struct tm_err *err)
{
	const char	*nend, *tend, *repo;
	size_t		 len, hlen;

	memset(ref, 0, sizeof *ref);
	if (s != NULL && strncmp(s, "docker://", 9) == 0)
		s += 9;		/* skopeo's transport, the only one we speak */
	else if (s != NULL && (nend = strstr(s, "://")) != NULL)
		return tm_err_set(err, TM_CAT_USAGE, "'%s': only docker:// "
		    "references are supported, not '%.*s://'", s,
		    (int)(nend - s > 20 ? 20 : nend - s), s);
	if (s == NULL || *s == '\0')
		return tm_err_set(err, TM_CAT_USAGE, "empty image reference");
	len = strlen(s);
	if (len > 1024)
		return tm_err_set(err, TM_CAT_USAGE, "image reference too long (%zu bytes)", len);
	nend = s + len;
	if (ref_digest(s, &nend, ref, err) == -1)
		return -1;
	tend = nend;
	if (ref_tag(s, &nend, ref, err) == -1)
		return -1;
	if (nend == s)
		return tm_err_set(err, TM_CAT_USAGE, "missing repository name in '%s'", s);
	if (ref_host(s, nend, tend, &hlen, &repo, err) == -1)
		return -1;
	if (repo_check(repo, (size_t)(nend - repo), s, err) == -1)
		return -1;
	return ref_names(s, hlen, repo, (size_t)(nend - repo), ref, err);
}

void
tm_ref_format(const struct tm_ref *ref, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%s%s%s%s", ref->host, ref->repo,
	    ref->tag[0] != '\0' ? ":" : "", ref->tag,
	    ref->digest[0] != '\0' ? "@" : "", ref->digest);
}

int
tm_ref_is_docker_hub(const struct tm_ref *r)
{
	return strcmp(r->api_host, DOCKER_API_HOST) == 0;
}
