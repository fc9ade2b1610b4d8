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
#include <sys/random.h>

#include "evq.h"
#include "internal.h"
#include "journal.h"
#include "lock.h"
#include "manifest.h"
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
 * registry can (OCI 1.1).  Where it deletes by digest only (distribution
 * 2.8), a delete of the tag's digest would take along every tag at it,
 * also one someone pushes there while we work.  So each tag is re-pointed
 * at a throwaway manifest of its own, an empty OCI image whose annotation
 * carries a random nonce (no other tag can be at its digest), and that
 * digest is deleted.  --delete-stale uses it too.
 */
#define EMPTY_DIGEST \
	"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
#define THROWAWAY_HEAD \
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\"," \
	"\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\"," \
	"\"digest\":\"" EMPTY_DIGEST "\",\"size\":2},\"layers\":[]," \
	"\"annotations\":{\"org.tagmirror.throwaway\":\""
#define THROWAWAY_TAIL	"\"}}"
#define NONCE_HEX	32
#define THROWAWAY_LEN	(sizeof THROWAWAY_HEAD - 1 + NONCE_HEX + \
			    sizeof THROWAWAY_TAIL - 1)

/* 1 when bytes are a throwaway manifest (ours, by its form). */
static int
throwaway_is(const char *bytes, size_t len)
{
	return bytes != NULL && len == THROWAWAY_LEN &&
	    memcmp(bytes, THROWAWAY_HEAD, sizeof THROWAWAY_HEAD - 1) == 0 &&
	    memcmp(bytes + len - (sizeof THROWAWAY_TAIL - 1), THROWAWAY_TAIL,
	    sizeof THROWAWAY_TAIL - 1) == 0;
}

/* A fresh throwaway into m (bytes in buf, THROWAWAY_LEN + 1).  0 or -1. */
static int
throwaway_make(char *buf, struct reg_manifest *m, struct tm_err *e)
{
	unsigned char	nonce[NONCE_HEX / 2];
	char		hex[NONCE_HEX + 1];
	size_t		i;

	if (getrandom(nonce, sizeof nonce, 0) != (ssize_t)sizeof nonce)
		return tm_err_set(e, TM_CAT_IO, "no random bytes: %s",
		    strerror(errno));
	for (i = 0; i < sizeof nonce; i++)
		snprintf(hex + 2 * i, 3, "%02x", nonce[i]);
	snprintf(buf, THROWAWAY_LEN + 1, "%s%s%s", THROWAWAY_HEAD, hex,
	    THROWAWAY_TAIL);
	memset(m, 0, sizeof *m);
	m->bytes = buf;
	m->len = THROWAWAY_LEN;
	snprintf(m->media_type, sizeof m->media_type, "%s", MT_OCI_MANIFEST);
	mf_digest(buf, THROWAWAY_LEN, m->digest);
	return 0;
}

/* The throwaways' config, the empty JSON object, must be in repo. */
static int
empty_config(struct untag_ctx *x, struct tm_err *e)
{
	int	r = reg_blob_exists(x->conn, x->repo, EMPTY_DIGEST, e);

	if (r == 0)
		r = reg_blob_put(x->conn, x->repo, "{}", 2, EMPTY_DIGEST, e);
	return r == -1 ? -1 : 0;
}

/* The registry cannot delete a tag by name (distribution 2.8: 400). */
static int
tag_delete_refused(const struct tm_err *e)
{
	return e->http == 400 || e->http == 405 ||
	    strcmp(e->code, "UNSUPPORTED") == 0;
}

/* Deletes are refused for good (disabled, read-only): skip the rest. */
static int
delete_refused(const struct tm_err *e)
{
	return e->http == 405 || strcmp(e->code, "UNSUPPORTED") == 0;
}

/*
 * Point the tag at a throwaway, then delete the throwaway.  0, or -1 with
 * it->err; the tag is put back at was when the delete fails.
 */
static int
repoint(struct untag_ctx *x, struct untag_item *it,
    const struct reg_manifest *was)
{
	struct reg_manifest	 t;
	struct tm_err		 e;
	char			 buf[THROWAWAY_LEN + 1];

	if (throwaway_make(buf, &t, &it->err) == -1 ||
	    reg_manifest_put(x->conn, x->repo, it->tag, &t, &it->err) == -1)
		return -1;
	if (reg_manifest_delete(x->conn, x->repo, t.digest, &it->err) != -1)
		return 0;
	tm_err_clear(&e);
	if (reg_manifest_put(x->conn, x->repo, it->tag, was, &e) == -1)
		tm_err_set(&it->err, it->err.cat, "%s; the tag is left at "
		    "throwaway manifest %s: putting it back failed (%s)",
		    it->err.msg, t.digest, e.msg);
	return -1;
}

/*
 * Remove the item's tag alone; its manifest's bytes are read first, to
 * put them back should the delete fail.  0 removed, or -1 with it->err.
 */
