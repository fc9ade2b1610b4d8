/*
 * Removing tags from a destination without touching any other tag: by
 * tag where the registry can, else by digest with the other tags at that
 * digest journaled and put back.  Shared by --delete-stale and rollback.
 */
#include "config.h"

#include "untag.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "pool.h"

struct scan {
	struct registry		 *reg;
	const char		 *repo;
	struct reg_conn		**conns;
	struct tag_digest	 *tags;
	size_t			  n, cap;
	pthread_mutex_t		  lock;
	int			  failed;
	struct tm_err		  err;
};

static int
scan_page(void *ud, const char *const *tags, size_t n)
{
	struct scan		*s = ud;
	struct tag_digest	*nt;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			if ((nt = realloc(s->tags, s->cap * sizeof *nt)) == NULL)
				return 1;
			s->tags = nt;
		}
		memset(&s->tags[s->n], 0, sizeof *s->tags);
		snprintf(s->tags[s->n++].tag, sizeof s->tags->tag, "%s", tags[i]);
	}
	return 0;
}

static void
scan_one(void *ud, size_t worker, size_t i)
{
	struct scan		*s = ud;
	struct reg_manifest	 m = { 0 };
	struct tm_err		 e;
	int			 r;

	tm_err_clear(&e);
	r = reg_manifest_head(s->conns[worker], s->repo, s->tags[i].tag, &m, &e);
	if (r == 1)
		snprintf(s->tags[i].digest, sizeof s->tags[i].digest, "%s",
		    m.digest);
	reg_manifest_free(&m);
	if (r == -1) {
		pthread_mutex_lock(&s->lock);
		if (!s->failed)
			s->err = e;
		s->failed = 1;
		pthread_mutex_unlock(&s->lock);
	}
}

int
scan_tags(struct registry *reg, struct reg_conn *c, const char *repo,
    size_t nthreads, const atomic_int *cancel, struct tag_digest **out,
    size_t *nout, struct tm_err *err)
{
	struct scan	s;
	size_t		i, k, nconn = 0;

	memset(&s, 0, sizeof s);
	s.reg = reg;
	s.repo = repo;
	*out = NULL;
	*nout = 0;
	if (reg_list_tags(c, repo, scan_page, &s, NULL, err) == -1) {
		/* A repository that does not exist has no tags. */
		if (err->http != 404) {
			free(s.tags);
			return -1;
		}
		tm_err_clear(err);
	}
	if (nthreads < 1)
		nthreads = 1;
	if ((s.conns = calloc(nthreads, sizeof *s.conns)) == NULL) {
		free(s.tags);
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	}
	s.conns[nconn++] = c;
	while (nconn < nthreads && nconn < s.n &&
	    (s.conns[nconn] = reg_conn_new(reg, err)) != NULL) {
		reg_conn_set_cancel(s.conns[nconn], cancel);
		nconn++;
	}
	tm_err_clear(err);
	pthread_mutex_init(&s.lock, NULL);
	pool_run(nconn, s.n, scan_one, &s, cancel);
	pthread_mutex_destroy(&s.lock);
	for (i = 1; i < nconn; i++)
		reg_conn_free(s.conns[i]);
	free(s.conns);
	if (s.failed || (cancel != NULL && *cancel)) {
		free(s.tags);
		if (!s.failed)
			return tm_err_set(err, TM_CAT_CANCELLED, "cancelled");
		*err = s.err;
		return -1;
	}
	/* Keep only the tags that still exist. */
	for (i = k = 0; i < s.n; i++)
		if (s.tags[i].digest[0] != '\0')
			s.tags[k++] = s.tags[i];
	*out = s.tags;
	*nout = k;
	return 0;
}

/* The registry cannot delete a tag by name (distribution 2.8: 400). */
static int
tag_delete_refused(const struct tm_err *e)
{
	return e->http == 400 || e->http == 405 ||
	    strcmp(e->code, "UNSUPPORTED") == 0;
}

static int
in_items(const struct untag_item *items, size_t n, const char *tag)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].tag, tag) == 0)
			return 1;
	return 0;
}

static void
fail_digest(struct untag_item *items, size_t n, const char *digest,
    const struct tm_err *e)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!items[i].ok && items[i].err.cat == TM_CAT_NONE &&
		    strcmp(items[i].digest, digest) == 0)
			items[i].err = *e;
}

