/*
 * Drawing helpers on stdscr, in the spirit of ncdu's ncprint: every string
 * goes through tm_sanitize first, so nothing a registry sends can reach
 * the terminal as a control sequence, and is cut to a display width.
 * UTF-8 glyphs with an ASCII fallback when the locale is not UTF-8.
 * UI thread only.
 */
#ifndef TM_DRAW_H
#define TM_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "filter.h"
#include "keys.h"
#include "theme.h"

enum glyph {
	G_BAR_DONE,	/* progress bar, filled */
	G_BAR_TODO,	/* progress bar, empty */
	G_ARROW,	/* source -> destination */
	G_ELLIPSIS,
	G_DOT,		/* separator in lists */
	G_CHECK,	/* toggle on */
	G_MINUS,	/* a real minus for "excluded" counts */
	G_UP,		/* scroll hints */
	G_DOWN
};

/* Decide UTF-8 or ASCII once, after setlocale. */
void	 draw_init(int utf8);
int	 draw_utf8(void);
const char *glyph(enum glyph);
/* The spinner frame for the current time. */
const char *spinner(void);

/* Draw s at y,x in at most w columns; returns the columns used. */
int	 draw_text(int y, int x, int w, attr_t, const char *s);
int	 draw_fmt(int y, int x, int w, attr_t, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/*
 * Like draw_text, with the part the filter matches in the theme's
 * "search" colours.
 */
int	 draw_match(int y, int x, int w, attr_t, const struct filter *,
	    const char *s);
/*
 * While the filter is being typed: its prompt over the key-bar line,
 * "/text  3 of 40  Enter keeps  Esc clears", and the cursor's place in
 * *cy, *cx.  Nothing otherwise.  Last in a screen's draw.
 */
void	 draw_filter_prompt(const struct filter *, size_t shown, size_t total,
	    int *cy, int *cx);
/*
 * Draw only rows top to bottom - 1 until called again; (0, -1): every row,
 * (0, 0): none (to measure what would be drawn).
 * A scrolled pane draws its lines at their place and lets the clip drop
 * those outside.
 */
void	 draw_clip(int top, int bottom);
/* Wrap text at spaces into at most max lines of w columns; lines used. */
int	 draw_wrap(int y, int x, int w, int max, attr_t, const char *text);
/* The lines draw_wrap would use, without drawing. */
int	 wrap_lines(int w, int max, const char *text);
/* Display width of s after sanitising. */
int	 text_width(const char *s);
void	 draw_fill(int y, int x, int w, attr_t);
/* A horizontal rule with an optional title: "── Preview ─────". */
void	 draw_rule(int y, int x, int w, const char *title);
void	 draw_box(int y, int x, int h, int w, attr_t, const char *title);
/* A bar of w columns, done/total full. */
void	 draw_bar(int y, int x, int w, int64_t done, int64_t total);
/*
 * The bottom key bar: first key and label of each action, e.g.
 * "Ctrl-R run  ? help  q quit"; while typing, keys that are not text.
 */
void	 draw_keybar(const enum action *acts, size_t n, int typing);

/* "12.3 MiB", "512 B" */
void	 fmt_bytes(char *, size_t, int64_t);
/* "0:42", "1:02:03" */
void	 fmt_duration(char *, size_t, double secs);
/* "1,234" */
void	 fmt_count(char *, size_t, size_t);

#endif
