/*
 * Shared by the libFuzzer targets: the input as a C string, and as a
 * file for the parsers that read one (journal, report, saved mirrors,
 * themes).  Each target is LLVMFuzzerTestOneInput and nothing else: the
 * parsers are called through their headers, so a target survives the
 * code moving between files.
 */
#ifndef TM_FUZZ_H
#define TM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* data as a malloc'd NUL-terminated string (cut at any NUL it holds). */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A private directory for this process, made once (libFuzzer runs every
 * input in the same process); removed by the smoke script's cleanup.
 */
static inline const char *
fuzz_dir(void)
{
	static char	dir[64];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/tm-fuzz.XXXXXX",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	return dir;
}

/* Write data to dir/rel (directories in rel must exist); its path. */
static inline const char *
fuzz_file(const char *rel, const uint8_t *data, size_t size)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), rel);
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return path;
}

#endif
