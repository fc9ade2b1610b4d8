/*
 * The preview model: background tag listing and matching, then the
 * referrers of the matched tags counted in the background (core's
 * refcount), a batch at a time; no drawing.
 */
#include "config.h"

#include "model_preview.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "refcount.h"
#include "tagexpr.h"
#include "taglist.h"
#include "strv.h"

/* Tags counted by one refcount job: a few, so a new match soon gets its turn. */
#define REF_BATCH	32

/* One count job: its tags are names[idx[k]] of the listing's names. */
struct refjob {
	struct refcount	*rc;
	struct evq	*q;
	size_t		 idx[REF_BATCH];
};

/*
 * One background listing with the strings it was started with, and the
 * count job of its tags (freed with it, off the UI thread).
 */
struct listing {
	struct taglist	*tl;
	struct evq	*q;
	char		*user, *pass;
	struct reg_opts	 ro;		/* user, pass: the copies above */
	struct refjob	*rj;
};

struct preview {
	struct listing		*cur;
	enum preview_state	 state;
	char			 src[512];
	size_t			 listed, rejected;
	struct tm_err		 err;
	char			**names;	/* natural order */
	size_t			 n;
	char			*expr;
	struct tagexpr		*te;
	struct tm_err		 expr_err;
	struct tagexpr_result	 res;
	int			 have_res;
	unsigned		 list_gen, match_gen;
	int			 count_refs;	/* preview_referrers: on */
	char			*ref_types;
	int			*refs;		/* per name; NULL: none counted */
};

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Helper threads still freeing old listings; preview_free waits for them. */
static pthread_mutex_t	reap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	reap_done = PTHREAD_COND_INITIALIZER;
static int		reaping;

static void
refjob_free(struct refjob *j)
{
	if (j == NULL)
		return;
	refcount_free(j->rc);
	if (j->q != NULL)
		evq_free(j->q);
	free(j);
}

static void
listing_free(struct listing *l)
{
	refjob_free(l->rj);
	if (l->tl != NULL)
		taglist_free(l->tl);
	if (l->q != NULL)
		evq_free(l->q);
	wipe_free(l->user);
	wipe_free(l->pass);
	free(l);
}

static void *
reap(void *p)
{
	listing_free(p);
	pthread_mutex_lock(&reap_lock);
	reaping--;
	pthread_cond_broadcast(&reap_done);
	pthread_mutex_unlock(&reap_lock);
	return NULL;
}

/*
 * taglist_free joins a thread that may be inside a request; it cancels
 * promptly, but the UI must not wait even for that.
 */
static void
listing_drop(struct listing *l)
{
	pthread_attr_t	attr;
	pthread_t	t;

	if (l == NULL)
		return;
	pthread_mutex_lock(&reap_lock);
	reaping++;
	pthread_mutex_unlock(&reap_lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, reap, l) != 0)
		reap(l);
	pthread_attr_destroy(&attr);
}

struct preview *
preview_new(void)
{
	return calloc(1, sizeof(struct preview));
}

static void
names_clear(struct preview *pv)
{
	tm_strv_free(pv->names, pv->n);
	pv->names = NULL;
	pv->n = 0;
	free(pv->refs);
	pv->refs = NULL;
	if (pv->have_res)
		tagexpr_result_free(&pv->res);
	pv->have_res = 0;
	pv->match_gen++;
}

void
preview_free(struct preview *pv)
{
	if (pv == NULL)
		return;
	/* At exit: every listing thread gone before libcurl is cleaned up. */
	if (pv->cur != NULL)
		listing_free(pv->cur);
	pthread_mutex_lock(&reap_lock);
	while (reaping > 0)
		pthread_cond_wait(&reap_done, &reap_lock);
	pthread_mutex_unlock(&reap_lock);
	names_clear(pv);
	if (pv->te != NULL)
		tagexpr_free(pv->te);
	free(pv->expr);
	free(pv->ref_types);
	free(pv);
}

