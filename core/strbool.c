/*
 * tm_parse_bool: the usual spellings of true and false, so that
 * REPO_MIRROR_ROLLBACK=yes and --dest-tls-verify=off mean what they say
 * instead of a silent false.
 */
#include "config.h"

#include "strbool.h"

#include <stddef.h>
#include <strings.h>

int
tm_parse_bool(const char *s, int *out)
{
	static const struct {
		const char	*word;
		int		 value;
	} words[] = {
		{ "true", 1 }, { "yes", 1 }, { "on", 1 }, { "1", 1 },
		{ "false", 0 }, { "no", 0 }, { "off", 0 }, { "0", 0 },
	};
	size_t	i;

	for (i = 0; s != NULL && i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i].word) == 0) {
			*out = words[i].value;
			return 0;
		}
	return -1;
}
