/*
 * `tagmirror sync`: a mirror set (docs/mirrorset.md, or skopeo sync's
 * YAML) run headless: a struct mirror per repository, several at once
 * on the engine's share (one fair pool of workers, one set journal that
 * `tagmirror rollback` undoes as a whole, cross-repository mounts); a
 * preview of what each expands to; one report with a section per
 * repository; and --shard K/N so N machines split a set.
 */
#include "config.h"

#include "commands.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "fsutil.h"
#include "mirror.h"
#include "mirrorset.h"
#include "ref.h"
#include "tagexpr.h"
#include "taglist.h"
#include "strv.h"

#define PREVIEW_SHOWN	20	/* tags printed per repository */

static const char usage[] =
"Usage: tagmirror sync FILE [options]\n"
"       tagmirror sync --src yaml FILE DEST [options]\n"
"\n"
"Runs every mirror of the mirror set FILE (docs/mirrorset.md), best effort\n"
"as 'tagmirror run' does, several repositories at once on one fair pool\n"
"of 'jobs' workers, a blob already copied to another repository of the\n"
"run mounted from there: a line per repository, one report, and one set\n"
"journal that 'tagmirror rollback FILE' (or --last) undoes as a whole.\n"
"With --src yaml FILE is skopeo sync's YAML and each image goes to\n"
"DEST/NAME, as 'skopeo sync --src yaml FILE DEST' puts it.\n"
"\n"
"Options:\n"
"  --src yaml                 FILE is skopeo sync's YAML; DEST needed\n"
"  --preview                  print what each mirror expands to\n"
"                             (repositories, then their tags); copy nothing\n"
"  --report FILE              one JSON report, a section per mirror\n"
"  --shard K/N                only the mirrors of shard K (0 to N-1) of N:\n"
"                             N machines with K = 0..N-1 split the set\n"
"  --state-dir DIR            journals here (default\n"
"                             $XDG_STATE_HOME/tagmirror)\n"
"  --authfile FILE            credentials file for every registry (as\n"
"                             REGISTRY_AUTH_FILE; the set's auth-file wins)\n"
"  -h, --help                 this text\n"
"\n"
"Exit status: the worst mirror's, from best to worst 0 SUCCESS, 4\n"
"ROLLED_BACK, 3 PARTIAL_MIRROR, 2 FAIL, 5 CANCELLED; 1 usage or set file\n"
"error.  --preview: 0, or 2 when a mirror could not be expanded or\n"
"listed.\n";

struct opts {
	const char	*file, *dest, *report, *state_dir, *authfile;
	int		 skopeo, preview;
	unsigned	 shard_k, shard_n;
};

/* One repository to mirror, from one mirror of the set. */
struct job {
	const struct ms_mirror	*m;
	size_t			 mirror;	/* index in the set */
	char			*src, *dst;	/* "host/repo" */
	struct tm_err		 err;		/* expansion failed: why */
	struct mirror		*run;		/* while it runs */
	cJSON			*section;	/* its part of the report */
};

struct run {
	const struct opts	*o;
	struct mirrorset	*set;
	struct job		*jobs;
	size_t			 njobs, capjobs;
	struct mirror_share	*share;
	cJSON			*report;	/* the "mirrors" array */
	int			 worst;		/* mirror_status_severity() */
	sigset_t		 sigs;
	int			 cancelled;
};

static int
shard_arg(struct opts *o, const char *s)
{
	char	*end;

	errno = 0;
	o->shard_k = (unsigned)strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '/' || s[0] == '-')
		return cli_error("--shard K/N: '%s' is not two numbers", s);
	s = end + 1;
	o->shard_n = (unsigned)strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    o->shard_n == 0 || o->shard_n > 1000000 || o->shard_k >= o->shard_n)
		return cli_error("--shard K/N: K from 0 to N-1, N from 1 to "
		    "1000000");
	return 0;
}