static void
rematch(struct preview *pv)
{
	struct tm_err	err;

	if (pv->have_res)
		tagexpr_result_free(&pv->res);
	pv->have_res = 0;
	pv->match_gen++;
	/* Nothing listed yet is no result; a listing of nothing is one. */
	if (pv->te == NULL || (pv->n == 0 && pv->state != PV_DONE))
		return;
	if (tagexpr_apply(pv->te, (const char *const *)pv->names, pv->n,
	    &pv->res, &err) == 0)
		pv->have_res = 1;
}

void
preview_list(struct preview *pv, const char *src, const struct reg_opts *o)
{
	struct reg_opts	 ro;
	struct listing	*l;

	listing_drop(pv->cur);
	pv->cur = NULL;
	names_clear(pv);
	pv->listed = pv->rejected = 0;
	pv->list_gen++;
	tm_err_clear(&pv->err);
	snprintf(pv->src, sizeof pv->src, "%s", src);
	pv->state = PV_NONE;
	if (src[0] == '\0')
		return;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return;
	ro = *o;
	l->user = o->user != NULL ? strdup(o->user) : NULL;
	l->pass = o->pass != NULL ? strdup(o->pass) : NULL;
	ro.user = l->user;
	ro.pass = l->pass;
	l->ro = ro;
	if ((l->q = evq_new(sizeof(struct tl_event))) == NULL) {
		listing_free(l);
		tm_err_set(&pv->err, TM_CAT_IO, "out of memory");
		pv->state = PV_FAILED;
		return;
	}
	if ((l->tl = taglist_start(src, &ro, l->q, &pv->err)) == NULL) {
		listing_free(l);
		pv->state = PV_FAILED;
		return;
	}
	pv->cur = l;
	pv->state = PV_LISTING;
}

void
preview_referrers(struct preview *pv, int on, const char *types)
{
	pv->count_refs = on;
	free(pv->ref_types);
	pv->ref_types = types != NULL ? strdup(types) : NULL;
}

/*
 * Start counting the next matched tags not counted yet, when the
 * listing is done and no count runs.  Never waits: threads do it.
 */
static void
refs_want(struct preview *pv)
{
	struct listing	*l = pv->cur;
	struct refjob	*j;
	const char	*tags[REF_BATCH];
	struct tm_err	 err;
	size_t		 i, k = 0, t;

	if (!pv->count_refs || l == NULL || l->rj != NULL ||
	    pv->state != PV_DONE || !pv->have_res)
		return;
	if (pv->refs == NULL &&
	    (pv->refs = malloc((pv->n + 1) * sizeof *pv->refs)) != NULL)
		for (i = 0; i < pv->n; i++)
			pv->refs[i] = REFCOUNT_UNKNOWN;
	if (pv->refs == NULL || (j = calloc(1, sizeof *j)) == NULL)
		return;
	for (i = 0; i < pv->res.n_matched && k < REF_BATCH; i++)
		if (pv->refs[t = pv->res.matched[i]] == REFCOUNT_UNKNOWN) {
			j->idx[k] = t;
			tags[k++] = pv->names[t];
		}
	if (k > 0 && ((j->q = evq_new(sizeof(int))) == NULL ||
	    (j->rc = refcount_start(pv->src, &l->ro, pv->ref_types,
	    (const char *const *)pv->names, pv->n, tags, k, j->q,
	    &err)) == NULL)) {
		/* Said once: a count that cannot start is not tried again. */
		for (i = 0; i < k; i++)
			pv->refs[j->idx[i]] = REFCOUNT_FAILED;
		k = 0;
	}
	if (k == 0)
		refjob_free(j);
	else
		l->rj = j;
}

/* The count job's results; the next batch once it is over. */
static int
refs_events(struct preview *pv)
{
	struct refjob	*j = pv->cur != NULL ? pv->cur->rj : NULL;
	int		 ev[32], over = 0;
	size_t		 n, i;

	if (j == NULL)
		return 0;
	while ((n = evq_drain(j->q, ev, 32)) > 0)
		for (i = 0; i < n; i++) {
			if (ev[i] < 0)
				over = 1;
			else
				pv->refs[j->idx[ev[i]]] = refcount_get(j->rc,
				    (size_t)ev[i]);
		}
	if (over) {
		refjob_free(j);
		pv->cur->rj = NULL;
		refs_want(pv);
	}
	return 1;
}

