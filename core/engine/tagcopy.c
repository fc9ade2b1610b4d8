/*
 * The engine's per-tag copy: a tag's blobs and child manifests, then its
 * manifest, journaled first; and the removal of stale tags.  (The
 * client's blob transfer itself is core/blobcopy.c.)
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobset.h"
#include "lane.h"
#include "journal.h"
#include "rollback.h"
#include "clock.h"

/* Nested indexes are legal OCI; deeper than this is hostile. */
#define MAX_DEPTH	2
/* Large blobs of one image on lanes at once (lane.c has the run's). */
#define LANES_PER_IMAGE	4

static void
cancelled(struct tm_err *e, const char *what)
{
	tm_err_clear(e);
	tm_err_set(e, TM_CAT_CANCELLED, "cancelled before %s", what);
}

/* One blob into the destination: present, mounted, or streamed. */
static int
copy_blob(struct worker *w, size_t i, const struct mf_desc *d,
    struct tm_err *err)
{
	struct mirror	*m = w->m;
	struct mtag	*t = &m->tags[i];
	int		 r, *how = &t->i.blobs_skipped;	/* counted under the lock */

	/* The progress callback counts what moved; the rest of the blob is
	 * added at its end (it may run on a lane beside the tag's others). */
	w->moved = 0;
	switch (blobset_claim(m->blobs, d->digest, &m->cancel, err)) {
	case BS_FAILED:
		return -1;
	case BS_DONE:
		atomic_fetch_add(&m->blobs_skipped, 1);
		break;
	case BS_MINE:
		/* An empty destination has no blob worth a HEAD. */
		r = m->dst_empty ? 0 :
		    reg_blob_exists(w->dst, m->dst.repo, d->digest, err);
		if (r == 1)
			atomic_fetch_add(&m->blobs_skipped, 1);
		else if (r == 0 && engine_blob_mount(w, d->digest) == 1) {
			atomic_fetch_add(&m->blobs_mounted, 1);
			how = &t->i.blobs_mounted;
		} else if (r == 0 && (r = reg_blob_copy(w->src, m->src.repo,
		    w->dst, m->dst.repo, d, err)) == 0) {
			atomic_fetch_add(&m->blobs_copied, 1);
			how = &t->i.blobs_copied;
		}
		engine_blob_end(w, d->digest, r != -1);
		if (r == -1 && err->object[0] == '\0')
			snprintf(err->object, sizeof err->object, "blob %s",
			    d->digest);
		blobset_finish(m->blobs, d->digest, r == -1 ? err : NULL);
		if (r == -1)
			return -1;
		break;
	}
	pthread_mutex_lock(&m->lock);
	t->i.blobs_done++;
	(*how)++;
	engine_count_tag(m, i, -1);
	t->i.bytes_done += d->size - w->moved;
	engine_count_tag(m, i, 1);
	if (tm_now_ms() - t->last_event >= 100)
		engine_emit_tag(m, i, MEV_PROGRESS);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* The large blobs of p on lanes, as many as are free: how many started. */
static size_t
lanes_start(struct worker *w, size_t i, const struct mf_parsed *p,
    struct lane **lanes, size_t *on_lane)
{
	size_t	k, n = 0;

	for (k = 0; k < p->n && n < LANES_PER_IMAGE; k++)
		if (p->items[k].size >= LANE_MIN &&
		    (lanes[n] = lane_start(w->m, copy_blob, i,
		    &p->items[k])) != NULL)
			on_lane[n++] = k;
	return n;
}

static int
copy_image(struct worker *w, size_t i, const struct mf_parsed *p,
    struct tm_err *err)
{
	struct mirror	*m = w->m;
	struct mtag	*t = &m->tags[i];
	struct lane	*lanes[LANES_PER_IMAGE];
	size_t		 on_lane[LANES_PER_IMAGE], k, j, nl;
	struct tm_err	 le;
	int		 rc;

