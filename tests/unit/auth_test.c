/*
 * WWW-Authenticate parsing (http_auth_parse): Docker Hub's and other
 * registries' challenges, quoting, escapes, bounds.
 */
#include "config.h"

#include <string.h>

#include "httpparse.h"
#include "tap.h"

int
main(void)
{
	struct auth_challenge	ch[AUTH_MAX_CHALLENGES];
	char			long_hdr[4096];
	size_t			n;

	n = http_auth_parse("Bearer realm=\"https://auth.docker.io/token\","
	    "service=\"registry.docker.io\",scope=\"repository:library/python:pull\"",
	    ch, AUTH_MAX_CHALLENGES);
	is_int(n, 1, "Docker Hub challenge: one");
	is_str(ch[0].scheme, "bearer", "scheme lower-cased");
	is_str(ch[0].realm, "https://auth.docker.io/token", "realm");
	is_str(ch[0].service, "registry.docker.io", "service");
	is_str(ch[0].scope, "repository:library/python:pull", "scope");

	n = http_auth_parse("Bearer realm=\"https://r/t\",scope=\"repository:a/b:pull,push\","
	    "service=\"s\"", ch, AUTH_MAX_CHALLENGES);
	is_int(n, 1, "a comma inside quotes does not split the challenge");
	is_str(ch[0].scope, "repository:a/b:pull,push", "quoted comma kept in scope");
	is_str(ch[0].service, "s", "parameter after the quoted comma");

	n = http_auth_parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://x/token\","
	    "service=\"x\"", ch, AUTH_MAX_CHALLENGES);
	is_int(n, 2, "two challenges in one header");
	is_str(ch[0].scheme, "basic", "first is basic");
	is_str(ch[0].realm, "Registry Realm", "basic realm with a space");
	is_str(ch[1].scheme, "bearer", "second is bearer");
	is_str(ch[1].realm, "https://x/token", "bearer realm");
	is_str(ch[1].service, "x", "bearer service");

	n = http_auth_parse("bearer realm=https://r/t,service=svc", ch, AUTH_MAX_CHALLENGES);
	is_int(n, 1, "lower-case scheme, unquoted values");
	is_str(ch[0].realm, "https://r/t", "unquoted realm");
	is_str(ch[0].service, "svc", "unquoted service");

	n = http_auth_parse("BEARER  realm = \"r\" ,  service = \"s\"  ", ch, AUTH_MAX_CHALLENGES);
	is_int(n, 1, "spaces around = and commas");
	is_str(ch[0].scheme, "bearer", "upper-case scheme lower-cased");
	is_str(ch[0].realm, "r", "realm with spaces around =");
	is_str(ch[0].service, "s", "service with spaces around =");

	n = http_auth_parse("Bearer realm=\"a\\\"b\\\\c\",error=\"invalid_token\"", ch,
	    AUTH_MAX_CHALLENGES);
	is_str(ch[0].realm, "a\"b\\c", "backslash escapes in a quoted string");
	is_str(ch[0].error, "invalid_token", "error parameter");

	n = http_auth_parse("Bearer", ch, AUTH_MAX_CHALLENGES);
	is_int(n, 1, "a bare scheme is a challenge");
	is_str(ch[0].realm, "", "missing realm is empty");
	is_str(ch[0].service, "", "missing service is empty");

	n = http_auth_parse("Bearer service=\"s\"", ch, AUTH_MAX_CHALLENGES);
	is_str(ch[0].realm, "", "realm missing, service present");

	is_int(http_auth_parse("", ch, AUTH_MAX_CHALLENGES), 0, "empty header");
	is_int(http_auth_parse(NULL, ch, AUTH_MAX_CHALLENGES), 0, "no header");
	is_int(http_auth_parse("realm=\"x\", service=\"y\"", ch, AUTH_MAX_CHALLENGES), 0,
	    "parameters without a scheme are no challenge");
	n = http_auth_parse(",,, = ,\"", ch, AUTH_MAX_CHALLENGES);
	ok(n <= AUTH_MAX_CHALLENGES, "punctuation soup parses without harm (%zu)", n);
	n = http_auth_parse("Bearer realm=\"unterminated", ch, AUTH_MAX_CHALLENGES);
	is_str(ch[0].realm, "unterminated", "unterminated quote ends at the end");

	n = http_auth_parse("A, B, C, D, E, F", ch, AUTH_MAX_CHALLENGES);
	is_int(n, AUTH_MAX_CHALLENGES, "challenges beyond the maximum are dropped");

	memset(long_hdr, 0, sizeof long_hdr);
	strcpy(long_hdr, "Bearer realm=\"");
	memset(long_hdr + strlen(long_hdr), 'a', 2000);
	strcat(long_hdr, "\",service=\"s\"");
	n = http_auth_parse(long_hdr, ch, AUTH_MAX_CHALLENGES);
	is_int(n, 1, "over-long realm: still one challenge");
	ok(ch[0].truncated, "over-long realm marks the challenge unusable");

	n = http_auth_parse("Negotiate YIIB5gYGKwYBBQUCoIIB2jCCAdagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCqKCAaAEggGcTlRMTVNTUAADAAAAGAAYAHgAAAA==, "
	    "Bearer realm=\"https://t\"", ch, AUTH_MAX_CHALLENGES);
	is_str(ch[n - 1].scheme, "bearer", "token68 before a bearer challenge");
	is_str(ch[n - 1].realm, "https://t", "bearer realm after token68");
	return tap_done();
}
