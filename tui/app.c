/*
 * What every screen shares: the key-bar message, switching screens,
 * opening and closing the dialog, the title and key bars, list cursors.
 * It sits under the screens and calls none of them.  UI thread only.
 */
#include "config.h"

#include "app.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "draw.h"

void
app_msg(struct app *a, enum theme_el el, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof a->msg, fmt, ap);
	va_end(ap);
	a->msg_el = el;
	a->msg_until = tm_now() + (el == EL_ERROR ? 8 : 5);
}

void
app_switch(struct app *a, const struct screen_ops *s)
{
	a->screen = s;
}

void
modal_open(struct app *a, const struct modal_ops *ops, void *data)
{
	modal_close(a);
	a->modal = ops;
	a->modal_data = data;
}

void
modal_close(struct app *a)
{
	const struct modal_ops	*ops = a->modal;
	void			*data = a->modal_data;

	a->modal = NULL;
	a->modal_data = NULL;
	if (ops != NULL && ops->free != NULL)
		ops->free(data);
}

void
app_title(struct app *a, const char *left, const char *right)
{
	int	rw;

	(void)a;
	draw_fill(0, 0, COLS, th(EL_TITLE));
	rw = right != NULL ? text_width(right) : 0;
	draw_fmt(0, 1, COLS - rw - 3, th(EL_TITLE), "tagmirror %s %s",
	    glyph(G_DOT), left);
	if (right != NULL)
		draw_text(0, COLS - rw - 1, rw, th(EL_TITLE), right);
}

void
app_keybar(struct app *a, const enum action *acts, size_t n)
{
	int	h, i;

	if (a->msg[0] != '\0' && tm_now() < a->msg_until) {
		/* A status line is never cut: too long, it wraps upwards. */
		h = text_width(a->msg) > COLS - 2 ? (text_width(a->msg) >
		    2 * (COLS - 4) ? 3 : 2) : 1;
		for (i = 1; i <= h; i++)
			draw_fill(LINES - i, 0, COLS, th(EL_NORMAL));
		draw_wrap(LINES - h, 1, COLS - 2, h, th(a->msg_el), a->msg);
		return;
	}
	a->msg[0] = '\0';
	draw_keybar(acts, n, a->typing);
}

int
list_move(enum action act, size_t *sel, size_t n, int rows)
{
	size_t	page = rows > 1 ? (size_t)rows - 1 : 1;

	switch (act) {
	case ACT_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case ACT_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return 1;
	case ACT_PGUP:
		*sel = *sel > page ? *sel - page : 0;
		return 1;
	case ACT_PGDN:
		*sel = *sel + page < n ? *sel + page : (n > 0 ? n - 1 : 0);
		return 1;
	case ACT_TOP:
		*sel = 0;
		return 1;
	case ACT_BOTTOM:
		*sel = n > 0 ? n - 1 : 0;
		return 1;
	default:
		return 0;
	}
}