/* One option with its value at argv[*i + 1]; 0, 1 usage, -1 not ours. */
static int
valued(struct opts *o, int argc, char **argv, int *i)
{
	static const char *const names[] = { "--report", "--state-dir",
	    "--authfile", "--src", "--shard" };
	const char	**dst[] = { &o->report, &o->state_dir, &o->authfile };
	size_t		  k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strcmp(argv[*i], names[k]) == 0)
			break;
	if (k == sizeof names / sizeof names[0])
		return -1;
	if (*i + 1 >= argc)
		return cli_error("%s needs a value", names[k]);
	++*i;
	if (k < 3)
		*dst[k] = argv[*i];
	else if (k == 3 && strcmp(argv[*i], "yaml") != 0)
		return cli_error("--src: only 'yaml' (skopeo sync's format)");
	else if (k == 3)
		o->skopeo = 1;
	else
		return shard_arg(o, argv[*i]);
	return 0;
}

/* 0 to go on, 1 usage error, 2 --help printed. */
static int
parse(struct opts *o, int argc, char **argv)
{
	const char	*pos[3];
	int		 i, npos = 0, rc;

	memset(o, 0, sizeof *o);
	o->shard_n = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return fputs(usage, stdout), 2;
		if (strcmp(argv[i], "--preview") == 0)
			o->preview = 1;
		else if ((rc = valued(o, argc, argv, &i)) != -1) {
			if (rc != 0)
				return 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_error("sync: unknown option '%s' (see --help)",
			    argv[i]);
		else if (npos == 3)
			return cli_error("unexpected argument '%s'", argv[i]);
		else
			pos[npos++] = argv[i];
	}
	if (npos != (o->skopeo ? 2 : 1))
		return cli_error(o->skopeo ? "sync --src yaml needs FILE and DEST" :
		    "sync needs one FILE (and DEST only with --src yaml)");
	o->file = pos[0];
	o->dest = o->skopeo ? pos[1] : NULL;
	return 0;
}

static enum mirror_status
rank_status(int worst)
{
	static const enum mirror_status	st[] = { MIRROR_SUCCESS,
		MIRROR_ROLLED_BACK, MIRROR_PARTIAL, MIRROR_FAIL,
		MIRROR_CANCELLED };

	return st[worst];
}

static const char *
rank_name(int worst)
{
	return mirror_status_name(rank_status(worst));
}

/* The set's status is its worst mirror's. */
static void
worse(struct run *r, enum mirror_status st)
{
	if (mirror_status_severity(st) > r->worst)
		r->worst = mirror_status_severity(st);
}

/* Mirrors running at once: one per worker of the pool, at most. */
static size_t
share_window(const struct run *r)
{
	const struct ms_defaults	*d = mirrorset_defaults(r->set);

	return d->jobs > 0 ? (size_t)d->jobs : 8;
}

/* The source's registry options for mirror m (its own, else the set's). */
static void
src_opts(const struct run *r, const struct ms_mirror *m, struct reg_opts *ro)
{
	const struct ms_defaults	*d = mirrorset_defaults(r->set);

	reg_opts_init(ro);
	ro->side = TM_SIDE_SOURCE;
	ro->tls_verify = m->src_tls_verify != -1 ? m->src_tls_verify :
	    d->src_tls_verify;
	ro->cert_dir = m->src_cert_dir != NULL ? m->src_cert_dir :
	    d->src_cert_dir;
}

static void
dst_opts(const struct run *r, struct reg_opts *ro)
{
	const struct ms_defaults	*d = mirrorset_defaults(r->set);

	reg_opts_init(ro);
	ro->side = TM_SIDE_DEST;
	ro->tls_verify = d->dst_tls_verify;
	ro->cert_dir = d->dst_cert_dir;
}

static struct job *
add_job(struct run *r, size_t mi)
{
	struct job	*v;

	if (r->njobs == r->capjobs) {
		r->capjobs = r->capjobs ? r->capjobs * 2 : 16;
		if ((v = realloc(r->jobs, r->capjobs * sizeof *v)) == NULL)
			return NULL;
		r->jobs = v;
	}
	v = &r->jobs[r->njobs++];
	memset(v, 0, sizeof *v);
	v->m = mirrorset_get(r->set, mi);
	v->mirror = mi;
	return v;
}

