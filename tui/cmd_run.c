/*
 * `tagmirror run`: one mirror run without the TUI, a line per finished
 * tag, a summary from the engine's counts, an optional JSON report, and
 * signals as cancels.
 */
#include "config.h"

#include "commands.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "evq.h"
#include "fsutil.h"
#include "mirror.h"
#include "clock.h"

static const char usage[] =
"Usage: tagmirror run SOURCE DEST --tags EXPR [options]\n"
"       tagmirror run [SOURCE DEST] --only-failed REPORT [options]\n"
"\n"
"Mirrors the SOURCE tags that EXPR selects into DEST, best effort: what\n"
"copied stays, every failed tag is named with its reason, and the\n"
"destination is restored to exactly its previous state only with\n"
"--rollback (or REPO_MIRROR_ROLLBACK=true).  Tags already identical are\n"
"skipped without moving a blob.  Prints a line per tag, sorted by tag,\n"
"once the run is over (--json: as each finishes), then one status line.\n"
"Every change is journaled first (see 'tagmirror rollback').\n"
"\n"
"Options:\n"
"  -t, --tags EXPR            tag expression, as for 'tagmirror preview'\n"
"  -j, --jobs N               most tags copied at once (default: adapts, 8-64)\n"
"  --rollback, --no-rollback  restore the destination when a tag fails\n"
"                             (default: REPO_MIRROR_ROLLBACK, else off)\n"
"  --arch LIST                copy only these platforms of multi-arch images\n"
"                             (\"linux/amd64,linux/arm64\"); default: whole\n"
"                             indexes, digests unchanged\n"
"  --delete-stale             remove destination tags that match EXPR but are\n"
"                             gone upstream (not after a cancel or a failure\n"
"                             that is rolled back)\n"
"  --no-referrers             copy no signatures, SBOMs or other referrers\n"
"                             (copied with every image by default)\n"
"  --referrer-types LIST      only these artifactTypes, or signature,\n"
"                             attestation, sbom (cosign's .sig/.att/.sbom)\n"
"  --retries N                end-of-run rounds for failed tags (default 2)\n"
"  --retry-times N            retries of one request (default 4)\n"
"  --retry-delay SECONDS      first wait between request retries (0.5)\n"
"  --dry-run                  print the plan, change nothing\n"
"  --report FILE|-            write a JSON report (docs/report.md); its\n"
"                             path is checked before the run\n"
"  --json                     JSON Lines on stdout: a line per tag as it\n"
"                             finishes, then a summary (docs/report.md)\n"
"  -q, --quiet                only failed tags and the last line\n"
"  -v, --verbose              a line per request on stderr (no secrets)\n"
"  --log FILE                 those request lines into FILE (mode 0600)\n"
"  --only-failed REPORT       retry just the tags that failed in REPORT\n"
"  --state-dir DIR            journals here (default\n"
"                             $XDG_STATE_HOME/tagmirror)\n"
"  --src-creds USER[:PASS]    source credentials (default: auth files)\n"
"  --dest-creds USER[:PASS]   destination credentials\n"
"  --src-password-stdin, --dest-password-stdin\n"
"  --src-tls-verify=false, --dest-tls-verify=false\n"
"                             skip TLS verification, allow plain HTTP\n"
"  --src-cert-dir DIR, --dest-cert-dir DIR\n"
"                             extra CA certificates (*.crt)\n"
"  --src-no-creds, --dest-no-creds\n"
"                             never read the auth files for that side\n"
"  --src-username USER, --src-password PASS (also --dest-...)\n"
"  --src-registry-token TOKEN, --dest-registry-token TOKEN\n"
"                             a bearer token, sent as is\n"
"  --authfile FILE            auth.json read first, as skopeo's (also\n"
"                             --src-authfile FILE, --dest-authfile FILE)\n"
"  -h, --help                 this text\n"
"\n"
"Exit status: 0 SUCCESS (every tag mirrored or already up to date),\n"
"1 usage or configuration error (or the destination locked by another\n"
"tagmirror), 2 FAIL (nothing mirrored, or the source could not be\n"
"listed), 3 PARTIAL_MIRROR (some tags failed or were moved by someone\n"
"else, the others kept), 4 ROLLED_BACK (some failed, destination\n"
"restored), 5 CANCELLED, 6 NOTHING_SELECTED (EXPR selected no tag; the\n"
"warnings say why).\n";

