/* The keep-or-roll-back screen after a run where tags failed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "dialog.h"
#include "draw.h"
#include "errtext.h"
#include "model_run.h"

/*
 * Keep or roll back, after a run where some tags failed (or that was
 * cancelled): the state machine is undecided -> (kept | rolling back ->
 * rolled back), driven by the run model.  Like ncdu's delete dialog.
 */
static struct {
	int	sel;		/* 0 keep, 1 roll back */
	size_t	top;
	int	rows;
	size_t	nfailed;
} ds;

void
decide_open(struct app *a)
{
	struct run_view	v;

	run_view(a->run, &v);
	ds.sel = v.rollback_default ? 1 : 0;
	ds.top = 0;
	app_switch(a, &decide_screen);
}

static void
draw_failed(const struct run *r, int y, int h)
{
	struct mirror_tag_info	ti;
	char			why[400];
	size_t			n = run_tag_count(r), i, k = 0;
	int			row = 0, tw = 12;

	for (i = 0; i < n; i++)
		if (run_tag_info(r, i, &ti) == 0 &&
		    (ti.state == TAG_FAILED || ti.state == TAG_CONFLICT) &&
		    (int)strlen(ti.name) > tw)
			tw = (int)strlen(ti.name);
	if (tw > COLS / 3)
		tw = COLS / 3;
	if (ds.top + (size_t)h > ds.nfailed)
		ds.top = ds.nfailed > (size_t)h ? ds.nfailed - (size_t)h : 0;
	for (i = 0; i < n && row < h; i++) {
		if (run_tag_info(r, i, &ti) == -1)
			break;
		if (ti.state != TAG_FAILED && ti.state != TAG_CONFLICT)
			continue;
		if (k++ < ds.top)
			continue;
		tag_reason(&ti.err, why, sizeof why);
		draw_text(y + row, 3, tw, th(EL_FAILED), ti.name);
		draw_text(y + row, 5 + tw, COLS - 6 - tw, th(EL_NORMAL), why);
		row++;
	}
	if (ds.nfailed > (size_t)h)
		draw_fmt(y + h, 3, COLS - 4, th(EL_HINT), "%s%s %zu-%zu of %zu "
		    "(PgUp/PgDn scroll, d shows the full reasons)",
		    ds.top > 0 ? glyph(G_UP) : " ",
		    ds.top + (size_t)h < ds.nfailed ? glyph(G_DOWN) : " ",
		    ds.top + 1, ds.top + (size_t)h, ds.nfailed);
}

/* The two answers' texts: what keep does, and why one is highlighted. */
static void
choice_texts(const struct run_view *v, char *what, char *why, size_t n)
{
	size_t	good = v->tot.done + v->tot.uptodate + v->tot.deleted;

	if (ds.sel == 0 && good == 0)
		snprintf(what, n, "Keep: nothing was copied; the run ends as "
		    "%s.", v->status_name);
	else if (ds.sel == 0)
		snprintf(what, n, "Keep: the %zu good tags stay; the run ends as "
		    "%s.", good, v->status_name);
	else
		snprintf(what, n, "Roll back: every tag the run changed is put "
		    "back; tags it created go.");
	snprintf(why, n, "Highlighted: %s, as 'Roll back on failure' "
	    "(REPO_MIRROR_ROLLBACK) is %s.", v->rollback_default ? "roll back" :
	    "keep", v->rollback_default ? "on" : "off");
}

/*
 * The buttons side by side, or one under the other when the terminal is
 * too narrow for both; draws when draw is set; the rows they take.
 */
static int
buttons(int draw, int y)
{
	static const char *const label[2] = {
		"Keep what was mirrored", "Roll back to before the run"
	};
	char	b[80];
	int	x = 3, i, rows = 1, bw;

	for (i = 0; i < 2; i++) {
		snprintf(b, sizeof b, "[ %s (%c) ]", label[i], i == 0 ? 'k' : 'r');
		bw = text_width(b);
		if (i > 0 && x + bw > COLS - 1) {
			x = 3;
			rows++;
		}
		if (draw)
			draw_text(y + rows - 1, x, COLS - x, i == ds.sel ?
			    th(EL_BUTTON_FOCUS) : th(EL_BUTTON), b);
		x += bw + 3;
	}
	return rows;
}

/* The rows "What now?" takes at this width: the list gives way to it. */
static int
choices_height(const struct run_view *v)
{
	char	what[200], why[200];

	choice_texts(v, what, why, sizeof what);
	return 1 + buttons(0, 0) + wrap_lines(COLS - 4, 3, what) +
	    wrap_lines(COLS - 4, 3, why);
}

