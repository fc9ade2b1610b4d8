/*
 * `tagmirror sync`: a mirror set (docs/mirrorset.md, or skopeo sync's
 * YAML) run headless, one mirror after another through the engine; a
 * preview of what each expands to; one report with a section per
 * mirror; a set index of the journals so the whole run rolls back; and
 * --shard K/N so N machines split a set.  Mirrors run one after another
 * with a struct mirror each: one shared pool and journal across a set
 * are the engine's to add.
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

#define INDEX_MAGIC	"tagmirror set index 1"
#define PREVIEW_SHOWN	20	/* tags printed per repository */

static const char usage[] =
"Usage: tagmirror sync FILE [options]\n"
"       tagmirror sync --src yaml FILE DEST [options]\n"
"       tagmirror sync --rollback INDEX\n"
"\n"
"Runs every mirror of the mirror set FILE (docs/mirrorset.md), one after\n"
"another, best effort as 'tagmirror run' does: a line per mirror, one\n"
"report, and a set index of every mirror's journal so the whole run can\n"
"be undone.  With --src yaml FILE is skopeo sync's YAML and each image\n"
"goes to DEST/NAME, as 'skopeo sync --src yaml FILE DEST' puts it.\n"
"\n"
"Options:\n"
"  --src yaml                 FILE is skopeo sync's YAML; DEST needed\n"
"  --preview                  print what each mirror expands to\n"
"                             (repositories, then their tags); copy nothing\n"
"  --report FILE              one JSON report, a section per mirror\n"
"  --shard K/N                only the mirrors of shard K (0 to N-1) of N:\n"
"                             N machines with K = 0..N-1 split the set\n"
"  --state-dir DIR            journals and set indexes here (default\n"
"                             $XDG_STATE_HOME/tagmirror)\n"
"  --authfile FILE            credentials file for every registry (as\n"
"                             REGISTRY_AUTH_FILE; the set's auth-file wins)\n"
"  --rollback INDEX           restore every destination a set run changed\n"
"  -h, --help                 this text\n"
"\n"
"Exit status: the worst mirror's, from best to worst 0 SUCCESS, 4\n"
"ROLLED_BACK, 3 PARTIAL_MIRROR, 2 FAIL, 5 CANCELLED; 1 usage or set file\n"
"error.  --preview: 0, or 2 when a mirror could not be expanded or\n"
"listed.  --rollback: 0 restored, 2 not all restored.\n";

struct opts {
	const char	*file, *dest, *report, *state_dir, *authfile, *index;
	int		 skopeo, preview;
	unsigned	 shard_k, shard_n;
};

/* One repository to mirror, from one mirror of the set. */
struct job {
	const struct ms_mirror	*m;
	size_t			 mirror;	/* index in the set */
	char			*src, *dst;	/* "host/repo" */
	struct tm_err		 err;		/* expansion failed: why */
};

struct run {
	const struct opts	*o;
	struct mirrorset	*set;
	struct job		*jobs;
	size_t			 njobs, capjobs;
	FILE			*index;
	char			 index_path[4096];
	cJSON			*report;	/* the "mirrors" array */
	int			 worst;		/* rank, see rank() */
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
	    "--authfile", "--rollback", "--src", "--shard" };
	const char	**dst[] = { &o->report, &o->state_dir, &o->authfile,
			    &o->index };
	size_t		  k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strcmp(argv[*i], names[k]) == 0)
			break;
	if (k == sizeof names / sizeof names[0])
		return -1;
	if (*i + 1 >= argc)
		return cli_error("%s needs a value", names[k]);
	++*i;
	if (k < 4)
		*dst[k] = argv[*i];
	else if (k == 4 && strcmp(argv[*i], "yaml") != 0)
		return cli_error("--src: only 'yaml' (skopeo sync's format)");
	else if (k == 4)
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
	if (o->index != NULL)
		return npos == 0 ? 0 : cli_error("--rollback INDEX takes no FILE");
	if (npos != (o->skopeo ? 2 : 1))
		return cli_error(o->skopeo ? "sync --src yaml needs FILE and DEST" :
		    "sync needs one FILE (and DEST only with --src yaml)");
	o->file = pos[0];
	o->dest = o->skopeo ? pos[1] : NULL;
	return 0;
}

/* Severity: the exit status is the worst mirror's. */
static int
rank(enum mirror_status s)
{
	switch (s) {
	case MIRROR_SUCCESS:
		return 0;
	case MIRROR_ROLLED_BACK:
		return 1;
	case MIRROR_PARTIAL:
		return 2;
	case MIRROR_CANCELLED:
		return 4;
	default:
		return 3;
	}
}

