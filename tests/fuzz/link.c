/*
 * Link headers (http_link_next): the rel="next" target of a tags page.
 */
#include "config.h"

#include "fuzz.h"
#include "httpparse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_str(data, size);

	free(http_link_next(s));
	free(s);
	return 0;
}
