/*
 * mkdir -p and the XDG directories (state, config) in one place, for the
 * journal, the program's saved files and the demo.
 */
#include "config.h"

#include "fsutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
local_err(struct tm_err *err, const char *fmt, const char *path, int e)
{
	tm_err_clear(err);
	err->side = TM_SIDE_LOCAL;
	return tm_err_set(err, TM_CAT_IO, fmt, path, strerror(e));
}

int
tm_mkdir_p(const char *dir, mode_t mode, struct tm_err *err)
{
	char	 tmp[PATH_MAX];
	char	*p;

	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return local_err(err, "cannot create %s: %s", dir, ENAMETOOLONG);
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) == -1 && errno != EEXIST)
			return local_err(err, "cannot create %s: %s", tmp, errno);
		*p = '/';
	}
	if (mkdir(tmp, mode) == -1 && errno != EEXIST)
		return local_err(err, "cannot create %s: %s", tmp, errno);
	return 0;
}

int
tm_xdg_dir(const char *var, const char *fallback, char *buf, size_t n,
    struct tm_err *err)
{
	const char	*base;
	int		 w;

	if ((base = getenv(var)) != NULL && *base == '/')
		w = snprintf(buf, n, "%s/tagmirror", base);
	else if ((base = getenv("HOME")) != NULL && *base != '\0')
		w = snprintf(buf, n, "%s/%s/tagmirror", base, fallback);
	else
		w = -1;
	if (w < 0 || (size_t)w >= n) {
		tm_err_clear(err);
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_IO, w < 0 ? "no tagmirror directory: "
		    "set HOME or %s" : "%s: the tagmirror directory path is too "
		    "long", var);
	}
	return 0;
}

int
tm_state_dir(char *buf, size_t n, struct tm_err *err)
{
	return tm_xdg_dir("XDG_STATE_HOME", ".local/state", buf, n, err);
}
