#include "config.h"

#include <string.h>

#include "registry.h"

void
reg_opts_init(struct reg_opts *o)
{
	memset(o, 0, sizeof *o);
	o->tls_verify = 1;
}