static void
draw_choices(const struct run_view *v, int y)
{
	char	what[200], why[200];

	choice_texts(v, what, why, sizeof what);
	draw_text(y, 1, COLS - 2, th(EL_HEADING), "What now?");
	y += 1 + buttons(1, y + 1);
	y += draw_wrap(y, 3, COLS - 4, 3, th(EL_NORMAL), what);
	draw_wrap(y, 3, COLS - 4, 3, th(EL_HINT), why);
}

static void
draw_outcome(struct app *a, const struct run_view *v, int y)
{
	struct mirror_rollback_info	rb;
	char				buf[1024];

	draw_text(y, 1, COLS - 2, th(EL_HEADING), "Outcome");
	if (v->phase == RP_ROLLING_BACK) {
		draw_fmt(y + 1, 3, COLS - 4, th(EL_ACTIVE), "%s Rolling back%s "
		    "%zu tags restored so far", spinner(), glyph(G_ELLIPSIS),
		    v->rb_done);
		return;
	}
	if (v->decision == 'k')
		draw_fmt(y + 1, 3, COLS - 4, th(EL_WARN), "Kept. Status %s: %zu "
		    "tags mirrored, %zu failed.", v->status_name,
		    v->tot.done + v->tot.uptodate, v->tot.failed);
	else {
		/* A cancelled run keeps its status; the rollback info tells. */
		run_rollback_info(a->run, &rb);
		if (rb.finished && rb.failed == 0 && rb.mismatches == 0)
			draw_fmt(y + 1, 3, COLS - 4, th(EL_OK), "Rolled back: the "
			    "destination is as it was before the run (%zu tags "
			    "restored, %zu unchanged%s).", rb.restored,
			    rb.unchanged, rb.conflicts > 0 ? "; tags changed "
			    "by someone else were left alone" : "");
		else {
			explain_err(&v->rb_err, buf, sizeof buf);
			draw_fmt(y + 1, 3, COLS - 4, th(EL_ERROR), "The rollback "
			    "did not finish (%zu restored, %zu conflicts, %zu "
			    "failed): %s", rb.restored, rb.conflicts, rb.failed,
			    buf);
		}
	}
	if (v->report_err[0] != '\0')
		draw_fmt(y + 2, 3, COLS - 4, th(EL_ERROR), "The report could not "
		    "be written: %s", v->report_err);
	else {
		snprintf(buf, sizeof buf, "Report: %s", v->report);
		draw_wrap(y + 2, 3, COLS - 4, 2, th(EL_NORMAL), buf);
	}
}

static void
draw_copied(const struct run_view *v)
{
	draw_fmt(3, 3, COLS - 4, th(EL_NORMAL), "%zu copied %s %zu already up "
	    "to date %s %zu failed%s", v->tot.done, glyph(G_DOT),
	    v->tot.uptodate, glyph(G_DOT), v->tot.failed + v->tot.conflicts,
	    v->tot.deleted > 0 ? " (and stale tags deleted)" : "");
}

/* After a rollback: what it did, not what the copy had done. */
static void
draw_rolled_back(struct app *a, const struct run_view *v)
{
	struct mirror_rollback_info	rb;
	char				buf[1200];

	run_rollback_info(a->run, &rb);
	snprintf(buf, sizeof buf, "%s %zu of %zu changed tags in %s: %zu to put "
	    "back, %zu to delete; %zu conflicts, %zu failed.", rb.finished ?
	    "Rolled back" : "Rolling back", v->phase == RP_ROLLING_BACK ?
	    v->rb_done : rb.restored, v->rb_restore + v->rb_remove, v->dst,
	    v->rb_restore, v->rb_remove, rb.conflicts, rb.failed);
	draw_wrap(2, 1, COLS - 2, 3, th(EL_NUMBER), buf);
}

