/* The run screen: totals, speed and one row per tag while the run goes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "dialog.h"
#include "draw.h"
#include "errtext.h"
#include "filter.h"
#include "model_run.h"
#include "tagstate.h"

/* The run's tag list: one row per tag, filtered, scrolled. */
static struct {
	size_t	*vis;		/* tag indexes shown, engine order */
	size_t	 nvis, cap;
	size_t	 top, sel;
	int	 rows;
	int	 failed_only;
	struct filter	 f;
} rs;

/* Whether tag i passes the filters (asked only while one is set). */
static int
shown(const struct run *r, size_t i)
{
	struct mirror_tag_info	ti;

	if (run_tag_info(r, i, &ti) == -1)
		return 0;
	if (rs.failed_only && ti.state != TAG_FAILED &&
	    ti.state != TAG_CONFLICT && ti.state != TAG_RETRYING)
		return 0;
	return filter_keeps(&rs.f, ti.name);
}

/*
 * Unfiltered, every tag is shown and no tag is asked about: the rows on
 * screen are, when drawn.  A draw then costs what the screen holds, not
 * the whole list (10,000 tags: 10,000 copies under the engine's lock).
 */
static void
collect(const struct run *r)
{
	size_t	n = run_tag_count(r), i, *nv;
	int	filtered = rs.failed_only || filter_on(&rs.f);

	if (n > rs.cap) {
		if ((nv = realloc(rs.vis, n * sizeof *nv)) == NULL)
			return;
		rs.vis = nv;
		rs.cap = n;
	}
	rs.nvis = 0;
	for (i = 0; i < n; i++)
		if (!filtered || shown(r, i))
			rs.vis[rs.nvis++] = i;
	if (rs.sel >= rs.nvis)
		rs.sel = rs.nvis > 0 ? rs.nvis - 1 : 0;
}

/*
 * The overall bar, throughput and ETA count bytes (tags differ too much
 * in size); once the run is over the rate is its average, not 0 B/s.
 */
static void
draw_totals(const struct run_view *v)
{
	char	placed[32], total[32], rate[32], eta[32], el[32];
	size_t	over;
	/* A blob already in the destination is in place without moving:
	 * the bar fills with what is in place, the rate with what moved,
	 * the ETA (the model's) with how fast bytes get in place. */
	double	bps = v->rate;

	over = v->tot.done + v->tot.uptodate + v->tot.failed + v->tot.deleted +
	    v->tot.conflicts;
	if (v->phase != RP_RUNNING && v->tot.elapsed > 0)
		bps = (double)v->tot.bytes_done / v->tot.elapsed;
	fmt_bytes(placed, sizeof placed, v->tot.bytes_placed);
	fmt_bytes(total, sizeof total, v->tot.bytes_total);
	fmt_bytes(rate, sizeof rate, (int64_t)bps);
	fmt_duration(el, sizeof el, v->tot.elapsed);
	if (v->eta >= 0)
		fmt_duration(eta, sizeof eta, v->eta);
	else
		snprintf(eta, sizeof eta, "-");
	if (v->tot.bytes_total > 0)
		draw_bar(2, 1, COLS / 5, v->tot.bytes_placed, v->tot.bytes_total);
	else
		draw_bar(2, 1, COLS / 5, (int64_t)over, (int64_t)v->tot.tags);
	draw_fmt(2, COLS / 5 + 2, COLS - COLS / 5 - 3, th(EL_NORMAL),
	    "%zu/%zu tags  %s/%s  %s/s  ETA %s  elapsed %s", over,
	    v->tot.tags, placed, total, rate, eta, el);
}

