/*
 * Supply-chain artefacts travel with their images: for every digest a
 * tag copies (the index and its platform children), its referrers (OCI
 * 1.1 API or the referrers tag schema) and cosign's sha256-<hex>.sig,
 * .att and .sbom tags, bit for bit, and theirs in turn to REF_DEPTH.  A
 * destination without the referrers API (no OCI-Subject in a PUT's
 * answer) gets the fallback index tag, merged, never replaced.  Every
 * artefact the destination lacked and every tag changed is journaled, so
 * rollback removes exactly those and puts an index back as it was.
 * The same walk without a copy function only counts (the preview's).  A
 * tag found up to date walks again only the digests whose artefact tags
 * the source lists and the destination lacks: added upstream since.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobset.h"
#include "journal.h"

/* Referrers of referrers (a signature of an SBOM) down to this depth. */
#define REF_DEPTH	3
/* Artefacts one tag may bring: real images have a handful; more is hostile. */
#define REF_MAX		1000

/*
 * The words --referrer-types knows besides artifactTypes: each picks one
 * cosign tag suffix and the usual artifactTypes of its kind.
 */
#define REF_WORDS(_) \
	_("signature", "sig", "application/vnd.dev.cosign.artifact.sig.v1+json", \
	    "application/vnd.cncf.notary.signature") \
	_("attestation", "att", "application/vnd.dev.cosign.artifact.att.v1+json", \
	    "application/vnd.in-toto+json") \
	_("sbom", "sbom", "application/spdx+json", "application/vnd.cyclonedx+json")

struct ref_word {
	const char	*word, *suffix, *types[2];
};

static const struct ref_word words[] = {
#define REF_WORD_ROW(w, s, t1, t2) { w, s, { t1, t2 } },
	REF_WORDS(REF_WORD_ROW)
#undef REF_WORD_ROW
};
#define NWORDS	(sizeof words / sizeof words[0])

struct rctx {
	struct worker		*w;
	size_t			 i;
	artifact_copy_fn	*copy;		/* NULL: count only */
	int			 count;
	int			 late;		/* an up-to-date tag's */
};

