/*
 * Rate-limit headers (http_ratelimit): Docker Hub's "N;w=SECONDS".
 */
#include "config.h"

#include "fuzz.h"
#include "httpparse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_str(data, size);
	long	 remaining, window;

	(void)http_ratelimit(s, &remaining, &window);
	free(s);
	return 0;
}