static int
untag_one(struct untag_ctx *x, struct untag_item *it)
{
	struct reg_manifest	was;
	int			rc;

	if (reg_manifest_get(x->conn, x->repo, it->digest, &was, &it->err) == -1)
		return -1;
	/* Left by an interrupted removal: no other tag can be at it. */
	if (throwaway_is(was.bytes, was.len))
		rc = reg_manifest_delete(x->conn, x->repo, it->digest,
		    &it->err) == -1 ? -1 : 0;
	else
		rc = repoint(x, it, &was);
	reg_manifest_free(&was);
	return rc;
}

size_t
untag(struct untag_ctx *x, struct untag_item *items, size_t n)
{
	struct tm_err	e, refused;
	size_t		i, left = 0, failed = 0;

	tm_err_clear(&refused);
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
	tm_err_clear(&e);
	if (left > 0 && empty_config(x, &e) == -1) {
		refused = e;
		tm_err_set(&refused, e.cat, "not removed: the empty config a "
		    "throwaway manifest needs cannot be pushed (%s)", e.msg);
	}
	for (i = 0; i < n; i++) {
		if (items[i].ok || items[i].err.cat != TM_CAT_NONE)
			continue;
		if (x->cancel != NULL && *x->cancel) {
			items[i].err.side = TM_SIDE_DEST;
			tm_err_set(&items[i].err, TM_CAT_CANCELLED, "cancelled");
		} else if (refused.cat != TM_CAT_NONE) {
			items[i].err = refused;
			snprintf(items[i].err.object, sizeof items[i].err.object,
			    "manifest %s", items[i].tag);
		} else if (untag_one(x, &items[i]) == 0)
			items[i].ok = 1;
		else if (delete_refused(&items[i].err)) {
			refused = items[i].err;
			tm_err_set(&refused, refused.cat, "not removed: this "
			    "registry refuses manifest deletes (HTTP %ld%s%s)",
			    refused.http, refused.code[0] ? " " : "", refused.code);
		}
	}
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

/*
 * A tag at one of our throwaways was being removed when a rollback or a
 * run was interrupted: still ours to undo, not someone else's push.
 */
static int
at_throwaway(struct rb *rb, const char *digest)
{
	struct reg_manifest	m;
	struct tm_err		e;
	int			r;

	tm_err_clear(&e);
	r = reg_manifest_get(rb->conns[0], rb->d.repo, digest, &m, &e) == 0 &&
	    throwaway_is(m.bytes, m.len);
	reg_manifest_free(&m);
	return r;
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
		if (t->plan == P_CONFLICT && at_throwaway(rb, t->now))
			t->plan = jt->had ? P_PUT : P_REMOVE;
		if (t->plan == P_CONFLICT) {
			conflict_err(&t->err, rb, jt->name, t->now,
			    jt->new_digest);
			journal_conflict(rb->j, jt->name, t->now, &t->err);
		}
	}
}

/*
 * Tags re-tagged after a delete by digest, still missing: journals of
 * versions that removed tags that way may hold them.
 */
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
remove_new(struct rb *rb)
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
	x.conn = rb->conns[0];
	x.repo = rb->d.repo;
	untag(&x, items, n);
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

/*
 * The referrers the run added, deleted by digest once the tags are back
 * (a cosign tag at one is gone by then).  Already absent is as good.
 */
static void
remove_artifacts(struct rb *rb, struct mirror_rollback_info *info, rb_fn *cb,
    void *ud)
{
	struct tm_err	e;
	size_t		i;
	int		r;

	for (i = 0; i < rb->d.nartifacts; i++) {
		tm_err_clear(&e);
		r = reg_manifest_delete(rb->conns[0], rb->d.repo,
		    rb->d.artifacts[i], &e);
		if (r == 0)
			info->artifacts++;
		if (r != -1)
			continue;
		info->failed++;
		if (info->err.cat == TM_CAT_NONE)
			info->err = e;
		cb(ud, rb->d.artifacts[i], RB_FAILED, rb->d.artifacts[i], &e);
	}
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

/*
 * Put back before removing, so the removal's tag scan sees them; the
 * referrers last, their tags gone by then; then read everything back.
 */
static void
restore(struct rb *rb, struct mirror_rollback_info *info, rb_fn *cb, void *ud)
{
	size_t	i;

	for (i = 0; i < rb->d.ntags; i++)
		if (rb->t[i].plan == P_PUT)
			put_back(rb, i);
	remove_new(rb);
	remove_artifacts(rb, info, cb, ud);
	verify(rb);
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
	restore(&rb, info, cb, ud);
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
		engine_count_tag(m, i, -1);
		if (r == RB_CONFLICT) {
			t->i.state = TAG_CONFLICT;
			if (e != NULL)
				t->i.err = *e;
		} else if (r == RB_RESTORED || (r == RB_UNCHANGED &&
		    (t->i.state == TAG_DONE || t->i.state == TAG_STALE_DELETED)))
			t->i.state = TAG_ROLLED_BACK;
		engine_count_tag(m, i, 1);
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