static void
draw_header(const struct run_view *v)
{
	int	x = 1;

	x += draw_fmt(1, x, COLS - x, th(EL_NUMBER), "%zu tags:", v->tot.tags);
	x += draw_fmt(1, x, COLS - x, th(EL_OK), " %zu done", v->tot.done);
	x += draw_fmt(1, x, COLS - x, th(EL_UPTODATE), " %s %zu up to date",
	    glyph(G_DOT), v->tot.uptodate);
	x += draw_fmt(1, x, COLS - x, v->tot.failed > 0 ? th(EL_FAILED) :
	    th(EL_NORMAL), " %s %zu failed", glyph(G_DOT), v->tot.failed);
	x += draw_fmt(1, x, COLS - x, th(EL_ACTIVE), " %s %zu copying",
	    glyph(G_DOT), v->tot.active);
	x += draw_fmt(1, x, COLS - x, th(EL_QUEUED), " %s %zu queued",
	    glyph(G_DOT), v->tot.queued);
	if (v->tot.deleted > 0)
		draw_fmt(1, x, COLS - x, th(EL_WARN), " %s %zu stale deleted",
		    glyph(G_DOT), v->tot.deleted);
	draw_totals(v);
}

/* The run's state on row 3, in w columns (the list's position is right). */
static void
draw_banner(const struct run_view *v, int w)
{
	char	buf[1024];

	if (v->run_err.cat != TM_CAT_NONE) {
		explain_err(&v->run_err, buf, sizeof buf);
		draw_fmt(3, 1, w, th(EL_ERROR), "The run failed: %s", buf);
	} else if (v->cancelling)
		draw_fmt(3, 1, w, th(EL_WARN), "%s Cancelling: waiting for "
		    "the tags in flight to stop%s", spinner(), glyph(G_ELLIPSIS));
	else if (v->paused > 0)
		draw_fmt(3, 1, w, th(EL_WARN), "The source is rate "
		    "limiting us: waiting %.0fs before going on", v->paused);
	else if (v->phase == RP_RUNNING)
		draw_fmt(3, 1, w, th(EL_ACTIVE), "%s %s %s window %u", spinner(),
		    v->status == MIRROR_PLANNING ? "Listing and comparing tags" :
		    "Copying", glyph(G_DOT), v->tot.window);
	else if (v->dry_run && v->status == MIRROR_SUCCESS)
		draw_fmt(3, 1, w, th(EL_OK), "Dry run: nothing changed; "
		    "%zu tags would be copied, %zu are up to date.",
		    v->tot.queued, v->tot.uptodate);
	else if (v->phase == RP_FINISHED && v->status == MIRROR_SUCCESS)
		draw_fmt(3, 1, w, th(EL_OK), "Done: every matched tag is "
		    "in the destination.  Report: %s", v->report_err[0] != '\0' ?
		    v->report_err : v->report);
	else if (v->undecided)
		draw_fmt(3, 1, w, th(EL_WARN), "Finished: %s; not "
		    "decided yet (o)", v->status_name);
	else
		draw_fmt(3, 1, w, th(EL_WARN), "Finished: %s%s",
		    v->status_name, v->decision == 'k' ?
		    " (kept)" : "");
}

/* Where the columns of the tag list start, for the current width. */
struct cols {
	int	tw, sx, px, pw;
};