struct out {
	struct mirror	*m;
	int		 width;		/* tag column */
	int		 tty;		/* stderr is a terminal: progress */
	int		 progress_on;	/* a progress line is showing */
	int64_t		 progress_at;
	int		 dry_run;
	int		 json;		/* --json: JSON Lines on stdout */
	int		 quiet;		/* --quiet: errors and the last line */
	struct tm_err	 run_err;	/* the run-level failure, said once */
};

static void
progress_clear(struct out *o)
{
	if (o->progress_on) {
		fputs("\r\033[K", stderr);
		o->progress_on = 0;
	}
}

static void
progress_show(struct out *o)
{
	struct mirror_totals	t;

	if (!o->tty || tm_now_ms() - o->progress_at < 200)
		return;
	o->progress_at = tm_now_ms();
	mirror_totals(o->m, &t);
	fprintf(stderr, "\r\033[K[%zu/%zu] %zu copying, %.1f MB, %.0fs%s",
	    t.done + t.uptodate + t.failed + t.deleted, t.tags, t.active,
	    (double)t.bytes_done / 1e6, t.elapsed,
	    t.paused ? " (paused: rate limit)" : "");
	o->progress_on = 1;
}

/* One result line: tag, result word, digest or reason, aligned. */
static void
line(struct out *o, const char *tag, const char *word, const char *what)
{
	progress_clear(o);
	printf("%-*s  %-12s  %s\n", o->width, tag, word, what);
}

/* A tag's JSON line, as it finishes (a retry round or rollback may
 * send a later one for the same tag: the last one holds); ti, when not
 * NULL, the tag's own numbers: the referrers copied with it and, once
 * copied, how its blobs got there and how long it took. */
static void
json_tag(const char *tag, const char *state, const char *digest,
    const struct tm_err *err, const struct mirror_tag_info *ti)
{
	fputs("{\"type\":\"tag\",\"tag\":", stdout);
	cli_json_str(stdout, tag);
	printf(",\"state\":\"%s\",\"digest\":", state);
	if (digest != NULL && digest[0] != '\0')
		cli_json_str(stdout, digest);
	else
		fputs("null", stdout);
	if (ti != NULL)
		printf(",\"referrers\":%d", ti->referrers);
	fputs(",\"error\":", stdout);
	cli_json_err(stdout, err);
	/* A copied tag is not tried again: its numbers hold. */
	if (ti != NULL && ti->state == TAG_DONE)
		printf(",\"blobs_copied\":%d,\"blobs_mounted\":%d,"
		    "\"blobs_skipped\":%d,\"seconds\":%.3f", ti->blobs_copied,
		    ti->blobs_mounted, ti->blobs_skipped, ti->seconds);
	fputs("}\n", stdout);
}

/* The states a tag ends in (events also report copying, pushing...). */
static int
finished(enum tag_state st)
{
	return st != TAG_QUEUED && st != TAG_COPYING && st != TAG_PUSHING &&
	    st != TAG_RETRYING;
}

/* A tag that failed of the run's own cause (the breaker's refusal). */
static int
run_cause(const struct out *o, const struct tm_err *e)
{
	const struct tm_err	*r = &o->run_err;

	return r->cat != TM_CAT_NONE && e->cat == r->cat && e->side == r->side &&
	    e->http == r->http && strcmp(e->code, r->code) == 0;
}