	pthread_mutex_lock(&m->lock);
	t->i.blobs_total += (int)p->n + 1;
	engine_count_tag(m, i, -1);
	t->i.bytes_total += p->config.size;
	for (k = 0; k < p->n; k++)
		t->i.bytes_total += p->items[k].size;
	engine_count_tag(m, i, 1);
	pthread_mutex_unlock(&m->lock);
	nl = lanes_start(w, i, p, lanes, on_lane);
	rc = copy_blob(w, i, &p->config, err);
	for (k = 0; k < p->n && rc == 0; k++) {
		for (j = 0; j < nl && on_lane[j] != k; j++)
			;
		if (j == nl)
			rc = copy_blob(w, i, &p->items[k], err);
	}
	/* Every lane is waited for, after a failure here too: its blob is p's. */
	for (j = 0; j < nl; j++)
		if (lane_join(lanes[j], &le) == -1 && rc == 0) {
			*err = le;
			rc = -1;
		}
	return rc;
}

static int copy_children(struct worker *, size_t, const struct mf_parsed *,
    int, struct tm_err *);

/* The blob set's key for a manifest: its content copied once per run. */
static void
manifest_key(char *key, const char *digest)
{
	snprintf(key, BS_KEY_MAX + 1, "m:%s", digest);
}

static int copy_child_content(struct worker *, size_t, const struct mf_desc *,
    int, int, struct tm_err *);

/*
 * A child of an index (or, artifact set, a referrer: journaled when the
 * destination lacks it), by digest, once per run whoever needs it.
 */
static int
copy_child(struct worker *w, size_t i, const struct mf_desc *d, int depth,
    int artifact, struct tm_err *err)
{
	struct mirror	*m = w->m;
	char		 key[BS_KEY_MAX + 1];
	int		 rc;

	manifest_key(key, d->digest);
	switch (blobset_claim(m->blobs, key, &m->cancel, err)) {
	case BS_DONE:
		return 0;
	case BS_FAILED:
		return -1;
	case BS_MINE:
		break;
	}
	rc = copy_child_content(w, i, d, depth, artifact, err);
	blobset_finish(m->blobs, key, rc == -1 ? err : NULL);
	return rc;
}

/*
 * Skipped when the destination has it: then its blobs are there too.  An
 * empty destination is not asked: the blob set keeps copies single.
 */
static int
copy_child_content(struct worker *w, size_t i, const struct mf_desc *d,
    int depth, int artifact, struct tm_err *err)
{
	struct mirror		*m = w->m;
	struct reg_manifest	 h = { 0 }, c = { 0 };
	struct mf_parsed	 p;
	struct journal		*j;
	int			 r, rc = -1;

	memset(&p, 0, sizeof p);
	if (!m->dst_empty &&
	    (r = reg_manifest_head(w->dst, m->dst.repo, d->digest, &h, err)) != 0) {
		reg_manifest_free(&h);
		return r == 1 ? 0 : -1;
	}
	if (plan_rate_gate(w, d->digest, err) == -1 ||
	    reg_manifest_get(w->src, m->src.repo, d->digest, &c, err) == -1 ||
	    mf_parse(c.bytes, c.len, c.media_type, &p, err) == -1)
		goto out;
	if (p.kind == MF_INDEX)
		r = copy_children(w, i, &p, depth + 1, err);
	else
		r = copy_image(w, i, &p, err);
	if (r == 0 && m->cancel)
		cancelled(err, "pushing a manifest");
	else if (r == 0 && (!artifact || ((j = engine_journal(m, err)) != NULL &&
	    journal_artifact(j, d->digest, err) == 0)))
		rc = reg_manifest_put(w->dst, m->dst.repo, d->digest, &c, err);
out:
	if (rc == -1 && err->object[0] == '\0')
		snprintf(err->object, sizeof err->object, "manifest %s", d->digest);
	mf_free(&p);
	reg_manifest_free(&c);
	return rc;
}

static int
copy_children(struct worker *w, size_t i, const struct mf_parsed *p, int depth,
    struct tm_err *err)
{
	size_t	k;

