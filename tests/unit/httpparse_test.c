/*
 * Response parsing: status lines, Content-Type/Length, digests, Link,
 * Location, WWW-Authenticate, Retry-After, rate limits and bounds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "httpparse.h"
#include "tap.h"

/* One header line as curl hands it over; returns what the sink returned. */
static size_t
line(struct http_resp *r, const char *s)
{
	char	*copy = strdup(s);
	size_t	 rc = http_header_write(copy, 1, strlen(s), r);

	free(copy);
	return rc;
}

static void
test_headers(void)
{
	struct http_resp	r;
	const char		*d = "sha256:"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char			 buf[128];

	memset(&r, 0, sizeof r);
	http_resp_reset(&r);
	is_int(r.content_length, -1, "no Content-Length yet: unknown");
	ok(r.retry_after < 0 && r.rl_remaining == -1, "no Retry-After, no ratelimit");
	is_int(line(&r, "HTTP/1.1 100 Continue\r\n"), 23, "status line consumed");
	is_int(r.status, 100, "1xx status read");
	line(&r, "HTTP/2 200 \r\n");
	is_int(r.status, 200, "a later status line replaces it");
	line(&r, "Content-Type: application/vnd.oci.image.manifest.v1+json; charset=utf-8\r\n");
	is_str(r.content_type, "application/vnd.oci.image.manifest.v1+json",
	    "Content-Type without its parameters");
	line(&r, "content-length:  1234\r\n");
	is_int(r.content_length, 1234, "Content-Length, any case, spaces skipped");
	line(&r, "Content-Length: 12x\r\n");
	is_int(r.content_length, -1, "a Content-Length with garbage is unknown");
	snprintf(buf, sizeof buf, "Docker-Content-Digest: %s\r\n", d);
	line(&r, buf);
	is_str(r.digest, d, "Docker-Content-Digest kept");
	line(&r, "Docker-Content-Digest: sha256:nothex\r\n");
	is_str(r.digest, "", "an invalid digest is dropped");
	line(&r, "Link: </v2/a/tags/list?n=2&last=b>; rel=\"next\"\r\n");
	line(&r, "Link: <https://example/doc>; rel=\"help\"\r\n");
	is_str(r.link, "</v2/a/tags/list?n=2&last=b>; rel=\"next\", "
	    "<https://example/doc>; rel=\"help\"", "repeated Link headers joined");
	line(&r, "Location: /a\r\n");
	line(&r, "Location: /b\r\n");
	is_str(r.location, "/b", "the last Location wins");
	line(&r, "WWW-Authenticate: Bearer realm=\"https://auth/token\"\r\n");
	is_str(r.www_auth, "Bearer realm=\"https://auth/token\"", "WWW-Authenticate kept");
	line(&r, "Retry-After: 7\r\n");
	ok(r.retry_after == 7, "Retry-After in seconds");
	line(&r, "RateLimit-Remaining: 76;w=21600\r\n");
	ok(r.ratelimit_seen && r.rl_remaining == 76 && r.rl_window == 21600,
	    "RateLimit-Remaining with its window");
	r.ratelimit_seen = 0;
	line(&r, "ratelimit-remaining: soon\r\n");
	ok(!r.ratelimit_seen, "a RateLimit-Remaining that does not parse is not seen");
	line(&r, "X-Other: ignored\r\n");
	ok(line(&r, "no colon here\r\n") == 15, "a line without a colon is skipped");
	line(&r, "HTTP/1.1 302 Found\r\n");
	ok(r.link == NULL && r.location == NULL && r.content_length == -1 &&
	    r.digest[0] == '\0' && r.retry_after < 0,
	    "a new status line forgets the headers before it");
	http_resp_free(&r);
}

static void
test_bounds(void)
{
	struct http_resp	 r;
	char			*big, abc[] = "abc", de[] = "de";
	size_t			 n = HTTP_HEADER_MAX + 100, i;

	memset(&r, 0, sizeof r);
	http_resp_reset(&r);
	r.max_body = 10;
	line(&r, "HTTP/1.1 200 OK\r\n");
	is_int(line(&r, "Content-Length: 11\r\n"), 0,
	    "a 2xx body announced past the bound stops the exchange");
	ok(r.overflow, "and says why");
	http_resp_reset(&r);
	r.max_body = 10;
	line(&r, "HTTP/1.1 404 Not Found\r\n");
	ok(line(&r, "Content-Length: 11\r\n") > 0,
	    "an error body is bounded separately");
	http_resp_reset(&r);
	r.max_body = 4;
	line(&r, "HTTP/1.1 200 OK\r\n");
	is_int(http_body_write(abc, 1, 3, &r), 3, "body within the bound kept");
	ok(http_body_write(de, 1, 2, &r) != 2 && r.overflow,
	    "body past the bound refused");
	is_str(r.body, "abc", "what was kept is NUL-terminated");
	http_resp_reset(&r);
	big = malloc(n + 1);
	memcpy(big, "Link: <", 7);
	for (i = 7; i < n - 2; i++)
		big[i] = 'a';
	memcpy(big + n - 2, "\r\n", 3);
	line(&r, "HTTP/1.1 200 OK\r\n");
	is_int(http_header_write(big, 1, n, &r), 0, "a header value past its bound stops");
	ok(r.header_overflow, "and says why");
	free(big);
	http_resp_free(&r);
}

