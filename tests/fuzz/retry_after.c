/*
 * Retry-After values (http_retry_after): delta-seconds or an HTTP-date,
 * at a fixed "now" so runs repeat; the wait is -1 or finite, never NaN.
 */
#include "config.h"

#include <math.h>

#include "fuzz.h"
#include "httpparse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_str(data, size);
	double	 w = http_retry_after(s, (time_t)1764590400);

	if (isnan(w) || isinf(w))
		abort();
	free(s);
	return 0;
}