	if (depth > MAX_DEPTH) {
		tm_err_clear(err);
		err->side = TM_SIDE_SOURCE;
		return tm_err_set(err, TM_CAT_PROTOCOL,
		    "indexes nested deeper than %d", MAX_DEPTH);
	}
	for (k = 0; k < p->n; k++)
		if (copy_child(w, i, &p->items[k], depth, 0, err) == -1)
			return -1;
	return 0;
}

/* A referrer, journaled when new: referrers.c's artifact_copy_fn. */
static int
copy_artifact(struct worker *w, size_t i, const struct mf_desc *d,
    struct tm_err *err)
{
	return copy_child(w, i, d, 1, 1, err);
}

/* Write the tag's "before" record now (a tag planned in a later round). */
static int
journal_late(struct mirror *m, size_t i, struct tm_err *err)
{
	struct mtag	*t = &m->tags[i];
	struct journal	*j;

	if ((j = engine_journal(m, err)) == NULL ||
	    journal_before(j, t->i.name, t->i.prev_digest, t->prev_type,
	    t->prev_bytes, t->prev_len, err) == -1 ||
	    journal_ready(j, err) == -1)
		return -1;
	pthread_mutex_lock(&m->lock);
	t->journaled = 1;
	free(t->prev_bytes);
	t->prev_bytes = NULL;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/*
 * Just before the PUT: is the tag still where the plan saw it?  Someone
 * else's push since is not overwritten: 0 unmoved, -1 the HEAD failed,
 * -2 moved (err TM_CAT_CONFLICT).  No registry offers compare-and-swap:
 * a push between this HEAD and the PUT is still lost (docs/concurrency.md).
 */
static int
still_as_planned(struct worker *w, size_t i, struct tm_err *err)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 h = { 0 };
	char			 now[TM_DIGEST_MAX + 1];
	size_t			 l;
	int			 r;

	r = reg_manifest_head(w->dst, m->dst.repo, t->i.name, &h, err);
	snprintf(now, sizeof now, "%s", r == 1 ? h.digest : "");
	reg_manifest_free(&h);
	if (r == -1)
		return -1;
	if (strcmp(now, t->i.prev_digest) == 0)
		return 0;
	tm_err_clear(err);
	err->side = TM_SIDE_DEST;
	l = strnlen(m->dst.api_host, sizeof err->host - 1);
	memcpy(err->host, m->dst.api_host, l);
	err->host[l] = '\0';
	snprintf(err->object, sizeof err->object, "manifest %s", t->i.name);
	tm_err_set(err, TM_CAT_CONFLICT, "moved by someone else since the "
	    "plan (from %s to %s): left alone", t->i.prev_digest[0] != '\0' ?
	    t->i.prev_digest : "absent", now[0] != '\0' ? now : "absent");
	return -2;
}

/*
 * PUT the tag, journaled first.  When the answer is lost but the PUT took
 * effect, a HEAD tells, and the tag counts as copied.  0, -1, or -2 when
 * someone else moved the tag (a conflict, not a failure).
 */
static int
push_tag(struct worker *w, size_t i, struct reg_manifest *mf,
    struct tm_err *err)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 h = { 0 };
	struct tm_err		 he;
	struct journal		*j;
	int			 r;

	if (m->cancel) {
		cancelled(err, "pushing the tag");
		return -1;
	}
	engine_set_state(m, i, TAG_PUSHING, NULL);
	if ((r = still_as_planned(w, i, err)) != 0)
		return r;
	if ((j = engine_journal(m, err)) == NULL ||
	    journal_intent(j, t->i.name, mf->digest, err) == -1)
		return -1;
	if (reg_manifest_put(w->dst, m->dst.repo, t->i.name, mf, err) == -1) {
		if (err->cat == TM_CAT_CANCELLED || err->cat == TM_CAT_AUTH ||
		    err->http == 400)
			return -1;
		r = reg_manifest_head(w->dst, m->dst.repo, t->i.name, &h, &he);
		r = r == 1 && strcmp(h.digest, mf->digest) == 0;
		reg_manifest_free(&h);
		if (!r)
			return -1;
		tm_err_clear(err);
	}
	journal_done(j, t->i.name, mf->digest, err);
	return 0;
}

/*
 * The tag's manifest and everything it references, into the destination;
 * s gets the bytes to PUT at the tag.  Done once per digest and run, so
 * tags that alias each other GET it once (Docker Hub counts GETs).
 */
/* --arch: the index cut down to those platforms, its digest recomputed. */
static int
filter_platforms(const struct mirror *m, struct reg_manifest *s,
    struct tm_err *e)
{
	char	*f = NULL;
	size_t	 flen;
	int	 r;

	if (m->opts.platforms == NULL || !mf_is_index_type(s->media_type))
		return 0;
	if ((r = mf_filter_index(s->bytes, s->len, m->opts.platforms, &f,
	    &flen, e)) <= 0) {
		if (r == 0)
			tm_err_set(e, TM_CAT_NOT_FOUND, "no platform matches --arch");
		return -1;
	}
	free(s->bytes);
	s->bytes = f;
	s->len = flen;
	mf_digest(s->bytes, s->len, s->digest);
	return 0;
}

