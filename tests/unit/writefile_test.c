/*
 * core/fsutil's tm_write_file and tm_check_writable: a regular file is
 * replaced whole (mode kept, never widened), a symlink stays a symlink, a
 * FIFO or device is written in place and stays what it was, and the paths
 * that can never be written are refused before anything is written.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "tap.h"

static char	top[] = "/tmp/writefile_test.XXXXXX";

static const char *
at(const char *name)
{
	static char	buf[600];

	snprintf(buf, sizeof buf, "%s/%s", top, name);
	return buf;
}

static void
slurp(const char *path, char *buf, size_t n)
{
	FILE	*f = fopen(path, "r");
	size_t	 k = 0;

	if (f != NULL) {
		k = fread(buf, 1, n - 1, f);
		fclose(f);
	}
	buf[k] = '\0';
}

static int
failing(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("half", f);
	errno = ENOSPC;
	return -1;
}

/* Files in top besides the ones the test made: no temporary left. */
static int
entries(void)
{
	DIR		*d = opendir(top);
	struct dirent	*e;
	int		 n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

static void
regular_files(void)
{
	struct tm_err	err;
	struct stat	st, st2;
	char		buf[256];

	umask(022);
	is_int(tm_write_text(at("new"), "one\n", 0666, &err), 0, "a new file");
	slurp(at("new"), buf, sizeof buf);
	is_str(buf, "one\n", "  holds the text");
	ok(stat(at("new"), &st) == 0 && (st.st_mode & 0777) == 0644,
	    "  mode 0666 less the umask");
	chmod(at("new"), 0640);
	stat(at("new"), &st);
	is_int(tm_write_text(at("new"), "two\n", 0666, &err), 0, "replaced");
	ok(stat(at("new"), &st2) == 0 && (st2.st_mode & 0777) == 0640,
	    "  keeps its 0640");
	ok(st2.st_ino != st.st_ino, "  by a rename (a new inode)");
	is_int(tm_write_text(at("new"), "s3cret\n", 0600, &err), 0,
	    "replaced as a secret");
	ok(stat(at("new"), &st) == 0 && (st.st_mode & 0777) == 0600,
	    "  0640 narrowed to 0600, never wider");
	is_int(tm_write_file(at("new"), failing, NULL, 0666, &err), -1,
	    "a writer that fails");
	ok(strstr(err.msg, "new") != NULL && strstr(err.msg,
	    strerror(ENOSPC)) != NULL, "  is named with its cause: %s", err.msg);
	slurp(at("new"), buf, sizeof buf);
	is_str(buf, "s3cret\n", "  and the old file is untouched");
	is_int(entries(), 1, "  no temporary file is left behind");
}

static void
links_and_specials(void)
{
	struct tm_err	err;
	struct stat	st;
	char		buf[256];
	int		fd;

	symlink("new", at("link"));
	is_int(tm_write_text(at("link"), "via link\n", 0666, &err), 0,
	    "through a symlink");
	ok(lstat(at("link"), &st) == 0 && S_ISLNK(st.st_mode),
	    "  the link is still a link");
	slurp(at("new"), buf, sizeof buf);
	is_str(buf, "via link\n", "  its target holds the text");
	symlink("nowhere", at("dangling"));
	is_int(tm_write_text(at("dangling"), "x", 0666, &err), -1,
	    "a dangling symlink is refused");
	ok(err.cat == TM_CAT_USAGE && lstat(at("nowhere"), &st) == -1,
	    "  as a usage error, nothing created");
	mkfifo(at("fifo"), 0600);
	fd = open(at("fifo"), O_RDWR | O_NONBLOCK);
	is_int(tm_write_text(at("fifo"), "piped\n", 0666, &err), 0,
	    "into a FIFO");
	memset(buf, 0, sizeof buf);
	ok(fd != -1 && read(fd, buf, sizeof buf - 1) == 6 &&
	    strcmp(buf, "piped\n") == 0, "  the reader gets the text");
	close(fd);
	ok(lstat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode),
	    "  and it is still a FIFO");
	is_int(tm_write_text("/dev/null", "gone\n", 0666, &err), 0,
	    "into /dev/null");
	ok(lstat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
	    "  /dev/null is still a character device");
	is_int(tm_write_text("-", "# through stdout\n", 0666, &err), 0,
	    "'-' is stdout");
	ok(lstat(at("-"), &st) == -1 && lstat("-", &st) == -1,
	    "  no file named '-'");
	is_int(tm_write_text(top, "x", 0666, &err), -1, "a directory");
	ok(err.cat == TM_CAT_USAGE && strstr(err.msg, "directory") != NULL,
	    "  is a usage error naming it: %s", err.msg);
}

static void
checks(void)
{
	struct tm_err	err;

	is_int(tm_check_writable("-", &err), 0, "check: '-' is writable");
	is_int(tm_check_writable("/dev/null", &err), 0, "check: /dev/null");
	is_int(tm_check_writable(at("fresh"), &err), 0,
	    "check: a new file in a directory");
	is_int(tm_check_writable(top, &err), -1, "check: a directory is not");
	is_int(tm_check_writable(at("no/such/report.json"), &err), -1,
	    "check: a missing parent is not");
	ok(err.cat == TM_CAT_USAGE && strstr(err.msg, "does not exist") !=
	    NULL, "  a usage error saying why: %s", err.msg);
	if (geteuid() == 0) {
		ok(1, "# SKIP root may write a read-only file");
		ok(1, "# SKIP root may write a read-only file");
		return;
	}
	chmod(at("new"), 0444);
	is_int(tm_check_writable(at("new"), &err), -1,
	    "check: a read-only file is not");
	ok(err.cat == TM_CAT_USAGE && strstr(err.msg, "new") != NULL,
	    "  named: %s", err.msg);
}

int
main(void)
{
	if (mkdtemp(top) == NULL) {
		ok(0, "temporary directory");
		return tap_done();
	}
	regular_files();
	links_and_specials();
	checks();
	unlink(at("new"));
	unlink(at("link"));
	unlink(at("dangling"));
	unlink(at("fifo"));
	rmdir(top);
	return tap_done();
}
