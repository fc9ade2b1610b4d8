/*
 * Tag expressions (core/tagexpr.c): the first line is the expression,
 * each further line a tag.  Compiles it (regexes go through the size
 * budget to regcomp), matches every tag, applies it to them all, and
 * matches the first line as a raw glob too.  Must never crash, leak or
 * take long: the TUI compiles on every key.
 */
#include "config.h"

#include "fuzz.h"
#include "tagexpr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tagexpr_result	 r;
	struct tagexpr		*e;
	struct tm_err		 err;
	const char		*tags[64];
	char			*s = fuzz_str(data, size), *p, *nl;
	size_t			 n = 0, i;

	for (p = s; n < 64 && (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (p != s)
			tags[n++] = p;
	}
	if (p != s && n < 64)
		tags[n++] = p;
	if ((e = tagexpr_compile(s, &err)) != NULL) {
		for (i = 0; i < n; i++)
			(void)tagexpr_match(e, tags[i]);
		if (tagexpr_apply(e, tags, n, &r, &err) == 0)
			tagexpr_result_free(&r);
		tagexpr_free(e);
	}
	for (i = 0; i < n; i++)
		(void)tm_fnmatch(s, tags[i]);
	for (i = 1; i < n; i++)
		(void)tm_natcmp(tags[i - 1], tags[i]);
	free(s);
	return 0;
}
