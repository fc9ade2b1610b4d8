/*
 * Errors as values: setting, category names and both formatter forms.
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "tap.h"

int
main(void)
{
	struct tm_err	err;
	char		buf[512];

	tm_err_clear(&err);
	is_int(tm_err_set(&err, TM_CAT_NOT_FOUND, "manifest %s unknown", "3.4.9"), -1,
	    "tm_err_set returns -1");
	is_str(err.msg, "manifest 3.4.9 unknown", "message formatted");
	is_str(tm_category_name(err.cat), "not_found", "category name");
	is_int(tm_category_from_name("server_error"), TM_CAT_SERVER_ERROR, "name round-trips");
	is_int(tm_category_from_name("bogus"), TM_CAT_NONE, "unknown name is NONE");

	err.side = TM_SIDE_SOURCE;
	err.http = 404;
	strcpy(err.code, "MANIFEST_UNKNOWN");
	strcpy(err.host, "registry-1.docker.io");
	strcpy(err.object, "manifest 3.4.9-alpine");
	err.attempts = 1;
	tm_err_format(&err, buf, sizeof buf);
	is_str(buf, "source registry-1.docker.io: manifest 3.4.9-alpine: HTTP 404 "
	    "MANIFEST_UNKNOWN: manifest 3.4.9 unknown", "one-line format");
	err.attempts = 3;
	tm_err_short(&err, buf, sizeof buf);
	is_str(buf, "HTTP 404 MANIFEST_UNKNOWN: manifest 3.4.9 unknown",
	    "short form: what the registry said, not who or how often");
	err.code[0] = '\0';
	tm_err_short(&err, buf, sizeof buf);
	is_str(buf, "HTTP 404: manifest 3.4.9 unknown", "short form without a code");
	tm_err_format(&err, buf, sizeof buf);
	is_str(buf, "source registry-1.docker.io: manifest 3.4.9-alpine: HTTP 404 "
	    "manifest 3.4.9 unknown (3 attempts)", "long form counts the attempts");
	tm_err_format(&err, buf, 20);
	is_int(strlen(buf), 19, "format truncates to the buffer");

	tm_sanitize(buf, sizeof buf, "a\x1b[2Jb\x07\xc2\x9b" "c\xff");
	is_str(buf, "a?[2Jb???c?", "escape, BEL, C1 and bad bytes replaced");
	tm_sanitize(buf, sizeof buf, "caf\xc3\xa9 \xe2\x9c\x93");
	is_str(buf, "caf\xc3\xa9 \xe2\x9c\x93", "valid UTF-8 kept");
	tm_sanitize(buf, 5, "caf\xc3\xa9");
	is_str(buf, "caf?", "a sequence that does not fit is not split");
	tm_err_set(&err, TM_CAT_PROTOCOL, "tag \x1b]0;owned\x07");
	ok(strchr(err.msg, 0x1b) == NULL && strchr(err.msg, 0x07) == NULL,
	    "tm_err_set sanitises its message");
	return tap_done();
}
