/*
 * Freeing an array of malloc'd strings: written once, so no list of names
 * grows a free function of its own.
 */
#include "config.h"

#include "strv.h"

#include <stdlib.h>

void
tm_strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}
