/*
 * The per-repository lock (lock.h): a file created beside the journals,
 * flock'd exclusively without waiting, its text rewritten by each holder.
 * Released by unlinking while still locked; a taker whose file was
 * unlinked under it (another inode at the path) opens the path again.
 */
#include "config.h"

#include "lock.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"

#define LOCK_MAGIC	"tagmirror-lock 1"
#define LOCK_TEXT_MAX	2048

struct repo_lock {
	int	 fd;
	char	 path[PATH_MAX];
	char	 head[LOCK_TEXT_MAX];	/* everything but the journal line */
};

/* What the holder wrote: the fields a refusal or a note names. */
struct holder {
	char	repo[600], pid[24], started[40], what[24], journal[PATH_MAX];
};

static int
io_error(struct tm_err *err, const char *what, const char *path)
{
	err->side = TM_SIDE_LOCAL;
	return tm_err_set(err, TM_CAT_IO, "lock %s: %s: %s", what, path,
	    strerror(errno));
}

/* host/repo as one file name: [A-Za-z0-9.-] kept, the rest %XX. */
static int
lock_path(const char *dir, const char *host, const char *repo, char *buf,
    size_t n)
{
	char		 name[900];
	const char	*s;
	size_t		 k = 0;
	int		 part;

	for (part = 0; part < 2; part++) {
		for (s = part == 0 ? host : repo; *s != '\0' &&
		    k + 4 < sizeof name; s++) {
			unsigned char	c = (unsigned char)*s;

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '-')
				name[k++] = (char)c;
			else
				k += (size_t)snprintf(name + k, 4, "%%%02X", c);
		}
		if (part == 0 && k + 1 < sizeof name)
			name[k++] = '_';
	}
	name[k] = '\0';
	return snprintf(buf, n, "%s/locks/%s.lock", dir, name) >= (int)n ? -1 : 0;
}

/* The value of the line "key VALUE" in text, "?" when absent. */
static void
field(const char *text, const char *key, char *buf, size_t n)
{
	const char	*p = text;
	size_t		 kl = strlen(key), l;

	snprintf(buf, n, "?");
	while (p != NULL && *p != '\0') {
		l = strcspn(p, "\n");
		if (l > kl && strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			snprintf(buf, n, "%.*s", (int)(l - kl - 1), p + kl + 1);
			return;
		}
		p = p[l] == '\n' ? p + l + 1 : NULL;
	}
}

/* The holder named in fd's file; 0 when it names none (new, or blank). */
static int
read_holder(int fd, struct holder *h)
{
	char	text[LOCK_TEXT_MAX];
	ssize_t	r;

	if ((r = pread(fd, text, sizeof text - 1, 0)) <= 0)
		return 0;
	text[r] = '\0';
	if (strncmp(text, LOCK_MAGIC "\n", strlen(LOCK_MAGIC) + 1) != 0)
		return 0;
	field(text, "repo", h->repo, sizeof h->repo);
	field(text, "pid", h->pid, sizeof h->pid);
	field(text, "started", h->started, sizeof h->started);
	field(text, "command", h->what, sizeof h->what);
	field(text, "journal", h->journal, sizeof h->journal);
	return 1;
}

static int
refuse(int fd, const char *host, const char *repo, struct tm_err *err)
{
	struct holder	h;

	err->side = TM_SIDE_LOCAL;
	if (!read_holder(fd, &h))
		return tm_err_set(err, TM_CAT_USAGE, "%s/%s is locked by "
		    "another tagmirror that is just starting: try again", host,
		    repo);
	return tm_err_set(err, TM_CAT_USAGE, "%s/%s is locked by another "
	    "tagmirror %s (pid %s, started %s, journal %s): wait for it to "
	    "finish, or stop it", host, repo, h.what, h.pid, h.started,
	    h.journal);
}

static int
write_text(struct repo_lock *l, const char *journal)
{
	char	text[LOCK_TEXT_MAX + PATH_MAX + 16];
	int	len;

	len = snprintf(text, sizeof text, "%sjournal %s\n", l->head,
	    journal != NULL ? journal : "(none yet)");
	if (len >= (int)sizeof text || ftruncate(l->fd, 0) == -1 ||
	    pwrite(l->fd, text, (size_t)len, 0) != len)
		return -1;
	return fsync(l->fd);
}

/* fd locked at l->path: is it still the file the path names? */
static int
still_linked(int fd, const char *path)
{
	struct stat	a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open and flock the path: the fd, -1 error, -2 held by someone else. */
static int
open_locked(struct repo_lock *l, const char *host, const char *repo,
    struct tm_err *err)
{
	int	fd, tries, busy;

	for (tries = 0; tries < 10; tries++) {
		if ((fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
			return io_error(err, "cannot open", l->path);
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if ((busy = errno == EWOULDBLOCK))
				refuse(fd, host, repo, err);
			else
				io_error(err, "cannot lock", l->path);
			close(fd);
			return busy ? -2 : -1;
		}
		if (still_linked(fd, l->path))
			return fd;
		close(fd);
	}
	err->side = TM_SIDE_LOCAL;
	return tm_err_set(err, TM_CAT_USAGE, "%s/%s: its lock keeps being "
	    "replaced: another tagmirror is busy with it", host, repo);
}

struct repo_lock *
repo_lock_take(const char *dir, const char *host, const char *repo,
    const char *what, char *note, size_t n, struct tm_err *err)
{
	struct repo_lock	*l;
	struct holder		 h;
	char			 locks[PATH_MAX], when[40];
	struct tm		 tm;
	time_t			 now = time(NULL);

	note[0] = '\0';
	if ((l = calloc(1, sizeof *l)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	err->side = TM_SIDE_LOCAL;
	if (snprintf(locks, sizeof locks, "%s/locks", dir) >= (int)sizeof locks ||
	    lock_path(dir, host, repo, l->path, sizeof l->path) == -1) {
		tm_err_set(err, TM_CAT_IO, "lock: state directory path too long");
		goto fail;
	}
	if (tm_mkdir_p(locks, 0700, err) == -1 ||
	    (l->fd = open_locked(l, host, repo, err)) < 0)
		goto fail;
	if (read_holder(l->fd, &h))
		snprintf(note, n, "took over the lock of %s left by tagmirror %s "
		    "(pid %s, started %s, journal %s), which is gone", h.repo,
		    h.what, h.pid, h.started, h.journal);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(l->head, sizeof l->head, LOCK_MAGIC "\nrepo %s/%s\npid %d\n"
	    "started %s\ncommand %s\n", host, repo, (int)getpid(), when, what);
	if (write_text(l, NULL) == -1) {
		io_error(err, "cannot write", l->path);
		repo_lock_release(l);
		return NULL;
	}
	tm_err_clear(err);
	return l;
fail:
	free(l);
	return NULL;
}

void
repo_lock_journal(struct repo_lock *l, const char *journal)
{
	if (l != NULL)
		(void)write_text(l, journal);
}

void
repo_lock_release(struct repo_lock *l)
{
	if (l == NULL)
		return;
	/* Unlinked while still held: a taker sees a fresh file, never ours. */
	unlink(l->path);
	close(l->fd);
	free(l);
}