/*
 * Delete digest (every tag at it goes) and put the survivors back.  The
 * survivors' bytes are journaled first, so a crash in between leaves a
 * journal that rollback can use to re-tag them.
 */
static void
delete_digest(struct untag_ctx *x, struct untag_item *items, size_t n,
    const char *digest, const struct tag_digest *all, size_t nall)
{
	struct reg_manifest	 m = { 0 };
	struct tm_err		 e;
	size_t			 i, j, nsurv = 0;

	tm_err_clear(&e);
	for (i = 0; i < nall; i++)
		if (strcmp(all[i].digest, digest) == 0 &&
		    !in_items(items, n, all[i].tag))
			nsurv++;
	if (nsurv > 0) {
		if (reg_manifest_get(x->conn, x->repo, digest, &m, &e) == -1) {
			fail_digest(items, n, digest, &e);
			return;
		}
		for (i = 0; i < nall; i++)
			if (strcmp(all[i].digest, digest) == 0 &&
			    !in_items(items, n, all[i].tag) &&
			    journal_survivor(x->journal, all[i].tag, digest,
			    m.media_type, m.bytes, m.len, &e) == -1) {
				fail_digest(items, n, digest, &e);
				reg_manifest_free(&m);
				return;
			}
	}
	if (reg_manifest_delete(x->conn, x->repo, digest, &e) == -1) {
		fail_digest(items, n, digest, &e);
		reg_manifest_free(&m);
		return;
	}
	for (i = 0; i < n; i++)
		if (!items[i].ok && items[i].err.cat == TM_CAT_NONE &&
		    strcmp(items[i].digest, digest) == 0)
			items[i].ok = 1;
	for (i = 0; nsurv > 0 && i < nall; i++) {
		if (strcmp(all[i].digest, digest) != 0 ||
		    in_items(items, n, all[i].tag))
			continue;
		if (reg_manifest_put(x->conn, x->repo, all[i].tag, &m, &e) == 0) {
			x->survivors++;
			continue;
		}
		/* Our tags went, but took another along: say so on ours. */
		tm_err_set(&e, e.cat, "removed, but tag %s at the same digest "
		    "could not be put back (%s); the journal has it",
		    all[i].tag, e.msg);
		for (j = 0; j < n; j++)
			if (strcmp(items[j].digest, digest) == 0) {
				items[j].ok = 0;
				items[j].err = e;
			}
	}
	reg_manifest_free(&m);
}

size_t
untag(struct untag_ctx *x, struct untag_item *items, size_t n)
{
	struct tag_digest	*all = NULL;
	struct tm_err		 e;
	size_t			 i, j, nall = 0, left = 0, failed = 0;

	for (i = 0; i < n; i++) {
		items[i].ok = 0;
		tm_err_clear(&items[i].err);
	}
	for (i = 0; i < n && !x->no_tag_delete; i++) {
		tm_err_clear(&e);
		/* Gone already is as good as removed. */
		if (reg_tag_delete(x->conn, x->repo, items[i].tag, &e) == 0 ||
		    e.http == 404)
			items[i].ok = 1;
		else if (tag_delete_refused(&e))
			x->no_tag_delete = 1;
		else
			items[i].err = e;
	}
	for (i = 0; i < n; i++)
		if (!items[i].ok && items[i].err.cat == TM_CAT_NONE)
			left++;
	if (left > 0 && scan_tags(x->reg, x->conn, x->repo, x->nthreads,
	    x->cancel, &all, &nall, &e) == -1) {
		for (i = 0; i < n; i++)
			if (!items[i].ok && items[i].err.cat == TM_CAT_NONE)
				items[i].err = e;
		left = 0;
	}
	/* One delete per digest, however many of our tags share it. */
	for (i = 0; left > 0 && i < n; i++) {
		if (items[i].ok || items[i].err.cat != TM_CAT_NONE)
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(items[j].digest, items[i].digest) == 0)
				break;
		if (j == i)
			delete_digest(x, items, n, items[i].digest, all, nall);
	}
	free(all);
	for (i = 0; i < n; i++)
		if (!items[i].ok) {
			if (items[i].err.cat == TM_CAT_NONE)
				tm_err_set(&items[i].err, TM_CAT_PROTOCOL,
				    "tag %s was not removed", items[i].tag);
			failed++;
		}
	return failed;
}
