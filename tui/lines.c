/* One line reader for saved settings, scripts and tag lists. */
#include "config.h"

#include "lines.h"

#include <stdlib.h>
#include <string.h>

int
lines_each(FILE *f, int (*fn)(void *ud, char *line), void *ud)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		rc = fn(ud, line);
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return rc;
}
