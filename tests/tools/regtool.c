/*
 * regtool: a small command line over the registry client, for shell tests.
 *
 *   regtool [options] COMMAND HOST ARGS...
 *
 * Failures print "regtool: CATEGORY: <tm_err_format line>" on stderr and
 * exit with 10 + the category's number (usage mistakes exit 2), so a test
 * can tell an auth error from a TLS error by the exit code alone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "init.h"
#include "manifest.h"
#include "registry.h"

static const char usage_text[] =
"usage: regtool [options] COMMAND HOST ARGS...\n"
"options: --user U --password-env VAR --cert-dir D --ca-file F\n"
"         --tls-verify=false --plain-http --no-auth-files --max-attempts N\n"
"         --retry-base S --retry-cap S --low-speed-time S --out FILE\n"
"         --count --show-retries --cancel-after S\n"
"commands:\n"
"  ping HOST\n"
"  tags HOST REPO\n"
"  tags-parallel HOST REPO THREADS       (one shared registry)\n"
"  manifest-head HOST REPO REF\n"
"  manifest-get HOST REPO REF            (bytes to stdout or --out)\n"
"  manifest-put HOST REPO MEDIATYPE FILE REF...\n"
"  manifest-delete HOST REPO DIGEST\n"
"  tag-delete HOST REPO TAG\n"
"  blob-exists HOST REPO DIGEST\n"
"  blob-mount HOST REPO DIGEST FROM_REPO\n"
"  blob-put HOST REPO FILE\n"
"  blob-copy SRCHOST SRCREPO DSTHOST DSTREPO DIGEST SIZE [DIGEST SIZE...]\n";

struct tool {
	struct reg_opts	 opts;
	const char	*out;
	int		 count;
	int		 show_retries;
	double		 cancel_after;
	atomic_int	 cancel;
	struct registry	*regs[2];
	struct reg_conn	*conns[2];
	size_t		 nregs;
};

static int
usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

static int
fail(const struct tm_err *err)
{
	char	line[1024];

	tm_err_format(err, line, sizeof line);
	fprintf(stderr, "regtool: %s: %s\n", tm_category_name(err->cat), line);
	return 10 + (int)err->cat;
}

static void
on_retry(void *ud, const struct tm_err *err, double wait)
{
	char	line[1024];

	(void)ud;
	tm_err_format(err, line, sizeof line);
	fprintf(stderr, "retry in %.2fs: %s\n", wait, line);
}

static void *
canceller(void *ud)
{
	struct tool	*t = ud;
	struct timespec	 ts;

	ts.tv_sec = (time_t)t->cancel_after;
	ts.tv_nsec = (long)((t->cancel_after - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	atomic_store(&t->cancel, 1);
	return NULL;
}

static struct reg_conn *
connect_to(struct tool *t, const char *host, enum tm_side side, struct tm_err *err)
{
	struct reg_opts	 o = t->opts;
	struct registry	*reg;
	struct reg_conn	*c;

	o.side = side;
	if ((reg = registry_new(host, &o, err)) == NULL)
		return NULL;
	if ((c = reg_conn_new(reg, err)) == NULL) {
		registry_free(reg);
		return NULL;
	}
	reg_conn_set_cancel(c, &t->cancel);
	if (t->show_retries)
		reg_conn_set_retry(c, on_retry, NULL);
	t->regs[t->nregs] = reg;
	t->conns[t->nregs++] = c;
	return c;
}

/* A whole small file, mapped (blob-put of big test blobs stays cheap). */
static void *
map_file(const char *path, size_t *len, struct tm_err *err)
{
	struct stat	 st;
	void		*p;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		tm_err_set(err, TM_CAT_IO, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	*len = (size_t)st.st_size;
	p = mmap(NULL, *len > 0 ? *len : 1, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		tm_err_set(err, TM_CAT_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return p;
}

static int
print_tags(void *ud, const char *const *tags, size_t n)
{
	size_t	i;

	(void)ud;
	for (i = 0; i < n; i++)
		printf("%s\n", tags[i]);
	return 0;
}

struct par {
	struct reg_conn	*conn;
	const char	*repo;
	size_t		 n;
	int		 rc;
	struct tm_err	 err;
};

static int
count_tags(void *ud, const char *const *tags, size_t n)
{
	(void)tags;
	*(size_t *)ud += n;
	return 0;
}

static void *
par_main(void *ud)
{
	struct par	*p = ud;

	p->rc = reg_list_tags(p->conn, p->repo, count_tags, &p->n, NULL, &p->err);
	return NULL;
}

/* N threads, one conn each, one shared registry: the threaded path. */
static int
cmd_tags_parallel(struct tool *t, struct reg_conn *c, char **av, struct tm_err *err)
{
	struct par	*p;
	pthread_t	*th;
	char		*end;
	long		 n = strtol(av[1], &end, 10), i;
	int		 rc = 0;

	if (*end != '\0' || n < 1 || n > 64)
		return -2;
	p = calloc((size_t)n, sizeof *p);
	th = calloc((size_t)n, sizeof *th);
	if (p == NULL || th == NULL) {
		free(p);
		free(th);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	for (i = 0; i < n; i++) {
		p[i].repo = av[0];
		if ((p[i].conn = i == 0 ? c : reg_conn_new(t->regs[0], err)) == NULL) {
			n = i;
			rc = -1;
			break;
		}
		reg_conn_set_cancel(p[i].conn, &t->cancel);
	}
	for (i = 0; rc == 0 && i < n; i++)
		if (pthread_create(&th[i], NULL, par_main, &p[i]) != 0)
			abort();
	for (i = 0; rc == 0 && i < n; i++) {
		pthread_join(th[i], NULL);
		if (p[i].rc == -1) {
			*err = p[i].err;
			rc = -1;
		} else
			printf("%zu\n", p[i].n);
	}
	for (i = 1; i < n; i++)
		reg_conn_free(p[i].conn);
	free(p);
	free(th);
	return rc;
}

static int
cmd_manifest_put(struct reg_conn *c, char **av, int ac, struct tm_err *err)
{
	struct reg_manifest	 m;
	void			*p;
	size_t			 len;
	int			 i, rc = 0;

	if (ac < 4)
		return -2;
	if ((p = map_file(av[2], &len, err)) == NULL)
		return -1;
	memset(&m, 0, sizeof m);
	m.bytes = p;
	m.len = len;
	snprintf(m.media_type, sizeof m.media_type, "%s", av[1]);
	for (i = 3; i < ac && rc == 0; i++)
		rc = reg_manifest_put(c, av[0], av[i], &m, err);
	if (rc == 0) {
		mf_digest(p, len, m.digest);
		printf("%s\n", m.digest);
	}
	munmap(p, len > 0 ? len : 1);
	return rc;
}

static int
cmd_manifest_get(struct tool *t, struct reg_conn *c, char **av, struct tm_err *err)
{
	struct reg_manifest	 m;
	FILE			*f = stdout;
	int			 rc = -1;

	if (reg_manifest_get(c, av[0], av[1], &m, err) == -1)
		return -1;
	if (t->out != NULL && (f = fopen(t->out, "w")) == NULL)
		tm_err_set(err, TM_CAT_IO, "%s: %s", t->out, strerror(errno));
	else if (fwrite(m.bytes, 1, m.len, f) != m.len || fflush(f) != 0)
		tm_err_set(err, TM_CAT_IO, "write failed");
	else
		rc = 0;
	if (f != NULL && f != stdout)
		fclose(f);
	if (rc == 0)
		fprintf(stderr, "digest %s\nmedia-type %s\n", m.digest, m.media_type);
	reg_manifest_free(&m);
	return rc;
}

static int
cmd_blob_put(struct reg_conn *c, char **av, struct tm_err *err)
{
	char	 digest[TM_DIGEST_MAX + 1];
	void	*p;
	size_t	 len;
	int	 rc;

	if ((p = map_file(av[1], &len, err)) == NULL)
		return -1;
	mf_digest(p, len, digest);
	if ((rc = reg_blob_put(c, av[0], p, len, digest, err)) == 0)
		printf("%s %zu\n", digest, len);
	munmap(p, len > 0 ? len : 1);
	return rc;
}

/* Several DIGEST SIZE pairs share one pair of connections. */
static int
cmd_blob_copy(struct tool *t, char **av, int ac, struct tm_err *err)
{
	struct reg_conn	*src, *dst;
	struct mf_desc	 d;
	char		*end;
	int		 i;

	if (ac < 6 || (ac - 4) % 2 != 0)
		return -2;
	if ((src = connect_to(t, av[0], TM_SIDE_SOURCE, err)) == NULL ||
	    (dst = connect_to(t, av[2], TM_SIDE_DEST, err)) == NULL)
		return -1;
	for (i = 4; i < ac; i += 2) {
		memset(&d, 0, sizeof d);
		snprintf(d.digest, sizeof d.digest, "%s", av[i]);
		d.size = strtoll(av[i + 1], &end, 10);
		if (*end != '\0')
			return -2;
		if (reg_blob_copy(src, av[1], dst, av[3], &d, err) == -1)
			return -1;
		printf("copied %s\n", d.digest);
	}
	return 0;
}

/* -2 usage, -1 failed (err), 0 done. */
static int
run(struct tool *t, const char *cmd, char **av, int ac, struct tm_err *err)
{
	struct reg_conn		*c;
	struct reg_manifest	 m;
	size_t			 rejected = 0;
	int			 rc;

	if (strcmp(cmd, "blob-copy") == 0)
		return cmd_blob_copy(t, av, ac, err);
	if (ac < 1)
		return -2;
	if ((c = connect_to(t, av[0], TM_SIDE_SOURCE, err)) == NULL)
		return -1;
	av++;
	ac--;
	if (strcmp(cmd, "ping") == 0) {
		if ((rc = reg_ping(c, err)) == 0)
			printf("ok %s\n", registry_scheme(t->regs[0]));
		return rc;
	}
	if (strcmp(cmd, "tags") == 0 && ac == 1) {
		rc = reg_list_tags(c, av[0], print_tags, NULL, &rejected, err);
		if (rejected > 0)
			fprintf(stderr, "rejected %zu\n", rejected);
		return rc;
	}
	if (strcmp(cmd, "tags-parallel") == 0 && ac == 2)
		return cmd_tags_parallel(t, c, av, err);
	if (strcmp(cmd, "manifest-head") == 0 && ac == 2) {
		if ((rc = reg_manifest_head(c, av[0], av[1], &m, err)) == 1)
			printf("%s %s %zu\n", m.digest, m.media_type, m.len);
		else if (rc == 0)
			printf("absent\n");
		return rc == -1 ? -1 : 0;
	}
	if (strcmp(cmd, "manifest-get") == 0 && ac == 2)
		return cmd_manifest_get(t, c, av, err);
	if (strcmp(cmd, "manifest-put") == 0)
		return cmd_manifest_put(c, av, ac, err);
	if (strcmp(cmd, "manifest-delete") == 0 && ac == 2) {
		if ((rc = reg_manifest_delete(c, av[0], av[1], err)) != -1)
			printf("%s\n", rc == 0 ? "deleted" : "absent");
		return rc == -1 ? -1 : 0;
	}
	if (strcmp(cmd, "tag-delete") == 0 && ac == 2) {
		if ((rc = reg_tag_delete(c, av[0], av[1], err)) == 0)
			printf("deleted\n");
		return rc;
	}
	if (strcmp(cmd, "blob-exists") == 0 && ac == 2) {
		if ((rc = reg_blob_exists(c, av[0], av[1], err)) != -1)
			printf("%s\n", rc ? "present" : "absent");
		return rc == -1 ? -1 : 0;
	}
	if (strcmp(cmd, "blob-mount") == 0 && ac == 3) {
		if ((rc = reg_blob_mount(c, av[0], av[1], av[2], err)) != -1)
			printf("%s\n", rc ? "mounted" : "not mounted");
		return rc == -1 ? -1 : 0;
	}
	if (strcmp(cmd, "blob-put") == 0 && ac == 2)
		return cmd_blob_put(c, av, err);
	return -2;
}

static int
num_opt(const char *arg, double *out)
{
	char	*end;

	*out = strtod(arg, &end);
	return *end == '\0' && *out >= 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct tool	 t;
	struct tm_err	 err;
	pthread_t	 th;
	double		 v;
	const char	*a;
	size_t		 i;
	int		 n = 1, rc;

	memset(&t, 0, sizeof t);
	reg_opts_init(&t.opts);
	for (; n < argc && strncmp(argv[n], "--", 2) == 0; n++) {
		a = argv[n];
		if (strcmp(a, "--tls-verify=false") == 0)
			t.opts.tls_verify = 0;
		else if (strcmp(a, "--plain-http") == 0)
			t.opts.plain_http = 1;
		else if (strcmp(a, "--no-auth-files") == 0)
			t.opts.no_auth_files = 1;
		else if (strcmp(a, "--count") == 0)
			t.count = 1;
		else if (strcmp(a, "--show-retries") == 0)
			t.show_retries = 1;
		else if (n + 1 >= argc)
			return usage();
		else if (strcmp(a, "--user") == 0)
			t.opts.user = argv[++n];
		else if (strcmp(a, "--password-env") == 0) {
			if ((t.opts.pass = getenv(argv[++n])) == NULL) {
				fprintf(stderr, "regtool: %s is not set\n", argv[n]);
				return 2;
			}
		} else if (strcmp(a, "--cert-dir") == 0)
			t.opts.cert_dir = argv[++n];
		else if (strcmp(a, "--ca-file") == 0)
			t.opts.ca_file = argv[++n];
		else if (strcmp(a, "--out") == 0)
			t.out = argv[++n];
		else if (num_opt(argv[n + 1], &v) == -1)
			return usage();
		else if (n++, strcmp(a, "--max-attempts") == 0)
			t.opts.max_attempts = (int)v;
		else if (strcmp(a, "--retry-base") == 0)
			t.opts.retry_base = v;
		else if (strcmp(a, "--retry-cap") == 0)
			t.opts.retry_cap = v;
		else if (strcmp(a, "--low-speed-time") == 0)
			t.opts.low_speed_time = (long)v;
		else if (strcmp(a, "--cancel-after") == 0)
			t.cancel_after = v;
		else
			return usage();
	}
	if (n >= argc)
		return usage();
	if (tm_init() == -1) {
		fprintf(stderr, "regtool: libcurl initialisation failed\n");
		return 1;
	}
	if (t.cancel_after > 0 && pthread_create(&th, NULL, canceller, &t) == 0)
		pthread_detach(th);
	tm_err_clear(&err);
	rc = run(&t, argv[n], argv + n + 1, argc - n - 1, &err);
	for (i = 0; t.count && i < t.nregs; i++) {
		struct reg_stats	st;

		registry_stats(t.regs[i], &st);
		fprintf(stderr, "requests %s %lu\n", registry_host(t.regs[i]),
		    registry_request_count(t.regs[i]));
		fprintf(stderr, "stats %s exchanges %lu pushbacks %lu\n",
		    registry_host(t.regs[i]), st.exchanges, st.pushbacks);
		if (registry_ratelimit_remaining(t.regs[i]) != -1)
			fprintf(stderr, "ratelimit %s %ld %ld\n", registry_host(t.regs[i]),
			    registry_ratelimit_remaining(t.regs[i]),
			    registry_ratelimit_window(t.regs[i]));
	}
	for (i = 0; i < t.nregs; i++) {
		reg_conn_free(t.conns[i]);
		registry_free(t.regs[i]);
	}
	tm_cleanup();
	if (rc == -2)
		return usage();
	return rc == -1 ? fail(&err) : 0;
}