static void
test_urls(void)
{
	char	host[64];

	http_url_host("https://registry.example:5000/v2/", host, sizeof host);
	is_str(host, "registry.example:5000", "host and port of a URL");
	http_url_host("http://127.0.0.1/v2/", host, sizeof host);
	is_str(host, "127.0.0.1", "no port when the URL names none");
	http_url_host("ftp://registry.example/", host, sizeof host);
	is_str(host, "", "not http(s): no host");
	http_url_host("not a url", host, sizeof host);
	is_str(host, "", "garbage: no host");
	ok(http_is_absolute("https://r/v2/") && http_is_absolute("http://r/"),
	    "http and https URLs are absolute");
	ok(!http_is_absolute("/v2/a/tags/list") && !http_is_absolute("httpx://r/"),
	    "a path or another scheme is not");
}

/* Content-Range (a 206's) and an upload status's Range, hostile input included. */
static void
test_ranges(void)
{
	struct http_resp	r;
	int64_t			a, b, t, n;

	ok(http_content_range("bytes 100-199/200", &a, &b, &t) == 0 &&
	    a == 100 && b == 199 && t == 200, "Content-Range: first, last, total");
	ok(http_content_range("  BYTES\t0-0/*  ", &a, &b, &t) == 0 &&
	    a == 0 && b == 0 && t == -1, "any case, spaces, an unknown total");
	is_int(http_content_range("bytes 5-4/10", &a, &b, &t), -1, "last before first refused");
	is_int(http_content_range("bytes 0-10/10", &a, &b, &t), -1, "last past the total refused");
	is_int(http_content_range("bytes */10", &a, &b, &t), -1, "an unsatisfied range is no range");
	is_int(http_content_range("bytes -5-9/10", &a, &b, &t), -1, "a sign refused");
	is_int(http_content_range("bytes 0-9/10 junk", &a, &b, &t), -1, "trailing junk refused");
	is_int(http_content_range("items 0-9/10", &a, &b, &t), -1, "another unit refused");
	is_int(http_content_range("bytes 0-99999999999999999999/*", &a, &b, &t), -1,
	    "an overflowing position refused");
	ok(a == -1 && b == -1 && t == -1, "a refused value leaves -1 everywhere");
	is_int(http_content_range(NULL, &a, &b, &t), -1, "no value");
	ok(http_upload_range("0-1048575", &n) == 0 && n == 1048576, "upload Range 0-N: N+1 bytes held");
	ok(http_upload_range("bytes=0-9", &n) == 0 && n == 10, "bytes=0-N as well");
	ok(http_upload_range("0-0", &n) == 0 && n == 0, "0-0 (empty or one byte): start over");
	is_int(http_upload_range("5-9", &n), -1, "a range not from 0 refused");
	is_int(http_upload_range("0-", &n), -1, "no end refused");
	is_int(http_upload_range("0-9223372036854775807", &n), -1, "an end with no successor refused");
	ok(n == -1, "...leaving -1");

	memset(&r, 0, sizeof r);
	http_resp_reset(&r);
	ok(r.range_first == -1 && r.upload_stored == -1 && !r.range_bad, "none yet");
	line(&r, "HTTP/1.1 206 Partial Content\r\n");
	line(&r, "Content-Range: bytes 7-9/10\r\n");
	line(&r, "Range: 0-6\r\n");
	ok(r.range_first == 7 && r.range_last == 9 && r.range_total == 10 && !r.range_bad,
	    "the header sink reads Content-Range");
	is_int(r.upload_stored, 7, "and an upload's Range");
	line(&r, "Content-Range: bytes 9-7/10\r\n");
	ok(r.range_bad && r.range_first == -1, "a bad Content-Range is flagged");
	line(&r, "HTTP/1.1 200 OK\r\n");
	ok(!r.range_bad && r.range_first == -1 && r.upload_stored == -1,
	    "a new status line forgets them");
	http_resp_free(&r);
}

int
main(void)
{
	test_headers();
	test_bounds();
	test_urls();
	test_ranges();
	return tap_done();
}
