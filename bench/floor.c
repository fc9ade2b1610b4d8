/*
 * floor: the simplest parallel mirror, the yardstick of bench/run.sh.
 *
 * It makes only the requests that any mirror must make -- GET each tag's
 * manifest and each child of an index once, GET each unique blob once and
 * upload it (POST + PUT, the fewest the API allows), PUT every manifest --
 * with N threads and no checks at all: no HEADs, no digest verification, no
 * retries, no journal.  A mirror that is as fast as this cannot be beaten
 * without skipping work.  Blobs stream GET -> pipe -> PUT, so a blob is
 * never held whole and the GET and the PUT overlap.
 *
 * With -w it is the floor of a re-run that finds nothing to do: one HEAD of
 * each tag's manifest at the source and one at the destination.
 *
 *	floor [-w] [-j N] SRCHOST:PORT/REPO DSTHOST:PORT/REPO < tags
 *
 * Plain HTTP on loopback only.  Built by bench/run.sh with cc directly (it
 * is not part of tagmirror, so there is no config.h):
 *	cc -O2 -o floor bench/floor.c -lcurl -lcjson -lpthread
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <cjson/cJSON.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ACCEPT "Accept: application/vnd.oci.image.index.v1+json, " \
	"application/vnd.oci.image.manifest.v1+json, " \
	"application/vnd.docker.distribution.manifest.list.v2+json, " \
	"application/vnd.docker.distribution.manifest.v2+json"

struct buf {
	char		*p;
	size_t		 len;
};

struct man {
	char		*ref;		/* tag, or digest for a child */
	struct buf	 body;
	char		*ctype;
	int		 is_index;
};

struct blob {
	char		*digest;
	int64_t		 size;
};

struct worker {
	CURL		*h;		/* requests of this worker */
	CURL		*get;		/* the blob GET of its pump thread */
};

static const char	*src_base, *dst_base;	/* http://HOST:PORT/v2/REPO */
static struct man	*mans;
static size_t		 n_mans, n_tags;
static struct blob	*blobs;
static size_t		 n_blobs;
static char		**kids;		/* children of indexes, with repeats */
static size_t		 n_kids;
static int		 jobs = 8;
static atomic_size_t	 next_item;
static atomic_ulong	 n_requests, n_failed;
static atomic_uint_least64_t n_bytes;
static pthread_mutex_t	 list_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n)) == NULL) {
		perror("floor");
		exit(2);
	}
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL) {
		perror("floor");
		exit(2);
	}
	return p;
}

static char *
xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1) {
		perror("floor");
		exit(2);
	}
	va_end(ap);
	return s;
}

static void
fail(const char *what, const char *ref, long code, CURLcode rc)
{
	atomic_fetch_add(&n_failed, 1);
	fprintf(stderr, "floor: %s %s: HTTP %ld %s\n", what, ref, code,
	    rc == CURLE_OK ? "" : curl_easy_strerror(rc));
}

static size_t
buf_write(char *d, size_t sz, size_t n, void *arg)
{
	struct buf	*b = arg;
	char		*p;

	if ((p = realloc(b->p, b->len + sz * n + 1)) == NULL)
		return 0;
	memcpy(p + b->len, d, sz * n);
	b->p = p;
	b->len += sz * n;
	b->p[b->len] = '\0';
	return sz * n;
}

/* Keeps the Location header of an upload session. */
static size_t
location_header(char *d, size_t sz, size_t n, void *arg)
{
	char	**loc = arg;
	size_t	  len = sz * n;

	if (len > 9 && strncasecmp(d, "Location:", 9) == 0) {
		d += 9;
		len -= 9;
		while (len > 0 && (*d == ' ' || *d == '\t')) {
			d++;
			len--;
		}
		while (len > 0 && (d[len - 1] == '\r' || d[len - 1] == '\n'))
			len--;
		free(*loc);
		*loc = strndup(d, len);
	}
	return sz * n;
}

/* One request; returns the HTTP status, 0 when the transfer failed. */
static long
perform(CURL *h, const char *what, const char *ref)
{
	CURLcode	 rc;
	long		 code = 0;
	curl_off_t	 up = 0, down = 0;

	rc = curl_easy_perform(h);
	atomic_fetch_add(&n_requests, 1);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &down);
	atomic_fetch_add(&n_bytes, (uint64_t)up + (uint64_t)down);
	if (rc != CURLE_OK || code >= 300) {
		fail(what, ref, code, rc);
		return 0;
	}
	return code;
}

