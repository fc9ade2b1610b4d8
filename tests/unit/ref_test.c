/*
 * Image references as docker and skopeo take them: hosts, Docker Hub's
 * library/ names, tags, digests and what is refused.
 */
#include "config.h"

#include <string.h>

#include "ref.h"
#include "tap.h"

#define D64	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DIGEST	"sha256:" D64

/* Parse s and compare every field with the expected values. */
static void
good(const char *s, const char *host, const char *api, const char *repo,
    const char *tag, const char *digest)
{
	struct tm_ref	r;
	struct tm_err	err;
	int		rc;

	tm_err_clear(&err);
	rc = tm_ref_parse(s, &r, &err);
	ok(rc == 0, "parse '%s'", s);
	if (rc != 0) {
		printf("#   error: %s\n", err.msg);
		return;
	}
	is_str(r.host, host, "  host of '%s'", s);
	is_str(r.api_host, api, "  api_host of '%s'", s);
	is_str(r.repo, repo, "  repo of '%s'", s);
	is_str(r.tag, tag, "  tag of '%s'", s);
	is_str(r.digest, digest, "  digest of '%s'", s);
}

/* s must fail as a usage error whose message contains every needle. */
static void
bad(const char *s, const char *needle, const char *needle2)
{
	struct tm_ref	r;
	struct tm_err	err;
	int		rc;

	tm_err_clear(&err);
	rc = tm_ref_parse(s, &r, &err);
	ok(rc == -1 && err.cat == TM_CAT_USAGE, "reject '%.60s'", s);
	ok(strstr(err.msg, needle) != NULL && (needle2 == NULL ||
	    strstr(err.msg, needle2) != NULL), "  message names the culprit");
	ok(strchr(err.msg, '\n') == NULL, "  message is one line");
	printf("#   %s\n", err.msg);
}

static void
roundtrip(const char *s, const char *want)
{
	struct tm_ref	r, r2;
	struct tm_err	err;
	char		buf[600];

	ok(tm_ref_parse(s, &r, &err) == 0, "parse '%s' for format", s);
	tm_ref_format(&r, buf, sizeof buf);
	is_str(buf, want, "  format '%s'", s);
	ok(tm_ref_parse(buf, &r2, &err) == 0 && memcmp(&r, &r2, sizeof r) == 0,
	    "  formatted form parses back to the same reference");
}

