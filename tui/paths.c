/* Where the program keeps its files: XDG config and state, the binary's dir. */
#include "config.h"

#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
xdg_path(char *buf, size_t n, const char *var, const char *fallback,
    const char *rel)
{
	const char	*base = getenv(var), *home = getenv("HOME");
	int		 len;

	if (base != NULL && base[0] == '/')
		len = snprintf(buf, n, "%s/tagmirror/%s", base, rel);
	else
		len = snprintf(buf, n, "%s/%s/tagmirror/%s",
		    home != NULL ? home : ".", fallback, rel);
	return (len < 0 || (size_t)len >= n) ? -1 : 0;
}

int
path_config(char *buf, size_t n, const char *rel)
{
	return xdg_path(buf, n, "XDG_CONFIG_HOME", ".config", rel);
}

int
path_state(char *buf, size_t n, const char *rel)
{
	return xdg_path(buf, n, "XDG_STATE_HOME", ".local/state", rel);
}

int
path_exe_dir(char *buf, size_t n)
{
	char	 exe[PATH_MAX];
	ssize_t	 len;
	char	*slash;

	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return -1;
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (strlen(exe) + 1 > n)
		return -1;
	memcpy(buf, exe, strlen(exe) + 1);
	return 0;
}

int
path_mkparent(const char *file, int mode)
{
	char	 dir[PATH_MAX], *p;

	if (strlen(file) >= sizeof dir)
		return -1;
	memcpy(dir, file, strlen(file) + 1);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char	c = *p;

			*p = '\0';
			if (mkdir(dir, (mode_t)mode) == -1 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}