static int
exit_code(int worst)
{
	static const int	codes[] = { 0, 4, 3, 2, 5 };

	return codes[worst];
}

static const char *
rank_name(int worst)
{
	static const enum mirror_status	st[] = { MIRROR_SUCCESS,
		MIRROR_ROLLED_BACK, MIRROR_PARTIAL, MIRROR_FAIL,
		MIRROR_CANCELLED };

	return mirror_status_name(st[worst]);
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
	mirrorset_names_free(names, n);
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
		r->worst = r->worst < 3 ? 3 : r->worst;
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
	taglist_names_free(names, n);
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
			r->worst = r->worst < 3 ? 3 : r->worst;
			continue;
		}
		printf("  %s -> %s\n", j->src, j->dst);
		preview_job(r, j);
	}
}

/* A report section for job j (engine report as "report" when m ran). */
static void
section(struct run *r, const struct job *j, const char *status,
    const struct tm_err *err, cJSON *engine)
{
	cJSON	*s = cJSON_CreateObject();
	char	 reason[1024];

	if (s == NULL || !cJSON_AddItemToArray(r->report, s)) {
		cJSON_Delete(s);
		cJSON_Delete(engine);
		return;
	}
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
not_run(struct run *r, const struct job *j, enum mirror_status st,
    const struct tm_err *err)
{
	char	reason[1024] = "cancelled before it started";

	if (err != NULL && err->cat != TM_CAT_NONE)
		tm_err_format(err, reason, sizeof reason);
	printf("%s -> %s: %s: %s\n", j->src != NULL ? j->src : "?",
	    j->dst != NULL ? j->dst : "?", mirror_status_name(st), reason);
	section(r, j, mirror_status_name(st), err, NULL);
	if (rank(st) > r->worst)
		r->worst = rank(st);
}

/* The summary line, the failed tags, the index line, the section. */
static void
record(struct run *r, const struct job *j, struct mirror *m,
    enum mirror_status st)
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
	if (snap.journal != NULL && r->index != NULL) {
		fprintf(r->index, "journal\t%d\t%s\t%s\n",
		    mirrorset_defaults(r->set)->dst_tls_verify,
		    mirrorset_defaults(r->set)->dst_cert_dir != NULL ?
		    mirrorset_defaults(r->set)->dst_cert_dir : "-", snap.journal);
		fflush(r->index);
	}
	text = mirror_report_text(&snap);
	section(r, j, mirror_status_name(st), &snap.run_err,
	    text != NULL ? cJSON_Parse(text) : NULL);
	free(text);
	mirror_snapshot_free(&snap);
	if (rank(st) > r->worst)
		r->worst = rank(st);
}

/* Wait for the run, a signal cancelling it (a second one exits). */
static void
follow(struct run *r, struct mirror *m)
{
	struct timespec	tick = { 0, 100 * 1000 * 1000 };
	int		sig;

	while (mirror_busy(m)) {
		if ((sig = sigtimedwait(&r->sigs, NULL, &tick)) <= 0)
			continue;
		if (r->cancelled++ > 0) {
			fprintf(stderr, "tagmirror: stopped; the journals are "
			    "kept (tagmirror sync --rollback %s)\n",
			    r->index_path);
			_exit(5);
		}
		fprintf(stderr, "tagmirror: %s: cancelling the set (again to "
		    "stop at once)\n", strsignal(sig));
		mirror_cancel(m);
	}
}

static void
run_job(struct run *r, const struct job *j)
{
	const struct ms_defaults	*d = mirrorset_defaults(r->set);
	struct mirror_opts		 mo;
	struct mirror			*m;
	struct tm_err			 err;

	if (r->cancelled)
		return not_run(r, j, MIRROR_CANCELLED, NULL);
	if (j->dst == NULL)
		return not_run(r, j, MIRROR_FAIL, &j->err);
	mirror_opts_init(&mo);
	mo.src = j->src;
	mo.dst = j->dst;
	mo.expr = j->m->tags;
	src_opts(r, j->m, &mo.src_reg);
	dst_opts(r, &mo.dst_reg);
	mo.jobs = d->jobs > 0 ? d->jobs : mo.jobs;
	mo.rollback = d->rollback != -1 ? d->rollback : mo.rollback;
	mo.delete_stale = d->delete_stale;
	mo.platforms = j->m->platforms != NULL ? j->m->platforms : d->platforms;
	mo.state_dir = r->o->state_dir;
	if ((m = mirror_new(&mo, NULL, &err)) == NULL ||
	    mirror_start(m, &err) == -1) {
		mirror_free(m);
		return not_run(r, j, MIRROR_FAIL, &err);
	}
	follow(r, m);
	record(r, j, m, mirror_wait(m));
	mirror_free(m);
}

