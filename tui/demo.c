/*
 * The demo's launcher: two local docker-registry instances seeded with
 * sample images (some broken for real) through the public registry API,
 * then put behind their throttles.
 */
#include "config.h"

#include "demo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "manifest.h"
#include "registry.h"
#include "throttle.h"

#define DEMO_REPO	"demo/app"
#define BASE_SIZE	(2 * 1024 * 1024)	/* shared by every tag */
#define SERIES_SIZE	(512 * 1024)		/* shared by one release series */
#define UNIQUE_SIZE	(96 * 1024)		/* one per image */
/*
 * The throttle's pace, bytes a second through each registry: a run of
 * the sample expression streams about 3 MiB, some eight seconds to watch
 * with the hiccup's retry.
 */
#define DEMO_RATE	(512.0 * 1024)

enum { SRC, DST };

struct demo {
	char		 dir[PATH_MAX];
	char		 state[PATH_MAX + 8];
	pid_t		 pid[2];
	int		 port[2];		/* the registries' own */
	struct throttle	*th[2];			/* NULL with TAGMIRROR_DEMO_FAST */
	char		 ref[2][64];
	/* The hiccup tag's own layer: "REPO/blobs/DIGEST". */
	char		 hiccup[sizeof DEMO_REPO + 8 + TM_DIGEST_MAX];
	int		 ntags, nbroken;
};

/* What becomes of a sample tag's own layer. */
enum fate {
	FINE,
	BROKEN,		/* deleted from the source's storage after the push */
	HICCUP		/* its first download is spoilt by the throttle */
};

/*
 * The sample repository: releases, variants, pre-releases and nightlies,
 * and aliases naming the same image as another tag, as on Docker Hub
 * ("2.2" and "latest" are 2.2.1).  Three are broken for good, one fails
 * once (its tag is copied when the run tries it again).
 */
static const struct {
	const char	*tag;
	const char	*alias;		/* the tag whose image this is, or NULL */
	enum fate	 fate;
} sample[] = {
	{ "1.0.0", NULL, FINE }, { "1.0.1", NULL, FINE }, { "1.1.0", NULL, BROKEN },
	{ "1.1.1", NULL, FINE }, { "1.2.0", NULL, HICCUP }, { "1.2.1", NULL, FINE },
	{ "2.0.0", NULL, FINE }, { "2.0.1", NULL, FINE }, { "2.1.0", NULL, BROKEN },
	{ "2.1.1", NULL, FINE }, { "2.2.0", NULL, FINE }, { "2.2.1", NULL, FINE },
	{ "1.2.1-slim", NULL, FINE }, { "2.2.1-slim", NULL, FINE },
	{ "1.2.1-alpine", NULL, FINE }, { "2.2.1-alpine", NULL, FINE },
	{ "3.0.0-rc1", NULL, FINE }, { "3.0.0-rc2", NULL, FINE },
	{ "nightly-20240601", NULL, FINE }, { "nightly-20240602", NULL, BROKEN },
	{ "1", "1.2.1", FINE }, { "1.0", "1.0.1", FINE }, { "1.1", "1.1.1", FINE },
	{ "1.2", "1.2.1", FINE }, { "2", "2.2.1", FINE }, { "2.0", "2.0.1", FINE },
	{ "2.1", "2.1.1", FINE }, { "2.2", "2.2.1", FINE }, { "latest", "2.2.1", FINE },
	{ "stable", "1.2.1", FINE }, { "slim", "2.2.1-slim", FINE },
	{ "1.2-slim", "1.2.1-slim", FINE }, { "2.2-slim", "2.2.1-slim", FINE },
	{ "1-slim", "1.2.1-slim", FINE }, { "2-slim", "2.2.1-slim", FINE },
	{ "alpine", "2.2.1-alpine", FINE }, { "2-alpine", "2.2.1-alpine", FINE },
	{ "rc", "3.0.0-rc2", FINE }, { "edge", "nightly-20240601", FINE },
	{ "nightly", "nightly-20240601", FINE },
};
#define NSAMPLE	((int)(sizeof sample / sizeof sample[0]))