static int
copy_content(struct worker *w, size_t i, struct reg_manifest *s,
    struct tm_err *e)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct mf_parsed	 p;
	char			 key[BS_KEY_MAX + 1];
	int			 r;

	manifest_key(key, t->i.src_digest);
	switch (blobset_claim(m->blobs, key, &m->cancel, e)) {
	case BS_FAILED:
		return -1;
	case BS_DONE:
		/* An alias the plan GOT by tag has the bytes already. */
		if (t->src_mf.bytes != NULL) {
			*s = t->src_mf;
			memset(&t->src_mf, 0, sizeof t->src_mf);
			return filter_platforms(m, s, e);
		}
		if (blobset_data(m->blobs, key, &s->bytes, &s->len,
		    s->media_type, sizeof s->media_type)) {
			mf_digest(s->bytes, s->len, s->digest);
			return 0;
		}
		/* Not kept (too much data): GET it again, harmlessly. */
		return plan_rate_gate(w, t->i.name, e) == -1 ||
		    reg_manifest_get(w->src, m->src.repo, t->i.src_digest, s,
		    e) == -1 ? -1 : 0;
	case BS_MINE:
		break;
	}
	memset(&p, 0, sizeof p);
	/* By digest: exactly the manifest the plan compared. */
	r = -1;
	if (t->src_mf.bytes != NULL) {
		*s = t->src_mf;
		memset(&t->src_mf, 0, sizeof t->src_mf);
	} else if (plan_rate_gate(w, t->i.name, e) == -1 ||
	    reg_manifest_get(w->src, m->src.repo, t->i.src_digest, s, e) == -1)
		goto out;
	if (filter_platforms(m, s, e) == -1)
		goto out;
	if ((r = mf_parse(s->bytes, s->len, s->media_type, &p, e)) == -1) {
		e->side = TM_SIDE_SOURCE;
		goto out;
	}
	r = p.kind == MF_INDEX ? copy_children(w, i, &p, 1, e) :
	    copy_image(w, i, &p, e);
	/* For aliases looked up by HEAD: where GETs are pulls (elsewhere an
	 * alias GETs by tag, or by digest once more, and the run does not
	 * hold every manifest to its end). */
	if (r == 0 && plan_src_metered(m))
		blobset_keep(m->blobs, key, s->bytes, s->len, s->media_type);
out:
	blobset_finish(m->blobs, key, r == -1 ? e : NULL);
	mf_free(&p);
	return r;
}

/* The attempt's time, set before its end is announced. */
static void
attempt_time(struct mirror *m, struct mtag *t, double t0)
{
	pthread_mutex_lock(&m->lock);
	t->i.seconds = tm_now() - t0;
	pthread_mutex_unlock(&m->lock);
}

void
copy_tag(struct worker *w, size_t i)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 s = { 0 };
	struct tm_err		 e;
	double			 t0 = -1;	/* when the attempt began */
	int			 r;

	tm_err_clear(&e);
	w->cur = i;
	w->busy = 1;
	if (!t->planned && (plan_tag(w, i) == -1 || t->i.state == TAG_UPTODATE)) {
		/* Artefacts added upstream since the image was mirrored. */
		if (t->i.state == TAG_UPTODATE &&
		    referrers_late(w, i, copy_artifact, &e) == -1)
			goto fail;
		goto out;
	}
	w->busy = 1;
	if (!t->journaled && journal_late(m, i, &e) == -1)
		goto fail;
	pthread_mutex_lock(&m->lock);
	engine_count_tag(m, i, -1);
	t->i.state = TAG_COPYING;
	t->i.attempts++;
	t->i.blobs_done = t->i.blobs_total = 0;
	t->i.bytes_done = t->i.bytes_total = 0;
	t->i.blobs_copied = t->i.blobs_mounted = t->i.blobs_skipped = 0;
	t->i.seconds = 0;
	tm_err_clear(&t->i.err);
	engine_count_tag(m, i, 1);
	engine_emit_tag(m, i, MEV_TAG);
	pthread_mutex_unlock(&m->lock);
	t0 = tm_now();

	if (copy_content(w, i, &s, &e) == -1 ||
	    referrers_copy(w, i, &s, copy_artifact, &e) == -1 ||
	    (r = push_tag(w, i, &s, &e)) == -1)
		goto fail;
	attempt_time(m, t, t0);
	if (r == -2) {
		engine_set_state(m, i, TAG_CONFLICT, &e);
		goto out;
	}
	pthread_mutex_lock(&m->lock);
	snprintf(t->i.dst_digest, sizeof t->i.dst_digest, "%s", s.digest);
	pthread_mutex_unlock(&m->lock);
	engine_set_state(m, i, TAG_DONE, NULL);
	goto out;