/* One tag's row: name, state, then its reason or its progress and speed. */
static void
draw_row(struct run *r, size_t i, const struct mirror_tag_info *ti, int y,
    int selected, const struct cols *c)
{
	char	st[64], sp[32], why[400];
	attr_t	at = th(tag_state_el(ti->state));

	if (selected)
		draw_fill(y, 0, COLS, th(EL_SELECTED));
	draw_match(y, 1, c->tw, selected ? th(EL_SELECTED) :
	    ti->state == TAG_FAILED ? at : th(EL_NORMAL), &rs.f, ti->name);
	tag_state_text(ti, st, sizeof st);
	draw_text(y, c->sx, 19, at, st);
	if (ti->state == TAG_FAILED || ti->state == TAG_CONFLICT) {
		tag_reason(&ti->err, why, sizeof why);
		draw_text(y, c->px, COLS - c->px - 1, at, why);
		return;
	}
	if (c->pw > 8) {
		int64_t	done = ti->bytes_done, tot = ti->bytes_total;

		if (ti->state == TAG_DONE || ti->state == TAG_UPTODATE)
			done = tot = 1;
		draw_bar(y, c->px, c->pw - 5, done, tot);
		if (tot > 0)
			draw_fmt(y, c->px + c->pw - 4, 4, th(EL_NORMAL), "%3.0f%%",
			    done >= tot ? 100.0 :
			    100.0 * (double)done / (double)tot);
	}
	if ((ti->state == TAG_COPYING || ti->state == TAG_PUSHING) &&
	    run_tag_rate(r, i) >= 1) {
		fmt_bytes(sp, sizeof sp, (int64_t)run_tag_rate(r, i));
		draw_fmt(y, COLS - 11, 10, th(EL_NORMAL), "%8s/s", sp);
	}
}

static void
draw_rows(struct run *r, int y, int h)
{
	struct mirror_tag_info	 ti;
	struct cols		 c = { 10, 0, 0, 0 };
	size_t			 k;
	int			 row;

	for (k = rs.top; k < rs.nvis && k < rs.top + (size_t)h; k++)
		if (run_tag_info(r, rs.vis[k], &ti) == 0 &&
		    (int)strlen(ti.name) > c.tw)
			c.tw = (int)strlen(ti.name);
	if (c.tw > COLS / 3)
		c.tw = COLS / 3;
	c.sx = 1 + c.tw + 2;
	c.px = c.sx + 20;
	c.pw = COLS - c.px - 12;
	draw_text(y - 1, 1, c.tw, th(EL_HEADING), "TAG");
	draw_text(y - 1, c.sx, 18, th(EL_HEADING), "STATE");
	draw_text(y - 1, c.px, c.pw, th(EL_HEADING), "PROGRESS");
	draw_text(y - 1, COLS - 11, 10, th(EL_HEADING), "     SPEED");
	for (row = 0, k = rs.top; k < rs.nvis && row < h; k++, row++) {
		if (run_tag_info(r, rs.vis[k], &ti) == -1)
			break;
		draw_row(r, rs.vis[k], &ti, y + row, k == rs.sel, &c);
	}
	if (rs.nvis == 0)
		draw_text(y, 1, COLS - 2, th(EL_HINT), rs.failed_only ||
		    filter_on(&rs.f) ? "No tag matches the filter (Esc "
		    "clears it)." : "No tags yet.");
}

