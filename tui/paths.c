/* Where the program keeps its files: XDG config and state, the binary's dir. */
#include "config.h"

#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"

static int
xdg_path(char *buf, size_t n, const char *var, const char *fallback,
    const char *rel)
{
	struct tm_err	err;
	char		dir[PATH_MAX];
	int		len;

	if (tm_xdg_dir(var, fallback, dir, sizeof dir, &err) == -1)
		return -1;
	len = snprintf(buf, n, "%s/%s", dir, rel);
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
	struct tm_err	 err;
	char		 dir[PATH_MAX], *p;

	if (strlen(file) >= sizeof dir)
		return -1;
	memcpy(dir, file, strlen(file) + 1);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	return tm_mkdir_p(dir, (mode_t)mode, &err);
}
