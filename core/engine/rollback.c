/*
 * Rollback, all of it: restoring a destination to what a run's journal
 * says it was (put back, remove again without touching other tags,
 * re-tag survivors, read back), for a run in this process (automatic or
 * decided) and for a journal alone (`tagmirror rollback`, an interrupted
 * run), blocking or on a thread of its own.  The tag removal is shared
 * with --delete-stale.
 */
#include "config.h"

#include "rollback.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "internal.h"
#include "journal.h"
#include "lock.h"
#include "mirror.h"
#include "pool.h"

enum rb_result {
	RB_RESTORED,	/* put back (or removed again) */
	RB_UNCHANGED,	/* already as before */
	RB_CONFLICT,	/* someone else moved it: left alone */
	RB_FAILED	/* could not restore, or reads back wrong */
};
typedef void	 rb_fn(void *ud, const char *tag, enum rb_result,
		    const char *digest_now, const struct tm_err *);

struct rb_tag {
	enum rb_plan	 plan;
	char		 now[TM_DIGEST_MAX + 1];	/* "" absent */
	int		 head;				/* HEAD result */
	struct tm_err	 err;
};

struct rb {
	struct journal_data	 d;
	struct registry		*reg;
	struct reg_conn		**conns;
	size_t			 nconn;
	struct journal		*j;
	struct rb_tag		*t;
	/* The names HEADed by the current parallel pass. */
	const char		**names;
	struct rb_tag		**out;
};

static void
head_one(void *ud, size_t worker, size_t k)
{
	struct rb		*rb = ud;
	struct rb_tag		*t = rb->out[k];
	struct reg_manifest	 h = { 0 };

	tm_err_clear(&t->err);
	t->now[0] = '\0';
	t->head = reg_manifest_head(rb->conns[worker], rb->d.repo, rb->names[k],
	    &h, &t->err);
	if (t->head == 1)
		snprintf(t->now, sizeof t->now, "%s", h.digest);
	reg_manifest_free(&h);
}

/* HEAD every changed tag at once: n names into their rb_tag slots. */
static void
head_all(struct rb *rb, int (*want)(const struct rb_tag *))
{
	size_t	i, n = 0;

	for (i = 0; i < rb->d.ntags; i++)
		if (want(&rb->t[i])) {
			rb->names[n] = rb->d.tags[i].name;
			rb->out[n++] = &rb->t[i];
		}
	pool_run(rb->nconn, n, head_one, rb, NULL);
}

static int
want_changed(const struct rb_tag *t)
{
	return t->plan != P_SKIP;
}

static int
want_verify(const struct rb_tag *t)
{
	return t->plan == P_KEEP || t->plan == P_PUT || t->plan == P_REMOVE;
}

static void
conflict_err(struct tm_err *e, const struct rb *rb, const char *tag,
    const char *now, const char *ours)
{
	tm_err_clear(e);
	e->side = TM_SIDE_DEST;
	snprintf(e->host, sizeof e->host, "%.127s", rb->d.host);
	snprintf(e->object, sizeof e->object, "manifest %s", tag);
	tm_err_set(e, TM_CAT_CONFLICT, "now at %s, not %s (this run's): "
	    "someone else moved it, left alone", *now ? now : "nothing",
	    *ours ? ours : "absent");
}

/*
 * Removing tags without touching any other tag (untag): by tag where the
 * registry can, else by digest, the other tags at that digest journaled
 * and put back.  --delete-stale uses it too.
 */
struct tag_digest {
	char	tag[TM_TAG_MAX + 1];
	char	digest[TM_DIGEST_MAX + 1];
};

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

/*
 * The tags of repo and their digests, read with a listing and parallel
 * HEADs (absent tags are left out).  *out malloc'd; 0 or -1.
 */
static int
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

enum rb_plan
rollback_decide(const struct journal_tag *jt, int head, const char *now)
{
	if (!jt->changed)
		return P_SKIP;
	if (head == -1)
		return P_FAILED;
	if (strcmp(now, jt->prev_digest) == 0)
		return P_KEEP;
	/* Still what this run put there: ours to undo. */
	if (strcmp(now, jt->new_digest) == 0)
		return jt->had ? P_PUT : P_REMOVE;
	return P_CONFLICT;
}