/* A job for "host/repo" src, its destination from the template. */
static int
repo_job(struct run *r, size_t mi, const char *src)
{
	struct tm_ref	 ref;
	struct job	*j;
	char		 dst[600];

	if ((j = add_job(r, mi)) == NULL || (j->src = strdup(src)) == NULL)
		return cli_error("out of memory");
	if (tm_ref_parse(src, &ref, &j->err) == -1 ||
	    mirrorset_dest(r->set, j->m, ref.host, ref.repo, dst, sizeof dst,
	    &j->err) == -1)
		return 0;
	if ((j->dst = strdup(dst)) == NULL)
		return cli_error("out of memory");
	return 0;
}

/* Mirror mi's repositories as jobs; an expansion failure is a job too. */
static int
mirror_jobs(struct run *r, size_t mi)
{
	const struct ms_mirror	*m = mirrorset_get(r->set, mi);
	struct reg_opts		 ro;
	struct job		*j;
	char			**names;
	size_t			 n, i;
	int			 rc = 0;

	if (m->source != NULL)
		return repo_job(r, mi, m->source);
	src_opts(r, m, &ro);
	if ((j = add_job(r, mi)) == NULL)
		return cli_error("out of memory");
	if (mirrorset_expand(m, &ro, &names, &n, &j->err) == -1) {
		j->src = strdup(m->ns);
		return j->src == NULL ? cli_error("out of memory") : 0;
	}
	r->njobs--;	/* the placeholder held the error only */
	if (n == 0)
		fprintf(stderr, "tagmirror: %s:%d: namespace %s: no repository "
		    "matches '%s'\n", r->o->file, m->line, m->ns,
		    m->match != NULL ? m->match : "*");
	for (i = 0; i < n && rc == 0; i++)
		rc = repo_job(r, mi, names[i]);
	tm_strv_free(names, n);
	return rc;
}

/* Every mirror of this shard as jobs, in the set's order. */
static int
plan(struct run *r)
{
	size_t	i, taken = 0, n = mirrorset_count(r->set);

	for (i = 0; i < n; i++) {
		if (mirrorset_shard(mirrorset_get(r->set, i), r->o->shard_n) !=
		    r->o->shard_k)
			continue;
		taken++;
		if (mirror_jobs(r, i) != 0)
			return 1;
	}
	if (r->o->shard_n > 1)
		fprintf(stderr, "tagmirror: shard %u/%u: %zu of %zu mirrors\n",
		    r->o->shard_k, r->o->shard_n, taken, n);
	return 0;
}

/* The tags a job's expression selects at its source. */
static void
preview_job(struct run *r, const struct job *j)
{
	struct reg_opts		 ro;
	struct tagexpr_result	 res;
	struct tagexpr		*te;
	struct taglist		*tl;
	struct tm_err		 err;
	char			**names = NULL, reason[1024];
	size_t			 n = 0, i;

	src_opts(r, j->m, &ro);
	if ((te = tagexpr_compile(j->m->tags, &err)) == NULL ||
	    (tl = taglist_fetch(j->src, &ro, &err)) == NULL) {
		tagexpr_free(te);
		tm_err_format(&err, reason, sizeof reason);
		printf("  warning: %s\n", reason);
		worse(r, MIRROR_FAIL);
		return;
	}
	n = taglist_take(tl, &names);
	taglist_free(tl);
	if (tagexpr_apply(te, (const char *const *)names, n, &res, &err) == 0) {
		printf("  %zu of %zu tags:", res.n_matched, n);
		for (i = 0; i < res.n_matched && i < PREVIEW_SHOWN; i++)
			printf(" %s", names[res.matched[i]]);
		printf("%s\n", res.n_matched > PREVIEW_SHOWN ? " ..." : "");
		if (res.n_matched == 0)
			printf("  warning: the expression selects no tag\n");
		tagexpr_result_free(&res);
	}
	tm_strv_free(names, n);
	tagexpr_free(te);
}

