/*
 * The mirrors screen: the set's rows (preview count and warnings before
 * a run, state and tags and bytes after), the keys that edit, run and
 * decide them, and saved sets.  It reads the mirrors model and hands a
 * run to the run and decide screens for a drill-down.
 */
#include "config.h"

#include "screen_mirrors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "errtext.h"
#include "model_mirrors.h"
#include "paths.h"
#include "saved.h"
#include "screens.h"
#include "strv.h"

#define EDIT_NONE	(-1)
#define EDIT_NEW	(-2)

/* The one set screen, a singleton like the form. */
static struct {
	size_t	sel, top;
	long	editing;	/* row in the form, EDIT_NEW, EDIT_NONE */
	int	rows;		/* rows (two lines each) in view */
	char	name[64];	/* saved or loaded as */
} ms = { 0, 0, EDIT_NONE, 0, "" };

/* The set takes back a run lent to the run screens. */
static void
reclaim(struct app *a)
{
	if (a->run_lent) {
		a->run = NULL;
		a->run_lent = 0;
	}
}

/* What the form holds goes back to the set (see mirrors_open). */
static void
from_form(struct app *a)
{
	const char	*src, *dst, *tags;
	size_t		 n = mirrors_count(a->set);

	setup_fields(&src, &dst, &tags);
	if (ms.editing >= 0 && (size_t)ms.editing < n)
		mirrors_set(a->set, (size_t)ms.editing, src, dst, tags);
	else if ((ms.editing == EDIT_NEW || n == 0) && src[0] != '\0') {
		if (mirrors_add(a->set, src, dst, tags) == -1)
			app_msg(a, EL_ERROR, "Out of memory");
		else
			ms.sel = mirrors_count(a->set) - 1;
	}
	ms.editing = EDIT_NONE;
}

int
mirrors_open(struct app *a)
{
	if (a->screen == &setup_screen)
		from_form(a);
	ms.editing = EDIT_NONE;
	reclaim(a);
	app_switch(a, &mirrors_screen);
	return D_NOW | D_CLEAR;
}

/* "RUNNING 3/8 done, 1 failed, 1.2 MiB" */
static void
run_line(const struct run *r, char *buf, size_t n, enum theme_el *el)
{
	struct run_view	v;
	char		bytes[32];
	const char	*state, *after = "";

	run_view(r, &v);
	fmt_bytes(bytes, sizeof bytes, v.tot.bytes_done);
	state = v.phase == RP_ROLLING_BACK ? "ROLLING BACK" : v.status_name;
	if (v.undecided)
		after = ", undecided: K keeps, R rolls back";
	else if (v.decision == 'k')
		after = ", kept";
	*el = v.phase == RP_RUNNING || v.phase == RP_ROLLING_BACK ? EL_ACTIVE :
	    v.tot.failed + v.tot.conflicts > 0 || v.run_err.cat != TM_CAT_NONE ?
	    EL_FAILED : EL_OK;
	snprintf(buf, n, "%s %zu/%zu done, %zu failed, %s%s", state,
	    v.tot.done + v.tot.uptodate, v.tot.tags,
	    v.tot.failed + v.tot.conflicts, bytes, after);
	/* A run that failed as a whole says why on its row. */
	if (v.run_err.cat != TM_CAT_NONE && strlen(buf) + 3 < n) {
		strcat(buf, " - ");
		tm_err_short(&v.run_err, buf + strlen(buf), n - strlen(buf));
	}
}

static void
preview_line(const struct mirrors_row *r, char *buf, size_t n,
    enum theme_el *el)
{
	char	cnt[32], tot[32];

	fmt_count(cnt, sizeof cnt, r->matched);
	fmt_count(tot, sizeof tot, r->listed);
	*el = r->warning[0] != '\0' ? EL_WARN : EL_NORMAL;
	snprintf(buf, n, "%s %s %s of %s tags%s%s%s", r->tags, glyph(G_DOT),
	    cnt, tot, r->pv_state == PV_LISTING ? " (listing)" : "",
	    r->warning[0] != '\0' ? " - " : "", r->warning);
}

static void
draw_row(struct app *a, size_t i, int y)
{
	struct mirrors_row	r;
	char			line[1200];
	enum theme_el		el;
	int			sel = i == ms.sel;
	attr_t			at = sel ? th(EL_SELECTED) : th(EL_NORMAL);

	mirrors_row(a->set, i, &r);
	draw_fill(y, 0, COLS, at);
	draw_fill(y + 1, 0, COLS, at);
	/* The cursor is a glyph too, for terminals without colour. */
	draw_text(y, 0, 1, at, sel ? ">" : " ");
	draw_fmt(y, 1, COLS - 2, at, "[%s] %zu. %s %s %s", r.marked ?
	    glyph(G_CHECK) : " ", i + 1, r.src[0] != '\0' ? r.src : "(no source)",
	    glyph(G_ARROW), r.dst[0] != '\0' ? r.dst : "(no destination)");
	if (r.run != NULL)
		run_line(r.run, line, sizeof line, &el);
	else
		preview_line(&r, line, sizeof line, &el);
	draw_text(y + 1, 5, COLS - 6, sel ? at : th(el), line);
}

