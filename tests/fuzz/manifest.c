/*
 * Manifests and indexes (core/manifest.c): the first byte picks the
 * Content-Type (none, one of the four we mirror, or a generic one), the
 * rest is the body.  An index is also filtered by platform, and what the
 * filter writes must parse again.
 */
#include "config.h"

#include "fuzz.h"
#include "manifest.h"

static const char *const types[] = {
	"", MT_OCI_INDEX, MT_OCI_MANIFEST, MT_DOCKER_LIST, MT_DOCKER_V2,
	"application/json", "text/plain",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mf_parsed	 p, q;
	struct tm_err		 err;
	const char		*mt;
	char			*out = NULL;
	size_t			 outlen;

	if (size < 1)
		return 0;
	mt = types[data[0] % (sizeof types / sizeof types[0])];
	if (mf_parse((const char *)data + 1, size - 1, mt, &p, &err) == 0 &&
	    p.kind == MF_INDEX &&
	    mf_filter_index((const char *)data + 1, size - 1,
	    "linux/amd64,arm64,linux/arm/v7", &out, &outlen, &err) > 0) {
		/* A filtered index is one we wrote: it must read back. */
		if (mf_parse(out, outlen, "", &q, &err) != 0)
			abort();
		mf_free(&q);
	}
	free(out);
	mf_free(&p);
	return 0;
}