/* Per mirror: its repositories and where they go, then their tags. */
static void
preview(struct run *r)
{
	const struct job	*j;
	char			 reason[1024];
	size_t			 i;

	for (i = 0; i < r->njobs; i++) {
		j = &r->jobs[i];
		if (i == 0 || r->jobs[i - 1].mirror != j->mirror)
			printf("mirror %zu (%s:%d): %s, tags '%s'\n", j->mirror + 1,
			    r->o->file, j->m->line, j->m->source != NULL ?
			    j->m->source : j->m->ns, j->m->tags);
		if (j->dst == NULL) {
			tm_err_format(&j->err, reason, sizeof reason);
			printf("  %s: warning: %s\n", j->src, reason);
			worse(r, MIRROR_FAIL);
			continue;
		}
		printf("  %s -> %s\n", j->src, j->dst);
		preview_job(r, j);
	}
}

/* A report section for job j (engine report as "report" when m ran). */
static void
section(struct job *j, const char *status, const struct tm_err *err,
    cJSON *engine)
{
	cJSON	*s = cJSON_CreateObject();
	char	 reason[1024];

	if (s == NULL) {
		cJSON_Delete(engine);
		return;
	}
	j->section = s;
	cJSON_AddNumberToObject(s, "mirror", (double)j->mirror + 1);
	cJSON_AddNumberToObject(s, "line", j->m->line);
	cJSON_AddStringToObject(s, "source", j->src != NULL ? j->src : "");
	if (j->dst != NULL)
		cJSON_AddStringToObject(s, "destination", j->dst);
	else
		cJSON_AddNullToObject(s, "destination");
	cJSON_AddStringToObject(s, "status", status);
	if (err != NULL && err->cat != TM_CAT_NONE) {
		tm_err_format(err, reason, sizeof reason);
		cJSON_AddStringToObject(s, "error", reason);
	}
	if (engine != NULL)
		cJSON_AddItemToObject(s, "report", engine);
}

/* A job that never ran: its line, section and rank. */
static void
not_run(struct run *r, struct job *j, enum mirror_status st,
    const struct tm_err *err)
{
	char	reason[1024] = "cancelled before it started";

	if (err != NULL && err->cat != TM_CAT_NONE)
		tm_err_format(err, reason, sizeof reason);
	printf("%s -> %s: %s: %s\n", j->src != NULL ? j->src : "?",
	    j->dst != NULL ? j->dst : "?", mirror_status_name(st), reason);
	section(j, mirror_status_name(st), err, NULL);
	worse(r, st);
}

/* The summary line, the failed tags, the section. */
static void
record(struct run *r, struct job *j, struct mirror *m, enum mirror_status st)
{
	struct mirror_snapshot	 snap;
	struct tm_err		 err;
	char			*text, reason[1024];
	size_t			 i;

	mirror_run_error(m, &err);
	if (mirror_snapshot(m, &snap, &err) == -1)
		return not_run(r, j, st, &err);
	printf("%s -> %s: %s: %zu tag%s: %zu copied, %zu up to date, %zu "
	    "failed\n", j->src, j->dst, mirror_status_name(st), snap.totals.tags,
	    snap.totals.tags == 1 ? "" : "s", snap.totals.done + snap.totals.rolled_back, snap.totals.uptodate,
	    snap.totals.failed + snap.totals.conflicts);
	for (i = 0; i < snap.ntags; i++)
		if (snap.tags[i].state == TAG_FAILED ||
		    snap.tags[i].state == TAG_CONFLICT) {
			tm_err_format(&snap.tags[i].err, reason, sizeof reason);
			printf("  %s  %s\n", snap.tags[i].name, reason);
		}
	text = mirror_report_text(&snap);
	section(j, mirror_status_name(st), &snap.run_err,
	    text != NULL ? cJSON_Parse(text) : NULL);
	free(text);
	mirror_snapshot_free(&snap);
	worse(r, st);
}