static void
mirrors_draw(struct app *a)
{
	static const enum action acts[] = {
		ACT_RUN, ACT_SET_ADD, ACT_SET_OPEN, ACT_SET_MARK, ACT_SET_KEEP,
		ACT_SET_ROLLBACK, ACT_SET_SAVE, ACT_HELP, ACT_QUIT
	};
	size_t	n = mirrors_count(a->set), i;
	int	y;

	app_title(a, "mirrors", ms.name[0] != '\0' ? ms.name : NULL);
	draw_fmt(1, 1, COLS - 2, th(EL_HEADING), "%zu mirror%s, %zu marked "
	    "(Ctrl-R runs the marked ones, or all)", n, n == 1 ? "" : "s",
	    mirrors_marked(a->set));
	ms.rows = (LINES - 5) / 2;
	if (ms.sel >= n)
		ms.sel = n > 0 ? n - 1 : 0;
	if (ms.sel < ms.top)
		ms.top = ms.sel;
	if (ms.rows > 0 && ms.sel >= ms.top + (size_t)ms.rows)
		ms.top = ms.sel - (size_t)ms.rows + 1;
	for (i = ms.top, y = 2; i < n && y + 1 < LINES - 2; i++, y += 2)
		draw_row(a, i, y);
	if (n == 0)
		draw_text(3, 2, COLS - 4, th(EL_HINT), "No mirrors yet: a adds "
		    "one, Ctrl-O loads a saved set.");
	draw_text(LINES - 2, 1, COLS - 2, th(EL_HINT), "Enter edits a mirror, "
	    "or opens its run; Ctrl-N in the form comes back here");
	app_keybar(a, acts, sizeof acts / sizeof acts[0]);
}

/* Open row i in the form (a new one when i is EDIT_NEW). */
static int
edit(struct app *a, long i)
{
	struct mirrors_row	r;

	if (i >= 0) {
		mirrors_row(a->set, (size_t)i, &r);
		setup_fill(a, r.src, r.dst, r.tags);
	} else
		setup_fill(a, "", "", "");
	ms.editing = i;
	app_switch(a, &setup_screen);
	return D_NOW | D_CLEAR;
}

/* Enter on a row that ran: its run screen (or its decision). */
static int
drill(struct app *a, struct run *r)
{
	if (a->run != NULL && !a->run_lent) {
		if (run_busy(a->run)) {
			app_msg(a, EL_WARN, "The form's run is still active: "
			    "Ctrl-R shows it");
			return D_NOW;
		}
		run_keep(a->run);
		run_free(a->run);
	}
	a->run = r;
	a->run_lent = 1;
	if (run_undecided(r))
		decide_open(a);
	else
		app_switch(a, &run_screen);
	return D_NOW | D_CLEAR;
}

static int
start(struct app *a)
{
	struct tm_err	err;
	char		buf[512];
	int		n;

	if (a->run != NULL && !a->run_lent && run_busy(a->run)) {
		app_msg(a, EL_WARN, "The form's run is still active");
		return D_NOW;
	}
	if ((n = mirrors_start(a->set, &err)) == -1) {
		explain_err(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "Cannot start: %s", buf);
	} else if (n == 0)
		app_msg(a, EL_WARN, mirrors_count(a->set) == 0 ? "No mirrors "
		    "to run: a adds one" : "Those mirrors are running already");
	else
		app_msg(a, EL_OK, "Running %d mirror%s", n, n == 1 ? "" : "s");
	return D_NOW;
}

/*
 * The rows a decision is for: the marked ones (none marked: the
 * selected one) whose run waits for keep or roll back.  Into idx
 * (mirrors_count entries); how many.
 */
static size_t
undecided_rows(struct app *a, size_t *idx)
{
	size_t	n = mirrors_count(a->set), i, k = 0;
	int	marked = mirrors_marked(a->set) > 0;

	for (i = 0; i < n; i++) {
		struct mirrors_row	r;

		mirrors_row(a->set, i, &r);
		if ((marked ? r.marked : i == ms.sel) &&
		    run_undecided(mirrors_run(a->set, i)))
			idx[k++] = i;
	}
	return k;
}