/* The set index: one line per journal, written as each mirror ends. */
static int
open_index(struct run *r)
{
	struct tm_err	err;
	char		dir[4000];

	if (r->o->state_dir != NULL)
		snprintf(dir, sizeof dir, "%s", r->o->state_dir);
	else if (tm_state_dir(dir, sizeof dir, &err) == -1)
		return cli_tm_error("state directory", &err);
	if (tm_mkdir_p(dir, 0700, &err) == -1)
		return cli_tm_error("state directory", &err);
	if (snprintf(r->index_path, sizeof r->index_path, "%.4000s/set-%lld-%ld"
	    ".index", dir, (long long)time(NULL), (long)getpid()) >=
	    (int)sizeof r->index_path)
		return cli_error("state directory: path too long");
	if ((r->index = fopen(r->index_path, "w")) == NULL)
		return cli_error("%s: %s", r->index_path, strerror(errno));
	fprintf(r->index, "%s\t%s\n", INDEX_MAGIC, r->o->file);
	fflush(r->index);
	return 0;
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
		cJSON_AddStringToObject(doc, "index", r->index_path);
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

/* One "journal TLS CERTDIR PATH" line rolled back.  0 or -1. */
static int
rollback_line(char *line)
{
	struct reg_opts	 ro;
	struct tm_err	 err;
	char		*tls, *cert, *path, reason[1024];

	if (strtok(line, "\t") == NULL || (tls = strtok(NULL, "\t")) == NULL ||
	    (cert = strtok(NULL, "\t")) == NULL ||
	    (path = strtok(NULL, "\n")) == NULL) {
		cli_error("set index: a bad line");
		return -1;
	}
	reg_opts_init(&ro);
	ro.side = TM_SIDE_DEST;
	ro.tls_verify = strcmp(tls, "0") != 0;
	ro.cert_dir = strcmp(cert, "-") != 0 ? cert : NULL;
	if (mirror_rollback_journal(path, &ro, NULL, &err) == 0) {
		printf("%s: ROLLED_BACK\n", path);
		return 0;
	}
	tm_err_format(&err, reason, sizeof reason);
	printf("%s: rollback incomplete: %s\n", path, reason);
	return -1;
}

/* Every journal of a set index, newest first (undo in reverse). */
static int
rollback_index(const char *index)
{
	char	 line[8192], **v = NULL, **nv;
	size_t	 n = 0, i;
	FILE	*f;
	int	 bad = 0;

	if ((f = fopen(index, "r")) == NULL)
		return cli_error("%s: %s", index, strerror(errno));
	if (fgets(line, sizeof line, f) == NULL ||
	    strncmp(line, INDEX_MAGIC "\t", sizeof INDEX_MAGIC) != 0) {
		fclose(f);
		return cli_error("%s: not a tagmirror set index", index);
	}
	while (!bad && n < MS_MIRRORS_MAX * 16 && fgets(line, sizeof line, f)) {
		if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL ||
		    (nv[n] = strdup(line)) == NULL)
			bad = 1;
		v = nv != NULL ? nv : v;
		n += !bad;
	}
	fclose(f);
	for (i = n; i-- > 0; )
		bad |= rollback_line(v[i]) == -1;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	printf("%s: %zu journal%s, %s\n", index, n, n == 1 ? "" : "s", bad ?
	    "not all restored" : "every destination as before the run");
	return bad ? 2 : 0;
}

/* Preview or run every job; the report; the exit code. */
static int
run_all(struct run *r)
{
	sigset_t	old;
	size_t		i;
	int		rc;

	if (r->o->preview) {
		preview(r);
		return r->worst >= 3 ? 2 : 0;
	}
	if (open_index(r) != 0)
		return 1;
	sigemptyset(&r->sigs);
	sigaddset(&r->sigs, SIGINT);
	sigaddset(&r->sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &r->sigs, &old);
	for (i = 0; i < r->njobs; i++)
		run_job(r, &r->jobs[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fclose(r->index);
	printf("%s: %zu repositor%s: %s\n", r->o->file, r->njobs,
	    r->njobs == 1 ? "y" : "ies", rank_name(r->worst));
	if (r->worst > 0)
		fprintf(stderr, "tagmirror: set index %s (undo with: tagmirror "
		    "sync --rollback %s)\n", r->index_path, r->index_path);
	rc = exit_code(r->worst);
	if (r->o->report != NULL && write_report(r, r->report) != 0 && rc == 0)
		rc = 1;
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
	if (o.index != NULL)
		return rollback_index(o.index);
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
	}
	free(r.jobs);
	cJSON_Delete(r.report);
	mirrorset_free(r.set);
	return rc;
}
