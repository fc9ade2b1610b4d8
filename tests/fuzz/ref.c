/*
 * Image references (core/ref.c): parse, format back, and the validity
 * checks the rest of the program trusts; what parses must parse again
 * from its own formatting.
 */
#include "config.h"

#include "fuzz.h"
#include "ref.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tm_ref	 r, again;
	struct tm_err	 err;
	char		*s = fuzz_str(data, size), buf[1024];

	(void)tm_tag_valid(s);
	(void)tm_digest_valid(s);
	(void)tm_host_is_loopback(s);
	if (tm_ref_parse(s, &r, &err) == 0) {
		(void)tm_ref_is_docker_hub(&r);
		tm_ref_format(&r, buf, sizeof buf);
		if (tm_ref_parse(buf, &again, &err) != 0)
			abort();
	}
	free(s);
	return 0;
}
