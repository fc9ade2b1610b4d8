/* The troubleshoot screen: failed (or all) tags and each one's story. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens.h"
#include "dialog.h"
#include "draw.h"
#include "errtext.h"
#include "filter.h"
#include "fsutil.h"
#include "model_run.h"
#include "paths.h"
#include "ref.h"
#include "tagstate.h"

/* Troubleshoot: failed tags on the left, the selected one's story right. */
static struct {
	const struct screen_ops	*back;
	int			 all;		/* every tag, not only failed */
	long			 want;		/* select this tag next draw */
	size_t			*idx;
	size_t			 n, cap, sel, top;
	size_t			 total;		/* rows before the filter */
	int			 rows;
	struct filter		 f;
	long			 story_tag;	/* the story scrolled */
	int			 scroll;	/* its first line shown */
	int			 story_h, pane_h;	/* its lines, the pane's */
} dt;

static int
is_problem(enum tag_state s)
{
	return s == TAG_FAILED || s == TAG_CONFLICT;
}

void
detail_open(struct app *a, long tag)
{
	struct mirror_tag_info	ti;

	if (a->screen != &detail_screen)
		dt.back = a->screen;
	dt.want = tag;
	dt.all = tag >= 0 && run_tag_info(a->run, (size_t)tag, &ti) == 0 &&
	    !is_problem(ti.state);
	dt.sel = dt.top = 0;
	app_switch(a, &detail_screen);
}

static void
collect(const struct run *r)
{
	struct mirror_tag_info	ti;
	size_t			n = run_tag_count(r), i, *ni;

	if (n > dt.cap) {
		if ((ni = realloc(dt.idx, n * sizeof *ni)) == NULL)
			return;
		dt.idx = ni;
		dt.cap = n;
	}
	dt.n = dt.total = 0;
	for (i = 0; i < n; i++) {
		if (run_tag_info(r, i, &ti) == -1)
			break;
		if (!dt.all && !is_problem(ti.state))
			continue;
		dt.total++;
		if (!filter_keeps(&dt.f, ti.name))
			continue;
		if ((long)i == dt.want)
			dt.sel = dt.n;
		dt.idx[dt.n++] = i;
	}
	dt.want = -1;
	if (dt.sel >= dt.n)
		dt.sel = dt.n > 0 ? dt.n - 1 : 0;
}

/*
 * One "Label   value" line, the value wrapped over up to max lines (the
 * pane scrolls: max only bounds what a registry can make it say).
 */
static int
field(int y, int x, int w, const char *label, const char *value, int max,
    attr_t at)
{
	if (value[0] == '\0' || w < 20)
		return 0;
	draw_text(y, x, 10, th(EL_LABEL), label);
	return draw_wrap(y, x + 11, w - 11, max, at, value);
}

/* The request that failed, rebuilt from the error: no query, no secrets. */
static void
failed_url(const struct run_view *v, const struct tm_err *e, char *buf,
    size_t n)
{
	struct tm_ref	ref;
	struct tm_err	perr;
	const char	*obj = e->object, *sp = strchr(obj, ' ');

	buf[0] = '\0';
	if (sp == NULL || tm_ref_parse(e->side == TM_SIDE_DEST ? v->dst : v->src,
	    &ref, &perr) == -1)
		return;
	snprintf(buf, n, "%s/v2/%s/%s/%s", e->host[0] != '\0' ? e->host :
	    ref.api_host, ref.repo, strncmp(obj, "blob", 4) == 0 ? "blobs" :
	    "manifests", sp + 1);
}