static void
decide_draw(struct app *a)
{
	static const enum action ask_keys[] = {
		ACT_KEEP, ACT_ROLLBACK, ACT_CHOOSE, ACT_ACCEPT, ACT_DECIDE_DETAILS,
		ACT_DECIDE_BACK, ACT_HELP
	};
	static const enum action after_keys[] = {
		ACT_DECIDE_DETAILS, ACT_DECIDE_BACK, ACT_EDIT, ACT_RUN, ACT_HELP, ACT_QUIT
	};
	struct run_view	 v;
	const char	*what;
	size_t		 good;
	int		 listh, choices;

	if (a->run == NULL) {
		app_switch(a, &setup_screen);
		return;
	}
	run_view(a->run, &v);
	ds.nfailed = v.tot.failed + v.tot.conflicts;
	good = v.tot.done + v.tot.uptodate;
	what = v.decision == 'r' ? "rolled back" :
	    v.status == MIRROR_CANCELLED || v.copy_cancelled ?
	    "the run was cancelled" : good == 0 ? "every tag failed" :
	    "some tags failed";
	app_title(a, what, v.status_name);
	if (v.decision == 'r')
		draw_rolled_back(a, &v);
	else {
		draw_fmt(2, 1, COLS - 2, th(EL_NUMBER), "%zu of %zu tags are "
		    "in %s; %zu failed.", good, v.tot.tags, v.dst, ds.nfailed);
		draw_copied(&v);
	}
	draw_fmt(5, 1, COLS - 2, th(EL_HEADING), "Failed tags (%zu)",
	    ds.nfailed);
	/* Two rows above the key bar stay free: a message wraps into them. */
	choices = v.undecided ? LINES - 3 - choices_height(&v) : LINES - 7;
	if (choices < 7)
		choices = 7;
	listh = choices - 7;
	ds.rows = listh;
	if (listh > 0)
		draw_failed(a->run, 6, listh);
	if (v.undecided) {
		draw_choices(&v, choices);
		app_keybar(a, ask_keys, sizeof ask_keys / sizeof ask_keys[0]);
	} else {
		draw_outcome(a, &v, choices);
		app_keybar(a, after_keys, sizeof after_keys /
		    sizeof after_keys[0]);
	}
}

static int
keep(struct app *a)
{
	return run_keep(a->run) == 1 ? D_NOW : 0;
}

static int
rollback_answer(struct app *a, int choice, const char *text)
{
	struct tm_err	err;
	char		buf[512];

	(void)text;
	if (choice != 0 || a->run == NULL)
		return D_NOW;
	switch (run_rollback(a->run, &err)) {
	case 1:
		return D_NOW;
	case -1:
		explain_err(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "Cannot roll back: %s", buf);
		return D_NOW;
	default:
		return 0;
	}
}

/* Roll back only after a confirmation that names what changes. */
static int
roll_back(struct app *a)
{
	struct run_view	v;
	char		body[1400];
	size_t		restore, remove;

	run_view(a->run, &v);
	run_rollback_plan(a->run, &restore, &remove);
	snprintf(body, sizeof body, "In %s:\n%zu tag%s put back as before "
	    "the run,\n%zu tag%s the run created deleted.\nFailed tags "
	    "stay as they are.", v.dst, restore, restore == 1 ? "" : "s",
	    remove, remove == 1 ? "" : "s");
	dialog_confirm(a, "Roll back the run?", body,
	    "&Yes, roll back|&No, go back", 1, rollback_answer);
	return D_NOW;
}

/* Keys for the keep-or-roll-back answer, while it is asked. */
static int
answer_key(struct app *a, enum action act)
{
	switch (act) {
	case ACT_KEEP:
		return keep(a);
	case ACT_ROLLBACK:
		return roll_back(a);
	case ACT_CHOOSE:
		ds.sel = !ds.sel;
		return D_NOW;
	case ACT_ACCEPT:
		return ds.sel == 0 ? keep(a) : roll_back(a);
	default:
		return D_PASS;
	}
}

static int
decide_key(struct app *a, int key)
{
	struct run_view	v;
	size_t		page = ds.rows > 1 ? (size_t)ds.rows - 1 : 1;
	enum action	act = keys_action(KS_DECIDE, key);

	if (a->run == NULL)
		return D_PASS;
	run_view(a->run, &v);
	/* Arrows only: k and r are the answers here, not vi keys. */
	if (key == K_FN(KEY_UP) && ds.top > 0)
		ds.top--;
	else if (key == K_FN(KEY_DOWN))
		ds.top++;
	else if (key == K_FN(KEY_PPAGE))
		ds.top = ds.top > page ? ds.top - page : 0;
	else if (key == K_FN(KEY_NPAGE))
		ds.top += page;
	else if (act == ACT_DECIDE_DETAILS) {
		detail_open(a, -1);
		return D_NOW;
	} else if (act == ACT_DECIDE_BACK) {
		app_switch(a, &run_screen);
		return D_NOW | D_CLEAR;
	} else if (v.undecided)
		return answer_key(a, act);
	else if (keys_action(KS_RUN, key) == ACT_EDIT && !run_busy(a->run)) {
		app_switch(a, &setup_screen);
		return D_NOW | D_CLEAR;
	} else
		return D_PASS;
	return D_NOW;
}

const struct screen_ops decide_screen = { "decide", decide_draw, decide_key,
    KS_DECIDE };
