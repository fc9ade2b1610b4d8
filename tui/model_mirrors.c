/*
 * The mirrors model: rows of source, destination and tags, each with its
 * own preview model and run model, the set's defaults, and the mirror-set
 * YAML they load from and save to.  No curses here.
 */
#include "config.h"

#include "model_mirrors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mirrorset.h"
#include "mirrorset_write.h"
#include "paths.h"
#include "strv.h"

struct entry {
	char		*src, *dst, *tags;
	char		*platforms;	/* NULL: the set's */
	int		 src_tls;	/* -1: the set's */
	int		 referrers;	/* -1: the set's */
	char		*referrer_types;	/* NULL: the set's */
	int		 marked;
	struct preview	*pv;
	struct run	*run;
	struct mirror_share *share;	/* of its run's set run, NULL before */
};

/*
 * The mirrors started together run as one set run (mirror_share.h): one
 * pool over them all, fair, one set journal, cross-repository mounts.  A
 * set run ends (its journal's end record) once none of them is busy.
 */
struct set_run {
	struct mirror_share	*share;
	int			 ended;
};

/* The set's defaults (docs/mirrorset.md); strings owned. */
struct set_defaults {
	char	*registry, *platforms, *src_cert_dir, *dst_cert_dir, *auth_file;
	int	 jobs, rollback, delete_stale, src_tls, dst_tls;
	int	 referrers;
	char	*referrer_types;
};