/* A finished tag: what the destination now has and what moved for it. */
static int
moved(const struct mirror_tag_info *ti, int y, int x, int w)
{
	char	buf[160], b[32], t[32];
	int	n;

	n = field(y, x, w, "Dest", ti->dst_digest, 4, th(EL_HINT));
	fmt_bytes(b, sizeof b, ti->bytes_done);
	fmt_bytes(t, sizeof t, ti->bytes_total);
	snprintf(buf, sizeof buf, "%s of %s moved, %d of %d blobs",
	    b, t, ti->blobs_done, ti->blobs_total);
	n += field(y + n, x, w, "Moved", buf, 2, th(EL_NORMAL));
	if (ti->state != TAG_DONE)
		return n;
	/* Its last attempt's: a retried tag finds its first one's there. */
	snprintf(buf, sizeof buf, "%d copied, %d mounted, %d already there",
	    ti->blobs_copied, ti->blobs_mounted, ti->blobs_skipped);
	n += field(y + n, x, w, "Blobs", buf, 2, th(EL_NORMAL));
	if (ti->seconds < 60)
		snprintf(t, sizeof t, "%.1f s", ti->seconds);
	else
		fmt_duration(t, sizeof t, ti->seconds);
	return n + field(y + n, x, w, "Time", t, 1, th(EL_NORMAL));
}

/* The story of one tag from line y on, as long as it is: the line after. */
static int
draw_story(struct app *a, const struct run_view *v, size_t tag, int y, int x,
    int w)
{
	struct mirror_tag_info	ti;
	char			buf[1024], url[1024];

	if (run_tag_info(a->run, tag, &ti) == -1)
		return y;
	y += field(y, x, w, "Tag", ti.name, 3, th(EL_NUMBER));
	tag_state_text(&ti, buf, sizeof buf);
	if (ti.attempts > 1)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
		    " (tried %d times)", ti.attempts);
	y += field(y, x, w, "State", buf, 2, th(tag_state_el(ti.state)));
	if (is_problem(ti.state) || ti.state == TAG_RETRYING) {
		const struct tm_err	*e = &ti.err;

		y += field(y, x, w, "Side", tm_side_name(e->side), 1,
		    th(EL_NORMAL));
		y += field(y, x, w, "Registry", e->host, 2, th(EL_NORMAL));
		y += field(y, x, w, "Object", e->object, 6, th(EL_NORMAL));
		if (e->http != 0) {
			snprintf(buf, sizeof buf, "%ld", e->http);
			y += field(y, x, w, "HTTP", buf, 1, th(EL_NORMAL));
		}
		y += field(y, x, w, "Code", e->code, 2, th(EL_ERROR));
		y += field(y, x, w, "Message", e->msg, 12, th(EL_NORMAL));
		if (e->attempts > 0) {
			snprintf(buf, sizeof buf, "%d request%s for this step, "
			    "%.1f s of waits between them", e->attempts,
			    e->attempts == 1 ? "" : "s", e->waited);
			y += field(y, x, w, "Attempts", buf, 4, th(EL_NORMAL));
		}
		failed_url(v, e, url, sizeof url);
		y += field(y, x, w, "URL", url, 12, th(EL_NORMAL));
	}
	y += field(y, x, w, "Source", ti.src_digest, 4, th(EL_HINT));
	if (ti.state == TAG_DONE || ti.state == TAG_UPTODATE)
		y += moved(&ti, y, x, w);
	y += field(y, x, w, "Before", ti.prev_digest[0] != '\0' ?
	    ti.prev_digest : "(the tag is new in the destination)", 4,
	    th(EL_HINT));
	if (is_problem(ti.state)) {
		explain_err(&ti.err, buf, sizeof buf);
		y++;
		draw_text(y++, x, w, th(EL_HEADING), "What it means");
		y += draw_wrap(y, x, w, 40, th(EL_NORMAL), buf);
	}
	return y;
}

/*
 * The story pane, scrolled: lines drawn at their place, the clip keeps
 * those in the pane; the last row says when there is more.
 */
static void
draw_pane(struct app *a, const struct run_view *v, int x, int w)
{
	long	tag = (long)dt.idx[dt.sel];
	int	top = 2, bottom = LINES - 2;

	if (tag != dt.story_tag)
		dt.scroll = 0;
	dt.story_tag = tag;
	dt.pane_h = bottom - top;
	/* Measured first (a clip that drops every row): a taller pane shows more. */
	draw_clip(0, 0);
	dt.story_h = draw_story(a, v, (size_t)tag, 0, x, w);
	if (dt.scroll > dt.story_h - dt.pane_h)
		dt.scroll = dt.story_h > dt.pane_h ? dt.story_h - dt.pane_h : 0;
	draw_clip(top, bottom);
	draw_story(a, v, (size_t)tag, top - dt.scroll, x, w);
	draw_clip(0, -1);
	if (dt.story_h <= dt.pane_h)
		return;
	draw_fmt(bottom, x, w, th(EL_HINT), "%s%s %d-%d of %d lines  %s",
	    dt.scroll > 0 ? glyph(G_UP) : " ",
	    dt.scroll + dt.pane_h < dt.story_h ? glyph(G_DOWN) : " ",
	    dt.scroll + 1, dt.scroll + dt.pane_h, dt.story_h,
	    dt.scroll + dt.pane_h < dt.story_h ? "J more" : "K back");
}

