/*
 * TLS trust for a registry: the system bundle plus every *.crt of cert_dir
 * and ca_file, read once into one PEM blob that each exchange hands curl.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "ca.h"
#include "internal.h"

#define CA_FILE_MAX	(4 * 1024 * 1024)
#define CA_TOTAL_MAX	(32 * 1024 * 1024)
#define CA_DIR_FILES	256

/*
 * TLS trust: the system bundle plus every *.crt of cert_dir and ca_file,
 * as one PEM blob, so extra CAs add to the system ones instead of
 * replacing them.
 */

static int
ca_append(struct registry *reg, const char *path, int required, struct tm_err *err)
{
	FILE		*f;
	struct stat	 st;
	char		*n;
	size_t		 got;

	if ((f = fopen(path, "r")) == NULL) {
		if (!required)
			return 0;
		return tm_err_set(err, TM_CAT_IO, "cannot read CA file %s: %s",
		    path, strerror(errno));
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CA_FILE_MAX ||
	    reg->ca_len + (size_t)st.st_size + 2 > CA_TOTAL_MAX) {
		fclose(f);
		if (!required)
			return 0;
		return tm_err_set(err, TM_CAT_IO, "CA file %s is not a regular "
		    "file of at most %d MiB", path, CA_FILE_MAX >> 20);
	}
	if ((n = realloc(reg->ca_pem, reg->ca_len + (size_t)st.st_size + 2)) == NULL) {
		fclose(f);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	reg->ca_pem = n;
	got = fread(n + reg->ca_len, 1, (size_t)st.st_size, f);
	fclose(f);
	reg->ca_len += got;
	n[reg->ca_len++] = '\n';
	n[reg->ca_len] = '\0';
	return 0;
}

static int
ca_suffix(const char *name)
{
	size_t	len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".crt") == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ca_dir(struct registry *reg, const char *dir, struct tm_err *err)
{
	DIR		*d;
	struct dirent	*de;
	char		*names[CA_DIR_FILES], *path;
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "cannot read cert dir %s: %s",
		    dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < CA_DIR_FILES)
		if (ca_suffix(de->d_name) && (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	/* Sorted, so the bundle does not depend on directory order. */
	qsort(names, n, sizeof names[0], name_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			if (asprintf(&path, "%s/%s", dir, names[i]) == -1)
				rc = tm_err_set(err, TM_CAT_IO, "out of memory");
			else {
				rc = ca_append(reg, path, 1, err);
				free(path);
			}
		}
		free(names[i]);
	}
	return rc;
}

int
ca_load(struct registry *reg, struct tm_err *err)
{
	const curl_version_info_data	*vi = curl_version_info(CURLVERSION_NOW);

	if (reg->cert_dir == NULL && reg->ca_file == NULL)
		return 0;
	/* Missing system bundle: the extra CAs alone (and curl's CA path). */
	if (vi->cainfo != NULL && ca_append(reg, vi->cainfo, 0, err) == -1)
		return -1;
	if (reg->ca_file != NULL && ca_append(reg, reg->ca_file, 1, err) == -1)
		return -1;
	if (reg->cert_dir != NULL && ca_dir(reg, reg->cert_dir, err) == -1)
		return -1;
	return 0;
}
