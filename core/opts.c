#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mirror.h"
#include "registry.h"

void
reg_opts_init(struct reg_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tls_verify = 1;
}

void
mirror_opts_init(struct mirror_opts *o)
{
	const char	*env = getenv("REPO_MIRROR_ROLLBACK");

	memset(o, 0, sizeof *o);
	reg_opts_init(&o->src_reg);
	reg_opts_init(&o->dst_reg);
	o->src_reg.side = TM_SIDE_SOURCE;
	o->dst_reg.side = TM_SIDE_DEST;
	o->jobs = 8;
	o->retries = 2;
	/* Quay's config key, read the way Quay reads it. */
	o->rollback = env != NULL && (strcmp(env, "true") == 0 ||
	    strcmp(env, "True") == 0 || strcmp(env, "1") == 0);
}