/* 1 when the comma-separated list holds item exactly. */
static int
in_list(const char *list, const char *item)
{
	size_t		 n = strlen(item);
	const char	*p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, item, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

/* An artifactType wanted by --referrer-types (all without it). */
static int
type_wanted(const struct mirror *m, const char *artifact_type)
{
	const char	*list = m->opts.referrer_types;
	size_t		 k;

	if (list == NULL)
		return 1;
	if (artifact_type[0] == '\0')
		return 0;
	if (in_list(list, artifact_type))
		return 1;
	for (k = 0; k < NWORDS; k++)
		if (in_list(list, words[k].word) &&
		    (strcmp(artifact_type, words[k].types[0]) == 0 ||
		    strcmp(artifact_type, words[k].types[1]) == 0))
			return 1;
	return 0;
}

/* The type to ask the referrers API for: one media type given, else none. */
static const char *
api_filter(const struct mirror *m)
{
	const char	*l = m->opts.referrer_types;

	return l != NULL && strchr(l, ',') == NULL && strchr(l, '/') != NULL ?
	    l : NULL;
}

/* Say which artefact failed, keeping the cause. */
static int
failed_artefact(struct tm_err *err, const char *what, const char *name,
    const char *subject)
{
	char	msg[sizeof err->msg];

	/* Named already, deeper down: the innermost artefact is the one. */
	if (strncmp(err->msg, "not copied (of ", 15) == 0)
		return -1;
	snprintf(msg, sizeof msg, "%s", err->msg);
	snprintf(err->object, sizeof err->object, "%s %.80s", what, name);
	return tm_err_set(err, err->cat == TM_CAT_NONE ? TM_CAT_PROTOCOL :
	    err->cat, "not copied (of %.19s...): %s", subject, msg);
}

/* The previous state of a destination tag: 1 there (h filled), 0 absent. */
static int
dst_tag(struct worker *w, const char *tag, struct reg_manifest *h,
    struct tm_err *err)
{
	struct mirror	*m = w->m;
	int		 r;

	memset(h, 0, sizeof *h);
	/* Only this subject's claimer writes its tags: a listing holds. */
	if (plan_listed(m, TM_SIDE_DEST, tag) == 0)
		return 0;
	if ((r = reg_manifest_get(w->dst, m->dst.repo, tag, h, err)) == 0)
		return 1;
	if (err->http != 404)
		return -1;
	tm_err_clear(err);
	return 0;
}

/*
 * PUT mf at tag, journaled as tags are: its "before" (prev, when the
 * destination had it), the intent, then done.  Unchanged: nothing.
 */
static int
put_tag(struct worker *w, const char *tag, const struct reg_manifest *prev,
    int had, const struct reg_manifest *mf, struct tm_err *err)
{
	struct mirror	*m = w->m;
	struct journal	*j;

	if (had && strcmp(prev->digest, mf->digest) == 0)
		return 0;
	if ((j = engine_journal(m, err)) == NULL ||
	    journal_before(j, tag, had ? prev->digest : NULL, prev->media_type,
	    prev->bytes, prev->len, err) == -1 ||
	    journal_intent(j, tag, mf->digest, err) == -1 ||
	    reg_manifest_put(w->dst, m->dst.repo, tag, mf, err) == -1)
		return -1;
	journal_done(j, tag, mf->digest, err);
	return 0;
}

/*
 * A source tag's manifest: 1 found, 0 absent.  The listing tells without
 * a request; without it a HEAD first (Docker Hub counts only GETs).
 */
static int
src_tag(struct worker *w, const char *tag, struct reg_manifest *s,
    struct tm_err *err)
{
	struct mirror	*m = w->m;
	char		 digest[TM_DIGEST_MAX + 1];
	int		 r;

	memset(s, 0, sizeof *s);
	if ((r = plan_listed(m, TM_SIDE_SOURCE, tag)) != -1)
		return r == 0 ? 0 : reg_manifest_get(w->src, m->src.repo, tag,
		    s, err) == -1 ? -1 : 1;
	if ((r = reg_manifest_head(w->src, m->src.repo, tag, s, err)) != 1)
		return r;
	snprintf(digest, sizeof digest, "%s", s->digest);
	reg_manifest_free(s);
	r = reg_manifest_get(w->src, m->src.repo, digest, s, err);
	return r == -1 ? -1 : 1;
}

static int	subject_copy(struct rctx *, const char *digest, int depth,
		    struct tm_err *);

/* cosign's sha256-<hex>.SUFFIX tags of subject, the wanted kinds. */
static int
cosign_tags(struct rctx *x, const char *subject, int depth, struct tm_err *err)
{
	struct mirror		*m = x->w->m;
	struct reg_manifest	 s, prev;
	struct mf_desc		 d;
	char			 base[TM_TAG_MAX + 1], tag[TM_TAG_MAX + 1];
	size_t			 k;
	int			 r, had = 0;

	reg_referrers_tag(subject, base);
	for (k = 0; k < NWORDS; k++) {
		if (m->opts.referrer_types != NULL &&
		    !in_list(m->opts.referrer_types, words[k].word))
			continue;
		snprintf(tag, sizeof tag, "%.100s.%s", base, words[k].suffix);
		memset(&prev, 0, sizeof prev);
		if ((r = src_tag(x->w, tag, &s, err)) == 0)
			continue;
		memset(&d, 0, sizeof d);
		if (r == 1) {
			snprintf(d.digest, sizeof d.digest, "%s", s.digest);
			snprintf(d.media_type, sizeof d.media_type, "%s",
			    s.media_type);
			d.size = (int64_t)s.len;
		}
		r = r == -1 || (x->copy != NULL &&
		    (x->copy(x->w, x->i, &d, err) == -1 ||
		    (had = dst_tag(x->w, tag, &prev, err)) == -1 ||
		    put_tag(x->w, tag, &prev, had, &s, err) == -1)) ? -1 : 0;
		reg_manifest_free(&prev);
		if (r == 0)
			x->count++;
		if (r == 0 && depth < REF_DEPTH)
			r = subject_copy(x, s.digest, depth + 1, err);
		reg_manifest_free(&s);
		if (r == -1)
			return failed_artefact(err, words[k].word, tag, subject);
	}
	return 0;
}

/* On a destination without the API: merge what we copied into its index. */
static int
fallback_index(struct rctx *x, const char *subject,
    const struct reg_referrers *copied, struct tm_err *err)
{
	struct reg_manifest	 prev, mf;
	char			 tag[TM_TAG_MAX + 1];
	int			 had, r;

	reg_referrers_tag(subject, tag);
	if ((had = dst_tag(x->w, tag, &prev, err)) == -1)
		return -1;
	memset(&mf, 0, sizeof mf);
	r = reg_referrers_merge(had ? prev.bytes : NULL, prev.len,
	    copied->items, copied->n, &mf.bytes, &mf.len, err);
	if (r == 1) {
		snprintf(mf.media_type, sizeof mf.media_type, "%s", MT_OCI_INDEX);
		mf_digest(mf.bytes, mf.len, mf.digest);
		r = put_tag(x->w, tag, &prev, had, &mf, err);
	}
	reg_manifest_free(&prev);
	reg_manifest_free(&mf);
	return r == -1 ? failed_artefact(err, "referrers index", tag, subject) : 0;
}

/*
 * subject's referrers in the source: the API, unless it answered 404
 * once this run; else the tag schema's index.  0 (l filled) or -1.
 */
static int
source_list(struct rctx *x, const char *subject, struct reg_referrers *l,
    struct tm_err *err)
{
	struct mirror		*m = x->w->m;
	struct reg_manifest	 s;
	char			 tag[TM_TAG_MAX + 1];
	int			 r;

	memset(l, 0, sizeof *l);
	if (!atomic_load(&m->src_no_referrers_api)) {
		if ((r = reg_referrers_api(x->w->src, m->src.repo, subject,
		    api_filter(m), l, err)) != 0)
			return r == 1 ? 0 : -1;
		atomic_store(&m->src_no_referrers_api, 1);
	}
	reg_referrers_tag(subject, tag);
	if ((r = src_tag(x->w, tag, &s, err)) == 1 &&
	    (r = reg_referrers_parse(s.bytes, s.len, l, err)) == -1) {
		err->side = TM_SIDE_SOURCE;
		reg_referrers_free(l);
	}
	reg_manifest_free(&s);
	return r == -1 ? -1 : 0;
}

/* The wanted referrers of subject, each copied and followed. */
static int
referrers_of(struct rctx *x, const char *subject, int depth,
    struct tm_err *err)
{
	struct mirror		*m = x->w->m;
	struct reg_referrers	 l, copied = { 0 };
	struct mf_desc		 d;
	size_t			 k;
	int			 rc = 0, api = 0;

	if (source_list(x, subject, &l, err) == -1)
		return failed_artefact(err, "referrers list", subject, subject);
	if ((copied.items = calloc(l.n + 1, sizeof *copied.items)) == NULL)
		rc = tm_err_set(err, TM_CAT_IO, "out of memory");
	for (k = 0; rc == 0 && k < l.n; k++) {
		if (!type_wanted(m, l.items[k].artifact_type))
			continue;
		if (x->count >= REF_MAX) {
			tm_err_clear(err);
			err->side = TM_SIDE_SOURCE;
			rc = tm_err_set(err, TM_CAT_PROTOCOL,
			    "more than %d referrers for one tag", REF_MAX);
			break;
		}
		memset(&d, 0, sizeof d);
		snprintf(d.digest, sizeof d.digest, "%s", l.items[k].digest);
		snprintf(d.media_type, sizeof d.media_type, "%s",
		    l.items[k].media_type);
		d.size = l.items[k].size;
		if (x->copy != NULL && x->copy(x->w, x->i, &d, err) == -1) {
			rc = failed_artefact(err, l.items[k].artifact_type[0] ?
			    l.items[k].artifact_type : "referrer", d.digest,
			    subject);
			break;
		}
		/* An answer with OCI-Subject: the registry keeps the list. */
		api |= x->copy != NULL && reg_conn_put_subject(x->w->dst);
		copied.items[copied.n++] = l.items[k];
		x->count++;
		if (depth < REF_DEPTH)
			rc = subject_copy(x, d.digest, depth + 1, err);
	}
	if (rc == 0 && copied.n > 0 && !api && x->copy != NULL)
		rc = fallback_index(x, subject, &copied, err);
	reg_referrers_free(&copied);
	reg_referrers_free(&l);
	return rc;
}

static int
subject_copy(struct rctx *x, const char *digest, int depth, struct tm_err *err)
{
	if (referrers_of(x, digest, depth, err) == -1)
		return -1;
	return cosign_tags(x, digest, depth, err);
}

/*
 * One subject per run, whoever needs it: tags that alias a digest (or
 * share a child) would journal its tags twice.  The count is kept for
 * the others as text.
 */
static int
subject_once(struct rctx *x, const char *digest, struct tm_err *err)
{
	struct mirror	*m = x->w->m;
	char		 key[BS_KEY_MAX + 1], num[24], *data, type[8];
	size_t		 len;
	int		 before = x->count, rc;

	snprintf(key, sizeof key, "r:%s", digest);
	switch (blobset_claim(m->blobs, key, &m->cancel, err)) {
	case BS_FAILED:
		return -1;
	case BS_DONE:
		if (blobset_data(m->blobs, key, &data, &len, type, sizeof type)) {
			x->count += atoi(data);
			free(data);
		}
		return 0;
	case BS_MINE:
		break;
	}
	rc = subject_copy(x, digest, 1, err);
	if (rc == 0) {
		snprintf(num, sizeof num, "%d", x->count - before);
		blobset_keep(m->blobs, key, num, strlen(num) + 1, "count");
	}
	blobset_finish(m->blobs, key, rc == -1 ? err : NULL);
	return rc;
}

/* A tag the source lists and the destination's listing lacks. */
static int
lacked(const struct mirror *m, const char *tag)
{
	return plan_listed(m, TM_SIDE_SOURCE, tag) == 1 &&
	    plan_listed(m, TM_SIDE_DEST, tag) == 0;
}

/*
 * An up-to-date tag's subject is walked again only when the source lists
 * one of its wanted artefact tags (its fallback index, a cosign tag) that
 * the destination lacks: the listings tell, without a request.
 */
static int
subject_new(const struct mirror *m, const char *digest)
{
	char	base[TM_TAG_MAX + 1], tag[TM_TAG_MAX + 1];
	size_t	k;

	reg_referrers_tag(digest, base);
	if (lacked(m, base))
		return 1;
	for (k = 0; k < NWORDS; k++) {
		if (m->opts.referrer_types != NULL &&
		    !in_list(m->opts.referrer_types, words[k].word))
			continue;
		snprintf(tag, sizeof tag, "%.100s.%s", base, words[k].suffix);
		if (lacked(m, tag))
			return 1;
	}
	return 0;
}

/*
 * Copying, each subject once per run (an up-to-date tag's only when it
 * has new artefact tags); counting, each on its own.
 */
static int
subject(struct rctx *x, const char *digest, struct tm_err *err)
{
	if (x->late && !subject_new(x->w->m, digest))
		return 0;
	return x->copy != NULL ? subject_once(x, digest, err) :
	    subject_copy(x, digest, 1, err);
}

/*
 * The walk over s's digests: its own when whole (an index cut down by
 * --arch is a new digest, nothing refers to it), and an index's
 * children.  An image's HEAD (no bytes) is one subject, parsed never.
 */
static int
walk(struct rctx *x, const struct reg_manifest *s, int whole,
    struct tm_err *err)
{
	struct mf_parsed	 p;
	size_t			 k;
	int			 rc = 0;

	memset(&p, 0, sizeof p);
	if ((s->bytes != NULL || mf_is_index_type(s->media_type)) &&
	    mf_parse(s->bytes, s->len, s->media_type, &p, err) == -1)
		return -1;
	if (whole)
		rc = subject(x, s->digest, err);
	for (k = 0; rc == 0 && p.kind == MF_INDEX && k < p.n; k++)
		rc = subject(x, p.items[k].digest, err);
	mf_free(&p);
	return rc;
}

int
referrers_copy(struct worker *w, size_t i, const struct reg_manifest *s,
    artifact_copy_fn *copy, struct tm_err *err)
{
	struct mirror	*m = w->m;
	struct rctx	 x = { w, i, copy, 0, 0 };
	int		 rc;

	if (m->opts.no_referrers)
		return 0;
	rc = walk(&x, s, strcmp(s->digest, m->tags[i].i.src_digest) == 0, err);
	pthread_mutex_lock(&m->lock);
	m->tags[i].i.referrers = x.count;
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int
referrers_late(struct worker *w, size_t i, artifact_copy_fn *copy,
    struct tm_err *err)
{
	struct mirror		*m = w->m;
	struct mtag		*t = &m->tags[i];
	struct reg_manifest	 d = { 0 };
	struct rctx		 x = { w, i, copy, 0, 1 };
	int			 rc;

	/* No sha256-* tag the source lists is missing at the destination. */
	if (m->opts.no_referrers || !m->src_refs_new)
		return 0;
	/* Its children, as the destination holds them (--arch's cut too). */
	if (reg_manifest_get(w->dst, m->dst.repo, t->i.dst_digest, &d,
	    err) == -1)
		return -1;
	rc = walk(&x, &d, strcmp(d.digest, t->i.src_digest) == 0, err);
	reg_manifest_free(&d);
	pthread_mutex_lock(&m->lock);
	t->i.referrers = x.count;
	/* Announced up to date already: a later line with the count holds. */
	if (rc == 0 && x.count > 0)
		engine_emit_tag(m, i, MEV_TAG);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int
referrers_count(struct worker *w, const struct reg_manifest *s, int *count,
    struct tm_err *err)
{
	struct rctx	x = { w, 0, NULL, 0, 0 };
	int		rc = walk(&x, s, 1, err);

	*count = x.count;
	return rc;
}
