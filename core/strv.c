/*
 * Freeing an array of malloc'd strings: written once, so no list of names
 * grows a free function of its own.  The check of "ITEM[,ITEM...]" lives
 * here too, so the option and the set file refuse the same lists.
 */
#include "config.h"

#include "strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
tm_strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

int
tm_list_check(const char *s, char *bad, size_t badsz)
{
	size_t	k;

	do {
		k = strcspn(s, ",");
		if (k == 0 || k >= TM_LIST_ITEM_MAX || strcspn(s, " \t") < k) {
			if (badsz > 0)
				snprintf(bad, badsz, "%.*s", (int)k, s);
			return -1;
		}
		s += k;
	} while (*s++ == ',');
	return 0;
}