static void
detail_draw(struct app *a)
{
	static const enum action keys[] = {
		ACT_BACK, ACT_RETRY, ACT_RETRY_ALL, ACT_EXPORT, ACT_EXPORT_FAILED,
		ACT_HELP, ACT_QUIT
	};
	struct mirror_tag_info	 ti;
	struct run_view		 v;
	char			 right[64];
	size_t			 k;
	int			 lw = 14, h = LINES - 4, row;

	if (a->run == NULL) {
		app_switch(a, &setup_screen);
		return;
	}
	run_view(a->run, &v);
	collect(a->run);
	snprintf(right, sizeof right, "%zu failed", v.tot.failed +
	    v.tot.conflicts);
	app_title(a, dt.all ? "tag details" : "troubleshoot failed tags",
	    right);
	for (k = 0; k < dt.n; k++)
		if (run_tag_info(a->run, dt.idx[k], &ti) == 0 &&
		    (int)strlen(ti.name) + 2 > lw)
			lw = (int)strlen(ti.name) + 2;
	if (lw > COLS / 3)
		lw = COLS / 3;
	dt.rows = h;
	if (dt.sel < dt.top)
		dt.top = dt.sel;
	if (dt.sel >= dt.top + (size_t)h)
		dt.top = dt.sel - (size_t)h + 1;
	for (row = 0, k = dt.top; k < dt.n && row < h; k++, row++) {
		if (run_tag_info(a->run, dt.idx[k], &ti) == -1)
			break;
		draw_match(2 + row, 1, lw, k == dt.sel ? th(EL_SELECTED) :
		    th(tag_state_el(ti.state)), &dt.f, ti.name);
	}
	attrset(th(EL_BORDER));
	mvvline(1, lw + 2, draw_utf8() ? ACS_VLINE : '|', LINES - 2);
	if (dt.n == 0)
		draw_text(2, lw + 4, COLS - lw - 5, filter_on(&dt.f) ?
		    th(EL_WARN) : th(EL_OK), filter_on(&dt.f) ? "No tag here "
		    "contains the filter's text (Esc clears it)." :
		    "No failed tags.");
	else
		draw_pane(a, &v, lw + 4, COLS - lw - 5);
	draw_fmt(LINES - 2, 1, lw + 1, th(EL_HINT), "%zu of %zu%s%s",
	    dt.n > 0 ? dt.sel + 1 : 0, dt.n, filter_on(&dt.f) ? " /" : "",
	    dt.f.text);
	app_keybar(a, keys, sizeof keys / sizeof keys[0]);
	draw_filter_prompt(&dt.f, dt.n, dt.total, &a->cur_y, &a->cur_x);
}

/*
 * A new export's file, prefilled as a full path the person can edit:
 * $XDG_STATE_HOME/tagmirror/exports/NAME, never the current directory.
 */
static void
export_path(char *buf, size_t n, const char *fmt)
{
	char		rel[96];
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	strftime(rel, sizeof rel, fmt, &tm);
	if (path_state(buf, n, rel) == -1)
		buf[0] = '\0';
}

static int
export_report(struct app *a, int choice, const char *path)
{
	struct tm_err	err;
	char		buf[600];

	if (choice < 0 || path == NULL || a->run == NULL || path[0] == '\0')
		return D_NOW;
	if (run_write_report(a->run, path, &err) == -1) {
		tm_err_format(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "Report not written: %s", buf);
	} else
		app_msg(a, EL_OK, "Report written to %s", path);
	return D_NOW;
}