/* The rows to decide (malloc'd, *k of them), or NULL, said why. */
static size_t *
pick(struct app *a, size_t *k)
{
	size_t	*idx;

	if ((idx = calloc(mirrors_count(a->set) + 1, sizeof *idx)) == NULL)
		return NULL;
	if ((*k = undecided_rows(a, idx)) == 0) {
		free(idx);
		app_msg(a, EL_WARN, "No undecided run there: keep and roll back "
		    "are for runs where tags failed (Space marks rows)");
		return NULL;
	}
	return idx;
}

/* Keep: no question, as on the decide screen. */
static int
keep(struct app *a)
{
	size_t	*idx, k, i;

	if ((idx = pick(a, &k)) == NULL)
		return D_NOW;
	for (i = 0; i < k; i++)
		run_keep(mirrors_run(a->set, idx[i]));
	free(idx);
	app_msg(a, EL_OK, "Kept %zu mirror%s (PARTIAL_MIRROR)", k,
	    k == 1 ? "" : "s");
	return D_NOW;
}

static int
rollback_answer(struct app *a, int choice, const char *text)
{
	struct tm_err	err;
	char		buf[512];
	size_t		*idx, k, i, started = 0;

	(void)text;
	if (choice != 0 || (idx = pick(a, &k)) == NULL)
		return D_NOW;
	for (i = 0; i < k; i++) {
		if (run_rollback(mirrors_run(a->set, idx[i]), &err) == -1) {
			explain_err(&err, buf, sizeof buf);
			app_msg(a, EL_ERROR, "Cannot roll back mirror %zu: %s",
			    idx[i] + 1, buf);
			break;
		}
		started++;
	}
	free(idx);
	if (started == k)
		app_msg(a, EL_OK, "Rolling back %zu mirror%s", started,
		    started == 1 ? "" : "s");
	return D_NOW;
}

/* Roll back only after a confirmation naming what changes, per mirror. */
static int
roll_back(struct app *a)
{
	struct run_view	 v;
	char		 body[1600];
	size_t		*idx, k, i, restore, remove, o = 0;

	if ((idx = pick(a, &k)) == NULL)
		return D_NOW;
	body[0] = '\0';
	for (i = 0; i < k && i < 6 && o < sizeof body; i++) {
		run_view(mirrors_run(a->set, idx[i]), &v);
		run_rollback_plan(mirrors_run(a->set, idx[i]), &restore, &remove);
		o += (size_t)snprintf(body + o, sizeof body - o, "In %s:\n  %zu "
		    "tag%s put back, %zu tag%s the run created deleted.\n",
		    v.dst, restore, restore == 1 ? "" : "s", remove,
		    remove == 1 ? "" : "s");
	}
	if (k > 6 && o < sizeof body)
		snprintf(body + o, sizeof body - o, "and %zu more mirrors.\n",
		    k - 6);
	free(idx);
	strncat(body, "Failed tags stay as they are.", sizeof body -
	    strlen(body) - 1);
	dialog_confirm(a, k == 1 ? "Roll back this mirror?" : "Roll back these "
	    "mirrors?", body, "&Yes, roll back|&No, go back", 1,
	    rollback_answer);
	return D_NOW;
}

/* Saved sets: Ctrl-S and Ctrl-O, and --set. */
static int
save_done(struct app *a, int choice, const char *name)
{
	struct tm_err	err;
	char		path[4096], buf[512];

	if (choice < 0 || name == NULL)
		return D_NOW;
	tm_err_clear(&err);
	if (saved_set_path(name, path, sizeof path) == -1) {
		app_msg(a, EL_ERROR, "'%s' cannot be a name: use letters, "
		    "digits, '.', '_' and '-'", name);
		return D_NOW;
	}
	if (mirrors_count(a->set) == 0) {
		app_msg(a, EL_WARN, "The set is empty: a adds a mirror");
		return D_NOW;
	}
	if (path_mkparent(path, 0700) == -1)
		tm_err_set(&err, TM_CAT_IO, "cannot create the directory of "
		    "%s: %s", path, strerror(errno));
	if (err.cat != TM_CAT_NONE || mirrors_save(a->set, path, &err) == -1) {
		explain_err(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "Could not save the set '%s': %s", name,
		    buf);
		return D_NOW;
	}
	snprintf(ms.name, sizeof ms.name, "%s", name);
	app_msg(a, EL_OK, "Saved set %s (%s; no passwords in it)", name, path);
	return D_NOW;
}

/* Load path as the set; name for the title ("" for a file). */
static int
load_path(struct app *a, const char *path, const char *name, char *buf,
    size_t n)
{
	struct tm_err	err;
	size_t		skipped;

	if (mirrors_load(a->set, path, &skipped, &err) == -1) {
		explain_err(&err, buf, n);
		return -1;
	}
	snprintf(ms.name, sizeof ms.name, "%s", name);
	ms.sel = ms.top = 0;
	buf[0] = '\0';
	if (skipped > 0)
		snprintf(buf, n, "%zu namespace mirror%s read from a catalog "
		    "left out: tagmirror sync runs %s", skipped, skipped == 1 ?
		    "" : "s", skipped == 1 ? "it" : "them");
	return 0;
}

