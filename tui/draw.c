/* Drawing on stdscr: sanitized, width-cut text, bars, glyphs, numbers. */
#include "config.h"

#include "draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "clock.h"
#include "err.h"

static int	use_utf8;

static const struct {
	const char	*utf8, *ascii;
} glyphs[] = {
	[G_BAR_DONE] = { "\xe2\x96\x88", "#" },
	[G_BAR_TODO] = { "\xe2\x96\x91", "." },
	[G_ARROW] = { "\xe2\x86\x92", "->" },
	[G_ELLIPSIS] = { "\xe2\x80\xa6", "..." },
	[G_DOT] = { "\xc2\xb7", "|" },
	[G_CHECK] = { "x", "x" },
	[G_MINUS] = { "\xe2\x88\x92", "-" },
	[G_UP] = { "\xe2\x86\x91", "^" },
	[G_DOWN] = { "\xe2\x86\x93", "v" },
};

static const char *const spin_utf8[] = {
	"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8",
	"\xe2\xa0\xbc", "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7",
	"\xe2\xa0\x87", "\xe2\xa0\x8f"
};
static const char *const spin_ascii[] = { "|", "/", "-", "\\" };

void
draw_init(int utf8)
{
	use_utf8 = utf8;
}

int
draw_utf8(void)
{
	return use_utf8;
}

const char *
glyph(enum glyph g)
{
	return use_utf8 ? glyphs[g].utf8 : glyphs[g].ascii;
}

const char *
spinner(void)
{
	long	frame = (long)(tm_now_ms() / 100);
	if (use_utf8)
		return spin_utf8[frame % 10];
	return spin_ascii[frame % 4];
}

/*
 * Sanitise s into buf; without UTF-8 every non-ASCII byte becomes '?'
 * as well, since a C locale terminal would show it as garbage.
 */
static void
clean(char *buf, size_t n, const char *s)
{
	char	*p;

	tm_sanitize(buf, n, s != NULL ? s : "");
	if (!use_utf8)
		for (p = buf; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
}

/* Walk the characters of clean text: byte length and width of the next. */
static size_t
next_char(const char *s, int *width)
{
	mbstate_t	st;
	wchar_t		wc;
	size_t		n;
	int		w;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*width = 1;
		return 1;
	}
	w = wcwidth(wc);
	*width = w < 0 ? 1 : w;
	return n;
}

/* Width of clean text, trailing spaces left out (padding is no text). */
static int
clean_width(const char *buf)
{
	size_t	i, n;
	int	col = 0, end = 0, cw;

	for (i = 0; buf[i] != '\0'; i += n) {
		n = next_char(buf + i, &cw);
		col += cw;
		if (buf[i] != ' ')
			end = col;
	}
	return end;
}

/* Rows outside [clip_top, clip_bottom) are not drawn (scrolled panes). */
static int	clip_top, clip_bottom = -1;

void
draw_clip(int top, int bottom)
{
	clip_top = top;
	clip_bottom = bottom;
}

static int
clipped(int y)
{
	return y < 0 || y >= LINES || y < clip_top ||
	    (clip_bottom >= 0 && y >= clip_bottom);
}

/* Clean text from buf at y,x, the characters that fit room; columns. */
static int
put_span(int y, int x, int room, attr_t attr, const char *buf, size_t *used)
{
	size_t	i, n;
	int	col = 0, cw;

	attrset(attr);
	for (i = 0; buf[i] != '\0'; i += n) {
		n = next_char(buf + i, &cw);
		if (col + cw > room)
			break;
		mvaddnstr(y, x + col, buf + i, (int)n);
		col += cw;
	}
	if (used != NULL)
		*used = i;
	return col;
}

/* The columns of w that text gets when the ellipsis must follow. */
static int
text_room(const char *buf, int w)
{
	int	ew = use_utf8 ? 1 : 3;

	return clean_width(buf) > w && w > ew ? w - ew : w;
}

/*
 * The rule for long text in a cell: what does not fit ends in an
 * ellipsis, so a cut is never mistaken for the whole (panes wrap, with
 * draw_wrap; the full text is one key away on the screen that cuts it).
 */
