/* The "/" filter's model: its text, typing it, and where it matches. */
#include "config.h"

#include "filter.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <wchar.h>

#include "keys.h"

void
filter_clear(struct filter *f)
{
	f->text[0] = '\0';
	f->len = 0;
	f->editing = 0;
}

int
filter_on(const struct filter *f)
{
	return f->len > 0;
}

/* Drop the last UTF-8 character. */
static void
drop_last(struct filter *f)
{
	while (f->len > 0 &&
	    ((unsigned char)f->text[--f->len] & 0xc0) == 0x80)
		;
	f->text[f->len] = '\0';
}

static int
append(struct filter *f, int key)
{
	char		mb[MB_LEN_MAX];
	mbstate_t	st;
	size_t		n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || f->len + n >= sizeof f->text)
		return 0;
	memcpy(f->text + f->len, mb, n);
	f->len += n;
	f->text[f->len] = '\0';
	return 1;
}

static enum filter_rc
typing_key(struct filter *f, int key)
{
	if (key == '\n' || key == K_FN(KEY_ENTER))
		key = K_ENTER;
	if (key == K_FN(KEY_BACKSPACE) || key == 8)
		key = K_BSPACE;
	switch (key) {
	case K_ENTER:
		f->editing = 0;
		return FILTER_SAME;
	case K_TAB:
	case K_FN(KEY_BTAB):
		/* The focus leaves the list: the text is kept, as by Enter. */
		f->editing = 0;
		return FILTER_PASS;
	case K_ESC:
		filter_clear(f);
		return FILTER_CHANGED;
	case K_BSPACE:
		/* As in less: erasing past the start leaves the prompt. */
		if (f->len == 0) {
			f->editing = 0;
			return FILTER_SAME;
		}
		drop_last(f);
		return FILTER_CHANGED;
	case K_CTRL('U'):
		f->text[0] = '\0';
		f->len = 0;
		return FILTER_CHANGED;
	default:
		if (!key_is_text(key))
			return FILTER_PASS;
		return append(f, key) ? FILTER_CHANGED : FILTER_SAME;
	}
}

enum filter_rc
filter_key(struct filter *f, int key)
{
	enum action	act = keys_action(KS_LIST, key);

	if (f->editing)
		return typing_key(f, key);
	if (act == ACT_SEARCH) {
		f->editing = 1;
		return FILTER_SAME;
	}
	if (!filter_on(f))
		return FILTER_PASS;
	if (key == K_ESC) {
		filter_clear(f);
		return FILTER_CHANGED;
	}
	if (act == ACT_NEXT_MATCH)
		return FILTER_NEXT;
	if (act == ACT_PREV_MATCH)
		return FILTER_PREV;
	return FILTER_PASS;
}

size_t
filter_step(enum filter_rc rc, size_t sel, size_t n)
{
	if (n == 0)
		return 0;
	if (rc == FILTER_NEXT)
		return (sel + 1) % n;
	if (rc == FILTER_PREV)
		return (sel + n - 1) % n;
	return sel;
}

enum filter_rc
filter_list_key(struct filter *f, int key, size_t *sel, size_t *top,
    size_t n)
{
	enum filter_rc	rc = filter_key(f, key);

	if (rc == FILTER_CHANGED)
		*sel = *top = 0;
	else if (rc == FILTER_NEXT || rc == FILTER_PREV)
		*sel = filter_step(rc, *sel, n);
	return rc;
}

/* Lower-case text ignores case (ASCII: tag names are ASCII). */
static int
smartcase(const struct filter *f)
{
	size_t	i;

	for (i = 0; i < f->len; i++)
		if (isupper((unsigned char)f->text[i]))
			return 0;
	return 1;
}

long
filter_find(const struct filter *f, const char *s, size_t *len)
{
	size_t	i, j, n = strlen(s);
	int	fold = smartcase(f);

	*len = f->len;
	for (i = 0; i + f->len <= n; i++) {
		for (j = 0; j < f->len; j++) {
			unsigned char	a = (unsigned char)s[i + j];
			unsigned char	b = (unsigned char)f->text[j];

			if (fold ? tolower(a) != b : a != b)
				break;
		}
		if (j == f->len)
			return (long)i;
	}
	return -1;
}

int
filter_keeps(const struct filter *f, const char *s)
{
	size_t	len;

	return filter_find(f, s, &len) >= 0;
}
