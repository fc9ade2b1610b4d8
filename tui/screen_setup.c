/* The set-up screen: the mirror form, saved mirrors, and the preview pane. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "clock.h"
#include "dialog.h"
#include "draw.h"
#include "errtext.h"
#include "lineedit.h"
#include "model_interrupted.h"
#include "model_preview.h"
#include "model_run.h"
#include "saved.h"
#include "screen_preview.h"
#include "strv.h"

enum field_kind {
	FK_TEXT,
	FK_SECRET,
	FK_NUMBER,
	FK_TOGGLE,
	FK_LIST
};

/* id, kind, label, key in saved files, placeholder, hint */
#define FIELDS(_) \
	_(SRC, TEXT, "Source", "src", "e.g. docker.io/library/python", \
	    "Copy from: docker.io/library/python, quay.io/org/app, " \
	    "127.0.0.1:5000/app") \
	_(DST, TEXT, "Destination", "dst", "e.g. registry.example.com/mirror/python", \
	    "Copy into this repository; its other tags stay unless stale " \
	    "deletion is on") \
	_(TAGS, TEXT, "Tags", "tags", "e.g. 3.12*, latest, !*-rc*", \
	    "Quay globs * ? [seq], comma-separated; !GLOB; re:REGEX; " \
	    "semver:RANGE; latest:N") \
	_(SRC_USER, TEXT, "Source login", "src_user", "auth files or anonymous", \
	    "Source user; empty: docker/podman auth files, else anonymous") \
	_(SRC_PASS, SECRET, "password", "src_password", "", \
	    "Password or token; saved only in NAME.secrets (mode 0600)") \
	_(DST_USER, TEXT, "Dest login", "dst_user", "auth files or anonymous", \
	    "Destination user; empty: docker/podman auth files") \
	_(DST_PASS, SECRET, "password", "dst_password", "", \
	    "Password or token for the destination") \
	_(JOBS, NUMBER, "Jobs", "jobs", "auto", \
	    "Most tags copied at once (1-64); empty: auto, as many as pay") \
	_(PLATFORMS, TEXT, "Platforms", "platforms", "all", \
	    "Empty: every platform; or e.g. linux/amd64,linux/arm64") \
	_(ROLLBACK, TOGGLE, "Roll back on failure", "rollback", "", \
	    "The highlighted answer when tags fail (REPO_MIRROR_ROLLBACK); " \
	    "you choose") \
	_(STALE, TOGGLE, "Delete stale tags", "delete_stale", "", \
	    "Delete destination tags that match but are gone upstream") \
	_(SRC_TLS, TOGGLE, "Verify source TLS", "src_tls_verify", "", \
	    "Off: accept any certificate and plain HTTP (trusted registries " \
	    "only)") \
	_(DST_TLS, TOGGLE, "Verify dest TLS", "dst_tls_verify", "", \
	    "Off: accept any certificate and plain HTTP on the destination") \
	_(LIST, LIST, "Preview", "", "", \
	    "Matched tags: arrows scroll, / filters, n next match, Tab: " \
	    "the form")

enum field_id {
#define FIELD_ENUM(id, kind, label, key, ph, hint) F_##id,
	FIELDS(FIELD_ENUM)
#undef FIELD_ENUM
	F_COUNT
};