int
draw_text(int y, int x, int w, attr_t attr, const char *s)
{
	char	 buf[2048];
	size_t	 i;
	int	 col, room;

	if (w <= 0 || clipped(y) || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	clean(buf, sizeof buf, s);
	room = text_room(buf, w);
	col = put_span(y, x, room, attr, buf, &i);
	if (room < w && buf[i] != '\0') {
		mvaddstr(y, x + col, glyph(G_ELLIPSIS));
		col += use_utf8 ? 1 : 3;
	}
	return col;
}

int
draw_match(int y, int x, int w, attr_t attr, const struct filter *f,
    const char *s)
{
	char	 buf[2048], part[FILTER_MAX * 2];
	size_t	 len;
	long	 at;
	int	 col, room, pre;

	col = draw_text(y, x, w, attr, s);
	if (col == 0 || !filter_on(f) || (at = filter_find(f, s, &len)) < 0)
		return col;
	if (x + w > COLS)
		w = COLS - x;
	clean(buf, sizeof buf, s);
	room = text_room(buf, w);
	/* The match over again, in the highlight, as far as the cell shows. */
	snprintf(buf, sizeof buf, "%.*s", (int)at, s);
	if ((pre = text_width(buf)) < room) {
		snprintf(buf, sizeof buf, "%.*s", (int)len, s + at);
		clean(part, sizeof part, buf);
		put_span(y, x + pre, room - pre, th(EL_SEARCH), part, NULL);
	}
	return col;
}

void
draw_filter_prompt(const struct filter *f, size_t shown, size_t total,
    int *cy, int *cx)
{
	char	count[128], a[32], b[32];
	int	x;

	if (!f->editing)
		return;
	fmt_count(a, sizeof a, shown);
	fmt_count(b, sizeof b, total);
	snprintf(count, sizeof count, "  %s of %s  Enter keeps  Esc clears", a,
	    b);
	draw_fill(LINES - 1, 0, COLS, th(EL_NORMAL));
	x = 1 + draw_text(LINES - 1, 1, 1, th(EL_KEY), "/");
	x += draw_text(LINES - 1, x, COLS - x - 1 - text_width(count),
	    th(EL_FIELD_FOCUS), f->text);
	draw_text(LINES - 1, x + 1, COLS - x - 2, th(EL_HINT), count);
	*cy = LINES - 1;
	*cx = x;
}

int
draw_fmt(int y, int x, int w, attr_t attr, const char *fmt, ...)
{
	char	buf[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_text(y, x, w, attr, buf);
}

int
text_width(const char *s)
{
	char	buf[2048];
	size_t	i, n;
	int	col = 0, cw;

	clean(buf, sizeof buf, s);
	for (i = 0; buf[i] != '\0'; i += n) {
		n = next_char(buf + i, &cw);
		col += cw;
	}
	return col;
}

/*
 * Wrap text into up to max lines of w columns at word boundaries; drawn
 * from y,x when draw is set, only counted otherwise.
 */
static int
wrap(int draw, int y, int x, int w, int max, attr_t at, const char *text)
{
	char	line[512];
	size_t	start = 0, len = strlen(text), cut, end;
	int	lines = 0;

	while (start < len && lines < max) {
		end = start;
		cut = start;
		while (end < len && (int)(end - start) < w) {
			if (text[end] == ' ')
				cut = end;
			end++;
		}
		/* Break at a space unless that wastes half the line. */
		if (end < len && cut > start + (size_t)w / 2)
			end = cut;
		/* The last line allowed takes the rest: cut, it ends in "...". */
		if (lines == max - 1)
			end = len;
		snprintf(line, sizeof line, "%.*s", (int)(end - start),
		    text + start);
		if (draw)
			draw_text(y + lines, x, w, at, line);
		lines++;
		start = end;
		while (start < len && text[start] == ' ')
			start++;
	}
	return lines;
}

int
draw_wrap(int y, int x, int w, int max, attr_t at, const char *text)
{
	return wrap(1, y, x, w, max, at, text);
}

int
wrap_lines(int w, int max, const char *text)
{
	return wrap(0, 0, 0, w, max, 0, text);
}

void
draw_fill(int y, int x, int w, attr_t attr)
{
	if (w <= 0 || clipped(y))
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
}

void
draw_rule(int y, int x, int w, const char *title)
{
	attrset(th(EL_BORDER));
	mvhline(y, x, use_utf8 ? ACS_HLINE : '-', w);
	if (title != NULL && title[0] != '\0' && w > 6) {
		draw_text(y, x + 2, 1, th(EL_BORDER), " ");
		draw_text(y, x + 3, w - 5, th(EL_HEADING), title);
		draw_text(y, x + 3 + text_width(title), 1, th(EL_BORDER), " ");
	}
}

void
draw_box(int y, int x, int h, int w, attr_t attr, const char *title)
{
	int	i;

	if (h < 2 || w < 2)
		return;
	for (i = 0; i < h; i++)
		draw_fill(y + i, x, w, attr);
	attrset(attr);
	if (use_utf8) {
		mvhline(y, x + 1, ACS_HLINE, w - 2);
		mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
		mvvline(y + 1, x, ACS_VLINE, h - 2);
		mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
		mvaddch(y, x, ACS_ULCORNER);
		mvaddch(y, x + w - 1, ACS_URCORNER);
		mvaddch(y + h - 1, x, ACS_LLCORNER);
		mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	} else {
		mvhline(y, x, '-', w);
		mvhline(y + h - 1, x, '-', w);
		mvvline(y + 1, x, '|', h - 2);
		mvvline(y + 1, x + w - 1, '|', h - 2);
		mvaddch(y, x, '+');
		mvaddch(y, x + w - 1, '+');
		mvaddch(y + h - 1, x, '+');
		mvaddch(y + h - 1, x + w - 1, '+');
	}
	if (title != NULL && w > 6)
		draw_fmt(y, x + 2, w - 4, attr | A_BOLD, " %s ", title);
}

void
draw_bar(int y, int x, int w, int64_t done, int64_t total)
{
	int	full, i;

	if (w <= 0)
		return;
	if (total <= 0)
		full = 0;
	else if (done >= total)
		full = w;
	else
		full = (int)((double)done / (double)total * w);
	for (i = 0; i < w; i++) {
		if (i < full)
			draw_text(y, x + i, 1, th(EL_BAR_DONE), glyph(G_BAR_DONE));
		else
			draw_text(y, x + i, 1, th(EL_BAR_TODO), glyph(G_BAR_TODO));
	}
}

/* The key to show for an action: typing, a printable key would be text. */
static void
shown_key(enum action a, int typing, char *buf, size_t n)
{
	char	keys[64], *p, *save;

	snprintf(keys, sizeof keys, "%s", keys_of(a));
	for (p = strtok_r(keys, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save))
		if (!typing || strlen(p) > 1)
			break;
	snprintf(buf, n, "%s", p != NULL ? p : keys_of(a));
	buf[strcspn(buf, " ")] = '\0';
}

void
draw_keybar(const enum action *acts, size_t n, int typing)
{
	char	key[32];
	size_t	i;
	int	x = 1, w;

	draw_fill(LINES - 1, 0, COLS, th(EL_NORMAL));
	for (i = 0; i < n; i++) {
		shown_key(acts[i], typing, key, sizeof key);
		w = text_width(key) + 1 + text_width(keys_label(acts[i]));
		if (x + w >= COLS)
			break;
		x += draw_text(LINES - 1, x, COLS - x, th(EL_KEY), key);
		x += draw_fmt(LINES - 1, x, COLS - x, th(EL_HINT), " %s  ",
		    keys_label(acts[i]));
	}
}

void
fmt_bytes(char *buf, size_t n, int64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double	d = (double)v;
	int	u = -1;

	if (v < 1024) {
		snprintf(buf, n, "%lld B", (long long)v);
		return;
	}
	while (d >= 1024 && u < 3) {
		d /= 1024;
		u++;
	}
	snprintf(buf, n, d < 10 ? "%.1f %s" : "%.0f %s", d, units[u]);
}

void
fmt_duration(char *buf, size_t n, double secs)
{
	long	s = secs < 0 ? 0 : (long)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

void
fmt_count(char *buf, size_t n, size_t v)
{
	char	tmp[32];
	size_t	len, i, o = 0;

	snprintf(tmp, sizeof tmp, "%zu", v);
	len = strlen(tmp);
	for (i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}