int
mirrors_load_arg(struct app *a, const char *arg, char *buf, size_t n)
{
	char		 path[4096], name[64], *dot;
	const char	*slash = strrchr(arg, '/');

	if (saved_set_exists(arg) &&
	    saved_set_path(arg, path, sizeof path) == 0)
		return load_path(a, path, arg, buf, n);
	/* A file's name, less .yaml, is what Ctrl-S offers to save it as. */
	snprintf(name, sizeof name, "%s", slash != NULL ? slash + 1 : arg);
	if ((dot = strrchr(name, '.')) != NULL && (strcmp(dot, ".yaml") == 0 ||
	    strcmp(dot, ".yml") == 0))
		*dot = '\0';
	return load_path(a, arg, name, buf, n);
}

static int
load_done(struct app *a, int choice, const char *name)
{
	char	path[4096], buf[512] = "not a saved set's name";

	if (choice < 0 || name == NULL)
		return D_NOW;
	if (saved_set_path(name, path, sizeof path) == -1 ||
	    load_path(a, path, name, buf, sizeof buf) == -1)
		app_msg(a, EL_ERROR, "Could not load the set '%s': %s", name,
		    buf);
	else if (buf[0] != '\0')
		app_msg(a, EL_WARN, "Loaded %s; %s", name, buf);
	else
		app_msg(a, EL_OK, "Loaded set %s: %zu mirrors", name,
		    mirrors_count(a->set));
	return D_NOW | D_CLEAR;
}

static void
load_pick(struct app *a)
{
	char	**names;
	size_t	  n;

	if ((n = saved_set_list(&names)) == 0)
		app_msg(a, EL_WARN, "No saved sets yet: Ctrl-S saves this one");
	else
		dialog_pick(a, "Load a saved set", names, n, 0, load_done);
	tm_strv_free(names, n);
}

/* Editing keys: add, edit, remove, reorder, mark. */
static int
row_key(struct app *a, enum action act)
{
	size_t	n = mirrors_count(a->set), i;
	int	all;

	switch (act) {
	case ACT_SET_ADD:
		return edit(a, EDIT_NEW);
	case ACT_SET_EDIT:
		return n > 0 ? edit(a, (long)ms.sel) : D_NOW;
	case ACT_SET_REMOVE:
		if (n > 0 && mirrors_remove(a->set, ms.sel) == -1)
			app_msg(a, EL_WARN, "That mirror is running: c in its "
			    "run screen cancels it first");
		return D_NOW;
	case ACT_SET_RAISE:
	case ACT_SET_LOWER:
		if (n > 0 && mirrors_move(a->set, ms.sel, act == ACT_SET_RAISE ?
		    -1 : 1))
			ms.sel = act == ACT_SET_RAISE ? ms.sel - 1 : ms.sel + 1;
		return D_NOW;
	case ACT_SET_MARK:
		if (n > 0) {
			struct mirrors_row	r;

			mirrors_row(a->set, ms.sel, &r);
			mirrors_mark(a->set, ms.sel, !r.marked);
		}
		return D_NOW;
	case ACT_SET_MARK_ALL:
		all = mirrors_marked(a->set) < n;
		for (i = 0; i < n; i++)
			mirrors_mark(a->set, i, all);
		return D_NOW;
	default:
		return D_PASS;
	}
}

static int
mirrors_key(struct app *a, int key)
{
	enum action	act = keys_action(KS_SET, key);
	size_t		n = mirrors_count(a->set);
	struct run	*r;

	if (list_move(keys_action(KS_LIST, key), &ms.sel, n, ms.rows))
		return D_NOW;
	switch (act) {
	case ACT_SET_OPEN:
		if (n == 0)
			return edit(a, EDIT_NEW);
		r = mirrors_run(a->set, ms.sel);
		return r != NULL ? drill(a, r) : edit(a, (long)ms.sel);
	case ACT_SET_KEEP:
		return keep(a);
	case ACT_SET_ROLLBACK:
		return roll_back(a);
	case ACT_SET_SAVE:
		dialog_prompt(a, "Save this set", "Name:", ms.name, save_done);
		return D_NOW;
	case ACT_SET_LOAD:
		load_pick(a);
		return D_NOW;
	default:
		break;
	}
	if (keys_action(KS_GLOBAL, key) == ACT_RUN)
		return start(a);
	return row_key(a, act);
}

const struct screen_ops mirrors_screen = { "mirrors", mirrors_draw,
    mirrors_key, KS_SET };