/* The failed tags' names, one a line; ctx counts them. */
struct failed_list {
	struct run	*run;
	size_t		 n;
};

static int
write_failed(FILE *f, void *ctx)
{
	struct failed_list	*fl = ctx;
	struct mirror_tag_info	 ti;
	size_t			 i, n = run_tag_count(fl->run);

	for (i = 0; i < n; i++)
		if (run_tag_info(fl->run, i, &ti) == 0 && is_problem(ti.state)) {
			fprintf(f, "%s\n", ti.name);
			fl->n++;
		}
	return 0;
}

static int
export_failed(struct app *a, int choice, const char *path)
{
	struct failed_list	fl = { a->run, 0 };
	struct tm_err		err;

	if (choice < 0 || path == NULL || a->run == NULL || path[0] == '\0')
		return D_NOW;
	if (path_mkparent(path, 0700) == -1) {
		app_msg(a, EL_ERROR, "Cannot write %s: %s", path,
		    strerror(errno));
		return D_NOW;
	}
	/* A typed path is never replaced unless it is a regular file. */
	if (tm_write_file(path, write_failed, &fl, 0644, &err) == -1) {
		app_msg(a, EL_ERROR, "%s", err.msg);
		return D_NOW;
	}
	app_msg(a, EL_OK, "%zu failed tag%s written to %s", fl.n,
	    fl.n == 1 ? "" : "s", path);
	return D_NOW;
}

/* Retry tags (n == 0: every failed one) and watch them on the run screen. */
static int
retry(struct app *a, const size_t *tags, size_t n)
{
	struct tm_err	err;

	switch (run_retry(a->run, tags, n, &err)) {
	case 1:
		app_switch(a, &run_screen);
		app_msg(a, EL_ACTIVE, "Retrying %s", n == 1 ? "one tag" :
		    n == 0 ? "every failed tag" : "the selected tags");
		return D_NOW | D_CLEAR;
	case -1:
		app_msg(a, EL_ERROR, "Cannot retry: %s", err.msg);
		return D_NOW;
	default:
		return 0;
	}
}

static int
detail_key(struct app *a, int key)
{
	struct mirror_tag_info	ti;
	char			name[4096];
	size_t			tag;

	if (a->run == NULL)
		return D_PASS;
	if (filter_list_key(&dt.f, key, &dt.sel, &dt.top, dt.n) != FILTER_PASS)
		return D_NOW;
	if (list_move(keys_action(KS_LIST, key), &dt.sel, dt.n, dt.rows))
		return D_NOW;
	switch (keys_action(KS_DETAIL, key)) {
	case ACT_STORY_DOWN:
		if (dt.scroll + dt.pane_h < dt.story_h)
			dt.scroll++;
		return D_NOW;
	case ACT_STORY_UP:
		if (dt.scroll > 0)
			dt.scroll--;
		return D_NOW;
	case ACT_BACK:
		app_switch(a, dt.back != NULL ? dt.back : &run_screen);
		return D_NOW | D_CLEAR;
	case ACT_RETRY:
		if (dt.n == 0)
			return D_NOW;
		tag = dt.idx[dt.sel];
		if (run_tag_info(a->run, tag, &ti) == 0 &&
		    ti.state != TAG_FAILED) {
			app_msg(a, EL_WARN, "%s did not fail: nothing to retry",
			    ti.name);
			return D_NOW;
		}
		return retry(a, &tag, 1);
	case ACT_RETRY_ALL:
		return retry(a, NULL, 0);
	case ACT_EXPORT:
		export_path(name, sizeof name,
		    "exports/tagmirror-report-%Y%m%d-%H%M%S.json");
		dialog_prompt(a, "Export the JSON report", "File:", name,
		    export_report);
		return D_NOW;
	case ACT_EXPORT_FAILED:
		export_path(name, sizeof name,
		    "exports/tagmirror-failed-%Y%m%d-%H%M%S.txt");
		dialog_prompt(a, "Export the failed tags (one per line)", "File:",
		    name, export_failed);
		return D_NOW;
	default:
		break;
	}
	return D_PASS;
}

const struct screen_ops detail_screen = { "detail", detail_draw, detail_key,
    KS_DETAIL };