struct mirrors {
	const struct mirror_opts	*base;
	struct set_defaults		 d;
	struct entry			*e;
	size_t				 n, cap;
	struct set_run			*runs;
	size_t				 nruns;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
defaults_free(struct set_defaults *d)
{
	free(d->registry);
	free(d->platforms);
	free(d->src_cert_dir);
	free(d->dst_cert_dir);
	free(d->auth_file);
	free(d->referrer_types);
	memset(d, 0, sizeof *d);
}

/* From a file's defaults, or (f NULL) from the command line's options. */
static void
defaults_take(struct mirrors *s, const struct ms_defaults *f)
{
	const struct mirror_opts	*b = s->base;
	struct set_defaults		*d = &s->d;

	defaults_free(d);
	d->registry = f != NULL ? dup_or_null(f->registry) : NULL;
	d->platforms = dup_or_null(f != NULL ? f->platforms : b->platforms);
	d->src_cert_dir = dup_or_null(f != NULL ? f->src_cert_dir :
	    b->src_reg.cert_dir);
	d->dst_cert_dir = dup_or_null(f != NULL ? f->dst_cert_dir :
	    b->dst_reg.cert_dir);
	d->auth_file = dup_or_null(f != NULL ? f->auth_file :
	    b->src_reg.auth_file);
	d->jobs = f != NULL ? f->jobs : b->jobs;
	/* -1: the run's own default (REPO_MIRROR_ROLLBACK, --rollback). */
	d->rollback = f != NULL ? f->rollback : -1;
	d->delete_stale = f != NULL ? f->delete_stale : b->delete_stale;
	d->src_tls = f != NULL ? f->src_tls_verify : b->src_reg.tls_verify;
	d->dst_tls = f != NULL ? f->dst_tls_verify : b->dst_reg.tls_verify;
	d->referrers = f != NULL ? f->referrers : !b->no_referrers;
	d->referrer_types = dup_or_null(f != NULL ? f->referrer_types :
	    b->referrer_types);
}

struct mirrors *
mirrors_new(const struct mirror_opts *base)
{
	struct mirrors	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->base = base;
	defaults_take(s, NULL);
	return s;
}

static void
entry_free(struct entry *e)
{
	/* An unanswered run is kept, as quitting would. */
	run_keep(e->run);
	run_free(e->run);
	preview_free(e->pv);
	free(e->src);
	free(e->dst);
	free(e->tags);
	free(e->platforms);
	free(e->referrer_types);
}

static void
entries_free(struct mirrors *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		entry_free(&s->e[i]);
	free(s->e);
	s->e = NULL;
	s->n = s->cap = 0;
}

/* A new set run's share, kept until the model goes.  NULL with err. */
static struct mirror_share *
set_run_new(struct mirrors *s, struct tm_err *err)
{
	struct set_run	*v;
	unsigned	 jobs = (unsigned)(s->d.jobs > 0 ? s->d.jobs : s->base->jobs);

	if ((v = reallocarray(s->runs, s->nruns + 1, sizeof *v)) == NULL) {
		tm_err_set(err, TM_CAT_IO, "out of memory");
		return NULL;
	}
	s->runs = v;
	if ((v[s->nruns].share = mirror_share_new(jobs, s->base->state_dir,
	    err)) == NULL)
		return NULL;
	v[s->nruns].ended = 0;
	return v[s->nruns++].share;
}

/* End the set runs none of whose mirrors is busy (all: even those), with
 * their worst mirror's status. */
static void
set_runs_end(struct mirrors *s, int all)
{
	struct run_view		v;
	struct tm_err		err;
	enum mirror_status	worst;
	size_t			k, i;
	int			busy;

	for (k = 0; k < s->nruns; k++) {
		if (s->runs[k].ended)
			continue;
		worst = MIRROR_SUCCESS;
		busy = 0;
		for (i = 0; i < s->n; i++) {
			if (s->e[i].share != s->runs[k].share || s->e[i].run == NULL)
				continue;
			busy |= run_busy(s->e[i].run);
			run_view(s->e[i].run, &v);
			if (mirror_status_severity(v.status) >
			    mirror_status_severity(worst))
				worst = v.status;
		}
		if (busy && !all)
			continue;
		/* A set journal that cannot be ended reads as interrupted: the
		 * next start offers to roll it back, which is safe. */
		mirror_share_end(s->runs[k].share, worst, &err);
		s->runs[k].ended = 1;
	}
}

void
mirrors_free(struct mirrors *s)
{
	size_t	k;

	if (s == NULL)
		return;
	set_runs_end(s, 1);
	entries_free(s);
	/* After every member: a share outlives its mirrors. */
	for (k = 0; k < s->nruns; k++)
		mirror_share_free(s->runs[k].share);
	free(s->runs);
	defaults_free(&s->d);
	free(s);
}

size_t
mirrors_count(const struct mirrors *s)
{
	return s->n;
}

/* The source's options for mirror e: listing and copying alike. */
static void
src_opts(const struct mirrors *s, const struct entry *e, struct reg_opts *o)
{
	*o = s->base->src_reg;
	o->tls_verify = e->src_tls >= 0 ? e->src_tls : s->d.src_tls;
	if (s->d.src_cert_dir != NULL)
		o->cert_dir = s->d.src_cert_dir;
	if (s->d.auth_file != NULL)
		o->auth_file = s->d.auth_file;
}

/* Everything a run of mirror e is given, in this one place. */
static void
fill_opts(const struct mirrors *s, const struct entry *e,
    struct mirror_opts *mo)
{
	*mo = *s->base;
	mo->src = e->src;
	mo->dst = e->dst;
	mo->expr = e->tags;
	if (s->d.jobs > 0)
		mo->jobs = s->d.jobs;
	mo->platforms = e->platforms != NULL ? e->platforms : s->d.platforms;
	if (s->d.rollback >= 0)
		mo->rollback = s->d.rollback;
	mo->delete_stale = s->d.delete_stale;
	mo->no_referrers = !(e->referrers >= 0 ? e->referrers : s->d.referrers);
	mo->referrer_types = e->referrer_types != NULL ? e->referrer_types :
	    s->d.referrer_types;
	src_opts(s, e, &mo->src_reg);
	mo->dst_reg.tls_verify = s->d.dst_tls;
	if (s->d.dst_cert_dir != NULL)
		mo->dst_reg.cert_dir = s->d.dst_cert_dir;
	if (s->d.auth_file != NULL)
		mo->dst_reg.auth_file = s->d.auth_file;
	mo->share = e->share;
}

static void
entry_list(const struct mirrors *s, struct entry *e)
{
	struct reg_opts	o;

	src_opts(s, e, &o);
	preview_list(e->pv, e->src, &o);
}

/* Replace *dst by a copy of src: 0, or -1 (then *dst is unchanged). */
static int
set_str(char **dst, const char *src)
{
	char	*c;

	if ((c = strdup(src != NULL ? src : "")) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

/* A new row at the end, listing: its index, or -1 out of memory. */
static long
entry_new(struct mirrors *s, const char *src, const char *dst,
    const char *tags)
{
	struct entry	*ne, *e;
	size_t		 cap;

	if (s->n == s->cap) {
		cap = s->cap > 0 ? s->cap * 2 : 8;
		if ((ne = realloc(s->e, cap * sizeof *ne)) == NULL)
			return -1;
		s->e = ne;
		s->cap = cap;
	}
	e = &s->e[s->n];
	memset(e, 0, sizeof *e);
	e->src_tls = e->referrers = -1;
	if ((e->pv = preview_new()) == NULL || set_str(&e->src, src) == -1 ||
	    set_str(&e->dst, dst) == -1 || set_str(&e->tags, tags) == -1) {
		entry_free(e);
		return -1;
	}
	entry_list(s, e);
	preview_set_expr(e->pv, e->tags);
	return (long)s->n++;
}

int
mirrors_add(struct mirrors *s, const char *src, const char *dst,
    const char *tags)
{
	return entry_new(s, src, dst, tags) == -1 ? -1 : 0;
}

int
mirrors_set(struct mirrors *s, size_t i, const char *src, const char *dst,
    const char *tags)
{
	struct entry	*e = &s->e[i];
	int		 relist = strcmp(e->src, src) != 0;

	if (set_str(&e->src, src) == -1 || set_str(&e->dst, dst) == -1 ||
	    set_str(&e->tags, tags) == -1)
		return -1;
	if (relist)
		entry_list(s, e);
	preview_set_expr(e->pv, e->tags);
	return 0;
}

int
mirrors_remove(struct mirrors *s, size_t i)
{
	if (run_busy(s->e[i].run))
		return -1;
	entry_free(&s->e[i]);
	memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof *s->e);
	s->n--;
	return 0;
}

int
mirrors_move(struct mirrors *s, size_t i, int dir)
{
	struct entry	t;
	size_t		j;

	if ((dir < 0 && i == 0) || (dir > 0 && i + 1 >= s->n))
		return 0;
	j = dir < 0 ? i - 1 : i + 1;
	t = s->e[i];
	s->e[i] = s->e[j];
	s->e[j] = t;
	return 1;
}

void
mirrors_mark(struct mirrors *s, size_t i, int on)
{
	s->e[i].marked = on != 0;
}

size_t
mirrors_marked(const struct mirrors *s)
{
	size_t	i, n = 0;

	for (i = 0; i < s->n; i++)
		n += (size_t)s->e[i].marked;
	return n;
}

/* What the preview says is wrong with row e, or "" */
static void
row_warning(const struct entry *e, const struct preview_view *v, char *buf,
    size_t n)
{
	char	why[400];

	buf[0] = '\0';
	if (v->state == PV_FAILED && v->err != NULL) {
		tm_err_short(v->err, why, sizeof why);
		snprintf(buf, n, "listing failed: %s", why);
	} else if (v->expr_err != NULL && v->expr_err->cat != TM_CAT_NONE)
		snprintf(buf, n, "tags: %s", v->expr_err->msg);
	else if (v->blank)
		snprintf(buf, n, "no tag expression");
	else if (e->dst[0] == '\0')
		snprintf(buf, n, "no destination");
	else if (strcmp(e->src, e->dst) == 0)
		snprintf(buf, n, "source and destination are the same");
	else if (v->state == PV_DONE && v->res != NULL &&
	    v->res->n_matched == 0)
		snprintf(buf, n, "no tag matches");
	else if (v->rejected > 0)
		snprintf(buf, n, "%zu tag names rejected", v->rejected);
}

void
mirrors_row(const struct mirrors *s, size_t i, struct mirrors_row *r)
{
	const struct entry	*e = &s->e[i];
	struct preview_view	 v;

	preview_view(e->pv, &v);
	r->src = e->src;
	r->dst = e->dst;
	r->tags = e->tags;
	r->marked = e->marked;
	r->pv_state = v.state;
	r->matched = v.res != NULL ? v.res->n_matched : 0;
	r->listed = v.n;
	row_warning(e, &v, r->warning, sizeof r->warning);
	r->run = e->run;
}

/* Row e can run: 0, or -1 with err saying why not. */
static int
entry_check(const struct entry *e, size_t i, struct tm_err *err)
{
	if (e->src[0] == '\0' || e->dst[0] == '\0' ||
	    e->tags[strspn(e->tags, " ,")] == '\0')
		return tm_err_set(err, TM_CAT_USAGE, "mirror %zu needs a source, "
		    "a destination and tags (e edits it)", i + 1);
	if (strcmp(e->src, e->dst) == 0)
		return tm_err_set(err, TM_CAT_USAGE, "mirror %zu: source and "
		    "destination are the same", i + 1);
	return 0;
}

/*
 * Row i's report: its own file, as mirrors of one set start in the same
 * second (a run's default name counts seconds only).
 */
static const char *
report_for(size_t i, char *buf, size_t n)
{
	char		rel[96], stamp[32];
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(rel, sizeof rel, "reports/set-%s-mirror%zu.json", stamp, i + 1);
	return path_state(buf, n, rel) == 0 ? buf : NULL;
}

int
mirrors_start(struct mirrors *s, struct tm_err *err)
{
	struct mirror_opts	 mo;
	struct mirror_share	*share = NULL;
	char			 report[4096];
	size_t			 i, all = mirrors_marked(s) == 0;
	int			 started = 0;

	tm_err_clear(err);
	for (i = 0; i < s->n; i++) {
		struct entry	*e = &s->e[i];

		if ((!all && !e->marked) || run_busy(e->run))
			continue;
		if (entry_check(e, i, err) == -1)
			return -1;
		if (share == NULL && (share = set_run_new(s, err)) == NULL)
			return -1;
		run_keep(e->run);
		run_free(e->run);
		e->share = share;
		fill_opts(s, e, &mo);
		if ((e->run = run_start(&mo, report_for(i, report,
		    sizeof report), err)) == NULL)
			return -1;
		started++;
	}
	return started;
}

struct run *
mirrors_run(struct mirrors *s, size_t i)
{
	return s->e[i].run;
}

void
mirrors_cancel(struct mirrors *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (run_busy(s->e[i].run))
			run_cancel(s->e[i].run);
}

int
mirrors_events(struct mirrors *s, const struct run *skip)
{
	size_t	i;
	int	dirty = 0;

	for (i = 0; i < s->n; i++) {
		if (preview_events(s->e[i].pv))
			dirty |= D_DRAW;
		if (s->e[i].run != NULL && s->e[i].run != skip)
			dirty |= run_events(s->e[i].run) & (D_DRAW | D_NOW);
	}
	return dirty;
}

int
mirrors_tick(struct mirrors *s, const struct run *skip)
{
	size_t	i;
	int	dirty = 0;

	for (i = 0; i < s->n; i++)
		if (s->e[i].run != NULL && s->e[i].run != skip)
			dirty |= run_tick(s->e[i].run);
	set_runs_end(s, 0);
	return dirty;
}

int
mirrors_busy(const struct mirrors *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (preview_busy(s->e[i].pv) || run_busy(s->e[i].run))
			return 1;
	return 0;
}

int
mirrors_running(const struct mirrors *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (run_busy(s->e[i].run))
			return 1;
	return 0;
}

int
mirrors_undecided(const struct mirrors *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (run_undecided(s->e[i].run))
			return 1;
	return 0;
}

/* One repository of a file's mirror m as a row: 0 or -1 with err. */
static int
load_repo(struct mirrors *s, const struct mirrorset *set,
    const struct ms_mirror *m, const char *src, struct tm_err *err)
{
	char		 host[256], dst[1024];
	const char	*slash = strchr(src, '/');
	long		 i;

	snprintf(host, sizeof host, "%.*s", slash != NULL ?
	    (int)(slash - src) : (int)strlen(src), src);
	if (mirrorset_dest(set, m, host, slash != NULL ? slash + 1 : "", dst,
	    sizeof dst, err) == -1)
		return -1;
	if ((i = entry_new(s, src, dst, m->tags)) == -1 ||
	    (m->platforms != NULL && set_str(&s->e[i].platforms,
	    m->platforms) == -1) || (m->referrer_types != NULL &&
	    set_str(&s->e[i].referrer_types, m->referrer_types) == -1))
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	s->e[i].src_tls = m->src_tls_verify;
	s->e[i].referrers = m->referrers;
	if (s->e[i].src_tls >= 0)
		entry_list(s, &s->e[i]);
	return 0;
}

/*
 * The rows of mirror m: one, or one per name of a namespace's list (the
 * reader's own expansion; no registry is asked).  A namespace read from
 * a catalog is left to tagmirror sync.
 */
static int
load_mirror(struct mirrors *s, const struct mirrorset *set,
    const struct ms_mirror *m, size_t *skipped, struct tm_err *err)
{
	char	**names;
	size_t	  n, j;
	int	  rc = 0;

	if (m->source != NULL)
		return load_repo(s, set, m, m->source, err);
	if (m->nrepos == 0) {
		(*skipped)++;
		return 0;
	}
	if (mirrorset_expand(m, &s->base->src_reg, &names, &n, err) == -1)
		return -1;
	for (j = 0; rc == 0 && j < n; j++)
		rc = load_repo(s, set, m, names[j], err);
	tm_strv_free(names, n);
	return rc;
}

int
mirrors_load(struct mirrors *s, const char *path, size_t *skipped,
    struct tm_err *err)
{
	struct mirrorset	*set;
	size_t			 i;
	int			 rc = 0;

	*skipped = 0;
	if (mirrors_running(s))
		return tm_err_set(err, TM_CAT_USAGE, "a run of the set is "
		    "active: load another set when it is over");
	if ((set = mirrorset_load(path, NULL, err)) == NULL)
		return -1;
	set_runs_end(s, 1);
	entries_free(s);
	defaults_take(s, mirrorset_defaults(set));
	for (i = 0; rc == 0 && i < mirrorset_count(set); i++)
		rc = load_mirror(s, set, mirrorset_get(set, i), skipped, err);
	mirrorset_free(set);
	return rc;
}

int
mirrors_save(const struct mirrors *s, const char *path, struct tm_err *err)
{
	struct ms_defaults	 d = {
		s->d.registry, s->d.jobs, s->d.platforms, s->d.rollback,
		s->d.delete_stale, s->d.src_tls, s->d.dst_tls,
		s->d.src_cert_dir, s->d.dst_cert_dir, s->d.auth_file,
		s->d.referrers, s->d.referrer_types
	};
	struct ms_mirror	*m;
	size_t			 i;
	int			 rc;

	if ((m = calloc(s->n > 0 ? s->n : 1, sizeof *m)) == NULL)
		return tm_err_set(err, TM_CAT_IO, "out of memory");
	for (i = 0; i < s->n; i++) {
		m[i].source = s->e[i].src;
		m[i].dest = s->e[i].dst;
		m[i].tags = s->e[i].tags;
		m[i].platforms = s->e[i].platforms;
		m[i].src_tls_verify = s->e[i].src_tls;
		m[i].referrers = s->e[i].referrers;
		m[i].referrer_types = s->e[i].referrer_types;
	}
	rc = mirrorset_write(path, &d, m, s->n, err);
	free(m);
	return rc;
}
