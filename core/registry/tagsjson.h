/*
 * One tags/list page ({"name": ..., "tags": [...]}) read in a single pass,
 * without a tree: a registry may list 100,000 names, and a cJSON tree of
 * them costs more than receiving them.  The grammar accepted is exactly
 * cJSON's (whitespace is any byte <= 32, a leading UTF-8 BOM, numbers as
 * strtod reads them, nesting up to 1000), so a page either parser accepts
 * the other accepts too, with the same names; tests/unit/tagsjson_test.c
 * checks that against cJSON itself.
 */
#ifndef TM_TAGSJSON_H
#define TM_TAGSJSON_H

#include <stddef.h>

/*
 * Parse body (len bytes; modified: strings are decoded in place).  On
 * success *names is a malloc'd array of pointers into body: the elements
 * of "tags" that are strings and valid tag names, in order; *nnames of
 * them; *count is the number of elements (the others are rejected).  A
 * missing or null "tags" is an empty list; the first "tags" key counts.
 * Returns 0, -1 when the page is not a JSON object with a tags list, or
 * -2 when out of memory.
 */
int	tags_json_parse(char *body, size_t len, const char ***names,
	    size_t *nnames, size_t *count);

#endif
