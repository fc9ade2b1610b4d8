/*
 * WWW-Authenticate values (core/registry/httpparse.c http_auth_parse): several challenges,
 * quoted strings, escapes; every value must land NUL-terminated.
 */
#include "config.h"

#include "httpparse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_challenge	 ch[AUTH_MAX_CHALLENGES];
	char			*s = fuzz_str(data, size);
	size_t			 n, i;

	n = http_auth_parse(s, ch, AUTH_MAX_CHALLENGES);
	if (n > AUTH_MAX_CHALLENGES)
		abort();
	for (i = 0; i < n; i++)
		if (strlen(ch[i].scheme) >= sizeof ch[i].scheme ||
		    strlen(ch[i].realm) >= sizeof ch[i].realm ||
		    strlen(ch[i].scope) >= sizeof ch[i].scope)
			abort();
	free(s);
	return 0;
}