/* Start job j's mirror on the share: 1 it runs, 0 it never will. */
static int
start_job(struct run *r, struct job *j)
{
	const struct ms_defaults	*d = mirrorset_defaults(r->set);
	struct mirror_opts		 mo;
	struct tm_err			 err;

	if (r->cancelled)
		return not_run(r, j, MIRROR_CANCELLED, NULL), 0;
	if (j->dst == NULL)
		return not_run(r, j, MIRROR_FAIL, &j->err), 0;
	mirror_opts_init(&mo);
	mo.src = j->src;
	mo.dst = j->dst;
	mo.expr = j->m->tags;
	src_opts(r, j->m, &mo.src_reg);
	dst_opts(r, &mo.dst_reg);
	mo.rollback = d->rollback != -1 ? d->rollback : mo.rollback;
	mo.delete_stale = d->delete_stale;
	mo.platforms = j->m->platforms != NULL ? j->m->platforms : d->platforms;
	mo.no_referrers = !(j->m->referrers != -1 ? j->m->referrers :
	    d->referrers);
	mo.referrer_types = j->m->referrer_types != NULL ?
	    j->m->referrer_types : d->referrer_types;
	mo.share = r->share;
	if ((j->run = mirror_new(&mo, NULL, &err)) == NULL ||
	    mirror_start(j->run, &err) == -1) {
		mirror_free(j->run);
		j->run = NULL;
		return not_run(r, j, MIRROR_FAIL, &err), 0;
	}
	return 1;
}

/* A signal cancels every running mirror and the rest; a second exits. */
static void
on_signal(struct run *r, int sig)
{
	const char	*sj = mirror_share_journal(r->share);
	size_t		 i;

	if (r->cancelled++ > 0) {
		fprintf(stderr, "tagmirror: stopped; the journals are kept "
		    "(tagmirror rollback %s)\n", sj != NULL ? sj : "--last");
		_exit(5);
	}
	fprintf(stderr, "tagmirror: %s: cancelling the set (again to stop at "
	    "once)\n", strsignal(sig));
	for (i = 0; i < r->njobs; i++)
		if (r->jobs[i].run != NULL)
			mirror_cancel(r->jobs[i].run);
}

/* Record and free the mirrors that are over; how many still run. */
static size_t
reap(struct run *r, size_t upto)
{
	struct job	*j;
	size_t		 i, live = 0;

	for (i = 0; i < upto; i++) {
		if ((j = &r->jobs[i])->run == NULL)
			continue;
		if (mirror_busy(j->run)) {
			live++;
			continue;
		}
		record(r, j, j->run, mirror_wait(j->run));
		mirror_free(j->run);
		j->run = NULL;
	}
	return live;
}

/* Is job k's destination one a running job writes (its lock held)? */
static int
dest_busy(const struct run *r, size_t k)
{
	size_t	i;

	for (i = 0; i < k && r->jobs[k].dst != NULL; i++)
		if (r->jobs[i].run != NULL &&
		    strcmp(r->jobs[i].dst, r->jobs[k].dst) == 0)
			return 1;
	return 0;
}

/*
 * Every job, as many mirrors at once as the pool has workers (each a
 * struct mirror with its connections: more would only wait for a slot),
 * in the file's order; two into one repository one after the other.
 */
static void
run_jobs(struct run *r)
{
	struct timespec	tick = { 0, 50 * 1000 * 1000 };
	size_t		next = 0, live = 0, window = share_window(r);
	int		sig;

	while (next < r->njobs || live > 0) {
		while (live < window && next < r->njobs && !dest_busy(r, next))
			live += (size_t)start_job(r, &r->jobs[next++]);
		if ((sig = sigtimedwait(&r->sigs, NULL, &tick)) > 0)
			on_signal(r, sig);
		live = reap(r, next);
	}
}