static const struct {
	enum field_kind	 kind;
	const char	*label, *key, *placeholder, *hint;
} fields[F_COUNT] = {
#define FIELD_ROW(id, kind, label, key, ph, hint) \
	{ FK_##kind, label, key, ph, hint },
	FIELDS(FIELD_ROW)
#undef FIELD_ROW
};

struct place {
	int	y, lx, fx, fw;
};

/* The one form; the set-up screen is a singleton like ncdu's browser. */
static struct {
	struct lineedit	le[F_COUNT];
	int		on[F_COUNT];
	int		focus;
	int		list_stale;	/* source fields changed since listing */
	double		last_edit;
	char		name[64];	/* saved or loaded as */
	struct place	at[F_COUNT];
	int		pv_y, pv_x, pv_h, pv_w;
} form;

static int
is_text(enum field_id f)
{
	return fields[f].kind == FK_TEXT || fields[f].kind == FK_SECRET ||
	    fields[f].kind == FK_NUMBER;
}

static const char *
text(enum field_id f)
{
	return le_text(&form.le[f]);
}

static const char *
text_or_null(enum field_id f)
{
	return text(f)[0] != '\0' ? text(f) : NULL;
}

static void
start_listing(struct app *a)
{
	struct reg_opts	o = a->cli.mo.src_reg;

	o.tls_verify = form.on[F_SRC_TLS];
	o.user = text_or_null(F_SRC_USER);
	o.pass = text_or_null(F_SRC_PASS);
	form.list_stale = 0;
	/* The run's own choice: what it would copy is what is counted. */
	preview_referrers(a->pv, !a->cli.mo.no_referrers,
	    a->cli.mo.referrer_types);
	preview_list(a->pv, text(F_SRC), &o);
}

static int
changed(struct app *a, enum field_id f)
{
	/* An error about the form goes once the form is edited. */
	if (a->msg_el == EL_ERROR)
		a->msg[0] = '\0';
	switch (f) {
	case F_SRC:
	case F_SRC_USER:
	case F_SRC_PASS:
	case F_SRC_TLS:
		form.list_stale = 1;
		form.last_edit = tm_now();
		return D_NOW;
	case F_TAGS:
		preview_set_expr(a->pv, text(F_TAGS));
		return D_NOW;
	default:
		return D_NOW;
	}
}

int
setup_tick(struct app *a)
{
	/* List once typing in the source fields pauses. */
	if (form.list_stale && tm_now() - form.last_edit > 0.8) {
		start_listing(a);
		return D_DRAW;
	}
	return 0;
}

int
setup_pending(void)
{
	return form.list_stale;
}

void
setup_fields(const char **src, const char **dst, const char **tags)
{
	*src = text(F_SRC);
	*dst = text(F_DST);
	*tags = text(F_TAGS);
}

void
setup_fill(struct app *a, const char *src, const char *dst, const char *tags)
{
	le_set(&form.le[F_SRC], src);
	le_set(&form.le[F_DST], dst);
	le_set(&form.le[F_TAGS], tags);
	form.focus = F_SRC;
	form.le[F_SRC].cur = form.le[F_SRC].len;
	start_listing(a);
	preview_set_expr(a->pv, text(F_TAGS));
}

static void
set_toggle(enum field_id f, int v)
{
	form.on[f] = v != 0;
}

static void
load_kv(void *ud, const char *key, const char *val)
{
	int	i;

	(void)ud;
	for (i = 0; i < F_LIST; i++) {
		if (strcmp(key, fields[i].key) != 0)
			continue;
		if (fields[i].kind == FK_TOGGLE)
			form.on[i] = strcmp(val, "true") == 0;
		else
			le_set(&form.le[i], val);
	}
}

int
setup_init(struct app *a)
{
	struct cli	*c = &a->cli;
	char		 num[16];
	int		 i;

	for (i = 0; i < F_COUNT; i++)
		if (is_text((enum field_id)i))
			le_init(&form.le[i], i == F_JOBS ? 2 : 4096,
			    fields[i].kind == FK_SECRET);
	le_set(&form.le[F_SRC], c->npos > 0 ? c->pos[0] : c->mo.src);
	le_set(&form.le[F_DST], c->npos > 1 ? c->pos[1] : c->mo.dst);
	le_set(&form.le[F_TAGS], c->mo.expr);
	le_set(&form.le[F_SRC_USER], c->src_user);
	le_set(&form.le[F_SRC_PASS], c->src_pass);
	le_set(&form.le[F_DST_USER], c->dst_user);
	le_set(&form.le[F_DST_PASS], c->dst_pass);
	/* Empty: the engine's adaptive window decides. */
	if (c->mo.jobs > 0)
		snprintf(num, sizeof num, "%d", c->mo.jobs);
	else
		num[0] = '\0';
	le_set(&form.le[F_JOBS], num);
	le_set(&form.le[F_PLATFORMS], c->mo.platforms);
	set_toggle(F_ROLLBACK, c->mo.rollback);
	set_toggle(F_STALE, c->mo.delete_stale);
	set_toggle(F_SRC_TLS, c->mo.src_reg.tls_verify);
	set_toggle(F_DST_TLS, c->mo.dst_reg.tls_verify);
	/* start.c checked it exists; what it holds wins over the arguments. */
	if (c->load != NULL) {
		if (saved_read(c->load, load_kv, NULL) == 0)
			snprintf(form.name, sizeof form.name, "%s", c->load);
		else
			app_msg(a, EL_ERROR, "Could not load '%s': %s", c->load,
			    strerror(errno));
	}
	form.focus = text(F_SRC)[0] == '\0' ? F_SRC : text(F_DST)[0] == '\0' ?
	    F_DST : F_TAGS;
	form.le[form.focus].cur = form.le[form.focus].len;
	if (text(F_SRC)[0] != '\0')
		start_listing(a);
	preview_set_expr(a->pv, text(F_TAGS));
	return 0;
}

void
setup_free(struct app *a)
{
	int	i;

	(void)a;
	for (i = 0; i < F_COUNT; i++)
		if (is_text((enum field_id)i))
			le_free(&form.le[i]);
}

/* Where every field goes for a form w columns wide. */
static void
layout(int w)
{
	int	uw = (w - 26) / 2, half = w / 2, i;

	for (i = 0; i < F_COUNT; i++) {
		form.at[i].lx = 1;
		form.at[i].fx = 14;
		form.at[i].fw = w - 15;
	}
	form.at[F_SRC].y = 1;
	form.at[F_DST].y = 2;
	form.at[F_TAGS].y = 3;
	form.at[F_SRC_USER].y = form.at[F_SRC_PASS].y = 4;
	form.at[F_DST_USER].y = form.at[F_DST_PASS].y = 5;
	form.at[F_SRC_USER].fw = form.at[F_DST_USER].fw = uw;
	form.at[F_SRC_PASS].lx = form.at[F_DST_PASS].lx = 14 + uw + 2;
	form.at[F_SRC_PASS].fx = form.at[F_DST_PASS].fx = 14 + uw + 11;
	form.at[F_SRC_PASS].fw = form.at[F_DST_PASS].fw = w - 1 - (14 + uw + 11);
	form.at[F_JOBS].y = form.at[F_PLATFORMS].y = 6;
	form.at[F_JOBS].fw = 5;
	form.at[F_PLATFORMS].lx = 21;
	form.at[F_PLATFORMS].fx = 32;
	form.at[F_PLATFORMS].fw = w - 33;
	form.at[F_ROLLBACK].y = form.at[F_STALE].y = 7;
	form.at[F_SRC_TLS].y = form.at[F_DST_TLS].y = 8;
	form.at[F_STALE].lx = form.at[F_DST_TLS].lx = half;
}

static void
draw_field(struct app *a, enum field_id f)
{
	const struct place	*p = &form.at[f];
	int			 focus = form.focus == (int)f;
	attr_t			 lab = focus ? th(EL_LABEL_FOCUS) : th(EL_LABEL);
	int			 cx;

	if (fields[f].kind == FK_TOGGLE) {
		draw_fmt(p->y, p->lx, 4, focus ? th(EL_SELECTED) :
		    th(EL_FIELD), "[%s]", form.on[f] ? glyph(G_CHECK) : " ");
		draw_text(p->y, p->lx + 4, 30, lab, fields[f].label);
		if (focus) {
			a->cur_y = p->y;
			a->cur_x = p->lx + 1;
		}
		return;
	}
	draw_text(p->y, p->lx, p->fx - p->lx - 1, lab, fields[f].label);
	le_draw(&form.le[f], stdscr, p->y, p->fx, p->fw,
	    focus ? th(EL_FIELD_FOCUS) : th(EL_FIELD), focus, &cx);
	if (focus) {
		a->cur_y = p->y;
		a->cur_x = cx;
	} else if (form.le[f].len == 0 && fields[f].placeholder[0] != '\0')
		draw_text(p->y, p->fx + 1, p->fw - 1, th(EL_FIELD) | A_DIM,
		    fields[f].placeholder);
}

static void
setup_draw(struct app *a)
{
	static const enum action text_keys[] = {
		ACT_RUN, ACT_NEXT_FIELD, ACT_LEAVE, ACT_SAVE, ACT_LOAD, ACT_QUIT
	};
	static const enum action nav_keys[] = {
		ACT_RUN, ACT_NEXT_FIELD, ACT_HELP, ACT_QUIT, ACT_SEARCH, ACT_SAVE, ACT_LOAD,
		ACT_THEME
	};
	char	right[96];
	int	wide = COLS >= 130, w = wide ? 72 : COLS, i;

	snprintf(right, sizeof right, "%s%s%s", a->demo != NULL ? "demo " : "",
	    form.name[0] != '\0' ? "mirror " : "", form.name);
	app_title(a, "set up a mirror", right);
	layout(w);
	for (i = 0; i < F_LIST; i++)
		draw_field(a, (enum field_id)i);
	if (wide) {
		attrset(th(EL_BORDER));
		mvvline(1, w, draw_utf8() ? ACS_VLINE : '|', LINES - 3);
		form.pv_y = 1;
		form.pv_x = w + 2;
		form.pv_h = LINES - 3;
		form.pv_w = COLS - w - 3;
		draw_text(form.pv_y, form.pv_x, form.pv_w, th(EL_HEADING),
		    "Preview");
		form.pv_y++;
		form.pv_h--;
	} else {
		draw_rule(9, 0, COLS, form.focus == F_LIST ?
		    "Preview (list has focus)" : "Preview");
		form.pv_y = 10;
		form.pv_x = 1;
		form.pv_h = LINES - 12;
		form.pv_w = COLS - 2;
	}
	preview_pane_draw(a->pv, form.pv_y, form.pv_x, form.pv_h, form.pv_w,
	    form.focus == F_LIST);
	draw_text(LINES - 2, 1, COLS - 2, th(EL_HINT), fields[form.focus].hint);
	a->typing = is_text((enum field_id)form.focus);
	if (a->typing)
		app_keybar(a, text_keys, sizeof text_keys / sizeof text_keys[0]);
	else
		app_keybar(a, nav_keys, sizeof nav_keys / sizeof nav_keys[0]);
	if (form.focus == F_LIST)
		preview_pane_prompt(a);
}

static int
focus_move(struct app *a, int dir)
{
	int	old = form.focus;

	form.focus = (form.focus + dir + F_COUNT) % F_COUNT;
	if (is_text((enum field_id)form.focus))
		form.le[form.focus].cur = form.le[form.focus].len;
	/* Leaving a source field lists at once rather than after the pause. */
	if (form.list_stale && (old == F_SRC || old == F_SRC_USER ||
	    old == F_SRC_PASS))
		start_listing(a);
	return D_NOW;
}

/* Save and load. */
static int
saved_done(struct app *a, int choice, const char *name)
{
	struct saved_kv	kv[F_COUNT];
	char		path[4096];
	size_t		n = 0;
	int		i;

	if (choice < 0 || name == NULL)
		return D_NOW;
	if (!saved_name_ok(name)) {
		app_msg(a, EL_ERROR, "'%s' cannot be a name: use letters, "
		    "digits, '.', '_' and '-'", name);
		return D_NOW;
	}
	for (i = 0; i < F_LIST; i++) {
		kv[n].key = fields[i].key;
		kv[n].secret = fields[i].kind == FK_SECRET;
		kv[n].val = fields[i].kind == FK_TOGGLE ?
		    (form.on[i] ? "true" : "false") : text((enum field_id)i);
		n++;
	}
	if (saved_write(name, kv, n) == -1) {
		app_msg(a, EL_ERROR, "Could not save '%s': %s", name,
		    strerror(errno));
		return D_NOW;
	}
	snprintf(form.name, sizeof form.name, "%s", name);
	saved_path(name, "conf", path, sizeof path);
	app_msg(a, EL_OK, "Saved as %s (%s; passwords in %s.secrets, mode "
	    "0600)", name, path, name);
	return D_NOW;
}

static int
load_done(struct app *a, int choice, const char *name)
{
	int	i;

	if (choice < 0 || name == NULL)
		return D_NOW;
	for (i = 0; i < F_LIST; i++)
		if (fields[i].kind == FK_SECRET)
			le_set(&form.le[i], "");
	if (saved_read(name, load_kv, NULL) == -1) {
		app_msg(a, EL_ERROR, "Could not load '%s': %s", name,
		    strerror(errno));
		return D_NOW;
	}
	snprintf(form.name, sizeof form.name, "%s", name);
	start_listing(a);
	preview_set_expr(a->pv, text(F_TAGS));
	app_msg(a, EL_OK, "Loaded %s", name);
	return D_NOW;
}

static void
load_pick(struct app *a)
{
	char	**names;
	size_t	  n;

	if ((n = saved_list(&names)) == 0)
		app_msg(a, EL_WARN, "No saved mirrors yet: Ctrl-S saves this one");
	else
		dialog_pick(a, "Load a saved mirror", names, n, 0, load_done);
	tm_strv_free(names, n);
}

/* Pasted line breaks separate expression items; elsewhere they vanish. */
static int
paste_key(int key)
{
	if (key != '\r' && key != '\n' && key != '\t')
		return key;
	if (key == '\t')
		return ' ';
	if (form.focus == F_TAGS && form.le[F_TAGS].cur > 0 &&
	    form.le[F_TAGS].buf[form.le[F_TAGS].cur - 1] != ',')
		return ',';
	return -1;
}

static int
setup_key(struct app *a, int key)
{
	enum field_id	f = (enum field_id)form.focus;
	int		r;

	if (a->pasting && is_text(f) && (key = paste_key(key)) == -1)
		return 0;
	if (is_text(f)) {
		if (fields[f].kind == FK_NUMBER && key_is_text(key) &&
		    (key < '0' || key > '9'))
			return D_NOW;
		if ((r = le_key(&form.le[f], key)) >= 0)
			return r == 1 ? changed(a, f) : D_NOW;
	} else if (f == F_LIST) {
		if ((r = preview_pane_key(a->pv, key)) >= 0)
			return r;
	}
	switch (keys_action(KS_FORM, key)) {
	case ACT_NEXT_FIELD:
		return focus_move(a, 1);
	case ACT_PREV_FIELD:
		return focus_move(a, -1);
	case ACT_TOGGLE:
		if (fields[f].kind == FK_TOGGLE) {
			form.on[f] = !form.on[f];
			return changed(a, f);
		}
		if (is_text(f))
			return focus_move(a, 1);
		break;
	case ACT_LEAVE:
		if (f != F_LIST) {
			form.focus = F_LIST;
			if (form.list_stale)
				start_listing(a);
		}
		return D_NOW;
	case ACT_SAVE:
		dialog_prompt(a, "Save this mirror", "Name:", form.name,
		    saved_done);
		return D_NOW;
	case ACT_LOAD:
		load_pick(a);
		return D_NOW;
	case ACT_RELIST:
		start_listing(a);
		return D_NOW;
	default:
		break;
	}
	return D_PASS;
}

static int
invalid(struct app *a, enum field_id f, const char *why)
{
	form.focus = f;
	app_msg(a, EL_ERROR, "%s", why);
	return D_NOW;
}

int
setup_start_run(struct app *a)
{
	struct mirror_opts	mo;
	struct tm_err		err;
	char			buf[512];
	int			jobs = atoi(text(F_JOBS));

	if (run_busy(a->run)) {
		app_switch(a, &run_screen);
		app_msg(a, EL_WARN, "A run is already active");
		return D_NOW;
	}
	if (interrupted_busy()) {
		app_msg(a, EL_WARN, "Wait: the interrupted run is still being "
		    "rolled back");
		return D_NOW;
	}
	if (text(F_SRC)[0] == '\0')
		return invalid(a, F_SRC, "Fill in the source repository first");
	if (text(F_DST)[0] == '\0')
		return invalid(a, F_DST, "Fill in the destination repository");
	if (text(F_TAGS)[strspn(text(F_TAGS), " ,")] == '\0')
		return invalid(a, F_TAGS, "Fill in a tag expression");
	if ((jobs < 1 && text(F_JOBS)[0] != '\0') || jobs > 64)
		return invalid(a, F_JOBS, "Jobs must be a number from 1 to 64, "
		    "or empty");
	if (strcmp(text(F_SRC), text(F_DST)) == 0)
		return invalid(a, F_DST, "Source and destination are the same");
	mo = a->cli.mo;
	mo.src = text(F_SRC);
	mo.dst = text(F_DST);
	mo.expr = text(F_TAGS);
	mo.jobs = jobs;
	mo.platforms = text_or_null(F_PLATFORMS);
	mo.rollback = form.on[F_ROLLBACK];
	mo.delete_stale = form.on[F_STALE];
	mo.src_reg.tls_verify = form.on[F_SRC_TLS];
	mo.dst_reg.tls_verify = form.on[F_DST_TLS];
	mo.src_reg.user = text_or_null(F_SRC_USER);
	mo.src_reg.pass = text_or_null(F_SRC_PASS);
	mo.dst_reg.user = text_or_null(F_DST_USER);
	mo.dst_reg.pass = text_or_null(F_DST_PASS);
	/* An unanswered run is kept, as quitting would; a set's stays its. */
	if (!a->run_lent) {
		run_keep(a->run);
		run_free(a->run);
	}
	a->run_lent = 0;
	if ((a->run = run_start(&mo, a->cli.report, &err)) == NULL) {
		explain_err(&err, buf, sizeof buf);
		app_msg(a, EL_ERROR, "Cannot start: %s", buf);
		return D_NOW;
	}
	app_switch(a, &run_screen);
	return D_NOW | D_CLEAR;
}

const struct screen_ops setup_screen = { "setup", setup_draw, setup_key,
    KS_FORM };
