/*
 * The run's journal: every tag's "before" written and synced before the
 * run changes it, so a rollback needs nothing else, even after kill -9;
 * and finding the journals an interrupted run left.
 */
#include "config.h"

#include "journal.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "fsutil.h"
#include "manifest.h"
#include "strv.h"

#define JOURNAL_MAGIC	"tagmirror-journal 1"
#define JOURNAL_SUFFIX	".journal"
#define SET_MAGIC	"tagmirror-set-journal 1"

struct journal {
	pthread_mutex_t	 lock;
	FILE		*f;
	char		 path[PATH_MAX];
};

int
journal_dir(const char *dir, char *buf, size_t n, struct tm_err *err)
{
	if (dir == NULL || *dir == '\0')
		return tm_state_dir(buf, n, err);
	if (snprintf(buf, n, "%s", dir) >= (int)n) {
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_IO, "state directory path too long");
	}
	return 0;
}

static int
io_error(struct tm_err *err, const char *what, const char *path)
{
	int	e = errno;

	tm_err_clear(err);
	err->side = TM_SIDE_LOCAL;
	snprintf(err->object, sizeof err->object, "journal");
	return tm_err_set(err, TM_CAT_IO, "%s %s: %s", what, path, strerror(e));
}

/* Keep a file name readable and free of separators. */
static void
name_part(char *dst, size_t n, const char *s)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 1 < n; s++)
		dst[o++] = (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *s) != NULL) ?
		    *s : '_';
	dst[o] = '\0';
}

/* A field must be one non-empty word of printable ASCII. */
static int
field_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return 0;
	return 1;
}

static struct journal *
journal_alloc(FILE *f, const char *path)
{
	struct journal	*j;

	if ((j = calloc(1, sizeof *j)) == NULL)
		return NULL;
	pthread_mutex_init(&j->lock, NULL);
	j->f = f;
	snprintf(j->path, sizeof j->path, "%s", path);
	return j;
}

/*
 * Write one line from up to six fields; sync makes it durable before we
 * return, which is the point of the journal.
 */
static int
put_line(struct journal *j, int sync, struct tm_err *err,
    const char *const *fields, size_t n)
{
	size_t	i;
	int	rc = 0;

	pthread_mutex_lock(&j->lock);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(' ', j->f);
		fputs(fields[i] != NULL && *fields[i] != '\0' ? fields[i] : "-",
		    j->f);
	}
	fputc('\n', j->f);
	if (fflush(j->f) == EOF || ferror(j->f) ||
	    (sync && fsync(fileno(j->f)) == -1))
		rc = io_error(err, "cannot write", j->path);
	pthread_mutex_unlock(&j->lock);
	return rc;
}

#define PUT(j, sync, err, ...) put_line(j, sync, err,			\
	(const char *const []){ __VA_ARGS__ },				\
	sizeof (const char *const []){ __VA_ARGS__ } / sizeof (const char *))

static int
check_fields(struct tm_err *err, const char *tag, const char *digest)
{
	if (!tm_tag_valid(tag) || (digest != NULL && *digest != '\0' &&
	    !tm_digest_valid(digest))) {
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_PROTOCOL,
		    "journal: refusing to record tag '%s'", tag);
	}
	return 0;
}

/*
 * Open a new journal file in d, named for when (ts), where and who: a
 * second run in the same millisecond gets "-1", "-2", ...  The fd, or -1.
 */
static int
create_file(const char *d, const struct timespec *ts, const char *host,
    const char *repo, char *path, size_t n, struct tm_err *err)
{
	char		h[64], r[96], stamp[40], extra[16];
	struct tm	tm;
	int		fd = -1, i;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
	name_part(h, sizeof h, host);
	name_part(r, sizeof r, repo);
	for (i = 0; i < 100 && fd == -1; i++) {
		extra[0] = '\0';
		if (i > 0)
			snprintf(extra, sizeof extra, "-%d", i);
		if (snprintf(path, n, "%s/%s.%03ldZ-%s-%s-%d%s%s", d, stamp,
		    ts->tv_nsec / 1000000, h, r, (int)getpid(), extra,
		    JOURNAL_SUFFIX) >= (int)n)
			return tm_err_set(err, TM_CAT_IO, "journal path too long");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			return io_error(err, "cannot create", path);
	}
	if (fd == -1)
		return io_error(err, "cannot create", path);
	return fd;
}

