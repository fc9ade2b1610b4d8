/* The help dialog: the keys of every screen, drawn from the key tables. */
#include "config.h"

#include "help.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"

/* The help screen is generated from the ACTIONS table in keys.h. */
struct help {
	int	top;
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

static int
help_lines(void)
{
	int	n = 0, s, a;

	for (s = 0; s < KS_COUNT; s++) {
		n += 2;
		for (a = 1; a < ACT_COUNT; a++)
			if (keys_scope((enum action)a) == (enum key_scope)s)
				n++;
	}
	return n + 3;
}

static void
help_draw(struct app *a, void *p)
{
	struct help	*h = p;
	char		 keys[96];
	int		 y, line = 0, s, ac, rows, w = COLS - 4, total, kw = 22;

	(void)a;
	rows = LINES - 4;
	total = help_lines();
	if (h->top > total - rows)
		h->top = total - rows > 0 ? total - rows : 0;
	for (y = 1; y < LINES - 1; y++)
		draw_fill(y, 0, COLS, th(EL_NORMAL));
	draw_box(1, 2, LINES - 2, w, th(EL_DIALOG), "Keys");
	y = 2;
#define EMIT(at, ...) do {						\
	if (line >= h->top && line < h->top + rows)			\
		draw_fmt(y + line - h->top, 4, w - 4, at, __VA_ARGS__);	\
	line++;								\
} while (0)
	EMIT(th(EL_DIALOG), "Text fields take printable keys; Esc leaves "
	    "them, then ? and q work.");
	EMIT(th(EL_DIALOG), "No key needs an F-key: F1 and F5 are only "
	    "shortcuts.");
	for (s = 0; s < KS_COUNT; s++) {
		EMIT(th(EL_DIALOG), "%s", "");
		EMIT(th(EL_HEADING), "%s", keys_scope_title((enum key_scope)s));
		for (ac = 1; ac < ACT_COUNT; ac++) {
			if (keys_scope((enum action)ac) != (enum key_scope)s)
				continue;
			join_keys(keys, sizeof keys, keys_of((enum action)ac));
			if (line >= h->top && line < h->top + rows) {
				draw_text(y + line - h->top, 6, kw,
				    th(EL_KEY), keys);
				draw_text(y + line - h->top, 6 + kw, w - kw - 6,
				    th(EL_DIALOG),
				    keys_help((enum action)ac));
			}
			line++;
		}
	}
#undef EMIT
	draw_fmt(LINES - 2, 4, w - 4, th(EL_DIALOG), " %s %s scroll   Esc, q "
	    "or ? close  (%d-%d of %d) ", glyph(G_UP), glyph(G_DOWN),
	    h->top + 1, h->top + rows < total ? h->top + rows : total, total);
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
		h->top = help_lines();
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

	if ((h = calloc(1, sizeof *h)) != NULL)
		modal_open(a, &help_ops, h);
}