static void
tag_line(struct out *o, const char *tag, enum tag_state st,
    const char *digest, const struct tm_err *err)
{
	char	reason[1024];
	int	failed = st == TAG_FAILED || st == TAG_CONFLICT;

	if (o->quiet && !failed)
		return;
	if (failed && run_cause(o, err))
		snprintf(reason, sizeof reason, "(refused: the run's failure, "
		    "below)");
	else if (failed)
		tm_err_format(err, reason, sizeof reason);
	line(o, tag, tag_state_cli_word(st), failed ? reason :
	    st == TAG_STALE_DELETED ? "(gone upstream)" :
	    st == TAG_ROLLED_BACK ? "(destination as before the run)" : digest);
}

static void
set_width(struct out *o)
{
	struct mirror_tag_info	t;
	size_t			i, n = mirror_tag_count(o->m);
	int			w = 3;

	for (i = 0; i < n; i++)
		if (mirror_tag_info(o->m, i, &t) == 0 && (int)strlen(t.name) > w)
			w = (int)strlen(t.name);
	o->width = w > 40 ? 40 : w;
}

static void
on_event(struct out *o, const struct mirror_event *ev)
{
	struct mirror_tag_info	ti;

	switch (ev->type) {
	case MEV_TAG:
	case MEV_ROLLBACK_TAG:
		/* Human lines come sorted once the run is over. */
		if (!o->json || o->dry_run || !finished(ev->state))
			break;
		json_tag(ev->name, tag_state_name(ev->state), ev->digest,
		    &ev->err, ev->type == MEV_TAG &&
		    mirror_tag_info(o->m, ev->tag, &ti) == 0 ? &ti : NULL);
		break;
	case MEV_PAUSED:
		progress_clear(o);
		if (ev->wait > 0)
			fprintf(stderr, "tagmirror: source rate limit nearly "
			    "spent (%zu pulls left): pausing %.0fs\n", ev->count,
			    ev->wait);
		else
			fprintf(stderr, "tagmirror: rate limit recovered, "
			    "resuming\n");
		break;
	case MEV_PLANNED:
		set_width(o);
		break;
	case MEV_FINISHED:
	case MEV_ROLLBACK_DONE:
	case MEV_PROGRESS:
		/* The engine says when it is over (mirror_busy). */
		break;
	}
}

static int
drain(struct out *o, struct evq *q)
{
	struct mirror_event	ev[64];
	size_t			n, i, total = 0;

	while ((n = evq_drain(q, ev, 64)) > 0) {
		for (i = 0; i < n; i++)
			on_event(o, &ev[i]);
		total += n;
	}
	return total > 0;
}

/*
 * Every tag once, in the engine's (natural version) order, as it ended:
 * human lines after a run, the plan after a dry run (also as JSON, which
 * a real run streamed instead).  A tag the run left queued (a stale tag
 * it chose to keep) has no line.
 */
static void
print_tags(struct out *o)
{
	struct mirror_tag_info	t;
	size_t			i, n = mirror_tag_count(o->m);
	const char		*word;

	for (i = 0; i < n; i++) {
		if (mirror_tag_info(o->m, i, &t) == -1 ||
		    (t.state == TAG_QUEUED && !o->dry_run))
			continue;
		if (t.state != TAG_QUEUED) {
			if (o->json)
				json_tag(t.name, tag_state_name(t.state),
				    t.dst_digest, &t.err, NULL);
			else
				tag_line(o, t.name, t.state, t.dst_digest, &t.err);
			continue;
		}
		word = t.action == TAG_ACT_DELETE ? "would-delete" : "would-copy";
		if (o->json)
			json_tag(t.name, t.action == TAG_ACT_DELETE ?
			    "would_delete" : "would_copy", t.action ==
			    TAG_ACT_DELETE ? t.prev_digest : t.dst_digest, &t.err,
			    NULL);
		else if (!o->quiet)
			line(o, t.name, word, t.action == TAG_ACT_DELETE ?
			    t.prev_digest : t.dst_digest);
	}
}

