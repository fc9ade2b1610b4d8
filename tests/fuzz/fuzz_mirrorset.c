/*
 * Mirror set files (core/mirrorset.c): the same bytes read as
 * tagmirror's schema and as skopeo sync's; whatever loads must expand
 * its destinations, match its namespaces and shard without trouble.
 */
#include "config.h"

#include "fuzz.h"
#include "mirrorset.h"

static void
use(struct mirrorset *s)
{
	const struct ms_mirror	*m;
	struct tm_err		 err;
	char			 buf[600];
	size_t			 i;

	for (i = 0; i < mirrorset_count(s); i++) {
		m = mirrorset_get(s, i);
		(void)mirrorset_dest(s, m, "h.io", "ns/name", buf, sizeof buf, &err);
		if (m->ns != NULL)
			(void)mirrorset_ns_match(m, "ns/name");
		if (mirrorset_shard(m, 7) >= 7)
			abort();
	}
	mirrorset_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mirrorset	*s;
	struct tm_err		 err;

	if ((s = mirrorset_parse((const char *)data, size, "fuzz", NULL,
	    &err)) != NULL)
		use(s);
	if ((s = mirrorset_parse((const char *)data, size, "fuzz", "d.io/m",
	    &err)) != NULL)
		use(s);
	return 0;
}
