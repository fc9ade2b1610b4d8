/*
 * Referrer counts for a preview (refcount.h): REFCOUNT_JOBS threads take
 * the tags in turn, each on a connection of its own, and run
 * referrers.c's walk in its counting mode against a run object that holds
 * only what the walk reads.
 */
#include "config.h"

#include "refcount.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "internal.h"
#include "strv.h"

struct refcount {
	/* The walk's context: source repository, types, listing, API flag. */
	struct mirror		 m;
	struct registry		*reg;
	char			**tags;
	size_t			 n;
	atomic_int		*counts;
	/* Tag k's error, set before counts[k]; allocated only for a tag
	 * whose count failed, so a listing of 50,000 costs pointers. */
	struct tm_err		**errs;
	atomic_size_t		 next, left;
	struct evq		*q;
	pthread_t		 th[REFCOUNT_JOBS];
	size_t			 nth;
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The listing's sha256-* tags, sorted, as the plan keeps them for a run. */
static int
keep_refs(struct mirror *m, const char *const *names, size_t nn)
{
	size_t	i;

	if ((m->src_refs = calloc(nn + 1, sizeof *m->src_refs)) == NULL)
		return -1;
	for (i = 0; i < nn; i++)
		if (strncmp(names[i], "sha256-", 7) == 0 &&
		    (m->src_refs[m->nsrc_refs++] = strdup(names[i])) == NULL)
			return -1;
	if (m->nsrc_refs > 1)
		qsort(m->src_refs, m->nsrc_refs, sizeof *m->src_refs, str_cmp);
	m->src_refs_listed = 1;
	return 0;
}

/*
 * Tag k's count: a HEAD, a GET for an index, then the walk; nothing at
 * all once the source has neither the API nor a sha256-* tag.  0 or -1.
 */
static int
count_tag(struct worker *w, const char *tag, int *count, struct tm_err *err)
{
	struct mirror		*m = w->m;
	struct reg_manifest	 h, g;
	int			 r;

	memset(&g, 0, sizeof g);
	/* No API and no sha256-* tag: nothing refers to anything, unasked. */
	if (atomic_load(&m->src_no_referrers_api) && m->nsrc_refs == 0)
		return *count = 0, 0;
	if ((r = reg_manifest_head(w->src, m->src.repo, tag, &h, err)) != 1)
		return r == 0 ? tm_err_set(err, TM_CAT_PROTOCOL, "the tag is "
		    "gone from the source") : -1;
	if (mf_is_index_type(h.media_type) &&
	    reg_manifest_get(w->src, m->src.repo, h.digest, &g, err) == -1)
		r = -1;
	else
		r = referrers_count(w, g.bytes != NULL ? &g : &h, count, err);
	reg_manifest_free(&h);
	reg_manifest_free(&g);
	return r;
}

static void
done_one(struct refcount *rc, size_t k, int count)
{
	int	ev = (int)k;

	atomic_store(&rc->counts[k], count);
	if (rc->q != NULL)
		evq_push(rc->q, &ev);
	if (atomic_fetch_sub(&rc->left, 1) == 1 && rc->q != NULL) {
		ev = -1;
		evq_push(rc->q, &ev);
	}
}

static void *
counter(void *p)
{
	struct refcount	*rc = p;
	struct worker	 w = { .m = &rc->m };
	struct tm_err	 cerr, e;
	size_t		 k;
	int		 count;

	tm_err_clear(&cerr);
	if ((w.src = reg_conn_new(rc->reg, &cerr)) != NULL)
		reg_conn_set_cancel(w.src, &rc->m.cancel);
	while (!atomic_load(&rc->m.cancel) &&
	    (k = atomic_fetch_add(&rc->next, 1)) < rc->n) {
		tm_err_clear(&e);
		count = 0;
		if (w.src == NULL)
			e = cerr;
		if (w.src == NULL ||
		    count_tag(&w, rc->tags[k], &count, &e) == -1) {
			count = REFCOUNT_FAILED;
			if ((rc->errs[k] = malloc(sizeof e)) != NULL)
				*rc->errs[k] = e;
		}
		done_one(rc, k, count);
	}
	reg_conn_free(w.src);
	return NULL;
}

/* Everything but the threads; 0, or -1 with err. */
static int
setup(struct refcount *rc, const char *src, const struct reg_opts *ro,
    const char *types, const char *const *names, size_t nn,
    const char *const *tags, size_t n, struct tm_err *err)
{
	size_t	k;

	if (tm_ref_parse(src, &rc->m.src, err) == -1 ||
	    (rc->reg = registry_new(rc->m.src.api_host, ro, err)) == NULL)
		return -1;
	rc->n = n;
	atomic_store(&rc->left, n);
	if ((types != NULL && (rc->m.opts.referrer_types = strdup(types)) ==
	    NULL) || keep_refs(&rc->m, names, nn) == -1 ||
	    (rc->tags = calloc(n + 1, sizeof *rc->tags)) == NULL ||
	    (rc->counts = calloc(n + 1, sizeof *rc->counts)) == NULL ||
	    (rc->errs = calloc(n + 1, sizeof *rc->errs)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	for (k = 0; k < n; k++) {
		atomic_init(&rc->counts[k], REFCOUNT_UNKNOWN);
		if ((rc->tags[k] = strdup(tags[k])) == NULL)
			return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	return 0;
}

struct refcount *
refcount_start(const char *src, const struct reg_opts *ro, const char *types,
    const char *const *names, size_t nn, const char *const *tags, size_t n,
    struct evq *q, struct tm_err *err)
{
	struct refcount	*rc;
	int		 ev = -1;

	if ((rc = calloc(1, sizeof *rc)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	rc->q = q;
	if (setup(rc, src, ro, types, names, nn, tags, n, err) == -1) {
		refcount_free(rc);
		return NULL;
	}
	if (n == 0 && q != NULL)
		evq_push(q, &ev);
	while (rc->nth < REFCOUNT_JOBS && rc->nth < n &&
	    pthread_create(&rc->th[rc->nth], NULL, counter, rc) == 0)
		rc->nth++;
	if (rc->nth == 0 && n > 0) {
		refcount_free(rc);
		tm_err_set(err, TM_CAT_IO, "cannot start a thread");
		return NULL;
	}
	return rc;
}

int
refcount_get(const struct refcount *rc, size_t k)
{
	return k < rc->n ? atomic_load(&rc->counts[k]) : REFCOUNT_UNKNOWN;
}

void
refcount_error(const struct refcount *rc, size_t k, struct tm_err *err)
{
	tm_err_clear(err);
	if (refcount_get(rc, k) != REFCOUNT_FAILED)
		return;
	if (rc->errs[k] != NULL)
		*err = *rc->errs[k];
	else	/* the failure's own record could not be kept */
		tm_err_set(err, TM_CAT_IO, "out of memory");
}

void
refcount_wait(struct refcount *rc)
{
	while (rc->nth > 0)
		pthread_join(rc->th[--rc->nth], NULL);
}

void
refcount_free(struct refcount *rc)
{
	size_t	k;

	if (rc == NULL)
		return;
	atomic_store(&rc->m.cancel, 1);
	refcount_wait(rc);
	registry_free(rc->reg);
	tm_strv_free(rc->tags, rc->n);
	tm_strv_free(rc->m.src_refs, rc->m.nsrc_refs);
	free((char *)rc->m.opts.referrer_types);
	free(rc->counts);
	for (k = 0; rc->errs != NULL && k < rc->n; k++)
		free(rc->errs[k]);
	free(rc->errs);
	free(rc);
}