static void
set_common(CURL *h, const char *url, struct curl_slist *hdrs)
{
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
}

static void
add_blob(const cJSON *desc)
{
	const cJSON	*d = cJSON_GetObjectItem(desc, "digest");
	const cJSON	*s = cJSON_GetObjectItem(desc, "size");

	if (!cJSON_IsString(d) || !cJSON_IsNumber(s))
		return;
	pthread_mutex_lock(&list_lock);
	blobs = xrealloc(blobs, (n_blobs + 1) * sizeof *blobs);
	blobs[n_blobs].digest = strdup(d->valuestring);
	blobs[n_blobs].size = (int64_t)s->valuedouble;
	n_blobs++;
	pthread_mutex_unlock(&list_lock);
}

/* Children and blobs go on their lists, deduplicated between phases. */
static void
parse_manifest(struct man *m)
{
	cJSON		*j = cJSON_ParseWithLength(m->body.p, m->body.len);
	const cJSON	*l, *e, *d;

	if (j == NULL) {
		fail("parse", m->ref, 0, CURLE_OK);
		return;
	}
	if ((l = cJSON_GetObjectItem(j, "manifests")) != NULL) {
		m->is_index = 1;
		cJSON_ArrayForEach(e, l) {
			d = cJSON_GetObjectItem(e, "digest");
			if (!cJSON_IsString(d))
				continue;
			pthread_mutex_lock(&list_lock);
			kids = xrealloc(kids, (n_kids + 1) * sizeof *kids);
			kids[n_kids++] = strdup(d->valuestring);
			pthread_mutex_unlock(&list_lock);
		}
	} else {
		add_blob(cJSON_GetObjectItem(j, "config"));
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "layers"))
			add_blob(e);
	}
	cJSON_Delete(j);
}

static void
get_manifest(struct worker *w, struct man *m)
{
	struct curl_slist	*hdrs = curl_slist_append(NULL, ACCEPT);
	char			*url;
	const char		*ct = NULL;

	url = xprintf("%s/manifests/%s", src_base, m->ref);
	set_common(w->h, url, hdrs);
	curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(w->h, CURLOPT_WRITEDATA, &m->body);
	if (perform(w->h, "GET manifest", m->ref) != 0) {
		curl_easy_getinfo(w->h, CURLINFO_CONTENT_TYPE, &ct);
		m->ctype = strdup(ct != NULL ? ct : "");
		parse_manifest(m);
	} else {
		free(m->body.p);
		m->body.p = NULL;
	}
	free(url);
	curl_slist_free_all(hdrs);
}

struct pump {
	CURL		*h;
	const char	*digest;
	int		 fd;		/* write end */
	long		 ok;
};

static size_t
pipe_write(char *d, size_t sz, size_t n, void *arg)
{
	struct pump	*p = arg;
	size_t		 left = sz * n;
	ssize_t		 r;

	while (left > 0) {
		if ((r = write(p->fd, d, left)) == -1) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		d += r;
		left -= (size_t)r;
	}
	return sz * n;
}

static size_t
pipe_read(char *d, size_t sz, size_t n, void *arg)
{
	ssize_t	r;

	do
		r = read(*(int *)arg, d, sz * n);
	while (r == -1 && errno == EINTR);
	return r == -1 ? CURL_READFUNC_ABORT : (size_t)r;
}

static void *
pump_get(void *arg)
{
	struct pump	*p = arg;
	char		*url = xprintf("%s/blobs/%s", src_base, p->digest);

	set_common(p->h, url, NULL);
	curl_easy_setopt(p->h, CURLOPT_WRITEFUNCTION, pipe_write);
	curl_easy_setopt(p->h, CURLOPT_WRITEDATA, p);
	p->ok = perform(p->h, "GET blob", p->digest);
	close(p->fd);
	free(url);
	return NULL;
}