/* The report, written aside and renamed. */
static int
write_report(struct run *r, cJSON *mirrors)
{
	cJSON	*doc = cJSON_CreateObject();
	char	*text = NULL, tmp[4200], shard[32];
	FILE	*f;
	int	 rc = 1;

	snprintf(shard, sizeof shard, "%u/%u", r->o->shard_k, r->o->shard_n);
	snprintf(tmp, sizeof tmp, "%s.tmp", r->o->report);
	if (doc != NULL) {
		cJSON_AddStringToObject(doc, "set", r->o->file);
		cJSON_AddStringToObject(doc, "format", r->o->skopeo ? "skopeo" :
		    "tagmirror");
		cJSON_AddStringToObject(doc, "shard", shard);
		cJSON_AddStringToObject(doc, "status", rank_name(r->worst));
		if (mirror_share_journal(r->share) != NULL)
			cJSON_AddStringToObject(doc, "journal",
			    mirror_share_journal(r->share));
		else
			cJSON_AddNullToObject(doc, "journal");
		cJSON_AddItemReferenceToObject(doc, "mirrors", mirrors);
		text = cJSON_Print(doc);
	}
	if (text != NULL && (f = fopen(tmp, "w")) != NULL) {
		rc = fputs(text, f) < 0 || fputc('\n', f) == EOF;
		rc |= fclose(f) != 0 || rename(tmp, r->o->report) != 0;
	}
	if (rc != 0)
		cli_error("--report %s: cannot write it", r->o->report);
	free(text);
	cJSON_Delete(doc);
	return rc;
}

/* Preview or run every job; the report; the exit code. */
static int
run_all(struct run *r)
{
	const struct ms_defaults	*d = mirrorset_defaults(r->set);
	const char			*sj;
	struct tm_err			 err;
	sigset_t			 old;
	size_t				 i;
	int				 rc;

	if (r->o->preview) {
		preview(r);
		return r->worst >= mirror_status_severity(MIRROR_FAIL) ? 2 : 0;
	}
	if ((r->share = mirror_share_new(d->jobs > 0 ? (unsigned)d->jobs : 8,
	    r->o->state_dir, &err)) == NULL)
		return cli_tm_error(NULL, &err);
	sigemptyset(&r->sigs);
	sigaddset(&r->sigs, SIGINT);
	sigaddset(&r->sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &r->sigs, &old);
	run_jobs(r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (i = 0; i < r->njobs; i++)
		if (r->jobs[i].section != NULL) {
			cJSON_AddItemToArray(r->report, r->jobs[i].section);
			r->jobs[i].section = NULL;
		}
	if (mirror_share_end(r->share, rank_status(r->worst), &err) == -1)
		cli_tm_error("set journal", &err);
	printf("%s: %zu repositor%s: %s\n", r->o->file, r->njobs,
	    r->njobs == 1 ? "y" : "ies", rank_name(r->worst));
	if ((sj = mirror_share_journal(r->share)) != NULL && r->worst > 0)
		fprintf(stderr, "tagmirror: set journal %s (undo with: "
		    "tagmirror rollback %s)\n", sj, sj);
	rc = cli_exit_code(rank_status(r->worst));
	if (r->o->report != NULL && write_report(r, r->report) != 0 && rc == 0)
		rc = 1;
	mirror_share_free(r->share);
	return rc;
}

int
cmd_sync(int argc, char **argv)
{
	struct opts	 o;
	struct run	 r;
	struct tm_err	 err;
	const char	*auth;
	size_t		 i;
	int		 rc;

	if ((rc = parse(&o, argc, argv)) != 0)
		return rc == 2 ? 0 : 1;
	if (o.authfile != NULL)
		setenv("REGISTRY_AUTH_FILE", o.authfile, 1);
	memset(&r, 0, sizeof r);
	r.o = &o;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((r.set = mirrorset_load(o.file, o.dest, &err)) == NULL)
		return cli_tm_error(NULL, &err);
	/* Credentials by reference: the set names its auth file. */
	if ((auth = mirrorset_defaults(r.set)->auth_file) != NULL)
		setenv("REGISTRY_AUTH_FILE", auth, 1);
	if ((r.report = cJSON_CreateArray()) == NULL)
		rc = cli_error("out of memory");
	else if ((rc = plan(&r)) == 0)
		rc = run_all(&r);
	for (i = 0; i < r.njobs; i++) {
		free(r.jobs[i].src);
		free(r.jobs[i].dst);
		cJSON_Delete(r.jobs[i].section);
	}
	free(r.jobs);
	cJSON_Delete(r.report);
	mirrorset_free(r.set);
	return rc;
}
