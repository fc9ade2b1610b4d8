/*
 * The incremental "/" filter every list shares (the preview's matched
 * tags, the run's tags, the troubleshoot list, the pickers).  One model:
 * the list narrows, at each key typed, to the rows that contain the text
 * (lower-case text matches either case, as less -i does); Enter keeps the
 * filter and gives the keys back to the list, Esc clears it; n and N step
 * through the rows left, wrapping.  Only the model is here, no drawing:
 * draw.c draws the prompt and the highlighted matches.  UI thread only.
 */
#ifndef TM_FILTER_H
#define TM_FILTER_H

#include <stddef.h>

#define FILTER_MAX	128

/* Plain data, zero-initialised: no filter, not typing. */
struct filter {
	char	text[FILTER_MAX];	/* UTF-8 */
	size_t	len;
	int	editing;		/* "/" was typed, Enter or Esc not yet */
};

enum filter_rc {
	FILTER_PASS = -1,	/* not the filter's key: the list's own */
	FILTER_SAME,		/* taken; the rows shown stay the same */
	FILTER_CHANGED,		/* the text changed: collect the rows again */
	FILTER_NEXT,		/* n: the next row left (filter_step) */
	FILTER_PREV		/* N: the previous one */
};

/*
 * A key for a list that has filter f.  While typing, text keys, Bksp,
 * Ctrl-U, Enter and Esc are the filter's and every other key passes (so
 * the arrows still move), Tab and S-Tab ending the typing first (kept,
 * as by Enter: the focus they move leaves the list); otherwise "/" starts typing, and with a filter
 * on, Esc clears it and n / N step.
 */
enum filter_rc	 filter_key(struct filter *, int key);
/* The cursor after FILTER_NEXT or FILTER_PREV in a list of n rows. */
size_t		 filter_step(enum filter_rc, size_t sel, size_t n);
/*
 * filter_key for a list with a cursor: a new text puts sel and top back
 * at the first row, n and N move sel among the n rows.
 */
enum filter_rc	 filter_list_key(struct filter *, int key, size_t *sel,
		    size_t *top, size_t n);
void		 filter_clear(struct filter *);
/* 1 when there is text to filter by. */
int		 filter_on(const struct filter *);
/*
 * Where the filter's text is in s: its byte offset, *len its length;
 * -1 when not there.  An empty filter matches everything at 0, length 0.
 */
long		 filter_find(const struct filter *, const char *s, size_t *len);
/* 1 when s is a row the filter keeps. */
int		 filter_keeps(const struct filter *, const char *s);

#endif