/* ", 2 failed (1 not_found, 1 server_error)", from the run's summary. */
static void
print_failed_count(const struct mirror_totals *t)
{
	int	c, first = 1;

	printf(", %zu failed", t->failed + t->conflicts);
	for (c = 0; c < TM_CAT_COUNT; c++) {
		if (t->failed_by_cat[c] == 0)
			continue;
		printf("%s%zu %s", first ? " (" : ", ", t->failed_by_cat[c],
		    tm_category_name((enum tm_category)c));
		first = 0;
	}
	if (!first)
		putchar(')');
}

/* "PARTIAL_MIRROR: 7 tags: 5 copied, 0 up to date, 2 failed (...)". */
static void
print_summary(struct out *o, enum mirror_status copy)
{
	struct mirror_totals	t;
	struct tm_err		run_err;
	char			reason[1024];

	mirror_totals(o->m, &t);
	mirror_run_error(o->m, &run_err);
	progress_clear(o);
	/* A PARTIAL run with a run-level failure (the breaker) has both:
	 * the counts here, the cause on stderr. */
	if (run_err.cat != TM_CAT_NONE && copy != MIRROR_PARTIAL) {
		tm_err_format(&run_err, reason, sizeof reason);
		printf("%s: %s", mirror_status_name(copy), reason);
		return;
	}
	printf("%s%s: %zu tag%s: ", o->dry_run ? "dry run, " : "",
	    mirror_status_name(copy), t.tags, t.tags == 1 ? "" : "s");
	/* After a rollback, "copied" still says what the copy did. */
	if (o->dry_run)
		printf("%zu to copy", t.queued - (t.stale - t.deleted));
	else
		printf("%zu copied", t.done + t.rolled_back);
	printf(", %zu %s", t.uptodate, tag_state_label(TAG_UPTODATE));
	print_failed_count(&t);
	if (t.cancelled > 0)
		printf(", %zu %s", t.cancelled, tag_state_label(TAG_CANCELLED));
	if (t.skipped > 0)
		printf(", %zu %s", t.skipped, tag_state_label(TAG_SKIPPED));
	if (t.stale > 0)
		printf(", %zu %s", o->dry_run ? t.stale : t.deleted,
		    o->dry_run ? "to delete" : "deleted");
}

/* "; destination restored: ..." after the summary when a rollback ran. */
static void
print_rollback(struct out *o)
{
	struct mirror_rollback_info	rb;
	char				reason[1024];

	mirror_rollback_info(o->m, &rb);
	if (!rb.attempted)
		return;
	if (rb.failed == 0 && rb.mismatches == 0)
		printf("; destination restored: %zu tag%s put back, "
		    "%zu already as before", rb.restored,
		    rb.restored == 1 ? "" : "s", rb.unchanged);
	else
		printf("; rollback incomplete: %zu restored, %zu failed, "
		    "%zu differ after reading back", rb.restored, rb.failed,
		    rb.mismatches);
	if (rb.survivors > 0)
		printf(", %zu other tag%s re-tagged", rb.survivors,
		    rb.survivors == 1 ? "" : "s");
	if (rb.conflicts > 0)
		printf(", %zu conflict%s left alone", rb.conflicts,
		    rb.conflicts == 1 ? "" : "s");
	if (rb.err.cat != TM_CAT_NONE && (rb.failed > 0 || rb.mismatches > 0)) {
		tm_err_format(&rb.err, reason, sizeof reason);
		fprintf(stderr, "tagmirror: rollback: %s\n", reason);
	}
}