static void
copy_blob(struct worker *w, size_t i)
{
	struct blob		*b = &blobs[i];
	struct curl_slist	*hdrs;
	struct pump		 p = { w->get, b->digest, -1, 0 };
	pthread_t		 t;
	char			*url, *loc = NULL, *put;
	int			 fds[2];

	url = xprintf("%s/blobs/uploads/", dst_base);
	set_common(w->h, url, NULL);
	curl_easy_setopt(w->h, CURLOPT_POST, 1L);
	curl_easy_setopt(w->h, CURLOPT_POSTFIELDSIZE, 0L);
	curl_easy_setopt(w->h, CURLOPT_HEADERFUNCTION, location_header);
	curl_easy_setopt(w->h, CURLOPT_HEADERDATA, &loc);
	free(url);
	if (perform(w->h, "POST upload", b->digest) == 0 || loc == NULL) {
		free(loc);
		return;
	}
	if (pipe(fds) == -1) {
		perror("floor: pipe");
		exit(2);
	}
	(void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	p.fd = fds[1];
	if (pthread_create(&t, NULL, pump_get, &p) != 0) {
		perror("floor: pthread_create");
		exit(2);
	}
	if (loc[0] == '/')
		put = xprintf("%.*s%s%sdigest=%s",
		    (int)(strstr(dst_base, "/v2/") - dst_base), dst_base, loc,
		    strchr(loc, '?') ? "&" : "?", b->digest);
	else
		put = xprintf("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?",
		    b->digest);
	hdrs = curl_slist_append(NULL, "Content-Type: application/octet-stream");
	hdrs = curl_slist_append(hdrs, "Expect:");
	set_common(w->h, put, hdrs);
	curl_easy_setopt(w->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(w->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)b->size);
	curl_easy_setopt(w->h, CURLOPT_READFUNCTION, pipe_read);
	curl_easy_setopt(w->h, CURLOPT_READDATA, &fds[0]);
	perform(w->h, "PUT blob", b->digest);
	close(fds[0]);		/* a GET still writing now fails and ends */
	pthread_join(t, NULL);
	curl_slist_free_all(hdrs);
	free(put);
	free(loc);
}

static void
put_manifest(struct worker *w, struct man *m)
{
	struct curl_slist	*hdrs;
	char			*url, *ct;

	if (m->body.p == NULL)
		return;		/* its GET failed and was counted */
	url = xprintf("%s/manifests/%s", dst_base, m->ref);
	ct = xprintf("Content-Type: %s", m->ctype);
	hdrs = curl_slist_append(NULL, ct);
	set_common(w->h, url, hdrs);
	curl_easy_setopt(w->h, CURLOPT_CUSTOMREQUEST, "PUT");
	curl_easy_setopt(w->h, CURLOPT_POSTFIELDS, m->body.p);
	curl_easy_setopt(w->h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)m->body.len);
	perform(w->h, "PUT manifest", m->ref);
	curl_slist_free_all(hdrs);
	free(url);
	free(ct);
}

static void
head_manifest(struct worker *w, const char *base, const char *ref)
{
	struct curl_slist	*hdrs = curl_slist_append(NULL, ACCEPT);
	char			*url = xprintf("%s/manifests/%s", base, ref);

	set_common(w->h, url, hdrs);
	curl_easy_setopt(w->h, CURLOPT_NOBODY, 1L);
	perform(w->h, "HEAD manifest", ref);
	curl_slist_free_all(hdrs);
	free(url);
}

enum phase { HEADS, GET_TAGS, GET_CHILDREN, BLOBS, PUT_IMAGES, PUT_INDEXES };

static enum phase	 phase;
static size_t		 phase_first, phase_end;

static void *
work(void *arg)
{
	struct worker	*w = arg;
	size_t		 i;

	while ((i = atomic_fetch_add(&next_item, 1) + phase_first) < phase_end) {
		switch (phase) {
		case HEADS:
			head_manifest(w, i % 2 ? dst_base : src_base,
			    mans[i / 2].ref);
			break;
		case GET_TAGS:
		case GET_CHILDREN:
			get_manifest(w, &mans[i]);
			break;
		case BLOBS:
			copy_blob(w, i);
			break;
		case PUT_IMAGES:
			if (!mans[i].is_index)
				put_manifest(w, &mans[i]);
			break;
		case PUT_INDEXES:
			if (mans[i].is_index)
				put_manifest(w, &mans[i]);
			break;
		}
	}
	return NULL;
}

