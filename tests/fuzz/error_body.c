/*
 * Registry error answers (http_error_body): the JSON body of a 4xx/5xx,
 * read into a code and a message that must come out sanitised and
 * NUL-terminated.
 */
#include "config.h"

#include "fuzz.h"
#include "httpparse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	code[64], msg[256];

	if (http_error_body((const char *)data, size, code, sizeof code, msg,
	    sizeof msg) == 1 && (strlen(code) >= sizeof code ||
	    strlen(msg) >= sizeof msg))
		abort();
	return 0;
}
