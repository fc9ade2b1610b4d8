/*
 * The plan: list both sides, match the expression, publish the tags, and
 * examine each one (HEADs, or a GET when the destination lacks it) to
 * decide whether it is up to date, to copy, or stale.
 */
#include "config.h"

#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "matchwarn.h"
#include "pool.h"
#include "tagexpr.h"
#include "window.h"

struct names {
	char	**v;
	size_t	  n, cap;
};

/* Append name (taken over).  0, or -1 when out of memory. */
static int
names_push(struct names *s, char *name)
{
	char	**nv;

	if (name == NULL)
		return -1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		if ((nv = realloc(s->v, s->cap * sizeof *nv)) == NULL) {
			free(name);
			return -1;
		}
		s->v = nv;
	}
	s->v[s->n++] = name;
	return 0;
}

static int
names_page(void *ud, const char *const *tags, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (names_push(ud, strdup(tags[i])) == -1)
			return 1;
	return 0;
}

static void
names_free(struct names *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
nat_idx_cmp(const void *a, const void *b, void *ud)
{
	const char *const	*v = ud;

	return tm_natcmp(v[*(const size_t *)a], v[*(const size_t *)b]);
}

/* n may be 0 with sorted NULL (a listing without such names). */
static int
contains(const char *const *sorted, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, sorted, n, sizeof *sorted, str_cmp) != NULL;
}

void
plan_warnings_free(struct plan_warnings *w)
{
	struct names	s = { w->v, w->n, w->n };

	names_free(&s);
	w->v = NULL;
	w->n = 0;
}

/* The match's warnings, worded by matchwarn.c, as lines.  0 or -1. */
static int
warning_lines(const struct tagexpr *expr, const size_t *item_counts,
    size_t n, size_t rejected, size_t selected, struct plan_warnings *w)
{
	struct match_warning	*v;
	size_t			 i, nv;

	if (match_warnings(expr, item_counts, n, rejected, selected, &v,
	    &nv) == -1)
		return -1;
	w->n = 0;
	if (nv > 0 && (w->v = calloc(nv, sizeof *w->v)) == NULL) {
		match_warnings_free(v, nv);
		return -1;
	}
	for (i = 0; i < nv; i++)
		w->v[w->n++] = v[i].text;	/* taken over */
	free(v);
	return 0;
}

int
plan_match(const struct tagexpr *expr, const char *const *only,
    size_t n_only, const char *const *src, size_t n, size_t rejected,
    size_t **out, size_t *nout, struct plan_warnings *warn,
    struct tm_err *err)
{
	struct tagexpr_result	 r;
	const char		**sorted = NULL;
	size_t			 i, k;