/*
 * A new journal file in dir for host/repo (create_file), the folder made
 * 0700 and the new name durable; when gets the time, for the header.
 */
static struct journal *
journal_new(const char *dir, const char *host, const char *repo, char *path,
    size_t n, char *when, size_t wn, struct tm_err *err)
{
	char		 d[PATH_MAX];
	struct timespec	 ts;
	struct tm	 tm;
	struct journal	*j;
	FILE		*f;
	int		 fd, dfd;

	/* Every level made 0700: XDG says the state directory is private. */
	if (journal_dir(dir, d, sizeof d, err) == -1 ||
	    tm_mkdir_p(d, 0700, err) == -1)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, wn, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((fd = create_file(d, &ts, host, repo, path, n, err)) == -1)
		return NULL;
	if ((f = fdopen(fd, "a")) == NULL) {
		close(fd);
		io_error(err, "cannot create", path);
		unlink(path);
		return NULL;
	}
	if ((j = journal_alloc(f, path)) == NULL) {
		fclose(f);
		unlink(path);
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	if ((dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	return j;
}

struct journal *
journal_create(const char *dir, const char *source, const char *host,
    const char *repo, char *path, size_t n, struct tm_err *err)
{
	char		 when[40], pid[24];
	struct journal	*j;

	if (!field_ok(source) || !field_ok(host) || !field_ok(repo)) {
		err->side = TM_SIDE_LOCAL;
		tm_err_set(err, TM_CAT_USAGE, "journal: bad source or destination");
		return NULL;
	}
	if ((j = journal_new(dir, host, repo, path, n, when, sizeof when,
	    err)) == NULL)
		return NULL;
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	if (PUT(j, 0, err, JOURNAL_MAGIC) == -1 ||
	    PUT(j, 0, err, "run", when, pid) == -1 ||
	    PUT(j, 0, err, "source", source) == -1 ||
	    PUT(j, 1, err, "dest", host, repo) == -1) {
		journal_close(j);
		unlink(path);
		return NULL;
	}
	return j;
}

struct journal *
journal_set_create(const char *dir, char *path, size_t n, struct tm_err *err)
{
	char		 when[40], pid[24];
	struct journal	*j;

	if ((j = journal_new(dir, "set", "run", path, n, when, sizeof when,
	    err)) == NULL)
		return NULL;
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	if (PUT(j, 0, err, SET_MAGIC) == -1 ||
	    PUT(j, 1, err, "run", when, pid) == -1) {
		journal_close(j);
		unlink(path);
		return NULL;
	}
	return j;
}

static const char *
base_name(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

int
journal_set_member(struct journal *j, const char *member_path,
    const char *host, const char *repo, struct tm_err *err)
{
	const char	*name = base_name(member_path);

	if (!field_ok(name) || !field_ok(host) || !field_ok(repo)) {
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_USAGE, "journal: bad member");
	}
	return PUT(j, 1, err, "member", name, host, repo);
}

int
journal_set_of(struct journal *j, const char *set_path, struct tm_err *err)
{
	if (!field_ok(base_name(set_path))) {
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_USAGE, "journal: bad set name");
	}
	return PUT(j, 1, err, "set", base_name(set_path));
}

/* Offset just past the last newline of the first size bytes, 0 if none. */
static off_t
last_newline_end(int fd, off_t size)
{
	char	buf[4096];
	off_t	at = size, from;
	ssize_t	n;

	while (at > 0) {
		from = at > (off_t)sizeof buf ? at - (off_t)sizeof buf : 0;
		if ((n = pread(fd, buf, (size_t)(at - from), from)) <= 0)
			return -1;
		while (n > 0)
			if (buf[--n] == '\n')
				return from + n + 1;
		at = from;
	}
	return 0;
}

struct journal *
journal_reopen(const char *path, struct tm_err *err)
{
	struct journal	*j;
	struct stat	 st;
	FILE		*f;
	off_t		 end;
	int		 fd;

	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1) {
		io_error(err, "cannot open", path);
		return NULL;
	}
	/* Cut a torn last line, so what we append starts a fresh record. */
	if (fstat(fd, &st) == -1) {
		io_error(err, "cannot stat", path);
		close(fd);
		return NULL;
	}
	if ((end = last_newline_end(fd, st.st_size)) == -1) {
		io_error(err, "cannot read", path);
		close(fd);
		return NULL;
	}
	if (end != st.st_size && ftruncate(fd, end) == -1) {
		io_error(err, "cannot repair", path);
		close(fd);
		return NULL;
	}
	if (lseek(fd, 0, SEEK_END) == -1 || (f = fdopen(fd, "a")) == NULL) {
		io_error(err, "cannot open", path);
		close(fd);
		return NULL;
	}
	if ((j = journal_alloc(f, path)) == NULL) {
		fclose(f);
		tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	fclose(j->f);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

/* The tag's manifest before the run, whole: what rollback puts back. */
int
journal_before(struct journal *j, const char *tag, const char *digest,
    const char *mt, const void *bytes, size_t len, struct tm_err *err)
{
	char	*b64 = NULL;
	int	 rc, with = digest != NULL && *digest != '\0';

	if (check_fields(err, tag, digest) == -1)
		return -1;
	if (with && (!field_ok(mt) || bytes == NULL || len == 0)) {
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_PROTOCOL,
		    "journal: no manifest bytes for tag '%s'", tag);
	}
	if (with && (b64 = tm_b64_encode(bytes, len)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	rc = PUT(j, 0, err, "before", tag, with ? digest : NULL,
	    with ? mt : NULL, b64);
	free(b64);
	return rc;
}

int
journal_ready(struct journal *j, struct tm_err *err)
{
	return PUT(j, 1, err, "ready");
}

/* Records naming a tag and a digest (or "-"). */
static int
put_tag(struct journal *j, int sync, const char *kind, const char *tag,
    const char *digest, struct tm_err *err)
{
	if (check_fields(err, tag, digest) == -1)
		return -1;
	return PUT(j, sync, err, kind, tag, digest);
}

int
journal_intent(struct journal *j, const char *tag, const char *digest,
    struct tm_err *err)
{
	if (digest == NULL || *digest == '\0')
		return tm_err_set(err, TM_CAT_PROTOCOL, "journal: intent without digest");
	return put_tag(j, 1, "intent", tag, digest, err);
}

int
journal_done(struct journal *j, const char *tag, const char *digest,
    struct tm_err *err)
{
	/* Not synced: rollback reads the registry, "done" only informs. */
	return put_tag(j, 0, "done", tag, digest, err);
}

int
journal_unset(struct journal *j, const char *tag, const char *digest,
    struct tm_err *err)
{
	return put_tag(j, 1, "unset", tag, digest, err);
}

int
journal_artifact(struct journal *j, const char *digest, struct tm_err *err)
{
	if (digest == NULL || !tm_digest_valid(digest)) {
		err->side = TM_SIDE_LOCAL;
		return tm_err_set(err, TM_CAT_PROTOCOL,
		    "journal: refusing to record artifact '%s'",
		    digest != NULL ? digest : "");
	}
	return PUT(j, 1, err, "artifact", digest);
}

int
journal_rollback(struct journal *j, struct tm_err *err)
{
	return PUT(j, 1, err, "rollback");
}

int
journal_restored(struct journal *j, const char *tag, const char *digest,
    struct tm_err *err)
{
	return put_tag(j, 0, "restored", tag, digest, err);
}

int
journal_conflict(struct journal *j, const char *tag, const char *digest,
    struct tm_err *err)
{
	return put_tag(j, 0, "conflict", tag, digest, err);
}

int
journal_end(struct journal *j, const char *status, struct tm_err *err)
{
	if (!field_ok(status))
		return tm_err_set(err, TM_CAT_PROTOCOL, "journal: bad status");
	return PUT(j, 1, err, "end", status);
}

/* --- reading ----------------------------------------------------------- */

#define MAX_FIELDS	6

static size_t
split(char *line, char **f)
{
	size_t	 n = 0;
	char	*p = line;

	while (n < MAX_FIELDS) {
		f[n++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	return p == NULL ? n : MAX_FIELDS + 1;
}

static struct journal_tag *
find_tag(struct journal_data *d, const char *name)
{
	size_t	i;

	/* Newest first: "intent" records follow their "before" closely. */
	for (i = d->ntags; i > 0; i--)
		if (strcmp(d->tags[i - 1].name, name) == 0)
			return &d->tags[i - 1];
	return NULL;
}

static int
bad_line(struct tm_err *err, const char *path, size_t lineno, const char *why)
{
	tm_err_clear(err);
	err->side = TM_SIDE_LOCAL;
	snprintf(err->object, sizeof err->object, "journal");
	return tm_err_set(err, TM_CAT_PROTOCOL, "%s:%zu: %s", path, lineno, why);
}

static int
digest_or_dash(const char *s)
{
	return strcmp(s, "-") == 0 || tm_digest_valid(s);
}

/* Fill the bytes of a before/survivor record: f = DIGEST MT B64. */
static int
take_bytes(char **f, char *digest, char *type, char **bytes, size_t *len)
{
	char	check[TM_DIGEST_MAX + 1];

	if (strcmp(f[0], "-") == 0)
		return strcmp(f[1], "-") == 0 && strcmp(f[2], "-") == 0 ? 0 : -1;
	if (!tm_digest_valid(f[0]) || !field_ok(f[1]) || strlen(f[1]) >= 128 ||
	    tm_b64_decode(f[2], strlen(f[2]), 0, bytes, len) == -1)
		return -1;
	/* The bytes must be the manifest the digest names. */
	mf_digest(*bytes, *len, check);
	if (strcmp(check, f[0]) != 0) {
		free(*bytes);
		*bytes = NULL;
		return -1;
	}
	snprintf(digest, TM_DIGEST_MAX + 1, "%s", f[0]);
	snprintf(type, 128, "%s", f[1]);
	return 0;
}

static int
add_before(struct journal_data *d, char **f)
{
	struct journal_tag	*t, *nt;

	if (!tm_tag_valid(f[0]))
		return -1;
	if ((t = find_tag(d, f[0])) == NULL) {
		if ((nt = realloc(d->tags, (d->ntags + 1) * sizeof *nt)) == NULL)
			return -1;
		d->tags = nt;
		t = &d->tags[d->ntags++];
	} else
		free(t->prev_bytes);
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", f[0]);
	if (take_bytes(f + 1, t->prev_digest, t->prev_type, &t->prev_bytes,
	    &t->prev_len) == -1)
		return -1;
	t->had = t->prev_bytes != NULL;
	return 0;
}

static int
add_survivor(struct journal_data *d, char **f)
{
	struct journal_survivor	*s, *ns;
	size_t			 i;

	if (!tm_tag_valid(f[0]) || strcmp(f[1], "-") == 0)
		return -1;
	for (i = 0; i < d->nsurv; i++)
		if (strcmp(d->surv[i].name, f[0]) == 0)
			break;
	if (i == d->nsurv) {
		if ((ns = realloc(d->surv, (d->nsurv + 1) * sizeof *ns)) == NULL)
			return -1;
		d->surv = ns;
		d->nsurv++;
	} else
		free(d->surv[i].bytes);
	s = &d->surv[i];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", f[0]);
	return take_bytes(f + 1, s->digest, s->type, &s->bytes, &s->len);
}

static int
add_artifact(struct journal_data *d, const char *digest)
{
	char	(*na)[TM_DIGEST_MAX + 1];
	size_t	  i;

	if (!tm_digest_valid(digest))
		return -1;
	for (i = 0; i < d->nartifacts; i++)
		if (strcmp(d->artifacts[i], digest) == 0)
			return 0;
	if ((na = realloc(d->artifacts, (d->nartifacts + 1) *
	    sizeof *na)) == NULL)
		return -1;
	d->artifacts = na;
	snprintf(na[d->nartifacts++], sizeof *na, "%s", digest);
	return 0;
}

/* Apply one record; -1 with why set when it is malformed. */
static int
apply(struct journal_data *d, char **f, size_t nf, const char **why)
{
	struct journal_tag	*t;

	*why = "malformed record";
	if (strcmp(f[0], "run") == 0 && nf == 3)
		snprintf(d->started, sizeof d->started, "%s", f[1]);
	else if (strcmp(f[0], "source") == 0 && nf == 2)
		snprintf(d->source, sizeof d->source, "%s", f[1]);
	else if (strcmp(f[0], "dest") == 0 && nf == 3) {
		snprintf(d->host, sizeof d->host, "%s", f[1]);
		snprintf(d->repo, sizeof d->repo, "%s", f[2]);
	} else if (strcmp(f[0], "before") == 0 && nf == 5)
		return add_before(d, f + 1);
	else if (strcmp(f[0], "survivor") == 0 && nf == 5)
		return add_survivor(d, f + 1);
	else if (strcmp(f[0], "artifact") == 0 && nf == 2)
		return add_artifact(d, f[1]);
	else if (strcmp(f[0], "set") == 0 && nf == 2)
		snprintf(d->set, sizeof d->set, "%s", f[1]);
	else if (strcmp(f[0], "ready") == 0 && nf == 1)
		d->ready = 1;
	else if ((strcmp(f[0], "intent") == 0 || strcmp(f[0], "unset") == 0 ||
	    strcmp(f[0], "done") == 0) && nf == 3) {
		if (!digest_or_dash(f[2]))
			return -1;
		if ((t = find_tag(d, f[1])) == NULL) {
			*why = "change to a tag with no \"before\" record";
			return -1;
		}
		if (f[0][0] == 'd') {
			t->done = strcmp(f[2], t->unset ? "-" : t->new_digest) == 0;
			return 0;
		}
		t->changed = 1;
		t->done = 0;
		t->unset = f[0][0] == 'u';
		if (t->unset)
			t->new_digest[0] = '\0';
		else if (strcmp(f[2], "-") == 0)
			return -1;
		else
			snprintf(t->new_digest, sizeof t->new_digest, "%s", f[2]);
	} else if (strcmp(f[0], "rollback") == 0 && nf == 1)
		d->rollbacks++;
	else if (strcmp(f[0], "end") == 0 && nf == 2)
		snprintf(d->status, sizeof d->status, "%s", f[1]);
	else if (strcmp(f[0], "restored") == 0 || strcmp(f[0], "conflict") == 0) {
		if (nf != 3 || !tm_tag_valid(f[1]) || !digest_or_dash(f[2]))
			return -1;
	}
	/* Unknown records come from a newer tagmirror: skip them. */
	return 0;
}

int
journal_read(const char *path, struct journal_data *d, struct tm_err *err)
{
	FILE		*f;
	char		*line = NULL, *fields[MAX_FIELDS + 1];
	const char	*why;
	size_t		 cap = 0, lineno = 0, nf;
	ssize_t		 len;
	int		 rc = 0, ended = 0;

	memset(d, 0, sizeof *d);
	if ((f = fopen(path, "re")) == NULL)
		return io_error(err, "cannot open", path);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		/* A line without its newline was torn by a crash. */
		if (line[len - 1] != '\n')
			break;
		line[--len] = '\0';
		if (lineno == 1) {
			if (strcmp(line, JOURNAL_MAGIC) != 0) {
				rc = bad_line(err, path, lineno,
				    "not a tagmirror journal");
				break;
			}
			continue;
		}
		/* apply() sets why; a line split() refuses never reaches it. */
		why = "too many fields";
		if ((nf = split(line, fields)) > MAX_FIELDS ||
		    apply(d, fields, nf, &why) == -1) {
			rc = bad_line(err, path, lineno, why);
			break;
		}
		ended = strcmp(fields[0], "end") == 0;
	}
	if (rc == 0 && ferror(f))
		rc = io_error(err, "cannot read", path);
	if (rc == 0 && lineno == 0)
		rc = bad_line(err, path, 1, "empty journal");
	if (rc == 0 && (d->host[0] == '\0' || d->repo[0] == '\0'))
		rc = bad_line(err, path, lineno, "no destination recorded");
	free(line);
	fclose(f);
	d->finished = ended;
	if (rc == -1)
		journal_data_free(d);
	return rc;
}

void
journal_data_free(struct journal_data *d)
{
	size_t	i;

	for (i = 0; i < d->ntags; i++)
		free(d->tags[i].prev_bytes);
	for (i = 0; i < d->nsurv; i++)
		free(d->surv[i].bytes);
	free(d->tags);
	free(d->surv);
	free(d->artifacts);
	d->tags = NULL;
	d->surv = NULL;
	d->artifacts = NULL;
	d->ntags = d->nsurv = d->nartifacts = 0;
}

/* --- set journals ------------------------------------------------------- */

int
journal_is_set(const char *path)
{
	char	 line[sizeof SET_MAGIC + 1];
	FILE	*f;
	int	 yes;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	yes = fgets(line, sizeof line, f) != NULL &&
	    strcmp(line, SET_MAGIC "\n") == 0;
	fclose(f);
	return yes;
}

/* A "member NAME HOST REPO" record: NAME a journal beside the set's. */
static int
add_member(struct journal_set *set, const char *dir, char **f)
{
	struct journal_member	*v;
	size_t			 l = strlen(f[0]), sl = strlen(JOURNAL_SUFFIX);

	if (strchr(f[0], '/') != NULL || l <= sl || strcmp(f[0] + l - sl,
	    JOURNAL_SUFFIX) != 0 || strlen(f[1]) >= 256 || strlen(f[2]) >= 256)
		return -1;
	if ((v = realloc(set->members, (set->n + 1) * sizeof *v)) == NULL)
		return -1;
	set->members = v;
	v = &v[set->n];
	memset(v, 0, sizeof *v);
	if (asprintf(&v->path, "%s/%s", dir, f[0]) == -1)
		return -1;
	snprintf(v->host, sizeof v->host, "%s", f[1]);
	snprintf(v->repo, sizeof v->repo, "%s", f[2]);
	set->n++;
	return 0;
}

static int
set_record(struct journal_set *set, const char *dir, char **f, size_t nf)
{
	if (strcmp(f[0], "run") == 0 && nf == 3)
		snprintf(set->started, sizeof set->started, "%s", f[1]);
	else if (strcmp(f[0], "member") == 0 && nf == 4)
		return add_member(set, dir, f + 1);
	else if (strcmp(f[0], "rollback") == 0 && nf == 1)
		set->rollbacks++;
	else if (strcmp(f[0], "end") != 0 || nf != 2)
		return -1;
	return 0;
}

int
journal_set_read(const char *path, struct journal_set *set, struct tm_err *err)
{
	FILE		*f;
	char		*line = NULL, *fields[MAX_FIELDS + 1], dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');
	size_t		 cap = 0, lineno = 0, nf;
	ssize_t		 len;
	int		 rc = 0;

	memset(set, 0, sizeof *set);
	snprintf(dir, sizeof dir, "%.*s", slash != NULL ? (int)(slash - path) :
	    1, slash != NULL ? path : ".");
	if ((f = fopen(path, "re")) == NULL)
		return io_error(err, "cannot open", path);
	while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
		/* A line without its newline was torn by a crash. */
		if (line[len - 1] != '\n')
			break;
		line[--len] = '\0';
		if (++lineno == 1)
			rc = strcmp(line, SET_MAGIC) == 0 ? 0 : bad_line(err,
			    path, lineno, "not a tagmirror set journal");
		else if ((nf = split(line, fields)) > MAX_FIELDS ||
		    set_record(set, dir, fields, nf) == -1)
			rc = bad_line(err, path, lineno, "malformed record");
		else
			set->finished = strcmp(fields[0], "end") == 0;
	}
	if (rc == 0 && lineno == 0)
		rc = bad_line(err, path, 1, "empty journal");
	free(line);
	fclose(f);
	if (rc == -1)
		journal_set_free(set);
	return rc;
}

void
journal_set_free(struct journal_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		free(set->members[i].path);
	free(set->members);
	set->members = NULL;
	set->n = 0;
}

/* 1 when the last complete line of path is an "end" record. */
static int
tail_is_end(const char *path)
{
	char	 buf[4096], *p, *start;
	ssize_t	 n;
	off_t	 size, from;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	size = lseek(fd, 0, SEEK_END);
	from = size > (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0;
	n = size > 0 ? pread(fd, buf, (size_t)(size - from), from) : 0;
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Drop a torn tail, then find where the last whole line starts. */
	if ((p = strrchr(buf, '\n')) == NULL)
		return 0;
	*p = '\0';
	if ((start = strrchr(buf, '\n')) != NULL)
		start++;
	else if (from == 0)
		start = buf;
	else
		return 0;	/* a line longer than the window is no "end" */
	return strncmp(start, "end ", 4) == 0;
}

/*
 * Tags of a readable journal whose change was recorded, -1 unreadable; a
 * set journal's are its members', a member's own count only as one
 * (member set), 0 otherwise: its set counts them.
 */
static long
changes(const char *path, int member)
{
	struct journal_data	d;
	struct journal_set	set;
	struct tm_err		e;
	size_t			i;
	long			n = 0, k;

	tm_err_clear(&e);
	if (journal_is_set(path)) {
		if (journal_set_read(path, &set, &e) == -1)
			return -1;
		for (i = 0; i < set.n; i++)
			n += (k = changes(set.members[i].path, 1)) > 0 ? k : 0;
		journal_set_free(&set);
		return n;
	}
	if (journal_read(path, &d, &e) == -1)
		return -1;
	for (i = 0; i < d.ntags && (member || d.set[0] == '\0'); i++)
		n += d.tags[i].changed;
	n += (long)d.nartifacts;
	journal_data_free(&d);
	return n;
}

/* 1 when path is a set member's journal (found through its set). */
static int
is_member(const char *path)
{
	struct journal_data	d;
	struct tm_err		e;
	int			yes;

	tm_err_clear(&e);
	if (journal_is_set(path) || journal_read(path, &d, &e) == -1)
		return 0;
	yes = d.set[0] != '\0';
	journal_data_free(&d);
	return yes;
}

/* journal_describe for a set journal. */
static int
describe_set(const char *path, char *buf, size_t n)
{
	struct journal_set	set;
	struct tm_err		e;
	long			changed;

	tm_err_clear(&e);
	if (journal_set_read(path, &set, &e) == -1)
		return -1;
	changed = changes(path, 0);
	snprintf(buf, n, "the set run of %s, %zu repositor%s, %ld tag%s "
	    "changed%s", set.started[0] != '\0' ? set.started :
	    "(unknown time)", set.n, set.n == 1 ? "y" : "ies", changed,
	    changed == 1 ? "" : "s", set.rollbacks > 0 ?
	    ", rolled back before" : "");
	journal_set_free(&set);
	return 0;
}

int
journal_describe(const char *path, char *buf, size_t n)
{
	struct journal_data	d;
	struct tm_err		e;
	size_t			i, changed = 0;

	if (journal_is_set(path))
		return describe_set(path, buf, n);
	tm_err_clear(&e);
	if (journal_read(path, &d, &e) == -1)
		return -1;
	for (i = 0; i < d.ntags; i++)
		changed += (size_t)d.tags[i].changed;
	snprintf(buf, n, "the run of %s, %s -> %s/%s, %zu tag%s changed%s",
	    d.started[0] != '\0' ? d.started : "(unknown time)", d.source,
	    d.host, d.repo, changed, changed == 1 ? "" : "s",
	    d.rollbacks > 0 ? ", rolled back before" : "");
	journal_data_free(&d);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

int
journal_find(const char *dir, int unfinished, char *buf, size_t n,
    struct tm_err *err)
{
	char		  d[PATH_MAX], path[PATH_MAX], **names = NULL, **nn;
	size_t		  count = 0, i, sl = strlen(JOURNAL_SUFFIX), l;
	struct dirent	 *de;
	DIR		 *dp;
	int		  found = 0;

	if (journal_dir(dir, d, sizeof d, err) == -1)
		return -1;
	if ((dp = opendir(d)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return io_error(err, "cannot read", d);
	}
	while ((de = readdir(dp)) != NULL) {
		l = strlen(de->d_name);
		if (l <= sl || strcmp(de->d_name + l - sl, JOURNAL_SUFFIX) != 0)
			continue;
		if ((nn = realloc(names, (count + 1) * sizeof *nn)) == NULL)
			break;
		names = nn;
		if ((names[count] = strdup(de->d_name)) != NULL)
			count++;
	}
	closedir(dp);
	if (count > 0)
		qsort(names, count, sizeof *names, name_cmp);
	for (i = 0; i < count && !found; i++) {
		if (snprintf(path, sizeof path, "%s/%s", d, names[i]) >=
		    (int)sizeof path || (unfinished && (tail_is_end(path) ||
		    is_member(path))) || (!unfinished && changes(path, 0) <= 0))
			continue;
		snprintf(buf, n, "%s", path);
		found = 1;
	}
	tm_strv_free(names, count);
	return found;
}
