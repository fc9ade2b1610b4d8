/*
 * The help dialog: the keys of every screen, drawn from the key tables,
 * opened at the keys of the screen it was asked from.  Help texts wrap
 * to the width of the terminal; nothing is cut.
 */
#include "config.h"

#include "help.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"

struct help {
	enum key_scope	 scope;		/* the screen's keys */
	int		 placed;	/* top set to the scope's heading */
	int		 top;
};

/* One pass over the help's lines: counts them, draws those in view. */
struct walk {
	struct help	*h;
	int		 line, rows, y, x, w, kw, scope_line;
};

/* "Ctrl-R F5" -> "Ctrl-R, F5" */
static void
join_keys(char *buf, size_t n, const char *keys)
{
	char	 tmp[64], *k, *save;
	size_t	 o = 0;

	snprintf(tmp, sizeof tmp, "%s", keys);
	buf[0] = '\0';
	for (k = strtok_r(tmp, " ", &save); k != NULL && o < n;
	    k = strtok_r(NULL, " ", &save))
		o += (size_t)snprintf(buf + o, n - o, "%s%s", o > 0 ? ", " : "",
		    k);
}

/* Bytes of s that fit w columns, broken at a space (help text is ASCII). */
static size_t
chunk(const char *s, int w)
{
	size_t	len = strlen(s), cut = 0, i;

	if ((int)len <= w)
		return len;
	for (i = 0; i <= (size_t)w; i++)
		if (s[i] == ' ')
			cut = i;
	return cut > 0 ? cut : (size_t)w;
}

/* text wrapped at column x (w wide), keys (may be NULL) before it. */
static void
emit(struct walk *k, attr_t at, const char *keys, int x, const char *text)
{
	char	buf[256];
	size_t	n;
	int	w = k->w - (x - k->x) > 0 ? k->w - (x - k->x) : 1;

	do {
		n = chunk(text, w);
		if (k->line >= k->h->top && k->line < k->h->top + k->rows) {
			if (keys != NULL)
				draw_text(k->y + k->line - k->h->top, k->x,
				    k->kw, th(EL_KEY), keys);
			snprintf(buf, sizeof buf, "%.*s", (int)n, text);
			draw_text(k->y + k->line - k->h->top, x, w, at, buf);
		}
		keys = NULL;
		k->line++;
		text += n;
		while (*text == ' ')
			text++;
	} while (*text != '\0');
}

static void
walk(struct walk *k)
{
	char	keys[96], title[96];
	int	s, ac;

	emit(k, th(EL_DIALOG), NULL, k->x, "Text fields take printable keys; "
	    "Esc leaves them, then ? and q work.  No key needs an F-key: F1 "
	    "and F5 are only shortcuts.");
	for (s = 0; s < KS_COUNT; s++) {
		k->line++;
		if ((enum key_scope)s == k->h->scope)
			k->scope_line = k->line;
		snprintf(title, sizeof title, "%s%s",
		    keys_scope_title((enum key_scope)s),
		    (enum key_scope)s == k->h->scope && s != KS_GLOBAL ?
		    " (this screen)" : "");
		emit(k, th(EL_HEADING), NULL, k->x, title);
		for (ac = 1; ac < ACT_COUNT; ac++) {
			if (keys_scope((enum action)ac) != (enum key_scope)s)
				continue;
			join_keys(keys, sizeof keys, keys_of((enum action)ac));
			emit(k, th(EL_DIALOG), keys, k->x + k->kw,
			    keys_help((enum action)ac));
		}
	}
}

/* The widest key list, plus a gap. */
static int
keys_width(void)
{
	char	keys[96];
	int	ac, w = 0;

	for (ac = 1; ac < ACT_COUNT; ac++) {
		join_keys(keys, sizeof keys, keys_of((enum action)ac));
		if ((int)strlen(keys) > w)
			w = (int)strlen(keys);
	}
	return w + 2;
}

/* Lines of the help at this width (and where the screen's keys start). */
static int
help_total(struct help *h, int *scope_line)
{
	struct walk	k = { h, 0, 0, 0, 4, COLS - 8, 0, 0 };

	k.kw = keys_width();
	if (k.kw > k.w / 2)
		k.kw = k.w / 2;
	walk(&k);
	if (scope_line != NULL)
		*scope_line = k.scope_line;
	return k.line;
}

static void
help_draw(struct app *a, void *p)
{
	struct help	*h = p;
	struct walk	 k = { h, 0, LINES - 4, 2, 4, COLS - 8, 0, 0 };
	int		 y, total, at;

	(void)a;
	total = help_total(h, &at);
	if (!h->placed) {
		h->top = at;
		h->placed = 1;
	}
	if (h->top > total - k.rows)
		h->top = total - k.rows > 0 ? total - k.rows : 0;
	for (y = 1; y < LINES - 1; y++)
		draw_fill(y, 0, COLS, th(EL_NORMAL));
	draw_box(1, 2, LINES - 2, COLS - 4, th(EL_DIALOG), "Keys");
	k.kw = keys_width();
	if (k.kw > k.w / 2)
		k.kw = k.w / 2;
	walk(&k);
	draw_fmt(LINES - 2, 4, COLS - 8, th(EL_DIALOG), " %s %s scroll  Esc "
	    "closes  %d-%d of %d ", glyph(G_UP), glyph(G_DOWN), h->top + 1,
	    h->top + k.rows < total ? h->top + k.rows : total, total);
}

static int
help_key(struct app *a, void *p, int key)
{
	struct help	*h = p;

	switch (keys_action(KS_LIST, key)) {
	case ACT_UP:
		if (h->top > 0)
			h->top--;
		return D_NOW;
	case ACT_DOWN:
		h->top++;
		return D_NOW;
	case ACT_PGUP:
		h->top = h->top > LINES - 5 ? h->top - (LINES - 5) : 0;
		return D_NOW;
	case ACT_PGDN:
	case ACT_NONE:
		if (key == ' ' || keys_action(KS_LIST, key) == ACT_PGDN) {
			h->top += LINES - 5;
			return D_NOW;
		}
		break;
	case ACT_TOP:
		h->top = 0;
		return D_NOW;
	case ACT_BOTTOM:
		h->top = help_total(h, NULL);
		return D_NOW;
	default:
		break;
	}
	if (key == K_ESC || key == 'q' || key == '?' || key == K_ENTER ||
	    key == K_FN(KEY_F(1)))
		modal_close(a);
	return D_NOW;
}

static const struct modal_ops help_ops = { help_draw, help_key, free };

void
help_open(struct app *a)
{
	struct help	*h;

	if ((h = calloc(1, sizeof *h)) == NULL)
		return;
	h->scope = a->screen != NULL ? a->screen->scope : KS_GLOBAL;
	modal_open(a, &help_ops, h);
}