static void
run_draw(struct app *a)
{
	static const enum action busy_keys[] = {
		ACT_CANCEL, ACT_DETAILS, ACT_FILTER_FAILED, ACT_SEARCH, ACT_HELP, ACT_QUIT
	};
	static const enum action ask_keys[] = {
		ACT_DECIDE, ACT_TROUBLESHOOT, ACT_DETAILS, ACT_FILTER_FAILED,
		ACT_SEARCH, ACT_HELP, ACT_QUIT
	};
	static const enum action done_keys[] = {
		ACT_EDIT, ACT_TROUBLESHOOT, ACT_DETAILS, ACT_FILTER_FAILED, ACT_SEARCH,
		ACT_RUN, ACT_HELP, ACT_QUIT
	};
	struct run_view	v;
	char		left[1100], filt[200] = "", ind[300];
	int		h;

	if (a->run == NULL) {
		app_switch(a, &setup_screen);
		return;
	}
	run_view(a->run, &v);
	snprintf(left, sizeof left, "%s %s %s", v.src, glyph(G_ARROW), v.dst);
	app_title(a, left, v.cancelling ? "CANCELLING" :
	    v.status_name);
	draw_header(&v);
	collect(a->run);
	h = LINES - 6;
	rs.rows = h;
	if (rs.sel < rs.top)
		rs.top = rs.sel;
	if (rs.sel >= rs.top + (size_t)h)
		rs.top = rs.sel - (size_t)h + 1;
	if (rs.top + (size_t)h > rs.nvis)
		rs.top = rs.nvis > (size_t)h ? rs.nvis - (size_t)h : 0;
	draw_rows(a->run, 5, h);
	if (rs.failed_only || filter_on(&rs.f))
		snprintf(filt, sizeof filt, "[%s%s%s%s] ", rs.failed_only ?
		    "failed only" : "", rs.failed_only && filter_on(&rs.f) ?
		    ", " : "", filter_on(&rs.f) ? "/" : "", rs.f.text);
	ind[0] = '\0';
	if (rs.nvis > (size_t)h || filt[0] != '\0')
		snprintf(ind, sizeof ind, " %s%zu-%zu of %zu", filt,
		    rs.nvis > 0 ? rs.top + 1 : 0,
		    rs.top + (size_t)h < rs.nvis ? rs.top + (size_t)h : rs.nvis,
		    rs.nvis);
	/* The banner gives way to where the list stands: nothing overlaps. */
	draw_banner(&v, COLS - 2 - text_width(ind));
	draw_text(3, COLS - 1 - text_width(ind), text_width(ind), th(EL_HINT),
	    ind);
	if (run_busy(a->run))
		app_keybar(a, busy_keys, sizeof busy_keys / sizeof busy_keys[0]);
	else if (v.undecided)
		app_keybar(a, ask_keys, sizeof ask_keys / sizeof ask_keys[0]);
	else
		app_keybar(a, done_keys, sizeof done_keys / sizeof done_keys[0]);
	draw_filter_prompt(&rs.f, rs.nvis, run_tag_count(a->run), &a->cur_y,
	    &a->cur_x);
}

static int
cancel_answer(struct app *a, int choice, const char *text)
{
	(void)text;
	if (choice == 0 && a->run != NULL)
		run_cancel(a->run);
	return D_NOW;
}

static int
run_key(struct app *a, int key)
{
	if (a->run == NULL)
		return D_PASS;
	/* Esc clears both filters at once, the run's own key. */
	if ((rs.f.editing || keys_action(KS_RUN, key) != ACT_CLEAR) &&
	    filter_list_key(&rs.f, key, &rs.sel, &rs.top, rs.nvis) !=
	    FILTER_PASS)
		return D_NOW;
	if (list_move(keys_action(KS_LIST, key), &rs.sel, rs.nvis, rs.rows))
		return D_NOW;
	switch (keys_action(KS_RUN, key)) {
	case ACT_DETAILS:
		if (rs.nvis > 0)
			detail_open(a, (long)rs.vis[rs.sel]);
		return D_NOW;
	case ACT_FILTER_FAILED:
		rs.failed_only = !rs.failed_only;
		rs.sel = rs.top = 0;
		return D_NOW;
	case ACT_CANCEL:
		if (run_busy(a->run))
			dialog_confirm(a, "Cancel the run?",
			    "Tags being copied stop now; tags already copied "
			    "stay.\nThe destination stays consistent: every "
			    "change is journaled,\nand you then choose to keep "
			    "what was copied or roll it all back.",
			    "&Yes, cancel|&No, go on", 1, cancel_answer);
		return D_NOW;
	case ACT_TROUBLESHOOT:
		detail_open(a, -1);
		return D_NOW;
	case ACT_DECIDE:
		if (run_undecided(a->run))
			decide_open(a);
		return D_NOW | D_CLEAR;
	case ACT_EDIT:
		if (!run_busy(a->run))
			app_switch(a, &setup_screen);
		return D_NOW | D_CLEAR;
	case ACT_CLEAR:
		rs.failed_only = 0;
		filter_clear(&rs.f);
		return D_NOW;
	default:
		break;
	}
	return D_PASS;
}

const struct screen_ops run_screen = { "run", run_draw, run_key,
    KS_RUN };
