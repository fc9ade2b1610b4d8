/*
 * The warnings of a tag match: one wording for every command, so a script
 * that greps preview's warnings finds the same lines in run's.
 */
#include "config.h"

#include "matchwarn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tagexpr.h"

struct warnings {
	struct match_warning	*v;
	size_t			 n;
	int			 oom;
};

static void
add(struct warnings *w, size_t item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct warnings *w, size_t item, const char *fmt, ...)
{
	struct match_warning	*v;
	va_list			 ap;
	char			*s;
	int			 r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r == -1 || (v = reallocarray(w->v, w->n + 1, sizeof *v)) == NULL) {
		if (r != -1)
			free(s);
		w->oom = 1;
		return;
	}
	w->v = v;
	w->v[w->n].text = s;
	w->v[w->n++].item = item;
}

/* "item 2 'x' matches no tag", its text as typed made terminal-safe. */
static void
add_item(struct warnings *w, const struct tagexpr *expr, size_t i)
{
	const char	*t = tagexpr_item_text(expr, i);
	size_t		 n = strlen(t) + 1;
	char		*safe = malloc(n);

	if (safe == NULL) {
		w->oom = 1;
		return;
	}
	add(w, i, "item %zu '%s' %s no tag", i + 1, tm_sanitize(safe, n, t),
	    tagexpr_item_kind(expr, i) == TAGEXPR_EXCLUDE ? "excludes" :
	    "matches");
	free(safe);
}

int
match_warnings(const struct tagexpr *expr, const size_t *item_counts,
    size_t n, size_t rejected, size_t selected, struct match_warning **out,
    size_t *nout)
{
	struct warnings	w = { NULL, 0, 0 };
	size_t		i;

	if (rejected > 0)
		add(&w, MATCH_WARN_WHOLE, "skipped %zu name%s that %s not "
		    "%svalid tag name%s", rejected, rejected == 1 ? "" : "s",
		    rejected == 1 ? "is" : "are", rejected == 1 ? "a " : "",
		    rejected == 1 ? "" : "s");
	for (i = 0; expr != NULL && i < tagexpr_items(expr); i++)
		if (item_counts[i] == 0)
			add_item(&w, expr, i);
	if (selected == 0)
		add(&w, MATCH_WARN_WHOLE, "nothing matched: no tag of %zu "
		    "would be mirrored", n);
	if (w.oom) {
		match_warnings_free(w.v, w.n);
		return -1;
	}
	*out = w.v;
	*nout = w.n;
	return 0;
}

void
match_warnings_free(struct match_warning *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}