int
main(void)
{
	char	long_name[400], long_tag[200];
	char	buf[16];

	/* Docker Hub in all its spellings. */
	good("python", "docker.io", "registry-1.docker.io", "library/python", "", "");
	good("python:3.12-slim", "docker.io", "registry-1.docker.io", "library/python",
	    "3.12-slim", "");
	good("docker.io/library/python", "docker.io", "registry-1.docker.io",
	    "library/python", "", "");
	good("docker.io/python", "docker.io", "registry-1.docker.io", "library/python", "", "");
	good("index.docker.io/x", "docker.io", "registry-1.docker.io", "library/x", "", "");
	good("registry-1.docker.io/x", "docker.io", "registry-1.docker.io", "library/x", "", "");
	good("bitnami/redis:7.2", "docker.io", "registry-1.docker.io", "bitnami/redis",
	    "7.2", "");
	/* Other registries. */
	good("quay.io/org/app", "quay.io", "quay.io", "org/app", "", "");
	good("quay.io/org/app:v1.0", "quay.io", "quay.io", "org/app", "v1.0", "");
	good("localhost:5000/a/b/c", "localhost:5000", "localhost:5000", "a/b/c", "", "");
	good("localhost/x", "localhost", "localhost", "x", "", "");
	/* skopeo's transport prefix, as skopeo writes it. */
	good("docker://localhost:5000/a/b:1", "localhost:5000", "localhost:5000",
	    "a/b", "1", "");
	good("docker://python", "docker.io", "registry-1.docker.io",
	    "library/python", "", "");
	bad("oci://x/y", "only docker://", "oci");
	bad("docker://", "empty", NULL);
	good("127.0.0.1:5000/x", "127.0.0.1:5000", "127.0.0.1:5000", "x", "", "");
	good("[::1]:5000/x", "[::1]:5000", "[::1]:5000", "x", "", "");
	good("[::1]/x:t", "[::1]", "[::1]", "x", "t", "");
	good("[fe80::1]:443/a/b", "[fe80::1]:443", "[fe80::1]:443", "a/b", "", "");
	good("localhost:5000/x:5000", "localhost:5000", "localhost:5000", "x", "5000", "");
	good("my-host.example.com:443/a_b/c__d/e--f/g.h", "my-host.example.com:443",
	    "my-host.example.com:443", "a_b/c__d/e--f/g.h", "", "");
	good("Quay.IO/org/app", "Quay.IO", "Quay.IO", "org/app", "", "");
	/* Digests, alone and with a tag (the digest wins but the tag is kept). */
	good("python@" DIGEST, "docker.io", "registry-1.docker.io", "library/python", "",
	    DIGEST);
	good("quay.io/o/a:1.0@" DIGEST, "quay.io", "quay.io", "o/a", "1.0", DIGEST);
	good("localhost:5000/x@" DIGEST, "localhost:5000", "localhost:5000", "x", "", DIGEST);

	/* Errors, each naming its culprit. */
	bad("", "empty", NULL);
	bad("Python", "repository name must be lowercase: 'Python'", NULL);
	bad("quay.io/Org/app", "lowercase: 'Org'", NULL);
	bad("quay.io/org/", "trailing slash", "quay.io/org/");
	bad("quay.io/", "missing repository", "quay.io/");
	bad("quay.io/a//b", "empty path component", "quay.io/a//b");
	bad("localhost:99999/x", "invalid port '99999'", NULL);
	bad("localhost:0/x", "invalid port '0'", NULL);
	bad("localhost:/x", "invalid port ''", NULL);
	bad("localhost:abc/x", "invalid port 'abc'", NULL);
	bad("[::1]:x/y", "invalid port 'x'", NULL);
	bad("[::1/y", "invalid registry host '[::1'", NULL);
	bad("[zz]/y", "invalid registry host '[zz]'", NULL);
	bad("bad_host.io/x", "invalid registry host 'bad_host.io'", NULL);
	bad("-bad.io/x", "invalid registry host '-bad.io'", NULL);
	bad("python:", "empty tag", "python:");
	bad("python:-x", "invalid tag '-x'", NULL);
	bad("python:.x", "invalid tag '.x'", NULL);
	bad("python:a+b", "invalid tag 'a+b'", NULL);
	bad("python@sha256:abc", "invalid digest 'sha256:abc'", NULL);
	bad("python@sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	    "invalid digest", "ABCDEF");
	bad("python@md5:" D64, "invalid digest 'md5:", NULL);
	bad("python@", "invalid digest ''", NULL);
	bad("python:1@sha256:x", "invalid digest 'sha256:x'", NULL);
	bad("quay.io/a..b", "invalid repository path component 'a..b'", NULL);
	bad("quay.io/a___b", "'a___b'", NULL);
	bad("quay.io/-a", "'-a'", NULL);
	bad("quay.io/a-", "'a-'", NULL);
	bad("quay.io/a b", "'a b'", NULL);
	bad("quay.io/a\x1b[2j", "invalid repository path component", "?[2j");
	bad("/x", "empty path component", NULL);
	bad(":tag", "missing repository", NULL);
	bad("quay.io", "'quay.io' names a registry host", NULL);
	bad("localhost:5000", "'localhost:5000' names a registry host", NULL);
	bad("[::1]:5000", "'[::1]:5000' names a registry host", NULL);

	memcpy(long_tag, "python:", 7);
	memset(long_tag + 7, 'a', 129);
	long_tag[7 + 129] = '\0';
	bad(long_tag, "tag too long", NULL);
	memset(long_tag + 7, 'b', 128);
	long_tag[7 + 128] = '\0';
	good(long_tag, "docker.io", "registry-1.docker.io", "library/python", long_tag + 7, "");

	/* 255 characters for "host/repo" is the limit; 256 is over it. */
	memcpy(long_name, "quay.io/", 8);
	memset(long_name + 8, 'a', 247);
	long_name[255] = '\0';
	good(long_name, "quay.io", "quay.io", long_name + 8, "", "");
	memset(long_name + 8, 'a', 248);
	long_name[256] = '\0';
	bad(long_name, "longer than 255", NULL);

	/* Tags. */
	ok(tm_tag_valid("latest"), "tag 'latest'");
	ok(tm_tag_valid("_x"), "tag may start with _");
	ok(tm_tag_valid("3.4.9-alpine_x"), "tag with . - _");
	ok(!tm_tag_valid(""), "empty tag");
	ok(!tm_tag_valid(NULL), "NULL tag");
	ok(!tm_tag_valid(".x") && !tm_tag_valid("-x"), "tag may not start with . or -");
	ok(!tm_tag_valid("a/b") && !tm_tag_valid("a:b") && !tm_tag_valid("a b"),
	    "tag with / : or space");
	memset(long_tag, 'a', 128);
	long_tag[128] = '\0';
	ok(tm_tag_valid(long_tag), "128-character tag");
	long_tag[128] = 'a';
	long_tag[129] = '\0';
	ok(!tm_tag_valid(long_tag), "129-character tag");

	/* Digests. */
	ok(tm_digest_valid(DIGEST), "valid digest");
	ok(!tm_digest_valid("sha256:" D64 "0"), "digest too long");
	ok(!tm_digest_valid("sha256:" "0123456789abcdef"), "digest too short");
	ok(!tm_digest_valid("sha512:" D64), "other algorithm");
	ok(!tm_digest_valid("sha256:" "g123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef"), "non-hex digit");
	ok(!tm_digest_valid(NULL), "NULL digest");

	/* Loopback. */
	ok(tm_host_is_loopback("localhost"), "localhost");
	ok(tm_host_is_loopback("LocalHost:5000"), "localhost:5000");
	ok(tm_host_is_loopback("127.0.0.1"), "127.0.0.1");
	ok(tm_host_is_loopback("127.9.8.7:443"), "127.9.8.7:443");
	ok(tm_host_is_loopback("::1"), "::1");
	ok(tm_host_is_loopback("[::1]"), "[::1]");
	ok(tm_host_is_loopback("[::1]:5000"), "[::1]:5000");
	ok(tm_host_is_loopback("[::ffff:127.0.0.1]:80"), "v4-mapped loopback");
	ok(!tm_host_is_loopback("128.0.0.1"), "128.0.0.1 is not");
	ok(!tm_host_is_loopback("10.0.0.1:5000"), "10.0.0.1 is not");
	ok(!tm_host_is_loopback("localhost.evil.com"), "localhost.evil.com is not");
	ok(!tm_host_is_loopback("127.0.0.1.nip.io"), "127.0.0.1.nip.io is not");
	ok(!tm_host_is_loopback("[::2]:5000"), "::2 is not");
	ok(!tm_host_is_loopback("localhost:abc"), "bad port is not");
	ok(!tm_host_is_loopback("[::1]x"), "junk after ] is not");
	ok(!tm_host_is_loopback("") && !tm_host_is_loopback(NULL), "empty and NULL");
	ok(!tm_host_is_loopback("quay.io"), "quay.io is not");

	/* Formatting. */
	roundtrip("python", "docker.io/library/python");
	roundtrip("quay.io/org/app:v1", "quay.io/org/app:v1");
	roundtrip("localhost:5000/a@" DIGEST, "localhost:5000/a@" DIGEST);
	roundtrip("[::1]:5000/a:t@" DIGEST, "[::1]:5000/a:t@" DIGEST);
	{
		struct tm_ref	r;
		struct tm_err	err;

		tm_ref_parse("quay.io/org/app:v1", &r, &err);
		tm_ref_format(&r, buf, sizeof buf);
		is_str(buf, "quay.io/org/app", "format truncates to the buffer");
	}
	return tap_done();
}
