/* The form's one-line text editor (UTF-8, cursor keys, masked passwords). */
#include "config.h"

#include "lineedit.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "keys.h"

void
le_init(struct lineedit *le, size_t max, int masked)
{
	memset(le, 0, sizeof *le);
	le->max = max;
	le->masked = masked;
	le->cap = 64;
	le->buf = calloc(1, le->cap);
}

void
le_free(struct lineedit *le)
{
	if (le->buf != NULL) {
		explicit_bzero(le->buf, le->cap);
		free(le->buf);
	}
	le->buf = NULL;
	le->len = le->cap = le->cur = 0;
}

const char *
le_text(const struct lineedit *le)
{
	return le->buf != NULL ? le->buf : "";
}

static size_t
prev_char(const struct lineedit *le, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && (le->buf[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static size_t
next_char(const struct lineedit *le, size_t i)
{
	if (i >= le->len)
		return le->len;
	i++;
	while (i < le->len && (le->buf[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* Display width of the character at i (1 for anything odd). */
static int
char_width(const struct lineedit *le, size_t i)
{
	mbstate_t	st;
	wchar_t		wc;
	size_t		n;
	int		w;

	if (le->masked)
		return 1;
	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, le->buf + i, le->len - i, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
		return 1;
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int
le_insert(struct lineedit *le, int ch)
{
	char		 mb[MB_LEN_MAX];
	mbstate_t	 st;
	size_t		 n;
	char		*nb;

	if (le->buf == NULL || !key_is_text(ch))
		return 0;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || le->len + n > le->max)
		return 0;
	if (le->len + n + 1 > le->cap) {
		/* Grow by copying so a password never lingers in freed memory. */
		if ((nb = calloc(1, (le->len + n + 1) * 2)) == NULL)
			return 0;
		memcpy(nb, le->buf, le->len + 1);
		explicit_bzero(le->buf, le->cap);
		free(le->buf);
		le->buf = nb;
		le->cap = (le->len + n + 1) * 2;
	}
	memmove(le->buf + le->cur + n, le->buf + le->cur, le->len - le->cur + 1);
	memcpy(le->buf + le->cur, mb, n);
	le->len += n;
	le->cur += n;
	return 1;
}

static void
delete_range(struct lineedit *le, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(le->buf + from, le->buf + to, le->len - to + 1);
	le->len -= to - from;
	explicit_bzero(le->buf + le->len, le->cap - le->len);
	le->cur = from;
}

void
le_set(struct lineedit *le, const char *s)
{
	mbstate_t	st;
	wchar_t		wc;
	size_t		n, left;

	delete_range(le, 0, le->len);
	le->scroll = 0;
	if (s == NULL)
		return;
	memset(&st, 0, sizeof st);
	for (left = strlen(s); left > 0; s += n, left -= n) {
		n = mbrtowc(&wc, s, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1;
			continue;
		}
		le_insert(le, (int)wc);
	}
}

static int
is_word(char c)
{
	return c != ' ' && c != ',' && c != '\t';
}

int
le_key(struct lineedit *le, int key)
{
	size_t	i;

	if (le->buf == NULL)
		return -1;
	if (key_is_text(key))
		return le_insert(le, key) ? 1 : 0;
	switch (key) {
	case K_FN(KEY_LEFT):
	case K_CTRL('B'):
		le->cur = prev_char(le, le->cur);
		return 0;
	case K_FN(KEY_RIGHT):
	case K_CTRL('F'):
		le->cur = next_char(le, le->cur);
		return 0;
	case K_FN(KEY_HOME):
	case K_CTRL('A'):
		le->cur = 0;
		return 0;
	case K_FN(KEY_END):
	case K_CTRL('E'):
		le->cur = le->len;
		return 0;
	case K_BSPACE:
	case K_FN(KEY_BACKSPACE):
	case K_CTRL('H'):
		if (le->cur == 0)
			return 0;
		delete_range(le, prev_char(le, le->cur), le->cur);
		return 1;
	case K_FN(KEY_DC):
	case K_CTRL('D'):
		if (le->cur == le->len)
			return 0;
		delete_range(le, le->cur, next_char(le, le->cur));
		return 1;
	case K_CTRL('U'):
		delete_range(le, 0, le->cur);
		return 1;
	case K_CTRL('K'):
		i = le->cur;
		delete_range(le, le->cur, le->len);
		le->cur = i;
		return 1;
	case K_CTRL('W'):
		/* Back over separators, then over the word: readline's rule. */
		i = le->cur;
		while (i > 0 && !is_word(le->buf[i - 1]))
			i--;
		while (i > 0 && is_word(le->buf[i - 1]))
			i--;
		delete_range(le, i, le->cur);
		return 1;
	}
	return -1;
}

void
le_draw(struct lineedit *le, WINDOW *win, int y, int x, int w, attr_t attr,
    int focused, int *cx)
{
	size_t	i, n;
	int	col, cw, curcol = 0, total = 0;
	int	bullet = MB_CUR_MAX > 1;

	if (w <= 0)
		return;
	for (i = 0; i < le->len; i = next_char(le, i)) {
		if (i == le->cur)
			curcol = total;
		total += char_width(le, i);
	}
	if (le->cur >= le->len)
		curcol = total;
	/* Keep the cursor in view, with one column to spare at the end. */
	if ((size_t)curcol < le->scroll)
		le->scroll = (size_t)curcol;
	if (curcol >= (int)le->scroll + w)
		le->scroll = (size_t)(curcol - w + 1);
	if (!focused && total < w)
		le->scroll = 0;
	wattrset(win, attr);
	mvwhline(win, y, x, ' ', w);
	for (i = 0, col = 0; i < le->len; i = next_char(le, i), col += cw) {
		cw = char_width(le, i);
		if (col < (int)le->scroll)
			continue;
		if (col + cw > (int)le->scroll + w)
			break;
		n = next_char(le, i) - i;
		if (le->masked)
			mvwaddstr(win, y, x + col - (int)le->scroll,
			    bullet ? "\xe2\x80\xa2" : "*");
		else
			mvwaddnstr(win, y, x + col - (int)le->scroll,
			    le->buf + i, (int)n);
	}
	if (focused && cx != NULL)
		*cx = x + curcol - (int)le->scroll;
}