/* Tags the destination already has: the same image, or an older build. */
static const struct {
	const char	*tag;
	int		 older;
} dest_has[] = {
	{ "1.0.0", 0 }, { "1.0.1", 0 }, { "1.0", 0 }, { "1.1.1", 1 },
	{ "stable", 1 }, { "old-build-7", 1 },
};

/* Deterministic filler so every demo has the same digests. */
static void
fill(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t	x = seed * 0x9E3779B97F4A7C15ULL + 1;
	size_t		i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
}

static int
free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof sa;
	int			s, port = -1;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(s, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static int
write_config(const char *dir, int port, char *path, size_t n)
{
	FILE	*f;

	snprintf(path, n, "%s/config.yml", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "version: 0.1\n"
	    "log: {level: error, accesslog: {disabled: true}}\n"
	    "storage:\n"
	    "  filesystem: {rootdirectory: %s/data}\n"
	    "  delete: {enabled: true}\n"
	    "  maintenance: {uploadpurging: {enabled: false}}\n"
	    "http:\n"
	    "  addr: 127.0.0.1:%d\n", dir, port);
	return fclose(f);
}

static pid_t
spawn(const char *dir, const char *config)
{
	char		log[PATH_MAX + 32];
	sigset_t	none;
	pid_t		pid;
	int		fd;

	snprintf(log, sizeof log, "%s/log", dir);
	if ((pid = fork()) != 0)
		return pid;
	/* The child: dies with us, and starts with a clean signal state. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	execlp("docker-registry", "docker-registry", "serve", config,
	    (char *)NULL);
	_exit(127);
}

static void
nap(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Wait for GET /v2/ to answer, or for the process to die. */
static struct registry *
wait_up(pid_t pid, const char *host, struct tm_err *err)
{
	struct reg_opts	 o;
	struct registry	*reg;
	struct reg_conn	*c;
	int		 i, st, up = 0;

	reg_opts_init(&o);
	o.no_auth_files = 1;
	o.max_attempts = 1;
	o.connect_timeout = 2;
	if ((reg = registry_new(host, &o, err)) == NULL)
		return NULL;
	for (i = 0; i < 150 && !up; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			tm_err_set(err, TM_CAT_IO, WIFEXITED(st) &&
			    WEXITSTATUS(st) == 127 ? "docker-registry not found: "
			    "install the Debian package docker-registry" :
			    "docker-registry exited at start");
			registry_free(reg);
			return NULL;
		}
		if ((c = reg_conn_new(reg, err)) != NULL) {
			up = reg_ping(c, err) == 0;
			reg_conn_free(c);
		}
		if (!up)
			nap(100);
	}
	if (!up) {
		tm_err_set(err, TM_CAT_NETWORK, "registry on %s did not start",
		    host);
		registry_free(reg);
		return NULL;
	}
	registry_free(reg);
	/* A fresh registry with the normal retry policy for seeding. */
	reg_opts_init(&o);
	o.no_auth_files = 1;
	return registry_new(host, &o, err);
}

static int
put_blob(struct reg_conn *c, const void *buf, size_t len, char *digest,
    struct tm_err *err)
{
	mf_digest(buf, len, digest);
	return reg_blob_put(c, DEMO_REPO, buf, len, digest, err);
}

/*
 * One image: the shared base, its series' layer, and a layer of its own
 * (seeded by id, so an "older" build differs); label is the version the
 * image says it is.  unique gets the digest of its own layer, *out the
 * manifest (malloc'd) for tagging it again.
 */
static int
push_image(struct reg_conn *c, uint64_t id, const char *label, int series,
    const char *base, const char *ser, char *unique, char **out,
    struct tm_err *err)
{
	unsigned char	*buf;
	char		 cfg[1024], cfgd[TM_DIGEST_MAX + 1];
	size_t		 ulen = UNIQUE_SIZE + (size_t)(id % 5) * 16384;
	int		 rc = -1, n;

	*out = NULL;
	if ((buf = malloc(ulen)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	fill(buf, ulen, 1000 + id);
	if (put_blob(c, buf, ulen, unique, err) == -1)
		goto out;
	n = snprintf(cfg, sizeof cfg, "{\"architecture\":\"amd64\",\"os\":"
	    "\"linux\",\"config\":{\"Labels\":{\"org.opencontainers.image."
	    "version\":\"%s\",\"build\":\"%llu\"}},\"rootfs\":{\"type\":"
	    "\"layers\",\"diff_ids\":[\"%s\",\"%s\",\"%s\"]}}", label,
	    (unsigned long long)id, base, ser, unique);
	if (put_blob(c, cfg, (size_t)n, cfgd, err) == -1)
		goto out;
	if (asprintf(out, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST
	    "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config."
	    "v1+json\",\"digest\":\"%s\",\"size\":%d},\"layers\":["
	    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	    "\"digest\":\"%s\",\"size\":%d},"
	    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	    "\"digest\":\"%s\",\"size\":%d},"
	    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	    "\"digest\":\"%s\",\"size\":%zu}]}", cfgd, n, base, BASE_SIZE, ser,
	    SERIES_SIZE + series * 4096, unique, ulen) == -1) {
		*out = NULL;
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int
put_manifest(struct reg_conn *c, const char *tag, const char *bytes,
    struct tm_err *err)
{
	struct reg_manifest	m;

	memset(&m, 0, sizeof m);
	m.bytes = (char *)bytes;
	m.len = strlen(bytes);
	snprintf(m.media_type, sizeof m.media_type, "%s", MT_OCI_MANIFEST);
	return reg_manifest_put(c, DEMO_REPO, tag, &m, err);
}

static int
sample_index(const char *tag)
{
	int	i;

	for (i = 0; i < NSAMPLE; i++)
		if (strcmp(sample[i].tag, tag) == 0)
			return i;
	return -1;
}

/* "1.2.2-slim" -> series 12, "nightly-..." -> 90, "3.0.0-rc1" -> 30 */
static int
series_of(const char *tag)
{
	if (tag[0] >= '0' && tag[0] <= '9' && tag[1] == '.' &&
	    tag[2] >= '0' && tag[2] <= '9')
		return (tag[0] - '0') * 10 + (tag[2] - '0');
	return 90;
}

static int
push_series(struct reg_conn *c, int series, char *digest, struct tm_err *err)
{
	unsigned char	*buf;
	size_t		 len = SERIES_SIZE + (size_t)series * 4096;
	int		 rc;

	if ((buf = malloc(len)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	fill(buf, len, 100 + (uint64_t)series);
	rc = put_blob(c, buf, len, digest, err);
	free(buf);
	return rc;
}

/* A series layer goes up once per registry; known[s] keeps its digest. */
static int
series_layer(struct reg_conn *c, int series, char known[][TM_DIGEST_MAX + 1],
    char *digest, struct tm_err *err)
{
	if (known[series][0] == '\0' &&
	    push_series(c, series, known[series], err) == -1)
		return -1;
	memcpy(digest, known[series], TM_DIGEST_MAX + 1);
	return 0;
}

static int
push_base(struct reg_conn *c, char *digest, struct tm_err *err)
{
	unsigned char	*buf;
	int		 rc;

	if ((buf = malloc(BASE_SIZE)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	fill(buf, BASE_SIZE, 1);
	rc = put_blob(c, buf, BASE_SIZE, digest, err);
	free(buf);
	return rc;
}

/* Remove a blob's data file from the registry's storage: its GET fails. */
static void
break_blob(const char *dir, const char *digest)
{
	char	path[PATH_MAX + 200];
	const char *hex = digest + 7;

	snprintf(path, sizeof path, "%s/data/docker/registry/v2/blobs/sha256/"
	    "%.2s/%s/data", dir, hex, hex);
	unlink(path);
}

/* Images go up in order: blobs, then the manifest, then its aliases. */
/*
 * The source's sample tags (aliases point at their image's manifest);
 * each image's unique layer digest goes to uniq, its manifest to mf.
 */
static int
seed_source(struct reg_conn *sc, const char *base,
    char uniq[][TM_DIGEST_MAX + 1], char **mf, struct tm_err *err)
{
	char	known[100][TM_DIGEST_MAX + 1], ser[TM_DIGEST_MAX + 1];
	int	i, j, s;

	memset(known, 0, sizeof known);
	for (i = 0; i < NSAMPLE; i++) {
		if (sample[i].alias != NULL)
			continue;
		s = series_of(sample[i].tag);
		if (series_layer(sc, s, known, ser, err) == -1 ||
		    push_image(sc, (uint64_t)i, sample[i].tag, s, base, ser,
		    uniq[i], &mf[i], err) == -1 ||
		    put_manifest(sc, sample[i].tag, mf[i], err) == -1)
			return -1;
	}
	for (i = 0; i < NSAMPLE; i++)
		if (sample[i].alias != NULL &&
		    ((j = sample_index(sample[i].alias)) < 0 || mf[j] == NULL ||
		    put_manifest(sc, sample[i].tag, mf[j], err) == -1))
			return -1;
	return 0;
}

/* The destination: some tags as upstream has them, some older. */
static int
seed_dest(struct reg_conn *dc, const char *base, struct tm_err *err)
{
	char		 known[100][TM_DIGEST_MAX + 1], ser[TM_DIGEST_MAX + 1];
	char		 u[TM_DIGEST_MAX + 1], *bytes;
	size_t		 k;
	int		 i, j, s, rc;

	memset(known, 0, sizeof known);
	for (k = 0; k < sizeof dest_has / sizeof dest_has[0]; k++) {
		const char	*label = dest_has[k].tag;
		uint64_t	 id = 500 + k;

		if ((i = sample_index(dest_has[k].tag)) >= 0) {
			j = sample[i].alias != NULL ?
			    sample_index(sample[i].alias) : i;
			label = sample[j].tag;
			if (!dest_has[k].older)
				id = (uint64_t)j;
		}
		s = series_of(label);
		if (series_layer(dc, s, known, ser, err) == -1 ||
		    push_image(dc, id, label, s, base, ser, u, &bytes,
		    err) == -1)
			return -1;
		rc = put_manifest(dc, dest_has[k].tag, bytes, err);
		free(bytes);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int
seed(struct demo *d, struct registry *src, struct registry *dst,
    struct tm_err *err)
{
	struct reg_conn	*sc = NULL, *dc = NULL;
	char		 base[TM_DIGEST_MAX + 1];
	char		 uniq[NSAMPLE][TM_DIGEST_MAX + 1], *mf[NSAMPLE];
	char		 sdir[PATH_MAX + 8];
	int		 i, rc = -1;

	memset(mf, 0, sizeof mf);
	if ((sc = reg_conn_new(src, err)) == NULL ||
	    (dc = reg_conn_new(dst, err)) == NULL ||
	    push_base(sc, base, err) == -1 || push_base(dc, base, err) == -1 ||
	    seed_source(sc, base, uniq, mf, err) == -1 ||
	    seed_dest(dc, base, err) == -1)
		goto out;
	/* Broken for real: the layer's data goes from the source's storage. */
	snprintf(sdir, sizeof sdir, "%s/src", d->dir);
	for (i = 0; i < NSAMPLE; i++)
		if (sample[i].fate == BROKEN) {
			break_blob(sdir, uniq[i]);
			d->nbroken++;
		} else if (sample[i].fate == HICCUP)
			snprintf(d->hiccup, sizeof d->hiccup, "%s/blobs/%s",
			    DEMO_REPO, uniq[i]);
	d->ntags = NSAMPLE;
	rc = 0;
out:
	for (i = 0; i < NSAMPLE; i++)
		free(mf[i]);
	reg_conn_free(sc);
	reg_conn_free(dc);
	return rc;
}

static int
start_one(struct demo *d, int which, struct registry **reg, struct tm_err *err)
{
	char	dir[PATH_MAX + 8], data[PATH_MAX + 16], cfg[PATH_MAX + 32];
	char	host[32];
	int	port;

	snprintf(dir, sizeof dir, "%s/%s", d->dir, which == SRC ? "src" : "dst");
	snprintf(data, sizeof data, "%s/data", dir);
	if (tm_mkdir_p(data, 0700, err) == -1)
		return -1;
	if ((port = free_port()) == -1)
		return tm_err_set(err, TM_CAT_IO, "no free port on 127.0.0.1");
	if (write_config(dir, port, cfg, sizeof cfg) == -1)
		return tm_err_set(err, TM_CAT_IO, "cannot write %s", cfg);
	if ((d->pid[which] = spawn(dir, cfg)) == -1)
		return tm_err_set(err, TM_CAT_IO, "cannot start docker-registry: "
		    "%s", strerror(errno));
	d->port[which] = port;
	snprintf(host, sizeof host, "127.0.0.1:%d", port);
	if ((*reg = wait_up(d->pid[which], host, err)) == NULL)
		return -1;
	return 0;
}

/*
 * What the run is given: each registry behind its throttle, the source's
 * also staging the hiccup; or, with TAGMIRROR_DEMO_FAST set (tests that
 * only need the flow), the registries themselves at full speed.
 */
static int
expose(struct demo *d, struct tm_err *err)
{
	const char	*fast = getenv("TAGMIRROR_DEMO_FAST");
	int		 i, port;

	for (i = SRC; i <= DST; i++) {
		port = d->port[i];
		if (fast == NULL || fast[0] == '\0') {
			if ((d->th[i] = throttle_start(port, DEMO_RATE,
			    i == SRC ? d->hiccup : NULL, err)) == NULL)
				return -1;
			port = throttle_port(d->th[i]);
		}
		snprintf(d->ref[i], sizeof d->ref[i], "127.0.0.1:%d/%s", port,
		    DEMO_REPO);
	}
	return 0;
}

struct demo *
demo_start(struct tm_err *err)
{
	struct demo	*d;
	struct registry	*src = NULL, *dst = NULL;
	const char	*tmp = getenv("TMPDIR");
	int		 rc;

	tm_err_clear(err);
	if ((d = calloc(1, sizeof *d)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	d->pid[SRC] = d->pid[DST] = -1;
	snprintf(d->dir, sizeof d->dir, "%s/tagmirror-demo.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(d->dir) == NULL) {
		tm_err_set(err, TM_CAT_IO, "cannot create a temporary directory: "
		    "%s", strerror(errno));
		free(d);
		return NULL;
	}
	snprintf(d->state, sizeof d->state, "%s/state", d->dir);
	rc = tm_mkdir_p(d->state, 0700, err);
	if (rc == 0)
		rc = start_one(d, SRC, &src, err);
	if (rc == 0)
		rc = start_one(d, DST, &dst, err);
	if (rc == 0)
		rc = seed(d, src, dst, err);
	if (rc == 0)
		rc = expose(d, err);
	registry_free(src);
	registry_free(dst);
	if (rc == -1) {
		demo_stop(d);
		return NULL;
	}
	return d;
}

const char *
demo_source(const struct demo *d)
{
	return d->ref[SRC];
}

const char *
demo_dest(const struct demo *d)
{
	return d->ref[DST];
}

const char *
demo_expr(const struct demo *d)
{
	(void)d;
	return "1.*, 2.*, latest, stable, nightly-*, !*-alpine, 9.*";
}

const char *
demo_state_dir(const struct demo *d)
{
	return d->state;
}

int
demo_tags(const struct demo *d, int *broken)
{
	if (broken != NULL)
		*broken = d->nbroken;
	return d->ntags;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
demo_stop(struct demo *d)
{
	int	i, st;

	if (d == NULL)
		return;
	for (i = 0; i < 2; i++)
		throttle_stop(d->th[i]);
	/* Their storage is thrown away next, so nothing needs a clean stop. */
	for (i = 0; i < 2; i++)
		if (d->pid[i] > 0)
			kill(d->pid[i], SIGKILL);
	for (i = 0; i < 2; i++)
		if (d->pid[i] > 0)
			waitpid(d->pid[i], &st, 0);
	if (d->dir[0] != '\0')
		nftw(d->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(d);
}
