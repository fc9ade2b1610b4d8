/*
 * A one-line text editor for the form: UTF-8 text, cursor keys, Home/End,
 * Ctrl-A/E/U/K/W/D/H, horizontal scrolling for long expressions, and a
 * masked mode for passwords.  UI thread only.
 */
#ifndef TM_LINEEDIT_H
#define TM_LINEEDIT_H

#include <stddef.h>

#include <curses.h>

struct lineedit {
	char	*buf;		/* UTF-8, NUL-terminated */
	size_t	 len, cap;
	size_t	 cur;		/* byte offset of the cursor */
	size_t	 max;		/* longest text in bytes */
	size_t	 scroll;	/* first display column shown */
	int	 masked;
};

void		 le_init(struct lineedit *, size_t max, int masked);
/* Wipes the text (it may be a password) and frees it. */
void		 le_free(struct lineedit *);
/* Replace the text; characters that are not printable are dropped. */
void		 le_set(struct lineedit *, const char *);
const char	*le_text(const struct lineedit *);
/* Insert one character at the cursor; 1 when inserted. */
int		 le_insert(struct lineedit *, int ch);
/*
 * Apply an editing key.  Returns 1 when the text changed, 0 when only the
 * cursor moved, -1 when the key is not an editing key.
 */
int		 le_key(struct lineedit *, int key);
/*
 * Draw in w columns at y,x of win.  When focused, *cx gets the screen
 * column of the cursor.
 */
void		 le_draw(struct lineedit *, WINDOW *win, int y, int x, int w,
		    attr_t attr, int focused, int *cx);

#endif
