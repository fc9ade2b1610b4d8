/* Confirm, prompt and picker dialogs: drawn over the screen, modal. */
#include "config.h"

#include "dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "filter.h"
#include "lineedit.h"

#define DLG_BUTTONS	4
#define DLG_LINES	16

/* The three dialog kinds share one struct and one set of modal ops. */
enum dlg_kind {
	DLG_CONFIRM,
	DLG_PROMPT,
	DLG_PICK
};

struct dlg {
	enum dlg_kind	 kind;
	char		 title[128];
	char		*lines[DLG_LINES];	/* body, one entry per line */
	int		 nlines;
	char		 buttons[DLG_BUTTONS][48];
	int		 hotkey[DLG_BUTTONS];
	int		 nbuttons, sel;
	struct lineedit	 le;
	char		 label[64];
	char		**items;
	size_t		 nitems, cur, top;	/* cur, top: into vis */
	size_t		*vis;			/* the items the filter keeps */
	size_t		 nvis;
	struct filter	 f;
	dialog_fn	*fn;
};

static void
dlg_free(void *p)
{
	struct dlg	*d = p;
	size_t		 i;
	int		 j;

	for (j = 0; j < d->nlines; j++)
		free(d->lines[j]);
	for (i = 0; i < d->nitems; i++)
		free(d->items[i]);
	free(d->items);
	free(d->vis);
	le_free(&d->le);
	free(d);
}

