/*
 * Client helpers that need no registry: Link pagination, same-origin
 * checks and request details.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "httpparse.h"
#include "upload.h"
#include "tap.h"

static void
link_is(const char *hdr, const char *want, const char *desc)
{
	char	*got = http_link_next(hdr);

	if (want == NULL) {
		ok(got == NULL, "%s", desc);
		if (got != NULL)
			printf("#   got '%s'\n", got);
	} else
		is_str(got, want, "%s", desc);
	free(got);
}

static void
resolve_is(const char *base, const char *ref, const char *want, const char *desc)
{
	char	*got = http_resolve(base, ref);

	if (want == NULL)
		ok(got == NULL, "%s", desc);
	else
		is_str(got, want, "%s", desc);
	free(got);
}

int
main(void)
{
	char		 code[32], msg[64], big[8192], *s;
	const char	*body;
	long		 rem, win;
	time_t		 date = 784111777;	/* Sun, 06 Nov 1994 08:49:37 GMT */
	int		 i;

	/* Link */
	link_is("</v2/a/tags/list?last=b&n=1000>; rel=\"next\"",
	    "/v2/a/tags/list?last=b&n=1000", "distribution's Link");
	link_is("<https://r/v2/a/tags/list?last=b>; rel=next",
	    "https://r/v2/a/tags/list?last=b", "absolute URL, unquoted rel");
	link_is("</p>; rel=\"prev\", </n>; rel=\"next\"", "/n", "next after prev");
	link_is("</n>; rel=\"next\", </p>; rel=\"prev\"", "/n", "next before prev");
	link_is("</x>; rel=\"last next\"", "/x", "rel with several types");
	link_is("</x>; title=\"a, b; rel=next\"; rel=\"prev\"", NULL,
	    "rel=next inside a quoted title is not a rel");
	link_is("</a,b>; REL=\"NEXT\"", "/a,b", "comma inside <>, upper-case rel");
	link_is("</p>; rel=\"prev\"", NULL, "no next link");
	link_is("no brackets; rel=next", NULL, "not a link");
	link_is("</unterminated; rel=next", NULL, "unterminated <");
	link_is("", NULL, "empty value");
	link_is(NULL, NULL, "no header");

	/* Retry-After */
	ok(http_retry_after("120", date) == 120, "delta seconds");
	ok(http_retry_after(" 5 ", date) == 5, "delta seconds with spaces");
	ok(http_retry_after("0", date) == 0, "zero");
	ok(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date - 30) == 30,
	    "IMF-fixdate");
	ok(http_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", date - 30) == 30,
	    "RFC 850 date");
	ok(http_retry_after("Sun Nov  6 08:49:37 1994", date - 30) == 30,
	    "asctime date");
	ok(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date + 100) == 0,
	    "a date in the past means now");
	ok(http_retry_after("soon", date) < 0, "garbage word");
	ok(http_retry_after("", date) < 0, "empty");
	ok(http_retry_after("12abc", date) < 0, "digits with trailing garbage");
	ok(http_retry_after("99999999999999999999999", date) == 100000000,
	    "huge number is capped (the caller caps further)");
	ok(http_retry_after(NULL, date) < 0, "no header");

	/* ratelimit-remaining */
	ok(http_ratelimit("76;w=21600", &rem, &win) == 0 && rem == 76 && win == 21600,
	    "N;w=SECONDS");
	ok(http_ratelimit("100", &rem, &win) == 0 && rem == 100 && win == -1,
	    "N alone");
	ok(http_ratelimit("abc", &rem, &win) == -1 && rem == -1, "garbage");
	ok(http_ratelimit("5;w=x", &rem, &win) == 0 && rem == 5 && win == -1,
	    "bad window");

	/* Error bodies, friendly and hostile */
	body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":"
	    "\"manifest unknown\",\"detail\":{\"Tag\":\"x\"}}]}";
	ok(http_error_body(body, strlen(body), code, sizeof code, msg, sizeof msg) == 1,
	    "distribution error body");
	is_str(code, "MANIFEST_UNKNOWN", "code");
	is_str(msg, "manifest unknown", "message");
	body = "{\"errors\":[{\"code\":\"X\\u001b[2J\",\"message\":\"a\\u001b]0;pwn\\u0007b\"}]}";
	http_error_body(body, strlen(body), code, sizeof code, msg, sizeof msg);
	is_str(code, "X??2J", "escape sequence defused in the code");
	ok(strchr(code, 0x1b) == NULL, "no ESC in code");
	ok(strchr(msg, 0x1b) == NULL && strchr(msg, 0x07) == NULL,
	    "no ESC or BEL in message");
	body = "{\"errors\":[{\"code\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}";
	http_error_body(body, strlen(body), code, sizeof code, msg, sizeof msg);
	is_int(strlen(code), sizeof code - 1, "long code truncated");
	ok(http_error_body("<html>502 Bad Gateway</html>", 28, code, sizeof code,
	    msg, sizeof msg) == 0 && code[0] == '\0' && msg[0] == '\0',
	    "HTML is not an error body");
	ok(http_error_body("{\"errors\":\"nope\"}", 17, code, sizeof code, msg,
	    sizeof msg) == 0, "errors that is not a list");
	ok(http_error_body("{\"errors\":[]}", 13, code, sizeof code, msg,
	    sizeof msg) == 0, "empty errors list");
	ok(http_error_body("{\"errors\":[{\"code\":42,\"message\":[1]}]}", 38, code,
	    sizeof code, msg, sizeof msg) == 0, "wrong types ignored");
	ok(http_error_body("{\"details\":\"incorrect username or password\"}", 44,
	    code, sizeof code, msg, sizeof msg) == 1 && code[0] == '\0',
	    "Hub token server's details");
	is_str(msg, "incorrect username or password", "details as message");
	for (i = 0; i < 4000; i++)
		big[i] = '[';
	for (; i < 8000; i++)
		big[i] = ']';
	ok(http_error_body(big, 8000, code, sizeof code, msg, sizeof msg) == 0,
	    "deeply nested JSON refused without a crash");
	memset(big, 'x', sizeof big);
	memcpy(big, "{\"message\":\"", 12);
	memcpy(big + 8000, "\"}", 2);
	ok(http_error_body(big, 8002, code, sizeof code, msg, sizeof msg) == 1 &&
	    strlen(msg) == sizeof msg - 1, "long message truncated to the buffer");
	ok(http_error_body("{\"errors\":[{\"code\":\"A\"}", 23, code, sizeof code,
	    msg, sizeof msg) == 0, "truncated JSON");
	ok(http_error_body("{\"message\":\"a\\u0000b\"}", 22, code, sizeof code,
	    msg, sizeof msg) == 1 && strcmp(msg, "a") == 0, "NUL inside a string stops it");

	/* URLs */
	resolve_is("https://r:5000/v2/a/tags/list?n=1000", "/v2/a/tags/list?last=x",
	    "https://r:5000/v2/a/tags/list?last=x", "absolute path");
	resolve_is("https://r/v2/a/blobs/uploads/", "u1?_state=abc",
	    "https://r/v2/a/blobs/uploads/u1?_state=abc", "relative path");
	resolve_is("https://r/v2/x", "https://s3.example/b?sig=1",
	    "https://s3.example/b?sig=1", "absolute URL elsewhere");
	resolve_is("https://r/v2/x", "//cdn.example/b", "https://cdn.example/b",
	    "scheme-relative URL");
	resolve_is("https://r/v2/x", "file:///etc/passwd", NULL, "file: refused");
	resolve_is("https://r/v2/x", "gopher://h/", NULL, "other schemes refused");
	resolve_is("https://r/v2/x", "/a b", "https://r/a%20b",
	    "a space in a relative location is encoded");
	resolve_is("https://r/v2/x", "https://h/a\r\nX: y", NULL,
	    "CR LF in a location refused");
	ok(http_same_origin("https://r/v2/", "https://R:443/other"),
	    "default port and host case: same origin");
	ok(!http_same_origin("http://r/v2/", "https://r/v2/"), "scheme differs");
	ok(!http_same_origin("https://r:5000/", "https://r:5001/"), "port differs");
	ok(!http_same_origin("https://localhost:5000/", "https://127.0.0.1:5000/"),
	    "different host names are different origins");
	ok(http_same_origin("http://127.0.0.1:5000/v2/a/tags/list?n=1",
	    "http://127.0.0.1:5000/"), "spelled alike: same origin");
	ok(!http_same_origin("https://r@evil.example/v2/", "https://r/"),
	    "userinfo before another host: not the same origin");
	ok(!http_same_origin("https://r.evil.example/v2/", "https://r/"),
	    "a longer host sharing a prefix: not the same origin");
	ok(!http_same_origin("ftp://r/", "ftp://r/"), "not http: never an origin of ours");
	s = reg_upload_put_url("https://r/v2/a/blobs/uploads/u?_state=x", "sha256:ab");
	is_str(s, "https://r/v2/a/blobs/uploads/u?_state=x&digest=sha256:ab",
	    "digest appended to an existing query");
	free(s);
	s = reg_upload_put_url("https://r/v2/a/blobs/uploads/u", "sha256:ab");
	is_str(s, "https://r/v2/a/blobs/uploads/u?digest=sha256:ab", "digest as the query");
	free(s);
	return tap_done();
}