	memset(&r, 0, sizeof r);
	if (expr != NULL) {
		if (tagexpr_apply(expr, src, n, &r, err) == -1)
			return -1;
	} else {
		if ((r.matched = calloc(n + 1, sizeof *r.matched)) == NULL)
			return tm_err_set(err, TM_CAT_IO, "out of memory");
		for (i = 0; i < n; i++)
			r.matched[i] = i;
		r.n_matched = n;
		qsort_r(r.matched, r.n_matched, sizeof *r.matched, nat_idx_cmp,
		    (void *)src);
	}
	if (n_only > 0) {
		/* --only-failed: the earlier run's failures, still upstream. */
		if ((sorted = calloc(n_only, sizeof *sorted)) == NULL) {
			tagexpr_result_free(&r);
			return tm_err_set(err, TM_CAT_IO, "out of memory");
		}
		memcpy(sorted, only, n_only * sizeof *sorted);
		qsort(sorted, n_only, sizeof *sorted, str_cmp);
		for (i = k = 0; i < r.n_matched; i++)
			if (contains(sorted, n_only, src[r.matched[i]]))
				r.matched[k++] = r.matched[i];
		r.n_matched = k;
		free(sorted);
	}
	if (warn != NULL && warning_lines(expr, r.item_counts, n, rejected,
	    r.n_matched, warn) == -1) {
		tagexpr_result_free(&r);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	*out = r.matched;
	*nout = r.n_matched;
	r.matched = NULL;
	tagexpr_result_free(&r);
	return 0;
}

/*
 * Both listings at once (each is a round trip or more before any tag):
 * pool_run's item 0 the source's, with the selection, item 1 the
 * destination's.
 */
struct listings {
	struct mirror	*m;
	struct names	 src, dst;
	size_t		*matched, n;
	int		 rc[2];
	struct tm_err	 err[2];
};

/*
 * The destination's tags, once, into m->dst_tags, from l's listing.  A
 * 404 is a repository not made yet: no tags.  -1 (err filled) for any
 * other failure.  After the source's listing (src_refs).
 */
static int
list_dst(struct mirror *m, struct listings *l, struct tm_err *err)
{
	struct names	*dst = &l->dst;
	size_t		 i;

	if (l->rc[1] == -1) {
		names_free(dst);
		memset(dst, 0, sizeof *dst);
		if (l->err[1].http != 404) {
			*err = l->err[1];
			return -1;
		}
	}
	if (dst->n > 1)
		qsort(dst->v, dst->n, sizeof *dst->v, str_cmp);
	m->dst_tags = dst->v;
	m->ndst_tags = dst->n;
	m->dst_listed = 1;
	m->dst_empty = dst->n == 0;
	memset(dst, 0, sizeof *dst);
	for (i = 0; i < m->nsrc_refs && !m->src_refs_new; i++)
		m->src_refs_new = plan_listed(m, TM_SIDE_DEST,
		    m->src_refs[i]) == 0;
	return 0;
}

void
plan_forget_listing(struct mirror *m)
{
	struct names	s = { m->dst_tags, m->ndst_tags, m->ndst_tags },
			r = { m->src_refs, m->nsrc_refs, m->nsrc_refs };

	names_free(&s);
	names_free(&r);
	m->dst_tags = NULL;
	m->ndst_tags = 0;
	m->dst_listed = 0;
	m->src_refs = NULL;
	m->nsrc_refs = 0;
	m->src_refs_listed = 0;
	m->src_refs_new = 0;
}

/*
 * The source's sha256-* tags (the referrers tag schema's and cosign's),
 * sorted, so referrers.c asks for none the listing lacks.  Out of memory
 * they are just not known.
 */
static void
keep_ref_tags(struct mirror *m, const struct names *src)
{
	struct names	r = { 0 };
	size_t		i;

	for (i = 0; i < src->n; i++)
		if (strncmp(src->v[i], "sha256-", 7) == 0 &&
		    names_push(&r, strdup(src->v[i])) == -1) {
			names_free(&r);
			return;
		}
	if (r.n > 1)
		qsort(r.v, r.n, sizeof *r.v, str_cmp);
	m->src_refs = r.v;
	m->nsrc_refs = r.n;
	m->src_refs_listed = 1;
}

int
plan_listed(const struct mirror *m, enum tm_side side, const char *tag)
{
	if (side == TM_SIDE_SOURCE)
		return m->src_refs_listed ? contains((const char *const *)
		    m->src_refs, m->nsrc_refs, tag) : -1;
	return m->dst_listed ? contains((const char *const *)m->dst_tags,
	    m->ndst_tags, tag) : -1;
}

int
plan_stale_tags(const struct tagexpr *expr, const char *const *src,
    size_t nsrc, const char *const *dst, size_t ndst, char ***out,
    size_t *nout, struct tm_err *err)
{
	struct names		  found = { 0 };
	struct tagexpr_result	  r;
	const char		**sorted, **all;
	size_t			  i, n = nsrc;

	*out = NULL;
	*nout = 0;
	sorted = calloc(nsrc + 1, sizeof *sorted);
	all = calloc(nsrc + ndst + 1, sizeof *all);
	if (sorted == NULL || all == NULL) {
		free(sorted);
		free(all);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	memcpy(sorted, src, nsrc * sizeof *sorted);
	qsort(sorted, nsrc, sizeof *sorted, str_cmp);
	memcpy(all, src, nsrc * sizeof *all);
	for (i = 0; i < ndst; i++)
		if (!contains(sorted, nsrc, dst[i]))
			all[n++] = dst[i];
	free(sorted);
	/*
	 * Over the whole list, not tag by tag: a "latest:N" item ranks a
	 * gone tag among the upstream ones.  Matches come in natural order.
	 */
	if (tagexpr_apply(expr, all, n, &r, err) == -1) {
		free(all);
		return -1;
	}
	for (i = 0; i < r.n_matched; i++)
		if (r.matched[i] >= nsrc &&
		    names_push(&found, strdup(all[r.matched[i]])) == -1) {
			free(all);
			tagexpr_result_free(&r);
			names_free(&found);
			return tm_err_set(err, TM_CAT_IO, "out of memory");
		}
	free(all);
	tagexpr_result_free(&r);
	*out = found.v;
	*nout = found.n;
	return 0;
}

struct plan_range {
	struct mirror	*m;
	size_t		 from;
};

static void
plan_one(void *ud, size_t worker, size_t k)
{
	struct plan_range	*r = ud;

	plan_tag(&r->m->w[worker], r->from + k);
}

/* The source's tags into src, the selection, and its warnings in m. */
static int
list_src(struct mirror *m, struct names *src, size_t **matched, size_t *n,
    struct tm_err *err)
{
	struct plan_warnings	warn = { 0 };
	size_t			rejected = 0;

	if (reg_list_tags(m->w[0].src, m->src.repo, names_page, src,
	    &rejected, err) == -1)
		return -1;
	keep_ref_tags(m, src);
	if (plan_match(m->expr, m->opts.only_tags, m->opts.n_only,
	    (const char *const *)src->v, src->n, rejected, matched, n, &warn,
	    err) == -1)
		return -1;
	pthread_mutex_lock(&m->lock);
	m->warnings = warn.v;
	m->nwarnings = warn.n;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static void
list_one(void *ud, size_t worker, size_t item)
{
	struct listings	*l = ud;
	struct mirror	*m = l->m;

	(void)worker;
	tm_err_clear(&l->err[item]);
	l->rc[item] = item == 0 ?
	    list_src(m, &l->src, &l->matched, &l->n, &l->err[0]) :
	    reg_list_tags(m->w[0].dst, m->dst.repo, names_page, &l->dst, NULL,
	    &l->err[1]);
}

/* Both listings; -1 (err filled) when the source's failed. */
static int
list_both(struct listings *l, struct tm_err *err)
{
	pool_run(2, 2, list_one, l, NULL);
	if (l->rc[0] == -1) {
		*err = l->err[0];
		return -1;
	}
	return 0;
}

int
plan_run(struct mirror *m, int plan_copies, struct tm_err *err)
{
	struct plan_range	 range = { m, 0 };
	struct mirror_event	 ev;
	struct listings		 l = { .m = m };
	struct names		 old = { 0 }, *src = &l.src;
	size_t			 n, i;
	struct mtag		*tags;
	int			 rc = -1;

	if (list_both(&l, err) == -1)
		goto out;
	n = l.n;
	if (m->opts.delete_stale && m->expr != NULL && m->opts.n_only == 0) {
		if (list_dst(m, &l, err) == -1 ||
		    plan_stale_tags(m->expr, (const char *const *)src->v, src->n,
		    (const char *const *)m->dst_tags, m->ndst_tags, &old.v,
		    &old.n, err) == -1)
			goto out;
	} else if (list_dst(m, &l, err) == -1)
		/* Not fatal: each tag's destination HEAD tells instead. */
		tm_err_clear(err);
	if ((tags = calloc(n + old.n + 1, sizeof *tags)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		snprintf(tags[i].i.name, sizeof tags[i].i.name, "%s",
		    src->v[l.matched[i]]);
	for (i = 0; i < old.n; i++) {
		snprintf(tags[n + i].i.name, sizeof tags[n + i].i.name, "%s",
		    old.v[i]);
		tags[n + i].i.action = TAG_ACT_DELETE;
	}
	pthread_mutex_lock(&m->lock);
	m->tags = tags;
	m->ntags = n + old.n;
	for (i = 0; i < m->ntags; i++)
		engine_count_tag(m, i, 1);
	pthread_mutex_unlock(&m->lock);
	memset(&ev, 0, sizeof ev);
	ev.type = MEV_PLANNED;
	ev.count = n + old.n;
	ev.status = MIRROR_PLANNING;
	engine_emit(m, &ev);
	if (engine_workers(m, m->ntags, err) == -1)
		goto out;
	range.from = plan_copies ? 0 : n;
	engine_pool(m, m->ntags - range.from, plan_one, &range);
	rc = 0;
out:
	if (rc == -1)
		plan_forget_listing(m);
	free(l.matched);
	names_free(&l.src);
	names_free(&l.dst);
	names_free(&old);
	return rc;
}

/* The error for a manifest the registry says it does not have. */
static void
not_found(struct tm_err *e, enum tm_side side, const char *host,
    const char *tag, const char *why)
{
	tm_err_clear(e);
	e->side = side;
	e->http = 404;
	snprintf(e->code, sizeof e->code, "MANIFEST_UNKNOWN");
	snprintf(e->host, sizeof e->host, "%s", host);
	snprintf(e->object, sizeof e->object, "manifest %s", tag);
	e->attempts = 1;
	tm_err_set(e, TM_CAT_NOT_FOUND, "%s", why);
}

/*
 * What the destination tag should point at: the source digest, or with
 * --arch the digest of the filtered index (a GET, counted by Docker Hub,
 * unless the plan has the bytes already).
 */
static int
target_digest(struct worker *w, const char *tag, const struct reg_manifest *s,
    char *out, struct tm_err *e)
{
	struct mirror		*m = w->m;
	struct reg_manifest	 full = { 0 };
	const struct reg_manifest *idx = s;
	char			*f = NULL;
	size_t			 flen;
	int			 kept;

	snprintf(out, TM_DIGEST_MAX + 1, "%s", s->digest);
	if (m->opts.platforms == NULL || !mf_is_index_type(s->media_type))
		return 0;
	if (s->bytes == NULL) {
		if (plan_rate_gate(w, tag, e) == -1 || reg_manifest_get(w->src,
		    m->src.repo, s->digest, &full, e) == -1)
			return -1;
		idx = &full;
	}
	kept = mf_filter_index(idx->bytes, idx->len, m->opts.platforms, &f,
	    &flen, e);
	if (kept > 0)
		mf_digest(f, flen, out);
	else if (kept == 0)
		not_found(e, TM_SIDE_SOURCE, m->src.api_host, tag,
		    "no platform matches --arch");
	free(f);
	reg_manifest_free(&full);
	return kept > 0 ? 0 : -1;
}

/* A stale tag: its bytes now, so rollback can put it back. */
static int
plan_stale(struct worker *w, size_t i, struct tm_err *e)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 d = { 0 };

	if (reg_manifest_get(w->dst, m->dst.repo, t->i.name, &d, e) == -1) {
		if (e->http != 404)
			return -1;
		/* Removed by someone else meanwhile: nothing left to do. */
		pthread_mutex_lock(&m->lock);
		t->planned = 1;
		pthread_mutex_unlock(&m->lock);
		engine_set_state(m, i, TAG_STALE_DELETED, NULL);
		return 0;
	}
	pthread_mutex_lock(&m->lock);
	snprintf(t->i.prev_digest, sizeof t->i.prev_digest, "%s", d.digest);
	snprintf(t->prev_type, sizeof t->prev_type, "%s", d.media_type);
	t->prev_bytes = d.bytes;
	t->prev_len = d.len;
	t->planned = 1;
	pthread_mutex_unlock(&m->lock);
	d.bytes = NULL;
	engine_set_state(m, i, TAG_QUEUED, NULL);
	return 0;
}

/* The planning listing says the destination has no such tag. */
static int
dst_lacks(const struct mirror *m, const char *tag)
{
	return m->dst_listed && (m->ndst_tags == 0 ||
	    !contains((const char *const *)m->dst_tags, m->ndst_tags,
	    tag));
}

/* The destination tag; one the planning listing lacks is new (0). */
static int
dst_head(struct worker *w, const char *tag, struct reg_manifest *d,
    struct tm_err *e)
{
	struct mirror	*m = w->m;

	if (dst_lacks(m, tag))
		return 0;
	return reg_manifest_head(w->dst, m->dst.repo, tag, d, e);
}

/*
 * Whether the source meters GETs: Docker Hub always, any other registry
 * once it announced a budget.  The budget comes with manifest answers
 * only, so until the first one arrives nobody knows: the first lookup
 * goes alone and the others wait for its answer (*first: it was ours),
 * or a first wave of GETs by tag, one per worker, would spend a pull on
 * each alias among them.  One round trip once per run, no request more.
 * A first answer slower than PROBE_WAIT_S (a stalled tag) holds the
 * others no longer: they go on with what is known by then.
 */
#define PROBE_WAIT_S	1

int
plan_src_metered(const struct mirror *m)
{
	return tm_ref_is_docker_hub(&m->src) ||
	    registry_ratelimit_remaining(m->sreg) >= 0;
}

static int
src_metered(struct worker *w, int *first)
{
	struct mirror	*m = w->m;
	struct timespec	 until;

	*first = 0;
	if (tm_ref_is_docker_hub(&m->src))
		return 1;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PROBE_WAIT_S;
	pthread_mutex_lock(&m->lock);
	while (m->src_probe == PROBE_RUNNING && !m->cancel &&
	    pthread_cond_timedwait(&m->wake, &m->lock, &until) != ETIMEDOUT)
		continue;
	if (m->src_probe == PROBE_NONE) {
		m->src_probe = PROBE_RUNNING;
		*first = 1;
	}
	pthread_mutex_unlock(&m->lock);
	return plan_src_metered(m);
}

static void
src_probed(struct mirror *m)
{
	pthread_mutex_lock(&m->lock);
	m->src_probe = PROBE_DONE;
	pthread_cond_broadcast(&m->wake);
	pthread_mutex_unlock(&m->lock);
}

/*
 * The source tag's manifest: 1, 0 when missing, -1.  Usually a HEAD: free
 * on Docker Hub, and all a warm re-run needs.  A tag the destination lacks
 * is copied whatever its digest, so there one GET does the HEAD's work and
 * the copy's, unless the source counts GETs as pulls: there a HEAD lets
 * aliases share a pull (the copy GETs each digest once).
 */
static int
src_lookup(struct worker *w, const char *tag, struct reg_manifest *s,
    struct tm_err *e)
{
	struct mirror	*m = w->m;
	int		 first, r;

	if (m->opts.dry_run || !dst_lacks(m, tag))
		return reg_manifest_head(w->src, m->src.repo, tag, s, e);
	if (src_metered(w, &first))
		r = reg_manifest_head(w->src, m->src.repo, tag, s, e);
	else if ((r = reg_manifest_get(w->src, m->src.repo, tag, s, e)) == 0)
		r = 1;
	else if (e->http == 404)
		r = 0;
	if (first)
		src_probed(m);
	return r;
}

/*
 * A tag to copy: the source manifest s goes to the copy (s is emptied),
 * and the destination's current one (d, NULL when absent), which the copy
 * overwrites, is kept byte for byte for rollback.  0, or -1 with e.
 */
static int
plan_copy(struct worker *w, size_t i, struct reg_manifest *s,
    const struct reg_manifest *d, struct tm_err *e)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 prev = { 0 };

	if (d != NULL && reg_manifest_get(w->dst, m->dst.repo, d->digest, &prev,
	    e) == -1)
		return -1;
	t->src_mf = *s;
	memset(s, 0, sizeof *s);
	pthread_mutex_lock(&m->lock);
	if (d != NULL) {
		snprintf(t->prev_type, sizeof t->prev_type, "%s",
		    prev.media_type);
		t->prev_bytes = prev.bytes;
		t->prev_len = prev.len;
		prev.bytes = NULL;
	}
	t->planned = 1;
	pthread_mutex_unlock(&m->lock);
	reg_manifest_free(&prev);
	return 0;
}

int
plan_tag(struct worker *w, size_t i)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 s = { 0 }, d = { 0 };
	struct tm_err		 e;
	char			 target[TM_DIGEST_MAX + 1];
	int			 r, rc = -1;

	tm_err_clear(&e);
	w->cur = i;
	w->busy = 1;
	if (t->i.action == TAG_ACT_DELETE) {
		if ((rc = plan_stale(w, i, &e)) == -1)
			engine_tag_failed(m, i, &e);
		w->busy = 0;
		return rc;
	}
	if ((r = src_lookup(w, t->i.name, &s, &e)) == 0)
		not_found(&e, TM_SIDE_SOURCE, m->src.api_host, t->i.name,
		    "listed, but the manifest is missing");
	if (r != 1 || target_digest(w, t->i.name, &s, target, &e) == -1 ||
	    (r = dst_head(w, t->i.name, &d, &e)) == -1)
		goto fail;
	pthread_mutex_lock(&m->lock);
	snprintf(t->i.src_digest, sizeof t->i.src_digest, "%s", s.digest);
	snprintf(t->i.dst_digest, sizeof t->i.dst_digest, "%s", target);
	snprintf(t->i.prev_digest, sizeof t->i.prev_digest, "%s",
	    r == 1 ? d.digest : "");
	pthread_mutex_unlock(&m->lock);
	if (r == 1 && strcmp(d.digest, target) == 0) {
		pthread_mutex_lock(&m->lock);
		t->planned = 1;
		pthread_mutex_unlock(&m->lock);
		engine_set_state(m, i, TAG_UPTODATE, NULL);
		rc = 0;
		goto out;
	}
	if ((rc = plan_copy(w, i, &s, r == 1 ? &d : NULL, &e)) == -1)
		goto fail;
	engine_set_state(m, i, TAG_QUEUED, NULL);
	goto out;
fail:
	engine_tag_failed(m, i, &e);
out:
	reg_manifest_free(&s);
	reg_manifest_free(&d);
	w->busy = 0;
	return rc;
}

int
plan_rate_gate(struct worker *w, const char *ref, struct tm_err *err)
{
	struct mirror		*m = w->m;
	struct mirror_event	 ev;
	struct reg_manifest	 h;
	struct tm_err		 e;
	long			 reserve = (long)window_size(m->win), rem;
	double			 wait;
	int			 polled = 0;

	/* Keep one pull per tag in flight in hand, HEADs are free, GETs are
	 * not: the window's tags, not the idle workers', and at most 8 of
	 * them; past 8 a GET that meets a spent budget gets a 429 and its
	 * Retry-After, which is waited out. */
	reserve = (reserve < 8 ? reserve : 8) + 1;
	rem = registry_ratelimit_remaining(m->sreg);
	if (rem < 0 || rem > reserve)
		return 0;
	pthread_mutex_lock(&m->lock);
	while (!m->cancel && (rem = registry_ratelimit_remaining(m->sreg)) >= 0 &&
	    rem <= reserve) {
		if (m->rl_polling) {
			pthread_cond_wait(&m->wake, &m->lock);
			continue;
		}
		m->rl_polling = polled = 1;
		m->paused = 1;
		wait = m->rl_wait;
		memset(&ev, 0, sizeof ev);
		ev.type = MEV_PAUSED;
		ev.wait = wait;
		ev.count = (size_t)rem;
		engine_emit(m, &ev);
		pthread_mutex_unlock(&m->lock);
		if (engine_sleep(m, wait) == 0) {
			memset(&h, 0, sizeof h);
			reg_manifest_head(w->src, m->src.repo, ref, &h, &e);
			reg_manifest_free(&h);
		}
		pthread_mutex_lock(&m->lock);
		m->rl_polling = 0;
		m->rl_wait = wait * 2 < 60 ? wait * 2 : 60;
		pthread_cond_broadcast(&m->wake);
	}
	if (polled && m->paused && !m->rl_polling) {
		m->paused = 0;
		m->rl_wait = 1;
		memset(&ev, 0, sizeof ev);
		ev.type = MEV_PAUSED;
		engine_emit(m, &ev);
	}
	pthread_mutex_unlock(&m->lock);
	if (m->cancel) {
		tm_err_clear(err);
		err->side = TM_SIDE_SOURCE;
		return tm_err_set(err, TM_CAT_CANCELLED,
		    "cancelled while waiting for the rate limit");
	}
	return 0;
}