/* The summary object that ends --json (docs/report.md). */
static void
json_summary(struct out *o, const struct cli *c, enum mirror_status st,
    int code)
{
	struct mirror_totals		t;
	struct mirror_rollback_info	rb;
	struct tm_err			err;
	const char			*journal = mirror_journal_path(o->m);
	int				cat;

	mirror_totals(o->m, &t);
	mirror_rollback_info(o->m, &rb);
	mirror_run_error(o->m, &err);
	printf("{\"type\":\"summary\",\"status\":\"%s\",\"exit_code\":%d,"
	    "\"dry_run\":%s,\"source\":", mirror_status_name(st), code,
	    o->dry_run ? "true" : "false");
	cli_json_str(stdout, c->mo.src);
	fputs(",\"destination\":", stdout);
	cli_json_str(stdout, c->mo.dst);
	printf(",\"tags\":%zu,\"copied\":%zu,\"up_to_date\":%zu,"
	    "\"failed\":%zu,\"deleted\":%zu,\"rolled_back\":%zu,"
	    "\"failed_by_category\":{", t.tags, t.done + t.rolled_back,
	    t.uptodate, t.failed + t.conflicts, t.deleted, t.rolled_back);
	for (cat = 0, code = 0; cat < TM_CAT_COUNT; cat++)
		if (t.failed_by_cat[cat] > 0)
			printf("%s\"%s\":%zu", code++ ? "," : "",
			    tm_category_name((enum tm_category)cat),
			    t.failed_by_cat[cat]);
	printf("},\"rollback\":%s", rb.attempted ? "" : "null");
	if (rb.attempted)
		printf("{\"restored\":%zu,\"unchanged\":%zu,\"conflicts\":%zu,"
		    "\"failed\":%zu}", rb.restored, rb.unchanged, rb.conflicts,
		    rb.failed + rb.mismatches);
	printf(",\"window\":{\"size\":%u,\"low\":%u,\"high\":%u,\"cuts\":%u}",
	    t.window, t.window_low, t.window_high, t.window_cuts);
	fputs(",\"journal\":", stdout);
	if (journal != NULL)
		cli_json_str(stdout, journal);
	else
		fputs("null", stdout);
	fputs(",\"error\":", stdout);
	cli_json_err(stdout, &err);
	puts("}");
}

/*
 * The UI loop: events as they come, signals as cancels.  SIGINT and
 * SIGTERM are blocked in every thread and picked up here, so a worker is
 * never interrupted and a second signal ends the process at once (the
 * journal makes that safe).
 */
static void
loop(struct out *o, struct evq *q, const sigset_t *sigs)
{
	struct pollfd		 p = { evq_fd(q), POLLIN, 0 };
	struct timespec		 zero = { 0, 0 };
	int			 sig, cancels = 0;

	for (;;) {
		drain(o, q);
		if (!mirror_busy(o->m))
			break;
		while ((sig = sigtimedwait(sigs, NULL, &zero)) > 0) {
			progress_clear(o);
			if (cancels++ > 0) {
				fprintf(stderr, "tagmirror: stopped; the "
				    "journal is kept (tagmirror rollback "
				    "--last undoes the run)\n");
				_exit(5);
			}
			fprintf(stderr, "tagmirror: %s: cancelling (again to "
			    "stop at once)\n", strsignal(sig));
			mirror_cancel(o->m);
		}
		progress_show(o);
		if (poll(&p, 1, 100) == -1 && errno != EINTR)
			break;
	}
	drain(o, q);
}

/* --only-failed: the tags, and SOURCE/DEST/EXPR when not given. */
static int
load_only(struct cli *c, char ***tags, size_t *n, struct mirror_report_run *r)
{
	struct tm_err	err;

	if (mirror_report_failed(c->only_failed, tags, n, r, &err) == -1) {
		cli_tm_error("--only-failed", &err);
		return -1;
	}
	if (c->npos == 0 && r->source != NULL && r->destination != NULL) {
		c->pos[c->npos++] = r->source;
		c->pos[c->npos++] = r->destination;
	}
	c->mo.only_tags = (const char *const *)*tags;
	c->mo.n_only = *n;
	return 0;
}

/* What an --only-failed run needs, kept until the run is over. */
struct only {
	struct mirror_report_run	 rr;
	char				**tags;
	size_t				 n;
};

