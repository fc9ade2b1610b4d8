/*
 * Saved mirrors (NAME.conf settings, NAME.secrets passwords) and where
 * saved sets live (sets/NAME.yaml, written by the mirrors model).
 */
#include "config.h"

#include "saved.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "lines.h"
#include "paths.h"

int
saved_name_ok(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strlen(name) < 64 &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == strlen(name);
}

int
saved_path(const char *name, const char *ext, char *buf, size_t n)
{
	char	rel[128];

	snprintf(rel, sizeof rel, "mirrors/%s.%s", name, ext);
	return path_config(buf, n, rel);
}

/* Write to a temporary file made 0600 first, then rename over. */
struct kv_writer {
	const struct saved_kv	*kv;
	size_t			 n;
	int			 secret;	/* the .secrets half, else .conf */
};

static int
write_kv(FILE *f, void *ctx)
{
	const struct kv_writer	*w = ctx;
	size_t			 i;

	fprintf(f, "# tagmirror saved mirror%s\n", w->secret ?
	    " (secrets: keep this file private)" : "");
	for (i = 0; i < w->n; i++)
		if (w->kv[i].secret == w->secret && w->kv[i].val != NULL &&
		    (!w->secret || w->kv[i].val[0] != '\0'))
			fprintf(f, "%s = %s\n", w->kv[i].key, w->kv[i].val);
	return 0;
}

/* Through the one safe writer: 0600, and never replacing a non-file. */
static int
write_file(const char *path, const struct saved_kv *kv, size_t n, int secret)
{
	struct kv_writer	w = { kv, n, secret };
	struct tm_err		err;

	if (tm_write_file(path, write_kv, &w, 0600, &err) == -1) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int
saved_write(const char *name, const struct saved_kv *kv, size_t n)
{
	char	path[PATH_MAX];
	size_t	i;
	int	secrets = 0;

	if (!saved_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	if (saved_path(name, "conf", path, sizeof path) == -1 ||
	    path_mkparent(path, 0700) == -1 || write_file(path, kv, n, 0) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (kv[i].secret && kv[i].val != NULL && kv[i].val[0] != '\0')
			secrets = 1;
	if (saved_path(name, "secrets", path, sizeof path) == -1)
		return -1;
	if (!secrets) {
		if (unlink(path) == -1 && errno != ENOENT)
			return -1;
		return 0;
	}
	return write_file(path, kv, n, 1);
}

struct kv_reader {
	void	(*fn)(void *, const char *, const char *);
	void	 *ud;
};

/* "key = value"; comments and lines without '=' are skipped. */
static int
kv_line(void *ud, char *line)
{
	struct kv_reader	*r = ud;
	char			*eq, *k, *v, *e;

	if (line[0] == '#' || (eq = strchr(line, '=')) == NULL)
		return 0;
	*eq = '\0';
	k = line + strspn(line, " \t");
	for (e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
		e[-1] = '\0';
	v = eq + 1;
	v += strspn(v, " \t");
	r->fn(r->ud, k, v);
	return 0;
}

static int
read_file(const char *path, void (*fn)(void *, const char *, const char *),
    void *ud)
{
	struct kv_reader	 r = { fn, ud };
	FILE			*f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	lines_each(f, kv_line, &r);
	fclose(f);
	return 0;
}

int
saved_exists(const char *name)
{
	char	path[PATH_MAX];

	return saved_name_ok(name) &&
	    saved_path(name, "conf", path, sizeof path) == 0 &&
	    access(path, R_OK) == 0;
}

int
saved_read(const char *name, void (*fn)(void *, const char *, const char *),
    void *ud)
{
	char	path[PATH_MAX];

	if (!saved_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	if (saved_path(name, "conf", path, sizeof path) == -1 ||
	    read_file(path, fn, ud) == -1)
		return -1;
	if (saved_path(name, "secrets", path, sizeof path) == 0 &&
	    read_file(path, fn, ud) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of the files DIR/ *EXT (ext with its dot), sorted. */
static size_t
list_dir(const char *sub, const char *ext, char ***names)
{
	char		 dir[PATH_MAX], **nn;
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, len, el = strlen(ext);

	*names = NULL;
	if (path_config(dir, sizeof dir, sub) == -1 ||
	    (d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= el || strcmp(de->d_name + len - el, ext) != 0)
			continue;
		if ((nn = realloc(*names, (n + 1) * sizeof *nn)) == NULL)
			break;
		*names = nn;
		if ((nn[n] = strndup(de->d_name, len - el)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(*names, n, sizeof **names, cmp_str);
	return n;
}

size_t
saved_list(char ***names)
{
	return list_dir("mirrors", ".conf", names);
}

int
saved_set_path(const char *name, char *buf, size_t n)
{
	char	rel[128];

	if (!saved_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	snprintf(rel, sizeof rel, "sets/%s.yaml", name);
	return path_config(buf, n, rel);
}

size_t
saved_set_list(char ***names)
{
	return list_dir("sets", ".yaml", names);
}

int
saved_set_exists(const char *name)
{
	char	path[PATH_MAX];

	return saved_set_path(name, path, sizeof path) == 0 &&
	    access(path, R_OK) == 0;
}