/* Decide per tag from what the registry says now. */
static void
classify(struct rb *rb)
{
	size_t	i;

	head_all(rb, want_changed);
	for (i = 0; i < rb->d.ntags; i++) {
		const struct journal_tag	*jt = &rb->d.tags[i];
		struct rb_tag			*t = &rb->t[i];

		if (t->plan == P_SKIP)
			continue;
		t->plan = rollback_decide(jt, t->head, t->now);
		if (t->plan == P_CONFLICT) {
			conflict_err(&t->err, rb, jt->name, t->now,
			    jt->new_digest);
			journal_conflict(rb->j, jt->name, t->now, &t->err);
		}
	}
}

/* Tags re-tagged after an earlier delete by digest, still missing. */
static void
recover_survivors(struct rb *rb, struct mirror_rollback_info *info,
    rb_fn *cb, void *ud)
{
	struct reg_manifest	 h, m;
	struct tm_err		 e;
	size_t			 i;
	int			 r;

	for (i = 0; i < rb->d.nsurv; i++) {
		const struct journal_survivor	*s = &rb->d.surv[i];

		memset(&h, 0, sizeof h);
		tm_err_clear(&e);
		r = reg_manifest_head(rb->conns[0], rb->d.repo, s->name, &h, &e);
		reg_manifest_free(&h);
		if (r == 0) {
			memset(&m, 0, sizeof m);
			m.bytes = s->bytes;
			m.len = s->len;
			snprintf(m.media_type, sizeof m.media_type, "%s", s->type);
			snprintf(m.digest, sizeof m.digest, "%s", s->digest);
			if ((r = reg_manifest_put(rb->conns[0], rb->d.repo,
			    s->name, &m, &e)) == 0) {
				info->survivors++;
				journal_restored(rb->j, s->name, s->digest, &e);
			}
		}
		if (r == -1) {
			info->failed++;
			if (info->err.cat == TM_CAT_NONE)
				info->err = e;
			cb(ud, s->name, RB_FAILED, "", &e);
		}
	}
}

static void
put_back(struct rb *rb, size_t i)
{
	const struct journal_tag	*jt = &rb->d.tags[i];
	struct rb_tag			*t = &rb->t[i];
	struct reg_manifest		 m;

	memset(&m, 0, sizeof m);
	m.bytes = jt->prev_bytes;
	m.len = jt->prev_len;
	snprintf(m.media_type, sizeof m.media_type, "%s", jt->prev_type);
	snprintf(m.digest, sizeof m.digest, "%s", jt->prev_digest);
	if (reg_manifest_put(rb->conns[0], rb->d.repo, jt->name, &m,
	    &t->err) == -1)
		t->plan = P_FAILED;
	else
		journal_restored(rb->j, jt->name, jt->prev_digest, &t->err);
}

static void
remove_new(struct rb *rb, struct mirror_rollback_info *info)
{
	struct untag_ctx	 x;
	struct untag_item	*items;
	size_t			*idx, i, n = 0;

	for (i = 0; i < rb->d.ntags; i++)
		n += rb->t[i].plan == P_REMOVE;
	if (n == 0)
		return;
	items = calloc(n, sizeof *items);
	idx = calloc(n, sizeof *idx);
	if (items == NULL || idx == NULL) {
		for (i = 0; i < rb->d.ntags; i++)
			if (rb->t[i].plan == P_REMOVE) {
				rb->t[i].plan = P_FAILED;
				tm_err_set(&rb->t[i].err, TM_CAT_IO, "out of memory");
			}
		free(items);
		free(idx);
		return;
	}
	for (i = 0, n = 0; i < rb->d.ntags; i++) {
		if (rb->t[i].plan != P_REMOVE)
			continue;
		snprintf(items[n].tag, sizeof items[n].tag, "%s",
		    rb->d.tags[i].name);
		snprintf(items[n].digest, sizeof items[n].digest, "%s",
		    rb->t[i].now);
		idx[n++] = i;
	}
	memset(&x, 0, sizeof x);
	x.reg = rb->reg;
	x.conn = rb->conns[0];
	x.repo = rb->d.repo;
	x.journal = rb->j;
	x.nthreads = rb->nconn;
	untag(&x, items, n);
	info->survivors += x.survivors;
	for (i = 0; i < n; i++) {
		if (items[i].ok)
			journal_restored(rb->j, items[i].tag, NULL, &items[i].err);
		else {
			rb->t[idx[i]].plan = P_FAILED;
			rb->t[idx[i]].err = items[i].err;
		}
	}
	free(items);
	free(idx);
}