/* Arguments to options: 0 to run, else the exit code (-1 for 0). */
static int
check_args(struct cli *c, struct only *only)
{
	struct tm_err	err;

	if (c->only_failed != NULL &&
	    load_only(c, &only->tags, &only->n, &only->rr) == -1)
		return 1;
	if (c->only_failed != NULL && only->n == 0) {
		printf("nothing failed in %s\n", c->only_failed);
		return -1;
	}
	if (c->npos != 2)
		return cli_error(c->npos < 2 ? "run needs SOURCE and DEST "
		    "(see --help)" : "unexpected argument '%s'",
		    c->pos[c->npos > 2 ? 2 : 0]);
	if (c->mo.expr == NULL && c->only_failed == NULL)
		return cli_error("--tags EXPR is required (try 'tagmirror "
		    "preview' first)");
	/* Before any registry is contacted, not after the copy. */
	if (c->report != NULL && tm_check_writable(c->report, &err) == -1)
		return cli_tm_error("--report", &err);
	c->mo.src = c->pos[0];
	c->mo.dst = c->pos[1];
	return 0;
}

/* The lines after the run: the tags, the one last status line (or the
 * JSON summary), report, journal. */
static void
print_outcome(struct out *o, const struct cli *c, enum mirror_status st)
{
	struct tm_err		 err;
	const char		*journal;
	const char *const	*warn;
	size_t			 i, n = mirror_warnings(o->m, &warn);

	for (i = 0; i < n; i++)
		fprintf(stderr, "tagmirror: warning: %s\n", warn[i]);
	mirror_run_error(o->m, &o->run_err);
	if (o->dry_run || !o->json)
		print_tags(o);
	if (o->json)
		json_summary(o, c, st, cli_exit_code(st));
	else {
		print_summary(o, st);
		print_rollback(o);
		putchar('\n');
	}
	mirror_run_error(o->m, &err);
	if (err.cat != TM_CAT_NONE)
		cli_tm_error(NULL, &err);
	if (c->report != NULL && mirror_write_report(o->m, c->report, &err) == -1)
		cli_tm_error("--report", &err);
	journal = mirror_journal_path(o->m);
	if (journal != NULL && st != MIRROR_ROLLED_BACK && st != MIRROR_SUCCESS)
		fprintf(stderr, "tagmirror: journal %s (undo with: tagmirror "
		    "rollback %s)\n", journal, journal);
}

/* Start, follow and report the run; signals are ours meanwhile. */
static int
run(struct out *o, const struct cli *c, struct evq *q)
{
	struct tm_err		err;
	enum mirror_status	st;
	sigset_t		sigs, old;
	int			rc = 1;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	if (mirror_start(o->m, &err) == -1)
		cli_tm_error(NULL, &err);
	else {
		if (*mirror_lock_note(o->m) != '\0')
			fprintf(stderr, "tagmirror: %s\n", mirror_lock_note(o->m));
		loop(o, q, &sigs);
		st = mirror_wait(o->m);
		drain(o, q);
		print_outcome(o, c, st);
		rc = cli_exit_code(st);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	struct only	 only = { { 0 }, NULL, 0 };
	struct out	 o;
	struct cli	 c;
	struct tm_err	 err;
	struct evq	*q = NULL;
	int		 rc;

	memset(&o, 0, sizeof o);
	if ((rc = cli_parse(&c, argc, argv, usage)) != 0) {
		cli_free(&c);
		return rc == 1 ? 0 : 1;
	}
	if ((rc = check_args(&c, &only)) != 0) {
		rc = rc == -1 ? 0 : rc;
		goto out;
	}
	if ((rc = cli_trace_start(&c)) != 0)
		goto out;
	rc = 1;
	o.dry_run = c.mo.dry_run;
	o.json = c.json;
	o.quiet = c.quiet;
	o.tty = isatty(STDERR_FILENO);
	o.width = 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((q = evq_new(sizeof(struct mirror_event))) == NULL)
		cli_error("cannot create the event queue: %s", strerror(errno));
	else if ((o.m = mirror_new(&c.mo, q, &err)) == NULL)
		cli_tm_error(NULL, &err);
	else
		rc = run(&o, &c, q);
	if (cli_trace_end(&c) != 0 && rc == 0)
		rc = 1;
out:
	mirror_free(o.m);
	evq_free(q);
	mirror_report_tags_free(only.tags, only.n, &only.rr);
	cli_free(&c);
	return rc;
}
