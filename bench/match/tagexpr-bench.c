/*
 * How fast is a tag expression?  Builds N tag names from a real tag list
 * (the list itself, then variants of it), compiles EXPR and times
 * tagexpr_apply (every item on every tag, counts, natural sort) over a few
 * rounds.  Prints one line of figures; the target is 100,000 tags against
 * a 20-item expression in well under 100 ms.
 *
 *   tagexpr-bench TAG_LIST [N [ROUNDS [EXPR]]]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "tagexpr.h"

/* "?\?" keeps C's trigraph "??-" out of the pattern. */
static const char default_expr[] =
    "latest,3.[789].?,3.[789].?\?,3.?\?.?,3.?\?.?\?,3.?\?.?\?-*,3.?\?.?-*,"
    "3-*,3.[789].?-*,3.[789].?\?-*,3.6-*,3.9.?\?-slim-*,3.10.?-slim*,"
    "!*rc*,*-alpine3.1[89],2.7.*,re:3\\.1[0-3]-.*,*windows*,!*-ltsc2016,"
    "[0-9]*-bullseye";

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct tagexpr		*e;
	struct tagexpr_result	 r;
	struct tm_err		 err;
	FILE			*f;
	char			**real = NULL, **tags, *line = NULL;
	size_t			 nreal = 0, cap = 0, n, rounds, i, lcap = 0;
	ssize_t			 len;
	double			*t;

	if (argc < 2 || argc > 5) {
		fputs("usage: tagexpr-bench TAG_LIST [N [ROUNDS [EXPR]]]\n", stderr);
		return 2;
	}
	n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 7;
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	while ((len = getline(&line, &lcap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (nreal == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((real = reallocarray(real, cap, sizeof *real)) == NULL)
				return 1;
		}
		if ((real[nreal++] = strdup(line)) == NULL)
			return 1;
	}
	fclose(f);
	free(line);
	if (nreal == 0 || n == 0 || rounds == 0 ||
	    (tags = calloc(n, sizeof *tags)) == NULL ||
	    (t = calloc(rounds, sizeof *t)) == NULL)
		return 1;
	/* Round k of the list gets "-bK" appended: new names, same shapes. */
	for (i = 0; i < n; i++) {
		if (i < nreal)
			tags[i] = strdup(real[i]);
		else if (asprintf(&tags[i], "%s-b%zu", real[i % nreal],
		    i / nreal) == -1)
			tags[i] = NULL;
		if (tags[i] == NULL)
			return 1;
	}
	if ((e = tagexpr_compile(argc > 4 ? argv[4] : default_expr, &err)) == NULL) {
		fprintf(stderr, "tagexpr-bench: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		double	t0 = tm_now();

		if (tagexpr_apply(e, (const char *const *)tags, n, &r, &err) == -1)
			return 1;
		t[i] = (tm_now() - t0) * 1e3;
		if (i + 1 < rounds)
			tagexpr_result_free(&r);
	}
	qsort(t, rounds, sizeof *t, dbl_cmp);
	printf("%zu tags x %zu items: %zu selected; apply min %.1f ms, "
	    "median %.1f ms, max %.1f ms (%zu rounds)\n", n, tagexpr_items(e),
	    r.n_matched, t[0], t[rounds / 2], t[rounds - 1], rounds);
	tagexpr_result_free(&r);
	tagexpr_free(e);
	for (i = 0; i < n; i++)
		free(tags[i]);
	for (i = 0; i < nreal; i++)
		free(real[i]);
	free(tags);
	free(real);
	free(t);
	return 0;
}