/* Read every tag back; anything not as before is reported. */
static void
verify(struct rb *rb)
{
	size_t	i;

	head_all(rb, want_verify);
	for (i = 0; i < rb->d.ntags; i++) {
		const struct journal_tag	*jt = &rb->d.tags[i];
		struct rb_tag			*t = &rb->t[i];

		if (!want_verify(t))
			continue;
		if (t->head == -1)
			t->plan = P_FAILED;
		else if (strcmp(t->now, jt->prev_digest) != 0) {
			tm_err_clear(&t->err);
			t->err.side = TM_SIDE_DEST;
			snprintf(t->err.host, sizeof t->err.host, "%.127s", rb->d.host);
			snprintf(t->err.object, sizeof t->err.object,
			    "manifest %s", jt->name);
			tm_err_set(&t->err, TM_CAT_CONFLICT, "reads back as %s "
			    "after rollback, was %s before",
			    *t->now ? t->now : "absent",
			    jt->had ? jt->prev_digest : "absent");
			t->plan = P_FAILED;
			t->head = -2;	/* mark: a mismatch, not an error */
		}
	}
}

static int
open_conns(struct rb *rb, size_t nthreads, struct tm_err *err)
{
	if (nthreads < 1)
		nthreads = 1;
	if ((rb->conns = calloc(nthreads, sizeof *rb->conns)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	while (rb->nconn < nthreads &&
	    (rb->conns[rb->nconn] = reg_conn_new(rb->reg, err)) != NULL)
		rb->nconn++;
	if (rb->nconn == 0)
		return -1;
	tm_err_clear(err);
	return 0;
}

/* Tally, tell the caller about every changed tag, pick the outcome. */
static int
report(struct rb *rb, struct mirror_rollback_info *info, rb_fn *cb, void *ud,
    struct tm_err *err)
{
	char	names[200] = "";
	size_t	i, len;

	for (i = 0; i < rb->d.ntags; i++) {
		const struct journal_tag	*jt = &rb->d.tags[i];
		struct rb_tag			*t = &rb->t[i];

		switch (t->plan) {
		case P_SKIP:
			continue;
		case P_KEEP:
			info->unchanged++;
			cb(ud, jt->name, RB_UNCHANGED, jt->prev_digest, NULL);
			break;
		case P_PUT:
		case P_REMOVE:
			info->restored++;
			cb(ud, jt->name, RB_RESTORED, jt->prev_digest, NULL);
			break;
		case P_CONFLICT:
			info->conflicts++;
			len = strlen(names);
			if (len < sizeof names - 8)
				snprintf(names + len, sizeof names - len, "%s%s",
				    len ? ", " : "", jt->name);
			cb(ud, jt->name, RB_CONFLICT, t->now, &t->err);
			break;
		case P_FAILED:
			if (t->head == -2)
				info->mismatches++;
			else
				info->failed++;
			if (info->err.cat == TM_CAT_NONE)
				info->err = t->err;
			cb(ud, jt->name, RB_FAILED, t->now, &t->err);
			break;
		}
	}
	if (info->failed > 0 || info->mismatches > 0) {
		*err = info->err;
		return -1;
	}
	if (info->conflicts > 0) {
		tm_err_clear(err);
		err->side = TM_SIDE_DEST;
		tm_err_set(err, TM_CAT_CONFLICT, "%zu tag%s moved by someone "
		    "else, left alone: %s", info->conflicts,
		    info->conflicts == 1 ? "" : "s", names);
		info->err = *err;
		return -1;
	}
	return 0;
}

/*
 * A rollback from a journal alone locks its destination, in the "locks"
 * folder beside the journal (a run's own rollback holds the run's lock).
 */
static struct repo_lock *
journal_lock(const char *path, const struct journal_data *d, char *note,
    size_t n, struct tm_err *err)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	return repo_lock_take(dir, d->host, d->repo, "rollback", note, n, err);
}

/*
 * Undo what the journal at path records.  reg NULL: a registry for the
 * journal's destination is made with opts.  info gets the counts.
 * 0 when the destination is as before (conflicts aside: err says
 * TM_CAT_CONFLICT and -1 is returned), -1 otherwise.  After 0, err's msg
 * may carry the note of a stale lock taken over (category none).
 */
static int
rollback_run(const char *path, struct registry *reg,
    const struct reg_opts *opts, size_t nthreads, rb_fn *cb, void *ud,
    struct mirror_rollback_info *info, struct tm_err *err)
{
	struct rb		 rb;
	struct repo_lock	*lock = NULL;
	struct tm_err		 e;
	char			 note[1024] = "";
	size_t			 i;
	int			 rc = -1;

	memset(&rb, 0, sizeof rb);
	memset(info, 0, sizeof *info);
	info->attempted = 1;
	tm_err_clear(err);
	if (journal_read(path, &rb.d, err) == -1)
		return -1;
	rb.reg = reg;
	if (reg == NULL && ((lock = journal_lock(path, &rb.d, note, sizeof note,
	    err)) == NULL || (rb.reg = registry_new(rb.d.host, opts, err)) == NULL))
		goto out;
	rb.t = calloc(rb.d.ntags + 1, sizeof *rb.t);
	rb.names = calloc(rb.d.ntags + 1, sizeof *rb.names);
	rb.out = calloc(rb.d.ntags + 1, sizeof *rb.out);
	if (rb.t == NULL || rb.names == NULL || rb.out == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		goto out;
	}
	if (open_conns(&rb, nthreads, err) == -1 ||
	    (rb.j = journal_reopen(path, err)) == NULL ||
	    journal_rollback(rb.j, err) == -1)
		goto out;
	for (i = 0; i < rb.d.ntags; i++)
		rb.t[i].plan = rb.d.tags[i].changed ? P_KEEP : P_SKIP;
	/* Survivors first: a crash may have left them deleted. */
	recover_survivors(&rb, info, cb, ud);
	classify(&rb);
	/* Put back before removing, so the removal's tag scan sees them. */
	for (i = 0; i < rb.d.ntags; i++)
		if (rb.t[i].plan == P_PUT)
			put_back(&rb, i);
	remove_new(&rb, info);
	verify(&rb);
	rc = report(&rb, info, cb, ud, err);
	if (info->failed == 0 && info->mismatches == 0)
		journal_end(rb.j, "ROLLED_BACK", &e);
	if (rc == 0 && note[0] != '\0')
		tm_err_set(err, TM_CAT_NONE, "%s", note);
out:
	repo_lock_release(lock);
	info->finished = 1;
	journal_close(rb.j);
	for (i = 0; i < rb.nconn; i++)
		reg_conn_free(rb.conns[i]);
	free(rb.conns);
	free(rb.t);
	free(rb.names);
	free(rb.out);
	if (reg == NULL)
		registry_free(rb.reg);
	journal_data_free(&rb.d);
	return rc;
}

/* ev as the MEV_ROLLBACK_TAG event for one rb_fn report (tag 0). */
static void
rollback_event(struct mirror_event *ev, const char *tag, enum rb_result r,
    const char *digest_now, const struct tm_err *e)
{
	memset(ev, 0, sizeof *ev);
	ev->type = MEV_ROLLBACK_TAG;
	ev->state = r == RB_CONFLICT ? TAG_CONFLICT :
	    r == RB_FAILED ? TAG_FAILED : TAG_ROLLED_BACK;
	snprintf(ev->name, sizeof ev->name, "%s", tag);
	snprintf(ev->digest, sizeof ev->digest, "%s", digest_now);
	/* Put back now, or found as before (a second rollback): count says. */
	ev->count = r == RB_UNCHANGED;
	if (e != NULL)
		ev->err = *e;
}

static void
rollback_cb(void *ud, const char *tag, enum rb_result r,
    const char *digest_now, const struct tm_err *e)
{
	struct mirror		*m = ud;
	struct mirror_event	 ev;
	size_t			 i;

	rollback_event(&ev, tag, r, digest_now, e);
	pthread_mutex_lock(&m->lock);
	ev.count = m->ntags;
	ev.tag = m->ntags;
	for (i = 0; i < m->ntags; i++) {
		struct mtag	*t = &m->tags[i];

		if (strcmp(t->i.name, tag) != 0)
			continue;
		ev.tag = i;
		if (r == RB_CONFLICT) {
			t->i.state = TAG_CONFLICT;
			if (e != NULL)
				t->i.err = *e;
		} else if (r == RB_RESTORED || (r == RB_UNCHANGED &&
		    (t->i.state == TAG_DONE || t->i.state == TAG_STALE_DELETED)))
			t->i.state = TAG_ROLLED_BACK;
		break;
	}
	pthread_mutex_unlock(&m->lock);
	engine_emit(m, &ev);
}

void
rollback_mirror(struct mirror *m)
{
	struct mirror_rollback_info	 info;
	struct mirror_event		 ev;
	struct tm_err			 e;
	int				 rc = 0;

	memset(&info, 0, sizeof info);
	tm_err_clear(&e);
	pthread_mutex_lock(&m->lock);
	m->rb.attempted = 1;
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_lock(&m->jlock);
	journal_close(m->journal);
	m->journal = NULL;
	pthread_mutex_unlock(&m->jlock);
	/* No journal: the run changed no tag, so there is nothing to undo. */
	if (m->have_journal)
		rc = rollback_run(m->journal_path, m->dreg, NULL, m->nw,
		    rollback_cb, m, &info, &e);
	pthread_mutex_lock(&m->lock);
	m->rb = info;
	m->rb.attempted = 1;
	m->rb.finished = 1;
	m->rb.err = e;
	if (rc == 0 || (info.failed == 0 && info.mismatches == 0))
		m->status = m->copy_status == MIRROR_CANCELLED ?
		    MIRROR_CANCELLED : MIRROR_ROLLED_BACK;
	pthread_mutex_unlock(&m->lock);
	memset(&ev, 0, sizeof ev);
	ev.type = MEV_ROLLBACK_DONE;
	ev.status = m->status;
	ev.err = e;
	engine_emit(m, &ev);
}

int
rollback_complete(const struct mirror *m)
{
	return m->rb.finished && m->rb.failed == 0 && m->rb.mismatches == 0;
}

/* A journal's rollback, run here or on its own thread. */
struct mirror_rollback {
	char		 path[PATH_MAX];
	struct reg_opts	 dst;
	struct evq	*q;
	size_t		 n;		/* MEV_ROLLBACK_TAG events sent */
	const char	*repo;		/* a set member's: tags named REPO:TAG */
	pthread_t	 thread;
	int		 rc;
	struct tm_err	 err;
};

static void
journal_cb(void *ud, const char *tag, enum rb_result r, const char *digest_now,
    const struct tm_err *e)
{
	struct mirror_rollback	*job = ud;
	struct mirror_event	 ev;

	rollback_event(&ev, tag, r, digest_now, e);
	if (job->repo != NULL)
		snprintf(ev.name, sizeof ev.name, "%s:%s", job->repo, tag);
	ev.tag = job->n++;
	if (job->q != NULL)
		evq_push(job->q, &ev);
}

/*
 * A set journal: every member's journal, newest first, as one rollback.
 * The first failure is the error, else the first conflict; the set
 * journal ends ROLLED_BACK when every member did.
 */
static int
rollback_set(struct mirror_rollback *job, struct mirror_rollback_info *info)
{
	struct journal_set	 set;
	struct journal		*j;
	struct tm_err		 e;
	size_t			 i;
	int			 rc = 0, failed = 0;

	if (journal_set_read(job->path, &set, &job->err) == -1)
		return -1;
	for (i = set.n; i-- > 0; ) {
		job->repo = set.members[i].repo;
		if (rollback_run(set.members[i].path, NULL, &job->dst, 4,
		    journal_cb, job, info, &e) == 0)
			continue;
		if (rc == 0 || (!failed && e.cat != TM_CAT_CONFLICT))
			job->err = e;
		failed |= e.cat != TM_CAT_CONFLICT;
		rc = -1;
	}
	job->repo = NULL;
	journal_set_free(&set);
	if (!failed && (j = journal_reopen(job->path, &e)) != NULL) {
		if (journal_rollback(j, &e) == 0)
			journal_end(j, "ROLLED_BACK", &e);
		journal_close(j);
	}
	return rc;
}

/* Roll back, then the one MEV_ROLLBACK_DONE that says how it ended. */
static void
journal_job(struct mirror_rollback *job)
{
	struct mirror_rollback_info	 info;
	struct mirror_event		 ev;

	if (journal_is_set(job->path))
		job->rc = rollback_set(job, &info);
	else
		job->rc = rollback_run(job->path, NULL, &job->dst, 4,
		    journal_cb, job, &info, &job->err);
	memset(&ev, 0, sizeof ev);
	ev.type = MEV_ROLLBACK_DONE;
	ev.count = job->n;
	ev.status = job->rc == 0 || job->err.cat == TM_CAT_CONFLICT ?
	    MIRROR_ROLLED_BACK : MIRROR_FAIL;
	ev.err = job->err;
	if (job->q != NULL)
		evq_push(job->q, &ev);
}

static void *
journal_thread(void *p)
{
	journal_job(p);
	return NULL;
}

static struct mirror_rollback *
job_new(const char *journal, const struct reg_opts *dst, struct evq *q,
    struct tm_err *err)
{
	struct mirror_rollback	*job;

	tm_err_clear(err);
	if ((job = calloc(1, sizeof *job)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	if (snprintf(job->path, sizeof job->path, "%s", journal) >=
	    (int)sizeof job->path) {
		free(job);
		err->side = TM_SIDE_LOCAL;
		tm_err_set(err, TM_CAT_USAGE, "journal path too long");
		return NULL;
	}
	job->dst = *dst;
	job->q = q;
	return job;
}

struct mirror_rollback *
mirror_rollback_journal_start(const char *journal,
    const struct reg_opts *dst_reg, struct evq *q, struct tm_err *err)
{
	struct mirror_rollback	*job;
	int			 rc;

	if ((job = job_new(journal, dst_reg, q, err)) == NULL)
		return NULL;
	if ((rc = pthread_create(&job->thread, NULL, journal_thread,
	    job)) != 0) {
		free(job);
		tm_err_set(err, TM_CAT_IO, "cannot start a thread: %s",
		    strerror(rc));
		return NULL;
	}
	return job;
}

int
mirror_rollback_journal_join(struct mirror_rollback *job, struct tm_err *err)
{
	int	rc;

	pthread_join(job->thread, NULL);
	rc = job->rc;
	*err = job->err;
	free(job);
	return rc;
}

int
mirror_rollback_journal(const char *journal, const struct reg_opts *dst_reg,
    struct evq *q, struct tm_err *err)
{
	struct mirror_rollback	*job;
	int			 rc;

	if ((job = job_new(journal, dst_reg, q, err)) == NULL)
		return -1;
	journal_job(job);
	rc = job->rc;
	*err = job->err;
	free(job);
	return rc;
}
