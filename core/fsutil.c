/*
 * mkdir -p and the XDG directories (state, config) in one place, for the
 * journal, the program's saved files and the demo; and the one way a file
 * a user named is written (temp + fsync + rename for regular files, in
 * place for devices and FIFOs, never replacing one).
 */
#include "config.h"

#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int
usage_err(struct tm_err *err, const char *fmt, const char *path,
    const char *why)
{
	tm_err_clear(err);
	err->side = TM_SIDE_LOCAL;
	return tm_err_set(err, TM_CAT_USAGE, fmt, path, why);
}

/*
 * What path really names: itself or a symlink's final target, into real
 * (PATH_MAX), with its stat (st_mode 0 for a new path).  A directory or a
 * dangling symlink is a usage error.
 */
static int
resolve(const char *path, char *real, struct stat *st, struct tm_err *err)
{
	if (lstat(path, st) == -1) {
		if (errno != ENOENT)
			return local_err(err, "cannot write %s: %s", path, errno);
		memset(st, 0, sizeof *st);
		if (snprintf(real, PATH_MAX, "%s", path) >= PATH_MAX)
			return local_err(err, "cannot write %s: %s", path,
			    ENAMETOOLONG);
		return 0;
	}
	if (!S_ISLNK(st->st_mode)) {
		if (snprintf(real, PATH_MAX, "%s", path) >= PATH_MAX)
			return local_err(err, "cannot write %s: %s", path,
			    ENAMETOOLONG);
	} else if (realpath(path, real) == NULL || stat(real, st) == -1)
		return usage_err(err, "cannot write %s: %s", path,
		    "a symlink to nothing that exists");
	if (S_ISDIR(st->st_mode))
		return usage_err(err, "cannot write %s: %s", path,
		    "it is a directory");
	return 0;
}

/* Devices, FIFOs and the kernel's own paths are written where they are. */
static int
in_place(const char *path, const struct stat *st)
{
	return (st->st_mode != 0 && !S_ISREG(st->st_mode)) ||
	    strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
}

/* The directory part of path into dir (PATH_MAX): "." when none. */
static void
dir_of(const char *path, char *dir)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
}

/* Run the writer on fd and close it; fsync first when asked. */
static int
write_fd(int fd, const char *path, tm_write_fn *fn, void *ctx, int sync,
    struct tm_err *err)
{
	FILE	*f;
	int	 rc = 0, e = 0;

	if ((f = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		return local_err(err, "cannot write %s: %s", path, e);
	}
	errno = 0;
	if (fn(f, ctx) == -1 || fflush(f) == EOF || ferror(f) ||
	    (sync && fsync(fileno(f)) == -1)) {
		e = errno != 0 ? errno : EIO;
		rc = -1;
	}
	if (fclose(f) == EOF && rc == 0) {
		e = errno;
		rc = -1;
	}
	return rc == 0 ? 0 : local_err(err, "cannot write %s: %s", path, e);
}

/* Temp file beside real, fsync'd, renamed over it; the directory synced. */
static int
write_replace(const char *real, const struct stat *st, tm_write_fn *fn,
    void *ctx, mode_t mode, struct tm_err *err)
{
	char		tmp[PATH_MAX], dir[PATH_MAX];
	unsigned	n;
	int		fd = -1, dfd;

	for (n = 0; fd == -1 && n < 100; n++) {
		if (snprintf(tmp, sizeof tmp, "%s.%ld-%u.tmp", real,
		    (long)getpid(), n) >= (int)sizeof tmp)
			return local_err(err, "cannot write %s: %s", real,
			    ENAMETOOLONG);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1)
		return local_err(err, "cannot write %s: %s", real, errno);
	if (st->st_mode != 0 && fchmod(fd, st->st_mode & 07777 & mode) == -1) {
		close(fd);
		unlink(tmp);
		return local_err(err, "cannot write %s: %s", tmp, errno);
	}
	if (write_fd(fd, real, fn, ctx, 1, err) == -1) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, real) == -1) {
		n = (unsigned)errno;
		unlink(tmp);
		return local_err(err, "cannot write %s: %s", real, (int)n);
	}
	dir_of(real, dir);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

int
tm_write_file(const char *path, tm_write_fn *fn, void *ctx, mode_t mode,
    struct tm_err *err)
{
	struct stat	st;
	char		real[PATH_MAX];
	int		fd;

	tm_err_clear(err);
	if (strcmp(path, "-") == 0) {
		errno = 0;
		if (fn(stdout, ctx) == -1 || fflush(stdout) == EOF ||
		    ferror(stdout))
			return local_err(err, "cannot write %s: %s", "stdout",
			    errno != 0 ? errno : EIO);
		return 0;
	}
	if (resolve(path, real, &st, err) == -1)
		return -1;
	if (!in_place(path, &st))
		return write_replace(real, &st, fn, ctx, mode, err);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY |
	    (S_ISREG(st.st_mode) ? O_TRUNC : 0));
	if (fd == -1)
		return local_err(err, "cannot write %s: %s", path, errno);
	return write_fd(fd, path, fn, ctx, 0, err);
}

static int
put_text(FILE *f, void *ctx)
{
	return fputs(ctx, f) == EOF ? -1 : 0;
}

int
tm_write_text(const char *path, const char *text, mode_t mode,
    struct tm_err *err)
{
	return tm_write_file(path, put_text, (void *)(uintptr_t)text, mode, err);
}

int
tm_check_writable(const char *path, struct tm_err *err)
{
	struct stat	st;
	char		real[PATH_MAX], dir[PATH_MAX];

	tm_err_clear(err);
	if (strcmp(path, "-") == 0)
		return 0;
	if (resolve(path, real, &st, err) == -1) {
		err->cat = TM_CAT_USAGE;
		return -1;
	}
	if (st.st_mode != 0 && access(real, W_OK) == -1)
		return usage_err(err, "cannot write %s: %s", path, strerror(errno));
	if (in_place(path, &st))
		return 0;
	dir_of(real, dir);
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return usage_err(err, "cannot write %s: %s", path,
		    "its directory does not exist");
	if (access(dir, W_OK | X_OK) == -1)
		return usage_err(err, "cannot write %s: no new file can be made "
		    "in its directory (%s)", path, strerror(errno));
	return 0;
}
