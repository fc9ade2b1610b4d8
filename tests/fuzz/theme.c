/*
 * Theme files (tui/theme.c theme_load by path): every problem is a
 * warning with the file and line, and loading goes on.
 */
#include "config.h"

#include "fuzz.h"
#include "theme.h"

static void
warned(void *ud, const char *msg)
{
	size_t	*n = ud;

	if (strlen(msg) == 0)
		abort();
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme	*t;
	size_t		 n = 0;

	if ((t = theme_load(fuzz_file("fuzz.theme", data, size), warned,
	    &n)) == NULL)
		abort();
	theme_free(t);
	return 0;
}