int
preview_fd(const struct preview *pv)
{
	if (pv->cur == NULL)
		return -1;
	if (pv->state == PV_LISTING)
		return evq_fd(pv->cur->q);
	return pv->cur->rj != NULL ? evq_fd(pv->cur->rj->q) : -1;
}

int
preview_busy(const struct preview *pv)
{
	return pv->state == PV_LISTING || (pv->cur != NULL &&
	    pv->cur->rj != NULL);
}

static int
cmp_nat(const void *a, const void *b)
{
	return tm_natcmp(*(const char *const *)a, *(const char *const *)b);
}

int
preview_events(struct preview *pv)
{
	struct tl_event	ev[16];
	size_t		n, i;
	int		snap = 0;

	if (pv->cur == NULL)
		return 0;
	if (pv->state != PV_LISTING)
		return refs_events(pv);
	while ((n = evq_drain(pv->cur->q, ev, 16)) > 0) {
		for (i = 0; i < n; i++) {
			switch (ev[i].type) {
			case TL_PAGE:
				pv->listed = ev[i].count;
				pv->rejected = ev[i].rejected;
				snap = 1;
				break;
			case TL_DONE:
				pv->listed = ev[i].count;
				pv->rejected = ev[i].rejected;
				pv->state = PV_DONE;
				snap = 1;
				break;
			case TL_FAILED:
				pv->err = ev[i].err;
				pv->state = PV_FAILED;
				break;
			}
		}
	}
	if (snap) {
		names_clear(pv);
		pv->n = taglist_snapshot(pv->cur->tl, &pv->names);
		if (pv->n > 1)
			qsort(pv->names, pv->n, sizeof *pv->names, cmp_nat);
		if (pv->state == PV_DONE)
			pv->listed = pv->n;
		rematch(pv);
		refs_want(pv);
	}
	return 1;
}

int
preview_set_expr(struct preview *pv, const char *expr)
{
	if (pv->expr != NULL && strcmp(pv->expr, expr) == 0)
		return 0;
	free(pv->expr);
	pv->expr = strdup(expr);
	if (pv->te != NULL)
		tagexpr_free(pv->te);
	pv->te = NULL;
	tm_err_clear(&pv->expr_err);
	pv->te = tagexpr_compile(expr, &pv->expr_err);
	pv->list_gen++;
	rematch(pv);
	refs_want(pv);
	return 1;
}

void
preview_take(struct preview *pv, const char *src, char **names, size_t n,
    size_t rejected)
{
	preview_list(pv, "", NULL);
	snprintf(pv->src, sizeof pv->src, "%s", src);
	pv->names = names;
	pv->n = pv->listed = n;
	pv->rejected = rejected;
	pv->state = PV_DONE;
	rematch(pv);
}

int
preview_fetch(struct preview *pv, const char *src, const struct reg_opts *ro,
    struct tm_err *err)
{
	struct taglist	*tl;
	char		**names;
	size_t		  n;

	if ((tl = taglist_fetch(src, ro, err)) == NULL)
		return -1;
	n = taglist_take(tl, &names);
	preview_take(pv, src, names, n, taglist_rejected(tl));
	taglist_free(tl);
	return 0;
}

void
preview_view(const struct preview *pv, struct preview_view *v)
{
	v->state = pv->state;
	v->src = pv->src;
	v->listed = pv->listed;
	v->rejected = pv->rejected;
	v->err = &pv->err;
	v->blank = pv->expr == NULL || pv->expr[strspn(pv->expr, " ,")] == '\0';
	v->te = pv->te;
	v->expr_err = &pv->expr_err;
	v->res = pv->have_res ? &pv->res : NULL;
	v->names = pv->names;
	v->n = pv->n;
	v->refs = pv->refs;
	v->list_gen = pv->list_gen;
	v->match_gen = pv->match_gen;
}