static void
split_body(struct dlg *d, const char *body)
{
	const char	*p = body, *nl;

	while (p != NULL && *p != '\0' && d->nlines < DLG_LINES) {
		nl = strchr(p, '\n');
		d->lines[d->nlines++] = nl != NULL ? strndup(p, (size_t)(nl - p)) :
		    strdup(p);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

/* "&Keep|&Roll back": labels without '&', hot keys after it. */
static void
split_buttons(struct dlg *d, const char *spec)
{
	const char	*p = spec;
	size_t		 o;

	while (*p != '\0' && d->nbuttons < DLG_BUTTONS) {
		o = 0;
		d->hotkey[d->nbuttons] = -1;
		for (; *p != '\0' && *p != '|'; p++) {
			if (*p == '&' && p[1] != '\0') {
				d->hotkey[d->nbuttons] = (unsigned char)p[1];
				continue;
			}
			if (o + 1 < sizeof d->buttons[0])
				d->buttons[d->nbuttons][o++] = *p;
		}
		d->buttons[d->nbuttons][o] = '\0';
		d->nbuttons++;
		if (*p == '|')
			p++;
	}
}

static int
dlg_width(const struct dlg *d)
{
	int	w = text_width(d->title) + 6, i, bw = 0;

	for (i = 0; i < d->nlines; i++)
		if (text_width(d->lines[i]) + 4 > w)
			w = text_width(d->lines[i]) + 4;
	for (i = 0; i < d->nbuttons; i++)
		bw += text_width(d->buttons[i]) + 6;
	if (bw + 2 > w)
		w = bw + 2;
	if (d->kind != DLG_CONFIRM && w < 50)
		w = 50;
	return w > COLS - 2 ? COLS - 2 : w;
}

/* The items the filter keeps, the cursor among them. */
static void
pick_collect(struct dlg *d)
{
	size_t	i;

	d->nvis = 0;
	for (i = 0; i < d->nitems; i++)
		if (filter_keeps(&d->f, d->items[i]))
			d->vis[d->nvis++] = i;
	if (d->cur >= d->nvis)
		d->cur = d->nvis > 0 ? d->nvis - 1 : 0;
}

static void
pick_draw(struct app *a, struct dlg *d, int y, int x, int h, int w)
{
	int	rows = h - 3 - d->nlines, i;
	size_t	k;

	pick_collect(d);
	if (d->cur < d->top)
		d->top = d->cur;
	if (rows > 0 && d->cur >= d->top + (size_t)rows)
		d->top = d->cur - (size_t)rows + 1;
	for (k = d->top, i = 0; k < d->nvis && i < rows; k++, i++) {
		attr_t	at = k == d->cur ? th(EL_SELECTED) : th(EL_DIALOG);

		draw_fill(y + 1 + d->nlines + i, x + 2, w - 4, at);
		draw_match(y + 1 + d->nlines + i, x + 3, w - 5, at, &d->f,
		    d->items[d->vis[k]]);
	}
	if (d->nvis == 0)
		draw_text(y + 1 + d->nlines, x + 3, w - 5, th(EL_DIALOG),
		    "None contains the filter's text (Esc clears it).");
	if (filter_on(&d->f))
		draw_fmt(y + h - 1, x + 2, w - 4, th(EL_DIALOG), " /%s  Enter "
		    "choose  Esc clears ", d->f.text);
	else
		draw_text(y + h - 1, x + 2, w - 4, th(EL_DIALOG),
		    " Enter choose  / filter  Esc cancel ");
	draw_filter_prompt(&d->f, d->nvis, d->nitems, &a->cur_y, &a->cur_x);
}

static void
dlg_draw(struct app *a, void *p)
{
	struct dlg	*d = p;
	int		 w = dlg_width(d), h, y, x, i, bx, rows;

	rows = d->kind == DLG_PICK ? (int)(d->nitems < 12 ? d->nitems : 12) : 2;
	h = d->nlines + rows + 3;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	draw_box(y, x, h, w, th(EL_DIALOG), d->title);
	for (i = 0; i < d->nlines && i < h - 2; i++)
		draw_text(y + 1 + i, x + 2, w - 4, th(EL_DIALOG), d->lines[i]);
	switch (d->kind) {
	case DLG_CONFIRM:
		bx = x + 2;
		for (i = 0; i < d->nbuttons; i++) {
			attr_t	at = i == d->sel ? th(EL_BUTTON_FOCUS) :
			    th(EL_BUTTON);

			bx += draw_fmt(y + h - 2, bx, x + w - 2 - bx, at,
			    "[ %s ]", d->buttons[i]);
			bx += 2;
		}
		break;
	case DLG_PROMPT:
		i = draw_fmt(y + h - 2, x + 2, w - 4, th(EL_DIALOG), "%s ",
		    d->label);
		le_draw(&d->le, stdscr, y + h - 2, x + 2 + i, w - 4 - i,
		    th(EL_FIELD_FOCUS), 1, &a->cur_x);
		a->cur_y = y + h - 2;
		break;
	case DLG_PICK:
		pick_draw(a, d, y, x, h, w);
		break;
	}
}

/* Close first: the callback may open the next dialog. */
static int
finish(struct app *a, struct dlg *d, int choice)
{
	dialog_fn	*fn = d->fn;
	char		*text = NULL;
	int		 rc;

	if (choice >= 0 && d->kind == DLG_PROMPT)
		text = strdup(le_text(&d->le));
	else if (choice >= 0 && d->kind == DLG_PICK && d->nvis > 0)
		text = strdup(d->items[d->vis[d->cur]]);
	if (choice >= 0 && d->kind == DLG_PICK)
		choice = d->nvis > 0 ? (int)d->vis[d->cur] : -1;
	modal_close(a);
	rc = fn != NULL ? fn(a, choice, text) : 0;
	free(text);
	return rc | D_NOW;
}

static int
dlg_key(struct app *a, void *p, int key)
{
	struct dlg	*d = p;
	int		 i;

	if (d->kind == DLG_PICK) {
		pick_collect(d);
		if (filter_list_key(&d->f, key, &d->cur, &d->top, d->nvis) !=
		    FILTER_PASS)
			return D_NOW;
	}
	switch (keys_action(KS_DIALOG, key)) {
	case ACT_DLG_DISMISS:
		return finish(a, d, -1);
	case ACT_DLG_ACCEPT:
		return finish(a, d, d->kind == DLG_CONFIRM ? d->sel : 0);
	case ACT_DLG_MOVE:
		if (d->kind == DLG_CONFIRM) {
			d->sel = (d->sel + (key == K_FN(KEY_LEFT) ?
			    d->nbuttons - 1 : 1)) % d->nbuttons;
			return D_NOW;
		}
		break;
	default:
		break;
	}
	switch (d->kind) {
	case DLG_CONFIRM:
		for (i = 0; i < d->nbuttons; i++)
			if (d->hotkey[i] != -1 && (key == d->hotkey[i] ||
			    key == (d->hotkey[i] ^ 0x20)))
				return finish(a, d, i);
		break;
	case DLG_PROMPT:
		if (a->pasting && (key == '\r' || key == '\n' || key == '\t'))
			key = ' ';
		le_key(&d->le, key);
		break;
	case DLG_PICK:
		list_move(keys_action(KS_LIST, key), &d->cur, d->nvis, 10);
		if (key == 'q')
			return finish(a, d, -1);
		break;
	}
	return D_NOW;
}

static const struct modal_ops dlg_ops = { dlg_draw, dlg_key, dlg_free };

static struct dlg *
dlg_new(enum dlg_kind kind, const char *title, dialog_fn *fn)
{
	struct dlg	*d;

	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->kind = kind;
	d->fn = fn;
	snprintf(d->title, sizeof d->title, "%s", title);
	return d;
}

void
dialog_confirm(struct app *a, const char *title, const char *body,
    const char *buttons, int def, dialog_fn *fn)
{
	struct dlg	*d;

	if ((d = dlg_new(DLG_CONFIRM, title, fn)) == NULL)
		return;
	split_body(d, body);
	split_buttons(d, buttons);
	d->sel = def >= 0 && def < d->nbuttons ? def : 0;
	modal_open(a, &dlg_ops, d);
}

void
dialog_prompt(struct app *a, const char *title, const char *label,
    const char *initial, dialog_fn *fn)
{
	struct dlg	*d;

	if ((d = dlg_new(DLG_PROMPT, title, fn)) == NULL)
		return;
	snprintf(d->label, sizeof d->label, "%s", label);
	le_init(&d->le, 4096, 0);
	le_set(&d->le, initial);
	split_body(d, "Enter accepts, Esc cancels.");
	modal_open(a, &dlg_ops, d);
}

void
dialog_pick(struct app *a, const char *title, char *const *items, size_t n,
    size_t sel, dialog_fn *fn)
{
	struct dlg	*d;
	size_t		 i;

	if ((d = dlg_new(DLG_PICK, title, fn)) == NULL)
		return;
	if (n > 0 && ((d->items = calloc(n, sizeof *d->items)) == NULL ||
	    (d->vis = calloc(n, sizeof *d->vis)) == NULL)) {
		free(d->items);
		free(d);
		return;
	}
	for (i = 0; i < n; i++)
		if ((d->items[i] = strdup(items[i])) != NULL)
			d->nitems++;
	d->cur = sel < d->nitems ? sel : 0;
	pick_collect(d);
	modal_open(a, &dlg_ops, d);
}