fail:
	if (t0 >= 0)
		attempt_time(m, t, t0);
	if (m->cancel && e.cat != TM_CAT_CANCELLED)
		cancelled(&e, "it finished");
	engine_tag_failed(m, i, &e);
out:
	reg_manifest_free(&s);
	reg_manifest_free(&t->src_mf);
	w->busy = 0;
}

/* Check each stale tag is still where the plan saw it; journal it. */
static size_t
stale_items(struct mirror *m, struct journal *j, struct untag_item *items,
    size_t *idx)
{
	struct reg_conn		*c = m->w[0].dst;
	struct reg_manifest	 h;
	struct tm_err		 e;
	size_t			 i, n = 0;
	int			 r;

	for (i = 0; i < m->ntags; i++) {
		struct mtag	*t = &m->tags[i];

		if (t->i.action != TAG_ACT_DELETE || !t->planned ||
		    t->i.state != TAG_QUEUED)
			continue;
		memset(&h, 0, sizeof h);
		tm_err_clear(&e);
		r = reg_manifest_head(c, m->dst.repo, t->i.name, &h, &e);
		if (r == 1 && strcmp(h.digest, t->i.prev_digest) != 0) {
			e.side = TM_SIDE_DEST;
			snprintf(e.object, sizeof e.object, "manifest %s",
			    t->i.name);
			tm_err_set(&e, TM_CAT_CONFLICT,
			    "moved to %s since the plan: left alone", h.digest);
			r = -1;
		}
		reg_manifest_free(&h);
		if (r == 0)
			engine_set_state(m, i, TAG_STALE_DELETED, NULL);
		else if (r == -1 || (!t->journaled && journal_before(j,
		    t->i.name, t->i.prev_digest, t->prev_type, t->prev_bytes,
		    t->prev_len, &e) == -1) ||
		    journal_unset(j, t->i.name, t->i.prev_digest, &e) == -1)
			engine_set_state(m, i, TAG_FAILED, &e);
		else {
			t->journaled = 1;
			snprintf(items[n].tag, sizeof items[n].tag, "%s",
			    t->i.name);
			snprintf(items[n].digest, sizeof items[n].digest, "%s",
			    t->i.prev_digest);
			idx[n++] = i;
		}
	}
	return n;
}

void
copy_delete_stale(struct mirror *m)
{
	struct untag_ctx	 x;
	struct untag_item	*items;
	struct journal		*j;
	struct tm_err		 e;
	size_t			*idx, n, k, i;

	for (i = 0, n = 0; i < m->ntags; i++)
		if (m->tags[i].i.action == TAG_ACT_DELETE &&
		    m->tags[i].i.state == TAG_QUEUED)
			n++;
	if (n == 0)
		return;
	items = calloc(n, sizeof *items);
	idx = calloc(n, sizeof *idx);
	tm_err_clear(&e);
	if (items == NULL || idx == NULL)
		tm_err_set(&e, TM_CAT_IO, "out of memory");
	if (items == NULL || idx == NULL || (j = engine_journal(m, &e)) == NULL) {
		for (i = 0; i < m->ntags; i++)
			if (m->tags[i].i.action == TAG_ACT_DELETE &&
			    m->tags[i].i.state == TAG_QUEUED)
				engine_set_state(m, i, TAG_FAILED, &e);
		free(items);
		free(idx);
		return;
	}
	n = stale_items(m, j, items, idx);
	memset(&x, 0, sizeof x);
	x.conn = m->w[0].dst;
	x.repo = m->dst.repo;
	x.cancel = &m->cancel;
	x.no_tag_delete = m->no_tag_delete;
	if (n > 0)
		untag(&x, items, n);
	m->no_tag_delete = x.no_tag_delete;
	for (k = 0; k < n; k++) {
		if (items[k].ok) {
			journal_done(j, items[k].tag, NULL, &e);
			engine_set_state(m, idx[k], TAG_STALE_DELETED, NULL);
		} else
			engine_set_state(m, idx[k], TAG_FAILED, &items[k].err);
	}
	free(items);
	free(idx);
}