/* Runs items [first, end) of phase p on every worker; returns when done. */
static void
run_phase(struct worker *ws, enum phase p, size_t first, size_t end)
{
	pthread_t	*t = xmalloc((size_t)jobs * sizeof *t);
	int		 i;

	phase = p;
	phase_first = first;
	phase_end = end;
	atomic_store(&next_item, 0);
	for (i = 0; i < jobs; i++)
		if (pthread_create(&t[i], NULL, work, &ws[i]) != 0) {
			perror("floor: pthread_create");
			exit(2);
		}
	for (i = 0; i < jobs; i++)
		pthread_join(t[i], NULL);
	free(t);
}

static int
cmp_blob(const void *a, const void *b)
{
	return strcmp(((const struct blob *)a)->digest,
	    ((const struct blob *)b)->digest);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends each distinct child to the manifests, after the tags. */
static void
add_children(void)
{
	const char	*last = NULL;
	size_t		 i;

	qsort(kids, n_kids, sizeof *kids, cmp_str);
	for (i = 0; i < n_kids; i++) {
		if (last != NULL && strcmp(last, kids[i]) == 0) {
			free(kids[i]);
			continue;
		}
		mans = xrealloc(mans, (n_mans + 1) * sizeof *mans);
		memset(&mans[n_mans], 0, sizeof *mans);
		mans[n_mans++].ref = kids[i];
		last = kids[i];
	}
	free(kids);
}

static void
unique_blobs(void)
{
	size_t	i, o;

	qsort(blobs, n_blobs, sizeof *blobs, cmp_blob);
	for (i = o = 0; i < n_blobs; i++) {
		if (o > 0 && strcmp(blobs[o - 1].digest, blobs[i].digest) == 0) {
			free(blobs[i].digest);
			continue;
		}
		blobs[o++] = blobs[i];
	}
	n_blobs = o;
}

static void
usage(void)
{
	fprintf(stderr, "usage: floor [-w] [-j N] SRCHOST:PORT/REPO "
	    "DSTHOST:PORT/REPO < tags\n");
	exit(2);
}

/* HOST:PORT/REPO -> http://HOST:PORT/v2/REPO */
static char *
api_base(const char *ref)
{
	const char	*slash = strchr(ref, '/');

	if (slash == NULL)
		usage();
	return xprintf("http://%.*s/v2%s", (int)(slash - ref), ref, slash);
}

int
main(int argc, char **argv)
{
	struct worker	*ws;
	char		 line[512];
	size_t		 n_children, len;
	int		 c, i, warm = 0;

	while ((c = getopt(argc, argv, "j:w")) != -1) {
		if (c == 'w')
			warm = 1;
		else if (c != 'j' || (jobs = atoi(optarg)) < 1)
			usage();
	}
	if (argc - optind != 2)
		usage();
	src_base = api_base(argv[optind]);
	dst_base = api_base(argv[optind + 1]);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_ALL);

	while (fgets(line, sizeof line, stdin) != NULL) {
		if ((len = strcspn(line, "\r\n")) == 0)
			continue;
		line[len] = '\0';
		mans = xrealloc(mans, (n_mans + 1) * sizeof *mans);
		memset(&mans[n_mans], 0, sizeof *mans);
		mans[n_mans++].ref = strdup(line);
	}
	n_tags = n_mans;

	ws = xmalloc((size_t)jobs * sizeof *ws);
	for (i = 0; i < jobs; i++) {
		ws[i].h = curl_easy_init();
		ws[i].get = curl_easy_init();
	}

	if (warm)
		run_phase(ws, HEADS, 0, 2 * n_tags);
	else {
		run_phase(ws, GET_TAGS, 0, n_tags);
		add_children();
		run_phase(ws, GET_CHILDREN, n_tags, n_mans);
		unique_blobs();
		run_phase(ws, BLOBS, 0, n_blobs);
		run_phase(ws, PUT_IMAGES, 0, n_mans);
		run_phase(ws, PUT_INDEXES, 0, n_tags);
	}
	n_children = n_mans - n_tags;

	fprintf(stderr, "floor: %zu tags, %zu child manifests, %zu blobs, "
	    "%lu requests, %" PRIu64 " bytes, %lu failed\n", n_tags, n_children,
	    n_blobs, atomic_load(&n_requests), (uint64_t)atomic_load(&n_bytes),
	    atomic_load(&n_failed));
	for (i = 0; i < jobs; i++) {
		curl_easy_cleanup(ws[i].h);
		curl_easy_cleanup(ws[i].get);
	}
	curl_global_cleanup();
	return atomic_load(&n_failed) == 0 ? 0 : 1;
}
