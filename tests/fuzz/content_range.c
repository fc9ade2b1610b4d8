/*
 * Content-Range and an upload status's Range (http_content_range,
 * http_upload_range), as a registry or a proxy in between sends them:
 * what parses is a real span (first <= last, last < total when known),
 * what does not leaves -1 everywhere.
 */
#include "config.h"

#include "fuzz.h"
#include "httpparse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_str(data, size);
	int64_t	 a, b, t, n;

	if (http_content_range(s, &a, &b, &t) == 0) {
		if (a < 0 || b < a || (t != -1 && b >= t))
			abort();
	} else if (a != -1 || b != -1 || t != -1)
		abort();
	if (http_upload_range(s, &n) == 0 ? n < 0 : n != -1)
		abort();
	free(s);
	return 0;
}
